"""Week 04 explorers: the models compute the right things, and the views are thin and honest about whose code runs."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.svm import SVC

from course.explorers.boosting import MAX_STAGES, BoostingStudy, boosting_explorer
from course.explorers.forest import (MAX_TREES, ForestStudy, forest_explorer, oob_error_curve,
                                     reference_bootstrap_oob)
from course.explorers.svm import SVMStudy, moons, svm_explorer

from solutions import solution_namespace

SOLUTIONS = solution_namespace("week04")


def _accept(function):
    return True, ""


def _reject(function):
    return False, "it returns the wrong shape"


def _png(box) -> bool:
    outputs = box.output.outputs
    return len(outputs) == 1 and "image/png" in outputs[0]["data"]


# ----------------------------------------------------------------------------- SVM


def test_svm_model_matches_scikit_learn():
    study = SVMStudy(C=3.0, gamma=0.5)
    picture = study.compute()
    X_train, y_train, X_test, y_test = moons()
    svc = SVC(C=3.0, gamma=0.5).fit(X_train, y_train)
    assert picture.implementation == "reference"
    assert np.array_equal(picture.support, svc.support_)
    assert picture.test_accuracy == pytest.approx(svc.score(X_test, y_test))
    assert picture.decision.shape == (study.grid_size, study.grid_size)


def test_svm_runs_the_learners_kernel_only_once_it_passes():
    calls = []

    def kernel(X, Y, gamma):
        calls.append(gamma)
        return rbf_kernel(X, Y, gamma=gamma)

    reference = SVMStudy(C=1.0, gamma=2.0).compute()
    rejected = SVMStudy(C=1.0, gamma=2.0, rbf_kernel_matrix=kernel, validate=_reject).compute()
    assert rejected.implementation == "reference" and "does not pass its checks yet" in rejected.running
    assert not calls
    accepted = SVMStudy(C=1.0, gamma=2.0, rbf_kernel_matrix=kernel, validate=_accept).compute()
    assert accepted.implementation == "yours" and calls == [2.0, 2.0]
    assert np.array_equal(accepted.support, reference.support)
    assert np.allclose(accepted.decision, reference.decision, atol=1e-2)


def test_svm_high_gamma_and_C_overfit_and_low_gamma_underfits():
    wild = SVMStudy(C=1000.0, gamma=100.0).compute()
    smooth = SVMStudy(C=0.01, gamma=0.01).compute()
    good = SVMStudy(C=1.0, gamma=1.0).compute()
    assert wild.train_accuracy > 0.97 and wild.test_accuracy < good.test_accuracy
    assert smooth.train_accuracy < good.train_accuracy


def test_svm_view_updates_on_each_control():
    box = svm_explorer(SOLUTIONS["rbf_kernel_matrix"])
    assert "explorer-svm" in box.children[0]._dom_classes
    assert set(box.controls) == {"C", "gamma"}
    assert box.model.compute().implementation == "yours" and "your rbf_kernel_matrix" in box.status.value
    box.controls["gamma"].value = 10.0
    assert box.result.gamma == 10.0 and _png(box) and "updated in" in box.status.value
    box.controls["C"].value = 100.0
    assert box.result.C == 100.0 and set(box.last_update) == {"compute_ms", "render_ms", "total_ms"}


# ----------------------------------------------------------------------------- boosting


def test_boosting_model_is_scikit_learns_staged_fit_and_the_slider_only_indexes():
    study = BoostingStudy(stage=7, learning_rate=0.3, max_depth=2)
    picture = study.compute()
    x_train, y_train, x_test, y_test = study.data
    model = GradientBoostingRegressor(n_estimators=MAX_STAGES, learning_rate=0.3, max_depth=2, random_state=0)
    staged = list(model.fit(x_train[:, None], y_train).staged_predict(study.x_grid[:, None]))
    assert np.allclose(picture.fit, staged[6])
    assert picture.test_mse.shape == (MAX_STAGES,)
    assert picture.best_stage == int(np.argmin(picture.test_mse)) + 1
    assert np.all(np.diff(picture.train_mse) <= 1e-12)      # squared-loss boosting never raises training error
    fits = dict(study._fits)
    study.stage = 250
    assert np.allclose(study.compute().fit, staged[249])
    assert study._fits == fits                              # no refit for a new stage


def test_boosting_uses_the_learners_function_once_it_passes():
    calls = []

    def booster(*args):
        calls.append(args[3:6])
        return SOLUTIONS["gradient_boosting"](*args)

    rejected = BoostingStudy(gradient_boosting=booster, validate=_reject).compute()
    assert rejected.implementation == "reference" and not calls
    accepted = BoostingStudy(gradient_boosting=booster, validate=_accept)
    picture = accepted.compute()
    assert picture.implementation == "yours" and calls == [(MAX_STAGES, 0.1, 2)]
    reference = BoostingStudy().compute()
    assert np.allclose(picture.test_mse, reference.test_mse, rtol=1e-9)


def test_boosting_view():
    box = boosting_explorer()
    assert "explorer-boosting" in box.children[0]._dom_classes
    box.controls["stage"].value = 120
    assert box.result.stage == 120 and _png(box) and "updated in" in box.status.value
    box.controls["learning_rate"].value = 1.0
    assert box.result.learning_rate == 1.0 and box.result.best_stage < 60


# ----------------------------------------------------------------------------- forest


def test_oob_error_curve_matches_a_direct_count():
    rng = np.random.default_rng(0)
    samples, oob = reference_bootstrap_oob(30, 12, seed=3)
    probabilities = rng.random((12, 30))
    y = rng.integers(0, 2, 30)
    error, coverage = oob_error_curve(oob, probabilities, y)
    for t in (1, 5, 12):
        wrong, counted = 0, 0
        for i in range(30):
            voters = [probabilities[s, i] for s in range(t) if oob[s, i]]
            if voters:
                counted += 1
                wrong += (np.mean(voters) > 0.5) != (y[i] == 1)
        assert coverage[t - 1] == pytest.approx(counted / 30)
        assert error[t - 1] == pytest.approx(wrong / counted)


def test_forest_oob_tracks_test_error_and_bootstrap_comes_from_the_learner():
    calls = []

    def bootstrap(n, t, seed):
        calls.append((n, t, seed))
        return reference_bootstrap_oob(n, t, seed)

    study = ForestStudy(n_trees=MAX_TREES, bootstrap_oob=bootstrap, validate=_accept)
    picture = study.compute()
    assert picture.implementation == "yours" and calls == [(200, MAX_TREES, 0)]
    assert picture.oob_coverage[-1] == 1.0
    assert abs(picture.oob_error[-1] - picture.test_error[-1]) < 0.05
    assert picture.test_error[-1] < picture.single_tree_test_error
    study.n_trees = 3
    assert study.compute().probability.shape == (study.grid_size, study.grid_size) and len(calls) == 1
    rejected = ForestStudy(bootstrap_oob=bootstrap, validate=_reject).compute()
    assert rejected.implementation == "reference" and len(calls) == 1


def test_forest_view_with_the_learners_solution():
    box = forest_explorer(SOLUTIONS["bootstrap_oob"])
    assert "explorer-forest" in box.children[0]._dom_classes
    assert "your bootstrap_oob" in box.status.value
    box.controls["n_trees"].value = 80
    assert box.result.n_trees == 80 and _png(box) and "updated in" in box.status.value
    box.controls["max_features"].value = "all"
    assert box.result.max_features == "all" and "bagging" in box.controls["max_features"].label
