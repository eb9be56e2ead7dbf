"""The timeseries elective's explorer for bench/explorer_updates.py (the loader injects CLICK)."""


def backtest_changes():
    changes = [("fold", k) for k in (1, 2, 3, 4, 5)]
    changes += [("lags", p) for p in (1, 3, 7, 10, 21, 28, 14)]
    changes += [("test_size", t) for t in (7, 14, 42, 56, 28)]
    changes += [("gap", g) for g in (1, 7, 14, 28, 0)]
    changes += [("max_train_size", m) for m in (112, 364, 700, 0)]
    changes += [("n_splits", k) for k in (2, 8, 10, 5)]
    return changes


EXPLORERS = [("backtest_explorer", backtest_changes)]
