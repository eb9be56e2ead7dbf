"""Claims the week 07 lesson makes that a learner could check, checked.

Each test quotes the lesson's words it backs, so a test and its sentence change together. The numbers the
lesson's cells print are taken from one run of the solution notebook's code (explorers built headless), so the
tests see exactly what a learner sees; the explorers' claims are checked on their models.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest
import torch

from autograder.notebooks import nbgrader_meta, read_text_notebook
from course.explorers.optimiser_race import SURFACES, race
from course.explorers.playground import Playground

SOURCE = Path(__file__).resolve().parents[1] / "source"


def lesson(week: str) -> str:
    """The week's text with comment markers and line breaks removed, for quoting."""
    lines = (SOURCE / week / f"{week}.py").read_text().splitlines()
    return " ".join(line.lstrip("# ").strip() for line in lines)


TEXT = lesson("week07")


@pytest.fixture(scope="module")
def run():
    """The namespace after every code cell of the solution notebook except the hidden tests (about 15 s)."""
    namespace: dict = {"__name__": "__main__"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COURSE_HEADLESS", "1")
        patch.setenv("MPLBACKEND", "Agg")
        import matplotlib.pyplot as plt
        for cell in read_text_notebook(SOURCE / "week07" / "week07.py").cells:
            if cell.cell_type != "code" or nbgrader_meta(cell).get("grade_id", "").endswith("_hidden"):
                continue
            code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%"))
            exec(compile(code, "week07", "exec"), namespace)
            plt.close("all")
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    return namespace


# ----------------------------------------------------------------------------- §1-2


def test_the_perceptron_learns_and_or_but_not_xor(run):
    assert "The perceptron learns AND and OR within a few epochs and then stops changing" in TEXT
    assert "after every epoch it gets only half of the four points right, and no line could get more than three" \
        in TEXT
    for gate in ("AND", "OR"):
        accuracy = run["gate_runs"][gate][2]
        first = int(np.argmax(accuracy == 1.0))
        assert accuracy[first] == 1.0 and first < 5 and np.all(accuracy[first:] == 1.0)
    assert np.all(run["gate_runs"]["XOR"][2] == 0.5)
    rng = np.random.default_rng(0)                         # no line does better than 3 of 4
    lines = rng.normal(size=(20000, 3))
    X, y = run["X_gate"], run["GATES"]["XOR"]
    best = max(np.mean((X @ line[:2] + line[2] > 0) == y) for line in lines)
    assert best == 0.75


def test_derivative_bounds_and_saturation_numbers():
    assert "The sigmoid's derivative is at most $1/4$ (at $z = 0$), tanh's at most 1" in TEXT
    assert "at least $4^{10} \\approx 10^6$" in TEXT
    assert "At $z = 5$ the sigmoid passes 0.0066 of the gradient and tanh 0.00018" in TEXT
    z = np.linspace(-20, 20, 400001)
    s = 1 / (1 + np.exp(-z))
    assert (s * (1 - s)).max() == pytest.approx(0.25) and (1 - np.tanh(z) ** 2).max() == pytest.approx(1.0)
    assert 4 ** 10 == pytest.approx(1e6, rel=0.05)
    s5 = 1 / (1 + math.exp(-5))
    assert round(s5 * (1 - s5), 4) == 0.0066 and round(1 - math.tanh(5) ** 2, 5) == 0.00018


def test_gelu_range_and_torch_agreement(run):
    assert "GELU | $z\\,\\Phi(z)$" in TEXT and "(≈ −0.17, ∞)" in TEXT
    z = torch.linspace(-10, 10, 200001, dtype=torch.float64)
    assert float(torch.nn.functional.gelu(z).min()) == pytest.approx(-0.17, abs=0.005)


def test_the_worked_example_numbers():
    assert "$L = \\tanh(e) = -0.4621$" in TEXT and "$\\bar e = 1 - \\tanh^2(e) = 0.7864$" in TEXT
    assert "$\\bar a = \\bar d\\, b = -0.7864$ and $\\bar b = \\bar d\\, a = 1.5729$" in TEXT
    a, b, c = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (2.0, -1.0, 1.5))
    L = torch.tanh(a * b + c)
    L.backward()
    assert round(L.item(), 4) == -0.4621 and round(c.grad.item(), 4) == 0.7864
    assert round(a.grad.item(), 4) == -0.7864 and round(b.grad.item(), 4) == 1.5729


def test_nn_linear_stores_the_transpose_and_has_its_own_initialisation():
    assert "PyTorch's `nn.Linear` stores the transpose, $M \\times D$" in TEXT
    assert "its `nn.Linear` uses yet another default (uniform with variance $1/(3n_{\\text{in}})$)" in TEXT
    torch.manual_seed(0)
    layer = torch.nn.Linear(400, 300)
    assert tuple(layer.weight.shape) == (300, 400)
    assert layer.weight.var().item() == pytest.approx(1 / (3 * 400), rel=0.02)


def test_torch_initialisers_match_the_lesson():
    assert "`torch.nn.init.xavier_uniform_`, `torch.nn.init.kaiming_normal_`" in TEXT
    torch.manual_seed(0)
    w = torch.empty(300, 200)                                       # (fan_out, fan_in)
    torch.nn.init.xavier_uniform_(w)
    assert w.abs().max().item() <= math.sqrt(6 / 500) and w.var().item() == pytest.approx(2 / 500, rel=0.02)
    torch.nn.init.kaiming_normal_(w, nonlinearity="relu")
    assert w.var().item() == pytest.approx(2 / 200, rel=0.02)


def test_the_gradient_check_is_below_the_lessons_threshold(run):
    assert "around $10^{-7}$ or below in float64 means correct" in TEXT
    assert run["relative"].max() < 1e-7


# ----------------------------------------------------------------------------- §6-7


def test_the_mlp_solves_xor(run):
    assert np.array_equal(run["predict_mlp"](run["xor_params"], run["X_gate"]).argmax(axis=1), run["GATES"]["XOR"])


def test_activation_spread_through_depth(run):
    assert "each layer multiplies the spread by about $\\sqrt{256}\\cdot 0.01 = 0.16$ (tanh) or " \
           "$0.16/\\sqrt2 \\approx 0.11$ (ReLU" in TEXT
    assert "after 12 layers the activations are 10⁻⁹ or smaller" in TEXT
    assert "Xavier keeps tanh's activations within a factor of about 3 over the 12 layers" in TEXT
    assert "He keeps ReLU's constant. Xavier with ReLU (the middle ReLU column) halves the variance at every " \
           "layer, on average" in TEXT
    spread = run["spread"]
    for act, factor in (("tanh", 0.16), ("ReLU", 0.16 / math.sqrt(2))):
        small = spread[(act, "std 0.01")].to_numpy()
        ratios = small[1:] / small[:-1]
        assert np.all(np.abs(ratios / factor - 1) < 0.1)
        assert small[-1] < 1e-9
    tanh_xavier = spread[("tanh", "Xavier")].to_numpy()
    assert 1 / 4 < tanh_xavier[-1] / tanh_xavier[0] < 1 and np.all(np.diff(tanh_xavier) < 0)
    he = spread[("ReLU", "He")].to_numpy()
    assert np.all(np.abs(he / he[0] - 1) < 0.2)
    xavier_relu = spread[("ReLU", "Xavier")].to_numpy()
    per_layer = (xavier_relu[-1] / xavier_relu[0]) ** (2 / (len(xavier_relu) - 1))     # variance ratio, on average
    assert abs(per_layer - 0.5) < 0.05 and np.all((xavier_relu[1:] / xavier_relu[:-1]) ** 2 < 0.8)


# ----------------------------------------------------------------------------- §8


def test_momentum_and_adam_arithmetic():
    assert "(a step up to $1/(1 - \\mu)$ times larger, 10× for $\\mu = 0.9$)" in TEXT
    assert "the uncorrected $\\sqrt{\\mathbf v_1}$ is about 0.03 of the gradient's size while $\\mathbf m_1$ is 0.1 " \
           "of it, so the first step would be about 3 times too large" in TEXT
    assert 1 / (1 - 0.9) == pytest.approx(10)
    assert math.sqrt(1 - 0.999) == pytest.approx(0.03, abs=0.002)
    assert 0.1 / math.sqrt(0.001) == pytest.approx(3, rel=0.06)


def test_the_other_momentum_convention_gives_the_same_path():
    assert "gives the same path for a constant $\\eta$; its velocity is $-\\eta$ times ours" in TEXT
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(20, 3))
    lr, mu = 0.1, 0.9
    w1, v1, w2, v2 = np.ones(3), np.zeros(3), np.ones(3), np.zeros(3)
    for g in grads:
        v1 = mu * v1 + g
        w1 = w1 - lr * v1
        v2 = mu * v2 - lr * g
        w2 = w2 + v2
        assert np.allclose(w1, w2) and np.allclose(v2, -lr * v1)


def test_adams_first_step_is_about_the_learning_rate_for_every_parameter():
    assert "At the first step the corrected update is $\\eta\\,\\mathbf g_1/(|\\mathbf g_1| + \\epsilon)$" in TEXT
    p = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.Adam([p], lr=0.01)
    p.grad = torch.tensor([1e-3, -5.0, 300.0], dtype=torch.float64)
    optimiser.step()
    assert np.allclose(p.detach().numpy(), [-0.01, 0.01, -0.01], rtol=1e-4)


def test_the_schedules_match_torchs_schedulers(run):
    assert "the lesson's tests check that they match PyTorch's schedulers" in TEXT
    schedules = run["schedules"]
    T, lr0 = 50, 0.1

    def torch_lrs(make):
        p = torch.zeros(1, requires_grad=True)
        optimiser = torch.optim.SGD([p], lr=lr0)
        scheduler = make(optimiser)
        lrs = []
        for _ in range(T):
            lrs.append(optimiser.param_groups[0]["lr"])
            optimiser.step()
            scheduler.step()
        return np.array(lrs)

    S = torch.optim.lr_scheduler
    assert np.allclose(schedules["step (×0.1 every 20)"], torch_lrs(lambda o: S.StepLR(o, step_size=20, gamma=0.1)))
    assert np.allclose(schedules["exponential (γ = 0.95)"], torch_lrs(lambda o: S.ExponentialLR(o, gamma=0.95)))
    assert np.allclose(schedules["cosine"], torch_lrs(lambda o: S.CosineAnnealingLR(o, T_max=T)))
    warm = torch_lrs(lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.2, total_iters=4),
                                                  S.CosineAnnealingLR(o, T_max=T - 5)], milestones=[5]))
    assert np.allclose(schedules["warm-up 5 + cosine"], warm)


def _loss(surface, path):
    return surface.f(path[:, 0], path[:, 1]) - surface.minimum


def test_the_optimiser_race_claims():
    assert "SGD is stable only for a learning rate below $2/40 = 0.05$" in TEXT
    assert "after 100 steps at 0.03, momentum's loss is more than 10 times lower than SGD's" in TEXT
    assert "At exactly 0.05 SGD bounces between the walls for ever; above, it diverges" in TEXT
    bowl = SURFACES["elongated bowl"]
    paths, diverged = race(bowl, 100, 0.03, 0.9, 0.9, 0.999)
    assert not any(diverged.values())
    assert _loss(bowl, paths["momentum"])[-1] * 10 < _loss(bowl, paths["SGD"])[-1]
    paths, diverged = race(bowl, 300, 0.05, 0.9, 0.9, 0.999)
    assert not diverged["SGD"] and np.allclose(np.abs(paths["SGD"][:, 1]), 1.0)
    for lr in (0.1, 0.3, 1.0):
        assert race(bowl, 300, lr, 0.9, 0.9, 0.999)[1]["SGD"]


def test_rosenbrock_and_saddle_claims():
    assert "at the bowl's learning rates SGD and momentum are thrown out and diverge. Adam" in TEXT
    assert "Lower the learning rate to 0.003 and SGD and momentum stay in the valley too" in TEXT
    assert "plain SGD lingers near the saddle point for about 80 steps before it slides off ($|y| > 1$); momentum " \
           "and Adam escape in about 30" in TEXT
    valley = SURFACES["Rosenbrock valley"]
    for lr in (0.03, 0.045, 0.05):
        diverged = race(valley, 300, lr, 0.9, 0.9, 0.999)[1]
        assert diverged["SGD"] and diverged["momentum"] and not diverged["Adam"]
    diverged = race(valley, 300, 0.003, 0.9, 0.9, 0.999)[1]
    assert not any(diverged.values())
    paths, _ = race(SURFACES["saddle"], 300, 0.03, 0.9, 0.9, 0.999)
    escape = {r: int(np.argmax(np.abs(p[:, 1]) > 1)) for r, p in paths.items()}
    assert 70 <= escape["SGD"] <= 90 and 20 <= escape["momentum"] <= 40 and 20 <= escape["Adam"] <= 40


# ----------------------------------------------------------------------------- §9 the Playground


def _train(epochs=100, **settings) -> Playground:
    playground = Playground(**settings)
    playground.pending_epochs = epochs
    playground.compute()
    return playground


def test_xor_needs_a_hidden_layer_or_the_product_feature():
    assert "**XOR** with the features $x_1, x_2$ and **no hidden layer**: a linear classifier, stuck near " \
           "chance" in TEXT
    assert "Add the feature $x_1x_2$: now the same linear model separates it" in TEXT
    assert _train(dataset="xor", layers=0).train_loss[-1] > 0.65          # ln 2 = 0.693 is chance
    assert _train(dataset="xor", layers=0, features=("x1", "x2", "x1·x2")).train_loss[-1] < 0.1
    assert _train(dataset="xor", layers=2).train_loss[-1] < 0.1


def test_the_circle_is_linearly_separable_in_the_squares_and_linear_layers_stay_linear():
    assert "**Circle**: $x_1^2$ and $x_2^2$ make it linearly separable" in TEXT
    assert "Switch the activation to **linear**: however many layers, the boundary stays a line" in TEXT
    assert _train(dataset="circle", layers=0, features=("x1²", "x2²")).train_loss[-1] < 0.1
    assert _train(dataset="xor", layers=4, neurons=8, activation="linear").train_loss[-1] > 0.65


def test_a_large_sgd_learning_rate_blows_the_loss_up():
    assert "Raise the **learning rate** to 3 with SGD: the loss jumps far above where it started" in TEXT
    losses = np.array(_train(epochs=30, optimiser="SGD + momentum", learning_rate=3.0).train_loss)
    assert losses[1:].max() > 3 * losses[0]


@pytest.mark.parametrize("dataset", ["circle", "xor", "gaussians", "spiral", "moons"])
def test_little_noisy_training_data_overfits_and_l2_helps(dataset):
    assert "Lower the **training share** to 10%, set the **noise** to 0.5 and train 3 hidden layers of 8 ReLU " \
           "neurons: after the first epochs the training loss keeps falling while the test loss rises" in TEXT
    assert "set **L2** to 0.01 and train again: the test loss stays lower" in TEXT
    settings = dict(dataset=dataset, train_share=10, noise=0.5, layers=3, neurons=8, activation="relu")
    plain = _train(**settings)
    assert plain.train_loss[100] < plain.train_loss[10] and plain.test_loss[100] > plain.test_loss[10]
    assert _train(**settings, l2=0.01).test_loss[-1] < plain.test_loss[-1]


# ----------------------------------------------------------------------------- §10 projects


def test_how_many_hidden_units_xor_needs(run):
    assert "One hidden unit never suffices" in TEXT and "Two units *can* solve XOR" in TEXT
    assert "but not every start finds that solution; wider layers make training more reliable" in TEXT
    found = run["xor_widths"].set_index("hidden units")["starts that solve XOR (of 20)"]
    assert found[1] == 0 and 0 < found[2] < 20 and found[2] <= found[3] <= found[8] and found[8] >= 18


def test_digit_accuracies(run):
    assert "both networks reach about 96%, which logistic regression matches, and an RBF-kernel SVM beats all of " \
           "them" in TEXT
    results = run["results"]
    networks = [v for k, v in results.items() if "MLP" in k]
    logistic, svm = results["logistic regression (scikit-learn)"], results["SVM, RBF kernel (scikit-learn)"]
    assert all(0.95 <= v <= 0.975 for v in networks)
    assert logistic >= min(networks) and svm > max(*networks, logistic)


def test_the_hyperparameter_search_reads_as_the_lesson_says(run):
    assert "at 0.0003 the network has not converged in 15 epochs" in TEXT
    assert "16 hidden units do worse than 128 at every learning rate" in TEXT
    assert "for a given rate and width it changes the accuracy by less than the spread between seeds" in TEXT
    search = run["search"]
    score, spread = "validation accuracy (mean of 2 seeds)", "spread between seeds"
    slow = search[search["learning rate"] == 0.0003][score]
    assert slow.max() < search[search["learning rate"] != 0.0003][score].min()
    by = search.groupby(["learning rate", "width"])
    means = by[score].mean().unstack()
    assert np.all(means[128] > means[16])
    for _, group in by:
        assert abs(group[score].iloc[0] - group[score].iloc[1]) < group[spread].max()
    assert search.iloc[0]["learning rate"] != 0.0003
