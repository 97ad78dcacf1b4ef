"""Every coordinator event passes one place on its way to observers: here it is logged.

What a bug report needs (kernel states, saves and failed saves, files changed on disk, trust,
database checks, notices) at INFO or WARNING; the busy traffic (cell states, analyses) at
DEBUG as a count. Never code, outputs or URLs' secrets: only what happened.
"""

from __future__ import annotations

import logging
from functools import singledispatch

from app.coordinator.events import (
    STOPPED,
    AnalysisChanged,
    CellStateChanged,
    CellStatesChanged,
    CoordinatorEvent,
    DatabaseStatusChanged,
    FileChangedOnDisk,
    HistoryChanged,
    KernelStateChanged,
    ModeChanged,
    NotebookLoaded,
    NotebookSaved,
    Notice,
    SaveFailed,
    StructureChanged,
    TrustChanged,
    TrustDecisionNeeded,
)

log = logging.getLogger(__name__)


def log_event(event: CoordinatorEvent) -> None:
    """Log ``event`` (cheaply: nothing is formatted for a level that is off)."""
    _log(event)


@singledispatch
def _log(event: CoordinatorEvent) -> None:
    log.debug("%s", type(event).__name__)


@_log.register
def _(event: NotebookLoaded) -> None:
    log.info("opened %s (%d cells)", event.path or "a new notebook", len(event.notebook.cells))


@_log.register
def _(event: StructureChanged) -> None:
    log.debug("structure changed: %d cells", len(event.notebook.cells))


@_log.register
def _(event: AnalysisChanged) -> None:
    log.debug("analysis of %s: %d problems", event.cell_id, len(event.problems))


@_log.register
def _(event: CellStateChanged) -> None:
    log.debug("cell %s: %s", event.cell_id, event.state.status)


@_log.register
def _(event: CellStatesChanged) -> None:
    log.debug("%d cell states changed", len(event.states))


@_log.register
def _(event: KernelStateChanged) -> None:
    failed = event.status == "dead" and event.detail != STOPPED
    level = logging.WARNING if failed else logging.INFO
    log.log(level, "kernel %s%s", event.status, f": {event.detail}" if event.detail else "")


@_log.register
def _(event: NotebookSaved) -> None:
    log.debug("saved %s", event.path)


@_log.register
def _(event: SaveFailed) -> None:
    log.warning("save to %s failed: %s", event.path, event.message)


@_log.register
def _(event: FileChangedOnDisk) -> None:
    log.info("%s changed on disk; autosave paused", event.path)


@_log.register
def _(event: DatabaseStatusChanged) -> None:
    if event.ok:
        log.info("database: %s", event.server)
    else:
        log.warning("database not connected: %s", event.message)


@_log.register
def _(event: TrustChanged) -> None:
    log.info("trusted: %s (%d requests)", event.trusted, len(event.requests))


@_log.register
def _(event: TrustDecisionNeeded) -> None:
    log.info("a run waits for a trust decision")


@_log.register
def _(event: ModeChanged) -> None:
    log.info("mode: %s", event.mode)


@_log.register
def _(event: HistoryChanged) -> None:
    log.debug("undo: %s, redo: %s", event.undo, event.redo)


@_log.register
def _(event: Notice) -> None:
    log.log(logging.getLevelName(event.level.upper()), "%s", event.message)
