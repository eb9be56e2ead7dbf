"""The metrics notebook's explorers: the references pass the course's own checks, every number on the board is
scikit-learn's number for the same data, the pictures make the claims the lesson makes (the threshold moves the
threshold metrics only; imbalance sinks the precision–recall curve and not the ROC; confidence moves only the log
loss; the level of the targets moves only the percentage errors), the learner's functions run once they pass, and
the views update and say whose code runs."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from course.exercises import run_checks
from course.explorers.metric_board import (CLASSIFICATION_METRICS, MetricBoard, OutlierBoard, describe_board,
                                           describe_outliers, metric_board_explorer, outlier_metrics_explorer,
                                           reference_average_precision, reference_inertia, reference_log_loss,
                                           reference_wape)


def _accept(function):
    return True, ""


def _reject(function):
    return False, "it returns the wrong shape"


@pytest.mark.parametrize("key, reference", [("metrics.log_loss", reference_log_loss),
                                            ("metrics.average_precision", reference_average_precision),
                                            ("metrics.wape", reference_wape), ("metrics.inertia", reference_inertia)])
def test_the_references_pass_the_course_checks(key, reference):
    assert run_checks(key, reference).ok


@pytest.mark.parametrize("settings", [{}, {"threshold": 0.2, "positive_share": 0.03}, {"threshold": 0.9, "separation": 0.5},
                                      {"threshold": 0.6, "confidence": 3.0, "positive_share": 0.5},
                                      {"threshold": 0.99, "separation": 0.0}])
def test_every_number_on_the_board_is_scikit_learns(settings):
    board = MetricBoard(**settings)
    r = board.compute()
    y, p = board.data()
    predicted = (p >= board.threshold).astype(int)
    want = {"accuracy": skm.accuracy_score(y, predicted), "balanced accuracy": skm.balanced_accuracy_score(y, predicted),
            "precision": skm.precision_score(y, predicted, zero_division=0), "recall": skm.recall_score(y, predicted),
            "F1": skm.f1_score(y, predicted, zero_division=0), "MCC": skm.matthews_corrcoef(y, predicted)}
    for name in CLASSIFICATION_METRICS:
        assert r.metrics[name] == pytest.approx(want[name], abs=1e-12), name
    assert (r.tp, r.fn, r.fp, r.tn) == tuple(skm.confusion_matrix(y, predicted, labels=[1, 0]).ravel())
    assert r.roc_auc == pytest.approx(skm.roc_auc_score(y, p), abs=1e-12)
    assert r.average_precision == pytest.approx(skm.average_precision_score(y, p), abs=1e-12)
    assert r.log_loss == pytest.approx(skm.log_loss(y, p), abs=1e-12)
    assert r.baseline_accuracy == pytest.approx(1 - y.mean())
    assert (r.point_fpr, r.point_tpr) == pytest.approx((r.fp / r.n_negative, r.tp / r.n_positive))
    assert r.histogram_positive.sum() == r.n_positive and r.histogram_negative.sum() == r.n_negative


def test_the_threshold_moves_the_threshold_metrics_only():
    board = MetricBoard()
    results = []
    for t in (0.1, 0.3, 0.5, 0.7, 0.9):
        board.threshold = t
        results.append(board.compute())
    recalls = [r.metrics["recall"] for r in results]
    assert recalls == sorted(recalls, reverse=True) and recalls[0] > recalls[-1] + 0.3
    for r in results[1:]:
        assert (r.roc_auc, r.average_precision, r.log_loss) == (results[0].roc_auc, results[0].average_precision,
                                                                results[0].log_loss)
        assert r.fpr is results[0].fpr          # the curves come from the cache: a threshold move does not sort
    f1 = {}
    for t in np.linspace(0.01, 0.99, 99):
        board.threshold = float(t)
        f1[float(t)] = board.compute().metrics["F1"]
    board.threshold = board.compute().best_f1_threshold
    assert board.compute().metrics["F1"] >= max(f1.values()) - 1e-12


def test_imbalance_sinks_the_precision_recall_curve_not_the_roc_and_accuracy_hugs_the_majority_rule():
    balanced, rare = MetricBoard(positive_share=0.5).compute(), MetricBoard(positive_share=0.02).compute()
    assert abs(balanced.roc_auc - rare.roc_auc) < 0.03
    assert rare.average_precision < balanced.average_precision - 0.3
    high = MetricBoard(positive_share=0.02, threshold=0.9).compute()
    assert abs(high.metrics["accuracy"] - high.baseline_accuracy) < 0.01 and high.metrics["recall"] < 0.2


def test_confidence_moves_the_log_loss_and_not_the_ranking():
    results = {c: MetricBoard(confidence=c).compute() for c in (0.3, 1.0, 4.0)}
    assert results[0.3].roc_auc == pytest.approx(results[1.0].roc_auc, abs=1e-9)
    assert results[4.0].roc_auc == pytest.approx(results[1.0].roc_auc, abs=1e-9)
    assert results[1.0].log_loss < results[0.3].log_loss and results[1.0].log_loss < results[4.0].log_loss
    assert results[4.0].log_loss > 1.5 * results[1.0].log_loss


def test_the_outlier_board_matches_scikit_learn_and_the_lesson():
    board = OutlierBoard(outlier=12.0, level=5.0)
    r = board.compute()
    y, f = board.targets(12.0, 5.0)
    assert r.metrics["MSE"] == pytest.approx(skm.mean_squared_error(y, f))
    assert r.metrics["MAE"] == pytest.approx(skm.mean_absolute_error(y, f))
    assert r.metrics["R²"] == pytest.approx(skm.r2_score(y, f))
    assert r.metrics["MAPE"] == pytest.approx(skm.mean_absolute_percentage_error(y, f))
    assert r.metrics["WAPE"] == pytest.approx(skm.mean_absolute_error(y, f) / np.mean(np.abs(y)))
    # MSE grows fastest with the outlier, MAPE's growth levels off (the outlier's own |o| / |y + o| tends to 1)
    g = r.growth
    assert g["MSE"][-1] > g["RMSE"][-1] > g["MAE"][-1] > 1 and g["MAPE"][-1] < 2
    assert np.all(np.diff(g["MSE"]) > 0)


def test_the_level_moves_only_the_percentage_errors():
    far, near = OutlierBoard(level=15.0).compute(), OutlierBoard(level=0.0).compute()
    for name in ("MSE", "RMSE", "MAE"):
        assert far.metrics[name] == pytest.approx(near.metrics[name], rel=1e-9)
    assert near.metrics["MAPE"] > 10 * far.metrics["MAPE"] and near.smallest_target < 0.01
    # WAPE grows exactly as much as the total volume Σ|y| shrinks (the errors are the same); MAPE much more
    volume_ratio = np.abs(far.y_true).sum() / np.abs(near.y_true).sum()
    assert near.metrics["WAPE"] / far.metrics["WAPE"] == pytest.approx(volume_ratio, rel=1e-9)
    assert near.metrics["MAPE"] / far.metrics["MAPE"] > 3 * volume_ratio


def test_the_learners_functions_run_once_they_pass_and_not_before():
    calls = []

    def mine(y, p):
        calls.append(1)
        return reference_log_loss(y, p)

    r = MetricBoard(log_loss=mine, validate=_accept).compute()
    assert calls and r.implementation == "partly yours" and "your log_loss" in r.running
    calls.clear()
    rejected = MetricBoard(log_loss=mine, validate=_reject).compute()
    assert not calls and rejected.implementation == "reference" and "wrong shape" in rejected.running
    both = MetricBoard(log_loss=reference_log_loss, average_precision=reference_average_precision,
                       validate=_accept).compute()
    assert both.implementation == "yours"
    w = OutlierBoard(wape=reference_wape, validate=_accept).compute()
    assert w.implementation == "yours" and "your wape" in w.running


def test_a_learner_function_that_raises_on_the_explorers_data_is_replaced():
    def broken(y, scores):
        raise ValueError("no")

    r = MetricBoard(average_precision=broken, validate=_accept).compute()
    assert r.implementation == "reference" and "raised ValueError" in r.running
    assert r.average_precision == pytest.approx(reference_average_precision(*MetricBoard().data()))


def test_the_stubs_of_a_blank_notebook_fall_back_to_the_references():
    def log_loss(y_true, proba):
        raise NotImplementedError()

    r = MetricBoard(log_loss=log_loss).compute()          # the course's own checks decide: not passing
    assert r.implementation == "reference" and "does not pass its checks yet" in r.running


@pytest.mark.parametrize("build, names, change", [
    (metric_board_explorer, ("threshold", "separation", "positive_share", "confidence"), ("threshold", 0.3)),
    (outlier_metrics_explorer, ("outlier", "level"), ("outlier", 10.0))])
def test_the_views_update_and_describe_the_result(monkeypatch, build, names, change):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    box = build()
    before = box.output.outputs[0]["data"]["image/png"]
    box.controls[change[0]].value = change[1]
    assert box.output.outputs[0]["data"]["image/png"] != before
    assert getattr(box.model, change[0]) == change[1] and "updated in" in box.status.value
    describe = describe_board if build is metric_board_explorer else describe_outliers
    assert describe(box.result) in box.status.value.replace("&#x27;", "'")
    for name in names:
        assert f"explorer-{name.replace('_', '-')}" in box.controls[name]._dom_classes


def test_headless_builds_without_drawing(monkeypatch):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    for build in (metric_board_explorer, outlier_metrics_explorer):
        box = build()
        assert box.result is None and "headless" in box.status.value
