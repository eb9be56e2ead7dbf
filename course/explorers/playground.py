"""Explorer: a neural-network Playground (after TensorFlow Playground) that trains the learner's own NumPy pieces.

``Playground`` (the model) holds all the state: the data set (circle, XOR, two Gaussians, spiral, moons) with its
noise and train/test split, the input features, the network (hidden layers, neurons, activation), the optimiser
with its learning rate, L2 penalty and batch size, the weights, the optimiser state and the loss history.
``compute()`` first trains the epochs that were asked for (``pending_epochs``; the view's play and step buttons
add to it), then returns what to draw: the network's probability of class 1 on a grid (the decision boundary),
the train and test points, the train/test loss per epoch. Changing the data or the network's shape starts again
from fresh weights; the learning rate, L2 and batch size apply from the next step on, as in the original.

Training uses the learner's ``affine_forward``, ``affine_backward``, ``relu_backward`` (for ReLU networks),
``softmax_cross_entropy`` and ``sgd_momentum_step`` or ``adam_step``, each once it passes its checks
(:class:`~course.explorers.view.LearnerChecks`), and the reference for the others; the status line says which.
``playground_explorer`` (the view) maps widgets to the model and draws; a ``Play`` widget ticks in the browser,
one epoch per tick, so the kernel is never blocked.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from course.explorers.view import LearnerChecks, Validate, assemble, figure_png, guarded, new_figure, quiet

__all__ = ["DATASETS", "FEATURES", "ACTIVATIONS", "OPTIMISERS", "make_points", "feature_matrix", "REFERENCE",
           "Playground", "PlaygroundPicture", "playground_explorer"]

DATASETS = ("circle", "xor", "gaussians", "spiral", "moons")
FEATURES = ("x1", "x2", "x1²", "x2²", "x1·x2", "sin(x1)", "sin(x2)")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
OPTIMISERS = ("Adam", "SGD + momentum")
N_POINTS = 400
GRID = 48                        # the boundary is drawn from GRID × GRID predictions
EXTENT = 6.0                     # points and grid live in [-6, 6]²
MOMENTUM, BETA1, BETA2, EPS = 0.9, 0.9, 0.999, 1e-8


# ----------------------------------------------------------------------------- data and features


def make_points(dataset: str, n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n points in [-6, 6]² with labels 0/1; ``noise`` in [0, 0.5] blurs the classes as in TensorFlow Playground."""
    half = n // 2
    if dataset == "circle":            # class 1 inside radius 2.5, class 0 in a ring from 3.5 to 5
        r = np.concatenate([rng.uniform(0, 2.5, half), rng.uniform(3.5, 5.0, n - half)])
        angle = rng.uniform(0, 2 * np.pi, n)
        X = np.column_stack([r * np.cos(angle), r * np.sin(angle)]) + rng.normal(scale=noise * 3, size=(n, 2))
        y = np.r_[np.ones(half), np.zeros(n - half)]
    elif dataset == "xor":             # the sign of x1·x2 (points kept off the axes)
        X = rng.uniform(-5, 5, size=(n, 2))
        X += np.sign(X) * 0.3
        y = (X[:, 0] * X[:, 1] > 0).astype(float)
        X = X + rng.normal(scale=noise * 3, size=(n, 2))
    elif dataset == "gaussians":
        y = np.r_[np.ones(half), np.zeros(n - half)]
        centres = np.where(y[:, None] == 1, 2.0, -2.0)
        X = centres + rng.normal(scale=0.8 + noise * 4, size=(n, 2))
    elif dataset == "spiral":          # two interleaved arms
        t = np.concatenate([np.linspace(0, 1, half), np.linspace(0, 1, n - half)])
        y = np.r_[np.ones(half), np.zeros(n - half)]
        angle = 1.75 * t * 2 * np.pi + np.pi * (1 - y)
        r = 5 * t
        X = np.column_stack([r * np.sin(angle), r * np.cos(angle)]) + rng.normal(scale=noise * 2, size=(n, 2))
    elif dataset == "moons":
        from sklearn.datasets import make_moons
        X, y = make_moons(n_samples=n, noise=noise * 0.6, random_state=int(rng.integers(2**31 - 1)))
        X = (X - [0.5, 0.25]) * 3.2
        y = y.astype(float)
    else:
        raise ValueError(f"unknown data set {dataset!r}; choose one of {DATASETS}")
    order = rng.permutation(n)
    return np.clip(X[order], -EXTENT, EXTENT), y[order].astype(int)


def feature_matrix(X: np.ndarray, features: tuple[str, ...]) -> np.ndarray:
    """The network's inputs: the chosen features of the points, each scaled to about [-1, 1]."""
    x1, x2 = X[:, 0] / 3, X[:, 1] / 3
    columns = {"x1": x1, "x2": x2, "x1²": x1 ** 2 / 2, "x2²": x2 ** 2 / 2, "x1·x2": x1 * x2 / 2,
               "sin(x1)": np.sin(X[:, 0]), "sin(x2)": np.sin(X[:, 1])}
    return np.column_stack([columns[name] for name in features])


# ----------------------------------------------------------------------------- the reference pieces


def _affine_forward(x, W, b):
    return x @ W + b


def _affine_backward(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def _relu_backward(dout, z):
    return dout * (z > 0)


def _softmax_cross_entropy(logits, y):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = len(y)
    dlogits = np.exp(log_p)
    dlogits[np.arange(n), y] -= 1
    return float(-log_p[np.arange(n), y].mean()), dlogits / n


def _sgd_momentum_step(w, grad, velocity, lr, momentum):
    velocity = momentum * velocity + grad
    return w - lr * velocity, velocity


def _adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    return w - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v


#: name -> the reference implementation; the exercise key is "week07.<name>"
REFERENCE = {"affine_forward": _affine_forward, "affine_backward": _affine_backward,
             "relu_backward": _relu_backward, "softmax_cross_entropy": _softmax_cross_entropy,
             "sgd_momentum_step": _sgd_momentum_step, "adam_step": _adam_step}

_ACTIVATION = {   # name -> (f(z), f'(z) given z and f(z))
    "tanh": (np.tanh, lambda z, a: 1 - a * a),
    "sigmoid": (lambda z: 0.5 * (1 + np.tanh(z / 2)), lambda z, a: a * (1 - a)),
    "linear": (lambda z: z, lambda z, a: np.ones_like(z)),
    "relu": (lambda z: np.maximum(z, 0), None),      # its backward is relu_backward (the learner's, once it passes)
}


# ----------------------------------------------------------------------------- the model


@dataclass(frozen=True, eq=False)
class PlaygroundPicture:
    dataset: str
    epoch: int
    probability: np.ndarray         # (GRID, GRID): P(class 1) on the grid, rows from y = -6 up
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    train_loss: np.ndarray          # (epoch + 1,): the cross-entropy after each epoch (index 0: before training)
    test_loss: np.ndarray
    layer_sizes: tuple[int, ...]    # inputs, hidden..., 2 outputs
    diverged: bool
    running: str                    # whose code trains the network
    note: str = ""


@dataclass
class Playground:
    """All of the Playground's state; the learner's functions are optional (the reference stands in)."""
    dataset: str = "circle"
    noise: float = 0.1
    train_share: int = 50           # percent of the points used for training
    features: tuple[str, ...] = ("x1", "x2")
    layers: int = 2
    neurons: int = 4
    activation: str = "tanh"
    optimiser: str = "Adam"
    learning_rate: float = 0.03
    l2: float = 0.0
    batch_size: int = 10
    seed: int = 0
    pending_epochs: int = 0         # epochs to train before the next picture (play and step add to it)
    functions: dict = field(default_factory=dict)       # the learner's pieces by name (see REFERENCE)
    validate: Validate | None = None
    epoch: int = field(default=0, init=False)
    _checks: LearnerChecks = field(default_factory=LearnerChecks, init=False, repr=False)
    _config: tuple | None = field(default=None, init=False, repr=False)
    _optimiser_config: tuple | None = field(default=None, init=False, repr=False)

    # -- who runs -----------------------------------------------------------------------------------------

    def pieces(self) -> tuple[dict, list[str], list[str]]:
        """The functions training uses (each the learner's once it passes, else the reference), the names
        of the learner's that run, and why the others do not."""
        needed = ["affine_forward", "affine_backward", "softmax_cross_entropy",
                  "adam_step" if self.optimiser == "Adam" else "sgd_momentum_step"]
        if self.activation == "relu" and self.layers > 0:
            needed.insert(2, "relu_backward")
        chosen, yours, why = {}, [], []
        for name in needed:
            key = f"week07.{name}"
            function, reason = self._checks.usable(key, self.functions.get(name), self.validate)
            if function is not None:
                chosen[name] = guarded(key, function)
                yours.append(name)
            else:
                chosen[name] = REFERENCE[name]
                why.append(f"{name}: {reason}" if reason else f"{name}: not given")
        return chosen, yours, why

    def running(self) -> str:
        _, yours, why = self.pieces()
        if not why:
            return "training with your code: " + ", ".join(yours)
        if not yours and not self.functions:
            return "training with the reference implementation (none of your functions given)"
        if not yours:
            return "training with the reference (your functions do not pass their checks yet)"
        return f"training with your {', '.join(yours)}; the reference for {', '.join(w.split(':')[0] for w in why)}"

    def reasons(self) -> list[str]:
        return self.pieces()[2]

    # -- state ----------------------------------------------------------------------------------------------

    def _features(self) -> tuple[str, ...]:
        return tuple(f for f in FEATURES if f in self.features) or ("x1", "x2")

    def reset(self) -> None:
        """New points (for the current data settings), fresh weights, epoch 0."""
        rng = np.random.default_rng(self.seed)
        X, y = make_points(self.dataset, N_POINTS, float(self.noise), rng)
        n_train = int(round(N_POINTS * np.clip(self.train_share, 10, 90) / 100))
        self.X_train, self.y_train, self.X_test, self.y_test = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
        features = self._features()
        self.F_train, self.F_test = feature_matrix(self.X_train, features), feature_matrix(self.X_test, features)
        axis = np.linspace(-EXTENT, EXTENT, GRID)
        gx, gy = np.meshgrid(axis, axis)
        self.F_grid = feature_matrix(np.column_stack([gx.ravel(), gy.ravel()]), features)
        sizes = [len(features)] + [int(self.neurons)] * int(self.layers) + [2]
        self.params = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):    # He for ReLU, Xavier (uniform) otherwise
            if self.activation == "relu":
                W = rng.normal(0, np.sqrt(2 / fan_in), size=(fan_in, fan_out))
            else:
                bound = np.sqrt(6 / (fan_in + fan_out))
                W = rng.uniform(-bound, bound, size=(fan_in, fan_out))
            self.params += [W, np.zeros(fan_out)]
        self.layer_sizes = tuple(sizes)
        self.epoch, self._shuffle = 0, np.random.default_rng(self.seed + 1)
        self._reset_optimiser()
        self.train_loss, self.test_loss = [self.loss(self.F_train, self.y_train)], [self.loss(self.F_test, self.y_test)]
        self._config = self._configuration()

    def _configuration(self) -> tuple:
        return (self.dataset, float(self.noise), int(self.train_share), self._features(), int(self.layers),
                int(self.neurons), self.activation, int(self.seed))

    def _reset_optimiser(self) -> None:
        self.state = [[np.zeros_like(p), np.zeros_like(p)] for p in self.params]   # velocity, or Adam's m and v
        self.steps = 0
        self._optimiser_config = (self.optimiser,)

    def _sync(self) -> None:
        if self._config != self._configuration():
            self.reset()
        elif self._optimiser_config != (self.optimiser,):
            self._reset_optimiser()

    # -- the network ------------------------------------------------------------------------------------------

    def forward(self, F: np.ndarray, pieces: dict | None = None) -> tuple[np.ndarray, list]:
        """The logits, and per layer what backward needs: (input, pre-activation z, activation a)."""
        affine = (pieces or REFERENCE)["affine_forward"]
        act = _ACTIVATION[self.activation][0]
        h, cache = F, []
        n_layers = len(self.params) // 2
        for layer in range(n_layers):
            W, b = self.params[2 * layer], self.params[2 * layer + 1]
            z = np.asarray(affine(h, W, b), dtype=float)
            if layer < n_layers - 1:
                a = act(z)
                cache.append((h, z, a))
                h = a
            else:
                cache.append((h, z, z))
        return cache[-1][2], cache

    def loss(self, F: np.ndarray, y: np.ndarray) -> float:
        with quiet():
            logits, _ = self.forward(F)
            return REFERENCE["softmax_cross_entropy"](logits, y)[0]

    def train_step(self, batch: np.ndarray, pieces: dict) -> None:
        """One mini-batch: forward, softmax cross-entropy, backward, L2 on the weights, one optimiser step."""
        logits, cache = self.forward(self.F_train[batch], pieces)
        _, dout = pieces["softmax_cross_entropy"](logits, self.y_train[batch])
        grads = [None] * len(self.params)
        derivative = _ACTIVATION[self.activation][1]
        for layer in reversed(range(len(cache))):
            h, z, a = cache[layer]
            if layer < len(cache) - 1:     # through the activation of this hidden layer
                dout = (pieces["relu_backward"](dout, z) if self.activation == "relu" else dout * derivative(z, a))
            dout, dW, db = pieces["affine_backward"](np.asarray(dout, dtype=float), h, self.params[2 * layer])
            grads[2 * layer] = np.asarray(dW, dtype=float) + self.l2 * self.params[2 * layer]
            grads[2 * layer + 1] = np.asarray(db, dtype=float)
        self.steps += 1
        for i, grad in enumerate(grads):
            if self.optimiser == "Adam":
                self.params[i], self.state[i][0], self.state[i][1] = pieces["adam_step"](
                    self.params[i], grad, self.state[i][0], self.state[i][1], self.steps, self.learning_rate,
                    BETA1, BETA2, EPS)
            else:
                self.params[i], self.state[i][0] = pieces["sgd_momentum_step"](
                    self.params[i], grad, self.state[i][0], self.learning_rate, MOMENTUM)

    def train_epoch(self, pieces: dict | None = None) -> None:
        pieces = pieces or self.pieces()[0]
        order = self._shuffle.permutation(len(self.y_train))
        size = max(1, int(self.batch_size))
        with quiet():
            for start in range(0, len(order), size):
                self.train_step(order[start:start + size], pieces)
        self.epoch += 1
        self.train_loss.append(self.loss(self.F_train, self.y_train))
        self.test_loss.append(self.loss(self.F_test, self.y_test))

    def diverged(self) -> bool:
        return not (np.isfinite(self.train_loss[-1]) and all(np.all(np.isfinite(p)) for p in self.params))

    def compute(self) -> PlaygroundPicture:
        """Train the pending epochs, then the picture. A learner's function that passed its checks but raises
        here is replaced by the reference (the status says why)."""
        return self._checks.compute(self._compute)

    def _compute(self) -> PlaygroundPicture:
        self._sync()
        pieces, _, _ = self.pieces()
        while self.pending_epochs > 0 and not self.diverged():
            self.train_epoch(pieces)
            self.pending_epochs -= 1
        self.pending_epochs = 0
        with quiet():
            logits, _ = self.forward(self.F_grid)
            difference = np.clip(logits[:, 1] - logits[:, 0], -50, 50)
            probability = 1 / (1 + np.exp(-difference))
        note = "" if set(self.features) & set(FEATURES) else "no feature chosen: using x1 and x2"
        if self.diverged():
            note = "the loss diverged (inf or NaN): lower the learning rate and press reset"
        return PlaygroundPicture(
            dataset=self.dataset, epoch=self.epoch, probability=probability.reshape(GRID, GRID),
            X_train=self.X_train, y_train=self.y_train, X_test=self.X_test, y_test=self.y_test,
            train_loss=np.array(self.train_loss), test_loss=np.array(self.test_loss), layer_sizes=self.layer_sizes,
            diverged=self.diverged(), running=self.running(), note=note)


# ----------------------------------------------------------------------------- the view

FIGURE_INCHES, FIGURE_DPI = (9.6, 3.9), 72
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
L2_VALUES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1)


def playground_explorer(affine_forward: Callable | None = None, affine_backward: Callable | None = None,
                        relu_backward: Callable | None = None, softmax_cross_entropy: Callable | None = None,
                        sgd_momentum_step: Callable | None = None, adam_step: Callable | None = None, *,
                        dataset: str = "circle", validate: Validate | None = None, interval_ms: int = 250):
    """The Playground: data, features, network and training controls, play/step/reset, the boundary and losses.

    The box carries ``model`` (:class:`Playground`), ``result`` (the latest :class:`PlaygroundPicture`),
    ``controls`` (one per setting, a checkbox per feature named "feature_<i>", "play", "step", "reset"),
    ``output``, ``status`` and ``last_update``.
    """
    import ipywidgets as widgets

    given = {"affine_forward": affine_forward, "affine_backward": affine_backward, "relu_backward": relu_backward,
             "softmax_cross_entropy": softmax_cross_entropy, "sgd_momentum_step": sgd_momentum_step,
             "adam_step": adam_step}
    model = Playground(dataset=dataset, functions={k: f for k, f in given.items() if f is not None},
                       validate=validate)
    narrow = {"description_width": "90px"}
    settings = {
        "dataset": widgets.Dropdown(options=DATASETS, value=dataset, description="data", style=narrow),
        "noise": widgets.FloatSlider(value=model.noise, min=0.0, max=0.5, step=0.05, description="noise",
                                     style=narrow),
        "train_share": widgets.IntSlider(value=model.train_share, min=10, max=90, step=10,
                                         description="train %", style=narrow),
        "layers": widgets.IntSlider(value=model.layers, min=0, max=4, description="hidden layers", style=narrow),
        "neurons": widgets.IntSlider(value=model.neurons, min=1, max=8, description="neurons", style=narrow),
        "activation": widgets.Dropdown(options=ACTIVATIONS, value=model.activation, description="activation",
                                       style=narrow),
        "optimiser": widgets.ToggleButtons(options=OPTIMISERS, value=model.optimiser),
        "learning_rate": widgets.SelectionSlider(options=LEARNING_RATES, value=model.learning_rate,
                                                 description="learning rate", style=narrow),
        "l2": widgets.SelectionSlider(options=L2_VALUES, value=model.l2, description="L2", style=narrow),
        "batch_size": widgets.IntSlider(value=model.batch_size, min=1, max=30, description="batch size",
                                        style=narrow),
    }
    boxes = {f"feature_{i}": widgets.Checkbox(value=name in model.features, description=name, indent=False,
                                              layout=widgets.Layout(width="80px"))
             for i, name in enumerate(FEATURES)}
    buttons = {
        "play": widgets.Play(value=0, min=0, max=10**7, step=1, interval=interval_ms, show_repeat=False,
                             description="play"),
        "step": widgets.Button(description="step (1 epoch)", icon="step-forward"),
        "reset": widgets.Button(description="reset", icon="refresh"),
    }
    controls = {**settings, **boxes, **buttons}

    def apply() -> None:
        for name, widget in settings.items():
            setattr(model, name, widget.value)
        model.features = tuple(FEATURES[i] for i in range(len(FEATURES)) if boxes[f"feature_{i}"].value)

    rows = [widgets.HBox([settings["dataset"], settings["noise"], settings["train_share"]]),
            widgets.HBox([widgets.Label("features:"), *boxes.values()]),
            widgets.HBox([settings["layers"], settings["neurons"], settings["activation"]]),
            widgets.HBox([settings["optimiser"], settings["learning_rate"], settings["l2"], settings["batch_size"]]),
            widgets.HBox([buttons["play"], buttons["step"], buttons["reset"]])]
    box = assemble(model, controls, rows, picture=_Picture(), css_class="explorer-playground", label="<playground>",
                   status=_status, apply=apply, observe=[*settings, *boxes])

    def tick(change) -> None:
        if change["new"] > change["old"]:     # the Play widget counts up while playing; stop sets it back to 0
            model.pending_epochs += 1
            box.update()

    def step(_button) -> None:
        model.pending_epochs += 1
        box.update()

    def reset(_button) -> None:
        buttons["play"].playing = False
        apply()
        model.reset()
        model.pending_epochs = 0
        box.update()

    buttons["play"].observe(tick, names="value")
    buttons["step"].on_click(step)
    buttons["reset"].on_click(reset)
    return box


def _status(p: PlaygroundPicture) -> tuple[str, str]:
    summary = (f"epoch {p.epoch} · train loss {p.train_loss[-1]:.3f} · test loss {p.test_loss[-1]:.3f} · network "
               f"{' → '.join(map(str, p.layer_sizes))}<br>{html.escape(p.running)}")
    if p.note:
        summary += f"<br><b>{html.escape(p.note)}</b>"
    return summary, ""


class _Picture:
    """One figure for the explorer's lifetime: the boundary image, points and loss curves are updated in place."""

    def __init__(self) -> None:
        from matplotlib.colors import LinearSegmentedColormap

        self.figure = new_figure(FIGURE_INCHES, FIGURE_DPI)
        self.map_ax, self.loss_ax = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.35]})
        self.figure.subplots_adjust(left=0.03, right=0.98, bottom=0.14, top=0.9, wspace=0.18)
        cmap = LinearSegmentedColormap.from_list("playground", ["#f59322", "#e8eaeb", "#0877bd"])
        ax = self.map_ax
        self.image = ax.imshow(np.zeros((GRID, GRID)), origin="lower", extent=(-EXTENT, EXTENT, -EXTENT, EXTENT),
                               cmap=cmap, vmin=0, vmax=1, interpolation="bilinear", aspect="equal")
        colours = np.array(["#f59322", "#0877bd"])
        self.colours = colours
        self.train = ax.scatter([], [], s=14, edgecolors="white", linewidths=0.6)
        self.test = ax.scatter([], [], s=14, facecolors="none", linewidths=1.0)
        ax.set_xlim(-EXTENT, EXTENT)
        ax.set_ylim(-EXTENT, EXTENT)
        ax.set_xticks([])
        ax.set_yticks([])
        (self.train_curve,) = self.loss_ax.plot([], [], color="k", lw=1.5, label="train")
        (self.test_curve,) = self.loss_ax.plot([], [], color="C3", lw=1.5, label="test")
        self.loss_ax.set_xlabel("epoch")
        self.loss_ax.set_ylabel("cross-entropy")
        self.loss_ax.legend(loc="upper right", fontsize=9)
        self.loss_ax.grid(alpha=0.3)
        self.points_of = None

    def draw(self, p: PlaygroundPicture) -> bytes:
        if self.points_of is not p.X_train:
            self.train.set_offsets(p.X_train)
            self.train.set_facecolors(self.colours[p.y_train])
            self.test.set_offsets(p.X_test)
            self.test.set_edgecolors(self.colours[p.y_test])
            self.points_of = p.X_train
        self.image.set_data(p.probability)
        epochs = np.arange(len(p.train_loss))
        self.train_curve.set_data(epochs, p.train_loss)
        self.test_curve.set_data(epochs, p.test_loss)
        finite = np.concatenate([p.train_loss, p.test_loss])
        finite = finite[np.isfinite(finite)]
        top = float(min(finite.max(), 3.0)) if len(finite) else 1.0
        self.loss_ax.set_xlim(0, max(10, len(epochs) - 1))
        self.loss_ax.set_ylim(0, max(top * 1.1, 0.1))
        self.map_ax.set_title(f"{p.dataset}: P(blue) after {p.epoch} epochs (filled: train, rings: test)",
                              fontsize=10)
        self.loss_ax.set_title(f"train {p.train_loss[-1]:.3f}, test {p.test_loss[-1]:.3f}", fontsize=10)
        return figure_png(self.figure)
