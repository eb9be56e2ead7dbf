"""Plausible wrong implementations of the timeseries notebook's graded functions, each with the diagnosis it must
get.

Every hidden test must fail for at least one of these (tests/test_exercises.py checks it); PUBLIC_CASES are the
public cells that must name a mistake too (tests/test_public_tests.py).
"""
import numpy as np
import pandas as pd

from solutions import renamed_source


# ----------------------------------------------------------------------------- rolling_origin_folds

def _folds(n, n_splits, test_size, gap, max_train_size, *, use_gap=True, extra=0, blocks=None, from_start=False,
           use_max=True, keep_first=False, check=True, dtype=int):
    size = test_size if test_size is not None else n // (blocks(n_splits) if blocks else n_splits + 1)
    if check and (n_splits + 1 > n or n - gap - n_splits * size <= 0):
        raise ValueError("too few rows")
    out = []
    for k in range(n_splits):
        start = (k + 1) * size if from_start else n - (n_splits - k) * size
        end = start - (gap if use_gap else 0) - extra
        first = 0
        if use_max and max_train_size and max_train_size < end:
            first, end = (0, max_train_size) if keep_first else (end - max_train_size, end)
        out.append((np.arange(first, end).astype(dtype), np.arange(start, start + size).astype(dtype)))
    return out


def folds_without_gap(n, n_splits, test_size=None, gap=0, max_train_size=None):
    return _folds(n, n_splits, test_size, gap, max_train_size, use_gap=False)


def folds_gap_plus_one(n, n_splits, test_size=None, gap=0, max_train_size=None):
    return _folds(n, n_splits, test_size, gap, max_train_size, extra=1)


def folds_test_size_by_splits(n, n_splits, test_size=None, gap=0, max_train_size=None):
    return _folds(n, n_splits, test_size, gap, max_train_size, blocks=lambda k: k)


def folds_from_the_start(n, n_splits, test_size=None, gap=0, max_train_size=None):
    return _folds(n, n_splits, test_size, gap, max_train_size, from_start=True)


def folds_ignoring_max_train_size(n, n_splits, test_size=None, gap=0, max_train_size=None):
    return _folds(n, n_splits, test_size, gap, max_train_size, use_max=False)


def folds_keeping_the_first_rows(n, n_splits, test_size=None, gap=0, max_train_size=None):
    return _folds(n, n_splits, test_size, gap, max_train_size, keep_first=True)


def folds_never_raising(n, n_splits, test_size=None, gap=0, max_train_size=None):
    if test_size is None and n // (n_splits + 1) == 0:
        test_size = 1
    return _folds(n, n_splits, test_size, gap, max_train_size, check=False)


def folds_of_floats(n, n_splits, test_size=None, gap=0, max_train_size=None):
    return _folds(n, n_splits, test_size, gap, max_train_size, dtype=float)


# ----------------------------------------------------------------------------- lag_features

def _lagged(series, lags, shift_by=lambda k: k, names="lag_{}", dropna=False, index=True):
    values = series.to_numpy(dtype=float)
    columns = {}
    for k in lags:
        s = shift_by(k)
        column = np.full(len(values), np.nan)
        if 0 <= s < len(values):
            column[s:] = values[:len(values) - s]
        elif -len(values) < s < 0:
            column[:s] = values[-s:]
        columns[names.format(k)] = column
    frame = pd.DataFrame(columns, index=series.index if index else None)
    return frame.dropna() if dropna else frame


def lags_from_the_future(series, lags):
    return _lagged(series, lags, shift_by=lambda k: -k)


def lags_with_np_roll(series, lags):
    values = series.to_numpy(dtype=float)
    return pd.DataFrame({f"lag_{k}": np.roll(values, k) for k in lags}, index=series.index)


def lags_one_short(series, lags):
    return _lagged(series, lags, shift_by=lambda k: k - 1)


def lags_dropping_rows(series, lags):
    return _lagged(series, lags, dropna=True)


def lags_losing_the_index(series, lags):
    return _lagged(series, lags, index=False)


def lags_named_differently(series, lags):
    return _lagged(series, lags, names="lag{}")


def lags_in_place(series, lags):
    frame = _lagged(series, lags)
    series.iloc[:] = 0.0
    return frame


# ----------------------------------------------------------------------------- naive_forecast

def naive_mean(history, horizon):
    return np.full(horizon, np.mean(history))


def naive_first(history, horizon):
    return np.full(horizon, float(history[0]))


def naive_last_window(history, horizon):
    return np.asarray(history, dtype=float)[-horizon:]


# ----------------------------------------------------------------------------- seasonal_naive_forecast

def seasonal_reversed(history, horizon, season):
    last = np.asarray(history, dtype=float)[-season:][::-1]
    return np.array([last[h % season] for h in range(horizon)])


def seasonal_one_step_early(history, horizon, season):
    history = np.asarray(history, dtype=float)
    last = history[len(history) - season - 1:len(history) - 1]
    return np.array([last[h % season] for h in range(horizon)])


def seasonal_first_season(history, horizon, season):
    first = np.asarray(history, dtype=float)[:season]
    return np.array([first[h % season] for h in range(horizon)])


def seasonal_is_naive(history, horizon, season):
    return np.full(horizon, float(history[-1]))


def seasonal_untrimmed_tile(history, horizon, season):
    return np.tile(np.asarray(history, dtype=float)[-season:], horizon // season + 1)


# ----------------------------------------------------------------------------- mase

def _differences(series, m):
    series = np.asarray(series, dtype=float)
    return series[m:] - series[:-m]


def mase_test_scale(y_true, y_pred, y_train, season=1):
    y_true = np.asarray(y_true, dtype=float)
    return float(np.mean(np.abs(y_true - y_pred)) / np.mean(np.abs(y_true[season:] - y_true[:-season])))


def mase_ignoring_season(y_true, y_pred, y_train, season=1):
    return float(np.mean(np.abs(np.subtract(y_true, y_pred))) / np.mean(np.abs(np.diff(y_train))))


def mase_unscaled(y_true, y_pred, y_train, season=1):
    return float(np.mean(np.abs(np.subtract(y_true, y_pred))))


def mase_squared(y_true, y_pred, y_train, season=1):
    return float(np.mean(np.subtract(y_true, y_pred) ** 2) / np.mean(_differences(y_train, season) ** 2))


def mase_sum_scale(y_true, y_pred, y_train, season=1):
    return float(np.mean(np.abs(np.subtract(y_true, y_pred))) / np.sum(np.abs(_differences(y_train, season))))


def mase_per_step(y_true, y_pred, y_train, season=1):
    return np.abs(np.subtract(y_true, y_pred)) / np.mean(np.abs(_differences(y_train, season)))


WRONG = [
    ("timeseries.rolling_origin_folds", folds_without_gap, "ignoring the gap"),
    ("timeseries.rolling_origin_folds", folds_gap_plus_one, "one row too many out"),
    ("timeseries.rolling_origin_folds", folds_test_size_by_splits, "n // n_splits"),
    ("timeseries.rolling_origin_folds", folds_from_the_start, "stacking the test windows from the start"),
    ("timeseries.rolling_origin_folds", folds_ignoring_max_train_size, "ignoring max_train_size"),
    ("timeseries.rolling_origin_folds", folds_keeping_the_first_rows, "FIRST max_train_size"),
    ("timeseries.rolling_origin_folds", folds_never_raising, "TimeSeriesSplit raises ValueError here"),
    ("timeseries.rolling_origin_folds", folds_of_floats, "integer arrays"),
    ("timeseries.lag_features", lags_from_the_future, "shifting the wrong way"),
    ("timeseries.lag_features", lags_with_np_roll, "np.roll"),
    ("timeseries.lag_features", lags_one_short, "a lag one step short"),
    ("timeseries.lag_features", lags_dropping_rows, "keep every row"),
    ("timeseries.lag_features", lags_losing_the_index, "DatetimeIndex"),
    ("timeseries.lag_features", lags_named_differently, "named lag_k"),
    ("timeseries.lag_features", lags_in_place, "changed its input series"),
    ("timeseries.naive_forecast", naive_mean, "the mean of the history"),
    ("timeseries.naive_forecast", naive_first, "repeating the first value"),
    ("timeseries.naive_forecast", naive_last_window, "the last `horizon` values"),
    ("timeseries.seasonal_naive_forecast", seasonal_reversed, "in reverse order"),
    ("timeseries.seasonal_naive_forecast", seasonal_one_step_early, "one step too early"),
    ("timeseries.seasonal_naive_forecast", seasonal_first_season, "FIRST season"),
    ("timeseries.seasonal_naive_forecast", seasonal_is_naive, "the naive forecast"),
    ("timeseries.seasonal_naive_forecast", seasonal_untrimmed_tile, "one forecast per step"),
    ("timeseries.mase", mase_test_scale, "seasonal differences of y_true"),
    ("timeseries.mase", mase_ignoring_season, "one-step differences"),
    ("timeseries.mase", mase_unscaled, "the mean absolute error alone"),
    ("timeseries.mase", mase_squared, "squared errors"),
    ("timeseries.mase", mase_sum_scale, "SUM"),
    ("timeseries.mase", mase_per_step, "a single number was expected"),
]


PUBLIC_CASES = [  # (public grade_id, function name, wrong variant, phrase the learner must read)
    ("rolling_origin_folds_public", "rolling_origin_folds", folds_without_gap, "ignoring the gap"),
    ("rolling_origin_folds_public", "rolling_origin_folds", folds_gap_plus_one, "leaving gap + 1 rows out"),
    ("rolling_origin_folds_public", "rolling_origin_folds", folds_test_size_by_splits, "n // n_splits"),
    ("rolling_origin_folds_public", "rolling_origin_folds", folds_from_the_start, "from the start"),
    ("rolling_origin_folds_public", "rolling_origin_folds", folds_ignoring_max_train_size, "ignoring max_train_size"),
    ("rolling_origin_folds_public", "rolling_origin_folds", folds_keeping_the_first_rows, "FIRST max_train_size"),
    ("lag_features_public", "lag_features", lags_from_the_future, "shift(-k)"),
    ("lag_features_public", "lag_features", lags_with_np_roll, "np.roll"),
    ("lag_features_public", "lag_features", lags_one_short, "a lag one day short"),
    ("lag_features_public", "lag_features", lags_losing_the_index, "DatetimeIndex"),
    ("lag_features_public", "lag_features", lags_named_differently, "the columns"),
    ("naive_forecast_public", "naive_forecast", naive_mean, "the mean of the history"),
    ("naive_forecast_public", "naive_forecast", naive_first, "repeating the first value"),
    ("naive_forecast_public", "naive_forecast", naive_last_window, "the last `horizon` values"),
    ("seasonal_naive_forecast_public", "seasonal_naive_forecast", seasonal_reversed, "in reverse order"),
    ("seasonal_naive_forecast_public", "seasonal_naive_forecast", seasonal_one_step_early, "one step too early"),
    ("seasonal_naive_forecast_public", "seasonal_naive_forecast", seasonal_first_season, "FIRST season"),
    ("seasonal_naive_forecast_public", "seasonal_naive_forecast", seasonal_is_naive, "the naive forecast"),
    ("mase_public", "mase", mase_unscaled, "the MAE alone"),
    ("mase_public", "mase", mase_ignoring_season, "ignoring the season"),
    ("mase_public", "mase", mase_test_scale, "seasonal differences of y_true"),
    ("mase_public", "mase", mase_squared, "squared errors"),
    ("mase_public", "mase", mase_sum_scale, "the sum of the in-sample differences"),
]


WRONG_SUBMISSION = (
    {"seasonal_naive_forecast": renamed_source(seasonal_reversed, "seasonal_naive_forecast"),
     "mase": renamed_source(mase_test_scale, "mase"),
     "checkpoint_q2": 'q2_answer = "c"', "checkpoint_q4": "q4_answer = 44"},
    {"seasonal_naive_forecast_public", "seasonal_naive_forecast_hidden", "mase_public", "mase_hidden",
     "checkpoint_q2_test", "checkpoint_q4_test"},
)
