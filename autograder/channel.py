"""Length-prefixed JSON messages over a Unix socket, with a size cap and a deadline per message.

Both ends of the sandbox use it; the grader's end treats every byte as hostile.
"""
from __future__ import annotations

import json
import socket
import struct
import time

HEADER = struct.Struct("!I")
MAX_MESSAGE = 256 * 1024 * 1024   # from the grader (cases, shipped files): trusted
MAX_REPLY = 24 * 1024 * 1024      # from the sandbox: fits two arrays of 1M float64
MAX_REPLY_OBJECTS = 250_000
MAX_REPLY_NUMBERS = 100_000       # values.encode sends numbers as strings: real replies hold few


class ChannelClosed(Exception):
    """The other end went away (the sandboxed process died or was killed)."""


class ChannelTimeout(Exception):
    """No complete message arrived before the deadline."""


def send(sock: socket.socket, message: dict) -> None:
    payload = json.dumps(message, allow_nan=True).encode()
    sock.sendall(HEADER.pack(len(payload)) + payload)


def receive(sock: socket.socket, timeout: float | None = None, *, from_sandbox: bool = False) -> dict:
    """The next message. ``from_sandbox``: a reply the student's process wrote, parsed within bounds."""
    deadline = None if timeout is None else time.monotonic() + timeout
    (size,) = HEADER.unpack(_read_exactly(sock, HEADER.size, deadline))
    limit = MAX_REPLY if from_sandbox else MAX_MESSAGE
    if size > limit:
        raise ChannelClosed(f"message of {size} bytes is larger than the {limit} byte limit")
    payload = _read_exactly(sock, size, deadline)
    message = _parse_bounded(payload) if from_sandbox else json.loads(payload)
    if not isinstance(message, dict):
        raise ChannelClosed("malformed message")
    return message


def _parse_bounded(payload: bytes):
    """json.loads turns a small object, list or number into ~26x its size in Python objects: a 24 MB reply
    of tiny lists would take ~600 MB. Count them first (cheap, on bytes), and stop at too many numbers.
    Measured by bench/reply_bounds.py: worst case ~70 MB for a 24 MB reply; the largest real reply (two
    1M-float arrays, base64) holds fewer than 700 objects."""
    if payload.count(b"{") + payload.count(b"[") + payload.count(b'"') // 2 > MAX_REPLY_OBJECTS:
        raise ChannelClosed("the reply holds too many JSON objects, lists or strings")
    numbers = [0]

    def number(text: str, convert=float):
        numbers[0] += 1
        if numbers[0] > MAX_REPLY_NUMBERS:
            raise ChannelClosed("the reply holds too many JSON numbers")
        return convert(text)
    try:
        return json.loads(payload, parse_float=number, parse_int=lambda text: number(text, int))
    except ValueError as error:
        raise ChannelClosed(f"malformed reply: {str(error)[:200]}") from None


def _read_exactly(sock: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks, received = [], 0
    while received < size:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ChannelTimeout()
            sock.settimeout(remaining)
        else:
            sock.settimeout(None)
        try:
            chunk = sock.recv(min(size - received, 1 << 20))
        except socket.timeout:
            raise ChannelTimeout() from None
        except OSError as error:
            raise ChannelClosed(str(error)) from None
        if not chunk:
            raise ChannelClosed("the sandboxed process closed its end")
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)
