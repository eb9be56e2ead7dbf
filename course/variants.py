"""Per-student variants: the same checkpoint question with different numbers for each student.

A :class:`Variant` draws a question's parameters from the student's id (a hash, so the same id always gets the
same numbers, on any machine, at any regrade) and computes the answer from them. The learner sees their own
numbers in the notebook (:func:`show_question`); the hidden test compares their answer with
``variant_answer(key)``. Whose numbers?
- in the learner's notebook (and under stock nbgrader): the id of :func:`student_id`, which is JupyterHub's
  user name when there is one, else the id the learner typed into the week's id cell (:func:`set_student_id`);
- under the trusted grader: the id the submission was handed in under, always (the grader sets it in the
  sandbox before the first cell, and judges with it in its own process); it adds a note when the id typed into
  the notebook differs (a copied notebook, a typo), so a mismatch is explained, never a silent zero.

The draw is not secret (learners see their numbers); it only makes a neighbour's answer the wrong one.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

__all__ = ["Variant", "register_variant", "parameters", "variant_answer", "show_question", "student_id",
           "set_student_id", "SELF_STUDY_ID"]

#: The id of a learner with no JupyterHub and no id typed in: everyone studying alone shares one draw.
SELF_STUDY_ID = "self-study"
_typed_id: str | None = None
_grading_id: str | None = None       # set by the trusted grader in the sandbox: the submission's student id


@dataclass(frozen=True)
class Variant:
    key: str                                            # "week01.checkpoint_q2"
    draw: Callable[[np.random.Generator], dict]         # the question's parameters (plain numbers)
    answer: Callable[[dict], Any]                       # the right answer for those parameters
    question: str                                       # str.format template over the parameters


_VARIANTS: dict[str, Variant] = {}


def register_variant(variant: Variant) -> Variant:
    if variant.key in _VARIANTS:
        raise ValueError(f"variant {variant.key!r} is registered twice")
    _VARIANTS[variant.key] = variant
    return variant


def _get(key: str) -> Variant:
    if key not in _VARIANTS:
        import importlib
        try:
            importlib.import_module(f"course.exercises.{key.split('.', 1)[0]}")   # a week registers its variants
        except ModuleNotFoundError:
            pass
    try:
        return _VARIANTS[key]
    except KeyError:
        raise KeyError(f"no per-student question called {key!r}; known: {', '.join(sorted(_VARIANTS)) or 'none'}") \
            from None


def set_student_id(typed: str) -> str:
    """The week's id cell calls this with what the learner typed; returns the id the notebook will use."""
    global _typed_id
    _typed_id = str(typed).strip() or None
    return student_id()


def student_id() -> str:
    """JupyterHub's user name, else (when graded) the submission's id, else the id typed into the id cell,
    else :data:`SELF_STUDY_ID`."""
    return os.environ.get("JUPYTERHUB_USER") or _grading_id or _typed_id or SELF_STUDY_ID


def typed_id() -> str | None:
    """What the learner typed into the id cell, if anything (the grader compares it with the submission's id)."""
    return _typed_id


def grading_as(student: str) -> None:
    """Called by the trusted grader in the sandbox before the notebook runs."""
    global _grading_id
    _grading_id = str(student)


def parameters(key: str, student: str | None = None) -> dict:
    """The numbers of question ``key`` for ``student`` (default: this notebook's :func:`student_id`)."""
    student = student_id() if student is None else student
    digest = hashlib.sha256(f"{key}:{student}".encode()).digest()
    return _get(key).draw(np.random.default_rng(int.from_bytes(digest[:8], "little")))


def variant_answer(key: str, student: str | None = None) -> Any:
    """The right answer to question ``key`` for ``student``'s numbers (what the hidden test compares with)."""
    return _get(key).answer(parameters(key, student))


def show_question(key: str) -> None:
    """Print the question with this notebook's numbers, and whose they are."""
    who = student_id()
    print(_get(key).question.format(**parameters(key, who)))
    if who == SELF_STUDY_ID:
        print("(The numbers of someone studying alone. In a graded course, type your student id into the id cell "
              "near the top, then run this cell again: your numbers are your own.)")
    else:
        print(f"(Your own numbers, drawn for the id {who!r}: a classmate's answer will not fit them.)")
