"""Explorer: non-maximum suppression on a detection scene, with its IoU threshold and a score threshold.

``NMSThresholds`` (the model) holds a scene (a canvas, its objects' boxes, and a detector's raw candidate boxes
with their scores), the two thresholds and the learner's ``nms`` (used once it passes its checks, else the
reference); ``compute()`` returns which candidates are kept, suppressed, or under the score threshold, and how the
kept ones match the objects (hits, duplicates and false alarms, misses). ``nms_explorer`` (the view) draws them.

The default scene is made here (digits on a noisy canvas, candidates jittered around each digit plus a few false
alarms: what a dense detector's output looks like); the lesson passes its own trained detector's candidates.
This module also holds the vectorised references the lesson falls back on (``reference_box_iou``,
``reference_nms``, ``reference_average_precision``) and the digit scenes of the lesson (``make_scene``).
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np

from course.explorers.view import LearnerChecks, Validate, assemble, figure_png, guarded, new_figure

__all__ = ["reference_box_iou", "reference_nms", "reference_average_precision", "make_scene", "default_scene",
           "Scene", "NMSResult", "NMSThresholds", "nms_explorer"]

EXERCISE_KEY = "week10.nms"
DIGIT = 8          # every digit is 8 x 8 pixels


# ----------------------------------------------------------------------------- references (vectorised)


def reference_box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise IoU of boxes (N, 4) and (M, 4) in (x1, y1, x2, y2): (N, M); 0 where the union is empty."""
    a, b = np.asarray(a, dtype=float).reshape(-1, 4), np.asarray(b, dtype=float).reshape(-1, 4)
    wh = np.clip(np.minimum(a[:, None, 2:], b[None, :, 2:]) - np.maximum(a[:, None, :2], b[None, :, :2]), 0, None)
    inter = wh[..., 0] * wh[..., 1]
    union = ((a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1]))[:, None] + ((b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]))[None]
    union = union - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def reference_nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Greedy NMS: indices kept, by descending score (ties: lower index first); IoU > threshold suppresses."""
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    iou = reference_box_iou(boxes, boxes)
    keep = []
    while order.size:
        best, order = order[0], order[1:]
        keep.append(int(best))
        order = order[iou[best, order] <= iou_threshold]
    return np.array(keep, dtype=int)


def reference_average_precision(detections: np.ndarray, ground_truth: np.ndarray, iou_threshold: float = 0.5) -> float:
    """AP of detections (K, 6) = (image, x1, y1, x2, y2, score) against objects (G, 5) = (image, x1, y1, x2, y2):
    greedy matching by descending score to the best unmatched object of the same image (IoU >= threshold), then
    the area under the monotone envelope of the precision-recall curve (all points)."""
    detections = np.asarray(detections, dtype=float).reshape(-1, 6)
    ground_truth = np.asarray(ground_truth, dtype=float).reshape(-1, 5)
    order = np.argsort(-detections[:, 5], kind="stable")
    matched = np.zeros(len(ground_truth), dtype=bool)
    hits = np.zeros(len(order), dtype=bool)
    for rank, k in enumerate(order):
        candidates = np.flatnonzero((ground_truth[:, 0] == detections[k, 0]) & ~matched)
        if candidates.size:
            overlaps = reference_box_iou(detections[k, 1:5], ground_truth[candidates, 1:5])[0]
            best = int(np.argmax(overlaps))
            if overlaps[best] >= iou_threshold:
                matched[candidates[best]] = hits[rank] = True
    if len(ground_truth) == 0:
        return 0.0
    true_positives = np.cumsum(hits)
    precision = true_positives / np.arange(1, len(hits) + 1)
    recall = true_positives / len(ground_truth)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    return float(np.sum(np.diff(np.concatenate([[0.0], recall])) * envelope))


# ----------------------------------------------------------------------------- scenes


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits
    data = load_digits()
    return data.images / 16.0, data.target


def make_scene(rng: np.random.Generator, size: int = 40, objects: tuple[int, int] = (2, 4), noise: float = 0.1,
               pool: np.ndarray | None = None, clean: bool = False) -> tuple[np.ndarray, ...]:
    """A size x size canvas with 2 to 4 of scikit-learn's 8x8 digits (from the rows ``pool``, default all; pixels
    0..1) at random places that do not overlap, plus Gaussian pixel noise. Returns (canvas, boxes (n, 4) xyxy,
    labels (n,)), and the canvas before the noise as a fourth item when ``clean``."""
    images, targets = _digits()
    rows = np.arange(len(images)) if pool is None else np.asarray(pool)
    canvas = np.zeros((size, size))
    boxes, labels = [], []
    for _ in range(int(rng.integers(objects[0], objects[1] + 1))):
        for _attempt in range(50):
            x, y = (int(v) for v in rng.integers(0, size - DIGIT + 1, size=2))
            box = np.array([x, y, x + DIGIT, y + DIGIT], dtype=float)
            if not boxes or reference_box_iou(box, np.array(boxes)).max() == 0:
                break
        else:
            continue
        row = int(rng.choice(rows))
        canvas[y:y + DIGIT, x:x + DIGIT] = np.maximum(canvas[y:y + DIGIT, x:x + DIGIT], images[row])
        boxes.append(box)
        labels.append(int(targets[row]))
    noisy = canvas + noise * rng.standard_normal(canvas.shape)
    found = (noisy, np.array(boxes).reshape(-1, 4), np.array(labels, dtype=int))
    return found + (canvas,) if clean else found


@dataclass(frozen=True, eq=False)
class Scene:
    canvas: np.ndarray        # (H, W)
    objects: np.ndarray       # (G, 4) the digits' boxes
    boxes: np.ndarray         # (K, 4) the detector's candidate boxes
    scores: np.ndarray        # (K,)


@lru_cache(maxsize=1)
def default_scene() -> Scene:
    """Four digits and what a dense detector says about them: 6 to 12 candidates around each digit (shifted by up
    to 2 pixels, scores highest at the right place), and 12 weaker false alarms in the background."""
    rng = np.random.default_rng(10)
    canvas, objects, _ = make_scene(rng, size=48, objects=(4, 4))
    boxes, scores = [], []
    for box in objects:
        strength = rng.uniform(0.75, 0.98)
        for _ in range(int(rng.integers(6, 13))):
            shift = rng.integers(-2, 3, size=2)
            boxes.append(box + np.tile(shift, 2))
            scores.append(strength * np.exp(-0.25 * float(shift @ shift)) * rng.uniform(0.9, 1.0))
    for _ in range(12):
        x, y = rng.integers(0, 48 - DIGIT + 1, size=2)
        boxes.append(np.array([x, y, x + DIGIT, y + DIGIT], dtype=float))
        scores.append(rng.uniform(0.05, 0.5))
    return Scene(canvas, objects, np.array(boxes, dtype=float), np.round(np.array(scores), 3))


# ----------------------------------------------------------------------------- the model


@dataclass(frozen=True, eq=False)
class NMSResult:
    iou_threshold: float
    score_threshold: float
    scene: Scene
    kept: np.ndarray            # indices into scene.boxes, by descending score
    suppressed: np.ndarray      # above the score threshold, removed by NMS
    below: np.ndarray           # under the score threshold (never reach NMS)
    hits: int                   # kept boxes that find an object not found by a higher-scoring kept box (IoU >= 0.5)
    false_alarms: int           # kept boxes that find nothing new (duplicates or background)
    missed: int                 # objects no kept box finds
    implementation: str         # "yours" | "reference"
    running: str


@dataclass
class NMSThresholds:
    """All the explorer's state. ``nms`` is the learner's function (Exercise 2)."""
    iou_threshold: float = 0.5
    score_threshold: float = 0.3
    nms: Callable | None = None
    validate: Validate | None = None
    scene: Scene | None = None
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def _who(self) -> tuple[Callable, str, str]:
        function, why = self._checks.usable(EXERCISE_KEY, self.nms, self.validate)
        if function is not None:
            return guarded(EXERCISE_KEY, function), "yours", "suppression: your nms"
        return reference_nms, "reference", "suppression: the reference nms" + (why and f" (your nms {why})")

    def compute(self) -> NMSResult:
        return self._checks.compute(self._compute)

    def _compute(self) -> NMSResult:
        nms, implementation, running = self._who()
        scene = self.scene or default_scene()
        above = np.flatnonzero(scene.scores >= self.score_threshold)
        kept_local = np.asarray(nms(scene.boxes[above], scene.scores[above], float(self.iou_threshold)), dtype=int)
        kept = above[kept_local] if above.size else np.zeros(0, dtype=int)
        suppressed = np.setdiff1d(above, kept)
        below = np.flatnonzero(scene.scores < self.score_threshold)
        found = np.zeros(len(scene.objects), dtype=bool)
        hits = 0
        if len(kept) and len(scene.objects):
            overlaps = reference_box_iou(scene.boxes[kept], scene.objects)
            for row in overlaps:                         # kept is in descending score order
                free = np.where(found, -1.0, row)
                best = int(np.argmax(free))
                if free[best] >= 0.5:
                    found[best] = True
                    hits += 1
        return NMSResult(float(self.iou_threshold), float(self.score_threshold), scene, kept, suppressed, below,
                         hits, len(kept) - hits, int((~found).sum()), implementation, running)


def describe(r: NMSResult) -> str:
    return (f"{len(r.kept)} kept, {len(r.suppressed)} suppressed, {len(r.below)} under the score threshold · "
            f"{r.hits} of {len(r.scene.objects)} digits found, {r.false_alarms} false alarm"
            f"{'s' * (r.false_alarms != 1)} (duplicates or background), {r.missed} missed")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (6.4, 4.6), 80


def nms_explorer(nms: Callable | None = None, *, scene: Scene | None = None, iou_threshold: float = 0.5,
                 score_threshold: float = 0.3, validate: Validate | None = None):
    """Two sliders (IoU threshold, score threshold); the scene with kept (green), suppressed (red dashed) and
    under-threshold (grey dotted) boxes. The box carries ``model`` (:class:`NMSThresholds`), ``result``,
    ``controls``, ``output``, ``status`` and ``last_update``."""
    import ipywidgets as widgets

    model = NMSThresholds(iou_threshold=iou_threshold, score_threshold=score_threshold, nms=nms, validate=validate,
                          scene=scene)
    controls = {
        "iou_threshold": widgets.FloatSlider(value=iou_threshold, min=0.05, max=0.95, step=0.05,
                                             description="IoU threshold", continuous_update=True,
                                             style={"description_width": "initial"}),
        "score_threshold": widgets.FloatSlider(value=score_threshold, min=0.0, max=0.95, step=0.05,
                                               description="score threshold", continuous_update=True,
                                               style={"description_width": "initial"})}
    return assemble(model, controls, [widgets.HBox(list(controls.values()))], picture=_Picture(),
                    css_class="explorer-nms", label="<non-maximum suppression>",
                    status=lambda r: (html.escape(describe(r)), r.running))


def _outlines(boxes: np.ndarray) -> list[np.ndarray]:
    """Each box as a closed rectangle of pixel edges (imshow puts pixel centres at integers)."""
    return [np.array([[x1, y1], [x2, y1], [x2, y2], [x1, y2], [x1, y1]]) - 0.5 for x1, y1, x2, y2 in boxes]


class _Picture:
    def __init__(self) -> None:
        from matplotlib.collections import LineCollection

        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.ax = self.figure.add_axes([0.02, 0.02, 0.96, 0.9])
        self.ax.set_axis_off()
        self.image = None
        self.below = LineCollection([], colors="0.6", linewidths=0.8, linestyles=":")
        self.suppressed = LineCollection([], colors="C3", linewidths=1.0, linestyles="--", alpha=0.8)
        self.kept = LineCollection([], colors="C2", linewidths=2.2)
        for collection in (self.below, self.suppressed, self.kept):
            self.ax.add_collection(collection)
        self.labels = []

    def draw(self, r: NMSResult) -> bytes:
        scene = r.scene
        if self.image is None or self.image.get_array().shape != scene.canvas.shape:
            self.image = self.ax.imshow(scene.canvas, cmap="gray_r", vmin=-0.2, vmax=1.0, interpolation="nearest")
        self.below.set_segments(_outlines(scene.boxes[r.below]))
        self.suppressed.set_segments(_outlines(scene.boxes[r.suppressed]))
        self.kept.set_segments(_outlines(scene.boxes[r.kept]))
        for label in self.labels:
            label.remove()
        self.labels = [self.ax.text(scene.boxes[k, 0] - 0.5, scene.boxes[k, 1] - 0.7, f"{scene.scores[k]:.2f}",
                                    color="C2", fontsize=8, fontweight="bold") for k in r.kept[:20]]
        self.ax.set_title(f"IoU threshold {r.iou_threshold:.2f}, score threshold {r.score_threshold:.2f}: "
                          "kept (green), suppressed (red), under the score threshold (grey)", fontsize=8)
        return figure_png(self.figure)
