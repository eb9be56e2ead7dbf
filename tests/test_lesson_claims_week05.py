"""Claims the week 05 lesson makes that a learner could check, checked.

Each test quotes the lesson's words it backs, so a test and its sentence change together. The data are rebuilt
here with the lesson's own parameters.
"""
from __future__ import annotations

import inspect
import math
import os.path
import random
from pathlib import Path

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import DBSCAN, KMeans, kmeans_plusplus
from sklearn.datasets import load_iris, make_blobs, make_moons
from sklearn.metrics import adjusted_rand_score, davies_bouldin_score, silhouette_samples, silhouette_score
from sklearn.preprocessing import StandardScaler

from course.explorers.kmeans_steps import reference_kmeans_steps

SOURCE = Path(__file__).resolve().parents[1] / "source"


def lesson(week: str) -> str:
    """The week's text with comment markers and line breaks removed, for quoting."""
    lines = (SOURCE / week / f"{week}.py").read_text().splitlines()
    return " ".join(line.lstrip("# ").strip() for line in lines)


TEXT = lesson("week05")
X_BLOBS, Y_BLOBS = make_blobs(n_samples=400, centers=4, cluster_std=1.0, random_state=7)
X_MOONS, Y_MOONS = make_moons(n_samples=400, noise=0.05, random_state=0)


def test_neither_lloyd_step_increases_the_inertia():
    assert "Neither step increases $J$" in TEXT and "The inertia curve never goes up" in TEXT
    rng = np.random.default_rng(0)
    for _ in range(20):
        X = rng.normal(size=(60, 2)) * rng.uniform(0.5, 3, size=2)
        init = X[rng.choice(60, size=int(rng.integers(2, 7)), replace=False)]
        inertia = np.array([s[2] for s in reference_kmeans_steps(X, init, 30)])
        assert np.all(np.diff(inertia) <= 1e-9)


def test_two_starts_on_the_blobs_end_at_750_and_above_9500():
    assert "One start ends near 750; the other stalls above 9500" in TEXT
    ends = []
    for seed in (3, 8):
        start = X_BLOBS[np.random.default_rng(seed).choice(len(X_BLOBS), size=4, replace=False)]
        ends.append(reference_kmeans_steps(X_BLOBS, start, 8)[-1][2])
        converged = reference_kmeans_steps(X_BLOBS, start, 100)[-1][2]
        assert converged == pytest.approx(ends[-1], rel=0.01)     # a fixed point: more steps change nothing
    assert 740 < ends[0] < 760 and ends[1] > 9500


def test_kmeans_plus_plus_starts_end_lower_and_reach_the_best_more_often():
    assert "k-means++ starts end, on average, at a lower inertia, and more of them reach the best solution" in TEXT
    X, _ = make_blobs(n_samples=800, centers=8, cluster_std=0.8, center_box=(-10, 10), random_state=11)
    final = {init: np.array([KMeans(n_clusters=8, init=init, n_init=1, random_state=s).fit(X).inertia_
                             for s in range(20)]) for init in ("random", "k-means++")}
    best = min(v.min() for v in final.values())
    assert final["k-means++"].mean() < final["random"].mean()
    assert np.mean(final["k-means++"] < 1.01 * best) > np.mean(final["random"] < 1.01 * best)


def test_scikit_learns_kmeans_plus_plus_is_the_greedy_variant_and_relocates_empty_clusters():
    assert "scikit-learn's default is a \"greedy\" variant" in TEXT
    assert "scikit-learn instead moves it to a point far from its current center" in TEXT
    assert inspect.signature(KMeans).parameters["init"].default == "k-means++"
    assert inspect.signature(kmeans_plusplus).parameters["n_local_trials"].default is None   # 2 + log k trials
    X = np.array([[0.0, 0.0], [0.0, 1.0], [4.0, 0.0], [4.0, 1.0]])
    model = KMeans(n_clusters=2, init=np.array([[0.0, 0.0], [100.0, 100.0]]), n_init=1).fit(X)
    assert not np.allclose(model.cluster_centers_[1], [100.0, 100.0])


def test_the_second_kmeans_plus_plus_center_probability_in_the_public_test():
    assert "(1/3)(9/10) + (1/3)(4/5) + (1/3)(0) = 0.5667" in TEXT
    X = np.array([0.0, 1.0, 3.0])
    p = np.mean([((X - first) ** 2)[2] / ((X - first) ** 2).sum() for first in X])
    assert p == pytest.approx(0.5667, abs=5e-5)


def test_the_elbow_silhouette_and_davies_bouldin_all_pick_four_on_the_blobs():
    assert "the elbow at k = 4" in TEXT and "Both pick $k = 4$ here" in TEXT
    fits = {k: KMeans(n_clusters=k, n_init=10, random_state=0).fit(X_BLOBS) for k in range(1, 10)}
    inertia = np.array([fits[k].inertia_ for k in range(1, 10)])
    drops = -np.diff(inertia)                                  # drops[0] is k = 1 -> 2
    assert drops[2] > 5 * drops[3]                             # 3 -> 4 large, 4 -> 5 small
    silhouettes = {k: silhouette_score(X_BLOBS, fits[k].labels_) for k in range(2, 10)}
    dbs = {k: davies_bouldin_score(X_BLOBS, fits[k].labels_) for k in range(2, 10)}
    assert max(silhouettes, key=silhouettes.get) == 4 and min(dbs, key=dbs.get) == 4


def test_the_moons_score_worse_than_kmeans_straight_cut():
    assert "gets a *worse* silhouette than k-means' straight cut through both moons" in TEXT
    cut = KMeans(n_clusters=2, n_init=10, random_state=0).fit_predict(X_MOONS)
    assert silhouette_score(X_MOONS, Y_MOONS) < silhouette_score(X_MOONS, cut)
    assert davies_bouldin_score(X_MOONS, Y_MOONS) > davies_bouldin_score(X_MOONS, cut)


def test_dbscan_finds_the_moons():
    assert "the two moons, which DBSCAN finds in §7" in TEXT
    labels = DBSCAN(eps=0.2, min_samples=5).fit(X_MOONS).labels_
    assert adjusted_rand_score(Y_MOONS, labels) > 0.99


def test_a_singleton_has_silhouette_zero_in_scikit_learn():
    assert "by convention its silhouette is **0**" in TEXT
    X = np.array([[0.0], [1.0], [3.0]])
    assert silhouette_samples(X, np.array([5, 5, 9]))[2] == 0.0


def test_unscaled_units_hide_the_age_groups_and_standardising_finds_them():
    assert "distances are incomes and the age groups are invisible. **Standardise** first" in TEXT
    rng = np.random.default_rng(0)
    make_blobs(n_samples=450, centers=3, cluster_std=0.8, random_state=170)   # the lesson's cell draws nothing
    age = np.concatenate([rng.normal(30, 5, 200), rng.normal(55, 5, 200)])
    income = rng.normal(50_000, 15_000, 400)
    X, y = np.column_stack([age, income]), np.repeat([0, 1], 200)
    raw = KMeans(n_clusters=2, n_init=10, random_state=0).fit_predict(X)
    scaled = KMeans(n_clusters=2, n_init=10, random_state=0).fit_predict(StandardScaler().fit_transform(X))
    assert adjusted_rand_score(y, raw) < 0.05 and adjusted_rand_score(y, scaled) > 0.9


def test_the_wide_middle_cluster_loses_its_outer_points_to_the_tight_neighbours():
    assert "the wide middle cluster loses its outer points to the tight neighbours" in TEXT
    X, y = make_blobs(n_samples=450, centers=[[0, 0], [4, 0], [8, 0]], cluster_std=[0.3, 2.5, 0.3],
                      random_state=1)
    predicted = KMeans(n_clusters=3, n_init=10, random_state=0).fit_predict(X)
    outer = [np.bincount(predicted[y == c]).argmax() for c in (0, 2)]    # the tight clusters' k-means labels
    middle = predicted[y == 1]
    assert np.mean(np.isin(middle, outer)) > 0.15                        # many middle points go to the sides
    assert np.mean(np.isin(predicted[(y == 0) | (y == 2)], outer)) > 0.99  # the tight clusters stay whole


def test_the_largest_dendrogram_gap_separates_setosa_in_all_three_trees():
    assert "In all three trees the largest gap separates the setosa flowers from the other two species" in TEXT
    iris = load_iris()
    pick = np.random.default_rng(3).choice(150, size=30, replace=False)
    X = StandardScaler().fit_transform(iris.data)[pick]
    species = iris.target[pick]
    for method in ("single", "complete", "ward"):
        Z = linkage(X, method=method)
        gaps = np.diff(Z[:, 2])
        labels = fcluster(Z, Z[gaps.argmax(), 2] + gaps.max() / 2, criterion="distance")
        assert len(set(labels)) == 2
        assert _same_groups(labels, species == 0)


def _same_groups(a, b) -> bool:
    pairs = set(zip(np.asarray(a).tolist(), np.asarray(b).tolist()))
    return len(pairs) == len(set(np.asarray(a).tolist())) == len(set(np.asarray(b).tolist()))


def _customers():
    """The lesson's customers (columns: spend, orders, days since last order, discount share) and their kinds."""
    rng = np.random.default_rng(42)
    kinds = {"loyal big spenders": (2400, 30, 12, 0.10, 120), "bargain hunters": (600, 18, 20, 0.65, 180),
             "occasional": (300, 3, 150, 0.20, 220), "lapsed": (900, 8, 320, 0.15, 80)}
    customers = np.vstack([np.column_stack([rng.gamma(9, spend / 9, count), rng.poisson(orders, count) + 1,
                                            np.clip(rng.normal(recency, recency / 4, count), 0, 365),
                                            np.clip(rng.normal(discount, 0.08, count), 0, 1)])
                           for spend, orders, recency, discount, count in kinds.values()])
    return customers, np.repeat(list(kinds), [v[-1] for v in kinds.values()])


def _customer_segments(customers):
    Z = StandardScaler().fit_transform(customers)
    fits = {k: KMeans(n_clusters=k, n_init=10, random_state=0).fit(Z) for k in range(2, 8)}
    scores = {k: silhouette_score(Z, m.labels_) for k, m in fits.items()}
    return fits, scores


def test_the_customer_silhouette_prefers_three_segments_merging_lapsed_and_occasional():
    assert "The silhouette prefers $k = 3$ although four kinds were built in" in TEXT
    assert "with the \"occasional\" ones (300 customers)" in TEXT
    customers, kind = _customers()
    fits, scores = _customer_segments(customers)
    assert max(scores, key=scores.get) == 3
    labels = fits[3].labels_
    merged = labels[kind == "lapsed"]
    assert len(set(merged.tolist())) == 1 and np.all(labels[kind == "occasional"] == merged[0])
    assert np.sum(labels == merged[0]) == 300


def test_spending_is_skewed_so_each_segments_mean_spend_is_above_its_median():
    assert "medians, because spending is skewed: a few big spenders would pull a mean up" in TEXT
    customers, _ = _customers()
    labels = _customer_segments(customers)[0][3].labels_
    spend = customers[:, 0]
    assert spend.mean() > 1.2 * np.median(spend)
    for j in range(3):
        assert spend[labels == j].mean() > np.median(spend[labels == j])


def test_pandas_describe_uses_the_sample_standard_deviation_and_shortens_long_texts():
    pd = pytest.importorskip("pandas")
    assert "`std` here is pandas' sample standard deviation, with $n - 1$" in TEXT
    assert "pandas shortens long texts with \"...\"" in TEXT
    customers, _ = _customers()
    described = pd.DataFrame(customers).describe()
    assert np.allclose(described.loc["std"], customers.std(axis=0, ddof=1))
    assert not np.allclose(described.loc["std"], customers.std(axis=0, ddof=0))
    assert pd.get_option("display.max_colwidth") == 50
    long_text = pd.DataFrame({"docstring": [inspect.getdoc(math.fsum)]})     # what a cell's display shows
    assert "..." in repr(long_text) and "..." in long_text._repr_html_()


def test_dbscan_flags_the_planted_transactions_and_a_few_ordinary_ones():
    assert "DBSCAN flags the planted transactions together with a few ordinary ones" in TEXT
    rng = np.random.default_rng(7)
    hours = np.concatenate([rng.normal(13, 3, 700), rng.normal(20, 1.5, 300)]) % 24
    amounts = np.exp(rng.normal(3.3, 0.6, 1000))
    odd_hours, odd_amounts = rng.uniform(1, 5, 15), np.exp(rng.normal(6.5, 0.4, 15))
    hour, amount = np.concatenate([hours, odd_hours]), np.concatenate([amounts, odd_amounts])
    planted = np.r_[np.zeros(1000, bool), np.ones(15, bool)]
    angle = 2 * np.pi * hour / 24
    features = StandardScaler().fit_transform(np.column_stack([np.cos(angle), np.sin(angle), np.log(amount)]))
    flagged = DBSCAN(eps=0.5, min_samples=8).fit(features).labels_ == -1
    assert np.all(flagged[planted]) and 0 < np.sum(flagged & ~planted) <= 30


def test_the_document_corpus_comes_from_installed_docstrings():
    assert "the documentation strings of the functions of `math` and `os.path`" in TEXT
    for owner in (math, os.path, random.Random, str):
        documented = [name for name, member in inspect.getmembers(owner)
                      if callable(member) and not name.startswith("_") and inspect.getdoc(member)]
        assert len(documented) >= 10


def test_single_linkage_chains_across_the_bridge_and_follows_the_moons():
    assert "single linkage's top merges only cut off lone outlying points" in TEXT
    assert "complete, average and Ward linkage split the two blobs at the top of the tree" in TEXT
    assert "single linkage is the only one of the four whose top two clusters are the two moons" in TEXT
    from course.explorers.dendrogram_cut import cut_dataset
    bridge, blob = cut_dataset("a bridge between two blobs"), np.repeat([0, 1], 40)
    for k in (2, 3):
        sizes = np.bincount(fcluster(linkage(bridge, "single"), k, criterion="maxclust"))[1:]
        assert sorted(sizes)[:-1] == [1] * (k - 1)            # the others are single points
    for method in ("complete", "average", "ward"):
        top = fcluster(linkage(bridge, method), 2, criterion="maxclust")
        assert adjusted_rand_score(blob, top[:80]) == 1.0
    X, y = make_moons(n_samples=80, noise=0.05, random_state=1)
    assert np.allclose(cut_dataset("moons"), X)
    for method in ("single", "complete", "average", "ward"):
        ari = adjusted_rand_score(y, fcluster(linkage(X, method), 2, criterion="maxclust"))
        assert (ari == 1.0) if method == "single" else (ari < 0.7)


def test_the_kmeans_explorers_blobs_have_bad_random_starts_that_kmeans_plus_plus_mostly_avoids():
    assert "some end with two centers in one blob. Switch to k-means++ and try the same starts" in TEXT
    from course.explorers.kmeans_steps import KMeansSteps
    bad = {}
    for init in ("random points", "k-means++"):
        ends = np.array([KMeansSteps(dataset="blobs", k=4, init=init, start=s, step=15).compute().inertia[-1]
                         for s in range(10)])
        bad[init] = int(np.sum(ends > 1.5 * ends.min()))
        if init == "random points":   # a bad end: one blob split between two centers, two blobs sharing one
            start = int(np.argmax(ends))
            p = KMeansSteps(dataset="blobs", k=4, init=init, start=start, step=15).compute()
            from sklearn.datasets import make_blobs
            truth = make_blobs(n_samples=300, centers=4, cluster_std=0.9, random_state=3)[1]
            split = [len(set(p.labels[truth == c].tolist())) for c in range(4)]
            assert max(split) == 2
    assert bad["random points"] >= 2 and bad["k-means++"] < bad["random points"]


def test_the_kmeans_explorers_hard_data_sets_defeat_even_the_best_start_and_most_runs_converge():
    assert "even the best start gives clusters that cut across the groups you see" in TEXT
    assert "most runs stop changing within a few steps (a few need more than the 15 shown)" in TEXT
    from sklearn.datasets import make_blobs as blobs
    from course.explorers.kmeans_steps import DATASETS, KMeansSteps, make_dataset
    truth = {"anisotropic": (blobs(n_samples=300, centers=3, cluster_std=0.8, random_state=170)[1], 3),
             "moons": (make_moons(n_samples=300, noise=0.06, random_state=0)[1], 2),
             "unequal sizes": (np.repeat([0, 1, 2], [240, 30, 30]), 3)}
    for name, (y, k) in truth.items():
        labels = KMeans(n_clusters=k, n_init=50, random_state=0).fit_predict(make_dataset(name))
        assert adjusted_rand_score(y, labels) < 0.9
    converged = [KMeansSteps(dataset=d, k=k, init=i, start=s).compute().converged_at
                 for d in DATASETS for k in (2, 3, 4) for i in ("random points", "k-means++") for s in range(4)]
    done = [c for c in converged if c is not None]
    assert len(done) >= 0.8 * len(converged) and np.median(done) <= 6 and len(done) < len(converged)


def test_dbscans_k_distance_curve_has_two_levels_on_unequal_densities():
    assert "the k-distance curve has two levels, one per density" in TEXT
    assert "an `eps` that fits the tight cluster leaves much of the wide one as noise" in TEXT
    from course.explorers.density import DBSCANStudy, density_dataset
    X = density_dataset("unequal densities")
    D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    k_distance = np.sort(D, axis=1)[:, 4]                   # min_samples = 5
    tight, wide = k_distance[:150], k_distance[150:]
    assert np.median(wide) > 3 * np.median(tight)
    eps = float(np.quantile(tight, 0.9))
    picture = DBSCANStudy(dataset="unequal densities", eps=eps, min_samples=5).compute()
    assert np.mean(picture.labels[150:] == -1) > 0.3 and np.mean(picture.labels[:150] == -1) < 0.15


def test_the_k_distance_says_which_points_are_core_and_eps_shrinks_the_noise():
    assert "A point is core exactly when this distance is at most `eps`" in TEXT
    assert "a larger `eps` or smaller `min_samples` flags fewer points" in TEXT
    X = X_MOONS[:200]
    D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    previous = None
    for eps in (0.05, 0.08, 0.1, 0.15, 0.2):
        for m in (3, 5, 8):
            model = DBSCAN(eps=eps, min_samples=m).fit(X)
            core = np.zeros(len(X), bool)
            core[model.core_sample_indices_] = True
            assert np.array_equal(core, np.sort(D, axis=1)[:, m - 1] <= eps)
        noise = np.sum(DBSCAN(eps=eps, min_samples=5).fit(X).labels_ == -1)
        assert previous is None or noise <= previous
        previous = noise
    counts = [np.sum(DBSCAN(eps=0.1, min_samples=m).fit(X).labels_ == -1) for m in (10, 8, 5, 3)]
    assert counts == sorted(counts, reverse=True)


def test_the_adjusted_rand_index_is_one_for_a_renaming_and_near_zero_for_random_labels():
    assert "ARI: 1 for the same partition up to renaming the clusters, about 0 for a random one" in TEXT
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, 500)
    assert adjusted_rand_score(y, (y + 1) % 4 * 10) == 1.0
    assert abs(adjusted_rand_score(y, rng.integers(0, 4, 500))) < 0.02
