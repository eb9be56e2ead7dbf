"""The instructor's command line: `autograder build ...` (grading commands arrive with the trusted grader)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from autograder.build import build_week, find_weeks
from autograder.batch import GradingError
from autograder.notebooks import BuildError

DESCRIPTION = """\
Instructor tools for the course. Run them at the course root (the folder with nbgrader_config.py).

  autograder build                 build every assignment: sync source/NAME/NAME.py -> .ipynb, check it,
                                   execute it with solutions, and write the student release to release/NAME/
                                   (NAME: week01 ... week12, quickstart, pitfalls, metrics, ...)
  autograder build week01 metrics  build only these
  autograder build --check         verify that the committed release/ is exactly what a fresh build gives
  autograder grade week01          grade submitted/<student>/week01/*.ipynb in sandboxes, in parallel, into
                                   nbgrader's gradebook, autograded/ and reports/week01/grades.csv
  autograder feedback week01       a feedback page per student: reports/week01/feedback/<student>.html
  autograder report week01         the class table, a PNG and the most common failures: reports/week01/

Typical term: build -> nbgrader release_assignment -> nbgrader collect (or zip_collect) -> autograder grade
-> Formgrader in JupyterLab (written answers) -> autograder feedback / report -> nbgrader export.
"""


def _course_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / "nbgrader_config.py").exists() and (folder / "source").is_dir():
            return folder
    raise BuildError(f"no course root (a folder with nbgrader_config.py and source/) at or above {start}.")


def _build(args: argparse.Namespace) -> int:
    root = _course_root(Path.cwd())
    weeks = args.weeks or find_weeks(root)
    if not weeks:
        raise BuildError(f"no assignments found under {root / 'source'} (expected source/NAME/NAME.py).")
    verb = "checking" if args.check else "building"
    for week in tqdm(weeks, desc=verb, unit="notebook", file=sys.stderr, disable=len(weeks) < 2):
        result = build_week(root, week, execute=not args.no_execute, check=args.check)
        ran = (f"executed with solutions in {result.execution_seconds:.1f} s"
               if result.execution_seconds is not None else "not executed (--no-execute)")
        pair = "; notebook re-synced from the .py" if result.pair_updated else ""
        outcome = "release/ matches a fresh build" if args.check else f"release/{week}/ written"
        tqdm.write(f"{week}: {ran}; {outcome} ({len(result.release_files)} files){pair}", file=sys.stdout)
    return 0


def _grade(args: argparse.Namespace) -> int:
    from autograder.commands import grade
    from autograder.sandbox import Limits
    root = _course_root(Path.cwd())
    limits = Limits(memory_mb=args.memory, cell_timeout=args.timeout, notebook_timeout=args.notebook_timeout,
                    cpu_seconds=int(args.notebook_timeout))
    grade(root, args.assignment, students=args.student, workers=args.workers, scheduler=args.scheduler,
          limits=limits, force=args.force, url=args.db_url, slice_cells=args.slice)
    return 0


def _feedback(args: argparse.Namespace) -> int:
    from autograder.feedback import write_feedback
    pages = write_feedback(_course_root(Path.cwd()), args.assignment, args.student)
    print(f"{len(pages)} feedback page(s) written, e.g. {pages[0]}" if pages else "no feedback pages written")
    return 0


def _report(args: argparse.Namespace) -> int:
    from autograder.report import summary_text, write_report
    report = write_report(_course_root(Path.cwd()), args.assignment)
    print(summary_text(report))
    return 0


def _export(args: argparse.Namespace) -> int:
    from autograder.batch import db_url
    from autograder.export import export
    root = _course_root(Path.cwd())
    path = export(root, args.assignment, args.format, args.db_url or db_url(root), args.output)
    print(f"{args.assignment}: {args.format} grades written to {path}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="autograder", description=DESCRIPTION,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    build = commands.add_parser(
        "build", help="build student releases from source/ with nbgrader, refusing unsafe or broken weeks",
        description="Sync each Jupytext pair (the .py is the truth), refuse duplicate grade_ids, misplaced "
                    "markers and notebooks that fail to execute with their solutions, run nbgrader "
                    "generate_assignment, strip pairing metadata and refuse any leaked solution or hidden test.")
    build.add_argument("weeks", nargs="*", metavar="NAME",
                       help="assignments to build, e.g. week01 or quickstart (default: all in source/)")
    build.add_argument("--check", action="store_true",
                       help="change nothing; fail unless the committed release/ equals a fresh build")
    build.add_argument("--no-execute", action="store_true",
                       help="skip executing the source notebooks (faster; for quick iterations only)")
    build.set_defaults(run=_build)

    grade = commands.add_parser(
        "grade", help="grade submissions in sandboxes, in parallel, into nbgrader's gradebook",
        description="Grade every submitted/<student>/ASSIGNMENT/*.ipynb. Each notebook runs in a fresh sandboxed "
                    "process (no network, no view of the course folder, resource caps, unprivileged user when "
                    "started as root); only its answers are taken from the student, every test cell comes from "
                    "source/ASSIGNMENT, and every verdict is decided outside the student's process. Scores go to "
                    "nbgrader's gradebook; graded notebooks to autograded/; a table to reports/ASSIGNMENT/grades.csv. "
                    "A batch that is interrupted can simply be run again: unchanged, already graded notebooks are "
                    "skipped.")
    grade.add_argument("assignment", metavar="ASSIGNMENT", help="the assignment (week) to grade, e.g. week01")
    grade.add_argument("--student", action="append", metavar="ID", help="grade only this student (repeatable)")
    grade.add_argument("--workers", type=int, metavar="N", help="local Dask workers (default: one per core)")
    grade.add_argument("--scheduler", metavar="ADDRESS",
                       help="use an existing Dask cluster, e.g. tcp://10.0.0.5:8786, instead of a local one")
    grade.add_argument("--memory", type=int, default=2048, metavar="MB", help="memory per notebook (default 2048)")
    grade.add_argument("--timeout", type=float, default=60.0, metavar="S", help="seconds per cell (default 60)")
    grade.add_argument("--notebook-timeout", type=float, default=600.0, metavar="S",
                       help="seconds per notebook, all cells together (default 600)")
    grade.add_argument("--force", action="store_true", help="regrade notebooks that are already graded")
    grade.add_argument("--slice", action="store_true",
                       help="run only the cells a verdict can depend on (test and answer cells, the student's own "
                            "cells, and the lesson cells they read, found from names); skipped cells are marked in "
                            "the graded notebook. Faster on weeks with heavy demos; the scores are those of a full run")
    grade.add_argument("--db-url", metavar="URL", help="gradebook URL (default: nbgrader_config.py's, or "
                       "sqlite:///gradebook.db); e.g. postgresql://user@host/course")
    grade.set_defaults(run=_grade)

    feedback = commands.add_parser(
        "feedback", help="write a feedback page per student (what passed, why the rest failed)",
        description="Write reports/ASSIGNMENT/feedback/<student>.html from the graded results: the score, each "
                    "question's checks with the reason a check failed, and the student's own code. Hidden-test "
                    "code, solutions and hidden expected values are never shown.")
    feedback.add_argument("assignment", metavar="ASSIGNMENT")
    feedback.add_argument("--student", action="append", metavar="ID", help="only this student (repeatable)")
    feedback.set_defaults(run=_feedback)

    report = commands.add_parser(
        "report", help="write the class report: a table, a PNG and the most common failures",
        description="Write reports/ASSIGNMENT/class.csv (a row per student, a column per question), report.png "
                    "(score distribution per question; the most common failure messages) and report.md.")
    report.add_argument("assignment", metavar="ASSIGNMENT")
    report.set_defaults(run=_report)

    export = commands.add_parser(
        "export", help="write the grades as a CSV file Canvas's or Moodle's gradebook imports",
        description="Write reports/ASSIGNMENT/FORMAT.csv from nbgrader's gradebook (auto and manual points): "
                    "one row per student of the gradebook (0 for no submission, as `nbgrader export`). "
                    "canvas: Student, ID (nbgrader's lms_user_id), SIS User ID, SIS Login ID (the nbgrader "
                    "student id), Section, the assignment, and a Points Possible row; import it in Canvas under "
                    "Grades > Import. moodle: ID number (the nbgrader student id), First name, Last name, Email "
                    "address, the assignment; in Moodle, Grades > Import > CSV file, mapping ID number to "
                    "idnumber. csv: student_id, first_name, last_name, email, lms_user_id, score, max_score.")
    export.add_argument("assignment", metavar="ASSIGNMENT")
    export.add_argument("--format", choices=("canvas", "moodle", "csv"), default="csv",
                        help="the LMS's import format (default csv)")
    export.add_argument("--output", type=Path, metavar="FILE", help="where to write (default "
                        "reports/ASSIGNMENT/FORMAT.csv)")
    export.add_argument("--db-url", metavar="URL", help="gradebook URL (default: nbgrader_config.py's, or "
                        "sqlite:///gradebook.db)")
    export.set_defaults(run=_export)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not getattr(args, "run", None):
        parser().print_help()
        return 2
    try:
        return args.run(args)
    except (BuildError, GradingError) as error:
        print(f"autograder {args.command}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
