"""Values crossing the sandbox boundary come back as plain data, whatever the sandbox sends."""
from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays, scalar_dtypes

from autograder import values
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


# ----------------------------------------------------------------------------- reply bombs
# Each hostile value is built before tracemalloc starts: what is measured is what decode allocates.

def _decode_peak(data, budget=None) -> tuple[Exception | None, int]:
    """(the error decode raised, or None; the peak of what it allocated, in bytes)."""
    import tracemalloc
    tracemalloc.start()
    try:
        decode(data, budget)
        error = None
    except BoundaryError as raised:
        error = raised
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return error, peak


MB = 2**20
NONE = {"t": "none"}


@pytest.mark.parametrize("data, phrase", [
    # the observed bomb: 75 KB of JSON that NumPy pads to a '<U50000' array of 5,000 entries (1 GB)
    ({"t": "strarray", "shape": [5000], "items": ["a"] * 4999 + ["x" * 50_000]}, "longer than"),
    ({"t": "strarray", "shape": [100_000], "items": ["a"] * 99_999 + ["x" * 1000]}, "would take"),
    ({"t": "strarray", "shape": [10**9], "items": ["a"]}, "entries"),
    ({"t": "str", "v": "x" * 200_000}, "longer than"),
    ({"t": "str", "v": [[1] * 1000] * 1000}, "malformed string"),     # str() of it would be megabytes
    ({"t": "int", "v": "9" * 1_000_000}, "integer too large"),
    ({"t": "float", "v": "1" * 1_000_000}, "malformed float"),
    ({"t": "list", "items": [NONE] * 1_000_001}, "longer than"),
    ({"t": "list", "items": [{"t": "str", "v": "x" * 100_000}] * 30}, "too much text"),
    ({"t": "dict", "items": [["k", NONE]] * 20_000}, "longer than"),
    ({"t": "array", "dtype": "<f8", "shape": [10**6, 10**6], "data": "AAAA"}, "entries"),
    ({"t": "array", "dtype": "<f8", "shape": [0, 10**30], "data": ""}, "shape"),
    ({"t": "array", "dtype": "<f8", "shape": [True, 2.5], "data": ""}, "shape"),
    ({"t": "array", "dtype": "<c32", "shape": [1_000_000], "data": ""}, "MB"),
    ({"t": "array", "dtype": "(1000000,)f8", "shape": [1000], "data": ""}, "not numeric"),
    ({"t": "array", "dtype": "<f8", "shape": [10], "data": "A" * 10_000_000}, "does not match"),
])
def test_hostile_values_are_refused_before_they_are_allocated(data, phrase):
    error, peak = _decode_peak(data)
    assert error is not None and phrase in str(error), error
    assert peak < 1 * MB, f"decode allocated {peak / MB:.1f} MB before refusing"


def test_deep_nesting_is_refused():
    data = NONE
    for _ in range(10_000):
        data = {"t": "list", "items": [data]}
    error, peak = _decode_peak(data)
    assert "nested" in str(error) and peak < 1 * MB


def test_many_medium_values_cannot_add_up():
    """Each array is within the limits; together they exceed one reply's budget."""
    array = encode(np.zeros(1_000_000, dtype=np.float32))          # 4 MB each, the same object 20 times
    error, peak = _decode_peak({"t": "list", "items": [array] * 20})
    assert "too many entries" in str(error) and peak < 40 * MB
    from autograder.values import Budget
    budget = Budget()                                              # one budget across several calls
    decode(array, budget), decode(array, budget)
    with pytest.raises(BoundaryError, match="too many entries"):
        decode(array, budget)


def test_the_largest_legitimate_values_still_round_trip():
    import json
    values = np.random.default_rng(0).normal(size=1_000_000)
    labels = np.array([f"class{i % 7}" for i in range(10_000)])
    back = decode(json.loads(json.dumps(encode({"x": values, "labels": labels}))))
    assert back["x"].dtype == np.float64 and np.array_equal(back["x"], values)
    assert back["labels"].dtype == labels.dtype and np.array_equal(back["labels"], labels)


def _send_raw(payload: bytes):
    import socket
    import struct
    import threading
    ours, theirs = socket.socketpair()
    threading.Thread(target=lambda: theirs.sendall(struct.pack("!I", len(payload)) + payload), daemon=True).start()
    return ours


@pytest.mark.parametrize("payload", [
    b'{"v": [' + b",".join([b"[]"] * 3_000_000) + b"]}",     # 9 MB of empty lists: ~26x that as objects
    b'{"v": [' + b",".join([b"1"] * 5_000_000) + b"]}",      # 10 MB of small ints
])
def test_a_reply_of_many_tiny_json_objects_is_refused_before_it_is_built(payload):
    import tracemalloc

    from autograder import channel
    sock = _send_raw(payload)
    tracemalloc.start()
    with pytest.raises(channel.ChannelClosed, match="too many"):
        channel.receive(sock, timeout=10, from_sandbox=True)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 80 * 2**20, f"peak {peak / 2**20:.0f} MB"


def test_a_real_reply_of_two_million_floats_is_received():
    from autograder import channel
    value = values.encode((np.arange(1e6), np.ones(1_000_000)))
    sock = _send_raw(json.dumps({"value": value}).encode())
    got = values.decode(channel.receive(sock, timeout=10, from_sandbox=True)["value"])
    assert got[0].shape == (1_000_000,) and got[1].sum() == 1e6
