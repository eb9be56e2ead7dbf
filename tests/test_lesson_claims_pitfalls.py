"""Claims the pitfalls lab makes that a learner could check, checked: every "looks good (or bad) for the wrong
reason" number of its cases, and the summary table against the notebook's graded cells.

Each test quotes the lesson's words it backs, so a test and its sentence change together. The numbers come from
the solution notebook itself, run once here top to bottom (headless: explorers built, not drawn). Timings the
lesson prints (§13, §16) are measured, not asserted: only what does not depend on the machine is checked.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from autograder.notebooks import read_text_notebook

SOURCE = Path(__file__).resolve().parents[1] / "source"

pytestmark = pytest.mark.slow


def lesson() -> str:
    """The notebook's text with comment markers and line breaks removed, for quoting."""
    lines = (SOURCE / "pitfalls" / "pitfalls.py").read_text().splitlines()
    return " ".join(line.lstrip("# ").strip() for line in lines)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The solution notebook's namespace after every code cell ran."""
    workdir = tmp_path_factory.mktemp("pitfalls-cwd")
    namespace: dict = {"__name__": "__main__"}
    previous_cwd = os.getcwd()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COURSE_HEADLESS", "1")
        patch.setenv("MPLBACKEND", "Agg")
        import matplotlib
        matplotlib.use("Agg")
        os.chdir(workdir)
        try:
            for cell in read_text_notebook(SOURCE / "pitfalls" / "pitfalls.py").cells:
                if cell.cell_type != "code":
                    continue
                code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%"))
                exec(compile(code, "pitfalls", "exec", dont_inherit=True), namespace)
        finally:
            os.chdir(previous_cwd)
    namespace["_left_behind"] = sorted(os.listdir(workdir))
    return namespace


def test_the_lab_leaves_no_file_behind(run):
    assert run["_left_behind"] == []


def test_leakage_cases_look_good_for_the_wrong_reason(run):
    text = lesson()
    assert "a perfect score on labels that are coin flips" in text and "Grouping the folds by patient gives the honest answer, chance" in text
    assert run["shuffled_rows"] > 0.97 and abs(run["by_patient"] - 0.5) < 0.1
    assert "the score falls back to about chance" in text
    assert run["leaky_screen"].mean() > 0.75
    assert abs(run["honest_screen"].mean() - 0.5) < 0.12
    assert run["leaky_screen"].mean() - run["honest_screen"].mean() > 0.25


def test_imbalance_accuracy_hides_the_missed_fraud(run):
    text = lesson()
    assert "2,000 transactions, about 3.5 % fraudulent" in text and abs(run["y_fraud"].mean() - 0.035) < 0.003
    assert "more than 96 % of them legitimate" in text and 0.96 < 1 - run["y_fraud"].mean() < 0.97
    assert "97 % accuracy sounds excellent, and it is what \"never fraud\" scores too" in text
    table = run["imbalance_table"]
    assert round(table.loc["plain", "accuracy"], 2) == 0.97 and round(table.loc["never fraud", "accuracy"], 2) == 0.97
    assert "most fraud goes through" in text and table.loc["plain", "recall of fraud"] < 0.4
    assert "the model catches most of the fraud, at the price of many false alarms (low precision) and a lower accuracy" in text
    weighted = table.loc["balanced class weights"]
    assert weighted["recall of fraud"] > 0.6 and weighted["precision of fraud"] < 0.3
    assert weighted["accuracy"] < table.loc["plain", "accuracy"]
    weights = run["fraud_weights"]
    assert weights[1] / weights[0] == pytest.approx(np.sum(run["y_f_train"] == 0) / np.sum(run["y_f_train"] == 1))


def test_missing_data_dropping_rows_flatters_and_indicators_help(run):
    text = lesson()
    table = run["missing_table"]
    assert "Dropping rows scores better than plain imputation for the wrong reason: it is measured on an easier subset" in text
    assert table.loc["drop incomplete rows", "accuracy"] > table.loc["mean imputation", "accuracy"] + 0.03
    assert "the model would refuse almost a third of the real applications" in text
    assert 0.25 < 1 - run["complete_test"].mean() < 0.34
    assert "a subset where defaulters are rare" in text
    assert run["y_l_test"][run["complete_test"]].mean() < 0.6 * run["y_l_test"].mean()
    assert "beats plain imputation on every test row" in text
    assert table.loc["train-fitted imputation + indicator", "accuracy"] > table.loc["mean imputation", "accuracy"] + 0.05


def test_outliers_break_standard_scaling_and_not_robust_scaling(run):
    text = lesson()
    assert "about 2 % of the informative readings are glitches" in text and abs(run["glitch"].mean() - 0.02) < 0.005
    assert "the glitches inflate it enormously" in text and run["X_s_train"][:, 0].std() > 50
    assert "Robust scaling restores the classifier" in text
    standard = run["standard_knn"].score(run["X_s_test"], run["y_s_test"])
    assert standard < 0.6 and run["robust_knn_accuracy"] > 0.8
    # "the rule ... flags the glitches, along with a few genuine extreme readings"
    X, glitch = run["X_s_train"][:, :2], run["glitch"][:400]
    low, high = run["fence"]
    flagged = np.any((X < low) | (X > high), axis=1)
    assert np.all(flagged[glitch.any(axis=1)]) and flagged.sum() > glitch.any(axis=1).sum()


def test_unscaled_gradient_descent_converges_poorly(run):
    text = lesson()
    assert "with a condition number of about $10^4$" in text and 5e3 < run["raw_condition"] < 2e4
    assert "on raw features the fit has learnt only the feature in hundreds" in text
    assert 0.35 < run["raw_r2"] < 0.6 and run["scaled_r2"] > 0.98


def test_overfitting_and_underfitting_cases(run):
    text = lesson()
    fit = run["fit_table"]
    assert fit.loc["full depth", "training accuracy"] == 1.0
    assert "its test accuracy is lower than the shallow tree's" in text
    assert fit.loc["full depth", "test accuracy"] < fit.loc["max_depth=4", "test accuracy"]
    under = run["under_table"]
    assert "The raw model is at chance **on the training set too**" in text
    assert under.loc["raw coordinates", "training accuracy"] < 0.62
    assert under.loc["with the squared radius", "test accuracy"] > 0.95


def test_the_cost_disagrees_with_accuracy(run):
    assert "By accuracy, \"never fraud\" and the plain model are the best; by the cost, the weighted model is far cheaper" in lesson()
    table = run["metric_table"]
    accuracy, cost = table["accuracy"], table["cost_eur"]
    assert accuracy["balanced class weights"] < min(accuracy["never fraud"], accuracy["plain"])
    assert cost["balanced class weights"] < 0.6 * min(cost["never fraud"], cost["plain"])


def test_the_churn_model_is_no_better_than_its_baseline(run):
    text = lesson()
    assert "about 7 % of whom churn" in text and 0.06 < run["y_churn"].mean() < 0.08
    assert "The proud number is no better than \"nobody churns\"" in text
    assert run["churn_accuracy"] > 0.9 and run["churn_accuracy"] - run["churn_baseline"] <= 0.005


def test_one_split_is_unreliable(run):
    assert "the spread over seeds is tens of percentage points" in lesson()
    scores = run["split_scores"]
    assert scores.max() - scores.min() >= 0.2 and run["cv_scores"].std() / np.sqrt(10) < 0.06


def test_serving_skew_drops_the_score_silently(run):
    text = lesson()
    assert "Offline all is well" in text and run["offline"] > 0.9
    assert run["same_transform"] > 0.9 and run["own_statistics"] < run["same_transform"] - 0.3


def test_concept_drift_is_invisible_in_the_inputs(run):
    text = lesson()
    table = run["drift_table"]
    assert "The inputs' mean never moves" in text and table["mean of x1"].abs().max() < 0.15
    assert "the frozen model's accuracy slides month after month" in text
    frozen = table["frozen model"].to_numpy()
    assert frozen[-1] < frozen[0] - 0.3 and np.all(np.diff(frozen[::3]) < 0)
    assert "the model retrained on recent data stays close to its first level" in text
    assert table["retrained monthly"].min() > frozen[0] - 0.08


def test_demonstrations_of_latency_monitoring_config_and_cost(run):
    text = lesson()
    assert run["np"].array_equal(run["one_by_one"], run["batched"][:100])       # the same predictions, batched
    log = run["monitor_log"]
    assert run["first_alarm"] == 12 and not log["alarm"].iloc[:12].any() and log["alarm"].iloc[12:].all()
    assert "From day 12 the model says \"yes\" to almost every parcel, and its accuracy falls by about twenty points" in text
    assert log["positive share"].iloc[12:].min() > 0.95
    drop = log["accuracy (known later)"].iloc[:12].mean() - log["accuracy (known later)"].iloc[12:].mean()
    assert 0.15 < drop < 0.25
    assert run["trial"].to_dict() == {"decline": 800, "approve": 200}
    assert "The forest is hundreds of times larger" in text
    cost = run["cost_table"]
    assert cost["size (kB)"].iloc[0] > 100 * cost["size (kB)"].iloc[1]
    assert "for no better accuracy (here a little worse)" in text
    assert cost["test accuracy"].iloc[1] - 0.04 < cost["test accuracy"].iloc[0] < cost["test accuracy"].iloc[1]
    assert "where the decisions do not change" in text and run["same_after_quantising"] == 1.0


def test_unnecessary_features_caching_and_capacity(run):
    text = lesson()
    assert "The five informative features are found" in text and run["kept"].tolist() == [0, 1, 2, 3, 4]
    narrow = run["narrow"].score(run["X_wide"][1000:][:, run["kept"]], run["y_wide"][1000:])
    assert narrow >= run["everything"].score(run["X_wide"][1000:], run["y_wide"][1000:]) - 0.01
    assert "a cache of a few dozen entries already saves most of the queries" in text
    table = run["cache_table"]
    assert table.loc[50, "hit rate"] > 0.5 and table["hit rate"].is_monotonic_increasing
    assert "a peak six times the quiet hours" in text
    rps = run["requests_per_second"]
    assert 5.5 < rps.max() / rps.min() < 6.5
    assert "Sizing for the peak pays for idle machines most of the day" in text
    assert np.sum(run["workers_needed"] < run["workers_needed"].max() / 2) > 12


def test_the_summary_matches_the_notebooks_graded_cells(run):
    summary = run["summary"]
    assert len(summary) == 19
    text = lesson()
    assert "Fourteen of the nineteen rows are graded (six fixes, eight diagnoses); five are demonstrations" in text
    notebook = json.loads((SOURCE / "pitfalls" / "pitfalls.ipynb").read_text())
    ids = {cell["metadata"]["nbgrader"]["grade_id"] for cell in notebook["cells"] if "nbgrader" in cell["metadata"]}
    fixes = [row.split("fix: ")[1].split(")")[0] for row in summary["in this course"] if "fix: " in row]
    diagnoses = [row.split("diagnosis Q")[1].split(")")[0] for row in summary["in this course"] if "diagnosis Q" in row]
    assert len(fixes) == 6 and all({f, f"{f}_public", f"{f}_hidden"} <= ids for f in fixes)
    assert len(diagnoses) == 8 and all({f"checkpoint_q{q}", f"checkpoint_q{q}_test"} <= ids for q in diagnoses)
    assert summary["in this course"].str.startswith("demonstrated").sum() == 5
