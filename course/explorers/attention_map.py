"""Explorer: what each character attends to, in the course's pretrained tiny GPT.

``AttentionMap`` (the model) runs the shipped GPT (``course.explorers.tiny_gpt``) over a text, keeps every layer's
queries and keys, and turns one head's scores into attention weights: ``softmax(q·k / (sqrt(d)·temperature))``, with
or without the causal mask. The weights come from the learner's ``scaled_dot_product_attention`` once it passes its
checks (called with the identity matrix as the values, so that ``weights @ I`` is the weights themselves), else from
a reference. The temperature and the mask change only how the model's own scores become the weights in the picture;
the network that produced the queries and keys ran causally, as it was trained. ``attention_map_explorer`` is the
view: a text box, sliders for the layer, the head, the temperature and the query, and a causal-mask check box.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np

from course.explorers import tiny_gpt
from course.explorers.view import LearnerChecks, Validate, assemble, guarded, new_figure, quiet

__all__ = ["DEFAULT_TEXT", "reference_attention", "AttentionPicture", "AttentionMap", "attention_map_explorer",
           "shown", "Blitter"]

EXERCISE_KEY = "week09.scaled_dot_product_attention"
DEFAULT_TEXT = "def add(self, item):\n    self.items.append(item)"
MAX_CHARACTERS = 48


def reference_attention(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True) @ v


def shown(character: str) -> str:
    """A character as a tick label: newline and space made visible."""
    return {"\n": "↵", " ": "·"}.get(character, character)


@lru_cache(maxsize=32)
def _queries_and_keys(text: str) -> dict:
    with tiny_gpt.one_thread():
        _, kept = tiny_gpt.forward_numpy(tiny_gpt.encode(text), keep_attention=True)
    return kept


@dataclass(frozen=True, eq=False)
class AttentionPicture:
    text: str
    layer: int
    head: int
    temperature: float
    causal: bool
    query: int                  # the highlighted query's position
    weights: np.ndarray         # (T, T): row i = what character i attends to
    implementation: str
    running: str

    @property
    def top_keys(self) -> list[tuple[int, float]]:
        """The highlighted query's three largest weights: (key position, weight)."""
        row = self.weights[self.query]
        order = np.argsort(-row, kind="stable")[:3]
        return [(int(j), float(row[j])) for j in order]

    @property
    def entropy(self) -> float:
        """The highlighted query's attention entropy in nats (0: all on one key; ln T: uniform)."""
        row = self.weights[self.query]
        row = row[row > 0]
        return float(-(row * np.log(row)).sum())


@dataclass
class AttentionMap:
    """All the explorer's state; ``attention`` is the learner's scaled_dot_product_attention (Exercise 3)."""
    text: str = DEFAULT_TEXT
    layer: int = 0
    head: int = 0
    temperature: float = 1.0
    causal: bool = True
    query: int = -1                         # -1: the last character
    attention: Callable | None = None
    validate: Validate | None = None
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def compute(self) -> AttentionPicture:
        return self._checks.compute(self._compute)

    def _compute(self) -> AttentionPicture:
        function, why = self._checks.usable(EXERCISE_KEY, self.attention, self.validate)
        if function is not None:
            attend, implementation = guarded(EXERCISE_KEY, function), "yours"
            running = "weights: your scaled_dot_product_attention"
        else:
            attend, implementation = reference_attention, "reference"
            running = ("weights: the reference scaled_dot_product_attention"
                       + (why and f" (yours {why})"))
        text = (self.text or " ")[-MAX_CHARACTERS:]
        kept = _queries_and_keys(text)
        layer = int(np.clip(self.layer, 0, tiny_gpt.CONFIG.layers - 1))
        head = int(np.clip(self.head, 0, tiny_gpt.CONFIG.heads - 1))
        T = len(text)
        q, k = kept["q"][layer, head], kept["k"][layer, head]
        temperature = max(float(self.temperature), 1e-3)
        mask = np.tril(np.ones((T, T), dtype=bool)) if self.causal else None
        with quiet():
            weights = np.asarray(attend(q / temperature, k, np.eye(T), mask), dtype=float)
        query = int(self.query) % T
        return AttentionPicture(text, layer, head, temperature, bool(self.causal), query, weights,
                                implementation, running)


def describe(r: AttentionPicture) -> str:
    top = ", ".join(f"{shown(r.text[j])!r} at {j} ({w:.0%})" for j, w in r.top_keys)
    return (f"layer {r.layer + 1}, head {r.head + 1}: query {shown(r.text[r.query])!r} (position {r.query}) "
            f"attends most to {top}; entropy {r.entropy:.2f} nats (uniform over its keys: "
            f"{np.log(r.query + 1 if r.causal else len(r.text)):.2f})")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (8.5, 8.0), 72


def attention_map_explorer(attention: Callable | None = None, *, text: str = DEFAULT_TEXT, layer: int = 0,
                           head: int = 0, temperature: float = 1.0, causal: bool = True,
                           validate: Validate | None = None):
    """A text box, layer / head / temperature / query sliders and a causal-mask toggle over the attention map.

    The box carries ``model`` (:class:`AttentionMap`), ``result`` (the latest :class:`AttentionPicture`),
    ``controls`` ("text", "layer", "head", "temperature", "query", "causal"), ``output``, ``status`` and
    ``last_update``.
    """
    import ipywidgets as widgets

    style, layout = {"description_width": "initial"}, widgets.Layout(width="300px")
    text = text[-MAX_CHARACTERS:]
    model = AttentionMap(text=text, layer=layer, head=head, temperature=temperature, causal=causal,
                         query=len(text) - 1, attention=attention, validate=validate)
    controls = {
        "text": widgets.Textarea(value=text, description=f"text (≤ {MAX_CHARACTERS} characters)", style=style,
                                 layout=widgets.Layout(width="600px", height="60px"), continuous_update=False),
        "layer": widgets.IntSlider(value=layer + 1, min=1, max=tiny_gpt.CONFIG.layers, description="layer",
                                   style=style, layout=layout),
        "head": widgets.IntSlider(value=head + 1, min=1, max=tiny_gpt.CONFIG.heads, description="head",
                                  style=style, layout=layout),
        "temperature": widgets.FloatLogSlider(value=temperature, base=10, min=-1, max=1, step=0.1,
                                              description="temperature", style=style, layout=layout),
        "query": widgets.IntSlider(value=len(text) - 1, min=0, max=len(text) - 1, description="query position",
                                   style=style, layout=layout),
        "causal": widgets.Checkbox(value=causal, description="causal mask", style=style)}

    def apply() -> None:
        model.text = controls["text"].value[-MAX_CHARACTERS:] or " "
        last = len(model.text) - 1
        if controls["query"].max != last:
            controls["query"].max = last          # (may clamp the value; the observer then redraws once more)
        model.layer, model.head = controls["layer"].value - 1, controls["head"].value - 1
        model.temperature, model.causal = controls["temperature"].value, controls["causal"].value
        model.query = min(controls["query"].value, last)

    rows = [controls["text"], widgets.HBox([controls["layer"], controls["head"]]),
            widgets.HBox([controls["temperature"], controls["query"]]), controls["causal"]]
    return assemble(model, controls, rows, picture=_Picture(), css_class="explorer-attention-map",
                    label="<attention map>", apply=apply,
                    status=lambda r: (f"{html.escape(describe(r))}<br>{html.escape(r.running)}", ""))


class Blitter:
    """Redraw only what changes: the figure is drawn in full once per layout (axes, ticks, labels) with the
    changing artists hidden, and kept as a background; each update restores it, draws the changing artists on top
    and encodes the canvas as PNG. (Tick labels are most of the cost of a full draw: 48 characters on three axes.)"""

    def __init__(self, figure) -> None:
        self.figure, self.canvas = figure, figure.canvas
        self.background = None

    def lay_out(self, dynamic: list) -> None:
        for artist in dynamic:
            artist.set_visible(False)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)
        for artist in dynamic:
            artist.set_visible(True)

    def png(self, dynamic: list) -> bytes:
        import io

        from PIL import Image

        self.canvas.restore_region(self.background)
        renderer = self.canvas.get_renderer()
        for artist in dynamic:
            artist.draw(renderer)
        width, height = self.canvas.get_width_height(physical=True)
        buffer = io.BytesIO()
        Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
            buffer, format="png", compress_level=1)
        return buffer.getvalue()


class _Picture:
    """The axes, ticks and labels are drawn once per text (the tick labels are its characters); a slider move
    redraws only the image, the red frame, the bars and the titles (:class:`Blitter`)."""

    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        grid = self.figure.add_gridspec(2, 1, height_ratios=[4.0, 1.0], hspace=0.25)
        self.ax = self.figure.add_subplot(grid[0])
        self.bars_ax = self.figure.add_subplot(grid[1])
        self.figure.subplots_adjust(left=0.07, right=0.92, bottom=0.05, top=0.96)
        self.image = self.ax.imshow(np.zeros((2, 2)), cmap="viridis", vmin=0, vmax=1, aspect="auto",
                                    interpolation="nearest")
        (self.marker,) = self.ax.plot([], [], color="red", lw=1.2)
        self.ax.set_ylabel("query (the character that looks)")
        self.figure.colorbar(self.image, ax=self.ax, fraction=0.03, pad=0.01)
        self.bars_ax.set_ylim(0, 1)
        self.bars_ax.set_ylabel("weight", fontsize=9)
        self.ax.set_title(" ", fontsize=10)
        self.bars_ax.set_title(" ", fontsize=9)
        self.bars = None
        self._text = None
        self.blitter = Blitter(self.figure)

    def _dynamic(self) -> list:
        return [self.image, self.marker, *self.bars, self.ax.title, self.bars_ax.title]

    def _lay_out(self, text: str) -> None:
        T = len(text)
        labels = [shown(c) for c in text]
        self.image.set_extent((-0.5, T - 0.5, T - 0.5, -0.5))
        for axis in (self.ax.xaxis, self.ax.yaxis, self.bars_ax.xaxis):
            axis.set_ticks(range(T))
        for setter in (self.ax.set_xticklabels, self.ax.set_yticklabels, self.bars_ax.set_xticklabels):
            setter(labels, fontsize=7, family="monospace")
        if self.bars is not None:
            self.bars.remove()
        self.bars = self.bars_ax.bar(range(T), np.zeros(T), color="C0", width=0.8)
        self.bars_ax.set_xlim(-0.5, T - 0.5)
        self.blitter.lay_out(self._dynamic())
        self._text = text

    def draw(self, r: AttentionPicture) -> bytes:
        if self._text != r.text:
            self._lay_out(r.text)
        T = len(r.text)
        self.image.set_data(r.weights)
        self.marker.set_data([-0.5, T - 0.5, T - 0.5, -0.5, -0.5],
                             [r.query - 0.5, r.query - 0.5, r.query + 0.5, r.query + 0.5, r.query - 0.5])
        for bar, weight in zip(self.bars, r.weights[r.query]):
            bar.set_height(weight)
        self.ax.set_title(f"layer {r.layer + 1}, head {r.head + 1}, temperature {r.temperature:.2g}, "
                          f"{'causal mask' if r.causal else 'no mask'}: row = query, column = key", fontsize=10)
        self.bars_ax.set_title(f"what {shown(r.text[r.query])!r} at position {r.query} attends to", fontsize=9)
        return self.blitter.png(self._dynamic())
