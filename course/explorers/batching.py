"""Micro-batching (week 11): how max_batch and max_wait trade latency for throughput under a given load.

Model: :class:`MicroBatching` simulates one model worker behind a micro-batcher. Requests arrive as a Poisson
process (the gaps are drawn once, at construction, and scaled by the rate); the learner's ``microbatch`` (once it
passes its checks; the reference until then) groups them; the worker takes one batch at a time, a batch costing
``fixed_seconds + per_row_seconds * size`` (the cost model the notebook measured), and a batch waits while the
worker is busy. ``compute()`` returns a frozen :class:`BatchingResult`: every request's latency (queue + model),
its percentiles, the throughput, the mean batch size, and a sweep of max_batch at the chosen rate and max_wait.

The load is set relative to the worker: ``load`` 1.0 is the rate at which one-row calls keep the worker exactly
busy, 1 / (fixed + per_row) requests per second; beyond it, without batching, the queue grows without bound.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course.explorers.view import LearnerChecks, Validate, assemble, figure_png, guarded, new_figure

EXERCISE_KEY = "week11.microbatch"
SWEEP = (1, 2, 4, 8, 16, 32, 64)


def reference_microbatch(requests: list, max_batch: int, max_wait: float) -> list:
    """Event by event: an arrival joins the open batch unless it is full or its deadline has passed."""
    batches, current, opened = [], [], 0.0
    for arrival, payload in requests:
        if current and arrival > opened + max_wait:
            batches.append((opened + max_wait, current))
            current = []
        if not current:
            opened = arrival
        current.append(payload)
        if len(current) == max_batch:
            batches.append((arrival, current))
            current = []
    if current:
        batches.append((opened + max_wait, current))
    return batches


def simulate(batches, arrivals: np.ndarray, fixed: float, per_row: float) -> tuple[np.ndarray, float, float, float]:
    """(latency of each request, throughput, mean batch size, busy fraction) of one worker serving ``batches``."""
    latency = np.zeros(len(arrivals))
    free = 0.0
    busy = 0.0
    sizes = []
    for close, payloads in batches:
        index = np.asarray(payloads, dtype=int)
        start = max(float(close), free)
        service = fixed + per_row * len(index)
        free = start + service
        busy += service
        latency[index] = free - arrivals[index]
        sizes.append(len(index))
    span = max(free - float(arrivals[0]), 1e-12)
    return latency, len(arrivals) / span, float(np.mean(sizes)) if sizes else 0.0, min(busy / span, 1.0)


@dataclass(frozen=True)
class BatchingResult:
    load: float
    rate: float                       # requests per second
    max_batch: int
    max_wait: float                   # seconds
    latency: np.ndarray               # seconds, per request
    p50: float
    p95: float
    p99: float
    throughput: float                 # requests per second served
    mean_batch: float
    busy: float                       # fraction of the time the worker computes
    sweep_p99: np.ndarray             # p99 for each max_batch of SWEEP at this rate and max_wait
    sweep_throughput: np.ndarray
    implementation: str
    running: str


@dataclass
class MicroBatching:
    """All the explorer's state. ``microbatch`` is the learner's function (Exercise 7)."""
    microbatch: Callable | None = None
    fixed_seconds: float = 1e-4
    per_row_seconds: float = 1e-6
    load: float = 1.5                 # arrival rate as a multiple of what one-row calls can serve
    max_batch: int = 8
    max_wait_units: float = 1.0       # max_wait as a multiple of a one-row call's time
    n_requests: int = 1500
    seed: int = 0
    validate: Validate | None = None
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def __post_init__(self) -> None:
        self.fixed_seconds = max(float(self.fixed_seconds), 1e-7)      # a fitted intercept may be ~0
        self.per_row_seconds = max(float(self.per_row_seconds), 0.0)
        self.gaps = np.random.default_rng(self.seed).exponential(1.0, size=self.n_requests)   # rate 1

    @property
    def one_row_seconds(self) -> float:
        return self.fixed_seconds + self.per_row_seconds

    def _who(self) -> tuple[Callable, str, str]:
        function, why = self._checks.usable(EXERCISE_KEY, self.microbatch, self.validate)
        if function is not None:
            return guarded(EXERCISE_KEY, function), "yours", "batching: your microbatch"
        return (reference_microbatch, "reference",
                "batching: the reference microbatch" + (why and f" (your microbatch {why})"))

    def compute(self) -> BatchingResult:
        return self._checks.compute(self._compute)

    def _run(self, microbatch: Callable, arrivals: np.ndarray, max_batch: int, max_wait: float):
        requests = [(float(t), i) for i, t in enumerate(arrivals)]
        return simulate(microbatch(requests, int(max_batch), float(max_wait)), arrivals, self.fixed_seconds,
                        self.per_row_seconds)

    def _compute(self) -> BatchingResult:
        microbatch, implementation, running = self._who()
        rate = float(self.load) / self.one_row_seconds
        arrivals = np.cumsum(self.gaps) / rate
        max_wait = float(self.max_wait_units) * self.one_row_seconds
        latency, throughput, mean_batch, busy = self._run(microbatch, arrivals, self.max_batch, max_wait)
        sweep = [self._run(microbatch, arrivals, b, max_wait) for b in SWEEP]
        p50, p95, p99 = np.percentile(latency, [50, 95, 99])
        return BatchingResult(float(self.load), rate, int(self.max_batch), max_wait, latency, float(p50), float(p95),
                              float(p99), throughput, mean_batch, busy,
                              np.array([np.percentile(s[0], 99) for s in sweep]), np.array([s[1] for s in sweep]),
                              implementation, running)


def describe(r: BatchingResult) -> str:
    return (f"{r.rate:,.0f} requests/s (load {r.load:.2f}) · max_batch {r.max_batch}, max_wait "
            f"{1e6 * r.max_wait:.0f} µs · p50 {1e3 * r.p50:.3g} ms, p95 {1e3 * r.p95:.3g} ms, p99 {1e3 * r.p99:.3g} ms"
            f" · served {r.throughput:,.0f}/s, mean batch {r.mean_batch:.1f}, worker busy {r.busy:.0%}")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.5, 3.6), 80


def batching_explorer(microbatch: Callable | None = None, *, fixed_seconds: float = 1e-4,
                      per_row_seconds: float = 1e-6, load: float = 1.5, max_batch: int = 8,
                      max_wait_units: float = 1.0, validate: Validate | None = None):
    """Sliders for the load, max_batch and max_wait; the latency distribution and the max_batch sweep. The box
    carries ``model`` (:class:`MicroBatching`), ``result``, ``controls``, ``output``, ``status``, ``last_update``."""
    import ipywidgets as widgets

    model = MicroBatching(microbatch, fixed_seconds, per_row_seconds, load, max_batch, max_wait_units,
                          validate=validate)
    style = {"description_width": "initial"}
    controls = {
        "load": widgets.FloatSlider(value=load, min=0.1, max=4.0, step=0.1, description="load (× one-row capacity)",
                                    continuous_update=True, style=style),
        "max_batch": widgets.SelectionSlider(options=list(SWEEP), value=max_batch, description="max_batch",
                                             continuous_update=True, style=style),
        "max_wait_units": widgets.FloatSlider(value=max_wait_units, min=0.0, max=8.0, step=0.25,
                                              description="max_wait (× one-row time)", continuous_update=True,
                                              style=style)}
    return assemble(model, controls, [widgets.HBox(list(controls.values()))], picture=_Picture(),
                    css_class="explorer-batching", label="<micro-batching>",
                    status=lambda r: (html.escape(describe(r)), r.running))


LOG_MS = (-3, 4)          # the pictures' latency range: 1 µs to 10 s, on log10 axes with fixed ticks


def _log_ms(seconds) -> np.ndarray:
    return np.log10(np.clip(1e3 * np.asarray(seconds, dtype=float), 10.0 ** LOG_MS[0], 10.0 ** LOG_MS[1]))


def _latency_ticks(axis) -> None:
    ticks = list(range(LOG_MS[0], LOG_MS[1] + 1))
    labels = [f"{10.0 ** k:g}" for k in ticks]
    axis.set_ticks(ticks, labels)


class _Picture:
    """Artists made once and updated: the latency axes are log10(ms) on fixed ticks, so no update recomputes a
    log axis's ticks; nothing is cleared or rebuilt."""

    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.hist = self.figure.add_axes([0.06, 0.15, 0.42, 0.72])
        self.sweep = self.figure.add_axes([0.57, 0.15, 0.40, 0.72])
        self.edges = np.linspace(LOG_MS[0], LOG_MS[1], 71)
        self.stairs = self.hist.stairs(np.zeros(70), self.edges, fill=True, color="C0", alpha=0.8)
        self.lines = [self.hist.axvline(0, color=c, lw=1.5) for c in ("C2", "C1", "C3")]
        self.legend = self.hist.text(0.98, 0.96, "", transform=self.hist.transAxes, ha="right", va="top", fontsize=8)
        self.hist.set_xlim(*LOG_MS)
        _latency_ticks(self.hist.xaxis)
        self.hist.set_xlabel("latency: queue + model (ms, log scale)")
        self.hist.set_ylabel("requests")
        x = np.arange(len(SWEEP))
        self.chosen = self.sweep.axvline(0, color="0.85", lw=14, zorder=0)
        (self.p99,) = self.sweep.plot(x, np.zeros(len(SWEEP)), "o-", color="C3")
        self.served = [self.sweep.text(k, LOG_MS[0] + 0.3, "", ha="center", fontsize=7, color="C2") for k in x]
        self.sweep.set_xticks(x, [str(b) for b in SWEEP])
        self.sweep.set_xlim(-0.5, len(SWEEP) - 0.5)
        self.sweep.set_ylim(*LOG_MS)
        _latency_ticks(self.sweep.yaxis)
        self.sweep.set_xlabel("max_batch (green: share of the arrival rate served)")
        self.sweep.set_ylabel("p99 latency (ms, log scale)")
        self.sweep.grid(alpha=0.3)

    def draw(self, r: BatchingResult) -> bytes:
        counts, _ = np.histogram(_log_ms(r.latency), self.edges)
        self.stairs.set_data(counts, self.edges)
        self.hist.set_ylim(0, max(1, counts.max()) * 1.1)
        for line, value in zip(self.lines, (r.p50, r.p95, r.p99)):
            position = float(_log_ms(value))
            line.set_xdata([position, position])
        self.legend.set_text(f"p50 {1e3 * r.p50:.3g} ms (green)\np95 {1e3 * r.p95:.3g} ms (orange)\n"
                             f"p99 {1e3 * r.p99:.3g} ms (red)")
        self.hist.set_title(f"{len(r.latency)} requests at load {r.load:.1f}, max_batch {r.max_batch}, max_wait "
                            f"{1e6 * r.max_wait:.0f} µs", fontsize=9)
        self.p99.set_ydata(_log_ms(r.sweep_p99))
        for text, served in zip(self.served, r.sweep_throughput / r.rate):
            text.set_text(f"{min(served, 1.0):.0%}")
        chosen = SWEEP.index(r.max_batch) if r.max_batch in SWEEP else -10
        self.chosen.set_xdata([chosen, chosen])
        self.sweep.set_title(f"p99 for each max_batch at load {r.load:.1f} and this max_wait", fontsize=9)
        return figure_png(self.figure)
