"""Saving a file so that it is either replaced completely or not touched at all.

The text goes to a temporary file beside the target (``.NAME.XXXXXXXX.tmp``, locked while it
exists), gets the target's owner, group and mode, is fsynced, and replaces the target in one
rename; the folder is then fsynced so the rename survives a power cut. A symlink is written
through (it stays a link to the same file). Any failure raises :class:`NotebookSaveError` with
the reason in words, after removing the temporary file. A file without write permission is
refused rather than silently replaced (a rename ignores the file's own mode).

A process killed mid-save leaves its temporary file; :func:`remove_stale_temp_files` removes
those of one notebook (exact name pattern, not locked by a live save, a few seconds old).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import time
from pathlib import Path
from secrets import token_hex

from app.core.fileformat.errors import NotebookSaveError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; a temporary file's age alone decides
    fcntl = None  # type: ignore[assignment]

#: A temporary file younger than this is never taken for a stale one.
STALE_TEMP_SECONDS = 5.0

_TEMP_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOFOLLOW", 0)
)


def save_text(text: str, path: str | os.PathLike[str]) -> None:
    """Replace the file at ``path`` with ``text`` (UTF-8) atomically; see the module docstring.

    Raises :class:`NotebookSaveError` (an ``OSError``) and nothing else for file-system trouble.
    """
    data = text.encode("utf-8")
    shown = os.fspath(path)
    target = os.path.realpath(shown)
    folder, base = os.path.split(target)
    try:
        existing = _existing(target)
    except OSError as err:
        raise NotebookSaveError(shown, _reason(err, folder), err.errno) from None
    if existing is not None:
        _check_replaceable(shown, existing)
    temp, fd = _create_temp(shown, folder, base, private=existing is not None)
    try:
        _write_all(fd, data)
        if existing is not None:
            _keep_owner(shown, fd, existing)
            _set_mode(fd, temp, stat.S_IMODE(existing.st_mode))
        os.fsync(fd)
        os.replace(temp, target)
    except BaseException as err:
        os.close(fd)
        _remove_quietly(temp)
        if isinstance(err, OSError) and not isinstance(err, NotebookSaveError):
            raise NotebookSaveError(shown, _reason(err, folder), err.errno) from err
        raise
    os.close(fd)  # after the rename: the lock covers the temporary file's whole life
    _fsync_folder(folder)


def temp_file_pattern(path: str | os.PathLike[str]) -> re.Pattern[str]:
    """The names :func:`save_text` gives its temporary files for ``path`` (its real file)."""
    base = os.path.basename(os.path.realpath(os.fspath(path)))
    return re.compile(rf"\.{re.escape(base)}\.[0-9a-f]{{8}}\.tmp")


def remove_stale_temp_files(
    path: str | os.PathLike[str], *, older_than: float = STALE_TEMP_SECONDS
) -> list[Path]:
    """Remove what killed saves of this notebook left behind; the paths removed.

    Only files named exactly as :func:`save_text` names them, regular (not links), older than
    ``older_than`` seconds and not locked by a save in progress. Never raises for a file it
    cannot inspect or remove: it is left alone.
    """
    folder = os.path.dirname(os.path.realpath(os.fspath(path)))
    pattern = temp_file_pattern(path)
    now = time.time()
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < older_than:
            continue
        if _being_written(entry.path):
            continue
        with contextlib.suppress(OSError):
            os.remove(entry.path)
            removed.append(Path(entry.path))
    return removed


def _existing(target: str) -> os.stat_result | None:
    try:
        return os.stat(target)
    except FileNotFoundError:
        return None


def _check_replaceable(shown: str, existing: os.stat_result) -> None:
    if not stat.S_ISREG(existing.st_mode):
        raise NotebookSaveError(shown, "it is not a regular file")
    if not _writable(shown, existing):
        raise NotebookSaveError(
            shown,
            "the file is read-only (its permissions do not allow writing); make it writable"
            " or save a copy elsewhere",
            errno.EACCES,
        )


def _writable(path: str, existing: os.stat_result) -> bool:
    """As an editor judges it: root too is stopped by a file nobody may write (``chmod 444``)."""
    if not existing.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return False
    return os.access(path, os.W_OK)


def _create_temp(shown: str, folder: str, base: str, *, private: bool) -> tuple[str, int]:
    """A new locked file beside the target; ``private`` (0600) until it gets the target's mode."""
    mode = 0o600 if private else 0o666  # 0o666 minus the umask, as for any new file
    while True:
        temp = os.path.join(folder, f".{base}.{token_hex(4)}.tmp")
        try:
            fd = os.open(temp, _TEMP_FLAGS, mode)
            break
        except FileExistsError:
            continue
        except OSError as err:
            raise NotebookSaveError(shown, _reason(err, folder), err.errno) from None
    if fcntl is not None:
        with contextlib.suppress(OSError):  # a file system without locks: age still protects
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return temp, fd


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _keep_owner(shown: str, fd: int, existing: os.stat_result) -> None:
    """Give the new file the old one's owner and group, or refuse to change them."""
    if not hasattr(os, "fchown"):
        return
    wanted = (existing.st_uid, existing.st_gid)
    try:
        os.fchown(fd, *wanted)
    except OSError as err:
        made = os.fstat(fd)
        if (made.st_uid, made.st_gid) == wanted:
            return  # nothing to change (some file systems refuse chown even then)
        raise NotebookSaveError(
            shown,
            f"it belongs to {_owner_name(existing)}, and replacing it would change its owner or"
            " group; save a copy elsewhere",
            err.errno,
        ) from None


def _set_mode(fd: int, temp: str, mode: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:  # Windows before Python 3.13
        os.chmod(temp, mode)


def _owner_name(info: os.stat_result) -> str:
    try:
        import pwd

        user = pwd.getpwuid(info.st_uid).pw_name
    except (ImportError, KeyError):
        user = f"user {info.st_uid}"
    return f"{user} (group {info.st_gid})"


def _being_written(path: str) -> bool:
    """Whether a live save holds the lock on this temporary file."""
    if fcntl is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return True  # cannot look inside: leave it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False  # no locks on this file system: its age decides
    finally:
        os.close(fd)
    return False


def _reason(err: OSError, folder: str) -> str:
    """An ``OSError`` during a save, in words."""
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "your disk quota is used up",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: f"permission denied: you may not create files in {folder}",
        errno.EPERM: f"permission denied: you may not create files in {folder}",
        errno.ENOENT: f"the folder {folder} does not exist",
        errno.EIO: "the disk reported an input/output error",
    }
    return reasons.get(err.errno or 0) or (err.strerror or str(err) or type(err).__name__)


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)


def _fsync_folder(folder: str) -> None:
    """Make the rename durable; some systems (Windows) cannot open a folder, and need not."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
