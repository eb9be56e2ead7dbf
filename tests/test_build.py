"""`autograder build` refuses what nbgrader would silently get wrong, and releases nothing secret."""
from __future__ import annotations

import json

import nbformat
import pytest

from autograder.build import build_week
from autograder.cli import main
from autograder.notebooks import BuildError, find_leaks, pair_in_sync

from conftest import MINI_WEEK

pytestmark = pytest.mark.slow


def test_builds_a_clean_release(mini_course):
    root = mini_course()
    result = build_week(root, "week99")
    assert result.execution_seconds is not None and result.pair_updated
    assert pair_in_sync(root / "source/week99/week99.py")
    release = root / "release/week99"
    assert sorted(p.name for p in release.iterdir()) == ["week99.ipynb"]  # the .py pair stays behind
    text = (release / "week99.ipynb").read_text()
    for secret in ("BEGIN SOLUTION", "the secret solution line", "HIDDEN TESTS", "the secret hidden test"):
        assert secret not in text
    notebook = json.loads(text)
    assert "jupytext" not in notebook["metadata"]
    assert 'raise NotImplementedError(\\"not implemented yet' in text and "expect_equal(double(1), 2)" in text
    # nbgrader's own metadata survives: locked test cells with checksums
    test_cell = next(c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "double_test")
    assert test_cell["metadata"]["nbgrader"]["locked"] and test_cell["metadata"]["nbgrader"]["checksum"]


def test_check_passes_after_build_and_fails_after_a_hand_edit(mini_course):
    root = mini_course()
    build_week(root, "week99", execute=False)
    build_week(root, "week99", execute=False, check=True)
    release = root / "release/week99/week99.ipynb"
    release.write_text(release.read_text().replace("A tiny week", "A hand-edited week"))
    with pytest.raises(BuildError, match="not what a fresh build produces.*week99.ipynb differs"):
        build_week(root, "week99", execute=False, check=True)


def test_check_refuses_an_out_of_sync_pair(mini_course):
    root = mini_course()
    build_week(root, "week99", execute=False)
    mini_course(MINI_WEEK.replace("A tiny week", "An edited week"))
    with pytest.raises(BuildError, match="not in sync"):
        build_week(root, "week99", execute=False, check=True)


def test_refuses_duplicate_grade_ids(mini_course):
    root = mini_course(MINI_WEEK.replace('"grade_id": "double_test"', '"grade_id": "double"'))
    with pytest.raises(BuildError, match="grade_ids are used by more than one cell: double"):
        build_week(root, "week99", execute=False)


def test_refuses_markers_in_a_cell_nbgrader_would_not_clear(mini_course):
    root = mini_course(MINI_WEEK.replace('"solution": true', '"solution": false'))
    with pytest.raises(BuildError, match="BEGIN SOLUTION' but is not marked as a solution cell"):
        build_week(root, "week99", execute=False)


def test_refuses_a_notebook_that_fails_with_its_solutions(mini_course):
    root = mini_course(MINI_WEEK.replace("return x * 2", "return x * 3"))
    with pytest.raises(BuildError, match=r"does not execute.*double_test.*CheckFailure"):
        build_week(root, "week99")


def test_refuses_test_cells_the_trusted_grader_cannot_decide(mini_course):
    root = mini_course(MINI_WEEK.replace("expect_equal(double(1), 2)", "assert double(1) == 2"))
    with pytest.raises(BuildError, match="bare assert is decided inside the student's process"):
        build_week(root, "week99", execute=False)
    root = mini_course(MINI_WEEK.replace("expect_equal(double(21), 42)", 'grade("week99.nope", double)'))
    with pytest.raises(BuildError, match="no exercise called 'week99.nope'"):
        build_week(root, "week99", execute=False)


def test_cli_reports_errors_clearly(mini_course, monkeypatch, capsys):
    root = mini_course()
    monkeypatch.chdir(root)
    assert main(["build", "week42"]) == 1
    assert "source/week42/week42.py does not exist (assignments with a source: week99)" in capsys.readouterr().err
    assert main(["build", "--no-execute"]) == 0
    assert "release/week99/ written" in capsys.readouterr().out


def test_an_assignment_need_not_be_a_week(mini_course, monkeypatch, capsys):
    """quickstart, metrics, ...: any lower-case name builds like a week, and a name nbgrader or Python would
    choke on is refused with what to write instead."""
    root = mini_course()
    (root / "source" / "week99").rename(root / "source" / "primer")
    (root / "source" / "primer" / "week99.py").rename(root / "source" / "primer" / "primer.py")
    monkeypatch.chdir(root)
    assert main(["build", "--no-execute"]) == 0
    assert "release/primer/ written" in capsys.readouterr().out
    assert sorted(p.name for p in (root / "release" / "primer").iterdir()) == ["primer.ipynb"]
    assert main(["build", "Week-1"]) == 1
    assert "'Week-1' is not an assignment name: expected lower-case letters and digits" in capsys.readouterr().err


def test_leak_scanner_catches_a_copied_solution_line():
    source = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 42 * secret\n    ### END SOLUTION",
                                  metadata={"nbgrader": {"solution": True, "grade_id": "f"}}),
    ])
    release = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("def f():\n    return 42 * secret")])
    assert find_leaks(source, release) == ["cell 0: return 42 * secret"]
    clean = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("def f():\n    raise NotImplementedError()")])
    assert find_leaks(source, clean) == []
