"""How often a hidden test fails a CORRECT answer by chance: the instructor's solution run on many grading seeds.

Some checks are statistical (k-means++ frequencies by chi-square, SGD's shuffling, bootstrap draws): a correct
answer fails them with a small probability per seed, and each submission is graded with its own seed. This runs
every exercise of the chosen weeks on ``--seeds`` seeds and prints, per exercise, the failures, the rate and its
95 % upper bound (the "rule of three", 3 / seeds, when there is no failure), with the first failing seeds so they
can be replayed: ``run_checks(key, solution, seed=...)``.

    .venv/bin/python bench/oracle_false_failures.py                      # every week, 50 seeds each
    .venv/bin/python bench/oracle_false_failures.py week05 --seeds 1000  # one week, more seeds
    .venv/bin/python bench/oracle_false_failures.py --key week05.kmeans_plus_plus --seeds 2000
"""
from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from tqdm import tqdm  # noqa: E402

import course.exercises as exercises  # noqa: E402
from autograder.build import find_weeks  # noqa: E402
from solutions import solution_namespace  # noqa: E402


def false_failures(key: str, solution, seeds: range) -> tuple[list[int], float]:
    """The seeds on which ``solution`` failed, and the seconds per seed."""
    failed, start = [], time.perf_counter()
    for seed in tqdm(seeds, desc=key, leave=False, unit="seed"):
        if not exercises.run_checks(key, solution, seed=seed).ok:
            failed.append(seed)
    return failed, (time.perf_counter() - start) / len(seeds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("weeks", nargs="*", help="weeks to run (default: every week)")
    parser.add_argument("--key", action="append", default=[], help="one exercise key (repeatable)")
    parser.add_argument("--seeds", type=int, default=50, help="grading seeds per exercise (default 50)")
    parser.add_argument("--first-seed", type=int, default=0, help="the first seed (default 0)")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    weeks = args.weeks or sorted({key.split(".")[0] for key in args.key}) or find_weeks(REPO)
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    print(f"{'exercise':36} {'seeds':>6} {'failed':>7} {'rate':>8} {'95% bound':>10} {'s/seed':>8}  first failing seeds")
    worst = 0.0
    for week in weeks:
        importlib.import_module(f"course.exercises.{week}")   # fills the registry with the week's exercises
        namespace = solution_namespace(week)
        for key in args.key or exercises.keys(week):
            if not key.startswith(week + "."):
                continue
            failed, per_seed = false_failures(key, namespace[exercises.get(key).function], seeds)
            rate = len(failed) / len(seeds)
            bound = rate + 1.96 * (rate * (1 - rate) / len(seeds)) ** 0.5 if failed else 3 / len(seeds)
            worst = max(worst, rate)
            print(f"{key:36} {len(seeds):>6} {len(failed):>7} {rate:>8.2%} {min(bound, 1):>10.2%} "
                  f"{per_seed:>8.3f}  {' '.join(map(str, failed[:8]))}", flush=True)
    print(f"\nworst false-failure rate: {worst:.2%} per seed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
