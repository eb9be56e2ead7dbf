"""The course's tiny character-level GPT: its text, its vocabulary, the network, and a NumPy forward pass.

Week 09 trains it in the notebook for a few seconds and also ships weights trained longer by
``bench/pretrain_week09_gpt.py`` (``course/pretrained/week09_tiny_gpt.pt``, a plain state_dict). The explorers
(attention heat map, sampling) run the shipped weights through :func:`forward_numpy`, a from-scratch NumPy forward
pass that is much faster than PyTorch for one short sequence at a time (tests compare the two).

The text is the Python standard library's own source code: a fixed list of files read from
``sysconfig.get_paths()["stdlib"]`` (the same list on every machine; their contents differ a little between Python
releases). Characters outside printable ASCII and newline are read as ``?``.
"""
from __future__ import annotations

import sysconfig
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["ALPHABET", "PRETRAIN_FILES", "VALIDATION_FILES", "Config", "CONFIG", "WEIGHTS", "stdlib_text", "encode",
           "decode", "TinyGPT", "load_pretrained", "one_thread", "numpy_weights", "forward_numpy", "next_distribution",
           "sample_numpy"]

ALPHABET = "\n" + "".join(chr(c) for c in range(32, 127))      # 96 characters: newline and printable ASCII
_INDEX = np.full(256, ALPHABET.index("?"), dtype=np.int64)
for _k, _c in enumerate(ALPHABET):
    _INDEX[ord(_c)] = _k

#: Pretraining text: 38 standard-library modules (about 1.8 MB of source in Python 3.11).
PRETRAIN_FILES = (
    "argparse", "functools", "collections/__init__", "csv", "heapq", "inspect", "dataclasses", "enum", "typing",
    "logging/__init__", "pprint", "contextlib", "tokenize", "ast", "email/message", "http/client", "urllib/parse",
    "zipfile", "tarfile", "configparser", "optparse", "gettext", "base64", "uuid", "queue", "copy", "abc",
    "threading", "subprocess", "pickle", "socket", "selectors", "weakref", "bisect", "shlex", "cmd", "code",
    "codecs")
#: Held-out text (never trained on): four other modules.
VALIDATION_FILES = ("json/encoder", "json/decoder", "tabnanny", "trace")


@dataclass(frozen=True)
class Config:
    vocabulary: int = len(ALPHABET)
    context: int = 64
    layers: int = 3
    heads: int = 4
    width: int = 96


CONFIG = Config()
WEIGHTS = Path(__file__).resolve().parents[1] / "pretrained" / "week09_tiny_gpt.pt"


def stdlib_text(files: tuple[str, ...]) -> str:
    """The files' source, in the given order, separated by a blank line."""
    root = Path(sysconfig.get_paths()["stdlib"])
    return "\n\n".join((root / f"{name}.py").read_text(encoding="utf-8") for name in files)


def encode(text: str) -> np.ndarray:
    """Character indices (int64) into ALPHABET; anything else becomes '?'."""
    return _INDEX[np.frombuffer(text.encode("ascii", "replace"), dtype=np.uint8)]


def decode(indices) -> str:
    return "".join(ALPHABET[int(i)] for i in indices)


# ----------------------------------------------------------------------------- the network (PyTorch)

def _torch_classes():
    import torch
    import torch.nn.functional as F
    from torch import nn

    class Block(nn.Module):
        """Pre-norm transformer block: x + attention(layer_norm(x)), then x + MLP(layer_norm(x))."""

        def __init__(self, width: int, heads: int) -> None:
            super().__init__()
            self.heads = heads
            self.ln1, self.ln2 = nn.LayerNorm(width), nn.LayerNorm(width)
            self.qkv = nn.Linear(width, 3 * width)          # queries, keys and values in one matrix product
            self.proj = nn.Linear(width, width)             # W_o
            self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(approximate="tanh"),
                                     nn.Linear(4 * width, width))

        def forward(self, x):
            B, T, C = x.shape
            q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)
            q, k, v = (z.view(B, T, self.heads, C // self.heads).transpose(1, 2) for z in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.proj(y.transpose(1, 2).reshape(B, T, C))
            return x + self.mlp(self.ln2(x))

    class TinyGPT(nn.Module):
        """Token and learned position embeddings, ``layers`` blocks, a final layer norm, a linear head to the
        next character's logits."""

        def __init__(self, config: Config = CONFIG) -> None:
            super().__init__()
            self.config = config
            self.tokens = nn.Embedding(config.vocabulary, config.width)
            self.positions = nn.Embedding(config.context, config.width)
            self.blocks = nn.ModuleList(Block(config.width, config.heads) for _ in range(config.layers))
            self.ln_f = nn.LayerNorm(config.width)
            self.lm_head = nn.Linear(config.width, config.vocabulary)

        def features(self, idx):
            """The final layer's states (B, T, width), after the last layer norm."""
            T = idx.shape[1]
            x = self.tokens(idx) + self.positions(torch.arange(T, device=idx.device))
            for block in self.blocks:
                x = block(x)
            return self.ln_f(x)

        def forward(self, idx):
            return self.lm_head(self.features(idx))

    return TinyGPT


def __getattr__(name: str):
    if name == "TinyGPT":          # built on first use: importing this module does not import torch
        value = globals()["TinyGPT"] = _torch_classes()
        return value
    raise AttributeError(name)


def load_pretrained():
    """The shipped TinyGPT (evaluation mode), from course/pretrained/week09_tiny_gpt.pt."""
    import torch
    model = (globals().get("TinyGPT") or __getattr__("TinyGPT"))()
    model.load_state_dict(torch.load(WEIGHTS, weights_only=True))
    return model.eval()


# ----------------------------------------------------------------------------- NumPy inference

def one_thread():
    """NumPy's BLAS on one thread: for these tiny matrices more threads only wait for each other (on a busy
    two-core machine a 100-character sample took 0.4 s with the default threads and 0.04 s with one)."""
    from threadpoolctl import threadpool_limits
    return threadpool_limits(limits=1, user_api="blas")


@lru_cache(maxsize=1)
def numpy_weights() -> dict:
    """The shipped state_dict as float64 NumPy arrays."""
    import torch
    return {k: v.double().numpy() for k, v in torch.load(WEIGHTS, weights_only=True).items()}


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(x.var(axis=-1, keepdims=True) + eps) * w + b


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1 + np.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))


def forward_numpy(indices, weights: dict | None = None, config: Config = CONFIG,
                  keep_attention: bool = False) -> tuple[np.ndarray, dict | None]:
    """Logits (T, vocabulary) for one sequence of at most ``context`` characters, and, with ``keep_attention``,
    every layer's queries and keys per head, ``{"q": (layers, heads, T, d), "k": ...}``, and its attention
    weights ``"weights"`` (layers, heads, T, T) under the causal mask."""
    w = numpy_weights() if weights is None else weights
    idx = np.asarray(indices, dtype=np.int64)[-config.context:]
    T, C, H = len(idx), config.width, config.heads
    d = C // H
    x = w["tokens.weight"][idx] + w["positions.weight"][:T]
    causal = np.tril(np.ones((T, T), dtype=bool))
    kept = ({"q": np.empty((config.layers, H, T, d)), "k": np.empty((config.layers, H, T, d)),
             "weights": np.empty((config.layers, H, T, T))} if keep_attention else None)
    for layer in range(config.layers):
        p = f"blocks.{layer}."
        h = _layer_norm(x, w[p + "ln1.weight"], w[p + "ln1.bias"])
        qkv = h @ w[p + "qkv.weight"].T + w[p + "qkv.bias"]
        q, k, v = (qkv[:, j * C:(j + 1) * C].reshape(T, H, d).transpose(1, 0, 2) for j in range(3))
        scores = np.where(causal, q @ k.transpose(0, 2, 1) / np.sqrt(d), -np.inf)
        weights_ = np.exp(scores - scores.max(axis=-1, keepdims=True))
        weights_ /= weights_.sum(axis=-1, keepdims=True)
        if kept is not None:
            kept["q"][layer], kept["k"][layer], kept["weights"][layer] = q, k, weights_
        y = (weights_ @ v).transpose(1, 0, 2).reshape(T, C)
        x = x + y @ w[p + "proj.weight"].T + w[p + "proj.bias"]
        h = _layer_norm(x, w[p + "ln2.weight"], w[p + "ln2.bias"])
        h = _gelu(h @ w[p + "mlp.0.weight"].T + w[p + "mlp.0.bias"])
        x = x + h @ w[p + "mlp.2.weight"].T + w[p + "mlp.2.bias"]
    x = _layer_norm(x, w["ln_f.weight"], w["ln_f.bias"])
    return x @ w["lm_head.weight"].T + w["lm_head.bias"], kept


def next_distribution(logits: np.ndarray, temperature: float, top_k: int | None) -> np.ndarray:
    """softmax(logits / temperature) over the ``top_k`` largest logits (all when None or 0), zero elsewhere."""
    z = np.asarray(logits, dtype=float) / max(float(temperature), 1e-6)
    if top_k and top_k < len(z):
        cut = np.partition(z, -top_k)[-top_k]
        z = np.where(z >= cut, z, -np.inf)
    z = np.exp(z - z.max())
    return z / z.sum()


def _attend(q: np.ndarray, k: np.ndarray, v: np.ndarray, causal: bool) -> np.ndarray:
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(q.shape[-1])
    if causal:
        T, S = scores.shape[-2:]
        scores = np.where(np.tril(np.ones((T, S), dtype=bool), k=S - T), scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return (weights / weights.sum(axis=-1, keepdims=True)) @ v


def _extend(w: dict, idx: np.ndarray, start: int, cache: list, config: Config = CONFIG) -> np.ndarray:
    """Run the characters ``idx`` (at positions start, start + 1, ...) through the network, appending their keys
    and values to ``cache`` (one (k, v) pair per layer, each (heads, S, d)); the logits of the last character."""
    T, C, H = len(idx), config.width, config.heads
    d = C // H
    x = w["tokens.weight"][idx] + w["positions.weight"][start:start + T]
    for layer in range(config.layers):
        p = f"blocks.{layer}."
        h = _layer_norm(x, w[p + "ln1.weight"], w[p + "ln1.bias"])
        qkv = h @ w[p + "qkv.weight"].T + w[p + "qkv.bias"]
        q, k, v = (qkv[:, j * C:(j + 1) * C].reshape(T, H, d).transpose(1, 0, 2) for j in range(3))
        if len(cache) > layer:
            k, v = np.concatenate([cache[layer][0], k], axis=1), np.concatenate([cache[layer][1], v], axis=1)
            cache[layer] = (k, v)
        else:
            cache.append((k, v))
        y = _attend(q, k, v, causal=True).transpose(1, 0, 2).reshape(T, C)
        x = x + y @ w[p + "proj.weight"].T + w[p + "proj.bias"]
        h = _layer_norm(x, w[p + "ln2.weight"], w[p + "ln2.bias"])
        x = x + _gelu(h @ w[p + "mlp.0.weight"].T + w[p + "mlp.0.bias"]) @ w[p + "mlp.2.weight"].T \
            + w[p + "mlp.2.bias"]
    x = _layer_norm(x[-1:], w["ln_f.weight"], w["ln_f.bias"])
    return (x @ w["lm_head.weight"].T + w["lm_head.bias"])[0]


def sample_numpy(prompt: str, length: int, temperature: float = 1.0, top_k: int | None = None, seed: int = 0,
                 weights: dict | None = None, config: Config = CONFIG) -> str:
    """``length`` characters sampled after ``prompt`` with the NumPy forward pass and a key/value cache.

    The learned positions stop at ``context``: when the window is full, the last half of it is run again from
    position 0 and sampling goes on from there, so every character is predicted from at least ``context // 2``
    and at most ``context`` characters before it (the cache makes each new character cost one position, not a
    whole window).
    """
    with one_thread():
        return _sample(prompt, length, temperature, top_k, seed, numpy_weights() if weights is None else weights,
                       config)


def _sample(prompt: str, length: int, temperature: float, top_k: int | None, seed: int, w: dict,
            config: Config) -> str:
    rng = np.random.default_rng(seed)
    idx = list(encode(prompt)) or [ALPHABET.index("\n")]
    window = idx[-config.context:]
    cache: list = []
    logits = _extend(w, np.asarray(window), 0, cache, config)
    position = len(window)
    out = []
    for _ in range(length):
        p = next_distribution(logits, temperature, top_k)
        nxt = int(rng.choice(len(p), p=p))
        idx.append(nxt)
        out.append(ALPHABET[nxt])
        if position == config.context:                       # the window is full: restart from its last half
            window = idx[-(config.context // 2):]
            cache = []
            logits = _extend(w, np.asarray(window), 0, cache, config)
            position = len(window)
        else:
            logits = _extend(w, np.asarray([nxt]), position, cache, config)
            position += 1
    return "".join(out)
