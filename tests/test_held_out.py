"""Held-out challenges: points by thresholds, predictions checked for shape, draws per seed, the planner's step.

The trusted grader's side (labels never enter the sandbox, partial credit in the gradebook, the leaderboard)
is tested in tests/grading/test_held_out_grading.py; week 04's claim about the top threshold is checked here.
"""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from autograder.plan import HeldOut, PlanError, plan_test_cell
from course import exercises
from course.checks import CheckFailure
from course.datasets import breast_cancer_held_out, breast_cancer_public, digits_held_out, digits_public
from course.exercises.held_out import Challenge, label_predictions

KEY = "week04.tumour_challenge"


@pytest.fixture(scope="module")
def tumour_model():
    X, y, _ = breast_cancer_public()
    X_fit, _, y_fit, _ = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    return make_pipeline(StandardScaler(), LogisticRegression(C=0.3, max_iter=5000)).fit(X_fit, y_fit)


def test_the_public_and_held_out_rows_partition_each_data_set_by_class():
    for public, held in [(breast_cancer_public()[:2], breast_cancer_held_out()), (digits_public(), digits_held_out())]:
        X, y = public
        H, h = held
        assert (len(X), len(H)) in ((469, 100), (1497, 300))    # as week 04 and course/datasets.py say
        assert len(np.unique(h, return_counts=True)[1]) == len(np.unique(y))
        assert len(set(np.unique(h, return_counts=True)[1])) == 1          # the same number per class
        assert not (H.reshape(len(H), -1)[:, None, :] == X.reshape(len(X), -1)[None]).all(axis=2).any()


def test_points_follow_the_thresholds():
    challenge = exercises.get_challenge(KEY)
    assert [challenge.points(v) for v in (1.0, 0.94, 0.939, 0.90, 0.85, 0.80, 0.79, 0.0)] == [3, 3, 2, 2, 1, 1, 0, 0]
    with pytest.raises(ValueError, match="best first"):
        Challenge("x.y", "predict", lambda rng: ({}, np.zeros(1)), lambda p, y: 0.0, "accuracy",
                  ((0.8, 1), (0.9, 2)), lambda case: "")


def test_each_seed_draws_its_own_rows_and_perturbation_and_the_same_seed_the_same():
    a, labels_a = exercises.held_out_test(KEY, 1)
    b, labels_b = exercises.held_out_test(KEY, 2)
    again, labels_again = exercises.held_out_test(KEY, 1)
    assert a["X"].shape == (90, 30) and np.array_equal(a["X"], again["X"]) and np.array_equal(labels_a, labels_again)
    assert not np.allclose(a["X"], b["X"])
    assert list(np.bincount(labels_a)) == [45, 45]
    H, _ = breast_cancer_held_out()          # no test row is a held-out row as scikit-learn ships it
    assert not (a["X"][:, None, :] == H[None]).all(axis=2).any()


def test_the_week04_solution_model_reaches_the_top_threshold_on_every_draw(tumour_model):
    """The lesson says: 0.94 on every one of 400 draws; here 100 of them, in a second."""
    challenge = exercises.get_challenge(KEY)
    scores = [challenge.score(tumour_model.predict(case["X"]), labels)
              for case, labels in (challenge.make_test(np.random.default_rng(seed)) for seed in range(100))]
    assert min(scores) >= 0.94, min(scores)


@pytest.mark.parametrize("predict, points, phrase", [
    (lambda X: np.ones(len(X), dtype=int), None, "accuracy 0.5000"),               # always benign: 0 points
    (lambda X: (X[:, 22] < 105).astype(int), 2, "2 of 3 points"),                  # one feature: partial credit
    (lambda X: np.column_stack([1 - (X[:, 22] < 105), X[:, 22] < 105]), None, "scores per class"),
    (lambda X: np.ones(len(X) - 1), None, "shape (89,)"),
    (lambda X: np.full(len(X), 0.5), None, "not whole labels"),
    (lambda X: np.full(len(X), 2), None, "labels outside [0, 1]"),
])
def test_weak_or_malformed_predictions_lose_points_and_say_why(predict, points, phrase):
    if points is None:
        with pytest.raises(CheckFailure, match=phrase.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
            exercises.score_held_out(KEY, predict)
    else:
        assert exercises.score_held_out(KEY, predict) == points


def test_a_predict_that_changes_its_input_or_is_unsolved_scores_nothing():
    def overwrites(X):
        X[:] = 0
        return np.ones(len(X), dtype=int)
    with pytest.raises(CheckFailure, match="changed|unchanged|modif"):
        exercises.score_held_out(KEY, overwrites)

    def unsolved(X):
        raise NotImplementedError
    with pytest.raises(NotImplementedError):
        exercises.score_held_out(KEY, unsolved)


def test_the_solution_scores_full_marks_in_process_as_stock_nbgrader_would(tumour_model, capsys):
    assert exercises.score_held_out(KEY, tumour_model.predict) == 3
    assert "3 of 3 points" in capsys.readouterr().out


def test_label_predictions_accepts_a_column_or_float_labels():
    assert label_predictions(np.array([[1], [0]]), 2, "predict").tolist() == [1, 0]
    assert label_predictions(np.array([1.0, 0.0]), 2, "predict").dtype.kind == "i"


def test_the_planner_makes_a_held_out_step_only_as_the_last_statement():
    steps = plan_test_cell('### BEGIN HIDDEN TESTS\nscore_held_out("week04.tumour_challenge", predict)\n'
                           '### END HIDDEN TESTS')
    assert steps == [HeldOut(KEY, "predict", 2, hidden=True)]
    with pytest.raises(PlanError, match="last statement"):
        plan_test_cell('score_held_out("week04.tumour_challenge", predict)\nprint("done")')
    with pytest.raises(PlanError, match="literal key"):
        plan_test_cell('score_held_out(KEY, predict)')


def test_the_build_refuses_a_cell_whose_points_disagree_with_the_thresholds():
    import nbformat

    from autograder.build import BuildError, check_test_cells
    cell = nbformat.v4.new_code_cell('score_held_out("week04.tumour_challenge", predict)')
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "t", "locked": True, "points": 2, "schema_version": 3,
                                 "solution": False, "task": False}
    with pytest.raises(BuildError, match="at most 3"):
        check_test_cells(nbformat.v4.new_notebook(cells=[cell]), "test")
    cell.metadata["nbgrader"]["points"] = 3
    check_test_cells(nbformat.v4.new_notebook(cells=[cell]), "test")


def test_the_week08_reference_cnn_reaches_the_top_threshold_on_every_draw():
    """course/exercises/week08.py says: 0.984 to 0.996 on 100 draws; here 20 of them."""
    from solutions import solution_namespace
    predict = solution_namespace("week08")["predict"]
    challenge = exercises.get_challenge("week08.digits_cnn")
    scores = [challenge.score(predict(case["X"]), labels)
              for case, labels in (challenge.make_test(np.random.default_rng(seed)) for seed in range(20))]
    assert min(scores) >= 0.98, min(scores)
    case, labels = challenge.make_test(np.random.default_rng(0))
    assert case["X"].shape == (250, 8, 8) and case["X"].min() >= 0 and case["X"].max() <= 16
    assert list(np.bincount(labels)) == [25] * 10
