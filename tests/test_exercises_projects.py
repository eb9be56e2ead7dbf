"""The projects notebook: correct implementations written differently from the solutions pass the oracle on many
seeds, and the oracle's references agree with independent ones.

Each RIGHT variant takes another route than the notebook's solution (RMSLE as the RMSE of log1p values written
with np.linalg.norm; the fold table built row by row with the folds in the outer loop; permutation importance
with fancy indexing on the whole repeat at once; the cheapest threshold by a full scan of every candidate with
sklearn's confusion_matrix), so the hidden tests are not tied to one way of writing the answer.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.inspection import permutation_importance as sklearn_permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, confusion_matrix

from course.exercises import get_challenge, make_cases, run_checks
from course.exercises.projects import balanced_accuracy, brute_force_threshold, sklearn_permutations
from course.explorers.churn_cost import reference_cost_optimal_threshold

SEEDS = range(4)


# ----------------------------------------------------------------------------- right, written differently

def rmsle_by_norm(y_true, y_pred):
    difference = np.log1p(np.asarray(y_pred, dtype=float)) - np.log1p(np.asarray(y_true, dtype=float))
    return np.linalg.norm(difference) / np.sqrt(difference.size)


def compare_row_by_row(models, X, y, folds, metric):
    table = pd.DataFrame(columns=list(models), dtype=float)
    for number, (train, test) in enumerate(folds):
        for name in models:
            model = clone(models[name])
            model.fit(np.take(X, train, axis=0), np.take(y, train))
            table.loc[number, name] = metric(np.take(y, test), model.predict(np.take(X, test, axis=0)))
    return table


def permutation_by_fancy_indexing(score, X, y, permutations):
    X = np.asarray(X)
    base = score(X, y)
    result = []
    for j in range(X.shape[1]):
        drops = []
        for order in permutations:
            columns = [X[order, k] if k == j else X[:, k] for k in range(X.shape[1])]
            drops.append(base - score(np.column_stack(columns), y))
        result.append(drops)
    return np.array(result)


def threshold_by_confusion_matrices(scores, y, cost_fp, cost_fn):
    candidates = sorted(set(float(s) for s in scores)) + [float("inf")]
    best_t, best_c = None, None
    for t in reversed(candidates):                    # largest first: a tie keeps the largest
        tn, fp, fn, tp = confusion_matrix(y, (np.asarray(scores) >= t).astype(int), labels=[0, 1]).ravel()
        cost = cost_fp * fp + cost_fn * fn
        if best_c is None or cost < best_c:
            best_t, best_c = t, cost
    return best_t, float(best_c)


@pytest.mark.parametrize("key, function", [("projects.rmsle", rmsle_by_norm),
                                           ("projects.compare_on_same_folds", compare_row_by_row),
                                           ("projects.permutation_importance", permutation_by_fancy_indexing),
                                           ("projects.cost_optimal_threshold", threshold_by_confusion_matrices),
                                           ("projects.cost_optimal_threshold", reference_cost_optimal_threshold)])
def test_right_implementations_written_differently_pass_on_many_seeds(key, function):
    for seed in SEEDS:
        report = run_checks(key, function, seed)
        assert report.ok, (seed, report.failure)


# ----------------------------------------------------------------------------- the references themselves

def test_the_permutations_are_the_ones_scikit_learn_applies():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] + 0.3 * rng.normal(size=40) > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    for seed in (0, 7, 123456):
        permutations = sklearn_permutations(len(X), 4, seed)
        assert all(sorted(p) == list(range(40)) for p in permutations)
        ours = permutation_by_fancy_indexing(model.score, X, y, permutations)
        theirs = sklearn_permutation_importance(model, X, y, n_repeats=4, random_state=seed).importances
        assert np.allclose(ours, theirs, atol=1e-12)


def test_the_brute_force_threshold_agrees_with_confusion_matrices():
    for seed in SEEDS:
        for case in make_cases("projects.cost_optimal_threshold", seed)[1]:
            args = case["scores"], case["y"], case["cost_fp"], case["cost_fn"]
            assert brute_force_threshold(*args) == pytest.approx(threshold_by_confusion_matrices(*args))


def test_the_challenge_score_is_balanced_accuracy():
    rng = np.random.default_rng(0)
    for _ in range(20):
        truth = (rng.random(50) < 0.3).astype(int)
        guess = (rng.random(50) < 0.5).astype(int)
        assert balanced_accuracy(guess, truth) == pytest.approx(balanced_accuracy_score(truth, guess))
    assert get_challenge("projects.churn_challenge").max_points == 3


def test_the_whole_oracle_is_fast():
    import time
    for key, function in [("projects.rmsle", rmsle_by_norm), ("projects.permutation_importance",
                                                               permutation_by_fancy_indexing),
                          ("projects.cost_optimal_threshold", reference_cost_optimal_threshold),
                          ("projects.compare_on_same_folds", compare_row_by_row)]:
        run_checks(key, function, 0)                     # imports warm
        started = time.perf_counter()
        run_checks(key, function, 1)
        assert time.perf_counter() - started < 3.0, key   # generous on a loaded machine; typically < 0.7 s
