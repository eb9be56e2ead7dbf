"""A small course for grading tests: week98 uses the real check API and week 01's oracle."""
from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import nbformat

from autograder.notebooks import sync_pair

REPO = Path(__file__).resolve().parents[2]

HEADER = """\
# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: nbgrader,tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,-all
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---
"""


def _meta(grade_id: str, *, grade: bool, solution: bool, points: int | None = None) -> str:
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": 3,
            "solution": solution, "task": False}
    if points:
        meta["points"] = points
    return json.dumps(meta, sort_keys=True)


SOFTMAX = '''\
def softmax(z):
    """Stable softmax along the last axis."""
    ### BEGIN SOLUTION
    shifted = np.exp(z - z.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)
    ### END SOLUTION'''

LOGSUMEXP = '''\
def logsumexp(z):
    """Stable log-sum-exp along the last axis."""
    ### BEGIN SOLUTION
    top = z.max(axis=-1, keepdims=True)
    return (top + np.log(np.exp(z - top).sum(axis=-1, keepdims=True))).squeeze(-1)
    ### END SOLUTION'''

WEEK98 = HEADER + f'''
# %% [markdown]
# # A small graded week

# %%
import numpy as np
from course.checks import expect_close, expect_choice
from course.exercises import check, grade

# %% nbgrader={_meta("softmax", grade=False, solution=True)}
{SOFTMAX}

# %% nbgrader={_meta("softmax_public", grade=True, solution=False, points=1)}
z = np.array([1.0, 2.0, 3.0])
expect_close(softmax(z), [0.09003057317038046, 0.24472847105479764, 0.6652409557748219], name="softmax([1, 2, 3])")
print("public checks passed")

# %% nbgrader={_meta("softmax_hidden", grade=True, solution=False, points=2)}
# hidden tests run when graded
### BEGIN HIDDEN TESTS
grade("week01.softmax", softmax)
### END HIDDEN TESTS

# %% nbgrader={_meta("q1", grade=False, solution=True)}
# Set q1_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q1_answer = "b"
### END SOLUTION

# %% nbgrader={_meta("q1_test", grade=True, solution=False, points=1)}
### BEGIN HIDDEN TESTS
expect_choice(q1_answer, "b", name="q1_answer")
### END HIDDEN TESTS

# %% nbgrader={_meta("logsumexp", grade=False, solution=True)}
{LOGSUMEXP}

# %% nbgrader={_meta("logsumexp_public", grade=True, solution=False, points=1)}
expect_close(logsumexp(np.array([0.0, 0.0])), 0.6931471805599453, name="logsumexp([0, 0])")

# %% nbgrader={_meta("logsumexp_hidden", grade=True, solution=False, points=2)}
### BEGIN HIDDEN TESTS
grade("week01.logsumexp", logsumexp)
### END HIDDEN TESTS

# %% [markdown] nbgrader={_meta("explain", grade=True, solution=True, points=2)}
# A model answer that students must never see.
'''

AUTO_POINTS = 7


def make_course(root: Path) -> Path:
    shutil.copy2(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    week = root / "source" / "week98"
    week.mkdir(parents=True)
    (week / "week98.py").write_text(WEEK98)
    sync_pair(week / "week98.py")
    return root


def source_notebook(root: Path) -> nbformat.NotebookNode:
    return nbformat.read(root / "source" / "week98" / "week98.ipynb", as_version=4)


def without_markers(code: str) -> str:
    return "\n".join(line for line in code.splitlines() if "### " not in line)


def submission(root: Path, answers: dict[str, str] | None = None, *, drop: tuple[str, ...] = (),
               edit: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """The solved notebook as a student would hand it in, with some answers replaced."""
    notebook = source_notebook(root)
    answers, edit = answers or {}, edit or {}
    cells = []
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if grade_id in drop:
            continue
        if meta.get("solution") and cell.cell_type == "markdown":
            cell.source = answers.get(grade_id, "My own explanation.")
        elif meta.get("solution"):
            cell.source = answers.get(grade_id, without_markers(cell.source))
        elif grade_id in edit:
            cell.source = edit[grade_id]
        elif meta.get("grade"):
            cell.source = "\n".join(l for l in cell.source.split("### BEGIN HIDDEN TESTS")[0].splitlines())
        cells.append(cell)
    notebook.cells = cells
    notebook.metadata.pop("jupytext", None)
    return notebook


def hand_in(root: Path, student: str, notebook: nbformat.NotebookNode | bytes) -> Path:
    folder = root / "submitted" / student / "week98"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "week98.ipynb"
    if isinstance(notebook, bytes):
        path.write_bytes(notebook)
    else:
        nbformat.write(notebook, path)
    (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    return path


def code(text: str) -> str:
    return textwrap.dedent(text).strip("\n")
