"""The metrics notebook's explorers for bench/explorer_updates.py (the loader injects CLICK)."""


def metric_board_changes():
    changes = [("threshold", t) for t in (0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9, 0.5)]
    changes += [("separation", s) for s in (0.5, 1.0, 3.0, 4.5, 2.0)]
    changes += [("positive_share", p) for p in (0.01, 0.05, 0.3, 0.5, 0.2)]
    changes += [("confidence", c) for c in (0.3, 2.0, 4.0, 1.0)]
    changes += [("threshold", t) for t in (0.15, 0.35, 0.65, 0.85)]
    changes += [("positive_share", 0.02), ("threshold", 0.9), ("threshold", 0.25)]
    return changes


def outlier_metrics_changes():
    changes = [("outlier", o) for o in (2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 0.0, 8.0)]
    changes += [("level", v) for v in (10.0, 20.0, 2.0, 0.5, 0.0, -1.0, -2.0, 5.0)]
    changes += [("outlier", o) for o in (12.0, 25.0, 1.0)] + [("level", v) for v in (1.0, 15.0)]
    return changes


EXPLORERS = [("metric_board_explorer", metric_board_changes), ("outlier_metrics_explorer", outlier_metrics_changes)]
