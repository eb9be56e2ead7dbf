"""The `grade` command: wire the batch, the cluster and the gradebook together, and tell the instructor."""
from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

from nbgrader.api import Gradebook
from tqdm import tqdm

from autograder import batch, cluster
from autograder.grading import Result
from autograder.sandbox import Limits


def grade(root: Path, assignment: str, *, students: list[str] | None, workers: int | None, scheduler: str | None,
          limits: Limits, force: bool = False, disable: frozenset[str] = frozenset(), url: str | None = None,
          out=sys.stdout) -> list[dict]:
    url = url or batch.db_url(root)
    submissions = batch.find_submissions(root, assignment, students)
    if not submissions:
        raise batch.GradingError(f"no submissions of {assignment} under {root / 'submitted'}.")
    batch.register_assignment(root, assignment, url)
    jobs, skipped, hashes = batch.plan_jobs(root, assignment, submissions, limits, force, disable)
    where = f"the Dask scheduler at {scheduler}" if scheduler else \
        f"a local Dask cluster of {workers or cluster.default_workers()} workers"
    print(f"{assignment}: {len(submissions)} notebooks; {len(skipped)} already graded and unchanged; "
          f"{len(jobs)} to grade on {where}.", file=out)

    missing_isolation: Counter = Counter()
    with Gradebook(url) as gradebook, tqdm(total=len(jobs), unit="notebook", file=sys.stderr,
                                           disable=not jobs) as bar:
        def on_result(result: Result) -> None:
            folder = root / "submitted" / result.student / assignment
            stamp = folder / "timestamp.txt"
            timestamp = stamp.read_text().strip() if stamp.exists() else None
            if result.executed is not None:
                batch.write_graded_notebook(root, result)
                if stamp.exists():
                    (root / "autograded" / result.student / assignment / "timestamp.txt").write_text(timestamp)
            batch.record(gradebook, result, timestamp)
            submission_sha, source_sha = hashes[(result.student, result.notebook)]
            batch.write_ledger_entry(root, result, submission_sha, source_sha)
            missing_isolation.update(result.confinement.get("missing", []))
            bar.update(1)
            bar.set_postfix_str(f"{result.student}: {result.score:g}/{result.max_score:g}")

        if jobs:
            cluster.run(jobs, on_result, workers=workers, scheduler=scheduler)

    rows = summary_rows(root, assignment, submissions)
    print_summary(rows, out)
    write_grades_csv(root, assignment, rows)
    for message, count in missing_isolation.items():
        print(f"WARNING: isolation missing for {count} notebook(s): {message}", file=out)
    return rows


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
    width = max([len(r["student"]) for r in rows] + [7])
    print(f"\n{'student':<{width}}  {'auto score':>10}  {'to grade by hand':>16}  notes", file=out)
    for row in rows:
        score = f"{row['auto_score']:g}/{row['auto_max']:g}"
        manual = f"{row['manual_max']:g} pts" if row["manual_max"] else "-"
        print(f"{row['student']:<{width}}  {score:>10}  {manual:>16}  {row['notes'].splitlines()[0] if row['notes'] else ''}",
              file=out)
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
        writer.writerows(rows)
    return path
