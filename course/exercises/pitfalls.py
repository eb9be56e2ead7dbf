"""The pitfalls lab: the graded fix functions, their randomized inputs and their library references.

References: ``cross_val_score(make_pipeline(SelectKBest(f_classif, k), LogisticRegression(C)), X, y, cv=folds)``
for the leakage-free selection (for two classes, ranking features by the F statistic and by |Pearson r| is the same
ranking: F = (n − 2) r² / (1 − r²)); ``SimpleImputer(strategy="mean", add_indicator=True)`` fitted on the training
rows for the imputation; ``sklearn.utils.class_weight.compute_class_weight("balanced")`` for the class weights;
``DummyClassifier(strategy="most_frequent")`` / ``DummyRegressor(strategy="mean")`` and their ``.score`` for the
baseline; ``RobustScaler()`` fitted on the training rows for the robust scaling; ``functools.lru_cache(maxsize)``
wrapped around the same counting function for the cache (which calls reach the function, and what comes back).

Mistakes are named by recomputing what each plausible mistake gives on the same case (only after a failure).
"""
from __future__ import annotations

import functools
import warnings
from typing import Any, Callable

import numpy as np

from course.checks import CheckFailure
from course.exercises import Case, Exercise, register
from course.exercises.judging import judge as _judge, matches as _matches, parts as _parts


def _fail_unless(problem: str | None) -> None:
    if problem:
        raise CheckFailure(problem)


# ----------------------------------------------------------------------------- 1. leakage: selection inside the folds


def _logistic(C: float):
    from sklearn.linear_model import LogisticRegression
    return LogisticRegression(C=C, solver="liblinear")


def _leakage_case(rng: np.random.Generator, n: int, d: int, informative: int, n_folds: int, k: int,
                  shuffled: bool = True) -> Case:
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 3.0, size=d) + rng.uniform(-2, 2, size=d)
    y = rng.integers(0, 2, size=n)
    y[:2] = [0, 1]                                     # both classes present
    if informative:                                   # a few columns that do carry the label
        X[:, :informative] += 1.2 * (2 * y[:, None] - 1)
    X = X[:, rng.permutation(d)]
    order = rng.permutation(n) if shuffled else np.arange(n)
    chunks = np.array_split(order, n_folds)
    folds = [(np.sort(np.concatenate([c for j, c in enumerate(chunks) if j != i])), np.sort(chunk))
             for i, chunk in enumerate(chunks)]
    return {"X": X, "y": y, "folds": folds, "k": k, "C": float(np.round(rng.uniform(0.1, 2.0), 2))}


def _leakage_cases(rng: np.random.Generator) -> list[Case]:
    return [_leakage_case(rng, 60, 300, 0, 4, 10), _leakage_case(rng, 80, 120, 3, 3, 3),
            _leakage_case(rng, 45, 500, 0, 3, 20), _leakage_case(rng, 100, 40, 5, 4, 5, shuffled=False),
            _leakage_case(rng, 50, 8, 2, 3, 8),                 # k = d: every feature selected
            _leakage_case(rng, 70, 200, 2, 2, 1)]                # one feature


def _abs_correlation(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    return np.abs(Xc.T @ yc) / np.sqrt((Xc ** 2).sum(axis=0) * (yc ** 2).sum())


def leakage_scores(case: Case, rows: str = "train", rank: str = "abs") -> np.ndarray:
    """Per-fold accuracy with the top-k features chosen on `rows` ("train", "all", "test") by |r| (or a mistake)."""
    X, y, k = case["X"], case["y"], case["k"]
    scores = []
    for train, test in case["folds"]:
        on = {"train": train, "test": test, "all": np.arange(len(y))}[rows]
        if rank == "signed":
            Xc, yc = X[on] - X[on].mean(axis=0), y[on] - y[on].mean()
            strength = Xc.T @ yc / np.sqrt((Xc ** 2).sum(axis=0) * (yc ** 2).sum())
        else:
            strength = _abs_correlation(X[on], y[on])
        chosen = np.argsort(-strength, kind="stable")[:k] if rank != "weakest" else np.argsort(strength)[:k]
        model = _logistic(case["C"]).fit(X[train][:, chosen], y[train])
        scores.append(model.score(X[test][:, chosen], y[test]))
    return np.array(scores)


def _leakage_reference(case: Case) -> np.ndarray:
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline
    pipeline = make_pipeline(SelectKBest(f_classif, k=case["k"]), _logistic(case["C"]))
    return cross_val_score(pipeline, case["X"], case["y"], cv=[(tr, te) for tr, te in case["folds"]])


def _compare_leakage(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    _judge(actual, expected, name, lambda: {
        "choosing the features on all the rows before the folds (the leak: the test fold helped pick them; rank "
        "them on X[train], y[train] only)": leakage_scores(case, rows="all"),
        "choosing the features on the test fold's rows (rank them on the training rows)":
            leakage_scores(case, rows="test"),
        "ranking by the signed correlation (a strongly negative correlation is as useful as a positive one: "
        "rank by |r|)": leakage_scores(case, rank="signed"),
        "keeping the k weakest features (sort by |r| in decreasing order)": leakage_scores(case, rank="weakest"),
    }, rtol=1e-9, atol=1e-12)


register(Exercise(
    key="pitfalls.leak_free_cv_scores", function="leak_free_cv_scores",
    make_cases=_leakage_cases,
    call=lambda function, case: function(case["X"], case["y"], case["folds"], case["k"],
                                         lambda: _logistic(case["C"])),
    reference=_leakage_reference,
    describe=lambda case: (f"X with shape {case['X'].shape}, {len(case['folds'])} folds, k = {case['k']}, "
                           f"LogisticRegression(C={case['C']:g}, solver='liblinear')"),
    compare=_compare_leakage,
    inputs=("X", "y", "folds"),
))


# ----------------------------------------------------------------------------- 2. missing data: impute on train only


def _with_holes(rng: np.random.Generator, n: int, d: int, rate: float) -> np.ndarray:
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 10, size=d) + rng.uniform(-20, 20, size=d)
    X[rng.random((n, d)) < rate] = np.nan
    X[0] = np.where(np.isnan(X[0]), rng.normal(size=d), X[0])       # no column is missing entirely
    return X


def _imputer_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n_train, n_test, d, rate in ((40, 15, 4, 0.2), (12, 30, 3, 0.35), (60, 5, 6, 0.1), (8, 8, 2, 0.3)):
        train = _with_holes(rng, n_train, d, rate)
        test = _with_holes(rng, n_test, d, rate) + 5.0          # the test rows come from a shifted period
        cases.append({"X_train": train, "X_test": test})
    full = rng.normal(size=(20, 3))                               # nothing missing in training: no indicators
    holes = rng.normal(size=(6, 3))
    holes[[1, 4], [0, 2]] = np.nan
    cases.append({"X_train": full, "X_test": holes})
    one = _with_holes(rng, 25, 1, 0.4)                            # one column, a single test row
    cases.append({"X_train": one, "X_test": np.array([[np.nan]])})
    return cases


def impute_with(X_train: np.ndarray, X_test: np.ndarray, means_from: str = "train", indicators: str = "missing",
                statistic: str = "mean") -> tuple[np.ndarray, np.ndarray]:
    """Mean-impute both arrays with statistics of `means_from`, and add missing indicators (or a mistake)."""
    source = {"train": X_train, "all": np.vstack([X_train, X_test])}.get(means_from, X_train)
    fill = np.nanmedian(source, axis=0) if statistic == "median" else np.nanmean(source, axis=0)
    flagged = np.flatnonzero(np.isnan(X_train).any(axis=0)) if indicators == "missing" else (
        np.arange(X_train.shape[1]) if indicators == "all" else np.array([], dtype=int))
    out = []
    for X in (X_train, X_test):
        means = np.nanmean(X, axis=0) if means_from == "own" else fill
        filled = np.where(np.isnan(X), means, X)
        out.append(np.hstack([filled, np.isnan(X[:, flagged]).astype(float)]))
    return out[0], out[1]


def _imputer_reference(case: Case) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.impute import SimpleImputer
    imputer = SimpleImputer(strategy="mean", add_indicator=True).fit(case["X_train"])
    return imputer.transform(case["X_train"]), imputer.transform(case["X_test"])


def _compare_imputer(actual: Any, expected: tuple, case: Case, name: str) -> None:
    train, test = _parts(actual, 2, "X_train_imputed, X_test_imputed", name)
    X_train, X_test = case["X_train"], case["X_test"]
    @functools.lru_cache(maxsize=None)
    def mistakes() -> dict:
        with warnings.catch_warnings():          # a test column with no observed value has no mean of its own
            warnings.simplefilter("ignore", RuntimeWarning)
            return _imputer_mistakes(X_train, X_test)
    for part, got, want in ((0, train, expected[0]), (1, test, expected[1])):
        what = f"{name}[{part}] (the imputed {'training' if part == 0 else 'test'} rows)"
        _judge(got, want, what, lambda: {m: v[part] for m, v in mistakes().items()}, rtol=1e-9, atol=1e-12)


def _imputer_mistakes(X_train: np.ndarray, X_test: np.ndarray) -> dict:
    return {
        "means over the training and the test rows together (the test rows leak into the statistics: fit on "
        "X_train only)": impute_with(X_train, X_test, means_from="all"),
        "filling each array with its own means (the test rows must be filled with the training means, as a "
        "served model would)": impute_with(X_train, X_test, means_from="own"),
        "leaving out the missing-indicator columns (append one 0/1 column per feature that has a missing "
        "value in X_train)": impute_with(X_train, X_test, indicators="none"),
        "an indicator column for every feature (only the features with a missing value in X_train get one)":
            impute_with(X_train, X_test, indicators="all"),
        "the median instead of the mean": impute_with(X_train, X_test, statistic="median"),
    }


register(Exercise(
    key="pitfalls.impute_train_test", function="impute_train_test",
    make_cases=_imputer_cases,
    call=lambda function, case: function(case["X_train"], case["X_test"]),
    reference=_imputer_reference,
    describe=lambda case: (f"X_train with shape {case['X_train'].shape} ({int(np.isnan(case['X_train']).sum())} "
                           f"missing), X_test with shape {case['X_test'].shape}"),
    compare=_compare_imputer,
))


# ----------------------------------------------------------------------------- 3. imbalanced classes: class weights


def _weights_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, shares in ((200, (0.95, 0.05)), (90, (0.6, 0.3, 0.1)), (37, (0.5, 0.5)), (500, (0.7, 0.2, 0.07, 0.03))):
        labels = rng.choice(len(shares), size=n, p=shares)
        labels[: len(shares)] = np.arange(len(shares))               # every class present
        cases.append({"y": rng.permutation(labels) * 3 + 1})          # labels 1, 4, 7, ...
    cases.append({"y": rng.choice(np.array(["spam", "ham", "phish"]), size=60, p=[0.3, 0.65, 0.05])})
    cases[-1]["y"][:3] = ["spam", "ham", "phish"]
    cases.append({"y": np.array([1, 0, 0, 0, 0, 0, 0])})             # a single minority example
    cases.append({"y": np.array([2, 2, 2])})                          # one class only: weight 1
    return cases


def _weights_reference(case: Case) -> dict:
    from sklearn.utils.class_weight import compute_class_weight
    classes = np.unique(case["y"])
    weights = compute_class_weight("balanced", classes=classes, y=case["y"])
    return {c.item(): float(w) for c, w in zip(classes, weights)}


def weights_with(y: np.ndarray, rule: str) -> dict:
    classes, counts = np.unique(y, return_counts=True)
    n, K = len(y), len(classes)
    value = {"share": counts / n, "inverse": 1 / counts, "no_k": n / counts, "inverted": K * counts / n}[rule]
    return {c.item(): float(v) for c, v in zip(classes, value)}


def _call_weights(function: Callable, case: Case) -> Any:
    """The learner's dict as a list of [label, weight] pairs: a dict's keys would cross the sandbox as strings."""
    result = function(case["y"])
    if isinstance(result, dict):
        return {"pairs": [[label, weight] for label, weight in result.items()]}
    return {"not a dict": type(result).__name__}


def _compare_weights(actual: Any, expected: dict, case: Case, name: str) -> None:
    if not isinstance(actual, dict) or "pairs" not in actual:
        what = actual.get("not a dict") if isinstance(actual, dict) else type(actual).__name__
        raise CheckFailure(f"{name} should be a dict {{class label: weight}}; got {what}.")
    try:
        got = {(k.item() if hasattr(k, "item") else k): v for k, v in actual["pairs"]}
    except Exception:
        raise CheckFailure(f"{name} has keys that are not class labels.") from None
    if set(got) != set(expected):
        missing, extra = set(expected) - set(got), set(got) - set(expected)
        raise CheckFailure(f"{name} should have one key per class in y ({len(expected)} classes); "
                           + (f"missing {sorted(map(repr, missing))}" if missing else "")
                           + ("; " if missing and extra else "")
                           + (f"unexpected keys {sorted(map(repr, extra))}" if extra else "") + ".")
    keys = sorted(expected, key=repr)
    try:
        values = np.array([float(got[k]) for k in keys])
    except (TypeError, ValueError):
        raise CheckFailure(f"{name} should map every class to a number.") from None
    _judge(values, np.array([expected[k] for k in keys]), f"{name}'s weights (classes in sorted order)", lambda: {
        f"{label} (balanced weights are n / (K · n_k))": np.array([weights_with(case["y"], rule)[k] for k in keys])
        for rule, label in (("share", "the class shares n_k / n"), ("inverse", "1 / n_k without the factor n / K"),
                            ("no_k", "n / n_k, without dividing by the number of classes K"),
                            ("inverted", "K · n_k / n, the balanced weights upside down"))}, rtol=1e-9, atol=1e-12)


register(Exercise(
    key="pitfalls.balanced_class_weights", function="balanced_class_weights",
    make_cases=_weights_cases,
    call=_call_weights,
    reference=_weights_reference,
    describe=lambda case: (f"{len(case['y'])} labels of {len(np.unique(case['y']))} classes, the rarest "
                           f"{np.unique(case['y'], return_counts=True)[1].min()} times"),
    compare=_compare_weights,
))


# ----------------------------------------------------------------------------- 4. ignoring the baseline


def _baseline_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n_train, n_test, shares in ((100, 40, (0.8, 0.2)), (60, 60, (0.3, 0.5, 0.2)), (30, 11, (0.1, 0.9))):
        y_train = rng.choice(len(shares), size=n_train, p=shares)
        y_test = rng.choice(len(shares), size=n_test, p=shares[::-1])   # the test mix differs from training
        cases.append({"y_train": y_train, "y_test": y_test, "task": "classification"})
    cases.append({"y_train": np.array(["b", "a", "a", "b", "c"]), "y_test": np.array(["a", "b", "b", "c", "c", "c"]),
                  "task": "classification"})                          # a tie between "a" and "b": the first sorted
    cases.append({"y_train": np.array([3, 3, 5, 5, 5, 3]), "y_test": np.array([5, 5, 3, 3, 3, 7, 7, 7, 7]),
                  "task": "classification"})                          # a tie: the smaller label
    for n_train, n_test, shift in ((50, 20, 0.0), (40, 30, 1.5), (15, 8, -0.7)):
        y_train = rng.normal(loc=10, scale=3, size=n_train)
        cases.append({"y_train": y_train, "y_test": rng.normal(loc=10 + 3 * shift, scale=3, size=n_test),
                      "task": "regression"})
    cases.append({"y_train": np.array([7.0]), "y_test": np.array([6.0, 8.0, 9.0]), "task": "regression"})
    return cases


def _baseline_reference(case: Case) -> float:
    from sklearn.dummy import DummyClassifier, DummyRegressor
    y_train, y_test = case["y_train"], case["y_test"]
    dummy = DummyClassifier(strategy="most_frequent") if case["task"] == "classification" else DummyRegressor()
    features = np.zeros((len(y_train), 1))
    return float(dummy.fit(features, y_train).score(np.zeros((len(y_test), 1)), y_test))


def baseline_with(case: Case, mistake: str) -> float:
    y_train, y_test = case["y_train"], case["y_test"]
    if case["task"] == "classification":
        source = y_test if mistake == "test" else y_train
        classes, counts = np.unique(source, return_counts=True)
        best = classes[::-1][np.argmax(counts[::-1])] if mistake == "last tie" else classes[np.argmax(counts)]
        return float(np.mean(y_test == best))
    centre = {"test": np.mean(y_test), "median": np.median(y_train)}.get(mistake, np.mean(y_train))
    if mistake == "mse":
        return float(np.mean((y_test - centre) ** 2))
    return float(1 - np.sum((y_test - centre) ** 2) / np.sum((y_test - np.mean(y_test)) ** 2))


def _compare_baseline(actual: Any, expected: float, case: Case, name: str) -> None:
    if isinstance(actual, (bool, np.bool_)) or np.size(actual) != 1:
        raise CheckFailure(f"{name} should be a single number (the baseline's score); got {actual!r:.60}.")
    _judge(actual, expected, name, lambda: {
        "the baseline fitted on y_test (the most frequent class or the mean of the test labels: a baseline "
        "learns from the training labels only)": baseline_with(case, "test"),
        "breaking the tie towards the largest label (DummyClassifier picks the first of the tied classes in "
        "sorted order)": baseline_with(case, "last tie") if case["task"] == "classification" else None,
        "the median of y_train (DummyRegressor predicts the mean)": baseline_with(case, "median")
        if case["task"] == "regression" else None,
        "the mean squared error (the score of a regressor is R² on y_test)": baseline_with(case, "mse")
        if case["task"] == "regression" else None,
    }, rtol=1e-9, atol=1e-12)


register(Exercise(
    key="pitfalls.baseline_score", function="baseline_score",
    make_cases=_baseline_cases,
    call=lambda function, case: function(case["y_train"], case["y_test"], case["task"]),
    reference=_baseline_reference,
    describe=lambda case: f"{case['task']}: {len(case['y_train'])} training and {len(case['y_test'])} test labels",
    compare=_compare_baseline,
))


# ----------------------------------------------------------------------------- 5. outliers: robust scaling


def _robust_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n_train, n_apply, d in ((50, 20, 3), (9, 30, 2), (200, 7, 5)):
        X_train = rng.standard_t(df=2, size=(n_train, d)) * rng.uniform(0.5, 50, size=d) + rng.uniform(-100, 100, d)
        X_train[rng.integers(0, n_train, size=2), rng.integers(0, d, size=2)] *= 1000    # a few wild outliers
        cases.append({"X_train": X_train, "X_apply": rng.normal(size=(n_apply, d)) * 20 + X_train.mean(axis=0)})
    constant = np.column_stack([rng.normal(size=12), np.full(12, 4.0)])                   # IQR 0: divide by 1
    cases.append({"X_train": constant, "X_apply": np.array([[0.0, 4.0], [1.0, 10.0]])})
    cases.append({"X_train": np.array([[3.0, -1.0]]), "X_apply": np.array([[5.0, 0.0], [3.0, -1.0]])})  # one row
    cases.append({"X_train": np.arange(8.0).reshape(-1, 1), "X_apply": np.array([[100.0], [-3.5]])})
    return cases


def robust_with(X_train: np.ndarray, X_apply: np.ndarray, mistake: str) -> np.ndarray:
    source = X_apply if mistake == "apply" else X_train
    if mistake == "standard":
        centre, scale = source.mean(axis=0), source.std(axis=0)
    else:
        low, high = (10, 90) if mistake == "10-90" else (25, 75)
        method = "nearest" if mistake == "nearest" else "linear"
        q_low, centre, q_high = np.percentile(source, [low, 50, high], axis=0, method=method)
        scale = q_high - q_low
        if mistake == "no scale":
            scale = np.ones_like(scale)
    return (X_apply - centre) / np.where(scale == 0, 1.0, scale)


def _robust_reference(case: Case) -> np.ndarray:
    from sklearn.preprocessing import RobustScaler
    return RobustScaler().fit(case["X_train"]).transform(case["X_apply"])


def _compare_robust(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    X_train, X_apply = case["X_train"], case["X_apply"]
    _judge(actual, expected, name, lambda: {
        "the mean and the standard deviation (StandardScaler: one outlier moves both; robust scaling uses the "
        "median and the interquartile range)": robust_with(X_train, X_apply, "standard"),
        "the median and IQR of X_apply (the statistics come from X_train, the rows the model was fitted on)":
            robust_with(X_train, X_apply, "apply"),
        "the 10th and 90th percentiles (the interquartile range is the 75th minus the 25th)":
            robust_with(X_train, X_apply, "10-90"),
        "subtracting the median without dividing by the IQR": robust_with(X_train, X_apply, "no scale"),
        "percentiles with method='nearest' (RobustScaler uses NumPy's default, linear interpolation)":
            robust_with(X_train, X_apply, "nearest"),
    }, rtol=1e-9, atol=1e-10)


register(Exercise(
    key="pitfalls.robust_scale", function="robust_scale",
    make_cases=_robust_cases,
    call=lambda function, case: function(case["X_train"], case["X_apply"]),
    reference=_robust_reference,
    describe=lambda case: f"X_train with shape {case['X_train'].shape}, X_apply with shape {case['X_apply'].shape}",
    compare=_compare_robust,
))


# ----------------------------------------------------------------------------- 6. no caching: an LRU cache


def _cache_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for length, distinct, maxsize in ((40, 10, None), (30, 6, 3), (25, 4, 1), (20, 5, 2), (35, 8, 5), (12, 3, 4)):
        popular = rng.integers(0, distinct, size=length)                  # repeated requests, some popular ones
        calls = [[int(a), int(b)] for a, b in zip(popular, rng.integers(0, 2, size=length))]
        cases.append({"calls": calls, "maxsize": maxsize, "scale": float(np.round(rng.uniform(1, 9), 3))})
    cases.append({"calls": [[1, 0], [2, 0], [1, 0], [3, 0], [2, 0], [1, 0]], "maxsize": 2, "scale": 2.0})
    return cases


def _run_cached(wrap: Callable, case: Case) -> dict:
    """Wrap a counting function with `wrap(function, maxsize)`, call it on every request, record what ran."""
    ran: list[int] = []
    position = [0]

    def features(user, day):        # the expensive computation: which requests reach it is the measure
        ran.append(position[0])
        return case["scale"] * user + 0.5 * day

    fast = wrap(features, case["maxsize"])
    results = []
    for i, (user, day) in enumerate(case["calls"]):
        position[0] = i
        results.append(float(fast(user, day)))
    return {"results": results, "computed_at": list(ran)}


def lru_reference(function: Callable, maxsize: int | None) -> Callable:
    return functools.lru_cache(maxsize=maxsize)(function)


def cache_with(function: Callable, maxsize: int | None, mistake: str) -> Callable:
    """The mistakes: a FIFO cache (hits do not refresh), ignoring maxsize, one entry too few, keyed by the user."""
    store: dict = {}

    def fast(*args):
        key = args[:1] if mistake == "first argument" else args
        if key in store:
            if mistake != "fifo":
                store[key] = store.pop(key)
            return store[key]
        value = function(*args)
        store[key] = value
        limit = None if (maxsize is None or mistake == "unbounded") else maxsize - (mistake == "one short")
        while limit is not None and len(store) > max(limit, 0):
            store.pop(next(iter(store)))
        return value
    return fast


def _compare_cache(actual: Any, expected: dict, case: Case, name: str) -> None:
    if not isinstance(actual, dict) or set(actual) != {"results", "computed_at"}:
        raise CheckFailure(f"{name}: could not run your cached function ({actual!r:.80}).")
    got, want = actual["computed_at"], expected["computed_at"]
    returned_right = _matches(actual["results"], expected["results"], rtol=1e-12, atol=1e-12)
    if returned_right and got == want:
        return
    mistakes = {
        "a first-in first-out cache (a hit must make the entry the most recently used, so that the least recently "
        "used one is evicted)": "fifo",
        "ignoring maxsize (the cache may hold at most maxsize entries; None means no limit)": "unbounded",
        "evicting one entry too early (the cache holds maxsize entries, not maxsize − 1)": "one short",
        "keying the cache on the first argument only (the key is every argument)": "first argument",
    }
    for words, mistake in mistakes.items():
        wrong = _run_cached(lambda f, m, _mistake=mistake: cache_with(f, m, _mistake), case)
        if wrong["computed_at"] == got and _matches(actual["results"], wrong["results"], rtol=1e-12, atol=1e-12):
            raise CheckFailure(f"your cached function behaves as {words} does.")
    _judge(actual["results"], expected["results"], f"what your cached function returned on the {len(case['calls'])} "
           "requests", rtol=1e-12, atol=1e-12)
    first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    raise CheckFailure(f"the function ran on {len(got)} of the {len(case['calls'])} requests, but an LRU cache with "
                       f"maxsize={case['maxsize']} runs it on {len(want)}; the first difference is at the "
                       f"{first + 1}-th computation.")


register(Exercise(
    key="pitfalls.cached", function="cached",
    make_cases=_cache_cases,
    call=_run_cached,
    reference=lambda case: _run_cached(lru_reference, case),
    describe=lambda case: f"{len(case['calls'])} requests, maxsize={case['maxsize']}",
    compare=_compare_cache,
    inputs=(),
))
