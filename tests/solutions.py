"""Load the instructor's solutions out of a source notebook, so tests grade the real thing."""
from __future__ import annotations

import functools
import importlib
from pathlib import Path

import jupytext

REPO = Path(__file__).resolve().parents[1]


def wrong_modules() -> dict:
    """tests/wrong_weekNN.py for every week: its WRONG variants and its WRONG_SUBMISSION."""
    names = sorted(p.stem for p in Path(__file__).parent.glob("wrong_week[0-9][0-9].py"))
    return {name.removeprefix("wrong_"): importlib.import_module(name) for name in names}


def renamed_source(function, name: str) -> str:
    """The source of a wrong variant, renamed to the graded function's name (for a week's WRONG_SUBMISSION)."""
    import inspect
    import textwrap
    source = textwrap.dedent(inspect.getsource(function))
    return "import numpy as np\n\n" + source.replace(f"def {function.__name__}(", f"def {name}(", 1)


def solution_namespace(week: str) -> dict:
    """A week's solution cells' definitions, executed once per test session (week 08's trains its CNN, ~4 s):
    each caller gets its own dict of the same objects."""
    return dict(_solution_namespace(week))


@functools.lru_cache(maxsize=None)
def _solution_namespace(week: str) -> dict:
    notebook = jupytext.read(REPO / "source" / week / f"{week}.py")
    namespace: dict = {}
    exec("import numpy as np", namespace)
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            try:
                exec(compile(cell.source, f"{week}:{meta['grade_id']}", "exec"), namespace)
            except NameError:   # a top-level answer that needs the lesson's data (a challenge, a per-student
                continue        # checkpoint question): not a function a test calls
    return namespace


from autograder.notebooks import filled_in  # noqa: E402,F401 (re-exported for the tests)
