"""Claims the projects notebook makes that a learner could check, checked.

Each test quotes the lesson's words it backs, so a test and its sentence change together. The numbers come from
the solution notebook itself, run once here top to bottom (headless: explorers built, not drawn), so the claims are
about exactly what a learner's run prints. The checkpoint's answers are recomputed independently.
"""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, roc_auc_score

from solutions import lesson_text, run_every_code_cell

pytestmark = pytest.mark.slow


def lesson() -> str:
    return lesson_text("projects")


@pytest.fixture(scope="module")
def run():
    return run_every_code_cell("projects")


def test_the_house_table_is_skewed_as_described(run):
    text = lesson()
    assert "The price is skewed (a skewness of about 1.2) and its logarithm is not (about 0.0)" in text
    summary = run["house_summary"]
    assert summary.loc["price", "skew"] == pytest.approx(1.2, abs=0.1)
    assert abs(summary.loc["log(price)", "skew"]) < 0.05
    assert "The lot area's skew is enormous (above 10: the farms)" in text
    assert summary.loc["lot_area", "skew"] > 10
    houses = run["houses"]
    assert len(houses) == 1500 and houses.shape[1] - 1 == 10 and houses.isna().any().sum() == 3


def test_rmsle_of_twice_or_half_is_ln_2(run):
    assert "predicting **twice** every price, or **half**, costs the same, $\\ln 2 \\approx 0.69$" in lesson()
    prices = run["house_prices_eur"]
    assert run["rmsle"](prices, 2 * prices) == pytest.approx(np.log(2), abs=2e-5)
    assert run["rmsle"](prices, prices / 2) == pytest.approx(np.log(2), abs=2e-5)


def test_the_house_models_rank_as_described(run):
    text = lesson()
    board, scores, paired = run["house_board"], run["house_scores"], run["paired"]
    assert "A **linear model on the raw price** is worst (RMSLE about 0.22, almost twice the others')" in text
    assert board.index[-1] == "linear, raw price"
    assert board.loc["linear, raw price", "mean RMSLE"] == pytest.approx(0.22, abs=0.01)
    assert board.loc["linear, raw price", "mean RMSLE"] > 1.55 * board["mean RMSLE"].iloc[:-1].max()
    assert "is the best of the four (about 0.12" in text
    assert board.index[0] == "ridge, log price" and board["mean RMSLE"].iloc[0] == pytest.approx(0.12, abs=0.005)
    assert "Boosting is level with it (the two split the folds' wins, 3 to 2), and the forest is behind (about 0.14)" \
        in text
    assert board.loc["ridge, log price", "wins (folds)"] == 3 and board.loc["boosting, log price", "wins (folds)"] == 2
    assert board.loc["forest, log price", "mean RMSLE"] == pytest.approx(0.14, abs=0.005)
    assert "ridge beats the forest on **every** fold" in text
    assert (scores["ridge, log price"] < scores["forest, log price"]).all()
    assert "ridge against boosting changes sign from fold to fold" in text
    signs = np.sign(paired["boosting, log price"])
    assert (signs > 0).any() and (signs < 0).any()


def test_the_credit_tree_reads_back_the_rules(run):
    text = lesson()
    search, table, tree = run["depth_search"], run["depth_table"], run["credit_tree"]
    assert "Cross-validation picks a shallow tree (depth 4, 13 leaves)" in text
    assert search.best_params_["max_depth"] == 4 and tree.get_n_leaves() == 13
    assert "a full-depth tree (almost a hundred leaves) memorises" in text
    assert 85 <= table.loc["None", "leaves"] < 100
    assert table.loc["None", "CV accuracy"] < table.loc["4", "CV accuracy"]
    assert table.loc["1", "CV accuracy"] < table.loc["4", "CV accuracy"] - 0.1
    rules = __import__("sklearn.tree", fromlist=["export_text"]).export_text(
        tree, feature_names=list(run["credit_X"].columns), decimals=2)
    assert "debt_to_income <= 0.34" in rules and "late_payments <= 1.50" in rules
    assert "credit_history_years <= 1.95" in rules and "employment_unemployed" in rules
    assert "Its test accuracy, 0.88, is not far below 0.92" in text
    assert round(tree.score(run["credit_X_test"], run["credit_y_test"]), 2) == 0.88


def test_churn_rates_by_contract(run):
    text = lesson()
    assert "about 20 % of whom left" in text
    assert run["customers"].churned.mean() == pytest.approx(0.2, abs=0.01)
    rates = run["churn_rates"]["churn rate"]
    assert "about eight times as often as two-year contracts (32 % against 4 %)" in text
    monthly, two_year = rates[("contract", "month-to-month")], rates[("contract", "two year")]
    assert round(monthly, 2) == 0.32 and round(two_year, 2) == 0.04 and 7 <= monthly / two_year <= 9


def test_importances_disagree_about_the_account_number(run):
    text = lesson()
    table = run["importance_table"]
    impurity = table["impurity (training)"].sort_values(ascending=False)
    permutation = table["permutation: AUC drop (held out)"].sort_values(ascending=False)
    assert "Both put **tenure**, the **contract** and the **monthly charges** near the top" in text
    for feature in ("tenure_months", "contract", "monthly_charges"):
        assert feature in impurity.index[:4] and feature in permutation.index[:4]
    assert "ranks it fourth of ten, above real causes of churn such as the number of support calls" in text
    assert list(impurity.index).index("account_number") == 3
    assert impurity["account_number"] > impurity["support_calls"]
    assert "Shuffling it on held-out customers does not lower the AUC at all" in text
    assert permutation["account_number"] <= 0


def test_the_cost_of_thresholds(run):
    text = lesson()
    table = run["threshold_table"].set_index(["offer €", "lost customer €"])
    assert "the cheapest threshold is low (about 0.1)" in text
    assert table.loc[(20, 200), "cheapest threshold"] == pytest.approx(0.1, abs=0.03)
    assert "Offer €100, customer €200: the cheapest threshold rises to about 0.3" in text
    assert table.loc[(100, 200), "cheapest threshold"] == pytest.approx(0.3, abs=0.03)
    assert table.loc[(100, 200), "offers made"] < table.loc[(20, 200), "offers made"]
    assert "with the default costs it costs about three times the cheapest" in text
    assert 2.5 <= table.loc[(20, 200), "cost at 0.5 €"] / table.loc[(20, 200), "its cost €"] <= 3.5
    assert "flags far more customers than `predict`'s 0.5 and costs much less" in text
    assert table.loc[(20, 200), "offers made"] > 2 * np.sum(run["churn_scores"] >= 0.5)
    assert "The cheapest thresholds sit near the break-even probabilities" in text
    assert np.all(np.abs(table["cheapest threshold"] - table["break-even p*"]) < 0.05)


def test_the_svm_grid(run):
    text = lesson()
    grid = run["svm_grid"]
    assert "with $\\gamma = 10^{-4}$ each example's reach is wide and the model needs a larger $C$" in text
    assert grid.loc[10, 0.0001] > grid.loc[0.1, 0.0001] + 0.2
    assert "at $\\gamma = 10^{-2}$ the kernel is so narrow that every image is its own island and accuracy falls" \
        in text
    assert grid[0.01].max() < grid[0.001].min() - 0.15
    assert "The best settings reach about 99 % on the test digits" in text
    assert run["digit_accuracy"] == pytest.approx(0.99, abs=0.006)
    assert "1,497 images" in text and len(run["digit_labels"]) == 1497


def test_the_capstone_comparison(run):
    text = lesson()
    scores, board = run["capstone_scores"], run["capstone_board"]
    difference = scores["logistic"] - scores["forest"]
    assert "The logistic regression and the forest are level: their fold-by-fold differences change sign" in text
    assert (difference > 0).any() and (difference < 0).any() and abs(difference.mean()) < difference.std()
    assert "Boosting, whose threshold is left at 0.5 on imbalanced classes, is clearly behind on this metric (its " \
           "ROC-AUC is close to the others')" in text
    assert board.index[-1] == "boosting" and board.loc["boosting", "mean balanced accuracy"] < \
        board["mean balanced accuracy"].iloc[0] - 0.05
    train, test, features = run["churn_train"], run["churn_test"], run["capstone_features"]
    aucs = {name: roc_auc_score(test.churned, model.fit(train[features], train.churned)
                                .predict_proba(test[features])[:, 1]) for name, model in run["capstone_models"].items()}
    assert max(aucs.values()) - aucs["boosting"] < 0.03
    assert "The held-out score is within four points of cross-validation's" in text
    assert abs(run["final_balanced"] - scores["logistic"].mean()) < 0.04


def test_the_challenge_thresholds_are_reachable_as_the_lesson_says(run):
    from course.exercises import get_challenge
    from course.projects_data import churn_logit
    text = lesson()
    challenge = get_challenge("projects.churn_challenge")
    predict = run["predict"]
    draws = [challenge.make_test(np.random.default_rng(seed)) for seed in range(60)]
    frames = [run["pd"].DataFrame(case).astype({c: object for c in ("contract", "internet", "payment_method")})
              for case, _ in draws]
    assert "the logistic model above reaches the top threshold on every draw we tried" in text
    assert min(challenge.score(predict(frame), labels) for frame, (_, labels) in zip(frames, draws)) >= 0.72
    assert "a model left at the 0.5 threshold without class weights scores about 0.66 (1 point)" in text
    plain = run["churn_pipeline"](LogisticRegression(max_iter=2000)).fit(run["churn_train"][run["capstone_features"]],
                                                                         run["churn_train"].churned)
    plain_scores = [challenge.score(plain.predict(frame), labels) for frame, (_, labels) in zip(frames, draws)]
    assert np.mean(plain_scores) == pytest.approx(0.66, abs=0.015)
    assert challenge.points(float(np.mean(plain_scores))) == 1
    assert "The best possible score is about 0.77" in text
    best = [max(balanced_accuracy_score(labels, (churn_logit(frame) >= np.log(t / (1 - t))).astype(int))
                for t in np.arange(0.1, 0.45, 0.025)) for frame, (_, labels) in zip(frames[:20], draws[:20])]
    assert np.mean(best) == pytest.approx(0.77, abs=0.015)


def test_the_checkpoint_answers():
    from course.variants import parameters, variant_answer
    for student in ("self-study", "alice", "bob", "s123"):
        p = parameters("projects.checkpoint_q1", student)
        # expected cost of the offer (paid always) against no offer (p · value): equal at p = offer / value
        p_star = p["offer"] / p["value"]
        assert p_star * p["value"] == pytest.approx(p["offer"])
        assert variant_answer("projects.checkpoint_q1", student) == pytest.approx(p_star)
        assert 0 < p_star < 1
    prices = np.array([150000.0, 320000.0, 900000.0])
    from sklearn.metrics import root_mean_squared_log_error
    assert root_mean_squared_log_error(prices, 2 * prices) == pytest.approx(0.693, abs=1e-3)
