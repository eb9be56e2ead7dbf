"""Explorer: the activations and gradients of every layer of a deep MLP, as the initialisation and batch norm change.

``LayerStatistics`` (the model) sends 256 random inputs through 8 layers of 100 units (tanh or ReLU), weights
drawn with a chosen standard deviation, optionally batch-normalising each layer's pre-activations (γ = 1, β = 0),
and backpropagates a random gradient from the top. ``compute()`` returns, per layer, a histogram of the activations
and one of log10 |∂L/∂h|, and their spreads. ``layer_statistics_explorer`` (the view) draws both as ridge plots:
one curve per layer, the first at the bottom.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from threadpoolctl import threadpool_limits

from course.explorers.view import assemble, figure_png, new_figure, quiet

__all__ = ["INITIALISATIONS", "LAYERS", "LayerHistograms", "LayerStatistics", "layer_statistics_explorer"]

LAYERS, WIDTH, SAMPLES = 8, 100, 256
#: weight standard deviation as a multiple of 1/sqrt(fan_in)
INITIALISATIONS = {"too small (0.5/√n)": 0.5, "Xavier (1/√n)": 1.0, "He (√2/√n)": np.sqrt(2.0),
                   "too large (3/√n)": 3.0}
ACTIVATION_BINS = np.linspace(-1.5, 3.0, 61)
GRADIENT_BINS = np.linspace(-12.0, 2.0, 57)      # log10 |gradient|


@lru_cache(maxsize=4)
def _draws(seed: int) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """The random numbers of one seed: standard normal weights, the inputs, the gradient sent in at the top."""
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=(WIDTH, WIDTH)) for _ in range(LAYERS)]
    return weights, rng.normal(size=(SAMPLES, WIDTH)), rng.normal(size=(SAMPLES, WIDTH)) / np.sqrt(SAMPLES)


def _shares(values: np.ndarray, bins: np.ndarray) -> np.ndarray:
    """Per layer (first axis), the share of the values in each of the equal-width bins (the ends collect the rest)."""
    count = len(bins) - 1
    index = np.clip(((values - bins[0]) / (bins[1] - bins[0])).astype(int), 0, count - 1).reshape(len(values), -1)
    offsets = index + count * np.arange(len(values))[:, None]
    return np.bincount(offsets.ravel(), minlength=count * len(values)).reshape(len(values), count) / index.shape[1]


@dataclass(frozen=True, eq=False)
class LayerHistograms:
    initialisation: str
    activation: str
    batch_norm: bool
    activations: np.ndarray      # (LAYERS, bins): the share of the activations of each layer in each bin
    gradients: np.ndarray        # (LAYERS, bins): the same for log10 |dL/dh|
    activation_std: np.ndarray   # (LAYERS,)
    gradient_rms: np.ndarray     # (LAYERS,)


@dataclass
class LayerStatistics:
    """All the explorer's state: the initialisation's name, "tanh" or "relu", batch norm on or off, a seed."""
    initialisation: str = "Xavier (1/√n)"
    activation: str = "tanh"
    batch_norm: bool = False
    seed: int = 0

    def compute(self) -> LayerHistograms:
        standard, h, top = _draws(self.seed)
        scale = INITIALISATIONS[self.initialisation] / np.sqrt(WIDTH)
        weights = [w * scale for w in standard]
        tanh = self.activation == "tanh"
        cache, activations = [], []
        # one BLAS thread: these products are small, and two threads fight on a busy 2-core machine
        with quiet(), threadpool_limits(1):
            for W in weights:
                z = h @ W
                if self.batch_norm:
                    inv_std = 1 / np.sqrt(z.var(axis=0) + 1e-5)
                    z_hat = (z - z.mean(axis=0)) * inv_std
                else:
                    inv_std, z_hat = None, z
                h_next = np.tanh(z_hat) if tanh else np.maximum(z_hat, 0.0)
                cache.append((h, z_hat, inv_std, h_next))
                activations.append(h_next)
                h = h_next
            grad = top
            gradients = [None] * LAYERS
            for layer in range(LAYERS - 1, -1, -1):
                h_in, z_hat, inv_std, h_out = cache[layer]
                gradients[layer] = grad
                dz_hat = grad * ((1 - h_out ** 2) if tanh else (z_hat > 0))
                if self.batch_norm:       # through the batch statistics (the backward pass of Exercise 6)
                    dz = inv_std * (dz_hat - dz_hat.mean(axis=0) - z_hat * (dz_hat * z_hat).mean(axis=0))
                else:
                    dz = dz_hat
                grad = dz @ weights[layer].T
            act_hist = _shares(np.stack(activations), ACTIVATION_BINS)
            grad_hist = _shares(np.log10(np.maximum(np.abs(np.stack(gradients)), 1e-300)), GRADIENT_BINS)
            return LayerHistograms(self.initialisation, self.activation, bool(self.batch_norm), act_hist, grad_hist,
                                   np.array([a.std() for a in activations]),
                                   np.array([np.sqrt(np.mean(g ** 2)) for g in gradients]))


def describe(r: LayerHistograms) -> str:
    ratio = r.gradient_rms[0] / r.gradient_rms[-1]
    return (f"activation spread from layer 1 to {LAYERS}: {r.activation_std[0]:.3g} → {r.activation_std[-1]:.3g}; "
            f"the gradient at layer 1 is {ratio:.3g} times the one at layer {LAYERS}")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.0, 3.8), 72


def layer_statistics_explorer(*, initialisation: str = "Xavier (1/√n)", activation: str = "tanh",
                              batch_norm: bool = False):
    """Menus for the initialisation and the activation, a batch-norm switch; two ridge plots.

    The box carries ``model`` (:class:`LayerStatistics`), ``result`` (the latest :class:`LayerHistograms`),
    ``controls`` ("initialisation", "activation", "batch_norm"), ``output``, ``status`` and ``last_update``.
    """
    import ipywidgets as widgets

    model = LayerStatistics(initialisation=initialisation, activation=activation, batch_norm=batch_norm)
    controls = {"initialisation": widgets.Dropdown(options=list(INITIALISATIONS), value=initialisation,
                                                   description="weights"),
                "activation": widgets.ToggleButtons(options=["tanh", "relu"], value=activation,
                                                    description="activation"),
                "batch_norm": widgets.Checkbox(value=batch_norm, description="batch norm after each layer")}
    rows = [widgets.HBox([controls["initialisation"], controls["activation"], controls["batch_norm"]])]
    return assemble(model, controls, rows, picture=_Picture(), css_class="explorer-layer-statistics",
                    label="<layer statistics>", status=lambda r: (html.escape(describe(r)), ""))


class _Picture:
    """Two ridge plots, one line per layer, created once; updates only replace the lines' data."""

    def __init__(self) -> None:
        from matplotlib import colormaps

        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.figure.subplots_adjust(left=0.06, right=0.98, bottom=0.14, top=0.9, wspace=0.15)
        colours = colormaps["viridis"](np.linspace(0, 0.9, LAYERS))
        self.axes, self.lines = [], []
        for k, (bins, title, label) in enumerate(((ACTIVATION_BINS, "activations per layer", "activation value"),
                                                  (GRADIENT_BINS, "gradients per layer", "log10 |∂L/∂h|"))):
            ax = self.figure.add_subplot(1, 2, k + 1)
            centres = (bins[:-1] + bins[1:]) / 2
            self.lines.append([ax.plot(centres, np.full(len(centres), float(layer)), color=colours[layer], lw=1.4)[0]
                               for layer in range(LAYERS)])
            ax.set_yticks(range(LAYERS), [f"layer {layer + 1}" for layer in range(LAYERS)], fontsize=8)
            ax.set_ylim(-0.2, LAYERS + 0.3)
            ax.set_xlim(bins[0], bins[-1])
            ax.set_title(title, fontsize=10)
            ax.set_xlabel(label)
            ax.grid(alpha=0.2)
            self.axes.append(ax)

    def draw(self, r: LayerHistograms) -> bytes:
        for lines, histograms in zip(self.lines, (r.activations, r.gradients)):
            height = 2.5 / max(histograms.max(), 1e-12)       # the tallest bin reaches 2.5 layers up
            for layer, (line, histogram) in enumerate(zip(lines, histograms)):
                line.set_ydata(layer + height * histogram)
        return figure_png(self.figure)
