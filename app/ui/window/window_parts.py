"""What the main window's parts share: its widgets and notebook, the registry of open
windows, and the small questions every part asks (confirm, show an error, the title).

The window is put together from one mixin per job, each in its own module — opening
(:mod:`.opening`), saves and the file on disk (:mod:`.saves`), exports (:mod:`.exports`), trust
(:mod:`.trust_prompts`), the notebook's settings (:mod:`.notebook_settings`) and closing
(:mod:`.closing`); :class:`~app.ui.window.main_window.MainWindow` builds the widgets and
dispatches coordinator events. Each mixin derives from this class so the type checker sees
every member it uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QFileSystemWatcher
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QStackedWidget

from app.coordinator.coordinator import Coordinator
from app.ui.bridge import CoordinatorBridge
from app.ui.cells.notebook_view import NotebookView
from app.ui.dialogs.database_dialog import DatabaseDialog
from app.ui.dialogs.import_dialog import ImportDialog
from app.ui.panels.docks import Panels
from app.ui.window.actions import WindowActions
from app.ui.window.banners import ChangedOnDiskBar, SaveFailedBar, TrustBar, UndoToast
from app.ui.window.find_bar import FindBar
from app.ui.window.start_screen import StartScreen
from app.ui.window.toolbar import NotebookToolbar
from app.ui.window.view_menu import ViewMenu

if TYPE_CHECKING:
    from app.coordinator.events import CoordinatorEvent, ModeChanged
    from app.core.trust import TrustRequest

APP_NAME = "Cascade"


class WindowParts(QMainWindow):
    """The members the window's mixins share (see the module docstring)."""

    #: Windows by notebook path, so opening an open notebook focuses its window.
    open_windows: ClassVar[dict[Path, WindowParts]] = {}
    #: Every window not closed yet (also those showing a notebook with no file).
    windows: ClassVar[set[WindowParts]] = set()

    coordinator: Coordinator | None
    view: NotebookView | None
    bridge: CoordinatorBridge | None
    database_dialog: DatabaseDialog | None
    import_dialog: ImportDialog | None
    last_error: str
    _pending: bool
    _closed: bool
    _save_error_shown: bool
    _trust_question_open: bool
    start_screen: StartScreen
    changed_bar: ChangedOnDiskBar
    trust_bar: TrustBar
    save_failed_bar: SaveFailedBar
    undo_toast: UndoToast
    find_bar: FindBar
    stack: QStackedWidget
    kernel_label: QLabel
    database_label: QLabel
    saved_label: QLabel
    watcher: QFileSystemWatcher
    commands: WindowActions
    view_menu: ViewMenu
    toolbar: NotebookToolbar
    panels: Panels

    if TYPE_CHECKING:  # provided by the mixins and the main window

        def open_path(self, path: str) -> bool: ...

        def refresh_recovered(self) -> None: ...

        def ask_save_path(self, start: str) -> str: ...

        def save_as(self) -> None: ...

        def trust_notebook(self) -> None: ...

        def _show_trust(self, trusted: bool, requests: tuple[TrustRequest, ...]) -> None: ...

        def _trusted_or_asked(self, what: str) -> bool: ...

        def undo_structure(self) -> None: ...

        def _on_event(self, event: CoordinatorEvent) -> None: ...

        def _show_mode(self, event: ModeChanged) -> None: ...

    def confirm(self, title: str, text: str) -> bool:
        """Ask yes/no (tests replace this to answer without a modal dialog)."""
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def _show_error(self, title: str, text: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, self
        )
        box.open()
        self.last_error = text

    def _set_pending(self, pending: bool) -> None:
        self._pending = pending
        self._update_title()

    def _update_title(self) -> None:
        if self.coordinator is None:
            self.setWindowTitle(APP_NAME)
            return
        c = self.coordinator
        name = c.notebook.name or (c.path.stem if c.path else "Untitled")
        modified = self._pending or c.save_blocked or (c.path is None and c.has_unsaved_work)
        read_only = " [read-only]" if c.read_only else ""
        self.setWindowTitle(f"{name}{read_only}{' •' if modified else ''} — {APP_NAME}")
