"""How fast do the week 01 explorers react to a control change?

Builds each explorer outside a browser, moves its controls ~30 times, and prints, per explorer, the model's
compute time alone and the full update a learner waits for (model + drawing + PNG into the Output widget):
median and p90, in milliseconds.  The budget is a median full update well under ~150 ms.

    .venv/bin/python bench/explorer_updates.py
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from time import perf_counter

os.environ["MPLBACKEND"] = "Agg"   # before anything imports matplotlib
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from course.explorers import gradient_descent_explorer, transform_explorer  # noqa: E402

BUDGET_MS = 150.0


def transform_changes() -> list[tuple[str, object]]:
    rng = np.random.default_rng(0)
    changes: list[tuple[str, object]] = [("preset", p) for p in
                                         ("scale", "shear", "rotation 45°", "reflection", "projection (singular)")]
    changes += [(name, float(np.round(rng.uniform(-3, 3), 1))) for name in rng.choice(list("abcd"), size=25)]
    return changes


def gradient_descent_changes() -> list[tuple[str, object]]:
    rng = np.random.default_rng(1)
    changes: list[tuple[str, object]] = [("learning_rate", float(lr)) for lr in np.geomspace(0.001, 0.5, 12)]
    changes += [("steps", int(n)) for n in (10, 60, 150, 300)]
    changes += [("start_x", float(np.round(rng.uniform(-3, 3), 1))) for _ in range(4)]
    changes += [("start_y", float(np.round(rng.uniform(-3, 3), 1))) for _ in range(4)]
    changes += [("surface", "tilted bowl"), ("learning_rate", 0.15), ("surface", "banana valley"),
                ("learning_rate", 0.01), ("surface", "elongated bowl"), ("steps", 30)]
    return changes


def measure(build, changes) -> dict[str, np.ndarray]:
    box = build()
    box.controls[changes[0][0]].value = changes[0][1]   # warm-up: first draws pay for fonts and caches
    compute, full = [], []
    for name, value in changes:
        start = perf_counter()
        box.controls[name].value = value                  # observe() runs model + drawing synchronously
        full.append((perf_counter() - start) * 1000)
        start = perf_counter()
        box.model.compute()                                # the model alone, same state
        compute.append((perf_counter() - start) * 1000)
    return {"compute": np.array(compute), "full": np.array(full)}


def main() -> int:
    rows = []
    for name, build, changes in [("transform_explorer", transform_explorer, transform_changes()),
                                 ("gradient_descent_explorer", gradient_descent_explorer,
                                  gradient_descent_changes())]:
        times = measure(build, changes)
        rows.append((name, len(changes), times))
    print(f"{'explorer':<28}{'changes':>8}{'compute median':>16}{'compute p90':>13}"
          f"{'full median':>13}{'full p90':>10}")
    ok = True
    for name, count, t in rows:
        c, f = t["compute"], t["full"]
        print(f"{name:<28}{count:>8}{np.median(c):>13.2f} ms{np.percentile(c, 90):>10.2f} ms"
              f"{np.median(f):>10.1f} ms{np.percentile(f, 90):>7.1f} ms")
        ok &= bool(np.median(f) < BUDGET_MS)
    print(f"budget: median full update < {BUDGET_MS:.0f} ms: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
