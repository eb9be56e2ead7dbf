"""The quick start's explorer for bench/explorer_updates.py (the loader injects CLICK)."""


def line_fit_changes():
    changes = [("noise", s) for s in (0.0, 0.5, 2.0, 3.0, 1.5, 1.0)]
    changes += [("samples", n) for n in (20, 50, 200, 400, 10, 100)]
    changes += [("degree", d) for d in (3, 9, 15, 5, 2)]
    changes += [("samples", n) for n in (20, 30, 300)]
    changes += [("degree", d) for d in (12, 7, 1)]
    changes += [("noise", s) for s in (2.5, 0.3, 1.2)]
    changes += [("samples", n) for n in (60, 150, 250)]
    changes += [("degree", 4)]
    return changes


EXPLORERS = [("line_fit_explorer", line_fit_changes)]
