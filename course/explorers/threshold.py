"""Explorer: a decision threshold on a classifier's scores, and what it does to the confusion matrix,
precision, recall and the operating point on the ROC and precision-recall curves.

The model (``ThresholdStudy``) makes scores for two classes (the separation and the share of positives are
controls), and for a threshold computes the confusion matrix, the metrics and both curves.  The scores are a
classifier's scores in (0, 1), higher for positives on average; they are not calibrated probabilities.

Each class's scores come from that class's own fixed noise, so changing the share of positives changes how many
scores each class has, never which class a score belongs to.  They are a stratified sample of the class's score
distribution (one draw in each of k equally likely bands for k examples), so the histograms look like data, and
the ROC-AUC, a property of the two distributions, stays within 0.003 of its true value
Φ(separation / √2) at every share (the test checks it on a grid of settings).  The view
(``threshold_explorer``) only maps sliders to fields and draws.  The metrics come from the learner's
``classification_metrics`` and ``roc_auc`` once they pass their checks, from scikit-learn until then.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course.explorers.view import KeyedValidate, LearnerChecks, assemble, figure_png, guarded, new_figure

__all__ = ["roc_points", "ThresholdPicture", "ThresholdStudy", "threshold_explorer"]

Validate = Callable[[str, Callable], tuple[bool, str]]


def roc_points(y_true: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(false positive rates, true positive rates, thresholds), one point per distinct score, from (0, 0).

    Lowering the threshold past a score moves every example with that score to 'positive' at once.
    """
    order = np.argsort(-scores, kind="stable")
    scores, y_true = scores[order], y_true[order]
    last_of_group = np.r_[np.flatnonzero(np.diff(scores)), len(scores) - 1]
    tp = np.cumsum(y_true)[last_of_group]
    fp = (last_of_group + 1) - tp
    return (np.r_[0.0, fp / max(fp[-1], 1)], np.r_[0.0, tp / max(tp[-1], 1)], np.r_[np.inf, scores[last_of_group]])


def _sklearn_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    from sklearn import metrics
    return {"accuracy": metrics.accuracy_score(y_true, y_pred),
            "precision": metrics.precision_score(y_true, y_pred, zero_division=0),
            "recall": metrics.recall_score(y_true, y_pred, zero_division=0),
            "f1": metrics.f1_score(y_true, y_pred, zero_division=0)}


def _sklearn_auc(y_true: np.ndarray, scores: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score
    return float(roc_auc_score(y_true, scores))


@dataclass(frozen=True, eq=False)
class ThresholdPicture:
    """What one update draws."""
    threshold: float
    scores: np.ndarray           # (n,) the classifier's scores in (0, 1), positives first (not probabilities)
    y_true: np.ndarray           # (n,) 0/1
    confusion: np.ndarray        # [[TN, FP], [FN, TP]]
    metrics: dict                # accuracy, precision, recall, f1
    false_positive_rate: float
    roc_fpr: np.ndarray
    roc_tpr: np.ndarray
    auc: float
    pr_recall: np.ndarray
    pr_precision: np.ndarray
    running: str


@dataclass
class ThresholdStudy:
    """All the explorer's state.  Scores are sigmoid(z) with z ~ N(±separation/2, 1) for the two classes.

    ``_uniforms`` holds one fixed uniform per example and class; with k examples of a class, example i has
    z = ±separation/2 + Φ⁻¹((i + u_i) / k).
    """
    threshold: float = 0.5
    separation: float = 2.0
    positive_share: float = 0.2
    classification_metrics: Callable | None = None
    roc_auc: Callable | None = None
    validate: Validate | None = None
    n: int = 1000
    seed: int = 0
    _uniforms: dict = field(default=None, init=False, repr=False)
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)
    _curves: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)   # drawn once, per class: sliders never reshuffle or relabel
        self._uniforms = {1: rng.random(self.n), 0: rng.random(self.n)}

    def class_noise(self, label: int, count: int) -> np.ndarray:
        """Standard normal noise for ``count`` examples of class ``label``: a stratified sample of N(0, 1)."""
        from scipy.special import ndtri
        return ndtri((np.arange(count) + self._uniforms[label][:count]) / count)

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """(y_true, scores): positives first, then negatives."""
        n_positive = int(round(self.positive_share * self.n))
        y_true = (np.arange(self.n) < n_positive).astype(np.int64)
        z = np.concatenate([self.separation / 2 + self.class_noise(1, n_positive),
                            -self.separation / 2 + self.class_noise(0, self.n - n_positive)])
        return y_true, 1.0 / (1.0 + np.exp(-z))

    def _usable(self, key: str, function: Callable | None) -> tuple[Callable | None, str]:
        """The learner's function if it passes its checks (checked once), else None and why not."""
        validate = None if self.validate is None else KeyedValidate(self.validate, key)
        return self._checks.usable(key, function, validate)

    def running(self) -> str:
        parts = []
        for key, function in (("week03.classification_metrics", self.classification_metrics),
                              ("week03.roc_auc", self.roc_auc)):
            name = key.split(".")[1]
            usable, why = self._usable(key, function)
            if usable is not None:
                parts.append(f"your {name}")
            else:
                parts.append(f"scikit-learn's {name}" + (why and f" (yours {why})"))
        return "running: " + "; ".join(parts)

    def compute(self) -> ThresholdPicture:
        """The picture for the current settings; a learner's function that fails here is replaced, saying why."""
        return self._checks.compute(self._compute)

    def _compute(self) -> ThresholdPicture:
        y_true, scores = self.data()
        y_pred = (scores >= self.threshold).astype(np.int64)
        tp, fp = int(np.sum((y_pred == 1) & (y_true == 1))), int(np.sum((y_pred == 1) & (y_true == 0)))
        fn, tn = int(np.sum((y_pred == 0) & (y_true == 1))), int(np.sum((y_pred == 0) & (y_true == 0)))
        classification_metrics, _ = self._usable("week03.classification_metrics", self.classification_metrics)
        metrics = (_sklearn_metrics if classification_metrics is None
                   else guarded("week03.classification_metrics", classification_metrics))(y_true, y_pred)
        roc_auc, _ = self._usable("week03.roc_auc", self.roc_auc)
        key = (self.separation, self.positive_share, roc_auc)
        if key not in self._curves:   # the curves do not depend on the threshold: computed once per data set
            fpr, tpr, thresholds = roc_points(y_true, scores)
            auc = float((_sklearn_auc if roc_auc is None else guarded("week03.roc_auc", roc_auc))(y_true, scores))
            n_positive, n_negative = y_true.sum(), len(y_true) - y_true.sum()
            predicted_positive = fpr * n_negative + tpr * n_positive
            precision = np.divide(tpr * n_positive, predicted_positive, out=np.ones_like(tpr),
                                  where=predicted_positive > 0)   # nothing predicted positive yet: 1 by convention
            self._curves = {key: (fpr, tpr, auc, tpr, precision)}
        fpr, tpr, auc, pr_recall, pr_precision = self._curves[key]
        return ThresholdPicture(
            threshold=float(self.threshold), scores=scores, y_true=y_true,
            confusion=np.array([[tn, fp], [fn, tp]]), metrics={k: float(v) for k, v in metrics.items()},
            false_positive_rate=fp / max(fp + tn, 1), roc_fpr=fpr, roc_tpr=tpr, auc=auc, pr_recall=pr_recall,
            pr_precision=pr_precision, running=self.running())


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (12.0, 3.6), 80


def threshold_explorer(classification_metrics: Callable | None = None, roc_auc: Callable | None = None, *,
                       validate: Validate | None = None):
    """Threshold, separation and class-balance sliders, a picture and a status line, in a ``VBox``.

    The box carries ``model`` (:class:`ThresholdStudy`), ``result``, ``controls`` ("threshold", "separation",
    "positive_share"), ``output``, ``status`` and ``last_update`` (milliseconds).
    """
    import ipywidgets as widgets

    model = ThresholdStudy(classification_metrics=classification_metrics, roc_auc=roc_auc, validate=validate)
    style = {"description_width": "initial"}
    controls = {
        "threshold": widgets.FloatSlider(value=model.threshold, min=0.01, max=0.99, step=0.01,
                                         description="threshold", style=style),
        "separation": widgets.FloatSlider(value=model.separation, min=0.0, max=5.0, step=0.25,
                                          description="class separation", style=style),
        "positive_share": widgets.FloatSlider(value=model.positive_share, min=0.02, max=0.5, step=0.02,
                                              description="share of positives", style=style),
    }
    def status(result: ThresholdPicture) -> tuple[str, str]:
        m = result.metrics
        return (f"threshold {result.threshold:.2f}: accuracy {m['accuracy']:.3f}, precision {m['precision']:.3f}, "
                f"recall {m['recall']:.3f}, F1 {m['f1']:.3f}, false positive rate "
                f"{result.false_positive_rate:.3f}; ROC-AUC {result.auc:.3f} (the same at every threshold) · "
                f"{html.escape(result.running)}"), ""

    return assemble(model, controls, [widgets.HBox(list(controls.values()))], picture=_Picture(),
                    css_class="explorer-threshold", label="<threshold>", status=status)


class _Picture:
    """One figure for the explorer's lifetime; artists are made once and only their data change."""

    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.figure.subplots_adjust(left=0.05, right=0.99, bottom=0.15, top=0.88, wspace=0.3)
        histogram, matrix, roc, pr = self.axes = self.figure.subplots(1, 4, gridspec_kw={"width_ratios":
                                                                                        [1.4, 0.8, 1, 1]})
        self.bins = np.linspace(0, 1, 41)
        self.stairs = [histogram.stairs(np.zeros(40), self.bins, fill=True, color=colour, alpha=0.6, label=name)
                       for colour, name in (("C0", "negatives"), ("C3", "positives"))]
        self.threshold_line = histogram.axvline(0.5, color="k", lw=1.5)
        histogram.set_xlim(0, 1)
        histogram.set_xlabel("classifier score (not a calibrated probability)")
        histogram.set_title("scores; right of the line is predicted positive", fontsize=10)
        histogram.legend(fontsize=8)

        self.matrix_image = matrix.imshow(np.zeros((2, 2)), cmap="Blues", vmin=0, vmax=1)
        self.cells = {(i, j): matrix.text(j, i, "", ha="center", va="center", fontsize=10)
                      for i in range(2) for j in range(2)}
        matrix.set_xticks([0, 1], ["pred 0", "pred 1"])
        matrix.set_yticks([0, 1], ["true 0", "true 1"])
        matrix.set_title("confusion matrix", fontsize=10)

        (self.roc_line,) = roc.plot([], [], color="C2")
        roc.plot([0, 1], [0, 1], ":", color="grey")
        (self.roc_point,) = roc.plot([], [], "ko", ms=7)
        roc.set_xlim(-0.02, 1.02)
        roc.set_ylim(-0.02, 1.02)
        roc.set_xlabel("false positive rate")
        roc.set_ylabel("true positive rate (recall)")

        (self.pr_line,) = pr.plot([], [], color="C1")
        self.base_rate = pr.axhline(0.5, ls=":", color="grey")
        (self.pr_point,) = pr.plot([], [], "ko", ms=7)
        pr.set_xlim(-0.02, 1.02)
        pr.set_ylim(0, 1.02)
        pr.set_xlabel("recall")
        pr.set_ylabel("precision")
        pr.set_title("precision-recall curve", fontsize=10)

    def draw(self, result: ThresholdPicture) -> bytes:
        histogram, matrix, roc, pr = self.axes
        tallest = 1
        for stairs, label in zip(self.stairs, (0, 1)):
            counts, _ = np.histogram(result.scores[result.y_true == label], bins=self.bins)
            stairs.set_data(counts)
            tallest = max(tallest, counts.max())
        histogram.set_ylim(0, tallest * 1.05)
        self.threshold_line.set_xdata([result.threshold] * 2)

        self.matrix_image.set_data(result.confusion)
        self.matrix_image.set_clim(0, max(result.confusion.max(), 1))
        for (i, j), text in self.cells.items():
            count = result.confusion[i, j]
            text.set_text(f"{[['TN', 'FP'], ['FN', 'TP']][i][j]}\n{count}")
            text.set_color("white" if count > result.confusion.max() / 2 else "black")

        self.roc_line.set_data(result.roc_fpr, result.roc_tpr)
        self.roc_point.set_data([result.false_positive_rate], [result.metrics["recall"]])
        roc.set_title(f"ROC curve, AUC = {result.auc:.3f}", fontsize=10)
        self.pr_line.set_data(result.pr_recall, result.pr_precision)
        self.base_rate.set_ydata([result.y_true.mean()] * 2)
        self.pr_point.set_data([result.metrics["recall"]], [result.metrics["precision"]])
        return figure_png(self.figure)

