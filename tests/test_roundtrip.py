"""nbgrader itself grades each week: the blank release scores 0, the solutions score full marks,
and wrong answers lose exactly the points of the tests they should fail."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbgrader.api import Gradebook

from solutions import REPO, filled_in, wrong_modules

pytestmark = pytest.mark.slow

# For each week (tests/wrong_weekNN.py): answer cells to replace with wrong code, and the test cells
# that must then score 0 while every other test cell keeps full marks.
WRONG_SUBMISSIONS = {week: module.WRONG_SUBMISSION for week, module in wrong_modules().items()}


def _nbgrader_env() -> dict:
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def _nbgrader(course: Path, *args: str) -> None:
    result = subprocess.run([str(Path(sys.executable).with_name("nbgrader")), *args],
                            cwd=course, capture_output=True, text=True, env=_nbgrader_env())
    assert result.returncode == 0, result.stdout + result.stderr


def _autograde_each_in_its_own_course(courses: dict[str, Path], week: str) -> None:
    """``nbgrader autograde`` of each student at once, each in a copy of the course with its own gradebook.

    One autograde grades its students one after another; a week's three notebooks (a minute each for the
    deep-learning weeks) then cost three minutes of the suite. Three processes on separate copies (SQLite
    allows one writer) share the machine's cores, and each gradebook holds the same assignment and one student.
    """
    running = {student: subprocess.Popen([str(Path(sys.executable).with_name("nbgrader")), "autograde", week,
                                          "--force"], cwd=course, env=_nbgrader_env(), text=True,
                                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
               for student, course in courses.items()}
    failures = {}
    for student, process in running.items():
        output, _ = process.communicate()
        if process.returncode != 0:
            failures[student] = output
    assert not failures, failures


@pytest.mark.parametrize("week", sorted(WRONG_SUBMISSIONS))
def test_round_trip_through_nbgrader(tmp_path, week):
    shutil.copy2(REPO / "nbgrader_config.py", tmp_path)
    shutil.copytree(REPO / "source" / week, tmp_path / "source" / week)
    _nbgrader(tmp_path, "generate_assignment", week, "--force")

    release = nbformat.read(tmp_path / "release" / week / f"{week}.ipynb", as_version=4)
    source = jupytext.read(REPO / "source" / week / f"{week}.py")
    replace, must_fail = WRONG_SUBMISSIONS[week]
    submissions = {"blank": release, "solved": filled_in(release, source),
                   "wrong": filled_in(release, source, replace)}
    courses = {}
    for student, notebook in submissions.items():
        courses[student] = tmp_path / f"course-of-{student}"
        shutil.copytree(tmp_path, courses[student], ignore=shutil.ignore_patterns("course-of-*"))
        folder = courses[student] / "submitted" / student / week
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{week}.ipynb")
    _autograde_each_in_its_own_course(courses, week)

    def auto_scores(student, manual=False):
        with Gradebook(f"sqlite:///{courses[student] / 'gradebook.db'}") as gradebook:
            notebook = gradebook.find_submission_notebook(week, week, student)
            return {grade.name: (grade.auto_score, grade.max_score, grade.needs_manual_grade)
                    for grade in notebook.grades if (grade.auto_score is None) == manual}

    blank, solved, wrong = (auto_scores(s) for s in ("blank", "solved", "wrong"))
    max_auto = sum(maximum for _, maximum, _ in solved.values())
    assert max_auto >= 12 and len(solved) >= 10
    assert sum(score for score, _, _ in blank.values()) == 0
    assert all(score == maximum for score, maximum, _ in solved.values()), solved
    assert {name for name, (score, _, _) in wrong.items() if score == 0} == must_fail
    assert all(score == maximum for name, (score, maximum, _) in wrong.items() if name not in must_fail)
    manual = auto_scores("solved", manual=True)
    assert manual and all(needs_manual for _, _, needs_manual in manual.values())
