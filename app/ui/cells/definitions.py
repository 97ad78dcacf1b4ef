"""Go to definition (F12, Ctrl+click): a notebook name jumps to the cell that defines it; any
other name opens its library's source, read-only, at the defining line (found by the same
inspection as the docs: the idle kernel's jedi, else static jedi)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.problems import quoted
from app.ui.dialogs.source_view import SourceView
from app.ui.tasks import spawn

if TYPE_CHECKING:
    from app.ui.cells.notebook_view import NotebookView


def go_to_definition(view: NotebookView, cell_id: str, name: str) -> None:
    """Where ``name`` (at the cursor of cell ``cell_id``'s editor) is defined."""
    if view.coordinator.graph.definers.get(name):
        view.reveal_definer(name)
        return
    widget = view.cells.get(cell_id)
    if widget is None:
        return
    cursor = widget.editor.textCursor()
    line = cursor.blockNumber() + 1
    column = len(cursor.block().text()[: cursor.positionInBlock()])
    spawn(_open_source(view, cell_id, name, widget.code(), line, column))


async def _open_source(
    view: NotebookView, cell_id: str, name: str, code: str, line: int, column: int
) -> None:
    answer = await view.coordinator.inspect(cell_id, code, line, column, docs=True)
    if not answer.path:
        view.message.emit(
            f"No cell defines {quoted(name)}, and its source is not available "
            "(a builtin, a compiled module, or a name nothing defines)."
        )
        return
    try:
        view.source_view = SourceView(answer.name or name, answer.path, answer.line, view)
    except (OSError, ValueError) as exc:
        view.message.emit(f"Cannot show the source of {quoted(name)}: {exc}")
        return
    view.source_view.open()
