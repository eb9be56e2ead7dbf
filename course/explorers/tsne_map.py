"""Explorer: t-SNE maps of the same digits for a grid of perplexities, next to PCA's linear map.

``TSNEPerplexity`` (the model) holds every map, made once by scikit-learn's ``TSNE`` on 300 digits and committed
as ``tsne_maps.npz`` (regenerate it with ``python -m course.explorers.tsne_map``; a test checks it), so moving
the slider only picks a map.
``tsne_perplexity_explorer`` (the view) draws PCA's map and the chosen t-SNE map, coloured by digit, and says how
well each keeps every point's nearest neighbours.  ``reference_conditional_p`` is the reference for Exercise 4.
"""
from __future__ import annotations

import html
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from course.explorers.view import assemble, figure_png, new_figure

__all__ = ["PERPLEXITIES", "reference_conditional_p", "squared_distances", "neighbour_overlap", "tsne_maps",
           "TSNEMap", "TSNEPerplexity", "tsne_perplexity_explorer"]

PERPLEXITIES = (2, 5, 10, 30, 50, 100)
N_POINTS = 300
NEIGHBOURS = 10


def squared_distances(X: np.ndarray) -> np.ndarray:
    """All pairwise squared Euclidean distances (n, n), zero on the diagonal."""
    norms = np.sum(X ** 2, axis=1)
    D2 = np.maximum(norms[:, None] + norms[None, :] - 2 * X @ X.T, 0.0)
    np.fill_diagonal(D2, 0.0)
    return D2


def reference_conditional_p(D2: np.ndarray, perplexity: float, tol: float = 1e-5) -> np.ndarray:
    """t-SNE's p_(j|i): row i is exp(-beta_i D2[i]) / Z_i (diagonal 0), each beta_i found by bisection so that the
    row's entropy (natural log) is log(perplexity) within ``tol``."""
    n = len(D2)
    off = ~np.eye(n, dtype=bool)
    shifted = np.where(off, D2 - np.where(off, D2, np.inf).min(axis=1, keepdims=True), 0.0)
    target = np.log(perplexity)
    beta, low, high = np.ones(n), np.zeros(n), np.full(n, np.inf)
    for _ in range(200):
        W = np.where(off, np.exp(-beta[:, None] * shifted), 0.0)
        P = W / W.sum(axis=1, keepdims=True)
        H = -np.sum(P * np.log(np.where(P > 0, P, 1.0)), axis=1)
        open_rows = np.abs(H - target) >= tol
        if not open_rows.any():
            break
        too_flat = open_rows & (H > target)           # entropy too high: sharpen (raise beta)
        too_sharp = open_rows & (H < target)
        low = np.where(too_flat, beta, low)
        high = np.where(too_sharp, beta, high)
        beta = np.where(open_rows, np.where(np.isinf(high), 2 * beta, (low + high) / 2), beta)
    return P


def neighbour_overlap(X: np.ndarray, Y: np.ndarray, k: int = NEIGHBOURS) -> float:
    """The average share of each point's k nearest neighbours in X that are also among its k nearest in Y."""
    def nearest(Z):
        D2 = squared_distances(Z)
        np.fill_diagonal(D2, np.inf)
        return np.argsort(D2, axis=1)[:, :k]
    a, b = nearest(X), nearest(Y)
    return float(np.mean([len(np.intersect1d(row_a, row_b)) / k for row_a, row_b in zip(a, b)]))


CACHE = Path(__file__).with_name("tsne_maps.npz")


def digits_sample(n_points: int = N_POINTS, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The explorer's digits: ``n_points`` rows of scikit-learn's digits drawn without replacement."""
    from sklearn.datasets import load_digits

    data = load_digits()
    rows = np.random.default_rng(seed).choice(len(data.target), size=n_points, replace=False)
    return data.data[rows].astype(float), data.target[rows]


def compute_tsne_maps(n_points: int = N_POINTS, seed: int = 0) -> dict:
    """Every map from scratch (a few seconds): PCA's and t-SNE's for each of PERPLEXITIES."""
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE
    from threadpoolctl import threadpool_limits

    X, labels = digits_sample(n_points, seed)
    maps = {"labels": labels, "pca": PCA(n_components=2).fit_transform(X)}
    with threadpool_limits(1), warnings.catch_warnings():   # one thread: faster on a busy 2-core machine
        warnings.simplefilter("ignore")                     # e.g. a FutureWarning about a default changing
        for perplexity in PERPLEXITIES:
            model = TSNE(perplexity=min(perplexity, n_points - 1), max_iter=300, init="pca", random_state=seed)
            maps[f"map_{perplexity}"] = model.fit_transform(X)
            maps[f"kl_{perplexity}"] = np.float64(model.kl_divergence_)
    return maps


def write_cache(path: Path = CACHE) -> None:
    """Regenerate the committed maps: ``python -m course.explorers.tsne_map``."""
    maps = compute_tsne_maps()
    np.savez_compressed(path, **{name: (value.astype(np.float32) if name.startswith(("map_", "pca")) else value)
                                 for name, value in maps.items()})


@lru_cache(maxsize=2)
def tsne_maps(n_points: int = N_POINTS, seed: int = 0) -> dict:
    """{"labels", "pca", "pca_overlap", perplexity: (map, KL divergence, overlap)}, from the committed cache for
    the default sample (t-SNE takes seconds; the explorer must not), else computed."""
    if (n_points, seed) == (N_POINTS, 0) and CACHE.exists():
        with np.load(CACHE) as stored:
            raw = {name: stored[name] for name in stored.files}
    else:
        raw = compute_tsne_maps(n_points, seed)
    X, _ = digits_sample(n_points, seed)
    maps = {"labels": raw["labels"], "pca": raw["pca"].astype(float)}
    maps["pca_overlap"] = neighbour_overlap(X, maps["pca"])
    for perplexity in PERPLEXITIES:
        Y = raw[f"map_{perplexity}"].astype(float)
        maps[perplexity] = (Y, float(raw[f"kl_{perplexity}"]), neighbour_overlap(X, Y))
    return maps


@dataclass(frozen=True, eq=False)
class TSNEMap:
    perplexity: int
    embedding: np.ndarray     # (n, 2)
    pca_embedding: np.ndarray
    labels: np.ndarray
    kl_divergence: float
    overlap: float            # share of the 10 nearest neighbours kept
    pca_overlap: float


@dataclass
class TSNEPerplexity:
    perplexity: int = 30
    n_points: int = N_POINTS

    def __post_init__(self) -> None:
        self._maps = tsne_maps(self.n_points)

    def compute(self) -> TSNEMap:
        perplexity = min(PERPLEXITIES, key=lambda p: abs(p - self.perplexity))
        Y, kl, overlap = self._maps[perplexity]
        return TSNEMap(perplexity=perplexity, embedding=Y, pca_embedding=self._maps["pca"],
                       labels=self._maps["labels"], kl_divergence=kl, overlap=overlap,
                       pca_overlap=self._maps["pca_overlap"])


def describe(m: TSNEMap) -> str:
    return (f"perplexity {m.perplexity}: each point keeps {m.overlap:.0%} of its {NEIGHBOURS} nearest neighbours "
            f"(PCA's map: {m.pca_overlap:.0%}); KL divergence {m.kl_divergence:.2f}")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.0, 4.3), 80


def tsne_perplexity_explorer(*, perplexity: int = 30):
    """A perplexity slider (its values precomputed), a picture and a status line, in a ``VBox``."""
    import ipywidgets as widgets

    model = TSNEPerplexity(perplexity=perplexity)
    controls = {"perplexity": widgets.SelectionSlider(options=list(PERPLEXITIES), value=perplexity,
                                                      description="perplexity",
                                                      layout=widgets.Layout(width="420px"))}
    return assemble(model, controls, [controls["perplexity"]], picture=_Picture(), css_class="explorer-tsne",
                    label="<t-SNE perplexity>", status=lambda m: (html.escape(describe(m)), ""))


class _Picture:
    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.pca_ax, self.tsne_ax = self.figure.subplots(1, 2)
        self.figure.subplots_adjust(left=0.03, right=0.88, bottom=0.05, top=0.9, wspace=0.08)
        for ax in (self.pca_ax, self.tsne_ax):
            ax.set_xticks([])
            ax.set_yticks([])
        self.points = None

    def draw(self, m: TSNEMap) -> bytes:
        if self.points is None:
            colours = np.asarray(m.labels)
            self.pca_ax.scatter(*m.pca_embedding.T, c=colours, cmap="tab10", vmin=-0.5, vmax=9.5, s=9)
            self.pca_ax.set_title(f"PCA (linear): keeps {m.pca_overlap:.0%} of 10 nearest neighbours", fontsize=10)
            self.points = self.tsne_ax.scatter(*m.embedding.T, c=colours, cmap="tab10", vmin=-0.5, vmax=9.5, s=9)
            colorbar = self.figure.colorbar(self.points, ax=[self.pca_ax, self.tsne_ax], ticks=range(10),
                                            fraction=0.03, pad=0.02)
            colorbar.set_label("digit")
        self.points.set_offsets(m.embedding)
        low, high = m.embedding.min(axis=0), m.embedding.max(axis=0)
        pad = 0.05 * (high - low)
        self.tsne_ax.set_xlim(low[0] - pad[0], high[0] + pad[0])
        self.tsne_ax.set_ylim(low[1] - pad[1], high[1] + pad[1])
        self.tsne_ax.set_title(f"t-SNE, perplexity {m.perplexity}: keeps {m.overlap:.0%}", fontsize=10)
        return figure_png(self.figure)


if __name__ == "__main__":
    write_cache()
    print(f"wrote {CACHE}")
