"""Completion against the live namespace, with ``jedi`` (the library IPython and marimo use).

``jedi`` is imported on the first request, never at start (the worker is stdlib-only at
import): a kernel whose interpreter lacks it answers ``unavailable`` and the coordinator
completes statically instead. ``jedi.Interpreter`` sees the real objects, so a DataFrame's
dict's keys inside ``d["`` and a DataFrame's columns after ``df.`` complete without any code
of ours; a DataFrame's columns inside ``df["`` are added here (jedi offers file paths there),
as IPython's completer does, reading the columns of a plain name only (no code runs).
"""

from __future__ import annotations

import re

from kernel_worker.protocol import Complete, CompletionItem, Completions

TYPE_CHECKING = False  # typing is for the type checker only (see kernel_worker.protocol)
if TYPE_CHECKING:
    from typing import Any

#: A subscript being typed at the end of a line: ``name["prefix`` (or with single quotes).
_SUBSCRIPT = re.compile(r"""(?<![\w.])([A-Za-z_]\w*)\[\s*(["'])([^"'\\]*)$""")

#: Items that get a signature (computing one costs jedi a lookup; the rest show their kind).
DETAILED_ITEMS = 30


def complete(namespace: dict[str, Any], request: Complete) -> Completions:
    """The completions at the request's position, or why there are none."""
    try:
        import jedi
    except ImportError:
        return Completions(request.request_id, unavailable=True)
    try:
        script = jedi.Interpreter(request.code, [namespace])
        found = script.complete(request.line, request.column)
    except Exception as exc:  # jedi on odd code: report, never break the worker
        return Completions(request.request_id, error=f"{type(exc).__name__}: {exc}")
    columns = column_items(namespace, request)
    if columns:
        found = [c for c in found if c.type != "path"]  # a column, not a file, goes in df["
    items = columns + tuple(
        describe(completion, detailed=index < DETAILED_ITEMS)
        for index, completion in enumerate(found[: request.limit])
    )
    return Completions(request.request_id, items[: request.limit])


def column_items(namespace: dict[str, Any], request: Complete) -> tuple[CompletionItem, ...]:
    """A DataFrame's string column names for ``df["prefix`` (empty for anything else)."""
    lines = request.code.split("\n")
    if not 0 < request.line <= len(lines):
        return ()
    match = _SUBSCRIPT.search(lines[request.line - 1][: request.column])
    if match is None:
        return ()
    name, quote, typed = match.groups()
    frame = namespace.get(name)
    columns = getattr(type(frame), "columns", None)
    if columns is None or type(frame).__module__.split(".")[0] not in ("pandas", "polars"):
        return ()
    try:
        names = [c for c in list(frame.columns) if isinstance(c, str)]  # type: ignore[union-attr]
    except Exception:  # a frame-like object whose columns cannot be listed
        return ()
    return tuple(
        CompletionItem(f"{quote}{column}{quote}", f"{column[len(typed) :]}{quote}", "column", "")
        for column in names
        if column.lower().startswith(typed.lower())
    )


def describe(completion: Any, *, detailed: bool) -> CompletionItem:
    """A jedi completion as a protocol item."""
    kind = str(completion.type)
    return CompletionItem(
        completion.name, completion.complete or "", kind, detail(completion) if detailed else ""
    )


def detail(completion: Any) -> str:
    """One line about a completion: its signature for callables, else jedi's description."""
    try:
        if completion.type in ("function", "class"):
            signatures = completion.get_signatures()
            if signatures:
                return str(signatures[0].to_string()).replace("\n", " ")
        return str(completion.description).replace("\n", " ")
    except Exception:  # jedi could not infer it: the kind alone says enough
        return ""
