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
                     Grade("week01.softmax", "softmax", 5, hidden=True)]


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


def test_steps_between_the_hidden_markers_are_hidden():
    steps = plan_test_cell(
        'expect_true(q1_answer in "abcd", "q1_answer should be a letter.")\n'
        '### BEGIN HIDDEN TESTS\n'
        'expect_choice(q1_answer, "c", name="q1_answer")\n'
        'for t in range(2):\n'
        '    expect_close(f(t), t)\n'
        '### END HIDDEN TESTS\n'
        'expect_equal(g(1), 1, name="g(1)")')
    checks = [s for s in steps if isinstance(s, Check)]
    assert [c.hidden for c in checks] == [False, True, True, True, False]
    assert not plan_test_cell('grade("week01.softmax", softmax)')[0].hidden


@pytest.mark.parametrize("line, label", [
    ('expect_close(softmax(z), [0.27, 0.73], name="softmax of two logits")', "softmax of two logits"),
    ("expect_close(softmax(z), [0.27, 0.73])", "softmax(z) matches the expected value"),
    ("expect_equal(q3_answer, (100,))", "q3_answer equals the expected value"),
    ('expect_choice(q1_answer, "c")', "q1_answer is the right choice"),
    ('expect_unchanged(before, z, "softmax", "z")', "softmax leaves its input z unchanged"),
    # expect_true's message says what went wrong: a requirement is kept, a complaint turned round
    ('expect_true(isinstance(q, str), f"q should be a letter; got {q!r}.")', "q should be a letter"),
    ('expect_true(np.array_equal(W, W0), "numerical_gradient changed its input x: work on a copy.")',
     "numerical_gradient leaves its input x unchanged"),
    ('expect_true(0.355 < rate < 0.38, f"on average {rate:.3f} are out of bag.")', "property holds: 0.355 < rate < 0.38"),
    ('expect_true(ok, f"x should be {want}.")', "property holds: ok"),   # the requirement is cut off
])
def test_every_check_is_labelled_in_words(line, label):
    [check] = [s for s in plan_test_cell(line) if isinstance(s, Check)]
    assert check.label == label


def test_names_of_unrolled_checks_are_read_for_each_item():
    steps = plan_test_cell('for t in range(3):\n    expect_equal(np.flatnonzero(oob[t]), want[t], '
                           'name=f"the out-of-bag indices of tree {t}")')
    assert [s.label for s in steps if isinstance(s, Check)] == [f"the out-of-bag indices of tree {t}" for t in range(3)]
    [check] = [s for s in plan_test_cell('expect_equal(f(x), 1, name=f"f at {x}")') if isinstance(s, Check)]
    assert check.label == "f(x) equals the expected value"   # x is not a loop literal: not evaluated


def test_hidden_labels_made_from_code_quote_no_hidden_inputs_or_values():
    source = ('### BEGIN HIDDEN TESTS\n'
              'expect_close(ridge(np.array([[0.3, 7.1]]), 5.25), [1.77476])\n'
              'expect_true(abs(q2_answer - 1.77476) < 1e-6, f"q2_answer is off by {q2_answer - 1.77476}")\n'
              'expect_close(q2_answer, 1.77476)\n'
              'expect_true(ok, "q2_answer should be 1.77476.")\n'
              '### END HIDDEN TESTS')
    labels = [s.label for s in plan_test_cell(source) if isinstance(s, Check)]
    assert labels == ["your result matches the expected value", "a hidden property check",
                      "q2_answer matches the expected value", "a hidden property check"]
    assert not any(secret in label for label in labels for secret in ("0.3", "7.1", "5.25", "1.77476"))


def test_the_course_bootstrap_checks_are_named_in_words():
    from pathlib import Path
    from autograder.notebooks import nbgrader_meta, read_text_notebook
    source = Path(__file__).resolve().parents[2] / "source" / "week04" / "week04.py"
    [cell] = [c for c in read_text_notebook(source).cells if nbgrader_meta(c).get("grade_id") == "bootstrap_oob_public"]
    labels = [s.label for s in plan_test_cell(cell.source) if isinstance(s, Check)]
    assert "the out-of-bag indices of tree 3" in labels and not any("flatnonzero" in label for label in labels)
