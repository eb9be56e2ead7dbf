"""The recsys elective's explorer for bench/explorer_updates.py (the loader injects CLICK)."""


def recommender_changes():
    changes = [("rank", r) for r in (1, 2, 4, 5, 6, 7, 8, 3)]
    changes += [("lam", lam) for lam in (0.1, 1.0, 3.0, 30.0, 10.0)]
    changes += [("user", u) for u in (1, 17, 42, 99, 250, 399, 0)]
    changes += [("k", k) for k in (1, 5, 20, 30, 10)]
    changes += [("rank", 8), ("lam", 0.1), ("user", 7), ("rank", 3), ("lam", 10.0)]
    return changes


EXPLORERS = [("recommender_explorer", recommender_changes)]
