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


def _nbgrader(course: Path, *args: str) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run([str(Path(sys.executable).with_name("nbgrader")), *args],
                            cwd=course, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


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
    for student, notebook in submissions.items():
        folder = tmp_path / "submitted" / student / week
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{week}.ipynb")
    _nbgrader(tmp_path, "autograde", week, "--force")

    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gradebook:
        def auto_scores(student):
            notebook = gradebook.find_submission_notebook(week, week, student)
            return {grade.name: (grade.auto_score, grade.max_score) for grade in notebook.grades
                    if grade.auto_score is not None}

        blank, solved, wrong = (auto_scores(s) for s in ("blank", "solved", "wrong"))
        max_auto = sum(maximum for _, maximum in solved.values())
        assert max_auto >= 12 and len(solved) >= 10
        assert sum(score for score, _ in blank.values()) == 0
        assert all(score == maximum for score, maximum in solved.values()), solved
        assert {name for name, (score, _) in wrong.items() if score == 0} == must_fail
        assert all(score == maximum for name, (score, maximum) in wrong.items() if name not in must_fail)
        manual = [g for g in gradebook.find_submission_notebook(week, week, "solved").grades
                  if g.auto_score is None]
        assert manual and all(g.needs_manual_grade for g in manual)
