"""The recsys notebook's recommender explorer and data: the references pass the course's own checks, the data have
the structure the lesson describes, the shipped fits are what `als` computes, the picture makes the claims the
lesson makes, the learner's top-k runs once it passes, and the view updates and says whose code runs."""
from __future__ import annotations

import numpy as np
import pytest

from course.exercises import run_checks
from course.explorers import recommender as R
from course.explorers.recommender import (LAMBDAS, RANKS, RecommenderStudy, describe, recommender_explorer,
                                          reference_top_k_recommendations)


def _accept(function):
    return True, ""


def _reject(function):
    return False, "it returns the wrong shape"


@pytest.mark.parametrize("key, reference", [("recsys.rmse_on", R.reference_rmse_on),
                                            ("recsys.als_user_step", R.reference_als_user_step),
                                            ("recsys.top_k_recommendations", R.reference_top_k_recommendations),
                                            ("recsys.implicit_user_step", R.reference_implicit_user_step)])
def test_the_references_pass_the_course_checks(key, reference):
    assert run_checks(key, reference).ok


def test_the_data_have_the_known_structure():
    data = R.make_ratings()
    assert data.truth.shape == (R.N_USERS, R.N_ITEMS)
    assert np.linalg.matrix_rank(data.truth - R.GLOBAL_MEAN - data.user_bias[:, None] - data.item_bias) == 3
    pairs = set(zip(data.users.tolist(), data.items.tolist()))
    assert len(pairs) == len(data.users)                                     # each pair rated at most once
    per_user = np.bincount(data.users, minlength=data.n_users)
    assert per_user.min() >= 20 and per_user.max() <= 80
    noise = data.ratings - data.truth[data.users, data.items]
    assert abs(noise.std() - R.NOISE) < 0.02 and abs(noise.mean()) < 0.02
    held_out = R.split_per_user(data.users)
    assert set(np.unique(data.users[~held_out])) == set(range(data.n_users))  # every user stays in training
    assert np.all(np.bincount(data.users[~held_out], minlength=data.n_users) >= 0.8 * per_user - 1e-9)
    plays = R.make_interactions()
    assert plays.counts.min() >= 1 and len(set(zip(plays.users.tolist(), plays.items.tolist()))) == len(plays.users)


def test_the_vectorised_steps_equal_a_loop():
    data = R.make_ratings()
    rng = np.random.default_rng(0)
    V = rng.normal(size=(data.n_items, 3))
    U = R.reference_als_user_step(data.users, data.items, data.ratings, V, 2.0, data.n_users)
    for u in (0, 17, 399):
        rows = data.users == u
        X = V[data.items[rows]]
        assert np.allclose(U[u], np.linalg.solve(X.T @ X + 2.0 * np.eye(3), X.T @ data.ratings[rows]))
    plays = R.make_interactions()
    U = R.reference_implicit_user_step(plays.users, plays.items, plays.counts, V, 1.0, 3.0, data.n_users)
    for u in (0, 250):
        c, p = np.ones(data.n_items), np.zeros(data.n_items)
        rows = plays.users == u
        c[plays.items[rows]] += 3.0 * plays.counts[rows]
        p[plays.items[rows]] = 1
        assert np.allclose(U[u], np.linalg.solve(V.T @ (c[:, None] * V) + np.eye(3), V.T @ (c * p)))


def test_the_shipped_fits_are_what_als_computes():
    train_rmse, test_rmse = R.rmse_grid()
    assert train_rmse.shape == test_rmse.shape == (len(RANKS), len(LAMBDAS))
    for rank, lam in ((2, 3.0), (5, 0.1), (8, 30.0)):
        U, V, (train, test) = R._fit_and_score(rank, lam)
        saved_U, saved_V = R.fitted(rank, lam)
        a, b = RANKS.index(rank), LAMBDAS.index(lam)
        assert train == pytest.approx(train_rmse[a, b], abs=1e-9) and test == pytest.approx(test_rmse[a, b], abs=1e-9)
        assert np.allclose(saved_U @ saved_V.T, U @ V.T, atol=1e-4)


def test_the_explorer_shows_what_the_lesson_says():
    start = RecommenderStudy().compute()
    assert (start.rank, start.lam, start.user, start.k) == (3, 1.0, 17, 10)
    assert round(start.mean_true_recommended, 2) == 4.82 and start.mean_true_best - start.mean_true_recommended < 0.05
    assert int(np.argmin(start.test_rmse)) + 1 == 3 and start.noise_rmse < start.test_rmse.min() < start.bias_rmse
    overfit = RecommenderStudy(lam=0.1, rank=8).compute()
    assert overfit.train_rmse[7] < overfit.noise_rmse < overfit.test_rmse[2] < overfit.test_rmse[7]
    assert np.all(np.diff(overfit.train_rmse) < 0) and np.all(np.diff(overfit.test_rmse[2:]) > 0)
    shrunk = RecommenderStudy(lam=30.0).compute()
    assert shrunk.test_rmse == pytest.approx(np.full(len(RANKS), shrunk.bias_rmse), abs=1e-3)
    assert round(shrunk.mean_true_recommended, 1) == 4.4
    assert round(RecommenderStudy(rank=1).compute().mean_true_recommended, 1) == 4.4
    for user in range(0, 400, 7):
        r = RecommenderStudy(user=user).compute()
        assert r.mean_true_recommended > max(r.mean_true_popular, r.mean_true_unrated)
        assert not np.any(r.rated[r.recommended])
        assert np.all(np.diff(r.scores[r.recommended]) <= 0)


def test_the_learners_top_k_runs_once_it_passes_and_falls_back_otherwise():
    calls = []

    def mine(scores, rated, k):
        calls.append(1)
        return reference_top_k_recommendations(scores, rated, k)

    r = RecommenderStudy(top_k_recommendations=mine, validate=_accept).compute()
    assert calls and "your top_k_recommendations" in r.running
    r = RecommenderStudy(top_k_recommendations=mine, validate=_reject).compute()
    assert "the reference" in r.running and "wrong shape" in r.running

    def broken(scores, rated, k):
        raise ValueError("boom")

    r = RecommenderStudy(top_k_recommendations=broken, validate=_accept).compute()
    assert "raised ValueError" in r.running and len(r.recommended) == r.k


def test_the_view_updates_and_says_whose_code_runs(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    box = recommender_explorer()
    assert box.result.rank == 3 and "updated in" in box.status.value
    box.controls["rank"].value = 8
    box.controls["lam"].value = 0.1
    assert box.result.rank == 8 and box.result.lam == 0.1 and "rank 8" in box.status.value
    box.controls["user"].value = 42
    box.controls["k"].value = 25
    assert box.result.user == 42 and len(box.result.recommended) == 25
    assert "the reference" in box.status.value
    assert box.output.outputs[0]["data"]["image/png"]
    assert "held-out RMSE" in describe(box.result)
    for name in ("rank", "lam", "user", "k"):
        assert f"explorer-{name}" in box.controls[name]._dom_classes
