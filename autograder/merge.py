"""Rebuild a submission on the instructor's trusted notebook: only the answers come from the student.

nbgrader's OverwriteCells restores locked cells it still finds; a student who deletes a test
cell, changes its metadata or reorders cells can still confuse it.  Here the instructor's source
notebook is the skeleton: every lesson, test and read-only cell comes from it, answer cells are
taken from the submission by grade_id, and cells the student added are kept where they stood.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

import nbformat

from autograder.notebooks import nbgrader_meta


@dataclass
class Merged:
    notebook: nbformat.NotebookNode
    notes: list[str] = field(default_factory=list)


def is_answer(cell) -> bool:
    return bool(nbgrader_meta(cell).get("solution"))


def is_test(cell) -> bool:
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and cell.cell_type == "code"


def merge(source: nbformat.NotebookNode, submitted: nbformat.NotebookNode) -> Merged:
    answer_ids = {nbgrader_meta(c)["grade_id"] for c in source.cells if is_answer(c)}
    source_ids = {c.get("id") for c in source.cells}
    answers, extra_after, notes = {}, {}, []
    previous = None
    for cell in submitted.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if is_answer(cell) and grade_id in answer_ids and grade_id not in answers:
            answers[grade_id] = cell
            previous = grade_id
        elif cell.get("id") in source_ids:
            previous = cell.get("id")
        elif not nbgrader_meta(cell) and cell.cell_type in ("code", "markdown"):
            extra_after.setdefault(previous, []).append(cell)

    cells = [copy.deepcopy(c) for c in extra_after.get(None, [])]
    for cell in source.cells:
        merged = copy.deepcopy(cell)
        merged["outputs"] = [] if cell.cell_type == "code" else merged.get("outputs")
        if merged.cell_type != "code":
            merged.pop("outputs", None)
            merged.pop("execution_count", None)
        else:
            merged["execution_count"] = None
        key = cell.get("id")
        if is_answer(cell):
            grade_id = nbgrader_meta(cell)["grade_id"]
            student = answers.get(grade_id)
            if student is None:
                notes.append(f"the answer cell '{grade_id}' is missing from the submission: graded as empty")
                merged.source = ""
            else:
                merged.source = student.source
            key = grade_id
        cells.append(merged)
        cells += [copy.deepcopy(c) for c in extra_after.get(key, [])]

    submitted_tests = {nbgrader_meta(c).get("grade_id"): c.source for c in submitted.cells if is_test(c)}
    for cell in source.cells:
        if is_test(cell):
            grade_id = nbgrader_meta(cell)["grade_id"]
            if grade_id not in submitted_tests:
                notes.append(f"the test cell '{grade_id}' was deleted or changed into another kind of cell: "
                             "the original was restored")
    for cell in cells:
        if cell.cell_type == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
    notebook = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(source.metadata))
    notebook.metadata.pop("jupytext", None)
    return Merged(notebook, notes)
