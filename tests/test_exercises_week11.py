"""Week 11: correct implementations written differently from the solutions pass the oracle on several seeds, the
oracle's references agree with independent ones, and the oracle's MLflow stores stay inside their temporary folders
and leave the caller's MLflow state as it was.

Each RIGHT variant takes another route than the notebook's solution (MlflowClient and log_batch instead of the
fluent API, numpy's lexsort, convert_sklearn, output names, a table of checks, pydantic validators, bisect...), so
the hidden tests are not tied to one way of writing the answer.
"""
from __future__ import annotations

import bisect
import math
import os
import tempfile
import time

import numpy as np
import pytest

from course.exercises import run_checks
from course.exercises import week11 as oracle


# ----------------------------------------------------------------------------- tracking

def track_with_client(params, train_fn, tracking_uri, experiment_name):
    """MlflowClient only (no global state): one log_batch for params and metrics, log_text for the artifact."""
    import json

    from mlflow import MlflowClient
    from mlflow.entities import Metric, Param

    client = MlflowClient(tracking_uri)
    run = client.create_run(client.get_experiment_by_name(experiment_name).experiment_id)
    history = train_fn(params)
    now = int(time.time() * 1000)
    metrics = [Metric(name, float(v), now, step) for name, values in history.items()
               for step, v in enumerate(values)]
    client.log_batch(run.info.run_id, metrics=metrics, params=[Param(k, str(v)) for k, v in params.items()])
    client.log_text(run.info.run_id, json.dumps(history), "history.json")
    client.set_terminated(run.info.run_id, "FINISHED")
    return run.info.run_id


def best_run_lexsort(runs, metric, mode):
    values = runs["metrics." + metric].to_numpy(dtype=float)
    starts = np.array([t.value for t in runs["start_time"]], dtype=np.int64)     # nanoseconds
    keep = np.flatnonzero(~np.isnan(values))
    if keep.size == 0:
        return None
    key = values[keep] if mode == "min" else -values[keep]
    order = np.lexsort((starts[keep], key))            # last key first: the metric, then the start time
    return str(runs["run_id"].iloc[keep[order[0]]])


def export_with_convert_sklearn(model, n_features, path):
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    onx = convert_sklearn(model, "course model", [("X", FloatTensorType([None, n_features]))],
                          options={type(model): {"zipmap": False}}, target_opset={"": 15, "ai.onnx.ml": 3})
    with open(path, "wb") as file:
        file.write(onx.SerializeToString())


def onnx_predict_by_output_names(path, X):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    result = dict(zip(names, session.run(names, {"X": X.astype(np.float32)})))
    return result[names[0]], result[names[1]]


_CHECKS = {
    "str": lambda v: "type" if not isinstance(v, str) else None,
    "int": lambda v: "type" if type(v) is not int else None,
    "float": lambda v: ("type" if type(v) not in (int, float) else "not_finite" if not math.isfinite(v) else None),
}


def validate_by_table(payload, schema):
    """A table of per-type checks, then the bounds; extra fields first."""
    errors = [(field, "extra") for field in sorted(set(payload) - set(schema))]
    record = {}
    for field in sorted(schema):
        spec = schema[field]
        if field not in payload:
            errors.append((field, "missing"))
            continue
        problem = _CHECKS[spec["type"]](payload[field])
        if problem is None and spec["type"] != "str":
            low, high = spec.get("min", -math.inf), spec.get("max", math.inf)
            problem = None if low <= payload[field] <= high else "range"
        if problem:
            errors.append((field, problem))
        else:
            record[field] = float(payload[field]) if spec["type"] == "float" else payload[field]
    return (None, errors) if errors else (record, [])


def app_with_validators(model, version):
    """One Rows class with a field_validator for the lengths; the single endpoint reuses the batch code."""
    from typing import List

    from fastapi import FastAPI
    from pydantic import BaseModel, conlist, field_validator

    n = model.n_features_in_

    class Single(BaseModel):
        features: conlist(float, min_length=n, max_length=n)

    class Batch(BaseModel):
        rows: List[List[float]]

        @field_validator("rows")
        @classmethod
        def lengths(cls, rows):
            if not rows or any(len(r) != n for r in rows):
                raise ValueError(f"every row needs {n} numbers, and at least one row")
            return rows

    def answer(rows):
        p = model.predict_proba(np.asarray(rows, dtype=float))
        return model.classes_[p.argmax(axis=1)].tolist(), p.max(axis=1).tolist()

    app = FastAPI()

    def predict(body):
        labels, probabilities = answer([body.features])
        return {"label": labels[0], "probability": probabilities[0]}

    def predict_batch(body):
        labels, probabilities = answer(body.rows)
        return {"labels": labels, "probabilities": probabilities}

    predict.__annotations__ = {"body": Single}
    predict_batch.__annotations__ = {"body": Batch}
    app.add_api_route("/health", lambda: {"status": "ok"}, methods=["GET"])
    app.add_api_route("/version", lambda: {"version": version}, methods=["GET"])
    app.add_api_route("/predict", predict, methods=["POST"])
    app.add_api_route("/predict_batch", predict_batch, methods=["POST"])
    return app


def microbatch_bisect(requests, max_batch, max_wait):
    """Find each batch's end with bisect on the arrival times."""
    times = [t for t, _ in requests]
    out, i = [], 0
    while i < len(requests):
        end = min(bisect.bisect_right(times, times[i] + max_wait), i + max_batch)
        full = end - i == max_batch
        out.append((times[end - 1] if full else times[i] + max_wait, [p for _, p in requests[i:end]]))
        i = end
    return out


RIGHT = [
    ("week11.track_experiment", track_with_client),
    ("week11.best_run", best_run_lexsort),
    ("week11.export_onnx", export_with_convert_sklearn),
    ("week11.onnx_predict", onnx_predict_by_output_names),
    ("week11.validate_request", validate_by_table),
    ("week11.make_app", app_with_validators),
    ("week11.microbatch", microbatch_bisect),
]


@pytest.mark.parametrize("key, function", RIGHT, ids=[key for key, _ in RIGHT])
def test_correct_variants_written_differently_pass(key, function):
    for seed in range(3):
        report = run_checks(key, function, seed=seed)
        assert report.ok, f"{key} seed {seed}: {report.failure}"


@pytest.mark.parametrize("key", [key for key, _ in RIGHT])
def test_the_oracles_lesson_references_pass(key):
    assert run_checks(key, getattr(oracle, "reference_" + key.split(".")[1])).ok


def test_the_pydantic_reference_agrees_with_a_from_scratch_validator():
    rng = np.random.default_rng(5)
    agree = 0
    for case in oracle._validate_cases(rng):
        for payload in case["payloads"]:
            record, errors = oracle.validate_reference(payload, case["schema"])
            mine_record, mine_errors = validate_by_table(payload, case["schema"])
            assert sorted(map(tuple, errors)) == sorted(mine_errors), payload
            assert record == mine_record
            agree += 1
    assert agree > 40


def test_the_microbatch_reference_keeps_the_batchers_properties():
    rng = np.random.default_rng(3)
    for _ in range(200):
        n = int(rng.integers(0, 30))
        requests = [(float(t), i) for i, t in enumerate(np.cumsum(rng.integers(0, 3, n) * rng.random()))]
        max_batch, max_wait = int(rng.integers(1, 6)), float(rng.choice([0.0, 0.5, 1.0, 2.0]))
        batches = oracle.microbatch_reference(requests, max_batch, max_wait)
        assert [p for _, b in batches for p in b] == [p for _, p in requests]                 # order, once each
        assert all(1 <= len(b) <= max_batch for _, b in batches)
        arrival = dict((p, t) for t, p in requests)
        for close, b in batches:
            assert arrival[b[-1]] - arrival[b[0]] <= max_wait                                  # within max_wait
            assert close == (arrival[b[-1]] if len(b) == max_batch else arrival[b[0]] + max_wait)
        assert batches == microbatch_bisect(requests, max_batch, max_wait)


def test_best_run_reference_is_pandas_sort_with_ties_to_the_earliest():
    import pandas as pd

    runs = pd.DataFrame({"run_id": ["new", "mid", "old"],
                         "start_time": pd.to_datetime([3, 2, 1], unit="ms", utc=True),
                         "metrics.m": [0.5, np.nan, 0.5]})
    assert oracle.reference_best_run(runs, "m", "max") == "old" == oracle.reference_best_run(runs, "m", "min")
    assert oracle.reference_best_run(runs.iloc[1:2], "m", "min") is None


def test_stores_stay_in_their_folder_and_mlflow_state_comes_back(tmp_path, tmp_path_factory, monkeypatch):
    import mlflow

    import wrong_week11

    # a private temp folder: another worker running week 11 leaves its own week11-* folders in /tmp meanwhile
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path_factory.mktemp("private-tmp")))
    monkeypatch.chdir(tmp_path)                       # a wrong function that logs to Default must not write here
    previous = mlflow.get_tracking_uri()
    try:
        mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/outer.db")   # only named: no store is created
        before = oracle._fluent_state()
        assert not run_checks("week11.track_experiment", wrong_week11.track_default_experiment).ok
        assert not run_checks("week11.track_experiment", wrong_week11.track_without_artifact).ok
        assert run_checks("week11.track_experiment", track_with_client).ok
        assert oracle._fluent_state() == before
    finally:
        mlflow.set_tracking_uri(previous)
    assert list(tmp_path.iterdir()) == []
    assert not [p for p in os.listdir(tempfile.gettempdir()) if p.startswith("week11-")]
