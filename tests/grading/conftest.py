"""One class of hostile and broken submissions, graded once per test session as a real class would be.

Both rounds of hostile cases (test_hostile.py, test_hostile_more.py) hand in to the same course and
are graded in one batch, with their honest controls, through the real CLI path (nbgrader's
gradebook, a local Dask cluster over TLS, pre-warmed sandboxes): an attack that harms a classmate
shows up as a classmate's lost points.
"""
from __future__ import annotations

import io
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.commands import grade
from autograder.sandbox import Limits

from .course_fixture import hand_in, make_course, submission

HOSTILE_LIMITS = Limits(memory_mb=1024, cell_timeout=5, notebook_timeout=30, file_mb=16)


@dataclass
class GradedClass:
    root: Path
    first_round: dict          # test_hostile.cases(): student -> (answers, changes, score, phrase)
    rows: dict                 # student -> summary row
    summary: str               # what the instructor's terminal showed


@pytest.fixture(scope="session")
def hostile_class(tmp_path_factory) -> GradedClass:
    from .test_hostile import cases
    from .test_hostile_more import hand_in_second_round
    root = make_course(tmp_path_factory.mktemp("hostile-course"))
    server = socket.socket()  # a host service on loopback that no sandbox may reach
    server.bind(("127.0.0.1", 0))
    server.listen()
    threading.Thread(target=lambda: [server.accept() for _ in range(100)], daemon=True).start()
    first_round = cases(root, server.getsockname()[1])
    for student, (answers, changes, _, _) in first_round.items():
        hand_in(root, student, submission(root, answers, **changes))
    hand_in(root, "not-json", b'{"cells": [oops')
    hand_in_second_round(root)
    out = io.StringIO()
    rows = grade(root, "week98", students=None, workers=2, scheduler=None, limits=HOSTILE_LIMITS, out=out)
    server.close()
    return GradedClass(root, first_round, {row["student"]: row for row in rows}, out.getvalue())


@pytest.fixture(scope="session")
def hostile_class_sliced(hostile_class, tmp_path_factory) -> dict:
    """The same class graded again with --slice (only the cells a verdict can depend on): student -> ledger."""
    import shutil

    from autograder.batch import read_ledger
    root = make_course(tmp_path_factory.mktemp("hostile-course-sliced"))
    shutil.copytree(hostile_class.root / "submitted", root / "submitted", symlinks=True)
    grade(root, "week98", students=None, workers=2, scheduler=None, limits=HOSTILE_LIMITS, slice_cells=True,
          out=io.StringIO())
    return {student: read_ledger(root, student, "week98").get("week98.ipynb") for student in hostile_class.rows}
