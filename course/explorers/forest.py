"""Explorer: a random forest grows tree by tree; its out-of-bag error tracks the test error without a test set.

``ForestStudy`` (the model) draws the bootstrap samples, fits every tree once per setting and keeps each tree's
predicted probabilities on the training points, a test set and a grid; the number-of-trees slider then only reads
running averages.  ``forest_explorer`` (the view) maps the controls to the model and draws.  The bootstrap samples
come from the learner's ``bootstrap_oob`` once it passes its checks.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from sklearn.datasets import make_moons
from sklearn.tree import DecisionTreeClassifier

from course.explorers.view import (LearnerChecks, Validate, assemble, figure_png, guarded, new_figure,
                                   plain_log_axis)

__all__ = ["reference_bootstrap_oob", "oob_error_curve", "ForestFit", "ForestPicture", "ForestStudy",
           "forest_explorer"]

EXERCISE_KEY = "week04.bootstrap_oob"
MAX_TREES = 200
LIMITS = ((-1.7, 2.7), (-1.4, 1.9))
FEATURE_CHOICES = {"random forest (1 random feature per split)": "sqrt", "bagging (both features)": "all"}


def reference_bootstrap_oob(n_samples: int, n_trees: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """samples (n_trees, n_samples) drawn with replacement, and oob[t, i] = i not in samples[t]."""
    samples = np.random.default_rng(seed).integers(0, n_samples, size=(n_trees, n_samples))
    in_bag = np.zeros((n_trees, n_samples), dtype=bool)
    np.put_along_axis(in_bag, samples, True, axis=1)
    return samples, ~in_bag


def oob_error_curve(oob: np.ndarray, probabilities: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OOB error and coverage after 1, 2, ..., T trees.

    oob (T, n) says which trees did not see sample i; probabilities (T, n) are each tree's P(class 1) for it.
    After t trees, sample i is predicted by averaging only the trees that left it out; samples no tree left out
    yet have no OOB prediction and are not counted (``coverage`` is the fraction that are).
    """
    votes = np.cumsum(np.where(oob, probabilities, 0.0), axis=0)
    counts = np.cumsum(oob, axis=0)
    covered = counts > 0
    wrong = covered & ((votes > 0.5 * counts) != (y == 1))
    n_covered = covered.sum(axis=1)
    error = np.where(n_covered > 0, wrong.sum(axis=1) / np.maximum(n_covered, 1), np.nan)
    return error, covered.mean(axis=1)


@dataclass(frozen=True, eq=False)
class ForestFit:
    """Everything about one forest of MAX_TREES trees, as running averages over the first t trees (row t - 1)."""
    grid_probability: np.ndarray    # (T, G): the forest's P(class 1) on the grid
    oob_error: np.ndarray           # (T,)
    oob_coverage: np.ndarray        # (T,)
    test_error: np.ndarray          # (T,)
    single_tree_test_error: float   # the average test error of one tree on its own


@dataclass(frozen=True, eq=False)
class ForestPicture:
    n_trees: int
    max_features: str               # "sqrt" (random forest) | "all" (bagging)
    grid_x: np.ndarray
    grid_y: np.ndarray
    probability: np.ndarray         # (G, G)
    X_train: np.ndarray
    y_train: np.ndarray
    oob_error: np.ndarray
    oob_coverage: np.ndarray
    test_error: np.ndarray
    single_tree_test_error: float
    implementation: str             # "yours" | "reference"
    running: str


@dataclass
class ForestStudy:
    """All the explorer's state.  ``bootstrap_oob(n_samples, n_trees, seed)`` is the learner's function."""
    n_trees: int = 25
    max_features: str = "sqrt"              # "sqrt": a random forest; "all": plain bagging
    bootstrap_oob: Callable | None = None
    validate: Validate | None = None
    grid_size: int = 50
    data: tuple = field(default=None)
    _fits: dict = field(default_factory=dict, init=False, repr=False)
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.data is None:
            X, y = make_moons(n_samples=700, noise=0.35, random_state=1)
            self.data = (X[:200], y[:200], X[200:], y[200:])
        self._grid_axes = [np.linspace(low, high, self.grid_size) for low, high in LIMITS]
        self._grid = np.column_stack([a.ravel() for a in np.meshgrid(*self._grid_axes)])

    def check_function(self) -> tuple[bool, str]:
        """Run the checks once per function, not on every slider move."""
        return self._checks.verdict(EXERCISE_KEY, self.bootstrap_oob, self.validate)

    def _who(self) -> tuple[str, str]:
        function, why = self._checks.usable(EXERCISE_KEY, self.bootstrap_oob, self.validate)
        if function is not None:
            return "yours", "bootstrap samples: your bootstrap_oob"
        return "reference", "bootstrap samples: the reference" + (why and f" (your bootstrap_oob {why})")

    def forest(self, max_features: str, implementation: str) -> ForestFit:
        """Fit MAX_TREES trees once per setting; every number of trees is then a row of running averages."""
        key = (max_features, implementation)
        if key not in self._fits:
            X_train, y_train, X_test, y_test = self.data
            draw = guarded(EXERCISE_KEY, self.bootstrap_oob) if implementation == "yours" else reference_bootstrap_oob
            samples, oob = (np.asarray(part) for part in draw(len(y_train), MAX_TREES, 0))
            points = np.vstack([X_train, X_test, self._grid])
            probabilities = np.empty((MAX_TREES, len(points)))
            for t in range(MAX_TREES):
                tree = DecisionTreeClassifier(max_features=None if max_features == "all" else max_features,
                                              random_state=t)
                tree.fit(X_train[samples[t]], y_train[samples[t]])
                probabilities[t] = _probability_of_class_1(tree, points)
            n, m = len(y_train), len(y_test)
            on_test = probabilities[:, n:n + m]
            running_test = np.cumsum(on_test, axis=0) / np.arange(1, MAX_TREES + 1)[:, None]
            oob_error, coverage = oob_error_curve(oob, probabilities[:, :n], y_train)
            self._fits[key] = ForestFit(
                grid_probability=(np.cumsum(probabilities[:, n + m:], axis=0)
                                  / np.arange(1, MAX_TREES + 1)[:, None]).astype(np.float32),
                oob_error=oob_error, oob_coverage=coverage,
                test_error=((running_test > 0.5) != (y_test == 1)).mean(axis=1),
                single_tree_test_error=float(((on_test > 0.5) != (y_test == 1)).mean()))
        return self._fits[key]

    def compute(self) -> ForestPicture:
        """The picture; a bootstrap_oob that passed its checks but raises here is replaced, saying why."""
        return self._checks.compute(self._compute)

    def _compute(self) -> ForestPicture:
        implementation, running = self._who()
        fit = self.forest(self.max_features, implementation)
        t = int(np.clip(self.n_trees, 1, MAX_TREES))
        X_train, y_train, _, _ = self.data
        return ForestPicture(
            n_trees=t, max_features=self.max_features, grid_x=self._grid_axes[0], grid_y=self._grid_axes[1],
            probability=fit.grid_probability[t - 1].reshape(self.grid_size, self.grid_size),
            X_train=X_train, y_train=y_train, oob_error=fit.oob_error, oob_coverage=fit.oob_coverage,
            test_error=fit.test_error, single_tree_test_error=fit.single_tree_test_error,
            implementation=implementation, running=running)


def _probability_of_class_1(tree: DecisionTreeClassifier, points: np.ndarray) -> np.ndarray:
    proba = tree.predict_proba(points)
    return proba[:, list(tree.classes_).index(1)] if 1 in tree.classes_ else np.zeros(len(points))


def describe(p: ForestPicture) -> str:
    t = p.n_trees
    oob = p.oob_error[t - 1]
    oob_text = ("no sample has been left out by any tree yet" if np.isnan(oob) else
                f"OOB error {oob:.1%} (from the {p.oob_coverage[t - 1]:.0%} of training points some tree left out)")
    return (f"{t} tree{'s' * (t != 1)}: {oob_text}; test error {p.test_error[t - 1]:.1%}; "
            f"one tree alone: {p.single_tree_test_error:.1%} on average.")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.0, 3.9), 80


def forest_explorer(bootstrap_oob: Callable | None = None, *, n_trees: int = 25,
                    validate: Validate | None = None):
    """A number-of-trees slider, a bagging / random-forest toggle, a picture and a status line, in a ``VBox``.

    The box carries ``model`` (:class:`ForestStudy`), ``result`` (the latest :class:`ForestPicture`),
    ``controls`` ("n_trees", "max_features"), ``output``, ``status`` and ``last_update``.
    """
    import ipywidgets as widgets

    model = ForestStudy(n_trees=n_trees, bootstrap_oob=bootstrap_oob, validate=validate)
    controls = {
        "n_trees": widgets.IntSlider(value=n_trees, min=1, max=MAX_TREES, description="trees"),
        "max_features": widgets.ToggleButtons(options=list(FEATURE_CHOICES.items()), value="sqrt",
                                              style={"button_width": "260px"}),
    }
    panel = widgets.HBox(list(controls.values()))
    panel.add_class("explorer-forest")
    return assemble(model, controls, [panel], picture=_Picture(), css_class=None, label="<forest>",
                    status=lambda result: (f"{html.escape(describe(result))}<br>{html.escape(result.running)}", ""))


class _Picture:
    """One figure for the explorer's lifetime: the regions are redrawn, the curves updated in place."""

    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.map_ax, self.error_ax = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.1]})
        self.figure.subplots_adjust(left=0.05, right=0.98, bottom=0.13, top=0.9, wspace=0.18)
        self.map_ax.set_xlim(*LIMITS[0])
        self.map_ax.set_ylim(*LIMITS[1])
        ax = self.error_ax
        (self.oob_line,) = ax.plot([], [], color="C2", label="out-of-bag error (training data only)")
        (self.test_line,) = ax.plot([], [], color="C1", label="test error (held-out data)")
        self.single_line = ax.axhline(0.0, color="grey", ls=":", lw=1, label="one tree alone (average)")
        self.trees_line = ax.axvline(1, color="C3", lw=1.2, label="current number of trees")
        ax.set_xscale("log")
        plain_log_axis(ax.xaxis, (1, 2, 5, 10, 20, 50, 100, 200))
        ax.set_xlim(1, MAX_TREES)
        ax.set_ylim(0.0, 0.4)
        ax.set_xlabel("number of trees")
        ax.set_ylabel("error rate")
        ax.legend(loc="upper right", fontsize=7)
        ax.grid(alpha=0.3)
        self.regions = None
        self.points_drawn = False

    def draw(self, p: ForestPicture) -> bytes:
        if not self.points_drawn:
            colours = np.array(["C0", "C3"])
            self.map_ax.scatter(*p.X_train.T, c=colours[p.y_train], s=12, edgecolors="k", linewidths=0.3,
                                zorder=3)
            self.points_drawn = True
        if self.regions is None:
            # An image in the contour plot's ten colour bands: updating an image's data costs a fraction of
            # recomputing filled contours on every update.
            from matplotlib.colors import BoundaryNorm
            from matplotlib import colormaps
            levels = np.linspace(0, 1, 11)
            cmap = colormaps["RdBu_r"].resampled(len(levels) - 1)
            dx, dy = p.grid_x[1] - p.grid_x[0], p.grid_y[1] - p.grid_y[0]
            self.regions = self.map_ax.imshow(   # interpolated, then cut into the bands: like contourf
                p.probability, origin="lower", extent=(p.grid_x[0] - dx / 2, p.grid_x[-1] + dx / 2,
                                                       p.grid_y[0] - dy / 2, p.grid_y[-1] + dy / 2),
                cmap=cmap, norm=BoundaryNorm(levels, cmap.N), alpha=0.45, zorder=1, interpolation="bilinear",
                interpolation_stage="data", aspect="auto")
            self.map_ax.set_xlim(*LIMITS[0])
            self.map_ax.set_ylim(*LIMITS[1])
        else:
            self.regions.set_data(p.probability)
        kind = "bagging" if p.max_features == "all" else "random forest"
        self.map_ax.set_title(f"{kind}: average of {p.n_trees} tree{'s' * (p.n_trees != 1)} "
                              "(colour = share of votes)", fontsize=10)
        trees = np.arange(1, len(p.oob_error) + 1)
        self.oob_line.set_data(trees, p.oob_error)
        self.test_line.set_data(trees, p.test_error)
        self.single_line.set_ydata([p.single_tree_test_error] * 2)
        self.trees_line.set_xdata([p.n_trees, p.n_trees])
        t = p.n_trees - 1
        self.error_ax.set_title(f"after {p.n_trees} trees: OOB {p.oob_error[t]:.1%}, test {p.test_error[t]:.1%}",
                                fontsize=10)
        return figure_png(self.figure)

