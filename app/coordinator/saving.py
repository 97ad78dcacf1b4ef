"""Autosave for one notebook: every committed edit is written at once, and a save that cannot
be done is said out loud, kept in a recovery copy and retried (docs/SECURITY.md)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from app.coordinator.events import (
    CoordinatorEvent,
    FileChangedOnDisk,
    NotebookSaved,
    SaveFailed,
)
from app.coordinator.persistence import NotebookFile, SaveOutcome
from app.coordinator.recovery import RecoveryStore
from app.core import fileformat
from app.core.notebook import Notebook

#: After a failed save, how long until the next attempt (an edit also retries at once).
SAVE_RETRY_S = 10.0


def with_notebook_suffix(path: Path) -> Path:
    """Cascade opens only ``.py`` notebooks: Save As to ``report`` writes ``report.py``."""
    return path if path.suffix == ".py" else path.with_name(path.name + ".py")


class Autosave:
    """Writes the notebook through its :class:`NotebookFile` and reports each outcome."""

    def __init__(
        self,
        emit: Callable[[CoordinatorEvent], None],
        recovery: RecoveryStore,
        *,
        enabled: bool = True,
    ) -> None:
        self._emit = emit
        self._recovery = recovery
        self.enabled = enabled
        self.file = NotebookFile(recovery=recovery)
        self._retry: asyncio.TimerHandle | None = None
        self._notebook: Callable[[], Notebook] = Notebook
        self.closing = False

    def follow(self, notebook: Callable[[], Notebook]) -> None:
        """Where the text to save comes from (the coordinator's current notebook)."""
        self._notebook = notebook

    def fresh_file(self, path: Path | None) -> NotebookFile:
        """A new file for a new document (new, restore)."""
        self.cancel_retry()
        self.file = NotebookFile(path, self._recovery)
        return self.file

    def save(self, *, overwrite: bool = False) -> None:
        """Autosave. Never damages the file: a change on disk, a read-only file or a failing
        disk leave it as it was, keep the text in a recovery copy, and tell observers."""
        if not self.enabled:
            return
        notebook = self._notebook()
        try:
            text = fileformat.dumps(notebook)
        except ValueError as exc:  # beyond what the file format can hold (too many cells…)
            self._emit(SaveFailed(self.file.path, f"cannot save: {exc}"))
            return
        self._report(self.file.save(text, overwrite=overwrite, name=notebook.name))

    def _report(self, outcome: SaveOutcome) -> None:
        if outcome.result == "saved":
            self.cancel_retry()
            assert self.file.path is not None
            self._emit(NotebookSaved(self.file.path, time.time()))
        elif outcome.result == "conflict":
            assert self.file.path is not None
            self._emit(FileChangedOnDisk(self.file.path))
        elif outcome.result == "failed":
            self._emit(SaveFailed(self.file.path, outcome.message))
            self._schedule_retry()

    def write_to(self, path: Path) -> SaveOutcome:
        """Write the notebook to ``path``, which becomes its file when that works (Save As)."""
        target = with_notebook_suffix(path.absolute())
        notebook = self._notebook()
        try:
            text = fileformat.dumps(notebook)
        except ValueError as exc:
            return SaveOutcome("failed", f"cannot save: {exc}")
        outcome = self.file.write(target, text, name=notebook.name)
        if outcome.result == "saved":
            self.cancel_retry()
            self._emit(NotebookSaved(target, time.time()))
        else:
            self._emit(SaveFailed(target, outcome.message))
        return outcome

    def _schedule_retry(self) -> None:
        if self._retry is not None or self.closing:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (a closing window): the next edit retries
        self._retry = loop.call_later(SAVE_RETRY_S, self.retry)

    def retry(self) -> None:
        """What the retry timer calls: try again if the newest text is still not saved."""
        self._retry = None
        if self.file.unsaved and self.file.path is not None and not self.closing:
            self.save()

    def cancel_retry(self) -> None:
        if self._retry is not None:
            self._retry.cancel()
            self._retry = None
