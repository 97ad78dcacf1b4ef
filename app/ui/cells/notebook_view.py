"""The scrolling column of cells: mirrors the coordinator's notebook, forwards intents.

Responsibilities: keep one :class:`CellWidget` per cell in display order; route coordinator
events to the right widget (a type -> handler table); turn widget signals into coordinator
intents. It decides nothing about running: that is the coordinator's job.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.coordinator.coordinator import Coordinator
from app.coordinator.events import (
    AnalysisChanged,
    CellStateChanged,
    CellStatesChanged,
    CoordinatorEvent,
    ModeChanged,
    NotebookLoaded,
    StructureChanged,
)
from app.core.notebook import Notebook
from app.core.problems import quoted
from app.ui.cells import definitions, quick_fixes
from app.ui.cells.app_view import follow_app_view, set_app_view, shown_in_app
from app.ui.cells.cell_parts import KIND_LABEL
from app.ui.cells.cell_widget import CellWidget
from app.ui.cells.column_builder import ColumnBuilder
from app.ui.cells.command_mode import CommandMode
from app.ui.cells.inserter import CellInserter
from app.ui.cells.pending_marks import PendingMarks
from app.ui.dialogs.source_view import SourceView
from app.ui.event_routes import EventRoutes
from app.ui.tasks import spawn

#: The notebook column's widest (pixels) unless "full width" is on: lines stay readable.
COLUMN_WIDTH = 920
#: The gap between two cards, where the "+" inserter appears.
GAP = 10
_UNLIMITED = 16777215  # QWIDGETSIZE_MAX


class NotebookView(QScrollArea):
    """See the module docstring."""

    message = Signal(str)
    """A short status-bar message for the user."""
    edits_pending_changed = Signal(bool)
    """Whether any cell holds an edit not yet committed (the title's modified marker)."""
    cell_deleted = Signal(str)
    """The user deleted a cell (its id); the window offers Undo."""
    selection_changed = Signal(str)
    """The selected cell changed (its id; "" when none is)."""
    text_changed = Signal()
    """Some cell's text changed: typed, or set from the notebook (replace all, undo)."""

    def __init__(self, coordinator: Coordinator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.coordinator = coordinator
        self.cells: dict[str, CellWidget] = {}
        #: Outputs and controls only, code hidden (app_view.py); cells built later follow it.
        self.app_view = False
        self._pending = False
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.selected_id: str | None = None
        #: The library source opened by go to definition, if any.
        self.source_view: SourceView | None = None
        #: Where a Shift+Up/Down selection started (None: one cell is selected).
        self._anchor: str | None = None
        #: The cells shown selected.
        self._marked: set[str] = set()
        # A centred column (at most COLUMN_WIDTH wide) inside a full-width page.
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        self._container = QWidget()
        self._container.setMaximumWidth(COLUMN_WIDTH)
        self._container.setMouseTracking(True)
        self._container.installEventFilter(self)
        row.addStretch(1)
        row.addWidget(self._container, 100)
        row.addStretch(1)
        self._layout = QVBoxLayout(self._container)
        self._layout.setContentsMargins(16, 12, 16, 36)
        self._layout.setSpacing(GAP)
        self._empty = self._empty_notebook_bar()
        self._layout.addWidget(self._empty)
        self._layout.addStretch(1)
        self._builder = ColumnBuilder(
            self._container, self._layout, self._build_card, self._code_of, GAP
        )
        #: "will re-run" on the cells below an edit waiting for its debounce.
        self.pending_marks = PendingMarks(
            lambda: self.cells, lambda: coordinator.graph, coordinator.cell_name
        )
        self.inserter = CellInserter(self._container)
        self.inserter.insert_requested.connect(lambda index, kind: self.add_cell(kind, index))
        self.setWidget(page)
        self.routes = EventRoutes()
        self.routes.on(NotebookLoaded, self._on_loaded)
        self.routes.on(StructureChanged, self._on_structure)
        self.routes.on(AnalysisChanged, self._on_analysis)
        self.routes.on(CellStateChanged, self._on_state)
        self.routes.on(CellStatesChanged, self._on_states)
        self.routes.on(ModeChanged, lambda event: self.set_autorun(event.mode == "autorun"))
        self._rebuild(coordinator.notebook)
        self.command_mode = CommandMode(self)

    def event(self, event: QEvent) -> bool:
        # Command mode's single keys beat window shortcuts while the view has the keyboard.
        if isinstance(event, QKeyEvent) and self.command_mode.handle(event):
            return True
        return super().event(event)

    def _empty_notebook_bar(self) -> QWidget:
        bar = QWidget()
        row = QHBoxLayout(bar)
        row.addStretch(1)
        row.addWidget(QLabel("This notebook is empty."))
        self.empty_buttons: dict[str, QToolButton] = {}
        for kind in ("python", "sql", "markdown"):
            button = QToolButton()
            button.setText(f"+ {KIND_LABEL[kind]}")
            button.clicked.connect(lambda _=False, k=kind: self.add_cell(k, 0))
            row.addWidget(button)
            self.empty_buttons[kind] = button
        row.addStretch(1)
        return bar

    # -- coordinator events -------------------------------------------------------------------
    def on_event(self, event: CoordinatorEvent) -> None:
        self.routes.dispatch(event)

    def _on_loaded(self, event: NotebookLoaded) -> None:
        self._rebuild(event.notebook)

    def _on_structure(self, event: StructureChanged) -> None:
        self.finish_building()
        notebook = event.notebook
        for cell_id in [c for c in self.cells if c not in notebook]:
            widget = self.cells.pop(cell_id)
            self._layout.removeWidget(widget)
            widget.deleteLater()
        for index, cell in enumerate(notebook.cells):
            existing = self.cells.get(cell.id)
            if existing is not None and existing.kind != cell.kind:  # changed kind: rebuilt
                self._layout.removeWidget(existing)
                existing.deleteLater()
                existing = None
            widget = existing if existing is not None else self._make_cell(cell.id)
            if self._layout.indexOf(widget) != index:
                self._layout.insertWidget(index, widget)
                widget.show()  # now, not on Qt's queued show: focus_cell scrolls to it at once
            widget.follow_cell(cell)
            if self.app_view:
                widget.setVisible(shown_in_app(widget, cell))
        self._empty.setVisible(not notebook.cells)
        if self.selected_id is not None and self.selected_id not in notebook:
            self.selected_id = None
            self.selection_changed.emit("")
        self._mark_selection()

    def _on_analysis(self, event: AnalysisChanged) -> None:
        widget = self.cells.get(event.cell_id)
        if widget is not None:
            self._follow_code(event.cell_id)
            widget.set_analysis(event.analysis, event.problems)
            widget.set_quick_fixes(quick_fixes.fixes_for(self.coordinator, event.cell_id))

    def _follow_code(self, cell_id: str) -> None:
        """Show code the notebook got from elsewhere (replace all, undo of a code edit, a quick
        fix) unless the editor holds the user's own uncommitted edit."""
        widget = self.cells[cell_id]
        code = self.coordinator.notebook.cell(cell_id).code
        if not widget.has_pending_edit and widget.code() != code:
            widget.set_code(code)
            self.text_changed.emit()

    def _on_state(self, event: CellStateChanged) -> None:
        widget = self.cells.get(event.cell_id)
        if widget is not None:
            widget.set_state(event.state, event.appended)
            if self.app_view:
                follow_app_view(widget, self.coordinator.notebook)

    def _on_states(self, event: CellStatesChanged) -> None:
        """Many cells at once (a plan queued, a batch of quiet steps). No setUpdatesEnabled
        toggle: turning updates back on repaints every card, editor and output."""
        for cell_id, state in event.states.items():
            widget = self.cells.get(cell_id)
            if widget is not None:
                widget.set_state(state)
                if self.app_view:
                    follow_app_view(widget, self.coordinator.notebook)

    # -- building -----------------------------------------------------------------------------
    def _rebuild(self, notebook: Notebook) -> None:
        """Show a new document: the first screenful at once, the rest in small batches from
        the event loop, so a 500-cell notebook is usable at once and never freezes the window."""
        for widget in self.cells.values():
            self._layout.removeWidget(widget)
            widget.deleteLater()
        self.cells = {}
        self.selected_id = None
        self._anchor = None
        self._marked = set()
        self._builder.start(notebook.cell_ids)
        self._empty.setVisible(not notebook.cells)

    def _build_card(self, cell_id: str) -> CellWidget | None:
        if cell_id not in self.coordinator.notebook or cell_id in self.cells:
            return None
        widget = self._make_cell(cell_id)
        self._layout.insertWidget(len(self.cells) - 1, widget)
        return widget

    def _code_of(self, cell_id: str) -> str | None:
        notebook = self.coordinator.notebook
        return notebook.cell(cell_id).code if cell_id in notebook else None

    def finish_building(self) -> None:
        """Build every cell still waiting (before a structural change or a test)."""
        self._builder.finish()

    @property
    def fully_built(self) -> bool:
        return self._builder.done

    def _make_cell(self, cell_id: str) -> CellWidget:
        c = self.coordinator
        widget = CellWidget(c.notebook.cell(cell_id), self._container, c.cell_name)
        widget.outputs.set_control_sink(c)  # controls draw natively and report changes
        widget.set_autorun(c.mode == "autorun")
        if cell_id in c.analyses:
            widget.set_analysis(c.analyses[cell_id], c.document.problems(cell_id))
            widget.set_quick_fixes(quick_fixes.fixes_for(c, cell_id))
        if cell_id in c.states:
            widget.set_state(c.states[cell_id])
        widget.outputs.set_table_source(c)  # tables page their rows from the kernel
        widget.run_requested.connect(self._run_requested)
        widget.edit_committed.connect(self._edit_committed)
        widget.delete_requested.connect(self.delete_cell)
        widget.move_requested.connect(self._move_requested)
        widget.duplicate_requested.connect(self.duplicate_cell)
        widget.activated.connect(self.select)
        widget.entered.connect(self.inserter.hide)  # the pointer on a card hides the "+"
        widget.set_selected(cell_id in self._marked)
        widget.clear_output_requested.connect(self.clear_outputs)
        widget.bar.kind_requested.connect(lambda kind: self.command_mode.set_kind_of(cell_id, kind))
        widget.follow_cell(c.notebook.cell(cell_id))
        widget.bar.autorun_action.triggered.connect(
            lambda on: self.coordinator.set_cell_autorun(cell_id, on)
        )
        widget.bar.hide_in_app_action.triggered.connect(
            lambda hidden: self.coordinator.set_hidden_in_app(cell_id, hidden)
        )
        widget.navigate_requested.connect(self._navigate)
        widget.reveal_requested.connect(self.reveal_definer)
        widget.fix_requested.connect(self.offer_fix)
        widget.show_cell_requested.connect(self.focus_cell)
        widget.sql_name_changed.connect(
            lambda cid, name: spawn(self.coordinator.set_sql_name(cid, name))
        )
        widget.editor.edited.connect(self._mark_pending)
        widget.pending_edit_changed.connect(self.pending_marks.edit_waiting)
        widget.editor.edited.connect(self.text_changed)
        widget.editor.set_inspect_source(
            lambda code, line, column, docs: c.inspect(cell_id, code, line, column, docs=docs)
        )
        widget.editor.definition_requested.connect(
            lambda name: definitions.go_to_definition(self, cell_id, name)
        )
        widget.editor.escaped.connect(lambda: self.select(cell_id, command_mode=True))
        widget.editor.set_completion_source(
            lambda code, line, column: c.complete(cell_id, code, line, column)
        )
        self.cells[cell_id] = widget
        if self.app_view:
            set_app_view(widget, c.notebook.cell(cell_id), True)
        return widget

    # -- intents ------------------------------------------------------------------------------
    def _mark_pending(self) -> None:
        if not self._pending:
            self._pending = True
            self.edits_pending_changed.emit(True)

    def _edit_committed(self, cell_id: str, code: str, run: bool | None) -> None:
        """One intent: the coordinator saves the edit at once (nothing typed is ever only in
        memory), and the spawned rest runs its cascade or marks it stale."""
        if cell_id in self.coordinator.notebook:
            spawn(self.coordinator.update_cell(cell_id, code, run=run))
        pending = self.has_pending_edits()
        if pending != self._pending:
            self._pending = pending
            self.edits_pending_changed.emit(pending)

    def _run_requested(self, cell_id: str, how: str) -> None:
        widget = self.cells[cell_id]
        position = self.coordinator.notebook.position(cell_id)
        if how == "advance":
            ids = self.coordinator.notebook.cell_ids
            if position + 1 < len(ids):
                self.focus_cell(ids[position + 1])
            else:
                self.add_cell(widget.kind if widget.kind != "markdown" else "python", position + 1)
        elif how == "insert":
            self.add_cell("python", position + 1)

    def _move_requested(self, cell_id: str, delta: int) -> None:
        position = self.coordinator.notebook.position(cell_id)
        target = position + delta
        if 0 <= target < len(self.coordinator.notebook):
            spawn(self._move_and_keep_focus(cell_id, target))

    async def _move_and_keep_focus(self, cell_id: str, target: int) -> None:
        await self.coordinator.move_cell(cell_id, target)
        self.focus_cell(cell_id)

    def duplicate_cell(self, cell_id: str) -> None:
        """A copy of the cell (its committed code) right below it."""
        cell = self.coordinator.notebook.cell(cell_id)
        index = self.coordinator.notebook.position(cell_id) + 1
        spawn(self._add_and_focus(cell.kind, index, cell.code))

    def add_cell(self, kind: str, index: int) -> None:
        spawn(self._add_and_focus(kind, index))

    async def _add_and_focus(self, kind: str, index: int, code: str = "") -> None:
        cell_id = await self.coordinator.add_cell(kind, index, code)  # type: ignore[arg-type]
        widget = self.cells.get(cell_id)
        if widget is not None and kind == "markdown":
            widget.edit_markdown()
        self.focus_cell(cell_id)

    def delete_cell(self, cell_id: str) -> None:
        """Delete at once (no question): Undo brings the cell back with its outputs."""
        if cell_id in self.coordinator.notebook:
            spawn(self.coordinator.delete_cell(cell_id))
            self.cell_deleted.emit(cell_id)

    def _navigate(self, cell_id: str, delta: int) -> None:
        ids = self.coordinator.notebook.cell_ids
        target = ids.index(cell_id) + delta
        if 0 <= target < len(ids):
            self.focus_cell(ids[target])

    def select(
        self, cell_id: str | None, *, command_mode: bool = False, extend: bool = False
    ) -> None:
        """Make ``cell_id`` the selected cell; ``command_mode``: the view takes the keyboard
        (the editor is left), so single keys act on the cell (app.ui.cells.command_mode);
        ``extend``: the selection grows from where it started to ``cell_id`` (Shift+Up/Down)."""
        if cell_id is not None and cell_id not in self.cells:
            self.finish_building()
            if cell_id not in self.cells:
                cell_id = None
        if extend and cell_id is not None and self.selected_id is not None:
            self._anchor = self._anchor or self.selected_id
        else:
            self._anchor = None
        if cell_id != self.selected_id:
            self.selected_id = cell_id
            self.selection_changed.emit(cell_id or "")
        self._mark_selection()
        if cell_id is not None and command_mode:
            self.ensureWidgetVisible(self.cells[cell_id], 0, 40)
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def selected_ids(self) -> list[str]:
        """The selected cells in notebook order: the selected one, or the range from where a
        Shift+Up/Down selection started to it."""
        if self.selected_id is None:
            return []
        ids = self.coordinator.notebook.cell_ids
        if self._anchor is None or self._anchor not in self.coordinator.notebook:
            return [self.selected_id] if self.selected_id in self.coordinator.notebook else []
        first, last = sorted((ids.index(self._anchor), ids.index(self.selected_id)))
        return list(ids[first : last + 1])

    def _mark_selection(self) -> None:
        wanted = set(self.selected_ids)
        for cell_id in self._marked - wanted:
            if cell_id in self.cells:
                self.cells[cell_id].set_selected(False)
        for cell_id in wanted - self._marked:
            if cell_id in self.cells:
                self.cells[cell_id].set_selected(True)
        self._marked = wanted

    def clear_outputs(self, cell_id: str | None = None) -> None:
        """Clear a cell's outputs (the selected cells' when None)."""
        self.coordinator.clear_outputs([cell_id] if cell_id else self.selected_ids)

    def focus_cell(self, cell_id: str) -> None:
        if cell_id not in self.cells:
            self.finish_building()
        widget = self.cells.get(cell_id)
        if widget is None:
            return
        widget.focus_editor()
        self.select(cell_id)
        # A new cell has no place yet: run the pending layouts (the column's, then the scroll
        # area's resize of its page) so the scroll goes to where the cell is, not to the top.
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self.ensureWidgetVisible(widget, 0, 40)

    def offer_fix(self, cell_id: str, name: str) -> None:
        """Preview the quick fix for ``name`` in this cell; apply it if the user says so."""
        self.commit_pending_edits()
        fix = quick_fixes.preview(self.coordinator, cell_id, name, self)
        if fix is not None:
            spawn(quick_fixes.apply(self.coordinator, fix))

    def reveal_definer(self, name: str) -> None:
        definers = self.coordinator.graph.definers.get(name, ())
        if not definers:
            self.message.emit(f"No cell defines {quoted(name)}.")
            return
        self.focus_cell(definers[0])

    # -- edits not yet committed ------------------------------------------------------------
    def has_pending_edits(self) -> bool:
        return any(w.has_pending_edit for w in self.cells.values())

    def commit_pending_edits(self) -> None:  # built cells only: unbuilt ones have no edits
        """Save every uncommitted edit now, without running (closing, switching notebooks)."""
        for cell_id, widget in self.cells.items():
            code = widget.take_pending_edit()
            if code is not None and cell_id in self.coordinator.notebook:
                spawn(self.coordinator.update_cell(cell_id, code, run=False))
        self._pending = False
        self.edits_pending_changed.emit(False)

    def set_app_view(self, on: bool) -> None:
        """Show the notebook as an app (outputs and controls only) or as a notebook."""
        self.app_view = on
        self._empty.setVisible(not on and not self.coordinator.notebook.cells)
        for cell_id, widget in self.cells.items():
            set_app_view(widget, self.coordinator.notebook.cell(cell_id), on)

    def set_autorun(self, autorun: bool) -> None:
        for widget in self.cells.values():
            widget.set_autorun(autorun)

    # -- layout: column width, the "+" between cells -----------------------------------------
    def set_full_width(self, full: bool) -> None:
        """Let the column use the whole window width (or keep it at COLUMN_WIDTH)."""
        self._container.setMaximumWidth(_UNLIMITED if full else COLUMN_WIDTH)

    @property
    def column(self) -> QWidget:
        """The centred column the cards are laid out in."""
        return self._container

    def gap_at(self, y: int) -> tuple[int, int] | None:
        """(insert index, gap centre y) of the gap between cards at column height ``y``."""
        ids = [i for i in self.coordinator.notebook.cell_ids if i in self.cells]
        above = 0
        for index, cell_id in enumerate(ids):
            top = self.cells[cell_id].geometry().top()
            if above - 2 <= y <= top + 2:
                return index, (above + top) // 2
            above = self.cells[cell_id].geometry().bottom() + 1
        if ids and y >= above - 2:
            return len(ids), above + GAP
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._container and event.type() == QEvent.Type.MouseMove:
            assert isinstance(event, QMouseEvent)
            y = round(event.position().y())
            gap = None if self.app_view else self.gap_at(y)  # an app adds no cells
            if gap is None:
                self.inserter.hide()
            else:
                self.inserter.show_at(gap[0], QPoint(self._container.width() // 2, gap[1]))
        elif (
            watched is self._container
            and event.type() == QEvent.Type.Leave
            and not self.inserter.menu().isVisible()
        ):
            self.inserter.hide()
        return False
