"""Explorer: how the code size of an autoencoder trades reconstruction quality against compression, next to PCA.

``LatentSize`` (the model) holds, for each code size in LATENT_SIZES, the held-out reconstruction loss of the
lesson's non-linear autoencoder (64 -> 32 -> k -> 32 -> 64, PyTorch, trained once and committed as
``autoencoder_latent.npz``; regenerate it with ``python -m course.explorers.autoencoder``, a test checks it) and of
PCA with k components, and eight held-out digits rebuilt by each.  The slider only picks a code size.
``autoencoder_latent_explorer`` (the view) draws the digits and the two loss curves.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from course.explorers.pca_digits import mosaic
from course.explorers.view import assemble, figure_png, new_figure

__all__ = ["LATENT_SIZES", "CACHE", "train_autoencoder", "compute_latent_results", "latent_results",
           "LatentPicture", "LatentSize", "autoencoder_latent_explorer"]

LATENT_SIZES = (1, 2, 4, 8, 16, 32)
SHOWN = 8
EPOCHS = 40
CACHE = Path(__file__).with_name("autoencoder_latent.npz")


def digit_split() -> tuple[np.ndarray, np.ndarray]:
    """The lesson's split of the digits, pixels scaled to 0..1: (train, test)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    X_train, X_test, _, _ = train_test_split(data.data / 16, data.target, test_size=0.25, random_state=0)
    return X_train, X_test


def train_autoencoder(X_train: np.ndarray, k: int, epochs: int = EPOCHS, seed: int = 0):
    """The lesson's autoencoder with a code of k numbers, trained with Adam on mini-batches of 64: the model."""
    import torch
    from torch import nn

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    data = torch.tensor(X_train, dtype=torch.float32)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, k),
                          nn.Linear(k, 32), nn.ReLU(), nn.Linear(32, 64), nn.Sigmoid())
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(epochs):
        order = torch.randperm(len(data))
        for start in range(0, len(order), 64):
            batch = data[order[start:start + 64]]
            loss = ((model(batch) - batch) ** 2).sum(dim=1).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return model


def _reconstruct(model, X: np.ndarray) -> np.ndarray:
    import torch

    with torch.no_grad():
        return model(torch.tensor(X, dtype=torch.float32)).numpy().astype(float)


def _loss(X: np.ndarray, X_hat: np.ndarray) -> float:
    """Mean over digits of the summed squared pixel error (pixels in 0..1), the lesson's reconstruction loss."""
    return float(np.sum((X - X_hat) ** 2) / len(X))


def compute_latent_results(sizes=LATENT_SIZES, epochs: int = EPOCHS) -> dict:
    """Train one autoencoder per code size (seconds each) and fit PCA with as many components."""
    from sklearn.decomposition import PCA

    X_train, X_test = digit_split()
    results = {"sizes": np.array(sizes), "originals": X_test[:SHOWN]}
    ae_loss, pca_loss, ae_images, pca_images = [], [], [], []
    for k in sizes:
        rebuilt = _reconstruct(train_autoencoder(X_train, k, epochs), X_test)
        pca = PCA(n_components=k).fit(X_train)
        linear = np.clip(pca.inverse_transform(pca.transform(X_test)), 0, 1)
        ae_loss.append(_loss(X_test, rebuilt))
        pca_loss.append(_loss(X_test, pca.inverse_transform(pca.transform(X_test))))
        ae_images.append(rebuilt[:SHOWN])
        pca_images.append(linear[:SHOWN])
    results.update(ae_loss=np.array(ae_loss), pca_loss=np.array(pca_loss), ae_images=np.array(ae_images),
                   pca_images=np.array(pca_images))
    return results


def write_cache(path: Path = CACHE) -> None:
    """Regenerate the committed results: ``python -m course.explorers.autoencoder``."""
    results = compute_latent_results()
    np.savez_compressed(path, **{name: (value.astype(np.float32) if value.dtype.kind == "f" else value)
                                 for name, value in results.items()})


@lru_cache(maxsize=1)
def latent_results() -> dict:
    if CACHE.exists():
        with np.load(CACHE) as stored:
            return {name: stored[name].astype(float) if stored[name].dtype.kind == "f" else stored[name]
                    for name in stored.files}
    return compute_latent_results()


@dataclass(frozen=True, eq=False)
class LatentPicture:
    k: int
    sizes: np.ndarray
    ae_loss: np.ndarray           # (len(sizes),) held-out loss of the autoencoder
    pca_loss: np.ndarray          # (len(sizes),) held-out loss of PCA with k components
    originals: np.ndarray         # (SHOWN, 8, 8)
    ae_images: np.ndarray         # (SHOWN, 8, 8) through the autoencoder with a code of k
    pca_images: np.ndarray        # (SHOWN, 8, 8) through k principal components

    @property
    def index(self) -> int:
        return int(np.flatnonzero(self.sizes == self.k)[0])


@dataclass
class LatentSize:
    k: int = 8

    def __post_init__(self) -> None:
        self._results = latent_results()

    def compute(self) -> LatentPicture:
        r = self._results
        sizes = r["sizes"]
        i = int(np.argmin(np.abs(sizes - self.k)))
        return LatentPicture(k=int(sizes[i]), sizes=sizes, ae_loss=r["ae_loss"], pca_loss=r["pca_loss"],
                             originals=r["originals"].reshape(-1, 8, 8), ae_images=r["ae_images"][i].reshape(-1, 8, 8),
                             pca_images=r["pca_images"][i].reshape(-1, 8, 8))


def describe(p: LatentPicture) -> str:
    i = p.index
    return (f"code of {p.k} number{'s' * (p.k != 1)} (64 pixels in): held-out loss autoencoder {p.ae_loss[i]:.2f}, "
            f"PCA with {p.k} component{'s' * (p.k != 1)} {p.pca_loss[i]:.2f}")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.0, 3.6), 80


def autoencoder_latent_explorer(*, k: int = 8):
    """A code-size slider (its values precomputed), a picture and a status line, in a ``VBox``."""
    import ipywidgets as widgets

    model = LatentSize(k=k)
    controls = {"k": widgets.SelectionSlider(options=list(LATENT_SIZES), value=k, description="code size",
                                             layout=widgets.Layout(width="420px"))}
    return assemble(model, controls, [controls["k"]], picture=_Picture(), css_class="explorer-autoencoder",
                    label="<autoencoder code size>", status=lambda p: (html.escape(describe(p)), ""))


class _Picture:
    def __init__(self) -> None:
        from matplotlib import colormaps

        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        grid = self.figure.add_gridspec(3, 2, width_ratios=[1.5, 1], left=0.08, right=0.97, bottom=0.15, top=0.9,
                                        wspace=0.2, hspace=0.25)
        self.axes = [self.figure.add_subplot(grid[row, 0]) for row in range(3)]
        for ax, label in zip(self.axes, ("held-out digits", "autoencoder", "PCA")):
            ax.set_axis_off()
            ax.text(-0.01, 0.5, label, transform=ax.transAxes, ha="right", va="center", rotation=90, fontsize=9)
        self.grey = colormaps["gray_r"].with_extremes(bad="white")
        self.images = None
        ax = self.curve_ax = self.figure.add_subplot(grid[:, 1])
        ax.set_xscale("log", base=2)
        ax.set_xlabel("code size k")
        ax.set_ylabel("held-out reconstruction loss")
        ax.grid(alpha=0.3, which="both")
        self.k_line = ax.axvline(1, color="C3", lw=1.2)

    def draw(self, p: LatentPicture) -> bytes:
        if self.images is None:
            self.axes[0].imshow(mosaic(p.originals), cmap=self.grey, vmin=0, vmax=1)
            self.images = [ax.imshow(mosaic(images), cmap=self.grey, vmin=0, vmax=1)
                           for ax, images in zip(self.axes[1:], (p.ae_images, p.pca_images))]
            self.curve_ax.plot(p.sizes, p.ae_loss, "o-", color="C1", label="autoencoder")
            self.curve_ax.plot(p.sizes, p.pca_loss, "s-", color="C0", label="PCA")
            self.curve_ax.set_xticks(p.sizes, [str(s) for s in p.sizes])
            self.curve_ax.legend(fontsize=8)
        else:
            for image, data in zip(self.images, (p.ae_images, p.pca_images)):
                image.set_data(mosaic(data))
        self.k_line.set_xdata([p.k, p.k])
        self.curve_ax.set_title(f"code size {p.k}", fontsize=10)
        return figure_png(self.figure)


if __name__ == "__main__":
    write_cache()
    print(f"wrote {CACHE}")
