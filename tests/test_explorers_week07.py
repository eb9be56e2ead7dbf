"""Week 07 explorers: the Playground trains the network it says it trains (with the learner's pieces once they
pass), its state is testable without widgets, and the optimiser race runs the optimisers PyTorch runs."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from course.explorers.optimiser_race import SURFACES, OptimiserRace, optimiser_race_explorer, race
from course.explorers.playground import (ACTIVATIONS, DATASETS, FEATURES, REFERENCE, Playground, feature_matrix,
                                         make_points, playground_explorer)

from solutions import solution_namespace

SOLUTIONS = solution_namespace("week07")
PIECES = ("affine_forward", "affine_backward", "relu_backward", "softmax_cross_entropy", "sgd_momentum_step",
          "adam_step")


def _accept(function):
    return True, ""


def _reject(function):
    return False, "it returns the wrong shape"


def _png(box) -> bool:
    outputs = box.output.outputs
    return len(outputs) == 1 and "image/png" in outputs[0]["data"]


# ----------------------------------------------------------------------------- data and features


@pytest.mark.parametrize("dataset", DATASETS)
def test_every_data_set_has_two_balanced_classes_inside_the_square(dataset):
    X, y = make_points(dataset, 400, 0.2, np.random.default_rng(0))
    assert X.shape == (400, 2) and set(np.unique(y)) == {0, 1} and abs(y.mean() - 0.5) < 0.1
    assert np.abs(X).max() <= 6.0
    again, _ = make_points(dataset, 400, 0.2, np.random.default_rng(0))
    assert np.array_equal(X, again)


def test_features_are_the_named_functions_of_the_coordinates():
    X = np.array([[3.0, -1.5], [0.0, 6.0]])
    F = feature_matrix(X, FEATURES)
    assert F.shape == (2, len(FEATURES))
    assert np.allclose(F[:, 0], X[:, 0] / 3) and np.allclose(F[:, 4], (X[:, 0] / 3) * (X[:, 1] / 3) / 2)
    assert np.allclose(F[:, 5], np.sin(X[:, 0]))


# ----------------------------------------------------------------------------- the Playground model


def _torch_epoch_loss(playground: Playground) -> float:
    """The playground's training loss computed by torch from its own weights (the same network)."""
    h = torch.tensor(playground.F_train)
    n_layers = len(playground.params) // 2
    for layer in range(n_layers):
        W, b = (torch.tensor(p) for p in playground.params[2 * layer:2 * layer + 2])
        h = h @ W + b
        if layer < n_layers - 1:
            h = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "linear": lambda z: z}[
                playground.activation](h)
    return float(torch.nn.functional.cross_entropy(h, torch.tensor(playground.y_train)))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_one_training_step_is_the_gradient_step_torch_computes(activation):
    """One full-batch SGD step (momentum 0.9 from zero velocity is a plain step) equals torch's."""
    playground = Playground(activation=activation, optimiser="SGD + momentum", learning_rate=0.1, l2=0.01,
                            batch_size=1000, layers=2, neurons=5)
    playground.compute()
    params = [torch.tensor(p, requires_grad=True) for p in playground.params]
    h = torch.tensor(playground.F_train)
    for layer in range(3):
        h = h @ params[2 * layer] + params[2 * layer + 1]
        if layer < 2:
            h = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "linear": lambda z: z}[activation](h)
    loss = torch.nn.functional.cross_entropy(h, torch.tensor(playground.y_train))
    loss = loss + 0.5 * 0.01 * sum((p ** 2).sum() for p in params[0::2])     # L2 on the weights only
    loss.backward()
    expected = [(p - 0.1 * p.grad).detach().numpy() for p in params]
    playground.pending_epochs = 1
    picture = playground.compute()
    assert picture.epoch == 1
    for actual, want in zip(playground.params, expected):
        assert np.allclose(actual, want, rtol=1e-10, atol=1e-12)
    assert picture.train_loss[-1] == pytest.approx(_torch_epoch_loss(playground), rel=1e-9)


def test_the_model_trains_xor_and_keeps_its_state_between_pictures():
    playground = Playground(dataset="xor", layers=2, neurons=6)
    first = playground.compute()
    assert first.epoch == 0 and len(first.train_loss) == 1
    playground.pending_epochs = 60
    trained = playground.compute()
    assert trained.epoch == 60 and trained.train_loss[-1] < 0.2 * trained.train_loss[0]
    assert playground.compute().epoch == 60                      # a picture alone trains nothing
    assert trained.probability.shape == (48, 48) and 0 <= trained.probability.min() <= trained.probability.max() <= 1
    playground.learning_rate, playground.batch_size = 0.001, 5   # training settings: no reset
    playground.pending_epochs = 1
    assert playground.compute().epoch == 61
    playground.dataset = "circle"                                # the data: a fresh start
    restarted = playground.compute()
    assert restarted.epoch == 0 and restarted.dataset == "circle"
    playground.layers = 3
    assert playground.compute().layer_sizes == (2, 6, 6, 6, 2)


def test_a_diverging_run_stops_and_says_so():
    playground = Playground(optimiser="SGD + momentum", learning_rate=3.0, activation="linear", layers=4, neurons=8,
                            features=FEATURES)
    playground.pending_epochs = 200
    with np.errstate(all="raise"):                              # the model itself silences overflow (quiet())
        picture = playground.compute()
    assert picture.diverged and "diverged" in picture.note and picture.epoch < 200


def test_the_playground_runs_the_learners_pieces_only_once_they_pass():
    calls = {name: 0 for name in PIECES}

    def counting(name):
        def function(*args):
            calls[name] += 1
            return SOLUTIONS[name](*args)
        return function

    functions = {name: counting(name) for name in PIECES}
    rejected = Playground(functions=functions, validate=_reject, activation="relu")
    rejected.pending_epochs = 2
    picture = rejected.compute()
    assert "the reference" in picture.running and sum(calls.values()) == 0
    reference = Playground(activation="relu")
    reference.pending_epochs = 2
    expected = reference.compute()
    accepted = Playground(functions=functions, validate=_accept, activation="relu")
    accepted.pending_epochs = 2
    picture = accepted.compute()
    assert picture.running.startswith("training with your code: affine_forward, affine_backward, relu_backward")
    assert "adam_step" in picture.running and calls["sgd_momentum_step"] == 0
    assert all(calls[name] > 0 for name in PIECES if name != "sgd_momentum_step")
    assert np.allclose(picture.train_loss, expected.train_loss, rtol=1e-9)   # the same training, either way
    accepted.optimiser = "SGD + momentum"
    accepted.activation = "tanh"
    assert "sgd_momentum_step" in accepted.compute().running and "relu_backward" not in accepted.compute().running


def test_partly_solved_pieces_are_named_and_a_piece_that_raises_is_replaced():
    def broken(*args):
        raise ValueError("boom")

    playground = Playground(functions={"affine_forward": SOLUTIONS["affine_forward"], "adam_step": broken},
                            validate=_accept)
    playground.pending_epochs = 1
    picture = playground.compute()
    assert picture.epoch == 1
    assert "your affine_forward" in picture.running and "the reference for" in picture.running
    assert "adam_step" in picture.running.split("the reference for")[1]
    assert any("raised ValueError here: boom" in why for why in playground.reasons())


def test_the_playground_view_steps_plays_and_resets():
    box = playground_explorer()
    assert _png(box) and "updated in" in box.status.value and "epoch 0" in box.status.value
    assert "reference" in box.status.value
    before = box.output.outputs
    box.controls["step"].click()
    assert box.result.epoch == 1 and box.output.outputs != before
    for tick in (1, 2, 3):
        box.controls["play"].value = tick
    assert box.result.epoch == 4
    box.controls["play"].value = 0                              # the Play widget's stop: no training
    assert box.result.epoch == 4
    box.controls["learning_rate"].value = 0.1                   # a training setting: keeps the epoch
    assert box.result.epoch == 4
    box.controls["feature_2"].value = True                      # x1²: a new network
    assert box.result.epoch == 0 and box.result.layer_sizes[0] == 3
    box.controls["step"].click()
    box.controls["reset"].click()
    assert box.result.epoch == 0


# ----------------------------------------------------------------------------- the optimiser race


@pytest.mark.parametrize("surface", list(SURFACES))
def test_the_race_is_what_torch_optim_does(surface):
    s = SURFACES[surface]
    paths, _ = race(s, 40, 0.01, 0.8, 0.9, 0.99)
    for runner, make in (("SGD", lambda p: torch.optim.SGD([p], lr=0.01)),
                         ("momentum", lambda p: torch.optim.SGD([p], lr=0.01, momentum=0.8)),
                         ("Adam", lambda p: torch.optim.Adam([p], lr=0.01, betas=(0.9, 0.99)))):
        p = torch.tensor(s.start, dtype=torch.float64, requires_grad=True)
        optimiser = make(p)
        path = [p.detach().numpy().copy()]
        for _ in range(40):
            p.grad = torch.tensor(s.grad(p.detach().numpy()))
            optimiser.step()
            path.append(p.detach().numpy().copy())
        assert np.allclose(paths[runner], np.array(path), rtol=1e-9, atol=1e-12), runner


@pytest.mark.parametrize("surface", list(SURFACES))
def test_the_surface_gradients_are_right(surface):
    s = SURFACES[surface]
    p = torch.tensor([0.3, -0.7], dtype=torch.float64, requires_grad=True)
    s.f(p[0], p[1]).backward()
    assert np.allclose(s.grad(np.array([0.3, -0.7])), p.grad.numpy())


def test_the_race_runs_the_learners_steps_once_they_pass():
    rejected = OptimiserRace(sgd_momentum_step=SOLUTIONS["sgd_momentum_step"], adam_step=SOLUTIONS["adam_step"],
                             validate=_reject).compute()
    assert "the reference sgd_momentum_step" in rejected.running and "does not pass its checks yet" in rejected.running
    accepted = OptimiserRace(sgd_momentum_step=SOLUTIONS["sgd_momentum_step"], adam_step=SOLUTIONS["adam_step"],
                             validate=_accept).compute()
    assert accepted.running == "running your sgd_momentum_step; your adam_step"
    reference = OptimiserRace().compute()
    for runner in reference.paths:
        assert np.allclose(accepted.paths[runner], reference.paths[runner])


def test_the_race_view_redraws_and_reports_divergence():
    box = optimiser_race_explorer()
    assert _png(box) and "updated in" in box.status.value
    before = box.output.outputs
    box.controls["learning_rate"].value = 0.1
    assert box.result.diverged["SGD"] and "diverged" in box.status.value and box.output.outputs != before
    box.controls["surface"].value = "saddle"
    assert box.result.surface == "saddle" and _png(box)


def test_the_reference_pieces_are_the_solutions():
    rng = np.random.default_rng(0)
    x, W, b, dout = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(5, 4))
    assert np.allclose(REFERENCE["affine_forward"](x, W, b), SOLUTIONS["affine_forward"](x, W, b))
    for a, e in zip(REFERENCE["affine_backward"](dout, x, W), SOLUTIONS["affine_backward"](dout, x, W)):
        assert np.allclose(a, e)
    y = rng.integers(0, 4, size=5)
    assert np.allclose(REFERENCE["softmax_cross_entropy"](dout, y)[1], SOLUTIONS["softmax_cross_entropy"](dout, y)[1])


def test_the_explorers_are_built_but_not_trained_or_drawn_in_headless_runs(monkeypatch):
    """The grader runs lesson cells with COURSE_HEADLESS=1: nothing is computed until someone asks."""
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    for box in (playground_explorer(), optimiser_race_explorer()):
        assert box.result is None and not box.output.outputs and "headless" in box.status.value
    box = playground_explorer()
    box.controls["step"].click()
    assert box.result.epoch == 1 and _png(box)
