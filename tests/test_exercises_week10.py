"""Week 10: correct implementations written differently from the solutions pass the oracle on many seeds, and the
oracle's own references agree with independent ones (torch, exhaustive search, the closed form).

Each RIGHT variant takes another route than the notebook's solution (loops over pairs, sorting by a key, a
recursive beam, torch for the KL, the cosine schedule from ᾱ directly...), so the hidden tests are not tied to one
way of writing the answer.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from course.exercises import run_checks
from course.exercises.week10 import (average_precision_reference, beam_search_reference, exhaustive_search,
                                     iou_brute_force, nms_brute_force, q_sample_iterated, schedule_reference)


# ----------------------------------------------------------------------------- detection

def iou_loops(a, b):
    """Pair by pair with plain Python floats; the empty-union rule written as an explicit test."""
    out = np.zeros((len(a), len(b)))
    for i, j in itertools.product(range(len(a)), range(len(b))):
        (ax1, ay1, ax2, ay2), (bx1, by1, bx2, by2) = map(float, a[i]), map(float, b[j])
        inter = max(0.0, min(ax2, bx2) - max(ax1, bx1)) * max(0.0, min(ay2, by2) - max(ay1, by1))
        union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter
        out[i, j] = 0.0 if union <= 0 else inter / union
    return out


def nms_by_marking(boxes, scores, iou_threshold):
    """Mark suppressed boxes in a boolean array while walking the sorted list once."""
    order = sorted(range(len(scores)), key=lambda k: (-scores[k], k))
    iou = iou_loops(boxes, boxes)
    removed = np.zeros(len(scores), dtype=bool)
    kept = []
    for position, k in enumerate(order):
        if removed[k]:
            continue
        kept.append(k)
        for other in order[position + 1:]:
            if iou[k, other] > iou_threshold:
                removed[other] = True
    return kept


def ap_by_precision_envelope_loop(detections, ground_truth, iou_threshold=0.5):
    """Matching per image with a dict of matched objects; the envelope by a backwards running maximum and the
    area as a sum over recall steps."""
    order = sorted(range(len(detections)), key=lambda k: (-detections[k][5], k))
    matched = set()
    tp = []
    for k in order:
        image, box = detections[k][0], detections[k][1:5]
        best, best_iou = None, -1.0
        for g, truth in enumerate(ground_truth):
            if truth[0] != image or g in matched:
                continue
            value = iou_loops(np.array([box]), np.array([truth[1:5]]))[0, 0]
            if value > best_iou:
                best, best_iou = g, value
        hit = best is not None and best_iou >= iou_threshold
        if hit:
            matched.add(best)
        tp.append(1.0 if hit else 0.0)
    precision, recall, running = [], [], 0.0
    for rank, hit in enumerate(tp, 1):
        running += hit
        precision.append(running / rank)
        recall.append(running / len(ground_truth))
    for k in range(len(precision) - 2, -1, -1):
        precision[k] = max(precision[k], precision[k + 1])
    area, previous = 0.0, 0.0
    for p, r in zip(precision, recall):
        area += (r - previous) * p
        previous = r
    return area


# ----------------------------------------------------------------------------- language

def skipgram_by_offsets(tokens, window):
    """Build the pairs position by position from a padded view (−1 marks outside the text)."""
    tokens = np.asarray(tokens)
    padded = np.concatenate([np.full(window, -1), tokens, np.full(window, -1)])
    rows = []
    for i in range(len(tokens)):
        around = padded[i:i + 2 * window + 1]
        context = np.delete(around, window)
        rows += [(tokens[i], c) for c in context if c != -1]
    return np.array(rows, dtype=int).reshape(-1, 2)


def negative_sampling_torch(centre, context, negatives):
    """The learner could also do it with torch autograd."""
    v, u, n = (torch.tensor(a, requires_grad=True) for a in (centre, context, negatives))
    loss = -(torch.nn.functional.logsigmoid((u * v).sum(1))
             + torch.nn.functional.logsigmoid(-(n @ v[:, :, None])[..., 0]).sum(1)).mean()
    loss.backward()
    return loss.item(), v.grad.numpy(), u.grad.numpy(), n.grad.numpy()


def beam_recursive(start_logprobs, transition_logprobs, beam_width, end, max_len):
    """Keep (score, sequence) tuples in a heap-free list, finished and open ones apart, merged each step."""
    beams = [(0.0, ())]
    for _ in range(max_len):
        pool = []
        for score, seq in beams:
            if seq and seq[-1] == end:
                pool.append((score, seq))
            else:
                logp = start_logprobs if not seq else transition_logprobs[seq[-1]]
                pool.extend((score + float(logp[w]), seq + (w,)) for w in range(len(logp)))
        pool = sorted(enumerate(pool), key=lambda item: (-item[1][0], item[0]))
        beams = [candidate for _, candidate in pool[:beam_width]]
        if all(seq[-1] == end for _, seq in beams):
            break
    score, seq = max(beams, key=lambda item: item[0])
    return np.array(seq), score


# ----------------------------------------------------------------------------- generative models

def kl_with_torch(mu, logvar):
    q = torch.distributions.Normal(torch.tensor(mu), torch.tensor(np.exp(0.5 * logvar)))
    return torch.distributions.kl_divergence(q, torch.distributions.Normal(0.0, 1.0)).sum(1).numpy()


def reparameterise_with_sqrt(mu, logvar, eps):
    return torch.sqrt(torch.exp(logvar)) * eps + mu


def schedule_from_alpha_bar(T, kind="linear", beta_start=1e-4, beta_end=0.02):
    """The linear betas by arange; the cosine ones from ᾱ(t) normalised by f(0); ᾱ by a Python loop."""
    if kind == "linear":
        betas = beta_start + (beta_end - beta_start) * np.arange(T) / max(T - 1, 1)
    else:
        f = lambda t: np.cos((t / T + 0.008) / 1.008 * np.pi / 2) ** 2  # noqa: E731
        alpha_bar = f(np.arange(T + 1)) / f(0)
        betas = np.clip(1 - alpha_bar[1:] / alpha_bar[:-1], 0, 0.999)
    cumulative, running = [], 1.0
    for beta in betas:
        running *= 1 - beta
        cumulative.append(running)
    return list(betas), cumulative


def q_sample_loop(x0, t, alphas_cumprod, noise):
    return np.array([np.sqrt(alphas_cumprod[s]) * row + np.sqrt(1 - alphas_cumprod[s]) * e
                     for row, s, e in zip(x0, t, noise)])


RIGHT = [
    ("week10.box_iou", iou_loops), ("week10.nms", nms_by_marking),
    ("week10.average_precision", ap_by_precision_envelope_loop), ("week10.skipgram_pairs", skipgram_by_offsets),
    ("week10.negative_sampling_loss", negative_sampling_torch), ("week10.beam_search", beam_recursive),
    ("week10.gaussian_kl", kl_with_torch), ("week10.reparameterise", reparameterise_with_sqrt),
    ("week10.ddpm_schedule", schedule_from_alpha_bar), ("week10.q_sample", q_sample_loop),
]


@pytest.mark.parametrize("key, function", RIGHT, ids=[key for key, _ in RIGHT])
def test_correct_variants_written_differently_pass(key, function):
    for seed in range(15):
        report = run_checks(key, function, seed=seed)
        assert report.ok, f"seed {seed}: {report.failure}"


# ----------------------------------------------------------------------------- the references themselves

def test_the_box_references_agree_with_the_vectorised_ones():
    from course.explorers.nms_threshold import reference_box_iou, reference_nms
    rng = np.random.default_rng(0)
    for _ in range(20):
        corner = rng.integers(0, 10, size=(7, 2)).astype(float)
        boxes = np.concatenate([corner, corner + rng.integers(0, 6, size=(7, 2))], axis=1)
        assert np.allclose(iou_brute_force(boxes, boxes[::-1]), reference_box_iou(boxes, boxes[::-1]))
        scores = rng.integers(0, 4, size=7) / 4
        for threshold in (0.0, 0.3, 0.5):
            assert list(nms_brute_force(boxes, scores, threshold)) == list(reference_nms(boxes, scores, threshold))


def test_average_precision_of_a_perfect_and_of_a_useless_detector():
    truth = np.array([[0, 0, 0, 10, 10], [1, 5, 5, 9, 9]], float)
    perfect = np.column_stack([truth, [0.9, 0.8]])
    assert average_precision_reference(perfect, truth) == 1.0
    assert average_precision_reference(np.array([[0, 50, 50, 60, 60, 0.9]]), truth) == 0.0
    half = np.array([[0, 0, 0, 10, 10, 0.9], [0, 30, 30, 40, 40, 0.8]])
    assert np.isclose(average_precision_reference(half, truth), 0.5)


def test_beam_search_with_a_wide_beam_is_exhaustive_and_width_one_is_greedy():
    rng = np.random.default_rng(1)
    for _ in range(20):
        v, max_len, end = 3, 4, int(rng.integers(3))
        start = np.log(rng.dirichlet(np.ones(v)))
        transition = np.log(rng.dirichlet(np.ones(v), size=v))
        (wide, wide_score), (best, best_score) = (beam_search_reference(start, transition, v ** max_len, end, max_len),
                                                  exhaustive_search(start, transition, end, max_len))
        assert wide == best and wide_score == pytest.approx(best_score, rel=1e-12)
        greedy, token = [], None
        for _ in range(max_len):
            row = start if token is None else transition[token]
            token = int(np.argmax(row))
            greedy.append(token)
            if token == end:
                break
        assert beam_search_reference(start, transition, 1, end, max_len)[0] == greedy


def test_the_schedules_follow_the_papers():
    betas, cumprod = schedule_reference(1000, "linear")
    assert betas[0] == pytest.approx(1e-4) and betas[-1] == pytest.approx(0.02)
    assert cumprod[-1] == pytest.approx(np.prod(1 - np.linspace(1e-4, 0.02, 1000)), rel=1e-9)
    betas, cumprod = schedule_reference(1000, "cosine")
    f = lambda t: np.cos((t / 1000 + 0.008) / 1.008 * np.pi / 2) ** 2  # noqa: E731
    assert np.allclose(cumprod[:-5], (f(np.arange(1, 1001)) / f(0))[:-5], rtol=1e-9)
    assert betas.max() == pytest.approx(0.999) and np.all(np.diff(betas) > 0)


def test_the_iterated_forward_process_is_the_closed_form_in_distribution():
    """With independent noise at each step, iterating agrees with the closed form in mean and variance."""
    _, cumprod = schedule_reference(40, "linear", 1e-4, 0.1)
    betas = 1 - cumprod / np.concatenate([[1.0], cumprod[:-1]])
    rng = np.random.default_rng(0)
    x = np.full((200000, 1), 2.0)
    for beta in betas[:30]:
        x = np.sqrt(1 - beta) * x + np.sqrt(beta) * rng.standard_normal(x.shape)
    assert abs(x.mean() - np.sqrt(cumprod[29]) * 2.0) < 0.01
    assert abs(x.var() - (1 - cumprod[29])) < 0.01
    noise = rng.standard_normal((3, 2))
    x0 = rng.normal(size=(3, 2))
    t = np.array([0, 17, 39])
    assert np.allclose(q_sample_iterated(x0, t, cumprod, noise),
                       np.sqrt(cumprod[t])[:, None] * x0 + np.sqrt(1 - cumprod[t])[:, None] * noise, atol=1e-12)
