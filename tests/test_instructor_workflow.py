"""The instructor's workflow, end to end, exactly as docs/instructor-workflow.md says, on a fresh clone.

The guide's blocks run in order, as written, in a `git clone` of this repository, with three stand-ins,
each announced in the guide: the clone and the existing virtualenv replace step 0, a temporary folder
replaces /srv/nbgrader/exchange, and a zip of three students' notebooks (one complete, one with a wrong
softmax, one blank) replaces the LMS download.  At the formgrader step the test starts JupyterLab on a
free loopback port, reads the formgrader's page and API, and enters a written score as the form does.
"""
from __future__ import annotations

import csv
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.notebooks import filled_in, read_text_notebook

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "docs" / "instructor-workflow.md"
WEEK = "week01"
BLOCK = re.compile(r"<!--\s*workflow-test:\s*(?P<action>[a-z_. ]+?)\s*(?:\((?P<note>.*?)\))?\s*-->\s*\n"
                   r"```(?P<language>\w+)\n(?P<code>.*?)```", re.DOTALL)
WRONG_SOFTMAX = "def softmax(z):\n    shifted = np.exp(z - z.max())\n    return shifted / shifted.sum()\n"
# LMS file names (Canvas style): name_[LATE_]studentid_submissionid_file[-n].ipynb
STUDENTS = {"lovelaceada_1001_55501_week01.ipynb": "complete",
            "turingalan_LATE_1002_55502_week01-1.ipynb": "wrong softmax",
            "hopper_1003_55503_week01.ipynb": "blank"}
IDS = {"complete": "1001", "wrong softmax": "1002", "blank": "1003"}



def guide_blocks() -> list[dict]:
    blocks = [match.groupdict() for match in BLOCK.finditer(GUIDE.read_text())]
    fenced = len(re.findall(r"^```\w+$", GUIDE.read_text(), flags=re.MULTILINE))
    assert len(blocks) == fenced, "every code block in the guide needs a <!-- workflow-test: ... --> marker"
    return blocks


def test_the_guide_covers_the_whole_workflow():
    code = "\n".join(block["code"] for block in guide_blocks())
    for command in ("autograder build", "nbgrader release_assignment", "nbgrader zip_collect", "autograder grade",
                    "jupyter lab", "autograder feedback", "nbgrader generate_feedback", "nbgrader export",
                    "autograder export"):
        assert command in code, f"the guide never runs {command!r}"
    actions = [block["action"] for block in guide_blocks()]
    assert actions[0] == "setup" and actions.count("formgrader") == 1


def clone(destination: Path) -> Path:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("the workflow starts from a git clone: needs git and a git checkout of the course")
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(destination)], check=True,
                   capture_output=True, timeout=300)
    return destination


def lms_zip(course: Path, destination: Path) -> Path:
    """What an LMS's "download all submissions" gives: the students' notebooks, named by the LMS."""
    release = nbformat.read(course / "release" / WEEK / f"{WEEK}.ipynb", as_version=4)
    source = read_text_notebook(course / "source" / WEEK / f"{WEEK}.py")
    notebooks = {"complete": filled_in(release, source),
                 "wrong softmax": filled_in(release, source, {"softmax": WRONG_SOFTMAX}),
                 "blank": release}
    with zipfile.ZipFile(destination, "w") as archive:
        for name, kind in STUDENTS.items():
            archive.writestr(name, nbformat.writes(notebooks[kind]))
    return destination


def run_block(code: str, course: Path, env: dict, substitutions: dict[str, str]) -> str:
    for literal, replacement in substitutions.items():
        code = code.replace(literal, replacement)
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", code], cwd=course, env=env, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"this block of the guide failed:\n{code}\n--- stdout\n{done.stdout[-3000:]}" \
                                 f"\n--- stderr\n{done.stderr[-5000:]}"
    return done.stdout + done.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`jupyter lab` in the course root (the formgrader is one of its server extensions)."""

    def __init__(self, course: Path, env: dict, home: Path):
        self.token, port = secrets.token_hex(16), free_port()
        self.url = f"http://127.0.0.1:{port}"
        command = [str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser", f"--port={port}",
                   "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={self.token}",
                   f"--ServerApp.root_dir={course}"]
        if os.geteuid() == 0:
            command.append("--allow-root")
        self.log = home / "formgrader.log"
        env = {**env, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
        with self.log.open("w") as sink:
            self.process = subprocess.Popen(command, cwd=course, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 90
        while True:
            assert self.process.poll() is None, f"jupyter lab exited:\n{self.log.read_text()[-3000:]}"
            try:
                self.get("/api/status")
                return
            except OSError:
                assert time.monotonic() < deadline, f"jupyter lab did not answer:\n{self.log.read_text()[-3000:]}"
                time.sleep(0.5)

    def request(self, path: str, data: dict | None = None, method: str = "GET"):
        request = urllib.request.Request(self.url + path, method=method,
                                         data=None if data is None else json.dumps(data).encode(),
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.geturl(), response.read().decode()

    def get(self, path: str) -> str:
        return self.request(path)[1]

    def api(self, path: str, data: dict | None = None, method: str = "GET"):
        return json.loads(self.request(f"/formgrader/api/{path}", data, method)[1])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def points(course: Path, *grade_ids: str) -> float:
    notebook = read_text_notebook(course / "source" / WEEK / f"{WEEK}.py")
    meta = [cell.metadata.get("nbgrader", {}) for cell in notebook.cells]
    return float(sum(m.get("points", 0) for m in meta if m.get("grade_id") in grade_ids))


def manual_points(course: Path) -> float:
    notebook = read_text_notebook(course / "source" / WEEK / f"{WEEK}.py")
    return float(sum(cell.metadata["nbgrader"].get("points", 0) for cell in notebook.cells
                     if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("grade")))


def check_formgrader(server: Server) -> dict:
    """What an instructor sees in formgrader, and a written score entered as the form does."""
    final_url, page = server.request("/formgrader")
    assert final_url.endswith("/formgrader/manage_assignments") and "<title>nbgrader formgrade</title>" in page
    submissions = {entry["student"]: entry for entry in server.api(f"submissions/{WEEK}")}
    assert set(submissions) == set(IDS.values())
    assert all(entry["autograded"] and entry["needs_manual_grade"] for entry in submissions.values())

    notebooks = {entry["student"]: entry for entry in server.api(f"submitted_notebooks/{WEEK}/{WEEK}")}
    wrong = notebooks[IDS["wrong softmax"]]
    graded_page = server.get(f"/formgrader/submissions/{wrong['id']}/")
    assert "not normalised" in graded_page           # our verdict on the wrong softmax, in the graded notebook
    assert 'id="softmax_hidden"' in graded_page       # with a score box per graded cell

    complete = notebooks[IDS["complete"]]
    grades = server.api(f"grades?submission_id={complete['id']}")
    written = [grade for grade in grades if grade["needs_manual_grade"] and grade["cell_type"] == "markdown"]
    assert written, "the complete submission should wait for a written score"
    for grade in written:
        server.api(f"grade/{grade['id']}", {"manual_score": grade["max_score"]}, method="PUT")
    return submissions


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_an_instructor_follows_the_guide_from_a_fresh_clone(tmp_path):
    course = clone(tmp_path / "ml-course")
    exchange = tmp_path / "exchange"
    download = lms_zip(course, tmp_path / "submissions.zip")
    committed_release = (course / "release" / WEEK / f"{WEEK}.ipynb").read_bytes()
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(course),               # the clone's own course and autograder packages
           "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config"), "MPLBACKEND": "Agg"}
    substitutions = {"/srv/nbgrader/exchange": str(exchange), "~/Downloads/submissions.zip": str(download)}
    outputs, submissions = {}, None

    for block in guide_blocks():
        action, code = block["action"], block["code"]
        if action == "setup":
            continue                                  # done above: clone + this virtualenv
        if action == "append to nbgrader_config.py":
            for literal, replacement in substitutions.items():
                code = code.replace(literal, replacement)
            with (course / "nbgrader_config.py").open("a") as config:
                config.write("\n" + code)
        elif action == "formgrader":
            server = Server(course, env, tmp_path)
            try:
                submissions = check_formgrader(server)
            finally:
                server.stop()
        else:
            assert action == "run", f"unknown marker in the guide: {action!r}"
            outputs[code] = run_block(code, course, env, substitutions)

    # 2. the build reproduced the committed release exactly
    assert (course / "release" / WEEK / f"{WEEK}.ipynb").read_bytes() == committed_release
    # 3. released to the exchange
    assert (exchange / "ml-course" / "outbound" / WEEK / f"{WEEK}.ipynb").exists()
    # 4. one submission per student, named as nbgrader expects
    collected = next(output for code, output in outputs.items() if "nbgrader zip_collect" in code)
    assert f"{len(STUDENTS)} files collected" in collected, collected[-2000:]
    assert {p.parent.parent.name for p in course.glob(f"submitted/*/{WEEK}/{WEEK}.ipynb")} == set(IDS.values())
    # 5. the scores: full, minus softmax's points, nothing
    auto_max = points(course, *[c.metadata["nbgrader"]["grade_id"] for c in read_text_notebook(
        course / "source" / WEEK / f"{WEEK}.py").cells if c.metadata.get("nbgrader", {}).get("grade")
        and c.cell_type == "code"])
    softmax = points(course, "softmax_public", "softmax_hidden")
    with (course / "reports" / WEEK / "grades.csv").open() as table:
        auto = {row["student"]: float(row["auto_score"]) for row in csv.DictReader(table)}
    assert auto == {IDS["complete"]: auto_max, IDS["wrong softmax"]: auto_max - softmax, IDS["blank"]: 0.0}
    assert (course / "reports" / WEEK / "report.png").exists()
    # 6. formgrader showed the same scores as the grader's table
    assert {student: entry["score"] for student, entry in submissions.items()} == auto
    # 7. feedback pages, ours and nbgrader's
    for student in IDS.values():
        assert (course / "reports" / WEEK / "feedback" / f"{student}.html").exists()
        assert (course / "feedback" / student / WEEK / f"{WEEK}.html").exists()
    ours = (course / "reports" / WEEK / "feedback" / f"{IDS['wrong softmax']}.html").read_text()
    assert "not normalised" in ours and "### BEGIN SOLUTION" not in ours
    # 8. the export, written score included
    with (course / "grades.csv").open() as table:
        exported = {row["student_id"]: row for row in csv.DictReader(table)}
    assert set(exported) == set(IDS.values())
    full = auto_max + manual_points(course)
    assert float(exported[IDS["complete"]]["score"]) == full == float(exported[IDS["complete"]]["max_score"])
    assert float(exported[IDS["wrong softmax"]]["score"]) == auto_max - softmax
    assert float(exported[IDS["blank"]]["score"]) == 0.0
    # 9. the same scores in Canvas's import layout, under the Points Possible row
    with (course / "reports" / WEEK / "canvas.csv").open() as table:
        canvas = list(csv.reader(table))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", WEEK]
    assert canvas[1][0] == "Points Possible" and float(canvas[1][-1]) == full
    assert {row[3]: float(row[-1]) for row in canvas[2:]} == {student: float(row["score"])
                                                              for student, row in exported.items()}
    assert (course / "reports" / WEEK / "moodle.csv").exists()
