"""The `rl` elective's explorer and gridworld: the 4 × 3 gridworld of Russell & Norvig (a goal, a pit, a wall,
moves that slip sideways), its MDP as arrays, and value iteration stepped sweep by sweep.

The MDP is plain arrays: ``P[s, a, s']`` the transition probabilities, ``R[s, a]`` the expected reward of taking
``a`` in ``s``. The goal and the pit are terminal: absorbing, with reward 0 once there. Entering the goal pays
``goal_reward``, the pit ``pit_reward``, any other move ``step_reward``.

Model: :class:`GridworldStudy` (``compute()`` returns a frozen :class:`GridworldResult`); view:
:func:`gridworld_explorer`. All sweeps of value iteration are computed once per setting of the rewards, discount
and slip (cached): the sweep slider only picks one. The learner's ``epsilon_greedy_probabilities`` and
``policy_evaluation`` (for the value of the ε-greedy policy) run once they pass their checks (``LearnerChecks``).
"""
from __future__ import annotations

import functools
import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course.explorers.view import LearnerChecks, Validate, assemble, figure_png, guarded, new_figure, quiet

LAYOUT = ("...G",
          ".#.P",
          "S...")
ACTIONS = ("up", "right", "down", "left")
MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))
MAX_SWEEPS = 60


# ----------------------------------------------------------------------------- the gridworld as an MDP


@dataclass(frozen=True)
class Gridworld:
    P: np.ndarray              # (S, A, S)
    R: np.ndarray              # (S, A): expected reward
    entry_reward: np.ndarray   # (S,): the reward of a move that ends in s'
    terminal: np.ndarray       # (S,) bool
    cells: tuple               # (row, column) of each state
    start: int
    shape: tuple

    def sample(self, state: int, action: int, rng: np.random.Generator) -> tuple[int, float, bool]:
        """One move in the world: (next state, reward, whether the next state is terminal)."""
        nxt = int(np.searchsorted(np.cumsum(self.P[state, action]), rng.random() * (1 - 1e-12), side="right"))
        return nxt, float(self.entry_reward[nxt]), bool(self.terminal[nxt])


@functools.lru_cache(maxsize=64)
def gridworld(step_reward: float = -0.04, goal_reward: float = 1.0, pit_reward: float = -1.0,
              slip: float = 0.2) -> Gridworld:
    """The 4 × 3 gridworld: a move goes where intended with probability 1 − slip, else to either side (slip / 2
    each); a move into the wall or off the grid stays put."""
    rows, cols = len(LAYOUT), len(LAYOUT[0])
    cells = tuple((r, c) for r in range(rows) for c in range(cols) if LAYOUT[r][c] != "#")
    index = {cell: i for i, cell in enumerate(cells)}
    S, A = len(cells), len(ACTIONS)
    terminal = np.array([LAYOUT[r][c] in "GP" for r, c in cells])
    entry = np.array([goal_reward if LAYOUT[r][c] == "G" else pit_reward if LAYOUT[r][c] == "P" else step_reward
                      for r, c in cells], dtype=float)
    P = np.zeros((S, A, S))
    for s, (r, c) in enumerate(cells):
        for a in range(A):
            if terminal[s]:
                P[s, a, s] = 1.0
                continue
            for direction, p in ((a, 1 - slip), ((a + 1) % 4, slip / 2), ((a + 3) % 4, slip / 2)):
                dr, dc = MOVES[direction]
                target = (r + dr, c + dc)
                P[s, a, index.get(target, s)] += p
    R = P @ entry
    R[terminal] = 0.0
    start = index[next((r, c) for r in range(rows) for c in range(cols) if LAYOUT[r][c] == "S")]
    return Gridworld(P, R, entry, terminal, cells, start, (rows, cols))


# ----------------------------------------------------------------------------- references (the lesson falls back on)


def reference_discounted_returns(rewards, gamma) -> np.ndarray:
    rewards = np.asarray(rewards, dtype=float)
    out, running = np.zeros(len(rewards)), 0.0
    for t in range(len(rewards) - 1, -1, -1):
        running = rewards[t] + gamma * running
        out[t] = running
    return out


def reference_policy_evaluation(P, R, policy, gamma) -> np.ndarray:
    P, R, policy = np.asarray(P, float), np.asarray(R, float), np.asarray(policy, float)
    P_pi = np.einsum("sa,sat->st", policy, P)
    r_pi = np.sum(policy * R, axis=1)
    return np.linalg.solve(np.eye(len(R)) - gamma * P_pi, r_pi)


def reference_value_iteration(P, R, gamma, tol=1e-10):
    P, R = np.asarray(P, float), np.asarray(R, float)
    V = np.zeros(len(R))
    while True:
        Q = R + gamma * P @ V
        new = Q.max(axis=1)
        if np.max(np.abs(new - V)) < tol:
            V = new
            break
        V = new
    return V, np.argmax(R + gamma * P @ V, axis=1)


def reference_epsilon_greedy_probabilities(q_values, epsilon) -> np.ndarray:
    q = np.asarray(q_values, dtype=float)
    best = q == q.max(axis=-1, keepdims=True)
    return epsilon / q.shape[-1] + (1 - epsilon) * best / best.sum(axis=-1, keepdims=True)


def reference_q_learning_update(Q, state, action, reward, next_state, done, alpha, gamma) -> np.ndarray:
    Q = np.array(Q, dtype=float)
    target = reward + (0.0 if done else gamma * Q[next_state].max())
    Q[state, action] += alpha * (target - Q[state, action])
    return Q


def value_iteration_sweeps(P, R, gamma, sweeps: int = MAX_SWEEPS) -> tuple[np.ndarray, np.ndarray]:
    """V_0 = 0, V_1, ..., V_sweeps (rows) and the action values Q_k = R + γ P V_k of each."""
    P, R = np.asarray(P, float), np.asarray(R, float)
    values = np.zeros((sweeps + 1, len(R)))
    qs = np.zeros((sweeps + 1,) + R.shape)
    for k in range(sweeps + 1):
        qs[k] = R + gamma * P @ values[k]
        if k < sweeps:
            values[k + 1] = qs[k].max(axis=1)
    return values, qs


# ----------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class GridworldResult:
    sweep: int
    values: np.ndarray           # (rows, cols): V_k, NaN at the wall
    greedy: np.ndarray           # (S,): the greedy action w.r.t. Q_k
    optimal_values: np.ndarray   # (S,): V* (value iteration to convergence)
    errors: np.ndarray           # (MAX_SWEEPS + 1,): max_s |V_k(s) − V*(s)|
    bound: np.ndarray            # γ^k max_s |V_0(s) − V*(s)|: the contraction's guarantee
    change: float                # max_s |V_k − V_{k−1}| (0 at sweep 0)
    greedy_is_optimal: bool      # does the greedy policy of sweep k already pick optimal actions everywhere?
    start_value: float           # V_k at the start
    greedy_start_value: float    # the value of the greedy policy (evaluated exactly) at the start
    epsilon_start_value: float   # the value of the ε-greedy policy at the start
    epsilon: float
    gamma: float
    terminal: np.ndarray
    cells: tuple
    running: str


@functools.lru_cache(maxsize=32)
def _sweeps(step_reward: float, goal_reward: float, pit_reward: float, slip: float, gamma: float):
    world = gridworld(step_reward, goal_reward, pit_reward, slip)
    values, qs = value_iteration_sweeps(world.P, world.R, gamma)
    optimal, _ = reference_value_iteration(world.P, world.R, gamma, tol=1e-12)
    return world, values, qs, optimal


@dataclass
class GridworldStudy:
    """All the explorer's state: the rewards, the discount, the slip, ε and the sweep of value iteration shown."""
    step_reward: float = -0.04
    goal_reward: float = 1.0
    pit_reward: float = -1.0
    gamma: float = 0.9
    slip: float = 0.2
    epsilon: float = 0.1
    sweep: int = MAX_SWEEPS
    epsilon_greedy_probabilities: Callable | None = None
    policy_evaluation: Callable | None = None
    validate: Validate | None = None
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def _pick(self, name: str, function: Callable | None, reference: Callable) -> tuple[Callable, bool, str]:
        usable, why = self._checks.usable(f"rl.{name}", function, self.validate)
        if usable is not None:
            return guarded(f"rl.{name}", usable), True, ""
        return reference, False, why and f"your {name} {why}"

    def compute(self) -> GridworldResult:
        return self._checks.compute(self._compute)

    def _compute(self) -> GridworldResult:
        probabilities, eps_mine, eps_why = self._pick("epsilon_greedy_probabilities",
                                                      self.epsilon_greedy_probabilities,
                                                      reference_epsilon_greedy_probabilities)
        evaluate, eval_mine, eval_why = self._pick("policy_evaluation", self.policy_evaluation,
                                                   reference_policy_evaluation)
        gamma = float(self.gamma)
        world, values, qs, optimal = _sweeps(float(self.step_reward), float(self.goal_reward),
                                             float(self.pit_reward), float(self.slip), gamma)
        k = int(np.clip(self.sweep, 0, MAX_SWEEPS))
        q = qs[k]
        greedy = np.argmax(q, axis=1)
        errors = np.max(np.abs(values - optimal), axis=1)
        bound = gamma ** np.arange(MAX_SWEEPS + 1) * errors[0]
        q_star = world.R + gamma * world.P @ optimal
        live = ~world.terminal
        chosen = q_star[np.arange(len(greedy)), greedy]
        greedy_is_optimal = bool(np.all(chosen[live] >= q_star[live].max(axis=1) - 1e-9))
        one_hot = np.eye(len(ACTIONS))[greedy]
        with quiet():
            greedy_value = reference_policy_evaluation(world.P, world.R, one_hot, gamma)
            soft = np.asarray(probabilities(q, float(self.epsilon)), dtype=float)
            epsilon_value = np.asarray(evaluate(world.P, world.R, soft, gamma), dtype=float)
        grid = np.full(world.shape, np.nan)
        for s, (r, c) in enumerate(world.cells):
            grid[r, c] = values[k, s]
        mine = [n for n, used in (("epsilon_greedy_probabilities", eps_mine), ("policy_evaluation", eval_mine))
                if used]
        whys = [w for w in (eps_why, eval_why) if w]
        running = ("ε-greedy value: " + (", ".join(f"your {m}" for m in mine) if mine else "the references")
                   + (" (" + "; ".join(whys) + ")" if whys else ""))
        return GridworldResult(k, grid, greedy, optimal, errors, bound,
                               float(np.max(np.abs(values[k] - values[k - 1])) if k else 0.0),
                               greedy_is_optimal, float(values[k, world.start]), float(greedy_value[world.start]),
                               float(epsilon_value[world.start]), float(self.epsilon), gamma, world.terminal,
                               world.cells, running)


def describe(r: GridworldResult) -> str:
    return (f"sweep {r.sweep}: V(start) = {r.start_value:.3f}, largest change {r.change:.2g}, "
            f"error to V* {r.errors[r.sweep]:.2g}; greedy policy {'optimal' if r.greedy_is_optimal else 'not optimal yet'} "
            f"(its value at the start {r.greedy_start_value:.3f}); ε = {r.epsilon:.2f}-greedy: {r.epsilon_start_value:.3f}")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (8.4, 3.3), 80
_ARROW = {0: (0, 1), 1: (1, 0), 2: (0, -1), 3: (-1, 0)}   # (dx, dy) with y up on the picture


def gridworld_explorer(epsilon_greedy_probabilities: Callable | None = None, policy_evaluation: Callable | None = None,
                       *, validate: Validate | None = None, **settings):
    """Sliders for the rewards, the discount γ, the slip, ε and the sweep of value iteration; left, V_k as a heatmap
    with the greedy policy as arrows; right, the error max |V_k − V*| per sweep and its bound γ^k. The box carries
    ``model`` (:class:`GridworldStudy`), ``result`` and ``controls``."""
    import ipywidgets as widgets

    model = GridworldStudy(epsilon_greedy_probabilities=epsilon_greedy_probabilities,
                           policy_evaluation=policy_evaluation, validate=validate, **settings)
    style = {"description_width": "initial"}
    controls = {
        "step_reward": widgets.FloatSlider(value=model.step_reward, min=-2.0, max=0.5, step=0.02,
                                           description="reward per move", style=style),
        "goal_reward": widgets.FloatSlider(value=model.goal_reward, min=0.0, max=5.0, step=0.1,
                                           description="goal reward", style=style),
        "pit_reward": widgets.FloatSlider(value=model.pit_reward, min=-5.0, max=0.0, step=0.1,
                                          description="pit reward", style=style),
        "gamma": widgets.FloatSlider(value=model.gamma, min=0.0, max=0.99, step=0.01, description="discount γ",
                                     style=style),
        "slip": widgets.FloatSlider(value=model.slip, min=0.0, max=0.8, step=0.05, description="slip", style=style),
        "epsilon": widgets.FloatSlider(value=model.epsilon, min=0.0, max=1.0, step=0.05, description="ε",
                                       style=style),
        "sweep": widgets.IntSlider(value=model.sweep, min=0, max=MAX_SWEEPS, description="value-iteration sweep",
                                   style=style)}
    names = list(controls)
    rows = [widgets.HBox([controls[n] for n in names[:3]]), widgets.HBox([controls[n] for n in names[3:6]]),
            widgets.HBox([controls["sweep"]])]
    return assemble(model, controls, rows, picture=_Picture(), css_class="explorer-gridworld", label="<gridworld>",
                    status=lambda r: (html.escape(describe(r)), r.running))


class _Picture:
    def __init__(self) -> None:
        from matplotlib.patches import Rectangle

        rows, cols = len(LAYOUT), len(LAYOUT[0])
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.grid_ax, self.error_ax = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1]})
        self.figure.subplots_adjust(left=0.03, right=0.98, top=0.88, bottom=0.15, wspace=0.2)
        ax = self.grid_ax
        self.image = ax.imshow(np.zeros((rows, cols)), cmap="RdYlGn", vmin=-1, vmax=1,
                               extent=(-0.5, cols - 0.5, rows - 0.5, -0.5))
        ax.set_xticks([])
        ax.set_yticks([])
        for r in range(rows):
            for c in range(cols):
                if LAYOUT[r][c] == "#":
                    ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, color="0.3"))
        self.cells = [(r, c) for r in range(rows) for c in range(cols) if LAYOUT[r][c] != "#"]
        self.texts = [ax.text(c, r + 0.3, "", ha="center", va="center", fontsize=9) for r, c in self.cells]
        for r, c in self.cells:
            if LAYOUT[r][c] in "GPS":
                ax.text(c - 0.38, r - 0.32, {"G": "goal", "P": "pit", "S": "start"}[LAYOUT[r][c]], fontsize=7)
        xs = np.array([c for _, c in self.cells], float)
        ys = np.array([r for r, _ in self.cells], float)
        self.arrows = ax.quiver(xs, ys - 0.05, np.zeros(len(xs)), np.zeros(len(xs)), angles="xy", scale_units="xy",
                                scale=2.2, width=0.012, color="k")
        self.title = ax.set_title("", fontsize=9)
        eax = self.error_ax
        k = np.arange(MAX_SWEEPS + 1)
        self.error_line, = eax.semilogy(k, np.ones(len(k)), "-", color="C0", label="max |V_k − V*|")
        self.bound_line, = eax.semilogy(k, np.ones(len(k)), "--", color="0.5", label="γ^k · max |V_0 − V*|")
        self.marker, = eax.semilogy([0], [1], "o", color="C3")
        eax.set_xlim(0, MAX_SWEEPS)
        eax.set_ylim(1e-8, 10)
        eax.set_xlabel("sweep k")
        eax.legend(fontsize=7, loc="upper right", frameon=False)
        self.error_title = eax.set_title("", fontsize=9)

    def draw(self, r: GridworldResult) -> bytes:
        scale = max(1e-9, float(np.nanmax(np.abs(r.optimal_values))))
        self.image.set_data(r.values)
        self.image.set_clim(-scale, scale)
        u = np.zeros(len(self.cells))
        v = np.zeros(len(self.cells))
        for s, (row, col) in enumerate(r.cells):
            self.texts[s].set_text(f"{r.values[row, col]:.2f}")
            if not r.terminal[s]:
                u[s], v[s] = _ARROW[int(r.greedy[s])]
        self.arrows.set_UVC(u, -v)
        self.title.set_text(f"V after {r.sweep} sweeps (γ = {r.gamma:.2f}) and its greedy policy")
        floor = 1e-8
        self.error_line.set_ydata(np.maximum(r.errors, floor))
        self.bound_line.set_ydata(np.maximum(r.bound, floor))
        self.marker.set_data([r.sweep], [max(r.errors[r.sweep], floor)])
        self.error_title.set_text(f"error {r.errors[r.sweep]:.1e}; greedy "
                                  f"{'optimal' if r.greedy_is_optimal else 'not yet optimal'}")
        return figure_png(self.figure)


if __name__ == "__main__":   # a quick look without a browser
    print(describe(GridworldStudy().compute()))
