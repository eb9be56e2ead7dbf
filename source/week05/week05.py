# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: nbgrader,tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,-all
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Week 05 — Unsupervised learning I: clustering
#
# Until now every data set came with the answer: a label or a target to predict, and a test set to score against.
# This week the labels are gone. **Clustering** looks for groups in the data by itself: customers who behave
# alike, documents about the same topic, the few transactions that look like no others. Without labels there is
# no test error, so the hard question is not only *how* to cluster but *how to tell whether a clustering is any
# good*. You will build the three classic methods from scratch, k-means, hierarchical clustering and DBSCAN, and
# the scores used to judge them, and you will see each one fail in a way you can predict.
#
# | § | topic | you implement |
# |---|---|---|
# | 1 | what "unsupervised" means; judging a clustering without labels | |
# | 2 | k-means: the objective and Lloyd's iterations | `kmeans` |
# | 3 | initialisation and k-means++ (explorer) | `kmeans_plus_plus` |
# | 4 | judging clusters: silhouette, Davies–Bouldin, inertia and the elbow | `silhouette_samples`, `davies_bouldin` |
# | 5 | when k-means fails: non-convex shapes, unequal variances, scaling | |
# | 6 | hierarchical clustering: linkages, dendrograms, where to cut (explorer) | `linkage_matrix` |
# | 7 | DBSCAN: core, border and noise points; the k-distance plot (explorer) | `dbscan` |
# | 8 | projects: customer segmentation, document clustering, anomaly detection | |
# | 9 | checkpoint | four questions + one written answer |

# %% [markdown]
# ## How to work this week
#
# 1. **Run the cells in order**, from the top (the imports cell first). If something looks odd, use
#    *Kernel → Restart Kernel and Run All Cells*.
# 2. Where a cell says `# YOUR CODE HERE` and `raise NotImplementedError()`, delete the `raise` line and write your
#    implementation in NumPy (no scikit-learn or SciPy in your answers: they are what your code is compared with).
# 3. **Run the public test cell** under each exercise: small inputs whose expected values you can read.
# 4. Then try **fresh random inputs** compared with a library reference, as often as you like, e.g.
#    `check("week05.kmeans", kmeans)`. It prints ✓ or what went wrong.
# 5. **Hidden tests** run when the notebook is graded: randomized inputs compared with scikit-learn and SciPy. If
#    `check(...)` passes reliably, they will pass too.
# 6. The explorers run **your** functions once they pass their checks, and a reference until then; they say whose
#    code runs.

# %%
# %matplotlib inline
import inspect
import math
import os.path
import random

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import dendrogram, fcluster, linkage
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.datasets import load_iris, make_blobs, make_moons
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, davies_bouldin_score, silhouette_score
from sklearn.preprocessing import StandardScaler

from course.checks import expect_close, expect_equal, expect_choice, expect_true, expect_unchanged
from course.exercises import check, grade

np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 3)      # tables show 3 decimals

# %% [markdown]
# ## 1. What "unsupervised" means
#
# In supervised learning each example $\mathbf x_i$ comes with a target $y_i$, and "good" means "predicts $y$ well
# on new data". In **unsupervised** learning there are only the $\mathbf x_i$. A clustering method assigns each
# example a cluster number, but nothing says what the right clusters are: the same points can reasonably be split
# into two groups or five, by shape or by density. So a clustering is judged in three ways:
#
# * **Internal** scores use only the data and the clustering: are points close to their own cluster and far from
#   the others? Inertia, the silhouette and the Davies–Bouldin index (§4) are of this kind. Each one encodes a
#   particular idea of what a cluster is, and rewards methods that share it.
# * **External** scores compare with labels that someone happens to have, such as the **adjusted Rand index**
#   (ARI: 1 for the same partition up to renaming the clusters, about 0 for a random one). We use them in this
#   lesson, on data where we generated the groups, to *see* what a method does. In practice you rarely have them.
# * **Usefulness**: do the clusters mean something to the people who will use them (a marketing team, an analyst
#   reading documents)? This is the test that matters, and no formula replaces it.
#
# Here is the simplest case, four blobs in the plane, without and with the labels the generator used:

# %%
X_blobs, y_blobs = make_blobs(n_samples=400, centers=4, cluster_std=1.0, random_state=7)
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
left.scatter(*X_blobs.T, s=8, color="grey")
left.set_title("what a clustering method sees")
right.scatter(*X_blobs.T, s=8, c=y_blobs, cmap="tab10", vmin=0, vmax=9)
right.set_title("the groups the generator used (unknown in practice)")
plt.show()

# %% [markdown]
# ## 2. k-means
#
# **k-means** describes each of $k$ clusters by a **center** $\boldsymbol\mu_j$ and puts each point in the cluster
# of its nearest center. It chooses the centers and the assignment $c(i) \in \{0, \dots, k-1\}$ to minimise the
# **inertia** (the within-cluster sum of squares)
#
# $$J(c, \boldsymbol\mu) = \sum_{i=1}^n \lVert \mathbf x_i - \boldsymbol\mu_{c(i)} \rVert^2 .$$
#
# Minimising $J$ exactly is NP-hard, but it is easy in each half separately, and **Lloyd's algorithm** alternates
# the two halves from some initial centers:
#
# 1. **Assignment step**: with the centers fixed, give each point to its nearest center. This can only lower
#    each term of $J$.
# 2. **Update step**: with the assignment fixed, move each center to the **mean** of its points. The mean is the
#    point that minimises a sum of squared distances ($\sum_i \lVert\mathbf x_i - \boldsymbol\mu\rVert^2$ has
#    gradient $2\sum_i(\boldsymbol\mu - \mathbf x_i)$, zero at the mean), so this can only lower $J$ too.
#
# **Why it converges.** Neither step increases $J$, and there are only finitely many ways to assign $n$ points to
# $k$ clusters. So the assignment must eventually repeat, and when the assignment no longer changes, the centers no
# longer move: Lloyd's algorithm stops after finitely many steps. What it stops at is a **local** minimum, a
# fixed point of the two steps, which depends on where it started (§3).
#
# One detail needs a rule: a cluster can lose all its points in an assignment step, and the mean of no points is
# undefined. Here an **empty cluster keeps its previous center**. (scikit-learn instead moves it to a point far
# from its current center; the hidden tests use cases where the two rules agree, plus two whose far-away center
# stays empty.)
#
# ### Exercise 1 — `kmeans`
#
# Run Lloyd's algorithm from the given initial centers.
#
# * One **iteration** is an assignment step followed by an update step. Run at most `n_iter` of them, and stop
#   early when an assignment step gives the same labels as the previous one (nothing can change any more).
# * Return `(centers, labels, inertia)`: the centers after the last update (shape `(k, d)`, floats; row `j` is
#   the cluster whose center started at `init[j]`); `labels[i]`, the index of the center nearest to point `i`
#   **among the returned centers** (integers, ties to the lower index as `argmin` gives); and the inertia of that
#   assignment, $\sum_i \lVert\mathbf x_i - \boldsymbol\mu_{\text{labels}[i]}\rVert^2$.
# * Do not modify `X` or `init` (copy `init` before moving the centers).
#
# All squared distances at once: `((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)` has shape `(n, k)`.

# %% nbgrader={"grade": false, "grade_id": "kmeans", "locked": false, "schema_version": 3, "solution": true, "task": false}
def kmeans(X, init, n_iter):
    """Lloyd's k-means from given initial centers.

    X      : data, shape (n, d).
    init   : initial centers, shape (k, d) (not modified).
    n_iter : the maximum number of iterations (assignment + update); stop early when the labels stop changing.
    Returns (centers, labels, inertia): centers (k, d) after the last update, row j the cluster that started at
    init[j]; labels (n,) ints, each point's nearest returned center (ties: the lower index); inertia, the sum of
    squared distances from each point to that center.  A cluster that gets no points keeps its previous center.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    centers = np.array(init, dtype=float)
    previous = None
    for _ in range(n_iter):
        distances = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
        labels = distances.argmin(axis=1)
        for j in range(len(centers)):
            members = labels == j
            if members.any():                 # an empty cluster keeps its center
                centers[j] = X[members].mean(axis=0)
        if previous is not None and np.array_equal(labels, previous):
            break                             # converged: the assignment no longer changes
        previous = labels
    distances = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    labels = distances.argmin(axis=1)
    inertia = float(distances[np.arange(len(X)), labels].sum())
    return centers, labels, inertia
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "kmeans_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
X_square = np.array([[0.0, 0.0], [0.0, 1.0], [4.0, 0.0], [4.0, 1.0]])
init_square = np.array([[0.0, 0.0], [4.0, 0.0]])
centers, labels, inertia = kmeans(X_square, init_square, 10)
expect_close(centers, [[0.0, 0.5], [4.0, 0.5]], name="the centers for two pairs of points")
expect_equal(np.asarray(labels), np.array([0, 0, 1, 1]), name="the labels for two pairs of points")
expect_close(inertia, 1.0, name="the inertia (four points at distance 0.5 from their centers)",
             slips={"the sum of distances (the inertia sums SQUARED distances)": 2.0,
                    "the mean of the squared distances (the inertia is their sum)": 0.25})
expect_unchanged(init_square, [[0.0, 0.0], [4.0, 0.0]], "kmeans", "init", name="init is left unchanged")
# One iteration from a poor start: (4, 0) is as far from (0, 0) as from (4, 4), and the tie goes to the lower
# index, so the first center takes three points; afterwards (4, 0) is nearer the second center.
centers, labels, inertia = kmeans(X_square, np.array([[0.0, 0.0], [4.0, 4.0]]), 1)
expect_close(centers, [[4 / 3, 1 / 3], [4.0, 1.0]], name="the centers after one iteration")
expect_close(labels, [0, 0, 1, 1], name="the labels: nearest of the NEW centers",
             slips={"the assignment made before the last update (return the nearest of the returned centers)":
                    [0, 0, 0, 1]})
# A center far from every point never gets any: it keeps its place.
centers, _, _ = kmeans(X_square, np.array([[0.0, 0.0], [100.0, 100.0]]), 5)
expect_close(centers, [[2.0, 0.5], [100.0, 100.0]], name="the centers when one cluster stays empty")
print("✓ public checks passed: kmeans (two pairs, one iteration, an empty cluster)")

# %% nbgrader={"grade": true, "grade_id": "kmeans_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random blobs in 2 to 5 dimensions, k from 1 to 6, init = k
# random data points, n_iter from 1 to 100 (so some runs stop before converging), and two cases with one center
# far from every point (its cluster stays empty). Compared with KMeans(init=init, n_init=1, algorithm="lloyd",
# max_iter=n_iter, tol=0): centers, labels (cluster j is the one that started at init[j]) and inertia.
# Try them yourself now: check("week05.kmeans", kmeans)
### BEGIN HIDDEN TESTS
grade("week05.kmeans", kmeans)
### END HIDDEN TESTS

# %%
check("week05.kmeans", kmeans);

# %% [markdown]
# Watch the inertia fall, step by step, on the four blobs, from two starts of four random data points each.
# Every step lowers it or leaves it unchanged. One start ends near 750; the other stalls above 9500, at a local
# minimum that no further step can leave.

# %%
from course.explorers.kmeans_steps import reference_kmeans_steps


def inertia_per_step(X, init, steps):
    """Inertia after 0, 1, ..., steps iterations: your kmeans once it works, else the reference."""
    try:
        return [kmeans(X, init, 0)[2]] + [kmeans(X, init, t)[2] for t in range(1, steps + 1)]
    except NotImplementedError:
        return [inertia for _, _, inertia in reference_kmeans_steps(X, init, steps)]


for seed in (3, 8):
    start = X_blobs[np.random.default_rng(seed).choice(len(X_blobs), size=4, replace=False)]
    print(f"start {seed}: inertia after 0, 1, ..., 8 iterations:",
          " ".join(f"{value:.0f}" for value in inertia_per_step(X_blobs, start, 8)))

# %% [markdown]
# ## 3. Initialisation and k-means++
#
# Lloyd's algorithm finds a local minimum near its start. A bad start, say two initial centers inside one true
# cluster and none in another, can end with two centers sharing a blob and one center straddling two. The
# standard remedies:
#
# * **Several restarts**: run from `n_init` different starts and keep the run with the lowest inertia
#   (scikit-learn's `n_init`).
# * **A better start**: **k-means++** (Arthur & Vassilvitskii, 2007) spreads the initial centers out. It picks the
#   first center uniformly at random among the data points; then each next center is a data point drawn with
#   probability proportional to $D(\mathbf x)^2$, the squared distance from $\mathbf x$ to the nearest center
#   chosen so far. Points far from every current center are likely picks; points already chosen have $D = 0$ and
#   are never picked again. On average the resulting start is within a factor $O(\log k)$ of the optimal
#   inertia *before* any Lloyd iteration.
#
# (scikit-learn's default is a "greedy" variant that draws a few candidates at each step and keeps the one that
# lowers the inertia most; the plain version is the one analysed in the paper, and the one you write.)
#
# ### Exercise 2 — `kmeans_plus_plus`
#
# Return `k` initial centers (shape `(k, d)`, copies of rows of `X`), chosen by k-means++. Draw every random
# number from the generator `rng` you are given, for example `rng.integers(n)` for the first index and
# `rng.choice(n, p=probabilities)` for the next ones, so that the same seed gives the same centers. The hidden
# tests call it thousands of times with different seeds and compare how often each point is chosen with the exact
# k-means++ probabilities.

# %% nbgrader={"grade": false, "grade_id": "kmeans_plus_plus", "locked": false, "schema_version": 3, "solution": true, "task": false}
def kmeans_plus_plus(X, k, rng):
    """k-means++ initial centers.

    X   : data, shape (n, d), n >= k, rows distinct.
    k   : number of centers.
    rng : a np.random.Generator; draw every random number from it.
    Returns an array (k, d) of rows of X: the first uniformly at random, each next one with probability
    proportional to D(x)^2, the squared distance to the nearest center chosen so far.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    n = len(X)
    chosen = [int(rng.integers(n))]
    d2 = ((X - X[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, k):
        i = int(rng.choice(n, p=d2 / d2.sum()))
        chosen.append(i)
        d2 = np.minimum(d2, ((X - X[i]) ** 2).sum(axis=1))
    return X[chosen].copy()
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "kmeans_plus_plus_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
X_line = np.array([[0.0], [1.0], [3.0]])
centers_pp = kmeans_plus_plus(X_line, 3, np.random.default_rng(0))
expect_equal(np.shape(centers_pp), (3, 1), name="the shape for k = 3 centers in 1-D")
expect_equal(np.sort(np.asarray(centers_pp).ravel()), np.array([0.0, 1.0, 3.0]),
             name="k = n picks every point exactly once")
expect_equal(np.asarray(kmeans_plus_plus(X_line, 2, np.random.default_rng(7))),
             np.asarray(kmeans_plus_plus(X_line, 2, np.random.default_rng(7))), name="the same seed, the same centers")
# The second center is x = 3 with probability (1/3)(9/10) + (1/3)(4/5) + (1/3)(0) = 0.5667.
second = [float(np.asarray(kmeans_plus_plus(X_line, 2, np.random.default_rng(seed)))[1, 0]) for seed in range(3000)]
expect_close(np.mean(np.array(second) == 3.0), 0.5667, atol=0.035,
             name="how often the second center is x = 3, over 3000 seeds")
print("✓ public checks passed: kmeans_plus_plus (shape, k = n, reproducible, D² frequencies)")

# %% nbgrader={"grade": true, "grade_id": "kmeans_plus_plus_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 5 to 200 random points at very different distances, k from 1 to 6. Checked: shape, every center is
# a distinct row of X, the same seed gives the same centers, and, over 2000 to 3000 seeded runs, the frequencies
# of the first center (uniform) and of each next center given the previous ones (∝ D²), by chi-square tests.
# Try them yourself now: check("week05.kmeans_plus_plus", kmeans_plus_plus)
### BEGIN HIDDEN TESTS
grade("week05.kmeans_plus_plus", kmeans_plus_plus)
### END HIDDEN TESTS

# %%
check("week05.kmeans_plus_plus", kmeans_plus_plus);

# %% [markdown]
# ### Explorer: k-means step by step
#
# Choose a data set, $k$ and a start, then move the **step** slider: the points take the colour of their nearest
# center, the shaded regions are the **Voronoi cells** of the centers (the part of the plane nearest to each),
# the black lines trace each center's path, and the right panel shows the inertia after each step. Things to try:
#
# * On **blobs** with $k = 4$, try several random starts (the *start* slider): some end with two centers in one
#   blob. Switch to k-means++ and try the same starts.
# * On **anisotropic**, **moons** and **unequal sizes** (with $k$ = 3, 2 and 3), even the best start gives
#   clusters that cut across the groups you see: §5 explains why.
# * The inertia curve never goes up, and most runs stop changing within a few steps (a few need more than the 15
#   shown).

# %%
from course.explorers import kmeans_explorer

kmeans_explorer(kmeans, kmeans_plus_plus)

# %% [markdown]
# How much does the start matter? Twenty single runs from random data points and twenty from k-means++ starts, on
# a harder version of the blobs (eight clusters), each run to convergence by scikit-learn:

# %%
X_eight, y_eight = make_blobs(n_samples=800, centers=8, cluster_std=0.8, center_box=(-10, 10), random_state=11)
final = pd.DataFrame({init: [KMeans(n_clusters=8, init=init, n_init=1, random_state=seed).fit(X_eight).inertia_
                              for seed in range(20)]
                      for init in ("random", "k-means++")})      # one row per run, one column per start
best = final.min().min()
starts = final.agg(["mean", "min", "max"]).T.set_axis(["mean inertia", "best", "worst"], axis=1)
starts["share of runs within 1 % of the best"] = (final < 1.01 * best).mean()
starts.rename_axis("start")

# %% [markdown]
# k-means++ starts end, on average, at a lower inertia, and more of them reach the best solution; restarts
# (`n_init`) take care of the rest. This is why scikit-learn uses k-means++ by default.

# %% [markdown]
# ## 4. Judging a clustering: inertia, the elbow, the silhouette and Davies–Bouldin
#
# **Inertia cannot choose $k$.** More centers always fit at least as well: with $k = n$ the inertia is 0. What you
# can look for is an **elbow**, a $k$ after which adding centers helps much less. On the four blobs:

# %%
ks = range(1, 10)
fits = {k: KMeans(n_clusters=k, n_init=10, random_state=0).fit(X_blobs) for k in ks}
fig, ax = plt.subplots(figsize=(5.5, 3.3))
ax.plot(list(ks), [fits[k].inertia_ for k in ks], "o-")
ax.set_xlabel("k")
ax.set_ylabel("inertia")
ax.set_title("the elbow at k = 4: after it, more centers buy little")
plt.show()

# %% [markdown]
# The elbow is clear here and vague on most real data. Scores that compare the **cohesion** of a cluster with its
# **separation** from the others can be maximised or minimised instead, which makes them usable to choose $k$ and
# to compare methods.
#
# **The silhouette** (Rousseeuw, 1987). For point $i$ in cluster $C$, let
#
# * $a(i)$ = the mean distance from $i$ to the **other** points of its own cluster (divide by $|C| - 1$);
# * $b(i)$ = the smallest, over the other clusters $C'$, of the mean distance from $i$ to the points of $C'$
#   (the "neighbouring" cluster).
#
# $$s(i) = \frac{b(i) - a(i)}{\max\big(a(i), b(i)\big)} \in [-1, 1] .$$
#
# $s(i)$ near 1: $i$ sits well inside its cluster; near 0: on the border between two; negative: it would be
# closer, on average, to the neighbouring cluster. A point **alone in its cluster** has no $a(i)$; by convention
# its silhouette is **0** (so one cannot score well by making every point a cluster). The **silhouette score** of
# a clustering is the mean of $s(i)$ over all points (`sklearn.metrics.silhouette_score`).
#
# ### Exercise 3 — `silhouette_samples`
#
# Return $s(i)$ for every point, with Euclidean distances, as `sklearn.metrics.silhouette_samples` does. The
# labels can be any integers (not necessarily $0, \dots, k-1$); there are at least 2 clusters and fewer than $n$.
# A vectorised route: the $n\times n$ distance matrix `D`, a one-hot matrix `member` of shape `(n, k)` from
# `np.unique(labels, return_inverse=True)`, then `D @ member` holds the sum of distances from each point to each
# cluster.

# %% nbgrader={"grade": false, "grade_id": "silhouette_samples", "locked": false, "schema_version": 3, "solution": true, "task": false}
def silhouette_samples(X, labels):
    """The silhouette s(i) of every point.

    X      : data, shape (n, d).
    labels : cluster labels, shape (n,), any integers; 2 <= number of clusters <= n - 1.
    Returns an array (n,): s(i) = (b - a) / max(a, b) with Euclidean distances, a = mean distance to the other
    points of i's cluster, b = the smallest mean distance to the points of another cluster; 0 for a point alone
    in its cluster (and 0 where a = b = 0).
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    D = np.sqrt(np.maximum(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2), 0.0))
    names, which = np.unique(labels, return_inverse=True)
    member = which[:, None] == np.arange(len(names))[None, :]     # (n, k) one-hot
    sizes = member.sum(axis=0)
    sums = D @ member                                              # distance sums to each cluster
    own = sizes[which]
    a = sums[np.arange(len(X)), which] / np.maximum(own - 1, 1)
    means = sums / sizes
    means[np.arange(len(X)), which] = np.inf                       # b looks only at the other clusters
    b = means.min(axis=1)
    s = np.zeros(len(X))
    ok = (own > 1) & (np.maximum(a, b) > 0)
    s[ok] = (b[ok] - a[ok]) / np.maximum(a[ok], b[ok])
    return s
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "silhouette_samples_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Points 0, 1 and 3 on a line; 0 and 1 form one cluster, 3 the other.
# Point 0: a = 1, b = 3, s = 2/3. Point 1: a = 1, b = 2, s = 1/2. Point 3 is alone: s = 0.
X_three = np.array([[0.0], [1.0], [3.0]])
expect_close(silhouette_samples(X_three, np.array([5, 5, 9])), [2 / 3, 1 / 2, 0.0],
             name="the silhouettes of 0, 1 | 3",
             slips={"dividing a(i) by the cluster's size instead of size - 1 (leave the point itself out)":
                    [5 / 6, 3 / 4, 0.0],
                    "giving a point alone in its cluster 1 (its silhouette is 0 by convention)": [2 / 3, 1 / 2, 1.0]})
# Two tight pairs far apart: every point's silhouette is (10 - 1) / 10 = 0.9 (up to the diagonal distance).
X_pairs = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 10.0], [1.0, 10.0]])
expect_close(silhouette_samples(X_pairs, np.array([0, 0, 1, 1])),
             np.full(4, 1 - 1 / ((10 + np.sqrt(101)) / 2)), name="the silhouettes of two tight pairs")
print("✓ public checks passed: silhouette_samples (a line with a singleton, two pairs)")

# %% nbgrader={"grade": true, "grade_id": "silhouette_samples_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random blobs of 12 to 60 points in 1 to 5 dimensions, 2 to 5 clusters, labels such as
# (7, 2, 11, 40, 5) or (-1, 3, 8, 100), two cases with a cluster of a single point. Compared with
# sklearn.metrics.silhouette_samples.
# Try them yourself now: check("week05.silhouette_samples", silhouette_samples)
### BEGIN HIDDEN TESTS
grade("week05.silhouette_samples", silhouette_samples)
### END HIDDEN TESTS

# %%
check("week05.silhouette_samples", silhouette_samples);

# %% [markdown]
# **The Davies–Bouldin index** (1979) compares clusters pairwise. With centroid $\mathbf c_i$ and **scatter**
# $s_i$ (the mean distance from the points of cluster $i$ to $\mathbf c_i$), the similarity of clusters $i$ and
# $j$ is $R_{ij} = (s_i + s_j)/\lVert\mathbf c_i - \mathbf c_j\rVert$: large when two wide clusters sit close
# together. Each cluster is scored by its **most similar** other cluster, and the index averages those scores:
#
# $$\mathrm{DB} = \frac1k \sum_{i=1}^k \max_{j \ne i} R_{ij} \qquad (\text{lower is better; } 0 \text{ is the minimum}).$$
#
# ### Exercise 4 — `davies_bouldin`
#
# Return the index as a float, as `sklearn.metrics.davies_bouldin_score` computes it (Euclidean distances; labels
# any integers, at least 2 clusters with distinct centroids).

# %% nbgrader={"grade": false, "grade_id": "davies_bouldin", "locked": false, "schema_version": 3, "solution": true, "task": false}
def davies_bouldin(X, labels):
    """The Davies-Bouldin index: the mean over clusters of max_{j != i} (s_i + s_j) / ||c_i - c_j||.

    X      : data, shape (n, d).
    labels : cluster labels, shape (n,), any integers, at least 2 clusters.
    s_i is the mean Euclidean distance from cluster i's points to its centroid c_i (the mean of its points).
    Returns a float.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    names = np.unique(labels)
    centroids = np.array([X[labels == c].mean(axis=0) for c in names])
    scatter = np.array([np.sqrt(((X[labels == c] - m) ** 2).sum(axis=1)).mean() for c, m in zip(names, centroids)])
    separation = np.sqrt(((centroids[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(separation, np.inf)          # a cluster is not compared with itself
    ratio = (scatter[:, None] + scatter[None, :]) / separation
    return float(ratio.max(axis=1).mean())
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "davies_bouldin_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Clusters {0, 2} and {10, 12} on a line: scatters 1 and 1, centroids 1 and 11, so R = 2 / 10 = 0.2 for both.
X_two = np.array([[0.0], [2.0], [10.0], [12.0]])
expect_close(davies_bouldin(X_two, np.array([0, 0, 1, 1])), 0.2, name="Davies-Bouldin of {0, 2} and {10, 12}")
# Add a single point at 20 (scatter 0): R = 2/10 for the first two, 1/19 and 1/9 with the new one; each cluster
# takes its maximum.
X_more = np.array([[0.0], [2.0], [10.0], [12.0], [20.0]])
expect_close(davies_bouldin(X_more, np.array([3, 3, 8, 8, 1])), (0.2 + 0.2 + 1 / 9) / 3,
             name="Davies-Bouldin with a third cluster of one point",
             slips={"each cluster's LEAST similar cluster (take the maximum of R_ij over j, not the minimum)":
                    (1 / 19 + 1 / 9 + 1 / 19) / 3})
print("✓ public checks passed: davies_bouldin (two and three clusters on a line)")

# %% nbgrader={"grade": true, "grade_id": "davies_bouldin_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: the same kinds of random clusterings as for the silhouette (singletons and unusual labels
# included), compared with sklearn.metrics.davies_bouldin_score.
# Try them yourself now: check("week05.davies_bouldin", davies_bouldin)
### BEGIN HIDDEN TESTS
grade("week05.davies_bouldin", davies_bouldin)
### END HIDDEN TESTS

# %%
check("week05.davies_bouldin", davies_bouldin);

# %% [markdown]
# Both scores against $k$ on the four blobs (your functions once they pass, scikit-learn's until then):

# %%
def mean_silhouette(X, labels):
    try:
        return float(np.mean(silhouette_samples(X, labels)))
    except NotImplementedError:
        return silhouette_score(X, labels)


def db_index(X, labels):
    try:
        return davies_bouldin(X, labels)
    except NotImplementedError:
        return davies_bouldin_score(X, labels)


pd.DataFrame({"inertia": [fits[k].inertia_ for k in ks[1:]],
              "silhouette (higher is better)": [mean_silhouette(X_blobs, fits[k].labels_) for k in ks[1:]],
              "Davies-Bouldin (lower is better)": [db_index(X_blobs, fits[k].labels_) for k in ks[1:]]},
             index=pd.Index(ks[1:], name="k"))

# %% [markdown]
# Both pick $k = 4$ here. **When they mislead.** The silhouette, Davies–Bouldin and inertia all measure distances
# to a cluster's middle, so they prefer **compact, round, similar-sized** clusters: the clusters k-means makes.
# On two interleaved half-moons, the split every person sees (the two moons, which DBSCAN finds in §7) gets a
# *worse* silhouette than k-means' straight cut through both moons:

# %%
X_moons, y_moons = make_moons(n_samples=400, noise=0.05, random_state=0)
cut = KMeans(n_clusters=2, n_init=10, random_state=0).fit_predict(X_moons)
print(f"silhouette of the two moons (the true groups): {silhouette_score(X_moons, y_moons):.3f}")
print(f"silhouette of k-means' straight cut:           {silhouette_score(X_moons, cut):.3f}")
print(f"Davies-Bouldin: moons {davies_bouldin_score(X_moons, y_moons):.3f}, "
      f"k-means {davies_bouldin_score(X_moons, cut):.3f} (lower is better)")

# %% [markdown]
# Internal scores are useful to compare runs of one method (different $k$, different starts), and dangerous to
# compare methods whose idea of a cluster differs. Other traps: all three depend on the **scaling** of the
# features (§5); inertia and the silhouette are not comparable across data sets; and none of them can say that
# there are no clusters at all (uniform noise still gets a "best" $k$).

# %% [markdown]
# ## 5. When k-means fails
#
# k-means' inertia is a sum of squared Euclidean distances to a center, so it implicitly assumes clusters that are
# **round** (the same spread in every direction), of **similar size and spread**, and **convex**, in features on
# **comparable scales**. Four data sets break one assumption each; the ARI measures the agreement with the
# generating groups (1 = the same partition).

# %%
rng = np.random.default_rng(0)
X_aniso = make_blobs(n_samples=450, centers=3, cluster_std=0.8, random_state=170)[0] @ [[0.6, -0.64], [-0.41, 0.85]]
y_aniso = make_blobs(n_samples=450, centers=3, cluster_std=0.8, random_state=170)[1]
X_var, y_var = make_blobs(n_samples=450, centers=[[0, 0], [4, 0], [8, 0]], cluster_std=[0.3, 2.5, 0.3],
                          random_state=1)
# Two groups that differ in income (dollars) but not in age (years): the income column dominates distances.
age = np.concatenate([rng.normal(30, 5, 200), rng.normal(55, 5, 200)])
income = rng.normal(50_000, 15_000, 400)
X_units, y_units = np.column_stack([age, income]), np.repeat([0, 1], 200)
failures = [("elongated clusters", X_aniso, y_aniso, 3), ("unequal variances", X_var, y_var, 3),
            ("non-convex (moons)", X_moons, y_moons, 2), ("features in different units", X_units, y_units, 2)]

fig, axes = plt.subplots(1, 4, figsize=(15, 3.4))
for ax, (title, X, y, k) in zip(axes, failures):
    predicted = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(X)
    ax.scatter(*X.T, s=6, c=predicted, cmap="tab10", vmin=0, vmax=9)
    ax.set_title(f"{title}\nARI {adjusted_rand_score(y, predicted):.2f}", fontsize=10)
plt.tight_layout()
plt.show()

# %% [markdown]
# * **Elongated clusters**: the Voronoi cells are bounded by straight lines halfway between centers, which cut
#   across tilted, stretched clusters. A Gaussian mixture with full covariances (`sklearn.mixture`) models them.
# * **Unequal variances**: the boundary between two centers lies halfway between them whatever the spread, so the
#   wide middle cluster loses its outer points to the tight neighbours.
# * **Non-convex shapes**: no set of straight-edged cells can follow a moon. Density-based (DBSCAN) or single
#   linkage clustering can.
# * **Units**: income in dollars varies thousands of times more than age in years, so distances are incomes and
#   the age groups are invisible. **Standardise** first (or choose units that make distances meaningful):

# %%
scaled = StandardScaler().fit_transform(X_units)
for name, data in [("raw", X_units), ("standardised", scaled)]:
    predicted = KMeans(n_clusters=2, n_init=10, random_state=0).fit_predict(data)
    print(f"{name:13s} ARI {adjusted_rand_score(y_units, predicted):.2f}")

# %% [markdown]
# ## 6. Hierarchical clustering
#
# **Agglomerative** clustering needs no $k$ in advance. It starts with every point in a cluster of its own and
# repeatedly **merges the two closest clusters**, until one cluster holds everything. The record of the $n - 1$
# merges is a tree, drawn as a **dendrogram**: each merge is a horizontal bar at the **height** where it
# happened, the distance between the two clusters. "Closest clusters" needs a distance between sets of points,
# the **linkage**:
#
# | linkage | distance between clusters $A$ and $B$ | tends to give |
# |---|---|---|
# | single | $\min_{a\in A, b\in B} d(a, b)$, the closest pair | long chains; follows any shape, but one bridge of points merges two groups |
# | complete | $\max_{a\in A, b\in B} d(a, b)$, the farthest pair | compact clusters of similar diameter; sensitive to outliers |
# | average | the mean of all $d(a, b)$ | in between |
# | Ward | the increase in total inertia caused by the merge | compact, round clusters: hierarchical k-means |
#
# After merging $A$ and $B$, the distance from the new cluster to any other cluster $C$ follows from the old ones:
# for single linkage it is $\min(d(A, C), d(B, C))$, for complete linkage $\max(d(A, C), d(B, C))$. So one
# matrix of cluster distances, updated after every merge, is all the algorithm needs.
#
# ### Exercise 5 — `linkage_matrix`
#
# Return the merges in SciPy's format, the **linkage matrix** `Z` of shape `(n - 1, 4)` (floats):
#
# * row `i` is the `i`-th merge: `[id_a, id_b, height, size]`, with `id_a < id_b` the two clusters merged, `height`
#   their (single or complete linkage) distance, and `size` the number of original points in the new cluster;
# * the original points are clusters `0, ..., n-1`; the cluster made by row `i` gets id `n + i`;
# * every step merges the two closest clusters, so the heights never decrease.
#
# When several pairs are equally close, merge them in any order: the hidden tests compare the clusters after each
# group of equal heights, which does not depend on that order. (A small loop over the $n - 1$ merges, with NumPy
# inside, is fine: $O(n^3)$ for the sizes here.)

# %% nbgrader={"grade": false, "grade_id": "linkage_matrix", "locked": false, "schema_version": 3, "solution": true, "task": false}
def linkage_matrix(X, method):
    """Agglomerative clustering with single or complete linkage, as a SciPy linkage matrix.

    X      : data, shape (n, d), n >= 2.
    method : "single" (closest pair) or "complete" (farthest pair), Euclidean distances.
    Returns Z, float array (n - 1, 4): row i = [id_a, id_b, height, size] for the i-th merge, id_a < id_b, where
    points are clusters 0..n-1 and row i creates cluster n + i; size counts its original points.
    Equal distances may be merged in any order.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    n = len(X)
    D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(D, np.inf)
    ids = list(range(n))                     # ids[r]: the cluster id now held in row r of D
    sizes = [1] * n
    alive = np.ones(n, dtype=bool)
    Z = np.zeros((n - 1, 4))
    combine = np.minimum if method == "single" else np.maximum
    for step in range(n - 1):
        masked = np.where(alive[:, None] & alive[None, :], D, np.inf)
        r, c = np.unravel_index(np.argmin(masked), masked.shape)
        r, c = min(r, c), max(r, c)
        a, b = sorted((ids[r], ids[c]))
        Z[step] = a, b, D[r, c], sizes[r] + sizes[c]
        D[r, :] = D[:, r] = combine(D[r, :], D[c, :])      # the merged cluster lives on in row r
        D[r, r] = np.inf
        alive[c] = False
        ids[r], sizes[r] = n + step, sizes[r] + sizes[c]
    return Z
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "linkage_matrix_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Points 0, 1, 3 and 7 on a line. Single linkage: {0,1} at 1 (cluster 4), {0,1}+3 at 2 (cluster 5), +7 at 4.
# Complete linkage: {0,1} at 1, then {0,1}+3 at 3 (its farthest pair, 0 and 3), then + 7 at 7.
X_points = np.array([[0.0], [1.0], [3.0], [7.0]])
expect_close(linkage_matrix(X_points, "single"), [[0, 1, 1, 2], [2, 4, 2, 3], [3, 5, 4, 4]],
             name="single linkage of 0, 1, 3, 7")
expect_close(linkage_matrix(X_points, "complete"), [[0, 1, 1, 2], [2, 4, 3, 3], [3, 5, 7, 4]],
             name="complete linkage of 0, 1, 3, 7",
             slips={"single linkage (complete linkage uses the FARTHEST pair of points)":
                    [[0, 1, 1, 2], [2, 4, 2, 3], [3, 5, 4, 4]]})
expect_close(linkage_matrix(np.array([[0.0, 0.0], [3.0, 4.0]]), "single"), [[0, 1, 5, 2]],
             name="two points at distance 5")
print("✓ public checks passed: linkage_matrix (single and complete linkage on a line, two points)")

# %% nbgrader={"grade": true, "grade_id": "linkage_matrix_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 2 to 40 random points in 1 to 3 dimensions with single and complete linkage, and two cases full of
# equal distances (points on an integer grid and on a line; single linkage, merged in any order). Compared with
# scipy.cluster.hierarchy.linkage: ids and sizes, heights, and the clusters after every group of equal heights.
# Try them yourself now: check("week05.linkage_matrix", linkage_matrix)
### BEGIN HIDDEN TESTS
grade("week05.linkage_matrix", linkage_matrix)
### END HIDDEN TESTS

# %%
check("week05.linkage_matrix", linkage_matrix);

# %% [markdown]
# **Dendrograms and where to cut.** Cutting the tree at a height $h$ keeps the merges below $h$: the clusters are
# the subtrees hanging under the cut (`scipy.cluster.hierarchy.fcluster(Z, h, criterion="distance")`). A good
# place is inside a **large gap** between successive merge heights: a range of $h$ over which the clustering does
# not change, so it does not hinge on the exact threshold. Below, 30 iris flowers (three species, standardised
# features), with your linkage once it passes:

# %%
iris = load_iris()
pick = np.random.default_rng(3).choice(150, size=30, replace=False)
X_iris = StandardScaler().fit_transform(iris.data)[pick]
fig, axes = plt.subplots(1, 3, figsize=(15, 3.6))
for ax, method in zip(axes, ["single", "complete", "ward"]):
    try:
        Z_iris = linkage_matrix(X_iris, method) if method != "ward" else linkage(X_iris, method="ward")
    except NotImplementedError:
        Z_iris = linkage(X_iris, method=method)
    dendrogram(Z_iris, ax=ax, labels=iris.target_names[iris.target[pick]].tolist(), leaf_font_size=7,
               color_threshold=0)
    gaps = np.diff(Z_iris[:, 2])
    ax.axhline(Z_iris[gaps.argmax(), 2] + gaps.max() / 2, color="C3", ls="--", lw=1)
    ax.set_title(f"{method} linkage (dashed: the middle of the largest gap)", fontsize=10)
plt.tight_layout()
plt.show()

# %% [markdown]
# In all three trees the largest gap separates the setosa flowers from the other two species, which are hard to
# tell apart from these four measurements. Single linkage's tree is stringy: it **chains**, growing clusters by
# absorbing one nearby point at a time, so its low merges say little. Complete and Ward linkage build compact
# groups. Asking each linkage for three clusters on the full data set, compared with the species:

# %%
X_iris_all = StandardScaler().fit_transform(iris.data)
rows = []
for method in ["single", "complete", "average", "ward"]:
    labels = fcluster(linkage(X_iris_all, method=method), t=3, criterion="maxclust")
    rows.append({"linkage": method, "cluster sizes": sorted(np.bincount(labels)[1:].tolist(), reverse=True),
                 "ARI with the species": adjusted_rand_score(iris.target, labels)})
pd.DataFrame(rows).set_index("linkage")

# %% [markdown]
# ### Explorer: cut the tree
#
# Move the **cut height**: the points take the colours of the subtrees hanging below the red line. Compare the
# linkages on each data set (single and complete linkage use your `linkage_matrix` once it passes). Things to
# try: on *a bridge between two blobs*, single linkage's top merges only cut off lone outlying points, because the
# chain of bridge points links the two blobs at a small height, while complete, average and Ward linkage split
# the two blobs at the top of the tree; on *moons*, single linkage is the only one of the four whose top two
# clusters are the two moons; and look for the cut heights over which the number of clusters stays the same (the
# long vertical stretches of the tree).

# %%
from course.explorers import dendrogram_explorer

dendrogram_explorer(linkage_matrix)

# %% [markdown]
# ## 7. DBSCAN: clusters as dense regions
#
# **DBSCAN** (Ester, Kriegel, Sander & Xu, 1996) defines a cluster as a region where points are packed densely,
# separated from other clusters by sparse regions. Two parameters say what "dense" means: a radius `eps` and a
# count `min_samples`. With $N_\varepsilon(\mathbf x)$ the points within distance `eps` of $\mathbf x$ (itself
# included):
#
# * a **core point** has $|N_\varepsilon(\mathbf x)| \ge$ `min_samples`;
# * a **border point** is not core but lies within `eps` of a core point;
# * a **noise point** is neither: it gets label $-1$ and belongs to no cluster.
#
# Two core points within `eps` of each other are in the same cluster, and so, by chains of such links, is every
# core point reachable from them: the clusters are the **connected groups of core points**, each with the border
# points around it. A border point links nothing (it is not dense), so two clusters touching through border
# points stay separate. A border point within `eps` of core points of two clusters could go to either; the
# original algorithm gives it to the first cluster that reaches it, which depends on the order of the data. We use
# an order-free rule: **a border point joins the cluster of its nearest core point**.
#
# DBSCAN finds the number of clusters itself, follows any shape, and marks outliers instead of forcing them into a
# cluster. Its weakness: one `eps` for the whole data set, so clusters of very different densities are hard to
# find at once (the explorer's *unequal densities*; HDBSCAN lifts that limit).
#
# ### Exercise 6 — `dbscan`
#
# Return `(labels, core)`: `core` a boolean array, `True` for the core points; `labels` integers, `-1` for noise,
# and clusters numbered $0, 1, \dots$ (any order: the tests compare the grouping, not the numbers). Distances
# are Euclidean and a point at distance exactly `eps` counts as a neighbour. A border point joins the cluster of
# its nearest core point (on a tie, the core point with the lowest index). To build the clusters, start from
# each core point not yet labelled and spread its label through the core points within `eps` (a stack or a queue
# of points to visit); then give the border points their labels.

# %% nbgrader={"grade": false, "grade_id": "dbscan", "locked": false, "schema_version": 3, "solution": true, "task": false}
def dbscan(X, eps, min_samples):
    """DBSCAN with Euclidean distances.

    X           : data, shape (n, d).
    eps         : the neighbourhood radius (a point at distance exactly eps is a neighbour).
    min_samples : a point is core when at least min_samples points, itself included, lie within eps.
    Returns (labels, core): labels (n,) ints, -1 for noise, clusters 0, 1, ... (connected core points, numbered
    in any order); core (n,) bool.  A border point gets the cluster of its nearest core point (ties: lowest index).
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    n = len(X)
    D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    near = D <= eps
    core = near.sum(axis=1) >= min_samples        # the point itself counts
    labels = np.full(n, -1)
    cluster = 0
    for start in np.flatnonzero(core):
        if labels[start] != -1:
            continue
        labels[start] = cluster
        stack = [start]
        while stack:                              # grow through core points only
            i = stack.pop()
            for j in np.flatnonzero(near[i] & core & (labels == -1)):
                labels[j] = cluster
                stack.append(j)
        cluster += 1
    border = ~core & (near & core[None, :]).any(axis=1)
    if border.any():
        to_core = np.where(core[None, :], D, np.inf)[border]
        labels[border] = labels[to_core.argmin(axis=1)]   # the nearest core point; argmin: lowest index on a tie
    return labels, core
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "dbscan_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Points 0, 1, 2 (a dense run), 3.5 (within 1.5 of 2), 10 and 11 (a pair), 20 (alone); eps = 1.5, min_samples = 3.
# Core: 1 (neighbours 0, 1, 2) and 2 (1, 2, 3.5). Border: 0 and 3.5. 10 and 11 have only 2 neighbours: noise, as is 20.
X_run = np.array([[0.0], [1.0], [2.0], [3.5], [10.0], [11.0], [20.0]])
labels, core = dbscan(X_run, 1.5, 3)
expect_true(np.asarray(core).dtype == bool, f"core should be a boolean mask; it has dtype {np.asarray(core).dtype}.",
            name="core is a boolean mask")
expect_equal(np.flatnonzero(core), np.array([1, 2]), name="the indices of the core points (count the point itself)")
expect_equal(np.flatnonzero(np.asarray(labels) == -1), np.array([4, 5, 6]), name="the indices of the noise points")
expect_equal(len(set(np.asarray(labels)[:4].tolist())), 1, name="the number of clusters among the first four points")
# With min_samples = 2, the pair 10, 11 becomes a second cluster; 20 stays noise.
labels, core = dbscan(X_run, 1.5, 2)
expect_equal(len(set(np.asarray(labels).tolist()) - {-1}), 2, name="the number of clusters with min_samples = 2")
expect_equal(int(np.asarray(labels)[6]), -1, name="the label of the lone point at 20")
print("✓ public checks passed: dbscan (core, border and noise on a line)")

# %% nbgrader={"grade": true, "grade_id": "dbscan_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random blobs with uniform noise (eps and min_samples varied, down to every point being noise and
# up to every point being core), points on an integer grid where many distances are exactly eps, and two chains
# with a border point that both could claim. Compared with sklearn.cluster.DBSCAN: the core mask, the noise
# points, the clusters as groups (not their numbers) and the nearest-core rule for border points.
# Try them yourself now: check("week05.dbscan", dbscan)
### BEGIN HIDDEN TESTS
grade("week05.dbscan", dbscan)
### END HIDDEN TESTS

# %%
check("week05.dbscan", dbscan);

# %% [markdown]
# **Choosing eps: the k-distance plot.** For every point, take the distance to its `min_samples`-th nearest
# point (itself counted first), and sort these distances in decreasing order. A point is core exactly when this
# distance is at most `eps`, so the plot shows, for any `eps`, how many points would be core. Points inside
# clusters have small k-distances, noise points large ones; the **knee** of the curve, where it shoots up, is the
# usual choice for `eps`. A common rule of thumb for `min_samples` is about twice the number of features (at
# least 3 or 4), larger for noisy data.
#
# ### Explorer: DBSCAN's eps and min_samples
#
# Large dots are core points, small dots border points, crosses noise; the right panel is the k-distance plot
# with `eps` as a red line. Things to try: on *moons + noise*, find an `eps` that separates the two moons and
# marks the scattered points as noise; make `eps` too small (everything noise) and too large (one cluster). On
# *unequal densities*, the k-distance curve has two levels, one per density: an `eps` that fits the tight cluster
# leaves much of the wide one as noise, and an `eps` that fits the wide one is far looser than the tight one
# needs.

# %%
from course.explorers import dbscan_explorer

dbscan_explorer(dbscan)

# %% [markdown]
# DBSCAN on the moons of §4, with scikit-learn, compared with the generating groups:

# %%
moons_db = DBSCAN(eps=0.2, min_samples=5).fit(X_moons)
print(f"clusters: {len(set(moons_db.labels_)) - (-1 in moons_db.labels_)}, noise points: "
      f"{np.sum(moons_db.labels_ == -1)}, ARI with the moons: {adjusted_rand_score(y_moons, moons_db.labels_):.3f}")

# %% [markdown]
# ## 8. Projects
#
# ### Customer segmentation
#
# A shop wants to know what kinds of customers it has, to address each kind differently. We generate a year of
# behaviour for 600 customers (offline and reproducible; one row per customer, one column per feature): how much they spent, how many orders, the days since the
# last order, and the share bought on discount. Four kinds are built in, but the analysis does not know that.

# %%
rng = np.random.default_rng(42)
kinds = {  # mean annual spend, orders per year, days since last order, discount share; how many customers
    "loyal big spenders": (2400, 30, 12, 0.10, 120),
    "bargain hunters": (600, 18, 20, 0.65, 180),
    "occasional": (300, 3, 150, 0.20, 220),
    "lapsed": (900, 8, 320, 0.15, 80),
}
customers = pd.DataFrame(
    np.vstack([np.column_stack([rng.gamma(9, spend / 9, count), rng.poisson(orders, count) + 1,
                                np.clip(rng.normal(recency, recency / 4, count), 0, 365),
                                np.clip(rng.normal(discount, 0.08, count), 0, 1)])
               for spend, orders, recency, discount, count in kinds.values()]),
    columns=["annual spend", "orders", "days since last order", "discount share"],
).astype({"orders": int})
true_kind = pd.Series(np.repeat(list(kinds), [v[-1] for v in kinds.values()]), name="built-in kind")
customers.head()

# %% [markdown]
# `describe()` summarises each column (`std` here is pandas' sample standard deviation, with $n - 1$):

# %%
customers.describe()

# %% [markdown]
# The features are in different units (dollars, counts, days, a share), so we **standardise** them first (§5),
# then choose $k$ with the silhouette and profile each cluster by the medians of the original features:

# %%
Z_customers = StandardScaler().fit_transform(customers)     # a NumPy array: one row per customer
by_k = {k: KMeans(n_clusters=k, n_init=10, random_state=0).fit(Z_customers) for k in range(2, 8)}
silhouettes = pd.Series({k: silhouette_score(Z_customers, m.labels_) for k, m in by_k.items()},
                        name="silhouette").rename_axis("k")
silhouettes.to_frame()

# %% [markdown]
# Each segment of the best $k$, its size and the medians of its original features (medians, because spending is
# skewed: a few big spenders would pull a mean up):

# %%
best_k = int(silhouettes.idxmax())
segment = pd.Series(by_k[best_k].labels_, name="segment")
profile = customers.groupby(segment).median()
profile.insert(0, "customers", segment.value_counts().sort_index())
print(f"k = {best_k}, ARI with the built-in kinds: {adjusted_rand_score(true_kind, segment):.3f}")
profile

# %% [markdown]
# We built the data, so we can also cross-tabulate the segments with the kinds we built in (in practice you
# would not have this column):

# %%
pd.crosstab(true_kind, segment)

# %% [markdown]
# The silhouette prefers $k = 3$ although four kinds were built in: the "lapsed" customers end up in one segment
# with the "occasional" ones (300 customers), from which they differ mainly in recency. Each segment reads as a
# description a marketing team can act on (a segment with high spend and recent orders;
# one with a high discount share; one whose last order was long ago...). The checks that matter are outside the
# formulas: are the segments stable when you rerun with other seeds or a different month of data, and are they
# different enough to treat differently?
#
# ### Document clustering
#
# Text that ships with Python itself: the documentation strings of the functions of `math` and `os.path`, of
# the methods of `random.Random` and of the string methods of `str`. Each docstring is a document; **TF-IDF** turns
# it into a vector that weighs each word by how often it occurs in the document and how rare it is across
# documents; rows are normalised to length 1, so Euclidean distance between rows behaves like cosine distance,
# which suits k-means.

# %%
def docstrings(owner, prefix):
    docs = []
    for name, member in inspect.getmembers(owner):
        doc = inspect.getdoc(member) if callable(member) and not name.startswith("_") else None
        if doc and len(doc.split()) >= 5:
            docs.append((f"{prefix}.{name}", doc))
    return docs


rows, seen = [], set()
for source, owner in [("math", math), ("os.path", os.path), ("random", random.Random), ("str", str)]:
    for name, doc in docstrings(owner, source):
        if doc not in seen:                  # aliases share a docstring: keep one copy
            seen.add(doc)
            rows.append({"module": source, "name": name, "docstring": doc})
corpus = pd.DataFrame(rows)
tfidf = TfidfVectorizer(stop_words="english", min_df=2)
X_text = tfidf.fit_transform(corpus["docstring"])
print(f"{X_text.shape[0]} documents, {X_text.shape[1]} distinct words; documents per module:")
corpus["module"].value_counts().sort_index().to_frame("documents")

# %% [markdown]
# A few rows of the corpus (pandas shortens long texts with "..."):

# %%
corpus.sample(5, random_state=0)

# %%
text_km = KMeans(n_clusters=4, n_init=20, random_state=0).fit(X_text)
corpus["cluster"] = text_km.labels_
words = np.array(tfidf.get_feature_names_out())
pd.DataFrame({"documents": corpus["cluster"].value_counts().sort_index(),
              "most heavily weighted words": [", ".join(words[np.argsort(center)[::-1][:5]])
                                              for center in text_km.cluster_centers_]}).rename_axis("cluster")

# %% [markdown]
# How many documents of each module (rows) are in each cluster (columns):

# %%
print(f"ARI with the modules: {adjusted_rand_score(corpus['module'], corpus['cluster']):.3f}")
pd.crosstab(corpus["module"], corpus["cluster"])

# %% [markdown]
# The clusters' most heavily weighted words name their topics, and the cross-table shows which modules they
# recover. Where a cluster mixes modules, read the documents: docstrings that share vocabulary ("return", "path",
# "string") can be closer to each other than to their own module. With real collections one would use far more
# documents, tune `min_df` and `max_df`, and often embed the texts with a language model instead of TF-IDF.
#
# ### Anomaly detection
#
# DBSCAN's noise points are the data that are not in any dense region: candidate anomalies. We generate card
# transactions (amount and hour of the day, as the logarithm of the amount and a position on the 24-hour clock
# so that 23:00 and 01:00 are close) and hide 15 unusual ones among 1000 ordinary ones.

# %%
rng = np.random.default_rng(7)
hours = np.concatenate([rng.normal(13, 3, 700), rng.normal(20, 1.5, 300)]) % 24
amounts = np.exp(rng.normal(3.3, 0.6, 1000))
odd_hours, odd_amounts = rng.uniform(1, 5, 15), np.exp(rng.normal(6.5, 0.4, 15))    # large, in the night
hour, amount = np.concatenate([hours, odd_hours]), np.concatenate([amounts, odd_amounts])
planted = np.r_[np.zeros(1000, bool), np.ones(15, bool)]
angle = 2 * np.pi * hour / 24
features = StandardScaler().fit_transform(np.column_stack([np.cos(angle), np.sin(angle), np.log(amount)]))
flagged = DBSCAN(eps=0.5, min_samples=8).fit(features).labels_ == -1
pd.crosstab(pd.Series(np.where(planted, "planted anomaly", "ordinary"), name="transaction"),
            pd.Series(np.where(flagged, "flagged as noise", "in a cluster"), name="DBSCAN"))

# %%
fig, ax = plt.subplots(figsize=(6.5, 3.5))
ax.scatter(hour[~flagged], amount[~flagged], s=5, color="grey", label="in a cluster")
ax.scatter(hour[flagged], amount[flagged], s=25, color="C3", marker="x", label="noise: flagged")
ax.set_yscale("log")
ax.set_xlabel("hour of the day")
ax.set_ylabel("amount")
ax.legend()
plt.show()

# %% [markdown]
# DBSCAN flags the planted transactions together with a few ordinary ones from the sparse edges of the normal
# behaviour. That is the usual trade-off: a larger `eps` or smaller `min_samples` flags fewer points and misses
# more anomalies. In practice the flagged points go to a person to review, and the threshold is set by how many
# reviews are affordable; dedicated methods (isolation forests, local outlier factors) follow the same idea.

# %% [markdown]
# ## 9. Checkpoint
#
# Four short questions, checked when the notebook is graded (the cell under each answer only checks its format),
# and one answer in your own words.
#
# **Q1.** Why does Lloyd's algorithm always stop after finitely many iterations?
#
# - (a) Because the inertia decreases by at least a fixed amount at every iteration.
# - (b) Because neither step can increase the inertia and there are only finitely many assignments, so the
#   assignment eventually stops changing.
# - (c) Because k-means++ guarantees it reaches the global minimum.
# - (d) Because the centers move less at every step, by a factor that depends on k.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q1", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q1_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q1_answer = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q1_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q1_answer, str) and q1_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q1_answer should be one of the letters "a", "b", "c", "d"; got {q1_answer!r}.',
            name="q1_answer is one of the letters a, b, c, d")
print("q1_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q1_answer, "b", name="the answer to question 1 (q1_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q2.** Your data are two concentric rings of points, with a few scattered outliers. Which method is most
# likely to recover the two rings and flag the outliers?
#
# - (a) k-means with k = 2 and k-means++ initialisation.
# - (b) Agglomerative clustering with Ward linkage and two clusters.
# - (c) DBSCAN with an eps read from the knee of the k-distance plot.
# - (d) k-means with k chosen by the elbow of the inertia curve.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q2", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q2_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q2_answer = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q2_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q2_answer, str) and q2_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q2_answer should be one of the letters "a", "b", "c", "d"; got {q2_answer!r}.',
            name="q2_answer is one of the letters a, b, c, d")
print("q2_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q2_answer, "c", name="the answer to question 2 (q2_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q3.** A point's mean distance to the other points of its own cluster is 2, and its mean distances to the
# points of the two other clusters are 5 and 8. What is its silhouette? (A number between −1 and 1.)

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q3", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q3_answer to a number.
### BEGIN SOLUTION
q3_answer = (5 - 2) / 5
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q3_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number between -1 and 1; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q3_answer, (int, float, np.integer, np.floating)) and not isinstance(q3_answer, bool)
            and -1 <= q3_answer <= 1, f"q3_answer should be a number between -1 and 1; got {q3_answer!r}.",
            name="q3_answer is a number between -1 and 1")
print("q3_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q3_answer, 0.6, name="the answer to question 3 (q3_answer)", rtol=1e-3)
### END HIDDEN TESTS

# %% [markdown]
# **Q4.** You run k-means on customers described by their age (in years) and their annual income (in dollars),
# without any preprocessing. What happens?
#
# - (a) Both features count equally, because k-means normalises distances internally.
# - (b) The clusters are determined almost entirely by income, whose differences are thousands of times larger;
#   standardise the features first.
# - (c) The clusters are determined mostly by age, because it has fewer distinct values.
# - (d) k-means fails to converge because the features have different units.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q4", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q4_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q4_answer = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q4_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q4_answer, str) and q4_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q4_answer should be one of the letters "a", "b", "c", "d"; got {q4_answer!r}.',
            name="q4_answer is one of the letters a, b, c, d")
print("q4_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q4_answer, "b", name="the answer to question 4 (q4_answer)")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "explain_clustering_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Q5 (written, 3 points, graded by a person).** In a short paragraph or two: you have clustered 5000 customers
# with k-means and the silhouette score says $k = 3$ is best. Explain what the silhouette does and does not tell
# you about these clusters, name two situations in which it would point you to the wrong clustering, and describe
# how you would check whether the three segments are real and useful (what you would compute, and whom you would
# ask). Write your answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "explain_clustering", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# The silhouette compares, for each customer, the mean distance to the rest of its own cluster with the mean
# distance to the nearest other cluster, and averages (b - a) / max(a, b). A mean near 1 says the clusters are
# compact and well separated *in the feature space and distance used*; it says nothing about whether the groups
# mean anything for the business, whether they are stable, or whether there is cluster structure at all (uniform
# data still has a "best" k). It would mislead when the real groups are not compact and round, e.g. elongated or
# non-convex segments, or groups of very different sizes and spreads, where it prefers a k-means-like cut, and when
# the features are badly scaled (one feature in large units dominates every distance), or when irrelevant
# features swamp the informative ones.
#
# To check the segments: standardise (or choose meaningful units), rerun with several seeds and on bootstrap
# samples or another period of data and measure the agreement between runs (ARI); compare with other k and other
# methods (hierarchical, DBSCAN) to see whether the same groups appear; profile each segment with medians of the
# original features and look at a few real customers from each; and ask the marketing team whether the segments
# are distinct and actionable, ideally testing that treating them differently (a campaign per segment) changes
# outcomes.

# %% [markdown]
# ## Summary
#
# * **Unsupervised** learning has no labels to score against: judge clusterings by internal scores, by external
#   labels when you happen to have some (ARI), and above all by whether they are useful and stable.
# * **k-means** minimises the inertia $\sum_i\lVert\mathbf x_i - \boldsymbol\mu_{c(i)}\rVert^2$ by **Lloyd's
#   iterations** (assign to the nearest center, move centers to the means); neither step raises the inertia, so it
#   converges, to a local minimum that depends on the start. **k-means++** starts with centers drawn
#   $\propto D^2$; restarts keep the best run.
# * Inertia always falls with $k$ (look for an **elbow**); the **silhouette** $(b - a)/\max(a, b)$ and the
#   **Davies–Bouldin** index compare cohesion with separation, and all three favour compact, round clusters.
# * k-means fails on **elongated**, **unequal-variance** and **non-convex** clusters and on **unscaled** features.
# * **Hierarchical** clustering merges the closest clusters (single, complete, average, Ward linkage) into a
#   **dendrogram**; cut it inside a large gap of merge heights. Single linkage chains; Ward is compact.
# * **DBSCAN** grows clusters through **core points** (at least `min_samples` within `eps`), attaches **border**
#   points and leaves **noise** out: any shape, no $k$, outliers flagged; choose `eps` at the knee of the
#   **k-distance plot**.
#
# Next week continues unsupervised learning with dimensionality reduction: PCA and friends, which also make
# clustering in many dimensions easier to see and to do.
