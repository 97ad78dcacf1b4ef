"""The output area under a notebook cell: streams, rich outputs and the error, one widget each.

These widgets only display values from :mod:`app.core.state`; they never decide what a cell's
outputs are. Which widget a rich output gets is the output registry's choice
(:mod:`app.outputs.registry`, :mod:`app.ui.outputs.renderers`); long streams are batched and
capped by :mod:`app.ui.outputs.text_output`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.core.mime import CONTROL_MIME, TABLE_MIME
from app.core.state import CellError, Output, RichOutput, StreamText
from app.ui.outputs.renderers import rich_output_widget
from app.ui.outputs.stale_veil import StaleVeil
from app.ui.outputs.table_view import TableOutput, TableSource

if TYPE_CHECKING:
    from app.ui.outputs.controls import ControlSink
from app.ui.outputs.text_output import OmittedOutputNote, TextOutput, Tint, monospace
from app.ui.theme import blend, is_dark

#: Opacity of outputs that are out of date (the cell changed or an input did).

_ERROR_RED_LIGHT = QColor(180, 20, 20)
_ERROR_RED_DARK = QColor(255, 120, 115)


def _error_text(palette: QPalette) -> QColor:
    """The error header's colour: red pulled towards the text colour so it reads on any base
    (app.ui.theme's Colors has backgrounds only)."""
    text = palette.color(QPalette.ColorRole.Text)
    return blend(text, _ERROR_RED_DARK if is_dark(palette) else _ERROR_RED_LIGHT, 0.85)


# -- error ------------------------------------------------------------------------------------


def _without_last_line(traceback: str, heading: str) -> str:
    """``traceback`` less its last line when that line is ``heading`` (Python ends every
    traceback with "ename: evalue", which the header already shows)."""
    head, _, last = traceback.rpartition("\n")
    return head.rstrip("\n") if last.strip() == heading.strip() else traceback


class ErrorOutput(QWidget):
    """A cell's error: a bold "ValueError: bad" header over the traceback, error-tinted.
    The traceback's own last line, which says the same as the header, is not repeated.

    ``error.line`` stays on :attr:`error` for a caller that links it to the editor.
    """

    def __init__(self, error: CellError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = error
        self.header = QLabel(self)
        heading = f"{error.ename}: {error.evalue}" if error.evalue else error.ename
        self.header.setText(heading)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = monospace()
        font.setBold(True)
        self.header.setFont(font)
        self.traceback = TextOutput(tint="error", parent=self)
        trace = _without_last_line(error.traceback.rstrip("\n"), heading)
        self.traceback.append_text(trace)
        self.traceback.flush()
        self.has_traceback = bool(trace.strip())
        self.traceback.setVisible(self.has_traceback)

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
        #: The output each piece shows (a piece updated in place keeps its index).
        self._sources: list[Output] = []
        self._error_piece: ErrorOutput | None = None
        self._table_source: TableSource | None = None
        self._control_sink: ControlSink | None = None
        self._summarise_errors = False
        self._error_said = False
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
        """Show exactly ``outputs`` and ``error`` (a cell was reset or finished); text shows at
        once, unbatched. Pieces that line up with the new outputs are reused in place."""
        self.reconcile(outputs, error, final=True)

    def reconcile(
        self, outputs: Sequence[Output], error: CellError | None = None, *, final: bool = False
    ) -> bool:
        """Bring the pieces in line with ``outputs``, position by position: a text piece takes
        the new text of an output of the same shape (a re-run printing a new value: no widget
        rebuilt, the layout does not jump); from the first that does not line up, the pieces
        are rebuilt. Until ``final`` (the run ended), pieces past the new outputs stay: they
        are the last run's, still on screen (its error too). Returns whether none of those is left."""
        kept = 0
        for piece, source, output in zip(self._pieces, self._sources, outputs, strict=False):
            text = _plain_text_of(output, source)
            if text is None or not isinstance(piece, TextOutput):
                break
            if output != source:
                piece.replace_text(text)
                self._sources[kept] = output
            kept += 1
        if kept < len(outputs) or final:
            self._drop_from(kept)
            for output in outputs[kept:]:
                self.append(output)
            self.flush()
        if final:
            self.set_error(error)
        return len(self._pieces) == len(outputs) and (final or self._error_piece is None)

    def _drop_from(self, index: int) -> None:
        """Remove the pieces from ``index`` on."""
        doomed = self._pieces[index:]
        for piece in doomed:
            self._remove(piece)
        del self._pieces[index:]
        del self._sources[index:]
        self._table_outputs = [(w, o) for w, o in self._table_outputs if w not in doomed]

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
            self._add_piece(piece, output)
        else:
            rich = rich_output_widget(output, self, self._table_source, self._control_sink)
            if TABLE_MIME in output.data or CONTROL_MIME in output.data:  # a table control too
                self._table_outputs.append((rich, output))
            self._add_piece(rich, output)

    def _add_piece(self, piece: QWidget, source: Output) -> None:
        # After the omitted-output note, before the error (if any).
        self._layout.insertWidget(1 + len(self._pieces), piece)
        self._pieces.append(piece)
        self._sources.append(source)

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
            piece = rich_output_widget(output, self, source, self._control_sink)
            position = self._pieces.index(old)
            self._pieces[position] = piece
            self._layout.insertWidget(1 + position, piece)
            self._remove(old)
            rebuilt.append((piece, output))
        self._table_outputs = rebuilt

    def table_source(self) -> TableSource | None:
        return self._table_source

    def set_control_sink(self, sink: ControlSink | None) -> None:
        """Who takes control changes (the coordinator); set before outputs are shown."""
        self._control_sink = sink

    def set_error(self, error: CellError | None) -> None:
        """Show ``error`` under the outputs, replacing any previous one (None removes it)."""
        if self._error_piece is not None:
            self._remove(self._error_piece)
            self._error_piece = None
        if error is not None:
            self._error_piece = ErrorOutput(error, self)
            self._layout.addWidget(self._error_piece)
            self.set_summarise_errors(self._summarise_errors)
            self.set_error_said(self._error_said)

    def set_error_said(self, said: bool) -> None:
        """The cell already says this error above the outputs (a syntax error it shows before
        anything runs): the error's header is not repeated, only the excerpt with its caret."""
        self._error_said = said
        piece = self._error_piece
        if piece is not None:
            piece.header.setVisible(not said or not piece.has_traceback)

    def set_summarise_errors(self, on: bool) -> None:
        """Show an error as its one-line header only, without the traceback (app view)."""
        self._summarise_errors = on
        piece = self._error_piece
        if piece is not None:
            piece.traceback.setVisible(not on and piece.has_traceback)

    def clear(self) -> None:
        """Remove every output and the error."""
        for piece in self._pieces:
            self._remove(piece)
        self._pieces.clear()
        self._sources.clear()
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
        if self._veil is None:
            self._veil = StaleVeil(self)
        self._veil.cover(stale)
        self.setToolTip("Out of date: re-run the cell to refresh its output" if stale else "")

    _veil: StaleVeil | None = None

    def is_stale(self) -> bool:
        return self._veil is not None and not self._veil.isHidden()


def _plain_text_of(new: Output, old: Output) -> str | None:
    """The text a piece that shows ``old`` can take to show ``new`` in place, or None when
    ``new`` needs a widget of its own (another stream, another kind of rich output)."""
    if isinstance(new, StreamText):
        return new.text if isinstance(old, StreamText) and old.stream == new.stream else None
    if (
        isinstance(old, StreamText)
        or set(new.data) != {"text/plain"}
        or set(old.data) != set(new.data)
    ):
        return None
    return new.data["text/plain"]
