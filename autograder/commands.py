"""The `grade` command: wire the batch, the cluster and the gradebook together, and tell the instructor."""
from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

from nbgrader.api import Gradebook
from tqdm import tqdm

from autograder import batch, cluster, escape
from autograder.grading import Result, clean_text, failed_result
from autograder.sandbox import Limits


def grade(root: Path, assignment: str, *, students: list[str] | None, workers: int | None, scheduler: str | None,
          limits: Limits, force: bool = False, disable: frozenset[str] = frozenset(), url: str | None = None,
          slice_cells: bool = False, out=sys.stdout) -> list[dict]:
    url = url or batch.db_url(root)
    submissions = batch.find_submissions(root, assignment, students)
    if not submissions:
        raise batch.GradingError(f"no submissions of {assignment} under {root / 'submitted'}.")
    batch.register_assignment(root, assignment, url, out=out)
    jobs, skipped, hashes = batch.plan_jobs(root, assignment, submissions, limits, force, disable, slice_cells)
    jobs_by_key = {(job.student, job.notebook): job for job in jobs}
    where = f"the Dask scheduler at {scheduler}" if scheduler else \
        f"a local Dask cluster of {workers or cluster.default_workers()} workers"
    print(f"{assignment}: {len(submissions)} notebooks; {len(skipped)} already graded and unchanged; "
          f"{len(jobs)} to grade on {where}.", file=out)

    missing_isolation: Counter = Counter()
    with Gradebook(url) as gradebook, tqdm(total=len(jobs), unit="notebook", file=sys.stderr,
                                           disable=not jobs) as bar:
        def on_result(result: Result) -> None:
            try:
                _keep(result)
            except Exception as error:  # one submission's fault (or ours) must not stop the batch
                gradebook.db.rollback()
                # an earlier attempt's graded notebook must not stand beside a score of 0
                (root / "autograded" / result.student / assignment / result.notebook).unlink(missing_ok=True)
                result = failed_result(jobs_by_key[(result.student, result.notebook)],
                                       f"its result could not be recorded ({type(error).__name__}: "
                                       f"{clean_text(error, 300)})")
                _keep(result)
            missing_isolation.update(result.confinement.get("missing", []))
            bar.update(1)
            bar.set_postfix_str(escape.terminal(f"{result.student}: {result.score:g}/{auto_max(result):g}"))

        def _keep(result: Result) -> None:
            """Graded notebook, then gradebook, then ledger (the ledger last: see batch.py)."""
            folder = root / "submitted" / result.student / assignment
            timestamp, note = batch.read_timestamp(folder)
            if note:
                result.notes.append(note)
            if result.executed is not None:
                batch.write_graded_notebook(root, result)
                if timestamp is not None:
                    (root / "autograded" / result.student / assignment / "timestamp.txt").write_text(
                        (folder / "timestamp.txt").read_text(errors="replace").strip())
            batch.record(gradebook, result, timestamp, out=out)
            submission_sha, source_sha = hashes[(result.student, result.notebook)]
            batch.write_ledger_entry(root, result, submission_sha, source_sha)

        if jobs:
            cluster.run(jobs, on_result, workers=workers, scheduler=scheduler,
                        prepare=lambda job: batch.with_submission(root, job, hashes))

    rows = summary_rows(root, assignment, submissions)
    print_summary(rows, out)
    write_grades_csv(root, assignment, rows)
    for message, count in missing_isolation.items():
        print(f"WARNING: isolation missing for {count} notebook(s): {message}", file=out)
    return rows


def auto_max(result: Result) -> float:
    """Points the grader decides (written answers are graded by a person, and counted apart)."""
    return sum(v.max_score for v in result.verdicts if v.score is not None)


def summary_rows(root: Path, assignment: str, submissions) -> list[dict]:
    rows = []
    for submission in submissions:
        entry = batch.read_ledger(root, submission.student, assignment).get(submission.notebook, {})
        manual = sum(v["max_score"] for v in entry.get("verdicts", []) if v["score"] is None)
        rows.append({"student": submission.student, "notebook": submission.notebook,
                     "auto_score": entry.get("score", 0.0), "auto_max": entry.get("max_score", 0.0) - manual,
                     "manual_max": manual, "notes": "; ".join(entry.get("notes", []))[:200]})
    return rows


def print_summary(rows: list[dict], out) -> None:
    """The table in the instructor's terminal: student text is made inert (no escape sequences)."""
    students = [escape.terminal(r["student"]) for r in rows]
    width = max([len(s) for s in students] + [7])
    print(f"\n{'student':<{width}}  {'auto score':>10}  {'to grade by hand':>16}  notes", file=out)
    for student, row in zip(students, rows):
        score = f"{row['auto_score']:g}/{row['auto_max']:g}"
        manual = f"{row['manual_max']:g} pts" if row["manual_max"] else "-"
        note = escape.terminal(row["notes"].splitlines()[0]) if row["notes"] else ""
        print(f"{student:<{width}}  {score:>10}  {manual:>16}  {note}", file=out)
    if rows:
        mean = sum(r["auto_score"] for r in rows) / len(rows)
        print(f"{len(rows)} notebooks, mean auto score {mean:.2f}/{rows[0]['auto_max']:g}", file=out)


def write_grades_csv(root: Path, assignment: str, rows: list[dict]) -> Path:
    path = root / "reports" / assignment / "grades.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["student", "notebook", "auto_score", "auto_max", "manual_max",
                                                    "notes"])
        writer.writeheader()
        writer.writerows({key: _spreadsheet_safe(value) for key, value in row.items()} for row in rows)
    return path


def _spreadsheet_safe(value):
    """A student's text that a spreadsheet would run as a formula (=HYPERLINK(...)) is quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
