"""Compiled cells kept across kernel restarts (protocol v12).

A worker hands back the cells it compiled (:class:`~kernel_worker.protocol.CompiledCode`);
the next worker of the same interpreter gets them with its ``Precompile`` and loads them where
it would have compiled them — a restart followed by Run All compiled every cell again (a third
of a 1,000-cell run). The blobs are opaque here: the app process never loads or runs them; they
only travel back to a worker whose ``sys.version`` and executable match the one that made them
(marshal is tied to the exact interpreter), and that worker checks each before using it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

#: Bytes of blobs kept (oldest dropped first); far above what a 10,000-cell notebook needs.
MAX_BYTES = 64 * 1024 * 1024

Cell = tuple[str, str, str]  # (cell_id, label, code)
Compiled = tuple[str, str, str]  # (filename, code, blob)


class CompiledCodeCache:
    """Blobs by ``(filename, code)`` for one interpreter at a time."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self._max_bytes = max_bytes
        self._interpreter: tuple[str, str] | None = None
        self._blobs: dict[tuple[str, str], str] = {}
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._blobs)

    def use_interpreter(self, python: str, executable: str) -> None:
        """The worker now running is ``python`` (its full ``sys.version``) at ``executable``:
        blobs another interpreter made are dropped."""
        interpreter = (python, executable)
        if interpreter != self._interpreter:
            self.clear()
            self._interpreter = interpreter if python and executable else None

    def clear(self) -> None:
        self._blobs.clear()
        self._bytes = 0

    def add(self, entries: Iterable[Compiled]) -> None:
        """Keep what the running worker compiled (nothing while its interpreter is unknown)."""
        if self._interpreter is None:
            return
        blobs = self._blobs
        for filename, code, blob in entries:
            key = (filename, code)
            old = blobs.pop(key, None)
            if old is not None:
                self._bytes -= len(old)
            blobs[key] = blob
            self._bytes += len(blob)
        while self._bytes > self._max_bytes and blobs:
            oldest = next(iter(blobs))
            self._bytes -= len(blobs.pop(oldest))

    def split(
        self, cells: Sequence[Cell], filename: Callable[[str, str], str]
    ) -> tuple[list[Cell], list[Compiled]]:
        """``cells`` as those to compile and those handed over compiled (``filename(cell_id,
        label)``: the name the worker compiles a cell under); blobs of no cell in ``cells``
        are dropped (cells edited or deleted since), so the cache follows the notebook and
        never outgrows it."""
        blobs = self._blobs
        to_compile: list[Cell] = []
        compiled: list[Compiled] = []
        kept: dict[tuple[str, str], str] = {}
        for cell in cells:
            cell_id, label, code = cell
            key = (filename(cell_id, label), code)
            blob = blobs.get(key)
            if blob is None:
                to_compile.append(cell)
            else:
                compiled.append((key[0], code, blob))
                kept[key] = blob
        self._blobs = kept
        self._bytes = sum(map(len, kept.values()))
        return to_compile, compiled
