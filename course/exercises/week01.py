"""Week 01 (foundations I): the graded functions, their randomized inputs and their library references."""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import scipy.special

from course.checks import CheckFailure, diagnose, expect_close
from course.exercises import Case, Exercise, compare_close, register
from course.variants import Variant, register_variant

# Every `call` passes the case's arrays as they are: run_case gives it working copies and the grader checks
# that they come back unchanged (a .copy() here would hide a function that overwrites its input).


def _shape_words(array: np.ndarray) -> str:
    return f"shape {array.shape}"


# ----------------------------------------------------------------------------- numerical gradient


def _random_smooth_function(rng: np.random.Generator, shape: tuple[int, ...]) -> Case:
    """f(x) = ½ vᵀQv + b·v + Σ c_k sin(w_k·v) with v = x.ravel(): smooth, with a known gradient."""
    d = math.prod(shape)
    k = int(rng.integers(1, 4))
    q = rng.normal(size=(d, d))
    return {"Q": (q + q.T) / 2, "b": rng.normal(size=d), "W": rng.normal(size=(k, d)),
            "c": rng.normal(size=k), "x": rng.normal(size=shape)}


def _smooth_function(case: Case) -> Callable[[np.ndarray], float]:
    Q, b, W, c = case["Q"], case["b"], case["W"], case["c"]

    def f(x: np.ndarray) -> float:
        v = np.asarray(x, dtype=float).ravel()
        return float(0.5 * v @ Q @ v + b @ v + c @ np.sin(W @ v))
    return f


def _smooth_gradient(case: Case) -> np.ndarray:
    v = case["x"].ravel()
    grad = case["Q"] @ v + case["b"] + case["W"].T @ (case["c"] * np.cos(case["W"] @ v))
    return grad.reshape(case["x"].shape)


def _call_numerical_gradient(function: Callable, case: Case) -> Any:
    return function(_smooth_function(case), case["x"])


def _compare_relative_error(limit: float) -> Callable[[Any, Any, Case, str], None]:
    """Relative error ‖a − e‖ / ‖e‖ below ``limit``, after the usual shape/dtype/NaN diagnosis."""
    def compare(actual: Any, expected: Any, case: Case, name: str) -> None:
        problem = diagnose(actual, expected, rtol=1e-3, atol=1e-6, what=name)
        if problem:
            raise CheckFailure(problem)
        error = np.linalg.norm(np.asarray(actual, float) - expected) / max(np.linalg.norm(expected), 1e-300)
        if not error < limit:
            raise CheckFailure(
                f"{name} is close but not accurate enough: relative error {error:.1e}, the limit is {limit:.0e}. "
                "A one-sided difference (f(x + h) - f(x)) / h is only accurate to about h; the central "
                "difference (f(x + h) - f(x - h)) / (2h) is accurate to about h².")
    return compare


register(Exercise(
    key="week01.numerical_gradient",
    function="numerical_gradient",
    make_cases=lambda rng: [_random_smooth_function(rng, shape)
                            for shape in [(1,), (3,), (5,), (2, 3), (8,)]],
    call=_call_numerical_gradient,
    reference=_smooth_gradient,
    describe=lambda case: f"a random smooth function of x with {_shape_words(case['x'])}",
    compare=_compare_relative_error(1e-7),
    inputs=("x",),               # Q, b, W, c only define f
))


# ----------------------------------------------------------------------------- least squares


def _least_squares_case(rng: np.random.Generator, n: int, d: int, intercept: bool) -> Case:
    X = rng.normal(size=(n, d))
    if intercept:
        X[:, 0] = 1.0
    w = rng.normal(scale=3.0, size=d)
    return {"X": X, "y": X @ w + rng.normal(scale=0.5, size=n)}


register(Exercise(
    key="week01.least_squares",
    function="least_squares",
    make_cases=lambda rng: [_least_squares_case(rng, n, d, intercept)
                            for n, d, intercept in [(10, 1, False), (30, 3, True), (50, 5, False),
                                                    (200, 8, True), (6, 6, False)]],
    call=lambda function, case: function(case["X"], case["y"]),
    reference=lambda case: np.linalg.lstsq(case["X"], case["y"], rcond=None)[0],
    describe=lambda case: f"X with {_shape_words(case['X'])}",
    compare=compare_close(rtol=1e-6, atol=1e-8),
))


# ----------------------------------------------------------------------------- gradient descent


def _quadratic_case(rng: np.random.Generator, d: int, lr_fraction: float, n_steps: int | None = None) -> Case:
    """½ xᵀAx − bᵀx with a random SPD A (eigenvalues 1..10); steps enough to converge to 1e-10."""
    eigenvalues = np.concatenate([[1.0, 10.0], rng.uniform(1.0, 10.0, size=d - 2)])
    basis, _ = np.linalg.qr(rng.normal(size=(d, d)))
    A = basis @ np.diag(eigenvalues) @ basis.T
    A = (A + A.T) / 2
    lr = lr_fraction / 10.0
    rate = max(abs(1 - lr * eigenvalues.min()), abs(1 - lr * eigenvalues.max()))
    converged = int(math.ceil(math.log(1e-13) / math.log(rate)))
    return {"A": A, "b": rng.normal(size=d), "x0": rng.normal(scale=3.0, size=d), "lr": lr,
            "n_steps": n_steps or converged, "converges": n_steps is None}


def _call_gradient_descent(function: Callable, case: Case) -> Any:
    A, b = case["A"], case["b"]
    return function(lambda x: A @ x - b, case["x0"], case["lr"], case["n_steps"])


def _compare_descent_path(actual: Any, expected: Any, case: Case, name: str) -> None:
    """The path's shape and start, its first step, then where it ends (vs np.linalg.solve)."""
    n_steps, x0 = case["n_steps"], case["x0"]
    want = (n_steps + 1, x0.size)
    path = np.asarray(actual) if actual is not None else None
    if path is None or path.dtype == object or path.shape != want:
        got = "None" if path is None else f"shape {path.shape}"
        raise CheckFailure(f"{name} should be the whole path, an array of shape (n_steps + 1, d) = {want} "
                           f"whose first row is x0 and whose last row is the final point; got {got}.")
    expect_close(path[0], x0, name=f"the first row of {name} (it should be the starting point x0)", rtol=0, atol=0)
    first_step = -case["lr"] * (case["A"] @ x0 - case["b"])
    expect_close(path[1] - path[0], first_step, rtol=1e-9, atol=1e-12,
                 name="the first step, path[1] - path[0] (it should be -lr * grad(x0))")
    expect_close(path, _descent_path(case), rtol=1e-9, atol=1e-12,
                 name=f"{name} (row k should be x_k = x_(k-1) - lr * grad(x_(k-1)))")
    if case["converges"]:
        expect_close(path[-1], expected, rtol=1e-7, atol=1e-8,
                     name=f"the last row of {name} (it should reach the minimiser, np.linalg.solve(A, b))")


def _descent_path(case: Case) -> np.ndarray:
    """The exact iterates, so a path that stalls, repeats or skips a step is caught, not just its end."""
    A, b, lr = case["A"], case["b"], case["lr"]
    path = [case["x0"].astype(float)]
    for _ in range(case["n_steps"]):
        path.append(path[-1] - lr * (A @ path[-1] - b))
    return np.array(path)


register(Exercise(
    key="week01.gradient_descent",
    function="gradient_descent",
    make_cases=lambda rng: [_quadratic_case(rng, d, fraction, steps)
                            for d, fraction, steps in [(2, 1.0, None), (3, 0.5, None), (4, 1.5, None),
                                                       (5, 1.0, None), (2, 1.8, None), (3, 1.0, 6)]],
    call=_call_gradient_descent,
    inputs=("x0",),              # A and b only define the gradient
    reference=lambda case: np.linalg.solve(case["A"], case["b"]),
    describe=lambda case: (f"a random {case['x0'].size}-D quadratic, lr = {case['lr']:.3g}, "
                           f"n_steps = {case['n_steps']}"),
    compare=_compare_descent_path,
))


# ----------------------------------------------------------------------------- softmax and logsumexp


def _logits_cases(rng: np.random.Generator) -> list[Case]:
    signs = rng.permutation([-1.0, -1.0, 1.0, 1.0])[:, None]  # rows far apart: a global max is not enough
    return [
        {"z": rng.normal(size=5)},
        {"z": rng.normal(scale=3.0, size=7) + 1000.0},
        {"z": rng.normal(scale=3.0, size=6) - 1000.0},
        {"z": rng.normal(scale=4.0, size=(3, 5))},
        {"z": rng.normal(scale=3.0, size=(4, 6)) + 1000.0 * signs},
        {"z": np.array([rng.normal()])},
    ]


def _describe_logits(case: Case) -> str:
    z = case["z"]
    size = "" if np.abs(z).max() < 100 else f" with entries near ±{int(round(np.abs(z).max(), -3))}"
    return f"z with {_shape_words(z)}{size}"


register(Exercise(
    key="week01.softmax",
    function="softmax",
    make_cases=_logits_cases,
    call=lambda function, case: function(case["z"]),
    reference=lambda case: scipy.special.softmax(case["z"], axis=-1),
    describe=_describe_logits,
    compare=compare_close(rtol=1e-9, atol=1e-15),
))

register(Exercise(
    key="week01.logsumexp",
    function="logsumexp",
    make_cases=_logits_cases,
    call=lambda function, case: function(case["z"]),
    reference=lambda case: scipy.special.logsumexp(case["z"], axis=-1),
    describe=_describe_logits,
    compare=compare_close(rtol=1e-12, atol=1e-10),
))


# ----------------------------------------------------------------------------- messy tabular data (pandas)
# The learner's impute_and_encode takes DataFrames: cases hold plain columns (float arrays with NaN, lists of
# strings), and `call` builds the DataFrames next to the learner's code and turns the result into arrays.

_CITIES = ["Lyon", "Nantes", "Paris", "Lille", "Brest", "Dijon"]
_HEATING = ["gas", "electric", "heat pump", "wood"]


def _numeric_column(rng: np.random.Generator, n: int, missing: float) -> np.ndarray:
    """Skewed values (so mean and median differ), a share of them NaN, never all of them."""
    values = np.round(rng.lognormal(mean=3.0, sigma=0.8, size=n), 1)
    holes = rng.random(n) < missing
    holes[rng.integers(n)] = False
    values[holes] = np.nan
    return values


def _tabular_case(rng: np.random.Generator, n_train: int, n_test: int, n_numeric: int, n_categorical: int,
                  missing: float = 0.2, unseen: bool = True) -> Case:
    numeric = ["income", "surface", "age", "rooms"][:n_numeric]
    categorical = ["city", "heating"][:n_categorical]
    pools = {"city": _CITIES[: int(rng.integers(2, 5))], "heating": _HEATING[:3]}
    if n_train <= 2:
        pools = {name: pool[:1] for name, pool in pools.items()}   # a single category seen in training
    tables = {}
    for part, n in (("train", n_train), ("test", n_test)):
        table = {"id": np.arange(n, dtype=float)}                       # a column neither list names: dropped
        for name in numeric:
            # test rows always have holes, also where training had none: they are filled, never indicated
            table[name] = _numeric_column(rng, n, missing if part == "train" else max(missing, 0.3))
        for name in categorical:
            pool = pools[name] + (["Rennes" if name == "city" else "oil"] if part == "test" and unseen else [])
            table[name] = [str(value) for value in rng.choice(pool, size=n)]
            if part == "test" and unseen:
                table[name][0] = pool[-1]                               # at least one unseen category
        tables[part] = table
    order = [str(name) for name in rng.permutation(list(tables["train"]))]           # the DataFrame's columns in a random order
    tables = {part: {name: table[name] for name in order} for part, table in tables.items()}
    return {"train": tables["train"], "test": tables["test"], "numeric": [str(name) for name in rng.permutation(numeric)],
            "categorical": list(categorical)}


def _tabular_cases(rng: np.random.Generator) -> list[Case]:
    return [
        _tabular_case(rng, 8, 4, 2, 1),
        _tabular_case(rng, 9, 5, 2, 2),
        _tabular_case(rng, 12, 6, 3, 1, missing=0.0),                 # no NaN in training: no indicators,
        _tabular_case(rng, 30, 10, 3, 2, missing=0.3, unseen=False),  # (test NaN still filled) / none unseen
        _tabular_case(rng, 2, 3, 1, 2),                                 # two rows, one category per column
        _tabular_case(rng, 200, 50, 4, 2),
    ]


def _frames(case: Case):
    import pandas as pd
    return pd.DataFrame(case["train"]), pd.DataFrame(case["test"])


def _as_matrix_pair(result: Any, function: str, what: str) -> tuple[np.ndarray, np.ndarray]:
    """The learner's (train, test) result as two float arrays, or a failure saying what was returned."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise CheckFailure(f"{function} should return a pair ({what}); got {type(result).__name__}"
                           f"{'' if not isinstance(result, (tuple, list)) else f' of length {len(result)}'}.")
    try:
        return tuple(np.asarray(part, dtype=float) for part in result)
    except (TypeError, ValueError) as error:
        raise CheckFailure(f"{function} should return two arrays of numbers; converting them to float failed "
                           f"({error}).") from None


def _call_impute_and_encode(function: Callable, case: Case) -> Any:
    train, test = _frames(case)
    before = train.copy(), test.copy()
    result = function(train, test, case["numeric"], case["categorical"])
    for name, frame, original in (("train", train, before[0]), ("test", test, before[1])):
        if not frame.equals(original):
            raise CheckFailure(f"impute_and_encode changed its input {name} in place; work on a copy "
                               f"(e.g. {name}[column].to_numpy(dtype=float)) and leave the caller's DataFrame alone.")
    return _as_matrix_pair(result, "impute_and_encode", "train_matrix, test_matrix")


def _reference_impute_and_encode(case: Case) -> tuple[np.ndarray, np.ndarray]:
    import warnings

    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import OneHotEncoder

    train, test = _frames(case)
    transformer = ColumnTransformer([
        ("numeric", SimpleImputer(strategy="median", add_indicator=True), case["numeric"]),
        ("categorical", OneHotEncoder(handle_unknown="ignore", sparse_output=False), case["categorical"]),
    ])
    with warnings.catch_warnings():   # "unknown categories ... encoded as all zeros" is the point, not news
        warnings.simplefilter("ignore")
        return transformer.fit_transform(train), transformer.transform(test)


def _describe_tabular(case: Case) -> str:
    n_train, n_test = len(case["train"]["id"]), len(case["test"]["id"])
    holes = [name for name in case["numeric"] if np.isnan(case["train"][name]).any()]
    unseen = [name for name in case["categorical"] if set(case["test"][name]) - set(case["train"][name])]
    return (f"{n_train} training and {n_test} test rows, numeric={case['numeric']}, "
            f"categorical={case['categorical']}; NaN in training in {holes or 'no column'}; "
            f"unseen test categories in {unseen or 'no column'}")


_PARTS = ("the training matrix (first returned value)", "the test matrix (second returned value)")


def _compare_shapes(actual: Any, expected: Any, layout: str) -> None:
    for part, mine, want in zip(_PARTS, actual, expected):
        if np.shape(mine) != np.shape(want):
            raise CheckFailure(f"{part} has shape {np.shape(mine)}, but shape {np.shape(want)} was expected: {layout}")


def _compare_pair(layout: str) -> Callable[[Any, Any, Case, str], None]:
    """Both returned matrices, the training one first; a wrong shape is explained with ``layout``."""
    def compare(actual: Any, expected: Any, case: Case, name: str) -> None:
        _compare_shapes(actual, expected, layout)
        for part, mine, want in zip(_PARTS, actual, expected):
            expect_close(mine, want, name=part, rtol=1e-9, atol=1e-12)
    return compare


def _column_roles(case: Case) -> list[str]:
    """What each expected column is, in words, for pointing at the first wrong one."""
    train = case["train"]
    roles = [f"the imputed numeric column {name!r}" for name in case["numeric"]]
    roles += [f"the missing-indicator of {name!r}" for name in case["numeric"] if np.isnan(train[name]).any()]
    roles += [f"the one-hot column of {name!r} = {category!r} (training categories, sorted)"
              for name in case["categorical"] for category in sorted(set(train[name]))]
    return roles


def _compare_encoded(actual: Any, expected: Any, case: Case, name: str) -> None:
    """As _compare_pair, and a wrong value is traced to the first wrong column and what that column is."""
    _compare_shapes(actual, expected, _ENCODED_LAYOUT)
    roles = _column_roles(case)
    for part, mine, want in zip(_PARTS, actual, expected):
        wrong = [j for j in range(want.shape[1]) if not np.allclose(mine[:, j], want[:, j], rtol=1e-9, atol=1e-12)]
        if wrong:
            where = f"column {wrong[0]}, {roles[wrong[0]]}, is the first wrong column"
            expect_close(mine, want, name=f"{part} ({where})", rtol=1e-9, atol=1e-12)


_ENCODED_LAYOUT = ("one row per input row; the numeric columns (in the order of `numeric`, NaN filled with the "
                   "training median), then one 0/1 indicator for each numeric column that has a NaN in the "
                   "training rows, then one column per category seen in training (column by column, categories "
                   "sorted); an unseen test category is a row of zeros.")


register(Exercise(
    key="week01.impute_and_encode",
    function="impute_and_encode",
    make_cases=_tabular_cases,
    call=_call_impute_and_encode,
    inputs=(),                   # the DataFrames are built in `call`, which checks them itself
    reference=_reference_impute_and_encode,
    describe=_describe_tabular,
    compare=_compare_encoded,
))


# ----------------------------------------------------------------------------- robust scaling


def _robust_case(rng: np.random.Generator, n_train: int, n_test: int, d: int, outliers: bool = False,
                 constant: bool = False) -> Case:
    X = rng.lognormal(mean=1.0, sigma=0.7, size=(n_train + n_test, d)).round(2)
    if outliers:
        X[rng.integers(n_train, size=2), 0] *= 1000.0    # a typo in thousands, in the training rows
    if constant:
        X[:, -1] = 3.0                                      # a constant column: IQR 0, divided by 1
    return {"X_train": X[:n_train], "X_test": X[n_train:]}


def _robust_cases(rng: np.random.Generator) -> list[Case]:
    return [
        _robust_case(rng, 6, 3, 2),                # n = 6, 7: the quartiles fall between samples
        _robust_case(rng, 7, 4, 3, outliers=True),
        _robust_case(rng, 10, 5, 3, constant=True),
        _robust_case(rng, 1, 2, 2),                # one training row: median = it, IQR 0
        _robust_case(rng, 200, 40, 4, outliers=True, constant=True),
    ]


register(Exercise(
    key="week01.robust_scale",
    function="robust_scale",
    make_cases=_robust_cases,
    call=lambda function, case: _as_matrix_pair(function(case["X_train"], case["X_test"]), "robust_scale",
                                                "X_train_scaled, X_test_scaled"),
    reference=lambda case: _robust_reference(case),
    describe=lambda case: (f"X_train with {_shape_words(case['X_train'])}, X_test with "
                           f"{_shape_words(case['X_test'])}"
                           + (", a constant column" if len(case["X_train"]) > 1 and np.ptp(case["X_train"][:, -1]) == 0 else "")),
    compare=_compare_pair("the same shapes as X_train and X_test."),
))


def _robust_reference(case: Case) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.preprocessing import RobustScaler
    scaler = RobustScaler().fit(case["X_train"])
    return scaler.transform(case["X_train"]), scaler.transform(case["X_test"])


# ----------------------------------------------------------------------------- per-student checkpoint questions

register_variant(Variant(
    key="week01.checkpoint_q2",
    draw=lambda rng: {"x0": int(rng.choice([-9, -7, -6, -5, -4, 4, 5, 6, 7, 9])),
                      "lr": float(rng.choice([0.05, 0.1, 0.15, 0.2, 0.3, 0.35, 0.45]))},
    answer=lambda p: p["x0"] - p["lr"] * 2 * p["x0"],
    question="Q2. Take one gradient-descent step on f(x) = x², starting from x0 = {x0}, with learning rate "
             "η = {lr:g}. What is x1?",
))
