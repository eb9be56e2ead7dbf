"""Week 09 (advanced deep learning I: transfer learning, attention, transformers): the graded functions.

References: PyTorch in float64 (``F.scaled_dot_product_attention``, ``nn.MultiheadAttention`` with the weights
copied in, ``F.layer_norm`` and its autograd), the closed form of the sinusoidal positional encoding (Vaswani et
al., 2017) with its relative-position property, and, for the functions that are about *procedure* rather than a
number (BERT's masking, freezing a network, learning rates per layer group), their defining properties: the
statistics of the masking with fixed seeds and stated tail probabilities, and what an optimiser step does to
every parameter of a small network built in ``call`` from plain data.

Each comparison first checks the shapes, then, when the values are off, tries the mistakes learners make most (no
1/sqrt(d) scaling, a mask read the wrong way round, heads split by a plain reshape, the unbiased variance...) and
names the one that fits.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from course.checks import CheckFailure
from course.exercises import Case, Exercise, register
from course.exercises.torch_oracle import ATOL, RTOL  # noqa: F401 (shared tolerances)
from course.exercises.torch_oracle import as_array as _np, as_tensor as _t, judge as _judge, parts as _parts

# Every `call` passes the case's arrays as they are: run_case gives it working copies and the grader checks
# that they come back unchanged (a .copy() here would hide a function that overwrites its input).


def _softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


# ----------------------------------------------------------------------------- scaled dot-product attention

def causal_mask(lq: int, lk: int | None = None) -> np.ndarray:
    """(lq, lk) booleans, True where query i may attend to key j: j <= i (lq = lk), aligned at the end otherwise."""
    lk = lq if lk is None else lk
    return np.tril(np.ones((lq, lk), dtype=bool), k=lk - lq)


def padding_mask(lengths: list[int], lk: int) -> np.ndarray:
    """(B, 1, 1, lk) for 4-D inputs: True on each sequence's first ``lengths[b]`` keys (the real tokens)."""
    return (np.arange(lk)[None, :] < np.asarray(lengths)[:, None])[:, None, None, :]


SDPA_SETTINGS = [  # batch shape, Lq, Lk, d, dv, mask kind, scale of q and k
    ((), 3, 3, 2, 2, None, 1.0), ((2,), 4, 4, 3, 5, "causal", 1.0), ((2, 3), 5, 5, 4, 4, "causal", 1.0),
    ((3, 2), 4, 6, 8, 3, "padding", 1.0), ((2,), 2, 7, 16, 4, None, 1.0), ((1, 4), 6, 6, 8, 8, "both", 1.0),
    ((2,), 5, 5, 4, 3, "random", 1.0), ((2,), 4, 4, 6, 2, "causal", 30.0),   # scores of hundreds: a stable softmax
    ((1,), 1, 1, 3, 2, None, 1.0),
]


def _sdpa_case(rng: np.random.Generator, batch: tuple, lq: int, lk: int, d: int, dv: int, kind: str | None,
               scale: float) -> Case:
    case = {"q": rng.normal(size=batch + (lq, d)) * scale, "k": rng.normal(size=batch + (lk, d)) * scale,
            "v": rng.normal(size=batch + (lk, dv))}
    if kind == "causal":
        case["mask"] = causal_mask(lq, lk)
    elif kind in ("padding", "both"):
        lengths = rng.integers(1, lk + 1, size=batch[0]).tolist()
        lengths[0] = lk                                   # one full sequence, the others padded
        mask = padding_mask(lengths, lk)
        if len(batch) == 1:
            mask = mask[:, 0]                             # (B, 1, lk) for 3-D inputs
        if kind == "both":
            mask = mask & causal_mask(lq, lk)
        case["mask"] = np.broadcast_to(mask, batch + (lq, lk)).copy()
    elif kind == "random":
        mask = rng.random(batch + (lq, lk)) < 0.6
        mask[..., 0] = True                               # every query may attend to at least one key
        case["mask"] = mask
    return case      # no "mask" entry: the function is called with mask=None


def _sdpa_torch(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None,
                scale: float | None = None) -> np.ndarray:
    attn_mask = None if mask is None else torch.tensor(np.asarray(mask, dtype=bool))
    return _np(F.scaled_dot_product_attention(_t(q), _t(k), _t(v), attn_mask=attn_mask, scale=scale))


def _sdpa_reference(case: Case) -> np.ndarray:
    return _sdpa_torch(case["q"], case["k"], case["v"], case.get("mask"))


def _sdpa_variant(case: Case, mistake: str) -> np.ndarray | None:
    q, k, v, mask = case["q"], case["k"], case["v"], case.get("mask")
    d = q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2)
    if mistake == "unscaled":
        return _sdpa_torch(q, k, v, mask, scale=1.0)
    if mistake == "by d":
        return _sdpa_torch(q, k, v, mask, scale=1.0 / d)
    if mistake == "inverted" and mask is not None:
        # a query whose keys are all masked then gets the plain average of the values (a finite -1e30 for the
        # masked scores); with -inf it would be NaN, which _compare_sdpa explains on its own
        s = np.where(~np.asarray(mask, dtype=bool), scores / np.sqrt(d), -1e30)
        return _softmax(s) @ v
    if mistake == "zero after softmax" and mask is not None:
        weights = _softmax(scores / np.sqrt(d)) * mask
        return weights @ v
    if mistake == "query axis":
        s = scores / np.sqrt(d)
        if mask is not None:
            s = np.where(mask, s, -np.inf)
        with np.errstate(invalid="ignore"):
            weights = np.exp(s - s.max(axis=-2, keepdims=True))
            weights = weights / weights.sum(axis=-2, keepdims=True)
        return np.nan_to_num(weights) @ v
    if mistake == "by sqrt dv":
        return _sdpa_torch(q, k, v, mask, scale=1.0 / np.sqrt(v.shape[-1])) if v.shape[-1] != d else None
    return None


def _compare_sdpa(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    array = np.asarray(actual) if isinstance(actual, np.ndarray) else None
    if array is not None and array.shape == expected.shape[:-1] + (case["k"].shape[-2],):
        raise CheckFailure(f"{name} has shape {array.shape}, the attention weights' (…, Lq, Lk): return the weights "
                           f"times the values, weights @ v, shape {expected.shape} (…, Lq, dv).")
    mask = case.get("mask")
    bad_rows = (~np.isfinite(array)).any(axis=-1) if array is not None and array.shape == expected.shape \
        and array.dtype.kind == "f" else None
    if bad_rows is not None and bad_rows.any() and np.abs(case["q"]).max() > 20:
        raise CheckFailure(f"{name} contains NaN or inf on large scores (up to hundreds here): exp overflows. "
                           "Subtract each row's largest score before exp (softmax(s) = softmax(s − max s)).")
    if bad_rows is not None and bad_rows.any() and mask is not None \
            and np.all(np.broadcast_to(mask, bad_rows.shape + mask.shape[-1:]).all(axis=-1)[bad_rows]):
        raise CheckFailure(f"{name} contains NaN: a query whose scores are all -inf gets the softmax 0/0. These "
                           "cases always let every query attend to at least one key (True means 'may attend', as "
                           "in torch): are you reading the mask the wrong way round?")
    _judge(actual, expected, name, lambda: {
        "leaving out the scaling (divide the scores q·k by sqrt(d), d the size of a query)":
            _sdpa_variant(case, "unscaled"),
        "dividing the scores by d (divide by sqrt(d))": _sdpa_variant(case, "by d"),
        "dividing by sqrt of the values' size dv (the scale is 1/sqrt(d), d the size of the queries and keys)":
            _sdpa_variant(case, "by sqrt dv"),
        "reading the mask the wrong way round (True means 'may attend', as in torch's "
        "scaled_dot_product_attention: put -inf where the mask is False)": _sdpa_variant(case, "inverted"),
        "zeroing masked weights after the softmax (the kept weights then do not sum to 1: set masked scores to "
        "-inf BEFORE the softmax)": _sdpa_variant(case, "zero after softmax"),
        "a softmax over the queries (axis -2): each query's weights over the KEYS (the last axis) must sum to 1":
            _sdpa_variant(case, "query axis")})


register(Exercise(
    key="week09.scaled_dot_product_attention", function="scaled_dot_product_attention",
    make_cases=lambda rng: [_sdpa_case(rng, *settings) for settings in SDPA_SETTINGS],
    call=lambda function, case: function(case["q"], case["k"], case["v"], case.get("mask")),
    reference=_sdpa_reference,
    describe=lambda case: (f"q {case['q'].shape}, k {case['k'].shape}, v {case['v'].shape}, "
                           + ("no mask" if case.get("mask") is None else f"a mask of shape {case['mask'].shape}")
                           + (" (large scores)" if np.abs(case["q"]).max() > 20 else "")),
    compare=_compare_sdpa,
    inputs=("q", "k", "v", "mask"),
))


# ----------------------------------------------------------------------------- multi-head attention

MHA_SETTINGS = [  # batch, length, embedding, heads, causal
    (1, 3, 4, 1, False), (2, 5, 8, 2, False), (3, 4, 12, 3, True), (2, 6, 16, 4, True), (1, 7, 6, 2, False),
    (4, 2, 8, 8, False), (2, 5, 9, 3, True),
]


def _mha_case(rng: np.random.Generator, batch: int, length: int, e: int, heads: int, causal: bool) -> Case:
    scale = 1 / np.sqrt(e)
    return {"x": rng.normal(size=(batch, length, e)), "W_q": rng.normal(size=(e, e)) * scale,
            "W_k": rng.normal(size=(e, e)) * scale, "W_v": rng.normal(size=(e, e)) * scale,
            "W_o": rng.normal(size=(e, e)) * scale, "n_heads": heads,
            **({"mask": causal_mask(length)} if causal else {})}


def _mha_torch(x: np.ndarray, W_q: np.ndarray, W_k: np.ndarray, W_v: np.ndarray, W_o: np.ndarray, heads: int,
               mask: np.ndarray | None) -> np.ndarray:
    e = x.shape[-1]
    layer = nn.MultiheadAttention(e, heads, bias=False, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        layer.in_proj_weight.copy_(_t(np.concatenate([W_q.T, W_k.T, W_v.T])))   # rows: q, then k, then v
        layer.out_proj.weight.copy_(_t(W_o.T))
        # nn.MultiheadAttention's boolean attn_mask is the other way round: True means "may NOT attend"
        attn_mask = None if mask is None else torch.tensor(~np.asarray(mask, dtype=bool))
        out, _ = layer(_t(x), _t(x), _t(x), attn_mask=attn_mask, need_weights=False)
    return _np(out)


def _mha_reference(case: Case) -> np.ndarray:
    return _mha_torch(case["x"], case["W_q"], case["W_k"], case["W_v"], case["W_o"], case["n_heads"], case.get("mask"))


def _mha_by_hand(case: Case, split: str = "right", scale_by: str = "head", output: bool = True,
                 transpose: bool = False, mask_inverted: bool = False) -> np.ndarray | None:
    x, heads, mask = case["x"], case["n_heads"], case.get("mask")
    b, length, e = x.shape
    d = e // heads
    W = {name: case[name].T if transpose else case[name] for name in ("W_q", "W_k", "W_v", "W_o")}

    def heads_of(z: np.ndarray) -> np.ndarray:
        if split == "reshape":
            return z.reshape(b, heads, length, d)
        return z.reshape(b, length, heads, d).transpose(0, 2, 1, 3)

    q, k, v = heads_of(x @ W["W_q"]), heads_of(x @ W["W_k"]), heads_of(x @ W["W_v"])
    scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(e if scale_by == "embedding" else d)
    if mask is not None:
        allowed = ~mask if mask_inverted else mask
        if not np.all(allowed.any(axis=-1)):
            return None
        scores = np.where(allowed, scores, -np.inf)
    z = _softmax(scores) @ v
    z = z.reshape(b, length, e) if split == "reshape" else z.transpose(0, 2, 1, 3).reshape(b, length, e)
    return z @ W["W_o"] if output else z


def _compare_mha(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    _judge(actual, expected, name, lambda: {
        "splitting the heads with a plain reshape to (B, heads, L, d) (reshape to (B, L, heads, d), then swap "
        "the axes L and heads: each head takes a slice of the FEATURES of every position)":
            _mha_by_hand(case, split="reshape"),
        "scaling by sqrt of the embedding size (each head's scores are divided by sqrt(d_head), d_head = E / "
        "n_heads)": _mha_by_hand(case, scale_by="embedding") if case["n_heads"] > 1 else None,
        "leaving out the output projection W_o": _mha_by_hand(case, output=False),
        "using the weight matrices transposed (the projections are x @ W_q, x @ W_k, x @ W_v and z @ W_o)":
            _mha_by_hand(case, transpose=True),
        "reading the mask the wrong way round (True means 'may attend')":
            _mha_by_hand(case, mask_inverted=True) if case.get("mask") is not None else None})


register(Exercise(
    key="week09.multi_head_attention", function="multi_head_attention",
    make_cases=lambda rng: [_mha_case(rng, *settings) for settings in MHA_SETTINGS],
    call=lambda function, case: function(case["x"], case["W_q"], case["W_k"], case["W_v"], case["W_o"],
                                         case["n_heads"], case.get("mask")),
    reference=_mha_reference,
    describe=lambda case: (f"x {case['x'].shape}, {case['n_heads']} heads"
                           + (", causal mask" if case.get("mask") is not None else "")),
    compare=_compare_mha,
    inputs=("x", "W_q", "W_k", "W_v", "W_o", "mask"),
))


# ----------------------------------------------------------------------------- sinusoidal positions

def sinusoidal_closed_form(n: int, d: int, base: float = 10000.0) -> np.ndarray:
    """PE[p, 2i] = sin(p / base^(2i/d)), PE[p, 2i + 1] = cos(p / base^(2i/d)), one position at a time."""
    pe = np.zeros((n, d))
    for p in range(n):
        for i in range(d // 2):
            angle = p / base ** (2 * i / d)
            pe[p, 2 * i], pe[p, 2 * i + 1] = math.sin(angle), math.cos(angle)
    return pe


def relative_rotation(k: int, d: int, base: float = 10000.0) -> np.ndarray:
    """The (d, d) block-diagonal matrix M_k with PE[p + k] = PE[p] @ M_k for every p (a rotation per pair)."""
    M = np.zeros((d, d))
    for i in range(d // 2):
        angle = k / base ** (2 * i / d)
        c, s = math.cos(angle), math.sin(angle)
        # (sin a, cos a) @ [[c, -s], [s, c]] = (sin a cos b + cos a sin b, cos a cos b - sin a sin b)
        M[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[c, -s], [s, c]]
    return M


PE_SETTINGS = [(1, 2), (4, 2), (10, 4), (50, 16), (128, 64), (7, 10), (300, 32), (2048, 8)]


def _compare_pe(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    n, d = case["n"], case["d"]
    array = np.asarray(actual) if isinstance(actual, np.ndarray) else None
    if array is not None and array.shape == (d, n) and n != d:
        raise CheckFailure(f"{name} has shape {array.shape}: one ROW per position, shape (n, d) = {(n, d)}.")
    p = np.arange(n)[:, None]
    i = np.arange(d // 2)[None, :]

    def interleave(first: np.ndarray, second: np.ndarray) -> np.ndarray:
        out = np.empty((n, d))
        out[:, 0::2], out[:, 1::2] = first, second
        return out

    angle = p / 10000.0 ** (2 * i / d)
    _judge(actual, expected, name, lambda: {
        "the exponent i/d instead of 2i/d (the frequency of pair i is 1 / 10000^(2i/d), i = 0 .. d/2 − 1)":
            interleave(np.sin(p / 10000.0 ** (i / d)), np.cos(p / 10000.0 ** (i / d))),
        "the exponent 2i/d with i the COLUMN index (both columns of a pair share one frequency: use the pair "
        "index i = column // 2)": _column_exponent(n, d),
        "cos on the even columns and sin on the odd ones (PE[p, 2i] = sin, PE[p, 2i + 1] = cos)":
            interleave(np.cos(angle), np.sin(angle)),
        "all the sines first, then all the cosines (this exercise interleaves them: sin in column 2i, cos in "
        "column 2i + 1)": np.concatenate([np.sin(angle), np.cos(angle)], axis=1),
        "positions counted from 1 (the first position is p = 0)":
            interleave(np.sin((p + 1) / 10000.0 ** (2 * i / d)), np.cos((p + 1) / 10000.0 ** (2 * i / d))),
    }, rtol=1e-9, atol=1e-10)
    # The property the lesson uses: a fixed rotation moves every position k steps on.
    if n > 3:
        M = relative_rotation(3, d)
        shifted = np.asarray(actual, dtype=float)
        if not np.allclose(shifted[:-3] @ M, shifted[3:], atol=1e-8):
            raise CheckFailure(f"{name}: PE[p + 3] should equal PE[p] @ M_3 (a rotation of each pair of columns)")


def _column_exponent(n: int, d: int) -> np.ndarray:
    p, j = np.arange(n)[:, None], np.arange(d)[None, :]
    angle = p / 10000.0 ** (j / d)
    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))


register(Exercise(
    key="week09.sinusoidal_positions", function="sinusoidal_positions",
    make_cases=lambda rng: [{"n": n, "d": d} for n, d in PE_SETTINGS],
    call=lambda function, case: function(case["n"], case["d"]),
    reference=lambda case: sinusoidal_closed_form(case["n"], case["d"]),
    describe=lambda case: f"n = {case['n']} positions, d = {case['d']}",
    compare=_compare_pe,
))


# ----------------------------------------------------------------------------- layer normalisation

LN_SHAPES = [(4, 3), (2, 5, 8), (1, 6), (3, 2, 2, 4), (8, 16), (5, 1, 7), (2, 2)]


def _ln_case(rng: np.random.Generator, shape: tuple) -> Case:
    rows = rng.uniform(0.5, 5.0, size=shape[:-1] + (1,))
    shift = rng.uniform(-4, 4, size=shape[:-1] + (1,))
    return {"x": rng.normal(size=shape) * rows + shift, "gamma": rng.uniform(0.5, 2.0, size=shape[-1]),
            "beta": rng.normal(size=shape[-1]), "eps": float(rng.choice([1e-5, 1e-3, 0.1])),
            "dout": rng.normal(size=shape)}


def _ln_torch(case: Case) -> np.ndarray:
    d = case["x"].shape[-1]
    return _np(F.layer_norm(_t(case["x"]), (d,), _t(case["gamma"]), _t(case["beta"]), eps=case["eps"]))


def _ln_by_hand(case: Case, ddof: int = 0, eps_outside: bool = False, axis: int = -1, affine: bool = True):
    x, g, b, eps = case["x"], case["gamma"], case["beta"], case["eps"]
    if axis == 0 and x.shape[0] == 1:
        return None
    mean, var = x.mean(axis=axis, keepdims=True), x.var(axis=axis, ddof=ddof, keepdims=True)
    x_hat = (x - mean) / (np.sqrt(var) + eps if eps_outside else np.sqrt(var + eps))
    return g * x_hat + b if affine else x_hat


def _compare_ln(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    _judge(actual, expected, name, lambda: {
        "the unbiased variance (ddof=1): layer norm divides by d, not d − 1": _ln_by_hand(case, ddof=1)
        if case["x"].shape[-1] > 1 else None,
        "adding eps to the standard deviation instead of the variance (x − mean) / sqrt(var + eps)":
            _ln_by_hand(case, eps_outside=True),
        "normalising over the batch (axis 0, batch norm): layer norm normalises each position over its "
        "FEATURES, the last axis": _ln_by_hand(case, axis=0),
        "leaving out gamma and beta (out = gamma * x_hat + beta)": _ln_by_hand(case, affine=False)})


register(Exercise(
    key="week09.layer_norm", function="layer_norm",
    make_cases=lambda rng: [_ln_case(rng, shape) for shape in LN_SHAPES],
    call=lambda function, case: function(case["x"], case["gamma"], case["beta"], case["eps"]),
    reference=_ln_torch,
    describe=lambda case: f"x {case['x'].shape}, eps {case['eps']}",
    compare=_compare_ln,
    inputs=("x", "gamma", "beta"),
))


def _ln_backward_reference(case: Case) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, g, b = _t(case["x"], True), _t(case["gamma"], True), _t(case["beta"], True)
    F.layer_norm(x, (x.shape[-1],), g, b, eps=case["eps"]).backward(_t(case["dout"]))
    return _np(x.grad), _np(g.grad), _np(b.grad)


def _compare_ln_backward(actual: Any, expected: tuple, case: Case, name: str) -> None:
    dx, dgamma, dbeta = _parts(actual, 3, "dx, dgamma, dbeta", name)
    want_dx, want_dgamma, want_dbeta = expected
    x, g, dout, eps = case["x"], case["gamma"], case["dout"], case["eps"]
    inv_std = 1 / np.sqrt(x.var(axis=-1, keepdims=True) + eps)
    x_hat = (x - x.mean(axis=-1, keepdims=True)) * inv_std
    _judge(dx, want_dx, "dx", lambda: {
        "treating the mean and variance as constants (they depend on every feature of the row: dx = "
        "inv_std · (dx_hat − mean(dx_hat) − x_hat · mean(dx_hat · x_hat)), means over the last axis)":
            dout * g * inv_std,
        "leaving gamma out of dx (dx_hat = dout * gamma)":
            inv_std * (dout - dout.mean(axis=-1, keepdims=True)
                       - x_hat * (dout * x_hat).mean(axis=-1, keepdims=True))})
    for label, mine, want in (("dgamma", dgamma, want_dgamma), ("dbeta", dbeta, want_dbeta)):
        array = np.asarray(mine) if isinstance(mine, np.ndarray) else None
        if array is not None and array.ndim > 1 and array.shape[-1] == want.shape[0]:
            raise CheckFailure(f"{label} has shape {array.shape}: gamma and beta are shared by every position, so "
                               f"sum their gradients over ALL the leading axes, to shape {want.shape}.")
        if array is not None and array.shape == x.shape[:-1] and array.shape != want.shape:
            raise CheckFailure(f"{label} has shape {array.shape}: that is a sum over the features (the last "
                               f"axis); sum over every OTHER axis instead, to shape {want.shape}.")
    _judge(dgamma, want_dgamma, "dgamma", lambda: {"dgamma = sum of dout (that is dbeta: dgamma = sum of dout · "
                                                   "x_hat)": want_dbeta})
    _judge(dbeta, want_dbeta, "dbeta")


register(Exercise(
    key="week09.layer_norm_backward", function="layer_norm_backward",
    make_cases=lambda rng: [_ln_case(rng, shape) for shape in LN_SHAPES],
    call=lambda function, case: function(case["dout"], case["x"], case["gamma"], case["eps"]),
    reference=_ln_backward_reference,
    describe=lambda case: f"x {case['x'].shape}, eps {case['eps']}",
    compare=_compare_ln_backward,
    inputs=("dout", "x", "gamma"),
))


# ----------------------------------------------------------------------------- BERT's masking

#: A rate this many binomial standard deviations from its target fails (two-sided tail about 1.2e-7 per check;
#: about ten rate checks per grading run: a correct bert_mask fails by chance about once in a million runs).
RATE_Z = 5.3
IGNORE = -100            # the label of a position that is not predicted (torch's cross_entropy ignore_index)
BERT_SETTINGS = [  # rows, length, vocabulary, p
    (200, 128, 1000, 0.15), (100, 64, 50, 0.15), (300, 100, 30000, 0.15), (150, 80, 200, 0.3), (40, 500, 8, 0.15),
    (5, 6, 20, 0.15),
]
SPECIALS = {"pad_id": 0, "cls_id": 1, "sep_id": 2, "mask_id": 3}


def _bert_case(rng: np.random.Generator, rows: int, length: int, vocab: int, p: float) -> Case:
    """Sentences of random lengths: [CLS] tokens... [SEP] [PAD]..., ordinary tokens drawn from 4 .. vocab − 1."""
    tokens = rng.integers(4, vocab, size=(rows, length))
    lengths = rng.integers(max(3, length // 3), length + 1, size=rows)
    for row, n in enumerate(lengths):
        tokens[row, 0], tokens[row, n - 1], tokens[row, n:] = 1, 2, 0
    seeds = rng.choice(2**31 - 1, size=2, replace=False)
    return {"tokens": tokens, "p": p, "vocab_size": vocab, "seed": int(seeds[0]), "other_seed": int(seeds[1])}


def _call_bert(function: Callable, case: Case) -> dict:
    """The learner's bert_mask three times: twice from equal generators, once from another seed."""
    args = (case["tokens"], np.random.default_rng(case["seed"]), case["p"], case["vocab_size"])
    first = _parts(function(*args, mask_id=3, special_ids=(0, 1, 2)), 2, "inputs, labels",
                   "the result of bert_mask")
    again = function(case["tokens"], np.random.default_rng(case["seed"]), case["p"], case["vocab_size"],
                     mask_id=3, special_ids=(0, 1, 2))
    other = function(case["tokens"], np.random.default_rng(case["other_seed"]), case["p"], case["vocab_size"],
                     mask_id=3, special_ids=(0, 1, 2))
    return {"inputs": first[0], "labels": first[1], "again": tuple(again), "other": tuple(other)}


def _rate_problem(count: int, n: int, target: float, what: str, name: str, hint: str = "") -> str | None:
    if n == 0:
        return None
    rate = count / n
    spread = RATE_Z * math.sqrt(target * (1 - target) / n)
    if abs(rate - target) <= spread:
        return None
    return f"{name}: {what} is {rate:.2%} of {n}; a fraction within {spread:.2%} of {target:.2%} was expected.{hint}"


def _compare_bert(actual: dict, expected: dict, case: Case, name: str) -> None:
    tokens, p, vocab = case["tokens"], case["p"], case["vocab_size"]
    inputs, labels = actual["inputs"], actual["labels"]
    for label, value in (("inputs", inputs), ("labels", labels)):
        if np.shape(value) != tokens.shape:
            raise CheckFailure(f"{label} has shape {np.shape(value)}, but the shape of tokens, {tokens.shape}, "
                               "was expected.")
        if not np.issubdtype(np.asarray(value).dtype, np.integer):
            raise CheckFailure(f"{label} has dtype {np.asarray(value).dtype}: token ids are integers.")
    inputs, labels = np.asarray(inputs), np.asarray(labels)
    special = tokens <= 2
    chosen = labels != IGNORE
    if np.any(chosen & (labels != tokens)):
        if np.all(labels[chosen] == inputs[chosen]):
            raise CheckFailure("labels hold the corrupted inputs: at a chosen position the label is the ORIGINAL "
                               "token (what the model must recover).")
        raise CheckFailure("labels: at a chosen position the label must be the original token; elsewhere -100.")
    if np.all(chosen):
        raise CheckFailure("every position has a label: positions that are not chosen get the label -100, so "
                           "that the loss (cross_entropy with ignore_index=-100) skips them.")
    if np.any(~chosen & (inputs != tokens)):
        raise CheckFailure("inputs differ from tokens at positions whose label is -100: only chosen positions are "
                           "changed (and every changed position must be labelled).")
    if np.any(chosen & special):
        raise CheckFailure(f"{int(np.sum(chosen & special))} special tokens ([CLS], [SEP] or [PAD]) were chosen: "
                           "choose only among the ordinary tokens.")
    ordinary = int(np.sum(~special))
    problem = _rate_problem(int(chosen.sum()), ordinary, p, "the fraction of ordinary tokens chosen", name,
                            " Each ordinary token is chosen independently with probability p.")
    if problem:
        raise CheckFailure(problem)
    n = int(chosen.sum())
    masked = int(np.sum(chosen & (inputs == SPECIALS["mask_id"])))
    kept = int(np.sum(chosen & (inputs == tokens)))
    if n >= 100 and masked == n:
        raise CheckFailure("every chosen token was replaced by [MASK]: BERT replaces 80 % by [MASK], 10 % by a "
                           "random token and leaves 10 % unchanged (so the model cannot tell which inputs are "
                           "real).")
    hint = " (of the chosen tokens, 80 % become [MASK], 10 % a random token, 10 % stay the same)"
    # a random replacement may draw [MASK] itself (id 3) or the original token, each with probability 1 / vocab
    problem = (_rate_problem(masked, n, 0.8 + 0.1 / vocab, "the share of chosen tokens replaced by [MASK]", name, hint)
               or _rate_problem(kept, n, 0.1 + 0.1 / vocab, "the share of chosen tokens left unchanged (10 %, plus "
                                "the random replacements that happen to draw the same token)", name, hint))
    if problem:
        raise CheckFailure(problem)
    randomised = chosen & (inputs != tokens) & (inputs != SPECIALS["mask_id"])
    drawn = inputs[randomised]
    if drawn.size and (drawn.min() < 0 or drawn.max() >= vocab):
        raise CheckFailure(f"random replacements should be drawn from 0 .. vocab_size − 1; found {drawn.min()} .. "
                           f"{drawn.max()}.")
    if vocab >= 1000 and drawn.size >= 200:
        # uniform over the vocabulary: about half of them in the upper half of the ids
        upper = int(np.sum(drawn >= vocab // 2))
        problem = _rate_problem(upper, drawn.size, (vocab - vocab // 2) / vocab,
                                "the share of random replacements in the upper half of the vocabulary", name,
                                " Draw them uniformly from the whole vocabulary, rng.integers(0, vocab_size).")
        if problem:
            raise CheckFailure(problem)
    for label, value in (("called twice with generators of the same seed", actual["again"]),
                         ("called with a generator of another seed", actual["other"])):
        if len(value) != 2 or np.shape(value[0]) != tokens.shape or np.shape(value[1]) != tokens.shape:
            raise CheckFailure(f"{name} {label} returns something else than (inputs, labels) of shape "
                               f"{tokens.shape}.")
    if not (np.array_equal(actual["again"][0], inputs) and np.array_equal(actual["again"][1], labels)):
        raise CheckFailure(f"{name} gives different results from two generators with the same seed: draw every "
                           "random number from the rng you are given, not from np.random or a new generator.")
    if tokens.size > 100 and np.array_equal(actual["other"][1], labels):
        raise CheckFailure(f"{name} chooses the same positions for generators of different seeds: draw from the "
                           "rng you are given.")


register(Exercise(
    key="week09.bert_mask", function="bert_mask",
    make_cases=lambda rng: [_bert_case(rng, *settings) for settings in BERT_SETTINGS],
    call=_call_bert,
    reference=lambda case: {"p": case["p"]},
    describe=lambda case: (f"tokens {case['tokens'].shape}, vocabulary {case['vocab_size']}, p = {case['p']}"),
    compare=_compare_bert,
    inputs=("tokens",),
))


# ----------------------------------------------------------------------------- transfer learning: freezing

class SmallNet(nn.Module):
    """A stand-in for a pretrained network: ``backbone`` (layers with weights, biases and a layer norm's gamma and
    beta) and a classifier ``head``, the attribute every exercise of this section relies on."""

    def __init__(self, sizes: list[int], classes: int) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(n_in, n_out), nn.LayerNorm(n_out), nn.ReLU()]
        self.backbone = nn.Sequential(*layers)
        self.head = nn.Linear(sizes[-1], classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.backbone(x))


FREEZE_SETTINGS = [([4, 8], 3), ([6, 10, 8], 2), ([3, 5, 5, 4], 4), ([8, 16], 5), ([2, 3], 2)]


def _net_case(rng: np.random.Generator, sizes: list[int], classes: int) -> Case:
    n = int(rng.integers(8, 20))
    return {"sizes": list(sizes), "classes": classes, "seed": int(rng.integers(0, 2**31 - 1)),
            "X": rng.normal(size=(n, sizes[0])), "y": rng.integers(0, classes, size=n),
            "lr": float(rng.choice([0.1, 0.5, 1.0])), "head_lr": float(rng.choice([0.5, 1.0, 2.0]))}


def build_net(case: Case) -> SmallNet:
    """The case's network, always the same for its seed (the caller's own torch generator is left alone)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(case["seed"])
        return SmallNet(case["sizes"], case["classes"]).double()


def _step(net: nn.Module, optimiser: torch.optim.Optimizer, case: Case) -> None:
    loss = F.cross_entropy(net(torch.tensor(case["X"])), torch.tensor(case["y"], dtype=torch.long))
    optimiser.zero_grad()
    if loss.requires_grad:          # everything frozen: nothing to step (the comparison says so)
        loss.backward()
        optimiser.step()


def _parameter_report(net: nn.Module, before: dict) -> dict:
    return {name: {"requires_grad": bool(p.requires_grad), "grad_is_none": p.grad is None,
                   "value": _np(p), "before": before[name]} for name, p in net.named_parameters()}


def _call_freeze(function: Callable, case: Case) -> dict:
    net = build_net(case)
    before = {name: _np(p) for name, p in net.named_parameters()}
    trainable = function(net)
    if trainable is None:
        raise CheckFailure("freeze_for_feature_extraction returned None: return the parameters that stay trainable "
                           "(a list, e.g. list(model.head.parameters())), for the optimiser.")
    try:
        trainable = list(trainable)
    except TypeError:
        raise CheckFailure(f"freeze_for_feature_extraction returned a {type(trainable).__name__}, not a list of "
                           "parameters.") from None
    if not trainable or not all(isinstance(p, nn.Parameter) for p in trainable):
        raise CheckFailure("freeze_for_feature_extraction should return a non-empty list of the model's parameters "
                           "that stay trainable (nn.Parameter objects).")
    ids = {id(p): name for name, p in net.named_parameters()}
    returned = sorted(ids.get(id(p), "(not a parameter of the model)") for p in trainable)
    _step(net, torch.optim.SGD(trainable, lr=case["lr"]), case)
    return {"parameters": _parameter_report(net, before), "returned": returned}


def _freeze_reference(case: Case) -> dict:
    """What the step does when only the head trains: the head's new values (the backbone stays as it was)."""
    net = build_net(case)
    for p in net.backbone.parameters():
        p.requires_grad_(False)
    _step(net, torch.optim.SGD(net.head.parameters(), lr=case["lr"]), case)
    return {name: _np(p) for name, p in net.named_parameters()}


def _compare_freeze(actual: dict, expected: dict, case: Case, name: str) -> None:
    report = actual["parameters"]
    head = sorted(k for k in expected if k.startswith("head."))
    if actual["returned"] != head:
        extra = [k for k in actual["returned"] if not k.startswith("head.")]
        raise CheckFailure("the parameters returned for the optimiser should be exactly the head's, "
                           f"{', '.join(head)}; got {', '.join(actual['returned'])}"
                           + (" (a frozen parameter in the optimiser is harmless in torch, but it says the wrong "
                              "thing)" if extra else "") + ".")
    still = [k for k, r in report.items() if not k.startswith("head.") and r["requires_grad"]]
    if still:
        which = ("the biases are not (freeze every parameter, weights AND biases: "
                 "model.backbone.requires_grad_(False))" if all(k.endswith("bias") for k in still) else "")
        raise CheckFailure(f"after freezing, {len(still)} backbone parameters still have requires_grad=True "
                           f"({', '.join(still[:4])}{', ...' if len(still) > 4 else ''})"
                           + (f": {which}" if which else ": set requires_grad=False on every parameter of the "
                              "backbone."))
    frozen_head = [k for k in head if not report[k]["requires_grad"]]
    if frozen_head:
        raise CheckFailure(f"the head is frozen too ({', '.join(frozen_head)}): feature extraction freezes the "
                           "backbone and trains a new head, so the head keeps requires_grad=True.")
    for k, r in report.items():
        if not k.startswith("head."):
            if not r["grad_is_none"]:
                raise CheckFailure(f"the frozen parameter {k} received a gradient (its .grad is not None).")
            if not np.array_equal(r["value"], r["before"]):
                raise CheckFailure(f"the frozen parameter {k} changed in the optimiser step.")
        else:
            if r["grad_is_none"]:
                raise CheckFailure(f"the head's parameter {k} received no gradient.")
            _judge(r["value"], expected[k], f"the head's {k} after one SGD step", rtol=1e-9, atol=1e-12)


register(Exercise(
    key="week09.freeze_for_feature_extraction", function="freeze_for_feature_extraction",
    make_cases=lambda rng: [_net_case(rng, *settings) for settings in FREEZE_SETTINGS],
    call=_call_freeze,
    reference=_freeze_reference,
    describe=lambda case: (f"a network with layers {' → '.join(map(str, case['sizes']))} → head of "
                           f"{case['classes']} classes"),
    compare=_compare_freeze,
    inputs=(),                  # the function gets a model built in call, never the case's data
))


# ----------------------------------------------------------------------------- fine-tuning: learning rates per group

def _call_groups(function: Callable, case: Case) -> dict:
    net = build_net(case)
    before = {name: _np(p) for name, p in net.named_parameters()}
    groups = function(net, case["lr"], case["head_lr"])
    if not isinstance(groups, (list, tuple)) or not all(isinstance(g, dict) and "params" in g for g in groups):
        raise CheckFailure("param_groups should return a list of dicts, each with 'params' (a list of parameters) "
                           "and 'lr', e.g. [{'params': backbone_params, 'lr': lr}, {'params': head_params, "
                           "'lr': head_lr}].")
    groups = [dict(g, params=[g["params"]] if isinstance(g["params"], torch.Tensor) else list(g["params"]))
              for g in groups]
    if not all("lr" in g for g in groups):
        raise CheckFailure("every group needs its own 'lr': {'params': [...], 'lr': ...}.")
    ids = {id(p): name for name, p in net.named_parameters()}
    listed = [[ids.get(id(p), "?") for p in g["params"]] for g in groups]
    try:
        optimiser = torch.optim.SGD(list(groups), lr=0.0)
    except ValueError as error:        # "some parameters appear in more than one parameter group"
        raise CheckFailure(f"torch.optim.SGD refused the groups: {error}") from None
    _step(net, optimiser, case)
    return {"parameters": _parameter_report(net, before), "listed": listed,
            "lrs": [float(g.get("lr", float("nan"))) for g in groups]}


def _groups_reference(case: Case) -> dict:
    net = build_net(case)
    optimiser = torch.optim.SGD([{"params": net.backbone.parameters(), "lr": case["lr"]},
                                 {"params": net.head.parameters(), "lr": case["head_lr"]}])
    _step(net, optimiser, case)
    return {name: _np(p) for name, p in net.named_parameters()}


def _compare_groups(actual: dict, expected: dict, case: Case, name: str) -> None:
    listed = [k for group in actual["listed"] for k in group]
    missing = sorted(set(expected) - set(listed))
    if missing:
        raise CheckFailure(f"the groups leave out {', '.join(missing[:4])}{', ...' if len(missing) > 4 else ''}: "
                           "every parameter of the model belongs to exactly one group (the backbone's or the "
                           "head's), or it is never updated.")
    for group, lr in zip(actual["listed"], actual["lrs"]):
        kinds = {k.split(".")[0] for k in group}
        if len(kinds) > 1:
            raise CheckFailure("a group mixes backbone and head parameters: one group for model.backbone, one for "
                               "model.head.")
        want = case["head_lr"] if kinds == {"head"} else case["lr"]
        if not np.isclose(lr, want):
            swapped = case["lr"] if kinds == {"head"} else case["head_lr"]
            hint = (" The learning rates are swapped: the pretrained backbone gets the SMALL one (lr), the new head "
                    "the larger head_lr." if np.isclose(lr, swapped) and case["lr"] != case["head_lr"] else "")
            raise CheckFailure(f"the group of {', '.join(sorted(kinds))} parameters has lr = {lr:g}, but "
                               f"{want:g} was expected.{hint}")
    for k, r in actual["parameters"].items():
        _judge(r["value"], expected[k], f"{k} after one SGD step with the groups", rtol=1e-9, atol=1e-12)


register(Exercise(
    key="week09.param_groups", function="param_groups",
    make_cases=lambda rng: [_net_case(rng, *settings) for settings in FREEZE_SETTINGS],
    call=_call_groups,
    reference=_groups_reference,
    describe=lambda case: (f"a network with layers {' → '.join(map(str, case['sizes']))} → head, lr = "
                           f"{case['lr']}, head_lr = {case['head_lr']}"),
    compare=_compare_groups,
    inputs=(),
))


# ----------------------------------------------------------------------------- what the lesson falls back on

def _reference_freeze(model: nn.Module) -> list:
    model.backbone.requires_grad_(False)
    model.head.requires_grad_(True)
    return list(model.head.parameters())


def _reference_groups(model: nn.Module, lr: float, head_lr: float) -> list:
    return [{"params": list(model.backbone.parameters()), "lr": lr},
            {"params": list(model.head.parameters()), "lr": head_lr}]


def _reference_sdpa(q, k, v, mask=None):
    return _sdpa_torch(q, k, v, mask)


def _reference_mha(x, W_q, W_k, W_v, W_o, n_heads, mask=None):
    return _mha_torch(x, W_q, W_k, W_v, W_o, n_heads, mask)


def _reference_bert_mask(tokens, rng, p=0.15, vocab_size=30522, mask_id=103, special_ids=(0, 101, 102)):
    chosen = (rng.random(tokens.shape) < p) & ~np.isin(tokens, special_ids)
    what = rng.random(tokens.shape)
    inputs = np.where(chosen & (what < 0.8), mask_id, tokens)
    randomised = chosen & (what >= 0.8) & (what < 0.9)
    inputs[randomised] = rng.integers(0, vocab_size, size=int(randomised.sum()))
    return inputs, np.where(chosen, tokens, IGNORE)


_LESSON_REFERENCES = {"freeze_for_feature_extraction": _reference_freeze, "param_groups": _reference_groups,
                      "scaled_dot_product_attention": _reference_sdpa, "multi_head_attention": _reference_mha,
                      "bert_mask": _reference_bert_mask}


def lesson_reference(name: str) -> Callable:
    """What the week's lesson cells use in place of a learner's function that is not written yet (torch where it
    has the function; these pass the exercises' own checks, tests/test_exercises_week09.py)."""
    return _LESSON_REFERENCES[name]
