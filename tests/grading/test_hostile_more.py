"""Hostile and broken submissions of the second round (issue 8), graded as one class with honest controls.

Each case is one student of a single batch, through the real CLI path (nbgrader's gradebook, a
local Dask cluster over TLS, pre-warmed sandboxes): what it tried, the score it must get, and what
must (not) appear in what the grader wrote. The sandbox's own isolation cases (the allow-list root,
IPC, sockets, uids, environment, orphans) are in test_sandbox_isolation.py.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbgrader.api import Gradebook

from autograder import escape
from autograder.batch import read_ledger
from autograder.commands import grade
from autograder.grading import _exercise_seed
from course import exercises

from .conftest import HOSTILE_LIMITS
from .course_fixture import AUTO_POINTS, code, hand_in, make_course, submission

pytestmark = pytest.mark.slow

CORRECT_SOFTMAX = code('''
    def softmax(z):
        shifted = np.exp(z - z.max(axis=-1, keepdims=True))
        return shifted / shifted.sum(axis=-1, keepdims=True)
''')
WRONG_SOFTMAX = "def softmax(z):\n    return z"
HALF_SOFTMAX = code('''
    def softmax(z):  # normalised, but of z / 2: the public check shows both values
        shifted = np.exp(z / 2 - z.max(axis=-1, keepdims=True) / 2)
        return shifted / shifted.sum(axis=-1, keepdims=True)
''')
LIMITS = HOSTILE_LIMITS
EVIL_ID = "evil\x1b[2K\x1b[1Arow"


def _with_cells(notebook, after_grade_id: str, sources: list[str]):
    """The notebook with extra code cells (no nbgrader metadata) after the cell ``after_grade_id``."""
    index = next(i for i, c in enumerate(notebook.cells)
                 if c.metadata.get("nbgrader", {}).get("grade_id") == after_grade_id)
    notebook.cells[index + 1:index + 1] = [nbformat.v4.new_code_cell(s) for s in sources]
    return notebook


def _imports_cell(notebook):
    return next(c for c in notebook.cells if c.cell_type == "code" and c.source.startswith("import numpy"))


def _edited_imports(root):
    notebook = submission(root, {"softmax": code('''
        def softmax(z):
            shifted = np.exp(z - z.max(axis=-1, keepdims=True))
            return shifted / shifted.sum(axis=-1, keepdims=True) * math.sqrt(1.0)
    ''')})
    _imports_cell(notebook).source += "\nimport math"
    return notebook


CASES = {  # student -> (expected auto score, phrase in the notes/messages or None); "honest" is the first round's
    "symlink-to-source": (0, "symbolic link"),
    "notebook-is-a-folder": (0, "not a file"),
    "hidden-marker-comment": (AUTO_POINTS, "HIDDEN-TESTS"),
    "lone-surrogate": (AUTO_POINTS, None),
    "bad-timestamp": (AUTO_POINTS, "does not hold a date"),
    "stream-of-quick-cells": (1, "time limit"),
    "raises-output-cap": (AUTO_POINTS, None),
    "huge-exception": (AUTO_POINTS, None),
    "edits-imports-cell": (AUTO_POINTS, None),
    "edits-locked-test": (4, "was edited"),
    "half-softmax": (4, "got 0.50648, expected 0.665241"),
    EVIL_ID: (4, None),
    "html-in-written-answer": (AUTO_POINTS, None),
}


def hand_in_second_round(root: Path) -> None:
    folder = hand_in(root, "symlink-to-source", submission(root)).parent
    (folder / "week98.ipynb").unlink()
    (folder / "week98.ipynb").symlink_to(root / "source" / "week98" / "week98.ipynb")
    folder = hand_in(root, "notebook-is-a-folder", submission(root)).parent
    (folder / "week98.ipynb").unlink()
    (folder / "week98.ipynb").mkdir()
    hand_in(root, "hidden-marker-comment", submission(root, {"softmax": "# BEGIN HIDDEN TESTS\n" + CORRECT_SOFTMAX}))
    hand_in(root, "lone-surrogate", _with_cells(submission(root), "softmax", ["print('\\ud800')"]))
    hand_in(root, "bad-timestamp", submission(root)).with_name("timestamp.txt").write_text("handed in on Tuesday")
    # 500 cells of 0.08 s: each is far under the cell limit, together far over the notebook's 30 s.
    hand_in(root, "stream-of-quick-cells", _with_cells(submission(root), "softmax_public",
                                                       ["import time\ntime.sleep(0.08)"] * 500))
    hand_in(root, "raises-output-cap", _with_cells(submission(root), "softmax", [code('''
        import sys
        for stream in (sys.stdout, sys.stderr):
            for name in ("limit", "_limit", "max_chars"):
                if hasattr(stream, name):
                    setattr(stream, name, 10**9)
        print("y" * 1_000_000)
    ''')]))
    hand_in(root, "huge-exception", _with_cells(submission(root), "softmax", [code('''
        import autograder.child
        autograder.child._describe = lambda error: {"ename": "E" * 100_000, "evalue": "v" * 1_000_000,
                                                     "traceback": "t" * 1_000_000}
        raise ValueError("x")
    ''')]))
    hand_in(root, "edits-imports-cell", _edited_imports(root))
    hand_in(root, "edits-locked-test", submission(root, {"softmax": WRONG_SOFTMAX},
                                                  edit={"softmax_public": "print('fine')"}))
    hand_in(root, "half-softmax", submission(root, {"softmax": HALF_SOFTMAX}))
    hand_in(root, "html-in-written-answer", submission(root, {"explain": "Because <img src=x onerror=alert(1)> "
                                                                        "**bold** and $a<b$"}))
    hand_in(root, EVIL_ID, submission(root, {"softmax": "def softmax(z):\n    raise ValueError('\\x1b[2J\\x1b[Hgotcha')"}))


@pytest.fixture(scope="module")
def graded(hostile_class):
    """The class of conftest.py: the first round's cases and these, graded as one batch."""
    return hostile_class.root, hostile_class.rows, hostile_class.summary


def _entry(root, student):
    return read_ledger(root, student, "week98")["week98.ipynb"]


def _messages(root, student):
    entry = _entry(root, student)
    return " ".join(entry["notes"] + [v["message"] for v in entry["verdicts"]])


def test_the_batch_grades_every_case_of_this_round(graded):
    _, rows, _ = graded
    assert set(CASES) <= set(rows)


@pytest.mark.parametrize("student", sorted(CASES))
def test_each_case_gets_exactly_its_score(graded, student):
    root, rows, _ = graded
    score, phrase = CASES[student]
    assert rows[student]["auto_score"] == score, _messages(root, student)
    if phrase:
        assert phrase in _messages(root, student)


def test_a_stream_of_quick_cells_stops_at_the_notebooks_wall_clock_limit(graded):
    root, _, _ = graded
    entry = _entry(root, "stream-of-quick-cells")
    assert entry["seconds"]["total"] < LIMITS.notebook_timeout + 5, entry["seconds"]


def test_output_stays_capped_whatever_the_student_changed(graded):
    root, _, _ = graded
    for student in ("raises-output-cap", "huge-exception"):
        path = root / "autograded" / student / "week98" / "week98.ipynb"
        assert path.stat().st_size < 200_000, (student, path.stat().st_size)


def test_notebooks_that_broke_the_writer_are_written(graded):
    root, _, _ = graded
    for student in ("lone-surrogate", "hidden-marker-comment"):
        assert (root / "autograded" / student / "week98" / "week98.ipynb").is_file()


def test_an_edited_unlocked_cell_runs_as_the_student_wrote_it_and_a_replaced_test_cell_is_named(graded):
    root, _, _ = graded
    assert "NameError" not in _messages(root, "edits-imports-cell")
    assert "softmax_public' was edited: the grader ran the original" in _messages(root, "edits-locked-test")


def test_a_written_answer_reaches_the_formgrader_without_live_html(graded):
    root, _, _ = graded
    notebook = nbformat.read(root / "autograded" / "html-in-written-answer" / "week98" / "week98.ipynb", 4)
    answer = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "explain")
    assert "onerror" not in answer.source and "**bold**" in answer.source
    assert "$a<b$" in answer.source.replace("< ", "<")  # the sanitiser spaces a '<' in math (TeX ignores it)


def test_the_summary_and_grades_csv_are_inert_text(graded):
    root, rows, summary = graded
    assert "\x1b" not in summary and "\r" not in summary
    assert escape.terminal(EVIL_ID) in summary
    text = (root / "reports" / "week98" / "grades.csv").read_text()
    assert len(list(csv.DictReader(io.StringIO(text)))) == len(rows)


def test_gradebook_ledger_and_grades_csv_agree(graded):
    root, rows, _ = graded
    _assert_agree(root, rows)
    assert not [s for s in rows if "could not be recorded" in _messages(root, s)]


def _assert_agree(root, rows):
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for student, row in rows.items():
            notebook = gradebook.find_submission_notebook("week98", "week98", student)
            in_gradebook = sum(g.auto_score or 0 for g in notebook.grades)
            assert in_gradebook == _entry(root, student)["score"] == row["auto_score"], student
    with (root / "reports" / "week98" / "grades.csv").open() as handle:
        for line in csv.DictReader(handle):
            assert float(line["auto_score"]) == rows[line["student"]]["auto_score"]


def test_a_bad_timestamp_costs_only_the_late_penalty(graded):
    root, _, _ = graded
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission("week98", "bad-timestamp").timestamp is None
        assert gradebook.find_submission("week98", "honest").timestamp is not None


def _reference_texts(root, student) -> set[str]:
    """The hidden cases' reference values this student's grading computed, as messages would print them."""
    seed = _entry(root, student)["seed"]
    texts = set()
    for key in ("week01.softmax", "week01.logsumexp"):
        _, cases = exercises.make_cases(key, _exercise_seed(seed, key))
        for case in cases:
            for value in np.ravel(exercises.get(key).reference(case)):
                if abs(value) > 1e-3:  # 0.5, 1.0... appear in any text
                    texts |= {f"{value:.6g}", f"{value:.5g}", f"{value:.4g}", repr(float(value))}
    return {t for t in texts if len(t) >= 5}


def test_nothing_hidden_reaches_the_graded_notebooks(graded):
    root, rows, _ = graded
    for student in rows:
        path = root / "autograded" / student / "week98" / "week98.ipynb"
        if not path.is_file():
            continue
        text = path.read_text()
        assert "BEGIN HIDDEN TESTS" not in text and 'grade(\\"week01' not in text
        public = (root / "submitted" / "honest" / "week98" / "week98.ipynb").read_text()  # log 2 is in a public test
        leaked = sorted(t for t in _reference_texts(root, student) if t in text and t not in public)
        assert not leaked, (student, leaked[:5])


def test_resubmissions_move_the_timestamp_and_a_failed_one_leaves_no_stale_score(tmp_path, monkeypatch, capsys):
    """Two passes over one small class. "late" resubmits later: the gradebook's time follows. "broken" scored
    full marks first; recording its resubmission fails: gradebook, ledger and grades.csv all say 0, with why,
    and its first graded notebook is gone. The progress bar counts auto points against auto points."""
    from autograder import batch
    root = make_course(tmp_path)
    for student in ("late", "broken", "steady"):
        hand_in(root, student, submission(root))
    grade(root, "week98", students=None, workers=1, scheduler=None, limits=LIMITS, out=io.StringIO())
    bar = capsys.readouterr().err  # the written answer (2 points) is counted apart
    assert f"late: {AUTO_POINTS}/{AUTO_POINTS}" in bar, bar[-500:]
    for student, day in (("late", 29), ("broken", 27)):
        path = hand_in(root, student, submission(root, {"q1": 'q1_answer = "b"  # second attempt'}))
        path.with_name("timestamp.txt").write_text(f"2026-11-{day} 23:59:00.000000 UTC")
    real = batch.write_graded_notebook

    def failing(root_, result):
        if result.student == "broken":
            raise OSError(28, "No space left on device")
        return real(root_, result)
    monkeypatch.setattr(batch, "write_graded_notebook", failing)
    rows = grade(root, "week98", students=None, workers=1, scheduler=None, limits=LIMITS, out=io.StringIO())
    rows = {row["student"]: row for row in rows}
    assert rows["broken"]["auto_score"] == 0 and "could not be recorded" in rows["broken"]["notes"]
    assert not (root / "autograded" / "broken" / "week98" / "week98.ipynb").exists()  # not the first attempt's
    assert rows["late"]["auto_score"] == rows["steady"]["auto_score"] == AUTO_POINTS
    _assert_agree(root, rows)
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission("week98", "late").timestamp.day == 29
        assert gradebook.find_submission("week98", "broken").timestamp.day == 27
