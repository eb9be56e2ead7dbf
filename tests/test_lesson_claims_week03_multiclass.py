"""Claims week 03's multiclass section (§10) makes that a learner could check, checked.

Each test quotes the lesson's words it backs, so a test and its sentence change together.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support
from sklearn.multiclass import OneVsRestClassifier

SOURCE = Path(__file__).resolve().parents[1] / "source"


def lesson(week: str) -> str:
    """The week's text with comment markers and line breaks removed, for quoting."""
    lines = (SOURCE / week / f"{week}.py").read_text().splitlines()
    return " ".join(line.lstrip("# ").strip() for line in lines)


def _softmax(Z):
    Z = Z - Z.max(axis=1, keepdims=True)
    P = np.exp(Z)
    return P / P.sum(axis=1, keepdims=True)


def _problem(seed=0, n=120, d=3, K=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = np.argmax(X @ rng.normal(size=(d, K)) + rng.gumbel(size=(n, K)), axis=1)
    return X, y


def test_exp_overflows_past_709_and_the_shift_changes_no_probability():
    text = lesson("week03")
    assert "$e^{z}$ overflows to `inf` once $z > 709$ in float64" in text
    assert "Adding the same constant to every $z_k$ leaves the probabilities unchanged" in text
    assert np.isfinite(np.exp(709.0))
    with np.errstate(over="ignore"):
        assert np.isinf(np.exp(710.0))
    Z = np.random.default_rng(1).normal(size=(5, 4))
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    assert np.allclose(_softmax(Z + 1000.0), P) and np.allclose(_softmax(Z - 3.7), P)


def test_with_two_classes_softmax_is_the_binary_model():
    assert "With $K = 2$ it is the binary model again" in lesson("week03")
    Z = np.random.default_rng(2).normal(size=(10, 2))
    assert np.allclose(_softmax(Z)[:, 1], 1 / (1 + np.exp(-(Z[:, 1] - Z[:, 0]))))


def test_logistic_regression_at_c_one_over_alpha_n_minimises_the_lesson_objective():
    text = lesson("week03")
    assert "dividing by $nC$ shows it is our objective with $\\alpha = 1/(nC)$, that is $C = 1/(\\alpha n)$" in text
    assert "with the penalty below, $\\mathbf W$ is unique and its columns sum to zero at the minimum" in text
    X, y = _problem()
    n, alpha = len(y), 0.05
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(C=1 / (alpha * n), tol=1e-12, max_iter=10_000).fit(X, y)
    W, b = model.coef_.T, model.intercept_
    P, Y = _softmax(X @ W + b), np.eye(W.shape[1])[y]
    assert np.abs(X.T @ (P - Y) / n + alpha * W).max() < 1e-6   # the gradient of J vanishes there
    assert np.abs((P - Y).sum(axis=0) / n).max() < 1e-6
    assert np.abs(W.sum(axis=1)).max() < 1e-6                     # Σ_k w_k = 0


def test_one_vs_rest_binary_probabilities_need_not_sum_to_one():
    assert ("its $K$ binary probabilities are fitted separately and need not sum to 1 (scikit-learn rescales them "
            "so that they do)") in lesson("week03")
    X, y = _problem(seed=3)
    ovr = OneVsRestClassifier(LogisticRegression()).fit(X, y)
    raw = np.column_stack([estimator.predict_proba(X)[:, 1] for estimator in ovr.estimators_])
    assert np.abs(raw.sum(axis=1) - 1).max() > 0.05
    assert np.allclose(ovr.predict_proba(X).sum(axis=1), 1)


def test_micro_scores_equal_accuracy_and_macro_f1_is_not_the_harmonic_mean():
    text = lesson("week03")
    assert ("micro precision, micro recall and micro F1 are all equal to the **accuracy**") in text
    assert "which is not the harmonic mean of macro precision and macro recall" in text
    assert "accuracy is $\\operatorname{trace}(M)/n$" in text
    rng = np.random.default_rng(4)
    for _ in range(20):
        y_true, y_pred = rng.integers(4, size=50), rng.integers(4, size=50)
        p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average="micro", zero_division=0)
        assert np.allclose([p, r, f], accuracy_score(y_true, y_pred))
        M = confusion_matrix(y_true, y_pred, labels=[0, 1, 2, 3])
        assert np.isclose(np.trace(M) / 50, accuracy_score(y_true, y_pred))
    # The lesson's public example: macro P = 1/3, R = 1/2, macro F1 = 7/18, while 2PR/(P + R) = 0.4.
    p, r, f, _ = precision_recall_fscore_support([0, 0, 1, 1, 2, 2], [0, 0, 1, 0, 1, 0], average="macro",
                                                 zero_division=0)
    assert np.allclose([p, r, f], [1 / 3, 1 / 2, 7 / 18]) and not np.isclose(f, 2 * p * r / (p + r))


def test_the_wine_data_are_as_described():
    assert "178 wines from three cultivars, 13 chemical measurements" in lesson("week03")
    wine = load_wine()
    assert wine.data.shape == (178, 13) and len(np.unique(wine.target)) == 3
