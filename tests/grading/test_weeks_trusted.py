"""Every week through the trusted grader: blank release 0, solutions full marks, and the declared
wrong submission loses exactly the declared test cells (the same contract as the nbgrader round trip)."""
from __future__ import annotations

import io
import shutil
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from autograder import cluster
from autograder.batch import read_ledger
from autograder.build import find_weeks
from autograder.commands import grade
from autograder.notebooks import filled_in
from autograder.sandbox import Limits

from solutions import REPO, wrong_modules

pytestmark = pytest.mark.slow
WEEKS = [week for week in find_weeks(REPO) if week in wrong_modules()]


@pytest.fixture(scope="module")
def one_cluster_for_every_week():
    """The weeks share one embedded cluster (TLS, warm zygotes): starting one costs ~8 s, once per week.

    Only here: other grading tests set the grader's environment before grading (a secret that must not reach
    a notebook) and need workers started after that, as a real `autograder grade` starts them.
    """
    shared = cluster.start_local_cluster(2)
    close = shared.close
    shared.close = lambda *args, **kwargs: None          # each week's batch would otherwise close it
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cluster, "start_local_cluster", lambda workers: shared)
        yield
    close()


@pytest.mark.parametrize("week", WEEKS)
def test_week_through_the_trusted_grader(tmp_path, week, one_cluster_for_every_week):
    shutil.copy2(REPO / "nbgrader_config.py", tmp_path)
    shutil.copytree(REPO / "source" / week, tmp_path / "source" / week)
    release = nbformat.read(REPO / "release" / week / f"{week}.ipynb", as_version=4)
    source = nbformat.read(REPO / "source" / week / f"{week}.ipynb", as_version=4)
    replace, must_fail = wrong_modules()[week].WRONG_SUBMISSION
    for student, notebook in {"blank": release, "solved": filled_in(release, source),
                              "wrong": filled_in(release, source, replace)}.items():
        folder = tmp_path / "submitted" / student / week
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{week}.ipynb")

    # the same course secret in both copies, so both runs draw the same hidden inputs: only --slice differs
    (tmp_path / ".autograder").mkdir()
    (tmp_path / ".autograder" / "seed-salt").write_text(f"{week}-trusted-test")
    sliced = tmp_path / "sliced"
    shutil.copytree(tmp_path, sliced)
    # Both classes at once on the shared cluster: one after the other, each class's third notebook ran alone
    # while the other worker sat idle (two of the suite's slowest tests, weeks 09-10, spent ~95 s each).
    with ThreadPoolExecutor(2) as both:
        full_and_sliced = [both.submit(grade, root, week, students=None, workers=2, scheduler=None,
                                       limits=Limits(cell_timeout=120), slice_cells=root == sliced,
                                       out=io.StringIO()) for root in (tmp_path, sliced)]
    for graded in full_and_sliced:
        graded.result()

    def verdicts(student, root=tmp_path):
        entry = read_ledger(root, student, week)[f"{week}.ipynb"]
        return {v["grade_id"]: v for v in entry["verdicts"] if v["score"] is not None}, entry["notes"]

    for student in ("blank", "solved", "wrong"):   # grading only what the verdicts need changes no score
        full, _ = verdicts(student)
        only_needed, _ = verdicts(student, sliced)
        assert {g: v["score"] for g, v in only_needed.items()} == {g: v["score"] for g, v in full.items()}, student
    skipped = read_ledger(sliced, "solved", week)[f"{week}.ipynb"]["seconds"]["cells_skipped"]
    assert skipped > 0, "no lesson cell was skipped"

    solved, notes = verdicts("solved")
    assert all(v["score"] == v["max_score"] for v in solved.values()), (notes, [v for v in solved.values()
                                                                              if v["score"] != v["max_score"]])
    blank, _ = verdicts("blank")
    assert sum(v["score"] for v in blank.values()) == 0
    wrong, _ = verdicts("wrong")
    assert {g for g, v in wrong.items() if v["score"] == 0} == must_fail
    assert all(v["score"] == v["max_score"] for g, v in wrong.items() if g not in must_fail)
