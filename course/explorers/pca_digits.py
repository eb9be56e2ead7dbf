"""Explorer: PCA on the 8x8 digits; a slider for the number of components k shows the reconstructions.

``PCADigits`` (the model) runs one PCA of all 1797 digits with every component at construction (the learner's
``pca`` once it passes its checks, else the reference), so moving the slider only takes the first k components of
what is already there.  ``pca_digits_explorer`` (the view) draws the first components as images, six digits and
their rank-k reconstructions, and the cumulative explained variance.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np

from course.explorers.view import LearnerChecks, Validate, assemble, figure_png, guarded, new_figure

__all__ = ["reference_pca", "digits", "mosaic", "PCAFit", "DigitsReconstruction", "PCADigits", "pca_digits_explorer"]

EXERCISE_KEY = "week06.pca"
SHOWN_DIGITS = (0, 1, 2, 3, 4, 5)         # rows of the data set: one each of the digits 0 to 5
SHOWN_COMPONENTS = 6


def reference_pca(X: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """components (k, d), explained-variance ratio (k,), projected (n, k), by the SVD of the centred data."""
    centred = X - X.mean(axis=0)
    _, S, Vt = np.linalg.svd(centred, full_matrices=False)
    variance = S ** 2
    return Vt[:k], variance[:k] / variance.sum(), centred @ Vt[:k].T


@lru_cache(maxsize=1)
def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 8x8 digits as float pixels 0..16, and their labels."""
    from sklearn.datasets import load_digits
    data = load_digits()
    return data.data.astype(float), data.target


@dataclass(frozen=True, eq=False)
class PCAFit:
    mean: np.ndarray               # (64,)
    components: np.ndarray         # (K, 64)
    cumulative_ratio: np.ndarray   # (K,): the variance explained by the first 1, 2, ..., K components
    projected: np.ndarray          # (len(SHOWN_DIGITS), K)
    mse: np.ndarray                # (K,): mean squared pixel error of the rank-k reconstruction of every digit


@dataclass(frozen=True, eq=False)
class DigitsReconstruction:
    k: int
    originals: np.ndarray          # (6, 8, 8)
    reconstructions: np.ndarray    # (6, 8, 8)
    components: np.ndarray         # (SHOWN_COMPONENTS, 8, 8)
    cumulative_ratio: np.ndarray   # (K,)
    explained: float               # cumulative_ratio[k - 1]
    mse: float                     # mean squared pixel error of the rank-k reconstruction over all digits
    implementation: str            # "yours" | "reference"
    running: str


@dataclass
class PCADigits:
    """All the explorer's state.  ``pca(X, k)`` is the learner's function (Exercise 1)."""
    k: int = 10
    pca: Callable | None = None
    validate: Validate | None = None
    _fits: dict = field(default_factory=dict, init=False, repr=False)
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def check_function(self) -> tuple[bool, str]:
        return self._checks.verdict(EXERCISE_KEY, self.pca, self.validate)

    def _who(self) -> tuple[str, str]:
        function, why = self._checks.usable(EXERCISE_KEY, self.pca, self.validate)
        if function is not None:
            return "yours", "components: your pca"
        return "reference", "components: the reference PCA" + (why and f" (your pca {why})")

    @property
    def n_components(self) -> int:
        return digits()[0].shape[1]

    def fit(self, implementation: str) -> PCAFit:
        """One PCA with every component, once per implementation: a k is then a slice."""
        if implementation not in self._fits:
            X, _ = digits()
            run = guarded(EXERCISE_KEY, self.pca) if implementation == "yours" else reference_pca
            components, ratio, projected = (np.asarray(part, dtype=float) for part in run(X, self.n_components))
            mean = X.mean(axis=0)
            # The squared error of a rank-k reconstruction is the variance left in the other components.
            total = np.sum((X - mean) ** 2) / X.size
            self._fits[implementation] = PCAFit(
                mean=mean, components=components, cumulative_ratio=np.minimum(np.cumsum(ratio), 1.0),
                projected=projected[list(SHOWN_DIGITS)],
                mse=np.maximum(total * (1 - np.cumsum(ratio)), 0.0))
        return self._fits[implementation]

    def compute(self) -> DigitsReconstruction:
        return self._checks.compute(self._compute)

    def _compute(self) -> DigitsReconstruction:
        implementation, running = self._who()
        fit = self.fit(implementation)
        k = int(np.clip(self.k, 1, len(fit.cumulative_ratio)))
        X, _ = digits()
        reconstructions = fit.mean + fit.projected[:, :k] @ fit.components[:k]
        return DigitsReconstruction(
            k=k, originals=X[list(SHOWN_DIGITS)].reshape(-1, 8, 8), reconstructions=reconstructions.reshape(-1, 8, 8),
            components=fit.components[:SHOWN_COMPONENTS].reshape(-1, 8, 8), cumulative_ratio=fit.cumulative_ratio,
            explained=float(fit.cumulative_ratio[k - 1]), mse=float(fit.mse[k - 1]),
            implementation=implementation, running=running)


def describe(r: DigitsReconstruction) -> str:
    return (f"k = {r.k} of 64 components: {r.explained:.1%} of the variance; mean squared pixel error "
            f"{r.mse:.2f} (pixels run from 0 to 16); storage {r.k} numbers per digit + {r.k} x 64 for the components")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.0, 4.2), 80


def pca_digits_explorer(pca: Callable | None = None, *, k: int = 10, validate: Validate | None = None):
    """A slider for k, a picture and a status line, in a ``VBox``.

    The box carries ``model`` (:class:`PCADigits`), ``result`` (the latest :class:`DigitsReconstruction`),
    ``controls`` ("k"), ``output``, ``status`` and ``last_update``.
    """
    import ipywidgets as widgets

    model = PCADigits(k=k, pca=pca, validate=validate)
    controls = {"k": widgets.IntSlider(value=k, min=1, max=64, description="components k",
                                       style={"description_width": "initial"},
                                       layout=widgets.Layout(width="480px"))}
    return assemble(model, controls, [controls["k"]], picture=_Picture(), css_class="explorer-pca-digits",
                    label="<pca digits>",
                    status=lambda r: (f"{html.escape(describe(r))}<br>{html.escape(r.running)}", ""))


def mosaic(images: np.ndarray) -> np.ndarray:
    """8x8 images side by side in one array, a blank (NaN) column between neighbours: one image to draw, not six."""
    gap = np.full((images.shape[1], 1), np.nan)
    return np.hstack([part for image in images for part in (image, gap)][:-1])


class _Picture:
    """One figure for the explorer's lifetime: three mosaics and a curve, created once and updated in place."""

    def __init__(self) -> None:
        from matplotlib import colormaps

        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        grid = self.figure.add_gridspec(3, 2, width_ratios=[1.45, 1], left=0.08, right=0.97, bottom=0.12, top=0.9,
                                        wspace=0.18, hspace=0.3)
        self.components_ax, self.originals_ax, self.reconstructions_ax = (self.figure.add_subplot(grid[row, 0])
                                                                          for row in range(3))
        for ax, label in ((self.components_ax, "components"), (self.originals_ax, "digits"),
                          (self.reconstructions_ax, "rank k")):
            ax.set_axis_off()   # no spines or ticks to lay out on every update
            ax.text(-0.01, 0.5, label, transform=ax.transAxes, ha="right", va="center", rotation=90, fontsize=9)
        self.grey = colormaps["gray_r"].with_extremes(bad="white")
        self.diverging = colormaps["RdBu_r"].with_extremes(bad="white")
        self.reconstructions = None
        ax = self.curve_ax = self.figure.add_subplot(grid[:, 1])
        (self.curve,) = ax.plot([], [], color="C0", lw=1.5)
        self.k_line = ax.axvline(1, color="C3", lw=1.2)
        (self.k_point,) = ax.plot([], [], "o", color="C3")
        ax.set_xlim(0, 65)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("number of components k")
        ax.set_ylabel("cumulative explained variance")
        ax.grid(alpha=0.3)

    def draw(self, r: DigitsReconstruction) -> bytes:
        if self.reconstructions is None:
            scaled = r.components / np.abs(r.components).max(axis=(1, 2), keepdims=True)   # each in -1..1
            self.components_ax.imshow(mosaic(scaled), cmap=self.diverging, vmin=-1, vmax=1)
            self.components_ax.set_title(f"the first {SHOWN_COMPONENTS} principal components (red +, blue −)",
                                         fontsize=9)
            self.originals_ax.imshow(mosaic(r.originals), cmap=self.grey, vmin=0, vmax=16)
            self.reconstructions = self.reconstructions_ax.imshow(mosaic(r.reconstructions), cmap=self.grey,
                                                                  vmin=0, vmax=16)
            self.curve.set_data(np.arange(1, len(r.cumulative_ratio) + 1), r.cumulative_ratio)
        else:
            self.reconstructions.set_data(mosaic(r.reconstructions))
        self.k_line.set_xdata([r.k, r.k])
        self.k_point.set_data([r.k], [r.explained])
        self.curve_ax.set_title(f"k = {r.k}: {r.explained:.1%} of the variance", fontsize=10)
        return figure_png(self.figure)
