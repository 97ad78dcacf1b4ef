"""Namespace values opened in the table viewer, kept as kernel tables while the viewer shows
them (protocol :class:`~kernel_worker.protocol.ViewVariable`).

A value is registered in the executor's :class:`~kernel_worker.tables.TableStore` under its
defining cell (the ``owner``), so it is paged, sorted and exported exactly like a displayed
table. One table per name at most: viewing a name again as the same value (same object, same
shape) answers with the same table; as another value, the old table goes first. A table is
dropped as soon as it can no longer show its name's value — before a plan runs its owner again
or deletes the name, after a plan bound the name to something else — and when the viewer
closes, so a big frame is never kept alive by a viewer of a value that is gone.

Nothing here runs user code: a value is recognised by its type's module and name (as
:func:`~kernel_worker.tables.is_table` does), and a numpy array is wrapped by pandas only when
the user's code has imported pandas already (the worker never imports it for this).
"""

from __future__ import annotations

import json
import sys

from kernel_worker.protocol import ReleaseTables, RunPlan, VariableTable, ViewVariable
from kernel_worker.tables import TableStore, is_table

TYPE_CHECKING = False  # typing is for the type checker only (see kernel_worker.protocol)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any


class _Opened:
    """A name's table: the value it was made from, its owner cell, its id, its description
    and the value's shape when it was made."""

    __slots__ = ("described", "owner", "shape", "table_id", "value")

    def __init__(self, value: Any, owner: str, table_id: str, described: str, shape: Any) -> None:
        self.value = value
        self.owner = owner
        self.table_id = table_id
        self.described = described
        self.shape = shape


def _shape(value: Any) -> Any:
    shape = getattr(type(value), "shape", None)
    return value.shape if shape is not None else None


def _is_array(value: Any) -> bool:
    cls = type(value)
    return cls.__name__ == "ndarray" and cls.__module__ == "numpy"


def _as_table(name: str, value: Any) -> tuple[Any, str]:
    """(a frame or Series to register, "") or (None, why ``value`` is not one)."""
    if is_table(value):
        return value, ""
    kind = type(value).__name__
    if not _is_array(value):
        article = "an" if kind[:1].lower() in "aeiou" else "a"
        return None, f"{name} is {article} {kind}, not a table (a DataFrame, a Series or an array)"
    if value.ndim not in (1, 2):
        return None, f"{name} is a {value.ndim}-dimensional array: only 1-D and 2-D ones are tables"
    pandas = sys.modules.get("pandas")  # never imported here: only if a cell imported it
    if pandas is None:
        return None, f"{name} is a numpy array: arrays open as tables once a cell imports pandas"
    wrap = pandas.DataFrame if value.ndim == 2 else pandas.Series
    return wrap(value, copy=False), ""


class VariableTables:
    """See the module docstring."""

    def __init__(self, tables: TableStore) -> None:
        self._tables = tables
        self._opened: dict[str, _Opened] = {}

    def view(self, namespace: Mapping[str, Any], request: ViewVariable) -> VariableTable:
        """The answer to ``request``; never raises."""
        name = request.name
        if name not in namespace:
            self._forget(name)
            return VariableTable(request.request_id, name, "", f"{name} is not defined", False)
        value = namespace[name]
        opened = self._opened.get(name)
        if (
            opened is not None
            and opened.value is value
            and opened.table_id in self._tables
            and opened.shape == _shape(value)
        ):
            return VariableTable(request.request_id, name, opened.described)
        self._forget(name)
        table, problem = _as_table(name, value)
        if table is None:
            return VariableTable(request.request_id, name, "", problem)
        owner = request.owner or f"~{name}"
        try:
            described = self._tables.register(owner, table)
        except Exception as exc:  # an exotic frame the store cannot page
            problem = f"{name} cannot be shown as a table: {type(exc).__name__}: {exc}"
            return VariableTable(request.request_id, name, "", problem)
        text = json.dumps(described, ensure_ascii=False)
        self._opened[name] = _Opened(value, owner, described["table_id"], text, _shape(value))
        return VariableTable(request.request_id, name, text)

    def release(self, request: ReleaseTables) -> None:
        """Forget the names whose tables the closed viewers showed."""
        gone = set(request.table_ids)
        for name in [n for n, o in self._opened.items() if o.table_id in gone]:
            self._forget(name)

    def before_plan(self, plan: RunPlan) -> None:
        """Forget names whose owner is about to run again or that the plan deletes (their
        values are about to go; holding them would keep them alive through the plan)."""
        if not self._opened:
            return
        deleted = set(plan.delete_names)
        running = {step.cell_id for step in plan.steps}
        for name, opened in list(self._opened.items()):
            if name in deleted or opened.owner in running:
                self._forget(name)

    def after_plan(self, namespace: Mapping[str, Any]) -> None:
        """Forget names the plan bound to another value (or removed)."""
        for name, opened in list(self._opened.items()):
            if namespace.get(name, _GONE) is not opened.value:
                self._forget(name)

    def _forget(self, name: str) -> None:
        opened = self._opened.pop(name, None)
        if opened is not None:
            self._tables.release(opened.table_id)

    def __len__(self) -> int:
        return len(self._opened)


_GONE = object()
