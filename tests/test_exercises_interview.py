"""The interview notebook: its graded functions' oracles accept correct implementations written differently from the
solutions and agree with independent counts; Part 2's drills pass the weeks' own hidden tests on many seeds (and the
weeks' wrong variants fail them); and Part 1's per-student draw: two students get different questions, each is
graded right against their own draw (and not against a neighbour's), a wrong answer's message carries the
explanation, and regrading draws the same again (also in another process)."""
from __future__ import annotations

import collections
import subprocess
import sys

import numpy as np
import pytest

from autograder.notebooks import nbgrader_meta, read_text_notebook
from course import variants
from course.checks import CheckFailure, concealing_expected_values
from course.exercises import grade, make_cases, run_checks
from course.exercises.interview import BANK, QUIZ_KEYS, SLOTS, TOPICS

from solutions import REPO, solution_namespace

import wrong_week02
import wrong_week03
import wrong_week05
import wrong_week07


# ----------------------------------------------------------------------------- right, written differently

def conv_shape_by_sliding(input_shape, out_channels, kernel_size, stride=1, padding=0):
    """Count the window positions by sliding the window along a padded axis."""
    def positions(length):
        return len(range(0, length + 2 * padding - kernel_size + 1, stride))
    return (input_shape[0], out_channels, positions(input_shape[2]), positions(input_shape[3]))


def conv_parameters_by_shapes(in_channels, out_channels, kernel_size, bias=True):
    shapes = [(out_channels, in_channels, kernel_size, kernel_size)] + ([(out_channels,)] if bias else [])
    return sum(int(np.prod(s)) for s in shapes)


def lstm_parameters_by_shapes(input_size, hidden_size, num_layers=1, bias=True):
    """torch's own naming: weight_ih_l{k} (4H, D or H), weight_hh_l{k} (4H, H), bias_ih_l{k}, bias_hh_l{k} (4H,)."""
    shapes = []
    for layer in range(num_layers):
        shapes += [(4 * hidden_size, input_size if layer == 0 else hidden_size), (4 * hidden_size, hidden_size)]
        shapes += [(4 * hidden_size,), (4 * hidden_size,)] if bias else []
    return sum(int(np.prod(s)) for s in shapes)


def attention_parameters_by_shapes(embed_dim, num_heads, bias=True):
    head = embed_dim // num_heads
    per_head = 3 * embed_dim * head + (3 * head if bias else 0)     # each head's slice of Q, K, V
    return num_heads * per_head + embed_dim * embed_dim + (embed_dim if bias else 0)


@pytest.mark.parametrize("key, function", [
    ("interview.conv2d_output_shape", conv_shape_by_sliding),
    ("interview.conv2d_parameters", conv_parameters_by_shapes),
    ("interview.lstm_parameters", lstm_parameters_by_shapes),
    ("interview.attention_parameters", attention_parameters_by_shapes),
])
def test_right_variants_written_differently_pass_on_many_seeds(key, function):
    for seed in range(15):
        report = run_checks(key, function, seed=seed)
        assert report.ok, f"{key} seed {seed}: {report.failure}"


def test_the_cases_reach_the_edges():
    _, conv = make_cases("interview.conv2d_output_shape", 0)
    assert any(c["kernel_size"] == c["input_shape"][2] + 2 * c["padding"] for c in conv)       # a 1 × 1 output
    assert any((c["input_shape"][2] + 2 * c["padding"] - c["kernel_size"]) % c["stride"] for c in conv)  # a floor
    _, lstm = make_cases("interview.lstm_parameters", 0)
    assert any(not c["bias"] for c in lstm) and any(c["num_layers"] > 1 for c in lstm)
    _, attention = make_cases("interview.attention_parameters", 0)
    assert any(c["num_heads"] == c["embed_dim"] for c in attention) and any(not c["bias"] for c in attention)


def test_a_count_that_is_not_a_whole_number_is_explained():
    report = run_checks("interview.conv2d_parameters", lambda *a: 1792.5)
    assert "not a whole number" in report.failure
    report = run_checks("interview.conv2d_output_shape", lambda *a: [1, 16, 32])
    assert "a tuple of 4" in report.failure


# ----------------------------------------------------------------------------- Part 2: the drills

DRILLS = ["week02.linear_regression_gd", "week03.logistic_fit", "week03.best_split", "week05.kmeans",
          "week07.affine_backward"]


@pytest.mark.parametrize("key", DRILLS)
def test_the_drill_solutions_pass_the_weeks_hidden_tests_on_many_seeds(key):
    from course.exercises import get
    function = solution_namespace("interview")[get(key).function]
    for seed in range(8):
        report = run_checks(key, function, seed=seed)
        assert report.ok, f"{key} seed {seed}: {report.failure}"


@pytest.mark.parametrize("key, wrong, phrase", [w for module in (wrong_week02, wrong_week03, wrong_week05,
                                                                   wrong_week07) for w in module.WRONG
                                                 if w[0] in DRILLS])
def test_the_weeks_wrong_variants_fail_the_drills(key, wrong, phrase):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(CheckFailure):
            grade(key, wrong)


def test_every_drill_has_the_weeks_docstring():
    """The drill stubs state the same contracts as the weeks (the learner sees only the docstring)."""
    weeks = {key: solution_namespace(key.split(".")[0]) for key in DRILLS}
    drills = solution_namespace("interview")
    for key in DRILLS:
        name = key.split(".")[1]
        assert drills[name].__doc__ == weeks[key][name].__doc__, name


# ----------------------------------------------------------------------------- Part 1: the per-student draw

STUDENTS = [f"student{i}" for i in range(60)]


def test_the_bank_has_forty_questions_in_twenty_slots_covering_every_topic():
    assert len(BANK) >= 40 and len(SLOTS) == len(QUIZ_KEYS) == 20
    assert collections.Counter(topic for topic, _ in SLOTS).keys() == set(TOPICS)
    assert all(len(alternatives) >= 2 for _, alternatives in SLOTS)


def test_each_draw_covers_every_topic_and_every_question_is_drawn_by_someone():
    drawn = collections.Counter()
    for student in STUDENTS:
        draw = [variants.parameters(key, student) for key in QUIZ_KEYS]
        assert {p["topic"] for p in draw} == set(TOPICS)
        assert len({p["id"] for p in draw}) == 20                     # no question twice
        drawn.update(p["id"] for p in draw)
    assert set(drawn) == set(BANK)


def test_two_students_get_different_questions_and_answers():
    a = [variants.parameters(key, "alice") for key in QUIZ_KEYS]
    b = [variants.parameters(key, "bob") for key in QUIZ_KEYS]
    assert [p["text"] for p in a] != [p["text"] for p in b]
    answers_a = [variants.variant_answer(key, "alice") for key in QUIZ_KEYS]
    answers_b = [variants.variant_answer(key, "bob") for key in QUIZ_KEYS]
    same = sum(np.isclose(x, y, rtol=5e-3) for x, y in zip(answers_a, answers_b))
    assert same <= 8, same               # a choice question can share its option number by chance (1 in 4)
    # over a class, a neighbour's full answer sheet never fits
    sheets = {s: tuple(round(variants.variant_answer(k, s), 6) for k in QUIZ_KEYS) for s in STUDENTS}
    assert len(set(sheets.values())) == len(STUDENTS)


def test_regrading_draws_the_same_also_in_another_process():
    first = [variants.parameters(key, "carol") for key in QUIZ_KEYS]
    assert first == [variants.parameters(key, "carol") for key in QUIZ_KEYS]
    code = ("import course.exercises.interview as I; from course import variants; "
            "print([variants.variant_answer(k, 'carol') for k in I.QUIZ_KEYS])")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             cwd=REPO).stdout
    assert printed.strip() == str([variants.variant_answer(key, "carol") for key in QUIZ_KEYS])


def test_a_choice_questions_answer_is_the_number_under_which_the_right_option_is_shown():
    for student in STUDENTS[:20]:
        for key in QUIZ_KEYS:
            p = variants.parameters(key, student)
            question = BANK[p["id"]]
            if question.kind != "choice":
                continue
            answer = variants.variant_answer(key, student)
            assert f"\n      {answer}) {question.options[0]}\n" in p["text"] + "\n"
    orders = {tuple(variants.parameters("interview.q01", s)["order"]) for s in STUDENTS}
    assert len(orders) > 6                 # the options are shuffled per student


def _quiz_cells():
    cells = {nbgrader_meta(c).get("grade_id"): c.source for c in
             read_text_notebook(REPO / "source" / "interview" / "interview.py").cells}
    return cells["quiz_answers"], [cells[f"quiz_q{k:02d}"] for k in range(1, 21)]


def _grade_quiz(answers_of: str, graded_as: str, monkeypatch) -> list[str | None]:
    """Run the notebook's answer cell for ``answers_of`` and its twenty test cells (hidden part included) for
    ``graded_as``: None for a passed cell, else the message."""
    import course.exercises.interview as quiz
    answer_cell, test_cells = _quiz_cells()
    namespace = {"np": np, "QUIZ_KEYS": quiz.QUIZ_KEYS, "variant_answer": variants.variant_answer,
                 "parameters": variants.parameters, "print": lambda *a, **k: None}
    from course import checks
    namespace.update({name: getattr(checks, name) for name in checks.__all__})
    monkeypatch.setattr(variants, "_grading_id", answers_of)
    exec(answer_cell, namespace)
    monkeypatch.setattr(variants, "_grading_id", graded_as)
    results = []
    for cell in test_cells:
        try:
            with concealing_expected_values():
                exec(cell, dict(namespace))
            results.append(None)
        except CheckFailure as failure:
            results.append(str(failure))
    return results


def test_each_student_is_graded_right_and_a_neighbours_answers_fail(monkeypatch):
    assert _grade_quiz("alice", "alice", monkeypatch) == [None] * 20
    assert _grade_quiz("bob", "bob", monkeypatch) == [None] * 20
    copied = _grade_quiz("alice", "bob", monkeypatch)
    assert sum(message is not None for message in copied) >= 12


def test_a_wrong_answers_message_explains_the_question(monkeypatch):
    import course.exercises.interview as quiz
    monkeypatch.setattr(variants, "_grading_id", "dave")
    messages = _grade_quiz_wrong(monkeypatch)
    for k, message in enumerate(messages, 1):
        p = variants.parameters(quiz.QUIZ_KEYS[k - 1], "dave")
        assert message.startswith(f"question {k} ({p['topic']}: "), message
        assert "is not correct; got -12345." in message
        assert ("The right option was" in message) if p["kind"] == "choice" else ("The answer is" in message)


def _grade_quiz_wrong(monkeypatch):
    answer_cell, test_cells = _quiz_cells()
    from course import checks
    namespace = {"np": np, "variant_answer": variants.variant_answer, "parameters": variants.parameters,
                 "answers": {f"Q{k}": -12345.0 for k in range(1, 21)}, "print": lambda *a, **k: None}
    namespace.update({name: getattr(checks, name) for name in checks.__all__})
    messages = []
    for cell in test_cells:
        with pytest.raises(CheckFailure) as failure, concealing_expected_values():
            exec(cell, dict(namespace))
        messages.append(str(failure.value))
    return messages


def test_a_missing_or_malformed_answer_is_told_so():
    _, test_cells = _quiz_cells()
    from course import checks
    namespace = {"np": np, "variant_answer": variants.variant_answer, "parameters": variants.parameters,
                 "answers": {"Q1": "b"}, "print": lambda *a, **k: None}
    namespace.update({name: getattr(checks, name) for name in checks.__all__})
    with pytest.raises(CheckFailure, match=r"answers\['Q1'\] should be a number .*got 'b'"):
        exec(test_cells[0], dict(namespace))
