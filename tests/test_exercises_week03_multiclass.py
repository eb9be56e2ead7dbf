"""Week 03 §10 (multiclass): correct implementations written differently from the solutions pass the oracle.

Each RIGHT variant takes another route than the notebook's solution (an augmented parameter matrix and
log-sum-exp, a loop over the classes, a confusion matrix first, bincount), so the hidden tests are not tied to one
way of writing the answer.
"""
from __future__ import annotations

import numpy as np
import pytest

from course.exercises import run_checks


# ----------------------------------------------------------------------------- softmax_regression

def softmax_augmented_logsumexp(X, y, n_classes, alpha, lr, n_steps):
    """θ = [W; b] against [X, 1], probabilities as exp(Z − logsumexp(Z)), a penalty mask for the intercept row."""
    n, d = X.shape
    A = np.column_stack([X, np.ones(n)])
    Y = (np.asarray(y)[:, None] == np.arange(n_classes)).astype(float)
    theta = np.zeros((d + 1, n_classes))
    mask = np.r_[np.ones(d), 0.0][:, None]
    for _ in range(n_steps):
        Z = A @ theta
        top = Z.max(axis=1, keepdims=True)
        P = np.exp(Z - top - np.log(np.exp(Z - top).sum(axis=1, keepdims=True)))
        theta = theta - lr * (A.T @ (P - Y) / n + alpha * mask * theta)
    return theta[:-1], theta[-1]


def softmax_per_class_loop(X, y, n_classes, alpha, lr, n_steps):
    """One class at a time: p_k = 1 / Σ_j exp(z_j − z_k) (inf → p_k = 0), and its gradient column."""
    n, d = X.shape
    W, b = np.zeros((d, n_classes)), np.zeros(n_classes)
    for _ in range(n_steps):
        Z = X @ W + b
        grad_W, grad_b = np.empty_like(W), np.empty_like(b)
        for k in range(n_classes):
            with np.errstate(over="ignore"):
                p_k = 1.0 / np.exp(Z - Z[:, [k]]).sum(axis=1)
            error = p_k - (np.asarray(y) == k)
            grad_W[:, k] = X.T @ error / n + alpha * W[:, k]
            grad_b[k] = error.mean()
        W, b = W - lr * grad_W, b - lr * grad_b
    return W, b


# ----------------------------------------------------------------------------- averaged_scores

def averaged_from_confusion_matrix(y_true, y_pred, labels, average):
    """Per-class counts read off a confusion matrix built in a loop; F1 as 2PR/(P + R), 0 when P + R = 0."""
    position = {label: k for k, label in enumerate(labels)}
    M = np.zeros((len(labels), len(labels)))
    for t, p in zip(y_true, y_pred):
        M[position[int(t)], position[int(p)]] += 1
    tp, predicted, support = np.diag(M), M.sum(axis=0), M.sum(axis=1)
    if average == "micro":
        precision = tp.sum() / predicted.sum() if predicted.sum() else 0.0
        recall = tp.sum() / support.sum() if support.sum() else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1
    rows = []
    for k in range(len(labels)):
        precision = tp[k] / predicted[k] if predicted[k] else 0.0
        recall = tp[k] / support[k] if support[k] else 0.0
        rows.append((precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0))
    rows = np.array(rows)
    weights = support / support.sum() if average == "weighted" else np.full(len(labels), 1 / len(labels))
    return tuple(float(v) for v in weights @ rows)


# ----------------------------------------------------------------------------- confusion_matrix_multiclass

def confusion_by_bincount(y_true, y_pred, labels):
    """Positions by sorting the labels and searchsorted, counts by bincount of row · K + column."""
    labels = np.asarray(labels)
    order = np.argsort(labels)
    rows = order[np.searchsorted(labels[order], y_true)]
    columns = order[np.searchsorted(labels[order], y_pred)]
    K = len(labels)
    return np.bincount(rows * K + columns, minlength=K * K).reshape(K, K)


RIGHT = [
    ("week03.softmax_regression", softmax_augmented_logsumexp),
    ("week03.softmax_regression", softmax_per_class_loop),
    ("week03.averaged_scores", averaged_from_confusion_matrix),
    ("week03.confusion_matrix_multiclass", confusion_by_bincount),
]


@pytest.mark.parametrize("key, function", RIGHT, ids=[f.__name__ for _, f in RIGHT])
def test_a_correct_implementation_written_differently_passes(key, function):
    for seed in range(4):
        report = run_checks(key, function, seed=seed)
        assert report.ok, f"{key} seed {seed}: {report.failure}"


# ----------------------------------------------------------------------------- lasso_cd (§3)

def lasso_covariance_updates(X, y, alpha):
    """Coordinate descent on the Gram matrix (no residual kept), in a random order each sweep, to convergence."""
    X, y = np.asarray(X, float), np.asarray(y, float)
    n, d = X.shape
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    gram, correlation = Xc.T @ Xc / n, Xc.T @ yc / n
    w, order = np.zeros(d), np.random.default_rng(0)
    for _ in range(20_000):
        before = w.copy()
        for j in order.permutation(d):
            rho = correlation[j] - gram[j] @ w + gram[j, j] * w[j]
            w[j] = np.sign(rho) * max(abs(rho) - alpha, 0.0) / gram[j, j]
        if np.abs(w - before).max() < 1e-12:
            break
    return w, float(y.mean() - X.mean(axis=0) @ w)


def test_lasso_by_covariance_updates_in_random_order_passes():
    for seed in range(6):
        report = run_checks("week03.lasso_cd", lasso_covariance_updates, seed=seed)
        assert report.ok, f"seed {seed}: {report.failure}"


# ----------------------------------------------------------------------------- tfidf (§11)

def tfidf_by_loops(counts, idf=None):
    """Document by document, word by word, in plain Python over the rows."""
    counts = np.asarray(counts, dtype=float)
    n, d = counts.shape
    if idf is None:
        idf = np.array([np.log((1 + n) / (1 + sum(1 for row in counts if row[j] > 0))) + 1 for j in range(d)])
    rows = []
    for row in counts:
        weighted = [row[j] * idf[j] for j in range(d)]
        length = sum(v * v for v in weighted) ** 0.5
        rows.append([v / length if length else 0.0 for v in weighted])
    return np.array(rows).reshape(n, d), idf


def test_tfidf_by_loops_passes():
    for seed in range(6):
        report = run_checks("week03.tfidf", tfidf_by_loops, seed=seed)
        assert report.ok, f"seed {seed}: {report.failure}"
