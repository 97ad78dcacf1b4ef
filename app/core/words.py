"""How counts read in messages, the same in the window, the CLI and the file-format notices."""

from __future__ import annotations


def plural(count: int, word: str) -> str:
    """``1 row``, ``2 rows``, ``1,000 rows``: the count grouped by thousands, the word in -s."""
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"
