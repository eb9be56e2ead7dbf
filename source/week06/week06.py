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
# # Week 06 — Unsupervised learning II: dimensionality reduction, autoencoders and association rules
#
# Last week grouped examples into clusters. This week compresses the *features*: a digit image has 64 pixels, but
# far fewer numbers describe it well. **Principal component analysis** finds the best linear summary and is the
# workhorse for compression, denoising, plotting and preprocessing. **t-SNE** draws a map of high-dimensional data
# that keeps neighbours together, at the price of distances you must not read literally. **Autoencoders** learn the
# summary with a neural network: a linear one rediscovers PCA, a non-linear one goes further. Finally,
# **association rules** find the products that are bought together, and the Phase 3 capstone puts rules and
# clustering to work on a shop's baskets.
#
# | § | topic | you implement |
# |---|---|---|
# | 1 | why reduce dimensions | |
# | 2 | PCA: variance maximisation and the SVD | `pca` |
# | 3 | explained variance and choosing the number of components | `n_components_for_variance` |
# | 4 | reconstruction, compression of the digits (explorer), whitening | `pca_reconstruct` |
# | 5 | t-SNE: perplexity and the conditional probabilities | `tsne_conditional_p` |
# | 6 | t-SNE: the map, the crowding problem, how to read it (explorer) | |
# | 7 | autoencoders: the linear one is PCA; a non-linear one in PyTorch | `linear_autoencoder` |
# | 8 | association rules: support, confidence, lift, Apriori | `association_rules` |
# | 9 | capstone: market-basket analysis and customer segments | |
# | 10 | checkpoint: can you choose the right clustering algorithm and interpret results? | five questions + one written answer |

# %% [markdown]
# ## How to work this week
#
# 1. **Run the cells in order**, from the top (the imports cell first). If something looks odd, use
#    *Kernel → Restart Kernel and Run All Cells*.
# 2. Where a cell says `# YOUR CODE HERE` and `raise NotImplementedError()`, delete the `raise` line and write your
#    implementation in NumPy (Exercise 5 may use PyTorch instead).
# 3. **Run the public test cell** under each exercise: small inputs whose expected values you can read.
# 4. Then try **fresh random inputs** compared with a library reference, as often as you like, e.g.
#    `check("week06.pca", pca)`. It prints ✓ or what went wrong.
# 5. **Hidden tests** run when the notebook is graded: randomized inputs compared with scikit-learn (and SciPy). If
#    `check(...)` passes reliably, they will pass too.
# 6. The PCA explorer runs **your** `pca` once it passes its checks, and a reference until then; the lesson cells
#    after each exercise use your function when it is written, a reference when it is not.

# %%
# %matplotlib inline
import itertools   # itertools.combinations is handy in Exercise 6

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.linalg import subspace_angles
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.manifold import TSNE
from sklearn.metrics import silhouette_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from course.checks import expect_close, expect_equal, expect_choice, expect_true
from course.exercises import check, grade

np.set_printoptions(precision=4, suppress=True)
threadpool_limits(1)   # this week's matrices are small: one BLAS thread is faster than two competing for two cores


def mine_or_reference(function, reference, *args):
    """Your function's result when it is written; the reference's until then (so the lesson runs either way)."""
    try:
        return function(*args)
    except NotImplementedError:
        print(f"({function.__name__} is not written yet: this cell uses a reference implementation)")
        return reference(*args)


# %% [markdown]
# ## 1. Why reduce dimensions
#
# Scikit-learn's digits are 1797 images of 8 × 8 pixels: points in a 64-dimensional space. Most of those 64
# numbers are redundant. Neighbouring pixels move together (a stroke covers several), the pixels in the
# leftmost and rightmost columns are blank in more than 98 % of the images, and all the images are variations on ten shapes. The data fill a small, curved region of
# the space, and a handful of coordinates *along that region* describe an image almost as well as its 64 pixels.
#
# Finding those coordinates pays off in several ways:
#
# * **visualisation**: we can only look at two or three dimensions;
# * **compression**: store 10 numbers per image instead of 64;
# * **denoising**: the small directions of variation are mostly noise, so dropping them cleans the data;
# * **preprocessing**: fewer, decorrelated features make distances more meaningful (k-NN and k-means suffer in high
#   dimensions, where all points are nearly equally far apart) and models cheaper to fit.
#
# Two families of methods: **linear projections** (PCA, this week's main tool), which keep global structure and
# can be inverted, and **non-linear embeddings** (t-SNE, UMAP, autoencoders), which can unfold curved structure
# but are harder to read.

# %%
digits = load_digits()
X_digits, y_digits = digits.data, digits.target
print(f"digits: {X_digits.shape[0]} images, {X_digits.shape[1]} pixels each (values 0 to 16)")
print(f"pixels that are blank in every image: {int(np.sum(X_digits.std(axis=0) == 0))} of 64")
fig, axes = plt.subplots(1, 10, figsize=(10, 1.3))
for digit, ax in enumerate(axes):
    ax.imshow(X_digits[digit].reshape(8, 8), cmap="gray_r")
    ax.set_title(str(digit))
    ax.axis("off")
plt.show()

# %% [markdown]
# ## 2. Principal component analysis
#
# **The goal.** Given $n$ points $\mathbf x_1, \dots, \mathbf x_n \in \mathbb R^d$ (rows of $X$), find the unit
# direction $\mathbf w$ along which they vary the most. First **centre** the data: subtract the mean
# $\bar{\mathbf x}$ from every row, $X_c = X - \mathbf 1\bar{\mathbf x}^\top$; variance is measured around the mean.
# The projections $X_c\mathbf w$ have variance
#
# $$\frac{1}{n-1}\lVert X_c\mathbf w\rVert^2 = \mathbf w^\top S\,\mathbf w, \qquad S = \frac{1}{n-1}X_c^\top X_c,$$
#
# the sample covariance matrix. Maximising $\mathbf w^\top S\mathbf w$ subject to $\lVert\mathbf w\rVert = 1$
# (Lagrange multiplier $\lambda$: $S\mathbf w = \lambda\mathbf w$) gives an **eigenvector** of $S$, and the
# variance achieved is its eigenvalue $\lambda$: the best direction is the eigenvector with the largest eigenvalue.
# The second-best direction orthogonal to it is the second eigenvector, and so on. These orthonormal directions are
# the **principal components**; the eigenvalues $\lambda_1 \ge \lambda_2 \ge \dots$ are the variances along them.
#
# **Equivalently: the best fitting subspace.** The $k$ leading components also span the $k$-dimensional subspace
# that minimises the total squared distance from the points to their projections (Pythagoras: for a fixed point,
# projected variance + squared residual = squared length, so maximising one minimises the other).
#
# **Computing it with the SVD.** Forming $S$ squares the condition number; numerically it is better to take the
# singular value decomposition of the centred data directly,
#
# $$X_c = U\Sigma V^\top, \qquad S = \frac{1}{n-1}V\Sigma^2V^\top .$$
#
# The rows of $V^\top$ are the principal components (eigenvectors of $S$), in order of decreasing singular value
# $\sigma_j$, and the variance along component $j$ is $\lambda_j = \sigma_j^2/(n-1)$. The coordinates of the points
# in the new basis (the **scores**, or projected data) are $X_cV_k = U_k\Sigma_k$, for the first $k$ columns.
# `np.linalg.svd(Xc, full_matrices=False)` returns $U$, the $\sigma_j$ (descending) and $V^\top$; it works for
# tall ($n > d$) and wide ($n < d$) data alike, and for wide data there are at most $n - 1$ non-zero singular values
# after centring.
#
# **Signs.** If $\mathbf v$ is a component, so is $-\mathbf v$: the SVD fixes each one only up to sign (scikit-learn
# flips them to a convention of its own). The checks below accept either sign, as long as the scores flip with their
# component.
#
# ### Exercise 1 — `pca`
#
# Return `(components, explained_variance_ratio, projected)`:
#
# * `components`: shape `(k, d)`, the first `k` principal components as **rows**, unit length, largest variance first;
# * `explained_variance_ratio`: shape `(k,)`, the share of the **total** variance (the sum over all components)
#   that each of the `k` components explains;
# * `projected`: shape `(n, k)`, the centred data in the new coordinates, $X_c$ `@ components.T`.

# %% nbgrader={"grade": false, "grade_id": "pca", "locked": false, "schema_version": 3, "solution": true, "task": false}
def pca(X, k):
    """Principal component analysis by the SVD of the centred data.

    X : array (n_samples, n_features); k : number of components, 1 <= k <= min(n_samples - 1, n_features).
    Returns (components, explained_variance_ratio, projected): components (k, n_features), orthonormal rows in
    order of decreasing variance (each determined up to sign); explained_variance_ratio (k,), each component's
    variance divided by the total variance; projected (n_samples, k) = (X - mean) @ components.T.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    centred = X - X.mean(axis=0)
    _, singular_values, Vt = np.linalg.svd(centred, full_matrices=False)
    variances = singular_values ** 2 / (len(X) - 1)
    components = Vt[:k]
    return components, variances[:k] / variances.sum(), centred @ components.T
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "pca_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Points on the line y = 2x (plus an offset): one component, along (1, 2)/sqrt(5), explains everything.
X_line = np.array([[0.0, 1.0], [1.0, 3.0], [2.0, 5.0], [3.0, 7.0]])
components, ratio, projected = pca(X_line, 1)
expect_equal(np.shape(components), (1, 2), name="components.shape for k = 1 and 2 features")
expect_close(np.abs(components), [[1 / np.sqrt(5), 2 / np.sqrt(5)]], name="|components| for points on y = 2x",
             atol=1e-9)
expect_close(ratio, [1.0], name="explained_variance_ratio for points on a line", atol=1e-9)
# The scores are the signed distances along the line from the mean point (1.5, 4): ±sqrt(5) * (-1.5, -0.5, 0.5, 1.5).
expect_close(np.abs(projected[:, 0]), np.sqrt(5) * np.array([1.5, 0.5, 0.5, 1.5]),
             name="|projected| for points on y = 2x", atol=1e-9)
# A diagonal spread: variances 9 and 1 along the axes, so the components are the axes and the ratios 0.9 and 0.1.
X_axes = np.array([[3.0, 0.0], [-3.0, 0.0], [0.0, 1.0], [0.0, -1.0]]) + 10
components, ratio, projected = pca(X_axes, 2)
expect_close(np.abs(components), [[1.0, 0.0], [0.0, 1.0]], name="|components| of a spread along the axes",
             atol=1e-9)
expect_close(ratio, [0.9, 0.1], name="explained_variance_ratio of a spread along the axes", atol=1e-9)
expect_close(np.abs(projected), [[3, 0], [3, 0], [0, 1], [0, 1]], name="|projected| (the data were centred)",
             atol=1e-9)
print("✓ public checks passed: pca (a line, an axis-aligned spread, centring)")

# %% nbgrader={"grade": true, "grade_id": "pca_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): tall and wide X, rank-deficient X, data far from the origin, and
# k from 1 to every component, compared with sklearn.decomposition.PCA (each component's sign matched first).
# Try them yourself now: check("week06.pca", pca)
### BEGIN HIDDEN TESTS
grade("week06.pca", pca)
### END HIDDEN TESTS

# %%
check("week06.pca", pca);

# %% [markdown]
# The first two components of the digits give a 2-D picture of the 64-D data. It is the best linear picture (it
# keeps the most variance), and already separates some digits while others overlap: a 10-nearest-neighbour
# classifier on the two coordinates alone recognises most 0s and 4s but fewer than a third of the 5s and 8s. A
# linear projection cannot unfold what is curled up.

# %%
from course.explorers.pca_digits import reference_pca

digit_components, digit_ratio, digit_scores = mine_or_reference(pca, reference_pca, X_digits, 2)
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2), gridspec_kw={"width_ratios": [1.6, 1]})
points = left.scatter(digit_scores[:, 0], digit_scores[:, 1], c=y_digits, cmap="tab10", s=6)
left.set_xlabel(f"PC 1 ({digit_ratio[0]:.1%} of the variance)")
left.set_ylabel(f"PC 2 ({digit_ratio[1]:.1%})")
left.set_title("the digits projected on their first two principal components")
fig.colorbar(points, ax=left, ticks=range(10), label="digit")
right.imshow(np.hstack([digit_components[0].reshape(8, 8), np.full((8, 1), np.nan), digit_components[1].reshape(8, 8)]),
             cmap="RdBu_r")
right.set_title("PC 1 and PC 2 as images (red +, blue −)")
right.axis("off")
plt.show()

# %% [markdown]
# A component is itself an image: a pattern of pixel weights. A digit's score on it is how much of that pattern it
# contains (positive: more of the red pixels and less of the blue than the average digit). **The first component is
# the direction of greatest variance around the mean**: the single pixel pattern along which the digits differ
# most, not a "typical digit" (that is the mean) and not a particular class.

# %% [markdown]
# ## 3. Explained variance and choosing the number of components
#
# The total variance of the data is the sum of the variances of the features, which is also the sum of the
# eigenvalues: $\operatorname{tr}S = \sum_j \lambda_j$. Component $j$ **explains** the fraction
# $\lambda_j/\sum_i\lambda_i$ of it; the first $k$ together explain the cumulative sum. How many to keep?
#
# * a **variance threshold**: the smallest $k$ whose cumulative ratio reaches, say, 90 % or 95 % (what
#   `PCA(n_components=0.95)` does);
# * the **elbow** of the **scree plot** (the ratios against $j$): keep the components before the curve flattens;
# * the **downstream task**: pick $k$ by cross-validating the model that uses the components.
#
# Standardise first when the features have different units (otherwise the feature with the largest numbers wins
# the first component). The digits' pixels share a unit, so we leave them as they are.
#
# ### Exercise 2 — `n_components_for_variance`
#
# Return the smallest number of components $k$ whose explained-variance ratios add up to **at least** `fraction`
# (an `int`). You may use your `pca` (with $k = \min(n - 1, d)$, every component that can carry variance) or
# the singular values directly. For a fraction that no cumulative sum
# equals exactly, this is what `PCA(n_components=fraction).fit(X).n_components_` finds.

# %% nbgrader={"grade": false, "grade_id": "n_components_for_variance", "locked": false, "schema_version": 3, "solution": true, "task": false}
def n_components_for_variance(X, fraction):
    """The smallest k such that the first k principal components of X explain at least `fraction` of its variance.

    X : array (n_samples, n_features); fraction : a number with 0 < fraction < 1. Returns an int from 1 to
    min(n_samples, n_features).
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    singular_values = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    cumulative = np.cumsum(singular_values ** 2) / np.sum(singular_values ** 2)
    return int(min(np.searchsorted(cumulative, fraction) + 1, len(cumulative)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "n_components_for_variance_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Variances 9, 4, 1 along the axes (total 14): cumulative ratios 9/14 = 0.643, 13/14 = 0.929 and 1.
X_three = np.array([[3.0, 0, 0], [-3.0, 0, 0], [0, 2.0, 0], [0, -2.0, 0], [0, 0, 1.0], [0, 0, -1.0]]) * np.sqrt(5 / 2)
expect_equal(n_components_for_variance(X_three, 0.5), 1, name="n_components_for_variance(X_three, 0.5)")
expect_equal(n_components_for_variance(X_three, 0.9), 2, name="n_components_for_variance(X_three, 0.9)")
expect_equal(n_components_for_variance(X_three, 0.95), 3, name="n_components_for_variance(X_three, 0.95)")
print("✓ public checks passed: n_components_for_variance (cumulative ratios 0.643, 0.929, 1)")

# %% nbgrader={"grade": true, "grade_id": "n_components_for_variance_hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random data (tall and wide) and fractions from 0.2 to 0.999, compared with
# PCA(n_components=fraction, svd_solver="full").n_components_.
# Try them yourself now: check("week06.n_components_for_variance", n_components_for_variance)
### BEGIN HIDDEN TESTS
grade("week06.n_components_for_variance", n_components_for_variance)
### END HIDDEN TESTS

# %%
check("week06.n_components_for_variance", n_components_for_variance);

# %% [markdown]
# The scree plot of the digits: the first component explains about 15 % of the variance, and the curve has no sharp
# elbow. The thresholds give the numbers below: **21 components keep 90 % of the variance, 29 keep 95 %, and 41
# keep 99 %.**

# %%
_, all_ratios, _ = mine_or_reference(pca, reference_pca, X_digits, 64)
explained = pd.DataFrame({"explained variance ratio": all_ratios, "cumulative": np.cumsum(all_ratios)},
                         index=pd.RangeIndex(1, 65, name="component"))
explained.head(8).round(3)

# %%
shares = [0.5, 0.9, 0.95, 0.99]
counts = [mine_or_reference(n_components_for_variance, lambda X, f: int(PCA(n_components=f).fit(X).n_components_),
                            X_digits, share) for share in shares]
pd.DataFrame({"share of the variance": shares, "components needed": counts})

# %%
fig, ax = plt.subplots(figsize=(9, 3.3))
ax.bar(np.arange(1, 65), all_ratios, color="C0", label="explained variance ratio (scree)")
ax.plot(np.arange(1, 65), np.cumsum(all_ratios), "C3.-", ms=3, label="cumulative")
ax.axhline(0.9, color="grey", ls=":", lw=1)
ax.set_xlabel("component")
ax.legend()
ax.set_title("digits: how the variance is spread over the 64 components")
plt.show()

# %% [markdown]
# **Why standardise features in different units.** The wine data set has 13 chemical measurements whose standard
# deviations run from about 0.12 to 314 (proline, in mg/l). Unscaled, the first component is essentially the
# proline axis (its loading on proline is above 0.999) and "explains" 99.8 % of the variance: PCA has only found the
# feature with the largest numbers. After `StandardScaler`, the first component explains about 36 % and mixes
# several measurements, led by flavanoids and total phenols.

# %%
from sklearn.datasets import load_wine

wine = load_wine()
wine_pca = {"raw": PCA().fit(wine.data), "standardised": PCA().fit(StandardScaler().fit_transform(wine.data))}
for name, model in wine_pca.items():
    print(f"{name:13s}: PC 1 explains {model.explained_variance_ratio_[0]:6.1%} of the variance")
# Each feature's spread, and its weight (loading) in the first component with and without standardising.
wine_loadings = pd.DataFrame({"standard deviation": wine.data.std(axis=0),
                              "PC 1 loading, raw": wine_pca["raw"].components_[0],
                              "PC 1 loading, standardised": wine_pca["standardised"].components_[0]},
                             index=pd.Index(wine.feature_names, name="feature"))
wine_loadings.sort_values("PC 1 loading, standardised", key=np.abs, ascending=False).round(4)

# %% [markdown]
# ## 4. Reconstruction, compression and whitening
#
# Going back: a point's $k$ scores $\mathbf z = V_k^\top(\mathbf x - \bar{\mathbf x})$ give the **reconstruction**
#
# $$\hat{\mathbf x} = \bar{\mathbf x} + V_k\mathbf z, \qquad \hat X = \bar{\mathbf x} + X_cV_kV_k^\top,$$
#
# the orthogonal projection of $\mathbf x$ onto the $k$-dimensional affine subspace through the mean (scikit-learn:
# `pca.inverse_transform(pca.transform(X))`). Among all rank-$k$ approximations of $X_c$ it has the smallest sum of
# squared errors (the Eckart–Young theorem), and that error is the variance in the dropped components:
# $\sum_i\lVert\mathbf x_i - \hat{\mathbf x}_i\rVert^2 = (n-1)\sum_{j>k}\lambda_j$.
#
# **Compression.** Storing $n$ digits at rank $k$ costs $nk$ scores plus $kd + d$ numbers for the components and the
# mean, instead of $nd$.
#
# ### Exercise 3 — `pca_reconstruct`
#
# Return $\hat X$, shape `(n, d)`: project $X$ onto its first `k` principal components and map back. You may use your
# `pca`.

# %% nbgrader={"grade": false, "grade_id": "pca_reconstruct", "locked": false, "schema_version": 3, "solution": true, "task": false}
def pca_reconstruct(X, k):
    """The rank-k PCA reconstruction of X: mean + ((X - mean) @ V_k.T) @ V_k, with V_k the first k components.

    X : array (n_samples, n_features); k : 1 <= k <= min(n_samples - 1, n_features). Returns (n_samples, n_features).
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    components, _, projected = pca(X, k)
    return X.mean(axis=0) + projected @ components
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "pca_reconstruct_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Rank 1 keeps the spread along the x-axis (variance 9) and drops the y-spread: the points land on the line y = 10.
expect_close(pca_reconstruct(X_axes, 1), [[13, 10], [7, 10], [10, 10], [10, 10]],
             name="pca_reconstruct(X_axes, 1)", atol=1e-9)
expect_close(pca_reconstruct(X_axes, 2), X_axes, name="pca_reconstruct(X_axes, 2) (every component: X itself)",
             atol=1e-9)
expect_close(pca_reconstruct(X_line, 1), X_line, name="pca_reconstruct(X_line, 1) (points already on a line)",
             atol=1e-9)
print("✓ public checks passed: pca_reconstruct (drops the small direction, keeps the mean, exact at full rank)")

# %% nbgrader={"grade": true, "grade_id": "pca_reconstruct_hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: the same kinds of X as for pca, compared with PCA(k).inverse_transform(PCA(k).transform(X)).
# Try them yourself now: check("week06.pca_reconstruct", pca_reconstruct)
### BEGIN HIDDEN TESTS
grade("week06.pca_reconstruct", pca_reconstruct)
### END HIDDEN TESTS

# %%
check("week06.pca_reconstruct", pca_reconstruct);

# %% [markdown]
# ### Explorer: compressing the digits
#
# Move the slider: the top row shows the first components as images, below them six digits and their
# reconstructions from $k$ components, and on the right the cumulative explained variance. A few components give a
# blurry average digit; around 10 the digits become readable; by 30 the reconstruction is hard to tell from the
# original (its mean squared pixel error is below 1, on pixels that run from 0 to 16). The explorer runs your `pca` (with all 64 components, once) as soon as it passes its checks.

# %%
from course.explorers import pca_digits_explorer

pca_digits_explorer(pca, k=10)

# %% [markdown]
# The reconstruction error falls as $k$ grows, exactly as the explained variance rises: the mean squared pixel
# error of the rank-$k$ reconstruction is the variance left in the other components, per pixel.

# %%
rows = []
for k in (2, 10, 30):
    X_hat = mine_or_reference(pca_reconstruct, lambda X, k: PCA(k).fit(X).inverse_transform(PCA(k).fit_transform(X)),
                              X_digits, k)
    rows.append({"k": k,
                 "mean squared pixel error": np.mean((X_digits - X_hat) ** 2),
                 "dropped variance per pixel": np.sum(all_ratios[k:]) * np.sum(X_digits.var(axis=0)) / 64,
                 "numbers stored": k * (1797 + 64) + 64,
                 "instead of": 1797 * 64})
pd.DataFrame(rows).set_index("k").round(3)

# %% [markdown]
# **Denoising** follows: noise spreads over all 64 directions, the digits mostly over a few, so projecting noisy
# digits on the leading components of clean ones removes the noise in the other directions: below, the squared
# error to the clean digits roughly halves.
#
# **Whitening.** Dividing each score by its standard deviation, $z_j/\sqrt{\lambda_j}$, gives features that are
# uncorrelated with unit variance (`PCA(whiten=True)`). Some methods want that (ICA, some clustering), but it
# blows up the noisy low-variance directions to the same size as the signal, so keep only the leading components
# when you whiten.

# %%
k = 20
pca_20 = PCA(n_components=k, whiten=True).fit(X_digits)
white = pca_20.transform(X_digits)
print("covariance of the whitened scores ≈ identity:",
      np.allclose(np.cov(white, rowvar=False), np.eye(k), atol=1e-8))

rng = np.random.default_rng(0)
noisy = X_digits + rng.normal(scale=3.0, size=X_digits.shape)
denoised = PCA(n_components=k).fit(X_digits).inverse_transform(PCA(n_components=k).fit(X_digits).transform(noisy))
print(f"mean squared error of the noisy digits: {np.mean((noisy - X_digits) ** 2):.2f}; after projecting on "
      f"{k} components: {np.mean((denoised - X_digits) ** 2):.2f}")
fig, axes = plt.subplots(2, 8, figsize=(9, 2.4))
for j in range(8):
    axes[0, j].imshow(noisy[j].reshape(8, 8), cmap="gray_r")
    axes[1, j].imshow(denoised[j].reshape(8, 8), cmap="gray_r")
for ax in axes.ravel():
    ax.axis("off")
axes[0, 0].set_title("noisy", loc="left")
axes[1, 0].set_title(f"projected on {k} components", loc="left")
plt.show()

# %% [markdown]
# ## 5. t-SNE: neighbours as probabilities
#
# PCA keeps the *large* distances and may squash neighbours together. **t-SNE** (t-distributed stochastic
# neighbour embedding, van der Maaten & Hinton 2008) does the opposite: it draws a 2-D map in which points that are
# neighbours in the data stay neighbours, whatever happens to the large distances.
#
# **Step 1: neighbourhoods as probabilities.** Point $i$ picks a neighbour $j$ with probability proportional to a
# Gaussian of their squared distance $D^2_{ij} = \lVert\mathbf x_i - \mathbf x_j\rVert^2$:
#
# $$p_{j\mid i} = \frac{\exp(-\beta_i D^2_{ij})}{\sum_{l\ne i}\exp(-\beta_i D^2_{il})}, \qquad p_{i\mid i} = 0,
# \qquad \beta_i = \frac{1}{2\sigma_i^2}.$$
#
# **Perplexity.** Each point gets its own width $\sigma_i$: small in dense regions, large in sparse ones. It is
# chosen so that the distribution $P_i = (p_{j\mid i})_j$ has a given **perplexity**,
# $\operatorname{Perp}(P_i) = e^{H(P_i)}$, where $H(P_i) = -\sum_j p_{j\mid i}\log p_{j\mid i}$ is its entropy in
# nats (the paper writes $2^{H}$ with $H$ in bits: the same number). A uniform distribution over $m$ neighbours has
# perplexity exactly $m$, so the perplexity is a smooth **effective number of neighbours**. Typical values are 5 to
# 50; it must be smaller than $n - 1$.
#
# **The binary search.** The entropy falls as $\beta_i$ grows (a sharper Gaussian puts its mass on fewer
# neighbours), so $\beta_i$ can be found by bisection: start at $\beta = 1$ with bracket $[0, \infty)$; if the
# entropy is too high, $\beta$ becomes the lower end of the bracket, else the upper end; the next $\beta$ is the
# midpoint, or $2\beta$ while there is no upper end yet. Stop when $|H - \log\text{perplexity}| < 10^{-5}$.
#
# **Numerics.** With squared distances in the thousands, $\exp(-\beta D^2)$ is 0 for every $j$ and the row becomes
# 0/0. Subtracting the row's smallest off-diagonal distance from every $D^2_{ij}$ changes nothing (it cancels
# between numerator and denominator) and keeps the nearest neighbour at $\exp(0) = 1$.
#
# ### Exercise 4 — `tsne_conditional_p`
#
# Given the squared distances `D2` (an `(n, n)` symmetric matrix, zero diagonal) and a `perplexity`, return the
# `(n, n)` matrix `P` with `P[i, j]` $= p_{j\mid i}$: each row sums to 1, the diagonal is 0, and each row's entropy
# (natural log) is within $10^{-5}$ of $\log(\text{perplexity})$. Searching all rows at once (vectors of $\beta$,
# brackets and entropies) is much faster than one row at a time, but either is fine.

# %% nbgrader={"grade": false, "grade_id": "tsne_conditional_p", "locked": false, "schema_version": 3, "solution": true, "task": false}
def tsne_conditional_p(D2, perplexity):
    """t-SNE's conditional probabilities p_(j|i) for a target perplexity.

    D2 : array (n, n) of squared distances (symmetric, zero diagonal); perplexity : a number, 1 < perplexity < n - 1.
    Returns P (n, n): P[i, j] = exp(-beta_i * D2[i, j]) / sum over l != i of exp(-beta_i * D2[i, l]) for j != i,
    P[i, i] = 0, with every beta_i > 0 chosen (binary search) so that -sum_j P[i, j] * log(P[i, j]) is within 1e-5
    of log(perplexity).
    """
    ### BEGIN SOLUTION
    D2 = np.asarray(D2, dtype=float)
    n = len(D2)
    off_diagonal = ~np.eye(n, dtype=bool)
    nearest = np.where(off_diagonal, D2, np.inf).min(axis=1, keepdims=True)
    shifted = np.where(off_diagonal, D2 - nearest, 0.0)     # avoids 0/0 for large distances
    target = np.log(perplexity)
    beta, low, high = np.ones(n), np.zeros(n), np.full(n, np.inf)
    for _ in range(200):
        weights = np.where(off_diagonal, np.exp(-beta[:, None] * shifted), 0.0)
        P = weights / weights.sum(axis=1, keepdims=True)
        entropy = -np.sum(P * np.log(np.where(P > 0, P, 1.0)), axis=1)
        searching = np.abs(entropy - target) >= 1e-5
        if not searching.any():
            break
        too_flat = searching & (entropy > target)        # too many neighbours: sharpen, raise beta
        too_sharp = searching & (entropy < target)
        low = np.where(too_flat, beta, low)
        high = np.where(too_sharp, beta, high)
        beta = np.where(searching, np.where(np.isinf(high), 2 * beta, (low + high) / 2), beta)
    return P
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "tsne_conditional_p_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Four points at the corners of a unit square: the two sides at squared distance 1, the diagonal at 2.
D2_square = np.array([[0, 1, 2, 1], [1, 0, 1, 2], [2, 1, 0, 1], [1, 2, 1, 0]], dtype=float)
P_square = tsne_conditional_p(D2_square, 2.0)
expect_equal(np.shape(P_square), (4, 4), name="P.shape for 4 points")
expect_close(np.diag(P_square), np.zeros(4), name="the diagonal of P (a point is not its own neighbour)", atol=1e-12)
expect_close(P_square.sum(axis=1), np.ones(4), name="the row sums of P", atol=1e-9)
row = P_square[0]
entropy = -np.sum(row[row > 0] * np.log(row[row > 0]))
expect_close(entropy, np.log(2.0), name="the entropy of row 0 (log of the perplexity 2)", atol=1e-5)
# By symmetry both sides get the same probability.
expect_close(row[1], row[3], name="P[0, 1] and P[0, 3] (both at distance 1)", atol=1e-9)
expect_true(row[1] > row[2], "the nearer neighbours must get the larger probabilities.",
            name="nearer neighbours are more likely")
# Perplexity 2 with two equally near neighbours: almost all the probability goes to them, half each.
expect_close(row, [0, 0.5, 0, 0.5], name="row 0 for perplexity 2", atol=1e-5)
# Perplexity close to 3 (the most there is with 3 neighbours) makes the row nearly uniform.
expect_close(tsne_conditional_p(D2_square, 2.999)[0], [0, 1 / 3, 1 / 3, 1 / 3], name="row 0 for perplexity 2.999",
             atol=0.02)
print("✓ public checks passed: tsne_conditional_p (zero diagonal, rows sum to 1, entropy = log 2, symmetry)")

# %% nbgrader={"grade": true, "grade_id": "tsne_conditional_p_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 6 to 120 points in clusters, perplexities from 2 to 30, squared distances from 1e-6 to 1e7, and
# duplicate points. Checked: rows sum to 1, zero diagonal, every row's entropy within 1e-5 of log(perplexity), and
# the rows equal scikit-learn's binary search (sklearn.manifold._utils._binary_search_perplexity).
# Try them yourself now: check("week06.tsne_conditional_p", tsne_conditional_p)
### BEGIN HIDDEN TESTS
grade("week06.tsne_conditional_p", tsne_conditional_p)
### END HIDDEN TESTS

# %%
check("week06.tsne_conditional_p", tsne_conditional_p);

# %% [markdown]
# How the widths adapt: 300 digits, perplexity 30. A row's probabilities depend only on the *differences* between
# its squared distances (adding a constant to a whole row cancels in the normalisation, which is why the shift
# above is allowed). So $\sigma_i$ follows how fast the squared distances grow beyond point $i$'s nearest neighbour:
# where the 60th-nearest neighbour is barely further than the nearest, a narrow Gaussian already spreads over 30
# effective neighbours; where the distances fan out, it takes a wide one. Below, $\sigma_i$ against that growth:
# a Spearman rank correlation above 0.9. (The popular shorthand "dense regions get narrow Gaussians" is only
# loosely true in 64 dimensions, where all distances are large and similar.)

# %%
from scipy.stats import spearmanr

from course.explorers.tsne_map import reference_conditional_p, squared_distances

sample = np.random.default_rng(0).choice(len(X_digits), size=300, replace=False)
D2_digits = squared_distances(X_digits[sample])
P_digits = mine_or_reference(tsne_conditional_p, reference_conditional_p, D2_digits, 30.0)
row_entropy = -np.sum(P_digits * np.log(np.where(P_digits > 0, P_digits, 1.0)), axis=1)
print(f"perplexity of every row: from {np.exp(row_entropy).min():.4f} to {np.exp(row_entropy).max():.4f}")
# Recover each row's width from two entries: log p_ij - log p_il = -beta_i (D2_ij - D2_il).
by_distance = np.argsort(np.where(np.eye(300, dtype=bool), np.inf, D2_digits), axis=1)
rows, first, sixtieth = np.arange(300), by_distance[:, 0], by_distance[:, 59]
growth = D2_digits[rows, sixtieth] - D2_digits[rows, first]                # 60th-nearest minus nearest
beta = (np.log(P_digits[rows, first]) - np.log(P_digits[rows, sixtieth])) / growth
sigma = 1 / np.sqrt(2 * beta)
print(f"Spearman rank correlation of sigma_i with that growth: {spearmanr(growth, sigma).statistic:.2f}")
fig, ax = plt.subplots(figsize=(6, 3.2))
ax.loglog(growth, sigma, ".", ms=4)
ax.set_xlabel("squared distance to the 60th-nearest minus to the nearest")
ax.set_ylabel(r"$\sigma_i$")
ax.set_title("each point's width follows how fast its distances grow")
plt.show()

# %% [markdown]
# ## 6. t-SNE: the map
#
# **Step 2: a symmetric joint distribution.** t-SNE symmetrises, $p_{ij} = (p_{j\mid i} + p_{i\mid j})/(2n)$, so
# that every point, even an outlier, has some weight, and all $p_{ij}$ sum to 1. (This is what scikit-learn's
# `TSNE` computes internally from the same binary search.)
#
# **Step 3: a map whose neighbourhoods match.** Place points $\mathbf y_i$ in 2-D, define similarities there with a
# **Student-t** kernel with one degree of freedom, $q_{ij} \propto (1 + \lVert\mathbf y_i - \mathbf y_j\rVert^2)^{-1}$,
# and move the $\mathbf y_i$ by gradient descent to minimise the Kullback–Leibler divergence
# $\mathrm{KL}(P\,\|\,Q) = \sum_{i\ne j}p_{ij}\log(p_{ij}/q_{ij})$. KL punishes **neighbours drawn far apart**
# (large $p$, small $q$) heavily and far points drawn close only mildly: local structure is what t-SNE keeps.
#
# **The crowding problem, and why the heavy tail.** In 64 dimensions a point can have many neighbours all at the
# same distance; in 2-D there is not room for them (the area at moderate distance is small compared with the
# volume in high dimensions). With a Gaussian in the map too (the original SNE), the moderately distant points get
# crushed into the middle. The Student-t's heavy tail lets moderately distant points sit *much* further apart in
# the map than in the data at the same $q$, which makes room and pulls clusters apart.
#
# **How to read a t-SNE map (and how not to):**
#
# * Who is next to whom is meaningful: clusters in the map are usually groups in the data.
# * **Distances between clusters mean little**: two clusters far apart in the map may be no further apart in the
#   data than two close ones; the heavy tail and the optimisation decide the gaps.
# * **Cluster sizes mean little**: t-SNE expands dense clusters and contracts sparse ones, because every point gets
#   the same effective number of neighbours.
# * The result depends on the perplexity and on the random start; run it more than once, and do not cluster the
#   map's coordinates as if they were features.
# * It has no `transform` for new points and costs $O(n^2)$ (Barnes–Hut: $O(n\log n)$): it is for looking, not for
#   preprocessing. PCA first (to about 50 dimensions) is a common speed-up.
#
# Compared with PCA: PCA is linear, deterministic, invertible and keeps global structure and variances; t-SNE is
# non-linear and stochastic, keeps local neighbourhoods and distorts everything else. (UMAP, not installed here,
# makes similar maps faster and keeps a little more of the global layout.)
#
# A check of the symmetrised probabilities against scikit-learn's own:

# %%
from sklearn.manifold._t_sne import _joint_probabilities
from scipy.spatial.distance import squareform

joint_mine = (P_digits + P_digits.T) / (2 * len(P_digits))
joint_sklearn = squareform(_joint_probabilities(D2_digits.astype(np.float32), 30.0, 0))
print(f"largest difference from scikit-learn's joint probabilities: {np.abs(joint_mine - joint_sklearn).max():.1e} "
      f"(the entries average {joint_sklearn.mean():.1e})")

# %% [markdown]
# ### Explorer: perplexity
#
# The maps of the same 300 digits for six perplexities were made once with scikit-learn's `TSNE` and stored with the
# course, so the slider only picks one. Watch: at perplexity 2 each point cares about one or two neighbours and the
# map breaks into small fragments; from 5 to 50 the ten digits form clear clusters; at 100 (a third of the data as
# "neighbours") the layout becomes rounder and more global. The status line measures how many of each point's 10
# nearest neighbours in 64-D are still among its 10 nearest in the map: at perplexity 2 the fewest of the six
# (about 55 %), from 5 to 100 about two thirds, against about a quarter in PCA's map on the left.

# %%
from course.explorers import tsne_perplexity_explorer

tsne_perplexity_explorer(perplexity=30)

# %% [markdown]
# Distances and sizes are not to be trusted, and here is a small proof: three Gaussian clusters of 100 points in
# 10-D, where cluster A is **ten times wider** than B and C, and the gap between A and B is **ten times** the gap
# between B and C. In the t-SNE map all three clusters come out about equally wide, and the two gaps about equal.

# %%
rng = np.random.default_rng(1)
centres = np.zeros((3, 10))
centres[1, 0], centres[2, 0] = 100.0, 110.0               # A at 0, B at 100, C at 110: gaps 100 and 10
spreads = np.array([10.0, 1.0, 1.0])                      # A is ten times wider
blobs = np.vstack([c + s * rng.normal(size=(100, 10)) for c, s in zip(centres, spreads)])
which = np.repeat([0, 1, 2], 100)
blob_map = TSNE(perplexity=30, init="pca", random_state=0, max_iter=500).fit_transform(blobs)


def spread_and_centre(points):
    return [(np.sqrt(np.mean(np.sum((points[which == c] - points[which == c].mean(0)) ** 2, axis=1))),
             points[which == c].mean(0)) for c in range(3)]


rows = {}
for name, points in (("data", blobs), ("t-SNE map", blob_map)):
    (sa, ca), (sb, cb), (sc, cc) = spread_and_centre(points)
    rows[name] = {"spread A": sa, "spread B": sb, "spread C": sc, "spread A / spread B": sa / sb,
                  "gap A-B / gap B-C": np.linalg.norm(ca - cb) / np.linalg.norm(cb - cc)}
pd.DataFrame(rows).T.round(1)

# %%
fig, ax = plt.subplots(figsize=(5, 3.5))
for c, label in enumerate("ABC"):
    ax.scatter(*blob_map[which == c].T, s=6, label=label)
ax.legend()
ax.set_title("t-SNE map of clusters A (wide), B and C")
plt.show()

# %% [markdown]
# ## 7. Autoencoders
#
# An **autoencoder** is a network trained to output its own input through a narrow middle layer: an **encoder**
# $f$ maps $\mathbf x \in \mathbb R^d$ to a **code** (latent vector) $\mathbf z \in \mathbb R^k$, $k < d$, and a
# **decoder** $g$ maps it back; training minimises the **reconstruction loss**
# $\frac1n\sum_i\lVert\mathbf x_i - g(f(\mathbf x_i))\rVert^2$. No labels: the data are their own targets.
#
# **A linear autoencoder learns PCA's subspace.** With $f(\mathbf x) = W_{\text{enc}}^\top\mathbf x$ and
# $g(\mathbf z) = W_{\text{dec}}^\top\mathbf z$ on centred data, the reconstruction $X_cW_{\text{enc}}W_{\text{dec}}$
# has rank at most $k$, and by Eckart–Young the best rank-$k$ approximation is PCA's. So at the optimum the rows of
# $W_{\text{dec}}$ span the same subspace as the top $k$ principal components (Baldi & Hornik 1989), and gradient
# descent from a small random start gets there (the loss has saddle points but no bad local minima). The weights
# themselves are not the components: any invertible $A$ gives the same product
# $W_{\text{enc}}A\,A^{-1}W_{\text{dec}}$, so the autoencoder finds the subspace but not the orthonormal, ordered
# basis. We compare subspaces by their **principal angles** (`scipy.linalg.subspace_angles`): all zero when they
# coincide.
#
# ### Exercise 5 — `linear_autoencoder`
#
# Train a linear autoencoder by full-batch gradient descent:
#
# 1. centre $X$ (subtract each feature's mean);
# 2. `rng = np.random.default_rng(seed)`; `W_enc = rng.normal(scale=0.1, size=(d, k))`, then
#    `W_dec = rng.normal(scale=0.1, size=(k, d))`;
# 3. `n_steps` times: codes $Z = X_cW_{\text{enc}}$, residual $R = ZW_{\text{dec}} - X_c$, loss
#    $L = \frac1n\sum R^2$ (sum over features, mean over samples); gradients
#    $\partial L/\partial W_{\text{dec}} = Z^\top G$ and $\partial L/\partial W_{\text{enc}} = X_c^\top G\,W_{\text{dec}}^\top$
#    with $G = 2R/n$; step both weights by `-learning_rate` times their gradient (computed from the same old weights).
#
# Return `(W_enc, W_dec, losses)` with `losses[t]` the loss before step `t + 1`. The same seed must give the same
# weights. (PyTorch with `torch.manual_seed(seed)`, two bias-free `nn.Linear` layers and `torch.optim.SGD` is fine
# too; the checks only look at the subspace, the loss and reproducibility.) It must take well under 2 seconds for
# 1000 steps on a few hundred points.

# %% nbgrader={"grade": false, "grade_id": "linear_autoencoder", "locked": false, "schema_version": 3, "solution": true, "task": false}
def linear_autoencoder(X, k, n_steps, learning_rate, seed):
    """A linear autoencoder x -> x W_enc W_dec trained by full-batch gradient descent on the centred data.

    X : array (n, d); k : code size; n_steps, learning_rate : gradient descent; seed : int for the initial weights.
    Returns (W_enc (d, k), W_dec (k, d), losses (n_steps,)), losses[t] = (1/n) * sum of squared reconstruction
    errors before step t + 1.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    n, d = X.shape
    centred = X - X.mean(axis=0)
    rng = np.random.default_rng(seed)
    W_enc = rng.normal(scale=0.1, size=(d, k))
    W_dec = rng.normal(scale=0.1, size=(k, d))
    losses = np.empty(n_steps)
    for step in range(n_steps):
        codes = centred @ W_enc
        residual = codes @ W_dec - centred
        losses[step] = np.sum(residual ** 2) / n
        grad_output = 2 * residual / n
        grad_dec = codes.T @ grad_output
        grad_enc = centred.T @ (grad_output @ W_dec.T)
        W_enc, W_dec = W_enc - learning_rate * grad_enc, W_dec - learning_rate * grad_dec
    return W_enc, W_dec, losses
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "linear_autoencoder_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Points spread mostly along the direction (1, 1, 0), around the mean (5, 5, 5): a 1-unit code should find it.
rng_public = np.random.default_rng(0)
X_ae = 5 + np.outer(rng_public.normal(size=100) * 2, [1, 1, 0]) / np.sqrt(2) + 0.1 * rng_public.normal(size=(100, 3))
W_enc, W_dec, losses = linear_autoencoder(X_ae, 1, 500, 0.1, seed=0)
expect_equal((np.shape(W_enc), np.shape(W_dec), np.shape(losses)), ((3, 1), (1, 3), (500,)),
             name="the shapes of W_enc, W_dec and losses for d = 3, k = 1, 500 steps")
expect_close(np.abs(W_dec[0]) / np.linalg.norm(W_dec[0]), [1 / np.sqrt(2), 1 / np.sqrt(2), 0],
             name="the decoder's direction |W_dec| / norm (the direction (1, 1, 0))", atol=0.01)
expect_true(losses[-1] < 0.1 * losses[0], f"the loss should fall by far more than 10x; it went from {losses[0]:.3g} "
            f"to {losses[-1]:.3g}.", name="the loss falls")
expect_close(linear_autoencoder(X_ae, 1, 500, 0.1, seed=0)[1], W_dec, name="W_dec of a second run with seed 0")
print("✓ public checks passed: linear_autoencoder (shapes, the leading direction, the loss falls, reproducible)")

# %% nbgrader={"grade": true, "grade_id": "linear_autoencoder_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 100 to 300 points in 6 to 12 dimensions, k from 1 to 4, data off the origin, 800 steps at
# learning_rate 0.05. Checked: shapes, the same seed gives the same weights, the loss falls, the largest principal
# angle between the rows of W_dec and PCA's top-k subspace (scipy.linalg.subspace_angles) is under 1 degree, the
# reconstruction error is within 2 % of PCA's, and losses[-1] is the loss of the returned weights.
# Try them yourself now: check("week06.linear_autoencoder", linear_autoencoder)
### BEGIN HIDDEN TESTS
grade("week06.linear_autoencoder", linear_autoencoder)
### END HIDDEN TESTS

# %%
check("week06.linear_autoencoder", linear_autoencoder);

# %% [markdown]
# On the digits (scaled to 0–1), with a code of 8: the decoder's subspace approaches PCA's as training goes on, and
# the loss approaches PCA's reconstruction error from above. The weights are not orthonormal: the autoencoder finds
# the subspace, not PCA's basis.

# %%
from course.explorers.baskets import reference_linear_autoencoder

X01 = X_digits / 16
pca_8 = PCA(n_components=8).fit(X01)
pca_loss = np.sum((X01 - pca_8.inverse_transform(pca_8.transform(X01))) ** 2) / len(X01)
rows = []
for steps in (100, 400, 1600):
    W_enc, W_dec, losses = mine_or_reference(linear_autoencoder, reference_linear_autoencoder, X01, 8, steps, 0.2, 0)
    rows.append({"steps": steps, "loss": losses[-1], "PCA's loss": pca_loss,
                 "largest angle to PCA's (degrees)": np.degrees(subspace_angles(W_dec.T, pca_8.components_.T)).max()})
print("rows of W_dec: lengths", np.round(np.linalg.norm(W_dec, axis=1), 2), "(PCA's components have length 1)")
pd.DataFrame(rows).set_index("steps").round(4)

# %% [markdown]
# ### A non-linear autoencoder in PyTorch
#
# Replace the two matrices by small networks with a non-linearity, and the code can follow curved structure:
# encoder 64 → 32 → 8 and decoder 8 → 32 → 64, ReLU in between and a sigmoid at the end (pixels in 0–1), trained with
# Adam on mini-batches. It takes a few seconds on a CPU. With the same code size of 8 it reconstructs held-out digits
# better than PCA with 8 components (here the lesson says *better*, not *much* better: 8 × 8 digits are nearly
# linear already).

# %%
import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(0)
X_train01, X_test01, y_train_d, y_test_d = train_test_split(X01, y_digits, test_size=0.25, random_state=0)
train_tensor = torch.tensor(X_train01, dtype=torch.float32)
test_tensor = torch.tensor(X_test01, dtype=torch.float32)

encoder = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 8))
decoder = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 64), nn.Sigmoid())
autoencoder = nn.Sequential(encoder, decoder)
optimiser = torch.optim.Adam(autoencoder.parameters(), lr=3e-3)
epoch_losses = []
for epoch in range(40):
    order = torch.randperm(len(train_tensor))
    for start in range(0, len(order), 64):
        batch = train_tensor[order[start:start + 64]]
        loss = ((autoencoder(batch) - batch) ** 2).sum(dim=1).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    epoch_losses.append(loss.item())

with torch.no_grad():
    ae_test_loss = ((autoencoder(test_tensor) - test_tensor) ** 2).sum(dim=1).mean().item()
    codes_train, codes_test = encoder(train_tensor).numpy(), encoder(test_tensor).numpy()
pca_train = PCA(n_components=8).fit(X_train01)
pca_test_loss = np.sum((X_test01 - pca_train.inverse_transform(pca_train.transform(X_test01))) ** 2) / len(X_test01)
print(f"held-out reconstruction loss with a code of 8: autoencoder {ae_test_loss:.3f}, PCA {pca_test_loss:.3f}")

# %% [markdown]
# ### Explorer: the code size
#
# The same network with codes of 1 to 32 numbers (trained once, ahead of time, exactly as above; the slider only
# picks a result), against PCA with as many components. The autoencoder wins for small codes, from 2 to 8 numbers,
# where bending the code space pays (with a single number the two tie). From 16 on PCA wins: with so many components the linear map keeps almost
# everything, while this small network (a hidden layer of 32, trained for 40 epochs) cannot; matching it would take
# more capacity and training. A non-linear model is not automatically better: compare it with the linear baseline.

# %%
from course.explorers import autoencoder_latent_explorer

autoencoder_latent_explorer(k=8)

# %% [markdown]
# **Feature extraction.** The code is a compressed description of the digit, learnt without labels. A classifier
# trained on the 8 code values (instead of 64 pixels) shows how much of the digit's identity the code kept;
# PCA's 8 scores are the linear baseline.

# %%
accuracy = {}
for name, train_features, test_features in (
        ("autoencoder codes (8)", codes_train, codes_test),
        ("PCA scores (8)", pca_train.transform(X_train01), pca_train.transform(X_test01)),
        ("all 64 pixels", X_train01, X_test01)):
    scaler = StandardScaler().fit(train_features)
    classifier = LogisticRegression(max_iter=2000).fit(scaler.transform(train_features), y_train_d)
    accuracy[name] = classifier.score(scaler.transform(test_features), y_test_d)
pd.Series(accuracy, name="test accuracy").rename_axis("logistic regression on").to_frame().round(3)

# %%
fig, axes = plt.subplots(2, 8, figsize=(9, 2.4))
with torch.no_grad():
    rebuilt = autoencoder(test_tensor[:8]).numpy()
for j in range(8):
    axes[0, j].imshow(X_test01[j].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    axes[1, j].imshow(rebuilt[j].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
for ax in axes.ravel():
    ax.axis("off")
axes[0, 0].set_title("held-out digits", loc="left")
axes[1, 0].set_title("through the 8-number code", loc="left")
plt.show()

# %% [markdown]
# Autoencoders are the starting point for much of modern unsupervised learning: **denoising** autoencoders (trained
# to rebuild clean inputs from corrupted ones), **variational** autoencoders (week 10: a code space you can sample
# new data from), and the encoders of large self-supervised models.

# %% [markdown]
# ## 8. Association rules
#
# A shop's till records **transactions**: the set of products in each basket. Which products go together?
#
# * An **itemset** is a set of products; its **support** is the fraction of transactions that contain all of them,
#   $\operatorname{supp}(A) = |\{t : A \subseteq t\}|/n$.
# * A **rule** $A \Rightarrow C$ (antecedent $A$, consequent $C$, disjoint, non-empty) says "baskets with $A$ tend to
#   hold $C$". Its support is $\operatorname{supp}(A\cup C)$; its **confidence** is
#   $\operatorname{conf}(A\Rightarrow C) = \operatorname{supp}(A\cup C)/\operatorname{supp}(A)$, an estimate of
#   $P(C \mid A)$.
# * **Lift** compares that with how often $C$ is bought anyway:
#   $\operatorname{lift} = \operatorname{conf}(A\Rightarrow C)/\operatorname{supp}(C)
#   = \operatorname{supp}(A\cup C)/(\operatorname{supp}(A)\operatorname{supp}(C))$. Lift 1: independent; above 1:
#   bought together more often than by chance; below 1: less. A rule "→ milk" can have high confidence just because
#   everybody buys milk; its lift will then be near 1.
#
# **Apriori** (Agrawal & Srikant 1994). With $m$ products there are $2^m$ itemsets, far too many to count. But
# support can only fall as an itemset grows (every basket holding $A \cup \{x\}$ holds $A$), so **every subset of a
# frequent itemset is frequent**, and a superset of an infrequent one never is. Apriori counts level by level:
# frequent single items; candidate pairs built only from frequent items; candidate triples only from frequent pairs
# *whose every 2-subset is frequent*; and so on: it **prunes** each candidate that has an infrequent subset before
# counting it. Then each frequent itemset $I$ gives the rules $A \Rightarrow I\setminus A$ for every non-empty proper
# subset $A$, kept when their confidence reaches the threshold.
#
# ### Exercise 6 — `association_rules`
#
# Given `transactions` (a list of baskets, each a list of product names; a product listed twice in a basket counts
# once), return every rule $A \Rightarrow C$ with $\operatorname{supp}(A\cup C) \ge$ `min_support` and confidence
# $\ge$ `min_confidence`, as tuples `(antecedent, consequent, support, confidence, lift)` with the itemsets as
# `frozenset`s, **sorted by `(sorted(antecedent), sorted(consequent))`**. Consequents may have several items. Use
# Apriori, or, if you first want something that works, enumerate every itemset (fine for a dozen products).

# %% nbgrader={"grade": false, "grade_id": "association_rules", "locked": false, "schema_version": 3, "solution": true, "task": false}
def association_rules(transactions, min_support, min_confidence):
    """Every association rule that passes both thresholds.

    transactions : list of baskets (lists of hashable items; duplicates within a basket count once).
    min_support, min_confidence : thresholds in [0, 1], compared with >=.
    Returns a list of (antecedent, consequent, support, confidence, lift): antecedent and consequent non-empty,
    disjoint frozensets; support = supp(antecedent | consequent); confidence = support / supp(antecedent);
    lift = confidence / supp(consequent); sorted by (sorted(antecedent), sorted(consequent)).
    """
    ### BEGIN SOLUTION
    from itertools import combinations

    baskets = [frozenset(basket) for basket in transactions]
    n = len(baskets)

    def support_of(itemsets):
        return {s: sum(1 for basket in baskets if s <= basket) / n for s in itemsets}

    frequent = {}
    level = {frozenset([item]) for basket in baskets for item in basket}
    while level:
        kept = {s: value for s, value in support_of(level).items() if value >= min_support}
        frequent.update(kept)
        # Apriori: join frequent itemsets one item apart; prune a candidate with any infrequent subset.
        candidates = {a | b for a in kept for b in kept if len(a | b) == len(a) + 1}
        level = {c for c in candidates if all(c - {item} in kept for item in c)}
    rules = []
    for itemset, support in frequent.items():
        for size in range(1, len(itemset)):
            for antecedent in map(frozenset, combinations(itemset, size)):
                confidence = support / frequent[antecedent]
                if confidence >= min_confidence:
                    consequent = itemset - antecedent
                    rules.append((antecedent, consequent, support, confidence, confidence / frequent[consequent]))
    return sorted(rules, key=lambda rule: (sorted(rule[0]), sorted(rule[1])))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "association_rules_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Five baskets. bread: 3 of 5, butter: 2 of 5 (both times with bread), milk: 3 of 5.
baskets_public = [["bread", "butter"], ["bread", "milk"], ["bread", "butter", "milk"], ["milk"], ["eggs"]]
rules_public = association_rules(baskets_public, 0.4, 0.6)
expect_equal([(sorted(a), sorted(c)) for a, c, *_ in rules_public],
             [(["bread"], ["butter"]), (["bread"], ["milk"]), (["butter"], ["bread"]), (["milk"], ["bread"])],
             name="the rules (antecedent, consequent) at min_support 0.4, min_confidence 0.6, in sorted order")
expect_true(all(isinstance(a, frozenset) and isinstance(c, frozenset) for a, c, *_ in rules_public),
            "antecedents and consequents should be frozensets.", name="itemsets are frozensets")
# butter => bread: support 2/5, confidence (2/5) / (2/5) = 1, lift 1 / (3/5) = 5/3.
expect_close([float(x) for x in rules_public[2][2:]], [0.4, 1.0, 5 / 3],
             name="support, confidence and lift of butter => bread")
# bread => milk: support 2/5, confidence 2/3, lift (2/3) / (3/5) = 10/9.
expect_close([float(x) for x in rules_public[1][2:]], [0.4, 2 / 3, 10 / 9],
             name="support, confidence and lift of bread => milk")
expect_equal(len(association_rules(baskets_public, 0.5, 0.1)), 0,
             name="the number of rules at min_support 0.5 (no pair is in half the baskets)")
expect_equal(len(association_rules(baskets_public, 0.2, 0.0)), 12,
             name="the number of rules at min_support 0.2, min_confidence 0 (including {bread, butter, milk})")
print("✓ public checks passed: association_rules (rules, order, frozensets, support/confidence/lift, thresholds)")

# %% nbgrader={"grade": true, "grade_id": "association_rules_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 5 to 120 generated baskets of 4 to 9 products (some scanned twice, some empty), thresholds from
# "almost everything" to "nothing", compared with brute-force enumeration of every itemset and every rule.
# Try them yourself now: check("week06.association_rules", association_rules)
### BEGIN HIDDEN TESTS
grade("week06.association_rules", association_rules)
### END HIDDEN TESTS

# %%
check("week06.association_rules", association_rules);

# %% [markdown]
# How much the pruning saves, on baskets of the capstone's shop (14 products): the number of itemsets Apriori
# counts, against the $2^{14} - 1 = 16383$ that brute force would.

# %%
from course.explorers.baskets import PRODUCTS, reference_association_rules, rules_table, shop_transactions

shop = shop_transactions(n_customers=300, seed=0)
shop_baskets = shop.baskets


def apriori_counted(baskets, min_support):
    """How many itemsets Apriori counts (the candidates of every level) before it runs out of frequent ones."""
    sets = [frozenset(b) for b in baskets]
    level, counted = {frozenset([i]) for b in sets for i in b}, 0
    while level:
        counted += len(level)
        kept = {s for s in level if sum(s <= b for b in sets) / len(sets) >= min_support}
        level = {a | b for a in kept for b in kept if len(a | b) == len(a) + 1}
        level = {c for c in level if all(c - {i} in kept for i in c)}
    return counted


pd.DataFrame({"min_support": [0.2, 0.05, 0.01],
              "itemsets Apriori counts": [apriori_counted(shop_baskets, s) for s in (0.2, 0.05, 0.01)],
              "itemsets brute force counts": 2 ** 14 - 1})

# %% [markdown]
# ## 9. Capstone: market-basket analysis and customer segments
#
# The shop above: 300 customers, each with 3 to 12 non-empty baskets. (The data are generated: the customers belong to
# hidden segments with different tastes, and two habits, bread with butter and cereal with milk, cut across them.
# The analysis below does not look at the segments until the end.)
#
# **Part 1: rules.** Mine the baskets and sort by lift: the strongest associations come first, with their support
# (how often the rule applies) and confidence (how reliable it is). First, the transactions: one row per basket.

# %%
basket_table = pd.DataFrame({"customer": shop.customer,
                             "products": [", ".join(basket) for basket in shop_baskets],
                             "size": [len(basket) for basket in shop_baskets]})
print(f"{len(basket_table)} baskets from {basket_table['customer'].nunique()} customers; on average "
      f"{basket_table['size'].mean():.1f} products per basket")
basket_table.head()

# %% [markdown]
# The same baskets as a **one-hot matrix**, baskets × products with a 1 where the basket holds the product (the
# format most rule-mining libraries take). A column's mean is the product's support:

# %%
onehot = pd.DataFrame(shop.onehot().astype(int), columns=list(PRODUCTS))
onehot.head()

# %%
onehot.mean().sort_values(ascending=False).to_frame("support").T.round(3)

# %% [markdown]
# Now the rules, one row each (`rules_table` writes each itemset as its products joined by commas), sorted by lift
# (ties: higher support first):

# %%
shop_rules = mine_or_reference(association_rules, reference_association_rules, shop_baskets, 0.03, 0.5)
rules = rules_table(shop_rules)
print(f"{len(rules)} rules with support >= 3 % and confidence >= 50 %; the ten with the highest lift:")
rules.sort_values(["lift", "support"], ascending=False).head(10).round(3)

# %% [markdown]
# Reading the table: the strongest rules combine the two cross-cutting habits (bread with butter, cereal with milk)
# with the families' staples, and the health shoppers' breakfast (*granola, tea ⇒ yoghurt*) also has a lift above 3:
# these products are bought together more than three times as often as by chance, strong and actionable
# associations (place them together, bundle them). Rules into **milk** make up about a quarter of all the rules and
# are often very confident (up to 96 %), but their lifts stay below 2.5: milk is in many baskets anyway. Rules are
# correlations within baskets, not causes, and with many candidate rules some high lifts on small supports are luck.
# Grouping the rules by their consequent shows it:

# %%
(rules.groupby("consequent")
      .agg(rules=("lift", "size"), highest_confidence=("confidence", "max"), highest_lift=("lift", "max"))
      .sort_values("rules", ascending=False)
      .head(6)
      .round(3))

# %% [markdown]
#
# **Part 2: customers.** Describe each customer by the share of their baskets that contain each product (a
# customers × products table), reduce it with PCA, and cluster it with k-means, choosing $k$ by the silhouette
# (week 05).

# %%
profiles = onehot.groupby(shop.customer).mean()          # customers x products: the share of their baskets
profiles.index.name = "customer"
print(f"customer profiles: {profiles.shape[0]} customers x {profiles.shape[1]} products")
profiles.head().round(2)

# %%
profile_matrix = profiles.to_numpy()                     # the NumPy array our functions and scikit-learn take
profile_components, profile_ratio, profile_scores = mine_or_reference(pca, reference_pca, profile_matrix, 4)
print("explained variance ratio of the first 4 components:", np.round(profile_ratio, 3))
scores_by_k = {}
for k in range(2, 8):
    labels = KMeans(n_clusters=k, n_init=4, random_state=0).fit_predict(profile_matrix)
    scores_by_k[k] = silhouette_score(profile_matrix, labels)
best_k = max(scores_by_k, key=scores_by_k.get)
segments_found = KMeans(n_clusters=best_k, n_init=4, random_state=0).fit_predict(profile_matrix)
pd.Series(scores_by_k, name="silhouette").rename_axis("k").to_frame().T.round(3)

# %%
centre_table = profiles.groupby(segments_found).mean()   # each cluster's centre: its customers' average profile
centre_table.index.name = "cluster"
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4), gridspec_kw={"width_ratios": [1, 1.3]})
left.scatter(profile_scores[:, 0], profile_scores[:, 1], c=[f"C{c}" for c in segments_found], s=12)
for c in range(best_k):
    left.annotate(f"cluster {c}", profile_scores[segments_found == c, :2].mean(axis=0), fontsize=9, ha="center",
                  bbox={"boxstyle": "round", "fc": "white", "alpha": 0.8})
left.set_xlabel("PC 1")
left.set_ylabel("PC 2")
left.set_title(f"customers on their first two components, k-means with k = {best_k}")
image = right.imshow(centre_table.to_numpy(), cmap="viridis", aspect="auto")
right.set_xticks(range(len(PRODUCTS)), PRODUCTS, rotation=60, ha="right")
right.set_yticks(range(best_k), [f"cluster {c}" for c in range(best_k)])
right.set_title("what each cluster buys (share of baskets)")
fig.colorbar(image, ax=right)
plt.tight_layout()
plt.show()

# %% [markdown]
# The same centres as a table, with each cluster's size and the three products its customers buy most often.
# Interpreting the clusters means reading their centres: one cluster buys beer and crisps, one coffee and croissants,
# one fruit, yoghurt, granola and tea, one the family staples.

# %%
segment_summary = pd.DataFrame({
    "customers": pd.Series(segments_found).value_counts().sort_index(),
    "buys most often": centre_table.apply(lambda centre: ", ".join(centre.nlargest(3).index), axis=1),
})
segment_summary.join(centre_table).rename_axis("cluster").round(2)

# %% [markdown]
# Only now do we compare with the segments the generator used (a luxury real data never give): customers counted by
# hidden segment and k-means cluster.

# %%
hidden = pd.Series(shop.segment).groupby(shop.customer).first()   # each customer's segment
pd.crosstab(hidden.to_numpy(), segments_found, rownames=["hidden segment"], colnames=["k-means cluster"])

# %% [markdown]
# Here every cluster is exactly one hidden segment (generated data make it easy; real segments overlap). Two tools,
# two questions: rules describe **which products** go together across all baskets (here the
# cross-segment habits, bread–butter and cereal–milk, show up alongside each segment's own), clusters describe
# **which customers** are alike. A shop would use the first for shelf layout and bundles, the second for targeted
# offers, and rules mined within each cluster combine both.

# %% [markdown]
# ## 10. Checkpoint: can you choose the right clustering algorithm and interpret results?
#
# Five short questions, checked when the notebook is graded (the cell under each answer only checks its format),
# and one answer in your own words.
#
# **Q1.** A 2-D data set holds two interleaved crescents (like `make_moons`) and a sprinkling of isolated noise
# points; you do not know how many clusters there are. Which algorithm fits best?
#
# - (a) k-means with k = 2.
# - (b) A Gaussian mixture with two full-covariance components.
# - (c) DBSCAN: clusters of any shape as dense regions, noise points labelled as noise, no k to choose.
# - (d) Agglomerative clustering with Ward linkage and two clusters.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q1", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q1_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q1_answer = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q1_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q1_answer, str) and q1_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q1_answer should be one of the letters "a", "b", "c", "d"; got {q1_answer!r}.',
            name="q1_answer is one of the letters a, b, c, d")
print("q1_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q1_answer, "c", name="the answer to question 1 (q1_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q2.** Reading a silhouette plot. A point's silhouette is $s = (b - a)/\max(a, b)$, with $a$ its mean distance
# to the other points of its own cluster and $b$ its mean distance to the points of the nearest other cluster. A
# point has $a = 2$ and $b = 5$. What is its silhouette? (A number.) And what would a silhouette below 0 say?
# (Think about it; only the number is graded.)

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q2", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q2_answer to a number.
### BEGIN SOLUTION
q2_answer = (5 - 2) / 5
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q2_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number between -1 and 1; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q2_answer, (int, float, np.integer, np.floating)) and not isinstance(q2_answer, bool)
            and -1 <= q2_answer <= 1, f"q2_answer should be a number between -1 and 1; got {q2_answer!r}.",
            name="q2_answer is a number between -1 and 1")
print("q2_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q2_answer, 0.6, name="the answer to question 2 (q2_answer)", rtol=1e-3)
### END HIDDEN TESTS

# %% [markdown]
# **Q3.** What is the first principal component of a data set?
#
# - (a) The feature with the largest variance.
# - (b) The unit direction along which the centred data have the largest variance (the top eigenvector of the
#   covariance matrix).
# - (c) The mean of the data.
# - (d) The direction that best separates the classes.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q3", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q3_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q3_answer = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q3_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q3_answer, str) and q3_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q3_answer should be one of the letters "a", "b", "c", "d"; got {q3_answer!r}.',
            name="q3_answer is one of the letters a, b, c, d")
print("q3_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q3_answer, "b", name="the answer to question 3 (q3_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q4.** In a t-SNE map of customer data, cluster A is drawn twice as large as cluster B, and A is far from C but
# close to B. What can you conclude?
#
# - (a) A is more spread out than B in the data, and A is more different from C than from B.
# - (b) A has about twice as many customers as B.
# - (c) Little about sizes or between-cluster distances: t-SNE keeps neighbourhoods, not distances or spreads;
#   check such conclusions in the original space (distances between centres, PCA, several runs).
# - (d) The map is wrong, because t-SNE preserves distances.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q4", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q4_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q4_answer = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q4_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q4_answer, str) and q4_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q4_answer should be one of the letters "a", "b", "c", "d"; got {q4_answer!r}.',
            name="q4_answer is one of the letters a, b, c, d")
print("q4_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q4_answer, "c", name="the answer to question 4 (q4_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q5.** Reading a silhouette plot. Below, k-means with $k = 4$ on 600 points, and each point's silhouette, sorted
# within its cluster (one band per cluster; the dashed line is the average over all points). Which statement does
# the plot support?
#
# - (a) $k = 4$ fits well: every cluster has a positive average silhouette.
# - (b) Two clusters have much lower silhouettes than the other two and lie next to each other: one group has
#   probably been cut in two, so try $k = 3$.
# - (c) The clusters with the thickest bands are the worst ones, because they hold the most points.
# - (d) The points with a silhouette near 0 are outliers and should be deleted.

# %%
from sklearn.datasets import make_blobs
from sklearn.metrics import silhouette_samples

X_q5, _ = make_blobs(n_samples=600, centers=[(0, 0), (6, 0), (3, 5)], cluster_std=[1.0, 1.0, 1.6], random_state=0)
q5_model = KMeans(n_clusters=4, n_init=10, random_state=0).fit(X_q5)
q5_silhouettes = silhouette_samples(X_q5, q5_model.labels_)
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
bottom = 0
for cluster in range(4):
    values = np.sort(q5_silhouettes[q5_model.labels_ == cluster])
    left.fill_betweenx(np.arange(bottom, bottom + len(values)), 0, values, color=f"C{cluster}", alpha=0.8)
    left.text(-0.08, bottom + len(values) / 2, f"cluster {cluster}", ha="right", va="center", fontsize=9)
    bottom += len(values) + 15
left.axvline(q5_silhouettes.mean(), color="k", ls="--", lw=1)
left.set_xlim(-0.45, 1)
left.set_yticks([])
left.set_xlabel("silhouette")
left.set_title("silhouette of every point, by cluster")
right.scatter(*X_q5.T, c=[f"C{c}" for c in q5_model.labels_], s=6)
right.scatter(*q5_model.cluster_centers_.T, c="k", marker="x", s=60)
right.set_title("the clusters (x: centres)")
plt.show()

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q5", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q5_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q5_answer = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q5_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q5_answer, str) and q5_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q5_answer should be one of the letters "a", "b", "c", "d"; got {q5_answer!r}.',
            name="q5_answer is one of the letters a, b, c, d")
print("q5_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q5_answer, "b", name="the answer to question 5 (q5_answer)")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "segment_customers_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Q6 (written, 3 points, graded by a person).** A shop gives you, for each of 5000 customers, the share of their
# baskets containing each of 200 products. You are asked to find customer segments and explain them. In a short
# paragraph or two: which preprocessing and which clustering algorithm would you try first, and why; how you would
# choose the number of clusters and check that the clusters are real; how you would describe each segment to the
# marketing team; and what role PCA and t-SNE could play (and what you would not conclude from a t-SNE map).
# Write your answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "segment_customers", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# With 200 correlated product shares, I would first remove products almost nobody buys, consider standardising (or
# keep the shares, which share a unit, so that popular products are not inflated), and reduce with PCA to the
# components that keep most of the variance (say 90 %), which removes noise and makes Euclidean distances more
# meaningful. Then k-means (fast for 5000 customers, gives interpretable centres) as a first choice, compared with
# a Gaussian mixture (elliptical clusters, soft memberships) or agglomerative clustering on a sample; DBSCAN if I
# expect dense segments plus many customers who belong to none.
#
# To choose k: the silhouette score and the elbow of the inertia over a range of k, plus whether the segments are
# usable. To check the clusters are real: rerun with other seeds and on bootstrap samples and see whether the same
# segments come back (e.g. adjusted Rand index between runs), look at the silhouette plot for clusters with many
# negative values, and compare against a baseline with no structure. To describe them: each segment's size and
# its centre translated back to products (which products it buys far more or less than average, the loadings of
# the components), with a few typical customers, and association rules mined within each segment. PCA gives the
# 2-D overview and the features; t-SNE gives a picture of which customers are neighbours, but I would not read
# cluster sizes or the distances between clusters from it, nor cluster on its coordinates.

# %% [markdown]
# ## Summary
#
# * **PCA** finds orthonormal directions of maximal variance: the SVD of the **centred** data, $X_c = U\Sigma V^\top$;
#   components are the rows of $V^\top$, variances $\sigma_j^2/(n-1)$, scores $X_cV_k$. Each component is defined up
#   to sign. Choose $k$ by a variance threshold, the scree plot's elbow, or the downstream task; standardise features
#   with different units first.
# * The rank-$k$ **reconstruction** $\bar{\mathbf x} + X_cV_kV_k^\top$ is the best rank-$k$ approximation; its error is
#   the variance in the dropped components. It compresses and denoises; **whitening** rescales the scores to unit
#   variance.
# * **t-SNE** turns distances into neighbour probabilities $p_{j\mid i}$ with a per-point width chosen by binary search
#   for a target **perplexity** (an effective number of neighbours), then places points in 2-D with a heavy-tailed
#   Student-t similarity to beat the **crowding problem**. It keeps neighbourhoods; cluster sizes and gaps between
#   clusters in its maps are not to be read.
# * A **linear autoencoder** learns PCA's subspace (not its basis); non-linear autoencoders reconstruct better with the
#   same code size and give features learnt without labels.
# * **Association rules**: support, confidence $= P(C\mid A)$, lift $=$ confidence / supp($C$); **Apriori** prunes every
#   candidate with an infrequent subset.
#
# Phase 3 ends here. Next week starts deep learning: neural networks from the neuron up, backpropagation and training
# them well.
