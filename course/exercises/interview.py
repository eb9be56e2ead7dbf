"""The interview track: its graded functions (Part 3's shape and parameter counts, compared with torch) and the
per-student question bank of Part 1.

Graded functions (references: real ``torch.nn`` layers, built with random sizes):
- ``conv2d_output_shape`` vs the shape of ``torch.nn.Conv2d(...)(torch.zeros(input_shape))``;
- ``conv2d_parameters`` vs ``sum(p.numel() for p in nn.Conv2d(...).parameters())``;
- ``lstm_parameters`` vs the same count for ``nn.LSTM(input_size, hidden_size, num_layers, bias=...)``;
- ``attention_parameters`` vs the count for ``nn.MultiheadAttention(embed_dim, num_heads, bias=...)``.

Part 1's bank: twenty **slots**, each of one topic (bias–variance, overfitting, cross-validation, metrics,
imbalanced data, regularisation), each with two alternative questions (forty in all). A student's draw takes one
alternative per slot, its own numbers, and (for a choice question) its own order of the options, from a hash of the
student id (``course.variants``): every student gets twenty questions covering every topic, a neighbour's answers
do not fit, and regrading draws the same again. Every answer is computed here, in code; the explanation of each
drawn question (``parameters(key)["why"]``) is what the hidden test's message carries after grading.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from course.checks import CheckFailure, expect_equal
from course.exercises import Case, Exercise, register
from course.variants import Variant, parameters, register_variant, student_id

__all__ = ["QUIZ_KEYS", "TOPICS", "SLOTS", "show_draw", "quiz_table"]


# ============================================================================ Part 3: shapes and parameter counts

def _torch():
    import torch
    torch.set_num_threads(1)
    return torch


def _as_count(value: Any, what: str) -> int:
    if value is None:
        raise CheckFailure(f"{what} is None: did the function forget to `return`?")
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float, np.floating)):
        raise CheckFailure(f"{what} is a {type(value).__name__}, but a whole number was expected.")
    if float(value) != int(value):
        raise CheckFailure(f"{what} is {value!r}, which is not a whole number (a parameter count is an integer).")
    return int(value)


def _compare_count(actual: Any, expected: Any, case: Case, name: str) -> None:
    expect_equal(_as_count(actual, name), int(expected), name=name)


def _compare_shape(actual: Any, expected: Any, case: Case, name: str) -> None:
    if not isinstance(actual, (tuple, list)):
        raise CheckFailure(f"{name} is a {type(actual).__name__}, but a tuple (N, C, H, W) was expected.")
    if len(actual) != 4:
        raise CheckFailure(f"{name} has {len(actual)} entries, but a tuple of 4, (N, C, H, W), was expected.")
    expect_equal(tuple(_as_count(a, name) for a in actual), tuple(int(e) for e in expected), name=name)


def _conv_cases(rng: np.random.Generator) -> list[Case]:
    cases = [dict(input_shape=(1, 3, 32, 32), out_channels=16, kernel_size=3, stride=1, padding=1),   # "same"
             dict(input_shape=(2, 1, 7, 7), out_channels=4, kernel_size=7, stride=1, padding=0),      # 1 × 1 out
             dict(input_shape=(1, 8, 28, 28), out_channels=8, kernel_size=5, stride=2, padding=0),    # a floor
             dict(input_shape=(4, 3, 10, 15), out_channels=2, kernel_size=1, stride=3, padding=0)]    # 1 × 1 kernel
    for _ in range(16):
        k = int(rng.integers(1, 6))
        stride, padding = int(rng.integers(1, 4)), int(rng.integers(0, 3))
        h, w = (int(v) for v in rng.integers(max(1, k - 2 * padding), 24, size=2))
        cases.append(dict(input_shape=(int(rng.integers(1, 4)), int(rng.integers(1, 5)), h, w),
                          out_channels=int(rng.integers(1, 9)), kernel_size=k, stride=stride, padding=padding))
    return cases


def reference_conv2d_output_shape(case: Case) -> tuple:
    torch = _torch()
    layer = torch.nn.Conv2d(case["input_shape"][1], case["out_channels"], case["kernel_size"],
                            stride=case["stride"], padding=case["padding"])
    with torch.no_grad():
        return tuple(layer(torch.zeros(case["input_shape"])).shape)


register(Exercise(
    key="interview.conv2d_output_shape", function="conv2d_output_shape",
    make_cases=_conv_cases,
    call=lambda f, c: f(c["input_shape"], c["out_channels"], c["kernel_size"], c["stride"], c["padding"]),
    reference=reference_conv2d_output_shape,
    describe=lambda c: (f"input {c['input_shape']}, {c['out_channels']} filters of {c['kernel_size']}×"
                        f"{c['kernel_size']}, stride {c['stride']}, padding {c['padding']}"),
    compare=_compare_shape,
))


def _parameter_count(layer) -> int:
    """What the three counting exercises are compared with: the parameters torch itself allocates."""
    return sum(p.numel() for p in layer.parameters())


def _conv_parameter_cases(rng: np.random.Generator) -> list[Case]:
    cases = [dict(in_channels=3, out_channels=64, kernel_size=3, bias=True),
             dict(in_channels=1, out_channels=1, kernel_size=1, bias=False),
             dict(in_channels=64, out_channels=128, kernel_size=1, bias=True)]
    cases += [dict(in_channels=int(rng.integers(1, 65)), out_channels=int(rng.integers(1, 65)),
                   kernel_size=int(rng.integers(1, 8)), bias=bool(rng.random() < 0.7)) for _ in range(12)]
    return cases


def reference_conv2d_parameters(case: Case) -> int:
    torch = _torch()
    layer = torch.nn.Conv2d(case["in_channels"], case["out_channels"], case["kernel_size"], bias=case["bias"],
                            device="meta")
    return _parameter_count(layer)


register(Exercise(
    key="interview.conv2d_parameters", function="conv2d_parameters",
    make_cases=_conv_parameter_cases,
    call=lambda f, c: f(c["in_channels"], c["out_channels"], c["kernel_size"], c["bias"]),
    reference=reference_conv2d_parameters,
    describe=lambda c: (f"Conv2d({c['in_channels']}, {c['out_channels']}, kernel_size={c['kernel_size']}, "
                        f"bias={c['bias']})"),
    compare=_compare_count,
))


def _lstm_cases(rng: np.random.Generator) -> list[Case]:
    cases = [dict(input_size=10, hidden_size=20, num_layers=1, bias=True),
             dict(input_size=1, hidden_size=1, num_layers=1, bias=False),
             dict(input_size=8, hidden_size=16, num_layers=3, bias=True)]
    cases += [dict(input_size=int(rng.integers(1, 40)), hidden_size=int(rng.integers(1, 40)),
                   num_layers=int(rng.integers(1, 4)), bias=bool(rng.random() < 0.7)) for _ in range(12)]
    return cases


def reference_lstm_parameters(case: Case) -> int:
    torch = _torch()
    layer = torch.nn.LSTM(case["input_size"], case["hidden_size"], case["num_layers"], bias=case["bias"],
                          device="meta")
    return _parameter_count(layer)


register(Exercise(
    key="interview.lstm_parameters", function="lstm_parameters",
    make_cases=_lstm_cases,
    call=lambda f, c: f(c["input_size"], c["hidden_size"], c["num_layers"], c["bias"]),
    reference=reference_lstm_parameters,
    describe=lambda c: (f"LSTM({c['input_size']}, {c['hidden_size']}, num_layers={c['num_layers']}, "
                        f"bias={c['bias']})"),
    compare=_compare_count,
))


def _attention_cases(rng: np.random.Generator) -> list[Case]:
    cases = [dict(embed_dim=512, num_heads=8, bias=True), dict(embed_dim=4, num_heads=1, bias=False),
             dict(embed_dim=6, num_heads=6, bias=True)]
    for _ in range(12):
        heads = int(rng.integers(1, 9))
        cases.append(dict(embed_dim=heads * int(rng.integers(1, 17)), num_heads=heads, bias=bool(rng.random() < 0.7)))
    return cases


def reference_attention_parameters(case: Case) -> int:
    torch = _torch()
    layer = torch.nn.MultiheadAttention(case["embed_dim"], case["num_heads"], bias=case["bias"], device="meta")
    return _parameter_count(layer)


register(Exercise(
    key="interview.attention_parameters", function="attention_parameters",
    make_cases=_attention_cases,
    call=lambda f, c: f(c["embed_dim"], c["num_heads"], c["bias"]),
    reference=reference_attention_parameters,
    describe=lambda c: f"MultiheadAttention({c['embed_dim']}, num_heads={c['num_heads']}, bias={c['bias']})",
    compare=_compare_count,
))


# ============================================================================ Part 1: the per-student question bank

TOPICS = ("bias–variance", "overfitting", "cross-validation", "metrics", "imbalanced data", "regularisation")


class Question:
    """One bank question: ``draw(rng)`` its numbers; ``text(p)``, ``answer(p)`` and ``why(p)`` from them.

    A choice question lists its options with the right one first; the draw shuffles them, and the answer is the
    number (1, 2, ...) under which the right option is shown."""

    def __init__(self, qid: str, text: Callable[[dict], str], why: Callable[[dict], str], *,
                 answer: Callable[[dict], float] | None = None, draw: Callable[[np.random.Generator], dict] = lambda rng: {},
                 options: tuple[str, ...] = ()):
        self.qid, self._text, self._why, self._answer, self._draw, self.options = qid, text, why, answer, draw, options

    @property
    def kind(self) -> str:
        return "choice" if self.options else "number"

    def draw(self, rng: np.random.Generator) -> dict:
        p = dict(self._draw(rng))
        if self.options:
            p["order"] = [int(i) for i in rng.permutation(len(self.options))]
        return p

    def text(self, p: dict) -> str:
        text = self._text(p)
        if self.options:
            text += "".join(f"\n      {n}) {self.options[i]}" for n, i in enumerate(p["order"], 1))
            text += "\n   (answer with the option's number)"
        return text

    def answer(self, p: dict) -> float:
        if self.options:
            return p["order"].index(0) + 1
        return float(self._answer(p))

    def why(self, p: dict) -> str:
        right = f" The right option was {self.answer(p)}) {self.options[0]}." if self.options else \
            f" The answer is {_num(self.answer(p))}."
        return self._why(p) + right


def _num(x: float) -> str:
    return f"{x:.4g}" if abs(x - round(x)) > 1e-9 else str(int(round(x)))


def _choice(values, rng) -> Any:
    item = values[int(rng.integers(len(values)))]
    return item.item() if hasattr(item, "item") else item


# The bank, slot by slot: (topic, (alternative, alternative)).
SLOTS: list[tuple[str, tuple[Question, ...]]] = [
    ("bias–variance", (
        Question("bv_underfit", lambda p: "A model's training error is high, and its validation error is about as "
                 "high. What is the most likely diagnosis?",
                 lambda p: "Training and validation errors that are both high and close together say the model "
                 "cannot even fit the data it sees: high bias (underfitting). More capacity or better features help; "
                 "more data or more regularisation would not.",
                 options=("high bias (underfitting)", "high variance (overfitting)", "data leakage",
                          "a learning rate that is too small to matter")),
        Question("bv_overfit", lambda p: "A model's training error is near zero, but its validation error is much "
                 "larger. What is the most likely diagnosis?",
                 lambda p: "A large gap between training and validation error is the signature of high variance "
                 "(overfitting): the model has learnt the noise of its training set. More data, regularisation or a "
                 "simpler model narrow the gap.",
                 options=("high variance (overfitting)", "high bias (underfitting)", "too little model capacity",
                          "label noise in the validation set only")),
    )),
    ("bias–variance", (
        Question("bv_decomposition", lambda p: f"At a point x, a model's squared bias is {p['bias2']}, its variance "
                 f"(over training sets) is {p['variance']}, and the noise variance of y is {p['noise']}. What is the "
                 "expected squared error of its prediction there (over training sets and noise)?",
                 lambda p: "The expected squared error decomposes as bias² + variance + irreducible noise: "
                 f"{p['bias2']} + {p['variance']} + {p['noise']}.",
                 answer=lambda p: p["bias2"] + p["variance"] + p["noise"],
                 draw=lambda rng: {"bias2": round(float(rng.uniform(0.1, 2)), 2),
                                   "variance": round(float(rng.uniform(0.1, 2)), 2),
                                   "noise": round(float(rng.uniform(0.1, 1)), 2)}),
        Question("bv_variance_left", lambda p: f"A model's expected squared error at x is {p['mse']}; the noise "
                 f"variance is {p['noise']} and the squared bias is {p['bias2']}. What is its variance there?",
                 lambda p: "Expected squared error = bias² + variance + noise, so variance = "
                 f"{p['mse']} − {p['bias2']} − {p['noise']}.",
                 answer=lambda p: p["mse"] - p["bias2"] - p["noise"],
                 draw=lambda rng: (lambda b, v, n: {"bias2": b, "noise": n, "mse": round(b + v + n, 2)})(
                     round(float(rng.uniform(0.1, 1)), 2), round(float(rng.uniform(0.2, 2)), 2),
                     round(float(rng.uniform(0.1, 1)), 2))),
    )),
    ("bias–variance", (
        Question("bv_average_independent", lambda p: f"{p['B']} models have the same bias, and their predictions at "
                 f"x are independent with variance {p['v']} each. What is the variance of their average?",
                 lambda p: "The variance of a mean of B independent variables of variance v is v / B "
                 f"({p['v']} / {p['B']}); the bias stays the same. This is why averaging (bagging) helps "
                 "high-variance models.",
                 answer=lambda p: p["v"] / p["B"],
                 draw=lambda rng: {"B": _choice([2, 4, 5, 8, 10, 20, 25], rng),
                                   "v": round(float(rng.uniform(0.5, 4)), 1)}),
        Question("bv_average_correlated", lambda p: f"A random forest averages {p['B']} trees whose predictions at x "
                 f"each have variance {p['v']}, with pairwise correlation {p['rho']}. What is the variance of the "
                 "average?",
                 lambda p: "For B identically distributed predictions with variance v and pairwise correlation ρ, "
                 "Var(mean) = ρ v + (1 − ρ) v / B: the correlated part never averages away, which is why random "
                 "forests decorrelate their trees (random feature subsets).",
                 answer=lambda p: p["rho"] * p["v"] + (1 - p["rho"]) * p["v"] / p["B"],
                 draw=lambda rng: {"B": _choice([10, 20, 50, 100], rng), "v": round(float(rng.uniform(0.5, 4)), 1),
                                   "rho": _choice([0.1, 0.2, 0.3, 0.5, 0.7], rng)}),
    )),
    ("bias–variance", (
        Question("bv_knn", lambda p: "In k-nearest-neighbours regression, what happens as k grows (with n fixed)?",
                 lambda p: "Averaging over more neighbours smooths the prediction: variance falls, but the "
                 "neighbours reach further from x, so bias rises (k = n predicts the global mean everywhere).",
                 options=("bias rises, variance falls", "bias falls, variance rises", "both fall",
                          "neither changes")),
        Question("bv_tree_depth", lambda p: "What happens to a decision tree as its maximum depth grows?",
                 lambda p: "A deeper tree makes smaller leaves that fit the training data more closely: bias falls "
                 "and variance rises (a fully grown tree fits every training point).",
                 options=("bias falls, variance rises", "bias rises, variance falls", "both fall",
                          "neither changes")),
    )),
    ("overfitting", (
        Question("of_interpolate", lambda p: f"Your data are {p['n']} points (x_i, y_i) with distinct x_i. What is "
                 "the smallest degree of a polynomial in x that can pass through all of them exactly (zero "
                 "training error, whatever the y_i)?",
                 lambda p: "A polynomial of degree d has d + 1 coefficients, and n distinct points fix a unique "
                 "interpolating polynomial of degree n − 1 (a Vandermonde system). Zero training error there says "
                 "nothing about new points: the classic picture of overfitting.",
                 answer=lambda p: p["n"] - 1,
                 draw=lambda rng: {"n": int(rng.integers(4, 31))}),
        Question("of_poly_features", lambda p: f"A model expands {p['p']} input features into all monomials of "
                 f"degree at most {p['d']} (the constant 1 included). How many features does it then have?",
                 lambda p: "The monomials of degree ≤ d in p variables number C(p + d, d) (stars and bars): the "
                 "feature count, and the room to overfit, grows fast with the degree.",
                 answer=lambda p: math.comb(p["p"] + p["d"], p["d"]),
                 draw=lambda rng: {"p": int(rng.integers(2, 11)), "d": int(rng.integers(2, 5))}),
    )),
    ("overfitting", (
        Question("of_early_stopping", lambda p: "During training, the training loss keeps falling, but from epoch "
                 f"{p['epoch']} on the validation loss rises. What should you do?",
                 lambda p: "The model has started to overfit where the validation loss turns up: early stopping "
                 "keeps the weights of the epoch with the lowest validation loss (and the test set stays untouched "
                 "until the very end).",
                 options=("keep the weights from around the epoch where the validation loss was lowest",
                          "train longer: the validation loss will come down again",
                          "raise the learning rate to escape the minimum",
                          "choose the epoch with the lowest test loss"),
                 draw=lambda rng: {"epoch": int(rng.integers(8, 60))}),
        Question("of_learning_curve", lambda p: "On a learning curve, as the training set grows, the training and "
                 "validation errors converge quickly to the same, unacceptably high value. Will collecting more data "
                 "help much?",
                 lambda p: "Converged curves at a high error mean high bias: the model is too simple for the data. "
                 "More data leaves both curves where they are; a richer model or better features move them.",
                 options=("no: the model is biased; add capacity or features instead",
                          "yes: more data always reduces the error",
                          "yes: the gap between the curves is large",
                          "no: the model is overfitting, regularise it more")),
    )),
    ("overfitting", (
        Question("of_not_a_remedy", lambda p: "Which of these does NOT reduce overfitting?",
                 lambda p: "More parameters (a larger model, more features) give the model more room to fit noise; "
                 "more data, regularisation and dropout all reduce variance.",
                 options=("making the model larger", "collecting more training data", "adding an L2 penalty",
                          "using dropout")),
        Question("of_leakage", lambda p: f"A cross-validated accuracy of {p['acc']} % drops to near chance on "
                 "genuinely new data. The features were standardised and selected using all the rows before the "
                 "split. What is the most likely cause?",
                 lambda p: "Preprocessing fitted on all rows (scaling, and above all feature selection) lets the "
                 "validation folds leak into training: fit every step inside the folds (a Pipeline).",
                 options=("data leakage from preprocessing fitted before the split",
                          "too few cross-validation folds", "a learning rate that is too high",
                          "the model is underfitting"),
                 draw=lambda rng: {"acc": int(rng.integers(88, 99))}),
    )),
    ("cross-validation", (
        Question("cv_train_rows", lambda p: f"With {p['k']}-fold cross-validation on {p['n']} rows (folds of equal "
                 "size), how many rows does each of the k models train on?",
                 lambda p: "Each fold is held out once; the model trains on the other k − 1 folds, "
                 f"n (k − 1) / k = {p['n']} · {p['k'] - 1} / {p['k']} rows.",
                 answer=lambda p: p["n"] * (p["k"] - 1) // p["k"],
                 draw=lambda rng: (lambda k: {"k": k, "n": k * int(rng.integers(20, 400))})(
                     _choice([3, 4, 5, 10], rng))),
        Question("cv_grid_fits", lambda p: f"A grid search tries {p['a']} values of one hyperparameter and {p['b']} "
                 f"of another, with {p['k']}-fold cross-validation. How many models are fitted during the search, "
                 "not counting the final refit on all the data?",
                 lambda p: "Every one of the a · b combinations is fitted once per fold: a · b · k fits "
                 "(GridSearchCV then refits the best once more).",
                 answer=lambda p: p["a"] * p["b"] * p["k"],
                 draw=lambda rng: {"a": int(rng.integers(2, 8)), "b": int(rng.integers(2, 6)),
                                   "k": _choice([3, 5, 10], rng)}),
    )),
    ("cross-validation", (
        Question("cv_loo", lambda p: f"Leave-one-out cross-validation on {p['n']} rows: how many models are fitted?",
                 lambda p: "Leave-one-out is n-fold cross-validation: one model per held-out row, n fits (nearly "
                 "unbiased, but expensive and with a high-variance estimate).",
                 answer=lambda p: p["n"],
                 draw=lambda rng: {"n": int(rng.integers(20, 500))}),
        Question("cv_nested", lambda p: f"Nested cross-validation: {p['outer']} outer folds; inside each, a grid "
                 f"search over {p['g']} configurations with {p['inner']}-fold cross-validation, then one refit of "
                 "the best configuration on the outer training part. How many models are fitted in total?",
                 lambda p: "Each outer fold runs g · k_inner fits for its search plus one refit: "
                 "k_outer · (g · k_inner + 1).",
                 answer=lambda p: p["outer"] * (p["g"] * p["inner"] + 1),
                 draw=lambda rng: {"outer": _choice([3, 5], rng), "inner": _choice([3, 4, 5], rng),
                                   "g": int(rng.integers(2, 13))}),
    )),
    ("cross-validation", (
        Question("cv_time_series", lambda p: "You forecast tomorrow's sales from daily data. How should you "
                 "cross-validate?",
                 lambda p: "Shuffled folds let the model train on the future and validate on the past, which "
                 "cannot happen in production: use forward chaining (TimeSeriesSplit), each validation block after "
                 "its training data.",
                 options=("train on the past, validate on the period right after (forward chaining)",
                          "shuffled k-fold cross-validation", "leave-one-out on shuffled days",
                          "stratified k-fold on the sales values")),
        Question("cv_groups", lambda p: f"Your data hold {p['rows']} scans of {p['patients']} patients (several "
                 "scans each), and the model must work on new patients. How should the folds be made?",
                 lambda p: "Scans of one patient are alike: if one lands in training and another in validation, "
                 "the score measures recognising patients. Keep each patient's rows in one fold (GroupKFold).",
                 options=("keep all the scans of a patient in the same fold (grouped k-fold)",
                          "shuffle the scans into k folds", "stratify the folds by scan date",
                          "use leave-one-scan-out"),
                 draw=lambda rng: (lambda m: {"patients": m, "rows": m * int(rng.integers(3, 9))})(
                     int(rng.integers(40, 200)))),
    )),
    ("metrics", (
        Question("m_precision", lambda p: f"A classifier flags {p['tp'] + p['fp']} cases as positive; {p['tp']} of "
                 "them really are. What is its precision?",
                 lambda p: "Precision = TP / (TP + FP): of everything flagged, the share that is right.",
                 answer=lambda p: p["tp"] / (p["tp"] + p["fp"]),
                 draw=lambda rng: {"tp": int(rng.integers(10, 200)), "fp": int(rng.integers(1, 120))}),
        Question("m_recall", lambda p: f"There are {p['tp'] + p['fn']} real positives; the classifier finds "
                 f"{p['tp']} of them. What is its recall?",
                 lambda p: "Recall (sensitivity, TPR) = TP / (TP + FN): of the real positives, the share found.",
                 answer=lambda p: p["tp"] / (p["tp"] + p["fn"]),
                 draw=lambda rng: {"tp": int(rng.integers(10, 200)), "fn": int(rng.integers(1, 120))}),
    )),
    ("metrics", (
        Question("m_f1", lambda p: f"A classifier has TP = {p['tp']}, FP = {p['fp']} and FN = {p['fn']}. What is "
                 "its F1 score?",
                 lambda p: "F1 is the harmonic mean of precision and recall, 2PR / (P + R) = 2TP / (2TP + FP + FN).",
                 answer=lambda p: 2 * p["tp"] / (2 * p["tp"] + p["fp"] + p["fn"]),
                 draw=lambda rng: {"tp": int(rng.integers(10, 200)), "fp": int(rng.integers(1, 100)),
                                   "fn": int(rng.integers(1, 100))}),
        Question("m_f1_from_pr", lambda p: f"A classifier's precision is {p['P']} and its recall {p['R']}. What "
                 "is its F1 score?",
                 lambda p: "F1 = 2PR / (P + R), the harmonic mean: it is pulled towards the smaller of the two.",
                 answer=lambda p: 2 * p["P"] * p["R"] / (p["P"] + p["R"]),
                 draw=lambda rng: {"P": round(float(rng.uniform(0.2, 0.95)), 2),
                                   "R": round(float(rng.uniform(0.2, 0.95)), 2)}),
    )),
    ("metrics", (
        Question("m_majority", lambda p: f"{p['pct']} % of the examples are positive. What accuracy does a "
                 "classifier get that always predicts negative? (A fraction between 0 and 1.)",
                 lambda p: "Predicting the majority class is right on every negative: accuracy = 1 − prevalence. "
                 "On imbalanced data accuracy rewards doing nothing; compare with this baseline.",
                 answer=lambda p: 1 - p["pct"] / 100,
                 draw=lambda rng: {"pct": _choice([0.5, 1, 2, 3, 5, 8, 10, 15, 20], rng)}),
        Question("m_specificity", lambda p: f"Among {p['tn'] + p['fp']} real negatives, a classifier labels "
                 f"{p['fp']} as positive. What is its specificity (true-negative rate)?",
                 lambda p: "Specificity = TN / (TN + FP) = 1 − false-positive rate.",
                 answer=lambda p: p["tn"] / (p["tn"] + p["fp"]),
                 draw=lambda rng: {"tn": int(rng.integers(50, 900)), "fp": int(rng.integers(1, 100))}),
    )),
    ("metrics", (
        Question("m_auc", lambda p: "What does a ROC-AUC of 0.8 mean?",
                 lambda p: "The area under the ROC curve equals the probability that a randomly chosen positive "
                 "gets a higher score than a randomly chosen negative (ties count half); it says nothing about a "
                 "particular threshold or about calibration.",
                 options=("a random positive outscores a random negative with probability 0.8",
                          "80 % of the predictions are correct", "the precision is 0.8 at threshold 0.5",
                          "the predicted probabilities are off by 0.2 on average")),
        Question("m_log_loss", lambda p: f"A classifier gives a positive example the probability {p['q']} of being "
                 "positive. What is its log loss (cross-entropy, natural log) on that example?",
                 lambda p: "The log loss of a positive is −ln q for the predicted probability q: confident and "
                 "wrong is punished without bound, which is why log loss rewards calibration.",
                 answer=lambda p: -math.log(p["q"]),
                 draw=lambda rng: {"q": _choice([0.05, 0.1, 0.2, 0.3, 0.5, 0.6, 0.75, 0.9, 0.99], rng)}),
    )),
    ("imbalanced data", (
        Question("im_class_weight", lambda p: f"A binary data set has {p['n_min']} positives and {p['n_maj']} "
                 "negatives. With scikit-learn's class_weight=\"balanced\", what weight does each positive get?",
                 lambda p: "\"balanced\" weighs class c by n / (K · n_c), here n / (2 · n_positive), so both classes "
                 "carry the same total weight.",
                 answer=lambda p: (p["n_min"] + p["n_maj"]) / (2 * p["n_min"]),
                 draw=lambda rng: {"n_min": int(rng.integers(10, 100)), "n_maj": int(rng.integers(200, 2000))}),
        Question("im_precision_prevalence", lambda p: f"A screening test has recall (TPR) {p['tpr']} and "
                 f"false-positive rate {p['fpr']}. The condition affects {p['pct']} % of people. What share of the "
                 "people it flags really have the condition (its precision)?",
                 lambda p: "Precision = π·TPR / (π·TPR + (1 − π)·FPR) with prevalence π: at a low prevalence even a "
                 "small false-positive rate swamps the true positives. ROC curves hide this; precision does not.",
                 answer=lambda p: (lambda pi: pi * p["tpr"] / (pi * p["tpr"] + (1 - pi) * p["fpr"]))(p["pct"] / 100),
                 draw=lambda rng: {"tpr": _choice([0.8, 0.9, 0.95, 0.99], rng),
                                   "fpr": _choice([0.01, 0.02, 0.05, 0.1], rng),
                                   "pct": _choice([0.1, 0.5, 1, 2, 5], rng)}),
    )),
    ("imbalanced data", (
        Question("im_metric", lambda p: f"Fraud is {p['pct']} % of {p['n']} transactions. Which single number best "
                 "compares models that rank transactions for review?",
                 lambda p: "With a rare positive class, accuracy is dominated by the negatives, and ROC-AUC can "
                 "look good while the precision is poor; the precision–recall curve (average precision) focuses on "
                 "the positives.",
                 options=("the area under the precision–recall curve (average precision)", "accuracy",
                          "the accuracy of the majority class", "the mean squared error of the labels"),
                 draw=lambda rng: {"pct": _choice([0.1, 0.2, 0.5, 1], rng), "n": _choice([10**5, 10**6], rng)}),
        Question("im_resample_when", lambda p: "You oversample the minority class (SMOTE or duplication). When?",
                 lambda p: "Resampling before the split puts copies (or interpolations) of validation rows into "
                 "training, which inflates the score. Resample inside each training fold only; validate and test "
                 "on the original distribution.",
                 options=("inside each training fold only, after the split",
                          "on the whole data set, before splitting", "on the test set too, so it is balanced",
                          "it does not matter when")),
    )),
    ("imbalanced data", (
        Question("im_undersample", lambda p: f"The data have {p['n_min']} positives and {p['n_maj']} negatives. "
                 "You undersample the negatives at random until the classes are balanced 1 : 1. How many rows are "
                 "left?",
                 lambda p: "All positives stay, and as many negatives are kept: 2 · n_positive rows (cheap, but "
                 "throws information away).",
                 answer=lambda p: 2 * p["n_min"],
                 draw=lambda rng: {"n_min": int(rng.integers(20, 400)), "n_maj": int(rng.integers(1000, 9000))}),
        Question("im_threshold", lambda p: f"A calibrated classifier gives P(positive | x). Missing a positive "
                 f"costs {p['c_fn']} and a false alarm costs {p['c_fp']}. Above which probability should you "
                 "predict positive?",
                 lambda p: "Predict positive when the expected cost of saying negative, p·C_FN, exceeds that of "
                 "saying positive, (1 − p)·C_FP: p > C_FP / (C_FP + C_FN). With imbalanced costs the right "
                 "threshold is not 0.5.",
                 answer=lambda p: p["c_fp"] / (p["c_fp"] + p["c_fn"]),
                 draw=lambda rng: {"c_fn": int(rng.integers(2, 50)), "c_fp": int(rng.integers(1, 5))}),
    )),
    ("regularisation", (
        Question("rg_sparse", lambda p: "Which penalty tends to set some coefficients exactly to zero?",
                 lambda p: "The L1 penalty λ‖w‖₁ has a corner at 0 (its subgradient there is the whole interval "
                 "[−λ, λ]), so the lasso sets coefficients exactly to zero; L2 only shrinks them towards zero.",
                 options=("L1 (lasso)", "L2 (ridge)", "neither: only feature selection does that",
                          "both, equally")),
        Question("rg_lambda_limit", lambda p: "In ridge regression (intercept not penalised), what happens to the "
                 "coefficients as the penalty λ grows without bound?",
                 lambda p: "The penalty λ‖w‖² dominates, so w → 0 (continuously, never exactly 0) and the model "
                 "predicts the mean of y (the unpenalised intercept): bias up, variance down.",
                 options=("they shrink towards 0 and the model predicts the mean of y",
                          "they become exactly 0 one by one, as in the lasso",
                          "they grow without bound", "they do not change; only the intercept does")),
    )),
    ("regularisation", (
        Question("rg_ridge_1d", lambda p: f"One feature, no intercept: Σ x_i y_i = {p['sxy']} and Σ x_i² = "
                 f"{p['sxx']}. Ridge regression minimises Σ (y_i − w x_i)² + λ w² with λ = {p['lam']}. What is w?",
                 lambda p: "Setting the derivative −2Σx(y − wx) + 2λw to zero gives w = Σxy / (Σx² + λ): the "
                 "least-squares slope shrunk by the penalty.",
                 answer=lambda p: p["sxy"] / (p["sxx"] + p["lam"]),
                 draw=lambda rng: {"sxy": round(float(rng.uniform(-50, 50)), 1),
                                   "sxx": round(float(rng.uniform(5, 80)), 1),
                                   "lam": _choice([0.5, 1, 2, 5, 10, 20], rng)}),
        Question("rg_weight_decay", lambda p: f"Gradient descent on L(w) + (λ/2) w² with λ = {p['lam']}, learning "
                 f"rate η = {p['lr']}. The weight is w = {p['w']} and the gradient of L there is {p['g']}. What is "
                 "w after one step?",
                 lambda p: "The penalty's gradient is λw, so w ← w − η(g + λw) = (1 − ηλ)w − ηg: L2 regularisation "
                 "is weight decay.",
                 answer=lambda p: p["w"] - p["lr"] * (p["g"] + p["lam"] * p["w"]),
                 draw=lambda rng: {"lam": _choice([0.01, 0.1, 0.5, 1.0], rng), "lr": _choice([0.01, 0.05, 0.1], rng),
                                   "w": round(float(rng.uniform(-3, 3)), 2), "g": round(float(rng.uniform(-2, 2)), 2)}),
    )),
    ("regularisation", (
        Question("rg_dropout_scale", lambda p: f"Inverted dropout with drop probability p = {p['p']} (the usual "
                 f"implementation, e.g. torch.nn.Dropout). A unit's activation is {p['a']} and it is kept during "
                 "training. What value does it pass on?",
                 lambda p: "Kept units are scaled by 1 / (1 − p) during training, so the expected activation is "
                 "unchanged and nothing needs rescaling at test time.",
                 answer=lambda p: p["a"] / (1 - p["p"]),
                 draw=lambda rng: {"p": _choice([0.1, 0.2, 0.25, 0.3, 0.5], rng),
                                   "a": round(float(rng.uniform(0.5, 5)), 1)}),
        Question("rg_dropout_units", lambda p: f"A layer of {p['n']} units uses dropout with drop probability "
                 f"{p['p']}. On average, how many units are active on one training example?",
                 lambda p: "Each unit is kept independently with probability 1 − p: n (1 − p) on average.",
                 answer=lambda p: p["n"] * (1 - p["p"]),
                 draw=lambda rng: {"n": _choice([64, 100, 128, 256, 512, 1000], rng),
                                   "p": _choice([0.1, 0.2, 0.3, 0.5], rng)}),
    )),
]

assert len(SLOTS) == 20 and {topic for topic, _ in SLOTS} == set(TOPICS)
BANK = {q.qid: q for _, alternatives in SLOTS for q in alternatives}
QUIZ_KEYS = [f"interview.q{k:02d}" for k in range(1, len(SLOTS) + 1)]


def _slot_draw(position: int, topic: str, alternatives: tuple[Question, ...]) -> Callable:
    def draw(rng: np.random.Generator) -> dict:
        question = alternatives[int(rng.integers(len(alternatives)))]
        p = question.draw(rng)
        p.update(id=question.qid, topic=topic, kind=question.kind, position=position)
        p["text"] = f"Q{position} ({topic}). " + question.text(p)
        p["why"] = f"question {position} ({topic}: {question.why(p)}): your answer"
        return p
    return draw


for _position, (_topic, _alternatives) in enumerate(SLOTS, 1):
    register_variant(Variant(key=QUIZ_KEYS[_position - 1], draw=_slot_draw(_position, _topic, _alternatives),
                             answer=lambda p: BANK[p["id"]].answer(p), question="{text}"))


def show_draw(student: str | None = None) -> None:
    """Print this notebook's twenty questions (the draw of :func:`course.variants.student_id`)."""
    who = student_id() if student is None else student
    for key in QUIZ_KEYS:
        print(parameters(key, who)["text"], end="\n\n")
    print(f"(Drawn for the id {who!r}. Answer in the dict `answers`, keyed by the question's label "
          "(answers[\"Q1\"] = ...): a number for a numeric question, the option's number for a choice question.)")


def quiz_table(answers: dict | None = None, student: str | None = None):
    """A pandas table of the draw: position, topic, kind, and (given ``answers``) what was answered."""
    import pandas as pd
    who = student_id() if student is None else student
    rows = []
    for position, key in enumerate(QUIZ_KEYS, 1):
        p = parameters(key, who)
        rows.append({"question": position, "topic": p["topic"], "kind": p["kind"],
                     "your answer": answers.get(f"Q{position}") if isinstance(answers, dict) else None})
    return pd.DataFrame(rows).set_index("question")


# ============================================================================ the checkpoint's per-student question

def adam_first_step(p: dict) -> float:
    """w after one Adam step from w0 with gradient g (β1 = 0.9, β2 = 0.999, ε = 1e-8, bias-corrected)."""
    m = (1 - 0.9) * p["g"]
    v = (1 - 0.999) * p["g"] ** 2
    m_hat, v_hat = m / (1 - 0.9), v / (1 - 0.999)
    return p["w0"] - p["lr"] * m_hat / (math.sqrt(v_hat) + 1e-8)


register_variant(Variant(
    key="interview.checkpoint_q1",
    draw=lambda rng: {"w0": round(float(rng.uniform(-2, 2)), 2), "lr": _choice([0.001, 0.01, 0.05, 0.1, 0.2], rng),
                      "g": round(float(rng.choice([-1, 1]) * rng.uniform(0.01, 50)), 2)},
    answer=adam_first_step,
    question="Q1. Adam (β1 = 0.9, β2 = 0.999, ε = 1e-8, with bias correction) takes its first step from w0 = {w0} "
             "with learning rate {lr:g}; the gradient there is g = {g}. What is w after that step? (For comparison: "
             "plain gradient descent would move to w0 − lr·g.)",
))
