"""Week 06 explorers: the models compute the right things, the stored t-SNE maps are what the code makes, the
references the lesson falls back on pass the course's own checks, and the views update and say whose code runs."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.decomposition import PCA
from threadpoolctl import threadpool_limits

from course.exercises import run_checks
from course.explorers.baskets import (reference_association_rules, reference_linear_autoencoder, rules_table,
                                      shop_transactions)
from course.explorers.pca_digits import PCADigits, digits, pca_digits_explorer, reference_pca
from course.explorers.tsne_map import (CACHE, PERPLEXITIES, TSNEPerplexity, compute_tsne_maps, digits_sample,
                                       neighbour_overlap, reference_conditional_p, tsne_maps,
                                       tsne_perplexity_explorer)

from solutions import solution_namespace

SOLUTIONS = solution_namespace("week06")


def _accept(function):
    return True, ""


def _reject(function):
    return False, "it returns the wrong shape"


def _png(box) -> bytes:
    outputs = box.output.outputs
    assert len(outputs) == 1 and "image/png" in outputs[0]["data"]
    return outputs[0]["data"]["image/png"]


# ----------------------------------------------------------------------------- PCA on the digits


def test_pca_digits_reconstructions_match_scikit_learn():
    X, _ = digits()
    for k in (1, 10, 40):
        result = PCADigits(k=k).compute()
        model = PCA(n_components=k).fit(X)
        shown = X[:6]
        assert result.implementation == "reference"
        assert np.allclose(result.reconstructions.reshape(6, 64), model.inverse_transform(model.transform(shown)),
                           atol=1e-8)
        assert result.explained == pytest.approx(model.explained_variance_ratio_.sum(), rel=1e-9)
        assert result.mse == pytest.approx(np.mean((X - model.inverse_transform(model.transform(X))) ** 2),
                                           rel=1e-6)


def test_pca_digits_error_falls_as_k_grows_and_all_components_give_the_digits_back():
    errors = [PCADigits(k=k).compute().mse for k in (1, 5, 20, 64)]
    assert all(a > b for a, b in zip(errors, errors[1:]))
    full = PCADigits(k=64).compute()
    assert np.allclose(full.reconstructions, full.originals, atol=1e-8)


def test_pca_digits_runs_the_learners_pca_only_once_it_passes():
    calls = []

    def pca(X, k):
        calls.append(k)
        return reference_pca(X, k)

    rejected = PCADigits(k=5, pca=pca, validate=_reject).compute()
    assert rejected.implementation == "reference" and "does not pass its checks yet" in rejected.running
    assert not calls
    accepted = PCADigits(k=5, pca=pca, validate=_accept).compute()
    assert accepted.implementation == "yours" and accepted.running == "components: your pca" and calls == [64]


def test_pca_digits_falls_back_when_the_learners_pca_raises_on_the_digits():
    def fragile(X, k):
        raise ValueError("no")

    result = PCADigits(k=5, pca=fragile, validate=_accept).compute()
    assert result.implementation == "reference" and "raised ValueError" in result.running


def test_pca_digits_view_updates_on_the_slider():
    box = pca_digits_explorer(SOLUTIONS["pca"], k=10)
    assert "explorer-pca-digits" in box._dom_classes and set(box.controls) == {"k"}
    assert box.result.implementation == "yours" and "your pca" in box.status.value
    first = _png(box)
    box.controls["k"].value = 30
    assert box.result.k == 30 and _png(box) != first and "updated in" in box.status.value


# ----------------------------------------------------------------------------- t-SNE perplexity


def test_the_stored_maps_belong_to_the_digits_the_code_draws():
    maps = tsne_maps()
    X, labels = digits_sample()
    assert CACHE.exists() and np.array_equal(maps["labels"], labels)
    fresh_pca = PCA(n_components=2).fit_transform(X)
    signs = np.sign(np.sum(fresh_pca * maps["pca"], axis=0))
    assert np.allclose(maps["pca"], fresh_pca * signs, atol=1e-3)
    assert set(PERPLEXITIES) <= set(maps)


def test_the_stored_maps_are_what_tsne_makes_now():
    """Regenerating one perplexity gives a map of the same quality (t-SNE is not bit-reproducible across
    machines, so compare what the explorer reports rather than coordinates)."""
    from sklearn.manifold import TSNE

    X, _ = digits_sample()
    stored_map, stored_kl, stored_overlap = tsne_maps()[30]
    with threadpool_limits(1):
        model = TSNE(perplexity=30, max_iter=300, init="pca", random_state=0)
        fresh = model.fit_transform(X)
    assert neighbour_overlap(X, fresh) == pytest.approx(stored_overlap, abs=0.05)
    assert model.kl_divergence_ == pytest.approx(stored_kl, rel=0.1)


def test_compute_tsne_maps_makes_every_entry_the_cache_holds():
    maps = compute_tsne_maps(n_points=60)
    assert {"labels", "pca"} | {f"map_{p}" for p in PERPLEXITIES} | {f"kl_{p}" for p in PERPLEXITIES} == set(maps)
    assert all(maps[f"map_{p}"].shape == (60, 2) for p in PERPLEXITIES)


def test_tsne_model_picks_the_nearest_precomputed_perplexity():
    assert TSNEPerplexity(perplexity=30).compute().perplexity == 30
    assert TSNEPerplexity(perplexity=40).compute().perplexity == 30
    result = TSNEPerplexity(perplexity=2).compute()
    assert result.embedding.shape == (300, 2) and 0 < result.overlap < 1


def test_tsne_view_updates_on_the_slider():
    box = tsne_perplexity_explorer(perplexity=30)
    assert "explorer-tsne" in box._dom_classes and set(box.controls) == {"perplexity"}
    first = _png(box)
    box.controls["perplexity"].value = 5
    assert box.result.perplexity == 5 and _png(box) != first and "updated in" in box.status.value


# ----------------------------------------------------------------------------- references the lesson falls back on


@pytest.mark.parametrize("key, reference", [
    ("week06.pca", reference_pca),
    ("week06.tsne_conditional_p", reference_conditional_p),
    ("week06.linear_autoencoder", reference_linear_autoencoder),
    ("week06.association_rules", reference_association_rules),
])
def test_the_lessons_references_pass_the_courses_checks(key, reference):
    for seed in range(3):
        report = run_checks(key, reference, seed=seed)
        assert report.ok, f"{key} seed {seed}: {report.failure}"


def test_the_shop_has_baskets_for_every_customer_and_known_products():
    shop = shop_transactions(n_customers=50, seed=1)
    assert len(shop.baskets) == len(shop.customer) == len(shop.segment)
    assert set(np.unique(shop.customer)) <= set(range(50))
    assert shop.onehot().shape == (len(shop.baskets), 14) and np.all(shop.onehot().sum(axis=1) >= 1)


# ----------------------------------------------------------------------------- autoencoder code size


def test_the_stored_code_size_results_are_what_the_code_makes():
    from course.explorers.autoencoder import (CACHE, LATENT_SIZES, _loss, digit_split, latent_results,
                                              train_autoencoder, _reconstruct)

    results = latent_results()
    X_train, X_test = digit_split()
    assert CACHE.exists() and results["sizes"].tolist() == list(LATENT_SIZES)
    assert np.allclose(results["originals"], X_test[:8], atol=1e-6)
    for i, k in enumerate(LATENT_SIZES):   # PCA is deterministic: recompute it exactly
        pca = PCA(n_components=k).fit(X_train)
        assert results["pca_loss"][i] == pytest.approx(_loss(X_test, pca.inverse_transform(pca.transform(X_test))),
                                                       rel=1e-5)
    fresh = _loss(X_test, _reconstruct(train_autoencoder(X_train, 2), X_test))   # a few seconds: one size only
    assert fresh == pytest.approx(results["ae_loss"][1], rel=0.1)


def test_latent_size_model_and_view():
    from course.explorers.autoencoder import LatentSize, autoencoder_latent_explorer

    assert LatentSize(k=8).compute().k == 8 and LatentSize(k=10).compute().k == 8
    picture = LatentSize(k=2).compute()
    assert picture.ae_images.shape == picture.pca_images.shape == picture.originals.shape == (8, 8, 8)
    box = autoencoder_latent_explorer(k=8)
    assert "explorer-autoencoder" in box._dom_classes and set(box.controls) == {"k"}
    first = _png(box)
    box.controls["k"].value = 32
    assert box.result.k == 32 and _png(box) != first and "updated in" in box.status.value


def test_rules_table_is_a_dataframe_of_readable_rules_in_the_given_order():
    rules = reference_association_rules(shop_transactions(n_customers=60, seed=1).baskets, 0.05, 0.4)
    table = rules_table(rules)
    assert list(table.columns) == ["antecedent", "consequent", "support", "confidence", "lift"]
    assert len(table) == len(rules) > 0
    for row, (antecedent, consequent, support, confidence, lift) in zip(table.itertuples(index=False), rules):
        assert row.antecedent == ", ".join(sorted(antecedent)) and row.consequent == ", ".join(sorted(consequent))
        assert (row.support, row.confidence, row.lift) == (support, confidence, lift)
    strongest = table.sort_values(["lift", "support"], ascending=False)
    assert strongest["lift"].is_monotonic_decreasing
    empty = rules_table([])
    assert empty.empty and list(empty.columns) == list(table.columns)
