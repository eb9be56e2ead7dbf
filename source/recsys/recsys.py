# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: nbgrader,tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,-all
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Recommendation — collaborative filtering by matrix factorisation, top-k lists and implicit feedback
#
# A shop with thousands of products, a streaming service with thousands of films: every user has seen a tiny
# fraction of the catalogue, and the question is what to show them next. **Collaborative filtering** answers it from
# the behaviour of all users at once — people who agreed in the past tend to agree again — without knowing anything
# about the items themselves. Its workhorse is **matrix factorisation**: explain the big, mostly empty users × items
# matrix of ratings as the product of two thin matrices, one row of "tastes" per user and one row of "traits" per
# item, and predict the missing entries from them (the idea that won the Netflix Prize, 2006–2009).
#
# To know whether a method finds the truth, we need a truth: this notebook **generates** its ratings from a known
# low-rank model plus noise, so we can check that factorisation recovers it, and that its errors fall to the noise
# level — not further.
#
# | § | topic | you implement |
# |---|---|---|
# | 1 | ratings from a known model: the table, the matrix, how empty it is | |
# | 2 | a fair split, baselines (global mean, user and item biases) and RMSE | `rmse_on` |
# | 3 | matrix factorisation by alternating least squares: every row is a ridge regression | `als_user_step` |
# | 4 | rank and regularisation: recovering the structure, overfitting, shrinking | |
# | 5 | from scores to recommendations: top-k lists, judged against the truth | `top_k_recommendations` |
# | 6 | the explorer: rank, λ and one user's list | |
# | 7 | implicit feedback (clicks, plays): confidence-weighted ALS, recall@k | `implicit_user_step` |
# | 8 | checkpoint | three questions + one written answer |

# %% [markdown]
# ## How to work this notebook
#
# 1. **Run the cells in order**, from the top (the imports cell first). If something looks odd, use
#    *Kernel → Restart Kernel and Run All Cells*.
# 2. Where a cell says `# YOUR CODE HERE` and `raise NotImplementedError()`, delete the `raise` line and write your
#    implementation with **NumPy** (not scikit-learn: it is what you are compared with).
# 3. **Run the public test cell** under each exercise: small inputs whose answers you can work out by hand.
# 4. Then try **fresh random inputs** as often as you like, e.g. `check("recsys.als_user_step", als_user_step)`. It
#    prints ✓ or what went wrong.
# 5. **Hidden tests** run when the notebook is graded: random ratings tables compared with
#    `sklearn.metrics.root_mean_squared_error`, with `sklearn.linear_model.Ridge` fitted user by user, and with
#    `np.argsort`, plus edge cases (users without ratings, fewer ratings than factors, ties, users who rated
#    everything). If `check(...)` passes reliably, they will pass too.
# 6. The lesson cells after each exercise use your function once it is written (a reference until then); the
#    explorer of §6 runs your `top_k_recommendations` once it passes its checks.

# %%
# %matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from course.checks import expect_close, expect_equal, expect_choice, expect_true, expect_unchanged
from course.exercises import check, grade
from course.explorers.recommender import (LAMBDAS, NOISE, RANKS, TRUE_RANK, als, fit_biases, implicit_als,
                                          make_interactions, make_ratings, reference_als_user_step,
                                          reference_implicit_user_step, reference_rmse_on,
                                          reference_top_k_recommendations, rmse_grid, split_per_user)
from course.variants import parameters, set_student_id, show_question, variant_answer

np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 3)
notebook_started = time.perf_counter()


def mine_or_reference(function, reference, *args, _said=set()):
    """Your function's result when it is written; the reference's until then (so the lesson runs either way)."""
    try:
        return function(*args)
    except NotImplementedError:
        if function.__name__ not in _said:          # say it once, not at every call
            print(f"({function.__name__} is not written yet: the lesson uses a reference implementation)")
            _said.add(function.__name__)
        return reference(*args)


# %% [markdown]
# ## 1. Ratings from a known model
#
# We invent $m = 400$ users and $n = 250$ items. The **true** rating of item $i$ by user $u$ is
#
# $$t_{ui} = \mu + b_u + b_i + \mathbf u^*_u \cdot \mathbf v^*_i ,$$
#
# a global mean $\mu = 3.5$, a **user bias** $b_u$ (some people rate everything high), an **item bias** $b_i$ (some
# films are simply better liked), and an interaction of rank 3: each user has three hidden tastes
# $\mathbf u^*_u \in \mathbb R^3$, each item three hidden traits $\mathbf v^*_i$, and the rating rises when they
# align. An observed rating is the true one plus noise, $r_{ui} = t_{ui} + \varepsilon_{ui}$ with
# $\varepsilon \sim \mathcal N(0, 0.5^2)$. (Real ratings are whole stars; we keep them unrounded and unclipped — a few fall outside 1 to 5 —
# so that the noise level, the best any method can do, is exactly known.) Each user rates between 20 and 80 items, popular items more
# often.
#
# Ratings arrive as a **table**, one row per rating — the natural shape for data that is mostly missing.

# %%
data = make_ratings()
table = pd.DataFrame({"user": data.users, "item": data.items, "rating": data.ratings})
print(f"{len(table)} ratings by {table.user.nunique()} users of {table.item.nunique()} items")
table.sample(6, random_state=0)

# %%
density = len(table) / (data.n_users * data.n_items)
per_user, per_item = table.groupby("user").size(), table.groupby("item").size()
print(f"the matrix is {density:.1%} full: {per_user.median():.0f} ratings per user (median), "
      f"{per_item.median():.0f} per item (from {per_item.min()} to {per_item.max()})")
matrix = table.pivot(index="user", columns="item", values="rating")
matrix.iloc[:6, :10]

# %% [markdown]
# The **pivot** is the users × items matrix, and it is almost all `NaN`: the ratings cover about 17% of it. Every
# recommender is about filling in these holes.
#
# **Missing not at random.** Here, *which* items a user rates depends only on popularity, never on how much they
# would like them — we generated it so. Real data are not so kind: people mostly watch (and rate) what they expect to
# enjoy, and rate when delighted or furious, so the missing entries are on average *worse* than the observed ones.
# A model trained on observed ratings then overestimates the unseen items; its held-out RMSE, measured on more
# observed ratings, cannot reveal this. Remember this when a recommender looks better offline than it does live.

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3))
axes[0].hist(table.rating, bins=40, color="C0")
axes[0].set(xlabel="rating", ylabel="ratings", title="the ratings")
axes[1].hist(per_user, bins=30, color="C1")
axes[1].set(xlabel="ratings per user", ylabel="users", title="how much each user rated")
axes[2].bar(np.arange(data.n_items), np.sort(per_item.reindex(range(data.n_items), fill_value=0))[::-1],
            color="C2", width=1.0)
axes[2].set(xlabel="items, most rated first", ylabel="ratings", title="popularity: a long tail")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 2. A fair split, baselines and RMSE
#
# To measure how well we predict ratings nobody has shown us, we **hold out** some ratings, fit on the rest, and
# predict the held-out ones. A random split of the table could leave a user with *no* training ratings, and nothing
# can be learned about them (the **cold-start** problem, a real one, but not what we want to measure). So we split
# **per user**: a random 20% of each user's ratings are held out, and every user keeps 80% in training.

# %%
held_out = split_per_user(data.users, fraction=0.2, seed=1)
train = ~held_out
split_table = pd.DataFrame({"ratings": [train.sum(), held_out.sum()],
                            "users": [len(np.unique(data.users[train])), len(np.unique(data.users[held_out]))],
                            "items": [len(np.unique(data.items[train])), len(np.unique(data.items[held_out]))]},
                           index=["train", "held-out"])
split_table

# %% [markdown]
# Every one of the 400 users is in the training set, and so is every item. Predictions are judged by the
# **root mean squared error** over the held-out ratings $\mathcal T$,
#
# $$\text{RMSE} = \sqrt{\frac{1}{|\mathcal T|} \sum_{(u, i) \in \mathcal T} (r_{ui} - \hat r_{ui})^2 } ,$$
#
# in the units of the ratings. A factorisation predicts $\hat r_{ui} = \mathbf u_u \cdot \mathbf v_i$, the dot
# product of row $u$ of a user matrix $U$ ($m \times r$) and row $i$ of an item matrix $V$ ($n \times r$):
# $\hat R = U V^\top$.
#
# ### Exercise 1 — `rmse_on`
#
# `users`, `items`, `ratings`: three arrays of the same length, one entry per rating (the table's columns); `U`
# ($m \times r$) and `V` ($n \times r$). Return the RMSE (a float) of predicting `ratings[j]` by
# `U[users[j]] · V[items[j]]`, over the ratings in the table only — never over the whole matrix $UV^\top$ (most of
# it is not rated). Build the predictions without forming $UV^\top$: indexing `U[users]` gives one row per rating.
# Compared with `sklearn.metrics.root_mean_squared_error`.

# %% nbgrader={"grade": false, "grade_id": "rmse_on", "locked": false, "schema_version": 3, "solution": true, "task": false}
def rmse_on(users, items, ratings, U, V):
    """RMSE of predicting ratings[j] by U[users[j]] · V[items[j]], over the given ratings."""
    ### BEGIN SOLUTION
    U, V = np.asarray(U, dtype=float), np.asarray(V, dtype=float)
    predicted = np.einsum("jf,jf->j", U[np.asarray(users)], V[np.asarray(items)])
    errors = np.asarray(ratings, dtype=float) - predicted
    return float(np.sqrt(np.mean(errors ** 2)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "rmse_on_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Two users (factors 1 and 2, rank 1) and three items (factors 1, 0.5, 2); four ratings.
# Predictions: user 0 × item 0 = 1 (rating 3, error 2); user 0 × item 2 = 2 (rating 2, error 0);
# user 1 × item 1 = 1 (rating 1, error 0); user 1 × item 2 = 4 (rating 3, error −1).
# RMSE = sqrt((4 + 0 + 0 + 1) / 4) = sqrt(1.25).
rm_U, rm_V = np.array([[1.0], [2.0]]), np.array([[1.0], [0.5], [2.0]])
rm_users, rm_items, rm_ratings = np.array([0, 0, 1, 1]), np.array([0, 2, 1, 2]), np.array([3.0, 2.0, 1.0, 3.0])
expect_close(rmse_on(rm_users, rm_items, rm_ratings, rm_U, rm_V), np.sqrt(1.25), rtol=1e-9,
             name="rmse_on on four ratings",
             slips={"the mean squared error, without the square root": 1.25,
                    "the mean absolute error": 0.75,
                    "the root of the sum of squared errors, not of their mean": np.sqrt(5.0),
                    "comparing with the whole matrix U Vᵀ, unrated entries counted as 0": np.sqrt(9.25 / 6)})
# A perfect prediction has RMSE 0.
expect_close(rmse_on(np.array([1]), np.array([1]), np.array([1.0]), rm_U, rm_V), 0.0, atol=1e-12,
             name="a perfect prediction")
print("✓ public checks passed: rmse_on")

# %% nbgrader={"grade": true, "grade_id": "rmse_on_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random tables of 1 to 200 ratings, ranks 1 to 5, star ratings and real numbers, a perfect fit,
# factors of zeros, huge values. Compared with sklearn.metrics.root_mean_squared_error.
# Try them yourself now: check("recsys.rmse_on", rmse_on)
### BEGIN HIDDEN TESTS
grade("recsys.rmse_on", rmse_on)
### END HIDDEN TESTS

# %% [markdown]
# ### Baselines first
#
# Before any factorisation, two baselines that every recommender must beat:
#
# * the **global mean**: predict $\hat r_{ui} = \mu$, the mean training rating, for everyone;
# * **biases**: $\hat r_{ui} = \mu + b_u + b_i$, fitted by alternating regularised means,
#   $b_u = \sum_{i \in I_u} (r_{ui} - \mu - b_i) / (|I_u| + \lambda_b)$ and the same for the items (with
#   $\lambda_b = 5$ pulling the biases of users and items with few ratings towards 0).
#
# Both are factorisations in disguise, so `rmse_on` scores them too: the global mean is $U = \mathbf 1$ (one column
# of ones) and $V = \mu \mathbf 1$; the bias model is the rank-2 factorisation with user rows $(b_u, 1)$ and item rows
# $(1, \mu + b_i)$, whose dot product is $b_u + \mu + b_i$. And the **true model** is the floor: its error is the
# noise alone, about $\sigma = 0.5$; no method can expect to beat it on new ratings.

# %%
mu, user_bias, item_bias = fit_biases(data.users[train], data.items[train], data.ratings[train],
                                      data.n_users, data.n_items, lam=5.0)
models = {
    "global mean μ": (np.ones((data.n_users, 1)), np.full((data.n_items, 1), mu)),
    "biases μ + b_u + b_i": (np.column_stack([user_bias, np.ones(data.n_users)]),
                             np.column_stack([np.ones(data.n_items), mu + item_bias])),
}
rows = []
for label, (U_model, V_model) in models.items():
    rows.append({"model": label, **{part: mine_or_reference(rmse_on, reference_rmse_on, data.users[mask],
                                                            data.items[mask], data.ratings[mask], U_model, V_model)
                                    for part, mask in (("train RMSE", train), ("held-out RMSE", held_out))}})
noise_only = data.ratings - data.truth[data.users, data.items]
rows.append({"model": "the true model (noise only)", "train RMSE": np.sqrt(np.mean(noise_only[train] ** 2)),
             "held-out RMSE": np.sqrt(np.mean(noise_only[held_out] ** 2))})
baselines = pd.DataFrame(rows).set_index("model")
baselines

# %% [markdown]
# The biases take the RMSE from 1.14 to 0.97, a good part of the way, and the gap from 0.97 to the floor of 0.50 is
# what the tastes and traits — the interaction $\mathbf u^*_u \cdot \mathbf v^*_i$ — explain. From here on we
# factorise the **residuals** $r_{ui} - \mu - b_u - b_i$: a factorisation of them, added to the biases, predicts the
# ratings, and its RMSE on the residuals is its RMSE on the ratings.
#
# ## 3. Matrix factorisation by alternating least squares
#
# We look for $U$ ($m \times r$) and $V$ ($n \times r$) that fit the **observed** entries $\mathcal O$ of the
# residual matrix, with a penalty that keeps the factors small:
#
# $$\min_{U, V} \sum_{(u, i) \in \mathcal O} (r_{ui} - \mathbf u_u \cdot \mathbf v_i)^2
#   + \lambda \Bigl( \sum_u \lVert \mathbf u_u \rVert^2 + \sum_i \lVert \mathbf v_i \rVert^2 \Bigr).$$
#
# Jointly this is not convex (swap the signs of a column in both $U$ and $V$: same fit). But with $V$ **fixed** it
# splits into $m$ separate, tiny problems, one per user, and each is a **ridge regression**: the "features" are the
# rows $\mathbf v_i$ of the items user $u$ rated, $I_u$, the targets their ratings. Stack them as $V_{I_u}$
# ($|I_u| \times r$) and $\mathbf r_u$; setting the gradient of
# $\lVert \mathbf r_u - V_{I_u} \mathbf u \rVert^2 + \lambda \lVert \mathbf u \rVert^2$ to zero gives the
# **normal equations**
#
# $$\bigl(V_{I_u}^\top V_{I_u} + \lambda I_r\bigr)\, \mathbf u_u = V_{I_u}^\top \mathbf r_u ,$$
#
# an $r \times r$ system (with $\lambda > 0$ always solvable, even for a user with fewer ratings than factors). Then
# fix $U$ and solve for every item the same way, with the roles swapped. **Alternating least squares** (ALS) repeats
# the two half-steps; each one solves its half exactly, so the objective never increases.
#
# ### Exercise 2 — `als_user_step`
#
# `users`, `items`, `ratings` (the training table), `V` ($n \times r$), `lam` $= \lambda > 0$ and `n_users`
# $= m$. Return $U$ of shape `(n_users, r)` whose row $u$ solves the normal equations above on the items that user
# rated; a user with no ratings gets the row of zeros (which is what the equations give: $\lambda \mathbf u = 0$).
# Only the rated items enter — an unrated item is not a rating of 0. A loop over users with `np.linalg.solve` is
# fine. Compared with `sklearn.linear_model.Ridge(alpha=lam, fit_intercept=False)` fitted on each user's rows.
#
# The same function does the item half-step: `als_user_step(items, users, ratings, U, lam, n_items)` returns $V$.

# %% nbgrader={"grade": false, "grade_id": "als_user_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def als_user_step(users, items, ratings, V, lam, n_users):
    """U (n_users, r): row u is the ridge solution (V_Iᵀ V_I + λ I)⁻¹ V_Iᵀ r_u on the items I user u rated."""
    ### BEGIN SOLUTION
    users, items = np.asarray(users), np.asarray(items)
    ratings, V = np.asarray(ratings, dtype=float), np.asarray(V, dtype=float)
    rank = V.shape[1]
    U = np.zeros((n_users, rank))
    order = np.argsort(users, kind="stable")
    starts = np.searchsorted(users[order], np.arange(n_users + 1))
    for u in range(n_users):
        rows = order[starts[u]:starts[u + 1]]
        if len(rows) == 0:
            continue
        X = V[items[rows]]
        U[u] = np.linalg.solve(X.T @ X + lam * np.eye(rank), X.T @ ratings[rows])
    return U
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "als_user_step_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Three items with factors (1, 0), (0, 1), (1, 1); λ = 1.
# User 0 rated item 0 (2) and item 2 (3): V_Iᵀ V_I + I = [[3, 1], [1, 2]], V_Iᵀ r = (5, 3), so u_0 = (1.4, 0.8).
# User 1 rated nothing: u_1 = (0, 0). User 2 rated item 1 (4): [[1, 0], [0, 2]] u = (0, 4), so u_2 = (0, 2).
als_V = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
als_users, als_items, als_ratings = np.array([0, 0, 2]), np.array([0, 2, 1]), np.array([2.0, 3.0, 4.0])
expect_close(als_user_step(als_users, als_items, als_ratings, als_V, 1.0, 3), [[1.4, 0.8], [0.0, 0.0], [0.0, 2.0]],
             rtol=1e-9, atol=1e-9, name="als_user_step on three users",
             slips={"leaving out the penalty λ (plain least squares)": [[2.0, 1.0], [0.0, 0.0], [0.0, 4.0]],
                    "scaling λ by the user's number of ratings": [[12 / 11, 7 / 11], [0.0, 0.0], [0.0, 2.0]],
                    "fitting every item with the unrated ones as rating 0": [[1.5, 0.5], [0.0, 0.0], [-0.5, 1.5]]})
expect_unchanged(als_V, [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], "als_user_step", "V", name="V is left unchanged")
# The item step is the same function with the roles swapped: item 2 was rated 3 by user 0, whose factors are (1, 1).
expect_close(als_user_step(np.array([2]), np.array([0]), np.array([3.0]), np.array([[1.0, 1.0]]), 1.0, 3),
             [[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]], rtol=1e-9, atol=1e-9, name="the item step, roles swapped")
print("✓ public checks passed: als_user_step")

# %% nbgrader={"grade": true, "grade_id": "als_user_step_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random tables of 3 to 20 users, ranks 1 to 5, λ from 0.01 to 10, users without ratings, a user with
# one rating and rank 3, the item step with the roles swapped. Compared with
# sklearn.linear_model.Ridge(alpha=λ, fit_intercept=False) fitted user by user.
# Try them yourself now: check("recsys.als_user_step", als_user_step)
### BEGIN HIDDEN TESTS
grade("recsys.als_user_step", als_user_step)
### END HIDDEN TESTS

# %% [markdown]
# Now ALS itself, with your step doing both halves: rank 3 (the true rank), $\lambda = 1$, 15 rounds from small
# random item factors. We watch the objective and both RMSEs after every round.

# %%
residual = data.ratings - mu - user_bias[data.users] - item_bias[data.items]


def my_als_step(*args):
    return mine_or_reference(als_user_step, reference_als_user_step, *args)


started = time.perf_counter()
U, V, rounds = als(data.users[train], data.items[train], residual[train], data.n_users, data.n_items,
                   rank=3, lam=1.0, iterations=15, user_step=my_als_step, history=True)
als_seconds = time.perf_counter() - started
progress = []
for k, (U_k, V_k) in enumerate(rounds, start=1):
    fit_train = mine_or_reference(rmse_on, reference_rmse_on, data.users[train], data.items[train],
                                  residual[train], U_k, V_k)
    progress.append({"round": k,
                     "objective": len(residual[train]) * fit_train ** 2 + 1.0 * (np.sum(U_k ** 2) + np.sum(V_k ** 2)),
                     "train RMSE": fit_train,
                     "held-out RMSE": mine_or_reference(rmse_on, reference_rmse_on, data.users[held_out],
                                                        data.items[held_out], residual[held_out], U_k, V_k)})
progress = pd.DataFrame(progress).set_index("round")
print(f"15 rounds of ALS in {als_seconds:.2f} s")
fig, axes = plt.subplots(1, 2, figsize=(11, 3))
axes[0].plot(progress.index, progress["objective"], "o-", ms=3)
axes[0].set(xlabel="ALS round", ylabel="objective", title="the objective never increases", yscale="log")
axes[1].plot(progress.index, progress["train RMSE"], "o-", ms=3, label="train")
axes[1].plot(progress.index, progress["held-out RMSE"], "o-", ms=3, label="held-out")
axes[1].axhline(baselines.loc["the true model (noise only)", "held-out RMSE"], color="0.3", ls="--",
                label="noise (the floor)")
axes[1].axhline(baselines.loc["biases μ + b_u + b_i", "held-out RMSE"], color="C2", ls=":", label="biases only")
axes[1].set(xlabel="ALS round", ylabel="RMSE", title="rank 3, λ = 1")
axes[1].legend(fontsize=8)
plt.tight_layout()
plt.show()
progress.iloc[[0, 1, 2, 4, 9, 14]]

# %% [markdown]
# The objective falls at every round (each half-step solves its half exactly) and the held-out RMSE drops from the
# biases' 0.97 to about 0.58 within a few rounds, most of the way to the noise floor of 0.50. What is left is the
# price of estimating three tastes per user from only about 34 ratings each.
#
# **Did it find the structure?** The factors are not unique — any invertible $r \times r$ matrix $A$ gives the same
# predictions with $UA$ and $VA^{-\top}$ — so we cannot compare $V$ with $V^*$ entry by entry. What is unique is the
# **subspace** their columns span. The principal angles between the column spaces of the learned $V$ and the true
# $V^*$ (`scipy.linalg.subspace_angles`) say how well it is found: all zero would be a perfect recovery.

# %%
from scipy.linalg import subspace_angles

item_angles = np.degrees(subspace_angles(V, data.item_factors))
user_angles = np.degrees(subspace_angles(U, data.user_factors))
random_angles = np.degrees(subspace_angles(V, np.random.default_rng(0).normal(size=data.item_factors.shape)))
unrated = np.ones((data.n_users, data.n_items), dtype=bool)
unrated[data.users, data.items] = False
predicted = mu + user_bias[:, None] + item_bias[None, :] + U @ V.T
correlation = np.corrcoef(predicted[unrated], data.truth[unrated])[0, 1]
print(f"principal angles to the true item subspace: {np.round(item_angles, 1)} degrees; "
      f"to the true user subspace: {np.round(user_angles, 1)} degrees; "
      f"to a random 3-D subspace: {np.round(random_angles, 1)} degrees")
print(f"on the {unrated.sum()} pairs nobody rated, predicted and true ratings correlate at {correlation:.3f}")

# %% [markdown]
# The learned factors span nearly the same three-dimensional spaces as the true ones: angles between about 11 and 17
# degrees, where a random subspace of the same size sits at 75 to 90 degrees (the rest is the noise, and the penalty
# shrinking the weaker directions). And on the 83% of pairs that nobody rated, the predictions correlate with the
# truth at 0.94. Collaborative filtering has recovered hidden tastes it was never shown, from ratings alone.
#
# ## 4. Rank and regularisation
#
# In real data nobody tells us the rank or $\lambda$. The table below is ALS at every rank from 1 to 8 and
# $\lambda \in \{0.1, 1, 3, 10, 30\}$ (computed once by the same `als` function and shipped with the course; the
# cell re-fits two of them to show they match).

# %%
grid_train, grid_test = rmse_grid()
held_out_table = pd.DataFrame(grid_test, index=pd.Index(RANKS, name="rank"),
                              columns=pd.Index(LAMBDAS, name="λ"))
for rank, lam in ((3, 1.0), (8, 0.1)):
    U_check, V_check = als(data.users[train], data.items[train], residual[train], data.n_users, data.n_items,
                           rank=rank, lam=lam)
    refit = reference_rmse_on(data.users[held_out], data.items[held_out], residual[held_out], U_check, V_check)
    print(f"rank {rank}, λ = {lam:g}: held-out RMSE {refit:.4f} refitted, "
          f"{held_out_table.loc[rank, lam]:.4f} in the table")
fig, axes = plt.subplots(1, 2, figsize=(12, 3.4), sharey=True)
for b, lam in enumerate(LAMBDAS):
    axes[0].plot(RANKS, grid_train[:, b], "o-", ms=3, label=f"λ = {lam:g}")
    axes[1].plot(RANKS, grid_test[:, b], "o-", ms=3, label=f"λ = {lam:g}")
for ax, title in zip(axes, ("train RMSE", "held-out RMSE")):
    ax.axhline(NOISE, color="0.3", ls="--", lw=1)
    ax.axvline(TRUE_RANK, color="0.8", lw=6, zorder=0)
    ax.set(xlabel="rank r (the true rank, 3, shaded)", title=title)
axes[0].set(ylabel="RMSE")
axes[1].legend(fontsize=8)
plt.tight_layout()
plt.show()
held_out_table.style.format("{:.3f}").highlight_min(axis=None)

# %% [markdown]
# Read it rank by rank:
#
# * **Too small a rank underfits.** Ranks 1 and 2 cannot express three tastes: held-out RMSE 0.86 and 0.75 at best.
# * **At the true rank the held-out error is lowest**: 0.58 with $\lambda = 0.1$ or $1$, the best in the table.
# * **Too large a rank with too small a $\lambda$ overfits.** With $\lambda = 0.1$ the training RMSE keeps falling
#   as the rank grows — at rank 8 it is 0.36, *below the noise level*: the model fits the noise itself — while the
#   held-out RMSE climbs back to 0.77, worse than the best rank-2 model (0.75). The extra factors memorise the
#   training ratings' noise.
#   A larger $\lambda$ tames it: at $\lambda = 3$ rank 8 is only 0.03 worse than rank 3.
# * **Too large a $\lambda$ shrinks too much.** At $\lambda = 10$ every rank from 3 on gives the same 0.70: the
#   penalty switches off every direction beyond the third (at rank 8 the fitted $UV^\top$ has exactly three
#   non-zero singular values), but it also shrinks the three true ones, and the predictions are too timid. At
#   $\lambda = 30$ it switches off all of them, and the model is back to the biases alone (0.97).
#
# The last point has a neat explanation. At the optimum, $\lambda(\lVert U\rVert_F^2 + \lVert V\rVert_F^2)$ equals
# $2\lambda \lVert UV^\top\rVert_*$, twice $\lambda$ times the **nuclear norm** (the sum of singular values) of the
# prediction matrix, since $\min_{UV^\top = X} \tfrac12(\lVert U\rVert_F^2 + \lVert V\rVert_F^2) = \lVert X\rVert_*$.
# On a fully observed matrix this penalty shrinks every singular value by the same amount and sets those that
# fall below it to zero (with missing entries, roughly so): $\lambda$ chooses the **effective rank**, which is why a generous rank with a tuned $\lambda$ is the usual practice. Choose
# both on a validation split (never on the test ratings).
#
# ## 5. From scores to recommendations: top-k lists
#
# A recommender does not show predicted ratings; it shows a **list**: the $k$ items with the highest predicted
# score that the user has **not** already rated. Order matters (the first slot gets most attention), and so does a
# rule for ties, so that the same scores always give the same list.
#
# ### Exercise 3 — `top_k_recommendations`
#
# `scores`: shape `(n_users, n_items)`, the predicted scores; `rated`: a boolean array of the same shape, `True`
# where the user already rated the item; `k`: how many to recommend. Return an **integer** array of shape
# `(n_users, k)`: row $u$ lists the $k$ unrated items of user $u$ with the highest scores, **highest first**; among
# equal scores, the **smaller item index first**; when a user has fewer than $k$ unrated items, the row ends with
# `-1` for each missing place. `np.argsort(-row, kind="stable")` sorts in decreasing order and keeps ties in index
# order (a plain `np.argsort` is not stable, and `np.argsort(row)[::-1]` puts ties the wrong way round). Compared
# with a stable `np.argsort` reference, and checked by its properties.

# %% nbgrader={"grade": false, "grade_id": "top_k_recommendations", "locked": false, "schema_version": 3, "solution": true, "task": false}
def top_k_recommendations(scores, rated, k):
    """(n_users, k) int: each user's k unrated items of highest score (ties: smaller index first), -1 padded."""
    ### BEGIN SOLUTION
    scores, rated = np.asarray(scores, dtype=float), np.asarray(rated, dtype=bool)
    n_users, n_items = scores.shape
    result = np.full((n_users, k), -1, dtype=int)
    for u in range(n_users):
        candidates = [(-scores[u, i], i) for i in range(n_items) if not rated[u, i]]
        candidates.sort()                           # by decreasing score, then by increasing index
        chosen = [i for _, i in candidates[:k]]
        result[u, :len(chosen)] = chosen
    return result
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "top_k_recommendations_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# User 0 rated item 1; of the rest, item 3 scores 2.0, then items 0 and 2 tie at 1.0 (the smaller index, 0, first).
# User 1 rated items 0 to 3; only item 4 is left, so the second place is -1.
tk_scores = np.array([[1.0, 2.0, 1.0, 2.0, -1.0], [3.0, 1.0, 2.0, 0.0, -2.0]])
tk_rated = np.array([[False, True, False, False, False], [True, True, True, True, False]])
expect_close(top_k_recommendations(tk_scores, tk_rated, 2), [[3, 0], [4, -1]], rtol=0, atol=0,
             name="top_k_recommendations(k = 2)",
             slips={"recommending items the user has already rated": [[1, 3], [0, 2]],
                    "masking the rated items with a score of 0 (scores can be negative)": [[3, 0], [0, 1]],
                    "sorting in increasing order of score": [[4, 0], [4, -1]],
                    "breaking ties towards the larger index, as np.argsort(row)[::-1] does": [[3, 2], [4, -1]]})
expect_unchanged(tk_rated, [[False, True, False, False, False], [True, True, True, True, False]],
                 "top_k_recommendations", "rated", name="rated is left unchanged")
expect_equal(np.asarray(top_k_recommendations(tk_scores, tk_rated, 1)).dtype.kind, "i",
             name="the kind of the returned array's dtype ('i': integers)")
print("✓ public checks passed: top_k_recommendations")

# %% nbgrader={"grade": true, "grade_id": "top_k_recommendations_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random scores of 1 to 10 users and 6 to 60 items, k from 1 to 25, rounded scores (ties), negative
# scores, all scores equal, users with fewer than k unrated items or none at all, a 40-item tie. Compared with
# np.argsort(-scores, kind="stable") on each user's unrated items.
# Try them yourself now: check("recsys.top_k_recommendations", top_k_recommendations)
### BEGIN HIDDEN TESTS
grade("recsys.top_k_recommendations", top_k_recommendations)
### END HIDDEN TESTS

# %% [markdown]
# Offline, recommendations are usually judged against held-out ratings. Our generated data allow something real
# systems never can: we know every user's **true** rating of every item, so we can ask directly how good the
# recommended items are. For every user we take the top 10 among the items they have not rated in training, by
# four rules — the ALS model (rank 3, $\lambda = 1$), the biases alone, the **most popular** items (the most rated),
# and a random pick — and average the true ratings of what they recommend. The best possible list (the 10 unrated
# items of highest true rating) is the ceiling.

# %%
rated_in_train = np.zeros((data.n_users, data.n_items), dtype=bool)
rated_in_train[data.users[train], data.items[train]] = True
popularity = np.bincount(data.items[train], minlength=data.n_items).astype(float)
rules = {"ALS, rank 3, λ = 1": predicted,
         "biases μ + b_u + b_i": mu + user_bias[:, None] + item_bias[None, :],
         "most popular": np.tile(popularity, (data.n_users, 1)),
         "random": np.random.default_rng(0).random((data.n_users, data.n_items)),
         "the best possible (the true ratings)": data.truth}
quality = []
for label, scores in rules.items():
    top = mine_or_reference(top_k_recommendations, reference_top_k_recommendations, scores, rated_in_train, 10)
    true_ratings = np.take_along_axis(data.truth, top, axis=1)
    quality.append({"rule": label, "mean true rating of the top 10": true_ratings.mean(),
                    "share of the top 10 rated ≥ 4.5 in truth": np.mean(true_ratings >= 4.5)})
top_k_quality = pd.DataFrame(quality).set_index("rule")
top_k_quality

# %% [markdown]
# The most popular items are no better than a random pick (in our generator, popularity follows nothing but chance:
# which items get rated does not depend on how good they are), the biases recommend items everybody likes, and the
# factorisation recommends items **this** user likes: its lists have a mean true rating of 5.2, far above the
# biases' 4.4 and within 0.1 of the best possible lists.
#
# ## 6. The explorer: rank, λ and one user's list
#
# The sliders choose the **rank** and $\lambda$ of the factorisation (all 40 combinations were fitted in advance,
# so moving them is instant), a **user** and $k$. Left: train and held-out RMSE against the rank at this $\lambda$,
# with the noise floor and the biases-only baseline. Right: every item the user has not rated, its predicted rating
# against its true one, the top $k$ in red; the status line compares the list's mean true rating with the best
# possible list, the most popular items and a random unrated item. It runs your `top_k_recommendations` once it
# passes its checks. Things to try:
#
# * The start: rank 3, λ = 1, user 17. The red points sit at the top right, and the list's mean true rating, 4.82,
#   is within 0.05 of the best possible list's.
# * λ = 0.1, ranks 3 → 8: training error falls below the noise line while held-out error climbs. Then λ = 3.
# * λ = 30: the factors are all shrunk to zero and the predictions are the biases alone: user 17's list falls
#   to a mean true rating of about 4.4. Rank 1 with λ = 1 does no better for them: one taste is not enough.
# * Other users: the lists of rank 3, λ = 1 beat the most popular items and a random unrated item for everyone.

# %%
from course.explorers import recommender_explorer

recommender_explorer(top_k_recommendations)

# %% [markdown]
# ## 7. Implicit feedback
#
# Most real data are not ratings but **behaviour**: plays, clicks, purchases, minutes watched. They are plentiful
# but one-sided: a play says "probably liked", the absence of a play says almost nothing — not seen, or seen and
# skipped? There are no negative ratings to fit. Hu, Koren & Volinsky (*Collaborative filtering for implicit
# feedback datasets*, 2008) turned this into a factorisation of **all** entries:
#
# * a **preference** $p_{ui} = 1$ if user $u$ interacted with item $i$, else $0$;
# * a **confidence** $c_{ui} = 1 + \alpha\, n_{ui}$, growing with the count $n_{ui}$ of interactions (and 1 for
#   the items without any: a weak "probably not");
#
# $$\min_{U, V} \sum_{u, i} c_{ui} (p_{ui} - \mathbf u_u \cdot \mathbf v_i)^2
#   + \lambda \Bigl( \sum_u \lVert \mathbf u_u \rVert^2 + \sum_i \lVert \mathbf v_i \rVert^2 \Bigr).$$
#
# The sum runs over **every** (user, item) pair, so the unobserved items push predictions towards 0 — without them
# the best fit would predict 1 everywhere. With $V$ fixed, each user's row is again a (weighted) ridge regression,
# now over all $n$ items with weights $C_u = \operatorname{diag}(c_{u1}, \dots, c_{un})$:
#
# $$\bigl(V^\top C_u V + \lambda I\bigr)\, \mathbf u_u = V^\top C_u \mathbf p_u .$$
#
# The trick that makes it fast on big data: $V^\top C_u V = V^\top V + V^\top (C_u - I) V$, where $V^\top V$ is
# shared by all users and $C_u - I$ is zero except on the few items the user touched.
#
# Our implicit data: the same 400 users and 250 items; each user interacts with the 10 to 40 items of highest
# *utility* (the true rating plus a little noise of the day), $1 + \text{Poisson}(e^{\text{utility} - 4})$ times
# each. The ratings are gone; only counts remain.

# %%
plays = make_interactions()
interactions = pd.DataFrame({"user": plays.users, "item": plays.items, "count": plays.counts})
print(f"{len(interactions)} (user, item) pairs with interactions, {interactions['count'].sum():.0f} interactions "
      f"in all; counts from {interactions['count'].min():.0f} to {interactions['count'].max():.0f} "
      f"(median {interactions['count'].median():.0f})")
interactions.head()

# %% [markdown]
# ### Exercise 4 — `implicit_user_step`
#
# `users`, `items`, `counts`: the table of interactions (each (user, item) pair at most once, counts $\ge 1$);
# `V` ($n \times r$), `lam` $= \lambda$, `alpha` $= \alpha \ge 0$, `n_users` $= m$. Return $U$ of shape
# `(n_users, r)`: row $u$ solves $(V^\top C_u V + \lambda I)\,\mathbf u_u = V^\top C_u \mathbf p_u$ over **all**
# items, with $p_{ui} = 1$ and $c_{ui} = 1 + \alpha\, n_{ui}$ for the items in the table, $p_{ui} = 0$ and
# $c_{ui} = 1$ for all others. (A user with no interactions still gets a row: $(V^\top V + \lambda I)\mathbf u = 0$,
# zeros.) Build $\mathbf c_u$ and $\mathbf p_u$ as length-$n$ arrays per user; `V.T @ (c[:, None] * V)` is
# $V^\top C_u V$. Compared with `sklearn.linear_model.Ridge(alpha=lam, fit_intercept=False)` fitted on
# $(V, \mathbf p_u)$ with `sample_weight` $= \mathbf c_u$ for each user.

# %% nbgrader={"grade": false, "grade_id": "implicit_user_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def implicit_user_step(users, items, counts, V, lam, alpha, n_users):
    """U (n_users, r): row u solves (Vᵀ C_u V + λ I) u = Vᵀ C_u p_u over all items (Hu, Koren & Volinsky)."""
    ### BEGIN SOLUTION
    users, items, counts = np.asarray(users), np.asarray(items), np.asarray(counts, dtype=float)
    V = np.asarray(V, dtype=float)
    n_items, rank = V.shape
    shared = V.T @ V + lam * np.eye(rank)
    U = np.zeros((n_users, rank))
    for u in range(n_users):
        mine = users == u
        V_u, extra = V[items[mine]], alpha * counts[mine]          # c − 1 on the items the user touched
        A = shared + V_u.T @ (extra[:, None] * V_u)
        b = V_u.T @ (1.0 + extra)                                   # p = 1 there, 0 elsewhere
        U[u] = np.linalg.solve(A, b)
    return U
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "implicit_user_step_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Items with factors (1, 0), (0, 1), (1, 1); α = 2, λ = 0.5. User 0 played item 0 twice and item 2 once:
# c = (1 + 2·2, 1, 1 + 2·1) = (5, 1, 3), p = (1, 0, 1).
# Vᵀ C V + λ I = 5 (1,0)(1,0)ᵀ + 1 (0,1)(0,1)ᵀ + 3 (1,1)(1,1)ᵀ + 0.5 I = [[8.5, 3], [3, 4.5]];
# Vᵀ C p = 5 (1, 0) + 3 (1, 1) = (8, 3); the solution is (27, 1.5) / 29.25. User 1 played nothing: zeros.
im_V = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
im_users, im_items, im_counts = np.array([0, 0]), np.array([0, 2]), np.array([2.0, 1.0])
expect_close(implicit_user_step(im_users, im_items, im_counts, im_V, 0.5, 2.0, 2),
             [[27 / 29.25, 1.5 / 29.25], [0.0, 0.0]], rtol=1e-9, atol=1e-9, name="implicit_user_step on two users",
             slips={"using the counts as the target instead of the 0/1 preference": [[22 / 13, -6 / 13], [0.0, 0.0]],
                    "leaving the untouched items out (or giving them confidence 0)":
                        [[0.9156626506024096, 0.07228915662650612], [0.0, 0.0]],
                    "confidence α · count without the 1": [[0.8979591836734694, 0.08163265306122444], [0.0, 0.0]],
                    "leaving out the confidence weights": [[16 / 21, 2 / 21], [0.0, 0.0]]})
expect_unchanged(im_counts, [2.0, 1.0], "implicit_user_step", "counts", name="counts is left unchanged")
# α = 0: every item has confidence 1, and the step is a plain ridge regression of p on V over all items.
expect_close(implicit_user_step(im_users, im_items, im_counts, im_V, 0.5, 0.0, 1),
             np.linalg.solve(im_V.T @ im_V + 0.5 * np.eye(2), im_V.T @ np.array([1.0, 0.0, 1.0]))[None, :],
             rtol=1e-9, atol=1e-9, name="α = 0")
print("✓ public checks passed: implicit_user_step")

# %% nbgrader={"grade": true, "grade_id": "implicit_user_step_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random interaction tables of 4 to 10 users and 8 to 30 items, ranks 1 to 4, α from 0 to 40,
# users without interactions, a user who touched every item, a huge count. Compared with
# sklearn.linear_model.Ridge(alpha=λ, fit_intercept=False).fit(V, p_u, sample_weight=c_u) for each user.
# Try them yourself now: check("recsys.implicit_user_step", implicit_user_step)
### BEGIN HIDDEN TESTS
grade("recsys.implicit_user_step", implicit_user_step)
### END HIDDEN TESTS

# %% [markdown]
# There is no RMSE to compute on preferences. What matters is whether the items a user goes on to choose appear in
# their list: we hold out 20% of each user's interactions, recommend the top 10 among the items they have not
# touched in training, and measure
#
# * **recall@10**: the share of the held-out interactions that made it into the user's top 10;
# * **precision@10**: the share of the 10 slots filled by a held-out interaction.
#
# Both summed over all users. We compare implicit ALS (rank 5, $\lambda = 1$, 10 rounds, your step) for several
# $\alpha$ with recommending the most popular items, a random pick, and — the ceiling — ranking by the true
# ratings.

# %%
plays_held_out = split_per_user(plays.users, fraction=0.2, seed=2)
plays_train = ~plays_held_out
touched = np.zeros((data.n_users, data.n_items), dtype=bool)
touched[plays.users[plays_train], plays.items[plays_train]] = True
will_touch = np.zeros((data.n_users, data.n_items), dtype=bool)
will_touch[plays.users[plays_held_out], plays.items[plays_held_out]] = True


def precision_recall_at(scores, k=10):
    top = mine_or_reference(top_k_recommendations, reference_top_k_recommendations, scores, touched, k)
    hits = np.take_along_axis(will_touch, top, axis=1).sum()
    return {"recall@10": hits / will_touch.sum(), "precision@10": hits / (data.n_users * k)}


def my_implicit_step(*args):
    return mine_or_reference(implicit_user_step, reference_implicit_user_step, *args)


train_plays = plays.users[plays_train], plays.items[plays_train], plays.counts[plays_train]
implicit_rows = {}
for alpha in (0.0, 1.0, 10.0, 40.0):
    U_implicit, V_implicit = implicit_als(*train_plays, data.n_users, data.n_items, rank=5, lam=1.0, alpha=alpha,
                                          user_step=my_implicit_step if alpha == 1.0 else None)
    implicit_rows[f"implicit ALS, α = {alpha:g}"] = precision_recall_at(U_implicit @ V_implicit.T)
    if alpha == 1.0:
        implicit_scores = U_implicit @ V_implicit.T
popular_plays = np.bincount(plays.items[plays_train], minlength=data.n_items).astype(float)
implicit_rows["most popular"] = precision_recall_at(np.tile(popular_plays, (data.n_users, 1)))
implicit_rows["random"] = precision_recall_at(np.random.default_rng(0).random((data.n_users, data.n_items)))
implicit_rows["the true ratings (ceiling)"] = precision_recall_at(data.truth)
implicit_table = pd.DataFrame(implicit_rows).T
implicit_table

# %% [markdown]
# Implicit ALS finds more than half of the held-out interactions in just 10 slots, more than twice as many as the
# popular items, which are a strong baseline here (in implicit data popularity follows the item biases: everybody
# plays the well-liked items). The confidence weights help a little at $\alpha = 1$ over plain 0/1 preferences
# ($\alpha = 0$) and **hurt** when $\alpha$ is large: a count of 200 then outweighs everything else the user did, and
# how often someone replays an item says less about their taste than *that* they chose it. Tune $\alpha$ like $\lambda$,
# on held-out interactions. The ceiling is below 1 because the held-out choices were made with the noise of the
# day, which nothing can predict.
#
# One more difference from §4: here rank 5 works better than the true rank 3 (try it with `implicit_als`). The
# 0/1 preference matrix is a *threshold* of the low-rank utilities, and a thresholded low-rank matrix is not low-rank
# itself.
#
# ## 8. Checkpoint
#
# Three short questions, checked when the notebook is graded (the cell under each answer only checks its format),
# and one answer in your own words.
#
# Some questions give each student numbers of their own, drawn from your student id, so that a neighbour's answer
# is not yours. On JupyterHub the id is your user name, filled in for you; on your own machine type the id your
# instructor uses for you between the quotes below (studying alone? leave it empty: you get the self-study numbers).

# %%
my_id = set_student_id("")
print(f"Your checkpoint numbers are drawn for the id {my_id!r}.")

# %% [markdown]
# **Q1.** A model predicts $\hat r_{ui} = \mu + b_u + b_i + \mathbf u_u \cdot \mathbf v_i$ with rank $r$ for $m$ users
# and $n$ items: the numbers the cell below prints, your own. How many numbers does it learn ($\mu$, every bias and
# every entry of $U$ and $V$)? (An integer.)

# %%
show_question("recsys.checkpoint_q1")

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q1", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q1_answer to an integer.
### BEGIN SOLUTION
q1 = parameters("recsys.checkpoint_q1")      # your numbers, as a dict: {"m": ..., "n": ..., "r": ...}
q1_answer = q1["r"] * (q1["m"] + q1["n"]) + q1["m"] + q1["n"] + 1
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q1_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q1_answer, (int, float, np.integer, np.floating)) and not isinstance(q1_answer, bool),
            f"q1_answer should be a number such as 1234; got {q1_answer!r}.", name="q1_answer is a number")
print("q1_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q1_answer, variant_answer("recsys.checkpoint_q1"), name="the answer to question 1 (q1_answer)",
             rtol=0, atol=0.5)
### END HIDDEN TESTS

# %% [markdown]
# **Q2.** A factorisation of rank 8 with a very small $\lambda$ has a training RMSE *below* the noise level of the
# ratings, and a held-out RMSE worse than that of rank 3. What is going on?
#
# - (a) ALS has not converged: more rounds would bring the held-out RMSE down to the training RMSE.
# - (b) The extra factors fit the noise of the training ratings; a larger $\lambda$ (or a smaller rank) would lower the
#   held-out error.
# - (c) The held-out ratings are noisier than the training ratings, by chance of the split.
# - (d) Rank 8 is too small for this data; the rank should grow until the training RMSE reaches 0.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q2", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q2_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q2_answer = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q2_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q2_answer, str) and q2_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q2_answer should be one of the letters "a", "b", "c", "d"; got {q2_answer!r}.',
            name="q2_answer is one of the letters a, b, c, d")
print("q2_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q2_answer, "b", name="the answer to question 2 (q2_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q3.** In implicit-feedback ALS, why does every user's least-squares problem include **all** items, the ones
# they never touched with preference 0 and confidence 1?
#
# - (a) Without them every preference in the fit would be 1, and the best fit would predict 1 for every item: the
#   untouched items are the only thing that tells the model what a user chooses *less*.
# - (b) Because the untouched items are certainly disliked: the confidence 1 marks them as reliable negatives.
# - (c) Only to make the matrix $V^\top C_u V + \lambda I$ invertible; the untouched items do not change the solution.
# - (d) Because ratings of 0 would otherwise be missing from the RMSE.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q3", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q3_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q3_answer = "a"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q3_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q3_answer, str) and q3_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q3_answer should be one of the letters "a", "b", "c", "d"; got {q3_answer!r}.',
            name="q3_answer is one of the letters a, b, c, d")
print("q3_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q3_answer, "a", name="the answer to question 3 (q3_answer)")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "launch_plan_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Q4 (written, 2 points, graded by a person).** A streaming service wants to replace the "most popular" row of its
# home page with recommendations from a factorisation like this notebook's, trained on its play history. Say how
# you would decide, before the launch, whether the new row is better (which split, which metric, which baselines),
# and name two reasons why the offline numbers could mislead you (think of how the history was collected, and of
# what the old row did to it). Then say what the new row should show a brand-new user who has played nothing yet.
# Write your answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "launch_plan", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# Offline: split each user's plays by time — train on everything before a cut-off date, hold out each user's plays
# of the following two weeks — so that the model predicts the future from the past, as it will have to; tune the
# rank, λ and α on an earlier cut-off, never on the final one. Metric: recall@k and precision@k (or NDCG@k) for the
# k slots the row shows, over users, with the popular-items row and the item biases as baselines: the new row must
# beat "most popular" clearly, also for light users. Why it could mislead: (1) the history is missing not at random
# — people played what the old interface showed them and what they expected to like, so held-out plays reward
# models that imitate the old exposure, and items nobody was shown look bad though they were never tried; (2) the
# old "most popular" row fed itself: popular items were shown more and played more, so offline the popularity
# baseline looks stronger (and the new model more popularity-biased) than either will be live. Offline gains must
# therefore be confirmed by an online A/B test on the real goal (plays, minutes, return visits). A new user has no
# factors yet (cold start): show the popular row, perhaps per country or per sign-up answers, and switch to the
# factorisation after a handful of plays — one ALS user step computes their factors in microseconds, without
# retraining the items.

# %% [markdown]
# ## Summary
#
# * Ratings are a **table** (user, item, rating) of a mostly empty matrix; split **per user** so that everyone is in
#   training, and beat the **global mean** and the **biases** $\mu + b_u + b_i$ before anything else.
# * **Matrix factorisation** predicts $\mu + b_u + b_i + \mathbf u_u \cdot \mathbf v_i$; **ALS** alternates exact
#   ridge regressions, one per user, then one per item, $(V_{I_u}^\top V_{I_u} + \lambda I)\mathbf u_u =
#   V_{I_u}^\top \mathbf r_u$, and never increases its objective.
# * On ratings with a known structure it recovers the hidden subspace, and its held-out RMSE falls towards the noise
#   level at the true rank; a larger rank with a small $\lambda$ **overfits** (training error below the noise), and a
#   large $\lambda$ switches factors off (it penalises the nuclear norm).
# * A **top-k list** excludes what the user has rated, sorts by score and needs a tie rule; known truth shows the
#   factorisation's lists are far better than popularity or biases.
# * **Implicit feedback** fits 0/1 preferences over all items with confidences $1 + \alpha n_{ui}$ (Hu, Koren &
#   Volinsky) and is judged by **recall@k** and **precision@k**; tune $\alpha$ like $\lambda$.

# %%
print(f"the whole notebook ran in {time.perf_counter() - notebook_started:.0f} s")
