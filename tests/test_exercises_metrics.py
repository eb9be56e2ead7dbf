"""The metrics notebook: correct implementations written differently from the solutions pass the oracle on many
seeds, and the oracle's references agree with independent ones.

Each RIGHT variant takes another route than the notebook's solution (a Python loop over examples with math.log,
pairwise counting over thresholds, a per-example loop of absolute values, scipy's cdist), so the hidden tests are
not tied to one way of writing the answer.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from course.exercises import make_cases, run_checks
from course.exercises.metrics import (EPS, _inertia_reference, _log_loss_reference, _wape_reference,
                                      average_precision_variant, inertia_variant, log_loss_variant, wape_variant)


# ----------------------------------------------------------------------------- right, written differently

def log_loss_loop(y_true, proba):
    """One example at a time, with math.log and min/max clipping."""
    total = 0.0
    for label, row in zip(np.asarray(y_true).tolist(), np.asarray(proba, dtype=float).tolist()):
        p = (row if label == 1 else 1 - row) if not isinstance(row, list) else row[label]
        total -= math.log(min(max(p, EPS), 1 - EPS))
    return total / len(y_true)


def average_precision_by_thresholds(y_true, scores):
    """For each distinct score from the top: precision and recall of 'score >= t', summed over recall steps."""
    y, s = np.asarray(y_true), np.asarray(scores, dtype=float)
    total, previous_recall = 0.0, 0.0
    for t in np.unique(s)[::-1]:
        flagged = s >= t
        recall = (flagged & (y == 1)).sum() / (y == 1).sum()
        precision = (flagged & (y == 1)).sum() / flagged.sum()
        total += (recall - previous_recall) * precision
        previous_recall = recall
    return total


def wape_loop(y_true, y_pred):
    error = volume = 0.0
    for y, f in zip(np.asarray(y_true, dtype=float).tolist(), np.asarray(y_pred, dtype=float).tolist()):
        error += abs(y - f)
        volume += abs(y)
    return error / volume


def inertia_cdist(X, centers):
    return float(np.sum(np.min(cdist(X, centers, "sqeuclidean"), axis=1)))


RIGHT = [("metrics.log_loss", log_loss_loop), ("metrics.average_precision", average_precision_by_thresholds),
         ("metrics.wape", wape_loop), ("metrics.inertia", inertia_cdist)]


@pytest.mark.parametrize("key, function", RIGHT, ids=[key for key, _ in RIGHT])
def test_correct_variants_written_differently_pass_on_many_seeds(key, function):
    for seed in range(8):
        report = run_checks(key, function, seed=seed)
        assert report.ok, f"{key} seed {seed}: {report.failure}"


# ----------------------------------------------------------------------------- the references, cross-checked


def test_log_loss_reference_is_the_clipped_mean_surprise_and_differs_from_old_scikit_learn():
    _, cases = make_cases("metrics.log_loss", 0)
    for case in cases:
        assert _log_loss_reference(case) == pytest.approx(log_loss_loop(case["y_true"], case["proba"]), rel=1e-10)
    clipped = next(c for c in cases if np.any(c["proba"] == 0) and np.ndim(c["proba"]) == 1)
    # with a probability 0 for the true class, eps decides: −ln(2.2e-16) = 36.04 per such example, not 34.54
    assert log_loss_variant(clipped["y_true"], clipped["proba"], eps=1e-15) < _log_loss_reference(clipped) - 0.1
    assert -math.log(EPS) == pytest.approx(36.04, abs=0.01) and -math.log(1e-15) == pytest.approx(34.54, abs=0.01)


def test_the_mistakes_average_precision_names_differ_from_the_truth_somewhere():
    _, cases = make_cases("metrics.average_precision", 0)
    for rule in ("trapezoid", "interpolated"):
        assert any(abs(average_precision_variant(c["y_true"], c["scores"], rule=rule) -
                       average_precision_by_thresholds(c["y_true"], c["scores"])) > 1e-6 for c in cases)
    assert any(abs(average_precision_variant(c["y_true"], c["scores"], ties="split") -
                   average_precision_by_thresholds(c["y_true"], c["scores"])) > 1e-6 for c in cases)


def test_wape_reference_is_the_ratio_of_totals_and_is_not_the_mape():
    _, cases = make_cases("metrics.wape", 0)
    for case in cases:
        assert _wape_reference(case) == pytest.approx(wape_loop(case["y_true"], case["y_pred"]), rel=1e-12)
    with_zeros = next(c for c in cases if np.any(c["y_true"] == 0))
    assert wape_variant(with_zeros["y_true"], with_zeros["y_pred"], form="mape") > 1e10   # ÷ eps at y = 0


def test_inertia_reference_is_kmeans_own_inertia_for_fitted_centres():
    from sklearn.cluster import KMeans
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)) + 5 * rng.integers(0, 3, size=(200, 1))
    model = KMeans(n_clusters=3, n_init=2, random_state=0).fit(X)
    case = {"X": X, "centers": model.cluster_centers_}
    assert _inertia_reference(case) == pytest.approx(model.inertia_, rel=1e-9)
    assert inertia_variant(X, model.cluster_centers_) == pytest.approx(model.inertia_, rel=1e-9)
    assert inertia_cdist(X, model.cluster_centers_) == pytest.approx(model.inertia_, rel=1e-9)
