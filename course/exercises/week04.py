"""Week 04 (supervised learning II): the graded functions, their randomized inputs and their library references.

References: scikit-learn (``rbf_kernel``, ``GradientBoostingRegressor``, ``KFold``/``StratifiedKFold``,
``cross_val_score`` on a ``StandardScaler`` pipeline), central differences for the hinge-loss gradient, and
properties (sizes, complement, seeding, the 1/e out-of-bag rate) for the bootstrap.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeRegressor

from course.checks import CheckFailure, diagnose, expected_values_concealed
from course.exercises import Case, Challenge, Exercise, compare_close, register, register_challenge
from course.exercises.held_out import accuracy

# Every `call` passes the case's arrays as they are: run_case gives it working copies and the grader checks
# that they come back unchanged (a .copy() here would hide a function that overwrites its input).


def _expect(problem: str | None) -> None:
    if problem:
        raise CheckFailure(problem)


# ----------------------------------------------------------------------------- bootstrap and out-of-bag


def _oob_rate(n: int) -> tuple[float, float]:
    """Mean and variance of the out-of-bag count of one bootstrap of n samples: P(i never drawn) = (1 - 1/n)^n."""
    p, q = (1 - 1 / n) ** n, (1 - 2 / n) ** n
    return p, n * p + n * (n - 1) * q - (n * p) ** 2


def _bootstrap_cases(rng: np.random.Generator) -> list[Case]:
    sizes = [(1, 3), (10, 200), (7, 300), (50, 80), (200, 40), (3, 1)]
    return [{"n_samples": n, "n_trees": t, "seed": int(rng.integers(0, 2**31 - 1))} for n, t in sizes]


def _call_bootstrap(function: Callable, case: Case) -> Any:
    n, t, seed = case["n_samples"], case["n_trees"], case["seed"]
    return function(n, t, seed), function(n, t, seed), function(n, t, seed + 1)


def _compare_bootstrap(actual: Any, expected: Any, case: Case, name: str) -> None:
    n, t = case["n_samples"], case["n_trees"]
    first, again, other = actual
    if not (isinstance(first, (tuple, list)) and len(first) == 2):
        raise CheckFailure(f"{name} should be a pair (samples, oob); got {type(first).__name__}.")
    samples, oob = (np.asarray(part) for part in first)
    if samples.shape != (t, n):
        raise CheckFailure(f"samples has shape {samples.shape}, but (n_trees, n_samples) = {(t, n)} was expected: "
                           "one row of n_samples drawn indices per tree.")
    if samples.dtype.kind not in "iu":
        raise CheckFailure(f"samples has dtype {samples.dtype}, but integer indices were expected.")
    if samples.min() < 0 or samples.max() >= n:
        raise CheckFailure(f"samples holds indices from {samples.min()} to {samples.max()}, "
                           f"but valid indices run from 0 to n_samples - 1 = {n - 1}.")
    if oob.shape != (t, n) or oob.dtype != bool:
        raise CheckFailure(f"oob should be a boolean mask of shape (n_trees, n_samples) = {(t, n)}; "
                           f"got shape {oob.shape} and dtype {oob.dtype}.")
    in_bag = np.zeros((t, n), dtype=bool)
    np.put_along_axis(in_bag, samples, True, axis=1)
    wrong_rows = np.flatnonzero((oob != ~in_bag).any(axis=1))
    if wrong_rows.size:
        row = int(wrong_rows[0])
        index = int(np.flatnonzero(oob[row] != ~in_bag[row])[0])
        drawn = "is drawn" if in_bag[row, index] else "is never drawn"
        raise CheckFailure(f"oob[t, i] must be True exactly when index i does not appear in samples[t]: in row {row}, "
                           f"index {index} {drawn} but oob says {bool(oob[row, index])}.")
    again_samples = np.asarray(again[0]) if isinstance(again, (tuple, list)) and len(again) == 2 else None
    if again_samples is None or not np.array_equal(again_samples, samples):
        raise CheckFailure("two calls with the same seed gave different samples: build the generator from the seed "
                           "inside the function (rng = np.random.default_rng(seed)) and draw only from it, "
                           "never from np.random's global state.")
    other_samples = np.asarray(other[0]) if isinstance(other, (tuple, list)) and len(other) == 2 else None
    if n * t >= 20 and other_samples is not None and np.array_equal(other_samples, samples):
        raise CheckFailure("seeds `seed` and `seed + 1` gave identical samples: the seed must decide the draws.")
    if n >= 5 and t > 1 and (samples == samples[0]).all():
        raise CheckFailure("every tree got the same bootstrap sample: draw a fresh sample for each tree "
                           "(one row per tree), otherwise the trees are identical and averaging them gains nothing.")
    if n >= 5 and t * n >= 200:
        counts = np.bincount(samples.ravel(), minlength=n)
        if (counts == 0).any():
            missing = int(np.flatnonzero(counts == 0)[-1])
            raise CheckFailure(f"index {missing} is never drawn in {t} bootstraps of {n}: every index from 0 to "
                               f"n_samples - 1 must be possible (rng.integers(0, n) already excludes n).")
    p, variance = expected
    if n > 1:
        rate = oob.mean()
        tolerance = 6 * np.sqrt(variance / t) / n + 1e-9
        if abs(rate - p) > tolerance:
            hint = (" No index is ever out of bag: are you drawing without replacement (a permutation)?"
                    if rate == 0 else "")
            share = "" if expected_values_concealed() else f" = {p:.3f}"
            raise CheckFailure(f"on average {rate:.3f} of the samples are out of bag, but a bootstrap (n draws with "
                               f"replacement) leaves out (1 - 1/n)^n{share} of them (n = {n}).{hint}")


register(Exercise(
    key="week04.bootstrap_oob",
    function="bootstrap_oob",
    make_cases=_bootstrap_cases,
    call=_call_bootstrap,
    reference=lambda case: _oob_rate(case["n_samples"]),
    describe=lambda case: f"n_samples = {case['n_samples']}, n_trees = {case['n_trees']}, seed = {case['seed']}",
    compare=_compare_bootstrap,
))


# ----------------------------------------------------------------------------- hinge loss and its gradient


def _hinge_objective(w: np.ndarray, b: float, case: Case) -> float:
    margins = case["y"] * (case["X"] @ w + b)
    return float(0.5 * w @ w + case["C"] * np.maximum(0.0, 1.0 - margins).sum())


def _hinge_case(rng: np.random.Generator, n: int, d: int, margins: tuple[float, float]) -> Case:
    """A linear SVM objective whose margins are drawn from ``margins`` but never within 0.02 of the kink at 1."""
    w = rng.normal(size=d)
    w *= max(1.0, 0.5 / np.linalg.norm(w))
    b = float(rng.normal())
    y = rng.choice([-1.0, 1.0], size=n)
    m = rng.uniform(*margins, size=n)
    m = np.where(np.abs(m - 1.0) < 0.02, m + 0.05, m)
    X = rng.normal(scale=1.5, size=(n, d))
    X -= np.outer(X @ w, w) / (w @ w)                     # keep only the part orthogonal to w ...
    X += np.outer((m / y - b) / (w @ w), w)               # ... then set y_i (w·x_i + b) = m_i
    return {"w": w, "b": b, "X": X, "y": y, "C": float(rng.choice([0.1, 1.0, 3.0]))}


def _hinge_cases(rng: np.random.Generator) -> list[Case]:
    some, none, every = (-2.0, 3.0), (1.1, 4.0), (-3.0, 0.9)   # margins: mixed, none violated, all violated
    return [_hinge_case(rng, n, d, margins) for n, d, margins in
            [(1, 1, some), (5, 2, some), (20, 3, some), (100, 5, some), (10, 4, none), (12, 3, every)]]


def _hinge_reference(case: Case) -> tuple[float, np.ndarray, float]:
    """The objective from its formula, and its gradient by central differences (exact away from the kink)."""
    w, b, h = case["w"], case["b"], 1e-6
    grad_w = np.array([(_hinge_objective(w + h * e, b, case) - _hinge_objective(w - h * e, b, case)) / (2 * h)
                       for e in np.eye(w.size)])
    grad_b = (_hinge_objective(w, b + h, case) - _hinge_objective(w, b - h, case)) / (2 * h)
    return _hinge_objective(w, b, case), grad_w, grad_b


def _call_hinge(function: Callable, case: Case) -> Any:
    return function(case["w"], case["b"], case["X"], case["y"], case["C"])


def _compare_hinge(actual: Any, expected: Any, case: Case, name: str) -> None:
    if not (isinstance(actual, (tuple, list)) and len(actual) == 3):
        raise CheckFailure(f"{name} should be a triple (loss, grad_w, grad_b); got {type(actual).__name__}"
                           + (f" of length {len(actual)}" if isinstance(actual, (tuple, list)) else "") + ".")
    loss, grad_w, grad_b = actual
    want_loss, want_w, want_b = expected
    problem = diagnose(loss, want_loss, rtol=1e-9, atol=1e-9, what="the loss")
    if problem:
        hinge = np.maximum(0.0, 1.0 - case["y"] * (case["X"] @ case["w"] + case["b"]))
        regulariser = 0.5 * case["w"] @ case["w"]
        for value, mistake in [(regulariser + case["C"] * hinge.mean(),
                                "it averages the hinge losses; the SVM objective sums them: C * sum(...)"),
                               (case["C"] * hinge.sum(), "the regulariser ½‖w‖² is missing"),
                               (regulariser + hinge.sum(), "C multiplies the hinge terms")]:
            if np.ndim(loss) == 0 and np.isclose(float(loss), value, rtol=1e-9, atol=1e-9) and \
                    not np.isclose(value, want_loss, rtol=1e-9, atol=1e-9):
                should = ", which is not right" if expected_values_concealed() else f" but should be {want_loss:.6g}"
                raise CheckFailure(f"the loss is {float(loss):.6g}{should}: {mistake}.")
        raise CheckFailure(problem)
    problem = diagnose(grad_w, want_w, rtol=1e-6, atol=1e-6,
                       what="grad_w (checked against central differences of the objective)")
    if problem and np.shape(grad_w) == np.shape(want_w):
        w, X, y, C = case["w"], case["X"], case["y"], case["C"]
        wrong_side = y * (X @ w + case["b"]) < 0
        for value, mistake in [(want_w - w, "the regulariser's gradient w is missing from grad_w"),
                               (w - C * (y[wrong_side] @ X[wrong_side]),
                                "grad_w counts only the examples with margin below 0; every example with margin "
                                "below 1 contributes -C y_i x_i")]:
            if np.allclose(np.asarray(grad_w, dtype=float), value, rtol=1e-6, atol=1e-6) and \
                    not np.allclose(value, want_w, rtol=1e-6, atol=1e-6):
                raise CheckFailure(f"{problem} It looks like {mistake}.")
    _expect(problem)
    _expect(diagnose(grad_b, want_b, rtol=1e-6, atol=1e-6,
                     what="grad_b (checked against central differences of the objective)"))


register(Exercise(
    key="week04.hinge_loss_and_gradient",
    function="hinge_loss_and_gradient",
    make_cases=_hinge_cases,
    call=_call_hinge,
    reference=_hinge_reference,
    describe=lambda case: f"X with shape {case['X'].shape}, C = {case['C']}",
    compare=_compare_hinge,
))


# ----------------------------------------------------------------------------- RBF kernel matrix


def _kernel_case(rng: np.random.Generator, n: int, m: int, d: int, gamma: float, same: bool = False) -> Case:
    # Spread the points so that gamma * distance² is of order 1: kernel values neither all 1 nor all 0.
    spread, centre = 1.0 / np.sqrt(gamma * d), rng.normal(scale=3.0, size=d)
    X = centre + spread * rng.normal(size=(n, d))
    return {"X": X, "Y": X.copy() if same else centre + spread * rng.normal(size=(m, d)), "gamma": gamma}


register(Exercise(
    key="week04.rbf_kernel_matrix",
    function="rbf_kernel_matrix",
    make_cases=lambda rng: [_kernel_case(rng, 1, 1, 1, 0.5), _kernel_case(rng, 5, 3, 2, 1.0),
                            _kernel_case(rng, 20, 30, 4, 0.1), _kernel_case(rng, 12, 12, 3, 2.0, same=True),
                            _kernel_case(rng, 40, 1, 10, 0.02), _kernel_case(rng, 7, 9, 2, 10.0)],
    call=lambda function, case: function(case["X"], case["Y"], case["gamma"]),
    reference=lambda case: rbf_kernel(case["X"], case["Y"], gamma=case["gamma"]),
    describe=lambda case: f"X with shape {case['X'].shape}, Y with shape {case['Y'].shape}, gamma = {case['gamma']}",
    compare=compare_close(rtol=1e-9, atol=1e-12),
))


# ----------------------------------------------------------------------------- gradient boosting


def _boosting_case(rng: np.random.Generator, n: int, d: int, n_estimators: int, learning_rate: float,
                   max_depth: int) -> Case:
    X = rng.normal(size=(n, d))
    y = 10.0 + 3 * np.sin(2 * X[:, 0]) + X[:, -1] ** 2 + rng.normal(scale=0.3, size=n)
    new_points = rng.normal(size=(15, d))
    # The first rows of X_eval are training points: they separate "wrong boosting" from "ties broken differently".
    return {"X": X, "y": y, "X_eval": np.vstack([X[:10], new_points]), "n_estimators": n_estimators,
            "learning_rate": learning_rate, "max_depth": max_depth, "random_state": int(rng.integers(0, 10_000))}


def _boosting_reference(case: Case) -> np.ndarray:
    model = GradientBoostingRegressor(loss="squared_error", learning_rate=case["learning_rate"],
                                      n_estimators=case["n_estimators"], max_depth=case["max_depth"],
                                      subsample=1.0, random_state=case["random_state"])
    # Some scikit-learn releases of the range we allow warn about the criterion's default (FutureWarning:
    # "friedman_mse" maps to "squared_error"); stock nbgrader zeroes a cell whose stderr holds a warning, so
    # the course's own reference must print none into the learner's check() cell.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        model.fit(case["X"], case["y"])
        return np.array(list(model.staged_predict(case["X_eval"])))


def _boost_variant(case: Case, *, init: str = "mean", shrink: bool = True, residuals: bool = True,
                   shared_rng: bool = True) -> np.ndarray:
    """Staged predictions of a boosting loop with one deliberate change: used only to name a learner's mistake."""
    X, y, X_eval = case["X"], case["y"], case["X_eval"]
    rng = np.random.RandomState(case["random_state"])
    start = y.mean() if init == "mean" else 0.0
    fit, staged, current = np.full(len(y), start), [], np.full(len(X_eval), start)
    for _ in range(case["n_estimators"]):
        tree = DecisionTreeRegressor(max_depth=case["max_depth"],
                                     random_state=rng if shared_rng else case["random_state"])
        tree.fit(X, y - fit if residuals else y)
        step = case["learning_rate"] if shrink else 1.0
        fit = fit + step * tree.predict(X)
        current = current + step * tree.predict(X_eval)
        staged.append(current)
    return np.array(staged)


def _compare_boosting(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    M, n_eval = expected.shape
    try:
        array = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        array = None
    if array is not None and array.shape != expected.shape:
        if array.shape == (n_eval,):
            raise CheckFailure(f"{name} has shape {array.shape}: return the prediction after every stage, an array "
                               f"of shape (n_estimators, len(X_eval)) = {expected.shape} whose last row is the final "
                               "prediction.")
        if array.shape == (M + 1, n_eval):
            raise CheckFailure(f"{name} has shape {array.shape}, one row too many: row m is the prediction after "
                               "m + 1 trees, so leave out the initial constant prediction.")
    if diagnose(actual, expected, rtol=1e-9, atol=1e-9, what=name) is None:
        return
    if array is not None and array.shape == expected.shape and np.all(np.isfinite(array)):
        mistakes = [({"init": "zero"}, "it starts from 0; start from the mean of y (the best constant)"),
                    ({"shrink": False}, "every tree is added at full size; multiply each tree's prediction by "
                                        "learning_rate before adding it"),
                    ({"residuals": False}, "every tree is fitted to y; fit each tree to the residuals "
                                           "y - current prediction on the training set"),
                    ({"shared_rng": False}, "it matches on the training points but not on new points: the trees "
                                            "break ties between equally good splits differently. Create "
                                            "rng = np.random.RandomState(random_state) once and pass "
                                            "random_state=rng to every tree, as scikit-learn does")]
        for change, mistake in mistakes:
            if np.allclose(array, _boost_variant(case, **change), rtol=1e-9, atol=1e-9):
                raise CheckFailure(f"{name} does not match GradientBoostingRegressor: {mistake}.")
    _expect(diagnose(actual, expected, rtol=1e-9, atol=1e-9, what=name))


register(Exercise(
    key="week04.gradient_boosting",
    function="gradient_boosting",
    make_cases=lambda rng: [_boosting_case(rng, *settings) for settings in
                            [(30, 1, 10, 0.1, 1), (60, 3, 25, 0.3, 3), (100, 5, 30, 0.1, 2),
                             (25, 2, 5, 1.0, 4), (80, 4, 40, 0.05, 3), (40, 2, 1, 0.5, 2),
                             (20, 6, 8, 0.5, 5)]],
    call=lambda function, case: function(case["X"], case["y"], case["X_eval"], case["n_estimators"],
                                         case["learning_rate"], case["max_depth"], case["random_state"]),
    reference=_boosting_reference,
    describe=lambda case: (f"X with shape {case['X'].shape}, n_estimators = {case['n_estimators']}, "
                           f"learning_rate = {case['learning_rate']}, max_depth = {case['max_depth']}"),
    compare=_compare_boosting,
))


# ----------------------------------------------------------------------------- (stratified) k-fold


def _test_folds(splitter, y: np.ndarray) -> np.ndarray:
    folds = np.empty(len(y), dtype=int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "the least populated class has only ... members"
        for k, (_, test) in enumerate(splitter.split(np.zeros((len(y), 1)), y)):
            folds[test] = k
    return folds


def _kfold_reference(case: Case) -> np.ndarray:
    splitter = StratifiedKFold if case["stratified"] else KFold
    return _test_folds(splitter(n_splits=case["n_splits"]), case["y"])


def _kfold_cases(rng: np.random.Generator) -> list[Case]:
    def labels(counts: dict, shuffle: bool = True) -> np.ndarray:
        y = np.concatenate([[label] * count for label, count in counts.items()])
        return rng.permutation(y) if shuffle else y

    return [
        {"y": rng.integers(0, 2, size=10), "n_splits": 3, "stratified": False},
        {"y": rng.integers(0, 3, size=int(rng.integers(40, 120))), "n_splits": 7, "stratified": False},
        {"y": np.zeros(5, dtype=int), "n_splits": 5, "stratified": False},
        {"y": labels({0: 10, 1: 10}, shuffle=False), "n_splits": 4, "stratified": True},
        {"y": labels({0: int(rng.integers(60, 90)), 1: int(rng.integers(8, 15))}), "n_splits": 5,
         "stratified": True},
        # Classes whose first appearance differs from their sorted order, one rarer than n_splits:
        {"y": np.concatenate([["dog", "cat", "cat"], labels({"bird": 2, "cat": 13, "dog": 9})]), "n_splits": 4,
         "stratified": True},
        {"y": np.concatenate([[2, 1, 0], labels({0: 11, 1: int(rng.integers(5, 9)), 2: 17})]), "n_splits": 3,
         "stratified": True},
    ]


def _stratified_variant(y: np.ndarray, n_splits: int, order: str = "appearance", within: str = "blocks") -> np.ndarray:
    """StratifiedKFold's rule with one step changed: used only to name a learner's mistake."""
    _, first, encoded = np.unique(y, return_index=True, return_inverse=True)
    if order == "appearance":
        encoded = np.argsort(np.argsort(first))[encoded]
    n_classes = len(first)
    quota = np.array([np.bincount(np.sort(encoded)[k::n_splits], minlength=n_classes) for k in range(n_splits)])
    folds = np.empty(len(y), dtype=int)
    for c in range(n_classes):
        members = encoded == c
        folds[members] = (np.repeat(np.arange(n_splits), quota[:, c]) if within == "blocks"
                          else np.arange(members.sum()) % n_splits)
    return folds


def _compare_folds(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    y, k = case["y"], case["n_splits"]
    if actual is None or np.shape(actual) != expected.shape:
        _expect(diagnose(actual, expected, rtol=0, atol=0, what=name))
    folds = np.asarray(actual)
    if folds.dtype.kind not in "iu" and not (folds.dtype.kind == "f" and np.all(folds == np.round(folds))):
        raise CheckFailure(f"{name} should hold integer fold numbers; got dtype {folds.dtype}.")
    if np.array_equal(folds, expected):
        return
    if folds.min() < 0 or folds.max() >= k:
        raise CheckFailure(f"{name} holds fold numbers from {folds.min()} to {folds.max()}; they must run from 0 to "
                           f"n_splits - 1 = {k - 1}.")
    got_sizes, want_sizes = np.bincount(folds.astype(int), minlength=k), np.bincount(expected, minlength=k)
    if not case["stratified"]:
        if not np.array_equal(got_sizes, want_sizes):
            gives = "which is not what KFold gives" if expected_values_concealed() else \
                f"but KFold gives {want_sizes.tolist()}"
            raise CheckFailure(f"the test folds have sizes {got_sizes.tolist()}, {gives}: each fold gets "
                               "n // n_splits samples and the first n % n_splits folds get one more.")
        raise CheckFailure(f"the fold sizes are right but the samples are not: without shuffling, KFold's test folds "
                           f"are contiguous blocks (fold 0 = the first {want_sizes[0]} samples, and so on); "
                           f"{_first_difference(folds, expected)}.")
    plain = _test_folds(KFold(n_splits=k), y)
    if np.array_equal(folds, plain):
        raise CheckFailure("these are plain k-fold blocks: with stratified=True every class must be spread over "
                           "the folds in proportion to its size.")
    if np.array_equal(folds, _stratified_variant(y, k, order="sorted")):
        raise CheckFailure("the classes are numbered in sorted order; StratifiedKFold numbers them in order of "
                           "first appearance in y, which changes how many of each class every fold gets.")
    if np.array_equal(folds, _stratified_variant(y, k, within="round-robin")):
        raise CheckFailure("each class's samples are dealt round-robin (the j-th of a class to fold j % n_splits); "
                           "StratifiedKFold instead fixes each fold's quota per class, then fills the folds in "
                           "blocks, in the samples' original order.")
    labels = list(dict.fromkeys(y.tolist()))
    for label in labels:
        got = np.bincount(folds[y == label].astype(int), minlength=k)
        want = np.bincount(expected[y == label], minlength=k)
        if not np.array_equal(got, want):
            puts = "which is not what StratifiedKFold puts there" if expected_values_concealed() else \
                f"but StratifiedKFold puts {want.tolist()} there"
            raise CheckFailure(f"class {label!r} has {got.tolist()} samples in folds 0..{k - 1}, {puts}: deal the "
                               "sorted labels round-robin to find each fold's quota per class.")
    raise CheckFailure("every fold holds the right number of each class, but not the right samples: within a class, "
                       "fill the folds in blocks, in the samples' original order (the first quota of the class to "
                       f"fold 0, the next to fold 1, ...); {_first_difference(folds, expected)}.")


def _first_difference(folds: np.ndarray, expected: np.ndarray) -> str:
    i = int(np.flatnonzero(folds != expected)[0])
    if expected_values_concealed():
        return f"sample {i} is in fold {int(folds[i])}, which is not its fold"
    return f"sample {i} is in fold {int(folds[i])} but should be in fold {int(expected[i])}"


register(Exercise(
    key="week04.kfold_test_folds",
    function="kfold_test_folds",
    make_cases=_kfold_cases,
    call=lambda function, case: function(case["y"], case["n_splits"], stratified=case["stratified"]),
    reference=_kfold_reference,
    describe=lambda case: (f"{'stratified, ' if case['stratified'] else ''}{len(case['y'])} samples, "
                           f"n_splits = {case['n_splits']}"),
    compare=_compare_folds,
))


# ----------------------------------------------------------------------------- scaling without leakage


def _leakage_case(rng: np.random.Generator, n: int, d: int, n_splits: int, constant: bool = False) -> Case:
    # Features on very different scales that drift along the rows, so every fold's statistics differ.
    drift = np.linspace(0.0, 1.0, n)[:, None]
    X = rng.normal(size=(n, d)) * (1 + 3 * drift) * 10.0 ** rng.uniform(-2, 3, size=d) + 5 * drift
    y = (X / X.std(axis=0)) @ rng.normal(size=d) + rng.normal(scale=1.0, size=n)
    if constant:
        X[:, 0] = 2.0   # a constant feature: StandardScaler leaves it unscaled (std 0 -> divide by 1)
    test_sets = np.array_split(rng.permutation(n) if rng.random() < 0.5 else np.arange(n), n_splits)
    folds = [(np.setdiff1d(np.arange(n), test), np.sort(test)) for test in test_sets]
    return {"X": X, "y": y, "folds": folds, "alpha": float(rng.uniform(5.0, 30.0))}


def _leakage_reference(case: Case) -> np.ndarray:
    pipeline = make_pipeline(StandardScaler(), Ridge(alpha=case["alpha"]))
    return cross_val_score(pipeline, case["X"], case["y"], cv=[(tr, te) for tr, te in case["folds"]])


def _call_scaled_cv(function: Callable, case: Case) -> Any:
    return function(case["X"], case["y"], case["folds"], lambda: Ridge(alpha=case["alpha"]))


def _statistics(rows: np.ndarray, ddof: int = 0) -> tuple[np.ndarray, np.ndarray]:
    std = rows.std(axis=0, ddof=ddof)
    return rows.mean(axis=0), np.where(std == 0, 1.0, std)


def _scores_with(case: Case, scaling: str) -> np.ndarray:
    """Per-fold R² when the scaler is fitted the wrong way: used only to name a learner's mistake."""
    X, y, scores = case["X"], case["y"], []
    for train, test in case["folds"]:
        if scaling == "none":
            X_train, X_test = X[train], X[test]
        else:
            mean, std = _statistics(X if scaling == "all" else X[train], ddof=1 if scaling == "ddof1" else 0)
            test_mean, test_std = _statistics(X[test]) if scaling == "test" else (mean, std)
            X_train, X_test = (X[train] - mean) / std, (X[test] - test_mean) / test_std
        scores.append(Ridge(alpha=case["alpha"]).fit(X_train, y[train]).score(X_test, y[test]))
    return np.array(scores)


def _compare_scaled_cv(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    if diagnose(actual, expected, rtol=1e-8, atol=1e-10, what=name) is None:
        return
    if np.shape(actual) == expected.shape:
        for scaling, mistake in [
            ("all", "they are the scores of a scaler fitted on all of X before splitting. That leaks the test "
                    "fold's statistics into training: fit the mean and std on X[train] only"),
            ("test", "the test fold was standardised with its own mean and std; transform it with the training "
                     "fold's statistics, exactly like the training fold"),
            ("none", "they are the scores of the unscaled data: standardise each feature with the training fold's "
                     "mean and std"),
            ("ddof1", "the standard deviation uses ddof=1; StandardScaler divides by n (np.std's default, "
                            "ddof=0)"),
        ]:
            if np.allclose(np.asarray(actual, dtype=float), _scores_with(case, scaling), rtol=1e-8, atol=1e-10):
                raise CheckFailure(f"{name} does not match cross_val_score(make_pipeline(StandardScaler(), model)): "
                                   f"{mistake}.")
    _expect(diagnose(actual, expected, rtol=1e-8, atol=1e-10, what=name))


register(Exercise(
    key="week04.scaled_cv_scores",
    function="scaled_cv_scores",
    make_cases=lambda rng: [_leakage_case(rng, *settings) for settings in
                            [(40, 2, 4), (90, 4, 5), (150, 6, 3), (60, 3, 6, True), (30, 5, 2)]],
    call=_call_scaled_cv,
    reference=_leakage_reference,
    describe=lambda case: (f"X with shape {case['X'].shape}, {len(case['folds'])} folds, "
                           f"model Ridge(alpha={case['alpha']:.3g})"),
    compare=_compare_scaled_cv,
))


# ----------------------------------------------------------------------------- the tumour challenge (held out)

TUMOURS_PER_CLASS = 45          # of the 50 per class the course holds out
TUMOUR_NOISE = 0.02             # each measurement multiplied by 1 + 2 % Gaussian noise, per student


def _tumour_test(rng: np.random.Generator) -> tuple[Case, np.ndarray]:
    """90 of the 100 held-out tumours, in a random order, each measurement perturbed by ~2 %: a draw per student.
    A well-regularised model scores 0.944-0.978 on 90 % of draws (logistic regression, a forest, boosting:
    measured by tests/test_held_out.py), so the top threshold, 0.94, is reachable without luck."""
    from course.datasets import breast_cancer_held_out
    X, y = breast_cancer_held_out()
    rows = np.concatenate([rng.choice(np.flatnonzero(y == c), TUMOURS_PER_CLASS, replace=False) for c in (0, 1)])
    rng.shuffle(rows)
    return {"X": X[rows] * (1 + TUMOUR_NOISE * rng.standard_normal((len(rows), X.shape[1])))}, y[rows]


register_challenge(Challenge(
    key="week04.tumour_challenge",
    function="predict",
    make_test=_tumour_test,
    score=accuracy(np.array([0, 1])),
    metric="accuracy",
    thresholds=((0.94, 3), (0.90, 2), (0.80, 1)),
    describe=lambda case: f"{len(case['X'])} held-out tumours (drawn and slightly perturbed for you)",
))
