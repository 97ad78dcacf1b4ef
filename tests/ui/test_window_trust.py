"""Opening a notebook runs nothing it should not (issue 9, part 1), through the real window
and worker: its interpreter is not started, its database is not contacted, no file is
created, until the user trusts it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.core.record import replace
from app.core.settings import set_setting
from app.core.trust import TrustRequest
from app.ui.window.main_window import MainWindow
from tests.ui.conftest import idle, until
from tests.ui.test_window import open_window, status

pytestmark = pytest.mark.slow
Run = Callable[[Awaitable[Any]], Any]


def evil_notebook(tmp_path: Path) -> tuple[Path, Path]:
    """A notebook whose header names ./evil.sh as its Python; the script leaves a marker."""
    marker = tmp_path / "evil-ran"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\nexit 3\n")
    script.chmod(0o755)
    notebook = set_setting(
        Notebook(cells=(Cell("a", "python", "x = 6 * 7\nx"),), name="Evil"), "python", "./evil.sh"
    )
    path = tmp_path / "evil.py"
    fileformat.save(notebook, path)
    return path, marker


def test_an_interpreter_beside_the_notebook_never_runs_before_trust(
    arun: Run, tmp_path: Path
) -> None:
    path, marker = evil_notebook(tmp_path)
    window = open_window(path)
    asked: list[tuple[TrustRequest, ...]] = []

    def answer(requests: tuple[TrustRequest, ...]) -> str:
        asked.append(requests)
        return "run"

    window.ask_trust = answer  # type: ignore[method-assign,assignment]

    async def body() -> None:
        assert window.trust_bar.isVisible()
        assert "runs ./evil.sh as its Python" in window.trust_bar.label.text()
        await until(window, lambda: "idle" in window.kernel_label.text())  # default Python
        window.commands.run_all.trigger()
        await until(window, lambda: status(window, 0) == "success")
        assert [r.detail for r in asked[0]] == ["./evil.sh"]
        assert not marker.exists()
        await idle(window)
        window.commands.trust.trigger()  # the user trusts it: now, and only now, it runs
        await until(window, lambda: marker.exists())
        await until(window, lambda: "dead" in window.kernel_label.text())

    arun(body())


def test_keep_untrusted_hides_the_bar_and_changes_nothing(arun: Run, tmp_path: Path) -> None:
    path, marker = evil_notebook(tmp_path)
    before = path.read_bytes()
    window = open_window(path)
    window.ask_trust = lambda requests: "cancel"  # type: ignore[method-assign,assignment]

    async def body() -> None:
        window.trust_bar.keep_button.click()
        assert not window.trust_bar.isVisible()
        window.commands.run_all.trigger()
        await idle(window)
        assert status(window, 0) == "idle"
        assert not marker.exists()
        assert path.read_bytes() == before

    arun(body())


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP listener on loopback that records whatever connects to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            received.append(conn.recv(4096) or b"<connected>")
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], received
    stop.set()
    thread.join()
    server.close()


def test_a_database_header_is_not_contacted_and_no_file_is_created(
    arun: Run, tmp_path: Path, listener: tuple[int, list[bytes]], monkeypatch: Any
) -> None:
    port, received = listener
    monkeypatch.setenv("SOME_ENV", "the-secret-value")
    monkeypatch.setenv("PGPASSWORD", "pg-secret")
    url = f"postgresql://victim@127.0.0.1:{port}/${{SOME_ENV}}"
    notebook = replace(
        Notebook(cells=(Cell("q", "sql", "SELECT 1 AS one", name="df"),), name="db"),
        database=url,
    )
    path = tmp_path / "db.py"
    fileformat.save(notebook, path)
    window = open_window(path)

    async def body() -> None:
        assert "connects to postgresql://victim@127.0.0.1" in window.trust_bar.label.text()
        assert "reads the environment variable SOME_ENV" in window.trust_bar.label.text()
        await until(
            window,
            lambda: (
                window.coordinator is not None and window.coordinator.database_status is not None
            ),
        )
        await idle(window)
        assert received == []
        assert not (tmp_path / "db.sqlite").exists()
        assert window.database_label.text() != "DB: not connected"

    arun(body())


def test_a_sqlite_header_creates_no_file_on_open(arun: Run, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "planted.db"
    notebook = replace(
        Notebook(cells=(Cell("a", "python", "x = 1"),)), database=f"sqlite:///{target}"
    )
    path = tmp_path / "nb.py"
    fileformat.save(notebook, path)
    window = open_window(path)

    async def body() -> None:
        await until(window, lambda: "idle" in window.kernel_label.text())
        await idle(window)
        assert not target.exists() and not target.parent.exists()
        assert not (tmp_path / "nb.sqlite").exists()

    arun(body())


def test_settings_dialogs_ask_to_trust_first(arun: Run, tmp_path: Path) -> None:
    path, _marker = evil_notebook(tmp_path)
    window = open_window(path)
    questions: list[str] = []

    def decline(title: str, text: str) -> bool:
        questions.append(text)
        return False

    window.confirm = decline  # type: ignore[method-assign]

    async def body() -> None:
        window.commands.database.trigger()
        assert window.database_dialog is None
        assert "runs ./evil.sh" in questions[0]
        assert not MainWindow.open_windows[path.resolve()].coordinator.trusted  # type: ignore[union-attr]

    arun(body())
