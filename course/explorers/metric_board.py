"""The metrics notebook's explorers: every metric of the reference moving at once.

* :func:`metric_board_explorer` — a classifier's probabilities for two classes (a separation slider, a
  positive-share slider and a confidence slider that makes the same ranking over- or under-confident) and a
  threshold slider. Accuracy, balanced accuracy, precision, recall, F1 and the Matthews correlation move together
  as bars; the operating point moves along the ROC and precision–recall curves; ROC-AUC, average precision and the
  log loss are shown (the threshold moves none of them). Model: :class:`MetricBoard`.
* :func:`outlier_metrics_explorer` — a regression model's predictions on 40 targets; one target's error (the
  outlier slider) and the level of all targets (the same errors, targets shifted towards 0) move MSE, RMSE, MAE,
  R², MAPE and WAPE. Model: :class:`OutlierBoard`.

Week 03's ``threshold_explorer`` (course/explorers/threshold.py) shows one threshold's confusion matrix on
uncalibrated scores; this board is about comparing the metrics. Updates are fast: per data setting the
probabilities are sorted once and the confusion counts at every possible cut are cumulative sums, so a threshold
move is one ``searchsorted``; the views only move artists. The learner's ``log_loss``, ``average_precision`` and
``wape`` run once they pass their checks (``LearnerChecks``); the references below run until then.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course.explorers.view import LearnerChecks, Validate, assemble, guarded, new_figure, quiet

__all__ = ["reference_log_loss", "reference_average_precision", "reference_wape", "reference_inertia",
           "MetricBoard", "BoardResult", "metric_board_explorer", "OutlierBoard", "OutlierResult",
           "outlier_metrics_explorer", "CLASSIFICATION_METRICS", "REGRESSION_METRICS"]

EPS = float(np.finfo(np.float64).eps)
CLASSIFICATION_METRICS = ("accuracy", "balanced accuracy", "precision", "recall", "F1", "MCC")
REGRESSION_METRICS = ("MSE", "RMSE", "MAE", "MAPE", "WAPE")


# ----------------------------------------------------------------------------- references (what the lesson falls back on)


def reference_log_loss(y_true, proba) -> float:
    y = np.asarray(y_true).astype(int)
    P = np.asarray(proba, dtype=float)
    P = np.column_stack([1 - P, P]) if P.ndim == 1 else P
    P = np.clip(P, EPS, 1 - EPS)
    return float(-np.mean(np.log(P[np.arange(len(y)), y])))


def reference_average_precision(y_true, scores) -> float:
    y, s = np.asarray(y_true, dtype=float), np.asarray(scores, dtype=float)
    order = np.argsort(-s, kind="stable")
    y, s = y[order], s[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]     # the last example of each group of tied scores
    tp = np.cumsum(y)[last]
    return float(np.sum(np.diff(np.r_[0.0, tp / tp[-1]]) * tp / (last + 1)))


def reference_wape(y_true, y_pred) -> float:
    y, f = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    return float(np.abs(y - f).sum() / np.abs(y).sum())


def reference_inertia(X, centers) -> float:
    X, C = np.asarray(X, dtype=float), np.asarray(centers, dtype=float)
    return float(((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2).min(axis=1).sum())


def _pick(checks: LearnerChecks, key: str, function: Callable | None, reference: Callable,
          validate: Validate | None) -> tuple[Callable, bool, str]:
    usable, why = checks.usable(key, function, validate)
    if usable is not None:
        return guarded(key, usable), True, ""
    name = key.split(".")[1]
    return reference, False, why and f"your {name} {why}"


def _running(used: list[tuple[str, bool, str]]) -> tuple[str, str]:
    mine = [name for name, is_mine, _ in used if is_mine]
    implementation = "yours" if len(mine) == len(used) else ("partly yours" if mine else "reference")
    whys = [why for _, _, why in used if why]
    text = ("running: " + ", ".join(f"your {name}" if is_mine else f"the reference {name}" for name, is_mine, _ in used)
            + (" (" + "; ".join(whys) + ")" if whys else ""))
    return implementation, text


# ----------------------------------------------------------------------------- (a) the classification board


@dataclass(frozen=True, eq=False)
class BoardResult:
    threshold: float
    n_positive: int
    n_negative: int
    tp: int
    fp: int
    fn: int
    tn: int
    metrics: dict                  # CLASSIFICATION_METRICS -> value at this threshold
    baseline_accuracy: float       # the accuracy of "always negative" (the majority class: positives <= 50%)
    fpr: np.ndarray                # the ROC curve, one point per distinct probability, from (0, 0) to (1, 1)
    tpr: np.ndarray
    recall_curve: np.ndarray       # the precision–recall curve at the same cuts (without the (0, ·) start)
    precision_curve: np.ndarray
    point_fpr: float               # the operating point of this threshold
    point_tpr: float
    roc_auc: float
    average_precision: float
    log_loss: float
    best_f1_threshold: float       # the threshold with the highest F1 (ties: the highest threshold)
    histogram_edges: np.ndarray
    histogram_positive: np.ndarray     # counts of each class's probabilities per bin
    histogram_negative: np.ndarray
    implementation: str
    running: str


@dataclass
class MetricBoard:
    """All of the board's state. Each example has a score z ~ N(±separation/2, 1) by class; its probability is
    sigmoid(confidence · (separation · z + ln(share / (1 − share)))), the true posterior when confidence = 1
    (calibrated), overconfident above 1, underconfident below. The noise is drawn once: no slider reshuffles."""
    threshold: float = 0.5
    separation: float = 2.0
    positive_share: float = 0.2
    confidence: float = 1.0
    n: int = 2000
    seed: int = 15
    log_loss: Callable | None = None
    average_precision: Callable | None = None
    validate: Validate | None = None
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)
    _cache: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)
        self._noise = {1: rng.normal(size=self.n), 0: rng.normal(size=self.n)}

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """(y_true, probabilities): positives first."""
        n_positive = min(max(int(round(self.positive_share * self.n)), 1), self.n - 1)
        y = (np.arange(self.n) < n_positive).astype(np.int64)
        z = np.concatenate([self.separation / 2 + self._noise[1][:n_positive],
                            -self.separation / 2 + self._noise[0][:self.n - n_positive]])
        share = n_positive / self.n
        logit = self.confidence * (self.separation * z + np.log(share / (1 - share)))
        return y, 1 / (1 + np.exp(-np.clip(logit, -700, 700)))

    def _curves(self, log_loss: Callable, average_precision: Callable, key: tuple) -> dict:
        """Everything that does not depend on the threshold, for one data setting (cached)."""
        if key in self._cache:
            return self._cache[key]
        y, p = self.data()
        order = np.argsort(-p, kind="stable")
        ys, ps = y[order], p[order]
        last = np.r_[np.flatnonzero(np.diff(ps)), len(ps) - 1]
        tp = np.cumsum(ys)[last]
        fp = (last + 1) - tp
        P, N = int(y.sum()), int(len(y) - y.sum())
        fpr, tpr = np.r_[0.0, fp / N], np.r_[0.0, tp / P]
        precision, recall = tp / (last + 1), tp / P
        f1 = 2 * tp / (P + last + 1)
        best = int(np.argmax(f1))
        edges = np.linspace(0, 1, 41)
        with quiet():
            entry = {"y": y, "p": p, "p_ascending": ps[::-1].copy(), "cum_tp": np.r_[0, np.cumsum(ys)], "P": P, "N": N,
                     "fpr": fpr, "tpr": tpr, "precision": precision, "recall": recall,
                     "roc_auc": float(np.trapezoid(tpr, fpr)) if hasattr(np, "trapezoid") else float(np.trapz(tpr, fpr)),
                     "average_precision": float(average_precision(y, p)), "log_loss": float(log_loss(y, p)),
                     "best_f1_threshold": float(ps[last[best]]),
                     "edges": edges, "hist_pos": np.histogram(p[y == 1], edges)[0],
                     "hist_neg": np.histogram(p[y == 0], edges)[0]}
        if len(self._cache) > 64:
            self._cache.clear()
        self._cache[key] = entry
        return entry

    def compute(self) -> BoardResult:
        return self._checks.compute(self._compute)

    def _compute(self) -> BoardResult:
        log_loss, ll_mine, ll_why = _pick(self._checks, "metrics.log_loss", self.log_loss, reference_log_loss,
                                          self.validate)
        ap, ap_mine, ap_why = _pick(self._checks, "metrics.average_precision", self.average_precision,
                                    reference_average_precision, self.validate)
        key = (float(self.separation), float(self.positive_share), float(self.confidence), ll_mine, ap_mine)
        c = self._curves(log_loss, ap, key)
        # predicted positive: p >= threshold; the k most probable examples
        k = len(c["p_ascending"]) - int(np.searchsorted(c["p_ascending"], self.threshold, side="left"))
        tp = int(c["cum_tp"][k])
        fp = k - tp
        P, N = c["P"], c["N"]
        fn, tn = P - tp, N - fp
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / P
        specificity = tn / N
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        denominator = np.sqrt(float(tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
        mcc = float((tp * tn - fp * fn) / denominator) if denominator else 0.0
        metrics = {"accuracy": (tp + tn) / (P + N), "balanced accuracy": (recall + specificity) / 2,
                   "precision": precision, "recall": recall, "F1": f1, "MCC": mcc}
        implementation, running = _running([("log_loss", ll_mine, ll_why), ("average_precision", ap_mine, ap_why)])
        return BoardResult(float(self.threshold), P, N, tp, fp, fn, tn, {m: float(v) for m, v in metrics.items()},
                           N / (P + N), c["fpr"], c["tpr"], c["recall"],
                           c["precision"], fp / N, recall, c["roc_auc"], c["average_precision"], c["log_loss"],
                           c["best_f1_threshold"], c["edges"], c["hist_pos"], c["hist_neg"], implementation, running)


def describe_board(r: BoardResult) -> str:
    m = r.metrics
    return (f"threshold {r.threshold:.2f}: TP {r.tp}, FP {r.fp}, FN {r.fn}, TN {r.tn}; accuracy {m['accuracy']:.3f} "
            f"(always 'negative': {r.baseline_accuracy:.3f}), precision {m['precision']:.3f}, recall {m['recall']:.3f}, "
            f"F1 {m['F1']:.3f}, MCC {m['MCC']:.3f}; threshold-free: ROC-AUC {r.roc_auc:.3f}, average precision "
            f"{r.average_precision:.3f}, log loss {r.log_loss:.3f}; best F1 at threshold {r.best_f1_threshold:.2f}")


def _title(ax, fontsize: float = 9):
    """A title that can be redrawn alone (an axes' own title is placed during the axes' full draw)."""
    return ax.text(0.5, 1.03, "", transform=ax.transAxes, ha="center", va="bottom", fontsize=fontsize)


class _Blitter:
    """Redraw only what moves. The axes, ticks and labels never change (every limit is fixed), so the figure is
    drawn in full once with the moving artists hidden and kept as a background; an update restores it, draws the
    moving artists on top and encodes the canvas as PNG (tick labels are most of the cost of a full draw)."""

    def __init__(self, figure, dynamic: list) -> None:
        self.figure, self.canvas, self.dynamic = figure, figure.canvas, dynamic
        self.background = None

    def png(self) -> bytes:
        import io

        from PIL import Image

        if self.background is None:
            for artist in self.dynamic:
                artist.set_visible(False)
            self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(self.figure.bbox)
            for artist in self.dynamic:
                artist.set_visible(True)
        self.canvas.restore_region(self.background)
        renderer = self.canvas.get_renderer()
        for artist in self.dynamic:
            artist.draw(renderer)
        width, height = self.canvas.get_width_height(physical=True)
        buffer = io.BytesIO()
        # RGB, not RGBA: the figure is opaque, and a quarter less to encode
        Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB").save(
            buffer, format="png", compress_level=1)
        return buffer.getvalue()


BOARD_INCHES, BOARD_DPI = (9.0, 5.2), 72


class _BoardPicture:
    def __init__(self) -> None:
        self.figure = new_figure(BOARD_INCHES, BOARD_DPI)
        grid = self.figure.add_gridspec(2, 3, width_ratios=[1.25, 1, 1], left=0.12, right=0.98, top=0.9,
                                        bottom=0.1, wspace=0.35, hspace=0.55)
        bars = self.figure.add_subplot(grid[:, 0])
        hist = self.figure.add_subplot(grid[0, 1:])
        roc = self.figure.add_subplot(grid[1, 1])
        pr = self.figure.add_subplot(grid[1, 2])
        positions = np.arange(len(CLASSIFICATION_METRICS))[::-1]
        self.bars = bars.barh(positions, np.zeros(len(positions)), color=["C0", "C0", "C1", "C2", "C3", "C4"])
        bars.set_yticks(positions, CLASSIFICATION_METRICS)
        bars.set_xlim(-0.25, 1.18)
        bars.axvline(0, color="0.3", lw=0.8)
        self.labels = [bars.text(0, y, "", va="center", fontsize=8) for y in positions]
        self.baseline = bars.plot([0, 0], [positions[0] - 0.45, positions[0] + 0.45], color="k", ls=":", lw=1.5)[0]
        bars.set_title("metrics at this threshold\n(dotted: accuracy of always 'negative')", fontsize=9)
        self.pos_stairs = hist.stairs(np.zeros(40), np.linspace(0, 1, 41), color="C3", label="positives", lw=1.2)
        self.neg_stairs = hist.stairs(np.zeros(40), np.linspace(0, 1, 41), color="C0", label="negatives", lw=1.2)
        self.hist_line = hist.axvline(0.5, color="k", lw=1.2)
        hist.set_yscale("symlog", linthresh=10)
        hist.set_ylim(0, 3000)
        hist.set_xlim(0, 1)
        hist.set_xlabel("predicted probability of 'positive'", fontsize=8, labelpad=1)
        hist.legend(fontsize=7, frameon=False, loc="upper center")
        self.title = _title(hist)
        self.roc_curve, = roc.plot([0, 1], [0, 1], color="C0", lw=1.3)
        roc.plot([0, 1], [0, 1], color="0.7", ls="--", lw=0.8)
        self.roc_point, = roc.plot([0], [0], "o", color="k", ms=6)
        roc.set_xlim(0, 1), roc.set_ylim(0, 1.02)
        roc.set_xlabel("false positive rate", fontsize=8, labelpad=1)
        roc.set_ylabel("recall (TPR)", fontsize=8)
        self.roc_title = _title(roc)
        self.pr_curve, = pr.plot([0, 1], [1, 0], color="C2", lw=1.3)
        self.pr_base = pr.axhline(0.2, color="0.7", ls="--", lw=0.8)
        self.pr_point, = pr.plot([0], [0], "o", color="k", ms=6)
        pr.set_xlim(0, 1), pr.set_ylim(0, 1.02)
        pr.set_xlabel("recall", fontsize=8, labelpad=1)
        pr.set_ylabel("precision", fontsize=8)
        self.pr_title = _title(pr)
        for ax in (bars, hist, roc, pr):
            ax.tick_params(labelsize=7)
        self.blitter = _Blitter(self.figure, [*self.bars, *self.labels, self.baseline, self.pos_stairs,
                                              self.neg_stairs, self.hist_line, self.title, self.roc_curve,
                                              self.roc_point, self.roc_title, self.pr_curve, self.pr_base,
                                              self.pr_point, self.pr_title])

    def draw(self, r: BoardResult) -> bytes:
        for bar, label, name in zip(self.bars, self.labels, CLASSIFICATION_METRICS):
            value = r.metrics[name]
            bar.set_width(value)
            label.set_position((max(value, 0) + 0.02, label.get_position()[1]))
            label.set_text(f"{value:.3f}")
        self.baseline.set_xdata([r.baseline_accuracy, r.baseline_accuracy])
        self.pos_stairs.set_data(r.histogram_positive, r.histogram_edges)
        self.neg_stairs.set_data(r.histogram_negative, r.histogram_edges)
        self.hist_line.set_xdata([r.threshold, r.threshold])
        self.title.set_text(f"{r.n_positive} positives, {r.n_negative} negatives · log loss {r.log_loss:.3f} "
                            "(no threshold)")
        self.roc_curve.set_data(r.fpr, r.tpr)
        self.roc_point.set_data([r.point_fpr], [r.point_tpr])
        self.roc_title.set_text(f"ROC · AUC {r.roc_auc:.3f}")
        self.pr_curve.set_data(np.r_[0.0, r.recall_curve], np.r_[r.precision_curve[0], r.precision_curve])
        share = r.n_positive / (r.n_positive + r.n_negative)
        self.pr_base.set_ydata([share, share])
        self.pr_point.set_data([r.metrics["recall"]], [r.metrics["precision"]])
        self.pr_title.set_text(f"precision–recall · AP {r.average_precision:.3f}")
        return self.blitter.png()


def metric_board_explorer(log_loss: Callable | None = None, average_precision: Callable | None = None, *,
                          validate: Validate | None = None, **settings):
    """Sliders for the threshold, the classes' separation, the share of positives and the model's confidence;
    the metrics as bars, the probabilities' histograms, the ROC and precision–recall curves with the operating
    point. The box carries ``model`` (:class:`MetricBoard`), ``result``, ``controls``."""
    import ipywidgets as widgets

    model = MetricBoard(log_loss=log_loss, average_precision=average_precision, validate=validate, **settings)
    style = {"description_width": "initial"}
    controls = {
        "threshold": widgets.FloatSlider(value=model.threshold, min=0.01, max=0.99, step=0.01,
                                         description="threshold", style=style),
        "separation": widgets.FloatSlider(value=model.separation, min=0.0, max=5.0, step=0.1,
                                          description="class separation", style=style),
        "positive_share": widgets.FloatSlider(value=model.positive_share, min=0.01, max=0.5, step=0.01,
                                              description="share of positives", style=style),
        "confidence": widgets.FloatSlider(value=model.confidence, min=0.2, max=4.0, step=0.1,
                                          description="confidence (1 = calibrated)", style=style)}
    names = list(controls)
    rows = [widgets.HBox([controls[n] for n in names[:2]]), widgets.HBox([controls[n] for n in names[2:]])]
    return assemble(model, controls, rows, picture=_BoardPicture(), css_class="explorer-metric-board",
                    label="<metric board>", status=lambda r: (html.escape(describe_board(r)), r.running))


# ----------------------------------------------------------------------------- (b) outliers and percentage errors


OUTLIER_INDEX = 7       # the example whose target the outlier slider moves
N_TARGETS = 40


@dataclass(frozen=True, eq=False)
class OutlierResult:
    outlier: float
    level: float
    x: np.ndarray
    y_true: np.ndarray
    y_pred: np.ndarray
    metrics: dict                  # MSE, RMSE, MAE, MAPE, WAPE, R² at this setting
    sizes: np.ndarray              # outlier sizes of the slider's range
    growth: dict                   # REGRESSION_METRICS -> metric(size) / metric(0), at this level
    smallest_target: float         # min |y|
    implementation: str
    running: str


@dataclass
class OutlierBoard:
    """Targets y = level + 2 + 0.5 (x − 5) + noise at 40 points x in [0, 10], predicted by the true line; the
    outlier slider adds ``outlier`` to one target (an error only: the predictions stay), the level slider moves
    every target and prediction together (the errors stay, the targets approach 0)."""
    outlier: float = 0.0
    level: float = 5.0
    wape: Callable | None = None
    validate: Validate | None = None
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def __post_init__(self) -> None:
        rng = np.random.default_rng(3)
        self.x = np.linspace(0, 10, N_TARGETS)
        self.noise = rng.normal(scale=0.6, size=N_TARGETS)

    def targets(self, outlier: float | np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
        """(y_true, y_pred); with an array of outliers, one row of targets per outlier size."""
        line = level + 2 + 0.5 * (self.x - 5)
        y = line + self.noise + np.multiply.outer(np.asarray(outlier, dtype=float), np.eye(N_TARGETS)[OUTLIER_INDEX])
        return y, line

    @staticmethod
    def _table(y: np.ndarray, f: np.ndarray) -> dict:
        """Every metric, along the last axis (rows of targets at once)."""
        error = y - f
        mse = np.mean(error ** 2, axis=-1)
        mae = np.mean(np.abs(error), axis=-1)
        mape = np.mean(np.abs(error) / np.maximum(np.abs(y), EPS), axis=-1)
        wape = np.sum(np.abs(error), axis=-1) / np.sum(np.abs(y), axis=-1)
        r2 = 1 - np.sum(error ** 2, axis=-1) / np.sum((y - y.mean(axis=-1, keepdims=True)) ** 2, axis=-1)
        return {"MSE": mse, "RMSE": np.sqrt(mse), "MAE": mae, "MAPE": mape, "WAPE": wape, "R²": r2}

    def compute(self) -> OutlierResult:
        return self._checks.compute(self._compute)

    def _compute(self) -> OutlierResult:
        wape, mine, why = _pick(self._checks, "metrics.wape", self.wape, reference_wape, self.validate)
        y, f = self.targets(self.outlier, self.level)
        with quiet():
            table = {name: float(value) for name, value in self._table(y, f).items()}
            table["WAPE"] = float(wape(y, f))
        sizes = np.linspace(0, 30, 61)
        ys, fs = self.targets(sizes, self.level)
        curves = self._table(ys, np.broadcast_to(fs, ys.shape))
        growth = {name: curves[name] / curves[name][0] for name in REGRESSION_METRICS}
        implementation, running = _running([("wape", mine, why)])
        return OutlierResult(float(self.outlier), float(self.level), self.x, y, f, table, sizes, growth,
                             float(np.min(np.abs(y))), implementation, running)


def describe_outliers(r: OutlierResult) -> str:
    m = r.metrics
    return (f"outlier +{r.outlier:g}, level {r.level:g} (smallest |y| {r.smallest_target:.3g}): MSE {m['MSE']:.3g}, "
            f"RMSE {m['RMSE']:.3g}, MAE {m['MAE']:.3g}, R² {m['R²']:.3f}, MAPE {m['MAPE']:.3g}, WAPE {m['WAPE']:.3g}")


OUTLIER_INCHES, OUTLIER_DPI = (9.0, 3.3), 72


class _OutlierPicture:
    def __init__(self) -> None:
        self.figure = new_figure(OUTLIER_INCHES, OUTLIER_DPI)
        data, growth = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.2]})
        self.figure.subplots_adjust(left=0.07, right=0.98, top=0.86, bottom=0.16, wspace=0.25)
        self.points, = data.plot(np.zeros(N_TARGETS), np.zeros(N_TARGETS), "o", ms=4, color="C0", label="targets y")
        self.outlier_point, = data.plot([0], [0], "o", ms=7, color="C3", label="the outlier")
        self.line, = data.plot([0, 10], [0, 0], color="k", lw=1.2, label="predictions ŷ")
        data.axhline(0, color="0.6", lw=0.8)
        data.set_xlim(-0.5, 10.5)
        data.set_ylim(-6, 55)
        data.set_xlabel("x", fontsize=8, labelpad=1)
        data.legend(fontsize=7, frameon=False, loc="upper left")
        self.data_title = _title(data)
        self.curves = {name: growth.plot([0, 30], [1, 1], lw=1.4, label=name, color=color)[0]
                       for name, color in zip(REGRESSION_METRICS, ("C0", "C1", "C2", "C3", "C4"))}
        self.markers = {name: growth.plot([0], [1], "o", ms=5, color=self.curves[name].get_color())[0]
                        for name in REGRESSION_METRICS}
        growth.set_yscale("log")
        growth.set_ylim(0.8, 100)
        growth.set_xlim(0, 30)
        growth.set_xlabel("size of the outlier (added to one target)", fontsize=8, labelpad=1)
        growth.set_ylabel("× its value without the outlier", fontsize=8)
        growth.legend(fontsize=7, frameon=False, loc="upper left", ncol=5)
        self.growth_title = _title(growth)
        for ax in (data, growth):
            ax.tick_params(labelsize=7)
        self.blitter = _Blitter(self.figure, [self.points, self.outlier_point, self.line, self.data_title,
                                              *self.curves.values(), *self.markers.values(), self.growth_title])

    def draw(self, r: OutlierResult) -> bytes:
        self.points.set_data(r.x, r.y_true)
        self.outlier_point.set_data([r.x[OUTLIER_INDEX]], [r.y_true[OUTLIER_INDEX]])
        self.line.set_data(r.x, r.y_pred)
        m = r.metrics
        self.data_title.set_text(f"MSE {m['MSE']:.3g} · RMSE {m['RMSE']:.3g} · MAE {m['MAE']:.3g} · R² {m['R²']:.2f}")
        index = int(np.argmin(np.abs(r.sizes - r.outlier)))
        for name in REGRESSION_METRICS:
            self.curves[name].set_data(r.sizes, r.growth[name])
            self.markers[name].set_data([r.sizes[index]], [r.growth[name][index]])
        self.growth_title.set_text(f"MAPE {m['MAPE']:.3g} · WAPE {m['WAPE']:.3g} (smallest |y| {r.smallest_target:.2g})")
        return self.blitter.png()


def outlier_metrics_explorer(wape: Callable | None = None, *, validate: Validate | None = None, **settings):
    """Sliders for one target's outlier and the level of the targets; the data with the predictions, and how much
    each error metric grows with the outlier. The box carries ``model`` (:class:`OutlierBoard`), ``result``."""
    import ipywidgets as widgets

    model = OutlierBoard(wape=wape, validate=validate, **settings)
    style = {"description_width": "initial"}
    controls = {
        "outlier": widgets.FloatSlider(value=model.outlier, min=0.0, max=30.0, step=0.5,
                                       description="outlier (added to one target)", style=style),
        "level": widgets.FloatSlider(value=model.level, min=-2.0, max=20.0, step=0.5,
                                     description="level of the targets", style=style)}
    rows = [widgets.HBox(list(controls.values()))]
    return assemble(model, controls, rows, picture=_OutlierPicture(), css_class="explorer-outlier-metrics",
                    label="<outlier metrics>", status=lambda r: (html.escape(describe_outliers(r)), r.running))


if __name__ == "__main__":   # a quick look without a browser
    print(describe_board(MetricBoard().compute()))
    print(describe_outliers(OutlierBoard(outlier=10).compute()))
