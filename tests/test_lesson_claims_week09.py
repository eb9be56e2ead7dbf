"""Claims week 09's lesson makes that a learner could check, checked.

Each test quotes the lesson's words it backs, so a test and its sentence change together. The numbers come from
the solution notebook itself, run once here top to bottom (headless: explorers built, not drawn), so the claims
are about exactly what a learner's run prints.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from autograder.notebooks import read_text_notebook

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "source"
sys.path.insert(0, str(REPO / "bench"))
import pretrain_week09_gpt as pretrain  # noqa: E402


def lesson(week: str) -> str:
    """The week's text with comment markers and line breaks removed, for quoting."""
    lines = (SOURCE / week / f"{week}.py").read_text().splitlines()
    return " ".join(line.lstrip("# ").strip() for line in lines)


@pytest.fixture(scope="module")
def run():
    """The solution notebook's namespace after every code cell ran (bench/week_execution.py times it)."""
    namespace: dict = {"__name__": "__main__"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COURSE_HEADLESS", "1")
        patch.setenv("MPLBACKEND", "Agg")
        import matplotlib
        matplotlib.use("Agg")
        for cell in read_text_notebook(SOURCE / "week09" / "week09.py").cells:
            if cell.cell_type != "code":
                continue
            code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%"))
            exec(compile(code, "week09", "exec"), namespace)
    torch.set_num_threads(1)
    return namespace


# ----------------------------------------------------------------------------- transfer learning


def test_the_pretrained_digit_network(run):
    assert "a convolutional network is **pretrained on the digits 0 to 4**" in lesson("week09")
    assert run["source_accuracy"] > 0.95


def test_what_the_transfer_table_says(run):
    text = " ".join(lesson("week09").split())
    table = run["transfer_table"]
    fe64, fe512, tuned, scratch = (table[m] for m in run["methods"])
    assert "a head on them is the worst of the four at every budget (with 30 examples per class it still gets only " \
           "about three in four test digits right)" in text
    assert all(fe64[n] < min(fe512[n], tuned[n], scratch[n]) for n in (1, 5, 30)), table
    assert abs(fe64[30] - 0.75) < 0.04, table
    assert "a head on them is far better, and with five or more examples per class within two points of the best" \
        in text
    assert all(fe512[n] - fe64[n] > 0.15 for n in (1, 5, 30)), table
    assert all(table.loc[n].max() - fe512[n] <= 0.02 for n in (5, 30)), table
    assert "Fine-tuning the whole backbone sits in between" in text
    assert all(fe64[n] < tuned[n] < fe512[n] for n in (1, 5, 30)), table
    assert "*On these tiny digits, training from scratch is the best.*" in text
    assert all(scratch[n] == table.loc[n].max() for n in (1, 5, 30)), table
    assert "with one example per class it already gets about four in five test digits right" in text
    assert abs(scratch[1] - 0.8) < 0.04, table


# ----------------------------------------------------------------------------- attention


def test_the_scaling_table(run):
    text = lesson("week09")
    assert "The unscaled scores' spread grows as $\\sqrt d$ (2, 4, 8, 16), and with $d = 256$ the largest of eight " \
           "softmax weights is on average above 0.9" in text
    scaling = run["scaling"]
    assert np.allclose(scaling["std of q·k"], [2, 4, 8, 16], rtol=0.03)
    assert np.allclose(scaling["std of q·k / sqrt(d)"], 1, rtol=0.03)
    assert scaling.loc[256, "largest softmax weight of 8 unscaled scores"] > 0.9


def test_attention_is_permutation_equivariant(run):
    assert np.allclose(run["out_shuffled"], run["out"][:, run["shuffle"]])


# ----------------------------------------------------------------------------- the GPT


def test_the_corpus_and_the_models(run):
    text = lesson("week09")
    assert "the source code of 38 modules of the standard library" in text and len(run["tiny_gpt"].PRETRAIN_FILES) == 38
    assert "standard-library source" in text and "1.8 million characters" in text
    assert abs(len(run["train_source"]) - 1.8e6) < 0.1e6
    assert "(3 blocks of width 96, 0.36 M parameters)" in text and "about eight minutes on one thread" in text
    assert sum(p.numel() for p in run["gpt"].parameters()) == 360_384
    assert "(1.4 MB)" in text and abs(run["tiny_gpt"].WEIGHTS.stat().st_size / 1e6 - 1.45) < 0.05
    assert "for 4,000 steps" in text
    assert "ln 96 \\approx 4.56" in text and round(np.log(96), 2) == 4.56


def test_the_gpt_beats_the_bigram_model(run):
    text = lesson("week09")
    assert ("The GPT trained for a few seconds here already predicts the held-out code better than the bigram model"
            in text)
    assert run["small_gpt_loss"] < run["bigram_loss"] - 0.1
    assert "the shipped one, trained ten times longer and a bit larger, is far better still" in text
    assert run["gpt_loss"] < run["small_gpt_loss"] - 0.3
    assert abs(run["gpt_loss"] - pretrain.RECORDED_HELD_OUT) < 0.05


# ----------------------------------------------------------------------------- classification


def test_the_classification_table(run):
    text = " ".join(lesson("week09").split())
    rows = run["classifier_rows"]
    frozen = rows["pretrained GPT, frozen: features + logistic regression"]
    tuned = rows["pretrained GPT, fine-tuned"]
    scratch = rows["the same network from scratch"]
    tfidf = rows["TF-IDF + logistic regression"]
    majority = float(np.mean(run["y_text_test"] == np.bincount(run["y_text_train"]).argmax()))
    assert "the networks that start from the GPT's weights are about ten points ahead of the same network trained " \
           "from scratch" in text
    assert 0.06 < min(frozen, tuned) - scratch < 0.16 and scratch > majority + 0.05
    assert "four epochs of fine-tuning add about a point" in text and -0.01 < tuned - frozen < 0.03
    assert "the plain **TF-IDF + logistic regression baseline is the best** of all here, by more than twenty points" \
        in text
    assert tfidf - max(frozen, tuned, scratch) > 0.2


def test_the_learned_positions_are_only_weakly_ordered(run):
    text = " ".join(lesson("week09").split())
    assert "(a mean cosine similarity of about 0.07 for neighbours and 0.02 twenty positions apart)" in text
    from course.explorers.positional_encoding import KINDS, PositionalPatterns
    similarity = PositionalPatterns(kind=KINDS[1]).compute().similarity
    assert abs(np.mean(np.diag(similarity, 1)) - 0.07) < 0.02
    assert abs(np.mean(np.diag(similarity, 20)) - 0.02) < 0.02


# ----------------------------------------------------------------------------- checkpoint


def test_the_checkpoint_answers_are_what_pytorch_says():
    layer = nn.MultiheadAttention(embed_dim=256, num_heads=8)
    assert sum(p.numel() for p in layer.parameters()) == 263_168
    rng = np.random.default_rng(0)
    q, k = rng.normal(size=(200_000, 64)), rng.normal(size=(200_000, 64))
    assert abs((q * k).sum(axis=1).std() - 8.0) < 0.05
