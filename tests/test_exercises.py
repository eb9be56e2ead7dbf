"""The oracle accepts the instructor's solutions and rejects plausible wrong ones, with the right words."""
from __future__ import annotations

import warnings

import pytest

from course import exercises
from course.exercises import check, grade, passes, run_checks
from course.checks import CheckFailure

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
