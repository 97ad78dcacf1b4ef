"""Trust (issue 9, part 1): a notebook file's settings are honoured only once the user trusts
it; until then nothing it asks for happens, and a run asks first."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from app.coordinator.coordinator import Coordinator
from app.coordinator.events import CoordinatorEvent, TrustChanged, TrustDecisionNeeded
from app.coordinator.trust_store import TrustStore
from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.core.record import replace
from app.core.settings import set_setting
from tests.coordinator.fake_kernel import FakeKernel


def run(coro_factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(coro_factory())


def hostile(
    tmp_path: Path, *, python: str | None = "./evil.sh", database: str | None = None
) -> Path:
    notebook = Notebook(cells=(Cell("a", "python", "x = 1"), Cell("b", "python", "y = x")))
    notebook = replace(notebook, database=database)
    if python:
        notebook = set_setting(notebook, "python", python)
    path = tmp_path / "hostile.py"
    fileformat.save(notebook, path)
    return path


def opened(path: Path, **kwargs: Any) -> tuple[Coordinator, FakeKernel, list[CoordinatorEvent]]:
    kernel = FakeKernel()
    coordinator = Coordinator(kernel, **kwargs)
    events: list[CoordinatorEvent] = []
    coordinator.subscribe(events.append)
    coordinator.open_now(path)
    return coordinator, kernel, events


def test_an_untrusted_notebook_uses_the_default_interpreter_and_sqlite(tmp_path: Path) -> None:
    path = hostile(tmp_path, database="postgresql://victim@host:5432/${SOME_ENV}")

    async def body() -> None:
        c, kernel, events = opened(path)
        assert not c.trusted
        assert [r.kind for r in c.trust_requests] == ["interpreter", "database", "environment"]
        assert TrustChanged(False, c.trust_requests) in events
        await c.start_kernel()
        assert kernel.interpreter is None  # not ./evil.sh
        urls = [r.url for r in kernel.database_requests]
        assert urls == [f"sqlite:///{path.with_suffix('.sqlite')}"]
        assert all(r.password is None for r in kernel.database_requests)

    run(body)


def test_a_run_waits_for_the_decision_then_runs_without_the_settings(tmp_path: Path) -> None:
    path = hostile(tmp_path)

    async def body() -> None:
        c, kernel, events = opened(path)
        await c.run_all()
        assert kernel.plans == []  # nothing ran before the user answered
        assert [e for e in events if isinstance(e, TrustDecisionNeeded)] == [
            TrustDecisionNeeded(c.trust_requests)
        ]
        assert c.states["a"].status == "idle"  # not queued: nothing waits in the kernel
        await c.run_cell("b")  # another run while the question is open: held too, asked once
        assert sum(isinstance(e, TrustDecisionNeeded) for e in events) == 1
        await c.run_untrusted()
        assert kernel.interpreter is None
        assert [s.cell_id for s in kernel.plans[0].steps] == ["a", "b"]
        assert c.states["b"].status == "success"
        await c.run_cell("a")  # the choice holds for the session
        assert len(kernel.plans) == 2
        assert not c.trusted

    run(body)


def test_declining_runs_nothing(tmp_path: Path) -> None:
    path = hostile(tmp_path)

    async def body() -> None:
        c, kernel, _ = opened(path)
        await c.run_all()
        c.discard_held_runs()
        await c.trust()  # trusting later does not start the declined run
        assert kernel.plans == []

    run(body)


def test_trusting_honours_the_settings_and_is_remembered(tmp_path: Path) -> None:
    path = hostile(tmp_path, python=str(tmp_path / "venv-python"), database="postgresql://u@h/db")
    store = TrustStore(tmp_path / "trust.json")

    async def body() -> None:
        c, kernel, _ = opened(path, trust_store=store)
        await c.start_kernel()
        await c.run_all()
        await c.trust()
        assert c.trusted
        assert kernel.interpreter == str(tmp_path / "venv-python")  # restarted in it
        assert kernel.database_requests[-1].url == "postgresql://u@h/db"
        assert [s.cell_id for s in kernel.plans[-1].steps] == ["a", "b"]  # the held run
        again, _, _ = opened(path, trust_store=store)
        assert again.trusted

    run(body)


def test_a_header_changed_on_disk_is_asked_about_again(tmp_path: Path) -> None:
    path = hostile(tmp_path)
    store = TrustStore(tmp_path / "trust.json")

    async def body() -> None:
        c, _, _ = opened(path, trust_store=store)
        await c.trust()
        text = path.read_text().replace("./evil.sh", "./other.sh")
        path.write_text(text)
        await c.reload()
        assert not c.trusted
        assert c.trust_requests[0].detail == "./other.sh"

    run(body)


def test_editing_the_header_in_the_window_keeps_trust(tmp_path: Path) -> None:
    path = hostile(tmp_path, python=None, database="postgresql://u@h/db")
    store = TrustStore(tmp_path / "trust.json")

    async def body() -> None:
        c, _, _ = opened(path, trust_store=store)
        await c.trust()
        await c.set_database("postgresql://u@h/other")
        await c.rename("renamed")
        again, _, _ = opened(path, trust_store=store)
        assert again.trusted
        assert again.notebook.database == "postgresql://u@h/other"

    run(body)


def test_notebooks_the_user_creates_or_saves_are_trusted(tmp_path: Path) -> None:
    store = TrustStore(tmp_path / "trust.json")

    async def body() -> None:
        c = Coordinator(FakeKernel(), trust_store=store)
        c.new()
        assert c.trusted
        await c.set_database("postgresql://u@h/db")
        assert await c.save_as(tmp_path / "mine.py")
        again, _, _ = opened(tmp_path / "mine.py", trust_store=store)
        assert again.trusted
        other, _, _ = opened(hostile(tmp_path), trust_store=store)
        assert await other.save_as(tmp_path / "copy.py")  # Save As: now the user's own file
        assert other.trusted
        assert opened(tmp_path / "copy.py", trust_store=store)[0].trusted

    run(body)


def test_the_command_line_can_vouch_for_a_notebook(tmp_path: Path) -> None:
    path = hostile(tmp_path)

    async def body() -> None:
        c, kernel, _ = opened(path, assume_trusted=True, autosave=False)
        await c.run_all()
        assert kernel.interpreter is not None and kernel.interpreter.endswith("evil.sh")
        assert not TrustStore().is_trusted(path, "anything")

    run(body)


def test_a_password_in_the_file_is_never_stored(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    from app.coordinator.secrets import load_database_password, store_database_password

    store_database_password("postgresql://me@db/prod", "the-users-own")
    path = tmp_path / "seed.py"
    path.write_text("# DB: postgresql://me:attacker@db/prod\n# %% python [a]\nx = 1\n")

    async def body() -> None:
        c, kernel, _ = opened(path, assume_trusted=True)
        await c.start_kernel()
        assert load_database_password("postgresql://me@db/prod") == "the-users-own"
        assert kernel.database_requests[-1].password == "attacker"  # this session only
        await c.update_cell("a", "x = 2")
        assert "attacker" not in path.read_text()
        assert load_database_password("postgresql://me@db/prod") == "the-users-own"

    run(body)


def test_a_damaged_trust_file_trusts_nothing(tmp_path: Path) -> None:
    store = TrustStore(tmp_path / "trust.json")
    store.path.write_text("{not json")
    assert not store.is_trusted(tmp_path / "x.py", "f")
    store.trust(tmp_path / "x.py", "f")
    assert store.is_trusted(tmp_path / "x.py", "f")
    assert oct(store.path.stat().st_mode & 0o777) == "0o600"
