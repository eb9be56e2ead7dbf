"""Explorer: polynomial degree and ridge penalty against bias, variance, training and test error.

The model (``BiasVarianceStudy``) fits polynomial ridge regressions of every degree to many training sets drawn
from the same noisy curve (1000 by default), and estimates from those fits what the picture shows: the spread of
the fits (variance), how far their average is from the truth (bias²), the training error and the expected test
error bias² + variance + noise².  ``bias_variance_explorer`` (the view) only maps sliders to fields and draws.

Two details make the estimates right rather than merely plausible:

- **Unbiased estimates.**  With S training sets, the squared distance between the *average* of the fits and the
  truth overstates bias² by variance / S on average (the average of S fits still wobbles).  The model subtracts
  that (``(mean fit − truth)² − s² / S``, s² the sample variance with S − 1), so bias² and variance are both
  unbiased, and bias² + variance equals the mean over training sets of (fit − truth)².
- **Scored where there are data.**  Training inputs are uniform on [-1, 1]; near the ends a set often has no point,
  and a high-degree polynomial extrapolates wildly there.  The errors are averaged over x in [-0.8, 0.8]
  (``scored``), the inner part of the range; the fits are still drawn over all of it.

Ridge fits are linear in the targets, so the fits to ``f(x) + σ ε`` are the fits to ``f(x)`` plus σ times the
fits to ``ε``: one batch of fits per penalty serves every noise level, and moving the degree or the noise costs
no fitting at all.  The statistics come from the batched reference ridge; the learner's ``ridge_fit``, once it
passes its checks, fits the training sets that are drawn, and must agree with the reference on them.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course.explorers.view import (LearnerChecks, LearnerFailed, Validate, assemble, figure_png, guarded,
                                   new_figure)

__all__ = ["true_curve", "polynomial_features", "reference_ridge_fits", "bias_variance_estimates",
           "BiasVariancePicture", "BiasVarianceStudy", "bias_variance_explorer"]

EXERCISE_KEY = "week03.ridge_fit"
DRAWN = 12   # fits drawn on the left: enough to show the spread


def true_curve(x: np.ndarray) -> np.ndarray:
    """The function the data come from (unknown to the models)."""
    return np.sin(2.5 * x) + 0.5 * x


def polynomial_features(x: np.ndarray, degree: int) -> np.ndarray:
    """Columns x, x², ..., x^degree (no constant column: ridge_fit has its own unpenalised intercept)."""
    return np.asarray(x, dtype=float)[..., None] ** np.arange(1, degree + 1)


def reference_ridge_fits(features: np.ndarray, targets: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Ridge on a stack of training sets at once.

    features (S, n, p), targets (S, n) -> coefs (S, p), intercepts (S,); the intercepts are not penalised.
    """
    feature_means, target_means = features.mean(axis=1, keepdims=True), targets.mean(axis=1, keepdims=True)
    centred, centred_targets = features - feature_means, targets - target_means
    gram = np.einsum("snp,snq->spq", centred, centred) + alpha * np.eye(features.shape[2])
    coefs = np.linalg.solve(gram, np.einsum("snp,sn->sp", centred, centred_targets)[..., None])[..., 0]
    return coefs, target_means[:, 0] - np.einsum("sp,sp->s", feature_means[:, 0], coefs)


def bias_variance_estimates(predictions: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """(bias², variance) averaged over the inputs, from predictions (S, G) of S independent fits at G inputs.

    Both are unbiased: variance is the sample variance over fits (divided by S − 1), and bias² is the squared
    error of the average fit minus variance / S, the part of it that comes from averaging only S fits.  So
    bias² may come out slightly negative when the true bias² is near 0.
    """
    predictions = np.asarray(predictions, dtype=float)
    S = predictions.shape[0]
    variance = predictions.var(axis=0, ddof=1)
    bias2 = (predictions.mean(axis=0) - truth) ** 2 - variance / S
    return float(bias2.mean()), float(variance.mean())


@dataclass(frozen=True, eq=False)
class BiasVariancePicture:
    """What one update draws; the error curves have one entry per degree in ``degrees``."""
    degree: int
    alpha: float
    noise: float
    x_grid: np.ndarray          # (G,) where fits are drawn, uniform on [-1, 1]
    truth: np.ndarray           # (G,)
    scored: tuple               # (low, high): the errors average over the x_grid points in this range
    x_train: np.ndarray         # (n,) the first training set, to show one sample of data
    y_train: np.ndarray
    fits: np.ndarray            # (DRAWN, G): the chosen degree's fits to the first DRAWN training sets
    mean_fit: np.ndarray        # (G,): the chosen degree's average fit over all n_sets training sets
    n_sets: int
    degrees: np.ndarray         # (D,)
    train_mse: np.ndarray       # (D,) mean over training sets of the error on their own data
    test_mse: np.ndarray        # (D,) expected squared error on new data in the scored range = bias2 + variance + noise²
    bias2: np.ndarray           # (D,) unbiased estimates (may dip just below 0 where the true value is ~0)
    variance: np.ndarray        # (D,)
    implementation: str         # "yours" | "reference"
    running: str


@dataclass(frozen=True, eq=False)
class _Fits:
    """For one penalty: per degree, what any noise level needs (index 0: fits to f(x), index 1: fits to ε)."""
    drawn: list          # per degree: predictions (DRAWN, G, 2) of the drawn sets on the grid
    mean: np.ndarray     # (D, G, 2) average prediction over all sets
    cov: np.ndarray      # (D, Gs, 3) over sets, at the scored points: var of f-part, covariance, var of ε-part
    train: np.ndarray    # (D, 3): mean squared training residual: f·f, f·ε, ε·ε parts


@dataclass
class BiasVarianceStudy:
    """All the explorer's state.  ``ridge_fit(X, y, alpha) -> (coef, intercept)`` is the learner's function."""
    degree: int = 3
    alpha: float = 1e-6
    noise: float = 0.3
    ridge_fit: Callable | None = None
    validate: Validate | None = None
    n_train: int = 25
    n_sets: int = 1000
    max_degree: int = 15
    scored: tuple = (-0.8, 0.8)
    seed: int = 0
    _draws: tuple = field(default=None, init=False, repr=False)
    _prepared: dict = field(default=None, init=False, repr=False)
    _cache: dict = field(default_factory=dict, init=False, repr=False)
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def __post_init__(self) -> None:
        # One set of random draws for the explorer's lifetime: moving a slider never reshuffles the data.
        rng = np.random.default_rng(self.seed)
        x = rng.uniform(-1.0, 1.0, size=(self.n_sets, self.n_train))
        eps = rng.normal(size=(self.n_sets, self.n_train))
        self._draws = (x, eps)
        # What every penalty shares: features of the highest degree (a lower degree takes the first columns),
        # their centred Gram matrices and the right-hand sides for both targets.
        features = polynomial_features(x, self.max_degree)                       # (S, n, P)
        targets = np.stack([true_curve(x), eps], axis=-1)                        # (S, n, 2)
        feature_means, target_means = features.mean(axis=1), targets.mean(axis=1)
        centred = features - feature_means[:, None]
        x_grid = np.linspace(-1.0, 1.0, 101)
        low, high = self.scored
        self._prepared = dict(
            features=features, targets=targets, feature_means=feature_means, target_means=target_means,
            gram=np.matmul(centred.transpose(0, 2, 1), centred),
            rhs=np.matmul(centred.transpose(0, 2, 1), targets - target_means[:, None]),
            target_products=np.matmul((targets - target_means[:, None]).transpose(0, 2, 1),
                                      targets - target_means[:, None]),
            x_grid=x_grid, grid_features=polynomial_features(x_grid, self.max_degree),
            scored=(x_grid >= low - 1e-12) & (x_grid <= high + 1e-12))

    def check_ridge_fit(self) -> tuple[bool, str]:
        """(passes, why not); the checks run once per function, not on every slider move."""
        ridge_fit, why = self._checks.usable(EXERCISE_KEY, self.ridge_fit, self.validate)
        return ridge_fit is not None, why

    def compute(self) -> BiasVariancePicture:
        """The picture; a ridge_fit that passed its checks but raises on these data is replaced, saying why."""
        return self._checks.compute(self._compute)

    def _compute(self) -> BiasVariancePicture:
        ridge_fit, why = self._checks.usable(EXERCISE_KEY, self.ridge_fit, self.validate)
        alpha, noise, k = float(self.alpha), float(self.noise), int(self.degree) - 1
        fits = self._fits(alpha)
        prepared = self._prepared
        x_grid, scored = prepared["x_grid"], prepared["scored"]
        truth = true_curve(x_grid)
        S = self.n_sets
        mean = fits.mean[..., 0] + noise * fits.mean[..., 1]                                  # (D, G)
        cov = fits.cov
        variance_at = cov[..., 0] + 2 * noise * cov[..., 1] + noise ** 2 * cov[..., 2]         # (D, Gs)
        bias2 = np.mean((mean[:, scored] - truth[scored]) ** 2 - variance_at / S, axis=1)
        variance = variance_at.mean(axis=1)
        train = fits.train
        train_mse = train[:, 0] + 2 * noise * train[:, 1] + noise ** 2 * train[:, 2]
        drawn = fits.drawn[k][..., 0] + noise * fits.drawn[k][..., 1]                       # (DRAWN, G)
        if ridge_fit is not None:
            drawn = self._learners_drawn_fits(ridge_fit, alpha, noise, k, drawn)
            implementation, running = "yours", "running: your ridge_fit"
        else:
            implementation, running = "reference", "running: the reference" + (why and f" (your ridge_fit {why})")
        x, eps = self._draws
        return BiasVariancePicture(
            degree=k + 1, alpha=alpha, noise=noise, x_grid=x_grid, truth=truth,
            scored=(float(x_grid[scored][0]), float(x_grid[scored][-1])),
            x_train=x[0], y_train=true_curve(x[0]) + noise * eps[0], fits=drawn, mean_fit=mean[k], n_sets=S,
            degrees=np.arange(1, self.max_degree + 1), train_mse=train_mse,
            test_mse=bias2 + variance + noise ** 2, bias2=bias2, variance=variance,
            implementation=implementation, running=running)

    def _learners_drawn_fits(self, ridge_fit: Callable, alpha: float, noise: float, k: int,
                             reference: np.ndarray) -> np.ndarray:
        """The drawn fits by the learner's ridge_fit (cached per penalty and degree); they must match the
        reference, which computes the statistics over all training sets."""
        key = ("yours", id(ridge_fit), alpha, k)
        if key not in self._cache:
            x, eps = self._draws
            fit = guarded(EXERCISE_KEY, ridge_fit)
            grid_features = self._prepared["grid_features"][:, :k + 1]
            parts = []
            for s in range(min(DRAWN, self.n_sets)):
                features = self._prepared["features"][s, :, :k + 1]
                pair = []
                for targets in (true_curve(x[s]), eps[s]):
                    coef, intercept = fit(features, targets, alpha)
                    pair.append(grid_features @ np.asarray(coef, dtype=float).reshape(-1) + float(intercept))
                parts.append(np.stack(pair, axis=-1))
            self._cache[key] = (ridge_fit, np.array(parts))
        parts = self._cache[key][1]
        drawn = parts[..., 0] + noise * parts[..., 1]
        scale = max(1.0, float(np.max(np.abs(reference))))
        if not np.allclose(drawn, reference, rtol=1e-6, atol=1e-6 * scale):
            worst = float(np.max(np.abs(drawn - reference)))
            raise LearnerFailed(EXERCISE_KEY, ridge_fit, ValueError(
                f"its fits differ from the reference ridge's by up to {worst:.3g} at degree {k + 1}, "
                f"alpha {alpha:.1e}"))
        return drawn

    def _fits(self, alpha: float) -> _Fits:
        """Everything the picture needs for one penalty, for every degree and noise level; cached per penalty
        (about 300 kB each), so going back to a penalty costs nothing.

        - Degree d's penalised Gram matrix is the leading d x d block of the highest degree's, so one Cholesky
          factor L (and its inverse M, lower triangular too) serves every degree: coef_d = M_dᵀ (M r)_d.
        - A prediction is linear in the coefficients, so its mean and (co)variance over the training sets at any
          input follow from the coefficient vectors (intercept first) by one matrix product per degree.
        - The training error needs no predictions either: RSS = yᵀy − coefᵀr − alpha·|coef|² (centred).
        """
        key = ("reference", alpha)
        if key not in self._cache:
            p = self._prepared
            S, D, P = self.n_sets, self.max_degree, self.max_degree
            inverse_factor = np.linalg.inv(np.linalg.cholesky(p["gram"] + alpha * np.eye(P)))   # M = L⁻¹
            half_solved = np.matmul(inverse_factor, p["rhs"])                                   # (S, P, 2)
            grid_design = np.column_stack([np.ones(len(p["x_grid"])), p["grid_features"]])     # (G, 1 + P)
            scored_design = grid_design[p["scored"]]
            drawn, means, covs, trains = [], [], [], []
            factor_t = inverse_factor.transpose(0, 2, 1)
            for degree in range(1, D + 1):
                coefs = np.matmul(factor_t[:, :degree, :degree], half_solved[:, :degree])     # (S, d, 2)
                coefs_t = coefs.transpose(0, 2, 1)
                rss = (p["target_products"] - np.matmul(coefs_t, p["rhs"][:, :degree])
                       - alpha * np.matmul(coefs_t, coefs))                                    # (S, 2, 2)
                train = rss.mean(axis=0) / self.n_train
                trains.append([train[0, 0], train[0, 1], train[1, 1]])
                intercepts = p["target_means"] - np.matmul(p["feature_means"][:, None, :degree], coefs)[:, 0]
                full = np.concatenate([intercepts[:, None], coefs], axis=1)                # (S, 1 + d, 2)
                design = grid_design[:, :degree + 1]
                average = full.mean(axis=0)
                means.append(design @ average)                                             # (G, 2)
                drawn.append(np.matmul(design, full[:DRAWN]))                              # (DRAWN, G, 2)
                centred = np.ascontiguousarray((full - average).transpose(2, 0, 1)).reshape(2 * S, degree + 1)
                projected = (centred @ scored_design[:, :degree + 1].T).reshape(2, S, -1)  # (2, S, Gs)
                covs.append(np.stack([np.einsum("sg,sg->g", projected[0], projected[0]),
                                      np.einsum("sg,sg->g", projected[0], projected[1]),
                                      np.einsum("sg,sg->g", projected[1], projected[1])], axis=-1) / (S - 1))
            if len(self._cache) > 64:   # every value of the alpha slider fits; memory stays bounded anyway
                self._cache.clear()
            self._cache[key] = _Fits(drawn=drawn, mean=np.array(means), cov=np.array(covs), train=np.array(trains))
        return self._cache[key]


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.5, 4.0), 72
ERROR_FLOOR = 1e-4   # a log axis cannot show 0 (nor an unbiased bias² estimate a hair below it)


def bias_variance_explorer(ridge_fit: Callable | None = None, *, degree: int = 3, alpha: float = 1e-6,
                           noise: float = 0.3, validate: Validate | None = None):
    """Degree, penalty and noise sliders, a picture and a status line, in a ``VBox``.

    The box carries ``model`` (:class:`BiasVarianceStudy`), ``result``, ``controls`` ("degree", "alpha",
    "noise"), ``output``, ``status`` and ``last_update`` (milliseconds: compute, render, total).
    """
    import ipywidgets as widgets

    model = BiasVarianceStudy(degree=degree, alpha=alpha, noise=noise, ridge_fit=ridge_fit, validate=validate)
    style = {"description_width": "initial"}
    controls = {
        "degree": widgets.IntSlider(value=degree, min=1, max=model.max_degree, description="degree", style=style),
        "alpha": widgets.FloatLogSlider(value=alpha, base=10, min=-6, max=2, step=0.25, readout_format=".1e",
                                        description="ridge alpha", style=style),
        "noise": widgets.FloatSlider(value=noise, min=0.05, max=1.0, step=0.05, description="noise σ",
                                     style=style),
    }

    def status(result: BiasVariancePicture) -> tuple[str, str]:
        k = result.degree - 1
        return (f"degree {result.degree}, alpha {result.alpha:.1e}: bias² {max(result.bias2[k], 0.0):.4f}, "
                f"variance {result.variance[k]:.4f}, noise² {result.noise ** 2:.3f} → expected test MSE "
                f"{result.test_mse[k]:.3f} (training MSE {result.train_mse[k]:.3f}), over {result.n_sets} "
                f"training sets, x in [{result.scored[0]:g}, {result.scored[1]:g}] · "
                f"{html.escape(result.running)}"), ""

    return assemble(model, controls, [widgets.HBox(list(controls.values()))], picture=_Picture(),
                    css_class="explorer-bias-variance", label="<bias-variance>", status=status)


class _Picture:
    """One figure for the explorer's lifetime (matplotlib's Figure, not pyplot: nothing leaks into the notebook).

    Artists are made once and only their data change on an update: clearing and rebuilding axes costs more than
    drawing them.  The legends sit outside the axes, where no curve can run under them.
    """

    def __init__(self) -> None:
        from matplotlib.collections import LineCollection

        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.figure.subplots_adjust(left=0.05, right=0.84, bottom=0.24, top=0.92, wspace=0.2)
        self.fit_ax, self.error_ax = self.figure.subplots(1, 2)

        ax = self.fit_ax
        self.fit_lines = LineCollection([], colors="C0", alpha=0.25, linewidths=1)
        ax.add_collection(self.fit_lines)
        (self.mean_line,) = ax.plot([], [], color="C0", lw=2.5, label="average fit")
        (self.truth_line,) = ax.plot([], [], "k--", lw=1.5, label="true curve")
        self.points = ax.scatter([], [], s=14, color="C3", zorder=3, label="one training set")
        self.unscored = [ax.axvspan(-1.05, -1.0, color="grey", alpha=0.15, lw=0, label="not scored"),
                         ax.axvspan(1.0, 1.05, color="grey", alpha=0.15, lw=0)]
        ax.set_xlim(-1.05, 1.05)
        ax.set_ylim(-2.5, 2.5)
        ax.set_xlabel("x")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=4, fontsize=8, frameon=False)

        ax = self.error_ax
        ax.set_yscale("log")
        self.error_lines = [ax.plot([], [], style, marker="o", ms=3, label=label)[0] for label, style in
                            (("training MSE", "C2-"), ("expected test MSE", "C3-"), ("bias²", "C0--"),
                             ("variance", "C1--"))]
        self.noise_line = ax.axhline(1.0, color="grey", lw=1, ls=":", label="noise²\n(the floor)")
        self.degree_line = ax.axvline(1.0, color="k", lw=0.8)
        ax.set_ylim(ERROR_FLOOR, 100.0)
        ax.set_xlabel("polynomial degree")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)

    def draw(self, result: BiasVariancePicture) -> bytes:
        x = np.broadcast_to(result.x_grid, result.fits.shape)
        self.fit_lines.set_segments(np.stack([x, result.fits], axis=-1))
        self.mean_line.set_data(result.x_grid, result.mean_fit)
        self.truth_line.set_data(result.x_grid, result.truth)
        self.points.set_offsets(np.column_stack([result.x_train, result.y_train]))
        low, high = result.scored
        self.unscored[0].set_x(-1.05)
        self.unscored[0].set_width(low + 1.05)
        self.unscored[1].set_x(high)
        self.unscored[1].set_width(1.05 - high)
        self.fit_ax.set_title(f"degree {result.degree}: {len(result.fits)} of {result.n_sets} fits drawn, "
                              f"and their average", fontsize=10)
        for line, values in zip(self.error_lines, (result.train_mse, result.test_mse, result.bias2,
                                                   result.variance)):
            line.set_data(result.degrees, np.maximum(values, ERROR_FLOOR))
        self.noise_line.set_ydata([result.noise ** 2] * 2)
        self.degree_line.set_xdata([result.degree] * 2)
        self.error_ax.set_xlim(0.5, result.degrees[-1] + 0.5)
        self.error_ax.set_title(f"errors on x in [{low:g}, {high:g}] (alpha = {result.alpha:.1e})", fontsize=10)
        return figure_png(self.figure)
