"""The table viewer: a kernel name (a DataFrame, Series or array) in a window of its own,
opened from the Variables panel.

The value stays in the kernel (protocol ``ViewVariable``, ``kernel_worker.variable_tables``);
the window shows it with the cells' own paged :class:`~app.ui.outputs.table_view.TableOutput`
(scrolling fetches rows, Copy and Export CSV… work the same), stretched to fill the window. It
asks again after every run: the same value keeps its table (and the view its place), a new
value replaces the table in the same window (the scroll position kept), and a name that is
gone, or no longer a table, is said in words instead of stale rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.coordinator.kernel_client import VariableTable
from app.core.words import plural
from app.ui.outputs.table_info import TableInfo, TableSource
from app.ui.outputs.table_view import TableOutput
from app.ui.tasks import spawn

#: The window's first size, at most this share of the screen.
DEFAULT_SIZE = (960, 620)
SCREEN_SHARE = 0.8
RESTARTED = "The kernel restarted: {name} is gone until the cell that defines it runs again."
NO_LONGER_DEFINED = "{name} is no longer defined."


class ViewerSource(TableSource, Protocol):
    """What a viewer needs of the coordinator: tables, the name's value, the kernel's pid."""

    async def view_variable(self, name: str) -> VariableTable: ...

    def release_tables(self, table_ids: tuple[str, ...]) -> None: ...

    @property
    def kernel_pid(self) -> int | None: ...


class FillingTable(TableOutput):
    """A :class:`TableOutput` that fills its window instead of showing at most a few rows."""

    def __init__(self, info: TableInfo, source: TableSource, parent: QWidget) -> None:
        super().__init__(info, source, parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def _fit_height(self, *_args: object) -> None:
        """The window sets the height."""


def shape_words(info: TableInfo) -> str:
    """ "1,000 rows × 3 columns" (the index is not counted)."""
    return (
        f"{plural(info.rows, 'row')} \N{MULTIPLICATION SIGN} {plural(len(info.columns), 'column')}"
    )


class TableViewer(QWidget):
    """See the module docstring. One per name; :class:`TableViewers` makes and finds them."""

    def __init__(self, name: str, source: ViewerSource, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("tableViewer")
        self.name = name
        self._source = source
        self.output: FillingTable | None = None
        #: The kernel process of the table last shown (a new one means it restarted).
        self._pid: int | None = None
        self._loading = False
        self._again = False
        self.closed = False
        #: Called with the viewer as it closes (its :class:`TableViewers` forgets it).
        self.on_close: Callable[[TableViewer], None] = lambda _viewer: None
        self.notice = QLabel(f"Loading {name}…", self)
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        font = self.notice.font()  # what happened to the name, plainly: a little larger
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.notice.setFont(font)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(10, 8, 10, 10)
        self._layout.addWidget(self.notice, 1)
        self.setWindowTitle(name)
        self.resize(*_first_size(self))

    # -- asking the kernel --------------------------------------------------------------------

    def refresh(self) -> None:
        """Ask the kernel for the name's value (one request at a time; once more after the
        answer when asked meanwhile)."""
        if self._loading:
            self._again = True
            return
        self._loading = True
        spawn(self._load())

    async def _load(self) -> None:
        try:
            answer = await self._source.view_variable(self.name)
        finally:
            self._loading = False
        if self.closed or not shiboken6.isValid(self):
            if answer.table:
                self._source.release_tables((TableInfo.from_json(answer.table).table_id,))
            return
        self.show_answer(answer)
        if self._again:
            self._again = False
            self.refresh()

    def show_answer(self, answer: VariableTable) -> None:
        """The table, or in words why there is none."""
        if not answer.table:
            self._say(self._problem(answer))
            return
        try:
            info = TableInfo.from_json(answer.table)
        except ValueError as exc:
            self._say(f"{self.name} cannot be shown: {exc}")
            return
        self._pid = self._source.kernel_pid
        self.setWindowTitle(f"{self.name} \N{EM DASH} {shape_words(info)}")
        if self.output is not None and self.output.info == info and not self.output.is_stale():
            return  # the same value: the view keeps its place, sort and selection
        self._show_table(info)

    def _problem(self, answer: VariableTable) -> str:
        if answer.defined:
            return answer.problem
        if self._pid is not None and self._source.kernel_pid != self._pid:
            return RESTARTED.format(name=self.name)
        return NO_LONGER_DEFINED.format(name=self.name)

    # -- showing ------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self._drop_output()
        self.notice.setText(text)
        self.notice.show()
        self.setWindowTitle(f"{self.name} \N{EM DASH} not shown")

    def _show_table(self, info: TableInfo) -> None:
        """Replace the table (a new value), keeping the scroll position where it still exists."""
        old = self.output
        position = _scroll_position(old) if old is not None else (0, 0)
        self._drop_output()
        self.output = FillingTable(info, self._source, self)
        self._layout.addWidget(self.output, 1)
        self.notice.hide()
        if position != (0, 0):
            QTimer.singleShot(0, lambda: _restore_scroll(self.output, position))

    def _drop_output(self) -> None:
        if self.output is not None:
            self.output.dispose()
            self.output.hide()
            self._layout.removeWidget(self.output)
            self.output.deleteLater()
            self.output = None

    def closeEvent(self, event: QCloseEvent) -> None:
        """The kernel may forget the table now (the frame is not kept for a closed window)."""
        self.closed = True
        if self.output is not None:
            self._source.release_tables((self.output.info.table_id,))
        self._drop_output()
        self.on_close(self)
        super().closeEvent(event)


def _first_size(widget: QWidget) -> tuple[int, int]:
    width, height = DEFAULT_SIZE
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        available = screen.availableGeometry()
        width = min(width, int(available.width() * SCREEN_SHARE))
        height = min(height, int(available.height() * SCREEN_SHARE))
    return width, height


def _scroll_position(output: TableOutput) -> tuple[int, int]:
    view = output.view
    return view.verticalScrollBar().value(), view.horizontalScrollBar().value()


def _restore_scroll(output: TableOutput | None, position: tuple[int, int]) -> None:
    if output is None or not shiboken6.isValid(output):
        return
    output.view.verticalScrollBar().setValue(position[0])  # clamped to the new range
    output.view.horizontalScrollBar().setValue(position[1])


class TableViewers(QObject):
    """The open viewers of one window, by name: opening a name twice raises its viewer."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._window = parent
        self._source: ViewerSource | None = None
        self.viewers: dict[str, TableViewer] = {}

    def attach(self, source: ViewerSource) -> None:
        """Show this notebook's names from now on (viewers of the previous one close)."""
        if source is not self._source:
            self.close_all()
        self._source = source

    def open(self, name: str) -> TableViewer | None:
        viewer = self.viewers.get(name)
        if viewer is None:
            if self._source is None:
                return None
            viewer = TableViewer(name, self._source, self._window)
            viewer.on_close = self._forget
            self.viewers[name] = viewer
            viewer.refresh()
        viewer.show()
        viewer.raise_()
        viewer.activateWindow()
        return viewer

    def _forget(self, viewer: TableViewer) -> None:
        if self.viewers.get(viewer.name) is viewer:
            del self.viewers[viewer.name]

    def refresh_all(self) -> None:
        for viewer in list(self.viewers.values()):
            viewer.refresh()

    def close_all(self) -> None:
        for viewer in list(self.viewers.values()):
            viewer.close()
        self.viewers.clear()
