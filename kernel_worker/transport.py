"""Framed I/O on the worker's private file descriptors.

Frames are written by the main thread and by the output flusher thread, so writes are locked.
A SIGINT that arrives while a frame is half written must not cut it: the interrupt guard
(:mod:`kernel_worker.interrupts`) defers the KeyboardInterrupt until the frame is out.
"""

from __future__ import annotations

import os
import struct
import threading

from kernel_worker import interrupts
from kernel_worker.protocol import (
    MAX_FRAME_BYTES,
    Message,
    ProtocolError,
    Request,
    decode_body,
    encode,
)

_HEADER = struct.Struct(">I")
_REQUEST_TYPES = frozenset(
    {"run_plan", "configure_database", "fetch_rows", "export_table", "shutdown"}
)


class FrameWriter:
    """Writes whole frames to one fd; safe to call from several threads."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._lock = threading.Lock()

    def send(self, message: Message) -> None:
        self.send_bytes(encode(message))

    def send_bytes(self, frame: bytes) -> None:
        with interrupts.deferred(), self._lock:
            view = memoryview(frame)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]


class FrameReader:
    """Blocking reader of request frames from one fd."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def _read_exact(self, count: int) -> bytes | None:
        chunks: list[bytes] = []
        remaining = count
        while remaining:
            chunk = os.read(self._fd, remaining)
            if not chunk:
                return None
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def read(self) -> Request | None:
        """The next request, or ``None`` when the coordinator closed the channel."""
        header = self._read_exact(_HEADER.size)
        if header is None:
            return None
        (length,) = _HEADER.unpack(header)
        if length > MAX_FRAME_BYTES:
            raise ProtocolError(f"request frame of {length} bytes exceeds the limit")
        body = self._read_exact(length)
        if body is None:
            return None
        message = decode_body(body)
        if message.TYPE not in _REQUEST_TYPES:
            raise ProtocolError(f"{message.TYPE} is not a request")
        return message  # type: ignore[return-value]
