"""What the interview notebook claims, checked: every numeric answer of Part 1's bank against scikit-learn, torch or
an independent computation (over many students' draws); the formulas and counts of Part 3 against torch.nn; the
backpropagation model answer against autograd; the checkpoint's Adam step against torch.optim.Adam; the numbers
the lesson quotes."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from course import variants
from course.exercises.interview import BANK, QUIZ_KEYS

from solutions import lesson_text, run_every_code_cell

STUDENTS = [f"s{i}" for i in range(40)]


def _drawn(qid):
    """The parameters of every draw of question ``qid`` among STUDENTS (and the key it was drawn under)."""
    found = []
    for student in STUDENTS:
        for key in QUIZ_KEYS:
            p = variants.parameters(key, student)
            if p["id"] == qid:
                found.append((p, variants.variant_answer(key, student)))
    assert found, qid
    return found


def _labels(tp, fp, fn, tn):
    y_true = np.r_[np.ones(tp + fn), np.zeros(fp + tn)]
    y_pred = np.r_[np.ones(tp), np.zeros(fn), np.ones(fp), np.zeros(tn)]
    return y_true, y_pred


def _independent(qid, p):
    """The answer of bank question ``qid`` for parameters ``p``, computed another way (a library where one fits)."""
    from sklearn import metrics
    from sklearn.model_selection import KFold, LeaveOneOut, ParameterGrid
    from sklearn.preprocessing import PolynomialFeatures
    from sklearn.utils.class_weight import compute_class_weight
    if qid == "bv_decomposition":     # the decomposition itself is checked by simulation below
        return p["bias2"] + p["variance"] + p["noise"]
    if qid == "bv_variance_left":
        return p["mse"] - p["bias2"] - p["noise"]
    if qid in ("bv_average_independent", "bv_average_correlated"):
        B, v, rho = p["B"], p["v"], p.get("rho", 0.0)
        covariance = np.full((B, B), rho * v) + np.eye(B) * (1 - rho) * v
        weights = np.full(B, 1 / B)
        return weights @ covariance @ weights
    if qid == "of_interpolate":
        rng = np.random.default_rng(p["n"])
        x = np.cos(np.pi * (np.arange(p["n"]) + 0.5) / p["n"])       # distinct (Chebyshev) points
        y = rng.normal(size=p["n"])
        exact = np.polynomial.chebyshev.chebfit(x, y, p["n"] - 1)
        short = np.polynomial.chebyshev.chebfit(x, y, p["n"] - 2)
        assert np.allclose(np.polynomial.chebyshev.chebval(x, exact), y, atol=1e-8)
        assert not np.allclose(np.polynomial.chebyshev.chebval(x, short), y, atol=1e-3)
        return p["n"] - 1
    if qid == "of_poly_features":
        return PolynomialFeatures(p["d"]).fit(np.zeros((1, p["p"]))).n_output_features_
    if qid == "cv_train_rows":
        return {len(train) for train, _ in KFold(p["k"]).split(np.zeros(p["n"]))}.pop()
    if qid == "cv_grid_fits":
        return len(ParameterGrid({"a": range(p["a"]), "b": range(p["b"])})) * KFold(p["k"]).get_n_splits()
    if qid == "cv_loo":
        return LeaveOneOut().get_n_splits(np.zeros(p["n"]))
    if qid == "cv_nested":
        fits = 0
        for _ in KFold(p["outer"]).split(np.zeros(60)):
            fits += len(ParameterGrid({"g": range(p["g"])})) * KFold(p["inner"]).get_n_splits() + 1
        return fits
    if qid == "m_precision":
        return metrics.precision_score(*_labels(p["tp"], p["fp"], 0, 5))
    if qid == "m_recall":
        return metrics.recall_score(*_labels(p["tp"], 0, p["fn"], 5))
    if qid == "m_f1":
        return metrics.f1_score(*_labels(p["tp"], p["fp"], p["fn"], 5))
    if qid == "m_f1_from_pr":
        return 1 / (0.5 / p["P"] + 0.5 / p["R"])          # the harmonic mean, written as one
    if qid == "m_majority":
        from sklearn.dummy import DummyClassifier
        n = 100000
        y = (np.arange(n) < round(p["pct"] / 100 * n)).astype(int)
        return DummyClassifier(strategy="most_frequent").fit(np.zeros((n, 1)), y).score(np.zeros((n, 1)), y)
    if qid == "m_specificity":
        y_true, y_pred = _labels(3, p["fp"], 2, p["tn"])
        return metrics.recall_score(1 - y_true, 1 - y_pred)
    if qid == "m_log_loss":
        return metrics.log_loss([1], [[1 - p["q"], p["q"]]], labels=[0, 1])
    if qid == "im_class_weight":
        y = np.r_[np.ones(p["n_min"]), np.zeros(p["n_maj"])]
        return compute_class_weight("balanced", classes=np.array([0.0, 1.0]), y=y)[1]
    if qid == "im_precision_prevalence":
        n = 10 ** 7                                           # count people: a population of ten million
        sick = p["pct"] / 100 * n
        return sick * p["tpr"] / (sick * p["tpr"] + (n - sick) * p["fpr"])
    if qid == "im_undersample":
        rng = np.random.default_rng(0)
        y = np.r_[np.ones(p["n_min"]), np.zeros(p["n_maj"])]
        kept = np.r_[np.flatnonzero(y == 1), rng.choice(np.flatnonzero(y == 0), p["n_min"], replace=False)]
        return len(kept)
    if qid == "im_threshold":                 # the threshold of least expected cost, searched on a fine grid
        q = np.linspace(0, 1, 2_000_001)
        say_positive = (1 - q) * p["c_fp"] < q * p["c_fn"]
        return q[np.argmax(say_positive)]
    if qid == "rg_ridge_1d":
        from sklearn.linear_model import Ridge
        x = math.sqrt(p["sxx"])
        return Ridge(alpha=p["lam"], fit_intercept=False).fit([[x]], [p["sxy"] / x]).coef_[0]
    if qid == "rg_weight_decay":
        w = torch.tensor([p["w"]], dtype=torch.float64, requires_grad=True)
        optimiser = torch.optim.SGD([w], lr=p["lr"], weight_decay=p["lam"])
        w.grad = torch.tensor([p["g"]], dtype=torch.float64)
        optimiser.step()
        return float(w.detach()[0])
    if qid == "rg_dropout_scale":
        torch.manual_seed(0)
        out = torch.nn.Dropout(p["p"]).train()(torch.full((1000,), p["a"], dtype=torch.float64))
        kept = out[out != 0]
        assert len(kept) > 0 and torch.allclose(kept, kept[0])
        return float(kept[0])
    if qid == "rg_dropout_units":
        torch.manual_seed(0)
        active = (torch.nn.Dropout(p["p"]).train()(torch.ones(4000, p["n"])) != 0).sum(dim=1).double()
        assert abs(float(active.mean()) - p["n"] * (1 - p["p"])) < 0.02 * p["n"]
        return p["n"] * (1 - p["p"])
    raise KeyError(qid)


NUMERIC = [qid for qid, q in BANK.items() if q.kind == "number"]


@pytest.mark.parametrize("qid", NUMERIC)
def test_every_numeric_bank_answer_is_right(qid):
    atol = 1e-6 if qid == "im_threshold" else 1e-9          # the grid search's resolution
    for p, answer in _drawn(qid):
        assert answer == pytest.approx(_independent(qid, p), rel=1e-9, abs=atol), (qid, p)


def test_the_expected_squared_error_is_bias2_plus_variance_plus_noise():
    rng = np.random.default_rng(1)
    f, bias, variance, noise = 1.5, 0.7, 0.4, 0.25
    predictions = f + bias + rng.normal(size=1_000_000) * math.sqrt(variance)    # over training sets
    y = f + rng.normal(size=1_000_000) * math.sqrt(noise)                          # independent noise
    assert np.mean((predictions - y) ** 2) == pytest.approx(bias ** 2 + variance + noise, rel=0.01)


def test_the_bank_has_enough_numeric_and_choice_questions():
    assert len(NUMERIC) >= 20 and len(BANK) - len(NUMERIC) >= 15


def test_the_correlated_average_really_has_that_variance():
    """Var(mean) = ρ v + (1 − ρ) v / B, by simulation as well as by the covariance algebra above."""
    rng = np.random.default_rng(0)
    B, v, rho = 10, 2.0, 0.3
    common = rng.normal(size=(200_000, 1)) * math.sqrt(rho * v)
    own = rng.normal(size=(200_000, B)) * math.sqrt((1 - rho) * v)
    assert np.var((common + own).mean(axis=1)) == pytest.approx(rho * v + (1 - rho) * v / B, rel=0.02)


def test_the_checkpoints_adam_step_is_torchs():
    for student in STUDENTS:
        p = variants.parameters("interview.checkpoint_q1", student)
        w = torch.tensor([p["w0"]], dtype=torch.float64, requires_grad=True)
        optimiser = torch.optim.Adam([w], lr=p["lr"], betas=(0.9, 0.999), eps=1e-8)
        w.grad = torch.tensor([p["g"]], dtype=torch.float64)
        optimiser.step()
        assert variants.variant_answer("interview.checkpoint_q1", student) == pytest.approx(float(w.detach()[0]),
                                                                                             rel=1e-9)


def test_adams_first_step_is_about_lr_times_the_sign_whatever_the_scale():
    text = lesson_text("interview")
    assert "its first step is lr · g / (|g| + ε) ≈ lr · sign(g), the same size whatever the gradient's scale" in text
    for g in (1e-3, 1.0, 1e3):
        w = torch.tensor([0.0], dtype=torch.float64, requires_grad=True)
        optimiser = torch.optim.Adam([w], lr=0.1)
        w.grad = torch.tensor([g], dtype=torch.float64)
        optimiser.step()
        assert float(w.detach()[0]) == pytest.approx(-0.1, rel=1e-4)


def _count(layer):
    return sum(p.numel() for p in layer.parameters())


def test_part_3s_worked_numbers_are_torchs():
    text = lesson_text("interview")
    assert "(32 + 4 − 5) // 2 + 1 = 15 + 1 = 16" in text
    with torch.no_grad():
        assert torch.nn.Conv2d(3, 16, 5, stride=2, padding=2)(torch.zeros(1, 3, 32, 32)).shape == (1, 16, 16, 16)
        assert torch.nn.Conv2d(64, 64, 3, padding=1)(torch.zeros(8, 64, 28, 28)).shape == (8, 64, 28, 28)
    assert _count(torch.nn.Conv2d(3, 64, 3)) == 1792 and _count(torch.nn.Conv2d(64, 128, 1, bias=False)) == 8192
    assert _count(torch.nn.LSTM(10, 20)) == 2560 and _count(torch.nn.LSTM(8, 16, 3)) == 6016
    assert "PyTorch keeps **two** bias vectors per layer ($b_{ih}$ and $b_{hh}$), $8H$ biases" in text
    assert {name for name, _ in torch.nn.LSTM(4, 3).named_parameters()} == \
        {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"}
    assert _count(torch.nn.MultiheadAttention(512, 8)) == 1050624


def test_the_number_of_heads_does_not_change_the_count():
    assert "The **number of heads does not change the count**" in lesson_text("interview")
    for embed_dim in (8, 24, 64):
        counts = {_count(torch.nn.MultiheadAttention(embed_dim, h)) for h in (1, 2, 4, 8) if embed_dim % h == 0}
        assert counts == {4 * embed_dim ** 2 + 4 * embed_dim}


def test_the_dense_layer_outweighs_the_convolutions():
    text = lesson_text("interview")
    assert ("The dense layer after the convolutions holds more parameters than both convolutions together "
            "(40 970 against 19 392)") in text
    namespace = run_every_code_cell("interview")
    budget = namespace["budget"]["parameters"]
    assert budget["Linear(64·8·8, 10)"] == _count(torch.nn.Linear(64 * 8 * 8, 10)) == 40970
    assert budget["Conv2d(3, 32, 3)"] + budget["Conv2d(32, 64, 3)"] == 19392
    assert budget["LSTM(64, 128), for comparison"] == _count(torch.nn.LSTM(64, 128))
    assert budget["MultiheadAttention(128, 4), for comparison"] == _count(torch.nn.MultiheadAttention(128, 4))
    # the solved notebook's quiz answers are its own draw's, and the drills' clock ran
    assert all(namespace["answers"][f"Q{k}"] == variants.variant_answer(key) for k, key in enumerate(QUIZ_KEYS, 1))
    assert set(namespace["clock"].taken) == {"linear_regression_gd", "logistic_fit", "best_split", "kmeans",
                                             "affine_backward"}


def test_the_backpropagation_model_answer_matches_autograd():
    torch.manual_seed(0)
    D, H, K, y = 5, 7, 4, 2
    x = torch.randn(D, dtype=torch.float64)
    W1 = torch.randn(H, D, dtype=torch.float64, requires_grad=True)
    b1 = torch.randn(H, dtype=torch.float64, requires_grad=True)
    W2 = torch.randn(K, H, dtype=torch.float64, requires_grad=True)
    b2 = torch.randn(K, dtype=torch.float64, requires_grad=True)
    a = W1 @ x + b1
    h = torch.relu(a)
    z = W2 @ h + b2
    z.retain_grad()
    h.retain_grad()
    loss = torch.nn.functional.cross_entropy(z[None], torch.tensor([y]))
    loss.backward()
    p = torch.softmax(z.detach(), 0)
    delta2 = p - torch.nn.functional.one_hot(torch.tensor(y), K).double()
    assert torch.allclose(z.grad, delta2)
    assert torch.allclose(W2.grad, torch.outer(delta2, h.detach())) and torch.allclose(b2.grad, delta2)
    assert torch.allclose(h.grad, W2.detach().T @ delta2)
    delta1 = (W2.detach().T @ delta2) * (a.detach() > 0)
    assert torch.allclose(W1.grad, torch.outer(delta1, x)) and torch.allclose(b1.grad, delta1)


def test_inverted_dropout_does_nothing_at_test_time():
    assert "so at test time it does nothing (all units, no scaling)" in lesson_text("interview")
    x = torch.randn(100)
    assert torch.equal(torch.nn.Dropout(0.5).eval()(x), x)


def test_the_bank_is_what_the_lesson_says():
    text = lesson_text("interview")
    assert "The bank holds **forty** questions in twenty slots; each slot belongs to one of six topics" in text
    assert len(BANK) == 40 and len(QUIZ_KEYS) == 20
