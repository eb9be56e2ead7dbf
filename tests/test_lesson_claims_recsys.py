"""Claims the recsys notebook makes that a learner could check, checked.

Each test quotes the lesson's words it backs, so a test and its sentence change together. The numbers come from
the solution notebook itself, run once here top to bottom (headless: explorers built, not drawn), so the claims are
about exactly what a learner's run prints. The checkpoint's answers are recomputed independently.
"""
from __future__ import annotations

import numpy as np
import pytest

from solutions import lesson_text, run_every_code_cell

pytestmark = pytest.mark.slow


def lesson() -> str:
    return lesson_text("recsys")


@pytest.fixture(scope="module")
def run():
    return run_every_code_cell("recsys")


def test_the_data_are_as_described(run):
    text = lesson()
    assert "Each user rates between 20 and 80 items, popular items more often" in text
    per_user = run["per_user"]
    assert per_user.min() >= 20 and per_user.max() <= 80
    assert "the ratings cover about 17% of it" in text and round(run["density"], 2) == 0.17
    assert "Every one of the 400 users is in the training set, and so is every item" in text
    assert run["split_table"].loc["train", "users"] == 400 and run["split_table"].loc["train", "items"] == 250
    data = run["data"]
    assert "an interaction of rank 3" in text
    interaction = data.truth - 3.5 - data.user_bias[:, None] - data.item_bias[None, :]
    assert np.linalg.matrix_rank(interaction) == 3


def test_the_baselines_and_the_floor(run):
    text = lesson()
    assert "The biases take the RMSE from 1.14 to 0.97" in text and "the floor of 0.50" in text
    table = run["baselines"]["held-out RMSE"]
    assert round(table["global mean μ"], 2) == 1.14 and round(table["biases μ + b_u + b_i"], 2) == 0.97
    assert round(table["the true model (noise only)"], 2) == 0.50
    # "the bias model is the rank-2 factorisation with user rows (b_u, 1) and item rows (1, μ + b_i)"
    data, held_out = run["data"], run["held_out"]
    direct = data.ratings[held_out] - run["mu"] - run["user_bias"][data.users[held_out]] - \
        run["item_bias"][data.items[held_out]]
    assert table["biases μ + b_u + b_i"] == pytest.approx(np.sqrt(np.mean(direct ** 2)), rel=1e-12)
    assert "its RMSE on the residuals is its RMSE on the ratings" in text
    assert np.sqrt(np.mean(run["residual"][held_out] ** 2)) == pytest.approx(table["biases μ + b_u + b_i"])


def test_als_descends_and_reaches_the_noise_level(run):
    text = lesson()
    assert ("The objective falls at every round (each half-step solves its half exactly) and the held-out RMSE "
            "drops from the biases' 0.97 to about 0.58 within a few rounds, most of the way to the noise floor of "
            "0.50") in text
    progress = run["progress"]
    assert np.all(np.diff(progress["objective"]) < 0)
    assert progress.loc[4, "held-out RMSE"] < 0.6 and round(progress.loc[15, "held-out RMSE"], 2) == 0.58
    assert "only about 34 ratings each" in text
    assert round(run["train"].sum() / 400) == 34
    # each half-step alone does not increase the objective either (checked on the lesson's data, ALS from scratch)
    from course.explorers.recommender import reference_als_user_step
    data, train, residual = run["data"], run["train"], run["residual"]
    u, i, r = data.users[train], data.items[train], residual[train]

    def objective(U, V):
        return np.sum((r - np.sum(U[u] * V[i], axis=1)) ** 2) + np.sum(U ** 2) + np.sum(V ** 2)
    V = np.random.default_rng(1).normal(size=(250, 3))
    U = np.zeros((400, 3))
    values = [objective(U, V)]
    for _ in range(3):
        U = reference_als_user_step(u, i, r, V, 1.0, 400)
        values.append(objective(U, V))
        V = reference_als_user_step(i, u, r, U, 1.0, 250)
        values.append(objective(U, V))
    assert np.all(np.diff(values) <= 1e-9)


def test_the_structure_is_recovered(run):
    text = lesson()
    assert ("angles between about 11 and 17 degrees, where a random subspace of the same size sits at 75 to 90 "
            "degrees") in text
    angles = np.concatenate([run["item_angles"], run["user_angles"]])
    assert 11 <= angles.min() and angles.max() <= 17.5
    assert 75 <= run["random_angles"].min() and run["random_angles"].max() <= 90
    assert "on the 83% of pairs that nobody rated, the predictions correlate with the truth at 0.94" in text
    assert round(run["unrated"].mean(), 2) == 0.83 and round(run["correlation"], 2) == 0.94
    assert "any invertible $r \\times r$ matrix $A$ gives the same predictions with $UA$ and $VA^{-\\top}$" in text
    U, V = run["U"], run["V"]
    A = np.array([[2.0, 1.0, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 3.0]])
    assert np.allclose((U @ A) @ (V @ np.linalg.inv(A).T).T, U @ V.T)


def test_rank_and_regularisation(run):
    text = lesson()
    table, train = run["held_out_table"], run["grid_train"]
    assert "Ranks 1 and 2 cannot express three tastes: held-out RMSE 0.86 and 0.75 at best" in text
    assert round(table.loc[1].min(), 2) == 0.86 and round(table.loc[2].min(), 2) == 0.75
    assert "0.58 with $\\lambda = 0.1$ or $1$, the best in the table" in text
    assert round(table.loc[3, 0.1], 2) == round(table.loc[3, 1.0], 2) == 0.58
    assert table.values.min() == pytest.approx(min(table.loc[3, 0.1], table.loc[3, 1.0]))
    assert ("at rank 8 it is 0.36, *below the noise level*" in text
            and "the held-out RMSE climbs back to 0.77, worse than the best rank-2 model (0.75)" in text)
    assert np.all(np.diff(train[:, 0]) < 0) and round(train[7, 0], 2) == 0.36 < 0.5
    assert round(table.loc[8, 0.1], 2) == 0.77 and table.loc[8, 0.1] > table.loc[2].min()
    assert "at $\\lambda = 3$ rank 8 is only 0.03 worse than rank 3" in text
    assert round(table.loc[8, 3.0] - table.loc[3, 3.0], 2) == 0.03
    assert "At $\\lambda = 10$ every rank from 3 on gives the same 0.70" in text
    assert np.allclose(table.loc[3:, 10.0], table.loc[3, 10.0], atol=1e-3) and round(table.loc[3, 10.0], 2) == 0.70
    assert "back to the biases alone (0.97)" in text
    assert np.allclose(table[30.0], run["baselines"].loc["biases μ + b_u + b_i", "held-out RMSE"], atol=1e-3)
    # the refitted entries match the shipped table
    assert run["refit"] == pytest.approx(table.loc[8, 0.1], abs=1e-6)


def test_the_nuclear_norm_identity():
    text = lesson()
    assert ("At the optimum, $\\lambda(\\lVert U\\rVert_F^2 + \\lVert V\\rVert_F^2)$ equals $2\\lambda "
            "\\lVert UV^\\top\\rVert_*$") in text
    from course.explorers.recommender import fitted
    for rank, lam in ((3, 1.0), (5, 3.0), (8, 10.0)):           # the shipped ALS fits are balanced
        U, V = fitted(rank, lam)
        nuclear = np.linalg.svd(U @ V.T, compute_uv=False).sum()
        assert np.sum(U ** 2) + np.sum(V ** 2) == pytest.approx(2 * nuclear, rel=1e-3)
    # fully observed: the minimiser of ||M − X||² + 2λ||X||_* soft-thresholds the singular values of M at λ
    assert "On a fully observed matrix this penalty shrinks every singular value by the same amount" in text
    from course.explorers.recommender import als
    rng = np.random.default_rng(1)
    M = rng.normal(size=(30, 4)) @ rng.normal(size=(4, 20)) + 0.3 * rng.normal(size=(30, 20))
    users, items = np.nonzero(np.ones_like(M, dtype=bool))
    U, V = als(users, items, M[users, items], 30, 20, rank=6, lam=4.0, iterations=300)
    sigma = np.linalg.svd(M, compute_uv=False)
    assert np.allclose(np.linalg.svd(U @ V.T, compute_uv=False)[:6], np.maximum(sigma[:6] - 4.0, 0), atol=1e-3)
    assert "\\min_{UV^\\top = X} \\tfrac12(\\lVert U\\rVert_F^2 + \\lVert V\\rVert_F^2) = \\lVert X\\rVert_*" in text
    rng = np.random.default_rng(0)
    X = rng.normal(size=(7, 3)) @ rng.normal(size=(3, 5))
    W, s, Zt = np.linalg.svd(X, full_matrices=False)
    nuclear = s.sum()
    U, V = W * np.sqrt(s), Zt.T * np.sqrt(s)                       # the balanced factorisation attains it
    assert np.allclose(U @ V.T, X) and 0.5 * (np.sum(U ** 2) + np.sum(V ** 2)) == pytest.approx(nuclear)
    for _ in range(20):                                          # any other factorisation costs at least as much
        A = rng.normal(size=(5, 5))
        U2, V2 = U @ A, V @ np.linalg.inv(A).T
        assert np.allclose(U2 @ V2.T, X) and 0.5 * (np.sum(U2 ** 2) + np.sum(V2 ** 2)) >= nuclear - 1e-9


def test_the_penalty_switches_directions_off():
    text = lesson()
    assert ("the penalty switches off every direction beyond the third (at rank 8 the fitted $UV^\\top$ has exactly "
            "three non-zero singular values), but it also shrinks the three true ones") in text
    assert "$\\lambda = 30$ it switches off all of them" in text
    from course.explorers.recommender import fitted
    kept = {}
    for lam in (0.1, 1.0, 3.0, 10.0, 30.0):
        U, V = fitted(8, lam)
        s = np.linalg.svd(U @ V.T, compute_uv=False)
        kept[lam] = (int(np.sum(s > 0.1)), s[:3])
    assert [kept[lam][0] for lam in (0.1, 1.0, 3.0, 10.0, 30.0)] == [8, 8, 8, 3, 0]
    assert np.all(kept[10.0][1] < kept[3.0][1])                 # the three true directions shrink too


def test_top_k_lists_against_the_truth(run):
    text = lesson()
    quality = run["top_k_quality"]["mean true rating of the top 10"]
    assert "The most popular items are no better than a random pick" in text
    assert quality["most popular"] <= quality["random"] + 0.02
    assert ("its lists have a mean true rating of 5.2, far above the biases' 4.4 and within 0.1 of the best possible "
            "lists") in text
    assert round(quality["ALS, rank 3, λ = 1"], 1) == 5.2 and round(quality["biases μ + b_u + b_i"], 1) == 4.4
    assert quality["the best possible (the true ratings)"] - quality["ALS, rank 3, λ = 1"] < 0.1
    assert "a plain `np.argsort` is not stable" in text
    rng = np.random.default_rng(0)
    tied = [np.round(rng.normal(size=100), 1) for _ in range(20)]
    assert any(not np.array_equal(np.argsort(-x), np.argsort(-x, kind="stable")) for x in tied)


def test_implicit_feedback(run):
    text = lesson()
    assert "each user interacts with the 10 to 40 items of highest *utility*" in text
    per_user = np.bincount(run["plays"].users, minlength=400)
    assert per_user.min() >= 10 and per_user.max() <= 40
    assert "The trick that makes it fast on big data: $V^\\top C_u V = V^\\top V + V^\\top (C_u - I) V$" in text
    table = run["implicit_table"]["recall@10"]
    assert ("Implicit ALS finds more than half of the held-out interactions in just 10 slots, more than twice as many "
            "as the popular items") in text
    assert table["implicit ALS, α = 1"] > 0.5 and table["implicit ALS, α = 1"] > 2 * table["most popular"]
    assert "The confidence weights help a little at $\\alpha = 1$ over plain 0/1 preferences" in text
    assert table["implicit ALS, α = 0"] < table["implicit ALS, α = 1"] < table["implicit ALS, α = 0"] + 0.05
    assert table["implicit ALS, α = 40"] < table["implicit ALS, α = 10"] < table["implicit ALS, α = 0"]
    assert "a count of 200 then outweighs" in text and run["interactions"]["count"].max() >= 200
    assert "The ceiling is below 1" in text and table["the true ratings (ceiling)"] < 1
    assert table["the true ratings (ceiling)"] > table["implicit ALS, α = 1"]
    assert "here rank 5 works better than the true rank 3 (try it with `implicit_als`)" in text
    U, V = run["implicit_als"](*run["train_plays"], 400, 250, rank=3, lam=1.0, alpha=1.0)
    assert run["precision_recall_at"](U @ V.T)["recall@10"] < table["implicit ALS, α = 1"] - 0.05


def test_the_checkpoint_answers(run):
    from course.variants import parameters, variant_answer
    for student in ("self-study", "ada", "grace", "alan"):
        p = parameters("recsys.checkpoint_q1", student)
        m, n, r = p["m"], p["n"], p["r"]
        learned = [np.zeros(1), np.zeros(m), np.zeros(n), np.zeros((m, r)), np.zeros((n, r))]   # μ, b_u, b_i, U, V
        assert variant_answer("recsys.checkpoint_q1", student) == sum(a.size for a in learned)
    assert run["q1_answer"] == variant_answer("recsys.checkpoint_q1")
    assert run["q2_answer"] == "b" and run["q3_answer"] == "a"
