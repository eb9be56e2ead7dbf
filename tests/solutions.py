"""Load the instructor's solutions out of a source notebook, so tests grade the real thing."""
from __future__ import annotations

import functools
import importlib
from pathlib import Path

import jupytext

REPO = Path(__file__).resolve().parents[1]


def wrong_modules() -> dict:
    """tests/wrong_NAME.py for every notebook (week01, quickstart, ...): its WRONG variants and WRONG_SUBMISSION."""
    from course.catalogue import in_course_order, is_assignment_name
    names = [p.stem.removeprefix("wrong_") for p in Path(__file__).parent.glob("wrong_*.py")]
    return {name: importlib.import_module(f"wrong_{name}") for name in in_course_order(names)
            if is_assignment_name(name) and (REPO / "source" / name / f"{name}.py").exists()}


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


def lesson_text(name: str) -> str:
    """A notebook's source text with comment markers and line breaks removed, for quoting the lesson."""
    lines = (REPO / "source" / name / f"{name}.py").read_text().splitlines()
    return " ".join(line.lstrip("# ").strip() for line in lines)


def run_every_code_cell(name: str) -> dict:
    """The solution notebook's namespace after every code cell ran in this process, headless (magics dropped,
    no `from __future__` of the caller leaking into the cells)."""
    import matplotlib
    import pytest
    from autograder.notebooks import read_text_notebook
    namespace: dict = {"__name__": "__main__"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COURSE_HEADLESS", "1")
        patch.setenv("MPLBACKEND", "Agg")
        matplotlib.use("Agg")
        for cell in read_text_notebook(REPO / "source" / name / f"{name}.py").cells:
            if cell.cell_type != "code":
                continue
            code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%"))
            exec(compile(code, name, "exec", dont_inherit=True), namespace)
    import matplotlib.pyplot as plt
    plt.close("all")
    return namespace
