"""Plain values across the sandbox boundary: numbers, strings, arrays, lists, dicts; never pickles.

The sandboxed side may send anything; :func:`decode` rebuilds only plain Python and
NumPy values (arrays of numeric dtypes from raw bytes), so no object the student built
(an ndarray subclass with a rigged ``__eq__``, say) ever reaches the grader's checks.
"""
from __future__ import annotations

import base64
import math
import numbers
from typing import Any

import numpy as np

MAX_ITEMS = 1_000_000         # array elements or list items in one value
MAX_DEPTH = 6
NUMERIC_KINDS = "biufc"


class BoundaryError(ValueError):
    """A value that cannot cross the boundary (raised on either side)."""


def encode(value: Any, depth: int = 0) -> dict:
    """Describe ``value`` as JSON-ready plain data (the sandbox side)."""
    if depth > MAX_DEPTH:
        raise BoundaryError("the value is nested too deeply")
    if value is None:
        return {"t": "none"}
    if isinstance(value, (bool, np.bool_)):
        return {"t": "bool", "v": bool(value)}
    if isinstance(value, str):
        return {"t": "str", "v": str(value)[:100_000]}
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
        return {"t": "dict", "items": [[str(k), encode(v, depth + 1)] for k, v in list(value.items())[:10_000]]}
    array = np.asarray(value)
    if array.dtype.kind in "US" and array.size <= MAX_ITEMS:  # labels such as np.array(["cat", "dog"])
        return {"t": "strarray", "shape": list(array.shape), "items": [str(x)[:1000] for x in array.ravel()]}
    if array.dtype.kind not in NUMERIC_KINDS:
        return {"t": "unsupported", "type": type(value).__name__, "dtype": str(array.dtype)}
    if array.size > MAX_ITEMS:
        raise BoundaryError(f"the array has {array.size} entries, more than {MAX_ITEMS}")
    array = np.array(array, order="C", copy=True)  # (ascontiguousarray would turn a 0-d array into 1-d)
    return {"t": "array", "dtype": array.dtype.str, "shape": list(array.shape),
            "data": base64.b64encode(array.tobytes()).decode("ascii")}


def decode(data: Any, depth: int = 0) -> Any:
    """Rebuild a value from :func:`encode`'s output, trusting nothing about it (the grader side)."""
    if depth > MAX_DEPTH or not isinstance(data, dict):
        raise BoundaryError("malformed value")
    kind = data.get("t")
    if kind == "none":
        return None
    if kind == "bool":
        return bool(data["v"] is True)
    if kind == "str":
        return str(data["v"])
    if kind == "int":
        text = str(data["v"])
        if len(text) > 400:
            raise BoundaryError("integer too large")
        return int(text)
    if kind == "float":
        return _float(data["v"])
    if kind == "complex":
        return complex(_float(data["re"]), _float(data["im"]))
    if kind in ("list", "tuple"):
        items = data["items"]
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise BoundaryError("malformed list")
        decoded = [decode(item, depth + 1) for item in items]
        return tuple(decoded) if kind == "tuple" else decoded
    if kind == "dict":
        return {str(k): decode(v, depth + 1) for k, v in data["items"]}
    if kind == "array":
        return _array(data)
    if kind == "strarray":
        shape = tuple(int(n) for n in data["shape"])
        items = [str(x) for x in data["items"]]
        if math.prod(shape) != len(items) or len(shape) > 32:
            raise BoundaryError("malformed string array")
        return np.array(items, dtype=str).reshape(shape)
    if kind == "unsupported":
        return Unsupported(str(data.get("type", "?"))[:100], str(data.get("dtype", "?"))[:40])
    raise BoundaryError(f"unknown value kind {kind!r}")


class Unsupported:
    """Stands for a value that was not plain data (a string array, an arbitrary object)."""

    def __init__(self, type_name: str, dtype: str):
        self.type_name, self.dtype = type_name, dtype

    def __repr__(self) -> str:
        return f"<a {self.type_name} that is not a number or an array of numbers (dtype {self.dtype})>"


def _float(text: Any) -> float:
    text = str(text)
    if len(text) > 64:
        raise BoundaryError("malformed float")
    return float(text)  # accepts 'nan', 'inf': diagnosed later as such


def _array(data: dict) -> np.ndarray:
    dtype = np.dtype(str(data["dtype"]))
    if dtype.kind not in NUMERIC_KINDS or dtype.hasobject:
        raise BoundaryError(f"array dtype {dtype} is not numeric")
    shape = tuple(int(n) for n in data["shape"])
    if any(n < 0 for n in shape) or len(shape) > 32 or math.prod(shape) > MAX_ITEMS:
        raise BoundaryError("malformed array shape")
    raw = base64.b64decode(str(data["data"]), validate=True)
    if len(raw) != math.prod(shape) * dtype.itemsize:
        raise BoundaryError("array data does not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
