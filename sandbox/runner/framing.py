"""The runner's side of the wire: length-prefixed JSON frames on raw descriptors.

Each frame is a 4-byte big-endian length and a UTF-8 JSON body, in both directions
(``sandbox/protocol.py`` is the host's side).  Plain ``os.read``/``os.write`` on the
container's stdin/stdout: no buffered file object holds a half-read frame.
"""

from __future__ import annotations

import json
import os
import struct

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PROTOCOL = 1
HEADER = struct.Struct(">I")
MAX_MESSAGE = 512 * 2**20


def read_exact(fd: int, size: int) -> bytes | None:
    """``size`` bytes from ``fd``; None at end of file."""
    chunks = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def recv(fd: int) -> dict[str, Any] | None:
    """The next message; None when the host closed the stream."""
    header = read_exact(fd, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    if size > MAX_MESSAGE:
        raise ValueError(f"message of {size} bytes is too large")
    body = read_exact(fd, size)
    if body is None:
        return None
    message: dict[str, Any] = json.loads(body)
    return message


def send(fd: int, message: dict[str, Any]) -> None:
    body = json.dumps(message, separators=(",", ":")).encode()
    data = HEADER.pack(len(body)) + body
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
