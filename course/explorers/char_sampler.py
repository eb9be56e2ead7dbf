"""Explorer: sampling from the course's pretrained tiny GPT with a temperature and top-k.

``CharSampler`` (the model) feeds a prompt to the shipped GPT (``course.explorers.tiny_gpt``, NumPy forward pass),
and returns the distribution of the next character under ``temperature`` and ``top_k`` and a continuation of
``length`` characters sampled with them (the same seed gives the same text). ``char_sampler_explorer`` is the view:
a prompt box, sliders for the temperature, top-k and the seed, and a bar chart of the next character's
probabilities with the sampled text above it.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from course.explorers import tiny_gpt
from course.explorers.attention_map import Blitter, shown
from course.explorers.view import assemble, new_figure

__all__ = ["DEFAULT_PROMPT", "SampleResult", "CharSampler", "char_sampler_explorer"]

DEFAULT_PROMPT = "    def __init__(self"
SHOWN = 20          # the most likely next characters in the bar chart


@lru_cache(maxsize=64)
def _prompt_logits(prompt: str) -> np.ndarray:
    logits, _ = tiny_gpt.forward_numpy(tiny_gpt.encode(prompt))
    return logits[-1]


@dataclass(frozen=True, eq=False)
class SampleResult:
    prompt: str
    temperature: float
    top_k: int
    seed: int
    probabilities: np.ndarray      # (96,): the next character after the prompt, under temperature and top-k
    sample: str                    # the continuation

    @property
    def entropy(self) -> float:
        p = self.probabilities[self.probabilities > 0]
        return float(-(p * np.log(p)).sum())

    @property
    def candidates(self) -> int:
        """How many characters have a probability of at least 1 %."""
        return int(np.sum(self.probabilities >= 0.01))


@dataclass
class CharSampler:
    prompt: str = DEFAULT_PROMPT
    temperature: float = 0.8
    top_k: int = 0                 # 0: no cut
    seed: int = 0
    length: int = 100

    def compute(self) -> SampleResult:
        prompt = self.prompt or "\n"
        k = int(self.top_k) or None
        probabilities = tiny_gpt.next_distribution(_prompt_logits(prompt[-tiny_gpt.CONFIG.context:]),
                                                   float(self.temperature), k)
        sample = tiny_gpt.sample_numpy(prompt, int(self.length), float(self.temperature), k, int(self.seed))
        return SampleResult(prompt, float(self.temperature), int(self.top_k), int(self.seed), probabilities, sample)


def describe(r: SampleResult) -> str:
    return (f"temperature {r.temperature:.2f}, top-k {r.top_k or 'off'}: the next character has entropy "
            f"{r.entropy:.2f} nats, {r.candidates} characters with ≥ 1 %")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (8.0, 2.8), 72


def char_sampler_explorer(*, prompt: str = DEFAULT_PROMPT, temperature: float = 0.8, top_k: int = 0, seed: int = 0):
    """Prompt box, temperature / top-k / seed sliders; the sampled text and the next character's distribution.

    The box carries ``model`` (:class:`CharSampler`), ``result`` (the latest :class:`SampleResult`), ``controls``
    ("prompt", "temperature", "top_k", "seed"), ``output``, ``status`` and ``last_update``.
    """
    import ipywidgets as widgets

    style, layout = {"description_width": "initial"}, widgets.Layout(width="320px")
    model = CharSampler(prompt=prompt, temperature=temperature, top_k=top_k, seed=seed)
    controls = {
        "prompt": widgets.Text(value=prompt, description="prompt", style=style, layout=widgets.Layout(width="600px"),
                               continuous_update=False),
        "temperature": widgets.FloatSlider(value=temperature, min=0.1, max=2.0, step=0.05, description="temperature",
                                           style=style, layout=layout),
        "top_k": widgets.IntSlider(value=top_k, min=0, max=40, description="top-k (0 = off)", style=style,
                                   layout=layout),
        "seed": widgets.IntSlider(value=seed, min=0, max=20, description="seed", style=style, layout=layout)}
    rows = [controls["prompt"], widgets.HBox([controls["temperature"], controls["top_k"]]), controls["seed"]]

    def status(r: SampleResult) -> tuple[str, str]:
        text = html.escape(r.prompt) + "<b>" + html.escape(r.sample) + "</b>"
        return (f"{html.escape(describe(r))}<pre style='line-height:1.2; margin:4px 0'>{text}</pre>", "")

    return assemble(model, controls, rows, picture=_Picture(), css_class="explorer-char-sampler",
                    label="<char sampler>", status=status)


class _Picture:
    """Axes drawn once; each update redraws the bars, the characters above them and the title (a Blitter)."""

    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.ax = self.figure.add_subplot(1, 1, 1)
        self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.08, top=0.88)
        self.bars = self.ax.bar(range(SHOWN), np.zeros(SHOWN), color="C0")
        self.labels = [self.ax.text(k, 0.0, "", ha="center", va="bottom", family="monospace", fontsize=11)
                       for k in range(SHOWN)]
        self.ax.set_xlim(-0.6, SHOWN - 0.4)
        self.ax.set_ylim(0, 1.1)
        self.ax.set_xticks([])
        self.ax.set_ylabel("probability")
        self.ax.set_xlabel("the most likely next characters")
        self.ax.set_title(" ", fontsize=10)
        self.blitter = Blitter(self.figure)
        self.blitter.lay_out(self._dynamic())

    def _dynamic(self) -> list:
        return [*self.bars, *self.labels, self.ax.title]

    def draw(self, r: SampleResult) -> bytes:
        order = np.argsort(-r.probabilities, kind="stable")[:SHOWN]
        for bar, label, index in zip(self.bars, self.labels, order):
            p = float(r.probabilities[index])
            bar.set_height(p)
            label.set_text(shown(tiny_gpt.ALPHABET[index]) if p > 0 else "")
            label.set_y(p + 0.01)
        self.ax.set_title(f"the next character after the prompt (temperature {r.temperature:.2f}, "
                          f"top-k {r.top_k or 'off'})", fontsize=10)
        return self.blitter.png(self._dynamic())
