"""What a learner's JupyterLab shows: `make lab` (and Binder, through ./start) vs `make lab-instructor`.

Each case starts JupyterLab the way the README says, with `make` in a copy of the course (the copy's .venv is
a link to this virtualenv; `-o .venv/.installed` keeps make from reinstalling anything), for a user with an
empty Jupyter config dir (a fresh machine, or Binder), and opens the landing notebook in Chromium.  The
student set-up must show no "Jupyter news?" pop-up and none of nbgrader's instructor tools; the instructor
set-up must show both, so that neither check can pass because the page failed to load or the selectors went
stale.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import SCREENSHOTS, copy_course, free_port
from .jupyterlab_driver import LOAD, SECOND, Lab, Notebook, open_path, wait_until_serving

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which("make") is None, reason="starts JupyterLab with make")]
VENV = Path(sys.executable).parent.parent
NEWS = "Would you like to get notified about official Jupyter news?"
INSTRUCTOR_PLUGINS = ["@jupyter/nbgrader:menu", "@jupyter/nbgrader:formgrader",
                      "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:course-list",
                      "@jupyter/nbgrader:assignment-list"]
QUIET = 8 * SECOND      # how long the student page must stay free of the news pop-up after the notebook is ready


@contextmanager
def make_lab(target: str, tmp_path: Path):
    """`make <target>` serving a copy of the course on a free loopback port, as a user with no Jupyter config."""
    course = copy_course(tmp_path / "course")
    (course / ".venv").symlink_to(VENV, target_is_directory=True)
    home = tmp_path / "home"
    token, port = secrets.token_hex(16), free_port()
    lab_args = [f"--port={port}", "--no-browser", "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.token={token}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        lab_args.append("--allow-root")
    env = {key: value for key, value in os.environ.items()
           if key not in ("JUPYTER_TOKEN", "JUPYTER_CONFIG_PATH", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env.update(JUPYTER_CONFIG_DIR=str(home / "config"),      # a fresh user: no ~/.jupyter, no user settings
               JUPYTER_DATA_DIR=str(home / "data"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               IPYTHONDIR=str(home / "ipython"), XDG_CACHE_HOME=str(home / "cache"))
    log = tmp_path / "jupyterlab.log"
    with log.open("w") as sink:
        server = subprocess.Popen(["make", "-o", ".venv/.installed", target, f"LAB_ARGS={' '.join(lab_args)}"],
                                  cwd=course, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(server, url, token, log, f"make {target}")
        yield Lab(url=url, token=token, root=course, log=log)
    finally:
        # make and jupyter lab share the new session's process group: stop both (jupyter shuts its kernels down).
        try:
            os.killpg(server.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.fixture
def lab_page(browser_context, request):
    page = browser_context.new_page()
    page.set_default_timeout(60_000)
    yield page
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    if failed or os.environ.get("BROWSER_SCREENSHOTS") == "always":
        SCREENSHOTS.mkdir(exist_ok=True)
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"))
        except Exception:  # noqa: BLE001 (a dead page cannot be photographed)
            pass
    page.close()


def page_config(page) -> dict:
    return json.loads(page.locator("#jupyter-config-data").text_content())


def menu_bar_labels(page) -> list[str]:
    return [text.strip() for text in page.locator(".lm-MenuBar-itemLabel").all_text_contents()]


def side_bar_titles(page) -> list[str]:
    tabs = page.locator(".jp-SideBar .lm-TabBar-tab")
    return [" ".join(filter(None, [tabs.nth(i).get_attribute("title"), tabs.nth(i).inner_text()]))
            for i in range(tabs.count())]


def palette_labels(page, query: str) -> list[str]:
    """The command palette's entries for ``query`` (opened and closed again with the keyboard)."""
    page.keyboard.press("Escape")
    page.keyboard.press("Control+Shift+c")
    search = page.locator(".lm-CommandPalette-input:visible").first
    search.wait_for(timeout=LOAD)
    search.fill(query)
    page.wait_for_timeout(500)
    labels = [text.strip() for text in page.locator(".lm-CommandPalette-item:visible .lm-CommandPalette-itemLabel")
              .all_text_contents()]
    page.keyboard.press("Escape")
    return labels


def news_shown(page) -> bool:
    return page.get_by_text(NEWS).count() > 0


def open_landing_notebook(page, lab: Lab) -> Notebook:
    notebook = open_path(page, lab, "START_HERE.ipynb", "lab-setup")
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Help$")).first.wait_for(timeout=LOAD)
    return notebook


def test_make_lab_shows_a_learner_no_news_popup_and_no_instructor_tools(lab_page, tmp_path):
    page = lab_page
    with make_lab("lab", tmp_path) as lab:
        notebook = open_landing_notebook(page, lab)
        disabled = page_config(page).get("disabledExtensions", [])
        assert set(INSTRUCTOR_PLUGINS) <= set(disabled), f"jupyter-config/ did not reach the server: {disabled}"

        deadline = time.monotonic() + QUIET / SECOND
        while time.monotonic() < deadline:
            assert not news_shown(page), "the 'Jupyter news?' pop-up appeared"
            page.wait_for_timeout(250)
        assert "Nbgrader" not in menu_bar_labels(page), menu_bar_labels(page)
        assert not [t for t in side_bar_titles(page) if "Create Assignment" in t], side_bar_titles(page)
        assert not [t for t in palette_labels(page, "formgrader") if "Formgrader" in t]
        assert not [t for t in palette_labels(page, "assignment") if re.search("Create assignment|Assignment List",
                                                                                 t, re.I)]
        # The student side of nbgrader stays: the notebook's Validate button.
        assert notebook.panel.locator(".jp-Toolbar", has_text="Validate").count(), "nbgrader's Validate button"
        if os.environ.get("BROWSER_SCREENSHOTS") == "always":
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "make_lab_student.png"))


def test_make_lab_instructor_keeps_nbgrader_and_jupyterlab_defaults(lab_page, tmp_path):
    page = lab_page
    with make_lab("lab-instructor", tmp_path) as lab:
        open_landing_notebook(page, lab)
        assert not set(INSTRUCTOR_PLUGINS) & set(page_config(page).get("disabledExtensions", []))
        page.get_by_text(NEWS).first.wait_for(timeout=30 * SECOND)   # stock JupyterLab asks; the student page must not
        if os.environ.get("BROWSER_SCREENSHOTS") == "always":
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "make_lab_instructor.png"))
        assert "Nbgrader" in menu_bar_labels(page), menu_bar_labels(page)
        assert [t for t in side_bar_titles(page) if "Create Assignment" in t], side_bar_titles(page)
        assert [t for t in palette_labels(page, "formgrader") if "Formgrader" in t]
        Notebook(page).menu("Nbgrader", "Formgrader")
        page.locator(".lm-TabBar-tab", has_text="Formgrader").first.wait_for(timeout=LOAD)
