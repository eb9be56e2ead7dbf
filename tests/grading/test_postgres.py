"""The gradebook can live in PostgreSQL (nbgrader's db_url), as when several graders share it."""
from __future__ import annotations

import glob
import os
import io
import shutil
import socket
import subprocess
import sys
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


def _start_grader(root: Path, url: str, students: list[str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "autograder.cli", "grade", "week98", "--workers", "1", "--timeout", "60",
               "--db-url", url, *[f"--student={student}" for student in students]]
    return subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.parametrize("overlap", [False, True], ids=["disjoint halves", "overlapping halves"])
def test_two_graders_share_one_postgres_gradebook_at_the_same_time(tmp_path, postgres, overlap):
    """Two `autograder grade` processes started together on one class and one gradebook (issue 17 §2): the
    assignment is registered once, each submission is recorded once with its score, whoever loses a race on
    a row says so and tries again."""
    root = make_course(tmp_path)
    wrong = {"softmax": "def softmax(z):\n    return z"}
    expected = {f"s{index}": (4 if index % 3 == 0 else AUTO_POINTS) for index in range(6)}
    for student, score in expected.items():
        hand_in(root, student, submission(root, wrong if score == 4 else None))
    students = sorted(expected)
    halves = (students[:4], students[2:]) if overlap else (students[:3], students[3:])
    graders = [_start_grader(root, postgres, half) for half in halves]
    outputs = [grader.communicate(timeout=600)[0] for grader in graders]
    assert [grader.returncode for grader in graders] == [0, 0], outputs

    with Gradebook(postgres) as gradebook:
        assignments = [a.name for a in gradebook.assignments]
        submissions = gradebook.find_assignment("week98").submissions
        scores = {s.student.id: s.score for s in submissions}
        notebooks = [n.name for n in gradebook.find_assignment("week98").notebooks]
    assert assignments == ["week98"] and notebooks == ["week98"]
    assert len(submissions) == len(expected) and scores == expected, (scores, outputs)
    assert not any("could not be recorded" in output for output in outputs), outputs


def test_the_loser_of_a_race_on_a_gradebook_row_says_so_and_writes_again(tmp_path, monkeypatch):
    """The two races two graders can run into, made to happen on purpose (the test above only may meet them):
    registering the assignment, and adding the same student."""
    from nbgrader.api import InvalidEntry
    from autograder import batch

    root = make_course(tmp_path)
    hand_in(root, "alice", submission(root))
    register, add_student = batch.generate_assignment, Gradebook.update_or_create_student
    lost = {"register": False, "student": False}

    def register_losing_once(*args, **kwargs):
        if not lost["register"]:
            lost["register"] = True
            return subprocess.CompletedProcess(args, 1, "", 'psycopg.errors.UniqueViolation: duplicate key value '
                                                            'violates unique constraint "assignment_name_key"')
        return register(*args, **kwargs)

    def add_student_losing_once(gradebook, student, **kwargs):
        if not lost["student"]:
            lost["student"] = True
            raise InvalidEntry('(psycopg.errors.UniqueViolation) duplicate key value violates unique constraint '
                               '"student_pkey"')
        return add_student(gradebook, student, **kwargs)

    monkeypatch.setattr(batch, "generate_assignment", register_losing_once)
    monkeypatch.setattr(Gradebook, "update_or_create_student", add_student_losing_once)
    out = io.StringIO()
    rows = grade(root, "week98", students=None, workers=1, scheduler=None, limits=Limits(cell_timeout=20), out=out)
    assert lost == {"register": True, "student": True}
    assert rows[0]["auto_score"] == AUTO_POINTS and not rows[0]["notes"], rows
    text = out.getvalue()
    assert "week98: another grader was recording it in the same gradebook at the same moment (UniqueViolation); " \
           "recording it again (1/4)." in text, text
    assert "alice: another grader was recording week98 for this student in the same gradebook at the same moment " \
           "(UniqueViolation); recording it again." in text, text
