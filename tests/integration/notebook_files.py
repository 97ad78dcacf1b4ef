"""Jupyter notebooks written for a test (the CLI's and the window's import tests share them)."""

from __future__ import annotations

from pathlib import Path

import nbformat


def jupyter(folder: Path, *sources: str, name: str = "NB.ipynb") -> Path:
    """A ``.ipynb`` in ``folder`` with one code cell per source (``md:…``: a markdown cell)."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    notebook.cells = [
        nbformat.v4.new_markdown_cell(source[3:]) if source.startswith("md:")
        else nbformat.v4.new_code_cell(source)
        for source in sources
    ]  # fmt: skip
    path = folder / name
    nbformat.write(notebook, path)
    return path
