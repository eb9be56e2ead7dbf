"""Week 09's explorers for bench/explorer_updates.py (the loader injects CLICK)."""


def attention_map_changes():
    changes = [("layer", layer) for layer in (2, 3, 1)] + [("head", head) for head in (2, 3, 4, 1)]
    changes += [("temperature", t) for t in (0.1, 0.3, 3.0, 10.0, 1.0)]
    changes += [("query", q) for q in (5, 12, 30, 40, 20)]
    changes += [("causal", False), ("temperature", 0.5), ("causal", True)]
    changes += [("text", "for key, value in sorted(items.items()):"), ("layer", 2), ("head", 3),
                ("text", "    return self._data[key]"), ("query", 10), ("layer", 1), ("head", 1),
                ("text", "def add(self, item):\n    self.items.append(item)")]
    return changes


def char_sampler_changes():
    changes = [("temperature", t) for t in (0.1, 0.3, 0.5, 1.0, 1.5, 2.0, 0.8)]
    changes += [("top_k", k) for k in (1, 3, 5, 10, 40, 0)]
    changes += [("seed", s) for s in (1, 2, 3, 4, 5)]
    changes += [("prompt", p) for p in ("import ", "        return self.", "def __repr__(self):\n", "    retu")]
    changes += [("temperature", 1.2), ("top_k", 8), ("seed", 9), ("prompt", "class Foo("), ("temperature", 0.6),
                ("top_k", 0), ("seed", 0), ("prompt", "    def __init__(self")]
    return changes


def positional_encoding_changes():
    changes = [("position", p) for p in (0, 5, 40, 63, 100, 200)]
    changes += [("dimension", d) for d in (2, 4, 8, 16, 64, 128, 32)]
    changes += [("length", n) for n in (16, 128, 256, 64)]
    changes += [("kind", "learned (the tiny GPT)"), ("position", 10), ("position", 50), ("kind", "sinusoidal")]
    changes += [("dimension", 6), ("position", 30), ("length", 200), ("dimension", 96), ("position", 150),
                ("kind", "learned (the tiny GPT)"), ("kind", "sinusoidal"), ("length", 64), ("position", 20)]
    return changes


EXPLORERS = [("attention_map_explorer", attention_map_changes), ("char_sampler_explorer", char_sampler_changes),
             ("positional_encoding_explorer", positional_encoding_changes)]
