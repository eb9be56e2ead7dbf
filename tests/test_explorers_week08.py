"""Week 08 explorers: the models compute the right things (checked against PyTorch and autograd), the references
the lesson falls back on pass the course's own checks, and the views update and say whose code runs."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course.exercises import run_checks
from course.explorers.kernel_editor import (PRESETS, KernelEditor, digit_images, kernel_editor_explorer, photo,
                                            reference_conv2d)
from course.explorers.rnn_gradients import (HIDDEN, RNNGradients, _weights, lstm_cell_path_norms,
                                            reference_rnn_forward, rnn_gradient_norms, rnn_gradients_explorer)


def _accept(function):
    return True, ""


def _reject(function):
    return False, "it returns the wrong shape"


def _png(box) -> bytes:
    outputs = box.output.outputs
    assert len(outputs) == 1 and "image/png" in outputs[0]["data"]
    return outputs[0]["data"]["image/png"]


def test_the_references_pass_the_course_checks():
    assert run_checks("week08.conv2d_forward", reference_conv2d).ok
    assert run_checks("week08.rnn_forward", reference_rnn_forward).ok


# ----------------------------------------------------------------------------- the kernel editor


def test_the_feature_maps_are_torchs_convolution_with_padding_one():
    for name, kernel in PRESETS.items():
        maps = KernelEditor(kernel=np.array(kernel, float), digit=7).compute()
        w = torch.tensor(np.array(kernel, float))[None, None]
        for image, feature_map in ((maps.digit, maps.digit_map), (maps.photo, maps.photo_map)):
            expected = F.conv2d(torch.tensor(image)[None, None], w, padding=1)[0, 0].numpy()
            assert feature_map.shape == image.shape and np.allclose(feature_map, expected, atol=1e-12), name


def test_the_images_are_scikit_learns_digits_and_photo():
    from sklearn.datasets import load_digits, load_sample_image
    digits = load_digits()
    assert [int(digits.target[np.flatnonzero(np.all(digits.images / 16 == d, axis=(1, 2)))[0]])
            for d in digit_images()] == list(range(10))
    grey = photo()
    assert grey.shape == (106, 160) and 0 <= grey.min() and grey.max() <= 1
    assert abs(grey.mean() - (load_sample_image("china.jpg") / 255.0 @ [0.299, 0.587, 0.114]).mean()) < 0.01


def test_edge_kernels_find_edges_and_flat_kernels_keep_brightness():
    identity = KernelEditor(kernel=np.array(PRESETS["identity"], float)).compute()
    assert np.allclose(identity.digit_map, identity.digit) and np.allclose(identity.photo_map, identity.photo)
    sobel = KernelEditor(kernel=np.array(PRESETS["vertical edges (Sobel x)"], float)).compute()
    inside = sobel.photo_map[1:-1, 1:-1]                    # away from the zero padding
    assert np.abs(inside).mean() < np.abs(sobel.photo).mean()   # flat regions give ~0
    blur = KernelEditor(kernel=np.array(PRESETS["blur (box 3x3)"], float)).compute()
    assert abs(blur.photo_map[1:-1, 1:-1].mean() - blur.photo[1:-1, 1:-1].mean()) < 0.01


def test_the_kernel_editor_runs_the_learners_conv_only_once_it_passes():
    calls = []

    def conv(x, w, b, stride, padding):
        calls.append(x.shape)
        return reference_conv2d(x, w, b, stride, padding)

    rejected = KernelEditor(conv2d_forward=conv, validate=_reject).compute()
    assert rejected.implementation == "reference" and "does not pass its checks yet" in rejected.running
    assert not calls
    accepted = KernelEditor(conv2d_forward=conv, validate=_accept).compute()
    assert accepted.implementation == "yours" and accepted.running == "feature maps: your conv2d_forward"
    assert calls == [(1, 1, 8, 8), (1, 1) + photo().shape]


def test_the_kernel_editor_falls_back_when_the_learners_conv_raises():
    def fragile(x, w, b, stride, padding):
        raise ValueError("no")

    result = KernelEditor(conv2d_forward=fragile, validate=_accept).compute()
    assert result.implementation == "reference" and "raised ValueError" in result.running


def test_the_kernel_view_redraws_once_per_preset_and_on_every_entry():
    box = kernel_editor_explorer()
    assert _png(box) and "updated in" in box.status.value and "the reference" in box.status.value
    updates = []
    original = box.model.compute
    box.model.compute = lambda: updates.append(1) or original()
    box.controls["preset"].value = "sharpen"
    assert len(updates) == 1 and np.allclose(box.result.kernel, PRESETS["sharpen"])
    box.controls["k0"].value = 2.0
    assert len(updates) == 2 and box.result.kernel[0, 0] == 2.0
    box.controls["digit"].value = 8
    assert np.allclose(box.result.digit, digit_images()[8])


# ----------------------------------------------------------------------------- RNN gradient norms


def test_the_rnn_gradient_norms_are_autograds():
    p = _weights(0)
    T, scale = 30, 1.2
    Whh = p["Q"] * scale
    states = reference_rnn_forward(p["x"][:T], p["h0"], p["Wxh"], Whh, p["b"])
    norms = rnn_gradient_norms(states, Whh, p["readout"])
    h = torch.tensor(p["h0"], requires_grad=True)
    kept = []
    for t in range(T):
        h = torch.tanh(torch.tensor(p["x"][t]) @ torch.tensor(p["Wxh"]) + h @ torch.tensor(Whh) + torch.tensor(p["b"]))
        h.retain_grad()
        kept.append(h)
    (h[0] @ torch.tensor(p["readout"])).backward()
    assert np.allclose(norms, [float(k.grad.norm()) for k in kept], rtol=1e-10)


def test_the_spectral_radius_decides_between_vanishing_and_exploding():
    assert np.allclose(np.abs(np.linalg.eigvals(_weights(0)["Q"])), 1.0)        # orthogonal: radius exactly 1
    small = RNNGradients(length=100, scale=0.8).compute().rnn_ratio
    large = RNNGradients(length=100, scale=2.0).compute().rnn_ratio
    assert small < 1e-8 and large > 1e3
    lengths = [RNNGradients(length=T, scale=0.9).compute().rnn_ratio for T in (20, 60, 120)]
    assert lengths[0] > lengths[1] > lengths[2]                            # further back, smaller


def test_the_lstm_cell_path_is_the_product_of_forget_gates():
    p = _weights(0)
    norms = lstm_cell_path_norms(p["x"][:10], p["lstm_W"], 2.0, p["readout"])
    f = 1 / (1 + np.exp(-(p["x"][:10, 0] @ p["lstm_W"] + 2.0)))
    assert np.isclose(norms[0], np.linalg.norm(p["readout"] * np.prod(f[1:], axis=0)))
    open_gate = RNNGradients(length=100, forget_bias=6.0).compute()
    closed_gate = RNNGradients(length=100, forget_bias=0.0).compute()
    assert open_gate.lstm_norms[-1] / open_gate.lstm_norms[0] > 0.3 > 1e-10 > \
        closed_gate.lstm_norms[-1] / closed_gate.lstm_norms[0]
    assert HIDDEN == 32


def test_the_rnn_explorer_runs_the_learners_rnn_only_once_it_passes():
    calls = []

    def rnn(x, h0, Wxh, Whh, b):
        calls.append(len(x))
        return reference_rnn_forward(x, h0, Wxh, Whh, b)

    rejected = RNNGradients(length=40, rnn_forward=rnn, validate=_reject).compute()
    assert rejected.implementation == "reference" and "does not pass its checks yet" in rejected.running
    assert not calls
    accepted = RNNGradients(length=40, rnn_forward=rnn, validate=_accept).compute()
    reference = RNNGradients(length=40).compute()
    assert accepted.running == "hidden states: your rnn_forward" and calls == [40]
    assert np.allclose(accepted.rnn_norms, reference.rnn_norms)

    def fragile(x, h0, Wxh, Whh, b):
        raise ValueError("no")
    assert "raised ValueError" in RNNGradients(rnn_forward=fragile, validate=_accept).compute().running


@pytest.mark.parametrize("control, value", [("length", 120), ("scale", 1.5), ("forget_bias", 3.0)])
def test_the_rnn_view_redraws_and_says_whose_code_runs(control, value):
    box = rnn_gradients_explorer()
    assert _png(box) and "the reference rnn_forward" in box.status.value
    before = box.output.outputs
    box.controls[control].value = value
    assert getattr(box.result, control) == value and box.output.outputs != before and "updated in" in box.status.value


# ----------------------------------------------------------------------------- activations and gradients per layer

from course.explorers.layer_statistics import (INITIALISATIONS, LAYERS, LayerStatistics,  # noqa: E402
                                               layer_statistics_explorer)


def test_the_histograms_are_shares_and_the_gradients_are_autograds():
    model = LayerStatistics(initialisation="He (√2/√n)", activation="relu", batch_norm=True)
    result = model.compute()
    assert np.allclose(result.activations.sum(axis=1), 1) and np.allclose(result.gradients.sum(axis=1), 1)
    # the same network in torch: the gradient RMS reaching each layer
    rng = np.random.default_rng(0)
    scale = INITIALISATIONS["He (√2/√n)"] / 10.0
    weights = [torch.tensor(rng.normal(scale=scale, size=(100, 100))) for _ in range(LAYERS)]
    h = torch.tensor(rng.normal(size=(256, 100)), requires_grad=True)
    kept = []
    for W in weights:
        z = h @ W
        h = torch.relu((z - z.mean(0)) / torch.sqrt(z.var(0, unbiased=False) + 1e-5))
        h.retain_grad()
        kept.append(h)
    (h * torch.tensor(rng.normal(size=(256, 100)) / 16.0)).sum().backward()
    assert np.allclose(result.gradient_rms, [float(k.grad.pow(2).mean().sqrt()) for k in kept], rtol=1e-8)


def test_initialisation_and_batch_norm_do_what_the_lesson_says():
    spread = {(init, act, bn): LayerStatistics(init, act, bn).compute()
              for init in INITIALISATIONS for act in ("tanh", "relu") for bn in (False, True)}
    small = spread["too small (0.5/√n)", "tanh", False]
    assert small.activation_std[-1] < 0.02 * small.activation_std[0] and small.gradient_rms[0] < 0.05 * \
        small.gradient_rms[-1]
    large = spread["too large (3/√n)", "relu", False]
    assert large.activation_std[-1] > 50 * large.activation_std[0] and large.gradient_rms[0] > 50 * \
        large.gradient_rms[-1]
    saturated = spread["too large (3/√n)", "tanh", False]
    edge = saturated.activations[-1]
    assert edge[:14].sum() + edge[32:36].sum() > 0.5       # most activations near -1 or +1 (bins around ±1)
    he = spread["He (√2/√n)", "relu", False]
    assert 0.7 < he.activation_std[-1] / he.activation_std[0] < 1.4
    xavier = spread["Xavier (1/√n)", "tanh", False]
    assert 0.2 < xavier.activation_std[-1] / xavier.activation_std[0] < 1.0
    for act in ("tanh", "relu"):
        normalised = [spread[init, act, True].activation_std for init in INITIALISATIONS]
        assert all(np.allclose(s, normalised[0], rtol=1e-3) for s in normalised)   # up to eps


def test_the_layer_view_redraws_on_every_control():
    box = layer_statistics_explorer()
    assert _png(box) and "updated in" in box.status.value
    for control, value in (("initialisation", "too large (3/√n)"), ("activation", "relu"), ("batch_norm", True)):
        before = box.output.outputs
        box.controls[control].value = value
        assert getattr(box.model, control) == value and box.output.outputs != before
