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
# # Week 04 — Supervised learning II: forests, support vector machines, boosting, and honest evaluation
#
# Last week's models were single learners: one line, one logistic curve, one tree. This week combines and
# stretches them. **Random forests** average many deep trees to cut their variance; **support vector machines**
# find the widest possible margin between classes and, through **kernels**, draw curved boundaries with linear
# algebra; **gradient boosting** adds small trees one at a time, each correcting the last, and is the method that
# wins most competitions on tabular data. The second half is about measuring a model honestly: the pitfalls that
# make a model look better on your laptop than it will be in the world.
#
# | § | topic | you implement |
# |---|---|---|
# | 1 | bagging: why averaging many models helps | |
# | 2 | the bootstrap and out-of-bag samples | `bootstrap_oob` |
# | 3 | random forests: feature subsampling, OOB error, feature importance (explorer) | |
# | 4 | support vector machines: margins and the hinge loss | `hinge_loss_and_gradient` |
# | 5 | kernels: curved boundaries from inner products (explorer) | `rbf_kernel_matrix` |
# | 6 | gradient boosting, learning rate, early stopping; what XGBoost and LightGBM add (explorer) | `gradient_boosting` |
# | 7 | pitfall: cross-validation done right | `kfold_test_folds` |
# | 8 | pitfall: data leakage | `scaled_cv_scores` |
# | 9 | pitfalls: imbalanced classes and feature scaling | |
# | 10 | choosing an algorithm | |
# | 11 | checkpoint: can you explain the bias-variance trade-off and choose an appropriate algorithm? | four questions + one written answer |

# %% [markdown]
# ## How to work this week
#
# 1. **Run the cells in order**, from the top (the imports cell first). If something looks odd, use
#    *Kernel → Restart Kernel and Run All Cells*.
# 2. Where a cell says `# YOUR CODE HERE` and `raise NotImplementedError()`, delete the `raise` line and write your
#    implementation in NumPy. (One exercise builds on scikit-learn's `DecisionTreeRegressor`: it says so.)
# 3. **Run the public test cell** under each exercise: small inputs whose expected values you can read.
# 4. Then try **fresh random inputs** compared with a library reference, as often as you like, e.g.
#    `check("week04.rbf_kernel_matrix", rbf_kernel_matrix)`. It prints ✓ or what went wrong.
# 5. **Hidden tests** run when the notebook is graded: randomized inputs compared with scikit-learn. If
#    `check(...)` passes reliably, they will pass too.
# 6. The explorers run **your** functions once they pass their checks, and scikit-learn's until then.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, make_classification, make_moons
from sklearn.ensemble import (GradientBoostingRegressor, HistGradientBoostingRegressor, RandomForestClassifier)
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import balanced_accuracy_score, confusion_matrix, recall_score
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score, train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from course.checks import expect_close, expect_equal, expect_choice, expect_true
from course.exercises import check, grade

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. Bagging: why averaging many models helps
#
# Recall the decomposition of last week: the expected squared error of a model on new data is
# **bias² + variance + noise**. A deep decision tree has low bias (it can follow any shape) and high variance (a
# slightly different training set gives a very different tree). Averaging attacks the variance.
#
# Suppose $B$ models have predictions $\hat f_1(x), \dots, \hat f_B(x)$ at some point $x$, each with variance
# $\sigma^2$, and any two correlated with correlation $\rho$. Their average has the same bias, and variance
#
# $$\operatorname{Var}\Big(\frac1B\sum_{b=1}^B \hat f_b(x)\Big) = \rho\,\sigma^2 + \frac{1-\rho}{B}\,\sigma^2 .$$
#
# (Expand the variance of a sum: $B$ variances $\sigma^2$ and $B(B-1)$ covariances $\rho\sigma^2$, divided by
# $B^2$.) The second term vanishes as $B$ grows; the first does not. So averaging helps exactly as much as the models
# are **different from each other**: $B$ copies of one tree ($\rho = 1$) gain nothing, independent trees
# ($\rho = 0$) divide the variance by $B$.
#
# But we have only one training set. **Bagging** (*bootstrap aggregating*, Breiman 1996) fakes many: it trains
# each model on a **bootstrap sample**, $n$ examples drawn **with replacement** from the $n$ training examples, and
# averages the predictions (regression) or the votes (classification). Below, five deep regression trees on five
# bootstrap samples of the same noisy data, and the average of 200 of them.

# %%
def noisy_sine(n, rng):
    x = np.sort(rng.uniform(0, 6, size=n))
    return x, np.sin(x) + rng.normal(scale=0.35, size=n)


rng = np.random.default_rng(0)
x_data, y_data = noisy_sine(60, rng)
x_plot = np.linspace(0, 6, 400)

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 3.8), sharey=True)
bagged = np.zeros_like(x_plot)
for b in range(200):
    rows = rng.integers(0, len(x_data), size=len(x_data))           # a bootstrap sample: with replacement
    tree = DecisionTreeRegressor(random_state=b).fit(x_data[rows, None], y_data[rows])
    prediction = tree.predict(x_plot[:, None])
    bagged += prediction / 200
    if b < 5:
        left.plot(x_plot, prediction, lw=1, alpha=0.8)
for ax in (left, right):
    ax.scatter(x_data, y_data, s=10, color="grey", zorder=3)
    ax.plot(x_plot, np.sin(x_plot), "k--", lw=1, label="true curve")
left.set_title("five deep trees, each on its own bootstrap sample")
right.plot(x_plot, bagged, color="C3", lw=2, label="average of 200 bagged trees")
right.set_title("bagging: the average is far smoother than any one tree")
right.legend()
plt.show()

# %% [markdown]
# Each tree passes through (almost) every training point it saw: zero training error, wild between points. Their
# average keeps the shape of the data and smooths away most of the tree-to-tree noise: the bias stayed low and the
# variance dropped.

# %% [markdown]
# ## 2. The bootstrap and out-of-bag samples
#
# A bootstrap sample draws $n$ indices uniformly from $\{0, \dots, n-1\}$ **with replacement**, so some examples
# appear several times and others not at all. The probability that a given example $i$ is never drawn in $n$ draws
# is
#
# $$P(i \notin \text{sample}) = \Big(1 - \frac1n\Big)^n \;\xrightarrow{\;n\to\infty\;}\; e^{-1} \approx 0.368 .$$
#
# So each tree sees about 63.2 % of the distinct examples, and about 36.8 % are **out of bag (OOB)** for it. Those
# OOB examples are a free validation set for that tree: it never trained on them. §3 turns this into an error
# estimate for the whole forest.
#
# ### Exercise 1 — `bootstrap_oob`
#
# Draw one bootstrap sample per tree and mark, for every tree, which examples it did **not** draw.
#
# * `samples` has shape `(n_trees, n_samples)`: row `t` holds the `n_samples` indices drawn for tree `t`
#   (integers from `0` to `n_samples - 1`, with replacement).
# * `oob` is a boolean array of the same shape: `oob[t, i]` is `True` exactly when index `i` does not appear in
#   `samples[t]`.
# * **Reproducible:** build a generator from the seed, `rng = np.random.default_rng(seed)`, and draw only from it
#   (`rng.integers(low, high, size=...)`; `high` is exclusive). The same seed must give the same samples.
#
# A vectorised way to build the mask: start from `np.zeros((n_trees, n_samples), dtype=bool)` and set the drawn
# positions to `True` with fancy indexing, rows `np.arange(n_trees)[:, None]` and columns `samples`.

# %% nbgrader={"grade": false, "grade_id": "bootstrap_oob", "locked": false, "schema_version": 3, "solution": true, "task": false}
def bootstrap_oob(n_samples, n_trees, seed):
    """Bootstrap samples and out-of-bag masks for a bagged ensemble.

    n_samples : number of training examples n.
    n_trees   : number of bootstrap samples (one per tree).
    seed      : int; the same seed must give the same result.
    Returns (samples, oob): samples, an int array of shape (n_trees, n_samples) of indices drawn with replacement
    from 0..n_samples-1; oob, a bool array of the same shape, oob[t, i] True iff i does not appear in samples[t].
    """
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    samples = rng.integers(0, n_samples, size=(n_trees, n_samples))
    in_bag = np.zeros((n_trees, n_samples), dtype=bool)
    in_bag[np.arange(n_trees)[:, None], samples] = True
    return samples, ~in_bag
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "bootstrap_oob_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
samples, oob = bootstrap_oob(6, 4, seed=0)
expect_equal(np.shape(samples), (4, 6), name="samples.shape for 4 trees of 6 examples")
expect_equal(np.shape(oob), (4, 6), name="oob.shape for 4 trees of 6 examples")
expect_true(np.asarray(oob).dtype == bool, f"oob should be a boolean mask; it has dtype {np.asarray(oob).dtype}.",
            name="oob is a boolean mask")
expect_true(np.all((samples >= 0) & (samples < 6)), "samples must hold indices from 0 to n_samples - 1 = 5.",
            name="samples holds indices from 0 to 5")
for t in range(4):   # out of bag = exactly the indices the tree did not draw
    expect_equal(np.flatnonzero(oob[t]), np.setdiff1d(np.arange(6), samples[t]),
                 name=f"the out-of-bag indices of tree {t}")
expect_true(np.array_equal(bootstrap_oob(6, 4, seed=0)[0], samples), "the same seed must give the same samples.",
            name="the same seed gives the same samples")
expect_true(len({tuple(row) for row in np.asarray(samples).tolist()}) == 4,
            "every tree got the same bootstrap sample: draw all the rows from one generator made once from the "
            "seed (a generator made again from the same seed for each tree repeats the same draws).",
            name="each tree gets its own bootstrap sample")
# One example: every draw is index 0, so nothing is out of bag.
expect_equal(bootstrap_oob(1, 3, seed=5)[0], np.zeros((3, 1), dtype=int), name="samples for n_samples = 1")
# With replacement, about (1 - 1/1000)^1000 = 0.3677 of the examples are out of bag.
rate = bootstrap_oob(1000, 50, seed=1)[1].mean()
expect_true(0.355 < rate < 0.38, f"on average {rate:.3f} of the examples are out of bag; expected about 0.368.",
            name="about 0.368 of the examples are out of bag")
print("✓ public checks passed: bootstrap_oob (shapes, OOB = complement, reproducible, one sample per tree, n = 1, "
      "OOB rate ≈ 0.368)")

# %% nbgrader={"grade": true, "grade_id": "bootstrap_oob_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): sizes from 1 to 200 examples and 1 to 300 trees with random
# seeds. Checked: shapes and dtypes, indices in range, oob is exactly the complement of each sample, the same seed
# gives the same samples and seed + 1 different ones, the trees get different samples, every index can be drawn,
# and the share of out-of-bag examples matches (1 - 1/n)^n within random fluctuation.
# Try the same kind of checks on fresh random inputs: check("week04.bootstrap_oob", bootstrap_oob)
### BEGIN HIDDEN TESTS
grade("week04.bootstrap_oob", bootstrap_oob)
### END HIDDEN TESTS

# %%
check("week04.bootstrap_oob", bootstrap_oob);

# %% [markdown]
# The out-of-bag share approaches $1/e$ quickly:

# %%
for n in (2, 5, 10, 100, 10_000):
    print(f"n = {n:6d}: (1 - 1/n)^n = {(1 - 1 / n) ** n:.4f}", end="")
    try:
        print(f"   measured over 200 bootstraps: {bootstrap_oob(n, 200, seed=0)[1].mean():.4f}")
    except NotImplementedError:
        print("   (finish Exercise 1 to measure it)")
print(f"1/e = {np.exp(-1):.4f}")

# %% [markdown]
# ## 3. Random forests
#
# Bagged trees are still **correlated**: every tree sees about the same data, so the strongest feature tends to
# be the first split of every tree, and the $\rho\sigma^2$ term stays large. A **random forest** (Breiman 2001)
# decorrelates them with one more source of randomness: at **every split**, the tree may only choose among a
# random subset of `max_features` features (scikit-learn's default for classification is $\sqrt d$; for
# regression it uses all $d$, which is plain bagging). Each tree gets a little worse (more bias), but they become
# much less alike, and the average wins. Trees are grown deep (no pruning): bias is the trees' job, variance the
# forest's.
#
# **Out-of-bag error.** For each training example, average the predictions of only the trees for which it was out
# of bag, and compare with its label. This estimates the test error without setting any data aside, from one
# training run: about a third of the trees vote on each example, and none of them saw it. Here it is by hand,
# with your bootstrap samples (or a reference until Exercise 1 passes), next to scikit-learn's `oob_score_`
# (which draws its own bootstrap samples, so the numbers are close but not identical).

# %%
cancer = load_breast_cancer()
X_cancer, y_cancer = cancer.data, cancer.target
X_fit, X_hold, y_fit, y_hold = train_test_split(X_cancer, y_cancer, test_size=0.33, random_state=0,
                                                stratify=y_cancer)
n_trees = 150
try:
    forest_samples, forest_oob = bootstrap_oob(len(y_fit), n_trees, seed=0)
except NotImplementedError:
    from course.explorers.forest import reference_bootstrap_oob
    forest_samples, forest_oob = reference_bootstrap_oob(len(y_fit), n_trees, seed=0)

votes = np.zeros(len(y_fit))      # sum over the trees that left example i out of their P(class 1)
voters = np.zeros(len(y_fit))     # how many trees left example i out
held_out_votes = np.zeros(len(y_hold))
for t in range(n_trees):
    tree = DecisionTreeClassifier(max_features="sqrt", random_state=t)
    tree.fit(X_fit[forest_samples[t]], y_fit[forest_samples[t]])
    out = forest_oob[t]
    votes[out] += tree.predict_proba(X_fit[out])[:, 1]
    voters[out] += 1
    held_out_votes += tree.predict_proba(X_hold)[:, 1] / n_trees

oob_accuracy = np.mean((votes / voters > 0.5) == y_fit)
print(f"every example was out of bag for {voters.min():.0f} to {voters.max():.0f} of the {n_trees} trees")
print(f"OOB accuracy of our forest:             {oob_accuracy:.3f}")
print(f"accuracy of our forest on held-out data: {np.mean((held_out_votes > 0.5) == y_hold):.3f}")
sk_forest = RandomForestClassifier(n_estimators=n_trees, oob_score=True, random_state=0).fit(X_fit, y_fit)
print(f"scikit-learn's oob_score_:               {sk_forest.oob_score_:.3f}")

# %% [markdown]
# ### Explorer: trees → OOB error
#
# The forest below (two moons, 200 training points) grows from 1 to 200 trees. Left: the share of votes for the
# red class. Right: the OOB error, computed from the training data alone, against the error on 500 held-out
# points, and the average error of one tree on its own. Switch to **bagging** (each split may use both features)
# to see what feature subsampling changes. Things to notice: the OOB error is pessimistic with few trees (each
# example is judged by only a handful of trees) and then tracks the test error; adding trees never makes the
# forest overfit, the error just levels off.

# %%
from course.explorers.forest import forest_explorer

forest_explorer(bootstrap_oob)

# %% [markdown]
# ### Feature importance
#
# A forest is less readable than one tree, so we ask which features it relies on. Two common answers:
#
# * **Impurity-based importance** (`feature_importances_`): for each feature, the total decrease in Gini impurity
#   of all the splits on it, weighted by the number of samples reaching them, averaged over the trees. Free (a
#   by-product of training), but computed on the **training** data, and biased towards features with many distinct
#   values, which offer many candidate thresholds to overfit with.
# * **Permutation importance** (`sklearn.inspection.permutation_importance`): shuffle one column of **held-out**
#   data, breaking its link with the target, and measure how much the score drops. Slower, but it measures what the
#   model actually needs to predict new data.
#
# To see the difference, take a (synthetic) customer-churn table: two yes/no features and the tenure in whole years
# drive churn, the monthly charges matter a little, and the **customer id** is pure noise with a different value
# for every customer. A model should not use the id at all.

# %%
rng = np.random.default_rng(0)
n_customers = 1500
monthly_contract = rng.integers(0, 2, n_customers)
tech_support = rng.integers(0, 2, n_customers)
tenure_years = rng.integers(0, 6, n_customers)
monthly_charges = rng.normal(70, 20, n_customers)
customer_id = rng.permutation(n_customers)                      # noise with 1500 distinct values
churn_logit = -1.5 + 2.0 * monthly_contract - 1.0 * tech_support - 0.4 * tenure_years + 0.01 * (monthly_charges - 70)
churned = rng.random(n_customers) < 1 / (1 + np.exp(-churn_logit))
X_churn = np.column_stack([monthly_contract, tech_support, tenure_years, monthly_charges, customer_id]).astype(float)
churn_features = ["monthly contract", "tech support", "tenure (years)", "monthly charges", "customer id"]
X_c_train, X_c_test, y_c_train, y_c_test = train_test_split(X_churn, churned, test_size=0.4, random_state=0)

forest = RandomForestClassifier(n_estimators=100, random_state=0).fit(X_c_train, y_c_train)
permutation = permutation_importance(forest, X_c_test, y_c_test, n_repeats=5, random_state=0)
print(f"test accuracy {forest.score(X_c_test, y_c_test):.3f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.2), sharey=True)
colours = ["C0", "C0", "C0", "C0", "C3"]
left.barh(churn_features, forest.feature_importances_, color=colours)
left.set_title("impurity-based (training data)")
left.set_xlabel("mean decrease in Gini impurity (sums to 1)")
right.barh(churn_features, permutation.importances_mean, xerr=permutation.importances_std, color=colours)
right.set_title("permutation importance (held-out data)")
right.set_xlabel("drop in test accuracy when the column is shuffled")
left.invert_yaxis()
plt.tight_layout()
plt.show()

# %% [markdown]
# The impurity-based ranking puts the **customer id first** and the weakly useful monthly charges second: deep
# trees split on those many-valued columns again and again to fit the noise in the training labels, and every such
# split is counted as "importance". Permutation importance on held-out data ranks the three features that drive
# churn first and gives the id and the charges almost nothing (within the error bars, the spread over 5 shuffles):
# shuffling them barely changes the predictions for new customers. Two more
# cautions: permutation importance is shared out between **correlated** features (shuffle one of two copies and the
# other still carries the information, so both look unimportant), and importance says what this model uses, not
# what causes the target.

# %% [markdown]
# ## 4. Support vector machines: margins and the hinge loss
#
# Take two classes labelled $y_i \in \{-1, +1\}$ and a linear score $f(\mathbf x) = \mathbf w\cdot\mathbf x + b$,
# predicting the sign. If the classes can be separated, many lines do it; the SVM picks the one with the **widest
# margin**. The distance from $\mathbf x_i$ to the hyperplane $f = 0$ is $|f(\mathbf x_i)|/\lVert\mathbf w\rVert$.
# Rescaling $(\mathbf w, b)$ does not move the hyperplane, so fix the scale by asking that the closest points
# have $y_i f(\mathbf x_i) = 1$; the margin on each side is then $1/\lVert\mathbf w\rVert$, and maximising it is
#
# $$\min_{\mathbf w, b}\ \tfrac12\lVert\mathbf w\rVert^2 \quad\text{subject to}\quad y_i(\mathbf w\cdot\mathbf x_i + b) \ge 1 \text{ for all } i .$$
#
# Real classes overlap, so the **soft-margin SVM** lets example $i$ violate its constraint by a slack
# $\xi_i \ge 0$ at a price $C$ per unit: minimise $\tfrac12\lVert\mathbf w\rVert^2 + C\sum_i\xi_i$ subject to
# $y_i f(\mathbf x_i) \ge 1 - \xi_i$. At the optimum each slack is as small as allowed,
# $\xi_i = \max(0, 1 - y_i f(\mathbf x_i))$, which gives an **unconstrained** objective:
#
# $$J(\mathbf w, b) = \tfrac12\lVert\mathbf w\rVert^2 + C\sum_{i=1}^n \max\big(0,\ 1 - y_i(\mathbf w\cdot\mathbf x_i + b)\big).$$
#
# The second term is the **hinge loss**, a function of the **margin** $m_i = y_i f(\mathbf x_i)$: zero for
# examples beyond the margin ($m_i \ge 1$), growing linearly for examples inside it or on the wrong side. Only the
# examples with $m_i \le 1$ shape the solution: they are the **support vectors**. $C$ sets the trade-off: a large
# $C$ punishes every violation (narrow margin, low bias, high variance), a small $C$ tolerates them in exchange for
# a wide margin (more bias, less variance). Compare the hinge with the 0–1 loss it stands in for and with last
# week's logistic loss:

# %%
margin = np.linspace(-2, 3, 500)
fig, ax = plt.subplots(figsize=(6.5, 3.8))
ax.plot(margin, (margin < 0).astype(float), label="0–1 loss: [m < 0]")
ax.plot(margin, np.maximum(0, 1 - margin), label="hinge: max(0, 1 − m)", lw=2)
ax.plot(margin, np.log2(1 + np.exp(-margin)), label="logistic: log₂(1 + e^(−m))")
ax.axvline(1, color="grey", lw=0.8, ls=":")
ax.set_xlabel("margin m = y · f(x)")
ax.set_ylabel("loss")
ax.set_title("The hinge is exactly 0 beyond the margin (m ≥ 1)")
ax.legend()
plt.show()

# %% [markdown]
# **The (sub)gradient.** The hinge term of example $i$ is differentiable except at the kink $m_i = 1$. Where
# $m_i < 1$ its gradient is $-y_i\mathbf x_i$ with respect to $\mathbf w$ and $-y_i$ with respect to $b$; where
# $m_i > 1$ it is zero. At the kink any value in between is a valid **subgradient**; we use 0. Adding the
# regulariser's gradient $\mathbf w$:
#
# $$\nabla_{\mathbf w} J = \mathbf w - C\sum_{i:\,m_i < 1} y_i\,\mathbf x_i, \qquad
#   \frac{\partial J}{\partial b} = -C\sum_{i:\,m_i < 1} y_i .$$
#
# ### Exercise 2 — `hinge_loss_and_gradient`
#
# Return the objective $J(\mathbf w, b)$ above and its (sub)gradient, vectorised (no loop over examples).
# Note that the hinge terms are **summed** (times $C$), not averaged: this is the convention of scikit-learn's
# `SVC`, so our $C$ means the same as theirs. The hidden tests compare the value with the formula and the gradient
# with central differences of the objective, at points chosen away from the kink.

# %% nbgrader={"grade": false, "grade_id": "hinge_loss_and_gradient", "locked": false, "schema_version": 3, "solution": true, "task": false}
def hinge_loss_and_gradient(w, b, X, y, C):
    """The soft-margin linear SVM objective and its subgradient.

    w : weights, shape (d,);  b : intercept, a float.
    X : examples, shape (n, d);  y : labels in {-1, +1}, shape (n,).  C : penalty per unit of hinge loss (> 0).
    Returns (loss, grad_w, grad_b) with loss = ½‖w‖² + C Σ_i max(0, 1 - y_i (w·x_i + b)) (a float),
    grad_w of shape (d,) and grad_b a float; examples with margin exactly 1 contribute 0 to the gradient.
    Do not modify the inputs.
    """
    ### BEGIN SOLUTION
    margins = y * (X @ w + b)
    violating = margins < 1.0
    loss = 0.5 * w @ w + C * np.sum(1.0 - margins[violating])
    grad_w = w - C * (y[violating] @ X[violating])
    grad_b = -C * np.sum(y[violating])
    return float(loss), grad_w, float(grad_b)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "hinge_loss_and_gradient_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# w = (1, -1), b = 0.5: the margins are 1.5 (no loss), 0.5 and 0.5 (hinge 0.5 each); loss = ½·2 + 1·(0.5 + 0.5).
loss, grad_w, grad_b = hinge_loss_and_gradient(np.array([1.0, -1.0]), 0.5, np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]]),
                                               np.array([1.0, -1.0, 1.0]), 1.0)
expect_close(loss, 2.0, name="the loss for w = (1, -1), b = 0.5, C = 1")
expect_close(grad_w, [-1.0, -2.0], name="grad_w for w = (1, -1), b = 0.5, C = 1")
expect_close(grad_b, 0.0, name="grad_b for w = (1, -1), b = 0.5, C = 1 (the two violators have opposite labels)")
# Only the second example violates its margin (m = -0.5), with C = 2: grad_b = -C·y_2 = -2.
loss, grad_w, grad_b = hinge_loss_and_gradient(np.array([0.5, 2.0]), -1.0, np.array([[1.0, 1.0], [-1.0, 0.5], [0.0, -1.0]]),
                                               np.array([1.0, 1.0, -1.0]), 2.0)
expect_close(loss, 5.125, name="the loss for w = (0.5, 2), b = -1, C = 2")
expect_close(grad_w, [2.5, 1.0], name="grad_w for w = (0.5, 2), b = -1, C = 2")
expect_close(grad_b, -2.0, name="grad_b for w = (0.5, 2), b = -1, C = 2")
# Every example beyond its margin: only the regulariser is left, so grad_w = w.
loss, grad_w, grad_b = hinge_loss_and_gradient(np.array([0.5, 2.0]), -1.0, np.array([[1.0, 1.0], [0.0, 3.0]]),
                                               np.array([1.0, 1.0]), 2.0)
expect_close(loss, 2.125, name="the loss when no margin is violated")
expect_close(grad_w, [0.5, 2.0], name="grad_w when no margin is violated")
print("✓ public checks passed: hinge_loss_and_gradient (two small cases, no violations)")

# %% nbgrader={"grade": true, "grade_id": "hinge_loss_and_gradient_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random w, b, X of shapes (1, 1) to (100, 5) and C in
# {0.1, 1, 3}, with some, none or all of the margins violated (never within 0.02 of the kink). The loss is
# compared with the formula and the gradient with central differences of the objective; inputs must not change.
# Try the same kind of checks on fresh random inputs: check("week04.hinge_loss_and_gradient", hinge_loss_and_gradient)
### BEGIN HIDDEN TESTS
grade("week04.hinge_loss_and_gradient", hinge_loss_and_gradient)
### END HIDDEN TESTS

# %%
check("week04.hinge_loss_and_gradient", hinge_loss_and_gradient);

# %% [markdown]
# ### Worked example: training a linear SVM with your gradient
#
# $J$ is convex, so (sub)gradient descent with a shrinking step size reaches its minimum. Steps of size
# $\eta_t = 0.05/\sqrt t$ for 3000 iterations on two overlapping clouds; we keep the best point seen, because
# subgradient steps do not decrease $J$ every time. Then we compare with scikit-learn's `SVC(kernel="linear")`,
# which solves the same problem exactly (through its dual).

# %%
rng = np.random.default_rng(4)
y_lin = np.where(np.arange(80) < 40, -1.0, 1.0)
X_lin = rng.normal(scale=0.9, size=(80, 2)) + np.where(y_lin[:, None] > 0, [1.2, 1.0], [-1.0, -0.8])
C_lin = 1.0
svc_linear = SVC(kernel="linear", C=C_lin).fit(X_lin, y_lin)
w_svc, b_svc = svc_linear.coef_[0], svc_linear.intercept_[0]

try:
    w, b = np.zeros(2), 0.0
    best_loss, best_w, best_b, history = np.inf, w, b, []
    for t in range(1, 3001):
        loss, grad_w, grad_b = hinge_loss_and_gradient(w, b, X_lin, y_lin, C_lin)
        history.append(loss)
        if loss < best_loss:
            best_loss, best_w, best_b = loss, w.copy(), b
        w, b = w - 0.05 / np.sqrt(t) * grad_w, b - 0.05 / np.sqrt(t) * grad_b
    svc_loss = hinge_loss_and_gradient(w_svc, b_svc, X_lin, y_lin, C_lin)[0]
    print(f"subgradient descent: J = {best_loss:.4f}, w = {best_w}, b = {best_b:.4f}")
    print(f"SVC(kernel='linear'): J = {svc_loss:.4f}, w = {w_svc}, b = {b_svc:.4f}")
except NotImplementedError:
    best_w, best_b, history = None, None, []
    print("hinge_loss_and_gradient is not implemented yet: the plot shows scikit-learn's solution only.")

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
grid = np.linspace(-4, 4, 2)
margins_svc = y_lin * (X_lin @ w_svc + b_svc)
left.scatter(*X_lin.T, c=np.where(y_lin > 0, "C3", "C0"), s=16)
left.scatter(*X_lin[margins_svc <= 1 + 1e-6].T, s=90, facecolors="none", edgecolors="k", label="support vectors (m ≤ 1)")
for offset, style in [(0, "-"), (1, "--"), (-1, "--")]:
    left.plot(grid, (offset - b_svc - w_svc[0] * grid) / w_svc[1], "k" + style, lw=1.5 if offset == 0 else 0.8)
if best_w is not None:
    left.plot(grid, (-best_b - best_w[0] * grid) / best_w[1], color="C2", lw=3, alpha=0.5, label="yours")
left.set_xlim(-3.5, 4)
left.set_ylim(-3.5, 3.5)
left.legend(loc="lower right", fontsize=8)
left.set_title("boundary f = 0 and margins f = ±1 (black: SVC)")
if history:
    right.semilogy(np.array(history) - min(history) + 1e-3)
    right.set_xlabel("iteration")
    right.set_ylabel("J − min J (+0.001)")
    right.set_title("subgradient descent is not monotone, but converges")
plt.show()

# %% [markdown]
# The circled points, on or inside the margin, are the support vectors. Move any other point a little (without
# crossing the margin) and the solution does not change at all: the SVM is decided by the hard cases.

# %% [markdown]
# ## 5. Kernels: curved boundaries from inner products
#
# A linear boundary is too simple for two moons. We could map each $\mathbf x$ to features $\varphi(\mathbf x)$
# (say, all monomials up to degree 3) and fit a linear SVM there. The **kernel trick** makes this cheap. The
# optimal $\mathbf w$ is always a combination of the training examples,
# $\mathbf w = \sum_i \alpha_i y_i\,\varphi(\mathbf x_i)$ with $\alpha_i \ge 0$ and $\alpha_i > 0$ only for the
# support vectors (this is what the SVM's *dual* problem computes), so the score is
#
# $$f(\mathbf x) = \sum_{i} \alpha_i y_i\, \varphi(\mathbf x_i)\cdot\varphi(\mathbf x) + b
#                = \sum_{i} \alpha_i y_i\, K(\mathbf x_i, \mathbf x) + b ,$$
#
# and training needs only the **kernel matrix** $K_{ij} = K(\mathbf x_i, \mathbf x_j)$ of inner products. A
# kernel computes that inner product without ever forming $\varphi$:
#
# * **polynomial**, $K(\mathbf x, \mathbf z) = (\gamma\,\mathbf x\cdot\mathbf z + c_0)^p$: the inner product of all
#   monomials up to degree $p$ (suitably weighted);
# * **RBF** (Gaussian), $K(\mathbf x, \mathbf z) = \exp(-\gamma\lVert\mathbf x - \mathbf z\rVert^2)$: a similarity
#   that is 1 for identical points and decays with distance; its feature space is infinite-dimensional. The
#   boundary is a weighted sum of bumps centred on the support vectors, and $\gamma$ sets their width
#   ($1/\sqrt\gamma$): a large $\gamma$ makes narrow bumps that can wrap around single points.
#
# Check the polynomial claim for $p = 2$, $\gamma = 1$, $c_0 = 1$ in two dimensions, where
# $\varphi(\mathbf x) = (1, \sqrt2 x_1, \sqrt2 x_2, x_1^2, \sqrt2 x_1x_2, x_2^2)$:

# %%
def phi(x):
    return np.array([1.0, np.sqrt(2) * x[0], np.sqrt(2) * x[1], x[0] ** 2, np.sqrt(2) * x[0] * x[1], x[1] ** 2])


x_a, x_b = np.array([1.0, 2.0]), np.array([-0.5, 3.0])
print("explicit features φ(x)·φ(z):", phi(x_a) @ phi(x_b))
print("kernel (x·z + 1)²:          ", (x_a @ x_b + 1) ** 2)

# %% [markdown]
# ### Exercise 3 — `rbf_kernel_matrix`
#
# Return the matrix $K_{ij} = \exp(-\gamma\lVert\mathbf x_i - \mathbf y_j\rVert^2)$ for every row $\mathbf x_i$ of
# `X` (shape `(n, d)`) and every row $\mathbf y_j$ of `Y` (shape `(m, d)`), shape `(n, m)`, without Python loops.
# Two ways to get all squared distances at once:
#
# * broadcasting: `X[:, None, :] - Y[None, :, :]` has shape `(n, m, d)`; square and sum over the last axis
#   (simple, but uses $n\,m\,d$ memory);
# * the expansion $\lVert\mathbf x - \mathbf y\rVert^2 = \lVert\mathbf x\rVert^2 + \lVert\mathbf y\rVert^2 - 2\,\mathbf x\cdot\mathbf y$,
#   one matrix product `X @ Y.T` plus two vectors of squared norms (what libraries do). Rounding can make a
#   distance come out slightly negative: clip at 0 with `np.maximum(..., 0)`.

# %% nbgrader={"grade": false, "grade_id": "rbf_kernel_matrix", "locked": false, "schema_version": 3, "solution": true, "task": false}
def rbf_kernel_matrix(X, Y, gamma):
    """The RBF (Gaussian) kernel matrix.

    X : array of shape (n, d);  Y : array of shape (m, d);  gamma : float > 0.
    Returns K of shape (n, m) with K[i, j] = exp(-gamma * ||X[i] - Y[j]||²).
    """
    ### BEGIN SOLUTION
    squared = (X ** 2).sum(axis=1)[:, None] + (Y ** 2).sum(axis=1)[None, :] - 2.0 * X @ Y.T
    return np.exp(-gamma * np.maximum(squared, 0.0))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "rbf_kernel_matrix_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Squared distances from (0, 0) to (0, 0), (1, 1), (2, 0) are 0, 2, 4; from (1, 0) they are all 1.
K = rbf_kernel_matrix(np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]]), 0.5)
expect_close(K, [[1.0, 0.36787944117144233, 0.1353352832366127],
                 [0.6065306597126334, 0.6065306597126334, 0.6065306597126334]],
             name="rbf_kernel_matrix of 2 points against 3, gamma = 0.5", rtol=1e-9)
# One point against itself and the origin, in 3-D: exp(-0.1 · 14) for the second.
expect_close(rbf_kernel_matrix(np.array([[1.0, 2.0, 3.0]]), np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]), 0.1),
             [[1.0, 0.24659696394160643]], name="rbf_kernel_matrix of (1, 2, 3) against itself and 0, gamma = 0.1",
             rtol=1e-9)
print("✓ public checks passed: rbf_kernel_matrix (2 x 3 in 2-D, 1 x 2 in 3-D)")

# %% nbgrader={"grade": true, "grade_id": "rbf_kernel_matrix_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random X and Y from (1, 1) points in 1-D to (40, 1) in 10-D,
# including X against a copy of itself, gamma from 0.02 to 10, compared with
# sklearn.metrics.pairwise.rbf_kernel(X, Y, gamma=gamma).
# Try the same kind of checks on fresh random inputs: check("week04.rbf_kernel_matrix", rbf_kernel_matrix)
### BEGIN HIDDEN TESTS
grade("week04.rbf_kernel_matrix", rbf_kernel_matrix)
### END HIDDEN TESTS

# %%
check("week04.rbf_kernel_matrix", rbf_kernel_matrix);

# %% [markdown]
# **Your kernel inside an SVM.** `SVC(kernel="precomputed")` accepts any kernel matrix: $K(\text{train}, \text{train})$
# to fit, $K(\text{new}, \text{train})$ to predict. With your `rbf_kernel_matrix` it reproduces `SVC(kernel="rbf")`:

# %%
X_moons, y_moons = make_moons(n_samples=300, noise=0.3, random_state=0)
X_tr, X_te, y_tr, y_te = train_test_split(X_moons, y_moons, test_size=0.5, random_state=0)
svc_builtin = SVC(C=1.0, gamma=2.0).fit(X_tr, y_tr)
try:
    svc_yours = SVC(C=1.0, kernel="precomputed").fit(rbf_kernel_matrix(X_tr, X_tr, 2.0), y_tr)
    difference = np.abs(svc_yours.decision_function(rbf_kernel_matrix(X_te, X_tr, 2.0))
                        - svc_builtin.decision_function(X_te)).max()
    print(f"your kernel: test accuracy {svc_yours.score(rbf_kernel_matrix(X_te, X_tr, 2.0), y_te):.3f}, "
          f"same support vectors: {np.array_equal(svc_yours.support_, svc_builtin.support_)}, "
          f"largest difference in f(x): {difference:.1e} (the solver stops at tolerance 1e-3)")
except NotImplementedError:
    print("rbf_kernel_matrix is not implemented yet.")
print(f"SVC(kernel='rbf'): test accuracy {svc_builtin.score(X_te, y_te):.3f}, "
      f"{len(svc_builtin.support_)} support vectors of {len(y_tr)} training points")

# %% [markdown]
# ### Explorer: SVM `C` and `gamma`
#
# An RBF SVM on two moons (100 training points, 300 faint test points). The solid line is the boundary $f = 0$,
# the dashed lines the margins $f = \pm1$, the circled points the support vectors. Try:
#
# * small `gamma` (0.01–0.1): wide bumps, an almost linear boundary; **underfits** (high bias) whatever `C` is;
# * large `gamma` (30–100) with large `C`: islands around single training points, training accuracy near 100 %
#   and test accuracy falling: **overfits** (high variance);
# * for a fixed `gamma`, raising `C` narrows the margin and reduces the number of support vectors.
#
# `C` and `gamma` interact, which is why they are tuned together, on a logarithmic grid, by cross-validation
# (`GridSearchCV`). The explorer computes the kernel with **your** `rbf_kernel_matrix` once it passes its checks.

# %%
from course.explorers.svm import svm_explorer

svm_explorer(rbf_kernel_matrix)

# %% [markdown]
# **Practical notes.** SVMs are distance-based, so **scale the features** first (§9); kernel SVMs need the
# $n \times n$ kernel matrix and take between $O(n^2)$ and $O(n^3)$ time to train, which is comfortable up to some
# tens of thousands of examples and painful beyond (for large linear problems use `LinearSVC` or `SGDClassifier`);
# they do not output probabilities natively (`SVC(probability=True)` fits an extra calibration by internal
# cross-validation). They shine on small and medium data sets with many features, such as text or the classic
# handwritten-digit task.

# %% [markdown]
# ## 6. Gradient boosting
#
# Bagging averages strong, independent-ish learners to cut variance. **Boosting** goes the other way: it adds
# **weak** learners (shallow trees, high bias) **in sequence**, each fitted to what the ensemble so far gets wrong,
# which cuts bias. The model after $M$ stages is
#
# $$F_M(\mathbf x) = F_0 + \nu\sum_{m=1}^M h_m(\mathbf x),$$
#
# with a constant $F_0$, small regression trees $h_m$ and a **learning rate** (shrinkage) $0 < \nu \le 1$.
#
# **Why "gradient".** Think of the predictions on the training set, $\mathbf F = (F(\mathbf x_1), \dots, F(\mathbf x_n))$,
# as the parameters, and take a gradient step on the loss $\sum_i L(y_i, F_i)$: move each $F_i$ along the
# **negative gradient** $r_i = -\partial L(y_i, F_i)/\partial F_i$. A step defined only at training points does not
# generalise, so fit a regression tree $h_m$ to the $r_i$ and step along the tree instead. For the squared loss
# $L = \tfrac12(y - F)^2$ the negative gradient is $r_i = y_i - F_i$, the **residual**: every new tree is fitted to
# the current residuals. Other losses (absolute, Huber, logistic for classification) only change the $r_i$. The
# algorithm for squared loss:
#
# 1. $F_0 = \bar y$, the mean of the targets (the best constant);
# 2. for $m = 1, \dots, M$: compute the residuals $r_i = y_i - F_{m-1}(\mathbf x_i)$, fit a tree $h_m$ of depth
#    `max_depth` to $(\mathbf x_i, r_i)$, and update $F_m = F_{m-1} + \nu\,h_m$.
#
# **Learning rate and number of trees.** A small $\nu$ takes small steps: it needs more trees, but each tree
# corrects only a little, which regularises; in practice $\nu \in [0.01, 0.1]$ with many trees generalises better
# than $\nu = 1$ with few. Unlike a forest, boosting **does overfit** when it runs too long: each stage reduces the
# training error, and eventually it fits noise. Hence **early stopping**: watch the error on a validation set after
# every stage and keep the number of stages where it is lowest (scikit-learn: `n_iter_no_change` with
# `validation_fraction`; XGBoost and LightGBM: `early_stopping_rounds`).
#
# ### Exercise 4 — `gradient_boosting`
#
# Implement the algorithm above for squared loss with scikit-learn's `DecisionTreeRegressor(max_depth=...)` as
# the weak learner (the tree is not the point here: the boosting loop is), and return the **staged** predictions
# on `X_eval`: row `m` is the prediction of $F_{m+1}$, after `m + 1` trees, so the array has shape
# `(n_estimators, len(X_eval))` and its last row is the final prediction. The hidden tests compare it with
# `GradientBoostingRegressor(...).staged_predict(X_eval)`, to about $10^{-9}$.
#
# One detail makes the match exact. When two splits are equally good (it happens in small nodes), a tree breaks
# the tie with its random generator. `GradientBoostingRegressor` creates **one** generator,
# `np.random.RandomState(random_state)`, and passes that same object to every tree. Do the same: create
# `rng = np.random.RandomState(random_state)` once, before the loop, and build each tree with `random_state=rng`.

# %% nbgrader={"grade": false, "grade_id": "gradient_boosting", "locked": false, "schema_version": 3, "solution": true, "task": false}
from sklearn.tree import DecisionTreeRegressor


def gradient_boosting(X, y, X_eval, n_estimators, learning_rate, max_depth, random_state=0):
    """Gradient boosting for squared loss, returning the prediction on X_eval after every stage.

    X : training inputs, shape (n, d);  y : targets, shape (n,);  X_eval : inputs to predict, shape (k, d).
    n_estimators : number of trees M;  learning_rate : shrinkage nu;  max_depth : depth of every tree.
    random_state : seed of the ONE np.random.RandomState passed to every DecisionTreeRegressor.
    Returns an array of shape (n_estimators, k): row m is F_0 + nu * (h_1 + ... + h_{m+1}) on X_eval,
    where F_0 = mean(y) and tree h_j is fitted to the residuals y - F_{j-1} on the training set.
    """
    ### BEGIN SOLUTION
    rng = np.random.RandomState(random_state)
    on_train = np.full(len(y), np.mean(y))
    on_eval = np.full(len(X_eval), np.mean(y))
    staged = np.empty((n_estimators, len(X_eval)))
    for m in range(n_estimators):
        tree = DecisionTreeRegressor(max_depth=max_depth, random_state=rng).fit(X, y - on_train)
        on_train = on_train + learning_rate * tree.predict(X)
        on_eval = on_eval + learning_rate * tree.predict(X_eval)
        staged[m] = on_eval
    return staged
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "gradient_boosting_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# By hand: y = (0, 0, 1, 1) at x = 0..3. F_0 = 0.5; the residuals ±0.5 are split at x = 1.5, so stump 1 predicts
# ±0.5 and F_1 = 0.5 ± 0.25; the residuals are now ±0.25, so F_2 = 0.5 ± 0.375. Evaluated at x = 0.5 and 2.5:
staged = gradient_boosting(np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0.0, 0.0, 1.0, 1.0]),
                           np.array([[0.5], [2.5]]), n_estimators=2, learning_rate=0.5, max_depth=1)
expect_close(staged, [[0.25, 0.75], [0.125, 0.875]], name="the staged predictions of the 2-stump example",
             rtol=1e-9, atol=1e-12)
# Six points in 2-D, three trees of depth 2, learning rate 0.3 (values from GradientBoostingRegressor).
X_small = np.array([[0.0, 1.0], [1.0, 0.5], [2.0, -1.0], [3.0, 0.0], [4.0, 2.0], [5.0, 1.5]])
y_small = np.array([1.0, 2.0, 1.5, 4.0, 3.0, 5.0])
expect_close(gradient_boosting(X_small, y_small, np.array([[1.5, 0.0], [4.5, 1.0]]), 3, 0.3, 2, random_state=0),
             [[2.45, 2.975], [2.24, 3.365], [2.093, 3.638]],
             name="the staged predictions for six points, 3 trees of depth 2", rtol=1e-9, atol=1e-12)
print("✓ public checks passed: gradient_boosting (two stumps by hand, three depth-2 trees)")

# %% nbgrader={"grade": true, "grade_id": "gradient_boosting_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random regression data from 20 x 6 to 100 x 5, 1 to 40 trees of
# depth 1 to 5, learning rates 0.05 to 1, random seeds; X_eval holds 10 training points and 15 new ones. Compared
# with GradientBoostingRegressor(loss="squared_error", subsample=1.0, same settings).staged_predict(X_eval).
# Try the same kind of checks on fresh random inputs: check("week04.gradient_boosting", gradient_boosting)
### BEGIN HIDDEN TESTS
grade("week04.gradient_boosting", gradient_boosting)
### END HIDDEN TESTS

# %%
check("week04.gradient_boosting", gradient_boosting);

# %% [markdown]
# ### Worked example: the learning rate and early stopping
#
# On the diabetes data (442 patients, 10 features, a disease-progression score), 400 trees of depth 3 with two
# learning rates. The staged predictions give the whole validation curve from one fit.

# %%
diabetes = load_diabetes()
X_d_train, X_d_val, y_d_train, y_d_val = train_test_split(diabetes.data, diabetes.target, test_size=0.3,
                                                          random_state=0)
booster = gradient_boosting
try:
    booster(X_d_train[:5], y_d_train[:5], X_d_val[:1], 1, 0.1, 1)
    who = "your gradient_boosting"
except NotImplementedError:
    def booster(X, y, X_eval, n_estimators, learning_rate, max_depth, random_state=0):
        model = GradientBoostingRegressor(n_estimators=n_estimators, learning_rate=learning_rate,
                                          max_depth=max_depth, random_state=random_state).fit(X, y)
        return np.array(list(model.staged_predict(X_eval)))
    who = "GradientBoostingRegressor (finish Exercise 4 to use yours)"

fig, ax = plt.subplots(figsize=(8, 4))
for rate, colour in [(0.3, "C3"), (0.03, "C0")]:
    staged = booster(X_d_train, y_d_train, np.vstack([X_d_train, X_d_val]), 400, rate, 3)
    train_mse = ((staged[:, :len(y_d_train)] - y_d_train) ** 2).mean(axis=1)
    val_mse = ((staged[:, len(y_d_train):] - y_d_val) ** 2).mean(axis=1)
    best = int(np.argmin(val_mse))
    ax.plot(np.arange(1, 401), train_mse, color=colour, ls="--", lw=1, label=f"training, ν = {rate}")
    ax.plot(np.arange(1, 401), val_mse, color=colour, label=f"validation, ν = {rate}")
    ax.plot(best + 1, val_mse[best], "v", color=colour, ms=10)
    print(f"ν = {rate:4}: lowest validation MSE {val_mse[best]:7.1f} after {best + 1:3d} trees "
          f"(after 400 trees: {val_mse[-1]:7.1f})")
ax.set_ylim(0, 6000)
ax.set_xlabel("number of trees")
ax.set_ylabel("mean squared error")
ax.set_title(f"diabetes: boosting with {who}\n(triangles: where early stopping would stop)", fontsize=10)
ax.legend(loc="upper right")
plt.show()

early = GradientBoostingRegressor(n_estimators=2000, learning_rate=0.03, max_depth=3, n_iter_no_change=20,
                                  validation_fraction=0.2, random_state=0).fit(X_d_train, y_d_train)
print(f"GradientBoostingRegressor with n_iter_no_change=20 stopped after {early.n_estimators_} of 2000 trees; "
      f"validation MSE {np.mean((early.predict(X_d_val) - y_d_val) ** 2):.1f}")

# %% [markdown]
# With $\nu = 0.3$ the validation error bottoms out after a few trees and then climbs steeply while the training
# error keeps falling to zero: overfitting. With $\nu = 0.03$ the minimum comes ten times later, is about as low,
# and the curve is much flatter around it, so the exact stopping point matters less and stopping late costs little.
# (On a data set this small the differences between the minima are within noise; on larger data a small learning
# rate with many trees usually wins outright.) `n_iter_no_change` automates the choice: it holds
# out `validation_fraction` of the training data and stops when the validation score has not improved for that
# many stages.

# %% [markdown]
# ### Explorer: boosting stage by stage
#
# Boosting on a noisy 1-D curve (80 training points). The slider picks the number of trees: all 300 stages are
# computed once per setting, so moving it only looks up a stored prediction. Watch the fit go from a flat line to a
# good curve to a staircase through every noisy point; on the right the training error keeps falling while the
# test error turns back up after the triangle. Compare learning rates 1.0 and 0.03, and depths 1 and 5. The
# explorer runs **your** `gradient_boosting` once it passes its checks.

# %%
from course.explorers.boosting import boosting_explorer

boosting_explorer(gradient_boosting)

# %% [markdown]
# ### What XGBoost and LightGBM add
#
# XGBoost (2016) and LightGBM (2017) are gradient boosting with trees, engineered for speed and accuracy; they are
# not installed here, but scikit-learn's `HistGradientBoostingRegressor`/`Classifier` implements most of the same
# ideas. What they add to the algorithm above:
#
# * **Second-order steps.** Expand the loss to second order around the current predictions, with gradients
#   $g_i$ and Hessians $h_i$. For a leaf holding examples $I$, the best leaf value is then
#   $w^\star = -\sum_{i\in I} g_i / \big(\sum_{i\in I} h_i + \lambda\big)$, a Newton step, and the quality of a
#   split is the gain
#   $\tfrac12\Big[\frac{G_L^2}{H_L+\lambda} + \frac{G_R^2}{H_R+\lambda} - \frac{(G_L+G_R)^2}{H_L+H_R+\lambda}\Big] - \gamma$
#   (with $G$, $H$ the sums over the left and right children). For squared loss $h_i = 1$ and this is our
#   algorithm; for the logistic loss it is a better step than a plain residual fit.
# * **Regularisation in the objective:** an L2 penalty $\lambda$ (and optionally L1 $\alpha$) on the leaf values,
#   and a cost $\gamma$ per leaf, so a split must pay for itself; plus `min_child_weight`, shrinkage, and
#   row and column **subsampling** per tree (stochastic gradient boosting, borrowing the forest's decorrelation).
# * **Histograms.** Bucket every feature into at most 256 bins once; finding the best split then scans bins
#   instead of sorted values, which makes training one to two orders of magnitude faster on large data.
# * **Leaf-wise growth** (LightGBM): expand the leaf with the largest gain anywhere in the tree, limited by
#   `num_leaves`, instead of growing level by level; plus GOSS (keep the examples with large gradients, subsample
#   the rest) and exclusive feature bundling for sparse data.
# * **Missing values and categories** handled natively: each split learns which side missing values go to;
#   LightGBM and `HistGradientBoosting` split categorical features directly.
# * **Early stopping** built in (`early_stopping_rounds`), multithreading, GPU training.
#
# The scikit-learn version, with early stopping on by default for large data:

# %%
hist = HistGradientBoostingRegressor(learning_rate=0.05, max_iter=1000, early_stopping=True, n_iter_no_change=20,
                                     validation_fraction=0.2, random_state=0).fit(X_d_train, y_d_train)
print(f"HistGradientBoostingRegressor: {hist.n_iter_} iterations, "
      f"validation MSE {np.mean((hist.predict(X_d_val) - y_d_val) ** 2):.1f}")

# %% [markdown]
# ## 7. Pitfall: cross-validation done right
#
# The source syllabus lists the pitfalls that most often make a model look better than it is:
#
# | pitfall | impact | solution |
# |---|---|---|
# | **not using cross-validation** | unreliable estimates | k-fold CV, stratified CV |
# | **data leakage** | over-optimistic results | strict train-test separation, time-based splits |
# | **imbalanced classes** | poor minority-class performance | SMOTE, class weights, stratified sampling |
# | **feature scaling** | poor convergence | `StandardScaler`, `MinMaxScaler` before training |
#
# One train/test split gives one noisy number. **k-fold cross-validation** cuts the data into $k$ folds, trains on
# $k-1$ of them and tests on the remaining one, $k$ times, so that every example is tested exactly once; report the
# mean and the spread of the $k$ scores. Typical $k$ is 5 or 10.
#
# * `KFold(n_splits=k)` **without shuffling** makes contiguous folds: fold 0 is the first block of examples, and so
#   on; with $n$ examples, each fold gets $\lfloor n/k\rfloor$ and the first $n \bmod k$ folds one more. If the rows
#   are ordered (by class, by date, by patient), contiguous folds are biased: shuffle (`shuffle=True`) or use a
#   split that respects the structure.
# * **Stratified** k-fold keeps every class's share the same in each fold, which matters for small or imbalanced
#   data sets (a fold with no positive example cannot measure recall). It is scikit-learn's default for classifiers
#   in `cross_val_score`.
# * Grouped data (several rows per patient) need `GroupKFold`, so that one patient is never on both sides; time
#   series need `TimeSeriesSplit`, which always tests on the future.
#
# `StratifiedKFold` without shuffling assigns examples to test folds with this rule:
#
# 1. number the classes in order of **first appearance** in `y`;
# 2. sort those class numbers and deal them out round-robin: position $j$ of the sorted list goes to fold
#    $j \bmod k$. This fixes how many examples of each class every fold gets (its quota);
# 3. for each class, walk through its examples **in their original order** and fill fold 0 with its quota, then
#    fold 1, and so on (blocks, not round-robin).
#
# Example: `y = ["c", "b", "b", "a", "a", "a"]`, $k = 2$. The classes are numbered c = 0, b = 1, a = 2 (order of
# appearance); sorted, the numbers are 0 1 1 2 2 2; fold 0 gets positions 0, 2, 4 (one each of c, b, a) and fold 1
# positions 1, 3, 5 (one b, two a). So c's example goes to fold 0; b's two go to folds 0 and 1; a's three go to
# fold 0 (quota 1), then 1, 1. The result is `[0, 0, 1, 0, 1, 1]`.
#
# ### Exercise 5 — `kfold_test_folds`
#
# Return, for every example, the number of the test fold it belongs to, as `KFold(n_splits)` (or, with
# `stratified=True`, `StratifiedKFold(n_splits)`) without shuffling would assign it. The labels `y` may be numbers
# or strings; with `stratified=False` only their count matters. `np.unique(y, return_index=True,
# return_inverse=True)` gives the sorted classes, where each first appears, and each example's class number.

# %% nbgrader={"grade": false, "grade_id": "kfold_test_folds", "locked": false, "schema_version": 3, "solution": true, "task": false}
def kfold_test_folds(y, n_splits, stratified=False):
    """The test fold of every example under KFold / StratifiedKFold without shuffling.

    y : labels, shape (n,) (numbers or strings);  n_splits : k >= 2;  stratified : use StratifiedKFold's rule.
    Returns an int array of shape (n,) with values 0..n_splits-1: folds[i] is the fold in which example i is tested.
    """
    ### BEGIN SOLUTION
    y = np.asarray(y)
    if not stratified:
        sizes = np.full(n_splits, len(y) // n_splits)
        sizes[: len(y) % n_splits] += 1                    # the first n % k folds get one more
        return np.repeat(np.arange(n_splits), sizes)
    _, first_seen, codes = np.unique(y, return_index=True, return_inverse=True)
    codes = np.argsort(np.argsort(first_seen))[codes]      # renumber classes by first appearance
    n_classes = len(first_seen)
    dealt = np.sort(codes)
    quota = np.array([np.bincount(dealt[k::n_splits], minlength=n_classes) for k in range(n_splits)])
    folds = np.empty(len(y), dtype=int)
    for c in range(n_classes):
        folds[codes == c] = np.repeat(np.arange(n_splits), quota[:, c])   # blocks, in original order
    return folds
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "kfold_test_folds_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# 7 examples, 3 folds: sizes 3, 2, 2, contiguous.
expect_equal(kfold_test_folds(np.zeros(7), 3), np.array([0, 0, 0, 1, 1, 2, 2]), name="KFold(3) test folds of 7 examples")
# Six of class 0 then four of class 1, two folds: each fold gets 3 + 2.
expect_equal(kfold_test_folds(np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1]), 2, stratified=True),
             np.array([0, 0, 0, 1, 1, 1, 0, 0, 1, 1]), name="StratifiedKFold(2) test folds of 6 zeros and 4 ones")
# The worked example above (classes numbered in order of first appearance: c, b, a).
expect_equal(kfold_test_folds(np.array(["c", "b", "b", "a", "a", "a"]), 2, stratified=True),
             np.array([0, 0, 1, 0, 1, 1]), name='StratifiedKFold(2) test folds of ["c", "b", "b", "a", "a", "a"]')
print("✓ public checks passed: kfold_test_folds (plain 7 / 3, stratified 6 + 4, the worked example)")

# %% nbgrader={"grade": true, "grade_id": "kfold_test_folds_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): plain folds for 5 to 120 examples and 3 to 7 folds; stratified
# folds for sorted and shuffled labels, an imbalanced 90/10 split, string labels whose first appearance differs
# from their sorted order, and a class rarer than the number of folds. Compared with the test folds of
# KFold(n_splits) / StratifiedKFold(n_splits) without shuffling.
# Try the same kind of checks on fresh random inputs: check("week04.kfold_test_folds", kfold_test_folds)
### BEGIN HIDDEN TESTS
grade("week04.kfold_test_folds", kfold_test_folds)
### END HIDDEN TESTS

# %%
check("week04.kfold_test_folds", kfold_test_folds);

# %% [markdown]
# **Why stratify (and shuffle).** Scikit-learn's breast-cancer rows are not sorted by class, but many files are.
# Sort them by label and look at what un-shuffled plain k-fold does: some test folds contain a single class, and
# the model is trained on data whose class balance differs from the test fold's.

# %%
by_label = np.argsort(y_cancer, kind="stable")
X_sorted, y_sorted = X_cancer[by_label], y_cancer[by_label]


def library_folds(splitter):
    folds = np.empty(len(y_sorted), dtype=int)
    for k, (_, test) in enumerate(splitter.split(X_sorted, y_sorted)):
        folds[test] = k
    return folds


plain_folds, stratified_folds = library_folds(KFold(5)), library_folds(StratifiedKFold(5))
try:
    print("your kfold_test_folds agrees with KFold:", np.array_equal(kfold_test_folds(y_sorted, 5), plain_folds),
          "| with StratifiedKFold:", np.array_equal(kfold_test_folds(y_sorted, 5, stratified=True), stratified_folds))
except NotImplementedError:
    print("(kfold_test_folds is not implemented yet: the folds below come from scikit-learn)")
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
for name, folds in [("plain KFold", plain_folds), ("stratified", stratified_folds)]:
    splits = [(np.flatnonzero(folds != k), np.flatnonzero(folds == k)) for k in range(5)]
    scores = cross_val_score(model, X_sorted, y_sorted, cv=splits)
    benign = [f"{y_sorted[test].mean():.0%}" for _, test in splits]
    print(f"{name:12s}: share of class 1 per test fold {benign}; accuracy per fold {np.round(scores, 3)}, "
          f"mean {scores.mean():.3f} ± {scores.std():.3f}")

# %% [markdown]
# ## 8. Pitfall: data leakage
#
# **Leakage** is any path by which information about the test data reaches training. The model then looks better
# in evaluation than it will be on genuinely new data, sometimes dramatically. Common forms:
#
# * **preprocessing fitted on all the data** before splitting: scalers, imputers, PCA, and worst of all
#   **feature selection** (choosing the features most correlated with $y$ using the test rows too);
# * **target leakage**: a feature that is only known after the outcome (e.g. "treatment given" when predicting a
#   diagnosis), or that is computed from the target;
# * **the same entity on both sides**: duplicated rows, several photos of one patient, one user's sessions;
# * **time**: training on the future to predict the past; use time-based splits.
#
# The rule: **everything that learns from data is part of the model** and must be fitted inside each training
# fold. scikit-learn's `Pipeline` makes that automatic: `cross_val_score(make_pipeline(StandardScaler(),
# SelectKBest(k=20), model), X, y)` refits every step on each training fold.
#
# A dramatic example: 100 examples, 5000 features of **pure noise**, random labels. No model can do better than
# 50 %. Select the 20 features most correlated with the labels on **all** the data, then cross-validate:

# %%
noise_rng = np.random.default_rng(0)
X_noise = noise_rng.normal(size=(100, 5000))
y_noise = noise_rng.integers(0, 2, size=100)

selected = SelectKBest(f_classif, k=20).fit(X_noise, y_noise).get_support()   # LEAK: chosen using every row
leaky = cross_val_score(LogisticRegression(), X_noise[:, selected], y_noise, cv=5)
honest = cross_val_score(make_pipeline(SelectKBest(f_classif, k=20), LogisticRegression()), X_noise, y_noise, cv=5)
print(f"selection before CV (leaky):  accuracy {leaky.mean():.2f} ± {leaky.std():.2f}")
print(f"selection inside a pipeline:  accuracy {honest.mean():.2f} ± {honest.std():.2f}   (chance is 0.50)")

# %% [markdown]
# Among 5000 noise features, some correlate with 100 random labels by chance, on all 100 rows, test folds
# included; the leaky pipeline "finds" them and reports a strong model. Inside the pipeline, features chosen on the
# training folds carry no information about the test fold, and the score drops to chance, which is the truth.
#
# Scaling leaks much less (a mean and a standard deviation are only two numbers per feature), but it is the
# same bug, and it bites when folds differ, e.g. data that drift over time. Here is a leaky version, and your
# exercise is to fix it.
#
# ```python
# def leaky_cv_scores(X, y, folds, make_model):
#     X_scaled = (X - X.mean(axis=0)) / X.std(axis=0)    # statistics of ALL rows, test folds included
#     return np.array([make_model().fit(X_scaled[train], y[train]).score(X_scaled[test], y[test])
#                      for train, test in folds])
# ```
#
# ### Exercise 6 — `scaled_cv_scores`
#
# For each `(train, test)` pair of index arrays in `folds`: compute the mean and standard deviation of every
# feature on the **training rows only** (`np.std`'s default, dividing by $n$, as `StandardScaler` does; a feature
# whose standard deviation is 0 is divided by 1 instead), standardise the training **and** the test rows with
# those statistics, fit a fresh `make_model()` on the scaled training rows and record its `.score(...)` on the
# scaled test rows. Return the array of scores, one per fold. This is exactly what
# `cross_val_score(make_pipeline(StandardScaler(), model), X, y, cv=folds)` does; don't call scikit-learn's scaler
# or `cross_val_score` here, and do not modify `X`.

# %% nbgrader={"grade": false, "grade_id": "scaled_cv_scores", "locked": false, "schema_version": 3, "solution": true, "task": false}
def scaled_cv_scores(X, y, folds, make_model):
    """Cross-validation scores with standardisation fitted inside each training fold (no leakage).

    X : shape (n, d);  y : shape (n,);  folds : list of (train_indices, test_indices) pairs.
    make_model : callable with no arguments returning a fresh unfitted estimator (with .fit and .score).
    Returns an array of shape (len(folds),): the test score of each fold.
    """
    ### BEGIN SOLUTION
    scores = []
    for train, test in folds:
        mean = X[train].mean(axis=0)
        std = X[train].std(axis=0)
        std = np.where(std == 0, 1.0, std)       # a constant feature stays unscaled, as in StandardScaler
        model = make_model().fit((X[train] - mean) / std, y[train])
        scores.append(model.score((X[test] - mean) / std, y[test]))
    return np.array(scores)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "scaled_cv_scores_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Eight rows whose second feature drifts upwards; test on the first half, then on the second half; Ridge(alpha=1).
# The expected R² scores come from cross_val_score(make_pipeline(StandardScaler(), Ridge(alpha=1.0)), ...);
# the leaky version would report [-1.339, -1.330].
from course.checks import expect_unchanged  # decided by the grader from the values, like expect_close
X_drift = np.array([[1.0, 200.0], [2.0, 180.0], [3.0, 260.0], [4.0, 240.0],
                    [5.0, 300.0], [6.0, 320.0], [7.0, 310.0], [8.0, 400.0]])
y_drift = np.array([1.0, 1.5, 2.5, 2.0, 3.5, 3.0, 4.5, 5.0])
X_drift_before, y_drift_before = X_drift.copy(), y_drift.copy()
halves = [(np.arange(4, 8), np.arange(0, 4)), (np.arange(0, 4), np.arange(4, 8))]
scores = scaled_cv_scores(X_drift, y_drift, halves, lambda: Ridge(alpha=1.0))
expect_close(scores, [0.4919278078685092, 0.06993771626297585], name="the two R² scores of the drifting data",
             rtol=1e-8,
             slips={"scaling with the statistics of all rows before splitting (the leaky version)":
                        [-1.3391220293401958, -1.330421819710479],
                    "scaling the test fold with its own mean and std": [-15.481711969117846, -7.524074981197998],
                    "skipping the scaling": [0.6233193139505777, 0.3148083329946776],
                    "np.std with ddof=1 (StandardScaler divides by n)": [0.3311190042140262, -0.06934593572778835]})
expect_unchanged(X_drift, X_drift_before, "scaled_cv_scores", "X", name="X is unchanged after scaled_cv_scores")
expect_unchanged(y_drift, y_drift_before, "scaled_cv_scores", "y", name="y is unchanged after scaled_cv_scores")
print("✓ public checks passed: scaled_cv_scores (scaler fitted on each training half)")

# %% nbgrader={"grade": true, "grade_id": "scaled_cv_scores_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random data sets of 30 to 150 rows with 2 to 6 features on very
# different scales that drift along the rows (one with a constant feature), 2 to 6 contiguous or shuffled folds,
# and make_model = lambda: Ridge(alpha) with a random alpha; compared with
# cross_val_score(make_pipeline(StandardScaler(), Ridge(alpha)), X, y, cv=folds); X must not be modified.
# Try the same kind of checks on fresh random inputs: check("week04.scaled_cv_scores", scaled_cv_scores)
### BEGIN HIDDEN TESTS
grade("week04.scaled_cv_scores", scaled_cv_scores)
### END HIDDEN TESTS

# %%
check("week04.scaled_cv_scores", scaled_cv_scores);

# %% [markdown]
# ## 9. Pitfalls: imbalanced classes and feature scaling
#
# ### Imbalanced classes
#
# When 95 % of the examples are negative, "always say negative" scores 95 % accuracy and is useless. On imbalanced
# data:
#
# * **measure the right thing**: recall and precision of the minority class, the F1 score, **balanced accuracy**
#   (the mean of the per-class recalls), precision-recall curves; never accuracy alone;
# * **split with stratification**, so every fold has minority examples;
# * **re-weight**: `class_weight="balanced"` weights each class by $n / (K\, n_k)$, so both classes count equally
#   in the loss; or **move the decision threshold** below 0.5 on predicted probabilities;
# * **resample**: undersample the majority, or oversample the minority; **SMOTE** (in the `imbalanced-learn`
#   package, not installed here) creates synthetic minority examples by interpolating between a minority example
#   and one of its minority nearest neighbours. Resampling must happen **inside** the training folds, or it leaks
#   (synthetic copies of test examples would end up in training).

# %%
X_imb, y_imb = make_classification(n_samples=3000, n_features=10, n_informative=4, weights=[0.95, 0.05],
                                   class_sep=0.8, random_state=3)
X_i_train, X_i_test, y_i_train, y_i_test = train_test_split(X_imb, y_imb, test_size=0.5, stratify=y_imb,
                                                            random_state=0)
print(f"share of positives: {y_imb.mean():.1%}")
print(f"{'model':34s} accuracy  recall(pos)  balanced acc.")
for name, clf in [("always negative", None),
                  ("logistic regression", LogisticRegression(max_iter=1000)),
                  ("logistic, class_weight='balanced'", LogisticRegression(max_iter=1000, class_weight="balanced"))]:
    predicted = np.zeros_like(y_i_test) if clf is None else clf.fit(X_i_train, y_i_train).predict(X_i_test)
    print(f"{name:34s} {np.mean(predicted == y_i_test):8.3f}  {recall_score(y_i_test, predicted):11.3f}  "
          f"{balanced_accuracy_score(y_i_test, predicted):13.3f}")
print("confusion matrix of the balanced model (rows: true 0/1, columns: predicted 0/1):\n",
      confusion_matrix(y_i_test, predicted))

# %% [markdown]
# The balanced model gives up some accuracy (more false alarms) to find most of the positives, which is usually the
# point of the exercise. Which trade-off is right depends on the costs of the two errors: choose the metric that
# matches the goal before comparing models.
#
# ### Feature scaling
#
# Models built on **distances or dot products** with a shared penalty (k-NN, SVMs, regularised linear models,
# neural networks, k-means, PCA) care about the units of the features: a feature measured in thousands
# dominates one measured in fractions. Gradient descent also converges faster on standardised features (week 01:
# scaling improves the condition number). **Trees do not care**: the partition a split makes is unaffected by any
# strictly increasing rescaling of a feature (only the threshold's value moves, to a point between the same two
# neighbouring values on the new scale). The breast-cancer features range from about 0.001 to 4000:

# %%
print(f"feature standard deviations range from {X_cancer.std(axis=0).min():.4f} to {X_cancer.std(axis=0).max():.0f}")
print(f"{'model':22s} raw features  standardised (in a pipeline)")
for name, clf in [("k-nearest neighbours", KNeighborsClassifier()), ("RBF SVM", SVC()),
                  ("random forest", RandomForestClassifier(n_estimators=100, random_state=0))]:
    raw = cross_val_score(clf, X_cancer, y_cancer, cv=5).mean()
    scaled = cross_val_score(make_pipeline(StandardScaler(), clf), X_cancer, y_cancer, cv=5).mean()
    print(f"{name:22s} {raw:12.3f}  {scaled:12.3f}")

# %% [markdown]
# ## 10. Choosing an algorithm
#
# Every model of weeks 3 and 4 sits somewhere on the bias-variance trade-off, and has a knob to move along it:
#
# | model | bias / variance | the knob | needs scaling | good for |
# |---|---|---|---|---|
# | linear / logistic regression | high bias, low variance | regularisation strength | yes | baselines, small data, interpretability, many features |
# | single decision tree | low bias, very high variance | depth, leaf size | no | explanations; rarely the best predictor |
# | random forest | low bias (deep trees), variance cut by averaging | `max_features`, leaf size; more trees never hurt | no | strong default with little tuning; OOB estimate for free |
# | gradient boosting | bias cut stage by stage; variance grows with stages | learning rate × number of trees (early stopping), depth | no | best accuracy on tabular data, with tuning |
# | kernel SVM | set by `C` and `gamma` | `C`, `gamma` | yes | small to medium data, many features, clear margins |
# | k-NN | set by $k$ (small $k$: high variance) | $k$ | yes | low dimensions, simple baselines |
#
# A practical recipe: start with a **baseline** (the majority class, or a linear model) so you know what "better"
# means; for tabular data, try a random forest and a gradient-boosted model; for few examples with many features
# (text, genomics), a regularised linear model or an SVM; always compare on the **same cross-validation folds**,
# with every preprocessing step inside the pipeline, on the metric that matches the goal; and when two models are
# within noise of each other, prefer the simpler one.

# %% [markdown]
# ## 11. Challenge: a tumour classifier scored on tumours you never see
#
# Everything so far measured models on data you hold. A real model is judged on data nobody had when it was
# built. This challenge works that way: the course holds out 100 of scikit-learn's 569 breast-cancer tumours (50
# malignant, 50 benign), and this notebook never gets them. You get the other 469, train any model you like (a
# pipeline, a forest, boosting: what sections 4 to 10 taught), and write `predict(X)`. When your notebook is
# graded, the grader draws 90 of its 100 tumours for you, multiplies each measurement by $1 + 2\,\%$ noise (a
# different draw per student), sends **only the measurements** into your notebook, and scores the labels your
# `predict` returns against labels that never enter it:
#
# | accuracy on your 90 held-out tumours | points |
# |---|---|
# | ≥ 0.94 | 3 |
# | ≥ 0.90 | 2 |
# | ≥ 0.80 | 1 |
#
# The held-out draw is small, so your score there will differ from your validation score by a point or two of
# accuracy; the top threshold leaves room for that (a standardised logistic regression trained on `X_fit` alone
# reached 0.94 on every one of 400 draws we tried). `load_breast_cancer()` holds the held-out tumours too, so you *could* train on them:
# you would then be measuring how well the model remembers, which is the leakage of section 8 under another name.
#
# Use the validation rows below to choose your model, as a careful data scientist would: with cross-validation
# on `X_fit` if you compare several, every preprocessing step inside the pipeline.

# %%
import pandas as pd
from course.datasets import breast_cancer_public
from course.exercises import score_held_out, validation_report

X_public, y_public, tumour_features = breast_cancer_public()
X_fit, X_val, y_fit, y_val = train_test_split(X_public, y_public, test_size=0.25, stratify=y_public,
                                              random_state=0)
tumours = pd.DataFrame(X_public, columns=tumour_features)
print(f"{len(X_fit)} tumours to train on, {len(X_val)} to validate on; benign share {y_public.mean():.2f}")
tumours.iloc[:, :5].describe().round(2)

# %% [markdown]
# Train your model on `X_fit`, `y_fit` and define `predict(X)`: tumours `X` of shape `(n, 30)`, the 30
# measurements in `tumour_features`' order, in, and one label per tumour out (0 = malignant, 1 = benign), as an
# array of shape `(n,)`. It must not retrain: the grader calls it once on its 90 tumours.

# %% nbgrader={"grade": false, "grade_id": "tumour_challenge", "locked": false, "schema_version": 3, "solution": true, "task": false}
def predict(X):
    raise NotImplementedError("train your model in this cell, then define predict(X) to return its labels")


### BEGIN SOLUTION
tumour_model = make_pipeline(StandardScaler(), LogisticRegression(C=0.3, max_iter=5000)).fit(X_fit, y_fit)


def predict(tumours_to_label):
    """Labels (0 = malignant, 1 = benign) for tumours of shape (n, 30)."""
    return tumour_model.predict(tumours_to_label)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "tumour_challenge_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
validation_accuracy = validation_report("week04.tumour_challenge", predict, X_val, y_val)
expect_true(validation_accuracy >= 0.9,
            f"the validation accuracy is {validation_accuracy:.3f}: a model that scores below 0.9 on your own "
            "validation rows will not reach the top threshold on the held-out tumours")

# %% nbgrader={"grade": true, "grade_id": "tumour_challenge_held_out", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
# Hidden test: the grader draws 90 of the 100 tumours the course holds out, perturbs each measurement by about 2 %
# (your own draw), sends only the measurements here and scores your labels against its own: accuracy ≥ 0.94 gives
# 3 points, ≥ 0.90 gives 2, ≥ 0.80 gives 1. The feedback tells you your score, never the labels.
### BEGIN HIDDEN TESTS
score_held_out("week04.tumour_challenge", predict)
### END HIDDEN TESTS

# %% [markdown]
# ## 12. Checkpoint: can you explain the bias-variance trade-off and choose an appropriate algorithm?
#
# Four short questions, checked when the notebook is graded (the cell under each answer only checks its format),
# and one answer in your own words.
#
# **Q1.** A random forest's test error levels off as trees are added. What does adding more trees do?
#
# - (a) It lowers the bias, so with enough trees the forest fits the training noise and the test error rises again.
# - (b) It lowers the variance of the average; it cannot make the forest overfit, and the error levels off at a
#   floor set by the trees' bias and their correlation.
# - (c) It raises the variance, because every extra tree is another deep, overfitted model.
# - (d) Nothing: the trees are trained on the same data, so their average equals any one of them.

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
# **Q2.** An RBF SVM with `C = 1000` and `gamma = 50` reaches 100 % training accuracy but 71 % on the test set,
# and most training points are support vectors. Which change is most likely to help?
#
# - (a) Increase `gamma`, so the boundary can follow the data more closely.
# - (b) Increase `C`, so fewer training points are misclassified.
# - (c) Decrease `gamma` and/or `C`, for a smoother boundary and a wider margin (less variance).
# - (d) Stop scaling the features.

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
# **Q3.** A bootstrap sample is drawn from a training set of $n = 5$ examples. What is the probability that one
# particular example is out of bag (never drawn)? (A number between 0 and 1.)

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q3", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q3_answer to a number.
### BEGIN SOLUTION
q3_answer = (4 / 5) ** 5
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q3_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number between 0 and 1; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q3_answer, (int, float, np.integer, np.floating)) and not isinstance(q3_answer, bool)
            and 0 <= q3_answer <= 1, f"q3_answer should be a number between 0 and 1; got {q3_answer!r}.",
            name="q3_answer is a number between 0 and 1")
print("q3_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q3_answer, 0.32768, name="the answer to question 3 (q3_answer)", rtol=1e-3)
### END HIDDEN TESTS

# %% [markdown]
# **Q4.** You have 50 000 rows of tabular data: 40 numeric and categorical features on different scales, some
# missing values, clearly non-linear interactions. You want the best accuracy and can tune on a validation set.
# What is the best first choice (after a simple baseline)?
#
# - (a) An RBF SVM on the raw features.
# - (b) Gradient-boosted trees (e.g. `HistGradientBoostingClassifier`, XGBoost, LightGBM) with early stopping.
# - (c) k-nearest neighbours on the raw features.
# - (d) A single fully grown decision tree.

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

# %% [markdown] nbgrader={"grade": false, "grade_id": "explain_bias_variance_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Q5 (written, 3 points, graded by a person).** In a short paragraph or two: explain the bias-variance trade-off,
# and how random forests and gradient boosting each move a tree along it (which error each one reduces, and which
# setting controls the risk of overfitting). Then say which algorithm you would try first for a medical data set
# of 300 patients with 2000 gene-expression features and a binary outcome, and why, including how you would
# evaluate it. Write your answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "explain_bias_variance", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# The expected error of a model on new data splits into bias² (how far its average prediction, over possible
# training sets, is from the truth: the error of a model too simple for the pattern), variance (how much its
# prediction changes from one training set to another: the error of a model flexible enough to fit the noise) and
# irreducible noise. Making a model more flexible lowers bias and raises variance; the best test error is in
# between. A random forest starts from deep trees (low bias, high variance) and averages many of them, each trained
# on a bootstrap sample with a random subset of features per split, which reduces the variance; more trees never
# overfit, and the trees' depth and `max_features` set the remaining error. Gradient boosting starts from shallow
# trees (high bias, low variance) and adds them one by one, each fitted to the current residuals, which reduces the
# bias; every stage adds variance, so the number of stages, together with the learning rate, controls overfitting,
# and early stopping on validation data chooses it.
#
# With 300 patients and 2000 features (far more features than examples), variance is the main danger. I would start
# with a regularised linear model (L2 or L1 logistic regression, standardised inside a pipeline) or a linear SVM,
# tuning the regularisation strength, and compare it with a random forest; complex models like deep boosting would
# overfit easily. Evaluation: stratified k-fold cross-validation (repeated, since 300 is small), with scaling and any
# feature selection fitted inside each training fold to avoid leakage, reporting a metric suited to the class
# balance (e.g. ROC AUC or balanced accuracy) with its spread across folds, and a held-out test set touched once.

# %% [markdown]
# ## Summary
#
# * **Bagging** trains models on bootstrap samples and averages them: variance $\rho\sigma^2 + (1-\rho)\sigma^2/B$,
#   so it pays to make the models different. Each bootstrap leaves out $(1-1/n)^n \approx 36.8\,\%$ of the examples.
# * **Random forests** add a random feature subset at every split to decorrelate deep trees. The **OOB error**
#   (each example judged by the trees that never saw it) estimates the test error for free; more trees never
#   overfit. Prefer **permutation importance** on held-out data to impurity-based importance.
# * **SVMs** minimise $\tfrac12\lVert\mathbf w\rVert^2 + C\sum_i\max(0, 1 - y_i f(\mathbf x_i))$: the widest
#   margin, with hinge penalties for violations; only support vectors matter. **Kernels** replace inner products,
#   $f(\mathbf x) = \sum_i\alpha_i y_i K(\mathbf x_i, \mathbf x) + b$; with the RBF kernel, `gamma` sets the bump
#   width and `C` the price of violations: large values overfit, small values underfit.
# * **Gradient boosting** fits each new shallow tree to the negative gradient (for squared loss, the residuals) and
#   adds it with a learning rate; it reduces bias and overfits if run too long, so use a small learning rate with
#   **early stopping**. XGBoost/LightGBM add Newton steps, regularised leaves, histograms, leaf-wise growth and
#   native missing-value handling.
# * **Honest evaluation**: k-fold (stratified for classification) cross-validation; every step that learns from
#   data goes inside the pipeline (**no leakage**); on **imbalanced** data use recall, precision or balanced
#   accuracy, stratified splits and class weights; **scale** features for distance- and gradient-based models,
#   not for trees.
#
# Next week starts unsupervised learning: clustering with k-means, hierarchical clustering and DBSCAN, where
# there are no labels to measure against and choosing and validating a model gets harder still.
