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
# # Week 12 — MLOps II: monitoring, drift, CI/CD, feature stores and the Phase 6 capstone
#
# Week 11 ([release/week11/week11.ipynb](../week11/week11.ipynb)) got a model out of the notebook: tracked in
# MLflow, packaged, served behind a FastAPI endpoint. This week is about what happens **after** the deployment.
# The world keeps moving and the model does not: customers change, sensors age, a partner starts sending a new
# category, a pandemic rewrites what "normal" means. A deployed model needs the same care as any production
# service — measurements, alarms, tests before every release and a way to roll forward — plus one thing other
# services do not need: a way to notice that the *data* changed, and to retrain.
#
# | § | topic | you implement |
# |---|---|---|
# | 1 | what to monitor: inputs, predictions, outcomes, latency; the prediction log | |
# | 2 | data drift, concept drift and label shift, each simulated | |
# | 3 | two-sample statistics: Kolmogorov–Smirnov and the population stability index | `ks_statistic`, `psi` |
# | 4 | categorical features, chi-square and Jensen–Shannon; a drift report per feature | `drift_report` |
# | 5 | many features × many windows: false alarms, Bonferroni and Benjamini–Hochberg; window sizes | |
# | 6 | performance with delayed labels; calibration | `calibration_curve` |
# | 7 | alerting thresholds and automated retraining triggers; the drift simulator | `should_retrain` |
# | 8 | CI/CD for ML: tests for data, models and code; a gated training pipeline; GitHub Actions | `promotion_gate` |
# | 9 | feature stores: offline and online features, training–serving skew, point-in-time joins | `point_in_time_join` |
# | 10 | capstone: train → register → serve → log → drift alarm → retrain → gate → promote | |
# | 11 | checkpoint: can you deploy a model with monitoring and automated retraining? | four questions + one written answer |

# %% [markdown]
# ## How to work this week
#
# 1. **Run the cells in order**, from the top (the imports cell first). If something looks odd, use
#    *Kernel → Restart Kernel and Run All Cells*.
# 2. Where a cell says `# YOUR CODE HERE` and `raise NotImplementedError()`, delete the `raise` line and write your
#    implementation with **NumPy and pandas**. The statistics are yours to compute; for the p-values of
#    Exercise 3 you may use SciPy's distributions (`scipy.stats.kstwo`, `scipy.stats.chi2`), never its tests.
# 3. **Run the public test cell** under each exercise: small inputs whose answers you can work out by hand.
# 4. Then try **fresh random inputs** as often as you like, e.g. `check("week12.psi", psi)`. It prints ✓ or what
#    went wrong.
# 5. **Hidden tests** run when the notebook is graded: randomized inputs compared with SciPy (`ks_2samp`,
#    `chi2_contingency`), pandas (`merge_asof`), scikit-learn (`calibration_curve`) and references written
#    independently, plus property checks. If `check(...)` passes reliably, they will pass too.
# 6. The lesson cells after each exercise use your function once it is written (and a reference until then); the
#    drift simulator runs your `ks_statistic`, `psi` and `should_retrain` once they pass their checks.
# 7. Everything this week runs offline and in memory or in temporary folders that are deleted afterwards: no server
#    is left running and no file is left behind.

# %%
# %matplotlib inline
import contextlib
import logging
import os
import sqlite3
import tempfile
import textwrap
import time
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score

from course.checks import expect_close, expect_equal, expect_choice, expect_true, expect_unchanged
from course.exercises import check, grade

np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 3)
week_started = time.perf_counter()


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
# ## 1. What to monitor
#
# A model in production is a function that is called thousands of times a day by code you do not control, on data
# you have never seen. Four things are worth measuring on every call or every window of calls:
#
# | what | examples | needs labels? | catches |
# |---|---|---|---|
# | **inputs** | each feature's distribution, missing values, unseen categories, out-of-range values | no | data drift, broken upstream pipelines, schema changes |
# | **predictions** | the share of each predicted class, the mean score, the score's distribution | no | drift that matters to the model; a model that suddenly says "yes" to everyone |
# | **outcomes** | accuracy, AUC, calibration, business metrics (revenue, complaints) | **yes**, often days or weeks late | concept drift: the real damage |
# | **the service** | latency percentiles, error rates, throughput, memory | no | the engineering failures of week 11 |
#
# All of it starts from one habit: **log every prediction** with what it was made from. A prediction log has one
# row per request: an id, a timestamp, the model's version, the inputs, the output, the latency. The label arrives
# later (the customer repays or defaults, the transaction is or is not reported as fraud) and is joined to the log
# by the request's id. Everything in this week — drift statistics, performance monitoring, retraining, the
# capstone — is a computation on that table.
#
# Our running example is a lending model. Each application has two standardised numeric features `x1` (income) and
# `x2` (debt ratio) and a categorical `channel` (`web`, `mobile`, `store`); the label is whether the loan was repaid.
# The concept, $P(y = 1 \mid x)$, is a fixed function that the simulator knows and the model has to learn. The
# same world drives this week's explorer.

# %%
from course.explorers.drift_monitor import CHANNELS, REFERENCE_MIX, true_logit


def make_applications(n, rng, shift=0.0, spread=1.0, kiosk=0.0, concept=0.0, prior=None):
    """n loan applications: x1 ~ N(shift, spread²), x2 ~ N(0, 1), a channel, and the repaid label from the concept.

    kiosk: the share of a channel never seen before; concept: 0 → the usual concept, 1 → x2's effect reversed;
    prior: if given, the share of repaid loans after resampling by class (label shift: P(x | y) unchanged).
    """
    size = n if prior is None else 4 * n
    x1 = shift + spread * rng.normal(size=size)
    x2 = rng.normal(size=size)
    mix = np.append((1 - kiosk) * REFERENCE_MIX[:3], kiosk)
    channel = rng.choice(len(CHANNELS), size=size, p=mix / mix.sum())
    y = rng.random(size) < 1 / (1 + np.exp(-true_logit(x1, x2, channel == 1, concept)))
    frame = pd.DataFrame({"x1": x1, "x2": x2, "channel": np.array(CHANNELS)[channel], "repaid": y.astype(int)})
    if prior is not None:      # keep each class's rows as they are, change only how many of each there are
        positives = rng.choice(np.flatnonzero(y), size=int(round(prior * n)), replace=False)
        negatives = rng.choice(np.flatnonzero(~y), size=n - len(positives), replace=False)
        frame = frame.iloc[rng.permutation(np.concatenate([positives, negatives]))].reset_index(drop=True)
    return frame


def design(frame):
    """The model's inputs: the two numbers and one-hot channels (web is the baseline)."""
    return np.column_stack([frame["x1"], frame["x2"]] + [frame["channel"] == c for c in CHANNELS[1:]]).astype(float)


world_rng = np.random.default_rng(0)
reference_period = make_applications(3000, world_rng)
model = LogisticRegression(max_iter=500).fit(design(reference_period), reference_period["repaid"])
holdout = make_applications(3000, world_rng)
reference_accuracy = accuracy_score(holdout["repaid"], model.predict(design(holdout)))
print(f"trained on {len(reference_period)} applications; accuracy on fresh ones from the same period: "
      f"{reference_accuracy:.3f}")
reference_period.head()

# %% [markdown]
# Here is what a day of serving looks like in the log. The "service" is the model's `predict_proba` timed call by
# call; labels are revealed for the oldest requests only (the loans that have come to term).

# %%
log_rng = np.random.default_rng(1)
requests = make_applications(400, log_rng)
rows = []
for i, application in enumerate(requests.to_dict("records")):
    started = time.perf_counter()
    probability = float(model.predict_proba(design(pd.DataFrame([application])))[0, 1])
    rows.append({"request_id": f"r{i:04d}", "minute": i * 3.6, "model_version": "1",
                 "x1": application["x1"], "x2": application["x2"], "channel": application["channel"],
                 "p_repaid": probability, "prediction": int(probability >= 0.5),
                 "latency_ms": 1000 * (time.perf_counter() - started)})
prediction_log = pd.DataFrame(rows)
labels = pd.DataFrame({"request_id": prediction_log["request_id"][:250], "repaid": requests["repaid"][:250]})
monitored = prediction_log.merge(labels, on="request_id", how="left")      # labels join later, by request id
monitored["hour"] = (monitored["minute"] // 240).astype(int) * 4
summary = monitored.groupby("hour").agg(
    requests=("request_id", "size"), mean_x1=("x1", "mean"), share_mobile=("channel", lambda c: (c == "mobile").mean()),
    mean_score=("p_repaid", "mean"), p95_latency_ms=("latency_ms", lambda s: s.quantile(0.95)),
    labelled=("repaid", "count"),
    accuracy=("repaid", lambda s: np.nan if s.count() == 0 else
              (monitored.loc[s.index, "prediction"] == s)[s.notna()].mean()))
print("the last rows of the prediction log (labels not in yet: NaN):")
print(monitored.tail(3).round(3).to_string())
print("a monitoring summary per four-hour window:")
summary

# %% [markdown]
# Each column of the summary is something a dashboard would plot and an alert could watch. The latency column is
# the service's business (week 11); the accuracy column is empty for the late windows because their labels have not
# arrived — the **delayed-label problem** that makes input and prediction monitoring necessary: they are available
# immediately.
#
# ## 2. Three ways the world changes
#
# Write the joint distribution of inputs and label two ways: $P(x, y) = P(y \mid x)\,P(x) = P(x \mid y)\,P(y)$.
# What can change:
#
# * **data drift** (covariate shift): $P(x)$ changes, $P(y \mid x)$ stays. Incomes rise, a marketing campaign brings
#   younger applicants. The inputs' statistics see it at once. Whether accuracy suffers depends on whether the model
#   was right in the region the data moved to.
# * **concept drift**: $P(y \mid x)$ changes. The same applicant now repays with a different probability (a
#   recession, a new law, fraudsters adapting to the fraud model). The inputs may look exactly the same: **only
#   outcomes reveal it**, and outcomes come late.
# * **label shift** (prior shift): $P(y)$ changes, $P(x \mid y)$ stays. More defaults overall, each defaulter as
#   before. The input distribution moves too (it is a mixture of the classes), the predictions' mean moves, and a
#   model's calibration and its best threshold change.
#
# We simulate all three, 2,000 applications each, and look at them the way a monitor would.

# %%
scenario_rng = np.random.default_rng(2)
scenarios = {
    "no change": make_applications(2000, scenario_rng),
    "data drift (x1 mean +1.5 sd)": make_applications(2000, scenario_rng, shift=1.5),
    "concept drift (x2's effect reversed)": make_applications(2000, scenario_rng, concept=1.0),
    "label shift (repaid 53% → 20%)": make_applications(2000, scenario_rng, prior=0.2),
}
table = []
for name, frame in scenarios.items():
    scores = model.predict_proba(design(frame))[:, 1]
    table.append({"scenario": name,
                  "KS of x1": stats.ks_2samp(reference_period["x1"], frame["x1"]).statistic,
                  "KS of x2": stats.ks_2samp(reference_period["x2"], frame["x2"]).statistic,
                  "mean score": scores.mean(), "repaid share": frame["repaid"].mean(),
                  "accuracy": accuracy_score(frame["repaid"], scores >= 0.5)})
scenario_table = pd.DataFrame(table).set_index("scenario")
scenario_table

# %%
fig, axes = plt.subplots(1, 4, figsize=(13, 2.8), sharey=True)
for ax, (name, frame) in zip(axes, scenarios.items()):
    ax.hist(reference_period["x1"], bins=40, density=True, alpha=0.5, color="0.5", label="reference")
    ax.hist(frame["x1"], bins=40, density=True, alpha=0.5, color="C0", label="now")
    ax.set_title(f"{name}\naccuracy {scenario_table.loc[name, 'accuracy']:.2f}", fontsize=9)
    ax.set_xlabel("x1")
axes[0].legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# Read the table row by row. Data drift moves the KS statistic of `x1` far from zero (the inputs' monitor fires),
# and accuracy hardly changes: the model's line is still roughly right where the applicants moved. Concept drift is
# invisible to both KS statistics — the inputs are drawn exactly as before — and accuracy falls sharply. Label shift
# shows up everywhere a little: in `x1` and `x2` (repayers have higher incomes and lower debts, and there are fewer
# of them now), in the mean score, and a little in accuracy. The lesson of the table: **input drift is a reason to look, not proof of harm; harm without
# input drift exists; only outcome monitoring sees both.**
#
# ## 3. Two-sample statistics: Kolmogorov–Smirnov and PSI
#
# A drift monitor compares a **reference** sample (the training data, or a known-good period) with the **current**
# window, feature by feature. For a numeric feature the workhorse is the two-sample **Kolmogorov–Smirnov**
# statistic, the largest vertical gap between the two empirical cumulative distribution functions:
#
# $$D = \sup_x \bigl|F_a(x) - F_b(x)\bigr|, \qquad F_a(x) = \frac{\#\{i : a_i \le x\}}{n}.$$
#
# Both $F$ are step functions that only jump at the observed values, so the supremum is reached at one of the
# pooled values: evaluate both CDFs at every value of `a` and `b` and take the largest absolute difference. $D$ is
# between 0 (same empirical distribution) and 1 (no overlap at all); it does not depend on the units of the feature
# (any increasing transformation leaves it unchanged), and under "no drift" its distribution does not depend on the
# feature's distribution either (for a continuous feature), which is what makes a p-value possible (§4).
#
# ### Exercise 1 — `ks_statistic`
#
# `a` and `b` are 1-D arrays of sizes $n, m \ge 1$. Return $D$ as a float. **Ties** matter: `F(x)` counts the
# values *less than or equal to* `x`, so both CDFs must be evaluated only after every copy of a tied value
# (`np.searchsorted(sorted_a, points, side="right")` counts them). Compared with `scipy.stats.ks_2samp(a, b).statistic`.

# %% nbgrader={"grade": false, "grade_id": "ks_statistic", "locked": false, "schema_version": 3, "solution": true, "task": false}
def ks_statistic(a, b):
    """Two-sample Kolmogorov–Smirnov statistic: the largest |F_a(x) − F_b(x)| over the pooled values."""
    ### BEGIN SOLUTION
    a, b = np.sort(np.asarray(a, dtype=float)), np.sort(np.asarray(b, dtype=float))
    points = np.concatenate([a, b])
    cdf_a = np.searchsorted(a, points, side="right") / len(a)      # share of a that is <= each point
    cdf_b = np.searchsorted(b, points, side="right") / len(b)
    return float(np.max(np.abs(cdf_a - cdf_b)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ks_statistic_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# With ties: F_a = (.25, .75, 1, 1, 1) and F_b = (0, .6, .6, .8, 1) at 1, 2, 3, 4, 5; the largest gap is 0.4 at x = 3.
ks_a = np.array([1.0, 2.0, 2.0, 3.0])
ks_b = np.array([2.0, 2.0, 2.0, 4.0, 5.0])
expect_close(ks_statistic(ks_a, ks_b), 0.4, name="ks_statistic with tied values",
             slips={"walking the merged sample one value at a time without grouping tied values": 0.75})
expect_unchanged(ks_a, [1.0, 2.0, 2.0, 3.0], "ks_statistic", "a", name="a is left unchanged")
# b entirely below a: F_b − F_a reaches 1 (the one-sided max(F_a − F_b) is 0 here).
expect_close(ks_statistic(np.array([3.0, 4.0, 5.0]), np.array([1.0, 2.0])), 1.0, name="two samples that do not overlap",
             slips={"the one-sided statistic max(F_a − F_b)": 0.0})
expect_close(ks_statistic(np.array([0.5, 0.1, 0.3]), np.array([0.3, 0.5, 0.1])), 0.0, name="the same sample twice")
print("✓ public checks passed: ks_statistic")

# %% nbgrader={"grade": true, "grade_id": "ks_statistic_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: samples of sizes 1 to 200 (unequal), continuous, rounded and small integers (many ties), identical
# and disjoint samples. Compared with scipy.stats.ks_2samp(a, b).statistic.
# Try them yourself now: check("week12.ks_statistic", ks_statistic)
### BEGIN HIDDEN TESTS
grade("week12.ks_statistic", ks_statistic)
### END HIDDEN TESTS

# %% [markdown]
# The **population stability index** (PSI) comes from credit scoring, where it has been used for decades to decide
# whether a scorecard still describes its applicants. Cut the reference sample into bins, compare the shares
# $e_k$ (expected, reference) and $a_k$ (actual, current) of each bin:
#
# $$\mathrm{PSI} = \sum_k (a_k - e_k)\,\ln\frac{a_k}{e_k} = \mathrm{KL}(a \,\|\, e) + \mathrm{KL}(e \,\|\, a).$$
#
# The second form shows what it is: the **symmetrised Kullback–Leibler divergence** (Jeffreys' divergence) of the
# binned distributions. Each term is $\ge 0$ (the two factors have the same sign), so PSI $\ge 0$, with 0 exactly
# when every bin has the same share. The usual reading: below 0.1 no real change, 0.1–0.25 a moderate shift worth a
# look, above 0.25 a major shift. Unlike KS it has no p-value, and it depends on the binning, so the binning must be
# a rule:
#
# * **bins**: the quantiles of `expected` at $0, \tfrac1B, \dots, 1$ (`np.quantile`, its default linear rule), so
#   each bin holds about $1/B$ of the reference; the outer edges are replaced by $-\infty$ and $+\infty$ so that
#   current values beyond the reference's range still land in a bin; each bin is $[\text{lo}, \text{hi})$, closed
#   on the left (a value equal to an edge belongs to the bin *above* it: `np.searchsorted(inner_edges, x,
#   side="right")` gives each value its bin). Repeated quantiles (ties in `expected`) make empty bins, which add 0.
# * **empty bins**: a share of 0 would make $\ln(a_k/e_k)$ infinite; every share below $\varepsilon = 10^{-4}$ is
#   raised to $\varepsilon$ (no renormalisation).
#
# Because the bins come from `expected`, `psi(expected, actual)` and `psi(actual, expected)` differ in general: the
# formula is symmetric in the shares, the binning is not.
#
# ### Exercise 2 — `psi`
#
# `expected`, `actual`: 1-D arrays; `bins`: the number of quantile bins $B \ge 1$. Return the PSI as a float, with the
# binning rule and the ε above. Compared with a bin-by-bin reference written independently and with the
# properties: 0 for the same sample, ≥ 0, equal to $\mathrm{KL}(a\|e) + \mathrm{KL}(e\|a)$.

# %% nbgrader={"grade": false, "grade_id": "psi", "locked": false, "schema_version": 3, "solution": true, "task": false}
def psi(expected, actual, bins=10):
    """Population stability index of `actual` against `expected`, on `bins` quantile bins of `expected`.

    Bins [lo, hi) with the outer edges at -inf and +inf; shares below 1e-4 raised to 1e-4.
    """
    ### BEGIN SOLUTION
    expected, actual = np.asarray(expected, dtype=float), np.asarray(actual, dtype=float)
    inner = np.quantile(expected, np.linspace(0, 1, bins + 1))[1:-1]     # the outer edges are -inf and +inf
    shares = []
    for x in (expected, actual):
        counts = np.bincount(np.searchsorted(inner, x, side="right"), minlength=bins)
        shares.append(np.maximum(counts / len(x), 1e-4))
    e, a = shares
    return float(np.sum((a - e) * np.log(a / e)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "psi_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# expected 0..4 with 4 bins: inner edges at its quantiles 1, 2, 3; bins (-inf, 1), [1, 2), [2, 3), [3, inf) hold
# shares (.2, .2, .2, .4) of expected and (2, 3, 1, 2) / 8 of actual.
psi_expected = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
psi_actual = np.array([0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 3.0, 4.0])
expect_close(psi(psi_expected, psi_actual, 4), 0.226914509545, rtol=1e-9, name="psi with 4 bins",
             slips={"only one direction, Σ a ln(a / e)": 0.115262774145,
                    "bins closed on the right, (lo, hi]": 0.206165414672,
                    "bins cut at the quantiles of actual": 0.103972077084})
expect_unchanged(psi_actual, [0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 3.0, 4.0], "psi", "actual", name="actual is left unchanged")
# The same sample in another order: every bin has the same share, PSI 0.
expect_close(psi(np.arange(10.0), np.arange(10.0)[::-1], 5), 0.0, name="psi of a sample against itself")
# actual entirely above expected's range: the last bin (open to +inf) gets everything, the empty one gets ε:
# (ε − 0.5) ln(ε / 0.5) + (1 − 0.5) ln(1 / 0.5).
expect_close(psi(np.array([0.0, 1.0, 2.0, 3.0]), np.array([10.0, 11.0]), 2), (0.5 - 1e-4) * np.log(0.5 / 1e-4) + 0.5 * np.log(2.0),
             rtol=1e-9, name="psi when actual lies beyond expected's range")
print("✓ public checks passed: psi")

# %% nbgrader={"grade": true, "grade_id": "psi_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 1 to 20 bins, samples of 30 to 1,000 values shifted and rescaled, small integers (repeated
# quantiles, values on the edges), actual far outside expected's range, the same sample twice. Compared with a
# bin-by-bin reference and the properties above.
# Try them yourself now: check("week12.psi", psi)
### BEGIN HIDDEN TESTS
grade("week12.psi", psi)
### END HIDDEN TESTS

# %% [markdown]
# The two statistics on growing shifts of `x1`, each against the 3,000 reference values (1,000 current values per
# shift). KS grows with the shift like the area between two CDFs would; PSI grows faster (it is a divergence: about
# quadratic for small shifts).

# %%
from course.explorers.drift_monitor import reference_ks_statistic, reference_psi, reference_should_retrain

shift_rng = np.random.default_rng(3)
shifts = [0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5]
shift_table = pd.DataFrame(
    [{"shift (sd)": s,
      "KS": mine_or_reference(ks_statistic, reference_ks_statistic, reference_period["x1"].to_numpy(), current),
      "PSI": mine_or_reference(psi, reference_psi, reference_period["x1"].to_numpy(), current, 10)}
     for s in shifts for current in [shift_rng.normal(loc=s, size=1000)]]).set_index("shift (sd)")
fig, ax = plt.subplots(figsize=(5.5, 3))
ax.plot(shift_table.index, shift_table["KS"], "o-", label="KS statistic")
ax.plot(shift_table.index, shift_table["PSI"], "s-", label="PSI (10 bins)")
ax.axhline(0.25, color="C3", ls=":", lw=1, label="PSI 0.25: 'major shift'")
ax.set_xlabel("mean shift of x1 (standard deviations)")
ax.legend(fontsize=8)
plt.show()
shift_table.T

# %% [markdown]
# ## 4. Categorical features, chi-square, Jensen–Shannon, and a drift report
#
# KS needs an order; a categorical feature has none. Its natural test is the **chi-square test of homogeneity** on
# the $2 \times K$ table of counts, one row for the reference, one for the current window, a column per category.
# With $O_{rk}$ the counts, $E_{rk} = (\text{row total}_r)(\text{column total}_k)/N$ the counts expected if both rows
# came from one distribution,
#
# $$\chi^2 = \sum_{r,k} \frac{(O_{rk} - E_{rk})^2}{E_{rk}}, \qquad \text{p-value} = P\bigl(\chi^2_{K-1} \ge \chi^2\bigr).$$
#
# **Unseen categories** (a channel that did not exist in the reference) are the most common categorical drift of
# all: take the columns of the table from *both* samples, so a new category is a column whose reference count is 0.
# Its expected counts are still positive (the current row has some), and it weighs heavily in $\chi^2$, as it
# should. Dropping it (looking only at the reference's categories) hides exactly the drift you most want to see.
#
# For a numeric feature, the KS statistic's p-value under "no drift" comes from its asymptotic distribution: with
# $n_{\text{eff}} = nm/(n+m)$, $p = P(D_{n_\text{eff}} \ge D)$, which SciPy writes
# `scipy.stats.kstwo.sf(D, round(n * m / (n + m)))` (exactly what `ks_2samp(..., method="asymp")` does; its default
# uses the exact distribution for small samples, which we do not need).
#
# A third statistic is common in drift dashboards: the **Jensen–Shannon divergence**, the average KL divergence of
# each distribution from their mixture $M = (P+Q)/2$, $\mathrm{JS} = \tfrac12\mathrm{KL}(P\|M) + \tfrac12
# \mathrm{KL}(Q\|M)$. It is symmetric, bounded (by $\ln 2$, or by 1 in bits), finite even with empty bins (no ε
# needed), and its square root is a distance — `scipy.spatial.distance.jensenshannon` returns that square root. Like
# PSI it is a size of change, not a test: no p-value, and no dependence on the sample size.

# %%
from scipy.spatial.distance import jensenshannon

channel_now = make_applications(2000, np.random.default_rng(4), kiosk=0.15)["channel"]
shares = pd.DataFrame({"reference": reference_period["channel"].value_counts(normalize=True),
                       "now": channel_now.value_counts(normalize=True)}).reindex(CHANNELS).fillna(0.0)
counts = pd.DataFrame({"reference": reference_period["channel"].value_counts(),
                       "now": channel_now.value_counts()}).reindex(CHANNELS).fillna(0)
chi2, chi2_p, dof, _ = stats.chi2_contingency(counts.T.to_numpy(), correction=False)
print(f"chi-square {chi2:.1f} on {dof} degrees of freedom, p = {chi2_p:.2g}; "
      f"Jensen–Shannon divergence {jensenshannon(shares['reference'], shares['now'], base=2) ** 2:.3f} bits")
shares.T

# %% [markdown]
# ### Exercise 3 — `drift_report`
#
# `reference_df` and `current_df` are DataFrames with the same columns; `alpha` a significance level. Return a
# DataFrame with **one row per column of `reference_df`, in its order, indexed by the column names**, and the
# columns `kind`, `statistic`, `p_value`, `alarm`:
#
# * a **numeric** column (`pd.api.types.is_numeric_dtype`): `kind = "numeric"`, the KS statistic (your
#   `ks_statistic`) and its asymptotic p-value `scipy.stats.kstwo.sf(D, round(n * m / (n + m)))`;
# * any other column (strings): `kind = "categorical"`, the chi-square statistic of the $2 \times K$ table of counts
#   over the categories of **both** samples, **without** the Yates continuity correction, and its p-value
#   `scipy.stats.chi2.sf(statistic, K - 1)`. With a single category in both samples there is nothing to test:
#   statistic 0, p-value 1;
# * `alarm`: `p_value < alpha` (strictly).
#
# Checked against `scipy.stats.ks_2samp(method="asymp")` and `scipy.stats.chi2_contingency(table,
# correction=False)` on randomized shifts of mixed tables.

# %% nbgrader={"grade": false, "grade_id": "drift_report", "locked": false, "schema_version": 3, "solution": true, "task": false}
def drift_report(reference_df, current_df, alpha=0.05):
    """Per feature: kind ("numeric" / "categorical"), statistic (KS / chi-square), p_value, alarm (p < alpha)."""
    ### BEGIN SOLUTION
    import pandas as pd
    from scipy import stats

    rows = []
    for feature in reference_df.columns:
        ref, cur = reference_df[feature], current_df[feature]
        if pd.api.types.is_numeric_dtype(ref):
            d = ks_statistic(ref.to_numpy(dtype=float), cur.to_numpy(dtype=float))
            n, m = len(ref), len(cur)
            rows.append((feature, "numeric", d, float(stats.kstwo.sf(d, round(n * m / (n + m))))))
            continue
        categories = sorted(set(ref) | set(cur))                        # unseen categories get a column too
        if len(categories) < 2:
            rows.append((feature, "categorical", 0.0, 1.0))
            continue
        observed = np.array([[np.sum(ref == c) for c in categories], [np.sum(cur == c) for c in categories]], float)
        expected = observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True) / observed.sum()
        statistic = float(np.sum((observed - expected) ** 2 / expected))
        rows.append((feature, "categorical", statistic, float(stats.chi2.sf(statistic, len(categories) - 1))))
    report = pd.DataFrame(rows, columns=["feature", "kind", "statistic", "p_value"]).set_index("feature")
    report["alarm"] = report["p_value"] < alpha
    return report
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "drift_report_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Ages moved up (D = 0.7); the plan mix gained a category never seen before, "kiosk". Its table over web, store,
# kiosk is [[6, 4, 0], [3, 2, 3]]: chi-square 4.5 on 2 degrees of freedom. Without the kiosk column the
# reference's categories keep their proportions exactly (6:4 and 3:2), and the statistic would be 0.
report_reference = pd.DataFrame({"age": [23.0, 35, 31, 52, 44, 29, 38, 61, 27, 47],
                                 "plan": ["web", "web", "store", "web", "store", "web", "web", "store", "web", "store"]})
report_current = pd.DataFrame({"age": [48.0, 55, 51, 62, 45, 59, 66, 50],
                               "plan": ["web", "kiosk", "store", "kiosk", "web", "store", "kiosk", "web"]})
report = drift_report(report_reference, report_current, 0.05)
expect_equal([str(name) for name in report.index], ["age", "plan"], name="the report's index (the features, in order)")
expect_equal([str(kind) for kind in report["kind"]], ["numeric", "categorical"], name="the kinds")
expect_close(report["statistic"].to_numpy(dtype=float), [0.7, 4.5], rtol=1e-9, name="the statistics (KS, chi-square)",
             slips={"a table of the reference's categories only (dropping the unseen 'kiosk')": [0.7, 0.0]})
expect_close(report["p_value"].to_numpy(dtype=float), [0.0169, 0.105399224562], rtol=1e-6, name="the p-values")
expect_equal([bool(alarm) for alarm in report["alarm"]], [True, False], name="the alarms at alpha = 0.05")
print("✓ public checks passed: drift_report")

# %% nbgrader={"grade": true, "grade_id": "drift_report_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: tables of 45 to 1,000 rows with up to four numeric and two categorical features in random order,
# shifted or not, counts with ties, unseen categories, a single category, alpha 0.01 / 0.05 / 0.1. Compared with
# scipy.stats.ks_2samp(method="asymp") and scipy.stats.chi2_contingency(correction=False).
# Try them yourself now: check("week12.drift_report", drift_report)
### BEGIN HIDDEN TESTS
grade("week12.drift_report", drift_report)
### END HIDDEN TESTS

# %% [markdown]
# The report on the four scenarios of §2 (the three features, 2,000 current rows each against the reference
# period):

# %%
def reference_drift_report(reference_df, current_df, alpha=0.05):
    """SciPy's tests, for the lesson until your drift_report works."""
    rows = []
    for feature in reference_df.columns:
        ref, cur = reference_df[feature], current_df[feature]
        if pd.api.types.is_numeric_dtype(ref):
            result = stats.ks_2samp(ref, cur, method="asymp")
            rows.append((feature, "numeric", float(result.statistic), float(result.pvalue)))
        else:
            categories = sorted(set(ref) | set(cur))
            table = [[np.sum(ref == c) for c in categories], [np.sum(cur == c) for c in categories]]
            statistic, p_value, _, _ = stats.chi2_contingency(table, correction=False) if len(categories) > 1 \
                else (0.0, 1.0, 0, None)
            rows.append((feature, "categorical", float(statistic), float(p_value)))
    report = pd.DataFrame(rows, columns=["feature", "kind", "statistic", "p_value"]).set_index("feature")
    report["alarm"] = report["p_value"] < alpha
    return report


features = ["x1", "x2", "channel"]
pd.concat({name: mine_or_reference(drift_report, reference_drift_report, reference_period[features], frame[features])
           for name, frame in scenarios.items()}, names=["scenario"])

# %% [markdown]
# ## 5. Many features × many windows: false alarms, and how long a window should be
#
# A p-value below 0.05 happens 5% of the time **when nothing changed at all**. A monitor that tests 10 features every
# hour runs 240 tests a day: it will raise about 12 false alarms a day, and the on-call engineer will learn to
# ignore it. If the tests were independent, a window with 10 features would raise at least one false alarm with
# probability $1 - 0.95^{10} \approx 0.40$. We measure it: 10 independent features that never drift, 40 windows of
# 200 rows each, 10 such streams.

# %%
def ks_statistics(reference, windows):
    """The KS statistic of each window (a row of `windows`) against the reference, all windows at once.

    F_window is flat between a window's sorted values x_1 < ... < x_m, so the largest gap sits at one of them: at
    x_j itself, |F_ref(x_j) − j/m|, or just before it, |F_ref(x_j−) − (j−1)/m|. (Exact without ties, which
    continuous simulated data do not have; your ks_statistic handles ties too.)
    """
    reference = np.sort(reference)
    n, m = len(reference), windows.shape[1]
    windows = np.sort(windows, axis=1)
    j = np.arange(1, m + 1) / m
    at = np.abs(np.searchsorted(reference, windows, side="right") / n - j)
    before = np.abs(np.searchsorted(reference, windows, side="left") / n - (j - 1 / m))
    return np.maximum(at.max(axis=1), before.max(axis=1))


def ks_p_values(reference, windows):
    """Asymptotic KS p-values of each window against the reference (as ks_2samp(method="asymp"))."""
    n, m = len(reference), windows.shape[1]
    return stats.kstwo.sf(ks_statistics(reference, windows), round(n * m / (n + m)))


alarm_rng = np.random.default_rng(5)
n_features, n_windows, n_streams, window_rows = 10, 40, 10, 200
p_values = np.stack([np.stack([ks_p_values(alarm_rng.normal(size=1000), alarm_rng.normal(size=(n_windows, window_rows)))
                               for _ in range(n_features)], axis=1) for _ in range(n_streams)])   # (streams, windows, features)
p_values = p_values.reshape(-1, n_features)                                                         # one row per window


def benjamini_hochberg(p, q):
    """True where the Benjamini–Hochberg procedure at false-discovery rate q rejects (row by row)."""
    order = np.argsort(p, axis=-1)
    ranked = np.take_along_axis(p, order, axis=-1)
    k = p.shape[-1]
    below = ranked <= q * np.arange(1, k + 1) / k
    last = np.where(below.any(axis=-1), k - 1 - np.argmax(below[..., ::-1], axis=-1), -1)
    reject_sorted = np.arange(k) <= last[..., None]
    reject = np.zeros_like(reject_sorted)
    np.put_along_axis(reject, order, reject_sorted, axis=-1)
    return reject


false_alarms = pd.Series({
    "each test at 0.05": (p_values < 0.05).any(axis=1).mean(),
    "Bonferroni: each at 0.05 / 10": (p_values < 0.05 / n_features).any(axis=1).mean(),
    "Benjamini–Hochberg, q = 0.05": benjamini_hochberg(p_values, 0.05).any(axis=1).mean()},
    name="share of no-drift windows with at least one alarm")
print(f"{len(p_values)} windows without any drift, {n_features} features each; single tests alarming: "
      f"{(p_values < 0.05).mean():.3f}")
false_alarms.to_frame()

# %% [markdown]
# Two corrections:
#
# * **Bonferroni**: test each of the $k$ features at $\alpha/k$. The chance of any false alarm in a window is then
#   at most $\alpha$, whatever the dependence between the features. Simple and conservative: with many features it
#   misses real but modest drift.
# * **Benjamini–Hochberg** (BH) controls the **false discovery rate** instead: sort the window's $k$ p-values,
#   $p_{(1)} \le \dots \le p_{(k)}$, find the largest $j$ with $p_{(j)} \le q\,j/k$ and alarm on the $j$ smallest.
#   When nothing drifts it behaves like Bonferroni (the table shows it); when several features drift it alarms on
#   more of them, accepting that a share $q$ of the alarms may be false.
#
# The same problem repeats over time: 24 windows a day, each at 5% after correction, still make a false alarm a day.
# Real monitors therefore also demand **persistence** (an alarm in several consecutive windows, §7) and pick the
# level from what a false alarm costs.
#
# **How long should a window be?** Longer windows hold more rows, so a test has more **power** to see a small
# shift; but a window only reports when it is full, so the **delay** from the start of a drift to the alarm grows.
# We measure both for a shift of 0.2 standard deviations in one feature, tested by KS at Bonferroni's $0.05/10$, at
# 100 rows an hour: the power of one window, and the median number of rows (of hours) from the drift's start to the
# first alarm.

# %%
power_rng = np.random.default_rng(6)
reference_sample = power_rng.normal(size=2000)
rows_per_hour, level, trials, horizon = 100, 0.05 / n_features, 100, 48      # 48 hours of data after the drift
window_study = []
for size in (50, 100, 200, 400, 800, 1600):
    count = horizon * rows_per_hour // size
    windows = power_rng.normal(loc=0.2, size=(trials * count, size))
    critical = stats.kstwo.isf(level, round(2000 * size / (2000 + size)))    # p < level exactly when D > critical
    alarmed = ks_statistics(reference_sample, windows).reshape(trials, count) > critical
    hours = np.where(alarmed.any(axis=1), (alarmed.argmax(axis=1) + 1) * size / rows_per_hour, np.inf)
    window_study.append({"rows per window": size, "power of one window": alarmed.mean(),
                         "median hours to the first alarm": np.median(hours),
                         "no alarm within 48 hours": np.isinf(hours).mean(),
                         "false alarms per day without drift": level * 24 * rows_per_hour / size})
window_study = pd.DataFrame(window_study).set_index("rows per window")
fig, ax = plt.subplots(1, 2, figsize=(10, 3))
ax[0].plot(window_study.index, window_study["power of one window"], "o-")
ax[0].set(xscale="log", xlabel="rows per window", ylabel="power", title="power of one window (shift 0.2 sd)")
ax[1].plot(window_study.index, window_study["median hours to the first alarm"], "o-", color="C1")
ax[1].set(xscale="log", xlabel="rows per window", ylabel="hours", title="median delay to the first alarm")
plt.tight_layout()
plt.show()
window_study

# %% [markdown]
# One small window almost never sees a 0.2-sd shift; a very large one nearly always does, but it takes many hours to
# fill. Small windows make up for their weakness by their number — many chances, each unlikely — so the median delay
# changes less than the power does; it is shortest in between, where a window has a fair chance and the windows
# still come often, and longest for the largest windows. What small windows really cost is **false alarms**: every
# window is a test, so at the same level they raise many more false alarms per day (the last column: level × tests
# per day). Window size trades power and delay against false alarms. In practice teams run two monitors: short
# windows with a strict level for sudden breaks (a feature that is suddenly all missing), long windows for slow
# drift — and they size the window for the smallest shift that would matter to the business, not for the smallest
# one the test can find.
#
# ## 6. Performance monitoring with delayed labels; calibration
#
# Outcomes are what you care about, and they arrive late: a loan's repayment after months, a fraud report after
# weeks, a click after seconds. Until they do, the monitor has only inputs and predictions; afterwards, it can
# compute the real metrics **per window of prediction time**, and each window's numbers become final only when its
# last labels are in. Two consequences: a dashboard of recent accuracy is always incomplete for the newest
# windows (show how many labels each point rests on), and a trigger based on outcomes fires with a delay of at least
# the label delay.
#
# Besides accuracy, watch **calibration**: among the applications the model scored 0.8, are 80% repaid? A model
# whose scores are used as probabilities (for pricing, for a threshold chosen on costs) is broken when its
# calibration drifts, even if its ranking (AUC) is intact — and label shift does exactly that. The **calibration
# curve** (reliability diagram) bins the predicted probabilities and plots, for each bin, the fraction of positives
# against the mean prediction; a calibrated model lies on the diagonal.
#
# ### Exercise 4 — `calibration_curve`
#
# `y_true` (0/1), `y_prob` (probabilities in $[0, 1]$), `n_bins`. Use `n_bins` **uniform** bins on $[0, 1]$ with
# scikit-learn's rule: with the inner edges $\tfrac1B, \dots, \tfrac{B-1}{B}$, a probability's bin is the number of
# inner edges **strictly below** it (`np.searchsorted(inner, y_prob, side="left")`): bins are closed on the right,
# $(\tfrac kB, \tfrac{k+1}B]$, and the first also holds 0. Return `(prob_true, prob_pred)`: for each **non-empty**
# bin in increasing order, the fraction of positives and the mean predicted probability (empty bins are dropped).
# Compared with `sklearn.calibration.calibration_curve(y_true, y_prob, n_bins=n_bins, strategy="uniform")`.

# %% nbgrader={"grade": false, "grade_id": "calibration_curve", "locked": false, "schema_version": 3, "solution": true, "task": false}
def calibration_curve(y_true, y_prob, n_bins=5):
    """(prob_true, prob_pred) per non-empty uniform bin, bins closed on the right as in scikit-learn."""
    ### BEGIN SOLUTION
    y_true, y_prob = np.asarray(y_true, dtype=float), np.asarray(y_prob, dtype=float)
    bin_of = np.searchsorted(np.linspace(0, 1, n_bins + 1)[1:-1], y_prob, side="left")
    total = np.bincount(bin_of, minlength=n_bins)
    positives = np.bincount(bin_of, weights=y_true, minlength=n_bins)
    predicted = np.bincount(bin_of, weights=y_prob, minlength=n_bins)
    full = total > 0
    return positives[full] / total[full], predicted[full] / total[full]
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "calibration_curve_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Five bins: 0.2 sits on the edge between bins 0 and 1 and belongs to bin 0, (0, 0.2]; 0.4 to bin 1, (0.2, 0.4].
cal_true = np.array([0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0])
cal_prob = np.array([0.1, 0.2, 0.2, 0.4, 0.7, 0.6, 1.0])
cal_result = calibration_curve(cal_true, cal_prob, 5)
expect_close(cal_result[0], [1 / 3, 1.0, 0.0, 1.0, 1.0], name="prob_true (the fraction of positives per bin)",
             slips={"putting a probability that sits on an inner edge into the bin above": [0.0, 0.5, 0.5, 1.0, 1.0]})
expect_close(cal_result[1], [0.5 / 3, 0.4, 0.6, 0.7, 1.0], name="prob_pred (the mean probability per bin)",
             slips={"putting a probability that sits on an inner edge into the bin above": [0.1, 0.2, 0.5, 0.7, 1.0]})
# Only two of ten bins hold predictions: only those two are returned.
expect_close(calibration_curve(np.array([0.0, 1.0, 1.0]), np.array([0.05, 0.93, 0.97]), 10)[0], [0.0, 1.0],
             name="prob_true with empty bins dropped")
print("✓ public checks passed: calibration_curve")

# %% nbgrader={"grade": true, "grade_id": "calibration_curve_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 3 to 500 predictions, 4 to 15 bins, over- and under-confident models, probabilities on the bin
# edges, many empty bins. Compared with sklearn.calibration.calibration_curve(strategy="uniform").
# Try them yourself now: check("week12.calibration_curve", calibration_curve)
### BEGIN HIDDEN TESTS
grade("week12.calibration_curve", calibration_curve)
### END HIDDEN TESTS

# %% [markdown]
# Our model's reliability diagram before and after the label shift of §2 (the repaid share fell from about 53% to
# 20%, each class's applicants unchanged): the ranking is as good as before, but every score is now too optimistic.

# %%
from sklearn.calibration import calibration_curve as sklearn_calibration_curve

fig, ax = plt.subplots(figsize=(4.2, 4))
for name in ("no change", "label shift (repaid 53% → 20%)"):
    frame = scenarios[name]
    scores = model.predict_proba(design(frame))[:, 1]
    prob_true, prob_pred = mine_or_reference(calibration_curve, lambda y, p, b: sklearn_calibration_curve(y, p, n_bins=b),
                                             frame["repaid"].to_numpy(), scores, 10)
    ax.plot(prob_pred, prob_true, "o-", label=f"{name}: AUC {roc_auc_score(frame['repaid'], scores):.2f}")
ax.plot([0, 1], [0, 1], color="0.6", ls=":", lw=1)
ax.set(xlabel="mean predicted probability", ylabel="fraction repaid", title="reliability diagram")
ax.legend(fontsize=7, loc="upper left")
plt.show()

# %% [markdown]
# ## 7. Alerting thresholds and automated retraining
#
# An alert is a rule on a monitored number, and every rule trades missed problems against false alarms (§5). Three
# ingredients make rules livable:
#
# * a **threshold** tied to what matters: "accuracy below 0.85" because below it the model costs more than the
#   rules it replaced, not because 0.85 is round;
# * **patience**: fire only after several bad windows in a row, which turns a 5% false-alarm rate per window into
#   $0.05^2 = 0.25\%$ for two windows (if independent), at the price of a window or two of delay;
# * a **cool-down** after acting: a retrained model needs time to be deployed and to collect labels of its own;
#   re-firing in the meantime only retrains again on the same data.
#
# **Retraining triggers** come in three kinds: on a **schedule** (every week: simple, wasteful when nothing changes
# and too slow when everything does), on **drift** in the inputs (fast, but drift is not harm, §2) and on
# **performance** from the delayed labels (the real signal, late). Production systems combine them: a schedule as the
# floor, performance as the trigger, input drift as an early warning that a human looks at. A trigger only *starts*
# a training pipeline; whether its model replaces the current one is the promotion gate's decision (§8).
#
# ### Exercise 5 — `should_retrain`
#
# `history`: a 1-D array of a metric per window, higher is better (accuracy from the delayed labels), `NaN` where a
# window's labels have not arrived yet; `policy`: a dict with `threshold`, `patience` and `cooldown`. Walk the
# windows in order and return the **list of window indices** where retraining triggers:
#
# * a window is **bad** when its metric is strictly below `threshold`; a bad window extends the current run of bad
#   windows, any other non-NaN window ends it (the run restarts from 0);
# * a **NaN** window is skipped: it neither extends nor ends the run;
# * when the run reaches `patience` windows, retraining triggers at that window, and the run restarts from 0;
# * after a trigger at window $t$, the windows $t+1, \dots, t+\text{cooldown}$ are ignored altogether.
#
# Graded against this rule on simulated metric streams, and by properties: never a trigger inside a cool-down, never
# before `patience` windows, and the first trigger can only come earlier when the threshold is raised.

# %% nbgrader={"grade": false, "grade_id": "should_retrain", "locked": false, "schema_version": 3, "solution": true, "task": false}
def should_retrain(history, policy):
    """Window indices where retraining triggers: `patience` bad windows (metric < threshold) in a row, NaN windows
    skipped, the next `cooldown` windows ignored after each trigger."""
    ### BEGIN SOLUTION
    threshold, patience, cooldown = policy["threshold"], policy["patience"], policy["cooldown"]
    triggers, run, last = [], 0, None
    for t, value in enumerate(history):
        if last is not None and t - last <= cooldown:
            continue                                   # cooling down after the last trigger
        if np.isnan(value):
            continue                                   # labels not in yet: no evidence either way
        run = run + 1 if value < threshold else 0
        if run >= patience:
            triggers.append(t)
            last, run = t, 0
    return triggers
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "should_retrain_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Windows 1 and 3 are bad with a NaN between them: a run of 2 at window 3 (trigger); 4 and 5 are the cool-down;
# 6 and 7 are bad again: trigger at 7; 8 and 9 are the cool-down.
retrain_history = np.array([0.91, 0.84, np.nan, 0.83, 0.90, 0.82, 0.81, 0.80, 0.79, 0.78])
retrain_policy = {"threshold": 0.85, "patience": 2, "cooldown": 2}
expect_close(should_retrain(retrain_history, retrain_policy), [3, 7], name="should_retrain with a NaN window",
             slips={"counting a NaN window as a good one that ends the run": [6],
                    "keeping the run of bad windows after a trigger, or a cool-down one window too short": [3, 6, 9]})
expect_unchanged(retrain_history, [0.91, 0.84, np.nan, 0.83, 0.90, 0.82, 0.81, 0.80, 0.79, 0.78], "should_retrain",
                 "history", name="history is left unchanged")
# A metric equal to the threshold is not bad.
expect_close(should_retrain(np.array([0.85, 0.85, 0.85]), {"threshold": 0.85, "patience": 1, "cooldown": 0}), [],
             name="windows exactly at the threshold")
print("✓ public checks passed: should_retrain")

# %% nbgrader={"grade": true, "grade_id": "should_retrain_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: metric streams of 0 to 80 windows with dips, values on a grid (some exactly at the threshold),
# up to 30% NaN windows, patience 1 to 4, cool-downs 0 to 10; the rule above and its properties (no trigger in a
# cool-down, none before `patience` windows, the first trigger monotone in the threshold).
# Try them yourself now: check("week12.should_retrain", should_retrain)
### BEGIN HIDDEN TESTS
grade("week12.should_retrain", should_retrain)
### END HIDDEN TESTS

# %% [markdown]
# ### The drift simulator
#
# The explorer below runs the whole monitoring story on a stream of 30 windows. The model was trained once on the
# reference period; from the window chosen with *drift starts at*, the world changes gradually until the last window:
# `x1`'s mean moves (*mean shift*) and its spread grows (*spread ×*), a never-seen channel takes a share of the
# applications (*new category share*), and the concept itself turns (*concept drift*: the effect of `x2` reverses).
# Per window you see the KS statistic of `x1` against its line (p < 0.01 for this window size), the PSI of `x1` and
# of the channel mix against 0.2, and the accuracy — green where the labels have arrived, grey where they are still
# pending (*label delay*). The purple lines are where your `should_retrain` triggers on the accuracy known so far
# (threshold: the reference accuracy minus 0.05, patience 2, cool-down 5), drawn at the window when the triggering
# labels *arrived*.
#
# Things to try:
#
# * the default (a mean shift of 1 sd by the last window): KS alarms a few windows after the drift's start, PSI (whose
#   0.2 line is a rule of thumb, not a test) some windows later; accuracy barely moves, and nothing triggers. Data
#   drift, no harm.
# * mean shift 0, concept drift 1: the input statistics stay flat **and accuracy collapses**; only the labels reveal
#   it, and the trigger comes later the longer the label delay.
# * rows per window 50 vs 1,000 with a small mean shift (0.3): the KS line is much higher for small windows, and
#   the alarms come later or never (§5).
# * new category share 0.3 with no other change: only the channel's PSI sees it (the numeric statistics cannot).

# %%
from course.explorers import drift_explorer

drift_explorer(ks_statistic, psi, should_retrain)

# %% [markdown]
# ## 8. CI/CD for machine learning
#
# **Continuous integration** runs the tests on every change; **continuous delivery** turns every change that passes
# into something deployable, automatically. For ML systems the "change" is not only code: new data and new models
# change the system too, so an ML pipeline tests three things:
#
# | tests for | examples | when |
# |---|---|---|
# | **code** | unit tests of feature functions and of the serving code; the week 11 API contract tested with `TestClient` | every commit |
# | **data** | schema (columns, types), ranges and allowed categories, missing-value rates, row counts, no duplicates, the drift report against the last training set | every new batch of data, before training |
# | **models** | beats a simple baseline and the current champion on a fixed holdout; no slice (channel, region) much worse than the rest; calibration; latency and size budgets; invariance (a name or an id column must not change the prediction) | every trained candidate, before promotion |
#
# The **promotion gate** is the last step: it compares the candidate's metric table with the champion's and with
# fixed budgets, and only a candidate that passes every test replaces the champion. Gates make retraining safe to
# automate: a retraining triggered at 3 a.m. can only ship a model that is at least as good as the one it replaces.
#
# ### Exercise 6 — `promotion_gate`
#
# `candidate` and `champion`: dicts of metric name → value (`champion` may be `None`: the first model ever);
# `tests`: a list of dicts, each with a `name`, a `metric`, a `kind` and a `value`:
#
# * `"min"`: passes when `candidate[metric] >= value`; `"max"`: when `candidate[metric] <= value`;
# * `"beats_champion"` (with `higher_is_better`, True or False): the candidate's **improvement** over the champion,
#   `candidate − champion` for higher-is-better metrics and `champion − candidate` for the others (losses,
#   latency), must be `>= value` (`value` 0: no worse; 0.01: better by 0.01; −0.005: a tolerated regression). With no
#   champion there is nothing to beat: it passes;
# * **ties pass**: a metric exactly at its bound, an improvement exactly equal to `value`;
# * a metric the candidate does not report (missing or NaN) fails its test.
#
# Return `(promote, reasons)`: `promote` is True when no test fails; `reasons` is a list with **one string per failed
# test**, in the order of `tests`, each containing the test's `name` (say why, too). Graded on randomized metric
# tables, with exact ties.

# %% nbgrader={"grade": false, "grade_id": "promotion_gate", "locked": false, "schema_version": 3, "solution": true, "task": false}
def promotion_gate(candidate, champion, tests):
    """(promote, reasons): promote when every test passes; one reason per failed test, naming it."""
    ### BEGIN SOLUTION
    reasons = []
    for test in tests:
        name, metric, kind, value = test["name"], test["metric"], test["kind"], test["value"]
        mine = candidate.get(metric)
        if mine is None or np.isnan(mine):
            reasons.append(f"{name}: the candidate reports no {metric}")
        elif kind == "min" and not mine >= value:
            reasons.append(f"{name}: {metric} = {mine:.4g} is below the floor {value:.4g}")
        elif kind == "max" and not mine <= value:
            reasons.append(f"{name}: {metric} = {mine:.4g} is above the ceiling {value:.4g}")
        elif kind == "beats_champion" and champion is not None and champion.get(metric) is not None:
            gain = mine - champion[metric] if test.get("higher_is_better", True) else champion[metric] - mine
            if not gain >= value:
                reasons.append(f"{name}: improvement on {metric} {gain:+.4g} is less than the required {value:+.4g}")
    return not reasons, reasons
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "promotion_gate_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Accuracy improves by exactly the required 0.125 (a tie: passes); the log loss got worse (higher is not better for
# a loss): that test fails; latency is exactly at its ceiling (passes).
gate_candidate = {"accuracy": 0.875, "log_loss": 0.5, "latency_ms": 20.0}
gate_champion = {"accuracy": 0.75, "log_loss": 0.375, "latency_ms": 12.0}
gate_tests = [{"name": "accuracy gain", "metric": "accuracy", "kind": "beats_champion", "value": 0.125, "higher_is_better": True},
              {"name": "no worse log loss", "metric": "log_loss", "kind": "beats_champion", "value": 0.0, "higher_is_better": False},
              {"name": "latency budget", "metric": "latency_ms", "kind": "max", "value": 20.0}]
gate_promote, gate_reasons = promotion_gate(gate_candidate, gate_champion, gate_tests)
expect_close(float(gate_promote), 0.0, name="the decision (0: keep the champion)")
expect_close([float(test["name"] in " | ".join(gate_reasons)) for test in gate_tests], [0.0, 1.0, 0.0],
             name="which tests the reasons name (accuracy gain, no worse log loss, latency budget)",
             slips={"strict comparisons (a tie must pass)": [1.0, 1.0, 1.0],
                    "comparing the log loss as if higher were better": [0.0, 0.0, 0.0]})
expect_equal(len(gate_reasons), 1, name="one reason per failed test")
# The first model: nothing to beat; only the fixed budgets count.
expect_close(float(promotion_gate(gate_candidate, None, gate_tests)[0]), 1.0, name="the decision without a champion")
print("✓ public checks passed: promotion_gate")

# %% nbgrader={"grade": true, "grade_id": "promotion_gate_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: metric tables of two to five metrics (higher and lower is better), 2 to 9 tests of the three kinds,
# exact ties at bounds and margins, missing metrics, no champion, no tests at all.
# Try them yourself now: check("week12.promotion_gate", promotion_gate)
### BEGIN HIDDEN TESTS
grade("week12.promotion_gate", promotion_gate)
### END HIDDEN TESTS

# %% [markdown]
# A **training pipeline** strings the three kinds of tests together: validate the data, train, evaluate on a fixed
# holdout, gate. Here is a small one; it returns everything a CI job would log. We run it twice: on fresh data from
# the reference period (the candidate is as good as the champion, within the gate's tolerance of 0.01 in AUC, and is
# promoted), and on a batch with a broken upstream column (all `x2` values arrived as 0: the data tests stop the
# pipeline before any training).

# %%
def reference_promotion_gate(candidate, champion, tests):
    reasons = []
    for test in tests:
        mine = candidate.get(test["metric"], np.nan)
        if test["kind"] == "min":
            ok = mine >= test["value"]
        elif test["kind"] == "max":
            ok = mine <= test["value"]
        elif champion is None:
            ok = not np.isnan(mine)
        else:
            gain = (mine - champion[test["metric"]]) * (1 if test.get("higher_is_better", True) else -1)
            ok = gain >= test["value"]
        if not ok:
            reasons.append(f"{test['name']} failed")
    return not reasons, reasons


def data_tests(frame):
    """The checks a batch of training data must pass; returns the list of failures (empty: fine)."""
    failures = []
    if list(frame.columns) != ["x1", "x2", "channel", "repaid"]:
        failures.append(f"schema: columns {list(frame.columns)}")
    if frame.isna().mean().max() > 0.01:
        failures.append("more than 1% missing values in a column")
    for column in ("x1", "x2"):
        if frame[column].std() < 0.1:
            failures.append(f"{column} is (nearly) constant: std {frame[column].std():.3g}")
    unknown = set(frame["channel"]) - set(CHANNELS)
    if unknown:
        failures.append(f"unknown channels {sorted(unknown)}")
    if not frame["repaid"].isin([0, 1]).all():
        failures.append("labels outside {0, 1}")
    return failures


def model_metrics(fitted, frame):
    scores = fitted.predict_proba(design(frame))[:, 1]
    slices = [accuracy_score(frame["repaid"][frame["channel"] == c], scores[frame["channel"] == c] >= 0.5)
              for c in CHANNELS[:3]]
    return {"accuracy": accuracy_score(frame["repaid"], scores >= 0.5), "auc": roc_auc_score(frame["repaid"], scores),
            "worst_channel_accuracy": min(slices)}


GATE = [{"name": "accuracy floor", "metric": "accuracy", "kind": "min", "value": 0.70},
        {"name": "worst channel floor", "metric": "worst_channel_accuracy", "kind": "min", "value": 0.65},
        {"name": "AUC no worse than the champion by 0.01", "metric": "auc", "kind": "beats_champion", "value": -0.01,
         "higher_is_better": True}]


def training_pipeline(train_frame, holdout_frame, champion_model, gate=mine_or_reference):
    failures = data_tests(train_frame)
    if failures:
        return {"stage": "data tests", "promote": False, "reasons": failures}
    candidate = LogisticRegression(max_iter=500).fit(design(train_frame), train_frame["repaid"])
    candidate_metrics = model_metrics(candidate, holdout_frame)
    champion_metrics = model_metrics(champion_model, holdout_frame) if champion_model is not None else None
    promote, reasons = gate(promotion_gate, reference_promotion_gate, candidate_metrics, champion_metrics, GATE)
    return {"stage": "gate", "promote": promote, "reasons": reasons, "candidate": candidate_metrics,
            "champion": champion_metrics, "model": candidate}


pipeline_rng = np.random.default_rng(7)
fresh = make_applications(3000, pipeline_rng)
broken = fresh.assign(x2=0.0)
for name, batch in (("fresh data", fresh), ("x2 broken upstream", broken)):
    outcome = training_pipeline(batch, holdout, model)
    print(f"{name}: stopped at {outcome['stage']}; promote = {outcome['promote']}; reasons = {outcome['reasons']}")
    if "candidate" in outcome:
        print(pd.DataFrame({"candidate": outcome["candidate"], "champion": outcome["champion"]}).T.round(4).to_string())

# %% [markdown]
# In a repository, CI runs this from a **workflow file**. GitHub Actions reads YAML files under
# `.github/workflows/`: *when* to run (`on:` a push, a pull request, a schedule, a manual dispatch), and *jobs* made of
# *steps* on a fresh virtual machine. The workflow below tests the code on every push and pull request; on a weekly
# schedule (or by hand) it also retrains: it fetches the latest data snapshot, runs the data tests, trains, evaluates
# and gates, and only when the gate passes registers the model (the registry of week 11) for deployment, which a
# separate, protected job (`environment: production`, with a required reviewer) performs. We write it to a temporary
# folder and read it back with `yaml.safe_load` to show it is valid YAML with the structure GitHub expects; it is not
# run here.

# %%
import yaml

WORKFLOW = textwrap.dedent("""\
    name: train-and-gate
    on:
      push:
        branches: [main]
      pull_request:
      schedule:
        - cron: "0 3 * * 1"          # Mondays 03:00 UTC: scheduled retraining
      workflow_dispatch:              # a button, and the target of a drift alarm's webhook
    jobs:
      test:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - uses: actions/setup-python@v5
            with:
              python-version: "3.11"
              cache: pip
          - run: pip install -e .[dev]
          - run: pytest tests/unit tests/api          # code: feature functions, the serving contract
      train:
        needs: test
        if: github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'
        runs-on: ubuntu-latest
        env:
          MLFLOW_TRACKING_URI: ${{ secrets.MLFLOW_TRACKING_URI }}
        steps:
          - uses: actions/checkout@v4
          - uses: actions/setup-python@v5
            with:
              python-version: "3.11"
          - run: pip install -e .
          - run: python -m pipeline.fetch_data --snapshot latest
          - run: python -m pipeline.data_tests                 # schema, ranges, missing values, drift report
          - run: python -m pipeline.train --register-if-gate-passes
          - uses: actions/upload-artifact@v4
            with:
              name: gate-report
              path: reports/gate.json
      deploy:
        needs: train
        runs-on: ubuntu-latest
        environment: production       # protected: a person approves
        steps:
          - run: echo "move the 'champion' alias to the newly registered version"
    """)

with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / ".github" / "workflows" / "train.yml"
    path.parent.mkdir(parents=True)
    path.write_text(WORKFLOW)
    workflow = yaml.safe_load(path.read_text())
triggers = workflow[True] if True in workflow else workflow["on"]     # YAML 1.1 reads a bare `on` as True
print("triggers:", list(triggers))
pd.DataFrame([{"job": job, "needs": spec.get("needs", ""), "runs only if": spec.get("if", "always"),
               "steps": len(spec.get("steps", []))} for job, spec in workflow["jobs"].items()]).set_index("job")

# %% [markdown]
# A detail worth knowing: YAML 1.1, which PyYAML implements, reads the bare key `on` as the boolean `True` (as it
# does `yes` and `off`); GitHub's own parser does not. That is why the cell looks the key up as `True`.
#
# What each piece does: `needs:` orders the jobs (no training if the tests fail; no deployment without a gated model);
# `if:` keeps the expensive training to the schedule and the manual trigger; secrets (the tracking server's address)
# come from the repository's settings, never from the file; the gate's report is kept as an artifact, so every
# promotion or refusal is explained after the fact. Continuous **training** is this loop closed: a drift alarm
# (§7) calls the `workflow_dispatch` trigger, and the gate decides.
#
# ## 9. Feature stores
#
# Models rarely eat raw requests. A fraud model wants "the customer's spend over the last 7 days" and "chargebacks in
# the last 30 days"; a recommender wants "the user's last 20 items". These **features** are computed from event
# logs, in two very different places:
#
# * **offline**, for training: over months of history, in batch (SQL, Spark, pandas), each value stamped with the
#   time it refers to — the **offline store** is a big table of `(entity, timestamp, feature values)`;
# * **online**, for serving: the latest value per entity, looked up in milliseconds by key (Redis, DynamoDB, here a
#   dict or SQLite) — the **online store**.
#
# A **feature store** is the system that keeps the two consistent: one definition of each feature, materialised
# into both stores, with point-in-time correct retrieval for training. Its two classic failures are the subject of
# this section: **training–serving skew** and **leakage through time**.
#
# First the events and an offline feature table: customers' card transactions, and for each customer and day the
# spend over the 7 days before that day.

# %%
store_rng = np.random.default_rng(8)
n_customers, n_days = 200, 60
transactions = pd.DataFrame({"entity": store_rng.integers(0, n_customers, 6000).astype(float),
                             "day": store_rng.uniform(0, n_days, 6000),
                             "amount": np.round(store_rng.gamma(2.0, 25.0, 6000), 2)}).sort_values("day")


def spend_7d_offline(transactions, day):
    """The feature as defined: spend over the 7 days before `day` (transactions in [day − 7, day))."""
    window = transactions[(transactions["day"] >= day - 7) & (transactions["day"] < day)]
    return window.groupby("entity")["amount"].sum()


offline_store = pd.concat([spend_7d_offline(transactions, day).rename("spend_7d").reset_index().assign(time=float(day))
                           for day in range(7, n_days + 1)], ignore_index=True)[["entity", "time", "spend_7d"]]
print(f"offline store: {len(offline_store)} rows (entity, time, spend_7d), one per customer and day")
offline_store.head()

# %% [markdown]
# The online store keeps only the latest value per customer, keyed for fast lookup. Here it is an in-memory SQLite
# table, filled ("materialised") from the offline table, and a lookup function that the serving code would call.

# %%
online = sqlite3.connect(":memory:")
latest = offline_store.sort_values("time").groupby("entity").tail(1)
online.execute("CREATE TABLE spend (entity REAL PRIMARY KEY, time REAL, spend_7d REAL)")
online.executemany("INSERT INTO spend VALUES (?, ?, ?)", latest[["entity", "time", "spend_7d"]].itertuples(index=False))
lookup_started = time.perf_counter()
for entity in range(n_customers):
    online.execute("SELECT spend_7d FROM spend WHERE entity = ?", (float(entity),)).fetchone()
lookup_us = (time.perf_counter() - lookup_started) / n_customers * 1e6
print(f"{online.execute('SELECT COUNT(*) FROM spend').fetchone()[0]} customers in the online store; "
      f"a lookup takes about {lookup_us:.0f} µs")
online.close()

# %% [markdown]
# **Training–serving skew** is a feature computed one way for training and another way at serving time. It is
# usually a reimplementation: the data scientists wrote the offline feature in SQL, the backend team wrote the
# online one in Java, and a detail differs. Below, the online code computes "spend over the last 7 days" *including*
# the current day's transactions up to the request, and over `(day − 7, now]`: the same name, different numbers.
# The model sees values it was never trained on, and nobody gets an error.

# %%
def spend_7d_online_buggy(transactions, entity, now):
    """The serving team's version: includes the transactions up to `now` itself."""
    mine = transactions[(transactions["entity"] == entity) & (transactions["day"] > now - 7) & (transactions["day"] <= now)]
    return mine["amount"].sum()


skew_rows = []
for entity, day in zip(store_rng.integers(0, n_customers, 150).astype(float), store_rng.integers(8, n_days, 150)):
    now = day + 0.99                   # a request late in the day
    skew_rows.append({"entity": entity, "offline (as trained)": spend_7d_offline(transactions, day).get(entity, 0.0),
                      "online (as served)": spend_7d_online_buggy(transactions, entity, now)})
skew = pd.DataFrame(skew_rows)
skew["difference"] = skew["online (as served)"] - skew["offline (as trained)"]
print(f"the two values differ for {(skew['difference'].abs() > 0.005).mean():.0%} of requests; "
      f"median difference {skew['difference'].median():.1f}")
skew.describe().loc[["mean", "50%", "max"]]

# %% [markdown]
# The cure is organisational as much as technical: **one definition** of each feature, computed by the same code
# for both stores (the feature store's core promise), and a skew monitor that logs the served feature values (§1)
# and compares them with the offline values recomputed for the same entities and times — a drift report (§4) between
# the two, which should show nothing at all.
#
# **Point-in-time correctness.** To train, each labelled event (a transaction that later turned out to be fraud or
# not, stamped with its time) must get the feature values **as they were known at the event's time**: the latest
# feature row of the same entity stamped *before* the event. A naive join — "the customer's current features" —
# gives the model values computed after the event, which can contain the outcome itself. It trains beautifully and
# fails in production, where the future is not available.
#
# In pandas, this is an **as-of join**: `pd.merge_asof(events, features, by="entity", on="time",
# direction="backward")`, for each event the last feature row with the same entity and `features.time <=
# events.time`, or `<` with `allow_exact_matches=False`. We choose the **strict** version: a feature row stamped at
# the exact moment of the event may have been computed from that very event (a counter updated by the transaction
# it is supposed to help judge), so it is not used.
#
# ### Exercise 7 — `point_in_time_join`
#
# `events`: a DataFrame with columns `entity`, `time` (numbers) and any others (the label, ...); `features`: a
# DataFrame with `entity`, `time` and feature columns; feature timestamps are unique per entity. Return a DataFrame
# with **one row per event, in the events' original order**, holding the events' columns, the feature columns and a
# column **`feature_time`**: the timestamp of the joined feature row. Each event gets the feature row of **its
# entity** with the **latest time strictly before the event's time**; NaN in the feature columns and `feature_time`
# when there is none. Do not modify the inputs (`merge_asof` needs both sorted by time: sort copies, then restore the
# events' order). You may use `pd.merge_asof` — the point is to get its options right — or write it with a loop.
# Compared with `pd.merge_asof(..., by="entity", on="time", direction="backward", allow_exact_matches=False)`, with a
# property check: no joined `feature_time` at or after its event's time.

# %% nbgrader={"grade": false, "grade_id": "point_in_time_join", "locked": false, "schema_version": 3, "solution": true, "task": false}
def point_in_time_join(events, features):
    """Each event with its entity's latest feature row stamped strictly before it (NaN if none), plus that row's
    time as `feature_time`; rows in the events' order."""
    ### BEGIN SOLUTION
    import pandas as pd

    left = events.assign(_row=np.arange(len(events))).sort_values("time", kind="stable")
    right = features.rename(columns={"time": "feature_time"})
    right = right.assign(time=right["feature_time"]).sort_values("time", kind="stable")
    joined = pd.merge_asof(left, right, on="time", by="entity", direction="backward", allow_exact_matches=False)
    joined = joined.sort_values("_row").drop(columns="_row")
    joined.index = events.index
    return joined
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "point_in_time_join_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Entity 1 has features at times 2, 5 and 7; entity 2 at time 4. The event (1, 7) must get the row of time 5, not the
# one written at 7; the event (2, 4) gets nothing (its only row is not strictly earlier); (1, 1) comes before any row.
pit_events = pd.DataFrame({"entity": [1, 2, 1, 1], "time": [3.0, 4.0, 7.0, 1.0], "label": [0, 1, 1, 0]})
pit_features = pd.DataFrame({"entity": [1, 1, 2, 1], "time": [2.0, 5.0, 4.0, 7.0], "spend_7d": [10.0, 25.0, 40.0, 5.0]})
pit_joined = point_in_time_join(pit_events, pit_features)
pit_columns = {name: pit_joined[name].to_numpy(dtype=float) for name in ("time", "spend_7d", "feature_time")}
pit_times_after = pit_events["time"].to_numpy(dtype=float)
expect_close(pit_columns["time"], [3.0, 4.0, 7.0, 1.0], name="the events' times, in their order")
expect_close(pit_columns["spend_7d"], [10.0, np.nan, 25.0, np.nan], name="the joined spend_7d",
             slips={"allow_exact_matches=True (a feature stamped at the event's own time is used)": [10.0, 40.0, 5.0, np.nan],
                    "the latest row whatever its time (the naive join that leaks the future)": [5.0, 40.0, 5.0, 5.0]})
expect_close(pit_columns["feature_time"], [2.0, np.nan, 5.0, np.nan], name="feature_time")
expect_unchanged(pit_times_after, [3.0, 4.0, 7.0, 1.0], "point_in_time_join", "events",
                 name="events is left unchanged (not sorted in place)")
print("✓ public checks passed: point_in_time_join")

# %% nbgrader={"grade": true, "grade_id": "point_in_time_join_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 6 to 100 events of 2 to 6 entities in random order, feature tables in random order, events at the
# exact time of a feature row, before any row, entities without features. Compared with pandas.merge_asof(by="entity",
# on="time", direction="backward", allow_exact_matches=False), and no feature_time at or after its event.
# Try them yourself now: check("week12.point_in_time_join", point_in_time_join)
### BEGIN HIDDEN TESTS
grade("week12.point_in_time_join", point_in_time_join)
### END HIDDEN TESTS

# %% [markdown]
# **The leak, measured.** Fraud labels for 3,000 transactions, and a feature that fraud *causes*: a customer's
# chargeback count, which the bank updates a few days after a fraudulent transaction is reported. Joined point in
# time, the chargebacks a transaction sees are the customer's earlier ones: a weak but honest signal. Joined naively
# (each customer's latest row, computed at the end of the period), the count includes the chargeback of the very
# transaction we are predicting.

# %%
def reference_point_in_time_join(events, features):
    left = events.assign(_row=np.arange(len(events))).sort_values("time")
    right = features.rename(columns={"time": "feature_time"})
    right = right.assign(time=right["feature_time"]).sort_values("time")
    joined = pd.merge_asof(left, right, on="time", by="entity", allow_exact_matches=False)
    return joined.sort_values("_row").drop(columns="_row").set_axis(events.index)


leak_rng = np.random.default_rng(9)
risky = leak_rng.random(n_customers) < 0.15                       # some customers are targeted more often
events = pd.DataFrame({"entity": leak_rng.integers(0, n_customers, 3000).astype(float),
                       "time": np.round(leak_rng.uniform(0, n_days, 3000), 3)})
events["fraud"] = (leak_rng.random(3000) < np.where(risky[events["entity"].astype(int)], 0.12, 0.03)).astype(int)
reported = events[events["fraud"] == 1].assign(time=lambda f: f["time"] + leak_rng.uniform(2, 6, len(f)))
chargeback_rows = []
for entity in range(n_customers):            # one feature row per day per customer: chargebacks so far
    times = np.sort(reported.loc[reported["entity"] == entity, "time"].to_numpy())
    for day in range(1, n_days + 8):
        chargeback_rows.append((float(entity), float(day), float(np.sum(times < day))))
chargebacks = pd.DataFrame(chargeback_rows, columns=["entity", "time", "chargebacks"])

honest = mine_or_reference(point_in_time_join, reference_point_in_time_join, events, chargebacks).fillna({"chargebacks": 0})
naive = events.merge(chargebacks.sort_values("time").groupby("entity").tail(1).drop(columns="time"), on="entity")
train_part = events["time"] < 40          # train on the first 40 days, test on the last 20, as in production
leak_table = {}
for name, frame in (("point-in-time join", honest), ("naive join (latest value)", naive)):
    fitted = LogisticRegression().fit(frame.loc[train_part, ["chargebacks"]], frame.loc[train_part, "fraud"])
    leak_table[name] = {"test AUC as measured offline": roc_auc_score(frame.loc[~train_part, "fraud"],
                                                                    fitted.predict_proba(frame.loc[~train_part, ["chargebacks"]])[:, 1])}
# What the naive model really achieves in production: at serving time only past chargebacks exist.
naive_model = LogisticRegression().fit(naive.loc[train_part, ["chargebacks"]], naive.loc[train_part, "fraud"])
leak_table["naive join (latest value)"]["AUC in production (features as known then)"] = roc_auc_score(
    honest.loc[~train_part, "fraud"], naive_model.predict_proba(honest.loc[~train_part, ["chargebacks"]])[:, 1])
leak_table["point-in-time join"]["AUC in production (features as known then)"] = \
    leak_table["point-in-time join"]["test AUC as measured offline"]
leak_table = pd.DataFrame(leak_table).T
leak_table

# %% [markdown]
# The naive join reports a far better test AUC than the honest one — and it is a lie: in production the model gets
# the features as they are *at that moment*, and its AUC falls to the honest model's level (its ranking is the same
# monotone function of the count; only its false confidence differs). The split by time does not save the naive
# join: the leak is inside each row. Point-in-time joins are the one thing every feature store gets right so that
# its users do not have to.
#
# **What Feast and Tecton add.** [Feast](https://feast.dev) (open source) and Tecton (commercial, built by the
# authors of Uber's Michelangelo) are feature stores: you declare entities, data sources and feature views once
# (in Python), and they give you `get_historical_features(entity_df, features)` — the point-in-time join of this
# section, run on your warehouse (BigQuery, Snowflake, Spark, or local Parquet files) — and `materialize` into an
# online store (Redis, DynamoDB, SQLite) with `get_online_features` for serving from the same definitions; plus a
# registry of features with owners and descriptions, time-to-live for stale values, on-demand transformations
# computed at request time, and (Tecton) managed streaming aggregations and monitoring. This course does not install
# Feast: its dependency tree is heavy (it pulls in a large stack of cloud and serialisation libraries) and slow to
# resolve beside the course's pinned packages, and every idea it implements fits in the pandas above. Adopt one when
# several teams and models share features, or when online features need streaming updates.
#
# ## 10. Capstone: an end-to-end ML system with monitoring
#
# The Phase 6 capstone wires the pieces of weeks 11 and 12 into one system and runs it on a simulated stream: 24
# "days" of loan applications, 400 a day, with a concept drift (the effect of `x2` turns around) starting on day 8.
#
# 1. **train** model v1 on the reference period; **track** it in MLflow (a SQLite store in a temporary folder) and
#    **register** it, with the alias `champion`;
# 2. **serve** the champion through a FastAPI app (`/predict` for a batch of applications, `/health`), called
#    in-process with `TestClient` as in week 11;
# 3. **log** every prediction; labels arrive 3 days late and are joined to the log by request id;
# 4. **monitor** every day: the drift report of the inputs against the training data (Bonferroni over the three
#    features; a drift alarm is raised only when the same feature alarms two days in a row) and the accuracy on the
#    days whose labels are in;
# 5. **trigger**: `should_retrain` on the daily accuracy (threshold 0.05 below the reference, patience 2,
#    cool-down 5 days);
# 6. **retrain** on the four labelled days before the newest one and **gate** the candidate against the champion on
#    the newest labelled day, which the candidate has not seen (`promotion_gate`): an AUC at least the champion's,
#    an accuracy floor;
# 7. **promote**: register the new version and move the `champion` alias; the app serves the new version from the
#    next request on.

# %%
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
import mlflow  # noqa: E402  (after the telemetry switch)
from fastapi import FastAPI  # noqa: E402
with warnings.catch_warnings():            # starlette's note about its HTTP client is not for us
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402
from pydantic import BaseModel  # noqa: E402

for noisy in ("mlflow", "alembic"):          # MLflow sets its loggers to INFO when imported: quiet them afterwards
    logging.getLogger(noisy).setLevel(logging.WARNING)


class Application(BaseModel):
    x1: float
    x2: float
    channel: str


class Batch(BaseModel):
    request_ids: list[str]
    applications: list[Application]


def make_app(registry):
    """The serving app: whatever version the registry's 'champion' alias points to answers."""
    app = FastAPI(title="loan model")

    @app.get("/health")
    def health():
        return {"status": "ok", "model_version": registry["version"]}

    @app.post("/predict")
    def predict(batch: Batch):
        frame = pd.DataFrame([a.model_dump() for a in batch.applications])
        scores = registry["model"].predict_proba(design(frame))[:, 1]
        return {"model_version": registry["version"],
                "predictions": [{"request_id": r, "p_repaid": float(s), "prediction": int(s >= 0.5)}
                                for r, s in zip(batch.request_ids, scores)]}
    return app


def track_and_register(client, fitted, metrics, params, note):
    """One MLflow run (params, metrics, the model's coefficients as an artifact), registered as a new version."""
    with mlflow.start_run(run_name=note) as run:
        mlflow.log_params(params)
        mlflow.log_metrics(metrics)
        mlflow.log_dict({"coef": fitted.coef_.tolist(), "intercept": fitted.intercept_.tolist()}, "model/weights.json")
    version = client.create_model_version("loan-model", f"runs:/{run.info.run_id}/model", run.info.run_id)
    return version.version


DAYS, PER_DAY, DRIFT_DAY, LABEL_DELAY = 24, 400, 8, 3
CAPSTONE_GATE = [{"name": "AUC beats the champion", "metric": "auc", "kind": "beats_champion", "value": 0.0,
                  "higher_is_better": True},
                 {"name": "accuracy floor", "metric": "accuracy", "kind": "min", "value": 0.6}]
capstone_rng = np.random.default_rng(10)
capstone_policy = {"threshold": round(reference_accuracy - 0.05, 3), "patience": 2, "cooldown": 5}
timeline, logs, labelled_days, events_log, alarmed_yesterday = [], [], {}, [], set()
capstone_started = time.perf_counter()
with tempfile.TemporaryDirectory() as store, warnings.catch_warnings():
    warnings.simplefilter("ignore")                      # MLflow's deprecation notes are not the lesson
    store_uri = f"sqlite:///{Path(store) / 'mlflow.db'}"
    mlflow.set_tracking_uri(store_uri)
    mlflow.set_registry_uri(store_uri)                   # the registry too: not whatever a previous run set
    # the artifacts go into the temporary folder too (by default they would land in ./mlruns)
    mlflow.set_experiment(experiment_id=mlflow.create_experiment(
        "week12-capstone", artifact_location=(Path(store) / "artifacts").as_uri()))
    client = MlflowClient()
    client.create_registered_model("loan-model")
    v1_metrics = model_metrics(model, holdout)
    version = track_and_register(client, model, v1_metrics, {"trained_on": "reference period", "C": 1.0}, "v1")
    client.set_registered_model_alias("loan-model", "champion", version)
    registry = {"model": model, "version": version}
    events_log.append((0, f"v{version} trained, registered, champion"))
    with TestClient(make_app(registry)) as api:
        for day in range(DAYS):
            concept = float(np.clip((day - DRIFT_DAY + 1) / 8, 0, 1))
            today = make_applications(PER_DAY, capstone_rng, concept=concept)
            ids = [f"d{day:02d}-{i:03d}" for i in range(PER_DAY)]
            response = api.post("/predict", json={"request_ids": ids, "applications":
                                                   today[["x1", "x2", "channel"]].to_dict("records")})
            served = pd.DataFrame(response.json()["predictions"]).assign(day=day, model_version=response.json()["model_version"])
            logs.append(pd.concat([served, today[["x1", "x2", "channel"]]], axis=1))
            labelled_days[day] = today["repaid"].to_numpy()          # arrives LABEL_DELAY days later
            drift = mine_or_reference(drift_report, reference_drift_report, reference_period[features],
                                      today[features], 0.05 / len(features))
            alarmed_today = {str(f) for f in drift.index[drift["alarm"].to_numpy(dtype=bool)]}
            persistent = sorted(alarmed_today & alarmed_yesterday)   # the same feature two days in a row
            alarmed_yesterday = alarmed_today
            log = pd.concat(logs, ignore_index=True)
            known = [d for d in range(day + 1) if d <= day - LABEL_DELAY]
            accuracy = [np.mean(log.loc[log["day"] == d, "prediction"].to_numpy() == labelled_days[d]) for d in known]
            history = np.array(accuracy + [np.nan] * (day + 1 - len(known)))
            fired = mine_or_reference(should_retrain, reference_should_retrain, history, capstone_policy)
            retrained = ""
            if fired and fired[-1] == len(known) - 1 and known:          # a trigger on the newest labelled day
                recent = [d for d in known[-5:]]
                recent_x = pd.concat([log.loc[log["day"] == d, ["x1", "x2", "channel"]] for d in recent])
                recent_y = np.concatenate([labelled_days[d] for d in recent])
                train_x, test_x = recent_x.iloc[:-PER_DAY], recent_x.iloc[-PER_DAY:]
                train_y, test_y = recent_y[:-PER_DAY], recent_y[-PER_DAY:]
                candidate = LogisticRegression(max_iter=500).fit(design(train_x), train_y)
                test_frame = test_x.assign(repaid=test_y)
                candidate_metrics = model_metrics(candidate, test_frame)
                champion_metrics = model_metrics(registry["model"], test_frame)
                promote, reasons = mine_or_reference(promotion_gate, reference_promotion_gate, candidate_metrics,
                                                     champion_metrics, CAPSTONE_GATE)
                version = track_and_register(client, candidate, candidate_metrics,
                                             {"trained_on": f"days {recent[0]}-{recent[-1]}"}, f"retrain day {day}")
                if promote:
                    client.set_registered_model_alias("loan-model", "champion", version)
                    registry.update(model=candidate, version=version)
                    retrained = f"v{version} promoted"
                else:
                    retrained = f"v{version} rejected: {'; '.join(reasons)}"
                events_log.append((day, f"trigger (labels of day {known[-1]}): {retrained}"))
            timeline.append({"day": day, "concept": concept, "serving": response.json()["model_version"],
                             "drift alarms": int(drift["alarm"].sum()),
                             "persistent drift alarm": ", ".join(persistent),
                             "min p-value": float(drift["p_value"].min()),
                             "accuracy (labels in)": accuracy[-1] if accuracy else np.nan,
                             "true accuracy today": np.mean(served["prediction"].to_numpy() == today["repaid"].to_numpy()),
                             "event": retrained})
        health = api.get("/health").json()
    registered = client.search_model_versions("name = 'loan-model'")
    champion_version = client.get_model_version_by_alias("loan-model", "champion").version
    runs = mlflow.search_runs(experiment_names=["week12-capstone"])[["tags.mlflow.runName", "metrics.auc",
                                                                      "metrics.accuracy"]]
    mlflow.set_tracking_uri("")                         # forget the deleted store
    mlflow.set_registry_uri("")
capstone_seconds = time.perf_counter() - capstone_started
timeline = pd.DataFrame(timeline).set_index("day")
print(f"the whole pipeline ran in {capstone_seconds:.1f} s; {len(registered)} registered versions, champion: "
      f"v{champion_version}; /health says {health}")
for day, what in events_log:
    print(f"  day {day:2d}: {what}")
runs

# %%
fig, axes = plt.subplots(2, 1, figsize=(10, 5), sharex=True)
ax = axes[0]
ax.plot(timeline.index, timeline["true accuracy today"], "o:", color="0.6", label="true accuracy (known only later)")
ax.plot(timeline.index, timeline["accuracy (labels in)"], "o-", color="C2",
        label=f"the newest accuracy known that day (of {LABEL_DELAY} days before)")
ax.axhline(capstone_policy["threshold"], color="C3", ls="--", lw=1, label="retraining threshold")
ax.axvspan(DRIFT_DAY - 0.5, DAYS - 0.5, color="C3", alpha=0.06, lw=0)
ax.set_ylabel("accuracy")
ax.legend(fontsize=7, loc="lower left")
for day, what in events_log[1:]:
    for a in axes:
        a.axvline(day, color="C4" if "promoted" in what else "C1", lw=2, alpha=0.7)
    ax.text(day + 0.1, ax.get_ylim()[1] - 0.03, what.split(": ")[-1][:18], fontsize=7, va="top", color="C4")
axes[1].bar(timeline.index, timeline["drift alarms"], color="C0", alpha=0.7, label="input drift alarms (of 3 features)")
axes[1].step(timeline.index, timeline["serving"].astype(int), where="mid", color="C4", label="model version serving")
axes[1].set(xlabel="day", ylabel="count / version")
axes[1].legend(fontsize=7, loc="upper left")
axes[0].set_title("the capstone's timeline: concept drift from day 8 (red band)", fontsize=10)
plt.tight_layout()
plt.show()
timeline

# %% [markdown]
# Read the timeline from left to right. From day 8 the concept turns; the inputs do not move, so the drift report
# stays quiet: a single-day alarm on one feature now and then (the family-wise 5% of §5), never the same feature two
# days in a row — this is the drift only outcomes reveal. The true accuracy (grey) falls at once, but the monitor
# only learns it three days later, when the labels arrive (green); after two bad labelled days, `should_retrain`
# fires, the pipeline retrains, the gate compares candidate and champion on the newest labelled day, and the new
# version is promoted and served from the next request. The first retraining comes while the concept is still
# turning, and most of its training days come from before the change: it is no worse than the champion, so the gate
# lets it through, but it helps little. After the cool-down the policy fires again; this time the training days
# follow the new concept, and accuracy comes back to about its level before the drift. Two lessons in one run: a
# trigger on delayed labels reacts late and retrains on data that are already old, and a gate protects against a
# worse model, not against a useless one. Every step left a record: the runs and versions in MLflow, the prediction
# log, the gate's reasons.
#
# What a production version adds: the store is a tracking server with a database and an artifact bucket, the app a
# container behind a load balancer (week 11), the loop a scheduler (Airflow, Dagster, the workflow of §8), the log a
# table in a warehouse, and a person approving promotions above a certain risk; the logic is the one above.
#
# ## 11. Checkpoint: can you deploy a model with monitoring and automated retraining?
#
# Four short questions on weeks 11 and 12, checked when the notebook is graded (the cell under each answer only checks
# its format), and one answer in your own words.
#
# **Q1.** A monitor tests 20 independent features every hour, each at level 0.05, and nothing ever drifts. What is
# the probability that a given hour raises at least one alarm? (A number; three significant digits are enough.)

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q1", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q1_answer to a number.
### BEGIN SOLUTION
q1_answer = 1 - 0.95 ** 20
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q1_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q1_answer, (int, float, np.floating, np.integer)) and not isinstance(q1_answer, bool),
            f"q1_answer should be a number; got {q1_answer!r}.", name="q1_answer is a number")
print("q1_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q1_answer, 1 - 0.95 ** 20, rtol=5e-3, name="the answer to question 1 (q1_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q2.** A feature has two bins. In the reference 50% of the values fall in each; in the current window 80% fall in
# the first and 20% in the second. What is the PSI? (A number.)

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q2", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q2_answer to a number.
### BEGIN SOLUTION
q2_answer = (0.8 - 0.5) * np.log(0.8 / 0.5) + (0.2 - 0.5) * np.log(0.2 / 0.5)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q2_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q2_answer, (int, float, np.floating, np.integer)) and not isinstance(q2_answer, bool),
            f"q2_answer should be a number; got {q2_answer!r}.", name="q2_answer is a number")
print("q2_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q2_answer, 0.3 * np.log(1.6) - 0.3 * np.log(0.4), rtol=5e-3, name="the answer to question 2 (q2_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q3.** Your fraud model's input features show no drift at all this month (every KS and PSI is small), yet the
# fraud team says it is missing more fraud than before. Which is the most likely explanation, and what monitor
# would have caught it?
#
# - (a) Data drift; a PSI monitor with more bins would have caught it.
# - (b) A false alarm of the fraud team: without input drift the model cannot have got worse.
# - (c) Concept drift (fraudsters changed tactics: the same inputs now mean something else); only performance
#   monitoring on the delayed labels (recall on reported fraud) catches it.
# - (d) Label shift, which a KS test on the inputs always detects first.

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
# **Q4.** Your retrained model scores AUC 0.97 offline, against 0.81 for the current one, but after deployment it
# does no better than 0.81. Its training set joined each customer's **current** feature values to transactions
# from the last six months. What went wrong?
#
# - (a) The new model overfits because AUC above 0.9 is impossible on fraud data.
# - (b) Future leakage: features computed after each transaction (including consequences of the fraud itself) were
#   joined to it; a point-in-time join (each transaction with the features as known just before it) would have
#   given an honest offline score.
# - (c) Training–serving skew in the model's serialisation format (ONNX instead of pickle).
# - (d) The promotion gate compared the wrong metric; accuracy would have shown the same 0.97.

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

# %% [markdown] nbgrader={"grade": false, "grade_id": "explain_monitoring_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Q5 (written, 3 points, graded by a person).** *Can you deploy a model with monitoring and automated
# retraining?* Pick a model of your own (for example: predicting which customers will cancel their subscription next
# month, or the delivery time of an order) and describe, in a paragraph or two, how you would run it in production:
# how it is packaged, served and versioned; what you log for each prediction; which inputs, predictions and outcomes
# you monitor, with which statistics and window sizes, and how you keep false alarms rare; when your labels arrive
# and what that means for your alerts; what triggers retraining, what the training pipeline tests, and what the
# promotion gate demands before a new version replaces the old one. Name two ways it could still fail silently and
# how you would notice. Write your answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "explain_monitoring", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# Model: monthly churn prediction for a subscription service, a gradient-boosted classifier on about 30 features
# (usage over the last 7/30 days, plan, tenure, support tickets), retrained from the warehouse. Packaging and serving:
# each training run is tracked in MLflow (parameters, metrics, the data snapshot's hash), the model registered and
# exported with its input signature; a FastAPI service in a container loads the version behind the `champion` alias
# and scores a nightly batch (real time is not needed: decisions are made by the retention team each morning).
# Features come from one definition, computed by the same code for training (point-in-time joins on the offline
# table) and for scoring, so there is no skew. Every prediction is logged with the customer id, the scoring date,
# the model version, the feature values and the score.
#
# Monitoring: per nightly batch, a drift report against the training snapshot (KS for numeric features, chi-square
# for plan and country, PSI for the dashboard), Bonferroni over the 30 features, and an alert only when the same
# feature alarms on three nights in a row; the share of customers flagged and the score's distribution (a jump there
# matters more than any single input); missing-value rates and unseen categories as hard data tests that stop the
# batch. Labels (did the customer cancel?) arrive a month late, so the outcome monitor (AUC, precision in the top
# decile, calibration by decile) runs monthly and is the retraining trigger: precision in the top decile below the
# agreed floor for two consecutive months, with a two-month cool-down; input drift only pages a person. The
# training pipeline runs the data tests, trains on the last 12 months, and the gate demands AUC no worse than the
# champion's on the latest labelled month, no segment (plan, country) more than 5 points below average, and the
# scoring time budget; a person approves the alias move. Silent failures: an upstream change that keeps the schema but
# changes a meaning (usage counted in minutes instead of hours: the drift report would fire on that feature, which is
# why it is watched); and a feedback loop, where retention offers given to flagged customers change their outcomes, so
# the labels no longer measure the model — noticed by keeping a small random hold-out group that gets no offers, and
# monitoring the model on it.

# %% [markdown]
# ## Summary
#
# * **Monitor** inputs, predictions, outcomes and the service; it all starts with a **prediction log** joined to the
#   labels when they arrive.
# * **Data drift** changes $P(x)$, **concept drift** $P(y\mid x)$, **label shift** $P(y)$; input statistics see the
#   first and miss the second, which only (delayed) outcomes reveal.
# * **KS** is the largest gap between two empirical CDFs (ties grouped) with a distribution-free p-value; **PSI** is
#   the symmetrised KL divergence on quantile bins of the reference (ε for empty bins); **chi-square** on the
#   2 × K table (unseen categories included) for categories; **Jensen–Shannon** as a bounded size of change.
# * Many features × many windows make false alarms certain: **Bonferroni** or **Benjamini–Hochberg**, and
#   persistence; the **window size** trades power against delay.
# * **Calibration curves** show when scores stop meaning probabilities (label shift does that).
# * Alerts need thresholds tied to costs, **patience** and **cool-downs**; retraining triggers on schedule, drift or
#   performance; the **promotion gate** decides whether a retrained model ships.
# * **CI/CD for ML** tests code, data and models; a workflow file (GitHub Actions) runs it on pushes and schedules.
# * **Feature stores** keep offline and online features consistent (no **training–serving skew**) and join them
#   **point in time** (no leak from the future).
# * The **capstone** ran the loop — train, register, serve, log, detect, retrain, gate, promote — in seconds.
#
# This closes Phase 6 and the course. What to do next: build the capstone for a problem of your own, with a real
# tracking server and a scheduler, and keep it running for a month.

# %%
print(f"the whole week ran in {time.perf_counter() - week_started:.0f} s")
