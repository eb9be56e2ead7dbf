"""Week 12: correct implementations written differently from the solutions pass the oracle on many seeds, and the
oracle's own references agree with independent ones (SciPy, pandas, properties).

Each RIGHT variant takes another route than the notebook's solution (a loop over distinct values, np.histogram
with infinite edges, per-entity searchsorted, a generator for the trigger, pandas cut for the calibration bins, a
dictionary of rules for the gate...), so the hidden tests are not tied to one way of writing the answer.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from course.exercises import make_cases, run_checks
from course.exercises.week12 import (EPSILON, gate_reference, ks_brute_force, point_in_time_reference,
                                     psi_reference, should_retrain_reference)


# ----------------------------------------------------------------------------- right, written differently

def ks_over_distinct_values(a, b):
    """Loop over the distinct pooled values with plain Python counting."""
    a, b = list(map(float, a)), list(map(float, b))
    best = 0.0
    for x in sorted(set(a) | set(b)):
        gap = abs(sum(v <= x for v in a) / len(a) - sum(v <= x for v in b) / len(b))
        best = max(best, gap)
    return best


def psi_with_histogram(expected, actual, bins=10):
    """np.histogram on edges with ±inf (histogram's bins are [lo, hi) except the last, closed: open at +inf anyway)."""
    edges = np.quantile(expected, np.linspace(0, 1, bins + 1))
    edges[0], edges[-1] = -np.inf, np.inf
    e = np.maximum(np.histogram(expected, edges)[0] / len(expected), 1e-4)
    a = np.maximum(np.histogram(actual, edges)[0] / len(actual), 1e-4)
    return float(np.sum(a * np.log(a / e)) + np.sum(e * np.log(e / a)))


def drift_report_with_crosstab(reference_df, current_df, alpha=0.05):
    """Chi-square from a pandas crosstab; the KS p-value through the one-sample distribution's survival function."""
    out = {}
    for column in reference_df:
        if reference_df[column].dtype.kind in "iuf":
            d = ks_over_distinct_values(reference_df[column], current_df[column])
            n, m = len(reference_df), len(current_df)
            out[column] = ("numeric", d, stats.kstwo(round(n * m / (n + m))).sf(d))
        else:
            both = pd.concat([reference_df[column], current_df[column]], keys=["ref", "cur"]).reset_index(level=0)
            table = pd.crosstab(both["level_0"], both[column]).to_numpy(dtype=float)
            if table.shape[1] == 1:
                out[column] = ("categorical", 0.0, 1.0)
                continue
            expected = np.outer(table.sum(1), table.sum(0)) / table.sum()
            statistic = ((table - expected) ** 2 / expected).sum()
            out[column] = ("categorical", statistic, stats.chi2(table.shape[1] - 1).sf(statistic))
    report = pd.DataFrame.from_dict(out, orient="index", columns=["kind", "statistic", "p_value"])
    return report.assign(alarm=lambda r: r["p_value"] < alpha)


def join_by_searchsorted(events, features):
    """Per entity, searchsorted(side='left') − 1 finds the last row strictly before each event."""
    columns = [c for c in features.columns if c not in ("entity", "time")]
    out = events.copy()
    values = {c: np.full(len(events), np.nan) for c in columns + ["feature_time"]}
    for entity, group in features.groupby("entity"):
        group = group.sort_values("time")
        mask = (events["entity"] == entity).to_numpy()
        k = np.searchsorted(group["time"].to_numpy(), events["time"].to_numpy()[mask], side="left") - 1
        found = k >= 0
        for c in columns:
            column = np.full(mask.sum(), np.nan)
            column[found] = group[c].to_numpy()[k[found]]
            values[c][mask] = column
        times = np.full(mask.sum(), np.nan)
        times[found] = group["time"].to_numpy()[k[found]]
        values["feature_time"][mask] = times
    for c, v in values.items():
        out[c] = v
    return out


def retrain_by_generator(history, policy):
    def triggers():
        run, quiet_until = 0, -1
        for t, value in enumerate(history):
            if t <= quiet_until or value != value:      # cooling down, or NaN
                continue
            run = run + 1 if value < policy["threshold"] else 0
            if run == policy["patience"]:
                yield t
                run, quiet_until = 0, t + policy["cooldown"]
    return list(triggers())


def calibration_with_pandas_cut(y_true, y_prob, n_bins=5):
    bins = pd.cut(pd.Series(y_prob), np.linspace(0, 1, n_bins + 1), include_lowest=True, right=True)
    grouped = pd.DataFrame({"y": y_true, "p": y_prob, "bin": bins}).groupby("bin", observed=True)
    return grouped["y"].mean().to_numpy(), grouped["p"].mean().to_numpy()


RULES = {"min": lambda mine, champ, value, higher: mine >= value,
         "max": lambda mine, champ, value, higher: mine <= value,
         "beats_champion": lambda mine, champ, value, higher: champ is None or
         (mine - champ if higher else champ - mine) >= value}


def gate_by_rules(candidate, champion, tests):
    failed = []
    for test in tests:
        mine = candidate.get(test["metric"], float("nan"))
        champ = None if champion is None else champion.get(test["metric"])
        if np.isnan(mine) or not RULES[test["kind"]](mine, champ, test["value"], test.get("higher_is_better", True)):
            failed.append(f"test '{test['name']}' failed ({test['metric']} = {mine})")
    return len(failed) == 0, failed


RIGHT = [("week12.ks_statistic", ks_over_distinct_values), ("week12.psi", psi_with_histogram),
         ("week12.drift_report", drift_report_with_crosstab), ("week12.point_in_time_join", join_by_searchsorted),
         ("week12.should_retrain", retrain_by_generator), ("week12.calibration_curve", calibration_with_pandas_cut),
         ("week12.promotion_gate", gate_by_rules)]


@pytest.mark.parametrize("key, function", RIGHT, ids=[key for key, _ in RIGHT])
def test_correct_variants_written_differently_pass(key, function):
    for seed in range(12):
        report = run_checks(key, function, seed=seed)
        assert report.ok, f"seed {seed}: {report.failure}"


# ----------------------------------------------------------------------------- the references themselves

def test_ks_reference_is_scipys_and_psi_has_its_properties():
    rng = np.random.default_rng(0)
    for _ in range(30):
        a, b = rng.integers(0, 5, size=rng.integers(1, 40)).astype(float), rng.normal(size=rng.integers(1, 40))
        assert ks_brute_force(a, b) == pytest.approx(stats.ks_2samp(a, b).statistic, abs=1e-12)
        e, x = rng.normal(size=200), rng.normal(loc=rng.uniform(-1, 1), size=150)
        bins = int(rng.integers(1, 15))
        value = psi_reference(e, x, bins)
        assert value >= 0 and psi_reference(e, e[::-1], bins) == pytest.approx(0.0, abs=1e-12)
        assert value == pytest.approx(psi_with_histogram(e, x, bins), rel=1e-12)
        assert value == pytest.approx(psi_reference(e, x, bins, form="kl")
                                      + psi_reference(x, e, bins, form="kl", edges_from="actual"), rel=1e-12)
    assert EPSILON == 1e-4


def test_the_point_in_time_reference_never_joins_the_present_or_the_future():
    for seed in range(10):
        _, cases = make_cases("week12.point_in_time_join", seed)
        for case in cases:
            joined = point_in_time_reference(case["events"], case["features"])
            assert not np.any(joined["feature_time"] >= joined["time"])
            inclusive = point_in_time_reference(case["events"], case["features"], exact=True)
            assert np.all(~(inclusive["feature_time"] > inclusive["time"]))


def test_the_trigger_reference_has_its_properties():
    rng = np.random.default_rng(2)
    for _ in range(200):
        history = 0.9 + rng.normal(scale=0.04, size=int(rng.integers(0, 60)))
        history[rng.random(len(history)) < 0.2] = np.nan
        policy = {"threshold": 0.88, "patience": int(rng.integers(1, 4)), "cooldown": int(rng.integers(0, 6))}
        fires = should_retrain_reference(history, policy)
        assert all(later - earlier > policy["cooldown"] for earlier, later in zip(fires, fires[1:]))
        firsts = [(should_retrain_reference(history, dict(policy, threshold=t)) or [np.inf])[0]
                  for t in (0.84, 0.86, 0.88, 0.9, 0.92)]
        assert all(b <= a for a, b in zip(firsts, firsts[1:]))
        assert fires == retrain_by_generator(history, policy)


def test_the_gate_reference_treats_ties_and_missing_champions_as_stated():
    tests = [{"name": "gain", "metric": "auc", "kind": "beats_champion", "value": 0.0, "higher_is_better": True},
             {"name": "loss", "metric": "log_loss", "kind": "beats_champion", "value": 0.0, "higher_is_better": False}]
    assert gate_reference({"auc": 0.8, "log_loss": 0.3}, {"auc": 0.8, "log_loss": 0.3}, tests) == (True, [])
    assert gate_reference({"auc": 0.8, "log_loss": 0.31}, {"auc": 0.8, "log_loss": 0.3}, tests) == (False, ["loss"])
    assert gate_reference({"auc": 0.1, "log_loss": 9.0}, None, tests) == (True, [])
    assert gate_reference({"auc": 0.9}, None, tests + [{"name": "floor", "metric": "recall", "kind": "min",
                                                         "value": 0.5}]) == (False, ["loss", "floor"])  # missing: fails
