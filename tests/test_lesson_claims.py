"""Claims the lessons make that a learner could check, checked (issue 10 §3: each was wrong once).

Each test quotes the lesson's words it backs, so a test and its sentence change together.
"""
from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import scipy.stats
from sklearn.metrics import mean_absolute_percentage_error
from sklearn.tree import DecisionTreeClassifier

SOURCE = Path(__file__).resolve().parents[1] / "source"


def lesson(week: str) -> str:
    """The week's text with comment markers and line breaks removed, for quoting."""
    lines = (SOURCE / week / f"{week}.py").read_text().splitlines()
    return " ".join(line.lstrip("# ").strip() for line in lines)


def test_week03_mape_under_prediction_is_bounded_only_for_non_negative_predictions():
    assert "a negative prediction can cost more: $y = 1$, $\\hat y = -1$ gives 200 %" in lesson("week03")
    assert mean_absolute_percentage_error([1.0], [-1.0]) == 2.0
    y = np.array([1.0, 4.0, 0.5])
    for share in np.linspace(0, 1, 11):  # any non-negative under-prediction: at most 100 %
        assert mean_absolute_percentage_error(y, share * y) <= 1.0 + 1e-12
    assert mean_absolute_percentage_error([1.0], [3.0]) == 2.0  # over-predicting: beyond 100 %


def test_week03_a_tie_between_thresholds_of_one_feature_goes_to_the_first_scanned():
    assert "returns the first, 2.5" in lesson("week03")
    x, y = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]), np.array([0, 0, 1, 0, 1, 1])  # the lesson's x_hand, y_hand
    for seed in range(10):
        tree = DecisionTreeClassifier(max_depth=1, random_state=seed).fit(x[:, None], y)
        assert tree.tree_.threshold[0] == 2.5


def test_week02_scipy_stats_ddof_defaults_are_as_the_lesson_says():
    assert "`describe`, `sem`, `tvar` and `tstd` use $n - 1$, while `zscore` and `variation` use $n$" \
        in lesson("week02")
    defaults = {name: inspect.signature(getattr(scipy.stats, name)).parameters["ddof"].default
                for name in ("describe", "sem", "tvar", "tstd", "zscore", "variation")}
    assert defaults == {"describe": 1, "sem": 1, "tvar": 1, "tstd": 1, "zscore": 0, "variation": 0}


def test_week01_central_difference_error_near_its_best_step():
    assert "from below $10^{-12}$ to about $4\\times10^{-11}$" in lesson("week01")
    h = np.logspace(-16, 0, 97)  # the lesson's grid
    error = np.abs((np.sin(1 + h) - np.sin(1 - h)) / (2 * h) - np.cos(1.0))
    near = error[(h >= 1e-6) & (h <= 3e-5)]
    assert near.min() < 1e-12 and 3e-11 < near.max() < 5e-11
    assert 1e-6 < h[error.argmin()] < 1e-5  # near eps^(1/3)


def test_week04_a_monotone_rescaling_keeps_the_partition_and_moves_the_threshold():
    assert "the partition a split makes is unaffected by any strictly increasing rescaling" in lesson("week04")
    rng = np.random.default_rng(0)
    X = rng.uniform(0.001, 4000, size=(300, 3))
    y = (X[:, 0] + 0.5 * X[:, 1] > 3000).astype(int)
    raw = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y)
    logged = DecisionTreeClassifier(max_depth=3, random_state=0).fit(np.log(X), y)
    assert (raw.apply(X) == logged.apply(np.log(X))).all()
    assert raw.tree_.threshold[0] != logged.tree_.threshold[0]
