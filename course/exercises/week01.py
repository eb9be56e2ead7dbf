"""Week 01 (foundations I): the graded functions, their randomized inputs and their library references."""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import scipy.special

from course.checks import CheckFailure, diagnose, expect_close
from course.exercises import Case, Exercise, compare_close, register

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
