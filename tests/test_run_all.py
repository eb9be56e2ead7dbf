"""*Run All* on a blank release reaches the last cell: lessons and explorers run, unsolved exercises say so.

nbclient stops at the first error unless the cell is tagged ``raises-exception``, as JupyterLab does, so
executing the committed blank release with ``allow_errors=False`` is the learner's Run All.

Where the browser tests run (Chromium and Playwright here, and collected in this session), each week's Run All
in JupyterLab checks the same and more (tests/browser/test_browser_student.py): this nbclient run is then
skipped, so that the suite executes a blank release once, not twice.
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.build import find_weeks

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow
CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
# The browser tests that press Run All on a week's blank release (week 01's is the exercise-filling one).
BROWSER_RUN_ALL = ("test_run_all_on_a_blank_release_reaches_the_end_and_an_explorer_redraws[{week}]",
                   "test_a_student_fills_in_an_exercise_and_reads_the_checks_verdict")


def run_all_is_checked_in_the_browser(session: pytest.Session, week: str) -> bool:
    if not CHROMIUM.exists() or importlib.util.find_spec("playwright") is None:
        return False
    names = {item.name for item in session.items if "browser" in item.keywords}
    wanted = BROWSER_RUN_ALL[0].format(week=week) if week != "week01" else BROWSER_RUN_ALL[1]
    return wanted in names


@pytest.mark.parametrize("week", find_weeks(REPO))
def test_blank_release_runs_to_the_end(request, week):
    if run_all_is_checked_in_the_browser(request.session, week):
        pytest.skip(f"{week}'s Run All runs in JupyterLab in this session (tests/browser)")
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
