"""Only regular files inside the course are read: links in submissions or in the release are never followed."""
from __future__ import annotations

import os

from autograder.batch import Submission, find_submissions, refusal, shipped_files

from .course_fixture import hand_in, make_course, submission


def test_shipped_files_skip_links_that_could_point_at_the_source(tmp_path):
    root = make_course(tmp_path)
    release = root / "release" / "week98"
    (release / "data").mkdir(parents=True)
    (release / "data" / "points.csv").write_text("x,y\n1,2\n")
    (release / "solutions.ipynb.txt").symlink_to(root / "source" / "week98" / "week98.ipynb")
    (release / "linked-folder").symlink_to(root / "source" / "week98", target_is_directory=True)
    assert shipped_files(root, "week98") == {"data/points.csv": b"x,y\n1,2\n"}


def test_links_and_folders_handed_in_are_listed_then_refused_with_a_reason(tmp_path):
    root = make_course(tmp_path)
    hand_in(root, "plain", submission(root))
    linked = root / "submitted" / "linked" / "week98"
    linked.mkdir(parents=True)
    (linked / "week98.ipynb").symlink_to(root / "source" / "week98" / "week98.ipynb")
    (root / "submitted" / "whole-folder-linked").symlink_to(root / "submitted" / "plain", target_is_directory=True)
    folder = root / "submitted" / "folder" / "week98" / "week98.ipynb"
    folder.mkdir(parents=True)
    found = {s.student: s for s in find_submissions(root, "week98", None)}
    assert sorted(found) == ["folder", "linked", "plain", "whole-folder-linked"]
    assert refusal(root, found["plain"]) is None
    assert "symbolic link" in refusal(root, found["linked"])
    assert "symbolic link" in refusal(root, found["whole-folder-linked"])
    assert "not a file" in refusal(root, found["folder"])
    fifo = root / "submitted" / "fifo" / "week98"
    fifo.mkdir(parents=True)
    os.mkfifo(fifo / "week98.ipynb")  # reading it would block the batch forever
    assert "not a file" in refusal(root, Submission("fifo", "week98.ipynb", fifo / "week98.ipynb"))
