"""Explorer: a 2x2 matrix as a transformation of the plane.

``MatrixTransform`` (the model) computes everything there is to draw: the warped grid, the image of the unit
circle, the images of e1 and e2, the determinant and the real eigenvectors.  ``transform_explorer`` (the view)
only turns sliders into model fields and the model's ``TransformView`` into a picture.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from course.explorers.view import assemble, figure_png, new_figure

__all__ = ["MatrixTransform", "TransformView", "PRESETS", "transform_explorer"]

GRID_RANGE = 3          # integer grid lines x = -3..3 and y = -3..3
GRID_SAMPLES = 20       # points per grid line: enough for a straight image, cheap to draw
CIRCLE_SAMPLES = 200
SINGULAR_TOL = 1e-9

COMPLEX_NOTE = ("complex eigenvalues: the matrix rotates every direction, "
                "so no real eigenvector stays on its line")

_ROOT_HALF = float(np.sqrt(0.5))
PRESETS: dict[str, tuple[float, float, float, float]] = {   # (a, b, c, d) of [[a, b], [c, d]]
    "identity": (1.0, 0.0, 0.0, 1.0),
    "scale": (2.0, 0.0, 0.0, 0.5),
    "shear": (1.0, 1.0, 0.0, 1.0),
    "rotation 45°": (_ROOT_HALF, -_ROOT_HALF, _ROOT_HALF, _ROOT_HALF),
    "reflection": (1.0, 0.0, 0.0, -1.0),
    "projection (singular)": (1.0, 0.0, 0.0, 0.0),
}


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.asarray(array, dtype=float)
    array.setflags(write=False)   # the view is a snapshot: nobody should edit it in place
    return array


@dataclass(frozen=True, eq=False)
class TransformView:
    """Everything the picture needs, in plain arrays (points are rows (x, y))."""
    matrix: np.ndarray              # (2, 2)
    grid_lines: np.ndarray          # (2 * 7, GRID_SAMPLES, 2): the images of the lines x = k and y = k
    original_grid_lines: np.ndarray  # same shape, before the matrix
    circle: np.ndarray              # (CIRCLE_SAMPLES, 2): the image of the unit circle (an ellipse)
    e1_image: np.ndarray            # (2,): the first column
    e2_image: np.ndarray            # (2,): the second column
    determinant: float
    eigenvalues: tuple[float, ...]  # real eigenvalues, largest first; () when they are complex
    eigenvectors: tuple[np.ndarray, ...]  # unit vectors, one per distinct eigen-direction
    note: str                       # what the eigen-picture means ("" when there is nothing to add)
    description: str                # what the determinant says


@dataclass
class MatrixTransform:
    """The matrix [[a, b], [c, d]]; all state of the explorer lives here."""
    a: float = 1.0
    b: float = 0.0
    c: float = 0.0
    d: float = 1.0

    @property
    def matrix(self) -> np.ndarray:
        return np.array([[self.a, self.b], [self.c, self.d]], dtype=float)

    def set(self, a: float, b: float, c: float, d: float) -> None:
        self.a, self.b, self.c, self.d = float(a), float(b), float(c), float(d)

    def compute(self) -> TransformView:
        matrix = self.matrix
        original = _grid_lines()
        angles = np.linspace(0.0, 2.0 * np.pi, CIRCLE_SAMPLES)
        circle = np.stack([np.cos(angles), np.sin(angles)], axis=1)
        determinant = float(np.linalg.det(matrix))
        eigenvalues, eigenvectors, note = _real_eigen(matrix)
        return TransformView(
            matrix=_frozen(matrix),
            grid_lines=_frozen(original @ matrix.T),      # rows are points, so x -> A x is x @ A.T
            original_grid_lines=_frozen(original),
            circle=_frozen(circle @ matrix.T),
            e1_image=_frozen(matrix[:, 0]),
            e2_image=_frozen(matrix[:, 1]),
            determinant=determinant,
            eigenvalues=eigenvalues,
            eigenvectors=tuple(_frozen(v) for v in eigenvectors),
            note=note,
            description=_describe_determinant(determinant, matrix),
        )


def _grid_lines() -> np.ndarray:
    ticks = np.arange(-GRID_RANGE, GRID_RANGE + 1, dtype=float)
    along = np.linspace(-GRID_RANGE, GRID_RANGE, GRID_SAMPLES)
    vertical = [np.stack([np.full_like(along, t), along], axis=1) for t in ticks]    # x = t
    horizontal = [np.stack([along, np.full_like(along, t)], axis=1) for t in ticks]  # y = t
    return np.array(vertical + horizontal)


def _describe_determinant(det: float, matrix: np.ndarray) -> str:
    if abs(det) <= SINGULAR_TOL * max(1.0, float(np.abs(matrix).max()) ** 2):
        if not matrix.any():
            return "det = 0: the plane is squashed onto a single point"
        return "det = 0: the plane is squashed onto a line"
    if det < 0:
        return f"det = {det:.2f} < 0: orientation is flipped, and areas are scaled by {abs(det):.2f}"
    return f"det = {det:.2f}: areas are scaled by {det:.2f}"


def _real_eigen(matrix: np.ndarray) -> tuple[tuple[float, ...], list[np.ndarray], str]:
    """Real eigenvalues and one unit vector per eigen-direction (a shear has just one)."""
    half_trace = np.trace(matrix) / 2.0
    discriminant = half_trace ** 2 - np.linalg.det(matrix)   # λ = half_trace ± sqrt(discriminant)
    scale = max(1.0, float(np.abs(matrix).max()) ** 2)
    if discriminant < -1e-12 * scale:
        return (), [], COMPLEX_NOTE
    values, vectors = np.linalg.eig(matrix)
    order = np.argsort(-values.real)
    pairs: list[tuple[float, np.ndarray]] = []
    for i in order:
        vector = _canonical(vectors[:, i].real)
        if all(abs(vector[0] * kept[1] - vector[1] * kept[0]) > 1e-6 for _, kept in pairs):
            pairs.append((float(values[i].real), vector))
    if len(pairs) == 1:
        note = "only one eigen-direction: every other vector is pushed off its line (a shear-like matrix)"
    elif np.allclose(matrix, half_trace * np.eye(2)):
        note = f"a multiple of the identity: every vector is an eigenvector with eigenvalue {half_trace:.2f}"
    else:
        note = ""
    return tuple(v for v, _ in pairs), [q for _, q in pairs], note


def _canonical(vector: np.ndarray) -> np.ndarray:
    """Unit length and a fixed sign (first nonzero entry positive), so the same matrix gives the same arrow."""
    vector = vector / np.linalg.norm(vector)
    leading = vector[np.argmax(np.abs(vector) > 1e-12)]
    return -vector if leading < 0 else vector


# ----------------------------------------------------------------------------- the view

LIMIT = 4.0
FIGURE_INCHES, FIGURE_DPI = (5.0, 5.0), 80   # ~400 px: sharp enough, quick to encode as PNG


def transform_explorer(a: float = 1.0, b: float = 0.0, c: float = 0.0, d: float = 1.0):
    """Four sliders for [[a, b], [c, d]], a preset menu, a picture and a status line, in a ``VBox``.

    The box carries ``model`` (the :class:`MatrixTransform`), ``result`` (the latest :class:`TransformView`),
    ``controls`` (name -> widget: "a", "b", "c", "d", "preset"), ``output``, ``status``, ``figure`` and
    ``last_update`` (milliseconds of the latest update: compute, render, total).
    """
    import ipywidgets as widgets

    model = MatrixTransform(a, b, c, d)
    sliders = {name: widgets.FloatSlider(value=getattr(model, name), min=-3.0, max=3.0, step=0.1,
                                         description=name, readout_format=".2f",
                                         continuous_update=True)
               for name in "abcd"}
    for slider in sliders.values():
        slider.add_class("explorer-matrix-entry")
    preset = widgets.Dropdown(options=["custom", *PRESETS], value="custom", description="preset")
    matrix_grid = widgets.VBox([widgets.HBox([sliders["a"], sliders["b"]]),
                                widgets.HBox([sliders["c"], sliders["d"]])])
    applying_preset = False

    def values() -> tuple[float, ...]:
        return tuple(sliders[name].value for name in "abcd")

    def status(result: TransformView) -> tuple[str, str]:
        eigen = ", ".join(f"{v:.2f}" for v in result.eigenvalues) or "complex"
        return (f"{html.escape(result.description)} · eigenvalues: {eigen}"
                f"{' · ' + html.escape(result.note) if result.note else ''}"), ""

    box = assemble(model, {**sliders, "preset": preset}, [preset, matrix_grid], picture=_Picture(),
                   css_class="explorer-transform", status=status, label="<matrix transformation>",
                   apply=lambda: model.set(*values()), observe=(), status_description="status")

    def on_slider(_change) -> None:
        if applying_preset:           # a preset moves four sliders: draw once, not four times
            return
        if preset.value != "custom" and PRESETS[preset.value] != values():
            preset.value = "custom"   # the matrix no longer is the preset's
        box.update()

    def on_preset(change) -> None:
        nonlocal applying_preset
        if change["new"] == "custom":
            return
        applying_preset = True
        try:
            for name, value in zip("abcd", PRESETS[change["new"]]):
                sliders[name].value = value
        finally:
            applying_preset = False
        box.update()

    for slider in sliders.values():
        slider.observe(on_slider, names="value")
    preset.observe(on_preset, names="value")
    return box


class _Picture:
    """One figure for the explorer's lifetime: the static parts are drawn once, the rest is replaced."""

    def __init__(self) -> None:
        from matplotlib.collections import LineCollection

        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        # fixed margins: a layout engine would draw the figure twice per update
        self.figure.subplots_adjust(left=0.09, right=0.97, bottom=0.15, top=0.93)
        ax = self.ax = self.figure.add_subplot()
        ax.set_aspect("equal")
        ax.set_xlim(-LIMIT, LIMIT)
        ax.set_ylim(-LIMIT, LIMIT)
        original = _grid_lines()
        ax.add_collection(LineCollection(original, colors="0.88", linewidths=0.8, zorder=0))
        angles = np.linspace(0.0, 2.0 * np.pi, CIRCLE_SAMPLES)
        ax.plot(np.cos(angles), np.sin(angles), color="0.6", lw=1, ls="--", label="unit circle")
        self.grid = LineCollection([], colors="C0", linewidths=0.8, alpha=0.45, zorder=1)
        ax.add_collection(self.grid)
        (self.ellipse,) = ax.fill(np.cos(angles), np.sin(angles), facecolor="C1", alpha=0.15)
        (self.ellipse_edge,) = ax.plot(np.cos(angles), np.sin(angles), color="C1", lw=1.8)
        ax.set_xlabel("blue: A e1   red: A e2   orange: image of the unit circle\n"
                      "green: eigenvector lines, arrows λq   grey: the grid before A", fontsize=8)
        self.eigen_lines = LineCollection([], colors="C2", linewidths=1.2, linestyles="--", zorder=2)
        ax.add_collection(self.eigen_lines)
        self.dynamic: list = []   # arrows whose number changes from update to update

    def draw(self, view: TransformView) -> bytes:
        for artist in self.dynamic:
            artist.remove()
        self.dynamic.clear()
        self.grid.set_segments(list(view.grid_lines))
        self.ellipse.set_xy(view.circle)
        self.ellipse_edge.set_data(view.circle[:, 0], view.circle[:, 1])
        far = 2 * LIMIT
        self.eigen_lines.set_segments([np.array([-far * q, far * q]) for q in view.eigenvectors])
        # eigen arrows first, so that A e1 / A e2 stay visible on top when they coincide (diagonal matrices)
        arrows = [(value * q, "C2", f"λ={value:.2f}", 3.0, (4, -12))
                  for value, q in zip(view.eigenvalues, view.eigenvectors)]
        arrows += [(view.e1_image, "C0", "A e1", 1.6, (4, 4)), (view.e2_image, "C3", "A e2", 1.6, (4, 4))]
        for tip, colour, label, width, offset in arrows:
            self.dynamic.append(self.ax.annotate(
                "", xy=tuple(tip), xytext=(0, 0), annotation_clip=False,
                arrowprops=dict(arrowstyle="-|>", color=colour, lw=width, shrinkA=0, shrinkB=0)))
            if np.hypot(*tip) > 1e-9:
                self.dynamic.append(self.ax.annotate(
                    label, xy=tuple(np.clip(tip, -LIMIT * 0.9, LIMIT * 0.9)), xytext=offset,
                    textcoords="offset points", color=colour, fontsize=9))
        self.ax.set_title(view.description, fontsize=10)
        return figure_png(self.figure)

