"""Hostile and broken submissions: each gets exactly the score its honest work earns, with a reason.

One batch grades them all together (as a real class would be graded), through the real CLI path:
nbgrader's gradebook, a local Dask cluster, pre-warmed sandboxes.
"""
from __future__ import annotations

import csv

import pytest
from nbgrader.api import Gradebook

from autograder.batch import read_ledger

from .course_fixture import AUTO_POINTS, code

pytestmark = pytest.mark.slow

WRONG_SOFTMAX = "def softmax(z):\n    return z"
CORRECT_SOFTMAX = code('''
    def softmax(z):
        shifted = np.exp(z - z.max(axis=-1, keepdims=True))
        return shifted / shifted.sum(axis=-1, keepdims=True)
''')


def only_if(condition: str) -> str:
    """A softmax that is right only when ``condition`` (an attack) succeeded."""
    return code(f'''
        def softmax(z):
            try:
                {condition}
            except Exception:
                return z
            shifted = np.exp(z - z.max(axis=-1, keepdims=True))
            return shifted / shifted.sum(axis=-1, keepdims=True)
    ''')


def cases(root, port):
    """student -> (answers to replace, other changes, expected auto score, phrase expected in notes/messages)."""
    source_path = root / "source" / "week98" / "week98.ipynb"
    return {
        "honest": ({}, {}, AUTO_POINTS, None),
        "wrong-softmax": ({"softmax": WRONG_SOFTMAX}, {}, 4, "not normalised"),
        "naive-softmax": ({"softmax": "def softmax(z):\n    e = np.exp(z)\n    return e / e.sum(axis=-1, keepdims=True)"},
                          {}, 5, "NaN"),
        "patches-numpy-and-checks": ({"softmax": code('''
            import builtins, course.checks, course.exercises
            np.allclose = lambda *a, **k: True
            np.testing.assert_allclose = lambda *a, **k: None
            course.checks.diagnose = lambda *a, **k: None
            course.checks.expect_close = lambda *a, **k: None
            course.exercises.grade = lambda *a, **k: None
            course.exercises.judge_case = lambda *a, **k: None
            builtins.AssertionError = type("Never", (Exception,), {})
            def softmax(z):
                return z
        ''')}, {}, 4, "not normalised"),
        "rigged-array": ({"softmax": code('''
            class Always(np.ndarray):
                def __eq__(self, other): return np.ones(self.shape, bool)
                def __array_finalize__(self, obj): pass
            def softmax(z):
                return np.zeros(np.shape(z)).view(Always)
        ''')}, {}, 4, "softmax"),
        "rigged-answer": ({"q1": code('''
            class Yes(str):
                def __eq__(self, other): return True
                def __hash__(self): return 0
                def lower(self): return self
                def strip(self): return self
            q1_answer = Yes("a")
        ''')}, {}, 6, "not the right choice"),
        "reads-callers-frame": ({"softmax": code('''
            import inspect
            def softmax(z):
                frame = inspect.currentframe().f_back
                while frame is not None:
                    for name in ("expected", "reference", "ref"):
                        if name in frame.f_locals:
                            return frame.f_locals[name]
                    frame = frame.f_back
                return z
        ''')}, {}, 4, "softmax"),
        "reads-solutions": ({"softmax": only_if(f"open({str(source_path)!r}).read()")}, {}, 4, None),
        "reads-gradebook": ({"softmax": only_if(f"open({str(root / 'gradebook.db')!r}, 'rb').read(1)")}, {}, 4, None),
        "lists-other-submissions": ({"softmax": only_if(f"assert __import__('os').listdir({str(root / 'submitted')!r})")},
                                    {}, 4, None),
        "uses-network": ({"softmax": only_if(f"__import__('socket').create_connection(('127.0.0.1', {port}), 2)")},
                         {}, 4, None),
        "loops-forever": ({"logsumexp": "while True:\n    pass"}, {}, 4, "took longer than"),
        "sleeps": ({"logsumexp": "import time\ntime.sleep(3600)"}, {}, 4, "took longer than"),
        "kills-its-process": ({"logsumexp": "import os\nos._exit(9)"}, {}, 4, "died"),
        "exits": ({"logsumexp": "raise SystemExit(0)"}, {}, 4, "logsumexp"),
        # blocks of 4 GB, each beyond the 1024 MB limit, so the first is refused before a page is touched: blocks
        # that fit (100 MB, 1 GB) were zeroed first, which took over the 5 s cell limit on a loaded machine
        "exhausts-memory": ({"logsumexp": "hog = [bytearray(4 * 10**9) for _ in range(1000)]"}, {}, 4, "MemoryError"),
        "forks-many": ({"logsumexp": code('''
            import os
            while True:
                os.fork()
        ''')}, {}, 4, "logsumexp"),
        "prints-100MB": ({"softmax": "print('x' * 100_000_000)\n" + CORRECT_SOFTMAX}, {}, AUTO_POINTS, None),
        "deletes-tests": ({}, {"drop": ("softmax_hidden", "logsumexp_public")}, AUTO_POINTS, "was deleted"),
        "edits-tests": ({"softmax": WRONG_SOFTMAX}, {"edit": {"softmax_public": "pass",
                                                             "softmax_hidden": "print('all good')"}}, 4, None),
        "writes-huge-file": ({"softmax": "open('big', 'wb').write(b'x' * 200_000_000)\n" + CORRECT_SOFTMAX},
                             {}, 4, None),
    }


@pytest.fixture(scope="module")
def graded(hostile_class):
    """The class of conftest.py (this round's cases and the second round's, graded as one batch)."""
    return hostile_class.root, hostile_class.first_round, hostile_class.rows, hostile_class.summary


def _messages(root, student):
    entry = read_ledger(root, student, "week98")["week98.ipynb"]
    return " ".join(entry["notes"] + [v["message"] for v in entry["verdicts"]])


STUDENTS = [
    "honest", "wrong-softmax", "naive-softmax", "patches-numpy-and-checks", "rigged-array", "rigged-answer",
    "reads-callers-frame", "reads-solutions", "reads-gradebook", "lists-other-submissions", "uses-network",
    "loops-forever", "sleeps", "kills-its-process", "exits", "exhausts-memory", "forks-many", "prints-100MB",
    "deletes-tests", "edits-tests", "writes-huge-file"]


def test_every_case_is_checked(graded):
    assert sorted(graded[1]) == sorted(STUDENTS)


@pytest.mark.parametrize("student", STUDENTS)
def test_each_submission_gets_exactly_its_score(graded, student):
    root, expected, rows, _ = graded
    _, _, score, phrase = expected[student]
    assert rows[student]["auto_score"] == score, _messages(root, student)
    if phrase:
        assert phrase in _messages(root, student)


def test_a_notebook_that_is_not_json_scores_zero_with_a_reason(graded):
    root, _, rows, _ = graded
    assert rows["not-json"]["auto_score"] == 0
    assert "not a readable notebook" in _messages(root, "not-json")


def test_scores_land_in_nbgrader_gradebook(graded):
    root, expected, rows, _ = graded
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for student, (_, _, score, _) in expected.items():
            notebook = gradebook.find_submission_notebook("week98", "week98", student)
            assert sum(g.auto_score or 0 for g in notebook.grades) == score
            written = [g for g in notebook.grades if g.name == "explain"]
            assert written[0].auto_score is None and written[0].needs_manual_grade


def test_output_is_capped_and_hidden_tests_stay_out_of_graded_notebooks(graded):
    root, _, _, summary = graded
    text = (root / "autograded" / "prints-100MB" / "week98" / "week98.ipynb").read_text()
    assert "more characters of output were not kept" in text and len(text) < 500_000
    for student in ("honest", "wrong-softmax"):
        graded_text = (root / "autograded" / student / "week98" / "week98.ipynb").read_text()
        assert 'grade(\\"week01.softmax\\"' not in graded_text and "BEGIN HIDDEN TESTS" not in graded_text
        assert "model answer that students must never see" not in graded_text
    assert "honest" in summary and "mean auto score" in summary
    with (root / "reports" / "week98" / "grades.csv").open(newline="") as handle:
        assert len(list(csv.DictReader(handle))) == len(_students(root))


def test_isolation_is_reported(graded):
    root, _, _, _ = graded
    entry = read_ledger(root, "honest", "week98")["week98.ipynb"]
    applied = " ".join(entry["confinement"]["applied"])
    for mechanism in ("network", "ipc", "filesystem: allow-list root", "user: unprivileged uid", "processes"):
        assert mechanism in applied


def _students(root):
    return [p.name for p in (root / "submitted").iterdir()]


def test_grading_only_what_the_verdicts_need_gives_the_same_scores(graded, hostile_class_sliced):
    """issue 9 §1: the hostile class graded with --slice scores exactly as the full run, cell by cell."""
    root = graded[0]
    for student, sliced in hostile_class_sliced.items():
        full = read_ledger(root, student, "week98").get("week98.ipynb")
        if full is None:
            assert sliced is None, student
            continue
        assert {v["grade_id"]: v["score"] for v in sliced["verdicts"]} == \
            {v["grade_id"]: v["score"] for v in full["verdicts"]}, student
