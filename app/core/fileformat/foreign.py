"""Text that is not a notebook Cascade may open as code: binary data, and other tools'
notebooks, which opening as one Python cell (and saving over) would ruin. Those are imported
into a new notebook instead (``app.core.importing``: File → Open, ``cascade convert``,
``cascade run``)."""

from __future__ import annotations

import json
import re

from app.core.fileformat.errors import NotebookFormatError
from app.core.fileformat.syntax import line_number

#: Said of every other tool's notebook where it reaches the loader itself.
IMPORT_IT = (
    "Cascade opens .py notebooks in the percent format; import it into a new notebook"
    " (File → Open or File → Import… in the window, cascade convert on the command line)"
)

_MARIMO_APP = re.compile(r"^app = marimo\.App\(", re.MULTILINE)
_MARIMO_IMPORT = re.compile(r"^import marimo$", re.MULTILINE)


def refuse_foreign(text: str) -> None:
    """Raise :class:`NotebookFormatError` for binary text and for other notebooks' files."""
    nul = text.find("\x00")
    if nul >= 0:
        raise NotebookFormatError(
            line_number(text, nul),
            "a NUL byte: this is a binary file, not a notebook (Python refuses NUL bytes)",
        )
    if _is_jupyter_json(text):
        raise NotebookFormatError(1, f"this is a Jupyter notebook (.ipynb JSON). {IMPORT_IT}")
    marimo = _MARIMO_APP.search(text)
    if marimo is not None and _MARIMO_IMPORT.search(text) is not None:
        raise NotebookFormatError(
            line_number(text, marimo.start()), f"this is a marimo notebook. {IMPORT_IT}"
        )


def is_foreign_notebook(text: str) -> bool:
    """Whether the loader refuses ``text`` as another tool's notebook (see refuse_foreign)."""
    marimo = _MARIMO_APP.search(text)
    return _is_jupyter_json(text) or (
        marimo is not None and _MARIMO_IMPORT.search(text) is not None
    )


def _is_jupyter_json(text: str) -> bool:
    if not text.lstrip().startswith("{") or '"nbformat"' not in text:
        return False
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(document, dict) and "nbformat" in document
