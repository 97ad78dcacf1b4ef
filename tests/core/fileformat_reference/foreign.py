"""Text that is not a notebook Cascade may open as code: binary data, and other tools'
notebooks, which opening as one Python cell (and saving over) would ruin. Those are imported
into a new notebook instead (``app.core.importing``: File → Open, ``cascade convert``,
``cascade run``)."""

from __future__ import annotations

import json
import re

from tests.core.fileformat_reference.errors import NotebookFormatError
from tests.core.fileformat_reference.syntax import line_number, search_line

#: Said of every other tool's notebook where it reaches the loader itself.
IMPORT_IT = (
    "Cascade opens .py notebooks in the percent format; import it into a new notebook"
    " (File → Open or File → Import… in the window, cascade convert on the command line)"
)

_MARIMO_APP_LINE = "app = marimo.App("
_MARIMO_APP = re.compile(rf"^{re.escape(_MARIMO_APP_LINE)}", re.MULTILINE)
_MARIMO_IMPORT_LINE = "import marimo"
_MARIMO_IMPORT = re.compile(rf"^{re.escape(_MARIMO_IMPORT_LINE)}$", re.MULTILINE)


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
    marimo = _marimo_app(text)
    if marimo is not None:
        raise NotebookFormatError(
            line_number(text, marimo), f"this is a marimo notebook. {IMPORT_IT}"
        )


def is_foreign_notebook(text: str) -> bool:
    """Whether the loader refuses ``text`` as another tool's notebook (see refuse_foreign)."""
    return _is_jupyter_json(text) or _marimo_app(text) is not None


def _marimo_app(text: str) -> int | None:
    """Where a marimo notebook's ``app = marimo.App(`` line starts (None: not one)."""
    app = search_line(_MARIMO_APP, _MARIMO_APP_LINE, text)
    if app is None or search_line(_MARIMO_IMPORT, _MARIMO_IMPORT_LINE, text) is None:
        return None
    return app.start()


def _is_jupyter_json(text: str) -> bool:
    if not text.lstrip().startswith("{") or '"nbformat"' not in text:
        return False
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(document, dict) and "nbformat" in document
