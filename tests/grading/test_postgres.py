"""The gradebook can live in PostgreSQL (nbgrader's db_url), as when several graders share it."""
from __future__ import annotations

import glob
import os
import io
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.commands import grade
from autograder.sandbox import Limits

from .course_fixture import AUTO_POINTS, hand_in, make_course, submission

pytestmark = pytest.mark.slow
BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


@pytest.fixture
def postgres():
    if not BINARIES or not shutil.which("runuser"):
        reason = "PostgreSQL server binaries are not installed (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(reason + ": .ci/run should have installed them")
        pytest.skip(reason)
    bin_dir = BINARIES[-1]
    data = Path(tempfile.mkdtemp(prefix="autograder-pg-"))  # not pytest's tmp: that is private to root
    shutil.chown(data, "postgres")
    as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*as_postgres, f"{bin_dir}/initdb", "-D", str(data), "-A", "trust", "-U", "postgres"],
                   check=True, capture_output=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subprocess.run([*as_postgres, f"{bin_dir}/pg_ctl", "-D", str(data), "-w", "-l", str(data / "log"), "-o",
                    f"-p {port} -h 127.0.0.1 -k {data}", "start"], check=True, capture_output=True)
    try:
        subprocess.run([*as_postgres, f"{bin_dir}/createdb", "-h", "127.0.0.1", "-p", str(port), "course"],
                       check=True, capture_output=True)
        yield f"postgresql://postgres@127.0.0.1:{port}/course"
    finally:
        subprocess.run([*as_postgres, f"{bin_dir}/pg_ctl", "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


def test_grades_land_in_a_postgres_gradebook(tmp_path, postgres):
    root = make_course(tmp_path)
    hand_in(root, "alice", submission(root))
    hand_in(root, "bob", submission(root, {"softmax": "def softmax(z):\n    return z"}))
    rows = grade(root, "week98", students=None, workers=2, scheduler=None, url=postgres,
                 limits=Limits(memory_mb=1024, cell_timeout=20), out=io.StringIO())
    assert {r["student"]: r["auto_score"] for r in rows} == {"alice": AUTO_POINTS, "bob": 4}
    assert not (root / "gradebook.db").exists()
    with Gradebook(postgres) as gradebook:
        scores = {s.student.id: s.score for s in gradebook.find_assignment("week98").submissions}
    assert scores == {"alice": AUTO_POINTS, "bob": 4}
