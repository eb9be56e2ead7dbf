"""The check API says, in a learner's words, what is wrong: each diagnosis is pinned here."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from course.checks import CheckFailure, diagnose, expect_choice, expect_close, expect_equal, expect_true

EXPECTED = np.arange(1.0, 7.0).reshape(2, 3)


@pytest.mark.parametrize("actual, phrase", [
    (None, "forget to `return`"),
    ("1.0", "is a str"),
    ([np.zeros(2), np.zeros(3)], "cannot be read as an array"),
    (EXPECTED.T.copy(), "transpose of the expected"),
    (EXPECTED.reshape(3, 2) + 1, "rows and columns are swapped"),
    (EXPECTED.reshape(6), "arranged differently"),
    (EXPECTED.reshape(1, 6) + 1, "the sizes agree"),
    (np.ones((3, 3)), "one row more"),
    (EXPECTED.sum(), "an axis is missing"),
    (np.ones((2, 3, 2)), "extra axis"),
    (EXPECTED.astype(int) - 1, "integer dtype"),
    (EXPECTED + 0j * 1 + 1j, "complex numbers"),
    (EXPECTED > 3, "True/False"),
    (np.where(EXPECTED > 4, np.nan, EXPECTED), "NaN (not a number) in 2 of 6 entries (first at index (1, 1))"),
    (np.where(EXPECTED > 5, np.inf, EXPECTED), "contains inf"),
    (-EXPECTED, "wrong sign"),
    (EXPECTED / 3, "constant factor: it is 0.333333 times"),
    (EXPECTED + 0.5, "off by a constant: every entry is 0.5 away"),
    (np.array([[1, 2, 3], [4, 5, 7.0]]), "wrong only on some rows (1 of 2: rows 1)"),
    (np.array([[3, 2, 1], [6, 4, 5.0]]), "does not match the expected value; largest difference at index"),
])
def test_diagnoses(actual, phrase):
    problem = diagnose(actual, EXPECTED)
    assert problem is not None and phrase in problem, problem


def test_not_normalised_and_partial_vector_errors():
    probabilities = np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    assert "not normalised" in diagnose(np.exp(probabilities), probabilities)
    assert "wrong in 1 of 4 entries" in diagnose([1.0, 2, 3, 5], [1.0, 2, 3, 4])
    assert "got 3, expected 4" in diagnose(3.0, 4.0)


def test_integers_that_match_are_fine_and_names_are_used():
    assert diagnose(np.array([1, 2]), np.array([1.0, 2.0])) is None
    with pytest.raises(CheckFailure, match="^softmax\\(z\\) has shape"):
        expect_close(np.zeros(2), np.zeros(3), name="softmax(z)")


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 5)),
              elements=st.floats(-1e6, 1e6, allow_nan=False)))
def test_equal_values_always_pass_and_perturbed_values_always_fail(values):
    assert diagnose(values.copy(), values) is None
    assert diagnose(values * (1 + 1e-12), values) is None
    wrong = values.copy()
    wrong.flat[0] += 1.0 + abs(wrong.flat[0])
    assert diagnose(wrong, values) is not None


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.integers(2, 8), elements=st.floats(0.5, 100)), st.floats(1.5, 10))
def test_scaled_arrays_are_reported_as_a_factor(values, factor):
    problem = diagnose(values * factor, values)
    assert problem is not None and "constant factor" in problem


def test_exact_and_choice_checks():
    expect_equal((100,), (100,))
    expect_equal([100], (100,))
    expect_equal(3, 3.0)
    with pytest.raises(CheckFailure, match="is None"):
        expect_equal(None, (100,))
    with pytest.raises(CheckFailure, match="not correct"):
        expect_equal((100, 1), (100,))
    expect_choice(" B ", "b")
    with pytest.raises(CheckFailure, match="must be one of the letters"):
        expect_choice("e", "b")
    with pytest.raises(CheckFailure, match="not the right choice"):
        expect_choice("a", "b")
    with pytest.raises(CheckFailure, match="sums to 2"):
        expect_true(False, "sums to 2")


def test_hidden_checks_can_conceal_the_reference_values():
    from course.checks import concealing_expected_values
    assert "expected 4" in diagnose(3.0, 4.0)
    with concealing_expected_values():
        message = diagnose(3.0, 4.0)
        assert "got 3" in message and "4" not in message
        assert "expected 6" not in diagnose([1.0, 2.0, 3.0], [1.0, 2.0, 6.0])
        assert diagnose(-2.4, 2.4) == "your result is not correct; got -2.4."


def test_expect_unchanged_names_the_modified_argument():
    from course.checks import expect_unchanged
    expect_unchanged(np.array([1.0, np.nan]), np.array([1.0, np.nan]), "f", "x")
    expect_unchanged(np.array(["a", "b"]), np.array(["a", "b"]), "f", "labels")
    with pytest.raises(CheckFailure, match="f changed its input x in place"):
        expect_unchanged(np.array([1, 2]), np.array([1, 3]), "f", "x")


def test_expect_unchanged_compares_the_value_after_the_call_with_the_original_as_data():
    """In a test cell the first argument is the variable after the call (read from the learner's process) and
    the second the literal it was built from; in the oracle, the input after the call and the case's array."""
    from course.checks import expect_unchanged
    logits = np.array([[1000.0, 1001.0], [-1000.0, -1000.0]])
    expect_unchanged(logits, [[1000.0, 1001.0], [-1000.0, -1000.0]], "softmax", "z", name="z is unchanged")
    folds = [(np.arange(2, 6), np.arange(2)), (np.arange(4), np.arange(4, 6))]
    expect_unchanged([(train.copy(), test.copy()) for train, test in folds], folds, "cv", "folds")
    for changed, why in [(logits[:1], "a row fewer"), (logits.astype(np.float32) + 1, "other numbers"),
                         (logits.ravel(), "another shape"), (None, "nothing"), (object(), "not data"),
                         ("[[1000.0, 1001.0], [-1000.0, -1000.0]]", "a string")]:
        with pytest.raises(CheckFailure, match="softmax changed its input z in place"):
            expect_unchanged(changed, [[1000.0, 1001.0], [-1000.0, -1000.0]], "softmax", "z")
    shuffled = [(np.arange(2, 6), np.arange(2)), (np.arange(4)[::-1], np.arange(4, 6))]
    for changed in (shuffled, folds[:1], folds + [folds[0]], [np.arange(2, 6), np.arange(2)]):
        with pytest.raises(CheckFailure, match="cv changed its input folds in place"):
            expect_unchanged(changed, folds, "cv", "folds")


def test_property_checks_take_a_name_in_words_that_leaves_the_message_alone():
    expect_true(True, "never shown", name="the loss never goes up")
    with pytest.raises(CheckFailure, match="^the loss went up.$"):
        expect_true(False, "the loss went up.", name="the loss never goes up")


def test_messages_can_ask_whether_expected_values_are_concealed():
    from course.checks import concealing_expected_values, expected_values_concealed
    assert not expected_values_concealed()
    with concealing_expected_values():
        assert expected_values_concealed()
    assert not expected_values_concealed()


def test_two_different_boolean_masks_are_compared_not_crashed_on():
    with pytest.raises(CheckFailure, match="wrong in 1 of 3 entries"):
        expect_equal(np.array([True, False, True]), np.array([True, True, True]), name="the core mask")
    expect_equal(np.array([True, False]), np.array([True, False]), name="the core mask")
