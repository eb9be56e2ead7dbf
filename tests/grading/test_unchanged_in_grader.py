""""Input unchanged" is decided in the grader, from the input's value after the call, never in the sandbox.

Week 01 through the real CLI path (``autograder.commands.grade``): an honest classmate at full marks, and a
softmax that overwrites its input while the submission patches every copy of ``expect_unchanged`` and
``np.array_equal`` in its own process. Such a softmax returns the right numbers, so it keeps every point but
those of the checks that its input is unchanged: the public test cell (1 point, its last check) and the
hidden tests (2 points): 16 of 19.

The pieces are tested on their own too: the sandbox's side (``Session.call_cases`` sends the inputs back as
values) and the grader's (``_decide_grade`` fails a case whose inputs came back changed, missing or unreadable).
"""
from __future__ import annotations

import io
import shutil

import nbformat
import numpy as np
import pytest

from autograder import values
from autograder.batch import read_ledger
from autograder.child import Session
from autograder.commands import grade
from autograder.grading import _decide_grade
from autograder.notebooks import filled_in
from autograder.plan import Grade
from autograder.sandbox import Limits
from course import exercises

from .course_fixture import REPO, code

WEEK = "week01"

OVERWRITING_SOFTMAX = code('''
    import sys
    import numpy as np
    import course.checks

    def _nothing_changed(*args, **kwargs):
        return None

    for _name, _module in list(sys.modules.items()):     # course.checks and every course.exercises.* copy
        if _name.startswith("course") and hasattr(_module, "expect_unchanged"):
            _module.expect_unchanged = _nothing_changed
    course.checks.expect_unchanged = _nothing_changed
    np.array_equal = lambda *args, **kwargs: True

    def softmax(z):
        z -= z.max(axis=-1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=-1, keepdims=True)
        return z
''')


def overwriting_softmax(z):
    z -= z.max(axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=-1, keepdims=True)
    return z


def honest_softmax(z):
    shifted = np.exp(z - z.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def test_the_sandbox_sends_the_inputs_back_as_they_are_after_the_call():
    _, cases = exercises.make_cases("week01.softmax", 3)
    session = Session(10_000)
    for function, changed in ((honest_softmax, False), (overwriting_softmax, True)):
        session.namespace["softmax"] = function
        reply = session.call_cases("week01.softmax", "softmax", [values.encode(c) for c in cases])
        assert reply["error"] is None and len(reply["outcomes"]) == len(cases)
        for case, outcome in zip(cases, reply["outcomes"]):
            after = values.decode(outcome["after"])
            assert set(after) == {"z"} and outcome["failure"] is None
            assert np.array_equal(after["z"], case["z"]) is not changed


def test_inputs_that_cannot_come_back_fail_the_case_in_the_sandbox(monkeypatch):
    monkeypatch.setattr(values, "MAX_ITEMS", 5_000)

    def grows_its_folds(X, y, folds, make_model):
        scores = np.zeros(len(folds))
        folds.extend([(np.arange(1), np.arange(1))] * 5_000)   # the list it was given, now too big to send
        return scores
    session = Session(10_000)
    session.namespace["scaled_cv_scores"] = grows_its_folds
    _, cases = exercises.make_cases("week04.scaled_cv_scores", 0)
    reply = session.call_cases("week04.scaled_cv_scores", "scaled_cv_scores", [values.encode(c) for c in cases[:1]])
    [outcome] = reply["outcomes"]
    assert outcome["after"] is None and "cannot be read back after the call" in outcome["failure"]


class _Replies:
    """Stands in for the sandbox: answers the grader's "call" with what ``answer(case)`` makes of each case."""

    def __init__(self, answer):
        self.answer = answer

    def request(self, message, doing):
        return {"outcomes": [self.answer(values.decode(case)) for case in message["cases"]],
                "stdout": "", "stderr": "", "dropped": 0}


def _reply(value, after) -> dict:
    return {"value": values.encode(value), "failure": None, "error": None, "not_implemented": False, "after": after}


@pytest.mark.parametrize("after, phrase", [
    (lambda case: values.encode({"z": case["z"]}), None),
    (lambda case: values.encode({"z": case["z"] + 1.0}), "softmax changed its input z in place"),
    (lambda case: None, "did not get z back after softmax ran"),
    (lambda case: values.encode({"x": case["z"]}), "did not get z back after softmax ran"),
    (lambda case: values.encode([case["z"]]), "inputs of softmax after the call could not be read"),
    (lambda case: {"t": "array", "dtype": "<f8", "shape": [10**9], "data": ""},
     "inputs of softmax after the call could not be read"),
    (lambda case: {"t": "dict", "items": [["z", {"t": "object", "pickle": "..."}]]},
     "inputs of softmax after the call could not be read"),
])
def test_the_grader_decides_from_the_inputs_it_got_back(after, phrase):
    """Right values, but the inputs come back changed, missing or unreadable: never taken as unchanged."""
    step = Grade("week01.softmax", "softmax", 1)
    sandbox = _Replies(lambda case: _reply(honest_softmax(case["z"]), after(case)))
    passed, message = _decide_grade(sandbox, step, 12345)
    if phrase is None:
        assert passed, message
    else:
        assert not passed and phrase in message and message.startswith("case 1 of 6"), message


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    shutil.copy2(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "source" / WEEK, root / "source" / WEEK)
    release = nbformat.read(REPO / "release" / WEEK / f"{WEEK}.ipynb", as_version=4)
    source = nbformat.read(REPO / "source" / WEEK / f"{WEEK}.ipynb", as_version=4)
    for student, notebook in {"honest": filled_in(release, source),
                              "overwrites-z": filled_in(release, source, {"softmax": OVERWRITING_SOFTMAX})}.items():
        folder = root / "submitted" / student / WEEK
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{WEEK}.ipynb")
    grade(root, WEEK, students=None, workers=2, scheduler=None, limits=Limits(cell_timeout=120), out=io.StringIO())

    def entry(student):
        return read_ledger(root, student, WEEK)[f"{WEEK}.ipynb"]
    return entry


def auto(entry) -> tuple[dict, float, float]:
    """The automatically graded verdicts by grade_id, their score and their maximum (written answers left out)."""
    verdicts = {v["grade_id"]: v for v in entry["verdicts"] if v["score"] is not None}
    return (verdicts, sum(v["score"] for v in verdicts.values()), sum(v["max_score"] for v in verdicts.values()))


def auto_points() -> float:
    """The week's automatically graded points: its code test cells' points (written answers are graded by hand)."""
    cells = nbformat.read(REPO / "source" / WEEK / f"{WEEK}.ipynb", as_version=4).cells
    return sum(c.metadata["nbgrader"].get("points", 0) for c in cells
               if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade"))


@pytest.mark.slow
def test_the_honest_classmate_scores_full_marks(graded):
    entry = graded("honest")
    verdicts, score, max_score = auto(entry)
    assert score == max_score == auto_points(), (entry["notes"], [v for v in verdicts.values()
                                                                  if v["score"] != v["max_score"]])


@pytest.mark.slow
def test_an_input_overwritten_under_patched_checks_loses_exactly_the_unchanged_checks(graded):
    entry = graded("overwrites-z")
    verdicts, score, max_score = auto(entry)
    lost = {grade_id for grade_id, v in verdicts.items() if v["score"] != v["max_score"]}
    assert (score, max_score) == (auto_points() - 3, auto_points()), (score, lost, entry["notes"])
    assert lost == {"softmax_public", "softmax_hidden"}                   # 1 + 2 points
    for grade_id in lost:
        assert "softmax changed its input z in place" in verdicts[grade_id]["message"], verdicts[grade_id]
