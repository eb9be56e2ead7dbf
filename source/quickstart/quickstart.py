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
# # Quick start — five runnable examples of machine learning, in one sitting
#
# Five small, complete examples, each of them offline and each a few seconds long: a regression, a classifier, a
# neural network, a clustering and a pretrained network put to a new use. They are the source syllabus's quick
# examples, with three things added: the numbers are explained, one small piece of each is yours to write (and is
# checked against the real library), and each ends with **what just happened** and a link to the week that builds
# it from scratch.
#
# | § | example | library | you write | built from scratch in |
# |---|---|---|---|---|
# | 0 | get started in 15 minutes: opening the course, a test cell, a check | | | |
# | 1 | linear regression on synthetic data: split, fit, MSE, R², the fitted line; an explorer | scikit-learn | `split_indices`, `mse_and_r2` | [week 03](../week03/week03.ipynb) |
# | 2 | a random forest on iris: cross-validation, a report, a confusion matrix, feature importances | scikit-learn, pandas | `confusion_matrix` | [week 04](../week04/week04.ipynb) |
# | 3 | a PyTorch MLP: a training loop, a loss curve, accuracy that means something | PyTorch | `count_parameters` | [week 07](../week07/week07.ipynb) |
# | 4 | k-means with the elbow and silhouette plots | scikit-learn | `kmeans_inertia` | [week 05](../week05/week05.ipynb) |
# | 5 | transfer learning: a network pretrained by the course, fine-tuned on a new task with few labels | PyTorch | | [week 09](../week09/week09.ipynb) |
#
# Five **try it** questions (change one thing in a cell, predict what happens, check) are graded with the rest.
#
# ## 0. Get started in 15 minutes
#
# **Open the course.** On your own machine, in a copy of the course: `make lab` (the first run sets up `.venv/`
# in about a minute, then opens JupyterLab on `START_HERE.ipynb`). Without installing anything: the course's
# **Binder** link (in the README and on `START_HERE.ipynb`) opens the same JupyterLab in your browser, with about
# 2 GB of memory, which every notebook fits in. The notebooks you work in are `release/NAME/NAME.ipynb`: this
# one is `release/quickstart/quickstart.ipynb`, the weeks are next to it, [`../week01/week01.ipynb`](../week01/week01.ipynb)
# to [`../week12/week12.ipynb`](../week12/week12.ipynb).
#
# **Run it.** Run the cells in order from the top with *Shift + Enter*, or all of them with *Run → Run All Cells*:
# the whole notebook takes well under a minute, and *Run All* reaches the end even before you have written
# anything (the cells that need your code say so). If something looks odd: *Kernel → Restart Kernel and Run All*.
#
# **What an exercise looks like.** A cell with a function to complete, then two test cells:
#
# ```python
# def mse_and_r2(y_true, y_pred):            # the answer cell: delete the `raise` line, write your code
#     # YOUR CODE HERE
#     raise NotImplementedError()
#
# expect_close(mse_and_r2(...), (0.5, 0.9))  # the public test cell: small inputs, answers you can see
#
# grade("quickstart.mse_and_r2", mse_and_r2) # the hidden test cell: random inputs, checked when graded
# ```
#
# A public check that fails says what is wrong in words ("... is what the sum of squared errors, not divided by
# n, gives"). **A check** tries your function on fresh random inputs against the library, as often as you like:
# `check("quickstart.mse_and_r2", mse_and_r2)` prints ✓ or the first input it got wrong. The hidden tests run the
# same checks when your notebook is graded, so if `check(...)` passes reliably, they will pass too.
#
# **Where you stand.** In a terminal `python -m course.progress`, or in a notebook
# `from course.progress import show; show()`: every exercise of every notebook, passing or not and why.
#
# **Where to go next.** The twelve weeks, in order: foundations (weeks 1–2), supervised learning (3–4),
# unsupervised learning (5–6), deep learning (7–8), advanced deep learning (9–10), MLOps (11–12). Each example
# below names the week that explains it from first principles.

# %%
# %matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
import torch.nn as nn
from sklearn import metrics
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits, load_iris, make_blobs
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import cross_val_score, train_test_split

from course.checks import expect_choice, expect_close, expect_equal, expect_true, expect_unchanged
from course.exercises import check, grade

np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 3)
torch.set_num_threads(1)    # these networks are tiny: one thread is as fast, and two fight on a busy 2-core machine
started = time.perf_counter()


def mine_or_reference(function, reference, *args, _said=set()):
    """Your function's result once it is written; the library's until then (so the lesson runs either way)."""
    try:
        return function(*args)
    except NotImplementedError:
        if function.__name__ not in _said:          # say it once, not at every call
            print(f"({function.__name__} is not written yet: this cell uses the library's version)")
            _said.add(function.__name__)
        return reference(*args)


# %% [markdown]
# ## 1. Linear regression: a line through noisy points
#
# The data are made up, so we know the truth: $y = 4 + 3x + \varepsilon$ with $x$ uniform on $[0, 2]$ and noise
# $\varepsilon \sim \mathcal N(0, \sigma^2)$, $\sigma = 1$. A linear regression finds the intercept $b$ and slope
# $w$ that minimise the **mean squared error** on the training data,
#
# $$\mathrm{MSE} = \frac1n \sum_{i=1}^n (y_i - \hat y_i)^2, \qquad \hat y_i = b + w x_i .$$
#
# We hold out a fifth of the points (`train_test_split`) and measure the fit on those, which the model never saw:
# a model is only as good as its predictions on new data. Besides the MSE (in squared units of $y$) we report
# the **coefficient of determination**
#
# $$R^2 = 1 - \frac{\mathrm{SS}_\text{res}}{\mathrm{SS}_\text{tot}} = 1 - \frac{\sum_i (y_i - \hat y_i)^2}{\sum_i (y_i - \bar y)^2},$$
#
# the share of the variance of $y$ that the model explains: 1 is perfect, 0 is no better than always predicting
# the mean $\bar y$ of the test values, and it is negative for a model worse than that. The source's example,
# as a function of the noise level so that you can change it:

# %%
def regression_example(noise=1.0, seed=42):
    """The source's example 1: 100 points of y = 4 + 3x + noise · N(0, 1), split 80 / 20, a line fitted."""
    rng = np.random.RandomState(seed)
    X = 2 * rng.rand(100, 1)
    y = 4 + 3 * X + noise * rng.randn(100, 1)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
    model = LinearRegression().fit(X_train, y_train)
    y_pred = model.predict(X_test)
    return {"X_test": X_test, "y_test": y_test, "y_pred": y_pred, "slope": model.coef_[0][0],
            "intercept": model.intercept_[0], "mse": metrics.mean_squared_error(y_test, y_pred),
            "r2": metrics.r2_score(y_test, y_pred)}


example1 = regression_example(noise=1.0)
print(f"fitted: y = {example1['intercept']:.2f} + {example1['slope']:.2f} x   (truth: y = 4 + 3x)")
print(f"test MSE: {example1['mse']:.3f}   test R²: {example1['r2']:.3f}")

order = np.argsort(example1["X_test"][:, 0])
fig, ax = plt.subplots(figsize=(5.5, 3.2))
ax.scatter(example1["X_test"], example1["y_test"], color="C0", label="test points (actual)")
ax.plot(example1["X_test"][order], example1["y_pred"][order], color="C3", lw=2, label="fitted line (predicted)")
ax.plot([0, 2], [4, 10], "--", color="0.5", lw=1, label="the truth, 4 + 3x")
ax.set(xlabel="x", ylabel="y", title="Linear regression on the 20 test points")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# The fitted line is close to the truth but not on it: 80 noisy points do not pin the slope down exactly (here
# 2.80 instead of 3). The test MSE, about 0.65, is of the order of the noise's variance $\sigma^2 = 1$: no model
# can predict the noise, so the MSE of even the true line is about $\sigma^2$ on average (20 test points make it
# vary a lot). R² ≈ 0.81 says the line explains about four fifths of the variance of $y$ on these points.
#
# ### Exercise 1 — `split_indices`
#
# What does `train_test_split(X, y, test_size=0.2, random_state=42)` do with the rows? It **shuffles** their
# indices with a random generator seeded by `random_state` and **cuts**: the first $\lceil 0.2 \cdot n \rceil$ of
# the shuffled indices are the test rows, the rest the training rows. The seed makes the split reproducible —
# the same `random_state` gives the same split on every run and every machine, which is why the examples here
# all fix it — and the rounding up means that a test set is never empty.
#
# Write the indices' part of it: `n` rows, a share `test_size` in (0, 1), an integer `seed`. Shuffle
# `np.arange(n)` with `np.random.RandomState(seed).permutation(n)` (NumPy's legacy generator, the one
# scikit-learn uses), take the first `ceil(test_size * n)` entries of the permutation as the test indices and the
# remaining ones, in the permutation's order, as the training indices; return the tuple `(train, test)` of two
# integer arrays. Compared with `train_test_split(np.arange(n), test_size=test_size, random_state=seed)`.

# %% nbgrader={"grade": false, "grade_id": "split_indices", "locked": false, "schema_version": 3, "solution": true, "task": false}
def split_indices(n, test_size, seed):
    """(train indices, test indices) of a shuffled split of n rows: the test rows are the first
    ceil(test_size * n) of np.random.RandomState(seed).permutation(n)."""
    ### BEGIN SOLUTION
    permutation = np.random.RandomState(seed).permutation(n)
    n_test = int(np.ceil(test_size * n))
    return permutation[n_test:], permutation[:n_test]
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "split_indices_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# RandomState(0).permutation(10) is (2, 8, 4, 9, 1, 6, 7, 3, 0, 5); test_size 0.25 → ceil(2.5) = 3 test rows.
expect_close(split_indices(10, 0.25, 0)[1], np.array([2, 8, 4]), name="the test rows of split_indices(10, 0.25, 0)",
             slips={"int(test_size · n), rounded down": np.array([2, 8]),
                    "the test rows taken from the end of the permutation": np.array([3, 0, 5]),
                    "no shuffle": np.array([0, 1, 2]),
                    "np.random.default_rng(seed) instead of np.random.RandomState(seed)": np.array([4, 6, 2]),
                    "the test rows and the train rows in the other order": np.array([9, 1, 6, 7, 3, 0, 5])})
expect_close(split_indices(10, 0.25, 0)[0], np.array([9, 1, 6, 7, 3, 0, 5]),
             name="the training rows of split_indices(10, 0.25, 0)")
expect_equal(len(split_indices(7, 0.3, 0)[1]), 3, name="the number of test rows for n = 7, test_size = 0.3 (2.1 → 3)")
print("✓ public checks passed: split_indices")

# %% nbgrader={"grade": true, "grade_id": "split_indices_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: the examples' splits (100 and 150 rows, 0.2, seed 42), shares that must be rounded up, two rows,
# random sizes, shares and seeds. Compared with sklearn.model_selection.train_test_split(np.arange(n), ...).
# Try them yourself now: check("quickstart.split_indices", split_indices)
### BEGIN HIDDEN TESTS
grade("quickstart.split_indices", split_indices)
### END HIDDEN TESTS

# %% [markdown]
# Your split of the example's 100 rows (once it is written) picks exactly the 20 test points above:

# %%
X_example = 2 * np.random.RandomState(42).rand(100, 1)          # the example's inputs, drawn the same way
train_rows_1, test_rows_1 = mine_or_reference(
    split_indices, lambda n, size, seed: tuple(train_test_split(np.arange(n), test_size=size, random_state=seed)),
    100, 0.2, 42)
print(f"{len(train_rows_1)} training rows, {len(test_rows_1)} test rows; the first test rows: {test_rows_1[:5]}")
print("the same test points as train_test_split:", np.array_equal(X_example[test_rows_1], example1["X_test"]))

# %% [markdown]
# ### Exercise 2 — `mse_and_r2`
#
# `y_true` and `y_pred` are 1-D arrays of the same length $n \ge 2$. Return the tuple `(mse, r2)` of two floats,
# with the formulas above. One convention, scikit-learn's: when `y_true` is constant, $\mathrm{SS}_\text{tot} = 0$
# and the formula divides by zero; then R² is `1.0` if the predictions are perfect ($\mathrm{SS}_\text{res} = 0$)
# and `0.0` otherwise. Compared with `sklearn.metrics.mean_squared_error` and `r2_score`.

# %% nbgrader={"grade": false, "grade_id": "mse_and_r2", "locked": false, "schema_version": 3, "solution": true, "task": false}
def mse_and_r2(y_true, y_pred):
    """(mean squared error, R²) of the predictions y_pred of y_true; R² = 1.0 or 0.0 when y_true is constant."""
    ### BEGIN SOLUTION
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    ss_res = np.sum((y_true - y_pred) ** 2)
    ss_tot = np.sum((y_true - y_true.mean()) ** 2)
    if ss_tot == 0:
        return float(ss_res / len(y_true)), 1.0 if ss_res == 0 else 0.0
    return float(ss_res / len(y_true)), float(1 - ss_res / ss_tot)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "mse_and_r2_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# y_true = (1, 2, 3, 4), mean 2.5, SS_tot = 5; errors (0, 0.5, -0.5, 1): SS_res = 1.5, MSE = 1.5 / 4, R² = 1 - 1.5 / 5.
mse_true = np.array([1.0, 2.0, 3.0, 4.0])
mse_pred = np.array([1.0, 1.5, 3.5, 3.0])
expect_close(mse_and_r2(mse_true, mse_pred), (0.375, 0.7), name="mse_and_r2 on four points",
             slips={"the sum of squared errors, not divided by n": (1.5, 0.7),
                    "SS_tot around the mean of y_pred (the arguments in the other order)": (0.375, 1 - 1.5 / 4.25),
                    "the root of the MSE (RMSE)": (0.375 ** 0.5, 0.7)})
expect_unchanged(mse_true, [1.0, 2.0, 3.0, 4.0], "mse_and_r2", "y_true", name="y_true is left unchanged")
# Predicting the mean of y_true everywhere: R² = 0 exactly; a constant y_true predicted perfectly: R² = 1.
expect_close(mse_and_r2(mse_true, np.full(4, 2.5)), (1.25, 0.0), name="predicting the mean")
expect_close(mse_and_r2(np.full(3, 7.0), np.full(3, 7.0)), (0.0, 1.0), name="a constant y_true, predicted perfectly")
print("✓ public checks passed: mse_and_r2")

# %% nbgrader={"grade": true, "grade_id": "mse_and_r2_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: lines fitted to noisy data, predictions worse than the mean (R² < 0), a large offset (1e6),
# integer arrays, two samples, a constant y_true. Compared with sklearn.metrics.mean_squared_error and r2_score.
# Try them yourself now: check("quickstart.mse_and_r2", mse_and_r2)
### BEGIN HIDDEN TESTS
grade("quickstart.mse_and_r2", mse_and_r2)
### END HIDDEN TESTS

# %% [markdown]
# Your function on the example's test points, next to scikit-learn's (the same numbers once it is right):

# %%
from course.explorers.line_fit import line_fit_explorer, reference_mse_and_r2

mine = mine_or_reference(mse_and_r2, reference_mse_and_r2, example1["y_test"][:, 0], example1["y_pred"][:, 0])
pd.DataFrame({"MSE": [mine[0], example1["mse"]], "R²": [mine[1], example1["r2"]]},
             index=["mse_and_r2", "scikit-learn"])

# %% [markdown]
# **Explorer.** The same world with sliders: the noise level, the number of samples (a fifth held out) and the
# degree of a polynomial fitted instead of a line. Things to try: set the noise to 0 (both R² become 1); raise it
# (R² falls, the MSEs grow like noise²); take 20 samples and degree 15 (the curve threads the training points,
# training MSE near 0, and the test MSE explodes: **overfitting**); then 400 samples at degree 15 (enough data
# tame it). The numbers use your `mse_and_r2` once it passes its checks.

# %%
line_fit_explorer(mse_and_r2)

# %% [markdown]
# **What just happened.** We drew 100 points from a known line plus noise, fitted a line to 80 of them by least
# squares, and measured it on the 20 it had not seen. The test MSE is about the noise's variance, because the
# noise is the part no model can predict, and R² says what share of the variation the line explains. Week 03
# ([../week03/week03.ipynb](../week03/week03.ipynb)) derives least squares, its closed form and its gradient
# descent, and the metrics, from scratch.
#
# **Try it 1.** In the cell that defines `example1`, change `noise=1.0` to `noise=2.0` and run it again (then
# change it back). Before you run it: what happens to the test R², and to the fitted slope?
#
# - (a) R² goes up: more noise gives the line more variance to explain.
# - (b) R² goes down (to about half), and the slope stays near 3: the noise hides the line but does not tilt it.
# - (c) R² stays the same: R² does not depend on the scale of the noise.
# - (d) R² goes down, and the slope doubles to about 6.

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
expect_choice(q1_answer, "b", name="the answer to try it 1 (q1_answer)")
### END HIDDEN TESTS

# %% [markdown]
# ## 2. A random forest on iris: cross-validation, a report, a confusion matrix, feature importances
#
# Iris is 150 flowers of three species, four measurements each (sepal and petal, length and width). A **random
# forest** is a vote of 100 decision trees, each grown on a bootstrap sample of the training rows and choosing
# each split among a random subset of the features. We keep 30 flowers as a test set and estimate the accuracy
# on the other 120 by **5-fold cross-validation**: train on four fifths, score on the fifth left out, five
# times; the mean of the five scores is a steadier estimate than one test set of 30, and their spread shows how
# much it moves.

# %%
iris = load_iris()
X_iris, y_iris = iris.data, iris.target
X_train, X_test, y_train, y_test = train_test_split(X_iris, y_iris, test_size=0.2, random_state=42)

forest = RandomForestClassifier(n_estimators=100, random_state=42)
cv_scores = cross_val_score(forest, X_train, y_train, cv=5)
forest.fit(X_train, y_train)
y_pred_iris = forest.predict(X_test)

print("cross-validation accuracies:", cv_scores.round(3))
print(f"mean CV accuracy: {cv_scores.mean():.3f} (± {cv_scores.std():.3f})")
print(f"accuracy on the 30 test flowers: {metrics.accuracy_score(y_test, y_pred_iris):.3f}\n")
print(metrics.classification_report(y_test, y_pred_iris, target_names=iris.target_names))

# %% [markdown]
# The test accuracy is 1.000, the cross-validated one 0.942 with one fold at 0.833: 30 flowers are few, and a
# perfect score on them says less than it seems. The report gives, per class, the **precision** (of the flowers
# predicted to be this species, the share that are), the **recall** (of the flowers of this species, the share
# found) and their harmonic mean F1, from the same counts as the **confusion matrix**: row $i$, column $j$ holds
# how many test samples of true class $i$ were predicted as class $j$. Its diagonal holds the right answers, so
# the accuracy is its trace divided by its sum.
#
# ### Exercise 3 — `confusion_matrix`
#
# `y_true` and `y_pred` are 1-D integer arrays of labels in $0, \dots, k-1$; `n_classes` is $k$. Return the
# $k \times k$ integer array $C$ with $C_{ij}$ = the number of samples with true label $i$ and predicted label $j$
# — every class gets its row and column, even one that never occurs. Compared with
# `sklearn.metrics.confusion_matrix(y_true, y_pred, labels=range(k))`.

# %% nbgrader={"grade": false, "grade_id": "confusion_matrix", "locked": false, "schema_version": 3, "solution": true, "task": false}
def confusion_matrix(y_true, y_pred, n_classes):
    """C[i, j] = how many samples of true class i were predicted as class j; shape (n_classes, n_classes)."""
    ### BEGIN SOLUTION
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return counts
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "confusion_matrix_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Two samples of class 0 (one predicted 1), three of class 1 (one predicted 0), none of class 2, one predicted 2.
cm_true = np.array([0, 0, 1, 1, 1, 1])
cm_pred = np.array([0, 1, 1, 1, 0, 2])
expect_close(confusion_matrix(cm_true, cm_pred, 3), np.array([[1, 1, 0], [1, 2, 1], [0, 0, 0]]),
             name="confusion_matrix on six samples",
             slips={"rows for the predicted classes and columns for the true ones (the transpose)":
                    np.array([[1, 1, 0], [1, 2, 0], [0, 1, 0]])})
expect_unchanged(cm_true, [0, 0, 1, 1, 1, 1], "confusion_matrix", "y_true", name="y_true is left unchanged")
# A class that never occurs still gets its row and column: 4 classes, only 0 and 1 seen.
expect_equal(confusion_matrix(np.array([0, 1]), np.array([1, 1]), 4).shape, (4, 4), name="the shape with 4 classes")
print("✓ public checks passed: confusion_matrix")

# %% nbgrader={"grade": true, "grade_id": "confusion_matrix_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 2 to 6 classes, good and poor predictions, a class never predicted, a class never present, one
# sample, perfect predictions. Compared with sklearn.metrics.confusion_matrix(labels=range(n_classes)).
# Try them yourself now: check("quickstart.confusion_matrix", confusion_matrix)
### BEGIN HIDDEN TESTS
grade("quickstart.confusion_matrix", confusion_matrix)
### END HIDDEN TESTS

# %% [markdown]
# The forest's confusion matrix on the 30 test flowers (your function's, once it is written), drawn, and the
# forest's **feature importances**: how much, on average over the trees, the splits on each feature reduce the
# impurity (they sum to 1), as a pandas table and a bar plot.

# %%
counts = mine_or_reference(confusion_matrix, lambda t, p, k: metrics.confusion_matrix(t, p, labels=range(k)),
                           y_test, y_pred_iris, 3)
importances = (pd.DataFrame({"feature": iris.feature_names, "importance": forest.feature_importances_})
               .sort_values("importance", ascending=False).reset_index(drop=True))

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.2))
ax1.imshow(counts, cmap="Blues")
for (i, j), count in np.ndenumerate(counts):
    ax1.text(j, i, int(count), ha="center", va="center", color="white" if count > counts.max() / 2 else "black")
ax1.set(xticks=range(3), yticks=range(3), xticklabels=iris.target_names, yticklabels=iris.target_names,
        xlabel="predicted", ylabel="true", title=f"confusion matrix (accuracy {np.trace(counts) / counts.sum():.2f})")
ax2.barh(importances["feature"][::-1], importances["importance"][::-1], color="C2")
ax2.set(xlabel="importance (mean impurity decrease)", title="feature importances")
plt.tight_layout()
plt.show()
importances

# %% [markdown]
# The two petal measurements carry almost all the importance (about 0.44 and 0.42), the sepal width almost none.
# Importances describe the forest, not the world: two features that carry the same information **share** the
# credit, because each tree can split on either one.
#
# **What just happened.** We trained a vote of 100 randomized trees on 120 flowers, estimated its accuracy by
# 5-fold cross-validation (0.94) and on 30 held-out flowers (1.00), and read per-class precision and recall off
# the confusion matrix. The importances ranked the petal measurements first. Week 04
# ([../week04/week04.ipynb](../week04/week04.ipynb)) builds the bootstrap, the forest and honest cross-validation
# from scratch (decision trees themselves are in [week 03](../week03/week03.ipynb)).
#
# **Try it 2.** Drop the **petal width** (the second most important feature) and estimate the forest's accuracy
# again: in a new cell, `cross_val_score(RandomForestClassifier(n_estimators=100, random_state=42),
# X_train[:, [0, 1, 2]], y_train, cv=5).mean()`. Before you run it: what happens to the mean CV accuracy
# (0.942 with all four)?
#
# - (a) It falls below 0.80: the forest loses 42% of its importance.
# - (b) It changes by at most 0.02: the petal length carries nearly the same information.
# - (c) It rises to 1.0: fewer features, less overfitting.
# - (d) It falls to chance, 0.33.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q2", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q2_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q2_answer = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q2_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q2_answer, str) and q2_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q2_answer should be one of the letters "a", "b", "c", "d"; got {q2_answer!r}.',
            name="q2_answer is one of the letters a, b, c, d")
print("q2_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q2_answer, "b", name="the answer to try it 2 (q2_answer)")
### END HIDDEN TESTS

# %% [markdown]
# ## 3. A neural network in PyTorch: a training loop, a loss curve, and accuracy that means something
#
# The source's example trains a small multilayer perceptron (MLP) — `Linear → ReLU → Dropout`, twice, then a
# `Linear` to the class scores — on `X = torch.randn(1000, 20)` with labels `y = torch.randint(0, 3, (1000,))`,
# and prints its "final accuracy" on those same 1,000 rows. **That teaches nothing**: the labels are drawn
# independently of the inputs, so there is nothing to learn, and the best any model can do on new data is to
# guess, right one time in three. Whatever accuracy above 1/3 the network reaches on its training rows is
# **memorisation** of 1,000 arbitrary labels, and measuring on the training rows hides it. Here is that run,
# scored on its training rows and on 1,000 fresh rows drawn the same way:

# %%
class SimpleNN(nn.Module):
    """The source's network: two hidden layers of hidden_size with ReLU and dropout, then the class scores."""

    def __init__(self, input_size, hidden_size, num_classes):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(input_size, hidden_size), nn.ReLU(), nn.Dropout(0.2),
                                    nn.Linear(hidden_size, hidden_size), nn.ReLU(), nn.Dropout(0.2),
                                    nn.Linear(hidden_size, num_classes))

    def forward(self, x):
        return self.layers(x)


def train(model, X, y, X_test, y_test, epochs, lr=1e-3, batch_size=32, seed=0):
    """Mini-batch Adam on the cross-entropy; per epoch: the mean training loss and the train and test accuracy."""
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    criterion = nn.CrossEntropyLoss()
    history = []
    for epoch in range(epochs):
        model.train()                                   # dropout on
        order = torch.randperm(len(y), generator=generator)
        losses = []
        for start in range(0, len(y), batch_size):
            batch = order[start:start + batch_size]
            loss = criterion(model(X[batch]), y[batch])    # forward pass
            optimizer.zero_grad()
            loss.backward()                                # backward pass: the gradients
            optimizer.step()                               # one step of Adam
            losses.append(loss.item())
        model.eval()                                    # dropout off for measuring
        with torch.no_grad():
            history.append({"epoch": epoch + 1, "loss": np.mean(losses),
                            "train accuracy": (model(X).argmax(1) == y).float().mean().item(),
                            "test accuracy": (model(X_test).argmax(1) == y_test).float().mean().item()})
    return pd.DataFrame(history).set_index("epoch")


torch.manual_seed(0)
X_noise, y_noise = torch.randn(1000, 20), torch.randint(0, 3, (1000,))
X_fresh, y_fresh = torch.randn(1000, 20), torch.randint(0, 3, (1000,))
noise_history = train(SimpleNN(20, 64, 3), X_noise, y_noise, X_fresh, y_fresh, epochs=10)
noise_history.tail(3)

# %% [markdown]
# The loss falls a little and the training accuracy climbs above 1/3, while on fresh rows the network stays at
# chance: it has begun to memorise, not to learn. Now the same network and loop on data with real structure:
# scikit-learn's **digits**, 1,797 handwritten digits of 8 × 8 pixels (64 inputs scaled to [0, 1], 10 classes),
# a quarter held out.

# %%
digits = load_digits()
X_digits = torch.tensor(digits.data / 16.0, dtype=torch.float32)
y_digits = torch.tensor(digits.target)
train_rows, test_rows = train_test_split(np.arange(len(y_digits)), test_size=0.25, random_state=0,
                                         stratify=digits.target)
torch.manual_seed(0)
mlp = SimpleNN(64, 64, 10)
digits_history = train(mlp, X_digits[train_rows], y_digits[train_rows], X_digits[test_rows], y_digits[test_rows],
                       epochs=20)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3))
ax1.plot(digits_history.index, digits_history["loss"], "o-", label="digits")
ax1.plot(noise_history.index, noise_history["loss"], "s-", label="random labels")
ax1.set(xlabel="epoch", ylabel="training loss (cross-entropy)", title="loss curves")
ax1.legend(fontsize=8)
ax2.plot(digits_history.index, digits_history["test accuracy"], "o-", label="digits, held out")
ax2.plot(noise_history.index, noise_history["test accuracy"], "s-", label="random labels, fresh rows")
ax2.axhline(1 / 3, color="0.5", ls=":", lw=1)
ax2.axhline(1 / 10, color="0.5", ls=":", lw=1)
ax2.set(xlabel="epoch", ylabel="accuracy", ylim=(0, 1), title="accuracy on data the network did not train on")
ax2.legend(fontsize=8)
plt.tight_layout()
plt.show()
print(f"digits: test accuracy {digits_history['test accuracy'].iloc[-1]:.3f} after 20 epochs (chance: 0.1); "
      f"random labels: {noise_history['test accuracy'].iloc[-1]:.3f} on fresh rows (chance: 0.333)")

# %% [markdown]
# On the digits the loss falls steadily and the held-out accuracy climbs above 0.95 (chance is 0.1): there is
# something to learn, and the test set proves it was learned rather than memorised. The dotted lines are chance
# for each task.
#
# How big is this network? A `Linear(n_in, n_out)` layer holds an $n_\text{out} \times n_\text{in}$ weight matrix
# and $n_\text{out}$ biases: $(n_\text{in} + 1)\, n_\text{out}$ parameters. ReLU and dropout have none. The
# digits MLP, 64 → 64 → 64 → 10, has $65 \cdot 64 + 65 \cdot 64 + 65 \cdot 10 = 8{,}970$. When part of a network is
# **frozen** (`requires_grad_(False)`), the optimiser leaves those parameters alone, and only the rest are
# **trainable** — the heart of example 5.
#
# ### Exercise 4 — `count_parameters`
#
# `layer_sizes` is a list $[s_0, s_1, \dots, s_L]$ of $L \ge 1$ layers' widths: the network is `Linear(s0, s1)`,
# `Linear(s1, s2)`, …, `Linear(s_{L-1}, s_L)` (with activations between them, which have no parameters).
# `frozen` is how many of the **first** Linear layers are frozen ($0 \le$ `frozen` $\le L$). Return the number of
# trainable parameters as an `int`, by arithmetic (no PyTorch needed). Compared with PyTorch's count,
# `sum(p.numel() for p in model.parameters() if p.requires_grad)`, on the network built from `nn.Linear` layers.

# %% nbgrader={"grade": false, "grade_id": "count_parameters", "locked": false, "schema_version": 3, "solution": true, "task": false}
def count_parameters(layer_sizes, frozen=0):
    """Trainable parameters (weights and biases) of Linear layers between consecutive widths, the first `frozen`
    layers frozen."""
    ### BEGIN SOLUTION
    total = 0
    for index, (n_in, n_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:])):
        if index >= frozen:
            total += (n_in + 1) * n_out
    return int(total)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "count_parameters_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# 64 → 64 → 64 → 10: 65·64 + 65·64 + 65·10 = 8,970; with the first two frozen only the last layer's 650 train.
expect_close(count_parameters([64, 64, 64, 10], 2), 650, name="count_parameters([64, 64, 64, 10], frozen=2)",
             slips={"counting the weights only (no biases)": 640,
                    "counting the frozen layers too": 8970,
                    "freezing the last layers instead of the first": 4160})
expect_equal(count_parameters([64, 64, 64, 10]), 8970, name="count_parameters([64, 64, 64, 10])")
expect_equal(count_parameters([5, 1], 1), 0, name="everything frozen")
print("✓ public checks passed: count_parameters")

# %% nbgrader={"grade": true, "grade_id": "count_parameters_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: the networks of this notebook and random ones (2 to 6 widths of 1 to 300), with 0 to all layers
# frozen. Compared with PyTorch: sum(p.numel() for p in model.parameters() if p.requires_grad).
# Try them yourself now: check("quickstart.count_parameters", count_parameters)
### BEGIN HIDDEN TESTS
grade("quickstart.count_parameters", count_parameters)
### END HIDDEN TESTS

# %% [markdown]
# PyTorch counts the same way (your count next to it once it is written):

# %%
torch_count = sum(p.numel() for p in mlp.parameters() if p.requires_grad)
mine = mine_or_reference(count_parameters, lambda sizes, frozen=0: torch_count, [64, 64, 64, 10])
print(f"the digits MLP: {torch_count} trainable parameters (PyTorch), {mine} (count_parameters)")

# %% [markdown]
# **What just happened.** We wrote a training loop — forward pass, loss, backward pass, optimiser step, per
# mini-batch — and watched the loss fall and the held-out accuracy rise on digits, while the same loop on random
# labels only memorised. Accuracy means something only on data the model did not train on, for a task that has
# structure. Week 07 ([../week07/week07.ipynb](../week07/week07.ipynb)) builds the neurons, backpropagation, an
# MLP and Adam from scratch.
#
# **Try it 3.** Change one thing in the source's network: `hidden_size` from 64 to **128**, i.e.
# `SimpleNN(20, 128, 3)` (20 inputs, two hidden layers of 128, 3 classes). How many trainable parameters does it
# have? (A whole number; your `count_parameters` or `sum(p.numel() ...)` will tell you.)

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q3", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q3_answer to a whole number.
### BEGIN SOLUTION
q3_answer = 21 * 128 + 129 * 128 + 129 * 3
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q3_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q3_answer, (int, float, np.floating, np.integer)) and not isinstance(q3_answer, bool),
            f"q3_answer should be a number; got {q3_answer!r}.", name="q3_answer is a number")
print("q3_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q3_answer, 19587, rtol=0, atol=0.5, name="the answer to try it 3 (q3_answer)")
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Clustering with k-means: the elbow and the silhouette
#
# No labels now: 300 points in four blobs (`make_blobs`), and the task is to find groups. **k-means** places $k$
# centres $c_1, \dots, c_k$ and alternates two steps — give each point to its nearest centre, move each centre to
# the mean of its points — which never increases the **inertia**, the sum of squared distances from each point
# to its nearest centre:
#
# $$\text{inertia} = \sum_{i=1}^n \min_{j} \lVert x_i - c_j \rVert^2 .$$
#
# More centres always lower the inertia (at $k = n$ it is 0), so its minimum cannot choose $k$. Two common
# readings: the **elbow**, the $k$ after which adding a centre gains little; and the **silhouette**, which for
# each point compares the mean distance $a$ to the points of its own cluster with the mean distance $b$ to the
# points of the nearest other cluster, $s = (b - a) / \max(a, b)$, averaged over the points: near 1 for tight,
# well-separated clusters, near 0 for overlapping ones.
#
# ### Exercise 5 — `kmeans_inertia`
#
# `X` is an $(n, d)$ array of points, `centers` a $(k, d)$ array of centres. Return the inertia as a float.
# Compared with scikit-learn: `pairwise_distances_argmin_min(X, centers, metric="sqeuclidean")` (the nearest
# centre's squared distance for every point), summed — which is what a fitted `KMeans` reports as `inertia_`.

# %% nbgrader={"grade": false, "grade_id": "kmeans_inertia", "locked": false, "schema_version": 3, "solution": true, "task": false}
def kmeans_inertia(X, centers):
    """Sum over the points of the squared Euclidean distance to the nearest centre."""
    ### BEGIN SOLUTION
    X, centers = np.asarray(X, dtype=float), np.asarray(centers, dtype=float)
    squared = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)     # (n, k)
    return float(squared.min(axis=1).sum())
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "kmeans_inertia_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Points (0, 0), (1, 0), (4, 0), (4, 2); centres (0, 0) and (4, 1): nearest squared distances 0, 1, 1, 1.
km_points = np.array([[0.0, 0.0], [1.0, 0.0], [4.0, 0.0], [4.0, 2.0]])
km_centers = np.array([[0.0, 0.0], [4.0, 1.0]])
expect_close(kmeans_inertia(km_points, km_centers), 3.0, name="kmeans_inertia of four points",
             slips={"the mean over the points": 0.75,
                    "every point's squared distance to every centre": 66.0})
expect_unchanged(km_points, [[0.0, 0.0], [1.0, 0.0], [4.0, 0.0], [4.0, 2.0]], "kmeans_inertia", "X",
                 name="X is left unchanged")
# One centre at (0, 0) and points at distance 3 and 5: squared, 9 + 25 = 34 (not squared: 8).
expect_close(kmeans_inertia(np.array([[3.0, 0.0], [3.0, 4.0]]), np.array([[0.0, 0.0]])), 34.0,
             name="kmeans_inertia with one centre", slips={"the sum of distances, not squared": 8.0})
print("✓ public checks passed: kmeans_inertia")

# %% nbgrader={"grade": true, "grade_id": "kmeans_inertia_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: blobs with their fitted KMeans centres (k = 1, 3, 4), arbitrary centres, a centre no point is
# near, a repeated centre in 1-D, a point on a centre, points far from the origin. Compared with
# sklearn.metrics.pairwise_distances_argmin_min(X, centers, metric="sqeuclidean").
# Try them yourself now: check("quickstart.kmeans_inertia", kmeans_inertia)
### BEGIN HIDDEN TESTS
grade("quickstart.kmeans_inertia", kmeans_inertia)
### END HIDDEN TESTS

# %% [markdown]
# The source's example: k-means for $k = 2, \dots, 10$, with the inertia (scikit-learn's, and yours from the
# fitted centres) and the silhouette for each, then the clustering for the chosen $k$.

# %%
X_blobs, _ = make_blobs(n_samples=300, centers=4, cluster_std=0.6, random_state=42)
K_range = range(2, 11)
rows = []
for k in K_range:
    kmeans = KMeans(n_clusters=k, random_state=42).fit(X_blobs)
    rows.append({"k": k, "inertia": kmeans.inertia_,
                 "kmeans_inertia": mine_or_reference(kmeans_inertia, lambda X, c: kmeans.inertia_, X_blobs,
                                                     kmeans.cluster_centers_),
                 "silhouette": metrics.silhouette_score(X_blobs, kmeans.labels_)})
elbow = pd.DataFrame(rows).set_index("k")

best_k = 4
kmeans = KMeans(n_clusters=best_k, random_state=42).fit(X_blobs)
fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
axes[0].scatter(X_blobs[:, 0], X_blobs[:, 1], c=kmeans.labels_, cmap="viridis", s=10)
axes[0].scatter(*kmeans.cluster_centers_.T, c="red", marker="x", s=150, linewidths=3)
axes[0].set_title(f"k-means, k = {best_k}")
axes[1].plot(elbow.index, elbow["inertia"], "bo-")
axes[1].set(xlabel="number of clusters k", ylabel="inertia", title="elbow method")
axes[2].plot(elbow.index, elbow["silhouette"], "go-")
axes[2].set(xlabel="number of clusters k", ylabel="mean silhouette", title="silhouette analysis")
plt.tight_layout()
plt.show()
elbow.T

# %% [markdown]
# The inertia drops steeply up to $k = 4$ (from about 9,050 at $k = 2$ to about 204) and only slowly after it:
# the elbow is at 4. The silhouette agrees: it is highest at $k = 4$ (0.876) and falls as extra centres split
# true blobs. Both agree because these blobs are round, equal and well apart; on real data the two readings
# often disagree, and neither is a proof.
#
# **What just happened.** k-means found four groups in unlabelled points by alternating "assign to the nearest
# centre" and "move the centre to the mean", which lowers the inertia you computed. The elbow of the inertia and
# the peak of the silhouette both pointed to the four blobs we had generated. Week 05
# ([../week05/week05.ipynb](../week05/week05.ipynb)) writes k-means, k-means++ and the silhouette from scratch.
#
# **Try it 4.** Set `best_k = 1` in the cell above and compute `metrics.silhouette_score(X_blobs,
# kmeans.labels_)` for that clustering in a new cell. Before you run it: what is the silhouette with one cluster?
#
# - (a) 0: every point is as close to its cluster as to the others.
# - (b) 1: one cluster is perfectly compact.
# - (c) −1: everything is in the wrong cluster.
# - (d) It is not defined: the silhouette needs a nearest *other* cluster, so scikit-learn raises a `ValueError`
#   (it accepts 2 to n − 1 clusters).

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q4", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q4_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q4_answer = "d"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q4_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q4_answer, str) and q4_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q4_answer should be one of the letters "a", "b", "c", "d"; got {q4_answer!r}.',
            name="q4_answer is one of the letters a, b, c, d")
print("q4_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q4_answer, "d", name="the answer to try it 4 (q4_answer)")
### END HIDDEN TESTS

# %% [markdown]
# ## 5. Transfer learning: a pretrained network on a new task with few labels
#
# The source's example downloads a ResNet pretrained on ImageNet. We stay offline, so the course ships a small
# network it **pretrained itself**: a convolutional network (two 3 × 3 convolutions with pooling, then a linear
# head) trained on the digits **0–4** of scikit-learn's set, each moved by up to a pixel in each direction, as
# hand-written digits are never exactly centred (`bench/pretrain_quickstart_digits.py` trains it in seconds; the
# weights are `course/pretrained/quickstart_digits_0to4.pt`, 25 KB). The **new task** is digits **5–9**, which the
# network has never seen, also off-centre, with only **5 labelled images per class**. Three ways to use them:
#
# | approach | starts from | trains | what it assumes |
# |---|---|---|---|
# | feature extraction | the pretrained network, a new head 128 → 5 | the head only (the backbone frozen) | the backbone's features fit the new task as they are |
# | fine-tuning | the pretrained network, a new head | everything, with a smaller learning rate | the features are a good start, worth adjusting |
# | from scratch | random weights, the same architecture | everything | nothing: 25 images must teach it all |
#
# Each approach is trained for 100 full-batch Adam steps on the 25 images and scored on the other 871 images
# of digits 5–9; we repeat with three random draws of the labelled images and average.

# %%
from course import quickstart_digits

pretrained = quickstart_digits.load_pretrained()
_, _, X_old_held_out, y_old_held_out = quickstart_digits.old_split()
old_accuracy = quickstart_digits.accuracy_of(
    pretrained, quickstart_digits.shifted(X_old_held_out, np.random.default_rng(1)), y_old_held_out)
print(pretrained)
print(f"on its own task (held-out digits 0-4, off-centre): accuracy {old_accuracy:.3f}")

X_new, y_new = quickstart_digits.digits()["new"]                      # digits 5-9, labelled 0-4
X_new = quickstart_digits.shifted(X_new, np.random.default_rng(1))    # off-centre, like the pretraining images
LABELS_PER_CLASS = 5


def prepared(approach, seed):
    """The network and learning rate for one approach; the new head's initial weights depend on the seed."""
    torch.manual_seed(seed)
    if approach == "from scratch":
        return quickstart_digits.make_network(), 1e-2
    network = quickstart_digits.load_pretrained()
    network[1] = nn.Linear(quickstart_digits.FEATURES, 5)              # a new head for the new classes
    if approach == "feature extraction":
        network[0].requires_grad_(False)                              # freeze the backbone
        return network, 1e-2
    return network, 3e-3                                               # fine-tuning: gentler steps


def transfer_experiment(labels_per_class, draws=(0, 1, 2), steps=100):
    """Accuracy on the unlabelled rest of digits 5-9 for each approach and draw of the labelled images."""
    rows = []
    for draw in draws:
        rng = np.random.default_rng(draw)
        labelled = np.concatenate([rng.choice(np.flatnonzero(y_new == c), labels_per_class, replace=False)
                                   for c in range(5)])
        rest = np.setdiff1d(np.arange(len(y_new)), labelled)
        X_l, y_l = torch.from_numpy(X_new[labelled]), torch.from_numpy(y_new[labelled])
        for approach in ("feature extraction", "fine-tuning", "from scratch"):
            network, lr = prepared(approach, draw)
            trainable = [p for p in network.parameters() if p.requires_grad]
            optimizer = torch.optim.Adam(trainable, lr=lr)
            for _ in range(steps):
                optimizer.zero_grad()
                nn.functional.cross_entropy(network(X_l), y_l).backward()
                optimizer.step()
            rows.append({"approach": approach, "draw": draw, "trainable parameters": sum(p.numel() for p in trainable),
                         "accuracy": quickstart_digits.accuracy_of(network.eval(), X_new[rest], y_new[rest])})
    return pd.DataFrame(rows)


transfer = transfer_experiment(LABELS_PER_CLASS)
transfer_table = transfer.groupby("approach", sort=False).agg(
    trainable_parameters=("trainable parameters", "first"), mean_accuracy=("accuracy", "mean"),
    lowest=("accuracy", "min"), highest=("accuracy", "max"))

fig, ax = plt.subplots(figsize=(6, 3))
ax.bar(transfer_table.index, transfer_table["mean_accuracy"], color=["C0", "C1", "C7"])
for i, (name, row) in enumerate(transfer_table.iterrows()):
    ax.text(i, row["mean_accuracy"] + 0.01, f"{row['mean_accuracy']:.2f}\n({row['trainable_parameters']:,} trained)",
            ha="center", va="bottom", fontsize=8)
ax.axhline(0.2, color="0.5", ls=":", lw=1)
ax.set(ylim=(0, 1), ylabel="accuracy on the unlabelled digits 5-9",
       title=f"{LABELS_PER_CLASS} labelled images per class (mean of 3 draws)")
plt.tight_layout()
plt.show()
transfer_table

# %% [markdown]
# With 5 labels per class, both uses of the pretrained network beat training from scratch, on every draw:
# feature extraction reaches about 0.72 by training just 645 parameters (the head: $(128 + 1) \cdot 5$), fine-tuning
# about 0.70 with all 5,445, and the network from scratch about 0.62. The backbone learned from thousands of
# digits 0–4 what strokes look like and that a digit may sit a pixel off; 25 images of 5–9 cannot teach a fresh
# network that much. (On centred digits and 20 labels per class a network from scratch already reaches about
# 0.95: this is why the lesson uses off-centre digits and few labels — transfer pays when labels are scarce and
# the new task resembles the old one.)
#
# **What just happened.** We took a network trained on one task (digits 0–4), replaced its last layer, and
# trained either just that layer (feature extraction: 645 parameters) or everything (fine-tuning) on 25 images
# of a new task. Both beat the same network trained from scratch on those 25 images, because the pretrained
# features already encode what digits look like. Week 09 ([../week09/week09.ipynb](../week09/week09.ipynb))
# covers transfer learning properly (feature extraction, fine-tuning, domain adaptation), on the convolutional
# networks of [week 08](../week08/week08.ipynb).
#
# **Try it 5.** Set `LABELS_PER_CLASS = 20` instead of 5 and run the cell again (it takes a few seconds more;
# change it back afterwards). Before you run it: what happens to the advantage of transfer over training from
# scratch (the gap between the best pretrained bar and the from-scratch bar)?
#
# - (a) It grows: more labels help the pretrained network more.
# - (b) It shrinks: with more labels the network from scratch catches up (it gains much more than the others).
# - (c) It stays the same: the gap does not depend on the number of labels.
# - (d) It reverses: from scratch wins by more than 0.1.

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
expect_choice(q5_answer, "b", name="the answer to try it 5 (q5_answer)")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "explain_memorising_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **In your own words (written, 2 points, graded by a person).** A friend shows you the source's example 3: a
# network trained on `torch.randn` inputs with `torch.randint` labels, reaching a "final accuracy" of 0.52 after
# 10 epochs (the run above). Explain to them, in a few sentences, why that number says nothing about whether the network
# learned anything, and how they should measure it instead: which data the accuracy must be computed on, what
# number to compare it with, and what a data set needs for a high accuracy to be possible at all. Write your
# answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "explain_memorising", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# The labels were drawn independently of the inputs, so there is no rule linking x to y: on new data no model can
# do better than guessing, one time in three with three classes. The 0.52 was measured on the same rows the
# network trained on, so it measures how many of those 1,000 arbitrary labels it has memorised, not what it has
# learned; with more epochs or a bigger network it would keep climbing and still mean nothing. Measure accuracy on
# rows the model never trained on (a held-out test split, or cross-validation), and compare it with chance (the
# share of the most frequent class, 1/3 here): only a clear margin above chance on held-out data shows learning.
# And use data whose labels actually depend on the inputs, like the digits, where held-out accuracy reaches 0.96.

# %% [markdown]
# ## Summary
#
# * **Regression**: fit on a training split, measure on a test split; the **MSE** is in squared units and about
#   the noise's variance for a good model; **R²** is the share of variance explained (0: no better than the mean).
# * **Classification**: **cross-validation** is a steadier estimate than one small test set; the **confusion
#   matrix** holds the counts that accuracy, precision and recall are made of; **feature importances** share
#   credit between redundant features.
# * **Neural networks**: a loop of forward pass, loss, backward pass and optimiser step; accuracy means something
#   only on held-out data of a task with structure (random labels can only be memorised); a `Linear` layer has
#   $(n_\text{in} + 1)\, n_\text{out}$ parameters.
# * **Clustering**: k-means lowers the **inertia**; the **elbow** and the **silhouette** help choose $k$.
# * **Transfer learning**: a pretrained backbone with a new head beats training from scratch when labels are few;
#   freezing the backbone trains a few hundred parameters instead of thousands.
#
# Next: [week 01](../week01/week01.ipynb), the foundations, or the week of the example you want to understand
# first.

# %%
print(f"the quick start ran in {time.perf_counter() - started:.0f} s")
