"""A cell prepared for renaming: its parse tree, analysis, and where each name occurs.

Shared by the notebook converter (:mod:`app.core.convert.rename`) and the window's quick fix
(:mod:`app.core.convert.quickfix`), so both rewrite code the same way.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from app.core.analysis import CellAnalysis, analyze, analyze_sql
from app.core.convert.occurrences import Occurrence, collect_occurrences
from app.core.convert.positions import SourceText
from app.core.convert.pysource import parse_module
from app.core.notebook import CellKind
from app.core.sql_template import placeholder_spans

__all__ = ["ParsedCell", "SourceCell", "all_identifiers"]

_IDENTIFIER = re.compile(r"[^\W\d]\w*")


@dataclass(frozen=True, slots=True)
class SourceCell:
    """A cell as the converters see it: its kind, code, and (SQL) result name."""

    kind: CellKind
    code: str
    name: str | None = None


class ParsedCell:
    """One cell with what renaming needs; ``tree`` is None for a Python cell that does not
    parse (``error`` says why) and for other kinds."""

    def __init__(self, cell: SourceCell) -> None:
        self.cell = cell
        self.source = SourceText(cell.code)
        self.tree: ast.Module | None = None
        self.error: SyntaxError | None = None
        if cell.kind == "python":
            try:
                self.tree = parse_module(cell.code)
            except SyntaxError as error:
                self.error = error
            except (ValueError, RecursionError, MemoryError) as error:
                self.error = SyntaxError(str(error) or "code is nested too deeply to parse")

    @cached_property
    def analysis(self) -> CellAnalysis:
        if self.cell.kind == "python":
            return analyze(self.cell.code)
        if self.cell.kind == "sql":
            return analyze_sql(self.cell.code, self.cell.name)
        return analyze("")

    @cached_property
    def occurrences(self) -> dict[str, list[Occurrence]]:
        """Module-level occurrences by name (Python cells that parse; else empty)."""
        found: dict[str, list[Occurrence]] = {}
        if self.tree is not None:
            for occurrence in collect_occurrences(self.tree, self.source):
                found.setdefault(occurrence.name, []).append(occurrence)
        return found

    @cached_property
    def placeholders(self) -> tuple[tuple[int, int, str], ...]:
        """A SQL cell's ``{name}`` placeholders: (start, end, name) of each identifier."""
        return placeholder_spans(self.cell.code) if self.cell.kind == "sql" else ()

    def defines(self, name: str) -> bool:
        return name in self.analysis.defs

    def reads(self, name: str) -> bool:
        """Whether the cell reads the value ``name`` has before it runs (or deletes it)."""
        return name in self.analysis.refs or name in self.analysis.deletes

    def binds_only_by_import(self, name: str) -> bool:
        binding = [o for o in self.occurrences.get(name, ()) if o.kind in _BINDING]
        return bool(binding) and all(o.kind == "import" for o in binding)

    def binding(self, name: str) -> list[Occurrence]:
        return [o for o in self.occurrences.get(name, ()) if o.kind in _BINDING]


_BINDING = frozenset({"store", "import", "augmented"})


def all_identifiers(cells: Iterable[ParsedCell] | Sequence[SourceCell]) -> set[str]:
    """Every word that could be a name anywhere in the cells (comments and strings included:
    a new name never looks like something already written)."""
    words: set[str] = set()
    for cell in cells:
        source = cell.cell if isinstance(cell, ParsedCell) else cell
        words.update(_IDENTIFIER.findall(source.code))
        if source.name:
            words.add(source.name)
    return words
