"""Week 01, §11 (messy tables): correct implementations written differently from the solutions pass the oracle.

Each RIGHT variant takes another route than the notebook's solution (pandas instead of NumPy for the statistics,
row-by-row loops, sorting by hand), so the hidden tests are not tied to one way of writing the answer.
"""
from __future__ import annotations

import numpy as np
import pytest

from course.exercises import run_checks


# ----------------------------------------------------------------------------- impute_and_encode

def impute_and_encode_with_pandas(train, test, numeric, categorical):
    """pandas all the way: fillna with the training medians, isna for indicators, get_dummies for one-hot."""
    import pandas as pd
    medians = train[numeric].median()
    flagged = [name for name in numeric if train[name].isna().any()]
    blocks = []
    for frame in (train, test):
        parts = [frame[numeric].fillna(medians), frame[flagged].isna().astype(float)]
        for name in categorical:
            seen = sorted(train[name].unique())   # get_dummies, then keep (and order) the training columns
            parts.append(pd.get_dummies(frame[name], dtype=float).reindex(columns=seen, fill_value=0.0))
        blocks.append(pd.concat(parts, axis=1).to_numpy(dtype=float))
    return tuple(blocks)


def impute_and_encode_loops(train, test, numeric, categorical):
    """Row by row in plain Python: a hand-written median, a dict from category to column."""
    def median(values):
        values = sorted(v for v in values if v == v)          # NaN != NaN
        middle = len(values) // 2
        return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2

    fills = {name: median(train[name].tolist()) for name in numeric}
    flagged = [name for name in numeric if any(v != v for v in train[name].tolist())]
    columns = {name: {c: i for i, c in enumerate(sorted(set(train[name].tolist())))} for name in categorical}

    def encode(frame):
        rows = []
        for _, row in frame.iterrows():
            out = [fills[name] if row[name] != row[name] else float(row[name]) for name in numeric]
            out += [float(row[name] != row[name]) for name in flagged]
            for name in categorical:
                one_hot = [0.0] * len(columns[name])
                if row[name] in columns[name]:
                    one_hot[columns[name][row[name]]] = 1.0
                out += one_hot
            rows.append(out)
        return np.array(rows, dtype=float).reshape(len(frame), -1)
    return encode(train), encode(test)


# ----------------------------------------------------------------------------- robust_scale

def robust_scale_with_quantile_and_loops(X_train, X_test):
    """np.quantile and a column loop; the zero-IQR guard written with an if."""
    X_train, X_test = np.array(X_train, float), np.array(X_test, float)
    for j in range(X_train.shape[1]):
        low, middle, high = np.quantile(X_train[:, j], [0.25, 0.5, 0.75])
        scale = high - low if high - low != 0 else 1.0
        X_train[:, j] = (X_train[:, j] - middle) / scale
        X_test[:, j] = (X_test[:, j] - middle) / scale
    return X_train, X_test


def robust_scale_sorting_by_hand(X_train, X_test):
    """Quartiles by linear interpolation between sorted values, written out."""
    X_train, X_test = np.asarray(X_train, float), np.asarray(X_test, float)
    ordered = np.sort(X_train, axis=0)

    def quantile(q):
        position = q * (len(ordered) - 1)
        below, fraction = int(np.floor(position)), position - np.floor(position)
        above = min(below + 1, len(ordered) - 1)
        return ordered[below] + fraction * (ordered[above] - ordered[below])

    center, iqr = quantile(0.5), quantile(0.75) - quantile(0.25)
    iqr[iqr == 0] = 1.0
    return [(X - center) / iqr for X in (X_train, X_test)]   # a list is a pair too


RIGHT = [
    ("week01.impute_and_encode", impute_and_encode_with_pandas),
    ("week01.impute_and_encode", impute_and_encode_loops),
    ("week01.robust_scale", robust_scale_with_quantile_and_loops),
    ("week01.robust_scale", robust_scale_sorting_by_hand),
]


@pytest.mark.parametrize("key, function", RIGHT, ids=[f.__name__ for _, f in RIGHT])
def test_a_correct_implementation_written_differently_passes(key, function):
    for seed in range(8):
        report = run_checks(key, function, seed=seed)
        assert report.ok, f"{key} seed {seed}: {report.failure}"
