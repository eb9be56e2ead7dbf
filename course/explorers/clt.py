"""Explorer: the central limit theorem, seen by sampling.

``CLTSampler`` (the model) draws many samples of size n from a population, takes the mean of each, and
returns what to draw: the population's density, a histogram of the sample means, and the normal curve the
CLT predicts for them, N(μ, σ²/n), with the numbers to compare.  ``clt_explorer`` (the view) only maps
widgets to model fields and draws the result.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from course.explorers.view import assemble, figure_png, new_figure

__all__ = ["Population", "POPULATIONS", "CLTSampler", "CLTResult", "clt_explorer"]


# ----------------------------------------------------------------------------- populations


@dataclass(frozen=True)
class Population:
    """A distribution with known mean and standard deviation, a sampler and a density (or pmf) to draw."""
    name: str
    mean: float
    sd: float
    skewness: float
    draw: Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]
    density: Callable[[np.ndarray], np.ndarray]   # pdf on a grid, or pmf on ``support`` when discrete
    support: tuple[float, float]                  # the x-range to draw the population on
    discrete: bool = False


def _normal_pdf(x: np.ndarray, mean: float, sd: float) -> np.ndarray:
    return np.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))


def _mixture_draw(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    far = rng.random(shape) < 0.15
    return np.where(far, rng.normal(4.0, 1.0, shape), rng.normal(0.0, 0.5, shape))


def _lognormal_pdf(x: np.ndarray) -> np.ndarray:
    safe = np.where(x > 0, x, 1.0)
    return np.where(x > 0, np.exp(-0.5 * np.log(safe) ** 2) / (safe * math.sqrt(2 * math.pi)), 0.0)


_E = math.e
POPULATIONS: dict[str, Population] = {p.name: p for p in (
    Population("uniform(0, 1)", 0.5, math.sqrt(1 / 12), 0.0,
               lambda rng, shape: rng.random(shape),
               lambda x: ((x >= 0) & (x <= 1)).astype(float), (-0.25, 1.25)),
    Population("exponential(1)", 1.0, 1.0, 2.0,
               lambda rng, shape: rng.exponential(1.0, shape),
               lambda x: np.where(x >= 0, np.exp(-np.maximum(x, 0)), 0.0), (-0.5, 6.0)),
    Population("Bernoulli(0.1)", 0.1, math.sqrt(0.09), (1 - 0.2) / math.sqrt(0.09),
               lambda rng, shape: (rng.random(shape) < 0.1).astype(float),
               lambda x: np.where(x == 1, 0.1, np.where(x == 0, 0.9, 0.0)), (-0.5, 1.5), discrete=True),
    # 85% N(0, 0.5²) + 15% N(4, 1): mean 0.6, variance 0.85·0.25 + 0.15·17 − 0.36 = 2.4025, and third
    # central moment Σ wᵢ (dᵢ³ + 3 dᵢ sᵢ²), dᵢ = μᵢ − 0.6: 0.85·(−0.666) + 0.15·49.504 = 6.8595
    Population("skewed mixture", 0.6, math.sqrt(2.4025), 6.8595 / 2.4025 ** 1.5,
               _mixture_draw,
               lambda x: 0.85 * _normal_pdf(x, 0.0, 0.5) + 0.15 * _normal_pdf(x, 4.0, 1.0), (-2.0, 7.5)),
    Population("lognormal(0, 1)", math.exp(0.5), math.sqrt((_E - 1) * _E), (_E + 2) * math.sqrt(_E - 1),
               lambda rng, shape: rng.lognormal(0.0, 1.0, shape), _lognormal_pdf, (-0.5, 8.0)),
)}


# ----------------------------------------------------------------------------- the model


@dataclass(frozen=True, eq=False)
class CLTResult:
    population: str
    sample_size: int
    repeats: int
    population_x: np.ndarray         # grid (continuous) or support points (discrete)
    population_density: np.ndarray
    discrete: bool
    means: np.ndarray                # (repeats,): one sample mean per repeat
    bin_edges: np.ndarray            # histogram of the means (lattice-centred for a discrete population)
    histogram: np.ndarray            # density of the means in each bin (area 1 over the plotted range)
    normal_x: np.ndarray
    normal_density: np.ndarray       # N(μ, σ²/n): the CLT's prediction
    mu: float
    sigma: float
    standard_error: float            # σ / √n
    mean_of_means: float
    sd_of_means: float
    skewness_of_means: float         # 0 for a normal; the population's skewness / √n in theory
    predicted_skewness: float
    within_two_se: float             # fraction of means within μ ± 2σ/√n (a normal: 95.4%)
    explanation: str


@dataclass
class CLTSampler:
    """All the explorer's state: which population, the size n of each sample, how many samples, the seed."""
    population: str = "exponential(1)"
    sample_size: int = 5
    repeats: int = 3000
    seed: int = 0

    def compute(self) -> CLTResult:
        population = POPULATIONS[self.population]
        n, repeats = int(self.sample_size), int(self.repeats)
        rng = np.random.default_rng(self.seed)
        means = population.draw(rng, (repeats, n)).mean(axis=1)
        mu, sigma = population.mean, population.sd
        se = sigma / math.sqrt(n)
        centred = means - means.mean()
        spread = float(centred.std())
        skew = float(np.mean(centred ** 3) / spread ** 3) if spread > 0 else 0.0
        low = min(mu - 4.5 * se, float(np.quantile(means, 0.0005)))
        high = max(mu + 4.5 * se, float(np.quantile(means, 0.9995)))
        if population.discrete:
            # a sample mean of 0/1 values is k/n: one bin per possible value, centred on it
            k = np.arange(math.floor(low * n) - 1, math.ceil(high * n) + 2)
            edges = (k - 0.5) / n
        else:
            edges = np.linspace(low, high, 41)
        normal_x = np.linspace(low, high, 200)
        if population.discrete:
            population_x = np.array([0.0, 1.0])
        else:
            population_x = np.linspace(*population.support, 400)
        within = float(np.mean(np.abs(means - mu) <= 2 * se))
        return CLTResult(
            population=population.name, sample_size=n, repeats=repeats, population_x=population_x,
            population_density=population.density(population_x), discrete=population.discrete, means=means,
            bin_edges=edges, histogram=np.histogram(means, bins=edges, density=True)[0], normal_x=normal_x,
            normal_density=_normal_pdf(normal_x, mu, se), mu=mu, sigma=sigma,
            standard_error=se, mean_of_means=float(means.mean()), sd_of_means=spread, skewness_of_means=skew,
            predicted_skewness=population.skewness / math.sqrt(n), within_two_se=within,
            explanation=_explain(population, n, skew, within))


def _explain(population: Population, n: int, skew: float, within: float) -> str:
    shape = ("still clearly skewed" if abs(skew) > 0.5 else
             "slightly skewed" if abs(skew) > 0.2 else "close to the normal curve")
    se = population.sd / math.sqrt(n)
    text = (f"Each sample mean averages n = {n} draws from {population.name}. The means centre on μ = "
            f"{population.mean:.3g} and spread like σ/√n = {population.sd:.3g}/√{n} = {se:.3g}; their histogram "
            f"is {shape} (skewness {skew:.2f}; the population's is {population.skewness:.2f}, and averaging n "
            f"draws divides it by √n). {within:.1%} of the means lie within μ ± 2σ/√n (a normal: 95.4%).")
    if population.discrete and n < 30:
        text += " With 0/1 data a mean can only be k/n, so the histogram is a comb of n + 1 bars."
    return text


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.0, 3.8), 80


def clt_explorer(population: str = "exponential(1)", sample_size: int = 5, repeats: int = 3000):
    """Population, sample size and number of samples controls, a picture and a status line, in a ``VBox``.

    The box carries ``model`` (:class:`CLTSampler`), ``result`` (latest :class:`CLTResult`), ``controls``
    (name -> widget: "population", "sample_size", "repeats", "draw_again"), ``output``, ``status``,
    ``figure`` and ``last_update`` (milliseconds: compute, render, total).
    """
    import ipywidgets as widgets

    model = CLTSampler(population=population, sample_size=sample_size, repeats=repeats)
    style = {"description_width": "initial"}
    controls = {
        "population": widgets.Dropdown(options=list(POPULATIONS), value=population, description="population"),
        "sample_size": widgets.IntSlider(value=sample_size, min=1, max=100, description="sample size n",
                                         style=style),
        "repeats": widgets.IntSlider(value=repeats, min=200, max=10000, step=200, description="samples drawn",
                                     style=style),
        "draw_again": widgets.Button(description="draw new samples", icon="refresh"),
    }

    def status(result: CLTResult) -> tuple[str, str]:
        return (f"mean of the means <b>{result.mean_of_means:.4g}</b> (μ = {result.mu:.4g}) · their standard "
                f"deviation <b>{result.sd_of_means:.4g}</b> (σ/√n = {result.standard_error:.4g})",
                result.explanation)

    rows = [widgets.HBox([controls["population"], controls["sample_size"]]),
            widgets.HBox([controls["repeats"], controls["draw_again"]])]
    box = assemble(model, controls, rows, picture=_Picture(), css_class="explorer-clt",
                   label="<central limit theorem>", status=status, status_description="status")

    def draw_again(_button=None) -> None:
        model.seed += 1
        box.update()

    controls["draw_again"].on_click(draw_again)
    return box


class _Picture:
    """One figure for the explorer's lifetime: the population is redrawn when it changes, the rest is updated."""

    def __init__(self) -> None:
        from matplotlib.patches import Rectangle

        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.figure.subplots_adjust(left=0.06, right=0.98, bottom=0.14, top=0.88, wspace=0.22)
        self.population_ax, self.means_ax = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.3]})
        self.drawn_population: str | None = None
        self.band = Rectangle((0, 0), 0, 1, transform=self.population_ax.get_xaxis_transform(), color="C0",
                              alpha=0.25, lw=0)
        right = self.means_ax
        self.stairs = right.stairs([0.0], [0.0, 1.0], fill=True, color="C0", alpha=0.6, label="sample means")
        (self.normal_line,) = right.plot([], [], color="C3", lw=2, label="CLT: normal(μ, σ²/n)")
        self.mu_line = right.axvline(0.0, color="C3", lw=1, ls="--")
        self.legend = right.legend(fontsize=8, loc="upper right")

    def _draw_population(self, result: CLTResult) -> None:
        left = self.population_ax
        left.clear()
        if result.discrete:
            left.bar(result.population_x, result.population_density, width=0.15, color="0.5")
            left.set_xticks([0, 1])
            left.set_ylabel("probability")
        else:
            left.fill_between(result.population_x, result.population_density, color="0.75")
            left.plot(result.population_x, result.population_density, color="0.35", lw=1)
            left.set_ylabel("density")
        left.axvline(result.mu, color="C3", lw=1.5)
        left.add_patch(self.band)
        self.drawn_population = result.population

    def draw(self, result: CLTResult) -> bytes:
        if result.population != self.drawn_population:
            self._draw_population(result)
        self.band.set_x(result.mu - 2 * result.standard_error)
        self.band.set_width(4 * result.standard_error)
        self.population_ax.set_title(f"population: {result.population}  (μ = {result.mu:.3g}, σ = {result.sigma:.3g})"
                                     f"\nblue band: μ ± 2σ/√n, where 95% of the means land", fontsize=9)
        right = self.means_ax
        self.stairs.set_data(values=result.histogram, edges=result.bin_edges)
        self.stairs.set_label(f"{result.repeats} sample means")
        self.legend.get_texts()[0].set_text(f"{result.repeats} sample means")
        self.normal_line.set_data(result.normal_x, result.normal_density)
        self.mu_line.set_xdata([result.mu, result.mu])
        right.set_xlim(result.normal_x[0], result.normal_x[-1])
        right.set_ylim(0, 1.12 * max(float(result.histogram.max()), float(result.normal_density.max())))
        right.set_title(f"means of samples of size n = {result.sample_size}: sd {result.sd_of_means:.3g} "
                        f"vs σ/√n = {result.standard_error:.3g}, skewness {result.skewness_of_means:.2f}",
                        fontsize=9)
        return figure_png(self.figure)

