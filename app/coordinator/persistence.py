"""The notebook's file: load it, save it atomically, and know whether the disk still holds
what we last read or wrote — without ever damaging the file or losing an edit.

The save contract (docs/SECURITY.md, issue 9): a save either replaces the whole file with the
new text (keeping its mode, owner and symlink — the core's atomic writer does that) or changes
nothing and says why; while the newest text is not in the file (never saved, save failed,
file changed on disk), it is kept in a recovery copy in the user's data folder.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Literal

from app.coordinator.recovery import RecoveryStore
from app.core import fileformat
from app.core.record import Record


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class SaveOutcome(Record):
    """What a save did: ``saved``; ``conflict`` (the file changed on disk since we read or wrote
    it: nothing written); ``failed`` (``message`` says why: nothing written); ``kept`` (no file
    yet: the text is in the recovery copy only)."""

    result: Literal["saved", "conflict", "failed", "kept"]
    message: str = ""


class NotebookFile:
    """One notebook's place on disk (or none yet) and its recovery copy."""

    def __init__(self, path: Path | None = None, recovery: RecoveryStore | None = None) -> None:
        self.path = path
        self.recovery = recovery or RecoveryStore()
        self.recovery_key = RecoveryStore.new_key()
        #: sha256 of what the file held when we last read or wrote it (None: no claim).
        self._disk_hash: str | None = None
        #: (inode, size, mtime) after our last read or write: an unchanged stat needs no read.
        self._disk_stat: tuple[int, int, int] | None = None
        #: The newest text is not in the file (a save failed, conflicted or there is no file).
        self.unsaved = False
        self._recovered = False

    # -- reading ----------------------------------------------------------------------------
    def load(self, path: Path) -> fileformat.LoadedNotebook:
        """Read and parse ``path``; it becomes this notebook's file."""
        loaded = fileformat.load(path)
        self.path = path
        data = path.read_bytes()
        self._remember(_hash(data))
        self.unsaved = False
        return loaded

    def _remember(self, digest: str | None) -> None:
        self._disk_hash = digest
        self._disk_stat = self._stat()

    def _stat(self) -> tuple[int, int, int] | None:
        if self.path is None:
            return None
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def changed_on_disk(self) -> bool:
        """True when the file no longer holds what we last read or wrote. Our own writes
        never count: their stat is remembered, so the usual check reads nothing."""
        if self.path is None or self._disk_hash is None:
            return False
        now = self._stat()
        if now is not None and now == self._disk_stat:
            return False
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return True
        except OSError:
            return False  # unreadable for now: not proof of a change
        return _hash(data) != self._disk_hash

    @property
    def read_only(self) -> bool:
        """The file exists and is not to be written (see :func:`is_read_only`)."""
        return self.path is not None and is_read_only(self.path)

    # -- writing ----------------------------------------------------------------------------
    def save(self, text: str, *, overwrite: bool = False, name: str = "") -> SaveOutcome:
        """Write ``text`` unless the file changed on disk (``overwrite`` wins over that)."""
        if self.path is None:
            self._keep(text, name)
            return SaveOutcome("kept")
        if not overwrite and self.changed_on_disk():
            self._keep(text, name)
            return SaveOutcome("conflict", f"{self.path.name} changed on disk")
        return self.write(self.path, text, name=name)

    def write(self, path: Path, text: str, *, name: str = "") -> SaveOutcome:
        """Write ``text`` to ``path`` (which becomes this notebook's file on success)."""
        try:
            fileformat.save_text(text, path)
        except (OSError, ValueError) as exc:
            self._keep(text, name)
            return SaveOutcome("failed", _reason(path, exc))
        self.path = path
        self._remember(_hash(text.encode("utf-8")))
        self.unsaved = False
        self.discard_recovery()
        return SaveOutcome("saved")

    def _keep(self, text: str, name: str) -> None:
        """Hold ``text`` in the recovery copy (best effort: a failure here must not hide the
        save's own failure, and the text is still in memory)."""
        self.unsaved = True
        try:
            self.recovery.write(self.recovery_key, text, self.path, name)
            self._recovered = True
        except OSError:
            pass

    def adopt_recovery(self, key: str) -> None:
        """Continue a recovery copy left by an earlier session (restored by the user): the
        text is unsaved, and the copy is replaced as it changes, dropped once saved."""
        self.recovery_key = key
        self.unsaved = True
        self._recovered = True

    def discard_recovery(self) -> None:
        if self._recovered:
            self.recovery.discard(self.recovery_key)
            self._recovered = False


def is_read_only(path: Path) -> bool:
    """True when ``path`` exists and either the user may not write it or nobody may (``chmod
    444``: even root, who could, is told so rather than silently overriding it)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    no_write_bits = not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    return no_write_bits or not os.access(path, os.W_OK)


def _reason(path: Path, exc: BaseException) -> str:
    """A readable sentence for a failed save (no Python exception names)."""
    if isinstance(exc, fileformat.NotebookSaveError):
        return f"cannot save {path.name}: {exc.reason}"
    if isinstance(exc, OSError):
        import errno

        reasons = {
            errno.ENOSPC: "the disk is full",
            errno.EDQUOT: "the disk quota is exceeded",
            errno.EACCES: "permission denied",
            errno.EPERM: "permission denied",
            errno.EROFS: "the file system is read-only",
            errno.ENOENT: "its folder no longer exists",
        }
        why = reasons.get(exc.errno or 0) or exc.strerror or str(exc)
        return f"cannot save {path.name}: {why}"
    return f"cannot save {path.name}: {exc}"
