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
# # Metrics — the Key Metrics Reference, and when each metric misleads
#
# A model is only as good as the number you judge it by. This notebook goes through every metric of the course's
# **Key Metrics Reference** — for classification accuracy, precision, recall, F1, ROC-AUC and log loss; for
# regression MSE, RMSE, MAE, R² and MAPE; for clustering the silhouette, the Davies–Bouldin index and inertia —
# with its formula, its range, when to use it and, for each, a runnable example of **when it misleads**. Most of them
# you have already implemented; they are named where you wrote them, and the lesson cells use scikit-learn's
# versions. The four that no week grades yet you write here.
#
# | § | topic | you implement |
# |---|---|---|
# | 1 | a threshold's confusion matrix: accuracy, precision, recall, F1 (and F-beta, MCC) | (week 03) |
# | 2 | ranking: ROC-AUC, and the precision–recall curve under imbalance | `average_precision` |
# | 3 | probabilities: the log loss, clipping and calibration | `log_loss` |
# | 4 | regression: MSE, RMSE, MAE, R², MAPE — and the fix for MAPE at zero targets | `wape` |
# | 5 | clustering: inertia, the silhouette, Davies–Bouldin | `inertia` |
# | 6 | the metric board: every metric moving at once | |
# | 7 | the reference as a table | |
# | 8 | checkpoint: which metric misleads here? | five questions + one written answer |

# %% [markdown]
# ## How to work this notebook
#
# 1. **Run the cells in order**, from the top (the imports cell first). If something looks odd, use
#    *Kernel → Restart Kernel and Run All Cells*.
# 2. Where a cell says `# YOUR CODE HERE` and `raise NotImplementedError()`, delete the `raise` line and write your
#    implementation with **NumPy** (never the scikit-learn function it is compared with).
# 3. **Run the public test cell** under each exercise: small inputs whose answers you can work out by hand.
# 4. Then try **fresh random inputs** as often as you like, e.g. `check("metrics.log_loss", log_loss)`. It prints ✓
#    or what went wrong.
# 5. **Hidden tests** run when the notebook is graded: randomized inputs compared with scikit-learn
#    (`log_loss`, `average_precision_score`, `mean_absolute_error`, `KMeans`), with edge cases (probabilities of
#    exactly 0 and 1, tied scores, zero targets, unused centres). If `check(...)` passes reliably, they will pass too.
# 6. The lesson cells after each exercise use your function once it is written (and a reference until then); the
#    metric board of §6 runs your `log_loss`, `average_precision` and `wape` once they pass their checks.

# %%
# %matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn import metrics as skm
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs, make_circles
from threadpoolctl import threadpool_limits

from course.checks import expect_close, expect_equal, expect_choice, expect_true, expect_unchanged
from course.exercises import check, grade

np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 4)
notebook_started = time.perf_counter()


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
# ## 1. One threshold, four counts: accuracy, precision, recall, F1
#
# A classifier that outputs a score becomes a decision rule once you pick a **threshold** $t$: predict "positive"
# when the score is at least $t$. Against the truth, every example lands in one of four cells of the **confusion
# matrix**: true positives $TP$, false positives $FP$, false negatives $FN$, true negatives $TN$. The first four
# metrics of the reference are ratios of these counts:
#
# | metric | formula | range | use it when | it misleads when |
# |---|---|---|---|---|
# | accuracy | $\dfrac{TP + TN}{TP + FP + FN + TN}$ | $[0, 1]$ | classes are balanced and both errors cost the same | one class is rare: "always the majority class" scores high |
# | precision | $\dfrac{TP}{TP + FP}$ | $[0, 1]$ | false alarms are expensive (spam filters, recommendations) | a model predicts positive rarely: a single sure hit gives precision 1 |
# | recall (sensitivity, TPR) | $\dfrac{TP}{TP + FN}$ | $[0, 1]$ | misses are expensive (screening, fraud) | a model predicts positive always: recall 1 for free |
# | F1 | $\dfrac{2PR}{P + R} = \dfrac{2\,TP}{2\,TP + FP + FN}$ | $[0, 1]$ | one number that needs both precision and recall | the two errors do not cost the same (F-beta), or true negatives matter (it ignores $TN$) |
#
# You wrote all four in week 03: `check("week03.classification_metrics", classification_metrics)` (with
# `zero_division=0`: precision 0 when nothing is predicted positive), and the multiclass versions there too
# (`week03.confusion_matrix_multiclass`, `week03.averaged_scores`). Here we use `sklearn.metrics`.
#
# **When accuracy misleads: 99 % negatives.** A disease affects 1 % of 10,000 people. The "model" that declares
# everyone healthy is right 99 % of the time and finds nobody; a real screening model with a somewhat lower
# accuracy finds most of the sick.

# %%
screen_rng = np.random.default_rng(0)
n_people, n_sick = 10_000, 100
sick = np.zeros(n_people, dtype=int)
sick[:n_sick] = 1
screen_score = screen_rng.normal(size=n_people) + 2.5 * sick          # a test whose score is higher for the sick
screen_model = (screen_score >= 1.9).astype(int)
nobody = np.zeros(n_people, dtype=int)
screening = pd.DataFrame(
    [{"rule": name, "accuracy": skm.accuracy_score(sick, predicted),
      "precision": skm.precision_score(sick, predicted, zero_division=0),
      "recall": skm.recall_score(sick, predicted), "F1": skm.f1_score(sick, predicted, zero_division=0),
      "MCC": skm.matthews_corrcoef(sick, predicted), "sick people found": int(predicted[sick == 1].sum())}
     for name, predicted in (("everybody is healthy", nobody), ("the screening test (score ≥ 1.9)", screen_model))]
).set_index("rule")
screening

# %% [markdown]
# "Everybody is healthy" has the **higher accuracy** (0.990 against 0.968) and finds **no one**; its precision,
# recall and F1 are 0. Under imbalance, report the metrics of the rare class (precision, recall, F1), or a
# **balanced** one: the Matthews correlation coefficient
#
# $$\mathrm{MCC} = \frac{TP \cdot TN - FP \cdot FN}{\sqrt{(TP + FP)(TP + FN)(TN + FP)(TN + FN)}} \in [-1, 1],$$
#
# the correlation between prediction and truth, which is 0 for any constant rule and needs all four cells to be
# good to approach 1 (`sklearn.metrics.matthews_corrcoef`; 0 by convention when a factor is 0).
#
# **When precision and recall mislead on their own.** Each is easy to max out alone: flag only the single
# highest score and precision is (usually) 1; flag everyone and recall is 1. They must be read together, as a
# pair or as a curve (§2). F1 combines them with equal weight; when a miss costs more than a false alarm, the
# **F-beta** score weights recall $\beta$ times as much as precision:
#
# $$F_\beta = \frac{(1 + \beta^2)\,P R}{\beta^2 P + R}, \qquad \beta = 1: F_1.$$

# %%
top_one = np.zeros(n_people, dtype=int)
top_one[np.argmax(screen_score)] = 1
everyone = np.ones(n_people, dtype=int)
extremes = pd.DataFrame(
    [{"rule": name, "precision": skm.precision_score(sick, predicted, zero_division=0),
      "recall": skm.recall_score(sick, predicted), "F1": skm.f1_score(sick, predicted),
      "F2 (recall counts 2×)": skm.fbeta_score(sick, predicted, beta=2)}
     for name, predicted in (("flag the single highest score", top_one), ("flag everyone", everyone),
                             ("the screening test", screen_model))]).set_index("rule")
extremes

# %% [markdown]
# ## 2. Ranking: ROC-AUC, and precision–recall under imbalance
#
# A threshold's metrics judge one decision; a **ranking** metric judges the scores themselves, over every
# threshold at once. The **ROC curve** plots the true positive rate (recall) against the false positive rate
# $FPR = FP / (FP + TN)$ as the threshold sweeps from $+\infty$ to $-\infty$; its area is
#
# $$\text{ROC-AUC} = P\bigl(s(\text{random positive}) > s(\text{random negative})\bigr) \quad(\text{ties } \tfrac12),
# \qquad \in [0, 1],$$
#
# 0.5 for random scores and 1 for a perfect ranking. You wrote it in week 03 from this pairwise meaning:
# `check("week03.roc_auc", roc_auc)`. It does not depend on the threshold nor on the share of positives — which is
# its strength (one number per model, comparable across data sets) and, under heavy imbalance, its weakness: the
# FPR divides by the number of negatives, so when negatives are 99 % of the data, a false positive rate of 5 % is
# still five false alarms per true case.
#
# The **precision–recall curve** plots precision against recall over the same thresholds, and its summary is the
# **average precision** (the "PR-AUC" of scikit-learn): the precision at each threshold, weighted by how much recall
# that threshold adds,
#
# $$\mathrm{AP} = \sum_n (R_n - R_{n-1})\, P_n \;\in [0, 1], \qquad \text{a random ranking scores the share of positives } \pi.$$
#
# **When ROC-AUC misleads.** Two test sets with the **same** score distributions per class, one balanced and one with
# 1 % positives: the ROC curve and its area are the same; the precision at any useful recall collapses.

# %%
def scored_sample(rng, n, share, separation=2.0):
    """Labels with the given share of positives, and scores z ~ N(±separation/2, 1) by class."""
    y = (rng.random(n) < share).astype(int)
    return y, rng.normal(size=n) + separation * (y - 0.5)


rank_rng = np.random.default_rng(1)
imbalance = {}
for name, share in (("balanced (50 % positives)", 0.5), ("imbalanced (1 % positives)", 0.01)):
    y, s = scored_sample(rank_rng, 40_000, share)
    precision, recall, _ = skm.precision_recall_curve(y, s)
    imbalance[name] = {"y": y, "s": s, "ROC-AUC": skm.roc_auc_score(y, s),
                       "average precision": skm.average_precision_score(y, s),
                       "precision at recall 0.5": precision[recall >= 0.5].max(), "share of positives": y.mean()}
imbalance_table = pd.DataFrame(imbalance).T.drop(columns=["y", "s"]).astype(float)

fig, (ax_roc, ax_pr) = plt.subplots(1, 2, figsize=(9, 3.4))
for name, entry in imbalance.items():
    fpr, tpr, _ = skm.roc_curve(entry["y"], entry["s"])
    precision, recall, _ = skm.precision_recall_curve(entry["y"], entry["s"])
    ax_roc.plot(fpr, tpr, label=f"{name}: AUC {entry['ROC-AUC']:.3f}")
    ax_pr.plot(recall, precision, label=f"{name}: AP {entry['average precision']:.3f}")
ax_roc.plot([0, 1], [0, 1], ls="--", color="0.6", lw=1)
ax_roc.set(xlabel="false positive rate", ylabel="true positive rate (recall)", title="ROC: the same curve")
ax_pr.set(xlabel="recall", ylabel="precision", title="precision–recall: a different story")
for ax in (ax_roc, ax_pr):
    ax.legend(fontsize=8)
plt.tight_layout()
plt.show()
imbalance_table

# %% [markdown]
# Both ROC-AUCs are about 0.92; the average precision falls from about 0.92 to about 0.27, and the best precision at
# half the positives found from about 0.96 to about 0.20 — four in five flagged cases are false alarms. For rare positives
# (fraud, disease, defects), report the precision–recall curve and its average precision next to (or instead of)
# ROC-AUC; compare an AP with the share of positives, its value for a random ranking.
#
# ### Exercise 1 — `average_precision`
#
# `y_true`: an array of 0s and 1s with at least one 1; `scores`: an array of the same length, higher = more
# positive. Return $\mathrm{AP} = \sum_n (R_n - R_{n-1}) P_n$ as a float, where the thresholds are the **distinct**
# scores from the highest down: at each threshold every example with a score $\ge$ it is predicted positive, so
# **tied examples cross a threshold together** (sort by score, descending, and keep the counts at the last example
# of each group of tied scores), $R_0 = 0$. Compared with `sklearn.metrics.average_precision_score(y_true, scores)`.

# %% nbgrader={"grade": false, "grade_id": "average_precision", "locked": false, "schema_version": 3, "solution": true, "task": false}
def average_precision(y_true, scores):
    """Σ (R_n − R_{n−1}) P_n over the distinct scores as thresholds, from the highest down (ties together)."""
    ### BEGIN SOLUTION
    y = np.asarray(y_true, dtype=float)
    s = np.asarray(scores, dtype=float)
    order = np.argsort(-s, kind="stable")
    y, s = y[order], s[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]     # the last example of each group of tied scores
    tp = np.cumsum(y)[last]
    precision = tp / (last + 1)
    recall = tp / tp[-1]
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "average_precision_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Scores 0.9 (+), 0.8 (+ and − tied), 0.3 (−), 0.1 (+): thresholds 0.9, 0.8, 0.3, 0.1 give (R, P) =
# (1/3, 1), (2/3, 2/3), (2/3, 1/2), (1, 3/5), so AP = 1/3 · 1 + 1/3 · 2/3 + 0 + 1/3 · 3/5.
ap_y = np.array([1, 1, 0, 0, 1])
ap_scores = np.array([0.9, 0.8, 0.8, 0.3, 0.1])
expect_close(average_precision(ap_y, ap_scores), (1 + 2 / 3 + 3 / 5) / 3, rtol=1e-9,
             name="average_precision with a tie between a positive and a negative",
             slips={"walking the examples one at a time without grouping tied scores": (1 + 1 + 3 / 5) / 3,
                    "the trapezoidal area under the precision–recall curve": (1 + 5 / 6 + 0.55) / 3})
expect_unchanged(ap_scores, [0.9, 0.8, 0.8, 0.3, 0.1], "average_precision", "scores", name="scores are left unchanged")
# A perfect ranking gives 1; one tied group of everything gives the share of positives.
expect_close(average_precision(np.array([0, 1, 1, 0]), np.array([0.1, 0.8, 0.7, 0.3])), 1.0, name="a perfect ranking")
expect_close(average_precision(np.array([0, 1, 0, 0]), np.array([0.5, 0.5, 0.5, 0.5])), 0.25,
             name="all scores tied: AP = the share of positives")
print("✓ public checks passed: average_precision")

# %% nbgrader={"grade": true, "grade_id": "average_precision_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 1 to 400 examples, 1 % to 60 % positives, continuous and rounded scores (ties within and across the
# classes), one tied group, only positives, the only positive ranked last. Compared with
# sklearn.metrics.average_precision_score.
# Try them yourself now: check("metrics.average_precision", average_precision)
### BEGIN HIDDEN TESTS
grade("metrics.average_precision", average_precision)
### END HIDDEN TESTS

# %% [markdown]
# Your function on the two test sets of the table (a reference runs until yours is written):

# %%
from course.explorers.metric_board import (reference_average_precision, reference_inertia, reference_log_loss,
                                           reference_wape)

for name, entry in imbalance.items():
    mine = mine_or_reference(average_precision, reference_average_precision, entry["y"], entry["s"])
    print(f"{name:28s} average precision {mine:.4f}   (scikit-learn: {entry['average precision']:.4f})")

# %% [markdown]
# ## 3. Probabilities: the log loss
#
# Threshold metrics judge decisions, ranking metrics judge orderings; neither asks whether a predicted
# **probability** of 0.9 comes true 90 % of the time. The **log loss** (cross-entropy) does: for labels
# $y_i \in \{0, \dots, K-1\}$ and predicted class probabilities $p_{ik}$,
#
# $$\mathrm{LogLoss} = -\frac1n \sum_{i=1}^n \ln p_{i, y_i}
# \;\overset{K = 2}{=}\; -\frac1n \sum_{i=1}^n \bigl[y_i \ln p_i + (1 - y_i) \ln (1 - p_i)\bigr] \;\in [0, \infty),$$
#
# the mean surprise at the truth. It is 0 only for certainty that comes true; "always $\tfrac12$" scores
# $\ln 2 \approx 0.693$ on two classes; one probability of exactly 0 for what happened makes it infinite. It is the
# loss that logistic regression and neural classifiers minimise (week 03's `logistic_loss_and_grad` computed it from
# the weights), and a **proper scoring rule**: its expected value is smallest when the predicted probabilities are
# the true ones, so it rewards **calibration**, not only ranking.
#
# **Clipping.** To keep it finite, scikit-learn clips every probability to $[\varepsilon, 1 - \varepsilon]$ before
# the logarithm. Which $\varepsilon$ changed across versions: up to 1.1 the parameter `eps` defaulted to `1e-15`;
# 1.2 changed the default to `eps="auto"`, the machine epsilon of the probabilities' dtype; 1.3 deprecated the
# parameter and 1.5 removed it: $\varepsilon$ is now always `np.finfo(float).eps` $\approx 2.2 \times 10^{-16}$ for
# float64 — so one probability of 0 for the true class costs $-\ln \varepsilon \approx 36.04$ (it was
# $-\ln 10^{-15} \approx 34.54$). Those are the rules below: the grader compares with the scikit-learn installed here
# (1.9); rows are not renormalised (since 1.5 a row that does not sum to 1 only warns).
#
# **When it misleads.** One confident mistake dominates the mean: a single probability of 0 for what happened costs
# as much as about 700 right answers given with probability 0.95 (below). And it can call a well-ranked model bad
# only because its probabilities are too extreme — which accuracy and ROC-AUC never see (the board of §6 has a
# *confidence* slider for it).
#
# ### Exercise 2 — `log_loss`
#
# `y_true`: integer labels $0, \dots, K-1$ of shape $(n,)$; `proba`: either shape $(n,)$, the probability of class 1
# (binary), or shape $(n, K)$, one row of class probabilities per example. Clip to $[\varepsilon, 1 - \varepsilon]$
# with $\varepsilon$ = `np.finfo(float).eps` (for the binary form, build the two columns $1 - p$ and $p$ first, then
# clip), take the natural logarithm of the true class's probability and return the mean of its negative as a float.
# Compared with `sklearn.metrics.log_loss(y_true, proba, labels=range(K))`.

# %% nbgrader={"grade": false, "grade_id": "log_loss", "locked": false, "schema_version": 3, "solution": true, "task": false}
def log_loss(y_true, proba):
    """Mean −ln p(true class), probabilities clipped to [eps, 1 − eps], eps = np.finfo(float).eps."""
    ### BEGIN SOLUTION
    y = np.asarray(y_true).astype(int)
    P = np.asarray(proba, dtype=float)
    if P.ndim == 1:                                   # binary: the probability of class 1
        P = np.column_stack([1 - P, P])
    eps = np.finfo(float).eps
    P = np.clip(P, eps, 1 - eps)
    return float(-np.mean(np.log(P[np.arange(len(y)), y])))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "log_loss_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Binary, with a confident mistake (p = 0 for a positive: clipped to eps) and a confident hit (p = 1):
# (−ln 0.8 − ln 0.7 − ln eps − ln(1 − eps)) / 4.
ll_y = np.array([1, 0, 1, 1])
ll_p = np.array([0.8, 0.3, 0.0, 1.0])
eps = np.finfo(float).eps
expect_close(log_loss(ll_y, ll_p), (-np.log(0.8) - np.log(0.7) - np.log(eps) - np.log1p(-eps)) / 4, rtol=1e-9,
             name="log_loss with probabilities 0 and 1",
             slips={"clipping at 1e-15 (scikit-learn's default before version 1.2)":
                        (-np.log(0.8) - np.log(0.7) - np.log(1e-15) - np.log1p(-1e-15)) / 4,
                    "the base-2 logarithm (the log loss uses ln)":
                        (-np.log(0.8) - np.log(0.7) - np.log(eps) - np.log1p(-eps)) / 4 / np.log(2),
                    "only the positives' term −y log p (without −(1 − y) log(1 − p))":
                        (-np.log(0.8) - np.log(eps) - np.log1p(-eps)) / 4})
expect_unchanged(ll_p, [0.8, 0.3, 0.0, 1.0], "log_loss", "proba", name="proba is left unchanged")
# "Always ½" on two classes: ln 2. Three classes, rows of probabilities: (−ln 0.7 − ln 0.5) / 2.
expect_close(log_loss(np.array([0, 1, 1, 0]), np.full(4, 0.5)), np.log(2), name="log_loss of always ½")
expect_close(log_loss(np.array([0, 2]), np.array([[0.7, 0.2, 0.1], [0.25, 0.25, 0.5]])),
             (-np.log(0.7) - np.log(0.5)) / 2, name="log_loss with three classes")
print("✓ public checks passed: log_loss")

# %% nbgrader={"grade": true, "grade_id": "log_loss_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: binary and 3 to 5 classes, 1 to 200 examples, probabilities exactly 0 and 1, one example, one
# class only, a class that never occurs. Compared with sklearn.metrics.log_loss (clipping at np.finfo(float).eps).
# Try them yourself now: check("metrics.log_loss", log_loss)
### BEGIN HIDDEN TESTS
grade("metrics.log_loss", log_loss)
### END HIDDEN TESTS

# %% [markdown]
# Both ways it misleads, measured. First, one confident mistake among 1,000 predictions; then the same scores made
# over- and under-confident: $p = \sigma(c \cdot \text{logit})$ for a confidence $c$ — the ranking, so accuracy at
# 0.5 and ROC-AUC, do not change at all; the log loss does, and is smallest near the calibrated $c = 1$.

# %%
one_wrong_y = np.ones(1000, dtype=int)
one_wrong_p = np.full(1000, 0.95)
one_wrong_p[0] = 0.0                                           # certain of the wrong answer, once
confident_mistake = {
    "999 × p = 0.95 right, 1 × p = 0 wrong": mine_or_reference(log_loss, reference_log_loss, one_wrong_y, one_wrong_p),
    "1000 × p = 0.95 right": mine_or_reference(log_loss, reference_log_loss, one_wrong_y, np.full(1000, 0.95)),
    "always ½ (no information)": np.log(2)}
print(pd.Series(confident_mistake, name="log loss").to_string())

calibration_rng = np.random.default_rng(2)
y_cal, z_cal = scored_sample(calibration_rng, 20_000, 0.3)
true_logit = 2.0 * z_cal + np.log(0.3 / 0.7)                   # the true posterior's log-odds of these scores
calibration = pd.DataFrame(
    [{"confidence c": c, "accuracy at 0.5": skm.accuracy_score(y_cal, true_logit * c >= 0),
      "ROC-AUC": skm.roc_auc_score(y_cal, c * true_logit),
      "log loss": mine_or_reference(log_loss, reference_log_loss, y_cal, 1 / (1 + np.exp(-c * true_logit)))}
     for c in (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)]).set_index("confidence c")
calibration

# %% [markdown]
# The single certain mistake costs $36.04 / 1000$ on top of the 0.051 of the others: a log loss of 0.087, against
# 0.051 without it — one example out of a thousand adds 70 %. A model that is ever certain and wrong in production
# gets a huge log loss; clip or smooth its probabilities before you trust one. In the calibration table, accuracy and
# ROC-AUC are the same in every row; the log loss is lowest at $c = 1$ and grows on both sides — almost four times
# larger at $c = 8$ (overconfident) than at $c = 1$.
#
# ## 4. Regression: MSE, RMSE, MAE, R², MAPE
#
# For targets $y_i$ and predictions $\hat y_i$, with errors $e_i = y_i - \hat y_i$:
#
# | metric | formula | range | use it when | it misleads when |
# |---|---|---|---|---|
# | MSE | $\frac1n \sum e_i^2$ | $[0, \infty)$, units² | large errors are much worse than small ones; it is what least squares minimises | one outlier dominates it |
# | RMSE | $\sqrt{\mathrm{MSE}}$ | $[0, \infty)$, units of $y$ | the same, in the target's units | as MSE (it is a monotone function of it) |
# | MAE | $\frac1n \sum \lvert e_i\rvert$ | $[0, \infty)$, units of $y$ | errors should count linearly; robust to outliers | the rare large error is what matters |
# | R² | $1 - \dfrac{\sum e_i^2}{\sum (y_i - \bar y)^2}$ | $(-\infty, 1]$ | a scale-free "share of variance explained" | read as a percentage that cannot be negative; compared across data sets with different spreads |
# | MAPE | $\frac1n \sum \dfrac{\lvert e_i\rvert}{\max(\lvert y_i\rvert, \varepsilon)}$ | $[0, \infty)$ (a fraction; × 100 for %) | errors relative to the size of the target, all targets far from 0 | any target is near 0; it also punishes over-forecasts more than under-forecasts |
#
# You wrote all five in week 03: `check("week03.regression_metrics", regression_metrics)` returns the dict
# `{"mse", "rmse", "mae", "r2", "mape"}` with scikit-learn's MAPE, which divides by $\max(|y_i|, \varepsilon)$ with
# $\varepsilon$ = `np.finfo(float).eps`. (The source's "Σ|y − ŷ|/y × 100 %" is the same up to the mean, the absolute
# value and the percentage.) The examples below use `sklearn.metrics`.
#
# **When MSE misleads: one outlier.** Forty targets predicted well, then one target recorded 10 times too large (a
# typo, a sensor glitch): MSE and RMSE jump, MAE moves a little.

# %%
regression_rng = np.random.default_rng(3)
x_reg = np.linspace(0, 10, 40)
y_reg = 7 + 0.5 * (x_reg - 5) + regression_rng.normal(scale=0.6, size=40)
prediction_reg = 7 + 0.5 * (x_reg - 5)
y_typo = y_reg.copy()
y_typo[7] *= 10                                                  # one target recorded 10 times too large


def regression_row(y, f):
    return {"MSE": skm.mean_squared_error(y, f), "RMSE": skm.root_mean_squared_error(y, f),
            "MAE": skm.mean_absolute_error(y, f), "R²": skm.r2_score(y, f),
            "MAPE": skm.mean_absolute_percentage_error(y, f)}


outlier_table = pd.DataFrame({"clean targets": regression_row(y_reg, prediction_reg),
                              "one target × 10": regression_row(y_typo, prediction_reg)}).T
outlier_table.loc["ratio"] = outlier_table.iloc[1] / outlier_table.iloc[0]
outlier_table

# %% [markdown]
# One bad target out of forty multiplies the MSE by about 115 and the RMSE by about 11, the MAE by about 3; the R²
# falls from 0.82 to just below 0 (the outlier inflates the variance it is measured against, too).
# Whether that is right depends on the question: if the outlier is real and expensive, MSE is telling you
# something; if it is a recording error, MAE (or fixing the data) is the honest summary.
#
# **When R² misleads: it can be negative.** R² compares the model with the constant prediction $\bar y$ *of the data
# it is computed on*. A model worse than that constant has $R^2 < 0$ — it is not a square of anything, and not
# bounded below. A model that was good last year and now predicts the old level:

# %%
drifted_prediction = prediction_reg - 3.0                      # the right slope, the old level: 3 units too low
r2_table = pd.DataFrame({
    "the model": regression_row(y_reg, prediction_reg),
    "the mean of y (the baseline R² compares with)": regression_row(y_reg, np.full(40, y_reg.mean())),
    "the drifted model (3 units too low)": regression_row(y_reg, drifted_prediction)}).T[["MSE", "R²"]]
r2_table

# %% [markdown]
# The mean of $y$ has $R^2 = 0$ by construction; the drifted model, with a perfect slope but the wrong level, is worse
# than that constant and gets $R^2 \approx -2.5$. R² also depends on the spread of the targets: the same errors on a
# test set with a narrower range of $y$ give a lower R², so compare R² only on the same data.
#
# **When MAPE misleads: targets at or near 0.** MAPE divides each error by $|y_i|$. Daily sales of a slow product
# are often 0; an error of 1 unit on such a day is divided by $\varepsilon \approx 2.2 \times 10^{-16}$ and the MAPE
# becomes astronomically large, whatever the model does on the other days. And since the ratio uses the target,
# MAPE is **asymmetric**: forecasting 150 for 100 is a 50 % error, forecasting 100 for 150 only 33 %.

# %%
sales = np.array([3.0, 0.0, 5.0, 2.0, 0.0, 4.0, 6.0, 1.0, 0.0, 3.0])
forecast = np.array([2.5, 1.0, 4.5, 2.0, 0.5, 4.0, 5.0, 1.5, 0.0, 3.5])
zero_days = sales == 0
print(f"MAPE (scikit-learn) with 3 zero-sales days:   {skm.mean_absolute_percentage_error(sales, forecast):.4g}")
print(f"MAPE on the 7 days with sales only:            "
      f"{skm.mean_absolute_percentage_error(sales[~zero_days], forecast[~zero_days]):.4f}")
print(f"the error on one zero day alone: |0 − 1| / eps = {1 / np.finfo(float).eps:.4g}")
print(f"asymmetry: forecast 150 for 100 → {skm.mean_absolute_percentage_error([100], [150]):.3f}, "
      f"forecast 100 for 150 → {skm.mean_absolute_percentage_error([150], [100]):.3f}")

# %% [markdown]
# Two fixes are common. The **symmetric MAPE** divides by the mean of the two magnitudes,
# $\mathrm{sMAPE} = \frac1n \sum \frac{|e_i|}{(|y_i| + |\hat y_i|)/2} \in [0, 2]$: bounded, but a day with $y = 0$ and
# any $\hat y \neq 0$ still scores the maximum 2 (200 %), and $y = \hat y = 0$ is $0/0$. The **weighted absolute
# percentage error** (WAPE, also "MAD/mean ratio") divides the *total* error by the *total* size of the targets:
#
# $$\mathrm{WAPE} = \frac{\sum_i |y_i - \hat y_i|}{\sum_i |y_i|} = \frac{\mathrm{MAE}}{\operatorname{mean}|y|}
# \;\in [0, \infty),$$
#
# defined as soon as one target is nonzero, zero days included, and read as "the error is x % of the volume". It is
# the MAPE in which every day is weighted by its own $|y_i|$ — which is also what it gives up: a small day's relative
# error counts little.
#
# ### Exercise 3 — `wape`
#
# `y_true`, `y_pred`: float arrays of shape $(n,)$ with $\sum |y_i| > 0$ (targets may be 0 or negative). Return
# $\sum |y_i - \hat y_i| / \sum |y_i|$ as a float (a fraction, like scikit-learn's MAPE). Compared with
# `sklearn.metrics.mean_absolute_error(y_true, y_pred) / mean_absolute_error(y_true, 0)`.

# %% nbgrader={"grade": false, "grade_id": "wape", "locked": false, "schema_version": 3, "solution": true, "task": false}
def wape(y_true, y_pred):
    """Weighted absolute percentage error: Σ|y − ŷ| / Σ|y| (a fraction)."""
    ### BEGIN SOLUTION
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    return float(np.abs(y_true - y_pred).sum() / np.abs(y_true).sum())
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "wape_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Errors 2, 2, 0 on targets 10, 20, 40: WAPE = 4 / 70 (the MAPE would be (0.2 + 0.1 + 0) / 3 = 0.1).
wape_y = np.array([10.0, 20.0, 40.0])
expect_close(wape(wape_y, np.array([12.0, 18.0, 40.0])), 4 / 70, name="wape on targets 10, 20, 40",
             slips={"the MAPE, the mean of |y − ŷ| / |y|": 0.1, "a percentage (× 100) instead of a fraction": 400 / 70})
expect_unchanged(wape_y, [10.0, 20.0, 40.0], "wape", "y_true", name="y_true is left unchanged")
# A zero target and a negative one: errors 1, 1, 0, 1 over Σ|y| = 2 + 0 + 4 + 2 = 8 (Σ y would be 4).
expect_close(wape(np.array([2.0, 0.0, 4.0, -2.0]), np.array([1.0, 1.0, 4.0, -1.0])), 3 / 8,
             name="wape with a zero and a negative target", slips={"dividing by Σ y instead of Σ |y|": 3 / 4})
print("✓ public checks passed: wape")

# %% nbgrader={"grade": true, "grade_id": "wape_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 1 to 200 targets of very different sizes, counts with many zeros, targets of both signs, an exact
# prediction. Compared with sklearn.metrics.mean_absolute_error(y, ŷ) / mean_absolute_error(y, 0).
# Try them yourself now: check("metrics.wape", wape)
### BEGIN HIDDEN TESTS
grade("metrics.wape", wape)
### END HIDDEN TESTS

# %% [markdown]
# The three percentage errors on the sales of ten days, with and without the zero days:

# %%
def smape(y, f):
    y, f = np.asarray(y, float), np.asarray(f, float)
    both_zero = (y == 0) & (f == 0)                              # 0/0: counted as a perfect day
    return float(np.mean(np.where(both_zero, 0.0, np.abs(y - f) / np.where(both_zero, 1.0, (np.abs(y) + np.abs(f)) / 2))))


percentage_table = pd.DataFrame(
    [{"days": name, "MAPE": skm.mean_absolute_percentage_error(y, f), "sMAPE": smape(y, f),
      "WAPE": mine_or_reference(wape, reference_wape, y, f), "MAE": skm.mean_absolute_error(y, f)}
     for name, y, f in (("all 10 days", sales, forecast),
                        ("the 7 days with sales", sales[~zero_days], forecast[~zero_days]))]).set_index("days")
percentage_table

# %% [markdown]
# MAPE jumps by fifteen orders of magnitude when the zero days come in; sMAPE more than triples (the two zero days
# with a wrong forecast score 200 % each); WAPE moves from 0.125 to 0.1875, because the zero days add 1.5 units of
# error and no volume. The board in §6 shows the same with a slider.
#
# ## 5. Clustering: inertia, the silhouette, Davies–Bouldin
#
# Without labels, a clustering is judged by its geometry. For points $x_i$, clusters $C_1, \dots, C_k$ with centres
# $\mu_j$:
#
# | metric | formula | range | use it when | it misleads when |
# |---|---|---|---|---|
# | inertia (within-cluster sum of squares) | $\sum_i \min_j \lVert x_i - \mu_j\rVert^2$ | $[0, \infty)$, lower = tighter | comparing k-means runs with the same $k$ on the same data | choosing $k$: it always falls as $k$ grows |
# | silhouette | $s(i) = \dfrac{b(i) - a(i)}{\max(a(i), b(i))}$, averaged | $[-1, 1]$, higher = better separated | comparing $k$ for compact, round clusters | clusters are not convex (rings, moons) |
# | Davies–Bouldin | $\frac1k \sum_j \max_{l \neq j} \dfrac{s_j + s_l}{\lVert \mu_j - \mu_l\rVert}$ | $[0, \infty)$, lower = better | the same, cheaper than the silhouette | the same: it measures distances to centres |
#
# ($a(i)$: the mean distance from $x_i$ to the rest of its cluster, $b(i)$: to the nearest other cluster; $s_j$: the
# mean distance of cluster $j$'s points to its centre.) You wrote the silhouette and Davies–Bouldin in week 05:
# `check("week05.silhouette_samples", silhouette_samples)` and `check("week05.davies_bouldin", davies_bouldin)`;
# your `kmeans` there returned the inertia of its final centres as its third value. Here the inertia is a function
# of its own, for any centres — the number k-means minimises and `KMeans` reports as `inertia_`.
#
# ### Exercise 4 — `inertia`
#
# `X`: an array $(n, d)$; `centers`: an array $(k, d)$. Assign each point to its **nearest** centre (Euclidean) and
# return the **sum** of the **squared** distances as a float. Compared with scikit-learn: a `KMeans` whose
# `cluster_centers_` are exactly `centers` (fitted on the centres themselves with `init=centers`, so nothing moves)
# scores `X` with minus its inertia, `-KMeans(...).score(X)`; for centres `KMeans` fitted on `X`, that is its
# `inertia_`.

# %% nbgrader={"grade": false, "grade_id": "inertia", "locked": false, "schema_version": 3, "solution": true, "task": false}
def inertia(X, centers):
    """Σ over the points of the squared Euclidean distance to the nearest centre."""
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    centers = np.asarray(centers, dtype=float)
    squared = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)     # (n, k)
    return float(squared.min(axis=1).sum())
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "inertia_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Points (0, 0), (1, 0) near the centre (0.5, 0): 0.25 each; (4, 0), (5, 1) near (4.5, 0.5): 0.5 each. Sum 1.5.
inertia_X = np.array([[0.0, 0.0], [1.0, 0.0], [4.0, 0.0], [5.0, 1.0]])
inertia_centers = np.array([[0.5, 0.0], [4.5, 0.5]])
expect_close(inertia(inertia_X, inertia_centers), 1.5, name="inertia of four points and two centres",
             slips={"the sum of plain distances (not squared)": 1 + np.sqrt(2),
                    "the mean of the squared distances instead of their sum": 0.375})
expect_unchanged(inertia_X, [[0.0, 0.0], [1.0, 0.0], [4.0, 0.0], [5.0, 1.0]], "inertia", "X", name="X is left unchanged")
# One centre: the total sum of squares around it. A centre nobody is nearest to adds nothing.
expect_close(inertia(inertia_X, np.array([[2.5, 0.25]])), 17.75, name="inertia with one centre")
expect_close(inertia(inertia_X, np.array([[0.5, 0.0], [4.5, 0.5], [100.0, 100.0]])), 1.5,
             name="inertia with an unused centre")
print("✓ public checks passed: inertia")

# %% nbgrader={"grade": true, "grade_id": "inertia_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: blobs in 2 to 5 dimensions with the centres of a fitted KMeans, arbitrary centres, one centre, an
# unused centre, a single point, data far from the origin, every point its own centre. Compared with
# -KMeans(init=centers, n_init=1, max_iter=1).fit(centers).score(X).
# Try them yourself now: check("metrics.inertia", inertia)
### BEGIN HIDDEN TESTS
grade("metrics.inertia", inertia)
### END HIDDEN TESTS

# %% [markdown]
# **When inertia misleads: it always falls with k.** More centres can only bring each point closer to its nearest
# one (the best $k + 1$ centres are at least as good as the best $k$ plus any extra), so inertia reaches 0 at
# $k = n$. On four blobs, it falls at every $k$; the "elbow" at the true $k = 4$ is where it stops falling *fast*,
# and the silhouette (higher is better) and Davies–Bouldin (lower is better) pick it without squinting.

# %%
X_blobs, _ = make_blobs(n_samples=600, centers=4, cluster_std=1.0, random_state=6)
rows = []
for k in range(1, 11):
    with threadpool_limits(1):      # 600 points are too few to share between threads (on a busy machine, much slower)
        model = KMeans(n_clusters=k, n_init=2, random_state=0).fit(X_blobs)
    rows.append({"k": k, "inertia": mine_or_reference(inertia, reference_inertia, X_blobs, model.cluster_centers_),
                 "KMeans.inertia_": model.inertia_,
                 "silhouette": skm.silhouette_score(X_blobs, model.labels_) if k > 1 else np.nan,
                 "Davies–Bouldin": skm.davies_bouldin_score(X_blobs, model.labels_) if k > 1 else np.nan})
k_table = pd.DataFrame(rows).set_index("k")
fig, axes = plt.subplots(1, 3, figsize=(11, 2.8))
for ax, column in zip(axes, ("inertia", "silhouette", "Davies–Bouldin")):
    ax.plot(k_table.index, k_table[column], "o-")
    ax.axvline(4, color="C3", ls=":", lw=1)
    ax.set(xlabel="k", title=column)
plt.tight_layout()
plt.show()
k_table

# %% [markdown]
# **When the silhouette misleads: clusters that are not convex.** All three scores measure distances to a cluster's
# middle, so they prefer compact, round clusters — the ones k-means makes. Week 05 showed it on two half-moons; on
# two concentric rings it is starker: k-means' cut through both rings, which no person would draw, gets about twice
# the silhouette of the two rings every person sees, and the rings' Davies–Bouldin index is in the hundreds — the two
# rings have (almost) the same centre, so the distance between centres in its denominator is nearly 0.

# %%
X_rings, y_rings = make_circles(n_samples=600, factor=0.4, noise=0.04, random_state=0)
with threadpool_limits(1):
    ring_cut = KMeans(n_clusters=2, n_init=3, random_state=0).fit_predict(X_rings)
rings_table = pd.DataFrame(
    [{"labels": name, "silhouette (higher = better)": skm.silhouette_score(X_rings, labels),
      "Davies–Bouldin (lower = better)": skm.davies_bouldin_score(X_rings, labels)}
     for name, labels in (("the two rings (the truth)", y_rings), ("k-means' straight cut", ring_cut))]).set_index("labels")
fig, axes = plt.subplots(1, 2, figsize=(7, 3.2))
for ax, (name, labels) in zip(axes, (("the two rings (the truth)", y_rings), ("k-means' straight cut", ring_cut))):
    ax.scatter(*X_rings.T, c=labels, cmap="coolwarm", s=6)
    ax.set_title(f"{name}\nsilhouette {skm.silhouette_score(X_rings, labels):.2f}", fontsize=9)
    ax.set_aspect("equal")
    ax.set_xticks([]), ax.set_yticks([])
plt.tight_layout()
plt.show()
rings_table

# %% [markdown]
# Internal indices compare runs of one method; they cannot tell which *idea* of a cluster is right. With labels for
# even a small sample, an external score (the adjusted Rand index of week 05) answers that question instead.
#
# ## 6. The metric board: every metric at once
#
# Two explorers, each running your functions once they pass their checks.
#
# **(a) Classification.** Each example's probability comes from a score $z \sim \mathcal N(\pm\tfrac{s}{2}, 1)$ by
# class (the *class separation* $s$), turned into the true posterior probability for the chosen *share of
# positives*, then made over- or under-confident by the *confidence* slider (1 = calibrated). The *threshold*
# moves the six bars (accuracy, balanced accuracy, precision, recall, F1, MCC) and the operating point on the ROC and
# precision–recall curves; ROC-AUC, the average precision and the log loss stay where they are — they have no
# threshold. Things to try:
#
# * Share of positives 0.02, threshold 0.9: accuracy sits at the dotted line of "always negative" while recall
#   collapses. Move the threshold down: accuracy barely moves, recall and F1 change a lot.
# * Move the share of positives between 0.5 and 0.02: the ROC-AUC hardly changes, the precision–recall curve sinks.
# * Confidence 4: the bars, the curves and the AUC move little or not at all (the ranking is the same; only where the
#   threshold cuts it shifts), the log loss grows. Confidence 0.3: the same, from the other side.
# * Find the threshold of the highest F1 (the status line gives it); it is rarely 0.5 when the classes are imbalanced.

# %%
from course.explorers.metric_board import metric_board_explorer, outlier_metrics_explorer

metric_board_explorer(log_loss, average_precision)

# %% [markdown]
# **(b) Regression.** Forty targets, predicted by the true line. The *outlier* slider adds an error to one target
# (the predictions stay); the right panel shows how much each metric grows, relative to its value without the
# outlier. The *level* slider moves every target and prediction together: the errors, and so MSE, RMSE and MAE, stay
# exactly the same, while MAPE explodes as the smallest target approaches 0 (try level 0), and WAPE grows only
# as much as the total volume shrinks. Notice too that the MAPE curve flattens as the outlier grows: the outlier's own
# relative error $|o| / |y + o|$ tends to 1, so MAPE is *robust* to huge targets and fragile at small ones.

# %%
outlier_metrics_explorer(wape)

# %% [markdown]
# ## 7. The reference as a table
#
# The whole reference in one DataFrame: what each metric measures, its range, when to use it, when it misleads and
# where you implemented it.

# %%
reference_table = pd.DataFrame([
    ("classification", "accuracy", "(TP + TN) / n", "[0, 1]", "balanced classes, equal costs",
     "rare positives: 'always negative' scores 1 − π", "week03.classification_metrics"),
    ("classification", "precision", "TP / (TP + FP)", "[0, 1]", "false positives are costly",
     "few predictions: one sure hit gives 1", "week03.classification_metrics"),
    ("classification", "recall", "TP / (TP + FN)", "[0, 1]", "false negatives are costly",
     "predict everyone positive: 1 for free", "week03.classification_metrics"),
    ("classification", "F1", "2PR / (P + R)", "[0, 1]", "balance precision and recall",
     "unequal costs (use F-beta); ignores TN", "week03.classification_metrics"),
    ("classification", "ROC-AUC", "P(s+ > s−)", "[0, 1], 0.5 random", "ranking quality, any class balance",
     "heavy imbalance: high AUC, low precision", "week03.roc_auc"),
    ("classification", "average precision", "Σ (R_n − R_{n−1}) P_n", "[0, 1], π random", "rare positives",
     "not comparable across different shares π", "metrics.average_precision"),
    ("classification", "log loss", "−mean ln p(true class)", "[0, ∞)", "probabilities must be calibrated",
     "one confident mistake dominates", "metrics.log_loss"),
    ("regression", "MSE", "mean (y − ŷ)²", "[0, ∞)", "large errors are much worse", "one outlier dominates",
     "week03.regression_metrics"),
    ("regression", "RMSE", "√MSE", "[0, ∞)", "MSE in the target's units", "as MSE", "week03.regression_metrics"),
    ("regression", "MAE", "mean |y − ŷ|", "[0, ∞)", "robust to outliers", "the rare large error matters",
     "week03.regression_metrics"),
    ("regression", "R²", "1 − SS_res / SS_tot", "(−∞, 1]", "scale-free comparison on one data set",
     "negative when worse than the mean; depends on the spread of y", "week03.regression_metrics"),
    ("regression", "MAPE", "mean |y − ŷ| / |y|", "[0, ∞)", "relative errors, targets far from 0",
     "targets near 0 (÷ eps); asymmetric", "week03.regression_metrics"),
    ("regression", "WAPE", "Σ|y − ŷ| / Σ|y|", "[0, ∞)", "relative error with zero targets (volumes)",
     "small targets count little", "metrics.wape"),
    ("clustering", "inertia", "Σ min_j ‖x − μ_j‖²", "[0, ∞)", "k-means runs with the same k",
     "always falls as k grows", "metrics.inertia (and week05.kmeans)"),
    ("clustering", "silhouette", "mean (b − a) / max(a, b)", "[−1, 1]", "choosing k for round clusters",
     "non-convex clusters (rings, moons)", "week05.silhouette_samples"),
    ("clustering", "Davies–Bouldin", "mean_j max_l (s_j + s_l) / d(μ_j, μ_l)", "[0, ∞)", "the same, cheaper",
     "non-convex clusters", "week05.davies_bouldin"),
], columns=["task", "metric", "formula", "range", "use it when", "it misleads when", "graded in"]).set_index(["task", "metric"])
reference_table

# %% [markdown]
# ## 8. Checkpoint: which metric misleads here?
#
# Five questions, checked when the notebook is graded (the cell under each answer only checks its format), and one
# answer in your own words.
#
# **Q1.** A screening test is run on 1,000 people, 20 of whom are sick. It flags 50 people, 15 of them sick. What is
# its F1 score? (A number; three significant digits are enough.)

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q1", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q1_answer to a number.
### BEGIN SOLUTION
q1_answer = 2 * 15 / (2 * 15 + 35 + 5)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q1_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q1_answer, (int, float, np.floating, np.integer)) and not isinstance(q1_answer, bool),
            f"q1_answer should be a number; got {q1_answer!r}.", name="q1_answer is a number")
print("q1_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q1_answer, 30 / 70, rtol=5e-3, name="the answer to question 1 (q1_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q2.** A fraud model is evaluated on a month of card payments, 0.2 % of them fraudulent. Its report says
# "accuracy 99.8 %, ROC-AUC 0.97". Which statement is right?
#
# - (a) Accuracy 99.8 % shows the model catches almost all fraud.
# - (b) ROC-AUC 0.97 means that 97 % of the payments it flags are fraudulent.
# - (c) Both numbers can hold while most flagged payments are legitimate: with 499 legitimate payments per fraud,
#   even a small false positive rate swamps the frauds; report the precision–recall curve and its average precision
#   (compared with 0.002, a random ranking's).
# - (d) The log loss would be the only honest metric, because it does not depend on the share of fraud.

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
# **Q3.** Targets $y = (1, 2, 3, 4)$, and a model that predicts 10 for every example. What is its $R^2$? (A number.)

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q3", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q3_answer to a number.
### BEGIN SOLUTION
q3_answer = 1 - (81 + 64 + 49 + 36) / (2.25 + 0.25 + 0.25 + 2.25)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q3_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q3_answer, (int, float, np.floating, np.integer)) and not isinstance(q3_answer, bool),
            f"q3_answer should be a number; got {q3_answer!r}.", name="q3_answer is a number")
print("q3_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q3_answer, -45.0, rtol=5e-3, name="the answer to question 3 (q3_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q4.** A shop forecasts the daily sales of each product; many products sell nothing on most days. The
# forecasting team reports a MAPE of $3 \times 10^{13}$. What does it mean, and what should they report?
#
# - (a) The forecasts are useless: they are off by $3 \times 10^{15}$ % on average.
# - (b) The zero-sales days make $|y - \hat y| / |y|$ divide by machine epsilon, so a few of them decide the number;
#   report the WAPE $\sum|y - \hat y| / \sum |y|$ (or the MAE) instead.
# - (c) Switch to the MSE: it is scale-free, so zero days cannot distort it.
# - (d) Switch to R², which is always between 0 and 1 and therefore comparable across products.

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
# **Q5.** You run k-means for $k = 1, \dots, 10$ on a data set and the inertia falls at every step, from 5,000 to 300.
# Which conclusion is right?
#
# - (a) $k = 10$ is the best clustering, because its inertia is the lowest.
# - (b) Inertia always falls (or stays) as $k$ grows, so its minimum says nothing about $k$; look for the elbow, or
#   compare the silhouette or Davies–Bouldin across $k$ — and check that the clusters are roughly round, since all
#   three assume it.
# - (c) The data have no clusters, since inertia did not stop falling.
# - (d) Standardise the inertia by $k$ and pick the minimum of inertia $/ k$.

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

# %% [markdown] nbgrader={"grade": false, "grade_id": "choose_metrics_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Q6 (written, 2 points, graded by a person).** *Which metric would you report, and which would mislead?* Pick a
# problem of your own (for example: flagging fraudulent insurance claims, forecasting the weekly demand of each item
# in a shop, or grouping customers into segments) and say, in a paragraph: which metric (or two) you would report
# to the people who decide, and why it matches what an error costs them; one metric from the reference that would
# mislead on this problem, with the concrete way it would (the numbers of this notebook may help); and how you would
# pick a threshold, or compare two models, with your metric. Write your answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "choose_metrics", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# Problem: flagging fraudulent insurance claims for a team of investigators who can review about 200 claims a week,
# out of 20,000, of which roughly 0.5 % are fraudulent. What an error costs: a missed fraud costs the payout
# (thousands), a false flag costs an investigator's hour. I would report the **precision at the review capacity**
# (of the 200 claims we flag each week, how many are fraud) together with the **recall** at that cut (the share of
# all fraud we catch), and the **average precision** to compare models independently of the capacity. Accuracy would
# mislead completely: "never fraud" scores 99.5 %. ROC-AUC would mislead more subtly: with 199 honest claims per
# fraudulent one, a model with AUC 0.95 can still flag mostly honest claims (as the 1 %-positives example above, with
# AUC 0.92 and a precision of 0.20 at half the positives found). The threshold comes from the capacity (flag the
# 200 highest scores) or from the costs (flag when p · payout > the cost of an investigation, which needs calibrated
# probabilities, so I would also watch the log loss or a calibration curve); two models are compared on the same
# held-out weeks by their precision at 200 and their average precision, with a bootstrap interval, since 100 frauds
# a week make these numbers noisy.

# %% [markdown]
# ## Summary
#
# * A **threshold** turns scores into decisions and four counts; **accuracy** misleads under imbalance (the
#   majority rule scores $1 - \pi$), **precision** and **recall** must be read together, **F1** weighs them
#   equally (**F-beta** does not), **MCC** uses all four cells.
# * **ROC-AUC** judges the ranking and ignores the class balance — which hides the false alarms of rare-positive
#   problems; the **precision–recall curve** and **average precision** show them.
# * The **log loss** judges probabilities: a proper scoring rule that rewards calibration, infinite for certainty
#   that is wrong (scikit-learn clips at machine epsilon), dominated by confident mistakes.
# * **MSE/RMSE** follow the large errors, **MAE** the typical one; **R²** is negative for a model worse than the
#   mean; **MAPE** breaks at zero targets (÷ eps) and is asymmetric; **WAPE** = Σ|e| / Σ|y| is the usual fix.
# * **Inertia** compares k-means runs with the same $k$ and always falls with $k$; the **silhouette** and
#   **Davies–Bouldin** choose $k$ for round clusters and mislead on rings and moons.

# %%
print(f"the whole notebook ran in {time.perf_counter() - notebook_started:.0f} s")
