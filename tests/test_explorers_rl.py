"""The rl notebook's gridworld explorer: the references pass the course's own checks, the precomputed sweeps are
value iteration's, the picture makes the claims the lesson makes (the goal's value spreads one cell per sweep, the
error stays under γ^k, rewards change the greedy policy as described, slip and ε cost value), the learner's
functions run once they pass, and the view updates and says whose code runs."""
from __future__ import annotations

import numpy as np
import pytest

from course.exercises import run_checks
from course.explorers.gridworld import (ACTIONS, MAX_SWEEPS, GridworldStudy, describe, gridworld,
                                        gridworld_explorer, reference_discounted_returns,
                                        reference_epsilon_greedy_probabilities, reference_policy_evaluation,
                                        reference_q_learning_update, reference_value_iteration,
                                        value_iteration_sweeps)


def _accept(function):
    return True, ""


def _reject(function):
    return False, "it returns the wrong shape"


@pytest.mark.parametrize("key, reference", [("rl.discounted_returns", reference_discounted_returns),
                                            ("rl.policy_evaluation", reference_policy_evaluation),
                                            ("rl.value_iteration", reference_value_iteration),
                                            ("rl.q_learning_update", reference_q_learning_update),
                                            ("rl.epsilon_greedy_probabilities",
                                             reference_epsilon_greedy_probabilities)])
def test_the_references_pass_the_course_checks(key, reference):
    assert run_checks(key, reference).ok


def _cell(r, cell):
    return r.cells.index(cell)


def test_the_sweeps_are_value_iteration_and_converge_to_v_star():
    world = gridworld()
    values, qs = value_iteration_sweeps(world.P, world.R, 0.9, sweeps=5)
    V = np.zeros(len(world.R))
    for k in range(5):
        V = np.max(world.R + 0.9 * world.P @ V, axis=1)
        assert np.allclose(values[k + 1], V)
    r = GridworldStudy().compute()
    assert r.sweep == MAX_SWEEPS and r.errors[-1] < 1e-9 and r.greedy_is_optimal
    assert np.all(r.errors <= r.bound + 1e-12)
    v_star, _ = reference_value_iteration(world.P, world.R, 0.9)
    assert np.allclose(r.optimal_values, v_star, atol=1e-8)
    assert r.start_value == pytest.approx(v_star[world.start], abs=1e-8)


def test_the_goal_value_spreads_one_cell_per_sweep():
    world = gridworld(step_reward=0.0)
    for k, reached in ((1, {(0, 2), (1, 3)}), (2, {(0, 1), (1, 2)})):
        r = GridworldStudy(step_reward=0.0, sweep=k).compute()
        positive = {cell for s, cell in enumerate(r.cells) if r.values[cell] > 1e-12 and not world.terminal[s]}
        assert reached <= positive | {(1, 3)}
        assert all(abs(a - 0) + abs(b - 3) <= k for a, b in positive)   # no farther than k moves from the goal
    assert GridworldStudy(sweep=0).compute().start_value == 0.0
    assert not GridworldStudy(sweep=2).compute().greedy_is_optimal
    assert GridworldStudy(sweep=3).compute().greedy_is_optimal


def test_rewards_change_the_greedy_policy_as_the_lesson_says():
    default = GridworldStudy().compute()
    assert ACTIONS[default.greedy[_cell(default, (1, 2))]] == "up"          # around the pit, not towards it
    desperate = GridworldStudy(step_reward=-2.0).compute()
    assert ACTIONS[desperate.greedy[_cell(desperate, (1, 2))]] == "right"   # straight into the pit
    happy = GridworldStudy(step_reward=0.3).compute()
    assert ACTIONS[happy.greedy[_cell(happy, (0, 2))]] == "left"            # turns away from the goal
    assert happy.start_value > 2.9


def test_discount_slip_and_epsilon_move_the_values_as_the_lesson_says():
    default = GridworldStudy().compute()
    short = GridworldStudy(gamma=0.5).compute()
    far = GridworldStudy(gamma=0.99).compute()
    assert short.start_value < 0 < default.start_value
    assert [int(np.argmax(r.errors < 1e-3)) for r in (short, default, far)] == [7, 13, 17]
    assert far.bound[20] > 0.5 and far.errors[20] < 1e-3                   # the bound is only the worst case
    assert round(default.start_value, 3) == 0.374
    assert round(GridworldStudy(slip=0.0).compute().start_value, 3) == 0.519
    values = [GridworldStudy(epsilon=e).compute().epsilon_start_value for e in (0.0, 0.3, 0.6, 1.0)]
    assert values[0] == pytest.approx(default.greedy_start_value) and values == sorted(values, reverse=True)
    world = gridworld()
    random_walk = reference_policy_evaluation(world.P, world.R, np.full((len(world.R), 4), 0.25), 0.9)[world.start]
    assert values[-1] == pytest.approx(random_walk) and round(random_walk, 3) == -0.403


def test_the_learners_functions_run_once_they_pass_and_fall_back_otherwise():
    calls = []

    def mine(q, eps):
        calls.append(1)
        return reference_epsilon_greedy_probabilities(q, eps)

    r = GridworldStudy(epsilon_greedy_probabilities=mine, policy_evaluation=reference_policy_evaluation,
                       validate=_accept).compute()
    assert calls and "your epsilon_greedy_probabilities" in r.running and "your policy_evaluation" in r.running
    r = GridworldStudy(epsilon_greedy_probabilities=mine, validate=_reject).compute()
    assert "the references" in r.running and "wrong shape" in r.running

    def broken(q, eps):
        raise ValueError("boom")

    r = GridworldStudy(epsilon_greedy_probabilities=broken, validate=_accept).compute()
    assert "raised ValueError" in r.running and np.isfinite(r.epsilon_start_value)


def test_the_view_updates_and_says_whose_code_runs(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    box = gridworld_explorer()
    assert box.result.sweep == MAX_SWEEPS and "updated in" in box.status.value
    box.controls["sweep"].value = 2
    assert box.result.sweep == 2 and "sweep 2" in box.status.value
    box.controls["step_reward"].value = -2.0
    assert box.result.start_value < 0
    box.controls["epsilon"].value = 1.0
    assert "the references" in box.status.value
    assert box.output.outputs[0]["data"]["image/png"]
    assert "sweep" in describe(box.result)
