"""Week 10 explorers: the models compute the right things, the references the lesson falls back on pass the course's
own checks, the committed diffusion trajectories are what the code makes, and the views update and say whose code
runs."""
from __future__ import annotations

import numpy as np
import pytest

from course.exercises import run_checks
from course.exercises.week10 import iou_brute_force, nms_brute_force
from course.explorers.diffusion_steps import (CACHE, POINTS, T, TRAINED_SCHEDULE, DiffusionSteps, diffusion_explorer,
                                              moons, reference_ddpm_schedule, reference_q_sample, sample_trajectories,
                                              train_ddpm, trajectories)
from course.explorers.nms_threshold import (NMSThresholds, Scene, default_scene, make_scene, nms_explorer,
                                            reference_average_precision, reference_box_iou, reference_nms)


def _accept(function):
    return True, ""


def _reject(function):
    return False, "it returns the wrong shape"


def _png(box) -> bytes:
    outputs = box.output.outputs
    assert len(outputs) == 1 and "image/png" in outputs[0]["data"]
    return outputs[0]["data"]["image/png"]


@pytest.mark.parametrize("key, reference", [
    ("week10.box_iou", reference_box_iou), ("week10.nms", reference_nms),
    ("week10.average_precision", reference_average_precision), ("week10.ddpm_schedule", reference_ddpm_schedule),
    ("week10.q_sample", reference_q_sample)])
def test_the_references_pass_the_course_checks(key, reference):
    assert run_checks(key, reference).ok


# ----------------------------------------------------------------------------- scenes and NMS


def test_scenes_hold_non_overlapping_digits_inside_the_canvas():
    rng = np.random.default_rng(0)
    for _ in range(50):
        canvas, boxes, labels, clean = make_scene(rng, 40, clean=True)
        assert canvas.shape == clean.shape == (40, 40) and 2 <= len(boxes) <= 4 and len(labels) == len(boxes)
        assert np.all(boxes[:, :2] >= 0) and np.all(boxes[:, 2:] <= 40) and np.all(boxes[:, 2:] - boxes[:, :2] == 8)
        iou = iou_brute_force(boxes, boxes)
        assert np.allclose(iou, np.eye(len(boxes)))
        for x1, y1, x2, y2 in boxes.astype(int):
            assert clean[y1:y2, x1:x2].max() > 0.5           # a digit is drawn in each box
        assert clean.max() <= 1 and np.std(canvas - clean) == pytest.approx(0.1, rel=0.15)


def test_the_model_keeps_what_nms_keeps_among_the_boxes_above_the_score_threshold():
    scene = default_scene()
    for iou_threshold in (0.1, 0.5, 0.9):
        for score_threshold in (0.0, 0.3, 0.7):
            r = NMSThresholds(iou_threshold, score_threshold).compute()
            above = np.flatnonzero(scene.scores >= score_threshold)
            expected = above[nms_brute_force(scene.boxes[above], scene.scores[above], iou_threshold)]
            assert r.kept.tolist() == expected.tolist()
            assert sorted([*r.kept, *r.suppressed, *r.below]) == list(range(len(scene.boxes)))
            assert r.hits + r.missed == len(scene.objects) and r.hits + r.false_alarms == len(r.kept)


def test_the_default_scene_behaves_as_the_lesson_says():
    at_half = NMSThresholds(0.5, 0.3).compute()
    assert at_half.hits == 4 and at_half.missed == 0
    assert NMSThresholds(0.9, 0.3).compute().false_alarms > at_half.false_alarms          # duplicates survive
    assert NMSThresholds(0.5, 0.0).compute().false_alarms > at_half.false_alarms          # background survives
    assert NMSThresholds(0.5, 0.9).compute().missed > 0                                   # digits are missed


def test_the_nms_explorer_runs_the_learners_nms_only_once_it_passes():
    calls = []

    def mine(boxes, scores, threshold):
        calls.append(len(boxes))
        return reference_nms(boxes, scores, threshold)

    rejected = NMSThresholds(nms=mine, validate=_reject).compute()
    assert rejected.implementation == "reference" and "does not pass its checks yet" in rejected.running
    assert not calls
    accepted = NMSThresholds(nms=mine, validate=_accept).compute()
    assert accepted.implementation == "yours" and accepted.running == "suppression: your nms" and calls

    def fragile(boxes, scores, threshold):
        raise ValueError("no")
    assert "raised ValueError" in NMSThresholds(nms=fragile, validate=_accept).compute().running


def test_the_nms_view_redraws_on_both_sliders_and_takes_a_scene():
    box = nms_explorer()
    assert _png(box) and "updated in" in box.status.value and "the reference nms" in box.status.value
    for control, value in (("iou_threshold", 0.8), ("score_threshold", 0.6)):
        before = box.output.outputs
        box.controls[control].value = value
        assert getattr(box.result, control) == value and box.output.outputs != before
    canvas, objects, _ = make_scene(np.random.default_rng(3))
    custom = Scene(canvas, objects, objects.copy(), np.linspace(0.9, 0.5, len(objects)))
    result = nms_explorer(scene=custom).result
    assert result.hits == len(objects) and result.false_alarms == 0


# ----------------------------------------------------------------------------- diffusion


def test_the_forward_process_is_the_closed_form_of_the_chosen_schedule():
    for schedule in ("linear", "cosine"):
        for t in (0, 1, 25, T):
            p = DiffusionSteps(t=t, schedule=schedule).compute()
            arguments = TRAINED_SCHEDULE if schedule == "linear" else {"kind": "cosine"}
            _, cumprod = reference_ddpm_schedule(T, **arguments)
            model = DiffusionSteps()
            expected = model._data if t == 0 else \
                np.sqrt(cumprod[t - 1]) * model._data + np.sqrt(1 - cumprod[t - 1]) * model._noise
            assert np.allclose(p.points, expected) and p.signal[t] == pytest.approx(np.sqrt(
                1.0 if t == 0 else cumprod[t - 1]))
    linear, cosine = (DiffusionSteps(t=25, schedule=s).compute() for s in ("linear", "cosine"))
    assert cosine.signal[25] > linear.signal[25]            # the cosine schedule keeps more signal mid-way


def test_the_committed_trajectories_are_what_the_trained_sampler_makes():
    stored = trajectories()
    assert CACHE.exists() and stored.shape == (T + 1, POINTS, 2)
    fresh = sample_trajectories(train_ddpm())          # about ten seconds on one thread
    assert np.allclose(fresh, stored, atol=1e-4)


def test_the_sampler_carries_noise_to_the_moons():
    from sklearn.neighbors import NearestNeighbors
    path = trajectories()
    reference = NearestNeighbors(n_neighbors=1).fit(moons(4000, seed=1))
    start, end = (np.median(reference.kneighbors(path[t])[0]) for t in (T, 0))
    assert abs(path[T].std() - 1) < 0.1 and end < 0.1 < start


def test_the_diffusion_explorer_uses_the_learners_functions_once_they_pass():
    calls = []

    def mine(x0, t, alphas_cumprod, noise):
        calls.append(len(x0))
        return reference_q_sample(x0, t, alphas_cumprod, noise)

    p = DiffusionSteps(t=10, q_sample=mine, ddpm_schedule=reference_ddpm_schedule).compute()
    assert p.implementation == "yours" and "your q_sample" in p.running and calls[-1] == POINTS   # after its checks
    reverse = DiffusionSteps(t=10, direction="reverse", q_sample=mine).compute()
    assert np.allclose(reverse.points, trajectories()[10]) and "precomputed" in reverse.running

    def unfinished(T, kind="linear", beta_start=1e-4, beta_end=0.02):
        raise NotImplementedError
    assert "the reference ddpm_schedule" in DiffusionSteps(ddpm_schedule=unfinished).compute().running


def test_the_diffusion_view_redraws_on_every_control():
    box = diffusion_explorer(t=5)
    assert _png(box) and "updated in" in box.status.value
    for control, value in (("t", 40), ("schedule", "cosine"), ("direction", "reverse"), ("t", 0)):
        before = box.output.outputs
        box.controls[control].value = value
        assert getattr(box.model, control) == value and box.output.outputs != before
    assert box.result.direction == "reverse" and box.result.t == 0
