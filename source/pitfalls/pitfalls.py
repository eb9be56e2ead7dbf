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
# # The pitfalls lab — spot it, fix it
#
# The source syllabus ends with four tables of **common pitfalls**: nineteen ways a machine-learning project goes
# wrong while its numbers look fine. This notebook turns every row into a small case: a short, broken pipeline on
# offline data whose score looks **good (or bad) for the wrong reason**. For each one you first **diagnose** it (a
# multiple-choice question, graded) or **fix** it (a function you write from scratch in NumPy, graded against
# scikit-learn on random inputs), or you watch a demonstration. Where a week of the course already teaches a row in
# depth, the case here is a different one and the week is linked: read it there.
#
# | § | pitfall (the source's table) | here | the week that teaches it |
# |---|---|---|---|
# | 1 | data leakage (data) | fix `leak_free_cv_scores`; explorer | [week 04 §8](../week04/week04.ipynb) |
# | 2 | imbalanced classes (data) | fix `balanced_class_weights` | [week 04 §9](../week04/week04.ipynb) |
# | 3 | missing data (data) | fix `impute_train_test` | |
# | 4 | outliers (data) | fix `robust_scale` | |
# | 5 | feature scaling (data) | diagnose (Q1) | [week 04 §9](../week04/week04.ipynb) |
# | 6 | overfitting (model) | diagnose (Q2) | [week 03 §4](../week03/week03.ipynb) |
# | 7 | underfitting (model) | diagnose (Q3) | [week 03 §4](../week03/week03.ipynb) |
# | 8 | wrong metric (model) | diagnose (Q4) | [week 03 §9](../week03/week03.ipynb) |
# | 9 | ignoring the baseline (model) | fix `baseline_score` | |
# | 10 | not using cross-validation (model) | diagnose (Q5) | [week 04 §7](../week04/week04.ipynb) |
# | 11 | training–serving skew (production) | diagnose (Q6) | [week 12 §9](../week12/week12.ipynb) |
# | 12 | concept drift (production) | diagnose (Q7) | [week 12 §2](../week12/week12.ipynb) |
# | 13 | latency (production) | demonstration | [week 11](../week11/week11.ipynb) |
# | 14 | no monitoring (production) | demonstration | [week 12 §1](../week12/week12.ipynb) |
# | 15 | hard-coded logic (production) | demonstration | |
# | 16 | expensive models (cost) | demonstration | |
# | 17 | unnecessary features (cost) | diagnose (Q8) | |
# | 18 | no caching (cost) | fix `cached` | |
# | 19 | poor resource planning (cost) | demonstration | |
#
# Fourteen of the nineteen rows are graded (six fixes, eight diagnoses); five are demonstrations. A written question
# on a pitfall of your own (graded by a person) and a summary table of all nineteen close the notebook.

# %% [markdown]
# ## How to work this notebook
#
# 1. **Run the cells in order**, from the top (the imports cell first). If something looks odd, use
#    *Kernel → Restart Kernel and Run All Cells*.
# 2. Where a cell says `# YOUR CODE HERE` and `raise NotImplementedError()`, delete the `raise` line and write your
#    implementation with **NumPy** (the models you are handed are scikit-learn's; the fix is yours).
# 3. **Run the public test cell** under each exercise: small inputs whose answers you can work out by hand.
# 4. Then try **fresh random inputs** as often as you like, e.g. `check("pitfalls.robust_scale", robust_scale)`.
# 5. **Hidden tests** run when the notebook is graded: randomized inputs compared with scikit-learn
#    (`Pipeline` + `cross_val_score`, `SimpleImputer`, `compute_class_weight`, `DummyClassifier`, `RobustScaler`)
#    and with `functools.lru_cache`. If `check(...)` passes reliably, they will pass too.
# 6. A diagnosis question sets `qK_answer` to a letter; the cell under it only checks the format.
# 7. The lesson cells after each exercise use your function once it is written, and a reference until then.

# %%
# %matplotlib inline
import functools
import json
import pickle
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import make_circles, make_moons
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_selection import SelectFromModel, SelectKBest, f_classif
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_score, recall_score
from sklearn.model_selection import GroupKFold, KFold, cross_val_score, train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import RobustScaler, StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.class_weight import compute_class_weight

from course.checks import expect_choice, expect_close, expect_equal, expect_true, expect_unchanged
from course.exercises import check, grade

np.set_printoptions(precision=3, suppress=True)
pd.set_option("display.precision", 3)
lab_started = time.perf_counter()


def mine_or_reference(function, reference, *args, _said=set()):
    """Your function's result when it is written; the reference's until then (so the lesson runs either way)."""
    try:
        return function(*args)
    except NotImplementedError:
        if function.__name__ not in _said:          # say it once, not at every call
            print(f"({function.__name__} is not written yet: the lesson uses a reference implementation)")
            _said.add(function.__name__)
        return reference(*args)


# %% [markdown]
# # Part A — data issues
#
# ## 1. Data leakage: overoptimistic results
#
# **Leakage** is information about the test rows reaching training. [Week 04 §8](../week04/week04.ipynb) shows the
# classic form (a feature selection fitted on every row before cross-validation) and has you fit a scaler inside the
# folds. Here are two more cases.
#
# **Case 1a — the same patient on both sides.** Forty patients, each measured five times (ten noisy measurements per
# visit); each patient's label is a coin flip, so **nothing** predicts it. A 1-nearest-neighbour classifier is
# cross-validated with ordinary shuffled folds, and with folds that keep each patient's visits together
# (`GroupKFold`).

# %%
visit_rng = np.random.default_rng(1)
patients, visits = 40, 5
patient_profile = visit_rng.normal(size=(patients, 10))
patient_label = visit_rng.integers(0, 2, size=patients)
X_visits = np.repeat(patient_profile, visits, axis=0) + 0.1 * visit_rng.normal(size=(patients * visits, 10))
y_visits = np.repeat(patient_label, visits)
patient_of_row = np.repeat(np.arange(patients), visits)
nearest = KNeighborsClassifier(n_neighbors=1)
shuffled_rows = cross_val_score(nearest, X_visits, y_visits, cv=KFold(5, shuffle=True, random_state=0)).mean()
by_patient = cross_val_score(nearest, X_visits, y_visits, cv=GroupKFold(5), groups=patient_of_row).mean()
print(f"shuffled rows: CV accuracy {shuffled_rows:.2f}   |   grouped by patient: {by_patient:.2f}   (the truth: 0.50)")

# %% [markdown]
# With shuffled rows, almost every test visit has a sibling visit of the same patient in the training folds, and the
# nearest neighbour simply recognises the patient: a perfect score on labels that are coin flips. Grouping the folds
# by patient gives the honest answer, chance. The rule: **split by the unit you will predict for** (patient, user,
# shop), and by time when you will predict the future.
#
# **Case 1b — choosing features with the test fold's help.** A screening study has 50 people and 2,000 candidate
# biomarkers, all pure noise, with random labels. The analyst keeps the 15 biomarkers most correlated with the label
# and then cross-validates a logistic regression on them. The **Pearson correlation** of feature $j$ with the labels,
#
# $$r_j = \frac{\sum_i (x_{ij} - \bar x_j)(y_i - \bar y)}{\sqrt{\sum_i (x_{ij} - \bar x_j)^2}\,\sqrt{\sum_i (y_i - \bar y)^2}},$$
#
# ranks the features by $|r_j|$ (for two classes this is the same ranking as scikit-learn's `f_classif`, because its
# $F$ statistic is $(n-2)\,r^2 / (1 - r^2)$, increasing in $|r|$). Among 2,000 noise features, some have a large
# $|r_j|$ on these 50 rows by chance — including the rows that will be test rows.

# %%
screen_rng = np.random.default_rng(7)
X_screen = screen_rng.normal(size=(50, 2000))
y_screen = screen_rng.permutation(np.arange(50) % 2)
screen_folds = list(KFold(5, shuffle=True, random_state=1).split(X_screen))
every_row_r = np.abs(np.corrcoef(X_screen.T, y_screen)[-1, :-1])
chosen_on_all_rows = np.argsort(-every_row_r)[:15]                          # LEAK: every row helped choose
leaky_screen = cross_val_score(LogisticRegression(), X_screen[:, chosen_on_all_rows], y_screen, cv=screen_folds)
print(f"15 biomarkers chosen on all 50 rows, then 5-fold CV: accuracy {leaky_screen.mean():.2f}")

# %% [markdown]
# ### Exercise 1 — `leak_free_cv_scores`
#
# Fix the pipeline: for each `(train, test)` pair of index arrays in `folds`, rank the features by $|r_j|$ computed
# on the **training rows only**, keep the `k` strongest (largest $|r_j|$), fit a fresh `make_model()` on the training
# rows of those columns and record its `.score(...)` on the test rows of the same columns. Return the array of
# scores, one per fold. That is what `cross_val_score(make_pipeline(SelectKBest(f_classif, k), model), X, y,
# cv=folds)` does; don't call scikit-learn's selection or `cross_val_score`, and do not modify the inputs. (`y` holds
# 0/1 labels; no feature is constant.)

# %% nbgrader={"grade": false, "grade_id": "leak_free_cv_scores", "locked": false, "schema_version": 3, "solution": true, "task": false}
def leak_free_cv_scores(X, y, folds, k, make_model):
    """Cross-validation scores with the k features most correlated with y (|Pearson r|) chosen inside each fold.

    X : shape (n, d);  y : 0/1 labels, shape (n,);  folds : list of (train_indices, test_indices);  k : 1 <= k <= d.
    make_model : callable with no arguments returning a fresh unfitted estimator (with .fit and .score).
    Returns an array of shape (len(folds),).
    """
    ### BEGIN SOLUTION
    scores = []
    for train, test in folds:
        Xc = X[train] - X[train].mean(axis=0)
        yc = y[train] - y[train].mean()
        r = (Xc * yc[:, None]).sum(axis=0) / np.sqrt((Xc ** 2).sum(axis=0) * (yc ** 2).sum())
        keep = np.argsort(-np.abs(r))[:k]
        model = make_model().fit(X[train][:, keep], y[train])
        scores.append(model.score(X[test][:, keep], y[test]))
    return np.array(scores)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "leak_free_cv_scores_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Eight rows, three features, two folds; k = 1 and a 1-nearest-neighbour model. On the first fold's training rows
# (0-3) feature 0 is the most correlated with y (|r| = 0.537 against 0.522 for feature 1); on the second fold's
# (4-7) and on all eight rows, feature 1 is.
X_small = np.array([[2.2, 0.5, 2.1], [1.1, 2.7, 2.3], [0.8, 2.8, 0.1], [0.6, 0.7, 2.2],
                    [1.6, 1.4, 0.7], [2.3, 0.4, 0.7], [2.4, 1.4, 2.6], [1.8, 2.4, 0.6]])
y_small = np.array([0, 0, 0, 1, 1, 1, 1, 0])
small_folds = [(np.array([0, 1, 2, 3]), np.array([4, 5, 6, 7])), (np.array([4, 5, 6, 7]), np.array([0, 1, 2, 3]))]
small_scores = leak_free_cv_scores(X_small, y_small, small_folds, 1, lambda: KNeighborsClassifier(n_neighbors=1))
expect_close(small_scores, [0.25, 0.75], name="the two fold accuracies",
             slips={"choosing the feature on all eight rows before the folds (the leak)": [0.75, 0.75],
                    "choosing the feature on the test fold's rows": [0.75, 0.25]})
expect_unchanged(X_small[:, 0], [2.2, 1.1, 0.8, 0.6, 1.6, 2.3, 2.4, 1.8], "leak_free_cv_scores", "X",
                 name="X is left unchanged")
print("✓ public checks passed: leak_free_cv_scores")

# %% nbgrader={"grade": true, "grade_id": "leak_free_cv_scores_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 45 to 100 rows, 8 to 500 features (pure noise or a few informative ones), 2 to 4 shuffled or
# contiguous folds, k from 1 to d; compared with cross_val_score(make_pipeline(SelectKBest(f_classif, k),
# LogisticRegression(C, solver="liblinear")), X, y, cv=folds).
# Try them yourself now: check("pitfalls.leak_free_cv_scores", leak_free_cv_scores)
### BEGIN HIDDEN TESTS
grade("pitfalls.leak_free_cv_scores", leak_free_cv_scores)
### END HIDDEN TESTS

# %%
def reference_leak_free(X, y, folds, k, make_model):
    return cross_val_score(make_pipeline(SelectKBest(f_classif, k=k), make_model()), X, y, cv=folds)


honest_screen = mine_or_reference(leak_free_cv_scores, reference_leak_free, X_screen, y_screen, screen_folds, 15,
                                  LogisticRegression)
print(f"selected before the folds (leaky): {leaky_screen.mean():.2f}   |   inside the folds: {honest_screen.mean():.2f}"
      f"   (the truth: 0.50)")

# %% [markdown]
# Chosen inside each fold, the biomarkers that looked strong on the training rows are noise on the test rows, and
# the score falls back to about chance. The explorer below repeats the experiment on 60 rows: choose how many noise
# features there are to pick from and how many are picked. The leaky curve climbs far above 50 % as the pool grows;
# the honest one stays at chance whatever you do.

# %%
from course.explorers.leakage_lab import LeakageLab, leakage_explorer

leakage_explorer()

# %% [markdown]
# ## 2. Imbalanced classes: poor minority-class performance
#
# [Week 04 §9](../week04/week04.ipynb) compares accuracy, recall and balanced accuracy on an imbalanced set. Here is
# a card-fraud log: 2,000 transactions, about 3.5 % fraudulent, four features, fraud shifted in two of them.

# %%
fraud_rng = np.random.default_rng(5)
y_fraud = (fraud_rng.random(2000) < 0.03).astype(int)
X_fraud = fraud_rng.normal(size=(2000, 4))
X_fraud[y_fraud == 1, :2] += 1.2
X_f_train, X_f_test, y_f_train, y_f_test = X_fraud[:1000], X_fraud[1000:], y_fraud[:1000], y_fraud[1000:]
plain_fraud = LogisticRegression().fit(X_f_train, y_f_train).predict(X_f_test)
print(f"plain logistic regression: accuracy {np.mean(plain_fraud == y_f_test):.3f}, "
      f"recall of fraud {recall_score(y_f_test, plain_fraud):.2f}")

# %% [markdown]
# 97 % accuracy sounds excellent, and it is what "never fraud" scores too: the loss is a sum over examples, more
# than 96 % of them legitimate, so the fit serves the majority and most fraud goes through. **Class weights** make
# every class count equally in the loss. With $n$ examples, $K$ classes and $n_c$ examples of class $c$, the "balanced" weight is
#
# $$w_c = \frac{n}{K\, n_c},$$
#
# so that each class's total weight $w_c n_c = n / K$ is the same, and the weights of all examples still sum to $n$.
#
# ### Exercise 2 — `balanced_class_weights`
#
# Return a dict mapping each class label in `y` (numbers or strings) to $w_c$, as
# `compute_class_weight("balanced", classes=np.unique(y), y=y)` gives; the dict is what
# `LogisticRegression(class_weight=...)` accepts.

# %% nbgrader={"grade": false, "grade_id": "balanced_class_weights", "locked": false, "schema_version": 3, "solution": true, "task": false}
def balanced_class_weights(y):
    """{class label: n / (K * n_c)} for every class c in y."""
    ### BEGIN SOLUTION
    classes, counts = np.unique(y, return_counts=True)
    return {label.item(): float(len(y) / (len(classes) * count)) for label, count in zip(classes, counts)}
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "balanced_class_weights_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Eight labels, six of class 0 and two of class 1: n / (K n_c) = 8 / 12 and 8 / 4.
labels_small = np.array([0, 0, 1, 0, 0, 1, 0, 0])
expect_equal(sorted(balanced_class_weights(labels_small)), [0, 1],
             name="the keys of balanced_class_weights([0, 0, 1, 0, 0, 1, 0, 0])")
expect_close([balanced_class_weights(labels_small)[c] for c in (0, 1)], [2 / 3, 2.0],
             name="the weights of classes 0 and 1",
             slips={"the class shares n_c / n": [0.75, 0.25], "n / n_c, without dividing by K": [4 / 3, 4.0]})
labels_words = np.array(["ham", "spam", "ham"])
expect_close([balanced_class_weights(labels_words)[c] for c in ("ham", "spam")], [0.75, 1.5],
             name="string labels ham, spam, ham")
print("✓ public checks passed: balanced_class_weights")

# %% nbgrader={"grade": true, "grade_id": "balanced_class_weights_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 2 to 4 classes with labels 1, 4, 7, ... or strings, shares down to 3 %, a single minority example,
# a single class; compared with sklearn.utils.class_weight.compute_class_weight("balanced").
# Try them yourself now: check("pitfalls.balanced_class_weights", balanced_class_weights)
### BEGIN HIDDEN TESTS
grade("pitfalls.balanced_class_weights", balanced_class_weights)
### END HIDDEN TESTS

# %%
def reference_class_weights(y):
    classes = np.unique(y)
    return dict(zip(classes.tolist(), compute_class_weight("balanced", classes=classes, y=y).tolist()))


fraud_weights = mine_or_reference(balanced_class_weights, reference_class_weights, y_f_train)
weighted_fraud = LogisticRegression(class_weight=fraud_weights).fit(X_f_train, y_f_train).predict(X_f_test)
imbalance_table = pd.DataFrame(
    {"accuracy": [np.mean(p == y_f_test) for p in (np.zeros_like(y_f_test), plain_fraud, weighted_fraud)],
     "recall of fraud": [recall_score(y_f_test, p, zero_division=0) for p in
                         (np.zeros_like(y_f_test), plain_fraud, weighted_fraud)],
     "precision of fraud": [precision_score(y_f_test, p, zero_division=0) for p in
                            (np.zeros_like(y_f_test), plain_fraud, weighted_fraud)]},
    index=["never fraud", "plain", "balanced class weights"])
print("weights:", ", ".join(f"class {c}: {w:.2f}" for c, w in fraud_weights.items()))
imbalance_table

# %% [markdown]
# With the balanced weights the model catches most of the fraud, at the price of many false alarms (low precision)
# and a lower accuracy. Whether that trade is right is a business question (§8): what a missed fraud costs against
# what a reviewed false alarm costs. Other fixes from the source's table: stratified splits (every fold gets its share
# of the minority, week 04 §7), resampling such as SMOTE (inside the training folds only, or it leaks), and moving the
# decision threshold.
#
# ## 3. Missing data: biased models
#
# A loan data set: three features, and the third (say, declared savings) is **more often missing for applicants who
# default**: missingness itself carries information. Three pipelines:
#
# * **drop the incomplete rows** (in training and in evaluation): the score is computed on the complete rows only,
#   a subset where defaulters are rare, and the model cannot serve an application with a missing value at all;
# * **mean imputation without indicator**: every row is scored, but the information "this was missing" is lost;
# * **imputation fitted on the training rows, with missing indicators**: one 0/1 column per feature that had missing
#   values in training.

# %%
loan_rng = np.random.default_rng(6)
X_loan = loan_rng.normal(size=(800, 3))
y_loan = (0.7 * X_loan[:, 0] + loan_rng.normal(size=800) > 0.3).astype(int)
X_loan[loan_rng.random(800) < np.where(y_loan == 1, 0.6, 0.08), 2] = np.nan      # missing more for defaulters
X_l_train, X_l_test, y_l_train, y_l_test = X_loan[:500], X_loan[500:], y_loan[:500], y_loan[500:]
complete_train, complete_test = ~np.isnan(X_l_train).any(axis=1), ~np.isnan(X_l_test).any(axis=1)
dropped_score = LogisticRegression().fit(X_l_train[complete_train], y_l_train[complete_train]).score(
    X_l_test[complete_test], y_l_test[complete_test])
no_indicator = make_pipeline(SimpleImputer(), LogisticRegression()).fit(X_l_train, y_l_train).score(X_l_test, y_l_test)
print(f"drop incomplete rows: accuracy {dropped_score:.3f} on the {complete_test.mean():.0%} of test rows it can score"
      f" (defaulters among them: {y_l_test[complete_test].mean():.0%}, among all: {y_l_test.mean():.0%})")
print(f"mean imputation, no indicator: accuracy {no_indicator:.3f} on every test row")

# %% [markdown]
# ### Exercise 3 — `impute_train_test`
#
# `X_train` and `X_test` are float arrays with `np.nan` where a value is missing (no column of `X_train` is missing
# entirely). Compute each column's mean over the **observed training values**, replace every missing value of both
# arrays with its column's training mean, and append to each array one 0/1 column per feature that has at least one
# missing value **in `X_train`** (1 where the value was missing), in the features' order. Return the pair
# `(train_imputed, test_imputed)`. That is `SimpleImputer(strategy="mean", add_indicator=True).fit(X_train)` applied
# to both; do not modify the inputs.

# %% nbgrader={"grade": false, "grade_id": "impute_train_test", "locked": false, "schema_version": 3, "solution": true, "task": false}
def impute_train_test(X_train, X_test):
    """Mean imputation fitted on X_train, plus missing indicators for the features missing in X_train.

    Returns (train_imputed, test_imputed), each of shape (rows, d + number of features with a NaN in X_train).
    """
    ### BEGIN SOLUTION
    observed = ~np.isnan(X_train)
    means = np.where(observed, X_train, 0.0).sum(axis=0) / observed.sum(axis=0)
    flagged = ~observed.all(axis=0)
    out = []
    for X in (X_train, X_test):
        missing = np.isnan(X)
        filled = np.where(missing, means[None, :], X)
        out.append(np.concatenate([filled, missing[:, flagged].astype(float)], axis=1))
    return tuple(out)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "impute_train_test_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Training column means 2 and 20; only the first column has a missing training value, so one indicator column.
X_train_holes = np.array([[1.0, 10.0], [np.nan, 30.0], [3.0, 20.0]])
X_test_holes = np.array([[np.nan, np.nan], [7.0, 40.0]])
imputed_train, imputed_test = impute_train_test(X_train_holes, X_test_holes)
expect_close(imputed_train, [[1.0, 10.0, 0.0], [2.0, 30.0, 1.0], [3.0, 20.0, 0.0]], name="the imputed training rows",
             slips={"means over the training and test rows together (the leak)":
                    [[1.0, 10.0, 0.0], [11 / 3, 30.0, 1.0], [3.0, 20.0, 0.0]]})
expect_close(imputed_test, [[2.0, 20.0, 1.0], [7.0, 40.0, 0.0]], name="the imputed test rows",
             slips={"means over the training and test rows together (the leak)": [[11 / 3, 25.0, 1.0], [7.0, 40.0, 0.0]],
                    "filling the test rows with their own means": [[7.0, 40.0, 1.0], [7.0, 40.0, 0.0]]})
expect_unchanged(X_test_holes, [[np.nan, np.nan], [7.0, 40.0]], "impute_train_test", "X_test", name="X_test is unchanged")
print("✓ public checks passed: impute_train_test")

# %% nbgrader={"grade": true, "grade_id": "impute_train_test_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 1 to 6 features, up to 35 % missing, a shifted test period, nothing missing in training, one
# column and a single test row; compared with SimpleImputer(strategy="mean", add_indicator=True) fitted on X_train.
# Try them yourself now: check("pitfalls.impute_train_test", impute_train_test)
### BEGIN HIDDEN TESTS
grade("pitfalls.impute_train_test", impute_train_test)
### END HIDDEN TESTS

# %%
def reference_impute(X_train, X_test):
    imputer = SimpleImputer(strategy="mean", add_indicator=True).fit(X_train)
    return imputer.transform(X_train), imputer.transform(X_test)


loan_train_imputed, loan_test_imputed = mine_or_reference(impute_train_test, reference_impute, X_l_train, X_l_test)
with_indicator = LogisticRegression().fit(loan_train_imputed, y_l_train).score(loan_test_imputed, y_l_test)
missing_table = pd.DataFrame({"test rows scored": [complete_test.mean(), 1.0, 1.0],
                              "accuracy": [dropped_score, no_indicator, with_indicator]},
                             index=["drop incomplete rows", "mean imputation", "train-fitted imputation + indicator"])
missing_table

# %% [markdown]
# Dropping rows scores better than plain imputation for the wrong reason: it is measured on an easier subset, and
# the model would refuse almost a third of the real applications. The indicator column lets the model use the
# missingness itself and beats plain imputation on every test row. Fitting the means on the training rows only is the
# same rule as for any preprocessing (§1): the imputer is part of the model.
#
# ## 4. Outliers: skewed models
#
# A sensor log: two informative readings and two noise channels; about 2 % of the informative readings are glitches
# a thousand times too large. A $k$-nearest-neighbour classifier needs scaled features. `StandardScaler` divides by
# the standard deviation, and the glitches inflate it enormously: the good readings are squeezed to about zero, the
# noise channels dominate the distances. **Robust scaling** uses statistics that a few outliers cannot move,
#
# $$z = \frac{x - \operatorname{median}(x_{\text{train}})}{Q_{75}(x_{\text{train}}) - Q_{25}(x_{\text{train}})},$$
#
# the median and the **interquartile range** (IQR) of the training rows.

# %%
sensor_rng = np.random.default_rng(4)
X_sensor = sensor_rng.normal(size=(600, 4))
y_sensor = (X_sensor[:, 0] + X_sensor[:, 1] + 0.5 * sensor_rng.normal(size=600) > 0).astype(int)
glitch = sensor_rng.random((600, 2)) < 0.02
X_sensor[:, :2][glitch] *= 1000
X_s_train, X_s_test, y_s_train, y_s_test = X_sensor[:400], X_sensor[400:], y_sensor[:400], y_sensor[400:]
standard_knn = make_pipeline(StandardScaler(), KNeighborsClassifier(15)).fit(X_s_train, y_s_train)
print(f"{glitch.sum()} glitches; standard deviation of the first reading {X_s_train[:, 0].std():.0f} "
      f"(without glitches about 1); kNN after StandardScaler: accuracy {standard_knn.score(X_s_test, y_s_test):.2f}")

# %% [markdown]
# ### Exercise 4 — `robust_scale`
#
# Return `(X_apply - median) / IQR`, column by column, with the median and the 25th and 75th percentiles of
# **`X_train`** (`np.percentile`'s default, linear interpolation); a column whose IQR is 0 is divided by 1 instead.
# That is `RobustScaler().fit(X_train).transform(X_apply)`; do not modify the inputs.

# %% nbgrader={"grade": false, "grade_id": "robust_scale", "locked": false, "schema_version": 3, "solution": true, "task": false}
def robust_scale(X_train, X_apply):
    """Scale X_apply with the median and the interquartile range of X_train's columns (IQR 0 -> 1)."""
    ### BEGIN SOLUTION
    q25, median, q75 = np.percentile(X_train, [25, 50, 75], axis=0)
    iqr = q75 - q25
    return (X_apply - median) / np.where(iqr == 0, 1.0, iqr)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "robust_scale_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# First column 1, 2, 3, 4, 1000: median 3, Q25 2, Q75 4 (IQR 2). Second column constant: IQR 0, divided by 1.
X_train_outlier = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0], [4.0, 5.0], [1000.0, 5.0]])
X_apply_rows = np.array([[3.0, 5.0], [7.0, 6.0]])
expect_close(robust_scale(X_train_outlier, X_apply_rows), [[0.0, 0.0], [2.0, 1.0]], name="robust_scale on five rows",
             slips={"the mean and the standard deviation (StandardScaler: mean 202, std 399.00125)":
                        [[-199 / 399.00125313086426, 0.0], [-195 / 399.00125313086426, 1.0]],
                    "subtracting the median without dividing by the IQR": [[0.0, 0.0], [4.0, 1.0]]})
expect_unchanged(X_train_outlier[:, 0], [1.0, 2.0, 3.0, 4.0, 1000.0], "robust_scale", "X_train",
                 name="X_train is unchanged")
print("✓ public checks passed: robust_scale")

# %% nbgrader={"grade": true, "grade_id": "robust_scale_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: heavy-tailed columns with wild outliers, a constant column, a single training row, values far
# outside the training range; compared with RobustScaler().fit(X_train).transform(X_apply).
# Try them yourself now: check("pitfalls.robust_scale", robust_scale)
### BEGIN HIDDEN TESTS
grade("pitfalls.robust_scale", robust_scale)
### END HIDDEN TESTS

# %%
def reference_robust_scale(X_train, X_apply):
    return RobustScaler().fit(X_train).transform(X_apply)


robust_train = mine_or_reference(robust_scale, reference_robust_scale, X_s_train, X_s_train)
robust_test = mine_or_reference(robust_scale, reference_robust_scale, X_s_train, X_s_test)
robust_knn_accuracy = KNeighborsClassifier(15).fit(robust_train, y_s_train).score(robust_test, y_s_test)
low, high = np.percentile(X_s_train[:, :2], [25, 75], axis=0)
fence = (low - 1.5 * (high - low), high + 1.5 * (high - low))
flagged_rows = int(np.any((X_s_train[:, :2] < fence[0]) | (X_s_train[:, :2] > fence[1]), axis=1).sum())
print(f"kNN after robust scaling: accuracy {robust_knn_accuracy:.2f} "
      f"(after StandardScaler: {standard_knn.score(X_s_test, y_s_test):.2f})")
print(f"the 1.5 × IQR rule flags {flagged_rows} of {len(X_s_train)} training rows as outliers")

# %% [markdown]
# Robust scaling restores the classifier. Two other tools from the source's table: **outlier detection** (the rule
# "beyond 1.5 IQR outside the quartiles" above flags the glitches, along with a few genuine extreme readings:
# look before you delete) and **domain knowledge** (a reading of 800 °C from a room sensor is a glitch; a transaction
# of 800,000 € may be exactly the fraud you are looking for).
#
# ## 5. Feature scaling: poor convergence
#
# [Week 04 §9](../week04/week04.ipynb) shows distance-based models failing on unscaled features. The other symptom in
# the source's table is **poor convergence**. A linear regression is fitted by gradient descent on two equally
# important features, one measured in units and one in hundreds. The step size must stay below $2 / \lambda_{\max}$
# of the Hessian $X^\top X / n$ (week 01), which the large feature sets; along the small feature the loss then
# shrinks by a factor of about $1 - \lambda_{\min}/\lambda_{\max}$ per step, and with a condition number of about
# $10^4$ that is almost nothing.

# %%
scale_rng = np.random.default_rng(8)
X_units = np.column_stack([scale_rng.normal(size=300), 100 * scale_rng.normal(size=300)])
y_units = X_units[:, 0] + 0.01 * X_units[:, 1] + 0.1 * scale_rng.normal(size=300)


def gradient_descent_r2(X, y, steps=200):
    """R² of a linear fit (with intercept) after `steps` gradient steps of size 1 / λ_max."""
    A = np.column_stack([X, np.ones(len(X))])
    hessian = A.T @ A / len(A)
    step, w = 1 / np.linalg.eigvalsh(hessian).max(), np.zeros(A.shape[1])
    for _ in range(steps):
        w -= step * A.T @ (A @ w - y) / len(A)
    return 1 - np.mean((A @ w - y) ** 2) / np.var(y), np.linalg.cond(hessian)


raw_r2, raw_condition = gradient_descent_r2(X_units, y_units)
standardised = (X_units - X_units.mean(axis=0)) / X_units.std(axis=0)
scaled_r2, scaled_condition = gradient_descent_r2(standardised, y_units)
print(f"raw features:          condition number {raw_condition:9.0f}, R² after 200 steps {raw_r2:.3f}")
print(f"standardised features: condition number {scaled_condition:9.1f}, R² after 200 steps {scaled_r2:.3f}")

# %% [markdown]
# The same data, the same model, the same 200 steps: on raw features the fit has learnt only the feature in
# hundreds, and looks as if the other one did not matter; standardised, it converges to the right answer. The fix
# (`StandardScaler` or `MinMaxScaler` fitted on the training rows, inside the pipeline) costs nothing.
#
# **Q1 (diagnosis).** A colleague's $k$-nearest-neighbour model of house prices uses the floor area in square metres
# (50–300) and the number of bathrooms (1–4). It scores barely better than the mean price, and adding or removing
# the bathrooms feature changes nothing at all. What is the most likely cause, and the fix?
#
# - (a) Too few neighbours; use $k = 1$.
# - (b) The distances are dominated by the floor area, whose scale is about a hundred times larger; standardise both
#   features (fitted on the training rows) before the neighbours are searched.
# - (c) Bathrooms are a categorical feature; one-hot encode them and keep the floor area as it is.
# - (d) $k$-NN cannot do regression; use logistic regression.

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
# # Part B — model issues
#
# ## 6. Overfitting: poor generalisation
#
# Bias, variance and model complexity are the subject of [week 03 §4](../week03/week03.ipynb). The case here: a
# decision tree grown to full depth on 200 noisy two-moons points, against one limited to depth 4.

# %%
X_moons, y_moons = make_moons(n_samples=400, noise=0.35, random_state=2)
X_m_train, X_m_test, y_m_train, y_m_test = train_test_split(X_moons, y_moons, test_size=0.5, random_state=0)
fit_table = pd.DataFrame(
    [{"tree": name, "training accuracy": tree.score(X_m_train, y_m_train), "test accuracy": tree.score(X_m_test, y_m_test)}
     for name, tree in [("full depth", DecisionTreeClassifier(random_state=0).fit(X_m_train, y_m_train)),
                        ("max_depth=4", DecisionTreeClassifier(max_depth=4, random_state=0).fit(X_m_train, y_m_train))]]
).set_index("tree")
fit_table

# %% [markdown]
# A perfect training score is the warning sign, not the achievement: the full tree has memorised the noise, and its
# test accuracy is lower than the shallow tree's. The fixes in the source's table — regularisation (here a depth
# limit; a penalty for linear models; dropout and early stopping for networks), more data — all trade a little
# training fit for a smaller gap.
#
# **Q2 (diagnosis).** A gradient-boosted model scores 99.8 % accuracy on its training set and 81 % on the validation
# set; a logistic regression scores 84 % on both. Which statement is right?
#
# - (a) The boosted model underfits: add more trees.
# - (b) The validation set must be leaking, since the two numbers differ.
# - (c) The boosted model overfits (a large train–validation gap); regularise it (fewer or shallower trees, a
#   smaller learning rate, early stopping on the validation loss) or get more data.
# - (d) Both models are equally good, because accuracy on the training set is what the boosting minimises.

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
# ## 7. Underfitting: poor performance
#
# The opposite failure: a model too simple for the pattern. Two concentric rings of points; a logistic regression on
# the raw coordinates, and the same model with one more feature, the squared radius $x_1^2 + x_2^2$.

# %%
X_rings, y_rings = make_circles(n_samples=400, noise=0.08, factor=0.5, random_state=3)
X_r_train, X_r_test, y_r_train, y_r_test = train_test_split(X_rings, y_rings, test_size=0.5, random_state=0)


def with_radius(X):
    return np.column_stack([X, (X ** 2).sum(axis=1)])


line_on_rings = LogisticRegression().fit(X_r_train, y_r_train)
radius_on_rings = LogisticRegression().fit(with_radius(X_r_train), y_r_train)
under_table = pd.DataFrame(
    {"training accuracy": [line_on_rings.score(X_r_train, y_r_train), radius_on_rings.score(with_radius(X_r_train), y_r_train)],
     "test accuracy": [line_on_rings.score(X_r_test, y_r_test), radius_on_rings.score(with_radius(X_r_test), y_r_test)]},
    index=["raw coordinates", "with the squared radius"])
under_table

# %% [markdown]
# The raw model is at chance **on the training set too**: that is the signature of underfitting (high bias), and no
# amount of extra data or regularisation tuning helps. A better feature (or a more flexible model: a kernel, a tree
# ensemble, a network) does.
#
# **Q3 (diagnosis).** A linear regression of electricity demand on the hour of the day (0–23, one number) has
# $R^2 = 0.05$ on the training set and $0.04$ on the test set; demand peaks in the morning and the evening. What
# should you do first?
#
# - (a) Collect ten times more data.
# - (b) Add stronger L2 regularisation.
# - (c) Give the model features that can express a daily cycle (the hour one-hot encoded, or $\sin$ and $\cos$ of
#   $2\pi\,\text{hour}/24$), or use a more flexible model: it underfits.
# - (d) Remove the test set, since its score is lower than the training score.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q3", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q3_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q3_answer = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q3_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q3_answer, str) and q3_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q3_answer should be one of the letters "a", "b", "c", "d"; got {q3_answer!r}.',
            name="q3_answer is one of the letters a, b, c, d")
print("q3_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q3_answer, "c", name="the answer to question 3 (q3_answer)")
### END HIDDEN TESTS

# %% [markdown]
# ## 8. Wrong metric: misleading evaluation
#
# Classification and regression metrics are [week 03 §9 and §5](../week03/week03.ipynb). The case: the fraud team of
# §2 can review every flagged transaction; a missed fraud costs on average 500 €, a review 10 €. Which of §2's models
# is better? Accuracy and the cost the business actually pays disagree.

# %%
def review_cost(predicted, truth, missed=500.0, review=10.0):
    """What the predictions cost: every flagged transaction is reviewed, every missed fraud is lost."""
    return float(missed * np.sum((predicted == 0) & (truth == 1)) + review * np.sum(predicted == 1))


metric_table = imbalance_table[["accuracy"]].assign(
    cost_eur=[review_cost(p, y_f_test) for p in (np.zeros_like(y_f_test), plain_fraud, weighted_fraud)])
metric_table

# %% [markdown]
# By accuracy, "never fraud" and the plain model are the best; by the cost, the weighted model is far cheaper.
# Choose the metric **before** comparing models, from what the decision costs: the expected cost (or recall at a
# required precision, or precision in the top $k$ a team can review) when errors have different prices; AUC when
# only the ranking matters; calibration when the probabilities are used as probabilities.
#
# **Q4 (diagnosis).** A model ranks job applications; recruiters read only the top 20 of several hundred each week.
# The team reports 0.91 accuracy at the 0.5 threshold. Which metric matches the goal?
#
# - (a) Accuracy at the 0.5 threshold, as reported.
# - (b) Precision among the 20 highest-scored applications (precision at $k = 20$).
# - (c) The training loss.
# - (d) $R^2$ of the predicted probabilities.

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

# %% [markdown]
# ## 9. Ignoring the baseline: unknown improvement
#
# A churn model: 1,000 customers, about 7 % of whom churn; the features are weak. The model's accuracy is printed proudly.

# %%
churn_rng = np.random.default_rng(9)
X_churn = churn_rng.normal(size=(1000, 5))
y_churn = (0.3 * X_churn[:, 0] + churn_rng.normal(size=1000) > 1.55).astype(int)
X_c_train, X_c_test, y_c_train, y_c_test = X_churn[:700], X_churn[700:], y_churn[:700], y_churn[700:]
churn_accuracy = LogisticRegression().fit(X_c_train, y_c_train).score(X_c_test, y_c_test)
print(f"churn share {y_churn.mean():.0%}; the model's test accuracy: {churn_accuracy:.3f}")

# %% [markdown]
# Is that good? Not until it is compared with the simplest thing that could work: predicting the **most frequent
# training class** for a classifier, the **mean of the training targets** for a regressor (scored with $R^2$, which
# is then at most about 0: $R^2 = 1 - \sum (y_i - \bar y_{\text{train}})^2 / \sum (y_i - \bar y_{\text{test}})^2$).
# A baseline learns from the **training** labels only; one fitted on the test labels is itself a leak.
#
# ### Exercise 5 — `baseline_score`
#
# `task` is `"classification"` or `"regression"`. For classification return the accuracy on `y_test` of always
# predicting the most frequent class of `y_train` (a tie goes to the class that comes first in sorted order, as
# `np.unique` sorts); for regression return the $R^2$ on `y_test` of always predicting the mean of `y_train`. That is
# `DummyClassifier(strategy="most_frequent")` / `DummyRegressor()` fitted on the training labels and `.score`d on the
# test labels (`y_test` is never constant in regression).

# %% nbgrader={"grade": false, "grade_id": "baseline_score", "locked": false, "schema_version": 3, "solution": true, "task": false}
def baseline_score(y_train, y_test, task):
    """The score on y_test of the trivial model fitted on y_train: majority-class accuracy, or mean-prediction R²."""
    ### BEGIN SOLUTION
    if task == "classification":
        classes, counts = np.unique(y_train, return_counts=True)
        return float(np.mean(np.asarray(y_test) == classes[np.argmax(counts)]))
    prediction = np.mean(y_train)
    return float(1 - np.sum((y_test - prediction) ** 2) / np.sum((y_test - np.mean(y_test)) ** 2))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "baseline_score_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Training labels: three 0s, one 1: the baseline says 0, right on 2 of the 4 test labels.
expect_close(baseline_score(np.array([0, 0, 1, 0]), np.array([1, 1, 0, 0]), "classification"), 0.5,
             name="majority-class accuracy")
# The training mean is 2; on y_test = 1, 3, 5 (mean 3): R² = 1 − (1 + 1 + 9) / (4 + 0 + 4) = −0.375.
expect_close(baseline_score(np.array([1.0, 2.0, 3.0]), np.array([1.0, 3.0, 5.0]), "regression"), -0.375,
             name="mean-prediction R²", slips={"predicting the mean of y_test": 0.0,
                                               "the mean squared error instead of R²": 11 / 3})
print("✓ public checks passed: baseline_score")

# %% nbgrader={"grade": true, "grade_id": "baseline_score_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 2 or 3 classes (numbers or strings) whose mix differs between training and test, tied majorities,
# regression targets whose test period is shifted, a single training target; compared with DummyClassifier /
# DummyRegressor. Try them yourself now: check("pitfalls.baseline_score", baseline_score)
### BEGIN HIDDEN TESTS
grade("pitfalls.baseline_score", baseline_score)
### END HIDDEN TESTS

# %%
def reference_baseline(y_train, y_test, task):
    dummy = DummyClassifier(strategy="most_frequent") if task == "classification" else DummyRegressor()
    return dummy.fit(np.zeros((len(y_train), 1)), y_train).score(np.zeros((len(y_test), 1)), y_test)


churn_baseline = mine_or_reference(baseline_score, reference_baseline, y_c_train, y_c_test, "classification")
print(f"model {churn_accuracy:.3f} against the baseline {churn_baseline:.3f}: "
      f"an improvement of {churn_accuracy - churn_baseline:+.3f}")

# %% [markdown]
# The proud number is no better than "nobody churns". Always print the baseline next to the model (and, for
# imbalanced classes, a metric such as recall or the cost of §8 for both): an improvement is a difference, never a
# single number.
#
# ## 10. Not using cross-validation: unreliable estimates
#
# $k$-fold and stratified cross-validation are taught (and graded) in [week 04 §7](../week04/week04.ipynb). The case:
# a small medical data set of 80 patients; an analyst makes one 75/25 split and reports its test accuracy. How much
# does that number depend on the split?

# %%
small_rng = np.random.default_rng(10)
X_small_study = small_rng.normal(size=(80, 6))
y_small_study = (X_small_study[:, 0] + X_small_study[:, 1] + 1.2 * small_rng.normal(size=80) > 0).astype(int)
split_scores = np.array([
    LogisticRegression().fit(X_small_study[tr], y_small_study[tr]).score(X_small_study[te], y_small_study[te])
    for tr, te in (train_test_split(np.arange(80), test_size=0.25, random_state=seed) for seed in range(30))])
cv_scores = cross_val_score(LogisticRegression(), X_small_study, y_small_study, cv=KFold(10, shuffle=True, random_state=0))
print(f"one split, 30 different seeds: accuracy from {split_scores.min():.2f} to {split_scores.max():.2f}")
print(f"10-fold CV: {cv_scores.mean():.2f} ± {cv_scores.std() / np.sqrt(len(cv_scores)):.2f} (standard error)")
fig, ax = plt.subplots(figsize=(5.5, 2.4))
ax.hist(split_scores, bins=np.arange(0.5, 1.01, 0.05), color="C0", alpha=0.7, label="one 75/25 split (30 seeds)")
ax.axvline(cv_scores.mean(), color="C3", lw=2, label="10-fold CV mean")
ax.set_xlabel("test accuracy")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# Twenty test patients give a number that depends on which twenty they are: the spread over seeds is tens of
# percentage points, so "my model scores X on the test set" says little. Cross-validation tests every patient once
# and reports a mean with a spread; with imbalanced classes, stratify the folds.
#
# **Q5 (diagnosis).** Two feature sets are compared on 150 examples with one random 80/20 split: set A scores 0.83,
# set B 0.80, and the team switches to A. What is the problem, and the fix?
#
# - (a) The test set is too large; use 95/5.
# - (b) There is none: 0.83 > 0.80.
# - (c) A 30-example test set makes a 3-point difference well within the noise of the split; compare both sets with
#   (repeated, stratified) k-fold cross-validation on the same folds and look at the spread of the differences.
# - (d) Accuracy cannot compare feature sets; use the training loss.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q5", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q5_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q5_answer = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q5_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q5_answer, str) and q5_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q5_answer should be one of the letters "a", "b", "c", "d"; got {q5_answer!r}.',
            name="q5_answer is one of the letters a, b, c, d")
print("q5_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q5_answer, "c", name="the answer to question 5 (q5_answer)")
### END HIDDEN TESTS

# %% [markdown]
# # Part C — production issues
#
# ## 11. Training–serving skew: a performance drop
#
# Feature stores and point-in-time joins are [week 12 §9](../week12/week12.ipynb). The case: the loan model of §3 is
# retrained on complete rows with standardised features. The training code fits the scaler on the training rows; the
# serving code, written later by another team, standardises **each incoming batch with the batch's own mean and
# standard deviation**. Offline all is well; then one morning a partner sends a batch of 100 applications, all from
# its high-income customers.

# %%
skew_rng = np.random.default_rng(11)
X_skew = skew_rng.normal(size=(3000, 2))
y_skew = (1.5 * X_skew[:, 0] - X_skew[:, 1] + 0.5 * skew_rng.normal(size=3000) > 0).astype(int)
train_scaler = StandardScaler().fit(X_skew[:2000])
skew_model = LogisticRegression().fit(train_scaler.transform(X_skew[:2000]), y_skew[:2000])
rich = np.flatnonzero(X_skew[2000:, 0] > 0.8)[:100] + 2000            # the partner's batch: high incomes only
batch_X, batch_y = X_skew[rich], y_skew[rich]
offline = skew_model.score(train_scaler.transform(X_skew[2000:]), y_skew[2000:])
same_transform = skew_model.score(train_scaler.transform(batch_X), batch_y)
own_statistics = skew_model.score((batch_X - batch_X.mean(axis=0)) / batch_X.std(axis=0), batch_y)
print(f"offline test accuracy {offline:.2f}; the partner's batch: {same_transform:.2f} with the training scaler, "
      f"{own_statistics:.2f} with the serving code's per-batch scaling")

# %% [markdown]
# The per-batch scaling moves every applicant of the batch to "average income", and the model sees something
# different from what it was trained on: a silent drop that no offline test shows. The fix is **one** preprocessing
# code path: the fitted scaler (or the whole `Pipeline`) is saved with the model and applied, unchanged, at serving
# time; features that need history come from a feature store that computes them the same way for training and
# serving.
#
# **Q6 (diagnosis).** A recommendation model's offline AUC is 0.86; in production it is 0.71. The training features
# were computed in a nightly SQL job; in production the same features are recomputed by a Python service, which
# rounds timestamps to the hour and treats missing ages as 0 instead of the training median. What is this, and the
# fix?
#
# - (a) Concept drift; retrain every night.
# - (b) Training–serving skew: the two code paths compute different features; compute the features once (a shared
#   library or a feature store) and test that both paths give the same values on the same rows.
# - (c) Overfitting; add regularisation.
# - (d) The production AUC is computed wrongly; only the offline number counts.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q6", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q6_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q6_answer = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q6_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q6_answer, str) and q6_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q6_answer should be one of the letters "a", "b", "c", "d"; got {q6_answer!r}.',
            name="q6_answer is one of the letters a, b, c, d")
print("q6_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q6_answer, "b", name="the answer to question 6 (q6_answer)")
### END HIDDEN TESTS

# %% [markdown]
# ## 12. Concept drift: model degradation
#
# Drift statistics, monitors and retraining triggers are [week 12](../week12/week12.ipynb). The case: the relation
# between the inputs and the label rotates slowly over twelve months while the inputs themselves stay exactly as they
# were. A model trained in month 0 is kept; a second one is retrained every month on the month before.

# %%
drift_rng = np.random.default_rng(12)


def month_of_data(month, n=500):
    X = drift_rng.normal(size=(n, 2))
    angle = month * np.pi / 16                                    # the concept turns 11.25° a month
    y = (np.cos(angle) * X[:, 0] + np.sin(angle) * X[:, 1] + 0.3 * drift_rng.normal(size=n) > 0).astype(int)
    return X, y


months = [month_of_data(m) for m in range(13)]
frozen_model = LogisticRegression().fit(*months[0])
drift_table = pd.DataFrame({
    "mean of x1": [X[:, 0].mean() for X, _ in months[1:]],
    "frozen model": [frozen_model.score(X, y) for X, y in months[1:]],
    "retrained monthly": [LogisticRegression().fit(*months[m - 1]).score(*months[m]) for m in range(1, 13)]},
    index=pd.RangeIndex(1, 13, name="month"))
drift_table.T

# %% [markdown]
# The inputs' mean never moves, so an input-drift monitor stays quiet, while the frozen model's accuracy slides month
# after month; the model retrained on recent data stays close to its first level. Only outcome monitoring (accuracy
# on labels as they arrive) sees this kind of drift, and retraining on recent data repairs it.
#
# **Q7 (diagnosis).** A demand forecaster trained on 2019 data was excellent until March 2020, then its errors
# tripled within two weeks; the inputs (day of week, store, promotions) look as they always did. What is the most
# likely explanation, and the response?
#
# - (a) Concept drift: the relation between the same inputs and demand changed; monitor the errors on recent labels,
#   retrain on recent data (weighted towards the newest), and alert when the error stays high.
# - (b) Training–serving skew in the day-of-week feature.
# - (c) The model was always overfitted; add regularisation and keep the 2019 training data.
# - (d) Missing data; impute the promotions.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q7", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q7_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q7_answer = "a"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q7_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q7_answer, str) and q7_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q7_answer should be one of the letters "a", "b", "c", "d"; got {q7_answer!r}.',
            name="q7_answer is one of the letters a, b, c, d")
print("q7_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q7_answer, "a", name="the answer to question 7 (q7_answer)")
### END HIDDEN TESTS

# %% [markdown]
# ## 13. Latency: poor user experience (demonstration)
#
# Serving, batching and latency budgets are [week 11](../week11/week11.ipynb). The demonstration: the same 500
# predictions from a random forest, asked one request at a time and as one batch.

# %%
X_latency, y_latency = make_moons(n_samples=1000, noise=0.3, random_state=4)
latency_forest = RandomForestClassifier(n_estimators=50, random_state=0).fit(X_latency[:500], y_latency[:500])
requests = X_latency[500:]
started = time.perf_counter()
one_by_one = np.array([latency_forest.predict(row[None, :])[0] for row in requests[:100]])
per_request_ms = 1000 * (time.perf_counter() - started) / 100
started = time.perf_counter()
batched = latency_forest.predict(requests)
per_row_batched_ms = 1000 * (time.perf_counter() - started) / len(requests)
print(f"one request at a time: {per_request_ms:.2f} ms each; in one batch: {per_row_batched_ms:.4f} ms a row "
      f"({per_request_ms / per_row_batched_ms:.0f}× less); same predictions: {np.array_equal(one_by_one, batched[:100])}")

# %% [markdown]
# Most of a single prediction's time is overhead (checking the input, dispatching to 50 trees), paid once per call.
# The source's fixes: **batch inference** (collect requests for a few milliseconds and predict them together, or
# precompute predictions offline when the inputs are known in advance), **caching** (§18), and **model optimisation**
# (§16: a smaller or compiled model).
#
# ## 14. No monitoring: silent failures (demonstration)
#
# A model runs for 20 days. On day 12 an upstream team starts sending a weight in grams instead of kilograms. Nothing
# crashes: the model keeps answering. A log of predictions and one simple monitor — the share of positive predictions
# per day against its usual range — is the difference between noticing on day 12 and noticing when the complaints
# arrive.

# %%
monitor_rng = np.random.default_rng(14)
X_parcels = np.column_stack([monitor_rng.uniform(0.5, 20, 2000), monitor_rng.uniform(1, 500, 2000)])
y_parcels = (X_parcels[:, 0] / 10 + X_parcels[:, 1] / 250 + 0.3 * monitor_rng.normal(size=2000) > 1.5).astype(int)
parcel_model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X_parcels, y_parcels)
days = []
for day in range(20):
    X_day = np.column_stack([monitor_rng.uniform(0.5, 20, 200), monitor_rng.uniform(1, 500, 200)])
    y_day = (X_day[:, 0] / 10 + X_day[:, 1] / 250 + 0.3 * monitor_rng.normal(size=200) > 1.5).astype(int)
    sent = X_day * [1000.0, 1.0] if day >= 12 else X_day                 # grams instead of kilograms from day 12
    predicted = parcel_model.predict(sent)
    days.append({"day": day, "positive share": predicted.mean(), "accuracy (known later)": np.mean(predicted == y_day)})
monitor_log = pd.DataFrame(days).set_index("day")
usual = monitor_log["positive share"].iloc[:7]
band = (usual.mean() - 4 * usual.std(), usual.mean() + 4 * usual.std())
monitor_log["alarm"] = ~monitor_log["positive share"].between(*band)
first_alarm = int(monitor_log.index[monitor_log["alarm"]].min())
print(f"usual positive share {usual.mean():.2f}; alarm band {band[0]:.2f}–{band[1]:.2f}; first alarm on day {first_alarm}")
monitor_log.T

# %% [markdown]
# From day 12 the model says "yes" to almost every parcel, and its accuracy falls by about twenty points; without the
# log nobody would know until the labels (or the complaints) arrive. The
# source's fixes: **log predictions** (with the inputs and the model's version), **track metrics** (inputs,
# predictions, outcomes, latency), **alert** on them; week 12 builds this properly.
#
# ## 15. Hard-coded logic: an inflexible system (demonstration)
#
# The decision rule around a model changes more often than the model: a threshold, a country where the product is
# switched off, a fallback. Hard-coded, each change is a code change and a redeployment; in **configuration**, it is
# a reviewed edit of data, and a **feature flag** can switch new behaviour on for a share of traffic.

# %%
def decide_hard_coded(probability, country):
    if country == "FR":                        # switched off in France (which release? which ticket?)
        return "manual review"
    return "approve" if probability >= 0.5 else "decline"


DECISION_CONFIG = json.loads("""{"threshold": 0.35, "manual_review_countries": ["FR"],
                                  "flags": {"new_threshold_share": 0.2}}""")


def decide(probability, country, config, request_id):
    """The same rule, every number and list read from the configuration; the flag routes a share of requests."""
    if country in config["manual_review_countries"]:
        return "manual review"
    in_trial = (request_id % 100) < 100 * config["flags"]["new_threshold_share"]
    threshold = config["threshold"] if in_trial else 0.5
    return "approve" if probability >= threshold else "decline"


trial = pd.Series([decide(0.4, "DE", DECISION_CONFIG, i) for i in range(1000)]).value_counts()
print(f"hard-coded: {decide_hard_coded(0.4, 'DE')!r} for everyone; configured: {trial.to_dict()} "
      f"(the new threshold for {DECISION_CONFIG['flags']['new_threshold_share']:.0%} of requests)")

# %% [markdown]
# # Part D — cost traps
#
# ## 16. Expensive models: high inference cost (demonstration)
#
# A random forest of 300 deep trees against a logistic regression on the same task, where the signal is linear (as
# it often nearly is in tabular business data): what does the extra cost buy?

# %%
cost_rng = np.random.default_rng(16)
X_cost = cost_rng.normal(size=(3000, 5))
y_cost = (X_cost @ np.array([1.0, -0.8, 0.5, 0.0, 0.3]) + 0.6 * cost_rng.normal(size=3000) > 0).astype(int)
X_k_train, X_k_test, y_k_train, y_k_test = X_cost[:2000], X_cost[2000:], y_cost[:2000], y_cost[2000:]
cost_rows, cost_models = [], {"random forest, 300 trees": RandomForestClassifier(n_estimators=300, random_state=0),
                               "logistic regression": LogisticRegression()}
for name, estimator in cost_models.items():
    estimator.fit(X_k_train, y_k_train)
    started = time.perf_counter()
    accuracy = estimator.score(X_k_test, y_k_test)
    cost_rows.append({"model": name, "test accuracy": accuracy,
                      "ms per 1,000 predictions": 1000 * (time.perf_counter() - started) / len(X_k_test) * 1000,
                      "size (kB)": len(pickle.dumps(estimator)) / 1000})
cost_table = pd.DataFrame(cost_rows).set_index("model")
linear = cost_models["logistic regression"]
half_precision = linear.coef_.astype(np.float16).astype(float)
same_after_quantising = np.mean((X_k_test @ half_precision.T + linear.intercept_ > 0).ravel() == linear.predict(X_k_test))
print(f"the logistic regression with float16 weights agrees with float64 on {same_after_quantising:.1%} of test rows")
cost_table

# %% [markdown]
# The forest is hundreds of times larger and much slower, for no better accuracy (here a little worse). Before
# paying for a large model, check what a small one achieves; when the large one is needed, the source's remedies
# shrink it: **compression**
# (pruning, fewer trees), **distillation** (train a small model on the large one's predictions) and
# **quantisation** (weights in 16 or 8 bits, as above, where the decisions do not change).
#
# ## 17. Unnecessary features: wasted compute
#
# A model with 40 features, of which 5 carry the signal. Every feature has to be collected, stored, validated,
# monitored and computed at serving time. **Importance analysis** ranks them; `SelectFromModel` keeps those whose
# importance is above a threshold (here the mean importance).

# %%
feature_rng = np.random.default_rng(17)
X_wide = feature_rng.normal(size=(1500, 40))
y_wide = (X_wide[:, :5] @ np.array([1.0, -1.0, 0.8, 0.6, -0.7]) + 0.5 * feature_rng.normal(size=1500) > 0).astype(int)
wide_forest = RandomForestClassifier(n_estimators=60, random_state=0).fit(X_wide[:1000], y_wide[:1000])
selector = SelectFromModel(wide_forest, prefit=True, threshold="mean")
kept = np.flatnonzero(selector.get_support())
narrow = LogisticRegression().fit(X_wide[:1000][:, kept], y_wide[:1000])
everything = LogisticRegression().fit(X_wide[:1000], y_wide[:1000])
print(f"kept features {kept.tolist()}: accuracy {narrow.score(X_wide[1000:][:, kept], y_wide[1000:]):.3f} with "
      f"{len(kept)} features against {everything.score(X_wide[1000:], y_wide[1000:]):.3f} with all 40")

# %% [markdown]
# The five informative features are found and the 35 others add nothing but cost (and a little variance). Select on
# the training rows only (§1), and check importances with a method that is not fooled by correlated features
# (permutation importance, week 04 §3) before deleting a data pipeline.
#
# **Q8 (diagnosis).** A fraud model uses 300 features; computing them takes 80 % of the serving time. Permutation
# importance on a validation set shows that 260 of them change the AUC by less than 0.0005 each, and a model on the
# other 40 scores the same AUC in cross-validation. What is the sensible next step?
#
# - (a) Keep all 300 features: more features can never hurt.
# - (b) Drop the 260 features, having confirmed with cross-validation on the reduced set that the metric that
#   matters does not fall, and stop computing them at serving time.
# - (c) Replace the model by a larger one so that it can use the 260 features better.
# - (d) Double the serving machines.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q8", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q8_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q8_answer = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q8_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q8_answer, str) and q8_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q8_answer should be one of the letters "a", "b", "c", "d"; got {q8_answer!r}.',
            name="q8_answer is one of the letters a, b, c, d")
print("q8_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q8_answer, "b", name="the answer to question 8 (q8_answer)")
### END HIDDEN TESTS

# %% [markdown]
# ## 18. No caching: redundant computation
#
# A recommendation service computes a user's features (an expensive query) on every request, though the same popular
# users come back again and again. A **cache** keeps recent results: on a **hit** the stored value is returned, on a
# **miss** the function runs and its result is stored. A bounded cache must **evict** something when it is full;
# **least recently used** (LRU) eviction drops the entry whose last use is the oldest — the policy of
# `functools.lru_cache`. With a Python `dict`, which keeps insertion order, "use" can be recorded by removing and
# re-inserting a key, and the least recently used entry is then the first key, `next(iter(store))`.
#
# ### Exercise 6 — `cached`
#
# Return a new function that takes the same positional arguments as `function` (hashable values) and returns
# `function(*args)`, computing it only on a miss. `maxsize` is the number of entries the cache holds at most
# (`None`: no limit); when a new entry would exceed it, evict the least recently used entry (a hit counts as a use).
# This is `functools.lru_cache(maxsize)(function)`, which you may not use here; each call of `cached` has its own
# cache.

# %% nbgrader={"grade": false, "grade_id": "cached", "locked": false, "schema_version": 3, "solution": true, "task": false}
def cached(function, maxsize=128):
    """A memoised version of `function` with least-recently-used eviction beyond `maxsize` entries."""
    ### BEGIN SOLUTION
    store = {}

    def wrapper(*args):
        if args in store:
            store[args] = store.pop(args)              # a hit: now the most recently used
            return store[args]
        value = function(*args)
        store[args] = value
        if maxsize is not None and len(store) > maxsize:
            del store[next(iter(store))]               # the least recently used
        return value
    return wrapper
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "cached_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Requests a, b, a, c, b, a with room for two entries: misses on a, b, then a hit on a; c evicts b (a was used more
# recently); b is a miss again and evicts a; a is a miss. An LRU cache computes 5 times, a FIFO cache 4.
computed = []


def slow_square(x):
    computed.append(x)
    return x * x


fast_square = cached(slow_square, 2)
answers = [fast_square(x) for x in (1, 2, 1, 3, 2, 1)]
expect_equal(answers, [1, 4, 1, 9, 4, 1], name="what the cached function returns")
expect_equal(computed, [1, 2, 3, 2, 1], name="the arguments slow_square was computed for")
print("✓ public checks passed: cached")

# %% nbgrader={"grade": true, "grade_id": "cached_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 12 to 40 requests of two arguments, popular values repeated, maxsize 1 to 5 or None; the results and
# which requests reach the function are compared with functools.lru_cache(maxsize).
# Try them yourself now: check("pitfalls.cached", cached)
### BEGIN HIDDEN TESTS
grade("pitfalls.cached", cached)
### END HIDDEN TESTS

# %%
def reference_cached(function, maxsize=128):
    return functools.lru_cache(maxsize=maxsize)(function)


cache_rng = np.random.default_rng(18)
traffic = cache_rng.zipf(1.6, size=2000) % 500                            # a few users are very popular
cache_rows = []
for size in (1, 10, 50, 200, None):
    feature_queries = [0]

    def user_features(user, _count=feature_queries):
        _count[0] += 1
        return user * 0.5

    lookup = mine_or_reference(cached, reference_cached, user_features, size)
    for user in traffic:
        lookup(int(user))
    cache_rows.append({"maxsize": "no limit" if size is None else size, "feature queries": feature_queries[0],
                       "hit rate": 1 - feature_queries[0] / len(traffic)})
cache_table = pd.DataFrame(cache_rows).set_index("maxsize")
print(f"{len(traffic)} requests from {len(np.unique(traffic))} distinct users; without a cache: {len(traffic)} queries")
cache_table

# %% [markdown]
# Popularity is skewed (a Zipf law, as real traffic often is), so a cache of a few dozen entries already saves most of
# the queries. Caching is not free of pitfalls either: a cached feature can be **stale** (give entries a time to
# live), and the cache key must contain every input the result depends on.
#
# ## 19. Poor resource planning: overprovisioning (demonstration)
#
# A service receives a daily traffic curve with a peak six times the quiet hours. Each request takes 40 ms of one
# worker; a worker is kept below 70 % busy so that queues stay short. **Little's law** gives the busy workers:
# arrival rate × service time. Provisioning the peak all day against scaling every hour:

# %%
hours = np.arange(24)
requests_per_second = 50 + 250 * np.exp(-0.5 * ((hours - 19) / 2.5) ** 2) + 80 * np.exp(-0.5 * ((hours - 9) / 1.5) ** 2)
service_seconds, target_utilisation = 0.040, 0.7
workers_needed = np.ceil(requests_per_second * service_seconds / target_utilisation)
fixed_worker_hours, autoscaled_worker_hours = 24 * workers_needed.max(), workers_needed.sum()
print(f"peak {requests_per_second.max():.0f} requests/s needs {workers_needed.max():.0f} workers; "
      f"fixed at the peak: {fixed_worker_hours:.0f} worker-hours a day, autoscaled hourly: "
      f"{autoscaled_worker_hours:.0f} ({1 - autoscaled_worker_hours / fixed_worker_hours:.0%} less)")
fig, ax = plt.subplots(figsize=(6, 2.4))
ax.step(hours, workers_needed, where="mid", label="workers needed (autoscaled)")
ax.axhline(workers_needed.max(), color="C3", ls="--", label="provisioned for the peak")
ax.set(xlabel="hour of the day", ylabel="workers")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# Sizing for the peak pays for idle machines most of the day; sizing for the average drops requests at the peak.
# The source's fixes: **autoscaling** on a measured load signal, **spot (pre-emptible) instances** for work that can
# be interrupted (batch scoring, training with checkpoints), and a capacity plan written down from measurements like
# the ones above (latency per request from §13, traffic from the logs of §14).
#
# ## Checkpoint: a pitfall of your own

# %% [markdown] nbgrader={"grade": false, "grade_id": "explain_pitfall_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Q9 (written, 3 points, graded by a person).** Take a project you know (your own, or one you have read about) or
# invent a realistic one, and describe in a paragraph or two **one** pitfall from the four tables that it fell into
# or could fall into: the pipeline as it was, the number that looked good (or bad) and why it was misleading, how you
# would have spotted it (which check, plot, baseline or monitor), and the fix, stated precisely enough that someone
# else could implement it. Then name a second pitfall from a *different* table that the fix could make more likely,
# and how you would guard against it. Write your answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "explain_pitfall", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# Project: predicting which hospital patients are readmitted within 30 days, from their lab results and notes. The
# first pipeline standardised the labs and picked the 50 most predictive of 3,000 note keywords on the whole data
# set, then cross-validated a logistic regression over **rows** (admissions): AUC 0.91. Two pitfalls of table 1 at
# once: the keyword selection saw the test folds (leakage through selection), and a patient with several
# admissions had some in training and some in testing, so the model partly recognised patients. Spotting it: the
# AUC was far above published results; refitting with the selection inside a `Pipeline` and `GroupKFold` by patient
# dropped it to 0.71, and a learning curve showed the gap between training and validation scores. Fix: every
# fitted step (scaler, imputer, selector) inside the pipeline; folds grouped by patient and, for the final estimate,
# a time-based split (train on 2019–2021 admissions, test on 2022), which is also how the model would be used.
#
# Second pitfall, from the production table: training–serving skew. The notes' keywords are extracted in the
# training pipeline by a batch job over the finished discharge summaries, but at prediction time (at discharge) the
# summary may be incomplete. Guard: compute the features in production and in training with the same function on
# the same snapshot (the notes as they were at discharge time: a point-in-time join), log the features served, and
# compare their distribution with the training set's every week.

# %% [markdown]
# ## Summary: the nineteen pitfalls

# %%
summary = pd.DataFrame([
    ("data leakage", "overoptimistic results", "split by entity and time; fit every step inside the folds", "graded here (fix: leak_free_cv_scores); taught in week 04"),
    ("imbalanced classes", "poor minority-class performance", "class weights, stratified splits, resampling", "graded here (fix: balanced_class_weights); taught in week 04"),
    ("missing data", "biased models", "imputation fitted on train, missing indicators", "graded here (fix: impute_train_test)"),
    ("outliers", "skewed models", "robust scaling, detection (IQR rule), domain knowledge", "graded here (fix: robust_scale)"),
    ("feature scaling", "poor convergence", "StandardScaler / MinMaxScaler inside the pipeline", "graded here (diagnosis Q1); taught in week 04"),
    ("overfitting", "poor generalisation", "regularisation, early stopping, more data", "graded here (diagnosis Q2); taught in week 03"),
    ("underfitting", "poor performance", "better features, a more flexible model", "graded here (diagnosis Q3); taught in week 03"),
    ("wrong metric", "misleading evaluation", "a metric from the decision's costs", "graded here (diagnosis Q4); taught in week 03"),
    ("ignoring the baseline", "unknown improvement", "compare with a dummy model fitted on train", "graded here (fix: baseline_score)"),
    ("no cross-validation", "unreliable estimates", "k-fold / stratified CV with a spread", "graded here (diagnosis Q5); taught in week 04"),
    ("training–serving skew", "performance drop", "one preprocessing path, feature stores", "graded here (diagnosis Q6); taught in week 12"),
    ("concept drift", "model degradation", "outcome monitoring, retraining", "graded here (diagnosis Q7); taught in week 12"),
    ("latency", "poor user experience", "batching, caching, smaller models", "demonstrated here; taught in week 11"),
    ("no monitoring", "silent failures", "prediction logs, metrics, alerts", "demonstrated here; taught in week 12"),
    ("hard-coded logic", "inflexible system", "configuration, feature flags", "demonstrated here"),
    ("expensive models", "high inference cost", "compression, distillation, quantisation", "demonstrated here"),
    ("unnecessary features", "wasted compute", "importance analysis, feature selection", "graded here (diagnosis Q8)"),
    ("no caching", "redundant computation", "cache features and predictions (LRU)", "graded here (fix: cached)"),
    ("poor resource planning", "overprovisioning", "autoscaling, spot instances, a capacity plan", "demonstrated here"),
], columns=["pitfall", "impact", "fix", "in this course"], index=pd.RangeIndex(1, 20, name="§"))
print(f"{summary['in this course'].str.startswith('graded').sum()} of {len(summary)} rows graded here")
summary

# %%
print(f"the whole lab ran in {time.perf_counter() - lab_started:.0f} s")
