"""The save contract (issue 9, part 2): a save replaces the whole file or changes nothing and
says why; the newest text is never only in memory (recovery copy); our own writes never look
like a change on disk."""

from __future__ import annotations

import asyncio
import errno
import os
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from app.coordinator.coordinator import Coordinator
from app.coordinator.events import CoordinatorEvent, NotebookSaved, SaveFailed
from app.coordinator.persistence import NotebookFile
from app.coordinator.recovery import RecoveryStore
from app.core import fileformat
from app.core.notebook import Cell, Notebook
from tests.coordinator.fake_kernel import FakeKernel


def run(coro_factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(coro_factory())


def saved_notebook(path: Path, code: str = "x = 1") -> Path:
    fileformat.save(Notebook(cells=(Cell("a", "python", code),), name="nb"), path)
    return path


def opened(path: Path) -> tuple[Coordinator, list[CoordinatorEvent]]:
    c = Coordinator(FakeKernel())
    events: list[CoordinatorEvent] = []
    c.subscribe(events.append)
    c.open_now(path)
    return c, events


def recovered_texts() -> list[str]:
    return [copy.text() for copy in RecoveryStore().list()]


def test_a_read_only_notebook_is_never_rewritten(tmp_path: Path) -> None:
    """chmod 444: rename-over would replace it even for its owner; autosave must not."""
    path = saved_notebook(tmp_path / "nb.py")
    before = path.read_bytes()
    path.chmod(0o444)

    async def body() -> None:
        c, events = opened(path)
        assert c.read_only
        await c.update_cell("a", "x = 2", run=False)
        assert path.read_bytes() == before
        assert oct(path.stat().st_mode & 0o777) == "0o444"
        failures = [e for e in events if isinstance(e, SaveFailed)]
        assert failures and "read-only" in failures[0].message
        assert c.save_blocked and c.has_unsaved_work
        assert any("x = 2" in text for text in recovered_texts())

    run(body)


def test_a_full_disk_changes_nothing_keeps_the_edit_and_retries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = saved_notebook(tmp_path / "nb.py")
    before = path.read_bytes()
    real_save = fileformat.save_text

    def full_disk(text: str, target: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    async def body() -> None:
        monkeypatch.setattr(fileformat, "save_text", full_disk)
        c, events = opened(path)
        await c.update_cell("a", "x = 3", run=False)
        assert path.read_bytes() == before
        failure = next(e for e in events if isinstance(e, SaveFailed))
        assert failure.message == "cannot save nb.py: the disk is full"
        assert c.notebook.cell("a").code == "x = 3"  # in memory
        assert any("x = 3" in text for text in recovered_texts())  # and on disk elsewhere
        monkeypatch.setattr(fileformat, "save_text", real_save)  # space freed
        c.retry_save()  # what the retry timer calls
        assert "x = 3" in path.read_text()
        assert not c.save_blocked
        assert recovered_texts() == []  # the copy goes once the file holds the text
        assert isinstance(events[-1], NotebookSaved)

    run(body)


def test_a_failed_save_schedules_a_retry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = saved_notebook(tmp_path / "nb.py")
    attempts: list[str] = []

    def failing(text: str, target: Any) -> None:
        attempts.append(text)
        raise OSError(errno.EROFS, "Read-only file system")

    async def body() -> None:
        monkeypatch.setattr(fileformat, "save_text", failing)
        c, _ = opened(path)
        await c.update_cell("a", "x = 4", run=False)
        assert c._saver._retry is not None  # a timer is armed; an edit retries too
        await c.update_cell("a", "x = 5", run=False)
        assert len(attempts) == 2
        c.close()

    run(body)


def test_a_new_notebook_lives_in_memory_and_in_a_recovery_copy(tmp_path: Path) -> None:
    async def body() -> None:
        c = Coordinator(FakeKernel())
        c.new()
        assert c.path is None and not c.has_unsaved_work
        cell = await c.add_cell("python", code="secret_work = 42")
        assert c.has_unsaved_work
        assert list(tmp_path.iterdir()) == []  # nothing written beside anything
        assert any("secret_work = 42" in text for text in recovered_texts())
        await c.update_cell(cell, "secret_work = 43", run=False)
        assert any("secret_work = 43" in text for text in recovered_texts())
        assert await c.save_as(tmp_path / "analysis.py")
        assert c.path == (tmp_path / "analysis.py").absolute()
        assert "secret_work = 43" in (tmp_path / "analysis.py").read_text()
        assert recovered_texts() == []
        assert not c.has_unsaved_work

    run(body)


def test_save_as_moves_the_default_database(tmp_path: Path) -> None:
    async def body() -> None:
        kernel = FakeKernel()
        c = Coordinator(kernel)
        c.new()
        await c.start_kernel()
        assert kernel.database_requests[-1].url == "sqlite://"
        await c.save_as(tmp_path / "report.py")
        assert kernel.database_requests[-1].url == f"sqlite:///{tmp_path / 'report.sqlite'}"
        assert not (tmp_path / "report.sqlite").exists()  # created only when SQL runs

    run(body)


def test_a_restored_copy_is_unsaved_until_saved(tmp_path: Path) -> None:
    store = RecoveryStore()
    store.write("k1", fileformat.dumps(Notebook(cells=(Cell("a", "python", "y = 9"),))), None)

    async def body() -> None:
        c = Coordinator(FakeKernel())
        (copy,) = store.list()
        c.restore(copy.text(), copy.key, copy.origin)
        assert c.notebook.cell("a").code == "y = 9"
        assert c.has_unsaved_work
        await c.update_cell("a", "y = 10", run=False)
        assert [r.text() for r in store.list()] == [fileformat.dumps(c.notebook)]
        await c.save_as(tmp_path / "back.py")
        assert store.list() == []

    run(body)


def test_our_own_writes_never_read_the_file_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = saved_notebook(tmp_path / "nb.py")
    notebook_file = NotebookFile()
    notebook_file.load(path)
    notebook_file.save(fileformat.dumps(Notebook(cells=(Cell("a", "python", "x = 7"),))))
    reads: list[Path] = []
    original = Path.read_bytes

    def counting(self: Path) -> bytes:
        reads.append(self)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    assert not notebook_file.changed_on_disk()
    assert reads == []
    path.write_text(path.read_text() + "\n# from another editor\n")
    assert notebook_file.changed_on_disk()


def test_opening_removes_what_killed_saves_left_behind(tmp_path: Path) -> None:
    """Issue 9: a kill during a save leaves a hidden `.NAME.XXXX.tmp` that nothing cleaned up."""
    path = saved_notebook(tmp_path / "nb.py")
    stale = tmp_path / ".nb.py.0123abcd.tmp"
    stale.write_text("half a save")
    other = tmp_path / ".other.py.0123abcd.tmp"  # not ours to remove
    other.write_text("x")
    old = 1_000_000_000
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    opened(path)
    assert not stale.exists()
    assert other.exists()
