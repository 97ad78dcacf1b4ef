"""The window's side panels as dock widgets: made once per window, toggled from View (their
visibility remembered), pointed at the notebook the window shows, refreshed after the
coordinator's events (at most one refresh per REFRESH_MS)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager, nullcontext

from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QWidget

from app.coordinator.coordinator import Coordinator
from app.coordinator.events import (
    CellStateChanged,
    CellStatesChanged,
    CoordinatorEvent,
    KernelStateChanged,
    NotebookLoaded,
)
from app.ui.bridge import CoordinatorBridge
from app.ui.cells.notebook_view import NotebookView
from app.ui.panels.dependencies import DependenciesPanel
from app.ui.panels.outline import OutlinePanel
from app.ui.panels.table_viewer import TableViewers
from app.ui.panels.variables import VariablesPanel, variable_rows
from app.ui.tasks import spawn

#: Starting width of the right-hand panels (pixels).
RIGHT_WIDTH = 380
#: Below this window width the open panels fold away (not forgotten) so the notebook column
#: keeps a readable width, and unfold when the window is wide again: at 800 x 600 three open
#: panels left the code 430 px (marimo folds its panels into a rail the same way).
NARROW_WIDTH = 1100
#: Panels follow the notebook at most this often: a cascade sends several events (queued,
#: done, analysis) and the cells' own results come first; each refresh of the three panels
#: cost about as much as the cells' widgets of a 100-cell re-run (benchmarks/window.py).
REFRESH_MS = 100
_RUN_EVENTS = (CellStateChanged, CellStatesChanged, KernelStateChanged, NotebookLoaded)


class Panels(QObject):
    """See the module docstring."""

    def __init__(self, window: QMainWindow, view_menu: QMenu) -> None:
        super().__init__(window)
        self._window = window
        self._coordinator: Coordinator | None = None
        self._view: NotebookView | None = None
        self.outline = OutlinePanel()
        self.outline.jump_requested.connect(self._jump)
        self.dependencies = DependenciesPanel()
        self.dependencies.jump_requested.connect(self._jump)
        self.variables = VariablesPanel()
        self.variables.jump_requested.connect(self._jump)
        self.viewers = TableViewers(window)
        self.variables.open_requested.connect(self.viewers.open)
        self._viewers_dirty = False
        self._variables_in_flight = False
        self._variables_dirty = False
        self.docks: dict[str, QDockWidget] = {}
        self._add(
            "variables",
            "&Variables",
            self.variables,
            view_menu,
            Qt.DockWidgetArea.RightDockWidgetArea,
        )
        self._add(
            "outline", "&Outline", self.outline, view_menu, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self._add(
            "dependencies",
            "&Dependencies",
            self.dependencies,
            view_menu,
            Qt.DockWidgetArea.RightDockWidgetArea,
        )
        right = [self.docks["variables"], self.docks["dependencies"]]
        window.resizeDocks(right, [RIGHT_WIDTH, RIGHT_WIDTH], Qt.Orientation.Horizontal)
        window.resizeDocks(right, [260, 520], Qt.Orientation.Vertical)
        window.resizeDocks([self.docks["outline"]], [220], Qt.Orientation.Horizontal)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)

    def _add(
        self, key: str, title: str, widget: QWidget, menu: QMenu, area: Qt.DockWidgetArea
    ) -> None:
        dock = QDockWidget(title.replace("&", ""), self._window)
        dock.setObjectName(f"{key}Dock")
        dock.setWidget(widget)
        dock.setAllowedAreas(
            Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
        )
        self._window.addDockWidget(area, dock)
        settings_key = f"panels/{key}"
        dock.setVisible(
            QSettings("Cascade", "Cascade").value(settings_key, False) in (True, "true")
        )
        action = dock.toggleViewAction()
        action.setText(title)
        menu.addAction(action)
        dock.visibilityChanged.connect(lambda _v: self._remember(dock, settings_key))
        dock.visibilityChanged.connect(self._shown)
        self.docks[key] = dock

    def set_app_view(self, on: bool) -> None:
        """An app shows no panels: hide them (without forgetting the user's choice) and bring
        back the ones that were open when the app view ends."""
        if on:
            self._open_before_app = self._hide_open()
        else:
            self._show_again(self._open_before_app)
            self._open_before_app = []
        for dock in self.docks.values():
            dock.toggleViewAction().setEnabled(not on)

    def fit_width(self, width: int) -> None:
        """Fold the open panels when the window becomes narrower than NARROW_WIDTH, unfold
        them when it is wide again; the user's choice (and View's toggles) stay as they were."""
        narrow = width < NARROW_WIDTH
        if narrow == self._narrow or self._open_before_app:
            return
        self._narrow = narrow
        if narrow:
            self._folded = self._hide_open()
        else:
            self._show_again(self._folded)
            self._folded = []

    @contextmanager
    def _not_the_users_choice(self) -> Iterator[None]:
        """Show or hide docks without remembering it as the user's choice."""
        self._suspended = True
        try:
            yield
        finally:
            self._suspended = False

    def _hide_open(self) -> list[str]:
        """Hide the open panels (not the user's choice); their keys, to show them again."""
        keys = [key for key, dock in self.docks.items() if not dock.isHidden()]
        with self._not_the_users_choice():
            for key in keys:
                self.docks[key].hide()
        return keys

    def _show_again(self, keys: list[str]) -> None:
        with self._not_the_users_choice():
            for key in keys:
                self.docks[key].show()

    @property
    def folded(self) -> list[str]:
        """The panels folded away because the window is narrow."""
        return list(self._folded)

    def show_only(self, keys: Collection[str], *, remember: bool = True) -> None:
        """Show exactly the panels named in ``keys``; with ``remember=False`` (a screenshot)
        the user's saved choice is left as it was, for the next window they open."""
        quiet = self._not_the_users_choice() if not remember else nullcontext()
        with quiet:
            for key, dock in self.docks.items():
                dock.setVisible(key in keys)

    _suspended = False
    _narrow = False
    _open_before_app: list[str] = []  # noqa: RUF012 (replaced, never changed in place)
    _folded: list[str] = []  # noqa: RUF012 (replaced, never changed in place)

    def _shown(self, visible: bool) -> None:
        if visible:
            self._variables_dirty = True
            self.refresh()

    def _remember(self, dock: QDockWidget, key: str) -> None:
        if not self._window.isVisible() or self._suspended:
            return  # closing the window (or the app view) hides the docks: not the user's choice
        QSettings("Cascade", "Cascade").setValue(key, not dock.isHidden())

    def attach(
        self, coordinator: Coordinator, bridge: CoordinatorBridge, view: NotebookView
    ) -> None:
        """Show this notebook's state from now on."""
        self._coordinator = coordinator
        self._view = view
        self.viewers.attach(coordinator)
        bridge.notified.connect(self._on_event)
        view.selection_changed.connect(self.dependencies.follow)
        self.dependencies.follow(view.selected_id or "")
        self._variables_dirty = True
        self.refresh()

    def _on_event(self, event: CoordinatorEvent) -> None:
        if self._coordinator is None:
            return  # detached: the window closed
        if isinstance(event, _RUN_EVENTS):
            self._variables_dirty = True
            self._viewers_dirty = bool(self.viewers.viewers)
        if not self._refresh_timer.isActive():  # at most one refresh per REFRESH_MS
            self._refresh_timer.start()

    def detach(self) -> None:
        """The window closed: follow nothing any more (a refresh still queued is dropped)."""
        self._refresh_timer.stop()
        self._coordinator = None

    def refresh(self) -> None:
        c = self._coordinator
        if c is None or not self._window.isVisible():
            return
        if (
            self._variables_dirty
            and not self.docks["variables"].isHidden()
            and c.kernel_status != "busy"
        ):
            self.refresh_variables()
        if self._viewers_dirty and c.kernel_status != "busy":
            self._viewers_dirty = False
            self.viewers.refresh_all()  # a viewed name may hold another value now
        if not self.docks["outline"].isHidden():
            self.outline.refresh(c, c.cell_name)
        if not self.docks["dependencies"].isHidden():
            self.dependencies.refresh(c, c.cell_name)

    def refresh_variables(self) -> None:
        """Ask the worker for the namespace summary (one request at a time; again after the
        answer if the kernel ran something meanwhile)."""
        if self._variables_in_flight or self._coordinator is None:
            self._variables_dirty = True
            return
        self._variables_in_flight = True
        self._variables_dirty = False
        spawn(self._load_variables(self._coordinator))

    async def _load_variables(self, c: Coordinator) -> None:
        try:
            summaries = await c.describe_variables()
        finally:
            self._variables_in_flight = False
        if c is self._coordinator:
            self.variables.show_variables(
                variable_rows(summaries, c.kernel_names, c.graph, c.cell_name)
            )
            if self._variables_dirty:
                self._refresh_timer.start()

    def _jump(self, cell_id: str) -> None:
        if self._view is not None:
            self._view.focus_cell(cell_id)
