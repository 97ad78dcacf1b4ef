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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

#: Where each public name lives. Loaded on first use (PEP 562): the headless commands import
#: this package to tell a Cascade notebook from a foreign one, and must not pay ~0.2 s for the
#: converters a plain ``.py`` notebook never needs.
_HOMES = {
    "SourceCell": "cells",
    "is_ipynb_text": "ipynb",
    "read_ipynb": "ipynb",
    "IpynbExport": "ipynb_export",
    "export_ipynb": "ipynb_export",
    "transform_ipython": "magics.transform",
    "MagicResult": "magics.translation",
    "is_marimo_source": "marimo",
    "read_marimo": "marimo",
    "CellChange": "quickfix",
    "QuickFix": "quickfix",
    "rename_here_and_below": "quickfix",
    "ReactiveCells": "rename",
    "make_reactive": "rename",
    "Conversion": "report",
    "ConversionError": "report",
    "ConversionReport": "report",
    "MergedImport": "report",
    "Note": "report",
    "Renamed": "report",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


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
