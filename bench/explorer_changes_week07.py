"""Week 07's explorers for bench/explorer_updates.py (the loader injects CLICK).

The Playground's budget is tighter (a training epoch plus the redraw ≤ 100 ms median): most of its changes are
play ticks and step presses, each of which trains one epoch before drawing.
"""


def playground_changes():
    changes = [("play", tick) for tick in range(1, 13)]
    changes += [("step", CLICK)] * 3
    changes += [("layers", 4), ("neurons", 8), ("activation", "relu"), ("dataset", "spiral"), ("feature_5", True)]
    changes += [("play", tick) for tick in range(13, 25)]
    changes += [("learning_rate", 0.01), ("batch_size", 5), ("optimiser", "SGD + momentum"), ("l2", 0.001),
                ("noise", 0.3), ("train_share", 70), ("reset", CLICK)]
    changes += [("play", tick) for tick in range(25, 31)]
    return changes


def optimiser_race_changes():
    changes = [("learning_rate", lr) for lr in (0.01, 0.02, 0.045, 0.05, 0.1, 0.003, 0.03)]
    changes += [("momentum", m) for m in (0.5, 0.8, 0.95, 0.99, 0.0, 0.9)]
    changes += [("beta1", b) for b in (0.5, 0.8, 0.95)] + [("beta2", b) for b in (0.9, 0.99, 0.9999)]
    changes += [("steps", s) for s in (50, 200, 300, 100)]
    changes += [("surface", "Rosenbrock valley"), ("learning_rate", 0.001), ("surface", "saddle"),
                ("learning_rate", 0.01), ("surface", "elongated bowl"), ("steps", 150)]
    return changes


EXPLORERS = [("playground_explorer", playground_changes), ("optimiser_race_explorer", optimiser_race_changes)]
