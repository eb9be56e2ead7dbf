"""Claims the metrics notebook makes that a learner could check, checked.

Each test quotes the lesson's words it backs, so a test and its sentence change together. The numbers come from
the solution notebook itself, run once here top to bottom (headless: explorers built, not drawn), so the claims are
about exactly what a learner's run prints. The checkpoint's answers are recomputed with scikit-learn.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn import metrics as skm

from solutions import lesson_text, run_every_code_cell


pytestmark = pytest.mark.slow


def lesson() -> str:
    return lesson_text("metrics")


@pytest.fixture(scope="module")
def run():
    return run_every_code_cell("metrics")


def test_accuracy_misleads_on_99_percent_negatives(run):
    text = lesson()
    assert '"Everybody is healthy" has the **higher accuracy** (0.990 against 0.968) and finds **no one**' in text
    table = run["screening"]
    nobody, model = table.iloc[0], table.iloc[1]
    assert round(nobody["accuracy"], 3) == 0.990 and round(model["accuracy"], 3) == 0.968
    assert nobody["sick people found"] == 0 and nobody[["precision", "recall", "F1", "MCC"]].eq(0).all()
    assert model["sick people found"] > 50 and model["MCC"] > 0.3
    extremes = run["extremes"]
    assert "flag only the single highest score and precision is (usually) 1; flag everyone and recall is 1" in text
    assert extremes.loc["flag the single highest score", "precision"] == 1.0
    assert extremes.loc["flag everyone", "recall"] == 1.0
    # F2 weights recall: the screening test (recall 0.72, precision 0.2) scores higher on F2 than on F1
    assert extremes.loc["the screening test", "F2 (recall counts 2×)"] > extremes.loc["the screening test", "F1"]


def test_roc_auc_hides_imbalance_and_average_precision_shows_it(run):
    text = lesson()
    assert ("Both ROC-AUCs are about 0.92; the average precision falls from about 0.92 to about 0.27, and the best "
            "precision at half the positives found from about 0.96 to about 0.20 — four in five flagged cases are "
            "false alarms") in text
    table = run["imbalance_table"]
    balanced, rare = table.iloc[0], table.iloc[1]
    assert round(balanced["ROC-AUC"], 2) == 0.92 and round(rare["ROC-AUC"], 2) == 0.92
    assert round(balanced["average precision"], 2) == 0.92 and round(rare["average precision"], 2) == 0.27
    assert round(balanced["precision at recall 0.5"], 2) == 0.96 and round(rare["precision at recall 0.5"], 2) == 0.20
    assert ("with 199 honest claims per fraudulent one, a model with AUC 0.95 can still flag mostly honest claims (as "
            "the 1 %-positives example above, with AUC 0.92 and a precision of 0.20 at half the positives found)") in text
    assert round(0.995 / 0.005) == 199
    assert "a random ranking scores the share of positives" in text
    rng = np.random.default_rng(0)
    y = (rng.random(20000) < 0.05).astype(int)
    assert skm.average_precision_score(y, rng.random(20000)) == pytest.approx(y.mean(), abs=0.01)


def test_the_log_loss_numbers(run):
    text = lesson()
    assert ('"always $\\tfrac12$" scores $\\ln 2 \\approx 0.693$' in text and round(math.log(2), 3) == 0.693)
    assert ("one probability of 0 for the true class costs $-\\ln \\varepsilon \\approx 36.04$ (it was "
            "$-\\ln 10^{-15} \\approx 34.54$)") in text
    assert round(-math.log(np.finfo(float).eps), 2) == 36.04 and round(-math.log(1e-15), 2) == 34.54
    assert "1.2 changed the default to `eps=\"auto\"`" in text and "1.3 deprecated the parameter and 1.5 removed it" in text
    # the version history the lesson states, for the installed release: no eps parameter, clipping at float64 eps
    import inspect
    assert "eps" not in inspect.signature(skm.log_loss).parameters
    assert skm.log_loss([1], [0.0], labels=[0, 1]) == pytest.approx(-math.log(np.finfo(float).eps))
    mistake = run["confident_mistake"]
    assert ("a log loss of 0.087, against 0.051 without it — one example out of a thousand adds 70 %") in text
    assert round(mistake["999 × p = 0.95 right, 1 × p = 0 wrong"], 3) == 0.087
    assert round(mistake["1000 × p = 0.95 right"], 3) == 0.051
    assert round(mistake["999 × p = 0.95 right, 1 × p = 0 wrong"] / mistake["1000 × p = 0.95 right"] - 1, 1) == 0.7
    assert "costs as much as about 700 right answers given with probability 0.95" in text
    assert round(-math.log(np.finfo(float).eps) / -math.log(0.95), -2) == 700


def test_confidence_moves_the_log_loss_only(run):
    text = lesson()
    assert "accuracy and ROC-AUC are the same in every row; the log loss is lowest at $c = 1$" in text
    assert "almost four times larger at $c = 8$ (overconfident) than at $c = 1$" in text
    table = run["calibration"]
    assert table["accuracy at 0.5"].nunique() == 1 and table["ROC-AUC"].max() - table["ROC-AUC"].min() < 1e-12
    assert table["log loss"].idxmin() == 1.0
    assert 3.5 < table.loc[8.0, "log loss"] / table.loc[1.0, "log loss"] < 4


def test_one_outlier_and_r_squared(run):
    text = lesson()
    assert ("multiplies the MSE by about 115 and the RMSE by about 11, the MAE by about 3; the R² falls from 0.82 to "
            "just below 0") in text
    ratio = run["outlier_table"].loc["ratio"]
    assert round(ratio["MSE"], -1) in (110, 120) and abs(ratio["MSE"] - 115) < 3
    assert round(ratio["RMSE"]) == 11 and round(ratio["MAE"]) == 3
    clean, typo = run["outlier_table"].iloc[0], run["outlier_table"].iloc[1]
    assert round(clean["R²"], 2) == 0.82 and -0.1 < typo["R²"] < 0
    assert "gets $R^2 \\approx -2.5$" in text
    r2 = run["r2_table"]["R²"]
    assert r2.iloc[1] == pytest.approx(0.0, abs=1e-12) and round(r2.iloc[2], 1) == -2.5


def test_mape_at_zero_targets_and_its_fixes(run):
    text = lesson()
    sales, forecast = run["sales"], run["forecast"]
    assert skm.mean_absolute_percentage_error(sales, forecast) > 1e14
    assert "forecasting 150 for 100 is a 50 % error, forecasting 100 for 150 only 33 %" in text
    assert skm.mean_absolute_percentage_error([100], [150]) == 0.5
    assert round(skm.mean_absolute_percentage_error([150], [100]), 2) == 0.33
    table = run["percentage_table"]
    everything, with_sales = table.iloc[0], table.iloc[1]
    assert "MAPE jumps by fifteen orders of magnitude when the zero days come in" in text
    assert math.floor(math.log10(everything["MAPE"] / with_sales["MAPE"])) == 15
    assert "sMAPE more than triples" in text and everything["sMAPE"] > 3 * with_sales["sMAPE"]
    assert "WAPE moves from 0.125 to 0.1875, because the zero days add 1.5 units of error and no volume" in text
    assert with_sales["WAPE"] == pytest.approx(0.125) and everything["WAPE"] == pytest.approx(0.1875)
    zero = sales == 0
    assert np.abs(sales[zero] - forecast[zero]).sum() == 1.5
    assert "any $\\hat y \\neq 0$ still scores the maximum 2 (200 %)" in text
    assert run["smape"](np.array([0.0]), np.array([3.0])) == 2.0


def test_inertia_always_falls_and_the_indices_find_four_blobs(run):
    text = lesson()
    table = run["k_table"]
    assert "On four blobs, it falls at every $k$" in text
    assert table["inertia"].is_monotonic_decreasing
    assert np.allclose(table["inertia"], table["KMeans.inertia_"], rtol=1e-9)
    assert "the silhouette (higher is better) and Davies–Bouldin (lower is better) pick it" in text
    assert table["silhouette"].idxmax() == 4 and table["Davies–Bouldin"].idxmin() == 4


def test_the_rings_fool_the_internal_indices(run):
    text = lesson()
    assert ("k-means' cut through both rings, which no person would draw, gets about twice the silhouette of the two "
            "rings every person sees, and the rings' Davies–Bouldin index is in the hundreds") in text
    table = run["rings_table"]
    truth, cut = table.iloc[0], table.iloc[1]
    assert 1.7 < cut.iloc[0] / truth.iloc[0] < 2.5
    assert 100 <= truth.iloc[1] < 1000 and cut.iloc[1] < 2


def test_the_explorers_as_the_lesson_describes_them():
    from course.explorers.metric_board import MetricBoard, OutlierBoard
    text = lesson()
    assert ("Share of positives 0.02, threshold 0.9: accuracy sits at the dotted line of \"always negative\" while "
            "recall collapses") in text
    r = MetricBoard(positive_share=0.02, threshold=0.9).compute()
    assert abs(r.metrics["accuracy"] - r.baseline_accuracy) < 0.01 and r.metrics["recall"] < 0.2
    assert "the ROC-AUC hardly changes, the precision–recall curve sinks" in text
    assert "it is rarely 0.5 when the classes are imbalanced" in text
    assert abs(MetricBoard(positive_share=0.05).compute().best_f1_threshold - 0.5) > 0.05
    assert "MSE, RMSE and MAE, stay exactly the same, while MAPE explodes" in text
    near, far = OutlierBoard(level=0.0).compute(), OutlierBoard(level=10.0).compute()
    assert near.metrics["MSE"] == pytest.approx(far.metrics["MSE"]) and near.metrics["MAPE"] > 20 * far.metrics["MAPE"]
    assert "the MAPE curve flattens as the outlier grows" in text
    growth = OutlierBoard().compute().growth["MAPE"]
    assert np.diff(growth)[-10:].max() < np.diff(growth)[5:15].max()


def test_the_checkpoint_answers(run):
    # Q1: TP 15, FP 35, FN 5
    y = np.r_[np.ones(20), np.zeros(980)]
    flagged = np.r_[np.ones(15), np.zeros(5), np.ones(35), np.zeros(945)]
    assert run["q1_answer"] == pytest.approx(skm.f1_score(y, flagged)) and round(run["q1_answer"], 3) == 0.429
    # Q2: a random ranking's average precision is the share, 0.002 here: 499 legitimate payments per fraud
    assert round(0.998 / 0.002) == 499
    assert run["q2_answer"] == "c"
    # Q3
    assert run["q3_answer"] == pytest.approx(skm.r2_score([1, 2, 3, 4], [10, 10, 10, 10])) == -45.0
    # Q4: a zero target divides by eps
    assert skm.mean_absolute_percentage_error([0.0, 10.0], [0.01, 10.0]) > 1e13 and run["q4_answer"] == "b"
    # Q5: inertia never increases with k (the run above), so the minimum is at the largest k tried
    assert run["k_table"]["inertia"].idxmin() == 10 and run["q5_answer"] == "b"
