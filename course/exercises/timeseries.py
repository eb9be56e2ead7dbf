"""The `timeseries` elective: the graded functions, their randomized inputs and references.

- ``rolling_origin_folds`` vs ``sklearn.model_selection.TimeSeriesSplit`` (every fold's training and test indices,
  exactly), on random sizes, numbers of splits, test sizes, gaps and maximum training sizes, and the settings for
  which ``TimeSeriesSplit`` raises ``ValueError`` (the learner's function must raise it too);
- ``lag_features`` vs ``pandas.Series.shift`` (``pd.DataFrame({f"lag_{k}": series.shift(k) for k in lags})``):
  the column names and order, the values with NaN where there is no earlier value, and the series' DatetimeIndex;
- ``naive_forecast`` vs ``np.full(horizon, history[-1])``;
- ``seasonal_naive_forecast`` vs the textbook formula ŷ_{T+h} = y_{T+h−m(k+1)}, k = ⌊(h − 1)/m⌋, written directly;
- ``mase`` vs its definition with scikit-learn's ``mean_absolute_error``: the MAE of the forecast divided by the
  in-sample MAE of the seasonal naive forecast, ``mean_absolute_error(y_train[m:], y_train[:-m])``.

The checkpoint's per-student question (how many training rows fold k of a TimeSeriesSplit has) is registered here.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from course.checks import CheckFailure
from course.exercises import Case, Exercise, register
from course.exercises.judging import as_float as _as_float
from course.exercises.judging import judge as _judge
from course.explorers.backtest import (reference_mase, reference_naive_forecast, reference_rolling_origin_folds,
                                       reference_seasonal_naive_forecast)
from course.variants import Variant, register_variant

RAISES = "raises ValueError"


# ----------------------------------------------------------------------------- rolling-origin folds


def folds_variant(n, n_splits, test_size=None, gap=0, max_train_size=None, *, form: str = "right"):
    """TimeSeriesSplit's folds, or what a plausible mistake gives (as lists of (train, test) arrays)."""
    folds = n_splits + 1
    size = test_size if test_size is not None else (n // (n_splits if form == "test_size_by_splits" else folds))
    if form == "from_start":            # test windows stacked from the front: the last one need not end at n − 1
        starts = [size * (k + 1) for k in range(n_splits)]
    else:
        starts = list(range(n - n_splits * size, n, size))
    out = []
    for start in starts:
        end = start if form == "no_gap" else start - gap
        if form == "gap_off_by_one":
            end -= 1
        first = 0
        if max_train_size and max_train_size < end and form != "no_max":
            first = 0 if form == "max_from_start" else end - max_train_size
            end = max_train_size if form == "max_from_start" else end
        out.append((np.arange(first, end), np.arange(start, start + size)))
    return out


def _folds_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(5):                   # default test_size, sometimes a gap or a maximum training size
        n_splits = int(rng.integers(2, 8))
        n = int(rng.integers(n_splits + 3, 90))
        gap = int(rng.integers(0, 3)) if rng.random() < 0.5 else 0
        cases.append({"n": n, "n_splits": n_splits, "test_size": None, "gap": gap,
                      "max_train_size": int(rng.integers(2, n // 2 + 2)) if rng.random() < 0.4 else None})
    for _ in range(5):                   # an explicit test_size, gaps and maximum training sizes
        n_splits, test_size = int(rng.integers(2, 7)), int(rng.integers(1, 10))
        gap = int(rng.integers(0, 6))
        n = n_splits * test_size + gap + int(rng.integers(1, 40))
        cases.append({"n": n, "n_splits": n_splits, "test_size": test_size, "gap": gap,
                      "max_train_size": int(rng.integers(1, 20)) if rng.random() < 0.6 else None})
    cases += [
        {"n": 730, "n_splits": 5, "test_size": 28, "gap": 0, "max_train_size": None},    # the lesson's backtest
        {"n": 730, "n_splits": 5, "test_size": 28, "gap": 7, "max_train_size": 365},
        {"n": 10, "n_splits": 9, "test_size": None, "gap": 0, "max_train_size": None},   # one row a fold
        {"n": 17, "n_splits": 3, "test_size": None, "gap": 0, "max_train_size": None},   # n not divisible by folds
        {"n": 20, "n_splits": 3, "test_size": 5, "gap": 4, "max_train_size": None},      # one training row left
        {"n": 30, "n_splits": 4, "test_size": 4, "gap": 2, "max_train_size": 3},
        {"n": 30, "n_splits": 4, "test_size": 4, "gap": 0, "max_train_size": 100},       # a limit never reached
        {"n": 20, "n_splits": 4, "test_size": 5, "gap": 0, "max_train_size": None},      # no training rows: raises
        {"n": 20, "n_splits": 3, "test_size": 5, "gap": 5, "max_train_size": None},      # the gap eats them: raises
        {"n": 5, "n_splits": 5, "test_size": None, "gap": 0, "max_train_size": None},    # more folds than rows
    ]
    return cases


def _folds_reference(case: Case):
    try:
        return [(tr, te) for tr, te in reference_rolling_origin_folds(
            case["n"], case["n_splits"], case["test_size"], case["gap"], case["max_train_size"])]
    except ValueError:
        return RAISES


def _call_folds(function: Callable, case: Case):
    try:
        result = function(case["n"], case["n_splits"], test_size=case["test_size"], gap=case["gap"],
                          max_train_size=case["max_train_size"])
    except ValueError:
        return RAISES
    if result is None:
        raise CheckFailure("rolling_origin_folds returned None: did the function forget to `return` the folds?")
    try:
        pairs = list(result)
    except TypeError:
        raise CheckFailure(f"rolling_origin_folds returned a {type(result).__name__}; a list of (train_idx, "
                           "test_idx) pairs was expected.") from None
    out = []
    for k, pair in enumerate(pairs, start=1):
        try:
            train, test = pair
            out.append((np.asarray(train), np.asarray(test)))
        except (TypeError, ValueError):
            raise CheckFailure(f"fold {k} of rolling_origin_folds is a {type(pair).__name__}, not a pair "
                               "(train_idx, test_idx).") from None
    return out


def _span(indices: np.ndarray) -> str:
    if indices.size == 0:
        return "no rows"
    if indices.size > 1 and np.array_equal(indices, np.arange(indices[0], indices[0] + indices.size)):
        return f"rows {indices[0]}–{indices[-1]}"
    return f"rows {indices.tolist()[:8]}{'…' if indices.size > 8 else ''}"


def _same_folds(actual, expected) -> bool:
    if isinstance(actual, str) or isinstance(expected, str):
        return actual == expected
    return len(actual) == len(expected) and all(
        a.shape == e.shape and np.array_equal(a, e) for pa, pe in zip(actual, expected) for a, e in zip(pa, pe))


def _compare_folds(actual: Any, expected: Any, case: Case, name: str) -> None:
    if not isinstance(actual, str):
        for part in (part for pair in actual for part in pair):
            if part.size and not np.issubdtype(part.dtype, np.integer):
                raise CheckFailure(f"the indices in {name} have dtype {part.dtype}; integer arrays (np.arange) are "
                                   "expected, to index the series with.")
    if _same_folds(actual, expected):
        return
    if isinstance(expected, str):
        raise CheckFailure(f"{name} returned {len(actual)} folds, but TimeSeriesSplit raises ValueError here: with "
                           f"these settings the first fold would have no training rows (or there are more folds "
                           f"than rows). Raise ValueError when n − gap − n_splits · test_size ≤ 0 or "
                           f"n_splits + 1 > n.")
    if isinstance(actual, str):
        raise CheckFailure(f"{name} raised ValueError, but these settings are valid: TimeSeriesSplit gives "
                           f"{len(expected)} folds.")
    args = [case[k] for k in ("n", "n_splits", "test_size", "gap", "max_train_size")]
    mistakes = {
        "ignoring the gap (the training rows must end `gap` rows before the test window)": "no_gap",
        "leaving one row too many out before the test window (train_end = test_start − gap)": "gap_off_by_one",
        "the default test_size n // n_splits (TimeSeriesSplit makes n_splits + 1 blocks: n // (n_splits + 1))":
            "test_size_by_splits",
        "stacking the test windows from the start (the LAST test window ends at the last row, n − 1)": "from_start",
        "ignoring max_train_size (keep only the last max_train_size training rows)": "no_max",
        "keeping the FIRST max_train_size training rows (keep the last ones, right before the test window)":
            "max_from_start",
    }
    for mistake, form in mistakes.items():
        try:
            wrong = folds_variant(*args, form=form)
        except Exception:
            continue
        if not _same_folds(wrong, expected) and _same_folds(actual, wrong):
            raise CheckFailure(f"{name} is what {mistake} gives.")
    if len(actual) != len(expected):
        raise CheckFailure(f"{name} has {len(actual)} folds, but n_splits = {case['n_splits']} folds were expected.")
    for k, ((train, test), (want_train, want_test)) in enumerate(zip(actual, expected), start=1):
        for part, got, want in (("training", train, want_train), ("test", test, want_test)):
            if got.shape != want.shape or not np.array_equal(got, want):
                raise CheckFailure(f"{name}: fold {k}'s {part} indices are {_span(got)}, but {_span(want)} were "
                                   "expected.")


def _describe_folds(case: Case) -> str:
    return (f"n = {case['n']}, n_splits = {case['n_splits']}, test_size = {case['test_size']}, gap = {case['gap']}, "
            f"max_train_size = {case['max_train_size']}")


register(Exercise(
    key="timeseries.rolling_origin_folds", function="rolling_origin_folds",
    make_cases=_folds_cases,
    call=_call_folds,
    reference=_folds_reference,
    describe=_describe_folds,
    compare=_compare_folds,
))


# ----------------------------------------------------------------------------- lag features


def _series(case: Case):
    import pandas as pd

    index = pd.date_range(case["start"], periods=len(case["values"]), freq=case["freq"], name="date")
    return pd.Series(case["values"], index=index, name="y")


def _lags_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, lags, freq in ((20, [1, 2, 3], "D"), (50, [1, 7, 14], "D"), (36, [12, 1], "MS"), (15, [3], "h"),
                          (40, [2, 5, 1, 10], "W")):
        cases.append({"values": np.round(rng.normal(100, 20, n), 2), "lags": lags, "start": "2023-03-01",
                      "freq": freq})
    cases.append({"values": np.arange(1.0, 9.0), "lags": [1, 8, 10], "start": "2024-01-01", "freq": "D"})  # ≥ n
    cases.append({"values": np.round(rng.normal(size=30), 3), "lags": list(range(1, 8)), "start": "2020-02-25",
                  "freq": "D"})
    cases.append({"values": np.array([5.0]), "lags": [1], "start": "2024-06-01", "freq": "D"})   # one row
    return cases


def _call_lags(function: Callable, case: Case):
    import pandas as pd

    series = _series(case)
    result = function(series, case["lags"])
    if not isinstance(result, pd.DataFrame):
        raise CheckFailure(f"lag_features returned a {type(result).__name__}; a pandas DataFrame with one column "
                           "per lag was expected.")
    try:
        values = result.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise CheckFailure("lag_features's DataFrame holds values that are not numbers.") from None
    index = result.index
    return {"columns": [str(c) for c in result.columns], "values": values,
            "index": index.asi8.copy() if isinstance(index, pd.DatetimeIndex) else None,
            "index_kind": type(index).__name__, "series_after": series.to_numpy(dtype=float)}


def _lags_reference(case: Case):
    from course.explorers.backtest import reference_lag_features

    series = _series(case)
    frame = reference_lag_features(series, case["lags"])
    return {"columns": list(frame.columns), "values": frame.to_numpy(dtype=float), "index": series.index.asi8.copy()}


def _shifted(values: np.ndarray, k: int) -> np.ndarray:
    out = np.full(len(values), np.nan)
    if k >= 0:
        out[k:] = values[:len(values) - k] if k < len(values) else []
    else:
        out[:k] = values[-k:]
    return out


def _compare_lags(actual: Any, expected: Any, case: Case, name: str) -> None:
    values, lags = np.asarray(case["values"], float), case["lags"]
    if not np.array_equal(actual["series_after"], values):
        raise CheckFailure("lag_features changed its input series in place; build a new DataFrame and leave the "
                           "caller's series alone.")
    if actual["columns"] != expected["columns"]:
        raise CheckFailure(f"the columns of {name} are {actual['columns']}, but {expected['columns']} were expected: one "
                           "column per lag, named lag_k, in the order of `lags`.")
    got, want = actual["values"], expected["values"]
    if got.shape[0] < want.shape[0] and got.shape[1:] == want.shape[1:]:
        raise CheckFailure(f"{name} has {got.shape[0]} rows, but {want.shape[0]} were expected: keep every row of "
                           "the series (NaN where there is no earlier value); drop rows later, with .dropna().")
    if got.shape == want.shape:
        _judge(got, want, f"the values of {name}", lambda: {
            "shifting the wrong way (series.shift(-k) is the value k steps LATER: a feature from the future)":
                np.column_stack([_shifted(values, -k) for k in lags]),
            "np.roll (it wraps the last values round to the start; the first k rows have no earlier value: NaN)":
                np.column_stack([np.roll(values, k) for k in lags]),
            "a lag one step short (lag_k holds the value k steps earlier: row t gets y[t − k])":
                np.column_stack([_shifted(values, k - 1) for k in lags]),
            "a lag one step too long (lag_k holds the value k steps earlier: row t gets y[t − k])":
                np.column_stack([_shifted(values, k + 1) for k in lags]),
        }, rtol=0, atol=1e-12)
    else:
        _judge(got, want, f"the values of {name}", rtol=0, atol=1e-12)
    if actual["index"] is None or not np.array_equal(actual["index"], expected["index"]):
        raise CheckFailure(f"the index of {name} is a {actual['index_kind']} that differs from the series' "
                           "DatetimeIndex: give the DataFrame index=series.index, so each row keeps its date.")


register(Exercise(
    key="timeseries.lag_features", function="lag_features",
    make_cases=_lags_cases,
    call=_call_lags,
    inputs=(),                  # the series is built in `call`; its values come back in "series_after"
    reference=_lags_reference,
    describe=lambda case: (f"a series of {len(case['values'])} values (freq {case['freq']!r}), "
                           f"lags {case['lags']}"),
    compare=_compare_lags,
))


# ----------------------------------------------------------------------------- naive forecasts


def _as_forecast(actual: Any, horizon: int, name: str) -> np.ndarray:
    if actual is None:
        raise CheckFailure(f"{name} is None: did the function forget to `return` the forecast?")
    try:
        array = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailure(f"{name} is a {type(actual).__name__}, but an array of numbers was expected.") from None
    if array.shape != (horizon,):
        raise CheckFailure(f"{name} has shape {array.shape}, but shape ({horizon},) was expected: one forecast per "
                           "step of the horizon.")
    return array


def _naive_cases(rng: np.random.Generator) -> list[Case]:
    cases = [{"history": np.round(rng.normal(50, 10, n), 2), "horizon": h} for n, h in ((30, 7), (5, 12), (100, 1))]
    cases += [{"history": np.array([3.0]), "horizon": 4},                            # one observation
              {"history": np.round(np.cumsum(rng.normal(size=40)), 3), "horizon": 28},
              {"history": np.array([1.0, 2.0, 3.0, 4.0]), "horizon": 4}]
    return cases


def _compare_naive(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    value = _as_forecast(actual, case["horizon"], name)
    history, horizon = np.asarray(case["history"], float), case["horizon"]
    _judge(value, expected, name, lambda: {
        "the mean of the history (that is the mean forecast; the naive one repeats the LAST value)":
            np.full(horizon, history.mean()),
        "repeating the first value (the naive forecast repeats the last one, history[-1])": np.full(horizon, history[0]),
        "the last `horizon` values (the naive forecast is the last value, repeated)":
            history[-horizon:] if len(history) >= horizon else None,
    }, rtol=1e-12, atol=1e-12)


register(Exercise(
    key="timeseries.naive_forecast", function="naive_forecast",
    make_cases=_naive_cases,
    call=lambda function, case: function(case["history"], case["horizon"]),
    reference=lambda case: reference_naive_forecast(case["history"], case["horizon"]),
    describe=lambda case: f"a history of {len(case['history'])} values, horizon {case['horizon']}",
    compare=_compare_naive,
))


def seasonal_naive_variant(history, horizon, season, *, form: str = "right") -> np.ndarray | None:
    history = np.asarray(history, dtype=float)
    last = history[-season:]
    if form == "reversed":
        last = last[::-1]
    elif form == "off_by_one":
        if len(history) < season + 1:
            return None
        last = history[-season - 1:-1]
    elif form == "first_season":
        last = history[:season]
    return np.resize(last, horizon)


def _seasonal_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, horizon, season in ((35, 7, 7), (40, 10, 7), (30, 3, 7), (48, 30, 12), (20, 9, 4), (60, 28, 7)):
        cases.append({"history": np.round(rng.normal(20, 5, n), 2), "horizon": horizon, "season": season})
    cases += [{"history": np.round(rng.normal(size=10), 3), "horizon": 5, "season": 1},   # season 1: the naive one
              {"history": np.arange(1.0, 8.0), "horizon": 15, "season": 7},               # history of one season
              {"history": np.round(rng.normal(size=24), 3), "horizon": 1, "season": 24}]
    return cases


def _compare_seasonal(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    value = _as_forecast(actual, case["horizon"], name)
    args = case["history"], case["horizon"], case["season"]
    _judge(value, expected, name, lambda: {
        "the last season in reverse order (step h repeats the value m steps before it: y[T − m + (h − 1) mod m])":
            seasonal_naive_variant(*args, form="reversed"),
        "a season that ends one step too early (the last season is history[-m:], up to the last value)":
            seasonal_naive_variant(*args, form="off_by_one"),
        "repeating the FIRST season of the history (repeat the last one, history[-m:])":
            seasonal_naive_variant(*args, form="first_season"),
        "the naive forecast (the seasonal one repeats the last m values, not the last one)":
            reference_naive_forecast(case["history"], case["horizon"]) if case["season"] > 1 else None,
    }, rtol=1e-12, atol=1e-12)


register(Exercise(
    key="timeseries.seasonal_naive_forecast", function="seasonal_naive_forecast",
    make_cases=_seasonal_cases,
    call=lambda function, case: function(case["history"], case["horizon"], case["season"]),
    reference=lambda case: reference_seasonal_naive_forecast(case["history"], case["horizon"], case["season"]),
    describe=lambda case: (f"a history of {len(case['history'])} values, horizon {case['horizon']}, "
                           f"season {case['season']}"),
    compare=_compare_seasonal,
))


# ----------------------------------------------------------------------------- MASE


def mase_variant(y_true, y_pred, y_train, season=1, *, form: str = "right") -> float | None:
    y_true, y_pred, y_train = (np.asarray(a, dtype=float) for a in (y_true, y_pred, y_train))
    error = np.abs(y_true - y_pred)
    m = 1 if form == "lag_one" else season
    if form == "test_scale":
        if len(y_true) <= season:
            return None
        return float(error.mean() / np.mean(np.abs(y_true[season:] - y_true[:-season])))
    if form == "unscaled":
        return float(error.mean())
    if form == "squared":
        return float(np.mean(error ** 2) / np.mean((y_train[season:] - y_train[:-season]) ** 2))
    if form == "sum_scale":
        return float(error.mean() / np.sum(np.abs(y_train[season:] - y_train[:-season])))
    return float(error.mean() / np.mean(np.abs(y_train[m:] - y_train[:-m])))


def _mase_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n_train, horizon, season in ((60, 14, 7), (40, 10, 1), (100, 28, 7), (36, 12, 12), (15, 3, 2),
                                     (50, 30, 7)):
        t = np.arange(n_train + horizon)
        y = 10 + 0.1 * t + 3 * np.sin(2 * np.pi * t / season) + rng.normal(0, 1, len(t))
        y_pred = y[n_train:] + rng.normal(0, 1.5, horizon)
        cases.append({"y_true": np.round(y[n_train:], 3), "y_pred": np.round(y_pred, 3),
                      "y_train": np.round(y[:n_train], 3), "season": season})
    cases.append({"y_true": np.array([5.0]), "y_pred": np.array([3.0]), "y_train": np.array([1.0, 2.0, 4.0]),
                  "season": 1})                                                    # one forecast
    cases.append({"y_true": np.array([2.0, 2.0]), "y_pred": np.array([2.0, 2.0]),
                  "y_train": np.array([1.0, 3.0, 2.0, 5.0]), "season": 2})       # a perfect forecast: 0
    cases.append({"y_true": np.round(rng.normal(0, 1e3, 8), 1), "y_pred": np.round(rng.normal(0, 1e3, 8), 1),
                  "y_train": np.round(rng.normal(0, 1e3, 20), 1), "season": 4})    # large numbers
    return cases


def _compare_mase(actual: Any, expected: float, case: Case, name: str) -> None:
    value = _as_float(actual, name)
    args = case["y_true"], case["y_pred"], case["y_train"], case["season"]
    _judge(value, expected, name, lambda: {
        "scaling by the seasonal differences of y_true (the scale is the IN-SAMPLE seasonal naive error, on "
        "y_train)": mase_variant(*args, form="test_scale"),
        "scaling by the one-step differences whatever the season (the scale uses y_train[m:] − y_train[:-m])":
            mase_variant(*args, form="lag_one") if case["season"] > 1 else None,
        "the mean absolute error alone (MASE divides it by the in-sample seasonal naive MAE)":
            mase_variant(*args, form="unscaled"),
        "squared errors (that is a ratio of mean squared errors; MASE uses absolute errors)":
            mase_variant(*args, form="squared"),
        "dividing by the SUM of the in-sample absolute differences (take their mean)":
            mase_variant(*args, form="sum_scale"),
    }, rtol=1e-9, atol=1e-12)


register(Exercise(
    key="timeseries.mase", function="mase",
    make_cases=_mase_cases,
    call=lambda function, case: function(case["y_true"], case["y_pred"], case["y_train"], case["season"]),
    reference=lambda case: reference_mase(case["y_true"], case["y_pred"], case["y_train"], case["season"]),
    describe=lambda case: (f"{len(case['y_true'])} forecasts, {len(case['y_train'])} training values, "
                           f"season {case['season']}"),
    compare=_compare_mase,
))


# ----------------------------------------------------------------------------- the per-student question


def _fold_rows(p: dict) -> int:
    return p["n"] - (p["n_splits"] - p["fold"] + 1) * p["test_size"] - p["gap"]


def _draw_fold_question(rng: np.random.Generator) -> dict:
    n_splits = int(rng.integers(3, 9))
    test_size, gap = int(rng.choice([7, 14, 21, 28, 30])), int(rng.choice([0, 1, 2, 3, 7]))
    n = int(rng.integers(n_splits * test_size + gap + 30, 1000))        # the first fold keeps 30 rows at least
    return {"n": n, "n_splits": n_splits, "test_size": test_size, "gap": gap, "fold": int(rng.integers(1, n_splits + 1))}


register_variant(Variant(
    key="timeseries.checkpoint_q1",
    draw=_draw_fold_question,
    answer=_fold_rows,
    question="Q1. TimeSeriesSplit(n_splits={n_splits}, test_size={test_size}, gap={gap}) splits a series of {n} days. "
             "How many training rows does fold {fold} have (folds counted from 1, in the order split() yields them)?",
))
