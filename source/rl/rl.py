# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: nbgrader,tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,-all
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Reinforcement learning — MDPs, value iteration, Q-learning, a learned model and policy gradients
#
# Supervised learning is told the right answer for every example. A reinforcement-learning **agent** is told only
# how good the consequences of its actions were, often much later, and has to find out by trial and error which
# actions lead there. The source syllabus splits the field three ways — **value-based** methods (learn how good each
# state or action is, act greedily), **policy-based** methods (adjust the policy itself in the direction of more
# reward) and **model-based** methods (learn how the world works, then plan) — and this elective does one of each, on
# problems small enough to run in seconds on a laptop, offline.
#
# | § | topic | you implement |
# |---|---|---|
# | 1 | Markov decision processes, the gridworld, returns and discounting | `discounted_returns` |
# | 2 | the Bellman equation of a policy: policy evaluation | `policy_evaluation` |
# | 3 | the Bellman optimality equation: value iteration | `value_iteration` |
# | 4 | the gridworld explorer: rewards, discount, slip, ε, sweep by sweep | |
# | 5 | learning from experience: ε-greedy exploration and Q-learning | `epsilon_greedy_probabilities`, `q_learning_update` |
# | 6 | model-based: learn the model from experience, plan with it | |
# | 7 | policy gradients: REINFORCE on CartPole | |
# | 8 | checkpoint | four questions + one written answer |

# %% [markdown]
# ## How to work this notebook
#
# 1. **Run the cells in order**, from the top (the imports cell first). If something looks odd, use
#    *Kernel → Restart Kernel and Run All Cells*.
# 2. Where a cell says `# YOUR CODE HERE` and `raise NotImplementedError()`, delete the `raise` line and write your
#    implementation with **NumPy** (for `policy_evaluation`, without `np.linalg.solve`: it is what you are compared
#    with).
# 3. **Run the public test cell** under each exercise: small inputs whose answers you can work out by hand.
# 4. Then try **fresh random inputs** as often as you like, e.g. `check("rl.value_iteration", value_iteration)`. It
#    prints ✓ or what went wrong.
# 5. **Hidden tests** run when the notebook is graded: random MDPs, compared with the exact solution of the Bellman
#    equations (`np.linalg.solve`), with the best of all deterministic policies found by brute force, with
#    `scipy.signal.lfilter` and with the update's formula, plus edge cases (terminal states, γ = 0, ties). If
#    `check(...)` passes reliably, they will pass too.
# 6. The lesson cells after each exercise use your function once it is written (and a reference until then); the
#    explorer of §4 runs your `epsilon_greedy_probabilities` and `policy_evaluation` once they pass their checks.

# %%
# %matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from course.checks import expect_close, expect_equal, expect_choice, expect_true, expect_unchanged
from course.exercises import check, grade
from course.explorers.gridworld import (ACTIONS, LAYOUT, gridworld, reference_discounted_returns,
                                        reference_epsilon_greedy_probabilities, reference_policy_evaluation,
                                        reference_q_learning_update, reference_value_iteration,
                                        value_iteration_sweeps)

np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 3)
notebook_started = time.perf_counter()


def mine_or_reference(function, reference, *args, _said=set()):
    """Your function's result when it is written; the reference's until then (so the lesson runs either way)."""
    try:
        return function(*args)
    except NotImplementedError:
        if function.__name__ not in _said:          # say it once, not at every call
            print(f"({function.__name__} is not written yet: the lesson uses a reference implementation)")
            _said.add(function.__name__)
        return reference(*args)


# %% [markdown]
# ## 1. Markov decision processes
#
# A **Markov decision process** (MDP) is a set of states $\mathcal S$, a set of actions $\mathcal A$, transition
# probabilities $P(s' \mid s, a)$, rewards, and a discount $\gamma \in [0, 1)$. At each step the agent sees the state
# $s_t$, picks an action $a_t$, the world moves to $s_{t+1} \sim P(\cdot \mid s_t, a_t)$ and pays a reward
# $r_{t+1}$. *Markov* means that the next state depends on the past only through the present state and action. We
# write the expected reward of an action as $R(s, a) = \mathbb E[r_{t+1} \mid s_t = s, a_t = a]$, and keep both as
# arrays: `P[s, a, s']` of shape $(|\mathcal S|, |\mathcal A|, |\mathcal S|)$, each `P[s, a]` a distribution, and
# `R[s, a]`. A **terminal** state (the end of an episode) is a state that the agent never leaves and that pays
# nothing any more: `P[s, a, s] = 1`, `R[s, a] = 0`.
#
# Our running example is the **4 × 3 gridworld** of Russell & Norvig's *Artificial Intelligence: A Modern Approach*:
# the agent starts bottom left, a **goal** top right pays +1, a **pit** below it pays −1, both end the episode, and
# every other move costs a little (−0.04). One cell is a wall. Moves are unreliable: with probability $1 - \text{slip}
# = 0.8$ the agent goes where it meant to, otherwise it slips to one side or the other (0.1 each); walking into the
# wall or off the grid leaves it where it was.

# %%
world = gridworld(step_reward=-0.04, goal_reward=1.0, pit_reward=-1.0, slip=0.2)
S, A = world.R.shape
print("the layout (S start, G goal, P pit, # wall):", *LAYOUT, sep="\n  ")
print(f"{S} states, {A} actions {ACTIONS}; P has shape {world.P.shape}, R has shape {world.R.shape}")
start = world.start
transitions = pd.DataFrame(world.P[start], index=[f"{a}" for a in ACTIONS],
                           columns=[f"s{s} {world.cells[s]}" for s in range(S)])
print(f"from the start (state {start}, cell {world.cells[start]}), where each action leads:")
transitions.loc[:, (transitions > 0).any()]


# %% [markdown]
# Going *up* from the start cell reaches the cell above with probability 0.8; with 0.1 it slips *left* into the edge
# and stays, with 0.1 it slips *right*. The rows sum to 1, as every `P[s, a]` must.
#
# ### Returns and discounting
#
# The agent wants a large **return**, the discounted sum of the rewards from time $t$ on:
#
# $$G_t = r_{t+1} + \gamma r_{t+2} + \gamma^2 r_{t+3} + \dots = \sum_{k \ge 0} \gamma^k r_{t+k+1}
#       = r_{t+1} + \gamma\, G_{t+1}.$$
#
# The discount makes an infinite sum finite (with rewards bounded by $r_{\max}$, $|G_t| \le r_{\max} / (1 - \gamma)$),
# and it says how far the agent looks ahead: a reward $k$ steps away counts $\gamma^k$; with $\gamma = 0.9$ a reward
# 10 steps away counts $0.9^{10} \approx 0.35$, 50 steps away $0.005$. The last form, $G_t = r_{t+1} + \gamma G_{t+1}$,
# is the one to compute with: walk an episode **backwards** from its end, where $G = 0$.
#
# In code we index the rewards of an episode from 0: `rewards[t]` is the reward that followed the action at step
# $t$ (the $r_{t+1}$ above), so `returns[t] = rewards[t] + γ · returns[t + 1]`.
#
# ### Exercise 1 — `discounted_returns`
#
# `rewards`: a 1-D array of the rewards of one episode; `gamma`: the discount. Return the array of the returns $G_t$
# for every step $t$ (same length), with $G_t = $ `rewards[t]` $+ \gamma G_{t+1}$ and nothing after the last step.
# Compared with `scipy.signal.lfilter([1], [1, -gamma], rewards[::-1])[::-1]` (a linear filter run backwards).

# %% nbgrader={"grade": false, "grade_id": "discounted_returns", "locked": false, "schema_version": 3, "solution": true, "task": false}
def discounted_returns(rewards, gamma):
    """G_t = rewards[t] + γ G_{t+1} for every step of one episode (G after the last step is 0)."""
    ### BEGIN SOLUTION
    rewards = np.asarray(rewards, dtype=float)
    returns = np.zeros(len(rewards))
    running = 0.0
    for t in reversed(range(len(rewards))):
        running = rewards[t] + gamma * running
        returns[t] = running
    return returns
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "discounted_returns_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Rewards 1, 0, 2 with γ = 0.5: G_2 = 2, G_1 = 0 + 0.5 · 2 = 1, G_0 = 1 + 0.5 · 1 = 1.5.
expect_close(discounted_returns(np.array([1.0, 0.0, 2.0]), 0.5), [1.5, 1.0, 2.0], rtol=1e-9,
             name="discounted_returns([1, 0, 2], γ = 0.5)",
             slips={"accumulating forward from the first step instead of backward from the end": [1.0, 0.5, 2.25],
                    "leaving out the discount": [3.0, 2.0, 2.0],
                    "starting each return at the next reward (G_t must include rewards[t])": [1.0, 2.0, 0.0],
                    "discounting from the episode's start instead of from t": [1.5, 0.5, 0.5]})
# A reward of 1 at every one of 3 steps, γ = 0.9: 1 + 0.9 + 0.81, 1 + 0.9, 1.
expect_close(discounted_returns(np.ones(3), 0.9), [2.71, 1.9, 1.0], rtol=1e-9, name="three rewards of 1, γ = 0.9")
print("✓ public checks passed: discounted_returns")

# %% nbgrader={"grade": true, "grade_id": "discounted_returns_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: episodes of 1 to 200 random rewards, γ from 0 to 1, CartPole's rewards of 1, a single reward at the
# end. Compared with scipy.signal.lfilter run backwards.
# Try them yourself now: check("rl.discounted_returns", discounted_returns)
### BEGIN HIDDEN TESTS
grade("rl.discounted_returns", discounted_returns)
### END HIDDEN TESTS

# %% [markdown]
# How far ahead does an agent look? With a reward of 1 at every step the return is $\sum_k \gamma^k = 1/(1-\gamma)$:
# the discount acts like a **horizon** of about $1/(1 - \gamma)$ steps.

# %%
horizon_table = pd.DataFrame([{"γ": g, "G_0 of 1000 rewards of 1": mine_or_reference(
    discounted_returns, reference_discounted_returns, np.ones(1000), g)[0], "1 / (1 − γ)": 1 / (1 - g),
    "weight of a reward 10 steps ahead": g ** 10} for g in (0.0, 0.5, 0.9, 0.99)]).set_index("γ")
horizon_table

# %% [markdown]
# ## 2. The Bellman equation of a policy
#
# A **policy** $\pi(a \mid s)$ says how the agent acts: we store it as an array `policy[s, a]` whose rows sum to 1 (a
# deterministic policy has a single 1 per row). Its **value function** is the expected return from each state when
# following it, $v_\pi(s) = \mathbb E_\pi[G_t \mid s_t = s]$. Because $G_t = r_{t+1} + \gamma G_{t+1}$, the values
# satisfy the **Bellman expectation equation**
#
# $$v_\pi(s) = \sum_a \pi(a \mid s) \Bigl[ R(s, a) + \gamma \sum_{s'} P(s' \mid s, a)\, v_\pi(s') \Bigr].$$
#
# Averaged over the policy this is linear: with $r_\pi(s) = \sum_a \pi(a\mid s) R(s, a)$ and
# $P_\pi(s, s') = \sum_a \pi(a\mid s) P(s' \mid s, a)$,
#
# $$v_\pi = r_\pi + \gamma P_\pi v_\pi \quad\Longleftrightarrow\quad (I - \gamma P_\pi)\, v_\pi = r_\pi ,$$
#
# $|\mathcal S|$ linear equations in $|\mathcal S|$ unknowns, with a unique solution for $\gamma < 1$. Solving them
# directly costs $O(|\mathcal S|^3)$. The other way, the one that scales and that the rest of the field builds on, is
# to **iterate** the equation: start from $v = 0$ and repeat $v \leftarrow r_\pi + \gamma P_\pi v$. Each sweep shrinks
# the distance to $v_\pi$ by a factor $\gamma$ at least (the map is a **contraction** in the max norm:
# $\lVert \gamma P_\pi (u - w) \rVert_\infty \le \gamma \lVert u - w \rVert_\infty$, since each row of $P_\pi$ is a
# distribution), so it converges from any start.
#
# ### Exercise 2 — `policy_evaluation`
#
# `P` (S, A, S), `R` (S, A), `policy` (S, A) with rows summing to 1, `gamma` < 1. Return $v_\pi$ as an array of
# shape (S,), by **iterating** the Bellman expectation equation until the largest change in a sweep is below `tol`
# (not with `np.linalg.solve`: that is the reference). `np.einsum` or `@` help: `P @ v` has shape (S, A), the expected
# next value of each action. Compared with `np.linalg.solve(I − γ P_π, r_π)` to within 10⁻⁶.

# %% nbgrader={"grade": false, "grade_id": "policy_evaluation", "locked": false, "schema_version": 3, "solution": true, "task": false}
def policy_evaluation(P, R, policy, gamma, tol=1e-10):
    """v_π for the policy (S, A) in the MDP (P, R, γ), by iterating v ← r_π + γ P_π v until it stops changing."""
    ### BEGIN SOLUTION
    P, R, policy = np.asarray(P, float), np.asarray(R, float), np.asarray(policy, float)
    v = np.zeros(len(R))
    while True:
        new = np.sum(policy * (R + gamma * (P @ v)), axis=1)
        if np.max(np.abs(new - v)) < tol:
            return new
        v = new
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "policy_evaluation_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Two states. In state 0, action 0 stays there and pays 1, action 1 moves to state 1 and pays 0; state 1 is terminal.
# The policy takes action 0 with probability 0.8: v(0) = 0.8 (1 + 0.9 v(0)), so v(0) = 0.8 / 0.28 = 20/7.
pe_P = np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]])
pe_R = np.array([[1.0, 0.0], [0.0, 0.0]])
pe_policy = np.array([[0.8, 0.2], [0.5, 0.5]])
expect_close(policy_evaluation(pe_P, pe_R, pe_policy, 0.9), [20 / 7, 0.0], rtol=1e-6, atol=1e-6,
             name="policy_evaluation on the two-state MDP",
             slips={"ignoring the policy (every action equally likely)": [0.5 / 0.55, 0.0],
                    "a single backup from v = 0 (r_π only)": [0.8, 0.0],
                    "discounting the immediate reward too": [0.72 / 0.28, 0.0]})
expect_unchanged(pe_policy, [[0.8, 0.2], [0.5, 0.5]], "policy_evaluation", "policy", name="policy is left unchanged")
# γ = 0: the value is the expected immediate reward r_π.
expect_close(policy_evaluation(pe_P, pe_R, pe_policy, 0.0), [0.8, 0.0], rtol=1e-9, atol=1e-9, name="γ = 0")
print("✓ public checks passed: policy_evaluation")

# %% nbgrader={"grade": true, "grade_id": "policy_evaluation_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random MDPs of 1 to 12 states and 2 to 4 actions (some deterministic, some with terminal states),
# stochastic, deterministic and uniform policies, γ from 0 to 0.99, and the gridworld. Compared with
# np.linalg.solve(I − γ P_π, r_π).
# Try them yourself now: check("rl.policy_evaluation", policy_evaluation)
### BEGIN HIDDEN TESTS
grade("rl.policy_evaluation", policy_evaluation)
### END HIDDEN TESTS

# %% [markdown]
# How good is **wandering at random** in the gridworld, every action with probability 1/4? And how does the
# iterative answer compare with the exact linear solve?

# %%
def draw_grid(ax, values, policy=None, title=""):
    """The gridworld's values as a heatmap (green good, red bad), the actions of `policy` (S,) as arrows."""
    grid = np.full((len(LAYOUT), len(LAYOUT[0])), np.nan)
    for s, (r, c) in enumerate(world.cells):
        grid[r, c] = values[s]
    scale = np.nanmax(np.abs(grid))
    ax.imshow(grid, cmap="RdYlGn", vmin=-scale, vmax=scale)
    arrows = {0: (0, -0.3), 1: (0.3, 0), 2: (0, 0.3), 3: (-0.3, 0)}
    for s, (r, c) in enumerate(world.cells):
        ax.text(c, r + 0.3, f"{values[s]:.2f}", ha="center", va="center", fontsize=8)
        if policy is not None and not world.terminal[s]:
            dx, dy = arrows[int(policy[s])]
            ax.annotate("", xy=(c + dx, r - 0.05 + dy), xytext=(c - dx, r - 0.05 - dy),
                        arrowprops={"arrowstyle": "->", "lw": 1.5})
    ax.add_patch(plt.Rectangle((0.5, 0.5), 1, 1, color="0.3"))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=9)


uniform_policy = np.full((S, A), 1 / A)
gamma = 0.9
v_random = mine_or_reference(policy_evaluation, reference_policy_evaluation, world.P, world.R, uniform_policy, gamma)
v_exact = np.linalg.solve(np.eye(S) - gamma * np.einsum("sa,sat->st", uniform_policy, world.P),
                          np.sum(uniform_policy * world.R, axis=1))
print(f"the random walk's value at the start: {v_random[start]:.3f}; "
      f"largest difference from the linear solve: {np.max(np.abs(v_random - v_exact)):.1e}")
fig, ax = plt.subplots(figsize=(4, 3))
draw_grid(ax, v_random, title="v of the random policy, γ = 0.9")
plt.show()

# %% [markdown]
# A random walker starting bottom left loses on average: it is as likely to stumble into the pit as into the goal, and
# every step costs. Cells next to the pit are the worst. To act well we need values of *actions*, and the best ones.
#
# ## 3. The Bellman optimality equation and value iteration
#
# The **optimal value** $v_*(s) = \max_\pi v_\pi(s)$ is the most any policy can expect from $s$, and a remarkable
# fact of MDPs is that **one** deterministic policy attains it in every state at once. It satisfies the **Bellman
# optimality equation**, the expectation equation with the average over actions replaced by the best action:
#
# $$v_*(s) = \max_a \Bigl[ R(s, a) + \gamma \sum_{s'} P(s' \mid s, a)\, v_*(s') \Bigr] = \max_a q_*(s, a).$$
#
# The max makes it non-linear (no linear solve), but iterating it is again a $\gamma$-contraction: **value
# iteration** starts from $V_0 = 0$ and sweeps $V_{k+1}(s) = \max_a [R(s,a) + \gamma \sum_{s'} P(s'\mid s,a) V_k(s')]$,
# so $\lVert V_k - v_* \rVert_\infty \le \gamma^k \lVert V_0 - v_* \rVert_\infty$. When it has converged, acting
# **greedily**, $\pi(s) = \arg\max_a [R(s, a) + \gamma \sum_{s'} P(s'\mid s, a) V(s')]$, is optimal.
#
# On a tiny MDP we can check this by brute force: there are only $|\mathcal A|^{|\mathcal S|}$ deterministic policies;
# evaluate each with the linear solve and take, state by state, the best. That is exactly what the hidden tests do.
#
# ### Exercise 3 — `value_iteration`
#
# `P` (S, A, S), `R` (S, A), `gamma` < 1. Sweep from $V = 0$ until the largest change is below `tol`; return the
# tuple `(V, policy)`: `V` of shape (S,) and the greedy policy as an **integer array** of shape (S,) (one action per
# state; `np.argmax` over the action values $Q = R + \gamma P V$; where actions tie any of them is right). The values
# are compared with the best of all deterministic policies (brute force) to within 10⁻⁶, and the policy must be
# optimal: followed exactly, it must be worth $V^*$ in every state.

# %% nbgrader={"grade": false, "grade_id": "value_iteration", "locked": false, "schema_version": 3, "solution": true, "task": false}
def value_iteration(P, R, gamma, tol=1e-10):
    """(V*, greedy policy) by sweeping V ← max_a [R + γ P V] from V = 0 until the largest change is below tol."""
    ### BEGIN SOLUTION
    P, R = np.asarray(P, float), np.asarray(R, float)
    V = np.zeros(len(R))
    while True:
        Q = R + gamma * np.einsum("sat,t->sa", P, V)
        new = Q.max(axis=1)
        done = np.max(np.abs(new - V)) < tol
        V = new
        if done:
            break
    Q = R + gamma * np.einsum("sat,t->sa", P, V)
    return V, Q.argmax(axis=1)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "value_iteration_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# From state 0, action 0 pays 1 now but leads to state 1, which costs 1 every step forever (v = −1 / 0.1 = −10);
# action 1 pays 0 now and leads to state 2, which pays 1 every step (v = 10). γ = 0.9:
# Q(0, ·) = (1 + 0.9 · (−10), 0 + 0.9 · 10) = (−8, 9), so V(0) = 9 and the best action in state 0 is 1.
vi_P = np.zeros((3, 2, 3))
vi_P[0, 0, 1] = vi_P[0, 1, 2] = 1.0
vi_P[1, :, 1] = vi_P[2, :, 2] = 1.0
vi_R = np.array([[1.0, 0.0], [-1.0, -1.0], [1.0, 1.0]])
vi_V, vi_policy = value_iteration(vi_P, vi_R, 0.9)
expect_close(vi_V, [9.0, -10.0, 10.0], rtol=1e-6, atol=1e-6, name="V from value_iteration",
             slips={"averaging over the actions instead of taking the maximum": [0.5, -10.0, 10.0],
                    "a single sweep from V = 0 (max_a R only)": [1.0, -1.0, 1.0]})
expect_equal(int(vi_policy[0]), 1, name="the greedy action in state 0 (1: give up the reward now for the good state)")
print("✓ public checks passed: value_iteration")

# %% nbgrader={"grade": true, "grade_id": "value_iteration_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random MDPs of 3 to 6 states and 1 to 4 actions (deterministic and stochastic, terminal states,
# γ from 0 to 0.95), a corridor, tied actions, a tempting immediate reward. Values compared with the best of all
# deterministic policies (brute force with np.linalg.solve); the policy checked by its own exact value.
# Try them yourself now: check("rl.value_iteration", value_iteration)
### BEGIN HIDDEN TESTS
grade("rl.value_iteration", value_iteration)
### END HIDDEN TESTS

# %% [markdown]
# Value iteration on the gridworld, and a brute-force check: the gridworld has 9 non-terminal states and 4 actions,
# $4^9 = 262\,144$ deterministic policies (the two terminal states' actions do not matter) — few enough to evaluate
# every one at once with a batched linear solve.

# %%
import itertools

v_star, pi_star = mine_or_reference(value_iteration, reference_value_iteration, world.P, world.R, gamma)
live = np.flatnonzero(~world.terminal)
all_policies = np.zeros((A ** len(live), S), dtype=int)
all_policies[:, live] = np.array(list(itertools.product(range(A), repeat=len(live))))
v_all = np.zeros((len(all_policies), S))
for chunk in np.array_split(np.arange(len(all_policies)), 16):  # 16 384 linear systems at a time
    P_chunk = world.P[np.arange(S), all_policies[chunk]]       # (policies, S, S): P_π of each policy
    R_chunk = world.R[np.arange(S), all_policies[chunk]]       # (policies, S): r_π
    v_all[chunk] = np.linalg.solve(np.eye(S) - gamma * P_chunk, R_chunk[..., None])[..., 0]
print(f"{len(all_policies)} policies evaluated; the best value in each state minus value iteration's: "
      f"largest gap {np.max(np.abs(v_all.max(axis=0) - v_star)):.1e}")
print(f"the single best policy at the start is also best everywhere: "
      f"{bool(np.allclose(v_all[np.argmax(v_all[:, start])], v_star, atol=1e-9))}")
print(f"V*(start) = {v_star[start]:.3f}, against {v_random[start]:.3f} for the random walk")

# %%
sweep_values, sweep_q = value_iteration_sweeps(world.P, world.R, gamma, sweeps=60)
errors = np.max(np.abs(sweep_values - v_star), axis=1)
first_optimal = next(k for k in range(61)
                     if np.allclose(reference_policy_evaluation(world.P, world.R, np.eye(A)[sweep_q[k].argmax(1)],
                                                                gamma), v_star, atol=1e-9))
within = int(np.argmax(errors < 1e-3))
fig, axes = plt.subplots(1, 4, figsize=(14, 2.9))
for ax, k in zip(axes[:3], (1, 3, 60)):
    draw_grid(ax, sweep_values[k], sweep_q[k].argmax(1), title=f"V after {k} sweep{'s' * (k > 1)}, greedy arrows")
axes[3].semilogy(errors, label="max |V_k − V*|")
axes[3].semilogy(errors[0] * gamma ** np.arange(61), "--", color="0.5", label="γ^k · max |V_0 − V*|")
axes[3].axvline(first_optimal, color="C2", lw=1, label=f"greedy optimal from sweep {first_optimal}")
axes[3].set(xlabel="sweep k", ylim=(1e-12, 10))
axes[3].legend(fontsize=7)
plt.tight_layout()
plt.show()
print(f"greedy policy optimal from sweep {first_optimal}; values within 1e-3 of V* from sweep {within}")

# %% [markdown]
# Two things to read off. The error falls at least as fast as the bound $\gamma^k$ (the dashed line), as the
# contraction argument promises. And the **greedy policy is optimal long before the values have converged**: after
# 3 sweeps the arrows are already right, while the values need 13 sweeps to come within 10⁻³ of $V^*$.
# Policies are coarser than values — that is why *policy iteration* (evaluate, improve, repeat) often needs only a
# handful of rounds. Note also the optimal policy near the pit: from the cell left of the pit it goes *up* and around,
# never towards the pit, because with slip 0.2 a move along the pit risks falling in.
#
# ## 4. The gridworld explorer
#
# Move the sliders: the **rewards** (per move, at the goal, at the pit), the discount $\gamma$, the **slip**
# probability, and the **sweep** of value iteration shown (all 60 sweeps are computed when a reward, $\gamma$ or the
# slip changes; moving the sweep only picks one). Left: $V_k$ and its greedy arrows. Right: the error to $V^*$ per
# sweep against the bound $\gamma^k$. The status line also evaluates the **ε-greedy** version of the current greedy
# policy (with your `policy_evaluation` once it passes; ε-greedy exploration is §5's subject, and after Exercise 4
# you can run `gridworld_explorer(epsilon_greedy_probabilities, policy_evaluation)` with yours): exploring costs value.
# Things to try:
#
# * Sweep 0, 1, 2, 3: the value of the goal spreads backwards one cell per sweep, and the arrows follow it.
# * Reward per move −2: life is so bad that the agent heads for the **nearest** exit: from the cell left of the pit
#   it jumps in. Reward per move +0.3: it never wants the episode to end: next to the goal it turns away.
# * γ = 0.5: the agent is short-sighted; the start's value falls below 0, and value iteration needs only 7 sweeps to
#   come within 10⁻³ of $V^*$ (13 at γ = 0.9, 17 at γ = 0.99). At γ = 0.99 the bound $0.99^k$ hardly falls, yet the
#   error does: here every policy worth following ends in the goal or the pit within a few steps, and the bound
#   $\gamma^k$ is only the worst case.
# * Slip 0: no risk, so the start's value rises (to 0.519 from 0.374 at slip 0.2).
# * ε from 0 to 1: the ε-greedy policy's value at the start falls to the random walk's (−0.403 at ε = 1).

# %%
from course.explorers.gridworld import gridworld_explorer

gridworld_explorer(policy_evaluation=policy_evaluation)

# %% [markdown]
# ## 5. Learning from experience: exploration and Q-learning
#
# Value iteration needs $P$ and $R$. An agent in an unknown world has only its **experience**: transitions
# $(s, a, r, s')$ one at a time. **Q-learning** (Watkins, 1989) learns the optimal action values $q_*$ from them
# directly. After each transition it nudges $Q(s, a)$ towards a one-sample estimate of the right side of the
# optimality equation:
#
# $$Q(s, a) \leftarrow Q(s, a) + \alpha \bigl[\, r + \gamma \max_{a'} Q(s', a') - Q(s, a) \,\bigr],$$
#
# with step size $\alpha$; when $s'$ is terminal the target is just $r$ (nothing follows). The bracket is the
# **temporal-difference error**. Q-learning is **off-policy**: it learns the greedy policy's values whatever policy
# generated the data, as long as every action keeps being tried in every state.
#
# That is what exploration is for. The simplest rule is **ε-greedy**: with probability $1 - \varepsilon$ take the
# greedy action, with probability $\varepsilon$ a uniformly random one. So each action gets $\varepsilon / |\mathcal
# A|$, and the greedy one $1 - \varepsilon + \varepsilon / |\mathcal A|$; when several actions tie for the best they
# share the $1 - \varepsilon$ equally (otherwise `np.argmax` would always favour the first, and a table of zeros at
# the start would bias the agent towards action 0).
#
# ### Exercise 4 — `epsilon_greedy_probabilities`
#
# `q_values`: the action values of one state, shape (A,), or of several, shape (n, A); `epsilon` in [0, 1]. Return
# the ε-greedy probabilities, the same shape: every action $\varepsilon / A$, plus $(1 - \varepsilon) / m$ for each of
# the $m$ actions whose value equals the row's maximum. Checked by its properties (≥ 0, rows sum to 1, ties split)
# and the formula.

# %% nbgrader={"grade": false, "grade_id": "epsilon_greedy_probabilities", "locked": false, "schema_version": 3, "solution": true, "task": false}
def epsilon_greedy_probabilities(q_values, epsilon):
    """π(a|s) of the ε-greedy policy: ε/|A| each, plus 1 − ε shared by the actions tied for the best value."""
    ### BEGIN SOLUTION
    q = np.asarray(q_values, dtype=float)
    n_actions = q.shape[-1]
    greedy = (q == np.max(q, axis=-1, keepdims=True)).astype(float)
    greedy /= greedy.sum(axis=-1, keepdims=True)
    return epsilon / n_actions + (1 - epsilon) * greedy
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "epsilon_greedy_probabilities_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Values (1, 3, 3, 0), ε = 0.2: each action 0.2 / 4 = 0.05; the tied actions 1 and 2 share 0.8: 0.05 + 0.4 each.
expect_close(epsilon_greedy_probabilities(np.array([1.0, 3.0, 3.0, 0.0]), 0.2), [0.05, 0.45, 0.45, 0.05], rtol=1e-9,
             name="ε-greedy probabilities of (1, 3, 3, 0), ε = 0.2",
             slips={"breaking the tie with np.argmax instead of splitting it": [0.05, 0.85, 0.05, 0.05],
                    "giving the greedy actions 1 − ε and the others ε / (|A| − 1)": [0.1, 0.4, 0.4, 0.1],
                    "exchanging ε and 1 − ε": [0.2, 0.3, 0.3, 0.2]})
# Several states at once (one row each): no tie in the first row, ε = 0.3.
expect_close(epsilon_greedy_probabilities(np.array([[2.0, 0.0, 1.0], [5.0, 5.0, 5.0]]), 0.3),
             [[0.8, 0.1, 0.1], [1 / 3, 1 / 3, 1 / 3]], rtol=1e-9, name="two states at once")
print("✓ public checks passed: epsilon_greedy_probabilities")

# %% nbgrader={"grade": true, "grade_id": "epsilon_greedy_probabilities_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: one state or many, 1 to 5 actions, ties (two tied, all tied), ε = 0, 1 and between, negative values.
# Checked by the properties (a distribution per row, ties split) and the formula.
# Try them yourself now: check("rl.epsilon_greedy_probabilities", epsilon_greedy_probabilities)
### BEGIN HIDDEN TESTS
grade("rl.epsilon_greedy_probabilities", epsilon_greedy_probabilities)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 5 — `q_learning_update`
#
# `Q` (S, A), one transition `state, action, reward, next_state, done` (`done` is True when `next_state` is
# terminal), the step size `alpha` and the discount `gamma`. Return a **new** array: `Q` with the single entry
# `Q[state, action]` moved by $\alpha$ times the TD error, where the target is `reward` $+\ \gamma \max_{a'}$
# `Q[next_state, a']`, or `reward` alone when `done`. Leave the argument `Q` unchanged (copy it first). Compared with
# the formula.

# %% nbgrader={"grade": false, "grade_id": "q_learning_update", "locked": false, "schema_version": 3, "solution": true, "task": false}
def q_learning_update(Q, state, action, reward, next_state, done, alpha, gamma):
    """A copy of Q after one Q-learning step on the transition (state, action, reward, next_state, done)."""
    ### BEGIN SOLUTION
    updated = np.array(Q, dtype=float, copy=True)
    target = reward if done else reward + gamma * np.max(updated[next_state])
    updated[state, action] += alpha * (target - updated[state, action])
    return updated
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "q_learning_update_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Q = [[0, 1], [1, 2]], transition (0, 1, r = 0.5, 1), α = 0.5, γ = 0.9: target 0.5 + 0.9 · max(1, 2) = 2.3, and
# Q[0, 1] = 1 + 0.5 · (2.3 − 1) = 1.65.
ql_Q = np.array([[0.0, 1.0], [1.0, 2.0]])
expect_close(q_learning_update(ql_Q, 0, 1, 0.5, 1, False, 0.5, 0.9), [[0.0, 1.65], [1.0, 2.0]], rtol=1e-9,
             name="q_learning_update on one transition",
             slips={"the mean over the next state's actions instead of the max": [[0.0, 1.425], [1.0, 2.0]],
                    "adding α · target instead of α · (target − Q(s, a))": [[0.0, 2.15], [1.0, 2.0]],
                    "the max over the current state's actions instead of the next state's": [[0.0, 1.2], [1.0, 2.0]]})
expect_unchanged(ql_Q, [[0.0, 1.0], [1.0, 2.0]], "q_learning_update", "Q", name="Q is left unchanged")
# The same transition into a terminal state: the target is the reward alone, 1 + 0.5 · (0.5 − 1) = 0.75.
expect_close(q_learning_update(ql_Q, 0, 1, 0.5, 1, True, 0.5, 0.9), [[0.0, 0.75], [1.0, 2.0]], rtol=1e-9,
             name="q_learning_update when done",
             slips={"bootstrapping from Q[next_state] at a terminal transition": [[0.0, 1.65], [1.0, 2.0]]})
print("✓ public checks passed: q_learning_update")

# %% nbgrader={"grade": true, "grade_id": "q_learning_update_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: tables of 3 to 10 states and 2 to 5 actions, terminal and non-terminal transitions, a self-loop,
# α from 0.05 to 1, γ from 0 to 0.99, negative values. Compared with the formula; Q must be left unchanged.
# Try them yourself now: check("rl.q_learning_update", q_learning_update)
### BEGIN HIDDEN TESTS
grade("rl.q_learning_update", q_learning_update)
### END HIDDEN TESTS

# %% [markdown]
# Q-learning on the gridworld: the agent does not see `P` or `R`, only what `world.sample` returns for each move.
# 2,000 episodes with $\alpha = 0.1$, $\varepsilon = 0.1$, $\gamma = 0.9$. We record the return of each episode and,
# every 10 episodes, the **exact** value (by policy evaluation on the true MDP) of the greedy policy learned so far.

# %%
def q_learning(episodes, alpha=0.1, epsilon=0.1, gamma=0.9, seed=0, max_steps=100):
    rng = np.random.default_rng(seed)
    Q = np.zeros((S, A))
    episode_returns, greedy_value, transitions = [], [], []
    for episode in range(episodes):
        s, total, discount = world.start, 0.0, 1.0
        for _ in range(max_steps):
            probabilities = mine_or_reference(epsilon_greedy_probabilities, reference_epsilon_greedy_probabilities,
                                              Q[s], epsilon)
            a = int(rng.choice(A, p=probabilities))
            s_next, r, done = world.sample(s, a, rng)
            transitions.append((s, a, r, s_next))
            Q = mine_or_reference(q_learning_update, reference_q_learning_update, Q, s, a, r, s_next, done, alpha,
                                  gamma)
            total += discount * r
            discount *= gamma
            s = s_next
            if done:
                break
        episode_returns.append(total)
        if (episode + 1) % 10 == 0:
            greedy = np.eye(A)[Q.argmax(axis=1)]
            greedy_value.append(reference_policy_evaluation(world.P, world.R, greedy, gamma)[world.start])
    return Q, np.array(episode_returns), np.array(greedy_value), transitions


started = time.perf_counter()
Q_learned, q_returns, q_greedy_value, q_transitions = q_learning(2000)
q_policy = Q_learned.argmax(axis=1)
agree = int(np.sum(q_policy[live] == pi_star[live]))
print(f"2,000 episodes ({len(q_transitions)} moves) in {time.perf_counter() - started:.1f} s; "
      f"the learned greedy policy agrees with value iteration's in {agree} of {len(live)} states")
print(f"its exact value at the start: {q_greedy_value[-1]:.3f} (V* = {v_star[start]:.3f})")
fig, axes = plt.subplots(1, 3, figsize=(13, 3))
axes[0].plot(pd.Series(q_returns).rolling(100, min_periods=10).mean(), color="C0")
axes[0].axhline(v_star[start], color="C2", ls="--", label="V*(start)")
axes[0].set(xlabel="episode", ylabel="discounted return (mean of 100)", title="Q-learning's learning curve")
axes[0].legend(fontsize=8)
axes[1].plot(np.arange(10, 2001, 10), q_greedy_value, ".-", color="C1")
axes[1].set_xscale("log")
axes[1].axhline(v_star[start], color="C2", ls="--")
axes[1].set(xlabel="episode", ylabel="exact value at the start", title="the greedy policy learned so far")
draw_grid(axes[2], Q_learned.max(axis=1), q_policy, title="max_a Q after 2,000 episodes")
plt.tight_layout()
plt.show()

# %% [markdown]
# The learning curve (left) rises from below 0 in the first episodes and levels off **below** $V^*$(start): the returns are those of the ε-greedy
# policy that explores, which pays for its 10% random moves. The greedy policy it has learned (middle, evaluated
# exactly; note the logarithmic axis) is worth nearly $V^*$ after about 30 episodes, and exactly $V^*$ later. The learned values (right) are close to $V^*$ where the agent often goes and rougher
# in rarely visited cells: Q-learning only learns where it has been.
#
# ## 6. Model-based: learn the model, then plan
#
# Q-learning throws each transition away after one update. A **model-based** agent keeps them: it estimates the MDP
# from counts, $\hat P(s' \mid s, a) = n(s, a, s') / n(s, a)$ and $\hat R(s, a)$ the mean reward seen after
# $(s, a)$, and then **plans** on its model with value iteration (the *certainty-equivalence* idea; Dyna-Q mixes the
# two by replaying model transitions through Q-learning updates). Pairs never tried are given a self-loop and reward
# 0. Here both agents get the same experience: the first 5, 10, 20, 50 and 100 episodes of the Q-learning run
# above (the same seed gives the same moves), and we compare their greedy policies' exact values at the start.

# %%
lengths, count = [], 0
for s, a, r, s_next in q_transitions:                # where each episode ends: a terminal next state
    count += 1
    if world.terminal[s_next]:
        lengths.append(count)
        count = 0
episode_ends = np.cumsum(lengths)


def learned_model(transitions):
    counts = np.zeros((S, A, S))
    reward_sum = np.zeros((S, A))
    for s, a, r, s_next in transitions:
        counts[s, a, s_next] += 1
        reward_sum[s, a] += r
    n = counts.sum(axis=2)
    P_hat = np.where(n[..., None] > 0, counts / np.maximum(n, 1)[..., None], np.eye(S)[:, None, :])
    R_hat = np.where(n > 0, reward_sum / np.maximum(n, 1), 0.0)
    return P_hat, R_hat


rows = []
for episodes in (5, 10, 20, 50, 100):
    experience = q_transitions[:episode_ends[episodes - 1]]
    P_hat, R_hat = learned_model(experience)
    _, planned = mine_or_reference(value_iteration, reference_value_iteration, P_hat, R_hat, gamma)
    Q_short, *_ = q_learning(episodes, seed=0)
    rows.append({"episodes": episodes, "moves": len(experience),
                 "model-based: value of its greedy policy": reference_policy_evaluation(
                     world.P, world.R, np.eye(A)[planned], gamma)[start],
                 "Q-learning: value of its greedy policy": reference_policy_evaluation(
                     world.P, world.R, np.eye(A)[Q_short.argmax(axis=1)], gamma)[start],
                 "(s, a) pairs tried (of 36)": len({(s, a) for s, a, _, _ in experience})})
model_table = pd.DataFrame(rows).set_index("episodes")
print(f"V*(start) = {v_star[start]:.3f}")
model_table

# %% [markdown]
# From the same few moves, planning on a learned model finds a much better policy than Q-learning: after 10
# episodes the model-based agent's policy is within 0.01 of $V^*$ at the start, while Q-learning's greedy policy is
# still worth less than 0 after 20; Q-learning needs about 100 episodes to catch up. Every transition improves the model's estimate of $P$, and one value iteration
# propagates it through all states at once, where Q-learning moves one entry a step. The price: memory for the model
# ($|\mathcal S|^2 |\mathcal A|$ numbers), computation for planning, and a policy only as good as the model: where the
# model is wrong (rarely visited states), the plan is too. Large problems learn the model with a neural network
# (MuZero, Dreamer) and plan only a few steps ahead.
#
# ## 7. Policy gradients: REINFORCE on CartPole
#
# Value-based methods need a table (or a network) of $Q$ over actions and a max over them. **Policy-based** methods
# parameterise the policy directly, $\pi_\theta(a \mid s)$, and climb the expected return
# $J(\theta) = \mathbb E_{\pi_\theta}[G_0]$. The **policy-gradient theorem** gives its gradient as an expectation we
# can sample from episodes:
#
# $$\nabla_\theta J(\theta) = \mathbb E_{\pi_\theta}\Bigl[\sum_t G_t\, \nabla_\theta \log \pi_\theta(a_t \mid s_t)\Bigr].$$
#
# **REINFORCE** (Williams, 1992) plays an episode, computes every $G_t$ (your `discounted_returns`) and takes a step
# $\theta \leftarrow \theta + \eta \sum_t (G_t - b)\, \nabla_\theta \log \pi_\theta(a_t \mid s_t)$: actions followed by
# a high return become more likely. Subtracting a **baseline** $b$ (here the episode's mean return, and dividing by
# its standard deviation) leaves the expected gradient unchanged (since $\mathbb E[\nabla \log \pi] = 0$) and
# reduces its variance a lot.
#
# **CartPole**: a pole on a cart; push the cart left or right to keep the pole upright. The state is (cart position,
# cart velocity, pole angle, pole angular velocity), the reward 1 per step, and the episode ends when the pole leans
# more than 12° or the cart leaves the track, or after 500 steps. The dynamics here are `course/rl_cartpole.py`: the
# equations and constants of **gymnasium's `CartPole-v1`** (gravity 9.8, cart 1.0 kg, pole 0.1 kg, half-length
# 0.5 m, force 10 N, 0.02 s steps), written out in thirty lines of plain Python so the notebook needs no extra
# package and runs offline.
#
# Our policy is a **logistic** one on the state: $\pi_\theta(\text{right} \mid s) = \sigma(\theta^\top [s, 1])$, for
# which $\nabla_\theta \log \pi_\theta(a \mid s) = (a - \sigma(\theta^\top [s, 1]))\, [s, 1]$ with $a \in \{0, 1\}$.

# %%
from course import rl_cartpole

random_lengths = [len(rl_cartpole.run_episode(lambda state, rng: int(rng.random() < 0.5), np.random.default_rng(s))[2])
                  for s in range(100)]


def reinforce(episodes=1000, learning_rate=0.02, gamma=0.99, seed=0):
    rng = np.random.default_rng(seed)
    theta = np.zeros(5)

    def choose(state, rng):
        z = theta[0] * state[0] + theta[1] * state[1] + theta[2] * state[2] + theta[3] * state[3] + theta[4]
        return int(rng.random() * (1 + np.exp(-z)) < 1)             # right with probability σ(z)

    lengths = []
    for _ in range(episodes):
        states, actions, rewards = rl_cartpole.run_episode(choose, rng)
        lengths.append(len(rewards))
        G = mine_or_reference(discounted_returns, reference_discounted_returns, rewards, gamma)
        advantage = (G - G.mean()) / (G.std() + 1e-8)               # the baseline, and a common scale
        features = np.column_stack([states, np.ones(len(states))])
        p_right = 1 / (1 + np.exp(-features @ theta))
        theta = theta + learning_rate * ((actions - p_right) * advantage) @ features
    return theta, np.array(lengths)


started = time.perf_counter()
theta, episode_lengths = reinforce()
reinforce_seconds = time.perf_counter() - started
first, last = episode_lengths[:100].mean(), episode_lengths[-100:].mean()
print(f"REINFORCE: {len(episode_lengths)} episodes in {reinforce_seconds:.1f} s; mean length of the first 100 "
      f"episodes {first:.0f}, of the last 100 {last:.0f} (the random policy: {np.mean(random_lengths):.0f})")
fig, ax = plt.subplots(figsize=(8, 3))
ax.plot(episode_lengths, ".", ms=2, color="0.6", label="each episode")
ax.plot(pd.Series(episode_lengths).rolling(25).mean(), color="C0", label="mean of 25")
ax.axhline(np.mean(random_lengths), color="C3", ls="--", label="random policy")
ax.set(xlabel="episode", ylabel="steps balanced (= return)", ylim=(0, 510),
       title="REINFORCE with a logistic policy on CartPole")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# The curve rises from the random policy's twenty-odd steps to a mean of over 300 steps in the last 100 episodes (more
# than eight times the first 100's), in about a second of CPU, and it is **noisy**: one unlucky batch of episodes can undo progress, which is the well-known weakness of plain
# REINFORCE (a single episode's returns are a high-variance estimate of the gradient). The fixes that make policy
# gradients work at scale all attack that variance: a learned **critic** $V(s)$ as the baseline (actor–critic,
# A2C), many episodes per step, and steps that may not change the policy too much (TRPO, **PPO** — the algorithm
# behind RLHF for language models).
#
# | family | learns | needs | strengths | weaknesses |
# |---|---|---|---|---|
# | value-based (value iteration, Q-learning, DQN) | $q_*$, acts greedily | a max over actions | off-policy, reuses data | discrete actions; unstable with function approximation |
# | policy-based (REINFORCE, PPO) | $\pi_\theta$ directly | $\nabla \log \pi$ | continuous actions, stochastic policies | high variance, on-policy, sample-hungry |
# | model-based (planning on $\hat P$, Dyna, MuZero) | the world's $P$, $R$ | a planner | very sample-efficient | model errors compound |
#
# ## 8. Checkpoint
#
# Four short questions, checked when the notebook is graded (the cell under each answer only checks its format),
# and one answer in your own words.
#
# **Q1.** An agent receives a reward of 2 at every step, forever, with $\gamma = 0.95$. What is its return $G_0$?
# (A number.)

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q1", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q1_answer to a number.
### BEGIN SOLUTION
q1_answer = 2 / (1 - 0.95)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q1_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q1_answer, (int, float, np.floating, np.integer)) and not isinstance(q1_answer, bool),
            f"q1_answer should be a number; got {q1_answer!r}.", name="q1_answer is a number")
print("q1_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q1_answer, 40.0, rtol=5e-3, name="the answer to question 1 (q1_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q2.** With $\varepsilon = 0.2$ and 4 actions, one of which is the unique greedy action, what is the probability
# that the ε-greedy policy takes the greedy action? (A number.)

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q2", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q2_answer to a number.
### BEGIN SOLUTION
q2_answer = 1 - 0.2 + 0.2 / 4
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q2_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q2_answer, (int, float, np.floating, np.integer)) and not isinstance(q2_answer, bool),
            f"q2_answer should be a number; got {q2_answer!r}.", name="q2_answer is a number")
print("q2_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q2_answer, 0.85, rtol=5e-3, name="the answer to question 2 (q2_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q3.** Why is Q-learning called **off-policy**?
#
# - (a) It does not need a policy at all: it only learns values.
# - (b) Its target uses $\max_{a'} Q(s', a')$, the greedy policy's value, whatever (exploring) policy chose the
#   actions that generated the data.
# - (c) It learns the model $P$ first and derives the policy from it afterwards.
# - (d) It turns the policy off when the episode ends (the terminal target is $r$ alone).

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q3", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q3_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q3_answer = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q3_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q3_answer, str) and q3_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q3_answer should be one of the letters "a", "b", "c", "d"; got {q3_answer!r}.',
            name="q3_answer is one of the letters a, b, c, d")
print("q3_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q3_answer, "b", name="the answer to question 3 (q3_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q4.** In REINFORCE, subtracting a baseline $b$ (that does not depend on the action) from the returns:
#
# - (a) biases the gradient towards the baseline's policy, but makes learning faster.
# - (b) changes nothing at all, in expectation or in variance.
# - (c) leaves the expected gradient unchanged, because $\mathbb E_{a \sim \pi}[\nabla_\theta \log \pi_\theta(a\mid s)] = 0$,
#   and can reduce its variance a lot.
# - (d) is needed because without it the gradient of the log-probability is undefined.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q4", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q4_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q4_answer = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q4_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q4_answer, str) and q4_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q4_answer should be one of the letters "a", "b", "c", "d"; got {q4_answer!r}.',
            name="q4_answer is one of the letters a, b, c, d")
print("q4_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q4_answer, "c", name="the answer to question 4 (q4_answer)")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "choose_method_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Q5 (written, 2 points, graded by a person).** Pick a sequential decision problem of your own (for example: when to
# reorder stock in a shop, how a thermostat should heat a house, which exercise a tutoring app shows next) and
# describe it as an MDP: the states, the actions, the reward, and a sensible discount. Then say which of the three
# families of this notebook you would try first — value-based, policy-based or model-based — and why, and name one
# way the agent could learn something you did not intend (a reward that can be gamed, or exploration that is unsafe).
# Write your answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "choose_method", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# Problem: reordering one product in a small shop, decided once a day. State: the stock on the shelf (0 … 50 units)
# and the number of units already ordered and not yet delivered (deliveries take two days), plus the day of the week
# (demand is higher at weekends). Actions: order 0, 5, 10 or 20 units. Reward: the margin on units sold, minus a
# holding cost per unit kept overnight, minus a large penalty per customer turned away, minus a fixed cost per order.
# Discount 0.99 a day: a horizon of about a hundred days, long enough to see that ordering too little today costs sales
# in three days. The states and actions are few and the dynamics (demand given the weekday) are easy to estimate from
# the sales history, so I would go model-based: fit the demand distribution per weekday from the past year, build
# P and R, and solve the MDP with value iteration; the resulting policy can be checked by hand and re-planned whenever
# prices change. A policy gradient would need many simulated years to learn the same thing. Unintended behaviour: if
# the stock-out penalty is too small, the agent learns to keep the shelf nearly empty (cheap holding, few sales lost
# that the reward counts); and if the model's demand is fitted on a period with stock-outs, the sales it saw
# understate the true demand, so the plan orders too little — the model must be fitted on demand, not on sales.

# %% [markdown]
# ## Summary
#
# * An **MDP** is $(\mathcal S, \mathcal A, P, R, \gamma)$; the **return** $G_t = r_{t+1} + \gamma G_{t+1}$ is computed
#   backwards; $\gamma$ sets a horizon of about $1/(1-\gamma)$ steps.
# * **Policy evaluation** solves the linear Bellman expectation equation $(I - \gamma P_\pi) v_\pi = r_\pi$, exactly or
#   by iterating a $\gamma$-contraction.
# * **Value iteration** iterates the Bellman optimality equation; the error shrinks like $\gamma^k$, and the greedy
#   policy is optimal long before the values converge. On tiny MDPs it matches the best of all policies by brute force.
# * **Q-learning** learns $q_*$ from transitions alone, off-policy, exploring **ε-greedily** (ties split).
# * **Model-based** learning estimates $P$ and $R$ from counts and plans: far fewer real moves for the same policy.
# * **REINFORCE** climbs $\mathbb E[\sum_t G_t \nabla \log \pi_\theta]$; a baseline cuts its variance; it balances
#   CartPole with a linear policy in seconds, noisily.

# %%
print(f"the whole notebook ran in {time.perf_counter() - notebook_started:.0f} s")
