"""Explorer: how the gradient that reaches step t of a recurrent network shrinks or grows with the distance T − t.

``RNNGradients`` (the model) runs a tanh RNN with H = 32 hidden units on a random sequence (the learner's
``rnn_forward`` once it passes its checks, else a reference), then backpropagates a loss on the last state:
``g_{t−1} = (g_t ⊙ (1 − h_t²)) Whh^T``. The recurrent matrix is a random orthogonal matrix times ``scale``, so
``scale`` is exactly its spectral radius. Beside it, an LSTM's cell-state path, where the gradient is multiplied by
the forget gate ``f_t = σ(…+ forget_bias)`` at each step instead. ``rnn_gradients_explorer`` is the view.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np

from course.explorers.view import (LearnerChecks, Validate, assemble, figure_png, guarded, new_figure, plain_log_axis,
                                   quiet)

__all__ = ["HIDDEN", "MAX_LENGTH", "reference_rnn_forward", "rnn_gradient_norms", "lstm_cell_path_norms",
           "GradientFlow", "RNNGradients", "rnn_gradients_explorer"]

EXERCISE_KEY = "week08.rnn_forward"
HIDDEN, INPUTS, MAX_LENGTH = 32, 4, 200


def reference_rnn_forward(x, h0, Wxh, Whh, b) -> np.ndarray:
    h, states = h0, []
    for x_t in x:
        h = np.tanh(x_t @ Wxh + h @ Whh + b)
        states.append(h)
    return np.stack(states)


@lru_cache(maxsize=8)
def _weights(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    q, r = np.linalg.qr(rng.normal(size=(HIDDEN, HIDDEN)))
    return {"Q": q * np.sign(np.diag(r)), "Wxh": rng.normal(size=(INPUTS, HIDDEN)) / np.sqrt(INPUTS),
            "b": rng.normal(size=HIDDEN) * 0.1, "x": rng.normal(size=(MAX_LENGTH, 1, INPUTS)) * 0.1,
            "h0": np.zeros((1, HIDDEN)), "readout": rng.normal(size=HIDDEN) / np.sqrt(HIDDEN),
            "lstm_W": rng.normal(size=(INPUTS, HIDDEN)) / np.sqrt(INPUTS)}


def rnn_gradient_norms(states: np.ndarray, Whh: np.ndarray, readout: np.ndarray) -> np.ndarray:
    """‖∂L/∂h_t‖ for t = 1..T with L = readout · h_T, from the hidden states (T, 1, H) of a tanh RNN."""
    T = len(states)
    norms, g = np.empty(T), readout[None].astype(float)
    for t in range(T - 1, -1, -1):
        norms[t] = np.linalg.norm(g)
        g = (g * (1 - states[t] ** 2)) @ Whh.T      # through the tanh of step t, then the recurrent matrix
    return norms


def lstm_cell_path_norms(x: np.ndarray, W: np.ndarray, forget_bias: float, readout: np.ndarray) -> np.ndarray:
    """‖∂L/∂c_t‖ along the cell state only (c_t = f_t ⊙ c_{t−1} + ...): the product of the forget gates."""
    f = 1 / (1 + np.exp(-(x[:, 0] @ W + forget_bias)))       # (T, H), the forget gates of each step
    T = len(f)
    norms, g = np.empty(T), readout.astype(float)
    for t in range(T - 1, -1, -1):
        norms[t] = np.linalg.norm(g)
        g = g * f[t]
    return norms


@dataclass(frozen=True, eq=False)
class GradientFlow:
    length: int
    scale: float
    forget_bias: float
    steps_back: np.ndarray      # (T,): T − t, from 0 (the last step) to T − 1
    rnn_norms: np.ndarray       # (T,), in the order of steps_back
    lstm_norms: np.ndarray      # (T,)
    implementation: str
    running: str

    @property
    def rnn_ratio(self) -> float:
        """How much the gradient reaching the first step is smaller (< 1) or larger (> 1) than at the last."""
        return float(self.rnn_norms[-1] / self.rnn_norms[0])


@dataclass
class RNNGradients:
    """All the explorer's state. ``rnn_forward`` is the learner's function (Exercise 8)."""
    length: int = 50
    scale: float = 1.0
    forget_bias: float = 1.0
    seed: int = 0
    rnn_forward: Callable | None = None
    validate: Validate | None = None
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def compute(self) -> GradientFlow:
        return self._checks.compute(self._compute)

    def _compute(self) -> GradientFlow:
        function, why = self._checks.usable(EXERCISE_KEY, self.rnn_forward, self.validate)
        if function is not None:
            forward, implementation = guarded(EXERCISE_KEY, function), "yours"
            running = "hidden states: your rnn_forward"
        else:
            forward, implementation = reference_rnn_forward, "reference"
            running = "hidden states: the reference rnn_forward" + (why and f" (your rnn_forward {why})")
        p = _weights(self.seed)
        T = int(np.clip(self.length, 2, MAX_LENGTH))
        Whh = p["Q"] * float(self.scale)
        with quiet():
            states = np.asarray(forward(p["x"][:T], p["h0"], p["Wxh"], Whh, p["b"]), dtype=float)
            rnn = rnn_gradient_norms(states, Whh, p["readout"])
            lstm = lstm_cell_path_norms(p["x"][:T], p["lstm_W"], float(self.forget_bias), p["readout"])
        return GradientFlow(T, float(self.scale), float(self.forget_bias), np.arange(T), rnn[::-1], lstm[::-1],
                            implementation, running)


def describe(r: GradientFlow) -> str:
    lstm = r.lstm_norms[-1] / r.lstm_norms[0]
    return (f"after {r.length - 1} steps back the RNN's gradient is {r.rnn_ratio:.1e} times its size at the last "
            f"step; the LSTM cell path keeps {lstm:.1e} of it")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (8.0, 3.6), 80
FLOOR, CEILING = 1e-20, 1e12      # the y-axis: gradients outside it are drawn at its edge


def rnn_gradients_explorer(rnn_forward: Callable | None = None, *, length: int = 50, scale: float = 1.0,
                           forget_bias: float = 1.0, validate: Validate | None = None):
    """Sliders for the sequence length, the recurrent matrix's spectral radius and the LSTM's forget-gate bias.

    The box carries ``model`` (:class:`RNNGradients`), ``result`` (the latest :class:`GradientFlow`),
    ``controls`` ("length", "scale", "forget_bias"), ``output``, ``status`` and ``last_update``.
    """
    import ipywidgets as widgets

    style, layout = {"description_width": "initial"}, widgets.Layout(width="360px")
    model = RNNGradients(length=length, scale=scale, forget_bias=forget_bias, rnn_forward=rnn_forward,
                         validate=validate)
    controls = {
        "length": widgets.IntSlider(value=length, min=5, max=MAX_LENGTH, step=5, description="sequence length T",
                                    style=style, layout=layout),
        "scale": widgets.FloatSlider(value=scale, min=0.5, max=2.0, step=0.05, description="spectral radius of Whh",
                                     style=style, layout=layout),
        "forget_bias": widgets.FloatSlider(value=forget_bias, min=-2.0, max=6.0, step=0.25,
                                           description="LSTM forget-gate bias", style=style, layout=layout)}
    rows = [widgets.HBox([controls["length"], controls["scale"]]), controls["forget_bias"]]
    return assemble(model, controls, rows, picture=_Picture(), css_class="explorer-rnn-gradients",
                    label="<rnn gradients>",
                    status=lambda r: (f"{html.escape(describe(r))}<br>{html.escape(r.running)}", ""))


class _Picture:
    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        ax = self.ax = self.figure.add_subplot(1, 1, 1)
        self.figure.subplots_adjust(left=0.1, right=0.97, bottom=0.15, top=0.9)
        (self.rnn,) = ax.plot([], [], color="C3", lw=1.8, label="tanh RNN: ‖∂L/∂h_t‖")
        (self.lstm,) = ax.plot([], [], color="C0", lw=1.8, label="LSTM cell path: ‖∂L/∂c_t‖")
        ax.axhline(1.0, color="grey", lw=0.8, ls=":")
        ax.set_yscale("log")
        ax.set_ylim(FLOOR, CEILING)          # fixed: the axis is not laid out again on every update
        plain_log_axis(ax.yaxis, [10.0 ** k for k in range(-20, 13, 4)])
        ax.set_xlabel("steps back from the last step (T − t)")
        ax.set_ylabel("gradient norm")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower left", fontsize=9)

    def draw(self, r: GradientFlow) -> bytes:
        self.rnn.set_data(r.steps_back, np.clip(r.rnn_norms, FLOOR / 10, CEILING * 10))
        self.lstm.set_data(r.steps_back, np.clip(r.lstm_norms, FLOOR / 10, CEILING * 10))
        self.ax.set_xlim(0, max(r.length - 1, 1))
        self.ax.set_title(f"T = {r.length}, spectral radius {r.scale:.2f}, forget bias {r.forget_bias:+.2f}",
                          fontsize=10)
        return figure_png(self.figure)
