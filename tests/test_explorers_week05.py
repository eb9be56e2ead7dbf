"""Week 05 explorers: the models compute the right things, and the views are thin and honest about whose code runs."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import DBSCAN, KMeans

from course.explorers.dendrogram_cut import CUT_DATASETS, DendrogramCut, cut_dataset, dendrogram_explorer
from course.explorers.density import DENSITY_DATASETS, DBSCANStudy, dbscan_explorer, density_dataset
from course.explorers.kmeans_steps import (DATASETS, MAX_STEPS, KMeansSteps, kmeans_explorer, make_dataset,
                                           reference_kmeans_steps)

from solutions import solution_namespace

SOLUTIONS = solution_namespace("week05")


def _accept(function):
    return True, ""


def _reject(function):
    return False, "it returns the wrong shape"


def _png(box) -> bool:
    outputs = box.output.outputs
    return len(outputs) == 1 and "image/png" in outputs[0]["data"]


def _same_partition(a, b) -> bool:
    pairs = {(x, y) for x, y in zip(np.asarray(a).tolist(), np.asarray(b).tolist())}
    return len(pairs) == len(set(np.asarray(a).tolist())) == len(set(np.asarray(b).tolist()))


# ----------------------------------------------------------------------------- k-means step by step


def test_the_steps_match_scikit_learns_lloyd_and_the_inertia_never_rises():
    X = make_dataset("blobs")
    init = X[[0, 50, 100, 150]]
    steps = reference_kmeans_steps(X, init, MAX_STEPS)
    inertia = np.array([s[2] for s in steps])
    assert np.all(np.diff(inertia) <= 1e-9)
    for t in (1, 3, MAX_STEPS):
        model = KMeans(n_clusters=4, init=init, n_init=1, algorithm="lloyd", max_iter=t, tol=0).fit(X)
        assert np.allclose(steps[t][0], model.cluster_centers_)
        assert np.array_equal(steps[t][1], model.labels_)


@pytest.mark.parametrize("dataset", DATASETS)
def test_every_step_is_a_pick_from_one_trajectory(dataset):
    study = KMeansSteps(dataset=dataset, k=3)
    pictures = []
    for step in range(MAX_STEPS + 1):
        study.step = step
        pictures.append(study.compute())
    assert len(study._runs) == 1                     # the slider never recomputed the run
    last = pictures[-1]
    assert last.trail.shape == (MAX_STEPS + 1, 3, 2) and last.regions.shape[0] == last.regions.shape[1]
    assert np.array_equal(last.labels, ((last.X[:, None] - last.centers[None]) ** 2).sum(-1).argmin(1))
    assert "the reference" in last.running


def test_the_explorer_runs_the_learners_functions_only_once_they_pass():
    calls = {"kmeans": 0, "plusplus": 0}
    kmeans, plusplus = SOLUTIONS["kmeans"], SOLUTIONS["kmeans_plus_plus"]

    def counting_kmeans(X, init, n_iter):
        calls["kmeans"] += 1
        return kmeans(X, init, n_iter)

    def counting_plusplus(X, k, rng):
        calls["plusplus"] += 1
        return plusplus(X, k, rng)

    rejected = KMeansSteps(kmeans=counting_kmeans, kmeans_plus_plus=counting_plusplus, init="k-means++",
                           validate=_reject).compute()
    assert "does not pass its checks yet" in rejected.running and calls == {"kmeans": 0, "plusplus": 0}
    reference = KMeansSteps(init="k-means++").compute()
    accepted = KMeansSteps(kmeans=counting_kmeans, kmeans_plus_plus=counting_plusplus, init="k-means++",
                           validate=_accept).compute()
    assert "your kmeans" in accepted.running and "your kmeans_plus_plus" in accepted.running
    assert calls == {"kmeans": MAX_STEPS, "plusplus": 1}
    assert np.allclose(accepted.inertia, reference.inertia)   # the same algorithm, the same seed rule


def test_a_learners_kmeans_that_raises_on_the_explorers_data_is_replaced():
    def broken(X, init, n_iter):
        raise ValueError("boom")

    picture = KMeansSteps(kmeans=broken, validate=_accept).compute()
    assert "raised ValueError here: boom" in picture.running


def test_the_kmeans_view_draws_and_says_whose_code_runs():
    box = kmeans_explorer()
    assert _png(box) and "updated in" in box.status.value and "the reference" in box.status.value
    before = box.output.outputs
    box.controls["step"].value = 3
    assert box.result.step == 3 and box.output.outputs != before
    box.controls["dataset"].value = "moons"
    assert box.result.dataset == "moons" and _png(box)


# ----------------------------------------------------------------------------- DBSCAN


@pytest.mark.parametrize("dataset", DENSITY_DATASETS)
def test_the_dbscan_model_matches_scikit_learn(dataset):
    X = density_dataset(dataset)
    for eps, m in [(0.1, 5), (0.2, 8), (0.05, 3)]:
        picture = DBSCANStudy(dataset=dataset, eps=eps, min_samples=m).compute()
        model = DBSCAN(eps=eps, min_samples=m).fit(X)
        core = np.zeros(len(X), bool)
        core[model.core_sample_indices_] = True
        assert np.array_equal(picture.core, core)
        assert np.array_equal(picture.labels == -1, model.labels_ == -1)
        assert _same_partition(picture.labels[core], model.labels_[core])
        # core exactly where the k-distance is at most eps
        assert np.sum(picture.k_distance <= eps) == core.sum()


def test_the_dbscan_explorer_runs_the_learners_dbscan_once_it_passes():
    calls = []

    def counting(X, eps, m):
        calls.append(eps)
        return SOLUTIONS["dbscan"](X, eps, m)

    rejected = DBSCANStudy(dbscan=counting, validate=_reject).compute()
    assert "does not pass its checks yet" in rejected.running and not calls
    accepted = DBSCANStudy(dbscan=counting, validate=_accept).compute()
    reference = DBSCANStudy().compute()
    assert accepted.running == "clusters: your dbscan" and calls == [0.15]
    assert np.array_equal(accepted.core, reference.core)
    assert _same_partition(accepted.labels, reference.labels)


def test_the_dbscan_view_redraws_when_a_slider_moves():
    box = dbscan_explorer()
    assert _png(box) and "updated in" in box.status.value
    before = box.output.outputs
    box.controls["eps"].value = 0.3
    assert box.result.eps == 0.3 and box.output.outputs != before
    box.controls["min_samples"].value = 12
    assert box.result.min_samples == 12


# ----------------------------------------------------------------------------- dendrogram cut

@pytest.mark.parametrize("dataset", CUT_DATASETS)
def test_the_cut_is_scipys_fcluster_and_the_tree_is_computed_once(dataset):
    study = DendrogramCut(dataset=dataset, method="complete")
    Z = linkage(cut_dataset(dataset), method="complete")
    counts = []
    for cut in (0.0, 0.2, 0.5, 0.8, 1.0):
        study.cut = cut
        picture = study.compute()
        assert _same_partition(picture.labels, fcluster(Z, picture.height, criterion="distance"))
        counts.append(picture.n_clusters)
    assert len(study._trees) == 1
    assert counts == sorted(counts, reverse=True) and counts[-1] == 1 and counts[0] == len(cut_dataset(dataset))


def test_the_dendrogram_uses_the_learners_linkage_only_for_single_and_complete_once_it_passes():
    calls = []

    def counting(X, method):
        calls.append(method)
        return SOLUTIONS["linkage_matrix"](X, method)

    rejected = DendrogramCut(linkage_matrix=counting, validate=_reject).compute()
    assert "does not pass its checks yet" in rejected.running and not calls
    accepted = DendrogramCut(linkage_matrix=counting, validate=_accept).compute()
    assert accepted.running == "the tree: your linkage_matrix" and calls == ["single"]
    reference = DendrogramCut().compute()
    assert _same_partition(accepted.labels, reference.labels)
    ward = DendrogramCut(method="ward", linkage_matrix=counting, validate=_accept).compute()
    assert ward.running == "the tree: scipy's linkage" and calls == ["single"]


def test_the_dendrogram_view_recolours_when_the_cut_moves():
    box = dendrogram_explorer()
    assert _png(box) and "updated in" in box.status.value
    before = box.output.outputs
    box.controls["cut"].value = 0.1
    assert box.result.n_clusters > 1 and box.output.outputs != before
