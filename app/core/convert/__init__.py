"""Notebooks from other tools in and out: Jupyter ``.ipynb`` and marimo in, ``.ipynb`` out.

Pure functions over text and values (no file I/O, no Qt, nothing run); see ``docs/IMPORT.md``.

* :func:`read_ipynb` / :func:`read_marimo` — text to a :class:`Conversion` (the reactive
  :class:`~app.core.notebook.Notebook`, a :class:`ConversionReport`, each cell's origin);
  :func:`is_ipynb_text` / :func:`is_marimo_source` tell the formats apart.
* :func:`make_reactive` — the renaming at their heart, over plain :class:`SourceCell` values.
* :func:`transform_ipython` — one cell's IPython syntax as plain Python.
* :func:`rename_here_and_below` — the window's quick fix for a name defined by two cells.
* :func:`export_ipynb` — a notebook and its last run's outputs as nbformat 4.5 data.
"""

from __future__ import annotations

from app.core.convert.cells import SourceCell
from app.core.convert.ipynb import is_ipynb_text, read_ipynb
from app.core.convert.ipynb_export import IpynbExport, export_ipynb
from app.core.convert.magics.transform import transform_ipython
from app.core.convert.magics.translation import MagicResult
from app.core.convert.marimo import is_marimo_source, read_marimo
from app.core.convert.quickfix import CellChange, QuickFix, rename_here_and_below
from app.core.convert.rename import ReactiveCells, make_reactive
from app.core.convert.report import (
    Conversion,
    ConversionError,
    ConversionReport,
    MergedImport,
    Note,
    Renamed,
)

__all__ = [
    "CellChange",
    "Conversion",
    "ConversionError",
    "ConversionReport",
    "IpynbExport",
    "MagicResult",
    "MergedImport",
    "Note",
    "QuickFix",
    "ReactiveCells",
    "Renamed",
    "SourceCell",
    "export_ipynb",
    "is_ipynb_text",
    "is_marimo_source",
    "make_reactive",
    "read_ipynb",
    "read_marimo",
    "rename_here_and_below",
    "transform_ipython",
]
