"""Side panels: the outline lists headings and named cells, marks failing sections, jumps."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from app.coordinator.events import CellStatesChanged
from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.core.state import CellRunState
from app.ui.panels.docks import NARROW_WIDTH, REFRESH_MS
from app.ui.panels.outline_model import outline_rows
from app.ui.panels.variables import VariableRow
from tests.ui.conftest import until
from tests.ui.test_window import Run, open_window

pytestmark = pytest.mark.slow


def notebook_file(tmp_path: Path) -> Path:
    cells = (
        Cell("m1", "markdown", "# Sales\nSome words."),
        Cell("c1", "python", "total = 10"),
        Cell("m2", "markdown", "## Breakdown"),
        Cell("c2", "python", "share = total / missing_name"),
        Cell("m3", "markdown", "# Appendix"),
        Cell("c3", "python", "note = 'ok'"),
    )
    path = tmp_path / "outline.py"
    fileformat.save(Notebook(cells=cells, name="Outline"), path)
    return path


def test_outline_rows_nest_and_report_problems_upward() -> None:
    cells = (
        Cell("m1", "markdown", "# A"),
        Cell("c1", "python", "x = 1"),
        Cell("m2", "markdown", "## B"),
        Cell("c2", "python", "y = x"),
        Cell("m3", "markdown", "# C"),
    )
    states = {"c1": CellRunState(status="success"), "c2": CellRunState(status="stale")}
    rows = outline_rows(
        Notebook(cells=cells, name="n"), states, lambda c: {"c1": "x", "c2": "y"}[c]
    )
    assert [(r.text, r.level, r.status) for r in rows] == [
        ("A", 1, "stale"),  # its section holds a stale cell
        ("x", 7, "success"),
        ("B", 2, "stale"),
        ("y", 7, "stale"),
        ("C", 1, "idle"),
    ]


def test_outline_panel_lists_headings_and_names_and_jumps(arun: Run, tmp_path: Path) -> None:
    window = open_window(notebook_file(tmp_path))

    async def body() -> None:
        assert window.view is not None
        window.panels.docks["outline"].show()
        outline = window.panels.outline
        await until(window, lambda: outline.count() == 6)
        texts = [outline.item(i).text().strip() for i in range(outline.count())]
        assert texts == ["Sales", "total", "Breakdown", "share", "Appendix", "note"]
        window.commands.run_all.trigger()
        await until(window, lambda: "error" in outline.item(3).toolTip())
        assert "error" in outline.item(2).toolTip()  # "Breakdown" holds the failing cell
        assert "error" in outline.item(0).toolTip()
        assert outline.item(4).toolTip() == "Appendix"  # fine: its text only
        outline.itemClicked.emit(outline.item(5))
        note = window.view.cells["c3"]
        await until(window, lambda: note.editor.hasFocus())
        assert window.view.selected_id == "c3"

    arun(body())


def test_a_long_outline_row_is_cut_short_not_scrolled_sideways(qtbot: QtBot) -> None:
    """A narrow outline shows "…" and the whole row in its tip: no horizontal scroll bar."""
    from types import SimpleNamespace
    from typing import cast

    from app.coordinator.view import NotebookState
    from app.ui.panels.outline import OutlinePanel

    text = 'print(f"sum of {n} squares: {total}, and a good deal more text after that")'
    notebook = Notebook(cells=(Cell("m1", "markdown", "# Sums"), Cell("c1", "python", text)))
    state = cast(NotebookState, SimpleNamespace(notebook=notebook, states={}))
    panel = OutlinePanel()
    qtbot.addWidget(panel)
    panel.resize(140, 200)
    panel.show()
    panel.refresh(state, lambda cell_id: text if cell_id == "c1" else "Sums")
    qtbot.waitUntil(lambda: panel.count() == 2)
    assert panel.horizontalScrollBar().maximum() == 0
    assert panel.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    assert panel.item(1).toolTip().startswith('print(f"sum of {n}')


def test_panel_toggles_live_in_the_view_menu(arun: Run, tmp_path: Path) -> None:
    window = open_window(notebook_file(tmp_path))

    async def body() -> None:
        texts = [a.text() for a in window.view_menu.menu.actions()]
        assert "&Outline" in texts
        dock = window.panels.docks["outline"]
        assert dock.isHidden()
        dock.toggleViewAction().trigger()
        assert not dock.isHidden()

    arun(body())


def test_showing_panels_for_a_picture_leaves_the_users_choice_alone(
    arun: Run, tmp_path: Path
) -> None:
    """`cascade --screenshot` opens the panels it draws without writing them into the
    settings the user's next window starts from; a user's own toggle is still remembered."""
    from PySide6.QtCore import QSettings

    window = open_window(notebook_file(tmp_path))

    async def body() -> None:
        settings = QSettings("Cascade", "Cascade")
        panels = window.panels
        panels.show_only(("outline", "dependencies"), remember=False)
        assert [k for k, d in panels.docks.items() if not d.isHidden()] == [
            "outline",
            "dependencies",
        ]
        settings.sync()
        assert settings.value("panels/outline") is None
        panels.show_only((), remember=False)
        assert all(d.isHidden() for d in panels.docks.values())
        panels.show_only(("variables",))
        settings.sync()
        assert settings.value("panels/variables") in (True, "true")

    arun(body())


def _graph_file(tmp_path: Path) -> Path:
    cells = (
        Cell("a", "python", "x = 1"),
        Cell("b", "python", "y = x + 1"),
        Cell("c", "python", "z = x + y"),
        Cell("d", "python", "p = q"),
        Cell("e", "python", "q = p"),  # d and e read each other: a cycle
        Cell("m", "markdown", "# not in the graph"),
    )
    path = tmp_path / "graph.py"
    fileformat.save(Notebook(cells=cells, name="Graph"), path)
    return path


def test_layout_is_layered_labelled_and_flags_cycles(tmp_path: Path) -> None:
    from app.core.document import AnalysedNotebook
    from app.ui.panels.graph_layout import layout_graph

    document = AnalysedNotebook.of(fileformat.load(_graph_file(tmp_path)).notebook)
    code_ids = ["a", "b", "c", "d", "e"]
    layout = layout_graph(document.graph, code_ids, str)
    assert set(layout.nodes) == set(code_ids)
    y = {cell_id: box.y for cell_id, box in layout.nodes.items()}
    assert y["a"] < y["b"] < y["c"]  # every edge points down a layer
    labels = {(e.source, e.target): e.names for e in layout.edges}
    assert labels[("a", "b")] == ("x",)
    assert labels[("b", "c")] == ("y",)
    assert layout.nodes["d"].problem and layout.nodes["e"].problem
    assert not layout.nodes["a"].problem
    assert all(e.cycle == (e.source in "de") for e in layout.edges)
    boxes = [(round(b.x), round(b.y)) for b in layout.nodes.values()]
    assert len(set(boxes)) == len(boxes)  # no two boxes on top of each other


def test_dependencies_panel_draws_follows_selection_and_jumps(arun: Run, tmp_path: Path) -> None:
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    from app.ui.theme.palettes import LIGHT

    window = open_window(_graph_file(tmp_path))

    async def body() -> None:
        assert window.view is not None
        window.panels.docks["dependencies"].show()
        panel = window.panels.dependencies
        await until(window, lambda: len(panel.node_items) == 5)
        assert panel.node_items["d"].pen().color().name() == LIGHT.error_text  # the cycle
        window.view.select("c")
        assert panel.node_items["c"].pen().color().name() == LIGHT.accent
        window.commands.run_all.trigger()
        await until(
            window, lambda: panel.node_items["a"].pen().color().name() == LIGHT.status.success
        )
        center = panel.mapFromScene(panel.node_items["b"].sceneBoundingRect().center())
        press = QMouseEvent(
            QEvent.Type.MouseButtonPress,
            QPointF(center),
            panel.viewport().mapToGlobal(QPointF(center)),
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(panel.viewport(), press)
        await until(window, lambda: window.view.selected_id == "b")  # type: ignore[union-attr]

    arun(body())


def test_variables_panel_lists_kernel_names_and_jumps(arun: Run, tmp_path: Path) -> None:
    cells = (
        Cell("a", "python", "import pandas as pd\nn = 3"),
        Cell("b", "python", "df = pd.DataFrame({'v': range(n)})\nlabel = 'x' * 500"),
        Cell("c", "python", "total = int(df.v.sum())"),
    )
    path = tmp_path / "vars.py"
    fileformat.save(Notebook(cells=cells, name="Vars"), path)
    window = open_window(path)

    async def body() -> None:
        assert window.view is not None
        window.panels.docks["variables"].show()
        panel = window.panels.variables
        window.commands.run_all.trigger()
        await until(window, lambda: len(panel.model_.rows) == 5, timeout=60)
        rows = {r.name: r for r in panel.model_.rows}
        assert set(rows) == {"pd", "n", "df", "label", "total"}
        assert (rows["df"].type_name, rows["df"].summary) == ("DataFrame", "3 rows × 1 column")
        assert rows["df"].defined_in == "df" and rows["df"].read_by == "total"
        assert rows["n"].summary == "3" and rows["n"].read_by == "df"
        assert rows["label"].summary.endswith("(len 500)")
        assert rows["pd"].summary == "module pandas"
        # An edit that re-runs changes what the panel shows.
        await window.coordinator.update_cell("a", "import pandas as pd\nn = 7", run=True)  # type: ignore[union-attr]
        await until(window, lambda: any(r.summary == "7" for r in panel.model_.rows), timeout=60)
        index = panel.model_.index([r.name for r in panel.model_.rows].index("total"), 0)
        panel.clicked.emit(index)
        await until(window, lambda: window.view.selected_id == "c")  # type: ignore[union-attr]

    arun(body())


def test_variable_sizes_read_briefly() -> None:
    from app.ui.panels.variables import human_size

    assert human_size(-1) == ""
    assert human_size(512) == "512 B"
    assert human_size(2048) == "2.0 KB"
    assert human_size(5 * 1024**3) == "5.0 GB"


def test_layout_is_cached_by_component_shape_and_components_do_not_overlap() -> None:
    """An edit that keeps a component's links lays nothing out again; identical shapes (lone
    cells, pairs) share one layout; components sit side by side."""
    from itertools import pairwise

    from app.core.analysis import analyze
    from app.core.graph import build_graph
    from app.core.notebook import Cell, Notebook
    from app.ui.panels import graph_layout

    def layout(codes: list[str]) -> graph_layout.GraphLayout:
        cells = tuple(Cell(f"c{i}", "python", code) for i, code in enumerate(codes))
        graph = build_graph(Notebook(cells=cells), {c.id: analyze(c.code) for c in cells})
        return graph_layout.layout_graph(graph, [c.id for c in cells], str)

    graph_layout._shape_positions.cache_clear()
    first = layout(["a = 1", "b = a + 1", "p = 1", "q = p * 2", "z = 0"])
    assert graph_layout._shape_positions.cache_info().misses == 2  # the pair shape, once
    edited = layout(["a = 2", "b = a - 1", "p = 3", "q = p * 5", "z = 9"])
    assert graph_layout._shape_positions.cache_info().misses == 2  # nothing laid out again
    assert edited.nodes == first.nodes
    boxes = sorted((box.x, box.y) for box in first.nodes.values())
    xs = sorted({round(x) for x, _ in boxes})
    assert all(b - a >= graph_layout.NODE_W for a, b in pairwise(xs))
    assert first.nodes["c0"].y < first.nodes["c1"].y  # each pair still points down


def test_panels_refresh_once_for_a_burst_of_events_and_still_catch_up(
    arun: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cascade sends several events (queued, done, analysis): the panels follow at most once
    per REFRESH_MS, never once per event, and still show the last state."""
    window = open_window(notebook_file(tmp_path))

    async def body() -> None:
        assert window.view is not None and window.coordinator is not None
        panels = window.panels
        panels.docks["outline"].show()
        outline = panels.outline
        await until(window, lambda: outline.count() == 6)
        refreshes: list[float] = []
        original = type(panels).refresh

        def counted(self: object) -> None:
            refreshes.append(1.0)
            original(self)  # type: ignore[arg-type]

        monkeypatch.setattr(type(panels), "refresh", counted)
        coordinator = window.coordinator
        start = time.perf_counter()
        for _ in range(20):  # a burst over many loop turns, as a cascade sends its events
            panels._on_event(CellStatesChanged({"c1": coordinator.states["c1"]}))
            await asyncio.sleep(0)
        elapsed_ms = (time.perf_counter() - start) * 1000
        # The rate is bounded, whatever the machine's speed: one per REFRESH_MS at most.
        assert len(refreshes) <= 1 + elapsed_ms / REFRESH_MS
        window.commands.run_all.trigger()
        await until(window, lambda: "error" in outline.item(3).toolTip())  # caught up
        assert refreshes

    arun(body())


def test_a_closed_window_s_panels_refresh_no_more(arun: Run, tmp_path: Path) -> None:
    """A refresh queued when the window closes is dropped: it would ask a shut kernel (and, in
    a test run, fire after the test's event loop is gone)."""
    window = open_window(notebook_file(tmp_path))

    async def body() -> None:
        assert window.coordinator is not None
        panels = window.panels
        panels.docks["variables"].show()
        panels._on_event(CellStatesChanged({"c1": window.coordinator.states["c1"]}))
        assert panels._refresh_timer.isActive()
        window.close()
        assert not panels._refresh_timer.isActive()
        panels.refresh()  # nothing to follow: a no-op, not an error
        assert panels._coordinator is None

    arun(body())


def test_a_diagram_wider_than_the_panel_starts_at_its_left_edge(qtbot: QtBot) -> None:
    """At a readable zoom the diagram may not fit: the view shows its top left (the first
    cells), not its middle with the left column of boxes cut in half."""
    from PySide6.QtCore import QPointF

    from app.core.analysis import analyze
    from app.core.graph import build_graph
    from app.ui.panels.dependencies import MIN_ZOOM, DependenciesPanel
    from app.ui.panels.graph_layout import NODE_W, layout_graph

    cells = tuple(Cell(f"c{i}", "python", f"v{i} = {i}") for i in range(12))  # 12 lone boxes
    graph = build_graph(Notebook(cells=cells), {c.id: analyze(c.code) for c in cells})
    panel = DependenciesPanel()
    qtbot.addWidget(panel)
    panel.resize(320, 300)
    panel.show()
    panel.layout_ = layout_graph(graph, [c.id for c in cells], str)
    panel._draw()
    assert panel.transform().m11() == pytest.approx(MIN_ZOOM)  # too wide to fit: scrolls
    first = panel.layout_.nodes["c0"]
    left_edge = panel.mapFromScene(QPointF(first.x - NODE_W / 2, first.y))
    assert 0 <= left_edge.x() < panel.viewport().width()
    last = panel.layout_.nodes["c11"]
    assert panel.mapFromScene(QPointF(last.x, last.y)).x() > panel.viewport().width()
    two = DependenciesPanel()  # a diagram that fits stays centred
    qtbot.addWidget(two)
    two.resize(900, 300)
    two.show()
    two.layout_ = layout_graph(graph, ["c0", "c1"], str)
    two._draw()
    middle = two.mapFromScene(
        QPointF((two.layout_.nodes["c0"].x + two.layout_.nodes["c1"].x) / 2, 0)
    )
    assert abs(middle.x() - two.viewport().width() / 2) <= 2


def test_a_narrow_window_folds_its_panels_and_a_wide_one_brings_them_back(
    arun: Run, tmp_path: Path
) -> None:
    """At 800 x 600 three open panels left the code 430 px wide: below NARROW_WIDTH the open
    panels fold away (the user's choice is kept) and come back when the window is wide."""
    window = open_window(notebook_file(tmp_path))

    async def body() -> None:
        panels = window.panels
        window.resize(1600, 1000)
        panels.docks["outline"].show()
        panels.docks["variables"].show()
        await until(window, lambda: not panels.docks["outline"].isHidden())
        window.resize(NARROW_WIDTH - 300, 600)
        await until(window, lambda: panels.docks["outline"].isHidden())
        assert panels.docks["variables"].isHidden()
        assert sorted(panels.folded) == ["outline", "variables"]
        saved = QSettings("Cascade", "Cascade")
        assert saved.value("panels/outline") in (True, "true")  # still the user's choice
        window.resize(1600, 1000)
        await until(window, lambda: not panels.docks["outline"].isHidden())
        assert not panels.docks["variables"].isHidden()
        assert panels.docks["dependencies"].isHidden()  # never open: stays shut
        assert panels.folded == []

    arun(body())


def _variable_rows(count: int) -> list[VariableRow]:
    return [
        VariableRow(
            f"name_{i}", "DataFrame", f"{i} rows × 3 columns", "2.0 KB", "c1", "load", "plot"
        )
        for i in range(count)
    ]


def test_the_variables_value_column_takes_the_room_the_others_leave(qtbot: QtBot) -> None:
    """Name, Type and Size as wide as what they hold, the Value the rest: a panel a third of
    a screen wide shows the whole summary (it was cut to "1 row × 3 col…")."""
    from app.ui.panels.variable_columns import DEFINED_IN, NAME, READ_BY, SIZE, TYPE, VALUE
    from app.ui.panels.variables import VariablesPanel

    panel = VariablesPanel()
    qtbot.addWidget(panel)
    panel.resize(330, 300)
    panel.show()
    panel.show_variables(_variable_rows(3))
    header = panel.horizontalHeader()
    assert header.isSectionHidden(DEFINED_IN) and header.isSectionHidden(READ_BY)
    assert [header.logicalIndex(i) for i in range(4)] == [NAME, TYPE, SIZE, VALUE]
    summary = panel.fontMetrics().horizontalAdvance("2 rows × 3 columns")
    assert header.sectionSize(VALUE) > summary
    assert sum(header.sectionSize(c) for c in (NAME, TYPE, SIZE, VALUE)) <= panel.viewport().width()
    assert not panel.horizontalScrollBar().isVisible()
    tip = panel.model_.data(panel.model_.index(0, NAME), Qt.ItemDataRole.ToolTipRole)
    assert "Defined in: load" in tip and "Read by: plot" in tip


def test_variables_columns_are_shown_from_the_header_menu_and_remembered(qtbot: QtBot) -> None:
    from app.ui.panels.variable_columns import DEFINED_IN, NAME, READ_BY
    from app.ui.panels.variables import HEADERS, VariablesPanel

    panel = VariablesPanel()
    qtbot.addWidget(panel)
    panel.show_variables(_variable_rows(2))
    menu = panel.columns.menu()
    actions = {action.text(): action for action in menu.actions()}
    assert list(actions) == list(HEADERS)
    assert not actions[HEADERS[NAME]].isEnabled()  # the name always stays
    actions[HEADERS[READ_BY]].trigger()
    assert not panel.horizontalHeader().isSectionHidden(READ_BY)
    again = VariablesPanel()  # a new window: the choice is remembered
    qtbot.addWidget(again)
    assert not again.horizontalHeader().isSectionHidden(READ_BY)
    assert again.horizontalHeader().isSectionHidden(DEFINED_IN)


def test_a_variables_column_the_user_resized_keeps_its_width(qtbot: QtBot) -> None:
    from app.ui.panels.variable_columns import NAME
    from app.ui.panels.variables import VariablesPanel

    panel = VariablesPanel()
    qtbot.addWidget(panel)
    panel.resize(400, 300)
    panel.show()
    panel.show_variables(_variable_rows(2))
    panel.horizontalHeader().resizeSection(NAME, 150)  # as a drag of the header's edge does
    panel.show_variables(_variable_rows(5))
    panel.resize(500, 300)
    assert panel.horizontalHeader().sectionSize(NAME) == 150
