"""A notebook and its run as a Jupyter notebook file, for ``cascade export --ipynb`` and the
window's File → Export → Jupyter notebook….

The conversion is ``app.core.convert.export_ipynb`` (nbformat 4.5: text, images as PNG, tables
as HTML plus text, errors as error outputs, SQL cells as pandas + SQLAlchemy); here the run's
states and the database SQL cells used (the notebook's, or the SQLite file beside it) go in,
the result is validated with nbformat and written atomically.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core import fileformat

if TYPE_CHECKING:
    from app.coordinator.coordinator import Coordinator


def ipynb_text(coordinator: Coordinator) -> str:
    """The coordinator's notebook and the outputs it holds now as ``.ipynb`` text."""
    import nbformat

    from app.core.convert import export_ipynb

    export = export_ipynb(
        coordinator.notebook, coordinator.exported_states(), database_url=coordinator.database_url()
    )
    from_dict: Callable[[Any], Any] = nbformat.from_dict  # untyped in nbformat
    nbformat.validate(from_dict(export.notebook))
    return export.text()


def write_ipynb(coordinator: Coordinator, target: str | os.PathLike[str]) -> None:
    """Write :func:`ipynb_text` to ``target`` atomically. ``ValueError`` when ``target`` is the
    notebook itself; :class:`~app.core.fileformat.NotebookSaveError` (an ``OSError``) on I/O."""
    path = Path(target)
    notebook = coordinator.path
    if notebook is not None and path.resolve() == notebook.resolve():
        raise ValueError(f"will not overwrite the notebook {notebook} with its export")
    fileformat.save_text(ipynb_text(coordinator), path)
