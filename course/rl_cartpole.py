"""CartPole for the `rl` elective, written out in plain Python: the classic-control equations and constants of
gymnasium's ``CartPole-v1`` (Barto, Sutton & Anderson 1983, as gymnasium's ``cartpole.py`` implements them), so the
lesson runs offline without gymnasium installed.

Constants (gymnasium CartPole-v1): gravity 9.8, cart mass 1.0, pole mass 0.1, half the pole's length 0.5, force
10 N, time step 0.02 s (explicit Euler), the episode ends when the pole leans more than 12° or the cart leaves
±2.4, and is cut off after 500 steps; the reward is 1 per step; the start state is uniform on [−0.05, 0.05]⁴.
The state is (cart position x, cart velocity, pole angle θ, pole angular velocity); action 0 pushes left, 1 right.
"""
from __future__ import annotations

import math

import numpy as np

GRAVITY, MASS_CART, MASS_POLE, LENGTH, FORCE, TAU = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
THETA_LIMIT = 12 * 2 * math.pi / 360     # 12 degrees, in radians
X_LIMIT = 2.4
MAX_STEPS = 500                           # CartPole-v1's time limit
TOTAL_MASS = MASS_CART + MASS_POLE
POLE_MASS_LENGTH = MASS_POLE * LENGTH


def reset(rng: np.random.Generator) -> list[float]:
    """A start state, uniform on [−0.05, 0.05] in each of the four coordinates."""
    return [float(v) for v in rng.uniform(-0.05, 0.05, size=4)]


def step(state: list[float], action: int) -> tuple[list[float], float, bool]:
    """One step of 0.02 s: (next state, reward 1.0, terminated: the pole fell or the cart left the track)."""
    x, x_dot, theta, theta_dot = state
    force = FORCE if action == 1 else -FORCE
    cos, sin = math.cos(theta), math.sin(theta)
    temp = (force + POLE_MASS_LENGTH * theta_dot * theta_dot * sin) / TOTAL_MASS
    theta_acc = (GRAVITY * sin - cos * temp) / (LENGTH * (4.0 / 3.0 - MASS_POLE * cos * cos / TOTAL_MASS))
    x_acc = temp - POLE_MASS_LENGTH * theta_acc * cos / TOTAL_MASS
    x, x_dot = x + TAU * x_dot, x_dot + TAU * x_acc                      # explicit Euler, as gymnasium's default
    theta, theta_dot = theta + TAU * theta_dot, theta_dot + TAU * theta_acc
    terminated = x < -X_LIMIT or x > X_LIMIT or theta < -THETA_LIMIT or theta > THETA_LIMIT
    return [x, x_dot, theta, theta_dot], 1.0, terminated


def run_episode(choose, rng: np.random.Generator, max_steps: int = MAX_STEPS):
    """Play one episode with ``choose(state, rng) -> action``; return the states, actions and rewards."""
    state = reset(rng)
    states, actions, rewards = [], [], []
    for _ in range(max_steps):
        action = choose(state, rng)
        states.append(state)
        actions.append(action)
        state, reward, terminated = step(state, action)
        rewards.append(reward)
        if terminated:
            break
    return np.array(states), np.array(actions), np.array(rewards)
