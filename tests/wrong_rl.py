"""Plausible wrong implementations of the rl notebook's graded functions, each with the diagnosis it must get.

Every hidden test must fail for at least one of these (tests/test_exercises.py checks it); PUBLIC_CASES are the
public cells that must name a mistake too (tests/test_public_tests.py).
"""
import numpy as np

from solutions import renamed_source


# ----------------------------------------------------------------------------- discounted_returns

def returns_forward(rewards, gamma):
    out, running = np.zeros(len(rewards)), 0.0
    for t, r in enumerate(np.asarray(rewards, dtype=float)):
        running = r + gamma * running
        out[t] = running
    return out


def returns_undiscounted(rewards, gamma):
    return np.cumsum(np.asarray(rewards, dtype=float)[::-1])[::-1]


def returns_from_start(rewards, gamma):
    r = np.asarray(rewards, dtype=float)
    weighted = r * gamma ** np.arange(len(r))
    return np.cumsum(weighted[::-1])[::-1]


def returns_from_next(rewards, gamma):
    r = np.asarray(rewards, dtype=float)
    out, running = np.zeros(len(r)), 0.0
    for t in reversed(range(len(r))):
        out[t] = running
        running = r[t] + gamma * running
    return out


# ----------------------------------------------------------------------------- policy_evaluation

def _iterate(P, R, policy, gamma, sweeps=None, transpose=False, discount_reward=False):
    P, R, policy = np.asarray(P, float), np.asarray(R, float), np.asarray(policy, float)
    if transpose:
        P = np.transpose(P, (2, 1, 0))
    v = np.zeros(len(R))
    for k in range(sweeps or 100000):
        expected_next = P @ v
        new = np.sum(policy * ((gamma * R if discount_reward else R) + gamma * expected_next), axis=1)
        if np.max(np.abs(new - v)) < 1e-12:
            return new
        v = new
    return v


def policy_evaluation_uniform(P, R, policy, gamma, tol=1e-10):
    A = np.shape(R)[1]
    return _iterate(P, R, np.full(np.shape(R), 1 / A), gamma)


def policy_evaluation_one_backup(P, R, policy, gamma, tol=1e-10):
    return _iterate(P, R, policy, gamma, sweeps=1)


def policy_evaluation_transposed(P, R, policy, gamma, tol=1e-10):
    return _iterate(P, R, policy, gamma, transpose=True)


def policy_evaluation_discounted_reward(P, R, policy, gamma, tol=1e-10):
    return _iterate(P, R, policy, gamma, discount_reward=True)


# ----------------------------------------------------------------------------- value_iteration

def _vi(P, R, gamma, backup="max", sweeps=None, greedy="q"):
    P, R = np.asarray(P, float), np.asarray(R, float)
    V = np.zeros(len(R))
    for _ in range(sweeps or 100000):
        Q = R + gamma * P @ V
        new = Q.max(axis=1) if backup == "max" else Q.mean(axis=1)
        if np.max(np.abs(new - V)) < 1e-12:
            V = new
            break
        V = new
    Q = R + gamma * P @ V
    policy = {"q": Q.argmax(axis=1), "r": R.argmax(axis=1), "min": Q.argmin(axis=1)}[greedy]
    return V, policy


def value_iteration_mean(P, R, gamma, tol=1e-10):
    return _vi(P, R, gamma, backup="mean")


def value_iteration_one_sweep(P, R, gamma, tol=1e-10):
    return _vi(P, R, gamma, sweeps=1)


def value_iteration_greedy_on_reward(P, R, gamma, tol=1e-10):
    return _vi(P, R, gamma, greedy="r")


def value_iteration_argmin(P, R, gamma, tol=1e-10):
    return _vi(P, R, gamma, greedy="min")


def value_iteration_float_policy(P, R, gamma, tol=1e-10):
    V, policy = _vi(P, R, gamma)
    return V, policy.astype(float)


# ----------------------------------------------------------------------------- q_learning_update

def _q(Q, state, action, reward, next_state, done, alpha, gamma, form="q"):
    Q = np.array(Q, dtype=float)
    if form == "terminal":
        target = reward + gamma * Q[next_state].max()
    elif form == "mean":
        target = reward + (0 if done else gamma * Q[next_state].mean())
    else:
        target = reward + (0 if done else gamma * Q[next_state].max())
    if form == "add":
        Q[state, action] += alpha * target
    else:
        Q[state, action] += alpha * (target - Q[state, action])
    return Q


def q_update_bootstraps_terminal(Q, state, action, reward, next_state, done, alpha, gamma):
    return _q(Q, state, action, reward, next_state, done, alpha, gamma, form="terminal")


def q_update_mean(Q, state, action, reward, next_state, done, alpha, gamma):
    return _q(Q, state, action, reward, next_state, done, alpha, gamma, form="mean")


def q_update_adds_target(Q, state, action, reward, next_state, done, alpha, gamma):
    return _q(Q, state, action, reward, next_state, done, alpha, gamma, form="add")


def q_update_in_place(Q, state, action, reward, next_state, done, alpha, gamma):
    target = reward + (0 if done else gamma * np.max(Q[next_state]))
    Q[state, action] += alpha * (target - Q[state, action])
    return Q


# ----------------------------------------------------------------------------- epsilon_greedy_probabilities

def eps_first_argmax(q_values, epsilon):
    q = np.asarray(q_values, dtype=float)
    p = np.full(q.shape, epsilon / q.shape[-1])
    best = np.argmax(q, axis=-1)
    np.put_along_axis(p, np.expand_dims(best, -1), np.take_along_axis(p, np.expand_dims(best, -1), -1) + 1 - epsilon,
                      axis=-1)
    return p


def eps_no_share(q_values, epsilon):
    q = np.asarray(q_values, dtype=float)
    best = (q == q.max(axis=-1, keepdims=True)).astype(float)
    n_best = best.sum(axis=-1, keepdims=True)
    others = q.shape[-1] - n_best
    return np.where(best > 0, (1 - epsilon) / n_best, epsilon / np.maximum(others, 1))


def eps_swapped(q_values, epsilon):
    q = np.asarray(q_values, dtype=float)
    best = (q == q.max(axis=-1, keepdims=True)).astype(float)
    return (1 - epsilon) / q.shape[-1] + epsilon * best / best.sum(axis=-1, keepdims=True)


def eps_unnormalised_ties(q_values, epsilon):
    q = np.asarray(q_values, dtype=float)
    best = (q == q.max(axis=-1, keepdims=True)).astype(float)
    return epsilon / q.shape[-1] + (1 - epsilon) * best


WRONG = [
    ("rl.discounted_returns", returns_forward, "accumulating from the first step forward"),
    ("rl.discounted_returns", returns_undiscounted, "leaving out the discount"),
    ("rl.discounted_returns", returns_from_start, "discounting from the episode's start"),
    ("rl.discounted_returns", returns_from_next, "starting each return at the next reward"),
    ("rl.policy_evaluation", policy_evaluation_uniform, "ignoring the policy"),
    ("rl.policy_evaluation", policy_evaluation_one_backup, "a single backup from v = 0"),
    ("rl.policy_evaluation", policy_evaluation_transposed, "the wrong way round"),
    ("rl.policy_evaluation", policy_evaluation_discounted_reward, "discounting the immediate reward too"),
    ("rl.value_iteration", value_iteration_mean, "averaging over the actions"),
    ("rl.value_iteration", value_iteration_one_sweep, "a single sweep from V = 0"),
    ("rl.value_iteration", value_iteration_greedy_on_reward, "the best immediate reward"),
    ("rl.value_iteration", value_iteration_argmin, "argmin of Q"),
    ("rl.value_iteration", value_iteration_float_policy, "integer array"),
    ("rl.q_learning_update", q_update_bootstraps_terminal, "at a terminal transition"),
    ("rl.q_learning_update", q_update_mean, "the mean over the next state's actions"),
    ("rl.q_learning_update", q_update_adds_target, "adding α · target"),
    ("rl.q_learning_update", q_update_in_place, "changed"),
    ("rl.epsilon_greedy_probabilities", eps_first_argmax, "np.argmax"),
    ("rl.epsilon_greedy_probabilities", eps_no_share, "ε / (|A| − 1)"),
    ("rl.epsilon_greedy_probabilities", eps_swapped, "exchanging ε and 1 − ε"),
    ("rl.epsilon_greedy_probabilities", eps_unnormalised_ties, "does not sum to 1"),
]


PUBLIC_CASES = [  # (public grade_id, function name, wrong variant, phrase the learner must read)
    ("discounted_returns_public", "discounted_returns", returns_forward, "accumulating forward"),
    ("discounted_returns_public", "discounted_returns", returns_undiscounted, "leaving out the discount"),
    ("discounted_returns_public", "discounted_returns", returns_from_next, "starting each return at the next reward"),
    ("discounted_returns_public", "discounted_returns", returns_from_start, "from the episode's start"),
    ("policy_evaluation_public", "policy_evaluation", policy_evaluation_uniform, "ignoring the policy"),
    ("policy_evaluation_public", "policy_evaluation", policy_evaluation_one_backup, "a single backup"),
    ("policy_evaluation_public", "policy_evaluation", policy_evaluation_discounted_reward, "immediate reward too"),
    ("value_iteration_public", "value_iteration", value_iteration_mean, "averaging over the actions"),
    ("value_iteration_public", "value_iteration", value_iteration_one_sweep, "a single sweep"),
    ("epsilon_greedy_probabilities_public", "epsilon_greedy_probabilities", eps_first_argmax, "np.argmax"),
    ("epsilon_greedy_probabilities_public", "epsilon_greedy_probabilities", eps_no_share, "ε / (|A| − 1)"),
    ("epsilon_greedy_probabilities_public", "epsilon_greedy_probabilities", eps_swapped, "exchanging ε and 1 − ε"),
    ("q_learning_update_public", "q_learning_update", q_update_mean, "the mean over the next state's actions"),
    ("q_learning_update_public", "q_learning_update", q_update_adds_target, "adding α · target"),
    ("q_learning_update_public", "q_learning_update", q_update_bootstraps_terminal, "at a terminal transition"),
]


WRONG_SUBMISSION = (
    {"discounted_returns": renamed_source(returns_forward, "discounted_returns"),
     "epsilon_greedy_probabilities": renamed_source(eps_swapped, "epsilon_greedy_probabilities"),
     "checkpoint_q1": "q1_answer = 2 / 0.95", "checkpoint_q3": 'q3_answer = "e"'},
    {"discounted_returns_public", "discounted_returns_hidden", "epsilon_greedy_probabilities_public",
     "epsilon_greedy_probabilities_hidden", "checkpoint_q1_test", "checkpoint_q3_test"},
)
