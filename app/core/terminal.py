"""Carriage returns in cell output, as a terminal shows them.

A progress bar (tqdm and friends) rewrites its line with ``\\r`` thousands of times; the cell
should show one live line, not thousands. Only what a line finally shows is kept.
"""

from __future__ import annotations


def _settle_line(line: str) -> str:
    """What one line (without its newline) shows after its carriage returns."""
    if "\r" not in line:
        return line
    shown = ""
    for segment in line.split("\r"):
        # Each segment overwrites the start of what the line showed (a shorter rewrite
        # leaves the tail of a longer one, as on a terminal).
        shown = segment + shown[len(segment) :]
    return shown


def settle(text: str) -> str:
    """``text`` with every ``\\r`` applied (``\\r\\n`` is an ordinary newline)."""
    if "\r" not in text:
        return text
    text = text.replace("\r\n", "\n")
    return "\n".join(_settle_line(line) for line in text.split("\n"))


def append_stream(existing: str, new: str) -> str:
    """``settle(existing + new)`` for an ``existing`` that is already settled, touching only
    its last line (so a million printed lines stay linear)."""
    if "\r" not in new:
        return existing + new
    cut = existing.rfind("\n") + 1
    return existing[:cut] + settle(existing[cut:] + new)
