"""The projects notebook's explorer for bench/explorer_updates.py (the loader injects CLICK)."""


def churn_cost_changes():
    changes = [("threshold", t) for t in (0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.05, 0.15)]
    changes += [("cost_fp", c) for c in (0.0, 50.0, 100.0, 150.0, 200.0, 20.0)]
    changes += [("cost_fn", c) for c in (0.0, 100.0, 500.0, 1000.0, 200.0)]
    changes += [("threshold", 0.4), ("cost_fp", 70.0), ("cost_fn", 800.0), ("threshold", 0.12)]
    return changes


EXPLORERS = [("churn_cost_explorer", churn_cost_changes)]
