"""Plausible wrong implementations of week 06's graded functions, each with the diagnosis it must get.

Every hidden test must fail for at least one of these (tests/test_exercises.py checks it).
"""
import itertools

import numpy as np

from solutions import renamed_source


# ----------------------------------------------------------------------------- pca

def pca_without_centring(X, k):
    _, S, Vt = np.linalg.svd(X, full_matrices=False)                  # forgot to subtract the mean
    return Vt[:k], S[:k] ** 2 / np.sum(S ** 2), X @ Vt[:k].T


def pca_components_as_columns(X, k):
    centred = X - X.mean(axis=0)
    _, S, Vt = np.linalg.svd(centred, full_matrices=False)
    return Vt[:k].T, S[:k] ** 2 / np.sum(S ** 2), centred @ Vt[:k].T


def pca_ratio_of_kept_components(X, k):
    centred = X - X.mean(axis=0)
    _, S, Vt = np.linalg.svd(centred, full_matrices=False)
    return Vt[:k], S[:k] ** 2 / np.sum(S[:k] ** 2), centred @ Vt[:k].T   # normalised over the k kept only


def pca_ratio_from_singular_values(X, k):
    centred = X - X.mean(axis=0)
    _, S, Vt = np.linalg.svd(centred, full_matrices=False)
    return Vt[:k], S[:k] / np.sum(S), centred @ Vt[:k].T


def pca_by_eigh_ascending(X, k):
    centred = X - X.mean(axis=0)
    values, vectors = np.linalg.eigh(np.cov(centred, rowvar=False))  # eigh sorts ascending
    top = vectors[:, -k:].T                                          # the right components, in reverse order
    return top, values[-k:] / values.sum(), centred @ top.T


def pca_components_scaled_by_singular_values(X, k):
    centred = X - X.mean(axis=0)
    _, S, Vt = np.linalg.svd(centred, full_matrices=False)
    return S[:k, None] * Vt[:k], S[:k] ** 2 / np.sum(S ** 2), centred @ Vt[:k].T


def pca_projecting_raw_data(X, k):
    centred = X - X.mean(axis=0)
    _, S, Vt = np.linalg.svd(centred, full_matrices=False)
    return Vt[:k], S[:k] ** 2 / np.sum(S ** 2), X @ Vt[:k].T


# ----------------------------------------------------------------------------- pca_reconstruct

def _components(X, k):
    return np.linalg.svd(X - X.mean(axis=0), full_matrices=False)[2][:k]


def reconstruct_without_mean(X, k):
    V = _components(X, k)
    return (X - X.mean(axis=0)) @ V.T @ V


def reconstruct_uncentred(X, k):
    V = _components(X, k)
    return X @ V.T @ V


# ----------------------------------------------------------------------------- n_components_for_variance

def _cumulative(X, square=True):
    S = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    S = S ** 2 if square else S
    return np.cumsum(S) / np.sum(S)


def components_index_not_count(X, fraction):
    return int(np.searchsorted(_cumulative(X), fraction))              # an index, one less than the count


def components_from_singular_values(X, fraction):
    return int(np.searchsorted(_cumulative(X, square=False), fraction) + 1)


def components_as_float(X, fraction):
    return float(np.searchsorted(_cumulative(X), fraction) + 1) + 0.5


# ----------------------------------------------------------------------------- tsne_conditional_p

def _search(D2, perplexity, *, target=None, keep_diagonal=False, shift=True, steps=200):
    n = len(D2)
    mask = np.ones((n, n), dtype=bool) if keep_diagonal else ~np.eye(n, dtype=bool)
    shifted = np.where(mask, D2 - np.where(~np.eye(n, dtype=bool), D2, np.inf).min(axis=1, keepdims=True), 0.0) \
        if shift else D2
    goal = np.log(perplexity) if target is None else target
    beta, low, high = np.ones(n), np.zeros(n), np.full(n, np.inf)
    with np.errstate(all="ignore"):
        for _ in range(steps):
            W = np.where(mask, np.exp(-beta[:, None] * shifted), 0.0)
            P = W / W.sum(axis=1, keepdims=True)
            H = -np.sum(P * np.log(np.where(P > 0, P, 1.0)), axis=1)
            flat = H > goal
            low, high = np.where(flat, beta, low), np.where(flat, high, beta)
            beta = np.where(np.isinf(high), 2 * beta, (low + high) / 2)
    return P


def tsne_p_including_self(D2, perplexity):
    return _search(D2, perplexity, keep_diagonal=True)


def tsne_p_log2_target(D2, perplexity):
    return _search(D2, perplexity, target=np.log2(perplexity))       # entropy in nats, target in bits


def tsne_p_fixed_beta(D2, perplexity):
    n = len(D2)
    W = np.exp(-(D2 - np.where(np.eye(n, dtype=bool), np.inf, D2).min(axis=1, keepdims=True)))
    np.fill_diagonal(W, 0.0)
    return W / W.sum(axis=1, keepdims=True)                          # no search: beta = 1 for every row


def tsne_p_columns(D2, perplexity):
    return _search(D2, perplexity).T


def tsne_p_joint(D2, perplexity):
    P = _search(D2, perplexity)
    return (P + P.T) / (2 * len(P))


def tsne_p_without_shift(D2, perplexity):
    return _search(D2, perplexity, shift=False)


def tsne_p_of_distances(D2, perplexity):
    return _search(np.sqrt(D2), perplexity)                          # exp(-beta * distance), not squared


# ----------------------------------------------------------------------------- linear_autoencoder

def _train(X, k, n_steps, learning_rate, rng, centre=True, train_encoder=True):
    n, d = X.shape
    data = X - X.mean(axis=0) if centre else X
    W_enc, W_dec = rng.normal(scale=0.1, size=(d, k)), rng.normal(scale=0.1, size=(k, d))
    losses = np.empty(n_steps)
    for step in range(n_steps):
        codes = data @ W_enc
        residual = codes @ W_dec - data
        losses[step] = np.sum(residual ** 2) / n
        grad = 2 * residual / n
        grad_dec, grad_enc = codes.T @ grad, data.T @ (grad @ W_dec.T)
        W_dec = W_dec - learning_rate * grad_dec
        if train_encoder:
            W_enc = W_enc - learning_rate * grad_enc
    return W_enc, W_dec, losses


def autoencoder_uncentred(X, k, n_steps, learning_rate, seed):
    return _train(X, k, n_steps, learning_rate, np.random.default_rng(seed), centre=False)


def autoencoder_frozen_encoder(X, k, n_steps, learning_rate, seed):
    return _train(X, k, n_steps, learning_rate, np.random.default_rng(seed), train_encoder=False)


def autoencoder_global_random_state(X, k, n_steps, learning_rate, seed):
    return _train(X, k, n_steps, learning_rate, np.random.default_rng())   # ignores the seed


def autoencoder_gradient_ascent(X, k, n_steps, learning_rate, seed):
    return _train(X, k, n_steps, -learning_rate * 0.001, np.random.default_rng(seed))


def autoencoder_decoder_transposed(X, k, n_steps, learning_rate, seed):
    W_enc, W_dec, losses = _train(X, k, n_steps, learning_rate, np.random.default_rng(seed))
    return W_enc, W_dec.T, losses


# ----------------------------------------------------------------------------- association_rules

def _itemset_supports(transactions):
    baskets = [frozenset(b) for b in transactions]
    items = sorted(set().union(*baskets)) if baskets else []
    n = len(baskets)
    return {frozenset(c): sum(1 for b in baskets if b.issuperset(c)) / n
            for size in range(1, len(items) + 1) for c in itertools.combinations(items, size)}


def _rules(transactions, min_support, min_confidence, *, single_consequent=False, confidence_of_consequent=False,
           lift_by="consequent", sort=True, as_sets=False, ignore_support=False, count_duplicates=False):
    support = _itemset_supports(transactions)
    if count_duplicates:   # a product scanned twice in a basket counted twice in the support
        n = len(transactions)
        for itemset in support:
            if len(itemset) == 1:
                (item,) = itemset
                support[itemset] = sum(basket.count(item) for basket in transactions) / n
    rules = []
    for itemset, together in support.items():
        if len(itemset) < 2 or together == 0 or (not ignore_support and together < min_support):
            continue
        for size in range(1, len(itemset)):
            for left in map(frozenset, itertools.combinations(sorted(itemset), size)):
                right = itemset - left
                if single_consequent and len(right) > 1:
                    continue
                base = support[right] if confidence_of_consequent else support[left]
                confidence = together / base
                if confidence >= min_confidence and (not ignore_support or together >= min_support * 0.5):
                    lift = confidence / (support[left] if lift_by == "antecedent" else support[right])
                    rule = (set(left), set(right)) if as_sets else (left, right)
                    rules.append((*rule, together, confidence, lift))
    return sorted(rules, key=lambda r: (sorted(r[0]), sorted(r[1]))) if sort else \
        sorted(rules, key=lambda r: -r[4])


def rules_single_item_consequents(transactions, min_support, min_confidence):
    return _rules(transactions, min_support, min_confidence, single_consequent=True)


def rules_confidence_over_consequent(transactions, min_support, min_confidence):
    return _rules(transactions, min_support, min_confidence, confidence_of_consequent=True)


def rules_lift_over_antecedent(transactions, min_support, min_confidence):
    return _rules(transactions, min_support, min_confidence, lift_by="antecedent")


def rules_sorted_by_lift(transactions, min_support, min_confidence):
    return _rules(transactions, min_support, min_confidence, sort=False)


def rules_with_sets(transactions, min_support, min_confidence):
    return _rules(transactions, min_support, min_confidence, as_sets=True)


def rules_with_a_looser_support_threshold(transactions, min_support, min_confidence):
    return _rules(transactions, min_support, min_confidence, ignore_support=True)


def rules_counting_duplicates(transactions, min_support, min_confidence):
    return _rules(transactions, min_support, min_confidence, count_duplicates=True)


WRONG = [
    # (exercise, wrong implementation, phrase its diagnosis must contain)
    ("week06.pca", pca_without_centring, "subtract each feature's mean"),
    ("week06.pca", pca_components_as_columns, "put the components in the rows"),
    ("week06.pca", pca_ratio_of_kept_components, "not by the variance of the k kept"),
    ("week06.pca", pca_ratio_from_singular_values, "singular value squared"),
    ("week06.pca", pca_by_eigh_ascending, "components come in the wrong order"),
    ("week06.pca", pca_projecting_raw_data, "project the centred data"),
    ("week06.pca", pca_components_scaled_by_singular_values, "must be unit vectors"),
    ("week06.pca_reconstruct", reconstruct_without_mean, "add the mean back"),
    ("week06.pca_reconstruct", reconstruct_uncentred, "without centring it"),
    ("week06.n_components_for_variance", components_index_not_count, "one too few"),
    ("week06.n_components_for_variance", components_from_singular_values, "squared singular values"),
    ("week06.n_components_for_variance", components_as_float, "should be an int"),
    ("week06.tsne_conditional_p", tsne_p_including_self, "p_(i|i) must be 0"),
    ("week06.tsne_conditional_p", tsne_p_log2_target, "in the same base"),
    ("week06.tsne_conditional_p", tsne_p_fixed_beta, "every row uses beta = 1"),
    ("week06.tsne_conditional_p", tsne_p_columns, "columns that sum to 1"),
    ("week06.tsne_conditional_p", tsne_p_joint, "not the joint p_ij"),
    ("week06.tsne_conditional_p", tsne_p_without_shift, "smallest off-diagonal distance before exponentiating"),
    ("week06.tsne_conditional_p", tsne_p_of_distances, "no square root"),
    ("week06.linear_autoencoder", autoencoder_uncentred, "the training diverged"),
    ("week06.linear_autoencoder", autoencoder_frozen_encoder, "train both W_enc and W_dec"),
    ("week06.linear_autoencoder", autoencoder_global_random_state, "two calls with the same seed"),
    ("week06.linear_autoencoder", autoencoder_gradient_ascent, "the loss did not go down"),
    ("week06.linear_autoencoder", autoencoder_decoder_transposed, "W_dec has shape"),
    ("week06.association_rules", rules_single_item_consequents, "a consequent may hold several items"),
    ("week06.association_rules", rules_confidence_over_consequent, "that pass both thresholds"),
    ("week06.association_rules", rules_lift_over_antecedent, "lift = confidence / support(consequent)"),
    ("week06.association_rules", rules_sorted_by_lift, "in the wrong order"),
    ("week06.association_rules", rules_with_sets, "use frozensets"),
    ("week06.association_rules", rules_with_a_looser_support_threshold, "should not be there"),
    ("week06.association_rules", rules_counting_duplicates, "the lift of"),
]


UNCENTRED_PCA = """\
def pca(X, k):
    _, S, Vt = np.linalg.svd(X, full_matrices=False)     # forgot to centre
    return Vt[:k], S[:k] ** 2 / np.sum(S ** 2), X @ Vt[:k].T
"""

SINGLE_CONSEQUENT_RULES = """\
def association_rules(transactions, min_support, min_confidence):
    from itertools import combinations
    baskets = [frozenset(b) for b in transactions]
    n = len(baskets)
    items = sorted(set().union(*baskets))
    support = lambda s: sum(1 for b in baskets if s <= b) / n
    rules = []
    for size in range(2, len(items) + 1):
        for itemset in map(frozenset, combinations(items, size)):
            together = support(itemset)
            if together < min_support:
                continue
            for item in itemset:                           # only one item on the right
                left, right = itemset - {item}, frozenset([item])
                confidence = together / support(left)
                if confidence >= min_confidence:
                    rules.append((left, right, together, confidence, confidence / support(right)))
    return sorted(rules, key=lambda r: (sorted(r[0]), sorted(r[1])))
"""

# A whole wrong submission for the nbgrader round trip: answer cells (by grade_id) replaced with
# wrong code, and the test cells that must then score 0 (every other test cell keeps full marks).
# The uncentred pca also breaks pca_reconstruct, which calls it.
WRONG_SUBMISSION = (
    {"pca": UNCENTRED_PCA, "association_rules": SINGLE_CONSEQUENT_RULES,
     "checkpoint_q1": 'q1_answer = "a"', "checkpoint_q4": 'q4_answer = "a"'},
    {"pca_public", "pca_hidden", "pca_reconstruct_public", "pca_reconstruct_hidden", "association_rules_public",
     "association_rules_hidden", "checkpoint_q1_test", "checkpoint_q4_test"},
)
