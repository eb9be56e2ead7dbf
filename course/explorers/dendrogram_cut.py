"""Explorer: a dendrogram whose cut height recolours the points.

``DendrogramCut`` (the model) computes one linkage matrix and its dendrogram layout per (data set, linkage) and
keeps them; the cut slider then only cuts the tree (``fcluster``) at the chosen height.  ``dendrogram_explorer``
(the view) draws the points in their clusters beside the tree with the cut as a red line.  The learner's
``linkage_matrix`` builds the single and complete linkage trees once it passes its checks.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from scipy.cluster.hierarchy import dendrogram, fcluster, linkage

from course.explorers.view import LearnerChecks, Validate, assemble, figure_png, guarded, new_figure

__all__ = ["CUT_DATASETS", "cut_dataset", "CutPicture", "DendrogramCut", "dendrogram_explorer"]

EXERCISE_KEY = "week05.linkage_matrix"
CUT_DATASETS = ("blobs", "moons", "a bridge between two blobs")
METHODS = ("single", "complete", "average", "ward")


def cut_dataset(name: str) -> np.ndarray:
    """The explorer's data sets (fixed seeds), 80 to 90 points each: small enough to read the tree."""
    from sklearn.datasets import make_blobs, make_moons

    if name == "blobs":
        return make_blobs(n_samples=80, centers=3, cluster_std=0.7, random_state=2)[0]
    if name == "moons":
        return make_moons(n_samples=80, noise=0.05, random_state=1)[0]
    if name == "a bridge between two blobs":   # single linkage's weakness: a thin chain joins two groups
        rng = np.random.default_rng(0)
        bridge = np.column_stack([np.linspace(-1.5, 1.5, 10), rng.normal(0, 0.05, 10)])
        return np.vstack([rng.normal([-3, 0], 0.6, size=(40, 2)), rng.normal([3, 0], 0.6, size=(40, 2)), bridge])
    raise ValueError(f"unknown data set {name!r}; choose one of {CUT_DATASETS}")


@dataclass(frozen=True, eq=False)
class _Tree:
    Z: np.ndarray
    icoord: np.ndarray              # the dendrogram's segments, as scipy lays them out
    dcoord: np.ndarray


@dataclass(frozen=True, eq=False)
class CutPicture:
    dataset: str
    method: str
    height: float                   # the cut
    X: np.ndarray
    labels: np.ndarray              # 0, 1, ... after cutting
    n_clusters: int
    tree: _Tree
    running: str


@dataclass
class DendrogramCut:
    """All the explorer's state.  ``cut`` is the height as a share (0..1) of the highest merge."""
    dataset: str = "blobs"
    method: str = "single"
    cut: float = 0.5
    linkage_matrix: Callable | None = None
    validate: Validate | None = None
    _trees: dict = field(default_factory=dict, init=False, repr=False)
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def tree(self, dataset: str, method: str, mine: Callable | None) -> _Tree:
        key = (dataset, method, mine is not None)
        if key not in self._trees:
            X = cut_dataset(dataset)
            Z = (np.asarray(guarded(EXERCISE_KEY, mine)(X, method), dtype=float) if mine is not None
                 else linkage(X, method=method))
            layout = dendrogram(Z, no_plot=True)
            self._trees[key] = _Tree(Z, np.array(layout["icoord"]), np.array(layout["dcoord"]))
        return self._trees[key]

    def compute(self) -> CutPicture:
        return self._checks.compute(self._compute)

    def _compute(self) -> CutPicture:
        mine, running = None, "the tree: scipy's linkage"
        if self.method in ("single", "complete"):
            mine, why = self._checks.usable(EXERCISE_KEY, self.linkage_matrix, self.validate)
            running = ("the tree: your linkage_matrix" if mine else
                       "the tree: scipy's linkage" + (why and f" (your linkage_matrix {why})"))
        tree = self.tree(self.dataset, self.method, mine)
        height = float(np.clip(self.cut, 0.0, 1.0)) * float(tree.Z[:, 2].max()) * 1.02
        labels = fcluster(tree.Z, height, criterion="distance") - 1
        return CutPicture(dataset=self.dataset, method=self.method, height=height, X=cut_dataset(self.dataset),
                          labels=labels, n_clusters=int(labels.max()) + 1, tree=tree, running=running)


def describe(p: CutPicture) -> str:
    sizes = np.sort(np.bincount(p.labels))[::-1]
    shown = ", ".join(map(str, sizes[:6])) + (", ..." if len(sizes) > 6 else "")
    return f"cut at {p.height:.2f}: {p.n_clusters} cluster{'s' * (p.n_clusters != 1)} of sizes {shown}"


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.0, 3.9), 80
PALETTE = np.array(["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22",
                    "#17becf", "#7f7f7f"])


def dendrogram_explorer(linkage_matrix: Callable | None = None, *, dataset: str = "blobs", method: str = "single",
                        validate: Validate | None = None):
    """Data set and linkage controls, a cut-height slider, a picture and a status line, in a ``VBox``.

    The box carries ``model`` (:class:`DendrogramCut`), ``result`` (the latest :class:`CutPicture`), ``controls``
    ("dataset", "method", "cut"), ``output``, ``status`` and ``last_update``.
    """
    import ipywidgets as widgets

    model = DendrogramCut(dataset=dataset, method=method, linkage_matrix=linkage_matrix, validate=validate)
    controls = {
        "dataset": widgets.Dropdown(options=CUT_DATASETS, value=dataset, description="data"),
        "method": widgets.ToggleButtons(options=METHODS, value=method),
        "cut": widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.01, description="cut height"),
    }
    rows = [widgets.HBox([controls["dataset"], controls["method"]]), controls["cut"]]
    return assemble(model, controls, rows, picture=_Picture(), css_class="explorer-dendrogram",
                    label="<dendrogram>",
                    status=lambda r: (f"{html.escape(describe(r))}<br>{html.escape(r.running)}", ""))


class _Picture:
    def __init__(self) -> None:
        from matplotlib.collections import LineCollection

        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.map_ax, self.tree_ax = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.3]})
        self.figure.subplots_adjust(left=0.04, right=0.98, bottom=0.08, top=0.9, wspace=0.2)
        self.points = self.map_ax.scatter([], [], s=16, linewidths=0.3, edgecolors="k")
        self.map_ax.set_xticks([])
        self.map_ax.set_yticks([])
        self.segments = LineCollection([], colors="k", linewidths=0.8)
        self.tree_ax.add_collection(self.segments)
        self.cut_line = self.tree_ax.axhline(0.0, color="C3", lw=1.4)
        self.tree_ax.set_xticks([])
        self.tree_ax.set_ylabel("merge height")
        self.tree = None

    def draw(self, p: CutPicture) -> bytes:
        if p.tree is not self.tree:   # a new tree: lay out its segments and the points' frame once
            segments = [np.column_stack([xs, ys]) for xs, ys in zip(p.tree.icoord, p.tree.dcoord)]
            self.segments.set_segments(segments)
            self.tree_ax.set_xlim(0, 10 * len(p.X))
            self.tree_ax.set_ylim(0, p.tree.Z[:, 2].max() * 1.05)
            low, high = p.X.min(axis=0), p.X.max(axis=0)
            pad = 0.06 * (high - low)
            self.map_ax.set_xlim(low[0] - pad[0], high[0] + pad[0])
            self.map_ax.set_ylim(low[1] - pad[1], high[1] + pad[1])
            self.points.set_offsets(p.X)
            self.tree = p.tree
        self.points.set_facecolors(PALETTE[p.labels % len(PALETTE)])
        self.cut_line.set_ydata([p.height, p.height])
        self.map_ax.set_title(f"{p.method} linkage: {p.n_clusters} cluster{'s' * (p.n_clusters != 1)} "
                              "below the cut", fontsize=10)
        self.tree_ax.set_title(f"dendrogram; red: the cut at height {p.height:.2f}", fontsize=10)
        return figure_png(self.figure)
