"""Explorer: an editable 3x3 kernel slid over a digit and over a photograph, with the feature maps it makes.

``KernelEditor`` (the model) holds the nine kernel entries, the digit shown and the learner's ``conv2d_forward``
(used once it passes its checks, else a reference); ``compute()`` returns both images and both feature maps.
``kernel_editor_explorer`` (the view) has a preset menu, nine number boxes and a digit slider. The photograph is
one of the two that scikit-learn ships (``load_sample_image("china.jpg")``), in grey and reduced four times.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np

from course.explorers.view import LearnerChecks, Validate, assemble, figure_png, guarded, new_figure

__all__ = ["PRESETS", "reference_conv2d", "digit_images", "photo", "KernelMaps", "KernelEditor",
           "kernel_editor_explorer"]

EXERCISE_KEY = "week08.conv2d_forward"

PRESETS = {
    "vertical edges (Sobel x)": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "horizontal edges (Sobel y)": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "diagonal edges": [[0, 1, 2], [-1, 0, 1], [-2, -1, 0]],
    "blur (box 3x3)": [[1 / 9] * 3] * 3,
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "outline (Laplacian)": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
}


def reference_conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Cross-correlation of (N, C, H, W) with (F, C, kh, kw), one kernel position at a time (as torch's conv2d)."""
    n, _, h, width = x.shape
    f, _, kh, kw = w.shape
    ho, wo = (h + 2 * padding - kh) // stride + 1, (width + 2 * padding - kw) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    out = np.zeros((n, f, ho, wo))
    for i in range(kh):
        for j in range(kw):
            out += np.einsum("nchw,fc->nfhw", xp[:, :, i:i + stride * ho:stride, j:j + stride * wo:stride],
                             w[:, :, i, j])
    return out + b[None, :, None, None]


@lru_cache(maxsize=1)
def digit_images() -> np.ndarray:
    """The first ten of scikit-learn's 8x8 digits (one of each, 0 to 9), scaled to [0, 1]."""
    from sklearn.datasets import load_digits
    data = load_digits()
    first = [int(np.flatnonzero(data.target == d)[0]) for d in range(10)]
    return data.images[first] / 16.0


@lru_cache(maxsize=1)
def photo() -> np.ndarray:
    """scikit-learn's bundled photograph of a Chinese temple, grey, reduced 4x by averaging blocks, in [0, 1]."""
    from sklearn.datasets import load_sample_image
    rgb = load_sample_image("china.jpg").astype(float) / 255.0
    grey = rgb @ np.array([0.299, 0.587, 0.114])
    h, w = (s // 4 * 4 for s in grey.shape)
    return grey[:h, :w].reshape(h // 4, 4, w // 4, 4).mean(axis=(1, 3))


@dataclass(frozen=True, eq=False)
class KernelMaps:
    kernel: np.ndarray          # (3, 3)
    digit: np.ndarray           # (8, 8)
    digit_map: np.ndarray       # (8, 8): padding 1 keeps the size
    photo: np.ndarray           # (H, W)
    photo_map: np.ndarray       # (H, W)
    implementation: str         # "yours" | "reference"
    running: str


@dataclass
class KernelEditor:
    """All the explorer's state. ``conv2d_forward`` is the learner's function (Exercise 1)."""
    kernel: np.ndarray = field(default_factory=lambda: np.array(PRESETS["vertical edges (Sobel x)"], float))
    digit: int = 3
    conv2d_forward: Callable | None = None
    validate: Validate | None = None
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def _who(self) -> tuple[Callable, str, str]:
        function, why = self._checks.usable(EXERCISE_KEY, self.conv2d_forward, self.validate)
        if function is not None:
            return guarded(EXERCISE_KEY, function), "yours", "feature maps: your conv2d_forward"
        return reference_conv2d, "reference", "feature maps: the reference conv2d" + (
            why and f" (your conv2d_forward {why})")

    def compute(self) -> KernelMaps:
        return self._checks.compute(self._compute)

    def _compute(self) -> KernelMaps:
        conv, implementation, running = self._who()
        kernel = np.asarray(self.kernel, dtype=float).reshape(3, 3)
        w, b = kernel[None, None], np.zeros(1)
        digit = digit_images()[int(np.clip(self.digit, 0, 9))]
        image = photo()
        digit_map = np.asarray(conv(digit[None, None], w, b, 1, 1), dtype=float)[0, 0]
        photo_map = np.asarray(conv(image[None, None], w, b, 1, 1), dtype=float)[0, 0]
        return KernelMaps(kernel, digit, digit_map, image, photo_map, implementation, running)


def describe(r: KernelMaps) -> str:
    return (f"kernel sum {r.kernel.sum():+.2f} (0: flat regions give 0; 1: brightness kept); feature map of the "
            f"photo from {r.photo_map.min():+.2f} to {r.photo_map.max():+.2f}")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (10.0, 3.6), 72


def kernel_editor_explorer(conv2d_forward: Callable | None = None, *, preset: str = "vertical edges (Sobel x)",
                           digit: int = 3, validate: Validate | None = None):
    """A preset menu, a 3x3 grid of number boxes, a digit slider; the feature maps redraw on every change.

    Controls: "preset", "k0" ... "k8" (row by row), "digit". The box carries ``model`` (:class:`KernelEditor`),
    ``result`` (the latest :class:`KernelMaps`), ``controls``, ``output``, ``status`` and ``last_update``.
    """
    import ipywidgets as widgets

    model = KernelEditor(kernel=np.array(PRESETS[preset], float), digit=digit, conv2d_forward=conv2d_forward,
                         validate=validate)
    cells = {f"k{i}": widgets.FloatText(value=round(float(v), 4), step=0.5, layout=widgets.Layout(width="70px"))
             for i, v in enumerate(np.ravel(PRESETS[preset]))}
    controls = {"preset": widgets.Dropdown(options=list(PRESETS), value=preset, description="preset"),
                **cells,
                "digit": widgets.IntSlider(value=digit, min=0, max=9, description="digit")}
    grid = widgets.GridBox(list(cells.values()), layout=widgets.Layout(
        grid_template_columns="repeat(3, 75px)", width="240px"))
    rows = [widgets.HBox([widgets.VBox([controls["preset"], controls["digit"]]),
                          widgets.VBox([widgets.HTML("<b>kernel</b> (edit any entry)"), grid])])]
    loading = {"preset": False}

    def apply() -> None:
        model.kernel = np.array([cells[f"k{i}"].value for i in range(9)], float).reshape(3, 3)
        model.digit = controls["digit"].value

    box = assemble(model, controls, rows, picture=_Picture(), css_class="explorer-kernel-editor",
                   label="<kernel editor>", apply=apply, observe=(),
                   status=lambda r: (f"{html.escape(describe(r))}<br>{html.escape(r.running)}", ""))

    def kernel_changed(_change) -> None:
        if not loading["preset"]:
            box.update()

    def preset_chosen(change) -> None:
        loading["preset"] = True       # nine boxes change: redraw once, after the last
        try:
            for i, v in enumerate(np.ravel(PRESETS[change["new"]])):
                cells[f"k{i}"].value = round(float(v), 4)
        finally:
            loading["preset"] = False
        box.update()

    for name in cells:
        cells[name].observe(kernel_changed, names="value")
    controls["digit"].observe(kernel_changed, names="value")
    controls["preset"].observe(preset_chosen, names="value")
    return box


class _Picture:
    """Four images (digit, its map, photo, its map), created once; updates only swap data and colour limits."""

    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        grid = self.figure.add_gridspec(1, 4, width_ratios=[1, 1, 1.5, 1.5], left=0.02, right=0.98, bottom=0.04,
                                        top=0.88, wspace=0.08)
        self.axes = [self.figure.add_subplot(grid[0, k]) for k in range(4)]
        for ax, title in zip(self.axes, ("digit", "feature map", "photo (scikit-learn's sample)", "feature map")):
            ax.set_axis_off()
            ax.set_title(title, fontsize=10)
        self.images = None

    def draw(self, r: KernelMaps) -> bytes:
        pictures = (r.digit, r.digit_map, r.photo, r.photo_map)
        if self.images is None:
            self.images = [ax.imshow(p, cmap="gray_r" if k == 0 else ("gray" if k == 2 else "RdBu_r"),
                                     interpolation="nearest")
                           for k, (ax, p) in enumerate(zip(self.axes, pictures))]
            self.images[0].set_clim(0, 1)
            self.images[2].set_clim(0, 1)
        for k in (1, 3):
            limit = float(np.abs(pictures[k]).max()) or 1.0    # symmetric: white is 0, red +, blue -
            self.images[k].set_data(pictures[k])
            self.images[k].set_clim(-limit, limit)
        self.images[0].set_data(r.digit)
        return figure_png(self.figure)
