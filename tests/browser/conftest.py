"""Fixtures for the real-browser tests: a copy of the course, JupyterLab serving it, headless Chromium.

The tests need Debian's chromium at /usr/bin/chromium (CI: `apt-get install -y chromium`) and the Python
package playwright; without them they are skipped with the reason.  `playwright install` is never needed:
Playwright drives the system's Chromium.  When a test fails, a screenshot of the page and the browser's
console log are saved to tests/browser/screenshots/<test>.png / .log (for every test, passed or not, with
BROWSER_SCREENSHOTS=always).
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from .jupyterlab_driver import Lab, wait_until_serving

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage"]
NOT_COPIED = shutil.ignore_patterns(".venv", ".git", "__pycache__", ".pytest_cache", ".hypothesis", "*.egg-info",
                                    ".ipynb_checkpoints", "gradebook.db", "submitted", "autograded", "feedback",
                                    "downloaded", "reports", "screenshots", "build", "node_modules")
# JupyterLab settings for the test server: no news pop-up, no update check, no autosave (a test saves
# only when it means to), and every cell attached to the page (the default windowing leaves off-screen
# cells out of the DOM, which hides sliders and outputs).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives JupyterLab in headless Chromium (needs /usr/bin/chromium)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        reason = f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI"):  # .ci/run installs it: under CI a skip would hide a broken set-up
            pytest.fail(reason)
        pytest.skip(reason)
    import playwright.sync_api  # noqa: F401 (a dev dependency: missing means a broken set-up, not a skip)
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def copy_course(destination: Path) -> Path:
    """The repository's files as a learner gets them (no virtualenv, no git, no local grading output)."""
    shutil.copytree(REPO, destination, ignore=NOT_COPIED)
    return destination


@pytest.fixture(scope="session")
def course_copy(tmp_path_factory, chromium) -> Path:
    return copy_course(tmp_path_factory.mktemp("browser") / "course")


@pytest.fixture(scope="session")
def lab(course_copy: Path, tmp_path_factory) -> Lab:
    """JupyterLab (the virtualenv's `jupyter lab`) on a free loopback port, serving the course copy."""
    home = tmp_path_factory.mktemp("lab-home")
    settings = home / "settings"
    for relative, values in LAB_SETTINGS.items():
        (settings / relative).parent.mkdir(parents=True, exist_ok=True)
        (settings / relative).write_text(json.dumps(values))
    token, port = secrets.token_hex(16), free_port()
    bin_dir = Path(sys.executable).parent
    env = {**os.environ,
           "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "JUPYTER_CONFIG_DIR": str(home / "config"),     # no ~/.jupyter settings leak into the tests
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "IPYTHONDIR": str(home / "ipython"),
           "XDG_CACHE_HOME": str(home / "cache")}
    env.pop("JUPYTER_TOKEN", None)
    command = [str(bin_dir / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ServerApp.port_retries=0",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={token}", f"--ServerApp.root_dir={course_copy}",
               f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={home / 'workspaces'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = home / "jupyterlab.log"
    with log.open("w") as sink:
        server = subprocess.Popen(command, cwd=course_copy, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(server, url, token, log)
        yield Lab(url=url, token=token, root=course_copy, log=log)
    finally:
        server.terminate()  # jupyter server shuts its kernels down on SIGTERM
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def browser_context(chromium, tmp_path_factory):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(chromium), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 900})
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser_context, lab, request):
    page = browser_context.new_page()
    page.set_default_timeout(60_000)
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    yield page
    failed = any(getattr(request.node, f"report_{when}", None) and getattr(request.node, f"report_{when}").failed
                 for when in ("setup", "call"))
    if failed or os.environ.get("BROWSER_SCREENSHOTS") == "always":
        SCREENSHOTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        except Exception as error:  # noqa: BLE001 (a dead page cannot be photographed; say so in the log)
            console.append(f"(no screenshot: {error})")
        (SCREENSHOTS / f"{name}.log").write_text("\n".join(console) + "\n\n--- jupyterlab.log (tail) ---\n"
                                                  + lab.log.read_text()[-5000:])
    page.close()


@pytest.fixture
def workspace(request) -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "-", request.node.name)[:60]
