"""Grade the same class with stock `nbgrader autograde` and with `autograder grade`, in one run.

    .venv/bin/python bench/grading_throughput.py [--week week01 ...] [--all-weeks] [--students 40] [--workers 2]
                                                 [--baseline REF]

Makes N submissions of a week from its release (a quarter each: solved, blank, a wrong
function, a wrong checkpoint answer), copies them into two identical course roots, and times:
- stock nbgrader: `nbgrader autograde WEEK` (one kernel per notebook, one notebook at a time);
- ours: `autograder grade WEEK --workers W` (sandboxed, verdicts outside the student's process), and again
  with `--slice` (only the cells a verdict can depend on), checking that both give the same scores.
With --all-weeks every week is graded so and a table compares them.
With --baseline REF (a git commit, e.g. the one before a hardening change), the same class is also
graded by that commit's `autograder grade` (checked out in a scratch worktree), so the cost of a
change is measured in the same run, on the same machine. Both wall times include everything each
command does, start-up included. It also measures the
student's own compute: the notebook's cells executed in an already-warm Python process with no
isolation, which is the floor any grader pays; the difference per notebook is our overhead.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from autograder.notebooks import filled_in  # noqa: E402

WRONG_ANSWERS = {  # week -> answer cells replaced by wrong code, for the "wrong" quarter
    "week01": {"softmax": "def softmax(z):\n    e = np.exp(z)\n    return e / e.sum(axis=-1, keepdims=True)"},
}


def _env() -> dict:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}


def make_course(week: str, folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy2(ROOT / "nbgrader_config.py", folder)
    shutil.copytree(ROOT / "source" / week, folder / "source" / week)
    subprocess.run([str(BIN / "nbgrader"), "generate_assignment", week, "--force"], cwd=folder, env=_env(),
                   check=True, capture_output=True)
    return folder


def make_submissions(course: Path, week: str, count: int) -> None:
    release = nbformat.read(course / "release" / week / f"{week}.ipynb", as_version=4)
    source = nbformat.read(course / "source" / week / f"{week}.ipynb", as_version=4)
    checkpoint = {cell.metadata["nbgrader"]["grade_id"]: "q1_answer = 'a'" for cell in source.cells
                  if cell.metadata.get("nbgrader", {}).get("grade_id") == "checkpoint_q1"}
    kinds = [filled_in(release, source), release, filled_in(release, source, WRONG_ANSWERS.get(week, {})),
             filled_in(release, source, checkpoint)]
    for number in range(count):
        folder = course / "submitted" / f"student{number:03d}" / week
        folder.mkdir(parents=True)
        nbformat.write(kinds[number % 4], folder / f"{week}.ipynb")


def timed(command: list[str], cwd: Path, env: dict | None = None) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env or _env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{(result.stdout + result.stderr)[-3000:]}")
    return time.perf_counter() - start


def own_compute_seconds(course: Path, week: str, repeats: int = 3) -> float:
    """The solved notebook's cells, run in a warm process with no sandbox: what any grader must pay."""
    code = f"""
import json, sys, time
import nbformat
from autograder import zygote
zygote._preload()
from autograder.child import Session
notebook = nbformat.read(sys.argv[1], as_version=4)
times = []
for _ in range({repeats}):
    session = Session(20000)
    start = time.perf_counter()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            session.run(cell.source)
    times.append(time.perf_counter() - start)
print(json.dumps(min(times)))
"""
    path = course / "submitted" / "student000" / week / f"{week}.ipynb"
    # The same settings as in a sandbox: one thread, no display, explorers not drawn (COURSE_HEADLESS).
    result = subprocess.run([sys.executable, "-c", code, str(path)], env={**_env(), "MPLBACKEND": "Agg",
                            "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "COURSE_HEADLESS": "1"},
                            capture_output=True, text=True, cwd=course)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def graded_alone_seconds(course: Path, week: str, repeats: int = 3) -> float:
    """One solved notebook graded with nothing else running: sandbox + verdicts, without contention."""
    code = f"""
import json, sys, time
from pathlib import Path
from autograder import batch
from autograder.grading import Job, grade_submission
from autograder.zygote import Zygote
root = Path(sys.argv[1])
hide, keep = batch.sandbox_paths(root)
source = (root / "source" / "{week}" / "{week}.ipynb").read_text()
data = (root / "submitted" / "student000" / "{week}" / "{week}.ipynb").read_bytes()
zygote = Zygote()
times = []
for _ in range({repeats}):
    start = time.perf_counter()
    grade_submission(Job("student000", "{week}", "{week}.ipynb", data, source, {{}}, 1, hide=hide, keep=keep), zygote)
    times.append(time.perf_counter() - start)
zygote.close()
print(json.dumps(min(times)))
"""
    result = subprocess.run([sys.executable, "-c", code, str(course)], env=_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def baseline_grade_seconds(ref: str, week: str, students: int, workers: int, scratch: Path) -> float:
    """`autograder grade` as of commit ``ref``, on a copy of the same class (its code on PYTHONPATH)."""
    tree = scratch / "baseline-code"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), ref], check=True,
                   capture_output=True)
    try:
        course = make_course(week, scratch / "baseline")
        make_submissions(course, week, students)
        env = {**_env(), "PYTHONPATH": str(tree)}
        return timed([sys.executable, "-m", "autograder.cli", "grade", week, "--workers", str(workers)], course, env)
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True)


def one_week(week: str, students: int, workers: int, baseline: str | None, scratch: Path) -> dict:
    """Every figure of one week: stock nbgrader, ours grading every cell, ours grading only what the verdicts
    need (--slice), with the per-notebook breakdown."""
    stock = make_course(week, scratch / week / "stock")
    ours = make_course(week, scratch / week / "ours")
    sliced = make_course(week, scratch / week / "sliced")
    for course in (stock, ours, sliced):
        make_submissions(course, week, students)

    print(f"{students} submissions of {week} (solved, blank, wrong function, wrong checkpoint)")
    row = {"week": week}
    row["stock"] = timed([str(BIN / "nbgrader"), "autograde", week, "--force"], stock)
    print(f"  nbgrader autograde           : {row['stock']:7.1f} s  ({row['stock'] / students:.2f} s each)")
    command = [str(BIN / "autograder"), "grade", week, "--workers", str(workers)]
    row["ours"] = timed(command, ours)
    print(f"  autograder grade --workers {workers}: {row['ours']:7.1f} s  "
          f"({row['ours'] / students:.2f} s each, start-up included)")
    row["sliced"] = timed(command + ["--slice"], sliced)
    print(f"  autograder grade --slice     : {row['sliced']:7.1f} s  ({row['sliced'] / students:.2f} s each)")
    print(f"  throughput ratio             : {row['stock'] / row['ours']:7.1f} x all cells, "
          f"{row['stock'] / row['sliced']:.1f} x --slice")
    if baseline:
        seconds = baseline_grade_seconds(baseline, week, students, workers, scratch / week)
        print(f"  baseline {baseline[:12]:<12} grade    : {seconds:7.1f} s  ({seconds / students:.2f} s each); this "
              f"checkout takes {row['ours'] / seconds:.2f} x its time")

    ledgers = [json.loads(p.read_text())[f"{week}.ipynb"]
               for p in sorted((ours / "autograded").glob(f"*/{week}/.autograder.json"))]
    sliced_ledgers = [json.loads(p.read_text())[f"{week}.ipynb"]
                      for p in sorted((sliced / "autograded").glob(f"*/{week}/.autograder.json"))]
    row["same_scores"] = [e["score"] for e in ledgers] == [e["score"] for e in sliced_ledgers]
    solved = [entry["seconds"]["total"] for i, entry in enumerate(ledgers) if i % 4 == 0]
    solved_sliced = [entry["seconds"]["total"] for i, entry in enumerate(sliced_ledgers) if i % 4 == 0]
    compute = own_compute_seconds(ours, week)
    per_notebook = statistics.median(solved)
    print(f"  solved notebook, own compute : {compute:7.2f} s  (cells in a warm process, no isolation)")
    alone = graded_alone_seconds(ours, week)
    print(f"  solved notebook, graded      : {per_notebook:7.2f} s  (median in the batch, {workers} workers "
          f"sharing the cores); {statistics.median(solved_sliced):.2f} s with --slice")
    print(f"  solved notebook, graded alone: {alone:7.2f} s  (sandbox + verdicts, nothing else running)")
    print(f"  overhead per submission      : {alone - compute:7.2f} s alone, {per_notebook - compute:.2f} s "
          "in the batch (target <= 0.3 s)")
    scores = [entry["score"] for entry in ledgers]
    print(f"  scores by kind (solved/blank/wrong/checkpoint): "
          f"{[scores[i] for i in range(min(4, len(scores)))]} of {ledgers[0]['max_score']}; "
          f"--slice gives {'the same scores' if row['same_scores'] else 'DIFFERENT scores'}")
    row["skipped"] = sliced_ledgers[0]["seconds"].get("cells_skipped", 0)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--week", action="append", help="a week to grade (repeatable; default: week01)")
    parser.add_argument("--all-weeks", action="store_true", help="every week with a source, side by side")
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline", metavar="REF", help="also grade with this git commit's grader")
    args = parser.parse_args()
    from autograder.build import find_weeks
    weeks = find_weeks(ROOT) if args.all_weeks else (args.week or ["week01"])

    with tempfile.TemporaryDirectory(prefix="bench-grading-") as scratch:
        rows = [one_week(week, args.students, args.workers, args.baseline, Path(scratch)) for week in weeks]
    print(f"\n{'week':8} {'nbgrader s':>11} {'ours s':>8} {'--slice s':>10} {'x nbgrader':>11} {'x (--slice)':>12} "
          f"{'cells skipped':>14} {'same scores':>12}")
    for row in rows:
        print(f"{row['week']:8} {row['stock']:11.1f} {row['ours']:8.1f} {row['sliced']:10.1f} "
              f"{row['stock'] / row['ours']:11.1f} {row['stock'] / row['sliced']:12.1f} {row['skipped']:14d} "
              f"{'yes' if row['same_scores'] else 'NO':>12}")


if __name__ == "__main__":
    main()
