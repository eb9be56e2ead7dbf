"""Explorer: DBSCAN's eps and min_samples, with core / border / noise points and the k-distance plot.

``DBSCANStudy`` (the model) computes each data set's pairwise distances and sorted neighbour distances once;
a slider move then only thresholds them and labels the connected core points.  ``dbscan_explorer`` (the view)
draws the clusters beside the k-distance curve, where eps is a horizontal line.  The learner's ``dbscan`` runs
once it passes its checks.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from course.explorers.view import LearnerChecks, Validate, assemble, figure_png, guarded, new_figure

__all__ = ["DENSITY_DATASETS", "density_dataset", "reference_dbscan", "DBSCANPicture", "DBSCANStudy",
           "dbscan_explorer"]

EXERCISE_KEY = "week05.dbscan"
DENSITY_DATASETS = ("moons + noise", "blobs + outliers", "unequal densities")


def density_dataset(name: str) -> np.ndarray:
    """The explorer's data sets (fixed seeds), about 300 points each."""
    from sklearn.datasets import make_blobs, make_moons

    rng = np.random.default_rng(1)
    if name == "moons + noise":
        X = make_moons(n_samples=270, noise=0.06, random_state=2)[0]
        return np.vstack([X, rng.uniform([-1.3, -0.8], [2.3, 1.3], size=(30, 2))])
    if name == "blobs + outliers":
        X = make_blobs(n_samples=280, centers=3, cluster_std=0.35, random_state=4)[0] / 3
        return np.vstack([X, rng.uniform(X.min(axis=0) - 0.4, X.max(axis=0) + 0.4, size=(20, 2))])
    if name == "unequal densities":
        return np.vstack([rng.normal([0, 0], 0.12, size=(150, 2)), rng.normal([1.5, 0.6], 0.45, size=(150, 2))])
    raise ValueError(f"unknown data set {name!r}; choose one of {DENSITY_DATASETS}")


def reference_dbscan(distances: np.ndarray, eps: float, min_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """DBSCAN from a distance matrix: labels (-1 = noise) and the core mask; a border point joins the cluster of
    its nearest core point (the exercise's rule)."""
    near = distances <= eps
    core = near.sum(axis=1) >= min_samples
    labels = np.full(len(distances), -1)
    if core.any():
        cores = np.flatnonzero(core)
        _, component = connected_components(csr_matrix(near[np.ix_(cores, cores)]), directed=False)
        labels[cores] = component
        to_core = distances[:, cores]
        border = ~core & (to_core.min(axis=1) <= eps)
        labels[border] = component[to_core[border].argmin(axis=1)]
    return labels, core


@dataclass(frozen=True, eq=False)
class DBSCANPicture:
    dataset: str
    eps: float
    min_samples: int
    X: np.ndarray
    labels: np.ndarray
    core: np.ndarray
    border: np.ndarray
    k_distance: np.ndarray          # every point's distance to its min_samples-th nearest point (itself first),
    n_clusters: int                 # sorted in decreasing order
    running: str


@dataclass
class DBSCANStudy:
    """All the explorer's state.  ``dbscan(X, eps, min_samples)`` is the learner's function (optional)."""
    dataset: str = "moons + noise"
    eps: float = 0.15
    min_samples: int = 5
    dbscan: Callable | None = None
    validate: Validate | None = None
    _data: dict = field(default_factory=dict, init=False, repr=False)
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def data(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The points, their distance matrix, and each row of it sorted (column 0 is the point itself)."""
        if name not in self._data:
            X = density_dataset(name)
            D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
            self._data[name] = (X, D, np.sort(D, axis=1))
        return self._data[name]

    def compute(self) -> DBSCANPicture:
        return self._checks.compute(self._compute)

    def _compute(self) -> DBSCANPicture:
        X, D, sorted_D = self.data(self.dataset)
        m = int(np.clip(self.min_samples, 1, len(X)))
        function, why = self._checks.usable(EXERCISE_KEY, self.dbscan, self.validate)
        if function is not None:
            labels, core = (np.asarray(part) for part in guarded(EXERCISE_KEY, function)(X, self.eps, m))
            running = "clusters: your dbscan"
        else:
            labels, core = reference_dbscan(D, self.eps, m)
            running = "clusters: the reference" + (why and f" (your dbscan {why})")
        return DBSCANPicture(dataset=self.dataset, eps=float(self.eps), min_samples=m, X=X, labels=labels,
                             core=core.astype(bool), border=~core.astype(bool) & (labels >= 0),
                             k_distance=np.sort(sorted_D[:, m - 1])[::-1],
                             n_clusters=len(np.unique(labels[labels >= 0])), running=running)


def describe(p: DBSCANPicture) -> str:
    return (f"{p.n_clusters} cluster{'s' * (p.n_clusters != 1)}: {p.core.sum()} core, {p.border.sum()} border, "
            f"{(p.labels == -1).sum()} noise points")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.0, 3.9), 80
PALETTE = np.array(["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22",
                    "#17becf"])


def dbscan_explorer(dbscan: Callable | None = None, *, dataset: str = "moons + noise", eps: float = 0.15,
                    min_samples: int = 5, validate: Validate | None = None):
    """Data set, eps and min_samples controls, a picture and a status line, in a ``VBox``.

    The box carries ``model`` (:class:`DBSCANStudy`), ``result`` (the latest :class:`DBSCANPicture`),
    ``controls`` ("dataset", "eps", "min_samples"), ``output``, ``status`` and ``last_update``.
    """
    import ipywidgets as widgets

    model = DBSCANStudy(dataset=dataset, eps=eps, min_samples=min_samples, dbscan=dbscan, validate=validate)
    controls = {
        "dataset": widgets.Dropdown(options=DENSITY_DATASETS, value=dataset, description="data"),
        "eps": widgets.FloatSlider(value=eps, min=0.02, max=0.6, step=0.01, description="eps"),
        "min_samples": widgets.IntSlider(value=min_samples, min=1, max=20, description="min_samples"),
    }
    rows = [widgets.HBox(list(controls.values()))]
    return assemble(model, controls, rows, picture=_Picture(), css_class="explorer-dbscan", label="<dbscan>",
                    status=lambda r: (f"{html.escape(describe(r))}<br>{html.escape(r.running)}", ""))


class _Picture:
    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.map_ax, self.curve_ax = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1]})
        self.figure.subplots_adjust(left=0.04, right=0.98, bottom=0.13, top=0.9, wspace=0.18)
        self.core = self.map_ax.scatter([], [], s=22, linewidths=0.3, edgecolors="k", label="core")
        self.border = self.map_ax.scatter([], [], s=10, linewidths=0, label="border")
        self.noise = self.map_ax.scatter([], [], s=14, marker="x", color="k", linewidths=0.8, label="noise")
        self.map_ax.legend(loc="lower left", fontsize=7)
        self.map_ax.set_xticks([])
        self.map_ax.set_yticks([])
        ax = self.curve_ax
        (self.curve,) = ax.plot([], [], color="C0")
        self.eps_line = ax.axhline(0.0, color="C3", lw=1.2, label="eps")
        ax.set_xlabel("points, sorted by k-distance")
        ax.set_ylabel("distance to the k-th nearest point")
        ax.legend(loc="upper right", fontsize=7)
        ax.grid(alpha=0.3)
        self.dataset = None

    def draw(self, p: DBSCANPicture) -> bytes:
        if p.dataset != self.dataset:
            low, high = p.X.min(axis=0), p.X.max(axis=0)
            pad = 0.05 * (high - low)
            self.map_ax.set_xlim(low[0] - pad[0], high[0] + pad[0])
            self.map_ax.set_ylim(low[1] - pad[1], high[1] + pad[1])
            self.dataset = p.dataset
        colours = PALETTE[np.maximum(p.labels, 0) % len(PALETTE)]
        self.core.set_offsets(p.X[p.core])
        self.core.set_facecolors(colours[p.core])
        self.border.set_offsets(p.X[p.border])
        self.border.set_facecolors(colours[p.border])
        self.noise.set_offsets(p.X[p.labels == -1].reshape(-1, 2))
        self.map_ax.set_title(f"eps = {p.eps:.2f}, min_samples = {p.min_samples}: {describe(p)}", fontsize=9)
        self.curve.set_data(np.arange(len(p.k_distance)), p.k_distance)
        self.eps_line.set_ydata([p.eps, p.eps])
        self.curve_ax.set_xlim(0, len(p.k_distance))
        self.curve_ax.set_ylim(0, max(float(p.k_distance.max()), p.eps) * 1.05)
        self.curve_ax.set_title(f"k-distance plot (k = {p.min_samples}): core points lie under eps", fontsize=9)
        return figure_png(self.figure)
