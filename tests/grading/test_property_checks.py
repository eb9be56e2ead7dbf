"""A property check (``expect_true(np.all(np.diff(losses) <= 0), ...)``) is computed in the grader.

Its condition used to be evaluated in the student's process, where ``np`` or ``np.all`` can be
anything the student made it. Now the grader fetches the learner's names as plain values and
evaluates the condition itself; only a condition that calls the learner's own functions still
runs in the sandbox (its result then comes back as a value, decided here by the check).
"""
from __future__ import annotations

import pytest

from autograder.child import Session
from autograder.grading import _CellError, _decide_check, _trusted_namespace
from autograder.plan import Check, plan_test_cell

RIGGED_NUMPY = '''
import types
import numpy
np = types.SimpleNamespace(**{name: getattr(numpy, name) for name in dir(numpy) if not name.startswith("__")})
np.all = lambda *args, **kwargs: True          # every property "holds" in the student's process
np.array_equal = lambda *args, **kwargs: True
'''


class InProcessSandbox:
    """The sandbox's side of the protocol (child.Session), without the process around it."""

    def __init__(self, setup: str):
        self.session = Session(20_000)
        self.requests = []
        assert self.session.run(setup)["error"] is None

    def request(self, message, doing):
        self.requests.append(message["expression"])
        return self.session.evaluate(message["expression"])


def decide(sandbox, cell: str) -> list[tuple[bool, str]]:
    trusted = _trusted_namespace()
    return [_decide_check(sandbox, step, trusted, "cell") for step in plan_test_cell(cell) if isinstance(step, Check)]


def test_a_property_of_learner_data_is_decided_here_whatever_numpy_is_over_there():
    sandbox = InProcessSandbox(RIGGED_NUMPY + "losses = [3.0, 2.0, 2.5]\nq2_answer = '12'\n")
    verdicts = decide(sandbox, 'expect_true(np.all(np.diff(losses) <= 1e-12), "the loss should never go up.")\n'
                               'expect_true(isinstance(q2_answer, (int, float)), "q2_answer should be a number.")')
    assert verdicts == [(False, "the loss should never go up."), (False, "q2_answer should be a number.")]
    assert sandbox.requests == ["(losses,)", "(q2_answer,)"]  # names only: nothing was computed there


def test_the_same_check_passes_for_data_that_has_the_property():
    sandbox = InProcessSandbox(RIGGED_NUMPY + "losses = [3.0, 2.0, 1.5]\n")
    assert decide(sandbox, 'expect_true(np.all(np.diff(losses) <= 1e-12), "up", name="the loss never goes up")') \
        == [(True, "✓ the loss never goes up")]


def test_a_condition_that_calls_the_learners_function_is_evaluated_in_the_sandbox():
    sandbox = InProcessSandbox("def double(x):\n    return 2 * x\n")
    assert decide(sandbox, 'expect_true(double(2) == 4, "double(2) should be 4", name="double(2) is 4")') \
        == [(True, "✓ double(2) is 4")]
    assert sandbox.requests == ["(double,)", "(double(2) == 4,)"]


def test_learner_data_that_breaks_the_condition_fails_with_the_error():
    sandbox = InProcessSandbox("losses = 'not numbers'\n")
    with pytest.raises(_CellError, match="raised"):
        decide(sandbox, 'expect_true(np.all(np.diff(losses) <= 0), "the loss should never go up.")')
