"""`autograder export`: one assignment's grades as a CSV file an LMS gradebook imports.

`nbgrader export` writes every assignment in one table of nbgrader's own columns. An LMS wants its own
headers and matches students by its own identifiers, so each format here maps nbgrader's student table
(id, first and last name, email, lms_user_id) onto the columns the LMS documents:

- ``canvas``: Canvas's gradebook CSV (*Grades → Import*): ``Student, ID, SIS User ID, SIS Login ID, Section``,
  then one column per assignment, and a ``Points Possible`` row under the header, as Canvas's own export
  writes it. ID is Canvas's user id (nbgrader's ``lms_user_id``); SIS Login ID is the nbgrader student id.
  Canvas creates an assignment for a column whose name it does not know.
- ``moodle``: Moodle's *Import grades → CSV file*: ``ID number, First name, Last name, Email address`` and one
  column per grade item; on import, map "ID number" to "idnumber" (or "Email address" to "email").
- ``csv``: the plain table: ``student_id, first_name, last_name, email, lms_user_id, score, max_score``.

A student of the gradebook who submitted nothing gets 0, as in `nbgrader export`.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from autograder import escape
from autograder.batch import GradingError

FORMATS = ("canvas", "moodle", "csv")
CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_IDENTITY = ["ID number", "First name", "Last name", "Email address"]
PLAIN_HEADER = ["student_id", "first_name", "last_name", "email", "lms_user_id", "score", "max_score"]


@dataclass(frozen=True)
class StudentGrade:
    student_id: str
    first_name: str
    last_name: str
    email: str
    lms_user_id: str
    score: float
    submitted: bool


def read_grades(url: str, assignment: str) -> tuple[list[StudentGrade], float]:
    """Every student of the gradebook with their score on ``assignment`` (0 if nothing was submitted)."""
    with Gradebook(url) as gradebook:
        try:
            found = gradebook.find_assignment(assignment)
        except MissingEntry:
            known = ", ".join(sorted(a.name for a in gradebook.assignments)) or "none"
            raise GradingError(f"{assignment} is not in the gradebook at {url} (assignments there: {known}); "
                               f"grade it first with `autograder grade {assignment}`.") from None
        scores = {submission.student.id: float(submission.score) for submission in found.submissions}
        grades = [StudentGrade(s.id, s.first_name or "", s.last_name or "", s.email or "", s.lms_user_id or "",
                               scores.get(s.id, 0.0), s.id in scores)
                  for s in sorted(gradebook.students, key=lambda s: s.id)]
        return grades, float(found.max_score)


def table(grades: list[StudentGrade], assignment: str, max_score: float, form: str) -> list[list]:
    """The CSV rows (header first) of ``form``."""
    if form == "canvas":
        rows = [CANVAS_IDENTITY + [assignment], ["Points Possible", "", "", "", "", _number(max_score)]]
        return rows + [[_canvas_name(g), g.lms_user_id, "", g.student_id, "", _number(g.score)] for g in grades]
    if form == "moodle":
        return [MOODLE_IDENTITY + [assignment]] + [
            [g.student_id, g.first_name, g.last_name, g.email, _number(g.score)] for g in grades]
    if form == "csv":
        return [PLAIN_HEADER] + [[g.student_id, g.first_name, g.last_name, g.email, g.lms_user_id, _number(g.score),
                                  _number(max_score)] for g in grades]
    raise GradingError(f"unknown export format {form!r}: choose one of {', '.join(FORMATS)}.")


def export(root: Path, assignment: str, form: str, url: str, output: Path | None = None) -> Path:
    """Write ``reports/ASSIGNMENT/<form>.csv`` (or ``output``) and return its path."""
    grades, max_score = read_grades(url, assignment)
    rows = table(grades, assignment, max_score, form)
    path = output or root / "reports" / assignment / f"{form}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        # names and ids are the students' own text: a spreadsheet must not run one as a formula
        csv.writer(handle).writerows([[escape.spreadsheet_cell(value) if isinstance(value, str) else value
                                       for value in row] for row in rows])
    return path


def _canvas_name(grade: StudentGrade) -> str:
    """Canvas's "Last, First"; the student id when the gradebook has no names."""
    names = ", ".join(part for part in (grade.last_name, grade.first_name) if part)
    return names or grade.student_id


def _number(value: float) -> int | float:
    """7.0 -> 7, as LMS gradebooks show points; 6.5 stays."""
    return int(value) if float(value).is_integer() else float(value)
