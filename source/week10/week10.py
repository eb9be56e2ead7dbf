# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: nbgrader,tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,-all
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Week 10 — Advanced deep learning II: detection, language and generative models
#
# Week 09 built attention and transformers; this week puts deep networks to work on three families of problems
# that go beyond "one input, one label". **Vision**: find every object in an image and draw a box around it
# (detection), or label every pixel (segmentation). **Language**: learn what words mean from the company they keep
# (embeddings), translate one sequence into another (seq2seq), score and decode text (perplexity, beam search),
# and answer a question by pointing at the answer in a passage. **Generation**: learn a distribution and draw new
# samples from it, with a variational autoencoder, a generative adversarial network and a diffusion model. The
# week ends with the source syllabus's capstone, a small image-captioning system built on the detector's backbone.
#
# Everything trains on one CPU thread in seconds, on data made here or shipped with Python: digits placed on a
# canvas, Python's own documentation, generated dates and stories, two moons. The ideas are the ones behind YOLO,
# word2vec, neural machine translation, BERT's question answering, Stable Diffusion; the scale is a million times
# smaller.
#
# | § | topic | you implement |
# |---|---|---|
# | 1 | boxes and intersection over union | `box_iou` |
# | 2 | non-maximum suppression; explorer | `nms` |
# | 3 | evaluating a detector: precision, recall, average precision, mAP | `average_precision` |
# | 4 | a detector trained in seconds; anchors; the YOLO and R-CNN families | |
# | 5 | segmentation: masks, Dice and IoU | |
# | 6 | word embeddings: skip-gram with negative sampling | `skipgram_pairs`, `negative_sampling_loss` |
# | 7 | language models, perplexity; greedy and beam search | `beam_search` |
# | 8 | sequence to sequence with teacher forcing; question answering as span extraction | |
# | 9 | autoencoders and the variational autoencoder | `gaussian_kl`, `reparameterise` |
# | 10 | generative adversarial networks and mode collapse | |
# | 11 | denoising diffusion; explorer | `ddpm_schedule`, `q_sample` |
# | 12 | capstone: captioning digit strips with the detector's backbone | |
# | 13 | checkpoint: can you fine-tune a pretrained transformer for your task? | four questions + one written answer |

# %% [markdown]
# ## How to work this week
#
# 1. **Run the cells in order**, from the top (the imports cell first). If something looks odd, use
#    *Kernel → Restart Kernel and Run All Cells*.
# 2. Where a cell says `# YOUR CODE HERE` and `raise NotImplementedError()`, delete the `raise` line and write your
#    implementation in **NumPy** (Exercise 8, `reparameterise`, is the one written with PyTorch tensors: its point
#    is that gradients flow through it).
# 3. **Run the public test cell** under each exercise: small inputs whose answers you can work out by hand.
# 4. Then try **fresh random inputs** as often as you like, e.g. `check("week10.box_iou", box_iou)`. It prints ✓
#    or what went wrong.
# 5. **Hidden tests** run when the notebook is graded: randomized inputs compared with brute-force references
#    (every box pair, every sequence), PyTorch's autograd and `torch.distributions`. If `check(...)` passes
#    reliably, they will pass too.
# 6. The lesson cells after each exercise use your function once it is written (and a reference until then), and
#    the two explorers run your `nms`, `ddpm_schedule` and `q_sample` once they pass their checks.

# %%
# %matplotlib inline
import collections
import datetime
import importlib
import inspect
import math
import re
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from course.checks import expect_close, expect_equal, expect_choice, expect_true, expect_unchanged
from course.exercises import check, grade

np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 3)
torch.set_num_threads(1)    # these networks are small: one thread is as fast, and two fight on a busy 2-core machine
week_started = time.perf_counter()


def mine_or_reference(function, reference, *args, _said=set()):
    """Your function's result when it is written; the reference's until then (so the lesson runs either way)."""
    try:
        return function(*args)
    except NotImplementedError:
        if function.__name__ not in _said:          # say it once, not at every call
            print(f"({function.__name__} is not written yet: the lesson uses a reference implementation)")
            _said.add(function.__name__)
        return reference(*args)


# %% [markdown]
# ## 1. Object detection: boxes and intersection over union
#
# A classifier says *what* is in an image. A **detector** says what is *where*: a list of boxes, each with a class
# and a confidence score. Our images are **scenes**: 2 to 4 of scikit-learn's 8 × 8 digits placed at random on a
# 40 × 40 canvas, with pixel noise. The objects are the digits, their classes 0–9.
#
# A box is four numbers. We use **xyxy**: $(x_1, y_1, x_2, y_2)$, the left, top, right and bottom edges, with
# $x_1 \le x_2$ and $y_1 \le y_2$ (other conventions: *xywh*, the corner and the size, in COCO's files; *cxcywh*,
# the centre and the size, in YOLO's and DETR's outputs). A box is a continuous region: its area is
# $(x_2 - x_1)(y_2 - y_1)$. (Older code, Pascal VOC's among it, counted pixels and added 1 to each side; we do not.)
#
# How well does a predicted box $A$ fit an object's box $B$? The standard answer is the **intersection over union**
# (IoU, the Jaccard index):
#
# $$\operatorname{IoU}(A, B) = \frac{|A \cap B|}{|A \cup B|} = \frac{|A \cap B|}{|A| + |B| - |A \cap B|}.$$
#
# The intersection of two boxes is a box: $\max(x_1^A, x_1^B)$ to $\min(x_2^A, x_2^B)$ across, the same down; when
# the boxes do not overlap, that "box" has a negative width or height and the intersection is **0** (clamp each
# side at 0 before multiplying: two negative sides would otherwise multiply to a positive area). IoU is 1 for
# identical boxes and 0 for disjoint ones; a prediction usually counts as correct at IoU ≥ 0.5. An 8 × 8 box
# shifted by one pixel has IoU $56/72 \approx 0.78$, by two pixels $48/80 = 0.6$: IoU is strict with small
# objects.
#
# ### Exercise 1 — `box_iou`
#
# `a` of shape `(N, 4)`, `b` of shape `(M, 4)`, boxes in xyxy. Return the `(N, M)` array of IoUs, entry `[i, j]`
# for `a[i]` and `b[j]`, without a Python loop over the pairs (broadcast `a[:, None, :]` against `b[None, :, :]`).
# **The rule for empty unions**: a box of zero area (a point or a line) has IoU 0 with every box, itself included
# (its union with another zero-area box is empty: return 0 there, not `nan`). `N` or `M` may be 0.

# %% nbgrader={"grade": false, "grade_id": "box_iou", "locked": false, "schema_version": 3, "solution": true, "task": false}
def box_iou(a, b):
    """Pairwise intersection over union of boxes in (x1, y1, x2, y2).

    a : (N, 4); b : (M, 4). Returns (N, M), entry [i, j] = IoU(a[i], b[j]); 0 where the union is empty.
    """
    ### BEGIN SOLUTION
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    top_left = np.maximum(a[:, None, :2], b[None, :, :2])          # (N, M, 2): the intersection's corners
    bottom_right = np.minimum(a[:, None, 2:], b[None, :, 2:])
    sides = np.clip(bottom_right - top_left, 0, None)               # negative sides: no overlap
    inter = sides[..., 0] * sides[..., 1]
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "box_iou_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Two 2x2 boxes overlapping in a 1x1 square: IoU = 1 / (4 + 4 - 1) = 1/7; a box far away: 0.
boxes_a = np.array([[0.0, 0.0, 2.0, 2.0], [1.0, 1.0, 3.0, 3.0]])
boxes_b = np.array([[1.0, 1.0, 3.0, 3.0], [4.0, 4.0, 5.0, 5.0]])
expect_close(box_iou(boxes_a, boxes_b), [[1 / 7, 0.0], [1.0, 0.0]], name="box_iou of two boxes against two",
             slips={"the '+1' pixel convention (areas (x2 − x1 + 1)(y2 − y1 + 1))": [[2 / 7, 0.0], [1.0, 0.0]],
                    "the intersection without clamping its width and height at 0 (two negative sides multiply to "
                    "a positive 'overlap')": [[1 / 7, 4.0], [1.0, 0.25]]})
expect_unchanged(boxes_a, [[0.0, 0.0, 2.0, 2.0], [1.0, 1.0, 3.0, 3.0]], "box_iou", "a", name="a is left unchanged")
# Boxes that only touch along an edge share no area.
expect_close(box_iou(np.array([[0.0, 0.0, 1.0, 1.0]]), np.array([[1.0, 0.0, 2.0, 1.0]])), [[0.0]],
             name="two boxes that touch along an edge")
# A point has no area: IoU 0, even with itself (the rule for an empty union, instead of 0/0 = nan).
expect_close(box_iou(np.array([[1.0, 1.0, 1.0, 1.0]]), np.array([[1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 2.0, 2.0]])),
             [[0.0, 0.0]], name="a zero-area box against itself and a box around it")
expect_equal(np.shape(box_iou(np.zeros((0, 4)), boxes_b)), (0, 2), name="the shape for no boxes in a")
print("✓ public checks passed: box_iou")

# %% nbgrader={"grade": true, "grade_id": "box_iou_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 1 to 6 boxes against 1 to 6, random real and integer coordinates (overlapping, disjoint, nested,
# touching, identical), zero-area boxes and an empty set. Compared with a box-by-box loop over the definition.
# Try them yourself now: check("week10.box_iou", box_iou)
### BEGIN HIDDEN TESTS
grade("week10.box_iou", box_iou)
### END HIDDEN TESTS

# %% [markdown]
# Here is a scene. The boxes are where the digits were placed; the numbers are the IoU of each box with the same
# box moved by 1, 2 and 3 pixels to the right, computed by your `box_iou`.

# %%
from course.explorers.nms_threshold import (make_scene, reference_average_precision, reference_box_iou,
                                            reference_nms)

scene_rng = np.random.default_rng(4)
canvas, object_boxes, object_labels = make_scene(scene_rng)
shifted = np.concatenate([object_boxes[:1] + [dx, 0, dx, 0] for dx in (1, 2, 3)])
print("IoU of the first box with itself moved 1, 2, 3 pixels:",
      mine_or_reference(box_iou, reference_box_iou, object_boxes[:1], shifted).round(3))

fig, ax = plt.subplots(figsize=(3.6, 3.6))
ax.imshow(canvas, cmap="gray_r", vmin=-0.2, vmax=1)
for (x1, y1, x2, y2), label in zip(object_boxes, object_labels):
    ax.add_patch(plt.Rectangle((x1 - 0.5, y1 - 0.5), x2 - x1, y2 - y1, fill=False, color="C2", lw=2))
    ax.text(x1 - 0.5, y1 - 1, str(label), color="C2", fontweight="bold")
ax.set_title("a scene: digits and their boxes (xyxy)", fontsize=9)
ax.axis("off")
plt.show()

# %% [markdown]
# ## 2. Non-maximum suppression
#
# A detector looks at many overlapping places and fires on every one that looks like a digit: around each object
# it usually reports a cluster of boxes, shifted by a pixel or two, with slightly different scores. **Non-maximum
# suppression** (NMS) keeps one box per object, greedily:
#
# 1. sort the boxes by score, highest first;
# 2. take the best remaining box and **keep** it;
# 3. **remove** every remaining box whose IoU with it is **above** the threshold (they are duplicates of it);
# 4. repeat until no box remains.
#
# Only kept boxes suppress: a box removed in step 3 removes nothing. So in a chain A–B–C where A overlaps B and B
# overlaps C but A does not overlap C, A suppresses B and C survives. The threshold trades duplicates (threshold
# too high: two boxes kept for one object) against merged neighbours (too low: a box of a nearby object is
# suppressed as a duplicate). Detectors run NMS **per class**; 0.5 is a common threshold, 0.7 for region proposals.
# Soft-NMS (decay the scores instead of removing) and learned set prediction (DETR, which needs no NMS at all) are
# the modern variants.
#
# ### Exercise 2 — `nms`
#
# `boxes` `(K, 4)` xyxy, `scores` `(K,)`, a number `iou_threshold`. Return the indices of the kept boxes as an
# integer array, **in descending order of score**. A box is suppressed when its IoU with a kept box is strictly
# greater than `iou_threshold` (an IoU equal to the threshold does not suppress, as in torchvision). **Ties in
# score**: the lower index first (`np.argsort(-scores, kind="stable")` does it). You may use your `box_iou`. With no
# boxes, return an empty integer array.

# %% nbgrader={"grade": false, "grade_id": "nms", "locked": false, "schema_version": 3, "solution": true, "task": false}
def nms(boxes, scores, iou_threshold):
    """Greedy non-maximum suppression. boxes : (K, 4) xyxy; scores : (K,).

    Returns the kept indices (integers) by descending score; ties in score: lower index first. A box is removed
    when its IoU with a kept box is > iou_threshold.
    """
    ### BEGIN SOLUTION
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    iou = box_iou(boxes, boxes)
    keep = []
    while order.size:
        best, order = order[0], order[1:]
        keep.append(best)
        order = order[iou[best, order] <= iou_threshold]        # drop the duplicates of the box just kept
    return np.array(keep, dtype=int)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "nms_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Box 1 is box 0 shifted by one pixel (IoU 0.82); box 2 overlaps box 0 a little (0.11) and box 1 a bit more (0.18);
# box 3 is the top half of box 0: IoU exactly 0.5, which is not ABOVE the threshold 0.5.
boxes_nms = np.array([[0.0, 0.0, 10.0, 10.0], [1.0, 0.0, 11.0, 10.0], [8.0, 0.0, 18.0, 10.0], [0.0, 0.0, 10.0, 5.0]])
scores_nms = np.array([0.9, 0.8, 0.7, 0.6])
expect_close(nms(boxes_nms, scores_nms, 0.5), [0, 2, 3], name="nms with iou_threshold 0.5",
             slips={"suppressing at IoU >= threshold (only an IoU above the threshold suppresses)": [0, 2]})
# With 0.15, box 1 (suppressed by box 0) must not suppress box 2: only kept boxes suppress.
expect_close(nms(boxes_nms, scores_nms, 0.15), [0, 2], name="nms with iou_threshold 0.15",
             slips={"letting a suppressed box suppress others (only kept boxes suppress)": [0]})
# Two copies of one box with the same score: the lower index is kept.
expect_close(nms(np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0]]), np.array([0.5, 0.5]), 0.5), [0],
             name="a tie in score", slips={"the higher index first on ties (ties: the lower index first)": [1]})
expect_unchanged(scores_nms, [0.9, 0.8, 0.7, 0.6], "nms", "scores", name="scores are left unchanged")
print("✓ public checks passed: nms (threshold, a chain, a tie)")

# %% nbgrader={"grade": true, "grade_id": "nms_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: clusters of 2 to 6 jittered boxes around 1 to 5 objects with random scores, thresholds 0.1 to 0.7,
# a chain, IoU exactly at the threshold, tied scores, no boxes. Compared with greedy NMS written box by box.
# Try them yourself now: check("week10.nms", nms)
### BEGIN HIDDEN TESTS
grade("week10.nms", nms)
### END HIDDEN TESTS

# %% [markdown]
# ### Explorer: the two thresholds of a detector's output
#
# The candidates below are what a dense detector says about four digits: a cluster of boxes around each (shifted
# by up to two pixels, the best score at the right place) and a dozen weaker false alarms. First the **score
# threshold** drops the unconvincing boxes, then NMS removes duplicates. Things to try:
#
# * IoU threshold 0.9: nearly nothing is a duplicate any more, and each digit keeps several boxes (false alarms);
# * IoU threshold 0.1: fine here, since no two digits overlap; in crowded scenes it would suppress neighbours;
# * score threshold 0: every false alarm in the background survives NMS (it overlaps nothing); 0.6 and up: digits
#   start to be missed.
#
# The status line counts digits found (a kept box with IoU ≥ 0.5), false alarms and misses. §4 passes the explorer
# the candidates of the detector we train.

# %%
from course.explorers import nms_explorer

nms_explorer(nms)

# %% [markdown]
# ## 3. Evaluating a detector: precision, recall and average precision
#
# A detector's output on a test set is a list of detections `(image, box, score)`; the truth is a list of objects
# `(image, box)`. Go through the detections **by descending score** and decide for each whether it is a **true
# positive**: it is when its best IoU with a **not yet matched** object *of the same image* is at least the
# threshold (0.5), and that object is then matched; otherwise (a duplicate of an object already found, or nothing
# there) it is a **false positive**. After the first $k$ detections,
#
# $$\text{precision}_k = \frac{TP_k}{k},\qquad \text{recall}_k = \frac{TP_k}{G},$$
#
# with $G$ the number of objects. Lowering the score threshold walks along this list: recall can only grow,
# precision goes up and down. **Average precision** (AP) summarises the whole precision–recall curve as the area
# under it, after replacing each precision by the best precision at that recall *or any higher one* (the
# **envelope**: a detector that reaches higher precision further down the list gets credit for it at the lower
# recalls):
#
# $$\text{AP} = \sum_k (r_k - r_{k-1})\, \max_{j \ge k} p_j .$$
#
# Only true positives raise the recall, so each found object adds $\frac1G \max_{j\ge k} p_j$. This is the
# "all-point" AP of Pascal VOC since 2010; VOC 2007 averaged the envelope at 11 recall levels 0, 0.1, …, 1, and COCO
# averages 101 levels. **mAP** is the mean of the per-class APs; COCO's headline "AP" also averages over IoU
# thresholds 0.5, 0.55, …, 0.95, which rewards tight boxes.
#
# ### Exercise 3 — `average_precision`
#
# `detections` of shape `(K, 6)`, rows `(image, x1, y1, x2, y2, score)`; `ground_truth` `(G, 5)`, rows
# `(image, x1, y1, x2, y2)`, $G \ge 1$, one class; `iou_threshold` (default 0.5). Go through the detections by
# descending score (ties: lower index first); match each to the unmatched object of its image with the highest
# IoU, if that IoU is ≥ `iou_threshold` (ties in IoU: the lower index). Return the all-point AP above as a float
# (0.0 when there are no detections).

# %% nbgrader={"grade": false, "grade_id": "average_precision", "locked": false, "schema_version": 3, "solution": true, "task": false}
def average_precision(detections, ground_truth, iou_threshold=0.5):
    """All-point average precision of one class.

    detections : (K, 6) rows (image, x1, y1, x2, y2, score); ground_truth : (G, 5) rows (image, x1, y1, x2, y2).
    Greedy matching by descending score, each object matched at most once, IoU >= iou_threshold.
    """
    ### BEGIN SOLUTION
    detections = np.asarray(detections, dtype=float).reshape(-1, 6)
    ground_truth = np.asarray(ground_truth, dtype=float).reshape(-1, 5)
    order = np.argsort(-detections[:, 5], kind="stable")
    matched = np.zeros(len(ground_truth), dtype=bool)
    hits = np.zeros(len(order), dtype=bool)
    for rank, k in enumerate(order):
        candidates = np.flatnonzero((ground_truth[:, 0] == detections[k, 0]) & ~matched)
        if candidates.size == 0:
            continue
        overlaps = box_iou(detections[k:k + 1, 1:5], ground_truth[candidates, 1:5])[0]
        best = int(np.argmax(overlaps))                    # argmax: the first of tied IoUs
        if overlaps[best] >= iou_threshold:
            matched[candidates[best]] = hits[rank] = True
    true_positives = np.cumsum(hits)
    precision = true_positives / np.arange(1, len(hits) + 1)
    recall = true_positives / len(ground_truth)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]        # the best precision at this rank or later
    return float(np.sum(np.diff(np.concatenate([[0.0], recall])) * envelope))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "average_precision_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Three objects in one image. By descending score: a false alarm (0.95), object 0 found (0.9), object 0 found AGAIN
# (0.8: a duplicate, a false positive), object 1 (0.7), object 2 (0.6). Precision 0, 1/2, 1/3, 2/4, 3/5 and recall
# 0, 1/3, 1/3, 2/3, 1: the envelope is 0.6 at every recall, so AP = 0.6.
objects_ap = np.array([[0, 0, 0, 10, 10], [0, 20, 0, 30, 10], [0, 40, 0, 50, 10]], dtype=float)
detections_ap = np.array([[0, 60, 60, 70, 70, 0.95], [0, 0, 0, 10, 10, 0.9], [0, 0, 0, 10, 10, 0.8],
                          [0, 20, 0, 30, 10, 0.7], [0, 40, 0, 50, 10, 0.6]])
expect_close(average_precision(detections_ap, objects_ap), 0.6, name="AP of five detections of three objects",
             slips={"the raw precision, without the envelope (use the best precision at this recall or higher)":
                    (0.5 + 0.5 + 0.6) / 3,
                    "matching an object twice (a duplicate detection is a false positive)": 3.2 / 3})
# Detections in another image do not find these objects; an IoU of exactly 0.5 is a match.
expect_close(average_precision(np.array([[1, 0, 0, 10, 10, 0.9]]), objects_ap[:1]), 0.0,
             name="a detection in image 1 of an object in image 0")
expect_close(average_precision(np.array([[0, 0, 0, 10, 20, 0.9]]), objects_ap[:1]), 1.0,
             name="a detection with IoU exactly 0.5")
expect_unchanged(detections_ap[:, 5], [0.95, 0.9, 0.8, 0.7, 0.6], "average_precision", "detections",
                 name="detections are left unchanged")
print("✓ public checks passed: average_precision")

# %% nbgrader={"grade": true, "grade_id": "average_precision_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 1 to 5 images with 1 to 5 objects each, 0 to 2 detections per object (jittered, duplicates) and
# false alarms, thresholds 0.3 to 0.7; duplicates, objects in other images, an IoU exactly at the threshold, a
# precision that rises again, no detections. Compared with AP computed from its definition by a separate loop.
# Try them yourself now: check("week10.average_precision", average_precision)
### BEGIN HIDDEN TESTS
grade("week10.average_precision", average_precision)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. A detector trained in seconds
#
# **The sliding-window idea.** Train a classifier on 8 × 8 windows, with 11 classes: the ten digits and
# "background"; then slide it over the canvas and report every window where a digit wins. Run naively, that is
# $33 \times 33 = 1089$ classifier calls per 40 × 40 scene. But if the classifier is a **fully convolutional**
# network whose layers shrink an 8 × 8 input to a single 1 × 1 output (three 3 × 3 convolutions and a 2 × 2 one,
# no padding), then the same network applied to the whole canvas computes all 1089 windows at once, sharing the
# work of overlapping windows: a 33 × 33 map of class scores (OverFeat, 2013). That is the bridge to modern
# detectors:
#
# * **One-stage detectors (YOLO, SSD, RetinaNet)** predict, at every cell of a coarse grid, class scores and a
#   box *relative to a few* **anchor boxes** (preset shapes: tall, wide, small, large) centred on the cell: offsets
#   of the centre and log-scales of the width and height. Training assigns each object to the anchors it overlaps
#   with IoU ≥ 0.5 (positives), anchors below 0.4 are background, the rest are ignored, which is what we do with our
#   windows below. NMS cleans up the output. Fast: one pass, no second stage.
# * **Two-stage detectors (R-CNN, Fast/Faster R-CNN, Mask R-CNN)** first propose a few hundred regions likely to
#   hold *some* object (selective search, later a small region-proposal network over anchors), then crop each
#   region's features (RoI pooling) and classify and refine it with a second network. Slower, traditionally more
#   accurate on small and crowded objects.
# * **Transformers (DETR)** predict a fixed set of boxes and match them to the objects one to one during training:
#   no anchors, no NMS.
#
# Our digits all have the same size, so one anchor shape (8 × 8) suffices and the "box regression" is only the
# window's position. Training windows: IoU ≥ 0.6 with a digit → that digit's class; below 0.3 with every digit →
# background (two background windows per digit window, drawn at random); in between → not used. Here are the
# anchors of one scene that your `box_iou` assigns to digits:

# %%
from sklearn.datasets import load_digits

digits = load_digits()
digit_images, digit_labels = digits.images / 16.0, digits.target
split_rng = np.random.default_rng(0)
digit_order = split_rng.permutation(len(digit_images))
train_pool, test_pool = digit_order[:1400], digit_order[1400:]        # test scenes use digits never trained on
SIZE, MAP = 40, 40 - 7                                                 # canvas; the 33 x 33 map of windows
rows_, cols_ = np.mgrid[0:MAP, 0:MAP]
windows = np.stack([cols_.ravel(), rows_.ravel(), cols_.ravel() + 8, rows_.ravel() + 8], axis=1).astype(float)


def window_targets(boxes, labels, iou=reference_box_iou):
    """The class each of the 1089 windows is trained on: a digit (IoU >= 0.6), background 10 (< 0.3) or -1 (unused)."""
    overlaps = iou(windows, boxes)
    best, which = overlaps.max(axis=1), overlaps.argmax(axis=1)
    target = np.full(len(windows), -1)
    target[best < 0.3] = 10
    target[best >= 0.6] = labels[which[best >= 0.6]]
    return target


demo_targets = window_targets(object_boxes, object_labels, lambda w, b: mine_or_reference(box_iou, reference_box_iou, w, b))
print(f"{np.sum((demo_targets >= 0) & (demo_targets < 10))} windows are positives for the {len(object_boxes)} "
      f"digits, {np.sum(demo_targets == 10)} are background, {np.sum(demo_targets == -1)} are not used")

# %% [markdown]
# The network: 16, 32 and 32 channels of 3 × 3 convolutions with ReLU, and a 2 × 2 convolution to 11 class scores:
# about 15,500 parameters. We train it on windows cut from 300 training scenes for 6 epochs (a few seconds), then
# run it on whole test scenes.

# %%
def make_scenes(count, pool, seed, **options):
    rng = np.random.default_rng(seed)
    return [make_scene(rng, SIZE, pool=pool, **options) for _ in range(count)]


train_scenes, test_scenes = make_scenes(300, train_pool, 1), make_scenes(100, test_pool, 2)
crop_rng = np.random.default_rng(5)
crops, crop_labels = [], []
for scene_canvas, boxes, labels in train_scenes:
    target = window_targets(boxes, labels)
    positives = np.flatnonzero((target >= 0) & (target < 10))
    negatives = crop_rng.choice(np.flatnonzero(target == 10), size=2 * len(positives), replace=False)
    for k in np.concatenate([positives, negatives]):
        x, y = int(windows[k, 0]), int(windows[k, 1])
        crops.append(scene_canvas[y:y + 8, x:x + 8])
        crop_labels.append(target[k])
crops = torch.tensor(np.array(crops), dtype=torch.float32)[:, None]
crop_labels = torch.tensor(np.array(crop_labels))

torch.manual_seed(0)
detector = nn.Sequential(nn.Conv2d(1, 16, 3), nn.ReLU(), nn.Conv2d(16, 32, 3), nn.ReLU(), nn.Conv2d(32, 32, 3),
                         nn.ReLU(), nn.Conv2d(32, 11, 2))
epochs, batch_size = 6, 256
optimiser = torch.optim.Adam(detector.parameters(), lr=3e-3)
schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=5e-3,
                                               total_steps=epochs * math.ceil(len(crops) / batch_size))
started = time.perf_counter()
for epoch in range(epochs):
    order = torch.randperm(len(crops))
    for first in range(0, len(crops), batch_size):
        batch = order[first:first + batch_size]
        loss = F.cross_entropy(detector(crops[batch]).flatten(1), crop_labels[batch])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
detector_seconds = time.perf_counter() - started
print(f"{len(crops):,} training windows, {sum(p.numel() for p in detector.parameters()):,} parameters, "
      f"{detector_seconds:.1f} s of training")

# %% [markdown]
# Detection on the 100 test scenes: the network's softmax over the 33 × 33 windows gives, for each window, its most
# likely digit and that digit's probability as the score. Keep windows scoring above 0.05, run NMS per class, and
# compute the AP of each class over the test scenes (your `nms` and `average_precision` once they are written).
# The table compares NMS thresholds, and no NMS at all.

# %%
with torch.no_grad():
    test_canvases = torch.tensor(np.array([s[0] for s in test_scenes]), dtype=torch.float32)[:, None]
    window_probabilities = torch.softmax(detector(test_canvases), dim=1).numpy().reshape(len(test_scenes), 11, -1)
objects_by_class = {c: np.array([[i, *box] for i, (_, boxes, labels) in enumerate(test_scenes)
                                 for box, label in zip(boxes, labels) if label == c]).reshape(-1, 5)
                    for c in range(10)}


def detect(image, iou_threshold, suppress=True, score_threshold=0.05):
    """Detections (class, x1, y1, x2, y2, score) of one test scene."""
    probabilities = window_probabilities[image]
    classes, scores = probabilities[:10].argmax(axis=0), probabilities[:10].max(axis=0)
    found = []
    for c in range(10):
        chosen = np.flatnonzero((classes == c) & (scores > score_threshold))
        if suppress and chosen.size:
            chosen = chosen[mine_or_reference(nms, reference_nms, windows[chosen], scores[chosen], iou_threshold)]
        found += [[c, *windows[k], scores[k]] for k in chosen]
    return np.array(found).reshape(-1, 6)


def mean_ap(iou_threshold, suppress=True):
    detections = [np.column_stack([np.full(len(d), i), d]) for i, d in
                  enumerate(detect(i, iou_threshold, suppress) for i in range(len(test_scenes)))]
    detections = np.concatenate(detections)
    per_class = [mine_or_reference(average_precision, reference_average_precision,
                                   detections[detections[:, 1] == c][:, [0, 2, 3, 4, 5, 6]], objects_by_class[c])
                 for c in range(10)]
    return {"mAP (IoU 0.5)": float(np.mean(per_class)), "detections": len(detections),
            "worst class": int(np.argmin(per_class)), "its AP": float(np.min(per_class))}


detection_table = pd.DataFrame({f"NMS at IoU {t}": mean_ap(t) for t in (0.1, 0.3, 0.5, 0.7)}
                               | {"no NMS": mean_ap(0.5, suppress=False)}).T
detection_table["detections"] = detection_table["detections"].astype(int)
detection_table["worst class"] = detection_table["worst class"].astype(int)
print(f"{sum(len(v) for v in objects_by_class.values())} digits in the 100 test scenes")
detection_table

# %% [markdown]
# Without NMS every digit is reported a dozen times and all the duplicates count as false positives: the mAP falls
# to less than half of what NMS gives. The threshold matters too: at 0.5 and above, windows two pixels off the best
# one (an IoU below 0.5 with it) survive as duplicates and cost precision; 0.3 removes them, and 0.1 is nearly as
# good, because our digits never overlap (in a crowded scene so low a threshold would suppress neighbouring
# objects). The detector finds most digits; its misses and confusions are the digits that look alike at 8 × 8 (the
# worst class is in the table).
#
# Per-class NMS leaves one more kind of duplicate: a window a pixel or two off a digit is sometimes read as another
# digit (a shifted 8 looks like a 1 or a 9), and boxes of different classes never suppress each other. Many detectors
# therefore run NMS once more **across classes** before showing their boxes; the left picture below is per class
# only, the right one after NMS across classes at 0.3. A few wrong boxes survive even that: windows that see only a
# part of a digit, whose one stroke looks like a 1. Our training windows were almost all pure background or centred
# digits; training on more **hard negatives** (windows that overlap a digit a little, labelled background) is the
# classic cure. Then the explorer again, on this detector's own candidates (all windows scoring above 0.05 in that
# scene, whatever their class).

# %%
test_image = 3
found = detect(test_image, 0.3)
found = found[found[:, 5] > 0.5]
across = found[mine_or_reference(nms, reference_nms, found[:, 1:5], found[:, 5], 0.3)]
fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.6))
for ax, shown, title in zip(axes, (found, across), ("per-class NMS, scores above 0.5", "then NMS across classes")):
    ax.imshow(test_scenes[test_image][0], cmap="gray_r", vmin=-0.2, vmax=1)
    for c, x1, y1, x2, y2, score in shown:
        ax.add_patch(plt.Rectangle((x1 - 0.5, y1 - 0.5), 8, 8, fill=False, color="C2", lw=2))
        ax.text(x1 - 0.5, y1 - 1, f"{int(c)} ({score:.2f})", color="C2", fontsize=8, fontweight="bold")
    ax.set_title(f"{title}: {len(shown)} boxes", fontsize=9)
    ax.axis("off")
plt.show()
print("digits in this scene:", test_scenes[test_image][2], "; detected after NMS across classes:",
      across[:, 0].astype(int))

# %%
from course.explorers.nms_threshold import Scene

probabilities = window_probabilities[test_image]
candidate_scores = probabilities[:10].max(axis=0)
candidates = np.flatnonzero(candidate_scores > 0.05)
nms_explorer(nms, scene=Scene(test_scenes[test_image][0], test_scenes[test_image][1], windows[candidates],
                              candidate_scores[candidates]), score_threshold=0.5)

# %% [markdown]
# ## 5. Segmentation: a label for every pixel
#
# **Semantic segmentation** classifies each pixel (here: digit stroke or background); **instance segmentation**
# (Mask R-CNN) also separates the objects; **panoptic** does both. The output is a mask the size of the image, so
# the network must not shrink the image away: a fully convolutional network with **padding** (or, for real images,
# an encoder that downsamples and a decoder that upsamples back, with skip connections between them: the U-Net).
#
# Masks are compared as sets of pixels. With $P$ the predicted pixels and $T$ the true ones,
#
# $$\text{IoU} = \frac{|P \cap T|}{|P \cup T|},\qquad \text{Dice} = \frac{2|P \cap T|}{|P| + |T|} =
#   \frac{2\,\text{IoU}}{1 + \text{IoU}},$$
#
# so Dice (the F1 score of the pixels) is always at least the IoU, and ranks models the same way. Pixel accuracy is
# a poor measure: 96 % of our canvas is background, and a network that predicts "background" everywhere has 96 %
# accuracy and Dice 0.
#
# The same scenes with **three times the noise** (σ = 0.3), the true mask being the digit pixels brighter than 0.3
# before the noise. A threshold on the noisy brightness is the baseline; a three-layer convolutional network
# (padding 1, so that it keeps the 40 × 40 size) sees each pixel's neighbourhood and can tell a stroke from a noisy
# pixel.

# %%
def dice_and_iou(predicted, true):
    intersection, union = np.sum(predicted & true), np.sum(predicted | true)
    return 2 * intersection / (predicted.sum() + true.sum()), intersection / union


noisy_train = make_scenes(300, train_pool, 11, noise=0.3, clean=True)
noisy_test = make_scenes(100, test_pool, 12, noise=0.3, clean=True)
segment_inputs = torch.tensor(np.array([s[0] for s in noisy_train]), dtype=torch.float32)[:, None]
segment_masks = torch.tensor(np.array([s[3] > 0.3 for s in noisy_train]), dtype=torch.float32)[:, None]
torch.manual_seed(0)
segmenter = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(),
                          nn.Conv2d(16, 1, 3, padding=1))
optimiser = torch.optim.Adam(segmenter.parameters(), lr=1e-2)
started = time.perf_counter()
for step in range(100):
    batch = torch.randint(0, len(segment_inputs), (32,))
    loss = F.binary_cross_entropy_with_logits(segmenter(segment_inputs[batch]), segment_masks[batch])
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
segmenter_seconds = time.perf_counter() - started
true_masks = np.array([s[3] > 0.3 for s in noisy_test])
noisy_canvases = np.array([s[0] for s in noisy_test])
with torch.no_grad():
    network_masks = segmenter(torch.tensor(noisy_canvases, dtype=torch.float32)[:, None])[:, 0].numpy() > 0
segmentation = pd.DataFrame({
    "threshold the noisy pixels at 0.5": dice_and_iou(noisy_canvases > 0.5, true_masks),
    f"3-layer CNN ({segmenter_seconds:.1f} s of training)": dice_and_iou(network_masks, true_masks),
    "'background' everywhere": dice_and_iou(np.zeros_like(true_masks), true_masks)}, index=["Dice", "IoU"]).T
print(f"{1 - true_masks.mean():.0%} of the test pixels are background")
segmentation

# %%
fig, axes = plt.subplots(1, 4, figsize=(10, 2.8))
for ax, picture, title in zip(axes, (noisy_canvases[0], true_masks[0], noisy_canvases[0] > 0.5, network_masks[0]),
                              ("noisy scene (σ = 0.3)", "true mask", "threshold at 0.5", "CNN mask")):
    ax.imshow(picture, cmap="gray_r")
    ax.set_title(title, fontsize=9)
    ax.axis("off")
plt.show()

# %% [markdown]
# The threshold keeps the brightest noise pixels and breaks the faint strokes; the network, which sees 7 × 7
# neighbourhoods, cleans up most of both. Its masks are still ragged at the edges of the strokes, where even the
# true mask (a threshold of the clean image) is a matter of convention.
#
# ## 6. Word embeddings: skip-gram with negative sampling
#
# A network that reads words needs numbers for them. One-hot vectors make every word equally far from every other;
# an **embedding** gives each word a dense vector of, say, 64 numbers, learnt so that words used in similar contexts
# get similar vectors ("you shall know a word by the company it keeps", Firth, 1957). **word2vec's skip-gram**
# (Mikolov et al., 2013) learns them by predicting, from each word, the words around it.
#
# **Training pairs.** For each position $i$ of a text and each position $j$ with $0 < |i - j| \le$ `window`,
# the pair (centre $w_i$, context $w_j$) is a positive example.
#
# **Negative sampling.** Predicting the context word with a softmax over the whole vocabulary costs $O(V)$ per pair.
# Instead, each word gets two vectors, $v_w$ (as a centre) and $u_w$ (as a context), and the model learns to tell the
# true context $o$ from $K$ **negative** words drawn at random from the unigram distribution raised to the power
# 3/4 (which draws rare words a little more often than their frequency):
#
# $$\ell = -\log\sigma(u_o^\top v_c) - \sum_{k=1}^{K}\log\sigma(-u_{n_k}^\top v_c),$$
#
# a logistic regression of "real pair" against "random pair". Its gradients, with $s_o = u_o^\top v_c$ and
# $s_k = u_{n_k}^\top v_c$ (use $\frac{d}{ds}\log\sigma(s) = \sigma(-s)$):
#
# $$\frac{\partial\ell}{\partial v_c} = -\sigma(-s_o)\,u_o + \sum_k \sigma(s_k)\,u_{n_k},\qquad
#   \frac{\partial\ell}{\partial u_o} = -\sigma(-s_o)\,v_c,\qquad
#   \frac{\partial\ell}{\partial u_{n_k}} = \sigma(s_k)\,v_c .$$
#
# Compute $\log\sigma(s)$ as `-np.logaddexp(0, -s)`: `np.log(1 / (1 + np.exp(-s)))` overflows for $s < -709$
# and gives `-inf`.
#
# ### Exercise 4 — `skipgram_pairs`
#
# `tokens`: a sequence of integer word ids; `window` ≥ 1. Return an integer array of shape `(P, 2)`, rows
# `(centre, context)`, **in this order**: positions $i$ from left to right, and for each, the context positions
# $j$ from $i - $ `window` to $i + $ `window` left to right, skipping $j = i$ and positions outside the text. A text
# without pairs gives shape `(0, 2)`.

# %% nbgrader={"grade": false, "grade_id": "skipgram_pairs", "locked": false, "schema_version": 3, "solution": true, "task": false}
def skipgram_pairs(tokens, window):
    """(centre, context) pairs of integer word ids, shape (P, 2): for each position i in order, the positions
    i - window .. i + window left to right, except i itself and positions outside the text."""
    ### BEGIN SOLUTION
    tokens = list(tokens)
    pairs = []
    for i, centre in enumerate(tokens):
        for j in range(max(0, i - window), min(len(tokens), i + window + 1)):
            if j != i:
                pairs.append((centre, tokens[j]))
    return np.array(pairs, dtype=int).reshape(-1, 2)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "skipgram_pairs_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
expect_close(skipgram_pairs(np.array([10, 11, 12, 13]), 1),
             [[10, 11], [11, 10], [11, 12], [12, 11], [12, 13], [13, 12]], name="pairs of 4 words with window 1",
             slips={"the centre word as its own context (skip position i itself)":
                    [[10, 10], [10, 11], [11, 10], [11, 11], [11, 12], [12, 11], [12, 12], [12, 13], [13, 12],
                     [13, 13]]})
expect_close(skipgram_pairs([1, 2, 3], 2), [[1, 2], [1, 3], [2, 1], [2, 3], [3, 1], [3, 2]],
             name="3 words with window 2 (a list works too)")
expect_equal(np.shape(skipgram_pairs(np.array([5]), 2)), (0, 2), name="the shape for a one-word text")
print("✓ public checks passed: skipgram_pairs")

# %% nbgrader={"grade": true, "grade_id": "skipgram_pairs_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: texts of 1 to 30 tokens, windows 1 to 10 (also longer than the text). Compared with a loop over
# every offset, in the order of the contract.
# Try them yourself now: check("week10.skipgram_pairs", skipgram_pairs)
### BEGIN HIDDEN TESTS
grade("week10.skipgram_pairs", skipgram_pairs)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 5 — `negative_sampling_loss`
#
# A batch of $B$ pairs: `centre` $(B, D)$ holds the $v_c$, `context` $(B, D)$ the $u_o$, `negatives` $(B, K, D)$
# the $u_{n_k}$ of each pair. Return `(loss, d_centre, d_context, d_negatives)`: the **mean** over the batch of
# $\ell$ above (a float), and its gradients with respect to the three arrays (their shapes), as PyTorch's autograd
# gives them. Stay finite for scores in the thousands.

# %% nbgrader={"grade": false, "grade_id": "negative_sampling_loss", "locked": false, "schema_version": 3, "solution": true, "task": false}
def negative_sampling_loss(centre, context, negatives):
    """Mean over the batch of -log σ(u_o·v) - Σ_k log σ(-u_k·v), and its gradients.

    centre, context : (B, D); negatives : (B, K, D). Returns (loss, d_centre, d_context, d_negatives).
    """
    ### BEGIN SOLUTION
    def log_sigmoid(s):
        return -np.logaddexp(0.0, -s)

    batch = len(centre)
    positive = np.sum(context * centre, axis=1)                      # s_o, (B,)
    negative = np.einsum("bkd,bd->bk", negatives, centre)            # s_k, (B, K)
    loss = -np.mean(log_sigmoid(positive) + np.sum(log_sigmoid(-negative), axis=1))
    pull = -np.exp(log_sigmoid(-positive)) / batch                   # dloss/ds_o = -σ(-s_o) / B
    push = np.exp(log_sigmoid(negative)) / batch                     # dloss/ds_k = σ(s_k) / B
    d_centre = pull[:, None] * context + np.einsum("bk,bkd->bd", push, negatives)
    return float(loss), d_centre, pull[:, None] * centre, push[:, :, None] * centre[:, None, :]
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "negative_sampling_loss_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# One pair: v = (1, 0), u_o = (2, 0), negatives (0, 1) and (-1, 0): scores s_o = 2, s_1 = 0, s_2 = -1.
# loss = log(1 + e^-2) + log 2 + log(1 + e^-1) = 1.133337.
loss, d_centre, d_context, d_negatives = negative_sampling_loss(np.array([[1.0, 0.0]]), np.array([[2.0, 0.0]]),
                                                                np.array([[[0.0, 1.0], [-1.0, 0.0]]]))
expect_close(loss, 1.1333368791, rtol=1e-8, name="the loss of one pair",
             slips={"log σ(+u_k·v) for the negatives (they enter with a minus sign: log σ(−u_k·v))": 2.1333368791})
expect_close(d_centre, [[-0.50734727, 0.5]], rtol=1e-6, name="d_centre = -σ(-2)·u_o + σ(0)·u_1 + σ(-1)·u_2")
expect_close(d_context, [[-0.11920292, 0.0]], rtol=1e-6, atol=1e-12, name="d_context = -σ(-2)·v")
expect_close(d_negatives, [[[0.5, 0.0], [0.26894142, 0.0]]], rtol=1e-6, atol=1e-12, name="d_negatives = σ(s_k)·v")
# Scores of ±1000 must not overflow.
expect_close(negative_sampling_loss(np.array([[10.0]]), np.array([[-100.0]]), np.zeros((1, 1, 1)))[0],
             1000 + np.log(2), rtol=1e-9, name="the loss when u_o·v = -1000")
print("✓ public checks passed: negative_sampling_loss")

# %% nbgrader={"grade": true, "grade_id": "negative_sampling_loss_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: batches of 1 to 16 pairs, 1 to 10 negatives, 3 to 10 dimensions, vectors small and large (scores
# over a thousand). The loss and the three gradients compared with torch's logsigmoid and autograd in float64.
# Try them yourself now: check("week10.negative_sampling_loss", negative_sampling_loss)
### BEGIN HIDDEN TESTS
grade("week10.negative_sampling_loss", negative_sampling_loss)
### END HIDDEN TESTS

# %% [markdown]
# ### Embeddings of Python's documentation
#
# Our text: the docstrings of about a hundred standard-library modules and their classes, functions and methods,
# about 125,000 words of English about programming (every Python installation has it; the exact count depends on
# the Python version). The words seen at least 5 times (about 2,300) form the vocabulary; very frequent words ("the",
# "a") are randomly thinned, as word2vec does, so that they do not dominate the pairs. Window 3, 5 negatives, 64
# dimensions, two passes over the pairs with PyTorch (the loss is the one you wrote, with `F.logsigmoid`).

# %%
doc_modules = ["collections", "itertools", "functools", "os", "re", "json", "random", "statistics", "textwrap",
               "string", "math", "pathlib", "datetime", "inspect", "argparse", "logging", "subprocess", "shutil",
               "heapq", "dataclasses", "unittest", "socket", "threading", "decimal", "fractions", "csv",
               "sqlite3", "zipfile", "tarfile", "urllib.parse", "http.client", "asyncio", "enum", "abc", "io",
               "pickle", "copy", "pprint", "difflib", "calendar", "time", "ast", "tokenize", "glob", "fnmatch",
               "tempfile", "hashlib", "base64", "struct", "array", "bisect", "weakref", "contextlib", "operator",
               "traceback", "warnings", "gettext", "locale", "codecs", "unicodedata", "optparse", "configparser",
               "queue", "sched", "selectors", "signal", "mmap", "platform", "sysconfig", "zlib", "gzip", "bz2",
               "lzma", "smtplib", "imaplib", "ftplib", "poplib", "xml.dom.minidom", "xml.etree.ElementTree",
               "html.parser", "wave", "colorsys", "cmd", "shlex", "pdb", "doctest", "timeit", "trace", "pstats"]
docstrings = []
for module_name in doc_modules:
    module = importlib.import_module(module_name)
    docstrings.append(inspect.getdoc(module) or "")
    for _, member in inspect.getmembers(module):
        if inspect.isfunction(member) or inspect.isclass(member) or inspect.isbuiltin(member):
            docstrings.append(inspect.getdoc(member) or "")
            if inspect.isclass(member):
                docstrings += [inspect.getdoc(method) or "" for _, method in inspect.getmembers(member, inspect.isfunction)]
docstrings = [d for d in dict.fromkeys(docstrings) if d]            # each docstring once
words = re.findall(r"[a-z]+", " ".join(docstrings).lower())
word_counts = collections.Counter(words)
vocabulary = [w for w, c in word_counts.most_common() if c >= 5][:2500]
word_index = {w: i for i, w in enumerate(vocabulary)}
token_ids = np.array([word_index[w] for w in words if w in word_index])
frequency = np.bincount(token_ids, minlength=len(vocabulary)) / len(token_ids)
thin_rng = np.random.default_rng(0)
kept = thin_rng.random(len(token_ids)) < np.minimum(1, np.sqrt(1e-3 / frequency[token_ids]) + 1e-3 / frequency[token_ids])
pairs = torch.tensor(mine_or_reference(skipgram_pairs, importlib.import_module(
    "course.exercises.week10").skipgram_pairs_reference, token_ids[kept], 3))
print(f"{len(docstrings):,} docstrings, {len(words):,} words, a vocabulary of {len(vocabulary):,}; "
      f"{kept.sum():,} tokens after thinning, {len(pairs):,} (centre, context) pairs")

# %%
torch.manual_seed(0)
sampler = torch.Generator().manual_seed(0)
dimensions, negatives_per_pair = 64, 5
centre_vectors, context_vectors = nn.Embedding(len(vocabulary), dimensions), nn.Embedding(len(vocabulary), dimensions)
nn.init.uniform_(centre_vectors.weight, -0.5 / dimensions, 0.5 / dimensions)
nn.init.zeros_(context_vectors.weight)
noise_distribution = torch.tensor(frequency ** 0.75)
optimiser = torch.optim.Adam([*centre_vectors.parameters(), *context_vectors.parameters()], lr=0.02)
started, embedding_losses = time.perf_counter(), []
for epoch in range(2):
    order = torch.randperm(len(pairs), generator=sampler)
    for first in range(0, len(pairs), 2048):
        batch = pairs[order[first:first + 2048]]
        v, u = centre_vectors(batch[:, 0]), context_vectors(batch[:, 1])
        drawn = torch.multinomial(noise_distribution, len(batch) * negatives_per_pair, replacement=True,
                                  generator=sampler).view(len(batch), negatives_per_pair)
        loss = -(F.logsigmoid((u * v).sum(-1))
                 + F.logsigmoid(-torch.einsum("bkd,bd->bk", context_vectors(drawn), v)).sum(-1)).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        embedding_losses.append(loss.item())
embedding_seconds = time.perf_counter() - started
print(f"{embedding_seconds:.1f} s; loss {embedding_losses[0]:.2f} (6 ln 2 = {6 * np.log(2):.2f} at the start) → "
      f"{np.mean(embedding_losses[-50:]):.2f}")

# %% [markdown]
# **Cosine neighbours.** Normalise each centre vector to length 1; the cosine similarity of two words is then the
# dot product of their vectors. The five nearest neighbours of a few words:

# %%
embeddings = centre_vectors.weight.detach().numpy()
embeddings = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)


def neighbours(word, count=5):
    similarity = embeddings @ embeddings[word_index[word]]
    return [vocabulary[j] for j in np.argsort(-similarity) if vocabulary[j] != word][:count]


probe_words = [w for w in ["true", "error", "month", "socket", "thread", "file", "list", "return"] if w in word_index]
pd.DataFrame({"nearest neighbours (cosine)": [", ".join(neighbours(w)) for w in probe_words]}, index=probe_words)

# %% [markdown]
# **Analogies.** The famous result of word2vec is vector arithmetic: $v_\text{king} - v_\text{man} + v_\text{woman}$
# is closest to $v_\text{queen}$. Let us be honest about a corpus of 125,000 words (word2vec was trained on 100
# billion): we try a handful of analogies that the documentation could know, answering with the nearest word to
# $v_b - v_a + v_c$ other than $a$, $b$, $c$.

# %%
def analogy(a, b, c):
    query = embeddings[word_index[b]] - embeddings[word_index[a]] + embeddings[word_index[c]]
    similarity = embeddings @ query
    similarity[[word_index[a], word_index[b], word_index[c]]] = -np.inf
    return vocabulary[int(np.argmax(similarity))]


analogies = [("file", "files", "directory", "directories"), ("day", "days", "year", "years"),
             ("read", "write", "get", "set"), ("true", "false", "yes", "no"), ("first", "last", "start", "end"),
             ("min", "max", "minimum", "maximum"), ("open", "close", "start", "stop")]
analogies = [q for q in analogies if all(w in word_index for w in q[:3])]
analogy_table = pd.DataFrame([{"a : b": f"{a} : {b}", "c : ?": f"{c} : ?", "expected": d, "answer": analogy(a, b, c)}
                              for a, b, c, d in analogies])
analogy_table["right"] = analogy_table["expected"] == analogy_table["answer"]
print(f"{analogy_table['right'].sum()} of {len(analogy_table)} analogies right")
analogy_table

# %% [markdown]
# The neighbours are often sensible (a word and its opposite, or its plural, or the words it appears with: *true*
# sits next to *false*, *month* next to *day*, *socket* next to *address*), but some neighbours only share a
# docstring, and most analogies fail. That is what small corpora give: the geometry of word2vec emerges with
# billions of words. Embeddings learnt like this (or as the first layer of a language model, which is what BERT's
# and GPT's are) are the input layer of every network that reads text.
#
# ## 7. Language models, perplexity, greedy and beam search
#
# A **language model** gives a probability to every sequence of tokens, one token at a time:
# $p(w_1, \dots, w_T) = \prod_t p(w_t \mid w_{<t})$. Its quality on held-out text is the mean negative
# log-likelihood per token (the cross-entropy, in nats), or its exponential, the **perplexity**
#
# $$\text{PPL} = \exp\Big(-\frac1T\sum_{t=1}^T \log p(w_t \mid w_{<t})\Big),$$
#
# "as uncertain as a uniform choice among PPL tokens": a uniform model over $V$ words has perplexity $V$. The
# simplest useful model is the **bigram**: $p(w_t \mid w_{t-1})$ from counts, with add-$k$ smoothing so that
# unseen pairs keep a little probability. Below: a bigram model of the documentation's sentences, on the 300 most
# frequent words plus `<unk>` (every other word) and `.` (the end of a sentence), trained on 90 % of the
# docstrings and evaluated on the rest with `F.cross_entropy` (the log-probabilities play the logits).

# %%
lm_words = ["<unk>", "."] + [w for w, _ in word_counts.most_common(300)]
lm_index = {w: i for i, w in enumerate(lm_words)}


def sentences(texts):
    for text in texts:
        for sentence in re.split(r"[.!?]\s", text.lower()):
            tokens = [lm_index.get(w, 0) for w in re.findall(r"[a-z]+", sentence)]
            if tokens:
                yield tokens + [1]                            # every sentence ends with "."


cut = int(0.9 * len(docstrings))
train_sentences, val_sentences = list(sentences(docstrings[:cut])), list(sentences(docstrings[cut:]))
V = len(lm_words)
first_counts, pair_counts = np.zeros(V), np.zeros((V, V))
for s in train_sentences:
    first_counts[s[0]] += 1
    np.add.at(pair_counts, (s[:-1], s[1:]), 1)
start_logprobs = np.log((first_counts + 0.1) / (first_counts + 0.1).sum())
transition_logprobs = np.log((pair_counts + 0.1) / (pair_counts + 0.1).sum(axis=1, keepdims=True))
unigram = np.log((pair_counts.sum(axis=0) + first_counts + 0.1) / (pair_counts.sum() + first_counts.sum() + 0.1 * V))


def nats_per_token(model_logits, sequences):
    """Mean negative log-likelihood per token; model_logits(previous_tokens) gives one row of log-probs each."""
    previous = torch.tensor([p for s in sequences for p in [-1] + s[:-1]])
    targets = torch.tensor([t for s in sequences for t in s])
    return float(F.cross_entropy(model_logits(previous), targets))


bigram = lambda prev: torch.tensor(np.where(prev[:, None].numpy() < 0, start_logprobs, transition_logprobs[prev]))  # noqa: E731
val_tokens = sum(len(s) for s in val_sentences)
perplexity = pd.DataFrame({"nats per token": {
    "uniform over the 302 tokens": np.log(V),
    "unigram": nats_per_token(lambda prev: torch.tensor(np.tile(unigram, (len(prev), 1))), val_sentences),
    "bigram": nats_per_token(bigram, val_sentences)}})
perplexity["perplexity"] = np.exp(perplexity["nats per token"])
print(f"{len(train_sentences):,} training sentences, {val_tokens:,} held-out tokens")
perplexity

# %% [markdown]
# **Decoding.** To *generate* with a language model (or translate, or caption), we want a likely sequence. Choosing
# the single most likely token at each step, **greedy decoding**, is fast but short-sighted: a token that looks best
# now can lead only to poor continuations. Searching all $V^T$ sequences is impossible. **Beam search** keeps the
# `beam_width` best partial sequences (hypotheses) at each step: it extends every hypothesis by every token, scores
# each candidate by the sum of its log-probabilities, and keeps the best `beam_width` of all candidates together.
# Width 1 is greedy; a width as large as the number of sequences is exhaustive search. Because every extra token
# adds a negative log-probability, beam search prefers **short** sequences; translation systems divide the score by
# a power of the length to compensate (we do not, here).
#
# ### Exercise 6 — `beam_search`
#
# A Markov model over tokens $0 \dots V-1$: `start_logprobs` $(V,)$ are the log-probabilities of the first token,
# `transition_logprobs` $(V, V)$ row $a$ those of the next token after $a$. Token `end` finishes a sequence (it
# is part of the sequence and its log-probability counts). Run at most `max_len` steps (a sequence has at most
# `max_len` tokens, the end token included). At each step:
#
# * every hypothesis that has already emitted `end` is carried over unchanged, as a candidate with its score;
# * every other hypothesis is extended by each of the $V$ tokens (score + the token's log-probability);
# * keep the `beam_width` best candidates (highest total log-probability; ties: the earlier candidate, extending
#   the hypotheses in the order of the beam and the tokens in increasing order — a stable sort does it);
# * stop early when every hypothesis in the beam has emitted `end`.
#
# Return `(sequence, log_prob)`: the best hypothesis of the final beam (finished or not) as a list of ints, and
# its total log-probability.

# %% nbgrader={"grade": false, "grade_id": "beam_search", "locked": false, "schema_version": 3, "solution": true, "task": false}
def beam_search(start_logprobs, transition_logprobs, beam_width, end, max_len):
    """Beam search in a Markov model. Returns (best sequence as a list of ints, its total log-probability)."""
    ### BEGIN SOLUTION
    beams = [([], 0.0)]
    for _ in range(max_len):
        candidates = []
        for sequence, score in beams:
            if sequence and sequence[-1] == end:
                candidates.append((sequence, score))                   # finished: carried over as it is
                continue
            row = start_logprobs if not sequence else transition_logprobs[sequence[-1]]
            candidates += [(sequence + [token], score + float(logprob)) for token, logprob in enumerate(row)]
        candidates.sort(key=lambda candidate: -candidate[1])            # stable: ties keep their order
        beams = candidates[:beam_width]
        if all(sequence[-1] == end for sequence, _ in beams):
            break
    return max(beams, key=lambda candidate: candidate[1])
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "beam_search_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Tokens 0, 1 and the end token 2. Greedy takes 0 (p = 0.5), then 0 (0.45), then 0: 0.5 · 0.45 · 0.45 = 0.10125.
# A beam of 2 also keeps [1] (0.4), and [1, 2] (0.4 · 0.9 = 0.36) finishes with a far better score.
start_toy = np.log([0.5, 0.4, 0.1])
transition_toy = np.log([[0.45, 0.3, 0.25], [0.05, 0.05, 0.9], [1 / 3, 1 / 3, 1 / 3]])
sequence, log_prob = beam_search(start_toy, transition_toy, 2, 2, 3)
expect_close(log_prob, np.log(0.36), rtol=1e-9, name="the log-probability found by a beam of 2",
             slips={"dropping the finished hypothesis [1, 2] from the beam (or decoding greedily)": np.log(0.10125),
                    "the probability instead of its log": 0.36})
expect_equal(sequence, (1, 2), name="the sequence found by a beam of 2")
expect_equal(beam_search(start_toy, transition_toy, 1, 2, 3)[0], (0, 0, 0), name="a beam of 1 (greedy decoding)")
expect_unchanged(start_toy, np.log([0.5, 0.4, 0.1]), "beam_search", "start_logprobs",
                 name="start_logprobs is left unchanged")
print("✓ public checks passed: beam_search")

# %% nbgrader={"grade": true, "grade_id": "beam_search_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random Markov models over 3 to 5 tokens, beams of 1 to 3, max_len 3 to 5, a greedy trap, and a beam
# wider than the number of sequences, compared with exhaustive search over every sequence; otherwise with a beam
# search written separately from the same contract.
# Try them yourself now: check("week10.beam_search", beam_search)
### BEGIN HIDDEN TESTS
grade("week10.beam_search", beam_search)
### END HIDDEN TESTS

# %% [markdown]
# The bigram model of the documentation, decoded greedily and with wider beams (at most 12 words; `<unk>` is
# forbidden, its log-probability set to −10⁹, or the most likely sentences would be strings of unknown words):

# %%
beam_reference = importlib.import_module("course.exercises.week10").beam_search_reference
no_unk_start, no_unk_transition = start_logprobs.copy(), transition_logprobs.copy()
no_unk_start[0], no_unk_transition[:, 0] = -1e9, -1e9
decoded = []
for width in (1, 3, 10):
    found, score = mine_or_reference(beam_search, lambda *a: beam_reference(*a), no_unk_start,
                                     no_unk_transition, width, 1, 12)
    decoded.append({"beam width": width, "sentence": " ".join(lm_words[t] for t in found), "log-probability": score,
                    "words": len(found)})
decoded = pd.DataFrame(decoded).set_index("beam width")
decoded

# %% [markdown]
# Greedy decoding starts with the most frequent first word and never looks back; the wider beams find sentences
# with a higher total probability, which are short ones: the bias towards short outputs that length normalisation
# corrects. For *open-ended* generation (a story, a chatbot's answer), the most likely text is dull and repetitive
# anyway, and language models **sample** instead (with a temperature, top-k or nucleus sampling, as the char GPT of
# week 09 does); beam search remains the tool when there is one right answer, as in translation.
#
# ## 8. Sequence to sequence, and question answering
#
# **Translation as a sequence-to-sequence problem.** An **encoder** reads the source sequence into hidden states;
# a **decoder** generates the target one token at a time, each step conditioned on the tokens generated so far and
# on the encoder's states (through **attention**, week 09: each decoder step takes a softmax-weighted average of the
# encoder states, so a single vector need not hold the whole source). Our task translates dates in four human
# formats into ISO 8601:
#
# | source | target |
# |---|---|
# | `3 march 2021`, `march 3, 2021`, `3 mar 2021`, `03/03/2021` | `2021-03-03` |
#
# **Teacher forcing.** During training, the decoder's input at step $t$ is the *true* previous target token, not
# its own guess: all steps train in parallel, and an early mistake does not derail the rest. At test time the
# decoder must feed its own outputs back (here: greedily), a mismatch called *exposure bias*. The loss is the mean
# cross-entropy of the next target token; its exponential is the per-token perplexity.

# %%
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]


def date_example(rng):
    day = datetime.date(1950, 1, 1) + datetime.timedelta(days=int(rng.integers(0, 365 * 100)))
    month = MONTHS[day.month - 1]
    formats = [f"{day.day} {month} {day.year}", f"{month} {day.day}, {day.year}", f"{day.day} {month[:3]} {day.year}",
               f"{day.day:02d}/{day.month:02d}/{day.year}"]
    return formats[rng.integers(0, 4)], day.isoformat()


date_rng = np.random.default_rng(0)
date_pairs = [date_example(date_rng) for _ in range(6000)]
source_alphabet = sorted(set("".join(s for s, _ in date_pairs)))
source_index = {c: i + 1 for i, c in enumerate(source_alphabet)}             # 0 pads
target_vocabulary = ["<pad>", "<s>", "</s>"] + list("0123456789-")
target_index = {c: i for i, c in enumerate(target_vocabulary)}
source_length = max(len(s) for s, _ in date_pairs)
date_sources = torch.tensor([[source_index[c] for c in s] + [0] * (source_length - len(s)) for s, _ in date_pairs])
date_targets = torch.tensor([[1] + [target_index[c] for c in t] + [2] for _, t in date_pairs])
pd.DataFrame(date_pairs[:5], columns=["source", "target"])


# %%
class DateTranslator(nn.Module):
    """A bidirectional GRU encoder; a GRU decoder whose every state attends over the encoder's states."""

    def __init__(self, sources, targets, embedding=32, hidden=64):
        super().__init__()
        self.source_embedding = nn.Embedding(sources, embedding, padding_idx=0)
        self.target_embedding = nn.Embedding(targets, embedding)
        self.encoder = nn.GRU(embedding, hidden, batch_first=True, bidirectional=True)
        self.bridge, self.key = nn.Linear(2 * hidden, hidden), nn.Linear(2 * hidden, hidden)
        self.decoder = nn.GRU(embedding, hidden, batch_first=True)
        self.out = nn.Linear(3 * hidden, targets)

    def encode(self, source):
        states, last = self.encoder(self.source_embedding(source))
        return states, torch.tanh(self.bridge(torch.cat([last[0], last[1]], dim=-1)))[None], source != 0

    def decode(self, memory, previous_tokens, state):
        states, _, mask = memory
        outputs, state = self.decoder(self.target_embedding(previous_tokens), state)
        scores = (outputs @ self.key(states).transpose(1, 2)).masked_fill(~mask[:, None, :], -1e9)
        context = torch.softmax(scores, dim=-1) @ states                         # attention over the source
        return self.out(torch.cat([outputs, context], dim=-1)), state

    def forward(self, source, target_in):                                        # teacher forcing
        memory = self.encode(source)
        return self.decode(memory, target_in, memory[1])[0]


train_dates, test_dates = slice(0, 5000), slice(5000, 6000)
torch.manual_seed(0)
translator = DateTranslator(len(source_alphabet) + 1, len(target_vocabulary))
optimiser = torch.optim.Adam(translator.parameters(), lr=3e-3)
started = time.perf_counter()
for step in range(200):
    batch = torch.randint(0, 5000, (64,))
    logits = translator(date_sources[batch], date_targets[batch, :-1])        # inputs: <s> and the true tokens
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), date_targets[batch, 1:].reshape(-1))
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
translator_seconds = time.perf_counter() - started

with torch.no_grad():
    teacher_forced = translator(date_sources[test_dates], date_targets[test_dates, :-1])
    date_nats = float(F.cross_entropy(teacher_forced.reshape(-1, teacher_forced.shape[-1]),
                                      date_targets[test_dates, 1:].reshape(-1)))
    memory = translator.encode(date_sources[test_dates])
    token, state, generated = torch.full((1000, 1), 1), memory[1], []
    for _ in range(11):                                                         # greedy, feeding back its outputs
        logits, state = translator.decode(memory, token, state)
        token = logits.argmax(dim=-1)
        generated.append(token)
    generated = torch.cat(generated, dim=1)
date_exact = float((generated == date_targets[test_dates, 1:]).all(dim=1).float().mean())
print(f"{translator_seconds:.1f} s of training; held-out: {date_nats:.3f} nats per token (perplexity "
      f"{np.exp(date_nats):.3f}), {date_exact:.1%} of the 1000 dates translated exactly")
for source in ["14 july 1989", "december 31, 1999", "05/11/2024"]:
    encoded = torch.tensor([[source_index[c] for c in source] + [0] * (source_length - len(source))])
    with torch.no_grad():
        memory, token, text = translator.encode(encoded), torch.tensor([[1]]), ""
        state = memory[1]
        for _ in range(10):
            logits, state = translator.decode(memory, token, state)
            token = logits.argmax(dim=-1)
            text += target_vocabulary[int(token)]
    print(f"  {source!r:22} → {text}")

# %% [markdown]
# **Question answering as span extraction.** Extractive QA (SQuAD; BERT's fine-tuning recipe) does not generate the
# answer: it *points* at it. The input is a question and a passage; the model scores every passage token as the
# possible **start** and the possible **end** of the answer, and the answer is the span between the best start and
# the best end (trained with two cross-entropies). Our passages are generated, three people with two facts each:
#
# > *anna lives in new york . bob works at the post office . anna plays table tennis . …* — **where does anna
# > live ?** → `new york`
#
# The reader: the question as the mean of its word vectors; each passage token seen through two 1-D convolutions
# (the four words on either side); start and end scores bilinear in the two. A transformer reader (BERT) does the
# same with attention between question and passage. The baseline answers with the first value of the right kind in
# the passage (the first city for "where does … live"), ignoring who is asked about.

# %%
NAMES = ["anna", "bob", "carl", "dora", "emil", "fay", "gus", "hana", "ivan", "jun", "kim", "lea"]
FACTS = {"live": ("lives in", ["paris", "rome", "oslo", "lima", "new york", "hong kong", "cairo", "los angeles"]),
         "work": ("works at", ["the bank", "the bakery", "a school", "the post office", "a hospital", "the zoo"]),
         "play": ("plays", ["chess", "tennis", "golf", "table tennis", "rugby", "water polo", "judo"])}
QUESTIONS = {"live": "where does {} live ?", "work": "where does {} work ?", "play": "what does {} play ?"}


def story(rng):
    people, facts = rng.choice(NAMES, size=3, replace=False), []
    for person in people:
        facts += [(person, kind, str(rng.choice(FACTS[kind][1]))) for kind in rng.choice(list(FACTS), 2, replace=False)]
    facts = [facts[k] for k in rng.permutation(len(facts))]
    asked = facts[rng.integers(len(facts))]
    passage = []
    for person, kind, value in facts:
        words_before = [person, *FACTS[kind][0].split()]
        if (person, kind) == asked[:2]:
            start = len(passage) + len(words_before)
            end = start + len(value.split()) - 1
        passage += words_before + value.split() + ["."]
    return QUESTIONS[asked[1]].format(asked[0]).split(), passage, start, end, asked[1]


story_rng = np.random.default_rng(0)
stories = [story(story_rng) for _ in range(5000)]
qa_vocabulary = {w: i + 1 for i, w in enumerate(sorted({w for q, p, *_ in stories for w in q + p}))}
question_length, passage_length = max(len(s[0]) for s in stories), max(len(s[1]) for s in stories)
pad = lambda words, n: [qa_vocabulary[w] for w in words] + [0] * (n - len(words))  # noqa: E731
qa_questions = torch.tensor([pad(s[0], question_length) for s in stories])
qa_passages = torch.tensor([pad(s[1], passage_length) for s in stories])
qa_starts, qa_ends = torch.tensor([s[2] for s in stories]), torch.tensor([s[3] for s in stories])
print(" ".join(stories[0][1]), "\nQ:", " ".join(stories[0][0]), "→", " ".join(stories[0][1][stories[0][2]:stories[0][3] + 1]))


# %%
class SpanReader(nn.Module):
    def __init__(self, vocabulary_size, embedding=48, hidden=96):
        super().__init__()
        self.embed = nn.Embedding(vocabulary_size, embedding, padding_idx=0)
        self.passage = nn.Sequential(nn.Conv1d(embedding, hidden, 9, padding=4), nn.ReLU(),
                                     nn.Conv1d(hidden, hidden, 3, padding=1))
        self.question = nn.Linear(embedding, 2 * hidden)

    def forward(self, question, passage):
        q = self.embed(question).sum(1) / (question != 0).sum(1, keepdim=True)       # (B, embedding)
        h = self.passage(self.embed(passage).transpose(1, 2)).transpose(1, 2)        # (B, length, hidden)
        w_start, w_end = self.question(q).chunk(2, dim=-1)
        blank = passage == 0
        return ((h * w_start[:, None]).sum(-1).masked_fill(blank, -1e9),
                (h * w_end[:, None]).sum(-1).masked_fill(blank, -1e9))


torch.manual_seed(0)
reader = SpanReader(len(qa_vocabulary) + 1)
optimiser = torch.optim.Adam(reader.parameters(), lr=3e-3)
started = time.perf_counter()
for step in range(150):
    batch = torch.randint(0, 4000, (64,))
    start_scores, end_scores = reader(qa_questions[batch], qa_passages[batch])
    loss = F.cross_entropy(start_scores, qa_starts[batch]) + F.cross_entropy(end_scores, qa_ends[batch])
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
reader_seconds = time.perf_counter() - started
with torch.no_grad():
    start_scores, end_scores = reader(qa_questions[4000:], qa_passages[4000:])
reader_exact = float(((start_scores.argmax(1) == qa_starts[4000:]) & (end_scores.argmax(1) == qa_ends[4000:]))
                     .float().mean())


def first_of_its_kind(question, passage, start, end, kind):
    """The baseline: the span after the first 'lives in' / 'works at' / 'plays' of the passage."""
    verb = FACTS[kind][0].split()
    for i in range(len(passage)):
        if passage[i:i + len(verb)] == verb:
            j = i + len(verb)
            return (j, passage.index(".", j) - 1) == (start, end)


baseline_exact = float(np.mean([first_of_its_kind(*s) for s in stories[4000:]]))
pd.DataFrame({"exact match on 1000 held-out stories": [baseline_exact, reader_exact]},
             index=["the first value of the right kind", f"span reader ({reader_seconds:.1f} s of training)"])

# %% [markdown]
# The baseline is right when the person asked about happens to come first among those with a fact of that kind,
# about half of the time; the reader, which matches the question's name and verb with the words before each span,
# answers (nearly) every held-out question. Our stories are regular, so a convolution that sees four words back suffices; real passages need the
# long-range matching that attention provides (BERT reads the question and the passage as one sequence, and
# every passage token attends to the question's tokens).
#
# ## 9. Autoencoders and the variational autoencoder
#
# An **autoencoder** compresses an input $x$ to a short code $z = e(x)$ and rebuilds it, $\hat x = d(z)$, trained to
# minimise the reconstruction error (week 06 compared it with PCA). Its codes are good for compression, but it is
# not a **generative model**: a random code need not decode to anything that looks like data, because nothing says
# where in code space the data's codes are.
#
# A **variational autoencoder** (VAE, Kingma & Welling 2013) makes the code random and pins its distribution down.
# The encoder outputs, for each $x$, a Gaussian $q(z\mid x) = \mathcal N(\mu(x), \operatorname{diag}\sigma^2(x))$
# (as `mu` and `logvar` $= \log\sigma^2$, unconstrained numbers); the decoder maps a code to the data; the prior is
# $p(z) = \mathcal N(0, I)$. Training maximises the **evidence lower bound** (ELBO) on $\log p(x)$, i.e. minimises
#
# $$-\text{ELBO} = \underbrace{\mathbb E_{z\sim q(z\mid x)}\big[-\log p(x \mid z)\big]}_{\text{reconstruction}}
#   + \underbrace{\mathrm{KL}\big(q(z\mid x)\,\|\,p(z)\big)}_{\text{keeps the codes near the prior}} .$$
#
# For two Gaussians the KL has a closed form; per dimension,
# $\mathrm{KL}(\mathcal N(\mu,\sigma^2)\,\|\,\mathcal N(0,1)) = \tfrac12(\sigma^2 + \mu^2 - 1 - \log\sigma^2)$, zero
# exactly when $\mu = 0, \sigma = 1$, and the dimensions add up. After training, $z \sim \mathcal N(0, I)$ decodes
# to new data.
#
# **The reparameterisation trick.** The reconstruction term is an expectation over $z$, estimated with one sample.
# But "draw $z$ from $\mathcal N(\mu, \sigma^2)$" has no gradient with respect to $\mu$ and $\sigma$. Write the draw
# instead as a deterministic function of the parameters and a noise that does not depend on them:
#
# $$z = \mu + \sigma \odot \varepsilon,\qquad \sigma = \exp(\tfrac12\,\text{logvar}),\quad
#   \varepsilon \sim \mathcal N(0, I),$$
#
# and backpropagation flows through $\mu$ and $\sigma$ as through any other layer:
# $\partial z/\partial\mu = 1$, $\partial z/\partial\,\text{logvar} = \tfrac12\sigma\varepsilon$.
#
# ### Exercise 7 — `gaussian_kl`
#
# `mu`, `logvar` of shape `(B, D)`. Return the `(B,)` array $\mathrm{KL}(\mathcal N(\mu_b, \operatorname{diag}
# e^{\text{logvar}_b})\,\|\,\mathcal N(0, I))$: the formula above summed over the $D$ dimensions, in NumPy.

# %% nbgrader={"grade": false, "grade_id": "gaussian_kl", "locked": false, "schema_version": 3, "solution": true, "task": false}
def gaussian_kl(mu, logvar):
    """KL(N(mu, diag exp(logvar)) || N(0, I)) for each row: (B, D) -> (B,)."""
    ### BEGIN SOLUTION
    return 0.5 * np.sum(np.exp(logvar) + mu ** 2 - 1.0 - logvar, axis=1)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "gaussian_kl_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Row 0 is the prior itself: KL 0. Row 1: mu = (1, 0), variances (1, 4): 0.5·(1 + 1 − 1 − 0) + 0.5·(4 − 1 − ln 4).
mu_kl, logvar_kl = np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([[0.0, 0.0], [0.0, np.log(4.0)]])
expect_close(gaussian_kl(mu_kl, logvar_kl), [0.0, 0.5 + 0.5 * (3 - np.log(4.0))], name="the KL of two rows",
             slips={"logvar read as log σ (σ² = exp(logvar), not exp(2·logvar))": [0.0, 6.61370564],
                    "leaving out the ½": [0.0, 2.61370564]})
expect_unchanged(mu_kl, [[0.0, 0.0], [1.0, 0.0]], "gaussian_kl", "mu", name="mu is left unchanged")
print("✓ public checks passed: gaussian_kl")

# %% nbgrader={"grade": true, "grade_id": "gaussian_kl_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 1 to 10 rows of 1 to 16 dimensions, means and log-variances of several scales, and the prior itself.
# Compared with torch.distributions.kl_divergence(Normal(mu, exp(logvar / 2)), Normal(0, 1)) summed over dimensions.
# Try them yourself now: check("week10.gaussian_kl", gaussian_kl)
### BEGIN HIDDEN TESTS
grade("week10.gaussian_kl", gaussian_kl)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 8 — `reparameterise` (in PyTorch)
#
# `mu`, `logvar` and `eps` are torch tensors of the same shape (`mu` and `logvar` require gradients). Return
# $z = \mu + \exp(\tfrac12\text{logvar})\odot\varepsilon$ as a tensor, computed with torch operations so that
# `z.sum().backward()` reaches `mu` and `logvar`. Use the `eps` you are given (do not draw your own: the caller
# chooses the noise, which makes the function testable).

# %% nbgrader={"grade": false, "grade_id": "reparameterise", "locked": false, "schema_version": 3, "solution": true, "task": false}
def reparameterise(mu, logvar, eps):
    """z = mu + exp(logvar / 2) * eps, as a torch tensor through which gradients reach mu and logvar."""
    ### BEGIN SOLUTION
    return mu + (0.5 * logvar).exp() * eps              # tensor operations: autograd records them
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "reparameterise_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Standard deviations 1 and 2 (logvar 0 and ln 4), eps = 0.5: z = (1 + 0.5, -1 + 2·0.5) = (1.5, 0).
mu_r = torch.tensor([[1.0, -1.0]], requires_grad=True)
logvar_r = torch.tensor([[0.0, float(np.log(4.0))]], requires_grad=True)
z_r = reparameterise(mu_r, logvar_r, torch.tensor([[0.5, 0.5]]))
expect_true(isinstance(z_r, torch.Tensor), f"reparameterise should return a torch tensor; got {type(z_r).__name__}.",
            name="z is a torch tensor")
expect_close(z_r.detach().numpy(), [[1.5, 0.0]], rtol=1e-6, atol=1e-7, name="z for standard deviations 1 and 2",
             slips={"σ = exp(logvar) (the standard deviation is exp(logvar / 2))": [[1.5, 1.0]]})
expect_true(z_r.requires_grad, "z does not require gradients: compute it from mu and logvar with torch operations "
            "(no .detach(), .numpy() or torch.tensor(...) copies).", name="gradients can flow through z")
print("✓ public checks passed: reparameterise")

# %% nbgrader={"grade": true, "grade_id": "reparameterise_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: batches of 1 to 16 codes of 1 to 6 dimensions. Checked: z equals the formula; the gradients that
# backward() sends to mu and logvar are the formula's (dz/dmu = 1, dz/dlogvar = σ·eps/2); 20,000 draws of z for one
# mu and logvar have mean mu and variance exp(logvar) (within 6 standard errors).
# Try them yourself now: check("week10.reparameterise", reparameterise)
### BEGIN HIDDEN TESTS
grade("week10.reparameterise", reparameterise)
### END HIDDEN TESTS

# %% [markdown]
# ### A VAE of the digits, with a two-number code
#
# Encoder 64 → 128 → (μ, logvar) of 2 dimensions each; decoder 2 → 128 → 64 pixels; the reconstruction term is
# the binary cross-entropy of the pixels (in [0, 1]) summed over the 64 pixels, the KL term the closed form.
# A two-dimensional code is too small to rebuild digits well, but we can draw all of it: each training digit's
# $\mu$ as a point, and a grid of codes decoded into digits.

# %%
vae_train, vae_test = torch.tensor(digit_images[train_pool].reshape(-1, 64), dtype=torch.float32), \
    torch.tensor(digit_images[test_pool].reshape(-1, 64), dtype=torch.float32)


class DigitVAE(nn.Module):
    def __init__(self, code=2, hidden=128):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 2 * code))
        self.decoder = nn.Sequential(nn.Linear(code, hidden), nn.ReLU(), nn.Linear(hidden, 64))

    def loss(self, x):
        mu, logvar = self.encoder(x).chunk(2, dim=1)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)             # your reparameterise
        reconstruction = F.binary_cross_entropy_with_logits(self.decoder(z), x, reduction="none").sum(1)
        kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(1)             # your gaussian_kl, in torch
        return reconstruction.mean(), kl.mean()


torch.manual_seed(0)
vae = DigitVAE()
optimiser = torch.optim.Adam(vae.parameters(), lr=3e-3)
started = time.perf_counter()
for epoch in range(40):
    order = torch.randperm(len(vae_train))
    for first in range(0, len(order), 64):
        reconstruction, kl = vae.loss(vae_train[order[first:first + 64]])
        optimiser.zero_grad()
        (reconstruction + kl).backward()
        optimiser.step()
vae_seconds = time.perf_counter() - started
with torch.no_grad():
    torch.manual_seed(1)
    test_reconstruction, test_kl = (float(v) for v in vae.loss(vae_test))
    mu_test, logvar_test = vae.encoder(vae_test).chunk(2, dim=1)
kl_mine = mine_or_reference(gaussian_kl, lambda m, l: 0.5 * np.sum(np.exp(l) + m ** 2 - 1 - l, axis=1),
                            mu_test.numpy().astype(float), logvar_test.numpy().astype(float))
print(f"{vae_seconds:.1f} s of training; held-out: reconstruction {test_reconstruction:.1f} + KL {test_kl:.2f} = "
      f"−ELBO {test_reconstruction + test_kl:.1f} nats per digit; your gaussian_kl on the held-out codes: mean "
      f"{np.mean(kl_mine):.2f}")

# %%
fig, (ax_codes, ax_grid) = plt.subplots(1, 2, figsize=(10, 4.6))
with torch.no_grad():
    mu_train = vae.encoder(vae_train).chunk(2, dim=1)[0].numpy()
points = ax_codes.scatter(mu_train[:, 0], mu_train[:, 1], c=digit_labels[train_pool], cmap="tab10", s=6)
ax_codes.legend(*points.legend_elements(), fontsize=7, ncols=2, title="digit", loc="upper right")
ax_codes.set_title("the code μ(x) of each training digit", fontsize=10)
grid = np.linspace(-2.2, 2.2, 9)
codes = torch.tensor([[a, b] for b in grid[::-1] for a in grid], dtype=torch.float32)
with torch.no_grad():
    decoded_digits = torch.sigmoid(vae.decoder(codes)).numpy().reshape(9, 9, 8, 8)
framed = np.pad(decoded_digits, ((0, 0), (0, 0), (0, 1), (0, 1)), constant_values=np.nan)   # a white line between
ax_grid.imshow(framed.transpose(0, 2, 1, 3).reshape(81, 81), cmap="gray_r")
ax_grid.set_title("codes on a grid from −2.2 to 2.2, decoded", fontsize=10)
ax_grid.axis("off")
plt.show()

# %% [markdown]
# The codes of each digit form a region, and the prior's $\mathcal N(0, I)$ is covered without gaps: the codes on
# the grid decode to digit-like shapes, and moving across the grid morphs one digit into the next (a **latent
# traversal**). Samples from a VAE are blurry, a known weakness (the Gaussian bound averages over what it is unsure
# of); the KL term is what makes the code space usable for sampling, and turning it up or down
# ($\beta$-VAE) trades reconstruction against a smoother, more disentangled code.
#
# ## 10. Generative adversarial networks and mode collapse
#
# A **GAN** (Goodfellow et al., 2014) trains two networks against each other. The **generator** $G$ turns noise
# $z \sim \mathcal N(0, I)$ into samples; the **discriminator** $D$ tells real samples from generated ones. $D$
# minimises the binary cross-entropy of "real vs fake"; $G$ tries to fool it (the "non-saturating" loss
# $-\log D(G(z))$, which gives $G$ useful gradients early on, when $D$ wins easily). At the ideal equilibrium, $G$'s
# distribution equals the data's and $D$ outputs ½ everywhere. In practice the game is unstable. The classic
# failure is **mode collapse**: $G$ finds a few outputs that fool the current $D$ and puts all its mass there; $D$
# adapts, $G$ hops to other modes, and the data's variety is never covered at once. A ring of eight Gaussians shows
# it: below, snapshots of one training run, counting how many of the eight modes receive at least 2 % of 2,000
# samples.

# %%
angles = torch.arange(8) * (2 * math.pi / 8)
ring_centres = torch.stack([2 * torch.cos(angles), 2 * torch.sin(angles)], dim=1)


def ring_samples(n, generator):
    mode = torch.randint(0, 8, (n,), generator=generator)
    return ring_centres[mode] + 0.05 * torch.randn(n, 2, generator=generator)


def modes_covered(samples):
    distance = torch.cdist(samples, ring_centres)
    near = distance.min(dim=1).values < 0.3
    counts = torch.bincount(distance.argmin(dim=1)[near], minlength=8)
    return int((counts > 0.02 * len(samples)).sum()), float(near.float().mean())


torch.manual_seed(0)
gan_generator = torch.Generator().manual_seed(0)
generator_net = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
discriminator = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
optimise_g = torch.optim.Adam(generator_net.parameters(), lr=1e-3, betas=(0.5, 0.999))
optimise_d = torch.optim.Adam(discriminator.parameters(), lr=1e-3, betas=(0.5, 0.999))
snapshots, started = {}, time.perf_counter()
fixed_noise = torch.randn(2000, 2, generator=torch.Generator().manual_seed(1))
real_label, fake_label = torch.ones(128, 1), torch.zeros(128, 1)
for step in range(1, 801):
    real = ring_samples(128, gan_generator)
    fake = generator_net(torch.randn(128, 2, generator=gan_generator))
    d_loss = (F.binary_cross_entropy_with_logits(discriminator(real), real_label)
              + F.binary_cross_entropy_with_logits(discriminator(fake.detach()), fake_label))
    optimise_d.zero_grad()
    d_loss.backward()
    optimise_d.step()
    g_loss = F.binary_cross_entropy_with_logits(discriminator(fake), real_label)    # non-saturating
    optimise_g.zero_grad()
    g_loss.backward()
    optimise_g.step()
    if step in (100, 200, 400, 800):
        with torch.no_grad():
            snapshots[step] = generator_net(fixed_noise)
gan_seconds = time.perf_counter() - started
gan_table = pd.DataFrame({step: dict(zip(["modes covered (of 8)", "share of samples near a mode"],
                                         modes_covered(samples))) for step, samples in snapshots.items()}).T
gan_table.index.name = "step"
gan_table["modes covered (of 8)"] = gan_table["modes covered (of 8)"].astype(int)
fig, axes = plt.subplots(1, 4, figsize=(11, 2.9))
for ax, (step, samples) in zip(axes, snapshots.items()):
    ax.scatter(*ring_centres.numpy().T, s=80, color="0.85")
    ax.scatter(*samples.numpy().T, s=2, color="C3")
    ax.set(xlim=(-3, 3), ylim=(-3, 3), xticks=[], yticks=[], aspect="equal")
    ax.set_title(f"step {step}: {gan_table.loc[step, 'modes covered (of 8)']} of 8 modes", fontsize=9)
plt.show()
print(f"{gan_seconds:.1f} s for 800 steps")
gan_table

# %% [markdown]
# At first the generator has **collapsed**: its samples form a thin band that crosses one or two of the modes and
# misses the others (the discriminator cannot yet tell, and every noise vector is mapped to nearly the same few
# places). As the discriminator learns to reject that band, the samples spread out (step 400) and then settle on
# the ring, reaching all eight modes by step 800, with many samples still between them. How many modes a run ends
# up covering, and whether it stays there, depends on the seed, the learning rates and the sizes of the two networks, which is the
# practical problem with GANs: they make the sharpest samples of the three models here, but their training has to
# be watched, and the cures (Wasserstein losses with gradient penalties, spectral normalisation, minibatch
# statistics in the discriminator, two-timescale learning rates) are all about keeping the game balanced.
#
# ## 11. Denoising diffusion
#
# A **diffusion model** (Sohl-Dickstein et al. 2015; Ho et al. 2020, "DDPM") learns to undo noise. The **forward
# process** destroys the data in $T$ small steps, each adding a little Gaussian noise:
#
# $$q(x_t \mid x_{t-1}) = \mathcal N\big(\sqrt{1-\beta_t}\,x_{t-1},\ \beta_t I\big),\qquad t = 1, \dots, T,$$
#
# with a **noise schedule** $\beta_1 < \dots < \beta_T$ chosen so that $x_T$ is almost pure noise. With
# $\alpha_t = 1 - \beta_t$ and $\bar\alpha_t = \prod_{s\le t}\alpha_s$, the $t$ steps collapse into one
# (a sum of independent Gaussians is Gaussian; the variances add up to $1 - \bar\alpha_t$):
#
# $$q(x_t \mid x_0) = \mathcal N\big(\sqrt{\bar\alpha_t}\,x_0,\ (1-\bar\alpha_t) I\big), \qquad\text{i.e.}\qquad
#   x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\varepsilon,\quad \varepsilon\sim\mathcal N(0, I),$$
#
# so training can jump to any step directly. A network $\varepsilon_\theta(x_t, t)$ learns to predict the noise
# that was added: the loss is $\lVert \varepsilon - \varepsilon_\theta(\sqrt{\bar\alpha_t}x_0 +
# \sqrt{1-\bar\alpha_t}\varepsilon,\ t)\rVert^2$ at random $t$ (a reweighted ELBO, simplified). **Sampling** runs the
# process backwards from $x_T \sim \mathcal N(0, I)$: $x_{t-1} = \frac{1}{\sqrt{\alpha_t}}\big(x_t -
# \frac{\beta_t}{\sqrt{1-\bar\alpha_t}}\varepsilon_\theta(x_t, t)\big) + \sqrt{\beta_t}\,z$ (no $z$ at the last step).
#
# **Schedules.** Ho et al. use a **linear** schedule, $\beta_t$ evenly from $\beta_1 = 10^{-4}$ to $\beta_T = 0.02$
# with $T = 1000$. Nichol & Dhariwal (2021) noticed that it destroys the signal too early and proposed the
# **cosine** schedule, defined through $\bar\alpha$:
#
# $$\bar\alpha(t) = \frac{f(t)}{f(0)},\qquad f(t) = \cos^2\!\Big(\frac{t/T + s}{1+s}\cdot\frac\pi2\Big),\quad
#   s = 0.008,\qquad \beta_t = \min\Big(1 - \frac{\bar\alpha(t)}{\bar\alpha(t-1)},\ 0.999\Big),$$
#
# (the small offset $s$ keeps $\beta_1$ from being vanishingly small; the clipping keeps the last steps from
# destroying everything at once, since $f(T) = 0$).
#
# ### Exercise 9 — `ddpm_schedule`
#
# `ddpm_schedule(T, kind="linear", beta_start=1e-4, beta_end=0.02)` returns `(betas, alphas_cumprod)`, two arrays
# of shape `(T,)`: entry $t-1$ holds $\beta_t$ and $\bar\alpha_t$ for $t = 1 \dots T$. `"linear"`: $T$ values from
# `beta_start` to `beta_end`, both included. `"cosine"`: the formulas above (`beta_start` and `beta_end` are not
# used). `alphas_cumprod` is the recurrence $\bar\alpha_t = \bar\alpha_{t-1}(1-\beta_t)$, $\bar\alpha_0 = 1$, of
# the betas you return (after the clipping).

# %% nbgrader={"grade": false, "grade_id": "ddpm_schedule", "locked": false, "schema_version": 3, "solution": true, "task": false}
def ddpm_schedule(T, kind="linear", beta_start=1e-4, beta_end=0.02):
    """(betas, alphas_cumprod), each (T,): the linear schedule of Ho et al. or the cosine one of Nichol & Dhariwal,
    and the cumulative product of 1 - beta."""
    ### BEGIN SOLUTION
    if kind == "linear":
        betas = np.linspace(beta_start, beta_end, T)
    else:
        s = 0.008
        f = np.cos((np.arange(T + 1) / T + s) / (1 + s) * np.pi / 2) ** 2      # f(0), ..., f(T)
        betas = np.minimum(1 - f[1:] / f[:-1], 0.999)
    return betas, np.cumprod(1 - betas)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ddpm_schedule_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
betas_toy, cumprod_toy = ddpm_schedule(5, "linear", 0.1, 0.5)
expect_close(betas_toy, [0.1, 0.2, 0.3, 0.4, 0.5], name="betas of a linear schedule from 0.1 to 0.5 in 5 steps")
expect_close(cumprod_toy, [0.9, 0.72, 0.504, 0.3024, 0.1512], name="its alphas_cumprod: 0.9, 0.9·0.8, ...",
             slips={"the product of the betas instead of the alphas (ᾱ_t multiplies 1 − β_s)":
                    [0.1, 0.02, 0.006, 0.0024, 0.0012]})
# Cosine with T = 2: f(1)/f(0) = 0.49384, then f(2) = 0 would make beta_2 = 1: it is clipped at 0.999.
betas_cos, cumprod_cos = ddpm_schedule(2, "cosine")
expect_close(betas_cos, [0.50615641, 0.999], rtol=1e-6, name="betas of the cosine schedule with T = 2",
             slips={"leaving out the clipping at 0.999": [0.50615641, 1.0]})
expect_close(cumprod_cos, [0.49384359, 0.00049384], rtol=1e-5, name="alphas_cumprod of the cosine schedule")
print("✓ public checks passed: ddpm_schedule")

# %% nbgrader={"grade": true, "grade_id": "ddpm_schedule_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: both schedules with T = 1000 and random T from 2 to 200, linear with random end points. Compared with
# the formulas written step by step (Ho et al. 2020; Nichol & Dhariwal 2021) and the recurrence for alphas_cumprod.
# Try them yourself now: check("week10.ddpm_schedule", ddpm_schedule)
### BEGIN HIDDEN TESTS
grade("week10.ddpm_schedule", ddpm_schedule)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 10 — `q_sample`
#
# `x0` of shape `(B, D)`, `t` an integer array of shape `(B,)` **indexing** `alphas_cumprod` (0-based: `t[i] = 0` is
# one step of noise, $\bar\alpha_1$), `alphas_cumprod` of shape `(T,)`, `noise` of shape `(B, D)`. Return
# $x_t = \sqrt{\bar\alpha_{t}}\,x_0 + \sqrt{1-\bar\alpha_{t}}\,\varepsilon$ row by row, each row with its own step.

# %% nbgrader={"grade": false, "grade_id": "q_sample", "locked": false, "schema_version": 3, "solution": true, "task": false}
def q_sample(x0, t, alphas_cumprod, noise):
    """x_t = sqrt(abar[t]) x0 + sqrt(1 - abar[t]) noise for each row; x0, noise : (B, D), t : (B,) indices."""
    ### BEGIN SOLUTION
    abar = np.asarray(alphas_cumprod)[np.asarray(t)][:, None]             # (B, 1): each row's own step
    return np.sqrt(abar) * x0 + np.sqrt(1 - abar) * noise
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "q_sample_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Row 0 at t = 0 (ᾱ = 0.64): 0.8·(2, -2) + 0.6·(1, 1); row 1 at t = 2 (ᾱ = 0.25): 0.5·(1, 1) + √0.75·(0, 2).
x0_q, noise_q = np.array([[2.0, -2.0], [1.0, 1.0]]), np.array([[1.0, 1.0], [0.0, 2.0]])
expect_close(q_sample(x0_q, np.array([0, 2]), np.array([0.64, 0.36, 0.25]), noise_q),
             [[2.2, -1.0], [0.5, 0.5 + np.sqrt(3.0)]], name="x_t of two rows at steps 0 and 2",
             slips={"the variance 1 − ᾱ_t as the noise's scale, without the square root": [[1.96, -1.24], [0.5, 2.0]],
                    "alphas_cumprod[t − 1] (t indexes alphas_cumprod directly)": [[2.0, -2.0], [0.6, 1.6]]})
expect_unchanged(x0_q, [[2.0, -2.0], [1.0, 1.0]], "q_sample", "x0", name="x0 is left unchanged")
print("✓ public checks passed: q_sample")

# %% nbgrader={"grade": true, "grade_id": "q_sample_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: batches of 4 to 12 rows of 1 to 4 dimensions, linear and cosine schedules with T = 10 to 200, steps
# from the first to the last. Compared with x_0 pushed through the one-step process t + 1 times, the steps' noises
# chosen along the given noise (so that the iterated result is comparable): the closed form must agree with it.
# Try them yourself now: check("week10.q_sample", q_sample)
### BEGIN HIDDEN TESTS
grade("week10.q_sample", q_sample)
### END HIDDEN TESTS

# %% [markdown]
# **The closed form is the iterated process.** Push one point through the one-step process 25 times with fresh,
# independent noise at every step, 20,000 times; the closed form at $t = 25$ predicts the mean and the standard
# deviation of where it lands:

# %%
from course.explorers.diffusion_steps import TRAINED_SCHEDULE, reference_ddpm_schedule, reference_q_sample

diffusion_T = 50
betas, alphas_cumprod = mine_or_reference(ddpm_schedule, reference_ddpm_schedule, diffusion_T, "linear",
                                          TRAINED_SCHEDULE["beta_start"], TRAINED_SCHEDULE["beta_end"])
iterate_rng = np.random.default_rng(0)
start_point, walkers = np.array([1.5, -0.5]), np.tile([1.5, -0.5], (20000, 1))
for beta in betas[:25]:
    walkers = np.sqrt(1 - beta) * walkers + np.sqrt(beta) * iterate_rng.standard_normal(walkers.shape)
closed_form = mine_or_reference(q_sample, reference_q_sample, np.tile(start_point, (20000, 1)),
                                np.full(20000, 24), alphas_cumprod, iterate_rng.standard_normal((20000, 2)))
forward_check = pd.DataFrame({"iterated 25 steps": [*walkers.mean(0), *walkers.std(0)],
                              "closed form (q_sample)": [*closed_form.mean(0), *closed_form.std(0)],
                              "the formula": [*(np.sqrt(alphas_cumprod[24]) * start_point),
                                              *[np.sqrt(1 - alphas_cumprod[24])] * 2]},
                             index=["mean x", "mean y", "std x", "std y"])
forward_check

# %% [markdown]
# The two schedules for $T = 1000$: how much signal $\sqrt{\bar\alpha_t}$ is left at each step. The linear schedule
# has wiped out most of it by the middle; the cosine one falls evenly.

# %%
fig, ax = plt.subplots(figsize=(6, 3))
for kind in ("linear", "cosine"):
    curve = mine_or_reference(ddpm_schedule, reference_ddpm_schedule, 1000, kind)[1]
    ax.plot(np.arange(1, 1001), np.sqrt(curve), label=f"{kind}: √ᾱ at t = 500 is {np.sqrt(curve[499]):.2f}")
ax.set(xlabel="step t", ylabel="√ᾱ_t (signal left)")
ax.legend(fontsize=8)
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# ### A DDPM of the two moons
#
# $T = 50$ steps, linear betas from $10^{-4}$ to 0.2 (with only 50 steps each must add more noise than Ho et al.'s
# 0.02; $\bar\alpha_{50} \approx 0.005$); the network $\varepsilon_\theta$ an MLP on the point and a sinusoidal
# embedding of $t$ (16 numbers); the simplified loss at random steps, 3,000 steps of Adam on batches of 256.

# %%
from sklearn.datasets import make_moons

moons_data = torch.tensor((make_moons(4000, noise=0.05, random_state=1)[0] - [0.5, 0.25]) / [0.85, 0.5],
                          dtype=torch.float32)
abar = torch.tensor(alphas_cumprod, dtype=torch.float32)
beta_t = torch.tensor(betas, dtype=torch.float32)


class NoisePredictor(nn.Module):
    def __init__(self, width=128):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(18, width), nn.SiLU(), nn.Linear(width, width), nn.SiLU(),
                                 nn.Linear(width, width), nn.SiLU(), nn.Linear(width, 2))

    def forward(self, x, t):
        angles = t[:, None].float() / diffusion_T * torch.exp(torch.linspace(0, math.log(100.0), 8))[None] * 2 * math.pi
        return self.net(torch.cat([x, torch.sin(angles), torch.cos(angles)], dim=1))


torch.manual_seed(0)
denoiser = NoisePredictor()
optimiser = torch.optim.Adam(denoiser.parameters(), lr=2e-3)
started, diffusion_losses = time.perf_counter(), []
for step in range(3000):
    x0 = moons_data[torch.randint(0, len(moons_data), (256,))]
    t = torch.randint(0, diffusion_T, (256,))
    noise = torch.randn_like(x0)
    a = abar[t][:, None]
    loss = ((denoiser(a.sqrt() * x0 + (1 - a).sqrt() * noise, t) - noise) ** 2).mean()
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    diffusion_losses.append(loss.item())
diffusion_seconds = time.perf_counter() - started

torch.manual_seed(1)
with torch.no_grad():
    x = torch.randn(2000, 2)
    path = {diffusion_T: x}
    for step in range(diffusion_T - 1, -1, -1):                  # step = t - 1: x_t -> x_{t-1}
        eps = denoiser(x, torch.full((2000,), step))
        x = (x - beta_t[step] / (1 - abar[step]).sqrt() * eps) / (1 - beta_t[step]).sqrt()
        if step > 0:
            x = x + beta_t[step].sqrt() * torch.randn_like(x)
        path[step] = x
generated_moons = path[0].numpy()
from sklearn.neighbors import NearestNeighbors

distance_to_data = NearestNeighbors(n_neighbors=1).fit(moons_data.numpy()).kneighbors(generated_moons)[0][:, 0]
noise_distance = NearestNeighbors(n_neighbors=1).fit(moons_data.numpy()).kneighbors(path[diffusion_T].numpy())[0][:, 0]
print(f"{diffusion_seconds:.1f} s of training; loss {np.mean(diffusion_losses[:50]):.2f} → "
      f"{np.mean(diffusion_losses[-100:]):.2f}; median distance to the nearest training point: "
      f"{np.median(noise_distance):.3f} for the starting noise, {np.median(distance_to_data):.3f} for the samples")
fig, axes = plt.subplots(1, 4, figsize=(11, 2.9))
for ax, step in zip(axes, (50, 25, 10, 0)):
    ax.scatter(*moons_data[:1000].numpy().T, s=2, color="0.85")
    ax.scatter(*path[step][:1000].numpy().T, s=2, color="C0")
    ax.set(xlim=(-3, 3), ylim=(-3, 3), xticks=[], yticks=[], aspect="equal")
    ax.set_title(f"sampling: x_{step}", fontsize=9)
plt.show()

# %% [markdown]
# The samples start as a Gaussian blob and are pulled, step by step, onto the two moons; the last few steps do the
# fine placement. The loss itself stays high (most of the noise at large $t$ cannot be predicted from $x_t$), which is
# normal for diffusion models: the samples are the measure. Image diffusion models (Stable Diffusion, DALL·E 2,
# Imagen) are this recipe with a U-Net or a transformer as $\varepsilon_\theta$, conditioned on text, often run in
# the latent space of an autoencoder, and sampled in far fewer steps (DDIM) than they were trained with.
#
# ### Explorer: diffusion forwards and backwards
#
# Slide $t$ from 0 (the data) to 50 (noise). **Forward** noises 600 points of the moons with your `ddpm_schedule`
# and `q_sample` (once they pass their checks), one fixed noise per point, so you see the points drift to the
# Gaussian; switch the schedule to cosine and watch the signal survive longer. **Reverse** shows a trained DDPM's
# sampler (precomputed) carrying noise back to the moons.

# %%
from course.explorers import diffusion_explorer

diffusion_explorer(ddpm_schedule, q_sample, t=20)

# %% [markdown]
# ## 12. Capstone: captioning digit strips with the detector's backbone
#
# The source syllabus ends this phase with a **multi-task learning system**, for example image captioning: an image
# in, a sentence out. Ours: a strip of 2 to 4 digits side by side (8 × 32 pixels, noisy), captioned
# "seven two nine". A captioner is a seq2seq model whose encoder reads an image: here the **detector of §4**, not
# retrained, applied convolutionally to the strip, gives 25 window positions × 11 class scores; a GRU decoder
# attends over those windows (with a learnt position embedding, so it can learn to read left to right) and writes
# one word per digit, then `</s>`. One backbone, two tasks: the detector's training is reused, and only the small
# decoder (about 23,000 parameters) learns, with teacher forcing, in a couple of seconds. Multi-task systems share a
# backbone the same way (one network for detection, segmentation and depth in a car; one transformer for many
# language tasks).

# %%
CAPTION_WORDS = ["<pad>", "<s>", "</s>", "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def digit_strips(count, pool, seed, width=32):
    rng = np.random.default_rng(seed)
    strips, captions = np.zeros((count, 8, width)), np.zeros((count, 6), dtype=int)
    for i in range(count):
        chosen = rng.choice(pool, size=rng.integers(2, 5))
        captions[i, 0] = 1
        for k, row in enumerate(chosen):
            strips[i, :, 8 * k:8 * k + 8] = digit_images[row]
            captions[i, k + 1] = 3 + digit_labels[row]
        captions[i, len(chosen) + 1] = 2
    return torch.tensor(strips + 0.1 * rng.standard_normal(strips.shape), dtype=torch.float32), torch.tensor(captions)


strip_train, caption_train = digit_strips(4000, train_pool, 1)
strip_test, caption_test = digit_strips(500, test_pool, 2)
with torch.no_grad():        # the frozen detector: (n, 11, 1, 25) -> (n, 25, 11) log-probabilities per window
    window_features = lambda strips: torch.log_softmax(detector(strips[:, None]), dim=1)[:, :, 0].transpose(1, 2)  # noqa: E731
    features_train, features_test = window_features(strip_train), window_features(strip_test)


class Captioner(nn.Module):
    def __init__(self, features=11, positions=25, hidden=64):
        super().__init__()
        self.key, self.initial = nn.Linear(features, hidden), nn.Linear(features, hidden)
        self.position = nn.Parameter(torch.zeros(positions, hidden))
        self.embed = nn.Embedding(len(CAPTION_WORDS), 32)
        self.gru = nn.GRU(32, hidden, batch_first=True)
        self.out = nn.Linear(hidden + features, len(CAPTION_WORDS))

    def start(self, windows):
        return torch.tanh(self.initial(windows.mean(dim=1)))[None]

    def step(self, windows, previous_words, state):
        outputs, state = self.gru(self.embed(previous_words), state)
        attention = torch.softmax(outputs @ (self.key(windows) + self.position).transpose(1, 2), dim=-1)
        return self.out(torch.cat([outputs, attention @ windows], dim=-1)), state

    def forward(self, windows, words_in):
        return self.step(windows, words_in, self.start(windows))[0]


torch.manual_seed(0)
captioner = Captioner()
optimiser = torch.optim.Adam(captioner.parameters(), lr=3e-3)
started = time.perf_counter()
for step in range(500):
    batch = torch.randint(0, len(features_train), (64,))
    logits = captioner(features_train[batch], caption_train[batch, :-1])
    loss = F.cross_entropy(logits.reshape(-1, len(CAPTION_WORDS)), caption_train[batch, 1:].reshape(-1),
                           ignore_index=0)
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
captioner_seconds = time.perf_counter() - started


def caption(windows):
    """Greedy decoding, up to 5 words; the words before </s>."""
    with torch.no_grad():
        state, word, written = captioner.start(windows), torch.ones(len(windows), 1, dtype=torch.long), []
        for _ in range(5):
            logits, state = captioner.step(windows, word, state)
            word = logits.argmax(dim=-1)
            written.append(word)
    written = torch.cat(written, dim=1).tolist()
    return [[w for w in row[:row.index(2)]] if 2 in row else row for row in written]


predicted_captions = caption(features_test)
true_captions = [[w for w in row[1:] if w > 2] for row in caption_test.tolist()]
caption_exact = float(np.mean([p == t for p, t in zip(predicted_captions, true_captions)]))
word_accuracy = float(np.mean([p[k] == t[k] if k < len(p) else False
                               for p, t in zip(predicted_captions, true_captions) for k in range(len(t))]))
print(f"{sum(p.numel() for p in captioner.parameters()):,} decoder parameters, {captioner_seconds:.1f} s of "
      f"training; held-out strips: {caption_exact:.1%} captioned exactly, {word_accuracy:.1%} of the digits named "
      "right in their place")
fig, axes = plt.subplots(2, 3, figsize=(10, 2.6))
for ax, k in zip(axes.ravel(), range(6)):
    ax.imshow(strip_test[k].numpy(), cmap="gray_r")
    ax.set_title(" ".join(CAPTION_WORDS[w] for w in predicted_captions[k]), fontsize=9,
                 color="C2" if predicted_captions[k] == true_captions[k] else "C3")
    ax.axis("off")
plt.show()

# %% [markdown]
# The captioner gets most strips entirely right, after two seconds of training, because it stands on the
# detector's shoulders; its errors are mostly the detector's own confusions between similar digits (one wrong word
# spoils a whole caption: the exact-match rate is roughly the per-digit accuracy to the power of the strip's length).
# Real captioners are the same design at scale: a pretrained vision backbone (a CNN, now a vision transformer) and
# a language decoder that attends over its features, trained on millions of captioned images.
#
# ## 13. Checkpoint: can you fine-tune a pretrained transformer for your task?
#
# Four short questions on weeks 09 and 10, checked when the notebook is graded (the cell under each answer only
# checks its format), and one answer in your own words.
#
# **Q1.** You fine-tune a pretrained language model on your own documents, and its mean cross-entropy on held-out
# text falls to 1.5 nats per token. What is its perplexity? (A number; three significant digits are enough.)

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q1", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q1_answer to a number.
### BEGIN SOLUTION
q1_answer = float(np.exp(1.5))
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q1_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q1_answer, (int, float, np.floating, np.integer)) and not isinstance(q1_answer, bool),
            f"q1_answer should be a number; got {q1_answer!r}.", name="q1_answer is a number")
print("q1_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q1_answer, np.exp(1.5), rtol=5e-3, name="the answer to question 1 (q1_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q2.** You have 800 labelled support tickets in 5 categories and a pretrained transformer encoder (like the
# MiniLM of week 09). Which plan is the best first one?
#
# - (a) Train a transformer of the same size from scratch on the 800 tickets: pretrained weights come from other
#   text and would only bias it.
# - (b) Fine-tune every layer with the learning rate you would use from scratch (1e-2), for 100 epochs.
# - (c) Add a new classification head on the encoder's pooled output; train the head first with the encoder
#   frozen, then unfreeze the top layers with a small learning rate (around 1e-5 to 5e-5) for a few epochs, keeping
#   the epoch with the best validation score, and compare with a TF-IDF + logistic regression baseline.
# - (d) Skip validation: with a pretrained model the training accuracy is a reliable estimate.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q2", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q2_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q2_answer = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q2_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q2_answer, str) and q2_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q2_answer should be one of the letters "a", "b", "c", "d"; got {q2_answer!r}.',
            name="q2_answer is one of the letters a, b, c, d")
print("q2_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q2_answer, "c", name="the answer to question 2 (q2_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q3.** Why do fine-tuning recipes give the pretrained layers a much smaller learning rate than the new head?
#
# - (a) Pretrained layers have more parameters, so a small rate keeps the step the same size.
# - (b) The pretrained weights already encode useful features; large updates, driven by a randomly initialised
#   head's large early gradients and a small data set, would overwrite them (catastrophic forgetting) and overfit.
# - (c) Small learning rates make training faster.
# - (d) Adam requires it for layers that were trained before.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q3", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q3_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q3_answer = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q3_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q3_answer, str) and q3_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q3_answer should be one of the letters "a", "b", "c", "d"; got {q3_answer!r}.',
            name="q3_answer is one of the letters a, b, c, d")
print("q3_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q3_answer, "b", name="the answer to question 3 (q3_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q4.** Your fine-tuned detector predicts the box (0, 0, 4, 4) for an object whose true box is (2, 2, 6, 6), both
# in xyxy. What is their IoU? (A number.) Would it count as a detection at the usual threshold of 0.5?

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q4", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q4_answer to a number.
### BEGIN SOLUTION
q4_answer = 4 / 28
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q4_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q4_answer, (int, float, np.floating, np.integer)) and not isinstance(q4_answer, bool),
            f"q4_answer should be a number; got {q4_answer!r}.", name="q4_answer is a number")
print("q4_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q4_answer, 1 / 7, rtol=5e-3, name="the answer to question 4 (q4_answer)")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "explain_fine_tuning_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Q5 (written, 3 points, graded by a person).** *Can you fine-tune a pretrained transformer for your task?* Pick a
# task of your own (for example: sorting your emails into five folders, or extracting the answer to a question
# from a manual) and describe in a paragraph or two how you would fine-tune a pretrained transformer for it: the
# model and its tokeniser, the head you add and its loss, what you freeze and the learning rates, how you split the
# data and what you watch during training, the baseline you compare with, and two things that could go wrong and
# how you would notice them. Write your answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "explain_fine_tuning", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# Task: route incoming support emails to one of five teams, with about 2,000 labelled emails. Model: a small
# pretrained encoder (MiniLM or DistilBERT) with **its own tokeniser** (never a different one: the embeddings are
# indexed by its vocabulary), inputs truncated to 256 tokens. Head: a linear layer (after dropout) on the pooled
# output ([CLS] or the mean of the token states) to 5 logits, cross-entropy loss; class weights if the teams are
# unbalanced. (For answers extracted from a manual: a start/end head over the passage tokens, two cross-entropies.)
#
# Training: a stratified split into training / validation / test (70/15/15), the test set touched once at the end.
# First train only the head with the encoder frozen (learning rate ~1e-3) for an epoch or two; then unfreeze the top
# layers (or all) with AdamW at 2e-5 to 5e-5, a linear warm-up and decay, 3–5 epochs, batch 16–32, keeping the
# checkpoint with the best validation macro-F1 (early stopping). Baseline: TF-IDF + logistic regression on the same
# split; the transformer must beat it to be worth its cost. What could go wrong: catastrophic forgetting or
# divergence from a learning rate that is too high (the validation loss jumps after unfreezing: lower it, or
# unfreeze fewer layers); overfitting a small set (training loss → 0 while validation F1 stalls: fewer epochs, more
# dropout, or freeze more); leakage (near-duplicate emails in training and test: deduplicate before splitting); a
# tokeniser or truncation mismatch between training and serving (check predictions on a few raw examples end to
# end); and a shift between the labelled emails and next month's (monitor the predicted class proportions).

# %% [markdown]
# ## Summary
#
# * **Detection**: boxes in xyxy; **IoU** = intersection / union (clamp the overlap at 0); a detector's dense
#   candidates need **NMS** (keep the best, drop its duplicates above an IoU threshold, only kept boxes suppress);
#   **AP** is the area under the envelope of the precision–recall curve from greedy matching, **mAP** its mean over
#   classes. A fully convolutional classifier is a sliding-window detector computed in one pass; one-stage detectors
#   (YOLO) predict boxes relative to anchors on a grid, two-stage ones (R-CNN) classify proposed regions, DETR
#   matches a set of predictions to the objects.
# * **Segmentation** labels pixels; compare masks with **Dice** $= 2\text{IoU}/(1+\text{IoU})$, not pixel accuracy.
# * **Embeddings**: skip-gram pairs (centre, context) within a window; **negative sampling** turns the softmax over
#   the vocabulary into $K+1$ logistic regressions. Neighbours emerge from a small corpus; analogies need a big one.
# * **Language models** are scored by **perplexity** $= e^{\text{nats per token}}$; **beam search** keeps the best
#   `beam_width` hypotheses (greedy is width 1) and favours short outputs; sampling is for open-ended text.
# * **Seq2seq** with attention and **teacher forcing** translates; **extractive QA** points at a span with start
#   and end scores.
# * **VAE**: $-\text{ELBO}$ = reconstruction + $\mathrm{KL}(q(z|x)\,\|\,\mathcal N(0,I))$, the KL in closed form,
#   the **reparameterisation** $z = \mu + e^{\text{logvar}/2}\varepsilon$ for gradients. **GAN**: a generator and a
#   discriminator in a game; sharp samples, unstable training, **mode collapse**. **Diffusion**: a fixed forward
#   noising process with the closed form $x_t = \sqrt{\bar\alpha_t}x_0 + \sqrt{1-\bar\alpha_t}\varepsilon$, a network
#   that predicts the noise, and sampling by undoing it step by step; linear or cosine **schedules**.
# * **Capstone**: a captioner reusing the detector as its backbone — pretrained features plus a small trained head,
#   which is also what fine-tuning a pretrained transformer is.
#
# This closes Phase 5. Next: getting models out of notebooks and into production (Phase 6).

# %%
print(f"the whole week ran in {time.perf_counter() - week_started:.0f} s")
