"""Pretrain week 09's tiny character-level GPT on standard-library source and save its weights.

    .venv/bin/python bench/pretrain_week09_gpt.py            # writes course/pretrained/week09_tiny_gpt.pt
    .venv/bin/python bench/pretrain_week09_gpt.py --steps 200 --out /tmp/gpt.pt   # a quick trial

The network and the text are ``course.explorers.tiny_gpt``'s (3 layers, 4 heads, width 96, context 64: about
0.36 M parameters, 1.4 MB as float32); the loop is the notebook's (AdamW, a linear warm-up then a cosine decay,
mini-batches of 32 random windows, gradient clipping at 1), run for longer, on one thread, with fixed seeds. It
prints the training and held-out losses in nats per character, and the bigram baseline's, and saves a plain
state_dict (``torch.load(path, weights_only=True)`` reads it). tests/test_explorers_week09.py checks that the shipped
file loads and gives the held-out loss recorded below.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from course.explorers import tiny_gpt  # noqa: E402

#: What the shipped weights give on the held-out files (first HELD_OUT_CHARACTERS characters), in nats per
#: character; printed by this script, checked by tests/test_explorers_week09.py.
RECORDED_HELD_OUT = 1.3189
HELD_OUT_CHARACTERS = 32_768


def windows(text: torch.Tensor, count: int, context: int, generator: torch.Generator):
    starts = torch.randint(0, len(text) - context - 1, (count,), generator=generator)
    offsets = torch.arange(context)
    return text[starts[:, None] + offsets], text[starts[:, None] + offsets + 1]


def held_out_loss(model, text: torch.Tensor, context: int) -> float:
    """Mean next-character loss over consecutive windows of the held-out text (each character predicted once)."""
    usable = (len(text) - 1) // context * context
    inputs = text[:usable].reshape(-1, context)
    targets = text[1:usable + 1].reshape(-1, context)
    with torch.no_grad():
        losses = [F.cross_entropy(model(inputs[i:i + 64]).reshape(-1, model.config.vocabulary),
                                  targets[i:i + 64].reshape(-1), reduction="sum") for i in range(0, len(inputs), 64)]
    return float(sum(losses) / targets.numel())


def bigram_loss(train: np.ndarray, held_out: np.ndarray, vocabulary: int) -> float:
    counts = np.ones((vocabulary, vocabulary))           # add-one smoothing
    np.add.at(counts, (train[:-1], train[1:]), 1)
    probabilities = counts / counts.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(probabilities[held_out[:-1], held_out[1:]])))


def train(model, text: torch.Tensor, steps: int, seed: int = 0, lr: float = 3e-3, batch: int = 32,
          warmup: int = 100, log_every: int = 0) -> list[float]:
    generator = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01, betas=(0.9, 0.99))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)))
    losses = []
    model.train()
    for step in range(steps):
        inputs, targets = windows(text, batch, model.config.context, generator)
        loss = F.cross_entropy(model(inputs).reshape(-1, model.config.vocabulary), targets.reshape(-1))
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        losses.append(loss.item())
        if log_every and (step + 1) % log_every == 0:
            print(f"step {step + 1}: training loss {np.mean(losses[-log_every:]):.3f}", flush=True)
    return losses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--out", type=Path, default=tiny_gpt.WEIGHTS)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    torch.manual_seed(0)
    train_text = torch.tensor(tiny_gpt.encode(tiny_gpt.stdlib_text(tiny_gpt.PRETRAIN_FILES)))
    held_text = torch.tensor(tiny_gpt.encode(tiny_gpt.stdlib_text(tiny_gpt.VALIDATION_FILES))[:HELD_OUT_CHARACTERS + 1])
    model = tiny_gpt.TinyGPT()
    print(f"{sum(p.numel() for p in model.parameters()):,} parameters; {len(train_text):,} training characters, "
          f"{len(held_text) - 1:,} held-out characters")
    started = time.perf_counter()
    losses = train(model, train_text, args.steps, log_every=250)
    seconds = time.perf_counter() - started
    model.eval()
    held = held_out_loss(model, held_text, model.config.context)
    bigram = bigram_loss(train_text.numpy(), held_text.numpy(), model.config.vocabulary)
    print(f"{args.steps} steps in {seconds:.0f} s; training loss (last 100 steps) {np.mean(losses[-100:]):.3f}; "
          f"held-out {held:.4f} nats per character; bigram baseline {bigram:.4f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({k: v.detach().clone() for k, v in model.state_dict().items()}, args.out)
    print(f"saved {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
