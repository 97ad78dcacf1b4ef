"""Bracket matching for the code editor: the partner of the bracket at the cursor, skipping
brackets the highlighter marked as inside strings or comments, within a scan budget so a
keystroke stays cheap."""

from __future__ import annotations

from PySide6.QtGui import QTextBlock, QTextCursor

from app.ui.editor.highlighter import NON_CODE_PROPERTY
from app.ui.editor.line_edits import index_of_column, utf16_len

#: Bracket matching gives up after this many characters.
MAX_BRACKET_SCAN = 20_000
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {v: k for k, v in _OPEN.items()}


def matching_brackets(cursor: QTextCursor) -> tuple[int, int] | tuple[()]:
    """Document positions of the bracket at (or else just before) ``cursor`` and its match.

    Brackets inside strings and comments are ignored. Empty when there is no matched pair.
    """
    if cursor.hasSelection():
        return ()
    block = cursor.block()
    text = block.text()
    index = index_of_column(text, cursor.positionInBlock())
    skip = _non_code_columns(block)
    for i in (index, index - 1):
        if 0 <= i < len(text) and text[i] in "()[]{}" and not _in_ranges(skip, text, i):
            match = _find_match(block, i)
            if match is not None:
                return (block.position() + utf16_len(text[:i]), match)
    return ()


def _find_match(block: QTextBlock, index: int) -> int | None:
    """Scan forwards (for an opening bracket) or backwards for the partner bracket."""
    char = block.text()[index]
    forward = char in _OPEN
    partner = _OPEN[char] if forward else _CLOSE[char]
    depth = 0
    budget = MAX_BRACKET_SCAN
    while block.isValid() and budget > 0:
        text = block.text()
        skip = _non_code_columns(block)
        indices = range(index, len(text)) if forward else range(index, -1, -1)
        for i in indices:
            c = text[i]
            if c not in (char, partner) or _in_ranges(skip, text, i):
                continue
            depth += 1 if c == char else -1
            if depth == 0:
                return block.position() + utf16_len(text[:i])
        budget -= len(text) + 1
        block = block.next() if forward else block.previous()
        if block.isValid():
            index = 0 if forward else len(block.text()) - 1
    return None


def _non_code_columns(block: QTextBlock) -> list[tuple[int, int]]:
    """(start, end) UTF-16 columns the highlighter marked as string or comment in `block`."""
    layout = block.layout()
    if layout is None:
        return []
    return [
        (r.start, r.start + r.length)
        for r in layout.formats()
        if r.format.boolProperty(NON_CODE_PROPERTY)
    ]


def _in_ranges(ranges: list[tuple[int, int]], text: str, index: int) -> bool:
    if not ranges:
        return False
    column = utf16_len(text[:index]) if not text.isascii() else index
    return any(start <= column < end for start, end in ranges)
