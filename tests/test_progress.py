"""Self-study progress (course.progress) on copies of the learner's release notebooks."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.notebooks import filled_in, read_text_notebook
from course import progress as course_progress
from course.exercises import get, keys
from course.progress import ANSWERED, FAILING, NOT_STARTED, PASSED, Progress, find_notebooks, progress

REPO = Path(__file__).resolve().parents[1]
RELEASED = list(find_notebooks(REPO / "release"))

WRONG_LEAST_SQUARES = '''\
def least_squares(X, y):
    """Solves the normal equations but returns a column instead of a flat vector."""
    return np.linalg.solve(X.T @ X, X.T @ y).reshape(-1, 1)
'''
CRASHING_GRADIENT_DESCENT = '''\
def gradient_descent(grad, x0, lr, n_steps):
    return 1 / 0
'''
BROKEN_LOGSUMEXP = '''\
def logsumexp(z)
    return z.max()
'''
SOFTMAX_USING_A_LESSON_VARIABLE = '''\
def softmax(z):
    shifted = np.exp(z - z.max(axis=AXIS, keepdims=True))
    return shifted / shifted.sum(axis=AXIS, keepdims=True)
'''
MISSPELT_LEAST_SQUARES = '''\
def least_squares(X, y):
    return solve(X.T @ X, X.T @ y)
'''
SLOW_NUMERICAL_GRADIENT = '''\
def numerical_gradient(f, x, h=1e-5):
    while True:
        pass
'''


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Every test gets an empty cache of its own (the real one lives in ~/.cache)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def release_notebook(week: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO / "release" / week / f"{week}.ipynb", as_version=4)


def learner_folder(tmp_path: Path, notebooks: dict[str, nbformat.NotebookNode]) -> Path:
    """A folder laid out like release/: weekNN/weekNN.ipynb."""
    folder = tmp_path / "my-notebooks"
    for week, notebook in notebooks.items():
        (folder / week).mkdir(parents=True)
        nbformat.write(notebook, folder / week / f"{week}.ipynb")
    return folder


def week01_in_progress(replace: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """Week 01 with softmax solved, checkpoint Q1 answered, some answers wrong, the rest untouched."""
    release = release_notebook("week01")
    solved = filled_in(release, read_text_notebook(REPO / "source" / "week01" / "week01.py"),
                       replace=replace or {})
    keep = {"softmax", "checkpoint_q1", *(replace or {})}
    for mine, blank in zip(solved.cells, release.cells, strict=True):
        grade_id = mine.metadata.get("nbgrader", {}).get("grade_id")
        if mine.metadata.get("nbgrader", {}).get("solution") and grade_id not in keep:
            mine.source = blank.source
    return solved


def by_name(result: Progress, week: str = "week01") -> dict:
    return {row.exercise: row for row in result.rows if row.week == week}


def test_a_learner_sees_what_passes_what_fails_and_why(tmp_path):
    notebook = week01_in_progress({"least_squares": WRONG_LEAST_SQUARES,
                                   "gradient_descent": CRASHING_GRADIENT_DESCENT,
                                   "logsumexp": BROKEN_LOGSUMEXP})
    rows = by_name(progress(learner_folder(tmp_path, {"week01": notebook})))

    assert rows["softmax"].status == PASSED
    assert "random checks" in rows["softmax"].why
    assert rows["least_squares"].status == FAILING
    assert "shape" in rows["least_squares"].why and "(1,)" in rows["least_squares"].why
    assert rows["gradient_descent"].status == FAILING
    assert "ZeroDivisionError" in rows["gradient_descent"].why
    assert rows["logsumexp"].status == FAILING
    assert "SyntaxError" in rows["logsumexp"].why
    assert rows["numerical_gradient"].status == NOT_STARTED
    assert "NotImplementedError" in rows["numerical_gradient"].why
    assert rows["checkpoint_q1"].status == ANSWERED and rows["checkpoint_q1"].kind == "checkpoint"
    assert rows["checkpoint_q2"].status == NOT_STARTED
    assert rows["explain_gradient_descent"].kind == "written"
    assert rows["explain_gradient_descent"].status == NOT_STARTED
    # every exercise of the week is listed, each once
    exercises = [row.exercise for row in rows.values() if row.kind == "exercise"]
    assert sorted(exercises) == sorted(get(key).function for key in keys("week01"))


def test_counts_table_html_and_plot_agree(tmp_path):
    notebook = week01_in_progress({"least_squares": WRONG_LEAST_SQUARES})
    result = progress(learner_folder(tmp_path, {"week01": notebook}))

    total = len(keys("week01"))          # one passes (softmax), one fails (least_squares), the rest not started
    assert result.counts("week01") == {PASSED: 1, FAILING: 1, NOT_STARTED: total - 2}
    assert f"1 of {total} exercises pass their checks, 1 failing, {total - 2} not started" in result.summary()
    table = result.table()
    assert "least_squares" in table and "failing" in table and "(1,)" in table
    page = result.to_html()
    assert page.count("data-status='passed'") == 1 and page.count("data-status='failing'") == 1
    assert "&lt;" not in table and "<script" not in page
    figure = result.plot()
    bars = figure.axes[0].containers
    assert [container.get_label() for container in bars] == [PASSED, FAILING, NOT_STARTED]
    assert [bar.get_height() for container in bars for bar in container] == [1, 1, total - 2]


def test_an_untouched_week_is_not_executed(tmp_path, monkeypatch):
    def no_processes(*args, **kwargs):
        raise AssertionError("an untouched week must not be executed")
    monkeypatch.setattr(course_progress.subprocess, "run", no_processes)

    rows = by_name(progress(learner_folder(tmp_path, {"week01": release_notebook("week01")})))
    assert {row.status for row in rows.values()} == {NOT_STARTED}
    assert len([row for row in rows.values() if row.kind == "exercise"]) == len(keys("week01"))


def test_an_unchanged_week_comes_from_the_cache_and_a_changed_one_is_run_again(tmp_path, monkeypatch):
    folder = learner_folder(tmp_path, {"week01": week01_in_progress()})
    first = progress(folder)
    assert by_name(first)["softmax"].status == PASSED

    real_run = subprocess.run
    monkeypatch.setattr(course_progress.subprocess, "run",
                        lambda *a, **k: pytest.fail("an unchanged week must come from the cache"))
    assert progress(folder).rows == first.rows

    notebook = week01_in_progress({"least_squares": WRONG_LEAST_SQUARES})
    nbformat.write(notebook, folder / "week01" / "week01.ipynb")
    monkeypatch.setattr(course_progress.subprocess, "run", real_run)
    assert by_name(progress(folder))["least_squares"].status == FAILING


def test_answers_that_use_the_lessons_variables_still_pass(tmp_path):
    """The quick pass skips lesson code that computes things; an answer needing it gets the whole notebook."""
    notebook = week01_in_progress({"softmax": SOFTMAX_USING_A_LESSON_VARIABLE, "least_squares": MISSPELT_LEAST_SQUARES})
    answer = next(i for i, cell in enumerate(notebook.cells)
                  if cell.metadata.get("nbgrader", {}).get("grade_id") == "softmax")
    notebook.cells.insert(answer, nbformat.v4.new_code_cell("AXIS = int(np.array(-1))  # computed, not a constant"))
    rows = by_name(progress(learner_folder(tmp_path, {"week01": notebook})))
    assert rows["softmax"].status == PASSED
    assert rows["least_squares"].status == FAILING and "NameError" in rows["least_squares"].why  # a real slip


def test_an_endless_loop_is_reported_not_waited_for(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS_TIMEOUT", "3")
    notebook = week01_in_progress({"numerical_gradient": SLOW_NUMERICAL_GRADIENT})
    rows = by_name(progress(learner_folder(tmp_path, {"week01": notebook})))
    assert rows["numerical_gradient"].status == FAILING
    assert "longer than 3 s" in rows["numerical_gradient"].why
    assert rows["softmax"].status == PASSED


def test_the_command_prints_the_table_and_saves_the_plot(tmp_path):
    folder = learner_folder(tmp_path, {"week01": week01_in_progress({"least_squares": WRONG_LEAST_SQUARES})})
    helped = subprocess.run([sys.executable, "-m", "course.progress", "--help"], capture_output=True, text=True)
    assert helped.returncode == 0 and "passes its checks" in helped.stdout

    png = tmp_path / "progress.png"
    ran = subprocess.run([sys.executable, "-m", "course.progress", str(folder), "--plot", str(png)],
                         capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    lines = {line.split()[1]: line for line in ran.stdout.splitlines() if line.startswith("week01")}
    assert "passed" in lines["softmax"] and "failing" in lines["least_squares"]
    assert "not started" in lines["numerical_gradient"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    as_json = subprocess.run([sys.executable, "-m", "course.progress", str(folder), "--json"],
                             capture_output=True, text=True, timeout=300)
    statuses = {row["exercise"]: row["status"] for row in json.loads(as_json.stdout)}
    assert statuses["softmax"] == PASSED and statuses["least_squares"] == FAILING


def test_show_displays_a_table_and_a_figure(tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objects, **kw: shown.extend(objects))
    folder = learner_folder(tmp_path, {"week01": week01_in_progress()})
    assert course_progress.show(folder) is None       # nothing for the notebook to display a second time
    html, image = shown
    assert "data-status='passed'" in html.data and "softmax" in html.data
    assert image.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert progress(folder).plot().axes[0].get_title() == f"1 of {len(keys('week01'))} exercises pass their checks"


def test_weeks_are_discovered_from_what_exists(tmp_path, monkeypatch):
    assert list(find_notebooks(REPO / "release")) == RELEASED
    assert list(find_notebooks(REPO)) == RELEASED                    # a course root means its release/
    monkeypatch.chdir(REPO / "release" / "week01")                   # from inside a week's folder
    assert list(find_notebooks()) == RELEASED
    flat = tmp_path / "downloads"                                     # notebooks downloaded side by side
    flat.mkdir()
    nbformat.write(release_notebook("week01"), flat / "week01.ipynb")
    (flat / "notes.ipynb").write_text("{}")
    assert list(find_notebooks(flat)) == ["week01"]


def test_a_learning_path_keeps_its_notebooks_in_its_order_and_names_the_missing_ones(tmp_path, capsys):
    from course.catalogue import PATHS
    folder = learner_folder(tmp_path, {week: release_notebook(week) for week in ("week08", "week07", "week03")})
    result = progress(folder, path="deep-learning")        # blank notebooks: listed without running anything
    assert result.weeks == ["week07", "week08"]             # week03 is not on the deep-learning path
    assert result.missing == tuple(n for n in PATHS["deep-learning"].notebooks if n not in ("week07", "week08"))
    table = result.table()
    assert "Path 'deep-learning' (Deep-learning focus, 6–8 weeks)" in table
    assert "Not in this folder: quickstart, week01, week09" in table.replace("\n", " ")
    assert {row.status for row in result.rows} == {NOT_STARTED}
    with pytest.raises(ValueError, match="no learning path called 'dl'; the paths are: interview, scratch"):
        progress(folder, path="dl")
    assert course_progress.main([str(folder), "--path", "review", "--no-cache"]) == 0
    assert "Path 'review'" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        course_progress.main([str(folder), "--path", "dl"])
    assert "invalid choice: 'dl'" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("week", [week for week in RELEASED if (REPO / "source" / week / f"{week}.py").exists()])
def test_the_solutions_pass_every_exercise(tmp_path, week):
    solved = filled_in(release_notebook(week), read_text_notebook(REPO / "source" / week / f"{week}.py"))
    result = progress(learner_folder(tmp_path, {week: solved}))
    exercises = {row.exercise: row for row in result.rows if row.kind == "exercise"}
    assert sorted(exercises) == sorted(get(key).function for key in keys(week))
    assert {name: row.status for name, row in exercises.items() if row.status != PASSED} == {}
    assert {row.status for row in result.rows if row.kind != "exercise"} == {ANSWERED}
