"""Pure line editing for the code editor: indent, dedent, comment and the indentation of a
new line, computed over line strings (no Qt), and UTF-16 column arithmetic (Qt counts
columns in UTF-16 code units)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

INDENT = "    "
COMMENT_PREFIX: dict[str, str] = {"python": "# ", "sql": "-- "}


@dataclass(frozen=True, slots=True)
class LineEdit:
    """Replace `remove` characters at `column` of line `line` with `insert`."""

    line: int
    column: int
    remove: int
    insert: str


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip())


def code_point_offset(text: str, utf16_position: int) -> int:
    """The index in ``text`` of a Qt document position (Qt counts UTF-16 code units)."""
    if text.isascii():
        return min(utf16_position, len(text))
    prefix = text.encode("utf-16-le")[: 2 * max(utf16_position, 0)]
    return len(prefix.decode("utf-16-le", errors="ignore"))


def word_span(text: str, index: int) -> tuple[int, int] | None:
    """(start, end) of the identifier at ``index`` of ``text`` (a line), or None."""
    if not 0 <= index < len(text) or not (text[index].isalnum() or text[index] == "_"):
        return None
    start = end = index
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return (start, end) if text[start:end].isidentifier() else None


def indent_edits(lines: Sequence[str], width: int = len(INDENT)) -> list[LineEdit]:
    """Indent every line by `width` spaces (blank lines too, so blocks stay aligned)."""
    return [LineEdit(i, 0, 0, " " * width) for i in range(len(lines))]


def dedent_edits(lines: Sequence[str], width: int = len(INDENT)) -> list[LineEdit]:
    """Remove up to `width` leading spaces (or one leading tab) from every line."""
    edits = []
    for i, line in enumerate(lines):
        if line.startswith("\t"):
            edits.append(LineEdit(i, 0, 1, ""))
            continue
        spaces = min(len(line) - len(line.lstrip(" ")), width)
        if spaces:
            edits.append(LineEdit(i, 0, spaces, ""))
    return edits


def comment_edits(lines: Sequence[str], prefix: str) -> list[LineEdit]:
    """Toggle a line comment: uncomment if every non-blank line is commented, else comment.

    Comments go at the smallest indentation, so the block's shape is kept; blank lines stay
    blank unless every line is blank (then the prefix starts a new comment).
    """
    token = prefix.rstrip()
    non_blank = [(i, line) for i, line in enumerate(lines) if line.strip()]
    if not non_blank:
        return [LineEdit(i, len(line), 0, prefix) for i, line in enumerate(lines)]
    if all(line.lstrip().startswith(token) for _, line in non_blank):
        edits = []
        for i, line in non_blank:
            col = _indent_of(line)
            remove = len(prefix) if line.startswith(prefix, col) else len(token)
            edits.append(LineEdit(i, col, remove, ""))
        return edits
    col = min(_indent_of(line) for _, line in non_blank)
    return [LineEdit(i, col, 0, prefix) for i, _ in non_blank]


#: A Python line starting with one of these ends its block: the next line is dedented.
_BLOCK_ENDERS = re.compile(r"\s*(?:return|pass|raise|break|continue)\b")


def newline_indent(before_cursor: str, language: str) -> str:
    """The indentation for a new line typed after `before_cursor` (the text left of it).

    Python: one level more after a line ending in ``:``, one level less after ``return``,
    ``pass``, ``raise``, ``break`` or ``continue`` (as VS Code and Jupyter do), unless the
    line leaves a bracket open (the statement goes on).
    """
    indent = before_cursor[: _indent_of(before_cursor)]
    if language != "python":
        return indent
    stripped = before_cursor.rstrip()
    if stripped.endswith(":"):
        return indent + INDENT
    if indent and _BLOCK_ENDERS.match(stripped) and not _statement_goes_on(stripped):
        return _one_level_less(indent)
    return indent


def _statement_goes_on(line: str) -> bool:
    """The line leaves a bracket open or ends in a backslash (brackets in strings and
    comments do not count)."""
    depth, quote, i = 0, "", 0
    while i < len(line):
        char = line[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#":
            break
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        i += 1
    return depth > 0 or line.endswith("\\")


def _one_level_less(indent: str) -> str:
    if indent.endswith("\t"):
        return indent[:-1]
    spaces = len(indent) - len(indent.rstrip(" "))
    return indent[: len(indent) - min(spaces, len(INDENT))]


def utf16_len(text: str) -> int:
    """Qt counts positions in UTF-16 units; Python in code points. They differ for emoji."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def index_of_column(text: str, column: int) -> int:
    """The Python index of a Qt (UTF-16) column in `text`."""
    if text.isascii():
        return column
    units = 0
    for i, ch in enumerate(text):
        if units >= column:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)
