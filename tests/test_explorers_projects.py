"""The projects notebook's churn-cost explorer: the cost curve is the brute-force cost of every threshold, the
cheapest threshold is the oracle's, the confusion matrix adds up, the costs move the cheapest threshold the way
the lesson says, the learner's function runs once it passes (and is replaced when it does not), and the view
updates and says whose code runs."""
from __future__ import annotations

import numpy as np
import pytest

from course.exercises import run_checks
from course.exercises.projects import brute_force_threshold
from course.explorers.churn_cost import (ChurnCostStudy, churn_cost_explorer, cost_curve, default_scores,
                                         reference_cost_optimal_threshold)


def test_the_reference_passes_the_course_checks():
    assert run_checks("projects.cost_optimal_threshold", reference_cost_optimal_threshold).ok


def test_the_cost_curve_is_the_cost_of_each_threshold():
    scores, y = default_scores()
    thresholds, costs = cost_curve(scores, y, 20.0, 200.0)
    assert thresholds[-1] == np.inf and np.all(np.diff(thresholds[:-1]) > 0)
    for k in (0, 10, len(thresholds) // 2, len(thresholds) - 1):
        flagged = scores >= thresholds[k]
        assert costs[k] == 20 * np.sum(flagged & (y == 0)) + 200 * np.sum(~flagged & (y == 1))
    assert (thresholds[np.argmin(costs)], costs.min()) == pytest.approx(brute_force_threshold(scores, y, 20, 200),
                                                                         rel=0) or \
        reference_cost_optimal_threshold(scores, y, 20, 200) == brute_force_threshold(scores, y, 20, 200)


def test_the_result_adds_up_and_the_cheapest_is_the_brute_forces():
    scores, y = default_scores()
    for fp, fn, t in ((20, 200, 0.5), (100, 200, 0.2), (0, 300, 0.7), (50, 0, 0.1)):
        r = ChurnCostStudy(scores, y, cost_fp=fp, cost_fn=fn, threshold=t).compute()
        assert r.confusion.sum() == len(y) and r.confusion[1].sum() == y.sum()
        assert r.cost == fp * r.confusion[0, 1] + fn * r.confusion[1, 0]
        assert (r.best_threshold, r.best_cost) == brute_force_threshold(scores, y, fp, fn)
        assert r.best_cost <= r.cost + 1e-9
    assert ChurnCostStudy(scores, y, cost_fp=0.0, cost_fn=300).compute().best_threshold == scores[y == 1].min()
    assert ChurnCostStudy(scores, y, cost_fp=50.0, cost_fn=0.0).compute().best_threshold == np.inf


def test_dearer_offers_raise_the_cheapest_threshold():
    scores, y = default_scores()
    best = [ChurnCostStudy(scores, y, cost_fp=fp, cost_fn=200.0).compute().best_threshold for fp in (10, 20, 50, 100)]
    assert best == sorted(best) and best[0] < best[-1]


def test_the_learners_function_runs_once_it_passes_and_is_replaced_when_not():
    calls = []

    def mine(scores, y, cost_fp, cost_fn):
        calls.append(1)
        return reference_cost_optimal_threshold(scores, y, cost_fp, cost_fn)

    r = ChurnCostStudy(cost_optimal_threshold=mine).compute()
    assert calls and "your cost_optimal_threshold" in r.running

    def broken(scores, y, cost_fp, cost_fn):
        return 0.5, 0.0

    r = ChurnCostStudy(cost_optimal_threshold=broken).compute()
    assert "the reference" in r.running and "does not pass its checks yet" in r.running
    assert r.best_cost == reference_cost_optimal_threshold(*default_scores(), 20.0, 200.0)[1]

    def raises_here(scores, y, cost_fp, cost_fn):
        if len(scores) > 500:
            raise ValueError("too many")
        return reference_cost_optimal_threshold(scores, y, cost_fp, cost_fn)

    r = ChurnCostStudy(cost_optimal_threshold=raises_here).compute()
    assert "the reference" in r.running and "raised ValueError" in r.running


def test_the_view_updates_and_reports():
    box = churn_cost_explorer()
    assert set(box.controls) == {"cost_fp", "cost_fn", "threshold"}
    assert "explorer-cost-fp" in box.controls["cost_fp"]._dom_classes
    box.controls["threshold"].value = 0.3
    assert box.result.threshold == pytest.approx(0.3)
    assert "updated in" in box.status.value and "the reference" in box.status.value
    box.controls["cost_fp"].value = 100.0
    assert box.result.best_threshold > ChurnCostStudy(cost_fp=20.0).compute().best_threshold
    assert box.output.outputs[0]["data"]["image/png"]
