"""A self-study learner checks their progress from a notebook cell in JupyterLab."""
from __future__ import annotations

import nbformat
import pytest

from course.exercises import keys
from course.progress import find_notebooks
from .jupyterlab_driver import LOAD, open_path

pytestmark = pytest.mark.browser


def test_progress_shows_a_table_and_a_plot_in_a_notebook(page, lab, workspace):
    notebook_path = lab.root / "my_progress.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from course.progress import show\n\nshow()")], metadata={"kernelspec": {
            "name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}}), notebook_path)
    weeks = list(find_notebooks(lab.root / "release"))
    exercises = sum(len(keys(week)) for week in weeks)

    notebook = open_path(page, lab, "my_progress.ipynb", workspace)
    notebook.run_all()
    assert notebook.error_outputs() == []
    table = notebook.panel.locator(".course-progress table").first
    table.wait_for(timeout=LOAD)
    statuses = table.locator("td.progress-status")
    # the release notebooks are untouched: every exercise of every week is listed as not started
    assert statuses.count() >= exercises
    assert set(statuses.all_inner_texts()) == {"not started"}
    listed_weeks = set(table.locator("tbody tr td:first-child").all_inner_texts())
    assert listed_weeks == set(weeks)
    assert f"0 of {exercises} exercises pass their checks" in notebook.panel.locator(".course-progress").inner_text()
    plot = notebook.panel.locator(".jp-OutputArea-output img").first
    plot.wait_for(timeout=LOAD)
    assert plot.evaluate("img => img.naturalWidth") > 100
