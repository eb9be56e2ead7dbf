"""Week 02 (foundations II): the graded functions, their randomized inputs and their references.

References: analytic Jacobians; ``np.linalg.lstsq`` for gradient descent and SGD after convergence;
high-precision enumeration with ``decimal`` for Bayes' rule; ``scipy.stats.t.interval`` for confidence
intervals.  SGD is stochastic, so it is graded by properties every correct run has on every seed: each
single-sample step is a step along one sample's gradient with the epoch's learning rate, every epoch
visits every sample once in a freshly shuffled order, the seed makes runs reproducible, and the end point
agrees with ``lstsq``.
"""
from __future__ import annotations

import math
from decimal import Decimal, localcontext
from typing import Any, Callable

import numpy as np
import scipy.stats

from course.checks import CheckFailure, diagnose, expect_close, expected_values_concealed
from course.exercises import Case, Exercise, register
from course.variants import Variant, register_variant

# Every `call` passes the case's arrays as they are: run_case gives it working copies and the grader checks
# that they come back unchanged (a .copy() here would hide a function that overwrites its input).


def _as_floats(value: Any, what: str) -> np.ndarray:
    """A learner's value as a float array, or a CheckFailure saying why it cannot be one."""
    if value is None:
        raise CheckFailure(f"{what} is None: did the function forget to `return` its result?")
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailure(f"{what} is not a number or an array of numbers (got {type(value).__name__}).") from None


def _mse(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    return float(np.mean((X @ w - y) ** 2))


# ----------------------------------------------------------------------------- numerical Jacobian


def _vector_function_case(rng: np.random.Generator, n_inputs: int, n_outputs: int) -> Case:
    """f(x) = P tanh(Q x + c) + R sin(x): smooth, R^n -> R^m, with a known Jacobian."""
    hidden = int(rng.integers(2, 5))
    return {"P": rng.normal(size=(n_outputs, hidden)), "Q": rng.normal(size=(hidden, n_inputs)),
            "c": rng.normal(size=hidden), "R": rng.normal(size=(n_outputs, n_inputs)),
            "x": rng.normal(size=n_inputs)}


def _vector_function(case: Case) -> Callable[[np.ndarray], np.ndarray]:
    P, Q, c, R = case["P"], case["Q"], case["c"], case["R"]

    def f(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return P @ np.tanh(Q @ x + c) + R @ np.sin(x)
    return f


def _analytic_jacobian(case: Case) -> np.ndarray:
    x = case["x"]
    slope = 1.0 - np.tanh(case["Q"] @ x + case["c"]) ** 2      # tanh' at each hidden unit
    return case["P"] @ (slope[:, None] * case["Q"]) + case["R"] * np.cos(x)[None, :]


def _call_numerical_jacobian(function: Callable, case: Case) -> Any:
    return function(_vector_function(case), case["x"])


def _compare_jacobian(actual: Any, expected: Any, case: Case, name: str) -> None:
    # coarse first (shape, NaN, transposes, factors), relative to the Jacobian's size: an entry near 0 must
    # not turn a merely inaccurate estimate into a "wrong value" verdict
    problem = diagnose(actual, expected, rtol=1e-3, atol=1e-4 * float(np.abs(expected).max()), what=name)
    if problem:
        m, n = expected.shape
        raise CheckFailure(problem + f" (The Jacobian of f: R^{n} -> R^{m} has one row per output and one "
                                     f"column per input: shape (m, n) = ({m}, {n}).)")
    error = np.linalg.norm(np.asarray(actual, float) - expected) / max(np.linalg.norm(expected), 1e-300)
    if not error < 1e-7:
        raise CheckFailure(
            f"{name} is close but not accurate enough: relative error {error:.1e}, the limit is 1e-07. "
            "Use the central difference (f(x + h e_j) - f(x - h e_j)) / (2h) for column j; the one-sided "
            "(f(x + h e_j) - f(x)) / h is only accurate to about h.")


register(Exercise(
    key="week02.numerical_jacobian",
    function="numerical_jacobian",
    make_cases=lambda rng: [_vector_function_case(rng, n, m)
                            for n, m in [(3, 2), (1, 4), (4, 1), (5, 5), (2, 6), (8, 3)]],
    call=_call_numerical_jacobian,
    inputs=("x",),               # P, Q, c, R only define f
    reference=_analytic_jacobian,
    describe=lambda case: (f"a random smooth f from R^{case['x'].size} to R^{case['P'].shape[0]}, "
                           f"x with shape {case['x'].shape}"),
    compare=_compare_jacobian,
))


# ----------------------------------------------------------------------------- regression data


def _regression_data(rng: np.random.Generator, n: int, d: int, noise: float,
                     spread: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """A design matrix with an intercept column and targets; feature means and scales vary with ``spread``
    (1: Hessian condition numbers up to about 60; 0.3: below about 5, for SGD to converge in a few epochs)."""
    features = rng.normal(loc=rng.uniform(-spread, spread, size=d - 1),
                          scale=rng.uniform(1 - spread / 2, 1 + spread / 2, size=d - 1), size=(n, d - 1))
    X = np.column_stack([np.ones(n), features])
    w_true = rng.normal(scale=2.0, size=d)
    return X, X @ w_true + noise * rng.normal(size=n)


def _mse_curvature(X: np.ndarray) -> np.ndarray:
    """Eigenvalues of the MSE's Hessian 2/n XᵀX (ascending)."""
    return np.linalg.eigvalsh(2.0 / len(X) * X.T @ X)


def _describe_regression(case: Case) -> str:
    words = f"X with shape {case['X'].shape}, lr = {case['lr']:.3g}, n_epochs = {case['n_epochs']}"
    if "batch_size" in case:
        words += f", batch_size = {case['batch_size']}, decay = {case['decay']:g}, seed = {case['seed']}"
    return words


# ----------------------------------------------------------------------------- batch gradient descent


def _gd_case(rng: np.random.Generator, n: int, d: int, lr_fraction: float, converge: bool) -> Case:
    """lr = fraction / L; enough epochs to shrink the error by 1e-13 when ``converge``, else 1 or 2."""
    X, y = _regression_data(rng, n, d, noise=0.5)
    curvatures = _mse_curvature(X)
    lr = lr_fraction / curvatures[-1]
    if converge:
        rate = max(abs(1 - lr * curvatures[0]), abs(1 - lr * curvatures[-1]))
        n_epochs = int(math.ceil(math.log(1e-13) / math.log(rate)))
    else:
        n_epochs = 1 if lr_fraction < 1 else 2    # one step from w = 0 shows factor and sign errors exactly
    return {"X": X, "y": y, "lr": lr, "n_epochs": n_epochs}


def _gd_iterates(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """Exact batch-GD weights and losses for a few epochs (the definition, for short runs)."""
    X, y, lr = case["X"], case["y"], case["lr"]
    w = np.zeros(X.shape[1])
    losses = [_mse(X, y, w)]
    for _ in range(case["n_epochs"]):
        w = w - lr * 2.0 / len(X) * X.T @ (X @ w - y)
        losses.append(_mse(X, y, w))
    return w, np.array(losses)


def _pair(actual: Any, name: str, first: str, second: str) -> tuple[Any, Any]:
    if not isinstance(actual, (tuple, list)) or len(actual) != 2:
        got = "None" if actual is None else (f"{len(actual)} values" if isinstance(actual, (tuple, list))
                                             else f"a single {type(actual).__name__}")
        raise CheckFailure(f"{name} should return two things, `return {first}, {second}`; got {got}.")
    return actual[0], actual[1]


def _compare_gd(actual: Any, expected: Any, case: Case, name: str) -> None:
    w, losses = _pair(actual, name, "w", "losses")
    X, y, n_epochs = case["X"], case["y"], case["n_epochs"]
    w_name, losses_name = "the weights w returned by linear_regression_gd", "the losses it returned"
    if n_epochs <= 2:   # a short run: every number is known exactly
        w_exact, losses_exact = _gd_iterates(case)
        expect_close(w, w_exact, rtol=1e-9, atol=1e-12,
                     name=f"{w_name} after {n_epochs} step(s) from w = 0 (each step is w - lr * (2/n) Xᵀ(Xw - y))")
        expect_close(losses, losses_exact, rtol=1e-9, atol=1e-12,
                     name=f"{losses_name} (losses[k] is the MSE mean((X w_k - y)²) of w_k, from w_0 = 0 to "
                          f"w_{n_epochs}: n_epochs + 1 = {n_epochs + 1} values)")
        return
    losses = _as_floats(losses, losses_name)
    if losses.shape != (n_epochs + 1,):
        expect_close(losses, np.zeros(n_epochs + 1), name=losses_name + f" (losses[k] is the MSE of w_k for k = 0, "
                     f"..., n_epochs: n_epochs + 1 = {n_epochs + 1} values, starting with w_0 = 0)")
    expect_close(losses[0], np.mean(y ** 2), rtol=1e-9, atol=1e-12,
                 name="losses[0] (the MSE at the start, w = 0, is mean(y²))")
    expect_close(w, expected, rtol=1e-6, atol=1e-8,
                 name=f"{w_name} after {n_epochs} epochs (they should have converged to np.linalg.lstsq(X, y))")
    expect_close(losses[-1], _mse(X, y, np.asarray(w, float)), rtol=1e-9, atol=1e-12,
                 name="losses[-1] (it should be the MSE of the returned w)")


def _call_gd(function: Callable, case: Case) -> Any:
    return function(case["X"], case["y"], case["lr"], case["n_epochs"])


register(Exercise(
    key="week02.linear_regression_gd",
    function="linear_regression_gd",
    make_cases=lambda rng: [_gd_case(rng, n, d, fraction, converge)
                            for n, d, fraction, converge in [(40, 3, 0.7, False), (25, 2, 1.0, False),
                                                             (60, 2, 1.0, True), (200, 5, 1.0, True),
                                                             (30, 4, 1.5, True), (100, 3, 0.5, True)]],
    call=_call_gd,
    reference=lambda case: np.linalg.lstsq(case["X"], case["y"], rcond=None)[0],
    describe=_describe_regression,
    compare=_compare_gd,
))


# ----------------------------------------------------------------------------- mini-batch SGD

# Each case has a ``kind`` that decides what is checked:
#   full       batch_size = n: every update is a full-batch GD step with the epoch's learning rate;
#   single     batch_size = 1: each update is identified as one sample's step; epochs must be permutations,
#              shuffled, reshuffled every epoch, and the same seed must give the same path;
#   remainder  n = 3 * batch_size + 1: 4 updates per epoch, the last on a single sample;
#   converge   noiseless data: the end point must be lstsq's (exact) solution;
#   noisy      noisy data: the end point's MSE must be within 2% of lstsq's (correct code: < 0.5%).


def _sgd_case(rng: np.random.Generator, kind: str, n: int, d: int, batch_size: int, n_epochs: int,
              decay: float, lr_fraction: float) -> Case:
    X, y = _regression_data(rng, n, d, noise=0.0 if kind == "converge" else 0.5, spread=0.3)
    lr = lr_fraction / _mse_curvature(X)[-1]
    return {"kind": kind, "X": X, "y": y, "lr": lr, "n_epochs": n_epochs, "batch_size": batch_size,
            "decay": decay, "seed": int(rng.integers(0, 2**31))}


def _sgd_cases(rng: np.random.Generator) -> list[Case]:
    return [_sgd_case(rng, "full", 20, 3, 20, 3, 0.5, 0.8),
            _sgd_case(rng, "single", 15, 2, 1, 3, 0.5, 0.2),
            _sgd_case(rng, "remainder", 25, 3, 8, 3, 0.3, 0.3),
            _sgd_case(rng, "converge", 100, 3, 10, 25, 0.05, 0.5),
            _sgd_case(rng, "noisy", 300, 4, 16, 40, 0.1, 0.3)]


def _epoch_rate(case: Case, epoch: int) -> float:
    return case["lr"] / (1.0 + case["decay"] * epoch)


def _updates_per_epoch(case: Case) -> int:
    return -(-len(case["X"]) // case["batch_size"])  # ceil(n / batch_size)


def _call_sgd(function: Callable, case: Case) -> Any:
    X, y = case["X"], case["y"]
    args = (case["lr"], case["n_epochs"], case["batch_size"], case["decay"])
    path = function(X, y, *args, case["seed"])
    if case["kind"] != "single":
        return path
    return path, function(X, y, *args, case["seed"]), function(X, y, *args, case["seed"] + 1)


def _check_path_shape(path: Any, case: Case, name: str) -> np.ndarray:
    n, d = case["X"].shape
    batch, epochs = case["batch_size"], case["n_epochs"]
    per_epoch = _updates_per_epoch(case)
    rows = epochs * per_epoch + 1
    path = _as_floats(path, name)
    if path.shape != (rows, d):
        got = path.shape[0] if path.ndim == 2 else None
        full = n // batch
        sizes = f"{full} batch{'es' if full > 1 else ''} of {batch}" + (f" and one of {n % batch}" if n % batch else "")
        why = {epochs * (n // batch) + 1: " The last, smaller batch of each epoch is missing: it must be used too.",
               epochs * per_epoch: " Row 0 should be the starting point w = 0.",
               epochs + 1: " There should be one row per update (every batch), not one per epoch."}.get(got, "")
        updates = f"{per_epoch} update{'s' if per_epoch > 1 else ''}"
        raise CheckFailure(f"{name} has shape {path.shape}, but shape {(rows, d)} was expected. The path has one row "
                           f"per update plus the start: with n = {n} and batch_size = {batch}, an epoch has {sizes}, "
                           f"so {updates}, and {epochs} epochs give {epochs} * {per_epoch} + 1 = {rows} rows.{why}")
    expect_close(path[0], np.zeros(d), rtol=0, atol=0, name=f"row 0 of {name} (the start, w = 0)")
    return path


def _sample_gradients(case: Case, w: np.ndarray) -> np.ndarray:
    """Row i: the gradient of sample i's squared error (x_i·w - y_i)², i.e. 2 x_i (x_i·w - y_i)."""
    X, y = case["X"], case["y"]
    return 2.0 * X * (X @ w - y)[:, None]


def _identify_single_sample_step(case: Case, path: np.ndarray, k: int, epoch: int, name: str) -> int:
    """The sample whose gradient step with the epoch's rate moved path[k] to path[k + 1]."""
    step = path[k + 1] - path[k]
    gradients = _sample_gradients(case, path[k])
    rate = _epoch_rate(case, epoch)
    candidates = -rate * gradients
    error = np.linalg.norm(candidates - step, axis=1)
    best = int(np.argmin(error))
    if error[best] <= 1e-7 * np.linalg.norm(candidates[best]) + 1e-12:
        return best
    where = f"update {k + 1} of {name} (in epoch {epoch}, counting from 0)"
    cosine = np.abs(gradients @ step) / np.maximum(np.linalg.norm(gradients, axis=1) * np.linalg.norm(step), 1e-300)
    parallel = int(np.argmax(cosine))
    if cosine[parallel] > 1 - 1e-9:
        used = -float(gradients[parallel] @ step) / float(gradients[parallel] @ gradients[parallel])
        hint = ""
        if np.isclose(used, case["lr"], rtol=1e-6) and epoch > 0:
            hint = " The learning rate should decay: it is lr / (1 + decay * epoch) in every update of an epoch."
        elif np.isclose(used, rate / case["batch_size"], rtol=1e-6) and case["batch_size"] > 1:
            hint = (f" That is the rate divided by batch_size = {case['batch_size']}: this batch has only one "
                    "sample, so average over the samples in the batch (divide by len(batch)), not by batch_size.")
        elif np.isclose(used, rate / 2, rtol=1e-6):
            hint = " That is half the rate: the gradient of (x·w - y)² is 2 x (x·w - y)."
        elif np.isclose(used, -rate, rtol=1e-6):
            hint = " The step went uphill: subtract the gradient."
        raise CheckFailure(f"{where} moves along the gradient of one sample, but with learning rate "
                           f"{used:.6g} instead of lr / (1 + decay * {epoch}) = {rate:.6g}.{hint}")
    expected = "one sample" if case["batch_size"] == 1 else "the last batch, which has a single sample,"
    raise CheckFailure(f"{where} is not a gradient step on {expected}: expected w - rate * 2 x_i (x_i·w - y_i) "
                       f"for some sample i, with rate = lr / (1 + decay * epoch) = {rate:.6g}.")


def _check_single_sample_epochs(case: Case, path: np.ndarray, name: str) -> None:
    n, epochs = len(case["X"]), case["n_epochs"]
    orders = np.array([[_identify_single_sample_step(case, path, e * n + j, e, name) for j in range(n)]
                       for e in range(epochs)])
    for e, order in enumerate(orders):
        if not np.array_equal(np.sort(order), np.arange(n)):
            missing = np.setdiff1d(np.arange(n), order)
            raise CheckFailure(
                f"in epoch {e} of {name}, {len(missing)} of the {n} samples were never used and others were used "
                "more than once: each epoch must use every sample exactly once (walk through a random permutation "
                "of the indices, rng.permutation(n); don't draw indices with replacement).")
    if all(np.array_equal(order, np.arange(n)) for order in orders):
        raise CheckFailure(f"{name} uses the samples in their original order 0, 1, 2, ... in every epoch: "
                           "shuffle them at the start of each epoch (order = rng.permutation(n)).")
    if all(np.array_equal(order, orders[0]) for order in orders):
        raise CheckFailure(f"{name} uses the same order of samples in every epoch: reshuffle at the start of "
                           "each epoch, drawing every permutation from one generator created once, before the loop.")


def _check_reproducible(runs: tuple, case: Case, name: str) -> None:
    first, again, other = (np.asarray(run, dtype=float) if np.shape(run) == np.shape(runs[0]) else None
                           for run in runs)
    if again is None or not np.array_equal(first, again):
        raise CheckFailure(f"running {name.removeprefix('the result of ')} twice with the same seed gave different "
                           "paths: draw every permutation from rng = np.random.default_rng(seed), created once, "
                           "not from np.random's global state.")
    if other is not None and np.array_equal(first, other):
        raise CheckFailure(f"{name} gives exactly the same path for seed {case['seed']} and seed {case['seed'] + 1}: "
                           "the seed should decide the shuffling (rng = np.random.default_rng(seed)).")


def _check_full_batch_steps(case: Case, path: np.ndarray, name: str) -> None:
    X, y = case["X"], case["y"]
    for k in range(len(path) - 1):
        epoch = k // _updates_per_epoch(case)
        rate = _epoch_rate(case, epoch)
        step = -rate * 2.0 / len(X) * X.T @ (X @ path[k] - y)
        where = f"update {k + 1} (epoch {epoch}), path[{k + 1}] - path[{k}]"
        if k == 0:
            expect_close(path[1] - path[0], step, rtol=1e-9, atol=1e-12,
                         name=f"the first update of {name}, path[1] - path[0] (with batch_size = n a batch holds every "
                              "sample exactly once, so the update is the full gradient step -lr * (2/n) Xᵀ(Xw - y))")
        elif not np.allclose(path[k + 1] - path[k], step, rtol=1e-9, atol=1e-12):
            if np.allclose(path[k + 1] - path[k], step * case["lr"] / rate, rtol=1e-9, atol=1e-12):
                raise CheckFailure(f"{where}, uses the learning rate lr instead of lr / (1 + decay * {epoch}) = "
                                   f"{rate:.6g}: the learning rate should decay from epoch to epoch.")
            raise CheckFailure(f"{where}, should be -lr / (1 + decay * {epoch}) * (2/n) Xᵀ(Xw - y) with batch_size "
                               "= n; the first update was right, so look at how the learning rate changes with the "
                               "epoch.")


def _compare_sgd(actual: Any, expected: Any, case: Case, name: str) -> None:
    kind = case["kind"]
    runs = None
    if kind == "single":
        if not isinstance(actual, tuple) or len(actual) != 3:
            raise CheckFailure(f"{name} could not be run three times (internal check).")
        runs, actual = actual, actual[0]
    path = _check_path_shape(actual, case, name)
    if not np.all(np.isfinite(path)):
        raise CheckFailure(f"{name} contains inf or NaN: the updates diverged. With these learning rates a correct "
                           "implementation is stable: check the scaling of the gradient (mean over the batch, "
                           "times 2) and its sign.")
    if kind == "full":
        _check_full_batch_steps(case, path, name)
    elif kind == "single":
        _check_single_sample_epochs(case, path, name)
        _check_reproducible(runs, case, name)
    elif kind == "remainder":
        per_epoch = _updates_per_epoch(case)
        for epoch in range(case["n_epochs"]):
            _identify_single_sample_step(case, path, (epoch + 1) * per_epoch - 1, epoch, name)
    elif kind == "converge":
        expect_close(path[-1], expected, rtol=1e-6, atol=1e-8,
                     name=f"the last row of {name} (on data without noise SGD converges to np.linalg.lstsq(X, y))")
    else:
        X, y = case["X"], case["y"]
        best, final = _mse(X, y, expected), _mse(X, y, path[-1])
        if not final <= 1.02 * best:
            minimum = "" if expected_values_concealed() else f" {best:.4g}"
            raise CheckFailure(f"the MSE at the last row of {name} is {final:.4g}, more than 2% above the "
                               f"least-squares minimum{minimum} (np.linalg.lstsq); with this decaying learning rate "
                               "a correct implementation ends within 0.5% of it.")


register(Exercise(
    key="week02.minibatch_sgd",
    function="minibatch_sgd",
    make_cases=_sgd_cases,
    call=_call_sgd,
    reference=lambda case: np.linalg.lstsq(case["X"], case["y"], rcond=None)[0],
    describe=lambda case: f"{case['kind']} case: " + _describe_regression(case),
    compare=_compare_sgd,
))


# ----------------------------------------------------------------------------- Bayes' rule


def _bayes_case(rng: np.random.Generator, kind: str) -> Case:
    if kind == "test":            # disease / no disease, one test result
        prevalence = rng.uniform(0.001, 0.2)
        sensitivity, specificity = rng.uniform(0.7, 0.99), rng.uniform(0.8, 0.999)
        return {"prior": np.array([prevalence, 1 - prevalence]), "likelihood": np.array([sensitivity, 1 - specificity])}
    if kind == "categorical":     # k dice-like hypotheses, m rolls; one hypothesis has prior 0
        k, symbols, m = 6, 4, 50
        tables = rng.dirichlet(np.ones(symbols), size=k)            # (k, symbols)
        rolls = rng.choice(symbols, size=m, p=tables[int(rng.integers(k))])
        prior = rng.dirichlet(np.ones(k))
        prior[int(rng.integers(k))] = 0.0
        return {"prior": prior / prior.sum(), "likelihood": tables[:, rolls].T}
    # coins: biases on a grid that includes 0 and 1 (impossible once both faces are seen)
    m = {"coin": 30, "many": 2000}[kind]
    grid = np.linspace(0.0, 1.0, 11 if kind == "coin" else 21)
    flips = rng.random(m) < rng.uniform(0.2, 0.8)
    likelihood = np.where(flips[:, None], grid[None, :], 1.0 - grid[None, :])   # (m, k)
    prior = rng.uniform(0.5, 1.5, size=grid.size)
    if kind == "many":
        prior[rng.choice(grid.size, size=3, replace=False)] = 0.0
    return {"prior": prior / prior.sum(), "likelihood": likelihood}


def _bayes_cases(rng: np.random.Generator) -> list[Case]:
    cases = [_bayes_case(rng, kind) for kind in ("test", "coin", "categorical", "many")]
    single = _bayes_case(rng, "categorical")
    cases.insert(3, {"prior": single["prior"], "likelihood": single["likelihood"][0]})  # one observation, 1-D
    return cases


def _enumerated_posterior(case: Case) -> np.ndarray:
    """prior × product of likelihoods for each hypothesis, normalised, in 50-digit decimal arithmetic."""
    likelihood = np.atleast_2d(case["likelihood"])
    with localcontext() as context:
        context.prec = 50
        joint = []
        for i, prior in enumerate(case["prior"]):
            value = Decimal(float(prior))
            for entry in likelihood[:, i]:
                value *= Decimal(float(entry))
            joint.append(value)
        evidence = sum(joint)
        return np.array([float(value / evidence) for value in joint])


def _compare_posterior(actual: Any, expected: Any, case: Case, name: str) -> None:
    likelihood = np.atleast_2d(case["likelihood"])
    problem = diagnose(actual, expected, rtol=1e-8, atol=1e-12, what=name)
    if problem:
        posterior = _as_floats(actual, name)
        if posterior.shape == expected.shape and np.all(np.isfinite(posterior)):
            if not np.isclose(posterior.sum(), 1.0, rtol=1e-6):
                problem = (f"{name} does not sum to 1 (it sums to {posterior.sum():.6g}): divide prior × likelihood "
                           "by its sum over the hypotheses, the evidence P(data).")
            else:
                no_prior = _enumerated_posterior({"prior": np.ones_like(expected), "likelihood": likelihood})
                if np.allclose(posterior, no_prior, rtol=1e-6, atol=1e-12) and not np.allclose(expected, no_prior):
                    problem = (f"{name} ignores the prior: it is the normalised likelihood alone. Multiply by the "
                               "prior first (forgetting it is the base-rate fallacy).")
        raise CheckFailure(problem)
    impossible = (case["prior"] == 0) | np.any(likelihood == 0, axis=0)
    posterior = np.asarray(actual, dtype=float)
    if np.any(posterior[impossible] != 0):
        i = int(np.flatnonzero(impossible & (posterior != 0))[0])
        raise CheckFailure(f"{name} gives hypothesis {i} the posterior {posterior[i]:.3g}, but its prior or the "
                           "likelihood of one observation is 0, so its posterior must be exactly 0 (don't add a "
                           "small epsilon before taking logs: leave log(0) = -inf, and exp(-inf) = 0).")


def _describe_bayes(case: Case) -> str:
    likelihood = case["likelihood"]
    observations = "one observation" if likelihood.ndim == 1 else f"{likelihood.shape[0]} observations"
    zeros = " (some hypotheses impossible)" if np.any(case["prior"] == 0) or np.any(likelihood == 0) else ""
    return f"{case['prior'].size} hypotheses, {observations}, likelihood with shape {likelihood.shape}{zeros}"


def _call_bayes(function: Callable, case: Case) -> Any:
    return function(case["prior"], case["likelihood"])


register(Exercise(
    key="week02.bayes_posterior",
    function="bayes_posterior",
    make_cases=_bayes_cases,
    call=_call_bayes,
    reference=_enumerated_posterior,
    describe=_describe_bayes,
    compare=_compare_posterior,
))


# ----------------------------------------------------------------------------- t confidence interval


def _interval_case(rng: np.random.Generator, n: int, confidence: float, kind: str) -> Case:
    if kind == "normal":
        sample = rng.normal(loc=rng.uniform(-5, 5), scale=rng.uniform(0.5, 3), size=n)
    elif kind == "exponential":
        sample = rng.exponential(scale=rng.uniform(0.5, 3), size=n)
    elif kind == "integers":
        sample = rng.integers(0, 7, size=n)
        sample[:2] = [0, 6]   # never constant
    else:                     # a large offset: E[x²] - E[x]² loses every digit here
        sample = 1e8 + rng.normal(size=n)
    return {"sample": sample, "confidence": confidence}


def _t_interval(sample: np.ndarray, confidence: float) -> np.ndarray:
    n = len(sample)
    low, high = scipy.stats.t.interval(confidence, df=n - 1, loc=np.mean(sample),
                                       scale=np.std(sample, ddof=1) / math.sqrt(n))
    return np.array([low, high])


def _compare_interval(actual: Any, expected: Any, case: Case, name: str) -> None:
    interval = _as_floats(actual, name)
    if interval.shape != (2,) or not np.all(np.isfinite(interval)):
        expect_close(interval, expected, name=name + " (return the interval as a pair (low, high))")
    low, high = interval
    sample, confidence = np.asarray(case["sample"], dtype=float), case["confidence"]
    n, mean = len(sample), float(np.mean(sample))
    centre, half = (low + high) / 2, (high - low) / 2
    expect_close(centre, mean, rtol=1e-12, atol=1e-12,
                 name=f"the centre (low + high) / 2 of {name} (it should be the sample mean)")
    half_expected = (expected[1] - expected[0]) / 2
    if np.isclose(half, half_expected, rtol=1e-7, atol=1e-12):
        return
    sd1, sd0 = np.std(sample, ddof=1), np.std(sample, ddof=0)
    t = scipy.stats.t.ppf((1 + confidence) / 2, n - 1)
    known = {
        t * sd0 / math.sqrt(n): "it uses the standard deviation with 1/n (ddof=0); the sample standard deviation "
                                "divides by n - 1 (np.std(sample, ddof=1)).",
        scipy.stats.norm.ppf((1 + confidence) / 2) * sd1 / math.sqrt(n):
            f"it uses the normal quantile; with an estimated standard deviation use the t quantile with n - 1 = "
            f"{n - 1} degrees of freedom, which is wider for small samples.",
        scipy.stats.t.ppf(confidence, n - 1) * sd1 / math.sqrt(n):
            "it uses the quantile at `confidence`; a two-sided interval leaves (1 - confidence) / 2 in each tail, "
            "so use the quantile at (1 + confidence) / 2.",
        t * sd1: "it uses the standard deviation of the data instead of the standard error of the mean, s / sqrt(n).",
        scipy.stats.t.ppf((1 + confidence) / 2, n) * sd1 / math.sqrt(n):
            f"it uses n = {n} degrees of freedom; the t distribution here has n - 1 = {n - 1}.",
    }
    hidden = expected_values_concealed()   # a hidden test: say what is wrong, not what the half-width should be
    for value, explanation in known.items():
        if np.isclose(half, value, rtol=1e-7):
            expected = ", which is not right" if hidden else f", expected {half_expected:.6g}"
            raise CheckFailure(f"the half-width (high - low) / 2 of {name} is {half:.6g}{expected}: {explanation}")
    hint = ""
    if abs(mean) > 1e6 * sd1:
        hint = (f" The values are all near {mean:.3g}: compute the variance from the deviations, sum((x - mean)²), "
                "because mean(x²) - mean² subtracts two huge, nearly equal numbers and cancels every digit.")
    expected = ", but it should be the" if hidden else f", expected {half_expected:.6g} ="
    raise CheckFailure(f"the half-width (high - low) / 2 of {name} is {half:.6g}{expected} t quantile at "
                       f"(1 + confidence) / 2 with n - 1 degrees of freedom × s / sqrt(n).{hint}")


def _call_interval(function: Callable, case: Case) -> Any:
    result = function(case["sample"], case["confidence"])
    return tuple(result) if isinstance(result, (tuple, list)) and len(result) == 2 else result


register(Exercise(
    key="week02.t_confidence_interval",
    function="t_confidence_interval",
    make_cases=lambda rng: [_interval_case(rng, n, confidence, kind)
                            for n, confidence, kind in [(12, 0.95, "normal"), (5, 0.9, "normal"),
                                                        (2, 0.95, "normal"), (40, 0.99, "exponential"),
                                                        (400, 0.8, "exponential"), (30, 0.95, "integers"),
                                                        (40, 0.95, "offset")]],
    call=_call_interval,
    reference=lambda case: _t_interval(case["sample"], case["confidence"]),
    describe=lambda case: (f"a sample of {len(case['sample'])} values"
                           f"{' near 1e8' if np.mean(case['sample']) > 1e7 else ''}, "
                           f"confidence = {case['confidence']}"),
    compare=_compare_interval,
))


# ----------------------------------------------------------------------------- per-student checkpoint questions

def _screening_posterior(p: dict) -> float:
    """Bayes' rule: P(condition | positive) = sensitivity · prevalence / P(positive)."""
    true_positive = p["sensitivity"] * p["prevalence"]
    return true_positive / (true_positive + (1 - p["specificity"]) * (1 - p["prevalence"]))


register_variant(Variant(
    key="week02.checkpoint_q1",
    draw=lambda rng: {"one_in": int(rng.choice([50, 100, 200, 250, 500, 1000])),
                      "sensitivity": float(rng.choice([0.90, 0.95, 0.98, 0.99])),
                      "specificity": float(rng.choice([0.90, 0.95, 0.97, 0.98, 0.99]))},
    answer=lambda p: _screening_posterior({**p, "prevalence": 1 / p["one_in"]}),
    question="Q1. A screening test for a condition that 1 in {one_in} people have has sensitivity {sensitivity:.0%} "
             "and specificity {specificity:.0%}. A randomly chosen person tests positive. What is the probability "
             "that they have the condition?",
))
