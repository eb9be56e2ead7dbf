"""Week 05 (unsupervised learning I: clustering): the graded functions, their randomized inputs and references.

References: scikit-learn (``KMeans`` with a given init, ``silhouette_samples``, ``davies_bouldin_score``,
``DBSCAN``), SciPy (``scipy.cluster.hierarchy.linkage``) and, for k-means++, the exact D² probabilities that
many seeded runs must reproduce.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np
import scipy.stats
from scipy.cluster.hierarchy import linkage
from sklearn.cluster import DBSCAN, KMeans
from sklearn.metrics import davies_bouldin_score, silhouette_samples

from course.checks import CheckFailure, diagnose
from course.exercises import Case, Exercise, register

# Every `call` passes the case's arrays as they are: run_case gives it working copies and the grader checks
# that they come back unchanged (a .copy() here would hide a function that overwrites its input).


def _expect(problem: str | None) -> None:
    if problem:
        raise CheckFailure(problem)


def _blobs(rng: np.random.Generator, n: int, d: int, k: int, spread: float = 1.0) -> np.ndarray:
    """n points around k random centres in d dimensions (sizes as equal as possible), in random order."""
    centres = rng.uniform(-8, 8, size=(k, d))
    which = rng.permutation(np.arange(n) % k)
    return centres[which] + rng.normal(scale=spread, size=(n, d)) * rng.uniform(0.5, 1.5, size=k)[which, None]


def _squared_distances(X: np.ndarray, C: np.ndarray) -> np.ndarray:
    return ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)


def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    """True when the labels a and b group the points the same way, whatever the cluster names."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    pairs = np.unique(np.column_stack([np.unique(a, return_inverse=True)[1],
                                       np.unique(b, return_inverse=True)[1]]), axis=0)
    return len(pairs) == len(np.unique(a)) == len(np.unique(b))


# ----------------------------------------------------------------------------- k-means (Lloyd)


def _lloyd(X: np.ndarray, init: np.ndarray, n_iter: int, *, empty: str = "keep",
           final_labels: bool = True) -> tuple[np.ndarray, np.ndarray, float, bool]:
    """Lloyd's iterations as the exercise states them, with switches used only to name a learner's mistake.

    Returns centers, labels, inertia and whether some cluster was ever empty.
    """
    centers, previous, ever_empty = init.astype(float).copy(), None, False
    for _ in range(n_iter):
        labels = _squared_distances(X, centers).argmin(axis=1)
        new = centers.copy()
        for j in range(len(centers)):
            members = labels == j
            if members.any():
                new[j] = X[members].mean(axis=0)
            else:
                ever_empty = True
                if empty == "nan":
                    new[j] = np.nan
        stale = labels
        centers = new
        if previous is not None and np.array_equal(labels, previous):
            break
        previous = labels
    labels = _squared_distances(X, centers).argmin(axis=1) if final_labels or n_iter == 0 else stale
    inertia = float(np.min(_squared_distances(X, centers), axis=1).sum()) if final_labels else \
        float(_squared_distances(X, centers)[np.arange(len(X)), labels].sum())
    return centers, labels, inertia, ever_empty


def _kmeans_case(rng: np.random.Generator, n: int, d: int, k: int, n_iter: int, far: bool = False) -> Case:
    """Blobs and k distinct data points as init; redrawn until no cluster ever empties (then scikit-learn's
    relocation rule never applies), except the one far-away centre of a ``far`` case."""
    while True:
        X = _blobs(rng, n, d, max(k - far, 1), spread=float(rng.uniform(0.8, 2.5)))
        init = X[rng.choice(n, size=k - far, replace=False)].copy()
        if not _lloyd(X, init, max(n_iter, 300))[3]:
            break
    if far:   # a centre far from every point: no point is ever nearest to it, so its cluster stays empty
        where = int(rng.integers(0, k))
        init = np.insert(init, where, X.max(axis=0) + 100.0, axis=0)
    return {"X": X, "init": init, "n_iter": n_iter}


def _kmeans_reference(case: Case) -> tuple[np.ndarray, np.ndarray, float]:
    X, init, n_iter = case["X"], case["init"], case["n_iter"]
    far = [j for j in range(len(init)) if _squared_distances(init[j:j + 1], X).min() > 50.0 ** 2]
    kept = [j for j in range(len(init)) if j not in far]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = KMeans(n_clusters=len(kept), init=init[kept], n_init=1, algorithm="lloyd", max_iter=n_iter,
                       tol=0.0).fit(X)
    # The empty cluster keeps its centre (the exercise's rule); the others evolve as k-means without it.
    centers = init.astype(float).copy()
    centers[kept] = model.cluster_centers_
    return centers, np.array(kept)[model.labels_], float(model.inertia_)


def _compare_kmeans(actual: Any, expected: tuple, case: Case, name: str) -> None:
    X, init, n_iter = case["X"], case["init"], case["n_iter"]
    want_centers, want_labels, want_inertia = expected
    k, n = len(init), len(X)
    if not (isinstance(actual, (tuple, list)) and len(actual) == 3):
        raise CheckFailure(f"{name} should be a triple (centers, labels, inertia); got {type(actual).__name__}.")
    centers, labels, inertia = actual
    centers = np.asarray(centers)
    if centers.shape == (k, X.shape[1]) and np.isnan(centers.astype(float)).any():
        raise CheckFailure(f"{name}: some centers are NaN. A cluster that loses all its points must keep its "
                           "previous center (the mean of no points is undefined).")
    _expect(_centers_explained(centers, case))
    _expect(diagnose(centers, want_centers, rtol=1e-7, atol=1e-8, what="the centers"))
    labels = np.asarray(labels)
    if labels.shape != (n,):
        raise CheckFailure(f"labels has shape {labels.shape}, but one label per point, shape ({n},), was expected.")
    if labels.dtype.kind not in "iu":
        raise CheckFailure(f"labels should hold integer cluster numbers; got dtype {labels.dtype}.")
    if not np.array_equal(labels, want_labels):
        stale = _lloyd(X, init, n_iter, final_labels=False)[1]
        if np.array_equal(labels, stale) and n_iter > 0:
            raise CheckFailure("the centers are right but labels are the assignment made before the last center "
                               "update: return each point's nearest returned center, so labels and centers agree.")
        if _same_partition(labels, want_labels):
            raise CheckFailure("the clusters are right but numbered differently: label j must mean the cluster "
                               "whose center started at init[j] (row j of centers).")
        wrong = int(np.flatnonzero(labels != want_labels)[0])
        raise CheckFailure(f"labels[{wrong}] is {int(labels[wrong])}, which is not the nearest of the returned "
                           "centers to that point.")
    try:
        inertia = float(inertia)
    except (TypeError, ValueError):
        raise CheckFailure(f"inertia should be a number; got {type(inertia).__name__}.") from None
    if not np.isclose(inertia, want_inertia, rtol=1e-7, atol=1e-8):
        distances = np.sqrt(_squared_distances(X, want_centers)[np.arange(n), want_labels])
        if np.isclose(inertia, distances.sum(), rtol=1e-7):
            raise CheckFailure("inertia is the sum of distances; it is the sum of SQUARED distances from each "
                               "point to its center.")
        if np.isclose(inertia, want_inertia / n, rtol=1e-7):
            raise CheckFailure("inertia is the mean of the squared distances; it is their sum.")
        raise CheckFailure(f"inertia is {inertia:.6g}, which is not the sum of squared distances from each point to "
                           "its center.")


def _centers_explained(centers: np.ndarray, case: Case) -> str | None:
    """Why the centers are wrong, when a common mistake explains it; else None (the generic diagnosis applies)."""
    X, init, n_iter = case["X"], case["init"], case["n_iter"]
    expected = _lloyd(X, init, n_iter)[0]
    if centers.shape != expected.shape or np.allclose(centers, expected, rtol=1e-7, atol=1e-8):
        return None
    rows = _indices_of(centers.astype(float), expected)
    if rows is not None and len(set(rows.tolist())) == len(expected):
        return ("the centers are right but in another order: row j of centers (and label j) must be the cluster "
                "whose center started at init[j].")
    for iterations, mistake in [(10_000, "running until convergence: it ignores n_iter"),
                                (n_iter + 1, "one iteration too many"), (n_iter - 1, "one iteration too few")]:
        if iterations >= 0 and np.allclose(centers, _lloyd(X, init, iterations)[0], rtol=1e-7, atol=1e-8):
            return (f"the centers are those after {mistake}: run at most n_iter = {n_iter} assignment + update "
                    "steps (stop earlier only when the assignment no longer changes).")
    if np.allclose(centers, init, rtol=1e-7, atol=1e-8):
        return "the centers are still the initial ones: each iteration must move every center to its cluster's mean."
    return None


def _call_kmeans(function: Callable, case: Case) -> Any:
    return function(case["X"], case["init"], case["n_iter"])


register(Exercise(
    key="week05.kmeans",
    function="kmeans",
    make_cases=lambda rng: [_kmeans_case(rng, *settings) for settings in
                            [(30, 2, 3, 100), (80, 2, 4, 1), (100, 3, 5, 2), (60, 2, 3, 100, True),
                             (50, 4, 1, 10), (40, 2, 2, 100), (120, 2, 6, 5), (70, 5, 4, 3, True)]],
    call=_call_kmeans,
    reference=_kmeans_reference,
    describe=lambda case: (f"X with shape {case['X'].shape}, k = {len(case['init'])}, n_iter = {case['n_iter']}"
                           + (", one center far from every point" if
                              _squared_distances(case["init"], case["X"]).min(axis=1).max() > 50.0 ** 2 else "")),
    compare=_compare_kmeans,
))


# ----------------------------------------------------------------------------- k-means++


def _plusplus_case(rng: np.random.Generator, n: int, d: int, k: int, runs: int) -> Case:
    # Points at very different distances from each other, so D and D² (and uniform) choices differ clearly.
    X = rng.normal(size=(n, d)) * np.geomspace(0.3, 6.0, n)[rng.permutation(n), None]
    return {"X": X, "k": k, "runs": runs, "seed": int(rng.integers(0, 2**31 - 1))}


def _call_plusplus(function: Callable, case: Case) -> Any:
    X, k, seed = case["X"], case["k"], case["seed"]
    draws = [np.asarray(function(X, k, np.random.default_rng(seed + run))) for run in range(case["runs"])]
    return draws, np.asarray(function(X, k, np.random.default_rng(seed)))


def _plusplus_reference(case: Case) -> np.ndarray:
    """The exact probability of each point as the first center: 1/n each (the rest is checked in compare)."""
    n = len(case["X"])
    return np.full(n, 1.0 / n)


def _indices_of(centers: np.ndarray, X: np.ndarray) -> np.ndarray | None:
    """The row of X each center is, or None when some center is not a data point."""
    match = (centers[:, None, :] == X[None, :, :]).all(axis=2)
    if not match.any(axis=1).all():
        return None
    return match.argmax(axis=1)


def _compare_plusplus(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    X, k = case["X"], case["k"]
    draws, again = actual
    chosen = []
    for centers in draws:
        if centers.shape != (k, X.shape[1]):
            raise CheckFailure(f"{name} has shape {centers.shape}, but (k, n_features) = {(k, X.shape[1])} "
                               "was expected: one row per center.")
        rows = _indices_of(centers.astype(float), X)
        if rows is None:
            raise CheckFailure(f"{name} holds a center that is not a row of X: k-means++ picks data points "
                               "(copy the chosen rows of X).")
        if len(set(rows.tolist())) < k:
            raise CheckFailure(f"{name} picks the same data point twice: a point already chosen has D² = 0, so "
                               "its probability of being chosen again is 0.")
        chosen.append(rows)
    if not np.array_equal(again, draws[0]):
        raise CheckFailure(f"two calls with generators made from the same seed gave different centers: draw only "
                           "from the rng passed in (rng.integers, rng.random, rng.choice), not from np.random.")
    chosen = np.array(chosen)
    if len(chosen) < 50:
        return
    _expect(_frequencies_problem(chosen, X))


def _pooled_bins(expected: np.ndarray, at_least: float = 5.0) -> np.ndarray:
    """A bin number per cell: cells are merged, smallest expected count first, until every bin expects at least
    ``at_least``. Pearson's chi-square is only close to its chi-square law when no bin expects few counts: one
    point with probability 1/1000 drawn once among 5 runs alone adds ~200 to the statistic, which made correct
    implementations fail about one grading seed in twenty before the rare cells were pooled."""
    order = np.argsort(expected)
    bins = np.empty(len(expected), dtype=int)
    number, pooled = 0, 0.0
    for cell in order:
        bins[cell] = number
        pooled += expected[cell]
        if pooled >= at_least:
            number, pooled = number + 1, 0.0
    if pooled > 0 and number > 0:   # a remainder that expects too little joins the last full bin
        bins[bins == number] = number - 1
    return bins


def _pearson(counts: np.ndarray, expected: np.ndarray, bins: np.ndarray) -> tuple[float, int]:
    observed, wanted = np.bincount(bins, weights=counts), np.bincount(bins, weights=expected)
    return float(((observed - wanted) ** 2 / wanted).sum()), len(wanted) - 1


def _frequencies_problem(chosen: np.ndarray, X: np.ndarray) -> str | None:
    """Compare the choices of many runs with the exact k-means++ probabilities, step by step (chi-square)."""
    n, (runs, k) = len(X), chosen.shape
    first = np.bincount(chosen[:, 0], minlength=n)
    if scipy.stats.chisquare(first).pvalue < 1e-6:
        return ("the first center is not chosen uniformly at random among the points: over many seeds some points "
                "come first far more often than others.")
    squared = _squared_distances(X, X)
    statistic, dof, mistakes = 0.0, 0, {"D": 0.0, "uniform": 0.0, "max": 0.0}
    for step in range(1, k):
        for prefix in np.unique(chosen[:, :step], axis=0):
            group = (chosen[:, :step] == prefix).all(axis=1)
            counts = np.bincount(chosen[group, step], minlength=n)
            d2 = squared[prefix].min(axis=0)
            p = d2 / d2.sum()
            if np.any(counts[p == 0] > 0):
                return "a center was chosen whose D² is 0 (a point already chosen)."
            live = p > 0
            expected = group.sum() * p[live]
            bins = _pooled_bins(expected)
            if bins.max() == 0:     # too few runs with this prefix to test anything
                continue
            part, part_dof = _pearson(counts[live], expected, bins)
            statistic, dof = statistic + part, dof + part_dof
            for mistake, weights in [("D", np.sqrt(d2)), ("uniform", (d2 > 0).astype(float)),
                                     ("max", squared[prefix].max(axis=0) * (d2 > 0))]:
                q = weights[live] / weights[live].sum()
                mistakes[mistake] += _pearson(counts[live], group.sum() * q, bins)[0]
    if dof == 0 or scipy.stats.chi2.sf(statistic, dof) >= 1e-6:
        return None
    best = min(mistakes, key=mistakes.get)
    if mistakes[best] < statistic and scipy.stats.chi2.sf(mistakes[best], dof) > 1e-6:
        return {"D": "the next centers are drawn with probability proportional to D(x), the distance; k-means++ "
                     "uses D(x)², the SQUARED distance to the nearest center chosen so far.",
                "uniform": "the next centers are drawn uniformly among the remaining points; k-means++ draws each "
                           "with probability proportional to D(x)², its squared distance to the nearest center "
                           "chosen so far.",
                "max": "D(x) is measured to the farthest chosen center; it is the distance to the NEAREST center "
                       "chosen so far (the minimum over the chosen centers)."}[best]
    return ("over many seeds, the centers after the first are not chosen with probability proportional to D(x)², "
            "the squared distance to the nearest center chosen so far.")


register(Exercise(
    key="week05.kmeans_plus_plus",
    function="kmeans_plus_plus",
    make_cases=lambda rng: [_plusplus_case(rng, *settings) for settings in
                            [(6, 2, 3, 3000), (8, 2, 2, 2000), (200, 3, 6, 20), (40, 2, 1, 10), (5, 1, 5, 20)]],
    call=_call_plusplus,
    reference=_plusplus_reference,
    describe=lambda case: (f"X with shape {case['X'].shape}, k = {case['k']}, {case['runs']} seeded runs"),
    compare=_compare_plusplus,
    inputs=("X",),
))


# ----------------------------------------------------------------------------- silhouette


def _labelled_case(rng: np.random.Generator, n: int, d: int, k: int, singleton: bool = False,
                   names: tuple | None = None) -> Case:
    X = _blobs(rng, n, d, k, spread=float(rng.uniform(0.8, 3.0)))
    labels = _squared_distances(X, X[rng.choice(n, size=k, replace=False)]).argmin(axis=1)
    while len(np.unique(labels)) < 2:
        labels = rng.integers(0, k, size=n)
    if singleton:   # one point alone in its cluster
        labels[int(rng.integers(0, n))] = k
    if names is not None:
        labels = np.asarray(names)[labels]
    return {"X": X, "labels": labels}


_LABELLED_SETTINGS = [(12, 2, 2), (40, 2, 3), (60, 3, 4, True), (30, 1, 3), (50, 5, 5, False, (7, 2, 11, 40, 5)),
                      (25, 2, 3, True, (-1, 3, 8, 100))]


def _silhouette_reference(case: Case) -> np.ndarray:
    return silhouette_samples(case["X"], case["labels"])


def _silhouette_parts(X: np.ndarray, labels: np.ndarray, *, own: str = "n-1", other: str = "nearest",
                      squared: bool = False, singleton: float = 0.0) -> np.ndarray:
    """The silhouette with one step changed: used only to name a learner's mistake."""
    D = np.sqrt(_squared_distances(X, X))
    D = D ** 2 if squared else D
    names = np.unique(labels)
    member = labels[:, None] == names[None, :]
    sums = D @ member
    sizes = member.sum(axis=0)
    own_size = sizes[np.searchsorted(names, labels)]
    a = sums[member] / np.maximum(own_size - (1 if own == "n-1" else 0), 1)
    means = sums / sizes
    means[member] = np.inf
    b = means.min(axis=1) if other == "nearest" else (D.sum(axis=1) - sums[member]) / (len(X) - own_size)
    with np.errstate(all="ignore"):
        s = np.nan_to_num((b - a) / np.maximum(a, b))
    return np.where(own_size == 1, singleton, s)


def _compare_silhouette(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    if diagnose(actual, expected, rtol=1e-7, atol=1e-9, what=name) is None:
        return
    X, labels = case["X"], case["labels"]
    if np.shape(actual) == expected.shape:
        array = np.asarray(actual, dtype=float)
        for change, mistake in [({"own": "n"}, "a(i) divides by the cluster's size n_i; leave the point itself out "
                                               "and divide by n_i - 1"),
                                ({"other": "all"}, "b(i) is the mean distance to all points of other clusters; it "
                                                   "is the smallest, over the other clusters, of the mean distance "
                                                   "to that cluster's points"),
                                ({"squared": True}, "it uses squared distances; the silhouette uses plain Euclidean "
                                                    "distances"),
                                ({"singleton": 1.0}, "a point alone in its cluster gets 1; by convention (and in "
                                                     "scikit-learn) its silhouette is 0")]:
            if np.allclose(array, _silhouette_parts(X, labels, **change), rtol=1e-7, atol=1e-9):
                raise CheckFailure(f"{name} does not match silhouette_samples: {mistake}.")
    _expect(diagnose(actual, expected, rtol=1e-7, atol=1e-9, what=name))


register(Exercise(
    key="week05.silhouette_samples",
    function="silhouette_samples",
    make_cases=lambda rng: [_labelled_case(rng, *settings) for settings in _LABELLED_SETTINGS],
    call=lambda function, case: function(case["X"], case["labels"]),
    reference=_silhouette_reference,
    describe=lambda case: (f"X with shape {case['X'].shape}, {len(np.unique(case['labels']))} clusters labelled "
                           f"{sorted(np.unique(case['labels']).tolist())}"
                           + (" (one of them a single point)" if (np.unique(case["labels"], return_counts=True)[1]
                                                                   == 1).any() else "")),
    compare=_compare_silhouette,
))


# ----------------------------------------------------------------------------- Davies-Bouldin


def _davies_bouldin_variant(X: np.ndarray, labels: np.ndarray, *, scatter: str = "mean", worst: str = "max",
                            separation: str = "distance") -> float:
    """The Davies-Bouldin index with one step changed: used only to name a learner's mistake."""
    names = np.unique(labels)
    centroids = np.array([X[labels == c].mean(axis=0) for c in names])
    spread = []
    for c, centroid in zip(names, centroids):
        d = np.sqrt(((X[labels == c] - centroid) ** 2).sum(axis=1))
        spread.append(d.mean() if scatter == "mean" else np.sqrt((d ** 2).mean()))
    spread = np.array(spread)
    between = _squared_distances(centroids, centroids)
    between = between if separation == "squared" else np.sqrt(between)
    with np.errstate(divide="ignore"):
        ratio = (spread[:, None] + spread[None, :]) / between
    np.fill_diagonal(ratio, -np.inf if worst == "max" else np.inf)
    return float((ratio.max(axis=1) if worst == "max" else ratio.min(axis=1)).mean())


def _compare_davies_bouldin(actual: Any, expected: float, case: Case, name: str) -> None:
    if diagnose(actual, expected, rtol=1e-7, atol=1e-10, what=name) is None:
        return
    try:
        value = float(actual)
    except (TypeError, ValueError):
        value = None
    if value is not None:
        X, labels = case["X"], case["labels"]
        for change, mistake in [({"scatter": "rms"}, "each cluster's scatter s_i is the root-mean-square distance "
                                                     "to its centroid; Davies-Bouldin uses the MEAN distance"),
                                ({"worst": "min"}, "each cluster is compared with its most similar cluster: take "
                                                   "the maximum of (s_i + s_j) / d(c_i, c_j) over j ≠ i, not the "
                                                   "minimum"),
                                ({"separation": "squared"}, "the centroids' separation is a squared distance; use "
                                                            "the Euclidean distance d(c_i, c_j)")]:
            if np.isclose(value, _davies_bouldin_variant(X, labels, **change), rtol=1e-7, atol=1e-10):
                raise CheckFailure(f"{name} does not match davies_bouldin_score: {mistake}.")
    _expect(diagnose(actual, expected, rtol=1e-7, atol=1e-10, what=name))


register(Exercise(
    key="week05.davies_bouldin",
    function="davies_bouldin",
    make_cases=lambda rng: [_labelled_case(rng, *settings) for settings in _LABELLED_SETTINGS],
    call=lambda function, case: function(case["X"], case["labels"]),
    reference=lambda case: float(davies_bouldin_score(case["X"], case["labels"])),
    describe=lambda case: (f"X with shape {case['X'].shape}, {len(np.unique(case['labels']))} clusters labelled "
                           f"{sorted(np.unique(case['labels']).tolist())}"),
    compare=_compare_davies_bouldin,
))


# ----------------------------------------------------------------------------- hierarchical linkage


def _linkage_cases(rng: np.random.Generator) -> list[Case]:
    def points(n: int, d: int) -> np.ndarray:
        return _blobs(rng, n, d, int(rng.integers(1, 4)), spread=2.0)

    grid = np.array([(x, y) for x in range(4) for y in range(3)], dtype=float)   # many equal distances
    grid = grid[rng.permutation(len(grid))] + rng.integers(-5, 5, size=2)
    line = np.array([[0.0], [1.0], [2.0], [3.0], [5.0], [6.0]])[rng.permutation(6)]
    return [
        {"X": points(2, 2), "method": "single"},
        {"X": points(8, 2), "method": "single"},
        {"X": points(8, 2), "method": "complete"},
        {"X": points(int(rng.integers(20, 40)), 3), "method": "single"},
        {"X": points(int(rng.integers(20, 40)), 2), "method": "complete"},
        {"X": points(15, 1), "method": "complete"},
        {"X": grid, "method": "single"},        # ties: any order of the tied merges is right
        {"X": line, "method": "single"},
    ]


def _clusters_after(Z: np.ndarray, n: int, merges: int) -> np.ndarray:
    """Each point's cluster (a canonical number) after the first ``merges`` rows of a linkage matrix."""
    cluster = np.arange(n)
    members = {i: [i] for i in range(n)}
    for step in range(merges):
        a, b = int(Z[step, 0]), int(Z[step, 1])
        members[n + step] = members.pop(a) + members.pop(b)
        cluster[members[n + step]] = n + step
    return np.unique(cluster, return_inverse=True)[1]


def _linkage_matrix_problem(Z: np.ndarray, n: int, name: str) -> str | None:
    """A problem with the structure of a linkage matrix (ids, sizes), or None."""
    active, sizes = set(range(n)), {i: 1 for i in range(n)}
    for step, (a, b, _, size) in enumerate(Z):
        if a != int(a) or b != int(b):
            return f"row {step} of {name} names clusters {a} and {b}; cluster ids are whole numbers."
        a, b = int(a), int(b)
        if a == b or a not in active or b not in active:
            if max(a, b) >= n + step:
                return (f"row {step} of {name} merges clusters {a} and {b}, but at that step the clusters are "
                        f"numbered below {n + step}: the points are 0..n-1 and the cluster made by row i gets id "
                        "n + i.")
            return (f"row {step} of {name} merges clusters {a} and {b}, but one of them no longer exists (it was "
                    "merged before) or they are the same: the cluster made by row i gets id n + i, and the ids "
                    "of merged clusters are never used again.")
        if size != sizes[a] + sizes[b]:
            if size == 2:
                return (f"row {step} of {name} says the new cluster has {size:g} points; the fourth column counts "
                        "the ORIGINAL points in the merged cluster (the sum of the two clusters' sizes).")
            return (f"row {step} of {name} says the new cluster has {size:g} points, but clusters {a} and {b} hold "
                    f"{sizes[a]} + {sizes[b]} = {sizes[a] + sizes[b]}.")
        active -= {a, b}
        active.add(n + step)
        sizes[n + step] = sizes[a] + sizes[b]
    return None


def _compare_linkage(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    X, method = case["X"], case["method"]
    n = len(X)
    if diagnose(actual, expected, rtol=0, atol=1e300, what=name) is not None:   # shape, dtype, finiteness
        _expect(diagnose(actual, expected, rtol=1e-7, atol=1e-9, what=name))
    Z = np.asarray(actual, dtype=float)
    _expect(_linkage_matrix_problem(Z, n, name))
    heights, want = Z[:, 2], expected[:, 2]
    if not np.allclose(heights, want, rtol=1e-7, atol=1e-9):
        for other, mistake in [("complete" if method == "single" else "single",
                                f"the heights are those of {'complete' if method == 'single' else 'single'} "
                                f"linkage; {method} linkage measures two clusters by their "
                                f"{'CLOSEST' if method == 'single' else 'FARTHEST'} pair of points"),
                               ("average", "the heights are those of average linkage (the mean distance between "
                                           f"the clusters' points); {method} linkage uses the "
                                           f"{'smallest' if method == 'single' else 'largest'} one")]:
            if n > 2 and np.allclose(heights, linkage(X, method=other)[:, 2], rtol=1e-7, atol=1e-9):
                raise CheckFailure(f"{name} does not match scipy's linkage: {mistake}.")
        if np.allclose(heights, want ** 2, rtol=1e-7, atol=1e-9):
            raise CheckFailure(f"the merge heights of {name} are squared distances; use Euclidean distances.")
        if np.allclose(np.sort(heights), want, rtol=1e-7, atol=1e-9):
            raise CheckFailure(f"the merge heights of {name} are right but not in merge order: every step merges "
                               "the closest pair of clusters left, so the heights never decrease.")
        _expect(diagnose(heights, want, rtol=1e-7, atol=1e-9, what=f"the merge heights (column 2) of {name}"))
    # Equal heights may be merged in any order: compare the clusters after every group of tied merges.
    ends = [step + 1 for step in range(n - 1) if step == n - 2 or not np.isclose(want[step + 1], want[step])]
    for end in ends:
        if not _same_partition(_clusters_after(Z, n, end), _clusters_after(expected, n, end)):
            raise CheckFailure(f"the heights are right but the clusters are not: after the first {end} merges "
                               f"{name} groups the points differently from "
                               "scipy's linkage. Each step must merge the two closest clusters.")


register(Exercise(
    key="week05.linkage_matrix",
    function="linkage_matrix",
    make_cases=_linkage_cases,
    call=lambda function, case: function(case["X"], case["method"]),
    reference=lambda case: linkage(case["X"], method=case["method"]),
    describe=lambda case: f"{case['method']} linkage of {len(case['X'])} points in {case['X'].shape[1]}-D",
    compare=_compare_linkage,
))


# ----------------------------------------------------------------------------- DBSCAN


def _dbscan_cases(rng: np.random.Generator) -> list[Case]:
    def blobs_and_noise(n: int, k: int, noise: int) -> np.ndarray:
        X = _blobs(rng, n, 2, k, spread=0.6)
        return np.vstack([X, rng.uniform(X.min(axis=0) - 2, X.max(axis=0) + 2, size=(noise, 2))])[
            rng.permutation(n + noise)]

    grid = np.array([(x, y) for x in range(5) for y in range(4)] + [(9, 9), (9, 10), (12, 0)], dtype=float)
    # Two chains of points and a border point within eps of a core point of each (it joins the nearer one):
    chains = np.array([[-2.0, 0], [-1.5, 0], [-1.0, 0], [-0.5, 0], [0.0, 0], [1.0, 0],
                       [1.9, 0], [2.3, 0], [2.7, 0], [3.1, 0], [3.5, 0]])
    return [
        {"X": blobs_and_noise(60, 3, 10), "eps": float(rng.uniform(0.6, 0.9)), "min_samples": 4},
        {"X": blobs_and_noise(100, 4, 20), "eps": float(rng.uniform(0.5, 0.8)), "min_samples": 5},
        {"X": grid[rng.permutation(len(grid))], "eps": 1.0, "min_samples": 3},    # distances exactly eps
        {"X": grid[rng.permutation(len(grid))], "eps": 1.0, "min_samples": 5},
        # The farther chain comes first, so it is the first cluster to reach the contested border point:
        {"X": np.vstack([chains[:5][rng.permutation(5)], chains[5:][rng.permutation(6)]])
              + rng.integers(-3, 3, size=2), "eps": 1.0, "min_samples": 4},
        {"X": blobs_and_noise(30, 2, 5), "eps": 0.01, "min_samples": 3},          # every point is noise
        {"X": blobs_and_noise(20, 2, 3), "eps": float(rng.uniform(0.3, 0.6)), "min_samples": 1},   # all core
    ]


def _dbscan_reference(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's clusters, with every border point given to the cluster of its nearest core point (ties:
    the core point with the lowest index), the exercise's rule; scikit-learn gives it the first cluster found."""
    X, eps = case["X"], case["eps"]
    model = DBSCAN(eps=eps, min_samples=case["min_samples"]).fit(X)
    core = np.zeros(len(X), dtype=bool)
    core[model.core_sample_indices_] = True
    labels = model.labels_.copy()
    if core.any():
        distances = np.sqrt(_squared_distances(X, X[core]))
        nearest = distances.argmin(axis=1)
        border = ~core & (distances.min(axis=1) <= eps)
        labels[border] = model.labels_[np.flatnonzero(core)[nearest[border]]]
    return labels, core


def _dbscan_variant(X: np.ndarray, eps: float, min_samples: int, *, count_self: bool = True,
                    inclusive: bool = True) -> np.ndarray:
    """The core mask with one rule changed: used only to name a learner's mistake."""
    D = np.sqrt(_squared_distances(X, X))
    within = D <= eps if inclusive else D < eps
    return within.sum(axis=1) - (0 if count_self else 1) >= min_samples


def _compare_dbscan(actual: Any, expected: tuple, case: Case, name: str) -> None:
    X, eps, min_samples = case["X"], case["eps"], case["min_samples"]
    want_labels, want_core = expected
    n = len(X)
    if not (isinstance(actual, (tuple, list)) and len(actual) == 2):
        raise CheckFailure(f"{name} should be a pair (labels, core); got {type(actual).__name__}.")
    labels, core = (np.asarray(part) for part in actual)
    if core.shape != (n,) or core.dtype != bool:
        raise CheckFailure(f"core should be a boolean mask of shape ({n},); got shape {core.shape} and dtype "
                           f"{core.dtype}.")
    if labels.shape != (n,) or labels.dtype.kind not in "iu":
        raise CheckFailure(f"labels should be integers of shape ({n},); got shape {labels.shape} and dtype "
                           f"{labels.dtype}.")
    if not np.array_equal(core, want_core):
        if np.array_equal(core, _dbscan_variant(X, eps, min_samples, count_self=False)):
            raise CheckFailure("the core points are wrong: the neighbourhood count includes the point itself (a "
                               "point is core when at least min_samples points, itself included, lie within eps).")
        if np.array_equal(core, _dbscan_variant(X, eps, min_samples, inclusive=False)):
            raise CheckFailure("the core points are wrong: a point at distance exactly eps is a neighbour "
                               "(distance <= eps, not < eps).")
        i = int(np.flatnonzero(core != want_core)[0])
        raise CheckFailure(f"core[{i}] is {bool(core[i])}, which is not right for that point: it is core when at "
                           "least min_samples points (itself included) lie within distance eps of it.")
    noise, want_noise = labels == -1, want_labels == -1
    if not np.array_equal(noise, want_noise):
        i = int(np.flatnonzero(noise != want_noise)[0])
        if want_noise[i]:
            raise CheckFailure(f"point {i} is neither core nor within eps of a core point, so it is noise: its "
                               f"label must be -1 (it is {int(labels[i])}). Clusters grow only through core "
                               "points: a border point joins a cluster but does not bring in its own neighbours.")
        kind = "a core point" if core[i] else "a border point (within eps of a core point)"
        raise CheckFailure(f"point {i} is labelled -1 (noise), but it is {kind}, so it belongs to a cluster.")
    if not _same_partition(labels[core], want_labels[core]):
        raise CheckFailure("the core points are grouped into the wrong clusters: two core points are in the same "
                           "cluster exactly when a chain of core points, each within eps of the next, links them "
                           "(clusters grow only through core points).")
    names = dict(zip(want_labels[core].tolist(), labels[core].tolist()))   # our cluster name -> theirs
    for i in np.flatnonzero(~core & ~want_noise):
        if labels[i] != names[int(want_labels[i])]:
            raise CheckFailure(f"border point {i} is in the wrong cluster: a border point joins the cluster of its "
                               "nearest core point (on a tie, the core point with the lowest index).")


register(Exercise(
    key="week05.dbscan",
    function="dbscan",
    make_cases=_dbscan_cases,
    call=lambda function, case: function(case["X"], case["eps"], case["min_samples"]),
    reference=_dbscan_reference,
    describe=lambda case: (f"{len(case['X'])} points, eps = {case['eps']:.3g}, "
                           f"min_samples = {case['min_samples']}"),
    compare=_compare_dbscan,
))
