"""The rl notebook: correct implementations written differently from the solutions pass the oracle on many seeds,
and the oracle's references agree with independent ones.

Each RIGHT variant takes another route than the notebook's solution (a direct linear solve by Gaussian elimination
for policy evaluation, policy iteration instead of value iteration, an explicit sum of γ^k for the returns, a
Python loop over the actions for ε-greedy, a TD-error form of the update), so the hidden tests are not tied to one
way of writing the answer.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import lfilter

from course.exercises import make_cases, run_checks
from course.exercises.rl import (_policy_reference, _returns_reference, brute_force_optimum, evaluate_exactly,
                                 random_mdp)
from course.explorers.gridworld import gridworld, reference_value_iteration


# ----------------------------------------------------------------------------- right, written differently

def returns_by_sums(rewards, gamma):
    r = [float(x) for x in np.asarray(rewards)]
    return np.array([sum(gamma ** k * r[t + k] for k in range(len(r) - t)) for t in range(len(r))])


def policy_evaluation_gauss(P, R, policy, gamma, tol=1e-10):
    """Solve (I − γ P_π) v = r_π by Gaussian elimination with partial pivoting, written out."""
    P, R, policy = np.asarray(P, float), np.asarray(R, float), np.asarray(policy, float)
    n = len(R)
    M = np.eye(n) - gamma * np.einsum("sa,sat->st", policy, P)
    b = (policy * R).sum(axis=1)
    M, b = M.copy(), b.copy()
    for i in range(n):
        p = i + int(np.argmax(np.abs(M[i:, i])))
        M[[i, p]], b[[i, p]] = M[[p, i]], b[[p, i]]
        for j in range(i + 1, n):
            f = M[j, i] / M[i, i]
            M[j] -= f * M[i]
            b[j] -= f * b[i]
    v = np.zeros(n)
    for i in reversed(range(n)):
        v[i] = (b[i] - M[i, i + 1:] @ v[i + 1:]) / M[i, i]
    return v


def value_iteration_by_policy_iteration(P, R, gamma, tol=1e-10):
    """Policy iteration: evaluate exactly, improve greedily, until the policy is stable."""
    P, R = np.asarray(P, float), np.asarray(R, float)
    S, A = R.shape
    policy = np.zeros(S, dtype=int)
    while True:
        v = evaluate_exactly(P, R, np.eye(A)[policy], gamma)
        Q = R + gamma * P @ v
        better = Q.max(axis=1) > Q[np.arange(S), policy] + 1e-12
        if not better.any():
            return v, policy
        policy = np.where(better, Q.argmax(axis=1), policy)


def q_update_td_error(Q, state, action, reward, next_state, done, alpha, gamma):
    new = Q.astype(float)                         # astype copies
    bootstrap = 0.0 if done else max(new[next_state])
    delta = reward + gamma * bootstrap - new[state][action]
    new[state][action] = new[state][action] + alpha * delta
    return new


def eps_by_loop(q_values, epsilon):
    q = np.atleast_2d(np.asarray(q_values, dtype=float))
    out = np.zeros_like(q)
    for i, row in enumerate(q):
        best = [a for a in range(len(row)) if row[a] == row.max()]
        for a in range(len(row)):
            out[i, a] = epsilon / len(row) + ((1 - epsilon) / len(best) if a in best else 0.0)
    return out.reshape(np.shape(q_values))


RIGHT = [("rl.discounted_returns", returns_by_sums), ("rl.policy_evaluation", policy_evaluation_gauss),
         ("rl.value_iteration", value_iteration_by_policy_iteration), ("rl.q_learning_update", q_update_td_error),
         ("rl.epsilon_greedy_probabilities", eps_by_loop)]


@pytest.mark.parametrize("key, function", RIGHT, ids=[key for key, _ in RIGHT])
def test_correct_variants_written_differently_pass_on_many_seeds(key, function):
    for seed in range(8):
        report = run_checks(key, function, seed=seed)
        assert report.ok, f"{key} seed {seed}: {report.failure}"


# ----------------------------------------------------------------------------- the references, cross-checked


def test_returns_reference_is_lfilter_and_the_explicit_sum():
    _, cases = make_cases("rl.discounted_returns", 0)
    for case in cases:
        assert np.allclose(_returns_reference(case), returns_by_sums(case["rewards"], case["gamma"]), atol=1e-9)
    assert np.allclose(lfilter([1.0], [1.0, -0.5], np.array([2.0, 0.0, 1.0])), [2.0, 1.0, 1.5])


def test_policy_reference_solves_the_bellman_equations():
    _, cases = make_cases("rl.policy_evaluation", 0)
    for case in cases:
        v = _policy_reference(case)
        P, R, pi, g = case["P"], case["R"], case["policy"], case["gamma"]
        assert np.allclose(v, np.sum(pi * (R + g * P @ v), axis=1), atol=1e-10)   # the fixed point
        assert np.allclose(v, policy_evaluation_gauss(P, R, pi, g), atol=1e-9)


def test_brute_force_agrees_with_value_iteration_and_policy_iteration_on_random_mdps():
    rng = np.random.default_rng(3)
    for _ in range(10):
        P, R = random_mdp(rng, 4, 3, terminals=int(rng.integers(0, 2)))
        best = brute_force_optimum(P, R, 0.9)
        assert np.allclose(best, reference_value_iteration(P, R, 0.9, tol=1e-13)[0], atol=1e-9)
        assert np.allclose(best, value_iteration_by_policy_iteration(P, R, 0.9)[0], atol=1e-9)


def test_the_gridworld_is_a_proper_mdp():
    world = gridworld()
    assert np.allclose(world.P.sum(axis=2), 1.0) and np.all(world.P >= 0)
    assert np.all(world.R[world.terminal] == 0)
    for s in np.flatnonzero(world.terminal):
        assert np.all(world.P[s, :, s] == 1.0)
    # up from the start: 0.8 up, 0.1 right, 0.1 into the edge (stays)
    up = world.P[world.start, 0]
    assert sorted(up[up > 0].round(6).tolist()) == [0.1, 0.1, 0.8]
