"""Plausible wrong implementations of the metrics notebook's graded functions, each with the diagnosis it must get.

Every hidden test must fail for at least one of these (tests/test_exercises.py checks it); PUBLIC_CASES are the
public cells that must name a mistake too (tests/test_public_tests.py).
"""
import numpy as np

from solutions import renamed_source


# ----------------------------------------------------------------------------- log_loss

def _log_loss(y_true, proba, eps=np.finfo(float).eps, base=np.e, reduce="mean", positives_only=False):
    y = np.asarray(y_true).astype(int)
    P = np.asarray(proba, dtype=float)
    if P.ndim == 1:
        P = np.column_stack([1 - P, P])
    if eps:
        P = np.clip(P, eps, 1 - eps)
    with np.errstate(divide="ignore"):
        if positives_only:
            terms = -np.where(y == 1, np.log(P[:, 1]), 0.0)
        else:
            terms = -np.log(P[np.arange(len(y)), y])
    terms = terms / np.log(base)
    return float(terms.sum() if reduce == "sum" else terms.mean())


def log_loss_unclipped(y_true, proba):
    return _log_loss(y_true, proba, eps=0)


def log_loss_old_eps(y_true, proba):
    return _log_loss(y_true, proba, eps=1e-15)


def log_loss_base2(y_true, proba):
    return _log_loss(y_true, proba, base=2.0)


def log_loss_summed(y_true, proba):
    return _log_loss(y_true, proba, reduce="sum")


def log_loss_positives_only(y_true, proba):
    return _log_loss(y_true, proba, positives_only=True)


# ----------------------------------------------------------------------------- average_precision

def _average_precision(y_true, scores, group_ties=True, rule="step"):
    y = np.asarray(y_true, dtype=float)
    s = np.asarray(scores, dtype=float)
    order = np.argsort(-s, kind="stable")
    y, s = y[order], s[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1] if group_ties else np.arange(len(s))
    tp = np.cumsum(y)[last]
    precision, recall = tp / (last + 1), tp / y.sum()
    width = np.diff(np.r_[0.0, recall])
    if rule == "trapezoid":
        return float(np.sum(width * (precision + np.r_[1.0, precision[:-1]]) / 2))
    if rule == "interpolated":
        precision = np.maximum.accumulate(precision[::-1])[::-1]
    return float(np.sum(width * precision))


def ap_ties_split(y_true, scores):
    return _average_precision(y_true, scores, group_ties=False)


def ap_trapezoid(y_true, scores):
    return _average_precision(y_true, scores, rule="trapezoid")


def ap_interpolated(y_true, scores):
    return _average_precision(y_true, scores, rule="interpolated")


# ----------------------------------------------------------------------------- wape

def wape_as_mape(y_true, y_pred):
    y, f = np.asarray(y_true, float), np.asarray(y_pred, float)
    return float(np.mean(np.abs(y - f) / np.maximum(np.abs(y), np.finfo(float).eps)))


def wape_signed_denominator(y_true, y_pred):
    y, f = np.asarray(y_true, float), np.asarray(y_pred, float)
    return float(np.abs(y - f).sum() / y.sum())


def wape_by_prediction(y_true, y_pred):
    y, f = np.asarray(y_true, float), np.asarray(y_pred, float)
    return float(np.abs(y - f).sum() / np.abs(f).sum())


def wape_percent(y_true, y_pred):
    y, f = np.asarray(y_true, float), np.asarray(y_pred, float)
    return float(100 * np.abs(y - f).sum() / np.abs(y).sum())


# ----------------------------------------------------------------------------- inertia

def _inertia(X, centers, power=2, reduce="sum", over="nearest"):
    X, C = np.asarray(X, float), np.asarray(centers, float)
    d = np.sqrt(((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)) ** power
    chosen = d.sum(axis=1) if over == "all" else d.min(axis=1)
    return float(chosen.mean() if reduce == "mean" else chosen.sum())


def inertia_unsquared(X, centers):
    return _inertia(X, centers, power=1)


def inertia_mean(X, centers):
    return _inertia(X, centers, reduce="mean")


def inertia_every_centre(X, centers):
    return _inertia(X, centers, over="all")


WRONG = [
    ("metrics.log_loss", log_loss_unclipped, "clip the probabilities"),
    ("metrics.log_loss", log_loss_old_eps, "clipping at 1e-15"),
    ("metrics.log_loss", log_loss_base2, "base 2"),
    ("metrics.log_loss", log_loss_summed, "the sum over the examples"),
    ("metrics.log_loss", log_loss_positives_only, "only the −y log p term"),
    ("metrics.average_precision", ap_ties_split, "without grouping tied scores"),
    ("metrics.average_precision", ap_trapezoid, "trapezoidal area"),
    ("metrics.average_precision", ap_interpolated, "interpolated precision"),
    ("metrics.wape", wape_as_mape, "the MAPE"),
    ("metrics.wape", wape_signed_denominator, "Σ y instead of Σ |y|"),
    ("metrics.wape", wape_by_prediction, "the predictions' Σ |ŷ|"),
    ("metrics.wape", wape_percent, "multiplying by 100"),
    ("metrics.inertia", inertia_unsquared, "plain (not squared) distances"),
    ("metrics.inertia", inertia_mean, "the mean of the squared distances"),
    ("metrics.inertia", inertia_every_centre, "to every centre summed"),
]


PUBLIC_CASES = [  # (public grade_id, function name, wrong variant, phrase the learner must read)
    ("log_loss_public", "log_loss", log_loss_old_eps, "1e-15"),
    ("log_loss_public", "log_loss", log_loss_base2, "base-2"),
    ("log_loss_public", "log_loss", log_loss_positives_only, "only the positives' term"),
    ("average_precision_public", "average_precision", ap_ties_split, "without grouping tied scores"),
    ("average_precision_public", "average_precision", ap_trapezoid, "trapezoidal"),
    ("wape_public", "wape", wape_as_mape, "the MAPE"),
    ("wape_public", "wape", wape_signed_denominator, "Σ y instead of Σ |y|"),
    ("inertia_public", "inertia", inertia_unsquared, "not squared"),
    ("inertia_public", "inertia", inertia_mean, "the mean"),
]


WRONG_SUBMISSION = (
    {"log_loss": renamed_source(_log_loss, "log_loss").replace("eps=np.finfo(float).eps", "eps=1e-15"),
     "wape": renamed_source(wape_as_mape, "wape"),
     "checkpoint_q1": "q1_answer = 0.5", "checkpoint_q2": 'q2_answer = "a"'},
    {"log_loss_public", "log_loss_hidden", "wape_public", "wape_hidden", "checkpoint_q1_test", "checkpoint_q2_test"},
)
