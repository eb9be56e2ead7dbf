"""Explorer: gradient descent on a 2-D loss surface, and what the learning rate does to it.

The loss surfaces and ``GradientDescentRun`` (the model) are pure: they compute the path, the loss per step and a
verdict ("converges", "oscillates", "diverges") decided from the run itself.  ``gradient_descent_explorer`` (the
view) only maps widgets to model fields and draws the result.  The model can run the learner's own
``gradient_descent`` once it passes its checks, and falls back to the reference, saying why, until then.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np

from course.explorers.view import LearnerChecks, Validate, assemble, figure_png, new_figure, quiet

__all__ = ["Surface", "QuadraticBowl", "BananaValley", "SURFACES", "DescentResult", "GradientDescentRun",
           "reference_gradient_descent", "contour_grid", "gradient_descent_explorer"]

ESCAPE_RADIUS = 1e6           # a path that gets this far has diverged; stop drawing it there
EXERCISE_KEY = "week01.gradient_descent"


# ----------------------------------------------------------------------------- loss surfaces


class Surface:
    """A 2-D loss: ``value`` and ``grad`` (on one point (2,) or a stack (..., 2)), ``hessian``, the minimiser."""
    name: str
    minimiser: np.ndarray

    def value(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def grad(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def hessian(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    @property
    def curvature(self) -> float:
        """L, the largest curvature (Hessian eigenvalue) at the minimiser."""
        return float(np.linalg.eigvalsh(self.hessian(self.minimiser)).max())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class QuadraticBowl(Surface):
    """f(x) = ½ xᵀAx: the same curvature A everywhere, so 1/L and 2/L (L = λmax(A)) tell the whole story."""

    def __init__(self, name: str, A: np.ndarray) -> None:
        self.name = name
        self.A = np.asarray(A, dtype=float)
        self.minimiser = np.zeros(2)

    def value(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return 0.5 * np.einsum("...i,ij,...j->...", x, self.A, x)

    def grad(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x, dtype=float) @ self.A      # A is symmetric

    def hessian(self, x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(self.A, np.shape(x)[:-1] + (2, 2))


class BananaValley(Surface):
    """f(x, y) = ½[(1 − x)² + b (y − x²)²], a gentle Rosenbrock: a curved valley, minimiser (1, 1).

    Its curvature changes from place to place, so 2/L at the minimum is only a local promise.
    """

    def __init__(self, name: str, b: float) -> None:
        self.name, self.b = name, float(b)
        self.minimiser = np.ones(2)

    def value(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        u, v = x[..., 0], x[..., 1]
        return 0.5 * ((1.0 - u) ** 2 + self.b * (v - u ** 2) ** 2)

    def grad(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        u, v = x[..., 0], x[..., 1]
        valley = v - u ** 2
        return np.stack([-(1.0 - u) - 2.0 * self.b * u * valley, self.b * valley], axis=-1)

    def hessian(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        u, v = x[..., 0], x[..., 1]
        uu = 1.0 - 2.0 * self.b * (v - u ** 2) + 4.0 * self.b * u ** 2
        uv = -2.0 * self.b * u
        vv = np.full_like(u, self.b)
        return np.stack([np.stack([uu, uv], -1), np.stack([uv, vv], -1)], -2)


def _rotated(degrees: float, eigenvalues: tuple[float, float]) -> np.ndarray:
    t = np.deg2rad(degrees)
    R = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    return R @ np.diag(eigenvalues) @ R.T


SURFACES: dict[str, Surface] = {s.name: s for s in (
    QuadraticBowl("elongated bowl", np.diag([1.0, 10.0])),           # L = 10: 1/L = 0.1, 2/L = 0.2
    QuadraticBowl("tilted bowl", _rotated(30.0, (1.0, 10.0))),       # same curvatures, steep axis tilted
    BananaValley("banana valley", b=5.0),                              # L ≈ 25.8 at (1, 1), far more outside
)}

PLOT_LIMITS = (-3.2, 3.2)


@lru_cache(maxsize=None)
def contour_grid(surface: str, resolution: int = 100) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """X, Y, f(X, Y) and log-spaced contour levels; computed once per surface, reused by every update."""
    s = SURFACES[surface]
    axis = np.linspace(*PLOT_LIMITS, resolution)
    X, Y = np.meshgrid(axis, axis)
    Z = s.value(np.stack([X, Y], axis=-1))
    levels = np.geomspace(max(float(Z.min()), 1e-3 * float(Z.max()), 1e-2), float(Z.max()), 14)
    for array in (X, Y, Z, levels):
        array.setflags(write=False)
    return X, Y, Z, levels


# ----------------------------------------------------------------------------- the model


def reference_gradient_descent(grad: Callable, x0: np.ndarray, lr: float, n_steps: int) -> np.ndarray:
    """x_{k+1} = x_k − lr · grad(x_k); the whole path, shape (n_steps + 1, d), row 0 = x0."""
    x = np.array(x0, dtype=float)
    path = np.empty((n_steps + 1, x.size))
    path[0] = x
    for k in range(1, n_steps + 1):
        x = x - lr * np.asarray(grad(x), dtype=float)
        path[k] = x
    return path


@dataclass(frozen=True, eq=False)
class DescentResult:
    """One run, ready to draw: the path stops early (``truncated``) where it overflowed or escaped."""
    surface: str
    learning_rate: float
    steps: int                  # steps asked for; len(path) - 1 may be fewer when truncated
    path: np.ndarray            # (k + 1, 2), all finite
    losses: np.ndarray          # (k + 1,)
    truncated: bool
    verdict: str                # "converges" | "oscillates" | "diverges"
    explanation: str
    implementation: str         # "yours" | "reference"
    running: str                # "running: your gradient_descent" or "running: the reference (...why...)"
    curvature: float            # L at the minimiser
    smooth_limit: float         # 1/L
    stable_limit: float         # 2/L


@dataclass
class GradientDescentRun:
    """All the explorer's state.  ``optimiser`` is a learner's ``gradient_descent(grad, x0, lr, n_steps)``;
    ``validate(optimiser) -> (ok, message)`` defaults to the course's checks for week01.gradient_descent."""
    surface: str = "elongated bowl"
    learning_rate: float = 0.05
    steps: int = 30
    start: tuple[float, float] = (-2.5, 1.5)
    optimiser: Callable | None = None
    validate: Validate | None = None
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False, compare=False)

    def check_optimiser(self) -> tuple[bool, str]:
        """Run the checks once per optimiser (they take a moment), not on every slider move."""
        return self._checks.verdict(EXERCISE_KEY, self.optimiser, self.validate)

    def compute(self) -> DescentResult:
        surface = SURFACES[self.surface]
        lr, n = float(self.learning_rate), int(self.steps)
        x0 = np.array(self.start, dtype=float)
        implementation, running, raw = self._run(surface.grad, x0, lr, n)
        path, truncated = _stop_at_escape(raw)
        with quiet():
            losses = surface.value(path)
        verdict = _verdict(surface, path, losses, truncated)
        return DescentResult(
            surface=surface.name, learning_rate=lr, steps=n, path=path, losses=losses, truncated=truncated,
            verdict=verdict, explanation=_explain(surface, lr, verdict, path, losses, truncated),
            implementation=implementation, running=running, curvature=surface.curvature,
            smooth_limit=1.0 / surface.curvature, stable_limit=2.0 / surface.curvature)

    def _run(self, grad: Callable, x0: np.ndarray, lr: float, n: int) -> tuple[str, str, np.ndarray]:
        def reference(why: str = "") -> tuple[str, str, np.ndarray]:
            with quiet():
                path = reference_gradient_descent(grad, x0, lr, n)
            return "reference", "running: the reference" + (f" ({why})" if why else ""), path

        optimiser, why = self._checks.usable(EXERCISE_KEY, self.optimiser, self.validate)
        if optimiser is None:
            return reference(why and f"your gradient_descent {why}")
        try:
            with quiet():
                path = np.asarray(optimiser(grad, x0.copy(), lr, n), dtype=float)
        except Exception as error:
            return reference(f"your gradient_descent raised {type(error).__name__}: {error}")
        if path.shape != (n + 1, 2) or not np.array_equal(path[0], x0):
            return reference(f"your gradient_descent returned shape {path.shape} here, expected ({n + 1}, 2) "
                             "starting at x0")
        return "yours", "running: your gradient_descent", path


def _stop_at_escape(path: np.ndarray) -> tuple[np.ndarray, bool]:
    with quiet():
        bad = ~np.isfinite(path).all(axis=1) | (np.abs(path).max(axis=1) > ESCAPE_RADIUS)
    if not bad.any():
        return path, False
    first = int(np.argmax(bad))
    return path[:max(first, 1)], True     # keep x0 at least, so there is always something to draw


def _steepest_direction(surface: Surface, points: np.ndarray) -> np.ndarray:
    """Unit eigenvector of the largest Hessian eigenvalue at each point, shape (k, 2)."""
    with quiet():
        _, vectors = np.linalg.eigh(surface.hessian(points))
    return vectors[..., :, -1]


def _verdict(surface: Surface, path: np.ndarray, losses: np.ndarray, truncated: bool) -> str:
    """Decided from the run: escaped or loss grew -> diverges; steps keep reversing along the steepest
    direction -> oscillates; otherwise converges."""
    if truncated or not np.isfinite(losses).all() or losses[-1] > losses[0] * (1 + 1e-9) + 1e-300:
        return "diverges"
    steps = np.diff(path, axis=0)
    if len(steps) < 2:
        return "converges"
    steep = _steepest_direction(surface, path[:-2])
    along = np.einsum("ki,ki->k", steps[:-1], steep)           # step k along the local steep axis
    along_next = np.einsum("ki,ki->k", steps[1:], steep)       # step k + 1 along the same axis
    floor = 1e-9 * max(float(np.abs(along).max()), 1e-300)    # ignore steps that have died out
    counted = (np.abs(along) > floor) & (np.abs(along_next) > floor)
    flips = counted & (np.sign(along) != np.sign(along_next))
    if flips.sum() >= 2 and flips.sum() >= 0.5 * counted.sum():
        return "oscillates"
    return "converges"


def _explain(surface: Surface, lr: float, verdict: str, path: np.ndarray, losses: np.ndarray,
             truncated: bool) -> str:
    """Why, in terms of lr against 1/L and 2/L; the verdict itself comes from the run."""
    L = surface.curvature
    factor = 1.0 - lr * L
    quadratic = isinstance(surface, QuadraticBowl)
    where = "" if quadratic else " at the minimum"
    setting = f"L = {L:.3g} (the largest curvature, λmax of the Hessian{where}), so 1/L = {1 / L:.3g} and 2/L = {2 / L:.3g}. "
    if lr <= 1.0 / L:
        theory = (f"lr = {lr:.3g} ≤ 1/L: each step shrinks the error along the steepest direction by the "
                  f"factor 1 − lr·L = {factor:.2f} without overshooting, so the path slides into the minimum.")
    elif lr < 2.0 / L:
        theory = (f"1/L < lr = {lr:.3g} < 2/L: each step overshoots along the steepest direction "
                  f"(factor 1 − lr·L = {factor:.2f}), so the path zig-zags across the valley but still closes in.")
    else:
        theory = (f"lr = {lr:.3g} ≥ 2/L: along the steepest direction each step multiplies the error by "
                  f"|1 − lr·L| = {abs(factor):.2f} ≥ 1, so it never shrinks.")
    text = setting + theory
    if truncated:
        taken = len(path) - 1
        text += (f" The path left the region |x| ≤ 1e6 (or overflowed) after {taken} step{'s' * (taken != 1)}: "
                 "it stops there.")
    if not quadratic:
        at_start = float(np.linalg.eigvalsh(surface.hessian(path[0])).max())
        text += (f" This surface is not a quadratic: at the start the curvature is {at_start:.3g}, so there a "
                 f"safe lr is below 2/{at_start:.3g} = {2 / at_start:.3g}.")
    if verdict == "converges" and len(losses) > 1 and losses[-1] > 1e-2 * losses[0]:
        text += (f" Slowly, though: after {len(losses) - 1} steps the loss is still {losses[-1] / losses[0]:.0%} "
                 "of where it started (the flat direction barely moves); try more steps or a larger lr.")
    return text


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.0, 4.2), 80   # ~800 x 340 px: quick to render and encode
LOSS_FLOOR = 1e-16                             # a log axis cannot show a loss of exactly 0


# The learning-rate slider's stops (plus the starting value): about five a decade, closer around 1/L and 2/L of the
# bowls (0.1, 0.2) and the banana valley (about 0.04, 0.08), so that each key press is a step worth taking.
LEARNING_RATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.07, 0.08, 0.1, 0.12, 0.15, 0.18, 0.19, 0.2,
                  0.21, 0.22, 0.25, 0.3, 0.4, 0.5)


def _rate_options(learning_rate: float) -> list[tuple[str, float]]:
    """(label, value) stops for the learning-rate slider: LEARNING_RATES, and ``learning_rate`` if it is not one."""
    values = sorted({*LEARNING_RATES, float(learning_rate)})
    return [(f"{value:g}", value) for value in values]


def gradient_descent_explorer(gradient_descent: Callable | None = None, *, surface: str = "elongated bowl",
                              learning_rate: float = 0.05, steps: int = 30,
                              start: tuple[float, float] = (-2.5, 1.5), validate: Validate | None = None):
    """Learning rate, steps, surface and start controls, a picture and a status line, in a ``VBox``.

    ``gradient_descent`` is the learner's function; it runs once it passes its checks.  The box carries
    ``model`` (:class:`GradientDescentRun`), ``result`` (latest :class:`DescentResult`), ``controls`` (name ->
    widget: "surface", "learning_rate", "steps", "start_x", "start_y"), ``output``, ``status``, ``figure`` and
    ``last_update`` (milliseconds: compute, render, total).
    """
    import ipywidgets as widgets

    model = GradientDescentRun(surface=surface, learning_rate=learning_rate, steps=steps, start=tuple(start),
                               optimiser=gradient_descent, validate=validate)
    style = {"description_width": "initial"}
    controls = {
        "surface": widgets.Dropdown(options=list(SURFACES), value=surface, description="surface"),
        # 0.001 .. 0.5 spans smooth, zig-zag and divergence on the elongated bowl (1/L = 0.1, 2/L = 0.2)
        "learning_rate": widgets.SelectionSlider(options=_rate_options(learning_rate), value=float(learning_rate),
                                                 description="learning rate", style=style),
        "steps": widgets.IntSlider(value=steps, min=1, max=300, description="steps"),
        "start_x": widgets.FloatSlider(value=start[0], min=-3.0, max=3.0, step=0.1, description="start x"),
        "start_y": widgets.FloatSlider(value=start[1], min=-3.0, max=3.0, step=0.1, description="start y"),
    }
    controls["learning_rate"].add_class("explorer-lr")

    def apply() -> None:
        model.surface = controls["surface"].value
        model.learning_rate = controls["learning_rate"].value
        model.steps = controls["steps"].value
        model.start = (controls["start_x"].value, controls["start_y"].value)

    rows = [widgets.HBox([controls["surface"], controls["learning_rate"], controls["steps"]]),
            widgets.HBox([controls["start_x"], controls["start_y"]])]
    return assemble(model, controls, rows, picture=_Picture(), css_class="explorer-gradient-descent",
                    label="<gradient descent>", apply=apply, status_description="status",
                    status=lambda result: (f"<b>{result.verdict}</b> · {html.escape(result.running)}",
                                           result.explanation))


class _Picture:
    """One figure for the explorer's lifetime; contours are redrawn only when the surface changes."""

    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.figure.subplots_adjust(left=0.06, right=0.98, bottom=0.12, top=0.9, wspace=0.25)
        self.surface_ax, self.loss_ax = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
        ax = self.surface_ax
        ax.set_xlim(*PLOT_LIMITS)
        ax.set_ylim(*PLOT_LIMITS)
        ax.set_aspect("equal")
        (self.path_line,) = ax.plot([], [], "o-", color="C3", ms=3, lw=1, zorder=3)
        (self.start_marker,) = ax.plot([], [], "*", color="k", ms=11, zorder=4)
        (self.minimiser_marker,) = ax.plot([], [], "x", color="k", ms=9, mew=2, zorder=4)
        self.loss_ax.set_yscale("log")
        self.loss_ax.set_xlabel("step")
        self.loss_ax.grid(True, which="major", alpha=0.3)
        (self.loss_line,) = self.loss_ax.plot([], [], "o-", color="C3", ms=3, lw=1)
        self.contours = None
        self.contour_surface: str | None = None

    def draw(self, result: DescentResult) -> bytes:
        if result.surface != self.contour_surface:
            if self.contours is not None:
                self.contours.remove()
            X, Y, Z, levels = contour_grid(result.surface)
            self.contours = self.surface_ax.contour(X, Y, Z, levels=levels, cmap="viridis", linewidths=0.8,
                                                    zorder=1)
            self.minimiser_marker.set_data(*([c] for c in SURFACES[result.surface].minimiser))
            self.contour_surface = result.surface
        self.path_line.set_data(result.path[:, 0], result.path[:, 1])
        self.start_marker.set_data([result.path[0, 0]], [result.path[0, 1]])
        self.surface_ax.set_title(f"{result.surface}: lr = {result.learning_rate:.3g}  "
                                  f"(1/L = {result.smooth_limit:.3g}, 2/L = {result.stable_limit:.3g})",
                                  fontsize=10)
        losses = np.maximum(result.losses, LOSS_FLOOR)
        self.loss_line.set_data(np.arange(len(losses)), losses)
        self.loss_ax.set_xlim(0, max(result.steps, 1))
        low, high = float(losses.min()), float(losses.max())
        self.loss_ax.set_ylim(low / 3.0, high * 3.0)
        colour = {"converges": "C2", "oscillates": "C1", "diverges": "C3"}[result.verdict]
        stopped = " (stopped: escaped)" if result.truncated else ""
        self.loss_ax.set_title(f"loss per step: {result.verdict}{stopped}", fontsize=10, color=colour)
        return figure_png(self.figure)

