"""Batch guarantees: deterministic regrades, resume after kill -9, an external Dask cluster,
and nbgrader's own tools (export, generate_feedback, the formgrader's API) on our gradebook."""
from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.batch import read_ledger
from autograder.commands import grade
from autograder.sandbox import Limits

from .course_fixture import AUTO_POINTS, hand_in, make_course, submission

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
LIMITS = Limits(memory_mb=1024, cell_timeout=20, notebook_timeout=60)
WRONG = {"softmax": "def softmax(z):\n    return z"}


def _env():
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}


def _class(root: Path, size: int, slow: float = 0.0) -> dict[str, int]:
    """``size`` students, alternately honest and wrong; returns the expected auto scores."""
    expected = {}
    delay = f"import time\ntime.sleep({slow})\n" if slow else ""
    for number in range(size):
        student = f"s{number:02d}"
        answers = {"q1": f'{delay}q1_answer = "b"'}
        if number % 2:
            answers.update(WRONG)
        hand_in(root, student, submission(root, answers))
        expected[student] = 4 if number % 2 else AUTO_POINTS
    return expected


def _gradebook_scores(root: Path) -> dict[str, float]:
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assignment = gradebook.find_assignment("week98")
        return {s.student.id: sum(g.auto_score or 0 for g in s.notebooks[0].grades) for s in assignment.submissions}


def test_regrading_gives_the_same_scores_and_seeds(tmp_path):
    root = make_course(tmp_path)
    expected = _class(root, 4)
    first = grade(root, "week98", students=None, workers=2, scheduler=None, limits=LIMITS, out=io.StringIO())
    ledgers = {s: read_ledger(root, s, "week98")["week98.ipynb"] for s in expected}
    out = io.StringIO()
    again = grade(root, "week98", students=None, workers=2, scheduler=None, limits=LIMITS, out=out)
    assert "4 already graded and unchanged; 0 to grade" in out.getvalue()
    forced = grade(root, "week98", students=None, workers=2, scheduler=None, limits=LIMITS, force=True,
                   out=io.StringIO())
    for rows in (first, again, forced):
        assert {r["student"]: r["auto_score"] for r in rows} == expected
    for student, before in ledgers.items():
        after = read_ledger(root, student, "week98")["week98.ipynb"]
        assert after["seed"] == before["seed"]
        assert [v["message"] for v in after["verdicts"]] == [v["message"] for v in before["verdicts"]]
    assert len({ledger["seed"] for ledger in ledgers.values()}) == len(ledgers), "one seed per student"
    assert _gradebook_scores(root) == expected


def test_a_batch_killed_with_sigkill_resumes_without_losing_or_double_counting(tmp_path):
    root = make_course(tmp_path)
    expected = _class(root, 12, slow=0.7)
    command = [str(BIN / "autograder"), "grade", "week98", "--workers", "2", "--timeout", "20"]
    batch = subprocess.Popen(command, cwd=root, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and batch.poll() is None:
        if len(list((root / "autograded").glob("*/week98/.autograder.json"))) >= 3:
            break
        time.sleep(0.05)
    assert batch.poll() is None, "the batch finished before it could be killed: " + batch.stdout.read().decode()
    os.killpg(batch.pid, signal.SIGKILL)
    batch.wait()
    done_before = len(list((root / "autograded").glob("*/week98/.autograder.json")))
    assert 3 <= done_before < len(expected)

    rerun = subprocess.run(command, cwd=root, env=_env(), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert f"{done_before} already graded and unchanged" in rerun.stdout
    assert _gradebook_scores(root) == expected
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assert len(gradebook.find_assignment("week98").submissions) == len(expected)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_grading_through_an_existing_dask_scheduler_and_two_workers(tmp_path):
    root = make_course(tmp_path)
    expected = _class(root, 4)
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                   "--no-dashboard"], env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        time.sleep(2)
        processes += [subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--nworkers", "1",
                                        "--no-dashboard", "--no-nanny"], env=_env(), stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL) for _ in range(2)]
        from dask.distributed import Client
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        out = io.StringIO()
        rows = grade(root, "week98", students=None, workers=None, scheduler=address, limits=LIMITS, out=out)
        assert "the Dask scheduler at tcp://127.0.0.1" in out.getvalue()
        assert {r["student"]: r["auto_score"] for r in rows} == expected
    finally:
        for process in processes:
            process.kill()
            process.wait()


def test_nbgrader_export_feedback_and_formgrader_api_work_on_our_gradebook(tmp_path):
    root = make_course(tmp_path)
    expected = _class(root, 2)
    grade(root, "week98", students=None, workers=1, scheduler=None, limits=LIMITS, out=io.StringIO())

    export = subprocess.run([str(BIN / "nbgrader"), "export", "--to", "grades.csv"], cwd=root, env=_env(),
                            capture_output=True, text=True)
    assert export.returncode == 0, export.stderr
    rows = (root / "grades.csv").read_text().splitlines()
    assert len(rows) == 1 + len(expected) and all(f"{s}," in "\n".join(rows) for s in expected)

    feedback = subprocess.run([str(BIN / "nbgrader"), "generate_feedback", "week98", "--force"], cwd=root,
                              env=_env(), capture_output=True, text=True)
    assert feedback.returncode == 0, feedback.stderr
    page = (root / "feedback" / "s00" / "week98" / "week98.html").read_text()
    assert "randomized checks against the library reference" in page  # our verdicts reach the page
    for secret in ('grade("week01.softmax"', "grade(&quot;week01.softmax", "BEGIN HIDDEN"):
        assert secret not in page

    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    config = Config()
    config.CourseDirectory.root = str(root)
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    submissions = api.get_submissions("week98")
    assert {s["student"]: s["score"] for s in submissions} == expected
    assert all(s["autograded"] and s["needs_manual_grade"] for s in submissions)


def test_grading_still_works_and_says_so_when_isolation_is_refused(tmp_path):
    """Where the system refuses a mechanism (no root, no namespaces), grading goes on and warns."""
    root = make_course(tmp_path)
    expected = _class(root, 2)
    out = io.StringIO()
    rows = grade(root, "week98", students=None, workers=1, scheduler=None, limits=LIMITS, out=out,
                 disable=frozenset({"network", "filesystem", "user"}))
    assert {r["student"]: r["auto_score"] for r in rows} == expected
    for mechanism in ("network", "filesystem", "user"):
        assert f"WARNING: isolation missing for 2 notebook(s): {mechanism}: disabled" in out.getvalue()
    confinement = read_ledger(root, "s00", "week98")["week98.ipynb"]["confinement"]
    assert any(a.startswith("limits:") for a in confinement["applied"])
