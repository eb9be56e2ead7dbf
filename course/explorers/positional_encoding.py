"""Explorer: positional encodings as pictures, and how similar the encodings of two positions are.

``PositionalPatterns`` (the model) makes the sinusoidal encoding of ``length`` positions in ``dimension`` dimensions
(the learner's ``sinusoidal_positions`` once it passes its checks, else a reference), or takes the learned position
embeddings of the course's pretrained tiny GPT, and computes the cosine similarity of every pair of positions.
``positional_encoding_explorer`` is the view: the encoding matrix, the similarity matrix, and the similarity of one
chosen position to all the others.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course.explorers.attention_map import Blitter
from course.explorers.view import LearnerChecks, Validate, assemble, guarded, new_figure

__all__ = ["KINDS", "reference_sinusoidal", "learned_positions", "PositionPicture", "PositionalPatterns",
           "positional_encoding_explorer"]

EXERCISE_KEY = "week09.sinusoidal_positions"
KINDS = ("sinusoidal", "learned (the tiny GPT)")


def reference_sinusoidal(n: int, d: int) -> np.ndarray:
    angles = np.arange(n)[:, None] / 10000.0 ** (np.arange(0, d, 2)[None, :] / d)
    pe = np.empty((n, d))
    pe[:, 0::2], pe[:, 1::2] = np.sin(angles), np.cos(angles)
    return pe


def learned_positions() -> np.ndarray:
    """The shipped GPT's learned position embeddings, (context 64, width 96)."""
    from course.explorers import tiny_gpt
    return tiny_gpt.numpy_weights()["positions.weight"]


@dataclass(frozen=True, eq=False)
class PositionPicture:
    kind: str
    encoding: np.ndarray        # (n, d)
    similarity: np.ndarray      # (n, n): cosine similarity of the rows
    position: int
    implementation: str
    running: str

    @property
    def nearest(self) -> list[int]:
        """The three positions most similar to the chosen one (itself excluded)."""
        row = self.similarity[self.position].copy()
        row[self.position] = -np.inf
        return [int(j) for j in np.argsort(-row, kind="stable")[:3]]


@dataclass
class PositionalPatterns:
    length: int = 64
    dimension: int = 32
    position: int = 20
    kind: str = "sinusoidal"
    sinusoidal_positions: Callable | None = None
    validate: Validate | None = None
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def compute(self) -> PositionPicture:
        return self._checks.compute(self._compute)

    def _compute(self) -> PositionPicture:
        if self.kind == KINDS[1]:
            encoding, implementation = learned_positions(), "learned"
            running = "learned position embeddings of the pretrained tiny GPT (64 positions × 96 dimensions)"
        else:
            function, why = self._checks.usable(EXERCISE_KEY, self.sinusoidal_positions, self.validate)
            n, d = int(self.length), int(self.dimension) // 2 * 2
            if function is not None:
                encoding = np.asarray(guarded(EXERCISE_KEY, function)(n, d), dtype=float)
                implementation, running = "yours", "encodings: your sinusoidal_positions"
            else:
                encoding, implementation = reference_sinusoidal(n, d), "reference"
                running = "encodings: the reference sinusoidal_positions" + (why and f" (yours {why})")
        unit = encoding / np.maximum(np.linalg.norm(encoding, axis=1, keepdims=True), 1e-12)
        position = int(np.clip(self.position, 0, len(encoding) - 1))
        return PositionPicture(self.kind, encoding, unit @ unit.T, position, implementation, running)


def describe(r: PositionPicture) -> str:
    n, d = r.encoding.shape
    return (f"{r.kind}: {n} positions × {d} dimensions; position {r.position} is most similar to positions "
            f"{', '.join(map(str, r.nearest))}")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.0, 3.4), 72


def positional_encoding_explorer(sinusoidal_positions: Callable | None = None, *, length: int = 64,
                                 dimension: int = 32, position: int = 20, validate: Validate | None = None):
    """Sliders for the number of positions, the dimension and one position; a menu: sinusoidal or learned.

    The box carries ``model`` (:class:`PositionalPatterns`), ``result`` (the latest :class:`PositionPicture`),
    ``controls`` ("kind", "length", "dimension", "position"), ``output``, ``status`` and ``last_update``.
    """
    import ipywidgets as widgets

    style, layout = {"description_width": "initial"}, widgets.Layout(width="300px")
    model = PositionalPatterns(length=length, dimension=dimension, position=position,
                               sinusoidal_positions=sinusoidal_positions, validate=validate)
    controls = {
        "kind": widgets.Dropdown(options=KINDS, value=KINDS[0], description="encoding", style=style),
        "length": widgets.IntSlider(value=length, min=8, max=256, step=8, description="positions n", style=style,
                                    layout=layout),
        "dimension": widgets.IntSlider(value=dimension, min=2, max=128, step=2, description="dimension d",
                                       style=style, layout=layout),
        "position": widgets.IntSlider(value=position, min=0, max=255, description="position p", style=style,
                                      layout=layout)}
    rows = [controls["kind"], widgets.HBox([controls["length"], controls["dimension"]]), controls["position"]]
    return assemble(model, controls, rows, picture=_Picture(), css_class="explorer-positional-encoding",
                    label="<positional encoding>",
                    status=lambda r: (f"{html.escape(describe(r))}<br>{html.escape(r.running)}", ""))


class _Picture:
    """Drawn in full once; each update redraws the two images, the curve, its x-axis and the titles (a Blitter).
    The images have no ticks (their sizes are in the titles), so nothing else depends on n or d."""

    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.axes = [self.figure.add_subplot(1, 3, k + 1) for k in range(3)]
        self.figure.subplots_adjust(left=0.04, right=0.98, bottom=0.16, top=0.88, wspace=0.25)
        self.encoding = self.axes[0].imshow(np.zeros((2, 2)), cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto",
                                            interpolation="nearest", extent=(0, 1, 1, 0))
        self.axes[0].set_xlabel("dimension →")
        self.axes[0].set_ylabel("← position")
        self.similarity = self.axes[1].imshow(np.zeros((2, 2)), cmap="viridis", vmin=-1, vmax=1, aspect="auto",
                                              interpolation="nearest", extent=(0, 1, 1, 0))
        self.axes[1].set_xlabel("position →")
        for ax in self.axes[:2]:
            ax.set_xticks([])
            ax.set_yticks([])
        (self.row,) = self.axes[2].plot([], [], color="C0")
        (self.here,) = self.axes[2].plot([], [], "o", color="C3")
        self.axes[2].set_ylim(-1.05, 1.05)
        self.axes[2].set_xlabel("position")
        self.axes[2].grid(alpha=0.3, axis="y")
        for ax in self.axes:
            ax.set_title(" ", fontsize=10)
        self.blitter = Blitter(self.figure)
        self.blitter.lay_out(self._dynamic())

    def _dynamic(self) -> list:
        return [self.encoding, self.similarity, self.row, self.here, self.axes[2].xaxis,
                *(ax.title for ax in self.axes)]

    def draw(self, r: PositionPicture) -> bytes:
        n, d = r.encoding.shape
        limit = max(float(np.abs(r.encoding).max()), 1e-9)
        self.encoding.set_data(r.encoding)
        self.encoding.set_clim(-limit, limit)
        self.similarity.set_data(r.similarity)
        self.row.set_data(np.arange(n), r.similarity[r.position])
        self.here.set_data([r.position], [1.0])
        self.axes[2].set_xlim(0, n - 1)
        self.axes[0].set_title(f"{r.kind} encoding: {n} positions × {d}", fontsize=10)
        self.axes[1].set_title(f"cosine similarity of the {n} positions", fontsize=10)
        self.axes[2].set_title(f"similarity of position {r.position} to the others", fontsize=10)
        return self.blitter.png(self._dynamic())
