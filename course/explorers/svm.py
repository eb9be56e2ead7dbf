"""Explorer: an RBF support vector machine on two moons, and what C and gamma do to its boundary.

``SVMStudy`` (the model) fits ``SVC`` on a fixed training set and evaluates the decision function on a grid; it
returns an ``SVMPicture`` with everything the view draws (boundary, margins, support vectors, accuracies).
``svm_explorer`` (the view) maps two log sliders to the model and draws.  The kernel matrices come from the
learner's ``rbf_kernel_matrix`` (through ``SVC(kernel="precomputed")``) once it passes its checks.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from sklearn.datasets import make_moons
from sklearn.svm import SVC

from course.explorers.view import LearnerChecks, Validate, assemble, figure_png, guarded, new_figure

__all__ = ["moons", "SVMPicture", "SVMStudy", "svm_explorer"]

EXERCISE_KEY = "week04.rbf_kernel_matrix"
LIMITS = ((-1.6, 2.6), (-1.3, 1.8))


def moons(n_train: int = 100, n_test: int = 300, noise: float = 0.3, seed: int = 0):
    """Two interleaving half circles: (X_train, y_train, X_test, y_test), labels 0/1."""
    X, y = make_moons(n_samples=n_train + n_test, noise=noise, random_state=seed)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


@dataclass(frozen=True, eq=False)
class SVMPicture:
    """What one update draws."""
    C: float
    gamma: float
    grid_x: np.ndarray          # (G,)
    grid_y: np.ndarray          # (G,)
    decision: np.ndarray        # (G, G) decision function; the boundary is its 0 level, the margins ±1
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    support: np.ndarray         # indices into the training set
    train_accuracy: float
    test_accuracy: float
    implementation: str         # "yours" | "reference"
    running: str


@dataclass
class SVMStudy:
    """All the explorer's state.  ``rbf_kernel_matrix(X, Y, gamma)`` is the learner's function (optional)."""
    C: float = 1.0
    gamma: float = 1.0
    rbf_kernel_matrix: Callable | None = None
    validate: Validate | None = None
    grid_size: int = 60
    data: tuple = field(default_factory=moons)
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def __post_init__(self) -> None:
        axes = [np.linspace(low, high, self.grid_size) for low, high in LIMITS]
        self._grid_axes = axes
        self._grid = np.column_stack([a.ravel() for a in np.meshgrid(*axes)])

    def check_kernel(self) -> tuple[bool, str]:
        """Run the checks once per function, not on every slider move."""
        return self._checks.verdict(EXERCISE_KEY, self.rbf_kernel_matrix, self.validate)

    def compute(self) -> SVMPicture:
        """The picture; a kernel that passed its checks but raises on these data is replaced, saying why."""
        return self._checks.compute(self._compute)

    def _compute(self) -> SVMPicture:
        X_train, y_train, X_test, y_test = self.data
        C, gamma = float(self.C), float(self.gamma)
        kernel, why = self._checks.usable(EXERCISE_KEY, self.rbf_kernel_matrix, self.validate)
        if kernel is not None:
            implementation, running = "yours", "kernel: your rbf_kernel_matrix"
            kernel = guarded(EXERCISE_KEY, kernel)
            svc = SVC(C=C, kernel="precomputed").fit(kernel(X_train, X_train, gamma), y_train)
            scores = svc.decision_function(kernel(np.vstack([self._grid, X_train, X_test]), X_train, gamma))
        else:
            implementation = "reference"
            running = "kernel: scikit-learn's RBF" + (why and f" (your rbf_kernel_matrix {why})")
            svc = SVC(C=C, gamma=gamma).fit(X_train, y_train)
            scores = svc.decision_function(np.vstack([self._grid, X_train, X_test]))
        n_grid, n_train = len(self._grid), len(X_train)
        on_train, on_test = scores[n_grid:n_grid + n_train], scores[n_grid + n_train:]
        return SVMPicture(
            C=C, gamma=gamma, grid_x=self._grid_axes[0], grid_y=self._grid_axes[1],
            decision=scores[:n_grid].reshape(self.grid_size, self.grid_size),
            X_train=X_train, y_train=y_train, X_test=X_test, y_test=y_test, support=svc.support_,
            train_accuracy=float(np.mean((on_train > 0) == y_train)),
            test_accuracy=float(np.mean((on_test > 0) == y_test)),
            implementation=implementation, running=running)


def describe(picture: SVMPicture) -> str:
    """One sentence on what the picture shows, in terms of bias and variance."""
    gap = picture.train_accuracy - picture.test_accuracy
    if picture.train_accuracy < 0.85:
        verdict = "underfits: the boundary is too simple (or too soft) to follow the moons (high bias)"
    elif gap > 0.08:
        verdict = "overfits: it wraps around individual training points (high variance)"
    else:
        verdict = "generalises well: training and test accuracy agree"
    share = len(picture.support) / len(picture.y_train)
    return (f"{len(picture.support)} support vectors ({share:.0%} of the training set); "
            f"train accuracy {picture.train_accuracy:.0%}, test {picture.test_accuracy:.0%}: the model {verdict}.")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (6.4, 4.4), 80


def svm_explorer(rbf_kernel_matrix: Callable | None = None, *, C: float = 1.0, gamma: float = 1.0,
                 validate: Validate | None = None):
    """Sliders for C and gamma (log scales), a picture and a status line, in a ``VBox``.

    The box carries ``model`` (:class:`SVMStudy`), ``result`` (the latest :class:`SVMPicture`), ``controls``
    ("C", "gamma"), ``output``, ``status`` and ``last_update`` (milliseconds: compute, render, total).
    """
    import ipywidgets as widgets

    model = SVMStudy(C=C, gamma=gamma, rbf_kernel_matrix=rbf_kernel_matrix, validate=validate)
    controls = {
        "C": widgets.FloatLogSlider(value=C, base=10, min=-2, max=3, step=0.25, description="C",
                                    continuous_update=False),
        "gamma": widgets.FloatLogSlider(value=gamma, base=10, min=-2, max=2, step=0.25, description="gamma",
                                        continuous_update=False),
    }
    panel = widgets.HBox(list(controls.values()))
    panel.add_class("explorer-svm")
    return assemble(model, controls, [panel], picture=_Picture(), css_class=None, label="<svm>",
                    status=lambda result: (f"{html.escape(describe(result))}<br>{html.escape(result.running)}", ""))


class _Picture:
    """One figure for the explorer's lifetime; only the contours and the support-vector rings change."""

    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.ax = self.figure.add_subplot()
        self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.08, top=0.9)
        self.ax.set_xlim(*LIMITS[0])
        self.ax.set_ylim(*LIMITS[1])
        self.drawn: list = []
        self.points_drawn = False

    def draw(self, p: SVMPicture) -> bytes:
        ax = self.ax
        for artist in self.drawn:
            artist.remove()
        if not self.points_drawn:
            colours = np.array(["C0", "C3"])
            ax.scatter(*p.X_test.T, c=colours[p.y_test], s=8, alpha=0.25, linewidths=0, zorder=2)
            ax.scatter(*p.X_train.T, c=colours[p.y_train], s=18, edgecolors="k", linewidths=0.4, zorder=3)
            ax.plot([], [], "o", color="grey", ms=4, alpha=0.4, label="test points")
            ax.plot([], [], "o", mfc="none", mec="k", ms=9, label="support vectors")
            ax.plot([], [], "k-", label="boundary (f = 0)")
            ax.plot([], [], "k--", lw=0.8, label="margins (f = ±1)")
            ax.legend(loc="lower left", fontsize=7, framealpha=0.8)
            self.points_drawn = True
        # Colour saturates beyond |f| = 2: what matters is the sign and the band between the margins.
        filled = ax.contourf(p.grid_x, p.grid_y, np.clip(p.decision, -2.0, 2.0), levels=np.linspace(-2, 2, 17),
                             cmap="RdBu_r", alpha=0.35, zorder=0)
        lines = ax.contour(p.grid_x, p.grid_y, p.decision, levels=[-1.0, 0.0, 1.0], colors="k",
                           linestyles=["--", "-", "--"], linewidths=[0.8, 1.6, 0.8], zorder=1)
        rings = ax.scatter(*p.X_train[p.support].T, s=70, facecolors="none", edgecolors="k", linewidths=0.8,
                           zorder=4)
        self.drawn = [filled, lines, rings]
        ax.set_title(f"RBF SVM: C = {p.C:.3g}, gamma = {p.gamma:.3g} · {len(p.support)} support vectors · "
                     f"train {p.train_accuracy:.0%} / test {p.test_accuracy:.0%}", fontsize=9)
        return figure_png(self.figure)

