"""Cascade's text for a notebook (``dumps``); deterministic, and readable back to the same.

What it writes::

    # /// script                   PEP 723 header, always written, so the file is recognisably ours
    # requires-python = ">=3.11"   the lines of Notebook.extra_header …
    #                              … an empty TOML line is a bare "#"
    # [tool.cascade]
    # format = 1
    # name = "Orders"              omitted when the name is ""
    # database = "sqlite:///x.db"  omitted when None
    # ///
                                   one empty line before every marker
    # %% [sql] id="9a0e55d3" name="orders" other="kept"
    # SELECT 1                     markdown and SQL lines: "# " + line, "#" for an empty line

    # %% id="c02b7f18"
    orders                         Python lines: verbatim (escaped where they would read as
                                   structure: see docs/FILEFORMAT.md, "Escape")

It refuses (``ValueError``) what no load produces, so that every file it writes reads back equal.
"""

from __future__ import annotations

from app.core.fileformat.header import (
    MAX_HEADER_CHARS,
    HeaderProblem,
    merge_header,
    split_header,
)
from app.core.fileformat.passwords import strip_password
from app.core.fileformat.syntax import (
    ESCAPE,
    HEADER_CLOSE,
    HEADER_OPEN,
    KEY,
    MAX_CELLS,
    NEEDS_ESCAPE,
    split_lines,
)
from app.core.notebook import CELL_KINDS, Cell, Notebook


def dumps(nb: Notebook) -> str:
    """Cascade's text for a notebook; deterministic. ``ValueError`` for what could not read back."""
    _check_notebook(nb)
    lines = _header_lines(nb)
    for cell in nb.cells:
        lines.append("")
        lines.append(_marker_line(cell))
        lines.extend(_body_lines(cell))
    return "\n".join(lines) + "\n"


def _check_notebook(nb: Notebook) -> None:
    if len(nb.cells) > MAX_CELLS:
        raise ValueError(f"a notebook holds at most {MAX_CELLS:,} cells")
    if "\r" in nb.extra_header or "\x00" in nb.extra_header:
        raise ValueError("extra_header contains '\\r' or a NUL character")
    if nb.database is not None and strip_password(nb.database)[1] is not None:
        raise ValueError("the database URL holds a password; passwords are never saved in the file")
    for cell in nb.cells:
        _check_cell(cell)


def _check_cell(cell: Cell) -> None:
    where = f"cell {cell.id!r}"
    if cell.kind not in CELL_KINDS:
        raise ValueError(f"{where}: unknown kind {cell.kind!r}")
    _check_value(where, "id", cell.id)
    if "\r" in cell.code:
        raise ValueError(f"{where}: code contains '\\r', which reads back as a line break")
    if "\x00" in cell.code:
        raise ValueError(f"{where}: code contains a NUL character, which Python refuses in a file")
    if cell.kind == "sql":
        _check_value(where, "name", cell.name or "")
    elif cell.name is not None:
        raise ValueError(f"{where}: only SQL cells have a result name")
    for key, value in cell.meta:
        reserved = key == "id" or (key == "name" and cell.kind == "sql")
        if reserved or not KEY.fullmatch(key):
            raise ValueError(f"{where}: metadata key {key!r} cannot be written")
        _check_value(where, key, value, allow_empty=True)


def _check_value(where: str, key: str, value: str, *, allow_empty: bool = False) -> None:
    if not value and not allow_empty:
        raise ValueError(f"{where}: {key} must not be empty")
    if "\n" in value or "\r" in value:
        raise ValueError(f"{where}: {key} must be one line")
    if "\x00" in value:
        raise ValueError(f"{where}: {key} contains a NUL character")


def _header_lines(nb: Notebook) -> list[str]:
    try:
        text = merge_header(nb.extra_header, nb.name, nb.database)
        readback = split_header(text)
    except HeaderProblem as problem:
        raise ValueError(f"extra_header: {problem}") from None
    if readback != (nb.name, nb.database, nb.extra_header):
        raise ValueError(
            "extra_header would not read back unchanged (not a header text loading produces;"
            " see app.core.fileformat)"
        )
    toml_lines = split_lines(text)
    lines = [f"# {line}" if line else "#" for line in toml_lines]
    if sum(len(line) + 1 for line in lines) > MAX_HEADER_CHARS:
        raise ValueError(f"the header would be longer than {MAX_HEADER_CHARS // 1024} KiB")
    return [HEADER_OPEN, *lines, HEADER_CLOSE]


def _marker_line(cell: Cell) -> str:
    parts = ["# %%"]
    if cell.kind != "python":
        parts.append(f"[{cell.kind}]")
    parts.append(_pair("id", cell.id))
    if cell.kind == "sql":
        parts.append(_pair("name", cell.name or ""))
    parts.extend(_pair(key, value) for key, value in cell.meta)
    return " ".join(parts)


def _pair(key: str, value: str) -> str:
    quoted = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'{key}="{quoted}"'


def _body_lines(cell: Cell) -> list[str]:
    lines = cell.code.split("\n") if cell.code else []
    if cell.kind != "python":
        lines = [f"# {line}" if line else "#" for line in lines]
    return [ESCAPE + line if NEEDS_ESCAPE.match(line) else line for line in lines]
