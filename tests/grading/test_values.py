"""Values crossing the sandbox boundary come back as plain data, whatever the sandbox sends."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays, scalar_dtypes

from autograder.values import BoundaryError, Unsupported, decode, encode


@settings(max_examples=80, deadline=None)
@given(arrays(scalar_dtypes(), st.tuples(st.integers(0, 4), st.integers(0, 4))))
def test_arrays_round_trip_exactly(array):
    back = decode(encode(array))
    if array.dtype.kind in "biufc":
        assert back.dtype == array.dtype and back.shape == array.shape
        assert np.array_equal(back, array, equal_nan=True)
    else:
        assert isinstance(back, Unsupported)


def test_plain_values_round_trip():
    value = {"coef": np.arange(3.0), "n": 3, "ok": True, "name": "x", "pair": (np.float64(1.5), None),
             "labels": np.array(["a", "b"]), "z": 1 + 2j, "scalar": np.array(2.0)}
    back = decode(encode(value))
    assert back["n"] == 3 and back["ok"] is True and back["pair"] == (1.5, None) and back["z"] == 1 + 2j
    assert back["scalar"].shape == () and list(back["labels"]) == ["a", "b"]


def test_rigged_objects_arrive_as_plain_arrays():
    class Always(np.ndarray):
        def __eq__(self, other):
            return True
    back = decode(encode(np.zeros(3).view(Always)))
    assert type(back) is np.ndarray and not (back == np.ones(3)).all()


@pytest.mark.parametrize("data", [
    {"t": "array", "dtype": "|O", "shape": [1], "data": ""},
    {"t": "array", "dtype": "<f8", "shape": [2], "data": "AAAAAAAAAAA="},
    {"t": "array", "dtype": "<f8", "shape": [-1], "data": ""},
    {"t": "int", "v": "9" * 500},
    {"t": "pickle", "v": "gASV"},
    ["not", "a", "dict"],
])
def test_malformed_values_are_refused(data):
    with pytest.raises((BoundaryError, ValueError, TypeError)):
        decode(data)
