"""The `recsys` elective: the graded functions, their randomized inputs and references.

Ratings are three parallel arrays ``users``, ``items``, ``ratings`` (one entry per rating, a table's columns).

- ``rmse_on`` vs ``sklearn.metrics.root_mean_squared_error(ratings, Σ_f U[users, f] V[items, f])``;
- ``als_user_step`` vs ``sklearn.linear_model.Ridge(alpha=λ, fit_intercept=False)`` fitted per user on the rows of
  V of the items that user rated (a user with no ratings gets the zero row);
- ``top_k_recommendations`` vs ``np.argsort(..., kind="stable")`` per user on the unrated items, and by its
  properties (no rated item, decreasing scores, ties to the smaller index, -1 only when nothing is left);
- ``implicit_user_step`` (Hu, Koren & Volinsky's confidence-weighted ALS) vs ``Ridge(alpha=λ,
  fit_intercept=False).fit(V, p_u, sample_weight=c_u)`` per user over **all** items.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from course.checks import CheckFailure
from course.exercises import Case, Exercise, register
from course.exercises.judging import as_float as _as_float
from course.exercises.judging import judge as _judge
from course.variants import Variant, register_variant


def _as_matrix(value: Any, shape: tuple, what: str, integer: bool = False) -> np.ndarray:
    if value is None:
        raise CheckFailure(f"{what} is None: did the function forget to `return`?")
    try:
        array = np.asarray(value) if integer else np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailure(f"{what} is a {type(value).__name__}, but an array of numbers was expected.") from None
    if array.shape != shape:
        raise CheckFailure(f"{what} has shape {array.shape}, but shape {shape} was expected.")
    return array


def random_ratings(rng: np.random.Generator, n_users: int, n_items: int, density: float, *, rank: int = 2,
                   empty_users: int = 0, integer: bool = False) -> dict:
    """A small ratings table (users, items, ratings), each (user, item) pair at most once, shuffled; the last
    ``empty_users`` users rate nothing."""
    mask = rng.random((n_users, n_items)) < density
    mask[n_users - empty_users:] = False
    for u in range(n_users - empty_users):             # everyone else rates at least one item
        if not mask[u].any():
            mask[u, rng.integers(n_items)] = True
    users, items = np.nonzero(mask)
    order = rng.permutation(len(users))
    users, items = users[order], items[order]
    truth = rng.normal(size=(n_users, rank)) @ rng.normal(size=(rank, n_items))
    ratings = truth[users, items] + rng.normal(0, 0.3, size=len(users))
    if integer:
        ratings = np.clip(np.round(ratings + 3), 1, 5)
    return {"users": users.astype(int), "items": items.astype(int), "ratings": np.round(ratings, 3)}


# ----------------------------------------------------------------------------- rmse_on


def rmse_variant(users, items, ratings, U, V, *, form: str = "rmse") -> float:
    predicted = np.sum(np.asarray(U, float)[users] * np.asarray(V, float)[items], axis=1)
    errors = np.asarray(ratings, float) - predicted
    if form == "mse":
        return float(np.mean(errors ** 2))
    if form == "mae":
        return float(np.mean(np.abs(errors)))
    if form == "root_sum":
        return float(np.sqrt(np.sum(errors ** 2)))
    if form == "dense":            # the whole matrix, unrated entries counted as rating 0
        full = np.zeros((len(U), len(V)))
        full[users, items] = ratings
        return float(np.sqrt(np.mean((full - np.asarray(U, float) @ np.asarray(V, float).T) ** 2)))
    return float(np.sqrt(np.mean(errors ** 2)))


def _rmse_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n_users, n_items, density, rank, integer in ((6, 8, 0.4, 2, False), (15, 10, 0.3, 3, True),
                                                     (4, 30, 0.2, 1, False), (20, 25, 0.15, 5, True),
                                                     (3, 3, 1.0, 2, False)):
        case = random_ratings(rng, n_users, n_items, density, rank=rank, integer=integer)
        case["U"] = np.round(rng.normal(size=(n_users, rank)), 3)
        case["V"] = np.round(rng.normal(size=(n_items, rank)), 3)
        cases.append(case)
    # a single rating; a perfect fit (RMSE 0); factors of zeros (the error is the ratings themselves)
    cases.append({"users": np.array([2]), "items": np.array([0]), "ratings": np.array([4.0]),
                  "U": np.round(rng.normal(size=(3, 2)), 3), "V": np.round(rng.normal(size=(2, 2)), 3)})
    perfect = random_ratings(rng, 5, 6, 0.5, rank=2)
    U, V = np.round(rng.normal(size=(5, 2)), 3), np.round(rng.normal(size=(6, 2)), 3)
    perfect.update(U=U, V=V, ratings=np.sum(U[perfect["users"]] * V[perfect["items"]], axis=1))
    cases.append(perfect)
    zeros = random_ratings(rng, 6, 7, 0.5, integer=True)
    zeros.update(U=np.zeros((6, 1)), V=np.zeros((7, 1)))
    cases.append(zeros)
    big = random_ratings(rng, 5, 5, 0.6)           # huge values: squares near 1e16 must not overflow
    big.update(U=np.full((5, 1), 1e4), V=np.full((5, 1), 1e4), ratings=big["ratings"] * 1e8)
    cases.append(big)
    return cases


def _rmse_reference(case: Case) -> float:
    from sklearn.metrics import root_mean_squared_error
    predicted = np.sum(case["U"][case["users"]] * case["V"][case["items"]], axis=1)
    return float(root_mean_squared_error(case["ratings"], predicted))


def _compare_rmse(actual: Any, expected: float, case: Case, name: str) -> None:
    value = _as_float(actual, name)
    args = (case["users"], case["items"], case["ratings"], case["U"], case["V"])
    _judge(value, expected, name, lambda: {
        "the mean squared error, without the square root": rmse_variant(*args, form="mse"),
        "the mean absolute error (RMSE squares the errors, averages, then takes the root)":
            rmse_variant(*args, form="mae"),
        "the root of the SUM of squared errors (divide by the number of ratings before the root)":
            rmse_variant(*args, form="root_sum") if len(case["ratings"]) > 1 else None,
        "comparing with the whole matrix U Vᵀ, unrated entries counted as 0 (only the ratings in the table count)":
            rmse_variant(*args, form="dense") if len(case["ratings"]) < len(case["U"]) * len(case["V"]) else None,
    }, rtol=1e-9, atol=1e-9)


register(Exercise(
    key="recsys.rmse_on", function="rmse_on",
    make_cases=_rmse_cases,
    call=lambda function, case: function(case["users"], case["items"], case["ratings"], case["U"], case["V"]),
    reference=_rmse_reference,
    describe=lambda case: (f"{len(case['ratings'])} ratings of {len(case['U'])} users and {len(case['V'])} items, "
                           f"rank {case['U'].shape[1]}"),
    compare=_compare_rmse,
))


# ----------------------------------------------------------------------------- als_user_step


def als_variant(users, items, ratings, V, lam, n_users, *, form: str = "ridge") -> np.ndarray:
    V = np.asarray(V, float)
    r = V.shape[1]
    U = np.zeros((n_users, r))
    for u in range(n_users):
        rows = np.flatnonzero(users == u)
        if not len(rows) and form != "zeros":
            continue
        X, y = V[items[rows]], np.asarray(ratings, float)[rows]
        if form == "zeros":                       # every item, unrated ones as rating 0
            X, y = V, np.zeros(len(V))
            y[items[rows]] = np.asarray(ratings, float)[rows]
        penalty = {"ridge": lam, "zeros": lam, "scaled": lam * len(rows), "none": 0.0}[form]
        if form == "none":
            U[u] = np.linalg.lstsq(X, y, rcond=None)[0] if len(rows) else 0.0
        else:
            U[u] = np.linalg.solve(X.T @ X + penalty * np.eye(r), X.T @ y)
    return U


def _als_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n_users, n_items, density, rank, lam, empty in ((6, 10, 0.4, 2, 1.0, 0), (12, 8, 0.3, 3, 0.5, 1),
                                                        (5, 20, 0.25, 4, 3.0, 0), (10, 15, 0.2, 1, 0.1, 2),
                                                        (8, 6, 0.6, 2, 10.0, 0), (4, 12, 0.15, 5, 0.01, 0)):
        case = random_ratings(rng, n_users, n_items, density, rank=rank, empty_users=empty)
        case.update(V=np.round(rng.normal(size=(n_items, rank)), 3), lam=lam, n_users=n_users)
        cases.append(case)
    # the item step: the same function with the roles swapped (items as "users", U as "V")
    table = random_ratings(rng, 9, 7, 0.4, rank=2, integer=True)
    cases.append({"users": table["items"], "items": table["users"], "ratings": table["ratings"],
                  "V": np.round(rng.normal(size=(9, 2)), 3), "lam": 2.0, "n_users": 7})
    # one user, one rating, rank 3: only the ridge penalty makes the system solvable
    cases.append({"users": np.array([0]), "items": np.array([1]), "ratings": np.array([5.0]),
                  "V": np.round(rng.normal(size=(3, 3)), 3), "lam": 1.0, "n_users": 1})
    return cases


def _als_reference(case: Case) -> np.ndarray:
    from sklearn.linear_model import Ridge
    V = np.asarray(case["V"], float)
    U = np.zeros((case["n_users"], V.shape[1]))
    for u in range(case["n_users"]):
        rows = np.flatnonzero(case["users"] == u)
        if len(rows):
            model = Ridge(alpha=case["lam"], fit_intercept=False, solver="cholesky")
            U[u] = model.fit(V[case["items"][rows]], case["ratings"][rows]).coef_
    return U


def _compare_als(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    value = _as_matrix(actual, expected.shape, name)
    args = (case["users"], case["items"], case["ratings"], case["V"], case["lam"], case["n_users"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _judge(value, expected, name, lambda: {
            "leaving out the penalty λ (plain least squares: the ridge solution adds λ I to Vᵀ V)":
                als_variant(*args, form="none"),
            "scaling the penalty by the user's number of ratings (λ n_u I; the objective here has λ alone)":
                als_variant(*args, form="scaled"),
            "fitting every item with the unrated ones as rating 0 (only the items the user rated enter the fit)":
                als_variant(*args, form="zeros"),
        }, rtol=1e-6, atol=1e-8)


register(Exercise(
    key="recsys.als_user_step", function="als_user_step",
    make_cases=_als_cases,
    call=lambda function, case: function(case["users"], case["items"], case["ratings"], case["V"], case["lam"],
                                         case["n_users"]),
    reference=_als_reference,
    describe=lambda case: (f"{len(case['ratings'])} ratings, {case['n_users']} users, V with shape "
                           f"{case['V'].shape}, λ = {case['lam']}"
                           + (", some users without ratings" if len(np.unique(case["users"])) < case["n_users"]
                              else "")),
    compare=_compare_als,
))


# ----------------------------------------------------------------------------- top_k_recommendations


def top_k_variant(scores, rated, k, *, form: str = "right") -> np.ndarray:
    scores, rated = np.atleast_2d(np.asarray(scores, float)), np.atleast_2d(np.asarray(rated, bool))
    out = np.full((len(scores), k), -1)
    for u in range(len(scores)):
        s = scores[u]
        if form == "include_rated":
            candidates = np.arange(len(s))
        else:
            candidates = np.flatnonzero(~rated[u])
        if form == "mask_zero":
            s = np.where(rated[u], 0.0, s)
            candidates = np.arange(len(s))
        if form == "ascending":
            order = candidates[np.argsort(s[candidates], kind="stable")]
        elif form == "reversed":      # np.argsort(s)[::-1]: ties go to the larger index
            order = candidates[np.argsort(s[candidates], kind="stable")[::-1]]
        else:
            order = candidates[np.argsort(-s[candidates], kind="stable")]
        chosen = order[:k]
        out[u, :len(chosen)] = chosen
    return out


def _top_k_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n_users, n_items, k, density, decimals in ((5, 12, 3, 0.3, 3), (8, 30, 10, 0.2, 1), (3, 6, 2, 0.5, 0),
                                                   (1, 50, 5, 0.1, 3), (10, 20, 4, 0.4, 1)):
        cases.append({"scores": np.round(rng.normal(size=(n_users, n_items)) * 2, decimals),
                      "rated": rng.random((n_users, n_items)) < density, "k": k})
    # negative scores (masking rated items with 0 is a mistake), ties everywhere, k = 1
    cases.append({"scores": -np.abs(np.round(rng.normal(size=(4, 9)), 1)) - 1,
                  "rated": rng.random((4, 9)) < 0.3, "k": 3})
    cases.append({"scores": np.ones((3, 7)), "rated": rng.random((3, 7)) < 0.3, "k": 4})
    cases.append({"scores": np.round(rng.normal(size=(6, 10)), 3), "rated": rng.random((6, 10)) < 0.2, "k": 1})
    # users with fewer unrated items than k (-1 fills the row), one who rated everything
    rated = np.zeros((3, 6), dtype=bool)
    rated[0, :4] = True
    rated[1] = True
    cases.append({"scores": np.round(rng.normal(size=(3, 6)), 2), "rated": rated, "k": 3})
    # huge and tiny scores, and a large tie of 40 items (a non-stable sort reorders them)
    scores = np.round(rng.normal(size=(2, 60)), 1)
    scores[0, :40] = 1e9
    scores[1] *= 1e-9
    cases.append({"scores": scores, "rated": rng.random((2, 60)) < 0.1, "k": 25})
    return cases


def _top_k_reference(case: Case) -> np.ndarray:
    scores, rated, k = case["scores"], case["rated"], case["k"]
    out = np.full((len(scores), k), -1)
    for u in range(len(scores)):
        unrated = np.flatnonzero(~rated[u])
        best = unrated[np.argsort(-scores[u, unrated], kind="stable")][:k]
        out[u, :len(best)] = best
    return out


def _compare_top_k(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    value = _as_matrix(actual, expected.shape, name, integer=True)
    if value.dtype.kind not in "iu":
        raise CheckFailure(f"{name} should be an integer array of item indices; got dtype {value.dtype}.")
    if np.array_equal(value, expected):
        return
    scores, rated, k = case["scores"], case["rated"], case["k"]
    n_items = scores.shape[1]
    mistakes = {"masking the rated items with a score of 0 (scores can be negative, so a rated item can still win: "
                "leave the rated items out altogether)": top_k_variant(scores, rated, k, form="mask_zero"),
                "ranking the items in increasing order of score (the highest score comes first)":
                top_k_variant(scores, rated, k, form="ascending"),
                "breaking ties towards the larger item index, as np.argsort(scores)[::-1] does (ties go to the "
                "smaller index first: np.argsort(-scores, kind=\"stable\"))": top_k_variant(scores, rated, k,
                                                                                           form="reversed")}
    for mistake, wrong in mistakes.items():
        if np.array_equal(value, wrong) and not np.array_equal(wrong, expected):
            raise CheckFailure(f"{name} is what {mistake} gives.")
    for u in range(len(scores)):
        row = value[u]
        picked = row[row >= 0]
        if np.any(row < -1) or np.any(row >= n_items):
            raise CheckFailure(f"{name} has entries outside -1 … {n_items - 1} in row {u}.")
        if len(np.unique(picked)) < len(picked):
            raise CheckFailure(f"{name} recommends the same item twice to user {u}.")
        if np.any(rated[u, picked]):
            raise CheckFailure(f"{name} recommends to user {u} an item they have already rated (item "
                               f"{int(picked[rated[u, picked]][0])}): leave the rated items out.")
        if np.any(np.diff(scores[u, picked]) > 0):
            raise CheckFailure(f"{name}'s row {u} is not in decreasing order of score (the best item comes first).")
        available = int(np.sum(~rated[u]))
        if len(picked) < min(k, available) or np.any(row[:len(picked)] < 0):
            raise CheckFailure(f"{name}'s row {u} holds {len(picked)} items, but user {u} has {available} unrated "
                               f"items: fill k places, and -1 only at the end when no unrated item is left.")
    bad = int(np.flatnonzero(np.any(value != expected, axis=1))[0])
    raise CheckFailure(f"{name}'s row {bad} is not the top {k} of user {bad}'s unrated items: among equal scores "
                       f"the smaller item index comes first (a plain np.argsort is not stable: use "
                       f"kind=\"stable\"), and no unrated item may score higher than one you recommend.")


register(Exercise(
    key="recsys.top_k_recommendations", function="top_k_recommendations",
    make_cases=_top_k_cases,
    call=lambda function, case: function(case["scores"], case["rated"], case["k"]),
    reference=_top_k_reference,
    describe=lambda case: (f"scores of {case['scores'].shape[0]} users × {case['scores'].shape[1]} items, "
                           f"k = {case['k']}"
                           + (", some users with fewer than k unrated items" if np.any(
                               np.sum(~case["rated"], axis=1) < case["k"]) else "")),
    compare=_compare_top_k,
))


# ----------------------------------------------------------------------------- implicit_user_step


def implicit_variant(users, items, counts, V, lam, alpha, n_users, *, form: str = "right") -> np.ndarray:
    V = np.asarray(V, float)
    n_items, r = V.shape
    U = np.zeros((n_users, r))
    for u in range(n_users):
        rows = np.flatnonzero(users == u)
        c, p = np.ones(n_items), np.zeros(n_items)
        c[items[rows]] += alpha * np.asarray(counts, float)[rows]
        p[items[rows]] = 1.0
        if form == "counts":          # the counts as the target instead of 0/1 preferences
            p[items[rows]] = np.asarray(counts, float)[rows]
        if form == "no_one":          # c = α r: the unobserved items get weight 0
            c -= 1.0
        if form == "unweighted":      # every item weight 1
            c = np.ones(n_items)
        if form == "observed_only":   # only the items the user interacted with
            keep = np.zeros(n_items, dtype=bool)
            keep[items[rows]] = True
            c = np.where(keep, c, 0.0)
        A = V.T @ (c[:, None] * V) + lam * np.eye(r)
        U[u] = np.linalg.solve(A, V.T @ (c * p))
    return U


def _implicit_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n_users, n_items, density, rank, lam, alpha, empty in ((5, 12, 0.3, 2, 0.5, 10.0, 0),
                                                               (10, 20, 0.15, 3, 1.0, 40.0, 1),
                                                               (4, 8, 0.5, 1, 0.1, 2.0, 0),
                                                               (8, 30, 0.1, 4, 5.0, 15.0, 2),
                                                               (6, 10, 0.4, 2, 0.01, 0.0, 0)):
        table = random_ratings(rng, n_users, n_items, density, rank=rank, empty_users=empty)
        counts = rng.integers(1, 20, size=len(table["users"])).astype(float)
        cases.append({"users": table["users"], "items": table["items"], "counts": counts,
                      "V": np.round(rng.normal(size=(n_items, rank)) * 0.5, 3), "lam": lam, "alpha": alpha,
                      "n_users": n_users})
    # a user who interacted with every item; one count that dwarfs the rest
    cases.append({"users": np.zeros(5, dtype=int), "items": np.arange(5), "counts": np.array([1.0, 2, 3, 4, 500]),
                  "V": np.round(rng.normal(size=(5, 2)), 3), "lam": 1.0, "alpha": 1.0, "n_users": 2})
    return cases


def _implicit_reference(case: Case) -> np.ndarray:
    from sklearn.linear_model import Ridge
    V = np.asarray(case["V"], float)
    U = np.zeros((case["n_users"], V.shape[1]))
    for u in range(case["n_users"]):
        rows = np.flatnonzero(case["users"] == u)
        preference = np.zeros(len(V))
        preference[case["items"][rows]] = 1.0
        confidence = np.ones(len(V))
        confidence[case["items"][rows]] += case["alpha"] * case["counts"][rows]
        model = Ridge(alpha=case["lam"], fit_intercept=False, solver="cholesky")
        U[u] = model.fit(V, preference, sample_weight=confidence).coef_
    return U


def _compare_implicit(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    value = _as_matrix(actual, expected.shape, name)
    args = (case["users"], case["items"], case["counts"], case["V"], case["lam"], case["alpha"], case["n_users"])
    _judge(value, expected, name, lambda: {
        "using the counts as the target (the preference p is 1 for an item the user interacted with, else 0; "
        "the counts only set the confidence c = 1 + α · count)": implicit_variant(*args, form="counts"),
        "giving the items without interactions weight 0 (c = α · count; they need confidence 1, or nothing says "
        "what the user did not choose)": implicit_variant(*args, form="no_one") if case["alpha"] > 0 else None,
        "fitting only the items the user interacted with (implicit ALS fits every item: the rest with preference 0 "
        "and confidence 1)": implicit_variant(*args, form="observed_only"),
        "leaving out the confidence weights (every item weighted 1: c = 1 + α · count)":
            implicit_variant(*args, form="unweighted") if case["alpha"] > 0 else None,
    }, rtol=1e-6, atol=1e-8)


register(Exercise(
    key="recsys.implicit_user_step", function="implicit_user_step",
    make_cases=_implicit_cases,
    call=lambda function, case: function(case["users"], case["items"], case["counts"], case["V"], case["lam"],
                                         case["alpha"], case["n_users"]),
    reference=_implicit_reference,
    describe=lambda case: (f"{len(case['counts'])} interactions, {case['n_users']} users, V with shape "
                           f"{case['V'].shape}, λ = {case['lam']}, α = {case['alpha']}"),
    compare=_compare_implicit,
))


# ----------------------------------------------------------------------------- per-student checkpoint questions

register_variant(Variant(
    key="recsys.checkpoint_q1",
    draw=lambda rng: {"m": int(rng.choice([800, 1200, 2500, 5000, 6040, 10000])),
                      "n": int(rng.choice([300, 500, 1700, 3700, 4000])),
                      "r": int(rng.choice([5, 8, 10, 16, 20, 32]))},
    answer=lambda p: p["r"] * (p["m"] + p["n"]) + p["m"] + p["n"] + 1,
    question="Q1. A model predicts μ + b_u + b_i + u_u · v_i with rank r = {r} for m = {m} users and n = {n} "
             "items. How many numbers does it learn (μ, every bias and every factor)?",
))
