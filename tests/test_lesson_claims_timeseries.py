"""Claims the timeseries notebook makes that a learner could check, checked.

Each test quotes the lesson's words it backs, so a test and its sentence change together. The numbers come from
the solution notebook itself, run once here top to bottom (headless: explorers built, not drawn), so the claims are
about exactly what a learner's run prints. The checkpoint's answers are recomputed independently.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import KFold, TimeSeriesSplit

from solutions import lesson_text, run_every_code_cell

pytestmark = pytest.mark.slow


def lesson() -> str:
    return lesson_text("timeseries")


@pytest.fixture(scope="module")
def run():
    return run_every_code_cell("timeseries")


def test_the_series_is_built_as_described(run):
    text = lesson()
    assert "a **trend**: $200 + 0.12\\,t$ rentals on day $t$ (the station gets more popular: about 44 more a day per year)" \
        in text and round(0.12 * 365) == 44
    assert "weekdays are busy (+10 on Monday up to +20 on Friday), weekends quiet (−30 on Saturday, −45 on Sunday)" in text
    y = run["y"]
    assert len(y) == 730 and str(y.index[0].date()) == "2024-01-01" and isinstance(y.index, pd.DatetimeIndex)
    # the noise is AR(1) with φ = 0.6: regress the series minus its known components on its own lag
    t = np.arange(730)
    known = 200 + 0.12 * t + np.array([10, 14, 16, 15, 20, -30, -45])[y.index.day_of_week] + 25 * np.sin(
        2 * np.pi * (y.index.day_of_year.to_numpy() - 100) / 365.25)
    noise = y.to_numpy() - known
    phi = np.sum(noise[1:] * noise[:-1]) / np.sum(noise[:-1] ** 2)
    assert phi == pytest.approx(0.6, abs=0.08)
    assert np.std(noise[1:] - phi * noise[:-1]) == pytest.approx(8, abs=1)


def test_the_decomposition_by_eye_recovers_the_weekly_season(run):
    text = lesson()
    assert "The estimated weekday profile is within a couple of rentals of the true one" in text
    table = run["profile_table"]
    assert np.max(np.abs(table["estimated"] - table["true (centred)"])) < 2
    assert abs(table["estimated"].sum()) < 1e-9


def test_the_autocorrelation_peaks_weekly(run):
    text = lesson()
    assert ("it peaks at lags 7, 14, 21 and 28 (0.92, 0.90, 0.87, 0.85) — the weekly season — and never falls below "
            "about 0.4") in text
    acf, y = run["acf"], run["y"].to_numpy()
    assert [round(acf[k], 2) for k in (7, 14, 21, 28)] == [0.92, 0.90, 0.87, 0.85]
    for k in (7, 14, 21, 28):                                          # local maxima
        assert acf[k] > acf[k - 1] and (k == 28 or acf[k] > acf[k + 1])
    assert 0.35 < acf.min() < 0.45
    centred = y - y.mean()                                             # the same estimator, written another way
    assert acf[7] == pytest.approx(np.dot(centred[7:], centred[:-7]) / np.dot(centred, centred))
    assert "The remainder is nearly uncorrelated (0.15 at lag 1)" in text
    assert round(run["acf_remainder"][1], 2) == 0.15


def test_a_shuffled_k_fold_promises_too_much(run):
    text = lesson()
    assert ("The shuffled K-fold promises an error of about 8 rentals a day; the real future costs about 22, nearly "
            "three times as much. The time-ordered split (about 15) is much closer to the truth.") in text
    shuffled, ordered, future = run["leak_table"].iloc[:, 0]
    assert round(shuffled) == 8 and round(future) == 22 and round(ordered) == 15
    assert 2.5 < future / shuffled < 3
    assert "8 when the future cost 22" in text
    assert ("almost every test day has a neighbour — the day before or *the day after* — in the training folds (96 % "
            "of them with five folds; about two thirds have both)") in text
    one = both = 0
    for train, test in KFold(5, shuffle=True, random_state=0).split(np.zeros(640)):
        seen = set(train)
        one += sum((t - 1 in seen) or (t + 1 in seen) for t in test)
        both += sum((t - 1 in seen) and (t + 1 in seen) for t in test)
    assert round(100 * one / 640) == 96 and 0.6 < both / 640 < 0.7
    assert "For day numbers beyond the training range it predicts the values of the last" in text
    forest, X = run["forest"], run["X_calendar"]
    far = X[-90:].copy()
    far[:, 0] += 10_000                                                # much later days: the same predictions
    assert np.allclose(forest.predict(far), forest.predict(X[-90:]))


def test_the_backtest_folds(run):
    assert run["same_as_sklearn"] is True
    assert [len(train) for train, _ in run["backtest_folds"]] == [590, 618, 646, 674, 702]
    text = lesson()
    assert "the last 140 days, cut into five 28-day test windows" in text
    assert run["backtest_folds"][0][1][0] == 730 - 140
    assert ("lag 7) is a much better guide than yesterday (lag 1)") in text
    corr = run["examples"].corr()["rentals"]
    assert corr["lag_7"] > corr["lag_1"] + 0.15


def test_the_honest_result(run):
    text = lesson()
    scores, summary = run["scores"], run["summary"]
    means = scores.mean()
    assert "**The naive forecast loses badly** (mean MASE about 2.1)" in text and round(means["naive"], 1) == 2.1
    assert "**The seasonal naive forecast is hard to beat** (about 0.88)" in text
    assert round(means["seasonal naive"], 2) == 0.88
    assert ("**The linear model on 14 lags is at best a hair better** (about 0.86): it wins three folds of five, but "
            "its margin over the seasonal naive forecast (0.03 of mean MASE) is tiny next to the spread between folds "
            "(its own MASE runs from 0.66 to 1.14)") in text
    linear = scores["linear on lags 1–14"]
    assert round(linear.mean(), 2) == 0.86 and summary.loc["linear on lags 1–14", "folds won"] == 3
    assert round(means["seasonal naive"] - linear.mean(), 2) == 0.03
    assert (round(linear.min(), 2), round(linear.max(), 2)) == (0.66, 1.14)
    assert ("**The LSTM does not beat the seasonal naive forecast** on average (about 0.98; it wins one fold, the one "
            "where the seasonal naive forecast has its worst)") in text
    lstm = scores["LSTM"]
    assert abs(lstm.mean() - 0.98) < 0.04 and lstm.mean() > means["seasonal naive"] + 0.05
    assert summary.loc["LSTM", "folds won"] == 1
    assert scores.idxmin(axis=1)[scores["seasonal naive"].idxmax()] == "LSTM"
    assert summary.index[0] == "linear on lags 1–14" and summary.index[-1] == "naive"


def test_the_lstm_is_as_small_and_quick_as_said(run):
    text = lesson()
    assert "It has 1,692 parameters" in text and run["lstm_parameters"] == 1692
    assert 4 * (16 * 1 + 16 * 16 + 2 * 16) + 16 * 28 + 28 == 1692      # LSTM gates (PyTorch's two biases) + head
    assert run["lstm_seconds"] < 15
    assert "about 270 to 330 windows per fold" in text
    counts = [len(run["training_windows"](run["y"].to_numpy()[train])[0]) for train, _ in run["backtest_folds"]]
    assert 265 <= min(counts) and max(counts) <= 335
    inputs, targets = run["training_windows"](run["y"].to_numpy()[:100])
    assert inputs.shape[1] == targets.shape[1] == 28
    assert np.allclose(inputs[:, -7:].mean(axis=1), 0)                 # each window normalised by its own level


def test_the_notebooks_linear_model_is_the_explorers(run):
    history = run["y"].to_numpy()[:400]
    assert np.allclose(run["linear_lag_model"](history, 28), run["linear_lag_forecast"](history, 28, 14), atol=1e-6)


def test_the_checkpoint_answers(run):
    p = run["q1"]
    folds = list(TimeSeriesSplit(p["n_splits"], test_size=p["test_size"], gap=p["gap"]).split(np.zeros(p["n"])))
    assert run["q1_answer"] == len(folds[p["fold"] - 1][0])
    history = np.array([31, 28, 35, 40, 44, 52, 60, 58, 47, 41, 33, 30], dtype=float)
    assert run["q4_answer"] == run["reference_seasonal_naive_forecast"](history, 15, 12)[-1] == 35
    assert run["q2_answer"] == "b" and run["q3_answer"] == "a"
