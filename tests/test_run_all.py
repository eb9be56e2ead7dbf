"""*Run All* on a blank release reaches the last cell: lessons and explorers run, unsolved exercises say so.

nbclient stops at the first error unless the cell is tagged ``raises-exception``, as JupyterLab does, so
executing the committed blank release with ``allow_errors=False`` is the learner's Run All.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.build import find_weeks

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("week", find_weeks(REPO))
def test_blank_release_runs_to_the_end(week):
    folder = REPO / "release" / week
    notebook = nbformat.read(folder / f"{week}.ipynb", as_version=4)
    NotebookClient(notebook, timeout=180, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(folder)}}).execute()   # raises at an untagged error
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code[-1].get("execution_count"), "the last code cell did not run"
    errors = [cell for cell in code if any(o.output_type == "error" for o in cell.outputs)]
    not_implemented = [c for c in errors if any(o.get("ename") == "NotImplementedError" for o in c.outputs)]
    assert errors and not_implemented, "a blank release should show its unsolved exercises failing"
    assert all("raises-exception" in c.metadata.get("tags", []) for c in errors)
