"""Week 05's explorers for bench/explorer_updates.py (the loader injects CLICK)."""


def kmeans_changes():
    changes = [("step", s) for s in (1, 2, 3, 5, 8, 15, 4, 0)]
    changes += [("k", k) for k in (3, 5, 2, 6)]
    changes += [("init", "k-means++"), ("start", 3), ("step", 6), ("start", 7), ("init", "random points")]
    changes += [("dataset", d) for d in ("anisotropic", "moons", "unequal sizes", "blobs")]
    changes += [("step", s) for s in (2, 9, 12, 1, 7, 3, 10, 5, 11)]
    return changes


def dbscan_changes():
    changes = [("eps", e) for e in (0.05, 0.08, 0.1, 0.12, 0.2, 0.25, 0.3, 0.18)]
    changes += [("min_samples", m) for m in (2, 3, 8, 12, 4)]
    changes += [("dataset", d) for d in ("blobs + outliers", "unequal densities", "moons + noise")]
    changes += [("eps", e) for e in (0.14, 0.16, 0.22, 0.35, 0.11, 0.13)]
    changes += [("min_samples", m) for m in (6, 10, 7, 5)]
    return changes


def dendrogram_changes():
    changes = [("cut", c) for c in (0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9, 0.05, 0.55)]
    changes += [("method", m) for m in ("complete", "average", "ward", "single")]
    changes += [("dataset", d) for d in ("moons", "a bridge between two blobs", "blobs")]
    changes += [("cut", c) for c in (0.15, 0.25, 0.35, 0.45, 0.65, 0.75, 0.85, 0.95, 0.5, 0.3)]
    changes += [("method", "ward"), ("cut", 0.4), ("method", "complete")]
    return changes


EXPLORERS = [("kmeans_explorer", kmeans_changes), ("dbscan_explorer", dbscan_changes),
             ("dendrogram_explorer", dendrogram_changes)]
