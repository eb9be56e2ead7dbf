"""Week 11 (MLOps I: tracking, packaging, serving): the graded functions, their inputs, their references.

References: MLflow's own client reading a run back (params, metric history by step, artifacts) for
``track_experiment``; pandas sorting for ``best_run``; skl2onnx + onnxruntime against scikit-learn's own
predictions for ``export_onnx`` and ``onnx_predict``; a pydantic model built from the schema for
``validate_request``; FastAPI's ``TestClient`` against the model's own predictions for ``make_app``; an
event-by-event simulation for ``microbatch``.

Everything that needs state (an MLflow store, an ONNX file, a FastAPI app) lives inside ``call``: it makes a
temporary folder, runs the learner's function, reads the result back with the real library and returns plain
data (numbers, strings, lists, dicts, arrays); ``reference`` and ``compare`` decide on the grader's side. The heavy
libraries are imported inside the functions that use them, so importing this module stays cheap (the grader's
sandboxes import every week's oracle before they fork).
"""
from __future__ import annotations

import contextlib
import functools
import json
import logging
import math
import os
import tempfile
from typing import Any

import numpy as np

from course.checks import CheckFailure, expected_values_concealed
from course.exercises import Case, Exercise, register

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

EXPERIMENT = "week11"
HISTORY_ARTIFACT = "history.json"
ONNX_ATOL = 1e-5        # float32 inside onnxruntime against float64 in scikit-learn
ONNX_RTOL = 1e-4


def _fail(message: str) -> None:
    raise CheckFailure(message)


# ----------------------------------------------------------------------------- MLflow stores in temp folders


def _mlflow():
    """mlflow, quiet: no telemetry, no INFO lines in a learner's cell."""
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
    import mlflow
    for name in ("mlflow", "alembic", "sqlalchemy"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return mlflow


@functools.lru_cache(maxsize=1)
def _empty_store() -> bytes:
    """The bytes of a freshly migrated, empty SQLite tracking store: creating one costs 1.5-6 s (schema
    migrations), copying these bytes a few milliseconds. Made once per process in a folder deleted at once."""
    mlflow = _mlflow()
    with tempfile.TemporaryDirectory(prefix="week11-store-") as folder:
        path = os.path.join(folder, "mlflow.db")
        client = mlflow.MlflowClient(f"sqlite:///{path}")
        client.search_experiments()
        _dispose_engines()
        with open(path, "rb") as file:
            return file.read()


def _dispose_engines() -> None:
    """Close the SQLAlchemy engines MLflow cached for stores that are about to be deleted."""
    try:
        from mlflow.store.db import utils as db_utils
        for engine in list(getattr(db_utils, "_engine_cache", {}).values()):
            engine.dispose()
    except Exception:
        pass


def fresh_store(folder: str, experiment: str = EXPERIMENT) -> str:
    """A new tracking store in ``folder`` (its database and its artifacts both inside), with ``experiment``
    created; returns its ``sqlite:///`` URI. The course's lessons and the grader both use this."""
    mlflow = _mlflow()
    path = os.path.join(folder, "mlflow.db")
    with open(path, "wb") as file:
        file.write(_empty_store())
    # The copied Default experiment still points at the artifact folder of the store it was copied from (by
    # default ./mlruns of the process's working folder): point it inside this folder too.
    import sqlite3

    with contextlib.closing(sqlite3.connect(path)) as database, database:
        database.execute("UPDATE experiments SET artifact_location = ? WHERE experiment_id = 0",
                         (os.path.join(folder, "artifacts-default"),))
    uri = f"sqlite:///{path}"
    mlflow.MlflowClient(uri).create_experiment(experiment, artifact_location=os.path.join(folder, "artifacts"))
    return uri


def _read_run(client, uri: str, run_id: Any, calls: list, folder: str) -> dict:
    if not isinstance(run_id, str):
        _fail(f"track_experiment returned {type(run_id).__name__} {run_id!r}, not a run id: return "
              "run.info.run_id (a string).")
    try:
        run = client.get_run(run_id)
    except Exception:
        _fail(f"track_experiment returned {run_id!r}, which is not the id of a run in the store at tracking_uri: "
              "log to that store (mlflow.set_tracking_uri(tracking_uri) or MlflowClient(tracking_uri)) and return "
              "run.info.run_id.")
    experiment = client.get_experiment(run.info.experiment_id).name
    metrics = {}
    for name in sorted(run.data.metrics):
        history = sorted(client.get_metric_history(run_id, name), key=lambda m: (m.step, m.timestamp))
        metrics[name] = {"steps": [int(m.step) for m in history], "values": [float(m.value) for m in history]}
    artifacts = sorted(f.path for f in client.list_artifacts(run_id))
    content = None
    if HISTORY_ARTIFACT in artifacts:
        try:   # the store's artifacts are local files inside the temporary folder
            root = run.info.artifact_uri.removeprefix("file://")
            with open(os.path.join(root, HISTORY_ARTIFACT)) as file:
                content = json.load(file)
        except Exception as error:
            content = f"unreadable: {type(error).__name__}: {error}"
    return {"params": dict(run.data.params), "metrics": metrics, "artifacts": artifacts, "history": content,
            "train_calls": len(calls), "status": run.info.status, "experiment": experiment}


_STATE_VARIABLES = ("MLFLOW_TRACKING_URI", "MLFLOW_EXPERIMENT_ID", "MLFLOW_EXPERIMENT_NAME")


def _fluent_state() -> tuple:
    """MLflow's process-wide choices: the tracking URI and the active experiment, each kept both in a module
    global and in os.environ (set_tracking_uri and set_experiment write both)."""
    _mlflow()
    import mlflow.tracking._tracking_service.utils as tracking
    import mlflow.tracking.fluent as fluent

    return (getattr(tracking, "_tracking_uri", None), getattr(fluent, "_active_experiment_id", None),
            *(os.environ.get(name) for name in _STATE_VARIABLES))


def _restore_fluent_state(state: tuple) -> None:
    import mlflow.tracking._tracking_service.utils as tracking
    import mlflow.tracking.fluent as fluent

    mlflow = _mlflow()
    while mlflow.active_run() is not None:       # a run left open would make the next start_run fail
        mlflow.end_run()
    uri, experiment_id, *environment = state
    mlflow.set_tracking_uri(uri)
    tracking._tracking_uri = uri
    fluent._active_experiment_id = experiment_id
    for name, value in zip(_STATE_VARIABLES, environment):
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _track_call(function, case: Case) -> list:
    """Each run starts from a clean slate (no active experiment left by an earlier call: a function that forgets
    set_experiment must not profit from one that did), and the caller's MLflow state comes back afterwards."""
    mlflow = _mlflow()
    caller = _fluent_state()
    clean = (caller[0], None, caller[2], None, None)     # the caller's URI; no active experiment
    results = []
    with tempfile.TemporaryDirectory(prefix="week11-") as folder:
        try:
            uri = fresh_store(folder)
            client = mlflow.MlflowClient(uri)
            for run in case["runs"]:
                calls: list = []

                def train_fn(params, _history=run["history"], _calls=calls):
                    _calls.append(dict(params))
                    return {name: [float(v) for v in values] for name, values in _history.items()}

                _restore_fluent_state(clean)
                run_id = function(dict(run["params"]), train_fn, uri, EXPERIMENT)
                results.append(_read_run(client, uri, run_id, calls, folder))
        finally:
            _restore_fluent_state(caller)
            _dispose_engines()
    return results


def _track_reference(case: Case) -> list:
    return [{"params": {name: str(value) for name, value in run["params"].items()},
             "metrics": {name: {"steps": list(range(len(values))), "values": [float(v) for v in values]}
                         for name, values in sorted(run["history"].items())},
             "artifacts": [HISTORY_ARTIFACT],
             "history": {name: [float(v) for v in values] for name, values in run["history"].items()},
             "train_calls": 1, "status": "FINISHED", "experiment": EXPERIMENT} for run in case["runs"]]


def _compare_track(actual: Any, expected: list, case: Case, name: str) -> None:
    if not isinstance(actual, list) or len(actual) != len(expected):
        _fail(f"{name}: the grader could not read the runs back.")
    for number, (got, want) in enumerate(zip(actual, expected), 1):
        where = f"run {number} of {len(expected)}"
        if got["train_calls"] != 1:
            _fail(f"{where}: track_experiment called train_fn {got['train_calls']} times; call it exactly once, "
                  "with params, and log what it returns.")
        if got["experiment"] != EXPERIMENT:
            _fail(f"{where}: the run was logged to the experiment {got['experiment']!r}, not to experiment_name "
                  f"({EXPERIMENT!r}): mlflow.set_experiment(experiment_name) before start_run (or pass its id).")
        if got["status"] != "FINISHED":
            _fail(f"{where}: the run's status is {got['status']}, not FINISHED: end the run (a `with "
                  "mlflow.start_run():` block ends it for you).")
        missing = sorted(set(want["params"]) - set(got["params"]))
        if missing:
            _fail(f"{where}: the params {missing} were not logged (mlflow.log_params(params)).")
        extra = sorted(set(got["params"]) - set(want["params"]))
        if extra:
            _fail(f"{where}: params {extra} were logged that are not in params.")
        for key, value in want["params"].items():
            if got["params"][key] != value:
                shown = "" if expected_values_concealed() else f" (str(value) is {value!r})"
                _fail(f"{where}: the param {key!r} is stored as {got['params'][key]!r}, not as str(value){shown}: "
                      "log the value itself and let MLflow turn it into a string.")
        absent = sorted(set(want["metrics"]) - set(got["metrics"]))
        if absent:
            _fail(f"{where}: the metrics {absent} that train_fn returned were not logged.")
        for metric, history in want["metrics"].items():
            steps, values = got["metrics"][metric]["steps"], got["metrics"][metric]["values"]
            n = len(history["steps"])
            if n > 1 and len(steps) == 1:
                _fail(f"{where}: metric {metric!r} has one value in the store, but train_fn returned {n} epochs: "
                      "only the last epoch was logged. Log every epoch, mlflow.log_metric(name, value, step=epoch).")
            if len(steps) != n:
                _fail(f"{where}: metric {metric!r} has {len(steps)} logged values; train_fn returned {n} epochs "
                      "(log each epoch once).")
            if steps == [s + 1 for s in history["steps"]]:
                _fail(f"{where}: metric {metric!r} is logged at steps 1..{n}: the steps are off by one (epoch 0 "
                      "is step 0: step=epoch, counting from 0 as enumerate does).")
            if steps != history["steps"]:
                _fail(f"{where}: metric {metric!r} is logged at steps {steps}, expected 0..{n - 1} (step=epoch).")
            if not np.allclose(values, history["values"], rtol=1e-12, atol=0):
                _fail(f"{where}: metric {metric!r} holds other values than train_fn returned for those epochs.")
        extra = sorted(set(got["metrics"]) - set(want["metrics"]))
        if extra:
            _fail(f"{where}: metrics {extra} were logged that train_fn did not return.")
        if HISTORY_ARTIFACT not in got["artifacts"]:
            _fail(f"{where}: the run has no artifact {HISTORY_ARTIFACT!r} (its artifacts: {got['artifacts']}): "
                  f"mlflow.log_dict(history, {HISTORY_ARTIFACT!r}).")
        content = got["history"]
        if (not isinstance(content, dict) or sorted(content) != sorted(want["history"])
                or any(not np.allclose(np.asarray(content[k], float), v, rtol=1e-12, atol=0)
                       if len(content[k]) == len(v) else True for k, v in want["history"].items())):
            _fail(f"{where}: the artifact {HISTORY_ARTIFACT!r} does not hold the history train_fn returned "
                  "(a dict of metric name -> list of per-epoch values).")


def _history(rng: np.random.Generator, epochs: int) -> dict:
    start = rng.uniform(0.8, 2.5)
    decay = rng.uniform(0.05, 0.5)
    loss = start * np.exp(-decay * np.arange(epochs)) + rng.uniform(0, 0.05, epochs)
    accuracy = np.clip(1.0 - 0.4 * loss / start + rng.normal(0, 0.01, epochs), 0, 1)
    return {"train_loss": [float(v) for v in loss], "val_accuracy": [float(v) for v in accuracy]}


def _track_cases(rng: np.random.Generator) -> list[Case]:
    runs = []
    for epochs in (int(rng.integers(3, 9)), int(rng.integers(2, 6))):
        runs.append({"params": {"learning_rate": float(round(10 ** rng.uniform(-3, -0.5), 5)), "epochs": epochs,
                                "hidden_units": int(rng.choice([16, 32, 64])),
                                "optimizer": str(rng.choice(["sgd", "adam"]))},
                     "history": _history(rng, epochs)})
    # One epoch only; a float whose str() has many digits; a bool and None as params.
    runs.append({"params": {"learning_rate": 0.1 + 0.2, "epochs": 1, "early_stopping": bool(rng.integers(2)),
                            "scheduler": None},
                 "history": {"train_loss": [float(rng.uniform(0.2, 1.0))]}})
    return [{"runs": runs}]


register(Exercise(
    key="week11.track_experiment", function="track_experiment",
    make_cases=_track_cases, call=_track_call, reference=_track_reference,
    describe=lambda case: (f"{len(case['runs'])} runs with "
                           + ", ".join(f"{len(r['params'])} params and "
                                       f"{len(next(iter(r['history'].values())))} epochs" for r in case["runs"])),
    compare=_compare_track, inputs=(),
))


# ----------------------------------------------------------------------------- best_run


def best_run_reference(columns: dict, metric: str, mode: str) -> str | None:
    """pandas: drop the NaN metrics, sort by (metric, start_time) with a stable sort, take the first."""
    import pandas as pd

    runs = _runs_frame(columns)
    column = f"metrics.{metric}"
    kept = runs.dropna(subset=[column])
    if kept.empty:
        return None
    ordered = kept.sort_values([column, "start_time"], ascending=[mode == "min", True], kind="stable")
    return str(ordered["run_id"].iloc[0])


def _runs_frame(columns: dict):
    """The run table as mlflow.search_runs returns it: run_id, start_time (UTC timestamps), metrics.*, params.*."""
    import pandas as pd

    frame = pd.DataFrame({name: (pd.to_datetime(np.asarray(values, dtype=np.int64), unit="ms", utc=True)
                                 if name == "start_time" else list(values) if name == "run_id"
                                 or name.startswith("params.") else np.asarray(values, dtype=float))
                          for name, values in columns.items()})
    return frame


def _run_ids(rng: np.random.Generator, n: int) -> list[str]:
    return [f"{int(v):08x}" + "".join(rng.choice(list("0123456789abcdef"), 8)) for v in
            rng.choice(2**32, size=n, replace=False)]


def _run_columns(rng: np.random.Generator, n: int, metric: str, newest_first: bool = True, ties: bool = True,
                 nans: int = 1) -> dict:
    start = np.sort(rng.choice(10**6, size=n, replace=False)) + 1_764_000_000_000
    values = np.round(rng.uniform(0.1, 0.9, n), 3)
    if ties and n >= 3:
        a, b = rng.choice(n, size=2, replace=False)
        values[b] = values[a]                       # two runs with the same value
        best = values.min() if rng.integers(2) else values.max()
        values[a] = values[b] = best                # ... and it is the best in one of the modes
    if nans:
        values[rng.choice(n, size=min(nans, n - 1), replace=False)] = np.nan
    order = np.arange(n)[::-1] if newest_first else rng.permutation(n)
    return {"run_id": [_run_ids(rng, n)[i] for i in order], "start_time": start[order],
            f"metrics.{metric}": values[order],
            "metrics.train_loss": np.round(rng.uniform(0.01, 1.0, n), 4)[order],
            "params.learning_rate": [str(x) for x in np.round(10 ** rng.uniform(-3, -1, n), 4)[order]]}


def _best_run_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, metric, mode, newest_first, nans in ((8, "val_accuracy", "max", True, 1),
                                                (7, "val_loss", "min", True, 2),
                                                (9, "val_accuracy", "max", False, 1),
                                                (6, "val_loss", "min", False, 0)):
        cases.append({"columns": _run_columns(rng, n, metric, newest_first, nans=nans), "metric": metric,
                      "mode": mode})
    # Both modes on one table whose best values tie; a NaN in the first row (newest run); all NaN; one run.
    columns = _run_columns(rng, 6, "f1", True, nans=0)
    values = columns["metrics.f1"]
    values[[1, 4]] = values.max()
    values[0] = np.nan
    for mode in ("max", "min"):
        cases.append({"columns": {k: (v.copy() if isinstance(v, np.ndarray) else list(v)) for k, v in columns.items()},
                      "metric": "f1", "mode": mode})
    empty = _run_columns(rng, 3, "auc", True, ties=False, nans=0)
    empty["metrics.auc"][:] = np.nan
    cases.append({"columns": empty, "metric": "auc", "mode": "max"})
    cases.append({"columns": _run_columns(rng, 1, "auc", True, ties=False, nans=0), "metric": "auc", "mode": "min"})
    return cases


def _compare_best_run(actual: Any, expected: str | None, case: Case, name: str) -> None:
    if actual == expected and (actual is None or isinstance(actual, str)):
        return
    columns, metric, mode = case["columns"], case["metric"], case["mode"]
    ids = list(columns["run_id"])
    values = np.asarray(columns[f"metrics.{metric}"], float)
    if expected is None:
        _fail(f"{name} is {actual!r}, but every run's {metric} is NaN: there is no best run, return None.")
    if not isinstance(actual, str):
        _fail(f"{name} is {type(actual).__name__} {actual!r}; return the best run's run_id (a string), not its "
              "row position or the row itself.")
    if actual not in ids:
        _fail(f"{name} is {actual!r}, which is not a run_id of the table.")
    row = ids.index(actual)
    if np.isnan(values[row]):
        _fail(f"{name} is a run whose {metric} is NaN: a NaN was treated as the best. Skip runs whose metric is "
              "NaN (dropna, or np.nanargmax): a failed run has no metric.")
    other = best_run_reference(columns, metric, "max" if mode == "min" else "min")
    expected_row = ids.index(expected)
    if actual == other and values[row] != values[expected_row]:
        _fail(f"{name} is the WORST run for mode={mode!r}: the mode is inverted ('min': the smallest {metric} is "
              "best, as for a loss; 'max': the largest, as for an accuracy).")
    if values[row] == values[expected_row]:
        _fail(f"{name}: several runs share the best {metric}, and you returned one that started later. Ties go to "
              "the run that started FIRST (earliest start_time); mlflow.search_runs lists the newest run first, so "
              "the first row is not the earliest.")
    _fail(f"{name} is {actual!r}, a run whose {metric} is not the best for mode={mode!r}.")


register(Exercise(
    key="week11.best_run", function="best_run",
    make_cases=_best_run_cases,
    call=lambda function, case: function(_runs_frame(case["columns"]), case["metric"], case["mode"]),
    reference=lambda case: best_run_reference(case["columns"], case["metric"], case["mode"]),
    describe=lambda case: (f"{len(case['columns']['run_id'])} runs, metric {case['metric']!r}, mode "
                           f"{case['mode']!r}, {int(np.isnan(case['columns']['metrics.' + case['metric']]).sum())} "
                           "NaN"),
    compare=_compare_best_run, inputs=(),
))


# ----------------------------------------------------------------------------- ONNX


def _classification_data(rng: np.random.Generator, n: int, n_features: int, classes: list[int]) -> dict:
    centres = rng.normal(0, 2.0, size=(len(classes), n_features))
    labels = rng.integers(0, len(classes), size=n)
    labels[: len(classes)] = np.arange(len(classes))            # every class present
    X = centres[labels] + rng.normal(0, 1.5, size=(n, n_features))
    X_test = rng.normal(0, 3.0, size=(int(rng.integers(5, 40)), n_features))
    return {"X_train": X, "y_train": np.asarray(classes)[labels], "X_test": X_test}


def train_model(case: Case):
    """The case's scikit-learn model, trained the same way on both sides of the sandbox."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.tree import DecisionTreeClassifier

    if case["model"] == "logistic":
        model = LogisticRegression(max_iter=1000)
    else:
        model = DecisionTreeClassifier(max_depth=4, random_state=0)
    return model.fit(case["X_train"], case["y_train"])


def _onnx_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for model, n_features, classes in (("logistic", 4, [0, 1, 2]), ("tree", 3, [0, 1]),
                                       ("logistic", 6, [3, 7, 9]), ("tree", 5, [1, 2, 4, 8]),
                                       ("logistic", 1, [0, 1])):
        n = int(rng.integers(40, 120))
        data = _classification_data(rng, n, n_features, classes)
        data["X"] = data.pop("X_test")           # named as onnx_predict's argument, which must leave it unchanged
        cases.append({"model": model, "n_features": n_features, **data})
    return cases


def _session(path_or_bytes):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(path_or_bytes, options, providers=["CPUExecutionProvider"])


def export_reference(model, n_features: int, path: str) -> None:
    """skl2onnx with the course's contract: one float32 input 'X' of shape (None, n_features), no ZipMap."""
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    onx = convert_sklearn(model, initial_types=[("X", FloatTensorType([None, n_features]))],
                          options={id(model): {"zipmap": False}}, target_opset=17)
    with open(path, "wb") as file:
        file.write(onx.SerializeToString())


def _export_call(function, case: Case) -> dict:
    model = train_model(case)
    with tempfile.TemporaryDirectory(prefix="week11-onnx-") as folder:
        path = os.path.join(folder, "model.onnx")
        function(model, case["n_features"], path)
        if not os.path.exists(path):
            _fail(f"export_onnx wrote no file at path ({os.path.basename(path)}): save the converted model there "
                  "(f.write(onx.SerializeToString())).")
        try:
            session = _session(path)
        except Exception as error:
            _fail(f"onnxruntime could not load the file export_onnx wrote: {type(error).__name__}: {error}")
    inputs = [{"name": i.name, "type": i.type, "shape": [d if isinstance(d, int) else None for d in i.shape]}
              for i in session.get_inputs()]
    result = {"inputs": inputs, "outputs": [o.name for o in session.get_outputs()], "error": None,
              "labels": None, "probabilities": None, "zipmap": False}
    if len(inputs) != 1:
        return result
    dtype = np.float64 if inputs[0]["type"] == "tensor(double)" else np.float32
    try:
        outputs = session.run(None, {inputs[0]["name"]: case["X"].astype(dtype)})
    except Exception as error:
        result["error"] = f"{type(error).__name__}: {error}"[:400]
        return result
    result["labels"] = np.asarray(outputs[0])
    if len(outputs) > 1:
        if isinstance(outputs[1], list):
            result["zipmap"] = True
        else:
            result["probabilities"] = np.asarray(outputs[1], dtype=float)
    return result


def _reference_predictions(case: Case) -> tuple[np.ndarray, np.ndarray]:
    model = train_model(case)
    return model.predict(case["X"]), model.predict_proba(case["X"])


def _compare_predictions(labels: Any, probabilities: Any, expected: tuple, case: Case, name: str) -> None:
    want_labels, want_proba = expected
    from course.checks import diagnose

    problem = diagnose(probabilities, want_proba, rtol=ONNX_RTOL, atol=ONNX_ATOL, what=f"{name}'s probabilities")
    if problem:
        _fail(problem)
    labels = np.asarray(labels)
    if labels.shape != want_labels.shape:
        _fail(f"{name}'s labels have shape {labels.shape}, expected {want_labels.shape} (one label per row).")
    top2 = np.sort(want_proba, axis=1)[:, -2:] if want_proba.shape[1] > 1 else np.ones((len(want_proba), 2))
    clear = (top2[:, 1] - top2[:, 0]) > 1e-4            # rows whose winning class float32 cannot flip
    if not np.array_equal(labels[clear].astype(float), want_labels[clear].astype(float)):
        classes = np.unique(case["y_train"])
        if np.array_equal(labels[clear], np.argmax(want_proba, axis=1)[clear]):
            _fail(f"{name}'s labels are column positions 0..{len(classes) - 1}, but the model's classes are "
                  f"{classes.tolist()}: use the model's label output (or classes_[argmax]), not argmax alone.")
        _fail(f"{name}'s labels differ from scikit-learn's predict on {int((labels[clear] != want_labels[clear]).sum())}"
              f" of {int(clear.sum())} rows.")


def _compare_export(actual: Any, expected: tuple, case: Case, name: str) -> None:
    inputs = actual["inputs"]
    n = case["n_features"]
    if len(inputs) != 1:
        _fail(f"the exported model has {len(inputs)} inputs; the contract asks for one input called 'X'.")
    spec = inputs[0]
    if spec["name"] != "X":
        _fail(f"the exported model's input is called {spec['name']!r}; the contract names it 'X' "
              "(initial_types=[('X', FloatTensorType([None, n_features]))]), so that clients know what to send.")
    if spec["type"] != "tensor(float)":
        _fail(f"the exported model's input has type {spec['type']}; the contract asks for float32, tensor(float) "
              "(FloatTensorType), what onnxruntime runs fastest and every client can send.")
    if len(spec["shape"]) != 2 or spec["shape"][1] != n:
        _fail(f"the exported model's input has shape {spec['shape']}; expected [None, {n}] (n_features columns).")
    if spec["shape"][0] is not None:
        _fail(f"the exported model's input has a fixed batch dimension {spec['shape'][0]}: declare it None "
              "(FloatTensorType([None, n_features])) so that one model serves batches of any size.")
    if actual["error"]:
        _fail(f"onnxruntime could not run the exported model on a batch: {actual['error']}")
    if actual["zipmap"]:
        _fail("the exported model returns its probabilities as a list of dicts (skl2onnx's ZipMap): convert with "
              "options={id(model): {'zipmap': False}} so that the probabilities come back as one float32 array.")
    if actual["probabilities"] is None:
        _fail("the exported model has no probabilities output: export a classifier's label AND probabilities.")
    _compare_predictions(actual["labels"], actual["probabilities"], expected, case, "the ONNX model")


register(Exercise(
    key="week11.export_onnx", function="export_onnx",
    make_cases=_onnx_cases, call=_export_call, reference=_reference_predictions,
    describe=lambda case: (f"a {case['model']} model on {case['n_features']} features, classes "
                           f"{np.unique(case['y_train']).tolist()}, {len(case['X'])} test rows"),
    compare=_compare_export, inputs=(),
))


def _predict_call(function, case: Case) -> Any:
    model = train_model(case)
    with tempfile.TemporaryDirectory(prefix="week11-onnx-") as folder:
        path = os.path.join(folder, "model.onnx")
        export_reference(model, case["n_features"], path)
        return function(path, case["X"])


def _compare_onnx_predict(actual: Any, expected: tuple, case: Case, name: str) -> None:
    if not isinstance(actual, (tuple, list)) or len(actual) != 2:
        _fail(f"{name} should be a pair (labels, probabilities); got {type(actual).__name__}.")
    labels, probabilities = actual
    if (np.ndim(labels) == 2 and np.ndim(probabilities) == 1
            and np.shape(labels) == np.shape(expected[1])):
        _fail(f"{name} is (probabilities, labels): the contract returns (labels, probabilities), in the order "
              "onnxruntime's outputs come.")
    _compare_predictions(labels, probabilities, expected, case, name)


register(Exercise(
    key="week11.onnx_predict", function="onnx_predict",
    make_cases=_onnx_cases, call=_predict_call, reference=_reference_predictions,
    describe=lambda case: (f"an ONNX {case['model']} model on {case['n_features']} features, classes "
                           f"{np.unique(case['y_train']).tolist()}, {len(case['X'])} rows"),
    compare=_compare_onnx_predict, inputs=("X",),
))


# ----------------------------------------------------------------------------- validate_request

ERROR_KINDS = ("missing", "type", "not_finite", "range", "extra")
_PYDANTIC_KINDS = {"missing": "missing", "extra_forbidden": "extra", "finite_number": "not_finite",
                   "greater_than_equal": "range", "less_than_equal": "range"}


def pydantic_model(schema: dict):
    """The schema as a strict pydantic model: extra fields forbidden, NaN and infinities refused."""
    from typing import Annotated

    from pydantic import ConfigDict, Field, create_model

    fields = {}
    for field, spec in schema.items():
        kind = {"float": float, "int": int, "str": str}[spec["type"]]
        limits = {"ge": spec.get("min"), "le": spec.get("max")}
        limits = {k: v for k, v in limits.items() if v is not None}
        if kind is float:
            limits["allow_inf_nan"] = False
        fields[field] = (Annotated[kind, Field(**limits)], ...)
    return create_model("Request", __config__=ConfigDict(strict=True, extra="forbid"), **fields)


def validate_reference(payload: dict, schema: dict) -> tuple[dict | None, list]:
    from pydantic import ValidationError

    try:
        record = pydantic_model(schema).model_validate(payload).model_dump()
    except ValidationError as error:
        errors = sorted({(str(e["loc"][0]), _PYDANTIC_KINDS.get(e["type"], "type")) for e in error.errors()})
        return None, [list(e) for e in errors]
    return record, []


def _random_schema(rng: np.random.Generator) -> dict:
    names = [str(n) for n in rng.permutation(["age", "income", "tenure", "plan", "visits", "score", "region",
                                              "balance"])]
    schema = {}
    for name in names[: int(rng.integers(3, 6))]:
        kind = str(rng.choice(["float", "float", "int", "str"]))
        spec: dict = {"type": kind}
        if kind != "str":
            low = float(rng.integers(-5, 5)) if kind == "float" else int(rng.integers(-5, 5))
            if rng.random() < 0.8:
                spec["min"] = low
            if rng.random() < 0.7:
                spec["max"] = low + (float(rng.integers(5, 100)) if kind == "float" else int(rng.integers(5, 100)))
        schema[name] = spec
    return schema


def _good_value(rng: np.random.Generator, spec: dict) -> Any:
    low, high = spec.get("min", -50), spec.get("max", 150)
    if spec["type"] == "str":
        return str(rng.choice(["basic", "pro", "north", "", "x y"]))
    if spec["type"] == "int":
        return int(rng.integers(int(low), int(high) + 1))
    edge = rng.random()
    if edge < 0.15:
        return low if isinstance(low, int) else float(low)              # exactly at the bound: allowed
    if edge < 0.3:
        return int(rng.integers(int(math.ceil(low)), int(math.floor(high)) + 1))   # an int for a float field
    return float(rng.uniform(low, high))


def _bad_value(rng: np.random.Generator, spec: dict) -> tuple[str, Any]:
    choices = ["type"]
    if spec["type"] == "float":
        choices += ["nan", "inf"]
    if "min" in spec or "max" in spec:
        choices += ["range", "range"]
    fault = str(rng.choice(choices))
    if fault == "nan":
        return fault, float("nan")
    if fault == "inf":
        return fault, float(rng.choice([np.inf, -np.inf]))
    if fault == "range":
        if "min" in spec and ("max" not in spec or rng.random() < 0.5):
            return fault, spec["min"] - (1 if spec["type"] == "int" else float(rng.uniform(0.01, 10)))
        return fault, spec["max"] + (1 if spec["type"] == "int" else float(rng.uniform(0.01, 10)))
    if spec["type"] == "str":
        return fault, [int(rng.integers(10)), None, 3.5][int(rng.integers(3))]
    if spec["type"] == "int":
        return fault, [True, 3.0, "7", None][int(rng.integers(4))]
    return fault, [False, "2.5", None, [1.0]][int(rng.integers(4))]


def _validate_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(3):
        schema = _random_schema(rng)
        payloads = []
        for p in range(12):
            payload = {name: _good_value(rng, spec) for name, spec in schema.items()}
            if p >= 3:
                for _ in range(int(rng.integers(1, 4))):
                    what = rng.random()
                    name = str(rng.choice(list(schema)))
                    if what < 0.2:
                        payload.pop(name, None)
                    elif what < 0.35:
                        payload[str(rng.choice(["comment", "user_id", "debug"]))] = int(rng.integers(100))
                    else:
                        payload[name] = _bad_value(rng, schema[name])[1]
            payloads.append(payload)
        payloads.append({})                                               # everything missing
        cases.append({"schema": schema, "payloads": payloads})
    # The classic slips, one each: a NaN, True for an int, an int for a float, a bound value, an extra field.
    schema = {"age": {"type": "int", "min": 0, "max": 120}, "income": {"type": "float", "min": 0.0},
              "plan": {"type": "str"}}
    cases.append({"schema": schema, "payloads": [
        {"age": 30, "income": float("nan"), "plan": "pro"}, {"age": True, "income": 10.0, "plan": "pro"},
        {"age": 30, "income": 1000, "plan": "basic"}, {"age": 0, "income": 0.0, "plan": ""},
        {"age": 30, "income": 5.0, "plan": "pro", "debug": 1}, {"age": 121, "income": -1.0},
        {"age": 40.0, "income": float("-inf"), "plan": 3}]})
    return cases


def _validate_call(function, case: Case) -> list:
    results = []
    for payload in case["payloads"]:
        result = function(dict(payload), case["schema"])
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            _fail(f"validate_request should return a pair (record, errors); got {type(result).__name__}.")
        record, errors = result
        if record is not None and not isinstance(record, dict):
            _fail(f"validate_request's record should be a dict or None; got {type(record).__name__}.")
        if not isinstance(errors, (list, tuple)) or not all(isinstance(e, (list, tuple)) and len(e) == 2
                                                             for e in errors):
            _fail("validate_request's errors should be a list of (field, kind) pairs.")
        results.append((record, [[str(f), str(k)] for f, k in errors]))
    return results


def _payload_text(payload: dict, schema: dict) -> str:
    if expected_values_concealed():
        return "a payload with fields " + ", ".join(repr(k) for k in payload) if payload else "an empty payload"
    return f"the payload {payload!r}"


def _compare_validate(actual: Any, expected: list, case: Case, name: str) -> None:
    schema = case["schema"]
    for payload, (record, errors), (want_record, want_errors) in zip(case["payloads"], actual, expected):
        what = _payload_text(payload, schema)
        got = sorted(map(tuple, errors))
        want = [tuple(e) for e in want_errors]
        if got != want:
            bad_kinds = [k for _, k in got if k not in ERROR_KINDS]
            if bad_kinds:
                _fail(f"{name}: an error kind {bad_kinds[0]!r} is not one of {list(ERROR_KINDS)}.")
            missing = [e for e in want if e not in got]
            surplus = [e for e in got if e not in want]
            fields = [f for f, _ in got]
            if len(fields) != len(set(fields)):
                _fail(f"{name}: for {what}, one field got several errors ({got}); report one error per bad field "
                      "(the first check it fails: missing, type, not_finite, range).")
            for field, kind in missing:
                value = payload.get(field)
                if kind == "not_finite" and isinstance(value, float) and math.isnan(value):
                    _fail(f"{name}: for {what}, the NaN in {field!r} passed your checks. Every comparison with NaN "
                          "is False, so `value < min` lets NaN through: reject non-finite floats first "
                          "(math.isfinite).")
                if kind == "not_finite":
                    _fail(f"{name}: for {what}, the infinite value in {field!r} was not reported as not_finite: "
                          "reject non-finite floats (math.isfinite is False for inf and -inf too).")
                if kind == "type" and isinstance(value, bool):
                    _fail(f"{name}: for {what}, the bool {value!r} in {field!r} was accepted as a number: bool is a "
                          "subclass of int in Python (isinstance(True, int) is True), so test for bool first.")
                if kind == "type" and isinstance(value, float) and schema[field]["type"] == "int":
                    _fail(f"{name}: for {what}, the float in the int field {field!r} was accepted: an int field "
                          "takes ints only (strict, as pydantic's strict mode: 3.0 is not an int).")
                if kind == "extra":
                    _fail(f"{name}: for {what}, the extra field {field!r} (not in the schema) was not reported: a "
                          "field the schema does not know is an error ('extra'), often a client's typo.")
                if kind == "missing":
                    _fail(f"{name}: for {what}, the missing field {field!r} was not reported.")
                if kind == "range":
                    _fail(f"{name}: for {what}, the out-of-range value of {field!r} was not reported as 'range'.")
                if kind == "type":
                    _fail(f"{name}: for {what}, the {type(value).__name__} in the {schema[field]['type']} field "
                          f"{field!r} was not reported as a wrong type.")
            for field, kind in surplus:
                value = payload.get(field)
                if kind == "type" and schema.get(field, {}).get("type") == "float" and type(value) is int:
                    _fail(f"{name}: for {what}, the int in the float field {field!r} was refused; an int is a "
                          "valid float (as in pydantic), convert it with float(value).")
                if kind == "range" and field in schema and value in (schema[field].get("min"),
                                                                     schema[field].get("max")):
                    _fail(f"{name}: for {what}, a value exactly at the bound of {field!r} was refused: min and max "
                          "are inclusive (min <= value <= max).")
                _fail(f"{name}: for {what}, you reported ({field!r}, {kind!r}), which is not an error there.")
            _fail(f"{name}: for {what}, the errors are {got}; they should name every bad field, once.")
        if want_record is None:
            if record is not None:
                _fail(f"{name}: for {what}, there are errors, so the record must be None.")
            continue
        if not isinstance(record, dict) or sorted(record) != sorted(want_record):
            _fail(f"{name}: for {what} (valid), the record should hold exactly the schema's fields "
                  f"{sorted(want_record)}; got {record if record is None else sorted(record)}.")
        for field, value in want_record.items():
            if type(record[field]) is not type(value):
                _fail(f"{name}: for {what}, record[{field!r}] is a {type(record[field]).__name__}; the schema says "
                      f"{schema[field]['type']}: convert it (float(value) for an int given to a float field).")
            if record[field] != value:
                _fail(f"{name}: for {what}, record[{field!r}] is not the value sent.")


register(Exercise(
    key="week11.validate_request", function="validate_request",
    make_cases=_validate_cases, call=_validate_call,
    reference=lambda case: [validate_reference(p, case["schema"]) for p in case["payloads"]],
    describe=lambda case: f"{len(case['payloads'])} payloads against a schema of {len(case['schema'])} fields",
    compare=_compare_validate, inputs=(),
))


# ----------------------------------------------------------------------------- make_app


def _app_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n_features, classes in ((4, [0, 1, 2]), (2, [0, 1])):
        data = _classification_data(rng, int(rng.integers(60, 150)), n_features, classes)
        rows = [[float(v) for v in row] for row in np.round(data["X_test"][:6], 4)]
        requests = [["GET", "/health", None], ["GET", "/version", None]]
        requests += [["POST", "/predict", {"features": row}] for row in rows[:3]]
        requests.append(["POST", "/predict_batch", {"rows": rows}])
        requests.append(["POST", "/predict_batch", {"rows": rows[:1]}])
        bad_row = rows[0][:-1] if n_features > 1 else []
        requests += [["POST", "/predict", {"feature": rows[0]}],                    # misspelt field
                     ["POST", "/predict", {"features": bad_row}],                   # too short
                     ["POST", "/predict", {"features": rows[0] + [1.0]}],          # too long
                     ["POST", "/predict", {"features": ["a lot"] + rows[0][1:]}],  # not a number
                     ["POST", "/predict_batch", {"rows": [rows[0], bad_row]}],
                     ["POST", "/predict_batch", {"features": rows[0]}]]
        version = f"2026.{int(rng.integers(1, 13))}.{int(rng.integers(0, 30))}-{int(rng.integers(16**6)):06x}"
        cases.append({"model": "logistic", "n_features": n_features, "X_train": data["X_train"],
                      "y_train": data["y_train"], "X_test": data["X_test"], "version": version,
                      "requests": requests})
    return cases


def fastapi_test_client():
    """FastAPI's TestClient, imported without Starlette's deprecation warning about httpx (a library matter that
    a learner cannot act on)."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx.*")
        from fastapi.testclient import TestClient
    return TestClient


def _app_call(function, case: Case) -> list:
    TestClient = fastapi_test_client()

    model = train_model(case)
    app = function(model, case["version"])
    results = []
    with TestClient(app, raise_server_exceptions=False) as client:
        for method, path, body in case["requests"]:
            response = client.request(method, path, json=body)
            try:
                content = response.json()
            except Exception:
                content = response.text[:500]
            if response.status_code != 200:    # only what the grader judges, flat: FastAPI's detail nests deeply
                content = {"detail_locs": _detail_locs(content)}
            results.append([int(response.status_code), content])
    return results


def _detail_locs(content: Any) -> list[list[str]] | None:
    """The `loc` of every entry of a 422's `detail`, as lists of strings; None when there is no such list."""
    detail = content.get("detail") if isinstance(content, dict) else None
    if not isinstance(detail, list):
        return None
    return [[str(part) for part in item.get("loc", [])] if isinstance(item, dict) else [] for item in detail[:20]]


def _app_reference(case: Case) -> list:
    model = train_model(case)
    n = case["n_features"]
    out = []
    for method, path, body in case["requests"]:
        if path == "/health":
            out.append([200, {"status": "ok"}])
        elif path == "/version":
            out.append([200, {"version": case["version"]}])
        elif path == "/predict":
            row = body.get("features")
            if not _valid_row(row, n):
                out.append([422, {"field": "features"}])
                continue
            p = model.predict_proba(np.array([row]))[0]
            out.append([200, {"label": int(model.classes_[np.argmax(p)]), "probability": float(p.max())}])
        else:
            rows = body.get("rows")
            if not isinstance(rows, list) or not rows or not all(_valid_row(r, n) for r in rows):
                out.append([422, {"field": "rows"}])
                continue
            p = model.predict_proba(np.array(rows))
            out.append([200, {"labels": [int(c) for c in model.classes_[np.argmax(p, axis=1)]],
                              "probabilities": [float(v) for v in p.max(axis=1)]}])
    return out


def _valid_row(row: Any, n: int) -> bool:
    return (isinstance(row, list) and len(row) == n
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in row))


def _names_field(locs: Any, field: str) -> bool:
    return isinstance(locs, list) and any(isinstance(loc, list) and field in loc for loc in locs)


def _compare_app(actual: Any, expected: list, case: Case, name: str) -> None:
    if not isinstance(actual, list) or len(actual) != len(expected):
        _fail(f"{name}: the grader could not exercise the app.")
    for (method, path, body), (status, content), (want_status, want) in zip(case["requests"], actual, expected):
        request = f"{method} {path}" + ("" if body is None else f" with body fields {sorted(body)}")
        if want_status == 422:
            if status == 200:
                _fail(f"{name}: {request} (a malformed body: {_fault(body, case)}) was answered 200; it should be "
                      "refused with 422: declare the body as a pydantic model whose list has exactly n_features "
                      "numbers (Field(min_length=n, max_length=n)), and let FastAPI validate it.")
            if status != 422:
                _fail(f"{name}: {request} (a malformed body: {_fault(body, case)}) gave status {status}, not 422: "
                      "a 500 means the bad input reached the model; validate the body with a pydantic model first.")
            if not _names_field(content.get("detail_locs") if isinstance(content, dict) else None, want["field"]):
                _fail(f"{name}: {request} gave 422, but its detail does not name the field {want['field']!r} "
                      "(FastAPI puts it in detail[i]['loc']): the client must learn which field is wrong.")
            continue
        if status != want_status:
            hint = " (no such route: check the path and the method)" if status in (404, 405) else ""
            _fail(f"{name}: {request} gave status {status}, expected {want_status}{hint}.")
        if path in ("/health", "/version"):
            if content != want:
                shown = "" if expected_values_concealed() or path == "/health" else f" (expected {want!r})"
                _fail(f"{name}: {request} answered {content!r}{shown}; the contract: /health -> "
                      "{'status': 'ok'}, /version -> {'version': version}.")
            continue
        keys = ["label", "probability"] if path == "/predict" else ["labels", "probabilities"]
        if not isinstance(content, dict) or sorted(content) != sorted(keys):
            _fail(f"{name}: {request} answered with the fields "
                  f"{sorted(content) if isinstance(content, dict) else type(content).__name__}; the contract: "
                  f"{keys}.")
        got_labels = content[keys[0]] if path != "/predict" else [content[keys[0]]]
        want_labels = want[keys[0]] if path != "/predict" else [want[keys[0]]]
        got_p = content[keys[1]] if path != "/predict" else [content[keys[1]]]
        want_p = want[keys[1]] if path != "/predict" else [want[keys[1]]]
        if not isinstance(got_labels, list) or len(got_labels) != len(want_labels):
            _fail(f"{name}: {request} returned {keys[0]} for {len(got_labels) if isinstance(got_labels, list) else 1}"
                  f" rows; the request had {len(want_labels)}.")
        if [int(v) if isinstance(v, (int, float)) else v for v in got_labels] != want_labels:
            _fail(f"{name}: {request} returned other labels than the model's predict.")
        try:
            close = np.allclose(np.asarray(got_p, float), want_p, rtol=1e-7, atol=1e-9)
        except Exception:
            close = False
        if not close:
            _fail(f"{name}: {request}: the probabilities are not the model's probability of the predicted class "
                  "(predict_proba(...).max() for each row).")


def _fault(body: dict, case: Case) -> str:
    n = case["n_features"]
    if "features" not in body and "rows" not in body:
        return f"it has the field {sorted(body)[0]!r} instead"
    value = body.get("features", body.get("rows"))
    rows = value if "rows" in body and isinstance(value, list) and value and isinstance(value[0], list) else [value]
    for row in rows:
        if isinstance(row, list) and len(row) != n:
            return f"a row of {len(row)} numbers where the model takes {n}"
        if isinstance(row, list) and any(isinstance(v, str) for v in row):
            return "a string where a number belongs"
    return "features sent to the batch endpoint, which takes rows" if "features" in body else "a malformed list"


register(Exercise(
    key="week11.make_app", function="make_app",
    make_cases=_app_cases, call=_app_call, reference=_app_reference,
    describe=lambda case: (f"{len(case['requests'])} requests to an app serving a model on {case['n_features']} "
                           "features"),
    compare=_compare_app, inputs=(),
))


# ----------------------------------------------------------------------------- microbatch


def microbatch_reference(requests: list, max_batch: int, max_wait: float) -> list:
    """Event by event: each arrival either joins the open batch or first closes it (full or past its deadline)."""
    batches: list = []
    open_batch: list = []
    opened = 0.0
    for arrival, payload in requests:
        if open_batch and arrival > opened + max_wait:       # the deadline passed before this request came
            batches.append((opened + max_wait, open_batch))
            open_batch = []
        if not open_batch:
            opened = arrival
        open_batch.append(payload)
        if len(open_batch) == max_batch:                    # full: sent the moment the last one arrives
            batches.append((arrival, open_batch))
            open_batch = []
    if open_batch:
        batches.append((opened + max_wait, open_batch))
    return [(float(t), list(p)) for t, p in batches]


def _arrivals(rng: np.random.Generator, n: int, rate: float, integer: bool = False) -> list:
    if integer:
        times = np.cumsum(rng.integers(0, 3, size=n)).astype(float)
    else:
        times = np.cumsum(rng.exponential(1.0 / rate, size=n))
    ids = rng.permutation(1000)[:n]
    return [(float(t), int(i)) for t, i in zip(times, ids)]


def _microbatch_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, rate, max_batch, max_wait, integer in ((40, 5.0, 4, 0.5, False), (60, 20.0, 8, 0.2, False),
                                                  (30, 1.0, 3, 2.0, False), (40, 3.0, 5, 2.0, True),
                                                  (25, 2.0, 1, 1.0, False), (30, 4.0, 6, 1.0, True)):
        cases.append({"requests": _arrivals(rng, n, rate, integer), "max_batch": max_batch,
                      "max_wait": float(max_wait)})
    # Arrivals exactly at the deadline (they join), simultaneous arrivals, max_wait 0, no requests at all.
    cases.append({"requests": [(0.0, 10), (1.0, 11), (2.0, 12), (2.0, 13), (4.5, 14), (6.5, 15), (9.0, 16)],
                  "max_batch": 3, "max_wait": 2.0})
    cases.append({"requests": [(0.0, 1), (0.0, 2), (0.0, 3), (1.0, 4), (1.0, 5)], "max_batch": 10, "max_wait": 0.0})
    cases.append({"requests": [], "max_batch": 4, "max_wait": 1.0})
    return cases


def _microbatch_call(function, case: Case) -> Any:
    result = function([tuple(r) for r in case["requests"]], case["max_batch"], case["max_wait"])
    if not isinstance(result, (list, tuple)):
        _fail(f"microbatch should return a list of (close_time, payloads) pairs; got {type(result).__name__}.")
    out = []
    for item in result:
        if not isinstance(item, (list, tuple)) or len(item) != 2 or not isinstance(item[1], (list, tuple)):
            _fail("microbatch should return a list of (close_time, payloads) pairs, payloads a list.")
        out.append((float(item[0]), [int(p) for p in item[1]]))
    return out


def _compare_microbatch(actual: Any, expected: list, case: Case, name: str) -> None:
    requests, max_batch, max_wait = case["requests"], case["max_batch"], case["max_wait"]
    payloads = [p for _, p in requests]
    flat = [p for _, batch in actual for p in batch]
    if sorted(flat) != sorted(payloads):
        _fail(f"{name} does not hold every request exactly once ({len(flat)} payloads for {len(payloads)} "
              "requests).")
    if flat != payloads:
        _fail(f"{name} changes the order of the requests: batches must keep the arrival order (first come, first "
              "served), within and across batches.")
    if any(len(batch) == 0 for _, batch in actual):
        _fail(f"{name} holds an empty batch.")
    sizes = [len(batch) for _, batch in actual]
    if max(sizes, default=0) > max_batch:
        _fail(f"{name} has a batch of {max(sizes)} requests; max_batch is {max_batch}.")
    arrival = {p: t for t, p in requests}
    for _, batch in actual:
        if arrival[batch[-1]] - arrival[batch[0]] > max_wait + 1e-12:
            _fail(f"{name} has a batch whose last request came more than max_wait after its first: the wait is "
                  "measured from the batch's FIRST request (its deadline is first arrival + max_wait), not from "
                  "the previous request.")
    got_groups, want_groups = [b for _, b in actual], [b for _, b in expected]
    if got_groups != want_groups:
        if len(got_groups) > len(want_groups):
            for (_, batch), (_, nxt) in zip(actual, actual[1:]):
                if len(batch) < max_batch and arrival[nxt[0]] - arrival[batch[0]] <= max_wait:
                    exactly = abs(arrival[nxt[0]] - arrival[batch[0]] - max_wait) < 1e-12
                    if exactly:
                        _fail(f"{name} closes a batch before a request that arrives exactly max_wait after the "
                              "batch's first: that request still joins (arrival <= first + max_wait).")
                    _fail(f"{name} closes a batch early: it is not full and the next request arrived before its "
                          "deadline (first arrival + max_wait), so that request should have joined it.")
        _fail(f"{name} groups the requests differently from the rule (join while the batch is not full and "
              "arrival <= first arrival + max_wait).")
    for (t, batch), (want_t, _) in zip(actual, expected):
        if not math.isclose(t, want_t, rel_tol=1e-9, abs_tol=1e-9):
            if len(batch) == max_batch:
                _fail(f"{name} gives a full batch the wrong close time: a full batch is sent the moment its last "
                      "request arrives (that request's arrival time).")
            _fail(f"{name} gives a batch that is not full the wrong close time: it is sent at its deadline, the "
                  "arrival of its FIRST request + max_wait.")


register(Exercise(
    key="week11.microbatch", function="microbatch",
    make_cases=_microbatch_cases, call=_microbatch_call,
    reference=lambda case: microbatch_reference(case["requests"], case["max_batch"], case["max_wait"]),
    describe=lambda case: (f"{len(case['requests'])} requests, max_batch {case['max_batch']}, max_wait "
                           f"{case['max_wait']:g}"),
    compare=_compare_microbatch, inputs=(),
))


# ----------------------------------------------------------------------------- references with the learners' signatures
# The lesson falls back on these until a learner's function is written (so Run All reaches the end), and the
# explorers use them until the learner's passes its checks.


def reference_track_experiment(params: dict, train_fn, tracking_uri: str, experiment_name: str) -> str:
    """One run in experiment_name: params, every epoch of every metric train_fn returns (step = epoch from 0),
    the history as the artifact history.json; returns the run id."""
    mlflow = _mlflow()
    client = mlflow.MlflowClient(tracking_uri)
    experiment = client.get_experiment_by_name(experiment_name)
    run = client.create_run(experiment.experiment_id)
    try:
        for name, value in params.items():
            client.log_param(run.info.run_id, name, value)
        history = train_fn(params)
        for name, values in history.items():
            for epoch, value in enumerate(values):
                client.log_metric(run.info.run_id, name, float(value), step=epoch)
        client.log_dict(run.info.run_id, {k: [float(v) for v in vs] for k, vs in history.items()}, HISTORY_ARTIFACT)
    except BaseException:
        client.set_terminated(run.info.run_id, status="FAILED")
        raise
    client.set_terminated(run.info.run_id)
    return run.info.run_id


def reference_best_run(runs, metric: str, mode: str) -> str | None:
    """pandas: the best non-NaN metric, ties to the earliest start_time; None when every metric is NaN."""
    column = f"metrics.{metric}"
    kept = runs.dropna(subset=[column])
    if kept.empty:
        return None
    ordered = kept.sort_values([column, "start_time"], ascending=[mode == "min", True], kind="stable")
    return str(ordered["run_id"].iloc[0])


def reference_export_onnx(model, n_features: int, path: str) -> None:
    export_reference(model, n_features, path)


def reference_onnx_predict(path: str, X) -> tuple[np.ndarray, np.ndarray]:
    session = _session(path)
    labels, probabilities = session.run(None, {session.get_inputs()[0].name: np.asarray(X, dtype=np.float32)})
    return labels, probabilities


def reference_validate_request(payload: dict, schema: dict) -> tuple[dict | None, list]:
    record, errors = validate_reference(payload, schema)
    return record, [tuple(e) for e in errors]


def reference_make_app(model, version: str):
    """The course's serving contract, with pydantic schemas: /health, /version, /predict, /predict_batch."""
    from typing import List

    from fastapi import FastAPI
    from pydantic import BaseModel, Field

    n = int(model.n_features_in_)

    class Features(BaseModel):
        features: List[float] = Field(min_length=n, max_length=n)

    class Rows(BaseModel):
        rows: List[List[float]] = Field(min_length=1)

    app = FastAPI(title="week 11 model", version=version)

    # (This module uses `from __future__ import annotations`, which turns annotations into strings that FastAPI
    # cannot resolve for classes made inside a function: the annotations are set as objects here.)
    def health():
        return {"status": "ok"}

    def model_version():
        return {"version": version}

    def predict(request):
        p = model.predict_proba(np.array([request.features]))[0]
        return {"label": int(model.classes_[np.argmax(p)]), "probability": float(p.max())}

    def predict_batch(request):
        from fastapi.exceptions import RequestValidationError

        wrong = [i for i, row in enumerate(request.rows) if len(row) != n]
        if wrong:
            raise RequestValidationError([{"type": "length", "loc": ("body", "rows", wrong[0]),
                                           "msg": f"each row needs {n} numbers", "input": None}])
        p = model.predict_proba(np.array(request.rows))
        return {"labels": [int(c) for c in model.classes_[np.argmax(p, axis=1)]],
                "probabilities": [float(v) for v in p.max(axis=1)]}

    predict.__annotations__ = {"request": Features}
    predict_batch.__annotations__ = {"request": Rows}
    app.get("/health")(health)
    app.get("/version")(model_version)
    app.post("/predict")(predict)
    app.post("/predict_batch")(predict_batch)
    return app


def reference_microbatch(requests: list, max_batch: int, max_wait: float) -> list:
    return microbatch_reference(requests, max_batch, max_wait)
