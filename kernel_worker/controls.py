"""The worker's side of reactive controls: which control is which, and the user's values.

A control (:mod:`kernel_worker.cascade_api`) belongs to the cell that created it: its id is the
cell's id and its place among the controls that cell run created (``"c3:0"``), so the same
control gets the same id when its cell runs again. The registry remembers the value the user
chose for each id together with the control's arguments; a control created again with the same
arguments gets the user's value back (if it is still valid), otherwise its new default
(docs/SEMANTICS.md §8).

It also provides ``import cascade`` in every kernel without installing anything: a finder placed
*last* on ``sys.meta_path`` answers for the name ``cascade`` only when nothing on ``sys.path``
does, so a user's own ``cascade.py`` (or an installed package of that name) always wins.

Stdlib only, and nothing heavy at import: the worker imports this module at start.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing is for the type checker only (see kernel_worker.protocol)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from kernel_worker.cascade_api import Control

#: The module name cells import.
PUBLIC_NAME = "cascade"
#: The module that implements it.
IMPLEMENTATION = "kernel_worker.cascade_api"


class ControlRegistry:
    """Controls by id (the latest of each) and the values the user chose for them."""

    def __init__(self) -> None:
        self.cell_id = ""
        self._created = 0
        self._instances = 0
        self.live: dict[str, Control] = {}
        #: id -> (the control's arguments (None: not created yet), the user's value, wire form)
        self._chosen: dict[str, tuple[str | None, Any]] = {}
        #: Keeps a frame in the kernel for paging and describes it (the executor sets it).
        self.describe_table: Callable[[Any], dict[str, Any]] | None = None

    def begin_cell(self, cell_id: str) -> None:
        """Controls created from now on belong to ``cell_id`` (numbered from 0 again); the
        controls of its previous run are let go (a table control holds its frame), while the
        user's values stay for the controls it creates again."""
        self.cell_id = cell_id
        self._created = 0
        if not self.live:
            return  # the usual cell: no control anywhere
        prefix = f"{cell_id}:"
        for control_id in [c for c in self.live if c.startswith(prefix)]:
            del self.live[control_id]

    def register(self, control: Control) -> tuple[str, int, Any]:
        """(id, instance number, the user's earlier value or None) for a new control."""
        control_id = f"{self.cell_id or 'outside'}:{self._created}"
        self._created += 1
        self._instances += 1
        self.live[control_id] = control
        chosen = self._chosen.get(control_id)
        kept: Any = None
        if chosen is not None:
            if chosen[0] is None or chosen[0] == control.signature():
                kept = chosen[1]  # the user's value (a preset: whatever its arguments)
                self._chosen[control_id] = (control.signature(), kept)
            else:
                del self._chosen[control_id]  # its arguments changed: the new default rules
        return control_id, self._instances, kept

    def set_value(self, control_id: str, wire_value: Any) -> str | None:
        """Give the control the user's value; None, or why it could not be set. A control
        its cell has not created yet (in this kernel) takes the value when it is created, if
        the value suits it (a remembered value, or one set before the kernel restarted)."""
        control = self.live.get(control_id)
        if control is None:
            self._chosen[control_id] = (None, wire_value)
            return None
        try:
            control._set_wire_value(wire_value)
        except (TypeError, ValueError) as exc:
            return f"{control.kind} {control.label or control_id}: {exc}"
        self._chosen[control_id] = (control.signature(), control._wire_value())
        return None

    def forget_cells(self, cell_ids: set[str]) -> None:
        """Controls of cells that no longer exist are gone with them (their values too)."""
        for control_id in [c for c in self.live if c.rsplit(":", 1)[0] in cell_ids]:
            self.live.pop(control_id, None)
            self._chosen.pop(control_id, None)


registry = ControlRegistry()


class _Alias:
    """Loader of the public module: a module of its own holding the implementation's public
    names (the implementation keeps its own name, so tracebacks and pickles name it)."""

    @staticmethod
    def create_module(spec: Any) -> None:
        return None  # the default module

    @staticmethod
    def exec_module(module: Any) -> None:
        import importlib

        implementation = importlib.import_module(IMPLEMENTATION)
        module.__doc__ = implementation.__doc__
        module.__all__ = list(implementation.__all__)
        for name in implementation.__all__:
            setattr(module, name, getattr(implementation, name))


class CascadeFinder:
    """Finds ``cascade`` when nothing else does (it sits last on ``sys.meta_path``)."""

    @staticmethod
    def find_spec(name: str, path: Any = None, target: Any = None) -> Any:
        if name != PUBLIC_NAME:
            return None
        import importlib.util

        return importlib.util.spec_from_loader(name, _Alias())  # type: ignore[arg-type]


def install_finder() -> None:
    """Make ``import cascade`` work in cells (after every finder of the user's modules)."""
    if not any(isinstance(f, CascadeFinder) for f in sys.meta_path):
        sys.meta_path.append(CascadeFinder())
