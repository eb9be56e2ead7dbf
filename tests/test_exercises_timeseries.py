"""The timeseries notebook: correct implementations written differently from the solutions pass the oracle on many
seeds, and the oracle's references agree with independent ones.

Each RIGHT variant takes another route than the notebook's solution (folds built backwards from the end of the
series with a while loop, lag features row by row in plain Python, the naive forecast with np.repeat, the seasonal
naive forecast with np.resize or a modular index counted from the end, MASE with explicit sums), so the hidden tests
are not tied to one way of writing the answer.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import TimeSeriesSplit

from course.exercises import make_cases, run_checks
from course.exercises.timeseries import RAISES, _folds_reference, _fold_rows, _draw_fold_question, folds_variant
from course.explorers.backtest import (daily_rentals, linear_lag_forecast, reference_lag_features,
                                       reference_seasonal_naive_forecast)
from course.variants import parameters, variant_answer


# ----------------------------------------------------------------------------- right, written differently

def folds_backwards(n, n_splits, test_size=None, gap=0, max_train_size=None):
    """Walk back from the end of the series: each test window ends where the next one starts."""
    size = n // (n_splits + 1) if test_size is None else test_size
    if n_splits >= n or size * n_splits + gap >= n:
        raise ValueError("not enough rows")
    folds, end = [], n
    while len(folds) < n_splits:
        start = end - size
        stop = start - gap
        first = stop - max_train_size if max_train_size and stop > max_train_size else 0
        folds.append((np.array(range(first, stop), dtype=np.int64), np.array(range(start, end), dtype=np.int64)))
        end = start
    return folds[::-1]


def lags_row_by_row(series, lags):
    values = [float(v) for v in series]
    rows = [[values[t - k] if t - k >= 0 else float("nan") for k in lags] for t in range(len(values))]
    return pd.DataFrame(rows, index=series.index, columns=[f"lag_{k}" for k in lags], dtype=float)


def naive_by_repeat(history, horizon):
    return np.repeat(np.asarray(history, dtype=float)[-1:], horizon)


def seasonal_by_resize(history, horizon, season):
    return np.resize(np.asarray(history, dtype=float)[-season:], horizon)


def seasonal_by_counting_back(history, horizon, season):
    history = np.asarray(history, dtype=float)
    T = len(history)
    return np.array([history[T - season + (h % season)] for h in range(horizon)])


def mase_by_sums(y_true, y_pred, y_train, season=1):
    y_train = list(map(float, y_train))
    scale = sum(abs(y_train[t] - y_train[t - season]) for t in range(season, len(y_train))) / (len(y_train) - season)
    error = sum(abs(float(a) - float(b)) for a, b in zip(y_true, y_pred)) / len(y_true)
    return error / scale


RIGHT = [("timeseries.rolling_origin_folds", folds_backwards),
         ("timeseries.lag_features", lags_row_by_row),
         ("timeseries.naive_forecast", naive_by_repeat),
         ("timeseries.seasonal_naive_forecast", seasonal_by_resize),
         ("timeseries.seasonal_naive_forecast", seasonal_by_counting_back),
         ("timeseries.mase", mase_by_sums)]


@pytest.mark.parametrize("key, function", RIGHT, ids=[f.__name__ for _, f in RIGHT])
def test_right_implementations_written_differently_pass_on_many_seeds(key, function):
    for seed in range(8):
        report = run_checks(key, function, seed=seed)
        assert report.ok, report.failure


# ----------------------------------------------------------------------------- the references, independently


def test_the_folds_reference_is_time_series_split_and_refuses_the_same_settings():
    _, cases = make_cases("timeseries.rolling_origin_folds", seed=1)
    raising = 0
    for case in cases:
        expected = _folds_reference(case)
        try:
            mine = folds_backwards(case["n"], case["n_splits"], case["test_size"], case["gap"], case["max_train_size"])
        except ValueError:
            mine = RAISES
        if expected == RAISES:
            raising += 1
            assert mine == RAISES
            continue
        assert len(mine) == len(expected) == case["n_splits"]
        for (a, b), (c, d) in zip(mine, expected):
            assert np.array_equal(a, c) and np.array_equal(b, d)
            assert a.max(initial=-1) < b.min() - case["gap"] + 1         # every training row before its test rows
    assert raising == 3


def test_every_named_mistake_differs_from_the_right_folds_somewhere():
    _, cases = make_cases("timeseries.rolling_origin_folds", seed=0)
    for form in ("no_gap", "gap_off_by_one", "test_size_by_splits", "from_start", "no_max", "max_from_start"):
        differs = False
        for case in cases:
            if _folds_reference(case) == RAISES:
                continue
            args = [case[k] for k in ("n", "n_splits", "test_size", "gap", "max_train_size")]
            wrong, right = folds_variant(*args, form=form), folds_variant(*args)
            differs |= any(not np.array_equal(a, b) for pw, pr in zip(wrong, right) for a, b in zip(pw, pr))
        assert differs, form


def test_lag_features_reference_is_pandas_shift_row_by_row():
    series = daily_rentals()[:40]
    assert reference_lag_features(series, [1, 7, 50]).equals(lags_row_by_row(series, [1, 7, 50]))


def test_the_seasonal_naive_formula_is_the_last_season_repeated():
    rng = np.random.default_rng(0)
    for _ in range(50):
        season = int(rng.integers(1, 13))
        history = rng.normal(size=int(rng.integers(season, 60)))
        horizon = int(rng.integers(1, 40))
        assert np.array_equal(reference_seasonal_naive_forecast(history, horizon, season),
                              seasonal_by_resize(history, horizon, season))


def test_the_per_student_question_agrees_with_time_series_split():
    rng = np.random.default_rng(5)
    for _ in range(200):
        p = _draw_fold_question(rng)
        folds = list(TimeSeriesSplit(p["n_splits"], test_size=p["test_size"], gap=p["gap"]).split(np.zeros(p["n"])))
        assert len(folds[p["fold"] - 1][0]) == _fold_rows(p) > 0
    for student in ("ada", "grace", "self-study"):
        p = parameters("timeseries.checkpoint_q1", student)
        assert variant_answer("timeseries.checkpoint_q1", student) == _fold_rows(p)


def test_the_linear_lag_forecast_is_least_squares_then_recursion():
    history = daily_rentals().to_numpy()[:200]
    forecast = linear_lag_forecast(history, 10, 3)
    X = np.column_stack([history[2:-1], history[1:-2], history[:-3], np.ones(197)])
    w = np.linalg.lstsq(X, history[3:], rcond=None)[0]
    window = list(history[-3:])
    for h in range(10):
        step = w[0] * window[-1] + w[1] * window[-2] + w[2] * window[-3] + w[3]
        assert forecast[h] == pytest.approx(step, rel=1e-9)
        window.append(step)


def test_the_series_is_what_the_lesson_says():
    y = daily_rentals()
    assert len(y) == 730 and isinstance(y.index, pd.DatetimeIndex) and y.index.freqstr == "D"
    assert str(y.index[0].date()) == "2024-01-01"
    assert y.equals(daily_rentals())                                   # reproducible
    weekday = y.groupby(y.index.day_of_week).mean()
    assert weekday.idxmax() == 4 and weekday.idxmin() == 6              # busiest Friday, quietest Sunday
