"""Week 08's explorers for bench/explorer_updates.py (the loader injects CLICK)."""


def kernel_editor_changes():
    changes = [("preset", p) for p in ("horizontal edges (Sobel y)", "blur (box 3x3)", "sharpen", "outline (Laplacian)",
                                       "identity", "diagonal edges", "vertical edges (Sobel x)")]
    changes += [(f"k{i}", v) for i, v in ((0, 2.0), (4, 1.5), (8, -1.0), (2, 0.5), (6, 3.0), (1, -2.0))]
    changes += [("digit", d) for d in (0, 5, 9, 2, 7)]
    changes += [("preset", "sharpen"), ("k4", 9.0), ("k3", 1.0), ("digit", 4), ("preset", "blur (box 3x3)")]
    return changes


def rnn_gradients_changes():
    changes = [("scale", s) for s in (0.5, 0.8, 0.9, 0.95, 1.05, 1.1, 1.2, 1.5, 2.0, 1.0)]
    changes += [("length", t) for t in (10, 100, 200, 150, 25)]
    changes += [("forget_bias", b) for b in (-2.0, 0.0, 2.0, 4.0, 6.0, 1.0)]
    changes += [("length", 80), ("scale", 1.3), ("forget_bias", 3.0), ("length", 200), ("scale", 0.9)]
    return changes


def layer_statistics_changes():
    inits = ("too small (0.5/√n)", "He (√2/√n)", "too large (3/√n)", "Xavier (1/√n)")
    changes = [("initialisation", i) for i in inits[:3]]
    changes += [("activation", "relu")] + [("initialisation", i) for i in inits]
    changes += [("batch_norm", True)] + [("initialisation", i) for i in inits[:3]]
    changes += [("activation", "tanh"), ("batch_norm", False), ("initialisation", "He (√2/√n)"), ("batch_norm", True),
                ("activation", "relu"), ("batch_norm", False), ("initialisation", "too small (0.5/√n)")]
    return changes


EXPLORERS = [("kernel_editor_explorer", kernel_editor_changes), ("layer_statistics_explorer", layer_statistics_changes),
             ("rnn_gradients_explorer", rnn_gradients_changes)]
