"""Plausible wrong implementations of week 03's graded functions, each with the diagnosis it must get.

Every hidden test must fail for at least one of these (tests/test_exercises.py checks it).
"""
import numpy as np

from solutions import renamed_source


# ----------------------------------------------------------------------------- ridge_fit


def ridge_penalising_intercept(X, y, alpha):
    A = np.column_stack([X, np.ones(len(y))])          # the intercept column inside the penalty
    theta = np.linalg.solve(A.T @ A + alpha * np.eye(A.shape[1]), A.T @ y)
    return theta[:-1], float(theta[-1])


def ridge_with_mean_squared_error(X, y, alpha):
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    coef = np.linalg.solve(Xc.T @ Xc / len(y) + alpha * np.eye(X.shape[1]), Xc.T @ yc / len(y))
    return coef, float(y.mean() - X.mean(axis=0) @ coef)


def ridge_without_intercept(X, y, alpha):
    coef = np.linalg.solve(X.T @ X + alpha * np.eye(X.shape[1]), X.T @ y)
    return coef, 0.0


def ridge_returning_coef_only(X, y, alpha):
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    return np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ yc)


def ridge_centring_in_place(X, y, alpha):
    x_mean, y_mean = X.mean(axis=0), y.mean()
    X -= x_mean                                          # writes into the caller's array
    coef = np.linalg.solve(X.T @ X + alpha * np.eye(X.shape[1]), X.T @ (y - y_mean))
    return coef, float(y_mean - x_mean @ coef)


# ----------------------------------------------------------------------------- regression_metrics


def _metrics(y_true, y_pred, mape):
    errors = y_true - y_pred
    mse = np.mean(errors ** 2)
    return {"mse": mse, "rmse": np.sqrt(mse), "mae": np.mean(np.abs(errors)),
            "r2": 1 - np.sum(errors ** 2) / np.sum((y_true - y_true.mean()) ** 2), "mape": mape}


def mape_in_percent(y_true, y_pred):
    return _metrics(y_true, y_pred, 100 * np.mean(np.abs(y_true - y_pred) / np.abs(y_true)))


def mape_dividing_by_signed_y(y_true, y_pred):
    return _metrics(y_true, y_pred, np.mean(np.abs(y_true - y_pred) / y_true))


def r2_without_centring(y_true, y_pred):
    result = _metrics(y_true, y_pred, np.mean(np.abs(y_true - y_pred) / np.abs(y_true)))
    result["r2"] = 1 - np.sum((y_true - y_pred) ** 2) / np.sum(y_true ** 2)
    return result


def rmse_as_mean_of_roots(y_true, y_pred):
    result = _metrics(y_true, y_pred, np.mean(np.abs(y_true - y_pred) / np.abs(y_true)))
    result["rmse"] = np.mean(np.sqrt(np.abs(y_true - y_pred)))
    return result


def regression_metrics_as_tuple(y_true, y_pred):
    return tuple(_metrics(y_true, y_pred, np.mean(np.abs(y_true - y_pred) / np.abs(y_true))).values())


# ----------------------------------------------------------------------------- logistic_loss_and_grad


def _sigmoid(z):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


def logistic_loss_naive_log(w, b, X, y):
    p = _sigmoid(X @ w + b)
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    return loss, X.T @ (p - y) / len(y), np.mean(p - y)


def logistic_loss_summed(w, b, X, y):
    z = X @ w + b
    p = _sigmoid(z)
    return np.sum(np.logaddexp(0, -(2 * y - 1) * z)), X.T @ (p - y) / len(y), np.mean(p - y)


def logistic_gradient_wrong_sign(w, b, X, y):
    z = X @ w + b
    p = _sigmoid(z)
    return np.mean(np.logaddexp(0, -(2 * y - 1) * z)), X.T @ (y - p) / len(y), np.mean(y - p)


def logistic_gradient_without_mean(w, b, X, y):
    z = X @ w + b
    p = _sigmoid(z)
    return np.mean(np.logaddexp(0, -(2 * y - 1) * z)), X.T @ (p - y), np.sum(p - y)


def logistic_loss_clipped(w, b, X, y):
    p = np.clip(_sigmoid(X @ w + b), 1e-15, 1 - 1e-15)  # sklearn's log_loss trick: finite, but wrong here
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    return loss, X.T @ (p - y) / len(y), np.mean(p - y)


# ----------------------------------------------------------------------------- logistic_fit


def _newton(X, y, C, penalise_intercept=False, loss_weight=None):
    """Damped Newton on 0.5 * ||theta||² (b optionally penalised) + weight * sum log loss."""
    n, d = X.shape
    weight = C if loss_weight is None else loss_weight
    A = np.column_stack([X, np.ones(n)])
    penalty = np.r_[np.ones(d), 1.0 if penalise_intercept else 0.0]
    theta = np.zeros(d + 1)
    for _ in range(100):
        p = _sigmoid(A @ theta)
        gradient = penalty * theta + weight * A.T @ (p - y)
        hessian = np.diag(penalty) + weight * (A.T * (p * (1 - p))) @ A
        theta = theta - np.linalg.solve(hessian, gradient)
    return theta[:d], float(theta[d])


def logistic_fit_penalising_intercept(X, y, C=1.0):
    return _newton(X, y, C, penalise_intercept=True)


def logistic_fit_with_mean_loss(X, y, C=1.0):
    return _newton(X, y, C, loss_weight=C / len(y))


def logistic_fit_with_C_as_penalty(X, y, C=1.0):
    return _newton(X, y, C, loss_weight=1.0 / C)


def logistic_fit_too_few_steps(X, y, C=1.0):
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(100):
        p = _sigmoid(X @ w + b)
        w, b = w - 0.001 * (w + C * X.T @ (p - y)), b - 0.001 * C * np.sum(p - y)
    return w, b


def logistic_fit_returning_theta(X, y, C=1.0):
    w, b = _newton(X, y, C)
    return np.r_[w, b]


# ----------------------------------------------------------------------------- best_split


def _candidate_scores(X, y, criterion, weighted=True, midpoints=True, skip_ties=True):
    classes = np.unique(y)
    best = (np.inf, None, None)
    for j in range(X.shape[1]):
        order = np.argsort(X[:, j], kind="stable")
        values, labels = X[order, j], y[order]
        for i in range(len(y) - 1):
            if skip_ties and values[i] == values[i + 1]:
                continue
            sides = (labels[: i + 1], labels[i + 1:])
            impurities = []
            for side in sides:
                p = np.array([np.mean(side == c) for c in classes])
                impurities.append(1 - np.sum(p ** 2) if criterion == "gini"
                                  else -np.sum(p[p > 0] * np.log2(p[p > 0])))
            score = ((len(sides[0]) * impurities[0] + len(sides[1]) * impurities[1]) / len(y) if weighted
                     else (impurities[0] + impurities[1]) / 2)
            if score < best[0]:
                threshold = (values[i] + values[i + 1]) / 2 if midpoints else values[i]
                best = (score, j, threshold)
    return best


def split_at_data_value(X, y, criterion="gini"):
    _, feature, threshold = _candidate_scores(X, y, criterion, midpoints=False)
    return feature, float(threshold)


def split_with_unweighted_children(X, y, criterion="gini"):
    _, feature, threshold = _candidate_scores(X, y, criterion, weighted=False)
    return feature, float(threshold)


def split_ignoring_criterion(X, y, criterion="gini"):
    _, feature, threshold = _candidate_scores(X, y, "gini")
    return feature, float(threshold)


def split_between_equal_values(X, y, criterion="gini"):
    _, feature, threshold = _candidate_scores(X, y, criterion, skip_ties=False)
    return feature, float(threshold)


def split_feature_as_float(X, y, criterion="gini"):
    _, feature, threshold = _candidate_scores(X, y, criterion)
    return float(feature), float(threshold)            # e.g. taken out of a float array [j, t]


# ----------------------------------------------------------------------------- classification_metrics


def _counts(y_true, y_pred):
    tp = np.sum((y_true == 1) & (y_pred == 1))
    fp = np.sum((y_true == 0) & (y_pred == 1))
    fn = np.sum((y_true == 1) & (y_pred == 0))
    return tp, fp, fn, np.mean(y_true == y_pred)


def metrics_dividing_by_zero(y_true, y_pred):
    tp, fp, fn, accuracy = _counts(y_true, y_pred)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision, recall = np.float64(tp) / (tp + fp), np.float64(tp) / (tp + fn)
        f1 = 2 * precision * recall / (precision + recall)
    return {"accuracy": accuracy, "precision": precision, "recall": recall, "f1": f1}


def metrics_precision_recall_swapped(y_true, y_pred):
    tp, fp, fn, accuracy = _counts(y_true, y_pred)
    recall, precision = (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"accuracy": accuracy, "precision": precision, "recall": recall, "f1": f1}


def metrics_f1_arithmetic_mean(y_true, y_pred):
    tp, fp, fn, accuracy = _counts(y_true, y_pred)
    precision, recall = (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)
    return {"accuracy": accuracy, "precision": precision, "recall": recall, "f1": (precision + recall) / 2}


# ----------------------------------------------------------------------------- roc_auc


def auc_ignoring_ties(y_true, scores):
    positives, negatives = scores[y_true == 1], scores[y_true == 0]
    return float(np.mean(positives[:, None] > negatives[None, :]))


def auc_reversed(y_true, scores):
    positives, negatives = scores[y_true == 1], scores[y_true == 0]
    wins = (positives[:, None] < negatives[None, :]) + 0.5 * (positives[:, None] == negatives[None, :])
    return float(np.mean(wins))


def auc_over_all_pairs(y_true, scores):
    positives, negatives = scores[y_true == 1], scores[y_true == 0]
    wins = (positives[:, None] > negatives[None, :]) + 0.5 * (positives[:, None] == negatives[None, :])
    return float(wins.sum() / len(scores) ** 2 * 4)     # n²/4 is n₊n₋ only for balanced classes


WRONG = [
    # (exercise, wrong implementation, phrase its diagnosis must contain)
    ("week03.ridge_fit", ridge_penalising_intercept, "penalises the intercept"),
    ("week03.ridge_fit", ridge_with_mean_squared_error, "penalty alpha * n"),
    ("week03.ridge_fit", ridge_without_intercept, "coef (the first value returned by ridge_fit)"),
    ("week03.ridge_fit", ridge_returning_coef_only, "should be a tuple (coef, intercept)"),
    ("week03.ridge_fit", ridge_centring_in_place, "changed its input X in place"),
    ("week03.regression_metrics", mape_in_percent, "100 times the expected value"),
    ("week03.regression_metrics", mape_dividing_by_signed_y, "divide by |y|"),
    ("week03.regression_metrics", r2_without_centring, "around the mean of y_true"),
    ("week03.regression_metrics", rmse_as_mean_of_roots, "square root of the MSE"),
    ("week03.regression_metrics", regression_metrics_as_tuple, "should be a dict"),
    ("week03.logistic_loss_and_grad", logistic_loss_naive_log, "np.logaddexp"),
    ("week03.logistic_loss_and_grad", logistic_loss_summed, "not the sum"),
    ("week03.logistic_loss_and_grad", logistic_gradient_wrong_sign,
     "grad_w (the second value returned) has the wrong sign"),
    ("week03.logistic_loss_and_grad", logistic_gradient_without_mean, "so its gradient is divided by n too"),
    ("week03.logistic_loss_and_grad", logistic_loss_clipped, "np.logaddexp"),
    ("week03.logistic_fit", logistic_fit_penalising_intercept, "penalises the intercept"),
    ("week03.logistic_fit", logistic_fit_with_mean_loss, "multiplies the *mean* log loss by C"),
    ("week03.logistic_fit", logistic_fit_with_C_as_penalty, "uses C as the penalty strength"),
    ("week03.logistic_fit", logistic_fit_too_few_steps, "is not the minimiser"),
    ("week03.logistic_fit", logistic_fit_returning_theta, "should be a tuple (w, b)"),
    ("week03.best_split", split_at_data_value, "is one of the data values"),
    ("week03.best_split", split_with_unweighted_children, "is not the best one"),
    ("week03.best_split", split_ignoring_criterion, "is not the best one"),
    ("week03.best_split", split_between_equal_values, "is one of the data values"),
    ("week03.best_split", split_feature_as_float, "should be an int"),
    ("week03.classification_metrics", metrics_dividing_by_zero, "zero_division=0"),
    ("week03.classification_metrics", metrics_precision_recall_swapped, "equals the other one of precision/recall"),
    ("week03.classification_metrics", metrics_f1_arithmetic_mean, "harmonic mean"),
    ("week03.roc_auc", auc_ignoring_ties, "a tied pair counts ½"),
    ("week03.roc_auc", auc_reversed, "1 − AUC"),
    ("week03.roc_auc", auc_over_all_pairs, "does not match"),
]


# A whole wrong submission for the nbgrader round trip: answer cells (by grade_id) replaced with
# wrong code, and the test cells that must then score 0 (every other test cell keeps full marks).
WRONG_SUBMISSION = (
    {"ridge_fit": renamed_source(ridge_penalising_intercept, "ridge_fit"),
     "roc_auc": renamed_source(auc_ignoring_ties, "roc_auc"),
     "checkpoint_q1": 'q1_answer = "a"', "checkpoint_q2": "q2_answer = 0.8",
     "checkpoint_q3": 'q3_answer = "z"'},
    {"ridge_fit_public", "ridge_fit_hidden", "roc_auc_public", "roc_auc_hidden", "checkpoint_q1_test",
     "checkpoint_q2_test", "checkpoint_q3_test"},
)


# ----------------------------------------------------------------------------- softmax_regression (§10)


def _softmax_rows(Z):
    Z = Z - Z.max(axis=1, keepdims=True)
    P = np.exp(Z)
    return P / P.sum(axis=1, keepdims=True)


def _softmax_descent(X, y, n_classes, alpha, lr, n_steps, probabilities=_softmax_rows, divide=True,
                     penalty=1.0, penalise_b=False):
    n = len(y)
    Y = np.eye(n_classes)[y]
    W, b = np.zeros((X.shape[1], n_classes)), np.zeros(n_classes)
    for _ in range(n_steps):
        G = (probabilities(X @ W + b) - Y) / (n if divide else 1)
        W, b = W - lr * (X.T @ G + penalty * alpha * W), b - lr * (G.sum(axis=0) + (alpha * b if penalise_b else 0))
    return W, b


def softmax_penalising_b(X, y, n_classes, alpha, lr, n_steps):
    return _softmax_descent(X, y, n_classes, alpha, lr, n_steps, penalise_b=True)


def softmax_penalty_without_half(X, y, n_classes, alpha, lr, n_steps):
    return _softmax_descent(X, y, n_classes, alpha, lr, n_steps, penalty=2.0)   # gradient of alpha‖W‖²


def softmax_gradient_not_divided_by_n(X, y, n_classes, alpha, lr, n_steps):
    with np.errstate(all="ignore"):
        return _softmax_descent(X, y, n_classes, alpha, lr, n_steps, divide=False)


def softmax_without_penalty(X, y, n_classes, alpha, lr, n_steps):
    return _softmax_descent(X, y, n_classes, 0.0, lr, n_steps)


def softmax_as_independent_sigmoids(X, y, n_classes, alpha, lr, n_steps):
    """One-vs-rest logistic regressions trained side by side: not the multinomial model."""
    return _softmax_descent(X, y, n_classes, alpha, lr, n_steps, probabilities=lambda Z: 1 / (1 + np.exp(-Z)))


def softmax_returning_W_only(X, y, n_classes, alpha, lr, n_steps):
    return _softmax_descent(X, y, n_classes, alpha, lr, n_steps)[0]


# ----------------------------------------------------------------------------- averaged_scores (§10)


def _per_class(y_true, y_pred, labels):
    tp = np.array([np.sum((y_true == c) & (y_pred == c)) for c in labels], dtype=float)
    predicted = np.array([np.sum(y_pred == c) for c in labels], dtype=float)
    support = np.array([np.sum(y_true == c) for c in labels], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision, recall, f1 = tp / predicted, tp / support, 2 * tp / (predicted + support)
    return tp, predicted, support, precision, recall, f1


def _zero(values):
    return np.nan_to_num(values, nan=0.0)


def scores_micro_as_macro(y_true, y_pred, labels, average):
    tp, predicted, support, precision, recall, f1 = _per_class(y_true, y_pred, labels)
    if average == "weighted":
        return tuple(float(np.sum(support * _zero(v)) / support.sum()) for v in (precision, recall, f1))
    return tuple(float(np.mean(_zero(v))) for v in (precision, recall, f1))     # "micro" falls through to macro


def scores_weighted_by_predictions(y_true, y_pred, labels, average):
    tp, predicted, support, precision, recall, f1 = _per_class(y_true, y_pred, labels)
    if average == "micro":
        return tp.sum() / predicted.sum(), tp.sum() / support.sum(), 2 * tp.sum() / (predicted.sum() + support.sum())
    weights = predicted if average == "weighted" else np.ones(len(labels))
    return tuple(float(np.sum(weights * _zero(v)) / weights.sum()) for v in (precision, recall, f1))


def scores_zero_division_nan(y_true, y_pred, labels, average):
    tp, predicted, support, precision, recall, f1 = _per_class(y_true, y_pred, labels)
    if average == "micro":
        return tp.sum() / predicted.sum(), tp.sum() / support.sum(), 2 * tp.sum() / (predicted.sum() + support.sum())
    weights = support if average == "weighted" else np.ones(len(labels))
    return tuple(float(np.sum(weights * v) / weights.sum()) for v in (precision, recall, f1))   # NaN spreads


def scores_macro_f1_from_averages(y_true, y_pred, labels, average):
    tp, predicted, support, precision, recall, f1 = _per_class(y_true, y_pred, labels)
    if average == "micro":
        return tp.sum() / predicted.sum(), tp.sum() / support.sum(), 2 * tp.sum() / (predicted.sum() + support.sum())
    weights = support if average == "weighted" else np.ones(len(labels))
    p, r = (float(np.sum(weights * _zero(v)) / weights.sum()) for v in (precision, recall))
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# ----------------------------------------------------------------------------- confusion_matrix_multiclass (§10)


def confusion_transposed(y_true, y_pred, labels):
    index = {label: k for k, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for t, p in zip(y_true, y_pred):
        matrix[index[p], index[t]] += 1                   # rows predicted, columns actual
    return matrix


def confusion_in_sorted_order(y_true, y_pred, labels):
    ordered = sorted(labels)                              # ignores the order asked for
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for t, p in zip(y_true, y_pred):
        matrix[ordered.index(t), ordered.index(p)] += 1
    return matrix


WRONG += [
    ("week03.softmax_regression", softmax_penalising_b, "penalises the intercepts b"),
    ("week03.softmax_regression", softmax_penalty_without_half, "whose gradient is 2·alpha·W"),
    ("week03.softmax_regression", softmax_gradient_not_divided_by_n, "divide the gradient"),
    ("week03.softmax_regression", softmax_without_penalty, "Compared with LogisticRegression(C = 1/(alpha·n))"),
    ("week03.softmax_regression", softmax_as_independent_sigmoids, "the class probabilities softmax(X @ W + b)"),
    ("week03.softmax_regression", softmax_returning_W_only, "should be a tuple (W, b)"),
    ("week03.averaged_scores", scores_micro_as_macro, "it is the macro average"),
    ("week03.averaged_scores", scores_weighted_by_predictions, "how often it is *predicted*"),
    ("week03.averaged_scores", scores_zero_division_nan, "zero_division=0"),
    ("week03.averaged_scores", scores_macro_f1_from_averages, "macro F1 is the mean of the per-class F1 scores"),
    ("week03.confusion_matrix_multiclass", confusion_transposed, "It is the transpose"),
    ("week03.confusion_matrix_multiclass", confusion_in_sorted_order, "in the wrong places"),
]


# ----------------------------------------------------------------------------- lasso_cd (§3)


def _lasso_sweeps(X, y, threshold, *, centre=True, shrink=None, sweeps=3000):
    """Cyclic coordinate descent with a chosen threshold; ``shrink`` replaces the soft-threshold (a ridge-like
    step); ``centre=False`` fits no intercept."""
    X, y = np.asarray(X, float), np.asarray(y, float)
    n, d = X.shape
    Xc, yc = (X - X.mean(axis=0), y - y.mean()) if centre else (X, y)
    norms = (Xc ** 2).sum(axis=0) / n
    w = np.zeros(d)
    for _ in range(sweeps):
        for j in range(d):
            rho = Xc[:, j] @ (yc - Xc @ w) / n + norms[j] * w[j]
            w[j] = shrink(rho, norms[j]) if shrink else np.sign(rho) * max(abs(rho) - threshold, 0) / norms[j]
    return w, float(y.mean() - X.mean(axis=0) @ w) if centre else 0.0


def lasso_sum_of_squares(X, y, alpha):
    return _lasso_sweeps(X, y, alpha / len(y))         # minimises ½||r||² + alpha||w||₁ (threshold alpha·n too small)


def lasso_without_half(X, y, alpha):
    return _lasso_sweeps(X, y, alpha / 2)              # (1/n)||r||² + alpha||w||₁


def lasso_without_intercept(X, y, alpha):
    return _lasso_sweeps(X, y, alpha, centre=False)


def lasso_shrinks_like_ridge(X, y, alpha):
    return _lasso_sweeps(X, y, alpha, shrink=lambda rho, norm: rho / (norm + alpha))


WRONG += [
    ("week03.lasso_cd", lasso_sum_of_squares, "without the 1/n"),
    ("week03.lasso_cd", lasso_without_half, "without the ½"),
    ("week03.lasso_cd", lasso_without_intercept, "fits no intercept"),
    ("week03.lasso_cd", lasso_shrinks_like_ridge, "sets exactly to 0"),
]


# ----------------------------------------------------------------------------- tfidf (§11, the spam project)


def _tfidf(counts, idf, idf_rule, norm):
    counts = np.asarray(counts, dtype=float)
    if idf is None:
        n, df = len(counts), (counts > 0).sum(axis=0)
        with np.errstate(divide="ignore"):
            idf = idf_rule(n, df, counts)
    weights = counts * idf
    scale = norm(weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(scale > 0, weights / np.where(scale > 0, scale, 1), 0.0), idf


def _l2_rows(w):
    return np.linalg.norm(w, axis=1, keepdims=True)


def _smooth(n, df, counts):
    return np.log((1 + n) / (1 + df)) + 1


def tfidf_unsmoothed(counts, idf=None):
    return _tfidf(counts, idf, lambda n, df, c: np.log(n / df) + 1, _l2_rows)


def tfidf_without_plus_one(counts, idf=None):
    return _tfidf(counts, idf, lambda n, df, c: np.log((1 + n) / (1 + df)), _l2_rows)


def tfidf_total_counts_as_df(counts, idf=None):
    return _tfidf(counts, idf, lambda n, df, c: np.log((1 + n) / (1 + c.sum(axis=0))) + 1, _l2_rows)


def tfidf_l1_rows(counts, idf=None):
    return _tfidf(counts, idf, _smooth, lambda w: np.abs(w).sum(axis=1, keepdims=True))


def tfidf_per_column(counts, idf=None):
    return _tfidf(counts, idf, _smooth, lambda w: np.linalg.norm(w, axis=0, keepdims=True))


def tfidf_refits_idf_on_new_documents(counts, idf=None):
    return _tfidf(counts, None, _smooth, _l2_rows)      # ignores the idf it is given


WRONG += [
    ("week03.tfidf", tfidf_unsmoothed, "without the smoothing"),
    ("week03.tfidf", tfidf_without_plus_one, "without the + 1"),
    ("week03.tfidf", tfidf_total_counts_as_df, "the total count of the word"),
    ("week03.tfidf", tfidf_l1_rows, "L1 norm"),
    ("week03.tfidf", tfidf_per_column, "per column"),
    ("week03.tfidf", tfidf_refits_idf_on_new_documents, "new documents given the training idf"),
]
