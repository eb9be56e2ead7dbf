"""How long does an explorer update take as a learner feels it: key press on a slider -> new picture shown?

Starts JupyterLab on a scratch copy of the course (as the browser tests do), opens a small notebook that builds
every explorer in a cell of its own (with the reference implementations, as in a blank release), and in headless
Chromium focuses each visible slider of each explorer and presses the arrow keys.  For every press it measures,
in the page, from the keydown event to the explorer's new image being decoded and painted (the next animation
frame after the ``<img>`` with a new ``src`` decodes), and prints per explorer the median and p90 in
milliseconds, beside the machine's load average and the kernel's own part (the status line's "updated in N ms").

``--variant NAME=DIR`` (repeatable) measures other versions of ``course/explorers`` (a folder of its modules, e.g.
the committed ones from ``git show``) in the same run: each variant gets its own copy of the course and its own
kernel, and the variants take turns explorer by explorer, so a change in the machine's load hits all of them.

    .venv/bin/python bench/explorer_updates_browser.py
    .venv/bin/python bench/explorer_updates_browser.py --variant before=/tmp/explorers-HEAD --presses 3

Needs Debian's chromium at /usr/bin/chromium and playwright (a dev dependency), like tests/browser/.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from jupyterlab_driver import Lab, Notebook, wait_until_serving  # noqa: E402

CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage"]
LAB_SETTINGS = {   # as tests/browser/conftest.py: no pop-ups, no autosave, every cell in the DOM
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
# The explorers the in-process bench moves (its own list and every bench/explorer_changes_NAME.py), by name.
EXPLORERS = [name for name, _ in importlib.import_module("explorer_updates").EXPLORERS]
BUDGET_MS = 150.0
PRESS_TIMEOUT_MS = 4000   # no new picture by then: the key did not change the value
SETTLE_MS = 400           # the picture unchanged this long after an update: the kernel is done with it
VERBOSE = bool(os.environ.get("BENCH_VERBOSE"))

# In the page: arm(cell) waits for the next keydown, then for a new image in the cell's explorer output;
# wait() gives the milliseconds from the key to the frame after the new image decoded (null: none came).
WATCHER = """
() => {
  window.__bench = {
    arm(cell) {
      const old = cell.querySelector('.explorer-output img');
      const before = old ? old.src : null;
      const state = {t0: null};
      document.addEventListener('keydown', event => { state.t0 = event.timeStamp; }, {once: true, capture: true});
      state.done = new Promise(resolve => {
        const check = () => {
          const img = cell.querySelector('.explorer-output img');
          if (!img || img.src === before || state.t0 === null) return;
          observer.disconnect();
          const finish = () => requestAnimationFrame(() => resolve(performance.now() - state.t0));
          img.decode().then(finish, finish);
        };
        const observer = new MutationObserver(check);
        observer.observe(cell, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
      });
      window.__bench.state = state;
    },
    settle(cell, quiet) {   // resolves once no image changed in the cell for `quiet` ms (at most 10 s)
      return new Promise(resolve => {
        let timer = setTimeout(done, quiet);
        const cap = setTimeout(done, 10000);
        const observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, quiet); });
        function done() { observer.disconnect(); clearTimeout(timer); clearTimeout(cap); resolve(); }
        observer.observe(cell, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
      });
    },
    wait(timeout) {
      return Promise.race([window.__bench.state.done, new Promise(r => setTimeout(() => r(null), timeout))]);
    },
  };
}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def notebook_json() -> dict:
    def cell(source: str) -> dict:
        return {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": source}
    cells = [cell("import course\nprint(course.__file__)")]
    cells += [cell(f"from course.explorers import {name}\n{name}()") for name in EXPLORERS]
    return {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                                        "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}


def prepare(root: Path, variants: dict[str, Path | None]) -> None:
    """One folder per variant: the course package (with that variant's explorers) and the bench notebook."""
    for name, explorers in variants.items():
        folder = root / name
        shutil.copytree(REPO / "course", folder / "course",
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        if explorers is not None:
            for module in Path(explorers).glob("*.py"):
                shutil.copy(module, folder / "course" / "explorers" / module.name)
        (folder / "explorers.ipynb").write_text(json.dumps(notebook_json()))


def start_lab(root: Path, home: Path):
    settings = home / "settings"
    for relative, values in LAB_SETTINGS.items():
        (settings / relative).parent.mkdir(parents=True, exist_ok=True)
        (settings / relative).write_text(json.dumps(values))
    token, port = secrets.token_hex(16), free_port()
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "IPYTHONDIR": str(home / "ipython"), "XDG_CACHE_HOME": str(home / "cache")}
    env.pop("JUPYTER_TOKEN", None)
    env.pop("PYTHONSAFEPATH", None)   # the kernel must find the variant's course/ in its working folder
    command = [str(bin_dir / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ServerApp.port_retries=0",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}",
               f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={home / 'workspaces'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = home / "jupyterlab.log"
    with log.open("w") as sink:
        server = subprocess.Popen(command, cwd=root, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(server, url, token, log)
    except RuntimeError:
        server.terminate()
        raise
    return server, Lab(url=url, token=token, root=root, log=log)


def kernel_ms(cell) -> float | None:
    """The update time the explorer's status line reports ("updated in N ms": the kernel's part)."""
    match = re.search(r"updated in (\d+) ms", cell.locator(".explorer-status").first.inner_text())
    return float(match.group(1)) if match else None


def press_and_time(page, cell, handle, key: str) -> float | None:
    """Milliseconds from the key press to the new picture, or None when no new picture came (the slider was at
    the end of its range).  Then waits until the picture has stayed the same for a moment, so that no late
    picture is taken for the next press's."""
    page.evaluate("cell => window.__bench.arm(cell)", cell.element_handle())
    handle.press(key)
    elapsed = page.evaluate(f"() => window.__bench.wait({PRESS_TIMEOUT_MS})")
    page.evaluate(f"cell => window.__bench.settle(cell, {SETTLE_MS})", cell.element_handle())
    return elapsed


def sliders(cell):
    handles = cell.locator(".widget-slider [role=slider]")
    return [handles.nth(i) for i in range(handles.count()) if handles.nth(i).is_visible()]


def measure_explorer(page, notebook: Notebook, index: int, presses: int) -> tuple[list[float], int, list[float]]:
    """Times of every key press that changed a slider's value on explorer ``index``, how many did not (a slider
    at the end of its range), and the kernel's part of each update (from the status line)."""
    cell = notebook.code_cells().nth(index + 1)
    cell.scroll_into_view_if_needed()
    times, missed, kernel = [], 0, []
    for handle in sliders(cell):
        handle.focus()
        for key in ["ArrowRight"] * presses + ["ArrowLeft"] * presses:
            elapsed = press_and_time(page, cell, handle, key)
            if VERBOSE:
                print(f"  {key} ms={elapsed}", flush=True)
            if elapsed is None:
                missed += 1
            else:
                times.append(float(elapsed))
                kernel.append(kernel_ms(cell))
    return times, missed, [k for k in kernel if k is not None]


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variant", action="append", default=[],
                        help="NAME=DIR: also measure the explorers in DIR (a folder of course/explorers modules)")
    parser.add_argument("--presses", type=int, default=3, help="key presses each way on every slider")
    parser.add_argument("--only", nargs="*", help="explorer names to measure (default: all)")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"needs chromium at {CHROMIUM}", file=sys.stderr)
        return 2
    variants: dict[str, Path | None] = {"current": None}
    for spec in args.variant:
        name, _, folder = spec.partition("=")
        variants[name] = Path(folder)
    wanted = [name for name in EXPLORERS if not args.only or name in args.only]

    from playwright.sync_api import sync_playwright

    scratch = Path(tempfile.mkdtemp(prefix="explorer-bench-"))
    server = None
    results: dict[tuple[str, str], tuple[list[float], int, list[float]]] = {}
    loads: list[str] = [load()]
    try:
        prepare(scratch / "root", variants)
        server, lab = start_lab(scratch / "root", scratch / "home")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            pages = {}
            for name in variants:   # one tab (and kernel) per variant, each notebook run to the end
                page = context.new_page()
                page.set_default_timeout(90_000)
                page.goto(lab.tree_url(f"{name}/explorers.ipynb", f"bench-{name}"), timeout=90_000)
                notebook = Notebook(page).wait_until_ready()
                notebook.run_all()
                where = notebook.outputs_text(notebook.code_cells().nth(0)).strip()
                expected = str(scratch / "root" / name / "course")
                if not where.startswith(expected):
                    raise RuntimeError(f"variant {name} imported course from {where!r}, not {expected}")
                page.evaluate(WATCHER)
                pages[name] = (page, notebook)
            for explorer in wanted:
                index = EXPLORERS.index(explorer)
                for name, (page, notebook) in pages.items():
                    page.bring_to_front()
                    results[(explorer, name)] = measure_explorer(page, notebook, index, args.presses)
                loads.append(load())
            browser.close()
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(scratch, ignore_errors=True)

    print(f"key press -> new picture shown, in ms (load average before: {loads[0]}; after: {loads[-1]}; "
          f"{os.cpu_count()} CPUs)")
    print(f"{'explorer':<28}{'variant':<10}{'presses':>8}{'median':>9}{'p90':>9}{'max':>9}"
          f"{'kernel median':>15}")
    ok = True
    for explorer in wanted:
        for name in variants:
            times, missed, kernel = results[(explorer, name)]
            if not times:
                print(f"{explorer:<28}{name:<10}{0:>8}   (no update seen)")
                ok = False
                continue
            t = np.array(times)
            print(f"{explorer:<28}{name:<10}{len(t):>8}{np.median(t):>9.0f}{np.percentile(t, 90):>9.0f}"
                  f"{t.max():>9.0f}{np.median(kernel) if kernel else float('nan'):>15.0f}"
                  + (f"   ({missed} presses at an end of a range)" if missed else ""))
            if name == "current":
                ok &= bool(np.median(t) <= BUDGET_MS)
    print(f"budget: median <= {BUDGET_MS:.0f} ms for every explorer ('current'): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
