"""Explorer: mini-batch SGD on a line fit, and what batch size, learning rate and decay do to it.

``SGDRun`` (the model) fits y ≈ b + w·x to a fixed, noisy data set of 100 points by mini-batch SGD with the
schedule lr / (1 + decay · epoch), and returns what to draw: the path of (b, w) over the MSE's contours, the
loss after every update, full-batch gradient descent with the same settings for comparison, and a verdict.
It runs the learner's ``minibatch_sgd`` once it passes its checks, and the reference (saying why) until then.
``sgd_explorer`` (the view) only maps widgets to model fields and draws the result.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np

from course.explorers.view import LearnerChecks, Validate, assemble, figure_png, new_figure, quiet

__all__ = ["line_data", "reference_minibatch_sgd", "SGDRun", "SGDResult", "BATCH_SIZES", "sgd_explorer"]

EXERCISE_KEY = "week02.minibatch_sgd"
ESCAPE_RADIUS = 1e6           # a path that gets this far has diverged; stop drawing it there
BATCH_SIZES = (1, 2, 5, 10, 20, 50, 100)


@lru_cache(maxsize=None)
def line_data() -> tuple[np.ndarray, np.ndarray]:
    """100 points around y = 1 + 2x with noise; X has the intercept column.  The same for every run."""
    rng = np.random.default_rng(2)
    x = rng.uniform(-1.0, 3.0, size=100)
    X = np.column_stack([np.ones_like(x), x])
    y = 1.0 + 2.0 * x + rng.normal(scale=0.8, size=x.size)
    for array in (X, y):
        array.setflags(write=False)
    return X, y


def reference_minibatch_sgd(X, y, lr, n_epochs, batch_size, decay=0.1, seed=0) -> np.ndarray:
    """Mini-batch SGD on the MSE from w = 0, reshuffling every epoch; the path, one row per update plus the start."""
    rng = np.random.default_rng(seed)
    n = len(y)
    w = np.zeros(X.shape[1])
    path = [w]
    for epoch in range(n_epochs):
        rate = lr / (1 + decay * epoch)
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            w = w - rate * 2 / len(batch) * X[batch].T @ (X[batch] @ w - y[batch])
            path.append(w)
    return np.array(path)


@lru_cache(maxsize=None)
def _optimum() -> tuple[np.ndarray, float, float, float]:
    """Least-squares (b, w), its MSE, and the largest and smallest curvature of the MSE."""
    X, y = line_data()
    best = np.linalg.lstsq(X, y, rcond=None)[0]
    curvatures = np.linalg.eigvalsh(2 / len(y) * X.T @ X)
    return best, float(np.mean((X @ best - y) ** 2)), float(curvatures[-1]), float(curvatures[0])


@lru_cache(maxsize=None)
def contour_grid(resolution: int = 120) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[float, ...]]:
    """B, W, MSE(B, W) over a window holding the start (0, 0) and the optimum; computed once."""
    X, y = line_data()
    best, lowest, _, _ = _optimum()
    limits = (min(0.0, best[0]) - 1.2, max(0.0, best[0]) + 1.2, min(0.0, best[1]) - 0.8, max(0.0, best[1]) + 0.8)
    B, W = np.meshgrid(np.linspace(*limits[:2], resolution), np.linspace(*limits[2:], resolution))
    x = X[:, 1]
    # mean((b + w x - y)²) expanded into sums of the data, so the whole grid costs a few array operations
    Z = (B ** 2 + 2 * B * W * x.mean() + W ** 2 * np.mean(x ** 2) - 2 * B * y.mean() - 2 * W * np.mean(x * y)
         + np.mean(y ** 2))
    return B, W, Z, limits


@dataclass(frozen=True, eq=False)
class SGDResult:
    batch_size: int
    learning_rate: float
    decay: float
    epochs: int
    updates_per_epoch: int
    path: np.ndarray              # (k + 1, 2): (b, w) after each update, all finite
    epoch_of_update: np.ndarray   # (k + 1,): update i happens at epoch i / updates_per_epoch
    excess_loss: np.ndarray       # (k + 1,): MSE − the least-squares MSE, after each update
    full_batch_path: np.ndarray   # (epochs + 1, 2): full-batch GD with the same lr and decay, for comparison
    full_batch_excess: np.ndarray  # (epochs + 1,): its excess loss
    optimum: np.ndarray
    lowest_loss: float
    diverged: bool
    implementation: str           # "yours" | "reference"
    running: str
    explanation: str


@dataclass
class SGDRun:
    """All the explorer's state.  ``optimiser`` is a learner's ``minibatch_sgd(X, y, lr, n_epochs, batch_size,
    decay, seed)``; ``validate(optimiser) -> (ok, message)`` defaults to the course's checks."""
    batch_size: int = 10
    learning_rate: float = 0.1
    decay: float = 0.1
    epochs: int = 15
    seed: int = 0
    optimiser: Callable | None = None
    validate: Validate | None = None
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False, compare=False)

    def check_optimiser(self) -> tuple[bool, str]:
        """Run the checks once per optimiser (they take a moment), not on every slider move."""
        return self._checks.verdict(EXERCISE_KEY, self.optimiser, self.validate)

    def compute(self) -> SGDResult:
        X, y = line_data()
        best, lowest, _, _ = _optimum()
        batch, lr, decay, epochs = int(self.batch_size), float(self.learning_rate), float(self.decay), int(self.epochs)
        per_epoch = -(-len(y) // batch)
        implementation, running, raw = self._run(X, y, lr, epochs, batch, decay, per_epoch)
        path, escaped = _stop_at_escape(raw)
        with quiet():
            full = _stop_at_escape(reference_minibatch_sgd(X, y, lr, epochs, len(y), decay))[0]
            excess = _excess_loss(path, X, y, lowest)
            full_excess = _excess_loss(full, X, y, lowest)
        diverged = escaped or bool(excess[-1] > excess[0])   # ended worse than it started
        return SGDResult(
            batch_size=batch, learning_rate=lr, decay=decay, epochs=epochs, updates_per_epoch=per_epoch, path=path,
            epoch_of_update=np.arange(len(path)) / per_epoch, excess_loss=excess, full_batch_path=full,
            full_batch_excess=full_excess,
            optimum=best, lowest_loss=lowest, diverged=diverged, implementation=implementation, running=running,
            explanation=_explain(batch, lr, decay, epochs, per_epoch, excess, lowest, diverged, len(y)))

    def _run(self, X, y, lr, epochs, batch, decay, per_epoch) -> tuple[str, str, np.ndarray]:
        def reference(why: str = "") -> tuple[str, str, np.ndarray]:
            with quiet():
                path = reference_minibatch_sgd(X, y, lr, epochs, batch, decay, self.seed)
            return "reference", "running: the reference" + (f" ({why})" if why else ""), path

        optimiser, why = self._checks.usable(EXERCISE_KEY, self.optimiser, self.validate)
        if optimiser is None:
            return reference(why and f"your minibatch_sgd {why}")
        try:
            with quiet():
                path = np.asarray(optimiser(X.copy(), y.copy(), lr, epochs, batch, decay, self.seed), dtype=float)
        except Exception as error:
            return reference(f"your minibatch_sgd raised {type(error).__name__}: {error}")
        if path.shape != (epochs * per_epoch + 1, 2):
            return reference(f"your minibatch_sgd returned shape {path.shape} here, expected "
                             f"({epochs * per_epoch + 1}, 2)")
        return "yours", "running: your minibatch_sgd", path


def _stop_at_escape(path: np.ndarray) -> tuple[np.ndarray, bool]:
    with quiet():
        bad = ~np.isfinite(path).all(axis=1) | (np.abs(path).max(axis=1) > ESCAPE_RADIUS)
    if not bad.any():
        return path, False
    return path[:max(int(np.argmax(bad)), 1)], True


def _excess_loss(path: np.ndarray, X: np.ndarray, y: np.ndarray, lowest: float) -> np.ndarray:
    return np.maximum(np.mean((path @ X.T - y) ** 2, axis=1) - lowest, 0.0)


def _explain(batch: int, lr: float, decay: float, epochs: int, per_epoch: int, excess: np.ndarray, lowest: float,
             diverged: bool, n: int) -> str:
    _, _, largest, _ = _optimum()
    X, _ = line_data()
    single = 2 * float(np.max(np.sum(X ** 2, axis=1)))
    if diverged:
        return (f"Diverged: lr = {lr:.3g} is too large. Full-batch gradient descent needs lr < 2/L = "
                f"{2 / largest:.3g} (L = {largest:.3g}, the largest curvature of the MSE); a batch of one point can be "
                f"much steeper, up to 2(1 + x²) = {single:.3g} here, so small batches need a smaller lr.")
    final_rate = lr / (1 + decay * (epochs - 1))
    kind = ("full-batch gradient descent: no noise at all" if batch >= n else
            "pure SGD: one point per update, the noisiest" if batch == 1 else
            f"each update averages {batch} of the {n} points' gradients, so its noise shrinks like 1/√{batch}")
    text = (f"batch_size = {batch} makes {per_epoch} update{'s' if per_epoch > 1 else ''} per epoch, "
            f"{per_epoch * epochs} in all ({kind}). The final MSE is {excess[-1]:.2g} above the least-squares minimum "
            f"{lowest:.3g} ({excess[-1] / lowest:.1%}). ")
    if batch < n:
        text += ("At a constant learning rate the noise never dies out: the path ends in a cloud around the minimum "
                 "whose size grows with lr and shrinks with the batch size. ")
    text += (f"The schedule lr / (1 + decay · epoch) ends at {final_rate:.3g}"
             + (": a larger decay shrinks the last steps, and the cloud, faster." if decay > 0 else
                "; with decay = 0 it never shrinks.") +
             " Compare the grey curve: full-batch GD with the same lr makes only one update per epoch.")
    return text


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.0, 4.0), 80
LOSS_FLOOR = 1e-8


def sgd_explorer(minibatch_sgd: Callable | None = None, *, batch_size: int = 10, learning_rate: float = 0.1,
                 decay: float = 0.1, epochs: int = 15, validate: Validate | None = None):
    """Batch size, learning rate, decay and epochs controls, a picture and a status line, in a ``VBox``.

    ``minibatch_sgd`` is the learner's function; it runs once it passes its checks.  The box carries ``model``
    (:class:`SGDRun`), ``result`` (latest :class:`SGDResult`), ``controls`` (name -> widget: "batch_size",
    "learning_rate", "decay", "epochs", "reshuffle"), ``output``, ``status``, ``figure`` and ``last_update``
    (milliseconds: compute, render, total).
    """
    import ipywidgets as widgets

    model = SGDRun(batch_size=batch_size, learning_rate=learning_rate, decay=decay, epochs=epochs,
                   optimiser=minibatch_sgd, validate=validate)
    style = {"description_width": "initial"}
    controls = {
        "batch_size": widgets.SelectionSlider(options=[(f"{b} (full)" if b == 100 else str(b), b) for b in BATCH_SIZES],
                                              value=batch_size, description="batch size", style=style),
        # log scale: full-batch GD diverges above 2/L ≈ 0.3, single points above ≈ 0.1
        "learning_rate": widgets.FloatLogSlider(value=learning_rate, base=10, min=-3, max=0, step=0.02,
                                                readout_format=".3f", description="learning rate", style=style),
        "decay": widgets.FloatSlider(value=decay, min=0.0, max=2.0, step=0.05, description="decay", style=style),
        "epochs": widgets.IntSlider(value=epochs, min=1, max=30, description="epochs", style=style),
        "reshuffle": widgets.Button(description="reshuffle (new seed)", icon="random"),
    }
    def status(result: SGDResult) -> tuple[str, str]:
        verdict = "<b>diverged</b>" if result.diverged else f"final excess MSE <b>{result.excess_loss[-1]:.2g}</b>"
        return f"{verdict} · {html.escape(result.running)}", result.explanation

    rows = [widgets.HBox([controls["batch_size"], controls["learning_rate"]]),
            widgets.HBox([controls["decay"], controls["epochs"], controls["reshuffle"]])]
    box = assemble(model, controls, rows, picture=_Picture(), css_class="explorer-sgd", label="<mini-batch SGD>",
                   status=status, status_description="status")

    def reshuffle(_button=None) -> None:
        model.seed += 1
        box.update()

    controls["reshuffle"].on_click(reshuffle)
    return box


class _Picture:
    """One figure for the explorer's lifetime; the contours are drawn once, the paths and curves replaced."""

    def __init__(self) -> None:
        from matplotlib.ticker import LogLocator, NullLocator

        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.9, wspace=0.25)
        self.path_ax, self.loss_ax = self.figure.subplots(1, 2)
        B, W, Z, limits = contour_grid()
        best, lowest, _, _ = _optimum()
        ax = self.path_ax
        ax.contour(B, W, Z, levels=lowest + np.geomspace(0.01, float(Z.max() - lowest), 12), cmap="viridis",
                   linewidths=0.8, zorder=1)
        ax.plot(*best, "*", color="k", ms=12, zorder=4, label="least squares")
        ax.plot(0, 0, "o", color="k", ms=5, zorder=4, label="start (0, 0)")
        ax.set_xlim(*limits[:2])
        ax.set_ylim(*limits[2:])
        ax.set_xlabel("intercept b")
        ax.set_ylabel("slope w")
        (self.full_path,) = ax.plot([], [], "-", color="0.5", lw=1.2, zorder=2, label="full-batch GD")
        (self.path_line,) = ax.plot([], [], "-", color="C3", lw=0.8, alpha=0.8, zorder=3, label="SGD path")
        (self.epoch_marks,) = ax.plot([], [], "o", color="C3", ms=3, zorder=3)
        ax.legend(fontsize=7, loc="lower right")
        loss = self.loss_ax
        loss.set_yscale("log")
        # few ticks: tick labels are most of the drawing time on a log axis
        loss.yaxis.set_major_locator(LogLocator(numticks=6))
        loss.yaxis.set_minor_locator(NullLocator())
        loss.set_xlabel("epoch")
        loss.set_ylabel("MSE − least-squares MSE")
        loss.grid(True, which="major", alpha=0.3)
        (self.full_loss,) = loss.plot([], [], "o-", color="0.5", ms=3, lw=1.2, label="full-batch GD")
        (self.loss_line,) = loss.plot([], [], "-", color="C3", lw=0.8, alpha=0.8, label="SGD, every update")
        (self.loss_marks,) = loss.plot([], [], "o", color="C3", ms=3, label="SGD, end of each epoch")
        loss.legend(fontsize=7, loc="upper right")

    def draw(self, result: SGDResult) -> bytes:
        per_epoch = result.updates_per_epoch
        self.path_line.set_data(result.path[:, 0], result.path[:, 1])
        ends = result.path[::per_epoch]
        self.epoch_marks.set_data(ends[:, 0], ends[:, 1])
        self.path_ax.set_title(f"batch size {result.batch_size}, lr {result.learning_rate:.3g}, decay "
                               f"{result.decay:g}: path of (b, w)", fontsize=10)
        full_epochs = np.arange(len(result.full_batch_excess))
        self.full_path.set_data(result.full_batch_path[:, 0], result.full_batch_path[:, 1])
        losses = np.maximum(result.excess_loss, LOSS_FLOOR)
        full = np.maximum(result.full_batch_excess, LOSS_FLOOR)
        self.loss_line.set_data(result.epoch_of_update, losses)
        self.loss_marks.set_data(result.epoch_of_update[::per_epoch], losses[::per_epoch])
        self.full_loss.set_data(full_epochs, full)
        self.loss_ax.set_xlim(0, result.epochs)
        low = min(float(losses.min()), float(full.min()))
        high = max(float(losses.max()), float(full.max()))
        self.loss_ax.set_ylim(low / 3, high * 3)
        title = ("diverged" if result.diverged else
                 f"after {result.epochs} epochs: {result.excess_loss[-1]:.2g} above the minimum")
        self.loss_ax.set_title(title, fontsize=10, color="C3" if result.diverged else "black")
        return figure_png(self.figure)

