"""The quick start's graded functions: small, first-day versions of what each example's library call computes.

References: ``sklearn.model_selection.train_test_split(np.arange(n), test_size=..., random_state=seed)`` for
the split's row indices; ``sklearn.metrics.mean_squared_error`` and ``r2_score`` (its convention for a constant ``y_true``:
R² = 1 for perfect predictions, 0 otherwise); ``sklearn.metrics.confusion_matrix`` with ``labels=range(k)``;
the trainable parameters of a ``torch.nn.Sequential`` of ``nn.Linear`` layers with the first ones frozen
(``sum(p.numel() for p in model.parameters() if p.requires_grad)``); the k-means inertia from
``sklearn.metrics.pairwise_distances_argmin_min(X, centers, metric="sqeuclidean")``.

Each comparison names the mistake a wrong answer equals, when it equals one (see ``_mistakes_*``).
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from course.checks import CheckFailure, diagnose
from course.exercises import Case, Exercise, register
from course.exercises.judging import as_float as _as_float, judge as _judge, matches as _matches


# ----------------------------------------------------------------------------- split_indices


def split_by_recipe(n: int, test_size: float, seed: int, *, rounding: str = "ceil", test_from: str = "front",
                    generator: str = "RandomState", order: str = "train, test") -> tuple[np.ndarray, np.ndarray]:
    """Shuffle with RandomState(seed), cut the first ceil(test_size · n) as the test rows (or the mistakes)."""
    if generator == "RandomState":
        permutation = np.random.RandomState(seed).permutation(n)
    elif generator == "default_rng":
        permutation = np.random.default_rng(seed).permutation(n)
    else:                                   # no shuffle at all
        permutation = np.arange(n)
    n_test = int(np.ceil(test_size * n)) if rounding == "ceil" else int(test_size * n)
    if test_from == "front":
        test, train = permutation[:n_test], permutation[n_test:]
    else:
        test, train = permutation[n - n_test:], permutation[:n - n_test]
    return (train, test) if order == "train, test" else (test, train)


def _split_cases(rng: np.random.Generator) -> list[Case]:
    cases = [{"n": 100, "test_size": 0.2, "seed": 42}, {"n": 150, "test_size": 0.2, "seed": 42},
             {"n": 7, "test_size": 0.3, "seed": 0},          # 2.1 test rows: rounded up to 3
             {"n": 10, "test_size": 0.25, "seed": 3},        # 2.5: rounded up to 3
             {"n": 2, "test_size": 0.5, "seed": 1}, {"n": 1000, "test_size": 0.1, "seed": 5}]
    for _ in range(4):
        cases.append({"n": int(rng.integers(5, 400)), "test_size": float(np.round(rng.uniform(0.05, 0.6), 3)),
                      "seed": int(rng.integers(0, 2 ** 31 - 1))})
    return cases


def _split_reference(case: Case) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.model_selection import train_test_split
    train, test = train_test_split(np.arange(case["n"]), test_size=case["test_size"], random_state=case["seed"])
    return train, test


def _compare_split(actual: Any, expected: tuple, case: Case, name: str) -> None:
    if not (isinstance(actual, (tuple, list)) and len(actual) == 2):
        raise CheckFailure(f"{name} should be a tuple (train_indices, test_indices) of two arrays; got "
                           f"{type(actual).__name__}" + (f" of length {len(actual)}"
                                                         if isinstance(actual, (tuple, list)) else "") + ".")
    n, size, seed = case["n"], case["test_size"], case["seed"]
    train, test = actual
    both = np.concatenate([np.ravel(np.asarray(train)), np.ravel(np.asarray(test))]) \
        if all(isinstance(a, (np.ndarray, list, tuple)) for a in actual) else None
    if both is not None and both.dtype.kind in "iu" and not np.array_equal(np.sort(both), np.arange(n)):
        raise CheckFailure(f"{name}: the train and test indices together should be every row 0 … {n - 1} exactly "
                           "once (a split loses no row and repeats none).")
    mistakes = {
        "the test rows and the train rows in the other order (return train first, then test)":
            split_by_recipe(n, size, seed, order="test, train"),
        "int(test_size · n), rounded down (the test set gets ceil(test_size · n) rows)":
            split_by_recipe(n, size, seed, rounding="floor"),
        "the test rows taken from the end of the permutation (they are its first ceil(test_size · n))":
            split_by_recipe(n, size, seed, test_from="back"),
        "np.random.default_rng(seed) (the recipe, like scikit-learn, uses np.random.RandomState(seed))":
            split_by_recipe(n, size, seed, generator="default_rng"),
        "no shuffle (the rows are in their original order)": split_by_recipe(n, size, seed, generator="none"),
        "the right rows, sorted (keep them in the permutation's order, as train_test_split does)":
            tuple(np.sort(part) for part in expected),
    }
    for part, label in ((0, "train"), (1, "test")):
        problem = diagnose(actual[part], expected[part], rtol=0, atol=0, what=f"the {label} indices ({name}[{part}])")
        if problem is None:
            continue
        for mistake, value in mistakes.items():
            if all(_matches(a, v, rtol=0, atol=0) for a, v in zip(actual, value)):
                raise CheckFailure(f"{name} is what {mistake} gives.")
        raise CheckFailure(problem)


register(Exercise(
    key="quickstart.split_indices", function="split_indices",
    make_cases=_split_cases,
    call=lambda function, case: function(case["n"], case["test_size"], case["seed"]),
    reference=_split_reference,
    describe=lambda case: f"n={case['n']}, test_size={case['test_size']}, seed={case['seed']}",
    compare=_compare_split,
))


# ----------------------------------------------------------------------------- mse_and_r2


def r2_by_formula(y_true: np.ndarray, y_pred: np.ndarray, *, centre: str = "true", ddof: int = 0) -> float:
    """1 − SS_res / SS_tot with scikit-learn's convention for SS_tot = 0 (or the mistakes learners make)."""
    t, p = np.asarray(y_true, float), np.asarray(y_pred, float)
    around = t if centre == "true" else p
    ss_res = np.sum((t - p) ** 2)
    ss_tot = np.sum((around - around.mean()) ** 2) * len(t) / (len(t) - ddof)
    if ss_tot == 0:
        return 1.0 if ss_res == 0 else 0.0
    return float(1 - ss_res / ss_tot)


def _mse_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, noise in ((100, 1.0), (20, 0.3), (7, 3.0), (250, 0.05)):
        x = rng.uniform(0, 2, size=n)
        y = 4 + 3 * x + noise * rng.normal(size=n)
        fitted = np.polyval(np.polyfit(x, y, 1), x) + rng.normal(scale=0.1, size=n)   # close, not least squares
        cases.append({"y_true": y, "y_pred": fitted})
    y = rng.normal(size=30)
    cases.append({"y_true": y, "y_pred": -y + rng.normal(size=30)})                   # worse than the mean: R² < 0
    cases.append({"y_true": 1e6 + rng.normal(size=40), "y_pred": 1e6 + rng.normal(size=40)})   # a large offset
    cases.append({"y_true": rng.integers(0, 10, size=15), "y_pred": rng.integers(0, 10, size=15)})   # integers
    cases.append({"y_true": np.array([3.0, 5.0]), "y_pred": np.array([3.0, 5.0])})   # two samples, perfect
    cases.append({"y_true": np.full(6, 2.5), "y_pred": np.full(6, 2.5)})             # constant and perfect: R² = 1
    cases.append({"y_true": np.full(5, 2.5), "y_pred": np.array([2.0, 2.5, 3.0, 2.5, 2.5])})   # constant: R² = 0
    return cases


def _mse_reference(case: Case) -> tuple[float, float]:
    from sklearn.metrics import mean_squared_error, r2_score
    return (float(mean_squared_error(case["y_true"], case["y_pred"])),
            float(r2_score(case["y_true"], case["y_pred"])))


def _compare_mse(actual: Any, expected: tuple[float, float], case: Case, name: str) -> None:
    if not (isinstance(actual, (tuple, list)) and len(actual) == 2):
        raise CheckFailure(f"{name} should be a tuple (mse, r2) of two numbers; got {type(actual).__name__}"
                           + (f" of length {len(actual)}" if isinstance(actual, (tuple, list)) else "") + ".")
    mse, r2 = _as_float(actual[0], f"{name}[0] (the MSE)"), _as_float(actual[1], f"{name}[1] (R²)")
    t, p = np.asarray(case["y_true"], float), np.asarray(case["y_pred"], float)
    residual = t - p
    if np.ptp(t) == 0 and not np.isfinite(r2):
        raise CheckFailure(f"{name}[1] (R²) is {r2}: y_true is constant, so SS_tot = 0; use scikit-learn's rule "
                           "(R² = 1.0 when the predictions are perfect, else 0.0) instead of dividing by 0.")
    if _matches(mse, expected[1]) and _matches(r2, expected[0]) and not _matches(mse, expected[0]):
        raise CheckFailure(f"{name} is (R², MSE): the pair in the other order; return (mse, r2).")
    _judge(mse, expected[0], f"{name}[0] (the MSE)", lambda: {
        "the sum of squared errors, not divided by n (the MSE is their mean)": float(np.sum(residual ** 2)),
        "the root of the mean squared error (RMSE; the MSE is not square-rooted)":
            float(np.sqrt(np.mean(residual ** 2))),
        "the mean absolute error (the MSE squares each error)": float(np.mean(np.abs(residual))),
    }, rtol=1e-7, atol=1e-10)
    _judge(r2, expected[1], f"{name}[1] (R²)", lambda: {
        "SS_tot around the mean of y_pred (the arguments in the other order: R² compares with the mean of "
        "y_true)": r2_by_formula(t, p, centre="pred"),
        "the squared correlation of y_true and y_pred (equal to R² only for a least-squares fit on its own "
        "training data)": float(np.corrcoef(t, p)[0, 1] ** 2) if np.std(t) > 0 and np.std(p) > 0 else None,
        "1 − MSE / var(y_true, ddof=1) (SS_tot is the sum of squares around the mean, divided by nothing)":
            r2_by_formula(t, p, ddof=1),
    }, rtol=1e-7, atol=1e-10)


register(Exercise(
    key="quickstart.mse_and_r2", function="mse_and_r2",
    make_cases=_mse_cases,
    call=lambda function, case: function(case["y_true"], case["y_pred"]),
    reference=_mse_reference,
    describe=lambda case: (f"{len(case['y_true'])} values"
                           + (", y_true constant" if np.ptp(case["y_true"]) == 0 else "")),
    compare=_compare_mse,
))


# ----------------------------------------------------------------------------- confusion_matrix


def _confusion_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, k, right in ((30, 3, 0.9), (200, 4, 0.6), (50, 2, 0.5), (120, 6, 0.8)):
        y_true = rng.integers(0, k, size=n)
        y_pred = np.where(rng.random(n) < right, y_true, rng.integers(0, k, size=n))
        cases.append({"y_true": y_true, "y_pred": y_pred, "n_classes": k})
    y_true = rng.integers(0, 4, size=40)
    cases.append({"y_true": y_true, "y_pred": np.minimum(y_true, 2), "n_classes": 4})     # class 3 never predicted
    cases.append({"y_true": rng.integers(0, 3, size=25), "y_pred": rng.integers(0, 3, size=25), "n_classes": 5})
    cases.append({"y_true": np.array([2]), "y_pred": np.array([0]), "n_classes": 3})      # one sample
    y = rng.integers(0, 3, size=12)
    cases.append({"y_true": y, "y_pred": y.copy(), "n_classes": 3})                       # perfect: diagonal
    cases.append({"y_true": np.array([0, 0, 0, 1, 1, 2]), "y_pred": np.array([1, 2, 1, 0, 2, 0]), "n_classes": 3})
    return cases


def _confusion_reference(case: Case) -> np.ndarray:
    from sklearn.metrics import confusion_matrix
    return confusion_matrix(case["y_true"], case["y_pred"], labels=np.arange(case["n_classes"]))


def _compare_confusion(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    array = np.asarray(actual) if isinstance(actual, (np.ndarray, list, tuple)) else None
    present = expected.sum(axis=1) > 0
    if array is not None and array.shape == expected.shape and array.dtype.kind == "f" \
            and np.allclose(array[present].sum(axis=1), 1.0) and not np.allclose(array, expected):
        raise CheckFailure(f"{name} holds each row's shares (rows normalised to 1): the confusion matrix holds "
                           "counts, C[i, j] = how many samples of true class i were predicted as j.")
    _judge(actual, expected, name, lambda: {
        "rows for the predicted classes and columns for the true ones (the transpose: C[i, j] counts true class "
        "i predicted as j)": expected.T,
    }, rtol=0, atol=0)


register(Exercise(
    key="quickstart.confusion_matrix", function="confusion_matrix",
    make_cases=_confusion_cases,
    call=lambda function, case: function(case["y_true"], case["y_pred"], case["n_classes"]),
    reference=_confusion_reference,
    describe=lambda case: (f"{len(case['y_true'])} samples, {case['n_classes']} classes "
                           f"({len(np.unique(case['y_true']))} present in y_true, "
                           f"{len(np.unique(case['y_pred']))} in y_pred)"),
    compare=_compare_confusion,
))


# ----------------------------------------------------------------------------- count_parameters


def torch_trainable(layer_sizes: list[int], frozen: int = 0) -> int:
    """Build ``nn.Sequential(Linear(s0, s1), ReLU(), Linear(s1, s2), ...)``, freeze the first ``frozen`` Linear
    layers (``requires_grad_(False)``) and count what is left the way PyTorch users do."""
    import torch.nn as nn
    linears = [nn.Linear(a, b, device="meta") for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]   # no memory
    for layer in linears[:frozen]:
        layer.requires_grad_(False)
    model = nn.Sequential(*[part for layer in linears for part in (layer, nn.ReLU())][:-1])
    return int(sum(p.numel() for p in model.parameters() if p.requires_grad))


def count_by_formula(layer_sizes, frozen=0, *, biases=True, from_end=False, ignore_frozen=False) -> int:
    pairs = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    if not ignore_frozen:
        pairs = pairs[:len(pairs) - frozen] if from_end else pairs[frozen:]
    return int(sum(a * b + (b if biases else 0) for a, b in pairs))


def _count_cases(rng: np.random.Generator) -> list[Case]:
    cases = [{"layer_sizes": [20, 64, 64, 3], "frozen": 0}, {"layer_sizes": [64, 64, 32, 5], "frozen": 2},
             {"layer_sizes": [4, 1], "frozen": 0}, {"layer_sizes": [1, 1], "frozen": 1},     # all frozen: 0
             {"layer_sizes": [784, 256, 10], "frozen": 1}]
    for _ in range(6):
        sizes = [int(s) for s in rng.integers(1, 300, size=int(rng.integers(2, 7)))]
        cases.append({"layer_sizes": sizes, "frozen": int(rng.integers(0, len(sizes)))})
    return cases


def _compare_count(actual: Any, expected: int, case: Case, name: str) -> None:
    if isinstance(actual, (bool, np.bool_)) or not isinstance(actual, (numbers.Integral, np.integer)):
        if isinstance(actual, (float, np.floating)) and float(actual).is_integer():
            raise CheckFailure(f"{name} is the float {actual!r}; a count of parameters is an integer "
                               "(int(...) or integer arithmetic).")
        raise CheckFailure(f"{name} is {actual!r} ({type(actual).__name__}), but an integer count was expected.")
    sizes, frozen = case["layer_sizes"], case["frozen"]
    _judge(int(actual), expected, name, lambda: {
        "counting the weights only (each Linear layer also has one bias per output)":
            count_by_formula(sizes, frozen, biases=False),
        "counting the frozen layers too (frozen parameters are not trainable)":
            count_by_formula(sizes, frozen, ignore_frozen=True),
        "freezing the last layers instead of the first ones (the first `frozen` layers are frozen)":
            count_by_formula(sizes, frozen, from_end=True),
        "one bias per input instead of per output ((n_in + 1) · n_out is right)":
            int(sum(a * b + a for a, b in list(zip(sizes[:-1], sizes[1:]))[frozen:])),
    }, rtol=0, atol=0)


register(Exercise(
    key="quickstart.count_parameters", function="count_parameters",
    make_cases=_count_cases,
    call=lambda function, case: function(case["layer_sizes"], case["frozen"]),
    reference=lambda case: torch_trainable(case["layer_sizes"], case["frozen"]),
    describe=lambda case: f"layer_sizes={case['layer_sizes']}, frozen={case['frozen']}",
    compare=_compare_count,
))


# ----------------------------------------------------------------------------- kmeans_inertia


def inertia_by_formula(X: np.ndarray, centers: np.ndarray, *, squared=True, reduce="sum", nearest=True) -> float:
    X, centers = np.asarray(X, float), np.asarray(centers, float)
    d2 = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    d = d2 if squared else np.sqrt(d2)
    per_point = d.min(axis=1) if nearest else d.sum(axis=1)
    return float(per_point.sum() if reduce == "sum" else per_point.mean())


def _inertia_cases(rng: np.random.Generator) -> list[Case]:
    from sklearn.cluster import KMeans
    from sklearn.datasets import make_blobs
    cases = []
    for n, k, d in ((300, 4, 2), (60, 3, 5), (40, 1, 3)):
        X, _ = make_blobs(n_samples=n, centers=k, n_features=d, cluster_std=rng.uniform(0.4, 1.5),
                          random_state=int(rng.integers(1 << 30)))
        km = KMeans(n_clusters=k, n_init=1, random_state=int(rng.integers(1 << 30))).fit(X)
        cases.append({"X": X, "centers": km.cluster_centers_})          # the fitted centres, as in the lesson
    X = rng.normal(size=(50, 2))
    cases.append({"X": X, "centers": rng.normal(size=(6, 2)) * 2})        # arbitrary centres
    cases.append({"X": X, "centers": np.array([[0.0, 0.0], [100.0, 100.0]])})   # a centre no point is near
    cases.append({"X": rng.normal(size=(25, 1)), "centers": np.array([[-1.0], [1.0], [1.0]])})   # 1-D, a repeat
    cases.append({"X": np.array([[1.0, 2.0]]), "centers": np.array([[1.0, 2.0], [0.0, 0.0]])})   # on a centre: 0
    cases.append({"X": 1e4 + rng.normal(size=(30, 3)), "centers": 1e4 + rng.normal(size=(3, 3))})  # far from 0
    return cases


def _inertia_reference(case: Case) -> float:
    from sklearn.metrics import pairwise_distances_argmin_min
    _, squared = pairwise_distances_argmin_min(case["X"], case["centers"], metric="sqeuclidean")
    return float(np.sum(squared))


def _compare_inertia(actual: Any, expected: float, case: Case, name: str) -> None:
    value = _as_float(actual, name)
    X, centers = case["X"], case["centers"]
    _judge(value, expected, name, lambda: {
        "the sum of distances, not squared (inertia sums squared distances)":
            inertia_by_formula(X, centers, squared=False),
        "the mean over the points (inertia is the sum)": inertia_by_formula(X, centers, reduce="mean"),
        "every point's squared distance to every centre (inertia uses the nearest centre only)":
            inertia_by_formula(X, centers, nearest=False),
    }, rtol=1e-7, atol=1e-8)


register(Exercise(
    key="quickstart.kmeans_inertia", function="kmeans_inertia",
    make_cases=_inertia_cases,
    call=lambda function, case: function(case["X"], case["centers"]),
    reference=_inertia_reference,
    describe=lambda case: f"X of shape {case['X'].shape}, {len(case['centers'])} centres",
    compare=_compare_inertia,
))
