"""Quick fixes the cells offer: for a name defined by more than one cell, "Rename to df_2 here
and in the cells below that read it" (``app.core.convert.rename_here_and_below``, the import's
own renaming), previewed as a diff and applied as one undoable edit."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.coordinator.coordinator import Coordinator
from app.core.convert import QuickFix, rename_here_and_below
from app.core.problems import MultipleDefinition
from app.ui.dialogs.quick_fix_dialog import QuickFixDialog


def fixes_for(coordinator: Coordinator, cell_id: str) -> list[tuple[str, str]]:
    """``(name, title)`` for each name this cell and another both define."""
    fixes = []
    for problem in coordinator.document.problems(cell_id):
        if not isinstance(problem, MultipleDefinition):
            continue
        name = problem.name
        try:
            fix = rename_here_and_below(coordinator.notebook, cell_id, name)
        except ValueError:  # the cell does not parse, or cannot bind another name
            continue
        fixes.append((name, fix.title))
    return fixes


def preview(coordinator: Coordinator, cell_id: str, name: str, parent: QWidget) -> QuickFix | None:
    """The fix, if the user applies it in its preview; None when cancelled (or gone)."""
    if cell_id not in coordinator.notebook:
        return None
    try:
        fix = rename_here_and_below(coordinator.notebook, cell_id, name)
    except ValueError:
        return None
    dialog = QuickFixDialog(fix, parent)
    parent.setProperty("quickFixDialog", dialog)  # tests find the preview here
    return fix if dialog.exec() == QuickFixDialog.DialogCode.Accepted else None


async def apply(coordinator: Coordinator, fix: QuickFix) -> None:
    """The fix's code changes as one edit (saved once, run once, one Undo); a SQL cell's
    result name, when the fix renames one, is then set as its own edit."""
    await coordinator.apply_code_changes(
        {change.cell_id: change.code for change in fix.changes}, fix.title
    )
    for change in fix.changes:
        notebook = coordinator.notebook
        if (
            change.name is not None
            and change.cell_id in notebook
            and notebook.cell(change.cell_id).name != change.name
        ):
            await coordinator.set_sql_name(change.cell_id, change.name)
