"""Plausible wrong implementations of week 12's graded functions, each with the diagnosis it must get.

Every hidden test must fail for at least one of these (tests/test_exercises.py checks it); PUBLIC_CASES are the
public cells that must name a mistake too (tests/test_public_tests.py).
"""
import numpy as np
import pandas as pd
from scipy import stats

from solutions import renamed_source


# ----------------------------------------------------------------------------- ks_statistic

def ks_one_sided(a, b):
    a, b = np.sort(np.asarray(a, float)), np.sort(np.asarray(b, float))
    points = np.concatenate([a, b])
    diff = np.searchsorted(a, points, side="right") / len(a) - np.searchsorted(b, points, side="right") / len(b)
    return float(max(diff.max(), 0.0))


def ks_ties_split(a, b):
    """Walk the merged sample one value at a time: +1/n for a value of a, −1/m for one of b."""
    a, b = np.sort(np.asarray(a, float)), np.sort(np.asarray(b, float))
    order = np.argsort(np.concatenate([a, b]), kind="stable")
    steps = np.where(order < len(a), 1 / len(a), -1 / len(b))
    return float(np.max(np.abs(np.cumsum(steps))))


# ----------------------------------------------------------------------------- psi

def _psi(expected, actual, bins=10, edges_from="expected", epsilon=1e-4, side="right", one_way=False):
    expected, actual = np.asarray(expected, float), np.asarray(actual, float)
    source = expected if edges_from == "expected" else actual
    inner = np.quantile(source, np.linspace(0, 1, bins + 1))[1:-1]
    shares = []
    for x in (expected, actual):
        counts = np.bincount(np.searchsorted(inner, x, side=side), minlength=bins)
        share = counts / len(x)
        shares.append(np.maximum(share, epsilon) if epsilon else share)
    e, a = shares
    with np.errstate(divide="ignore", invalid="ignore"):
        if one_way:
            return float(np.sum(a * np.log(a / e)))
        return float(np.sum((a - e) * np.log(a / e)))


def psi_bins_from_actual(expected, actual, bins=10):
    return _psi(expected, actual, bins, edges_from="actual")


def psi_without_epsilon(expected, actual, bins=10):
    return _psi(expected, actual, bins, epsilon=None)


def psi_right_closed(expected, actual, bins=10):
    return _psi(expected, actual, bins, side="left")


def psi_one_direction(expected, actual, bins=10):
    return _psi(expected, actual, bins, one_way=True)


# ----------------------------------------------------------------------------- drift_report

def _report(reference_df, current_df, alpha=0.05, unseen="column", yates=False, exact=False, non_strict=False):
    rows = []
    for feature in reference_df.columns:
        ref, cur = reference_df[feature], current_df[feature]
        if pd.api.types.is_numeric_dtype(ref):
            result = stats.ks_2samp(ref.to_numpy(float), cur.to_numpy(float), method="exact" if exact else "asymp")
            rows.append((feature, "numeric", float(result.statistic), float(result.pvalue)))
            continue
        categories = sorted(set(ref) | set(cur)) if unseen == "column" else sorted(set(ref))
        table = np.array([[np.sum(ref == c) for c in categories], [np.sum(cur == c) for c in categories]], float)
        if len(categories) < 2:
            rows.append((feature, "categorical", 0.0, 1.0))
            continue
        stat, p, _, _ = stats.chi2_contingency(table, correction=yates)
        rows.append((feature, "categorical", float(stat), float(p)))
    report = pd.DataFrame(rows, columns=["feature", "kind", "statistic", "p_value"]).set_index("feature")
    report["alarm"] = report["p_value"] <= alpha if non_strict else report["p_value"] < alpha
    return report


def report_ignores_unseen(reference_df, current_df, alpha=0.05):
    return _report(reference_df, current_df, alpha, unseen="reference")


def report_with_yates(reference_df, current_df, alpha=0.05):
    return _report(reference_df, current_df, alpha, yates=True)


def report_exact_p_values(reference_df, current_df, alpha=0.05):
    return _report(reference_df, current_df, alpha, exact=True)


def report_everything_numeric(reference_df, current_df, alpha=0.05):
    report = _report(reference_df, current_df, alpha)
    report["kind"] = "numeric"
    return report


# ----------------------------------------------------------------------------- point_in_time_join

def _join(events, features, exact=False, by_entity=True, restore=True):
    left = events.copy()
    left["_row"] = np.arange(len(left))
    right = features.rename(columns={"time": "feature_time"})
    right["time"] = right["feature_time"]
    if not by_entity:
        right = right.drop(columns="entity")
    joined = pd.merge_asof(left.sort_values("time"), right.sort_values("time"), on="time",
                           by="entity" if by_entity else None, direction="backward", allow_exact_matches=exact)
    if restore:
        joined = joined.sort_values("_row")
    return joined.drop(columns="_row").reset_index(drop=True)


def join_allows_exact_matches(events, features):
    return _join(events, features, exact=True)


def join_ignores_entity(events, features):
    return _join(events, features, by_entity=False)


def join_in_sorted_order(events, features):
    return _join(events, features, restore=False)


def join_latest_row(events, features):
    """The naive join: each entity's latest feature row, whenever it was written (leaks the future)."""
    latest = features.sort_values("time").groupby("entity").tail(1).rename(columns={"time": "feature_time"})
    return events.merge(latest, on="entity", how="left")


# ----------------------------------------------------------------------------- should_retrain

def _retrain(history, policy, nan_as="skip", reset=True, inclusive=True):
    threshold, patience, cooldown = policy["threshold"], policy["patience"], policy["cooldown"]
    fires, run, last = [], 0, None
    for t, value in enumerate(history):
        if last is not None and (t - last <= cooldown if inclusive else t - last < cooldown):
            continue
        if np.isnan(value) and nan_as == "skip":
            continue
        run = run + 1 if (value < threshold or (np.isnan(value) and nan_as == "bad")) else 0
        if run >= patience:
            fires.append(t)
            last = t
            if reset:
                run = 0
    return fires


def retrain_nan_breaks_run(history, policy):
    return _retrain(history, policy, nan_as="good")


def retrain_keeps_run(history, policy):
    return _retrain(history, policy, reset=False)


def retrain_short_cooldown(history, policy):
    return _retrain(history, policy, inclusive=False)


def retrain_ignores_cooldown(history, policy):
    return _retrain(history, policy, inclusive=False) if policy["cooldown"] == 0 else \
        _retrain(history, dict(policy, cooldown=0))


# ----------------------------------------------------------------------------- calibration_curve

def _calibration(y_true, y_prob, n_bins=5, side="left", drop=True, swap=False):
    y_true, y_prob = np.asarray(y_true, float), np.asarray(y_prob, float)
    ids = np.searchsorted(np.linspace(0, 1, n_bins + 1)[1:-1], y_prob, side=side)
    total = np.bincount(ids, minlength=n_bins)
    positives = np.bincount(ids, weights=y_true, minlength=n_bins)
    sums = np.bincount(ids, weights=y_prob, minlength=n_bins)
    keep = total > 0 if drop else np.ones(n_bins, bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        prob_true, prob_pred = positives[keep] / total[keep], sums[keep] / total[keep]
    return (prob_pred, prob_true) if swap else (prob_true, prob_pred)


def calibration_left_closed(y_true, y_prob, n_bins=5):
    return _calibration(y_true, y_prob, n_bins, side="right")


def calibration_keeps_empty_bins(y_true, y_prob, n_bins=5):
    return _calibration(y_true, y_prob, n_bins, drop=False)


def calibration_swapped(y_true, y_prob, n_bins=5):
    return _calibration(y_true, y_prob, n_bins, swap=True)


# ----------------------------------------------------------------------------- promotion_gate

def _gate(candidate, champion, tests, strict=False, direction=True, first_only=False):
    reasons = []
    for test in tests:
        metric, value, kind = test["metric"], test["value"], test["kind"]
        mine = candidate.get(metric)
        if mine is None or np.isnan(mine):
            reasons.append(f"{test['name']}: no {metric}")
        else:
            if kind == "min":
                ok = mine > value if strict else mine >= value
            elif kind == "max":
                ok = mine < value if strict else mine <= value
            elif champion is None:
                ok = True
            else:
                gain = mine - champion[metric]
                if direction and not test.get("higher_is_better", True):
                    gain = -gain
                ok = gain > value if strict else gain >= value
            if not ok:
                reasons.append(f"{test['name']} failed")
        if reasons and first_only:
            break
    return not reasons, reasons


def gate_strict(candidate, champion, tests):
    return _gate(candidate, champion, tests, strict=True)


def gate_higher_always_better(candidate, champion, tests):
    return _gate(candidate, champion, tests, direction=False)


def gate_first_failure_only(candidate, champion, tests):
    return _gate(candidate, champion, tests, first_only=True)


WRONG = [
    ("week12.ks_statistic", ks_one_sided, "the one-sided statistic"),
    ("week12.ks_statistic", ks_ties_split, "without grouping tied values"),
    ("week12.psi", psi_bins_from_actual, "quantiles of `actual`"),
    ("week12.psi", psi_without_epsilon, "raise every share below ε"),
    ("week12.psi", psi_right_closed, "bins closed on the right"),
    ("week12.psi", psi_one_direction, "only one direction"),
    ("week12.drift_report", report_ignores_unseen, "reference's categories only"),
    ("week12.drift_report", report_with_yates, "Yates continuity correction"),
    ("week12.drift_report", report_exact_p_values, "exact KS distribution"),
    ("week12.drift_report", report_everything_numeric, "numeric columns get the KS test"),
    ("week12.point_in_time_join", join_allows_exact_matches, "at the event's own time"),
    ("week12.point_in_time_join", join_ignores_entity, "ignoring the entity"),
    ("week12.point_in_time_join", join_in_sorted_order, "not in the events' order"),
    ("week12.point_in_time_join", join_latest_row, "leaks the future"),
    ("week12.should_retrain", retrain_nan_breaks_run, "counting a NaN window"),
    ("week12.should_retrain", retrain_keeps_run, "keeping the run of bad windows"),
    ("week12.should_retrain", retrain_short_cooldown, "a cool-down one window too short"),
    ("week12.should_retrain", retrain_ignores_cooldown, "inside the cool-down"),
    ("week12.calibration_curve", calibration_left_closed, "into the bin above"),
    ("week12.calibration_curve", calibration_keeps_empty_bins, "keeping the empty bins"),
    ("week12.calibration_curve", calibration_swapped, "the pair in the other order"),
    ("week12.promotion_gate", gate_strict, "strict comparisons"),
    ("week12.promotion_gate", gate_higher_always_better, "as if higher were better"),
    ("week12.promotion_gate", gate_first_failure_only, "stopping at the first failed test"),
]

PUBLIC_CASES = [  # (public grade_id, function name, wrong variant, phrase the learner must read)
    ("ks_statistic_public", "ks_statistic", ks_ties_split, "without grouping tied values"),
    ("ks_statistic_public", "ks_statistic", ks_one_sided, "one-sided"),
    ("psi_public", "psi", psi_one_direction, "only one direction"),
    ("psi_public", "psi", psi_right_closed, "closed on the right"),
    ("calibration_curve_public", "calibration_curve", calibration_left_closed, "the bin above"),
    ("should_retrain_public", "should_retrain", retrain_nan_breaks_run, "NaN window"),
    ("promotion_gate_public", "promotion_gate", gate_strict, "strict comparisons"),
    ("point_in_time_join_public", "point_in_time_join", join_allows_exact_matches, "allow_exact_matches=True"),
]


WRONG_SUBMISSION = (
    {"psi": renamed_source(_psi, "psi").replace('side="right"', 'side="left"'),
     "promotion_gate": renamed_source(_gate, "promotion_gate").replace("strict=False", "strict=True"),
     "checkpoint_q1": "q1_answer = 0.5", "checkpoint_q3": 'q3_answer = "a"'},
    {"psi_public", "psi_hidden", "promotion_gate_public", "promotion_gate_hidden", "checkpoint_q1_test",
     "checkpoint_q3_test"},
)
