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
# # Time series — splits that respect time, lag features, baselines, and an LSTM that has to beat them
#
# A time series is a sequence of measurements in time order: sales per day, electricity per hour, patients per week.
# Forecasting it looks like ordinary regression — features in, a number out — but one fact changes everything:
# **the future is not available when you forecast**. Every step of the usual recipe has to respect it: how you split
# the data to evaluate a model, how you build features, what you compare a model with. Get it wrong and the scores
# look wonderful while the forecasts are useless. This elective does it right, on a series small enough to train an
# LSTM on in seconds, offline.
#
# | § | topic | you implement |
# |---|---|---|
# | 1 | a series with a trend, a weekly season and noise; decomposing it by eye | |
# | 2 | why a shuffled K-fold leaks the future (a model scored both ways) | |
# | 3 | splits that respect time: the rolling origin and `TimeSeriesSplit` | `rolling_origin_folds` |
# | 4 | lag features: the past as columns | `lag_features` |
# | 5 | the baselines: naive and seasonal naive | `naive_forecast`, `seasonal_naive_forecast` |
# | 6 | a scale-free error: MASE | `mase` |
# | 7 | the backtest: baselines, a linear model on lags, and an LSTM | |
# | 8 | the backtest explorer: folds, gap, window, lags | |
# | 9 | checkpoint | four questions + one written answer |

# %% [markdown]
# ## How to work this notebook
#
# 1. **Run the cells in order**, from the top (the imports cell first). If something looks odd, use
#    *Kernel → Restart Kernel and Run All Cells*.
# 2. Where a cell says `# YOUR CODE HERE` and `raise NotImplementedError()`, delete the `raise` line and write your
#    implementation with **NumPy** (and pandas where the function takes a Series), without the library function you
#    are compared with (`TimeSeriesSplit`, `Series.shift`).
# 3. **Run the public test cell** under each exercise: small inputs whose answers you can work out by hand.
# 4. Then try **fresh random inputs** as often as you like, e.g. `check("timeseries.mase", mase)`. It prints ✓ or
#    what went wrong.
# 5. **Hidden tests** run when the notebook is graded: random sizes, gaps and windows compared with scikit-learn's
#    `TimeSeriesSplit` (including the settings for which it refuses), random series compared with pandas
#    `shift`, and the forecasts and the error compared with their definitions (scikit-learn's
#    `mean_absolute_error` for MASE), with edge cases. If `check(...)` passes reliably, they will pass too.
# 6. The lesson cells after each exercise use your function once it is written (and a reference until then); the
#    explorer of §8 runs your `rolling_origin_folds`, `seasonal_naive_forecast` and `mase` once they pass their
#    checks.

# %%
# %matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from course.checks import expect_close, expect_equal, expect_choice, expect_true, expect_unchanged
from course.exercises import check, grade
from course.explorers.backtest import (SEASON, daily_rentals, linear_lag_forecast, reference_lag_features,
                                       reference_mase, reference_naive_forecast, reference_rolling_origin_folds,
                                       reference_seasonal_naive_forecast)
from course.variants import parameters, set_student_id, show_question, variant_answer

np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 3)
notebook_started = time.perf_counter()


def mine_or_reference(function, reference, *args, _said=set(), **kwargs):
    """Your function's result when it is written; the reference's until then (so the lesson runs either way)."""
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        if function.__name__ not in _said:          # say it once, not at every call
            print(f"({function.__name__} is not written yet: the lesson uses a reference implementation)")
            _said.add(function.__name__)
        return reference(*args, **kwargs)


# %% [markdown]
# ## 1. A series: trend, season, noise
#
# Our series is generated, so we know exactly what is in it: two years (730 days, from 1 January 2024) of **daily
# rentals at a bike-share station**. It is the sum of
#
# * a **trend**: $200 + 0.12\,t$ rentals on day $t$ (the station gets more popular: about 44 more a day per year);
# * a **weekly season**: weekdays are busy (+10 on Monday up to +20 on Friday), weekends quiet (−30 on Saturday,
#   −45 on Sunday);
# * a **yearly swing** of ±25, highest in summer;
# * **noise** that is *autocorrelated*: an AR(1) process $\varepsilon_t = 0.6\,\varepsilon_{t-1} + \eta_t$ with
#   $\eta_t \sim \mathcal N(0, 8^2)$, so a good day tends to be followed by another good day.
#
# It is a pandas `Series` with a `DatetimeIndex`, the form in which time series usually arrive.

# %%
y = daily_rentals()
print(f"{len(y)} days, from {y.index[0].date()} to {y.index[-1].date()}; index: {type(y.index).__name__}, "
      f"frequency {y.index.freqstr}")
y.head(8).to_frame().assign(weekday=y.index[:8].day_name())

# %%
fig, axes = plt.subplots(2, 1, figsize=(11, 5.2))
axes[0].plot(y.index, y, lw=0.7, color="0.3")
axes[0].plot(y.index, y.rolling(7, center=True).mean(), color="C0", lw=1.6, label="7-day centred mean")
axes[0].set(ylabel="rentals", title="Two years of daily rentals")
axes[0].legend(fontsize=8)
four_weeks = y["2025-03-03":"2025-03-30"]
axes[1].plot(four_weeks.index, four_weeks, "o-", ms=3, color="0.3")
for day in four_weeks.index[four_weeks.index.day_of_week >= 5]:
    axes[1].axvspan(day - pd.Timedelta(hours=12), day + pd.Timedelta(hours=12), color="C1", alpha=0.15, lw=0)
axes[1].set(ylabel="rentals", title="Four weeks of March 2025 (weekends shaded)")
plt.tight_layout()
plt.show()

# %% [markdown]
# ### Decomposing it by eye
#
# A classical **decomposition** writes the series as trend + season + remainder, $y_t = T_t + S_t + R_t$, and two
# pandas one-liners get most of the way:
#
# 1. The **trend** (with the slow yearly swing in it) is a moving average over exactly one season: a centred 7-day
#    mean averages every weekday once, so the weekly pattern cancels out of it.
# 2. The **season** is the average of what is left, $y_t - T_t$, per weekday (centred so the seven values sum to 0).
# 3. The **remainder** is what neither explains.

# %%
trend = y.rolling(7, center=True).mean()
detrended = y - trend
weekday_profile = detrended.groupby(y.index.day_of_week).mean()
weekday_profile -= weekday_profile.mean()
seasonal = pd.Series(weekday_profile.to_numpy()[y.index.day_of_week], index=y.index)
remainder = y - trend - seasonal
profile_table = pd.DataFrame({"estimated": weekday_profile.to_numpy(),
                              "true (centred)": np.array([10, 14, 16, 15, 20, -30, -45]) - np.mean(
                                  [10, 14, 16, 15, 20, -30, -45])},
                             index=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
fig, axes = plt.subplots(1, 3, figsize=(13, 3))
axes[0].plot(trend, color="C0")
axes[0].set(title="trend (centred 7-day mean)", ylabel="rentals")
profile_table.plot.bar(ax=axes[1], rot=0, color=["C2", "0.7"])
axes[1].set(title="weekly season (mean of y − trend per weekday)")
axes[2].plot(remainder, lw=0.6, color="C3")
axes[2].set(title=f"remainder (standard deviation {remainder.std():.1f})")
for ax in (axes[0], axes[2]):
    ax.tick_params(axis="x", labelrotation=30, labelsize=7)
plt.tight_layout()
plt.show()
profile_table.T

# %% [markdown]
# The estimated weekday profile is within a couple of rentals of the true one, and the trend shows both the growth
# and the summer peaks. The **autocorrelation** (the correlation of the series with itself shifted by $k$ days)
# says the same thing in one picture: it peaks at lags 7, 14, 21 and 28 (0.92, 0.90, 0.87, 0.85) — the weekly season —
# and never falls below about 0.4, because the trend and the yearly swing keep even distant days alike. The
# remainder is nearly uncorrelated (0.15 at lag 1): what is left is mostly noise, the centred mean having absorbed
# part of the AR(1) noise's slower swings.

# %%
def autocorrelation(values, max_lag):
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)] - np.nanmean(values)
    return np.array([np.sum(values[k:] * values[:len(values) - k]) / np.sum(values ** 2) for k in range(max_lag + 1)])


acf = autocorrelation(y, 28)
acf_remainder = autocorrelation(remainder, 28)
fig, ax = plt.subplots(figsize=(9, 2.8))
ax.bar(np.arange(29) - 0.2, acf, width=0.4, label="the series")
ax.bar(np.arange(29) + 0.2, acf_remainder, width=0.4, label="the remainder", color="C3")
ax.set(xlabel="lag k (days)", ylabel="autocorrelation", xticks=range(0, 29, 7))
ax.legend(fontsize=8)
plt.show()
print(f"series: lags 7, 14, 21, 28: {acf[[7, 14, 21, 28]].round(2)}, smallest {acf.min():.2f}; "
      f"remainder: lag 1 {acf_remainder[1]:.2f}")

# %% [markdown]
# ## 2. Why a shuffled K-fold leaks the future
#
# Suppose we evaluate a model the way the rest of the course does: 5-fold cross-validation with the rows
# shuffled. Here the model is a random forest that sees only the **day number** and the **weekday**, a perfectly
# reasonable-looking feature set. And suppose we also do what really happens in deployment: train on everything up
# to a date, and forecast the **next 90 days**, which the model has never seen.

# %%
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import KFold, TimeSeriesSplit, cross_val_score

X_calendar = np.column_stack([np.arange(len(y)), y.index.day_of_week])
forest = RandomForestRegressor(n_estimators=50, random_state=0, n_jobs=1)
past, future = slice(0, len(y) - 90), slice(len(y) - 90, len(y))
leak_scores = {
    "shuffled 5-fold CV (on the first 640 days)": -cross_val_score(
        forest, X_calendar[past], y.to_numpy()[past], cv=KFold(5, shuffle=True, random_state=0),
        scoring="neg_mean_absolute_error").mean(),
    "time-ordered CV, TimeSeriesSplit (on the first 640 days)": -cross_val_score(
        forest, X_calendar[past], y.to_numpy()[past], cv=TimeSeriesSplit(5, test_size=90),
        scoring="neg_mean_absolute_error").mean(),
    "the real future: trained on 640 days, scored on the next 90": mean_absolute_error(
        y.to_numpy()[future], forest.fit(X_calendar[past], y.to_numpy()[past]).predict(X_calendar[future])),
}
leak_table = pd.Series(leak_scores, name="MAE (rentals a day)").to_frame()
leak_table

# %% [markdown]
# The shuffled K-fold promises an error of about 8 rentals a day; the real future costs about 22, nearly three times as
# much. The time-ordered split (about 15) is much closer to the truth. Why?
#
# * **Shuffling puts the future into the training set.** With the rows shuffled, almost every test day has a
#   neighbour — the day before or *the day after* — in the training folds (96 % of them with five folds; about two
#   thirds have both). A forest that sees day 300's neighbours interpolates between them, and since neighbouring
#   days are correlated (the trend, the AR(1) noise), that is easy. At forecast time there is no day after.
# * **A forest cannot extrapolate.** For day numbers beyond the training range it predicts the values of the last
#   days it saw: the trend stops. Shuffled CV never asks it to extrapolate, so it never finds out.
#
# The rule: **evaluate a forecaster on data that come after everything it was trained on**, the way it will be used.
#
# ## 3. Splits that respect time: the rolling origin
#
# A **rolling-origin** evaluation (also *time-series cross-validation*, *walk-forward validation*, or a
# **backtest**) picks several **forecast origins**; at each, the model is trained on the data up to the origin and
# tested on the next `test_size` points. Then the origin moves forward and the test window with it. Every test
# window lies after its training data, and the scores of the folds average out the luck of a single window.
#
# scikit-learn's `TimeSeriesSplit(n_splits, test_size=None, gap=0, max_train_size=None)` makes these folds for
# `n` samples in time order:
#
# * the test windows are the **last** `n_splits · test_size` rows, cut into `n_splits` consecutive blocks of
#   `test_size`: fold $k$ (from 1) tests rows $s_k, \dots, s_k + \text{test\_size} - 1$ with
#   $s_k = n - (\text{n\_splits} - k + 1)\cdot\text{test\_size}$, so the last fold ends at the last row;
# * by default `test_size = n // (n_splits + 1)`: the series is cut into `n_splits + 1` blocks and the first one is
#   only ever trained on;
# * the training rows of fold $k$ are all rows before $s_k - \text{gap}$ (an **expanding window**); a `gap` leaves
#   that many rows out between training and test (used when the features of a test row would otherwise overlap the
#   last training rows, or when data arrive late);
# * with `max_train_size`, only the last `max_train_size` of those rows are kept (a **sliding window**: the model
#   forgets the distant past);
# * it raises `ValueError` when there are too few rows: more folds than rows (`n_splits + 1 > n`), or a first
#   fold with no training rows ($n - \text{gap} - \text{n\_splits}\cdot\text{test\_size} \le 0$).
#
# ### Exercise 1 — `rolling_origin_folds`
#
# Return the list of `(train_idx, test_idx)` pairs, one per fold in time order, each an **integer array** of row
# numbers (`np.arange` is your friend), exactly as `TimeSeriesSplit(...).split(...)` would give them, and raise
# `ValueError` in the two cases above. `max_train_size=None` means no limit. Compared with `TimeSeriesSplit` on
# random settings, fold by fold, index by index.

# %% nbgrader={"grade": false, "grade_id": "rolling_origin_folds", "locked": false, "schema_version": 3, "solution": true, "task": false}
def rolling_origin_folds(n, n_splits, test_size=None, gap=0, max_train_size=None):
    """TimeSeriesSplit's folds for n rows in time order: a list of (train_idx, test_idx) integer arrays."""
    ### BEGIN SOLUTION
    if test_size is None:
        test_size = n // (n_splits + 1)
    if n_splits + 1 > n:
        raise ValueError(f"cannot make {n_splits + 1} blocks of {n} rows")
    if n - gap - n_splits * test_size <= 0:
        raise ValueError(f"too many splits ({n_splits}) for {n} rows with test_size={test_size} and gap={gap}")
    folds = []
    for k in range(n_splits):
        test_start = n - (n_splits - k) * test_size
        train_end = test_start - gap
        train_start = 0 if not max_train_size else max(0, train_end - max_train_size)
        folds.append((np.arange(train_start, train_end), np.arange(test_start, test_start + test_size)))
    return folds
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "rolling_origin_folds_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Each fold is summarised as [first training row, last training row + 1, first test row, last test row + 1].
# 20 rows, 3 splits of 4 rows, gap 2: test rows 8–11, 12–15, 16–19; training rows end 2 rows before each.
ro_gap = rolling_origin_folds(20, 3, test_size=4, gap=2)
expect_close([[np.min(tr), np.max(tr) + 1, np.min(te), np.max(te) + 1] for tr, te in ro_gap],
             [[0, 6, 8, 12], [0, 10, 12, 16], [0, 14, 16, 20]], name="rolling_origin_folds(20, 3, test_size=4, gap=2)",
             slips={"ignoring the gap": [[0, 8, 8, 12], [0, 12, 12, 16], [0, 16, 16, 20]],
                    "leaving gap + 1 rows out": [[0, 5, 8, 12], [0, 9, 12, 16], [0, 13, 16, 20]],
                    "stacking the test windows from the start": [[0, 2, 4, 8], [0, 6, 8, 12], [0, 10, 12, 16]]})
# 17 rows, 3 splits, default test_size = 17 // 4 = 4: the test windows are the LAST 12 rows (5–8, 9–12, 13–16).
ro_default = rolling_origin_folds(17, 3)
expect_close([[np.min(tr), np.max(tr) + 1, np.min(te), np.max(te) + 1] for tr, te in ro_default],
             [[0, 5, 5, 9], [0, 9, 9, 13], [0, 13, 13, 17]], name="rolling_origin_folds(17, 3)",
             slips={"a default test_size of n // n_splits (= 5) instead of n // (n_splits + 1)":
                        [[0, 2, 2, 7], [0, 7, 7, 12], [0, 12, 12, 17]],
                    "stacking the test windows from the start (the last one must end at row n − 1)":
                        [[0, 4, 4, 8], [0, 8, 8, 12], [0, 12, 12, 16]]})
# max_train_size = 5: only the last 5 training rows before each test window.
ro_window = rolling_origin_folds(20, 3, test_size=4, max_train_size=5)
expect_close([[np.min(tr), np.max(tr) + 1, np.min(te), np.max(te) + 1] for tr, te in ro_window],
             [[3, 8, 8, 12], [7, 12, 12, 16], [11, 16, 16, 20]], name="rolling_origin_folds(20, 3, 4, max_train_size=5)",
             slips={"ignoring max_train_size": [[0, 8, 8, 12], [0, 12, 12, 16], [0, 16, 16, 20]],
                    "keeping the FIRST max_train_size rows instead of the last":
                        [[0, 5, 8, 12], [0, 5, 12, 16], [0, 5, 16, 20]]})
expect_equal([len(tr) for tr, te in ro_window], [5, 5, 5], name="5 training rows in every fold of the sliding window")
print("✓ public checks passed: rolling_origin_folds")

# %% nbgrader={"grade": true, "grade_id": "rolling_origin_folds_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 20 settings (n from 5 to 730, 2 to 9 splits, default and explicit test sizes, gaps, sliding windows
# larger and smaller than the training rows, one row a fold), three of which must raise ValueError.
# Compared with sklearn.model_selection.TimeSeriesSplit, fold by fold, index by index.
# Try them yourself now: check("timeseries.rolling_origin_folds", rolling_origin_folds)
### BEGIN HIDDEN TESTS
grade("timeseries.rolling_origin_folds", rolling_origin_folds)
### END HIDDEN TESTS

# %% [markdown]
# The folds of the backtest we run in §7: 5 folds of 28 days (four weeks each) on our 730 days, and the same with a
# gap of 7 days and a one-year sliding window, drawn with your function (training rows blue, test rows orange), and
# compared with `TimeSeriesSplit` to be sure.

# %%
def draw_folds(ax, folds, n, title):
    for k, (train, test) in enumerate(folds, start=1):
        ax.barh(k, len(train), left=train[0] if len(train) else 0, color="C0", height=0.6)
        ax.barh(k, len(test), left=test[0], color="C1", height=0.6)
    ax.set(xlim=(0, n), ylim=(len(folds) + 0.6, 0.4), yticks=range(1, len(folds) + 1), xlabel="day", ylabel="fold",
           title=title)


backtest_folds = mine_or_reference(rolling_origin_folds, reference_rolling_origin_folds, len(y), 5, test_size=28)
window_folds = mine_or_reference(rolling_origin_folds, reference_rolling_origin_folds, len(y), 5, test_size=28,
                                 gap=7, max_train_size=365)
same_as_sklearn = all(np.array_equal(a, b) for mine, theirs in (
    (backtest_folds, TimeSeriesSplit(5, test_size=28).split(y)),
    (window_folds, TimeSeriesSplit(5, test_size=28, gap=7, max_train_size=365).split(y)))
    for fold_mine, fold_theirs in zip(mine, theirs) for a, b in zip(fold_mine, fold_theirs))
fig, axes = plt.subplots(1, 2, figsize=(12, 2.6))
draw_folds(axes[0], backtest_folds, len(y), "expanding window: test_size=28")
draw_folds(axes[1], window_folds, len(y), "gap=7, max_train_size=365 (sliding window)")
plt.tight_layout()
plt.show()
print(f"the same folds as TimeSeriesSplit: {same_as_sklearn}; training rows per fold: "
      f"{[len(train) for train, _ in backtest_folds]}")

# %% [markdown]
# ## 4. Lag features: the past as columns
#
# Most forecasting models — linear regression, gradient boosting, a neural network — take a fixed-length vector of
# features. For a series, the natural features of day $t$ are its own past: the **lags** $y_{t-1}, y_{t-2}, \dots$
# With lag features, forecasting becomes ordinary supervised learning: one row per day, the lags as columns, $y_t$
# as the target. Lag 1 carries the level and the AR noise; lag 7 carries the weekly season.
#
# Building them is where the future most often leaks in: `series.shift(k)` moves the values **down** by $k$ rows, so
# row $t$ holds $y_{t-k}$, the value $k$ steps **earlier**; `series.shift(-k)` would hold the value $k$ steps
# *later*, information no forecaster has. The first $k$ rows have no earlier value: they hold NaN (and are dropped
# before fitting), never values wrapped round from the end of the series.
#
# ### Exercise 2 — `lag_features`
#
# `series`: a pandas Series with a DatetimeIndex; `lags`: a list of positive integers. Return a DataFrame with the
# same index as `series` and one column per lag, named `lag_1`, `lag_7`, … in the order of `lags`; column
# `lag_k` holds in row $t$ the value of row $t - k$, and NaN where there is none (the first $k$ rows, all of them
# if $k \ge$ `len(series)`). Work with NumPy on `series.to_numpy(dtype=float)` (no `shift`: it is the reference),
# and leave `series` unchanged.

# %% nbgrader={"grade": false, "grade_id": "lag_features", "locked": false, "schema_version": 3, "solution": true, "task": false}
def lag_features(series, lags):
    """A DataFrame indexed like series: column lag_k holds the value k steps earlier (NaN where there is none)."""
    ### BEGIN SOLUTION
    import pandas as pd                     # (imported at the top too; here so the function stands on its own)

    values = series.to_numpy(dtype=float)
    columns = {}
    for k in lags:
        column = np.full(len(values), np.nan)
        if k < len(values):
            column[k:] = values[:len(values) - k]
        columns[f"lag_{k}"] = column
    return pd.DataFrame(columns, index=series.index)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "lag_features_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Five days, 10 … 14. lag_1 of day t is day t − 1's value; lag_3 starts on the fourth day.
lf_series = pd.Series([10.0, 11.0, 12.0, 13.0, 14.0], index=pd.date_range("2024-01-01", periods=5, freq="D"))
lf = lag_features(lf_series, [1, 3])
lf_columns, lf_values = list(lf.columns), lf.to_numpy(dtype=float)
lf_dates = [str(label)[:10] for label in lf.index]
lf_series_after = lf_series.to_numpy()
expect_equal(lf_columns, ["lag_1", "lag_3"], name="the columns of lag_features(series, [1, 3])")
expect_close(lf_values, [[np.nan, np.nan], [10.0, np.nan], [11.0, np.nan], [12.0, 10.0], [13.0, 11.0]], rtol=0,
             name="lag_features(series 10 … 14, [1, 3])",
             slips={"shift(-k): the value k days LATER, a feature from the future":
                        [[11.0, 13.0], [12.0, 14.0], [13.0, np.nan], [14.0, np.nan], [np.nan, np.nan]],
                    "np.roll, which wraps the last values round to the first rows":
                        [[14.0, 12.0], [10.0, 13.0], [11.0, 14.0], [12.0, 10.0], [13.0, 11.0]],
                    "a lag one day short (shift(k − 1))":
                        [[10.0, np.nan], [11.0, np.nan], [12.0, 10.0], [13.0, 11.0], [14.0, 12.0]]})
expect_equal(lf_dates, ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"],
             name="the dates of the result's index (keep the series' DatetimeIndex: index=series.index)")
expect_unchanged(lf_series_after, [10.0, 11.0, 12.0, 13.0, 14.0], "lag_features", "series",
                 name="the series is left unchanged")
print("✓ public checks passed: lag_features")

# %% nbgrader={"grade": true, "grade_id": "lag_features_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random series of 1 to 50 values with daily, hourly, weekly and monthly DatetimeIndexes, lags in any
# order, lags as long as the series or longer. Compared with pd.DataFrame({f"lag_{k}": series.shift(k) ...}).
# Try them yourself now: check("timeseries.lag_features", lag_features)
### BEGIN HIDDEN TESTS
grade("timeseries.lag_features", lag_features)
### END HIDDEN TESTS

# %% [markdown]
# The rentals with lags 1, 7 and 14: each row is a supervised example, its lags the features, `rentals` the
# target. The correlations say which past helps: the same weekday a week earlier (lag 7) is a much better guide
# than yesterday (lag 1), which is often a different kind of day.

# %%
lagged = mine_or_reference(lag_features, reference_lag_features, y, [1, 7, 14])
examples = lagged.assign(rentals=y).dropna()
print(f"{len(examples)} complete rows of {len(y)} (the first 14 days have no lag 14)")
print("correlation with the target:", examples.corr()["rentals"].drop("rentals").round(3).to_dict())
examples.head()

# %% [markdown]
# ## 5. The baselines: naive and seasonal naive
#
# Before any model, two forecasts that need no training at all. From a history $y_1, \dots, y_T$:
#
# * the **naive** forecast repeats the last value: $\hat y_{T+h} = y_T$ for every horizon $h$. For a random walk
#   (stock prices, say) it is the best forecast there is.
# * the **seasonal naive** forecast with season length $m$ repeats the last season:
#   $\hat y_{T+h} = y_{T+h-m(k+1)}$ with $k = \lfloor (h-1)/m \rfloor$ — next Monday is forecast to be like last
#   Monday, and so is the Monday after.
#
# They are the bar every model must clear. A model that does not beat the seasonal naive forecast on a seasonal
# series has learned nothing worth deploying — and, as §7 shows, clearing it is harder than it sounds.
#
# ### Exercise 3 — `naive_forecast`
#
# `history`: a 1-D array; `horizon`: how many steps to forecast. Return an array of `horizon` forecasts, each the
# last value of `history`.

# %% nbgrader={"grade": false, "grade_id": "naive_forecast", "locked": false, "schema_version": 3, "solution": true, "task": false}
def naive_forecast(history, horizon):
    """The naive forecast: the last observed value, repeated horizon times."""
    ### BEGIN SOLUTION
    history = np.asarray(history, dtype=float)
    return history[-1] * np.ones(horizon)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "naive_forecast_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
expect_close(naive_forecast(np.array([3.0, 5.0, 7.0]), 3), [7.0, 7.0, 7.0], name="naive_forecast([3, 5, 7], 3)",
             slips={"the mean of the history": [5.0, 5.0, 5.0], "repeating the first value": [3.0, 3.0, 3.0],
                    "returning the last `horizon` values": [3.0, 5.0, 7.0]})
expect_close(naive_forecast(np.array([2.0, 9.0]), 1), [9.0], name="naive_forecast([2, 9], 1)")
print("✓ public checks passed: naive_forecast")

# %% nbgrader={"grade": true, "grade_id": "naive_forecast_hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random histories of 1 to 100 values, horizons 1 to 28. Compared with np.full(horizon, history[-1]).
# Try them yourself now: check("timeseries.naive_forecast", naive_forecast)
### BEGIN HIDDEN TESTS
grade("timeseries.naive_forecast", naive_forecast)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 4 — `seasonal_naive_forecast`
#
# `history`: a 1-D array with at least `season` values; `horizon`; `season`: the season length $m$. Return the
# `horizon` forecasts $\hat y_{T+h} = y_{T+h-m(k+1)}$, $k = \lfloor (h-1)/m \rfloor$, $h = 1, \dots,$ `horizon`:
# the last $m$ values, repeated as often as needed (also for horizons longer than a season, or shorter).

# %% nbgrader={"grade": false, "grade_id": "seasonal_naive_forecast", "locked": false, "schema_version": 3, "solution": true, "task": false}
def seasonal_naive_forecast(history, horizon, season):
    """The seasonal naive forecast: the last season of history, repeated to fill the horizon."""
    ### BEGIN SOLUTION
    history = np.asarray(history, dtype=float)
    last_season = history[len(history) - season:]
    return last_season[np.arange(horizon) % season]
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "seasonal_naive_forecast_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# History 1 … 9, season 4: the last season is 6, 7, 8, 9; six steps repeat it and a half.
expect_close(seasonal_naive_forecast(np.arange(1.0, 10.0), 6, 4), [6.0, 7.0, 8.0, 9.0, 6.0, 7.0],
             name="seasonal_naive_forecast(1 … 9, horizon 6, season 4)",
             slips={"the last season in reverse order": [9.0, 8.0, 7.0, 6.0, 9.0, 8.0],
                    "a season that ends one step too early": [5.0, 6.0, 7.0, 8.0, 5.0, 6.0],
                    "repeating the FIRST season": [1.0, 2.0, 3.0, 4.0, 1.0, 2.0],
                    "the naive forecast (the last value only)": [9.0] * 6})
expect_close(seasonal_naive_forecast(np.arange(1.0, 10.0), 2, 4), [6.0, 7.0], name="a horizon shorter than a season")
expect_close(seasonal_naive_forecast(np.array([4.0, 1.0, 3.0]), 3, 1), [3.0, 3.0, 3.0],
             name="season 1 is the naive forecast")
print("✓ public checks passed: seasonal_naive_forecast")

# %% nbgrader={"grade": true, "grade_id": "seasonal_naive_forecast_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random histories, seasons 1 to 24, horizons shorter than, equal to and longer than a season, a
# history of exactly one season. Compared with the formula y_{T+h−m(k+1)}, k = ⌊(h − 1)/m⌋, written directly.
# Try them yourself now: check("timeseries.seasonal_naive_forecast", seasonal_naive_forecast)
### BEGIN HIDDEN TESTS
grade("timeseries.seasonal_naive_forecast", seasonal_naive_forecast)
### END HIDDEN TESTS

# %% [markdown]
# ## 6. A scale-free error: MASE
#
# The **mean absolute error** $\text{MAE} = \frac1H \sum_h |y_{T+h} - \hat y_{T+h}|$ is in the series' units
# (rentals a day), which makes it hard to say whether 12 is good, and impossible to average over series of different
# sizes. Percentage errors (MAPE) divide by $y$ and explode near zero. Hyndman & Koehler (2006) proposed to divide by
# the error of a benchmark instead: the **mean absolute scaled error**
#
# $$\text{MASE} = \frac{\frac1H \sum_{h=1}^{H} |y_{T+h} - \hat y_{T+h}|}{\frac{1}{T-m} \sum_{t=m+1}^{T} |y_t - y_{t-m}|}.$$
#
# The denominator is the MAE of the **in-sample one-step seasonal naive forecast** (predict each training value by
# the one a season earlier), computed on the **training** data, so it is known at forecast time and does not depend
# on the forecast being judged. MASE < 1: the forecast's errors are smaller than those the seasonal naive method made
# in-sample, one step ahead; MASE > 1: larger. (Forecasting 28 days ahead is harder than one step, so even the
# seasonal naive forecast itself can score above 1 out of sample.) With $m = 1$ the benchmark is the naive forecast.
#
# ### Exercise 5 — `mase`
#
# `y_true`, `y_pred`: the test window's values and their forecasts (1-D, same length); `y_train`: the training
# series (longer than `season`, not identical from season to season); `season`: $m$. Return MASE as a float.
# Compared with `mean_absolute_error(y_true, y_pred) / mean_absolute_error(y_train[m:], y_train[:-m])` from
# scikit-learn.

# %% nbgrader={"grade": false, "grade_id": "mase", "locked": false, "schema_version": 3, "solution": true, "task": false}
def mase(y_true, y_pred, y_train, season=1):
    """Mean absolute scaled error: the forecast's MAE over the in-sample MAE of the seasonal naive forecast."""
    ### BEGIN SOLUTION
    y_true, y_pred, y_train = (np.asarray(a, dtype=float) for a in (y_true, y_pred, y_train))
    scale = np.mean(np.abs(y_train[season:] - y_train[:-season]))     # the in-sample seasonal naive MAE
    return float(np.mean(np.abs(y_true - y_pred)) / scale)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "mase_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# y_train = 1, 5, 3, 7, 5, 9 with season 2: every value is 2 more than the one two steps before, so the scale is 2.
# The forecast's absolute errors are 1, 2, 1, 1: MAE 1.25, MASE 1.25 / 2 = 0.625.
expect_close(mase(np.array([4.0, 8.0, 7.0, 10.0]), np.array([5.0, 6.0, 6.0, 11.0]),
                  np.array([1.0, 5.0, 3.0, 7.0, 5.0, 9.0]), season=2), 0.625, rtol=1e-9, name="mase on the example",
             slips={"the MAE alone, unscaled": 1.25,
                    "scaling by the one-step differences, ignoring the season": 1.25 / 3.2,
                    "scaling by the seasonal differences of y_true instead of y_train": 0.5,
                    "squared errors": 0.4375,
                    "dividing by the sum of the in-sample differences, not their mean": 0.15625})
# A perfect forecast has MASE 0.
expect_close(mase(np.array([3.0, 1.0]), np.array([3.0, 1.0]), np.array([0.0, 2.0, 1.0])), 0.0, atol=1e-12,
             name="a perfect forecast")
print("✓ public checks passed: mase")

# %% nbgrader={"grade": true, "grade_id": "mase_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: seasonal series with trends and noise, seasons 1 to 12, one forecast, a perfect forecast, large
# values. Compared with sklearn.metrics.mean_absolute_error(y_true, y_pred) / mean_absolute_error(y_train[m:],
# y_train[:-m]).
# Try them yourself now: check("timeseries.mase", mase)
### BEGIN HIDDEN TESTS
grade("timeseries.mase", mase)
### END HIDDEN TESTS

# %% [markdown]
# ## 7. The backtest: baselines, a linear model on lags, and an LSTM
#
# Now the contest. On the 5 folds of §3 (the last 140 days, cut into five 28-day test windows, each forecast from
# everything before it), four forecasters each forecast the whole 28-day window from its origin:
#
# 1. **naive** and 2. **seasonal naive** ($m = 7$): your functions;
# 3. a **linear model on lag features** (lags 1 … 14, scikit-learn's `LinearRegression` fitted on your
#    `lag_features`), forecasting **recursively**: the forecast of day $T+1$ becomes the lag-1 feature of day
#    $T+2$, and so on for 28 steps;
# 4. a small **LSTM** (PyTorch): it reads the last 28 days and outputs all 28 forecasts at once.
#
# Each is scored by your `mase` (season 7) on each fold. The `backtest` function is the whole protocol: for every
# fold, the forecaster sees **only** the training rows.

# %%
def backtest(forecaster, series, folds, season=SEASON):
    """MASE of forecaster(history, horizon) on every fold; the forecasts of the last fold too."""
    values = np.asarray(series, dtype=float)
    scores, forecast = [], None
    for train, test in folds:
        history = values[train]                     # the forecaster sees the past only
        forecast = np.asarray(forecaster(history, len(test)), dtype=float)
        scores.append(mine_or_reference(mase, reference_mase, values[test], forecast, history, season))
    return np.array(scores), forecast


def naive_model(history, horizon):
    return mine_or_reference(naive_forecast, reference_naive_forecast, history, horizon)


def seasonal_naive_model(history, horizon):
    return mine_or_reference(seasonal_naive_forecast, reference_seasonal_naive_forecast, history, horizon, SEASON)


from sklearn.linear_model import LinearRegression

LAGS = list(range(1, 15))


def linear_lag_model(history, horizon, lags=LAGS):
    """LinearRegression on lag features of the history, then a recursive forecast, one step at a time."""
    past = pd.Series(history, index=pd.date_range(y.index[0], periods=len(history), freq="D"))
    table = mine_or_reference(lag_features, reference_lag_features, past, lags).assign(target=past).dropna()
    model = LinearRegression().fit(table[[f"lag_{k}" for k in lags]].to_numpy(), table["target"].to_numpy())
    extended = list(history)
    for _ in range(horizon):
        features = np.array([[extended[-k] for k in lags]])
        extended.append(float(model.predict(features)[0]))
    return np.array(extended[len(history):])


results = {name: backtest(model, y, backtest_folds) for name, model in
           (("naive", naive_model), ("seasonal naive", seasonal_naive_model), ("linear on lags 1–14", linear_lag_model))}
pd.DataFrame({name: scores for name, (scores, _) in results.items()},
             index=pd.Index(range(1, 6), name="fold")).round(3)

# %% [markdown]
# ### An LSTM forecaster
#
# An **LSTM** (week 08) reads a sequence one step at a time and keeps a state; ours reads the last $L = 28$ days and a
# linear layer turns its final hidden state (16 numbers) into the 28 forecasts (a **direct** multi-step forecast: no
# recursion). Two details make a tiny network work on a trending series:
#
# * **normalise each window by its own level**: subtract the mean of the window's last 7 days and divide by the
#   typical weekly change; the network then learns the *shape* of the next four weeks, and the level is added back;
# * **train on the windows of the training rows** (every other day: about 270 to 330 windows per fold; neighbouring
#   windows overlap by 26 of 28 days anyway), full batch, with Adam.
#
# It has 1,692 parameters. A fresh network is trained on the first fold (250 steps); each later fold **continues**
# from the previous fold's weights for 60 steps on its own, longer, training rows — still only data before its origin,
# and five times cheaper than starting over. The whole backtest takes a few seconds on one CPU core, with a fixed seed.

# %%
import torch

torch.set_num_threads(1)     # a tiny network: one thread is fastest, and the numbers are reproducible
WINDOW, HORIZON = 28, 28


class LSTMForecaster(torch.nn.Module):
    def __init__(self, hidden=16, horizon=HORIZON):
        super().__init__()
        self.lstm = torch.nn.LSTM(input_size=1, hidden_size=hidden, batch_first=True)
        self.head = torch.nn.Linear(hidden, horizon)

    def forward(self, windows):                      # (batch, WINDOW) -> (batch, HORIZON)
        states, _ = self.lstm(windows[..., None])
        return self.head(states[:, -1])


def training_windows(history):
    """Every (last WINDOW days, next HORIZON days) pair inside the history, each normalised by its own level."""
    starts = np.arange(len(history) - HORIZON, WINDOW - 1, -2)[::-1]   # every other day: neighbours overlap anyway
    inputs = np.stack([history[t - WINDOW:t] for t in starts])
    targets = np.stack([history[t:t + HORIZON] for t in starts])
    level = inputs[:, -SEASON:].mean(axis=1, keepdims=True)
    return inputs - level, targets - level


def train_lstm(history, net=None, steps=250, seed=0):
    torch.manual_seed(seed)
    net = net if net is not None else LSTMForecaster()
    scale = np.std(history[SEASON:] - history[:-SEASON])      # the typical weekly change
    inputs, targets = (torch.tensor(a / scale, dtype=torch.float32) for a in training_windows(history))
    optimiser = torch.optim.Adam(net.parameters(), lr=0.01)
    for _ in range(steps):
        optimiser.zero_grad()
        loss = torch.mean((net(inputs) - targets) ** 2)
        loss.backward()
        optimiser.step()
    return net, scale


def lstm_forecast(net, scale, history):
    window = history[-WINDOW:]
    level = window[-SEASON:].mean()
    with torch.no_grad():
        out = net(torch.tensor((window - level)[None] / scale, dtype=torch.float32))[0].numpy()
    return out * scale + level


started = time.perf_counter()
lstm_state = {"net": None}


def lstm_model(history, horizon):
    first = lstm_state["net"] is None
    net, scale = train_lstm(history, lstm_state["net"], steps=250 if first else 60)
    lstm_state["net"] = net
    return lstm_forecast(net, scale, history)[:horizon]


results["LSTM"] = backtest(lstm_model, y, backtest_folds)
lstm_seconds = time.perf_counter() - started
lstm_parameters = sum(p.numel() for p in lstm_state["net"].parameters())
print(f"LSTM: {lstm_parameters} parameters, the 5-fold backtest in {lstm_seconds:.1f} s")

scores = pd.DataFrame({name: s for name, (s, _) in results.items()}, index=pd.Index(range(1, 6), name="fold"))
summary = pd.DataFrame({"mean MASE": scores.mean(), "worst fold": scores.max(),
                        "folds won": (scores.eq(scores.min(axis=1), axis=0)).sum()}).sort_values("mean MASE")
summary

# %%
last_train, last_test = backtest_folds[-1]
fig, axes = plt.subplots(1, 2, figsize=(13, 3.4), gridspec_kw={"width_ratios": [2, 1]})
shown = np.arange(last_test[0] - 42, last_test[-1] + 1)
axes[0].plot(y.index[shown], y.to_numpy()[shown], color="0.3", lw=1.2, label="the series")
for (name, (_, forecast)), colour in zip(results.items(), ("C3", "C2", "C1", "C4")):
    axes[0].plot(y.index[last_test], forecast, lw=1.5, color=colour, label=name)
axes[0].axvspan(y.index[last_test[0]], y.index[last_test[-1]], color="C1", alpha=0.08, lw=0)
axes[0].set(ylabel="rentals", title=f"the last fold: four weeks forecast from {y.index[last_train[-1]].day} "
                                      f"{y.index[last_train[-1]]:%B %Y}")
axes[0].legend(fontsize=8, ncol=5, loc="lower left")
axes[0].tick_params(axis="x", labelsize=7)
scores.plot(ax=axes[1], marker="o", color=["C3", "C2", "C1", "C4"], legend=False)
axes[1].axhline(1.0, color="0.5", ls=":", lw=1)
axes[1].set(ylabel="MASE", title="MASE per fold", xticks=range(1, 6))
plt.tight_layout()
plt.show()

# %% [markdown]
# The honest result, on this series:
#
# * **The naive forecast loses badly** (mean MASE about 2.1): it forecasts every day of the next four weeks as the
#   last one, weekday or weekend, so it is wrong by the weekly swing most days.
# * **The seasonal naive forecast is hard to beat** (about 0.88). It gets the weekly pattern for free, and it
#   starts from the right level.
# * **The linear model on 14 lags is at best a hair better** (about 0.86): it wins three folds of five, but its
#   margin over the seasonal naive forecast (0.03 of mean MASE) is tiny next to the spread between folds (its own
#   MASE runs from 0.66 to 1.14). Call it a tie. It can learn the weekly pattern and the noise's persistence, but
#   recursion compounds its small errors over 28 steps.
# * **The LSTM does not beat the seasonal naive forecast** on average (about 0.98; it wins one fold, the one where
#   the seasonal naive forecast has its worst). A network with 1,692 parameters, trained on about three hundred
#   windows, has nothing to learn here that the season and the level do not already give; its forecasts are
#   smoothed versions of the same weekly shape.
#
# This is the usual outcome on a short, strongly seasonal series, and the reason forecasting competitions report
# every method against the seasonal naive benchmark: a model earns its complexity only by a margin that survives
# the spread between folds. Neural forecasters start to pay off with many related series (trained together), long
# histories, and covariates (weather, holidays, prices) that baselines cannot use.
#
# ## 8. The backtest explorer
#
# Move the sliders: `TimeSeriesSplit`'s **n_splits**, **test_size** (the forecast horizon: each model forecasts the
# whole test window from the fold's origin) and **gap** (the models must forecast across it: the gap's forecasts
# are made but not scored), **max_train_size** (0: an expanding window), the **fold** shown, and the **lags** of the
# linear model. Top left: the folds; top right: each model's MASE per fold; below, the shown fold's test window, the
# truth and the three forecasts (the LSTM is left out: it would need retraining at every move). With your
# `rolling_origin_folds`, `seasonal_naive_forecast` and `mase` once they pass their checks. Things to try:
#
# * **lags 1**: the linear model becomes an AR(1), which knows nothing of the week; its MASE is worse than even
#   the naive forecast's (about 3.2 against 2.1). With 7 lags it sees a whole week (about 1.1), and from about 14
#   lags on it is level with the seasonal naive forecast.
# * **test_size 7 → 56**: a longer horizon is harder, and hardest for the recursive linear model, whose errors
#   compound: it is slightly ahead of the seasonal naive forecast at 7 days (0.84 against 0.86) and behind it at
#   56 (about 1.11 against 1.02).
# * **gap 7**: forecasting one more week ahead costs every model (the seasonal naive forecast's mean MASE rises from
#   0.88 to about 1.2), while the linear model holds up better (about 1.0).
# * **max_train_size 112**: the linear model, trained on 16 weeks, falls behind the seasonal naive forecast (0.92
#   against 0.81).

# %%
from course.explorers.backtest import backtest_explorer

backtest_explorer(rolling_origin_folds, seasonal_naive_forecast, mase)

# %% [markdown]
# ## 9. Checkpoint
#
# Four short questions, checked when the notebook is graded (the cell under each answer only checks its format), and
# one answer in your own words. Question 1 has **numbers of your own**: type the student id your instructor uses for
# you between the quotes below (studying alone? leave it empty: you get the self-study numbers).

# %%
my_id = set_student_id("")
print(f"Your checkpoint numbers are drawn for the id {my_id!r}.")

# %% [markdown]
# **Q1.** A `TimeSeriesSplit` and a fold: the cell below prints your own numbers. How many training rows does that
# fold have? (A whole number. You may use your `rolling_origin_folds`, or work it out from §3.)

# %%
show_question("timeseries.checkpoint_q1")

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q1", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q1_answer to a whole number.
### BEGIN SOLUTION
q1 = parameters("timeseries.checkpoint_q1")      # {"n": ..., "n_splits": ..., "test_size": ..., "gap": ..., "fold": ...}
q1_answer = q1["n"] - (q1["n_splits"] - q1["fold"] + 1) * q1["test_size"] - q1["gap"]
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q1_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a whole number; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q1_answer, (int, np.integer)) and not isinstance(q1_answer, bool),
            f"q1_answer should be a whole number (an int); got {q1_answer!r}.", name="q1_answer is a whole number")
print("q1_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_equal(int(q1_answer), variant_answer("timeseries.checkpoint_q1"), name="the answer to question 1 (q1_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q2.** A model of daily sales scores an MAE of 5 in shuffled 10-fold cross-validation and 14 on the three months
# after its training data. The most likely reason:
#
# - (a) Ten folds are too many: each training set is too small.
# - (b) With shuffled folds, most test days have the days right before and after them in the training folds, so the
#   model is scored on interpolating between known neighbours instead of forecasting.
# - (c) The three months were unusually noisy; the cross-validated 5 is the trustworthy number.
# - (d) Cross-validation should use the median absolute error, not the mean.

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
expect_choice(q2_answer, "b", name="the answer to question 2 (q2_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q3.** A forecast of a daily series with a weekly season scores MASE = 1.3 (with $m = 7$) on a four-week test
# window. What does that say?
#
# - (a) Its mean absolute error is 1.3 times the mean absolute error that the seasonal naive method made one step
#   ahead on the training data.
# - (b) Its errors are 30 % of the series' values on average.
# - (c) It is 30 % worse than the seasonal naive forecast of the same four weeks.
# - (d) Its mean squared error is 1.3 times that of the naive forecast.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q3", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q3_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q3_answer = "a"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q3_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q3_answer, str) and q3_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q3_answer should be one of the letters "a", "b", "c", "d"; got {q3_answer!r}.',
            name="q3_answer is one of the letters a, b, c, d")
print("q3_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q3_answer, "a", name="the answer to question 3 (q3_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q4.** A monthly series ($m = 12$) ends in December; the last twelve values, January to December, are
# 31, 28, 35, 40, 44, 52, 60, 58, 47, 41, 33, 30. What is the seasonal naive forecast for the **March** that comes
# fifteen months after the end of the series? (A number.)

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q4", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q4_answer to a number.
### BEGIN SOLUTION
q4_answer = 35
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q4_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q4_answer, (int, float, np.integer, np.floating)) and not isinstance(q4_answer, bool),
            f"q4_answer should be a number; got {q4_answer!r}.", name="q4_answer is a number")
print("q4_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q4_answer, 35.0, rtol=1e-9, name="the answer to question 4 (q4_answer)")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "plan_a_backtest_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Q5 (written, 2 points, graded by a person).** Pick a forecasting problem of your own (for example: meals a
# canteen should cook each day, the electricity a building will draw each hour tomorrow, the weekly demand for one
# product in one shop). Say what you would forecast, how far ahead and how often; the season(s) you expect; how you
# would set up the backtest (`n_splits`, `test_size`, `gap`, expanding or sliding window — and why those values);
# which baselines a model must beat; and one way the future could leak into your features or your evaluation if you
# were careless. Write your answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "plan_a_backtest", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# Problem: the number of lunches a university canteen should cook, forecast every Thursday evening for each day of
# the next week (Monday to Friday), because ingredients are ordered on Friday morning. Seasons: weekly (Mondays and
# Fridays are quieter) and yearly (terms and holidays, far fewer meals in August), with exam weeks as a special case.
# Backtest on three years of daily counts: a test window of one week (`test_size=5` school days, the horizon I
# really forecast), a `gap` of one day (Thursday's own count is not known when the forecast is made on Thursday
# evening, so the forecast must skip it), and `n_splits=40` origins covering the last year, so every kind of week
# (term, exams, holidays) is tested; an expanding window, since three years are few and the old terms still teach
# the yearly pattern. Baselines: the seasonal naive forecast with a season of one week, and the same week one year
# earlier (a yearly seasonal naive, which knows the holidays); a model must beat both by more than the spread
# between folds. Leaks: a feature such as "meals sold this week" computed from the whole week would contain the days
# being forecast; and choosing the model's settings on the same folds I report would make the reported error too
# good — I would keep the last ten weeks aside until the very end.

# %% [markdown]
# ## Summary
#
# * Evaluate a forecaster the way it is used: trained on the past, scored on what comes **after**. A shuffled
#   K-fold puts each test day's neighbours into training and rewards interpolation: here it promised an error of
#   8 when the future cost 22.
# * A **rolling-origin backtest** (`TimeSeriesSplit`) tests on consecutive windows at the end of the series, each
#   after its training rows; a `gap` leaves rows out between them, `max_train_size` slides the window.
# * **Lag features** turn forecasting into supervised learning: `shift(k)`, never `shift(-k)`; NaN, never
#   wrap-around, for the first rows.
# * Always report the **naive** and **seasonal naive** baselines, and a scale-free error such as **MASE** (scaled by
#   the in-sample seasonal naive error).
# * On a short, strongly seasonal series the seasonal naive forecast is hard to beat: a linear model on lags tied with
#   it, an LSTM did not beat it on average.

# %%
print(f"the whole notebook ran in {time.perf_counter() - notebook_started:.0f} s")
