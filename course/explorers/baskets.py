"""Week 06's generated shop (the capstone's data) and the references the lesson falls back on.

``shop_transactions`` makes the baskets of customers from a few hidden segments (families, coffee drinkers,
health-conscious shoppers), with some products bought together; the lesson mines rules from the baskets and
clusters the customers from what they buy.  ``reference_association_rules`` (Apriori on a one-hot matrix) and
``reference_linear_autoencoder`` stand in for the learner's functions until those pass their checks; ``rules_table``
turns a list of rules into the DataFrame the lesson sorts and groups.
"""
from __future__ import annotations

import itertools

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["PRODUCTS", "SEGMENTS", "Shop", "shop_transactions", "reference_association_rules",
           "reference_linear_autoencoder", "rules_table"]

PRODUCTS = ("bread", "butter", "milk", "cereal", "eggs", "coffee", "croissant", "tea", "fruit", "yoghurt",
            "granola", "nappies", "beer", "crisps")

# Each segment's chance of putting each product in a basket (products not listed: 3 %).
SEGMENTS = {
    "family": {"bread": 0.6, "milk": 0.7, "cereal": 0.55, "eggs": 0.4, "nappies": 0.35, "crisps": 0.3,
               "fruit": 0.3, "butter": 0.2},
    "coffee": {"coffee": 0.7, "croissant": 0.5, "milk": 0.35, "bread": 0.2, "butter": 0.15},
    "health": {"fruit": 0.7, "yoghurt": 0.6, "granola": 0.5, "tea": 0.45, "eggs": 0.2},
    "party": {"beer": 0.7, "crisps": 0.65, "bread": 0.15},
}


@dataclass(frozen=True, eq=False)
class Shop:
    """One entry per basket: who bought it, the customer's (hidden) segment, and the products in it."""
    customer: np.ndarray        # (n_baskets,) int
    segment: np.ndarray         # (n_baskets,) str: hidden from the analysis until the end
    baskets: list               # n_baskets sorted lists of product names

    def onehot(self) -> np.ndarray:
        """(n_baskets, len(PRODUCTS)) floats: 1 where the basket holds the product."""
        return np.array([[product in basket for product in PRODUCTS] for basket in self.baskets], dtype=float)


def shop_transactions(n_customers: int = 300, seed: int = 0) -> Shop:
    """The baskets of ``n_customers`` customers, 4 to 12 baskets each.

    Besides the segments' tastes, two habits cut across them: bread comes with butter (60 % of the time), and
    cereal with milk (70 %).
    """
    rng = np.random.default_rng(seed)
    names = list(SEGMENTS)
    customers, segments, baskets = [], [], []
    for customer in range(n_customers):
        segment = names[rng.choice(len(names), p=[0.35, 0.25, 0.25, 0.15])]
        chances = np.array([SEGMENTS[segment].get(product, 0.03) for product in PRODUCTS])
        for _ in range(int(rng.integers(4, 13))):
            basket = [product for product, p in zip(PRODUCTS, chances) if rng.random() < p]
            if "bread" in basket and "butter" not in basket and rng.random() < 0.6:
                basket.append("butter")
            if "cereal" in basket and "milk" not in basket and rng.random() < 0.7:
                basket.append("milk")
            if basket:
                customers.append(customer)
                segments.append(segment)
                baskets.append(sorted(basket))
    return Shop(np.array(customers), np.array(segments), baskets)


def reference_association_rules(transactions, min_support: float, min_confidence: float) -> list[tuple]:
    """(antecedent, consequent, support, confidence, lift) for every rule that passes both thresholds, itemsets as
    frozensets, sorted by (sorted(antecedent), sorted(consequent)); Apriori on a one-hot basket matrix."""
    baskets = [set(basket) for basket in transactions]
    items = sorted(set().union(*baskets)) if baskets else []
    onehot = np.array([[item in basket for item in items] for basket in baskets], dtype=bool).reshape(-1, len(items))
    n = len(baskets)
    support: dict[frozenset, float] = {}
    level = [(j,) for j in range(len(items))]
    while level:
        counts = [int(np.all(onehot[:, list(itemset)], axis=1).sum()) for itemset in level]
        frequent = [itemset for itemset, count in zip(level, counts) if count / n >= min_support]
        support.update({frozenset(items[j] for j in itemset): count / n
                        for itemset, count in zip(level, counts) if count / n >= min_support})
        # Apriori: a candidate of size s + 1 joins two frequent s-itemsets sharing s - 1 items, and survives only if
        # every s-subset is frequent (a superset of an infrequent itemset is infrequent).
        known = set(frequent)
        level = sorted({a + (b[-1],) for a, b in itertools.combinations(frequent, 2) if a[:-1] == b[:-1]
                        and all(sub in known for sub in itertools.combinations(a + (b[-1],), len(a)))})
    rules = []
    for itemset, together in support.items():
        for size in range(1, len(itemset)):
            for left in map(frozenset, itertools.combinations(sorted(itemset), size)):
                confidence = together / support[left]
                if confidence >= min_confidence:
                    right = itemset - left
                    rules.append((left, right, together, confidence, confidence / support[right]))
    return sorted(rules, key=lambda rule: (sorted(rule[0]), sorted(rule[1])))


def rules_table(rules) -> pd.DataFrame:
    """The rules as a DataFrame, one row each in the given order: antecedent and consequent as their products joined
    by ", " (sorted), then support, confidence and lift; sort or group it with pandas."""
    return pd.DataFrame([(", ".join(sorted(antecedent)), ", ".join(sorted(consequent)), support, confidence, lift)
                         for antecedent, consequent, support, confidence, lift in rules],
                        columns=["antecedent", "consequent", "support", "confidence", "lift"])


def reference_linear_autoencoder(X: np.ndarray, k: int, n_steps: int, learning_rate: float, seed: int):
    """Full-batch gradient descent on (1/n) sum ||x - x W_enc W_dec||^2 over the centred data."""
    rng = np.random.default_rng(seed)
    n, d = X.shape
    centred = X - X.mean(axis=0)
    W_enc, W_dec = rng.normal(scale=0.1, size=(d, k)), rng.normal(scale=0.1, size=(k, d))
    losses = np.empty(n_steps)
    for step in range(n_steps):
        codes = centred @ W_enc
        residual = codes @ W_dec - centred
        losses[step] = np.sum(residual ** 2) / n
        grad_out = 2 * residual / n
        grad_dec, grad_enc = codes.T @ grad_out, centred.T @ (grad_out @ W_dec.T)
        W_enc, W_dec = W_enc - learning_rate * grad_enc, W_dec - learning_rate * grad_dec
    return W_enc, W_dec, losses
