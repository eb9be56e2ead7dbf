"""The `projects` notebook: the graded functions, their randomized inputs and references, and the churn challenge.

- ``rmsle`` vs ``sklearn.metrics.root_mean_squared_log_error``;
- ``compare_on_same_folds`` vs ``sklearn.model_selection.cross_val_score`` with the same folds and
  ``make_scorer(metric)``, one call per model (models and metrics are built from plain descriptions on each side);
- ``permutation_importance`` vs ``sklearn.inspection.permutation_importance(..., random_state=seed).importances``:
  the case carries the very row orders scikit-learn's shuffles produce for that seed (:func:`sklearn_permutations`);
- ``cost_optimal_threshold`` vs brute force: the total cost of every candidate threshold (each distinct score and
  +inf), counted one by one; ties go to the largest threshold (the fewest flagged);
- the held-out churn challenge: balanced accuracy of the learner's labels on 1,000 customers generated for each
  student from seeds the notebook never uses;
- checkpoint Q1 per student: the churn probability from which a retention offer pays.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from course.checks import CheckFailure, diagnose
from course.exercises import Case, Challenge, Exercise, register, register_challenge
from course.exercises.held_out import label_predictions
from course.exercises.judging import as_float, judge, parts
from course.variants import Variant, register_variant

# ----------------------------------------------------------------------------- rmsle


def rmsle_variant(y_true, y_pred, form: str) -> float:
    t, p = np.asarray(y_true, float), np.asarray(y_pred, float)
    if form == "no_root":
        return float(np.mean((np.log1p(p) - np.log1p(t)) ** 2))
    if form == "log":
        with np.errstate(all="ignore"):
            return float(np.sqrt(np.mean((np.log(p) - np.log(t)) ** 2)))
    if form == "log_of_error":
        return float(np.sqrt(np.mean(np.log1p(np.abs(p - t)) ** 2)))
    if form == "root_inside":
        return float(np.mean(np.abs(np.log1p(p) - np.log1p(t))))
    if form == "log10":
        return float(np.sqrt(np.mean((np.log10(1 + p) - np.log10(1 + t)) ** 2)))
    raise ValueError(form)


def _rmsle_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n in (1, 5, 40, 300):
        t = np.round(np.exp(rng.normal(12.5, 0.5, n)), -2)                    # house prices
        cases.append({"y_true": t, "y_pred": np.round(t * np.exp(rng.normal(0, 0.2, n)), -2)})
    t = rng.integers(0, 6, 30).astype(float)                                  # counts, with zeros
    cases.append({"y_true": t, "y_pred": np.maximum(0, t + rng.normal(0, 1, 30))})
    t = rng.uniform(0, 3, 20)
    cases.append({"y_true": t, "y_pred": t.copy()})                            # perfect: 0
    cases.append({"y_true": np.array([0.0, 0.0, 1.0]), "y_pred": np.array([1.0, 0.0, 0.0])})
    cases.append({"y_true": np.array([1e9, 2e9]), "y_pred": np.array([1.1e9, 1.5e9])})
    return cases


def _rmsle_reference(case: Case) -> float:
    from sklearn.metrics import root_mean_squared_log_error
    return float(root_mean_squared_log_error(case["y_true"], case["y_pred"]))


def _compare_rmsle(actual: Any, expected: float, case: Case, name: str) -> None:
    t, p = case["y_true"], case["y_pred"]
    value = as_float(actual, name)
    judge(value, expected, name, lambda: {
        "the mean squared log error without the square root": rmsle_variant(t, p, "no_root"),
        "log instead of log1p (log(1 + y): a price or count of 0 must not break it)": rmsle_variant(t, p, "log"),
        "the log of the error instead of the error of the logs": rmsle_variant(t, p, "log_of_error"),
        "the mean absolute log error (the square root taken of each term before averaging)":
            rmsle_variant(t, p, "root_inside"),
        "base-10 logarithms (the natural log is the convention)": rmsle_variant(t, p, "log10"),
    }, rtol=1e-9, atol=1e-12)


register(Exercise(
    key="projects.rmsle", function="rmsle",
    make_cases=_rmsle_cases,
    call=lambda function, case: function(case["y_true"], case["y_pred"]),
    reference=_rmsle_reference,
    describe=lambda case: f"{len(case['y_true'])} targets",
    compare=_compare_rmsle,
))


# ----------------------------------------------------------------------------- models and metrics from plain data

def build_model(spec: tuple) -> Any:
    """A scikit-learn estimator from a plain description ``(kind, parameters)`` (both sides build their own)."""
    from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
    kind, parameters = spec
    return {"linear": LinearRegression, "ridge": Ridge, "logistic": LogisticRegression,
            "tree_regressor": DecisionTreeRegressor, "tree": DecisionTreeClassifier, "knn": KNeighborsClassifier,
            "knn_regressor": KNeighborsRegressor}[kind](**dict(parameters))


def build_metric(name: str):
    from sklearn import metrics
    return {"r2": metrics.r2_score, "mae": metrics.mean_absolute_error, "accuracy": metrics.accuracy_score,
            "balanced_accuracy": metrics.balanced_accuracy_score}[name]


def _models_dict(specs) -> dict:
    return {name: build_model((kind, parameters)) for name, kind, parameters in specs}


# ----------------------------------------------------------------------------- compare_on_same_folds


def _as_score_table(value: Any, names: list[str], n_folds: int, function: str) -> dict:
    """The learner's DataFrame as plain data (this runs next to the learner's code)."""
    import pandas as pd
    if not isinstance(value, pd.DataFrame):
        raise CheckFailure(f"{function} returned a {type(value).__name__}; a pandas DataFrame with one row per fold "
                           "and one column per model was expected.")
    return {"columns": [str(c) for c in value.columns], "shape": list(value.shape),
            "values": np.asarray(value.to_numpy(dtype=float, na_value=np.nan))}


def _call_compare(function, case: Case) -> dict:
    models = _models_dict(case["models"])
    table = function(models, case["X"], case["y"], case["folds"], build_metric(case["metric"]))
    return _as_score_table(table, list(models), len(case["folds"]), "compare_on_same_folds")


def _fold_scores(case: Case, how: str = "right") -> np.ndarray:
    from sklearn.base import clone
    from sklearn.metrics import make_scorer
    from sklearn.model_selection import KFold, cross_val_score
    X, y, metric = case["X"], case["y"], build_metric(case["metric"])
    folds = [(np.asarray(a), np.asarray(b)) for a, b in case["folds"]]
    columns = []
    for name, kind, parameters in case["models"]:
        model = build_model((kind, parameters))
        if how == "right":
            columns.append(cross_val_score(model, X, y, cv=folds, scoring=make_scorer(metric)))
        elif how == "new_folds":
            columns.append(cross_val_score(model, X, y, cv=KFold(len(folds)), scoring=make_scorer(metric)))
        else:
            scores = []
            everything = clone(model).fit(X, y) if how == "fit_all" else None
            for train, test in folds:
                if how == "swapped":
                    train, test = test, train
                fitted = everything if how == "fit_all" else clone(model).fit(X[train], y[train])
                rows = train if how == "train_rows" else test
                scores.append(metric(y[rows], fitted.predict(X[rows])))
            columns.append(np.array(scores))
    return np.column_stack(columns)


def _compare_reference(case: Case) -> dict:
    return {"columns": [name for name, _, _ in case["models"]], "values": _fold_scores(case)}


def _compare_tables(actual: Any, expected: dict, case: Case, name: str) -> None:
    columns, values = expected["columns"], expected["values"]
    n_folds, n_models = values.shape
    if actual["columns"] != columns:
        raise CheckFailure(f"{name} has the columns {actual['columns']}, but one column per model, named and ordered "
                           f"as the models dict, {columns}, was expected.")
    if tuple(actual["shape"]) != (n_folds, n_models):
        raise CheckFailure(f"{name} has shape {tuple(actual['shape'])}; one row per fold and one column per model, "
                           f"({n_folds}, {n_models}), was expected.")
    judge(actual["values"], values, f"{name}'s scores", lambda: {
        "fitting each model once on ALL the rows and scoring it on each test fold (the test rows leak into "
        "training)": _fold_scores(case, "fit_all"),
        "fitting on the test fold and scoring on the training rows (train and test swapped)":
            _fold_scores(case, "swapped"),
        "scoring on the training rows of each fold instead of its test rows": _fold_scores(case, "train_rows"),
        "making new folds (KFold) instead of using the folds given": _fold_scores(case, "new_folds"),
    }, rtol=1e-7, atol=1e-9)


def _compare_case(rng: np.random.Generator, n: int, task: str, n_folds: int) -> Case:
    from sklearn.model_selection import KFold, StratifiedKFold
    d = int(rng.integers(2, 6))
    X = np.round(rng.normal(size=(n, d)), 3)
    w = rng.normal(size=d)
    if task == "regression":
        y = np.round(X @ w + np.sin(2 * X[:, 0]) + rng.normal(0, 0.5, n), 3)
        models = [("linear", "linear", {}), ("ridge", "ridge", {"alpha": float(rng.choice([0.1, 3.0, 30.0]))}),
                  ("tree", "tree_regressor", {"max_depth": int(rng.integers(2, 5)), "random_state": 0}),
                  ("5-nn", "knn_regressor", {"n_neighbors": 5})]
        metric = str(rng.choice(["r2", "mae"]))
        splitter = KFold(n_folds, shuffle=True, random_state=int(rng.integers(1000)))
    else:
        y = (X @ w + rng.normal(0, 1.0, n) > 0.3).astype(int)
        models = [("logistic", "logistic", {"C": float(rng.choice([0.1, 1.0]))}),
                  ("stump", "tree", {"max_depth": 1, "random_state": 0}), ("7-nn", "knn", {"n_neighbors": 7})]
        metric = str(rng.choice(["accuracy", "balanced_accuracy"]))
        splitter = StratifiedKFold(n_folds, shuffle=True, random_state=int(rng.integers(1000)))
    folds = [(train.astype(np.int64), test.astype(np.int64)) for train, test in splitter.split(X, y)]
    chosen = [models[i] for i in sorted(rng.choice(len(models), size=int(rng.integers(2, 4)),
                                                   replace=False))]
    return {"X": X, "y": y, "folds": folds, "models": chosen, "metric": metric}


register(Exercise(
    key="projects.compare_on_same_folds", function="compare_on_same_folds",
    make_cases=lambda rng: [_compare_case(rng, *settings) for settings in
                            [(60, "regression", 3), (120, "regression", 4), (90, "classification", 3),
                             (40, "regression", 2)]],
    call=_call_compare,
    reference=_compare_reference,
    describe=lambda case: (f"X with shape {case['X'].shape}, {len(case['folds'])} shuffled folds, models "
                           f"{[name for name, _, _ in case['models']]}, metric {case['metric']}"),
    compare=_compare_tables,
    inputs=("X", "y", "folds"),
))


# ----------------------------------------------------------------------------- permutation_importance


def sklearn_permutations(n_rows: int, n_repeats: int, random_state: int) -> np.ndarray:
    """The row orders scikit-learn's ``permutation_importance(..., random_state=random_state)`` applies to each
    column: repeat r shows column j as ``X[permutations[r], j]`` (its shuffles compose, one after another)."""
    outer = np.random.RandomState(random_state)
    inner = np.random.RandomState(outer.randint(np.iinfo(np.int32).max + 1))
    shuffling, order, out = np.arange(n_rows), np.arange(n_rows), []
    for _ in range(n_repeats):
        inner.shuffle(shuffling)
        order = order[shuffling]
        out.append(order.copy())
    return np.array(out, dtype=np.int64).reshape(n_repeats, n_rows)


def _fitted(case: Case):
    return build_model(tuple(case["model"])).fit(case["X_train"], case["y_train"])


def _call_permutation(function, case: Case) -> Any:
    model = _fitted(case)
    return function(model.score, case["X"], case["y"], case["permutations"])


def _permutation_reference(case: Case) -> np.ndarray:
    from sklearn.inspection import permutation_importance
    return permutation_importance(_fitted(case), case["X"], case["y"], n_repeats=len(case["permutations"]),
                                  random_state=case["random_state"]).importances


def permutation_variant(score, X, y, permutations, form: str) -> np.ndarray:
    X = np.array(X, dtype=float)
    base = score(X, y)
    out = np.zeros((X.shape[1], len(permutations)))
    for j in range(X.shape[1]):
        for r, order in enumerate(permutations):
            shuffled = X.copy()
            if form == "all_columns":
                shuffled = X[order]
            elif form == "labels":
                out[j, r] = base - score(X, np.asarray(y)[order])
                continue
            else:
                shuffled[:, j] = X[order, j]
            permuted = score(shuffled, y)
            out[j, r] = {"score": permuted, "reversed": permuted - base}.get(form, base - permuted)
    return out


def _compare_permutation(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    n_features, n_repeats = expected.shape
    try:
        shape = np.shape(actual)
    except Exception:
        shape = None
    if shape == (n_repeats, n_features) and n_repeats != n_features:
        raise CheckFailure(f"{name} has shape {shape}: one row per repeat; one row per FEATURE and one column per "
                           f"repeat, ({n_features}, {n_repeats}), as scikit-learn's importances, was expected.")

    def mistakes():
        score, X, y, P = _fitted(case).score, case["X"], case["y"], case["permutations"]
        return {"the permuted score itself instead of the drop from the unpermuted score":
                    permutation_variant(score, X, y, P, "score"),
                "the permuted score minus the baseline (the drop has the other sign: baseline − permuted)":
                    permutation_variant(score, X, y, P, "reversed"),
                "shuffling the rows of every column at once instead of one column at a time":
                    permutation_variant(score, X, y, P, "all_columns"),
                "shuffling the labels y instead of one feature column": permutation_variant(score, X, y, P, "labels")}
    judge(actual, expected, name, mistakes, rtol=1e-9, atol=1e-12)


def _permutation_case(rng: np.random.Generator, n: int, d: int, repeats: int, kind: str) -> Case:
    X_all = np.round(rng.normal(size=(2 * n, d)), 3)
    w = np.zeros(d)
    w[: max(1, d // 2)] = rng.normal(0, 2, max(1, d // 2))      # some features matter, the rest are noise
    if kind == "ridge":
        y_all = np.round(X_all @ w + rng.normal(0, 0.5, 2 * n), 3)
        model = ("ridge", {"alpha": 1.0})
    else:
        y_all = (X_all @ w + rng.normal(0, 0.7, 2 * n) > 0).astype(int)
        model = {"logistic": ("logistic", {"C": 1.0}), "tree": ("tree", {"max_depth": 4, "random_state": 0}),
                 "knn": ("knn", {"n_neighbors": 5})}[kind]
    if d > 2:
        X_all[:, -1] = 1.5                                       # a constant column: importance exactly 0
    seed = int(rng.integers(0, 2**31 - 1))
    return {"X_train": X_all[:n], "y_train": y_all[:n], "model": model, "X": X_all[n:], "y": y_all[n:],
            "permutations": sklearn_permutations(n, repeats, seed), "random_state": seed}


register(Exercise(
    key="projects.permutation_importance", function="permutation_importance",
    make_cases=lambda rng: [_permutation_case(rng, *settings) for settings in
                            [(60, 3, 4, "logistic"), (80, 5, 3, "ridge"), (100, 4, 5, "tree"), (50, 2, 1, "knn"),
                             (120, 6, 2, "logistic"), (30, 4, 3, "ridge")]],
    call=_call_permutation,
    reference=_permutation_reference,
    describe=lambda case: (f"a {case['model'][0]} model, X with shape {case['X'].shape}, "
                           f"{len(case['permutations'])} permutations"),
    compare=_compare_permutation,
    inputs=("X", "y", "permutations"),
))


# ----------------------------------------------------------------------------- cost_optimal_threshold


def brute_force_threshold(scores, y, cost_fp, cost_fn, *, ties: str = "largest", strict: bool = False,
                          with_inf: bool = True) -> tuple[float, float]:
    """Every candidate threshold tried, one at a time: each distinct score (flag score ≥ t) and +inf (flag
    nobody); the cheapest, ties to the largest threshold."""
    scores, y = np.asarray(scores, float), np.asarray(y).astype(int)
    candidates = list(np.unique(scores)) + ([np.inf] if with_inf else [])
    best = None
    for t in candidates:
        flagged = scores > t if strict else scores >= t
        cost = cost_fp * int(np.sum(flagged & (y == 0))) + cost_fn * int(np.sum(~flagged & (y == 1)))
        if best is None or cost < best[1] - 1e-9 or (ties == "largest" and abs(cost - best[1]) <= 1e-9):
            best = (float(t), float(cost))
    return best


def _threshold_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, share, cfp, cfn in ((200, 0.2, 10.0, 100.0), (50, 0.5, 1.0, 1.0), (300, 0.1, 5.0, 20.0),
                               (80, 0.3, 30.0, 10.0)):
        y = (rng.random(n) < share).astype(int)
        scores = np.round(1 / (1 + np.exp(-(rng.normal(0, 1, n) + 1.5 * y - 1))), 3)   # rounding: tied scores
        cases.append({"scores": scores, "y": y, "cost_fp": cfp, "cost_fn": cfn})
    cases.append({"scores": np.array([0.1, 0.4, 0.4, 0.8]), "y": np.array([0, 1, 0, 1]), "cost_fp": 1.0,
                  "cost_fn": 1.0})                                                 # ties between thresholds
    cases.append({"scores": np.round(rng.random(20), 2), "y": np.zeros(20, int), "cost_fp": 3.0, "cost_fn": 7.0})
    cases.append({"scores": np.round(rng.random(15), 2), "y": np.ones(15, int), "cost_fp": 3.0, "cost_fn": 7.0})
    cases.append({"scores": np.round(rng.random(30), 2), "y": (rng.random(30) < 0.4).astype(int), "cost_fp": 0.0,
                  "cost_fn": 5.0})                                                 # offers are free
    cases.append({"scores": np.array([0.7]), "y": np.array([1]), "cost_fp": 2.0, "cost_fn": 1.0})
    cases.append({"scores": np.array([0.9, 0.8, 0.7, 0.6]), "y": np.array([1, 1, 0, 0]), "cost_fp": 50.0,
                  "cost_fn": 1.0})                                                 # perfect ranking
    return cases


def _compare_threshold(actual: Any, expected: tuple, case: Case, name: str) -> None:
    threshold, cost = parts(actual, 2, "threshold, total cost", name)
    t = as_float(threshold, f"{name}'s threshold")
    c = as_float(cost, f"{name}'s total cost")
    s, y, fp, fn = case["scores"], case["y"], case["cost_fp"], case["cost_fn"]
    if diagnose(c, expected[1], rtol=1e-9, atol=1e-9) is not None:
        n = len(s)
        named = {"the mean cost per example instead of the total": brute_force_threshold(s, y, fp, fn)[1] / n,
                 "the two costs exchanged (a false positive costs cost_fp, a false negative cost_fn)":
                     brute_force_threshold(s, y, fn, fp)[1],
                 "leaving out the threshold +inf (flag nobody), which can be the cheapest":
                     brute_force_threshold(s, y, fp, fn, with_inf=False)[1]}
        judge(c, expected[1], f"{name}'s total cost", lambda: named, rtol=1e-9, atol=1e-9)
    if t != expected[0]:
        if t == brute_force_threshold(s, y, fp, fn, ties="smallest")[0]:
            raise CheckFailure(f"{name}'s threshold {t:g} is the SMALLEST of the thresholds tied for the lowest cost; "
                               "the docstring asks for the largest (flag the fewest customers).")
        if t == brute_force_threshold(s, y, fp, fn, strict=True)[0] or t not in set(np.unique(s)) | {np.inf}:
            raise CheckFailure(f"{name}'s threshold {t:g} is not the right one: the rule flags score ≥ threshold "
                               "(not >), and the threshold must be one of the scores or +inf.")
        flagged = np.asarray(s) >= t
        own = fp * np.sum(flagged & (np.asarray(y) == 0)) + fn * np.sum(~flagged & (np.asarray(y) == 1))
        raise CheckFailure(f"{name}'s threshold {t:g} does not give the lowest cost: with it, score ≥ threshold "
                           f"costs {own:g}, and your returned cost does not belong to it.")


register(Exercise(
    key="projects.cost_optimal_threshold", function="cost_optimal_threshold",
    make_cases=_threshold_cases,
    call=lambda function, case: function(case["scores"], case["y"], case["cost_fp"], case["cost_fn"]),
    reference=lambda case: brute_force_threshold(case["scores"], case["y"], case["cost_fp"], case["cost_fn"]),
    describe=lambda case: (f"{len(case['scores'])} scores, {int(np.sum(case['y']))} positives, cost_fp = "
                           f"{case['cost_fp']:g}, cost_fn = {case['cost_fn']:g}"),
    compare=_compare_threshold,
))


# ----------------------------------------------------------------------------- the churn challenge (held out)

CHALLENGE_CUSTOMERS = 1000
_HELD_OUT_SEEDS = 10**9          # the notebook uses seed 0; held-out customers come from seeds above this


def balanced_accuracy(predictions: Any, truth: np.ndarray, function: str = "predict") -> float:
    """The mean of the recall of each class (scikit-learn's balanced_accuracy_score), predictions checked first."""
    labels = label_predictions(predictions, len(truth), function, np.array([0, 1]))
    return float(np.mean([np.mean(labels[truth == c] == c) for c in (0, 1)]))


def _churn_test(rng: np.random.Generator) -> tuple[Case, np.ndarray]:
    """1,000 fresh customers for one student, from a generator seed the notebook never uses."""
    from course.projects_data import CHURN_CATEGORIES, CHURN_FEATURES, churn_customers
    frame = churn_customers(CHALLENGE_CUSTOMERS, seed=_HELD_OUT_SEEDS + int(rng.integers(0, 2**31)))
    case = {column: (np.asarray(frame[column].to_numpy(), dtype=str) if column in CHURN_CATEGORIES
                     else frame[column].to_numpy()) for column in CHURN_FEATURES}
    return case, frame["churned"].to_numpy()


def _call_churn(function, case: Case) -> Any:
    import pandas as pd
    from course.projects_data import CHURN_CATEGORIES, CHURN_FEATURES
    frame = pd.DataFrame({column: (np.asarray(case[column]).astype(object) if column in CHURN_CATEGORIES
                                   else case[column]) for column in CHURN_FEATURES})
    return function(frame)


register_challenge(Challenge(
    key="projects.churn_challenge",
    function="predict",
    make_test=_churn_test,
    score=balanced_accuracy,
    metric="balanced accuracy",
    thresholds=((0.72, 3), (0.68, 2), (0.60, 1)),
    describe=lambda case: f"{len(case['tenure_months'])} held-out customers (generated for you)",
    call=_call_churn,
    inputs=(),
))


# ----------------------------------------------------------------------------- checkpoint Q1 (per student)

register_variant(Variant(
    key="projects.checkpoint_q1",
    draw=lambda rng: {"offer": int(rng.choice([10, 15, 20, 25, 30, 40, 50, 60])),
                      "value": int(rng.choice([200, 250, 300, 400, 500, 600, 800]))},
    answer=lambda p: p["offer"] / p["value"],
    question="Q1. A retention offer costs €{offer} and is made to a customer before we know whether they would "
             "leave. Made to a customer who was about to leave, it keeps them (they are worth €{value} to us); made "
             "to one who would have stayed, the €{offer} is wasted. Without the offer, a leaver costs us €{value}. "
             "From which churn probability p on does making the offer cost less on average than not making it?",
))
