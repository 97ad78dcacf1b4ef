"""The output area under a notebook cell: streams, rich outputs and the error, one widget each.

These widgets only display values from :mod:`app.core.state`; they never decide what a cell's
outputs are. Two things keep a chatty cell from hurting the rest of the window:

- appends are batched: :meth:`TextOutput.append_text` only buffers, and a single-shot timer
  moves the buffer into the text view at most every :data:`FLUSH_INTERVAL_MS`, in one insert;
- the text *view* is capped to a tail of :data:`MAX_VIEW_LINES` lines /
  :data:`MAX_VIEW_CHARS` characters, with a note offering "Show all" and "Save to file…";
  the text *kept* is capped too (:data:`MAX_KEPT_CHARS`, the run state's own cap).

Output the kernel did not send (a run over its output cap) is announced above the outputs by
an :class:`OmittedOutputNote`: "12.3 MB of output not shown — Open full output", which opens
the file the kernel wrote everything to.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Sequence
from typing import Literal

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QFontDatabase,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QResizeEvent,
    QTextCursor,
    QWheelEvent,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGraphicsOpacityEffect,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.mime import IMAGE_SIZE_MIME, TABLE_MIME
from app.core.state import (
    MAX_STREAM_CHARS,
    CellError,
    Output,
    RichOutput,
    StreamName,
    StreamText,
)
from app.ui.outputs.ansi import AnsiFormatter
from app.ui.outputs.markdown_view import SafeTextBrowser
from app.ui.outputs.table_view import TableInfo, TableOutput, TableSource
from app.ui.theme import blend, colors_for, is_dark

#: How long appended text may wait before it reaches the view (one insert per interval).
FLUSH_INTERVAL_MS = 40
#: The text view shows at most this tail of an output unless the user asks to see everything.
MAX_VIEW_LINES = 2_000
MAX_VIEW_CHARS = 200_000
#: At most this much text of one stream piece is kept in memory (the oldest goes first).
MAX_KEPT_CHARS = MAX_STREAM_CHARS
#: Output pieces grow with their content up to this height, then scroll inside.
MAX_PIECE_HEIGHT = 400
#: Opacity of outputs that are out of date (the cell changed or an input did).
STALE_OPACITY = 0.45

#: Which representation of a rich output is shown, best first (text/plain is the fallback).
MIME_ORDER: tuple[str, ...] = (
    "text/markdown",
    "text/html",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/svg+xml",
    "text/latex",
    "application/json",
    "text/plain",
)
_RASTER_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF"}

Tint = Literal["none", "stderr", "error"]


# -- colours ----------------------------------------------------------------------------------


_ERROR_RED_LIGHT = QColor(180, 20, 20)
_ERROR_RED_DARK = QColor(255, 120, 115)


def _error_text(palette: QPalette) -> QColor:
    """The error header's colour: red pulled towards the text colour so it reads on any base
    (app.ui.theme's Colors has backgrounds only)."""
    text = palette.color(QPalette.ColorRole.Text)
    return blend(text, _ERROR_RED_DARK if is_dark(palette) else _ERROR_RED_LIGHT, 0.85)


def _monospace() -> QFont:
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


# -- text -------------------------------------------------------------------------------------


class _TextView(QPlainTextEdit):
    """Read-only monospace text as tall as its lines up to :data:`MAX_PIECE_HEIGHT`.

    Lines do not wrap (tables and progress logs keep their columns; long lines scroll
    sideways). Below the cap the widget has no vertical scrollbar and lets wheel events through
    to the notebook's scroll area.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(_monospace())
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
        if not self._capped and abs(e.angleDelta().y()) >= abs(e.angleDelta().x()):
            e.ignore()  # the notebook scrolls, not this short output
            return
        super().wheelEvent(e)

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
        amount = _plural(lines, "line") if lines else _plural(self.hidden_chars(), "character")
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


# -- rich outputs -----------------------------------------------------------------------------


class HtmlOutput(SafeTextBrowser):
    """A ``text/markdown`` or ``text/html`` output: rendered, no scripts, nothing fetched."""

    def __init__(self, mime: str, data: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, max_height=MAX_PIECE_HEIGHT)
        self.mime = mime
        if mime == "text/markdown":
            self.setMarkdown(data)
        else:
            self.setHtml(data)


class _Picture(QWidget):
    """A picture at its natural size in device-independent pixels, scaled down (keeping its
    aspect ratio) when the output area is narrower. The scaled rendering is cached."""

    def __init__(self, natural: QSize, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if natural.width() <= 0 or natural.height() <= 0:
            natural = QSize(300, 150)  # the size browsers give an SVG that names none
        self._natural = natural
        self._cache: QPixmap | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(1)
        self.setToolTip(f"{natural.width()}\N{MULTIPLICATION SIGN}{natural.height()} px")
        self.setFixedHeight(natural.height())

    def natural_size(self) -> QSize:
        """The picture's own size in device-independent pixels."""
        return QSize(self._natural)

    def display_size(self, width: int) -> QSize:
        """The size drawn when ``width`` pixels are available (never larger than natural)."""
        if width >= self._natural.width() or width <= 0:
            return QSize(self._natural)
        height = max(1, round(self._natural.height() * width / self._natural.width()))
        return QSize(width, height)

    def sizeHint(self) -> QSize:
        return QSize(self._natural)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        height = self.display_size(event.size().width()).height()
        if height != self.height() or height != self.minimumHeight():
            self.setFixedHeight(height)

    def paintEvent(self, event: QPaintEvent) -> None:
        size = self.display_size(self.width())
        ratio = self.devicePixelRatioF()
        cache = self._cache
        if cache is None or cache.deviceIndependentSize().toSize() != size:
            cache = self._render(size, ratio)
            self._cache = cache
        painter = QPainter(self)
        painter.drawPixmap(0, 0, cache)
        painter.end()

    def _render(self, size: QSize, ratio: float) -> QPixmap:
        raise NotImplementedError


class ImageOutput(_Picture):
    """A PNG, JPEG or GIF output (first frame of a GIF)."""

    def __init__(
        self, pixmap: QPixmap, parent: QWidget | None = None, logical: QSize | None = None
    ) -> None:
        """``logical``: the size to show it at (a 2× figure shows at half its pixels, sharp)."""
        self.pixmap = pixmap
        super().__init__(logical if logical is not None else pixmap.size(), parent)

    def _render(self, size: QSize, ratio: float) -> QPixmap:
        scaled = self.pixmap.scaled(
            size * ratio,
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        scaled.setDevicePixelRatio(ratio)
        return scaled


class SvgOutput(_Picture):
    """An ``image/svg+xml`` output, rendered by QtSvg at the displayed size (stays sharp)."""

    def __init__(self, renderer: QSvgRenderer, parent: QWidget | None = None) -> None:
        self.renderer = renderer
        super().__init__(renderer.defaultSize(), parent)
        renderer.setParent(self)

    def _render(self, size: QSize, ratio: float) -> QPixmap:
        pixmap = QPixmap(size * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.renderer.render(painter, QRectF(0, 0, size.width(), size.height()))
        painter.end()
        return pixmap


def _logical_size(output: RichOutput) -> QSize | None:
    """The size the kernel says an image means (``IMAGE_SIZE_MIME``), if it says."""
    raw = output.data.get(IMAGE_SIZE_MIME)
    if raw is None:
        return None
    try:
        size = json.loads(raw)
        width, height = int(size["width"]), int(size["height"])
    except (ValueError, KeyError, TypeError):
        return None
    return QSize(width, height) if width > 0 and height > 0 else None


def _decode_base64(data: str) -> bytes | None:
    try:
        return base64.b64decode(data)
    except (binascii.Error, ValueError):
        return None


def _pretty_json(data: str) -> str:
    try:
        return json.dumps(json.loads(data), indent=2, ensure_ascii=False)
    except ValueError:
        return data


def _plain_piece(text: str, parent: QWidget | None) -> TextOutput:
    piece = TextOutput(parent=parent)
    piece.append_text(text)
    piece.flush()
    return piece


def rich_output_widget(
    output: RichOutput, parent: QWidget | None = None, table_source: TableSource | None = None
) -> QWidget:
    """The widget for the best representation :data:`MIME_ORDER` finds in ``output``.

    A kernel table (:data:`TABLE_MIME`) becomes an interactive :class:`TableOutput` when a
    ``table_source`` can page it; otherwise its static preview shows. An image that does not
    decode falls back to the output's plain text.
    """
    if table_source is not None and TABLE_MIME in output.data:
        try:
            info = TableInfo.from_json(output.data[TABLE_MIME])
        except ValueError:
            pass  # a malformed description: the static preview still shows
        else:
            return TableOutput(info, table_source, parent)
    plotly_html = output.data.get("application/vnd.plotly.v1+html")
    if plotly_html is not None:
        from app.ui.outputs.web_output import WebChartOutput, web_engine_available

        if web_engine_available():  # optional (cascade-notebook[web]); else the PNG or the note
            return WebChartOutput(plotly_html, parent)
    mime, data = output.preferred(MIME_ORDER)
    if mime in ("text/markdown", "text/html"):
        return HtmlOutput(mime, data, parent)
    if mime in _RASTER_FORMATS:
        raw = _decode_base64(data)
        pixmap = QPixmap()
        if raw is not None and pixmap.loadFromData(raw, _RASTER_FORMATS[mime]):
            return ImageOutput(pixmap, parent, _logical_size(output))
    elif mime == "image/svg+xml":
        renderer = QSvgRenderer(data.encode("utf-8"))
        if renderer.isValid():
            return SvgOutput(renderer, parent)
    elif mime == "application/json":
        return _plain_piece(_pretty_json(data), parent)
    elif mime in ("text/latex", "text/plain"):
        return _plain_piece(data, parent)
    fallback = output.data.get("text/plain")
    if fallback is None:
        fallback = f"[{mime} output could not be shown]"
    return _plain_piece(fallback, parent)


# -- error ------------------------------------------------------------------------------------


class ErrorOutput(QWidget):
    """A cell's error: a bold "ValueError: bad" header over the traceback, error-tinted.

    ``error.line`` stays on :attr:`error` for a caller that links it to the editor.
    """

    def __init__(self, error: CellError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = error
        self.header = QLabel(self)
        self.header.setText(f"{error.ename}: {error.evalue}" if error.evalue else error.ename)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = _monospace()
        font.setBold(True)
        self.header.setFont(font)
        self.traceback = TextOutput(tint="error", parent=self)
        self.traceback.append_text(error.traceback.rstrip("\n"))
        self.traceback.flush()
        self.traceback.setVisible(bool(error.traceback.strip()))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.traceback)
        self._apply_tint()

    def _apply_tint(self) -> None:
        palette = self.header.palette()
        palette.setColor(QPalette.ColorRole.WindowText, _error_text(self.palette()))
        self.header.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_tint()
        super().changeEvent(event)

    def dispose(self) -> None:
        self.traceback.dispose()


# -- the area ---------------------------------------------------------------------------------


class OutputArea(QWidget):
    """The outputs of one cell, top to bottom, with the error (if any) last.

    Responsibilities:
    - one :class:`TextOutput` per run of consecutive text of the same stream (stderr tinted);
    - one widget per rich output (:func:`rich_output_widget`); kernel tables are interactive
      once :meth:`set_table_source` has named who pages them;
    - an :class:`ErrorOutput` for the cell's error;
    - dimming everything while the outputs are stale.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pieces: list[QWidget] = []
        self._error_piece: ErrorOutput | None = None
        self._table_source: TableSource | None = None
        # Rich outputs that describe a kernel table, by piece: rebuilt when the source changes.
        self._table_outputs: list[tuple[QWidget, RichOutput]] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self.omitted_note = OmittedOutputNote(self)
        self._layout.addWidget(self.omitted_note)  # always first: pieces go after it
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)

    # -- content ------------------------------------------------------------------------------

    def set_outputs(self, outputs: Sequence[Output], error: CellError | None) -> None:
        """Replace everything (a cell was reset or finished); text shows at once, unbatched."""
        self.clear()
        for output in outputs:
            self.append(output)
        self.flush()
        self.set_error(error)

    def append(self, output: Output) -> None:
        """Add one output while the cell runs; stream text is buffered, so this is cheap."""
        if isinstance(output, StreamText):
            last = self._pieces[-1] if self._pieces else None
            if isinstance(last, TextOutput) and last.stream == output.stream:
                last.append_text(output.text)
                return
            tint: Tint = "stderr" if output.stream == "stderr" else "none"
            piece = TextOutput(output.stream, tint=tint, parent=self)
            piece.append_text(output.text)
            self._add_piece(piece)
        else:
            rich = rich_output_widget(output, self, self._table_source)
            if TABLE_MIME in output.data:
                self._table_outputs.append((rich, output))
            self._add_piece(rich)

    def _add_piece(self, piece: QWidget) -> None:
        # After the omitted-output note, before the error (if any).
        self._layout.insertWidget(1 + len(self._pieces), piece)
        self._pieces.append(piece)

    def set_omitted(self, chars: int, full_output: str | None) -> None:
        """Say above the outputs how much the output caps left out (0: nothing)."""
        self.omitted_note.set_omitted(chars, full_output)

    def set_table_source(self, source: TableSource | None) -> None:
        """Who pages, sorts and exports kernel tables (the coordinator); None: static previews.

        Tables already shown are rebuilt to match, so the order of calls does not matter.
        """
        if source is self._table_source:
            return
        self._table_source = source
        rebuilt: list[tuple[QWidget, RichOutput]] = []
        for old, output in self._table_outputs:
            piece = rich_output_widget(output, self, source)
            position = self._pieces.index(old)
            self._pieces[position] = piece
            self._layout.insertWidget(1 + position, piece)
            self._remove(old)
            rebuilt.append((piece, output))
        self._table_outputs = rebuilt

    def table_source(self) -> TableSource | None:
        return self._table_source

    def set_error(self, error: CellError | None) -> None:
        """Show ``error`` under the outputs, replacing any previous one (None removes it)."""
        if self._error_piece is not None:
            self._remove(self._error_piece)
            self._error_piece = None
        if error is not None:
            self._error_piece = ErrorOutput(error, self)
            self._layout.addWidget(self._error_piece)

    def clear(self) -> None:
        """Remove every output and the error."""
        for piece in self._pieces:
            self._remove(piece)
        self._pieces.clear()
        self._table_outputs.clear()
        self.set_error(None)

    def _remove(self, piece: QWidget) -> None:
        if isinstance(piece, TextOutput | ErrorOutput | TableOutput):
            piece.dispose()
        self._layout.removeWidget(piece)
        piece.hide()
        piece.setParent(None)
        piece.deleteLater()

    def flush(self) -> None:
        """Show all buffered stream text now (before a screenshot, or when a run ends)."""
        for piece in self._pieces:
            if isinstance(piece, TextOutput):
                piece.flush()

    # -- queries ------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        """No outputs, no error and nothing omitted (a caller may hide the area)."""
        return not self._pieces and self._error_piece is None and self.omitted_note.isHidden()

    def pieces(self) -> list[QWidget]:
        """The output widgets in order, without the error."""
        return list(self._pieces)

    def error(self) -> CellError | None:
        """The error shown, if any (its ``line`` is for the caller to highlight)."""
        return self._error_piece.error if self._error_piece is not None else None

    def error_widget(self) -> ErrorOutput | None:
        return self._error_piece

    # -- staleness ----------------------------------------------------------------------------

    def set_stale(self, stale: bool) -> None:
        """Dim the outputs while they describe an older version of the cell or its inputs."""
        if stale == self.is_stale():
            return
        if stale:
            effect = QGraphicsOpacityEffect(self)
            effect.setOpacity(STALE_OPACITY)
            self.setGraphicsEffect(effect)
        else:
            self.setGraphicsEffect(None)  # type: ignore[arg-type]
        self.setToolTip("Out of date: re-run the cell to refresh its output" if stale else "")

    def is_stale(self) -> bool:
        return self.graphicsEffect() is not None
