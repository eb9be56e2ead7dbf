"""Explorer: decision regions of logistic regression (penalty C, feature degree) and of a decision tree (depth).

The model (``DecisionRegions``) fits a classifier to a 2-D data set and returns, for a grid over the plane, the
probability of class 1, with training and test accuracy, and an accuracy curve over C or over the depth.  The
view (``decision_regions_explorer``) only maps widgets to fields and draws.  Logistic regression runs the
learner's ``logistic_fit`` and the tree is grown with the learner's ``best_split`` once they pass their checks;
until then scikit-learn does the fitting (saying so).
"""
from __future__ import annotations

import html
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course.explorers.view import KeyedValidate, LearnerChecks, assemble, figure_png, guarded, new_figure

__all__ = ["make_dataset", "DATASETS", "Tree", "grow_tree", "sklearn_logistic_fit", "sklearn_best_split",
           "RegionsPicture", "DecisionRegions", "decision_regions_explorer"]

DATASETS = ("moons", "circles", "overlapping blobs")
C_VALUES = np.logspace(-3, 3, 13)      # the C axis of the accuracy curve
MAX_DEPTH = 10
Validate = Callable[[str, Callable], tuple[bool, str]]    # (exercise key, function) -> (passes, why not)


def make_dataset(name: str, n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X_train, y_train, X_test, y_test): two features, labels 0/1, two thirds for training."""
    from sklearn.datasets import make_blobs, make_circles, make_moons
    if name == "moons":
        X, y = make_moons(n_samples=n, noise=0.3, random_state=seed)
    elif name == "circles":
        X, y = make_circles(n_samples=n, noise=0.15, factor=0.5, random_state=seed)
    elif name == "overlapping blobs":
        X, y = make_blobs(n_samples=n, centers=[[-1.0, -0.5], [1.0, 0.5]], cluster_std=1.1, random_state=seed)
    else:
        raise ValueError(f"unknown data set {name!r}; choose one of {DATASETS}")
    train = np.random.default_rng(seed).permutation(n) < 2 * n // 3
    return X[train], y[train], X[~train], y[~train]


# ----------------------------------------------------------------------------- logistic regression


def _monomials(X: np.ndarray, degree: int) -> np.ndarray:
    """Every x1^a x2^b with 1 <= a + b <= degree: a curved boundary from a linear model."""
    return np.column_stack([X[:, 0] ** (total - b) * X[:, 1] ** b
                            for total in range(1, degree + 1) for b in range(total + 1)])


def sklearn_logistic_fit(X: np.ndarray, y: np.ndarray, C: float) -> tuple[np.ndarray, float]:
    """scikit-learn's answer to the same question as the learner's logistic_fit: (w, b)."""
    from sklearn.linear_model import LogisticRegression
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(C=C, solver="newton-cholesky", max_iter=500).fit(X, y)   # fast on few features
    return model.coef_[0], float(model.intercept_[0])


# ----------------------------------------------------------------------------- decision trees


@dataclass(frozen=True, eq=False)
class Tree:
    """A binary tree in arrays (node 0 is the root); a node with feature -1 is a leaf."""
    feature: np.ndarray          # (m,) int
    threshold: np.ndarray        # (m,)
    left: np.ndarray             # (m,) child index for x[feature] <= threshold
    right: np.ndarray            # (m,)
    depth: np.ndarray            # (m,)
    positive_fraction: np.ndarray   # (m,) share of class 1 among the node's training examples

    def predict_proba(self, X: np.ndarray, max_depth: int) -> np.ndarray:
        """P(class 1) for each row of X, reading the tree only down to ``max_depth``."""
        node = np.zeros(len(X), dtype=int)
        for _ in range(max_depth):
            inner = (self.feature[node] >= 0) & (self.depth[node] < max_depth)
            if not inner.any():
                break
            at = node[inner]
            goes_left = X[inner, self.feature[at]] <= self.threshold[at]
            node[inner] = np.where(goes_left, self.left[at], self.right[at])
        return self.positive_fraction[node]


def sklearn_best_split(X: np.ndarray, y: np.ndarray, criterion: str) -> tuple[int, float]:
    """The root split of scikit-learn's depth-1 tree: what the learner's best_split computes."""
    from sklearn.tree import DecisionTreeClassifier
    stump = DecisionTreeClassifier(max_depth=1, criterion=criterion, random_state=0).fit(X, y).tree_
    return int(stump.feature[0]), float(stump.threshold[0])


def grow_tree(X: np.ndarray, y: np.ndarray, best_split: Callable, criterion: str = "gini",
              max_depth: int = MAX_DEPTH) -> Tree:
    """Grow greedily: split every impure node with ``best_split(X_node, y_node, criterion)`` until max_depth."""
    nodes: list[list] = []     # [feature, threshold, left, right, depth, positive fraction]

    def build(rows: np.ndarray, depth: int) -> int:
        index = len(nodes)
        nodes.append([-1, 0.0, -1, -1, depth, float(np.mean(y[rows] == 1))])
        splittable = np.ptp(X[rows], axis=0).max() > 0 and len(np.unique(y[rows])) > 1
        if depth < max_depth and splittable:
            feature, threshold = best_split(X[rows], y[rows], criterion)
            goes_left = X[rows, int(feature)] <= threshold
            if goes_left.any() and not goes_left.all():   # a split must separate something
                nodes[index][:2] = [int(feature), float(threshold)]
                nodes[index][2] = build(rows[goes_left], depth + 1)
                nodes[index][3] = build(rows[~goes_left], depth + 1)
        return index

    build(np.arange(len(y)), 0)
    columns = list(zip(*nodes))
    return Tree(feature=np.array(columns[0], dtype=int), threshold=np.array(columns[1], dtype=float),
                left=np.array(columns[2], dtype=int), right=np.array(columns[3], dtype=int),
                depth=np.array(columns[4], dtype=int), positive_fraction=np.array(columns[5], dtype=float))


# ----------------------------------------------------------------------------- the model


@dataclass(frozen=True, eq=False)
class RegionsPicture:
    """What one update draws."""
    dataset: str
    model: str                   # "logistic regression" | "decision tree"
    setting: str                 # "C = 1, degree 3" or "depth 4, gini"
    grid_x: np.ndarray           # (G,)
    grid_y: np.ndarray           # (G,)
    probability: np.ndarray      # (G, G) P(class 1) at (grid_x[j], grid_y[i])
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    train_accuracy: float
    test_accuracy: float
    curve_x: np.ndarray          # C values or depths
    curve_train: np.ndarray      # training accuracy along curve_x
    curve_test: np.ndarray
    curve_label: str
    current_x: float
    running: str


@dataclass
class DecisionRegions:
    """All the explorer's state; the learner's functions are optional and used once they pass their checks."""
    dataset: str = "moons"
    model: str = "logistic regression"
    C: float = 1.0
    degree: int = 3
    depth: int = 3
    criterion: str = "gini"
    logistic_fit: Callable | None = None
    best_split: Callable | None = None
    validate: Validate | None = None
    grid_size: int = 120
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)
    _cache: dict = field(default_factory=dict, init=False, repr=False)

    def _learners(self, key: str, function: Callable | None) -> tuple[Callable | None, str]:
        """The learner's function if it passes its checks (checked once), else None and why not."""
        name = key.split(".")[1]
        if function is None:
            return None, f"running: scikit-learn (pass your {name} to use yours)"
        validate = None if self.validate is None else KeyedValidate(self.validate, key)
        usable, why = self._checks.usable(key, function, validate)
        if usable is None:
            return None, f"running: scikit-learn (your {name} {why})"
        return usable, f"running: your {name}"

    def compute(self) -> RegionsPicture:
        """The picture for the current settings; a learner's function that fails here is replaced, saying why."""
        return self._checks.compute(self._compute)

    def _compute(self) -> RegionsPicture:
        X_train, y_train, X_test, y_test = self._data()
        low, high = np.minimum(X_train.min(0), X_test.min(0)) - 0.5, np.maximum(X_train.max(0), X_test.max(0)) + 0.5
        grid_x, grid_y = np.linspace(low[0], high[0], self.grid_size), np.linspace(low[1], high[1], self.grid_size)
        grid = np.column_stack([a.ravel() for a in np.meshgrid(grid_x, grid_y)])
        if self.model == "logistic regression":
            predict, curve, running = self._logistic(X_train, y_train, X_test, y_test)
            setting, curve_label, current = f"C = {self.C:.3g}, degree {self.degree}", "C (log scale)", self.C
        elif self.model == "decision tree":
            predict, curve, running = self._tree(X_train, y_train, X_test, y_test)
            setting, curve_label, current = f"depth {self.depth}, {self.criterion}", "depth", self.depth
        else:
            raise ValueError(f"unknown model {self.model!r}")
        accuracy = lambda X, y: float(np.mean((predict(X) > 0.5) == y))  # noqa: E731
        return RegionsPicture(
            dataset=self.dataset, model=self.model, setting=setting, grid_x=grid_x, grid_y=grid_y,
            probability=predict(grid).reshape(self.grid_size, self.grid_size), X_train=X_train, y_train=y_train,
            X_test=X_test, y_test=y_test, train_accuracy=accuracy(X_train, y_train),
            test_accuracy=accuracy(X_test, y_test), curve_x=curve[0], curve_train=curve[1], curve_test=curve[2],
            curve_label=curve_label, current_x=float(current), running=running)

    def _data(self):
        if ("data", self.dataset) not in self._cache:
            self._cache[("data", self.dataset)] = make_dataset(self.dataset)
        return self._cache[("data", self.dataset)]

    def _logistic(self, X_train, y_train, X_test, y_test):
        function, running = self._learners("week03.logistic_fit", self.logistic_fit)
        fit = guarded("week03.logistic_fit", function) if function else sklearn_logistic_fit
        raw = _monomials(X_train, self.degree)
        mean, scale = raw.mean(axis=0), raw.std(axis=0)   # standardised features: one C suits every column

        def features(X):
            return (_monomials(X, self.degree) - mean) / scale

        def fitted(C):
            key = ("logistic", self.dataset, self.degree, float(C), function)
            if key not in self._cache:
                w, b = fit(features(X_train), y_train.astype(float), float(C))
                self._cache[key] = (np.asarray(w, dtype=float), float(b))
            return self._cache[key]

        def predictor(C):
            w, b = fitted(C)
            return lambda X: 1.0 / (1.0 + np.exp(-np.clip(features(X) @ w + b, -500, 500)))

        curve_key = ("logistic curve", self.dataset, self.degree, function)
        if curve_key not in self._cache:
            scores = [(np.mean((predictor(C)(X_train) > 0.5) == y_train), np.mean((predictor(C)(X_test) > 0.5)
                                                                                  == y_test)) for C in C_VALUES]
            self._cache[curve_key] = (C_VALUES, *np.array(scores).T)
        return predictor(self.C), self._cache[curve_key], running

    def _tree(self, X_train, y_train, X_test, y_test):
        function, running = self._learners("week03.best_split", self.best_split)
        split = guarded("week03.best_split", function) if function else sklearn_best_split
        key = ("tree", self.dataset, self.criterion, function)
        if key not in self._cache:   # grown once to MAX_DEPTH; a shallower tree is read off the same one
            tree = grow_tree(X_train, y_train, split, self.criterion, MAX_DEPTH)
            depths = np.arange(1, MAX_DEPTH + 1)
            curve = (depths, *np.array([(np.mean((tree.predict_proba(X_train, d) > 0.5) == y_train),
                                         np.mean((tree.predict_proba(X_test, d) > 0.5) == y_test))
                                        for d in depths]).T)
            self._cache[key] = (tree, curve)
        tree, curve = self._cache[key]
        return (lambda X: tree.predict_proba(X, int(self.depth))), curve, running


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.5, 4.2), 80
CLASS_COLOURS = (np.array([0.12, 0.47, 0.71, 1.0]), np.array([0.84, 0.15, 0.16, 1.0]))   # C0, C3


def decision_regions_explorer(logistic_fit: Callable | None = None, best_split: Callable | None = None, *,
                              model: str = "logistic regression", dataset: str = "moons",
                              validate: Validate | None = None):
    """Model, data set, C, degree, depth and criterion controls, a picture and a status line, in a ``VBox``.

    The box carries ``model`` (:class:`DecisionRegions`), ``result``, ``controls`` ("model", "dataset", "C",
    "degree", "depth", "criterion"), ``output``, ``status`` and ``last_update`` (milliseconds).
    """
    import ipywidgets as widgets

    state = DecisionRegions(dataset=dataset, model=model, logistic_fit=logistic_fit, best_split=best_split,
                            validate=validate)
    style = {"description_width": "initial"}
    controls = {
        "model": widgets.ToggleButtons(options=["logistic regression", "decision tree"], value=model),
        "dataset": widgets.Dropdown(options=list(DATASETS), value=dataset, description="data"),
        "C": widgets.FloatLogSlider(value=state.C, base=10, min=-3, max=3, step=0.25, readout_format=".3g",
                                    description="C (1/penalty)", style=style),
        "degree": widgets.IntSlider(value=state.degree, min=1, max=6, description="feature degree", style=style),
        "depth": widgets.IntSlider(value=state.depth, min=1, max=MAX_DEPTH, description="tree depth",
                                   style=style),
        "criterion": widgets.ToggleButtons(options=["gini", "entropy"], value=state.criterion),
    }
    logistic_row = widgets.HBox([controls["C"], controls["degree"]])
    tree_row = widgets.HBox([controls["depth"], controls["criterion"]])

    def apply() -> None:
        for name, widget in controls.items():
            setattr(state, name, widget.value)
        logistic = state.model == "logistic regression"
        logistic_row.layout.display = None if logistic else "none"
        tree_row.layout.display = "none" if logistic else None

    def status(result: RegionsPicture) -> tuple[str, str]:
        return (f"{result.model} ({result.setting}): training accuracy {result.train_accuracy:.1%}, "
                f"test accuracy {result.test_accuracy:.1%} · {html.escape(result.running)}"), ""

    rows = [widgets.HBox([controls["model"], controls["dataset"]]), logistic_row, tree_row]
    return assemble(state, controls, rows, picture=_Picture(), css_class="explorer-decision-regions",
                    label="<decision regions>", status=status, apply=apply)


class _Picture:
    """One figure for the explorer's lifetime; artists are made once and only their data change."""

    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.figure.subplots_adjust(left=0.06, right=0.98, bottom=0.13, top=0.9, wspace=0.2)
        self.region_ax, self.curve_ax = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1]})
        ax = self.region_ax
        self.image = ax.imshow(np.zeros((2, 2)), origin="lower", cmap="RdBu_r", vmin=0.0, vmax=1.0, alpha=0.55,
                               aspect="auto", interpolation="bilinear")
        self.boundary = None
        style = dict(s=14, edgecolors="k", linewidths=0.4)
        self.train_points = ax.scatter([], [], marker="o", label="train", **style)
        self.test_points = ax.scatter([], [], marker="^", label="test", **style)
        ax.legend(loc="lower right", fontsize=8)
        ax = self.curve_ax
        (self.train_curve,) = ax.plot([], [], "o-", color="C2", ms=3, label="training accuracy")
        (self.test_curve,) = ax.plot([], [], "o-", color="C3", ms=3, label="test accuracy")
        self.current_line = ax.axvline(1.0, color="k", lw=0.8)
        ax.set_ylim(0.45, 1.02)
        ax.set_title("accuracy: training keeps rising, test does not", fontsize=10)
        ax.legend(fontsize=8, loc="lower right")
        self.curve_model: str | None = None

    def draw(self, result: RegionsPicture) -> bytes:
        ax = self.region_ax
        extent = (result.grid_x[0], result.grid_x[-1], result.grid_y[0], result.grid_y[-1])
        self.image.set_data(result.probability)
        self.image.set_extent(extent)
        self.image.set_interpolation("nearest" if result.model == "decision tree" else "bilinear")
        if self.boundary is not None:
            self.boundary.remove()
        self.boundary = ax.contour(result.grid_x, result.grid_y, result.probability, levels=[0.5], colors="k",
                                   linewidths=1.5)
        for points, X, y in ((self.train_points, result.X_train, result.y_train),
                             (self.test_points, result.X_test, result.y_test)):
            points.set_offsets(X)
            points.set_facecolors(np.where(y[:, None] == 1, CLASS_COLOURS[1], CLASS_COLOURS[0]))
        ax.set_xlim(extent[:2])
        ax.set_ylim(extent[2:])
        ax.set_title(f"{result.model}, {result.setting}: P(class 1) and the 0.5 boundary", fontsize=10)

        if result.model != self.curve_model:   # changing the axis scale is slow: only when the model changes
            self.curve_ax.set_xscale("log" if result.model == "logistic regression" else "linear")
            self.curve_ax.set_xlabel(result.curve_label)
            self.curve_model = result.model
        self.train_curve.set_data(result.curve_x, result.curve_train)
        self.test_curve.set_data(result.curve_x, result.curve_test)
        self.current_line.set_xdata([result.current_x] * 2)
        span = (result.curve_x[0] / 1.5, result.curve_x[-1] * 1.5) if result.model == "logistic regression" else (
            result.curve_x[0] - 0.5, result.curve_x[-1] + 0.5)
        self.curve_ax.set_xlim(span)
        return figure_png(self.figure)

