"""What a hostile reply costs the grader: peak memory of ``json.loads`` + ``values.decode``.

1. The reply bomb of issue 8: 75 KB of JSON describing a string array of 5,000 entries, one of them
   50,000 characters long. Decoded as before (``np.array(items, dtype=str)``) it becomes a '<U50000'
   array of 1 GB; ``values.decode`` now refuses it before allocating.
2. For channel.MAX_MESSAGE: the JSON shapes that ``json.loads`` inflates most (empty containers, small
   dicts, numbers, short distinct strings), each filling a whole message of a given size, parsed then
   decoded; under the size cap alone, and under the cap plus the structural limit proposed for
   ``channel.receive`` (see :func:`admit`): json.loads inflates a container 20-30 times its bytes,
   a long string (base64 array data) about once.

Each figure comes from a fresh process that reads the message from a file (as ``receive`` holds it):
the growth of its peak resident size (VmHWM) over its resident size after reading, and, in a second
run, tracemalloc's peak (tracemalloc's own bookkeeping inflates the resident size: never both at once).

    .venv/bin/python bench/reply_bounds.py            # messages of 16 MB and 24 MB
    .venv/bin/python bench/reply_bounds.py 8 24       # message sizes in MB
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from autograder import values  # noqa: E402

MB = 2**20
# The structural limit proposed for channel.receive, checked before json.loads with bytes.count (C speed):
MAX_CONTAINERS_AND_STRINGS = 250_000   # '{' + '[' + '"' / 2: a 100k-label array, 50k list items fit
MAX_NUMBERS = 100_000                  # JSON numbers (values.encode sends every number as a string)
SHAPES = ("empty dicts", "empty lists", "one-key dicts", "none values", "numbers", "distinct strings")


def admit(payload: bytes) -> None:
    """Refuse a message whose JSON would make too many Python objects (before parsing it)."""
    if payload.count(b"{") + payload.count(b"[") + payload.count(b'"') // 2 > MAX_CONTAINERS_AND_STRINGS:
        raise values.BoundaryError("the message holds too many JSON objects, lists or strings")


def parse(payload: bytes, limited: bool):
    if not limited:
        return json.loads(payload)
    admit(payload)
    numbers = [0]

    def number(text: str, convert=float):  # json.loads calls this for every number: stop early
        numbers[0] += 1
        if numbers[0] > MAX_NUMBERS:
            raise values.BoundaryError("the message holds too many JSON numbers")
        return convert(text)
    return json.loads(payload, parse_float=number, parse_int=lambda text: number(text, int))


def bomb() -> bytes:
    items = ["a"] * 4999 + ["x" * 50_000]
    return json.dumps({"value": {"t": "strarray", "shape": [5000], "items": items}}).encode()


def old_decode(data: dict):
    """The strarray branch of values.decode before the bounds (for the 'before' figure)."""
    items = [str(x) for x in data["items"]]
    return np.array(items, dtype=str).reshape(tuple(data["shape"]))


def message(shape: str, size: int) -> bytes:
    """A message of about ``size`` bytes whose JSON is all of one inflating kind."""
    head, tail = b'{"value": {"t": "list", "items": [', b"]}}"
    if shape in ("bomb: before", "bomb: after"):
        return bomb()
    if shape == "largest legitimate":  # two arrays of a million float64 (the actual and a property argument)
        pair = tuple(np.random.default_rng(i).normal(size=1_000_000) for i in range(2))
        return json.dumps({"value": values.encode(pair)}).encode()
    if shape == "padded dicts":  # the worst under the structural limit: dicts of distinct long strings
        count = MAX_CONTAINERS_AND_STRINGS // 3 - 10
        width = max(size // count - 12, 6)
        return head + b",".join(b'{"t":"%0*x"}' % (width, i) for i in range(count)) + tail
    if shape == "distinct strings":  # short strings, all different, so json.loads cannot share them
        return head + b",".join(b'"%06x"' % (i % 2**24) for i in range(size // 9)) + tail
    unit = {"empty dicts": b"{},", "empty lists": b"[],", "one-key dicts": b'{"t":0},', "numbers": b"0.5,",
            "none values": b'{"t":"none"},'}[shape]
    return head + (unit * (size // len(unit)))[:-1] + tail


def _status_kb(field: str) -> int:
    """From /proc/self/status: VmHWM is this process's own peak (ru_maxrss would carry over the parent's
    peak across fork and exec, and hide growth below it)."""
    line = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith(field))
    return int(line.split()[1])


def measure(path: str, kind: str, limited: bool, traced: bool) -> dict:
    """In a child process: parse and decode one message, report the peaks."""
    payload = Path(path).read_bytes()
    baseline = _status_kb("VmRSS")
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        value = parse(payload, limited)["value"]
        old_decode(value) if kind == "bomb: before" else values.decode(value)
        outcome = "decoded"
    except values.BoundaryError as error:
        outcome = f"refused: {error}"
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    grown = (_status_kb("VmHWM") - baseline) * 1024
    return {"rss_growth_mb": grown / MB, "traced_mb": peak / MB, "seconds": seconds, "outcome": outcome[:78]}


def run(kind: str, size: int, limited: bool, folder: Path) -> dict:
    path = folder / "message.json"
    path.write_bytes(message(kind, size))

    def child(traced: bool) -> dict:
        out = subprocess.run([sys.executable, __file__, "--one", str(path), kind, str(int(limited)), str(int(traced))],
                             capture_output=True, text=True, check=True).stdout
        return json.loads(out)
    return {**child(False), "traced_mb": child(True)["traced_mb"], "kind": kind,
            "rule": "cap + structure" if limited else "cap only", "message_mb": path.stat().st_size / MB}


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(argv[1], argv[2], argv[3] == "1", argv[4] == "1")))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n")[-1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=float, metavar="MB", help="message sizes in MB (default: 16 24)")
    sizes = [int(size * MB) for size in parser.parse_args(argv).sizes] or [16 * MB, 24 * MB]
    with tempfile.TemporaryDirectory() as folder:
        rows = [run("bomb: before", 0, False, Path(folder)), run("bomb: after", 0, False, Path(folder)),
                run("largest legitimate", 0, True, Path(folder))]
        for size in sizes:
            rows += [run(kind, size, False, Path(folder)) for kind in SHAPES]
            rows += [run(kind, size, True, Path(folder)) for kind in (*SHAPES, "padded dicts")]
    print(f"{'message':<18} {'rule':<15} {'MB':>6} {'rss +MB':>8} {'traced':>7} {'x size':>6} {'s':>5}  outcome")
    for r in rows:
        print(f"{r['kind']:<18} {r['rule']:<15} {r['message_mb']:>6.2f} {r['rss_growth_mb']:>8.0f} "
              f"{r['traced_mb']:>7.0f} {r['rss_growth_mb'] / r['message_mb']:>6.1f} {r['seconds']:>5.2f}  "
              f"{r['outcome']}")


if __name__ == "__main__":
    main(sys.argv[1:])
