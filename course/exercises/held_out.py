"""Held-out challenges: the learner trains a model; the grader scores its predictions on data it alone labels.

A :class:`Challenge` is the oracle of a model-quality question. ``make_test`` (trusted side) draws the test
inputs and their labels for one seed; only the inputs cross into the sandbox, where ``call`` runs the learner's
``predict`` on them; ``score`` (trusted side again) compares the predictions with the labels, and
``thresholds`` turn the score into points (partial credit). The grader's seed is the submission's, so each
student gets their own draw of the held-out rows and their own small perturbation of them.

Entry points, next to ``check``/``grade`` in :mod:`course.exercises`:
- :func:`validation_report` is for learners: their own validation split, the points that score would earn;
- :func:`score_held_out` is what a hidden test cell calls. Under the trusted grader the planner replaces the
  call (labels never enter the sandbox); under stock nbgrader it runs in the notebook's process and returns the
  points as the cell's value, which nbgrader reads as partial credit.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from course.checks import CheckFailure

Case = dict


@dataclass(frozen=True)
class Challenge:
    key: str                                            # "week04.tumour_challenge"
    function: str                                       # the learner's function: "predict"
    make_test: Callable[[np.random.Generator], tuple[Case, np.ndarray]]   # (sandbox inputs, labels kept here)
    score: Callable[[Any, np.ndarray], float]           # (predictions, labels) -> the metric; CheckFailure if unusable
    metric: str                                         # "accuracy", in words
    thresholds: tuple[tuple[float, float], ...]         # (metric at least, points), best first
    describe: Callable[[Case], str]                     # "200 held-out digits", for messages
    call: Callable[[Callable, Case], Any] = lambda function, case: function(case["X"])
    inputs: tuple[str, ...] = ("X",)                    # entries the learner's function must leave unchanged

    def __post_init__(self):
        floors = [floor for floor, _ in self.thresholds]
        points = [points for _, points in self.thresholds]
        if not self.thresholds or floors != sorted(floors, reverse=True) or points != sorted(points, reverse=True):
            raise ValueError(f"{self.key}: thresholds must be (metric at least, points) pairs, best first")

    def inputs_of(self, case: Case) -> list[str]:
        return [name for name in self.inputs if name in case]

    @property
    def max_points(self) -> float:
        return float(self.thresholds[0][1])

    def points(self, value: float) -> float:
        """The points a metric value earns: those of the highest threshold it reaches, else 0."""
        return next((float(points) for floor, points in self.thresholds if value >= floor), 0.0)

    def verdict(self, value: float, n: int, case: Case) -> str:
        """What the learner reads: their score, the points and every threshold; never a label."""
        earned = self.points(value)
        scale = ", ".join(f"≥ {floor:g} → {points:g}" for floor, points in self.thresholds)
        mark = "✓" if earned == self.max_points else "◐" if earned else "✗"
        return (f"{mark} {self.metric} {value:.4f} on {self.describe(case)}: {earned:g} of {self.max_points:g} "
                f"points (thresholds: {scale})")


def label_predictions(predictions: Any, n: int, function: str, allowed: np.ndarray | None = None) -> np.ndarray:
    """The predictions as a vector of n labels, or a CheckFailure that says what is wrong with them."""
    try:
        array = np.asarray(predictions)
    except Exception as error:
        raise CheckFailure(f"{function} returned something that is not an array of labels ({error}).") from None
    if array.ndim == 2 and array.shape[0] == n and array.shape[1] > 1:
        raise CheckFailure(f"{function} returned an array of shape {array.shape}: scores per class, it seems. "
                           "Return one label per row (take the argmax over the classes).")
    array = array.reshape(-1) if array.ndim == 2 and 1 in array.shape else array
    if array.shape != (n,):
        raise CheckFailure(f"{function} returned shape {array.shape}; one label per input row, shape ({n},), "
                           "was expected.")
    if array.dtype.kind not in "iub" and not (array.dtype.kind == "f" and np.all(array == np.round(array))):
        raise CheckFailure(f"{function} returned values of type {array.dtype} that are not whole labels.")
    if allowed is not None and not np.isin(array, allowed).all():
        raise CheckFailure(f"{function} returned labels outside {sorted(np.asarray(allowed).tolist())}.")
    return array.astype(int)


def accuracy(labels: np.ndarray) -> Callable[[Any, np.ndarray], float]:
    """A score function: the share of correct labels (the predictions checked first)."""
    def score(predictions: Any, truth: np.ndarray, function: str = "predict") -> float:
        return float(np.mean(label_predictions(predictions, len(truth), function, labels) == truth))
    return score
