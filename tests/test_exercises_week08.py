"""Week 08: correct implementations written differently from the solutions pass the oracle on many seeds.

Each RIGHT variant takes another route than the notebook's solution (loops over output pixels where the solution
loops over kernel positions, im2col with sliding windows, the staged computational graph of batch norm, a binomial
mask for dropout...), so the hidden tests are not tied to one way of writing the answer. The last tests pin the
statistical check of dropout: calibrated so that correct code does not fail by chance.
"""
from __future__ import annotations

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from course.exercises import run_checks
from course.exercises.week08 import RATE_Z


# ----------------------------------------------------------------------------- convolution

def conv_output_loops(x, w, b, stride=1, padding=0):
    """One output pixel at a time, with tensordot over (C, kh, kw)."""
    f, _, kh, kw = w.shape
    xp = np.pad(np.asarray(x, float), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    ho, wo = (xp.shape[2] - kh) // stride + 1, (xp.shape[3] - kw) // stride + 1
    out = np.empty((x.shape[0], f, ho, wo))
    for r in range(ho):
        for q in range(wo):
            patch = xp[:, :, r * stride:r * stride + kh, q * stride:q * stride + kw]
            out[:, :, r, q] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out


def conv_im2col(x, w, b, stride=1, padding=0):
    """All windows at once (sliding_window_view), then one matrix product."""
    f, c, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]   # (n, c, ho, wo, kh, kw)
    columns = windows.transpose(0, 2, 3, 1, 4, 5).reshape(*windows.shape[:1], *windows.shape[2:4], c * kh * kw)
    return (columns @ w.reshape(f, -1).T + b).transpose(0, 3, 1, 2)


def conv_backward_output_loops(dout, x, w, stride=1, padding=0):
    """Per output pixel: add its share to dw and scatter it to the window of dx."""
    n, c, h, width = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dxp, dw = np.zeros_like(xp, dtype=float), np.zeros(w.shape)
    for r in range(dout.shape[2]):
        for q in range(dout.shape[3]):
            rows, cols = slice(r * stride, r * stride + kh), slice(q * stride, q * stride + kw)
            g = dout[:, :, r, q]                                      # (n, f)
            dw += np.tensordot(g, xp[:, :, rows, cols], axes=([0], [0]))
            dxp[:, :, rows, cols] += np.tensordot(g, w, axes=([1], [0]))
    return dxp[:, :, padding:padding + h, padding:padding + width], dw, dout.sum(axis=(0, 2, 3))


# ----------------------------------------------------------------------------- pooling

def maxpool_windows(x, size=2, stride=None):
    stride = stride or size
    return sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride].max(axis=(4, 5))


def maxpool_backward_loops(dout, x, size=2, stride=None):
    """Element by element; the first maximum found by a strict > scan in row-major order."""
    stride = stride or size
    dx = np.zeros(x.shape)
    for a in range(x.shape[0]):
        for ch in range(x.shape[1]):
            for r in range(dout.shape[2]):
                for q in range(dout.shape[3]):
                    best, where = -np.inf, None
                    for i in range(size):
                        for j in range(size):
                            value = x[a, ch, r * stride + i, q * stride + j]
                            if value > best:
                                best, where = value, (r * stride + i, q * stride + j)
                    dx[a, ch, where[0], where[1]] += dout[a, ch, r, q]
    return dx


# ----------------------------------------------------------------------------- batch norm

def _channels_last(x):
    """x as (C, m): one row per channel, every other axis flattened."""
    return np.moveaxis(x, 1, 0).reshape(x.shape[1], -1)


def batchnorm_channels_rows(x, gamma, beta, running_mean, running_var, train, momentum=0.1, eps=1e-5):
    rows = _channels_last(x)
    m = rows.shape[1]
    if train:
        mean, var = rows.mean(axis=1), ((rows - rows.mean(axis=1, keepdims=True)) ** 2).sum(axis=1) / m
        new_mean = running_mean + momentum * (mean - running_mean)
        new_var = running_var + momentum * (var * m / (m - 1) - running_var)
    else:
        mean, var, new_mean, new_var = running_mean, running_var, np.array(running_mean), np.array(running_var)
    normalised = (rows - mean[:, None]) / np.sqrt(var[:, None] + eps) * gamma[:, None] + beta[:, None]
    moved = normalised.reshape((x.shape[1], x.shape[0]) + x.shape[2:])
    return np.moveaxis(moved, 0, 1), new_mean, new_var


def batchnorm_backward_staged(dout, x, gamma, eps=1e-5):
    """The computational graph node by node (mean, centred, variance, inverse std, x_hat), backwards."""
    rows, grads = _channels_last(x), _channels_last(dout)
    m = rows.shape[1]
    mu = rows.mean(axis=1, keepdims=True)
    centred = rows - mu
    var = (centred ** 2).mean(axis=1, keepdims=True)
    inv = 1 / np.sqrt(var + eps)
    x_hat = centred * inv
    d_xhat = grads * gamma[:, None]
    d_inv = (d_xhat * centred).sum(axis=1, keepdims=True)
    d_var = d_inv * -0.5 * (var + eps) ** -1.5
    d_centred = d_xhat * inv + d_var * 2 * centred / m
    d_rows = d_centred - d_centred.mean(axis=1, keepdims=True)
    dx = np.moveaxis(d_rows.reshape((x.shape[1], x.shape[0]) + x.shape[2:]), 0, 1)
    return dx, (grads * x_hat).sum(axis=1), grads.sum(axis=1)


# ----------------------------------------------------------------------------- dropout

def dropout_binomial(x, p, rng, train=True):
    if not train:
        return np.array(x, copy=True)
    mask = rng.binomial(1, 1 - p, size=x.shape)
    return x * mask / (1 - p)


def dropout_uniform_threshold(x, p, rng, train=True):
    out = np.array(x, dtype=float)
    if train and p > 0:
        out[rng.uniform(size=x.shape) < p] = 0.0
        out /= 1 - p
        out[out == 0] = 0.0                     # no -0.0
    return out


# ----------------------------------------------------------------------------- recurrent networks

def rnn_preallocated(x, h0, Wxh, Whh, b):
    """The input projections of every step at once, then the recurrence into a preallocated array."""
    inputs = np.einsum("tnd,dh->tnh", x, Wxh) + b
    states = np.empty(inputs.shape)
    h = h0
    for t in range(len(x)):
        h = states[t] = np.tanh(inputs[t] + h @ Whh)
    return states


def lstm_sliced(x, h, c, W, U, b):
    H = h.shape[1]
    z = x @ W + h @ U + b
    gate = lambda k: z[:, k * H:(k + 1) * H]   # noqa: E731
    sig = lambda v: 0.5 * (1 + np.tanh(v / 2))  # noqa: E731  (the same sigmoid, written through tanh)
    c_new = sig(gate(1)) * c + sig(gate(0)) * np.tanh(gate(2))
    return sig(gate(3)) * np.tanh(c_new), c_new


def clip_concatenated(grads, max_norm):
    total = float(np.linalg.norm(np.concatenate([np.ravel(g) for g in grads])))
    if total + 1e-6 > max_norm:                 # the factor max_norm / (total + 1e-6) is below 1
        return [np.asarray(g) * (max_norm / (total + 1e-6)) for g in grads], total
    return [np.array(g, dtype=float) for g in grads], total


RIGHT = [
    ("week08.conv2d_forward", conv_output_loops), ("week08.conv2d_forward", conv_im2col),
    ("week08.conv2d_backward", conv_backward_output_loops),
    ("week08.maxpool2d_forward", maxpool_windows), ("week08.maxpool2d_backward", maxpool_backward_loops),
    ("week08.batchnorm_forward", batchnorm_channels_rows), ("week08.batchnorm_backward", batchnorm_backward_staged),
    ("week08.dropout", dropout_binomial), ("week08.dropout", dropout_uniform_threshold),
    ("week08.rnn_forward", rnn_preallocated), ("week08.lstm_cell", lstm_sliced),
    ("week08.clip_grad_norm", clip_concatenated),
]


@pytest.mark.parametrize("key, function", RIGHT, ids=[f.__name__ for _, f in RIGHT])
def test_a_correct_implementation_written_differently_passes(key, function):
    for seed in range(6):
        report = run_checks(key, function, seed=seed)
        assert report.ok, f"{key} seed {seed}: {report.failure}"


def test_the_drop_rate_check_is_calibrated():
    """A correct dropout's drop rate is outside the band with probability 2·(1 − Φ(5.3)) ≈ 1.2e-7 per check."""
    from scipy.stats import norm
    assert 2 * norm.sf(RATE_Z) < 2e-7


def test_the_drop_rate_check_still_catches_a_rate_off_by_one_point():
    """The band is narrow enough: with 100,000 entries at p = 0.5 it is ±0.84 %, so a dropout that drops 48 % fails."""
    def drops_too_few(x, p, rng, train=True):
        if not train or p == 0:
            return x.copy()
        return np.where(rng.random(x.shape) >= p - 0.02, x / (1 - p), 0.0)
    report = run_checks("week08.dropout", drops_too_few, seed=0)
    assert not report.ok and "a fraction within" in report.failure, report.failure
