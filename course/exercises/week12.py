"""Week 12 (MLOps II: monitoring, drift, CI/CD, feature stores): the graded functions, inputs, references.

References: ``scipy.stats.ks_2samp`` for the KS statistic; a PSI written here bin by bin with boolean masks (and
checked against its properties: zero for identical samples, non-negative, equal to KL(a‖e) + KL(e‖a) of the
binned shares); ``scipy.stats.ks_2samp(method="asymp")`` and ``scipy.stats.chi2_contingency(correction=False)``
for the drift report; ``pandas.merge_asof(direction="backward", allow_exact_matches=False)`` for the
point-in-time join (and a property: no joined feature is stamped at or after its event); a window-by-window
state machine and properties (never during the cool-down, never before ``patience`` bad windows, the first
trigger monotone in the threshold) for ``should_retrain``; ``sklearn.calibration.calibration_curve`` (uniform
bins); a test-by-test reading of the gate's rules for ``promotion_gate``.

DataFrames never cross the sandbox boundary: cases hold plain columns, ``call`` builds the DataFrames next to the
learner's code and turns the result back into plain lists and arrays.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np

from course.checks import CheckFailure, diagnose, expected_values_concealed
from course.exercises import Case, Exercise, register
from course.exercises.judging import as_float as _as_float, judge as _judge, matches as _matches

EPSILON = 1e-4   # the share given to an empty bin in PSI


# ----------------------------------------------------------------------------- KS statistic


def ks_brute_force(a: np.ndarray, b: np.ndarray, one_sided: bool = False, group_ties: bool = True) -> float:
    """sup |F_a − F_b| at every pooled value (with ties grouped), or the mistakes learners make."""
    a, b = np.sort(np.asarray(a, float)), np.sort(np.asarray(b, float))
    if group_ties:
        points = np.concatenate([a, b])
        fa = np.searchsorted(a, points, side="right") / len(a)
        fb = np.searchsorted(b, points, side="right") / len(b)
    else:   # walking the merged sample one value at a time: tied values of the two samples are split
        merged = np.concatenate([a, b])
        order = np.argsort(merged, kind="stable")
        steps = np.where(order < len(a), 1.0 / len(a), -1.0 / len(b))
        diff = np.cumsum(steps)
        return float(np.max(diff) if one_sided else np.max(np.abs(diff)))
    diff = fa - fb
    return float(max(0.0, diff.max()) if one_sided else np.abs(diff).max())


def _ks_case(rng: np.random.Generator, n: int, m: int, kind: str) -> Case:
    if kind == "continuous":
        a = rng.normal(size=n)
        b = rng.normal(loc=rng.uniform(-1, 1), scale=rng.uniform(0.5, 2), size=m)
    elif kind == "ties":       # small integers: many values shared within and across the samples
        a = rng.integers(0, 6, size=n).astype(float)
        b = rng.integers(int(rng.integers(0, 2)), 6, size=m).astype(float)
    else:                      # rounded to one decimal: some ties
        a = np.round(rng.normal(size=n), 1)
        b = np.round(rng.normal(loc=0.3, size=m), 1)
    return {"a": a, "b": b}


def _ks_cases(rng: np.random.Generator) -> list[Case]:
    cases = [_ks_case(rng, 40, 25, "continuous"), _ks_case(rng, 30, 30, "ties"), _ks_case(rng, 200, 57, "rounded"),
             _ks_case(rng, 12, 90, "ties"), _ks_case(rng, 1, 7, "continuous")]
    # b mostly below a: the largest gap is F_b − F_a (the one-sided max misses it)
    cases.append({"a": rng.normal(loc=1.0, size=20), "b": rng.normal(loc=-1.0, size=35)})
    same = rng.normal(size=15)
    cases.append({"a": same, "b": same[rng.permutation(15)]})                     # identical samples: D = 0
    cases.append({"a": rng.uniform(0, 1, size=8), "b": rng.uniform(2, 3, size=5)})   # disjoint: D = 1
    cases.append({"a": np.array([1.0, 2.0, 2.0, 3.0]), "b": np.array([2.0, 2.0, 2.0])})
    return cases


def _ks_reference(case: Case) -> float:
    from scipy.stats import ks_2samp
    with warnings.catch_warnings():   # "exact calculation unsuccessful": about the p-value, which is not used
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(ks_2samp(case["a"], case["b"]).statistic)


def _compare_ks(actual: Any, expected: float, case: Case, name: str) -> None:
    value = _as_float(actual, name)
    a, b = case["a"], case["b"]
    _judge(value, expected, name, lambda: {
        "walking the merged sample one value at a time without grouping tied values (with ties, evaluate both "
        "CDFs only after every copy of a value: F(x) counts the values ≤ x)": ks_brute_force(a, b, group_ties=False),
        "the one-sided statistic max(F_a − F_b) (the two-sided KS takes the largest absolute gap)":
            ks_brute_force(a, b, one_sided=True),
    }, rtol=1e-9, atol=1e-12)


register(Exercise(
    key="week12.ks_statistic", function="ks_statistic",
    make_cases=_ks_cases,
    call=lambda function, case: function(case["a"], case["b"]),
    reference=_ks_reference,
    describe=lambda case: (f"samples of sizes {len(case['a'])} and {len(case['b'])}, "
                           f"{len(np.unique(np.concatenate([case['a'], case['b']])))} distinct values"),
    compare=_compare_ks,
))


# ----------------------------------------------------------------------------- PSI


def psi_reference(expected: np.ndarray, actual: np.ndarray, bins: int = 10, *, edges_from: str = "expected",
                  epsilon: float | None = EPSILON, right_closed: bool = False, form: str = "psi",
                  uniform: bool = False) -> float:
    """The population stability index, bin by bin with boolean masks (or one of the mistakes, for diagnosis).

    Bins: quantiles of ``expected`` at 0, 1/bins, ..., 1 (np.quantile, linear), the outer edges replaced by −inf
    and +inf; each bin [lo, hi) closed on the left. Shares below ε are raised to ε.
    """
    e, a = np.asarray(expected, float), np.asarray(actual, float)
    source = e if edges_from == "expected" else a
    if uniform:
        edges = np.linspace(source.min(), source.max(), bins + 1)
    else:
        edges = np.quantile(source, np.linspace(0, 1, bins + 1))
        edges[0], edges[-1] = -np.inf, np.inf
    shares = []
    for x in (e, a):
        counts = []
        for lo, hi in zip(edges[:-1], edges[1:]):
            inside = ((x > lo) & (x <= hi)) if right_closed else ((x >= lo) & (x < hi))
            if uniform and hi == edges[-1]:
                inside = (x >= lo) & (x <= hi)
            counts.append(inside.sum())
        shares.append(np.array(counts, float) / len(x))
    pe, pa = shares
    with np.errstate(divide="ignore", invalid="ignore"):
        if epsilon is not None:
            pe, pa = np.maximum(pe, epsilon), np.maximum(pa, epsilon)
        if form == "kl":        # only one direction of the divergence
            return float(np.sum(pa * np.log(pa / pe)))
        # PSI = Σ (a − e) ln(a / e) = KL(a‖e) + KL(e‖a): the symmetric (Jeffreys) form
        return float(np.sum(pa * np.log(pa / pe)) + np.sum(pe * np.log(pe / pa)))


def _psi_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, m, bins, shift, scale in ((500, 300, 10, 0.3, 1.0), (200, 200, 5, 0.0, 1.6), (1000, 150, 10, 1.5, 0.5),
                                     (80, 400, 4, -0.4, 1.0), (300, 90, 20, 0.1, 1.1)):
        expected = rng.normal(size=n) * rng.uniform(0.5, 20) + rng.uniform(-10, 10)
        loc, spread = np.mean(expected), np.std(expected)
        actual = loc + (rng.normal(size=m) * scale + shift) * spread
        cases.append({"expected": expected, "actual": actual, "bins": bins})
    # small integers: duplicated quantile edges (empty bins for both samples) and values on the edges
    cases.append({"expected": rng.integers(0, 8, size=120).astype(float),
                  "actual": rng.integers(2, 10, size=70).astype(float), "bins": 10})
    # actual far outside expected's range, leaving most bins empty: the outer bins are open, empty ones get ε
    cases.append({"expected": rng.uniform(0, 1, size=100), "actual": rng.uniform(3, 4, size=40), "bins": 5})
    same = rng.exponential(size=60)
    cases.append({"expected": same, "actual": same[::-1].copy(), "bins": 6})     # identical samples: PSI 0
    cases.append({"expected": rng.normal(size=50), "actual": rng.normal(size=30), "bins": 1})   # one bin: 0
    # quantile edges 2, 4, 6 fall on values of both samples: which bin an edge value belongs to matters
    cases.append({"expected": np.arange(9.0), "actual": np.array([0.0, 1, 2, 2, 2, 4, 4, 6, 7, 8, 8, 8]), "bins": 4})
    return cases


def _compare_psi(actual: Any, expected: float, case: Case, name: str) -> None:
    if actual is not None and not isinstance(actual, (bool, np.bool_)):
        try:
            value = np.asarray(actual, dtype=float)
            if value.size == 1 and not np.isfinite(value.reshape(())):
                raise CheckFailure(f"{name} is {float(value.reshape(())):g}: an empty bin (a share of 0) makes "
                                   f"ln(a / e) infinite; raise every share below ε = {EPSILON:g} to ε before "
                                   "taking logarithms.")
        except (TypeError, ValueError):
            pass
    value = _as_float(actual, name)
    e, a, bins = case["expected"], case["actual"], case["bins"]
    _judge(value, expected, name, lambda: {
        "bins cut at the quantiles of `actual` (the bins come from the reference sample, `expected`)":
            psi_reference(e, a, bins, edges_from="actual"),
        "bins closed on the right, (lo, hi] (a value equal to an edge belongs to the bin above it: [lo, hi))":
            psi_reference(e, a, bins, right_closed=True),
        "only one direction, Σ a ln(a / e) = KL(a‖e) (PSI is Σ (a − e) ln(a / e), both directions)":
            psi_reference(e, a, bins, form="kl"),
        "equal-width bins between the minimum and maximum of `expected` (PSI's bins are its quantiles, the outer "
        "ones open to ±inf)": psi_reference(e, a, bins, uniform=True),
    }, rtol=1e-7, atol=1e-10)


register(Exercise(
    key="week12.psi", function="psi",
    make_cases=_psi_cases,
    call=lambda function, case: function(case["expected"], case["actual"], case["bins"]),
    reference=lambda case: psi_reference(case["expected"], case["actual"], case["bins"]),
    describe=lambda case: (f"{len(case['expected'])} expected and {len(case['actual'])} actual values, "
                           f"bins = {case['bins']}"),
    compare=_compare_psi,
))


# ----------------------------------------------------------------------------- drift report

REPORT_COLUMNS = ["kind", "statistic", "p_value", "alarm"]


def drift_report_reference(reference: dict, current: dict, alpha: float, *, unseen: str = "column",
                           exact: bool = False, yates: bool = False, less_equal: bool = False) -> dict:
    """The report from scipy: ks_2samp(method="asymp") for numbers, chi2_contingency on the 2 × K table of
    category counts (categories of both samples, sorted; no Yates correction) for strings."""
    from scipy.stats import chi2_contingency, ks_2samp

    rows = {"feature": [], "kind": [], "statistic": [], "p_value": [], "alarm": []}
    for feature, column in reference.items():
        ref, cur = np.asarray(column), np.asarray(current[feature])
        if ref.dtype.kind in "iuf":
            result = ks_2samp(ref.astype(float), cur.astype(float), method="exact" if exact else "asymp")
            kind, statistic, p_value = "numeric", float(result.statistic), float(result.pvalue)
        else:
            categories = sorted(set(ref.tolist()) | set(cur.tolist())) if unseen == "column" else \
                sorted(set(ref.tolist()))
            table = np.array([[np.sum(ref == c) for c in categories], [np.sum(cur == c) for c in categories]],
                             dtype=float)
            if table.shape[1] < 2:
                statistic, p_value = 0.0, 1.0
            else:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    stat, p_value, _, _ = chi2_contingency(table, correction=yates)
                statistic = float(stat)
            kind = "categorical"
        rows["feature"].append(str(feature))
        rows["kind"].append(kind)
        rows["statistic"].append(statistic)
        rows["p_value"].append(float(p_value))
        rows["alarm"].append(bool(p_value <= alpha if less_equal else p_value < alpha))
    return rows


_PLANS = ["web", "mobile", "store", "partner", "phone"]


def _report_case(rng: np.random.Generator, n: int, m: int, numeric: int, categorical: int, drift: float,
                 unseen: bool = False) -> Case:
    reference, current = {}, {}
    names = ["age", "income", "basket", "visits", "tenure"][:numeric] + ["channel", "plan"][:categorical]
    for k, name in enumerate(names):
        shifted = rng.random() < 0.5
        if k < numeric:
            scale = float(10 ** rng.uniform(-1, 3))
            reference[name] = rng.normal(size=n) * scale
            current[name] = (rng.normal(size=m) * (1 + drift * shifted * rng.uniform(0, 1))
                             + drift * shifted * rng.uniform(-1, 1)) * scale
            if rng.random() < 0.3:          # whole numbers (counts): ties
                reference[name], current[name] = np.round(reference[name]), np.round(current[name])
        else:
            pool = _PLANS[:int(rng.integers(2, 5))]
            weights = rng.dirichlet(np.ones(len(pool)) * 3)
            moved = rng.dirichlet(np.ones(len(pool)) * 3) if shifted and drift > 0 else weights
            mix = (1 - min(drift, 1)) * weights + min(drift, 1) * moved
            reference[name] = [str(v) for v in rng.choice(pool, size=n, p=weights)]
            current[name] = [str(v) for v in rng.choice(pool, size=m, p=mix / mix.sum())]
            if unseen and k == numeric:
                current[name][: max(1, m // 10)] = ["kiosk"] * max(1, m // 10)    # a category never seen before
    order = [names[i] for i in rng.permutation(len(names))]
    return {"reference": {k: reference[k] for k in order}, "current": {k: current[k] for k in order},
            "alpha": float(rng.choice([0.01, 0.05, 0.1]))}


def _report_cases(rng: np.random.Generator) -> list[Case]:
    cases = [_report_case(rng, 300, 200, 2, 1, 0.6, unseen=True), _report_case(rng, 150, 400, 3, 2, 0.0),
             _report_case(rng, 500, 500, 1, 1, 1.0), _report_case(rng, 60, 45, 2, 2, 0.3, unseen=True),
             _report_case(rng, 1000, 120, 4, 0, 0.4), _report_case(rng, 80, 80, 0, 2, 0.8)]
    # two categories (one degree of freedom, where a Yates correction would change the statistic)
    cases.append({"reference": {"plan": ["web"] * 30 + ["store"] * 20, "age": rng.normal(size=50)},
                  "current": {"plan": ["web"] * 12 + ["store"] * 28, "age": rng.normal(loc=0.5, size=40)},
                  "alpha": 0.05})
    # a single category in both samples: nothing to test (statistic 0, p-value 1, no alarm)
    cases.append({"reference": {"plan": ["web"] * 20, "visits": rng.normal(size=20)},
                  "current": {"plan": ["web"] * 30, "visits": rng.normal(loc=3.0, size=30)}, "alpha": 0.05})
    return cases


def _frames(case: Case):
    import pandas as pd
    return pd.DataFrame(case["reference"]), pd.DataFrame(case["current"])


def _plain_report(result: Any) -> dict:
    import pandas as pd
    if not isinstance(result, pd.DataFrame):
        raise CheckFailure(f"drift_report should return a pandas DataFrame (one row per feature); got "
                           f"{type(result).__name__}.")
    missing = [c for c in REPORT_COLUMNS if c not in result.columns]
    if missing:
        raise CheckFailure(f"the report has no column {missing[0]!r}: its columns should be {REPORT_COLUMNS} "
                           f"(it has {[str(c) for c in result.columns]}), indexed by the feature names.")
    try:
        return {"feature": [str(i) for i in result.index], "kind": [str(k) for k in result["kind"]],
                "statistic": result["statistic"].to_numpy(dtype=float),
                "p_value": result["p_value"].to_numpy(dtype=float),
                "alarm": [bool(a) for a in result["alarm"]]}
    except (TypeError, ValueError) as error:
        raise CheckFailure(f"the report's statistic and p_value columns should hold numbers ({error}).") from None


def _call_drift_report(function: Callable, case: Case) -> dict:
    reference, current = _frames(case)
    before = reference.copy(), current.copy()
    result = function(reference, current, case["alpha"])
    for name, frame, original in (("reference_df", reference, before[0]), ("current_df", current, before[1])):
        if not frame.equals(original):
            raise CheckFailure(f"drift_report changed its input {name} in place; leave the caller's DataFrame "
                               "alone (work on its columns' values).")
    return _plain_report(result)


def _compare_report(actual: Any, expected: dict, case: Case, name: str) -> None:
    if actual["feature"] != expected["feature"]:
        raise CheckFailure(f"the report's index is {actual['feature']}, but it should be the features in the order "
                           f"of reference_df's columns, {expected['feature']}.")
    for i, feature in enumerate(expected["feature"]):
        if actual["kind"][i] != expected["kind"][i]:
            raise CheckFailure(f"feature {feature!r} has kind {actual['kind'][i]!r}, but it is "
                               f"{expected['kind'][i]!r}: numeric columns get the KS test, the others (strings) "
                               "the chi-square test.")
    for column, what in (("statistic", "statistics"), ("p_value", "p-values")):
        for i, feature in enumerate(expected["feature"]):
            got, want = actual[column][i], expected[column][i]
            if diagnose(got, want, rtol=1e-6, atol=1e-9) is None:
                continue
            kind = expected["kind"][i]
            mistakes = {}
            if kind == "categorical":
                mistakes["a table of the reference's categories only (a category seen only in current_df is a "
                         "column of its own, with reference count 0)"] = drift_report_reference(
                    case["reference"], case["current"], case["alpha"], unseen="reference")
                mistakes["the Yates continuity correction (use chi2_contingency's correction=False, or the "
                         "plain Σ (O − E)² / E)"] = drift_report_reference(case["reference"], case["current"],
                                                                          case["alpha"], yates=True)
            elif column == "p_value":
                mistakes["the exact KS distribution (the report uses the asymptotic one: "
                         "scipy.stats.kstwo.sf(D, round(n·m / (n + m))))"] = drift_report_reference(
                    case["reference"], case["current"], case["alpha"], exact=True)
            for mistake, rows in mistakes.items():
                if _matches(got, rows[column][i], rtol=1e-6, atol=1e-9):
                    raise CheckFailure(f"the {column} of {kind} feature {feature!r} is what {mistake} gives.")
            shown = "" if expected_values_concealed() else f" (expected {want:.6g})"
            raise CheckFailure(f"the {column} of {kind} feature {feature!r} is {got:.6g}{shown}: the report's "
                               f"{what} come from ks_2samp(method='asymp') for numeric features and "
                               "chi2_contingency(correction=False) for categorical ones.")
    for i, feature in enumerate(expected["feature"]):
        if actual["alarm"][i] != expected["alarm"][i]:
            raise CheckFailure(f"feature {feature!r} has alarm {actual['alarm'][i]} although its p-value is right: "
                               f"the alarm is p_value < alpha (alpha = {case['alpha']}), strictly.")


register(Exercise(
    key="week12.drift_report", function="drift_report",
    make_cases=_report_cases,
    call=_call_drift_report,
    inputs=(),                  # the DataFrames are built in `call`, which checks them itself
    reference=lambda case: drift_report_reference(case["reference"], case["current"], case["alpha"]),
    describe=lambda case: (f"{len(next(iter(case['reference'].values())))} reference and "
                           f"{len(next(iter(case['current'].values())))} current rows, features "
                           f"{list(case['reference'])}, alpha = {case['alpha']}"),
    compare=_compare_report,
))


# ----------------------------------------------------------------------------- point-in-time join


def point_in_time_reference(events: dict, features: dict, *, exact: bool = False, direction: str = "backward",
                            by_entity: bool = True, keep_order: bool = True) -> dict:
    """pandas.merge_asof(events, features, by="entity", on="time", direction="backward",
    allow_exact_matches=False), with the feature's own timestamp as "feature_time", in the events' order."""
    import pandas as pd

    left = pd.DataFrame(events)
    left["_row"] = np.arange(len(left))
    right = pd.DataFrame(features).rename(columns={"time": "feature_time"})
    right["time"] = right["feature_time"]
    kwargs = dict(on="time", direction=direction, allow_exact_matches=exact)
    if by_entity:
        kwargs["by"] = "entity"
    else:
        right = right.drop(columns="entity")
    joined = pd.merge_asof(left.sort_values("time", kind="stable"), right.sort_values("time", kind="stable"),
                           **kwargs)
    if keep_order:
        joined = joined.sort_values("_row", kind="stable")
    return _plain_join(joined.drop(columns="_row"), list(events), [c for c in features if c not in
                                                                     ("entity", "time")])


def _plain_join(frame, event_columns: list, feature_columns: list) -> dict:
    out = {"columns": [str(c) for c in frame.columns]}
    for column in event_columns + feature_columns + ["feature_time"]:
        if column in frame.columns:
            out[column] = frame[column].to_numpy(dtype=float)
    return out


def _join_case(rng: np.random.Generator, entities: int, n_events: int, per_entity: int, ties: bool) -> Case:
    feature_rows = {"entity": [], "time": [], "spend_7d": [], "orders_30d": []}
    for e in range(entities):
        if e == entities - 1 and entities > 2:
            continue                                   # an entity with no feature rows at all: NaN
        times = np.sort(rng.choice(np.arange(0, 60), size=per_entity, replace=False)).astype(float)
        feature_rows["entity"] += [float(e)] * per_entity
        feature_rows["time"] += times.tolist()
        feature_rows["spend_7d"] += np.round(rng.gamma(2.0, 30.0, size=per_entity), 2).tolist()
        feature_rows["orders_30d"] += rng.integers(0, 12, size=per_entity).astype(float).tolist()
    order = rng.permutation(len(feature_rows["entity"]))
    features = {k: np.asarray(v, float)[order] for k, v in feature_rows.items()}
    event_entity = rng.integers(0, entities, size=n_events).astype(float)
    event_time = rng.uniform(-5, 65, size=n_events).round(1)
    if ties:   # events at exactly the moment a feature row was written (exact matches), and before any row
        for k in range(min(4, n_events)):
            row = rng.integers(len(features["time"]))
            event_entity[k], event_time[k] = features["entity"][row], features["time"][row]
    events = {"entity": event_entity, "time": event_time, "label": rng.integers(0, 2, size=n_events).astype(float)}
    return {"events": events, "features": features}


def _join_cases(rng: np.random.Generator) -> list[Case]:
    return [_join_case(rng, 3, 12, 5, True), _join_case(rng, 5, 40, 8, True), _join_case(rng, 2, 6, 3, False),
            _join_case(rng, 6, 100, 12, True), _join_case(rng, 4, 25, 1, True),
            {"events": {"entity": np.array([0.0, 0.0, 1.0]), "time": np.array([5.0, 2.0, 9.0]),
                        "label": np.array([1.0, 0.0, 1.0])},
             "features": {"entity": np.array([0.0, 0.0, 1.0, 0.0]), "time": np.array([1.0, 5.0, 9.0, 4.0]),
                          "spend_7d": np.array([10.0, 20.0, 30.0, 40.0]),
                          "orders_30d": np.array([1.0, 2.0, 3.0, 4.0])}}]


def _call_join(function: Callable, case: Case) -> dict:
    import pandas as pd
    events, features = pd.DataFrame(case["events"]), pd.DataFrame(case["features"])
    before = events.copy(), features.copy()
    result = function(events, features)
    for name, frame, original in (("events", events, before[0]), ("features", features, before[1])):
        if not frame.equals(original):
            raise CheckFailure(f"point_in_time_join changed its input {name} in place (sorted it, or added a "
                               "column?); work on a copy and leave the caller's DataFrame alone.")
    if not isinstance(result, pd.DataFrame):
        raise CheckFailure(f"point_in_time_join should return a pandas DataFrame; got {type(result).__name__}.")
    needed = list(case["events"]) + [c for c in case["features"] if c not in ("entity", "time")] + ["feature_time"]
    missing = [c for c in needed if c not in result.columns]
    if missing:
        raise CheckFailure(f"the joined table has no column {missing[0]!r}: it should hold the events' columns, "
                           f"the feature columns and 'feature_time' (it has {[str(c) for c in result.columns]}).")
    try:
        return _plain_join(result, list(case["events"]),
                           [c for c in case["features"] if c not in ("entity", "time")])
    except (TypeError, ValueError) as error:
        raise CheckFailure(f"the joined columns should hold numbers (NaN where nothing is joined): {error}.") \
            from None


def _compare_join(actual: Any, expected: dict, case: Case, name: str) -> None:
    n = len(case["events"]["time"])
    rows = len(actual["time"])
    if rows != n:
        raise CheckFailure(f"the joined table has {rows} rows, but there are {n} events: exactly one row per event "
                           "(a left join), with NaN where no feature row is early enough.")
    if not np.array_equal(actual["time"], case["events"]["time"]) or \
            not np.array_equal(actual["entity"], case["events"]["entity"]):
        raise CheckFailure("the joined rows are not in the events' order: merge_asof needs rows sorted by time, so "
                           "sort a copy, join, and put the rows back in the events' original order (and index).")
    joined_at = actual["feature_time"]
    late = np.flatnonzero(joined_at > actual["time"])
    if not late.size:
        late = np.flatnonzero(joined_at == actual["time"])
    if late.size:
        k = int(late[0])
        equal = joined_at[k] == actual["time"][k]
        raise CheckFailure(
            f"event {k} (entity {actual['entity'][k]:g}, time {actual['time'][k]:g}) was joined to a feature row "
            f"stamped {joined_at[k]:g}: " + ("at the event's own time. The join is strict "
                                             "(allow_exact_matches=False): a feature written at that moment may "
                                             "already know the event's outcome." if equal else
                                             "after the event. That leaks the future: only feature rows from "
                                             "strictly before the event may be joined."))
    for column in [c for c in case["features"] if c not in ("entity", "time")] + ["feature_time"]:
        problem = diagnose(actual[column], expected[column], rtol=0, atol=0, what=f"the joined column {column!r}")
        if problem is None:
            continue
        for mistake, kwargs in (("ignoring the entity (every event must get its own entity's features: "
                                 "by='entity')", dict(by_entity=False)),):
            if _matches(actual[column], point_in_time_reference(case["events"], case["features"], **kwargs)[column],
                        rtol=0, atol=0):
                raise CheckFailure(f"the joined column {column!r} is what {mistake} gives.")
        raise CheckFailure(problem + " Each event gets the latest feature row of its entity stamped strictly before "
                                     "the event's time (NaN when there is none).")


register(Exercise(
    key="week12.point_in_time_join", function="point_in_time_join",
    make_cases=_join_cases,
    call=_call_join,
    inputs=(),                  # the DataFrames are built in `call`, which checks them itself
    reference=lambda case: point_in_time_reference(case["events"], case["features"]),
    describe=lambda case: (f"{len(case['events']['time'])} events, {len(case['features']['time'])} feature rows of "
                           f"{len(np.unique(case['features']['entity']))} entities"),
    compare=_compare_join,
))


# ----------------------------------------------------------------------------- retraining trigger

THRESHOLD_STEPS = (-0.06, -0.03, 0.0, 0.03, 0.06)


def should_retrain_reference(history: np.ndarray, policy: dict, *, nan_as: str = "skip",
                             reset_after_fire: bool = True, cooldown_inclusive: bool = True,
                             strict: bool = True) -> list[int]:
    """Window by window: a window is bad when its metric is below the threshold; `patience` bad windows in a row
    (NaN windows, labels not in yet, neither extend nor break the run) trigger, except during the `cooldown`
    windows that follow a trigger (they are ignored altogether); a trigger starts a new run."""
    threshold, patience, cooldown = float(policy["threshold"]), int(policy["patience"]), int(policy["cooldown"])
    fires, run, last = [], 0, None
    for t, value in enumerate(np.asarray(history, float)):
        if last is not None and (t - last <= cooldown if cooldown_inclusive else t - last < cooldown):
            continue
        if np.isnan(value):
            if nan_as == "skip":
                continue
            bad = nan_as == "bad"
        else:
            bad = value < threshold if strict else value <= threshold
        run = run + 1 if bad else 0
        if run >= patience:
            fires.append(t)
            last = t
            if reset_after_fire:
                run = 0
    return fires


def _stream(rng: np.random.Generator, n: int, level: float, drops: int, nan_share: float,
            grid: bool = False) -> np.ndarray:
    values = level + rng.normal(scale=0.015, size=n)
    for _ in range(drops):
        start = int(rng.integers(0, n))
        values[start:start + int(rng.integers(2, 12))] -= rng.uniform(0.03, 0.12)
    if grid:          # values on a grid of 0.01: some equal to the threshold exactly
        values = np.round(values * 100) / 100
    values[rng.random(n) < nan_share] = np.nan
    return values


def _retrain_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, drops, nan_share, patience, cooldown, grid in ((40, 2, 0.0, 3, 5, False), (60, 4, 0.15, 2, 3, True),
                                                          (30, 1, 0.3, 1, 0, False), (80, 6, 0.1, 4, 10, True),
                                                          (50, 5, 0.0, 2, 0, True), (20, 0, 0.0, 3, 2, False)):
        history = _stream(rng, n, 0.9, drops, nan_share, grid)
        threshold = float(np.round(rng.uniform(0.84, 0.89), 2))
        cases.append({"history": history, "policy": {"threshold": threshold, "patience": patience,
                                                     "cooldown": cooldown}})
    cases.append({"history": np.array([0.7] * 12), "policy": {"threshold": 0.8, "patience": 2, "cooldown": 3}})
    cases.append({"history": np.array([0.7, np.nan, 0.7, np.nan, np.nan, 0.9, 0.7, 0.7]),
                  "policy": {"threshold": 0.8, "patience": 2, "cooldown": 1}})
    cases.append({"history": np.zeros(0), "policy": {"threshold": 0.8, "patience": 1, "cooldown": 1}})
    return cases


def _fires(value: Any, name: str) -> list[int]:
    try:
        array = np.asarray(value if not isinstance(value, np.ndarray) else value, dtype=float).ravel()
    except (TypeError, ValueError):
        raise CheckFailure(f"{name} should be a list of window indices (integers); got {type(value).__name__}.") \
            from None
    if value is None or (array.size and not np.all(array == np.round(array))):
        raise CheckFailure(f"{name} should be a list of window indices (integers); got {value!r}.")
    return [int(v) for v in array]


def _call_retrain(function: Callable, case: Case) -> dict:
    fires = function(case["history"], case["policy"])
    firsts = []
    for step in THRESHOLD_STEPS:     # the same stream under stricter and looser thresholds (monotonicity)
        policy = dict(case["policy"], threshold=case["policy"]["threshold"] + step)
        firsts.append(function(case["history"].copy(), policy))
    return {"fires": fires, "by_threshold": firsts}


def _compare_retrain(actual: Any, expected: list[int], case: Case, name: str) -> None:
    fires = _fires(actual["fires"], name)
    history, policy = case["history"], case["policy"]
    cooldown, patience = int(policy["cooldown"]), int(policy["patience"])
    if fires != sorted(set(fires)):
        raise CheckFailure(f"{name} is {fires}: return each triggering window once, in increasing order.")
    for earlier, later in zip(fires, fires[1:]):
        if later - earlier <= cooldown:
            raise CheckFailure(f"{name} triggers at windows {earlier} and {later}: the second is inside the "
                               f"cool-down of {cooldown} windows after the first (no trigger before window "
                               f"{earlier + cooldown + 1}).")
    if fires and fires[0] < patience - 1:
        raise CheckFailure(f"{name} triggers at window {fires[0]}, before {patience} windows could have been bad.")
    firsts = [(_fires(f, name) or [None])[0] for f in actual["by_threshold"]]
    for (lower, a), (higher, b) in zip(zip(THRESHOLD_STEPS, firsts), zip(THRESHOLD_STEPS[1:], firsts[1:])):
        if a is not None and (b is None or b > a):
            raise CheckFailure(f"raising the threshold (by {higher - lower:.2f}) made the first trigger come later "
                               f"(window {a} → {b if b is not None else 'never'}): a stricter threshold marks "
                               "more windows as bad, so it can only trigger sooner.")
    if fires == expected:
        return
    named = []
    for mistake, kwargs in (
            ("counting a NaN window (its labels have not arrived) as a good one that breaks the run of bad windows "
             "(skip NaN windows: they neither extend nor break it)", dict(nan_as="good")),
            ("counting a NaN window (its labels have not arrived) as a bad one (skip NaN windows: they neither "
             "extend nor break the run)", dict(nan_as="bad")),
            ("keeping the run of bad windows after a trigger (a trigger starts a new run: the retrained model must "
             "earn `patience` bad windows of its own)", dict(reset_after_fire=False)),
            ("a cool-down one window too short (after a trigger at t, windows t + 1 … t + cooldown are ignored)",
             dict(cooldown_inclusive=False)),
            ("counting a window whose metric equals the threshold as bad (bad means strictly below it)",
             dict(strict=False))):
        if fires == should_retrain_reference(history, policy, **kwargs):
            named.append(mistake)
    if named:
        raise CheckFailure(f"{name} is {fires}, which is what {named[0]} gives"
                           + "".join(f"; it is also what {other} gives" for other in named[1:]) + ".")
    shown = "" if expected_values_concealed() else f", expected {expected}"
    raise CheckFailure(f"{name} is {fires}{shown}: walk the windows in order; a window whose metric is below the "
                       f"threshold extends the run of bad windows, any other non-NaN window ends it; a run of "
                       f"`patience` triggers; after a trigger the next `cooldown` windows are ignored.")


register(Exercise(
    key="week12.should_retrain", function="should_retrain",
    make_cases=_retrain_cases,
    call=_call_retrain,
    inputs=("history",),
    reference=lambda case: should_retrain_reference(case["history"], case["policy"]),
    describe=lambda case: (f"{len(case['history'])} windows ({int(np.isnan(case['history']).sum())} without labels "
                           f"yet), policy {case['policy']}"),
    compare=_compare_retrain,
))


# ----------------------------------------------------------------------------- calibration curve


def calibration_variant(y_true: np.ndarray, y_prob: np.ndarray, n_bins: int, *, side: str = "left",
                        drop_empty: bool = True, swapped: bool = False):
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    ids = np.searchsorted(edges[1:-1], y_prob, side=side)
    total = np.bincount(ids, minlength=n_bins).astype(float)
    positives = np.bincount(ids, weights=np.asarray(y_true, float), minlength=n_bins)
    sums = np.bincount(ids, weights=y_prob, minlength=n_bins)
    keep = total > 0 if drop_empty else np.ones(n_bins, bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        prob_true, prob_pred = positives[keep] / total[keep], sums[keep] / total[keep]
    return (prob_pred, prob_true) if swapped else (prob_true, prob_pred)


def _calibration_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, bins, kind in ((200, 10, "over"), (50, 5, "calibrated"), (500, 8, "under"), (30, 10, "sparse"),
                          (120, 4, "grid"), (400, 15, "over")):
        if kind == "grid":       # probabilities on the bin edges exactly (0.25, 0.5, ...)
            y_prob = rng.choice(np.linspace(0, 1, 2 * bins + 1), size=n)
        elif kind == "sparse":   # few values, many empty bins
            y_prob = rng.choice([0.05, 0.12, 0.5, 0.93], size=n)
        else:
            y_prob = rng.beta(0.7, 0.7, size=n) if kind != "calibrated" else rng.uniform(size=n)
        truth = {"over": 0.5 + (y_prob - 0.5) * 0.5, "under": np.clip(0.5 + (y_prob - 0.5) * 1.6, 0, 1)}.get(kind, y_prob)
        y_true = (rng.random(n) < truth).astype(float)
        cases.append({"y_true": y_true, "y_prob": y_prob, "n_bins": bins})
    cases.append({"y_true": np.array([0.0, 1.0, 1.0]), "y_prob": np.array([0.0, 1.0, 0.2]), "n_bins": 5})
    return cases


def _calibration_reference(case: Case):
    from sklearn.calibration import calibration_curve
    prob_true, prob_pred = calibration_curve(case["y_true"], case["y_prob"], n_bins=case["n_bins"],
                                             strategy="uniform")
    return prob_true, prob_pred


def _compare_calibration(actual: Any, expected: tuple, case: Case, name: str) -> None:
    if not (isinstance(actual, (tuple, list)) and len(actual) == 2):
        raise CheckFailure(f"{name} should be a pair (prob_true, prob_pred), as sklearn returns; got "
                           f"{type(actual).__name__}" + (f" of length {len(actual)}" if isinstance(actual, (tuple, list))
                                                          else "") + ".")
    y, p, bins = case["y_true"], case["y_prob"], case["n_bins"]
    variants = {
        "putting a probability that sits exactly on an inner edge into the bin above (sklearn's bins are closed "
        "on the right: bin k holds (k/n_bins, (k+1)/n_bins], the first one also 0)":
            calibration_variant(y, p, bins, side="right"),
        "keeping the empty bins (sklearn drops them: return only bins that hold at least one sample)":
            calibration_variant(y, p, bins, drop_empty=False),
        "the pair in the other order (sklearn returns prob_true, the fraction of positives, first)":
            calibration_variant(y, p, bins, swapped=True),
    }
    for part, mine, want in zip(("prob_true (first returned value)", "prob_pred (second returned value)"),
                                actual, expected):
        if diagnose(mine, want, rtol=1e-9, atol=1e-12) is None:
            continue
        for mistake, value in variants.items():
            if all(_matches(m, v, rtol=1e-9, atol=1e-12) for m, v in zip(actual, value)):
                raise CheckFailure(f"{name} is what {mistake} gives.")
        _judge(mine, want, part, rtol=1e-9, atol=1e-12)


register(Exercise(
    key="week12.calibration_curve", function="calibration_curve",
    make_cases=_calibration_cases,
    call=lambda function, case: function(case["y_true"], case["y_prob"], case["n_bins"]),
    reference=_calibration_reference,
    describe=lambda case: f"{len(case['y_true'])} predictions, n_bins = {case['n_bins']}",
    compare=_compare_calibration,
))


# ----------------------------------------------------------------------------- promotion gate

_METRICS = {"accuracy": True, "auc": True, "recall_at_1pct_fpr": True, "log_loss": False, "latency_ms": False,
            "calibration_error": False}


def gate_reference(candidate: dict, champion: dict | None, tests: list[dict], *, strict: bool = False,
                   direction_aware: bool = True, first_only: bool = False, no_champion: str = "pass"):
    """Test by test: 'min' (candidate ≥ value), 'max' (candidate ≤ value), 'beats_champion' (the improvement over
    the champion, signed by higher_is_better, ≥ value; passes when there is no champion). A missing or NaN
    metric fails. Promote when no test fails; the reasons name the failed tests, in order."""
    failed = []
    for test in tests:
        metric, value = test["metric"], float(test["value"])
        mine = candidate.get(metric)
        ok = None
        if mine is None or np.isnan(float(mine)):
            ok = False
        elif test["kind"] == "min":
            ok = mine > value if strict else mine >= value
        elif test["kind"] == "max":
            ok = mine < value if strict else mine <= value
        elif champion is None or champion.get(metric) is None:
            ok = no_champion == "pass"
        else:
            gain = mine - champion[metric]
            if direction_aware and not test.get("higher_is_better", True):
                gain = -gain
            ok = gain > value if strict else gain >= value
        if not ok:
            failed.append(test["name"])
            if first_only:
                break
    return not failed, failed


def _gate_case(rng: np.random.Generator, n_tests: int, champion: bool, missing: bool) -> Case:
    grid = lambda low, high: float(rng.integers(int(low * 256), int(high * 256) + 1)) / 256   # exact in binary
    names = [str(m) for m in rng.permutation(list(_METRICS))][:max(2, n_tests - 1)]
    champion_row = {m: (grid(0.7, 0.95) if _METRICS[m] else grid(0.05, 0.6)) for m in names}
    candidate = {m: champion_row[m] + grid(-0.06, 0.06) for m in names}
    if "latency_ms" in names:
        champion_row["latency_ms"], candidate["latency_ms"] = float(rng.integers(5, 40)), float(rng.integers(5, 40))
    tests = []
    for k in range(n_tests):
        metric = names[k % len(names)]
        kind = ["min", "max", "beats_champion"][int(rng.integers(3))]
        if kind == "beats_champion":
            value = grid(-0.02, 0.02)
            if rng.random() < 0.4:     # a tie: the improvement equals the margin exactly (passes)
                value = candidate[metric] - champion_row[metric] if _METRICS[metric] else \
                    champion_row[metric] - candidate[metric]
            tests.append({"name": f"{metric} vs champion", "metric": metric, "kind": kind, "value": value,
                          "higher_is_better": _METRICS[metric]})
        else:
            value = candidate[metric] + (0.0 if rng.random() < 0.3 else grid(-0.05, 0.05))  # ties at the bound
            if metric == "latency_ms":
                value = float(np.round(value))
            tests.append({"name": f"{metric} {'floor' if kind == 'min' else 'ceiling'} #{k}", "metric": metric,
                          "kind": kind, "value": value})
    if missing:
        tests.append({"name": "fairness gap ceiling", "metric": "fairness_gap", "kind": "max", "value": 0.05})
    return {"candidate": candidate, "champion": champion_row if champion else None, "tests": tests}


def _gate_cases(rng: np.random.Generator) -> list[Case]:
    cases = [_gate_case(rng, n, champion, missing) for n, champion, missing in
             ((4, True, False), (6, True, True), (3, False, False), (8, True, False), (5, True, False),
              (2, False, True), (7, True, False))]
    cases.append({"candidate": {"accuracy": 0.9, "log_loss": 0.25}, "champion": {"accuracy": 0.875, "log_loss": 0.3},
                  "tests": [{"name": "accuracy vs champion", "metric": "accuracy", "kind": "beats_champion",
                             "value": 0.0, "higher_is_better": True},
                            {"name": "log loss vs champion", "metric": "log_loss", "kind": "beats_champion",
                             "value": 0.0, "higher_is_better": False}]})
    cases.append({"candidate": {"accuracy": 0.75, "latency_ms": 20.0}, "champion": {"accuracy": 0.75,   # exact ties
                                                                                     "latency_ms": 20.0},
                  "tests": [{"name": "accuracy no worse", "metric": "accuracy", "kind": "beats_champion", "value": 0.0,
                             "higher_is_better": True},
                            {"name": "accuracy floor", "metric": "accuracy", "kind": "min", "value": 0.75},
                            {"name": "latency budget", "metric": "latency_ms", "kind": "max", "value": 20.0}]})
    cases.append({"candidate": {"accuracy": 0.5}, "champion": {"accuracy": 0.75}, "tests": []})   # no tests: promote
    return cases


def _call_gate(function: Callable, case: Case) -> Any:
    result = function(case["candidate"], case["champion"], case["tests"])
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise CheckFailure("promotion_gate should return a pair (promote, reasons): a bool and a list of strings; "
                           f"got {type(result).__name__}.")
    promote, reasons = result
    if not isinstance(promote, (bool, np.bool_)):
        raise CheckFailure(f"the decision (first returned value) should be True or False; got {promote!r}.")
    if not isinstance(reasons, (list, tuple)) or not all(isinstance(r, str) for r in reasons):
        raise CheckFailure("the reasons (second returned value) should be a list of strings, one per failed test.")
    return bool(promote), [str(r) for r in reasons]


def _named(reasons: list[str], failed: list[str]) -> bool:
    return len(reasons) == len(failed) and all(name in reason for name, reason in zip(failed, reasons))


def _compare_gate(actual: Any, expected: tuple, case: Case, name: str) -> None:
    promote, reasons = actual
    want_promote, failed = expected
    if promote == want_promote and _named(reasons, failed):
        return
    candidate, champion, tests = case["candidate"], case["champion"], case["tests"]
    named = []
    for mistake, kwargs in (
            ("strict comparisons (a tie passes: candidate ≥ a floor, ≤ a ceiling, an improvement ≥ the margin)",
             dict(strict=True)),
            ("comparing every metric as if higher were better (for a metric with higher_is_better False, such as a "
             "loss, the improvement is champion − candidate)", dict(direction_aware=False)),
            ("stopping at the first failed test (the reasons must name every failed test)", dict(first_only=True)),
            ("failing the comparison with the champion when there is none (no champion: nothing to beat, the test "
             "passes)", dict(no_champion="fail"))):
        other = gate_reference(candidate, champion, tests, **kwargs)
        if promote == other[0] and _named(reasons, other[1]) and other != expected:
            named.append(mistake)
    if named:
        raise CheckFailure(f"{name} is what {named[0]} gives"
                           + "".join(f"; it is also what {other} gives" for other in named[1:]) + ".")
    if promote != want_promote:
        raise CheckFailure(f"the decision is {promote}, which is not right: promote only when every test passes "
                           f"({len(tests)} tests here).")
    named = [test["name"] for test in tests if any(test["name"] in r for r in reasons)]
    wrongly = [n for n in named if n not in failed]
    missed = [n for n in failed if not any(n in r for r in reasons)]
    if wrongly:
        raise CheckFailure(f"the reasons name the test {wrongly[0]!r}, which the candidate passes.")
    if missed:
        raise CheckFailure(f"the reasons do not name the failed test {missed[0]!r}: give one reason per failed test, "
                           "each containing the test's name.")
    raise CheckFailure(f"the reasons should be one string per failed test, in the order of `tests`, each containing "
                       f"the test's name; got {len(reasons)} reasons for {len(failed)} failed tests.")


register(Exercise(
    key="week12.promotion_gate", function="promotion_gate",
    make_cases=_gate_cases,
    call=_call_gate,
    inputs=(),
    reference=lambda case: gate_reference(case["candidate"], case["champion"], case["tests"]),
    describe=lambda case: (f"{len(case['tests'])} tests on metrics {sorted(case['candidate'])}, "
                           f"{'a champion' if case['champion'] is not None else 'no champion yet'}"),
    compare=_compare_gate,
))
