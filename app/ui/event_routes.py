"""One typed way for a widget to handle coordinator events: a route per event type.

``routes.on(CellStateChanged, self._on_state)`` is checked by the type checker (the handler
takes that event); :meth:`EventRoutes.dispatch` calls the handlers of the event's exact type.
The notebook view and the main window each hold one and dispatch every event the bridge
forwards through it, so an event type is handled the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from app.coordinator.events import CoordinatorEvent

E = TypeVar("E")


class EventRoutes:
    """Handlers by event type (see the module docstring)."""

    def __init__(self) -> None:
        self._routes: dict[type, list[Callable[[Any], None]]] = {}

    def on(self, kind: type[E], handler: Callable[[E], None]) -> None:
        self._routes.setdefault(kind, []).append(handler)

    def handles(self, kind: type) -> bool:
        return kind in self._routes

    def dispatch(self, event: CoordinatorEvent) -> None:
        for handler in self._routes.get(type(event), ()):
            handler(event)
