"""Saving (issue 9 §2): a save replaces the file completely — keeping its mode, owner, group and
symlink — or changes nothing, leaves no temporary file and raises one error type saying why.
Killed saves leave temporary files that the next open removes (only ours)."""

from __future__ import annotations

import errno
import fcntl
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.core.fileformat import (
    NotebookSaveError,
    dumps,
    load,
    remove_stale_temp_files,
    save,
    save_text,
    temp_file_pattern,
)
from app.core.notebook import Cell, Notebook

ROOT = Path(__file__).resolve().parents[2]
NEW = Notebook((Cell("a", code="x = 2"),), name="new")
OLD = "# old text\n"


@pytest.fixture
def notebook(tmp_path: Path) -> Path:
    path = tmp_path / "nb.py"
    path.write_text(OLD)
    return path


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "nb.py")


def _refused(path: Path, reason: str, *, errno_: int | None = None) -> NotebookSaveError:
    """Saving fails with ``reason``, and the file and its folder are as they were."""
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(NotebookSaveError) as caught:
        save(NEW, path)
    error = caught.value
    assert error.reason.startswith(reason), error.reason
    assert str(error) == f"cannot save {path}: {error.reason}"
    assert isinstance(error, OSError)
    if errno_ is not None:
        assert error.errno == errno_
    if before is not None:
        assert path.read_bytes() == before
    assert _leftovers(path.parent) == []
    return error


# -- what a save keeps ---------------------------------------------------------------------------


def test_save_replaces_the_file_and_keeps_its_permissions(notebook: Path) -> None:
    notebook.chmod(0o640)
    save(NEW, notebook)
    assert load(notebook).notebook == NEW
    assert stat.S_IMODE(notebook.stat().st_mode) == 0o640
    assert _leftovers(notebook.parent) == []


def test_a_private_file_is_never_readable_by_others_while_it_is_written(
    notebook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notebook.chmod(0o600)
    modes: list[int] = []
    real_open = os.open

    def record(name: str, flags: int, mode: int = 0o777, **kwargs: Any) -> int:
        if name.endswith(".tmp"):
            modes.append(mode)
        return real_open(name, flags, mode, **kwargs)

    monkeypatch.setattr(os, "open", record)
    save(NEW, notebook)
    assert modes == [0o600]
    assert stat.S_IMODE(notebook.stat().st_mode) == 0o600


def test_save_new_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    path = tmp_path / "nb.py"
    umask = os.umask(0o022)
    try:
        save(Notebook(), path)
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert path.read_bytes() == dumps(Notebook()).encode()


def test_owner_and_group_are_given_back(notebook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root editing another user's notebook leaves it theirs; everyone asks for the old owner."""
    if os.geteuid() == 0:
        os.chown(notebook, 65534, 65534)  # nobody: root may give files away
    else:
        os.chown(notebook, os.getuid(), os.getgid())
    owner = notebook.stat()
    calls: list[tuple[int, int]] = []
    real_fchown = os.fchown
    monkeypatch.setattr(
        os, "fchown", lambda fd, u, g: calls.append((u, g)) or real_fchown(fd, u, g)
    )
    save(NEW, notebook)
    after = notebook.stat()
    assert calls == [(owner.st_uid, owner.st_gid)]
    assert (after.st_uid, after.st_gid) == (owner.st_uid, owner.st_gid)
    assert after.st_ino != owner.st_ino  # really replaced, not written in place


def test_an_owner_that_cannot_be_kept_refuses_the_save(
    notebook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user who may write another user's file in a shared folder cannot give the new file
    back to its owner: the save is refused rather than silently taking the file over."""
    theirs = notebook.stat()
    real_stat = os.stat

    def someone_elses(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        info = real_stat(path, *args, **kwargs)
        if os.fspath(path) == str(notebook):
            return os.stat_result((*info[:4], info.st_uid + 4242, *info[5:]))
        return info

    def refuse(*_args: int) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "stat", someone_elses)
    monkeypatch.setattr(os, "fchown", refuse)
    error = _refused(notebook, f"it belongs to user {theirs.st_uid + 4242}", errno_=errno.EPERM)
    assert "replacing it would change its owner or group" in error.reason


def test_a_file_system_that_refuses_chown_for_nothing_still_saves(
    notebook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: int) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "fchown", refuse)  # as vfat does, even to the same owner
    save(NEW, notebook)
    assert load(notebook).notebook == NEW


def _linked(tmp_path: Path) -> tuple[Path, Path]:
    """``(real, link)``: a notebook in a folder of its own, and a link to it in ``tmp_path``."""
    elsewhere = tmp_path / "real"
    elsewhere.mkdir()
    real = elsewhere / "real.py"
    real.write_text(OLD)
    return real, tmp_path / "nb.py"


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real, link = _linked(tmp_path)
    elsewhere = real.parent
    middle = tmp_path / "middle.py"
    middle.symlink_to(real)
    link.symlink_to(middle)
    save(NEW, link)
    assert link.is_symlink() and middle.is_symlink()
    assert os.readlink(link) == str(middle)
    assert load(real).notebook == NEW
    assert sorted(p.name for p in elsewhere.iterdir()) == ["real.py"]  # no temporary file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["middle.py", "nb.py", "real"]


def test_the_folder_is_fsynced_after_the_rename(
    notebook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log: list[str] = []
    folders: set[int] = set()
    real_open, real_fsync, real_replace = os.open, os.fsync, os.replace

    def opening(name: str, flags: int, *args: Any, **kwargs: Any) -> int:
        fd = real_open(name, flags, *args, **kwargs)
        if name == str(notebook.parent):
            folders.add(fd)
        return fd

    def fsync(fd: int) -> None:
        log.append("fsync folder" if fd in folders else "fsync file")
        real_fsync(fd)

    def replace(source: str, target: str) -> None:
        log.append("rename")
        real_replace(source, target)

    monkeypatch.setattr(os, "open", opening)
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    save(NEW, notebook)
    assert log == ["fsync file", "rename", "fsync folder"]


# -- what a save refuses -------------------------------------------------------------------------


def test_a_read_only_file_is_not_replaced(notebook: Path) -> None:
    """``chmod 444``: the rename would ignore the file's mode, so the save must not happen —
    for root too, as editors treat a file nobody may write."""
    notebook.chmod(0o444)
    _refused(notebook, "the file is read-only", errno_=errno.EACCES)
    assert stat.S_IMODE(notebook.stat().st_mode) == 0o444


def test_a_file_the_user_may_not_write_is_not_replaced(
    notebook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Write bits for someone else only (or an ACL): ``os.access`` decides."""
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, m, **k: False if p == str(notebook) else real_access(p, m, **k)
    )
    _refused(notebook, "the file is read-only")


def test_a_path_that_is_a_folder_is_not_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "nb.py"
    folder.mkdir()
    _refused(folder, "it is not a regular file")
    assert folder.is_dir()


def test_a_missing_folder_is_said(tmp_path: Path) -> None:
    with pytest.raises(NotebookSaveError) as caught:
        save(NEW, tmp_path / "gone" / "nb.py")
    assert caught.value.reason == f"the folder {tmp_path / 'gone'} does not exist"


def _failing(error: int, step: str) -> Callable[..., Any]:
    real = getattr(os, step)

    def fail(*args: Any, **kwargs: Any) -> Any:
        if step != "open" or str(args[0]).endswith(".tmp"):
            raise OSError(error, os.strerror(error))
        return real(*args, **kwargs)

    return fail


@pytest.mark.parametrize(
    ("step", "error", "reason"),
    [
        ("write", errno.ENOSPC, "the disk is full"),
        ("write", errno.EDQUOT, "your disk quota is used up"),
        ("fsync", errno.EIO, "the disk reported an input/output error"),
        ("open", errno.EROFS, "the file system is read-only"),
        ("open", errno.EACCES, "permission denied: you may not create files in"),
        ("fchmod", errno.EPERM, "permission denied"),
        ("replace", errno.EXDEV, "Invalid cross-device link"),
        ("replace", errno.ENOSPC, "the disk is full"),
    ],
)
def test_every_failure_is_one_error_and_changes_nothing(
    notebook: Path, monkeypatch: pytest.MonkeyPatch, step: str, error: int, reason: str
) -> None:
    monkeypatch.setattr(os, step, _failing(error, step))
    _refused(notebook, reason, errno_=error)


def test_a_read_only_folder_is_said(notebook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notebook.parent.chmod(0o555)
    try:
        if os.access(notebook.parent, os.W_OK):  # root writes anywhere: fail as the kernel would
            monkeypatch.setattr(os, "open", _failing(errno.EACCES, "open"))
        _refused(notebook, f"permission denied: you may not create files in {notebook.parent}")
    finally:
        notebook.parent.chmod(0o755)


def test_an_interrupted_save_removes_its_temporary_file(
    notebook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(*_args: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        save(NEW, notebook)
    assert notebook.read_text() == OLD
    assert _leftovers(notebook.parent) == []


def test_an_invalid_notebook_never_touches_the_file(notebook: Path) -> None:
    with pytest.raises(ValueError):
        save(Notebook((Cell("a", "sql", "SELECT 1"),)), notebook)
    assert notebook.read_text() == OLD
    assert _leftovers(notebook.parent) == []


# -- temporary files of killed saves ----------------------------------------------------------------

KILLED_SAVE = textwrap.dedent(
    """
    import os, signal, sys
    from app.core.fileformat import save_text

    os.replace = lambda *_: os.kill(os.getpid(), signal.SIGKILL)  # killed just before the rename
    save_text("new\\n", sys.argv[1])
    """
)


def _killed_save(path: Path) -> Path:
    done = subprocess.run(
        [sys.executable, "-c", KILLED_SAVE, str(path)], cwd=ROOT, timeout=60, check=False
    )
    assert done.returncode == -signal.SIGKILL
    (temp,) = (p for p in path.parent.iterdir() if temp_file_pattern(path).fullmatch(p.name))
    return temp


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


def test_a_killed_save_leaves_the_file_and_its_temporary_file_is_removed_on_open(
    notebook: Path,
) -> None:
    temp = _killed_save(notebook)
    assert notebook.read_text() == OLD  # the notebook itself was never damaged
    assert temp.read_text() == "new\n"
    assert remove_stale_temp_files(notebook) == []  # too young: could be a save starting now
    _age(temp, 60)
    assert remove_stale_temp_files(notebook) == [temp]
    assert _leftovers(notebook.parent) == []


def test_a_temporary_file_of_a_save_in_progress_is_kept(notebook: Path) -> None:
    temp = notebook.parent / f".{notebook.name}.0123abcd.tmp"
    temp.write_text("being written")
    _age(temp, 60)
    fd = os.open(temp, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as save_text holds it while the file exists
        assert remove_stale_temp_files(notebook) == []
    finally:
        os.close(fd)
    assert remove_stale_temp_files(notebook) == [temp]


def test_only_our_own_temporary_files_are_removed(notebook: Path) -> None:
    folder = notebook.parent
    others = [
        ".nb.py.tmp",
        ".nb.py.0123abcd.tmp.bak",
        ".nb.py.0123ABCD.tmp",
        ".nb.py.0123abc.tmp",
        "nb.py.0123abcd.tmp",
        ".other.py.0123abcd.tmp",
        ".nb.pyc.0123abcd.tmp",
    ]
    for name in others:
        (folder / name).write_text("not ours")
    (folder / ".nb.py.aaaaaaaa.tmp").mkdir()
    (folder / ".nb.py.bbbbbbbb.tmp").symlink_to(notebook)
    ours = folder / ".nb.py.cccccccc.tmp"
    ours.write_text("ours")
    for path in folder.iterdir():
        _age(path, 60)
    assert remove_stale_temp_files(notebook) == [ours]
    assert sorted(_leftovers(folder)) == sorted(
        [*others, ".nb.py.aaaaaaaa.tmp", ".nb.py.bbbbbbbb.tmp"]
    )
    assert notebook.read_text() == OLD


def test_temporary_files_are_found_beside_the_real_file_of_a_link(tmp_path: Path) -> None:
    real, link = _linked(tmp_path)
    link.symlink_to(real)
    temp = real.parent / ".real.py.0123abcd.tmp"
    temp.write_text("left")
    _age(temp, 60)
    assert remove_stale_temp_files(link) == [temp]


def test_an_unreadable_folder_is_left_alone(tmp_path: Path) -> None:
    assert remove_stale_temp_files(tmp_path / "missing" / "nb.py") == []


def test_save_text_writes_exactly_the_text(notebook: Path) -> None:
    save_text("é\n", notebook)
    assert notebook.read_bytes() == "é\n".encode()
