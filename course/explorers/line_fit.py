"""The quick start's explorer: fit a line (or a polynomial) to noisy synthetic data and read MSE and R² on the
training and the test split.

The world is the quick start's example 1: ``y = 4 + 3x + noise`` with ``x`` uniform on [0, 2]. Sliders set the
noise's standard deviation, the number of samples (a fifth of them held out for testing) and the polynomial's
degree; the picture shows the points, the true line and the fitted curve, and the status line the four numbers.
With degree 1 both MSEs sit near noise² (the noise is what no model can predict); a high degree on few samples
drives the training MSE down and the test MSE up (overfitting); more noise lowers R².

Model: :class:`LineFit` (``compute()`` returns a frozen :class:`LineFitResult`); view: :func:`line_fit_explorer`.
The random numbers are drawn once (module cache), so an update is one small least-squares fit. The learner's
``mse_and_r2`` computes the numbers once it passes its checks (``LearnerChecks``); until then the reference does.
"""
from __future__ import annotations

import functools
import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course.explorers.view import LearnerChecks, Validate, assemble, figure_png, guarded, new_figure, quiet

MAX_SAMPLES = 400
TEST_SHARE = 0.2
INTERCEPT, SLOPE = 4.0, 3.0
GRID = np.linspace(0.0, 2.0, 161)


def reference_mse_and_r2(y_true, y_pred) -> tuple[float, float]:
    """(mean squared error, R²) with scikit-learn's convention for a constant y_true (R² 1 if perfect, else 0)."""
    t, p = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    ss_res = float(np.sum((t - p) ** 2))
    ss_tot = float(np.sum((t - t.mean()) ** 2))
    r2 = (1.0 if ss_res == 0 else 0.0) if ss_tot == 0 else 1.0 - ss_res / ss_tot
    return ss_res / len(t), r2


@functools.lru_cache(maxsize=1)
def draws() -> dict:
    """The explorer's random numbers, drawn once: x, standard-normal noise, and which samples are test samples."""
    rng = np.random.default_rng(42)
    return {"x": rng.uniform(0.0, 2.0, size=MAX_SAMPLES), "z": rng.normal(size=MAX_SAMPLES),
            "order": rng.permutation(MAX_SAMPLES)}


@dataclass(frozen=True)
class LineFitResult:
    noise: float
    samples: int
    degree: int
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    grid: np.ndarray
    curve: np.ndarray            # the fitted polynomial on the grid
    truth: np.ndarray            # 4 + 3x on the grid
    train_mse: float
    test_mse: float
    train_r2: float
    test_r2: float
    slope: float | None          # degree 1 only: the fitted slope and intercept
    intercept: float | None
    implementation: str          # "yours" or "reference"
    running: str


@dataclass
class LineFit:
    """All the explorer's state: the noise level, the number of samples and the polynomial's degree."""
    noise: float = 1.0
    samples: int = 100
    degree: int = 1
    mse_and_r2: Callable | None = None
    validate: Validate | None = None
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def compute(self) -> LineFitResult:
        return self._checks.compute(self._compute)

    def _compute(self) -> LineFitResult:
        usable, why = self._checks.usable("quickstart.mse_and_r2", self.mse_and_r2, self.validate)
        metric = guarded("quickstart.mse_and_r2", usable) if usable is not None else reference_mse_and_r2
        d = draws()
        n, degree = int(self.samples), int(self.degree)
        chosen = np.sort(d["order"][:n])                  # the first n samples of a fixed shuffle
        x = d["x"][chosen]
        y = INTERCEPT + SLOPE * x + float(self.noise) * d["z"][chosen]
        n_test = int(np.ceil(TEST_SHARE * n))
        test = np.zeros(n, dtype=bool)
        test[np.arange(n) % 5 == 0] = True                # every fifth sample (ceil(n / 5) of them)
        assert test.sum() == n_test
        with quiet():
            polynomial = np.polynomial.Polynomial.fit(x[~test], y[~test], deg=degree)   # least squares, scaled x
            train_mse, train_r2 = (float(v) for v in metric(y[~test], polynomial(x[~test])))
            test_mse, test_r2 = (float(v) for v in metric(y[test], polynomial(x[test])))
        slope = intercept = None
        if degree == 1:
            intercept, slope = (float(c) for c in polynomial.convert().coef)
        mine = usable is not None
        running = "MSE and R²: " + ("your mse_and_r2" if mine else
                                    "the reference" + (f" (your mse_and_r2 {why})" if why else ""))
        return LineFitResult(float(self.noise), n, degree, x[~test], y[~test], x[test], y[test], GRID,
                             polynomial(GRID), INTERCEPT + SLOPE * GRID, train_mse, test_mse, train_r2, test_r2,
                             slope, intercept, "yours" if mine else "reference", running)


def describe(r: LineFitResult) -> str:
    line = (f"fitted y = {r.intercept:.2f} + {r.slope:.2f}x; " if r.slope is not None else "")
    return (f"{line}train MSE {r.train_mse:.3g}, R² {r.train_r2:.3g} · test MSE {r.test_mse:.3g}, R² {r.test_r2:.3g} "
            f"(noise² = {r.noise ** 2:.3f}; {len(r.y_train)} training and {len(r.y_test)} test samples)")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (6.4, 3.6), 80


def line_fit_explorer(mse_and_r2: Callable | None = None, *, validate: Validate | None = None, **settings):
    """Sliders for the noise, the number of samples and the degree; the points, the true line and the fit, with
    train and test MSE and R². The box carries ``model`` (:class:`LineFit`), ``result``, ``controls``."""
    import ipywidgets as widgets

    model = LineFit(mse_and_r2=mse_and_r2, validate=validate, **settings)
    style = {"description_width": "initial"}
    controls = {
        "noise": widgets.FloatSlider(value=model.noise, min=0.0, max=3.0, step=0.1, description="noise (sd)",
                                     style=style),
        "samples": widgets.IntSlider(value=model.samples, min=10, max=MAX_SAMPLES, step=10, description="samples",
                                     style=style),
        "degree": widgets.IntSlider(value=model.degree, min=1, max=15, description="polynomial degree",
                                    style=style)}
    rows = [widgets.HBox(list(controls.values()))]
    return assemble(model, controls, rows, picture=_Picture(), css_class="explorer-line-fit",
                    label="<line fit explorer>", status=lambda r: (html.escape(describe(r)), r.running))


class _Picture:
    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        ax = self.ax = self.figure.subplots()
        self.figure.subplots_adjust(left=0.09, right=0.98, top=0.9, bottom=0.14)
        self.train = ax.scatter([], [], s=14, color="C0", label="training samples")
        self.test = ax.scatter([], [], s=22, facecolors="none", edgecolors="C1", label="test samples")
        self.truth, = ax.plot(GRID, INTERCEPT + SLOPE * GRID, "--", color="0.5", lw=1, label="true line 4 + 3x")
        self.curve, = ax.plot(GRID, np.zeros_like(GRID), color="C3", lw=2, label="fitted")
        ax.set(xlim=(0, 2), ylim=(-4, 16), xlabel="x", ylabel="y")
        ax.legend(loc="upper left", fontsize=7, frameon=False)
        self.title = ax.set_title("", fontsize=9)

    def draw(self, r: LineFitResult) -> bytes:
        self.train.set_offsets(np.column_stack([r.x_train, r.y_train]))
        self.test.set_offsets(np.column_stack([r.x_test, r.y_test]))
        self.curve.set_ydata(np.clip(r.curve, -50, 50))
        self.title.set_text(f"degree {r.degree} · train MSE {r.train_mse:.2f}, R² {r.train_r2:.2f} · "
                            f"test MSE {r.test_mse:.3g}, R² {r.test_r2:.3g}")
        return figure_png(self.figure)


if __name__ == "__main__":   # a quick look without a browser
    print(describe(LineFit().compute()))
