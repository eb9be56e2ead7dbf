"""Week 06: correct implementations written differently from the solutions pass the same checks.

The hidden tests must not be tied to the solution's way of computing: each variant below is right by the
docstring's contract but takes another route (eigendecomposition instead of the SVD, a loop instead of
vectorised code, PyTorch instead of NumPy, brute force instead of Apriori, another sign convention).
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from course.exercises import run_checks

SEEDS = range(5)


def pca_by_eigh(X, k):
    """Eigenvectors of the covariance matrix, sorted by decreasing eigenvalue, each with its largest entry positive."""
    centred = X - X.mean(axis=0)
    values, vectors = np.linalg.eigh(centred.T @ centred / (len(X) - 1))
    order = np.argsort(values)[::-1]
    values, vectors = np.clip(values[order], 0.0, None), vectors[:, order]
    components = vectors[:, :k].T
    components *= np.sign(components[np.arange(k), np.abs(components).argmax(axis=1)])[:, None]
    return components, values[:k] / values.sum(), centred @ components.T


def pca_reconstruct_row_by_row(X, k):
    mean = X.mean(axis=0)
    components, _, _ = pca_by_eigh(X, k)
    projector = components.T @ components
    return np.array([mean + projector @ (row - mean) for row in X])


def n_components_by_loop(X, fraction):
    centred = X - X.mean(axis=0)
    variances = sorted(np.clip(np.linalg.eigvalsh(centred.T @ centred), 0.0, None), reverse=True)
    total, running = sum(variances), 0.0
    for count, variance in enumerate(variances, start=1):
        running += variance
        if running >= fraction * total:
            return count
    return len(variances)


def tsne_p_row_by_row_in_log_beta(D2, perplexity):
    """One row at a time, bisection on log(beta) over a fixed bracket."""
    n = len(D2)
    P = np.zeros((n, n))
    for i in range(n):
        others = np.delete(np.arange(n), i)
        d = D2[i, others] - D2[i, others].min()
        low, high = -60.0, 60.0
        for _ in range(200):
            log_beta = (low + high) / 2
            w = np.exp(-np.exp(log_beta) * d)
            p = w / w.sum()
            entropy = -np.sum(p[p > 0] * np.log(p[p > 0]))
            if abs(entropy - np.log(perplexity)) < 1e-7:
                break
            low, high = (log_beta, high) if entropy > np.log(perplexity) else (low, log_beta)
        P[i, others] = p
    return P


def linear_autoencoder_in_torch(X, k, n_steps, learning_rate, seed):
    import torch

    torch.set_num_threads(1)   # tiny matrices: threads only add overhead (and two cores are shared)
    torch.manual_seed(seed)
    data = torch.tensor(X - X.mean(axis=0), dtype=torch.float64)
    encoder = torch.nn.Linear(X.shape[1], k, bias=False).double()
    decoder = torch.nn.Linear(k, X.shape[1], bias=False).double()
    with torch.no_grad():
        encoder.weight.normal_(0.0, 0.1)
        decoder.weight.normal_(0.0, 0.1)
    optimiser = torch.optim.SGD([*encoder.parameters(), *decoder.parameters()], lr=learning_rate)
    losses = []
    for _ in range(n_steps):
        loss = ((decoder(encoder(data)) - data) ** 2).sum(dim=1).mean()
        losses.append(loss.item())
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    # nn.Linear stores (out, in): x W_enc = encoder(x) with W_enc = encoder.weight.T, and W_dec = decoder.weight.T.
    return encoder.weight.detach().numpy().T, decoder.weight.detach().numpy().T, np.array(losses)


def association_rules_by_brute_force(transactions, min_support, min_confidence):
    baskets = [set(basket) for basket in transactions]
    items = sorted(set().union(*baskets)) if baskets else []
    n = len(baskets)

    def count(itemset):
        return sum(1 for basket in baskets if basket.issuperset(itemset))

    rules = []
    for size in range(2, len(items) + 1):
        for itemset in itertools.combinations(items, size):
            together = count(itemset)
            if together == 0 or together / n < min_support:
                continue
            for split in range(1, size):
                for left in itertools.combinations(itemset, split):
                    right = tuple(item for item in itemset if item not in left)
                    confidence = together / count(left)
                    if confidence >= min_confidence:
                        rules.append((frozenset(left), frozenset(right), together / n, confidence,
                                      confidence * n / count(right)))
    rules.sort(key=lambda rule: (tuple(sorted(rule[0])), tuple(sorted(rule[1]))))
    return rules


RIGHT = [
    ("week06.pca", pca_by_eigh),
    ("week06.pca_reconstruct", pca_reconstruct_row_by_row),
    ("week06.n_components_for_variance", n_components_by_loop),
    ("week06.tsne_conditional_p", tsne_p_row_by_row_in_log_beta),
    ("week06.linear_autoencoder", linear_autoencoder_in_torch),
    ("week06.association_rules", association_rules_by_brute_force),
]


@pytest.mark.parametrize("key, function", RIGHT, ids=[function.__name__ for _, function in RIGHT])
def test_a_correct_implementation_written_differently_passes(key, function):
    for seed in SEEDS if key != "week06.linear_autoencoder" else SEEDS[:2]:   # torch's loop is the slow one
        report = run_checks(key, function, seed=seed)
        assert report.ok, f"{key} seed {seed}: {report.failure}"


def test_every_week06_exercise_has_a_different_correct_variant():
    from course.exercises import keys
    assert {key for key, _ in RIGHT} == set(keys("week06"))
