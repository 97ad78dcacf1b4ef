"""What converting one cell produces: the result, its notes, and the helpers every magic's
translation shares (private imports of standard modules, commented-out text)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from app.core.convert.pysource import parse_expression, parse_module
from app.core.convert.report import NoteKind, Severity
from app.core.notebook import CellKind


@dataclass(frozen=True, slots=True)
class MagicNote:
    """What converting did to one piece of IPython syntax, for the conversion report."""

    message: str
    kind: NoteKind = "magic"
    severity: Severity = "info"


@dataclass(frozen=True, slots=True)
class MagicResult:
    """The cell as Cascade code: its kind (a ``%%markdown`` cell becomes markdown, a ``%%sql``
    cell SQL with result ``name``), its code, what was done, and the database URL a
    ``%sql URL`` line connected to (if any)."""

    kind: CellKind
    code: str
    notes: tuple[MagicNote, ...] = ()
    name: str | None = None
    database: str | None = None


class CellTranslation:
    """One cell's translation so far: its notes, the standard modules the generated code
    imports, and the database a ``%sql URL`` line connected to."""

    def __init__(self) -> None:
        self.notes: list[MagicNote] = []
        self.imports: dict[str, None] = {}  # "subprocess" -> import line at the top
        self.database: str | None = None  # what a `%sql URL` line connected to

    def note(self, message: str, severity: Severity = "info", kind: NoteKind = "magic") -> None:
        self.notes.append(MagicNote(message, kind, severity))

    def need(self, module: str) -> str:
        """The private alias of a standard module the generated code uses (``_subprocess``)."""
        self.imports.setdefault(module)
        return "_" + module


def import_lines(modules: Iterator[str] | list[str]) -> list[str]:
    """The import lines for :meth:`CellTranslation.need`'s private aliases."""
    return [f"import {module} as _{module}" for module in modules]


def commented_out(text: str, why: str) -> list[str]:
    """``text`` commented out, saying why (on the line itself, or above several lines)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return [f"# {text}  # {why}"]
    return [f"# {why}:", *(f"# {line}" if line else "#" for line in lines)]


def parses(text: str, *, expression: bool = False) -> bool:
    """Whether ``text`` is valid Python (a module, or with ``expression`` one expression)."""
    try:
        parse_expression(text) if expression else parse_module(text)
    except (SyntaxError, ValueError):
        return False
    return True
