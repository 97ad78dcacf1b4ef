"""Reactive controls in the real window against the real worker (SEMANTICS.md §8): native
widgets, a change re-runs only the cells that read the control, quick changes coalesce."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPushButton
from superqt import QLabeledSlider

from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.core.state import CellRunState, RichOutput
from app.ui.outputs.controls import ControlOutput
from app.ui.outputs.output_view import ErrorOutput
from app.ui.outputs.table_view import TableOutput
from app.ui.window.main_window import MainWindow
from tests.ui.conftest import until
from tests.ui.test_window import cell, open_window, status

pytestmark = pytest.mark.slow
Run = Callable[[Awaitable[Any]], Any]

SLIDER = "import cascade as cs\nn = cs.slider(1, 10, value=2, label='points')\nn"
PLOT = (
    "import matplotlib.pyplot as plt\n"
    "fig, ax = plt.subplots(figsize=(3, 2))\n"
    "ax.plot(range(n.value))\n"
    "print(n.value)"
)


def notebook_file(tmp_path: Path, *cells: Cell) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "notebook.py"
    fileformat.save(Notebook(cells=cells, name="Controls"), path)
    return path


def state(window: MainWindow, index: int) -> CellRunState:
    assert window.coordinator is not None
    return window.coordinator.states[window.coordinator.notebook.cell_ids[index]]


def control(window: MainWindow, index: int) -> ControlOutput:
    found = cell(window, index).outputs.findChildren(ControlOutput)
    assert len(found) == 1, found
    return found[0]


def picture(window: MainWindow, index: int) -> str:
    images = [
        o.data["image/png"] for o in state(window, index).outputs if isinstance(o, RichOutput)
    ]
    return images[-1] if images else ""


async def all_ran(window: MainWindow, count: int) -> None:
    await until(window, lambda: all(status(window, i) == "success" for i in range(count)), 60)


def test_a_slider_over_a_plot_reruns_only_the_plot_and_the_figure_changes(
    arun: Run, tmp_path: Path
) -> None:
    path = notebook_file(
        tmp_path, Cell("c1", code=SLIDER), Cell("c2", code=PLOT), Cell("c3", code="z = 1")
    )
    window = open_window(path)

    async def body() -> None:
        window.commands.run_all.trigger()
        await all_ran(window, 3)
        await until(window, lambda: bool(cell(window, 0).outputs.findChildren(ControlOutput)))
        slider = control(window, 0).editor
        assert isinstance(slider, QLabeledSlider) and slider.value() == 2
        defining, unrelated, before = state(window, 0), state(window, 2), picture(window, 1)
        assert before
        slider.setValue(7)  # as a drag ending at 7 would
        await until(window, lambda: state(window, 1).text("stdout") == "7\n")
        await until(window, lambda: status(window, 1) == "success")
        assert picture(window, 1) and picture(window, 1) != before  # the figure changed
        assert state(window, 0) is defining  # the slider's own cell did not run again
        assert state(window, 2) is unrelated
        assert control(window, 0).editor is slider  # the widget under the hand stays

    arun(body())


def test_quick_moves_coalesce_and_the_last_value_wins(arun: Run, tmp_path: Path) -> None:
    path = notebook_file(tmp_path, Cell("c1", code=SLIDER), Cell("c2", code="print(n.value)"))
    window = open_window(path)

    async def body() -> None:
        window.commands.run_all.trigger()
        await all_ran(window, 2)
        await until(window, lambda: bool(cell(window, 0).outputs.findChildren(ControlOutput)))
        slider = control(window, 0).editor
        assert isinstance(slider, QLabeledSlider)
        assert window.coordinator is not None
        started = window.coordinator._controls.applied
        for value in (3, 4, 5, 6, 7, 8, 9, 10, 1, 5):  # faster than any run can finish
            slider.setValue(value)
        await until(window, lambda: state(window, 1).text("stdout") == "5\n")
        await until(window, lambda: not window.coordinator._controls.busy("c1:0"))
        assert state(window, 1).text("stdout") == "5\n"  # the last value won
        assert window.coordinator._controls.applied - started < 10

    arun(body())


def test_a_dropdown_feeds_a_sql_placeholder(arun: Run, tmp_path: Path) -> None:
    define = "import cascade as cs\ncity = cs.dropdown(['Oslo', 'Lima', 'Pune'])\ncity"
    query = "select {city} as picked"
    path = notebook_file(
        tmp_path,
        Cell("c1", code=define),
        Cell("c2", kind="sql", code=query, name="picked"),
        Cell("c3", code="print(picked['picked'][0])"),
    )
    window = open_window(path)

    async def body() -> None:
        window.commands.run_all.trigger()
        await all_ran(window, 3)
        assert state(window, 2).text("stdout") == "Oslo\n"
        await until(window, lambda: bool(cell(window, 0).outputs.findChildren(ControlOutput)))
        combo = control(window, 0).editor
        assert isinstance(combo, QComboBox)
        combo.setCurrentText("Pune")
        await until(window, lambda: state(window, 2).text("stdout") == "Pune\n")

    arun(body())


def test_a_control_recreated_with_unchanged_arguments_keeps_the_users_value(
    arun: Run, tmp_path: Path
) -> None:
    path = notebook_file(tmp_path, Cell("c1", code=SLIDER), Cell("c2", code="print(n.value)"))
    window = open_window(path)

    async def body() -> None:
        window.commands.run_all.trigger()
        await all_ran(window, 2)
        await until(window, lambda: bool(cell(window, 0).outputs.findChildren(ControlOutput)))
        control(window, 0).editor.setValue(9)  # type: ignore[attr-defined]
        await until(window, lambda: state(window, 1).text("stdout") == "9\n")
        first = control(window, 0)
        assert window.coordinator is not None
        await window.coordinator.run_cell(cell(window, 0).cell_id)  # the defining cell again
        await until(window, lambda: cell(window, 0).outputs.findChildren(ControlOutput) != [first])
        await until(window, lambda: bool(cell(window, 0).outputs.findChildren(ControlOutput)))
        slider = control(window, 0).editor
        assert isinstance(slider, QLabeledSlider) and slider.value() == 9
        assert state(window, 1).text("stdout") == "9\n"

    arun(body())


def test_a_form_runs_its_readers_only_on_submit(arun: Run, tmp_path: Path) -> None:
    define = (
        "import cascade as cs\n"
        "q = cs.form({'city': cs.text('Oslo', debounce=False), 'n': cs.slider(1, 9)})\n"
        "q"
    )
    path = notebook_file(tmp_path, Cell("c1", code=define), Cell("c2", code="print(q.value)"))
    window = open_window(path)

    async def body() -> None:
        window.commands.run_all.trigger()
        await all_ran(window, 2)
        assert state(window, 1).text("stdout") == "{'city': 'Oslo', 'n': 1}\n"
        await until(window, lambda: bool(cell(window, 0).outputs.findChildren(ControlOutput)))
        outputs = cell(window, 0).outputs.findChildren(ControlOutput)
        form = next(o for o in outputs if o.spec.kind == "form")
        text = next(o for o in outputs if o.spec.kind == "text").editor
        slider = next(o for o in outputs if o.spec.kind == "slider").editor
        assert isinstance(text, QLineEdit) and isinstance(slider, QLabeledSlider)
        reader = state(window, 1)
        text.setText("Lima")
        slider.setValue(4)
        assert form.held is not None and form.held.values == {"c1:0": "Lima", "c1:1": 4}
        assert state(window, 1) is reader  # nothing ran: the form waits for Submit
        submit = form.findChild(QPushButton, "formSubmit")
        assert submit is not None
        submit.click()
        await until(window, lambda: state(window, 1).text("stdout") == "{'city': 'Lima', 'n': 4}\n")

    arun(body())


def test_a_control_in_a_stack_reruns_the_readers_of_the_stack(arun: Run, tmp_path: Path) -> None:
    define = (
        "import cascade as cs\nrow = cs.hstack([cs.slider(0, 5), cs.checkbox(label='on')])\nrow"
    )
    path = notebook_file(tmp_path, Cell("c1", code=define), Cell("c2", code="print(row.value)"))
    window = open_window(path)

    async def body() -> None:
        window.commands.run_all.trigger()
        await all_ran(window, 2)
        await until(window, lambda: bool(cell(window, 0).outputs.findChildren(ControlOutput)))
        outputs = cell(window, 0).outputs.findChildren(ControlOutput)
        box = next(o for o in outputs if o.spec.kind == "checkbox").editor
        assert isinstance(box, QCheckBox)
        box.setChecked(True)
        await until(window, lambda: state(window, 1).text("stdout") == "[0, True]\n")

    arun(body())


def test_app_view_hides_code_keeps_controls_live_and_honours_hide_in_app(
    arun: Run, tmp_path: Path
) -> None:
    path = notebook_file(
        tmp_path,
        Cell("c0", kind="markdown", code="# Sales"),
        Cell("c1", code=SLIDER),
        Cell("c2", code="print(n.value)"),
        Cell("c3", code="secret = 1", meta=(("hide_in_app", "true"),)),
        Cell("c4", code="raise ValueError('no data for this month')"),
        Cell("c5", code="quiet = 2"),
    )
    window = open_window(path)

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: all(status(window, i) == "success" for i in (1, 2, 3)), 60)
        await until(window, lambda: status(window, 4) == "error")
        await until(window, lambda: status(window, 5) == "success")
        window.panels.docks["variables"].show()
        error = cell(window, 4).outputs.findChildren(ErrorOutput)[0]
        assert error.traceback.isVisibleTo(window)
        window.commands.app_view.trigger()
        assert window.commands.app_view.isChecked()
        assert window.view is not None and window.view.app_view
        for index in (1, 2):
            widget = cell(window, index)
            assert not widget.editor.isVisibleTo(window)  # code hidden
            assert not widget.run_button.isVisibleTo(window)
            assert widget.outputs.isVisibleTo(window)  # results shown
        markdown = cell(window, 0).markdown_view
        assert markdown is not None and markdown.isVisibleTo(window)
        assert not cell(window, 3).isVisibleTo(window)  # hide_in_app="true"
        assert not cell(window, 5).isVisibleTo(window)  # nothing to show: no empty card
        assert window.panels.docks["variables"].isHidden()  # an app shows no panels
        error = cell(window, 4).outputs.findChildren(ErrorOutput)[0]  # errors summarised
        assert error.header.isVisibleTo(window) and not error.traceback.isVisibleTo(window)
        assert "no data for this month" in error.header.text()
        slider = control(window, 1).editor
        assert isinstance(slider, QLabeledSlider) and slider.isVisibleTo(window)
        slider.setValue(6)
        await until(window, lambda: state(window, 2).text("stdout") == "6\n")
        window.commands.app_view.trigger()  # back to the notebook
        assert cell(window, 1).editor.isVisibleTo(window) and cell(window, 3).isVisibleTo(window)
        assert cell(window, 5).isVisibleTo(window)
        assert not window.panels.docks["variables"].isHidden()  # the panel the user had open
        # The card's ⋯ menu toggles it: saved in the marker, followed by the app view.
        assert cell(window, 3).bar.hide_in_app_action.isChecked()
        cell(window, 3).bar.hide_in_app_action.trigger()
        cell(window, 2).bar.hide_in_app_action.trigger()
        text = path.read_text()
        assert "hide_in_app" not in text.split("secret = 1")[0].split("print(n.value)")[1]
        assert text.count("hide_in_app=true") == 1
        window.commands.app_view.trigger()
        assert not cell(window, 2).isVisibleTo(window)  # hidden from its menu now
        assert not cell(window, 3).isVisibleTo(window)  # shown again, but it has no output
        window.commands.app_view.trigger()
        cell(window, 4).bar.hide_in_app_action.trigger()  # the failing cell, with an output
        window.commands.app_view.trigger()
        assert not cell(window, 4).isVisibleTo(window)
        cell_4 = window.coordinator.notebook.cells[4] if window.coordinator else None
        assert cell_4 is not None and cell_4.hidden_in_app

    arun(body())


def test_a_table_selection_feeds_a_cell(arun: Run, tmp_path: Path) -> None:
    define = (
        "import cascade as cs, pandas as pd\n"
        "df = pd.DataFrame({'city': ['Oslo', 'Lima', 'Pune', 'Rome'], 'n': [1, 2, 3, 4]})\n"
        "picked = cs.table(df, selection='multi', label='cities')\n"
        "picked"
    )
    reader = "print(list(picked.value['city']), int(picked.value['n'].sum()))"
    path = notebook_file(tmp_path, Cell("c1", code=define), Cell("c2", code=reader))
    window = open_window(path)

    async def body() -> None:
        window.commands.run_all.trigger()
        await all_ran(window, 2)
        assert state(window, 1).text("stdout") == "[] 0\n"
        await until(window, lambda: bool(cell(window, 0).outputs.findChildren(TableOutput)))
        table = cell(window, 0).outputs.findChildren(TableOutput)[0]
        assert table.model.rowCount() == 4
        selection = table.view.selectionModel()
        rows = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        selection.select(table.model.index(1, 0), rows)
        selection.select(table.model.index(3, 0), rows)
        await until(window, lambda: state(window, 1).text("stdout") == "['Lima', 'Rome'] 6\n")
        # Re-run the defining cell: same frame shape, so the selection is kept.
        assert window.coordinator is not None
        await window.coordinator.run_cell(cell(window, 0).cell_id)
        await until(window, lambda: bool(cell(window, 0).outputs.findChildren(TableOutput)))
        await all_ran(window, 2)
        table = cell(window, 0).outputs.findChildren(TableOutput)[0]
        kept = {index.row() for index in table.view.selectionModel().selectedRows()}
        assert kept == {1, 3}
        assert state(window, 1).text("stdout") == "['Lima', 'Rome'] 6\n"

    arun(body())


def test_view_remember_control_values_is_per_notebook(arun: Run, tmp_path: Path) -> None:
    path = notebook_file(tmp_path, Cell("c1", code=SLIDER))
    window = open_window(path)

    async def body() -> None:
        action = window.commands.remember_controls
        assert window.coordinator is not None and not action.isChecked()
        action.trigger()
        assert action.isChecked() and window.coordinator.remember_controls
        second = open_window(notebook_file(tmp_path / "other", Cell("c1", code=SLIDER)))
        assert not second.commands.remember_controls.isChecked()  # another notebook: off
        action.trigger()
        assert not window.coordinator.remember_controls

    arun(body())
