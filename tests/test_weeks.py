"""Every week builds: its pair is in sync and the committed release is exactly what a fresh `autograder build`
produces (no solutions, no hidden tests, no Jupytext pairs).

That each week executes with its solutions is proved where it is graded: the solved notebook reaches full marks
under stock nbgrader (test_roundtrip.py) and under our grader (grading/test_weeks_trusted.py). The build check
here skips executing it a third time (the release does not depend on the run: nbgrader clears outputs)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.build import find_weeks

REPO = Path(__file__).resolve().parents[1]
WEEKS = find_weeks(REPO)

pytestmark = pytest.mark.slow


def test_there_is_a_week():
    assert "week01" in WEEKS


@pytest.mark.parametrize("week", WEEKS)
def test_committed_release_is_a_fresh_build(week):
    autograder = Path(sys.executable).with_name("autograder")
    result = subprocess.run([str(autograder), "build", "--check", "--no-execute", week], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "release/ matches a fresh build" in result.stdout


@pytest.mark.parametrize("week", WEEKS)
def test_release_is_plain_and_holds_no_pairs(week):
    release = REPO / "release" / week
    assert not list(release.rglob("*.py")), "a .py pair in the release would show the solutions"
    for path in release.rglob("*.ipynb"):
        notebook = json.loads(path.read_text())
        assert "jupytext" not in notebook["metadata"]
        assert all(not cell.get("outputs") for cell in notebook["cells"] if cell["cell_type"] == "code")


@pytest.mark.parametrize("week", WEEKS)
def test_week_meets_the_exercise_bar(week):
    """At least four graded functions, each with a public and a hidden test cell."""
    notebook = json.loads((REPO / "source" / week / f"{week}.ipynb").read_text())
    ids = {cell["metadata"]["nbgrader"]["grade_id"] for cell in notebook["cells"]
           if "nbgrader" in cell["metadata"]}
    graded = [i for i in ids if f"{i}_public" in ids and f"{i}_hidden" in ids]
    assert len(graded) >= 4, graded
    hidden_sources = [''.join(c["source"]) for c in notebook["cells"]
                      if c["metadata"].get("nbgrader", {}).get("grade_id", "").endswith("_hidden")]
    assert all("### BEGIN HIDDEN TESTS" in s and f'grade("{week}.' in s for s in hidden_sources)


@pytest.mark.parametrize("week", WEEKS)
def test_the_landing_page_and_the_readme_list_the_week_as_available(week):
    number = week.removeprefix("week")  # a week's row is keyed by its number, another notebook's by its name
    landing = "".join("".join(cell["source"]) for cell in json.loads((REPO / "START_HERE.ipynb").read_text())["cells"])
    row = next((line for line in landing.splitlines() if line.startswith(f"| {number} |")), "")
    assert f"[release/{week}/{week}.ipynb](release/{week}/{week}.ipynb)" in row and "available" in row, row
    readme = (REPO / "README.md").read_text().splitlines()
    assert any(line.startswith(f"| {number} |") and line.endswith("| available |") for line in readme), \
        f"README's table of weeks does not list {week} as available"


def test_the_landing_page_offers_the_learning_paths_of_the_catalogue():
    """START_HERE's paths table is course.catalogue's, linking only notebooks that exist."""
    from course.catalogue import paths_table
    cells = json.loads((REPO / "START_HERE.ipynb").read_text())["cells"]
    paths = "".join(next(cell["source"] for cell in cells if cell.get("id") == "start-paths"))
    assert paths_table(set(WEEKS)) in paths
    for target in (link.split("](", 1)[1].split(")", 1)[0] for link in paths.split("[")[1:] if "](" in link):
        assert (REPO / target).exists(), target
