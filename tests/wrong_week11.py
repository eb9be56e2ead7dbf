"""Plausible wrong implementations of week 11's graded functions, each with the diagnosis it must get.

Every hidden test must fail for at least one of these (tests/test_exercises.py checks it); PUBLIC_CASES are the
public cells that must name a mistake too (tests/test_public_tests.py). Each variant imports what it uses, so
that its source can stand alone in WRONG_SUBMISSION.
"""
import math

import numpy as np

from solutions import renamed_source


# ----------------------------------------------------------------------------- track_experiment

def _track(params, train_fn, tracking_uri, experiment_name, last_only=False, log_params=True, first_step=0,
           artifact=True, fmt=None, set_experiment=True):
    import mlflow
    mlflow.set_tracking_uri(tracking_uri)
    if set_experiment:
        mlflow.set_experiment(experiment_name)
    with mlflow.start_run() as run:
        if log_params:
            mlflow.log_params({k: (fmt(v) if fmt else v) for k, v in params.items()})
        history = train_fn(params)
        for name, values in history.items():
            if last_only:
                mlflow.log_metric(name, values[-1], step=len(values) - 1)
                continue
            for epoch, value in enumerate(values, start=first_step):
                mlflow.log_metric(name, value, step=epoch)
        if artifact:
            mlflow.log_dict(history, "history.json")
    return run.info.run_id


def track_last_epoch_only(params, train_fn, tracking_uri, experiment_name):
    return _track(params, train_fn, tracking_uri, experiment_name, last_only=True)


def track_without_params(params, train_fn, tracking_uri, experiment_name):
    return _track(params, train_fn, tracking_uri, experiment_name, log_params=False)


def track_steps_from_one(params, train_fn, tracking_uri, experiment_name):
    return _track(params, train_fn, tracking_uri, experiment_name, first_step=1)


def track_without_artifact(params, train_fn, tracking_uri, experiment_name):
    return _track(params, train_fn, tracking_uri, experiment_name, artifact=False)


def track_formatted_params(params, train_fn, tracking_uri, experiment_name):
    return _track(params, train_fn, tracking_uri, experiment_name,
                  fmt=lambda v: f"{v:.3g}" if isinstance(v, float) else v)


def track_default_experiment(params, train_fn, tracking_uri, experiment_name):
    return _track(params, train_fn, tracking_uri, experiment_name, set_experiment=False)


def track_calls_twice(params, train_fn, tracking_uri, experiment_name):
    train_fn(params)                              # "a dry run to see the metric names"
    return _track(params, train_fn, tracking_uri, experiment_name)


# ----------------------------------------------------------------------------- best_run

def best_run_inverted(runs, metric, mode):
    values = runs["metrics." + metric]
    kept = runs[values.notna()]
    if kept.empty:
        return None
    ordered = kept.sort_values(["metrics." + metric, "start_time"], ascending=[mode == "max", True], kind="stable")
    return ordered["run_id"].iloc[0]


def best_run_nan_is_best(runs, metric, mode):
    values = runs["metrics." + metric].to_numpy()
    if np.all(np.isnan(values)):
        return None
    position = np.argmin(values) if mode == "min" else np.argmax(values)      # NaN wins both
    return runs["run_id"].iloc[int(position)]


def best_run_first_row_wins_ties(runs, metric, mode):
    values = runs["metrics." + metric]
    if values.isna().all():
        return None
    position = values.idxmin() if mode == "min" else values.idxmax()        # the first row: the NEWEST run
    return runs.loc[position, "run_id"]


def best_run_position(runs, metric, mode):
    kept = runs.dropna(subset=["metrics." + metric])
    if kept.empty:
        return None
    ordered = kept.sort_values(["metrics." + metric, "start_time"], ascending=[mode == "min", True], kind="stable")
    return int(ordered.index[0])


# ----------------------------------------------------------------------------- export_onnx

def _export(model, n_features, path, name="X", double=False, zipmap=False, batch=None):
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType
    kind = DoubleTensorType if double else FloatTensorType
    options = {} if zipmap else {id(model): {"zipmap": False}}
    onx = to_onnx(model, initial_types=[(name, kind([batch, n_features]))], options=options)
    with open(path, "wb") as file:
        file.write(onx.SerializeToString())


def export_input_named_float_input(model, n_features, path):
    _export(model, n_features, path, name="float_input")


def export_with_zipmap(model, n_features, path):
    _export(model, n_features, path, zipmap=True)


def export_double(model, n_features, path):
    _export(model, n_features, path, double=True)


def export_fixed_batch(model, n_features, path):
    _export(model, n_features, path, batch=1)


# ----------------------------------------------------------------------------- onnx_predict

def _session(path):
    import onnxruntime as ort
    return ort.InferenceSession(path, providers=["CPUExecutionProvider"])


def onnx_predict_argmax_labels(path, X):
    session = _session(path)
    _, probabilities = session.run(None, {"X": np.asarray(X, dtype=np.float32)})
    return np.argmax(probabilities, axis=1), probabilities


def onnx_predict_swapped(path, X):
    session = _session(path)
    labels, probabilities = session.run(None, {"X": np.asarray(X, dtype=np.float32)})
    return probabilities, labels


def onnx_predict_float64(path, X):
    session = _session(path)
    return tuple(session.run(None, {"X": np.asarray(X)}))


def onnx_predict_positive_class(path, X):
    session = _session(path)
    labels, probabilities = session.run(None, {"X": np.asarray(X, dtype=np.float32)})
    return labels, probabilities[:, -1]


# ----------------------------------------------------------------------------- validate_request

def _validate(payload, schema, nan_ok=False, bool_ok=False, extra=True, first_only=False, int_for_float=True,
              exclusive=False, convert=True):
    import math
    errors, record = [], {}
    for field, spec in schema.items():
        if field not in payload:
            errors.append((field, "missing"))
            continue
        value, kind = payload[field], spec["type"]
        if kind == "str":
            if isinstance(value, str):
                record[field] = value
            else:
                errors.append((field, "type"))
            continue
        allowed = (int,) if kind == "int" else ((int, float) if int_for_float else (float,))
        if not isinstance(value, allowed) or (isinstance(value, bool) and not bool_ok):
            errors.append((field, "type"))
        elif not nan_ok and not math.isfinite(value):
            errors.append((field, "not_finite"))
        elif exclusive and (("min" in spec and value <= spec["min"]) or ("max" in spec and value >= spec["max"])):
            errors.append((field, "range"))
        elif ("min" in spec and value < spec["min"]) or ("max" in spec and value > spec["max"]):
            errors.append((field, "range"))
        else:
            record[field] = float(value) if kind == "float" and convert else value
    if extra:
        errors += [(field, "extra") for field in payload if field not in schema]
    if first_only:
        errors = errors[:1]
    return (None, errors) if errors else (record, [])


def validate_nan_passes(payload, schema):
    return _validate(payload, schema, nan_ok=True)


def validate_bool_is_int(payload, schema):
    return _validate(payload, schema, bool_ok=True)


def validate_ignores_extra(payload, schema):
    return _validate(payload, schema, extra=False)


def validate_first_error_only(payload, schema):
    return _validate(payload, schema, first_only=True)


def validate_int_not_a_float(payload, schema):
    return _validate(payload, schema, int_for_float=False)


def validate_exclusive_bounds(payload, schema):
    return _validate(payload, schema, exclusive=True)


def validate_without_conversion(payload, schema):
    return _validate(payload, schema, convert=False)


# ----------------------------------------------------------------------------- make_app

def _app(model, version, check_length=True, health="ok", probability_of=None, version_key="version",
         batch=True):
    from typing import List

    from fastapi import FastAPI
    from pydantic import BaseModel, Field
    n = int(model.n_features_in_)
    limits = {"min_length": n, "max_length": n} if check_length else {}

    class Features(BaseModel):
        features: List[float] = Field(**limits)

    class Rows(BaseModel):
        rows: List[List[float]] = Field(min_length=1)

    app = FastAPI()

    def status():
        return {"status": health}

    def model_version():
        return {version_key: version}

    def predict(request):
        p = model.predict_proba(np.array([request.features]))[0]
        shown = p[probability_of] if probability_of is not None else p.max()
        return {"label": int(model.classes_[np.argmax(p)]), "probability": float(shown)}

    def predict_batch(request):
        p = model.predict_proba(np.array(request.rows))              # a ragged batch: ValueError, a 500
        shown = p[:, probability_of] if probability_of is not None else p.max(axis=1)
        return {"labels": [int(c) for c in model.classes_[np.argmax(p, axis=1)]],
                "probabilities": [float(v) for v in shown]}

    predict.__annotations__ = {"request": Features}
    predict_batch.__annotations__ = {"request": Rows}
    app.get("/health")(status)
    app.get("/version")(model_version)
    app.post("/predict")(predict)
    if batch:
        app.post("/predict_batch")(predict_batch)
    return app


def app_without_length_check(model, version):
    return _app(model, version, check_length=False)


def app_healthy(model, version):
    return _app(model, version, health="healthy")


def app_probability_of_class_one(model, version):
    return _app(model, version, probability_of=1)


def app_model_version_key(model, version):
    return _app(model, version, version_key="model_version")


def app_without_batch(model, version):
    return _app(model, version, batch=False)


# ----------------------------------------------------------------------------- microbatch

def _batch(requests, max_batch, max_wait, strict=False, sliding=False, cap=True, always_deadline=False, extra=0):
    batches, i = [], 0
    while i < len(requests):
        first = requests[i][0]
        j = i + 1
        while j < len(requests):
            anchor = requests[j - 1][0] if sliding else first
            waited = requests[j][0] - anchor
            if (cap and j - i >= max_batch + extra) or (waited >= max_wait if strict else waited > max_wait):
                break
            j += 1
        full = cap and j - i >= max_batch
        close = requests[j - 1][0] if full and not always_deadline else first + max_wait
        batches.append((close, [p for _, p in requests[i:j]]))
        i = j
    return batches


def microbatch_strict_deadline(requests, max_batch, max_wait):
    return _batch(requests, max_batch, max_wait, strict=True)


def microbatch_sliding_wait(requests, max_batch, max_wait):
    return _batch(requests, max_batch, max_wait, sliding=True)


def microbatch_no_cap(requests, max_batch, max_wait):
    return _batch(requests, max_batch, max_wait, cap=False)


def microbatch_always_at_deadline(requests, max_batch, max_wait):
    return _batch(requests, max_batch, max_wait, always_deadline=True)


def microbatch_one_too_many(requests, max_batch, max_wait):
    return _batch(requests, max_batch, max_wait, extra=1)


WRONG = [
    ("week11.track_experiment", track_last_epoch_only, "only the last epoch was logged"),
    ("week11.track_experiment", track_without_params, "were not logged"),
    ("week11.track_experiment", track_steps_from_one, "off by one"),
    ("week11.track_experiment", track_without_artifact, "has no artifact 'history.json'"),
    ("week11.track_experiment", track_formatted_params, "not as str(value)"),
    ("week11.track_experiment", track_default_experiment, "not to experiment_name"),
    ("week11.track_experiment", track_calls_twice, "called train_fn 2 times"),
    ("week11.best_run", best_run_inverted, "the mode is inverted"),
    ("week11.best_run", best_run_nan_is_best, "a NaN was treated as the best"),
    ("week11.best_run", best_run_first_row_wins_ties, "Ties go to the run that started FIRST"),
    ("week11.best_run", best_run_position, "not its row position"),
    ("week11.export_onnx", export_input_named_float_input, "the contract names it 'X'"),
    ("week11.export_onnx", export_with_zipmap, "ZipMap"),
    ("week11.export_onnx", export_double, "tensor(double)"),
    ("week11.export_onnx", export_fixed_batch, "fixed batch dimension"),
    ("week11.onnx_predict", onnx_predict_argmax_labels, "column positions"),
    ("week11.onnx_predict", onnx_predict_swapped, "is (probabilities, labels)"),
    ("week11.onnx_predict", onnx_predict_float64, "tensor(float)"),
    ("week11.onnx_predict", onnx_predict_positive_class, "probabilities"),
    ("week11.validate_request", validate_nan_passes, "non-finite floats"),
    ("week11.validate_request", validate_bool_is_int, "bool is a subclass of int"),
    ("week11.validate_request", validate_ignores_extra, "was not reported: a field the schema does not know"),
    ("week11.validate_request", validate_first_error_only, "was not reported"),
    ("week11.validate_request", validate_int_not_a_float, "an int is a valid float"),
    ("week11.validate_request", validate_exclusive_bounds, "inclusive"),
    ("week11.validate_request", validate_without_conversion, "convert it"),
    ("week11.make_app", app_without_length_check, "not 422"),
    ("week11.make_app", app_healthy, "/health -> {'status': 'ok'}"),
    ("week11.make_app", app_probability_of_class_one, "probability of the predicted class"),
    ("week11.make_app", app_model_version_key, "/version -> {'version': version}"),
    ("week11.make_app", app_without_batch, "no such route"),
    ("week11.microbatch", microbatch_strict_deadline, "exactly max_wait after"),
    ("week11.microbatch", microbatch_sliding_wait, "measured from the batch's FIRST request"),
    ("week11.microbatch", microbatch_no_cap, "max_batch is"),
    ("week11.microbatch", microbatch_always_at_deadline, "a full batch the wrong close time"),
    ("week11.microbatch", microbatch_one_too_many, "max_batch is"),
]


PUBLIC_CASES = [  # (public grade_id, function name, wrong variant, phrase the learner must read)
    ("track_experiment_public", "track_experiment", track_last_epoch_only, "only the last epoch was logged"),
    ("track_experiment_public", "track_experiment", track_steps_from_one, "off by one"),
    ("track_experiment_public", "track_experiment", track_without_params, "the params in the store"),
    ("best_run_public", "best_run", best_run_inverted, "the mode is inverted"),
    ("best_run_public", "best_run", best_run_nan_is_best, "a NaN was treated as the best"),
    ("best_run_public", "best_run", best_run_first_row_wins_ties, "ties go to the run that started first"),
    ("export_onnx_public", "export_onnx", export_input_named_float_input, "the contract: 'X'"),
    ("export_onnx_public", "export_onnx", export_with_zipmap, "ZipMap"),
    ("export_onnx_public", "export_onnx", export_double, "float32"),
    ("export_onnx_public", "export_onnx", export_fixed_batch, "declare it None"),
    ("onnx_predict_public", "onnx_predict", onnx_predict_argmax_labels, "column positions"),
    ("onnx_predict_public", "onnx_predict", onnx_predict_swapped, "are the two outputs swapped?"),
    ("validate_request_public", "validate_request", validate_nan_passes, "every comparison with NaN is False"),
    ("validate_request_public", "validate_request", validate_bool_is_int, "bool is a subclass of int"),
    ("validate_request_public", "validate_request", validate_ignores_extra, "the extra field 'debug'"),
    ("validate_request_public", "validate_request", validate_without_conversion, "convert the int 1200"),
    ("validate_request_public", "validate_request", validate_exclusive_bounds, "min and max are inclusive"),
    ("make_app_public", "make_app", app_without_length_check, "422, not 500"),
    ("make_app_public", "make_app", app_healthy, "GET /health"),
    ("microbatch_public", "microbatch", microbatch_strict_deadline, "joins"),
    ("microbatch_public", "microbatch", microbatch_always_at_deadline, "closing every batch at its deadline"),
    ("microbatch_public", "microbatch", microbatch_sliding_wait, "not from the previous one"),
]


def _standalone(function, name: str, *helpers) -> str:
    """A wrong variant renamed to the graded function, with the helpers it calls, as one cell's source."""
    import inspect
    import textwrap
    parts = [textwrap.dedent(inspect.getsource(helper)) for helper in helpers]
    return renamed_source(function, name) + "\n\n" + "\n\n".join(parts)


WRONG_SUBMISSION = (
    {"best_run": _standalone(best_run_inverted, "best_run"),
     "microbatch": _standalone(microbatch_sliding_wait, "microbatch", _batch),
     "review_q2": 'q2_answer = "a"'},
    {"best_run_public", "best_run_hidden", "microbatch_public", "microbatch_hidden", "review_q2_test"},
)
