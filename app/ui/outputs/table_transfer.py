"""Copy and Export CSV… of a kernel table's widget: the selection goes to the clipboard as TSV
(rows not in memory fetched first, in big chunks), the whole table is written by the kernel."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QItemSelectionRange
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QLabel, QTableView, QWidget

from app.coordinator.kernel_client import TableExport
from app.core.words import plural
from app.ui.outputs.table_info import TableInfo, TableSource
from app.ui.outputs.table_model import KernelTableModel
from app.ui.outputs.table_paging import STALE_MESSAGE
from app.ui.tasks import spawn
from app.ui.theme import blend, colors_for, is_dark

#: Most rows Copy puts on the clipboard; a bigger selection copies its first rows and says so.
COPY_ROW_LIMIT = 100_000


def _tsv_field(text: str) -> str:
    """Quote a value the way spreadsheets expect when it contains a tab, newline or quote."""
    if any(ch in text for ch in '\t\n\r"'):
        return '"' + text.replace('"', '""') + '"'
    return text


class TableTransfer(QWidget):
    """The copy and export half of :class:`~app.ui.outputs.table_view.TableOutput` (which
    builds the widgets named here), with the result line beside its buttons."""

    info: TableInfo
    source: TableSource
    model: KernelTableModel
    view: QTableView
    message: QLabel
    export_button: QAbstractButton
    copy_row_limit: int
    _disposed: bool

    def _say(self, text: str, *, error: bool = False) -> None:
        """A short result line beside the buttons (copy/export), red for failures."""
        palette = self.message.palette()
        colors = colors_for(self.palette())
        if error:
            text_color = self.palette().color(QPalette.ColorRole.Text)
            red = QColor(255, 120, 115) if is_dark(self.palette()) else QColor(180, 20, 20)
            palette.setColor(QPalette.ColorRole.WindowText, blend(text_color, red, 0.85))
        else:
            palette.setColor(QPalette.ColorRole.WindowText, colors.muted_fg)
        self.message.setPalette(palette)
        self.message.setText(text)
        self.message.setToolTip(text)

    def _alive(self) -> bool:
        """Whether this widget may still be touched after an await."""
        return not self._disposed and shiboken6.isValid(self)

    # -- copy ---------------------------------------------------------------------------------

    def start_copy(self) -> None:
        """Ctrl+C or the Copy button: copy in the background (rows may need fetching)."""
        spawn(self.copy_selection())

    def _selection_ranges(self) -> list[QItemSelectionRange]:
        selection_model = self.view.selectionModel()
        if selection_model is None:
            return []
        selection = selection_model.selection()
        ranges = (selection.at(i) for i in range(selection.count()))
        return [r for r in ranges if r.isValid()]

    async def copy_selection(self) -> str | None:
        """Put the selected cells on the clipboard as TSV under a row of column names.

        Works from selection ranges (never per-cell indexes: a select-all of 10M rows is one
        range) and fetches rows not in memory first; at most :attr:`copy_row_limit` rows.
        Returns the text copied (None if nothing was).
        """
        ranges = self._selection_ranges()
        if not ranges:
            self._say("Select cells to copy")
            return None
        columns = sorted({c for r in ranges for c in range(r.left(), r.right() + 1)})
        spans = sorted((r.top(), r.bottom() + 1) for r in ranges)
        merged: list[list[int]] = []
        for top, bottom in spans:
            if merged and top <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], bottom)
            else:
                merged.append([top, bottom])
        selected_rows = sum(bottom - top for top, bottom in merged)
        limited: list[tuple[int, int]] = []
        budget = self.copy_row_limit
        for top, bottom in merged:
            if budget <= 0:
                break
            limited.append((top, min(bottom, top + budget)))
            budget -= limited[-1][1] - top
        single = len(ranges) == 1
        lines = ["\t".join(_tsv_field(self.model.column_name(c)) for c in columns)]
        copied = 0
        for top, bottom in limited:
            rows = await self.model.rows_between(top, bottom)
            if not self._alive():
                return None
            if rows is None:
                self._say("Nothing copied: " + STALE_MESSAGE.lower(), error=True)
                return None
            for offset, values in enumerate(rows):
                row = top + offset
                fields = []
                for c in columns:
                    inside = single or any(
                        r.top() <= row <= r.bottom() and r.left() <= c <= r.right() for r in ranges
                    )
                    fields.append(_tsv_field(values[c]) if inside and c < len(values) else "")
                lines.append("\t".join(fields))
            copied += len(rows)
        text = "\n".join(lines) + "\n"
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(text)
        if copied < selected_rows:
            self._say(
                f"Copied the first {plural(copied, 'row')} of {selected_rows:,} selected "
                f"(the limit is {self.copy_row_limit:,}; use Export CSV… for more)"
            )
        else:
            self._say(f"Copied {plural(copied, 'row')}")
        return text

    # -- export -------------------------------------------------------------------------------

    def export_with_dialog(self) -> None:
        """Ask where to write the CSV, then let the kernel write it."""
        path, _selected_filter = QFileDialog.getSaveFileName(
            self, "Export table as CSV", "table.csv", "CSV files (*.csv);;All files (*)"
        )
        if path:
            spawn(self.export_to(path))

    async def export_to(self, path: str) -> TableExport:
        """Have the kernel write the whole table, in the order shown, to ``path``."""
        self.export_button.setEnabled(False)
        self._say("Exporting…")
        try:
            result = await self.source.export_table(
                self.info.table_id, path, self.model.sort_column, self.model.ascending
            )
        except Exception as exc:  # shown to the user; the reporter gets it too
            if self._alive():
                self.export_button.setEnabled(True)
                self._say(f"Export failed: {exc}", error=True)
            raise
        if self._alive():
            self.export_button.setEnabled(True)
            self._say(result.message, error=not result.ok)
        return result
