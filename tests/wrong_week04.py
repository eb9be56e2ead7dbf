"""Plausible wrong implementations of week 04's graded functions, each with the diagnosis it must get.

Every hidden test must fail for at least one of these (tests/test_exercises.py checks it).
"""
import numpy as np
from sklearn.tree import DecisionTreeRegressor

from solutions import renamed_source


# ----------------------------------------------------------------------------- bootstrap_oob

def _oob_of(samples):
    in_bag = np.zeros(samples.shape, dtype=bool)
    in_bag[np.arange(samples.shape[0])[:, None], samples] = True
    return ~in_bag


def bootstrap_as_permutation(n_samples, n_trees, seed):
    rng = np.random.default_rng(seed)
    samples = np.array([rng.permutation(n_samples) for _ in range(n_trees)])   # without replacement
    return samples, _oob_of(samples)


def bootstrap_from_global_state(n_samples, n_trees, seed):
    samples = np.random.randint(0, n_samples, size=(n_trees, n_samples))      # ignores the seed
    return samples, _oob_of(samples)


def bootstrap_upper_bound_off_by_one(n_samples, n_trees, seed):
    rng = np.random.default_rng(seed)
    samples = rng.integers(0, max(n_samples - 1, 1), size=(n_trees, n_samples))
    return samples, _oob_of(samples)


def bootstrap_oob_inverted(n_samples, n_trees, seed):
    samples = np.random.default_rng(seed).integers(0, n_samples, size=(n_trees, n_samples))
    return samples, ~_oob_of(samples)                                           # the in-bag mask


def bootstrap_same_sample_for_every_tree(n_samples, n_trees, seed):
    one = np.random.default_rng(seed).integers(0, n_samples, size=n_samples)
    samples = np.tile(one, (n_trees, 1))
    return samples, _oob_of(samples)


# ----------------------------------------------------------------------------- hinge_loss_and_gradient

def hinge_averaged(w, b, X, y, C):
    margins = y * (X @ w + b)
    active = margins < 1
    loss = 0.5 * w @ w + C * np.maximum(0, 1 - margins).mean()
    return loss, w - C * (y[active] @ X[active]) / len(y), -C * y[active].sum() / len(y)


def hinge_gradient_without_regulariser(w, b, X, y, C):
    margins = y * (X @ w + b)
    active = margins < 1
    return 0.5 * w @ w + C * np.maximum(0, 1 - margins).sum(), -C * (y[active] @ X[active]), -C * y[active].sum()


def hinge_perceptron_kink(w, b, X, y, C):
    margins = y * (X @ w + b)
    active = margins < 0                                   # the kink is at margin 1, not 0
    return 0.5 * w @ w + C * np.maximum(0, 1 - margins).sum(), w - C * (y[active] @ X[active]), -C * y[active].sum()


def hinge_bias_gradient_sign(w, b, X, y, C):
    margins = y * (X @ w + b)
    active = margins < 1
    return 0.5 * w @ w + C * np.maximum(0, 1 - margins).sum(), w - C * (y[active] @ X[active]), C * y[active].sum()


# ----------------------------------------------------------------------------- rbf_kernel_matrix

def rbf_without_square(X, Y, gamma):
    distances = np.sqrt(((X[:, None, :] - Y[None, :, :]) ** 2).sum(-1))
    return np.exp(-gamma * distances)


def rbf_with_sigma_convention(X, Y, gamma):
    return np.exp(-((X[:, None, :] - Y[None, :, :]) ** 2).sum(-1) / (2 * gamma))


def rbf_transposed(X, Y, gamma):
    return np.exp(-gamma * ((Y[:, None, :] - X[None, :, :]) ** 2).sum(-1))


# ----------------------------------------------------------------------------- gradient_boosting

def _boosting(X, y, X_eval, n_estimators, learning_rate, max_depth, random_state, *, start=None, shrink=True,
              residuals=True, shared_rng=True, keep_initial=False, final_only=False):
    rng = np.random.RandomState(random_state)
    start = np.mean(y) if start is None else start
    fit, current = np.full(len(y), start), np.full(len(X_eval), start)
    staged = [current] if keep_initial else []
    for _ in range(n_estimators):
        tree = DecisionTreeRegressor(max_depth=max_depth, random_state=rng if shared_rng else random_state)
        tree.fit(X, y - fit if residuals else y)
        step = learning_rate if shrink else 1.0
        fit = fit + step * tree.predict(X)
        current = current + step * tree.predict(X_eval)
        staged.append(current)
    return current if final_only else np.array(staged)


def boosting_from_zero(X, y, X_eval, n_estimators, learning_rate, max_depth, random_state=0):
    return _boosting(X, y, X_eval, n_estimators, learning_rate, max_depth, random_state, start=0.0)


def boosting_without_learning_rate(X, y, X_eval, n_estimators, learning_rate, max_depth, random_state=0):
    return _boosting(X, y, X_eval, n_estimators, learning_rate, max_depth, random_state, shrink=False)


def boosting_on_targets(X, y, X_eval, n_estimators, learning_rate, max_depth, random_state=0):
    return _boosting(X, y, X_eval, n_estimators, learning_rate, max_depth, random_state, residuals=False)


def boosting_with_a_seed_per_tree(X, y, X_eval, n_estimators, learning_rate, max_depth, random_state=0):
    return _boosting(X, y, X_eval, n_estimators, learning_rate, max_depth, random_state, shared_rng=False)


def boosting_keeping_the_initial_row(X, y, X_eval, n_estimators, learning_rate, max_depth, random_state=0):
    return _boosting(X, y, X_eval, n_estimators, learning_rate, max_depth, random_state, keep_initial=True)


def boosting_final_prediction_only(X, y, X_eval, n_estimators, learning_rate, max_depth, random_state=0):
    return _boosting(X, y, X_eval, n_estimators, learning_rate, max_depth, random_state, final_only=True)


# ----------------------------------------------------------------------------- kfold_test_folds

def _stratified(y, n_splits, *, sorted_classes=False, round_robin_within=False):
    _, first, codes = np.unique(y, return_index=True, return_inverse=True)
    if not sorted_classes:
        codes = np.argsort(np.argsort(first))[codes]
    quota = np.array([np.bincount(np.sort(codes)[k::n_splits], minlength=len(first)) for k in range(n_splits)])
    folds = np.empty(len(y), dtype=int)
    for c in range(len(first)):
        members = codes == c
        folds[members] = (np.arange(members.sum()) % n_splits if round_robin_within
                          else np.repeat(np.arange(n_splits), quota[:, c]))
    return folds


def kfold_remainder_in_last_fold(y, n_splits, stratified=False):
    n = len(y)
    folds = np.minimum(np.arange(n) // (n // n_splits), n_splits - 1)
    return _stratified(y, n_splits) if stratified else folds


def kfold_round_robin(y, n_splits, stratified=False):
    return _stratified(y, n_splits) if stratified else np.arange(len(y)) % n_splits


def kfold_ignoring_stratified(y, n_splits, stratified=False):
    sizes = np.full(n_splits, len(y) // n_splits)
    sizes[: len(y) % n_splits] += 1
    return np.repeat(np.arange(n_splits), sizes)


def stratified_with_sorted_classes(y, n_splits, stratified=False):
    plain = kfold_ignoring_stratified(y, n_splits)
    return _stratified(y, n_splits, sorted_classes=True) if stratified else plain


def stratified_dealing_each_class(y, n_splits, stratified=False):
    plain = kfold_ignoring_stratified(y, n_splits)
    return _stratified(y, n_splits, round_robin_within=True) if stratified else plain


# ----------------------------------------------------------------------------- scaled_cv_scores

def _cv(X, y, folds, make_model, statistics):
    scores = []
    for train, test in folds:
        (mean, std), (test_mean, test_std) = statistics(X, train, test)
        model = make_model().fit((X[train] - mean) / std, y[train])
        scores.append(model.score((X[test] - test_mean) / test_std, y[test]))
    return np.array(scores)


def _stats(rows, ddof=0):
    std = rows.std(axis=0, ddof=ddof)
    return rows.mean(axis=0), np.where(std == 0, 1.0, std)


def leaky_scaled_cv_scores(X, y, folds, make_model):
    """Scale first, split later: the bug the exercise fixes."""
    return _cv(X, y, folds, make_model, lambda X, train, test: (_stats(X), _stats(X)))


def cv_scaling_test_fold_with_its_own_statistics(X, y, folds, make_model):
    return _cv(X, y, folds, make_model, lambda X, train, test: (_stats(X[train]), _stats(X[test])))


def cv_without_scaling(X, y, folds, make_model):
    return _cv(X, y, folds, make_model, lambda X, train, test: ((0.0, 1.0), (0.0, 1.0)))


def cv_scaling_with_ddof_1(X, y, folds, make_model):
    return _cv(X, y, folds, make_model, lambda X, train, test: (_stats(X[train], 1), _stats(X[train], 1)))


def cv_scaling_in_place(X, y, folds, make_model):
    scores = []
    for train, test in folds:
        mean, std = _stats(X[train])
        X -= mean                                   # modifies the caller's X
        X /= std
        scores.append(make_model().fit(X[train], y[train]).score(X[test], y[test]))
    return np.array(scores)


WRONG = [
    # (exercise, wrong implementation, phrase its diagnosis must contain)
    ("week04.bootstrap_oob", bootstrap_as_permutation, "drawing without replacement"),
    ("week04.bootstrap_oob", bootstrap_from_global_state, "two calls with the same seed gave different samples"),
    ("week04.bootstrap_oob", bootstrap_upper_bound_off_by_one, "is never drawn"),
    ("week04.bootstrap_oob", bootstrap_oob_inverted, "must be True exactly when index i does not appear"),
    ("week04.bootstrap_oob", bootstrap_same_sample_for_every_tree, "every tree got the same bootstrap sample"),
    ("week04.hinge_loss_and_gradient", hinge_averaged, "it averages the hinge losses"),
    ("week04.hinge_loss_and_gradient", hinge_gradient_without_regulariser, "regulariser's gradient w is missing"),
    ("week04.hinge_loss_and_gradient", hinge_perceptron_kink, "margin below 0"),
    ("week04.hinge_loss_and_gradient", hinge_bias_gradient_sign, "grad_b"),
    ("week04.rbf_kernel_matrix", rbf_without_square, "does not match"),
    ("week04.rbf_kernel_matrix", rbf_with_sigma_convention, "does not match"),
    ("week04.rbf_kernel_matrix", rbf_transposed, "it is the transpose of the expected result"),
    ("week04.gradient_boosting", boosting_from_zero, "it starts from 0"),
    ("week04.gradient_boosting", boosting_without_learning_rate, "multiply each tree's prediction by learning_rate"),
    ("week04.gradient_boosting", boosting_on_targets, "fit each tree to the residuals"),
    ("week04.gradient_boosting", boosting_with_a_seed_per_tree, "pass random_state=rng to every tree"),
    ("week04.gradient_boosting", boosting_keeping_the_initial_row, "leave out the initial constant prediction"),
    ("week04.gradient_boosting", boosting_final_prediction_only, "return the prediction after every stage"),
    ("week04.kfold_test_folds", kfold_remainder_in_last_fold, "the first n % n_splits folds get one more"),
    ("week04.kfold_test_folds", kfold_round_robin, "test folds are contiguous blocks"),
    ("week04.kfold_test_folds", kfold_ignoring_stratified, "these are plain k-fold blocks"),
    ("week04.kfold_test_folds", stratified_with_sorted_classes, "in order of first appearance"),
    ("week04.kfold_test_folds", stratified_dealing_each_class, "dealt round-robin"),
    ("week04.scaled_cv_scores", leaky_scaled_cv_scores, "fitted on all of X before splitting"),
    ("week04.scaled_cv_scores", cv_scaling_test_fold_with_its_own_statistics, "with its own mean and std"),
    ("week04.scaled_cv_scores", cv_without_scaling, "scores of the unscaled data"),
    ("week04.scaled_cv_scores", cv_scaling_with_ddof_1, "ddof=1"),
    ("week04.scaled_cv_scores", cv_scaling_in_place, "changed its input X in place"),
]


LEAKY_SUBMISSION = """\
def scaled_cv_scores(X, y, folds, make_model):
    std = X.std(axis=0)
    X_scaled = (X - X.mean(axis=0)) / np.where(std == 0, 1.0, std)   # scaled before splitting: leaks
    scores = []
    for train, test in folds:
        model = make_model().fit(X_scaled[train], y[train])
        scores.append(model.score(X_scaled[test], y[test]))
    return np.array(scores)
"""

# A whole wrong submission for the nbgrader round trip: answer cells (by grade_id) replaced with
# wrong code, and the test cells that must then score 0 (every other test cell keeps full marks).
WRONG_SUBMISSION = (
    {"scaled_cv_scores": LEAKY_SUBMISSION,
     "rbf_kernel_matrix": renamed_source(rbf_with_sigma_convention, "rbf_kernel_matrix"),
     "checkpoint_q1": 'q1_answer = "a"', "checkpoint_q3": "q3_answer = 0.25"},
    {"scaled_cv_scores_public", "scaled_cv_scores_hidden", "rbf_kernel_matrix_public", "rbf_kernel_matrix_hidden",
     "checkpoint_q1_test", "checkpoint_q3_test"},
)
