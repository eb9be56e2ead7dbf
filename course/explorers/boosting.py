"""Explorer: gradient boosting stage by stage, with training and test error, and where early stopping stops.

``BoostingStudy`` (the model) fits one boosted ensemble per (learning rate, depth) setting and keeps its staged
predictions on a grid, the training set and a test set; moving the stage slider only indexes those arrays.
``boosting_explorer`` (the view) maps the controls to the model and draws.  The ensemble comes from the learner's
``gradient_boosting`` once it passes its checks, from ``GradientBoostingRegressor`` until then.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from sklearn.ensemble import GradientBoostingRegressor

from course.explorers.view import (LearnerChecks, Validate, assemble, figure_png, guarded, new_figure,
                                   plain_log_axis)

__all__ = ["true_curve", "noisy_curve", "StagedFit", "BoostingPicture", "BoostingStudy", "boosting_explorer"]

EXERCISE_KEY = "week04.gradient_boosting"
MAX_STAGES = 300


def true_curve(x: np.ndarray) -> np.ndarray:
    """The function the data come from (unknown to the model)."""
    return np.sin(1.5 * x) + 0.3 * x


def noisy_curve(n_train: int = 80, n_test: int = 400, noise: float = 0.35, seed: int = 0):
    """(x_train, y_train, x_test, y_test) on [0, 6], y = true_curve(x) + Gaussian noise."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 6.0, size=n_train + n_test)
    y = true_curve(x) + rng.normal(scale=noise, size=x.size)
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


@dataclass(frozen=True, eq=False)
class StagedFit:
    """One ensemble's staged predictions and error curves (row m = after m + 1 trees)."""
    on_grid: np.ndarray         # (M, G)
    train_mse: np.ndarray       # (M,)
    test_mse: np.ndarray        # (M,)
    best_stage: int             # 1-based stage with the lowest test error: where early stopping aims


@dataclass(frozen=True, eq=False)
class BoostingPicture:
    """What one update draws."""
    stage: int
    learning_rate: float
    max_depth: int
    x_grid: np.ndarray
    truth: np.ndarray
    fit: np.ndarray             # (G,) the ensemble after `stage` trees
    x_train: np.ndarray
    y_train: np.ndarray
    train_mse: np.ndarray       # (M,) every stage, for the curves
    test_mse: np.ndarray
    best_stage: int
    noise_mse: float            # the noise variance: the best test error any model can reach
    implementation: str         # "yours" | "reference"
    running: str


@dataclass
class BoostingStudy:
    """All the explorer's state.  ``gradient_boosting(X, y, X_eval, n_estimators, learning_rate, max_depth,
    random_state)`` is the learner's function (optional)."""
    stage: int = 50
    learning_rate: float = 0.1
    max_depth: int = 2
    gradient_boosting: Callable | None = None
    validate: Validate | None = None
    noise: float = 0.35
    data: tuple = field(default=None)
    _fits: dict = field(default_factory=dict, init=False, repr=False)
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.data is None:
            self.data = noisy_curve(noise=self.noise)
        self.x_grid = np.linspace(0.0, 6.0, 240)

    def check_function(self) -> tuple[bool, str]:
        """Run the checks once per function, not on every slider move."""
        return self._checks.verdict(EXERCISE_KEY, self.gradient_boosting, self.validate)

    def _who(self) -> tuple[str, str]:
        function, why = self._checks.usable(EXERCISE_KEY, self.gradient_boosting, self.validate)
        if function is not None:
            return "yours", "running: your gradient_boosting"
        return "reference", ("running: scikit-learn's GradientBoostingRegressor"
                             + (why and f" (your gradient_boosting {why})"))

    def staged(self, learning_rate: float, max_depth: int, implementation: str) -> StagedFit:
        """Fit once per setting (MAX_STAGES trees) and keep every stage; later calls are a dictionary lookup."""
        key = (float(learning_rate), int(max_depth), implementation)
        if key not in self._fits:
            x_train, y_train, x_test, y_test = self.data
            X_eval = np.concatenate([self.x_grid, x_train, x_test])[:, None]
            if implementation == "yours":
                boost = guarded(EXERCISE_KEY, self.gradient_boosting)
                staged = np.asarray(boost(x_train[:, None], y_train, X_eval, MAX_STAGES, float(learning_rate),
                                          int(max_depth), 0), dtype=float)
            else:
                model = GradientBoostingRegressor(n_estimators=MAX_STAGES, learning_rate=learning_rate,
                                                  max_depth=max_depth, random_state=0)
                staged = np.array(list(model.fit(x_train[:, None], y_train).staged_predict(X_eval)))
            G, n = len(self.x_grid), len(x_train)
            train_mse = ((staged[:, G:G + n] - y_train) ** 2).mean(axis=1)
            test_mse = ((staged[:, G + n:] - y_test) ** 2).mean(axis=1)
            self._fits[key] = StagedFit(on_grid=staged[:, :G], train_mse=train_mse, test_mse=test_mse,
                                        best_stage=int(np.argmin(test_mse)) + 1)
        return self._fits[key]

    def compute(self) -> BoostingPicture:
        """The picture; a gradient_boosting that passed its checks but raises here is replaced, saying why."""
        return self._checks.compute(self._compute)

    def _compute(self) -> BoostingPicture:
        implementation, running = self._who()
        fit = self.staged(self.learning_rate, self.max_depth, implementation)
        stage = int(np.clip(self.stage, 1, MAX_STAGES))
        x_train, y_train, _, _ = self.data
        return BoostingPicture(
            stage=stage, learning_rate=float(self.learning_rate), max_depth=int(self.max_depth),
            x_grid=self.x_grid, truth=true_curve(self.x_grid), fit=fit.on_grid[stage - 1], x_train=x_train,
            y_train=y_train, train_mse=fit.train_mse, test_mse=fit.test_mse, best_stage=fit.best_stage,
            noise_mse=self.noise ** 2, implementation=implementation, running=running)


def describe(p: BoostingPicture) -> str:
    m = p.stage
    train, test, best = p.train_mse[m - 1], p.test_mse[m - 1], p.test_mse[p.best_stage - 1]
    if m < 0.5 * p.best_stage:
        phase = "still underfitting: more trees keep lowering the test error"
    elif test > best * 1.05 and m > p.best_stage:
        phase = "past the best stage: the training error keeps falling while the test error rises (overfitting)"
    else:
        phase = "near the best stage"
    return (f"after {m} trees: training MSE {train:.3f}, test MSE {test:.3f} (noise floor {p.noise_mse:.3f}); "
            f"the test error is lowest at stage {p.best_stage} ({best:.3f}); {phase}.")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.0, 3.8), 80
LEARNING_RATES = (0.01, 0.03, 0.1, 0.3, 1.0)


def boosting_explorer(gradient_boosting: Callable | None = None, *, stage: int = 50, learning_rate: float = 0.1,
                      max_depth: int = 2, validate: Validate | None = None):
    """Stage, learning-rate and depth controls, a picture and a status line, in a ``VBox``.

    The box carries ``model`` (:class:`BoostingStudy`), ``result`` (the latest :class:`BoostingPicture`),
    ``controls`` ("stage", "learning_rate", "max_depth"), ``output``, ``status`` and ``last_update``.
    """
    import ipywidgets as widgets

    model = BoostingStudy(stage=stage, learning_rate=learning_rate, max_depth=max_depth,
                          gradient_boosting=gradient_boosting, validate=validate)
    controls = {
        "stage": widgets.IntSlider(value=stage, min=1, max=MAX_STAGES, description="trees"),
        "learning_rate": widgets.SelectionSlider(options=LEARNING_RATES, value=learning_rate,
                                                 description="learning rate",
                                                 style={"description_width": "initial"}),
        "max_depth": widgets.IntSlider(value=max_depth, min=1, max=5, description="max depth"),
    }
    panel = widgets.HBox(list(controls.values()))
    panel.add_class("explorer-boosting")
    return assemble(model, controls, [panel], picture=_Picture(), css_class=None, label="<boosting>",
                    status=lambda result: (f"{html.escape(describe(result))}<br>{html.escape(result.running)}", ""))


class _Picture:
    """One figure for the explorer's lifetime: lines are updated in place."""

    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.fit_ax, self.error_ax = self.figure.subplots(1, 2)
        self.figure.subplots_adjust(left=0.06, right=0.98, bottom=0.14, top=0.88, wspace=0.22)
        ax = self.fit_ax
        self.points = ax.scatter([], [], s=12, color="grey", label="training data")
        (self.truth_line,) = ax.plot([], [], "k--", lw=1, label="true curve")
        (self.fit_line,) = ax.plot([], [], color="C3", lw=2, label="boosted trees")
        ax.set_xlim(0, 6)
        ax.set_ylim(-1.6, 3.2)
        ax.set_xlabel("x")
        ax.legend(loc="upper left", fontsize=8)
        ax = self.error_ax
        (self.train_line,) = ax.plot([], [], color="C0", label="training MSE")
        (self.test_line,) = ax.plot([], [], color="C1", label="test MSE")
        self.noise_line = ax.axhline(0.1, color="grey", lw=0.8, ls=":", label="noise floor")
        self.stage_line = ax.axvline(1, color="C3", lw=1.2, label="current stage")
        (self.best_marker,) = ax.plot([], [], "v", color="k", ms=8, label="lowest test error (early stopping)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        plain_log_axis(ax.xaxis, (1, 3, 10, 30, 100, 300))
        plain_log_axis(ax.yaxis, (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10))
        ax.set_xlim(1, MAX_STAGES)
        ax.set_xlabel("number of trees (stage)")
        ax.legend(loc="upper right", fontsize=7)
        ax.grid(alpha=0.3)

    def draw(self, p: BoostingPicture) -> bytes:
        self.points.set_offsets(np.column_stack([p.x_train, p.y_train]))
        self.truth_line.set_data(p.x_grid, p.truth)
        self.fit_line.set_data(p.x_grid, p.fit)
        self.fit_ax.set_title(f"fit after {p.stage} trees (learning rate {p.learning_rate}, depth {p.max_depth})",
                              fontsize=10)
        stages = np.arange(1, len(p.train_mse) + 1)
        self.train_line.set_data(stages, p.train_mse)
        self.test_line.set_data(stages, p.test_mse)
        self.noise_line.set_ydata([p.noise_mse, p.noise_mse])
        self.stage_line.set_xdata([p.stage, p.stage])
        self.best_marker.set_data([p.best_stage], [p.test_mse[p.best_stage - 1] * 1.25])
        low = max(min(float(p.train_mse.min()), p.noise_mse) / 1.5, 0.01)   # a perfect training fit: clip at 0.01
        self.error_ax.set_ylim(low, float(max(p.train_mse.max(), p.test_mse.max())) * 5)  # room for the legend
        self.error_ax.set_title(f"error vs stage: train {p.train_mse[p.stage - 1]:.3f}, "
                                f"test {p.test_mse[p.stage - 1]:.3f}", fontsize=10)
        return figure_png(self.figure)

