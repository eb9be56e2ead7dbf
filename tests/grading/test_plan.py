"""Test cells become steps the trusted grader can decide; what it cannot decide safely is refused."""
from __future__ import annotations

import pytest

from autograder.plan import Check, Grade, PlanError, Setup, plan_test_cell


def test_checks_split_into_sandbox_and_grader_sides():
    steps = plan_test_cell(
        'z = np.array([1.0, 2.0])\n'
        'expect_close(softmax(z), [0.27, 0.73], name="softmax", rtol=1e-2)\n'
        'print("ok")\n'
        '### BEGIN HIDDEN TESTS\n'
        'grade("week01.softmax", softmax)\n'
        '### END HIDDEN TESTS')
    assert steps == [Setup("z = np.array([1.0, 2.0])"),
                     Check("expect_close", "softmax(z)", ((None, "[0.27, 0.73]"), ("name", "'softmax'"),
                                                          ("rtol", "0.01")), 2, "softmax"),
                     Grade("week01.softmax", "softmax", 5)]


def test_literal_loops_are_unrolled_and_other_loops_refused():
    steps = plan_test_cell("for key, value in {'a': 1.0, 'b': 2.0}.items():\n    expect_close(d[key], value)")
    assert [type(s).__name__ for s in steps] == ["Setup", "Check", "Setup", "Check"]
    assert steps[0] == Setup("(key, value) = ('a', 1.0)")
    assert len(plan_test_cell("for t in range(3):\n    expect_equal(f(t), t)")) == 6
    with pytest.raises(PlanError, match="literal data"):
        plan_test_cell("for t in learner_list:\n    expect_equal(f(t), t)")


@pytest.mark.parametrize("source, phrase", [
    ("assert f(1) == 2", "bare assert"),
    ("expect_equal()", "needs the learner's value"),
    ("grade(key, f)", 'write grade("weekNN.name", name)'),
    ("if True:\n    expect_close(f(1), 2)", "must be top-level statements"),
    ("expect_close(f(1), 2", "syntax error"),
])
def test_undecidable_cells_are_refused(source, phrase):
    with pytest.raises(PlanError, match=phrase.replace("(", r"\(").replace(")", r"\)")):
        plan_test_cell(source)


def test_expected_side_may_use_setup_names_and_numpy():
    [setup, check] = plan_test_cell("want = np.eye(2)\nexpect_close(f(2), want * 2)")
    assert isinstance(setup, Setup) and check.arguments == ((None, "want * 2"),)
