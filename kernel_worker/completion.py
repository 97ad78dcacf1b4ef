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

from kernel_worker.import_guard import outside, source_only
from kernel_worker.protocol import Complete, CompletionItem, Completions, Inspect, Inspection

TYPE_CHECKING = False  # typing is for the type checker only (see kernel_worker.protocol)
if TYPE_CHECKING:
    from typing import Any

#: A subscript being typed at the end of a line: ``name["prefix`` (or with single quotes).
_SUBSCRIPT = re.compile(r"""(?<![\w.])([A-Za-z_]\w*)\[\s*(["'])([^"'\\]*)$""")

#: Items that get a kind and a signature (each costs jedi an inference; the popup shows ten).
DETAILED_ITEMS = 30
#: A name being typed at the top level of a cell, outside brackets and strings.
_GLOBAL_WORD = re.compile(r"(?<![\w.])([A-Za-z_]\w*)$")
_IDENTIFIER = re.compile(r"\b[A-Za-z_]\w*\b")
#: A dotted name being typed: ``np.linalg.no`` -> ("np.linalg", "no").
_DOTTED_WORD = re.compile(r"(?<![\w.)\]])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\.(\w*)$")


def complete(
    namespace: dict[str, Any], request: Complete, folder: str | None = None
) -> Completions:
    """The completions at the request's position, or why there are none. Nothing compiled
    is loaded from ``folder`` (the notebook's): see :mod:`kernel_worker.import_guard`."""
    try:
        import jedi
    except ImportError:
        return Completions(request.request_id, unavailable=True)
    quick = global_names(namespace, request)
    if quick is None:
        quick = attribute_names(namespace, request)
    if quick is not None:
        return Completions(request.request_id, quick[: request.limit])
    # Completing runs none of the user's code: jedi reads live objects without calling their
    # properties or other descriptors (its default would call them).
    jedi.settings.allow_unsafe_interpreter_executions = False
    columns = column_items(namespace, request)
    try:
        # jedi infers lazily: describing the items is inside the guard too.
        with source_only(outside(folder)):
            script = jedi.Interpreter(request.code, [namespace])
            found = script.complete(request.line, request.column)
            if columns:  # a column, not a file, goes in df["
                found = [c for c in found if c.type != "path"]
            items = columns + tuple(
                describe(completion, detailed=index < DETAILED_ITEMS)
                for index, completion in enumerate(found[: request.limit])
            )
    except Exception as exc:  # jedi on odd code: report, never break the worker
        return Completions(request.request_id, error=f"{type(exc).__name__}: {exc}")
    return Completions(request.request_id, items[: request.limit])


def inspect_at(
    namespace: dict[str, Any], request: Inspect, folder: str | None = None
) -> Inspection:
    """Signature help (the call around the position) or, with ``docs``, the documentation of
    the name at it, from ``jedi.Interpreter`` over the live namespace (nothing compiled
    loaded from ``folder``, as in :func:`complete`)."""
    try:
        import jedi
    except ImportError:
        return Inspection(request.request_id, unavailable=True)
    jedi.settings.allow_unsafe_interpreter_executions = False
    try:
        with source_only(outside(folder)):
            script = jedi.Interpreter(request.code, [namespace])
            return inspection(script, request)
    except Exception as exc:  # jedi on odd code: report, never break the worker
        return Inspection(request.request_id, error=f"{type(exc).__name__}: {exc}")


def inspection(script: Any, request: Inspect) -> Inspection:
    """What a jedi script knows at the request's position."""
    signatures = script.get_signatures(request.line, request.column)
    name, signature, parameter = "", "", -1
    params: tuple[str, ...] = ()
    if signatures:
        first = signatures[0]
        name, signature = str(first.name), str(first.to_string())
        params = tuple(str(param.name) for param in first.params)
        parameter = first.index if first.index is not None else -1
    doc = module = path = ""
    line = 0
    if request.docs:
        names = script.help(request.line, request.column)
        if names:
            name = str(names[0].name)
            doc = str(names[0].docstring())
            module = str(names[0].module_name or "")
            path, line = source_of(names[0])
    return Inspection(
        request.request_id, name, signature, params, parameter, doc, module, path=path, line=line
    )


def source_of(name: Any) -> tuple[str, int]:
    """(source file, 1-based line) where a jedi name is defined; ("", 0) without source.

    Names jedi read from live objects carry no path: the object is found again by its full
    name among the imported modules (static attribute lookups: nothing runs) and ``inspect``
    says where its source is."""
    module_path = getattr(name, "module_path", None)
    if module_path is not None:
        if str(module_path).endswith((".py", ".pyi")):
            return str(module_path), int(name.line or 1)
        return "", 0
    import inspect

    target = _live_object(str(name.full_name or ""))
    target = getattr(target, "__func__", None) or getattr(target, "fget", None) or target
    try:
        path = inspect.getsourcefile(target)  # type: ignore[arg-type]
        if path and not path.startswith("<"):
            return path, max(inspect.getsourcelines(target)[1], 1)  # type: ignore[arg-type]
    except (TypeError, OSError):
        pass
    return _frozen_source(target)


def _frozen_source(target: object) -> tuple[str, int]:
    """Source of a function of a frozen standard module (``os``, ``posixpath`` in 3.11+):
    the module's ``__file__`` and the function's first line."""
    import sys

    module = sys.modules.get(str(getattr(target, "__module__", "")))
    path = str(getattr(module, "__file__", "") or "")
    code = getattr(target, "__code__", None)
    if not path.endswith(".py") or code is None:
        return "", 0
    return path, int(code.co_firstlineno)


def _live_object(full_name: str) -> object:
    """The object an imported module holds under ``full_name`` (None if none)."""
    import inspect
    import sys

    parts = full_name.split(".")
    for cut in range(len(parts), 0, -1):
        module = sys.modules.get(".".join(parts[:cut]))
        if module is not None:
            break
    else:
        return None
    found: object = module
    try:
        for attr in parts[cut:]:
            found = inspect.getattr_static(found, attr)
    except AttributeError:
        return None
    return found


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
    """A jedi completion as a protocol item (kind and detail for the first items only)."""
    if not detailed:
        return CompletionItem(completion.name, completion.complete or "")
    return CompletionItem(
        completion.name, completion.complete or "", str(completion.type), detail(completion)
    )


def global_names(namespace: dict[str, Any], request: Complete) -> tuple[CompletionItem, ...] | None:
    """A top-level name being typed, outside brackets, strings and imports, completes from the
    live namespace, the builtins, the keywords and the cell's own words — what jedi would
    offer there, without its inference over the builtins' stubs (a tenth of a second a
    request, measured: benchmarks/editor.py). None: anywhere else, jedi answers."""
    lines = request.code.split("\n")
    if 0 < request.line <= len(lines) and lines[request.line - 1][:1].isspace():
        return None  # inside a block: its local names are jedi's to know
    match = _plain_context(request, _GLOBAL_WORD)
    if match is None:
        return None
    import builtins
    import keyword

    typed = match.group(1)
    lower = typed.lower()
    found: dict[str, tuple[str, object]] = {}
    for name in _IDENTIFIER.findall(request.code):
        found.setdefault(name, ("statement", None))
    for name, value in vars(builtins).items():
        found[name] = (_kind(value), value)
    for name in keyword.kwlist:
        found[name] = ("keyword", None)
    for name, value in namespace.items():
        found[name] = (_kind(value), value)
    names = sorted(
        (n for n in found if n.lower().startswith(lower) and n != typed and not n.startswith("__")),
        key=lambda n: (n.startswith("_"), n.lower()),
    )
    return tuple(
        CompletionItem(
            name,
            name[len(typed) :],
            found[name][0],
            _detail(found[name][1]) if index < DETAILED_ITEMS else "",
        )
        for index, name in enumerate(names)
    )


def _plain_context(request: Complete, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """The match of ``pattern`` at the cursor when what comes before it is plain code: not
    inside brackets, a string, a comment or an import (where jedi knows better)."""
    lines = request.code.split("\n")
    if not 0 < request.line <= len(lines):
        return None
    before = lines[request.line - 1][: request.column]
    match = pattern.search(before)
    if match is None:
        return None
    head = before[: match.start()]
    opened = head.count("(") + head.count("[") + head.count("{")
    closed = head.count(")") + head.count("]") + head.count("}")
    if (
        opened != closed
        or head.count("'") % 2
        or head.count('"') % 2
        or "#" in head
        or head.lstrip().startswith(("import ", "from "))
    ):
        return None
    return match


def attribute_names(
    namespace: dict[str, Any], request: Complete
) -> tuple[CompletionItem, ...] | None:
    """``name.attr.prefix`` where every step is a plain attribute (a module, or a value in an
    object's ``__dict__`` — read with ``inspect.getattr_static``, so no property or other
    code of the user's runs): the names of ``dir()`` with their kinds, as IPython's own
    completer does, without jedi's inference of every attribute. None: jedi answers."""
    import inspect

    match = _plain_context(request, _DOTTED_WORD)
    if match is None:
        return None
    path, typed = match.group(1).split("."), match.group(2)
    if path[0] not in namespace:
        return None
    value: object = namespace[path[0]]
    for part in path[1:]:
        try:
            value = inspect.getattr_static(value, part)
        except AttributeError:
            return None
        if not _plain_value(value):
            return None
    try:
        attributes = dir(value)
    except Exception:  # an object whose __dir__ fails: jedi may still know it
        return None
    lower = typed.lower()
    names = sorted(
        (n for n in attributes if n.lower().startswith(lower) and n != typed),
        key=lambda n: (n.startswith("__"), n.startswith("_"), n.lower()),
    )
    items = []
    for index, name in enumerate(names[: request.limit]):
        try:
            static = inspect.getattr_static(value, name)
        except AttributeError:
            static = None  # made by __getattr__ (a DataFrame's columns, say)
        kind = _static_kind(static)
        detail = _detail(static) if index < DETAILED_ITEMS and kind != "property" else ""
        items.append(CompletionItem(name, name[len(typed) :], kind, detail))
    return tuple(items)


def _plain_value(value: object) -> bool:
    """A value reached without running code: not a descriptor whose ``__get__`` would."""
    import types

    if isinstance(value, types.ModuleType | type):
        return True
    return not hasattr(type(value), "__get__")


def _static_kind(value: object) -> str:
    import types

    if isinstance(value, property) or type(value).__name__ in (
        "cached_property",
        "getset_descriptor",
        "member_descriptor",
    ):
        return "property"
    if isinstance(value, staticmethod | classmethod):
        return "function"
    if isinstance(
        value, types.FunctionType | types.BuiltinFunctionType | types.MethodDescriptorType
    ):
        return "function"
    if value is None:
        return "instance"
    return _kind(value)


def _kind(value: object) -> str:
    import types

    if isinstance(value, types.ModuleType):
        return "module"
    if isinstance(value, type):
        return "class"
    if callable(value):
        return "function"
    return "instance"


def _detail(value: object) -> str:
    """A callable's signature, or a value's type."""
    if value is None:
        return ""
    if callable(value) and not isinstance(value, type):
        import inspect

        try:
            return f"{getattr(value, '__name__', '')}{inspect.signature(value)}"
        except (TypeError, ValueError):
            return getattr(value, "__name__", "")
    if isinstance(value, type):
        return f"class {value.__name__}"
    return type(value).__name__


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
