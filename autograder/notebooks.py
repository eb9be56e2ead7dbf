"""Reading source notebooks: Jupytext pairing, nbgrader cell roles, and what must never reach students."""
from __future__ import annotations

import copy
import re
from collections import Counter
from pathlib import Path

import jupytext
import nbformat

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
ALL_MARKERS = (*SOLUTION_MARKERS, *HIDDEN_MARKERS, "BEGIN MARK SCHEME", "END MARK SCHEME")
PAIRED_FORMATS = "ipynb,py:percent"
CELL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


class BuildError(Exception):
    """The build refuses: the message says what to fix, and where."""


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def cell_label(index: int, cell) -> str:
    grade_id = nbgrader_meta(cell).get("grade_id")
    return f"cell {index}" + (f" ({grade_id})" if grade_id else "")


# ----------------------------------------------------------------------------- pairing


def read_text_notebook(py_path: Path) -> nbformat.NotebookNode:
    """The .py file is the truth; give its notebook the pairing metadata it should carry."""
    notebook = jupytext.read(py_path)
    notebook.metadata.setdefault("jupytext", {})["formats"] = PAIRED_FORMATS
    notebook.metadata["jupytext"].pop("text_representation", None)
    # nbformat gives new cells random ids; stable ones keep the generated notebooks reproducible.
    used: set[str] = set()
    for index, cell in enumerate(notebook.cells):
        grade_id = str(nbgrader_meta(cell).get("grade_id", ""))
        cell.id = grade_id if CELL_ID.match(grade_id) and grade_id not in used else f"cell-{index:03d}"
        used.add(cell.id)
    return notebook


def sync_pair(py_path: Path) -> bool:
    """Write ``weekNN.ipynb`` from ``weekNN.py``; return True when the notebook changed."""
    ipynb_path = py_path.with_suffix(".ipynb")
    text = nbformat.writes(read_text_notebook(py_path)) + "\n"
    if ipynb_path.exists() and ipynb_path.read_text() == text:
        return False
    ipynb_path.write_text(text)
    return True


def pair_in_sync(py_path: Path) -> bool:
    ipynb_path = py_path.with_suffix(".ipynb")
    return ipynb_path.exists() and ipynb_path.read_text() == nbformat.writes(read_text_notebook(py_path)) + "\n"


def strip_pairing(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Release notebooks are plain notebooks: no Jupytext metadata, so nobody pairs them by accident."""
    notebook.metadata.pop("jupytext", None)
    return notebook


# ----------------------------------------------------------------------------- validation


def check_grade_ids(notebook: nbformat.NotebookNode, where: str) -> None:
    """nbgrader silently keeps only one of two cells that share a grade_id: refuse instead."""
    ids = Counter(nbgrader_meta(cell).get("grade_id") for cell in notebook.cells if nbgrader_meta(cell))
    duplicates = sorted(grade_id for grade_id, count in ids.items() if grade_id and count > 1)
    if duplicates:
        raise BuildError(f"{where}: these grade_ids are used by more than one cell: {', '.join(duplicates)} "
                         "(nbgrader would silently drop all but one of them).")
    for index, cell in enumerate(notebook.cells):
        meta = nbgrader_meta(cell)
        if meta and (meta.get("grade") or meta.get("solution")) and not meta.get("grade_id"):
            raise BuildError(f"{where}: {cell_label(index, cell)} is an nbgrader cell without a grade_id.")
        if meta.get("grade") and not meta.get("points"):
            raise BuildError(f"{where}: {cell_label(index, cell)} is graded but has no points.")


def check_markers(notebook: nbformat.NotebookNode, where: str) -> None:
    """Markers must pair up, and sit only in cells whose role lets nbgrader remove them."""
    for index, cell in enumerate(notebook.cells):
        meta = nbgrader_meta(cell)
        for begin, end, role, allowed in ((*SOLUTION_MARKERS, "solution", meta.get("solution")),
                                          (*HIDDEN_MARKERS, "test", meta.get("grade") and not meta.get("solution"))):
            opened = cell.source.count(begin)
            if opened != cell.source.count(end):
                raise BuildError(f"{where}: {cell_label(index, cell)} has unbalanced '{begin}' / '{end}'.")
            if opened and not allowed:
                raise BuildError(f"{where}: {cell_label(index, cell)} has '{begin}' but is not marked as a "
                                 f"{role} cell in its nbgrader metadata, so nbgrader would leave it in the release.")


def _regions(source: str, begin: str, end: str) -> list[str]:
    lines, inside, found = source.splitlines(), False, []
    for line in lines:
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            found.append(line)
    return found


def secret_and_public_lines(notebook: nbformat.NotebookNode) -> tuple[set[str], set[str]]:
    """Lines only the instructor may see (solutions, hidden tests, model answers) and all other lines."""
    secret, public = set(), set()
    for cell in notebook.cells:
        meta = nbgrader_meta(cell)
        lines = cell.source.splitlines()
        if cell.cell_type == "markdown" and meta.get("solution"):
            hidden = set(lines)  # a written answer: the whole cell is the model answer
        else:
            hidden = set(_regions(cell.source, *SOLUTION_MARKERS)) | set(_regions(cell.source, *HIDDEN_MARKERS))
        secret |= {line.strip() for line in hidden}
        public |= {line.strip() for line in lines if line not in hidden}
    meaningful = {line for line in secret - public if len(line) > 3 and not set(line) <= set("#()[]{}:,. ")}
    return meaningful, public


def find_leaks(source: nbformat.NotebookNode, release: nbformat.NotebookNode) -> list[str]:
    """Solution or hidden-test lines (or any marker) that appear in a release notebook."""
    secret, _ = secret_and_public_lines(source)
    leaks = []
    for index, cell in enumerate(release.cells):
        for line in cell.source.splitlines():
            stripped = line.strip()
            if any(marker in line for marker in ALL_MARKERS) or stripped in secret:
                leaks.append(f"{cell_label(index, cell)}: {stripped[:80]}")
    return leaks


# ----------------------------------------------------------------------------- simulated submissions


def _without_solution_markers(source: str) -> str:
    return "\n".join(line for line in source.splitlines()
                     if SOLUTION_MARKERS[0] not in line and SOLUTION_MARKERS[1] not in line)


def filled_in(release: nbformat.NotebookNode, source: nbformat.NotebookNode,
              replace: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """The release notebook as a student hands it in after writing the solutions into it.

    ``replace`` maps answer cells' grade_ids to other code (a wrong answer, say). Used by the
    round-trip tests and the grading benchmark to make realistic submissions.
    """
    answers = {nbgrader_meta(cell)["grade_id"]: cell.source for cell in source.cells
               if nbgrader_meta(cell).get("solution")}
    replace = replace or {}
    submission = copy.deepcopy(release)
    for cell in submission.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution"):
            grade_id = meta["grade_id"]
            cell.source = replace.get(grade_id, _without_solution_markers(answers[grade_id]))
    return submission
