"""App view: the notebook as an app — outputs and controls only, with the same reactivity.

In app view every cell hides its controls (kind, status, run, move, the ⋯ menu and chips,
never shown on hover either), its code, and the "+" inserter between cells; markdown stays rendered; a failed cell shows its one-line error
without the traceback; a cell whose metadata says ``hide_in_app="true"`` (in its
``# %%`` marker) is not shown at all. Controls keep working: moving a slider re-runs the
cells that read it, exactly as in the notebook view. ``cascade app NB.py`` opens a notebook
in app view; View → App view toggles it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.core.notebook import Cell, Notebook
from app.ui.cells.cell_widget import CellWidget


def shown_in_app(widget: CellWidget, cell: Cell) -> bool:
    """Whether the app shows this cell: markdown, or a cell with something to show (a code
    cell with no output would be an empty card), unless its metadata keeps it out."""
    if cell.hidden_in_app:
        return False
    return cell.kind == "markdown" or not widget.outputs.is_empty()


def follow_app_view(widget: CellWidget, notebook: Notebook) -> None:
    """In app view a cell shows once it has outputs (and goes when they do)."""
    if widget.cell_id in notebook:
        widget.setVisible(shown_in_app(widget, notebook.cell(widget.cell_id)))


def _chrome(widget: CellWidget) -> list[QWidget]:
    """What app view hides: everything about the code, not its results."""
    parts: list[QWidget] = [
        widget.kind_badge,
        widget.name_label,
        widget.name_edit,
        widget.bar,  # status, run, move, ⋯ and the chips
        widget.countdown,
        widget.editor,
        widget.fix_label,
    ]
    return parts


def set_app_view(widget: CellWidget, cell: Cell, on: bool) -> None:
    """Show ``widget`` as part of an app (``on``) or as a notebook cell again."""
    widget.in_app_view = on
    if on:
        shown = {part: part.isVisibleTo(widget) for part in _chrome(widget)}
        widget.setProperty("appViewShown", shown)
        for part in shown:
            part.setVisible(False)
        widget.setVisible(shown_in_app(widget, cell))
        widget.outputs.set_summarise_errors(True)
        return
    shown = widget.property("appViewShown")
    if isinstance(shown, dict):
        for part, visible in shown.items():
            part.setVisible(visible)
    widget.setProperty("appViewShown", None)
    widget.setVisible(True)
    widget.outputs.set_summarise_errors(False)
