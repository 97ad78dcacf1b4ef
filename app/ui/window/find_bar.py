"""Find and replace over the whole notebook (Ctrl+F, Ctrl+H, F3 / Shift+F3).

The bar searches the editors' current text (code and markdown, edits not committed yet
included) with :mod:`app.core.text_search`, marks every match in every cell, counts "3 of 12"
and moves between matches. Replace and Replace all go through the coordinator's
``apply_code_changes``: one edit, saved once, undone in one step, run once per the mode.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QWidget,
)

from app.core.text_search import (
    QueryError,
    SearchOptions,
    TextMatch,
    find_all,
    replace_all,
    replace_one,
)
from app.ui.cells.notebook_view import NotebookView
from app.ui.editor.code_editor import CodeEditor
from app.ui.tasks import spawn
from app.ui.window.output_search import cell_of, is_output_key, mark, output_key, text_pieces

#: Searching again after the text changed waits for typing to pause this long (ms).
REFRESH_PAUSE_MS = 150


def qt_position(text: str, index: int) -> int:
    """The Qt (UTF-16) position of Python index ``index`` in ``text``."""
    head = text[:index]
    return len(head) if head.isascii() else len(head.encode("utf-16-le")) // 2


class FindBar(QWidget):
    """See the module docstring. ``view`` gives the notebook view shown now (or None)."""

    def __init__(
        self, view: Callable[[], NotebookView | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._view = view
        self.matches: list[TextMatch] = []
        self.current = -1
        self._marked: set[str] = set()
        #: Output views holding marks (cleared by object: a re-run may replace them).
        self._marked_outputs: list[QPlainTextEdit] = []
        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText("Find in notebook")
        self.find_edit.setClearButtonEnabled(True)
        self.replace_edit = QLineEdit()
        self.replace_edit.setPlaceholderText("Replace with")
        self.case_box = QCheckBox("Match case")
        self.word_box = QCheckBox("Whole word")
        self.regex_box = QCheckBox("Regex")
        self.outputs_box = QCheckBox("Outputs")
        self.outputs_box.setToolTip("Search the cells' text outputs too (never replaced)")
        self.count_label = QLabel("")
        self.count_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("9999 of 9999"))
        self.previous_button = _button("↑", "Previous match (Shift+F3)", self.find_previous)
        self.next_button = _button("↓", "Next match (F3)", self.find_next)
        self.close_button = _button("✕", "Close (Escape)", self.close_bar)
        self.replace_button = _button("Replace", "Replace this match", self.replace_current)
        self.replace_all_button = _button("Replace all", "Replace every match", self.replace_all)
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 4, 8, 4)
        grid.addWidget(self.find_edit, 0, 0)
        for column, widget in enumerate(
            (self.count_label, self.previous_button, self.next_button, self.case_box),
            start=1,
        ):
            grid.addWidget(widget, 0, column)
        grid.addWidget(self.word_box, 0, 5)
        grid.addWidget(self.regex_box, 0, 6)
        grid.addWidget(self.outputs_box, 0, 7)
        grid.addWidget(self.close_button, 0, 8)
        grid.addWidget(self.replace_edit, 1, 0)
        grid.addWidget(self.replace_button, 1, 1, 1, 2)
        grid.addWidget(self.replace_all_button, 1, 3, 1, 2)
        grid.setColumnStretch(0, 1)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_PAUSE_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.find_edit.textChanged.connect(self.refresh)
        for box in (self.case_box, self.word_box, self.regex_box, self.outputs_box):
            box.toggled.connect(self.refresh)
        self.find_edit.returnPressed.connect(self._enter_in_find)
        self.replace_edit.returnPressed.connect(self.replace_current)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.close_bar)
        self._set_replacing(False)
        self.hide()

    # -- opening and closing --------------------------------------------------------------------
    def open_find(self, replacing: bool = False) -> None:
        """Show the bar (with the replace row for Ctrl+H), seeded with the editor's selection."""
        selected = self._selected_text()
        self._set_replacing(replacing)
        self.show()
        if selected:
            self.find_edit.setText(selected)
        self.find_edit.setFocus()
        self.find_edit.selectAll()
        self.refresh()

    def _set_replacing(self, replacing: bool) -> None:
        for widget in (self.replace_edit, self.replace_button, self.replace_all_button):
            widget.setVisible(replacing)

    def close_bar(self) -> None:
        self._clear_marks()
        self.matches, self.current = [], -1
        self.hide()
        view = self._view()
        if view is not None:
            widget = view.cells.get(self._focus_cell or "")
            if widget is not None:
                widget.editor.setFocus()

    _focus_cell: str | None = None

    def _enter_in_find(self) -> None:
        """Enter: the next match; Shift+Enter: the previous one."""
        if QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.find_previous()
        else:
            self.find_next()

    # -- searching -----------------------------------------------------------------------------
    @property
    def options(self) -> SearchOptions:
        return SearchOptions(
            self.case_box.isChecked(), self.word_box.isChecked(), self.regex_box.isChecked()
        )

    def _texts(self) -> list[tuple[str, str]]:
        view = self._view()
        if view is None:
            return []
        view.finish_building()
        order = view.coordinator.notebook.cell_ids
        return [(cell_id, view.cells[cell_id].code()) for cell_id in order if cell_id in view.cells]

    def _searched(self) -> list[tuple[str, str]]:
        """The code of every cell and, with "Outputs", each cell's text outputs after it."""
        texts = self._texts()
        view = self._view()
        if not self.outputs_box.isChecked() or view is None:
            return texts
        searched: list[tuple[str, str]] = []
        for cell_id, code in texts:
            searched.append((cell_id, code))
            for index, piece in enumerate(self._pieces(view, cell_id)):
                searched.append((output_key(cell_id, index), piece.toPlainText()))
        return searched

    @staticmethod
    def _pieces(view: NotebookView, cell_id: str) -> list[QPlainTextEdit]:
        widget = view.cells.get(cell_id)
        return text_pieces(widget.outputs) if widget is not None else []

    def _target(self, view: NotebookView, key: str) -> QPlainTextEdit | None:
        """The text view a match's key names: a cell's editor or one of its output pieces."""
        if not is_output_key(key):
            widget = view.cells.get(key)
            return widget.editor if widget is not None else None
        pieces = self._pieces(view, cell_of(key))
        index = int(key.rsplit(":", 1)[1])
        return pieces[index] if index < len(pieces) else None

    def schedule_refresh(self) -> None:
        """The text changed: search again once typing pauses (only while the bar is open)."""
        if self.isVisible():
            self._refresh_timer.start()

    def refresh(self) -> None:
        """Search again and mark every match; keep the current match's place when possible."""
        if not self.isVisible():
            return
        previous = self.matches[self.current] if 0 <= self.current < len(self.matches) else None
        try:
            self.matches = find_all(self._searched(), self.find_edit.text(), self.options)
        except QueryError as exc:
            self.matches, self.current = [], -1
            self._clear_marks()
            self.count_label.setText(str(exc))
            return
        self.current = self._index_near(previous)
        self._mark()

    def _index_near(self, previous: TextMatch | None) -> int:
        if not self.matches:
            return -1
        if previous is None:
            return 0
        order = {key: i for i, (key, _) in enumerate(self._searched())}
        key = (order.get(previous.cell_id, -1), previous.start)
        for index, match in enumerate(self.matches):
            if (order.get(match.cell_id, -1), match.start) >= key:
                return index
        return 0

    def find_next(self) -> None:
        self._step(+1)

    def find_previous(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        if not self.isVisible():
            self.open_find(self.replace_edit.isVisible())
        self.refresh()
        if not self.matches:
            return
        self.current = (self.current + delta) % len(self.matches)
        self._mark()
        self._reveal(self.matches[self.current])

    def count_text(self) -> str:
        return self.count_label.text()

    def _mark(self) -> None:
        view = self._view()
        self._clear_marks()
        if view is None:
            return
        by_key: dict[str, list[tuple[int, int]]] = {}
        current_key, current_index = None, None
        for index, match in enumerate(self.matches):
            target = self._target(view, match.cell_id)
            if target is None:
                continue
            text = target.toPlainText()
            marks = by_key.setdefault(match.cell_id, [])
            if index == self.current:
                current_key, current_index = match.cell_id, len(marks)
            marks.append((qt_position(text, match.start), qt_position(text, match.end)))
        for key, marks in by_key.items():
            current = current_index if key == current_key else None
            self._set_marks(view, key, marks, current)
        self._marked = set(by_key)
        if self.matches:
            self.count_label.setText(f"{self.current + 1} of {len(self.matches)}")
        else:
            self.count_label.setText("No results" if self.find_edit.text() else "")

    def _clear_marks(self) -> None:
        view = self._view()
        if view is not None:
            for key in self._marked:
                if not is_output_key(key):
                    self._set_marks(view, key, (), None)
        for piece in self._marked_outputs:  # by object: a re-run may have replaced them
            with contextlib.suppress(RuntimeError):  # deleted with its output: nothing to clear
                mark(piece, (), None)
        self._marked_outputs = []
        self._marked = set()

    def _set_marks(
        self,
        view: NotebookView,
        key: str,
        marks: Sequence[tuple[int, int]],
        current: int | None,
    ) -> None:
        target = self._target(view, key)
        if isinstance(target, CodeEditor):
            target.set_search_marks(marks, current)
        elif target is not None:
            mark(target, marks, current)
            self._marked_outputs.append(target)

    def _reveal(self, match: TextMatch) -> None:
        """Select the match in its editor and scroll it into view (focus stays in the bar)."""
        view = self._view()
        if view is None:
            return
        if is_output_key(match.cell_id):
            piece = self._target(view, match.cell_id)
            if piece is not None:
                cursor = piece.textCursor()
                cursor.setPosition(qt_position(piece.toPlainText(), match.start))
                piece.setTextCursor(cursor)
                piece.ensureCursorVisible()
                view.ensureWidgetVisible(piece, 50, 80)
            return
        widget = view.cells[match.cell_id]
        if widget.kind == "markdown" and widget.editor.isHidden():
            widget.edit_markdown()
            self.find_edit.setFocus()
        text = widget.code()
        cursor = widget.editor.textCursor()
        cursor.setPosition(qt_position(text, match.start))
        cursor.setPosition(qt_position(text, match.end), QTextCursor.MoveMode.KeepAnchor)
        widget.editor.setTextCursor(cursor)
        container = view.widget()
        if container is not None:
            point = widget.editor.viewport().mapTo(container, widget.editor.cursorRect().center())
            view.ensureVisible(point.x(), point.y(), 50, 80)
        self._focus_cell = match.cell_id

    def _selected_text(self) -> str:
        view = self._view()
        if view is None:
            return ""
        for widget in view.cells.values():
            if widget.editor.hasFocus():
                selected = widget.editor.textCursor().selectedText()
                return selected if "\u2029" not in selected else ""
        return ""

    # -- replacing -----------------------------------------------------------------------------
    def replace_current(self) -> None:
        """Replace the current match (one undoable edit), then show the next one."""
        view = self._view()
        self.refresh()
        if view is None or not 0 <= self.current < len(self.matches):
            return
        match = self.matches[self.current]
        if is_output_key(match.cell_id):
            self.count_label.setText("Outputs are not replaced: F3 goes to the next match")
            return
        text = view.cells[match.cell_id].code()
        try:
            new = replace_one(
                text, match, self.find_edit.text(), self.replace_edit.text(), self.options
            )
        except QueryError as exc:
            self.count_label.setText(str(exc))
            return
        self._apply(view, {match.cell_id: new}, "Replace")

    def replace_all(self) -> None:
        """Replace every match in every cell as one edit (one Undo; changed cells run once)."""
        view = self._view()
        if view is None:
            return
        try:
            changes = replace_all(
                self._texts(), self.find_edit.text(), self.replace_edit.text(), self.options
            )
        except QueryError as exc:
            self.count_label.setText(str(exc))
            return
        if changes:
            count = sum(1 for m in self.matches if not is_output_key(m.cell_id))
            self._apply(view, changes, f"Replace all ({count})")

    def _apply(self, view: NotebookView, changes: dict[str, str], label: str) -> None:
        for cell_id in changes:
            view.cells[cell_id].take_pending_edit()  # folded into this edit
        # The editors show the new text when the notebook has it (NotebookView.text_changed
        # then searches again); the cascade runs after that, per the mode.
        spawn(view.coordinator.apply_code_changes(changes, label))


def _button(text: str, tip: str, slot: Callable[[], None]) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.clicked.connect(slot)
    return button
