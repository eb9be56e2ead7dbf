"""`autograder build`: source pairs → validated, executed notebooks → nbgrader student releases.

nbgrader's ``generate_assignment`` does the real work (clearing solutions and hidden
tests, locking cells, checksums).  Around it we add what it does not check: Jupytext
sync, duplicate grade_ids (nbgrader silently keeps one), marker misuse, a top-to-bottom
execution with solutions, leaked solution lines, and a reproducibility check of the
committed ``release/``.  nbgrader runs in a throw-away course root so that a build
never touches the instructor's gradebook.
"""
from __future__ import annotations

import filecmp
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.execute import execute_notebook
from autograder.merge import is_test
from autograder.plan import Grade, HeldOut, PlanError, plan_test_cell
from autograder.notebooks import (BuildError, check_grade_ids, check_markers, find_leaks,
                                  nbgrader_meta, pair_in_sync, strip_pairing, sync_pair)
from autograder.scratch import generate_assignment
from course.catalogue import in_course_order, is_assignment_name


@dataclass(frozen=True)
class WeekBuild:
    week: str
    pair_updated: bool
    execution_seconds: float | None
    release_files: tuple[str, ...]


def find_weeks(root: Path) -> list[str]:
    """Every assignment with a source pair (source/NAME/NAME.py), in the course's order (course.catalogue)."""
    source = root / "source"
    return in_course_order(p.name for p in source.iterdir()
                           if is_assignment_name(p.name) and (p / f"{p.name}.py").exists()) if source.is_dir() else []


def check_test_cells(notebook: nbformat.NotebookNode, where: str) -> None:
    """Every test cell must be decidable by the trusted grader, and name exercises that exist."""
    from course import exercises
    for cell in notebook.cells:
        if not is_test(cell):
            continue
        grade_id = nbgrader_meta(cell)["grade_id"]
        try:
            steps = plan_test_cell(cell.source, f"{where}: test cell '{grade_id}'")
        except PlanError as error:
            raise BuildError(str(error)) from None
        for step in steps:
            try:
                if isinstance(step, Grade):
                    exercises.get(step.key)
                elif isinstance(step, HeldOut):
                    challenge = exercises.get_challenge(step.key)
                    points = float(nbgrader_meta(cell).get("points", 0))
                    if points != challenge.max_points:
                        raise BuildError(f"{where}: test cell '{grade_id}' is worth {points:g} points, but the "
                                         f"thresholds of {step.key} give at most {challenge.max_points:g}: make "
                                         "them agree (nbgrader reads the points from the cell's value).")
            except KeyError as error:
                raise BuildError(f"{where}: test cell '{grade_id}': {error.args[0]}") from None


def _source_paths(root: Path, week: str) -> tuple[Path, Path]:
    if not is_assignment_name(week):
        raise BuildError(f"{week!r} is not an assignment name: expected lower-case letters and digits, "
                         "e.g. week01 or quickstart.")
    py = root / "source" / week / f"{week}.py"
    if not py.exists():
        known = ", ".join(find_weeks(root)) or "none"
        raise BuildError(f"{py.relative_to(root)} does not exist (assignments with a source: {known}).")
    return py, py.with_suffix(".ipynb")


def _generate_release(root: Path, week: str, scratch: Path) -> Path:
    """Run nbgrader generate_assignment in a scratch copy of the course; return the release folder."""
    result = generate_assignment(root, week, scratch)
    if result.returncode != 0:
        raise BuildError(f"nbgrader generate_assignment {week} failed:\n{(result.stdout + result.stderr)[-3000:]}")
    return scratch / "release" / week


def tag_cells_that_may_raise(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Tag test cells and top-level stubs ``raises-exception`` so *Run All* on a blank release reaches the end.

    JupyterLab and nbclient go on past an error in a cell with that tag; graders are unaffected (stock
    nbgrader still sees the error output and scores the cell 0; our grader rebuilds cells from source/).
    """
    for cell in notebook.cells:
        top_level_stub = (cell.cell_type == "code" and nbgrader_meta(cell).get("solution")
                          and "\nraise NotImplementedError" in "\n" + cell.source)
        if is_test(cell) or top_level_stub:
            tags = cell.metadata.setdefault("tags", [])
            if "raises-exception" not in tags:
                tags.append("raises-exception")
    return notebook


def _finish_release(generated: Path, source_dir: Path, week: str) -> tuple[str, ...]:
    """Strip pairing metadata, then refuse any leaked solution or hidden-test line and any .py pair."""
    pairs = [p.name for p in generated.rglob(f"{week}.py")]
    if pairs:
        raise BuildError(f"release/{week} would contain Jupytext pairs with solutions: {', '.join(pairs)}.")
    for path in sorted(generated.rglob("*.ipynb")):
        release = tag_cells_that_may_raise(strip_pairing(nbformat.read(path, as_version=4)))
        source = nbformat.read(source_dir / path.relative_to(generated), as_version=4)
        leaks = find_leaks(source, release)
        if leaks:
            shown = "\n  ".join(leaks[:10])
            raise BuildError(f"release/{week}/{path.name} would show solution or hidden-test text:\n  {shown}")
        path.write_text(nbformat.writes(release) + "\n")
    return tuple(sorted(str(p.relative_to(generated)) for p in generated.rglob("*") if p.is_file()))


def _differences(built: Path, committed: Path) -> list[str]:
    if not committed.exists():
        return [f"{committed} is missing"]
    comparison, found, pending = filecmp.dircmp(built, committed), [], []
    pending.append((comparison, ""))
    while pending:
        node, prefix = pending.pop()
        found += [f"{prefix}{name} is missing from the committed release" for name in node.left_only]
        found += [f"{prefix}{name} is committed but not built" for name in node.right_only]
        found += [f"{prefix}{name} differs" for name in node.diff_files]
        _, mismatched, errors = filecmp.cmpfiles(built / prefix, committed / prefix, node.same_files, shallow=False)
        found += [f"{prefix}{name} differs" for name in mismatched + errors]
        pending += [(sub, f"{prefix}{name}/") for name, sub in node.subdirs.items()]
    return sorted(set(found))


def build_week(root: Path, week: str, *, execute: bool = True, check: bool = False) -> WeekBuild:
    """Build one week's release into ``release/`` (or, with ``check``, compare a fresh build with it)."""
    py, ipynb = _source_paths(root, week)
    if check:
        if not pair_in_sync(py):
            raise BuildError(f"{ipynb.relative_to(root)} is not in sync with {py.name}: run `autograder build {week}`.")
        updated = False
    else:
        updated = sync_pair(py)
    notebook = nbformat.read(ipynb, as_version=4)
    where = str(py.relative_to(root))
    check_grade_ids(notebook, where)
    check_markers(notebook, where)
    check_test_cells(notebook, where)
    seconds = execute_notebook(notebook, py.parent, where=where).seconds if execute else None

    with tempfile.TemporaryDirectory(prefix=f"build-{week}-") as scratch:
        generated = _generate_release(root, week, Path(scratch))
        files = _finish_release(generated, py.parent, week)
        target = root / "release" / week
        if check:
            differences = _differences(generated, target)
            if differences:
                raise BuildError(f"release/{week} is not what a fresh build produces ("
                                 + "; ".join(differences[:10]) + f"): run `autograder build {week}` and commit.")
        else:
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(generated, target)
    return WeekBuild(week, updated, seconds, files)
