"""Checks that compare a learner's value with an expected one and say what is wrong.

Every test cell in the course goes through this module (directly, or through
``course.exercises``), so the same words reach the learner in their notebook, in
nbgrader's feedback and in the trusted grader.  A failed check raises
:class:`CheckFailure`; its message is written for a learner, not for a developer:
it names the shape, dtype, NaN, sign, factor, normalisation or rows that are off.
"""
from __future__ import annotations

import contextlib
import contextvars
import numbers
from typing import Any, Iterator

import numpy as np

__all__ = [
    "CheckFailure",
    "concealing_expected_values",
    "expected_values_concealed",
    "diagnose",
    "expect_close",
    "expect_equal",
    "expect_choice",
    "expect_true",
    "expect_unchanged",
]


class CheckFailure(AssertionError):
    """A check failed; ``str(error)`` is the learner-facing explanation."""


_conceal = contextvars.ContextVar("conceal_expected_values", default=False)


@contextlib.contextmanager
def concealing_expected_values() -> Iterator[None]:
    """Hidden tests explain what is wrong without printing the reference's numbers."""
    token = _conceal.set(True)
    try:
        yield
    finally:
        _conceal.reset(token)


def expected_values_concealed() -> bool:
    """True inside :func:`concealing_expected_values`: a message must then not show the reference's numbers
    (nor numbers computed from them, such as an objective at the reference's solution)."""
    return _conceal.get()


def _expected_text(value: float) -> str:
    return "" if _conceal.get() else f", expected {_fmt(value)}"


# ----------------------------------------------------------------------------- helpers


def _shape_text(shape: tuple[int, ...]) -> str:
    return "a scalar" if shape == () else f"shape {shape}"


def _as_array(value: Any, what: str) -> np.ndarray:
    """Turn a learner's value into a numeric array or explain why it cannot be one."""
    if value is None:
        raise CheckFailure(f"{what} is None: did the function forget to `return` its result?")
    if isinstance(value, (str, bytes, dict, set)):
        raise CheckFailure(f"{what} is a {type(value).__name__}, but a number or an array was expected.")
    try:
        array = np.asarray(value)
    except Exception as error:  # ragged lists, objects numpy rejects
        raise CheckFailure(f"{what} cannot be read as an array ({error}).") from None
    if array.dtype == object:
        raise CheckFailure(
            f"{what} holds Python objects (dtype=object), not numbers: "
            "is it a list of arrays of different lengths, or a list containing None?"
        )
    return array


def _fmt(x: float) -> str:
    return np.format_float_positional(x, precision=6, unique=True, trim="-") if abs(x) < 1e6 else f"{x:.4g}"


def _index_text(index: tuple[int, ...]) -> str:
    return str(index[0]) if len(index) == 1 else str(tuple(int(i) for i in index))


# ----------------------------------------------------------------------------- diagnosis


def diagnose(actual: Any, expected: Any, *, rtol: float = 1e-7, atol: float = 1e-10,
             what: str = "your result") -> str | None:
    """Return ``None`` when ``actual`` matches ``expected``, else a sentence saying how it differs.

    ``expected`` comes from a trusted reference; ``actual`` may be anything a
    learner's function returned.  Closeness is numpy's: ``|a - e| <= atol + rtol*|e|``.
    """
    expected = np.asarray(expected)
    try:
        array = _as_array(actual, what)
    except CheckFailure as failure:
        return str(failure)

    if array.shape != expected.shape:
        return _shape_problem(array, expected, what)
    if np.iscomplexobj(array) and not np.iscomplexobj(expected):
        return f"{what} has complex numbers (dtype {array.dtype}), but real numbers were expected."
    if array.dtype.kind == "b" and expected.dtype.kind != "b":
        return f"{what} holds True/False values (dtype bool), but numbers were expected."
    if expected.dtype.kind == "f" and array.dtype.kind in "iu":
        if not np.allclose(array, expected, rtol=rtol, atol=atol):
            return (f"{what} has integer dtype {array.dtype}, but floating-point numbers were expected: "
                    "an integer array silently drops fractions (start from np.zeros(..., dtype=float) "
                    "or x.astype(float)).")
    array = array.astype(np.result_type(array.dtype, np.float64)) if array.dtype.kind in "iub" else array
    expected = expected.astype(float) if expected.dtype.kind == "b" else expected   # masks: -e must be defined

    non_finite = _non_finite_problem(array, expected, what)
    if non_finite:
        return non_finite
    if np.allclose(array, expected, rtol=rtol, atol=atol, equal_nan=True):
        return None
    return _value_problem(array, expected, rtol, atol, what)


def _shape_problem(array: np.ndarray, expected: np.ndarray, what: str) -> str:
    got, want = array.shape, expected.shape
    message = f"{what} has {_shape_text(got)}, but {_shape_text(want)} was expected"
    if array.ndim == 2 and got == want[::-1] and got != want:
        transposed = np.allclose(array.T, expected, rtol=1e-6, atol=1e-9, equal_nan=True)
        return message + (": it is the transpose of the expected result (swap the axes)." if transposed
                          else ": rows and columns are swapped (check which axis you sum or multiply over).")
    if array.size == expected.size:
        same = np.allclose(array.reshape(want), expected, rtol=1e-6, atol=1e-9, equal_nan=True)
        numbers = "the numbers are right but arranged differently" if same else "the sizes agree"
        return message + f"; {numbers}: look for a reshape, a keepdims=True or an extra [:, None]."
    if array.ndim == expected.ndim >= 1 and got[1:] == want[1:] and abs(got[0] - want[0]) == 1:
        side = "one row more" if got[0] > want[0] else "one row fewer"
        return message + f": {side} than expected (an off-by-one in a loop, or a missing/extra first entry?)."
    if array.ndim < expected.ndim:
        return message + ": an axis is missing (did you sum or take a mean over every axis instead of one?)."
    if array.ndim > expected.ndim:
        return message + ": it has an extra axis (is there a keepdims=True or an extra bracket?)."
    return message + "."


def _non_finite_problem(array: np.ndarray, expected: np.ndarray, what: str) -> str | None:
    for test, label, hint in (
        (np.isnan, "NaN (not a number)", "NaN usually comes from 0/0, inf - inf, or log of a negative number"),
        (np.isinf, "inf", "inf usually means an overflow, e.g. np.exp(1000) or a division by zero"),
    ):
        bad = test(array) & ~test(expected)
        if bad.any():
            first = _index_text(np.argwhere(bad)[0]) if array.ndim else None
            where = f" (first at index {first})" if first is not None else ""
            count = f" in {int(bad.sum())} of {array.size} entries" if array.ndim else ""
            return f"{what} contains {label}{count}{where}; {hint}."
    return None


def _value_problem(array: np.ndarray, expected: np.ndarray, rtol: float, atol: float, what: str) -> str:
    close = lambda a, b: np.allclose(a, b, rtol=max(rtol, 1e-6), atol=max(atol, 1e-9))  # noqa: E731
    finite = np.isfinite(expected)
    a, e = array[finite], expected[finite]

    if _conceal.get() and expected.size == 1:  # a single hidden number: any relation would give it away
        return f"{what} is not correct; got {_fmt(float(np.ravel(array)[0]))}."
    if e.size and np.any(np.abs(e) > atol) and close(a, -e):
        return f"{what} has the wrong sign: it equals minus the expected value."
    # A single number is always "some factor" times another: only diagnose factors on arrays.
    scale = float(a @ e / (e @ e)) if e.size > 1 and e @ e > 0 else 0.0
    if scale and not np.isclose(scale, 1.0) and close(a, scale * e):
        return (f"{what} is off by a constant factor: it is {_fmt(scale)} times the expected value "
                "(a missing or extra 1/n, 2 or learning-rate factor?).")
    if e.size > 1:
        offset = float(np.mean(a - e))
        if not np.isclose(offset, 0.0, atol=max(atol, 1e-9)) and close(a - offset, e):
            return (f"{what} is off by a constant: every entry is {_fmt(offset)} away from the expected value "
                    "(a term added or subtracted once too often?).")
    if expected.ndim >= 1 and expected.shape[-1] > 1 and np.all(expected >= 0):
        sums = expected.sum(axis=-1)
        if np.allclose(sums, 1.0) and not np.allclose(array.sum(axis=-1), 1.0, atol=1e-6):
            got = array.sum(axis=-1)
            sample = _fmt(float(np.ravel(got)[0]))
            return (f"{what} is not normalised: each row should sum to 1 along the last axis, "
                    f"but the first sums to {sample}.")

    wrong = ~np.isclose(array, expected, rtol=rtol, atol=atol, equal_nan=True)
    diff = np.where(wrong, np.abs(array - expected), 0.0)
    worst = np.unravel_index(int(np.argmax(diff)), array.shape) if array.ndim else ()
    detail = (f"largest difference at index {_index_text(worst)}: got {_fmt(float(array[worst]))}"
              f"{_expected_text(float(expected[worst]))}" if array.ndim else
              f"got {_fmt(float(array))}{_expected_text(float(expected))}")
    if array.ndim >= 2 and array.shape[0] > 1:
        bad_rows = np.flatnonzero(wrong.reshape(array.shape[0], -1).any(axis=1))
        if len(bad_rows) < array.shape[0]:
            rows = ", ".join(map(str, bad_rows[:8])) + (", ..." if len(bad_rows) > 8 else "")
            return (f"{what} is wrong only on some rows ({len(bad_rows)} of {array.shape[0]}: rows {rows}); "
                    f"the other rows are right. {detail}.")
    if array.ndim == 1 and array.size > 1 and wrong.sum() < array.size:
        return f"{what} is wrong in {int(wrong.sum())} of {array.size} entries; {detail}."
    return f"{what} does not match the expected value; {detail}."


# ----------------------------------------------------------------------------- public checks


def expect_close(actual: Any, expected: Any, *, name: str = "your result",
                 rtol: float = 1e-7, atol: float = 1e-10, slips: dict[str, Any] | None = None) -> None:
    """Raise :class:`CheckFailure` with a diagnosis unless ``actual`` is close to ``expected``.

    ``slips`` maps a common mistake, in words ("the sample standard deviation divided by n instead of n - 1"),
    to the value that mistake gives on these inputs: a wrong answer equal to one of them is named for what it
    is, where the generic diagnosis could only say which entries differ.
    """
    problem = diagnose(actual, expected, rtol=rtol, atol=atol, what=name)
    if not problem:
        return
    for mistake, value in (slips or {}).items():
        if diagnose(actual, value, rtol=max(rtol, 1e-9), atol=atol, what=name) is None:
            raise CheckFailure(f"{problem} That is exactly what {mistake} gives.")
    raise CheckFailure(problem)


def expect_equal(actual: Any, expected: Any, *, name: str = "your answer") -> None:
    """Exact comparison for labels, integers, tuples of ints (shapes) and strings."""
    if isinstance(expected, np.ndarray) or isinstance(actual, np.ndarray):
        problem = diagnose(actual, expected, rtol=0, atol=0, what=name)
        if problem:
            raise CheckFailure(problem)
        return
    if actual is None:
        raise CheckFailure(f"{name} is None: set it to your answer.")
    if isinstance(expected, numbers.Number) and isinstance(actual, numbers.Number):
        if actual == expected:
            return
    elif type(actual) is type(expected) and actual == expected:
        return
    elif isinstance(expected, tuple) and isinstance(actual, (tuple, list)) and tuple(actual) == expected:
        return
    raise CheckFailure(f"{name} is {actual!r}, which is not correct.")


def expect_choice(answer: Any, correct: str, *, options: str = "abcd", name: str = "your answer") -> None:
    """Check a multiple-choice answer given as one letter, with a clear message for malformed input."""
    if not isinstance(answer, str) or answer.strip().lower() not in options:
        raise CheckFailure(f"{name} must be one of the letters {', '.join(repr(o) for o in options)}; "
                           f"got {answer!r}.")
    if answer.strip().lower() != correct:
        raise CheckFailure(f"{name} {answer.strip().lower()!r} is not the right choice.")


def expect_true(condition: bool, message: str, *, name: str | None = None) -> None:
    """Raise ``CheckFailure(message)`` unless ``condition`` holds (for properties).

    ``name`` says in words what is checked (listed when the check passes); it does not change the message.
    The condition is computed where the check runs: in a graded test cell that is the learner's process, so
    prefer a comparison (``expect_close``, ``expect_equal``, ``expect_unchanged``) where one exists.
    """
    if not bool(condition):
        raise CheckFailure(message)


def _same_data(actual: Any, original: Any) -> bool:
    """Exactly the same numbers (NaN equal to NaN) in the same shape, also inside lists and tuples of arrays."""
    if isinstance(actual, (list, tuple)) and isinstance(original, (list, tuple)):
        return len(actual) == len(original) and all(_same_data(a, o) for a, o in zip(actual, original))
    try:
        a, o = np.asarray(actual), np.asarray(original)
        if a.dtype == object or o.dtype == object or a.shape != o.shape:
            return False
        floating = a.dtype.kind in "fc" and o.dtype.kind in "fc"
        return bool(np.array_equal(a, o, equal_nan=floating))
    except Exception:  # ragged lists, strings against numbers: not the same data
        return False


def expect_unchanged(actual: Any, original: Any, function: str, argument: str, *, name: str | None = None) -> None:
    """A function must not modify its caller's data.

    ``actual`` is the argument's value after the call (in a test cell: the variable that was passed, which the
    grader reads from the learner's process); ``original`` is what it held before: a copy taken before the call,
    or the literal it was built from. Arrays, numbers and lists or tuples of them (such as a list of
    ``(train, test)`` index pairs) are compared exactly. ``name`` says in words what is checked (listed when the
    check passes); the message names ``function`` and its ``argument``.
    """
    if not _same_data(actual, original):
        raise CheckFailure(f"{function} changed its input {argument} in place; work on a copy "
                           f"(e.g. {argument}.copy() or {argument}.astype(float)) and leave the caller's array alone.")
