"""Plausible wrong implementations of the interview notebook's graded functions (Part 3's shapes and counts), each
with the diagnosis it must get; PUBLIC_CASES are the public cells that name a mistake (tests/test_public_tests.py);
WRONG_SUBMISSION also answers some of Part 1's drawn questions wrongly and writes one drill wrong.

Part 2's drills are graded by the weeks' own exercises (``week05.kmeans`` ...), whose wrong variants live in
tests/wrong_week02.py … wrong_week07.py; tests/test_exercises_interview.py runs some of them against the drills.
"""
import numpy as np

from solutions import renamed_source


# ----------------------------------------------------------------------------- conv2d_output_shape

def conv_shape_ceil(input_shape, out_channels, kernel_size, stride=1, padding=0):
    n, _, h, w = input_shape
    size = lambda x: -(-(x + 2 * padding - kernel_size) // stride) + 1  # noqa: E731
    return (n, out_channels, size(h), size(w))


def conv_shape_no_padding(input_shape, out_channels, kernel_size, stride=1, padding=0):
    n, _, h, w = input_shape
    return (n, out_channels, (h - kernel_size) // stride + 1, (w - kernel_size) // stride + 1)


def conv_shape_no_plus_one(input_shape, out_channels, kernel_size, stride=1, padding=0):
    n, _, h, w = input_shape
    return (n, out_channels, (h + 2 * padding - kernel_size) // stride, (w + 2 * padding - kernel_size) // stride)


def conv_shape_keeps_channels(input_shape, out_channels, kernel_size, stride=1, padding=0):
    n, c, h, w = input_shape
    return (n, c, (h + 2 * padding - kernel_size) // stride + 1, (w + 2 * padding - kernel_size) // stride + 1)


# ----------------------------------------------------------------------------- conv2d_parameters

def conv_parameters_no_bias(in_channels, out_channels, kernel_size, bias=True):
    return out_channels * in_channels * kernel_size ** 2


def conv_parameters_one_channel(in_channels, out_channels, kernel_size, bias=True):
    return out_channels * kernel_size ** 2 + (out_channels if bias else 0)


def conv_parameters_always_bias(in_channels, out_channels, kernel_size, bias=True):
    return out_channels * in_channels * kernel_size ** 2 + out_channels


# ----------------------------------------------------------------------------- lstm_parameters

def _lstm(input_size, hidden_size, num_layers, bias, gates=4, biases=2, recurrent=True, same_input=False):
    total = 0
    for layer in range(num_layers):
        inputs = input_size if layer == 0 or same_input else hidden_size
        total += gates * hidden_size * (inputs + (hidden_size if recurrent else 0))
        total += biases * gates * hidden_size if bias else 0
    return total


def lstm_keras_bias(input_size, hidden_size, num_layers=1, bias=True):
    return _lstm(input_size, hidden_size, num_layers, bias, biases=1)


def lstm_one_gate(input_size, hidden_size, num_layers=1, bias=True):
    return _lstm(input_size, hidden_size, num_layers, bias, gates=1)


def lstm_no_recurrent_weights(input_size, hidden_size, num_layers=1, bias=True):
    return _lstm(input_size, hidden_size, num_layers, bias, recurrent=False)


def lstm_same_input_every_layer(input_size, hidden_size, num_layers=1, bias=True):
    return _lstm(input_size, hidden_size, num_layers, bias, same_input=True)


# ----------------------------------------------------------------------------- attention_parameters

def attention_no_output_projection(embed_dim, num_heads, bias=True):
    return 3 * embed_dim ** 2 + (3 * embed_dim if bias else 0)


def attention_full_size_heads(embed_dim, num_heads, bias=True):
    return num_heads * (3 * embed_dim ** 2 + (3 * embed_dim if bias else 0)) + embed_dim ** 2 + \
        (embed_dim if bias else 0)


def attention_no_biases(embed_dim, num_heads, bias=True):
    return 4 * embed_dim ** 2


def attention_per_head_width(embed_dim, num_heads, bias=True):
    head = embed_dim // num_heads
    return 4 * embed_dim * head + (4 * head if bias else 0)


WRONG = [
    ("interview.conv2d_output_shape", conv_shape_ceil, "is not correct"),
    ("interview.conv2d_output_shape", conv_shape_no_padding, "is not correct"),
    ("interview.conv2d_output_shape", conv_shape_no_plus_one, "is not correct"),
    ("interview.conv2d_output_shape", conv_shape_keeps_channels, "is not correct"),
    ("interview.conv2d_parameters", conv_parameters_no_bias, "is not correct"),
    ("interview.conv2d_parameters", conv_parameters_one_channel, "is not correct"),
    ("interview.conv2d_parameters", conv_parameters_always_bias, "bias=False"),
    ("interview.lstm_parameters", lstm_keras_bias, "is not correct"),
    ("interview.lstm_parameters", lstm_one_gate, "is not correct"),
    ("interview.lstm_parameters", lstm_no_recurrent_weights, "is not correct"),
    ("interview.lstm_parameters", lstm_same_input_every_layer, "num_layers=3"),
    ("interview.attention_parameters", attention_no_output_projection, "is not correct"),
    ("interview.attention_parameters", attention_full_size_heads, "is not correct"),
    ("interview.attention_parameters", attention_no_biases, "is not correct"),
    ("interview.attention_parameters", attention_per_head_width, "is not correct"),
]

PUBLIC_CASES = [  # (public grade_id, function name, wrong variant, phrase the learner must read)
    ("conv2d_output_shape_public", "conv2d_output_shape", conv_shape_ceil, "rounding up instead of down"),
    ("conv2d_output_shape_public", "conv2d_output_shape", conv_shape_no_padding, "leaving out the padding"),
    ("conv2d_output_shape_public", "conv2d_output_shape", conv_shape_no_plus_one, "leaving out the + 1"),
    ("conv2d_parameters_public", "conv2d_parameters", conv_parameters_no_bias, "leaving out the biases"),
    ("conv2d_parameters_public", "conv2d_parameters", conv_parameters_one_channel, "every input channel"),
    ("lstm_parameters_public", "lstm_parameters", lstm_keras_bias, "as Keras counts"),
    ("lstm_parameters_public", "lstm_parameters", lstm_one_gate, "a single gate instead of four"),
    ("lstm_parameters_public", "lstm_parameters", lstm_no_recurrent_weights, "the recurrent weights W_hh"),
    ("lstm_parameters_public", "lstm_parameters", lstm_same_input_every_layer, "every layer input_size inputs"),
    ("attention_parameters_public", "attention_parameters", attention_no_output_projection, "output projection"),
    ("attention_parameters_public", "attention_parameters", attention_full_size_heads, "its own full-size"),
    ("attention_parameters_public", "attention_parameters", attention_no_biases, "leaving out the biases"),
]


def kmeans_unsquared_inertia(X, init, n_iter):
    X = np.asarray(X, dtype=float)
    centers = np.array(init, dtype=float)
    for _ in range(n_iter):
        labels = ((X[:, None, :] - centers[None]) ** 2).sum(axis=2).argmin(axis=1)
        for j in range(len(centers)):
            if np.any(labels == j):
                centers[j] = X[labels == j].mean(axis=0)
    distances = np.sqrt(((X[:, None, :] - centers[None]) ** 2).sum(axis=2))
    labels = distances.argmin(axis=1)
    return centers, labels, float(distances[np.arange(len(X)), labels].sum())


# Part 1: the right answers of the student's own draw, but question 3 and question 17 answered wrongly (no drawn
# answer is ever -12345); Part 6: a wrong letter; Part 2: a kmeans whose inertia is not squared; Part 3: Keras's
# LSTM count.
WRONG_SUBMISSION = (
    {"quiz_answers": "answers = {f'Q{position}': variant_answer(key) for position, key in enumerate(QUIZ_KEYS, 1)}\n"
                     "answers['Q3'] = -12345.0\nanswers['Q17'] = -12345.0",
     "drill_kmeans": renamed_source(kmeans_unsquared_inertia, "kmeans"),
     "lstm_parameters": renamed_source(lstm_keras_bias, "lstm_parameters"),
     "checkpoint_q2": 'q2_answer = "a"'},
    {"quiz_q03", "quiz_q17", "drill_kmeans_public", "drill_kmeans_test", "lstm_parameters_public",
     "lstm_parameters_hidden", "checkpoint_q2_test"},
)
