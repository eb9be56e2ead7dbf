"""How long one explorer update took, for the status line ("updated in 12 ms") and the bench."""
from __future__ import annotations

from contextlib import contextmanager
from time import perf_counter
from typing import Iterator

__all__ = ["Stopwatch", "stopwatch"]


class Stopwatch:
    """Milliseconds since it started; ``ms`` stops moving once the ``with stopwatch()`` block ends."""

    def __init__(self) -> None:
        self._start = perf_counter()
        self._end: float | None = None

    def stop(self) -> float:
        self._end = perf_counter()
        return self.ms

    @property
    def ms(self) -> float:
        end = perf_counter() if self._end is None else self._end
        return (end - self._start) * 1000.0


@contextmanager
def stopwatch() -> Iterator[Stopwatch]:
    """``with stopwatch() as watch: ...`` then ``watch.ms``; read it inside the block for a lap time."""
    watch = Stopwatch()
    try:
        yield watch
    finally:
        watch.stop()
