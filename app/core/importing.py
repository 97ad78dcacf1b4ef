"""Other tools' notebooks at an open path: a Jupyter ``.ipynb`` (or its JSON under another name)
or a marimo ``.py`` is converted (``app.core.convert``) into a new Cascade notebook, never
opened as it is and never written to.

One place decides, for every way in (``cascade run``/``convert``/``export``, File → Open, a
dropped file, File → Import…): :func:`read_foreign` reads a path once, within the loader's
limits (a ``.ipynb`` may be larger: its saved outputs are dropped), and returns the conversion,
or ``None`` when the path holds a Cascade (or plain percent / script) notebook. Pure but for
that one bounded read; nothing in the file runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from app.core.convert.errors import ConversionError
from app.core.fileformat import decode_notebook, read_notebook_bytes
from app.core.fileformat.files import IPYNB_SUFFIX
from app.core.fileformat.foreign import is_foreign_notebook
from app.core.record import Record

if TYPE_CHECKING:
    from app.core.convert.report import Conversion

__all__ = [
    "MARIMO_SUFFIX",
    "ConversionError",
    "ForeignKind",
    "Imported",
    "check_target",
    "default_target",
    "foreign_kind",
    "read_foreign",
]

ForeignKind = Literal["ipynb", "marimo"]
#: What a marimo notebook's import is named beside it (its own name is taken: it is a .py).
MARIMO_SUFFIX = "_cascade.py"


class Imported(Record):
    """A foreign notebook read from ``source`` and converted."""

    source: Path
    kind: ForeignKind
    conversion: Conversion

    @property
    def title(self) -> str:
        return f"Import {self.source.name}"

    def report_text(self) -> str:
        """The conversion report as text (``cascade convert`` prints it on stderr)."""
        return self.conversion.report.format(self.title)


def read_foreign(path: Path) -> Imported | None:
    """The converted notebook when ``path`` holds another tool's notebook, else ``None``.

    Raises :class:`~app.core.fileformat.NotebookFileError` for a path that is no file Cascade
    reads, :class:`~app.core.fileformat.NotebookFormatError` for text that is not UTF-8, and
    :class:`ConversionError` for a foreign notebook that cannot be converted (the reason).
    """
    text = decode_notebook(read_notebook_bytes(path, jupyter=True))
    kind = foreign_kind(path, text)
    if kind is None:
        return None
    if kind == "ipynb":
        from app.core.convert.ipynb import read_ipynb

        conversion = read_ipynb(text, name=path.stem)
    else:
        from app.core.convert.marimo import read_marimo

        conversion = read_marimo(text, name=path.stem)
    return Imported(path, kind, conversion)


def foreign_kind(path: Path, text: str) -> ForeignKind | None:
    """Which tool's notebook ``text`` (read from ``path``) is; ``None``: a Cascade notebook."""
    plain = "marimo" not in text and not text.lstrip().startswith("{")
    if path.suffix.lower() != IPYNB_SUFFIX and plain:
        return None  # the common case, told without loading the converters
    from app.core.convert.ipynb import is_ipynb_text
    from app.core.convert.marimo import is_marimo_source

    if path.suffix.lower() == IPYNB_SUFFIX or is_ipynb_text(text):
        return "ipynb"
    if is_marimo_source(text):
        return "marimo"
    if is_foreign_notebook(text):  # what the loader refuses, converted for the reason why
        return "ipynb" if text.lstrip().startswith("{") else "marimo"
    return None


def default_target(source: Path) -> Path:
    """Where an import of ``source`` is written by default: ``NB.ipynb`` -> ``NB.py`` beside it;
    a marimo ``app.py`` -> ``app_cascade.py`` (never the input itself)."""
    if source.suffix.lower() == IPYNB_SUFFIX:
        return source.with_suffix(".py")
    return source.with_name(source.stem + MARIMO_SUFFIX)


def check_target(source: Path, target: Path) -> str | None:
    """Why an import of ``source`` may not be written to ``target`` (``None``: it may)."""
    if target.suffix.lower() != ".py":
        return f"{target.name} is not a .py file; Cascade notebooks are .py files"
    try:
        if target.resolve() == source.resolve():
            return f"{target} is the notebook being imported; it is never written to"
    except OSError:
        pass
    if not target.resolve().parent.is_dir():
        return f"no folder {target.parent}"
    return None
