"""Week 07's Playground in JupyterLab: press play and the network trains (the boundary image changes, the epoch
count grows, the kernel stays free), and the status says whose code runs: the reference on a blank release, the
learner's own functions once they are written."""
from __future__ import annotations

import re

import nbformat
import pytest

from autograder.notebooks import filled_in, read_text_notebook
from .jupyterlab_driver import LOAD, Lab, Notebook, open_path

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def solved_week07(lab: Lab) -> str:
    """Week 07's student notebook with every answer written in."""
    release = lab.root / "release" / "week07" / "week07.ipynb"
    solved = filled_in(nbformat.read(release, as_version=4),
                       read_text_notebook(lab.root / "source" / "week07" / "week07.py"))
    path = release.with_name("week07_finished.ipynb")
    nbformat.write(solved, path)
    return str(path.relative_to(lab.root))


def _epoch(status: str) -> int:
    match = re.search(r"epoch (\d+)", status)
    assert match, status
    return int(match.group(1))


def press_play_and_see_it_train(page, notebook: Notebook):
    """▶ ticks in the browser: the picture changes and the epoch count climbs; ❚❚ stops it, and the kernel is
    free again (a cell runs)."""
    playground = notebook.panel.locator(".explorer-playground").first
    playground.scroll_into_view_if_needed()
    image = playground.locator(".explorer-output img").first
    image.wait_for(timeout=LOAD)
    status = playground.locator(".explorer-status").first
    before, epoch_before = image.get_attribute("src"), _epoch(status.inner_text())
    buttons = playground.locator(".explorer-play button")
    buttons.nth(0).click()                                           # play
    page.wait_for_function(
        """([element, before]) => { const img = element.querySelector('.explorer-output img');
                                    const text = element.querySelector('.explorer-status').innerText;
                                    const epoch = parseInt((text.match(/epoch (\\d+)/) || [0, 0])[1]);
                                    return img && img.getAttribute('src') !== before && epoch >= 3; }""",
        arg=[playground.element_handle(), before], timeout=60_000)
    buttons.nth(1).click()                                           # pause
    notebook.wait_until_idle()
    after = _epoch(status.inner_text())
    assert after >= epoch_before + 3 and image.get_attribute("src") != before
    page.wait_for_timeout(1500)
    assert _epoch(status.inner_text()) == after                      # paused: no more epochs
    return status.inner_text()


def test_week07_playground_trains_when_play_is_pressed_on_a_blank_release(page, lab, workspace):
    notebook = open_path(page, lab, "release/week07/week07.ipynb", workspace)
    notebook.run_all()
    text = press_play_and_see_it_train(page, notebook)
    assert "training with the reference" in text and "your" in text, text


def test_week07_playground_trains_the_learners_own_code_once_it_is_written(page, lab, solved_week07, workspace):
    notebook = open_path(page, lab, solved_week07, workspace)
    notebook.run_all()
    assert notebook.error_outputs() == [], notebook.error_outputs()[:1]
    text = press_play_and_see_it_train(page, notebook)
    assert "training with your code: affine_forward, affine_backward" in text, text
    assert "softmax_cross_entropy, adam_step" in text, text
