"""Plausible wrong implementations of the pitfalls lab's graded fixes, each with the diagnosis it must get.

Every hidden test must fail for at least one of these (tests/test_exercises.py checks it); PUBLIC_CASES are the
public cells that must name a mistake too (tests/test_public_tests.py).
"""
import numpy as np

from solutions import renamed_source


# ----------------------------------------------------------------------------- leak_free_cv_scores

def _select_and_score(X, y, folds, k, make_model, rows="train", signed=False, weakest=False):
    scores = []
    for train, test in folds:
        on = {"train": train, "test": test, "all": np.arange(len(y))}[rows]
        r = np.array([np.corrcoef(X[on][:, j], y[on])[0, 1] for j in range(X.shape[1])])
        strength = r if signed else np.abs(r)
        keep = np.argsort(strength)[:k] if weakest else np.argsort(strength)[::-1][:k]
        model = make_model().fit(X[train][:, keep], y[train])
        scores.append(model.score(X[test][:, keep], y[test]))
    return np.array(scores)


def select_on_all_rows(X, y, folds, k, make_model):
    return _select_and_score(X, y, folds, k, make_model, rows="all")


def select_on_test_rows(X, y, folds, k, make_model):
    return _select_and_score(X, y, folds, k, make_model, rows="test")


def select_by_signed_correlation(X, y, folds, k, make_model):
    return _select_and_score(X, y, folds, k, make_model, signed=True)


def select_weakest(X, y, folds, k, make_model):
    return _select_and_score(X, y, folds, k, make_model, weakest=True)


# ----------------------------------------------------------------------------- impute_train_test

def _impute(X_train, X_test, means_from="train", indicators="missing"):
    means = np.nanmean(np.vstack([X_train, X_test]) if means_from == "all" else X_train, axis=0)
    if indicators == "missing":
        flagged = np.isnan(X_train).any(axis=0)
    else:
        flagged = np.ones(X_train.shape[1], bool) if indicators == "all" else np.zeros(X_train.shape[1], bool)
    out = []
    for X in (X_train, X_test):
        fill = means
        if means_from == "own":
            with np.errstate(all="ignore"):
                import warnings
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    fill = np.nanmean(X, axis=0)
        out.append(np.hstack([np.where(np.isnan(X), fill, X), np.isnan(X[:, flagged]).astype(float)]))
    return out[0], out[1]


def impute_with_all_rows(X_train, X_test):
    return _impute(X_train, X_test, means_from="all")


def impute_each_with_its_own_means(X_train, X_test):
    return _impute(X_train, X_test, means_from="own")


def impute_without_indicators(X_train, X_test):
    return _impute(X_train, X_test, indicators="none")


def impute_indicators_everywhere(X_train, X_test):
    return _impute(X_train, X_test, indicators="all")


# ----------------------------------------------------------------------------- balanced_class_weights

def weights_as_shares(y):
    classes, counts = np.unique(y, return_counts=True)
    return {c.item(): float(n / len(y)) for c, n in zip(classes, counts)}


def weights_without_k(y):
    classes, counts = np.unique(y, return_counts=True)
    return {c.item(): float(len(y) / n) for c, n in zip(classes, counts)}


def weights_inverse_counts(y):
    classes, counts = np.unique(y, return_counts=True)
    return {c.item(): float(1 / n) for c, n in zip(classes, counts)}


# ----------------------------------------------------------------------------- baseline_score

def baseline_from_test_labels(y_train, y_test, task):
    if task == "classification":
        classes, counts = np.unique(y_test, return_counts=True)
        return float(np.mean(y_test == classes[np.argmax(counts)]))
    return float(1 - np.sum((y_test - y_test.mean()) ** 2) / np.sum((y_test - y_test.mean()) ** 2))


def baseline_ties_to_largest(y_train, y_test, task):
    if task == "classification":
        classes, counts = np.unique(y_train, return_counts=True)
        best = classes[len(counts) - 1 - np.argmax(counts[::-1])]
        return float(np.mean(y_test == best))
    centre = y_train.mean()
    return float(1 - np.sum((y_test - centre) ** 2) / np.sum((y_test - y_test.mean()) ** 2))


def baseline_median_regressor(y_train, y_test, task):
    if task == "classification":
        classes, counts = np.unique(y_train, return_counts=True)
        return float(np.mean(y_test == classes[np.argmax(counts)]))
    centre = np.median(y_train)
    return float(1 - np.sum((y_test - centre) ** 2) / np.sum((y_test - y_test.mean()) ** 2))


# ----------------------------------------------------------------------------- robust_scale

def _robust(X_train, X_apply, source="train", low=25, high=75, divide=True, guard=True):
    data = X_apply if source == "apply" else X_train
    q_low, median, q_high = np.percentile(data, [low, 50, high], axis=0)
    scale = q_high - q_low
    if guard:
        scale = np.where(scale == 0, 1.0, scale)
    with np.errstate(all="ignore"):
        return (X_apply - median) / scale if divide else X_apply - median


def standard_scale(X_train, X_apply):
    std = X_train.std(axis=0)
    return (X_apply - X_train.mean(axis=0)) / np.where(std == 0, 1.0, std)


def robust_with_apply_statistics(X_train, X_apply):
    return _robust(X_train, X_apply, source="apply")


def robust_10_90(X_train, X_apply):
    return _robust(X_train, X_apply, low=10, high=90)


def robust_centre_only(X_train, X_apply):
    return _robust(X_train, X_apply, divide=False)


def robust_zero_iqr_unguarded(X_train, X_apply):
    return _robust(X_train, X_apply, guard=False)


# ----------------------------------------------------------------------------- cached

def cached_fifo(function, maxsize=128):
    store = {}

    def wrapper(*args):
        if args in store:
            return store[args]
        store[args] = function(*args)
        if maxsize is not None and len(store) > maxsize:
            del store[next(iter(store))]
        return store[args]
    return wrapper


def cached_unbounded(function, maxsize=128):
    store = {}

    def wrapper(*args):
        if args not in store:
            store[args] = function(*args)
        return store[args]
    return wrapper


def cached_one_short(function, maxsize=128):
    store = {}

    def wrapper(*args):
        if args in store:
            store[args] = store.pop(args)
            return store[args]
        value = function(*args)
        store[args] = value
        if maxsize is not None and len(store) >= maxsize:
            del store[next(iter(store))]
        return value
    return wrapper


def cached_on_first_argument(function, maxsize=128):
    store = {}

    def wrapper(*args):
        key = args[0]
        if key in store:
            store[key] = store.pop(key)
            return store[key]
        value = store[key] = function(*args)
        if maxsize is not None and len(store) > maxsize:
            del store[next(iter(store))]
        return value
    return wrapper


_SHARED = {}


def cached_shared_between_functions(function, maxsize=128):
    """One cache for every function it wraps: another function's result comes back."""
    def wrapper(*args):
        if args in _SHARED:
            return _SHARED[args]
        _SHARED[args] = function(*args)
        return _SHARED[args]
    return wrapper


WRONG = [
    ("pitfalls.leak_free_cv_scores", select_on_all_rows, "choosing the features on all the rows"),
    ("pitfalls.leak_free_cv_scores", select_on_test_rows, "on the test fold's rows"),
    ("pitfalls.leak_free_cv_scores", select_by_signed_correlation, "signed correlation"),
    ("pitfalls.leak_free_cv_scores", select_weakest, "the k weakest features"),
    ("pitfalls.impute_train_test", impute_with_all_rows, "the training and the test rows together"),
    ("pitfalls.impute_train_test", impute_each_with_its_own_means, "its own means"),
    ("pitfalls.impute_train_test", impute_without_indicators, "leaving out the missing-indicator columns"),
    ("pitfalls.impute_train_test", impute_indicators_everywhere, "an indicator column for every feature"),
    ("pitfalls.balanced_class_weights", weights_as_shares, "the class shares"),
    ("pitfalls.balanced_class_weights", weights_without_k, "without dividing by the number of classes"),
    ("pitfalls.balanced_class_weights", weights_inverse_counts, "1 / n_k"),
    ("pitfalls.baseline_score", baseline_from_test_labels, "fitted on y_test"),
    ("pitfalls.baseline_score", baseline_ties_to_largest, "towards the largest label"),
    ("pitfalls.baseline_score", baseline_median_regressor, "the median of y_train"),
    ("pitfalls.robust_scale", standard_scale, "StandardScaler"),
    ("pitfalls.robust_scale", robust_with_apply_statistics, "median and IQR of X_apply"),
    ("pitfalls.robust_scale", robust_10_90, "10th and 90th percentiles"),
    ("pitfalls.robust_scale", robust_centre_only, "without dividing by the IQR"),
    ("pitfalls.robust_scale", robust_zero_iqr_unguarded, "NaN"),
    ("pitfalls.cached", cached_fifo, "first-in first-out"),
    ("pitfalls.cached", cached_unbounded, "ignoring maxsize"),
    ("pitfalls.cached", cached_one_short, "one entry too early"),
    ("pitfalls.cached", cached_on_first_argument, "the first argument only"),
    ("pitfalls.cached", cached_shared_between_functions, "what your cached function returned"),
]

PUBLIC_CASES = [  # (public grade_id, function name, wrong variant, phrase the learner must read)
    ("leak_free_cv_scores_public", "leak_free_cv_scores", select_on_all_rows, "(the leak)"),
    ("leak_free_cv_scores_public", "leak_free_cv_scores", select_on_test_rows, "the test fold's rows"),
    ("impute_train_test_public", "impute_train_test", impute_with_all_rows, "(the leak)"),
    ("impute_train_test_public", "impute_train_test", impute_each_with_its_own_means, "their own means"),
    ("balanced_class_weights_public", "balanced_class_weights", weights_as_shares, "class shares"),
    ("balanced_class_weights_public", "balanced_class_weights", weights_without_k, "without dividing by K"),
    ("baseline_score_public", "baseline_score", baseline_from_test_labels, "the mean of y_test"),
    ("robust_scale_public", "robust_scale", standard_scale, "StandardScaler"),
    ("robust_scale_public", "robust_scale", robust_centre_only, "without dividing by the IQR"),
]


WRONG_SUBMISSION = (
    {"robust_scale": renamed_source(standard_scale, "robust_scale"),
     "baseline_score": renamed_source(baseline_from_test_labels, "baseline_score"),
     "checkpoint_q1": 'q1_answer = "a"', "checkpoint_q6": 'q6_answer = "c"'},
    {"robust_scale_public", "robust_scale_hidden", "baseline_score_public", "baseline_score_hidden",
     "checkpoint_q1_test", "checkpoint_q6_test"},
)
