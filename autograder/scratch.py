"""nbgrader's generate_assignment, run in a throw-away copy of the course.

`autograder build` uses it to make releases without touching the instructor's gradebook, and
`autograder grade` to record an assignment's cells in the real gradebook without rewriting release/.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def generate_assignment(root: Path, week: str, scratch: Path, *options: str) -> subprocess.CompletedProcess:
    """Copy nbgrader_config.py and source/<week> into ``scratch`` and run generate_assignment there."""
    shutil.copy2(root / "nbgrader_config.py", scratch / "nbgrader_config.py")
    shutil.copytree(root / "source" / week, scratch / "source" / week,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    nbgrader = Path(sys.executable).with_name("nbgrader")
    command = [str(nbgrader) if nbgrader.exists() else "nbgrader", "generate_assignment", week, "--force", *options]
    # nbgrader calls helper executables (alembic) by name: find them beside our interpreter.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(command, cwd=scratch, capture_output=True, text=True, env=env)
