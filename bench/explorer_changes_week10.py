"""Week 10's explorers for bench/explorer_updates.py (the loader injects CLICK)."""


def nms_changes():
    changes = [("iou_threshold", t) for t in (0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9, 0.95, 0.5)]
    changes += [("score_threshold", s) for s in (0.0, 0.1, 0.2, 0.4, 0.5, 0.6, 0.8, 0.95, 0.3)]
    changes += [("iou_threshold", 0.85), ("score_threshold", 0.05), ("iou_threshold", 0.15), ("score_threshold", 0.7),
                ("iou_threshold", 0.45), ("score_threshold", 0.25)]
    return changes


def diffusion_changes():
    changes = [("t", t) for t in (0, 2, 5, 10, 15, 20, 30, 40, 50, 25)]
    changes += [("schedule", "cosine")] + [("t", t) for t in (5, 20, 35, 45)]
    changes += [("direction", "reverse")] + [("t", t) for t in (50, 40, 20, 10, 3, 0)]
    changes += [("direction", "forward"), ("schedule", "linear"), ("t", 12), ("direction", "reverse")]
    return changes


EXPLORERS = [("nms_explorer", nms_changes), ("diffusion_explorer", diffusion_changes)]
