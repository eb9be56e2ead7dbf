"""Plausible wrong implementations of week 08's graded functions, each with the diagnosis it must get.

Every hidden test must fail for at least one of these (tests/test_exercises.py checks it).
"""
import numpy as np

from solutions import renamed_source


# ----------------------------------------------------------------------------- conv2d_forward

def _conv(x, w, b, stride, padding, flip=False, bias=True, ceil=False):
    n, c, h, width = x.shape
    f, _, kh, kw = w.shape
    if flip:
        w = w[:, :, ::-1, ::-1]
    size = (lambda length, k: -(-(length + 2 * padding - k) // stride) + 1) if ceil else \
        (lambda length, k: (length + 2 * padding - k) // stride + 1)
    ho, wo = size(h, kh), size(width, kw)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding + stride), (padding, padding + stride)))
    out = np.zeros((n, f, ho, wo))
    for r in range(ho):
        for q in range(wo):
            patch = xp[:, :, r * stride:r * stride + kh, q * stride:q * stride + kw]
            out[:, :, r, q] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3]))
    return out + (b[None, :, None, None] if bias else 0)


def conv_flipped_kernel(x, w, b, stride=1, padding=0):
    return _conv(x, w, b, stride, padding, flip=True)


def conv_without_bias(x, w, b, stride=1, padding=0):
    return _conv(x, w, b, stride, padding, bias=False)


def conv_ceil_output_size(x, w, b, stride=1, padding=0):
    return _conv(x, w, b, stride, padding, ceil=True)


# ----------------------------------------------------------------------------- conv2d_backward

def _conv_backward(dout, x, w, stride, padding, keep_padding=False, mean_dw=False, db_keepdims=False):
    n, c, h, width = x.shape
    f, _, kh, kw = w.shape
    ho, wo = dout.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dxp, dw = np.zeros(xp.shape), np.zeros(w.shape)
    for r in range(ho):
        for q in range(wo):
            rows, cols = slice(r * stride, r * stride + kh), slice(q * stride, q * stride + kw)
            dw += np.einsum("nf,nchw->fchw", dout[:, :, r, q], xp[:, :, rows, cols])
            dxp[:, :, rows, cols] += np.einsum("nf,fchw->nchw", dout[:, :, r, q], w)
    dx = dxp if keep_padding else dxp[:, :, padding:padding + h, padding:padding + width]
    db = dout.sum(axis=(0, 2, 3))
    return dx, dw / n if mean_dw else dw, db[None] if db_keepdims else db


def conv_backward_keeps_padding(dout, x, w, stride=1, padding=0):
    return _conv_backward(dout, x, w, stride, padding, keep_padding=True)


def conv_backward_mean_over_batch(dout, x, w, stride=1, padding=0):
    return _conv_backward(dout, x, w, stride, padding, mean_dw=True)


def conv_backward_db_per_position(dout, x, w, stride=1, padding=0):
    dx, dw, _ = _conv_backward(dout, x, w, stride, padding)
    return dx, dw, dout.sum(axis=0)


def conv_backward_ignores_stride(dout, x, w, stride=1, padding=0):
    return _conv_backward(dout, x, w, 1, padding)


# ----------------------------------------------------------------------------- max pooling

def maxpool_average(x, size=2, stride=None):
    stride = size if stride is None else stride
    ho, wo = (x.shape[2] - size) // stride + 1, (x.shape[3] - size) // stride + 1
    return np.array([[x[:, :, r * stride:r * stride + size, q * stride:q * stride + size].mean(axis=(2, 3))
                      for q in range(wo)] for r in range(ho)]).transpose(2, 3, 0, 1)


def maxpool_ignores_stride(x, size=2, stride=None):
    ho, wo = x.shape[2] // size, x.shape[3] // size
    return x[:, :, :ho * size, :wo * size].reshape(x.shape[0], x.shape[1], ho, size, wo, size).max(axis=(3, 5))


def maxpool_backward_every_tie(dout, x, size=2, stride=None):
    stride = size if stride is None else stride
    dx = np.zeros(x.shape)
    for r in range(dout.shape[2]):
        for q in range(dout.shape[3]):
            window = x[:, :, r * stride:r * stride + size, q * stride:q * stride + size]
            top = window == window.max(axis=(2, 3), keepdims=True)
            dx[:, :, r * stride:r * stride + size, q * stride:q * stride + size] += top * dout[:, :, r:r + 1, q:q + 1]
    return dx


def maxpool_backward_overwrites(dout, x, size=2, stride=None):
    stride = size if stride is None else stride
    n, c = x.shape[:2]
    dx = np.zeros(x.shape)
    for r in range(dout.shape[2]):
        for q in range(dout.shape[3]):
            window = x[:, :, r * stride:r * stride + size, q * stride:q * stride + size].reshape(n, c, -1)
            i, j = np.divmod(window.argmax(axis=2), size)
            for a in range(n):
                for b in range(c):
                    dx[a, b, r * stride + i[a, b], q * stride + j[a, b]] = dout[a, b, r, q]
    return dx


# ----------------------------------------------------------------------------- batch norm

def _bn(x, gamma, beta, running_mean, running_var, train, momentum, eps, biased=False, swapped=False,
        running_in_train=False, per_position=False):
    axes = (0,) if per_position else (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if train:
        mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
        m_all = x.mean(axis=(0,) + tuple(range(2, x.ndim)))
        count = x.size // x.shape[1]
        v_all = x.var(axis=(0,) + tuple(range(2, x.ndim))) * (1 if biased else count / (count - 1))
        a, bw = (momentum, 1 - momentum) if swapped else (1 - momentum, momentum)
        new_mean, new_var = a * running_mean + bw * m_all, a * running_var + bw * v_all
        if running_in_train:
            mean, var = running_mean.reshape(shape), running_var.reshape(shape)
    else:
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
        new_mean, new_var = running_mean.copy(), running_var.copy()
    out = gamma.reshape(shape) * (x - mean) / np.sqrt(var + eps) + beta.reshape(shape)
    return out, new_mean, new_var


def batchnorm_biased_running_var(x, gamma, beta, running_mean, running_var, train, momentum=0.1, eps=1e-5):
    return _bn(x, gamma, beta, running_mean, running_var, train, momentum, eps, biased=True)


def batchnorm_swapped_momentum(x, gamma, beta, running_mean, running_var, train, momentum=0.1, eps=1e-5):
    return _bn(x, gamma, beta, running_mean, running_var, train, momentum, eps, swapped=True)


def batchnorm_running_stats_in_training(x, gamma, beta, running_mean, running_var, train, momentum=0.1, eps=1e-5):
    return _bn(x, gamma, beta, running_mean, running_var, train, momentum, eps, running_in_train=True)


def batchnorm_batch_stats_in_eval(x, gamma, beta, running_mean, running_var, train, momentum=0.1, eps=1e-5):
    out, m, v = _bn(x, gamma, beta, running_mean, running_var, True, momentum, eps)
    return (out, m, v) if train else (out, running_mean.copy(), running_var.copy())


def batchnorm_per_position(x, gamma, beta, running_mean, running_var, train, momentum=0.1, eps=1e-5):
    return _bn(x, gamma, beta, running_mean, running_var, train, momentum, eps, per_position=True)


def batchnorm_backward_constant_statistics(dout, x, gamma, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    x_hat = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    dx = dout * gamma.reshape(shape) / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    return dx, (dout * x_hat).sum(axis=axes), dout.sum(axis=axes)


def batchnorm_backward_forgets_gamma(dout, x, gamma, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    inv_std = 1 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    x_hat = (x - x.mean(axis=axes, keepdims=True)) * inv_std
    dx = inv_std * (dout - dout.mean(axis=axes, keepdims=True)
                    - x_hat * (dout * x_hat).mean(axis=axes, keepdims=True))
    return dx, (dout * x_hat).sum(axis=axes), dout.sum(axis=axes)


# ----------------------------------------------------------------------------- dropout

def dropout_unscaled(x, p, rng, train=True):
    if not train:
        return x.copy()
    return np.where(rng.random(x.shape) >= p, x, 0.0)


def dropout_keep_probability(x, p, rng, train=True):
    if not train or p == 0:
        return x.copy()
    return np.where(rng.random(x.shape) < p, x / (1 - p), 0.0)


def dropout_scales_at_eval(x, p, rng, train=True):
    if not train:
        return x * (1 - p)
    return np.where(rng.random(x.shape) >= p, x / (1 - p), 0.0)


def dropout_global_random(x, p, rng, train=True):
    if not train or p == 0:
        return x.copy()
    return np.where(np.random.random(x.shape) >= p, x / (1 - p), 0.0)


def dropout_same_mask_every_call(x, p, rng, train=True):
    if not train or p == 0:
        return x.copy()
    return np.where(np.random.default_rng(0).random(x.shape) >= p, x / (1 - p), 0.0)


# ----------------------------------------------------------------------------- RNN and LSTM

def _rnn(x, h0, Wxh, Whh, b):
    h, states = h0, []
    for x_t in x:
        h = np.tanh(x_t @ Wxh + h @ Whh + b)
        states.append(h)
    return np.stack(states)


def rnn_transposed_recurrence(x, h0, Wxh, Whh, b):
    return _rnn(x, h0, Wxh, Whh.T, b)


def rnn_ignores_h0(x, h0, Wxh, Whh, b):
    return _rnn(x, np.zeros_like(h0), Wxh, Whh, b)


def rnn_returns_previous_states(x, h0, Wxh, Whh, b):
    return np.concatenate([h0[None], _rnn(x, h0, Wxh, Whh, b)[:-1]])


def rnn_last_state_only(x, h0, Wxh, Whh, b):
    return _rnn(x, h0, Wxh, Whh, b)[-1]


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def lstm_gates_ifog(x, h, c, W, U, b):
    i, f, o, g = np.split(x @ W + h @ U + b, 4, axis=1)
    c_new = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    return _sigmoid(o) * np.tanh(c_new), c_new


def lstm_input_and_forget_swapped(x, h, c, W, U, b):
    i, f, g, o = np.split(x @ W + h @ U + b, 4, axis=1)
    c_new = _sigmoid(i) * c + _sigmoid(f) * np.tanh(g)
    return _sigmoid(o) * np.tanh(c_new), c_new


def lstm_without_tanh_of_cell(x, h, c, W, U, b):
    i, f, g, o = np.split(x @ W + h @ U + b, 4, axis=1)
    c_new = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    return _sigmoid(o) * c_new, c_new


# ----------------------------------------------------------------------------- clipping

def clip_each_tensor(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    return [g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)) for g in grads], total


def clip_always_rescales(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    return [g * max_norm / (total + 1e-6) for g in grads], total


def clip_returns_norm_after(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    scale = min(1.0, max_norm / (total + 1e-6))
    return [g * scale for g in grads], total * scale


def clip_in_place(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    for g in grads:
        g *= min(1.0, max_norm / (total + 1e-6))
    return grads, total


WRONG = [
    ("week08.conv2d_forward", conv_flipped_kernel, "flipped kernel"),
    ("week08.conv2d_forward", conv_without_bias, "leaving out the bias"),
    ("week08.conv2d_forward", conv_ceil_output_size, "floor((H + 2·padding − kh) / stride) + 1"),
    ("week08.conv2d_backward", conv_backward_keeps_padding, "cut the padding off"),
    ("week08.conv2d_backward", conv_backward_mean_over_batch, "averaging over the batch"),
    ("week08.conv2d_backward", conv_backward_db_per_position, "both spatial axes"),
    ("week08.conv2d_backward", conv_backward_ignores_stride, "dx"),
    ("week08.maxpool2d_forward", maxpool_average, "average pooling"),
    ("week08.maxpool2d_forward", maxpool_ignores_stride, "shape"),
    ("week08.maxpool2d_backward", maxpool_backward_every_tie, "EVERY tied maximum"),
    ("week08.maxpool2d_backward", maxpool_backward_overwrites, "windows overlap"),
    ("week08.batchnorm_forward", batchnorm_biased_running_var, "UNBIASED"),
    ("week08.batchnorm_forward", batchnorm_swapped_momentum, "weights swapped"),
    ("week08.batchnorm_forward", batchnorm_running_stats_in_training, "running statistics in training mode"),
    ("week08.batchnorm_forward", batchnorm_batch_stats_in_eval, "batch's statistics in evaluation mode"),
    ("week08.batchnorm_forward", batchnorm_per_position, "both spatial axes"),
    ("week08.batchnorm_backward", batchnorm_backward_constant_statistics, "as constants"),
    ("week08.batchnorm_backward", batchnorm_backward_forgets_gamma, "dx"),
    ("week08.dropout", dropout_unscaled, "keeps entries unscaled"),
    ("week08.dropout", dropout_keep_probability, "KEEP probability"),
    ("week08.dropout", dropout_scales_at_eval, "evaluation is the identity"),
    ("week08.dropout", dropout_global_random, "same seed"),
    ("week08.dropout", dropout_same_mask_every_call, "generators of different seeds"),
    ("week08.rnn_forward", rnn_transposed_recurrence, "Whh transposed"),
    ("week08.rnn_forward", rnn_ignores_h0, "instead of h0"),
    ("week08.rnn_forward", rnn_returns_previous_states, "h_1 to h_T"),
    ("week08.rnn_forward", rnn_last_state_only, "return every step's hidden state"),
    ("week08.lstm_cell", lstm_gates_ifog, "i, f, o, g"),
    ("week08.lstm_cell", lstm_input_and_forget_swapped, "input and forget gates swapped"),
    ("week08.lstm_cell", lstm_without_tanh_of_cell, "without the tanh"),
    ("week08.clip_grad_norm", clip_each_tensor, "its own norm"),
    ("week08.clip_grad_norm", clip_always_rescales, "only scale down"),
    ("week08.clip_grad_norm", clip_returns_norm_after, "norm before clipping"),
    ("week08.clip_grad_norm", clip_in_place, "changed its input grads in place"),
]


WRONG_SUBMISSION = (
    {"conv2d_forward": renamed_source(conv_flipped_kernel, "conv2d_forward").replace(
        "return _conv(x, w, b, stride, padding, flip=True)",
        "return conv2d_forward_true_convolution(x, w, b, stride, padding)")
     + "\n\n" + renamed_source(_conv, "conv2d_forward_true_convolution").replace("import numpy as np\n\n", "")
     .replace("flip=False", "flip=True"),
     "lstm_cell": renamed_source(lstm_gates_ifog, "lstm_cell").replace("_sigmoid(", "sig(")
     .replace("    i, f, o, g", "    sig = lambda z: 1 / (1 + np.exp(-z))\n    i, f, o, g"),
     "checkpoint_q2": "q2_answer = 16 * 3 * 5 * 5", "checkpoint_q3": 'q3_answer = "b"',
     # a predict that never trained: always the digit 0 (the public cell's accuracy check fails; a held-out
     # challenge cell of digits_cnn, when it is added, must join the set below too)
     "digits_cnn": "import numpy as np\n\n\ndef predict(images):\n    return np.zeros(len(images), dtype=int)\n"},
    {"conv2d_forward_public", "conv2d_forward_hidden", "lstm_cell_public", "lstm_cell_hidden",
     "checkpoint_q2_test", "checkpoint_q3_test", "digits_cnn_public", "digits_cnn_held_out"},
)
