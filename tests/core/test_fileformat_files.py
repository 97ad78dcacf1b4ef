"""Opening: only a readable regular ``.py`` file of at most 10 MB is read, and it is read as a
notebook only when it is one (issue 9 §2 and §4). Every other path gets one clear reason."""

from __future__ import annotations

import errno
import json
import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core import fileformat
from app.core.fileformat import (
    MAX_NOTEBOOK_BYTES,
    NotebookFileError,
    NotebookFormatError,
    load,
    parse,
)

NOTEBOOK = '# %% id="a"\nx = 1\n'
JUPYTER = json.dumps(
    {
        "cells": [{"cell_type": "code", "source": ["x = 1"], "metadata": {}, "outputs": []}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    },
    indent=1,
)
MARIMO = """\
import marimo

__generated_with = "0.9.0"
app = marimo.App()


@app.cell
def _():
    x = 1
    return (x,)


if __name__ == "__main__":
    app.run()
"""


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A folder with a short path: a Unix socket's path is limited to about 100 bytes."""
    with tempfile.TemporaryDirectory(dir="/tmp", prefix="cf-") as folder:
        yield Path(folder)


def _reason(path: Path | str) -> str:
    with pytest.raises(NotebookFileError) as caught:
        load(path)
    assert caught.value.path == str(path)
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_a_fifo_without_a_writer_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "nb.py"
    os.mkfifo(fifo)
    assert _reason(fifo) == "it is a named pipe (FIFO), not a notebook file"


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "nb.py"
    folder.mkdir()
    assert _reason(folder) == "it is a folder, not a notebook file"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_refused_without_reading(device: str) -> None:
    assert _reason(device) == "it is a device, not a notebook file"


def test_a_socket_is_refused(short_dir: Path) -> None:
    path = short_dir / "nb.py"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        assert _reason(path) == "it is a socket, not a notebook file"


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    assert _reason(tmp_path / "nope.py") == "no such file"
    assert _reason(tmp_path / "nope" / "nb.py") == "no such file"


def test_a_file_below_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text(NOTEBOOK)
    assert "not a folder" in _reason(tmp_path / "plain.py" / "nb.py")


def test_a_looping_symlink_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "nb.py"
    link.symlink_to(link)
    assert _reason(link) == "it is a symbolic link that loops"


def test_an_unreadable_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "nb.py"
    path.write_text(NOTEBOOK)
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything: make the open fail as it would
        real_open = os.open

        def refuse(name: str, flags: int, *args: int) -> int:
            if name == str(path):
                raise PermissionError(errno.EACCES, "Permission denied", name)
            return real_open(name, flags, *args)

        monkeypatch.setattr(os, "open", refuse)
    assert _reason(path) == "permission denied (you may not read it)"


def test_a_file_over_the_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "nb.py"
    with path.open("wb") as file:
        file.truncate(MAX_NOTEBOOK_BYTES + 1)  # sparse: costs no disk
    reads: list[int] = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    reason = _reason(path)
    assert reason == "it is 10.0 MB; Cascade opens notebook files of up to 10 MB"
    assert reads == []


def test_a_file_at_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "nb.py"
    line = "x = 1\n"
    filler = "#" * (MAX_NOTEBOOK_BYTES - len(NOTEBOOK) - len(line) - 1)
    path.write_text(NOTEBOOK + filler + "\n" + line)
    assert path.stat().st_size == MAX_NOTEBOOK_BYTES
    assert load(path).notebook.cells[0].code.endswith(line.strip())


def test_a_file_that_grows_past_its_size_is_cut_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose size says little (``/proc`` files say 0) is still read at most to the limit."""
    path = tmp_path / "nb.py"
    with path.open("wb") as file:
        file.truncate(MAX_NOTEBOOK_BYTES + 5)
    real_fstat = os.fstat

    def small(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        return os.stat_result((info.st_mode, *info[1:6], 0, *info[7:]))

    monkeypatch.setattr(os, "fstat", small)
    assert "Cascade opens notebook files of up to 10 MB" in _reason(path)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (
            "NB.ipynb",
            "it is a Jupyter notebook (.ipynb). Cascade opens .py notebooks in the percent"
            " format; import it into a new notebook (File → Open or File → Import… in the"
            " window, cascade convert on the command line)",
        ),
        ("data.json", "it is not a .py file; Cascade opens notebooks saved as .py files"),
        ("notes.txt", "it is not a .py file; Cascade opens notebooks saved as .py files"),
        ("script", "it is not a .py file; Cascade opens notebooks saved as .py files"),
    ],
)
def test_files_that_are_not_py_are_refused(tmp_path: Path, name: str, reason: str) -> None:
    path = tmp_path / name
    path.write_text(JUPYTER if name.endswith("ipynb") else NOTEBOOK)
    assert _reason(path).startswith(reason)


def test_upper_case_suffix_and_symlinks_open(tmp_path: Path) -> None:
    real = tmp_path / "real.PY"
    real.write_text(NOTEBOOK)
    link = tmp_path / "nb.py"
    link.symlink_to(real)
    assert load(real).notebook == load(link).notebook == parse(NOTEBOOK).notebook


def _format_error(text: str | bytes, tmp_path: Path) -> NotebookFormatError:
    path = tmp_path / "nb.py"
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    with pytest.raises(NotebookFormatError) as caught:
        load(path)
    assert "\n" not in str(caught.value)
    return caught.value


def test_binary_content_is_refused_with_its_line(tmp_path: Path) -> None:
    error = _format_error(b"# %%\nx = 1\ny = b'\x00\x01'\n", tmp_path)
    assert error.line == 3
    assert "NUL byte: this is a binary file" in error.message


def test_bytes_that_are_not_utf8_are_refused_with_their_line(tmp_path: Path) -> None:
    error = _format_error(b"# %%\r\nx = 1\r\ns = '\xe9'\r\n", tmp_path)
    assert (error.line, error.message) == (3, "not UTF-8 text (byte 0xe9)")


def test_a_jupyter_notebook_named_py_is_refused(tmp_path: Path) -> None:
    error = _format_error(JUPYTER, tmp_path)
    assert error.line == 1
    assert error.message.startswith("this is a Jupyter notebook (.ipynb JSON).")


def test_a_marimo_notebook_is_refused(tmp_path: Path) -> None:
    error = _format_error(MARIMO, tmp_path)
    assert error.line == 4
    assert error.message.startswith("this is a marimo notebook.")


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1}\n',  # JSON is also a Python expression: not a notebook of another tool
        "[1, 2, 3]\n",
        '{"nbformat": 4\n',  # not JSON at all
        "import marimo\n",  # uses marimo, is not a marimo notebook
        "#!/usr/bin/env python3\nimport sys\n\nprint(sys.argv)\n",
    ],
)
def test_plain_python_files_open_as_one_cell(tmp_path: Path, text: str) -> None:
    """As in Jupytext, a ``#!`` line stays at the top of the file, outside the cell."""
    path = tmp_path / "script.py"
    path.write_text(text)
    loaded = load(path)
    shebang = "#!/usr/bin/env python3\n" if text.startswith("#!") else ""
    assert loaded.notebook.preamble == shebang
    assert [cell.code for cell in loaded.notebook.cells] == [text[len(shebang) :].rstrip("\n")]
    assert loaded.source_format == "percent"
    assert "saving adds a cell marker" in loaded.notices[0]


def test_too_many_cells_are_refused_at_the_first_one_too_many() -> None:
    limit = fileformat.MAX_CELLS
    with pytest.raises(NotebookFormatError) as caught:
        parse("# %%\n" * 1_000_000)
    assert caught.value.line == limit + 1
    assert (
        caught.value.message
        == "more than 10,000 cells; Cascade opens notebooks of up to 10,000 cells"
    )
    assert len(parse("# %%\n" * limit).notebook) == limit
    with pytest.raises(NotebookFormatError) as loose:  # text before the first marker is a cell
        parse("x = 1\n" + "# %%\n" * limit)
    assert loose.value.line == limit + 1
    with pytest.raises(NotebookFormatError) as seed:
        parse("# %% python [a]\n" * (limit + 1))
    assert seed.value.line == limit + 1


def test_dumps_refuses_what_parse_would_refuse() -> None:
    from app.core.notebook import Cell, Notebook

    limit = fileformat.MAX_CELLS
    with pytest.raises(ValueError, match="at most 10,000 cells"):
        fileformat.dumps(Notebook(tuple(Cell(f"c{i}") for i in range(limit + 1))))
    with pytest.raises(ValueError, match="NUL"):
        fileformat.dumps(Notebook((Cell("a", code="x = '\x00'"),)))
    with pytest.raises(ValueError, match="NUL"):
        fileformat.dumps(Notebook((Cell("a", meta=(("k", "\x00"),)),)))
    with pytest.raises(ValueError, match="16 KiB"):
        fileformat.dumps(Notebook(extra_header=f'x = "{"y" * 20_000}"\n'))


def test_a_header_over_its_limit_is_refused_before_its_toml_is_read() -> None:
    header = "# /// script\n" + "# x = [" + "1," * 10_000 + "]\n# ///\n"
    with pytest.raises(NotebookFormatError) as caught:
        parse("\n\n" + header + "# %%\n")
    assert caught.value.line == 3
    assert "header is longer than 16 KiB" in caught.value.message


def test_the_file_is_checked_on_what_was_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No gap between check and read: the kind comes from ``fstat`` of the open descriptor."""
    path = tmp_path / "nb.py"
    path.write_text(NOTEBOOK)
    checked: list[int] = []
    real_fstat = os.fstat
    monkeypatch.setattr(os, "fstat", lambda fd: checked.append(fd) or real_fstat(fd))
    monkeypatch.setattr(os, "stat", lambda *_a, **_k: pytest.fail("stat by path"))
    load(path)
    assert len(checked) == 1


def test_a_notebook_with_windows_newlines_and_a_bom_opens(tmp_path: Path) -> None:
    path = tmp_path / "nb.py"
    path.write_bytes(b"\xef\xbb\xbf" + NOTEBOOK.replace("\n", "\r\n").encode())
    assert load(path).notebook == parse(NOTEBOOK).notebook
