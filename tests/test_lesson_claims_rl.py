"""Claims the rl notebook makes that a learner could check, checked.

Each test quotes the lesson's words it backs, so a test and its sentence change together. The numbers come from
the solution notebook itself, run once here top to bottom (headless: explorers built, not drawn), so the claims are
about exactly what a learner's run prints. The checkpoint's answers are recomputed independently.
"""
from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

from solutions import lesson_text, run_every_code_cell


pytestmark = pytest.mark.slow


def lesson() -> str:
    return lesson_text("rl")


@pytest.fixture(scope="module")
def run():
    return run_every_code_cell("rl")


def test_discounting_and_the_horizon(run):
    text = lesson()
    assert "with $\\gamma = 0.9$ a reward 10 steps away counts $0.9^{10} \\approx 0.35$, 50 steps away $0.005$" in text
    assert round(0.9 ** 10, 2) == 0.35 and round(0.9 ** 50, 3) == 0.005
    assert "the discount acts like a **horizon** of about $1/(1 - \\gamma)$ steps" in text
    table = run["horizon_table"]
    for g in (0.5, 0.9, 0.99):
        assert table.loc[g, "G_0 of 1000 rewards of 1"] == pytest.approx(1 / (1 - g), rel=1e-3)


def test_the_gridworld_moves_as_described(run):
    text = lesson()
    assert ("Going *up* from the start cell reaches the cell above with probability 0.8; with 0.1 it slips *left* into "
            "the edge and stays, with 0.1 it slips *right*") in text
    world, start = run["world"], run["start"]
    up = world.P[start, 0]
    cell = {world.cells[s]: p for s, p in enumerate(up) if p > 0}
    assert cell == pytest.approx({(1, 0): 0.8, (2, 0): 0.1, (2, 1): 0.1})
    assert "the agent starts bottom left, a **goal** top right pays +1, a **pit** below it pays −1" in text
    assert world.cells[start] == (2, 0) and run["LAYOUT"][0][3] == "G" and run["LAYOUT"][1][3] == "P"


def test_the_random_walk_loses_and_is_worst_next_to_the_pit(run):
    text = lesson()
    assert "A random walker starting bottom left loses on average" in text and "Cells next to the pit are the worst" in text
    v, world = run["v_random"], run["world"]
    assert v[run["start"]] < 0
    live = np.flatnonzero(~world.terminal)
    worst = live[np.argmin(v[live])]
    r, c = world.cells[worst]
    assert abs(r - 1) + abs(c - 3) == 1            # a neighbour of the pit at (1, 3)
    assert np.max(np.abs(v - run["v_exact"])) < 1e-6


def test_brute_force_over_all_gridworld_policies(run):
    text = lesson()
    assert "the gridworld has 9 non-terminal states and 4 actions, $4^9 = 262\\,144$ deterministic policies" in text
    assert len(run["all_policies"]) == 4 ** 9 == 262144 and len(run["live"]) == 9
    best = run["v_all"].max(axis=0)
    assert np.max(np.abs(best - run["v_star"])) < 1e-8
    assert "one** deterministic policy attains it in every state at once" in text
    assert np.allclose(run["v_all"][np.argmax(run["v_all"][:, run["start"]])], run["v_star"], atol=1e-9)


def test_the_greedy_policy_is_optimal_long_before_the_values_converge(run):
    text = lesson()
    assert ("after 3 sweeps the arrows are already right, while the values need 13 sweeps to come within 10⁻³ of "
            "$V^*$") in text
    assert run["first_optimal"] == 3 and run["within"] == 13
    assert "The error falls at least as fast as the bound $\\gamma^k$" in text
    errors = run["errors"]
    assert np.all(errors <= errors[0] * 0.9 ** np.arange(len(errors)) + 1e-12)
    assert "from the cell left of the pit it goes *up* and around, never towards the pit" in text
    world = run["world"]
    left_of_pit = world.cells.index((1, 2))
    assert run["ACTIONS"][run["pi_star"][left_of_pit]] == "up"


def test_q_learning_learns_the_optimal_greedy_policy(run):
    text = lesson()
    assert ("The learning curve (left) rises from below 0 in the first episodes and levels off **below** "
            "$V^*$(start)") in text
    returns, v_star, start = run["q_returns"], run["v_star"], run["start"]
    curve = pd.Series(returns).rolling(100, min_periods=10).mean()
    assert curve.iloc[9] < 0 < 0.2 < curve.iloc[-1] < v_star[start]
    assert curve.iloc[500:].max() < v_star[start]
    assert ("The greedy policy it has learned (middle, evaluated exactly; note the logarithmic axis) is worth nearly "
            "$V^*$ after about 30 episodes, and exactly $V^*$ later") in text
    greedy = run["q_greedy_value"]                     # every 10 episodes
    assert greedy[1] < v_star[start] - 0.05 and abs(greedy[2] - v_star[start]) < 0.01
    assert greedy[-1] == pytest.approx(v_star[start], abs=1e-9)
    assert run["agree"] == len(run["live"])


def test_planning_on_a_learned_model_needs_fewer_moves(run):
    text = lesson()
    assert ("after 10 episodes the model-based agent's policy is within 0.01 of $V^*$ at the start, while Q-learning's "
            "greedy policy is still worth less than 0 after 20; Q-learning needs about 100 episodes to catch up") in text
    table, v = run["model_table"], run["v_star"][run["start"]]
    model, q = table["model-based: value of its greedy policy"], table["Q-learning: value of its greedy policy"]
    assert abs(model.loc[10] - v) < 0.01 and q.loc[20] < 0 and abs(q.loc[100] - v) < 0.01 and abs(q.loc[50] - v) > 0.005
    assert (model >= q - 1e-9).all()


def test_reinforce_learns_to_balance(run):
    text = lesson()
    assert ("The curve rises from the random policy's twenty-odd steps to a mean of over 300 steps in the last 100 "
            "episodes (more than eight times the first 100's), in about a second of CPU") in text
    assert 18 <= np.mean(run["random_lengths"]) < 30
    assert run["last"] > 300 and run["last"] > 8 * run["first"]
    assert run["reinforce_seconds"] < 5
    # not one lucky seed: the curve rises for other seeds too
    for seed in (1, 2):
        _, lengths = run["reinforce"](seed=seed)
        assert lengths[-100:].mean() > 4 * lengths[:100].mean()
    assert "written out in thirty lines of plain Python" in text
    from course import rl_cartpole
    assert (rl_cartpole.GRAVITY, rl_cartpole.MASS_CART, rl_cartpole.MASS_POLE, rl_cartpole.LENGTH,
            rl_cartpole.FORCE, rl_cartpole.TAU, rl_cartpole.X_LIMIT) == (9.8, 1.0, 0.1, 0.5, 10.0, 0.02, 2.4)
    assert rl_cartpole.THETA_LIMIT == pytest.approx(np.radians(12))


def test_the_checkpoint_answers(run):
    assert run["q1_answer"] == pytest.approx(sum(2 * 0.95 ** k for k in range(2000)), rel=1e-6)
    rng = np.random.default_rng(0)          # Q2 by simulation: greedy chosen 1 − ε + ε / 4 of the time
    explore = rng.random(200_000) < 0.2
    chosen_greedy = ~explore | (rng.integers(0, 4, 200_000) == 0)
    assert run["q2_answer"] == pytest.approx(chosen_greedy.mean(), abs=0.005) and run["q2_answer"] == pytest.approx(0.85)
    # Q4: E_a~π[∇ log π(a)] = Σ_a ∇π(a) = ∇ 1 = 0, for a logistic policy
    p = 0.3
    assert p * (1 - p) + (1 - p) * (0 - p) == pytest.approx(0.0)
    assert run["q3_answer"] == "b" and run["q4_answer"] == "c"
