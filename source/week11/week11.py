# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: nbgrader,tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,-all
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Week 11 — MLOps I: tracking experiments, packaging models, serving them
#
# Ten weeks of this course trained models and looked at a number. A model that a team ships is a different object:
# somebody must be able to say **which** run produced it, with which data, code and settings; it must travel from
# the laptop that trained it to a machine that serves it, in a file that is **safe to open** and runs **without the
# training code**; and it must answer requests from programs that send malformed inputs, at a **latency** and a
# **throughput** someone promised. This week is that path, with the tools teams use at work, all running offline
# on this machine: **MLflow** for experiment tracking and the model registry, **ONNX** with **onnxruntime** (and
# **skops**) for packaging, **pydantic** and **FastAPI** served by **uvicorn** for a REST API.
#
# Week 12 (`release/week12/week12.ipynb`) continues with what happens after deployment: monitoring, drift,
# CI/CD and feature stores, and the end-to-end capstone.
#
# | § | topic | you implement |
# |---|---|---|
# | 1 | why experiments must be tracked | |
# | 2 | MLflow: stores, experiments, runs, params, metrics, artifacts | `track_experiment` |
# | 3 | comparing runs: a table, curves, parallel coordinates (explorer) | `best_run` |
# | 4 | the model registry: versions, aliases, signatures | |
# | 5 | reproducibility: seeds, the environment, data versions | |
# | 6 | packaging: pickle's danger, skops, ONNX | `export_onnx`, `onnx_predict` |
# | 7 | request schemas and validation | `validate_request` |
# | 8 | a REST API with FastAPI | `make_app` |
# | 9 | a real server on this machine: latency percentiles | |
# | 10 | batch vs real-time inference, micro-batching (explorer) | `microbatch` |
# | 11 | serving systems and Docker | |
# | 12 | review: three questions and a written answer | |

# %% [markdown]
# ## How to work this week
#
# 1. **Run the cells in order**, from the top (the imports cell first). If something looks odd, use
#    *Kernel → Restart Kernel and Run All Cells*.
# 2. Where a cell says `# YOUR CODE HERE` and `raise NotImplementedError()`, delete the `raise` line and write your
#    implementation. This week you write it **with the real tools** (MLflow, skl2onnx, onnxruntime, FastAPI,
#    pydantic) except where the exercise says "from scratch" (`best_run`, `validate_request`, `microbatch`).
# 3. **Run the public test cell** under each exercise: small inputs whose answers you can read.
# 4. Then try **fresh random inputs** as often as you like, e.g. `check("week11.microbatch", microbatch)`. It
#    prints ✓ or what went wrong.
# 5. **Hidden tests** run when the notebook is graded: each builds what your function makes (an MLflow store, an ONNX
#    file, a FastAPI app) in a temporary folder, reads it back with the library's own client (`MlflowClient`,
#    onnxruntime, FastAPI's `TestClient`) and compares with pandas, scikit-learn and pydantic. If `check(...)`
#    passes reliably, they will pass too.
# 6. Everything this notebook writes lives in one temporary folder, deleted in the last cell; the one real server
#    of §9 is stopped in the cell that starts it. Nothing is left behind in your working folder.

# %%
# %matplotlib inline
import os

os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"             # MLflow reports usage by default: not from a course
os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"

import hashlib
import importlib.metadata
import json
import logging
import math
import pickle
import platform
import socket
import tempfile
import threading
import time
import warnings

import matplotlib.pyplot as plt
import mlflow
import numpy as np
import onnxruntime as ort
import pandas as pd
from mlflow import MlflowClient
from mlflow.models import infer_signature
from skl2onnx import to_onnx
from skl2onnx.common.data_types import FloatTensorType
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import train_test_split

with warnings.catch_warnings():   # Starlette's note about its own httpx dependency: nothing a learner can act on
    warnings.filterwarnings("ignore", message=".*httpx.*")
    from fastapi.testclient import TestClient

from course.checks import expect_close, expect_equal, expect_choice, expect_true, expect_unchanged
from course.exercises import check, grade
from course.exercises.week11 import (reference_best_run, reference_export_onnx, reference_make_app,
                                     reference_microbatch, reference_onnx_predict, reference_track_experiment,
                                     reference_validate_request)

logging.getLogger("mlflow").setLevel(logging.WARNING)     # MLflow's INFO lines would fill the cells
np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 4)
pd.set_option("display.width", 120)
workspace = tempfile.TemporaryDirectory(prefix="week11-")  # every file of this notebook: deleted in the last cell
week_started = time.perf_counter()


def mine_or_reference(function, reference, *args, _said=set()):
    """Your function's result when it is written; the reference's until then (so the lesson runs either way)."""
    try:
        return function(*args)
    except NotImplementedError:
        if function.__name__ not in _said:          # say it once, not at every call
            print(f"({function.__name__} is not written yet: the lesson uses a reference implementation)")
            _said.add(function.__name__)
        return reference(*args)


# %% [markdown]
# ## 1. Why experiments must be tracked
#
# A month into a project, a team has trained a few hundred models: different learning rates, feature sets, data
# snapshots, code versions, random seeds. Then come the questions that decide whether the work can be used:
#
# - *Which settings gave the model in production, and can we train it again?* Without a record, nobody knows.
# - *Did the new feature help, or was it the different seed?* Without every run's numbers, nobody can tell.
# - *Was this model trained before or after we fixed the label bug?* Without a data version, nobody can say.
#
# A notebook that prints "val accuracy 0.962" and is then re-run with other settings has destroyed its evidence.
# The source syllabus's rule for this week, **track all experiments systematically**, means: every run writes down,
# automatically and at the moment it runs, its **parameters** (the inputs you chose), its **metrics** (what it
# achieved, epoch by epoch), its **artifacts** (files: the model, plots, the exact requirements) and enough
# **context** (code version, data version, environment) to reproduce it. Then comparing runs is a query, not an
# archaeology project.
#
# Tools that do this: **MLflow** (open source, runs anywhere, the one we use), Weights & Biases, Neptune, Comet
# (hosted services with richer dashboards), and the cloud platforms' own (SageMaker, Vertex AI, Azure ML). They
# share one model: an **experiment** holds **runs**; a run holds params, metrics, tags and artifacts.

# %% [markdown]
# ## 2. MLflow: stores, experiments, runs, params, metrics, artifacts
#
# MLflow keeps two stores:
#
# - the **backend store**, a database of experiments, runs, params, metrics and tags. Since MLflow 3.7 the default is
#   SQLite (a single file, `mlflow.db`); teams point it at PostgreSQL or MySQL behind an `mlflow server`. The old
#   `./mlruns` folder of files is refused since MLflow 3.13 unless you insist;
# - the **artifact store**, files of any kind (a model, a plot, a JSON): a folder here, S3 or GCS at work.
#
# A `tracking_uri` names the backend: `sqlite:///path/to/mlflow.db`. We keep everything inside this notebook's
# temporary folder, and we give our experiment an explicit `artifact_location` next to the database: **without it,
# MLflow writes the artifacts of a SQLite store to `./mlruns` in the current working folder**, wherever that is.
# (`mlflow ui --backend-store-uri sqlite:///…` would show this store in a browser; we do not need it.)
#
# Creating a store runs the database's schema migrations and takes a second or two, once.

# %%
tracking_uri = f"sqlite:///{workspace.name}/mlflow.db"
client = MlflowClient(tracking_uri, registry_uri=tracking_uri)    # the registry (§4) in the same database
experiment_id = client.create_experiment("week11", artifact_location=os.path.join(workspace.name, "artifacts"))
mlflow.set_tracking_uri(tracking_uri)          # the "fluent" API (mlflow.start_run, mlflow.log_metric) uses this
mlflow.set_registry_uri(tracking_uri)          # and the fluent registry calls (mlflow.register_model)
public_files = os.path.join(workspace.name, "public-tests")     # where the public test cells write their files
os.makedirs(public_files)
print("tracking store:", tracking_uri.replace(workspace.name, "<workspace>"))
print("experiments:", [e.name for e in client.search_experiments()])

# %% [markdown]
# A run by hand. `mlflow.start_run()` opens a run (a `with` block ends it, as FINISHED, or as FAILED if the block
# raises); inside it, `log_params` records the settings, `log_metric(name, value, step=epoch)` one point of a
# metric's history, and `log_dict` / `log_text` / `log_artifact` files. Read it back with `MlflowClient`:

# %%
with mlflow.start_run(experiment_id=experiment_id, run_name="a first look") as first_run:
    mlflow.log_params({"learning_rate": 0.1, "epochs": 3, "optimizer": "sgd"})
    for epoch, loss in enumerate([0.9, 0.6, 0.5]):
        mlflow.log_metric("train_loss", loss, step=epoch)
    mlflow.log_dict({"note": "any file can be an artifact"}, "notes.json")

stored = client.get_run(first_run.info.run_id)
print("status:", stored.info.status)
print("params:", stored.data.params)
print("metrics:", stored.data.metrics, " <- only the LAST value of each metric")
print("history:", [(m.step, m.value) for m in client.get_metric_history(first_run.info.run_id, "train_loss")])
print("artifacts:", [f.path for f in client.list_artifacts(first_run.info.run_id)])

# %% [markdown]
# Three things to notice. **Params are strings**: MLflow stores `str(value)`, so `0.1` comes back as `'0.1'` and
# `3` as `'3'` (convert when you read them). **A metric is a history**: each `log_metric` adds a point `(step,
# value, timestamp)`; `run.data.metrics` shows only the latest, `get_metric_history` all of them. **A param is
# written once**: logging a different value for the same param in the same run is an error, because a run's inputs
# do not change.
#
# ### Exercise 1 — `track_experiment`
#
# Wrap a training function so that every call leaves a complete record.
#
# * `params`: a dict of settings; `train_fn(params)` trains and returns the **history**, a dict
#   `{metric name: [value at epoch 0, value at epoch 1, ...]}`. Call it **once**.
# * Log **one run** in the store at `tracking_uri`, in the existing experiment `experiment_name`
#   (`mlflow.set_tracking_uri(tracking_uri)` and `mlflow.set_experiment(experiment_name)`, or an
#   `MlflowClient(tracking_uri)`).
# * Log every param (`mlflow.log_params(params)`: let MLflow turn values into strings), **every epoch** of every
#   metric with `step` = the epoch, **counting from 0**, and the history itself as the artifact `history.json`
#   (`mlflow.log_dict(history, "history.json")`).
# * End the run (status FINISHED) and return its id, `run.info.run_id`.

# %% nbgrader={"grade": false, "grade_id": "track_experiment", "locked": false, "schema_version": 3, "solution": true, "task": false}
import mlflow


def track_experiment(params, train_fn, tracking_uri, experiment_name):
    """Run train_fn(params) once inside one MLflow run; log params, per-epoch metrics (step = epoch from 0) and the
    history as history.json; return the run id."""
    ### BEGIN SOLUTION
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_experiment(experiment_name)
    with mlflow.start_run() as run:
        mlflow.log_params(params)
        history = train_fn(params)
        for name, values in history.items():
            for epoch, value in enumerate(values):
                mlflow.log_metric(name, value, step=epoch)
        mlflow.log_dict(history, "history.json")
    return run.info.run_id
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "track_experiment_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
public_calls = []


def public_train(params):
    public_calls.append(params)
    return {"loss": [0.9, 0.7, 0.6], "accuracy": [0.5, 0.625, 0.75]}


public_run_id = track_experiment({"learning_rate": 0.05, "epochs": 3}, public_train, tracking_uri, "week11")
public_stored = client.get_run(public_run_id)
expect_equal(len(public_calls), 1, name="the number of times train_fn was called")
expect_equal(public_stored.data.params, {"learning_rate": "0.05", "epochs": "3"},
             name="the params in the store (MLflow stores str(value))")
expect_equal(client.get_experiment(public_stored.info.experiment_id).name, "week11", name="the run's experiment")
expect_equal(public_stored.info.status, "FINISHED", name="the run's status (end the run)")
public_loss_steps = [m.step for m in client.get_metric_history(public_run_id, "loss")]
expect_true(len(public_loss_steps) != 1, "only one value of 'loss' is in the store: only the last epoch was "
            "logged; log every epoch, mlflow.log_metric(name, value, step=epoch).", name="every epoch is logged")
expect_true(public_loss_steps != [1, 2, 3], "the steps are 1, 2, 3: off by one; epoch 0 is step 0.",
            name="steps count from 0")
expect_equal(public_loss_steps, [0, 1, 2], name="the steps of the metric 'loss'")
expect_close([m.value for m in client.get_metric_history(public_run_id, "accuracy")], [0.5, 0.625, 0.75],
             name="the history of the metric 'accuracy'")
expect_equal([f.path for f in client.list_artifacts(public_run_id)], ["history.json"], name="the run's artifacts")
print("✓ public checks passed: track_experiment (one call, params, every epoch from step 0, history.json)")

# %% nbgrader={"grade": true, "grade_id": "track_experiment_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: runs with random params and histories, logged by your function to a fresh store in a temporary
# folder and read back with MLflowClient (params as strings, metric histories by step, the artifact).
# Try them yourself now: check("week11.track_experiment", track_experiment)
### BEGIN HIDDEN TESTS
grade("week11.track_experiment", track_experiment)
### END HIDDEN TESTS

# %% [markdown]
# ### A grid of runs
#
# Now a real experiment: logistic regression trained by SGD (scikit-learn's `SGDClassifier` with the log loss) on the
# 8 × 8 digits, one pass over the 1,347 training images per epoch, 15 epochs, for 3 learning rates × 3 L2 penalties
# (`alpha`). Each run logs the training loss, the validation loss and the validation accuracy after every epoch,
# through your `track_experiment`.

# %%
digits = load_digits()
X_train_d, X_val_d, y_train_d, y_val_d = train_test_split(digits.data / 16.0, digits.target, test_size=0.25,
                                                          random_state=0, stratify=digits.target)
DIGIT_CLASSES = np.arange(10)


def make_sgd(params):
    return SGDClassifier(loss="log_loss", learning_rate="constant", eta0=params["learning_rate"],
                         alpha=params["alpha"], random_state=params["seed"])


def train_digits(params):
    """One SGD epoch at a time on the digits; the per-epoch history of three metrics."""
    model = make_sgd(params)
    history = {"train_loss": [], "val_loss": [], "val_accuracy": []}
    for epoch in range(params["epochs"]):
        model.partial_fit(X_train_d, y_train_d, classes=DIGIT_CLASSES)
        history["train_loss"].append(log_loss(y_train_d, model.predict_proba(X_train_d), labels=DIGIT_CLASSES))
        history["val_loss"].append(log_loss(y_val_d, model.predict_proba(X_val_d), labels=DIGIT_CLASSES))
        history["val_accuracy"].append(accuracy_score(y_val_d, model.predict(X_val_d)))
    return history


grid_started = time.perf_counter()
grid = [{"learning_rate": lr, "alpha": alpha, "epochs": 15, "seed": 0}
        for lr in (0.003, 0.03, 0.3) for alpha in (1e-4, 1e-3, 1e-2)]
grid_run_ids = [mine_or_reference(track_experiment, reference_track_experiment, params, train_digits, tracking_uri,
                                  "week11") for params in grid]
print(f"{len(grid_run_ids)} runs logged in {time.perf_counter() - grid_started:.1f} s")

# %% [markdown]
# ## 3. Comparing runs
#
# `mlflow.search_runs` returns the runs of an experiment as a **pandas DataFrame**: one row per run, columns
# `run_id`, `status`, `start_time`, …, then `metrics.<name>` (the last value of each metric) and `params.<name>`
# (strings). It is sorted **newest first**. A `filter_string` selects runs in MLflow's SQL-like syntax
# (`"params.alpha = '0.0001' and metrics.val_accuracy > 0.95"`); `order_by` sorts them.

# %%
runs = mlflow.search_runs(experiment_ids=[experiment_id],
                          filter_string="params.epochs = '15'")    # only the grid, not the runs of §2
shown_columns = ["run_id", "params.learning_rate", "params.alpha", "metrics.train_loss", "metrics.val_loss",
                 "metrics.val_accuracy"]
runs_table = runs[shown_columns].assign(run_id=runs["run_id"].str[:8])
runs_table

# %% [markdown]
# ### Exercise 2 — `best_run` (from scratch)
#
# Pick the best run from a table like `runs`, without MLflow and without `sort_values` (the oracle uses pandas'
# sort; write the selection yourself, a loop over the rows is fine).
#
# * `runs`: a DataFrame with the columns `run_id`, `start_time` (timestamps) and `metrics.<metric>`;
#   `mode` is `"min"` (a loss: smaller is better) or `"max"` (an accuracy).
# * Runs whose metric is **NaN** have no value (a failed or unfinished run): skip them. If every run is NaN,
#   return `None`.
# * **Ties**: among runs with the same best value, the one that **started first** (earliest `start_time`) wins:
#   it reached that value first. Remember that `search_runs` lists the newest run first, so "the first row" is not
#   "the earliest run".
# * Return the winner's `run_id`.

# %% nbgrader={"grade": false, "grade_id": "best_run", "locked": false, "schema_version": 3, "solution": true, "task": false}
def best_run(runs, metric, mode):
    """run_id of the best run by metrics.<metric> ("min" or "max"), NaN skipped, ties to the earliest start_time;
    None when no run has the metric."""
    ### BEGIN SOLUTION
    column = "metrics." + metric
    best_id, best_value, best_start = None, None, None
    for run_id, value, start in zip(runs["run_id"], runs[column], runs["start_time"]):
        if value != value:                                         # NaN is the only value not equal to itself
            continue
        better = best_value is None or (value < best_value if mode == "min" else value > best_value)
        earlier_tie = best_value is not None and value == best_value and start < best_start
        if better or earlier_tie:
            best_id, best_value, best_start = run_id, value, start
    return best_id
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "best_run_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
public_runs = pd.DataFrame({
    "run_id": ["d", "c", "b", "a"],                                        # newest first, as search_runs lists them
    "start_time": pd.to_datetime([4000, 3000, 2000, 1000], unit="ms", utc=True),
    "metrics.val_loss": [0.30, np.nan, 0.30, 0.45],                        # d and b tie; c has no value
    "metrics.val_accuracy": [0.91, np.nan, 0.93, 0.88]})
public_best_loss = best_run(public_runs, "val_loss", "min")
expect_true(public_best_loss != "c", "best_run returned 'c', whose val_loss is NaN: a NaN was treated as the best "
            "(np.argmin and np.argmax pick NaN first); skip runs whose metric is NaN.", name="NaN is skipped")
expect_true(public_best_loss != "a", "best_run returned 'a', the run with the LARGEST val_loss: the mode is "
            "inverted ('min' means the smallest value is best).", name="'min' picks the smallest")
expect_true(public_best_loss != "d", "best_run returned 'd': d and b tie at 0.30, and ties go to the run that "
            "started first, b (search_runs lists the newest run first).", name="ties go to the earliest run")
expect_equal(public_best_loss, "b", name="the best run by val_loss")
expect_equal(best_run(public_runs, "val_accuracy", "max"), "b", name="the best run by val_accuracy")
public_none = best_run(public_runs.iloc[1:2], "val_loss", "min")
expect_true(public_none is None, f"best_run of a table whose only run has a NaN val_loss is {public_none!r}; with no "
            "value there is no best run: return None.", name="all NaN gives None")
print("✓ public checks passed: best_run (min and max, NaN skipped, ties to the earliest, all NaN -> None)")

# %% nbgrader={"grade": true, "grade_id": "best_run_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random run tables (newest first or shuffled, ties, NaN, all NaN, one run) compared with pandas'
# sort_values on (metric, start_time). Try them yourself now: check("week11.best_run", best_run)
### BEGIN HIDDEN TESTS
grade("week11.best_run", best_run)
### END HIDDEN TESTS

# %% [markdown]
# Which run is best depends on what you ask:

# %%
by_loss = mine_or_reference(best_run, reference_best_run, runs, "val_loss", "min")
by_accuracy = mine_or_reference(best_run, reference_best_run, runs, "val_accuracy", "max")
best_table = runs.set_index("run_id").loc[[by_loss, by_accuracy], shown_columns[1:]]
best_table.index = ["best by val_loss", "best by val_accuracy"]
best_table

# %% [markdown]
# The lowest validation loss (0.174, learning rate 0.3 with `alpha` 1e-4) and the highest validation accuracy (0.962,
# learning rate 0.03 with `alpha` 1e-4) come from **different runs**: the loss rewards confident, well-calibrated
# probabilities, the accuracy only the argmax. Decide which metric selects a model **before** you look, and write
# it into the experiment's description: choosing after the fact, among many runs, overfits the validation set. The
# strongest penalty (`alpha` = 0.01) is the worst at every learning rate.
#
# The table shows where each run ended. The explorer below shows how they got there: the curves of any metric for
# the runs you pick, and the **parallel coordinates** of the grid, one vertical axis per hyperparameter and one for
# the metric, one line per run, coloured by the metric. Lines that converge on the good end of the metric's axis
# show which settings matter. The histories were read from the store once, when the explorer was built; the best
# run (ringed) is chosen by your `best_run` once it passes its checks.

# %%
from course.explorers import run_comparison_explorer

grid_histories = {run_id: {name: [m.value for m in client.get_metric_history(run_id, name)]
                           for name in ("train_loss", "val_loss", "val_accuracy")} for run_id in runs["run_id"]}
run_comparison_explorer(runs, grid_histories, best_run=best_run, params=("learning_rate", "alpha"),
                        metric="val_loss")

# %% [markdown]
# ## 4. The model registry: versions, aliases, signatures
#
# A tracking store answers "what did we try?". A **model registry** answers "what do we use?": a **registered model**
# ("digits-classifier") has numbered **versions**, each pointing at a model logged by a run (so at its params,
# metrics and data). Deployment code never names a run or a file: it asks for `models:/digits-classifier@champion`.
#
# - **Aliases** are movable names on versions (`champion`, `challenger`, `shadow`): promoting a model means moving
#   the alias (`client.set_registered_model_alias`), and rolling back means moving it back. A version can carry
#   several aliases; an alias points at one version.
# - **Stages** ("Staging", "Production", "Archived", set with `transition_model_version_stage`) were the older way;
#   they are **deprecated** since MLflow 2.9 and kept only for old code in MLflow 3: use aliases and tags.
#
# `mlflow.sklearn.log_model` saves the model with an **MLmodel** file describing how to load it ("flavors"), the
# pip requirements it needs, and its **signature**: the names, types and shapes of its inputs and outputs, inferred
# from an example by `infer_signature`. We pass the requirements ourselves (MLflow would otherwise inspect the
# environment to guess them, which takes seconds).

# %%
champion_params = {**grid[0], **{"learning_rate": float(runs.set_index("run_id").loc[by_accuracy,
                                                                                    "params.learning_rate"]),
                                 "alpha": float(runs.set_index("run_id").loc[by_accuracy, "params.alpha"])}}
requirements = [f"scikit-learn=={importlib.metadata.version('scikit-learn')}",
                f"numpy=={importlib.metadata.version('numpy')}"]


def log_and_register(model, name, run_name):
    """Log a fitted model with its signature inside a new run, and register it as a new version of `name`."""
    with mlflow.start_run(experiment_id=experiment_id, run_name=run_name) as run:
        mlflow.log_metric("val_accuracy", accuracy_score(y_val_d, model.predict(X_val_d)))
        signature = infer_signature(X_val_d[:5], model.predict(X_val_d[:5]))
        info = mlflow.sklearn.log_model(model, name="model", signature=signature, pip_requirements=requirements)
    if not client.search_registered_models(filter_string=f"name = '{name}'"):
        client.create_registered_model(name, description="8x8 digits, week 11")
    return client.create_model_version(name, info.model_uri, run_id=run.info.run_id)


sgd_model = make_sgd(champion_params)
for epoch in range(champion_params["epochs"]):
    sgd_model.partial_fit(X_train_d, y_train_d, classes=DIGIT_CLASSES)
version_1 = log_and_register(sgd_model, "digits-classifier", "sgd champion")
client.set_registered_model_alias("digits-classifier", "champion", version_1.version)

lbfgs_model = LogisticRegression(max_iter=2000).fit(X_train_d, y_train_d)   # the same model, fitted exactly
version_2 = log_and_register(lbfgs_model, "digits-classifier", "lbfgs challenger")
client.set_registered_model_alias("digits-classifier", "challenger", version_2.version)

def registry_table(name):
    """Every version of a registered model with its aliases and its run's validation accuracy."""
    versions = [client.get_model_version(name, v.version) for v in client.search_model_versions(f"name = '{name}'")]
    return pd.DataFrame([{"version": v.version, "aliases": ", ".join(v.aliases) or "-",
                          "val_accuracy": client.get_run(v.run_id).data.metrics["val_accuracy"]}
                         for v in versions]).sort_values("version")


registry = registry_table("digits-classifier")
registry

# %% [markdown]
# The challenger, the same logistic regression fitted to convergence by L-BFGS instead of 15 SGD epochs, scores
# 0.969 against the champion's 0.962 on the validation images. Promotion is one call; the serving code does not
# change, because it loads by alias:

# %%
if registry.set_index("version").loc[version_2.version, "val_accuracy"] > \
        registry.set_index("version").loc[version_1.version, "val_accuracy"]:
    client.set_registered_model_alias("digits-classifier", "champion", version_2.version)   # promote
    client.delete_registered_model_alias("digits-classifier", "challenger")

served = mlflow.pyfunc.load_model("models:/digits-classifier@champion")
print(registry_table("digits-classifier").to_string(index=False))
print("champion is now version", client.get_model_version_by_alias("digits-classifier", "champion").version)
print("its signature:", served.metadata.get_input_schema(), "->", served.metadata.get_output_schema())
print("predictions for three validation images:", served.predict(X_val_d[:3]), " true:", y_val_d[:3])

# %% [markdown]
# In a team, this comparison is not a notebook cell but a **gate** in a pipeline (week 12): the challenger is
# promoted only if it beats the champion on a fixed test set and passes its tests, and every move of the alias is
# recorded.

# %% [markdown]
# ## 5. Reproducibility: seeds, the environment, data versions
#
# A run is reproducible when the same **code**, **data**, **environment** and **seed** give the same model. The
# tracking store records the params; the other three must be recorded too.
#
# **Seeds.** SGD visits the training examples in a random order, drawn from `random_state` (as are the initial
# weights of a neural network, dropout masks, the bootstrap samples of a forest...). The same seed gives the same
# history to the last bit; another seed gives another (here, only slightly different) model:

# %%
same_a = train_digits({**champion_params, "seed": 0, "epochs": 5})
same_b = train_digits({**champion_params, "seed": 0, "epochs": 5})
other_seed = train_digits({**champion_params, "seed": 1, "epochs": 5})
print("same seed, identical histories:", same_a == same_b)
print("another seed, largest difference in val_loss:",
      f"{np.max(np.abs(np.subtract(same_a['val_loss'], other_seed['val_loss']))):.2g}")

# %% [markdown]
# Record the seed as a param, and report results over **several** seeds when a difference between two settings is
# small: a difference smaller than the seed-to-seed spread is noise. (Bit-for-bit reproducibility also needs the
# same library versions and, for GPUs, deterministic kernels: `torch.use_deterministic_algorithms(True)`.)
#
# **The environment.** The same code with another version of scikit-learn or NumPy can give another model. Record
# the versions that matter, and the full list (what `pip freeze` prints) as an artifact; a lock file
# (`pip-compile`, `uv lock`, `conda-lock`) or a container image (§11) pins it for the next person.

# %%
environment = {"python": platform.python_version(), "platform": platform.platform(terse=True),
               **{name: importlib.metadata.version(name)
                  for name in ("numpy", "pandas", "scikit-learn", "mlflow", "onnxruntime", "fastapi")}}
freeze = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()
                if d.metadata["Name"])
print(pd.Series(environment).to_string())
print(f"... and {len(freeze)} installed distributions in all, e.g. {freeze[:3]}")

# %% [markdown]
# **Data versions.** "The digits" is not a version. A **content hash** is: SHA-256 over the array's dtype, shape and
# bytes. Any change to any value (a relabelled example, a re-scaled feature, even the same numbers stored as float32)
# gives a different hash; identical data always gives the same one. Tools such as DVC and lakeFS version large data
# sets this way (hashes of files, with the files in cheap storage); for data small enough to hash, a few lines do:

# %%
def data_version(*arrays):
    """The first 12 hex digits of SHA-256 over each array's dtype, shape and bytes."""
    digest = hashlib.sha256()
    for array in arrays:
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()[:12]


relabelled = y_train_d.copy()
relabelled[0] = (relabelled[0] + 1) % 10
versions = pd.Series({"training data": data_version(X_train_d, y_train_d),
                      "the same, hashed again": data_version(X_train_d, y_train_d),
                      "one label changed": data_version(X_train_d, relabelled),
                      "the same values as float32": data_version(X_train_d.astype(np.float32), y_train_d)})
print(versions.to_string())

# %% [markdown]
# A run that records its data version, its environment and its seed can be traced and repeated:

# %%
with mlflow.start_run(experiment_id=experiment_id, run_name="reproducible") as reproducible_run:
    mlflow.log_params({**champion_params, "data_version": data_version(X_train_d, y_train_d)})
    mlflow.set_tags({"python": environment["python"], "scikit-learn": environment["scikit-learn"]})
    mlflow.log_text("\n".join(freeze), "requirements-freeze.txt")
    for epoch, value in enumerate(train_digits(champion_params)["val_accuracy"]):
        mlflow.log_metric("val_accuracy", value, step=epoch)
print(client.get_run(reproducible_run.info.run_id).data.params["data_version"],
      [f.path for f in client.list_artifacts(reproducible_run.info.run_id)])

# %% [markdown]
# (The code version belongs there too: MLflow records the git commit as the tag `mlflow.source.git.commit` when a
# run starts inside a git repository from a script.)

# %% [markdown]
# ## 6. Packaging a model
#
# A trained model must leave the training process as a **file** that another process, on another machine, loads
# and runs. Three questions decide the format: is it **safe to load**? does it run **without the training code and
# libraries**? does it say **what it expects** (a signature)?
#
# ### Pickle runs code when it loads
#
# `pickle` (and `joblib`, which uses it) can save almost any Python object, which is why scikit-learn's docs used
# it for years. But a pickle is a small program for a stack machine, and one of its instructions calls any function
# with any arguments: an object says what to call through its `__reduce__` method. Here is a harmless object whose
# pickle calls `print` when it is loaded:

# %%
class Surprise:
    """A harmless stand-in for a malicious model file: unpickling it calls print(...)."""

    def __reduce__(self):
        return (print, ("⚠ this line was printed by pickle.loads: loading the file ran code its author chose",))


payload = pickle.dumps(Surprise())
print(f"{len(payload)} bytes; the name it calls is inside: {b'print' in payload}")
loaded = pickle.loads(payload)            # the print runs here, during loading
print("what loading returned:", loaded)

# %% [markdown]
# Replace `print` by `os.system` and the argument by a shell command, and loading a "model" downloaded from a
# model hub or a shared drive runs that command with your permissions. That is not hypothetical: malicious pickles
# have been found on public model hubs. **Never unpickle a file you would not run as a program.** Safer formats:
#
# - **skops** (`skops.io`) saves scikit-learn models without pickle's code execution: `load` lists the types a
#   file would create and refuses any you have not trusted (`get_untrusted_types`);
# - **ONNX**: a model as a graph of standard operators (MatMul, Add, Softmax, TreeEnsembleClassifier…) in a
#   protobuf file: no Python code at all, so nothing runs on loading; **onnxruntime** (C++) executes it from any
#   language (Python, C#, Java, JavaScript, C++) without scikit-learn or PyTorch installed;
# - for PyTorch: `torch.save` of a **state_dict** loaded with `torch.load(path, weights_only=True)` (the course's
#   own pretrained weights are shipped so), **TorchScript** (`torch.jit.trace`/`script`) or `torch.export`
#   (a graph of ATen operators that AOTInductor or ExecuTorch compile), and `torch.onnx.export` to ONNX;
# - **safetensors** for large weight tensors (Hugging Face's format): raw tensors and a JSON header, nothing to
#   execute.

# %%
import skops.io as sio

skops_path = os.path.join(workspace.name, "champion.skops")
sio.dump(lbfgs_model, skops_path)
untrusted = sio.get_untrusted_types(file=skops_path)
skops_model = sio.load(skops_path, trusted=untrusted)   # read the list before you trust it: here it is empty
print("types to trust:", untrusted or "none (only scikit-learn and NumPy types known to skops)")
print("same predictions after the round trip:",
      np.array_equal(skops_model.predict(X_val_d), lbfgs_model.predict(X_val_d)))

# %% [markdown]
# ### ONNX: a model that runs without its training code
#
# **skl2onnx** converts a fitted scikit-learn model to ONNX. You declare the input, its **name, type and shape**,
# which becomes the model's signature: `[("X", FloatTensorType([None, n_features]))]` means one input called `X`,
# float32, any number of rows (`None`) of `n_features` columns. ONNX classifiers return two outputs, the labels and
# the probabilities; by default skl2onnx wraps the probabilities in a **ZipMap** (a list of `{class: probability}`
# dicts, one per row), which is slow and awkward; the option `{"zipmap": False}` returns one float32 array.
#
# ### Exercise 3 — `export_onnx`
#
# * Convert `model` (a fitted scikit-learn classifier) with `skl2onnx.to_onnx` (or `convert_sklearn`), one input
#   called **`"X"`**, `FloatTensorType([None, n_features])`, and `options={id(model): {"zipmap": False}}`.
# * Write the result to `path` (`f.write(onx.SerializeToString())` on a file opened with `"wb"`). Return nothing.
#
# The hidden tests load your file with onnxruntime, check the signature, and compare its labels and probabilities
# with scikit-learn's on random inputs (probabilities to within 1e-5: ONNX computes in float32).

# %% nbgrader={"grade": false, "grade_id": "export_onnx", "locked": false, "schema_version": 3, "solution": true, "task": false}
from skl2onnx import to_onnx
from skl2onnx.common.data_types import FloatTensorType


def export_onnx(model, n_features, path):
    """Write `model` to `path` as ONNX: input "X", float32, shape (None, n_features); probabilities without ZipMap."""
    ### BEGIN SOLUTION
    onx = to_onnx(model, initial_types=[("X", FloatTensorType([None, n_features]))],
                  options={id(model): {"zipmap": False}})
    with open(path, "wb") as file:
        file.write(onx.SerializeToString())
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "export_onnx_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
public_X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0], [0.2, 0.1], [0.9, 0.8]])
public_model = LogisticRegression().fit(public_X, [0, 1, 1, 0, 0, 1])
public_path = os.path.join(public_files, "public.onnx")
export_onnx(public_model, 2, public_path)
public_session = ort.InferenceSession(public_path, providers=["CPUExecutionProvider"])
public_input = public_session.get_inputs()[0]
expect_equal(public_input.name, "X", name="the name of the model's input (the contract: 'X')")
expect_equal(public_input.type, "tensor(float)", name="the type of the input (float32: FloatTensorType)")
expect_true(not isinstance(public_input.shape[0], int), f"the input's batch dimension is fixed at "
            f"{public_input.shape[0]}: declare it None, FloatTensorType([None, n_features]).",
            name="the batch dimension is free")
expect_equal(public_input.shape[1], 2, name="the number of input columns")
public_outputs = public_session.run(None, {"X": np.array([[0.2, 0.9], [0.7, 0.1]], dtype=np.float32)})
expect_true(not isinstance(public_outputs[1], list), "the probabilities come back as a list of dicts: that is "
            "skl2onnx's ZipMap; convert with options={id(model): {'zipmap': False}}.", name="no ZipMap")
expect_equal(public_outputs[0].tolist(), public_model.predict([[0.2, 0.9], [0.7, 0.1]]).tolist(),
             name="the ONNX labels")
expect_close(public_outputs[1], public_model.predict_proba([[0.2, 0.9], [0.7, 0.1]]), rtol=1e-4, atol=1e-5,
             name="the ONNX probabilities")
print("✓ public checks passed: export_onnx (input X, float32, free batch size, no ZipMap, same predictions)")

# %% nbgrader={"grade": true, "grade_id": "export_onnx_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: logistic regressions and decision trees trained on random data (classes such as [3, 7, 9]),
# exported by your function, run by onnxruntime and compared with scikit-learn's predict and predict_proba.
# Try them yourself now: check("week11.export_onnx", export_onnx)
### BEGIN HIDDEN TESTS
grade("week11.export_onnx", export_onnx)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 4 — `onnx_predict`
#
# The serving side: load the file with `onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])`,
# feed `X` under the model's input name (`session.get_inputs()[0].name`) **as float32** (onnxruntime refuses
# float64 for a float input), and return `(labels, probabilities)`, the two outputs in that order.
# The labels are the model's **classes** (the ONNX graph maps positions to classes), not positions.

# %% nbgrader={"grade": false, "grade_id": "onnx_predict", "locked": false, "schema_version": 3, "solution": true, "task": false}
import onnxruntime as ort


def onnx_predict(path, X):
    """(labels, probabilities) of the ONNX classifier at `path` for the rows of X."""
    ### BEGIN SOLUTION
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    labels, probabilities = session.run(None, {name: np.asarray(X, dtype=np.float32)})
    return labels, probabilities
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "onnx_predict_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
public_model_b = LogisticRegression().fit(public_X, [2, 5, 5, 2, 2, 5])          # the classes are 2 and 5
public_path_b = os.path.join(public_files, "public_b.onnx")
with open(public_path_b, "wb") as public_file:
    public_file.write(to_onnx(public_model_b, initial_types=[("X", FloatTensorType([None, 2]))],
                              options={id(public_model_b): {"zipmap": False}}).SerializeToString())
public_rows = np.array([[0.2, 0.9], [0.7, 0.1], [1.0, 1.0]])
public_rows_before = public_rows.copy()
public_prediction = onnx_predict(public_path_b, public_rows)
expect_true(isinstance(public_prediction, tuple) and len(public_prediction) == 2,
            "onnx_predict should return a pair (labels, probabilities).", name="a pair")
expect_true(np.ndim(public_prediction[0]) == 1, "the first of the pair should be the labels, one per row; it has "
            f"{np.ndim(public_prediction[0])} dimensions (are the two outputs swapped?).", name="labels first")
expect_true(set(np.asarray(public_prediction[0]).tolist()) <= {2, 5}, "the labels should be the model's classes, 2 "
            "and 5; labels 0 and 1 are column positions (an argmax of the probabilities): use the label output.",
            name="labels are the model's classes")
expect_equal(np.asarray(public_prediction[0]).tolist(), public_model_b.predict(public_rows).tolist(),
             name="the labels")
expect_close(public_prediction[1], public_model_b.predict_proba(public_rows), rtol=1e-4, atol=1e-5,
             name="the probabilities")
expect_unchanged(public_rows, public_rows_before, "onnx_predict", "X")
print("✓ public checks passed: onnx_predict (labels are classes, probabilities close to scikit-learn's)")

# %% nbgrader={"grade": true, "grade_id": "onnx_predict_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: ONNX files of random logistic regressions and trees; your labels and probabilities are compared with
# scikit-learn's. Try them yourself now: check("week11.onnx_predict", onnx_predict)
### BEGIN HIDDEN TESTS
grade("week11.onnx_predict", onnx_predict)
### END HIDDEN TESTS

# %% [markdown]
# The champion as an ONNX file, its signature as onnxruntime reads it, and a check that it gives the same answers
# as scikit-learn on all 450 validation images:

# %%
champion_onnx = os.path.join(workspace.name, "champion.onnx")
mine_or_reference(export_onnx, reference_export_onnx, lbfgs_model, 64, champion_onnx)
onnx_labels, onnx_probabilities = mine_or_reference(onnx_predict, reference_onnx_predict, champion_onnx, X_val_d)
champion_session = ort.InferenceSession(champion_onnx, providers=["CPUExecutionProvider"])
print("inputs: ", [(i.name, i.type, i.shape) for i in champion_session.get_inputs()])
print("outputs:", [(o.name, o.type, o.shape) for o in champion_session.get_outputs()])
print(f"file size {os.path.getsize(champion_onnx) / 1024:.1f} kB; labels equal to scikit-learn's on "
      f"{np.mean(onnx_labels == lbfgs_model.predict(X_val_d)):.0%} of the rows; largest probability difference "
      f"{np.max(np.abs(onnx_probabilities - lbfgs_model.predict_proba(X_val_d))):.1e}")

# %% [markdown]
# The probabilities differ from scikit-learn's in the seventh decimal: onnxruntime computes in float32 (about 7
# significant digits), scikit-learn in float64. That is why the hidden tests allow 1e-5, and why a serving system's
# tests compare a deployed model with its training-time predictions to a stated tolerance, never exactly.

# %% [markdown]
# ## 7. Request schemas and validation
#
# A model served over a network receives whatever clients send: a missing field, `"42"` instead of `42`, `NaN` from
# a failed upstream join, an age of −3, a field misspelt as `incom`. A model given such a row either crashes (a 500
# error for the client, a page for the on-call engineer) or, worse, **returns a confident prediction for garbage**.
# So a service checks every request against a **schema** first, and refuses a bad one with a message that names
# each bad field, so that the client can fix it.
#
# **pydantic** is the Python library for this: a class with typed fields is the schema; `model_validate(payload)`
# returns a clean object or raises a `ValidationError` listing every error with its field (`loc`) and a type such
# as `missing`, `float_type`, `finite_number`, `greater_than_equal`, `extra_forbidden`. FastAPI (§8) uses it for every
# request. You write its core yourself, then compare with pydantic.
#
# ### Exercise 5 — `validate_request` (from scratch)
#
# The schema is plain data: `{field: {"type": "float" | "int" | "str", "min": ..., "max": ...}}` (`min`, `max`
# optional, **inclusive**). Return `(record, errors)`:
#
# * `errors`: a list of `(field, kind)` pairs, **one per bad field** (the first problem found in this order), in
#   any order:
#   - `"missing"`: a schema field absent from the payload;
#   - `"type"`: a float field given anything but an int or a float, an int field anything but an int, a str field
#     anything but a str. **`bool` is not a number here** (in Python `True` is an `int`: test for it first), and
#     `3.0` is not an int (strict, like pydantic's strict mode);
#   - `"not_finite"`: a float field given NaN, inf or −inf (`math.isfinite`);
#   - `"range"`: below `min` or above `max`;
#   - `"extra"`: a payload field the schema does not have.
# * `record`: when there are no errors, a dict with every schema field, floats as `float` (an int given to a float
#   field is converted: `float(3)`), ints as `int`, strings as given; when there are errors, `None`.

# %% nbgrader={"grade": false, "grade_id": "validate_request", "locked": false, "schema_version": 3, "solution": true, "task": false}
import math


def validate_request(payload, schema):
    """(record, errors): record is the clean dict or None; errors lists (field, kind) for every bad field."""
    ### BEGIN SOLUTION
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
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not number or (kind == "int" and not isinstance(value, int)):
            errors.append((field, "type"))
        elif not math.isfinite(value):
            errors.append((field, "not_finite"))
        elif ("min" in spec and value < spec["min"]) or ("max" in spec and value > spec["max"]):
            errors.append((field, "range"))
        else:
            record[field] = float(value) if kind == "float" else value
    errors += [(field, "extra") for field in payload if field not in schema]
    return (None, errors) if errors else (record, [])
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "validate_request_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
public_schema = {"age": {"type": "int", "min": 0, "max": 120}, "income": {"type": "float", "min": 0.0},
                 "plan": {"type": "str"}}
public_good = validate_request({"age": 30, "income": 1200, "plan": "pro"}, public_schema)
expect_equal(public_good[1], [], name="the errors of a valid payload")
expect_equal(public_good[0], {"age": 30, "income": 1200.0, "plan": "pro"}, name="the record of a valid payload")
expect_true(type(public_good[0]["income"]) is float, "record['income'] should be a float: the schema says float, "
            "so convert the int 1200 with float(value).", name="an int for a float field becomes a float")
expect_equal(validate_request({"age": 0, "income": 0.0, "plan": ""}, public_schema)[1], [],
             name="the errors of a payload exactly at the bounds (min and max are inclusive)")
public_nan = validate_request({"age": 30, "income": float("nan"), "plan": "pro"}, public_schema)
expect_true([tuple(e) for e in public_nan[1]] == [("income", "not_finite")], "a NaN income passed your checks: "
            "every comparison with NaN is False, so `value < min` lets it through; reject non-finite floats with "
            "math.isfinite, before the range check.", name="NaN is refused")
public_bool = validate_request({"age": True, "income": 10.0, "plan": "pro"}, public_schema)
expect_true([tuple(e) for e in public_bool[1]] == [("age", "type")], "age=True was accepted as an int: bool is a "
            "subclass of int in Python (isinstance(True, int) is True), so test for bool first.",
            name="a bool is not an int")
public_many = validate_request({"age": 121, "plan": 3, "debug": 1}, public_schema)
expect_true(("debug", "extra") in [tuple(e) for e in public_many[1]], "the extra field 'debug' was not reported: a "
            "field the schema does not know is an error ('extra'), often a client's typo.", name="extra fields")
expect_equal(sorted(tuple(e) for e in public_many[1]),
             [("age", "range"), ("debug", "extra"), ("income", "missing"), ("plan", "type")],
             name="the errors of a payload with four bad fields (every bad field, once)")
expect_true(public_many[0] is None, "the record should be None when there are errors.",
            name="no record for an invalid payload")
print("✓ public checks passed: validate_request (conversion, bounds, NaN, bool, extra, every bad field)")

# %% nbgrader={"grade": true, "grade_id": "validate_request_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random schemas and payloads with missing fields, wrong types, NaN, infinities, values out of range and
# extra fields, compared with a strict pydantic model built from the schema.
# Try them yourself now: check("week11.validate_request", validate_request)
### BEGIN HIDDEN TESTS
grade("week11.validate_request", validate_request)
### END HIDDEN TESTS

# %% [markdown]
# The same schema as a pydantic model (what the hidden tests use), with pydantic's own error messages, next to your
# function's verdict on a few payloads:

# %%
from typing import Annotated

from pydantic import ConfigDict, Field, ValidationError, create_model

PydanticRequest = create_model(
    "PydanticRequest", __config__=ConfigDict(strict=True, extra="forbid"),
    age=(Annotated[int, Field(ge=0, le=120)], ...),
    income=(Annotated[float, Field(ge=0.0, allow_inf_nan=False)], ...),
    plan=(str, ...))
demo_schema = {"age": {"type": "int", "min": 0, "max": 120}, "income": {"type": "float", "min": 0.0},
               "plan": {"type": "str"}}
comparison = []
for demo_payload in ({"age": 41, "income": 52000, "plan": "pro"}, {"age": "41", "income": 52000.0, "plan": "pro"},
                     {"age": 41, "income": float("nan"), "plan": "basic", "incom": 1.0}, {"age": -3, "plan": None}):
    try:
        PydanticRequest.model_validate(demo_payload)
        pydantic_says = "valid"
    except ValidationError as error:
        pydantic_says = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in error.errors())
    comparison.append({"payload": str(demo_payload), "pydantic": pydantic_says,
                       "validate_request": str(mine_or_reference(validate_request, reference_validate_request,
                                                                 demo_payload, demo_schema)[1] or "valid")})
pd.DataFrame(comparison)

# %% [markdown]
# ## 8. A REST API with FastAPI
#
# A **REST API** exposes the model at URLs that any program can call with HTTP: `POST /predict` with a JSON body,
# answered with JSON and a **status code**: 200 (OK), 422 (the request is malformed: the client must fix it),
# 404 (no such route), 500 (the server failed: our bug). **FastAPI** builds one from Python functions: a decorator
# names the route; a parameter typed with a pydantic class is the request body, validated before the function runs,
# so a malformed request gets a 422 whose `detail` lists each error with its `loc` (for example
# `["body", "features"]`), and the model never sees it. Two more endpoints every service has:
#
# - `GET /health`: "I am up" for the load balancer and the orchestrator (Kubernetes' liveness/readiness probes),
#   cheap and without touching the model's inputs;
# - `GET /version`: which model version answers (the registry's version, a git commit), so that a prediction in a
#   log can be traced back to the run that made the model.
#
# ### Exercise 6 — `make_app`
#
# Return a `fastapi.FastAPI()` app serving `model` (a fitted scikit-learn classifier; `model.n_features_in_` is its
# number of features) with:
#
# * `GET /health` → `{"status": "ok"}`; `GET /version` → `{"version": version}`;
# * `POST /predict` with body `{"features": [n numbers]}` → `{"label": int, "probability": float}`, the predicted
#   class (`model.classes_[argmax]`) and its probability (`predict_proba(...).max()`);
# * `POST /predict_batch` with body `{"rows": [[n numbers], ...]}` (at least one row) →
#   `{"labels": [...], "probabilities": [...]}`, one of each per row;
# * a malformed body (a missing or misspelt field, a string where a number belongs, a row of the wrong length)
#   → status **422** with the field (`"features"` or `"rows"`) in the `loc` of an entry of `detail`, never a 500.
#
# The request classes `Features` and `Rows` are given above `make_app`: type an endpoint's parameter with one of
# them and FastAPI validates the body's shape (a list of numbers) before your function runs. How many numbers a row
# needs depends on the model, so check the length yourself in the endpoint and refuse a wrong one with
# `raise RequestValidationError([{"type": "length", "loc": ("body", "features"), "msg": "...", "input": None}])`
# (`("body", "rows", i)` for row `i` of a batch): FastAPI answers it with a 422 of the same shape as its own.
# (Classes made inside `make_app`, with `Field(min_length=n, max_length=n)`, work too in a notebook; but where
# `from __future__ import annotations` is in force, FastAPI cannot see classes local to a function, and every body
# is refused.)

# %% nbgrader={"grade": false, "grade_id": "make_app", "locked": false, "schema_version": 3, "solution": true, "task": false}
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field


class Features(BaseModel):
    """The body of POST /predict: one row."""
    features: list[float]


class Rows(BaseModel):
    """The body of POST /predict_batch: one or more rows."""
    rows: list[list[float]] = Field(min_length=1)


def make_app(model, version):
    """A FastAPI app: GET /health, GET /version, POST /predict, POST /predict_batch, 422 for malformed bodies."""
    ### BEGIN SOLUTION
    n = int(model.n_features_in_)

    def refuse(loc, length):
        raise RequestValidationError([{"type": "length", "loc": loc, "input": None,
                                       "msg": f"{length} numbers given; the model takes {n}"}])

    app = FastAPI(title="digits", version=version)

    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.get("/version")
    def model_version():
        return {"version": version}

    @app.post("/predict")
    def predict(request: Features):
        if len(request.features) != n:
            refuse(("body", "features"), len(request.features))
        p = model.predict_proba(np.array([request.features]))[0]
        return {"label": int(model.classes_[np.argmax(p)]), "probability": float(p.max())}

    @app.post("/predict_batch")
    def predict_batch(request: Rows):
        for i, row in enumerate(request.rows):
            if len(row) != n:
                refuse(("body", "rows", i), len(row))
        p = model.predict_proba(np.array(request.rows))
        return {"labels": [int(c) for c in model.classes_[np.argmax(p, axis=1)]],
                "probabilities": [float(v) for v in p.max(axis=1)]}

    return app
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "make_app_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
public_client = TestClient(make_app(public_model, "0.1.0"), raise_server_exceptions=False)
expect_equal(public_client.get("/health").json(), {"status": "ok"}, name="GET /health")
expect_equal(public_client.get("/version").json(), {"version": "0.1.0"}, name="GET /version")
public_answer = public_client.post("/predict", json={"features": [0.2, 0.9]})
expect_equal(public_answer.status_code, 200, name="the status of POST /predict with a valid body")
expect_equal(sorted(public_answer.json()), ["label", "probability"], name="the fields of /predict's answer")
expect_equal(public_answer.json()["label"], int(public_model.predict([[0.2, 0.9]])[0]), name="the label")
expect_close(public_answer.json()["probability"], public_model.predict_proba([[0.2, 0.9]]).max(),
             name="the probability of the predicted class")
public_short = public_client.post("/predict", json={"features": [0.2]})
expect_equal(public_short.status_code, 422, name="the status of POST /predict with one number where the model takes "
             "two (422, not 500: check the length and refuse a wrong one before the model sees it)")
expect_true("features" in str(public_short.json().get("detail")), "the 422's detail should name the field "
            "'features' (FastAPI puts it in detail[i]['loc']).", name="the 422 names the field")
expect_equal(public_client.post("/predict", json={"feature": [0.2, 0.9]}).status_code, 422,
             name="the status of POST /predict with the field misspelt 'feature'")
public_batch = public_client.post("/predict_batch", json={"rows": [[0.2, 0.9], [0.7, 0.1]]})
expect_equal(public_batch.status_code, 200, name="the status of POST /predict_batch with two rows")
expect_equal(public_batch.json()["labels"], public_model.predict([[0.2, 0.9], [0.7, 0.1]]).tolist(),
             name="the labels of a batch")
expect_equal(public_client.post("/predict_batch", json={"rows": [[0.2, 0.9], [0.7]]}).status_code, 422,
             name="the status of a batch with a row of the wrong length")
print("✓ public checks passed: make_app (/health, /version, /predict, /predict_batch, 422 with the field named)")

# %% nbgrader={"grade": true, "grade_id": "make_app_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: your app, serving random logistic regressions, answers health, version, single and batch predictions
# and six malformed bodies through FastAPI's TestClient (in-process, no network).
# Try them yourself now: check("week11.make_app", make_app)
### BEGIN HIDDEN TESTS
grade("week11.make_app", make_app)
### END HIDDEN TESTS

# %% [markdown]
# FastAPI also writes the API's documentation from the same classes: `app.openapi()` is an **OpenAPI** schema
# (served at `/docs` as an interactive page), from which clients in other languages can be generated. Here is our
# digits service, answered in-process by `TestClient` (no network: the same object the hidden tests use):

# %%
digits_app = mine_or_reference(make_app, reference_make_app, lbfgs_model, f"digits-classifier/{version_2.version}")
digits_client = TestClient(digits_app, raise_server_exceptions=False)
for method, path, body in (("GET", "/health", None), ("GET", "/version", None),
                           ("POST", "/predict", {"features": X_val_d[0].tolist()}),
                           ("POST", "/predict", {"features": X_val_d[0].tolist()[:10]}),
                           ("POST", "/predict", {"features": ["lots"] + X_val_d[0].tolist()[1:]})):
    response = digits_client.request(method, path, json=body)
    print(f"{method:4} {path:9} -> {response.status_code} {json.dumps(response.json())[:150]}")
print("routes in the OpenAPI schema:", sorted(digits_app.openapi()["paths"]))

# %% [markdown]
# ## 9. A real server on this machine: latency percentiles
#
# `TestClient` calls the app in the same process. A real deployment runs it under an **ASGI server**, **uvicorn**,
# which listens on a TCP port; clients connect over the network. Here we start uvicorn for a few seconds on a free
# port of the loopback interface (127.0.0.1: reachable only from this machine), in a background thread, send it
# requests with **httpx**, and stop it in a `finally` block, so that it stops even if a request fails.
#
# **Latency** is the time from sending a request to receiving the answer. It is reported by **percentiles**, not
# the mean: p50 (the median: a typical request), p95 and p99 (the slowest 5 % and 1 %, which the users who wait
# longest feel, and which a chain of services multiplies). A service-level objective reads like "p99 below 50 ms".
# (In a sandbox without a network, for instance while the notebook is graded, this cell says so and moves on.)

# %%
import httpx
import uvicorn


def percentiles(seconds):
    ms = 1000 * np.asarray(seconds)
    return {"p50 (ms)": np.percentile(ms, 50), "p95 (ms)": np.percentile(ms, 95), "p99 (ms)": np.percentile(ms, 99)}


server_rows = X_val_d[:200].tolist()
server_timings = {}
try:
    with socket.socket() as probe:                      # a free port: bind to port 0 and read what we got
        probe.bind(("127.0.0.1", 0))
        server_port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(digits_app, host="127.0.0.1", port=server_port, log_level="warning",
                                           access_log=False, lifespan="off"))
    server_thread = threading.Thread(target=server.run, name="week11-uvicorn", daemon=True)
    server_thread.start()
    try:
        waited = time.perf_counter()
        while not server.started and server_thread.is_alive() and time.perf_counter() - waited < 10:
            time.sleep(0.02)
        if not server.started:
            raise OSError("the server did not start")
        with httpx.Client(base_url=f"http://127.0.0.1:{server_port}", timeout=5.0) as http:
            http.get("/health")                                                  # the first connection
            single = []
            for row in server_rows:
                sent = time.perf_counter()
                http.post("/predict", json={"features": row}).raise_for_status()
                single.append(time.perf_counter() - sent)
            batched = []
            for start in range(0, len(server_rows), 25):
                sent = time.perf_counter()
                http.post("/predict_batch", json={"rows": server_rows[start:start + 25]}).raise_for_status()
                batched.append(time.perf_counter() - sent)
        server_timings = {"HTTP, one row per request": single, "HTTP, 25 rows per request": batched}
    finally:
        server.should_exit = True                        # uvicorn finishes its requests and returns
        server_thread.join(timeout=10)
    print(f"uvicorn served {len(single) + len(batched) + 1} requests on 127.0.0.1:{server_port} and stopped "
          f"(thread alive: {server_thread.is_alive()})")
except (OSError, httpx.HTTPError) as error:
    print(f"no local server here ({type(error).__name__}: {error}); the in-process timings below still run")

in_process = []
for row in server_rows:
    sent = time.perf_counter()
    digits_client.post("/predict", json={"features": row})
    in_process.append(time.perf_counter() - sent)
model_only = []
for row in X_val_d[:200]:
    sent = time.perf_counter()
    lbfgs_model.predict_proba(row[None, :])
    model_only.append(time.perf_counter() - sent)
latency = pd.DataFrame({name: percentiles(values) for name, values in
                        {"model.predict_proba alone": model_only, "TestClient (in-process)": in_process,
                         **server_timings}.items()}).T
latency["requests"] = [len(v) for v in ({"a": model_only, "b": in_process, **server_timings}).values()]
latency

# %%
fig, ax = plt.subplots(figsize=(9, 3.4))
for (name, values), colour in zip({"model.predict_proba alone": model_only, "TestClient (in-process)": in_process,
                                   **server_timings}.items(), ("C0", "C1", "C2", "C3")):
    ax.hist(1000 * np.asarray(values), bins=np.geomspace(0.01, 100, 60), alpha=0.6, color=colour, label=name)
ax.set_xscale("log")
ax.set_xlabel("latency per request (ms, log scale)")
ax.set_ylabel("requests")
ax.set_title("where the time goes: the model is a small part of a request's latency")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# Read the table from top to bottom: the model's own arithmetic is one part of a request's latency; validation, JSON
# and the framework add theirs, and a real server the network stack's (even on the loopback). Compare the two HTTP
# rows: a request of 25 rows does not take 25 times as long as a request of one, so **per row** a batch is cheaper.
# That is the trade-off of the next section.

# %% [markdown]
# ## 10. Batch vs real-time inference, and micro-batching
#
# **Batch (offline) inference** scores a whole table at once on a schedule (every night: churn scores for every
# customer, written to a table that other systems read). It maximises **throughput** (rows per second), latency does
# not matter, and it is the simplest to run: a job, not a service. **Real-time (online) inference** answers each
# request as it comes (a fraud check while the card is at the till), where **latency** is the constraint.
#
# Why batches are cheaper per row: each call pays a fixed cost (Python and validation overhead, memory allocation, a
# GPU kernel launch) and then a cost per row. Measured here on the champion model:

# %%
batch_sizes = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
tiled = np.tile(X_val_d, (2, 1))
batch_seconds = []
for size in batch_sizes:
    repeats = []
    for _ in range(15):
        sent = time.perf_counter()
        lbfgs_model.predict_proba(tiled[:size])
        repeats.append(time.perf_counter() - sent)
    batch_seconds.append(float(np.median(repeats)))
# seconds = intercept + slope * size, fitted to relative errors (small batches count as much as large ones)
cost_slope, cost_intercept = np.polyfit(batch_sizes, batch_seconds, 1, w=1 / np.array(batch_seconds))
batch_table = pd.DataFrame({"batch size": batch_sizes, "ms per call": 1000 * np.array(batch_seconds),
                            "µs per row": 1e6 * np.array(batch_seconds) / batch_sizes,
                            "rows per second": np.array(batch_sizes) / np.array(batch_seconds)})
print(f"fitted cost model: {1000 * cost_intercept:.3f} ms per call + {1e6 * cost_slope:.2f} µs per row")
batch_table

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.4))
left.plot(batch_sizes, 1000 * np.array(batch_seconds), "o-", label="measured")
left.plot(batch_sizes, 1000 * (cost_intercept + cost_slope * np.array(batch_sizes)), "k--", lw=1,
          label="fixed + per-row cost")
left.set_xscale("log", base=2)
left.set_xlabel("batch size")
left.set_ylabel("ms per call")
left.legend()
right.plot(batch_sizes, np.array(batch_sizes) / np.array(batch_seconds), "o-", color="C2")
right.set_xscale("log", base=2)
right.set_yscale("log")
right.set_xlabel("batch size")
right.set_ylabel("rows per second")
right.set_title("throughput grows with the batch")
plt.show()

# %% [markdown]
# A real-time service can get some of that throughput with **micro-batching** (also called dynamic or adaptive
# batching): requests wait a little in a queue, and the server sends whatever has gathered to the model as one
# batch. Two knobs: `max_batch`, the largest batch, and `max_wait`, the longest the first request of a batch may
# wait. A batch is sent when it is **full** or when its **deadline** (its first request's arrival + `max_wait`)
# comes. Larger knobs: higher throughput, higher latency. TorchServe, NVIDIA Triton, TF Serving and BentoML all
# implement exactly this.
#
# ### Exercise 7 — `microbatch` (from scratch)
#
# `requests` is a list of `(arrival_time, payload)` pairs in arrival order (times may repeat). Simulate the
# batcher and return the batches it sends, as a list of `(close_time, [payloads])` in the order sent:
#
# * a batch opens with the first request not yet batched, at its arrival `t0`;
# * the following requests join it, in order, while it holds fewer than `max_batch` and their arrival is
#   **≤ `t0 + max_wait`** (a request arriving exactly at the deadline still makes it);
# * a batch that fills up closes at the arrival time of the request that filled it; otherwise it closes at its
#   deadline `t0 + max_wait`;
# * keep the arrival order within and across batches; every request is in exactly one batch; no requests → `[]`.

# %% nbgrader={"grade": false, "grade_id": "microbatch", "locked": false, "schema_version": 3, "solution": true, "task": false}
def microbatch(requests, max_batch, max_wait):
    """[(close_time, [payloads]), ...]: batches of at most max_batch, each within max_wait of its first request."""
    ### BEGIN SOLUTION
    batches = []
    i = 0
    while i < len(requests):
        first = requests[i][0]
        j = i
        while j < len(requests) and j - i < max_batch and requests[j][0] <= first + max_wait:
            j += 1
        close = requests[j - 1][0] if j - i == max_batch else first + max_wait
        batches.append((close, [payload for _, payload in requests[i:j]]))
        i = j
    return batches
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "microbatch_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
public_requests = [(0.0, "a"), (0.5, "b"), (1.0, "c"), (2.0, "d"), (2.5, "e"), (2.6, "f"), (2.7, "g"), (9.0, "h")]
public_batches = microbatch(public_requests, 3, 1.0)
expect_equal([list(batch) for _, batch in public_batches], [["a", "b", "c"], ["d", "e", "f"], ["g"], ["h"]],
             name="the batches for max_batch 3, max_wait 1 (c arrives exactly at the first deadline, 1.0, and joins)")
expect_close([t for t, _ in public_batches], [1.0, 2.6, 3.7, 10.0], name="the close times",
             slips={"closing every batch at its deadline (a full batch leaves when its last request arrives)":
                    [1.0, 3.0, 3.7, 10.0]})
public_spread = microbatch([(0.0, 1), (0.8, 2), (1.6, 3), (2.4, 4)], 10, 1.0)
expect_equal([list(batch) for _, batch in public_spread], [[1, 2], [3, 4]],
             name="the batches of requests 0.8 apart with max_wait 1 (the wait counts from the batch's FIRST "
                  "request, not from the previous one)")
expect_equal(microbatch([], 4, 1.0), [], name="the batches of no requests")
print("✓ public checks passed: microbatch (deadline inclusive, full batches close early, wait from the first)")

# %% nbgrader={"grade": true, "grade_id": "microbatch_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random Poisson arrivals and integer arrival times (requests exactly at a deadline, simultaneous
# arrivals, max_batch 1, max_wait 0, no requests) compared with an event-by-event simulation and checked for the
# batcher's properties. Try them yourself now: check("week11.microbatch", microbatch)
### BEGIN HIDDEN TESTS
grade("week11.microbatch", microbatch)
### END HIDDEN TESTS

# %% [markdown]
# What micro-batching buys, in a simulation with the cost model measured above (a call costs the fixed part plus the
# per-row part; one model worker takes one batch at a time, and a batch waits while the worker is busy). Requests
# arrive at random (a Poisson process) at the rate you choose. Each request's latency is its wait in the queue
# plus its batch's time in the model. Move the arrival rate up: without batching (`max_batch` 1), once the rate
# passes what one-row calls can serve, the queue grows without bound and the latency explodes; with micro-batching
# the same worker keeps up, paying a little waiting at low load. The right panel sweeps `max_batch` at your rate and
# `max_wait`. The explorer runs your `microbatch` once it passes its checks.

# %%
from course.explorers import batching_explorer

batching_explorer(microbatch, fixed_seconds=cost_intercept, per_row_seconds=cost_slope)

# %% [markdown]
# ## 11. Serving systems and Docker
#
# A FastAPI app is the smallest honest serving system. Dedicated model servers add what a team needs at scale:
#
# - **TF Serving** (TensorFlow SavedModels) and **TorchServe** (PyTorch; now in limited maintenance, its role passing
#   to other servers): REST and gRPC endpoints, dynamic batching, several models and **versions** served at once
#   with hot swaps, metrics for Prometheus;
# - **NVIDIA Triton**: one server for ONNX, TensorRT, PyTorch, TensorFlow and Python models, dynamic batching,
#   concurrent model instances on GPUs, model ensembles (pre-processing → model → post-processing);
# - **BentoML**, **Ray Serve**, **KServe** (on Kubernetes), **Seldon**, and cloud endpoints (SageMaker, Vertex AI):
#   packaging a model with its code and dependencies into a deployable unit, autoscaling (also to zero), canary and
#   shadow deployments, A/B routing, request logging for monitoring (week 12).
#
# Whatever serves the model, it ships as a **container image**: the code, the model file and the exact environment
# in one artifact that runs the same on a laptop, a CI runner and a cluster. Docker builds it from a **Dockerfile**.
# Docker does not run inside this course's environment (no daemon on Binder or in the grader), so here is the file,
# explained, not built:
#
# ```dockerfile
# # 1. A small official Python image, pinned: the same base every build
# FROM python:3.11-slim
#
# # 2. No .pyc files, unbuffered logs (they reach `docker logs` at once)
# ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# WORKDIR /app
#
# # 3. Dependencies first, in their own layer: rebuilt only when requirements.txt changes
# COPY requirements.txt .
# RUN pip install --no-cache-dir -r requirements.txt
#
# # 4. Then the code and the model (an ONNX file: no training code, no pickle)
# COPY serve.py champion.onnx ./
#
# # 5. Not root: a compromised process should own as little as possible
# RUN useradd --create-home app
# USER app
#
# # 6. Document the port; let the orchestrator check health
# EXPOSE 8000
# HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
#
# # 7. The server: listen on all interfaces inside the container, two worker processes
# CMD ["uvicorn", "serve:app", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
# ```
#
# `requirements.txt` pins exact versions (`fastapi==0.165.0`, `onnxruntime==1.32.0`, …: the list of §5), and
# `serve.py` builds the app (as `make_app` does) around `onnxruntime.InferenceSession("champion.onnx")`, with the
# version from the registry in an environment variable. Build and run it with `docker build -t digits:2 .` and
# `docker run -p 8000:8000 digits:2`; the image's tag, like the registry alias, says which model it serves.
# Multi-stage builds keep compilers out of the final image; a `.dockerignore` keeps data and secrets out of it.

# %% [markdown]
# ## 12. Review
#
# Three short questions on the week (1 point each) and a written one. Week 12 ends Phase 6 with its checkpoint.
#
# **Q1.** Your deployment code loads `models:/fraud@champion`. A new version, 7, beats the champion on the agreed
# test set. In MLflow 3, what do you do to deploy it?
#
# - (a) `client.transition_model_version_stage("fraud", 7, "Production")`
# - (b) `client.set_registered_model_alias("fraud", "champion", 7)`
# - (c) copy version 7's model files over version 6's in the artifact store
# - (d) register version 7 again under the name `fraud-champion`

# %% nbgrader={"grade": false, "grade_id": "review_q1", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q1_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q1_answer = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "review_q1_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q1_answer, str) and q1_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q1_answer should be one of the letters "a", "b", "c", "d"; got {q1_answer!r}.',
            name="q1_answer is one of the letters a, b, c, d")
print("q1_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q1_answer, "b", name="the answer to question 1 (q1_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q2.** A colleague shares `model.pkl` from a public forum. What is the risk of `pickle.load` on it, and the fix?
#
# - (a) None: pickle only stores data.
# - (b) It may be slow; use joblib instead.
# - (c) Loading it can run any code its author chose (`__reduce__`); load only files you trust, and prefer formats
#   that execute nothing on loading (skops with its trust list, ONNX, safetensors).
# - (d) It may be from another Python version; re-train the model.

# %% nbgrader={"grade": false, "grade_id": "review_q2", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q2_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q2_answer = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "review_q2_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q2_answer, str) and q2_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q2_answer should be one of the letters "a", "b", "c", "d"; got {q2_answer!r}.',
            name="q2_answer is one of the letters a, b, c, d")
print("q2_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q2_answer, "c", name="the answer to question 2 (q2_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q3.** A micro-batcher with `max_batch = 4` and `max_wait = 2` (ms) receives requests at 0, 1, 1.5, 5, 6, 6.5, 7
# and 7.2 ms. How many batches does it send? (A whole number.)

# %% nbgrader={"grade": false, "grade_id": "review_q3", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q3_answer to a whole number.
### BEGIN SOLUTION
q3_answer = len(reference_microbatch([(t, t) for t in (0, 1, 1.5, 5, 6, 6.5, 7, 7.2)], 4, 2))
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "review_q3_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a whole number; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q3_answer, (int, np.integer)) and not isinstance(q3_answer, bool),
            f"q3_answer should be a whole number; got {q3_answer!r}.", name="q3_answer is a whole number")
print("q3_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_equal(int(q3_answer), 3, name="the answer to question 3 (q3_answer)")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "ship_a_model_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Q4 (written, 2 points, graded by a person).** *Could you ship your first model as a service?* Your team has
# trained a classifier in a notebook and must put it behind an API next week. In a paragraph or two: what does each
# training run record, and where; how is the chosen model packaged, versioned and promoted; what does the service
# check on every request, and what does it answer when a check fails; and how do you decide between real-time and
# batch inference for it? Name one thing that could still go wrong in production and how you would notice it.
# Write your answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "ship_a_model", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# Every training run goes through the tracking store (MLflow with a database backend, the artifacts in shared
# storage): its params (including the seed), per-epoch training and validation metrics, the data version as a
# content hash of the training table, the git commit, the environment (pinned requirements as an artifact) and the
# model file with its signature. The metric that selects a model is fixed before the runs. The chosen run's model is
# registered as a new version; it is exported to a format that runs nothing on loading (ONNX, or skops for
# scikit-learn) and tested against the training-time predictions to a stated tolerance. Promotion moves the
# `champion` alias after it beats the current champion on a fixed test set; rollback moves it back. The service
# (FastAPI, in a container built from a pinned Dockerfile) loads `models:/name@champion` at start, reports it on
# `/version`, answers `/health`, and validates every request against a schema (types, ranges, no NaN, no unknown
# fields): a bad request gets a 422 naming the field, never a prediction. Real time if a decision waits on the
# answer (with micro-batching if the load is high), a nightly batch job if the scores are read later. What can still
# go wrong: the inputs drift away from the training data while every request is valid; logging the inputs and
# predictions and comparing their distributions with the training data's (week 12) would show it.

# %% [markdown]
# ## Cleaning up
#
# The tracking store, the registry, the ONNX and skops files all lived in one temporary folder; the server stopped
# in §9. One call removes the folder.

# %%
mlflow.set_tracking_uri(None)
mlflow.set_registry_uri(None)          # both pointed at the store removed below
digits_client.close()
workspace.cleanup()
print(f"workspace removed: {not os.path.exists(workspace.name)}; the whole week ran in "
      f"{time.perf_counter() - week_started:.0f} s")
