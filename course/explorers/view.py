"""What every explorer shares: the gate on a learner's function (model side) and the widget scaffolding (view side).

Model side: :class:`LearnerChecks` runs the course's checks on a learner's function once
(``course.exercises.passes(key, function)``, or a ``validate(function) -> (ok, message)`` given instead) and keeps
the verdict; :func:`guarded` with :meth:`LearnerChecks.compute` replaces a function that passed its checks but
raises on the explorer's own data; :func:`quiet` silences the overflow warnings a diverging run is expected to raise.

View side: :func:`new_figure`, :func:`figure_png` and :func:`show_png` draw off-screen and put the PNG into an
``Output`` in one step; :func:`assemble` builds the explorer's ``VBox`` (``model``, ``controls``, ``output``,
``status``, ``figure``, ``update``, then ``result`` and ``last_update``), observes the controls, and times every
update for the status line ("updated in N ms").
"""
from __future__ import annotations

import base64
import html
import io
import os
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from course.explorers.timing import stopwatch

__all__ = ["Validate", "quiet", "LearnerFailed", "guarded", "KeyedValidate", "LearnerChecks", "new_figure", "plain_log_axis",
           "figure_png", "show_png", "status_line", "assemble"]

Validate = Callable[[Callable], tuple[bool, str]]   # the learner's function -> (passes, why not)


@contextmanager
def quiet() -> Iterator[None]:
    """Overflow is an expected outcome in an explorer (that is what divergence looks like), not a warning."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


# ----------------------------------------------------------------------------- the learner's function


def _course_checks(key: str, function: Callable) -> tuple[bool, str]:
    from course.exercises import passes   # lazy: an explorer imports even where the checks cannot run
    return passes(key, function)


class LearnerFailed(Exception):
    """A learner's function passed its checks but raised on the explorer's own data."""

    def __init__(self, key: str, function: Callable, error: Exception) -> None:
        super().__init__(f"{key}: {type(error).__name__}: {error}")
        self.key, self.function = key, function
        self.why = f"raised {type(error).__name__} here: {error}"


def guarded(key: str, function: Callable) -> Callable:
    """``function``, except that what it raises comes out as :class:`LearnerFailed` (see LearnerChecks.compute)."""
    def call(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception as error:
            raise LearnerFailed(key, function, error) from error
    return call


@dataclass(frozen=True)
class KeyedValidate:
    """A ``validate(key, function)`` (the form the week 03 explorers accept) as ``validate(function)`` for one key.

    Two made from the same validate and key are equal, so a verdict cached for one holds for the other.
    """
    validate: Callable[[str, Callable], tuple[bool, str]]
    key: str

    def __call__(self, function: Callable) -> tuple[bool, str]:
        return self.validate(self.key, function)


@dataclass
class _Verdict:
    function: Callable | None
    validate: Validate | None
    ok: bool
    message: str    # what the checks said, or how the function failed on the explorer's data
    why: str        # "" when ok, else "does not pass its checks yet: ..." or "raised ... here: ..."


class LearnerChecks:
    """The verdicts on a learner's functions, one per exercise key; a model keeps one of these.

    The checks take a moment and slider moves must not, so a verdict is computed once and again only when the
    function (compared with ``is``) or ``validate`` (compared with ``==``) is replaced.
    """

    def __init__(self) -> None:
        self._verdicts: dict[str, _Verdict] = {}

    def verdict(self, key: str, function: Callable | None, validate: Validate | None = None) -> tuple[bool, str]:
        """(passes, message) from ``validate(function)``, by default ``course.exercises.passes(key, function)``.

        Checks that cannot run (they raise) count as not passing: the function is not trusted.
        """
        entry = self._verdicts.get(key)
        if entry is None or entry.function is not function or entry.validate != validate:
            try:
                with quiet():
                    ok, message = validate(function) if validate is not None else _course_checks(key, function)
            except Exception as error:
                ok, message = False, f"its checks could not run ({type(error).__name__}: {error})"
            ok, message = bool(ok), str(message)
            entry = self._verdicts[key] = _Verdict(function, validate, ok, message,
                                                   "" if ok else f"does not pass its checks yet: {message}")
        return entry.ok, entry.message

    def usable(self, key: str, function: Callable | None,
               validate: Validate | None = None) -> tuple[Callable | None, str]:
        """(function, "") when it passes its checks, (None, why not) when it does not, (None, "") without one."""
        if function is None:
            return None, ""
        ok, _ = self.verdict(key, function, validate)
        return (function, "") if ok else (None, self._verdicts[key].why)

    def compute(self, compute: Callable[[], Any]) -> Any:
        """``compute()``; when a learner's function called through :func:`guarded` raises in it, that function is
        not used again (its verdict says why: "raised ... here: ...") and ``compute()`` runs again without it."""
        while True:
            try:
                return compute()
            except LearnerFailed as failure:
                entry = self._verdicts.get(failure.key)
                if entry is None or entry.function is not failure.function or not entry.ok:
                    raise   # not a function these checks let through: nothing to fall back from
                entry.ok, entry.message, entry.why = False, failure.why, failure.why


# ----------------------------------------------------------------------------- the view


_TEXT_CACHE_SIZE = 4000   # rendered strings kept per figure (tick labels, titles, legends: a few hundred)
_SUBPIXEL = 4             # text positions are kept to a quarter pixel


def _caching_canvas_class():
    """An Agg canvas whose renderer keeps the rendered pixels of every plain string it draws.

    Most of an explorer's drawing time is text (tick labels, legends, titles), and most of that text is the same
    from one update to the next.  The renderer draws a string once into a small scratch image (its coverage
    mask) and afterwards only composites that mask, in the text's colour, where the string goes.  Mathtext and
    angles other than 0 and 90 degrees are drawn as usual.
    """
    import math

    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

    class CachingRendererAgg(RendererAgg):
        def __init__(self, width, height, dpi):
            super().__init__(width, height, dpi)
            self._text_masks: dict = {}

        def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
            if ismath or angle not in (0, 90) or not s:
                return super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
            fx = round((x - math.floor(x)) * _SUBPIXEL) / _SUBPIXEL
            fy = round((y - math.floor(y)) * _SUBPIXEL) / _SUBPIXEL
            key = (s, hash(prop), angle, bool(gc.get_antialiased()), fx, fy)
            entry = self._text_masks.get(key)
            if entry is None:
                width, height, descent = self.get_text_width_height_descent(s, prop, ismath=False)
                pad = 4
                if angle == 0:
                    size = (math.ceil(width) + 2 * pad, math.ceil(height) + 2 * pad)
                    anchor = (pad + fx, pad + (height - descent) + fy)
                else:
                    size = (math.ceil(height) + 2 * pad, math.ceil(width) + 2 * pad)
                    anchor = (pad + (height - descent) + fx, pad + width + fy)
                scratch = RendererAgg(size[0], size[1], self.dpi)
                scratch_gc = scratch.new_gc()
                scratch_gc.set_foreground("black")
                scratch_gc.set_antialiased(gc.get_antialiased())
                RendererAgg.draw_text(scratch, scratch_gc, anchor[0], anchor[1], s, prop, angle, mtext=mtext)
                scratch_gc.restore()
                mask = np.ascontiguousarray(np.asarray(scratch.buffer_rgba())[..., 3])
                if len(self._text_masks) >= _TEXT_CACHE_SIZE:
                    self._text_masks.clear()
                entry = self._text_masks[key] = (mask, anchor)
            mask, anchor = entry
            left = math.floor(x) + fx - anchor[0]
            top = math.floor(y) + fy - anchor[1]
            self._renderer.draw_text_image(mask, int(round(left)), int(round(top)) + mask.shape[0], 0, gc)

    class CachingCanvasAgg(FigureCanvasAgg):
        def get_renderer(self):
            w, h = self.get_width_height(physical=True)
            key = w, h, self.figure.dpi
            if self._lastKey != key:
                self.renderer = CachingRendererAgg(w, h, self.figure.dpi)
                self._lastKey = key
            return self.renderer

    return CachingCanvasAgg


_CANVAS_CLASS = None


def new_figure(inches: tuple[float, float], dpi: float):
    """A matplotlib ``Figure`` with its own Agg canvas: not pyplot, so nothing leaks into the notebook's figures.

    The canvas keeps the pixels of the strings it has drawn (see ``_caching_canvas_class``): redrawing a figure
    whose tick labels did not change costs about half as much.
    """
    global _CANVAS_CLASS
    from matplotlib.figure import Figure

    if _CANVAS_CLASS is None:
        _CANVAS_CLASS = _caching_canvas_class()
    figure = Figure(figsize=inches, dpi=dpi)
    _CANVAS_CLASS(figure)
    return figure


def plain_log_axis(axis, ticks) -> None:
    """Label a log-scaled ``axis`` (``ax.xaxis``) at ``ticks`` only, as plain numbers, with no minor ticks.

    A log axis's default minor ticks (eight a decade), with their grid lines and the layout of their labels,
    cost about a fifth of an explorer's redraw, more than the curves drawn on it.
    """
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_minor_locator(NullLocator())


def figure_png(figure, dpi: float | None = None) -> bytes:
    """The figure as PNG bytes (``dpi=None``: matplotlib's ``savefig.dpi``, by default the figure's own).

    Light compression: the PNG only travels to the browser on this machine, and zlib's default level costs
    several times as long for a file a few kB smaller.
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def show_png(output, png_or_figure, label: str = "<explorer>") -> None:
    """Replace what the ``Output`` shows in one step (the same as ``clear_output(wait=True)`` + ``display``).

    Setting ``outputs`` works with or without a kernel, so tests and the bench see exactly what a learner sees.
    """
    png = png_or_figure if isinstance(png_or_figure, (bytes, bytearray)) else figure_png(png_or_figure)
    output.outputs = ({"output_type": "display_data",
                       "data": {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": label},
                       "metadata": {}},)


def status_line(summary: str, ms: float, details: str = "") -> str:
    """``summary · updated in N ms``, then ``details`` (plain text, escaped here) on a line of their own."""
    return f"{summary} · <i>updated in {ms:.0f} ms</i>" + (f"<br>{html.escape(details)}" if details else "")


HEADLESS_VARIABLE = "COURSE_HEADLESS"


def assemble(model, controls: dict, rows: list, *, picture, css_class: str | None,
             status: Callable[[Any], tuple[str, str]], label: str, apply: Callable[[], None] | None = None,
             observe: Iterable[str] | None = None, status_description: str = ""):
    """The explorer's ``VBox``: ``rows`` (the controls, laid out), then the status line and the picture.

    - ``controls``: name -> widget; each gets the CSS class ``explorer-<name>`` (lower case, "_" -> "-").
    - ``picture``: has ``figure`` and ``draw(result) -> PNG bytes``.
    - ``css_class``: ``explorer-<name>`` on the box (``None`` when the explorer puts its class elsewhere).
    - ``status(result) -> (summary HTML, details text)``: "updated in N ms" goes between the two.
    - ``apply()``: moves the controls' values into the model; by default ``model.<name> = widget.value`` for
      every observed control.
    - ``observe``: the controls whose changes update the picture; by default every control with a value (not
      buttons).  Pass ``()`` and wire them yourself with ``box.update``.

    The box carries ``model``, ``controls``, ``output``, ``status``, ``figure`` and ``update`` (redraw now), and
    after every update ``result`` and ``last_update`` (milliseconds: compute, render, total).  The first update
    runs before the box is returned, unless ``COURSE_HEADLESS`` is set (the grader sets it: an explorer is for
    people, and drawing it in each of 300 submissions would only cost time).
    """
    import ipywidgets as widgets

    for name, widget in controls.items():
        widget.add_class("explorer-" + name.lower().replace("_", "-"))
    status_widget = widgets.HTML(description=status_description)
    status_widget.add_class("explorer-status")
    output = widgets.Output()
    output.add_class("explorer-output")
    box = widgets.VBox([*rows, status_widget, output])
    if css_class:
        box.add_class(css_class)
    box.model, box.controls, box.output, box.status = model, controls, output, status_widget
    box.figure = picture.figure
    observed = ([name for name, widget in controls.items() if widget.has_trait("value")] if observe is None
                else list(observe))

    def copy_values() -> None:
        for name in observed:
            setattr(model, name, controls[name].value)

    def update(_change=None) -> None:
        with stopwatch() as total:
            (apply or copy_values)()
            with stopwatch() as compute:
                result = model.compute()
            show_png(output, picture.draw(result), label)
        box.result = result
        box.last_update = {"compute_ms": compute.ms, "render_ms": total.ms - compute.ms, "total_ms": total.ms}
        summary, details = status(result)
        status_widget.value = status_line(summary, total.ms, details)

    box.update = update
    for name in observed:
        controls[name].observe(update, names="value")
    if os.environ.get(HEADLESS_VARIABLE):  # nobody looks at it: skip computing and drawing until asked
        box.result, box.last_update = None, {}
        status_widget.value = "explorer not drawn (headless run, e.g. while grading)"
    else:
        update()
    return box
