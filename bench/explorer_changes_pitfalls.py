"""The pitfalls lab's explorer for bench/explorer_updates.py (the loader injects CLICK)."""
from course.explorers.leakage_lab import MODES


def leakage_changes():
    changes = [("k", k) for k in (1, 5, 10, 15, 25, 35, 50, 20)]
    changes += [("mode", MODES[1]), ("k", 40), ("k", 3), ("mode", MODES[0])]
    changes += [("width", w) for w in (50, 200, 5000, 1000)]
    changes += [("k", k) for k in (8, 30, 12)] + [("mode", MODES[1]), ("width", 200), ("mode", MODES[0])]
    return changes


EXPLORERS = [("leakage_explorer", leakage_changes)]
