"""The entry point: one Jupyter code cell's IPython syntax as plain Python (or a markdown or
SQL cell). The package docstring says what each piece of syntax becomes."""

from __future__ import annotations

import re
import textwrap

from app.core.convert.magics.cell_magics import CELL_MAGICS
from app.core.convert.magics.scanner import transform_lines
from app.core.convert.magics.sql import sql_cell
from app.core.convert.magics.syntax import MAGIC_NAME
from app.core.convert.magics.translation import (
    CellTranslation,
    MagicNote,
    MagicResult,
    commented_out,
    import_lines,
)
from app.core.convert.report import Severity

__all__ = ["transform_ipython"]


_FUTURE = re.compile(r"from\s+__future__\s+import\b")


def _split_futures(code: str) -> tuple[list[str], str]:
    """``from __future__`` lines at the start of ``code`` (they must stay first) and the rest."""
    lines = code.split("\n")
    futures = []
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        if _FUTURE.match(stripped):
            futures.append(stripped)
        elif stripped and not stripped.startswith("#"):
            break
        index += 1
    if not futures:
        return [], code
    rest = [line for line in lines[:index] if not _FUTURE.match(line.strip())] + lines[index:]
    return futures, "\n".join(rest)


def _first_line(code: str) -> tuple[str, str] | None:
    """(magic line, body) of a cell starting with ``%%`` (leading blank lines allowed)."""
    stripped = code.lstrip("\n")
    lines = stripped.split("\n")
    if not lines[0].startswith("%%"):
        return None
    return lines[0], "\n".join(lines[1:])


def transform_ipython(code: str, known: frozenset[str] | None = None) -> MagicResult:
    """Plain Python (or a markdown or SQL cell) for one Jupyter code cell.

    ``known``: names the notebook defines; ``{x}`` and ``$x`` in shell commands expand only
    when they name one of these (else IPython would pass them to the shell unchanged).
    ``None`` expands every expression that parses.
    """
    out = CellTranslation()
    if code.lstrip("\n")[:1] in (" ", "\t"):
        code = textwrap.dedent(code)  # as IPython does with a cell that starts indented
    first = _first_line(code)
    if first is not None:
        magic_line, body = first
        name_match = MAGIC_NAME.match(magic_line[2:])
        name = name_match.group("name") if name_match else ""
        args = name_match.group("args") if name_match else ""
        if name in ("markdown", "md"):
            return MagicResult(
                "markdown", body.strip("\n"), (MagicNote("`%%markdown` cell: now a markdown cell"),)
            )
        if name == "sql":
            return sql_cell(args, body, out, known)
        futures, body = _split_futures(body)
        handler = CELL_MAGICS.get(name)
        lines = handler(args, body, out, known) if handler is not None else None
        if lines is None:
            severity: Severity = "warning"
            why = "cell magic not converted"
            if name in ("javascript", "js"):
                out.note("`%%javascript` cannot run in Cascade: commented out", severity)
            else:
                out.note(
                    f"`%%{name}` has no Cascade equivalent: the cell is commented out", severity
                )
            lines = commented_out(f"{magic_line}\n{body}".rstrip("\n"), why)
        code = "\n".join([*futures, *lines])
    else:
        code = transform_lines(code, out, known)
    header = import_lines(list(out.imports))
    if header:
        futures, rest = _split_futures(code)
        code = "\n".join([*futures, *header, rest])
    return MagicResult("python", code, tuple(out.notes), None, out.database)
