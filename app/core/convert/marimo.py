"""marimo notebooks (a ``.py`` file with ``app = marimo.App()`` and ``@app.cell`` functions) read
into a Cascade notebook, by parsing with ``ast`` — the file is never imported or run.

* Each ``@app.cell`` function body becomes a cell, without the ``return`` of the names it
  defines (marimo needs it, Cascade finds definitions itself); ``with app.setup:`` becomes the
  first cell; ``@app.function`` / ``@app.class_definition`` definitions become cells of their own;
  ``app._unparsable_cell("…")`` keeps its text (with a note).
* A cell that is only ``mo.md("literal")`` becomes a markdown cell.
* ``name = mo.sql(f"…")`` becomes a SQL cell with result ``name``; ``{x}`` fields reading a
  variable become ``{x}`` placeholders (bound parameters in Cascade, where marimo pasted the
  text in); literal braces are doubled. A query with other expressions in its fields stays
  Python.
* Anything else of marimo's API (``mo.ui.slider`` …) stays as code, with a note.
* ``import marimo as mo`` is dropped when no cell uses ``mo`` any more.
* The PEP 723 header (``requires-python``, ``dependencies``) is kept as the notebook's header.

marimo notebooks already define every name in one cell, so the renaming step changes nothing;
it still runs, and the result is checked by Cascade's graph like any import.
"""

from __future__ import annotations

import ast
import io
import re
import textwrap
import tokenize
from collections.abc import Sequence

from app.core.convert.cells import SourceCell
from app.core.convert.pipeline import DraftCell, finish
from app.core.convert.pysource import parse_module
from app.core.convert.report import Conversion, ConversionError, Note
from app.core.notebook import Notebook

__all__ = ["is_marimo_source", "read_marimo"]

_HEADER = re.compile(r"\A(?:#![^\n]*\n)?# /// script\n(?P<body>(?:#(?: [^\n]*)?\n)*?)# ///\n?")


def _is_app_decorator(node: ast.expr, app: str) -> str | None:
    """``cell``/``function``/``class_definition`` for ``@app.cell`` or ``@app.cell(...)``."""
    if isinstance(node, ast.Call):
        node = node.func
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == app
        and node.attr in ("cell", "function", "class_definition")
    ):
        return node.attr
    return None


def _app_name(tree: ast.Module) -> str | None:
    """The variable bound to ``marimo.App(...)`` (``app``), or None if there is none."""
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)
        ):
            func = node.value.func
            is_app = (isinstance(func, ast.Attribute) and func.attr == "App") or (
                isinstance(func, ast.Name) and func.id == "App"
            )
            if is_app:
                return node.targets[0].id
    return None


def _parse(text: str) -> ast.Module | None:
    try:
        return parse_module(text)
    except (SyntaxError, ValueError):
        return None


def is_marimo_source(text: str) -> bool:
    """Whether ``text`` is a marimo notebook (``marimo.App`` plus ``@app.cell`` functions)."""
    if "marimo" not in text or "App" not in text or "app" not in text:
        return False
    tree = _parse(text)
    if tree is None:
        return False
    app = _app_name(tree)
    if app is None:
        return False
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and any(
            _is_app_decorator(d, app) for d in node.decorator_list
        ):
            return True
        if isinstance(node, ast.With) and _is_setup(node, app):
            return True
    return False


def _is_setup(node: ast.With, app: str) -> bool:
    for item in node.items:
        expr = item.context_expr
        if isinstance(expr, ast.Call):
            expr = expr.func
        if (
            isinstance(expr, ast.Attribute)
            and isinstance(expr.value, ast.Name)
            and (expr.value.id, expr.attr) == (app, "setup")
        ):
            return True
    return False


class _Reader:
    """Cuts cells out of the file's text by the positions ``ast`` gives."""

    def __init__(self, text: str, tree: ast.Module, app: str) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.tree = tree
        self.app = app
        self.mo = _marimo_alias(tree)

    def body_text(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.With) -> str:
        """The function's (or ``with`` block's) body as it was written, dedented, without
        the final ``return`` of names."""
        body = node.body
        stop = node.end_lineno or node.lineno
        last = body[-1] if body else None
        if isinstance(last, ast.Return) and _returns_names(last):
            stop = last.lineno - 1
        first = self.header_end(node)
        text = "\n".join(self.lines[first:stop])
        return textwrap.dedent(text).strip("\n")

    def header_end(self, node: ast.stmt) -> int:
        """The line (1-based) holding the ``:`` that ends the ``def`` or ``with`` header."""
        start: int = node.lineno
        depth = 0
        source = "\n".join(self.lines[start - 1 :])
        try:
            for token in tokenize.generate_tokens(io.StringIO(source).readline):
                if token.type == tokenize.OP:
                    if token.string in "([{":
                        depth += 1
                    elif token.string in ")]}":
                        depth -= 1
                    elif token.string == ":" and depth == 0:
                        return start + token.start[0] - 1
        except (tokenize.TokenError, SyntaxError):
            pass
        return start

    def definition_text(self, node: ast.stmt) -> str:
        """A top-level ``def``/``class`` without its ``@app.…`` decorator."""
        decorators = [
            d for d in getattr(node, "decorator_list", []) if _is_app_decorator(d, self.app) is None
        ]
        start = min([node.lineno, *(d.lineno for d in decorators)])
        return "\n".join(self.lines[start - 1 : node.end_lineno]).strip("\n")

    def cells(self) -> tuple[list[DraftCell], list[Note]]:
        drafts: list[DraftCell] = []
        notes: list[Note] = []
        for node in self.tree.body:
            origin = len(drafts)
            if isinstance(node, ast.With) and _is_setup(node, self.app):
                drafts.append(self.draft(self.body_text(node), origin))
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                kinds = [_is_app_decorator(d, self.app) for d in node.decorator_list]
                if "cell" in kinds and not isinstance(node, ast.ClassDef):
                    title = node.name if node.name.strip("_") else ""
                    drafts.append(self.draft(self.body_text(node), origin, title))
                elif "function" in kinds or "class_definition" in kinds:
                    drafts.append(self.draft(self.definition_text(node), origin))
            elif unparsable := _unparsable_code(node, self.app):
                drafts.append(self.draft(unparsable, origin))  # reported as not parsing
        return [d for d in drafts if d.source.code.strip()], notes

    def draft(self, code: str, origin: int, title: str = "") -> DraftCell:
        meta = (("title", title),) if title else ()
        markdown = _markdown(code, self.mo)
        if markdown is not None:
            return DraftCell(SourceCell("markdown", markdown), origin, meta=meta)
        sql = _sql(code, self.mo)
        if sql is not None:
            cell, note = sql
            return DraftCell(cell, origin, meta=meta, notes=(note,))
        notes: tuple[Note, ...] = ()
        api = _marimo_api(code, self.mo)
        if api:
            shown = ", ".join(f"{self.mo}.{name}" for name in api[:4])
            notes = (
                Note(
                    None,
                    "marimo",
                    f"uses marimo's API ({shown}): kept as code; it needs marimo in the "
                    "kernel's Python, and its widgets are not interactive in Cascade",
                ),
            )
        return DraftCell(SourceCell("python", code), origin, meta=meta, notes=notes)


def _returns_names(node: ast.Return) -> bool:
    value = node.value
    if value is None or isinstance(value, ast.Name):
        return True
    return isinstance(value, ast.Tuple) and all(isinstance(e, ast.Name) for e in value.elts)


def _marimo_alias(tree: ast.Module) -> str:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "marimo" and alias.asname:
                    return alias.asname
    return "mo"


def _unparsable_code(node: ast.stmt, app: str) -> str | None:
    """The text of ``app._unparsable_cell(r\"\"\"…\"\"\")``."""
    if not isinstance(node, ast.Expr) or not isinstance(node.value, ast.Call):
        return None
    func = node.value.func
    if not (
        isinstance(func, ast.Attribute)
        and func.attr == "_unparsable_cell"
        and isinstance(func.value, ast.Name)
        and func.value.id == app
    ):
        return None
    args = node.value.args
    if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
        return textwrap.dedent(args[0].value).strip("\n")
    return None


def _single_call(code: str, mo: str, method: str) -> tuple[ast.Call, str | None] | None:
    """The ``mo.method(...)`` call a cell consists of (``name = mo.method(...)`` too)."""
    tree = _parse(code)
    if tree is None or len(tree.body) != 1:
        return None
    statement = tree.body[0]
    target: str | None = None
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        if not isinstance(statement.targets[0], ast.Name):
            return None
        target = statement.targets[0].id
        value = statement.value
    elif isinstance(statement, ast.Expr):
        value = statement.value
    else:
        return None
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == method
        and isinstance(value.func.value, ast.Name)
        and value.func.value.id == mo
        and value.args
    ):
        return value, target
    return None


def _clean(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def _markdown(code: str, mo: str) -> str | None:
    found = _single_call(code, mo, "md")
    if found is None or found[1] is not None or len(found[0].args) != 1 or found[0].keywords:
        return None
    argument = found[0].args[0]
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return _clean(argument.value)
    if isinstance(argument, ast.JoinedStr) and all(
        isinstance(v, ast.Constant) for v in argument.values
    ):
        return _clean("".join(str(v.value) for v in argument.values))  # type: ignore[attr-defined]
    return None


def _sql(code: str, mo: str) -> tuple[SourceCell, Note] | None:
    found = _single_call(code, mo, "sql")
    if found is None:
        return None
    call, target = found
    argument = call.args[0]
    parts: list[str] = []
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        parts.append(argument.value.replace("{", "{{").replace("}", "}}"))
    elif isinstance(argument, ast.JoinedStr):
        for value in argument.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value).replace("{", "{{").replace("}", "}}"))
            elif (
                isinstance(value, ast.FormattedValue)
                and isinstance(value.value, ast.Name)
                and value.conversion == -1
                and value.format_spec is None
            ):
                parts.append("{" + value.value.id + "}")
            else:
                return None
    else:
        return None
    engine = any(keyword.arg == "engine" for keyword in call.keywords)
    note = Note(
        None,
        "marimo",
        "`mo.sql` query: now a SQL cell with bound parameters; it runs against the notebook's "
        "database"
        + (" (marimo used another engine here)" if engine else " (marimo ran it in DuckDB)"),
        "warning" if engine else "info",
    )
    return SourceCell("sql", _clean("".join(parts)), target or "df"), note


def _marimo_api(code: str, mo: str) -> list[str]:
    """The ``mo.…`` attributes a cell still uses, in first-use order."""
    tree = _parse(code)
    if tree is None:
        return []
    seen: dict[str, None] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == mo
        ):
            seen.setdefault(node.attr)
    return list(seen)


def _drop_unused_import(drafts: Sequence[DraftCell], mo: str) -> list[DraftCell]:
    """Remove ``import marimo as mo`` when no cell uses ``mo`` any more."""
    statement = f"import marimo as {mo}" if mo != "marimo" else "import marimo"
    pattern = re.compile(rf"^{re.escape(statement)}[ \t]*(?:#[^\n]*)?$\n?", re.MULTILINE)
    uses = re.compile(rf"\b{re.escape(mo)}\b")
    if any(
        d.source.kind == "python" and uses.search(pattern.sub("", d.source.code)) for d in drafts
    ):
        return list(drafts)
    result = []
    for draft in drafts:
        if draft.source.kind == "python" and pattern.search(draft.source.code):
            code = pattern.sub("", draft.source.code).strip("\n")
            if not code.strip():
                continue
            draft = DraftCell(
                SourceCell("python", code), draft.origin, draft.cell_id, draft.meta, draft.notes
            )
        result.append(draft)
    return result


def _header(text: str) -> str:
    """The TOML of the file's PEP 723 header, if Cascade's file format can keep it."""
    match = _HEADER.match(text)
    if match is None:
        return ""
    lines = [line[2:] if line.startswith("# ") else "" for line in match.group("body").split("\n")]
    toml = "\n".join(lines).strip("\n")
    if not toml:
        return ""
    toml += "\n"
    from app.core.fileformat import dumps

    try:
        dumps(Notebook(extra_header=toml))
    except ValueError:
        return ""
    return toml


def _app_title(tree: ast.Module, app: str) -> str:
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and any(isinstance(t, ast.Name) and t.id == app for t in node.targets)
        ):
            for keyword in node.value.keywords:
                if keyword.arg == "app_title" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
    return ""


def read_marimo(text: str, *, name: str = "") -> Conversion:
    """A Cascade notebook from a marimo notebook's text (never imported or run)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    tree = _parse(text)
    if tree is None:
        raise ConversionError("not a marimo notebook: the file is not valid Python")
    app = _app_name(tree)
    if app is None or not is_marimo_source(text):
        raise ConversionError("not a marimo notebook: no `app = marimo.App()` with @app.cell")
    reader = _Reader(text, tree, app)
    drafts, notes = reader.cells()
    drafts = _drop_unused_import(drafts, reader.mo)
    return finish(
        drafts,
        source="marimo",
        name=_app_title(tree, app) or name,
        extra_header=_header(text),
        notes=notes,
    )
