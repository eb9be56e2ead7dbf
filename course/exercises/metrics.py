"""The metrics notebook (the source's "Key Metrics Reference"): the graded functions, inputs, references.

Graded here are the metrics no earlier week grades: ``log_loss`` (vs ``sklearn.metrics.log_loss``, which clips
probabilities to [ε, 1 − ε] with ε the machine epsilon of float64: the default since scikit-learn 1.2, the only
choice since 1.5 removed the ``eps`` parameter; before 1.2 it was 1e-15), ``average_precision``
(vs ``sklearn.metrics.average_precision_score``), ``wape`` (the weighted absolute percentage error, the fix for
MAPE at zero targets, vs ``sklearn.metrics.mean_absolute_error(y, ŷ) / mean_absolute_error(y, 0)``) and
``inertia`` (vs ``KMeans(init=centers, n_init=1, max_iter=1).fit(centers).score(X)``: a KMeans whose centres are
exactly ``centers``, whose score is minus the inertia of ``X``).

Accuracy, precision, recall, F1, ROC-AUC, MSE, RMSE, MAE, R² and MAPE are graded in week 03
(``week03.classification_metrics``, ``week03.roc_auc``, ``week03.regression_metrics``), the silhouette and the
Davies–Bouldin index in week 05 (``week05.silhouette_samples``, ``week05.davies_bouldin``).
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from course.checks import CheckFailure
from course.exercises import Case, Exercise, register
from course.exercises.judging import judge as _judge

EPS = float(np.finfo(np.float64).eps)   # scikit-learn's clipping of probabilities in log_loss (2.22e-16)


def _as_float(value: Any, what: str) -> float:
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise CheckFailure(f"{what} is {value!r}, but a number was expected"
                           + (": did the function forget to `return`?" if value is None else "."))
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailure(f"{what} is a {type(value).__name__}, but a number was expected.") from None
    if array.size != 1:
        raise CheckFailure(f"{what} has shape {array.shape}, but a single number was expected.")
    return float(array.reshape(()))


# ----------------------------------------------------------------------------- log loss


def _probability_matrix(proba: np.ndarray) -> np.ndarray:
    proba = np.asarray(proba, dtype=float)
    return np.column_stack([1 - proba, proba]) if proba.ndim == 1 else proba


def log_loss_variant(y_true: np.ndarray, proba: np.ndarray, *, eps: float | None = EPS, base: float = np.e,
                     mean: bool = True, positives_only: bool = False) -> float:
    """The log loss as scikit-learn computes it, or with one of the mistakes learners make (for diagnosis)."""
    y = np.asarray(y_true).astype(int)
    P = _probability_matrix(proba)
    if eps is not None:
        P = np.clip(P, eps, 1 - eps)
    with np.errstate(divide="ignore"):
        if positives_only:      # binary: only the y = 1 term, −y log p
            terms = -np.where(y == 1, np.log(P[:, 1]), 0.0)
        else:
            terms = -np.log(P[np.arange(len(y)), y])
    terms = terms / np.log(base)
    return float(terms.mean() if mean else terms.sum())


def _log_loss_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n in (30, 200, 7):        # binary, 1-D probabilities of class 1, from a noisy logistic model
        z = rng.normal(size=n) * 2
        y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(np.int64)
        cases.append({"y_true": y, "proba": 1 / (1 + np.exp(-z * rng.uniform(0.3, 3)))})
    for n, k in ((40, 3), (120, 5), (15, 4)):   # multiclass rows that sum to 1
        y = rng.integers(0, k, size=n).astype(np.int64)
        logits = rng.normal(size=(n, k)) * 1.5
        logits[np.arange(n), y] += rng.uniform(0, 2)
        P = np.exp(logits - logits.max(axis=1, keepdims=True))
        cases.append({"y_true": y, "proba": P / P.sum(axis=1, keepdims=True)})
    # confident and wrong: probabilities exactly 0 and 1 (clipping decides the value)
    y = np.array([1, 0, 1, 1, 0, 0, 1, 0], dtype=np.int64)
    p = np.array([0.0, 1.0, 1.0, 0.9, 0.0, 0.2, 0.7, 0.4])
    cases.append({"y_true": y, "proba": p})
    cases.append({"y_true": np.array([1, 0, 1], dtype=np.int64), "proba": np.array([1.0, 0.0, 1.0])})  # perfect
    cases.append({"y_true": np.array([1], dtype=np.int64), "proba": np.array([0.25])})                 # one example
    cases.append({"y_true": np.zeros(12, dtype=np.int64), "proba": rng.uniform(0, 0.6, size=12)})      # one class
    # a class that never occurs in y_true, and a one-hot wrong row (the 0 is clipped)
    P = rng.dirichlet(np.ones(3), size=10)
    P[0] = [0.0, 1.0, 0.0]
    cases.append({"y_true": np.array([0, 0, 1, 0, 1, 1, 0, 1, 0, 1], dtype=np.int64), "proba": P})
    return cases


def _log_loss_reference(case: Case) -> float:
    from sklearn.metrics import log_loss
    P = np.asarray(case["proba"], dtype=float)
    k = 2 if P.ndim == 1 else P.shape[1]
    return float(log_loss(case["y_true"], P, labels=list(range(k))))


def _compare_log_loss(actual: Any, expected: float, case: Case, name: str) -> None:
    value = _as_float(actual, name)
    if not np.isfinite(value):
        raise CheckFailure(f"{name} is {value:g}: a probability of exactly 0 for the true class makes −log p "
                           f"infinite; clip the probabilities to [ε, 1 − ε] with ε = np.finfo(float).eps "
                           f"(≈ {EPS:.3g}) first, as scikit-learn does.")
    y, P = case["y_true"], case["proba"]
    binary = np.ndim(P) == 1
    _judge(value, expected, name, lambda: {
        "clipping at 1e-15 (scikit-learn's default eps before version 1.2; it now clips at the machine epsilon "
        "np.finfo(float).eps ≈ 2.2e-16)": log_loss_variant(y, P, eps=1e-15),
        "the logarithm in base 2 (the log loss uses the natural logarithm)": log_loss_variant(y, P, base=2.0),
        "the logarithm in base 10 (the log loss uses the natural logarithm)": log_loss_variant(y, P, base=10.0),
        "the sum over the examples (the log loss is their mean)": log_loss_variant(y, P, mean=False),
        "only the −y log p term (the negatives' −(1 − y) log(1 − p) term is missing)":
            log_loss_variant(y, P, positives_only=True) if binary else None,
    }, rtol=1e-9, atol=1e-12)


register(Exercise(
    key="metrics.log_loss", function="log_loss",
    make_cases=_log_loss_cases,
    call=lambda function, case: function(case["y_true"], case["proba"]),
    reference=_log_loss_reference,
    describe=lambda case: (f"{len(case['y_true'])} examples, "
                           + ("binary, proba of class 1 with shape "
                              if np.ndim(case["proba"]) == 1 else "class probabilities with shape ")
                           + f"{np.shape(case['proba'])}"
                           + (", some exactly 0 or 1" if np.any((case["proba"] == 0) | (case["proba"] == 1)) else "")),
    compare=_compare_log_loss,
))


# ----------------------------------------------------------------------------- average precision


def average_precision_variant(y_true: np.ndarray, scores: np.ndarray, *, ties: str = "grouped",
                              rule: str = "step") -> float:
    """Σ (R_n − R_{n−1}) P_n over the distinct thresholds (scikit-learn), or a mistake (for diagnosis).

    ties="split": walk the examples one at a time in descending score order (tied examples split);
    rule="trapezoid": the trapezoidal area under the PR curve; rule="interpolated": precision replaced by the
    best precision at any higher recall (the VOC-style interpolation).
    """
    y = np.asarray(y_true).astype(float)
    s = np.asarray(scores, dtype=float)
    order = np.argsort(-s, kind="stable")
    y, s = y[order], s[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1] if ties == "grouped" else np.arange(len(s))
    tp = np.cumsum(y)[last]
    precision = tp / (last + 1)
    recall = tp / y.sum()
    previous = np.r_[0.0, recall[:-1]]
    if rule == "trapezoid":
        p_previous = np.r_[1.0, precision[:-1]]
        return float(np.sum((recall - previous) * (precision + p_previous) / 2))
    if rule == "interpolated":
        precision = np.maximum.accumulate(precision[::-1])[::-1]
    return float(np.sum((recall - previous) * precision))


def _ap_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, share, separation, rounding in ((50, 0.3, 1.0, None), (300, 0.05, 2.0, None), (200, 0.5, 0.5, 1),
                                           (80, 0.2, 1.5, 0), (25, 0.6, 3.0, None)):
        y = (rng.random(n) < share).astype(np.int64)
        y[rng.integers(n)] = 1                       # at least one positive
        scores = rng.normal(size=n) + separation * y
        if rounding is not None:                     # ties, some across the classes
            scores = np.round(scores, rounding)
        cases.append({"y_true": y, "scores": scores})
    cases.append({"y_true": np.array([0, 1, 0, 1, 1, 0], dtype=np.int64),
                  "scores": np.array([0.5, 0.5, 0.5, 0.5, 0.5, 0.5])})            # one tied group: AP = share
    cases.append({"y_true": np.ones(5, dtype=np.int64), "scores": rng.normal(size=5)})       # only positives
    cases.append({"y_true": np.array([0, 0, 0, 1, 0], dtype=np.int64),
                  "scores": np.array([0.9, 0.8, 0.7, 0.1, 0.3])})            # the only positive ranked last
    cases.append({"y_true": np.array([1], dtype=np.int64), "scores": np.array([0.3])})    # a single example
    y = np.zeros(400, dtype=np.int64)                                        # 1% positives
    y[rng.choice(400, size=4, replace=False)] = 1
    cases.append({"y_true": y, "scores": rng.normal(size=400) + 2.5 * y})
    return cases


def _ap_reference(case: Case) -> float:
    from sklearn.metrics import average_precision_score
    return float(average_precision_score(case["y_true"], case["scores"]))


def _compare_ap(actual: Any, expected: float, case: Case, name: str) -> None:
    value = _as_float(actual, name)
    y, s = case["y_true"], case["scores"]
    _judge(value, expected, name, lambda: {
        "walking the examples one at a time without grouping tied scores (every threshold is a distinct score: "
        "tied examples cross it together)": average_precision_variant(y, s, ties="split"),
        "the trapezoidal area under the precision–recall curve (average precision is the step sum "
        "Σ (R_n − R_{n−1}) P_n, which never interpolates linearly between points)":
            average_precision_variant(y, s, rule="trapezoid"),
        "the interpolated precision (the best precision at any higher recall, as in PASCAL VOC); scikit-learn's "
        "average precision uses the precision at each threshold itself": average_precision_variant(y, s, rule="interpolated"),
    }, rtol=1e-9, atol=1e-12)


register(Exercise(
    key="metrics.average_precision", function="average_precision",
    make_cases=_ap_cases,
    call=lambda function, case: function(case["y_true"], case["scores"]),
    reference=_ap_reference,
    describe=lambda case: (f"{len(case['y_true'])} examples, {int(np.sum(case['y_true']))} positive, "
                           f"{len(np.unique(case['scores']))} distinct scores"),
    compare=_compare_ap,
))


# ----------------------------------------------------------------------------- WAPE


def wape_variant(y_true: np.ndarray, y_pred: np.ndarray, *, form: str = "wape") -> float:
    y, f = np.asarray(y_true, float), np.asarray(y_pred, float)
    error = np.abs(y - f)
    if form == "signed":          # divided by Σ y instead of Σ |y|
        return float(error.sum() / y.sum())
    if form == "by_prediction":
        return float(error.sum() / np.abs(f).sum())
    if form == "mape":
        return float(np.mean(error / np.maximum(np.abs(y), EPS)))
    if form == "percent":
        return float(100 * error.sum() / np.abs(y).sum())
    return float(error.sum() / np.abs(y).sum())


def _wape_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, level, noise in ((30, 100.0, 10.0), (200, 5.0, 2.0), (12, 1e4, 3e3)):
        y = rng.gamma(2.0, level / 2, size=n)
        cases.append({"y_true": y, "y_pred": y + rng.normal(scale=noise, size=n)})
    y = np.round(rng.poisson(1.5, size=60).astype(float))          # counts with many zeros (intermittent demand)
    cases.append({"y_true": y, "y_pred": np.full(60, y.mean()) + rng.normal(scale=0.2, size=60)})
    y = rng.normal(size=40) * 3                                      # targets of both signs
    cases.append({"y_true": y, "y_pred": y + rng.normal(size=40)})
    cases.append({"y_true": np.array([0.0, 0.0, 4.0]), "y_pred": np.array([1.0, 0.0, 3.0])})
    cases.append({"y_true": np.array([2.5]), "y_pred": np.array([2.5])})        # one example, exact
    cases.append({"y_true": np.array([-2.0, 3.0, 1.0]), "y_pred": np.array([-1.0, 1.0, 1.0])})
    return cases


def _wape_reference(case: Case) -> float:
    from sklearn.metrics import mean_absolute_error
    y, f = case["y_true"], case["y_pred"]
    return float(mean_absolute_error(y, f) / mean_absolute_error(y, np.zeros_like(y)))


def _compare_wape(actual: Any, expected: float, case: Case, name: str) -> None:
    value = _as_float(actual, name)
    y, f = case["y_true"], case["y_pred"]
    _judge(value, expected, name, lambda: {
        "the MAPE, the mean of |y − ŷ| / |y| (WAPE divides the total absolute error by the total |y|: "
        "Σ|y − ŷ| / Σ|y|)": wape_variant(y, f, form="mape"),
        "dividing by Σ y instead of Σ |y| (negative targets cancel positive ones)": wape_variant(y, f, form="signed"),
        "dividing by the predictions' Σ |ŷ| (WAPE divides by the targets' Σ |y|)":
            wape_variant(y, f, form="by_prediction"),
        "multiplying by 100 (a percentage; return the fraction, as scikit-learn's percentage errors do)":
            wape_variant(y, f, form="percent"),
    }, rtol=1e-9, atol=1e-12)


register(Exercise(
    key="metrics.wape", function="wape",
    make_cases=_wape_cases,
    call=lambda function, case: function(case["y_true"], case["y_pred"]),
    reference=_wape_reference,
    describe=lambda case: (f"{len(case['y_true'])} targets"
                           + (f", {int(np.sum(case['y_true'] == 0))} of them 0" if np.any(case["y_true"] == 0) else "")
                           + (", some negative" if np.any(case["y_true"] < 0) else "")),
    compare=_compare_wape,
))


# ----------------------------------------------------------------------------- inertia


def inertia_variant(X: np.ndarray, centers: np.ndarray, *, squared: bool = True, mean: bool = False,
                    nearest: str = "nearest") -> float:
    X, C = np.asarray(X, float), np.asarray(centers, float)
    d2 = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
    if nearest == "farthest":
        chosen = d2.max(axis=1)
    elif nearest == "all":
        chosen = d2.sum(axis=1)
    else:
        chosen = d2.min(axis=1)
    chosen = chosen if squared else np.sqrt(chosen)
    return float(chosen.mean() if mean else chosen.sum())


def _inertia_cases(rng: np.random.Generator) -> list[Case]:
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits
    cases = []
    for n, d, k in ((60, 2, 3), (150, 4, 5), (40, 3, 2)):       # blobs; centres from a fitted KMeans
        truth = rng.normal(scale=4, size=(k, d))
        X = truth[rng.integers(k, size=n)] + rng.normal(size=(n, d))
        with threadpool_limits(1):      # tiny data: threads only cost time
            fitted = KMeans(n_clusters=k, n_init=1, random_state=int(rng.integers(1 << 30))).fit(X)
        cases.append({"X": X, "centers": fitted.cluster_centers_.copy()})
    X = rng.normal(size=(50, 2))
    cases.append({"X": X, "centers": rng.normal(scale=2, size=(4, 2))})            # arbitrary centres
    cases.append({"X": X[:20], "centers": X[:20].mean(axis=0, keepdims=True)})     # k = 1: the total SS
    cases.append({"X": rng.normal(size=(30, 3)), "centers": np.array([[0.0, 0, 0], [50, 50, 50]])})  # unused centre
    cases.append({"X": np.array([[1.0, 2.0]]), "centers": np.array([[0.0, 0.0], [1.0, 1.0]])})       # one point
    X = 1e4 + rng.normal(size=(40, 2))                                # far from the origin (cancellation)
    cases.append({"X": X, "centers": 1e4 + rng.normal(size=(3, 2))})
    X = rng.normal(size=(25, 5))
    cases.append({"X": X, "centers": X[rng.choice(25, size=25, replace=False)]})   # every point a centre: 0
    return cases


def _inertia_reference(case: Case) -> float:
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits
    C = np.asarray(case["centers"], float)
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")
        # Fitted on the centres themselves, one Lloyd step keeps every centre where it is (each is its own mean,
        # up to rounding: scikit-learn centres the data first): a KMeans whose cluster_centers_ are `centers`;
        # its score(X) is minus the inertia of X.
        model = KMeans(n_clusters=len(C), init=C, n_init=1, max_iter=1).fit(C)
    assert np.allclose(model.cluster_centers_, C, rtol=1e-12, atol=1e-12)
    return float(-model.score(case["X"]))


def _compare_inertia(actual: Any, expected: float, case: Case, name: str) -> None:
    value = _as_float(actual, name)
    X, C = case["X"], case["centers"]
    _judge(value, expected, name, lambda: {
        "the sum of plain (not squared) distances (inertia sums SQUARED Euclidean distances)":
            inertia_variant(X, C, squared=False),
        "the mean of the squared distances (inertia is their sum, so it grows with n)": inertia_variant(X, C, mean=True),
        "the squared distances to every centre summed (each point counts only its nearest centre)":
            inertia_variant(X, C, nearest="all"),
        "the farthest centre's squared distance (each point's nearest centre counts)":
            inertia_variant(X, C, nearest="farthest"),
    }, rtol=1e-6, atol=1e-8)


register(Exercise(
    key="metrics.inertia", function="inertia",
    make_cases=_inertia_cases,
    call=lambda function, case: function(case["X"], case["centers"]),
    reference=_inertia_reference,
    describe=lambda case: f"X with shape {case['X'].shape}, {len(case['centers'])} centres",
    compare=_compare_inertia,
))
