"""Week 10 (deep learning III: detection, language, generative models): the graded functions, inputs, references.

References: brute-force loops written here for the detection functions (IoU box by box, greedy NMS one box at a
time, average precision from its definition with the matching done by hand), torch autograd for the
negative-sampling gradients, exhaustive search over every sequence for beam search (when the beam is wide enough)
and an independent beam search otherwise, ``torch.distributions.kl_divergence`` for the Gaussian KL, properties
and autograd for the reparameterisation, the formulas of Ho et al. (2020) and Nichol & Dhariwal (2021) for the
noise schedules, and the one-step forward process iterated t times for ``q_sample``.

Each comparison first checks the shapes, then, when the values are off, tries the mistakes learners make most
(a +1 in the box areas, a suppressed box suppressing others, no precision envelope, the centre word as its own
context, log-variance read as a log standard deviation...) and names the one that fits.
"""
from __future__ import annotations

import itertools
import math
from typing import Any, Callable

import numpy as np
import torch

from course.checks import CheckFailure, diagnose
from course.exercises import Case, Exercise, register
from course.exercises.torch_oracle import ATOL, RTOL  # noqa: F401 (shared tolerances)
from course.exercises.torch_oracle import (as_array as _np, as_tensor as _t, judge as _judge,
                                           matches as _matches, parts as _parts)

# Every `call` passes the case's arrays as they are: run_case gives it working copies and the grader checks
# that they come back unchanged (a .copy() here would hide a function that overwrites its input).


# ----------------------------------------------------------------------------- boxes


def _random_boxes(rng: np.random.Generator, n: int, integer: bool = False, size: float = 10.0) -> np.ndarray:
    """n boxes (x1, y1, x2, y2) on a canvas of about 3 * size: overlapping, disjoint and touching ones."""
    if integer:
        corner = rng.integers(0, 12, size=(n, 2)).astype(float)
        extent = rng.integers(1, 7, size=(n, 2)).astype(float)
    else:
        corner = rng.uniform(0, 2 * size, size=(n, 2))
        extent = rng.uniform(0.5, size, size=(n, 2))
    return np.concatenate([corner, corner + extent], axis=1)


def iou_brute_force(a: np.ndarray, b: np.ndarray, plus_one: bool = False, clamp: bool = True,
                    subtract: bool = True) -> np.ndarray:
    """Box by box, from the definition: |A ∩ B| / |A ∪ B|, 0 when the union is empty (two empty boxes)."""
    out = np.zeros((len(a), len(b)))
    extra = 1.0 if plus_one else 0.0
    for i, (ax1, ay1, ax2, ay2) in enumerate(np.asarray(a, float)):
        for j, (bx1, by1, bx2, by2) in enumerate(np.asarray(b, float)):
            w = min(ax2, bx2) - max(ax1, bx1) + extra
            h = min(ay2, by2) - max(ay1, by1) + extra
            inter = max(w, 0.0) * max(h, 0.0) if clamp else w * h
            area_a = (ax2 - ax1 + extra) * (ay2 - ay1 + extra)
            area_b = (bx2 - bx1 + extra) * (by2 - by1 + extra)
            union = area_a + area_b - inter if subtract else area_a + area_b
            out[i, j] = inter / union if union > 0 else 0.0
    return out


def _iou_cases(rng: np.random.Generator) -> list[Case]:
    cases = [{"a": _random_boxes(rng, n, integer), "b": _random_boxes(rng, m, integer)}
             for n, m, integer in ((3, 4, False), (5, 2, True), (1, 6, False), (6, 6, True), (4, 1, False))]
    # Identical boxes (IoU 1), a box inside another, disjoint boxes and boxes that touch along an edge.
    cases.append({"a": np.array([[0.0, 0.0, 4.0, 4.0], [1.0, 1.0, 2.0, 2.0], [10.0, 10.0, 12.0, 11.0]]),
                  "b": np.array([[0.0, 0.0, 4.0, 4.0], [4.0, 0.0, 6.0, 4.0], [20.0, 20.0, 21.0, 21.0]])})
    # Zero-area boxes (a point, a line): IoU 0 with everything, also with themselves.
    cases.append({"a": np.array([[2.0, 2.0, 2.0, 2.0], [0.0, 1.0, 5.0, 1.0], [0.0, 0.0, 3.0, 3.0]]),
                  "b": np.array([[2.0, 2.0, 2.0, 2.0], [1.0, 0.0, 2.0, 5.0]])})
    cases.append({"a": np.zeros((0, 4)), "b": _random_boxes(rng, 3)})        # no boxes at all: shape (0, 3)
    return cases


def _compare_iou(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    a, b = case["a"], case["b"]
    arr = actual if isinstance(actual, np.ndarray) else None
    if arr is not None and arr.shape == expected.shape[::-1] and arr.shape != expected.shape:
        raise CheckFailure(f"{name} has shape {arr.shape}, but (N, M) = {expected.shape} was expected: row i is "
                           "box a[i], column j box b[j].")
    if arr is not None and arr.ndim == 1 and len(a) == len(b) and arr.shape == (len(a),):
        raise CheckFailure(f"{name} has shape {arr.shape}: it pairs a[i] with b[i] only; return every pair, "
                           f"shape (N, M) = {expected.shape}.")
    _judge(actual, expected, name, lambda: {
        "the '+1' pixel convention (areas (x2 − x1 + 1)(y2 − y1 + 1)); here boxes are continuous: area "
        "(x2 − x1)(y2 − y1)": iou_brute_force(a, b, plus_one=True),
        "not clamping the intersection's width and height at 0 (disjoint boxes have a negative overlap: use "
        "max(0, ...))": iou_brute_force(a, b, clamp=False),
        "dividing by the sum of the areas (the union is area_a + area_b − intersection)":
            iou_brute_force(a, b, subtract=False)})


register(Exercise(
    key="week10.box_iou", function="box_iou",
    make_cases=_iou_cases,
    call=lambda function, case: function(case["a"], case["b"]),
    reference=lambda case: iou_brute_force(case["a"], case["b"]),
    describe=lambda case: f"{len(case['a'])} boxes against {len(case['b'])}",
    compare=_compare_iou,
))


# ----------------------------------------------------------------------------- non-maximum suppression


def nms_brute_force(boxes: np.ndarray, scores: np.ndarray, threshold: float, order: str = "index",
                    suppressed_suppress: bool = False, at_least: bool = False) -> np.ndarray:
    """Greedy NMS from its definition: take the best-scoring box left, keep it, drop every box left whose IoU with
    it is above the threshold; repeat. Ties in score: the lower index first."""
    iou = iou_brute_force(boxes, boxes)
    left = list(range(len(boxes)))
    key = (lambda i: (-scores[i], i)) if order == "index" else (lambda i: (-scores[i], -i))
    left.sort(key=key)
    if suppressed_suppress:   # the mistake: every higher-scoring box suppresses, kept or not
        return np.array([i for k, i in enumerate(left)
                         if not any((iou[j, i] >= threshold) if at_least else (iou[j, i] > threshold)
                                    for j in left[:k])], dtype=int)
    kept = []
    while left:
        best = left.pop(0)
        kept.append(best)
        left = [i for i in left if not ((iou[best, i] >= threshold) if at_least else (iou[best, i] > threshold))]
    return np.array(kept, dtype=int)


def _cluster_boxes(rng: np.random.Generator, objects: int, per_object: int) -> np.ndarray:
    centres = rng.uniform(5, 40, size=(objects, 2))
    boxes = []
    for c in centres:
        size = rng.uniform(4, 10, size=2)
        for _ in range(per_object):
            jitter = rng.normal(scale=1.2, size=2)
            scale = rng.uniform(0.8, 1.2, size=2)
            boxes.append(np.concatenate([c + jitter - size * scale / 2, c + jitter + size * scale / 2]))
    return np.array(boxes)[rng.permutation(objects * per_object)]


def _nms_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for objects, per_object, threshold in ((3, 4, 0.5), (2, 6, 0.3), (4, 3, 0.7), (1, 5, 0.5), (5, 2, 0.1)):
        boxes = _cluster_boxes(rng, objects, per_object)
        cases.append({"boxes": boxes, "scores": rng.uniform(0, 1, size=len(boxes)), "iou_threshold": threshold})
    # A chain: A overlaps B, B overlaps C, A does not overlap C. A wins, B is suppressed, C must survive.
    cases.append({"boxes": np.array([[0.0, 0.0, 10.0, 10.0], [4.0, 0.0, 14.0, 10.0], [8.0, 0.0, 18.0, 10.0]]),
                  "scores": np.array([0.9, 0.8, 0.7]), "iou_threshold": 0.3})
    # An IoU of exactly the threshold (0.5: boxes 0 and 1) is not above it: both are kept. Boxes 2 and 3 are the
    # same box with the same score: the lower index is kept.
    cases.append({"boxes": np.array([[0.0, 0.0, 2.0, 1.0], [0.0, 0.0, 1.0, 1.0], [5.0, 5.0, 6.0, 6.0],
                                     [5.0, 5.0, 6.0, 6.0]]),
                  "scores": np.array([0.5, 0.6, 0.8, 0.8]), "iou_threshold": 0.5})
    integer = _random_boxes(rng, 8, integer=True)
    cases.append({"boxes": integer, "scores": rng.integers(1, 4, size=8) / 4.0, "iou_threshold": 0.5})
    cases.append({"boxes": np.zeros((0, 4)), "scores": np.zeros(0), "iou_threshold": 0.5})
    return cases


def _compare_nms(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    boxes, scores, t = case["boxes"], case["scores"], case["iou_threshold"]
    try:
        kept = np.asarray(actual)
    except Exception:
        kept = None
    if kept is None or kept.dtype == object or kept.ndim != 1:
        raise CheckFailure(f"{name} should be a 1-D array of box indices (integers); got {actual!r:.80}.")
    if kept.size and kept.dtype.kind not in "iu":
        if kept.dtype.kind == "b":
            raise CheckFailure(f"{name} is a boolean mask; return the INDICES of the kept boxes (np.flatnonzero "
                               "gives them), in descending order of score.")
        if not np.all(kept == np.round(kept)):
            raise CheckFailure(f"{name} holds non-integers: return the indices of the kept boxes, not scores.")
    kept = kept.astype(int) if kept.size else kept.astype(int).reshape(0)
    if np.array_equal(kept, expected):
        return
    if len(kept) == len(expected) and sorted(kept.tolist()) == sorted(expected.tolist()):
        raise CheckFailure(f"{name} keeps the right boxes in the wrong order: list them by descending score (ties: "
                           "the lower index first).")
    named = {
        "suppressing with boxes that were themselves suppressed (only a KEPT box suppresses the boxes below it)":
            nms_brute_force(boxes, scores, t, suppressed_suppress=True),
        "suppressing at IoU >= threshold (suppress only when the IoU is strictly above the threshold)":
            nms_brute_force(boxes, scores, t, at_least=True),
        "breaking ties in score by the HIGHER index (ties: the lower index first, as a stable sort does)":
            nms_brute_force(boxes, scores, t, order="reverse"),
        "keeping every box (sorted by score) without suppressing any": np.argsort(-scores, kind="stable"),
        "sorting by ascending score (NMS starts from the highest score)":
            nms_brute_force(boxes, -scores, t)}
    for mistake, value in named.items():
        if np.array_equal(kept, value) and not np.array_equal(value, expected):
            raise CheckFailure(f"{name} is what {mistake} gives.")
    extra = sorted(set(kept.tolist()) - set(expected.tolist()))
    missing = sorted(set(expected.tolist()) - set(kept.tolist()))
    raise CheckFailure(f"{name} keeps {len(kept)} boxes where {len(expected)} should survive"
                       + (f"; boxes {extra[:5]} should have been suppressed" if extra else "")
                       + (f"; boxes {missing[:5]} should have been kept" if missing else "") + ".")


register(Exercise(
    key="week10.nms", function="nms",
    make_cases=_nms_cases,
    call=lambda function, case: function(case["boxes"], case["scores"], case["iou_threshold"]),
    reference=lambda case: nms_brute_force(case["boxes"], case["scores"], case["iou_threshold"]),
    describe=lambda case: f"{len(case['boxes'])} boxes, iou_threshold {case['iou_threshold']}",
    compare=_compare_nms,
))


# ----------------------------------------------------------------------------- average precision


def _match(detections: np.ndarray, ground_truth: np.ndarray, threshold: float, per_image: bool = True,
           once: bool = True, above: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Detections in descending score order (ties: lower index first) and whether each is a true positive."""
    order = sorted(range(len(detections)), key=lambda k: (-detections[k, 5], k))
    used = [False] * len(ground_truth)
    hits = []
    for k in order:
        image, box = detections[k, 0], detections[k, 1:5]
        best, best_iou = None, -1.0
        for g in range(len(ground_truth)):
            if (per_image and ground_truth[g, 0] != image) or (once and used[g]):
                continue
            value = iou_brute_force(box[None], ground_truth[g:g + 1, 1:5])[0, 0]
            if value > best_iou:
                best, best_iou = g, value
        hit = best is not None and ((best_iou > threshold) if above else (best_iou >= threshold))
        if hit:
            used[best] = True
        hits.append(hit)
    return np.array(order, dtype=int), np.array(hits, dtype=bool)


def average_precision_reference(detections: np.ndarray, ground_truth: np.ndarray, iou_threshold: float = 0.5,
                                envelope: bool = True, eleven: bool = False, **match) -> float:
    """AP by its definition, written differently from the usual cumsum: each true positive raises the recall by
    1/G and contributes 1/G times the best precision reached at its rank or any later rank."""
    _, hits = _match(np.asarray(detections, float), np.asarray(ground_truth, float), iou_threshold, **match)
    total = len(ground_truth)
    precision = [sum(hits[:k + 1]) / (k + 1) for k in range(len(hits))]
    recall = [sum(hits[:k + 1]) / total for k in range(len(hits))]
    if eleven:   # VOC 2007: the mean of the envelope at recall 0, 0.1, ..., 1
        return float(np.mean([max([p for p, r in zip(precision, recall) if r >= level], default=0.0)
                              for level in np.linspace(0, 1, 11)]))
    ap = 0.0
    for k, hit in enumerate(hits):
        if hit:
            ap += (max(precision[k:]) if envelope else precision[k]) / total
    return float(ap)


def _ap_scene(rng: np.random.Generator, images: int, objects: int, extra: int) -> Case:
    truth, detections = [], []
    for image in range(images):
        for _ in range(rng.integers(1, objects + 1)):
            corner = rng.uniform(0, 40, size=2)
            box = np.concatenate([corner, corner + rng.uniform(4, 12, size=2)])
            truth.append([image, *box])
            for _ in range(rng.integers(0, 3)):          # 0 to 2 detections per object (a duplicate or two)
                jitter = rng.normal(scale=rng.choice([0.5, 2.5]), size=4)
                detections.append([image, *(box + jitter), rng.uniform(0, 1)])
        for _ in range(rng.integers(0, extra + 1)):      # false positives in the background
            corner = rng.uniform(0, 40, size=2)
            detections.append([image, *corner, *(corner + rng.uniform(4, 12, size=2)), rng.uniform(0, 1)])
    detections = np.array(detections, float).reshape(-1, 6)
    return {"detections": detections[rng.permutation(len(detections))], "ground_truth": np.array(truth, float),
            "iou_threshold": float(rng.choice([0.5, 0.5, 0.3, 0.7]))}


def _ap_cases(rng: np.random.Generator) -> list[Case]:
    cases = [_ap_scene(rng, *settings) for settings in ((1, 4, 2), (3, 3, 2), (4, 2, 3), (2, 5, 1), (5, 3, 4))]
    # A duplicate detection of the same object: the second one is a false positive.
    cases.append({"detections": np.array([[0, 0, 0, 10, 10, 0.9], [0, 0, 0, 10, 10, 0.8], [0, 20, 20, 30, 30, 0.7]]),
                  "ground_truth": np.array([[0, 0, 0, 10, 10], [0, 20, 20, 30, 30]], float), "iou_threshold": 0.5})
    # The same box in two images: a detection counts only for an object of its own image.
    cases.append({"detections": np.array([[1, 0, 0, 10, 10, 0.9], [0, 0, 0, 10, 10, 0.6]], float),
                  "ground_truth": np.array([[0, 0, 0, 10, 10], [2, 0, 0, 10, 10]], float), "iou_threshold": 0.5})
    # An IoU of exactly the threshold counts as a match (IoU >= threshold), and a detection with no objects.
    cases.append({"detections": np.array([[0, 0, 0, 2, 1, 0.9], [0, 5, 5, 6, 6, 0.95], [0, 8, 8, 9, 9, 0.1]], float),
                  "ground_truth": np.array([[0, 0, 0, 1, 1], [0, 8, 8, 9, 9], [0, 30, 30, 31, 31]], float),
                  "iou_threshold": 0.5})
    # Precision that rises again at a lower rank (FP, TP, FP, TP, TP): the envelope matters.
    cases.append({"detections": np.array([[0, 50, 50, 60, 60, 0.9], [0, 0, 0, 10, 10, 0.8], [0, 70, 70, 80, 80, 0.7],
                                          [0, 20, 0, 30, 10, 0.6], [0, 40, 0, 50, 10, 0.5]], float),
                  "ground_truth": np.array([[0, 0, 0, 10, 10], [0, 20, 0, 30, 10], [0, 40, 0, 50, 10],
                                            [0, 90, 90, 99, 99]], float), "iou_threshold": 0.5})
    cases.append({"detections": np.zeros((0, 6)), "ground_truth": np.array([[0, 0, 0, 1, 1]], float),
                  "iou_threshold": 0.5})
    return cases


def _compare_ap(actual: Any, expected: float, case: Case, name: str) -> None:
    d, g, t = case["detections"], case["ground_truth"], case["iou_threshold"]
    if isinstance(actual, np.ndarray) and actual.size != 1:
        raise CheckFailure(f"{name} has shape {actual.shape}: return one number, the area under the (envelope of "
                           "the) precision-recall curve.")
    _judge(actual, expected, name, lambda: {
        "the raw precision at each true positive (use the envelope: the best precision at that recall or any "
        "higher one)": average_precision_reference(d, g, t, envelope=False),
        "matching a ground-truth box more than once (each object can be found once: later detections of it are "
        "false positives)": average_precision_reference(d, g, t, once=False),
        "matching detections with objects of other images (match only within the detection's image)":
            average_precision_reference(d, g, t, per_image=False),
        "the 11-point interpolation of VOC 2007 (use every point: the area under the envelope)":
            average_precision_reference(d, g, t, eleven=True),
        "requiring IoU > threshold (a match needs IoU >= iou_threshold)":
            average_precision_reference(d, g, t, above=True)}, rtol=1e-9, atol=1e-12)


register(Exercise(
    key="week10.average_precision", function="average_precision",
    make_cases=_ap_cases,
    call=lambda function, case: function(case["detections"], case["ground_truth"], case["iou_threshold"]),
    reference=lambda case: average_precision_reference(case["detections"], case["ground_truth"],
                                                       case["iou_threshold"]),
    describe=lambda case: (f"{len(case['detections'])} detections, {len(case['ground_truth'])} objects in "
                           f"{len(set(case['ground_truth'][:, 0]))} images, iou_threshold {case['iou_threshold']}"),
    compare=_compare_ap,
))


# ----------------------------------------------------------------------------- skip-gram pairs


def skipgram_pairs_reference(tokens: Any, window: int, include_centre: bool = False, short: bool = False,
                             swapped: bool = False, by_distance: bool = False) -> np.ndarray:
    tokens = list(np.asarray(tokens).tolist())
    pairs = []
    for i, centre in enumerate(tokens):
        if by_distance:
            offsets = [s * d for d in range(1, window + 1) for s in (-1, 1)]
        else:
            offsets = list(range(-window, window + (0 if short else 1)))
        for offset in offsets:
            j = i + offset
            if (offset == 0 and not include_centre) or not 0 <= j < len(tokens):
                continue
            pairs.append((tokens[j], centre) if swapped else (centre, tokens[j]))
    return np.array(pairs, dtype=int).reshape(-1, 2)


def _skipgram_cases(rng: np.random.Generator) -> list[Case]:
    cases = [{"tokens": rng.integers(0, vocabulary, size=length), "window": window}
             for length, vocabulary, window in ((12, 20, 2), (30, 8, 1), (7, 50, 3), (25, 100, 4), (5, 5, 5))]
    cases.append({"tokens": np.array([3, 1, 4, 1, 5]), "window": 2})
    cases.append({"tokens": np.array([7]), "window": 2})             # one word: no pairs, shape (0, 2)
    cases.append({"tokens": np.array([2, 9]), "window": 10})          # a window longer than the text
    return cases


def _compare_skipgram(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    tokens, window = case["tokens"], case["window"]
    arr = actual if isinstance(actual, np.ndarray) else (np.asarray(actual) if isinstance(actual, list) else None)
    if arr is not None and arr.size == 0 and expected.size == 0:
        if arr.shape != (0, 2):
            raise CheckFailure(f"{name} has shape {arr.shape} for a text without pairs; return shape (0, 2) "
                               "(np.array(pairs, dtype=int).reshape(-1, 2)).")
        return
    named = {
        "pairing each word with itself too (skip the centre position)":
            skipgram_pairs_reference(tokens, window, include_centre=True),
        "a window that stops one position short on the right (range(i − window, i + window + 1))":
            skipgram_pairs_reference(tokens, window, short=True),
        "(context, centre) pairs (the first column is the centre word)":
            skipgram_pairs_reference(tokens, window, swapped=True),
        "ordering the context by distance (−1, +1, −2, ...; the contract is left to right)":
            skipgram_pairs_reference(tokens, window, by_distance=True)}
    if diagnose(actual, expected, rtol=0, atol=0) is None:
        return
    for mistake, value in named.items():
        if _matches(actual, value, rtol=0, atol=0):
            raise CheckFailure(f"{name} is what {mistake} gives.")
    if arr is not None and arr.shape == expected.shape and arr.dtype != object and arr.ndim == 2 \
            and sorted(map(tuple, arr.tolist())) == sorted(map(tuple, expected.tolist())):
        raise CheckFailure(f"{name} has the right pairs in another order: go through the positions i in order "
                           "and, for each, through its context positions from left (i − window) to right "
                           "(i + window).")
    _judge(actual, expected, name, rtol=0, atol=0)


register(Exercise(
    key="week10.skipgram_pairs", function="skipgram_pairs",
    make_cases=_skipgram_cases,
    call=lambda function, case: function(case["tokens"], case["window"]),
    reference=lambda case: skipgram_pairs_reference(case["tokens"], case["window"]),
    describe=lambda case: f"{len(case['tokens'])} tokens, window {case['window']}",
    compare=_compare_skipgram,
))


# ----------------------------------------------------------------------------- negative sampling


def negative_sampling_torch(centre: np.ndarray, context: np.ndarray, negatives: np.ndarray,
                            sign: float = -1.0, reduce: str = "mean") -> tuple:
    """The loss and its gradients by autograd: mean over the batch of −log σ(u_o·v) − Σ_k log σ(−u_k·v)."""
    v, u, n = _t(centre, True), _t(context, True), _t(negatives, True)
    positive = torch.nn.functional.logsigmoid((u * v).sum(-1))
    negative = torch.nn.functional.logsigmoid(sign * torch.einsum("bkd,bd->bk", n, v)).sum(-1)
    losses = -(positive + negative)
    loss = losses.mean() if reduce == "mean" else losses.sum()
    loss.backward()
    return float(loss.detach()), _np(v.grad), _np(u.grad), _np(n.grad)


def _ns_case(rng: np.random.Generator, batch: int, k: int, d: int, scale: float) -> Case:
    return {"centre": rng.normal(size=(batch, d)) * scale, "context": rng.normal(size=(batch, d)) * scale,
            "negatives": rng.normal(size=(batch, k, d)) * scale}


def _ns_cases(rng: np.random.Generator) -> list[Case]:
    cases = [_ns_case(rng, *s) for s in ((1, 1, 3, 1.0), (4, 5, 8, 0.5), (16, 3, 10, 1.0), (2, 10, 4, 2.0),
                                         (8, 2, 6, 0.1))]
    cases.append(_ns_case(rng, 3, 4, 5, 25.0))    # dot products over a thousand: log σ must not overflow
    return cases


def _compare_ns(actual: Any, expected: tuple, case: Case, name: str) -> None:
    loss, d_centre, d_context, d_negatives = _parts(actual, 4, "loss, d_centre, d_context, d_negatives", name)
    want_loss, want_dv, want_du, want_dn = expected
    c, o, n = case["centre"], case["context"], case["negatives"]
    batch = len(c)
    flipped = lambda: negative_sampling_torch(c, o, n, sign=1.0)  # noqa: E731
    summed = lambda: negative_sampling_torch(c, o, n, reduce="sum")  # noqa: E731
    _judge(loss, want_loss, "loss", lambda: {
        "log σ(u_k·v) for the negatives (they enter as log σ(−u_k·v): a negative word should score LOW)":
            flipped()[0],
        "the sum over the batch (the loss is the mean over the batch)": summed()[0] if batch > 1 else None},
        rtol=1e-8, atol=1e-10)
    per_batch = "the gradient of the SUM over the batch (divide by the batch size: the loss is a mean)"
    _judge(d_centre, want_dv, "d_centre", lambda: {
        per_batch: summed()[1] if batch > 1 else None,
        "leaving out the negatives' part of d_centre (each negative pulls on v too: + σ(u_k·v) u_k)":
            negative_sampling_torch(c, o, np.zeros_like(n))[1]}, rtol=1e-7, atol=1e-10)
    _judge(d_context, want_du, "d_context", lambda: {per_batch: summed()[2] if batch > 1 else None},
           rtol=1e-7, atol=1e-10)
    _judge(d_negatives, want_dn, "d_negatives", lambda: {per_batch: summed()[3] if batch > 1 else None},
           rtol=1e-7, atol=1e-10)


register(Exercise(
    key="week10.negative_sampling_loss", function="negative_sampling_loss",
    make_cases=_ns_cases,
    call=lambda function, case: function(case["centre"], case["context"], case["negatives"]),
    reference=lambda case: negative_sampling_torch(case["centre"], case["context"], case["negatives"]),
    describe=lambda case: ("batch, negatives, dimensions = " + ", ".join(map(str, case["negatives"].shape))
                           + f", vectors of size about {np.abs(case['centre']).mean():.2g}"),
    compare=_compare_ns,
))


# ----------------------------------------------------------------------------- beam search


def _sequences(v: int, end: int, max_len: int):
    """Every sequence beam search can return: ends with `end` at any length up to max_len, or has max_len tokens."""
    for length in range(1, max_len + 1):
        for seq in itertools.product(range(v), repeat=length):
            if end in seq[:-1]:
                continue
            if seq[-1] == end or length == max_len:
                yield list(seq)


def _score(seq: list[int], start: np.ndarray, transition: np.ndarray) -> float:
    return float(start[seq[0]] + sum(transition[a, b] for a, b in zip(seq, seq[1:])))


def exhaustive_search(start: np.ndarray, transition: np.ndarray, end: int, max_len: int) -> tuple[list[int], float]:
    best = max(_sequences(len(start), end, max_len), key=lambda s: _score(s, start, transition))
    return best, _score(best, start, transition)


def beam_search_reference(start: np.ndarray, transition: np.ndarray, beam: int, end: int, max_len: int,
                          keep_finished: bool = True, normalise: bool = False,
                          branches: bool = False) -> tuple[list[int], float]:
    """Beam search as the contract states, with the candidates as (score, sequence) tuples in dictionaries."""
    v = len(start)
    hypotheses = {(): 0.0}
    for _ in range(max_len):
        candidates: dict[tuple, float] = {}
        for seq, score in hypotheses.items():
            if seq and seq[-1] == end:
                if keep_finished:
                    candidates[seq] = score
                continue
            row = start if not seq else transition[seq[-1]]
            expansions = {seq + (w,): score + row[w] for w in range(v)}
            if branches and seq:   # the mistake: each of the first step's best tokens continued greedily
                expansions = dict(sorted(expansions.items(), key=lambda item: -item[1])[:1])
            candidates.update(expansions)
        if not candidates:
            break
        ranked = sorted(candidates.items(), key=lambda item: -(item[1] / len(item[0]) if normalise else item[1]))
        hypotheses = dict(ranked[:beam])
        if all(seq[-1] == end for seq in hypotheses):
            break
    best = max(hypotheses.items(), key=lambda item: item[1] / len(item[0]) if normalise else item[1])
    return list(best[0]), float(best[1])


def _beam_case(rng: np.random.Generator, v: int, beam: int, max_len: int, peaked: float) -> Case:
    def log_rows(shape):
        p = rng.dirichlet(np.full(v, peaked), size=shape) + 1e-3 * rng.random(size=(v,) if shape is None
                                                                                else (shape, v))
        return np.log(p / p.sum(axis=-1, keepdims=True))      # no zeros, and no two probabilities alike
    return {"start_logprobs": log_rows(None), "transition_logprobs": log_rows(v), "beam_width": beam,
            "end": int(rng.integers(0, v)), "max_len": max_len}


def _beam_cases(rng: np.random.Generator) -> list[Case]:
    settings = ((3, 1, 4, 1.0), (3, 2, 4, 0.5), (4, 3, 4, 0.7), (5, 2, 3, 1.0), (3, 3, 5, 0.4), (4, 2, 5, 0.6))
    cases = [_beam_case(rng, *s) for s in settings]
    cases.append(_beam_case(rng, 3, 200, 4, 0.5))    # a beam wider than the number of sequences: exhaustive
    # The greedy trap: token 0 first looks best, but every continuation after it is poor.
    start = np.log([0.6, 0.4, 1e-9])
    transition = np.log([[0.34, 0.33, 0.33], [1e-9, 1e-9, 1.0], [1 / 3, 1 / 3, 1 / 3]])
    cases.append({"start_logprobs": start, "transition_logprobs": transition, "beam_width": 2, "end": 2,
                  "max_len": 3})
    return cases


def _compare_beam(actual: Any, expected: tuple, case: Case, name: str) -> None:
    sequence, score = _parts(actual, 2, "sequence, log_prob", name)
    want_seq, want_score = expected
    args = (case["start_logprobs"], case["transition_logprobs"], case["beam_width"], case["end"], case["max_len"])
    try:
        seq = [int(s) for s in np.asarray(sequence).ravel()]
    except Exception:
        raise CheckFailure(f"the sequence should be a list of token indices; got {sequence!r:.80}.") from None
    if seq != list(want_seq):
        named = {
            "dropping finished hypotheses from the beam (a hypothesis that emitted the end token stays a candidate, "
            "with its score, and competes with the longer ones)": beam_search_reference(*args, keep_finished=False),
            "dividing the scores by the length (this beam search ranks by the plain sum of log-probabilities)":
                beam_search_reference(*args, normalise=True),
            "continuing each of the first step's best tokens greedily (at every step, rank the expansions of ALL "
            "hypotheses together and keep the best beam_width of them)": beam_search_reference(*args, branches=True),
            "greedy decoding (beam width 1) whatever the beam width": beam_search_reference(*args[:2], 1, *args[3:])}
        fits = [mistake for mistake, (value, _) in named.items() if seq == value and value != list(want_seq)]
        if fits:
            raise CheckFailure("the sequence is what " + (fits[0] if len(fits) == 1 else "one of these mistakes "
                               "gives: " + "; or ".join(fits)) + (" gives." if len(fits) == 1 else "."))
        if len(seq) > case["max_len"]:
            raise CheckFailure(f"the sequence has {len(seq)} tokens; max_len = {case['max_len']} counts every token, "
                               "the end token included.")
        if case["end"] in seq[:-1]:
            raise CheckFailure("the sequence goes on after the end token: a hypothesis that emitted it is finished.")
        raise CheckFailure(f"the sequence {seq} is not the one beam search with this width finds"
                           + ("" if len(seq) != len(want_seq) else " (it has the right length)") + ".")
    _judge(score, want_score, "log_prob", lambda: {
        "the probability instead of its log": math.exp(want_score)}, rtol=1e-9, atol=1e-12)


register(Exercise(
    key="week10.beam_search", function="beam_search",
    make_cases=_beam_cases,
    call=lambda function, case: function(case["start_logprobs"], case["transition_logprobs"], case["beam_width"],
                                         case["end"], case["max_len"]),
    reference=lambda case: (exhaustive_search(case["start_logprobs"], case["transition_logprobs"], case["end"],
                                              case["max_len"])
                            if case["beam_width"] >= len(case["start_logprobs"]) ** case["max_len"] else
                            beam_search_reference(case["start_logprobs"], case["transition_logprobs"],
                                                  case["beam_width"], case["end"], case["max_len"])),
    describe=lambda case: (f"{len(case['start_logprobs'])} tokens, beam width {case['beam_width']}, end token "
                           f"{case['end']}, max_len {case['max_len']}"),
    compare=_compare_beam,
))


# ----------------------------------------------------------------------------- VAE: KL and reparameterisation


def gaussian_kl_torch(mu: np.ndarray, logvar: np.ndarray) -> np.ndarray:
    q = torch.distributions.Normal(_t(mu), torch.exp(0.5 * _t(logvar)))
    p = torch.distributions.Normal(torch.zeros_like(_t(mu)), torch.ones_like(_t(mu)))
    return _np(torch.distributions.kl_divergence(q, p).sum(-1))


def _kl_cases(rng: np.random.Generator) -> list[Case]:
    cases = [{"mu": rng.normal(size=(b, d)) * s, "logvar": rng.normal(size=(b, d)) * s}
             for b, d, s in ((4, 2, 1.0), (1, 8, 0.5), (10, 3, 2.0), (6, 16, 0.3), (3, 1, 1.5))]
    cases.append({"mu": np.zeros((2, 4)), "logvar": np.zeros((2, 4))})    # q = p: KL 0
    return cases


def _compare_kl(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    mu, logvar = case["mu"], case["logvar"]
    arr = actual if isinstance(actual, np.ndarray) else None
    if arr is not None and arr.shape == mu.shape:
        raise CheckFailure(f"{name} has shape {arr.shape}, one KL per dimension: sum over the latent dimensions, "
                           f"shape {expected.shape}.")
    _judge(actual, expected, name, lambda: {
        "reading logvar as the log of the standard deviation (it is the log of the VARIANCE: σ² = exp(logvar))":
            0.5 * np.sum(np.exp(2 * logvar) + mu ** 2 - 1 - 2 * logvar, axis=1),
        "the mean over the latent dimensions (the KL of independent dimensions is their SUM)":
            expected / mu.shape[1] if mu.shape[1] > 1 else None,
        "leaving out the ½": 2 * expected})


register(Exercise(
    key="week10.gaussian_kl", function="gaussian_kl",
    make_cases=_kl_cases,
    call=lambda function, case: function(case["mu"], case["logvar"]),
    reference=lambda case: gaussian_kl_torch(case["mu"], case["logvar"]),
    describe=lambda case: f"mu and logvar of shape {case['mu'].shape}",
    compare=_compare_kl,
))


def _call_reparameterise(function: Callable, case: Case) -> dict:
    """The learner's function on tensors that need gradients; then backward of sum(z * w), and many samples."""
    mu, logvar = _t(case["mu"], True), _t(case["logvar"], True)
    z = function(mu, logvar, _t(case["eps"]))
    if not isinstance(z, torch.Tensor):
        raise CheckFailure(f"reparameterise returned {type(z).__name__}; return a torch tensor computed from mu, "
                           "logvar and eps with torch operations, so that gradients flow back to mu and logvar.")
    value = _np(z)
    if not z.requires_grad:
        return {"z": value, "grad_mu": None, "grad_logvar": None, "samples": None}
    (z * _t(case["weights"])).sum().backward()
    grads = [None if p.grad is None else _np(p.grad) for p in (mu, logvar)]
    with torch.no_grad():
        many = function(_t(case["mu"][:1]).expand(case["draws"], -1), _t(case["logvar"][:1]).expand(case["draws"], -1),
                        torch.randn(case["draws"], case["mu"].shape[1], dtype=torch.float64,
                                    generator=torch.Generator().manual_seed(case["seed"])))
    return {"z": value, "grad_mu": grads[0], "grad_logvar": grads[1], "samples": _np(many)}


def _reparameterise_expected(case: Case) -> dict:
    mu, logvar, eps, w = case["mu"], case["logvar"], case["eps"], case["weights"]
    std = np.exp(0.5 * logvar)
    return {"z": mu + std * eps, "grad_mu": w, "grad_logvar": w * 0.5 * std * eps}


def _compare_reparameterise(actual: Any, expected: dict, case: Case, name: str) -> None:
    mu, logvar, eps = case["mu"], case["logvar"], case["eps"]
    _judge(actual["z"], expected["z"], "z", lambda: {
        "z = mu + exp(logvar) * eps (the standard deviation is exp(logvar / 2))": mu + np.exp(logvar) * eps,
        "z = mu + logvar * eps (logvar is a log: the standard deviation is exp(logvar / 2))": mu + logvar * eps,
        "z = mu + exp(logvar / 2) (the noise eps is missing)": mu + np.exp(0.5 * logvar)})
    if actual["grad_mu"] is None or actual["grad_logvar"] is None:
        missing = " and ".join(n for n in ("mu", "logvar") if actual[f"grad_{n}"] is None)
        raise CheckFailure(f"z has the right values, but no gradient reaches {missing}: compute z with torch "
                           "operations on the tensors you are given (no .detach(), .numpy() or torch.tensor(...) "
                           "copies), which is the point of the reparameterisation trick.")
    _judge(actual["grad_mu"], expected["grad_mu"], "the gradient reaching mu")
    _judge(actual["grad_logvar"], expected["grad_logvar"], "the gradient reaching logvar")
    samples = actual["samples"]
    std = float(np.exp(0.5 * logvar[0, 0]))
    n = case["draws"]
    mean_error = abs(float(samples[:, 0].mean()) - float(mu[0, 0])) / (std / np.sqrt(n))
    var_ratio = float(samples[:, 0].var()) / std ** 2
    if mean_error > 6 or abs(var_ratio - 1) > 6 * np.sqrt(2 / n):
        raise CheckFailure(f"{case['draws']} samples of z for one mu and logvar have mean and variance far from mu "
                           "and exp(logvar): z should be distributed as N(mu, exp(logvar)).")


def _reparameterise_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for b, d in ((1, 2), (4, 3), (8, 2), (3, 6), (16, 1)):
        cases.append({"mu": rng.normal(size=(b, d)), "logvar": rng.normal(size=(b, d)),
                      "eps": rng.normal(size=(b, d)), "weights": rng.normal(size=(b, d)), "draws": 20000,
                      "seed": int(rng.integers(2**31))})
    return cases


register(Exercise(
    key="week10.reparameterise", function="reparameterise",
    make_cases=_reparameterise_cases,
    call=_call_reparameterise,
    reference=_reparameterise_expected,
    describe=lambda case: f"mu, logvar and eps of shape {case['mu'].shape} (torch tensors)",
    compare=_compare_reparameterise,
    inputs=(),      # the function gets torch tensors that `call` makes from the case, never the case's arrays
))


# ----------------------------------------------------------------------------- diffusion: schedules and q_sample


def schedule_reference(T: int, kind: str, beta_start: float = 1e-4, beta_end: float = 0.02, s: float = 0.008,
                       max_beta: float = 0.999, *, endpoint: bool = True, offset: bool = True,
                       clip: bool = True, cumulate: str = "one_minus") -> tuple[np.ndarray, np.ndarray]:
    """The formulas, one step at a time. Linear (Ho et al. 2020): β_t from beta_start to beta_end evenly, both
    included. Cosine (Nichol & Dhariwal 2021): ᾱ(t) = f(t)/f(0), f(t) = cos²((t/T + s)/(1 + s) · π/2), and
    β_t = min(1 − ᾱ(t)/ᾱ(t − 1), max_beta). Then ᾱ_t = ∏_{s ≤ t} (1 − β_s), by the recurrence."""
    if kind == "linear":
        betas = [beta_start + (beta_end - beta_start) * (t / (T - 1) if endpoint else t / T) if T > 1 else beta_start
                 for t in range(T)]
    else:
        shift = s if offset else 0.0
        f = lambda t: math.cos((t / T + shift) / (1 + shift) * math.pi / 2) ** 2  # noqa: E731
        betas = [1 - f(t + 1) / f(t) for t in range(T)]
        if clip:
            betas = [min(b, max_beta) for b in betas]
    alphas_cumprod, running = [], 1.0
    for beta in betas:
        if cumulate == "one_minus":
            running *= 1 - beta
        elif cumulate == "betas":
            running *= beta
        alphas_cumprod.append(running if cumulate != "none" else 1 - beta)
    return np.array(betas), np.array(alphas_cumprod)


def _schedule_cases(rng: np.random.Generator) -> list[Case]:
    cases = [{"T": 1000, "kind": "linear", "beta_start": 1e-4, "beta_end": 0.02},
             {"T": 1000, "kind": "cosine", "beta_start": 1e-4, "beta_end": 0.02}]
    for _ in range(3):
        cases.append({"T": int(rng.integers(5, 200)), "kind": "linear",
                      "beta_start": float(rng.uniform(1e-4, 1e-3)), "beta_end": float(rng.uniform(0.01, 0.3))})
        cases.append({"T": int(rng.integers(5, 200)), "kind": "cosine", "beta_start": 1e-4, "beta_end": 0.02})
    cases.append({"T": 2, "kind": "linear", "beta_start": 0.1, "beta_end": 0.2})
    return cases


def _compare_schedule(actual: Any, expected: tuple, case: Case, name: str) -> None:
    betas, alphas_cumprod = _parts(actual, 2, "betas, alphas_cumprod", name)
    want_betas, want_cumprod = expected
    args = (case["T"], case["kind"], case["beta_start"], case["beta_end"])
    linear = case["kind"] == "linear"
    _judge(betas, want_betas, "betas", lambda: {
        "T steps from beta_start that stop short of beta_end (np.linspace includes both ends)":
            schedule_reference(*args, endpoint=False)[0] if linear else None,
        "the cosine schedule without the offset s (f(t) = cos²((t/T + s)/(1 + s) · π/2), s = 0.008)":
            None if linear else schedule_reference(*args, offset=False)[0],
        "the cosine schedule without clipping β at max_beta (the last β would be 1: all signal gone in one step)":
            None if linear else schedule_reference(*args, clip=False)[0]})
    _judge(alphas_cumprod, want_cumprod, "alphas_cumprod", lambda: {
        "the cumulative product of the betas (ᾱ_t is the product of the ALPHAS, α_s = 1 − β_s)":
            schedule_reference(*args, cumulate="betas")[1],
        "α_t = 1 − β_t without the cumulative product": schedule_reference(*args, cumulate="none")[1]},
        rtol=1e-7, atol=1e-12)


register(Exercise(
    key="week10.ddpm_schedule", function="ddpm_schedule",
    make_cases=_schedule_cases,
    call=lambda function, case: function(case["T"], case["kind"], case["beta_start"], case["beta_end"]),
    reference=lambda case: schedule_reference(case["T"], case["kind"], case["beta_start"], case["beta_end"]),
    describe=lambda case: (f"the {case['kind']} schedule with T = {case['T']}"
                           + (f", beta from {case['beta_start']:.3g} to {case['beta_end']:.3g}"
                              if case["kind"] == "linear" else "")),
    compare=_compare_schedule,
))


def q_sample_iterated(x0: np.ndarray, t: np.ndarray, alphas_cumprod: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """x_t by iterating the one-step forward process x_s = √(1 − β_s) x_{s−1} + √β_s ε_s, s = 1..t+1.

    Iterated with independent ε_s, x_t − √ᾱ_t x_0 = Σ_s c_s ε_s, a Gaussian of variance Σ_s c_s² (c_s the
    product of the later √(1 − β) times √β_s). To compare with the learner's x_t for one given `noise`, every step
    gets the same direction: ε_s = noise · c_s / √(Σ c_s²), for which the sum is √(Σ c_s²) · noise. The
    iteration (not the closed form) thus decides what x_t is; that the two agree is the identity
    Σ c_s² = 1 − ᾱ_t, which is what the exercise is about.
    """
    alphas_cumprod = np.asarray(alphas_cumprod, float)
    betas = 1 - alphas_cumprod / np.concatenate([[1.0], alphas_cumprod[:-1]])
    out = np.empty_like(np.asarray(x0, float))
    for row, step in enumerate(np.asarray(t).astype(int)):
        steps = betas[:step + 1]
        coefficients = np.array([np.sqrt(b) * np.prod(np.sqrt(1 - steps[k + 1:])) for k, b in enumerate(steps)])
        direction = coefficients / np.sqrt(np.sum(coefficients ** 2))
        x = np.asarray(x0[row], float)
        for beta, weight in zip(steps, direction):
            x = np.sqrt(1 - beta) * x + np.sqrt(beta) * (weight * noise[row])      # ε_s = weight · noise
        out[row] = x
    return out


def _q_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for T, kind, b, d in ((50, "linear", 6, 2), (100, "cosine", 8, 3), (20, "linear", 4, 1), (200, "cosine", 5, 4),
                          (10, "linear", 12, 2)):
        _, cumprod = schedule_reference(T, kind, 1e-4, 0.2 if T <= 50 else 0.02)
        t = rng.integers(0, T, size=b)
        t[0], t[-1] = 0, T - 1                       # the first step and the last one
        cases.append({"x0": rng.normal(size=(b, d)) * 2, "t": t, "alphas_cumprod": cumprod,
                      "noise": rng.normal(size=(b, d))})
    return cases


def _compare_q(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    x0, t, a, noise = case["x0"], case["t"], case["alphas_cumprod"], case["noise"]
    ab = a[t][:, None]
    previous = np.concatenate([[1.0], a])[t][:, None]
    _judge(actual, expected, name, lambda: {
        "(1 − ᾱ_t) · noise without the square root (the noise's STANDARD DEVIATION is √(1 − ᾱ_t))":
            np.sqrt(ab) * x0 + (1 - ab) * noise,
        "ᾱ_t · x0 without the square root (the signal is scaled by √ᾱ_t)": ab * x0 + np.sqrt(1 - ab) * noise,
        "alphas_cumprod[t − 1] (t indexes alphas_cumprod directly: t = 0 is one step of noise)":
            np.sqrt(previous) * x0 + np.sqrt(1 - previous) * noise,
        "one t for the whole batch (each row has its own t[i])":
            np.sqrt(a[t[0]]) * x0 + np.sqrt(1 - a[t[0]]) * noise})


register(Exercise(
    key="week10.q_sample", function="q_sample",
    make_cases=_q_cases,
    call=lambda function, case: function(case["x0"], case["t"], case["alphas_cumprod"], case["noise"]),
    reference=lambda case: q_sample_iterated(case["x0"], case["t"], case["alphas_cumprod"], case["noise"]),
    describe=lambda case: (f"x0 of shape {case['x0'].shape}, T = {len(case['alphas_cumprod'])}, t from "
                           f"{case['t'].min()} to {case['t'].max()}"),
    compare=_compare_q,
))
