"""Cascade's text for a notebook (``dumps``); deterministic, and readable back to the same.

What it writes, laid out as Jupytext writes a percent file, so that a notebook with no Cascade
settings is byte for byte what Jupytext would write, but for the ``id="…"`` of each marker::

    # ---                          the preamble (a Jupytext YAML header), verbatim
    # jupyter: …
    # ---

    # /// script                   PEP 723 header, only when the notebook has settings
    # requires-python = ">=3.11"   the lines of Notebook.extra_header …
    # [tool.cascade]
    # format = 1
    # name = "Orders"              omitted when the name is ""
    # ///

    # %% [sql] id="9a0e55d3" name="orders" other="kept"
    # SELECT 1                     markdown, raw and SQL lines: "# " + line, "#" for an empty line

    # %% id="c02b7f18"
    orders                         Python lines: verbatim (escaped where they would read as
                                   structure: see docs/FILEFORMAT.md, "Escape")

Cells are followed by the blank lines PEP 8 wants (two around a definition, else one) or the
cell's ``lines_to_next_cell``. It refuses (``ValueError``) what no load produces, so that every
file it writes reads back equal.
"""

from __future__ import annotations

from app.core.fileformat.header import (
    MAX_HEADER_CHARS,
    HeaderProblem,
    merge_header,
    split_header,
)
from app.core.fileformat.layout import (
    CELL_MARKER,
    LINES_TO_NEXT_CELL,
    Spacing,
    content_end,
    is_blank,
    lines_after,
    quote_markdown,
    unquote_markdown,
)
from app.core.fileformat.markers import format_marker
from app.core.fileformat.passwords import strip_password
from app.core.fileformat.preamble import preamble_length
from app.core.fileformat.strings import StringParser
from app.core.fileformat.syntax import (
    ALWAYS_ESCAPED,
    ESCAPE,
    HEADER_CLOSE,
    HEADER_OPEN,
    KEY,
    MARKER,
    MAX_CELLS,
    split_lines,
)
from app.core.notebook import CELL_KINDS, Cell, Notebook

#: ``lines_to_next_cell`` values the layout can hold (a file's last cell: at least one).
_COUNTS = {"0": 0, "1": 1, "2": 2}


def dumps(nb: Notebook) -> str:
    """Cascade's text for a notebook; deterministic. ``ValueError`` for what could not read back."""
    _check_notebook(nb)
    head = nb.preamble
    if has_settings(nb) or not nb.cells:
        head += "\n".join(_header_lines(nb)) + "\n"
        if nb.cells:
            head += "\n"
    return head + "\n".join(_cell_lines(nb.cells))


def has_settings(nb: Notebook) -> bool:
    """Whether the notebook has something for the ``# /// script`` header to hold."""
    return bool(nb.name) or nb.database is not None or bool(nb.extra_header)


def _check_notebook(nb: Notebook) -> None:
    if len(nb.cells) > MAX_CELLS:
        raise ValueError(f"a notebook holds at most {MAX_CELLS:,} cells")
    if "\r" in nb.extra_header or "\x00" in nb.extra_header:
        raise ValueError("extra_header contains '\\r' or a NUL character")
    if nb.database is not None and strip_password(nb.database)[1] is not None:
        raise ValueError("the database URL holds a password; passwords are never saved in the file")
    _check_preamble(nb.preamble)
    for cell in nb.cells:
        _check_cell(cell)


def _check_preamble(preamble: str) -> None:
    if not preamble:
        return
    lines = split_lines(preamble)
    if (
        not preamble.endswith("\n")
        or "\r" in preamble
        or "\x00" in preamble
        or preamble_length([*lines, "# %%"]) != len(lines)
    ):
        raise ValueError("the preamble would not read back unchanged (not one loading produces)")


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
        if "\x00" in value:
            raise ValueError(f"{where}: {key} contains a NUL character")


def _check_value(where: str, key: str, value: str) -> None:
    if not value:
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


# -- cells -------------------------------------------------------------------------------------


def _cell_lines(cells: tuple[Cell, ...]) -> list[str]:
    """Every cell's marker, text and the blank lines after it; built from the last cell up,
    since the blank lines after a cell depend on what follows (as in Jupytext's writer)."""
    written: list[list[str]] = [[] for _ in cells]
    spacing = Spacing(written)
    for k in range(len(cells) - 1, -1, -1):
        written[k] = _write_cell(cells[k], k, spacing, last=k == len(cells) - 1)
    return [line for lines in written for line in lines]


def _write_cell(cell: Cell, k: int, spacing: Spacing, *, last: bool) -> list[str]:
    """A cell's lines. ``lines_to_next_cell`` and ``cell_marker`` at the end of its metadata
    are layout (blank lines, quotes), as the reader derives them; when the layout cannot hold
    them they are written in the marker like any other metadata."""
    meta = list(cell.meta)
    count = None
    if meta and meta[-1][0] == LINES_TO_NEXT_CELL and not _has_key(meta[:-1], LINES_TO_NEXT_CELL):
        count = _COUNTS.get(meta[-1][1])
        if last and count == 0:  # the end of the file counts as one blank line
            count = None
    lines_pair = meta.pop() if count is not None else None
    plain = _body_lines(cell)
    quoted = None
    if (
        cell.kind == "markdown"
        and meta
        and meta[-1][0] == CELL_MARKER
        and not _has_key(meta[:-1], CELL_MARKER)  # one in the marker: the reader derives none
    ):
        quoted = _quoted_body(cell.code, meta[-1][1])
    marker_pair = meta.pop() if quoted is not None else None
    body, blanks, expected = _layout(quoted or plain, count, k, spacing, last=last)
    if lines_pair is not None and count == expected:  # the blank lines alone would not tell
        if marker_pair is not None:  # then the quotes are not last: written in the marker too
            meta.append(marker_pair)
            body, blanks, expected = _layout(plain, count, k, spacing, last=last)
        if count == expected:
            meta.append(lines_pair)
            body, blanks, _ = _layout(body, None, k, spacing, last=last)
    indent = _marker_indent(cell, body)
    marker = format_marker(Cell(cell.id, cell.kind, cell.code, cell.name, tuple(meta)), indent)
    return [marker, *body, *([""] * blanks)]


def _has_key(meta: list[tuple[str, str]], key: str) -> bool:
    return any(pair[0] == key for pair in meta)


def _layout(
    body: list[str], count: int | None, k: int, spacing: Spacing, *, last: bool
) -> tuple[list[str], int, int]:
    """``(body, blank lines after it, PEP 8's count)``, the body's last line escaped when the
    reader would take it for a blank line between cells."""
    expected = spacing.expected(k, body)
    blanks = expected if count is None else count
    protected = _protect_last_line(body, blanks, last=last)
    if protected is not body:
        expected = spacing.expected(k, protected)
        blanks = expected if count is None else count
    return protected, blanks, expected


def _quoted_body(code: str, marker: str) -> list[str] | None:
    """A markdown cell as a triple-quoted string, when that reads back as the same text."""
    text = quote_markdown(code, marker)
    if text is None:
        return None
    lines = _escaped(text.split("\n"))
    if unquote_markdown("\n".join(_unescaped(lines))) != (code, marker):
        return None
    if _reads_as_markers(lines):
        return None
    return lines


def _unescaped(lines: list[str]) -> list[str]:
    return [line[len(ESCAPE) :] if line.startswith(ESCAPE) else line for line in lines]


def _reads_as_markers(lines: list[str]) -> bool:
    parser = StringParser()
    for line in lines:
        if not parser.is_quoted() and MARKER.match(line):
            return True
        parser.read_line(line)
    return False


def _body_lines(cell: Cell) -> list[str]:
    lines = cell.code.split("\n") if cell.code else []
    if cell.kind == "python":
        return _escaped(lines)
    if cell.kind == "markdown" and not lines:
        lines = [""]  # Jupytext writes an empty markdown cell as one "#" line
    return _escaped([f"# {line}" if line else "#" for line in lines])


def _escaped(lines: list[str]) -> list[str]:
    """Lines that would read as structure get :data:`ESCAPE`: a marker line outside strings
    (tracked as the reader tracks them), a ``# ///`` line, a line starting with the escape."""
    parser = StringParser()
    out = []
    for line in lines:
        marker = not parser.is_quoted() and MARKER.match(line) is not None
        out.append(ESCAPE + line if marker or line.startswith(ALWAYS_ESCAPED) else line)
        parser.read_line(line)
    return out


def _protect_last_line(body: list[str], blanks: int, *, last: bool) -> list[str]:
    """Escape a blank last line the reader would take for layout (code ending in blank lines
    that Jupytext's rule cannot tell from the blank lines between cells)."""
    if not body or not is_blank(body[-1]):
        return body
    cell = ["# %%", *body, *([""] * blanks)]
    lines = split_lines("\n".join(cell)) if last else cell
    end = content_end(lines)
    if end == len(body) + 1 and lines_after(end, len(lines), last) == blanks:
        return body
    return [*body[:-1], ESCAPE + body[-1]]


def _marker_indent(cell: Cell, body: list[str]) -> str:
    """Jupytext indents a code cell's marker as its first line (a cell inside a block)."""
    if cell.kind != "python" or not body or not body[0].strip():
        return ""
    first = body[0]
    return first[: len(first) - len(first.lstrip())]
