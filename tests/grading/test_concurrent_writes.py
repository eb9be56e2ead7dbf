"""Two graders sharing a course folder (overlapping --student lists) write the same graded notebook and
ledger at the same moment: neither may fail, and neither may drop what the other recorded."""
from __future__ import annotations

import json
import multiprocessing
from pathlib import Path
from types import SimpleNamespace

from autograder import batch

WRITES = 300


def _hammer(path: str, text: str) -> int:
    failures = 0
    for _ in range(WRITES):
        try:
            batch._write_atomically(Path(path), text)
        except OSError:
            failures += 1
    return failures


def test_two_writers_of_one_file_both_succeed_and_the_file_is_always_whole(tmp_path):
    path = tmp_path / "autograded" / "alice" / "week01" / "week01.ipynb"
    texts = ["a" * 200_000, "b" * 200_000]
    with multiprocessing.get_context("fork").Pool(2) as pool:
        failures = pool.starmap(_hammer, [(str(path), text) for text in texts])
    assert failures == [0, 0]  # a shared temporary name failed about half of these writes
    assert path.read_text() in texts
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left behind


def _record(root: str, notebook: str) -> None:
    for round_ in range(60):
        result = SimpleNamespace(student="alice", assignment="week01", notebook=notebook, seed=round_, score=1.0,
                                 max_score=1.0, notes=[], verdicts=[], confinement="", seconds=0.1)
        batch.write_ledger_entry(Path(root), result, "sha-submission", "sha-source")


def test_two_graders_recording_different_notebooks_keep_both_ledger_entries(tmp_path):
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_record, args=(str(tmp_path), name)) for name in ("a.ipynb", "b.ipynb")]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
    assert [writer.exitcode for writer in writers] == [0, 0]
    ledger = json.loads(batch.ledger_path(tmp_path, "alice", "week01").read_text())
    assert sorted(ledger) == ["a.ipynb", "b.ipynb"] and {entry["seed"] for entry in ledger.values()} == {59}
