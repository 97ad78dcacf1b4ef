"""What opening a file gives, and the cells a reader found before ids and names are settled."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from app.core.notebook import CellKind, Notebook
from app.core.record import Record
from tests.core.fileformat_reference.syntax import (
    SourceFormat,
    trim_blank_lines,
    without_final_newline,
)


class LoadedNotebook(Record):
    """What opening a file gives: the notebook, plus what the user must be told or asked for.

    ``secrets`` holds what was taken out of the document (``database_password``) so the caller
    can offer to store it in the keyring; ``notices`` are one-line messages about changes the
    next save will make (ids added, password moved, format converted).
    """

    notebook: Notebook
    source_format: SourceFormat
    secrets: Mapping[str, str] = MappingProxyType({})
    notices: tuple[str, ...] = ()


class Draft(NamedTuple):
    """A cell as read from the file, before missing ids and result names are filled in."""

    kind: CellKind
    code: str
    cell_id: str | None = None
    name: str | None = None
    meta: tuple[tuple[str, str], ...] = ()
    from_marker: bool = True  # False for cells made from loose text (no id to have lost)


class Read:
    """Everything one reader found in a file (filled in as it reads)."""

    __slots__ = (
        "database",
        "drafts",
        "extra_header",
        "name",
        "notices",
        "preamble",
        "source_format",
    )

    def __init__(self, source_format: SourceFormat, drafts: list[Draft] | None = None) -> None:
        self.source_format = source_format
        self.drafts: list[Draft] = drafts if drafts is not None else []
        self.name = ""
        self.database: str | None = None
        self.extra_header = ""
        self.preamble = ""
        self.notices: list[str] = []

    def add_loose_text(self, text: str) -> None:
        """Keep text that sits outside every cell as a first Python cell, so nothing is lost."""
        code = trim_blank_lines(without_final_newline(text))
        if code:
            self.drafts.insert(0, Draft("python", code, from_marker=False))
            self.notices.append("text before the first cell was kept as a new first cell")
