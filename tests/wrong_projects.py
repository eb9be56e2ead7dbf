"""Plausible wrong implementations of the projects notebook's graded functions, each with the diagnosis it must get.

Every hidden test must fail for at least one of these (tests/test_exercises.py checks it); PUBLIC_CASES are the
public cells that must name a mistake too (tests/test_public_tests.py).
"""
import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import KFold

from solutions import renamed_source


# ----------------------------------------------------------------------------- rmsle

def rmsle_no_root(y_true, y_pred):
    return float(np.mean((np.log1p(y_pred) - np.log1p(y_true)) ** 2))


def rmsle_log(y_true, y_pred):
    with np.errstate(all="ignore"):
        return float(np.sqrt(np.mean((np.log(np.asarray(y_pred, float)) - np.log(np.asarray(y_true, float))) ** 2)))


def rmsle_log_of_error(y_true, y_pred):
    return float(np.sqrt(np.mean(np.log1p(np.abs(np.asarray(y_pred) - np.asarray(y_true))) ** 2)))


def rmsle_log10(y_true, y_pred):
    return float(np.sqrt(np.mean((np.log10(1 + np.asarray(y_pred)) - np.log10(1 + np.asarray(y_true))) ** 2)))


def rmsle_absolute(y_true, y_pred):
    return float(np.mean(np.abs(np.log1p(y_pred) - np.log1p(y_true))))


# ----------------------------------------------------------------------------- compare_on_same_folds

def _rows(data, index):
    return data.iloc[index] if hasattr(data, "iloc") else data[index]


def _table(models, folds, score):
    return pd.DataFrame({name: [score(model, train, test) for train, test in folds] for name, model in models.items()})


def compare_fit_all(models, X, y, folds, metric):
    fitted = {name: clone(m).fit(X, y) for name, m in models.items()}
    return pd.DataFrame({name: [metric(y[test], fitted[name].predict(_rows(X, test))) for _, test in folds]
                         for name in models})


def compare_swapped(models, X, y, folds, metric):
    return _table(models, folds, lambda m, train, test: metric(y[train], clone(m).fit(_rows(X, test), y[test])
                                                               .predict(_rows(X, train))))


def compare_train_rows(models, X, y, folds, metric):
    return _table(models, folds, lambda m, train, test: metric(y[train], clone(m).fit(_rows(X, train), y[train])
                                                               .predict(_rows(X, train))))


def compare_new_folds(models, X, y, folds, metric):
    return compare_on_given(models, X, y, list(KFold(len(folds)).split(X)), metric)


def compare_on_given(models, X, y, folds, metric):
    return _table(models, folds, lambda m, train, test: metric(y[test], clone(m).fit(_rows(X, train), y[train])
                                                               .predict(_rows(X, test))))


def compare_transposed(models, X, y, folds, metric):
    return compare_on_given(models, X, y, folds, metric).T.reset_index(drop=True)


def compare_means_only(models, X, y, folds, metric):
    return compare_on_given(models, X, y, folds, metric).mean().to_frame().T


def compare_array(models, X, y, folds, metric):
    return compare_on_given(models, X, y, folds, metric).to_numpy()


def compare_sorted_columns(models, X, y, folds, metric):
    table = compare_on_given(models, X, y, folds, metric)
    return table[sorted(table.columns)] if list(table.columns) != sorted(table.columns) else table[table.columns[::-1]]


# ----------------------------------------------------------------------------- permutation_importance

def _importance(score, X, y, permutations, form):
    X = np.asarray(X)
    base = score(X, y)
    out = np.zeros((X.shape[1], len(permutations)))
    for j in range(X.shape[1]):
        for r, order in enumerate(permutations):
            shuffled = X.copy()
            if form == "all":
                shuffled = X[order]
            else:
                shuffled[:, j] = X[order, j]
            permuted = score(shuffled, y)
            out[j, r] = permuted if form == "score" else permuted - base if form == "reversed" else base - permuted
    return out


def importance_permuted_score(score, X, y, permutations):
    return _importance(score, X, y, permutations, "score")


def importance_reversed(score, X, y, permutations):
    return _importance(score, X, y, permutations, "reversed")


def importance_all_columns(score, X, y, permutations):
    return _importance(score, X, y, permutations, "all")


def importance_transposed(score, X, y, permutations):
    return _importance(score, X, y, permutations, "right").T


def importance_in_place(score, X, y, permutations):
    base = score(X, y)
    out = np.zeros((X.shape[1], len(permutations)))
    for j in range(X.shape[1]):
        original = X[:, j].copy()
        for r, order in enumerate(permutations):
            X[:, j] = original[order]
            out[j, r] = base - score(X, y)
        # forgets to put the column back
    return out


def importance_shuffles_labels(score, X, y, permutations):
    base = score(X, y)
    return np.array([[base - score(X, np.asarray(y)[order]) for order in permutations] for _ in range(X.shape[1])])


# ----------------------------------------------------------------------------- cost_optimal_threshold

def _all_costs(scores, y, cost_fp, cost_fn, strict=False, with_inf=True):
    scores, y = np.asarray(scores, float), np.asarray(y).astype(int)
    candidates = np.r_[np.unique(scores), [np.inf] if with_inf else []]
    flagged = (scores[None, :] > candidates[:, None]) if strict else (scores[None, :] >= candidates[:, None])
    costs = cost_fp * (flagged & (y == 0)).sum(axis=1) + cost_fn * (~flagged & (y == 1)).sum(axis=1)
    return candidates, costs.astype(float)


def threshold_strict(scores, y, cost_fp, cost_fn):
    t, c = _all_costs(scores, y, cost_fp, cost_fn, strict=True)
    k = np.flatnonzero(c == c.min())[-1]
    return float(t[k]), float(c[k])


def threshold_smallest_tie(scores, y, cost_fp, cost_fn):
    t, c = _all_costs(scores, y, cost_fp, cost_fn)
    k = np.flatnonzero(c == c.min())[0]
    return float(t[k]), float(c[k])


def threshold_swapped_costs(scores, y, cost_fp, cost_fn):
    t, c = _all_costs(scores, y, cost_fn, cost_fp)
    k = np.flatnonzero(c == c.min())[-1]
    return float(t[k]), float(c[k])


def threshold_mean_cost(scores, y, cost_fp, cost_fn):
    t, c = _all_costs(scores, y, cost_fp, cost_fn)
    k = np.flatnonzero(c == c.min())[-1]
    return float(t[k]), float(c[k] / len(scores))


def threshold_no_inf(scores, y, cost_fp, cost_fn):
    t, c = _all_costs(scores, y, cost_fp, cost_fn, with_inf=False)
    k = np.flatnonzero(c == c.min())[-1]
    return float(t[k]), float(c[k])


def threshold_only(scores, y, cost_fp, cost_fn):
    return threshold_smallest_tie(scores, y, cost_fp, cost_fn)[0]


WRONG = [
    ("projects.rmsle", rmsle_no_root, "without the square root"),
    ("projects.rmsle", rmsle_log, "log instead of log1p"),
    ("projects.rmsle", rmsle_log_of_error, "the log of the error"),
    ("projects.rmsle", rmsle_log10, "base-10"),
    ("projects.rmsle", rmsle_absolute, "mean absolute log error"),
    ("projects.compare_on_same_folds", compare_fit_all, "on ALL the rows"),
    ("projects.compare_on_same_folds", compare_swapped, "train and test swapped"),
    ("projects.compare_on_same_folds", compare_train_rows, "scoring on the training rows"),
    ("projects.compare_on_same_folds", compare_new_folds, "new folds"),
    ("projects.compare_on_same_folds", compare_transposed, "columns"),
    ("projects.compare_on_same_folds", compare_means_only, "one row per fold"),
    ("projects.compare_on_same_folds", compare_array, "pandas DataFrame"),
    ("projects.compare_on_same_folds", compare_sorted_columns, "ordered as the models dict"),
    ("projects.permutation_importance", importance_permuted_score, "the permuted score itself"),
    ("projects.permutation_importance", importance_reversed, "the other sign"),
    ("projects.permutation_importance", importance_all_columns, "every column at once"),
    ("projects.permutation_importance", importance_transposed, "one row per FEATURE"),
    ("projects.permutation_importance", importance_in_place, "changed its input X"),
    ("projects.permutation_importance", importance_shuffles_labels, "shuffling the labels"),
    ("projects.cost_optimal_threshold", threshold_strict, "(not >)"),
    ("projects.cost_optimal_threshold", threshold_smallest_tie, "SMALLEST"),
    ("projects.cost_optimal_threshold", threshold_swapped_costs, "costs exchanged"),
    ("projects.cost_optimal_threshold", threshold_mean_cost, "mean cost per example"),
    ("projects.cost_optimal_threshold", threshold_no_inf, "+inf"),
    ("projects.cost_optimal_threshold", threshold_only, "tuple"),
]


PUBLIC_CASES = [  # (public grade_id, function name, wrong variant, phrase the learner must read)
    ("rmsle_public", "rmsle", rmsle_no_root, "without the square root"),
    ("rmsle_public", "rmsle", rmsle_log10, "base-10"),
    ("rmsle_public", "rmsle", rmsle_log_of_error, "the log of the error"),
    ("compare_on_same_folds_public", "compare_on_same_folds", compare_train_rows, "scoring on the training rows"),
    ("compare_on_same_folds_public", "compare_on_same_folds", compare_fit_all, "fitting once on all the rows"),
    ("permutation_importance_public", "permutation_importance", importance_permuted_score, "the permuted score"),
    ("permutation_importance_public", "permutation_importance", importance_reversed, "the wrong sign"),
    ("permutation_importance_public", "permutation_importance", importance_all_columns, "every column at once"),
    ("cost_optimal_threshold_public", "cost_optimal_threshold", threshold_strict, "score > threshold"),
    ("cost_optimal_threshold_public", "cost_optimal_threshold", threshold_mean_cost, "the mean cost per customer"),
    ("cost_optimal_threshold_public", "cost_optimal_threshold", threshold_smallest_tie, "the smallest of the tied"),
]


WRONG_SUBMISSION = (
    {"rmsle": renamed_source(rmsle_no_root, "rmsle"),
     "cost_optimal_threshold": renamed_source(threshold_smallest_tie, "cost_optimal_threshold").replace(
         "import numpy as np\n", "import numpy as np\n" + __import__("inspect").getsource(_all_costs)),
     "checkpoint_q2": "q2_answer = 2.0", "checkpoint_q4": 'q4_answer = "a"'},
    {"rmsle_public", "rmsle_hidden", "cost_optimal_threshold_public", "cost_optimal_threshold_hidden",
     "checkpoint_q2_test", "checkpoint_q4_test"},
)
