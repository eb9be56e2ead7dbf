"""The course's oracle: one specification per graded function, used by learners and graders alike.

An :class:`Exercise` says how to make randomized inputs (plain data only: numbers and
arrays), how to call a learner's function on one input, which library reference gives
the expected value, and how to compare the two.  The split matters for trusted
grading: ``make_cases``, ``reference`` and ``compare`` run in the grader's own
process, while only ``call`` has to run next to the learner's code.

Inputs must come back unchanged. :func:`run_case` hands ``call`` a case whose arrays are
working copies, and reports the inputs as they are after the call (:attr:`Outcome.after`);
:func:`judge_case` compares them with the case it made, on the trusted side. So ``call``
passes ``case[...]`` to the learner's function as it is: a ``.copy()`` there would hide a
function that overwrites its input.

Entry points:
- :func:`check` is for learners: fresh random inputs every time, a friendly printout.
- :func:`grade` is what hidden test cells call: seeded inputs, raises on failure.
- :func:`passes` is for explorers that want to run the learner's own implementation.
- :func:`score_held_out` and :func:`validation_report` are for held-out challenges (model quality):
  see :mod:`course.exercises.held_out`.
"""
from __future__ import annotations

import hashlib
import importlib
import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from course.checks import CheckFailure, concealing_expected_values, expect_close, expect_unchanged
from course.exercises.held_out import Challenge

__all__ = ["Exercise", "Challenge", "CheckReport", "Outcome", "run_case", "judge_case", "outcome_problem", "judge",
           "make_cases", "register", "get", "keys", "run_checks", "check", "grade", "passes",
           "register_challenge", "get_challenge", "challenge_keys", "held_out_test", "judge_held_out",
           "score_held_out", "validation_report", "GRADING_SEED_VARIABLE"]

#: The trusted grader chooses a seed per submission and passes it through this variable.
GRADING_SEED_VARIABLE = "COURSE_GRADING_SEED"

Case = dict  # plain data: str -> float | int | np.ndarray


def compare_close(rtol: float = 1e-7, atol: float = 1e-10) -> Callable[[Any, Any, Case, str], None]:
    """The default comparison: elementwise closeness with a diagnosis."""
    def compare(actual: Any, expected: Any, case: Case, name: str) -> None:
        expect_close(actual, expected, name=name, rtol=rtol, atol=atol)
    return compare


@dataclass(frozen=True)
class Exercise:
    key: str                                        # "week01.softmax"
    function: str                                   # the name the learner defines
    make_cases: Callable[[np.random.Generator], list[Case]]
    call: Callable[[Callable, Case], Any]           # runs the learner's function on one case (no copies)
    reference: Callable[[Case], Any]                # the library's answer for one case
    describe: Callable[[Case], str]                 # a few words on a case, for messages
    compare: Callable[[Any, Any, Case, str], None] = field(default_factory=compare_close)
    #: The case's entries the learner's function receives (named as its arguments) and must leave unchanged;
    #: ``None``: every entry that holds arrays (an array, or a list or tuple of them). Name them when ``call``
    #: builds something from other entries (a function of ``Q`` and ``b``, say) that the learner never sees.
    inputs: tuple[str, ...] | None = None

    def inputs_of(self, case: Case) -> list[str]:
        """The names of ``case``'s entries that must be unchanged after the call."""
        if self.inputs is not None:
            return [name for name in self.inputs if name in case]
        return [name for name, value in case.items() if _holds_arrays(value)]


def _holds_arrays(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return True
    return isinstance(value, (list, tuple)) and any(_holds_arrays(item) for item in value)


def _working_copy(value: Any) -> Any:
    """A copy of a case's entry that the learner's function may do anything to (arrays, also in lists/tuples)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list):
        return [_working_copy(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_working_copy(item) for item in value)
    if isinstance(value, dict):
        return {key: _working_copy(item) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class CheckReport:
    key: str
    passed: int
    total: int
    seed: int
    seconds: float
    failure: str | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


_REGISTRY: dict[str, Exercise] = {}
#: Held-out challenges, apart from the exercises: they have no reference and no randomized cases to replay.
_CHALLENGES: dict[str, Challenge] = {}


def register(exercise: Exercise) -> Exercise:
    if exercise.key in _REGISTRY or exercise.key in _CHALLENGES:
        raise ValueError(f"exercise {exercise.key!r} is registered twice")
    _REGISTRY[exercise.key] = exercise
    return exercise


def register_challenge(challenge: Challenge) -> Challenge:
    if challenge.key in _REGISTRY or challenge.key in _CHALLENGES:
        raise ValueError(f"challenge {challenge.key!r} is registered twice")
    _CHALLENGES[challenge.key] = challenge
    return challenge


def _import_week(key: str) -> None:
    if key not in _REGISTRY and key not in _CHALLENGES:
        try:
            importlib.import_module(f"course.exercises.{key.split('.', 1)[0]}")
        except ModuleNotFoundError:
            pass


def get(key: str) -> Exercise | Challenge:
    """Look an exercise (or a held-out challenge) up by key, importing its week's module on first use.
    Both have the ``call`` and ``inputs_of`` that :func:`run_case` uses, so the sandbox runs either alike."""
    _import_week(key)
    try:
        return _REGISTRY[key] if key in _REGISTRY else _CHALLENGES[key]
    except KeyError:
        raise KeyError(f"no exercise called {key!r}; known: {', '.join(keys()) or 'none'}") from None


def get_challenge(key: str) -> Challenge:
    _import_week(key)
    try:
        return _CHALLENGES[key]
    except KeyError:
        raise KeyError(f"no held-out challenge called {key!r}; known: "
                       f"{', '.join(sorted(_CHALLENGES)) or 'none'}") from None


def challenge_keys(week: str | None = None) -> list[str]:
    if week:
        importlib.import_module(f"course.exercises.{week}")
    return sorted(k for k in _CHALLENGES if week is None or k.startswith(week + "."))


def keys(week: str | None = None) -> list[str]:
    if week:
        importlib.import_module(f"course.exercises.{week}")  # importing a week registers its exercises
    return sorted(k for k in _REGISTRY if week is None or k.startswith(week + "."))


def _default_seed(key: str) -> int:
    """A fixed seed per exercise, so that grading the same code twice gives the same score."""
    env = os.environ.get(GRADING_SEED_VARIABLE)
    base = env if env is not None else "course"
    return int.from_bytes(hashlib.sha256(f"{base}:{key}".encode()).digest()[:4], "little")


@dataclass(frozen=True)
class Outcome:
    """What happened when the learner's function ran on one case: a value, or why there is none."""
    value: Any = None
    failure: str | None = None          # a CheckFailure raised by `call` (a result it cannot use, say)
    error: str | None = None            # "ValueError: ..." when the learner's code raised
    not_implemented: bool = False
    #: The inputs (``Exercise.inputs_of``) as they were after the call, by name: judged on the trusted side.
    after: dict = field(default_factory=dict)


def run_case(exercise: Exercise, function: Callable, case: Case) -> Outcome:
    """The learner's side of one case: call their function on working copies of the case's data and keep
    whatever happened, with the inputs as they are after the call (``case`` itself is never touched)."""
    working = {name: _working_copy(value) for name, value in case.items()}
    try:
        value = exercise.call(function, working)
        return Outcome(value=value, after={name: working[name] for name in exercise.inputs_of(case)})
    except NotImplementedError:
        return Outcome(not_implemented=True)
    except CheckFailure as failure:
        return Outcome(failure=str(failure))
    except Exception as error:  # the learner's code crashed: reported like a failed check
        return Outcome(error=f"{type(error).__name__}: {error}")


def judge_case(exercise: Exercise, case: Case, outcome: Outcome) -> str | None:
    """The trusted side of one case: ``None`` when right, else what is wrong (no case label)."""
    problem = outcome_problem(exercise, case, outcome)
    if problem:
        return problem
    try:
        exercise.compare(outcome.value, exercise.reference(case), case, f"the result of {exercise.function}")
    except CheckFailure as failure:
        return str(failure)
    return None


def outcome_problem(exercise: Exercise | Challenge, case: Case, outcome: Outcome) -> str | None:
    """What is wrong with an outcome before its value is judged: not implemented, raised, or changed an input."""
    if outcome.not_implemented:
        return f"{exercise.function} is not implemented yet (it still raises NotImplementedError)."
    if outcome.failure is not None:
        return outcome.failure
    if outcome.error is not None:
        return f"{exercise.function} raised {outcome.error}"
    for argument in exercise.inputs_of(case):
        if argument not in outcome.after:
            return (f"the grader did not get {argument} back after {exercise.function} ran, so it cannot tell "
                    "whether the function left it unchanged.")
        try:
            expect_unchanged(outcome.after[argument], case[argument], exercise.function, argument)
        except CheckFailure as failure:
            return str(failure)
    return None


def make_cases(key: str, seed: int | None = None) -> tuple[int, list[Case]]:
    """The seed actually used and the exercise's randomized cases for it."""
    seed = _default_seed(key) if seed is None else int(seed)
    return seed, get(key).make_cases(np.random.default_rng(seed))


def judge(key: str, seed: int, cases: list[Case], outcomes: list[Outcome], seconds: float = 0.0) -> CheckReport:
    """Compare outcomes with the reference, case by case, and report the first failure."""
    exercise = get(key)
    for number, (case, outcome) in enumerate(zip(cases, outcomes), 1):
        problem = judge_case(exercise, case, outcome)
        if problem:
            where = "" if outcome.not_implemented else f"case {number} of {len(cases)} ({exercise.describe(case)}): "
            return CheckReport(key, number - 1, len(cases), seed, seconds, where + problem)
    if len(outcomes) < len(cases):
        return CheckReport(key, len(outcomes), len(cases), seed, seconds,
                           f"only {len(outcomes)} of {len(cases)} cases produced a result.")
    return CheckReport(key, len(cases), len(cases), seed, seconds)


def run_checks(key: str, function: Callable, seed: int | None = None) -> CheckReport:
    """Run every case of ``key`` on ``function`` in this process; stop at the first failure."""
    exercise = get(key)
    seed, cases = make_cases(key, seed)
    start = time.perf_counter()
    outcomes = [run_case(exercise, function, case) for case in cases]
    return judge(key, seed, cases, outcomes, time.perf_counter() - start)


def grade(key: str, function: Callable, seed: int | None = None) -> None:
    """What a hidden test cell calls: seeded random cases; raises :class:`CheckFailure` on failure."""
    with concealing_expected_values():
        report = run_checks(key, function, seed)
    if not report.ok:
        raise CheckFailure(report.failure)
    print(f"✓ {key}: {report.total} randomized checks against the library reference passed")


def check(key: str, function: Callable) -> bool:
    """For learners: check ``function`` on fresh random inputs and print what is right or wrong."""
    seed = int(np.random.SeedSequence().generate_state(1)[0])
    report = run_checks(key, function, seed)
    if report.ok:
        print(f"✓ {get(key).function}: all {report.total} random checks passed "
              f"({report.seconds * 1000:.0f} ms).")
    else:
        print(f"✗ {get(key).function}: {report.failure}\n  (seed {seed}; passed {report.passed} "
              f"of {report.total} checks before this one)")
    return report.ok


def passes(key: str, function: Callable) -> tuple[bool, str]:
    """``(True, "")`` when ``function`` passes the exercise's checks, else ``(False, reason)``."""
    report = run_checks(key, function)
    return report.ok, report.failure or ""


# ----------------------------------------------------------------------------- held-out challenges


def held_out_test(key: str, seed: int | None = None) -> tuple[Case, np.ndarray]:
    """The inputs (for the sandbox) and labels (kept by the grader) of a challenge for one seed."""
    seed = _default_seed(key) if seed is None else int(seed)
    return get_challenge(key).make_test(np.random.default_rng(seed))


def judge_held_out(key: str, case: Case, labels: np.ndarray, outcome: Outcome) -> tuple[float, str, float | None]:
    """The trusted side: (points, message, metric value or None when the predictions are unusable)."""
    challenge = get_challenge(key)
    problem = outcome_problem(challenge, case, outcome)
    if problem:
        return 0.0, problem, None
    try:
        value = challenge.score(outcome.value, labels)
    except CheckFailure as failure:
        return 0.0, str(failure), None
    return challenge.points(value), challenge.verdict(value, len(labels), case), value


def score_held_out(key: str, function: Callable, seed: int | None = None) -> float:
    """What a challenge's hidden test cell calls. Under the trusted grader this call is never run: the planner
    sends only the inputs to the sandbox. Elsewhere (stock nbgrader) it scores here and returns the points,
    the cell's value, which nbgrader reads as partial credit."""
    case, labels = held_out_test(key, seed)
    outcome = run_case(get_challenge(key), function, case)
    if outcome.not_implemented:
        raise NotImplementedError(f"{get_challenge(key).function} is not implemented yet")
    points, message, _ = judge_held_out(key, case, labels, outcome)
    if points == 0:
        raise CheckFailure(message)
    print(message)
    return points


def validation_report(key: str, function: Callable, X_val: Any, y_val: Any) -> float:
    """For learners: score ``function`` on your own validation split, and say what that score would earn on
    the held-out test (which is drawn from other rows, so expect a slightly different figure)."""
    challenge = get_challenge(key)
    value = challenge.score(function(X_val), np.asarray(y_val))
    scale = ", ".join(f"≥ {floor:g} → {points:g}" for floor, points in challenge.thresholds)
    print(f"{challenge.metric} {value:.4f} on your {len(np.asarray(y_val))} validation rows: on the held-out test "
          f"that would earn {challenge.points(value):g} of {challenge.max_points:g} points ({scale})")
    return value
