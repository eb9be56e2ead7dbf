"""The quick start's line-fit explorer: the reference it falls back on passes the course's checks, the picture
says what the lesson says (degree 1: both MSEs near noise²; no noise: R² = 1; more noise: lower R²; a high degree
on few samples overfits, on many it does not), every slider is a setting of the model, and the view updates and
says whose code runs."""
from __future__ import annotations

import numpy as np
import pytest

from course.exercises import run_checks
from course.explorers.line_fit import (INTERCEPT, MAX_SAMPLES, SLOPE, LineFit, describe, draws, line_fit_explorer,
                                       reference_mse_and_r2)


def _accept(function):
    return True, ""


def _reject(function):
    return False, "it returns the wrong shape"


def test_the_reference_passes_the_course_checks():
    assert run_checks("quickstart.mse_and_r2", reference_mse_and_r2).ok


def test_a_line_on_the_default_world_is_near_the_truth_and_its_mse_near_the_noise():
    r = LineFit().compute()
    assert abs(r.slope - SLOPE) < 0.5 and abs(r.intercept - INTERCEPT) < 0.5
    assert 0.6 < r.train_mse < 1.4 and 0.5 < r.test_mse < 1.6            # noise² = 1
    big = LineFit(samples=MAX_SAMPLES, noise=2.0).compute()
    assert abs(big.train_mse / 4 - 1) < 0.2 and abs(big.test_mse / 4 - 1) < 0.3
    assert len(r.y_train) == 80 and len(r.y_test) == 20


def test_without_noise_the_fit_is_exact_and_more_noise_lowers_r2():
    exact = LineFit(noise=0.0).compute()
    assert exact.train_r2 == pytest.approx(1.0) and exact.test_r2 == pytest.approx(1.0)
    assert exact.slope == pytest.approx(SLOPE) and exact.test_mse == pytest.approx(0.0, abs=1e-20)
    r2 = [LineFit(noise=s, samples=400).compute().test_r2 for s in (0.5, 1.0, 2.0, 3.0)]
    assert all(a > b for a, b in zip(r2, r2[1:]))


def test_a_high_degree_overfits_few_samples_but_not_many():
    few = LineFit(samples=20, degree=15).compute()
    line = LineFit(samples=20, degree=1).compute()
    assert few.train_mse < 0.1 * line.train_mse and few.test_mse > 10 * line.test_mse and few.test_r2 < 0
    many = LineFit(samples=MAX_SAMPLES, degree=15).compute()
    line_many = LineFit(samples=MAX_SAMPLES, degree=1).compute()
    assert many.test_mse < 1.3 * line_many.test_mse and many.slope is None


def test_samples_are_nested_and_the_draws_fixed():
    small, large = LineFit(samples=50).compute(), LineFit(samples=100).compute()
    assert set(np.round(small.x_train, 12)) | set(np.round(small.x_test, 12)) <= \
        set(np.round(large.x_train, 12)) | set(np.round(large.x_test, 12))
    assert draws() is draws()


def test_the_learners_function_is_used_once_it_passes_and_not_before():
    def mine(y_true, y_pred):
        return reference_mse_and_r2(y_true, y_pred)
    assert LineFit(mse_and_r2=mine, validate=_accept).compute().implementation == "yours"
    rejected = LineFit(mse_and_r2=mine, validate=_reject).compute()
    assert rejected.implementation == "reference" and "wrong shape" in rejected.running

    def crashes(y_true, y_pred):
        raise ValueError("boom")
    r = LineFit(mse_and_r2=crashes, validate=_accept).compute()
    assert r.implementation == "reference" and "boom" in r.running


def test_the_view_updates_and_says_whose_code_runs(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    box = line_fit_explorer()
    assert set(box.controls) == {"noise", "samples", "degree"}
    box.controls["degree"].value = 3
    assert box.result.degree == 3 and box.last_update["total_ms"] > 0
    assert "updated in" in box.status.value and "the reference" in box.status.value
    assert box.output.outputs[0]["data"]["image/png"]
    box.controls["samples"].value = 30
    assert len(box.result.y_train) + len(box.result.y_test) == 30
    assert "test MSE" in describe(box.result)
