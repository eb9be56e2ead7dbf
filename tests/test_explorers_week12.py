"""Week 12's drift simulator: the references the lesson and the explorer fall back on pass the course's own checks,
the simulated world behaves as the lesson says (data drift moves KS/PSI but hardly accuracy, concept drift the
opposite, a new category only the channel's PSI), window size and label delay do what they should, and the view
updates and says whose code runs."""
from __future__ import annotations

import numpy as np
import pytest

from course.exercises import run_checks
from course.explorers.drift_monitor import (WINDOWS, DriftSimulator, describe, drift_explorer, ks_critical,
                                            reference_ks_statistic, reference_psi, reference_should_retrain, world)


def _accept(function):
    return True, ""


def _reject(function):
    return False, "it returns the wrong shape"


@pytest.mark.parametrize("key, reference", [("week12.ks_statistic", reference_ks_statistic),
                                            ("week12.psi", reference_psi),
                                            ("week12.should_retrain", reference_should_retrain)])
def test_the_references_pass_the_course_checks(key, reference):
    assert run_checks(key, reference).ok


def test_without_drift_nothing_alarms_and_nothing_triggers():
    r = DriftSimulator(mean_shift=0.0).compute()
    assert r.first_ks_alarm is None and r.first_psi_alarm is None and len(r.triggers) == 0
    assert np.all(r.ks < r.ks_line) and np.all(r.psi < r.psi_line)
    assert abs(r.accuracy.mean() - r.reference_accuracy) < 0.03


def test_data_drift_moves_the_statistics_but_hardly_the_accuracy():
    r = DriftSimulator(mean_shift=2.0, start=10).compute()
    assert r.first_ks_alarm is not None and 10 <= r.first_ks_alarm <= 14
    assert r.first_psi_alarm is not None and r.first_psi_alarm >= 10
    assert np.all(r.ks[:10] < r.ks_line)
    assert abs(r.accuracy[-5:].mean() - r.reference_accuracy) < 0.05 and len(r.triggers) == 0


def test_concept_drift_is_invisible_to_the_inputs_and_triggers_retraining():
    r = DriftSimulator(mean_shift=0.0, concept=1.0, start=10, label_delay=3).compute()
    assert r.first_ks_alarm is None and r.first_psi_alarm is None
    assert r.accuracy[-3:].mean() < r.reference_accuracy - 0.2
    assert len(r.triggers) >= 1 and r.triggers[0] > 10
    later = DriftSimulator(mean_shift=0.0, concept=1.0, start=10, label_delay=8).compute()
    assert len(later.triggers) == 0 or later.triggers[0] >= r.triggers[0]
    assert later.known.sum() == WINDOWS - 8


def test_a_new_category_shows_only_in_the_channel_psi():
    r = DriftSimulator(mean_shift=0.0, new_category=0.4, start=5).compute()
    assert r.first_ks_alarm is None and np.all(r.psi < r.psi_line)
    assert r.channel_psi[-1] > r.psi_line and np.all(r.channel_psi[:5] < 0.05)
    assert r.kiosk[-1] == pytest.approx(0.4)


def test_small_windows_need_a_larger_ks_and_see_a_small_shift_later():
    assert ks_critical(2000, 50) > 2 * ks_critical(2000, 1000)
    small = DriftSimulator(mean_shift=0.3, window=50, start=5).compute()
    large = DriftSimulator(mean_shift=0.3, window=1000, start=5).compute()
    assert large.first_ks_alarm is not None
    assert small.first_ks_alarm is None or small.first_ks_alarm >= large.first_ks_alarm


def test_the_world_is_computed_once():
    assert world() is world()
    assert 0.7 < world()["reference_accuracy"] < 0.9


def test_the_learners_functions_run_once_they_pass_and_not_before():
    calls = []

    def ks(a, b):
        calls.append(1)
        return reference_ks_statistic(a, b)

    mine = DriftSimulator(ks_statistic=ks, validate=_accept).compute()
    assert calls and mine.implementation == "partly yours" and "your ks_statistic" in mine.running
    calls.clear()
    rejected = DriftSimulator(ks_statistic=ks, validate=_reject).compute()
    assert not calls and rejected.implementation == "reference" and "wrong shape" in rejected.running


def test_a_learner_function_that_raises_on_the_explorers_data_is_replaced():
    def broken(history, policy):
        raise ValueError("no")

    r = DriftSimulator(should_retrain=broken, validate=_accept, concept=1.0, mean_shift=0.0).compute()
    assert r.implementation == "reference" and "raised ValueError" in r.running and len(r.triggers) >= 1


def test_the_view_updates_and_describes_the_result(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    box = drift_explorer()
    outputs = box.output.outputs
    assert len(outputs) == 1 and "image/png" in outputs[0]["data"]
    before = outputs[0]["data"]["image/png"]
    box.controls["concept"].value = 1.0
    assert box.output.outputs[0]["data"]["image/png"] != before
    assert box.model.concept == 1.0 and "retraining triggered" in box.status.value
    assert "updated in" in box.status.value and describe(box.result) in box.status.value.replace("&#x27;", "'")
    for name in ("mean_shift", "spread", "new_category", "concept", "start", "window", "label_delay"):
        assert f"explorer-{name.replace('_', '-')}" in box.controls[name]._dom_classes


def test_headless_builds_without_drawing(monkeypatch):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    box = drift_explorer()
    assert box.result is None and "headless" in box.status.value
