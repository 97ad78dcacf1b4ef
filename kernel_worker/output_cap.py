"""How much of one cell run's output is sent, and where the rest goes.

A run sends everything it writes up to :data:`RUN_LIMIT_CHARS`. Past that, everything (what
was sent included) goes to a temporary file the user can open, and the coordinator gets, at
most every :data:`TAIL_INTERVAL_S`, the newest output (up to :data:`TAIL_CHARS`) with a count
of what was skipped before it. So a cell that prints a gigabyte costs the app a few MB, and the
worker never holds more than the limit plus the tail: one huge write is written to the file in
slices, never copied whole.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from itertools import groupby

from kernel_worker.protocol import StreamName

TYPE_CHECKING = False  # typing is for the type checker only (see kernel_worker.protocol)
if TYPE_CHECKING:
    from typing import TextIO

#: Output of one run sent as it comes; beyond this it is spilled to a file.
RUN_LIMIT_CHARS = 4 * 1024 * 1024
#: The newest output sent per interval once a run spills (also the final tail of the run):
#: at most 2 MB a second go to the app, however fast the cell prints.
TAIL_CHARS = 2 * 1024 * 1024
TAIL_INTERVAL_S = 1.0
#: Text is written to the spill file this many characters at a time (bounds the encoded copy).
_WRITE_SLICE = 1024 * 1024

Piece = tuple[StreamName, str]


class RunOutput:
    """The output of one cell run: what to send now, what to spill, what tail is due.

    Not thread-safe: the router calls it under its lock.
    """

    __slots__ = (
        "_file",
        "_head",
        "_next_send",
        "_skipped",
        "_tail",
        "_tail_chars",
        "path",
        "sent",
        "spilled_at_start",
    )

    def __init__(self) -> None:
        self.sent = 0
        self.path = ""
        #: Characters shown in the cell before the spill file was started that it lacks
        #: (the run had already ended when late output pushed it over the limit).
        self.spilled_at_start = 0
        self._head: list[Piece] | None = []
        self._file: TextIO | None = None
        self._tail: deque[Piece] = deque()
        self._tail_chars = 0
        self._skipped = 0
        self._next_send = 0.0

    @property
    def spilling(self) -> bool:
        return bool(self.path)

    def accept(self, stream: StreamName, text: str) -> Piece | None:
        """The piece to send now, or None when it went to the spill file."""
        if not self.path:
            if self.sent + len(text) <= RUN_LIMIT_CHARS:
                self.sent += len(text)
                if self._head is not None:
                    self._head.append((stream, text))
                return (stream, text)
            self._start_spill()
        self._write(text)
        self._add_tail(stream, text)
        return None

    def due(self, now: float) -> bool:
        return bool(self._tail or self._skipped) and now >= self._next_send

    def take_tail(self, now: float) -> tuple[int, list[Piece]]:
        """(characters skipped before the tail, the tail's pieces, one per run of the same
        stream: a print is two writes, and a 2 MB tail of them must travel as one frame, not
        hundreds of thousands); the file is flushed."""
        pieces = _coalesced(self._tail)
        skipped = self._skipped
        if skipped and pieces:
            stream, first = pieces[0]
            cut = first.find("\n")
            if 0 <= cut < len(first) - 1:  # start the shown tail at a line start
                pieces[0] = (stream, first[cut + 1 :])
                skipped += cut + 1
        self._tail.clear()
        self._tail_chars = 0
        self._skipped = 0
        self._next_send = now + TAIL_INTERVAL_S
        if self._file is not None:
            self._file.flush()
        return skipped, pieces

    def finish(self) -> None:
        """The run's step ended: close the file (late output reopens it) and forget the head."""
        self._head = None
        if self._file is not None:
            self._file.close()
            self._file = None

    # -- spilling ---------------------------------------------------------------------------

    def _start_spill(self) -> None:
        import tempfile

        fd, self.path = tempfile.mkstemp(prefix="cascade-output-", suffix=".txt")
        self._file = open(fd, "w", encoding="utf-8", errors="replace", newline="")  # noqa: SIM115
        if self._head is None:
            self.spilled_at_start = self.sent
            self._file.write(
                f"[{self.sent:,} characters shown in the cell before this file was started]\n"
            )
        else:
            for _stream, text in self._head:
                self._file.write(text)
        self._head = None

    def _write(self, text: str) -> None:
        if self._file is None:
            self._file = open(self.path, "a", encoding="utf-8", errors="replace", newline="")  # noqa: SIM115
        if len(text) <= _WRITE_SLICE:
            self._file.write(text)
            return
        for start in range(0, len(text), _WRITE_SLICE):
            self._file.write(text[start : start + _WRITE_SLICE])

    def _add_tail(self, stream: StreamName, text: str) -> None:
        if len(text) >= TAIL_CHARS:
            self._skipped += self._tail_chars + len(text) - TAIL_CHARS
            self._tail.clear()
            self._tail.append((stream, text[-TAIL_CHARS:]))
            self._tail_chars = TAIL_CHARS
            return
        self._tail.append((stream, text))
        self._tail_chars += len(text)
        while self._tail_chars > TAIL_CHARS:
            excess = self._tail_chars - TAIL_CHARS
            first_stream, first = self._tail[0]
            if len(first) <= excess:
                self._tail.popleft()
                self._tail_chars -= len(first)
                self._skipped += len(first)
            else:
                self._tail[0] = (first_stream, first[excess:])
                self._tail_chars -= excess
                self._skipped += excess


def _coalesced(pieces: Iterable[Piece]) -> list[Piece]:
    """Consecutive pieces of the same stream joined into one."""
    return [(stream, "".join(text for _, text in run)) for stream, run in groupby(pieces, _stream)]


def _stream(piece: Piece) -> StreamName:
    return piece[0]
