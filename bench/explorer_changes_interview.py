"""The interview notebook's explorer for bench/explorer_updates.py (the loader injects CLICK): the threshold
explorer, moved the way Part 1 asks (the share of positives down to a few per cent, the threshold swept)."""


def interview_threshold_changes():
    changes = [("positive_share", s) for s in (0.1, 0.06, 0.04, 0.02, 0.3, 0.2)]
    changes += [("threshold", t) for t in (0.3, 0.4, 0.6, 0.7, 0.8, 0.9, 0.5)]
    changes += [("positive_share", 0.02)] + [("threshold", t) for t in (0.2, 0.35, 0.65, 0.85)]
    changes += [("separation", s) for s in (1.0, 3.0, 2.0)]
    return changes


EXPLORERS = [("threshold_explorer", interview_threshold_changes)]
