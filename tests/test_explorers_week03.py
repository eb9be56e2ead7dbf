"""Week 03's explorers: the models compute the right things (checked against scikit-learn), use the learner's
functions only when they pass their checks, and the views wire controls, status line and picture together."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import Ridge
from sklearn.metrics import confusion_matrix, precision_score, recall_score, roc_auc_score, roc_curve
from sklearn.tree import DecisionTreeClassifier

from course.explorers.bias_variance import (BiasVarianceStudy, bias_variance_explorer, polynomial_features,
                                            reference_ridge_fits)
from course.explorers.classification import (DecisionRegions, decision_regions_explorer, grow_tree, make_dataset,
                                             sklearn_best_split)
from course.explorers.threshold import ThresholdStudy, roc_points, threshold_explorer

from solutions import solution_namespace
import wrong_week03


@pytest.fixture(scope="module")
def solutions():
    return solution_namespace("week03")


def _has_png(box) -> bool:
    return len(box.output.outputs) == 1 and "image/png" in box.output.outputs[0]["data"]


# ----------------------------------------------------------------------------- bias and variance


def test_batched_ridge_matches_sklearn():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(3, 20))
    y = np.sin(3 * x) + rng.normal(scale=0.2, size=x.shape)
    coefs, intercepts = reference_ridge_fits(polynomial_features(x, 4), y, 0.5)
    for s in range(3):
        model = Ridge(alpha=0.5).fit(polynomial_features(x[s], 4), y[s])
        np.testing.assert_allclose(coefs[s], model.coef_, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(intercepts[s], model.intercept_, rtol=1e-8, atol=1e-10)


def test_error_decomposition_and_its_trends():
    study = BiasVarianceStudy(alpha=1e-6, noise=0.3)
    picture = study.compute()
    np.testing.assert_allclose(picture.test_mse, picture.bias2 + picture.variance + 0.09)
    assert picture.train_mse[-1] < picture.train_mse[0]                 # flexibility fits the training data
    assert picture.bias2[0] > picture.variance[0]                        # a line underfits the curve
    assert picture.variance[-1] > picture.bias2[-1]                      # degree 15 chases noise
    best = int(np.argmin(picture.test_mse))
    assert 2 <= picture.degrees[best] <= 6 and picture.test_mse[best] < picture.test_mse[-1]
    study.alpha = 1.0                                                    # the penalty tames degree 15
    assert study.compute().variance[-1] < picture.variance[-1] / 10
    study.alpha = 100.0                                                  # too much of it flattens every fit
    assert study.compute().bias2[3] > 10 * picture.bias2[3]


def test_bias_variance_runs_the_learners_ridge_fit_only_when_it_passes(solutions):
    yours = BiasVarianceStudy(ridge_fit=solutions["ridge_fit"]).compute()
    reference = BiasVarianceStudy().compute()
    assert yours.implementation == "yours" and yours.running == "running: your ridge_fit"
    np.testing.assert_allclose(yours.test_mse[:8], reference.test_mse[:8], rtol=1e-6)
    wrong = BiasVarianceStudy(ridge_fit=wrong_week03.ridge_penalising_intercept).compute()
    assert wrong.implementation == "reference" and "does not pass its checks yet" in wrong.running
    assert "penalises the intercept" in wrong.running


def test_bias_variance_view_updates_on_every_control(solutions):
    box = bias_variance_explorer(solutions["ridge_fit"])
    assert box.model is not None and set(box.controls) == {"degree", "alpha", "noise"}
    assert "explorer-bias-variance" in box._dom_classes and _has_png(box)
    box.controls["degree"].value = 9
    assert box.result.degree == 9 and "updated in" in box.status.value and "your ridge_fit" in box.status.value
    box.controls["alpha"].value = 10.0
    assert box.result.alpha == pytest.approx(10.0) and box.last_update["total_ms"] > 0


# ----------------------------------------------------------------------------- decision regions


def test_grown_tree_agrees_with_sklearn():
    X, y, X_test, _ = make_dataset("moons")
    for depth in (1, 3, 5):
        tree = grow_tree(X, y, sklearn_best_split, "gini", max_depth=depth)
        reference = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(X, y)
        agreement = np.mean((tree.predict_proba(X_test, depth) > 0.5) == reference.predict(X_test))
        assert agreement >= 0.95, (depth, agreement)
    deep = grow_tree(X, y, sklearn_best_split, "gini", max_depth=10)
    assert deep.predict_proba(X[:1], 0)[0] == pytest.approx(np.mean(y == 1))   # depth 0 reads the root
    assert np.all(np.diff([np.mean((deep.predict_proba(X, d) > 0.5) == y) for d in range(1, 11)]) >= -1e-12)


def test_logistic_regions_with_the_learners_fit(solutions):
    state = DecisionRegions(dataset="circles", degree=2, C=1.0, logistic_fit=solutions["logistic_fit"])
    picture = state.compute()
    assert picture.running == "running: your logistic_fit"
    assert picture.probability.shape == (state.grid_size, state.grid_size)
    assert np.all((picture.probability >= 0) & (picture.probability <= 1))
    assert picture.test_accuracy > 0.85                 # degree-2 features make a circle separable
    state.degree = 1
    assert state.compute().test_accuracy < 0.7          # a straight line cannot


def test_tree_regions_with_the_learners_split_and_a_failing_one(solutions):
    state = DecisionRegions(model="decision tree", depth=10, best_split=solutions["best_split"])
    picture = state.compute()
    assert picture.running == "running: your best_split" and picture.train_accuracy > 0.98
    assert picture.curve_train[-1] >= picture.curve_train[0]
    state = DecisionRegions(model="decision tree", best_split=wrong_week03.split_at_data_value)
    assert "does not pass its checks yet" in state.compute().running


def test_decision_regions_view_switches_models(solutions):
    box = decision_regions_explorer(solutions["logistic_fit"], solutions["best_split"])
    assert {"model", "dataset", "C", "degree", "depth", "criterion"} == set(box.controls)
    assert "explorer-decision-regions" in box._dom_classes and _has_png(box)
    box.controls["C"].value = 100.0
    assert box.result.setting.startswith("C = 100") and "updated in" in box.status.value
    box.controls["model"].value = "decision tree"
    box.controls["depth"].value = 6
    assert box.result.model == "decision tree" and box.result.setting == "depth 6, gini"
    assert "your best_split" in box.status.value


# ----------------------------------------------------------------------------- threshold


@pytest.mark.parametrize("decimals", [None, 1])
def test_roc_points_match_sklearn(decimals):
    rng = np.random.default_rng(1)
    y = (rng.random(300) < 0.3).astype(int)
    scores = rng.normal(size=300) + y
    if decimals is not None:
        scores = np.round(scores, decimals)   # ties: one diagonal step per group
    fpr, tpr, _ = roc_points(y, scores)
    expected_fpr, expected_tpr, _ = roc_curve(y, scores, drop_intermediate=False)
    np.testing.assert_allclose(fpr, expected_fpr)
    np.testing.assert_allclose(tpr, expected_tpr)


def test_threshold_study_matches_sklearn():
    study = ThresholdStudy(threshold=0.4, separation=1.5, positive_share=0.1)
    picture = study.compute()
    y_pred = (picture.scores >= 0.4).astype(int)
    np.testing.assert_array_equal(picture.confusion, confusion_matrix(picture.y_true, y_pred))
    assert picture.y_true.mean() == pytest.approx(0.1)
    assert picture.metrics["precision"] == pytest.approx(precision_score(picture.y_true, y_pred))
    assert picture.metrics["recall"] == pytest.approx(recall_score(picture.y_true, y_pred))
    assert picture.auc == pytest.approx(roc_auc_score(picture.y_true, picture.scores))
    assert np.trapezoid(picture.roc_tpr, picture.roc_fpr) == pytest.approx(picture.auc)
    study.threshold = 0.01
    assert study.compute().metrics["recall"] == 1.0
    study.separation = 0.0
    assert abs(study.compute().auc - 0.5) < 0.1


def test_threshold_uses_the_learners_metrics_only_when_they_pass(solutions):
    study = ThresholdStudy(classification_metrics=solutions["classification_metrics"], roc_auc=solutions["roc_auc"])
    assert study.compute().running == "running: your classification_metrics; your roc_auc"
    study = ThresholdStudy(classification_metrics=wrong_week03.metrics_dividing_by_zero,
                           roc_auc=wrong_week03.auc_ignoring_ties)
    running = study.compute().running
    assert "scikit-learn's classification_metrics (yours does not pass" in running
    assert "scikit-learn's roc_auc (yours does not pass" in running


def test_threshold_view(solutions):
    box = threshold_explorer(solutions["classification_metrics"], solutions["roc_auc"])
    assert set(box.controls) == {"threshold", "separation", "positive_share"}
    assert "explorer-threshold" in box._dom_classes and _has_png(box)
    box.controls["threshold"].value = 0.8
    assert box.result.threshold == pytest.approx(0.8) and "updated in" in box.status.value
    box.controls["positive_share"].value = 0.04
    assert box.result.y_true.mean() == pytest.approx(0.04)


def test_a_function_that_passes_its_checks_but_raises_on_the_explorers_data_is_replaced(solutions):
    def fragile(*args):
        raise RuntimeError("boom")

    ok = lambda *args: (True, "")  # noqa: E731  (a validator that lets anything through)
    study = BiasVarianceStudy(ridge_fit=fragile, validate=ok)
    assert "your ridge_fit raised RuntimeError here: boom" in study.compute().running
    state = DecisionRegions(logistic_fit=fragile, validate=ok)
    assert "your logistic_fit raised RuntimeError here: boom" in state.compute().running
    state = DecisionRegions(model="decision tree", best_split=fragile, validate=ok)
    assert "your best_split raised RuntimeError here: boom" in state.compute().running
    study = ThresholdStudy(classification_metrics=fragile, roc_auc=solutions["roc_auc"], validate=ok)
    running = study.compute().running
    assert "scikit-learn's classification_metrics (yours raised RuntimeError here: boom)" in running
    assert "your roc_auc" in running
