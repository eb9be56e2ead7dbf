"""How oracles judge a result, in NumPy only: the generic diagnosis, or the learner's mistake named when their
result equals what that mistake gives (importing it costs nothing; ``torch_oracle`` re-exports it for the torch
weeks, whose import of torch takes about 2 s)."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from course.checks import CheckFailure, diagnose

RTOL, ATOL = 1e-7, 1e-9


def matches(actual: Any, value: Any, rtol: float = 1e-6, atol: float = 1e-8) -> bool:
    try:
        return diagnose(actual, value, rtol=rtol, atol=atol) is None
    except Exception:   # a result of the wrong kind altogether is no particular mistake
        return False


def judge(actual: Any, expected: Any, what: str, mistakes: Callable[[], dict[str, Any]] = dict,
          rtol: float = RTOL, atol: float = ATOL) -> None:
    """Raise the generic diagnosis, or the named mistake (from ``mistakes()``, computed only on failure)."""
    problem = diagnose(actual, expected, rtol=rtol, atol=atol, what=what)
    if problem is None:
        return
    for mistake, value in mistakes().items():
        if value is not None and matches(actual, value):
            raise CheckFailure(f"{what} is what {mistake} gives.")
    raise CheckFailure(problem)


def parts(actual: Any, count: int, names: str, name: str) -> tuple:
    if not (isinstance(actual, (tuple, list)) and len(actual) == count):
        raise CheckFailure(f"{name} should be a tuple ({names}); got {type(actual).__name__}"
                           + (f" of length {len(actual)}" if isinstance(actual, (tuple, list)) else "") + ".")
    return tuple(actual)


def as_float(value: Any, what: str) -> float:
    """A single number out of what the learner returned, or a CheckFailure that says what came back instead."""
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise CheckFailure(f"{what} is {value!r}, but a number was expected.")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailure(f"{what} is a {type(value).__name__}, but a number was expected.") from None
    if array.size != 1:
        raise CheckFailure(f"{what} has shape {array.shape}, but a single number was expected.")
    return float(array.reshape(()))
