"""Paths that are not notebooks Cascade opens, each with the reason every open path gives
(``cascade run``, the window, ``fileformat.load``): one table for the CLI, window and core tests."""

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

JUPYTER_JSON = json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": [], "metadata": {}})


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
    "ipynb": (
        holding("NB.ipynb", JUPYTER_JSON),
        "it is a Jupyter notebook (.ipynb). Cascade opens .py notebooks in the percent format",
    ),
    "ipynb named .py": (
        holding("nb.py", JUPYTER_JSON),
        "line 1: this is a Jupyter notebook (.ipynb JSON).",
    ),
    "text file": (holding("notes.txt", "# %%\nx = 1\n"), "it is not a .py file;"),
}
