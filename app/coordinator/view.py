"""The one read-only view of an open notebook's state that observers (the window, the CLI, the
exports) may read. :class:`app.coordinator.coordinator.Coordinator` implements it with
read-only properties; observers are typed against this protocol, so reading anything else —
or assigning to it — is a type error, not a convention.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from app.coordinator.events import DatabaseStatusChanged
from app.core.analysis import CellAnalysis
from app.core.document import AnalysedNotebook
from app.core.graph import Graph
from app.core.notebook import Notebook
from app.core.planner import Mode
from app.core.state import CellRunState
from app.core.trust import TrustRequest


class NotebookState(Protocol):
    """What the open notebook is and what the kernel did with it, now."""

    @property
    def document(self) -> AnalysedNotebook: ...

    @property
    def notebook(self) -> Notebook: ...

    @property
    def analyses(self) -> Mapping[str, CellAnalysis]: ...

    @property
    def graph(self) -> Graph: ...

    @property
    def states(self) -> Mapping[str, CellRunState]: ...

    @property
    def mode(self) -> Mode: ...

    @property
    def path(self) -> Path | None: ...

    @property
    def origin(self) -> Path | None: ...

    @property
    def kernel_status(self) -> str: ...

    @property
    def kernel_python(self) -> str: ...

    @property
    def database_status(self) -> DatabaseStatusChanged | None: ...

    @property
    def trusted(self) -> bool: ...

    @property
    def trust_requests(self) -> tuple[TrustRequest, ...]: ...

    @property
    def save_blocked(self) -> bool: ...

    @property
    def read_only(self) -> bool: ...

    @property
    def has_unsaved_work(self) -> bool: ...

    @property
    def interrupt_restarts(self) -> bool: ...

    def cell_name(self, cell_id: str) -> str:
        """How messages name a cell."""
        ...

    def database_url(self) -> str: ...
