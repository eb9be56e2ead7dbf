"""Plausible wrong implementations of week 01's graded functions, each with the diagnosis it must get.

Every hidden test must fail for at least one of these (tests/test_exercises.py checks it).
"""
import numpy as np

from solutions import renamed_source


def forward_difference(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = x.copy()
        step[i] += h
        grad[i] = (f(step) - f(x)) / h
    return grad


def gradient_that_mutates_x(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        x[i] += h
        plus = f(x)
        x[i] -= 2 * h
        minus = f(x)
        grad[i] = (plus - minus) / (2 * h)   # forgets to restore x[i]
    return grad


def gradient_of_flat_input_only(f, x, h=1e-5):
    flat = np.asarray(x, dtype=float).ravel()
    grad = np.zeros_like(flat)
    for i in range(flat.size):
        e = np.zeros_like(flat)
        e[i] = h
        grad[i] = (f((flat + e).reshape(np.shape(x))) - f((flat - e).reshape(np.shape(x)))) / (2 * h)
    return grad                               # forgets to reshape back


def least_squares_without_transpose(X, y):
    return np.linalg.solve(X.T @ X, y[: X.shape[1]])


def least_squares_gram_wrong_side(X, y):
    return np.linalg.lstsq(X @ X.T, y, rcond=None)[0]


def gradient_ascent(grad, x0, lr, n_steps):
    x = np.array(x0, dtype=float)
    path = [x.copy()]
    for _ in range(n_steps):
        x = x + lr * grad(x)
        path.append(x.copy())
    return np.array(path)


def descent_returning_final_point(grad, x0, lr, n_steps):
    x = np.array(x0, dtype=float)
    for _ in range(n_steps):
        x = x - lr * grad(x)
    return x


def descent_path_without_start(grad, x0, lr, n_steps):
    x = np.array(x0, dtype=float)
    path = []
    for _ in range(n_steps):
        x = x - lr * grad(x)
        path.append(x.copy())
    return np.array(path)


def descent_one_step_short(grad, x0, lr, n_steps):
    x = np.array(x0, dtype=float)
    path = [x.copy()]
    for _ in range(n_steps - 1):
        x = x - lr * grad(x)
        path.append(x.copy())
    return np.array(path)


def descent_stalls_one_step_early(grad, x0, lr, n_steps):
    path = descent_one_step_short(grad, x0, lr, n_steps)
    return np.vstack([path, path[-1:]])        # right shape, right end point, one step repeated


def descent_in_place(grad, x0, lr, n_steps):
    path = [x0.copy()]
    for _ in range(n_steps):
        x0 -= lr * grad(x0)
        path.append(x0.copy())
    return np.array(path)


def naive_softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_over_all_entries(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def softmax_max_over_all_entries(z):
    e = np.exp(z - z.max())
    return e / e.sum(axis=-1, keepdims=True)   # underflows to 0/0 on rows far below the global max


def naive_logsumexp(z):
    return np.log(np.exp(z).sum(axis=-1))


def logsumexp_forgets_the_shift(z):
    m = z.max(axis=-1, keepdims=True)
    return np.log(np.exp(z - m).sum(axis=-1))


def logsumexp_keepdims(z):
    m = z.max(axis=-1, keepdims=True)
    return m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True))


# ----------------------------------------------------------------------------- messy tables (pandas)

def _encode(train, test, numeric, categorical, *, median=np.nanmedian, fit_on_both=False, indicators="train",
            categories_of=lambda train, test, name: sorted(set(train[name]))):
    """A configurable impute-and-encode, so each wrong variant below differs from a right one in one place."""
    train_blocks, test_blocks = [], []
    for name in numeric:
        values = train[name].to_numpy(dtype=float)
        fitted = np.concatenate([values, test[name].to_numpy(dtype=float)]) if fit_on_both else values
        fill = median(fitted)
        train_blocks.append(np.where(np.isnan(values), fill, values))
        test_values = test[name].to_numpy(dtype=float)
        test_blocks.append(np.where(np.isnan(test_values), fill, test_values))
    for name in numeric:
        values, test_values = train[name].to_numpy(dtype=float), test[name].to_numpy(dtype=float)
        if indicators == "every" or (indicators == "train" and np.isnan(values).any()):
            train_blocks.append(np.isnan(values).astype(float))
            test_blocks.append(np.isnan(test_values).astype(float))
    for name in categorical:
        for category in categories_of(train, test, name):
            train_blocks.append((train[name].to_numpy(dtype=str) == category).astype(float))
            test_blocks.append((test[name].to_numpy(dtype=str) == category).astype(float))
    return np.column_stack(train_blocks), np.column_stack(test_blocks)


def impute_with_train_and_test_medians(train, test, numeric, categorical):
    return _encode(train, test, numeric, categorical, fit_on_both=True)


def impute_with_the_mean(train, test, numeric, categorical):
    return _encode(train, test, numeric, categorical, median=np.nanmean)


def impute_without_indicators(train, test, numeric, categorical):
    return _encode(train, test, numeric, categorical, indicators="none")


def indicators_for_every_numeric_column(train, test, numeric, categorical):
    return _encode(train, test, numeric, categorical, indicators="every")


def one_hot_with_test_categories(train, test, numeric, categorical):
    return _encode(train, test, numeric, categorical,
                   categories_of=lambda train, test, name: sorted(set(train[name]) | set(test[name])))


def one_hot_in_order_of_appearance(train, test, numeric, categorical):
    return _encode(train, test, numeric, categorical,
                   categories_of=lambda train, test, name: list(dict.fromkeys(train[name])))


def one_hot_by_index_lookup(train, test, numeric, categorical):
    """Looks each value's column up in a dict of the training categories: KeyError on a category never seen."""
    matrices = list(_encode(train, test, numeric, []))
    for name in categorical:
        position = {category: i for i, category in enumerate(sorted(set(train[name])))}
        for k, frame in enumerate((train, test)):
            one_hot = np.zeros((len(frame), len(position)))
            one_hot[np.arange(len(frame)), [position[value] for value in frame[name]]] = 1.0
            matrices[k] = np.column_stack([matrices[k], one_hot])
    return tuple(matrices)


def impute_in_place(train, test, numeric, categorical):
    for name in numeric:
        median = train[name].median()
        train[name] = train[name].fillna(median)
        test[name] = test[name].fillna(median)
    return _encode(train, test, numeric, categorical, indicators="none")


def _robust(X_train, X_test, *, center=np.median, spread=None, fit_on_both=False, guard=True):
    X_train, X_test = np.asarray(X_train, float), np.asarray(X_test, float)
    fitted = np.vstack([X_train, X_test]) if fit_on_both else X_train
    middle = center(fitted, axis=0)
    scale = (spread or (lambda X: np.subtract(*np.percentile(X, [75, 25], axis=0))))(fitted)
    if guard:
        scale = np.where(scale == 0, 1.0, scale)
    return (X_train - middle) / scale, (X_test - middle) / scale


def robust_scale_with_train_and_test(X_train, X_test):
    return _robust(X_train, X_test, fit_on_both=True)


def standard_scale(X_train, X_test):
    return _robust(X_train, X_test, center=np.mean, spread=lambda X: X.std(axis=0))


def robust_scale_nearest_percentiles(X_train, X_test):
    return _robust(X_train, X_test,
                   spread=lambda X: np.subtract(*np.percentile(X, [75, 25], axis=0, method="nearest")))


def robust_scale_divides_by_zero(X_train, X_test):
    with np.errstate(divide="ignore", invalid="ignore"):
        return _robust(X_train, X_test, guard=False)


def robust_scale_in_place(X_train, X_test):
    median = np.median(X_train, axis=0)
    iqr = np.subtract(*np.percentile(X_train, [75, 25], axis=0))
    iqr[iqr == 0] = 1.0
    X_train -= median
    X_train /= iqr
    return X_train, (X_test - median) / iqr


WRONG = [
    # (exercise, wrong implementation, phrase its diagnosis must contain)
    ("week01.numerical_gradient", forward_difference, "not accurate enough"),
    ("week01.numerical_gradient", gradient_that_mutates_x, "changed its input x in place"),
    ("week01.numerical_gradient", gradient_of_flat_input_only, "has shape (6,), but shape (2, 3) was expected"),
    ("week01.least_squares", least_squares_without_transpose, "does not match"),
    ("week01.least_squares", least_squares_gram_wrong_side, "has shape"),
    ("week01.gradient_descent", gradient_ascent, "wrong sign"),
    ("week01.gradient_descent", descent_returning_final_point, "should be the whole path"),
    ("week01.gradient_descent", descent_path_without_start, "should be the whole path"),
    ("week01.gradient_descent", descent_one_step_short, "should be the whole path"),
    ("week01.gradient_descent", descent_in_place, "changed its input x0 in place"),
    ("week01.gradient_descent", descent_stalls_one_step_early, "row k should be x_k"),
    ("week01.softmax", naive_softmax, "contains NaN"),
    ("week01.softmax", softmax_over_all_entries, "not normalised"),
    ("week01.softmax", softmax_max_over_all_entries, "NaN"),
    ("week01.logsumexp", naive_logsumexp, "inf"),
    ("week01.logsumexp", logsumexp_forgets_the_shift, "does not match"),
    ("week01.logsumexp", logsumexp_keepdims, "has shape (1,), but a scalar was expected"),
    ("week01.impute_and_encode", impute_with_train_and_test_medians, "the imputed numeric column"),
    ("week01.impute_and_encode", impute_with_the_mean, "the imputed numeric column"),
    ("week01.impute_and_encode", impute_without_indicators, "then one 0/1 indicator for each numeric column"),
    ("week01.impute_and_encode", indicators_for_every_numeric_column, "that has a NaN in the training rows"),
    ("week01.impute_and_encode", one_hot_with_test_categories, "one column per category seen in training"),
    ("week01.impute_and_encode", one_hot_in_order_of_appearance, "(training categories, sorted), is the first wrong column"),
    ("week01.impute_and_encode", one_hot_by_index_lookup, "raised KeyError"),
    ("week01.impute_and_encode", impute_in_place, "changed its input train in place"),
    ("week01.robust_scale", robust_scale_with_train_and_test, "does not match"),
    ("week01.robust_scale", standard_scale, "does not match"),
    ("week01.robust_scale", robust_scale_nearest_percentiles, "does not match"),
    ("week01.robust_scale", robust_scale_divides_by_zero, "NaN"),
    ("week01.robust_scale", robust_scale_in_place, "changed its input X_train in place"),
]


# A whole wrong submission for the nbgrader round trip: answer cells (by grade_id) replaced with
# wrong code, and the test cells that must then score 0 (every other test cell keeps full marks).
WRONG_SUBMISSION = (
    {"softmax": renamed_source(naive_softmax, "softmax"),
     "gradient_descent": renamed_source(gradient_ascent, "gradient_descent"),
     "checkpoint_q1": 'q1_answer = "a"', "checkpoint_q2": "q2_answer = 1000.0",
     "checkpoint_q3": 'q3_answer = "z"', "checkpoint_q4": "q4_answer = (100, 1)"},
    {"softmax_public", "softmax_hidden", "gradient_descent_public", "gradient_descent_hidden", "checkpoint_q1_test",
     "checkpoint_q2_test", "checkpoint_q3_test", "checkpoint_q4_test"},
)
