"""`autograder export`: grades in the CSV layouts Canvas's and Moodle's gradebook imports document."""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

from autograder.export import CANVAS_IDENTITY, MOODLE_IDENTITY

REPO = Path(__file__).resolve().parents[2]
# The headers as the LMSs document them: Canvas's gradebook import ("Student, ID, SIS User ID, SIS Login ID,
# Section", then assignments, an optional "Points Possible" row) and Moodle's CSV grade import (a user
# identifier column such as "ID number" or "Email address", then one column per grade item).
CANVAS_DOCUMENTED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_DOCUMENTED = ["ID number", "First name", "Last name", "Email address"]


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A gradebook as `autograder grade` leaves it: week01 (two auto-graded cells, 3 + 4 points), three
    students, two submissions (7/7 and 3/7) and a student who handed nothing in; one name is a formula."""
    tmp_path = tmp_path_factory.mktemp("export")
    shutil.copy2(REPO / "nbgrader_config.py", tmp_path)
    (tmp_path / "source" / "week01").mkdir(parents=True)      # what makes a folder a course root
    # a new gradebook runs nbgrader's `alembic` migrations, found on PATH as `make test` sets it
    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings():
        patch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
        warnings.simplefilter("ignore", SAWarning)   # nbgrader's add_submission under SQLAlchemy 2 (see batch.py)
        fill_in(Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}"))
    return tmp_path


def fill_in(gradebook: Gradebook) -> None:
    with gradebook:
        gradebook.add_assignment("week01")
        gradebook.add_notebook("week01", "week01")
        for name, points in (("softmax_test", 3), ("gradient_test", 4)):
            gradebook.add_grade_cell(name, "week01", "week01", max_score=points, cell_type="code")
        gradebook.add_student("ada", first_name="Ada", last_name="Lovelace", email="ada@example.org",
                              lms_user_id="1001")
        gradebook.add_student("bob", first_name="Bob", last_name="=HYPERLINK(\"http://x\")")
        gradebook.add_student("cy")
        for student, scores in (("ada", {"softmax_test": 3, "gradient_test": 4}),
                                ("bob", {"softmax_test": 3, "gradient_test": 0})):
            gradebook.add_submission("week01", student)
            for grade in gradebook.find_submission_notebook("week01", "week01", student).grades:
                grade.auto_score = scores[grade.name]
            gradebook.db.commit()


def export(course: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder.cli", "export", "week01", *args], cwd=course,
                          capture_output=True, text=True)


def rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_canvas_import_layout(course):
    result = export(course, "--format", "canvas")
    assert result.returncode == 0, result.stderr
    assert CANVAS_IDENTITY == CANVAS_DOCUMENTED
    table = rows(course / "reports" / "week01" / "canvas.csv")
    assert table[0] == CANVAS_DOCUMENTED + ["week01"]
    assert table[1] == ["Points Possible", "", "", "", "", "7"]
    assert table[2:] == [["Lovelace, Ada", "1001", "", "ada", "", "7"],
                         ["'=HYPERLINK(\"http://x\"), Bob", "", "", "bob", "", "3"],
                         ["cy", "", "", "cy", "", "0"]]
    assert "canvas grades written to" in result.stdout


def test_moodle_import_layout(course):
    assert export(course, "--format", "moodle").returncode == 0
    assert MOODLE_IDENTITY == MOODLE_DOCUMENTED
    table = rows(course / "reports" / "week01" / "moodle.csv")
    assert table == [MOODLE_DOCUMENTED + ["week01"],
                     ["ada", "Ada", "Lovelace", "ada@example.org", "7"],
                     ["bob", "Bob", "'=HYPERLINK(\"http://x\")", "", "3"],
                     ["cy", "", "", "", "0"]]


def test_plain_csv_to_a_chosen_file(course, tmp_path):
    target = tmp_path / "out" / "grades.csv"
    assert export(course, "--output", str(target)).returncode == 0
    table = rows(target)
    assert table[0] == ["student_id", "first_name", "last_name", "email", "lms_user_id", "score", "max_score"]
    assert [row[0] for row in table[1:]] == ["ada", "bob", "cy"] and [row[5] for row in table[1:]] == ["7", "3", "0"]


def test_an_assignment_not_in_the_gradebook_is_a_clear_error(course):
    result = subprocess.run([sys.executable, "-m", "autograder.cli", "export", "week02", "--format", "canvas"],
                            cwd=course, capture_output=True, text=True)
    assert result.returncode != 0
    assert "week02 is not in the gradebook" in result.stderr and "assignments there: week01" in result.stderr
    assert "autograder grade week02" in result.stderr and "Traceback" not in result.stderr


def test_nbgrader_export_still_reads_the_same_gradebook(course):
    result = subprocess.run([str(Path(sys.executable).with_name("nbgrader")), "export"], cwd=course,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    table = {row["student_id"]: row for row in csv.DictReader((course / "grades.csv").open())}
    assert {student: float(row["score"]) for student, row in table.items()} == {"ada": 7.0, "bob": 3.0, "cy": 0.0}
