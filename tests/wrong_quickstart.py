"""Plausible wrong implementations of the quick start's graded functions, each with the diagnosis it must get.

Every hidden test must fail for at least one of these (tests/test_exercises.py checks it); PUBLIC_CASES are the
public cells that must name a mistake too (tests/test_public_tests.py).
"""
import numpy as np

from solutions import renamed_source


# ----------------------------------------------------------------------------- split_indices

def _split(n, test_size, seed, floor=False, from_end=False, fresh_generator=False, shuffle=True, swapped=False):
    if not shuffle:
        permutation = np.arange(n)
    elif fresh_generator:
        permutation = np.random.default_rng(seed).permutation(n)
    else:
        permutation = np.random.RandomState(seed).permutation(n)
    n_test = int(test_size * n) if floor else int(np.ceil(test_size * n))
    if from_end:
        train, test = permutation[:n - n_test], permutation[n - n_test:]
    else:
        train, test = permutation[n_test:], permutation[:n_test]
    return (test, train) if swapped else (train, test)


def split_rounding_down(n, test_size, seed):
    return _split(n, test_size, seed, floor=True)


def split_test_from_the_end(n, test_size, seed):
    return _split(n, test_size, seed, from_end=True)


def split_with_default_rng(n, test_size, seed):
    return _split(n, test_size, seed, fresh_generator=True)


def split_without_shuffle(n, test_size, seed):
    return _split(n, test_size, seed, shuffle=False)


def split_test_first(n, test_size, seed):
    return _split(n, test_size, seed, swapped=True)


def split_sorted(n, test_size, seed):
    train, test = _split(n, test_size, seed)
    return np.sort(train), np.sort(test)


def split_losing_a_row(n, test_size, seed):
    train, test = _split(n, test_size, seed)
    return train[1:], test


# ----------------------------------------------------------------------------- mse_and_r2

def _mse_r2(y_true, y_pred, total=False, root=False, centre_on_pred=False, correlation=False, ddof=0,
            constant_rule=True):
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    ss_res = np.sum((y_true - y_pred) ** 2)
    mse = ss_res if total else ss_res / len(y_true)
    if root:
        mse = np.sqrt(mse)
    around = y_pred if centre_on_pred else y_true
    ss_tot = np.sum((around - around.mean()) ** 2) * len(y_true) / (len(y_true) - ddof)
    if correlation:
        return float(mse), float(np.corrcoef(y_true, y_pred)[0, 1] ** 2)
    if constant_rule and ss_tot == 0:
        return float(mse), 1.0 if ss_res == 0 else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(mse), float(1 - ss_res / ss_tot)


def mse_as_sum(y_true, y_pred):
    return _mse_r2(y_true, y_pred, total=True)


def mse_rooted(y_true, y_pred):
    return _mse_r2(y_true, y_pred, root=True)


def r2_arguments_swapped(y_true, y_pred):
    return _mse_r2(y_true, y_pred, centre_on_pred=True)


def r2_as_squared_correlation(y_true, y_pred):
    return _mse_r2(y_true, y_pred, correlation=True)


def r2_with_sample_variance(y_true, y_pred):
    return _mse_r2(y_true, y_pred, ddof=1)


def r2_without_constant_rule(y_true, y_pred):
    return _mse_r2(y_true, y_pred, constant_rule=False)


def mse_r2_swapped_pair(y_true, y_pred):
    mse, r2 = _mse_r2(y_true, y_pred)
    return r2, mse


# ----------------------------------------------------------------------------- confusion_matrix

def confusion_transposed(y_true, y_pred, n_classes):
    counts = np.zeros((n_classes, n_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        counts[p, t] += 1
    return counts


def confusion_from_seen_labels(y_true, y_pred, n_classes):
    labels = np.unique(np.concatenate([y_true, y_pred]))
    index = {label: i for i, label in enumerate(labels)}
    counts = np.zeros((len(labels), len(labels)), dtype=int)
    for t, p in zip(y_true, y_pred):
        counts[index[t], index[p]] += 1
    return counts


def confusion_row_shares(y_true, y_pred, n_classes):
    counts = np.zeros((n_classes, n_classes))
    np.add.at(counts, (y_true, y_pred), 1)
    totals = counts.sum(axis=1, keepdims=True)
    return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)


# ----------------------------------------------------------------------------- count_parameters

def _count(layer_sizes, frozen=0, biases=True, from_end=False, ignore_frozen=False, bias_per_input=False):
    pairs = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    if not ignore_frozen:
        pairs = pairs[:len(pairs) - frozen] if from_end else pairs[frozen:]
    total = 0
    for n_in, n_out in pairs:
        total += n_in * n_out + ((n_in if bias_per_input else n_out) if biases else 0)
    return int(total)


def count_without_biases(layer_sizes, frozen=0):
    return _count(layer_sizes, frozen, biases=False)


def count_ignoring_frozen(layer_sizes, frozen=0):
    return _count(layer_sizes, frozen, ignore_frozen=True)


def count_freezing_the_end(layer_sizes, frozen=0):
    return _count(layer_sizes, frozen, from_end=True)


def count_bias_per_input(layer_sizes, frozen=0):
    return _count(layer_sizes, frozen, bias_per_input=True)


def count_as_float(layer_sizes, frozen=0):
    return float(_count(layer_sizes, frozen))


# ----------------------------------------------------------------------------- kmeans_inertia

def _inertia(X, centers, squared=True, mean=False, nearest=True):
    X, centers = np.asarray(X, float), np.asarray(centers, float)
    d = np.linalg.norm(X[:, None, :] - centers[None, :, :], axis=2)
    d = d ** 2 if squared else d
    per_point = d.min(axis=1) if nearest else d.sum(axis=1)
    return float(per_point.mean() if mean else per_point.sum())


def inertia_not_squared(X, centers):
    return _inertia(X, centers, squared=False)


def inertia_mean(X, centers):
    return _inertia(X, centers, mean=True)


def inertia_all_centres(X, centers):
    return _inertia(X, centers, nearest=False)


WRONG = [
    ("quickstart.split_indices", split_rounding_down, "rounded down"),
    ("quickstart.split_indices", split_test_from_the_end, "from the end of the permutation"),
    ("quickstart.split_indices", split_with_default_rng, "default_rng"),
    ("quickstart.split_indices", split_without_shuffle, "no shuffle"),
    ("quickstart.split_indices", split_test_first, "in the other order"),
    ("quickstart.split_indices", split_sorted, "the right rows, sorted"),
    ("quickstart.split_indices", split_losing_a_row, "exactly once"),
    ("quickstart.mse_and_r2", mse_as_sum, "not divided by n"),
    ("quickstart.mse_and_r2", mse_rooted, "the root of the mean squared error"),
    ("quickstart.mse_and_r2", r2_arguments_swapped, "around the mean of y_pred"),
    ("quickstart.mse_and_r2", r2_as_squared_correlation, "squared correlation"),
    ("quickstart.mse_and_r2", r2_with_sample_variance, "ddof=1"),
    ("quickstart.mse_and_r2", r2_without_constant_rule, "y_true is constant"),
    ("quickstart.mse_and_r2", mse_r2_swapped_pair, "the pair in the other order"),
    ("quickstart.confusion_matrix", confusion_transposed, "the transpose"),
    ("quickstart.confusion_matrix", confusion_from_seen_labels, "shape"),
    ("quickstart.confusion_matrix", confusion_row_shares, "rows normalised to 1"),
    ("quickstart.count_parameters", count_without_biases, "the weights only"),
    ("quickstart.count_parameters", count_ignoring_frozen, "the frozen layers too"),
    ("quickstart.count_parameters", count_freezing_the_end, "freezing the last layers"),
    ("quickstart.count_parameters", count_bias_per_input, "one bias per input"),
    ("quickstart.count_parameters", count_as_float, "an integer"),
    ("quickstart.kmeans_inertia", inertia_not_squared, "not squared"),
    ("quickstart.kmeans_inertia", inertia_mean, "the mean over the points"),
    ("quickstart.kmeans_inertia", inertia_all_centres, "the nearest centre only"),
]


PUBLIC_CASES = [  # (public grade_id, function name, wrong variant, phrase the learner must read)
    ("split_indices_public", "split_indices", split_rounding_down, "rounded down"),
    ("split_indices_public", "split_indices", split_test_from_the_end, "from the end"),
    ("split_indices_public", "split_indices", split_with_default_rng, "default_rng"),
    ("split_indices_public", "split_indices", split_test_first, "in the other order"),
    ("mse_and_r2_public", "mse_and_r2", mse_as_sum, "not divided by n"),
    ("mse_and_r2_public", "mse_and_r2", r2_arguments_swapped, "the arguments in the other order"),
    ("mse_and_r2_public", "mse_and_r2", mse_rooted, "RMSE"),
    ("confusion_matrix_public", "confusion_matrix", confusion_transposed, "the transpose"),
    ("count_parameters_public", "count_parameters", count_without_biases, "no biases"),
    ("count_parameters_public", "count_parameters", count_freezing_the_end, "freezing the last layers"),
    ("kmeans_inertia_public", "kmeans_inertia", inertia_not_squared, "not squared"),
    ("kmeans_inertia_public", "kmeans_inertia", inertia_mean, "the mean over the points"),
]


WRONG_SUBMISSION = (
    {"confusion_matrix": renamed_source(confusion_transposed, "confusion_matrix"),
     "kmeans_inertia": renamed_source(_inertia, "kmeans_inertia").replace("squared=True", "squared=False"),
     "checkpoint_q1": 'q1_answer = "a"', "checkpoint_q3": "q3_answer = 19584"},
    {"confusion_matrix_public", "confusion_matrix_hidden", "kmeans_inertia_public", "kmeans_inertia_hidden",
     "checkpoint_q1_test", "checkpoint_q3_test"},
)
