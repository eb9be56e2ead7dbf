"""Per-student variants (issue 9 §3): the same checkpoint question with each student's own numbers.

Through the real grader, on a small course (week96) holding week 01's per-student question: two students with
different numbers each graded right, a copied answer failing, an id typed into the notebook that is not the
submission's explained by a note, and a regrade giving the same draw. The draw itself is tested in
tests/test_variants.py.
"""
from __future__ import annotations

import io
import shutil

import nbformat
import pytest

from autograder.batch import read_ledger
from autograder.commands import grade
from autograder.notebooks import sync_pair
from autograder.sandbox import Limits
from course import variants

from .course_fixture import HEADER, REPO, _meta, without_markers

pytestmark = pytest.mark.slow
WEEK = "week96"
KEY = "week01.checkpoint_q2"

WEEK96 = HEADER + f'''
# %%
import numpy as np
from course.checks import expect_close
from course.variants import parameters, set_student_id, show_question, variant_answer

# %%
my_id = set_student_id("")

# %%
show_question("{KEY}")

# %% nbgrader={_meta("checkpoint_q2", grade=False, solution=True)}
### BEGIN SOLUTION
q2 = parameters("{KEY}")
q2_answer = q2["x0"] - q2["lr"] * 2 * q2["x0"]
### END SOLUTION

# %% nbgrader={_meta("checkpoint_q2_test", grade=True, solution=False, points=1)}
### BEGIN HIDDEN TESTS
expect_close(q2_answer, variant_answer("{KEY}"), rtol=1e-6,
             name="question 2 (q2_answer) for x0 = " + str(parameters("{KEY}")["x0"]))
### END HIDDEN TESTS
'''


def literal(student: str) -> str:
    return f"q2_answer = {variants.variant_answer(KEY, student)!r}"


# (typed id, the answer cell): who types what, who answers what
STUDENTS = {
    "alice": ("", literal("alice")),                       # her own numbers, worked out by hand
    "bob": ("", literal("bob")),                           # his own, different, numbers
    "carol": ("", literal("alice")),                       # copies alice's answer
    "dave": ("alice", None),                               # typed alice's id, computes in the notebook
    "erin": ("alice", literal("alice")),                   # typed alice's id, hard-codes alice's answer
}


def _submission(root, typed: str, answer: str | None):
    notebook = nbformat.read(root / "source" / WEEK / f"{WEEK}.ipynb", as_version=4)
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.source.startswith("my_id = "):
            cell.source = f"my_id = set_student_id({typed!r})"
        elif meta.get("solution"):
            cell.source = answer if answer is not None else without_markers(cell.source)
        elif meta.get("grade"):
            cell.source = cell.source.split("### BEGIN HIDDEN TESTS")[0]
    notebook.metadata.pop("jupytext", None)
    return notebook


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("variant-course")
    shutil.copy2(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    (root / "source" / WEEK).mkdir(parents=True)
    (root / "source" / WEEK / f"{WEEK}.py").write_text(WEEK96)
    sync_pair(root / "source" / WEEK / f"{WEEK}.py")
    for student, (typed, answer) in STUDENTS.items():
        folder = root / "submitted" / student / WEEK
        folder.mkdir(parents=True)
        nbformat.write(_submission(root, typed, answer), folder / f"{WEEK}.ipynb")
    grade(root, WEEK, students=None, workers=2, scheduler=None, limits=Limits(cell_timeout=60), out=io.StringIO())
    return root


def entry(root, student):
    return read_ledger(root, student, WEEK)[f"{WEEK}.ipynb"]


def score(root, student) -> float:
    return {v["grade_id"]: v["score"] for v in entry(root, student)["verdicts"]}["checkpoint_q2_test"]


def test_the_students_draws_differ():
    assert variants.variant_answer(KEY, "alice") != variants.variant_answer(KEY, "bob")


def test_each_student_is_graded_against_their_own_numbers(course):
    assert score(course, "alice") == 1 and score(course, "bob") == 1


def test_a_right_answer_is_named_by_the_check_name_computed_for_that_student(course):
    """name= computed from the student's draw (interview's explanations) is worded by the grader."""
    for student in ("alice", "bob"):
        verdict = {v["grade_id"]: v for v in entry(course, student)["verdicts"]}["checkpoint_q2_test"]
        assert verdict["message"] == f"✓ question 2 (q2_answer) for x0 = {variants.parameters(KEY, student)['x0']}"


def test_a_copied_answer_fails(course):
    assert score(course, "carol") == 0


def test_an_id_typed_into_the_notebook_that_is_not_the_submissions_is_explained(course):
    assert score(course, "dave") == 1          # computed in the notebook: graded as dave, dave's numbers
    assert score(course, "erin") == 0          # alice's hard-coded answer
    for student in ("dave", "erin"):
        notes = " ".join(entry(course, student)["notes"])
        assert f"the id typed into this notebook is 'alice', but it was handed in as '{student}'" in notes
    assert not any("id typed" in note for note in entry(course, "alice")["notes"])


def test_a_regrade_draws_the_same_numbers(course):
    before = {s: score(course, s) for s in STUDENTS}
    grade(course, WEEK, students=None, workers=2, scheduler=None, limits=Limits(cell_timeout=60), force=True,
          out=io.StringIO())
    assert {s: score(course, s) for s in STUDENTS} == before
