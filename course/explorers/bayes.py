"""Explorer: base rates and Bayes' theorem, as a population of people who take a test.

``BaseRateScreening`` (the model) turns prevalence, sensitivity and specificity into the expected numbers of
true/false positives/negatives in a population (whole people that add up), a grid of who is who, and the
posterior P(ill | positive) by Bayes' theorem.  The posterior comes from the learner's ``bayes_posterior``
once it passes its checks, and from the reference formula (saying why) until then.  ``bayes_explorer`` (the
view) only maps widgets to model fields and draws the result.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course.explorers.view import LearnerChecks, Validate, assemble, figure_png, new_figure, quiet

__all__ = ["BaseRateScreening", "ScreeningResult", "CATEGORIES", "bayes_explorer"]

EXERCISE_KEY = "week02.bayes_posterior"

# The order people are laid out in the grid (column by column), and how each group is drawn.
CATEGORIES = ("true positive", "false negative", "false positive", "true negative")
COLOURS = ("#c0392b", "#f5b7b1", "#e67e22", "#d5d8dc")


def reference_posterior(prior: np.ndarray, likelihood: np.ndarray) -> np.ndarray:
    """P(hypothesis | one observation) ∝ prior × likelihood, normalised."""
    joint = np.asarray(prior, dtype=float) * np.asarray(likelihood, dtype=float)
    return joint / joint.sum()


def _whole_people(expected: np.ndarray, total: int) -> np.ndarray:
    """Round expected counts to integers that still add up to ``total`` (largest remainders first)."""
    counts = np.floor(expected).astype(int)
    short = total - counts.sum()
    counts[np.argsort(-(expected - counts), kind="stable")[:short]] += 1
    return counts


def _grid_shape(population: int) -> tuple[int, int]:
    rows = int(round(math.sqrt(population * 0.4)))    # about 2.5 times wider than tall
    return rows, -(-population // rows)


@dataclass(frozen=True, eq=False)
class ScreeningResult:
    prevalence: float
    sensitivity: float
    specificity: float
    population: int
    counts: dict                     # category -> whole people
    grid: np.ndarray                 # (rows, cols) of category index 0..3, -1 for the unused cells
    posterior_positive: float        # P(ill | positive), by Bayes' theorem
    posterior_negative: float        # P(ill | negative)
    share_positive_ill: float        # TP / (TP + FP) among the whole people in the grid
    implementation: str              # "yours" | "reference"
    running: str
    explanation: str


@dataclass
class BaseRateScreening:
    """All the explorer's state.  ``posterior_function`` is a learner's ``bayes_posterior(prior, likelihood)``;
    ``validate(function) -> (ok, message)`` defaults to the course's checks for week02.bayes_posterior."""
    prevalence: float = 0.01
    sensitivity: float = 0.9
    specificity: float = 0.95
    population: int = 1000
    posterior_function: Callable | None = None
    validate: Validate | None = None
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False, compare=False)

    def check_function(self) -> tuple[bool, str]:
        """Run the checks once per function (they take a moment), not on every slider move."""
        return self._checks.verdict(EXERCISE_KEY, self.posterior_function, self.validate)

    def compute(self) -> ScreeningResult:
        p, sens, spec = float(self.prevalence), float(self.sensitivity), float(self.specificity)
        total = int(self.population)
        prior = np.array([p, 1.0 - p])                     # ill, healthy
        implementation, running, posterior = self._posteriors(prior, np.array([sens, 1.0 - spec]),
                                                              np.array([1.0 - sens, spec]))
        ill = _whole_people(np.array([p * total, (1 - p) * total]), total)
        tp, fn = _whole_people(np.array([sens * ill[0], (1 - sens) * ill[0]]), int(ill[0]))
        fp, tn = _whole_people(np.array([(1 - spec) * ill[1], spec * ill[1]]), int(ill[1]))
        counts = dict(zip(CATEGORIES, (int(tp), int(fn), int(fp), int(tn))))
        rows, cols = _grid_shape(total)
        cells = np.full(rows * cols, -1)
        cells[:total] = np.repeat(np.arange(4), [tp, fn, fp, tn])
        grid = cells.reshape(cols, rows).T                 # fill column by column: groups form blocks
        share = tp / (tp + fp) if tp + fp else float("nan")
        return ScreeningResult(
            prevalence=p, sensitivity=sens, specificity=spec, population=total, counts=counts, grid=grid,
            posterior_positive=posterior[0], posterior_negative=posterior[1], share_positive_ill=share,
            implementation=implementation, running=running,
            explanation=_explain(p, sens, spec, total, counts, posterior[0]))

    def _posteriors(self, prior: np.ndarray, positive: np.ndarray, negative: np.ndarray) -> tuple[str, str, tuple]:
        def reference(why: str = "") -> tuple[str, str, tuple]:
            values = (float(reference_posterior(prior, positive)[0]), float(reference_posterior(prior, negative)[0]))
            return "reference", "P(ill | result) from the reference formula" + (f" ({why})" if why else ""), values

        function, why = self._checks.usable(EXERCISE_KEY, self.posterior_function, self.validate)
        if function is None:
            return reference(why and f"your bayes_posterior {why}")
        try:
            with quiet():
                values = tuple(float(np.asarray(function(prior.copy(), likelihood.copy()), dtype=float)[0])
                               for likelihood in (positive, negative))
        except Exception as error:
            return reference(f"your bayes_posterior raised {type(error).__name__}: {error}")
        return "yours", "P(ill | result) from your bayes_posterior", values


def _explain(p: float, sens: float, spec: float, total: int, counts: dict, posterior: float) -> str:
    tp, fn, fp, tn = (counts[c] for c in CATEGORIES)
    missed = f"{fn} {'is' if fn == 1 else 'are'} missed"
    text = (f"Of {total} people, {tp + fn} are ill ({p:.2%}): {tp} of them test positive, {missed}. Of the "
            f"{fp + tn} healthy, {fp} test positive anyway ({1 - spec:.1%} false-positive rate). So {tp + fp} people "
            f"test positive and only {tp} of them are ill: in this grid {tp}/{tp + fp}"
            f"{f' = {tp / (tp + fp):.1%}' if tp + fp else ''}. Bayes' theorem gives exactly "
            f"P(ill | +) = P(+ | ill) P(ill) / P(+) = {sens:.3g}·{p:.3g} / ({sens:.3g}·{p:.3g} + "
            f"{1 - spec:.3g}·{1 - p:.3g}) = {posterior:.1%}.")
    if fp > tp:
        text += (" False positives outnumber true ones because the healthy are so many more: a rare condition needs a "
                 "very specific test, or a second test.")
    return text


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.0, 3.9), 80


def bayes_explorer(bayes_posterior: Callable | None = None, *, prevalence: float = 0.01, sensitivity: float = 0.9,
                   specificity: float = 0.95, population: int = 1000, validate: Validate | None = None):
    """Prevalence, sensitivity, specificity and population controls, a picture and a status line, in a ``VBox``.

    ``bayes_posterior`` is the learner's function; it runs once it passes its checks.  The box carries ``model``
    (:class:`BaseRateScreening`), ``result`` (latest :class:`ScreeningResult`), ``controls`` (name -> widget:
    "prevalence", "sensitivity", "specificity", "population"), ``output``, ``status``, ``figure`` and
    ``last_update`` (milliseconds: compute, render, total).
    """
    import ipywidgets as widgets

    model = BaseRateScreening(prevalence=prevalence, sensitivity=sensitivity, specificity=specificity,
                              population=population, posterior_function=bayes_posterior, validate=validate)
    style = {"description_width": "initial"}
    controls = {
        "prevalence": widgets.FloatLogSlider(value=prevalence, base=10, min=-3, max=math.log10(0.5), step=0.01,
                                             readout_format=".3f", description="prevalence P(ill)", style=style),
        "sensitivity": widgets.FloatSlider(value=sensitivity, min=0.5, max=1.0, step=0.005, readout_format=".3f",
                                           description="sensitivity P(+ | ill)", style=style),
        "specificity": widgets.FloatSlider(value=specificity, min=0.5, max=1.0, step=0.001, readout_format=".3f",
                                           description="specificity P(− | healthy)", style=style),
        "population": widgets.Dropdown(options=[100, 1000, 10000], value=population, description="people"),
    }
    def status(result: ScreeningResult) -> tuple[str, str]:
        return (f"P(ill | positive) = <b>{result.posterior_positive:.1%}</b> · P(ill | negative) = "
                f"{result.posterior_negative:.2%} · {html.escape(result.running)}"), result.explanation

    rows = [widgets.HBox([controls["prevalence"], controls["population"]]),
            widgets.HBox([controls["sensitivity"], controls["specificity"]])]
    return assemble(model, controls, rows, picture=_Picture(), css_class="explorer-bayes",
                    label="<base rates and Bayes' theorem>", status=status, status_description="status")


class _Picture:
    """One figure for the explorer's lifetime: the population grid and the make-up of each test result."""

    def __init__(self) -> None:
        from matplotlib.colors import ListedColormap
        from matplotlib.patches import Patch

        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.figure.subplots_adjust(left=0.02, right=0.97, bottom=0.2, top=0.88, wspace=0.12)
        self.grid_ax, self.bars_ax = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [3.2, 1]})
        self.colours = ListedColormap(["white", *COLOURS])          # index 0 is the unused cells (-1 + 1)
        self.image = None
        self.borders: list = []
        self.shape: tuple[int, int] | None = None
        self.legend_handles = [Patch(color=c, label=name) for c, name in zip(COLOURS, CATEGORIES)]
        self.grid_ax.legend(handles=self.legend_handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=4,
                            fontsize=8, frameon=False)

    def draw(self, result: ScreeningResult) -> bytes:
        ax = self.grid_ax
        if self.shape != result.grid.shape:     # a new population size: a new image and new cell borders
            for artist in (self.image, *self.borders):
                if artist is not None:
                    artist.remove()
            self.image = ax.imshow(result.grid + 1, cmap=self.colours, vmin=0, vmax=4, interpolation="nearest")
            rows, cols = result.grid.shape
            # cell borders only while the cells are big enough to see them; two line collections, not a tick
            # and a grid line per cell (ticks are costly to lay out on every update)
            self.borders = [] if cols > 60 else [
                ax.vlines(np.arange(-0.5, cols), -0.5, rows - 0.5, colors="white", linewidth=0.6),
                ax.hlines(np.arange(-0.5, rows), -0.5, cols - 0.5, colors="white", linewidth=0.6)]
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_xlim(-0.5, cols - 0.5)
            ax.set_ylim(rows - 0.5, -0.5)
            self.shape = result.grid.shape
        else:
            self.image.set_data(result.grid + 1)
        counts = result.counts
        ax.set_title(" · ".join(f"{counts[c]} {c}{'s' if counts[c] != 1 else ''}" for c in CATEGORIES), fontsize=9)

        bars = self.bars_ax
        bars.clear()
        tp, fn, fp, tn = (counts[c] for c in CATEGORIES)
        for x, (ill, healthy, ill_colour, healthy_colour) in enumerate([(tp, fp, COLOURS[0], COLOURS[2]),
                                                                        (fn, tn, COLOURS[1], COLOURS[3])]):
            size = max(ill + healthy, 1)
            bars.bar(x, ill / size, color=ill_colour, width=0.6)
            bars.bar(x, healthy / size, bottom=ill / size, color=healthy_colour, width=0.6)
            share = ill / size
            digits = 0 if share >= 0.1 else 1 if share >= 0.01 else 2     # 0.05% should not read "0%"
            bars.text(x, min(share, 0.9) + 0.02, f"{share:.{digits}%} ill", ha="center", fontsize=8)
        bars.set_xticks([0, 1], [f"tested +\n({tp + fp})", f"tested −\n({fn + tn})"], fontsize=8)
        bars.set_ylim(0, 1)
        bars.set_yticks([0, 0.5, 1])
        bars.tick_params(labelsize=8)
        bars.set_title(f"P(ill | +) = {result.posterior_positive:.1%}", fontsize=9)
        return figure_png(self.figure)

