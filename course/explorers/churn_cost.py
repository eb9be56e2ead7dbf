"""Explorer (projects notebook): the churn model's decision threshold priced in money.

The model (:class:`ChurnCostStudy`) holds a classifier's scores on held-out customers and their labels; for the
costs of the two errors (a needless retention offer, a false positive; a customer lost without an offer, a false
negative) it computes the total cost of every threshold, the cheapest one, and at the threshold on the slider the
confusion matrix, precision and recall. The cheapest threshold comes from the learner's
``cost_optimal_threshold`` once it passes its checks (``LearnerChecks``), from a reference until then. The view
(:func:`churn_cost_explorer`) only maps sliders to fields and draws.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course.explorers.view import LearnerChecks, Validate, assemble, figure_png, guarded, new_figure

__all__ = ["ChurnCostStudy", "ChurnCostResult", "churn_cost_explorer", "cost_curve", "reference_cost_optimal_threshold",
           "default_scores"]

KEY = "projects.cost_optimal_threshold"


def cost_curve(scores: np.ndarray, y: np.ndarray, cost_fp: float, cost_fn: float):
    """(candidate thresholds ascending, ending with +inf; total cost of flagging score ≥ t for each)."""
    scores, y = np.asarray(scores, float), np.asarray(y).astype(int)
    thresholds = np.r_[np.unique(scores), np.inf]
    positives = np.sort(scores[y == 1])
    negatives = np.sort(scores[y == 0])
    fp = len(negatives) - np.searchsorted(negatives, thresholds, side="left")     # negatives with score ≥ t
    fn = np.searchsorted(positives, thresholds, side="left")                      # positives with score < t
    return thresholds, cost_fp * fp + cost_fn * fn


def reference_cost_optimal_threshold(scores, y, cost_fp, cost_fn):
    """(threshold, total cost): the cheapest threshold, ties to the largest (vectorised; brute force agrees)."""
    thresholds, costs = cost_curve(scores, y, cost_fp, cost_fn)
    best = np.flatnonzero(costs <= costs.min() + 1e-9)[-1]
    return float(thresholds[best]), float(costs[best])


def default_scores(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Scores of a logistic regression on generated churn customers (for the explorer without a notebook)."""
    from course.projects_data import churn_customers, churn_logit
    frame = churn_customers(1500, seed=seed + 777)
    rng = np.random.default_rng(seed)
    scores = 1 / (1 + np.exp(-(churn_logit(frame) + rng.normal(0, 0.3, len(frame)))))
    return np.round(scores, 3), frame["churned"].to_numpy()


@dataclass(frozen=True, eq=False)
class ChurnCostResult:
    thresholds: np.ndarray          # candidates, ascending, +inf last
    costs: np.ndarray               # total cost of each
    best_threshold: float
    best_cost: float
    threshold: float                # the slider's
    cost: float                     # at the slider's threshold
    confusion: np.ndarray           # [[TN, FP], [FN, TP]] at the slider's threshold
    precision: float
    recall: float
    flagged: int
    break_even: float               # cost_fp / (cost_fp + cost_fn): the threshold for calibrated probabilities
    running: str                    # whose cost_optimal_threshold found the best threshold


@dataclass
class ChurnCostStudy:
    scores: np.ndarray | None = None
    y: np.ndarray | None = None
    cost_fp: float = 20.0           # a needless offer
    cost_fn: float = 200.0          # a customer lost
    threshold: float = 0.5
    cost_optimal_threshold: Callable | None = None
    validate: Validate | None = None
    checks: LearnerChecks = field(default_factory=LearnerChecks, repr=False)

    def __post_init__(self) -> None:
        if self.scores is None or self.y is None:
            self.scores, self.y = default_scores()
        self.scores, self.y = np.asarray(self.scores, float), np.asarray(self.y).astype(int)

    def compute(self) -> ChurnCostResult:
        return self.checks.compute(self._compute)

    def _compute(self) -> ChurnCostResult:
        fp_cost, fn_cost = float(self.cost_fp), float(self.cost_fn)
        thresholds, costs = cost_curve(self.scores, self.y, fp_cost, fn_cost)
        mine, why = self.checks.usable(KEY, self.cost_optimal_threshold, self.validate)
        finder = guarded(KEY, mine) if mine is not None else reference_cost_optimal_threshold
        best_t, best_c = finder(self.scores, self.y, fp_cost, fn_cost)
        t = float(self.threshold)
        flagged = self.scores >= t
        tp = int(np.sum(flagged & (self.y == 1)))
        fp = int(np.sum(flagged & (self.y == 0)))
        fn = int(np.sum(~flagged & (self.y == 1)))
        tn = len(self.y) - tp - fp - fn
        running = ("cheapest threshold: " + ("your cost_optimal_threshold" if mine is not None else "the reference")
                   + (f" (yours {why})" if why else ""))
        return ChurnCostResult(thresholds, costs, float(best_t), float(best_c), t, fp_cost * fp + fn_cost * fn,
                               np.array([[tn, fp], [fn, tp]]), tp / max(tp + fp, 1), tp / max(tp + fn, 1),
                               tp + fp, fp_cost / max(fp_cost + fn_cost, 1e-12), running)


def describe(r: ChurnCostResult) -> str:
    return (f"threshold {r.threshold:.2f}: {r.flagged} customers get the offer, precision {r.precision:.2f}, "
            f"recall {r.recall:.2f}, total cost €{r.cost:,.0f}; cheapest: threshold {r.best_threshold:.3f} "
            f"(€{r.best_cost:,.0f}); break-even probability cost_fp / (cost_fp + cost_fn) = {r.break_even:.3f}")


FIGURE_INCHES, FIGURE_DPI = (8.4, 3.0), 72


class _Picture:
    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.ax, self.cm_ax = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.8, 1]})
        self.figure.subplots_adjust(left=0.09, right=0.97, top=0.88, bottom=0.16, wspace=0.35)
        ax = self.ax
        self.curve, = ax.plot([0, 1], [0, 1], "-", color="C0", lw=1.5, label="total cost of score ≥ t")
        self.best = ax.axvline(0.5, color="C2", ls="--", lw=1.2, label="cheapest threshold")
        self.even = ax.axvline(0.5, color="0.6", ls=":", lw=1.2, label="cost_fp / (cost_fp + cost_fn)")
        self.marker, = ax.plot([0.5], [0], "o", color="C3", label="your threshold")
        ax.set_xlim(0, 1)
        from matplotlib.ticker import FixedLocator, MaxNLocator
        ax.xaxis.set_major_locator(FixedLocator([0, 0.2, 0.4, 0.6, 0.8, 1.0]))
        ax.yaxis.set_major_locator(MaxNLocator(4))
        ax.set_xlabel("threshold t on the churn score")
        ax.set_ylabel("total cost (€)")
        ax.legend(fontsize=7, loc="lower right", frameon=False)
        self.title = ax.set_title("", fontsize=9)
        cm = self.cm_ax
        self.image = cm.imshow(np.zeros((2, 2)), cmap="Blues", vmin=0, vmax=1)
        self.cells = [[cm.text(j, i, "", ha="center", va="center", fontsize=10) for j in range(2)] for i in range(2)]
        cm.set_xticks([0, 1], ["no offer", "offer"])
        cm.set_yticks([0, 1], ["stays", "leaves"])
        cm.set_title("confusion matrix at your threshold", fontsize=9)

    def draw(self, r: ChurnCostResult) -> bytes:
        finite = np.isfinite(r.thresholds)
        xs = np.r_[r.thresholds[finite], 1.0]
        self.curve.set_data(xs, r.costs)
        self.ax.set_ylim(0, float(r.costs.max()) * 1.08 + 1)
        best = min(r.best_threshold, 1.0)
        self.best.set_xdata([best, best])
        self.even.set_xdata([r.break_even, r.break_even])
        self.marker.set_data([min(r.threshold, 1.0)], [r.cost])
        self.title.set_text(f"cost €{r.cost:,.0f} at t = {r.threshold:.2f}; cheapest €{r.best_cost:,.0f} "
                            f"at t = {r.best_threshold:.3f}")
        self.image.set_data(r.confusion / max(r.confusion.max(), 1))
        names = [["TN", "FP"], ["FN", "TP"]]
        for i in range(2):
            for j in range(2):
                self.cells[i][j].set_text(f"{names[i][j]} {r.confusion[i, j]}")
                self.cells[i][j].set_color("white" if r.confusion[i, j] > 0.6 * r.confusion.max() else "black")
        return figure_png(self.figure)


def churn_cost_explorer(scores=None, y=None, cost_optimal_threshold: Callable | None = None, *,
                        validate: Validate | None = None, **settings):
    """Sliders for the cost of a needless offer, the cost of a lost customer and the threshold; left, the total
    cost of every threshold with the cheapest marked; right, the confusion matrix at the slider's threshold."""
    import ipywidgets as widgets

    model = ChurnCostStudy(scores=scores, y=y, cost_optimal_threshold=cost_optimal_threshold, validate=validate,
                           **settings)
    style = {"description_width": "initial"}
    controls = {
        "cost_fp": widgets.FloatSlider(value=model.cost_fp, min=0.0, max=200.0, step=5.0,
                                       description="needless offer (FP) €", style=style),
        "cost_fn": widgets.FloatSlider(value=model.cost_fn, min=0.0, max=1000.0, step=10.0,
                                       description="lost customer (FN) €", style=style),
        "threshold": widgets.FloatSlider(value=model.threshold, min=0.0, max=1.0, step=0.01,
                                         description="threshold", style=style)}
    rows = [widgets.HBox([controls["cost_fp"], controls["cost_fn"]]), widgets.HBox([controls["threshold"]])]
    return assemble(model, controls, rows, picture=_Picture(), css_class="explorer-churn-cost", label="<churn cost>",
                    status=lambda r: (html.escape(describe(r)), r.running))


if __name__ == "__main__":
    print(describe(ChurnCostStudy().compute()))
