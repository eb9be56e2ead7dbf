"""Length-prefixed JSON messages over a Unix socket, with a size cap and a deadline per message.

Both ends of the sandbox use it; the grader's end treats every byte as hostile.
"""
from __future__ import annotations

import json
import socket
import struct
import time

HEADER = struct.Struct("!I")
MAX_MESSAGE = 256 * 1024 * 1024


class ChannelClosed(Exception):
    """The other end went away (the sandboxed process died or was killed)."""


class ChannelTimeout(Exception):
    """No complete message arrived before the deadline."""


def send(sock: socket.socket, message: dict) -> None:
    payload = json.dumps(message, allow_nan=True).encode()
    sock.sendall(HEADER.pack(len(payload)) + payload)


def receive(sock: socket.socket, timeout: float | None = None) -> dict:
    deadline = None if timeout is None else time.monotonic() + timeout
    (size,) = HEADER.unpack(_read_exactly(sock, HEADER.size, deadline))
    if size > MAX_MESSAGE:
        raise ChannelClosed(f"message of {size} bytes is larger than the {MAX_MESSAGE} byte limit")
    message = json.loads(_read_exactly(sock, size, deadline))
    if not isinstance(message, dict):
        raise ChannelClosed("malformed message")
    return message


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
