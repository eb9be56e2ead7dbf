"""Feedback pages and the class report, on a graded course written by hand (the grader does not run).

The source holds secrets (a solution line, hidden tests, model answers) that no feedback page may
show; three students' ledgers and graded notebooks are what `autograder grade` would have left.
"""
from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.feedback import MODEL_ANSWER_TAG, NotGradedError, write_feedback
from autograder.report import normalise_message, summary_text, write_report

ASSIGNMENT, NOTEBOOK = "week98", "week98.ipynb"
SECRETS = ["SOLUTION-LINE", "MODEL-CHOICE", "MODEL-NUMBER", "A MODEL ANSWER", "HIDDEN-TEST-MARKER",
           'grade("week98.secret_key", double)', "BEGIN HIDDEN", "BEGIN SOLUTION", "expected 2.4"]


def _cell(kind: str, source: str, grade_id: str | None = None, *, grade=False, solution=False, points=None):
    cell = new_markdown_cell(source) if kind == "markdown" else new_code_cell(source)
    if grade_id:
        cell.metadata["nbgrader"] = {"grade": grade, "grade_id": grade_id, "locked": not solution,
                                     "schema_version": 3, "solution": solution, "task": False,
                                     **({"points": points} if points else {})}
    return cell


def _hidden(code: str) -> str:
    return f"# hidden tests run when graded\n### BEGIN HIDDEN TESTS\n{code}\n### END HIDDEN TESTS"


SOURCE = [
    _cell("markdown", "# Week 98: a course for feedback tests"),
    _cell("code", "import numpy as np\nfrom course.checks import expect_close, expect_choice"),
    _cell("markdown", "### Exercise 1 — `double`\n\nReturn twice `x`."),
    _cell("code", "def double(x):\n    ### BEGIN SOLUTION\n    return x * 2  # SOLUTION-LINE doubled\n"
                  "    ### END SOLUTION", "double", solution=True),
    _cell("code", 'expect_close(double(2), 4, name="double(2)")', "double_public", grade=True, points=1),
    _cell("code", _hidden('# HIDDEN-TEST-MARKER edge cases\ngrade("week98.secret_key", double)'),
          "double_hidden", grade=True, points=2),
    _cell("markdown", "### Exercise 2 — `halve`"),
    _cell("code", "def halve(x):\n    ### BEGIN SOLUTION\n    return x / 2\n    ### END SOLUTION", "halve",
          solution=True),
    _cell("code", 'expect_close(halve(4), 2, name="halve(4)")', "halve_public", grade=True, points=1),
    _cell("code", _hidden('grade("week98.secret_halve", halve)'), "halve_hidden", grade=True, points=2),
    _cell("markdown", "## 3. Checkpoint\n\n**Q1.** Which letter is right?"),
    _cell("code", '### BEGIN SOLUTION\nq1_answer = "c"  # MODEL-CHOICE\n### END SOLUTION', "checkpoint_q1",
          solution=True),
    _cell("code", 'expect_true(q1_answer in "abcd", "q1_answer should be a letter.")\n'
                  + _hidden('expect_choice(q1_answer, "c", name="q1_answer")'),
          "checkpoint_q1_test", grade=True, points=1),
    _cell("markdown", "**Q2.** What is x1?"),
    _cell("code", "### BEGIN SOLUTION\nq2_answer = 2.4  # MODEL-NUMBER\n### END SOLUTION", "checkpoint_q2",
          solution=True),
    _cell("code", _hidden('expect_close(q2_answer, 2.4, name="q2_answer")'), "checkpoint_q2_test", grade=True,
          points=1),
    _cell("markdown", "**Q3 (written).** Explain doubling in your own words."),
    _cell("markdown", "A MODEL ANSWER that students must never see.", "explain", grade=True, solution=True,
          points=2),
]

PASSED = {"double_public": "✓ double(2)",
          "double_hidden": "✓ week98.secret_key: 6 randomized checks against the library reference",
          "halve_public": "✓ halve(4)", "halve_hidden": "✓ week98.secret_halve: 6 randomized checks against the "
                                                        "library reference",
          "checkpoint_q1_test": "✓ q1_answer", "checkpoint_q2_test": "✓ q2_answer"}
POINTS = {"double_public": 1, "double_hidden": 2, "halve_public": 1, "halve_hidden": 2, "checkpoint_q1_test": 1,
          "checkpoint_q2_test": 1}
FACTOR = "the result of double is off by a constant factor: it is 0.5 times the expected value."

STUDENTS = {
    "ada": {"answers": {"double": "def double(x):\n    return 2 * x", "halve": "def halve(x):\n    return x / 2",
                        "checkpoint_q1": 'q1_answer = "b"', "checkpoint_q2": "q2_answer = 7",
                        "explain": "Doubling adds a number to itself."},
            "failed": {}},
    "ben": {"answers": {"double": "def double(x):\n    return x if x < 0 else x * 1  # <b>not bold</b>",
                        "halve": "def halve(x):\n    return x", "checkpoint_q1": 'q1_answer = "a"',
                        "checkpoint_q2": "q2_answer = 2.5", "explain": "No idea."},
            "failed": {"double_hidden": f"case 1 of 6 (x with shape (3,)): {FACTOR}",
                       "halve_public": "halve(4) does not match the expected value; got 4, expected 2.",
                       "halve_hidden": "case 2 of 6 (x with shape (4, 2)): the result of halve is off by a constant "
                                       "factor: it is 2 times the expected value.",
                       "checkpoint_q1_test": "q1_answer 'a' is not the right choice.",
                       "checkpoint_q2_test": "q2_answer does not match the expected value; got 2.5, expected 2.4."}},
    "cy": {"answers": {"double": "def double(x):\n    return x / 2 * 1.0", "halve": "def halve(x):\n    return hlave",
                       "checkpoint_q1": 'q1_answer = "d"', "checkpoint_q2": "q2_answer = 9",
                       "explain": "It is like halving, backwards."},
           "failed": {"double_public": "double(2) does not match the expected value; got 1, expected 4.",
                      "double_hidden": f"case 3 of 6 (x with shape (5,)): {FACTOR}",
                      "halve_public": "halve(4) raised NameError: name 'hlave' is not defined",
                      "halve_hidden": "case 1 of 6 (x with shape (2,)): halve raised NameError: name 'hlave' is "
                                      "not defined"},
           "error": ("halve", "NameError", "name 'hlave' is not defined"),
           "notes": ["the test cell 'halve_public' was deleted or changed into another kind of cell: "
                     "the original was restored",
                     "the notebook's process died while running cell 9 (it may have run out of memory)"],
           "missing": ["network: no separate network namespace (unshare was refused)"]},
}
EXPECTED = {"ada": {"double": 3, "halve": 3, "checkpoint_q1": 1, "checkpoint_q2": 1, "total": 8},
            "ben": {"double": 1, "halve": 0, "checkpoint_q1": 0, "checkpoint_q2": 0, "total": 1},
            "cy": {"double": 0, "halve": 0, "checkpoint_q1": 1, "checkpoint_q2": 1, "total": 2}}


def _graded_notebook(student: dict) -> nbformat.NotebookNode:
    """What the grader writes: the student's answers, hidden tests removed, verdicts as outputs."""
    cells = []
    for cell in nbformat.from_dict(json.loads(json.dumps(new_notebook(cells=SOURCE)))).cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if meta.get("solution"):
            cell.source = student["answers"][grade_id]
            if student.get("error", ("",))[0] == grade_id:
                _, name, value = student["error"]
                cell.outputs = [new_output("error", ename=name, evalue=value,
                                           traceback=['  File "<cell 7>", line 2, in halve', f"{name}: {value}"])]
        elif meta.get("grade"):
            cell.source = cell.source.split("### BEGIN HIDDEN TESTS")[0].rstrip()
            message = student["failed"].get(grade_id)
            cell.outputs = [new_output("error", ename="CheckFailure", evalue=message, traceback=[message])
                            if message else new_output("stream", name="stdout", text=PASSED[grade_id] + "\n")]
        cells.append(cell)
    return new_notebook(cells=cells)


def _ledger(student: dict) -> dict:
    verdicts = [{"grade_id": g, "max_score": float(p), "score": 0.0 if g in student["failed"] else float(p),
                 "message": student["failed"].get(g, PASSED[g])} for g, p in POINTS.items()]
    verdicts.append({"grade_id": "explain", "max_score": 2.0, "score": None, "message": "graded by hand"})
    return {NOTEBOOK: {"score": sum(v["score"] or 0 for v in verdicts), "max_score": 10.0,
                       "notes": student.get("notes", []), "verdicts": verdicts, "seed": 1,
                       "confinement": {"applied": ["network: none"], "missing": student.get("missing", [])},
                       "seconds": {"total": 1.0}, "graded_at": "2026-11-20T10:00:00+0000",
                       "submission_sha256": "0" * 64, "source_sha256": "1" * 64}}


@pytest.fixture
def course(tmp_path: Path) -> Path:
    source = tmp_path / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    nbformat.write(new_notebook(cells=SOURCE), source / NOTEBOOK)
    for name, student in STUDENTS.items():
        folder = tmp_path / "autograded" / name / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(_graded_notebook(student), folder / NOTEBOOK)
        (folder / ".autograder.json").write_text(json.dumps(_ledger(student), indent=1))
    return tmp_path


def _text(page: str) -> str:
    """What a reader sees: tags dropped, entities decoded, blanks collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.S)))
    return re.sub(r" ([:.])", r"\1", " ".join(text.split()))


def _pages(course: Path, students=None) -> dict[str, str]:
    return {p.stem: p.read_text() for p in write_feedback(course, ASSIGNMENT, students)}


# ----------------------------------------------------------------------------- feedback pages


def test_one_page_per_student_with_the_right_totals(course):
    pages = _pages(course)
    assert sorted(pages) == ["ada", "ben", "cy"]
    assert all((course / "reports" / ASSIGNMENT / "feedback" / f"{s}.html").exists() for s in pages)
    for student, page in pages.items():
        text = _text(page)
        assert f"{EXPECTED[student]['total']} / 8 points graded automatically" in text
        assert "+ 2 points to be graded by hand" in text
    assert "✗ 1 / 3" in _text(pages["ben"])    # double: public passed, hidden failed
    assert "✓ 3 / 3" in _text(pages["ada"])


def test_questions_follow_the_source_and_group_public_and_hidden_tests(course):
    text = _text(_pages(course)["ben"])
    titles = ["Exercise 1 — double", "Exercise 2 — halve", "Q1", "Q2", "Q3 (written)"]
    positions = [text.index(title) for title in titles]
    assert positions == sorted(positions)
    double = text[positions[0]:positions[1]]
    assert "Public tests: passed" in double and "Hidden tests (randomized): case 1 of 6" in double


def test_pages_explain_failures_and_show_the_students_own_code(course):
    pages = _pages(course)
    ben, cy = _text(pages["ben"]), _text(pages["cy"])
    assert FACTOR in ben
    assert "halve(4) does not match the expected value; got 4, expected 2." in ben  # public: the release shows it
    assert "q1_answer 'a' is not the right choice." in ben
    assert "return x if x < 0 else x * 1" in ben
    assert "x &lt; 0" in pages["ben"] and "&lt;b&gt;not bold&lt;/b&gt;" in pages["ben"]
    assert "<b>not bold" not in pages["ben"]                                         # escaped, not rendered
    assert "No idea." in ben                                                         # the written answer
    assert "Your cell raised an error" in cy and "NameError: name 'hlave' is not defined" in cy
    assert "was deleted or changed into another kind of cell: the original was restored" in cy
    assert "process died while running cell 9" in cy
    assert "unshare" not in cy                                                       # for instructors only


def test_pages_never_show_solutions_hidden_tests_or_hidden_expected_values(course):
    for student, page in _pages(course).items():
        for secret in SECRETS:
            assert secret not in page and secret not in _text(page), (student, secret)
        assert "grade(&#34;week98.secret_key&#34;" not in page
    ben = _text(_pages(course)["ben"])
    assert "got 2.5, expected" not in ben and "does not reveal the expected answer" in ben


def test_pages_are_self_contained(course):
    page = _pages(course)["ada"]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "<script" not in page


def test_a_student_filter_writes_only_those_pages(course):
    assert [p.name for p in write_feedback(course, ASSIGNMENT, ["ben"])] == ["ben.html"]
    assert not (course / "reports" / ASSIGNMENT / "feedback" / "ada.html").exists()
    with pytest.raises(NotGradedError, match="zed"):
        write_feedback(course, ASSIGNMENT, ["zed"])


def test_an_ungraded_assignment_is_refused_with_a_clear_error(course):
    for write in (write_feedback, write_report):
        with pytest.raises(NotGradedError, match=r"week97 has not been graded yet.*autograder grade week97"):
            write(course, "week97")


# ----------------------------------------------------------------------------- class report


def test_class_csv_has_a_column_per_question_and_the_right_numbers(course):
    report = write_report(course, ASSIGNMENT)
    with report.csv.open() as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["student", "double", "halve", "checkpoint_q1", "checkpoint_q2", "total", "max",
                             "to_grade_by_hand"]
    assert {r["student"]: {k: float(v) for k, v in r.items() if k in EXPECTED["ada"]} for r in rows} == EXPECTED
    assert {r["max"] for r in rows} == {"8"} and {r["to_grade_by_hand"] for r in rows} == {"2"}


def test_report_png_is_a_real_picture(course):
    data = write_report(course, ASSIGNMENT).png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000


def test_failure_messages_are_merged_across_cases_and_numbers(course):
    assert normalise_message(f"case 1 of 6 (x with shape (3,)): {FACTOR}") == \
        normalise_message(f"case 3 of 6 (x with shape (5,)): {FACTOR}")
    assert normalise_message("got 4, expected 2.") == normalise_message("got -1.5e-07, expected 12.")
    assert len(normalise_message("word " * 40)) <= 71
    report = write_report(course, ASSIGNMENT)
    top_message, count = report.stats.failures[0]
    assert top_message.startswith("double: ") and "off by a constant factor" in top_message and count == 2


def test_report_markdown_and_summary(course):
    report = write_report(course, ASSIGNMENT)
    text = report.markdown.read_text()
    assert "3 students graded" in text and "mean 3.67 / 8, median 2 / 8" in text
    assert "![Score per question and most common failures](report.png)" in text
    assert "| Exercise 1 — double (`double`) | 3 | 33% | 33% | 33% | 1.33 |" in text
    assert re.search(r"\| 2 \| double: .*off by a constant factor", text)
    assert "1 notebook(s) ran without: network: no separate network namespace" in text
    # answers of one line each: nothing long enough to be a copy, and the report says so
    assert "## Similar answers\n\nNo pair of students shares 60% of their code answers." in text
    assert "No pair of answers is that similar" in report.similarity.read_text()
    summary = summary_text(report)
    assert "3 students" in summary and "checkpoint_q1" in summary and "WARNING" in summary
    assert "similarity.html" in summary


def test_passed_checks_are_named_in_words_and_checkpoints_say_the_answer_was_checked(course):
    ada = _text(_pages(course)["ada"])
    assert "Public tests: passed. double(2)" in ada                       # the check's name=
    assert "double: 6 randomized checks against the library reference" in ada
    q1 = ada[ada.index("Q1"):ada.index("Q2")]
    assert "q1_answer should be a letter" in q1                           # the public format check, in words
    assert "q1_answer: the answer itself was checked by a hidden test, and it is right" in q1
    q2 = ada[ada.index("Q2"):ada.index("Q3")]
    assert "the answer itself was checked" in q2 and "2.4" not in q2
    assert "q1_answer in" not in ada and "expect_" not in ada             # no test code


def test_the_report_lists_similar_pairs_and_links_the_side_by_side_page(course, monkeypatch):
    from autograder import similarity
    pair = similarity.SimilarPair("ada", "ben", (0.9, 0.85), "<mark>shared</mark>", "<mark>shared</mark>")
    monkeypatch.setattr(similarity, "class_pairs", lambda root, assignment, students: [pair])
    report = write_report(course, ASSIGNMENT)
    text = report.markdown.read_text()
    assert "side by side in [similarity.html](similarity.html)" in text and "| ada and ben | 90%, 85% |" in text
    assert "<mark>shared</mark>" in report.similarity.read_text()
    assert "1 pair(s) of students with similar code answers:\n  ada and ben: 90%, 85%" in summary_text(report)


def test_a_computed_check_name_and_a_tagged_model_answer_reach_the_feedback(tmp_path):
    """Interview's quiz: a right answer's explanation is the grader's "✓ ..." line (its name= is computed per
    student); a written answer tagged for it shows its model answer after grading, an untagged one never."""
    explanation = "recall = TP / (TP + FN) = 40 / 50"
    tagged = _cell("markdown", "THE TAGGED MODEL ANSWER.", "design", grade=True, solution=True, points=2)
    tagged.metadata["tags"] = [MODEL_ANSWER_TAG]
    source = [
        _cell("markdown", "# Week 97"),
        _cell("markdown", "**Q1.** What is the recall?"),
        _cell("code", "### BEGIN SOLUTION\nanswers = {'Q1': 0.8}\n### END SOLUTION", "quiz_answers", solution=True),
        _cell("code", 'expect_true("Q1" in answers, "answers should hold Q1.", name="answers holds Q1")\n'
                      + _hidden('expect_close(answers["Q1"], variant_answer("k"), name=parameters("k")["why"])'),
              "quiz_q01", grade=True, points=1),
        _cell("markdown", "**Q2 (written).** Design it."),
        tagged,
        _cell("markdown", "**Q3 (written).** Explain it."),
        _cell("markdown", "AN UNTAGGED MODEL ANSWER.", "explain", grade=True, solution=True, points=2),
    ]
    (tmp_path / "source" / "week97").mkdir(parents=True)
    nbformat.write(new_notebook(cells=source), tmp_path / "source" / "week97" / "week97.ipynb")
    graded = nbformat.from_dict(json.loads(json.dumps(new_notebook(cells=source))))
    for cell in graded.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "markdown":
            cell.source = "My own design."
        elif meta.get("grade"):
            cell.source = cell.source.split("### BEGIN HIDDEN TESTS")[0].rstrip()
    folder = tmp_path / "autograded" / "ada" / "week97"
    folder.mkdir(parents=True)
    nbformat.write(graded, folder / "week97.ipynb")
    verdicts = [{"grade_id": "quiz_q01", "max_score": 1.0, "score": 1.0,
                 "message": f"✓ answers holds Q1\n✓ {explanation}"},
                {"grade_id": "design", "max_score": 2.0, "score": None, "message": "graded by hand"},
                {"grade_id": "explain", "max_score": 2.0, "score": None, "message": "graded by hand"}]
    (folder / ".autograder.json").write_text(json.dumps({"week97.ipynb": {
        "score": 1.0, "max_score": 5.0, "notes": [], "verdicts": verdicts, "seed": 1,
        "confinement": {"applied": [], "missing": []}, "seconds": {"total": 1.0},
        "graded_at": "2026-12-07T10:00:00+0000", "submission_sha256": "0" * 64, "source_sha256": "1" * 64}}))

    page = _text(write_feedback(tmp_path, "week97")[0].read_text())
    quiz = page[page.index("Q1"):page.index("Q2")]
    assert explanation in quiz and "answers holds Q1" in quiz
    assert 'parameters("k")' not in page and "the answer itself was checked" not in quiz
    design = page[page.index("Q2"):page.index("Q3")]
    assert "Model answer THE TAGGED MODEL ANSWER." in design and "My own design." in design
    assert "AN UNTAGGED MODEL ANSWER" not in page
