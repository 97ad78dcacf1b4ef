"""Paths that are not notebooks Cascade opens or imports, each with the reason every open path
gives (``cascade run``, the window): one table for the CLI and window tests. (A Jupyter or
marimo notebook that converts is imported: tests/integration/test_cli_convert.py.)"""

from __future__ import annotations

import json
import os
import socket
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from app.core.fileformat import MAX_NOTEBOOK_BYTES

Maker = Callable[[Path], Path]

R_NOTEBOOK = json.dumps(
    {
        "nbformat": 4,
        "nbformat_minor": 5,
        "cells": [],
        "metadata": {"kernelspec": {"name": "ir", "language": "R", "display_name": "R"}},
    }
)


@contextmanager
def short_folder() -> Iterator[Path]:
    """A folder with a short path: a Unix socket's path is limited to about 100 bytes."""
    with tempfile.TemporaryDirectory(dir="/tmp", prefix="nn-") as folder:
        yield Path(folder)


def fifo(folder: Path) -> Path:
    path = folder / "nb.py"
    os.mkfifo(path)
    return path


def subfolder(folder: Path) -> Path:
    path = folder / "nb.py"
    path.mkdir()
    return path


def unix_socket(folder: Path) -> Path:
    path = folder / "nb.py"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))  # the file stays after the socket is closed
    return path


def too_large(folder: Path) -> Path:
    path = folder / "nb.py"
    with path.open("wb") as file:
        file.truncate(MAX_NOTEBOOK_BYTES + 1)  # sparse: costs no disk
    return path


def holding(name: str, data: bytes | str) -> Maker:
    """A maker of a file ``name`` holding ``data``."""

    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    return make


#: kind -> (how to make such a path in a folder, the start of the reason given for it)
NOT_NOTEBOOKS: dict[str, tuple[Maker, str]] = {
    "fifo": (fifo, "it is a named pipe (FIFO), not a notebook file"),
    "folder": (subfolder, "it is a folder, not a notebook file"),
    "device": (lambda _: Path("/dev/zero"), "it is a device, not a notebook file"),
    "socket": (unix_socket, "it is a socket, not a notebook file"),
    "missing": (lambda folder: folder / "nope.py", "no such file"),
    "too large": (too_large, "it is 10.0 MB; Cascade opens notebook files of up to 10 MB"),
    "binary": (holding("nb.py", b"# %%\nx = b'\x00'\n"), "line 2: a NUL byte: this is a binary"),
    "not utf-8": (holding("nb.py", b"# %%\nx = '\xff'\n"), "line 2: not UTF-8 text (byte 0xff)"),
    "broken ipynb": (
        holding("NB.ipynb", '{"nbformat": 4, "cells": ['),
        "not a Jupyter notebook: the file is not JSON",
    ),
    "ipynb in R named .py": (
        holding("nb.py", R_NOTEBOOK),
        "this notebook is written in R (kernel ir); Cascade runs Python notebooks only",
    ),
    "text file": (holding("notes.txt", "# %%\nx = 1\n"), "it is not a .py file;"),
}
