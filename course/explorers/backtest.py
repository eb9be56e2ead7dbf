"""The `timeseries` elective's series, references and explorer: a rolling-origin backtest drawn fold by fold.

The series is generated (offline): two years of daily rentals at a bike-share station, a linear trend, a weekly
pattern (busy weekdays, quiet weekends), a yearly swing and AR(1) noise, as a pandas Series with a DatetimeIndex.

The references are the ones the lesson falls back on before the learner's functions are written:
``reference_rolling_origin_folds`` (scikit-learn's ``TimeSeriesSplit``), ``reference_lag_features`` (pandas
``shift``), ``reference_naive_forecast``, ``reference_seasonal_naive_forecast`` and ``reference_mase``.
``linear_lag_forecast`` is the linear model on lags 1 … p (least squares, forecasting recursively).

Model: :class:`BacktestStudy` (``compute()`` returns a frozen :class:`BacktestResult`); view:
:func:`backtest_explorer`. Every update recomputes the folds and the three baselines' forecasts of every fold
(a few least-squares fits of at most 730 rows: milliseconds). The learner's ``rolling_origin_folds``,
``seasonal_naive_forecast`` and ``mase`` run once they pass their checks (``LearnerChecks``).
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course.explorers.view import LearnerChecks, Validate, assemble, figure_png, guarded, new_figure, quiet

SEASON = 7                          # days: the weekly pattern
DAYS = 730
START = "2024-01-01"
WEEKLY = (10.0, 14.0, 16.0, 15.0, 20.0, -30.0, -45.0)   # Monday … Sunday, added to the trend
MODELS = ("naive", "seasonal naive", "linear on lags")


# ----------------------------------------------------------------------------- the series


def daily_rentals(seed: int = 0, days: int = DAYS, start: str = START):
    """Rentals per day: trend 200 + 0.12 per day, the weekly pattern ``WEEKLY``, a yearly swing of ±25 peaking
    in July, and AR(1) noise (φ = 0.6, innovations of standard deviation 8), rounded to 0.1."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    index = pd.date_range(start, periods=days, freq="D", name="date")
    t = np.arange(days)
    trend = 200.0 + 0.12 * t
    weekly = np.asarray(WEEKLY)[index.day_of_week]
    yearly = 25.0 * np.sin(2 * np.pi * (index.day_of_year.to_numpy() - 100) / 365.25)
    shocks = rng.normal(0.0, 8.0, days)
    noise = np.zeros(days)
    for i in range(days):
        noise[i] = (0.6 * noise[i - 1] if i else 0.0) + shocks[i]
    return pd.Series(np.round(trend + weekly + yearly + noise, 1), index=index, name="rentals")


# ----------------------------------------------------------------------------- references


def reference_rolling_origin_folds(n, n_splits, test_size=None, gap=0, max_train_size=None):
    from sklearn.model_selection import TimeSeriesSplit

    splitter = TimeSeriesSplit(n_splits=n_splits, test_size=test_size, gap=gap, max_train_size=max_train_size)
    return list(splitter.split(np.zeros((int(n), 1))))


def reference_lag_features(series, lags):
    import pandas as pd

    return pd.DataFrame({f"lag_{k}": series.shift(k) for k in lags}, index=series.index)


def reference_naive_forecast(history, horizon):
    history = np.asarray(history, dtype=float)
    return np.full(int(horizon), history[-1])


def reference_seasonal_naive_forecast(history, horizon, season):
    """ŷ_{T+h} = y_{T+h−m(k+1)} with k = ⌊(h − 1)/m⌋ (h = 1 … horizon): the last season, repeated."""
    history = np.asarray(history, dtype=float)
    T = len(history)
    return np.array([history[T + h - season * ((h - 1) // season + 1) - 1] for h in range(1, int(horizon) + 1)])


def reference_mase(y_true, y_pred, y_train, season=1):
    from sklearn.metrics import mean_absolute_error

    y_train = np.asarray(y_train, dtype=float)
    scale = mean_absolute_error(y_train[season:], y_train[:-season])
    return float(mean_absolute_error(np.asarray(y_true, float), np.asarray(y_pred, float)) / scale)


def _mase(y_true, y_pred, y_train, season=1):
    """reference_mase in plain NumPy (scikit-learn's input checks cost more than the explorer's whole model)."""
    return float(np.mean(np.abs(y_true - y_pred)) / np.mean(np.abs(y_train[season:] - y_train[:-season])))


def linear_lag_forecast(history, horizon, lags):
    """Least squares of y_t on (y_{t−1}, …, y_{t−lags}, 1) over the history, then ``horizon`` steps forecast
    recursively: each forecast becomes the lag-1 value of the next step."""
    history = np.asarray(history, dtype=float)
    T = len(history)
    X = np.column_stack([history[lags - k:T - k] for k in range(1, lags + 1)] + [np.ones(T - lags)])
    # the normal equations (a (lags + 1)-square system): far quicker than lstsq's SVD, and as accurate here
    gram, moments = X.T @ X, X.T @ history[lags:]
    try:
        weights = np.linalg.solve(gram, moments)
    except np.linalg.LinAlgError:                   # fewer rows than lags: the minimum-norm solution
        weights = np.linalg.lstsq(X, history[lags:], rcond=None)[0]
    window = list(history[-lags:][::-1])               # lag 1 first
    out = np.empty(int(horizon))
    for h in range(int(horizon)):
        out[h] = np.dot(window, weights[:-1]) + weights[-1]
        window = [out[h]] + window[:-1]
    return out


# ----------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class BacktestResult:
    values: np.ndarray              # the whole series (DAYS,)
    folds: tuple                    # ((train_start, train_end, test_start, test_end), ...) half-open, per fold
    fold: int                       # the fold shown, from 1
    forecasts: dict                 # model -> forecast of the shown fold's test window
    scores: np.ndarray              # (folds, models): MASE per fold and model
    mean_scores: np.ndarray         # (models,)
    lags: int
    gap: int
    problem: str                    # why there are no folds ("" when there are)
    running: str


@dataclass
class BacktestStudy:
    """All the explorer's state: TimeSeriesSplit's parameters, the fold shown and the linear model's lags."""
    n_splits: int = 5
    test_size: int = 28
    gap: int = 0
    max_train_size: int = 0         # 0: no limit (an expanding window)
    fold: int = 5
    lags: int = 14
    seed: int = 0
    rolling_origin_folds: Callable | None = None
    seasonal_naive_forecast: Callable | None = None
    mase: Callable | None = None
    validate: Validate | None = None
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)
    _series: dict = field(default_factory=dict, init=False, repr=False)

    def _pick(self, name: str, function: Callable | None, reference: Callable) -> tuple[Callable, bool, str]:
        usable, why = self._checks.usable(f"timeseries.{name}", function, self.validate)
        if usable is not None:
            return guarded(f"timeseries.{name}", usable), True, ""
        return reference, False, why and f"your {name} {why}"

    def series(self) -> np.ndarray:
        if self.seed not in self._series:
            self._series[self.seed] = daily_rentals(self.seed).to_numpy()
        return self._series[self.seed]

    def compute(self) -> BacktestResult:
        return self._checks.compute(self._compute)

    def _compute(self) -> BacktestResult:
        picks = [("rolling_origin_folds", self.rolling_origin_folds, reference_rolling_origin_folds),
                 ("seasonal_naive_forecast", self.seasonal_naive_forecast, reference_seasonal_naive_forecast),
                 ("mase", self.mase, _mase)]
        (folds_of, *_), (seasonal, *_), (score, *_) = chosen = [self._pick(*p) for p in picks]
        mine = [name for (name, _, _), (_, used, _) in zip(picks, chosen) if used]
        whys = [why for _, _, why in chosen if why]
        running = ("running " + (", ".join(f"your {m}" for m in mine) if mine else "the references")
                   + (" (" + "; ".join(whys) + ")" if whys else ""))
        y = self.series()
        lags, gap = int(self.lags), int(self.gap)
        try:
            with quiet():
                pairs = folds_of(len(y), int(self.n_splits), int(self.test_size), gap,
                                 int(self.max_train_size) or None)
        except ValueError as error:
            return BacktestResult(y, (), 0, {}, np.zeros((0, len(MODELS))), np.full(len(MODELS), np.nan), lags, gap,
                                  str(error), running)
        folds = tuple((int(np.min(tr)), int(np.max(tr)) + 1, int(np.min(te)), int(np.max(te)) + 1)
                      for tr, te in pairs)
        shown = int(np.clip(self.fold, 1, len(folds)))
        scores = np.zeros((len(folds), len(MODELS)))
        forecasts = {}
        with quiet():
            for i, (a, b, c, d) in enumerate(folds):
                history, future = y[a:b], y[c:d]
                steps = d - b                                   # forecast across the gap, keep the test part
                predictions = {"naive": reference_naive_forecast(history, steps),
                               "seasonal naive": np.asarray(seasonal(history, steps, SEASON), dtype=float),
                               "linear on lags": linear_lag_forecast(history, steps, min(lags, len(history) - 2))}
                for j, model in enumerate(MODELS):
                    kept = predictions[model][c - b:]
                    scores[i, j] = float(score(future, kept, history, SEASON))
                    if i + 1 == shown:
                        forecasts[model] = kept
        return BacktestResult(y, folds, shown, forecasts, scores, scores.mean(axis=0), lags, gap, "", running)


def describe(r: BacktestResult) -> str:
    if r.problem:
        return f"no folds: {r.problem}"
    a, b, c, d = r.folds[r.fold - 1]
    best = MODELS[int(np.argmin(r.mean_scores))]
    means = ", ".join(f"{m} {s:.2f}" for m, s in zip(MODELS, r.mean_scores))
    return (f"fold {r.fold} of {len(r.folds)}: train days {a}–{b - 1} ({b - a} rows), test days {c}–{d - 1}; "
            f"mean MASE over the folds: {means} (best: {best})")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (9.0, 5.0), 80
COLOURS = {"naive": "C3", "seasonal naive": "C2", "linear on lags": "C1"}


def backtest_explorer(rolling_origin_folds: Callable | None = None, seasonal_naive_forecast: Callable | None = None,
                      mase: Callable | None = None, *, validate: Validate | None = None, **settings):
    """Sliders for TimeSeriesSplit's n_splits, test_size, gap and max_train_size, the fold shown and the linear
    model's number of lags. Top left: the folds as bars (training rows blue, the gap grey, test rows orange);
    top right: each model's MASE per fold; below: the shown fold's test window, the truth and the three
    forecasts. The box carries ``model`` (:class:`BacktestStudy`), ``result`` and ``controls``."""
    import ipywidgets as widgets

    model = BacktestStudy(rolling_origin_folds=rolling_origin_folds, seasonal_naive_forecast=seasonal_naive_forecast,
                          mase=mase, validate=validate, **settings)
    style = {"description_width": "initial"}
    controls = {
        "n_splits": widgets.IntSlider(value=model.n_splits, min=2, max=10, description="n_splits", style=style),
        "test_size": widgets.IntSlider(value=model.test_size, min=7, max=56, step=7, description="test_size (days)",
                                       style=style),
        "gap": widgets.IntSlider(value=model.gap, min=0, max=28, description="gap (days)", style=style),
        "max_train_size": widgets.IntSlider(value=model.max_train_size, min=0, max=700, step=28,
                                            description="max_train_size (0: all)", style=style),
        "fold": widgets.IntSlider(value=model.fold, min=1, max=10, description="fold shown", style=style),
        "lags": widgets.IntSlider(value=model.lags, min=1, max=28, description="lags of the linear model",
                                  style=style)}
    names = list(controls)
    rows = [widgets.HBox([controls[n] for n in names[:3]]), widgets.HBox([controls[n] for n in names[3:]])]
    return assemble(model, controls, rows, picture=_Picture(), css_class="explorer-backtest", label="<backtest>",
                    status=lambda r: (html.escape(describe(r)), r.running))


class _Picture:
    def __init__(self) -> None:
        from matplotlib.collections import LineCollection
        from matplotlib.ticker import MaxNLocator

        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        grid = self.figure.add_gridspec(2, 2, width_ratios=[1.6, 1], height_ratios=[1, 1.25])
        self.folds_ax = self.figure.add_subplot(grid[0, 0])
        self.score_ax = self.figure.add_subplot(grid[0, 1])
        self.series_ax = self.figure.add_subplot(grid[1, :])
        self.figure.subplots_adjust(left=0.07, right=0.98, top=0.93, bottom=0.1, hspace=0.45, wspace=0.22)
        ax = self.folds_ax
        self.bars = LineCollection([], linewidths=7)
        ax.add_collection(self.bars)
        ax.set_xlim(0, DAYS)
        ax.set_xticks(range(0, DAYS, 100))
        ax.set_xlabel("day", fontsize=8)
        ax.set_ylabel("fold", fontsize=8)
        ax.tick_params(labelsize=7)
        self.folds_title = ax.set_title("", fontsize=9)
        sax = self.score_ax
        self.score_lines = {m: sax.plot([], [], "o-", ms=3, color=COLOURS[m], label=m)[0] for m in MODELS}
        self.score_marker = sax.axvline(1, color="0.7", lw=1)
        sax.axhline(1.0, color="0.5", ls=":", lw=1)
        sax.set_xlabel("fold", fontsize=8)
        sax.set_title("MASE per fold (1 = the in-sample seasonal naive)", fontsize=9)
        sax.tick_params(labelsize=7)
        sax.legend(fontsize=7, frameon=False, loc="lower center", ncol=3, handlelength=1.2, columnspacing=0.8)
        rax = self.series_ax
        self.truth, = rax.plot([], [], "-", color="0.25", lw=1.2, label="the series")
        self.test_span = rax.axvspan(0, 1, color="C1", alpha=0.12, lw=0)
        self.gap_span = rax.axvspan(0, 1, color="0.6", alpha=0.15, lw=0)
        self.forecast_lines = {m: rax.plot([], [], "-", lw=1.6, color=COLOURS[m], label=m)[0] for m in MODELS}
        rax.set_xlabel("day (0 = 1 January 2024)", fontsize=8)
        rax.set_ylabel("rentals", fontsize=8)
        rax.tick_params(labelsize=7)
        rax.xaxis.set_major_locator(MaxNLocator(8, integer=True))
        rax.yaxis.set_major_locator(MaxNLocator(5))
        sax.yaxis.set_major_locator(MaxNLocator(5))
        self.shown_folds = 0
        rax.legend(fontsize=7, frameon=False, loc="upper left", ncol=4)
        self.series_title = rax.set_title("", fontsize=9)

    def draw(self, r: BacktestResult) -> bytes:
        if r.problem:
            self.bars.set_segments([])
            for line in (*self.score_lines.values(), *self.forecast_lines.values(), self.truth):
                line.set_data([], [])
            self.folds_title.set_text("no folds: " + r.problem[:70])
            self.series_title.set_text("")
            return figure_png(self.figure)
        segments, colours = [], []
        for i, (a, b, c, d) in enumerate(r.folds, start=1):
            alpha = 1.0 if i == r.fold else 0.45
            for start, end, colour in ((a, b, (0.12, 0.47, 0.71)), (b, c, (0.6, 0.6, 0.6)),
                                       (c, d, (1.0, 0.5, 0.05))):
                if end > start:
                    segments.append([(start, i), (end, i)])
                    colours.append((*colour, alpha))
        self.bars.set_segments(segments)
        self.bars.set_color(colours)
        if len(r.folds) != self.shown_folds:           # new ticks only when the number of folds changes
            self.shown_folds = len(r.folds)
            self.folds_ax.set_ylim(len(r.folds) + 0.7, 0.3)
            self.folds_ax.set_yticks(range(1, len(r.folds) + 1))
            self.score_ax.set_xticks(range(1, len(r.folds) + 1))
            self.score_ax.set_xlim(0.5, len(r.folds) + 0.5)
        self.folds_title.set_text(f"{len(r.folds)} folds: training rows, gap ({r.gap} days), test rows")
        k = np.arange(1, len(r.folds) + 1)
        for j, m in enumerate(MODELS):
            self.score_lines[m].set_data(k, r.scores[:, j])
        self.score_marker.set_xdata([r.fold, r.fold])
        top = float(np.nanmax(r.scores)) if np.isfinite(r.scores).any() else 2.0
        self.score_ax.set_ylim(0, max(1.2, min(top, 20.0)) * 1.1)
        a, b, c, d = r.folds[r.fold - 1]
        left = max(a, c - 3 * (d - c) - 14)
        days = np.arange(left, d)
        self.truth.set_data(days, r.values[left:d])
        self.test_span.set_x(c)
        self.test_span.set_width(d - c)
        self.gap_span.set_x(b)
        self.gap_span.set_width(c - b)
        shown = [r.values[left:d]]
        for m, line in self.forecast_lines.items():
            line.set_data(np.arange(c, d), r.forecasts[m])
            shown.append(r.forecasts[m])
        low, high = min(float(np.min(s)) for s in shown), max(float(np.max(s)) for s in shown)
        pad = 0.08 * (high - low + 1e-9)
        self.series_ax.set_xlim(left, d)
        self.series_ax.set_ylim(low - pad, high + pad)
        scores = ", ".join(f"{m} {s:.2f}" for m, s in zip(MODELS, r.scores[r.fold - 1]))
        self.series_title.set_text(f"fold {r.fold}: forecasts of days {c}–{d - 1} from day {b - 1}; MASE {scores}")
        return figure_png(self.figure)


if __name__ == "__main__":   # a quick look without a browser
    print(describe(BacktestStudy().compute()))
