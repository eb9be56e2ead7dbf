"""The timeseries notebook's backtest explorer: the references pass the course's own checks, the folds are
TimeSeriesSplit's, the scores are the baselines' MASE computed independently, the picture makes the claims the
lesson makes (lags, horizon, gap, window), the learner's functions run once they pass and fall back otherwise, and
the view updates and says whose code runs."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import TimeSeriesSplit

from course.exercises import run_checks
from course.explorers.backtest import (MODELS, SEASON, BacktestStudy, backtest_explorer, daily_rentals, describe,
                                       linear_lag_forecast, reference_lag_features, reference_mase,
                                       reference_naive_forecast, reference_rolling_origin_folds,
                                       reference_seasonal_naive_forecast)


def _accept(function):
    return True, ""


def _reject(function):
    return False, "it returns the wrong shape"


@pytest.mark.parametrize("key, reference", [
    ("timeseries.rolling_origin_folds", reference_rolling_origin_folds),
    ("timeseries.lag_features", reference_lag_features),
    ("timeseries.naive_forecast", reference_naive_forecast),
    ("timeseries.seasonal_naive_forecast", reference_seasonal_naive_forecast),
    ("timeseries.mase", reference_mase)])
def test_the_references_pass_the_course_checks(key, reference):
    assert run_checks(key, reference).ok


def _mean(r, model):
    return r.mean_scores[MODELS.index(model)]


def test_the_folds_and_scores_are_time_series_split_and_mase():
    r = BacktestStudy(gap=3, max_train_size=364).compute()
    y = daily_rentals().to_numpy()
    expected = list(TimeSeriesSplit(5, test_size=28, gap=3, max_train_size=364).split(y))
    assert r.folds == tuple((tr[0], tr[-1] + 1, te[0], te[-1] + 1) for tr, te in expected)
    for i, (train, test) in enumerate(expected):
        history = y[train]
        steps = test[-1] + 1 - len(history) - train[0]
        naive = np.full(len(test), history[-1])
        seasonal = np.resize(history[-SEASON:], steps)[-len(test):]
        linear = linear_lag_forecast(history, steps, 14)[-len(test):]
        scale = np.mean(np.abs(history[SEASON:] - history[:-SEASON]))
        for j, forecast in enumerate((naive, seasonal, linear)):
            assert r.scores[i, j] == pytest.approx(np.mean(np.abs(y[test] - forecast)) / scale, rel=1e-9)
    assert r.fold == 5 and set(r.forecasts) == set(MODELS)


def test_the_default_backtest_matches_the_lessons_numbers():
    r = BacktestStudy().compute()
    assert round(_mean(r, "naive"), 2) == 2.09 and round(_mean(r, "seasonal naive"), 2) == 0.88
    assert round(_mean(r, "linear on lags"), 2) == 0.86
    assert "fold 5 of 5: train days 0–701 (702 rows), test days 702–729" in describe(r)


def test_lags_horizon_gap_and_window_move_the_scores_as_the_lesson_says():
    # lags 1: an AR(1), worse than the naive forecast (about 3.2 against 2.1); 7 lags about 1.1; 14 level
    one = BacktestStudy(lags=1).compute()
    assert round(_mean(one, "linear on lags"), 1) == 3.2 and _mean(one, "linear on lags") > _mean(one, "naive")
    assert round(_mean(BacktestStudy(lags=7).compute(), "linear on lags"), 1) == 1.1
    for lags in (14, 21, 28):
        r = BacktestStudy(lags=lags).compute()
        assert abs(_mean(r, "linear on lags") - _mean(r, "seasonal naive")) < 0.03
    # test_size 7: linear slightly ahead (0.84 against 0.86); 56: behind (about 1.11 against 1.02)
    short, long = BacktestStudy(test_size=7).compute(), BacktestStudy(test_size=56).compute()
    assert (round(_mean(short, "linear on lags"), 2), round(_mean(short, "seasonal naive"), 2)) == (0.84, 0.86)
    assert (round(_mean(long, "linear on lags"), 2), round(_mean(long, "seasonal naive"), 2)) == (1.11, 1.02)
    # gap 7: the seasonal naive rises from 0.88 to about 1.2, the linear model holds up better (about 1.0)
    gap = BacktestStudy(gap=7).compute()
    assert round(_mean(gap, "seasonal naive"), 1) == 1.2 and round(_mean(gap, "linear on lags"), 1) == 1.0
    # max_train_size 112: the linear model falls behind the seasonal naive forecast (0.92 against 0.81)
    window = BacktestStudy(max_train_size=112).compute()
    assert (round(_mean(window, "linear on lags"), 2), round(_mean(window, "seasonal naive"), 2)) == (0.92, 0.81)
    assert all(b - a == 112 for a, b, _, _ in window.folds)


def test_the_fold_shown_is_clipped_and_impossible_settings_say_why():
    r = BacktestStudy(n_splits=3, fold=9).compute()
    assert r.fold == 3 and len(r.folds) == 3
    bad = BacktestStudy(n_splits=10, test_size=73).compute()
    assert bad.folds == () and "Too many splits" in bad.problem and describe(bad).startswith("no folds")


def test_the_learners_functions_run_once_they_pass_and_fall_back_otherwise():
    calls = []

    def mine(history, horizon, season):
        calls.append(1)
        return reference_seasonal_naive_forecast(history, horizon, season)

    r = BacktestStudy(seasonal_naive_forecast=mine, rolling_origin_folds=reference_rolling_origin_folds,
                      validate=_accept).compute()
    assert calls and "your seasonal_naive_forecast" in r.running and "your rolling_origin_folds" in r.running
    r = BacktestStudy(seasonal_naive_forecast=mine, validate=_reject).compute()
    assert "the references" in r.running and "wrong shape" in r.running

    def broken(y_true, y_pred, y_train, season=1):
        raise ValueError("boom")

    r = BacktestStudy(mase=broken, validate=_accept).compute()
    assert "raised ValueError" in r.running and np.all(np.isfinite(r.scores))


def test_the_view_updates_and_says_whose_code_runs(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    box = backtest_explorer()
    assert box.result.fold == 5 and "updated in" in box.status.value
    box.controls["fold"].value = 2
    assert box.result.fold == 2 and "fold 2 of 5" in box.status.value
    box.controls["n_splits"].value = 8
    assert len(box.result.folds) == 8
    box.controls["lags"].value = 1
    assert box.result.lags == 1 and "the references" in box.status.value
    box.controls["max_train_size"].value = 140
    assert all(b - a == 140 for a, b, _, _ in box.result.folds)
    assert box.output.outputs[0]["data"]["image/png"]
