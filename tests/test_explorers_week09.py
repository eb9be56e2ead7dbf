"""Week 09 explorers and the shipped GPT: the weights load and give the recorded held-out loss, the NumPy forward
pass and the cached sampler agree with PyTorch, the models compute the right things, the references the lesson and
explorers fall back on pass the course's own checks, and the views update and say whose code runs."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course.exercises import run_checks
from course.explorers import tiny_gpt
from course.explorers.attention_map import AttentionMap, attention_map_explorer, reference_attention, shown
from course.explorers.char_sampler import CharSampler, char_sampler_explorer
from course.explorers.positional_encoding import (KINDS, PositionalPatterns, learned_positions,
                                                  positional_encoding_explorer, reference_sinusoidal)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import pretrain_week09_gpt as pretrain  # noqa: E402


def _accept(function):
    return True, ""


def _reject(function):
    return False, "it returns the wrong shape"


def _png(box) -> bytes:
    outputs = box.output.outputs
    assert len(outputs) == 1 and "image/png" in outputs[0]["data"]
    return outputs[0]["data"]["image/png"]


def test_the_references_pass_the_course_checks():
    assert run_checks("week09.scaled_dot_product_attention", reference_attention).ok
    assert run_checks("week09.sinusoidal_positions", reference_sinusoidal).ok


# ----------------------------------------------------------------------------- the shipped weights


def test_the_shipped_weights_are_small_and_a_plain_state_dict():
    assert tiny_gpt.WEIGHTS.stat().st_size < 5e6
    state = torch.load(tiny_gpt.WEIGHTS, weights_only=True)
    assert isinstance(state, dict) and all(isinstance(v, torch.Tensor) for v in state.values())
    model = tiny_gpt.TinyGPT()
    model.load_state_dict(state)          # strict: every key of the architecture, nothing else
    assert sum(p.numel() for p in model.parameters()) == 360_384


def test_the_shipped_weights_give_the_recorded_held_out_loss():
    torch.set_num_threads(1)
    model = tiny_gpt.load_pretrained()
    held = torch.tensor(tiny_gpt.encode(tiny_gpt.stdlib_text(tiny_gpt.VALIDATION_FILES))
                        [:pretrain.HELD_OUT_CHARACTERS + 1])
    loss = pretrain.held_out_loss(model, held, model.config.context)
    # the standard library's files change a little between Python releases: a small tolerance
    assert abs(loss - pretrain.RECORDED_HELD_OUT) < 0.05, loss
    train = tiny_gpt.encode(tiny_gpt.stdlib_text(tiny_gpt.PRETRAIN_FILES))
    assert loss < pretrain.bigram_loss(train, held.numpy(), 96) - 0.5


def test_the_numpy_forward_pass_is_the_torch_models():
    model = tiny_gpt.load_pretrained().double()
    idx = tiny_gpt.encode("def add(self, item):\n    self.items.append(item)  # ok")
    with torch.no_grad():
        expected = model(torch.tensor(idx)[None])[0].numpy()
    logits, kept = tiny_gpt.forward_numpy(idx, keep_attention=True)
    assert np.allclose(logits, expected, atol=1e-9)
    T = len(idx)
    assert kept["q"].shape == (3, 4, T, 24) and kept["weights"].shape == (3, 4, T, T)
    assert np.allclose(kept["weights"].sum(axis=-1), 1) and np.all(np.triu(kept["weights"][0, 0], 1) == 0)


def test_the_cached_sampler_predicts_what_a_full_forward_pass_does():
    w = tiny_gpt.numpy_weights()
    idx = tiny_gpt.encode("    return self._data[key]")
    cache: list = []
    last = tiny_gpt._extend(w, idx[:7], 0, cache)
    for j in range(7, len(idx)):
        last = tiny_gpt._extend(w, idx[j:j + 1], j, cache)
    full, _ = tiny_gpt.forward_numpy(idx)
    assert np.allclose(last, full[-1], atol=1e-10)


def test_sampling_is_reproducible_and_temperature_and_top_k_shape_the_distribution():
    a = tiny_gpt.sample_numpy("import ", 150, 0.8, None, seed=3)
    assert a == tiny_gpt.sample_numpy("import ", 150, 0.8, None, seed=3) and len(a) == 150   # past the context
    assert a != tiny_gpt.sample_numpy("import ", 150, 0.8, None, seed=4)
    logits = np.array([2.0, 1.0, 0.0, -1.0])
    assert np.allclose(tiny_gpt.next_distribution(logits, 1.0, None), np.exp(logits) / np.exp(logits).sum())
    cold = tiny_gpt.next_distribution(logits, 0.01, None)
    assert cold[0] > 0.999
    top2 = tiny_gpt.next_distribution(logits, 1.0, 2)
    assert np.all(top2[2:] == 0) and np.isclose(top2.sum(), 1) and np.isclose(top2[0] / top2[1], np.e)


def test_the_text_and_vocabulary():
    assert len(tiny_gpt.ALPHABET) == 96 and tiny_gpt.decode(tiny_gpt.encode("x = 1\n")) == "x = 1\n"
    assert tiny_gpt.decode(tiny_gpt.encode("café\t")) == "caf??"
    assert not set(tiny_gpt.PRETRAIN_FILES) & set(tiny_gpt.VALIDATION_FILES)
    assert 1.6e6 < len(tiny_gpt.stdlib_text(tiny_gpt.PRETRAIN_FILES)) < 2.0e6


# ----------------------------------------------------------------------------- the attention map


def test_the_attention_weights_are_the_models_and_follow_temperature_and_mask():
    text = "for key in keys:"
    _, kept = tiny_gpt.forward_numpy(tiny_gpt.encode(text), keep_attention=True)
    picture = AttentionMap(text=text, layer=1, head=2).compute()
    assert np.allclose(picture.weights, kept["weights"][1, 2], atol=1e-12)     # the network's own, causal
    cold = AttentionMap(text=text, layer=1, head=2, temperature=0.01).compute()
    assert np.all(cold.weights.max(axis=1) >= picture.weights.max(axis=1) - 1e-12)   # sharper in every row
    assert np.median(cold.weights.max(axis=1)) > 0.99                                  # mostly one-hot
    unmasked = AttentionMap(text=text, layer=1, head=2, causal=False).compute()
    assert np.all(unmasked.weights[0, 1:] > 0) and np.allclose(unmasked.weights.sum(axis=1), 1)
    hot = AttentionMap(text=text, layer=0, head=0, temperature=1000.0, causal=False).compute()
    assert np.allclose(hot.weights, 1 / len(text), atol=1e-3)
    assert picture.query == len(text) - 1 and 0 <= picture.entropy <= np.log(len(text))


def test_the_attention_map_runs_the_learners_function_only_once_it_passes():
    calls = []

    def attention(q, k, v, mask=None):
        calls.append(q.shape)
        return reference_attention(q, k, v, mask)

    rejected = AttentionMap(attention=attention, validate=_reject).compute()
    assert rejected.implementation == "reference" and "does not pass its checks yet" in rejected.running
    assert not calls
    accepted = AttentionMap(attention=attention, validate=_accept).compute()
    assert accepted.implementation == "yours" and calls

    def fragile(q, k, v, mask=None):
        raise ValueError("no")

    fallen = AttentionMap(attention=fragile, validate=_accept).compute()
    assert fallen.implementation == "reference" and "raised ValueError" in fallen.running


def test_the_attention_view_follows_the_text_and_the_sliders():
    box = attention_map_explorer()
    assert _png(box) and "updated in" in box.status.value and "the reference" in box.status.value
    box.controls["layer"].value = 3
    box.controls["head"].value = 4
    assert (box.result.layer, box.result.head) == (2, 3)
    box.controls["text"].value = "x = y"
    assert box.result.text == "x = y" and box.controls["query"].max == 4 and box.result.weights.shape == (5, 5)
    box.controls["query"].value = 2
    assert box.result.query == 2
    box.controls["causal"].value = False
    assert box.result.weights[0, 4] > 0
    assert shown("\n") == "↵" and shown(" ") == "·"


# ----------------------------------------------------------------------------- the sampler


def test_the_sampler_matches_the_distribution_and_the_sample():
    result = CharSampler(prompt="import o", temperature=0.7, top_k=5, seed=2, length=60).compute()
    logits, _ = tiny_gpt.forward_numpy(tiny_gpt.encode("import o"))
    assert np.allclose(result.probabilities, tiny_gpt.next_distribution(logits[-1], 0.7, 5))
    assert np.sum(result.probabilities > 0) == 5
    assert result.sample == tiny_gpt.sample_numpy("import o", 60, 0.7, 5, 2)


def test_the_sampler_view_shows_the_text():
    box = char_sampler_explorer()
    assert _png(box) and "<pre" in box.status.value
    box.controls["top_k"].value = 1
    assert box.result.candidates == 1
    box.controls["prompt"].value = "class "
    assert box.result.prompt == "class " and "class " in box.status.value


# ----------------------------------------------------------------------------- positional encodings


def test_the_positional_patterns():
    picture = PositionalPatterns(length=50, dimension=16, position=10).compute()
    assert np.allclose(picture.encoding, reference_sinusoidal(50, 16))
    assert np.allclose(np.diag(picture.similarity), 1)
    # only the distance counts: the similarity is constant along each diagonal
    assert np.allclose(np.diag(picture.similarity, 3), picture.similarity[0, 3])
    assert picture.nearest[:2] in ([9, 11], [11, 9])
    learned = PositionalPatterns(kind=KINDS[1], position=5).compute()
    assert learned.encoding.shape == (64, 96) and np.array_equal(learned.encoding, learned_positions())
    odd = PositionalPatterns(length=8, dimension=7).compute()
    assert odd.encoding.shape == (8, 6)


def test_the_positional_view_runs_the_learners_function_once_it_passes():
    calls = []

    def pe(n, d):
        calls.append((n, d))
        return reference_sinusoidal(n, d)

    box = positional_encoding_explorer(pe, validate=_accept)
    assert _png(box) and "your sinusoidal_positions" in box.status.value and calls == [(64, 32)]
    box.controls["dimension"].value = 8
    assert calls[-1] == (64, 8)
    box.controls["kind"].value = KINDS[1]
    assert box.result.encoding.shape == (64, 96)
    rejected = positional_encoding_explorer(pe, validate=_reject)
    assert "does not pass its checks yet" in rejected.status.value


def test_the_lessons_rotation_matches_the_oracles():
    from course.exercises.week09 import relative_rotation
    pe = reference_sinusoidal(30, 10)
    assert np.allclose(pe[:-4] @ relative_rotation(4, 10), pe[4:], atol=1e-12)


@pytest.mark.parametrize("width", [1, 3])
def test_torch_agrees_that_causal_attention_ignores_the_future(width):
    q = torch.randn(1, 5, width, dtype=torch.float64)
    out = F.scaled_dot_product_attention(q, q, q, is_causal=True)
    mask = np.tril(np.ones((5, 5), dtype=bool))
    assert np.allclose(out.numpy(), reference_attention(q.numpy(), q.numpy(), q.numpy(), mask))
