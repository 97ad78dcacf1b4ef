"""The main window's actions, menus and toolbar, built in one place.

Each action calls a public method of the window; which ones exist and their shortcuts are
listed once here (and in :mod:`app.ui.dialogs.shortcuts` for the help dialog).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu

from app.ui.editor.preferences import editor_preferences

if TYPE_CHECKING:
    from app.ui.window.main_window import MainWindow


class WindowActions:
    """The window's QActions by name, plus which ones need an open notebook."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        w = window
        self.new = self._action("&New notebook", w.new_notebook, QKeySequence.StandardKey.New)
        self.open = self._action("&Open…", w.browse_open, QKeySequence.StandardKey.Open)
        self.save_as = self._action("Save &As…", w.save_as, "Ctrl+Shift+S")
        self.import_ = self._action(
            "&Import…", w.browse_import, tip="A Jupyter or marimo notebook, as a new notebook"
        )
        self.export = self._action("&HTML…", w.export_html, tip="One self-contained page")
        self.export_ipynb = self._action(
            "&Jupyter notebook…", w.export_ipynb, tip="A .ipynb with the outputs on screen"
        )
        self.rename = self._action("&Rename notebook…", w.rename_notebook)
        # Names for the palette and the shortcuts list, where the menu is not there to help.
        for action, name in (
            (self.export, "Export as HTML"),
            (self.export_ipynb, "Export as a Jupyter notebook"),
            (self.import_, "Import a Jupyter or marimo notebook"),
            (self.open, "Open a notebook"),
        ):
            action.setData(name)
        self.close = self._action("&Close", w.close, QKeySequence.StandardKey.Close)
        self._run_actions(w)
        self._view_actions(w)
        self.shortcuts = self._action("&Keyboard shortcuts", w.show_shortcuts, "Ctrl+K")
        self.palette = self._action(
            "Command &palette…", w.show_command_palette, "Ctrl+Shift+P", "Every command, searchable"
        )
        self.about = self._action("&About Cascade", w.show_about)
        self.undo.setEnabled(False)
        self.redo.setEnabled(False)
        self.notebook_actions = (
            self.save_as,
            self.rename,
            self.export,
            self.export_ipynb,
            self.run_all,
            self.interrupt,
            self.restart,
            self.autorun,
            self.interpreter,
            self.database,
            self.remember_controls,
            self.find,
            self.replace,
            self.find_next,
            self.find_previous,
            self.split,
            self.clear_output,
            self.clear_all_outputs,
            self.run_above,
            self.run_below,
        )

    def _run_actions(self, w: MainWindow) -> None:
        """Edit and Run: undo, running, the kernel and the notebook's settings."""
        self.undo = self._action(
            "&Undo", w.undo_structure, "Ctrl+Z", "Undo the last cell operation"
        )
        self.redo = self._action("&Redo", w.redo_structure, "Ctrl+Shift+Z", "Redo")
        self._edit_actions(w)
        self.run_all = self._action("Run &all", w.run_all, "Ctrl+Shift+R", "Run every cell")
        self.run_above = self._action(
            "Run all a&bove", w.run_above, tip="Every cell above the selected one"
        )
        self.run_below = self._action(
            "Run selected and be&low", w.run_below, tip="The selected cell and every cell below"
        )
        self.interrupt = self._action(
            "&Interrupt", w.interrupt, "Ctrl+I", "Interrupt the running cell"
        )
        self.restart = self._action(
            "&Restart kernel…", w.restart_kernel, "Ctrl+Shift+0", "Restart the kernel"
        )
        self.autorun = self._action(
            "Auto&run",
            w.toggle_autorun,
            tip="Run dependent cells automatically (off: lazy, mark them stale)",
        )
        self.autorun.setCheckable(True)
        self.autorun.setChecked(True)
        self.trust = self._action(
            "&Trust this notebook", w.trust_notebook, tip="Honour its interpreter and database"
        )
        self.interpreter = self._action(
            "Kernel &Python…", w.choose_interpreter, tip="Choose the Python the kernel runs in"
        )
        self.database = self._action(
            "&Database…", w.show_database_dialog, tip="Set the database SQL cells use"
        )

    def _edit_actions(self, w: MainWindow) -> None:
        """Edit: cut, copy and paste (the focused widget's own), find and replace."""
        self.cut = self._action("Cu&t", lambda: _on_focused("cut"))
        self.copy = self._action("&Copy", lambda: _on_focused("copy"))
        self.paste = self._action("&Paste", lambda: _on_focused("paste"))
        self.find = self._action(
            "&Find…", w.find_bar.open_find, "Ctrl+F", "Find in every cell of the notebook"
        )
        self.replace = self._action(
            "R&eplace…", lambda: w.find_bar.open_find(True), "Ctrl+H", "Find and replace"
        )
        self.split = self._action(
            "S&plit cell at cursor", w.split_cell, "Ctrl+Shift+-", "The rest goes to a cell below"
        )
        self.split.setShortcuts([QKeySequence("Ctrl+Shift+-"), QKeySequence("Ctrl+Shift+_")])
        self.clear_output = self._action(
            "C&lear output", w.clear_output, tip="Clear the selected cells' output"
        )
        self.clear_all_outputs = self._action(
            "Clear &all outputs", w.clear_all_outputs, tip="Nothing re-runs; values stay"
        )
        self.find_next = self._action("Find &next", w.find_bar.find_next, "F3")
        self.find_previous = self._action("Find pre&vious", w.find_bar.find_previous, "Shift+F3")

    def _view_actions(self, w: MainWindow) -> None:
        """View: the app view and remembered control values."""
        self.app_view = self._action(
            "&App view", w.toggle_app_view, "Ctrl+Shift+A", "Outputs and controls only, code hidden"
        )
        self.app_view.setCheckable(True)
        self.remember_controls = self._action(
            "&Remember control values",
            w.toggle_remember_controls,
            tip="Keep this notebook's control values in your data folder (never in the file)",
        )
        self.remember_controls.setCheckable(True)
        self._editor_view_actions()

    def _editor_view_actions(self) -> None:
        """View: the code's zoom and word wrap, app-wide and remembered
        (:mod:`app.ui.editor.preferences`; editors follow its signals)."""
        preferences = editor_preferences()
        self.zoom_in = self._action(
            "Zoom &in", lambda: preferences.zoom_by(1), tip="Larger code in every editor"
        )
        self.zoom_in.setShortcuts([QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        self.zoom_out = self._action(
            "Zoom &out", lambda: preferences.zoom_by(-1), "Ctrl+-", "Smaller code in every editor"
        )
        self.zoom_reset = self._action(
            "Reset &zoom", preferences.reset_zoom, "Ctrl+0", "Code at its normal size"
        )
        self.word_wrap = self._action(
            "&Word wrap",
            preferences.set_word_wrap,
            "Alt+Z",
            "Wrap long lines of code at the editor's width",
        )
        self.word_wrap.setCheckable(True)
        self.word_wrap.setChecked(preferences.word_wrap())
        # Another window's toggle changes this one's check mark too.
        preferences.wrap_changed.connect(self.word_wrap.setChecked)

    def _action(
        self,
        text: str,
        slot: Callable[..., object],
        shortcut: str | QKeySequence.StandardKey | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self._window)
        if isinstance(shortcut, QKeySequence.StandardKey):
            action.setShortcuts(shortcut)  # every platform binding (Close: Ctrl+W and Ctrl+F4)
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        return action

    def build_menus(self, fill_recent: Callable[[QMenu], None]) -> QMenu:
        """Menus and toolbar; returns the Open Recent menu (filled when it opens)."""
        bar = self._window.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.new)
        file_menu.addAction(self.open)
        recent = file_menu.addMenu("Open &Recent")
        recent.aboutToShow.connect(lambda: fill_recent(recent))
        file_menu.addAction(self.import_)
        for action in (self.save_as, self.rename):
            file_menu.addAction(action)
        self.export_menu = file_menu.addMenu("&Export")
        self.export_menu.addAction(self.export)
        self.export_menu.addAction(self.export_ipynb)
        file_menu.addSeparator()
        file_menu.addAction(self.close)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.undo)
        edit_menu.addAction(self.redo)
        edit_menu.addSeparator()
        for action in (self.cut, self.copy, self.paste):
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        for action in (self.find, self.replace, self.find_next, self.find_previous):
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        for action in (self.split, self.clear_output, self.clear_all_outputs):
            edit_menu.addAction(action)
        run_menu = bar.addMenu("&Run")
        for action in (self.run_all, self.run_above, self.run_below, self.interrupt, self.restart):
            run_menu.addAction(action)
        run_menu.addSeparator()
        for action in (self.autorun, self.database, self.interpreter, self.trust):
            run_menu.addAction(action)
        self.view_menu = bar.addMenu("&View")  # filled by app.ui.window.view_menu
        self.view_menu.addAction(self.app_view)
        self.view_menu.addAction(self.remember_controls)
        self.view_menu.addSeparator()
        for action in (self.zoom_in, self.zoom_out, self.zoom_reset, self.word_wrap):
            self.view_menu.addAction(action)
        self.view_menu.addSeparator()
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.palette)
        help_menu.addAction(self.shortcuts)
        help_menu.addAction(self.about)

        toolbar = self.toolbar = self._window.addToolBar("Notebook")
        toolbar.setObjectName("notebookToolbar")
        toolbar.setMovable(False)
        for action in (self.run_all, self.interrupt, self.restart, self.autorun):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.database)
        self.toolbar = toolbar  # dressed by app.ui.window.toolbar
        return recent

    def all(self) -> list[QAction]:
        """Every action of the window, in the order they were made (the command palette)."""
        return [value for value in vars(self).values() if isinstance(value, QAction)]

    def set_notebook_open(self, is_open: bool) -> None:
        for action in self.notebook_actions:
            action.setEnabled(is_open)


def _on_focused(operation: str) -> None:
    """Cut, copy or paste in the focused widget, when it can."""
    widget = QApplication.focusWidget()
    method = getattr(widget, operation, None)
    if callable(method):
        method()
