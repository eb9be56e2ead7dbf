"""Plausible wrong implementations of week 10's graded functions, each with the diagnosis it must get.

Every hidden test must fail for at least one of these (tests/test_exercises.py checks it); PUBLIC_CASES are the
public cells that must name a mistake too (tests/test_public_tests.py).
"""
import numpy as np
import torch

from solutions import renamed_source


# ----------------------------------------------------------------------------- box_iou

def _iou(a, b, plus_one=0.0, clamp=True, subtract=True):
    a, b = np.asarray(a, float), np.asarray(b, float)
    w = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]) + plus_one
    h = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]) + plus_one
    inter = np.clip(w, 0, None) * np.clip(h, 0, None) if clamp else w * h
    area_a = (a[:, 2] - a[:, 0] + plus_one) * (a[:, 3] - a[:, 1] + plus_one)
    area_b = (b[:, 2] - b[:, 0] + plus_one) * (b[:, 3] - b[:, 1] + plus_one)
    union = area_a[:, None] + area_b[None, :] - (inter if subtract else 0)
    return np.divide(inter, union, out=np.zeros(inter.shape), where=union > 0)


def iou_plus_one(a, b):
    return _iou(a, b, plus_one=1.0)


def iou_unclamped(a, b):
    return _iou(a, b, clamp=False)


def iou_sum_of_areas(a, b):
    return _iou(a, b, subtract=False)


def iou_transposed(a, b):
    return _iou(b, a)


def iou_nan_for_empty_union(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    w = np.clip(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    h = np.clip(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        return w * h / (area_a[:, None] + area_b[None, :] - w * h)


# ----------------------------------------------------------------------------- nms

def _nms(boxes, scores, iou_threshold, strict=True, stable=True, any_higher=False):
    scores = np.asarray(scores, float)
    order = np.argsort(-scores, kind="stable")
    if not stable:   # ties: the higher index first
        order = np.array(sorted(range(len(scores)), key=lambda i: (-scores[i], -i)), dtype=int)
    iou = _iou(boxes, boxes)
    over = (lambda values: values > iou_threshold) if strict else (lambda values: values >= iou_threshold)
    if any_higher:
        return np.array([i for k, i in enumerate(order) if not over(iou[order[:k], i]).any()], dtype=int)
    keep = []
    while order.size:
        best, order = order[0], order[1:]
        keep.append(best)
        order = order[~over(iou[best, order])]
    return np.array(keep, dtype=int)


def nms_suppressed_boxes_suppress(boxes, scores, iou_threshold):
    return _nms(boxes, scores, iou_threshold, any_higher=True)


def nms_at_least_threshold(boxes, scores, iou_threshold):
    return _nms(boxes, scores, iou_threshold, strict=False)


def nms_ties_higher_index(boxes, scores, iou_threshold):
    return _nms(boxes, scores, iou_threshold, stable=False)


def nms_index_order(boxes, scores, iou_threshold):
    return np.sort(_nms(boxes, scores, iou_threshold))


def nms_mask(boxes, scores, iou_threshold):
    keep = np.zeros(len(scores), dtype=bool)
    keep[_nms(boxes, scores, iou_threshold)] = True
    return keep


# ----------------------------------------------------------------------------- average precision

def _ap(detections, ground_truth, iou_threshold, envelope=True, once=True, per_image=True, eleven=False,
        strict=False):
    detections = np.asarray(detections, float).reshape(-1, 6)
    ground_truth = np.asarray(ground_truth, float).reshape(-1, 5)
    order = np.argsort(-detections[:, 5], kind="stable")
    matched = np.zeros(len(ground_truth), bool)
    hits = []
    for k in order:
        allowed = np.ones(len(ground_truth), bool)
        if per_image:
            allowed &= ground_truth[:, 0] == detections[k, 0]
        if once:
            allowed &= ~matched
        candidates = np.flatnonzero(allowed)
        hit = False
        if candidates.size:
            overlaps = _iou(detections[k:k + 1, 1:5], ground_truth[candidates, 1:5])[0]
            best = int(np.argmax(overlaps))
            hit = overlaps[best] > iou_threshold if strict else overlaps[best] >= iou_threshold
            if hit:
                matched[candidates[best]] = True
        hits.append(hit)
    hits = np.array(hits, bool)
    tp = np.cumsum(hits)
    precision = tp / np.arange(1, len(hits) + 1)
    recall = tp / len(ground_truth)
    if eleven:
        return float(np.mean([precision[recall >= r].max() if np.any(recall >= r) else 0.0
                              for r in np.linspace(0, 1, 11)]))
    if envelope:
        precision = np.maximum.accumulate(precision[::-1])[::-1]
    return float(np.sum(np.diff(np.concatenate([[0.0], recall])) * precision))


def ap_without_envelope(detections, ground_truth, iou_threshold=0.5):
    return _ap(detections, ground_truth, iou_threshold, envelope=False)


def ap_matches_twice(detections, ground_truth, iou_threshold=0.5):
    return _ap(detections, ground_truth, iou_threshold, once=False)


def ap_across_images(detections, ground_truth, iou_threshold=0.5):
    return _ap(detections, ground_truth, iou_threshold, per_image=False)


def ap_eleven_points(detections, ground_truth, iou_threshold=0.5):
    return _ap(detections, ground_truth, iou_threshold, eleven=True)


def ap_strict_threshold(detections, ground_truth, iou_threshold=0.5):
    return _ap(detections, ground_truth, iou_threshold, strict=True)


# ----------------------------------------------------------------------------- skip-gram pairs

def _pairs(tokens, window, centre=False, short=False, swap=False, by_distance=False):
    tokens = list(tokens)
    pairs = []
    for i, c in enumerate(tokens):
        offsets = ([s * d for d in range(1, window + 1) for s in (-1, 1)] if by_distance
                   else range(-window, window + (0 if short else 1)))
        for o in offsets:
            j = i + o
            if 0 <= j < len(tokens) and (o != 0 or centre):
                pairs.append((tokens[j], c) if swap else (c, tokens[j]))
    return np.array(pairs, dtype=int).reshape(-1, 2)


def skipgram_with_centre(tokens, window):
    return _pairs(tokens, window, centre=True)


def skipgram_short_window(tokens, window):
    return _pairs(tokens, window, short=True)


def skipgram_swapped(tokens, window):
    return _pairs(tokens, window, swap=True)


def skipgram_by_distance(tokens, window):
    return _pairs(tokens, window, by_distance=True)


def skipgram_flat_empty(tokens, window):
    pairs = _pairs(tokens, window)
    return pairs if len(pairs) else np.array([], dtype=int)


# ----------------------------------------------------------------------------- negative sampling

def _ns(centre, context, negatives, sign=-1.0, mean=True, negatives_in_centre=True, naive=False):
    def log_sigmoid(x):
        return np.log(1 / (1 + np.exp(-x))) if naive else -np.logaddexp(0.0, -x)

    b = len(centre) if mean else 1
    pos = np.sum(context * centre, axis=1)
    neg = np.einsum("bkd,bd->bk", negatives, centre)
    loss = -np.sum(log_sigmoid(pos) + np.sum(log_sigmoid(sign * neg), axis=1)) / b
    g_pos = -1 / (1 + np.exp(pos)) / b
    g_neg = -sign / (1 + np.exp(sign * neg)) / b      # d/d(neg) of −log σ(sign · neg)
    d_centre = g_pos[:, None] * context
    if negatives_in_centre:
        d_centre = d_centre + np.einsum("bk,bkd->bd", g_neg, negatives)
    return float(loss), d_centre, g_pos[:, None] * centre, g_neg[:, :, None] * centre[:, None, :]


def ns_negatives_positive(centre, context, negatives):
    return _ns(centre, context, negatives, sign=1.0)


def ns_summed(centre, context, negatives):
    return _ns(centre, context, negatives, mean=False)


def ns_centre_without_negatives(centre, context, negatives):
    return _ns(centre, context, negatives, negatives_in_centre=False)


def ns_naive_log_sigmoid(centre, context, negatives):
    with np.errstate(over="ignore", divide="ignore"):
        return _ns(centre, context, negatives, naive=True)


# ----------------------------------------------------------------------------- beam search

def _beam(start, transition, beam_width, end, max_len, keep_finished=True, normalise=False):
    beams = [([], 0.0)]
    for _ in range(max_len):
        candidates = []
        for seq, score in beams:
            if seq and seq[-1] == end:
                if keep_finished:
                    candidates.append((seq, score))
                continue
            row = start if not seq else transition[seq[-1]]
            candidates += [(seq + [w], score + float(row[w])) for w in range(len(row))]
        if not candidates:
            break
        rank = (lambda c: -c[1] / len(c[0])) if normalise else (lambda c: -c[1])
        candidates.sort(key=rank)
        beams = candidates[:beam_width]
        if all(seq[-1] == end for seq, _ in beams):
            break
    return max(beams, key=(lambda c: c[1] / len(c[0])) if normalise else (lambda c: c[1]))


def beam_drops_finished(start_logprobs, transition_logprobs, beam_width, end, max_len):
    return _beam(start_logprobs, transition_logprobs, beam_width, end, max_len, keep_finished=False)


def beam_length_normalised(start_logprobs, transition_logprobs, beam_width, end, max_len):
    return _beam(start_logprobs, transition_logprobs, beam_width, end, max_len, normalise=True)


def beam_always_greedy(start_logprobs, transition_logprobs, beam_width, end, max_len):
    return _beam(start_logprobs, transition_logprobs, 1, end, max_len)


def beam_returns_probability(start_logprobs, transition_logprobs, beam_width, end, max_len):
    seq, score = _beam(start_logprobs, transition_logprobs, beam_width, end, max_len)
    return seq, float(np.exp(score))


# ----------------------------------------------------------------------------- VAE

def kl_logvar_as_log_std(mu, logvar):
    return 0.5 * np.sum(np.exp(2 * logvar) + mu ** 2 - 1 - 2 * logvar, axis=1)


def kl_mean_over_dimensions(mu, logvar):
    return 0.5 * np.mean(np.exp(logvar) + mu ** 2 - 1 - logvar, axis=1)


def kl_without_half(mu, logvar):
    return np.sum(np.exp(logvar) + mu ** 2 - 1 - logvar, axis=1)


def kl_per_dimension(mu, logvar):
    return 0.5 * (np.exp(logvar) + mu ** 2 - 1 - logvar)


def reparameterise_std_exp_logvar(mu, logvar, eps):
    return mu + torch.exp(logvar) * eps


def reparameterise_detached(mu, logvar, eps):
    return torch.tensor((mu + torch.exp(0.5 * logvar) * eps).detach().numpy())


def reparameterise_own_noise(mu, logvar, eps):
    return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)


def reparameterise_numpy(mu, logvar, eps):
    return mu.detach().numpy() + np.exp(0.5 * logvar.detach().numpy()) * eps.numpy()


# ----------------------------------------------------------------------------- diffusion

def _schedule(T, kind, beta_start, beta_end, endpoint=True, offset=0.008, clip=True, product="alphas"):
    if kind == "linear":
        betas = np.linspace(beta_start, beta_end, T, endpoint=endpoint) if endpoint else \
            beta_start + (beta_end - beta_start) * np.arange(T) / T
    else:
        steps = np.arange(T + 1) / T
        f = np.cos((steps + offset) / (1 + offset) * np.pi / 2) ** 2
        betas = 1 - f[1:] / f[:-1]
        betas = np.minimum(betas, 0.999) if clip else betas
    cumulative = {"alphas": np.cumprod(1 - betas), "betas": np.cumprod(betas), "none": 1 - betas}[product]
    return betas, cumulative


def schedule_linear_short(T, kind="linear", beta_start=1e-4, beta_end=0.02):
    return _schedule(T, kind, beta_start, beta_end, endpoint=False)


def schedule_cosine_without_offset(T, kind="linear", beta_start=1e-4, beta_end=0.02):
    return _schedule(T, kind, beta_start, beta_end, offset=0.0)


def schedule_cosine_unclipped(T, kind="linear", beta_start=1e-4, beta_end=0.02):
    with np.errstate(divide="ignore", invalid="ignore"):
        return _schedule(T, kind, beta_start, beta_end, clip=False)


def schedule_cumprod_of_betas(T, kind="linear", beta_start=1e-4, beta_end=0.02):
    return _schedule(T, kind, beta_start, beta_end, product="betas")


def schedule_without_cumprod(T, kind="linear", beta_start=1e-4, beta_end=0.02):
    return _schedule(T, kind, beta_start, beta_end, product="none")


def q_sample_variance_as_std(x0, t, alphas_cumprod, noise):
    a = alphas_cumprod[t][:, None]
    return np.sqrt(a) * x0 + (1 - a) * noise


def q_sample_signal_unrooted(x0, t, alphas_cumprod, noise):
    a = alphas_cumprod[t][:, None]
    return a * x0 + np.sqrt(1 - a) * noise


def q_sample_off_by_one(x0, t, alphas_cumprod, noise):
    a = np.concatenate([[1.0], alphas_cumprod])[t][:, None]
    return np.sqrt(a) * x0 + np.sqrt(1 - a) * noise


def q_sample_one_t(x0, t, alphas_cumprod, noise):
    a = alphas_cumprod[t[0]]
    return np.sqrt(a) * x0 + np.sqrt(1 - a) * noise


WRONG = [
    ("week10.box_iou", iou_plus_one, "'+1' pixel convention"),
    ("week10.box_iou", iou_unclamped, "not clamping"),
    ("week10.box_iou", iou_sum_of_areas, "sum of the areas"),
    ("week10.box_iou", iou_transposed, "row i is box a[i]"),
    ("week10.box_iou", iou_nan_for_empty_union, "NaN"),
    ("week10.nms", nms_suppressed_boxes_suppress, "only a KEPT box suppresses"),
    ("week10.nms", nms_at_least_threshold, "strictly above the threshold"),
    ("week10.nms", nms_ties_higher_index, "HIGHER index"),
    ("week10.nms", nms_index_order, "wrong order"),
    ("week10.nms", nms_mask, "boolean mask"),
    ("week10.average_precision", ap_without_envelope, "use the envelope"),
    ("week10.average_precision", ap_matches_twice, "more than once"),
    ("week10.average_precision", ap_across_images, "other images"),
    ("week10.average_precision", ap_eleven_points, "11-point"),
    ("week10.average_precision", ap_strict_threshold, "IoU >= iou_threshold"),
    ("week10.skipgram_pairs", skipgram_with_centre, "with itself"),
    ("week10.skipgram_pairs", skipgram_short_window, "one position short"),
    ("week10.skipgram_pairs", skipgram_swapped, "(context, centre) pairs"),
    ("week10.skipgram_pairs", skipgram_by_distance, "ordering the context by distance"),
    ("week10.skipgram_pairs", skipgram_flat_empty, "shape (0, 2)"),
    ("week10.negative_sampling_loss", ns_negatives_positive, "should score LOW"),
    ("week10.negative_sampling_loss", ns_summed, "the sum over the batch"),
    ("week10.negative_sampling_loss", ns_centre_without_negatives, "negatives' part of d_centre"),
    ("week10.negative_sampling_loss", ns_naive_log_sigmoid, "inf"),
    ("week10.beam_search", beam_drops_finished, "dropping finished hypotheses"),
    ("week10.beam_search", beam_length_normalised, "dividing the scores by the length"),
    ("week10.beam_search", beam_always_greedy, "greedy decoding"),
    ("week10.beam_search", beam_returns_probability, "probability instead of its log"),
    ("week10.gaussian_kl", kl_logvar_as_log_std, "log of the VARIANCE"),
    ("week10.gaussian_kl", kl_mean_over_dimensions, "mean over the latent dimensions"),
    ("week10.gaussian_kl", kl_without_half, "leaving out the ½"),
    ("week10.gaussian_kl", kl_per_dimension, "sum over the latent dimensions"),
    ("week10.reparameterise", reparameterise_std_exp_logvar, "exp(logvar / 2)"),
    ("week10.reparameterise", reparameterise_detached, "no gradient reaches"),
    ("week10.reparameterise", reparameterise_own_noise, "z does not match"),
    ("week10.reparameterise", reparameterise_numpy, "return a torch tensor"),
    ("week10.ddpm_schedule", schedule_linear_short, "stop short of beta_end"),
    ("week10.ddpm_schedule", schedule_cosine_without_offset, "without the offset s"),
    ("week10.ddpm_schedule", schedule_cosine_unclipped, "without clipping"),
    ("week10.ddpm_schedule", schedule_cumprod_of_betas, "product of the ALPHAS"),
    ("week10.ddpm_schedule", schedule_without_cumprod, "without the cumulative product"),
    ("week10.q_sample", q_sample_variance_as_std, "STANDARD DEVIATION"),
    ("week10.q_sample", q_sample_signal_unrooted, "scaled by √ᾱ_t"),
    ("week10.q_sample", q_sample_off_by_one, "alphas_cumprod[t − 1]"),
    ("week10.q_sample", q_sample_one_t, "its own t[i]"),
]


PUBLIC_CASES = [  # (public grade_id, function name, wrong variant, phrase the learner must read)
    ("box_iou_public", "box_iou", iou_plus_one, "the '+1' pixel convention"),
    ("box_iou_public", "box_iou", iou_unclamped, "without clamping"),
    ("nms_public", "nms", nms_suppressed_boxes_suppress, "suppressed box suppress"),
    ("nms_public", "nms", nms_at_least_threshold, "IoU >= threshold"),
    ("average_precision_public", "average_precision", ap_without_envelope, "without the envelope"),
    ("average_precision_public", "average_precision", ap_matches_twice, "matching an object twice"),
    ("skipgram_pairs_public", "skipgram_pairs", skipgram_with_centre, "the centre word as its own context"),
    ("negative_sampling_loss_public", "negative_sampling_loss", ns_negatives_positive, "log σ(+u_k·v)"),
    ("beam_search_public", "beam_search", beam_drops_finished, "dropping the finished hypothesis"),
    ("gaussian_kl_public", "gaussian_kl", kl_logvar_as_log_std, "logvar read as log σ"),
    ("reparameterise_public", "reparameterise", reparameterise_std_exp_logvar, "σ = exp(logvar)"),
    ("ddpm_schedule_public", "ddpm_schedule", schedule_cumprod_of_betas, "the product of the betas"),
    ("q_sample_public", "q_sample", q_sample_variance_as_std, "without the square root"),
]


WRONG_SUBMISSION = (
    {"nms": renamed_source(_nms, "nms").replace("strict=True", "strict=False")
     .replace("    iou = _iou(boxes, boxes)", "    iou = box_iou(boxes, boxes)"),
     "gaussian_kl": renamed_source(kl_without_half, "gaussian_kl"),
     "checkpoint_q1": "q1_answer = 0.5", "checkpoint_q3": 'q3_answer = "a"'},
    {"nms_public", "nms_hidden", "gaussian_kl_public", "gaussian_kl_hidden", "checkpoint_q1_test",
     "checkpoint_q3_test"},
)
