"""Text output pieces: a cell's streams and tracebacks, batched and capped.

- appends are batched: :meth:`TextOutput.append_text` only buffers, and a single-shot timer
  moves the buffer into the text view at most every :data:`FLUSH_INTERVAL_MS`, in one insert;
- the text *view* is capped to a tail of :data:`MAX_VIEW_LINES` lines /
  :data:`MAX_VIEW_CHARS` characters, with a note offering "Show all" and "Save to file…";
  the text *kept* is capped too (:data:`MAX_KEPT_CHARS`, the run state's own cap);
- output the kernel did not send (a run over its output cap) is announced by an
  :class:`OmittedOutputNote`: "12.3 MB of output not shown — Open full output".
"""

from __future__ import annotations

import os
from typing import Literal

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QFont,
    QPalette,
    QTextCursor,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.state import MAX_STREAM_CHARS, StreamName
from app.core.words import plural
from app.ui.editor.preferences import editor_preferences
from app.ui.outputs.ansi import AnsiFormatter
from app.ui.outputs.wheel_chain import pass_wheel_on, scrolls_further
from app.ui.theme import colors_for

#: How long appended text may wait before it reaches the view (one insert per interval).
FLUSH_INTERVAL_MS = 40
#: The text view shows at most this tail of an output unless the user asks to see everything.
MAX_VIEW_LINES = 2_000
MAX_VIEW_CHARS = 200_000
#: At most this much text of one stream piece is kept in memory (the oldest goes first).
MAX_KEPT_CHARS = MAX_STREAM_CHARS
#: Output pieces grow with their content up to this height, then scroll inside.
MAX_PIECE_HEIGHT = 400

Tint = Literal["none", "stderr", "error"]


def monospace() -> QFont:
    """The code font at the window's zoom (View → Zoom in applies to output text too)."""
    return editor_preferences().code_font()


class _TextView(QPlainTextEdit):
    """Read-only monospace text as tall as its lines up to :data:`MAX_PIECE_HEIGHT`.

    Lines do not wrap (tables and progress logs keep their columns; long lines scroll
    sideways). Below the cap the widget has no vertical scrollbar; the wheel scrolls inside only
    while there is more to see that way, else the notebook (``wheel_chain``).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(monospace())
        editor_preferences().font_changed.connect(self._follow_zoom)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._capped = False
        self.horizontalScrollBar().rangeChanged.connect(self.fit_height)
        self.fit_height()

    def visible_line_count(self) -> int:
        """Lines to make room for: a trailing newline's empty last line is not shown."""
        doc = self.document()
        count = doc.blockCount()
        if count > 1 and not doc.lastBlock().text():
            count -= 1
        return count

    def _follow_zoom(self) -> None:
        self.setFont(monospace())  # a FontChange: the height is fitted again

    def fit_height(self, *_args: object) -> None:
        """Grow to the text, up to the cap; past it, scroll inside."""
        line_height = self.fontMetrics().lineSpacing()
        margin = self.document().documentMargin()
        frame = self.contentsMargins().top() + self.contentsMargins().bottom()
        # The +1 matches QPlainTextEdit's own "does the last line fit" test.
        wanted = int(self.visible_line_count() * line_height + 2 * margin + frame + 1)
        if self.horizontalScrollBar().maximum() > 0:
            wanted += self.horizontalScrollBar().sizeHint().height()
        self._capped = wanted > MAX_PIECE_HEIGHT
        policy = (
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if self._capped
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        if self.verticalScrollBarPolicy() != policy:
            self.setVerticalScrollBarPolicy(policy)
        height = min(wanted, MAX_PIECE_HEIGHT)
        if self.height() != height or self.minimumHeight() != height:
            self.setFixedHeight(height)

    def is_capped(self) -> bool:
        """Whether the text is taller than the widget (it scrolls inside)."""
        return self._capped

    def changeEvent(self, e: QEvent) -> None:
        super().changeEvent(e)
        if e.type() == QEvent.Type.FontChange:
            self.fit_height()  # zoom changes the line height

    def wheelEvent(self, e: QWheelEvent) -> None:
        """Scroll inside while there is more this way; past the end the notebook scrolls."""
        if scrolls_further(self, e):
            super().wheelEvent(e)
        else:
            pass_wheel_on(self, e)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.height())


class TextOutput(QWidget):
    """Monospace text of one stream run (or of a plain-text/JSON/LaTeX output), capped in view.

    Keeps the full text in memory as a list of chunks (a few MB is fine; a later issue spills it
    to disk) while the view holds at most the tail of :data:`MAX_VIEW_LINES` lines /
    :data:`MAX_VIEW_CHARS` characters. When text is hidden a note says how much and offers
    "Show all" (load everything into the view) and "Save to file…".
    """

    def __init__(
        self,
        stream: StreamName | None = None,
        *,
        tint: Tint = "none",
        max_lines: int = MAX_VIEW_LINES,
        max_chars: int = MAX_VIEW_CHARS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.stream = stream
        self._tint = tint
        self._max_lines = max_lines
        self._max_chars = max_chars
        self._chunks: list[str] = []
        self._kept_chars = 0
        self._pending: list[str] = []
        # Sizes of the text that reached flush() and of the part of it the view shows.
        self._flushed_chars = 0
        self._flushed_newlines = 0
        self._shown_chars = 0
        self._shown_newlines = 0
        self._show_all = False
        self._ansi = AnsiFormatter()

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FLUSH_INTERVAL_MS)
        self._timer.timeout.connect(self.flush)

        self.view = _TextView(self)
        self.note = QLabel(self)
        self.note.setTextFormat(Qt.TextFormat.RichText)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.note.linkActivated.connect(self._on_note_link)
        self.note.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.note)
        layout.addWidget(self.view)
        self._apply_tint()

    # -- text in ------------------------------------------------------------------------------

    def append_text(self, text: str) -> None:
        """Buffer ``text``; the view catches up within :data:`FLUSH_INTERVAL_MS`. Cheap."""
        if not text:
            return
        self._chunks.append(text)
        self._kept_chars += len(text)
        while self._kept_chars > MAX_KEPT_CHARS and len(self._chunks) > 1:
            self._kept_chars -= len(self._chunks.pop(0))  # the view shows a tail anyway
        self._pending.append(text)
        if not self._timer.isActive():
            self._timer.start()

    def replace_text(self, text: str) -> None:
        """Show ``text`` instead of everything so far (a re-run's new value, in place)."""
        self._timer.stop()
        self._chunks, self._pending, self._kept_chars = [], [], 0
        self._flushed_chars = self._flushed_newlines = 0
        self._shown_chars = self._shown_newlines = 0
        self._show_all = False
        self.view.clear()
        self.append_text(text)
        self.flush()
        self._update_note()

    def flush(self) -> None:
        """Move buffered text into the view now, in one insert (or one tail rebuild)."""
        self._timer.stop()
        if not self._pending:
            return
        pending = "".join(self._pending)
        self._pending.clear()
        newlines = pending.count("\n")
        was_truncated = self.is_truncated()
        self._flushed_chars += len(pending)
        self._flushed_newlines += newlines
        bar = self.view.verticalScrollBar()
        # Keep following the end of a growing output unless the user scrolled up to read.
        follow = not self.view.is_capped() or bar.value() >= bar.maximum()
        fits = (
            self._shown_chars + len(pending) <= self._max_chars
            and self._shown_newlines + newlines < self._max_lines
        )
        if self._show_all or (fits and not was_truncated):
            cursor = QTextCursor(self.view.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            self._ansi.insert(cursor, pending)
            self._shown_chars += len(pending)
            self._shown_newlines += newlines
        else:
            self._show_text(self._tail())
        self._update_note()
        self.view.fit_height()
        if not self.view.is_capped():
            bar.setValue(0)  # a hidden trailing empty line must not scroll the first one away
        elif follow:
            bar.setValue(bar.maximum())

    def _tail(self) -> str:
        """The end of the full text that fits the cap, cut at a line start where possible."""
        picked: list[str] = []
        chars = newlines = 0
        for chunk in reversed(self._chunks):
            picked.append(chunk)
            chars += len(chunk)
            newlines += chunk.count("\n")
            if chars > self._max_chars or newlines > self._max_lines + 1:
                break
        text = "".join(reversed(picked))
        # Keep the last max_lines lines (a trailing newline does not start another line).
        body_end = len(text) - 1 if text.endswith("\n") else len(text)
        start = body_end
        for _ in range(self._max_lines):
            start = text.rfind("\n", 0, start)
            if start < 0:
                break
        if start >= 0:
            text = text[start + 1 :]
        if len(text) > self._max_chars:
            cut_mid_line = text[-self._max_chars - 1] != "\n"
            text = text[-self._max_chars :]
            first_newline = text.find("\n")
            if cut_mid_line and 0 <= first_newline < len(text) - 1:
                text = text[first_newline + 1 :]  # drop the partial first line
        return text

    def _show_text(self, text: str) -> None:
        self.view.setPlainText("")
        self._ansi.reset()  # a tail may start mid-colour: better plain than wrong
        self._ansi.insert(QTextCursor(self.view.document()), text)
        self._shown_chars = len(text)
        self._shown_newlines = text.count("\n")

    # -- truncation ---------------------------------------------------------------------------

    def is_truncated(self) -> bool:
        """Whether the view shows less than the flushed text."""
        return not self._show_all and self._shown_chars < self._flushed_chars

    def hidden_lines(self) -> int:
        """Whole lines of the flushed text that the view does not show."""
        return 0 if self._show_all else self._flushed_newlines - self._shown_newlines

    def hidden_chars(self) -> int:
        """Characters of the flushed text that the view does not show."""
        return 0 if self._show_all else self._flushed_chars - self._shown_chars

    def _update_note(self) -> None:
        if not self.is_truncated():
            self.note.hide()
            return
        lines = self.hidden_lines()
        amount = plural(lines, "line") if lines else plural(self.hidden_chars(), "character")
        self.note.setText(
            f"output truncated — {amount} hidden · "
            '<a href="show-all">Show all</a> · <a href="save">Save to file…</a>'
        )
        self.note.show()

    def _on_note_link(self, link: str) -> None:
        if link == "show-all":
            self.show_all()
        elif link == "save":
            self.save_with_dialog()

    def show_all(self) -> None:
        """Load the full text into the view; later appends are no longer capped."""
        self._show_all = True
        self._pending.clear()
        self._timer.stop()
        text = self.full_text()
        self._flushed_chars = len(text)
        self._flushed_newlines = text.count("\n")
        self._show_text(text)
        self.note.hide()
        self.view.fit_height()

    # -- text out -----------------------------------------------------------------------------

    def full_text(self) -> str:
        """Everything appended so far, including what the view hides or has not shown yet."""
        return "".join(self._chunks)

    def save_text_to(self, path: str | os.PathLike[str]) -> None:
        """Write the full text to ``path`` as UTF-8, exactly as produced (no newline rewriting)."""
        with open(path, "w", encoding="utf-8", newline="") as file:
            for chunk in self._chunks:
                file.write(chunk)

    def save_with_dialog(self) -> None:
        """Ask where to save the full text, then save it (errors are shown, not raised)."""
        path, _selected_filter = QFileDialog.getSaveFileName(
            self, "Save output", "output.txt", "Text files (*.txt);;All files (*)"
        )
        if not path:
            return
        try:
            self.save_text_to(path)
        except OSError as exc:
            QMessageBox.warning(self, "Save output", f"Could not save the output:\n{exc}")

    # -- appearance ---------------------------------------------------------------------------

    def _apply_tint(self) -> None:
        note_palette = self.note.palette()
        note_palette.setColor(QPalette.ColorRole.WindowText, colors_for(self.palette()).muted_fg)
        self.note.setPalette(note_palette)
        if self._tint == "none":
            return
        colors = colors_for(self.palette())
        color = colors.stderr_bg if self._tint == "stderr" else colors.error_bg
        palette = self.view.palette()
        palette.setColor(QPalette.ColorRole.Base, color)
        self.view.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_tint()  # light <-> dark theme switch
        super().changeEvent(event)

    def dispose(self) -> None:
        """Stop the flush timer before the widget goes away."""
        self._timer.stop()
        self._pending.clear()


def _size_text(chars: int) -> str:
    """About how much text ``chars`` characters are, for a person ("12.3 MB")."""
    if chars >= 1_000_000:
        return f"{chars / 1_000_000:,.1f} MB"
    return f"{max(1, round(chars / 1000)):,} KB"


class OmittedOutputNote(QWidget):
    """ "12.3 MB of output not shown — Open full output": what the output caps left out.

    The button opens the file the kernel wrote the run's whole output to, with the desktop's
    viewer for text files; without such a file the note only says how much is missing.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path: str | None = None
        self.label = QLabel(self)
        self.button = QPushButton("Open full output", self)
        self.button.setFlat(True)
        self.button.clicked.connect(self.open_full_output)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        layout.addStretch(1)
        palette = self.label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, colors_for(self.palette()).muted_fg)
        self.label.setPalette(palette)
        self.hide()

    def set_omitted(self, chars: int, path: str | None) -> None:
        self.path = path
        if chars <= 0:
            self.hide()
            return
        self.label.setText(f"{_size_text(chars)} of output not shown —")
        self.button.setVisible(bool(path))
        self.show()

    def open_full_output(self) -> None:
        if not self.path:
            return
        if not os.path.exists(self.path):
            QMessageBox.warning(
                self, "Full output", f"The file is gone (the kernel session ended):\n{self.path}"
            )
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(self.path))
