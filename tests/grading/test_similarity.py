"""Similar answers in the class report: a copy with renamed variables and new comments is found, an answer
written independently is not, and the release's starter code matches nothing (issue 9 §4)."""
from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder import similarity

pytest.importorskip("copydetect")

STUB = '# YOUR CODE HERE\nraise NotImplementedError("not implemented yet: replace this line with your code")'
STARTER = {"gradient": f"def numerical_gradient(f, x, h=1e-6):\n    {STUB}",
           "descent": f"def gradient_descent(grad, x0, lr, n_steps):\n    {STUB}"}

ANA = {"gradient": '''def numerical_gradient(f, x, h=1e-6):
    """Central differences, one coordinate at a time."""
    x = np.asarray(x, dtype=float)
    gradient = np.zeros_like(x)
    for index in range(x.size):
        step = np.zeros_like(x)
        step.flat[index] = h
        forward = f(x + step)
        backward = f(x - step)
        gradient.flat[index] = (forward - backward) / (2 * h)
    return gradient
''', "descent": '''def gradient_descent(grad, x0, lr, n_steps):
    # keep every iterate so that the path can be plotted
    point = np.array(x0, dtype=float)
    history = [point.copy()]
    for _ in range(n_steps):
        point = point - lr * grad(point)
        history.append(point.copy())
    return np.array(history)
'''}
# Ana's answers, renamed, re-commented and re-spaced: what a copy looks like
BEN = {"gradient": '''def numerical_gradient(f, x, h=1e-6):
    # my own central difference
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    for i in range(x.size):

        e = np.zeros_like(x)
        e.flat[i] = h
        up = f(x + e)
        down = f(x - e)
        g.flat[i] = (up - down) / (2 * h)
    return g
''', "descent": '''def gradient_descent(grad, x0, lr, n_steps):
    current = np.array(x0, dtype=float)
    path = [current.copy()]   # all the steps
    for _ in range(n_steps):
        current = current - lr * grad(current)
        path.append(current.copy())
    return np.array(path)
'''}
# The same two functions written independently (vectorised, preallocated)
CYD = {"gradient": '''def numerical_gradient(f, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    shifts = np.eye(x.size).reshape((x.size,) + x.shape) * h
    values = np.array([f(x + s) - f(x - s) for s in shifts])
    return (values / (2.0 * h)).reshape(x.shape)
''', "descent": '''def gradient_descent(grad, x0, lr, n_steps):
    iterates = np.empty((n_steps + 1, np.size(x0)))
    iterates[0] = x0
    for t in range(1, n_steps + 1):
        iterates[t] = iterates[t - 1] - lr * grad(iterates[t - 1])
    return iterates
'''}


def code(answers: dict[str, str]) -> str:
    return "\n\n".join(answers[key] for key in STARTER)


def notebook(answers: dict[str, str]) -> nbformat.NotebookNode:
    cells = [new_code_cell("import numpy as np")]
    for key in STARTER:
        cell = new_code_cell(answers[key])
        cell.metadata["nbgrader"] = {"grade": False, "grade_id": key, "locked": False, "schema_version": 3,
                                     "solution": True, "task": False}
        cells += [cell, new_code_cell(f"expect_close({key}(...), ...)")]
    return new_notebook(cells=cells)


def test_a_renamed_copy_is_found_and_an_independent_answer_is_not():
    pairs = similarity.similar_pairs({"ana": code(ANA), "ben": code(BEN), "cyd": code(CYD), "dee": code(STARTER)},
                                     code(STARTER))
    assert [(p.first, p.second) for p in pairs] == [("ana", "ben")], [(p.first, p.second, p.shares) for p in pairs]
    assert min(pairs[0].shares) > 0.8
    everyone = similarity.similar_pairs({"ana": code(ANA), "ben": code(BEN), "cyd": code(CYD)}, code(STARTER),
                                        threshold=0.0)
    shares = {(p.first, p.second): p.share for p in everyone}
    assert max(shares.get(("ana", "cyd"), 0.0), shares.get(("ben", "cyd"), 0.0)) < 0.3, shares


def test_the_shares_are_the_same_in_every_run():
    """copydetect's own k-gram hash is Python's hash(), salted per process: the report must not depend on it."""
    import os
    import subprocess
    import sys
    program = ("import sys; sys.path[:0] = sys.argv[1:]; from grading.test_similarity import *; "
               "print([p.shares for p in similarity.similar_pairs({'ana': code(ANA), 'ben': code(BEN), "
               "'cyd': code(CYD)}, code(STARTER), threshold=0.0)])")
    tests = str(Path(__file__).resolve().parents[1])
    runs = {subprocess.run([sys.executable, "-c", program, tests], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(runs) == 1, runs


def test_starter_code_is_boilerplate_so_two_blank_notebooks_are_not_a_pair():
    assert similarity.similar_pairs({"dee": code(STARTER), "eve": code(STARTER)}, code(STARTER)) == []


def test_the_page_marks_the_shared_code_and_escapes_the_students_text(tmp_path: Path):
    root = tmp_path
    (root / "release" / "week01").mkdir(parents=True)
    nbformat.write(notebook(STARTER), root / "release" / "week01" / "week01.ipynb")
    hostile = dict(ANA, descent=ANA["descent"].replace("# keep every", "# <script>alert(1)</script> keep every"))
    for student, answers in {"ana": hostile, "ben<b>": BEN, "cyd": CYD}.items():
        folder = root / "autograded" / student / "week01"
        folder.mkdir(parents=True)
        nbformat.write(notebook(answers), folder / "week01.ipynb")
    pairs = similarity.class_pairs(root, "week01", ["ana", "ben<b>", "cyd"])
    assert [(p.first, p.second) for p in pairs] == [("ana", "ben<b>")]
    page = similarity.html_page("week01", pairs)
    assert "<script>" not in page and "&lt;script&gt;" in page and "ben&lt;b&gt;" in page
    marked = re.findall(r"<mark>(.*?)</mark>", page, flags=re.S)
    assert marked and any("np.zeros_like" in html.unescape(m) for m in marked)
