"""Plain values across the sandbox boundary: numbers, strings, arrays, lists, dicts; never pickles.

The sandboxed side may send anything; :func:`decode` rebuilds only plain Python and
NumPy values (arrays of numeric dtypes from raw bytes), so no object the student built
(an ndarray subclass with a rigged ``__eq__``, say) ever reaches the grader's checks.

:func:`decode` also bounds what a value may cost the grader *before* allocating it: a
75 KB reply describing a ``'<U50000'`` array of 5,000 labels would otherwise become a
1 GB array in the grader's worker. The limits are sized from what the course really
sends: arrays of up to a million float64 (8 MB) and label arrays of short strings. One
top-level call has a total :class:`Budget`, so many medium items cannot add up either;
pass one ``Budget`` to several calls to bound a whole reply made of several values.
"""
from __future__ import annotations

import base64
import math
import numbers
import re
from typing import Any

import numpy as np

MAX_ITEMS = 1_000_000         # array elements or list items in one value
MAX_DEPTH = 6
NUMERIC_KINDS = "biufc"
MAX_STRING = 100_000          # characters of one str value (encode truncates to this)
MAX_LABEL = 1_000             # characters of one entry of a string array (encode truncates to this)
MAX_DICT_ITEMS = 10_000       # encode keeps this many
MAX_INT_DIGITS = 400
MAX_ARRAY_BYTES = 16 * 2**20  # one array as the grader holds it: 1M complex128, or 2M float32
# What one decoded reply may allocate in all: room for two of the largest arrays (the learner's value
# and a property argument) and the lists around them.
TOTAL_ELEMENTS = 2 * MAX_ITEMS + MAX_DICT_ITEMS
TOTAL_BYTES = 2 * MAX_ARRAY_BYTES
TOTAL_CHARS = 2_000_000
NUMERIC_DTYPE = re.compile(r"[<>|=]?[biufc][0-9]{1,2}")
UNICODE_BYTES = 4             # NumPy stores a '<U' character in 4 bytes


class BoundaryError(ValueError):
    """A value that cannot cross the boundary (raised on either side)."""


class Budget:
    """What is left for one reply: elements (array entries, list and dict items), bytes, characters."""

    def __init__(self, elements: int = TOTAL_ELEMENTS, nbytes: int = TOTAL_BYTES, chars: int = TOTAL_CHARS):
        self.elements, self.nbytes, self.chars = elements, nbytes, chars

    def spend(self, elements: int = 0, nbytes: int = 0, chars: int = 0) -> None:
        """Take from the budget before allocating; refuse (BoundaryError) what does not fit."""
        if elements > self.elements:
            raise BoundaryError(f"the value has too many entries in all (more than {TOTAL_ELEMENTS:,})")
        if nbytes > self.nbytes:
            raise BoundaryError(f"the value is too large in all (more than {TOTAL_BYTES // 2**20} MB)")
        if chars > self.chars:
            raise BoundaryError(f"the value holds too much text in all (more than {TOTAL_CHARS:,} characters)")
        self.elements -= elements
        self.nbytes -= nbytes
        self.chars -= chars


def encode(value: Any, depth: int = 0) -> dict:
    """Describe ``value`` as JSON-ready plain data (the sandbox side)."""
    if depth > MAX_DEPTH:
        raise BoundaryError("the value is nested too deeply")
    if value is None:
        return {"t": "none"}
    if isinstance(value, (bool, np.bool_)):
        return {"t": "bool", "v": bool(value)}
    if isinstance(value, str):
        return {"t": "str", "v": str(value)[:MAX_STRING]}
    if isinstance(value, numbers.Integral):
        return {"t": "int", "v": str(int(value))}
    if isinstance(value, numbers.Real):
        return {"t": "float", "v": repr(float(value))}
    if isinstance(value, numbers.Complex):
        return {"t": "complex", "re": repr(float(value.real)), "im": repr(float(value.imag))}
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_ITEMS:
            raise BoundaryError("the list is too long")
        return {"t": "tuple" if isinstance(value, tuple) else "list",
                "items": [encode(item, depth + 1) for item in value]}
    if isinstance(value, dict):
        return {"t": "dict", "items": [[str(k)[:MAX_LABEL], encode(v, depth + 1)]
                                       for k, v in list(value.items())[:MAX_DICT_ITEMS]]}
    array = np.asarray(value)
    if array.dtype.kind in "US" and array.size <= MAX_ITEMS:  # labels such as np.array(["cat", "dog"])
        return {"t": "strarray", "shape": list(array.shape), "items": [str(x)[:MAX_LABEL] for x in array.ravel()]}
    if array.dtype.kind not in NUMERIC_KINDS:
        return {"t": "unsupported", "type": type(value).__name__, "dtype": str(array.dtype)}
    if array.size > MAX_ITEMS:
        raise BoundaryError(f"the array has {array.size} entries, more than {MAX_ITEMS}")
    array = np.array(array, order="C", copy=True)  # (ascontiguousarray would turn a 0-d array into 1-d)
    return {"t": "array", "dtype": array.dtype.str, "shape": list(array.shape),
            "data": base64.b64encode(array.tobytes()).decode("ascii")}


def decode(data: Any, budget: Budget | None = None) -> Any:
    """Rebuild a value from :func:`encode`'s output, trusting nothing about it (the grader side).

    Raises :class:`BoundaryError` for anything malformed or over the limits, before allocating it.
    """
    return _decode(data, 0, Budget() if budget is None else budget)


def _decode(data: Any, depth: int, budget: Budget) -> Any:
    if depth > MAX_DEPTH:
        raise BoundaryError(f"the value is nested more than {MAX_DEPTH} levels deep")
    if not isinstance(data, dict):
        raise BoundaryError("malformed value")
    kind = data.get("t")
    if kind == "none":
        return None
    if kind == "bool":
        return bool(data.get("v") is True)
    if kind == "str":
        return _string(data.get("v"), MAX_STRING, budget)
    if kind == "int":
        text = _text(data.get("v"), MAX_INT_DIGITS + 1, "integer too large")
        return int(text)
    if kind == "float":
        return _float(data.get("v"))
    if kind == "complex":
        return complex(_float(data.get("re")), _float(data.get("im")))
    if kind in ("list", "tuple"):
        items = _items(data, MAX_ITEMS, budget)
        decoded = [_decode(item, depth + 1, budget) for item in items]
        return tuple(decoded) if kind == "tuple" else decoded
    if kind == "dict":
        pairs = _items(data, MAX_DICT_ITEMS, budget)
        if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
            raise BoundaryError("malformed dict")
        return {_string(k, MAX_LABEL, budget): _decode(v, depth + 1, budget) for k, v in pairs}
    if kind == "array":
        return _array(data, budget)
    if kind == "strarray":
        return _string_array(data, budget)
    if kind == "unsupported":
        return Unsupported(str(data.get("type", "?"))[:100], str(data.get("dtype", "?"))[:40])
    raise BoundaryError(f"unknown value kind {str(kind)[:40]!r}")


class Unsupported:
    """Stands for a value that was not plain data (a string array, an arbitrary object)."""

    def __init__(self, type_name: str, dtype: str):
        self.type_name, self.dtype = type_name, dtype

    def __repr__(self) -> str:
        return f"<a {self.type_name} that is not a number or an array of numbers (dtype {self.dtype})>"


def _text(value: Any, limit: int, problem: str) -> str:
    """A JSON string, never str() of something else (the repr of a huge nested list is a bomb too)."""
    if not isinstance(value, str) or len(value) > limit:
        raise BoundaryError(problem)
    return value


def _string(value: Any, limit: int, budget: Budget) -> str:
    if not isinstance(value, str):
        raise BoundaryError("malformed string")
    if len(value) > limit:
        raise BoundaryError(f"a string of {len(value):,} characters is longer than the {limit:,} allowed")
    budget.spend(chars=len(value))
    return value


def _items(data: dict, limit: int, budget: Budget) -> list:
    items = data.get("items")
    if not isinstance(items, list):
        raise BoundaryError("malformed list")
    if len(items) > limit:
        raise BoundaryError(f"a list of {len(items):,} items is longer than the {limit:,} allowed")
    budget.spend(elements=len(items))
    return items


def _float(text: Any) -> float:
    return float(_text(text, 64, "malformed float"))  # accepts 'nan', 'inf': diagnosed later as such


def _shape(data: dict) -> tuple[int, ...]:
    """A shape whose every claim is checked: plain non-negative ints, few axes, few entries."""
    shape = data.get("shape")
    if not isinstance(shape, list) or len(shape) > 32 or not all(type(n) is int and n >= 0 for n in shape):
        raise BoundaryError("malformed array shape")
    if math.prod(shape) > MAX_ITEMS:
        raise BoundaryError(f"the array has {math.prod(shape):,} entries, more than {MAX_ITEMS:,}")
    if max(shape, default=0) > MAX_ITEMS:  # an empty array whose other axis is 10**30
        raise BoundaryError("malformed array shape")
    return tuple(shape)


def _array(data: dict, budget: Budget) -> np.ndarray:
    name = data.get("dtype")
    if not isinstance(name, str) or not NUMERIC_DTYPE.fullmatch(name):
        raise BoundaryError(f"array dtype {str(name)[:40]!r} is not numeric")
    dtype = np.dtype(name)
    if dtype.kind not in NUMERIC_KINDS or dtype.hasobject:
        raise BoundaryError(f"array dtype {dtype} is not numeric")
    shape = _shape(data)
    size = math.prod(shape)
    nbytes = size * dtype.itemsize
    if nbytes > MAX_ARRAY_BYTES:
        raise BoundaryError(f"the array takes {nbytes / 2**20:.0f} MB, more than {MAX_ARRAY_BYTES // 2**20} MB")
    text = data.get("data")
    if not isinstance(text, str) or len(text) != 4 * math.ceil(nbytes / 3):  # checked before decoding it
        raise BoundaryError("array data does not match its shape")
    budget.spend(elements=size, nbytes=nbytes)
    raw = base64.b64decode(text, validate=True)
    if len(raw) != nbytes:
        raise BoundaryError("array data does not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def _string_array(data: dict, budget: Budget) -> np.ndarray:
    """Labels such as np.array(["cat", "dog"]): NumPy pads every entry to the longest, so bound that product."""
    shape = _shape(data)
    items = data.get("items")
    if not isinstance(items, list) or len(items) != math.prod(shape) or not all(isinstance(x, str) for x in items):
        raise BoundaryError("malformed string array")
    longest = max(map(len, items), default=1) or 1
    if longest > MAX_LABEL:
        raise BoundaryError(f"a string array entry of {longest:,} characters is longer than the {MAX_LABEL:,} allowed")
    nbytes = len(items) * longest * UNICODE_BYTES
    if nbytes > MAX_ARRAY_BYTES:
        raise BoundaryError(f"a string array of {len(items):,} entries up to {longest:,} characters long would take "
                            f"{nbytes / 2**20:.0f} MB, more than {MAX_ARRAY_BYTES // 2**20} MB")
    budget.spend(elements=len(items), nbytes=nbytes, chars=sum(map(len, items)))
    return np.array(items, dtype=f"<U{longest}").reshape(shape)
