"""Typed notifications the coordinator sends its observers (the window, the CLI, tests).

Every state change is one of these; an observer never has to poll the coordinator.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal, TypeAlias

from app.core.analysis import CellAnalysis
from app.core.notebook import Notebook
from app.core.planner import Mode
from app.core.problems import Problem
from app.core.record import Record
from app.core.state import CellRunState, Output
from app.core.trust import TrustRequest

KernelStatus = Literal["not_started", "starting", "idle", "busy", "dead"]


class NotebookLoaded(Record):
    """A notebook was opened (or created): the whole document is new."""

    notebook: Notebook
    path: Path | None


class StructureChanged(Record):
    """Cells were added, deleted or moved; ``notebook`` is the new document."""

    notebook: Notebook


class AnalysisChanged(Record):
    """A cell's defs/refs changed, or its graph problems (cycle, multiple definitions)."""

    cell_id: str
    analysis: CellAnalysis
    problems: tuple[Problem, ...] = ()


class CellStateChanged(Record):
    """A cell's run state changed. ``appended``: the output just added, if that was the change."""

    cell_id: str
    state: CellRunState
    appended: Output | None = None


class CellStatesChanged(Record):
    """Several cells' run states changed at once — a plan was queued, a batch of brief steps
    ended, the kernel went away: one event with every changed cell, so an observer (the
    window) handles them, and repaints, once. No output was appended by these changes."""

    states: Mapping[str, CellRunState]


#: The detail of a kernel that ended because it was asked to (restart, close): not a failure.
STOPPED = "stopped"


class KernelStateChanged(Record):
    status: KernelStatus
    detail: str = ""


class NotebookSaved(Record):
    path: Path
    at: float  # time.time()


class DatabaseStatusChanged(Record):
    """The kernel's database connection was (re)checked. ``url`` is the one in force (never
    with a password); on failure it is the previous one and ``message`` says why."""

    ok: bool
    message: str
    server: str
    url: str


class FileChangedOnDisk(Record):
    """The notebook file was changed by someone else; autosave stopped so nothing is lost.
    Resolve with ``coordinator.reload()`` or ``coordinator.save(overwrite=True)``."""

    path: Path


class SaveFailed(Record):
    """A save wrote nothing (read-only file or folder, disk full…): the edit is kept in memory
    and in a recovery copy, and saving is retried. ``path`` is where it should have gone."""

    path: Path | None
    message: str


class TrustChanged(Record):
    """Whether the notebook's own settings are honoured. ``requests``: what its header asks
    for (empty: nothing to trust)."""

    trusted: bool
    requests: tuple[TrustRequest, ...]


class TrustDecisionNeeded(Record):
    """A run was asked for in an untrusted notebook: it waits until the user trusts the
    notebook (``coordinator.trust()``), runs it without its settings
    (``coordinator.run_untrusted()``) or declines (``coordinator.discard_held_runs()``)."""

    requests: tuple[TrustRequest, ...]


class ModeChanged(Record):
    """Autorun or lazy (SEMANTICS.md §3)."""

    mode: Mode


class HistoryChanged(Record):
    """What Undo and Redo would do now ("delete cell"), or None when there is nothing."""

    undo: str | None
    redo: str | None


class Notice(Record):
    """Something the user should read once (a moved password, a restarted kernel)."""

    level: Literal["info", "warning", "error"]
    message: str


CoordinatorEvent: TypeAlias = (
    NotebookLoaded
    | StructureChanged
    | AnalysisChanged
    | CellStateChanged
    | CellStatesChanged
    | KernelStateChanged
    | NotebookSaved
    | DatabaseStatusChanged
    | FileChangedOnDisk
    | SaveFailed
    | TrustChanged
    | TrustDecisionNeeded
    | HistoryChanged
    | ModeChanged
    | Notice
)


def cell_states(event: CoordinatorEvent) -> list[tuple[str, CellRunState]]:
    """The (cell id, new run state) pairs ``event`` reports: one for a
    :class:`CellStateChanged`, every changed cell for a :class:`CellStatesChanged`, none for
    any other event."""
    if isinstance(event, CellStateChanged):
        return [(event.cell_id, event.state)]
    if isinstance(event, CellStatesChanged):
        return list(event.states.items())
    return []
