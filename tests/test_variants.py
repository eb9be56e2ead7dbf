"""Per-student variants: a draw per id, stable across runs and machines; whose id a notebook uses."""
from __future__ import annotations

import subprocess
import sys

import pytest

from course import variants

KEYS = ("week01.checkpoint_q2", "week02.checkpoint_q1")


@pytest.mark.parametrize("key", KEYS)
def test_ids_get_different_numbers_and_the_same_id_the_same(key):
    draws = {student: variants.parameters(key, student) for student in (f"student{i}" for i in range(40))}
    assert len({tuple(sorted(d.items())) for d in draws.values()}) >= 15
    assert all(variants.parameters(key, s) == d for s, d in draws.items())


def test_the_draw_does_not_depend_on_the_process():
    code = "from course import variants; print(variants.parameters('week02.checkpoint_q1', 'alice'))"
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert printed.strip() == str(variants.parameters("week02.checkpoint_q1", "alice"))


def test_the_answers_are_right_for_their_numbers():
    p = variants.parameters("week01.checkpoint_q2", "alice")
    assert variants.variant_answer("week01.checkpoint_q2", "alice") == pytest.approx(p["x0"] - p["lr"] * 2 * p["x0"])
    q = variants.parameters("week02.checkpoint_q1", "alice")          # Bayes by counting 10^6 people
    people, prevalence = 1_000_000, 1 / q["one_in"]
    sick_positive = people * prevalence * q["sensitivity"]
    healthy_positive = people * (1 - prevalence) * (1 - q["specificity"])
    assert variants.variant_answer("week02.checkpoint_q1", "alice") == pytest.approx(
        sick_positive / (sick_positive + healthy_positive))


def test_whose_id_hub_then_grader_then_typed_then_self_study(monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setattr(variants, "_typed_id", None)
    monkeypatch.setattr(variants, "_grading_id", None)
    assert variants.student_id() == variants.SELF_STUDY_ID
    assert variants.set_student_id("  bob ") == "bob" and variants.typed_id() == "bob"
    variants.grading_as("carol")
    assert variants.student_id() == "carol" and variants.typed_id() == "bob"
    monkeypatch.setenv("JUPYTERHUB_USER", "dave")
    assert variants.student_id() == "dave"


def test_show_question_prints_the_learners_numbers(monkeypatch, capsys):
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setattr(variants, "_grading_id", None)
    variants.set_student_id("alice")
    variants.show_question("week01.checkpoint_q2")
    out = capsys.readouterr().out
    p = variants.parameters("week01.checkpoint_q2", "alice")
    assert f"x0 = {p['x0']}" in out and f"η = {p['lr']:g}" in out and "'alice'" in out
    with pytest.raises(KeyError, match="no per-student question"):
        variants.parameters("week01.no_such_question", "alice")
