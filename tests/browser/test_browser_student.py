"""A student's session in JupyterLab: the landing page, week 01 run top to bottom, an explorer, an exercise."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from autograder.build import find_weeks
from autograder.notebooks import filled_in, read_text_notebook
from .jupyterlab_driver import LOAD, Lab, Notebook, open_path

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]

WRONG_SOFTMAX = '''def softmax(z):
    shifted = np.exp(z - z.max())
    return shifted / shifted.sum()
'''
RIGHT_SOFTMAX = '''def softmax(z):
    shifted = np.exp(z - z.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)
'''


@pytest.fixture(scope="module")
def solved_week01(lab: Lab) -> str:
    """Week 01's student notebook with every answer written in, as a student who finished it has it."""
    release = lab.root / "release" / "week01" / "week01.ipynb"
    solved = filled_in(nbformat.read(release, as_version=4),
                       read_text_notebook(lab.root / "source" / "week01" / "week01.py"))
    path = release.with_name("week01_finished.ipynb")
    nbformat.write(solved, path)
    return str(path.relative_to(lab.root))


EXPLORER_CALL = re.compile(r"^[^#\n]*\b[a-z_]+_explorer\(", re.M)


def explorers_in(week: str) -> int:
    """How many explorers the week's notebook builds (its calls of ``..._explorer(``)."""
    release = nbformat.read(REPO / "release" / week / f"{week}.ipynb", as_version=4)
    return sum(len(EXPLORER_CALL.findall(cell.source)) for cell in release.cells if cell.cell_type == "code")


def run_all_on_a_blank_release(notebook: Notebook, week: str) -> None:
    """Run All goes on past the unsolved exercises (their cells are tagged raises-exception) to the last cell,
    and every explorer the week builds draws its picture."""
    notebook.run_all()
    counts = notebook.execution_counts()
    assert counts and re.search(r"\d", counts[-1]), f"Run All did not reach the last cell: {counts[-3:]}"
    expected = explorers_in(week)
    drawn = notebook.panel.locator(".explorer-output img").count()
    assert expected >= 1 and drawn >= expected, f"{drawn} of the {expected} explorers drew a picture"
    errors = notebook.error_outputs()
    assert errors and all("NotImplementedError" in e or "is not defined" in e for e in errors), errors


def move_a_slider_and_see_the_picture_change(page, explorer) -> None:
    """Key presses on the explorer's first slider (towards the side it can move to) change its value, redraw its
    picture and its status line.

    The value is read from the slider's readout: noUiSlider's aria-valuenow is rounded to one decimal (a threshold
    slider with steps of 0.01 read 0.5 before and after 0.50 → 0.53). Three steps can leave a status line as it
    was (the same counts, updated in the same number of ms), so up to three more rounds of presses are made before
    the status line is called stale."""
    explorer.scroll_into_view_if_needed()
    figure = explorer.locator(".explorer-output img").first
    figure.wait_for(timeout=LOAD)
    status = explorer.locator(".explorer-status").first
    status_before = status.inner_text()
    slider = explorer.locator(".widget-slider:has([role=slider])").first
    handle, readout = slider.locator("[role=slider]").first, slider.locator(".widget-readout").first
    value_before = readout.inner_text()
    at_the_top = float(handle.get_attribute("aria-valuenow")) >= float(handle.get_attribute("aria-valuemax"))
    handle.focus()
    for _ in range(4):
        before = figure.get_attribute("src")
        for _ in range(3):
            page.keyboard.press("ArrowLeft" if at_the_top else "ArrowRight")
        page.wait_for_function(
            """([element, before]) => { const img = element.querySelector('.explorer-output img');
                                         return img && img.getAttribute('src') !== before; }""",
            arg=[explorer.element_handle(), before], timeout=30_000)
        if status.inner_text() != status_before:
            break
    assert readout.inner_text() != value_before
    assert status.inner_text() != status_before


@pytest.mark.parametrize("week", [w for w in find_weeks(REPO) if w != "week01"])   # week01: the tests below
def test_run_all_on_a_blank_release_reaches_the_end_and_an_explorer_redraws(page, lab, workspace, week):
    notebook = open_path(page, lab, f"release/{week}/{week}.ipynb", workspace)
    run_all_on_a_blank_release(notebook, week)
    # the week's first explorer with a slider: any explorer box holds a status line and a slider
    explorer = notebook.panel.locator(".widget-vbox:has(> .explorer-status):has([role=slider])").first
    move_a_slider_and_see_the_picture_change(page, explorer)


def test_landing_page_opens_and_runs(page, lab, workspace):
    notebook = open_path(page, lab, "START_HERE.ipynb", workspace)
    heading = notebook.panel.locator(".jp-MarkdownOutput h1").first
    assert "Machine learning" in heading.inner_text()
    link = notebook.panel.locator(".jp-MarkdownOutput a[href*='release/week01/week01.ipynb']").first
    link.wait_for(timeout=LOAD)
    notebook.run_all()
    assert notebook.error_outputs() == []
    assert "course package installed" in "\n".join(notebook.panel.locator(".jp-OutputArea-output").all_text_contents())


def test_finished_week01_runs_without_errors_and_its_explorer_redraws(page, lab, solved_week01, workspace):
    notebook = open_path(page, lab, solved_week01, workspace)
    notebook.run_all()
    assert notebook.error_outputs() == [], notebook.error_outputs()[:1]
    counts = notebook.execution_counts()
    assert counts and all(re.fullmatch(r"\[\d+\]:", count) for count in counts), counts  # every code cell ran

    explorer = notebook.panel.locator(".explorer-transform").first
    move_a_slider_and_see_the_picture_change(page, explorer)     # its first slider is the matrix entry a


def test_the_quick_start_with_its_answers_runs_clean(page, lab, workspace):
    """A learner's first notebook (issue 15): answered, Run All shows not one error, and every code cell ran."""
    release = lab.root / "release" / "quickstart" / "quickstart.ipynb"
    solved = filled_in(nbformat.read(release, as_version=4),
                       read_text_notebook(lab.root / "source" / "quickstart" / "quickstart.py"))
    path = release.with_name("quickstart_finished.ipynb")
    nbformat.write(solved, path)
    notebook = open_path(page, lab, str(path.relative_to(lab.root)), workspace)
    notebook.run_all()
    assert notebook.error_outputs() == [], notebook.error_outputs()[:1]
    counts = notebook.execution_counts()
    assert counts and all(re.fullmatch(r"\[\d+\]:", count) for count in counts), counts


def test_a_student_fills_in_an_exercise_and_reads_the_checks_verdict(page, lab, workspace):
    notebook = open_path(page, lab, "release/week01/week01.ipynb", workspace)
    run_all_on_a_blank_release(notebook, "week01")
    first_test = notebook.code_cell("expect_close(numerical_gradient(")
    assert "NotImplementedError" in notebook.outputs_text(first_test)

    answer = notebook.code_cell("def softmax(z):")
    check_cell = notebook.code_cell(re.compile(r'^\s*check\("week01\.softmax", softmax\);?\s*$'))

    notebook.replace_source(answer, WRONG_SOFTMAX)
    notebook.run_cell(answer)
    notebook.run_cell(check_cell)
    verdict = notebook.outputs_text(check_cell)
    assert "✗ softmax" in verdict and "not normalised" in verdict, verdict

    notebook.replace_source(answer, RIGHT_SOFTMAX)
    notebook.run_cell(answer)
    notebook.run_cell(check_cell)
    verdict = notebook.outputs_text(check_cell)
    assert re.search(r"✓ softmax: all \d+ random checks passed", verdict), verdict

    public = notebook.code_cell("expect_close(softmax(")
    notebook.run_cell(public)
    assert "✓ public checks passed" in notebook.outputs_text(public)
