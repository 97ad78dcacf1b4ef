"""App view: the notebook as an app — outputs and controls only, with the same reactivity.

In app view every cell hides its header (kind, status, run and move buttons), its code and
the buttons that add cells; markdown stays rendered; a failed cell shows its one-line error
without the traceback; a cell whose metadata says ``hide_in_app="true"`` (in its
``# %%`` marker) is not shown at all. Controls keep working: moving a slider re-runs the
cells that read it, exactly as in the notebook view. ``cascade app NB.py`` opens a notebook
in app view; View → App view toggles it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QWidget

from app.core.notebook import Cell
from app.ui.cells.cell_widget import CellWidget

#: The cell metadata key (in the ``# %%`` marker) that keeps a cell out of the app view.
HIDE_IN_APP = "hide_in_app"


def hidden_in_app(cell: Cell) -> bool:
    return any(key == HIDE_IN_APP and value.lower() == "true" for key, value in cell.meta)


def _chrome(widget: CellWidget) -> list[QWidget]:
    """What app view hides: everything about the code, not its results."""
    parts: list[QWidget] = [
        widget.kind_badge,
        widget.name_label,
        widget.name_edit,
        widget.status_dot,
        widget.status_label,
        widget.countdown,
        widget.countdown_label,
        widget.run_button,
        widget.up_button,
        widget.down_button,
        widget.delete_button,
        widget.editor,
        widget.fix_label,
        widget.footer,
        *widget.add_buttons.values(),
    ]
    return parts


def set_app_view(widget: CellWidget, cell: Cell, on: bool) -> None:
    """Show ``widget`` as part of an app (``on``) or as a notebook cell again."""
    if on:
        shown = {part: part.isVisibleTo(widget) for part in _chrome(widget)}
        widget.setProperty("appViewShown", shown)
        for part in shown:
            part.setVisible(False)
        widget.setFrameShape(QFrame.Shape.NoFrame)
        widget.setVisible(not hidden_in_app(cell))
        widget.outputs.set_summarise_errors(True)
        return
    shown = widget.property("appViewShown")
    if isinstance(shown, dict):
        for part, visible in shown.items():
            part.setVisible(visible)
    widget.setProperty("appViewShown", None)
    widget.setFrameShape(QFrame.Shape.StyledPanel)
    widget.setVisible(True)
    widget.outputs.set_summarise_errors(False)
