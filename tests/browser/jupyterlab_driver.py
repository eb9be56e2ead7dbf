"""Driving JupyterLab 4 in a real browser (Playwright): open, run, read and edit notebooks as a person does.

Only user-facing routes: URLs, the menu bar, the file browser's context menu, clicks and keys in cells.
Selectors are JupyterLab 4's DOM classes; waits are generous because CI machines are slow.
"""
from __future__ import annotations

import re
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Locator, Page

SECOND = 1000                       # Playwright timeouts are in milliseconds
LOAD = 90 * SECOND                  # JupyterLab's first load, a notebook opening, a kernel starting
RUN = 180 * SECOND                  # running a whole notebook
ERROR_OUTPUT = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"


@dataclass
class Lab:
    """A running JupyterLab server over a copy of the course."""
    url: str
    token: str
    root: Path
    log: Path

    def tree_url(self, path: str, workspace: str) -> str:
        # A workspace per test (reset on load) so that no tab from another test is restored.
        return f"{self.url}/lab/workspaces/{quote(workspace)}/tree/{quote(path)}?reset&token={self.token}"


class Notebook:
    """The notebook currently shown in JupyterLab's main area."""

    def __init__(self, page: Page):
        self.page = page
        self.panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").last

    # ------------------------------------------------------------------ state

    def wait_until_ready(self) -> "Notebook":
        self.panel.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=LOAD)
        self.wait_until_idle()
        return self

    def kernel_status(self) -> str | None:
        return self.panel.locator(".jp-Notebook-ExecutionIndicator").first.get_attribute("data-status")

    def wait_until_idle(self, timeout: float = RUN, settle: float = 1.5) -> None:
        """Kernel idle, no cell waiting to run ([*]), and staying so for ``settle`` seconds."""
        deadline = time.monotonic() + timeout / SECOND
        calm_since = None
        while time.monotonic() < deadline:
            busy = self.kernel_status() != "idle" or self.panel.locator(".jp-InputPrompt", has_text="[*]").count()
            if busy:
                calm_since = None
            elif calm_since is None:
                calm_since = time.monotonic()
            elif time.monotonic() - calm_since >= settle:
                return
            self.page.wait_for_timeout(250)
        raise TimeoutError(f"the kernel did not become idle within {timeout / SECOND:.0f} s "
                           f"(status {self.kernel_status()!r})")

    def code_cells(self) -> Locator:
        return self.panel.locator(".jp-CodeCell")

    def code_cell(self, containing: str | re.Pattern) -> Locator:
        """The first code cell whose source contains ``containing`` (or matches it, for a pattern)."""
        cell = self.code_cells().filter(has=self.page.locator(".jp-InputArea-editor", has_text=containing)).first
        cell.wait_for(timeout=LOAD)
        return cell

    def error_outputs(self) -> list[str]:
        return [text.strip() for text in self.panel.locator(ERROR_OUTPUT).all_text_contents()]

    def execution_counts(self) -> list[str]:
        return [text.strip() for text in self.panel.locator(".jp-CodeCell .jp-InputPrompt").all_text_contents()]

    # ------------------------------------------------------------------ actions

    def menu(self, top: str, item: str) -> None:
        """Click ``top`` in the menu bar, then ``item`` in the menu that opens."""
        self.page.locator(".lm-MenuBar-item", has=self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(
            rf"^{re.escape(top)}$"))).first.click()
        entry = self.page.locator(".lm-Menu:visible .lm-Menu-item", has=self.page.locator(
            ".lm-Menu-itemLabel", has_text=re.compile(rf"^{re.escape(item)}$"))).first
        entry.click()

    def run_all(self) -> None:
        """Run > Run All Cells, chosen again if no prompt changes within 15 s (on a loaded machine the click can
        land before the menu has drawn its items: every prompt then stayed `[ ]` and the wait saw an idle kernel)."""
        before = self.execution_counts()
        for attempt in range(3):
            if attempt:
                self.page.keyboard.press("Escape")  # a menu the last click left open
            self.menu("Run", "Run All Cells")
            deadline = time.monotonic() + 15
            while self.execution_counts() == before and time.monotonic() < deadline:
                self.page.wait_for_timeout(250)
            if self.execution_counts() != before:
                break
        self.wait_until_idle()

    def run_cell(self, cell: Locator) -> None:
        cell.locator(".jp-InputArea-editor .cm-content").click()
        self.page.keyboard.press("Control+Enter")
        self.page.wait_for_timeout(500)
        self.wait_until_idle()

    def replace_source(self, cell: Locator, source: str) -> None:
        """Select everything in the cell's editor and type ``source`` instead (as one paste-like input)."""
        cell.locator(".cm-content").click()
        self.page.keyboard.press("Control+a")
        self.page.keyboard.press("Delete")
        self.page.keyboard.insert_text(source)

    def outputs_text(self, cell: Locator) -> str:
        return "\n".join(cell.locator(".jp-OutputArea-output").all_text_contents())

    def save(self) -> None:
        """Ctrl+S, pressed again if the save does not show (a busy machine or an editor that kept the key)."""
        tab = self.page.locator(".lm-DockPanel .lm-TabBar-tab.jp-mod-current").first
        for attempt in range(3):
            if attempt:
                self.page.keyboard.press("Escape")  # command mode, where Ctrl+S always means save
            self.page.keyboard.press("Control+s")
            for _ in range(80):
                if "jp-mod-dirty" not in (tab.get_attribute("class") or ""):
                    return
                self.page.wait_for_timeout(250)
        raise TimeoutError("the notebook still shows unsaved changes after three Ctrl+S, 20 s apart")


def wait_until_serving(server: subprocess.Popen, url: str, token: str, log: Path, what: str = "jupyter lab",
                       seconds: float = 90) -> None:
    """Block until the server answers /api/status; raise with the end of its log if it exits or stays silent."""
    deadline = time.monotonic() + seconds
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"{what} exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer within {seconds:g} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)


def open_path(page: Page, lab: Lab, path: str, workspace: str) -> Notebook:
    page.goto(lab.tree_url(path, workspace), timeout=LOAD)
    return Notebook(page).wait_until_ready()


def open_with(page: Page, lab: Lab, folder: str, name: str, viewer: str, workspace: str) -> Notebook:
    """File browser: go to ``folder``, right-click ``name``, Open With -> ``viewer``."""
    page.goto(lab.tree_url(folder, workspace), timeout=LOAD)
    item = page.locator(".jp-DirListing-item", has=page.locator(".jp-DirListing-itemText", has_text=re.compile(
        rf"^{re.escape(name)}$"))).first
    item.wait_for(timeout=LOAD)
    item.click(button="right")
    page.locator(".lm-Menu:visible .lm-Menu-item", has=page.locator(".lm-Menu-itemLabel", has_text=re.compile(
        r"^Open With$"))).first.hover()
    page.locator(".lm-Menu:visible .lm-Menu-item", has=page.locator(".lm-Menu-itemLabel", has_text=re.compile(
        rf"^{re.escape(viewer)}$"))).first.click()
    return Notebook(page).wait_until_ready()
