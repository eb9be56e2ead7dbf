"""A class of 500 week-01 notebooks through `autograder grade`, as an instructor with a large course meets it.

    .venv/bin/python bench/grading_scale.py                      # 500 notebooks; memory also at 100; stock on 50
    .venv/bin/python bench/grading_scale.py --students 60 --memory-at 20 --stock-sample 6   # a quick look

The class is a realistic mix (of every 100: 46 solved, 20 partly solved, 15 blank, 18 wrong and 1 hostile
from the hostile suite, a different one in each hundred: an endless loop, a memory bomb, a fork bomb, a process
that kills itself, a flood of output). It is graded by `autograder grade` on the embedded Dask cluster with a
cell time limit an instructor would set for a week whose solution runs in seconds (``--timeout``, 20 s: an
endless loop costs a worker that long; `--timeout 60`, the default, shows what that default costs), and the
figures printed are: wall time, notebooks per second, the peak resident memory of the grader process itself
and the peak proportional memory (PSS: shared pages split among their sharers) of the whole process tree
(grader, Dask workers, zygotes, sandboxes; the grader sampled every 0.2 s, the tree every second: reading every
process's page map costs CPU the grading would otherwise have), at
``--memory-at`` students and at ``--students`` (the grader's own memory must stay flat: within 10 %). Stock
`nbgrader autograde` grades a sample of ``--stock-sample`` notebooks of the same mix; its time for the whole
class is extrapolated linearly and labelled as such. The floor is the notebooks' own compute (a solved
notebook's cells in a warm process, times the class, over the cores). ``--slice`` grades with `autograder grade
--slice` (only the cells the verdicts need), as an instructor in a hurry would.
"""
from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from grading_throughput import _env, make_course, own_compute_seconds  # noqa: E402

from autograder.notebooks import filled_in  # noqa: E402

WEEK = "week01"
STUB = "def softmax(z):\n    raise NotImplementedError"
HOSTILE = {  # answer cell -> code; each from tests/grading/test_hostile*.py, scored 0 there for that cell
    "endless-loop": {"softmax": "while True:\n    pass"},
    "memory-bomb": {"softmax": "hog = bytearray(8 * 2**30)"},
    "fork-bomb": {"softmax": "import os\nwhile True:\n    os.fork()"},
    "kills-itself": {"softmax": "import os\nos.kill(os.getpid(), 9)"},
    "output-flood": {"softmax": "while True:\n    print('x' * 10_000)"},
}
WRONG = {"softmax": "def softmax(z):\n    e = np.exp(z)\n    return e / e.sum(axis=-1, keepdims=True)"}


def class_mix(count: int) -> list[tuple[str, dict | None]]:
    """(kind, answers to replace or None for the blank release) per student, in a shuffled but fixed order."""
    per_hundred = ([("solved", {})] * 46 + [("partly solved", {"softmax": STUB, "logsumexp": STUB})] * 20
                   + [("blank", None)] * 15 + [("wrong", WRONG)] * 18 + [("hostile", None)])
    hostile = list(HOSTILE.items())
    mix = []
    for number in range(count):
        kind, answers = per_hundred[(number * 37) % 100]
        if kind == "hostile":   # one per hundred, a different attack in each hundred
            name, answers = hostile[(number // 100) % len(hostile)]
            kind = f"hostile: {name}"
        mix.append((kind, answers))
    return mix


def hand_in(course: Path, count: int) -> dict[str, str]:
    release = nbformat.read(course / "release" / WEEK / f"{WEEK}.ipynb", as_version=4)
    source = nbformat.read(course / "source" / WEEK / f"{WEEK}.ipynb", as_version=4)
    kinds = {}
    for number, (kind, answers) in enumerate(class_mix(count)):
        student = f"student{number:03d}"
        folder = course / "submitted" / student / WEEK
        folder.mkdir(parents=True)
        notebook = release if answers is None else filled_in(release, source, answers)
        nbformat.write(notebook, folder / f"{WEEK}.ipynb")
        kinds[student] = kind
    return kinds


class PeakMemory:
    """Peak memory of a process (resident) and of its whole tree (proportional), sampled in a thread."""

    def __init__(self, pid: int, every: float = 0.2, tree_every: int = 5):
        self.process, self.every, self.tree_every = psutil.Process(pid), every, tree_every
        self.own = self.tree = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        for sample in itertools.count():
            if self._stop.is_set():
                return
            try:
                self.own = max(self.own, self.process.memory_info().rss)
                children = self.process.children(recursive=True) if sample % self.tree_every == 0 else None
            except psutil.Error:
                return
            if children is None:
                self._stop.wait(self.every)
                continue
            # the tree's proportional set size (each shared page split among the processes sharing it): summed
            # RSS counts the zygote's pages once per forked sandbox, and a fork bomb's thousand children
            # "used" terabytes by that count
            total = 0
            for member in (self.process, *children):
                try:
                    total += member.memory_full_info().pss
                except psutil.Error:
                    pass
            self.tree = max(self.tree, total)
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def grade_class(scratch: Path, name: str, count: int, workers: int, timeout: float, slice_cells: bool) -> dict:
    course = make_course(WEEK, scratch / name)
    kinds = hand_in(course, count)
    start = time.perf_counter()
    process = subprocess.Popen([str(BIN / "autograder"), "grade", WEEK, "--workers", str(workers),
                                "--timeout", f"{timeout:g}", *(["--slice"] if slice_cells else [])], cwd=course,
                               env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    memory = PeakMemory(process.pid)
    output, _ = process.communicate()
    memory.stop()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"autograder grade failed:\n{output[-3000:]}")
    return {"course": course, "kinds": kinds, "seconds": seconds, "own_mb": memory.own / 2**20,
            "tree_mb": memory.tree / 2**20}


def scores_by_kind(course: Path, kinds: dict[str, str]) -> dict[str, list[float]]:
    import csv
    with (course / "reports" / WEEK / "grades.csv").open() as handle:
        rows = {row["student"]: float(row["auto_score"]) for row in csv.DictReader(handle)}
    found: dict[str, list[float]] = {}
    for student, kind in kinds.items():
        found.setdefault(kind, []).append(rows.get(student, float("nan")))
    return found


def below_their_kind(course: Path, kinds: dict[str, str]) -> list[str]:
    """The notebooks that scored less than the best of their kind, with the verdicts that cost them points:
    every notebook of a kind has the same answers, so a lower score is the grader's fault (or the machine's)."""
    from autograder.batch import read_ledger
    by_kind = scores_by_kind(course, kinds)
    lines = []
    for student, kind in sorted(kinds.items()):
        entry = read_ledger(course, student, WEEK).get(f"{WEEK}.ipynb") or {}
        verdicts = {v["grade_id"]: v for v in entry.get("verdicts", [])}
        score = sum(v["score"] or 0 for v in verdicts.values())
        if score < max(by_kind[kind]):
            lost = [f"{grade_id} ({v['score']:g}/{v['max_score']:g}): {v['message'][:160]}"
                    for grade_id, v in verdicts.items() if v["score"] is not None and v["score"] < v["max_score"]]
            lines.append(f"    {student} ({kind}, {score:g}, seed {entry.get('seed')}): " + "; ".join(lost)
                         + (f" | notes: {'; '.join(entry.get('notes', []))[:300]}" if entry.get("notes") else ""))
    return lines


def stock_seconds(scratch: Path, sample: int) -> float:
    course = make_course(WEEK, scratch / "stock")
    hand_in(course, sample)
    start = time.perf_counter()
    subprocess.run([str(BIN / "nbgrader"), "autograde", WEEK, "--force"], cwd=course, env=_env(),
                   capture_output=True, text=True)   # a hostile notebook makes nbgrader report failure: timed anyway
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--memory-at", type=int, default=100, help="a smaller class, for the memory comparison")
    parser.add_argument("--stock-sample", type=int, default=50, help="notebooks stock nbgrader grades (0: skip)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--timeout", type=float, default=20.0, help="cell time limit in seconds (default 20)")
    parser.add_argument("--slice", action="store_true", help="grade only the cells the verdicts need")
    args = parser.parse_args(argv)
    if not 0 < args.memory_at <= args.students:
        parser.error("--memory-at must be between 1 and --students")

    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        scratch = Path(folder)
        print(f"{WEEK}: classes of {args.memory_at} and {args.students} (of every 100: 46 solved, 20 partly "
              f"solved, 15 blank, 18 wrong, 1 hostile), {args.workers} workers, cell time limit {args.timeout:g} s"
              f"{', --slice' if args.slice else ''}")
        small = grade_class(scratch, "small", args.memory_at, args.workers, args.timeout, args.slice)
        large = grade_class(scratch, "large", args.students, args.workers, args.timeout, args.slice)
        for label, run in ((args.memory_at, small), (args.students, large)):
            print(f"  {label:4d} notebooks: {run['seconds']:7.1f} s wall, {label / run['seconds']:5.2f} notebooks/s, "
                  f"grader peak {run['own_mb']:6.0f} MB, whole tree peak {run['tree_mb']:6.0f} MB (PSS)")
        growth = large["own_mb"] / small["own_mb"] - 1
        print(f"  grader memory from {args.memory_at} to {args.students} notebooks: {growth:+.1%} "
              f"(goal: within ±10 %)")
        compute = own_compute_seconds(large["course"], WEEK)   # student000 is a solved notebook
        floor = compute * args.students * 0.46 / args.workers
        print(f"  floor: a solved notebook's own compute {compute:.2f} s; the class's solved notebooks alone, over "
              f"{args.workers} cores: {floor:.0f} s")
        print("  scores by kind (min-max):")
        for kind, scores in sorted(scores_by_kind(large["course"], large["kinds"]).items()):
            print(f"    {kind:22s} {len(scores):4d} notebooks, {min(scores):g}-{max(scores):g} points")
        lower = below_their_kind(large["course"], large["kinds"])
        print(f"  notebooks below the best of their kind: {len(lower)}")
        for line in lower[:20]:
            print(line)
        if args.stock_sample:
            sample = min(args.stock_sample, args.students)
            stock = stock_seconds(scratch, sample)
            whole = stock / sample * args.students
            print(f"  stock nbgrader autograde on {sample} of the same mix: {stock:.1f} s "
                  f"({stock / sample:.2f} s each); for {args.students}, EXTRAPOLATED: {whole:.0f} s "
                  f"({whole / large['seconds']:.1f}x ours)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
