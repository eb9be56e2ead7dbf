"""Claims week 10's lesson makes that a learner could check, checked.

Each test quotes the lesson's words it backs, so a test and its sentence change together. The numbers come from
the solution notebook itself, run once here top to bottom (headless: explorers built, not drawn), so the claims
are about exactly what a learner's run prints.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from autograder.notebooks import read_text_notebook
from course.explorers.nms_threshold import reference_box_iou

SOURCE = Path(__file__).resolve().parents[1] / "source"

pytestmark = pytest.mark.slow


def lesson() -> str:
    """The week's text with comment markers and line breaks removed, for quoting."""
    lines = (SOURCE / "week10" / "week10.py").read_text().splitlines()
    return " ".join(line.lstrip("# ").strip() for line in lines)


@pytest.fixture(scope="module")
def run():
    """The solution notebook's namespace after every code cell ran."""
    namespace: dict = {"__name__": "__main__"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COURSE_HEADLESS", "1")
        patch.setenv("MPLBACKEND", "Agg")
        import matplotlib
        matplotlib.use("Agg")
        for cell in read_text_notebook(SOURCE / "week10" / "week10.py").cells:
            if cell.cell_type != "code":
                continue
            code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%"))
            exec(compile(code, "week10", "exec"), namespace)
    torch.set_num_threads(1)
    return namespace


def test_iou_is_strict_with_small_boxes(run):
    assert ("An 8 × 8 box shifted by one pixel has IoU $56/72 \\approx 0.78$, by two pixels $48/80 = 0.6$"
            in lesson())
    box = np.array([[0.0, 0.0, 8.0, 8.0]])
    shifted = np.array([[1.0, 0.0, 9.0, 8.0], [2.0, 0.0, 10.0, 8.0]])
    assert np.allclose(reference_box_iou(box, shifted), [[56 / 72, 48 / 80]])
    assert round(56 / 72, 2) == 0.78


def test_the_detector_and_what_nms_does_to_its_map(run):
    text = lesson()
    assert "$33 \\times 33 = 1089$ classifier calls per 40 × 40 scene" in text
    assert "about 15,500 parameters" in text
    assert 15_000 <= sum(p.numel() for p in run["detector"].parameters()) <= 16_000
    assert run["windows"].shape == (33 * 33, 4)
    assert ("the mAP falls to less than half of what NMS gives. The threshold matters too: at 0.5 and above, windows "
            "two pixels off the best one (an IoU below 0.5 with it) survive as duplicates and cost precision; 0.3 "
            "removes them, and 0.1 is nearly as good") in text
    table = run["detection_table"]["mAP (IoU 0.5)"]
    best = table.max()
    assert table["no NMS"] < 0.5 * best
    assert table["NMS at IoU 0.3"] == best and best - table["NMS at IoU 0.1"] < 0.05
    assert table["NMS at IoU 0.5"] < best - 0.05 and table["NMS at IoU 0.7"] < table["NMS at IoU 0.5"]
    assert best > 0.75                                   # "The detector finds most digits"
    # two pixels off in one direction and one in the other: IoU below 0.5 with the best window
    assert reference_box_iou(np.array([[0, 0, 8, 8]]), np.array([[2, 1, 10, 9]]))[0, 0] < 0.5


def test_segmentation_claims(run):
    text = lesson()
    assert "96 % of our canvas is background, and a network that predicts \"background\" everywhere has 96 % " \
           "accuracy and Dice 0" in text
    assert round(1 - run["true_masks"].mean(), 2) == 0.96
    table = run["segmentation"]
    network = [row for row in table.index if row.startswith("3-layer CNN")][0]
    assert table.loc[network, "Dice"] > table.loc["threshold the noisy pixels at 0.5", "Dice"] + 0.2
    assert (table["Dice"] >= table["IoU"]).all()
    assert np.allclose(table["Dice"], 2 * table["IoU"] / (1 + table["IoU"]))


def test_the_embedding_corpus_neighbours_and_analogies(run):
    text = lesson()
    assert "about 125,000 words of English about programming" in text
    assert "The words seen at least 5 times (about 2,300) form the vocabulary" in text
    assert abs(len(run["words"]) - 125_000) < 15_000 and abs(len(run["vocabulary"]) - 2300) < 300
    assert "*true* sits next to *false*, *month* next to *day*, *socket* next to *address*" in text
    neighbours = run["neighbours"]
    assert "false" in neighbours("true") and "day" in neighbours("month") and "address" in neighbours("socket")
    assert "and most analogies fail" in text
    analogies = run["analogy_table"]
    assert len(analogies) >= 4 and analogies["right"].sum() <= len(analogies) // 2
    assert run["embedding_losses"][0] == pytest.approx(6 * math.log(2), abs=0.01)


def test_perplexity_and_decoding(run):
    text = lesson()
    assert "a uniform model over $V$ words has perplexity $V$" in text
    table = run["perplexity"]
    assert table.loc["uniform over the 302 tokens", "perplexity"] == pytest.approx(302)
    assert table.loc["bigram", "perplexity"] < table.loc["unigram", "perplexity"] < 302
    assert ("the wider beams find sentences with a higher total probability, which are short ones" in text)
    decoded = run["decoded"]
    assert decoded.loc[3, "log-probability"] > decoded.loc[1, "log-probability"]
    assert decoded.loc[10, "log-probability"] >= decoded.loc[3, "log-probability"]
    assert decoded.loc[10, "words"] < decoded.loc[1, "words"]
    assert "<unk>" not in " ".join(decoded["sentence"])


def test_dates_and_question_answering(run):
    text = lesson()
    assert run["date_exact"] > 0.9 and run["date_nats"] < 0.1
    assert ("The baseline is right when the person asked about happens to come first among those with a fact of "
            "that kind, about half of the time; the reader, which matches the question's name and verb with the "
            "words before each span, answers (nearly) every held-out question.") in text
    assert 0.4 < run["baseline_exact"] < 0.6 and run["reader_exact"] > 0.97


def test_the_vae_and_its_kl(run):
    kl_torch = run["test_kl"]
    assert np.mean(run["kl_mine"]) == pytest.approx(kl_torch, rel=1e-4)   # gaussian_kl is the KL the VAE trains
    assert 15 < run["test_reconstruction"] + kl_torch < 35                 # −ELBO in nats per digit


def test_the_gan_collapses_early_and_spreads_later(run):
    text = lesson()
    assert ("At first the generator has **collapsed**: its samples form a thin band that crosses one or two of the "
            "modes and misses the others") in text
    assert "reaching all eight modes by step 800, with many samples still between them" in text
    table = run["gan_table"]
    modes, near = table["modes covered (of 8)"], table["share of samples near a mode"]
    assert 1 <= modes.loc[100] <= 2 and 1 <= modes.loc[200] <= 2 and modes.loc[800] == 8
    assert near.loc[100] < 0.2 and near.loc[200] < 0.2 and 0.3 < near.loc[800] < 0.8


def test_diffusion_claims(run):
    text = lesson()
    assert "$\\bar\\alpha_{50} \\approx 0.005$" in text
    assert round(float(run["alphas_cumprod"][-1]), 3) == 0.005
    check = run["forward_check"]
    assert np.allclose(check["iterated 25 steps"], check["the formula"], atol=0.02)
    assert np.allclose(check["closed form (q_sample)"], check["the formula"], atol=0.02)
    assert "The linear schedule has wiped out most of it by the middle; the cosine one falls evenly." in text
    linear, cosine = (run["reference_ddpm_schedule"](1000, kind)[1] for kind in ("linear", "cosine"))
    assert np.sqrt(linear[499]) < 0.35 and np.sqrt(cosine[499]) > 0.6
    assert "The loss itself stays high" in text and np.mean(run["diffusion_losses"][-100:]) > 0.2
    assert np.median(run["distance_to_data"]) < 0.4 * np.median(run["noise_distance"])


def test_the_captioner(run):
    text = lesson()
    assert "decoder (about 23,000 parameters)" in text
    assert 22_000 <= sum(p.numel() for p in run["captioner"].parameters()) <= 24_000
    assert "The captioner gets most strips entirely right" in text and run["caption_exact"] > 0.6
    # "the exact-match rate is roughly the per-digit accuracy to the power of the strip's length" (3 on average)
    assert abs(run["caption_exact"] - run["word_accuracy"] ** 3) < 0.08


def test_the_checkpoint_answers():
    assert round(math.exp(1.5), 3) == 4.482
    assert reference_box_iou(np.array([[0, 0, 4, 4]]), np.array([[2, 2, 6, 6]]))[0, 0] == pytest.approx(1 / 7)
