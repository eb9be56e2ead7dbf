"""Explorer: k-means step by step: assignments, centers moving, the Voronoi regions and the inertia per step.

``KMeansSteps`` (the model) runs one k-means trajectory per (data set, k, init, start) once and keeps every step's
centers, labels and inertia; the step slider only picks one.  ``kmeans_explorer`` (the view) maps the controls to
the model and draws.  The learner's ``kmeans`` (and ``kmeans_plus_plus`` for the k-means++ start) run once they
pass their checks; the status line says whose code runs.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course.explorers.view import LearnerChecks, Validate, assemble, figure_png, guarded, new_figure

__all__ = ["DATASETS", "make_dataset", "reference_kmeans_steps", "reference_kmeans_plus_plus", "KMeansPicture",
           "KMeansSteps", "kmeans_explorer"]

KMEANS_KEY, PLUSPLUS_KEY = "week05.kmeans", "week05.kmeans_plus_plus"
MAX_STEPS = 15
DATASETS = ("blobs", "anisotropic", "moons", "unequal sizes")
INITS = ("random points", "k-means++")
GRID = 120


def make_dataset(name: str) -> np.ndarray:
    """The explorer's data sets (fixed seeds), each of about 300 points in the plane."""
    from sklearn.datasets import make_blobs, make_moons

    if name == "blobs":
        return make_blobs(n_samples=300, centers=4, cluster_std=0.9, random_state=3)[0]
    if name == "anisotropic":   # blobs stretched by one linear map: elongated, tilted clusters
        X = make_blobs(n_samples=300, centers=3, cluster_std=0.8, random_state=170)[0]
        return X @ np.array([[0.6, -0.64], [-0.41, 0.85]])
    if name == "moons":
        return make_moons(n_samples=300, noise=0.06, random_state=0)[0] * 3.0
    if name == "unequal sizes":
        rng = np.random.default_rng(5)
        return np.vstack([rng.normal([0, 0], 1.6, size=(240, 2)), rng.normal([5.0, 4.5], 0.35, size=(30, 2)),
                          rng.normal([5.5, -3.5], 0.35, size=(30, 2))])
    raise ValueError(f"unknown data set {name!r}; choose one of {DATASETS}")


def _squared(X: np.ndarray, C: np.ndarray) -> np.ndarray:
    return ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)


def reference_kmeans_plus_plus(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    chosen = [int(rng.integers(len(X)))]
    d2 = _squared(X, X[chosen]).min(axis=1)
    for _ in range(1, k):
        chosen.append(int(rng.choice(len(X), p=d2 / d2.sum())))
        d2 = np.minimum(d2, _squared(X, X[chosen[-1:]])[:, 0])
    return X[chosen].copy()


def reference_kmeans_steps(X: np.ndarray, init: np.ndarray, steps: int) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """(centers, labels, inertia) after 0, 1, ..., steps Lloyd iterations (an empty cluster keeps its center)."""
    centers = init.astype(float).copy()
    out = []
    for step in range(steps + 1):
        d2 = _squared(X, centers)
        labels = d2.argmin(axis=1)
        out.append((centers.copy(), labels, float(d2.min(axis=1).sum())))
        for j in range(len(centers)):
            if (labels == j).any():
                centers[j] = X[labels == j].mean(axis=0)
    return out


@dataclass(frozen=True, eq=False)
class KMeansPicture:
    dataset: str
    k: int
    init: str
    step: int
    X: np.ndarray
    labels: np.ndarray              # each point's nearest center at this step
    centers: np.ndarray             # (k, 2) at this step
    trail: np.ndarray               # (step + 1, k, 2): the centers from step 0 to this one
    regions: np.ndarray             # (GRID, GRID): the Voronoi cell (nearest center) of each grid point
    extent: tuple
    inertia: np.ndarray             # (MAX_STEPS + 1,) inertia after each step
    converged_at: int | None        # the first step after which nothing moves
    running: str


@dataclass
class KMeansSteps:
    """All the explorer's state.  ``kmeans(X, init, n_iter)`` and ``kmeans_plus_plus(X, k, rng)`` are the
    learner's functions (optional)."""
    dataset: str = "blobs"
    k: int = 4
    init: str = "random points"
    start: int = 0                  # the seed of the initialisation
    step: int = 0
    kmeans: Callable | None = None
    kmeans_plus_plus: Callable | None = None
    validate: Validate | None = None
    _runs: dict = field(default_factory=dict, init=False, repr=False)
    _data: dict = field(default_factory=dict, init=False, repr=False)
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def data(self, name: str) -> tuple[np.ndarray, np.ndarray, tuple]:
        """The points, the grid points for the Voronoi regions, and the plot's extent."""
        if name not in self._data:
            X = make_dataset(name)
            low, high = X.min(axis=0) - 0.8, X.max(axis=0) + 0.8
            axes = [np.linspace(low[i], high[i], GRID) for i in range(2)]
            grid = np.column_stack([a.ravel() for a in np.meshgrid(*axes)])
            self._data[name] = (X, grid, (low[0], high[0], low[1], high[1]))
        return self._data[name]

    def _usable(self, key: str, function: Callable | None) -> tuple[Callable | None, str]:
        return self._checks.usable(key, function, self.validate)

    def _who(self) -> tuple[Callable | None, Callable | None, str]:
        kmeans, why = self._usable(KMEANS_KEY, self.kmeans)
        words = ["the steps: " + ("your kmeans" if kmeans else "the reference" + (why and f" (your kmeans {why})"))]
        plusplus = None
        if self.init == "k-means++":
            plusplus, why = self._usable(PLUSPLUS_KEY, self.kmeans_plus_plus)
            words.append("the k-means++ start: " + ("your kmeans_plus_plus" if plusplus else
                                                    "the reference" + (why and f" (your kmeans_plus_plus {why})")))
        return kmeans, plusplus, "; ".join(words)

    def trajectory(self, kmeans: Callable | None, plusplus: Callable | None) -> list:
        key = (self.dataset, self.k, self.init, self.start, kmeans is not None, plusplus is not None)
        if key not in self._runs:
            X = self.data(self.dataset)[0]
            rng = np.random.default_rng(self.start)
            if self.init == "k-means++":
                draw = guarded(PLUSPLUS_KEY, plusplus) if plusplus else reference_kmeans_plus_plus
                init = np.asarray(draw(X, self.k, rng), dtype=float)
            else:
                init = X[rng.choice(len(X), size=self.k, replace=False)]
            if kmeans is None:
                steps = reference_kmeans_steps(X, init, MAX_STEPS)
            else:   # the learner's function after 1, 2, ... iterations; step 0 is the initial assignment
                steps = reference_kmeans_steps(X, init, 0)
                run = guarded(KMEANS_KEY, kmeans)
                for n_iter in range(1, MAX_STEPS + 1):
                    centers, labels, inertia = run(X, init.copy(), n_iter)
                    steps.append((np.asarray(centers, dtype=float), np.asarray(labels), float(inertia)))
            self._runs[key] = steps
        return self._runs[key]

    def compute(self) -> KMeansPicture:
        """The picture; a learner's function that passed its checks but raises here is replaced, saying why."""
        return self._checks.compute(self._compute)

    def _compute(self) -> KMeansPicture:
        kmeans, plusplus, running = self._who()
        steps = self.trajectory(kmeans, plusplus)
        X, grid, extent = self.data(self.dataset)
        t = int(np.clip(self.step, 0, MAX_STEPS))
        centers = steps[t][0]
        moved = [np.allclose(steps[s][0], steps[s + 1][0]) for s in range(MAX_STEPS)]
        converged = next((s for s, still in enumerate(moved) if still), None)
        return KMeansPicture(
            dataset=self.dataset, k=self.k, init=self.init, step=t, X=X, labels=steps[t][1], centers=centers,
            trail=np.array([steps[s][0] for s in range(t + 1)]),
            regions=_squared(grid, centers).argmin(axis=1).reshape(GRID, GRID), extent=extent,
            inertia=np.array([s[2] for s in steps]), converged_at=converged, running=running)


def describe(p: KMeansPicture) -> str:
    state = (f"converged after {p.converged_at} steps" if p.converged_at is not None
             else f"still moving after {MAX_STEPS} steps")
    return f"step {p.step}: inertia {p.inertia[p.step]:.1f} ({state})"


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.0, 4.0), 80
COLOURS = np.array(["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"])


def kmeans_explorer(kmeans: Callable | None = None, kmeans_plus_plus: Callable | None = None, *,
                    dataset: str = "blobs", k: int = 4, validate: Validate | None = None):
    """Data set, k, init and start controls, a step slider, a picture and a status line, in a ``VBox``.

    The box carries ``model`` (:class:`KMeansSteps`), ``result`` (the latest :class:`KMeansPicture`),
    ``controls`` ("dataset", "k", "init", "start", "step"), ``output``, ``status`` and ``last_update``.
    """
    import ipywidgets as widgets

    model = KMeansSteps(dataset=dataset, k=k, kmeans=kmeans, kmeans_plus_plus=kmeans_plus_plus, validate=validate)
    controls = {
        "dataset": widgets.Dropdown(options=DATASETS, value=dataset, description="data"),
        "k": widgets.IntSlider(value=k, min=1, max=len(COLOURS), description="k"),
        "init": widgets.ToggleButtons(options=INITS, value="random points"),
        "start": widgets.IntSlider(value=0, min=0, max=9, description="start (seed)"),
        "step": widgets.IntSlider(value=0, min=0, max=MAX_STEPS, description="step"),
    }
    rows = [widgets.HBox([controls["dataset"], controls["k"], controls["init"]]),
            widgets.HBox([controls["start"], controls["step"]])]
    return assemble(model, controls, rows, picture=_Picture(), css_class="explorer-kmeans", label="<kmeans>",
                    status=lambda r: (f"{html.escape(describe(r))}<br>{html.escape(r.running)}", ""))


class _Picture:
    """One figure for the explorer's lifetime: artists are updated in place."""

    def __init__(self) -> None:
        from matplotlib.colors import ListedColormap

        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.map_ax, self.curve_ax = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
        self.figure.subplots_adjust(left=0.04, right=0.98, bottom=0.13, top=0.9, wspace=0.15)
        self.cmap = ListedColormap(COLOURS)
        self.regions = self.map_ax.imshow(np.zeros((GRID, GRID)), origin="lower", cmap=self.cmap, vmin=-0.5,
                                          vmax=len(COLOURS) - 0.5, alpha=0.18, aspect="auto",
                                          interpolation="nearest")
        self.points = self.map_ax.scatter([], [], s=9, linewidths=0)
        self.trails = [self.map_ax.plot([], [], "-", color="k", lw=1, alpha=0.6)[0] for _ in COLOURS]
        self.centers = self.map_ax.scatter([], [], marker="X", s=140, edgecolors="k", linewidths=1.2, zorder=4)
        self.map_ax.set_xticks([])
        self.map_ax.set_yticks([])
        ax = self.curve_ax
        (self.curve,) = ax.plot([], [], "o-", color="C0", ms=3)
        (self.now,) = ax.plot([], [], "o", color="C3", ms=8)
        ax.set_xlim(-0.5, MAX_STEPS + 0.5)
        ax.set_xlabel("step (assign + update)")
        ax.set_ylabel("inertia (sum of squared distances)")
        ax.grid(alpha=0.3)
        self.dataset = None

    def draw(self, p: KMeansPicture) -> bytes:
        if p.dataset != self.dataset:
            self.points.set_offsets(p.X)
            self.map_ax.set_xlim(p.extent[0], p.extent[1])
            self.map_ax.set_ylim(p.extent[2], p.extent[3])
            self.regions.set_extent(p.extent)
            self.dataset = p.dataset
        self.points.set_facecolors(COLOURS[p.labels])
        self.regions.set_data(p.regions)
        for j, line in enumerate(self.trails):
            line.set_data(*(p.trail[:, j].T if j < p.k else ([], [])))
        self.centers.set_offsets(p.centers)
        self.centers.set_facecolors(COLOURS[np.arange(p.k)])
        self.map_ax.set_title(f"{p.dataset}, k = {p.k}, {p.init}: step {p.step}", fontsize=10)
        steps = np.arange(len(p.inertia))
        self.curve.set_data(steps, p.inertia)
        self.now.set_data([p.step], [p.inertia[p.step]])
        low, high = p.inertia.min(), p.inertia.max()
        self.curve_ax.set_ylim(low - 0.05 * (high - low + 1e-9), high + 0.05 * (high - low + 1e-9))
        self.curve_ax.set_title("inertia never increases from one step to the next", fontsize=10)
        return figure_png(self.figure)
