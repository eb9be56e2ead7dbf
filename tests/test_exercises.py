"""The oracle accepts the instructor's solutions and rejects plausible wrong ones, with the right words."""
from __future__ import annotations

import dataclasses
import functools
import inspect
import re
import warnings

import numpy as np
import pytest

from course import checks, exercises
from course.exercises import check, grade, passes, run_checks
from course.checks import CheckFailure, concealing_expected_values

from solutions import solution_namespace, wrong_modules
import wrong_week01

WEEKS = {week: module.WRONG for week, module in wrong_modules().items()}


@pytest.mark.parametrize("week", sorted(WEEKS))
def test_solutions_pass_every_exercise_on_many_seeds(week):
    solutions = solution_namespace(week)
    for key in exercises.keys(week):
        function = solutions[exercises.get(key).function]
        for seed in range(10):
            report = run_checks(key, function, seed=seed)
            assert report.ok, f"{key} seed {seed}: {report.failure}"


@pytest.mark.parametrize("week", sorted(WEEKS))
def test_every_exercise_has_a_wrong_variant_that_fails(week):
    covered = {key for key, _, _ in WEEKS[week]}
    assert covered == set(exercises.keys(week))


@pytest.mark.parametrize("key, wrong, phrase", [w for ws in WEEKS.values() for w in ws],
                         ids=lambda value: getattr(value, "__name__", None))
def test_wrong_variant_fails_with_a_useful_message(key, wrong, phrase):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        report = run_checks(key, wrong)
        assert not report.ok and phrase in report.failure, report.failure
        with pytest.raises(CheckFailure):
            grade(key, wrong)


def test_grading_is_deterministic_and_follows_the_graders_seed(monkeypatch):
    monkeypatch.delenv(exercises.GRADING_SEED_VARIABLE, raising=False)
    runs = [run_checks("week01.softmax", wrong_week01.naive_softmax) for _ in range(2)]
    assert (runs[0].seed, runs[0].passed, runs[0].failure) == (runs[1].seed, runs[1].passed, runs[1].failure)
    monkeypatch.setenv(exercises.GRADING_SEED_VARIABLE, "12345")
    assert run_checks("week01.softmax", wrong_week01.naive_softmax).seed != runs[0].seed


def test_not_implemented_and_crashes_are_explained(capsys):
    def unimplemented(z):
        raise NotImplementedError()

    def crashes(z):
        return z.nonexistent

    assert "not implemented yet" in run_checks("week01.softmax", unimplemented).failure
    assert "raised AttributeError" in run_checks("week01.softmax", crashes).failure
    assert passes("week01.softmax", unimplemented)[0] is False
    assert check("week01.softmax", crashes) is False
    assert "✗ softmax: case 1 of 6" in capsys.readouterr().out


def test_unknown_exercise_is_a_clear_error():
    with pytest.raises(KeyError, match="no exercise called 'week01.nope'"):
        exercises.get("week01.nope")


# ----------------------------------------------------------------------------- nothing hidden in hidden messages

def _numbers(value) -> list[float]:
    """Every finite number in a value (a number, an array, a tuple or dict of them; anything else has none)."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [number for item in value for number in _numbers(item)]
    try:
        array = np.asarray(value)
    except Exception:
        return []
    if array.dtype.kind not in "iuf":
        return []
    return [float(x) for x in array.ravel() if np.isfinite(x)]


def _mse_at(case, w):
    return float(np.mean((case["X"] @ np.asarray(w) - case["y"]) ** 2))


def _derived(key: str, case, expected) -> list[float]:
    """Numbers a comparison computes from the reference (not only the reference's own entries)."""
    if key == "week02.t_confidence_interval":
        return [(expected[1] - expected[0]) / 2]
    if key in ("week02.minibatch_sgd", "week02.linear_regression_gd"):
        return [_mse_at(case, expected)]
    if key == "week03.logistic_fit":
        w, b = expected
        z = case["X"] @ w + b
        return [float(0.5 * w @ w + case["C"] * np.sum(np.logaddexp(0.0, z) - case["y"] * z))]
    if key == "week03.best_split":
        from course.exercises.week03 import _children_impurity
        return [_children_impurity(case["X"], case["y"], *expected, case["criterion"])]
    return []


_FORMATS = (lambda v: f"{v:.8g}", lambda v: f"{v:.6g}", lambda v: f"{v:.4g}", lambda v: f"{v:.3g}",
            lambda v: f"{v:g}", lambda v: f"{v:.3f}", repr, checks._fmt)


def _telling(text: str) -> bool:
    """A formatted number specific enough (three significant digits or more) not to appear by chance."""
    mantissa = re.sub(r"e[-+]?\d+$", "", text.lstrip("-"))
    return len(mantissa.replace(".", "").strip("0")) >= 3


def _leaks(message: str, numbers: list[float], learners: list[float] = ()) -> list[str]:
    """The reference numbers ``message`` shows, in any usual format, where the learner's own numbers
    (``learners``, their returned values) do not already show that text."""
    shown = set(re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[-+]\d+)?", message))
    found = set()
    for fmt in _FORMATS:
        texts = {fmt(value) for value in numbers} & shown
        if texts:
            found |= {text for text in texts if _telling(text)} - {fmt(mine) for mine in learners}
    return sorted(found)


def _hidden_messages(key: str, function, seeds=(0, 1)) -> list[tuple[str, list[float], list[float]]]:
    """(message, the reference's numbers, the learner's numbers) for every case that ``function`` fails,
    judged as hidden tests are."""
    exercise = exercises.get(key)
    messages = []
    for seed in seeds:
        _, cases = exercises.make_cases(key, seed)
        for case in cases:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                outcome = exercises.run_case(exercise, function, case)
                expected = exercise.reference(case)
                cached = dataclasses.replace(exercise, reference=lambda _case, _expected=expected: _expected)
                with concealing_expected_values():
                    problem = exercises.judge_case(cached, case, outcome)
            if problem:
                messages.append((problem, _numbers(expected) + _derived(key, case, expected),
                                 _numbers(outcome.value)))
    return messages


def test_a_leak_is_found_where_there_is_one():
    assert _leaks("the half-width of it is 1.6992, expected 1.77476 = t quantile", [1.7747612]) == ["1.77476"]
    assert _leaks("got 0.5 with shape (3, 2) in 1 of 10 entries", [0.5, 3.0, 10.0, 1.0]) == []
    assert _leaks("got 11.774, 2.17747 and 1.774761", [1.77476]) == []
    assert _leaks("got 0.782609, which is the recall", [0.78260869], learners=[0.78260869]) == []
    assert _leaks("not correct; got -0.028909.", [0.0289090]) == []   # the learner's number, not the reference


@pytest.mark.parametrize("week", sorted(WEEKS))
def test_hidden_test_messages_never_show_the_reference_values(week):
    """Under concealment (hidden tests, the graded notebook, feedback) no failure names a reference number."""
    leaks = []
    for key, wrong, _ in WEEKS[week]:
        for message, numbers, learners in _hidden_messages(key, wrong):
            found = _leaks(message, numbers, learners)
            if found:
                leaks.append(f"{key} / {wrong.__name__}: {found} in {message!r}")
    assert not leaks, "\n".join(leaks)


# ----------------------------------------------------------------------------- inputs must come back unchanged

def _spoil(value) -> None:
    """Change a case's input in place, as a careless function would."""
    if isinstance(value, list):
        value.append(value[0] if value else 0)
    elif isinstance(value, tuple):
        _spoil(value[0])
    elif value.dtype.kind in "US":
        value.flat[0] = next((other for other in value.flat if other != value.flat[0]), value.flat[0] * 2)
    elif value.dtype.kind == "b":
        value.flat[0] = not value.flat[0]
    else:
        value.flat[0] += 1


def _overwriting(function, argument: str):
    """``function``, but it changes its argument ``argument`` in place after computing its result."""
    signature = inspect.signature(function)

    def overwrites(*args, **kwargs):
        result = function(*args, **kwargs)
        _spoil(signature.bind(*args, **kwargs).arguments[argument])
        return result
    return overwrites


@functools.lru_cache(maxsize=None)
def _solutions(week: str) -> dict:
    return solution_namespace(week)


def _every_input():
    for week in sorted(WEEKS):
        for key in exercises.keys(week):
            exercise = exercises.get(key)
            _, cases = exercises.make_cases(key, 0)
            for argument in exercise.inputs_of(cases[0]):
                yield pytest.param(week, key, argument, id=f"{key}-{argument}")


@pytest.mark.parametrize("week, key, argument", list(_every_input()))
def test_a_function_that_overwrites_any_of_its_inputs_fails(week, key, argument):
    """No `call` hides the caller's data behind a copy of its own: every input is judged after the call."""
    exercise = exercises.get(key)
    solution = _solutions(week)[exercise.function]
    report = run_checks(key, _overwriting(solution, argument), seed=0)
    assert not report.ok and f"{exercise.function} changed its input {argument} in place" in report.failure, \
        report.failure
    assert report.failure.startswith("case 1 of "), report.failure


def test_run_case_works_on_copies_and_reports_the_inputs_after_the_call():
    from wrong_week01 import descent_in_place
    exercise = exercises.get("week01.gradient_descent")
    _, cases = exercises.make_cases("week01.gradient_descent", 0)
    original = cases[0]["x0"].copy()
    outcome = exercises.run_case(exercise, descent_in_place, cases[0])
    assert np.array_equal(cases[0]["x0"], original), "the case itself must never change"
    assert set(outcome.after) == {"x0"} and not np.array_equal(outcome.after["x0"], original)
    assert "gradient_descent changed its input x0 in place" in exercises.judge_case(exercise, cases[0], outcome)
    missing = exercises.Outcome(value=outcome.value)          # a sandbox that did not send the inputs back
    assert "did not get x0 back" in exercises.judge_case(exercise, cases[0], missing)


def test_the_learners_check_says_which_input_changed(capsys):
    from wrong_week01 import naive_softmax

    def overwrites_z(z):
        z -= z.max(axis=-1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=-1, keepdims=True)
        return z
    assert check("week01.softmax", overwrites_z) is False
    out = capsys.readouterr().out
    assert ("✗ softmax: case 1 of 6 (z with shape (5,)): softmax changed its input z in place; work on a copy "
            "(e.g. z.copy() or z.astype(float)) and leave the caller's array alone.") in out, out
    assert "changed its input" not in run_checks("week01.softmax", naive_softmax).failure


@pytest.mark.parametrize("week", sorted(WEEKS))
def test_the_courses_own_checks_print_no_warning(week):
    """Stock nbgrader scores a cell 0 when its stderr holds a warning: check() on a correct answer must emit none."""
    import warnings
    solutions = solution_namespace(week)
    for key in exercises.keys(week):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # any warning, from the course or a library it calls, fails here
            report = run_checks(key, solutions[exercises.get(key).function], seed=3)
        assert report.ok, f"{key}: {report.failure}"


def test_a_scikit_learn_release_that_warns_about_the_boosting_criterion_still_prints_nothing(monkeypatch):
    """scikit-learn 1.9 is silent here, but releases our range allows warned (FutureWarning: "friedman_mse" maps
    to "squared_error") from inside the reference: such a warning must not reach the learner's cell."""
    import warnings

    from course.exercises import week04
    real_fit = week04.GradientBoostingRegressor.fit

    def warning_fit(self, *args, **kwargs):
        warnings.warn('Value "friedman_mse" for criterion maps to "squared_error"', FutureWarning)
        return real_fit(self, *args, **kwargs)
    monkeypatch.setattr(week04.GradientBoostingRegressor, "fit", warning_fit)
    solutions = solution_namespace("week04")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = run_checks("week04.gradient_boosting", solutions["gradient_boosting"], seed=3)
    assert report.ok, report.failure
