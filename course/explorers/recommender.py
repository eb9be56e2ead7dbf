"""The `recsys` elective's data, references and explorer: ratings generated from a known low-rank model,
alternating least squares (explicit and implicit feedback), and top-k recommendations.

The data: ``m`` users and ``n`` items, a true rating ``μ + b_u + b_i + u*_u · v*_i`` (rank ``TRUE_RANK``) plus
Gaussian noise of standard deviation ``NOISE``; each user rates a few dozen items, popular items more often.
Ratings travel as three parallel arrays (``users``, ``items``, ``ratings``), one entry per rating: the shape of a
ratings table with columns (user, item, rating).

Model: :class:`RecommenderStudy` (``compute()`` returns a frozen :class:`RecommenderResult`); view:
:func:`recommender_explorer`. The train and held-out RMSE of every (rank, λ) on the sliders' grid is precomputed
once and saved beside this module with the factors of each (``recommender_fits.npz``, 0.5 MB; ``python -m
course.explorers.recommender`` rebuilds it in about 2 s). The learner's ``top_k_recommendations`` runs once it
passes its checks (``LearnerChecks``).
"""
from __future__ import annotations

import functools
import html
from pathlib import Path
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course.explorers.view import LearnerChecks, Validate, assemble, guarded, new_figure, figure_png, quiet

N_USERS, N_ITEMS, TRUE_RANK, NOISE, GLOBAL_MEAN = 400, 250, 3, 0.5, 3.5
RANKS = tuple(range(1, 9))
LAMBDAS = (0.1, 1.0, 3.0, 10.0, 30.0)
ITERATIONS = 15


# ----------------------------------------------------------------------------- the data


@dataclass(frozen=True)
class Ratings:
    users: np.ndarray          # (N,) int: who rated
    items: np.ndarray          # (N,) int: what
    ratings: np.ndarray        # (N,) float: the observed rating (truth + noise)
    truth: np.ndarray          # (m, n): the noiseless rating of every (user, item), rated or not
    user_factors: np.ndarray   # (m, TRUE_RANK): u*
    item_factors: np.ndarray   # (n, TRUE_RANK): v*
    user_bias: np.ndarray      # (m,)
    item_bias: np.ndarray      # (n,)
    n_users: int
    n_items: int


@functools.lru_cache(maxsize=8)
def make_ratings(n_users: int = N_USERS, n_items: int = N_ITEMS, rank: int = TRUE_RANK, noise: float = NOISE,
                 seed: int = 0) -> Ratings:
    """Ratings from a known model: μ + b_u + b_i + u*·v* (rank ``rank``) + N(0, noise²) on the rated pairs.

    Each user rates between 20 and 80 items (log-uniformly), drawn without replacement with probabilities
    proportional to a popularity that varies about tenfold between items; which items get rated does not depend on
    the ratings (missing at random, unlike real data)."""
    rng = np.random.default_rng(seed)
    scale = np.sqrt(0.8 / np.sqrt(rank))                     # u*·v* has standard deviation 0.8
    U = rng.normal(0.0, scale, size=(n_users, rank))
    V = rng.normal(0.0, scale, size=(n_items, rank))
    bu = rng.normal(0.0, 0.4, size=n_users)
    bi = rng.normal(0.0, 0.5, size=n_items)
    truth = GLOBAL_MEAN + bu[:, None] + bi[None, :] + U @ V.T
    popularity = np.exp(rng.normal(0.0, 0.6, size=n_items))
    popularity /= popularity.sum()
    counts = np.exp(rng.uniform(np.log(20), np.log(80), size=n_users)).astype(int)
    users, items = [], []
    for u, count in enumerate(counts):
        chosen = rng.choice(n_items, size=min(count, n_items), replace=False, p=popularity)
        users.append(np.full(len(chosen), u))
        items.append(np.sort(chosen))
    users, items = np.concatenate(users), np.concatenate(items)
    ratings = truth[users, items] + rng.normal(0.0, noise, size=len(users))
    return Ratings(users, items, ratings, truth, U, V, bu, bi, n_users, n_items)


@dataclass(frozen=True)
class Interactions:
    users: np.ndarray          # (N,) int
    items: np.ndarray          # (N,) int
    counts: np.ndarray         # (N,) float ≥ 1: how often the user played/bought/clicked the item
    utility: np.ndarray        # (m, n): the noiseless true rating plus each user's taste of the day


@functools.lru_cache(maxsize=4)
def make_interactions(seed: int = 5) -> Interactions:
    """Implicit feedback from the same users and items: each user interacts with the 10 to 40 items of highest
    utility (the true rating plus N(0, 0.5²) noise), 1 + Poisson(exp(utility − 4)) times each. No ratings and no
    negative feedback: only who interacted with what, and how often."""
    data = make_ratings()
    rng = np.random.default_rng(seed)
    utility = data.truth + rng.normal(0.0, 0.5, size=data.truth.shape)
    per_user = rng.integers(10, 41, size=data.n_users)
    users, items = [], []
    for u in range(data.n_users):
        chosen = np.sort(np.argsort(-utility[u], kind="stable")[:per_user[u]])
        users.append(np.full(len(chosen), u))
        items.append(chosen)
    users, items = np.concatenate(users), np.concatenate(items)
    counts = 1.0 + rng.poisson(np.exp(utility[users, items] - 4.0))
    return Interactions(users, items, counts, utility)


def implicit_als(users, items, counts, n_users, n_items, rank, lam, alpha, iterations=10, seed=0,
                 user_step: Callable | None = None):
    """Implicit ALS: the confidence-weighted step for the users, then (roles swapped) for the items."""
    step = user_step or reference_implicit_user_step
    V = np.random.default_rng(seed).normal(0.0, 0.1, size=(n_items, rank))
    U = np.zeros((n_users, rank))
    for _ in range(iterations):
        U = np.asarray(step(users, items, counts, V, lam, alpha, n_users), float)
        V = np.asarray(step(items, users, counts, U, lam, alpha, n_items), float)
    return U, V


def split_per_user(users: np.ndarray, fraction: float = 0.2, seed: int = 1) -> np.ndarray:
    """A boolean mask of the held-out ratings: ``fraction`` of each user's ratings (rounded down), so that every
    user keeps at least four fifths of theirs in the training set."""
    rng = np.random.default_rng(seed)
    users = np.asarray(users)
    held_out = np.zeros(len(users), dtype=bool)
    for u in np.unique(users):
        rows = np.flatnonzero(users == u)
        held_out[rng.choice(rows, size=int(fraction * len(rows)), replace=False)] = True
    return held_out


# ----------------------------------------------------------------------------- references (NumPy, vectorised)


def _grouped_sums(groups: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Σ of the rows of ``values`` (N, d) per group: (n_groups, d), with bincount (fast for small d)."""
    from scipy.sparse import csr_matrix

    values = values.reshape(len(values), -1)
    indicator = csr_matrix((np.ones(len(groups)), (groups, np.arange(len(groups)))), shape=(n_groups, len(groups)))
    return np.asarray(indicator @ values)


def reference_rmse_on(users, items, ratings, U, V) -> float:
    users, items = np.asarray(users, int), np.asarray(items, int)
    predicted = np.sum(np.asarray(U, float)[users] * np.asarray(V, float)[items], axis=1)
    return float(np.sqrt(np.mean((np.asarray(ratings, float) - predicted) ** 2)))


def reference_als_user_step(users, items, ratings, V, lam, n_users) -> np.ndarray:
    """Each user's row of U: the ridge solution (V_I^T V_I + λ I)^{-1} V_I^T r on the items I that user rated."""
    users, items = np.asarray(users, int), np.asarray(items, int)
    V = np.asarray(V, float)
    r = V.shape[1]
    X = V[items]
    gram = _grouped_sums(users, X[:, :, None] * X[:, None, :], n_users).reshape(n_users, r, r)
    rhs = _grouped_sums(users, X * np.asarray(ratings, float)[:, None], n_users)
    return np.linalg.solve(gram + lam * np.eye(r), rhs[..., None])[..., 0]


def reference_top_k_recommendations(scores, rated, k) -> np.ndarray:
    """Per user, the k unrated items of highest score (ties: smaller item index first), -1 where none is left."""
    scores, rated = np.atleast_2d(np.asarray(scores, float)), np.atleast_2d(np.asarray(rated, bool))
    order = np.argsort(np.where(rated, np.inf, -scores), axis=1, kind="stable")[:, :k]
    out = np.where(np.take_along_axis(rated, order, axis=1), -1, order)
    if out.shape[1] < k:
        out = np.hstack([out, np.full((len(out), k - out.shape[1]), -1)])
    return out.astype(int)


def reference_implicit_user_step(users, items, counts, V, lam, alpha, n_users) -> np.ndarray:
    """Hu–Koren–Volinsky: each user's row minimises Σ_i c_ui (p_ui − u·v_i)² + λ‖u‖² over ALL items, with
    p_ui = 1 if the user interacted with i, else 0, and c_ui = 1 + α · count_ui (1 for the rest)."""
    users, items = np.asarray(users, int), np.asarray(items, int)
    V = np.asarray(V, float)
    r = V.shape[1]
    X = V[items]
    extra = alpha * np.asarray(counts, float)                      # c − 1 on the observed pairs
    gram = V.T @ V + _grouped_sums(users, extra[:, None, None] * X[:, :, None] * X[:, None, :],
                                   n_users).reshape(n_users, r, r)
    rhs = _grouped_sums(users, (1.0 + extra)[:, None] * X, n_users)
    return np.linalg.solve(gram + lam * np.eye(r), rhs[..., None])[..., 0]


def fit_biases(users, items, ratings, n_users, n_items, lam: float = 5.0, sweeps: int = 10):
    """μ, b_u, b_i by alternating ridge-regularised means (μ the plain mean)."""
    users, items, ratings = np.asarray(users, int), np.asarray(items, int), np.asarray(ratings, float)
    mu = float(ratings.mean())
    bu, bi = np.zeros(n_users), np.zeros(n_items)
    user_count = np.bincount(users, minlength=n_users)
    item_count = np.bincount(items, minlength=n_items)
    for _ in range(sweeps):
        bu = np.bincount(users, weights=ratings - mu - bi[items], minlength=n_users) / (user_count + lam)
        bi = np.bincount(items, weights=ratings - mu - bu[users], minlength=n_items) / (item_count + lam)
    return mu, bu, bi


def als(users, items, ratings, n_users, n_items, rank, lam, iterations=ITERATIONS, seed=0,
        user_step: Callable | None = None, history: bool = False):
    """Alternating least squares from small random factors: V fixed → every U row (ridge), U fixed → every V row.
    ``user_step`` (default the vectorised reference) does both halves, the item step with the roles swapped.
    Returns U, V (and the list of (U, V) after each iteration with ``history=True``)."""
    step = user_step or reference_als_user_step
    rng = np.random.default_rng(seed)
    V = rng.normal(0.0, 1.0 / np.sqrt(rank), size=(n_items, rank))
    U = np.zeros((n_users, rank))
    steps = []
    for _ in range(iterations):
        U = np.asarray(step(users, items, ratings, V, lam, n_users), float)
        V = np.asarray(step(items, users, ratings, U, lam, n_items), float)
        if history:
            steps.append((U, V))
    return (U, V, steps) if history else (U, V)


# ----------------------------------------------------------------------------- the explorer's precomputation


@functools.lru_cache(maxsize=2)
def lesson_split(seed: int = 0):
    """The lesson's ratings, split, and the ratings' residuals after the biases fitted on the training part."""
    data = make_ratings(seed=seed)
    held_out = split_per_user(data.users)
    train = ~held_out
    mu, bu, bi = fit_biases(data.users[train], data.items[train], data.ratings[train], data.n_users, data.n_items)
    residual = data.ratings - mu - bu[data.users] - bi[data.items]
    return data, held_out, (mu, bu, bi), residual


PRECOMPUTED = Path(__file__).with_name("recommender_fits.npz")


def _fit_and_score(rank: int, lam: float, seed: int = 0):
    data, held_out, _, residual = lesson_split(seed)
    train = ~held_out
    U, V = als(data.users[train], data.items[train], residual[train], data.n_users, data.n_items, rank, lam)
    scores = [reference_rmse_on(data.users[mask], data.items[mask], residual[mask], U, V)
              for mask in (train, held_out)]
    return U, V, scores


def save_precomputed(path: Path = PRECOMPUTED) -> None:
    """Fit every (rank, λ) of the sliders' grid (about 2 s) and save the factors and RMSEs beside this module."""
    arrays = {"train_rmse": np.zeros((len(RANKS), len(LAMBDAS))), "test_rmse": np.zeros((len(RANKS), len(LAMBDAS)))}
    for a, rank in enumerate(RANKS):
        for b, lam in enumerate(LAMBDAS):
            U, V, (train, test) = _fit_and_score(rank, lam)
            arrays["train_rmse"][a, b], arrays["test_rmse"][a, b] = train, test
            arrays[f"U_{rank}_{b}"], arrays[f"V_{rank}_{b}"] = U.astype(np.float32), V.astype(np.float32)
    np.savez_compressed(path, ranks=np.array(RANKS), lambdas=np.array(LAMBDAS), **arrays)


@functools.lru_cache(maxsize=1)
def _precomputed() -> dict:
    with np.load(PRECOMPUTED) as saved:
        return {name: saved[name] for name in saved.files}


def fitted(rank: int, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """The ALS factors (U, V) of the lesson's training ratings at (rank, λ) on the sliders' grid (precomputed)."""
    saved = _precomputed()
    b = LAMBDAS.index(lam)
    return saved[f"U_{rank}_{b}"].astype(float), saved[f"V_{rank}_{b}"].astype(float)


def rmse_grid() -> tuple[np.ndarray, np.ndarray]:
    """train and held-out RMSE, each (len(RANKS), len(LAMBDAS)), of ALS on the biases' residuals (precomputed)."""
    saved = _precomputed()
    return saved["train_rmse"], saved["test_rmse"]


# ----------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class RecommenderResult:
    rank: int
    lam: float
    user: int
    k: int
    train_rmse: np.ndarray        # (len(RANKS),) at this λ
    test_rmse: np.ndarray         # (len(RANKS),) at this λ
    bias_rmse: float              # held-out RMSE of the biases alone
    noise_rmse: float             # held-out RMSE of the true model (the noise: nothing can do better)
    recommended: np.ndarray       # (k,) item indices for this user
    scores: np.ndarray            # (n,) predicted ratings of this user
    truth: np.ndarray             # (n,) the noiseless true ratings of this user
    rated: np.ndarray             # (n,) bool: rated in training
    mean_true_recommended: float  # the mean true rating of the k recommended items
    mean_true_best: float         # the best possible: the k unrated items of highest true rating
    mean_true_popular: float      # the k unrated items rated most often (popularity)
    mean_true_unrated: float      # a random unrated item, on average
    running: str


@dataclass
class RecommenderStudy:
    """All the explorer's state: the rank and λ of the factorisation, whose recommendations, and how many."""
    rank: int = TRUE_RANK
    lam: float = 1.0
    user: int = 17
    k: int = 10
    top_k_recommendations: Callable | None = None
    validate: Validate | None = None
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)

    def compute(self) -> RecommenderResult:
        return self._checks.compute(self._compute)

    def _compute(self) -> RecommenderResult:
        usable, why = self._checks.usable("recsys.top_k_recommendations", self.top_k_recommendations, self.validate)
        top_k = guarded("recsys.top_k_recommendations", usable) if usable is not None else \
            reference_top_k_recommendations
        rank = int(np.clip(self.rank, RANKS[0], RANKS[-1]))
        b = int(np.argmin(np.abs(np.log(LAMBDAS) - np.log(float(self.lam)))))
        lam = LAMBDAS[b]
        data, held_out, (mu, bu, bi), residual = lesson_split()
        train_rmse, test_rmse = rmse_grid()
        U, V = fitted(rank, lam)
        user = int(np.clip(self.user, 0, data.n_users - 1))
        k = int(self.k)
        scores = mu + bu[user] + bi + V @ U[user]
        train = ~held_out
        rated = np.zeros(data.n_items, dtype=bool)
        rated[data.items[train & (data.users == user)]] = True
        with quiet():
            recommended = np.asarray(top_k(scores[None, :], rated[None, :], k), dtype=int).reshape(-1)
        truth = data.truth[user]
        unrated = np.flatnonzero(~rated)
        best = unrated[np.argsort(-truth[unrated], kind="stable")[:k]]
        popularity = np.bincount(data.items[train], minlength=data.n_items)
        popular = unrated[np.argsort(-popularity[unrated], kind="stable")[:k]]
        shown = recommended[recommended >= 0]
        noise = reference_rmse_on(data.users[held_out], data.items[held_out],
                                  data.ratings[held_out] - data.truth[data.users[held_out], data.items[held_out]],
                                  np.zeros((data.n_users, 1)), np.zeros((data.n_items, 1)))
        bias = reference_rmse_on(data.users[held_out], data.items[held_out], residual[held_out],
                                 np.zeros((data.n_users, 1)), np.zeros((data.n_items, 1)))
        running = ("top-k: your top_k_recommendations" if usable is not None else "top-k: the reference") + \
            (f" (your top_k_recommendations {why})" if why else "")
        return RecommenderResult(rank, lam, user, k, train_rmse[:, b].copy(), test_rmse[:, b].copy(), bias, noise,
                                 recommended, scores, truth, rated,
                                 float(truth[shown].mean()) if len(shown) else float("nan"),
                                 float(truth[best].mean()), float(truth[popular].mean()),
                                 float(truth[unrated].mean()), running)


def describe(r: RecommenderResult) -> str:
    return (f"rank {r.rank}, λ = {r.lam:g}: held-out RMSE {r.test_rmse[r.rank - 1]:.3f} (train "
            f"{r.train_rmse[r.rank - 1]:.3f}, noise {r.noise_rmse:.3f}); user {r.user}'s top {r.k}: mean true rating "
            f"{r.mean_true_recommended:.2f} (best possible {r.mean_true_best:.2f}, most popular "
            f"{r.mean_true_popular:.2f}, any unrated {r.mean_true_unrated:.2f})")


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (9.0, 3.2), 80


def recommender_explorer(top_k_recommendations: Callable | None = None, *, validate: Validate | None = None,
                         **settings):
    """Sliders for the rank and λ of the factorisation, a user and k. Left: train and held-out RMSE against the
    rank at this λ, with the noise level and the biases-only baseline. Right: the user's unrated items, predicted
    against true rating, the k recommended ones marked. The box carries ``model`` (:class:`RecommenderStudy`),
    ``result`` and ``controls``."""
    import ipywidgets as widgets

    model = RecommenderStudy(top_k_recommendations=top_k_recommendations, validate=validate, **settings)
    style = {"description_width": "initial"}
    controls = {
        "rank": widgets.IntSlider(value=model.rank, min=RANKS[0], max=RANKS[-1], description="rank r", style=style),
        "lam": widgets.SelectionSlider(options=list(LAMBDAS), value=min(LAMBDAS, key=lambda x: abs(x - model.lam)),
                                       description="λ", style=style),
        "user": widgets.IntSlider(value=model.user, min=0, max=N_USERS - 1, description="user", style=style),
        "k": widgets.IntSlider(value=model.k, min=1, max=30, description="k", style=style)}
    rows = [widgets.HBox([controls["rank"], controls["lam"]]), widgets.HBox([controls["user"], controls["k"]])]
    return assemble(model, controls, rows, picture=_Picture(), css_class="explorer-recommender",
                    label="<recommender>", status=lambda r: (html.escape(describe(r)), r.running))


class _Picture:
    """Everything that does not change is drawn once; an update moves lines and points and sets two titles."""

    def __init__(self) -> None:
        from matplotlib.ticker import FixedLocator, NullLocator

        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.curve_ax, self.user_ax = self.figure.subplots(1, 2)
        self.figure.subplots_adjust(left=0.07, right=0.98, top=0.88, bottom=0.16, wspace=0.22)
        ax = self.curve_ax
        (self.train_line,) = ax.plot(RANKS, np.zeros(len(RANKS)), "o-", color="C0", ms=4, label="train")
        (self.test_line,) = ax.plot(RANKS, np.zeros(len(RANKS)), "o-", color="C1", ms=4, label="held-out")
        self.noise_line = ax.axhline(NOISE, color="0.3", ls="--", lw=1, label="noise σ (the floor)")
        self.bias_line = ax.axhline(1.0, color="C2", ls=":", lw=1, label="biases only")
        self.marker = ax.axvline(TRUE_RANK, color="C3", lw=1)
        ax.axvspan(TRUE_RANK - 0.1, TRUE_RANK + 0.1, color="0.9", zorder=0)
        ax.set(xlabel="rank r (true rank 3, shaded)", ylabel="RMSE", xlim=(0.5, 8.5), ylim=(0.3, 1.2))
        ax.xaxis.set_major_locator(FixedLocator(RANKS))
        ax.yaxis.set_major_locator(FixedLocator([0.4, 0.6, 0.8, 1.0]))
        for x, y, text, color in ((1.0, 1.12, "train", "C0"), (2.0, 1.12, "held-out", "C1"),
                                  (3.5, 1.12, "- - noise σ (the floor)", "0.3"), (6.3, 1.12, "··· biases only", "C2")):
            ax.text(x, y, text, color=color, fontsize=7, va="center")
        self.title = ax.set_title("", fontsize=9, y=1.0)
        ax = self.user_ax
        self.others = ax.scatter(np.zeros(1), np.zeros(1), s=8, color="0.6")
        self.chosen = ax.scatter(np.zeros(1), np.zeros(1), s=30, color="C3")
        ax.plot([-2, 10], [-2, 10], color="0.8", lw=1)
        ax.set(xlabel="predicted rating (grey: unrated items, red: the top k)", ylabel="true rating (no noise)",
               xlim=(-1, 9), ylim=(-1, 9))
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_locator(FixedLocator([0, 2, 4, 6, 8]))
            axis.set_minor_locator(NullLocator())
        self.user_title = ax.set_title("", fontsize=9, y=1.0)

    def draw(self, r: RecommenderResult) -> bytes:
        self.train_line.set_ydata(r.train_rmse)
        self.test_line.set_ydata(r.test_rmse)
        self.noise_line.set_ydata([r.noise_rmse] * 2)
        self.bias_line.set_ydata([r.bias_rmse] * 2)
        self.marker.set_xdata([r.rank] * 2)
        self.title.set_text(f"λ = {r.lam:g}: held-out RMSE {r.test_rmse[r.rank - 1]:.3f} at rank {r.rank}")
        unrated = np.flatnonzero(~r.rated)
        shown = r.recommended[r.recommended >= 0]
        self.others.set_offsets(np.column_stack([r.scores[unrated], r.truth[unrated]]))
        self.chosen.set_offsets(np.column_stack([r.scores[shown], r.truth[shown]]) if len(shown) else
                                np.zeros((0, 2)))
        self.user_title.set_text(f"user {r.user}: top {r.k} have mean true rating {r.mean_true_recommended:.2f} "
                                 f"(best {r.mean_true_best:.2f})")
        return figure_png(self.figure)


if __name__ == "__main__":      # python -m course.explorers.recommender: rebuild recommender_fits.npz
    save_precomputed()
