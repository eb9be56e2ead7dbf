"""Week 11 explorers: the models compute the right things from plain arrays (no MLflow at an update), the references
they fall back on pass the course's own checks, the queue simulation obeys its arithmetic, and the views update and
say whose code runs."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course.exercises import run_checks
from course.exercises.week11 import microbatch_reference
from course.explorers.batching import SWEEP, MicroBatching, batching_explorer, reference_microbatch, simulate
from course.explorers.run_comparison import (RunComparison, mode_of, reference_best_run,
                                             run_comparison_explorer)


def _accept(function):
    return True, ""


def _reject(function):
    return False, "it returns the wrong shape"


def _png(box) -> bytes:
    outputs = box.output.outputs
    assert len(outputs) == 1 and "image/png" in outputs[0]["data"]
    return outputs[0]["data"]["image/png"]


def grid(nan_last: bool = False):
    """Six runs as mlflow.search_runs lists them (newest first), with their histories."""
    rng = np.random.default_rng(0)
    rows, histories = [], {}
    for k, (lr, alpha) in enumerate([(lr, a) for lr in (0.01, 0.1, 1.0) for a in (1e-4, 1e-2)]):
        run_id = f"run{k}"
        loss = 2.0 * np.exp(-lr * np.arange(10)) + alpha * 10 + rng.uniform(0, 0.01, 10)
        histories[run_id] = {"val_loss": list(loss), "val_accuracy": list(1 - loss / 3)}
        rows.append({"run_id": run_id, "start_time": pd.Timestamp(1000 + k, unit="s", tz="UTC"),
                     "metrics.val_loss": loss[-1], "metrics.val_accuracy": 1 - loss[-1] / 3,
                     "params.learning_rate": str(lr), "params.alpha": str(alpha)})
    runs = pd.DataFrame(rows[::-1])
    if nan_last:
        runs.loc[0, "metrics.val_loss"] = np.nan
    return runs, histories


@pytest.mark.parametrize("key, reference", [("week11.best_run", reference_best_run),
                                            ("week11.microbatch", reference_microbatch)])
def test_the_references_pass_the_course_checks(key, reference):
    assert run_checks(key, reference).ok


# ----------------------------------------------------------------------------- run comparison

def test_the_comparison_finds_the_best_run_and_keeps_plain_arrays():
    runs, histories = grid()
    model = RunComparison(runs, histories, metric="val_loss")
    r = model.compute()
    best = int(np.nanargmin(runs["metrics.val_loss"]))
    assert r.mode == "min" and r.best == best and r.labels[best] == "learning_rate=1, alpha=0.0001"
    assert r.chosen == tuple(range(6)) and all(isinstance(c, np.ndarray) for c in r.curves)
    assert r.param_values.shape == (6, 2) and r.log_params == (True, True)
    assert np.allclose(r.final, runs["metrics.val_loss"])
    model.metric = "val_accuracy"
    r = model.compute()
    assert r.mode == "max" and r.best == best                         # accuracy = 1 - loss / 3 here
    model.chosen = (r.labels[0], r.labels[3])
    assert model.compute().chosen == (0, 3)
    assert mode_of("train_loss") == "min" and mode_of("f1") == "max"


def test_the_comparison_skips_nan_and_runs_the_learners_best_run_only_once_it_passes():
    runs, histories = grid(nan_last=True)
    calls = []

    def mine(table, metric, mode):
        calls.append(metric)
        return reference_best_run(table, metric, mode)

    rejected = RunComparison(runs, histories, best_run=mine, validate=_reject).compute()
    assert rejected.implementation == "reference" and "does not pass its checks yet" in rejected.running
    assert not calls and rejected.best != 0
    accepted = RunComparison(runs, histories, best_run=mine, validate=_accept).compute()
    assert accepted.implementation == "yours" and calls == ["val_loss"]

    def fragile(table, metric, mode):
        raise KeyError("metrics.val_loss")
    assert "raised KeyError" in RunComparison(runs, histories, best_run=fragile, validate=_accept).compute().running


def test_the_run_comparison_view_redraws_on_both_controls():
    runs, histories = grid()
    box = run_comparison_explorer(runs, histories)
    assert _png(box) and "updated in" in box.status.value and "the reference best_run" in box.status.value
    before = box.output.outputs
    box.controls["metric"].value = "val_accuracy"
    assert box.result.metric == "val_accuracy" and box.output.outputs != before
    before = box.output.outputs
    box.controls["chosen"].value = tuple(box.controls["chosen"].options[:2])
    assert box.result.chosen == (0, 1) and box.output.outputs != before


# ----------------------------------------------------------------------------- micro-batching

def test_the_queue_simulation_adds_waiting_and_service():
    arrivals = np.array([0.0, 0.1, 0.2, 5.0])
    batches = [(0.2, [0, 1, 2]), (6.0, [3])]
    latency, throughput, mean_batch, busy = simulate(batches, arrivals, fixed=1.0, per_row=0.5)
    assert np.allclose(latency, [2.7, 2.6, 2.5, 2.5])           # batch 1 runs 0.2 -> 2.7; batch 2 6.0 -> 7.5
    assert throughput == pytest.approx(4 / 7.5) and mean_batch == 2 and busy == pytest.approx(4.0 / 7.5)
    # a batch that closes while the worker is busy waits for it
    latency, *_ = simulate([(0.0, [0]), (0.5, [1])], np.array([0.0, 0.5]), fixed=1.0, per_row=0.0)
    assert np.allclose(latency, [1.0, 1.5])


def test_batching_keeps_up_where_one_row_calls_cannot():
    model = MicroBatching(fixed_seconds=1e-4, per_row_seconds=1e-6, load=2.0, max_batch=1, max_wait_units=0.0)
    alone = model.compute()
    model.max_batch, model.max_wait_units = 16, 1.0
    batched = model.compute()
    assert alone.throughput < 0.6 * alone.rate                     # the queue grows: served at about half the rate
    assert batched.throughput > 0.9 * batched.rate and batched.p99 < alone.p99 / 10
    assert batched.mean_batch > 1.5 and alone.mean_batch == 1
    assert len(batched.sweep_p99) == len(SWEEP) and batched.sweep_p99[0] == pytest.approx(alone.p99)
    light = MicroBatching(fixed_seconds=1e-4, per_row_seconds=1e-6, load=0.2, max_batch=16,
                          max_wait_units=4.0).compute()
    assert light.p50 > MicroBatching(fixed_seconds=1e-4, per_row_seconds=1e-6, load=0.2, max_batch=1,
                                     max_wait_units=0.0).compute().p50   # at light load, waiting only costs


def test_the_batching_model_runs_the_learners_microbatch_only_once_it_passes():
    calls = []

    def mine(requests, max_batch, max_wait):
        calls.append(max_batch)
        return microbatch_reference(requests, max_batch, max_wait)

    rejected = MicroBatching(mine, validate=_reject).compute()
    assert rejected.implementation == "reference" and not calls
    accepted = MicroBatching(mine, validate=_accept).compute()
    assert accepted.implementation == "yours" and calls[0] == 8 and sorted(calls[1:]) == sorted(SWEEP)

    def fragile(requests, max_batch, max_wait):
        raise IndexError("list index out of range")
    assert "raised IndexError" in MicroBatching(fragile, validate=_accept).compute().running


def test_the_batching_view_redraws_on_every_slider():
    box = batching_explorer(fixed_seconds=2e-4, per_row_seconds=2e-6)
    assert _png(box) and "updated in" in box.status.value and "the reference microbatch" in box.status.value
    for control, value in (("load", 3.0), ("max_batch", 32), ("max_wait_units", 2.5)):
        before = box.output.outputs
        box.controls[control].value = value
        assert box.output.outputs != before
    assert box.result.load == 3.0 and box.result.max_batch == 32
    assert box.result.max_wait == pytest.approx(2.5 * 2.02e-4)
