"""Week 12's explorer: a drift simulator. A model trained once on a reference period meets a stream of windows in
which one feature's mean and spread, a category mix and the concept itself change over time; per window we see the
KS statistic and the PSI of the drifting feature against their alarm lines, the model's accuracy as the delayed
labels arrive, and the moment the retraining policy would trigger.

Model: :class:`DriftSimulator` (``compute()`` returns a frozen :class:`DriftResult`); view: :func:`drift_explorer`.
The model is fitted once (module cache) and the stream's random numbers are drawn once: an update only recomputes
statistics on arrays. The learner's ``ks_statistic``, ``psi`` and ``should_retrain`` run once they pass their
checks (``LearnerChecks``); until then the references below do.
"""
from __future__ import annotations

import functools
import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course.explorers.view import (LearnerChecks, Validate, assemble, figure_png, guarded, new_figure, quiet)

WINDOWS = 30              # windows in the stream
MAX_WINDOW = 1000         # rows per window at most
REFERENCE_ROWS = 2000
CHANNELS = ("web", "mobile", "store", "kiosk")      # "kiosk" never appears in the reference period
REFERENCE_MIX = np.array([0.5, 0.3, 0.2, 0.0])
KS_ALPHA = 0.01
PSI_ALARM = 0.2
POLICY_DROP, PATIENCE, COOLDOWN = 0.05, 2, 5


# ----------------------------------------------------------------------------- references (what the lesson falls back on)


def reference_ks_statistic(a, b) -> float:
    a, b = np.sort(np.asarray(a, dtype=float)), np.sort(np.asarray(b, dtype=float))
    points = np.concatenate([a, b])
    return float(np.max(np.abs(np.searchsorted(a, points, side="right") / len(a)
                                - np.searchsorted(b, points, side="right") / len(b))))


def reference_psi(expected, actual, bins=10) -> float:
    expected, actual = np.asarray(expected, dtype=float), np.asarray(actual, dtype=float)
    inner = np.quantile(expected, np.linspace(0, 1, bins + 1))[1:-1]
    e, a = (np.maximum(np.bincount(np.searchsorted(inner, x, side="right"), minlength=bins) / len(x), 1e-4)
            for x in (expected, actual))
    return float(np.sum((a - e) * np.log(a / e)))


def reference_should_retrain(history, policy) -> list[int]:
    fires, run, last = [], 0, None
    for t, value in enumerate(np.asarray(history, dtype=float)):
        if (last is not None and t - last <= policy["cooldown"]) or np.isnan(value):
            continue
        run = run + 1 if value < policy["threshold"] else 0
        if run >= policy["patience"]:
            fires.append(t)
            last, run = t, 0
    return fires


# ----------------------------------------------------------------------------- the world


def true_logit(x1: np.ndarray, x2: np.ndarray, mobile: np.ndarray, concept: float | np.ndarray) -> np.ndarray:
    """The concept P(y = 1 | x): concept drift turns the effect of x2 around (concept 1: −1.5 becomes +1.5)."""
    return 1.5 * x1 - 1.5 * (1 - 2 * np.asarray(concept)) * x2 + 0.8 * mobile - 0.4 * x1 ** 2 + 0.3


@functools.lru_cache(maxsize=1)
def world():
    """The reference period, the model fitted on it, and the stream's random numbers (drawn once)."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(12)
    x1, x2 = rng.normal(size=REFERENCE_ROWS), rng.normal(size=REFERENCE_ROWS)
    channel = rng.choice(len(CHANNELS), size=REFERENCE_ROWS, p=REFERENCE_MIX)
    y = rng.random(REFERENCE_ROWS) < 1 / (1 + np.exp(-true_logit(x1, x2, channel == 1, 0.0)))
    X = np.column_stack([x1, x2, channel == 1, channel == 2, channel == 3]).astype(float)
    model = LogisticRegression(C=1.0, max_iter=500).fit(X, y)
    noise = {"z1": rng.normal(size=(WINDOWS, MAX_WINDOW)), "z2": rng.normal(size=(WINDOWS, MAX_WINDOW)),
             "u_channel": rng.random((WINDOWS, MAX_WINDOW)), "u_label": rng.random((WINDOWS, MAX_WINDOW))}
    reference_accuracy = float(model.score(X, y))
    return {"x1": x1, "channel": channel, "coef": model.coef_[0].copy(), "intercept": float(model.intercept_[0]),
            "reference_accuracy": reference_accuracy, "noise": noise}


def ks_critical(n: int, m: int, alpha: float = KS_ALPHA) -> float:
    """The KS statistic above which ks_2samp(method='asymp') gives a p-value below alpha."""
    from scipy.stats import kstwo
    return float(kstwo.isf(alpha, round(n * m / (n + m))))


# ----------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class DriftResult:
    window: int
    start: int
    mean: np.ndarray               # per window: the drifting feature's mean, spread, the new category's share
    spread: np.ndarray
    kiosk: np.ndarray
    ks: np.ndarray                 # per window
    psi: np.ndarray
    channel_psi: np.ndarray        # PSI of the category shares of `channel` (the same formula, one bin a category)
    ks_line: float
    psi_line: float
    accuracy: np.ndarray           # per window (all labels eventually)
    known: np.ndarray              # bool: labels of that window have arrived by the end of the stream
    threshold: float
    reference_accuracy: float
    first_ks_alarm: int | None
    first_psi_alarm: int | None
    triggers: np.ndarray           # windows at which retraining triggers (labels of window t arrive at t + delay)
    label_delay: int
    implementation: str
    running: str


@dataclass
class DriftSimulator:
    """All the explorer's state: the drift (how far, from which window), the window size and the label delay."""
    mean_shift: float = 1.0        # in standard deviations of the reference, reached at the last window
    spread: float = 1.0            # factor on the standard deviation at the last window
    new_category: float = 0.0      # share of the never-seen channel "kiosk" at the last window
    concept: float = 0.0           # 0: the concept stays; 1: the effect of x2 is reversed at the last window
    start: int = 10                # the drift ramps in linearly from this window to the last one
    window: int = 300              # rows per window
    label_delay: int = 3           # windows until a window's labels arrive
    ks_statistic: Callable | None = None
    psi: Callable | None = None
    should_retrain: Callable | None = None
    validate: Validate | None = None
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def _pick(self, key: str, function: Callable | None, reference: Callable) -> tuple[Callable, bool, str]:
        usable, why = self._checks.usable(f"week12.{key}", function, self.validate)
        if usable is not None:
            return guarded(f"week12.{key}", usable), True, ""
        return reference, False, why and f"your {key} {why}"

    def compute(self) -> DriftResult:
        return self._checks.compute(self._compute)

    def _compute(self) -> DriftResult:
        ks, ks_mine, ks_why = self._pick("ks_statistic", self.ks_statistic, reference_ks_statistic)
        psi, psi_mine, psi_why = self._pick("psi", self.psi, reference_psi)
        retrain, retrain_mine, retrain_why = self._pick("should_retrain", self.should_retrain,
                                                        reference_should_retrain)
        w = world()
        n, start = int(self.window), int(self.start)
        ramp = np.clip((np.arange(WINDOWS) - start + 1) / max(WINDOWS - start, 1), 0, 1)
        mean, spread = self.mean_shift * ramp, 1 + (self.spread - 1) * ramp
        kiosk = self.new_category * ramp
        noise = w["noise"]
        x1 = mean[:, None] + spread[:, None] * noise["z1"][:, :n]
        x2 = noise["z2"][:, :n]
        mix = (1 - kiosk)[:, None] * REFERENCE_MIX[None, :3]
        cuts = np.cumsum(mix, axis=1)
        u = noise["u_channel"][:, :n]
        channel = np.where(u < cuts[:, :1], 0, np.where(u < cuts[:, 1:2], 1, np.where(u < cuts[:, 2:3], 2, 3)))
        concept = self.concept * ramp[:, None]
        y = noise["u_label"][:, :n] < 1 / (1 + np.exp(-true_logit(x1, x2, channel == 1, concept)))
        coef = w["coef"]
        score = (w["intercept"] + coef[0] * x1 + coef[1] * x2 + coef[2] * (channel == 1) + coef[3] * (channel == 2)
                 + coef[4] * (channel == 3))
        accuracy = np.mean((score > 0) == y, axis=1)
        with quiet():
            ks_values = np.array([ks(w["x1"], x1[t]) for t in range(WINDOWS)], dtype=float)
            psi_values = np.array([psi(w["x1"], x1[t], 10) for t in range(WINDOWS)], dtype=float)
        shares = np.stack([np.mean(channel == k, axis=1) for k in range(len(CHANNELS))], axis=1)
        ref_shares = np.bincount(w["channel"], minlength=len(CHANNELS)) / REFERENCE_ROWS
        shares, ref_shares = np.maximum(shares, 1e-4), np.maximum(ref_shares, 1e-4)
        channel_psi = np.sum((shares - ref_shares) * np.log(shares / ref_shares), axis=1)
        delay = int(self.label_delay)
        known = np.arange(WINDOWS) < WINDOWS - delay
        history = np.where(known, accuracy, np.nan)
        threshold = round(w["reference_accuracy"] - POLICY_DROP, 3)
        fires = np.asarray(retrain(history, {"threshold": threshold, "patience": PATIENCE, "cooldown": COOLDOWN}),
                           dtype=int).reshape(-1)
        line = ks_critical(REFERENCE_ROWS, n)
        ks_alarms = np.flatnonzero(ks_values > line)
        psi_alarms = np.flatnonzero((psi_values > PSI_ALARM) | (channel_psi > PSI_ALARM))
        mine = [name for name, used in (("ks_statistic", ks_mine), ("psi", psi_mine),
                                        ("should_retrain", retrain_mine)) if used]
        implementation = "yours" if len(mine) == 3 else ("partly yours" if mine else "reference")
        whys = [why for why in (ks_why, psi_why, retrain_why) if why]
        running = ("statistics and trigger: " + (", ".join(f"your {m}" for m in mine) if mine else "the references")
                   + (" (" + "; ".join(whys) + ")" if whys else ""))
        return DriftResult(n, start, mean, spread, kiosk, ks_values, psi_values, channel_psi, line, PSI_ALARM, accuracy, known,
                           threshold, w["reference_accuracy"], int(ks_alarms[0]) if ks_alarms.size else None,
                           int(psi_alarms[0]) if psi_alarms.size else None, fires + delay, delay, implementation,
                           running)


def describe(r: DriftResult) -> str:
    def when(t):
        return "never" if t is None else f"window {t}"
    triggers = ", ".join(str(int(t)) for t in r.triggers) or "none"
    return (f"drift from window {r.start}: KS alarm {when(r.first_ks_alarm)}, PSI alarm (x1 or channel) {when(r.first_psi_alarm)}; "
            f"accuracy {r.accuracy[-1]:.2f} in the last window (reference {r.reference_accuracy:.2f}); "
            f"retraining triggered at window(s) {triggers} (labels {r.label_delay} windows late)")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (7.0, 5.4), 80


def drift_explorer(ks_statistic: Callable | None = None, psi: Callable | None = None,
                   should_retrain: Callable | None = None, *, validate: Validate | None = None, **settings):
    """Sliders for the drift (mean shift, spread, new category, concept), where it starts, the window size and the
    label delay; three panels: KS and PSI per window with their alarm lines, accuracy with the labels known so far
    and the retraining triggers. The box carries ``model`` (:class:`DriftSimulator`), ``result``, ``controls``."""
    import ipywidgets as widgets

    model = DriftSimulator(ks_statistic=ks_statistic, psi=psi, should_retrain=should_retrain, validate=validate,
                           **settings)
    style = {"description_width": "initial"}
    controls = {
        "mean_shift": widgets.FloatSlider(value=model.mean_shift, min=0.0, max=3.0, step=0.1,
                                          description="mean shift (sd)", style=style),
        "spread": widgets.FloatSlider(value=model.spread, min=0.5, max=3.0, step=0.1, description="spread ×",
                                      style=style),
        "new_category": widgets.FloatSlider(value=model.new_category, min=0.0, max=0.6, step=0.05,
                                            description="new category share", style=style),
        "concept": widgets.FloatSlider(value=model.concept, min=0.0, max=1.0, step=0.1,
                                       description="concept drift", style=style),
        "start": widgets.IntSlider(value=model.start, min=0, max=WINDOWS - 1, description="drift starts at",
                                   style=style),
        "window": widgets.IntSlider(value=model.window, min=50, max=MAX_WINDOW, step=50,
                                    description="rows per window", style=style),
        "label_delay": widgets.IntSlider(value=model.label_delay, min=0, max=10, description="label delay",
                                         style=style)}
    names = list(controls)
    rows = [widgets.HBox([controls[n] for n in names[:4]]), widgets.HBox([controls[n] for n in names[4:]])]
    return assemble(model, controls, rows, picture=_Picture(), css_class="explorer-drift", label="<drift simulator>",
                    status=lambda r: (html.escape(describe(r)), r.running))


class _Picture:
    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.axes = self.figure.subplots(3, 1, sharex=True)
        self.figure.subplots_adjust(left=0.1, right=0.97, top=0.95, bottom=0.09, hspace=0.35)
        t = np.arange(WINDOWS)
        ks_ax, psi_ax, acc_ax = self.axes
        self.ks_line, = ks_ax.plot(t, np.zeros(WINDOWS), "o-", color="C0", ms=3, lw=1.2)
        self.ks_alarm = ks_ax.axhline(0.1, color="C3", ls="--", lw=1)
        ks_ax.set_ylabel("KS of x1")
        ks_ax.set_ylim(0, 1)
        self.psi_line, = psi_ax.plot(t, np.zeros(WINDOWS), "o-", color="C1", ms=3, lw=1.2, label="x1")
        self.channel_line, = psi_ax.plot(t, np.zeros(WINDOWS), "s-", color="C5", ms=3, lw=1, label="channel")
        psi_ax.legend(loc="upper left", fontsize=7, frameon=False)
        psi_ax.axhline(PSI_ALARM, color="C3", ls="--", lw=1)
        psi_ax.set_ylabel("PSI")
        psi_ax.set_yscale("symlog", linthresh=0.1)
        psi_ax.set_ylim(0, 20)
        self.acc_known, = acc_ax.plot(t, np.zeros(WINDOWS), "o-", color="C2", ms=3, lw=1.2, label="labels arrived")
        self.acc_pending, = acc_ax.plot(t, np.zeros(WINDOWS), "o:", color="0.6", ms=3, lw=1, label="labels pending")
        self.threshold = acc_ax.axhline(0.8, color="C3", ls="--", lw=1)
        acc_ax.set_ylabel("accuracy")
        acc_ax.set_ylim(0.3, 1.0)
        acc_ax.set_xlabel("window")
        acc_ax.legend(loc="lower left", fontsize=7, frameon=False)
        self.spans = []
        self.title = ks_ax.set_title("", fontsize=8)

    def draw(self, r: DriftResult) -> bytes:
        t = np.arange(WINDOWS)
        self.ks_line.set_ydata(r.ks)
        self.ks_alarm.set_ydata([r.ks_line, r.ks_line])
        self.psi_line.set_ydata(np.clip(r.psi, 0, 20))
        self.channel_line.set_ydata(np.clip(r.channel_psi, 0, 20))
        self.acc_known.set_data(t[r.known], r.accuracy[r.known])
        pending = ~r.known
        if r.known.any() and pending.any():
            pending[np.flatnonzero(r.known)[-1]] = True     # join the two lines
        self.acc_pending.set_data(t[pending], r.accuracy[pending])
        self.threshold.set_ydata([r.threshold, r.threshold])
        for span in self.spans:
            span.remove()
        self.spans = [ax.axvspan(r.start - 0.5, WINDOWS - 0.5, color="C3", alpha=0.06, lw=0) for ax in self.axes]
        self.spans += [ax.axvline(x, color="C4", lw=2, alpha=0.8) for x in r.triggers for ax in self.axes]
        self.title.set_text(f"{r.window} rows per window · red band: drift · dashed: alarm lines "
                            f"(KS p < {KS_ALPHA}, PSI {PSI_ALARM}, policy) · purple: retraining")
        return figure_png(self.figure)


if __name__ == "__main__":   # a quick look without a browser
    print(describe(DriftSimulator().compute()))
