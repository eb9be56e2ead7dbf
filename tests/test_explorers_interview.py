"""The interview notebook's explorer (the threshold explorer of week 03, shown in Part 1 for the imbalanced-data and
metric questions): the notebook builds it; it shows what the lesson and the checkpoint's Q2 say it shows (lower the
share of positives: accuracy stays high while precision collapses; the ROC curve stays put while the
precision–recall curve sinks); its sliders move it and it says whose code runs."""
from __future__ import annotations

import numpy as np
import pytest

from course.explorers.threshold import ThresholdStudy, threshold_explorer

from solutions import lesson_text


def _at(share, threshold=0.5, separation=2.0):
    return ThresholdStudy(threshold=threshold, separation=separation, positive_share=share).compute()


def test_the_notebook_shows_the_threshold_explorer():
    text = lesson_text("interview")
    assert "threshold_explorer()" in text
    assert ("Move **share of positives** down to a few per cent and watch accuracy stay high while precision collapses, "
            "and the ROC curve stay where it is while the precision–recall curve sinks.") in text


@pytest.mark.parametrize("separation", [1.0, 2.0, 3.0])
def test_fewer_positives_keep_accuracy_high_and_sink_precision(separation):
    common, rare = _at(0.2, separation=separation), _at(0.02, separation=separation)
    assert rare.metrics["accuracy"] >= common.metrics["accuracy"] - 0.01
    assert rare.metrics["accuracy"] > 0.8 or separation < 2
    assert rare.metrics["precision"] < common.metrics["precision"] - 0.2
    assert abs(rare.auc - common.auc) < 0.01                        # the ROC curve's area stays
    # the PR curve sinks: at the same recall levels the precision is lower
    recalls = np.linspace(0.1, 0.9, 9)

    def precision_at(result):
        order = np.argsort(result.pr_recall, kind="stable")
        return np.interp(recalls, result.pr_recall[order], result.pr_precision[order])
    assert np.all(precision_at(rare) <= precision_at(common) + 1e-9)
    assert np.mean(precision_at(common) - precision_at(rare)) > 0.05


def test_the_checkpoint_answer_b_is_what_the_explorer_shows():
    common, rare = _at(0.2), _at(0.02)
    roc_common = np.interp(np.linspace(0, 1, 21), common.roc_fpr, common.roc_tpr)
    roc_rare = np.interp(np.linspace(0, 1, 21), rare.roc_fpr, rare.roc_tpr)
    assert np.max(np.abs(roc_common - roc_rare)) < 0.05               # (b): the ROC curve stays where it is


def test_the_always_negative_baseline_is_the_majority_share():
    result = _at(0.02, threshold=0.99, separation=0.5)               # almost nothing predicted positive
    assert result.metrics["accuracy"] == pytest.approx(0.98, abs=0.002)


def test_the_view_updates_when_a_slider_moves(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    box = threshold_explorer()
    assert set(box.controls) >= {"threshold", "separation", "positive_share"}
    assert "explorer-positive-share" in box.controls["positive_share"]._dom_classes
    box.controls["positive_share"].value = 0.04
    assert box.result.y_true.mean() == pytest.approx(0.04, abs=0.001)
    assert "updated in" in box.status.value and "scikit-learn" in box.status.value
    box.controls["threshold"].value = 0.7
    assert box.result.threshold == pytest.approx(0.7)
