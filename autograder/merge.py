"""Rebuild a submission on the instructor's trusted notebook.

nbgrader's OverwriteCells restores locked cells it still finds; a student who deletes a test
cell, changes its metadata or reorders cells can still confuse it.  Here the instructor's source
notebook is the skeleton, and the rule is one a student can live with: only test cells and locked
(read-only) cells come from the source; every other code cell runs as the student left it (an
answer, an `import math` added to the imports cell, an edited demo), and cells the student added
are kept where they stood.  So a notebook whose own checks pass in the student's kernel scores
the same here.  Whatever the grader replaced is said in a note, naming the cell and why.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

import nbformat

from autograder import escape
from autograder.notebooks import HIDDEN_MARKERS, cell_label, nbgrader_meta


@dataclass
class Merged:
    notebook: nbformat.NotebookNode
    notes: list[str] = field(default_factory=list)


def is_answer(cell) -> bool:
    return bool(nbgrader_meta(cell).get("solution"))


def is_test(cell) -> bool:
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and cell.cell_type == "code"


def comes_from_source(cell) -> bool:
    """Test cells and read-only cells: the student's copy of these is never run."""
    return is_test(cell) or (bool(nbgrader_meta(cell).get("locked")) and not is_answer(cell))


def _student_cells(source, submitted):
    """The student's version of each source cell they may edit (answers by grade_id, the rest by
    cell id), and the cells they added, keyed by the source cell they follow."""
    answer_ids = {nbgrader_meta(c)["grade_id"] for c in source.cells if is_answer(c)}
    by_id = {c.get("id"): c for c in source.cells}
    versions, added_after, previous = {}, {}, None
    for cell in submitted.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        original = by_id.get(cell.get("id"))
        if is_answer(cell) and grade_id in answer_ids and grade_id not in versions:
            versions[grade_id] = cell
            previous = grade_id
        elif original is not None:
            if not is_answer(original) and not comes_from_source(original) and cell.cell_type == original.cell_type:
                versions.setdefault(original.get("id"), cell)
            previous = original.get("id") if not is_answer(original) else nbgrader_meta(original).get("grade_id")
        elif not nbgrader_meta(cell) and cell.cell_type in ("code", "markdown"):
            added_after.setdefault(previous, []).append(cell)
    return versions, added_after


def _named(index: int, cell) -> str:
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    return f"{cell_label(index, cell)}, the one starting `{first[:50]}`"


def _visible_part(source: str) -> str:
    """A test cell as the release shows it: without its hidden region (nbgrader removes it)."""
    kept, hidden = [], False
    for line in source.splitlines():
        if HIDDEN_MARKERS[0] in line:
            hidden = True
        elif HIDDEN_MARKERS[1] in line:
            hidden = False
        elif not hidden and line.strip():
            kept.append(line.rstrip())
    return "\n".join(kept)


def _replaced_notes(source, submitted) -> list[str]:
    """Say which cells the grader ran from the source instead of the student's copy, and why."""
    notes = []
    submitted_by_id = {c.get("id"): c for c in submitted.cells}
    submitted_tests = {nbgrader_meta(c).get("grade_id"): c for c in submitted.cells if is_test(c)}
    for index, cell in enumerate(source.cells):
        if is_test(cell):
            grade_id = nbgrader_meta(cell)["grade_id"]
            theirs = submitted_tests.get(grade_id)
            if theirs is None:
                notes.append(f"the test cell '{grade_id}' was deleted or changed into another kind of cell: "
                             "the original was restored")
            elif _visible_part(theirs.source) != _visible_part(cell.source):
                notes.append(f"the test cell '{grade_id}' was edited: the grader ran the original")
        elif comes_from_source(cell) and cell.cell_type == "code":
            theirs = submitted_by_id.get(cell.get("id"))
            if theirs is not None and theirs.source.strip() != cell.source.strip():
                notes.append(f"{_named(index, cell)}, is read-only and was edited: the grader ran the original")
    return notes


def _student_source(cell) -> str:
    """A student's Markdown is rendered by people's tools (the formgrader renders it with sanitising
    off): its HTML is made harmless here, once, for all of them."""
    return escape.sanitise_markdown_cell(cell.source) if cell.cell_type == "markdown" else cell.source


def _added(cell):
    added = copy.deepcopy(cell)
    added.source = _student_source(cell)
    return added


def merge(source: nbformat.NotebookNode, submitted: nbformat.NotebookNode) -> Merged:
    notes: list[str] = []
    versions, added_after = _student_cells(source, submitted)

    cells = [_added(c) for c in added_after.get(None, [])]
    for index, cell in enumerate(source.cells):
        merged = copy.deepcopy(cell)
        key = cell.get("id")
        if is_answer(cell):
            key = nbgrader_meta(cell)["grade_id"]
            student = versions.get(key)
            if student is None:
                notes.append(f"the answer cell '{key}' is missing from the submission: graded as empty")
            merged.source = _student_source(student) if student is not None else ""
        elif cell.cell_type == "code" and not comes_from_source(cell):
            student = versions.get(key)
            if student is None:
                notes.append(f"{_named(index, cell)}, was deleted from the submission: the grader ran the "
                             "instructor's version")
            else:
                merged.source = student.source
        cells.append(merged)
        cells += [_added(c) for c in added_after.get(key, [])]
    notes += _replaced_notes(source, submitted)

    for cell in cells:
        if cell.cell_type == "code":
            cell["outputs"], cell["execution_count"] = [], None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    notebook = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(source.metadata))
    notebook.metadata.pop("jupytext", None)
    return Merged(notebook, notes)
