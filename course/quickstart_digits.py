"""The quick start's pretrained network: a small CNN trained by the course itself on scikit-learn's 8x8 digits 0-4.

``bench/pretrain_quickstart_digits.py`` trains it (seeded, CPU, one thread, about ten seconds) and writes
``course/pretrained/quickstart_digits_0to4.pt`` (a plain state_dict, about 25 KB); the quick start's example 5
fine-tunes it on digits 5-9, which it has never seen, with a handful of labels. Everything here is offline: the
digits ship with scikit-learn.

- :func:`digits` — the 8x8 digits scaled to [0, 1], split by label into the pretraining task (0-4) and the new
  task (5-9, relabelled 0-4);
- :func:`shifted` — each image moved by up to one pixel in each direction (zeros shifted in): the digits are no
  longer centred, which is what makes the new task hard to learn from a few labels;
- :func:`make_network` — the architecture: a convolutional backbone (8x8 → 128 features) and a head 128 → 5;
- :func:`load_pretrained` — the shipped weights in that architecture (evaluation mode).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

WEIGHTS = Path(__file__).resolve().parent / "pretrained" / "quickstart_digits_0to4.pt"
FEATURES = 128                 # the backbone's output: 32 channels × 2 × 2
CLASSES = 5
SEED = 0
#: What the shipped weights give on the held-out quarter of digits 0-4, shifted with ``shifted(X, rng(1))``
#: (printed by the pretraining script, checked by tests/test_lesson_claims_quickstart.py).
RECORDED_HELD_OUT_ACCURACY = 0.9823


def digits() -> dict:
    """The digits as float32 in [0, 1]: ``old`` (labels 0-4) and ``new`` (labels 5-9, shifted to 0-4)."""
    from sklearn.datasets import load_digits
    data = load_digits()
    X = (data.data / 16.0).astype(np.float32)
    y = data.target.astype(np.int64)
    old, new = y < 5, y >= 5
    return {"old": (X[old], y[old]), "new": (X[new], y[new] - 5)}


def shifted(X: np.ndarray, rng: np.random.Generator, pixels: int = 1) -> np.ndarray:
    """Each 8x8 image (a row of 64) moved by a random whole number of pixels in -pixels..pixels, each direction."""
    n, p = len(X), pixels
    canvas = np.zeros((n, 8 + 2 * p, 8 + 2 * p), dtype=np.float32)
    canvas[:, p:p + 8, p:p + 8] = X.reshape(n, 8, 8)
    dx, dy = rng.integers(-p, p + 1, size=n), rng.integers(-p, p + 1, size=n)
    rows = (p + dy)[:, None] + np.arange(8)[None, :]           # (n, 8)
    cols = (p + dx)[:, None] + np.arange(8)[None, :]
    return canvas[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]].reshape(n, 64)


def old_split() -> tuple:
    """The pretraining split of digits 0-4: a seeded three quarters for training, a quarter held out."""
    X, y = digits()["old"]
    order = np.random.default_rng(SEED).permutation(len(y))
    cut = int(0.75 * len(y))
    return X[order[:cut]], y[order[:cut]], X[order[cut:]], y[order[cut:]]


def make_network():
    """backbone (two 3x3 convolutions with ReLU and 2x2 max-pooling: 8x8 → 16×4×4 → 32×2×2 = 128 features)
    + head (Linear 128 → 5), as ``nn.Sequential(backbone, head)``: ``network[0]`` is the backbone, ``network[1]``
    the head."""
    import torch.nn as nn
    backbone = nn.Sequential(nn.Unflatten(1, (1, 8, 8)),
                             nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten())
    return nn.Sequential(backbone, nn.Linear(FEATURES, CLASSES))


def load_pretrained():
    """The shipped network (evaluation mode), from course/pretrained/quickstart_digits_0to4.pt."""
    import torch
    network = make_network()
    network.load_state_dict(torch.load(WEIGHTS, weights_only=True))
    return network.eval()


def accuracy_of(network, X: np.ndarray, y: np.ndarray) -> float:
    """The share of rows of ``X`` whose largest output is the label ``y``."""
    import torch
    with torch.no_grad():
        return float((network(torch.from_numpy(np.ascontiguousarray(X))).argmax(1).numpy() == y).mean())
