"""An instructor opens source/week01/week01.py in JupyterLab as a notebook (Jupytext), edits text, saves."""
from __future__ import annotations

import difflib
import json
import time
import urllib.request

import jupytext
import nbformat
import pytest

from .jupyterlab_driver import open_with

pytestmark = pytest.mark.browser

SENTENCE = "A sentence an instructor added in JupyterLab."
# What a JupyterLab save may drop from the .py header: the pairing it states is also in jupytext.toml.
HEADER_BLOCK = {"#   jupytext:", "#     cell_metadata_filter: nbgrader,tags,-all", "#     formats: ipynb,py:percent",
                "#     notebook_metadata_filter: kernelspec,-all"}


def cells(notebook) -> list[tuple]:
    return [(cell.cell_type, cell.source, cell.metadata.get("nbgrader")) for cell in notebook.cells]


def test_the_source_text_opens_as_a_notebook_and_saving_keeps_the_pair_in_sync(page, lab, workspace):
    py = lab.root / "source" / "week01" / "week01.py"
    ipynb = py.with_suffix(".ipynb")
    text_before = py.read_text()
    expected = jupytext.read(py)

    notebook = open_with(page, lab, "source/week01", "week01.py", "Jupytext Notebook", workspace)
    shown = notebook.panel.locator(".jp-Notebook .jp-Notebook-cell")
    assert shown.count() == len(expected.cells)
    assert notebook.panel.locator(".jp-MarkdownCell").count() == sum(c.cell_type == "markdown" for c in expected.cells)
    first_heading = notebook.panel.locator(".jp-MarkdownCell .jp-MarkdownOutput h1").first.inner_text()
    assert first_heading.startswith("Week 01")
    answer = notebook.code_cell("def softmax(z):")                 # the instructor sees the solution...
    assert "### BEGIN SOLUTION" in answer.inner_text()

    cell = notebook.panel.locator(".jp-MarkdownCell").first          # ...and edits the introduction
    cell.locator(".jp-MarkdownOutput").dblclick()
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text(f"\n\n{SENTENCE}")
    page.keyboard.press("Shift+Enter")
    notebook.save()

    deadline = time.monotonic() + 15
    while SENTENCE not in py.read_text() or SENTENCE not in ipynb.read_text():
        assert time.monotonic() < deadline, "saving did not write the sentence to both week01.py and week01.ipynb"
        time.sleep(0.25)

    diff = list(difflib.unified_diff(text_before.splitlines(), py.read_text().splitlines(), lineterm="", n=0))
    added = [line[1:] for line in diff if line.startswith("+") and not line.startswith("+++")]
    removed = [line[1:] for line in diff if line.startswith("-") and not line.startswith("---")]
    assert added == ["#", f"# {SENTENCE}"], diff
    assert set(removed) <= HEADER_BLOCK, diff                      # nothing else in the file changed

    text_cells, notebook_cells = cells(jupytext.read(py)), cells(nbformat.read(ipynb, as_version=4))
    assert text_cells == notebook_cells                              # the pair is in sync, nbgrader metadata too
    assert SENTENCE in text_cells[0][1]


def test_saving_a_release_notebook_never_pairs_it(lab):
    """A student's save goes through the same Jupytext contents manager: it must write the notebook only."""
    path = "release/week01/week01.ipynb"
    url = f"{lab.url}/api/contents/{path}"
    headers = {"Authorization": f"token {lab.token}", "Content-Type": "application/json"}
    with urllib.request.urlopen(urllib.request.Request(url + "?content=1", headers=headers)) as response:
        model = json.load(response)
    model["content"]["cells"][0]["source"] += "\n\nA student's note."
    body = json.dumps({"type": "notebook", "format": "json", "content": model["content"]}).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=body, method="PUT", headers=headers)) as response:
        assert response.status == 200
    assert "A student's note." in (lab.root / path).read_text()
    assert not list((lab.root / "release").rglob("*.py")), "release notebooks must never be paired"
    assert "jupytext" not in nbformat.read(lab.root / path, as_version=4).metadata
