"""Messages between the UI process and the model process: JSON plus raw numpy buffers.

Frames are length-prefixed so that either side can poll for the next one, and nothing
is unpickled: a frame is a JSON header followed by the bytes of each array it mentions.
``multiprocessing.connection`` would give the length prefix too, but its ``send`` and
``recv`` pickle; these ~40 lines keep the no-pickle rule in one obvious place.
"""

from __future__ import annotations

import json
import os
import struct
from typing import Any

import numpy as np

_LEN = struct.Struct("!Q")
MAX_FRAME = 512 * 1024 * 1024


class WireClosed(EOFError):
    """The other side closed the pipe."""


def encode(message: Any) -> bytes:
    """One frame: 8-byte length, 8-byte header length, JSON header, array bytes."""
    buffers: list[bytes] = []

    def walk(value: Any) -> Any:
        if isinstance(value, np.ndarray):
            array = np.ascontiguousarray(value)
            buffers.append(array.tobytes())
            return {
                "__array__": len(buffers) - 1,
                "dtype": array.dtype.str,
                "shape": list(array.shape),
            }
        if isinstance(value, dict):
            return {str(k): walk(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [walk(v) for v in value]
        if isinstance(value, np.generic):
            return value.item()
        return value

    header = json.dumps(walk(message), ensure_ascii=False).encode("utf-8")
    sizes = struct.pack(f"!{len(buffers) + 1}Q", len(header), *(len(b) for b in buffers))
    body = struct.pack("!I", len(buffers)) + sizes + header + b"".join(buffers)
    return _LEN.pack(len(body)) + body


def decode(body: bytes) -> Any:
    (count,) = struct.unpack_from("!I", body, 0)
    sizes = struct.unpack_from(f"!{count + 1}Q", body, 4)
    offset = 4 + 8 * (count + 1)
    header = json.loads(body[offset : offset + sizes[0]].decode("utf-8"))
    offset += sizes[0]
    arrays = []
    for size in sizes[1:]:
        arrays.append(body[offset : offset + size])
        offset += size

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            if "__array__" in value and set(value) == {"__array__", "dtype", "shape"}:
                raw = arrays[value["__array__"]]
                return (
                    np.frombuffer(raw, dtype=np.dtype(value["dtype"]))
                    .reshape(value["shape"])
                    .copy()
                )
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return walk(header)


def write_message(fd: int, message: Any) -> None:
    """Write one whole frame to a file descriptor."""
    view = memoryview(encode(message))
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exact(fd: int, size: int) -> bytes:
    chunks = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise WireClosed("pipe closed")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_message(fd: int) -> Any:
    """Read one whole frame from a file descriptor (blocks until it arrives)."""
    (size,) = _LEN.unpack(_read_exact(fd, _LEN.size))
    if size > MAX_FRAME:
        raise ValueError(f"frame too large: {size}")
    return decode(_read_exact(fd, size))
