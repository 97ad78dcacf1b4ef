"""What a conversion did, as data: renames, merged imports, notes; as text for the CLI, and as
plain JSON-ready values a dialog can show.

Cells are numbered as in the converted notebook (``cell 3`` is its third cell, as Cascade's
own messages count them); ``origin`` maps each converted cell back to its source cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from app.core.convert.errors import ConversionError
from app.core.notebook import Notebook

__all__ = [
    "Conversion",
    "ConversionError",
    "ConversionReport",
    "MergedImport",
    "Note",
    "NoteKind",
    "Renamed",
    "Severity",
]

Severity = Literal["info", "warning", "error"]

#: ``magic``: IPython syntax turned into Python (or commented out); ``install``: a package
#: install left to the user; ``mutation``: a value changed in place in another cell than the
#: one defining it; ``forward``: a read of a name only a later cell defines; ``ipython``: IPython
#: state that does not exist outside IPython (``_``, ``In``, ``Out``); ``syntax``: a cell that
#: does not parse; ``conflict``: a multiple definition or cycle left in the result; ``marimo``:
#: marimo API kept as code; ``format``: something of the file itself (schema, outputs, raw
#: cells, attachments); ``late-read``: a function reading a name a later cell defines again.
NoteKind = Literal[
    "magic",
    "install",
    "mutation",
    "forward",
    "ipython",
    "syntax",
    "conflict",
    "marimo",
    "format",
    "late-read",
]


@dataclass(frozen=True, slots=True)
class Renamed:
    """Cell ``cell`` (0-based) defines ``old`` again, so its definition became ``new``.

    ``previous`` is the name under which the cell reads the value defined above it (``None``
    when it does not read it); ``alias`` when that took an alias line ``new = previous`` at the
    top of the cell. ``readers``: the cells below that now read ``new``.
    """

    cell: int
    old: str
    new: str
    reason: str
    previous: str | None = None
    alias: bool = False
    readers: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class MergedImport:
    """Cell ``cell`` repeated the import of ``name`` done in ``first_cell``; it was removed."""

    cell: int
    name: str
    first_cell: int


@dataclass(frozen=True, slots=True)
class Note:
    """Something the user should know about one cell (``cell`` None: the whole notebook)."""

    cell: int | None
    kind: NoteKind
    message: str
    severity: Severity = "info"


def _cells(indexes: Iterable[int]) -> str:
    numbers = [str(index + 1) for index in indexes]
    if not numbers:
        return ""
    return ("cell " if len(numbers) == 1 else "cells ") + ", ".join(numbers)


@dataclass(frozen=True, slots=True)
class ConversionReport:
    """Everything a conversion changed or could not do, in cell order."""

    source: str
    renames: tuple[Renamed, ...] = ()
    merged_imports: tuple[MergedImport, ...] = ()
    notes: tuple[Note, ...] = ()

    @property
    def problems(self) -> tuple[Note, ...]:
        """Notes that are warnings or errors (what the user must look at)."""
        return tuple(note for note in self.notes if note.severity != "info")

    def format(self, title: str = "") -> str:
        """Readable text for a terminal (``cascade convert`` prints it on stderr)."""
        lines = [title] if title else []
        if self.renames:
            lines.append("Renamed so that every name is defined by one cell:")
            for item in self.renames:
                text = f"  cell {item.cell + 1}: {item.old} -> {item.new} ({item.reason})"
                if item.alias:
                    text += f"; starts with `{item.new} = {item.previous}`"
                if item.readers:
                    text += f"; read by {_cells(item.readers)}"
                lines.append(text)
        if self.merged_imports:
            lines.append("Repeated imports removed (the first one serves every cell):")
            for merged in self.merged_imports:
                lines.append(
                    f"  cell {merged.cell + 1}: {merged.name} (imported in cell "
                    f"{merged.first_cell + 1})"
                )
        for severity, heading in (
            ("error", "Could not convert:"),
            ("warning", "Check:"),
            ("info", "Notes:"),
        ):
            notes = [note for note in self.notes if note.severity == severity]
            if notes:
                lines.append(heading)
                for note in notes:
                    where = f"cell {note.cell + 1}: " if note.cell is not None else ""
                    lines.append(f"  {where}{note.message}")
        if len(lines) == (1 if title else 0):
            lines.append("Nothing needed changing.")
        return "\n".join(lines) + "\n"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"source", "renames": [...], "merged_imports": [...], "notes": [...]}``
        with the dataclasses' fields (cell indexes 0-based)."""
        return {
            "source": self.source,
            "renames": [asdict(item) for item in self.renames],
            "merged_imports": [asdict(item) for item in self.merged_imports],
            "notes": [asdict(item) for item in self.notes],
        }


@dataclass(frozen=True, slots=True)
class Conversion:
    """A converted notebook, what was done to it, and for each of its cells the index of the
    cell of the source it came from."""

    notebook: Notebook
    report: ConversionReport
    origin: tuple[int, ...] = field(default=())

    def with_notes(self, notes: Sequence[Note]) -> Conversion:
        report = self.report
        merged = ConversionReport(
            report.source, report.renames, report.merged_imports, (*report.notes, *notes)
        )
        return Conversion(self.notebook, merged, self.origin)
