"""Execute each week's source notebook with its solutions and print time and the kernel's peak memory.

The bar (DESIGN.md): each week runs top to bottom in <= 60 s and <= 1.5 GB on 2 cores, which also
keeps it inside Binder's 2 GB.  Each week runs in a fresh kernel started by this process, so the
kernel's peak resident memory is read from getrusage(RUSAGE_CHILDREN) after a separate runner exits.

    .venv/bin/python bench/week_execution.py [week01 ...]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from autograder.build import find_weeks

ROOT = Path(__file__).resolve().parents[1]
LIMIT_SECONDS, LIMIT_MB = 60.0, 1536.0

RUNNER = """
import json, resource, sys
from pathlib import Path
from autograder.execute import execute_notebook
from autograder.notebooks import read_text_notebook
py = Path(sys.argv[1])
run = execute_notebook(read_text_notebook(py), py.parent, where=str(py))
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss   # the kernel, our child
print(json.dumps({"seconds": run.seconds, "peak_mb": peak_kb / 1024}))
"""


def measure(week: str) -> dict:
    py = ROOT / "source" / week / f"{week}.py"
    result = subprocess.run([sys.executable, "-c", RUNNER, str(py)], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"{week} failed to execute:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n")[1])
    parser.add_argument("notebooks", nargs="*", metavar="NAME",
                        help="notebooks to run (source/NAME/NAME.py), e.g. week03 rl; default: all of them")
    weeks = parser.parse_args(argv).notebooks or find_weeks(ROOT)
    unknown = [week for week in weeks if not (ROOT / "source" / week / f"{week}.py").exists()]
    if unknown:
        parser.error(f"no source/NAME/NAME.py for {', '.join(unknown)}; the notebooks are: {', '.join(find_weeks(ROOT))}")
    print(f"{'notebook':<15}{'seconds':>10}{'peak MB':>10}   within the bar ({LIMIT_SECONDS:.0f} s, {LIMIT_MB:.0f} MB)")
    for week in weeks:
        figures = measure(week)
        ok = figures["seconds"] <= LIMIT_SECONDS and figures["peak_mb"] <= LIMIT_MB
        print(f"{week:<15}{figures['seconds']:>10.1f}{figures['peak_mb']:>10.0f}   {'yes' if ok else 'NO'}")


if __name__ == "__main__":
    main()
