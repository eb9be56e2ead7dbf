"""Week 03 (supervised learning I): the graded functions, their randomized inputs and their library references.

References: scikit-learn (Ridge, LogisticRegression, DecisionTreeClassifier, sklearn.metrics) and torch autograd.
The expected values always come from those libraries; helpers such as ``_alternative_ridge_penalised_intercept``
and ``_newton_logistic`` only compute what a plausible mistake would return, to name the mistake in the message.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, Sequence

import numpy as np

from course.checks import CheckFailure, diagnose, expect_close, expected_values_concealed
from course.exercises import Case, Exercise, register

# Every `call` passes the case's arrays as they are: run_case gives it working copies and the grader checks
# that they come back unchanged (a .copy() here would hide a function that overwrites its input).


def _parts(actual: Any, names: Sequence[str], name: str) -> tuple:
    """Unpack a returned tuple such as (coef, intercept), or explain what was returned instead."""
    wanted = "(" + ", ".join(names) + ")"
    if not isinstance(actual, (tuple, list)):
        kind = "None" if actual is None else f"a {type(actual).__name__}"
        raise CheckFailure(f"{name} should be a tuple {wanted}; got {kind}"
                           + (": did the function forget to `return`?" if actual is None else "."))
    if len(actual) != len(names):
        raise CheckFailure(f"{name} should be a tuple of {len(names)} values {wanted}; got {len(actual)} values.")
    return tuple(actual)


def _close(actual: Any, expected: Any, rtol: float, atol: float) -> bool:
    return diagnose(actual, expected, rtol=rtol, atol=atol) is None


def _expect_well_formed(actual: Any, expected: Any, name: str) -> None:
    """Shape, dtype and NaN/inf diagnosis only, before a comparison that is not elementwise closeness."""
    expect_close(actual, expected, name=name, rtol=0.0, atol=1e300)


def _scalar(value: Any) -> float:
    """A learner's value as a float when it is a single number, else NaN (for hints only)."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return np.nan
    return float(array) if array.ndim == 0 else np.nan


def _float32_values(rng: np.random.Generator, size, scale: float = 1.0, loc: float = 0.0) -> np.ndarray:
    """Floats exactly representable in float32: scikit-learn's trees compute in float32."""
    return rng.normal(loc, scale, size=size).astype(np.float32).astype(np.float64)


# ----------------------------------------------------------------------------- ridge regression


def _ridge_case(rng: np.random.Generator, n: int, d: int, alpha: float) -> Case:
    X = rng.normal(loc=rng.uniform(-3, 3, size=d), scale=rng.uniform(0.5, 3.0, size=d), size=(n, d))
    w = rng.normal(scale=2.0, size=d)
    intercept = rng.choice([-1, 1]) * rng.uniform(5.0, 20.0)  # far from 0: a penalised intercept shows
    return {"X": X, "y": X @ w + intercept + rng.normal(scale=1.0, size=n), "alpha": float(alpha)}


def _ridge_closed_form(X: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc = X - x_mean
    coef = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ (y - y_mean))
    return coef, float(y_mean - x_mean @ coef)


def _alternative_ridge_penalised_intercept(case: Case) -> tuple[np.ndarray, float]:
    X = np.column_stack([case["X"], np.ones(len(case["y"]))])
    theta = np.linalg.solve(X.T @ X + case["alpha"] * np.eye(X.shape[1]), X.T @ case["y"])
    return theta[:-1], float(theta[-1])


def _ridge_reference(case: Case) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import Ridge
    model = Ridge(alpha=case["alpha"]).fit(case["X"], case["y"])
    return model.coef_.copy(), float(model.intercept_)


def _call_ridge(function: Callable, case: Case) -> Any:
    return function(case["X"], case["y"], case["alpha"])


def _compare_ridge(actual: Any, expected: Any, case: Case, name: str) -> None:
    coef, intercept = _parts(actual, ("coef", "intercept"), name)
    want_coef, want_intercept = expected
    rtol, atol = 1e-6, 1e-8
    if _close(coef, want_coef, rtol, atol) and _close(intercept, want_intercept, rtol, atol):
        return
    n, alpha = len(case["y"]), case["alpha"]
    if alpha > 0:
        penalised = _alternative_ridge_penalised_intercept(case)
        if _close(coef, penalised[0], 1e-5, 1e-7) and _close(intercept, penalised[1], 1e-5, 1e-7):
            raise CheckFailure(f"{name} penalises the intercept: it matches the ridge solution with a column of "
                               "ones inside alpha * ||w||². The intercept must stay unpenalised: centre X and y, "
                               "solve for coef, then intercept = mean(y) - mean(X, axis=0) @ coef.")
        for factor, words in ((n, "alpha * n"), (1.0 / n, "alpha / n")):
            scaled = _ridge_closed_form(case["X"], case["y"], alpha * factor)
            if _close(coef, scaled[0], 1e-5, 1e-7):
                raise CheckFailure(f"{name} matches ridge with penalty {words}: scikit-learn's Ridge minimises "
                                   "the *sum* of squared errors ||y - Xw - b||² + alpha ||w||², so alpha is "
                                   "added to the diagonal of Xcᵀ Xc as it is.")
    if _close(coef, want_coef, rtol, atol) and np.ndim(intercept) == 0 and intercept == 0 and want_intercept != 0:
        raise CheckFailure(f"{name} has the right coef but intercept 0: return intercept = mean(y) - mean(X) @ coef.")
    expect_close(coef, want_coef, name=f"coef (the first value returned by {name.removeprefix('the result of ')})",
                 rtol=rtol, atol=atol)
    expect_close(intercept, want_intercept, name="intercept (the second value returned)", rtol=rtol, atol=atol)


register(Exercise(
    key="week03.ridge_fit",
    function="ridge_fit",
    make_cases=lambda rng: [_ridge_case(rng, n, d, alpha) for n, d, alpha in
                            [(20, 1, 1.0), (50, 3, 0.1), (40, 5, 10.0), (15, 8, 2.0), (10, 20, 5.0),
                             (60, 4, 0.0), (30, 3, 1e4)]],
    call=_call_ridge,
    reference=_ridge_reference,
    describe=lambda case: f"X with shape {case['X'].shape}, alpha = {case['alpha']:g}",
    compare=_compare_ridge,
))


# ----------------------------------------------------------------------------- lasso by coordinate descent


def _lasso_case(rng: np.random.Generator, n: int, d: int, alpha_scale: float, active: int) -> Case:
    """A sparse truth (``active`` nonzero weights) and alpha as a share of the smallest alpha that zeroes every
    weight, alpha_max = max|X_cᵀ y_c| / n: from 0.02 (most weights kept) to 1.5 (all zero)."""
    X = rng.normal(loc=rng.uniform(-2, 2, size=d), scale=rng.uniform(0.5, 2.0, size=d), size=(n, d))
    w = np.zeros(d)
    w[rng.choice(d, size=active, replace=False)] = rng.choice([-1, 1], size=active) * rng.uniform(1.0, 4.0, active)
    y = X @ w + rng.choice([-1, 1]) * rng.uniform(5.0, 15.0) + rng.normal(scale=0.5, size=n)
    alpha_max = np.abs((X - X.mean(axis=0)).T @ (y - y.mean())).max() / n
    return {"X": X, "y": y, "alpha": float(alpha_scale * alpha_max)}


def _lasso_sklearn(X: np.ndarray, y: np.ndarray, alpha: float, fit_intercept: bool = True) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import Lasso
    with warnings.catch_warnings():   # alpha = 0 is allowed here and warns; the oracle never shows it
        warnings.simplefilter("ignore")
        model = Lasso(alpha=alpha, fit_intercept=fit_intercept, tol=1e-14, max_iter=200_000).fit(X, y)
    return model.coef_.copy(), float(model.intercept_)


def _compare_lasso(actual: Any, expected: Any, case: Case, name: str) -> None:
    coef, intercept = _parts(actual, ("coef", "intercept"), name)
    want_coef, want_intercept = expected
    rtol, atol = 1e-5, 1e-7
    if _close(coef, want_coef, rtol, atol) and _close(intercept, want_intercept, rtol, 1e-6):
        return
    X, y, alpha, n = case["X"], case["y"], case["alpha"], len(case["y"])
    if alpha > 0 and np.shape(coef) == np.shape(want_coef):
        for factor, words in ((1 / n, "½||y - Xw - b||² + alpha ||w||₁, without the 1/n: soft-threshold at "
                                      "alpha, not alpha · n, when the update divides by the column's squared "
                                      "norm; scikit-learn minimises (1/(2n)) ||y - Xw - b||² + alpha ||w||₁"),
                              (0.5, "(1/n) ||y - Xw - b||² + alpha ||w||₁, without the ½: scikit-learn's objective "
                                    "is (1/(2n)) ||y - Xw - b||² + alpha ||w||₁, so the threshold is alpha, not "
                                    "alpha / 2")):
            if _close(coef, _lasso_sklearn(X, y, alpha * factor)[0], 1e-4, 1e-6):
                raise CheckFailure(f"{name} minimises {words}.")
        if _close(coef, _lasso_sklearn(X, y, alpha, fit_intercept=False)[0], 1e-4, 1e-6):
            raise CheckFailure(f"{name} fits no intercept: centre X and y first (the intercept is not penalised), "
                               "then intercept = mean(y) - mean(X, axis=0) @ coef.")
    if _close(coef, want_coef, rtol, atol):
        expect_close(intercept, want_intercept, name="intercept (the second value returned)", rtol=rtol, atol=1e-6)
    zero_wanted, zero_got = np.asarray(want_coef) == 0, np.abs(np.asarray(coef, dtype=float)) < 1e-12
    if np.shape(coef) == np.shape(want_coef) and (zero_wanted & ~zero_got).any() and not (zero_got & ~zero_wanted).any():
        raise CheckFailure(f"{name} keeps weights that the lasso sets exactly to 0: the update must soft-threshold, "
                           "w_j = sign(rho_j) · max(|rho_j| - alpha, 0) / (x_jᵀ x_j / n), which gives exact zeros "
                           "(shrinking rho_j / (x_jᵀ x_j / n + alpha), as ridge does, never does).")
    expect_close(coef, want_coef, name=f"coef (the first value returned by {name.removeprefix('the result of ')})",
                 rtol=rtol, atol=atol)


register(Exercise(
    key="week03.lasso_cd",
    function="lasso_cd",
    make_cases=lambda rng: [_lasso_case(rng, *settings) for settings in
                            [(40, 3, 0.1, 2), (60, 6, 0.3, 2), (50, 10, 0.05, 3), (30, 5, 1.5, 2),
                             (80, 8, 0.6, 4), (25, 12, 0.2, 3), (100, 4, 0.02, 4)]],
    call=lambda function, case: function(case["X"], case["y"], case["alpha"]),
    reference=lambda case: _lasso_sklearn(case["X"], case["y"], case["alpha"]),
    describe=lambda case: (f"X with shape {case['X'].shape}, alpha = {case['alpha']:.3g}"
                           + (" (large enough to zero every weight)"
                              if case["alpha"] >= np.abs((case["X"] - case["X"].mean(axis=0)).T
                                                         @ (case["y"] - case["y"].mean())).max() / len(case["y"])
                              else "")),
    compare=_compare_lasso,
))


# ----------------------------------------------------------------------------- TF-IDF (the spam project)


def _tfidf_case(rng: np.random.Generator, n_train: int, n_test: int, vocabulary: int, empty_column: bool = False,
                empty_row: bool = False) -> Case:
    counts = rng.poisson(rng.uniform(0.05, 1.5, size=vocabulary), size=(n_train + n_test, vocabulary))
    counts[:, 0] = np.maximum(counts[:, 0], 1)          # a word in every document: idf = 1
    if empty_column:
        counts[:n_train, -1] = 0                        # a word no training document has
    if empty_row:
        counts[1] = 0                                   # a document with no known word
    # "counts" as the argument is named: the training documents, checked unchanged after the call;
    # "new_counts": the documents weighted with the training idf by a second call
    return {"counts": counts[:n_train].astype(float), "new_counts": counts[n_train:].astype(float)}


def _tfidf_reference(case: Case) -> tuple:
    from sklearn.feature_extraction.text import TfidfTransformer
    model = TfidfTransformer().fit(case["counts"])
    return (model.transform(case["counts"]).toarray(), model.idf_.copy(),
            model.transform(case["new_counts"]).toarray() if len(case["new_counts"]) else np.zeros((0, case["counts"].shape[1])))


def _call_tfidf(function: Callable, case: Case) -> Any:
    weights, idf = _parts(function(case["counts"]), ("weights", "idf"), "tfidf(counts)")
    test = function(case["new_counts"], idf) if len(case["new_counts"]) else (np.zeros((0, case["counts"].shape[1])), idf)
    return weights, idf, _parts(test, ("weights", "idf"), "tfidf(test_counts, idf)")[0]


def _idf_variants(train: np.ndarray) -> dict[str, np.ndarray]:
    n, df = len(train), (train > 0).sum(axis=0)
    with np.errstate(divide="ignore"):
        return {"without the smoothing (idf = ln(n / df) + 1, as if smooth_idf=False)": np.log(n / df) + 1,
                "without the + 1 (idf = ln((1 + n) / (1 + df)))": np.log((1 + n) / (1 + df)),
                "with the document frequency counted as the total count of the word, not the number of documents "
                "that contain it": np.log((1 + n) / (1 + train.sum(axis=0))) + 1}


def _compare_tfidf(actual: Any, expected: Any, case: Case, name: str) -> None:
    weights, idf, test = actual
    want_weights, want_idf, want_test = expected
    if not _close(idf, want_idf, 1e-9, 1e-12):
        for mistake, variant in _idf_variants(case["counts"]).items():
            if np.shape(idf) == variant.shape and np.allclose(idf, variant, equal_nan=True):
                raise CheckFailure(f"idf (the second value returned by tfidf(counts)) is computed {mistake}: "
                                   "TfidfTransformer uses idf = ln((1 + n) / (1 + df)) + 1, df = the number of "
                                   "documents that contain the word.")
        expect_close(idf, want_idf, name="idf (the second value returned by tfidf(counts))", rtol=1e-9, atol=1e-12)
    raw = np.asarray(case["counts"]) * want_idf
    row_l1 = raw / np.maximum(np.abs(raw).sum(axis=1, keepdims=True), 1e-300)
    column_l2 = raw / np.maximum(np.linalg.norm(raw, axis=0, keepdims=True), 1e-300)
    for variant, mistake in ((raw, "not normalised: divide each row by its Euclidean (L2) norm"),
                             (row_l1, "normalised by the L1 norm (the sum); TfidfTransformer divides each row by its "
                                      "Euclidean (L2) norm"),
                             (column_l2, "normalised per column (per word); each ROW (document) is divided by its "
                                         "Euclidean norm")):
        if np.shape(weights) == variant.shape and not np.allclose(variant, want_weights) and np.allclose(weights, variant):
            raise CheckFailure(f"the TF-IDF weights are {mistake}.")
    expect_close(weights, want_weights, name="the weights of the training documents", rtol=1e-9, atol=1e-12)
    expect_close(test, want_test, name="the weights of new documents given the training idf (tfidf(test, idf))",
                 rtol=1e-9, atol=1e-12)


register(Exercise(
    key="week03.tfidf",
    function="tfidf",
    make_cases=lambda rng: [_tfidf_case(rng, *settings) for settings in
                            [(6, 3, 4), (30, 10, 12, True), (50, 0, 20, False, True), (15, 15, 6, True, True),
                             (2, 2, 3)]],
    call=_call_tfidf,
    reference=_tfidf_reference,
    describe=lambda case: (f"counts of {len(case['counts'])} training documents over "
                           f"{case['counts'].shape[1]} words"
                           + (f", then {len(case['new_counts'])} new documents" if len(case["new_counts"]) else "")
                           + (", a word no training document has" if not case["counts"][:, -1].any() else "")
                           + (", a document with no known word" if not case["counts"].sum(axis=1).all() else "")),
    compare=_compare_tfidf,
    inputs=("counts",),
))


# ----------------------------------------------------------------------------- regression metrics

REGRESSION_KEYS = ("mse", "rmse", "mae", "r2", "mape")


def _regression_case(rng: np.random.Generator, n: int, kind: str) -> Case:
    y_true = rng.choice([-1.0, 1.0], size=n, p=[0.3, 0.7]) * rng.uniform(1.0, 10.0, size=n)
    if kind == "noisy":
        y_pred = y_true + rng.normal(scale=1.5, size=n)
    elif kind == "outlier":
        y_pred = y_true + rng.normal(scale=0.5, size=n)
        y_pred[rng.integers(n)] += 50.0
    elif kind == "perfect":
        y_pred = y_true.copy()
    elif kind == "worse_than_mean":  # R² < 0
        y_pred = -y_true + rng.normal(scale=0.5, size=n)
    else:  # "biased": every prediction 20 % too high
        y_pred = 1.2 * y_true
    return {"y_true": y_true, "y_pred": y_pred}


def _regression_reference(case: Case) -> dict:
    from sklearn import metrics
    y, p = case["y_true"], case["y_pred"]
    return {"mse": metrics.mean_squared_error(y, p), "rmse": metrics.root_mean_squared_error(y, p),
            "mae": metrics.mean_absolute_error(y, p), "r2": metrics.r2_score(y, p),
            "mape": metrics.mean_absolute_percentage_error(y, p)}


def _regression_hint(key: str, value: Any, expected: float, case: Case) -> str:
    y, p = case["y_true"], case["y_pred"]
    value = _scalar(value)
    if key == "mape":
        if np.isclose(value, 100 * expected) and expected != 0:
            return " It is 100 times the expected value: return a fraction (0.25 for 25 %), as scikit-learn does."
        if np.isclose(value, np.mean(np.abs(y - p) / y)):
            return " It divides by y itself: divide by |y|, or negative targets give negative percentages."
    if key == "rmse" and np.isclose(value, np.mean(np.sqrt(np.abs(y - p)))):
        return " It is the mean of square roots: take the square root of the MSE."
    if key == "r2" and np.isclose(value, 1 - np.sum((y - p) ** 2) / np.sum(y ** 2)):
        return " The total sum of squares must be taken around the mean of y_true: Σ(y - ȳ)²."
    return ""


def _compare_metric_dict(keys: Sequence[str], hint: Callable[[str, Any, float, Case], str],
                         rtol: float, atol: float) -> Callable[[Any, Any, Case, str], None]:
    """A dict with these keys, each entry a number close to the reference's."""
    def compare(actual: Any, expected: dict, case: Case, name: str) -> None:
        wanted = ", ".join(repr(k) for k in keys)
        if not isinstance(actual, dict):
            raise CheckFailure(f"{name} should be a dict with the keys {wanted}; got "
                               f"{'None' if actual is None else 'a ' + type(actual).__name__}.")
        missing = [k for k in keys if k not in actual]
        if missing:
            raise CheckFailure(f"{name} has no key {missing[0]!r}; it should have the keys {wanted}.")
        for key in keys:
            problem = diagnose(actual[key], expected[key], rtol=rtol, atol=atol, what=f"{name}[{key!r}]")
            if problem:
                raise CheckFailure(problem + hint(key, actual[key], expected[key], case))
    return compare


def _call_on_pair(first: str, second: str) -> Callable[[Callable, Case], Any]:
    def call(function: Callable, case: Case) -> Any:
        return function(case[first], case[second])
    return call


register(Exercise(
    key="week03.regression_metrics",
    function="regression_metrics",
    make_cases=lambda rng: [_regression_case(rng, n, kind) for n, kind in
                            [(10, "noisy"), (50, "outlier"), (8, "perfect"), (30, "worse_than_mean"),
                             (25, "biased"), (2, "noisy"), (200, "noisy")]],
    call=_call_on_pair("y_true", "y_pred"),
    reference=_regression_reference,
    describe=lambda case: f"{len(case['y_true'])} targets",
    compare=_compare_metric_dict(REGRESSION_KEYS, _regression_hint, rtol=1e-9, atol=1e-12),
))


# ----------------------------------------------------------------------------- logistic loss and gradient


def _logistic_loss_case(rng: np.random.Generator, n: int, d: int, scale: float) -> Case:
    X = rng.normal(size=(n, d))
    w = rng.normal(scale=scale, size=d)
    b = float(rng.normal(scale=scale))
    z = X @ w + b
    y = (rng.random(n) < 1 / (1 + np.exp(-np.clip(z, -30, 30)))).astype(float)
    flip = rng.random(n) < 0.2  # some confident mistakes: log(sigmoid(z)) for z of hundreds must not give -inf
    y[flip] = 1 - y[flip]
    return {"w": w, "b": b, "X": X, "y": y}


def _logistic_loss_cases(rng: np.random.Generator) -> list[Case]:
    cases = [_logistic_loss_case(rng, n, d, scale) for n, d, scale in
             [(10, 1, 1.0), (50, 3, 1.0), (100, 5, 0.5), (1, 2, 1.0), (40, 3, 300.0)]]
    zero = _logistic_loss_case(rng, 20, 4, 1.0)
    zero["w"], zero["b"] = np.zeros(4), 0.0  # every p = 0.5: the loss is log 2
    return cases + [zero]


def _torch_logistic_reference(case: Case) -> tuple[float, np.ndarray, float]:
    import torch  # imported here only: the trusted side pays for it, the learner's code never needs it
    X, y = torch.tensor(case["X"]), torch.tensor(case["y"])
    w = torch.tensor(case["w"], requires_grad=True)
    b = torch.tensor(case["b"], dtype=torch.float64, requires_grad=True)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(X @ w + b, y)
    loss.backward()
    return float(loss.detach()), w.grad.numpy().copy(), float(b.grad)


def _call_logistic_loss(function: Callable, case: Case) -> Any:
    return function(case["w"], case["b"], case["X"], case["y"])


def _compare_logistic_loss(actual: Any, expected: Any, case: Case, name: str) -> None:
    loss, grad_w, grad_b = _parts(actual, ("loss", "grad_w", "grad_b"), name)
    want_loss, want_w, want_b = expected
    n = len(case["y"])
    problem = diagnose(loss, want_loss, rtol=1e-9, atol=1e-12, what="the loss (first value returned)")
    if problem:
        if n > 1 and np.isclose(_scalar(loss), n * want_loss):
            problem += f" It is n = {n} times the expected value: return the mean over the examples, not the sum."
        elif np.abs(case["X"] @ case["w"] + case["b"]).max() > 100:
            problem += (" Some logits here are in the hundreds: log(sigmoid(z)) underflows to log(0) = -inf, "
                        "and clipping p away from 0 and 1 changes the value; compute -log(sigmoid(z)) = "
                        "log(1 + e^(-z)) as np.logaddexp(0, -z), and -log(1 - sigmoid(z)) as np.logaddexp(0, z).")
        raise CheckFailure(problem)
    for value, want, what in ((grad_w, want_w, "grad_w (the second value returned)"),
                              (grad_b, want_b, "grad_b (the third value returned)")):
        problem = diagnose(value, want, rtol=1e-7, atol=1e-10, what=what)
        if problem and n > 1 and _close(value, n * np.asarray(want), 1e-7, 1e-10):
            problem = (f"{what} is n = {n} times the expected value: the loss is a mean over the examples, "
                       "so its gradient is divided by n too.")
        if problem:
            raise CheckFailure(problem)


register(Exercise(
    key="week03.logistic_loss_and_grad",
    function="logistic_loss_and_grad",
    make_cases=_logistic_loss_cases,
    call=_call_logistic_loss,
    inputs=("w", "X", "y"),      # b is a float: nothing to change in place
    reference=_torch_logistic_reference,
    describe=lambda case: (f"X with shape {case['X'].shape}"
                           + (", logits in the hundreds" if np.abs(case["X"] @ case["w"]).max() > 100 else "")
                           + (", w = 0 and b = 0" if not np.any(case["w"]) else "")),
    compare=_compare_logistic_loss,
))


# ----------------------------------------------------------------------------- fitting logistic regression


def _logistic_objective(X: np.ndarray, y: np.ndarray, C: float, w: np.ndarray, b: float) -> float:
    z = X @ w + b
    return float(0.5 * w @ w + C * np.sum(np.logaddexp(0.0, z) - y * z))


def _newton_logistic(X: np.ndarray, y: np.ndarray, C: float, penalise_intercept: bool = False) -> np.ndarray:
    """Minimise ½‖w‖² (+ ½b² if asked) + C Σ log-loss by damped Newton: only to name learners' mistakes."""
    A = np.column_stack([X, np.ones(len(y))])
    penalty = np.r_[np.ones(X.shape[1]), 1.0 if penalise_intercept else 0.0]

    def objective(theta):
        z = A @ theta
        return 0.5 * penalty @ theta**2 + C * np.sum(np.logaddexp(0.0, z) - y * z)

    theta = np.zeros(A.shape[1])
    for _ in range(100):
        p = np.exp(-np.logaddexp(0.0, -(A @ theta)))
        gradient = penalty * theta + C * A.T @ (p - y)
        step = np.linalg.solve(np.diag(penalty) + C * (A.T * (p * (1 - p))) @ A, gradient)
        t, before = 1.0, objective(theta)
        while objective(theta - t * step) > before - 1e-4 * t * gradient @ step and t > 1e-12:
            t /= 2
        theta = theta - t * step
        if np.abs(gradient).max() < 1e-12 * max(1.0, C * len(y)):
            break
    return theta


def _logistic_fit_case(rng: np.random.Generator, n: int, d: int, C: float) -> Case:
    X = rng.normal(loc=rng.uniform(-1, 1, size=d), scale=rng.uniform(0.5, 2.0, size=d), size=(n, d))
    w = rng.normal(scale=1.5, size=d)
    b = rng.choice([-1, 1]) * rng.uniform(1.0, 2.5)  # a clear intercept: penalising it shows
    z = X @ w + b
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
    if y.min() == y.max():  # both classes must occur
        y[:2] = [0.0, 1.0]
    return {"X": X, "y": y, "C": float(C)}


def _logistic_fit_reference(case: Case) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(C=case["C"], tol=1e-12, max_iter=100_000).fit(case["X"], case["y"])
    return model.coef_[0].copy(), float(model.intercept_[0])


def _call_logistic_fit(function: Callable, case: Case) -> Any:
    return function(case["X"], case["y"], case["C"])


def _compare_logistic_fit(actual: Any, expected: Any, case: Case, name: str) -> None:
    w, b = _parts(actual, ("w", "b"), name)
    want_w, want_b = expected
    rtol, atol = 1e-4, 1e-5
    _expect_well_formed(w, want_w, "w (the first value returned)")
    _expect_well_formed(b, want_b, "b (the second value returned)")
    if _close(w, want_w, rtol, atol) and _close(b, want_b, rtol, atol):
        return
    X, y, C, n = case["X"], case["y"], case["C"], len(case["y"])
    w, b = np.asarray(w, dtype=float), float(np.asarray(b, dtype=float))
    for theta, words in ((_newton_logistic(X, y, C, penalise_intercept=True), "penalises the intercept b "
                          "(only ½‖w‖² is penalised; b is free)"),
                         (_newton_logistic(X, y, C / n), "multiplies the *mean* log loss by C; scikit-learn's "
                          "objective multiplies the *sum* by C"),
                         (_newton_logistic(X, y, 1.0 / C), "uses C as the penalty strength; C is its inverse: "
                          "½‖w‖² + C Σ log-loss")):
        if _close(w, theta[:-1], 1e-3, 1e-4) and _close(b, theta[-1], 1e-3, 1e-4):
            raise CheckFailure(f"{name} minimises a different objective: it {words}.")
    yours, best = _logistic_objective(X, y, C, w, b), _logistic_objective(X, y, C, want_w, want_b)
    z = X @ w + b
    p = np.exp(-np.logaddexp(0.0, -z))
    gradient = np.r_[w + C * X.T @ (p - y), C * np.sum(p - y)]
    if expected_values_concealed():  # a hidden test: nothing computed from the reference's (w, b)
        at_minimum, differences = "is higher than at the minimum", ""
    else:
        at_minimum = f"and {best:.8g} at the minimum"
        differences = f" Largest difference in w: {np.abs(w - want_w).max():.2g}; in b: {abs(b - want_b):.2g}."
    raise CheckFailure(
        f"{name} is not the minimiser of ½‖w‖² + C Σ log-loss (compared with LogisticRegression(C={C:g})): "
        f"the objective is {yours:.8g} at your (w, b) {at_minimum}, and its gradient at your (w, b) has norm "
        f"{np.linalg.norm(gradient):.2g} instead of about 0. Not converged yet (more iterations, or Newton's "
        f"method), or a different objective?{differences}")


register(Exercise(
    key="week03.logistic_fit",
    function="logistic_fit",
    make_cases=lambda rng: [_logistic_fit_case(rng, n, d, C) for n, d, C in
                            [(30, 1, 1.0), (60, 2, 0.1), (150, 4, 5.0), (300, 6, 1.0), (40, 3, 20.0),
                             (100, 2, 0.01)]],
    call=_call_logistic_fit,
    reference=_logistic_fit_reference,
    describe=lambda case: f"X with shape {case['X'].shape}, C = {case['C']:g}",
    compare=_compare_logistic_fit,
))


# ----------------------------------------------------------------------------- best split of a decision tree


def _impurity(counts: np.ndarray, criterion: str) -> np.ndarray:
    """Gini or entropy (bits) of class counts along the last axis."""
    totals = counts.sum(axis=-1, keepdims=True)
    p = counts / np.maximum(totals, 1)
    if criterion == "gini":
        return 1.0 - np.sum(p**2, axis=-1)
    return -np.sum(np.where(p > 0, p * np.log2(np.where(p > 0, p, 1.0)), 0.0), axis=-1)


def _children_impurity(X: np.ndarray, y: np.ndarray, feature: int, threshold: float, criterion: str) -> float:
    """Impurity of the two children, weighted by their sizes (smaller is better)."""
    classes = np.unique(y)
    left = X[:, feature] <= threshold
    counts = np.array([[np.sum(y[side] == c) for c in classes] for side in (left, ~left)], dtype=float)
    return float(counts.sum(axis=1) @ _impurity(counts, criterion) / len(y))


def _brute_force_split(X: np.ndarray, y: np.ndarray, criterion: str) -> tuple[int, float]:
    """The first best (feature, midpoint), trying them all at once per feature: only to build cases."""
    one_hot = (y[:, None] == np.unique(y)[None, :]).astype(float)
    best = (np.inf, -1, np.nan)
    for j in range(X.shape[1]):
        values = np.unique(X[:, j])
        thresholds = (values[:-1] + values[1:]) / 2
        left = (X[:, j][None, :] <= thresholds[:, None]).astype(float) @ one_hot     # (T, K) class counts
        right = one_hot.sum(axis=0) - left
        scores = (left.sum(1) * _impurity(left, criterion) + right.sum(1) * _impurity(right, criterion)) / len(y)
        if len(scores) and scores.min() < best[0]:
            best = (scores.min(), j, thresholds[int(np.argmin(scores))])
    return best[1], float(best[2])


def _best_split_case(rng: np.random.Generator, n: int, d: int, k: int, criterion: str, kind: str) -> Case:
    while True:
        X = np.round(rng.uniform(0, 6, size=(n, d))) if kind == "integers" else _float32_values(rng, (n, d), 2.0)
        signal = X[:, rng.integers(d)] + 0.8 * _float32_values(rng, n)
        y = np.digitize(signal, np.quantile(signal, np.linspace(0, 1, k + 1)[1:-1]))
        if kind == "constant":
            X[:, 0] = 1.5
        case = {"X": X, "y": y.astype(np.int64), "criterion": criterion}
        if len(np.unique(y)) < 2:
            continue
        if kind == "gini_differs":  # a case where Gini's best split is worse than the best by entropy
            by_gini = _brute_force_split(X, y, "gini")
            by_entropy = _brute_force_split(X, y, "entropy")
            if (_children_impurity(X, y, *by_gini, "entropy")
                    <= _children_impurity(X, y, *by_entropy, "entropy") + 1e-9):
                continue
        return case


def _sklearn_stump(case: Case) -> tuple[int, float]:
    """(feature, threshold) of the root split of scikit-learn's depth-1 tree."""
    from sklearn.tree import DecisionTreeClassifier
    tree = DecisionTreeClassifier(max_depth=1, criterion=case["criterion"], random_state=0)
    tree = tree.fit(case["X"], case["y"]).tree_
    return int(tree.feature[0]), float(tree.threshold[0])


def _best_split_cases(rng: np.random.Generator) -> list[Case]:
    return [_best_split_case(rng, n, d, k, criterion, kind) for n, d, k, criterion, kind in
            [(12, 2, 2, "gini", "floats"), (40, 3, 2, "entropy", "floats"), (60, 4, 3, "gini", "integers"),
             (30, 3, 2, "gini", "constant"), (80, 2, 2, "entropy", "gini_differs"),
             (100, 5, 3, "entropy", "floats"), (50, 3, 2, "entropy", "integers")]]


def _call_best_split(function: Callable, case: Case) -> Any:
    return function(case["X"], case["y"], case["criterion"])


def _compare_best_split(actual: Any, expected: Any, case: Case, name: str) -> None:
    feature, threshold = _parts(actual, ("feature", "threshold"), name)
    X, y, criterion = case["X"], case["y"], case["criterion"]
    want_feature, want_threshold = expected
    if isinstance(feature, (bool, np.bool_)) or not isinstance(feature, (int, np.integer)):
        raise CheckFailure(f"the feature returned by {name.removeprefix('the result of ')} should be an int "
                           f"(a column index); got {feature!r}.")
    if not 0 <= feature < X.shape[1]:
        raise CheckFailure(f"the feature index {feature} is out of range: X has {X.shape[1]} columns.")
    _expect_well_formed(threshold, want_threshold, "the threshold (the second value returned)")
    threshold = float(np.asarray(threshold, dtype=float))
    if feature == want_feature and threshold == want_threshold:
        return
    values = np.unique(X[:, feature])
    midpoints = (values[:-1] + values[1:]) / 2
    if len(values) == 1:
        raise CheckFailure(f"feature {feature} takes the single value {values[0]:g} here: it cannot be split "
                           "(skip features whose values are all equal).")
    if not np.any(np.isclose(threshold, midpoints, rtol=1e-12, atol=0)):
        if np.any(threshold == values):
            raise CheckFailure(f"the threshold {threshold:g} for feature {feature} is one of the data values: "
                               "use the midpoint between two consecutive distinct sorted values, as scikit-learn "
                               "does (examples with x <= threshold go left).")
        raise CheckFailure(f"the threshold {threshold:g} is not a midpoint between two consecutive distinct "
                           f"values of feature {feature} (sorted unique values: np.unique(X[:, {feature}])).")
    yours = _children_impurity(X, y, feature, threshold, criterion)
    best = _children_impurity(X, y, want_feature, want_threshold, criterion)
    if yours <= best + 1e-12:  # an equally good split: ties are allowed
        return
    better = ("another split gets a lower one" if expected_values_concealed() else
              f"(feature {want_feature}, threshold {want_threshold:g}) gets {best:.6g}")
    raise CheckFailure(f"the split (feature {feature}, threshold {threshold:g}) is not the best one: its children "
                       f"have a weighted {criterion} impurity of {yours:.6g}, but {better}. Weight each child's "
                       f"impurity by its share of the examples, use the criterion asked for ({criterion!r}), and "
                       "try every feature.")


register(Exercise(
    key="week03.best_split",
    function="best_split",
    make_cases=_best_split_cases,
    call=_call_best_split,
    reference=_sklearn_stump,
    describe=lambda case: (f"X with shape {case['X'].shape}, {len(np.unique(case['y']))} classes, "
                           f"criterion={case['criterion']!r}"
                           + (", a constant column 0" if np.ptp(case["X"][:, 0]) == 0 else "")
                           + (", repeated values" if len(np.unique(case["X"])) < case["X"].size / 2 else "")),
    compare=_compare_best_split,
))


# ----------------------------------------------------------------------------- classification metrics

CLASSIFICATION_KEYS = ("accuracy", "precision", "recall", "f1")


def _classification_case(rng: np.random.Generator, n: int, kind: str) -> Case:
    y_true = (rng.random(n) < (0.1 if kind == "imbalanced" else 0.5)).astype(np.int64)
    y_true[rng.integers(n)] = 1
    if kind == "never_predicts_positive":
        y_pred = np.zeros(n, dtype=np.int64)
    elif kind == "no_true_positive_labels":
        y_true[:] = 0
        y_pred = (rng.random(n) < 0.3).astype(np.int64)
        y_pred[0] = 1
    elif kind == "perfect":
        y_pred = y_true.copy()
    else:
        flip = rng.random(n) < rng.uniform(0.1, 0.4)
        y_pred = np.where(flip, 1 - y_true, y_true)
        if kind == "imbalanced":
            y_pred[rng.random(n) < 0.1] = 1  # many false positives: precision and recall differ a lot
    return {"y_true": y_true, "y_pred": y_pred}


def _classification_reference(case: Case) -> dict:
    from sklearn import metrics
    y, p = case["y_true"], case["y_pred"]
    return {"accuracy": metrics.accuracy_score(y, p),
            "precision": metrics.precision_score(y, p, zero_division=0),
            "recall": metrics.recall_score(y, p, zero_division=0),
            "f1": metrics.f1_score(y, p, zero_division=0)}


def _classification_hint(key: str, value: Any, expected: float, case: Case) -> str:
    y, p = case["y_true"], case["y_pred"]
    tp, fp, fn = np.sum((y == 1) & (p == 1)), np.sum((y == 0) & (p == 1)), np.sum((y == 1) & (p == 0))
    value = _scalar(value)
    if key == "precision" and tp + fp == 0:
        return (" Nothing is predicted positive here (TP + FP = 0): by scikit-learn's zero_division=0 convention "
                "precision is 0.")
    if key == "recall" and tp + fn == 0:
        return " There are no positive labels here (TP + FN = 0): by the zero_division=0 convention recall is 0."
    if key == "f1" and tp == 0:
        return " With TP = 0 precision and recall are both 0, and F1 is 0 (not 0/0)."
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    swapped = {"precision": recall, "recall": precision}
    if key in swapped and np.isclose(value, swapped[key]):
        return " It equals the other one of precision/recall: precision = TP/(TP+FP), recall = TP/(TP+FN)."
    if key == "f1" and np.isclose(value, (precision + recall) / 2):
        return " It is the arithmetic mean of precision and recall; F1 is their harmonic mean 2PR/(P + R)."
    return ""


register(Exercise(
    key="week03.classification_metrics",
    function="classification_metrics",
    make_cases=lambda rng: [_classification_case(rng, n, kind) for n, kind in
                            [(20, "noisy"), (200, "imbalanced"), (15, "never_predicts_positive"),
                             (12, "no_true_positive_labels"), (10, "perfect"), (100, "noisy"), (1, "perfect")]],
    call=_call_on_pair("y_true", "y_pred"),
    reference=_classification_reference,
    describe=lambda case: (f"{len(case['y_true'])} labels, {int(case['y_true'].sum())} positive, "
                           f"{int(case['y_pred'].sum())} predicted positive"),
    compare=_compare_metric_dict(CLASSIFICATION_KEYS, _classification_hint, rtol=1e-12, atol=1e-12),
))


# ----------------------------------------------------------------------------- ROC-AUC


def _roc_case(rng: np.random.Generator, n: int, kind: str) -> Case:
    y_true = (rng.random(n) < (0.05 if kind == "imbalanced" else 0.5)).astype(np.int64)
    y_true[:2] = [0, 1]
    rng.shuffle(y_true)
    scores = rng.normal(size=n) + 1.2 * y_true
    if kind == "ties":
        scores = np.round(scores)  # a handful of distinct scores: many ties across the classes
    elif kind == "perfect":
        scores = y_true + rng.uniform(0.0, 0.9, size=n)
    elif kind == "reversed":
        scores = -(y_true + rng.uniform(0.0, 0.9, size=n))
    elif kind == "constant":
        scores = np.full(n, 0.7)
    return {"y_true": y_true, "scores": scores}


def _roc_reference(case: Case) -> float:
    from sklearn.metrics import roc_auc_score
    return float(roc_auc_score(case["y_true"], case["scores"]))


def _strict_auc(case: Case) -> float:
    """Counts only pairs where the positive scores strictly higher: ignores ties."""
    y, s = case["y_true"], case["scores"]
    return float(np.mean(s[y == 1][:, None] > s[y == 0][None, :]))


def _compare_roc(actual: Any, expected: float, case: Case, name: str) -> None:
    problem = diagnose(actual, expected, rtol=1e-10, atol=1e-12, what=name)
    if not problem:
        return
    value = _scalar(actual)
    if np.isclose(value, 1 - expected) and not np.isclose(expected, 0.5):
        problem += " It equals 1 − AUC: a higher score must mean 'more likely positive'; is the order reversed?"
    elif np.isclose(value, _strict_auc(case)):
        problem += (" There are ties between positive and negative scores here: a tied pair counts ½ (on the ROC "
                    "curve, tied scores form one diagonal step).")
    raise CheckFailure(problem)


register(Exercise(
    key="week03.roc_auc",
    function="roc_auc",
    make_cases=lambda rng: [_roc_case(rng, n, kind) for n, kind in
                            [(20, "normal"), (100, "ties"), (200, "imbalanced"), (15, "perfect"), (15, "reversed"),
                             (10, "constant"), (2, "normal"), (60, "ties")]],
    call=_call_on_pair("y_true", "scores"),
    reference=_roc_reference,
    describe=lambda case: (f"{len(case['y_true'])} scores, {int(case['y_true'].sum())} positive"
                           + (", tied scores" if len(np.unique(case["scores"])) < len(case["scores"]) else "")),
    compare=_compare_roc,
))


# ----------------------------------------------------------------------------- softmax regression


def _softmax(Z: np.ndarray) -> np.ndarray:
    Z = Z - Z.max(axis=1, keepdims=True)
    P = np.exp(Z)
    return P / P.sum(axis=1, keepdims=True)


def _softmax_case(rng: np.random.Generator, n: int, d: int, K: int, alpha: float) -> Case:
    X = rng.normal(loc=rng.uniform(-0.5, 0.5, size=d), scale=rng.uniform(0.7, 1.5, size=d), size=(n, d))
    P = _softmax(X @ rng.normal(scale=1.0, size=(d, K)) + rng.normal(scale=0.5, size=K))
    y = (P.cumsum(axis=1) < rng.random((n, 1))).sum(axis=1).astype(np.int64)
    each = max(1, n // (2 * K))
    y[:each * K] = np.repeat(np.arange(K), each)  # every class has a share >= 1/(2K) (X's rows are i.i.d.)
    A = np.column_stack([X, np.ones(n)])
    smoothness = 0.5 * np.linalg.eigvalsh(A.T @ A / n).max() + alpha  # bounds the Hessian: lr = 1/L is safe
    lr = float(np.floor(100 / smoothness) / 100)
    # The unpenalised intercepts curve only as much as the rarest class is common: bound the convexity by both.
    convexity = min(alpha, 0.25 * np.bincount(y, minlength=K).min() / n)
    n_steps = int(np.ceil(30 * np.log(10) / (lr * convexity)))
    return {"X": X, "y": y, "n_classes": K, "alpha": float(alpha), "lr": lr, "n_steps": n_steps}


def _softmax_reference(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """LogisticRegression's multinomial fit at C = 1/(alpha n): C Σ CE + ½‖W‖² is n C (mean CE + alpha/2 ‖W‖²)."""
    from sklearn.linear_model import LogisticRegression
    X, y = case["X"], case["y"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(C=1.0 / (case["alpha"] * len(y)), tol=1e-14, max_iter=100_000).fit(X, y)
    return model.coef_.T.copy(), model.intercept_ - model.intercept_.mean()


def _softmax_descent(case: Case, penalise_b: bool = False, penalty_factor: float = 1.0,
                     mean: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """What a plausible mistake returns (gradient descent on a different objective): only to name it."""
    X, y, K = case["X"], case["y"], case["n_classes"]
    n, alpha, lr = len(y), case["alpha"], case["lr"]
    Y = np.eye(K)[y]
    W, b = np.zeros((X.shape[1], K)), np.zeros(K)
    with np.errstate(all="ignore"):
        for _ in range(case["n_steps"]):
            G = (_softmax(X @ W + b) - Y) / (n if mean else 1)
            W = W - lr * (X.T @ G + penalty_factor * alpha * W)
            b = b - lr * (G.sum(axis=0) + (penalty_factor * alpha * b if penalise_b else 0))
    return W, b


def _call_softmax(function: Callable, case: Case) -> Any:
    return function(case["X"], case["y"], case["n_classes"], case["alpha"], case["lr"], case["n_steps"])


def _compare_softmax(actual: Any, expected: Any, case: Case, name: str) -> None:
    W, b = _parts(actual, ("W", "b"), name)
    want_W, want_b = expected
    try:
        _expect_well_formed(W, want_W, "W (the first value returned)")
        _expect_well_formed(b, want_b, "b (the second value returned)")
    except CheckFailure as failure:
        if all(np.shape(v) == np.shape(e) for v, e in ((W, want_W), (b, want_b))):
            raise CheckFailure(f"{failure} Gradient descent diverged or the softmax overflowed: subtract each "
                               "row's largest score before np.exp, and divide the gradient by n (the objective "
                               "is the *mean* cross-entropy).") from None
        raise
    W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    rtol, atol = 1e-4, 1e-5
    probabilities = _softmax(case["X"] @ W + b)
    want_probabilities = _softmax(case["X"] @ want_W + want_b)
    if (_close(W, want_W, rtol, atol) and _close(b - b.mean(), want_b, rtol, atol)
            and _close(probabilities, want_probabilities, rtol, atol)):
        return
    for alternative, words in (((True, 1.0, True), "penalises the intercepts b (only (alpha/2)‖W‖² is penalised)"),
                               ((False, 2.0, True), "uses the penalty alpha‖W‖², whose gradient is 2·alpha·W; the "
                                "objective's penalty is (alpha/2)‖W‖², gradient alpha·W"),
                               ((False, 1.0, False), "sums the cross-entropy over the examples instead of taking "
                                "its mean: divide the gradient X.T @ (P − Y) by n")):
        alt_W, alt_b = _softmax_descent(case, *alternative)
        if np.all(np.isfinite(alt_W)) and _close(W, alt_W, 1e-3, 1e-4) and _close(b, alt_b, 1e-3, 1e-4):
            raise CheckFailure(f"{name} minimises a different objective: it {words}.")
    problem = diagnose(probabilities, want_probabilities, rtol=rtol, atol=atol,
                       what="the class probabilities softmax(X @ W + b) of your (W, b)")
    if problem is None:
        problem = diagnose(W, want_W, rtol=rtol, atol=atol, what="W (the first value returned)")
    if problem is None:
        problem = diagnose(b - b.mean(), want_b, rtol=rtol, atol=atol, what="b minus its mean")
    raise CheckFailure((problem or f"{name} does not match LogisticRegression's multinomial fit.")
                       + " Compared with LogisticRegression(C = 1/(alpha·n)) after n_steps steps of full-batch "
                       "gradient descent from W = 0, b = 0 (b compared after subtracting its mean).")


register(Exercise(
    key="week03.softmax_regression",
    function="softmax_regression",
    make_cases=lambda rng: [_softmax_case(rng, n, d, K, alpha) for n, d, K, alpha in
                            [(60, 2, 3, 0.1), (150, 4, 4, 0.05), (120, 3, 5, 0.08), (40, 1, 3, 0.5),
                             (12, 2, 3, 0.3)]],
    call=_call_softmax,
    reference=_softmax_reference,
    describe=lambda case: (f"X with shape {case['X'].shape}, {case['n_classes']} classes, alpha = {case['alpha']:g}, "
                           f"lr = {case['lr']:g}, n_steps = {case['n_steps']}"),
    compare=_compare_softmax,
))


# ----------------------------------------------------------------------------- averaged multiclass scores

AVERAGES = ("macro", "micro", "weighted")


def _per_class_counts(y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[int]) -> tuple:
    labels = np.asarray(labels)
    tp = np.array([np.sum((y_true == c) & (y_pred == c)) for c in labels], dtype=float)
    predicted = np.array([np.sum(y_pred == c) for c in labels], dtype=float)
    support = np.array([np.sum(y_true == c) for c in labels], dtype=float)
    return tp, predicted, support


def _ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    return np.divide(top, bottom, out=np.zeros_like(top, dtype=float), where=bottom > 0)


def _multiclass_case(rng: np.random.Generator, n: int, K: int, kind: str) -> Case:
    labels = rng.permutation(K) if kind != "sparse_labels" else np.sort(rng.choice(20, size=K, replace=False))
    weights = rng.dirichlet(np.full(K, 2.0))
    y_true = labels[rng.choice(K, size=n, p=weights)]
    y_pred = np.where(rng.random(n) < rng.uniform(0.2, 0.5), labels[rng.integers(K, size=n)], y_true)
    if kind == "never_predicted":  # one class is never predicted: its precision is 0/0
        y_pred = np.where(y_pred == labels[0], labels[1], y_pred)
    elif kind == "absent_from_truth":  # one class never occurs in y_true but is predicted: recall 0/0
        y_true = np.where(y_true == labels[0], labels[1], y_true)
        y_pred[:2] = labels[0]
    elif kind == "unused_label":  # a label in `labels` that occurs nowhere
        y_true = np.where(y_true == labels[0], labels[1], y_true)
        y_pred = np.where(y_pred == labels[0], labels[1], y_pred)
    return {"y_true": y_true.astype(np.int64), "y_pred": y_pred.astype(np.int64),
            "labels": [int(c) for c in labels]}


def _averaged_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, K, kind in [(30, 3, "noisy"), (200, 5, "noisy"), (40, 4, "never_predicted"), (25, 3, "absent_from_truth"),
                       (20, 4, "unused_label"), (60, 4, "sparse_labels"), (1, 2, "noisy")]:
        case = _multiclass_case(rng, n, K, kind)
        for average in AVERAGES:  # every average on every kind of data
            cases.append({**case, "average": average})
    return cases


def _averaged_reference(case: Case) -> tuple[float, float, float]:
    from sklearn.metrics import precision_recall_fscore_support
    p, r, f, _ = precision_recall_fscore_support(case["y_true"], case["y_pred"], labels=case["labels"],
                                                 average=case["average"], zero_division=0)
    return float(p), float(r), float(f)


def _averaged_alternatives(case: Case) -> list[tuple[tuple[float, float, float], str]]:
    """What plausible mistakes return, with the words that name each."""
    tp, predicted, support = _per_class_counts(case["y_true"], case["y_pred"], case["labels"])
    precision, recall = _ratio(tp, predicted), _ratio(tp, support)
    f1 = _ratio(2 * tp, predicted + support)
    macro = (precision.mean(), recall.mean(), f1.mean())
    micro_p, micro_r = _ratio(tp.sum(), predicted.sum()), _ratio(tp.sum(), support.sum())
    micro = (float(micro_p), float(micro_r), float(_ratio(2 * tp.sum(), predicted.sum() + support.sum())))
    by_predicted = tuple(float(_ratio((v * predicted).sum(), predicted.sum())) for v in (precision, recall, f1))
    harmonic = 2 * macro[0] * macro[1] / (macro[0] + macro[1]) if macro[0] + macro[1] > 0 else 0.0
    average = case["average"]
    return [(micro if average != "micro" else macro,
             f"it is the {'micro' if average != 'micro' else 'macro'} average: "
             "macro averages the per-class scores with equal weights; micro pools TP, FP and FN over the classes "
             "first"),
            (by_predicted, "it weights each class by how often it is *predicted*; 'weighted' weights by its "
             "support, the number of true examples of the class"),
            ((macro[0], macro[1], harmonic), "its F1 is the harmonic mean of the macro precision and recall; "
             "macro F1 is the mean of the per-class F1 scores")]


def _call_averaged(function: Callable, case: Case) -> Any:
    return function(case["y_true"], case["y_pred"], case["labels"], case["average"])


def _compare_averaged(actual: Any, expected: Any, case: Case, name: str) -> None:
    names = ("precision", "recall", "f1")
    values = _parts(actual, names, name)
    if any(np.isnan(_scalar(v)) and np.size(v) == 1 for v in values):
        raise CheckFailure(f"{name} holds NaN: a class with no predictions (or no true examples) makes a 0/0; by "
                           "zero_division=0 its precision (or recall, or F1) counts as 0.")
    for value, want, part in zip(values, expected, names):
        _expect_well_formed(value, want, f"{part} (returned by averaged_scores)")
    values = tuple(_scalar(v) for v in values)
    if all(_close(v, e, 1e-10, 1e-12) for v, e in zip(values, expected)):
        return
    for alternative, words in _averaged_alternatives(case):
        if (all(_close(v, a, 1e-10, 1e-12) for v, a in zip(values, alternative))
                and not all(_close(a, e, 1e-10, 1e-12) for a, e in zip(alternative, expected))):
            raise CheckFailure(f"{name} is wrong for average={case['average']!r}: {words}.")
    for value, want, part in zip(values, expected, names):
        problem = diagnose(value, want, rtol=1e-10, atol=1e-12, what=f"the {part} ({case['average']} average)")
        if problem:
            raise CheckFailure(problem + " Compared with sklearn.metrics.precision_recall_fscore_support(y_true, "
                               f"y_pred, labels=labels, average={case['average']!r}, zero_division=0).")


register(Exercise(
    key="week03.averaged_scores",
    function="averaged_scores",
    make_cases=_averaged_cases,
    call=_call_averaged,
    reference=_averaged_reference,
    describe=lambda case: (f"{len(case['y_true'])} labels, labels={case['labels']}, average={case['average']!r}"),
    compare=_compare_averaged,
))


# ----------------------------------------------------------------------------- multiclass confusion matrix


def _confusion_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, K, kind in [(30, 3, "noisy"), (100, 5, "sparse_labels"), (40, 4, "never_predicted"),
                       (20, 4, "unused_label"), (1, 2, "noisy"), (50, 3, "absent_from_truth")]:
        case = _multiclass_case(rng, n, K, kind)
        cases.append({"y_true": case["y_true"], "y_pred": case["y_pred"], "labels": case["labels"]})
    return cases


def _confusion_reference(case: Case) -> np.ndarray:
    from sklearn.metrics import confusion_matrix
    return confusion_matrix(case["y_true"], case["y_pred"], labels=case["labels"])


def _compare_confusion(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    problem = diagnose(actual, expected, rtol=0, atol=0, what=name)
    if not problem:
        return
    array = np.asarray(actual) if isinstance(actual, (np.ndarray, list)) else None
    if array is not None and array.shape == expected.shape:
        if np.array_equal(array, expected.T):
            problem += " It is the transpose: rows are the actual classes, columns the predicted ones."
        elif np.array_equal(np.sort(array, axis=None), np.sort(expected, axis=None)):
            problem += (" It holds the right counts in the wrong places: order rows and columns as in `labels` "
                        f"({case['labels']}), not by sorted label value or by index.")
    raise CheckFailure(problem)


register(Exercise(
    key="week03.confusion_matrix_multiclass",
    function="confusion_matrix_multiclass",
    make_cases=_confusion_cases,
    call=lambda function, case: function(case["y_true"], case["y_pred"], case["labels"]),
    reference=_confusion_reference,
    describe=lambda case: f"{len(case['y_true'])} labels, labels={case['labels']}",
    compare=_compare_confusion,
))
