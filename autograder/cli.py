"""The instructor's command line: `autograder build ...` (grading commands arrive with the trusted grader)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from autograder.build import build_week, find_weeks
from autograder.notebooks import BuildError

DESCRIPTION = """\
Instructor tools for the course. Run them at the course root (the folder with nbgrader_config.py).

  autograder build                 build every week: sync source/weekNN/weekNN.py -> .ipynb, check it,
                                   execute it with solutions, and write the student release to release/weekNN/
  autograder build week01 week02   build only these weeks
  autograder build --check         verify that the committed release/ is exactly what a fresh build gives
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
        raise BuildError(f"no weeks found under {root / 'source'} (expected source/weekNN/weekNN.py).")
    verb = "checking" if args.check else "building"
    for week in tqdm(weeks, desc=verb, unit="week", file=sys.stderr, disable=len(weeks) < 2):
        result = build_week(root, week, execute=not args.no_execute, check=args.check)
        ran = (f"executed with solutions in {result.execution_seconds:.1f} s"
               if result.execution_seconds is not None else "not executed (--no-execute)")
        pair = "; notebook re-synced from the .py" if result.pair_updated else ""
        outcome = "release/ matches a fresh build" if args.check else f"release/{week}/ written"
        tqdm.write(f"{week}: {ran}; {outcome} ({len(result.release_files)} files){pair}", file=sys.stdout)
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
    build.add_argument("weeks", nargs="*", metavar="weekNN", help="weeks to build (default: all in source/)")
    build.add_argument("--check", action="store_true",
                       help="change nothing; fail unless the committed release/ equals a fresh build")
    build.add_argument("--no-execute", action="store_true",
                       help="skip executing the source notebooks (faster; for quick iterations only)")
    build.set_defaults(run=_build)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not getattr(args, "run", None):
        parser().print_help()
        return 2
    try:
        return args.run(args)
    except BuildError as error:
        print(f"autograder {args.command}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
