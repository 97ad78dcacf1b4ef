"""Short summaries of the user's names for the Variables panel, in bounded time each.

Only values we know are described by value (numbers, short strings, containers by length,
tables and arrays by shape, read from attributes that cost O(1) or O(columns)); anything else
is named by its type alone, because calling the ``__repr__`` of an arbitrary object can take
any time or memory. Every description is wrapped: a broken property never fails the answer.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable, Mapping
from typing import Any

from kernel_worker.protocol import DescribeNamespace, NamespaceSummary, VariableInfo

#: Longest text shown for a value.
MAX_SUMMARY = 60
_SCALARS = (int, float, complex, bool, type(None))
_SIZED = (list, tuple, set, frozenset, dict, range)


def describe_namespace(
    namespace: Mapping[str, Any], request: DescribeNamespace
) -> NamespaceSummary:
    """The answer to ``request``: one :class:`VariableInfo` per name present."""
    return NamespaceSummary(request.request_id, tuple(describe_all(namespace, request.names)))


def describe_all(namespace: Mapping[str, Any], names: Iterable[str]) -> list[VariableInfo]:
    found = []
    for name in names:
        if name in namespace:
            found.append(describe(name, namespace[name]))
    return found


def describe(name: str, value: Any) -> VariableInfo:
    """One name's summary; never raises."""
    kind = type(value)
    try:
        return VariableInfo(name, _type_name(kind), _clip(_summary(value)), _size(value))
    except Exception:  # a property that raises, a recursion: still list the name
        return VariableInfo(name, _type_name(kind), "", -1)


def _type_name(kind: type) -> str:
    return kind.__qualname__ if kind.__module__ == "builtins" else kind.__name__


def _summary(value: Any) -> str:
    if isinstance(value, _SCALARS):
        return repr(value)
    if isinstance(value, str | bytes):
        head = repr(value[:MAX_SUMMARY])
        return head if len(value) <= MAX_SUMMARY else f"{head}… (len {len(value):,})"
    if isinstance(value, _SIZED):
        return f"len {len(value):,}"
    if isinstance(value, types.ModuleType):
        return f"module {value.__name__}"
    if isinstance(value, types.FunctionType | types.BuiltinFunctionType | type):
        return f"{value.__qualname__}"
    shape = _attribute(value, "shape")
    if isinstance(shape, tuple) and all(isinstance(n, int) for n in shape):
        columns = _attribute(value, "columns")
        if len(shape) == 2 and columns is not None:  # a DataFrame (pandas, polars)
            return f"{_count(shape[0], 'row')} × {_count(shape[1], 'column')}"
        dtype = _attribute(value, "dtype")
        if len(shape) == 1 and dtype is not None and _attribute(value, "index") is not None:
            return f"{_count(shape[0], 'row')}, {dtype}"  # a Series
        return f"{shape} {dtype}" if dtype is not None else str(shape)
    return ""


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _attribute(value: Any, name: str) -> Any:
    """An attribute read from the type's data (no __getattr__ of the object's own)."""
    try:
        return getattr(value, name) if hasattr(type(value), name) else None
    except Exception:
        return None


def _size(value: Any) -> int:
    nbytes = _attribute(value, "nbytes")
    if isinstance(nbytes, int):
        return nbytes
    memory_usage = _attribute(value, "memory_usage")
    if callable(memory_usage) and _attribute(value, "columns") is not None:
        total = memory_usage(index=True, deep=False).sum()  # O(columns), no deep scan
        return int(total)
    return sys.getsizeof(value)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_SUMMARY + 20 else text[: MAX_SUMMARY + 19] + "…"
