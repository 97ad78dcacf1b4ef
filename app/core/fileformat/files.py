"""Opening a notebook file: only a readable regular ``.py`` file of sane size gets read.

Every open path goes through :func:`read_notebook_bytes` (``cascade run``, the window's
File → Open, a reload), so a FIFO cannot hang Cascade, ``/dev/zero`` cannot exhaust its memory,
and a Jupyter notebook is never taken for Python. The file is opened without blocking and
checked on the open descriptor (no gap between check and read), and at most
:data:`MAX_NOTEBOOK_BYTES` + 1 bytes are read whatever the file claims.
"""

from __future__ import annotations

import errno
import os
import stat

from app.core.fileformat.errors import NotebookFileError, NotebookFormatError
from app.core.fileformat.foreign import IMPORT_IT
from app.core.fileformat.syntax import normalize_newlines

#: The largest notebook file Cascade opens (10 MB: real notebooks are far smaller; a file this
#: size already holds hundreds of thousands of lines).
MAX_NOTEBOOK_BYTES = 10_000_000
#: What a notebook file's name ends with (any case).
NOTEBOOK_SUFFIX = ".py"
#: A Jupyter notebook's (imported, never opened as it is).
IPYNB_SUFFIX = ".ipynb"
#: The largest ``.ipynb`` Cascade imports (saved outputs, images above all, make them large;
#: the import drops them).
MAX_IPYNB_BYTES = 200_000_000

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO without a writer must not block the open
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_CHUNK = 1 << 20
_SPECIAL_FILES = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_notebook_bytes(path: str | os.PathLike[str], *, jupyter: bool = False) -> bytes:
    """The bytes of a notebook file; :class:`NotebookFileError` for anything else.

    ``jupyter``: a ``.ipynb`` file is read too (to be imported), up to
    :data:`MAX_IPYNB_BYTES` (its saved outputs, which the import drops, make it large)."""
    name = os.fspath(path)
    is_ipynb = jupyter and os.path.splitext(name)[1].lower() == IPYNB_SUFFIX
    limit = MAX_IPYNB_BYTES if is_ipynb else MAX_NOTEBOOK_BYTES
    try:
        fd = os.open(name, _OPEN_FLAGS)
    except OSError as err:
        raise NotebookFileError(name, _open_failure(name, err)) from None
    try:
        info = os.fstat(fd)
        _check_kind(name, info.st_mode)
        if not is_ipynb:
            check_notebook_name(name)
        _check_size(name, info.st_size, limit)
        os.set_blocking(fd, True)
        data = _read_at_most(fd, limit + 1)
    except NotebookFileError:
        raise
    except OSError as err:
        raise NotebookFileError(name, f"cannot read it ({_describe(err)})") from None
    finally:
        os.close(fd)
    _check_size(name, len(data), limit)
    return data


def check_notebook_name(path: str | os.PathLike[str]) -> None:
    """:class:`NotebookFileError` unless the name ends with ``.py`` (a ``.ipynb`` says what it is)."""
    name = os.fspath(path)
    suffix = os.path.splitext(name)[1].lower()
    if suffix == NOTEBOOK_SUFFIX:
        return
    if suffix == ".ipynb":
        raise NotebookFileError(name, f"it is a Jupyter notebook (.ipynb). {IMPORT_IT}")
    raise NotebookFileError(
        name, "it is not a .py file; Cascade opens notebooks saved as .py files (percent format)"
    )


def decode_notebook(data: bytes) -> str:
    """UTF-8 text; other bytes are a :class:`NotebookFormatError` at their line."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start].decode("utf-8")
        line = normalize_newlines(before).count("\n") + 1
        byte = data[err.start]
        raise NotebookFormatError(line, f"not UTF-8 text (byte 0x{byte:02x})") from None


def _check_kind(name: str, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    what = next((label for test, label in _SPECIAL_FILES if test(mode)), "a special file")
    raise NotebookFileError(name, f"it is {what}, not a notebook file")


def _check_size(name: str, size: int, limit: int = MAX_NOTEBOOK_BYTES) -> None:
    if size > limit:
        shown = f"{size / 1e6:.1f} MB" if size < 10**12 else "more than 1 TB"
        raise NotebookFileError(
            name, f"it is {shown}; Cascade opens notebook files of up to {limit // 1_000_000} MB"
        )


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total < limit:
        chunk = os.read(fd, min(_CHUNK, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _open_failure(name: str, err: OSError) -> str:
    if err.errno == errno.ENOENT:
        return "no such file"
    if err.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (you may not read it)"
    if err.errno == errno.EISDIR or (err.errno is not None and os.path.isdir(name)):
        return "it is a folder, not a notebook file"
    if err.errno == errno.ENXIO:  # Linux refuses to open a socket
        return "it is a socket, not a notebook file"
    if err.errno == errno.ELOOP:
        return "it is a symbolic link that loops"
    if err.errno == errno.ENOTDIR:
        return "no such file (a part of its path is not a folder)"
    return f"cannot open it ({_describe(err)})"


def _describe(err: OSError) -> str:
    return err.strerror or str(err) or type(err).__name__
