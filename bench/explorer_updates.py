"""How fast do the explorers react to a control change?

Builds each explorer outside a browser (with the reference implementations: no learner's function), moves its
controls 30 times, and prints, per explorer, the model's compute time and the full update a learner waits for
(model + drawing + PNG into the Output widget): median and p90, in milliseconds.  The budget is a median full
update well under ~150 ms.

The compute time is the one the explorer measured inside that same update (``box.last_update``): running
``model.compute()`` again afterwards would find the caches of the explorers that keep fits warm and report ~0.

    .venv/bin/python bench/explorer_updates.py                  # every explorer
    .venv/bin/python bench/explorer_updates.py attention kernel  # only explorers whose name contains a word
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path
from time import perf_counter

os.environ["MPLBACKEND"] = "Agg"   # before anything imports matplotlib
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from course import explorers  # noqa: E402

BUDGET_MS = 150.0
CLICK = object()   # a change that presses a button instead of setting a value

Changes = list[tuple[str, object]]


def transform_changes() -> Changes:
    rng = np.random.default_rng(0)
    changes: Changes = [("preset", p) for p in
                        ("scale", "shear", "rotation 45°", "reflection", "projection (singular)")]
    changes += [(name, float(np.round(rng.uniform(-3, 3), 1))) for name in rng.choice(list("abcd"), size=25)]
    return changes


def gradient_descent_changes() -> Changes:
    rng = np.random.default_rng(1)
    changes: Changes = [("learning_rate", lr) for lr in (0.001, 0.002, 0.005, 0.01, 0.02, 0.04, 0.07, 0.1, 0.15,
                                                         0.2, 0.3, 0.5)]   # stops of the slider
    changes += [("steps", int(n)) for n in (10, 60, 150, 300)]
    changes += [("start_x", float(np.round(rng.uniform(-3, 3), 1))) for _ in range(4)]
    changes += [("start_y", float(np.round(rng.uniform(-3, 3), 1))) for _ in range(4)]
    changes += [("surface", "tilted bowl"), ("learning_rate", 0.15), ("surface", "banana valley"),
                ("learning_rate", 0.01), ("surface", "elongated bowl"), ("steps", 30)]
    return changes


def clt_changes() -> Changes:
    changes: Changes = [("sample_size", n) for n in (1, 2, 5, 10, 20, 30, 50, 100, 40, 8)]
    changes += [("draw_again", CLICK)] * 3
    changes += [("population", p) for p in ("uniform(0, 1)", "Bernoulli(0.1)", "skewed mixture", "lognormal(0, 1)",
                                             "exponential(1)")]
    changes += [("repeats", r) for r in (1000, 5000, 10000, 3000)]
    changes += [("sample_size", n) for n in (3, 15, 60)] + [("draw_again", CLICK)] * 2
    changes += [("population", "Bernoulli(0.1)"), ("sample_size", 25), ("draw_again", CLICK)]
    return changes


def bayes_changes() -> Changes:
    changes: Changes = [("prevalence", float(p)) for p in np.geomspace(0.001, 0.5, 10)]
    changes += [("sensitivity", s) for s in (0.6, 0.7, 0.8, 0.95, 0.99)]
    changes += [("specificity", s) for s in (0.9, 0.8, 0.99, 0.999, 0.95)]
    changes += [("population", n) for n in (100, 10000, 1000, 10000, 100)]
    changes += [("prevalence", p) for p in (0.01, 0.05, 0.002, 0.2, 0.02)]
    return changes


def sgd_changes() -> Changes:
    changes: Changes = [("batch_size", b) for b in (1, 2, 5, 20, 50, 100, 10)]
    changes += [("learning_rate", float(lr)) for lr in np.geomspace(0.002, 0.5, 8)]
    changes += [("reshuffle", CLICK)] * 3
    changes += [("decay", d) for d in (0.0, 0.5, 1.0, 2.0)]
    changes += [("epochs", e) for e in (1, 5, 30, 10)]
    changes += [("batch_size", 1), ("learning_rate", 0.02), ("reshuffle", CLICK), ("decay", 0.1)]
    return changes


def bias_variance_changes() -> Changes:
    changes: Changes = [("degree", d) for d in (1, 2, 4, 6, 8, 10, 12, 15, 5, 3)]
    changes += [("alpha", a) for a in (1e-4, 1e-2, 1.0, 10.0, 100.0, 1e-6)]
    changes += [("degree", d) for d in (9, 14)]
    changes += [("noise", n) for n in (0.1, 0.5, 1.0, 0.3)]
    changes += [("degree", d) for d in (2, 7, 11)]
    changes += [("alpha", a) for a in (0.1, 1e-3)] + [("noise", 0.6), ("degree", 4), ("alpha", 1.0)]
    return changes


def decision_regions_changes() -> Changes:
    changes: Changes = [("C", float(c)) for c in (0.01, 0.1, 10.0, 100.0, 1000.0, 1.0)]
    changes += [("degree", d) for d in (1, 2, 5, 6, 3)]
    changes += [("dataset", "circles"), ("C", 0.3), ("degree", 2), ("dataset", "overlapping blobs")]
    changes += [("model", "decision tree")]
    changes += [("depth", d) for d in (1, 2, 5, 8, 10, 4)]
    changes += [("criterion", "entropy"), ("dataset", "moons"), ("depth", 6), ("criterion", "gini")]
    changes += [("model", "logistic regression"), ("C", 30.0), ("dataset", "circles"), ("degree", 4)]
    return changes


def threshold_changes() -> Changes:
    changes: Changes = [("threshold", t) for t in (0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9, 0.05, 0.5)]
    changes += [("separation", s) for s in (0.0, 1.0, 3.0, 5.0, 2.0)]
    changes += [("positive_share", p) for p in (0.04, 0.1, 0.3, 0.5, 0.2)]
    changes += [("threshold", t) for t in (0.25, 0.65, 0.45)]
    changes += [("separation", 1.5), ("threshold", 0.35), ("positive_share", 0.06), ("threshold", 0.75),
                ("separation", 4.0), ("threshold", 0.55), ("positive_share", 0.4)]
    return changes


def svm_changes() -> Changes:
    changes: Changes = [("C", float(c)) for c in (0.01, 0.1, 10.0, 100.0, 1000.0)]
    changes += [("gamma", float(g)) for g in (0.01, 0.1, 3.0, 10.0, 100.0)]
    changes += [("C", float(c)) for c in np.logspace(-2, 3, 11)[::2]]
    changes += [("gamma", float(g)) for g in np.logspace(-2, 2, 9)[1::2]]
    changes += [("C", 1.0), ("gamma", 1.0), ("C", 30.0), ("gamma", 30.0), ("C", 0.3), ("gamma", 0.3), ("C", 3.0),
                ("gamma", 2.0), ("C", 300.0), ("gamma", 0.03)]
    return changes


def boosting_changes() -> Changes:
    changes: Changes = [("stage", s) for s in (1, 5, 10, 20, 40, 80, 120, 200, 300, 60)]
    changes += [("learning_rate", lr) for lr in (0.3, 1.0, 0.03)]
    changes += [("stage", s) for s in (15, 150, 250, 30)]
    changes += [("max_depth", d) for d in (1, 3, 5)]
    changes += [("stage", s) for s in (2, 25, 100, 280)]
    changes += [("learning_rate", 0.1), ("stage", 70), ("max_depth", 2), ("stage", 45), ("learning_rate", 0.01),
                ("stage", 290)]
    return changes


def forest_changes() -> Changes:
    changes: Changes = [("n_trees", n) for n in (1, 2, 3, 5, 10, 20, 40, 80, 120, 200, 60)]
    changes += [("max_features", "all")]
    changes += [("n_trees", n) for n in (1, 7, 15, 30, 150, 90)]
    changes += [("max_features", "sqrt")]
    changes += [("n_trees", n) for n in (4, 12, 50, 100, 180)]
    changes += [("max_features", "all"), ("n_trees", 25), ("max_features", "sqrt"), ("n_trees", 70),
                ("n_trees", 160), ("n_trees", 8)]
    return changes


EXPLORERS = [("transform_explorer", transform_changes), ("gradient_descent_explorer", gradient_descent_changes),
             ("clt_explorer", clt_changes), ("bayes_explorer", bayes_changes), ("sgd_explorer", sgd_changes),
             ("bias_variance_explorer", bias_variance_changes),
             ("decision_regions_explorer", decision_regions_changes), ("threshold_explorer", threshold_changes),
             ("svm_explorer", svm_changes), ("boosting_explorer", boosting_changes),
             ("forest_explorer", forest_changes)]
# Later notebooks list their explorers beside this script: bench/explorer_changes_NAME.py, each with its own
# EXPLORERS list of (explorer name, function returning [(control, value or CLICK)]), so a new week adds a
# file instead of editing this one (NAME: week05 ... or quickstart, metrics, ...).
for _path in sorted(Path(__file__).parent.glob("explorer_changes_*.py")):
    _spec = importlib.util.spec_from_file_location(_path.stem, _path)
    _module = importlib.util.module_from_spec(_spec)
    _module.CLICK = CLICK                       # the week's file may press buttons too
    _spec.loader.exec_module(_module)
    EXPLORERS += _module.EXPLORERS


def measure(build, changes: Changes) -> dict[str, np.ndarray]:
    box = build()
    box.update()                                          # warm-up: first draws pay for fonts and caches
    compute, full = [], []
    for name, value in changes:
        before = box.last_update
        start = perf_counter()
        if value is CLICK:
            box.controls[name].click()
        else:
            box.controls[name].value = value              # observe() runs model + drawing synchronously
        full.append((perf_counter() - start) * 1000)
        if box.last_update is before:
            raise ValueError(f"setting {name} = {value!r} did not update the explorer (already that value?)")
        compute.append(box.last_update["compute_ms"])     # the model alone, measured inside this update
    return {"compute": np.array(compute), "full": np.array(full)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n")[-1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("words", nargs="*", metavar="WORD", help="only explorers whose name contains a word")
    words = parser.parse_args(argv).words
    chosen = [(name, changes_of) for name, changes_of in EXPLORERS if not words or any(w in name for w in words)]
    if not chosen:
        print(f"no explorer name contains {' or '.join(words)}; they are: {', '.join(n for n, _ in EXPLORERS)}")
        return 2
    rows = []
    for name, changes_of in chosen:
        changes = changes_of()
        times = measure(getattr(explorers, name), changes)
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
