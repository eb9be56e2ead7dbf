"""Week 08 (deep learning II: CNNs, RNNs, regularisation): the graded functions, their inputs and references.

References: PyTorch in float64 (``F.conv2d``, ``F.max_pool2d``, ``F.batch_norm``, ``nn.RNN``, ``nn.LSTMCell``,
``nn.utils.clip_grad_norm_``, and autograd for every backward pass); dropout is checked by its properties (kept
entries scaled by 1/(1 - p), the drop rate, the identity at evaluation time, the generator it is given).

Each comparison first checks the shapes, then, when the values are off, tries the mistakes learners make most
(a flipped kernel, a biased running variance, the LSTM gates in another order...) and names the one that fits.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import torch
import torch.nn.functional as F

from course.checks import CheckFailure, diagnose
from course.exercises import Case, Challenge, Exercise, register, register_challenge
from course.exercises.torch_oracle import ATOL, RTOL  # noqa: F401 (shared tolerances)
from course.exercises.torch_oracle import as_array as _np, as_tensor as _t, judge as _judge, parts as _parts
from course.exercises.held_out import accuracy

# Every `call` passes the case's arrays as they are: run_case gives it working copies and the grader checks
# that they come back unchanged (a .copy() here would hide a function that overwrites its input).


# ----------------------------------------------------------------------------- convolution


def _output_size(size: int, k: int, stride: int, padding: int) -> int:
    return (size + 2 * padding - k) // stride + 1


def _conv_case(rng: np.random.Generator, n: int, c: int, h: int, w: int, f: int, kh: int, kw: int,
               stride: int, padding: int) -> Case:
    return {"x": rng.normal(size=(n, c, h, w)), "w": rng.normal(size=(f, c, kh, kw)),
            "b": rng.normal(size=f), "stride": stride, "padding": padding,
            "dout": rng.normal(size=(n, f, _output_size(h, kh, stride, padding), _output_size(w, kw, stride, padding)))}


CONV_SETTINGS = [  # n, c, h, w, f, kh, kw, stride, padding
    (1, 1, 5, 5, 1, 3, 3, 1, 0), (2, 3, 6, 7, 4, 3, 3, 1, 1), (2, 2, 7, 7, 3, 3, 3, 2, 1),
    (3, 1, 8, 6, 2, 2, 3, 2, 0), (1, 3, 9, 9, 2, 4, 4, 3, 2), (2, 2, 6, 6, 3, 1, 1, 1, 0),
    (1, 2, 8, 8, 2, 3, 2, 3, 1),   # (8 + 2 - 3) = 7 is not a multiple of the stride 3: the size rounds down
    (2, 1, 4, 5, 2, 5, 5, 1, 2),   # a kernel larger than the image, made possible by the padding
]


def _conv_cases(rng: np.random.Generator) -> list[Case]:
    return [_conv_case(rng, *settings) for settings in CONV_SETTINGS]


def _conv_describe(case: Case) -> str:
    return (f"x {case['x'].shape}, w {case['w'].shape}, stride {case['stride']}, padding {case['padding']}")


def _conv_reference(case: Case) -> np.ndarray:
    return _np(F.conv2d(_t(case["x"]), _t(case["w"]), _t(case["b"]), stride=case["stride"], padding=case["padding"]))


def _compare_conv_forward(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    x, w, b, s, p = case["x"], case["w"], case["b"], case["stride"], case["padding"]
    out = np.asarray(actual) if not isinstance(actual, (str, dict, type(None))) else actual
    if isinstance(out, np.ndarray) and out.ndim == 4 and out.shape[:2] == expected.shape[:2] \
            and out.shape != expected.shape:
        n, f, ho, wo = expected.shape
        raise CheckFailure(f"{name} has spatial size {out.shape[2:]}, but {(ho, wo)} was expected: the output "
                           "size is floor((H + 2·padding − kh) / stride) + 1 (and the same for W).")

    def mistakes() -> dict[str, Any]:
        flipped = _np(F.conv2d(_t(x), _t(w[:, :, ::-1, ::-1].copy()), _t(b), stride=s, padding=p))
        return {"a flipped kernel (true convolution; deep-learning 'convolution' is cross-correlation: do not "
                "flip w)": flipped,
                "leaving out the bias b": expected - b[None, :, None, None]}
    _judge(actual, expected, name, mistakes)


register(Exercise(
    key="week08.conv2d_forward", function="conv2d_forward",
    make_cases=_conv_cases,
    call=lambda function, case: function(case["x"], case["w"], case["b"], case["stride"], case["padding"]),
    reference=_conv_reference,
    describe=_conv_describe,
    compare=_compare_conv_forward,
    inputs=("x", "w", "b"),
))


def _conv_backward_reference(case: Case) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, w, b = _t(case["x"], True), _t(case["w"], True), _t(case["b"], True)
    out = F.conv2d(x, w, b, stride=case["stride"], padding=case["padding"])
    out.backward(_t(case["dout"]))
    return _np(x.grad), _np(w.grad), _np(b.grad)


def _compare_conv_backward(actual: Any, expected: tuple, case: Case, name: str) -> None:
    dx, dw, db = _parts(actual, 3, "dx, dw, db", name)
    want_dx, want_dw, want_db = expected
    p, n = case["padding"], case["x"].shape[0]
    dx_array = np.asarray(dx) if isinstance(dx, np.ndarray) else None
    if dx_array is not None and p and dx_array.shape == want_dx.shape[:2] + tuple(s + 2 * p for s in want_dx.shape[2:]):
        raise CheckFailure(f"dx has shape {dx_array.shape}, the padded input's: cut the padding off "
                           f"(dx_padded[:, :, {p}:-{p}, {p}:-{p}]) to get the gradient of x itself.")
    _judge(dx, want_dx, "dx")
    _judge(dw, want_dw, "dw", lambda: {"averaging over the batch (the loss gradient dout already holds every "
                                       "example's share: sum over the batch)": want_dw / n})
    db_array = np.asarray(db) if isinstance(db, np.ndarray) else None
    if db_array is not None and db_array.ndim > 1:
        raise CheckFailure(f"db has shape {db_array.shape}, but one number per filter, shape {want_db.shape}, was "
                           "expected: sum dout over the batch AND both spatial axes (axis=(0, 2, 3)).")
    _judge(db, want_db, "db", lambda: {"averaging dout instead of summing it": want_db / (case["dout"].size
                                                                                        / len(want_db))})


register(Exercise(
    key="week08.conv2d_backward", function="conv2d_backward",
    make_cases=_conv_cases,
    call=lambda function, case: function(case["dout"], case["x"], case["w"], case["stride"], case["padding"]),
    reference=_conv_backward_reference,
    describe=_conv_describe,
    compare=_compare_conv_backward,
    inputs=("dout", "x", "w"),
))


# ----------------------------------------------------------------------------- max pooling

POOL_SETTINGS = [  # n, c, h, w, size, stride, ties
    (1, 1, 4, 4, 2, 2, False), (2, 3, 6, 6, 2, 2, False), (2, 2, 7, 7, 3, 2, False),   # overlapping windows
    (1, 2, 5, 7, 2, 1, False), (3, 1, 9, 9, 3, 3, False), (2, 2, 5, 5, 2, 2, False),   # the last row is left out
    (2, 2, 6, 6, 2, 2, True), (1, 3, 7, 7, 3, 2, True),                               # small integers: ties
]


def _pool_case(rng: np.random.Generator, n: int, c: int, h: int, w: int, size: int, stride: int,
               ties: bool) -> Case:
    x = rng.integers(0, 3, size=(n, c, h, w)).astype(float) if ties else rng.normal(size=(n, c, h, w))
    ho, wo = (h - size) // stride + 1, (w - size) // stride + 1
    return {"x": x, "size": size, "stride": stride, "dout": rng.normal(size=(n, c, ho, wo))}


def _pool_describe(case: Case) -> str:
    ties = " with tied maxima" if np.all(case["x"] == np.round(case["x"])) else ""
    return f"x {case['x'].shape}{ties}, size {case['size']}, stride {case['stride']}"


def _pool_reference(case: Case) -> np.ndarray:
    return _np(F.max_pool2d(_t(case["x"]), kernel_size=case["size"], stride=case["stride"]))


def _compare_pool_forward(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    def mistakes() -> dict[str, Any]:
        x, k, s = case["x"], case["size"], case["stride"]
        return {"average pooling (take the maximum of each window)":
                _np(F.avg_pool2d(_t(x), kernel_size=k, stride=s))}
    _judge(actual, expected, name, mistakes)


register(Exercise(
    key="week08.maxpool2d_forward", function="maxpool2d_forward",
    make_cases=lambda rng: [_pool_case(rng, *settings) for settings in POOL_SETTINGS],
    call=lambda function, case: function(case["x"], case["size"], case["stride"]),
    reference=_pool_reference,
    describe=_pool_describe,
    compare=_compare_pool_forward,
    inputs=("x",),
))


def _pool_backward_reference(case: Case) -> np.ndarray:
    x = _t(case["x"], True)
    F.max_pool2d(x, kernel_size=case["size"], stride=case["stride"]).backward(_t(case["dout"]))
    return _np(x.grad)


def _pool_backward_every_tie(case: Case) -> np.ndarray:
    """The gradient sent to every maximum of a window (the mistake on ties)."""
    x, dout, k, s = case["x"], case["dout"], case["size"], case["stride"]
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i * s:i * s + k, j * s:j * s + k]
            top = window == window.max(axis=(2, 3), keepdims=True)
            dx[:, :, i * s:i * s + k, j * s:j * s + k] += top * dout[:, :, i:i + 1, j:j + 1]
    return dx


def _pool_backward_overwrite(case: Case) -> np.ndarray:
    """Each window's gradient written with = instead of added (the mistake with overlapping windows)."""
    x, dout, k, s = case["x"], case["dout"], case["size"], case["stride"]
    dx = np.zeros_like(x)
    n, c = x.shape[:2]
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i * s:i * s + k, j * s:j * s + k].reshape(n, c, -1)
            r, q = np.divmod(window.argmax(axis=2), k)
            for a in range(n):
                for b in range(c):
                    dx[a, b, i * s + r[a, b], j * s + q[a, b]] = dout[a, b, i, j]
    return dx


def _compare_pool_backward(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    _judge(actual, expected, name, lambda: {
        "sending the gradient to EVERY tied maximum (it goes to the first one only, in row-major order, as "
        "PyTorch does)": _pool_backward_every_tie(case),
        "writing each window's gradient with = (windows overlap when stride < size: add with +=)":
            _pool_backward_overwrite(case)})


register(Exercise(
    key="week08.maxpool2d_backward", function="maxpool2d_backward",
    make_cases=lambda rng: [_pool_case(rng, *settings) for settings in POOL_SETTINGS],
    call=lambda function, case: function(case["dout"], case["x"], case["size"], case["stride"]),
    reference=_pool_backward_reference,
    describe=_pool_describe,
    compare=_compare_pool_backward,
    inputs=("dout", "x"),
))


# ----------------------------------------------------------------------------- batch normalisation

BN_SHAPES = [(8, 3), (5, 4), (2, 6), (4, 2, 3, 3), (3, 3, 2, 4), (16, 1), (2, 2, 1, 3), (6, 5)]


def _bn_case(rng: np.random.Generator, shape: tuple, train: bool) -> Case:
    c = shape[1]
    scale = rng.uniform(0.5, 4.0, size=c).reshape((1, c) + (1,) * (len(shape) - 2))
    shift = rng.uniform(-3, 3, size=c).reshape((1, c) + (1,) * (len(shape) - 2))
    return {"x": rng.normal(size=shape) * scale + shift, "gamma": rng.uniform(0.5, 2.0, size=c),
            "beta": rng.normal(size=c), "running_mean": rng.normal(size=c) * 0.5,
            "running_var": rng.uniform(0.5, 2.0, size=c), "train": train,
            "momentum": float(rng.choice([0.1, 0.05, 0.3])), "eps": float(rng.choice([1e-5, 1e-3])),
            "dout": rng.normal(size=shape)}


def _bn_cases(rng: np.random.Generator) -> list[Case]:
    return [_bn_case(rng, shape, train) for shape, train in zip(BN_SHAPES, [True, True, True, True, False,
                                                                             True, False, False])]


def _bn_describe(case: Case) -> str:
    return (f"x {case['x'].shape}, {'training' if case['train'] else 'evaluation'} mode, momentum "
            f"{case['momentum']}, eps {case['eps']}")


def _bn_torch(case: Case, train: bool, running_var_biased: bool = False):
    x, axes = case["x"], (0,) + tuple(range(2, case["x"].ndim))
    mean, var = _t(case["running_mean"]), _t(case["running_var"])
    out = F.batch_norm(_t(x), mean, var, _t(case["gamma"]), _t(case["beta"]), training=train,
                       momentum=case["momentum"], eps=case["eps"])
    if running_var_biased and train:
        m = case["momentum"]
        var = _t((1 - m) * case["running_var"] + m * x.var(axis=axes))
    return _np(out), _np(mean), _np(var)


def _compare_bn_forward(actual: Any, expected: tuple, case: Case, name: str) -> None:
    out, mean, var = _parts(actual, 3, "out, running_mean, running_var", name)
    want_out, want_mean, want_var = expected
    x, train, m = case["x"], case["train"], case["momentum"]
    axes = (0,) + tuple(range(2, x.ndim))
    def out_mistakes() -> dict[str, Any]:
        named = {"normalising with the running statistics in training mode (training uses the batch's own mean "
                 "and variance)" if train else "normalising with the batch's statistics in evaluation mode "
                 "(evaluation uses the running mean and variance)": _bn_torch(case, not train)[0]}
        if x.ndim == 4:
            named["statistics over axis 0 only (for images, average over the batch AND both spatial axes, per "
                  "channel)"] = _per_position_bn(case)
        return named
    _judge(out, want_out, "out", out_mistakes)
    mistakes = lambda: {  # noqa: E731
        "updating with the weights swapped (new = (1 − momentum)·running + momentum·batch)":
            m * case["running_mean"] + (1 - m) * x.mean(axis=axes) if train else None}
    _judge(mean, want_mean, "running_mean", lambda: {k: v for k, v in mistakes().items() if v is not None})
    var_mistakes = lambda: {  # noqa: E731
        "the biased batch variance (PyTorch updates running_var with the UNBIASED one, n/(n − 1) times it)":
            _bn_torch(case, train, running_var_biased=True)[2] if train else None,
        "updating with the weights swapped (new = (1 − momentum)·running + momentum·batch)":
            m * case["running_var"] + (1 - m) * x.var(axis=axes, ddof=1) if train else None}
    _judge(var, want_var, "running_var", lambda: {k: v for k, v in var_mistakes().items() if v is not None})


def _per_position_bn(case: Case) -> np.ndarray:
    x = case["x"]
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return ((x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + case["eps"]) * case["gamma"].reshape(shape)
            + case["beta"].reshape(shape))


register(Exercise(
    key="week08.batchnorm_forward", function="batchnorm_forward",
    make_cases=_bn_cases,
    call=lambda function, case: function(case["x"], case["gamma"], case["beta"], case["running_mean"],
                                         case["running_var"], case["train"], case["momentum"], case["eps"]),
    reference=lambda case: _bn_torch(case, case["train"]),
    describe=_bn_describe,
    compare=_compare_bn_forward,
    inputs=("x", "gamma", "beta", "running_mean", "running_var"),
))


def _bn_backward_reference(case: Case) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, gamma, beta = _t(case["x"], True), _t(case["gamma"], True), _t(case["beta"], True)
    F.batch_norm(x, None, None, gamma, beta, training=True, eps=case["eps"]).backward(_t(case["dout"]))
    return _np(x.grad), _np(gamma.grad), _np(beta.grad)


def _compare_bn_backward(actual: Any, expected: tuple, case: Case, name: str) -> None:
    dx, dgamma, dbeta = _parts(actual, 3, "dx, dgamma, dbeta", name)
    want_dx, want_dgamma, want_dbeta = expected
    x, dout, eps = case["x"], case["dout"], case["eps"]
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    constant_stats = dout * case["gamma"].reshape(shape) / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    _judge(dx, want_dx, "dx", lambda: {
        "treating the batch mean and variance as constants (they depend on every x in the batch: their "
        "gradients add two more terms)": constant_stats})
    _judge(dgamma, want_dgamma, "dgamma")
    _judge(dbeta, want_dbeta, "dbeta")


register(Exercise(
    key="week08.batchnorm_backward", function="batchnorm_backward",
    make_cases=lambda rng: [_bn_case(rng, shape, True) for shape in BN_SHAPES],
    call=lambda function, case: function(case["dout"], case["x"], case["gamma"], case["eps"]),
    reference=_bn_backward_reference,
    describe=lambda case: f"x {case['x'].shape}, eps {case['eps']}",
    compare=_compare_bn_backward,
    inputs=("dout", "x", "gamma"),
))


# ----------------------------------------------------------------------------- dropout

#: A drop rate this many binomial standard deviations from p fails (two-sided p-value about 1e-7: with a
#: handful of rate checks per grading run, a correct dropout fails by chance about once in a million runs).
RATE_Z = 5.3
DROPOUT_SETTINGS = [  # shape, p, train
    ((400, 250), 0.5, True), ((200, 300), 0.1, True), ((100, 20, 25), 0.8, True), ((300, 200), 0.3, True),
    ((50, 40), 0.0, True), ((60, 70), 0.5, False), ((3, 4), 0.25, False), ((1000,), 0.6, True),
]


def _dropout_case(rng: np.random.Generator, shape: tuple, p: float, train: bool) -> Case:
    # No zeros in x, so a dropped entry (0) can always be told from a kept one.
    x = rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    seeds = rng.choice(2**31 - 1, size=2, replace=False)
    return {"x": x, "p": p, "train": train, "seed": int(seeds[0]), "other_seed": int(seeds[1])}


def _call_dropout(function: Callable, case: Case) -> tuple:
    """The learner's dropout three times: twice from equal generators, once from another seed."""
    x, p, train = case["x"], case["p"], case["train"]
    first = function(x, p, np.random.default_rng(case["seed"]), train)
    again = function(x, p, np.random.default_rng(case["seed"]), train)
    other = function(x, p, np.random.default_rng(case["other_seed"]), train)
    return first, again, other


def _compare_dropout(actual: Any, expected: dict, case: Case, name: str) -> None:
    first, again, other = actual
    x, p, train = case["x"], case["p"], case["train"]
    problem = diagnose(first, x, what=name) if first is None or np.shape(first) != x.shape else None
    if problem:
        raise CheckFailure(problem)
    out = np.asarray(first, dtype=float)
    if not train or p == 0.0:
        when = "at evaluation time (train=False)" if not train else "with p = 0"
        if np.array_equal(out, x):
            return
        if np.allclose(out, x * (1 - p)) and p > 0:
            raise CheckFailure(f"{name} {when} multiplies x by 1 − p: with inverted dropout the scaling happens "
                               "during training, so evaluation is the identity.")
        raise CheckFailure(f"{name} {when} should return x unchanged (the identity); it changes "
                           f"{int(np.sum(out != x))} of {x.size} entries.")
    dropped = out == 0.0
    kept_scaled = np.isclose(out, x / (1 - p), rtol=1e-12, atol=0.0)
    if not np.all(dropped | kept_scaled):
        if np.all(dropped | np.isclose(out, x, rtol=1e-12, atol=0.0)):
            raise CheckFailure(f"{name} keeps entries unscaled: with inverted dropout each kept entry is divided by "
                               "1 − p, so that the expected value of every entry stays x.")
        if np.all(dropped | np.isclose(out, x * (1 - p), rtol=1e-12, atol=0.0)):
            raise CheckFailure(f"{name} multiplies kept entries by 1 − p: inverted dropout DIVIDES them by 1 − p.")
        if np.all(dropped | np.isclose(out, x / p, rtol=1e-12, atol=0.0)):
            raise CheckFailure(f"{name} divides kept entries by p: divide by the keep probability 1 − p.")
        raise CheckFailure(f"{name}: every entry should be either 0 (dropped) or x / (1 − p) (kept); "
                           f"{int(np.sum(~(dropped | kept_scaled)))} of {x.size} entries are neither.")
    rate, n = float(dropped.mean()), x.size
    spread = RATE_Z * np.sqrt(p * (1 - p) / n)
    if abs(rate - p) > spread:
        hint = (" It looks like p was used as the KEEP probability: p is the probability of dropping an entry."
                if abs(rate - (1 - p)) <= spread else "")
        raise CheckFailure(f"{name} drops {rate:.2%} of the {n} entries with p = {p}; a fraction within "
                           f"{spread:.2%} of p was expected.{hint}")
    for label, value in (("called twice with generators of the same seed", again),
                         ("called with a generator of another seed", other)):
        if np.shape(value) != x.shape:
            raise CheckFailure(f"{name} {label} returns shape {np.shape(value)}.")
    if not np.array_equal(np.asarray(again, dtype=float), out):
        raise CheckFailure(f"{name} gives different results from two generators with the same seed: draw every "
                           "random number from the rng you are given (e.g. rng.random(x.shape)), not from "
                           "np.random or a new generator.")
    if np.array_equal(np.asarray(other, dtype=float), out):
        raise CheckFailure(f"{name} gives the same mask for generators of different seeds: draw the mask from the "
                           "rng you are given.")


register(Exercise(
    key="week08.dropout", function="dropout",
    make_cases=lambda rng: [_dropout_case(rng, *settings) for settings in DROPOUT_SETTINGS],
    call=_call_dropout,
    reference=lambda case: {"p": case["p"]},
    describe=lambda case: f"x {case['x'].shape}, p = {case['p']}, train = {case['train']}",
    compare=_compare_dropout,
    inputs=("x",),
))


# ----------------------------------------------------------------------------- recurrent networks

RNN_SETTINGS = [(1, 1, 2, 3), (5, 2, 3, 4), (8, 3, 2, 5), (12, 2, 4, 3), (3, 4, 1, 1), (20, 1, 3, 6)]  # T, N, D, H


def _rnn_case(rng: np.random.Generator, t: int, n: int, d: int, h: int) -> Case:
    return {"x": rng.normal(size=(t, n, d)), "h0": rng.normal(size=(n, h)) * 0.5,
            "Wxh": rng.normal(size=(d, h)) / np.sqrt(d), "Whh": rng.normal(size=(h, h)) / np.sqrt(h),
            "b": rng.normal(size=h) * 0.3}


def _rnn_reference(case: Case, Whh: np.ndarray | None = None, h0: np.ndarray | None = None) -> np.ndarray:
    x, Wxh = case["x"], case["Wxh"]
    Whh = case["Whh"] if Whh is None else Whh
    h0 = case["h0"] if h0 is None else h0
    rnn = torch.nn.RNN(Wxh.shape[0], Wxh.shape[1], nonlinearity="tanh", dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(_t(Wxh.T))
        rnn.weight_hh_l0.copy_(_t(Whh.T))
        rnn.bias_ih_l0.copy_(_t(case["b"]))
        rnn.bias_hh_l0.zero_()
        hs, _ = rnn(_t(x), _t(h0)[None])
    return _np(hs)


def _compare_rnn(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    array = np.asarray(actual) if isinstance(actual, np.ndarray) else None
    if array is not None and array.shape == expected.shape[1:]:
        raise CheckFailure(f"{name} has shape {array.shape}, one hidden state: return every step's hidden state, "
                           f"shape {expected.shape} (T, N, H).")

    def mistakes() -> dict[str, Any]:
        shifted = np.concatenate([case["h0"][None], expected[:-1]])
        return {"using Whh transposed (h_t = tanh(x_t Wxh + h_{t−1} Whh + b), rows of Whh index the previous "
                "state)": _rnn_reference(case, Whh=case["Whh"].T),
                "starting from zeros instead of h0": _rnn_reference(case, h0=np.zeros_like(case["h0"])),
                "returning h_0, ..., h_{T−1} (return the states after each step, h_1 to h_T)": shifted}
    _judge(actual, expected, name, mistakes)


register(Exercise(
    key="week08.rnn_forward", function="rnn_forward",
    make_cases=lambda rng: [_rnn_case(rng, *settings) for settings in RNN_SETTINGS],
    call=lambda function, case: function(case["x"], case["h0"], case["Wxh"], case["Whh"], case["b"]),
    reference=_rnn_reference,
    describe=lambda case: "T, N, D, H = " + ", ".join(map(str, case["x"].shape + case["h0"].shape[1:])),
    compare=_compare_rnn,
))


LSTM_SETTINGS = [(1, 2, 3), (4, 3, 5), (2, 1, 1), (6, 4, 2), (3, 5, 4), (8, 2, 6)]   # N, D, H


def _lstm_case(rng: np.random.Generator, n: int, d: int, h: int) -> Case:
    return {"x": rng.normal(size=(n, d)), "h": rng.normal(size=(n, h)) * 0.5, "c": rng.normal(size=(n, h)),
            "W": rng.normal(size=(d, 4 * h)) / np.sqrt(d), "U": rng.normal(size=(h, 4 * h)) / np.sqrt(h),
            "b": rng.normal(size=4 * h) * 0.5}


def _lstm_reference(case: Case, order: tuple[int, ...] = (0, 1, 2, 3)) -> tuple[np.ndarray, np.ndarray]:
    W, U, b = case["W"], case["U"], case["b"]
    h = U.shape[0]
    blocks = lambda a: np.concatenate([a[..., k * h:(k + 1) * h] for k in order], axis=-1)  # noqa: E731
    cell = torch.nn.LSTMCell(W.shape[0], h, dtype=torch.float64)
    with torch.no_grad():
        cell.weight_ih.copy_(_t(blocks(W).T))
        cell.weight_hh.copy_(_t(blocks(U).T))
        cell.bias_ih.copy_(_t(blocks(b)))
        cell.bias_hh.zero_()
        h_new, c_new = cell(_t(case["x"]), (_t(case["h"]), _t(case["c"])))
    return _np(h_new), _np(c_new)


def _compare_lstm(actual: Any, expected: tuple, case: Case, name: str) -> None:
    h_new, c_new = _parts(actual, 2, "h_new, c_new", name)
    want_h, want_c = expected
    order = "the gates in the order i, f, o, g (PyTorch's order, used here, is i, f, g, o)"
    swapped = "the input and forget gates swapped (c_new = f ⊙ c + i ⊙ g: f multiplies the old cell)"
    _judge(c_new, want_c, "c_new", lambda: {order: _lstm_reference(case, (0, 1, 3, 2))[1],
                                            swapped: _lstm_reference(case, (1, 0, 2, 3))[1]})
    W, U, b = case["W"], case["U"], case["b"]
    o = 1 / (1 + np.exp(-(case["x"] @ W + case["h"] @ U + b)[:, 3 * U.shape[0]:]))
    _judge(h_new, want_h, "h_new", lambda: {"o ⊙ c_new without the tanh (h_new = o ⊙ tanh(c_new))": o * want_c})


register(Exercise(
    key="week08.lstm_cell", function="lstm_cell",
    make_cases=lambda rng: [_lstm_case(rng, *settings) for settings in LSTM_SETTINGS],
    call=lambda function, case: function(case["x"], case["h"], case["c"], case["W"], case["U"], case["b"]),
    reference=_lstm_reference,
    describe=lambda case: "N, D, H = " + ", ".join(map(str, case["x"].shape + case["h"].shape[1:])),
    compare=_compare_lstm,
))


# ----------------------------------------------------------------------------- gradient clipping

CLIP_SETTINGS = [  # shapes, gradient scale, max_norm
    ([(3, 4), (4,)], 5.0, 1.0), ([(2, 3, 3), (5,), (5, 2)], 0.1, 1.0), ([(10,)], 1.0, 2.5),
    ([(4, 4), (4,), (1, 4), (1,)], 20.0, 5.0), ([(3, 2), (2,)], 0.0, 1.0), ([(6, 6)], 3.0, 0.5),
]


def _clip_case(rng: np.random.Generator, shapes: list, scale: float, max_norm: float) -> Case:
    return {"grads": [rng.normal(size=shape) * scale for shape in shapes], "max_norm": max_norm}


def _clip_reference(case: Case) -> tuple[list[np.ndarray], float]:
    parameters = []
    for grad in case["grads"]:
        parameter = torch.zeros(grad.shape, dtype=torch.float64, requires_grad=True)
        parameter.grad = _t(grad)
        parameters.append(parameter)
    total = torch.nn.utils.clip_grad_norm_(parameters, case["max_norm"])
    return [_np(p.grad) for p in parameters], float(total)


def _compare_clip(actual: Any, expected: tuple, case: Case, name: str) -> None:
    clipped, total = _parts(actual, 2, "clipped, total_norm", name)
    want_clipped, want_total = expected
    grads, max_norm = case["grads"], case["max_norm"]
    if not isinstance(clipped, (list, tuple)) or len(clipped) != len(grads):
        raise CheckFailure(f"clipped should be a list of {len(grads)} arrays, one per gradient; got "
                           f"{type(clipped).__name__}" + (f" of length {len(clipped)}" if
                                                          isinstance(clipped, (list, tuple)) else "") + ".")
    per_tensor = [g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)) for g in grads]
    scaled_always = [g * max_norm / (want_total + 1e-6) for g in grads]
    for number, (mine, want) in enumerate(zip(clipped, want_clipped)):
        _judge(mine, want, f"clipped[{number}]", lambda: {
            "clipping each gradient by its own norm (clip by the ONE norm of all gradients together)":
                per_tensor[number],
            "scaling every gradient to the norm max_norm, also when it was smaller (only scale down)":
                scaled_always[number]}, rtol=1e-9, atol=1e-12)
    _judge(total, want_total, "total_norm", lambda: {
        "the norm after clipping (return the norm before clipping, as PyTorch does)":
            min(want_total, max_norm * want_total / (want_total + 1e-6)),
        "the sum of the squared entries (take its square root)": want_total ** 2}, rtol=1e-9, atol=1e-12)


register(Exercise(
    key="week08.clip_grad_norm", function="clip_grad_norm",
    make_cases=lambda rng: [_clip_case(rng, *settings) for settings in CLIP_SETTINGS],
    call=lambda function, case: function(case["grads"], case["max_norm"]),
    reference=_clip_reference,
    describe=lambda case: (f"{len(case['grads'])} gradients of shapes "
                           f"{', '.join(str(g.shape) for g in case['grads'])}, max_norm {case['max_norm']}"),
    compare=_compare_clip,
))


# ----------------------------------------------------------------------------- the digits challenge (held out)

DIGITS_PER_CLASS = 25            # of the 30 per class the course holds out
DIGITS_NOISE = 0.5               # pixel noise (pixels run from 0 to 16), and a brightness change of up to ±10 %


def _digits_test(rng: np.random.Generator) -> tuple[dict, np.ndarray]:
    """250 of the 300 held-out digits in a random order, each with its own brightness (×0.9 to ×1.1) and pixel
    noise (σ = 0.5 of 16), clipped to [0, 16]: a draw per student. The week's reference CNN scores 0.984 to 0.996
    on such draws (100 seeds; tests/test_held_out.py), so full marks at 0.98 need no luck."""
    from course.datasets import digits_held_out
    images, labels = digits_held_out()
    rows = np.concatenate([rng.choice(np.flatnonzero(labels == c), DIGITS_PER_CLASS, replace=False)
                           for c in range(10)])
    rng.shuffle(rows)
    brightness = rng.uniform(0.9, 1.1, size=(len(rows), 1, 1))
    noisy = images[rows] * brightness + DIGITS_NOISE * rng.standard_normal((len(rows), 8, 8))
    return {"X": np.clip(noisy, 0.0, 16.0)}, labels[rows]


register_challenge(Challenge(
    key="week08.digits_cnn",
    function="predict",
    make_test=_digits_test,
    score=accuracy(np.arange(10)),
    metric="accuracy",
    thresholds=((0.98, 3), (0.95, 2), (0.90, 1)),
    describe=lambda case: f"{len(case['X'])} held-out digits (drawn and slightly perturbed for you)",
))
