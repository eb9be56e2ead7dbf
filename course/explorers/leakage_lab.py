"""The pitfalls lab's explorer: feature selection before the split against selection inside the folds, on data
that are pure noise (so the honest answer is chance, 50 %).

Model: :class:`LeakageLab` (``compute()`` returns a frozen :class:`LeakageResult`); view: :func:`leakage_explorer`.
Every number the explorer can show is computed once per data width (module cache): for each of a few noise data
sets, each fold, and each number of selected features, a nearest-centroid classifier's test accuracy, with the
features ranked by |correlation with y| on all the rows (leaky) or on the training rows only (honest). Moving a
control only picks from that grid.
"""
from __future__ import annotations

import functools
import html
from dataclasses import dataclass

import numpy as np

from course.explorers.view import assemble, figure_png, new_figure

ROWS = 60                          # examples per data set
FOLDS = 5
REPEATS = 6                        # noise data sets averaged (their spread is shown as a band)
WIDTHS = (50, 200, 1000, 5000)     # number of noise features to choose from
KS = np.arange(1, 51)              # number of features selected
MODES = ("select before the split (leaky)", "select inside the folds (honest)")


def _abs_correlation(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    return np.abs(Xc.T @ yc) / np.sqrt((Xc ** 2).sum(axis=0) * (yc ** 2).sum())


def _centroid_accuracy(X_train, y_train, X_test, y_test, order: np.ndarray) -> np.ndarray:
    """Test accuracy of a nearest-centroid classifier on the first k ranked features, for every k in KS."""
    ranked_train, ranked_test = X_train[:, order[: KS[-1]]], X_test[:, order[: KS[-1]]]
    c0, c1 = ranked_train[y_train == 0].mean(axis=0), ranked_train[y_train == 1].mean(axis=0)
    # squared distances to each centroid, accumulated feature by feature: column k-1 uses the first k features
    d0 = np.cumsum((ranked_test - c0) ** 2, axis=1)[:, KS - 1]
    d1 = np.cumsum((ranked_test - c1) ** 2, axis=1)[:, KS - 1]
    return np.mean((d1 < d0) == (y_test[:, None] == 1), axis=0)


@functools.lru_cache(maxsize=None)
def grid(width: int) -> dict[str, np.ndarray]:
    """CV accuracy, shape (REPEATS, len(KS)), for both ways of selecting, on `width` noise features."""
    rng = np.random.default_rng(15 + width)
    out = {mode: np.empty((REPEATS, len(KS))) for mode in MODES}
    for r in range(REPEATS):
        X = rng.normal(size=(ROWS, width))
        y = rng.permutation(np.arange(ROWS) % 2)                       # balanced random labels
        folds = np.array_split(rng.permutation(ROWS), FOLDS)
        leaky_order = np.argsort(-_abs_correlation(X, y), kind="stable")
        per_fold = {mode: [] for mode in MODES}
        for test in folds:
            train = np.setdiff1d(np.arange(ROWS), test)
            honest_order = np.argsort(-_abs_correlation(X[train], y[train]), kind="stable")
            for mode, order in zip(MODES, (leaky_order, honest_order)):
                per_fold[mode].append(_centroid_accuracy(X[train], y[train], X[test], y[test], order))
        for mode in MODES:
            out[mode][r] = np.mean(per_fold[mode], axis=0)
    return out


@dataclass(frozen=True)
class LeakageResult:
    width: int
    k: int
    mode: str
    ks: np.ndarray
    leaky: np.ndarray          # mean CV accuracy over the data sets, per k
    honest: np.ndarray
    leaky_spread: np.ndarray   # standard deviation over the data sets, per k
    honest_spread: np.ndarray
    accuracy: float            # the chosen mode at the chosen k
    other: float               # the other mode at the chosen k


@dataclass
class LeakageLab:
    """All the explorer's state: how many noise features there are, how many are selected, and where."""
    width: int = 1000
    k: int = 20
    mode: str = MODES[0]

    def compute(self) -> LeakageResult:
        if self.width not in WIDTHS or self.mode not in MODES or not KS[0] <= self.k <= KS[-1]:
            raise ValueError(f"width in {WIDTHS}, k in 1..{KS[-1]}, mode in {MODES}")
        g = grid(int(self.width))
        leaky, honest = g[MODES[0]], g[MODES[1]]
        i = int(self.k) - 1
        mine, other = (leaky, honest) if self.mode == MODES[0] else (honest, leaky)
        return LeakageResult(int(self.width), int(self.k), self.mode, KS, leaky.mean(axis=0), honest.mean(axis=0),
                             leaky.std(axis=0), honest.std(axis=0), float(mine.mean(axis=0)[i]),
                             float(other.mean(axis=0)[i]))


def describe(r: LeakageResult) -> str:
    other = MODES[1] if r.mode == MODES[0] else MODES[0]
    return (f"{r.k} of {r.width} noise features, {r.mode}: CV accuracy {r.accuracy:.0%} "
            f"({other.split(' (')[0]}: {r.other:.0%}; the truth is 50%)")


FIGURE_INCHES, FIGURE_DPI = (6.4, 3.4), 80


def leakage_explorer(**settings):
    """A dropdown for the number of noise features, a slider for how many are selected by |correlation with y|,
    and a toggle for where they are selected; one panel: mean 5-fold CV accuracy against k for both ways, the
    chosen one bold. The box carries ``model`` (:class:`LeakageLab`), ``result``, ``controls``."""
    import ipywidgets as widgets

    model = LeakageLab(**settings)
    style = {"description_width": "initial"}
    controls = {
        "width": widgets.Dropdown(options=list(WIDTHS), value=model.width, description="noise features",
                                  style=style),
        "k": widgets.IntSlider(value=model.k, min=int(KS[0]), max=int(KS[-1]), description="features selected",
                               style=style),
        "mode": widgets.ToggleButtons(options=list(MODES), value=model.mode, description="selection",
                                      style=style)}
    rows = [widgets.HBox([controls["width"], controls["k"]]), controls["mode"]]
    return assemble(model, controls, rows, picture=_Picture(), css_class="explorer-leakage",
                    label="<leakage lab>", status=lambda r: (html.escape(describe(r)), ""))


class _Picture:
    def __init__(self) -> None:
        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        ax = self.ax = self.figure.subplots()
        self.figure.subplots_adjust(left=0.11, right=0.97, top=0.9, bottom=0.15)
        zeros = np.zeros(len(KS))
        self.leaky, = ax.plot(KS, zeros, color="C3", label="selected before the split (leaky)")
        self.honest, = ax.plot(KS, zeros, color="C0", label="selected inside the folds (honest)")
        self.bands = []
        ax.axhline(0.5, color="0.4", ls=":", lw=1, label="chance: the truth")
        self.marker, = ax.plot([20], [0.5], "o", color="k", ms=7)
        ax.set(xlabel="features selected by |correlation with y|", ylabel="5-fold CV accuracy", ylim=(0.2, 1.02),
               xlim=(0, KS[-1] + 1))
        ax.legend(loc="lower right", fontsize=7, frameon=False)
        self.title = ax.set_title("", fontsize=9)

    def draw(self, r: LeakageResult) -> bytes:
        self.leaky.set_ydata(r.leaky)
        self.honest.set_ydata(r.honest)
        chosen_leaky = r.mode == MODES[0]
        self.leaky.set_linewidth(2.5 if chosen_leaky else 1.0)
        self.honest.set_linewidth(1.0 if chosen_leaky else 2.5)
        for band in self.bands:
            band.remove()
        self.bands = [self.ax.fill_between(KS, mean - spread, mean + spread, color=color, alpha=0.12, lw=0)
                      for mean, spread, color in ((r.leaky, r.leaky_spread, "C3"), (r.honest, r.honest_spread, "C0"))]
        self.marker.set_data([r.k], [r.accuracy])
        self.title.set_text(f"{r.width} features of pure noise, {ROWS} rows: {r.k} selected, "
                            f"{r.mode.split(' (')[0]} → {r.accuracy:.0%}")
        return figure_png(self.figure)


if __name__ == "__main__":   # a quick look without a browser
    print(describe(LeakageLab().compute()))
