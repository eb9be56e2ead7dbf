"""Plausible wrong implementations of the recsys notebook's graded functions, each with the diagnosis it must get.

Every hidden test must fail for at least one of these (tests/test_exercises.py checks it); PUBLIC_CASES are the
public cells that must name a mistake too (tests/test_public_tests.py).
"""
import numpy as np

from solutions import renamed_source


# ----------------------------------------------------------------------------- rmse_on

def _errors(users, items, ratings, U, V):
    return np.asarray(ratings, float) - np.sum(np.asarray(U, float)[users] * np.asarray(V, float)[items], axis=1)


def rmse_without_root(users, items, ratings, U, V):
    predicted = np.sum(np.asarray(U, float)[users] * np.asarray(V, float)[items], axis=1)
    return float(np.mean((np.asarray(ratings, float) - predicted) ** 2))


def rmse_absolute(users, items, ratings, U, V):
    return float(np.mean(np.abs(_errors(users, items, ratings, U, V))))


def rmse_root_of_sum(users, items, ratings, U, V):
    return float(np.sqrt(np.sum(_errors(users, items, ratings, U, V) ** 2)))


def rmse_whole_matrix(users, items, ratings, U, V):
    R = np.zeros((len(U), len(V)))
    R[users, items] = ratings
    return float(np.sqrt(np.mean((R - np.asarray(U) @ np.asarray(V).T) ** 2)))


# ----------------------------------------------------------------------------- als_user_step

def _per_user(users, items, ratings, V, lam, n_users, solve):
    V = np.asarray(V, float)
    U = np.zeros((n_users, V.shape[1]))
    for u in range(n_users):
        rows = users == u
        if rows.any():
            U[u] = solve(V[items[rows]], np.asarray(ratings, float)[rows], lam)
    return U


def als_no_penalty(users, items, ratings, V, lam, n_users):
    return _per_user(users, items, ratings, V, lam, n_users, lambda X, y, lam: np.linalg.lstsq(X, y, rcond=None)[0])


def als_penalty_per_rating(users, items, ratings, V, lam, n_users):
    return _per_user(users, items, ratings, V, lam, n_users,
                     lambda X, y, lam: np.linalg.solve(X.T @ X + lam * len(y) * np.eye(X.shape[1]), X.T @ y))


def als_unrated_as_zero(users, items, ratings, V, lam, n_users):
    V = np.asarray(V, float)
    R = np.zeros((n_users, len(V)))
    R[users, items] = ratings
    return np.linalg.solve(V.T @ V + lam * np.eye(V.shape[1]), V.T @ R.T).T


def als_only_users_present(users, items, ratings, V, lam, n_users):
    V = np.asarray(V, float)
    rows = []
    for u in np.unique(users):
        X, y = V[items[users == u]], np.asarray(ratings, float)[users == u]
        rows.append(np.linalg.solve(X.T @ X + lam * np.eye(V.shape[1]), X.T @ y))
    return np.array(rows)


# ----------------------------------------------------------------------------- top_k_recommendations

def top_k_with_rated(scores, rated, k):
    return np.argsort(-np.asarray(scores, float), axis=1, kind="stable")[:, :k]


def top_k_mask_with_zero(scores, rated, k):
    masked = np.where(rated, 0.0, scores)
    return np.argsort(-masked, axis=1, kind="stable")[:, :k]


def top_k_ascending(scores, rated, k):
    masked = np.where(rated, np.inf, scores)
    order = np.argsort(masked, axis=1, kind="stable")[:, :k]
    return np.where(np.take_along_axis(rated, order, axis=1), -1, order)


def top_k_reversed_argsort(scores, rated, k):
    masked = np.where(rated, -np.inf, scores)
    order = np.argsort(masked, axis=1, kind="stable")[:, ::-1][:, :k]
    return np.where(np.take_along_axis(rated, order, axis=1), -1, order)


def top_k_unstable_sort(scores, rated, k):
    masked = np.where(rated, -np.inf, scores)
    order = np.argsort(-masked, axis=1, kind="quicksort")[:, :k]
    return np.where(np.take_along_axis(rated, order, axis=1), -1, order)


def top_k_float(scores, rated, k):
    masked = np.where(rated, -np.inf, scores)
    order = np.argsort(-masked, axis=1, kind="stable")[:, :k]
    return np.where(np.take_along_axis(rated, order, axis=1), -1, order).astype(float)


# ----------------------------------------------------------------------------- implicit_user_step

def _implicit(users, items, counts, V, lam, alpha, n_users, form):
    V = np.asarray(V, float)
    n_items, r = V.shape
    U = np.zeros((n_users, r))
    for u in range(n_users):
        rows = users == u
        c, p = np.ones(n_items), np.zeros(n_items)
        c[items[rows]] = 1 + alpha * counts[rows]
        p[items[rows]] = counts[rows] if form == "counts" else 1.0
        if form == "no_one":
            c[items[rows]] = alpha * counts[rows]
            c[~np.isin(np.arange(n_items), items[rows])] = 0.0
        if form == "unweighted":
            c = np.ones(n_items)
        if form == "observed":
            keep = np.isin(np.arange(n_items), items[rows])
            c = np.where(keep, c, 0.0)
        U[u] = np.linalg.solve(V.T @ (c[:, None] * V) + lam * np.eye(r), V.T @ (c * p))
    return U


def implicit_counts_as_target(users, items, counts, V, lam, alpha, n_users):
    return _implicit(users, items, counts, V, lam, alpha, n_users, "counts")


def implicit_no_one(users, items, counts, V, lam, alpha, n_users):
    return _implicit(users, items, counts, V, lam, alpha, n_users, "no_one")


def implicit_unweighted(users, items, counts, V, lam, alpha, n_users):
    return _implicit(users, items, counts, V, lam, alpha, n_users, "unweighted")


def implicit_observed_only(users, items, counts, V, lam, alpha, n_users):
    return _implicit(users, items, counts, V, lam, alpha, n_users, "observed")


WRONG = [
    ("recsys.rmse_on", rmse_without_root, "without the square root"),
    ("recsys.rmse_on", rmse_absolute, "the mean absolute error"),
    ("recsys.rmse_on", rmse_root_of_sum, "the root of the SUM"),
    ("recsys.rmse_on", rmse_whole_matrix, "the whole matrix"),
    ("recsys.als_user_step", als_no_penalty, "leaving out the penalty λ"),
    ("recsys.als_user_step", als_penalty_per_rating, "scaling the penalty by the user's number of ratings"),
    ("recsys.als_user_step", als_unrated_as_zero, "unrated ones as rating 0"),
    ("recsys.als_user_step", als_only_users_present, "has shape"),
    ("recsys.top_k_recommendations", top_k_with_rated, "already rated"),
    ("recsys.top_k_recommendations", top_k_mask_with_zero, "a score of 0"),
    ("recsys.top_k_recommendations", top_k_ascending, "increasing order of score"),
    ("recsys.top_k_recommendations", top_k_reversed_argsort, "towards the larger item index"),
    ("recsys.top_k_recommendations", top_k_unstable_sort, "kind=\"stable\""),
    ("recsys.top_k_recommendations", top_k_float, "integer array"),
    ("recsys.implicit_user_step", implicit_counts_as_target, "using the counts as the target"),
    ("recsys.implicit_user_step", implicit_no_one, "weight 0"),
    ("recsys.implicit_user_step", implicit_unweighted, "leaving out the confidence weights"),
    ("recsys.implicit_user_step", implicit_observed_only, "fitting only the items the user interacted with"),
]


PUBLIC_CASES = [  # (public grade_id, function name, wrong variant, phrase the learner must read)
    ("rmse_on_public", "rmse_on", rmse_without_root, "without the square root"),
    ("rmse_on_public", "rmse_on", rmse_absolute, "the mean absolute error"),
    ("rmse_on_public", "rmse_on", rmse_root_of_sum, "the root of the sum"),
    ("rmse_on_public", "rmse_on", rmse_whole_matrix, "the whole matrix"),
    ("als_user_step_public", "als_user_step", als_no_penalty, "leaving out the penalty"),
    ("als_user_step_public", "als_user_step", als_penalty_per_rating, "scaling λ by the user's number of ratings"),
    ("als_user_step_public", "als_user_step", als_unrated_as_zero, "unrated ones as rating 0"),
    ("top_k_recommendations_public", "top_k_recommendations", top_k_with_rated, "already rated"),
    ("top_k_recommendations_public", "top_k_recommendations", top_k_mask_with_zero, "a score of 0"),
    ("top_k_recommendations_public", "top_k_recommendations", top_k_ascending, "increasing order"),
    ("top_k_recommendations_public", "top_k_recommendations", top_k_reversed_argsort, "towards the larger index"),
    ("implicit_user_step_public", "implicit_user_step", implicit_counts_as_target, "counts as the target"),
    ("implicit_user_step_public", "implicit_user_step", implicit_observed_only, "leaving the untouched items out"),
    ("implicit_user_step_public", "implicit_user_step", implicit_no_one, "α · count without the 1"),
    ("implicit_user_step_public", "implicit_user_step", implicit_unweighted, "leaving out the confidence weights"),
]


WRONG_SUBMISSION = (
    {"rmse_on": renamed_source(rmse_without_root, "rmse_on"),
     "top_k_recommendations": renamed_source(top_k_with_rated, "top_k_recommendations"),
     "checkpoint_q1": "q1_answer = 12345", "checkpoint_q3": 'q3_answer = "b"'},
    {"rmse_on_public", "rmse_on_hidden", "top_k_recommendations_public", "top_k_recommendations_hidden",
     "checkpoint_q1_test", "checkpoint_q3_test"},
)
