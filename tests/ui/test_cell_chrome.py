"""The quiet cell card: controls on hover/focus, selection marker, status strip, the "+"
inserter between cells, the ⋯ menu, the centred column, and how many cells fit a window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QEnterEvent, QMouseEvent
from PySide6.QtWidgets import QApplication

from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.ui.cells.card_chrome import STRIP_WIDTH
from app.ui.cells.cell_widget import CellWidget
from app.ui.cells.notebook_view import COLUMN_WIDTH
from app.ui.theme.apply import theme_controller
from app.ui.theme.palettes import DARK, LIGHT
from app.ui.window.main_window import MainWindow
from tests.ui.conftest import idle, until
from tests.ui.test_window import Run, cell, make_file, open_window, status

pytestmark = pytest.mark.slow


def hover(widget: CellWidget, inside: bool) -> None:
    if inside:
        point = QPointF(10, 10)
        QApplication.sendEvent(widget, QEnterEvent(point, point, widget.mapToGlobal(point)))
    else:
        QApplication.sendEvent(widget, QEvent(QEvent.Type.Leave))


def pixel(widget: CellWidget, x: int, y: int) -> QColor:
    return widget.grab().toImage().pixelColor(x, y)


def close_to(a: QColor, b: str, tolerance: int = 40) -> bool:
    c = QColor(b)
    return all(abs(x - y) <= tolerance for x, y in zip(a.getRgb()[:3], c.getRgb()[:3], strict=True))


def move_mouse(window: MainWindow, y: int) -> None:
    assert window.view is not None
    column = window.view.column
    point = QPointF(column.width() / 2, y)
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        point,
        column.mapToGlobal(point),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(column, event)


def test_controls_and_chips_show_only_on_hover(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1", "y = x"))

    async def body() -> None:
        second = cell(window, 1)
        assert not second.controls_visible
        assert not second.run_button.isVisibleTo(window)
        hover(second, True)
        assert second.controls_visible
        assert second.run_button.isVisibleTo(window)
        assert second.footer.isVisibleTo(window)  # the "defines · reads" chips
        hover(second, False)
        assert not second.controls_visible

    arun(body())


def test_focus_shows_controls_selects_the_cell_and_rings_the_editor(
    arun: Run, tmp_path: Path
) -> None:
    window = open_window(make_file(tmp_path, "x = 1", "y = x"))

    async def body() -> None:
        assert window.view is not None
        first, second = cell(window, 0), cell(window, 1)
        second.editor.setFocus()
        await until(window, lambda: second.editor.hasFocus())
        assert second.controls_visible
        assert window.view.selected_id == second.cell_id
        assert second.selected and not first.selected
        editor = second.editor.geometry()
        assert close_to(pixel(second, editor.center().x(), editor.top() - 2), LIGHT.accent)
        first.editor.setFocus()
        await until(window, lambda: first.editor.hasFocus())
        assert close_to(pixel(second, editor.center().x(), editor.top() - 2), LIGHT.surface, 12)

    arun(body())


def test_selected_cell_has_an_accent_outline(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1", "y = x"))

    async def body() -> None:
        assert window.view is not None
        first = cell(window, 0)
        middle = first.width() // 2
        window.view.select(cell(window, 1).cell_id)
        assert close_to(pixel(first, middle, 0), LIGHT.border, 20)
        window.view.select(first.cell_id)
        assert first.selected
        assert close_to(pixel(first, middle, 0), LIGHT.accent)
        window.view.select(cell(window, 1).cell_id)
        assert not first.selected
        assert close_to(pixel(first, middle, 0), LIGHT.border, 20)

    arun(body())


def test_status_strip_takes_the_status_colour(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1", "y = undefined_name"))

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: status(window, 0) == "success")
        await idle(window)
        ok, bad = cell(window, 0), cell(window, 1)
        mid = ok.height() // 2
        assert close_to(pixel(ok, STRIP_WIDTH // 2 + 1, mid), LIGHT.status.success, 30)
        assert close_to(pixel(bad, STRIP_WIDTH // 2 + 1, mid), LIGHT.status.error, 30)
        assert ok.status_label.text().startswith("done in")  # words stay in the hover bar

    arun(body())


def test_inserter_appears_between_cells_and_inserts_the_chosen_kind(
    arun: Run, tmp_path: Path
) -> None:
    window = open_window(make_file(tmp_path, "x = 1", "y = x"))

    async def body() -> None:
        assert window.view is not None and window.coordinator is not None
        first, second = cell(window, 0), cell(window, 1)
        gap_y = (first.geometry().bottom() + second.geometry().top()) // 2
        assert not window.view.inserter.isVisible()
        move_mouse(window, gap_y)
        assert window.view.inserter.isVisible()
        assert window.view.inserter.index == 1
        move_mouse(window, second.geometry().bottom() + 12)  # below the last cell
        assert window.view.inserter.index == 2
        from PySide6.QtCore import QPointF
        from PySide6.QtGui import QEnterEvent
        from PySide6.QtWidgets import QApplication

        point = QPointF(5, 5)
        QApplication.sendEvent(second, QEnterEvent(point, point, point))  # onto a card
        assert not window.view.inserter.isVisible()
        move_mouse(window, gap_y)
        window.view.inserter.kind_actions["sql"].trigger()
        await until(window, lambda: len(window.coordinator.notebook) == 3)  # type: ignore[union-attr]
        assert window.coordinator.notebook.cells[1].kind == "sql"
        assert not hasattr(first, "add_buttons")  # no "+ Python + SQL" row under each cell

    arun(body())


def test_more_menu_duplicates_collapses_and_deletes(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1\nprint(x)", "y = 2"))

    async def body() -> None:
        assert window.coordinator is not None
        first = cell(window, 0)
        first.bar.duplicate_action.trigger()
        await until(window, lambda: len(window.coordinator.notebook) == 3)  # type: ignore[union-attr]
        assert window.coordinator.notebook.cells[1].code == "x = 1\nprint(x)"
        first.bar.collapse_action.trigger()
        assert first.collapsed and not first.editor.isVisibleTo(window)
        assert "x = 1" in first.collapsed_label.text()
        first.bar.collapse_action.trigger()
        assert not first.collapsed and first.editor.isVisibleTo(window)
        last_id = cell(window, 2).cell_id
        cell(window, 2).delete_action.trigger()
        await until(window, lambda: last_id not in window.coordinator.notebook)  # type: ignore[union-attr]

    arun(body())


def test_column_is_centred_and_full_width_toggles(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1"))
    window.resize(1600, 900)

    async def body() -> None:
        assert window.view is not None
        await until(window, lambda: window.view.column.width() == COLUMN_WIDTH)  # type: ignore[union-attr]
        column = window.view.column
        left = column.mapTo(window.view, QPoint(0, 0)).x()
        right = window.view.viewport().width() - left - column.width()
        assert abs(left - right) <= 2
        window.view_menu.full_width.setChecked(True)
        await until(window, lambda: column.width() > COLUMN_WIDTH)
        window.view_menu.full_width.setChecked(False)
        await until(window, lambda: column.width() == COLUMN_WIDTH)

    arun(body())


def test_theme_switch_repaints_cards_and_chips(arun: Run, tmp_path: Path) -> None:
    window = open_window(make_file(tmp_path, "x = 1", "y = x"))

    async def body() -> None:
        second = cell(window, 1)
        middle = second.width() // 2
        try:
            window.view_menu.theme_actions["dark"].trigger()
            await until(window, lambda: DARK.chip_bg in second.footer.text())
            assert close_to(pixel(second, middle, second.height() - 3), DARK.surface, 12)
        finally:
            theme_controller().set_choice("light")
        await until(window, lambda: LIGHT.chip_bg in second.footer.text())
        assert close_to(pixel(second, middle, second.height() - 3), LIGHT.surface, 12)

    arun(body())


def test_many_one_line_cells_fit_a_760_px_window(arun: Run, tmp_path: Path) -> None:
    """Issue 12's figure: five one-line cells fitted a 760 px window before the quiet cards."""
    window = open_window(make_file(tmp_path, *(f"v{i} = {i}" for i in range(30))))
    window.resize(980, 760)

    async def body() -> None:
        assert window.view is not None
        await idle(window)
        viewport = window.view.viewport()
        await until(window, lambda: viewport.height() > 500)

        def fitting() -> int:
            top = viewport.mapToGlobal(QPoint(0, 0)).y()
            bottom = top + viewport.height()
            count = 0
            for widget in window.view.cells.values():  # type: ignore[union-attr]
                y = widget.mapToGlobal(QPoint(0, 0)).y()
                if widget.isVisible() and y >= top and y + widget.height() <= bottom:
                    count += 1
            return count

        print(f"one-line cells in a 760 px window: {fitting()}")
        assert fitting() >= 12

    arun(body())


def test_a_cell_inserted_at_the_end_is_scrolled_into_view(arun: Run, tmp_path: Path) -> None:
    """Issue 12 defect: inserting under the last cell scrolled the view to the top."""
    window = open_window(make_file(tmp_path, *(f"v{i} = {i}" for i in range(40))))
    window.resize(980, 760)

    async def body() -> None:
        assert window.view is not None and window.coordinator is not None
        view = window.view
        await idle(window)
        view.finish_building()
        bar = view.verticalScrollBar()
        await until(window, lambda: bar.maximum() > 0)
        bar.setValue(bar.maximum())
        last = cell(window, 39)
        move_mouse(window, last.geometry().bottom() + 12)
        assert view.inserter.index == 40
        view.inserter.kind_actions["python"].trigger()
        await until(window, lambda: len(window.coordinator.notebook) == 41)  # type: ignore[union-attr]
        new = cell(window, 40)
        await until(window, lambda: new.editor.hasFocus())
        top = new.mapTo(view.viewport(), QPoint(0, 0)).y()
        assert top >= 0 and top + new.height() <= view.viewport().height()
        assert bar.value() > 0

    arun(body())


def test_rendered_markdown_reads_as_text_until_touched(arun: Run, tmp_path: Path) -> None:
    """Prose sits flat on the page (as in JupyterLab and marimo): no card at rest; hovering or
    selecting the cell shows its card. Inline code is tinted, in both themes."""
    path = tmp_path / "prose.py"
    cells = (Cell("c1", "python", "x = 1"), Cell("m1", "markdown", "Use `x` here.\n\nMore."))
    fileformat.save(Notebook(cells=cells, name="Prose"), path)
    window = open_window(path)

    async def body() -> None:
        assert window.view is not None
        window.view.select("c1")
        prose = window.view.cells["m1"]
        await idle(window)
        middle = prose.width() // 2
        assert not close_to(pixel(prose, middle, 0), LIGHT.border, 6)  # no outline drawn
        hover(prose, True)
        assert close_to(pixel(prose, middle, 0), LIGHT.border, 20)
        hover(prose, False)
        window.view.select("m1")
        assert close_to(pixel(prose, middle, 0), LIGHT.accent)
        view = prose.markdown_view
        assert view is not None
        assert LIGHT.chip_bg in view.document().defaultStyleSheet()
        try:
            window.view_menu.theme_actions["dark"].trigger()
            await until(window, lambda: DARK.chip_bg in view.document().defaultStyleSheet())
        finally:
            theme_controller().set_choice("light")

    arun(body())
