"""The pitfalls lab: correct implementations written differently from the solutions pass the oracle on many seeds,
and the oracle's references have the properties the lesson relies on (the leak-free score sits at chance on noise
and the leaky one far above it; |r| ranks features as f_classif does; balanced weights raise minority recall;
the LRU reference evicts the least recently used entry).

Each RIGHT variant takes another route than the notebook's solution (the F statistic from class means, pandas
fillna and isna, collections.Counter, np.quantile column by column, an OrderedDict), so the hidden tests are not
tied to one way of writing the answer.
"""
from __future__ import annotations

from collections import Counter, OrderedDict

import numpy as np
import pandas as pd
import pytest

from course.exercises import make_cases, run_checks
from course.exercises.pitfalls import (_abs_correlation, _leakage_case, _leakage_reference, _run_cached,
                                       leakage_scores, lru_reference)


# ----------------------------------------------------------------------------- right, written differently

def leak_free_by_f_statistic(X, y, folds, k, make_model):
    """Rank by the one-way ANOVA F statistic computed from the class means (the same order as |r| for 2 classes)."""
    out = []
    for train, test in folds:
        Xt, yt = X[train], y[train]
        groups = [Xt[yt == c] for c in (0, 1)]
        grand = Xt.mean(axis=0)
        between = sum(len(g) * (g.mean(axis=0) - grand) ** 2 for g in groups)
        within = sum(((g - g.mean(axis=0)) ** 2).sum(axis=0) for g in groups)
        f = between / (within / (len(yt) - 2))
        keep = np.argpartition(-f, k - 1)[:k] if k < X.shape[1] else np.arange(X.shape[1])
        keep = np.sort(keep)
        out.append(make_model().fit(Xt[:, keep], yt).score(X[test][:, keep], y[test]))
    return out


def impute_with_pandas(X_train, X_test):
    train, test = pd.DataFrame(X_train), pd.DataFrame(X_test)
    means = train.mean()                                   # skips NaN
    flagged = [c for c in train.columns if train[c].isna().any()]
    return tuple(np.hstack([frame.fillna(means).to_numpy(), frame[flagged].isna().to_numpy(float)])
                 for frame in (train, test))


def weights_by_counter(y):
    counts = Counter(np.asarray(y).tolist())
    return {label: len(y) / (len(counts) * n) for label, n in counts.items()}


def baseline_by_counter(y_train, y_test, task):
    if task == "regression":
        return 1 - np.mean((np.asarray(y_test) - np.mean(y_train)) ** 2) / np.var(y_test)
    counts = Counter(np.asarray(y_train).tolist())
    top = max(counts.values())
    majority = min(label for label, n in counts.items() if n == top)
    return sum(label == majority for label in np.asarray(y_test).tolist()) / len(y_test)


def robust_by_columns(X_train, X_apply):
    out = np.empty(X_apply.shape)
    for j in range(X_train.shape[1]):
        low, mid, high = (np.quantile(X_train[:, j], q) for q in (0.25, 0.5, 0.75))
        out[:, j] = (X_apply[:, j] - mid) / ((high - low) or 1.0)
    return out


def cached_ordered_dict(function, maxsize=128):
    store = OrderedDict()

    def wrapper(*args):
        try:
            store.move_to_end(args)
            return store[args]
        except KeyError:
            pass
        store[args] = result = function(*args)
        while maxsize is not None and len(store) > maxsize:
            store.popitem(last=False)
        return result
    return wrapper


RIGHT = [("pitfalls.leak_free_cv_scores", leak_free_by_f_statistic), ("pitfalls.impute_train_test", impute_with_pandas),
         ("pitfalls.balanced_class_weights", weights_by_counter), ("pitfalls.baseline_score", baseline_by_counter),
         ("pitfalls.robust_scale", robust_by_columns), ("pitfalls.cached", cached_ordered_dict)]


@pytest.mark.parametrize("key, function", RIGHT, ids=[key for key, _ in RIGHT])
def test_correct_variants_written_differently_pass(key, function):
    for seed in range(6 if key.endswith("leak_free_cv_scores") else 12):
        report = run_checks(key, function, seed=seed)
        assert report.ok, f"seed {seed}: {report.failure}"


# ----------------------------------------------------------------------------- the references themselves

def test_abs_correlation_ranks_features_as_f_classif_does():
    from sklearn.feature_selection import f_classif
    rng = np.random.default_rng(0)
    for _ in range(20):
        X, y = rng.normal(size=(40, 30)), rng.integers(0, 2, size=40)
        y[:2] = [0, 1]
        assert np.array_equal(np.argsort(-_abs_correlation(X, y)), np.argsort(-f_classif(X, y)[0]))


def test_on_pure_noise_the_leak_free_score_is_chance_and_the_leaky_one_far_above():
    rng = np.random.default_rng(3)
    honest, leaky = [], []
    for _ in range(4):
        case = _leakage_case(rng, 60, 1000, 0, 5, 20)
        honest.append(_leakage_reference(case).mean())
        leaky.append(leakage_scores(case, rows="all").mean())
    assert abs(np.mean(honest) - 0.5) < 0.1
    assert np.mean(leaky) > np.mean(honest) + 0.25


def test_balanced_weights_raise_the_minority_recall_of_logistic_regression():
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import recall_score
    from sklearn.utils.class_weight import compute_class_weight
    rng = np.random.default_rng(1)
    for _ in range(3):
        y = (rng.random(3000) < 0.04).astype(int)
        X = rng.normal(size=(3000, 3))
        X[y == 1, 0] += 1.0
        weights = dict(zip([0, 1], compute_class_weight("balanced", classes=np.array([0, 1]), y=y[:1500])))
        assert weights == pytest.approx(weights_by_counter(y[:1500]))
        plain = LogisticRegression().fit(X[:1500], y[:1500]).predict(X[1500:])
        weighted = LogisticRegression(class_weight=weights).fit(X[:1500], y[:1500]).predict(X[1500:])
        assert recall_score(y[1500:], weighted) > recall_score(y[1500:], plain) + 0.3


def test_the_lru_reference_evicts_the_least_recently_used_entry():
    case = {"calls": [[1, 0], [2, 0], [1, 0], [3, 0], [2, 0], [1, 0]], "maxsize": 2, "scale": 2.0}
    assert _run_cached(lru_reference, case)["computed_at"] == [0, 1, 3, 4, 5]
    assert _run_cached(lru_reference, dict(case, maxsize=None))["computed_at"] == [0, 1, 3]


def test_the_cases_cover_the_edges_the_hidden_cells_promise():
    _, cases = make_cases("pitfalls.robust_scale", 0)
    assert any(len(c["X_train"]) == 1 for c in cases)
    assert any(np.any(np.ptp(c["X_train"], axis=0) == 0) for c in cases)
    _, cases = make_cases("pitfalls.impute_train_test", 0)
    assert any(not np.isnan(c["X_train"]).any() and np.isnan(c["X_test"]).any() for c in cases)
    assert all(not np.isnan(c["X_train"]).all(axis=0).any() for c in cases)
    _, cases = make_cases("pitfalls.leak_free_cv_scores", 0)
    assert any(c["k"] == c["X"].shape[1] for c in cases) and any(c["k"] == 1 for c in cases)
    _, cases = make_cases("pitfalls.cached", 0)
    assert {c["maxsize"] for c in cases} >= {None, 1}
