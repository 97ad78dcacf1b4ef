"""One cell on screen: a quiet card (status strip, selected marker, focus ring) holding the
editor and outputs; its controls and "defines · reads" chips float in on hover or focus.

The widget owns only UI timing (the auto-run debounce and its countdown, the elapsed-time
tick); every decision about what runs is the coordinator's. It emits intents as signals.
"""

from __future__ import annotations

import builtins
import html
import time
from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.analysis import CellAnalysis
from app.core.notebook import Cell
from app.core.problems import Problem, Reason
from app.core.state import CellRunState, Output
from app.ui.cells.card import MARGINS, Card
from app.ui.cells.card_chrome import (
    CellBar,
    Pending,
    StatusStrip,
    chips_html,
)
from app.ui.cells.cell_folds import CellFolds
from app.ui.cells.cell_parts import SqlHeader, countdown_bar, link_label, set_text_colour
from app.ui.cells.cell_words import (
    EDITED_WORDS,
    analysis_problem,
    reason_words,
    status_text,
    upstream_edit_tip,
)
from app.ui.cells.run_outputs import RunOutputs
from app.ui.editor.code_editor import CodeEditor
from app.ui.outputs.markdown_view import MarkdownView
from app.ui.outputs.output_view import OutputArea
from app.ui.theme.apply import theme_for

#: Milliseconds without typing before an edit is committed (and, in autorun, run).
DEBOUNCE_MS = 1500
#: How often the countdown and the running time are redrawn.
TICK_MS = 100

_BUILTINS = frozenset(dir(builtins))


class CellWidget(Card):
    """See the module docstring."""

    run_requested = Signal(str, str)
    """(cell id, "advance" | "stay" | "insert"): the cell was just committed with run=True
    (``edit_committed``); where the focus goes next."""
    edit_committed = Signal(str, str, object)
    """(cell id, code, run: True | False | None): the debounce ended (None: the notebook's mode
    decides), the editor lost focus (False: save only, show stale), or Run (True)."""
    delete_requested = Signal(str)
    move_requested = Signal(str, int)
    """(cell id, -1 | +1)"""
    duplicate_requested = Signal(str)
    clear_output_requested = Signal(str)
    navigate_requested = Signal(str, int)
    """(cell id, -1 | +1): move keyboard focus to a neighbour cell."""
    sql_name_changed = Signal(str, str)
    """(cell id, new result variable name) for a SQL cell."""
    reveal_requested = Signal(str)
    """A name in the footer was clicked: show the cell that defines it."""
    fix_requested = Signal(str, str)
    """(cell id, name): the user chose the quick fix for ``name`` defined by several cells."""
    show_cell_requested = Signal(str)
    """A cell named in a message was clicked (its id)."""
    pending_edit_changed = Signal(str, bool)
    """(cell id, waiting): an edit started or stopped waiting for its debounce (the view
    marks the cells below that will re-run, see ``pending_marks.py``)."""

    def __init__(
        self,
        cell: Cell,
        parent: QWidget | None = None,
        name_cell: Callable[[str], str] = str,
    ) -> None:
        super().__init__(parent)
        self._name_cell = name_cell
        self.cell_id = cell.id
        self.kind = cell.kind
        self._state = CellRunState()
        self._committed_code = cell.code
        self._autorun = True
        self.setObjectName("cell")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)

        # chrome: the card is painted (paintEvent); controls float at the top right ---------
        self.bar = CellBar(self, markdown=cell.kind == "markdown")
        self.run_button = self.bar.run_button
        self.up_button = self.bar.up_button
        self.down_button = self.bar.down_button
        self.delete_action = self.bar.delete_action
        self.status_label = self.bar.status_label
        self.countdown_label = self.bar.countdown_label
        self.footer = self.bar.chips
        """The "defines · reads" chips (read names link to the cell defining them)."""
        self.countdown = countdown_bar(self.bar, DEBOUNCE_MS)
        self.bar.hide()
        self._hovered = False
        self._focused = False
        self._selected = False
        #: In app view (app/ui/cells/app_view.py) the cell's controls never show.
        self.in_app_view = False
        self._chips: tuple[list[str], list[str]] = ([], [])
        self._header = SqlHeader(cell)
        self.kind_badge = self._header.kind_badge
        self.name_label = self._header.name_label
        self.name_edit = self._header.name_edit
        self.name_edit.editingFinished.connect(self._name_edited)

        self._build_body(cell)
        self._lay_out()
        self._build_timers()
        self._strip = StatusStrip(self, lambda: self._state.status, self._pending)
        self._wire()
        self.set_state(CellRunState())

    def _build_body(self, cell: Cell) -> None:
        """The editor (or the rendered markdown), problems, quick fixes and outputs."""
        self.editor = CodeEditor(cell.kind)
        self.editor.setFrameShape(QFrame.Shape.NoFrame)  # the card is the frame; focus: a ring
        self.editor.set_code(cell.code)
        self.markdown_view: MarkdownView | None = None
        if cell.kind == "markdown":
            self.markdown_view = MarkdownView()
            self.markdown_view.set_markdown(cell.code)
            self.markdown_view.edit_requested.connect(self.edit_markdown)
            self.editor.hide()
        self.problem_label = link_label(selectable=True)
        self.problem_label.linkActivated.connect(self._problem_link)
        self.fix_label = link_label()
        self.fix_label.linkActivated.connect(
            lambda name: self.fix_requested.emit(self.cell_id, name)
        )
        self.outputs = OutputArea()
        self.outputs.hide()
        self._run_outputs = RunOutputs(self.outputs)
        self.footer.linkActivated.connect(self.reveal_requested)
        self.folds = CellFolds(
            self.editor, self.markdown_view, self.outputs, self.bar.collapse_action
        )
        self.collapsed_label, self.output_hidden_label = self.folds.widgets()

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.setSpacing(3)
        layout.addWidget(self._header)
        if self.markdown_view is not None:
            layout.addWidget(self.markdown_view)
        layout.addWidget(self.editor)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.fix_label)
        layout.addWidget(self.collapsed_label)
        layout.addWidget(self.outputs)
        layout.addWidget(self.output_hidden_label)

    def _build_timers(self) -> None:
        """The auto-run debounce and the countdown's ticker."""
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._debounce_ended)
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self._tick)
        self._debounce_started = 0.0
        #: The edit waiting for the debounce (shown "edited", strip stale).
        self._waiting = False
        #: Words for an edit waiting upstream ("will re-run"), and in which cell; "" if none.
        self._upstream: tuple[str, str] = ("", "")

    def _wire(self) -> None:
        """The editor's and the bar's signals to this cell's intents."""
        self.editor.edited.connect(self._edited)
        self.editor.focus_left.connect(self._focus_left)
        self.editor.run_requested.connect(self._run_from_editor)
        self.editor.navigate_requested.connect(
            lambda d: self.navigate_requested.emit(self.cell_id, d)
        )
        self.editor.move_requested.connect(lambda d: self.move_requested.emit(self.cell_id, d))
        self.run_button.clicked.connect(lambda: self._run_from_editor("stay"))
        self.up_button.clicked.connect(lambda: self.move_requested.emit(self.cell_id, -1))
        self.down_button.clicked.connect(lambda: self.move_requested.emit(self.cell_id, 1))
        self.bar.delete_requested.connect(lambda: self.delete_requested.emit(self.cell_id))
        self.bar.duplicate_requested.connect(lambda: self.duplicate_requested.emit(self.cell_id))
        self.bar.collapse_toggled.connect(self.set_collapsed)
        self.bar.clear_output_requested.connect(
            lambda: self.clear_output_requested.emit(self.cell_id)
        )
        for watched in (self.editor, self.name_edit, self.markdown_view):
            if watched is not None:
                watched.installEventFilter(self)

    # -- editing ----------------------------------------------------------------------------
    @property
    def has_pending_edit(self) -> bool:
        """The editor holds text the coordinator has not committed yet."""
        return self.editor.code() != self._committed_code

    def set_autorun(self, autorun: bool) -> None:
        """The notebook's mode: auto-run (True) or lazy."""
        self._autorun = autorun

    def take_pending_edit(self) -> str | None:
        """The uncommitted text, if any, marking it committed (the caller commits it)."""
        self._cancel_debounce()
        code = self.editor.code()
        if code == self._committed_code:
            return None
        self._committed_code = code
        return code

    def _edited(self) -> None:
        self._debounce.start()
        self._debounce_started = time.monotonic()
        if self.kind != "markdown":
            self.countdown.show()
            self.countdown_label.show()
            self._ticker.start()
            self._tick()
        self._set_waiting(True)
        self._update_chrome()

    def _cancel_debounce(self) -> None:
        self._debounce.stop()
        self.countdown.hide()
        self.countdown_label.hide()
        if self._state.status != "running":
            self._ticker.stop()
        self._set_waiting(False)
        self._update_chrome()

    def _set_waiting(self, waiting: bool) -> None:
        """The cell's own edit starts or stops waiting for the debounce (code cells only:
        a markdown cell's edit re-runs nothing)."""
        waiting = waiting and self.kind != "markdown"
        if waiting != self._waiting:
            self._waiting = waiting
            self._show_status(self._state)
            self.pending_edit_changed.emit(self.cell_id, waiting)

    @property
    def edit_waiting(self) -> bool:
        """An edit of this cell waits for its debounce (the status says "edited")."""
        return self._waiting

    @property
    def will_rerun(self) -> bool:
        """Committing the waiting edit runs it (auto-run), rather than marking it stale."""
        return self._autorun and self.bar.autorun_action.isChecked()

    def set_upstream_edit(self, words: str, editing: str = "") -> None:
        """An edit in the cell named ``editing`` waits upstream: the strip shows muted dashes
        and the status ``words`` ("will re-run"); ``""`` clears the mark."""
        if (words, editing) != self._upstream:
            self._upstream = (words, editing)
            self._show_status(self._state)

    @property
    def upstream_mark(self) -> str:
        """The words of the pending mark ("" when no edit waits upstream)."""
        return self._upstream[0]

    def _debounce_ended(self) -> None:
        code = self.take_pending_edit()
        if code is not None and self.kind != "markdown":
            self.edit_committed.emit(self.cell_id, code, None)
        elif code is not None:
            self.edit_committed.emit(self.cell_id, code, False)

    def _focus_left(self) -> None:
        code = self.take_pending_edit()
        if code is not None:
            self.edit_committed.emit(self.cell_id, code, False)
        if self.kind == "markdown" and self.markdown_view is not None:
            self.render_markdown()

    def _run_from_editor(self, how: str) -> None:
        self._cancel_debounce()
        code = self.editor.code()
        self._committed_code = code
        if self.kind == "markdown":
            self.edit_committed.emit(self.cell_id, code, False)
            self.render_markdown()
        else:
            self.edit_committed.emit(self.cell_id, code, True)
        self.run_requested.emit(self.cell_id, how)

    def set_code(self, code: str) -> None:
        """Replace the text from outside (reload); never emits an edit."""
        self._cancel_debounce()
        self._committed_code = code
        self.editor.set_code(code)
        if self.markdown_view is not None:
            self.markdown_view.set_markdown(code)

    def code(self) -> str:
        return self.editor.code()

    def focus_editor(self) -> None:
        if self.kind == "markdown" and self.markdown_view is not None and self.editor.isHidden():
            self.markdown_view.setFocus()
        else:
            self.editor.setFocus()

    def _name_edited(self) -> None:
        name = self.name_edit.text().strip()
        if name.isidentifier():
            self.sql_name_changed.emit(self.cell_id, name)
            self.name_edit.setStyleSheet("")
        else:
            self.name_edit.setStyleSheet(f"color: {theme_for(self.palette()).error_text};")
            self.name_edit.setToolTip(f"{name!r} is not a Python variable name")

    def follow_cell(self, cell: Cell) -> None:
        """The cell's settings as the notebook has them: its result name, ⋯ → Auto-run this
        cell, ⋯ → Hide in app view."""
        self.set_sql_name(cell.name)
        self.bar.autorun_action.setChecked(cell.auto_runs)
        self.bar.hide_in_app_action.setChecked(cell.hidden_in_app)

    def set_sql_name(self, name: str | None) -> None:
        if name is not None and self.name_edit.text() != name:
            self.name_edit.setText(name)

    # -- markdown ---------------------------------------------------------------------------
    def edit_markdown(self) -> None:
        if self.markdown_view is None:
            return
        self.markdown_view.hide()
        self.editor.show()
        self.editor.setFocus()

    def render_markdown(self) -> None:
        if self.markdown_view is None:
            return
        self.markdown_view.set_markdown(self.editor.code())
        self.editor.hide()
        self.markdown_view.show()

    # -- state from the coordinator --------------------------------------------------------------
    def set_state(self, state: CellRunState, appended: Output | None = None) -> None:
        previous = self._state
        self._state = state
        self._show_status(state)
        if self.kind == "markdown":
            return
        self._run_outputs.show(state, previous, appended)
        self._say_error_once()
        self.outputs.set_omitted(state.omitted_chars, state.full_output)
        self.outputs.set_stale(state.status == "stale")
        if state.error != previous.error:
            self.editor.set_error_line(state.error.line if state.error else None)
        self.folds.show_outputs()
        if state.status == "running":
            self._ticker.start()
        elif not self._debounce.isActive():
            self._ticker.stop()

    def _show_status(self, state: CellRunState) -> None:
        words, editing = self._upstream
        text = EDITED_WORDS if self._waiting else words or status_text(self.kind, state)
        reason = self._words(state.reason, links=False) if state.reason else ""
        tip = reason or (state.error.evalue if state.error else "")
        if words and not self._waiting:
            tip = upstream_edit_tip(words, editing)
        # Only what changed reaches Qt: a cascade sets every cell's state twice per run.
        if (text, tip) != self._status_shown:
            self._status_shown = (text, tip)
            self.status_label.setText(text)
            self.status_label.setToolTip(tip)
        card_tip = tip if words and not self._waiting else ""
        if card_tip != self._card_tip:  # most state changes leave it empty: no Qt call
            self._card_tip = card_tip
            self.setToolTip(card_tip)
        if self.property("status") != state.status:
            self.setProperty("status", state.status)
        if state.status in ("blocked", "stale", "interrupted") and state.reason:
            self._show_problem(self._words(state.reason, links=True), "warning")
        elif state.status not in ("blocked", "stale", "interrupted"):
            self._show_problem(self._analysis_problem, "error")
        self._refit_bar()
        self._strip.follow()

    def _pending(self) -> Pending:
        if self.kind == "markdown":
            return ""
        return "edited" if self._waiting else "upstream" if self._upstream[0] else ""

    def _say_error_once(self) -> None:
        """A syntax error is said once: by the line above the outputs ("Syntax error at line 2,
        column 5: …"), the run's traceback adding only the excerpt with its caret."""
        error = self._state.error
        said = self._syntax_error and error is not None and error.ename == "SyntaxError"
        self.outputs.set_error_said(said)

    def _words(self, reason: Reason, *, links: bool) -> str:
        return reason_words(reason, self._name_cell, links=links)

    def _problem_link(self, href: str) -> None:
        if href.startswith("cell:"):
            self.show_cell_requested.emit(href.removeprefix("cell:"))

    _analysis_problem = ""
    _syntax_error = False
    _card_tip = ""
    _status_shown = ("", "")
    _problem_shown: tuple[str, str] = ("", "")

    def set_analysis(self, analysis: CellAnalysis, problems: tuple[Problem, ...] = ()) -> None:
        """Chips: what the cell defines and reads (read names link to their definers);
        a syntax error or graph problem shows inline before anything runs."""
        self._analysis_problem = analysis_problem(analysis, problems, self._name_cell)
        self._syntax_error = analysis.syntax_error is not None
        self._say_error_once()
        if self._state.status not in ("blocked", "stale", "interrupted") or not self._state.reason:
            self._show_problem(self._analysis_problem, "error")
        reads = sorted(n for n in analysis.refs if n not in _BUILTINS)
        self._chips = (sorted(analysis.defs), reads)
        self._paint_chips()

    @property
    def chip_names(self) -> tuple[list[str], list[str]]:
        """(names defined, names read) as the chips show them."""
        return self._chips

    def _paint_chips(self) -> None:
        defs, reads = self._chips
        self.footer.setText(chips_html(defs, reads, theme_for(self.palette())))
        self.footer.setVisible(bool(defs or reads))
        self._place_bar()

    def set_quick_fixes(self, fixes: list[tuple[str, str]]) -> None:
        """One link per fix, ``(name, title)``: "Rename to df_2 here and in the cells below
        that read it"; clicking it asks for a preview (:attr:`fix_requested`)."""
        links = [f'<a href="{html.escape(name)}">{html.escape(title)}</a>' for name, title in fixes]
        self.fix_label.setText("<br>".join(links))
        self.fix_label.setVisible(bool(links))

    def _show_problem(self, text: str, severity: str) -> None:
        """``severity``: "error" (red) or "warning" (the theme's amber), both AA on the card."""
        if (text, severity) == self._problem_shown:
            return
        self._problem_shown = (text, severity)
        self.problem_label.setText(text)
        self._colour_problem()
        self.problem_label.setVisible(bool(text))

    def _colour_problem(self) -> None:
        theme = theme_for(self.palette())
        warning = self._problem_shown[1] == "warning"
        set_text_colour(self.problem_label, theme.warning_text if warning else theme.error_text)

    def _tick(self) -> None:
        if self._debounce.isActive():
            left = max(0.0, DEBOUNCE_MS - (time.monotonic() - self._debounce_started) * 1000)
            self.countdown.setValue(int(left))
            verb = "auto-run" if self._autorun and self.bar.autorun_action.isChecked() else "save"
            self.countdown_label.setText(f"{verb} in {left / 1000:.1f} s")
            self._refit_bar()
        if self._state.status == "running":
            self._show_status(self._state)
