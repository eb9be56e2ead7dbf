"""The recsys notebook: correct implementations written differently from the solutions pass the oracle on many
seeds, and the oracle's references agree with independent ones.

Each RIGHT variant takes another route than the notebook's solution (a Python loop over the table for the RMSE, a
gradient-free Cholesky/lstsq route for the ridge rows, the augmented least-squares problem [V; √λ I] for ALS,
np.lexsort and a heap for the top-k, the dense weighted normal equations for implicit ALS), so the hidden tests are
not tied to one way of writing the answer.
"""
from __future__ import annotations

import heapq

import numpy as np
import pytest

from course.exercises import make_cases, run_checks
from course.exercises.recsys import _als_reference, _implicit_reference, _top_k_reference
from course.explorers.recommender import (reference_als_user_step, reference_implicit_user_step,
                                          reference_rmse_on, reference_top_k_recommendations)


# ----------------------------------------------------------------------------- right, written differently

def rmse_by_loop(users, items, ratings, U, V):
    total = 0.0
    for u, i, r in zip(users, items, ratings):
        total += (float(r) - float(np.dot(U[u], V[i]))) ** 2
    return (total / len(ratings)) ** 0.5


def rmse_by_norm(users, items, ratings, U, V):
    errors = ratings - (U[users] * V[items]).sum(axis=1)
    return np.linalg.norm(errors) / np.sqrt(errors.size)


def als_by_augmented_lstsq(users, items, ratings, V, lam, n_users):
    """Ridge as ordinary least squares on [V_I; √λ I] against [r; 0]."""
    r = V.shape[1]
    U = np.zeros((n_users, r))
    for u in set(int(x) for x in users):
        rows = np.nonzero(users == u)[0]
        X = np.vstack([V[items[rows]], np.sqrt(lam) * np.eye(r)])
        y = np.concatenate([ratings[rows], np.zeros(r)])
        U[u] = np.linalg.lstsq(X, y, rcond=None)[0]
    return U


def als_by_cholesky(users, items, ratings, V, lam, n_users):
    r = V.shape[1]
    gram = np.zeros((n_users, r, r))
    rhs = np.zeros((n_users, r))
    for j in range(len(users)):
        v = V[items[j]]
        gram[users[j]] += np.outer(v, v)
        rhs[users[j]] += ratings[j] * v
    L = np.linalg.cholesky(gram + lam * np.eye(r))
    z = np.linalg.solve(L, rhs[..., None])
    return np.linalg.solve(np.swapaxes(L, 1, 2), z)[..., 0]


def top_k_by_lexsort(scores, rated, k):
    out = -np.ones((scores.shape[0], k), dtype=np.int64)
    for u in range(scores.shape[0]):
        order = np.lexsort((np.arange(scores.shape[1]), -scores[u]))
        order = [i for i in order if not rated[u, i]][:k]
        out[u, :len(order)] = order
    return out


def top_k_by_heap(scores, rated, k):
    rows = []
    for u in range(len(scores)):
        best = heapq.nsmallest(k, ((-s, i) for i, s in enumerate(scores[u]) if not rated[u][i]))
        rows.append([i for _, i in best] + [-1] * (k - len(best)))
    return np.array(rows, dtype=np.int32).reshape(len(scores), k)


def implicit_dense(users, items, counts, V, lam, alpha, n_users):
    n_items, r = V.shape
    C = np.ones((n_users, n_items))
    P = np.zeros((n_users, n_items))
    C[users, items] += alpha * counts
    P[users, items] = 1.0
    U = np.empty((n_users, r))
    for u in range(n_users):
        A = (V * C[u][:, None]).T @ V + lam * np.eye(r)
        U[u] = np.linalg.solve(A, V.T @ (C[u] * P[u]))
    return U


def implicit_by_weighted_lstsq(users, items, counts, V, lam, alpha, n_users):
    """Weighted ridge as least squares on [√c V; √λ I] against [√c p; 0]."""
    n_items, r = V.shape
    U = np.zeros((n_users, r))
    for u in range(n_users):
        c, p = np.ones(n_items), np.zeros(n_items)
        mine = users == u
        c[items[mine]] += alpha * counts[mine]
        p[items[mine]] = 1
        w = np.sqrt(c)
        X = np.vstack([w[:, None] * V, np.sqrt(lam) * np.eye(r)])
        U[u] = np.linalg.lstsq(X, np.concatenate([w * p, np.zeros(r)]), rcond=None)[0]
    return U


RIGHT = [("recsys.rmse_on", rmse_by_loop), ("recsys.rmse_on", rmse_by_norm),
         ("recsys.rmse_on", reference_rmse_on),
         ("recsys.als_user_step", als_by_augmented_lstsq), ("recsys.als_user_step", als_by_cholesky),
         ("recsys.als_user_step", reference_als_user_step),
         ("recsys.top_k_recommendations", top_k_by_lexsort), ("recsys.top_k_recommendations", top_k_by_heap),
         ("recsys.top_k_recommendations", reference_top_k_recommendations),
         ("recsys.implicit_user_step", implicit_dense), ("recsys.implicit_user_step", implicit_by_weighted_lstsq),
         ("recsys.implicit_user_step", reference_implicit_user_step)]


@pytest.mark.parametrize("key, function", RIGHT, ids=[f"{k}-{f.__name__}" for k, f in RIGHT])
def test_right_implementations_written_differently_pass(key, function):
    for seed in range(8):
        report = run_checks(key, function, seed=seed)
        assert report.ok, f"{key} seed {seed}: {report.failure}"


# ----------------------------------------------------------------------------- the references agree


def test_the_library_references_agree_with_independent_ones():
    for seed in range(3):
        _, cases = make_cases("recsys.als_user_step", seed)
        for case in cases:
            args = (case["users"], case["items"], case["ratings"], case["V"], case["lam"], case["n_users"])
            assert np.allclose(_als_reference(case), als_by_augmented_lstsq(*args), atol=1e-8)
        _, cases = make_cases("recsys.implicit_user_step", seed)
        for case in cases:
            args = (case["users"], case["items"], case["counts"], case["V"], case["lam"], case["alpha"],
                    case["n_users"])
            assert np.allclose(_implicit_reference(case), implicit_dense(*args), atol=1e-8)
        _, cases = make_cases("recsys.top_k_recommendations", seed)
        for case in cases:
            assert np.array_equal(_top_k_reference(case), top_k_by_heap(case["scores"], case["rated"], case["k"]))


def test_the_cases_hold_the_edge_cases_the_notebook_promises():
    _, cases = make_cases("recsys.als_user_step", 0)
    assert any(len(np.unique(c["users"])) < c["n_users"] for c in cases)              # users without ratings
    assert any(np.bincount(c["users"], minlength=c["n_users"]).min() == 1 and c["V"].shape[1] >= 3
               for c in cases)                                                         # fewer ratings than factors
    _, cases = make_cases("recsys.top_k_recommendations", 0)
    assert any(np.any(np.sum(~c["rated"], axis=1) < c["k"]) for c in cases)             # fewer than k left
    assert any(np.any(np.all(c["rated"], axis=1)) for c in cases)                       # rated everything
    assert any(np.all(c["scores"] < 0) for c in cases)                                  # negative scores
    _, cases = make_cases("recsys.implicit_user_step", 0)
    assert any(c["alpha"] == 0 for c in cases) and any(c["counts"].max() >= 500 for c in cases)

