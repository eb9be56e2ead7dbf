"""Week 06's explorers for bench/explorer_updates.py (the loader injects CLICK)."""


def pca_digits_changes():
    changes = [("k", k) for k in (1, 2, 3, 5, 8, 10, 15, 20, 30, 40, 50, 64)]
    changes += [("k", k) for k in (12, 4, 25, 60, 7, 33, 2, 18, 45, 9, 1, 28, 64, 6, 14, 38, 11, 3)]
    return changes


def tsne_perplexity_changes():
    stops = (2, 5, 10, 30, 50, 100)
    return [("perplexity", stops[i % len(stops)]) for i in (1, 2, 3, 4, 5, 0, 3, 1, 5, 2, 0, 4) * 2 + (3, 2, 1, 0, 5, 4)]


def autoencoder_latent_changes():
    stops = (1, 2, 4, 8, 16, 32)
    return [("k", stops[i]) for i in (0, 1, 2, 4, 5, 3, 1, 5, 0, 2, 4, 1, 3, 5, 2, 0, 4, 3) + (1, 2, 3, 4, 5, 0, 3, 1, 4, 2)]


EXPLORERS = [("pca_digits_explorer", pca_digits_changes), ("tsne_perplexity_explorer", tsne_perplexity_changes),
             ("autoencoder_latent_explorer", autoencoder_latent_changes)]
