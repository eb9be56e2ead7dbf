"""Claims week 06's lesson makes that a learner could check, checked.

Each test quotes the lesson's words it backs, so a test and its sentence change together.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE
from sklearn.metrics import silhouette_score
from sklearn.model_selection import cross_val_predict, train_test_split
from sklearn.neighbors import KNeighborsClassifier
from threadpoolctl import threadpool_limits

from course.explorers.baskets import (PRODUCTS, reference_association_rules, reference_linear_autoencoder,
                                      shop_transactions)
from course.explorers.tsne_map import PERPLEXITIES, reference_conditional_p, squared_distances, tsne_maps

SOURCE = Path(__file__).resolve().parents[1] / "source"


def lesson(week: str) -> str:
    """The week's text with comment markers and line breaks removed, for quoting."""
    lines = (SOURCE / week / f"{week}.py").read_text().splitlines()
    return " ".join(line.lstrip("# ").strip() for line in lines)


@pytest.fixture(autouse=True)
def one_thread():
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def digits():
    return load_digits(return_X_y=True)


def test_the_edge_columns_of_the_digits_are_nearly_always_blank(digits):
    assert "the pixels in the leftmost and rightmost columns are blank in more than 98 % of the images" \
        in lesson("week06")
    images = digits[0].reshape(-1, 8, 8)
    assert np.mean(images[:, :, [0, 7]] == 0) > 0.98


def test_the_number_of_components_for_each_variance_threshold(digits):
    text = lesson("week06")
    assert "the first component explains about 15 % of the variance" in text
    assert "21 components keep 90 % of the variance, 29 keep 95 %, and 41 keep 99 %." in text
    ratio = PCA().fit(digits[0]).explained_variance_ratio_
    assert round(ratio[0], 2) == 0.15
    assert [int(np.searchsorted(np.cumsum(ratio), share) + 1) for share in (0.9, 0.95, 0.99)] == [21, 29, 41]


def test_two_components_separate_some_digits_and_not_others(digits):
    assert ("a 10-nearest-neighbour classifier on the two coordinates alone recognises most 0s and 4s but fewer "
            "than a third of the 5s and 8s") in lesson("week06")
    X, y = digits
    predicted = cross_val_predict(KNeighborsClassifier(10), PCA(2).fit_transform(X), y, cv=5)
    recall = {digit: np.mean(predicted[y == digit] == digit) for digit in range(10)}
    assert recall[0] > 0.5 and recall[4] > 0.5
    assert recall[5] < 1 / 3 and recall[8] < 1 / 3


def test_the_reconstruction_error_is_the_variance_left_in_the_dropped_components(digits):
    assert ("the mean squared pixel error of the rank-$k$ reconstruction is the variance left in the other "
            "components, per pixel") in lesson("week06")
    assert "(its mean squared pixel error is below 1, on pixels that run from 0 to 16)" in lesson("week06")
    X = digits[0]
    assert X.min() == 0 and X.max() == 16
    thirty = PCA(30).fit(X)
    assert np.mean((X - thirty.inverse_transform(thirty.transform(X))) ** 2) < 1
    ratio = PCA().fit(X).explained_variance_ratio_
    for k in (2, 10, 30):
        model = PCA(k).fit(X)
        error = np.mean((X - model.inverse_transform(model.transform(X))) ** 2)
        assert error == pytest.approx(np.sum(ratio[k:]) * np.sum(X.var(axis=0)) / 64, rel=1e-9)


def test_wide_data_have_at_most_n_minus_1_singular_values_after_centring():
    assert "for wide data there are at most $n - 1$ non-zero singular values after centring" in lesson("week06")
    X = np.random.default_rng(0).normal(size=(6, 20))
    singular_values = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    assert np.sum(singular_values > 1e-10) == 5


def test_projecting_noisy_digits_roughly_halves_the_error(digits):
    assert "the squared error to the clean digits roughly halves" in lesson("week06")
    X = digits[0]
    noisy = X + np.random.default_rng(0).normal(scale=3.0, size=X.shape)   # the lesson's noise
    model = PCA(n_components=20).fit(X)
    before = np.mean((noisy - X) ** 2)
    after = np.mean((model.inverse_transform(model.transform(noisy)) - X) ** 2)
    assert 0.4 < after / before < 0.6


def test_perplexity_of_a_uniform_distribution_is_the_number_of_neighbours():
    assert "A uniform distribution over $m$ neighbours has perplexity exactly $m$" in lesson("week06")
    for m in (2, 7, 30):
        assert np.exp(-np.sum(np.full(m, 1 / m) * np.log(np.full(m, 1 / m)))) == pytest.approx(m)


def test_the_symmetrised_probabilities_are_what_scikit_learn_computes(digits):
    assert "This is what scikit-learn's `TSNE` computes internally from the same binary search." in lesson("week06")
    from scipy.spatial.distance import squareform
    from sklearn.manifold._t_sne import _joint_probabilities

    sample = np.random.default_rng(0).choice(len(digits[1]), size=300, replace=False)
    D2 = squared_distances(digits[0][sample])
    P = reference_conditional_p(D2, 30.0)
    joint = squareform(_joint_probabilities(D2.astype(np.float32), 30.0, 0))
    assert np.abs((P + P.T) / (2 * len(P)) - joint).max() < 1e-3 * joint.mean()


def test_the_perplexity_maps_keep_the_neighbours_the_lesson_says():
    assert ("at perplexity 2 the fewest of the six (about 55 %), from 5 to 100 about two thirds, against about a "
            "quarter in PCA's map on the left") in lesson("week06")
    maps = tsne_maps()
    overlaps = {p: maps[p][2] for p in PERPLEXITIES}
    assert min(overlaps, key=overlaps.get) == 2 and 0.5 < overlaps[2] < 0.6
    assert all(0.6 < overlaps[p] < 0.73 for p in PERPLEXITIES if p != 2)
    assert 0.2 < maps["pca_overlap"] < 0.32


def test_tsne_equalises_cluster_sizes_and_gaps():
    assert ("In the t-SNE map all three clusters come out about equally wide, and the two gaps about equal."
            in lesson("week06"))
    rng = np.random.default_rng(1)                 # the lesson's clusters
    centres = np.zeros((3, 10))
    centres[1, 0], centres[2, 0] = 100.0, 110.0
    spreads = np.array([10.0, 1.0, 1.0])
    blobs = np.vstack([c + s * rng.normal(size=(100, 10)) for c, s in zip(centres, spreads)])
    which = np.repeat([0, 1, 2], 100)
    mapped = TSNE(perplexity=30, init="pca", random_state=0, max_iter=500).fit_transform(blobs)
    spread = [np.sqrt(np.mean(np.sum((mapped[which == c] - mapped[which == c].mean(0)) ** 2, axis=1)))
              for c in range(3)]
    centre = [mapped[which == c].mean(0) for c in range(3)]
    assert max(spread) / min(spread) < 1.5                            # data: 10
    gaps = np.linalg.norm(centre[0] - centre[1]) / np.linalg.norm(centre[1] - centre[2])
    assert 0.5 < gaps < 2                                             # data: 10


def test_the_linear_autoencoder_approaches_pca_from_above(digits):
    assert ("the decoder's subspace approaches PCA's as training goes on, and the loss approaches PCA's "
            "reconstruction error from above") in lesson("week06")
    from scipy.linalg import subspace_angles

    X01 = digits[0] / 16
    pca = PCA(n_components=8).fit(X01)
    best = np.sum((X01 - pca.inverse_transform(pca.transform(X01))) ** 2) / len(X01)
    angles, losses = [], []
    for steps in (100, 400, 1600):
        _, W_dec, trace = reference_linear_autoencoder(X01, 8, steps, 0.2, 0)
        angles.append(np.degrees(subspace_angles(W_dec.T, pca.components_.T)).max())
        losses.append(trace[-1])
    assert angles[0] > angles[1] > angles[2]
    assert losses[0] > losses[1] > losses[2] > best


def test_the_non_linear_autoencoder_beats_pca_at_the_same_code_size(digits):
    assert ("With the same code size of 8 it reconstructs held-out digits better than PCA with 8 components"
            in lesson("week06"))
    import torch
    from torch import nn

    torch.set_num_threads(1)
    torch.manual_seed(0)                           # the lesson's network and training
    X01, y = digits[0] / 16, digits[1]
    X_train, X_test, _, _ = train_test_split(X01, y, test_size=0.25, random_state=0)
    train, test = torch.tensor(X_train, dtype=torch.float32), torch.tensor(X_test, dtype=torch.float32)
    encoder = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 8))
    decoder = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 64), nn.Sigmoid())
    model = nn.Sequential(encoder, decoder)
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(40):
        order = torch.randperm(len(train))
        for start in range(0, len(order), 64):
            batch = train[order[start:start + 64]]
            loss = ((model(batch) - batch) ** 2).sum(dim=1).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    with torch.no_grad():
        ae_loss = ((model(test) - test) ** 2).sum(dim=1).mean().item()
    pca = PCA(n_components=8).fit(X_train)
    pca_loss = np.sum((X_test - pca.inverse_transform(pca.transform(X_test))) ** 2) / len(X_test)
    assert ae_loss < pca_loss


@pytest.fixture(scope="module")
def shop_rules():
    shop = shop_transactions(n_customers=300, seed=0)
    return reference_association_rules(shop.baskets, 0.03, 0.5)


def test_the_shops_strongest_rules_and_the_rules_into_milk(shop_rules):
    text = lesson("week06")
    assert ("the health shoppers' breakfast (*granola, tea ⇒ yoghurt*) also has a lift above 3" in text)
    assert ("Rules into **milk** make up about a quarter of all the rules and are often very confident (up to "
            "96 %), but their lifts stay below 2.5") in text
    assert "the strongest rules combine the two cross-cutting habits (bread with butter, cereal with milk)" in text
    rules = {(frozenset(a), frozenset(c)): (s, conf, lift) for a, c, s, conf, lift in shop_rules}
    assert rules[(frozenset({"granola", "tea"}), frozenset({"yoghurt"}))][2] > 3
    into_milk = [value for (a, c), value in rules.items() if c == frozenset({"milk"})]
    assert 0.2 < len(into_milk) / len(rules) < 0.3
    assert round(max(conf for _, conf, _ in into_milk), 2) == 0.96
    assert max(lift for _, _, lift in into_milk) < 2.5
    strongest = sorted(shop_rules, key=lambda rule: -rule[4])[:6]
    for antecedent, consequent, *_ in strongest:
        items = antecedent | consequent
        assert {"bread", "butter"} <= items or {"cereal", "milk"} <= items


def test_the_silhouette_finds_the_four_segments_exactly():
    text = lesson("week06")
    assert "Here every cluster is exactly one hidden segment" in text
    assert ("one cluster buys beer and crisps, one coffee and croissants, one fruit, yoghurt, granola and tea, one "
            "the family staples") in text
    shop = shop_transactions(n_customers=300, seed=0)
    customers = np.unique(shop.customer)
    onehot = pd.DataFrame(shop.onehot().astype(int), columns=list(PRODUCTS))       # the lesson's tables
    table = onehot.groupby(shop.customer).mean()
    profiles = table.to_numpy()
    assert np.allclose(profiles, [shop.onehot()[shop.customer == c].mean(axis=0) for c in customers])
    scores = {k: silhouette_score(profiles, KMeans(n_clusters=k, n_init=4, random_state=0).fit_predict(profiles))
              for k in range(2, 8)}
    assert max(scores, key=scores.get) == 4
    labels = KMeans(n_clusters=4, n_init=4, random_state=0).fit_predict(profiles)
    hidden = np.array([shop.segment[shop.customer == c][0] for c in customers])
    for cluster in range(4):
        assert len(set(hidden[labels == cluster])) == 1
    favourites = {hidden[labels == c][0]: {PRODUCTS[j] for j in np.argsort(profiles[labels == c].mean(0))[::-1][:2]}
                  for c in range(4)}
    assert favourites["party"] == {"beer", "crisps"} and favourites["coffee"] == {"coffee", "croissant"}
    assert favourites["health"] == {"fruit", "yoghurt"} and favourites["family"] == {"milk", "bread"}


def test_the_silhouette_of_the_checkpoint_point():
    assert "A point has $a = 2$ and $b = 5$. What is its silhouette?" in lesson("week06")
    a, b = 2.0, 5.0
    assert (b - a) / max(a, b) == pytest.approx(0.6)


def test_the_checkpoints_silhouette_plot_shows_one_group_cut_in_two():
    assert ("Two clusters have much lower silhouettes than the other two and lie next to each other: one group has "
            "probably been cut in two, so try $k = 3$.") in lesson("week06")
    from sklearn.datasets import make_blobs
    from sklearn.metrics import silhouette_samples

    X, truth = make_blobs(n_samples=600, centers=[(0, 0), (6, 0), (3, 5)], cluster_std=[1.0, 1.0, 1.6],
                          random_state=0)
    model = KMeans(n_clusters=4, n_init=10, random_state=0).fit(X)
    silhouettes = silhouette_samples(X, model.labels_)
    means = np.array([silhouettes[model.labels_ == c].mean() for c in range(4)])
    low = np.argsort(means)[:2]
    assert means[low].max() < 0.45 < 0.6 < np.delete(means, low).min()
    centres = model.cluster_centers_
    distances = {(a, b): np.linalg.norm(centres[a] - centres[b]) for a in range(4) for b in range(a + 1, 4)}
    assert set(min(distances, key=distances.get)) == set(low)
    for cluster in low:   # both low clusters are (mostly) the wide blob, the third centre
        assert np.mean(truth[model.labels_ == cluster] == 2) > 0.9


def test_tsne_has_no_transform_for_new_points():
    assert "It has no `transform` for new points" in lesson("week06")
    assert not hasattr(TSNE(), "transform") and hasattr(PCA(), "transform")


def test_each_points_width_follows_how_fast_its_distances_grow(digits):
    assert "$\\sigma_i$ against that growth: a Spearman rank correlation above 0.9" in lesson("week06")
    assert "adding a constant to a whole row cancels in the normalisation" in lesson("week06")
    from scipy.stats import spearmanr

    sample = np.random.default_rng(0).choice(len(digits[1]), size=300, replace=False)   # the lesson's sample
    D2 = squared_distances(digits[0][sample])
    P = reference_conditional_p(D2, 30.0)
    assert np.allclose(reference_conditional_p(D2 + 7.0 * (1 - np.eye(300)), 30.0), P, atol=1e-6)
    order = np.argsort(np.where(np.eye(300, dtype=bool), np.inf, D2), axis=1)
    rows = np.arange(300)
    growth = D2[rows, order[:, 59]] - D2[rows, order[:, 0]]
    beta = (np.log(P[rows, order[:, 0]]) - np.log(P[rows, order[:, 59]])) / growth
    assert spearmanr(growth, 1 / np.sqrt(2 * beta)).statistic > 0.9


def test_the_autoencoder_wins_for_small_codes_and_pca_for_large_ones():
    text = lesson("week06")
    assert "The autoencoder wins for small codes, from 2 to 8 numbers" in text
    assert "From 16 on PCA wins" in text
    from course.explorers.autoencoder import latent_results

    results = latent_results()
    wins = dict(zip(results["sizes"].tolist(), results["ae_loss"] < results["pca_loss"]))
    assert wins[2] and wins[4] and wins[8] and not wins[16] and not wins[32]
    assert "(with a single number the two tie)" in text
    assert results["ae_loss"][0] == pytest.approx(results["pca_loss"][0], rel=0.02)


def test_the_shop_has_300_customers_with_3_to_12_baskets():
    assert "300 customers, each with 3 to 12 non-empty baskets" in lesson("week06")
    counts = np.bincount(shop_transactions(n_customers=300, seed=0).customer)
    assert len(counts) == 300 and counts.min() == 3 and counts.max() == 12


def test_unscaled_wine_pca_finds_only_proline():
    text = lesson("week06")
    assert "standard deviations run from about 0.12 to 314 (proline, in mg/l)" in text
    assert ("its loading on proline is above 0.999) and \"explains\" 99.8 % of the variance" in text)
    assert "the first component explains about 36 % and mixes several measurements, led by flavanoids and total " \
           "phenols" in text
    from sklearn.datasets import load_wine
    from sklearn.preprocessing import StandardScaler

    wine = load_wine()
    stds = wine.data.std(axis=0)
    assert round(stds.min(), 2) == 0.12 and round(stds.max()) == 314
    assert wine.feature_names[int(np.argmax(stds))] == "proline"
    raw = PCA().fit(wine.data)
    proline = wine.feature_names.index("proline")
    assert abs(raw.components_[0, proline]) > 0.999 and round(raw.explained_variance_ratio_[0], 3) == 0.998
    scaled = PCA().fit(StandardScaler().fit_transform(wine.data))
    assert round(scaled.explained_variance_ratio_[0], 2) == 0.36
    leading = [wine.feature_names[j] for j in np.argsort(np.abs(scaled.components_[0]))[::-1][:2]]
    assert leading == ["flavanoids", "total_phenols"]
    assert np.sum(np.abs(scaled.components_[0]) > 0.25) >= 5     # "mixes several measurements"


def test_a_onehot_columns_mean_is_the_products_support():
    text = lesson("week06")
    assert "A column's mean is the product's support" in text
    assert "with a 1 where the basket holds the product" in text
    shop = shop_transactions(n_customers=300, seed=0)
    onehot = pd.DataFrame(shop.onehot().astype(int), columns=list(PRODUCTS))     # the lesson's matrix
    assert list(onehot.columns) == list(PRODUCTS) and set(np.unique(onehot.to_numpy())) == {0, 1}
    for product in PRODUCTS:
        share = np.mean([product in basket for basket in shop.baskets])
        assert onehot[product].mean() == pytest.approx(share)
    # the lift of every rule into one product is its confidence over that column's mean
    for antecedent, consequent, _, confidence, lift in reference_association_rules(shop.baskets, 0.03, 0.5):
        if len(consequent) == 1:
            assert lift == pytest.approx(confidence / onehot[next(iter(consequent))].mean())

def test_the_segment_table_names_what_each_cluster_buys_most_often():
    assert "with each cluster's size and the three products its customers buy most often" in lesson("week06")
    shop = shop_transactions(n_customers=300, seed=0)
    profiles = pd.DataFrame(shop.onehot().astype(int), columns=list(PRODUCTS)).groupby(shop.customer).mean()
    labels = KMeans(n_clusters=4, n_init=4, random_state=0).fit_predict(profiles.to_numpy())
    centres = profiles.groupby(labels).mean()
    hidden = pd.Series(shop.segment).groupby(shop.customer).first().to_numpy()
    top = {hidden[labels == c][0]: set(centres.loc[c].nlargest(3).index) for c in range(4)}
    assert {"beer", "crisps"} <= top["party"] and {"coffee", "croissant"} <= top["coffee"]
    assert {"fruit", "yoghurt"} <= top["health"] and {"milk", "bread"} <= top["family"]
    assert pd.Series(labels).value_counts().sum() == 300
