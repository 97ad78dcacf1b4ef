"""The one adapter from coordinator notifications to a Qt signal (CONVENTIONS.md)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.coordinator.coordinator import Coordinator
from app.coordinator.events import CoordinatorEvent


class CoordinatorBridge(QObject):
    """Re-emits every coordinator event as ``notified``; owns nothing else."""

    notified = Signal(object)
    """A :data:`CoordinatorEvent` (dispatch on its type)."""

    def __init__(self, coordinator: Coordinator, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = coordinator.subscribe(self._forward)

    def _forward(self, event: CoordinatorEvent) -> None:
        self.notified.emit(event)

    def detach(self) -> None:
        """Stop forwarding (safe to call twice: a window may be closed twice)."""
        self._unsubscribe()
        self._unsubscribe = lambda: None
