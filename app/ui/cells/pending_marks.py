"""While an edit waits for its debounce, the cells below it carry a muted "will re-run" mark
(as marimo marks cells a change will re-run): the reader sees what the edit is about to
change before anything runs.

Nothing is decided here: the edited widget knows its own waiting edit, and the cells below
are the graph's descendants of the committed code (an edit that changes what the cell
defines is followed once it is committed). The mark goes when the edit does — committed
(the coordinator's states take over: queued, running, stale) or cancelled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from app.core.graph import Graph
from app.ui.cells.cell_widget import CellWidget
from app.ui.cells.cell_words import WILL_GO_STALE, WILL_RERUN


class PendingMarks:
    """Marks the descendants of every cell whose edit waits (several may wait at once)."""

    def __init__(
        self,
        cells: Callable[[], Mapping[str, CellWidget]],
        graph: Callable[[], Graph],
        name_cell: Callable[[str], str],
    ) -> None:
        self._cells = cells
        self._graph = graph
        self._name_cell = name_cell
        #: Edited cell -> the cells marked below it.
        self._waiting: dict[str, set[str]] = {}

    def edit_waiting(self, cell_id: str, waiting: bool) -> None:
        """``cell_id``'s edit started (True) or stopped (False) waiting."""
        before = set().union(*self._waiting.values())
        self._waiting.pop(cell_id, None)
        graph = self._graph()
        if waiting and cell_id in graph.rank:
            self._waiting[cell_id] = graph.descendants({cell_id})
        self._repaint(before | set().union(*self._waiting.values()))

    def _repaint(self, cell_ids: set[str]) -> None:
        cells = self._cells()
        for cell_id in cell_ids:
            widget = cells.get(cell_id)
            if widget is None:
                continue  # not built yet, or deleted
            editing = [e for e, below in self._waiting.items() if cell_id in below]
            widget.set_upstream_edit(*self._words(editing, widget, cells))

    def _words(
        self, editing: list[str], widget: CellWidget, cells: Mapping[str, CellWidget]
    ) -> tuple[str, str]:
        if not editing:
            return "", ""
        source = cells.get(editing[0])
        reruns = source is not None and source.will_rerun and widget.will_rerun
        return (WILL_RERUN if reruns else WILL_GO_STALE), self._name_cell(editing[0])
