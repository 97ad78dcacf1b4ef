"""What the coordinator asks the kernel without running anything: the namespace summary for
the Variables panel, pages of kernel tables and their export, a namespace value opened in the
table viewer, completion and signature help. A mixin of :class:`Coordinator` (one job per
module); the completer is made on first use, so a headless run never imports it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from app.coordinator.kernel_client import (
    PageRequest,
    TableExport,
    TablePage,
    VariableSummary,
    VariableTable,
)
from app.coordinator.runner import Runner

if TYPE_CHECKING:
    from app.coordinator.completion import Completer, CompletionResult, KernelInspection
    from app.coordinator.events import CoordinatorEvent
    from app.core.graph import Graph
    from app.core.notebook import Notebook


class KernelQueries:
    """See the module docstring."""

    _runner: Runner
    _completer: Completer | None

    if TYPE_CHECKING:  # provided by the coordinator

        @property
        def notebook(self) -> Notebook: ...

        @property
        def graph(self) -> Graph: ...

        @property
        def path(self) -> Path | None: ...

        def cell_name(self, cell_id: str) -> str: ...

        def _emit(self, event: CoordinatorEvent) -> None: ...

    # -- kernel tables ----------------------------------------------------------------------------
    async def describe_variables(self) -> tuple[VariableSummary, ...]:
        """Every name the kernel holds with its type, short value or shape, and size."""
        return await self._runner.describe_variables()

    async def fetch_rows(self, request: PageRequest) -> TablePage:
        return await self._runner.fetch_rows(request)

    async def export_table(
        self, table_id: str, path: str, sort_column: int | None = None, ascending: bool = True
    ) -> TableExport:
        return await self._runner.export_table(table_id, path, sort_column, ascending)

    async def view_variable(self, name: str) -> VariableTable:
        """``name``'s value as a kernel table for the table viewer, or why it is not one."""
        return await self._runner.view_variable(name)

    def release_tables(self, table_ids: tuple[str, ...]) -> None:
        self._runner.release_tables(table_ids)

    # -- code intelligence ------------------------------------------------------------------------
    def _folder(self) -> Path | None:
        return self.path.parent if self.path is not None else None

    def _completion(self) -> Completer:
        """The completer, made on first use (a headless run never completes anything)."""
        if self._completer is None:
            from app.coordinator.completion import Completer

            self._completer = Completer(
                self._runner,
                lambda: self.notebook,
                self._folder,
                self._emit,
                lambda: self.graph.definers,
                self.cell_name,
            )
        return self._completer

    async def complete(self, cell_id: str, code: str, line: int, column: int) -> CompletionResult:
        """Completions at 1-based ``line``, 0-based ``column`` of a cell's text as typed: the
        live kernel's when it is idle, else static over the notebook's code."""
        return await self._completion().complete(cell_id, code, line, column)

    async def inspect(
        self, cell_id: str, code: str, line: int, column: int, *, docs: bool = False
    ) -> KernelInspection:
        """The signature of the call at a position (and, with ``docs``, the name's docs)."""
        return await self._completion().inspect(cell_id, code, line, column, docs)
