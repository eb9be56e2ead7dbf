"""Plausible wrong implementations of week 02's graded functions, each with the diagnosis it must get.

Every hidden test must fail for at least one of these (tests/test_exercises.py checks it).
"""
import numpy as np
from scipy.stats import norm as _norm
from scipy.stats import t as _t

from solutions import renamed_source


# ----------------------------------------------------------------------------- numerical_jacobian


def jacobian_forward_difference(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    f0 = np.asarray(f(x))
    columns = []
    for j in range(x.size):
        step = x.copy()
        step[j] += h
        columns.append((np.asarray(f(step)) - f0) / h)
    return np.stack(columns, axis=1)


def jacobian_transposed(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    rows = []
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = h
        rows.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h))
    return np.array(rows)                     # one row per input: the transpose


def jacobian_that_mutates_x(f, x, h=1e-5):
    columns = []
    for j in range(x.size):
        x[j] += h
        plus = np.asarray(f(x))
        x[j] -= 2 * h
        minus = np.asarray(f(x))
        columns.append((plus - minus) / (2 * h))   # forgets to restore x[j]
    return np.stack(columns, axis=1)


def jacobian_of_the_sum(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = h
        grad[j] = (np.sum(f(x + e)) - np.sum(f(x - e))) / (2 * h)   # the gradient of sum(f), not the Jacobian
    return grad


# ----------------------------------------------------------------------------- linear_regression_gd


def gd_without_the_factor_two(X, y, lr, n_epochs):
    w = np.zeros(X.shape[1])
    losses = [np.mean((X @ w - y) ** 2)]
    for _ in range(n_epochs):
        w = w - lr / len(y) * X.T @ (X @ w - y)
        losses.append(np.mean((X @ w - y) ** 2))
    return w, np.array(losses)


def gd_with_summed_gradient(X, y, lr, n_epochs):
    w = np.zeros(X.shape[1])
    losses = [np.mean((X @ w - y) ** 2)]
    for _ in range(n_epochs):
        w = w - lr * 2 * X.T @ (X @ w - y)
        losses.append(np.mean((X @ w - y) ** 2))
    return w, np.array(losses)


def gd_ascent(X, y, lr, n_epochs):
    w = np.zeros(X.shape[1])
    losses = [np.mean((X @ w - y) ** 2)]
    for _ in range(n_epochs):
        w = w + lr * 2 / len(y) * X.T @ (X @ w - y)
        losses.append(np.mean((X @ w - y) ** 2))
    return w, np.array(losses)


def gd_losses_after_each_step_only(X, y, lr, n_epochs):
    w = np.zeros(X.shape[1])
    losses = []
    for _ in range(n_epochs):
        w = w - lr * 2 / len(y) * X.T @ (X @ w - y)
        losses.append(np.mean((X @ w - y) ** 2))
    return w, np.array(losses)


def gd_losses_as_sum_of_squares(X, y, lr, n_epochs):
    w = np.zeros(X.shape[1])
    losses = [np.sum((X @ w - y) ** 2)]
    for _ in range(n_epochs):
        w = w - lr * 2 / len(y) * X.T @ (X @ w - y)
        losses.append(np.sum((X @ w - y) ** 2))
    return w, np.array(losses)


def gd_returning_weights_only(X, y, lr, n_epochs):
    w = np.zeros(X.shape[1])
    for _ in range(n_epochs):
        w = w - lr * 2 / len(y) * X.T @ (X @ w - y)
    return w


# ----------------------------------------------------------------------------- minibatch_sgd


def _sgd(X, y, lr, n_epochs, batch_size, decay, seed, *, shuffle="each epoch", mean_over="batch",
         keep_last=True, schedule=True, rng=None, factor=2.0):
    """One parametrised SGD, so each wrong variant below differs from the right one in one place."""
    rng = np.random.default_rng(seed) if rng is None else rng
    n = len(y)
    w = np.zeros(X.shape[1])
    path = [w]
    fixed_order = rng.permutation(n)
    for epoch in range(n_epochs):
        rate = lr / (1 + decay * epoch) if schedule else lr
        order = {"each epoch": None, "never": np.arange(n), "once": fixed_order}[shuffle]
        order = rng.permutation(n) if order is None else order
        stop = n if keep_last else n - n % batch_size
        for start in range(0, stop, batch_size):
            batch = order[start:start + batch_size]
            size = {"batch": len(batch), "batch_size": batch_size, "none": 1}[mean_over]
            w = w - rate * factor / size * X[batch].T @ (X[batch] @ w - y[batch])
            path.append(w)
    return np.array(path)


def sgd_without_shuffling(X, y, lr, n_epochs, batch_size, decay=0.1, seed=0):
    return _sgd(X, y, lr, n_epochs, batch_size, decay, seed, shuffle="never")


def sgd_shuffling_only_once(X, y, lr, n_epochs, batch_size, decay=0.1, seed=0):
    return _sgd(X, y, lr, n_epochs, batch_size, decay, seed, shuffle="once")


def sgd_with_summed_batch_gradient(X, y, lr, n_epochs, batch_size, decay=0.1, seed=0):
    return _sgd(X, y, lr, n_epochs, batch_size, decay, seed, mean_over="none")


def sgd_dividing_by_batch_size(X, y, lr, n_epochs, batch_size, decay=0.1, seed=0):
    return _sgd(X, y, lr, n_epochs, batch_size, decay, seed, mean_over="batch_size")


def sgd_dropping_the_last_batch(X, y, lr, n_epochs, batch_size, decay=0.1, seed=0):
    return _sgd(X, y, lr, n_epochs, batch_size, decay, seed, keep_last=False)


def sgd_without_decay(X, y, lr, n_epochs, batch_size, decay=0.1, seed=0):
    return _sgd(X, y, lr, n_epochs, batch_size, decay, seed, schedule=False)


def sgd_without_the_factor_two(X, y, lr, n_epochs, batch_size, decay=0.1, seed=0):
    return _sgd(X, y, lr, n_epochs, batch_size, decay, seed, factor=1.0)


def sgd_with_global_random_state(X, y, lr, n_epochs, batch_size, decay=0.1, seed=0):
    return _sgd(X, y, lr, n_epochs, batch_size, decay, seed, rng=np.random.default_rng())


def sgd_sampling_with_replacement(X, y, lr, n_epochs, batch_size, decay=0.1, seed=0):
    rng = np.random.default_rng(seed)
    n = len(y)
    w = np.zeros(X.shape[1])
    path = [w]
    for epoch in range(n_epochs):
        rate = lr / (1 + decay * epoch)
        for start in range(0, n, batch_size):
            batch = rng.integers(0, n, size=min(batch_size, n - start))   # with replacement
            w = w - rate * 2 / len(batch) * X[batch].T @ (X[batch] @ w - y[batch])
            path.append(w)
    return np.array(path)


def sgd_returning_the_final_weights(X, y, lr, n_epochs, batch_size, decay=0.1, seed=0):
    return _sgd(X, y, lr, n_epochs, batch_size, decay, seed)[-1]


# ----------------------------------------------------------------------------- bayes_posterior


def posterior_by_plain_product(prior, likelihood):
    joint = prior * np.prod(np.atleast_2d(likelihood), axis=0)   # underflows to 0 for many observations
    return joint / joint.sum()


def posterior_not_normalised(prior, likelihood):
    return prior * np.prod(np.atleast_2d(likelihood), axis=0)


def posterior_ignoring_the_prior(prior, likelihood):
    log_like = np.sum(np.log(np.atleast_2d(likelihood) + 1e-300), axis=0)
    weights = np.exp(log_like - log_like.max())
    return weights / weights.sum()


def posterior_with_epsilon_in_the_log(prior, likelihood):
    log_joint = np.log(prior + 1e-12) + np.sum(np.log(np.atleast_2d(likelihood) + 1e-12), axis=0)
    weights = np.exp(log_joint - log_joint.max())
    return weights / weights.sum()


def posterior_per_observation(prior, likelihood):
    joint = prior * likelihood                                   # (m, k) when there are m observations
    return joint / joint.sum(axis=-1, keepdims=True)


# ----------------------------------------------------------------------------- t_confidence_interval


def interval_with_ddof_zero(sample, confidence=0.95):
    n = len(sample)
    half = _t.ppf((1 + confidence) / 2, n - 1) * np.std(sample) / np.sqrt(n)
    return np.mean(sample) - half, np.mean(sample) + half


def interval_with_normal_quantile(sample, confidence=0.95):
    n = len(sample)
    half = _norm.ppf((1 + confidence) / 2) * np.std(sample, ddof=1) / np.sqrt(n)
    return np.mean(sample) - half, np.mean(sample) + half


def interval_with_one_sided_quantile(sample, confidence=0.95):
    n = len(sample)
    half = _t.ppf(confidence, n - 1) * np.std(sample, ddof=1) / np.sqrt(n)
    return np.mean(sample) - half, np.mean(sample) + half


def interval_from_the_standard_deviation(sample, confidence=0.95):
    n = len(sample)
    half = _t.ppf((1 + confidence) / 2, n - 1) * np.std(sample, ddof=1)
    return np.mean(sample) - half, np.mean(sample) + half


def interval_with_naive_variance(sample, confidence=0.95):
    n = len(sample)
    mean = np.mean(sample)
    variance = (np.mean(np.asarray(sample, float) ** 2) - mean ** 2) * n / (n - 1)   # cancels catastrophically
    half = _t.ppf((1 + confidence) / 2, n - 1) * np.sqrt(abs(variance)) / np.sqrt(n)
    return mean - half, mean + half


WRONG = [
    # (exercise, wrong implementation, phrase its diagnosis must contain)
    ("week02.numerical_jacobian", jacobian_forward_difference, "not accurate enough"),
    ("week02.numerical_jacobian", jacobian_transposed, "transpose of the expected result"),
    ("week02.numerical_jacobian", jacobian_that_mutates_x, "changed its input x in place"),
    ("week02.numerical_jacobian", jacobian_of_the_sum, "one row per output"),
    ("week02.linear_regression_gd", gd_without_the_factor_two, "0.5 times the expected value"),
    ("week02.linear_regression_gd", gd_with_summed_gradient, "off by a constant factor"),
    ("week02.linear_regression_gd", gd_ascent, "wrong sign"),
    ("week02.linear_regression_gd", gd_losses_after_each_step_only, "one row fewer"),
    ("week02.linear_regression_gd", gd_losses_as_sum_of_squares, "off by a constant factor"),
    ("week02.linear_regression_gd", gd_returning_weights_only, "should return two things"),
    ("week02.minibatch_sgd", sgd_without_shuffling, "original order"),
    ("week02.minibatch_sgd", sgd_shuffling_only_once, "same order of samples in every epoch"),
    ("week02.minibatch_sgd", sgd_with_summed_batch_gradient, "20 times the expected value"),
    ("week02.minibatch_sgd", sgd_dividing_by_batch_size, "divide by len(batch)"),
    ("week02.minibatch_sgd", sgd_dropping_the_last_batch, "last, smaller batch of each epoch is missing"),
    ("week02.minibatch_sgd", sgd_without_decay, "should decay"),
    ("week02.minibatch_sgd", sgd_without_the_factor_two, "0.5 times the expected value"),
    ("week02.minibatch_sgd", sgd_with_global_random_state, "same seed gave different paths"),
    ("week02.minibatch_sgd", sgd_sampling_with_replacement, "exactly once"),
    ("week02.minibatch_sgd", sgd_returning_the_final_weights, "one row per update"),
    ("week02.bayes_posterior", posterior_by_plain_product, "NaN"),
    ("week02.bayes_posterior", posterior_not_normalised, "does not sum to 1"),
    ("week02.bayes_posterior", posterior_ignoring_the_prior, "ignores the prior"),
    ("week02.bayes_posterior", posterior_with_epsilon_in_the_log, "must be exactly 0"),
    ("week02.bayes_posterior", posterior_per_observation, "extra axis"),
    ("week02.t_confidence_interval", interval_with_ddof_zero, "ddof=1"),
    ("week02.t_confidence_interval", interval_with_normal_quantile, "t quantile"),
    ("week02.t_confidence_interval", interval_with_one_sided_quantile, "(1 + confidence) / 2"),
    ("week02.t_confidence_interval", interval_from_the_standard_deviation, "standard error"),
    ("week02.t_confidence_interval", interval_with_naive_variance, "cancels every digit"),
]


# A whole wrong submission for the nbgrader round trip: answer cells (by grade_id) replaced with
# wrong code, and the test cells that must then score 0 (every other test cell keeps full marks).
WRONG_SUBMISSION = (
    {"bayes_posterior": renamed_source(posterior_by_plain_product, "bayes_posterior"),
     "linear_regression_gd": renamed_source(gd_ascent, "linear_regression_gd"),
     "checkpoint_q1": "q1_answer = 0.999", "checkpoint_q2": "q2_answer = 12.0",
     "checkpoint_q3": 'q3_answer = "a"', "checkpoint_q4": 'q4_answer = "z"'},
    {"bayes_posterior_hidden", "linear_regression_gd_public", "linear_regression_gd_hidden",
     "checkpoint_q1_test", "checkpoint_q2_test", "checkpoint_q3_test", "checkpoint_q4_test"},
)
