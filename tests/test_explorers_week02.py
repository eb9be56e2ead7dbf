"""Week 02's explorers: the models compute the right things, and the views wire controls to them."""
from __future__ import annotations

import math

import numpy as np
import pytest

from course.explorers.bayes import CATEGORIES, BaseRateScreening, bayes_explorer
from course.explorers.clt import POPULATIONS, CLTSampler, clt_explorer
from course.explorers.sgd import BATCH_SIZES, SGDRun, line_data, reference_minibatch_sgd, sgd_explorer

from solutions import solution_namespace
from wrong_week02 import posterior_ignoring_the_prior, sgd_without_shuffling


@pytest.fixture(scope="module")
def solutions():
    return solution_namespace("week02")


# ----------------------------------------------------------------------------- CLT


@pytest.mark.parametrize("population", list(POPULATIONS))
def test_clt_means_follow_mu_and_the_standard_error(population):
    result = CLTSampler(population=population, sample_size=25, repeats=4000, seed=1).compute()
    assert result.means.shape == (4000,)
    assert result.standard_error == pytest.approx(result.sigma / 5)
    assert abs(result.mean_of_means - result.mu) < 4 * result.standard_error / math.sqrt(4000)
    heavy_tailed = population.startswith("lognormal")   # its sample sd converges slowly
    assert result.sd_of_means == pytest.approx(result.standard_error, rel=0.25 if heavy_tailed else 0.1)
    # the CLT's curve is a density over the plotted range
    assert np.trapezoid(result.normal_density, result.normal_x) == pytest.approx(1.0, abs=0.01)
    # the histogram's range holds all but the most extreme means (a far outlier would squash the picture)
    inside = (result.bin_edges[0] <= result.means) & (result.means <= result.bin_edges[-1])
    assert inside.mean() >= 0.998


def test_clt_skewness_shrinks_like_one_over_root_n():
    skews = [CLTSampler("exponential(1)", n, repeats=20000, seed=2).compute().skewness_of_means for n in (1, 4, 64)]
    assert skews[0] == pytest.approx(2.0, abs=0.3)
    assert skews[1] == pytest.approx(1.0, abs=0.2)
    assert abs(skews[2]) < 0.4


def test_clt_discrete_bins_are_centred_on_the_possible_means():
    result = CLTSampler("Bernoulli(0.1)", sample_size=10, repeats=2000, seed=3).compute()
    centres = (result.bin_edges[:-1] + result.bin_edges[1:]) / 2
    assert np.allclose(centres * 10, np.round(centres * 10))
    assert np.allclose(result.means * 10, np.round(result.means * 10))


def test_clt_seed_changes_the_draws_and_is_reproducible():
    a, b = CLTSampler(seed=0).compute(), CLTSampler(seed=0).compute()
    assert np.array_equal(a.means, b.means)
    assert not np.array_equal(a.means, CLTSampler(seed=1).compute().means)


# ----------------------------------------------------------------------------- Bayes


@pytest.mark.parametrize("prevalence, sensitivity, specificity, population",
                         [(0.01, 0.9, 0.95, 1000), (0.001, 0.99, 0.999, 10000), (0.3, 0.7, 0.6, 100),
                          (0.5, 1.0, 1.0, 1000)])
def test_screening_counts_add_up_and_posterior_is_bayes(prevalence, sensitivity, specificity, population):
    result = BaseRateScreening(prevalence, sensitivity, specificity, population).compute()
    counts = [result.counts[c] for c in CATEGORIES]
    assert sum(counts) == population and min(counts) >= 0
    expected = [prevalence * sensitivity, prevalence * (1 - sensitivity), (1 - prevalence) * (1 - specificity),
                (1 - prevalence) * specificity]
    assert np.all(np.abs(np.array(counts) - population * np.array(expected)) <= 1.5)
    assert result.posterior_positive == pytest.approx(expected[0] / (expected[0] + expected[2]))
    assert np.array_equal(np.bincount(result.grid[result.grid >= 0], minlength=4), counts)
    assert (result.grid == -1).sum() == result.grid.size - population


def test_screening_uses_the_learners_posterior_only_when_it_passes(solutions):
    mine = BaseRateScreening(posterior_function=solutions["bayes_posterior"]).compute()
    assert mine.implementation == "yours" and "your bayes_posterior" in mine.running
    assert mine.posterior_positive == pytest.approx(0.009 / 0.0585)
    wrong = BaseRateScreening(posterior_function=posterior_ignoring_the_prior).compute()
    assert wrong.implementation == "reference" and "does not pass its checks" in wrong.running
    assert wrong.posterior_positive == pytest.approx(0.009 / 0.0585)


def test_screening_validates_once_per_function():
    calls = []

    def validate(function):
        calls.append(function)
        return True, ""

    model = BaseRateScreening(posterior_function=lambda prior, likelihood: prior * likelihood / (prior @ likelihood),
                              validate=validate)
    for prevalence in (0.01, 0.02, 0.05):
        model.prevalence = prevalence
        assert model.compute().implementation == "yours"
    assert len(calls) == 1


# ----------------------------------------------------------------------------- SGD


def test_sgd_reference_path_shape_and_convergence():
    result = SGDRun(batch_size=10, learning_rate=0.05, decay=0.5, epochs=30).compute()
    assert result.path.shape == (30 * 10 + 1, 2) and not result.diverged
    assert result.excess_loss[-1] < 0.01 * result.lowest_loss
    assert result.full_batch_path.shape == (31, 2)
    assert result.epoch_of_update[-1] == pytest.approx(30)


def test_sgd_partial_last_batch_counts_as_an_update():
    X, y = line_data()
    assert reference_minibatch_sgd(X, y, 0.01, 2, 30).shape == (2 * 4 + 1, 2)   # 30 + 30 + 30 + 10


def test_sgd_large_learning_rate_diverges_and_is_truncated():
    result = SGDRun(batch_size=1, learning_rate=1.0, decay=0.0, epochs=5).compute()
    assert result.diverged and "Diverged" in result.explanation
    assert np.all(np.isfinite(result.path)) and np.abs(result.path).max() <= 1e6


def test_sgd_runs_the_learners_code_only_when_it_passes(solutions):
    mine = SGDRun(optimiser=solutions["minibatch_sgd"], seed=4).compute()
    reference = SGDRun(seed=4).compute()
    assert mine.implementation == "yours" and reference.implementation == "reference"
    assert np.allclose(mine.path, reference.path)
    wrong = SGDRun(optimiser=sgd_without_shuffling).compute()
    assert wrong.implementation == "reference" and "original order" in wrong.running


def test_sgd_falls_back_when_the_learners_code_crashes():
    def crashes(*args):
        raise ValueError("boom")

    result = SGDRun(optimiser=crashes, validate=lambda function: (True, "")).compute()
    assert result.implementation == "reference" and "raised ValueError: boom" in result.running


# ----------------------------------------------------------------------------- views


def _png_shown(box) -> bool:
    return len(box.output.outputs) == 1 and "image/png" in box.output.outputs[0]["data"]


def test_clt_view_updates_on_every_control():
    box = clt_explorer()
    assert "explorer-clt" in box._dom_classes
    assert set(box.controls) == {"population", "sample_size", "repeats", "draw_again"}
    assert _png_shown(box) and "updated in" in box.status.value
    box.controls["sample_size"].value = 40
    assert box.result.sample_size == 40
    box.controls["population"].value = "Bernoulli(0.1)"
    assert box.result.population == "Bernoulli(0.1)" and box.result.discrete
    before = box.result.means
    box.controls["draw_again"].click()
    assert box.model.seed == 1 and not np.array_equal(before, box.result.means)
    assert set(box.last_update) == {"compute_ms", "render_ms", "total_ms"}


def test_bayes_view_updates_and_says_whose_code_runs(solutions):
    box = bayes_explorer(solutions["bayes_posterior"])
    assert "explorer-bayes" in box._dom_classes
    assert set(box.controls) == {"prevalence", "sensitivity", "specificity", "population"}
    assert "your bayes_posterior" in box.status.value and _png_shown(box)
    box.controls["population"].value = 10000
    box.controls["specificity"].value = 0.999
    assert box.result.population == 10000 and box.result.specificity == pytest.approx(0.999)
    assert sum(box.result.counts.values()) == 10000


def test_sgd_view_updates_and_reshuffles(solutions):
    box = sgd_explorer(solutions["minibatch_sgd"])
    assert "explorer-sgd" in box._dom_classes
    assert set(box.controls) == {"batch_size", "learning_rate", "decay", "epochs", "reshuffle"}
    assert "your minibatch_sgd" in box.status.value and _png_shown(box)
    for batch in BATCH_SIZES:
        box.controls["batch_size"].value = batch
        assert box.result.batch_size == batch
    box.controls["learning_rate"].value = 1.0
    assert box.result.diverged and "diverged" in box.status.value
    box.controls["learning_rate"].value = 0.05
    box.controls["batch_size"].value = 10      # a full batch would not depend on the shuffle
    before = box.result.path
    box.controls["reshuffle"].click()
    assert box.model.seed == 1 and not np.array_equal(before, box.result.path)
