"""Explorer: polynomial degree and ridge penalty against bias, variance, training and test error.

The model (``BiasVarianceStudy``) fits polynomial ridge regressions of every degree to many training sets drawn
from the same noisy curve, and computes from the fits themselves what the picture shows: the spread of the fits
(variance), how far their average is from the truth (bias²), the training error and the expected test error
bias² + variance + noise.  ``bias_variance_explorer`` (the view) only maps sliders to fields and draws.  The fits
run the learner's ``ridge_fit`` once it passes its checks, and a vectorised reference until then.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course.explorers.view import LearnerChecks, Validate, assemble, figure_png, guarded, new_figure

__all__ = ["true_curve", "polynomial_features", "reference_ridge_fits", "BiasVariancePicture",
           "BiasVarianceStudy", "bias_variance_explorer"]

EXERCISE_KEY = "week03.ridge_fit"


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


@dataclass(frozen=True, eq=False)
class BiasVariancePicture:
    """What one update draws; the error curves have one entry per degree in ``degrees``."""
    degree: int
    alpha: float
    noise: float
    x_grid: np.ndarray          # (G,) where fits are evaluated (test inputs, uniform on [-1, 1])
    truth: np.ndarray           # (G,)
    x_train: np.ndarray         # (n,) the first training set, to show one sample of data
    y_train: np.ndarray
    fits: np.ndarray            # (S, G): the chosen degree's fit to every training set
    degrees: np.ndarray         # (D,)
    train_mse: np.ndarray       # (D,) mean over training sets of the error on their own data
    test_mse: np.ndarray        # (D,) expected squared error on new data = bias2 + variance + noise²
    bias2: np.ndarray           # (D,)
    variance: np.ndarray        # (D,)
    implementation: str         # "yours" | "reference"
    running: str


@dataclass
class BiasVarianceStudy:
    """All the explorer's state.  ``ridge_fit(X, y, alpha) -> (coef, intercept)`` is the learner's function."""
    degree: int = 3
    alpha: float = 1e-6
    noise: float = 0.3
    ridge_fit: Callable | None = None
    validate: Validate | None = None
    n_train: int = 25
    n_sets: int = 40
    max_degree: int = 15
    seed: int = 0
    _draws: tuple = field(default=None, init=False, repr=False)
    _cache: dict = field(default_factory=dict, init=False, repr=False)
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def __post_init__(self) -> None:
        # One set of random draws for the explorer's lifetime: moving a slider never reshuffles the data.
        rng = np.random.default_rng(self.seed)
        self._draws = (rng.uniform(-1.0, 1.0, size=(self.n_sets, self.n_train)),
                       rng.normal(size=(self.n_sets, self.n_train)))

    def check_ridge_fit(self) -> tuple[bool, str]:
        """(passes, why not); the checks run once per function, not on every slider move."""
        ridge_fit, why = self._checks.usable(EXERCISE_KEY, self.ridge_fit, self.validate)
        return ridge_fit is not None, why

    def compute(self) -> BiasVariancePicture:
        """The picture; a ridge_fit that passed its checks but raises on these data is replaced, saying why."""
        return self._checks.compute(self._compute)

    def _compute(self) -> BiasVariancePicture:
        ridge_fit, why = self._checks.usable(EXERCISE_KEY, self.ridge_fit, self.validate)
        predictions, train_mse = self._fits_of_every_degree(float(self.alpha), float(self.noise), ridge_fit)
        if ridge_fit is not None:
            implementation, running = "yours", "running: your ridge_fit"
        else:
            implementation, running = "reference", "running: the reference" + (why and f" (your ridge_fit {why})")
        x_grid = np.linspace(-1.0, 1.0, 101)
        truth = true_curve(x_grid)
        mean_fit = predictions.mean(axis=1)                                   # (D, G)
        bias2 = np.mean((mean_fit - truth) ** 2, axis=1)
        variance = np.mean(predictions.var(axis=1), axis=1)
        x, eps = self._draws
        return BiasVariancePicture(
            degree=int(self.degree), alpha=float(self.alpha), noise=float(self.noise), x_grid=x_grid,
            truth=truth, x_train=x[0], y_train=true_curve(x[0]) + self.noise * eps[0],
            fits=predictions[int(self.degree) - 1], degrees=np.arange(1, self.max_degree + 1),
            train_mse=train_mse, test_mse=bias2 + variance + self.noise ** 2, bias2=bias2, variance=variance,
            implementation=implementation, running=running)

    def _fits_of_every_degree(self, alpha: float, noise: float,
                              ridge_fit: Callable | None) -> tuple[np.ndarray, np.ndarray]:
        """Predictions (D, S, G) on the grid and training MSE (D,), by ``ridge_fit`` (None: the reference);
        cached, so moving the degree is free."""
        key = (alpha, noise, id(ridge_fit))
        if key not in self._cache:
            x, eps = self._draws
            y = true_curve(x) + noise * eps
            grid = np.linspace(-1.0, 1.0, 101)
            predictions, train_mse = [], []
            for degree in range(1, self.max_degree + 1):
                features = polynomial_features(x, degree)
                if ridge_fit is not None:
                    fit = guarded(EXERCISE_KEY, ridge_fit)
                    fitted = [fit(features[s], y[s], alpha) for s in range(self.n_sets)]
                    coefs = np.array([np.asarray(c, dtype=float) for c, _ in fitted])
                    intercepts = np.array([float(b) for _, b in fitted])
                else:
                    coefs, intercepts = reference_ridge_fits(features, y, alpha)
                fitted_y = np.einsum("snp,sp->sn", features, coefs) + intercepts[:, None]
                train_mse.append(np.mean((fitted_y - y) ** 2))
                predictions.append(coefs @ polynomial_features(grid, degree).T + intercepts[:, None])
            # one entry: memory stays flat; it holds the function, so no other function can take its id
            self._cache = {key: (ridge_fit, np.array(predictions), np.array(train_mse))}
        return self._cache[key][1:]


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.5, 4.0), 80
ERROR_FLOOR = 1e-3   # a log axis cannot show 0


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
        return (f"degree {result.degree}, alpha {result.alpha:.1e}: bias² {result.bias2[k]:.3f}, "
                f"variance {result.variance[k]:.3f}, noise² {result.noise ** 2:.3f} → expected test MSE "
                f"{result.test_mse[k]:.3f} (training MSE {result.train_mse[k]:.3f}) · "
                f"{html.escape(result.running)}"), ""

    return assemble(model, controls, [widgets.HBox(list(controls.values()))], picture=_Picture(),
                    css_class="explorer-bias-variance", label="<bias-variance>", status=status)


class _Picture:
    """One figure for the explorer's lifetime (matplotlib's Figure, not pyplot: nothing leaks into the notebook).

    Artists are made once and only their data change on an update: clearing and rebuilding axes costs more than
    drawing them.
    """

    def __init__(self) -> None:
        from matplotlib.collections import LineCollection

        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.figure.subplots_adjust(left=0.06, right=0.98, bottom=0.13, top=0.9, wspace=0.22)
        self.fit_ax, self.error_ax = self.figure.subplots(1, 2)

        ax = self.fit_ax
        self.fit_lines = LineCollection([], colors="C0", alpha=0.25, linewidths=1)
        ax.add_collection(self.fit_lines)
        (self.mean_line,) = ax.plot([], [], color="C0", lw=2.5, label="average fit")
        (self.truth_line,) = ax.plot([], [], "k--", lw=1.5, label="true curve")
        self.points = ax.scatter([], [], s=14, color="C3", zorder=3, label="one training set")
        ax.set_xlim(-1.05, 1.05)
        ax.set_ylim(-2.5, 2.5)
        ax.set_xlabel("x")
        ax.legend(loc="lower right", fontsize=8)

        ax = self.error_ax
        ax.set_yscale("log")
        self.error_lines = [ax.plot([], [], style, marker="o", ms=3, label=label)[0] for label, style in
                            (("training MSE", "C2-"), ("expected test MSE", "C3-"), ("bias²", "C0--"),
                             ("variance", "C1--"))]
        self.noise_line = ax.axhline(1.0, color="grey", lw=1, ls=":", label="noise² (the floor)")
        self.degree_line = ax.axvline(1.0, color="k", lw=0.8)
        ax.set_ylim(ERROR_FLOOR, 100.0)
        ax.set_xlabel("polynomial degree")
        ax.legend(fontsize=8, loc="upper center", ncol=3)

    def draw(self, result: BiasVariancePicture) -> bytes:
        shown = result.fits[:12]   # a dozen fits show the spread; all of them go into the numbers
        x = np.broadcast_to(result.x_grid, shown.shape)
        self.fit_lines.set_segments(np.stack([x, shown], axis=-1))
        self.mean_line.set_data(result.x_grid, result.fits.mean(axis=0))
        self.truth_line.set_data(result.x_grid, result.truth)
        self.points.set_offsets(np.column_stack([result.x_train, result.y_train]))
        self.fit_ax.set_title(f"degree {result.degree} fits to {len(result.fits)} training sets (12 drawn)",
                              fontsize=10)
        for line, values in zip(self.error_lines, (result.train_mse, result.test_mse, result.bias2,
                                                   result.variance)):
            line.set_data(result.degrees, np.maximum(values, ERROR_FLOOR))
        self.noise_line.set_ydata([result.noise ** 2] * 2)
        self.degree_line.set_xdata([result.degree] * 2)
        self.error_ax.set_xlim(0.5, result.degrees[-1] + 0.5)
        self.error_ax.set_title(f"errors against degree (alpha = {result.alpha:.1e})", fontsize=10)
        return figure_png(self.figure)

