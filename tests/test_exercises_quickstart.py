"""The quick start: correct implementations written differently from the solutions pass the oracle on many seeds,
and the oracle's references agree with independent ones (scikit-learn's KMeans, PyTorch modules, formulas).

Each RIGHT variant takes another route than the notebook's solution (scikit-learn-free loops, np.bincount on a
flat index, a product over layer shapes, scipy's cdist), so the hidden tests are not tied to one way of writing
the answer.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn as nn

from course.exercises import make_cases, run_checks
from course.exercises.quickstart import (count_by_formula, inertia_by_formula, r2_by_formula, torch_trainable,
                                         _inertia_reference)


# ----------------------------------------------------------------------------- right, written differently

def split_by_argsort_of_a_shuffle(n, test_size, seed):
    """Shuffle a copy of the row numbers in place with the same legacy generator, cut with math.ceil."""
    import math
    rows = np.arange(n)
    np.random.RandomState(seed).shuffle(rows)           # shuffle draws the same permutation as permutation(n)
    cut = math.ceil(n * test_size)
    return rows[cut:].copy(), rows[:cut].copy()


def mse_and_r2_by_deviations(y_true, y_pred):
    """Variance decomposition: R² = 1 − MSE / population variance of y_true."""
    t = np.array(y_true, dtype=float)
    mse = float(np.mean(np.square(t - np.array(y_pred, dtype=float))))
    variance = float(np.var(t))
    if variance == 0.0:
        return mse, float(mse == 0.0)
    return mse, 1.0 - mse / variance


def confusion_by_bincount(y_true, y_pred, n_classes):
    flat = np.asarray(y_true) * n_classes + np.asarray(y_pred)
    return np.bincount(flat, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def count_by_shapes(layer_sizes, frozen=0):
    shapes = [((b, a), (b,)) for a, b in zip(layer_sizes, layer_sizes[1:])]
    return sum(int(np.prod(w)) + int(np.prod(bias)) for w, bias in shapes[frozen:])


def inertia_with_cdist(X, centers):
    from scipy.spatial.distance import cdist
    return float(np.sum(np.min(cdist(X, centers, "sqeuclidean"), axis=1)))


RIGHT = [("quickstart.split_indices", split_by_argsort_of_a_shuffle), ("quickstart.mse_and_r2", mse_and_r2_by_deviations), ("quickstart.confusion_matrix", confusion_by_bincount),
         ("quickstart.count_parameters", count_by_shapes), ("quickstart.kmeans_inertia", inertia_with_cdist)]


@pytest.mark.parametrize("key, function", RIGHT, ids=[key for key, _ in RIGHT])
def test_correct_variants_written_differently_pass(key, function):
    for seed in range(12):
        report = run_checks(key, function, seed=seed)
        assert report.ok, f"seed {seed}: {report.failure}"


# ----------------------------------------------------------------------------- the references themselves

def test_r2_reference_follows_scikit_learn_also_for_a_constant_y_true():
    from sklearn.metrics import r2_score
    rng = np.random.default_rng(0)
    for _ in range(20):
        t, p = rng.normal(size=30), rng.normal(size=30)
        assert r2_by_formula(t, p) == pytest.approx(r2_score(t, p), rel=1e-12)
    assert r2_score(np.full(4, 2.0), np.full(4, 2.0)) == 1.0 == r2_by_formula(np.full(4, 2.0), np.full(4, 2.0))
    assert r2_score(np.full(4, 2.0), [2.0, 2, 2, 3]) == 0.0 == r2_by_formula(np.full(4, 2.0), [2.0, 2, 2, 3])


def test_the_parameter_count_reference_is_what_torch_modules_report():
    torch.manual_seed(0)
    for sizes, frozen in (([20, 64, 64, 3], 0), ([64, 64, 32, 5], 2), ([7, 1], 1), ([3, 9, 4, 8, 2], 3)):
        linears = [nn.Linear(a, b) for a, b in zip(sizes, sizes[1:])]
        for layer in linears[:frozen]:
            layer.requires_grad_(False)
        model = nn.Sequential(*linears)
        expected = sum(p.numel() for p in model.parameters() if p.requires_grad)
        assert torch_trainable(sizes, frozen) == expected == count_by_formula(sizes, frozen)
    # the source's network (two hidden layers with dropout) and the answer to try it 3
    assert torch_trainable([20, 64, 64, 3]) == 5699 and torch_trainable([20, 128, 128, 3]) == 19587


def test_the_inertia_reference_is_a_fitted_kmeans_inertia():
    from sklearn.cluster import KMeans
    from sklearn.datasets import make_blobs
    for seed in range(5):
        X, _ = make_blobs(n_samples=200, centers=3, random_state=seed)
        km = KMeans(n_clusters=3, n_init=1, random_state=seed).fit(X)
        case = {"X": X, "centers": km.cluster_centers_}
        assert _inertia_reference(case) == pytest.approx(km.inertia_, rel=1e-9)
        assert _inertia_reference(case) == pytest.approx(inertia_by_formula(X, km.cluster_centers_), rel=1e-12)
        assert -km.score(X) == pytest.approx(km.inertia_, rel=1e-9)


def test_the_cases_hold_the_edge_cases_they_promise():
    _, cases = make_cases("quickstart.mse_and_r2", 0)
    assert any(np.ptp(c["y_true"]) == 0 and np.array_equal(c["y_true"], c["y_pred"]) for c in cases)
    assert any(np.ptp(c["y_true"]) == 0 and not np.array_equal(c["y_true"], c["y_pred"]) for c in cases)
    _, cases = make_cases("quickstart.confusion_matrix", 0)
    assert any(len(np.unique(np.concatenate([c["y_true"], c["y_pred"]]))) < c["n_classes"] for c in cases)
    _, cases = make_cases("quickstart.count_parameters", 0)
    assert any(c["frozen"] == len(c["layer_sizes"]) - 1 for c in cases)
    _, cases = make_cases("quickstart.kmeans_inertia", 0)
    assert any(len(c["centers"]) == 1 for c in cases) and any(c["X"].shape[1] == 1 for c in cases)
