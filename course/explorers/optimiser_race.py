"""Explorer: SGD, momentum and Adam racing down a 2-D loss surface from the same start.

``OptimiserRace`` (the model) runs the three optimisers for ``steps`` steps with the chosen learning rate, momentum
and Adam's betas on one of three surfaces (an elongated bowl, Rosenbrock's curved valley, a saddle), and returns
their paths and losses. It runs the learner's ``sgd_momentum_step`` (plain SGD is the same step with momentum 0)
and ``adam_step`` once each passes its checks, and the reference (saying why) until then.
``optimiser_race_explorer`` (the view) maps widgets to the model and draws: the paths over the contours and the
loss against the step.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course.explorers.playground import REFERENCE
from course.explorers.view import (LearnerChecks, Validate, assemble, figure_png, guarded, new_figure,
                                   plain_log_axis, quiet)

__all__ = ["SURFACES", "Surface", "OptimiserRace", "RaceResult", "race", "optimiser_race_explorer"]

MOMENTUM_KEY, ADAM_KEY = "week07.sgd_momentum_step", "week07.adam_step"
RUNNERS = ("SGD", "momentum", "Adam")
COLOURS = {"SGD": "C0", "momentum": "C2", "Adam": "C3"}
ESCAPE = 1e3                      # a path that gets this far from the origin has diverged: stop it there


@dataclass(frozen=True)
class Surface:
    name: str
    f: Callable[[np.ndarray, np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    start: tuple[float, float]
    extent: tuple[float, float, float, float]
    minimum: float                     # the lowest value (for the log-scaled loss axis: loss - minimum)


SURFACES = {
    "elongated bowl": Surface(   # curvatures 1 and 40: plain SGD must keep lr < 2/40 and then crawls along x
        "elongated bowl", lambda x, y: 0.5 * x ** 2 + 20 * y ** 2,
        lambda p: np.array([p[0], 40 * p[1]]), (-4.0, 1.0), (-5.0, 5.0, -2.0, 2.0), 0.0),
    "Rosenbrock valley": Surface(   # a curved valley to the minimum at (1, 1)
        "Rosenbrock valley", lambda x, y: (1 - x) ** 2 + 10 * (y - x ** 2) ** 2,
        lambda p: np.array([-2 * (1 - p[0]) - 40 * p[0] * (p[1] - p[0] ** 2), 20 * (p[1] - p[0] ** 2)]),
        (-1.5, 2.0), (-2.0, 2.0, -1.0, 3.0), 0.0),
    "saddle": Surface(   # a saddle at the origin; minima at (0, ±2); starting almost on the ridge
        "saddle", lambda x, y: x ** 2 + 0.125 * y ** 4 - y ** 2,
        lambda p: np.array([2 * p[0], 0.5 * p[1] ** 3 - 2 * p[1]]), (-2.5, 0.01), (-3.0, 3.0, -3.0, 3.0), -2.0),
}


@dataclass(frozen=True, eq=False)
class RaceResult:
    surface: str
    paths: dict                   # runner -> (steps + 1, 2) positions (shorter when it diverged)
    losses: dict                  # runner -> (steps + 1,) loss - surface minimum
    diverged: dict                # runner -> bool
    steps: int
    running: str


def race(surface: Surface, steps: int, lr: float, momentum: float, beta1: float, beta2: float,
         momentum_step: Callable = REFERENCE["sgd_momentum_step"], adam_step: Callable = REFERENCE["adam_step"]):
    """Paths and divergence flags of the three optimisers (SGD is momentum_step with momentum 0)."""
    paths, diverged = {}, {}
    for runner in RUNNERS:
        w = np.array(surface.start, dtype=float)
        state = [np.zeros(2), np.zeros(2)]
        path = [w]
        with quiet():
            for t in range(1, steps + 1):
                g = surface.grad(w)
                if runner == "Adam":
                    w, state[0], state[1] = adam_step(w, g, state[0], state[1], t, lr, beta1, beta2, 1e-8)
                else:
                    w, state[0] = momentum_step(w, g, state[0], lr, momentum if runner == "momentum" else 0.0)
                w = np.asarray(w, dtype=float)
                if not np.all(np.isfinite(w)) or np.abs(w).max() > ESCAPE:
                    break
                path.append(w)
        paths[runner] = np.array(path)
        diverged[runner] = len(path) < steps + 1
    return paths, diverged


@dataclass
class OptimiserRace:
    """All the explorer's state; ``sgd_momentum_step`` and ``adam_step`` are the learner's (optional)."""
    surface: str = "elongated bowl"
    steps: int = 100
    learning_rate: float = 0.03
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    sgd_momentum_step: Callable | None = None
    adam_step: Callable | None = None
    validate: Validate | None = None
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def compute(self) -> RaceResult:
        return self._checks.compute(self._compute)

    def _compute(self) -> RaceResult:
        surface = SURFACES[self.surface]
        words, functions = [], {}
        for name, key, given in (("sgd_momentum_step", MOMENTUM_KEY, self.sgd_momentum_step),
                                 ("adam_step", ADAM_KEY, self.adam_step)):
            function, why = self._checks.usable(key, given, self.validate)
            functions[name] = guarded(key, function) if function else REFERENCE[name]
            words.append(f"your {name}" if function else f"the reference {name}" + (f" (yours {why})" if why else ""))
        paths, diverged = race(surface, int(self.steps), float(self.learning_rate), float(self.momentum),
                               float(self.beta1), float(self.beta2), functions["sgd_momentum_step"],
                               functions["adam_step"])
        losses = {r: surface.f(p[:, 0], p[:, 1]) - surface.minimum for r, p in paths.items()}
        return RaceResult(self.surface, paths, losses, diverged, int(self.steps), "running " + "; ".join(words))


def describe(r: RaceResult) -> str:
    parts = []
    for runner in RUNNERS:
        if r.diverged[runner]:
            parts.append(f"{runner}: diverged at step {len(r.paths[runner])}")
        else:
            parts.append(f"{runner}: loss {r.losses[runner][-1]:.3g}")
    return f"after {r.steps} steps: " + ", ".join(parts)


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.0, 3.8), 72
LEARNING_RATES = (0.001, 0.003, 0.01, 0.02, 0.03, 0.045, 0.05, 0.1, 0.3, 1.0)


def optimiser_race_explorer(sgd_momentum_step: Callable | None = None, adam_step: Callable | None = None, *,
                            surface: str = "elongated bowl", validate: Validate | None = None):
    """Surface, steps, learning rate, momentum and Adam's betas; paths and losses of SGD, momentum and Adam.

    The box carries ``model`` (:class:`OptimiserRace`), ``result`` (the latest :class:`RaceResult`), ``controls``
    ("surface", "learning_rate", "momentum", "beta1", "beta2", "steps"), ``output``, ``status``, ``last_update``.
    """
    import ipywidgets as widgets

    model = OptimiserRace(surface=surface, sgd_momentum_step=sgd_momentum_step, adam_step=adam_step,
                          validate=validate)
    style = {"description_width": "100px"}
    controls = {
        "surface": widgets.Dropdown(options=list(SURFACES), value=surface, description="surface", style=style),
        "learning_rate": widgets.SelectionSlider(options=LEARNING_RATES, value=model.learning_rate,
                                                 description="learning rate", style=style),
        "momentum": widgets.FloatSlider(value=model.momentum, min=0.0, max=0.99, step=0.01,
                                        description="momentum β", style=style),
        "beta1": widgets.FloatSlider(value=model.beta1, min=0.0, max=0.99, step=0.01, description="Adam β1",
                                     style=style),
        "beta2": widgets.SelectionSlider(options=(0.9, 0.99, 0.999, 0.9999), value=model.beta2,
                                         description="Adam β2", style=style),
        "steps": widgets.IntSlider(value=model.steps, min=10, max=300, step=10, description="steps", style=style),
    }
    rows = [widgets.HBox([controls["surface"], controls["learning_rate"], controls["steps"]]),
            widgets.HBox([controls["momentum"], controls["beta1"], controls["beta2"]])]
    return assemble(model, controls, rows, picture=_Picture(), css_class="explorer-optimiser-race",
                    label="<optimiser race>",
                    status=lambda r: (f"{html.escape(describe(r))}<br>{html.escape(r.running)}", ""))


class _Picture:
    """The contours of every surface are drawn once (hidden until chosen); the paths are updated in place."""

    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.map_ax, self.loss_ax = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1]})
        self.figure.subplots_adjust(left=0.05, right=0.98, bottom=0.14, top=0.9, wspace=0.2)
        self.contours = {}
        for name, s in SURFACES.items():
            x = np.linspace(s.extent[0], s.extent[1], 120)
            y = np.linspace(s.extent[2], s.extent[3], 120)
            gx, gy = np.meshgrid(x, y)
            z = s.f(gx, gy) - s.minimum
            levels = np.geomspace(max(z.min(), 1e-2), z.max(), 14)
            contour = self.map_ax.contour(gx, gy, z, levels=levels, colors="grey", linewidths=0.6, alpha=0.7)
            contour.set_visible(False)
            self.contours[name] = contour
        self.lines = {r: self.map_ax.plot([], [], "-", color=COLOURS[r], lw=1.4, label=r)[0] for r in RUNNERS}
        self.ends = {r: self.map_ax.plot([], [], "o", color=COLOURS[r], ms=5)[0] for r in RUNNERS}
        (self.start,) = self.map_ax.plot([], [], "ks", ms=5)
        self.map_ax.legend(loc="lower right", fontsize=8)
        self.curves = {r: self.loss_ax.plot([], [], color=COLOURS[r], lw=1.4)[0] for r in RUNNERS}
        self.loss_ax.set_yscale("log")
        plain_log_axis(self.loss_ax.yaxis, [1e-8, 1e-6, 1e-4, 1e-2, 1, 100])
        self.loss_ax.set_xlabel("step")
        self.loss_ax.set_ylabel("loss − minimum")
        self.loss_ax.grid(alpha=0.3)
        self.shown = None

    def draw(self, r: RaceResult) -> bytes:
        s = SURFACES[r.surface]
        if self.shown != r.surface:
            for name, contour in self.contours.items():
                contour.set_visible(name == r.surface)
            self.map_ax.set_xlim(s.extent[0], s.extent[1])
            self.map_ax.set_ylim(s.extent[2], s.extent[3])
            self.start.set_data([s.start[0]], [s.start[1]])
            self.map_ax.set_title(f"{r.surface}: paths from the same start (square)", fontsize=10)
            self.shown = r.surface
        for runner in RUNNERS:
            path, loss = r.paths[runner], np.maximum(r.losses[runner], 1e-9)
            self.lines[runner].set_data(path[:, 0], path[:, 1])
            self.ends[runner].set_data(path[-1:, 0], path[-1:, 1])
            self.curves[runner].set_data(np.arange(len(loss)), loss)
        self.loss_ax.set_xlim(0, r.steps)
        self.loss_ax.set_ylim(1e-9, 1e3)
        self.loss_ax.set_title("loss against step (log scale)", fontsize=10)
        return figure_png(self.figure)
