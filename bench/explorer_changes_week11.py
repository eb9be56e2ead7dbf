"""Week 11's explorers for bench/explorer_updates.py (the loader injects CLICK). The run comparison is built on
its demo grid (nine runs of 15 epochs, the shape of the notebook's), the batching explorer on its default cost
model (100 µs per call + 1 µs per row)."""


def run_comparison_changes():
    labels = [f"learning_rate={lr:g}, alpha={a:g}" for lr in (0.003, 0.03, 0.3) for a in (1e-4, 1e-3, 1e-2)]
    changes = [("metric", m) for m in ("val_accuracy", "train_loss", "val_loss")] * 3
    changes += [("chosen", tuple(labels[:k])) for k in range(1, 10)]
    changes += [("metric", "val_accuracy"), ("chosen", tuple(labels[::2])), ("metric", "val_loss"), ("chosen", ())]
    return changes


def batching_changes():
    changes = [("load", v) for v in (0.2, 0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 1.5)]
    changes += [("max_batch", b) for b in (1, 2, 4, 16, 32, 64, 8)]
    changes += [("max_wait_units", w) for w in (0.0, 0.5, 2.0, 4.0, 8.0, 1.0)]
    return changes


EXPLORERS = [("run_comparison_explorer", run_comparison_changes), ("batching_explorer", batching_changes)]
