"""Week 12's explorer for bench/explorer_updates.py (the loader injects CLICK)."""


def drift_changes():
    changes = [("mean_shift", s) for s in (0.0, 0.3, 0.6, 1.2, 2.0, 3.0, 1.0)]
    changes += [("spread", s) for s in (1.5, 2.0, 3.0, 1.0)]
    changes += [("new_category", s) for s in (0.1, 0.3, 0.6, 0.0)]
    changes += [("concept", c) for c in (0.5, 1.0, 0.0)]
    changes += [("start", s) for s in (0, 5, 20, 10)]
    changes += [("window", n) for n in (50, 200, 600, 1000, 300)]
    changes += [("label_delay", d) for d in (0, 6, 10, 3)]
    return changes


EXPLORERS = [("drift_explorer", drift_changes)]
