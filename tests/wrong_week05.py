"""Plausible wrong implementations of week 05's graded functions, each with the diagnosis it must get.

Every hidden test must fail for at least one of these (tests/test_exercises.py checks it).
"""
import numpy as np

from solutions import renamed_source


def _sq(X, C):
    return ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)


# ----------------------------------------------------------------------------- kmeans

def _lloyd(X, init, n_iter, empty_nan=False, stale=False, plain_distance=False, until_converged=False):
    centers, previous, labels = np.array(init, dtype=float), None, None
    for _ in range(10_000 if until_converged else n_iter):
        labels = _sq(X, centers).argmin(axis=1)
        centers = np.array([X[labels == j].mean(axis=0) if (labels == j).any() or empty_nan else centers[j]
                            for j in range(len(centers))]) if not empty_nan else \
            np.array([X[labels == j].mean(axis=0) if (labels == j).any() else np.full(X.shape[1], np.nan)
                      for j in range(len(centers))])
        if previous is not None and np.array_equal(labels, previous):
            break
        previous = labels
    if not stale or labels is None:
        labels = _sq(X, centers).argmin(axis=1)
    d2 = _sq(X, centers)[np.arange(len(X)), labels]
    return centers, labels, float(np.sqrt(d2).sum() if plain_distance else d2.sum())


def kmeans_empty_cluster_nan(X, init, n_iter):
    return _lloyd(X, init, n_iter, empty_nan=True)


def kmeans_stale_labels(X, init, n_iter):
    return _lloyd(X, init, n_iter, stale=True)


def kmeans_inertia_not_squared(X, init, n_iter):
    return _lloyd(X, init, n_iter, plain_distance=True)


def kmeans_ignores_n_iter(X, init, n_iter):
    return _lloyd(X, init, n_iter, until_converged=True)


def kmeans_sorted_labels(X, init, n_iter):
    centers, labels, inertia = _lloyd(X, init, n_iter)
    order = np.lexsort(centers.T[::-1])                # renumbers the clusters by their centers' coordinates
    rank = np.argsort(order)
    return centers[order], rank[labels], inertia


# ----------------------------------------------------------------------------- kmeans_plus_plus

def _plusplus(X, k, rng, weight):
    n = len(X)
    chosen = [int(rng.integers(n))]
    for _ in range(1, k):
        d2 = _sq(X, X[chosen])
        w = weight(d2)
        chosen.append(int(rng.choice(n, p=w / w.sum())))
    return X[chosen].copy()


def plusplus_distance_not_squared(X, k, rng):
    return _plusplus(X, k, rng, lambda d2: np.sqrt(d2.min(axis=1)))


def plusplus_uniform(X, k, rng):
    return _plusplus(X, k, rng, lambda d2: (d2.min(axis=1) > 0).astype(float))


def plusplus_farthest_center(X, k, rng):
    return _plusplus(X, k, rng, lambda d2: d2.max(axis=1) * (d2.min(axis=1) > 0))


def plusplus_global_random_state(X, k, rng):
    return _plusplus(X, k, np.random.default_rng(np.random.randint(2**31)), lambda d2: d2.min(axis=1))


def plusplus_random_points_not_data(X, k, rng):
    return X.mean(axis=0) + rng.normal(size=(k, X.shape[1])) * X.std(axis=0)


def plusplus_with_replacement(X, k, rng):
    return X[rng.integers(0, len(X), size=k)].copy()


# ----------------------------------------------------------------------------- silhouette_samples

def _silhouette(X, labels, own_minus=1, b_all=False, singleton=0.0, power=1.0):
    D = np.sqrt(_sq(X, X)) ** power
    s = np.zeros(len(X))
    for i in range(len(X)):
        same = labels == labels[i]
        if same.sum() == 1:
            s[i] = singleton
            continue
        a = D[i, same].sum() / (same.sum() - own_minus)
        b = D[i, ~same].mean() if b_all else min(D[i, labels == c].mean() for c in np.unique(labels[~same]))
        s[i] = (b - a) / max(a, b)
    return s


def silhouette_a_includes_self(X, labels):
    return _silhouette(X, labels, own_minus=0)


def silhouette_b_over_all_other_points(X, labels):
    return _silhouette(X, labels, b_all=True)


def silhouette_singleton_is_one(X, labels):
    return _silhouette(X, labels, singleton=1.0)


def silhouette_squared_distances(X, labels):
    return _silhouette(X, labels, power=2.0)


# ----------------------------------------------------------------------------- davies_bouldin

def _db(X, labels, rms=False, use_min=False, squared=False):
    names = np.unique(labels)
    c = np.array([X[labels == k].mean(axis=0) for k in names])
    dist = [np.sqrt(((X[labels == k] - m) ** 2).sum(axis=1)) for k, m in zip(names, c)]
    s = np.array([np.sqrt((d ** 2).mean()) if rms else d.mean() for d in dist])
    sep = _sq(c, c) if squared else np.sqrt(_sq(c, c))
    r = [[(s[i] + s[j]) / sep[i, j] for j in range(len(names)) if j != i] for i in range(len(names))]
    return float(np.mean([min(row) if use_min else max(row) for row in r]))


def davies_bouldin_rms_scatter(X, labels):
    return _db(X, labels, rms=True)


def davies_bouldin_min_ratio(X, labels):
    return _db(X, labels, use_min=True)


def davies_bouldin_squared_separation(X, labels):
    return _db(X, labels, squared=True)


# ----------------------------------------------------------------------------- linkage_matrix

def _agglomerate(X, method, size_rule="sum", id_rule="new", combine_name=None, squared=False):
    n = len(X)
    D = np.sqrt(_sq(X, X)) ** (2 if squared else 1)
    clusters = {i: [i] for i in range(n)}
    Z = []
    for step in range(n - 1):
        best = None
        keys = sorted(clusters)
        for ai, a in enumerate(keys):
            for b in keys[ai + 1:]:
                block = D[np.ix_(clusters[a], clusters[b])]
                d = {"single": block.min(), "complete": block.max(), "average": block.mean()}[combine_name or method]
                if best is None or d < best[0]:
                    best = (d, a, b)
        d, a, b = best
        merged = clusters.pop(a) + clusters.pop(b)
        new_id = n + step if id_rule == "new" else a
        clusters[new_id] = merged
        Z.append([a, b, d, len(merged) if size_rule == "sum" else 2])
    return np.array(Z, dtype=float)


def linkage_always_single(X, method):
    return _agglomerate(X, method, combine_name="single")


def linkage_average_instead(X, method):
    return _agglomerate(X, method, combine_name="average")


def linkage_sizes_always_two(X, method):
    return _agglomerate(X, method, size_rule="two")


def linkage_reuses_the_first_id(X, method):
    return _agglomerate(X, method, id_rule="reuse")


def linkage_squared_heights(X, method):
    return _agglomerate(X, method, squared=True)


# ----------------------------------------------------------------------------- dbscan

def _dbscan(X, eps, min_samples, count_self=True, strict=False, border_noise=False, expand_border=False,
            first_claims=False):
    n = len(X)
    D = np.sqrt(_sq(X, X))
    near = D < eps if strict else D <= eps
    core = near.sum(axis=1) - (0 if count_self else 1) >= min_samples
    labels = np.full(n, -1)
    cluster = 0
    for start in range(n):
        if not core[start] or labels[start] != -1:
            continue
        labels[start], stack = cluster, [start]
        while stack:
            i = stack.pop()
            for j in np.flatnonzero(near[i] & (labels == -1)):
                if core[j] or (not border_noise):
                    labels[j] = cluster
                    if core[j] or expand_border:
                        stack.append(j)
        cluster += 1
    border = ~core & (labels >= 0)
    if border.any() and not first_claims and not expand_border:   # the stated rule: the nearest core point's
        labels[border] = labels[np.where(core[None, :], D, np.inf)[border].argmin(axis=1)]
    return labels, core


def dbscan_count_excludes_self(X, eps, min_samples):
    return _dbscan(X, eps, min_samples, count_self=False)


def dbscan_strict_eps(X, eps, min_samples):
    return _dbscan(X, eps, min_samples, strict=True)


def dbscan_border_points_as_noise(X, eps, min_samples):
    return _dbscan(X, eps, min_samples, border_noise=True)


def dbscan_expands_from_border_points(X, eps, min_samples):
    return _dbscan(X, eps, min_samples, expand_border=True)


def dbscan_first_cluster_claims_border(X, eps, min_samples):
    return _dbscan(X, eps, min_samples, first_claims=True)   # scikit-learn's order, not the nearest core


WRONG = [
    ("week05.kmeans", kmeans_empty_cluster_nan, "must keep its previous center"),
    ("week05.kmeans", kmeans_stale_labels, "assignment made before the last center update"),
    ("week05.kmeans", kmeans_inertia_not_squared, "sum of SQUARED distances"),
    ("week05.kmeans", kmeans_ignores_n_iter, "ignores n_iter"),
    ("week05.kmeans", kmeans_sorted_labels, "started at init[j]"),
    ("week05.kmeans_plus_plus", plusplus_distance_not_squared, "proportional to D(x), the distance"),
    ("week05.kmeans_plus_plus", plusplus_uniform, "uniformly among the remaining points"),
    ("week05.kmeans_plus_plus", plusplus_farthest_center, "NEAREST center"),
    ("week05.kmeans_plus_plus", plusplus_global_random_state, "draw only from the rng passed in"),
    ("week05.kmeans_plus_plus", plusplus_random_points_not_data, "not a row of X"),
    ("week05.kmeans_plus_plus", plusplus_with_replacement, "same data point twice"),
    ("week05.silhouette_samples", silhouette_a_includes_self, "leave the point itself out"),
    ("week05.silhouette_samples", silhouette_b_over_all_other_points, "the smallest, over the other clusters"),
    ("week05.silhouette_samples", silhouette_singleton_is_one, "its silhouette is 0"),
    ("week05.silhouette_samples", silhouette_squared_distances, "squared distances"),
    ("week05.davies_bouldin", davies_bouldin_rms_scatter, "uses the MEAN distance"),
    ("week05.davies_bouldin", davies_bouldin_min_ratio, "not the minimum"),
    ("week05.davies_bouldin", davies_bouldin_squared_separation, "separation is a squared distance"),
    ("week05.linkage_matrix", linkage_always_single, "heights are those of single linkage"),
    ("week05.linkage_matrix", linkage_average_instead, "heights are those of average linkage"),
    ("week05.linkage_matrix", linkage_sizes_always_two, "counts the ORIGINAL points"),
    ("week05.linkage_matrix", linkage_reuses_the_first_id, "gets id n + i"),
    ("week05.linkage_matrix", linkage_squared_heights, "squared distances"),
    ("week05.dbscan", dbscan_count_excludes_self, "includes the point itself"),
    ("week05.dbscan", dbscan_strict_eps, "distance exactly eps"),
    ("week05.dbscan", dbscan_border_points_as_noise, "so it belongs to a cluster"),
    ("week05.dbscan", dbscan_expands_from_border_points, "grow only through core points"),
    ("week05.dbscan", dbscan_first_cluster_claims_border, "nearest core point"),
]


SILHOUETTE_SUBMISSION = '''import numpy as np


def silhouette_samples(X, labels):
    X = np.asarray(X, dtype=float)
    D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    s = np.zeros(len(X))
    for i in range(len(X)):
        same = labels == labels[i]
        if same.sum() == 1:
            continue
        a = D[i, same].mean()                        # includes the point itself (distance 0)
        b = min(D[i, labels == c].mean() for c in np.unique(labels[~same]))
        s[i] = (b - a) / max(a, b)
    return s
'''

WRONG_SUBMISSION = (
    {"silhouette_samples": SILHOUETTE_SUBMISSION,
     "dbscan": renamed_source(dbscan_count_excludes_self, "dbscan").replace(
         "return _dbscan(X, eps, min_samples, count_self=False)",
         "D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))\n"
         "    core = (D <= eps).sum(axis=1) - 1 >= min_samples\n"
         "    return np.where(core, 0, -1), core"),
     "checkpoint_q1": 'q1_answer = "a"', "checkpoint_q3": "q3_answer = 3"},
    {"silhouette_samples_public", "silhouette_samples_hidden", "dbscan_public", "dbscan_hidden",
     "checkpoint_q1_test", "checkpoint_q3_test"},
)
