"""Explorer: a denoising diffusion model on 2-D data, step by step, forwards (adding noise) and backwards (sampling).

``DiffusionSteps`` (the model) holds the step ``t`` (0 = data, T = pure noise), the direction and the noise schedule.
Forwards, it noises 600 points of the two moons with the learner's ``ddpm_schedule`` and ``q_sample`` once they
pass their checks (else the references here): x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε, one fixed ε per point. Backwards, it
shows where a trained DDPM's sampler (Ho et al. 2020, T = 50, the linear schedule) has taken 600 points of pure
noise by step t: those trajectories are precomputed (``diffusion_steps.npz``; regenerate it with
``python -m course.explorers.diffusion_steps``, about ten seconds, and a test checks it). ``diffusion_explorer`` is
the view: a slider over t, a direction and a schedule menu.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from course.explorers.view import LearnerChecks, assemble, figure_png, guarded, new_figure

__all__ = ["T", "POINTS", "CACHE", "reference_ddpm_schedule", "reference_q_sample", "moons", "train_ddpm",
           "sample_trajectories", "trajectories", "DiffusionPicture", "DiffusionSteps", "diffusion_explorer"]

T, POINTS = 50, 600
SCHEDULE_KEY, Q_SAMPLE_KEY = "week10.ddpm_schedule", "week10.q_sample"
CACHE = Path(__file__).with_name("diffusion_steps.npz")
TRAIN_STEPS = 3000


def reference_ddpm_schedule(T: int, kind: str = "linear", beta_start: float = 1e-4,
                            beta_end: float = 0.02) -> tuple[np.ndarray, np.ndarray]:
    """(betas, alphas_cumprod), each (T,): linear from beta_start to beta_end (Ho et al.), or the cosine schedule
    of Nichol & Dhariwal (s = 0.008, betas clipped at 0.999)."""
    if kind == "linear":
        betas = np.linspace(beta_start, beta_end, T)
    else:
        f = np.cos((np.arange(T + 1) / T + 0.008) / 1.008 * math.pi / 2) ** 2
        betas = np.minimum(1 - f[1:] / f[:-1], 0.999)
    return betas, np.cumprod(1 - betas)


def reference_q_sample(x0: np.ndarray, t: np.ndarray, alphas_cumprod: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """x_t = √ᾱ_t x0 + √(1 − ᾱ_t) noise, row by row; t indexes alphas_cumprod (0: one step of noise)."""
    a = np.asarray(alphas_cumprod)[np.asarray(t)][:, None]
    return np.sqrt(a) * x0 + np.sqrt(1 - a) * noise


def moons(n: int = POINTS, seed: int = 0) -> np.ndarray:
    """scikit-learn's two moons, centred and scaled to about unit spread: (n, 2)."""
    from sklearn.datasets import make_moons
    X, _ = make_moons(n, noise=0.05, random_state=seed)
    return (X - np.array([0.5, 0.25])) / np.array([0.85, 0.5])


# Linear betas for the trained model: with T = 50 the usual 1e-4..0.02 would leave the signal in; 1e-4..0.2 ends at
# ᾱ_T ≈ 0.006 (as Ho et al.'s T = 1000 ends near 4e-5).
TRAINED_SCHEDULE = {"kind": "linear", "beta_start": 1e-4, "beta_end": 0.2}


def train_ddpm(steps: int = TRAIN_STEPS, seed: int = 0):
    """The noise-prediction network ε_θ(x_t, t) for the moons: an MLP on (x, y, a sinusoidal embedding of t)."""
    import torch
    from torch import nn

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    _, cumprod = reference_ddpm_schedule(T, **TRAINED_SCHEDULE)
    cumprod = torch.tensor(cumprod, dtype=torch.float32)
    data = torch.tensor(moons(4000, seed=1), dtype=torch.float32)
    net = _Denoiser()
    optimiser = torch.optim.Adam(net.parameters(), lr=2e-3)
    for _ in range(steps):
        x0 = data[torch.randint(0, len(data), (256,))]
        t = torch.randint(0, T, (256,))
        noise = torch.randn_like(x0)
        a = cumprod[t][:, None]
        loss = ((net(a.sqrt() * x0 + (1 - a).sqrt() * noise, t) - noise) ** 2).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return net


def _denoiser_class():
    import torch
    from torch import nn

    class Denoiser(nn.Module):
        def __init__(self, width: int = 128):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(2 + 16, width), nn.SiLU(), nn.Linear(width, width), nn.SiLU(),
                                     nn.Linear(width, width), nn.SiLU(), nn.Linear(width, 2))

        def forward(self, x, t):
            frequencies = torch.exp(torch.linspace(0, math.log(100.0), 8))
            angles = t[:, None].float() / T * frequencies[None] * 2 * math.pi
            return self.net(torch.cat([x, torch.sin(angles), torch.cos(angles)], dim=1))

    return Denoiser


def _Denoiser():
    return _denoiser_class()()


def sample_trajectories(net, n: int = POINTS, seed: int = 0) -> np.ndarray:
    """Ancestral sampling (Ho et al. Algorithm 2) from pure noise: (T + 1, n, 2), entry t is x_t (T first)."""
    import torch

    betas, cumprod = (torch.tensor(v, dtype=torch.float32) for v in reference_ddpm_schedule(T, **TRAINED_SCHEDULE))
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 2, generator=generator)
    path = [None] * (T + 1)
    path[T] = x.numpy().copy()
    with torch.no_grad():
        for step in range(T - 1, -1, -1):          # the network's t = step produces x_step from x_{step+1}
            t = torch.full((n,), step)
            eps = net(x, t)
            mean = (x - betas[step] / (1 - cumprod[step]).sqrt() * eps) / (1 - betas[step]).sqrt()
            x = mean + (betas[step].sqrt() * torch.randn(n, 2, generator=generator) if step > 0 else 0)
            path[step] = x.numpy().copy()
    return np.array(path)


def write_cache(path: Path = CACHE) -> None:
    """Regenerate the committed trajectories: ``python -m course.explorers.diffusion_steps``."""
    np.savez_compressed(path, reverse=sample_trajectories(train_ddpm()).astype(np.float32))


@lru_cache(maxsize=1)
def trajectories() -> np.ndarray:
    """The trained sampler's paths, (T + 1, POINTS, 2): from the committed file, or trained now (seconds)."""
    if CACHE.exists():
        with np.load(CACHE) as stored:
            return stored["reverse"].astype(float)
    return sample_trajectories(train_ddpm())


@dataclass(frozen=True, eq=False)
class DiffusionPicture:
    t: int
    direction: str             # "forward" | "reverse"
    schedule: str              # "linear" | "cosine"
    points: np.ndarray         # (POINTS, 2): x_t
    data: np.ndarray           # (POINTS, 2): x_0, the moons
    signal: np.ndarray         # (T + 1,) √ᾱ_t for t = 0..T (1 at t = 0)
    noise: np.ndarray          # (T + 1,) √(1 − ᾱ_t)
    implementation: str        # "yours" | "reference"
    running: str


@dataclass
class DiffusionSteps:
    """All the explorer's state: the step, the direction, the schedule, the learner's two functions."""
    t: int = 10
    direction: str = "forward"
    schedule: str = "linear"
    ddpm_schedule: Callable | None = None
    q_sample: Callable | None = None
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def __post_init__(self) -> None:
        self._data = moons()
        self._noise = np.random.default_rng(3).standard_normal((POINTS, 2))

    def _functions(self) -> tuple[Callable, Callable, str, str]:
        schedule, why_s = self._checks.usable(SCHEDULE_KEY, self.ddpm_schedule)
        sample, why_q = self._checks.usable(Q_SAMPLE_KEY, self.q_sample)
        parts, mine = [], 0
        for name, function, why in (("ddpm_schedule", schedule, why_s), ("q_sample", sample, why_q)):
            if function is not None:
                parts.append(f"your {name}")
                mine += 1
            else:
                parts.append(f"the reference {name}" + (why and f" (yours {why})"))
        return (guarded(SCHEDULE_KEY, schedule) if schedule else reference_ddpm_schedule,
                guarded(Q_SAMPLE_KEY, sample) if sample else reference_q_sample,
                "yours" if mine == 2 else ("partly yours" if mine else "reference"), "forward process: " + ", ".join(parts))

    def compute(self) -> DiffusionPicture:
        return self._checks.compute(self._compute)

    def _compute(self) -> DiffusionPicture:
        schedule, sample, implementation, running = self._functions()
        t = int(np.clip(self.t, 0, T))
        kind = self.schedule if self.direction == "forward" else TRAINED_SCHEDULE["kind"]
        arguments = TRAINED_SCHEDULE if kind == "linear" else {"kind": "cosine"}
        _, cumprod = schedule(T, arguments["kind"], *((arguments["beta_start"], arguments["beta_end"])
                                                      if kind == "linear" else ()))
        cumprod = np.asarray(cumprod, dtype=float)
        signal = np.sqrt(np.concatenate([[1.0], cumprod]))
        noise = np.sqrt(1 - signal ** 2)
        if self.direction == "forward":
            points = self._data if t == 0 else np.asarray(sample(self._data, np.full(POINTS, t - 1), cumprod,
                                                                 self._noise), dtype=float)
        else:
            points = trajectories()[t]
            running = "sampling: the trained DDPM (precomputed, linear schedule)"
            implementation = "reference"
        return DiffusionPicture(t, self.direction, kind, points, self._data, signal, noise, implementation, running)


def describe(p: DiffusionPicture) -> str:
    what = "noising the moons" if p.direction == "forward" else "sampling from noise"
    return (f"{what}, step t = {p.t} of {T} ({p.schedule} schedule): x_t = {p.signal[p.t]:.2f} · x_0 + "
            f"{p.noise[p.t]:.2f} · noise")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (9.0, 3.8), 80


def diffusion_explorer(ddpm_schedule: Callable | None = None, q_sample: Callable | None = None, *, t: int = 10,
                       direction: str = "forward", schedule: str = "linear"):
    """A slider over t, a direction (forward: noising; reverse: the trained sampler), a schedule menu."""
    import ipywidgets as widgets

    model = DiffusionSteps(t=t, direction=direction, schedule=schedule, ddpm_schedule=ddpm_schedule,
                           q_sample=q_sample)
    controls = {"t": widgets.IntSlider(value=t, min=0, max=T, description="step t", continuous_update=True),
                "direction": widgets.ToggleButtons(options=["forward", "reverse"], value=direction,
                                                   description="direction"),
                "schedule": widgets.Dropdown(options=["linear", "cosine"], value=schedule, description="schedule")}
    return assemble(model, controls, [widgets.HBox([controls["t"], controls["schedule"]]), controls["direction"]],
                    picture=_Picture(), css_class="explorer-diffusion", label="<diffusion steps>",
                    status=lambda p: (html.escape(describe(p)), p.running))


class _Picture:
    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        grid = self.figure.add_gridspec(1, 2, width_ratios=[1.1, 1], left=0.05, right=0.97, bottom=0.14, top=0.88,
                                        wspace=0.25)
        self.ax = self.figure.add_subplot(grid[0, 0])
        self.ax.set_xlim(-3.2, 3.2)
        self.ax.set_ylim(-3.2, 3.2)
        self.ax.set_aspect("equal")
        self.ax.set_xticks([])
        self.ax.set_yticks([])
        self.data = self.ax.scatter([], [], s=3, color="0.8")
        self.points = self.ax.scatter([], [], s=4, color="C0")
        self.curve_ax = self.figure.add_subplot(grid[0, 1])
        self.curve_ax.set_xlim(0, T)
        self.curve_ax.set_ylim(0, 1.02)
        self.curve_ax.set_xlabel("step t")
        self.curve_ax.grid(alpha=0.3)
        steps = np.arange(T + 1)
        (self.signal_line,) = self.curve_ax.plot(steps, np.ones(T + 1), color="C0", label="√ᾱ_t (signal)")
        (self.noise_line,) = self.curve_ax.plot(steps, np.zeros(T + 1), color="C3", label="√(1 − ᾱ_t) (noise)")
        self.marker = self.curve_ax.axvline(0, color="k", lw=1)
        self.curve_ax.legend(fontsize=8, loc="center right")
        self.started = False

    def draw(self, p: DiffusionPicture) -> bytes:
        if not self.started:
            self.data.set_offsets(p.data)
            self.started = True
        self.points.set_offsets(p.points)
        self.signal_line.set_ydata(p.signal)
        self.noise_line.set_ydata(p.noise)
        self.marker.set_xdata([p.t, p.t])
        arrow = "→ noise" if p.direction == "forward" else "← from noise"
        self.ax.set_title(f"x_t at t = {p.t} ({p.direction} {arrow})", fontsize=10)
        self.curve_ax.set_title(f"{p.schedule} schedule", fontsize=10)
        return figure_png(self.figure)


if __name__ == "__main__":
    write_cache()
    print(f"wrote {CACHE}")
