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
    """The class of three graded as `autograder grade --slice` grades it, and the solved notebook again as a
    full run (every cell re-run in the sandbox, the default) to the same scores.

    A full run of the blank and the wrong notebook as well would add no check and cost the most (every lesson
    cell of the week, twice): the contract asserted below pins the score of every cell (blank: all 0; wrong:
    the declared cells 0, the others full; solved: all full), stock nbgrader's full runs of the same three
    notebooks meet it in test_roundtrip.py, and full and sliced runs are compared cell by cell on every hostile
    submission in test_hostile.py.
    """
    shutil.copy2(REPO / "nbgrader_config.py", tmp_path)
    shutil.copytree(REPO / "source" / week, tmp_path / "source" / week)
    release = nbformat.read(REPO / "release" / week / f"{week}.ipynb", as_version=4)
    source = nbformat.read(REPO / "source" / week / f"{week}.ipynb", as_version=4)
    replace, must_fail = wrong_modules()[week].WRONG_SUBMISSION
    # the same course secret in both copies, so both runs draw the same hidden inputs: only --slice differs
    (tmp_path / ".autograder").mkdir()
    (tmp_path / ".autograder" / "seed-salt").write_text(f"{week}-trusted-test")
    full = tmp_path / "full"
    shutil.copytree(tmp_path, full)
    submissions = {"blank": release, "solved": filled_in(release, source), "wrong": filled_in(release, source, replace)}
    for root, students in ((tmp_path, ("blank", "solved", "wrong")), (full, ("solved",))):
        for student in students:
            folder = root / "submitted" / student / week
            folder.mkdir(parents=True)
            nbformat.write(submissions[student], folder / f"{week}.ipynb")
    # Both classes at once on the shared cluster, so that neither worker sits idle while the other grades.
    with ThreadPoolExecutor(2) as both:
        sliced_and_full = [both.submit(grade, root, week, students=None, workers=2, scheduler=None,
                                       limits=Limits(cell_timeout=120), slice_cells=root == tmp_path,
                                       out=io.StringIO()) for root in (tmp_path, full)]
    for graded in sliced_and_full:
        graded.result()

    def verdicts(student, root=tmp_path):
        entry = read_ledger(root, student, week)[f"{week}.ipynb"]
        return {v["grade_id"]: v for v in entry["verdicts"] if v["score"] is not None}, entry["notes"]

    skipped = read_ledger(tmp_path, "solved", week)[f"{week}.ipynb"]["seconds"]["cells_skipped"]
    assert skipped > 0, "no lesson cell was skipped"
    solved, notes = verdicts("solved")
    assert all(v["score"] == v["max_score"] for v in solved.values()), (notes, [v for v in solved.values()
                                                                              if v["score"] != v["max_score"]])
    every_cell_run, full_notes = verdicts("solved", full)   # grading only what the verdicts need changes no score
    assert {g: v["score"] for g, v in every_cell_run.items()} == {g: v["score"] for g, v in solved.items()}, \
        full_notes
    blank, _ = verdicts("blank")
    assert blank and sum(v["score"] for v in blank.values()) == 0
    wrong, _ = verdicts("wrong")
    assert {g for g, v in wrong.items() if v["score"] == 0} == must_fail
    assert all(v["score"] == v["max_score"] for g, v in wrong.items() if g not in must_fail)
