"""The `rl` elective: the graded functions, their randomized inputs and references.

- ``discounted_returns`` vs ``scipy.signal.lfilter([1], [1, −γ], rewards[::-1])[::-1]``;
- ``policy_evaluation`` vs ``np.linalg.solve(I − γ P_π, r_π)``, the Bellman equations of the policy solved exactly;
- ``value_iteration``: the values vs the best of **all** deterministic policies (brute force, each evaluated with
  ``np.linalg.solve``) on tiny MDPs, and the returned policy by its own exact value (it must be optimal: any of tied
  optimal actions is accepted);
- ``q_learning_update`` by its formula Q(s, a) ← Q(s, a) + α (r + γ (1 − done) max_a' Q(s', a') − Q(s, a));
- ``epsilon_greedy_probabilities`` by its properties (a distribution; every action ε/|A|; the greedy actions share
  1 − ε equally) and the closed form.

MDPs are arrays: ``P[s, a, s']`` (rows sum to 1), ``R[s, a]``; a terminal state is absorbing with reward 0.
"""
from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from course.checks import CheckFailure, expected_values_concealed
from course.exercises import Case, Exercise, register
from course.exercises.judging import judge as _judge
from course.exercises.judging import parts as _parts


def _as_vector(value: Any, length: int, what: str) -> np.ndarray:
    if value is None:
        raise CheckFailure(f"{what} is None: did the function forget to `return`?")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailure(f"{what} is a {type(value).__name__}, but an array of numbers was expected.") from None
    if array.shape != (length,):
        raise CheckFailure(f"{what} has shape {array.shape}, but shape ({length},) was expected.")
    return array


def random_mdp(rng: np.random.Generator, S: int, A: int, *, terminals: int = 0, deterministic: bool = False,
               sparse: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A random MDP: P (S, A, S) with rows on the simplex, R (S, A); the last ``terminals`` states absorbing."""
    if deterministic:
        P = np.eye(S)[rng.integers(0, S, size=(S, A))]
    else:
        P = rng.dirichlet(np.full(S, 0.3 if sparse else 1.0), size=(S, A))
    R = np.round(rng.normal(size=(S, A)), 3)
    for s in range(S - terminals, S):
        P[s] = 0.0
        P[s, :, s] = 1.0
        R[s] = 0.0
    return P, R


def evaluate_exactly(P, R, policy, gamma) -> np.ndarray:
    """v_π = (I − γ P_π)⁻¹ r_π for a stochastic policy (S, A)."""
    P, R, policy = np.asarray(P, float), np.asarray(R, float), np.asarray(policy, float)
    P_pi = np.einsum("sa,sat->st", policy, P)
    r_pi = np.sum(policy * R, axis=1)
    return np.linalg.solve(np.eye(len(R)) - gamma * P_pi, r_pi)


def brute_force_optimum(P, R, gamma) -> np.ndarray:
    """V*(s) = max over all A^S deterministic policies of v_π(s) (one policy attains every maximum at once)."""
    S, A = np.shape(R)
    best = np.full(S, -np.inf)
    for actions in itertools.product(range(A), repeat=S):
        best = np.maximum(best, evaluate_exactly(P, R, np.eye(A)[list(actions)], gamma))
    return best


# ----------------------------------------------------------------------------- discounted returns


def discounted_returns_variant(rewards, gamma, *, form: str = "backward") -> np.ndarray:
    r = np.asarray(rewards, dtype=float)
    T = len(r)
    if form == "forward":          # G_t = Σ_{k ≤ t} γ^{t−k} r_k
        out, running = np.zeros(T), 0.0
        for t in range(T):
            running = r[t] + gamma * running
            out[t] = running
        return out
    G = np.array([sum(gamma ** (k - t) * r[k] for k in range(t, T)) for t in range(T)]) if T else np.zeros(0)
    if form == "undiscounted":
        return np.cumsum(r[::-1])[::-1]
    if form == "from_start":       # γ^k for the k-th reward counted from the episode's start
        return np.array([sum(gamma ** k * r[k] for k in range(t, T)) for t in range(T)]) if T else np.zeros(0)
    if form == "next":             # G_t from r_{t+1} on
        return np.r_[G[1:], 0.0] if T else G
    return G


def _returns_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for T, gamma in ((10, 0.9), (50, 0.99), (7, 0.5), (200, 0.95)):
        cases.append({"rewards": np.round(rng.normal(size=T), 3), "gamma": gamma})
    cases.append({"rewards": np.ones(30), "gamma": 0.9})                          # CartPole's rewards
    cases.append({"rewards": np.r_[np.zeros(9), 1.0], "gamma": 0.8})               # a single reward at the end
    cases.append({"rewards": np.array([2.0]), "gamma": 0.7})                       # one step
    cases.append({"rewards": np.round(rng.normal(size=12), 3), "gamma": 0.0})     # γ = 0: G_t = r_t
    cases.append({"rewards": np.round(rng.normal(size=12), 3), "gamma": 1.0})     # γ = 1: the plain sums
    cases.append({"rewards": np.array([1.0, -1.0, 1.0, -1.0, 1.0]), "gamma": 1.0})
    return cases


def _returns_reference(case: Case) -> np.ndarray:
    from scipy.signal import lfilter
    r = np.asarray(case["rewards"], dtype=float)
    return lfilter([1.0], [1.0, -case["gamma"]], r[::-1])[::-1]


def _compare_returns(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    value = _as_vector(actual, len(case["rewards"]), name)
    r, g = case["rewards"], case["gamma"]
    _judge(value, expected, name, lambda: {
        "accumulating from the first step forward (G_t sums the rewards from t to the END: run the loop backwards, "
        "G_t = r_t + γ G_{t+1})": discounted_returns_variant(r, g, form="forward"),
        "leaving out the discount (γ^k on the reward k steps ahead)": discounted_returns_variant(r, g, form="undiscounted")
        if g != 1 else None,
        "discounting from the episode's start (γ^k with k counted from t = 0; G_t discounts from t)":
            discounted_returns_variant(r, g, form="from_start"),
        "starting each return at the next reward (G_t includes r_t itself)": discounted_returns_variant(r, g, form="next"),
    }, rtol=1e-9, atol=1e-9)


register(Exercise(
    key="rl.discounted_returns", function="discounted_returns",
    make_cases=_returns_cases,
    call=lambda function, case: function(case["rewards"], case["gamma"]),
    reference=_returns_reference,
    describe=lambda case: f"{len(case['rewards'])} rewards, γ = {case['gamma']}",
    compare=_compare_returns,
))


# ----------------------------------------------------------------------------- policy evaluation


def policy_evaluation_variant(P, R, policy, gamma, *, form: str = "exact") -> np.ndarray:
    P, R, policy = np.asarray(P, float), np.asarray(R, float), np.asarray(policy, float)
    S, A = R.shape
    if form == "uniform":
        return evaluate_exactly(P, R, np.full((S, A), 1 / A), gamma)
    if form == "one_backup":
        return np.sum(policy * R, axis=1)
    if form == "transposed":
        P_pi = np.einsum("sa,tas->st", policy, P)
        return np.linalg.solve(np.eye(S) - gamma * P_pi, np.sum(policy * R, axis=1))
    if form == "discounted_reward":
        P_pi = np.einsum("sa,sat->st", policy, P)
        return np.linalg.solve(np.eye(S) - gamma * P_pi, gamma * np.sum(policy * R, axis=1))
    return evaluate_exactly(P, R, policy, gamma)


def _random_policy(rng, S, A, kind):
    if kind == "deterministic":
        return np.eye(A)[rng.integers(0, A, size=S)]
    if kind == "uniform":
        return np.full((S, A), 1 / A)
    return rng.dirichlet(np.ones(A), size=S)


def _policy_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for S, A, gamma, kind, terminals, deterministic in (
            (5, 3, 0.9, "stochastic", 0, False), (8, 2, 0.95, "deterministic", 1, False),
            (3, 4, 0.5, "stochastic", 0, True), (12, 4, 0.99, "stochastic", 2, False),
            (6, 3, 0.8, "uniform", 1, True), (4, 2, 0.0, "stochastic", 0, False)):
        P, R = random_mdp(rng, S, A, terminals=terminals, deterministic=deterministic)
        cases.append({"P": P, "R": R, "policy": _random_policy(rng, S, A, kind), "gamma": gamma})
    P, R = random_mdp(rng, 1, 2)                                  # a single state
    cases.append({"P": P, "R": R, "policy": np.array([[0.25, 0.75]]), "gamma": 0.9})
    from course.explorers.gridworld import gridworld              # the lesson's gridworld, ε-greedy-ish policy
    world = gridworld()
    cases.append({"P": world.P, "R": world.R, "policy": _random_policy(rng, len(world.R), 4, "stochastic"),
                  "gamma": 0.9})
    return cases


def _policy_reference(case: Case) -> np.ndarray:
    P, R, policy, gamma = (np.asarray(case[k], float) for k in ("P", "R", "policy", "gamma"))
    P_pi = np.einsum("sa,sat->st", policy, P)
    r_pi = np.sum(policy * R, axis=1)
    return np.linalg.solve(np.eye(len(R)) - gamma * P_pi, r_pi)


def _compare_policy(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    value = _as_vector(actual, len(case["R"]), name)
    P, R, pi, g = case["P"], case["R"], case["policy"], case["gamma"]
    _judge(value, expected, name, lambda: {
        "ignoring the policy (every action equally likely)": policy_evaluation_variant(P, R, pi, g, form="uniform")
        if not np.allclose(pi, 1 / pi.shape[1]) else None,
        "a single backup from v = 0 (r_π only: iterate v ← r_π + γ P_π v until it stops changing)":
            policy_evaluation_variant(P, R, pi, g, form="one_backup") if g > 0 else None,
        "reading P[s, a, s'] the wrong way round (P[s, a, s'] is the probability of s' after a in s)":
            policy_evaluation_variant(P, R, pi, g, form="transposed"),
        "discounting the immediate reward too (v = r_π + γ P_π v: the reward now is not discounted)":
            policy_evaluation_variant(P, R, pi, g, form="discounted_reward") if g > 0 else None,
    }, rtol=1e-6, atol=1e-6)


register(Exercise(
    key="rl.policy_evaluation", function="policy_evaluation",
    make_cases=_policy_cases,
    call=lambda function, case: function(case["P"], case["R"], case["policy"], case["gamma"]),
    reference=_policy_reference,
    describe=lambda case: (f"an MDP with {len(case['R'])} states and {case['R'].shape[1]} actions, γ = {case['gamma']}"
                           + (", a deterministic policy" if np.all((case["policy"] == 0) | (case["policy"] == 1))
                              else "")),
    compare=_compare_policy,
))


# ----------------------------------------------------------------------------- value iteration


def _value_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for S, A, gamma, terminals, deterministic, sparse in (
            (4, 2, 0.9, 0, False, False), (5, 3, 0.95, 1, False, True), (3, 3, 0.5, 0, True, False),
            (6, 2, 0.8, 2, False, False), (4, 4, 0.9, 1, True, False), (5, 2, 0.0, 0, False, False)):
        P, R = random_mdp(rng, S, A, terminals=terminals, deterministic=deterministic, sparse=sparse)
        cases.append({"P": P, "R": R, "gamma": gamma})
    # a corridor 0-1-2-3 (3 terminal): left/right, −1 a step, +10 on reaching the end; the best is always "right"
    P = np.zeros((4, 2, 4))
    for s in range(3):
        P[s, 0, max(s - 1, 0)] = 1.0
        P[s, 1, s + 1] = 1.0
    P[3, :, 3] = 1.0
    R = np.array([[-1.0, -1.0], [-1.0, -1.0], [-1.0, 10.0], [0.0, 0.0]])
    cases.append({"P": P, "R": R, "gamma": 0.9})
    # two identical actions everywhere: every policy is optimal (ties)
    P1, R1 = random_mdp(rng, 3, 1)
    cases.append({"P": np.repeat(P1, 2, axis=1), "R": np.repeat(R1, 2, axis=1), "gamma": 0.9})
    # an action with the best immediate reward that leads to a bad state (greed on R alone fails)
    P = np.zeros((3, 2, 3))
    P[0, 0, 1] = P[0, 1, 2] = 1.0
    P[1, :, 1] = 1.0
    P[2, :, 2] = 1.0
    R = np.array([[1.0, 0.0], [-1.0, -1.0], [1.0, 1.0]])
    cases.append({"P": P, "R": R, "gamma": 0.9})
    return cases


def _value_reference(case: Case) -> np.ndarray:
    return brute_force_optimum(case["P"], case["R"], case["gamma"])


def _compare_value(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    V, policy = _parts(actual, 2, "V, policy", name)
    P, R, g = (np.asarray(case[k], float) for k in ("P", "R", "gamma"))
    S, A = R.shape
    V = _as_vector(V, S, f"{name}'s V")

    def mistakes():
        uniform = evaluate_exactly(P, R, np.full((S, A), 1 / A), g)
        return {"averaging over the actions instead of taking the maximum (that evaluates the uniformly random "
                "policy; value iteration backs up max_a)": uniform if not np.allclose(uniform, expected) else None,
                "a single sweep from V = 0 (max_a R only: repeat the sweep until V stops changing)":
                    R.max(axis=1) if g > 0 else None}
    _judge(V, expected, f"{name}'s V", mistakes, rtol=1e-6, atol=1e-6)
    try:
        actions = np.asarray(policy)
    except Exception:
        actions = np.array(None)
    if actions.shape != (S,) or not np.issubdtype(actions.dtype, np.integer):
        raise CheckFailure(f"{name}'s policy should be an integer array of shape ({S},), one action per state; got "
                           f"{type(policy).__name__}" + (f" of shape {actions.shape}, dtype {actions.dtype}"
                                                        if isinstance(policy, np.ndarray) else "") + ".")
    if actions.min() < 0 or actions.max() >= A:
        raise CheckFailure(f"{name}'s policy has actions outside 0 … {A - 1}.")
    achieved = evaluate_exactly(P, R, np.eye(A)[actions], g)
    worst = int(np.argmax(expected - achieved))
    if expected[worst] - achieved[worst] > 1e-6:
        hint = ""
        if np.array_equal(actions, R.argmax(axis=1)):
            hint = (" It is argmax_a R(s, a), the best immediate reward: the greedy policy maximises "
                    "Q(s, a) = R(s, a) + γ Σ_s' P(s'|s, a) V(s').")
        elif np.array_equal(actions, (R + g * P @ expected).argmin(axis=1)):
            hint = " It is the argmin of Q: the greedy policy takes the argmax."
        optimum = "" if expected_values_concealed() else f" ({expected[worst]:.6g})"
        raise CheckFailure(f"{name}'s policy is not optimal: followed exactly, it is worth {achieved[worst]:.6g} in "
                           f"state {worst}, less than the optimum there{optimum}.{hint}")


register(Exercise(
    key="rl.value_iteration", function="value_iteration",
    make_cases=_value_cases,
    call=lambda function, case: function(case["P"], case["R"], case["gamma"]),
    reference=_value_reference,
    describe=lambda case: (f"an MDP with {len(case['R'])} states and {case['R'].shape[1]} actions, "
                           f"γ = {case['gamma']} (compared with the best of all "
                           f"{case['R'].shape[1] ** len(case['R'])} deterministic policies)"),
    compare=_compare_value,
))


# ----------------------------------------------------------------------------- the Q-learning update


def q_learning_variant(Q, state, action, reward, next_state, done, alpha, gamma, *, form: str = "q") -> np.ndarray:
    Q = np.array(Q, dtype=float)
    if form == "bootstrap_terminal":
        bootstrap = gamma * Q[next_state].max()
    elif form == "mean":
        bootstrap = 0.0 if done else gamma * Q[next_state].mean()
    elif form == "same_state":
        bootstrap = 0.0 if done else gamma * Q[state].max()
    else:
        bootstrap = 0.0 if done else gamma * Q[next_state].max()
    target = reward + bootstrap
    if form == "add_target":
        Q[state, action] += alpha * target
    elif form == "replace":
        Q[state, action] = target
    else:
        Q[state, action] += alpha * (target - Q[state, action])
    return Q


def _q_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for S, A, done, alpha, gamma in ((5, 3, False, 0.1, 0.9), (8, 4, True, 0.5, 0.99), (3, 2, False, 0.3, 0.0),
                                     (6, 5, False, 1.0, 0.95), (4, 2, True, 0.2, 0.9), (10, 4, False, 0.05, 0.9)):
        Q = np.round(rng.normal(size=(S, A)), 3)
        s, a, s2 = int(rng.integers(S)), int(rng.integers(A)), int(rng.integers(S))
        cases.append({"Q": Q, "state": s, "action": a, "reward": float(np.round(rng.normal(), 3)),
                      "next_state": s2, "done": done, "alpha": alpha, "gamma": gamma})
    Q = np.round(rng.normal(size=(4, 3)), 3)        # a self-loop: s' = s
    cases.append({"Q": Q, "state": 2, "action": 1, "reward": 0.5, "next_state": 2, "done": False, "alpha": 0.5,
                  "gamma": 0.9})
    cases.append({"Q": np.zeros((3, 2)), "state": 0, "action": 1, "reward": 1.0, "next_state": 2, "done": True,
                  "alpha": 0.1, "gamma": 0.9})       # the first update of a run: Q = 0
    Q = np.round(rng.normal(size=(3, 4)), 3) - 5    # all-negative next values: the max is not 0
    cases.append({"Q": Q, "state": 0, "action": 3, "reward": -1.0, "next_state": 1, "done": False, "alpha": 0.4,
                  "gamma": 0.8})
    return cases


def _q_reference(case: Case) -> np.ndarray:
    Q = np.array(case["Q"], dtype=float)
    s, a, s2 = case["state"], case["action"], case["next_state"]
    target = case["reward"] + (0.0 if case["done"] else case["gamma"] * np.max(Q[s2]))
    Q[s, a] = (1 - case["alpha"]) * Q[s, a] + case["alpha"] * target
    return Q


def _compare_q(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    if actual is None:
        raise CheckFailure(f"{name} is None: return the updated table (a new array: leave Q unchanged).")
    args = [case[k] for k in ("Q", "state", "action", "reward", "next_state", "done", "alpha", "gamma")]
    _judge(actual, expected, name, lambda: {
        "bootstrapping from Q[next_state] at a terminal transition (when done, the target is r alone)":
            q_learning_variant(*args, form="bootstrap_terminal") if case["done"] and case["gamma"] > 0 else None,
        "the mean over the next state's actions (Q-learning bootstraps from the max)":
            q_learning_variant(*args, form="mean") if not case["done"] and case["gamma"] > 0 else None,
        "the max over the current state's actions (bootstrap from Q[next_state])":
            q_learning_variant(*args, form="same_state") if case["state"] != case["next_state"] else None,
        "adding α · target (the step is α times the error, target − Q(s, a))": q_learning_variant(*args, form="add_target"),
        "replacing Q(s, a) by the target (that is α = 1)": q_learning_variant(*args, form="replace")
        if case["alpha"] != 1 else None,
    }, rtol=1e-9, atol=1e-12)


register(Exercise(
    key="rl.q_learning_update", function="q_learning_update",
    make_cases=_q_cases,
    call=lambda function, case: function(case["Q"], case["state"], case["action"], case["reward"],
                                         case["next_state"], case["done"], case["alpha"], case["gamma"]),
    reference=_q_reference,
    describe=lambda case: (f"Q with shape {case['Q'].shape}, transition ({case['state']}, {case['action']}, "
                           f"{case['reward']}, {case['next_state']}), done={case['done']}, α = {case['alpha']}, "
                           f"γ = {case['gamma']}"),
    compare=_compare_q,
    inputs=("Q",),
))


# ----------------------------------------------------------------------------- ε-greedy probabilities


def epsilon_greedy_variant(q_values, epsilon, *, form: str = "split") -> np.ndarray:
    q = np.asarray(q_values, dtype=float)
    A = q.shape[-1]
    if form == "first":
        best = np.zeros(q.shape)
        np.put_along_axis(best, np.argmax(q, axis=-1)[..., None], 1.0, axis=-1)
    else:
        best = (q == q.max(axis=-1, keepdims=True)).astype(float)
        best = best / best.sum(axis=-1, keepdims=True)
    if form == "no_share":          # greedy gets 1 − ε, the others ε / (A − 1)
        others = 1 - (best > 0)
        count = others.sum(axis=-1, keepdims=True)
        return (1 - epsilon) * best + epsilon * np.divide(others, count, out=np.zeros(q.shape), where=count > 0)
    if form == "swapped":
        return (1 - epsilon) / A + epsilon * best
    return epsilon / A + (1 - epsilon) * best


def _eps_cases(rng: np.random.Generator) -> list[Case]:
    cases = [{"q_values": np.round(rng.normal(size=4), 3), "epsilon": 0.1},
             {"q_values": np.round(rng.normal(size=(6, 3)), 3), "epsilon": 0.3},
             {"q_values": np.round(rng.normal(size=(10, 5)), 1), "epsilon": 0.2},      # rounded: ties
             {"q_values": np.array([1.0, 3.0, 3.0, 0.0]), "epsilon": 0.2},             # a tie for the best
             {"q_values": np.array([[2.0, 2.0, 2.0], [0.0, 1.0, -1.0]]), "epsilon": 0.5},   # all tied
             {"q_values": np.round(rng.normal(size=(4, 4)), 3), "epsilon": 0.0},       # greedy
             {"q_values": np.round(rng.normal(size=5), 3), "epsilon": 1.0},            # uniform
             {"q_values": np.array([0.7]), "epsilon": 0.3},                             # one action
             {"q_values": np.array([-5.0, -3.0, -4.0]), "epsilon": 0.25}]
    return cases


def _eps_reference(case: Case) -> np.ndarray:
    q = np.asarray(case["q_values"], dtype=float)
    A = q.shape[-1]
    greedy = np.isclose(q, q.max(axis=-1, keepdims=True), rtol=0, atol=0)
    share = (1 - case["epsilon"]) / greedy.sum(axis=-1, keepdims=True)
    return np.full(q.shape, case["epsilon"] / A) + greedy * share


def _compare_eps(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    if actual is None:
        raise CheckFailure(f"{name} is None: did the function forget to `return`?")
    try:
        p = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailure(f"{name} is a {type(actual).__name__}, but an array of probabilities was expected.") from None
    if p.shape != expected.shape:
        raise CheckFailure(f"{name} has shape {p.shape}, but shape {expected.shape} (like q_values) was expected.")
    if not np.all(np.isfinite(p)) or np.any(p < -1e-12):
        raise CheckFailure(f"{name} has negative or non-finite entries: probabilities are ≥ 0.")
    sums = p.sum(axis=-1)
    if not np.allclose(sums, 1.0, rtol=0, atol=1e-9):
        bad = np.atleast_1d(sums)[np.argmax(np.abs(np.atleast_1d(sums) - 1))]
        raise CheckFailure(f"{name} does not sum to 1 over the actions (a sum is {bad:.6g}).")
    q, e = case["q_values"], case["epsilon"]
    _judge(p, expected, name, lambda: {
        "breaking ties for the best action with np.argmax (tied greedy actions share 1 − ε equally)":
            epsilon_greedy_variant(q, e, form="first"),
        "giving the greedy action 1 − ε and the others ε / (|A| − 1) (every action, the greedy one too, gets "
        "ε / |A| from exploring; the greedy one 1 − ε + ε / |A|)": epsilon_greedy_variant(q, e, form="no_share"),
        "exchanging ε and 1 − ε (ε is the probability of exploring, so the greedy action gets 1 − ε + ε / |A|)":
            epsilon_greedy_variant(q, e, form="swapped"),
    }, rtol=1e-9, atol=1e-12)


register(Exercise(
    key="rl.epsilon_greedy_probabilities", function="epsilon_greedy_probabilities",
    make_cases=_eps_cases,
    call=lambda function, case: function(case["q_values"], case["epsilon"]),
    reference=_eps_reference,
    describe=lambda case: (f"q_values with shape {np.shape(case['q_values'])}, ε = {case['epsilon']}"
                           + (", with ties" if np.any(np.sum(case["q_values"] == np.max(case["q_values"], axis=-1,
                                                             keepdims=True), axis=-1) > 1) else "")),
    compare=_compare_eps,
))
