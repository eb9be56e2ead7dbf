"""Run comparison (week 11): the metric curves of chosen runs and the parallel coordinates of a grid of runs.

Model: :class:`RunComparison` takes the table ``mlflow.search_runs`` returned and each run's metric histories (read
from the tracking store once, by the notebook) and keeps them as plain arrays, so a change of the controls never
touches MLflow. ``compute()`` returns a frozen :class:`Comparison`: the curves of the chosen runs, each run's
hyperparameters and last value of the metric, and the best run by the learner's ``best_run`` once it passes its
checks (the reference until then).

View: :func:`run_comparison_explorer`: a metric menu and a run list; curves on the left, parallel coordinates on the
right (one axis per hyperparameter, log-scaled when it spans a decade or more, and one for the metric; one line per
run, coloured by the metric; the best run drawn thick).
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course.explorers.view import LearnerChecks, Validate, assemble, figure_png, guarded, new_figure

EXERCISE_KEY = "week11.best_run"


def reference_best_run(runs, metric: str, mode: str):
    """The best non-NaN ``metrics.<metric>`` ("min" or "max"), ties to the earliest start_time; None if all NaN."""
    column = f"metrics.{metric}"
    kept = runs.dropna(subset=[column])
    if kept.empty:
        return None
    ordered = kept.sort_values([column, "start_time"], ascending=[mode == "min", True], kind="stable")
    return str(ordered["run_id"].iloc[0])


def mode_of(metric: str) -> str:
    """A loss or an error is minimised; anything else (accuracy, F1, AUC) maximised."""
    return "min" if any(word in metric for word in ("loss", "error", "mse", "mae")) else "max"


def _short(value: str) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:g}"


@dataclass(frozen=True)
class Comparison:
    metric: str
    mode: str
    labels: tuple[str, ...]            # every run, in the table's order
    chosen: tuple[int, ...]            # positions of the runs whose curves are drawn
    curves: tuple[np.ndarray, ...]     # the metric's history of each chosen run
    param_names: tuple[str, ...]
    param_values: np.ndarray           # (runs, params) as numbers
    log_params: tuple[bool, ...]       # drawn on a log axis
    final: np.ndarray                  # (runs,) the metric's last value (NaN when absent)
    best: int | None                   # position of the best run
    implementation: str                # "yours" | "reference"
    running: str


@dataclass
class RunComparison:
    """All the explorer's state: the runs as plain arrays, the chosen metric and runs, the learner's best_run."""
    runs: object                                   # the DataFrame of mlflow.search_runs
    histories: dict                                # run_id -> {metric: [values by step]}
    params: tuple[str, ...] = ("learning_rate", "alpha")
    metric: str = "val_loss"
    chosen: tuple[str, ...] = ()                   # labels; empty: every run
    best_run: Callable | None = None
    validate: Validate | None = None
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def __post_init__(self) -> None:
        runs = self.runs
        self.run_ids = [str(r) for r in runs["run_id"]]
        self.labels = tuple(", ".join(f"{name}={_short(runs[f'params.{name}'].iloc[i])}" for name in self.params)
                            for i in range(len(runs)))
        self.param_values = np.array([[float(runs[f"params.{name}"].iloc[i]) for name in self.params]
                                      for i in range(len(runs))], dtype=float).reshape(len(runs), len(self.params))
        self.metrics = tuple(sorted({m for h in self.histories.values() for m in h}))
        self.curves = {m: [np.asarray(self.histories.get(r, {}).get(m, []), float) for r in self.run_ids]
                       for m in self.metrics}
        self.final = {m: np.array([c[-1] if len(c) else np.nan for c in self.curves[m]]) for m in self.metrics}
        # What best_run sees: the table's own columns (a copy, made once).
        keep = ["run_id", "start_time"] + [c for c in runs.columns if str(c).startswith("metrics.")]
        self.table = runs[keep].copy()

    def _who(self) -> tuple[Callable, str, str]:
        function, why = self._checks.usable(EXERCISE_KEY, self.best_run, self.validate)
        if function is not None:
            return guarded(EXERCISE_KEY, function), "yours", "best run: your best_run"
        return reference_best_run, "reference", "best run: the reference best_run" + (why and f" (your best_run {why})")

    def compute(self) -> Comparison:
        return self._checks.compute(self._compute)

    def _compute(self) -> Comparison:
        best_run, implementation, running = self._who()
        metric = self.metric if self.metric in self.metrics else self.metrics[0]
        mode = mode_of(metric)
        chosen = tuple(i for i, label in enumerate(self.labels) if not self.chosen or label in self.chosen)
        best_id = best_run(self.table, metric, mode)
        best = self.run_ids.index(best_id) if best_id in self.run_ids else None
        spans = [np.nanmax(v) / np.nanmin(v) >= 10 if np.all(v > 0) else False for v in self.param_values.T]
        return Comparison(metric, mode, self.labels, chosen, tuple(self.curves[metric][i] for i in chosen),
                          tuple(self.params), self.param_values, tuple(bool(s) for s in spans),
                          self.final[metric].copy(), best, implementation, running)


def describe(r: Comparison) -> str:
    if r.best is None:
        return f"{len(r.labels)} runs; none has a value of {r.metric}"
    return (f"{len(r.labels)} runs, {len(r.chosen)} drawn · best by {r.metric} ({r.mode}): {r.labels[r.best]}, "
            f"{r.final[r.best]:.4g}")


def demo_grid():
    """Nine made-up runs (3 learning rates x 3 penalties, 15 epochs) in the shape of mlflow.search_runs' table and
    the notebook's histories: what the explorer shows when it is given no runs (the benchmark uses it)."""
    import pandas as pd

    rng = np.random.default_rng(0)
    rows, histories = [], {}
    for k, (lr, alpha) in enumerate([(lr, a) for lr in (0.003, 0.03, 0.3) for a in (1e-4, 1e-3, 1e-2)]):
        loss = 2.0 * np.exp(-30 * lr * np.arange(15)) + 30 * alpha + rng.uniform(0, 0.02, 15)
        histories[f"run{k}"] = {"train_loss": list(0.9 * loss), "val_loss": list(loss),
                                "val_accuracy": list(1 - loss / 4)}
        rows.append({"run_id": f"run{k}", "start_time": pd.Timestamp(1000 + k, unit="s", tz="UTC"),
                     "metrics.train_loss": 0.9 * loss[-1], "metrics.val_loss": loss[-1],
                     "metrics.val_accuracy": 1 - loss[-1] / 4, "params.learning_rate": str(lr),
                     "params.alpha": str(alpha)})
    return pd.DataFrame(rows[::-1]), histories


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.5, 3.8), 80


def run_comparison_explorer(runs=None, histories: dict | None = None, best_run: Callable | None = None, *,
                            params: tuple[str, ...] = ("learning_rate", "alpha"), metric: str = "val_loss",
                            validate: Validate | None = None):
    """A metric menu and a list of runs (select several with shift or ctrl); the curves of the chosen runs and the
    parallel coordinates of all (no runs given: :func:`demo_grid`'s). The box carries ``model`` (:class:`RunComparison`), ``result``, ``controls``,
    ``output``, ``status`` and ``last_update``."""
    import ipywidgets as widgets

    if runs is None:
        runs, histories = demo_grid()
    model = RunComparison(runs, histories, tuple(params), metric, (), best_run, validate)
    controls = {
        "metric": widgets.Dropdown(options=list(model.metrics), value=metric if metric in model.metrics
                                   else model.metrics[0], description="metric"),
        "chosen": widgets.SelectMultiple(options=list(model.labels), value=(), rows=min(9, len(model.labels)),
                                         description="runs", style={"description_width": "initial"},
                                         layout=widgets.Layout(width="340px"))}
    return assemble(model, controls, [widgets.HBox([controls["metric"], controls["chosen"]])], picture=_Picture(),
                    css_class="explorer-run-comparison", label="<run comparison>",
                    status=lambda r: (html.escape(describe(r)),
                                      r.running + " · no runs chosen: all are drawn" * (len(r.chosen) == len(r.labels))))


class _Picture:
    """Artists made once and updated (no axes cleared, no legend or colour bar rebuilt): an update only moves data,
    colours and texts."""

    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.curves = self.figure.add_axes([0.06, 0.14, 0.38, 0.74])
        self.parallel = self.figure.add_axes([0.52, 0.14, 0.45, 0.74])
        self.curves.grid(alpha=0.3)
        self.curves.set_xlabel("epoch (step)")
        self.parallel.set_yticks([])
        self.parallel.set_ylim(-0.16, 1.14)
        self.curve_lines: list = []
        self.parallel_lines: list = []
        self.bound_texts: list = []
        self.best_text = self.curves.text(0.98, 0.96, "", transform=self.curves.transAxes, ha="right", va="top",
                                          fontsize=7.5)

    def _ensure(self, runs: int, axes: int) -> None:
        while len(self.curve_lines) < runs:
            self.curve_lines.append(self.curves.plot([], [], lw=1.2)[0])
            self.parallel_lines.append(self.parallel.plot([], [], lw=0.8)[0])
        if len(self.bound_texts) != axes:
            for low, high, line in self.bound_texts:
                low.remove()
                high.remove()
                line.remove()
            self.bound_texts = [(self.parallel.text(k, -0.08, "", ha="center", va="top", fontsize=7),
                                 self.parallel.text(k, 1.04, "", ha="center", va="bottom", fontsize=7),
                                 self.parallel.axvline(k, color="0.3", lw=0.8)) for k in range(axes)]
            self.parallel.set_xlim(-0.2, axes - 0.8)

    def draw(self, r: Comparison) -> bytes:
        from matplotlib import cm
        from matplotlib.colors import Normalize

        columns = [np.log10(r.param_values[:, j]) if r.log_params[j] else r.param_values[:, j]
                   for j in range(len(r.param_names))] + [r.final]
        names = [("log10 " if log else "") + name for name, log in zip(r.param_names, r.log_params)] + [r.metric]
        data = np.column_stack(columns)
        self._ensure(len(r.labels), data.shape[1])
        finite = np.isfinite(r.final)
        norm = Normalize(np.nanmin(r.final) if finite.any() else 0, np.nanmax(r.final) if finite.any() else 1)
        cmap = cm.viridis_r if r.mode == "min" else cm.viridis      # yellow = good either way
        colours = [cmap(norm(v)) if np.isfinite(v) else (0.6, 0.6, 0.6, 1.0) for v in r.final]

        drawn = dict(zip(r.chosen, r.curves))
        low_y, high_y, longest = np.inf, -np.inf, 1
        for i, line in enumerate(self.curve_lines):
            curve = drawn.get(i)
            if curve is None or not len(curve):
                line.set_visible(False)
                continue
            best = i == r.best
            line.set_data(np.arange(len(curve)), curve)
            line.set_color(colours[i])
            line.set_linewidth(2.8 if best else 1.2)
            line.set_zorder(3 if best else 2)
            line.set_visible(True)
            low_y, high_y, longest = min(low_y, np.nanmin(curve)), max(high_y, np.nanmax(curve)), max(longest,
                                                                                                    len(curve))
        if np.isfinite(low_y):
            pad = 0.05 * (high_y - low_y or 1.0)
            self.curves.set_ylim(low_y - pad, high_y + pad)
            self.curves.set_xlim(-0.3, longest - 0.7)
        self.curves.set_ylabel(r.metric)
        self.curves.set_title(f"{r.metric} by epoch (colour: last value, yellow = better)", fontsize=9)
        self.best_text.set_text("" if r.best is None else f"thick: the best run, {r.labels[r.best]}")

        low, high = np.nanmin(data, axis=0), np.nanmax(data, axis=0)
        scaled = (data - low) / np.where(high > low, high - low, 1.0)
        x = np.arange(data.shape[1])
        for i, line in enumerate(self.parallel_lines):
            best, chosen = i == r.best, i in r.chosen
            line.set_data(x, scaled[i])
            line.set_color(colours[i])
            line.set_linewidth(3.2 if best else (1.6 if chosen else 0.8))
            line.set_alpha(1.0 if best or chosen else 0.45)
            line.set_zorder(3 if best else 2)
        for (low_text, high_text, _), lo, hi in zip(self.bound_texts, low, high):
            low_text.set_text(f"{lo:.3g}")
            high_text.set_text(f"{hi:.3g}")
        self.parallel.set_xticks(x, names, fontsize=8)
        self.parallel.set_title("parallel coordinates: one line per run (thick: the best)", fontsize=9)
        return figure_png(self.figure)
