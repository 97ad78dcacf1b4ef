"""The window's side of cells that misbehave (issue 9 §3): an interrupt the cell ignores, and
output over the cap ("N MB not shown — Open full output"). Real widgets, real worker."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.coordinator import runner as runner_module
from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.ui.outputs.output_view import OutputArea
from app.ui.window.main_window import MainWindow
from tests.ui.conftest import until
from tests.ui.widgets import UrlRecorder

Run = Callable[[Awaitable[Any]], Any]


@pytest.fixture
def opened_files() -> Any:
    """What the desktop was asked to open (nothing is opened for real)."""
    recorder = UrlRecorder()
    QDesktopServices.setUrlHandler("file", recorder, "open")  # type: ignore[arg-type]
    yield recorder.opened
    QDesktopServices.unsetUrlHandler("file")


def test_the_omitted_note_says_how_much_and_opens_the_file(
    qtbot: QtBot, tmp_path: Path, opened_files: list[QUrl]
) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    area = OutputArea(host)
    assert area.is_empty()
    full = tmp_path / "cascade-output-x.txt"
    full.write_text("all of it")
    area.set_omitted(12_345_678, str(full))
    assert not area.is_empty()
    assert area.omitted_note.label.text() == "12.3 MB of output not shown —"
    assert not area.omitted_note.button.isHidden()
    area.omitted_note.button.click()
    assert opened_files == [QUrl.fromLocalFile(str(full))]
    area.set_omitted(0, None)
    assert area.is_empty()


def test_without_a_file_the_note_has_no_button(qtbot: QtBot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    area = OutputArea(host)
    area.set_omitted(2_000, None)
    assert area.omitted_note.label.text() == "2 KB of output not shown —"
    assert area.omitted_note.button.isHidden()


def _window(tmp_path: Path, *codes: str) -> MainWindow:
    path = tmp_path / "notebook.py"
    cells = tuple(Cell(f"c{i}", "python", code) for i, code in enumerate(codes, start=1))
    fileformat.save(Notebook(cells=cells, name="Test"), path)
    window = MainWindow()
    window.show()
    assert window.open_path(str(path))
    return window


def _status(window: MainWindow, index: int) -> str:
    assert window.coordinator is not None
    return window.coordinator.states[window.coordinator.notebook.cell_ids[index]].status


@pytest.mark.slow
def test_a_cell_over_the_output_cap_offers_its_full_output(
    arun: Run, tmp_path: Path, opened_files: list[QUrl]
) -> None:
    window = _window(tmp_path, "print('z' * 6_000_000)")

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: _status(window, 0) == "success")
        assert window.view is not None and window.coordinator is not None
        state = window.coordinator.states["c1"]
        assert state.omitted_chars > 0 and state.full_output
        note = window.view.cells["c1"].outputs.omitted_note
        assert note.isVisibleTo(window) and "MB of output not shown" in note.label.text()
        note.button.click()
        assert opened_files == [QUrl.fromLocalFile(state.full_output)]

    arun(body())


@pytest.mark.slow
def test_an_ignored_interrupt_is_reported_and_the_second_asks_before_restarting(
    arun: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner_module, "INTERRUPT_FEEDBACK_S", 0.05)
    code = (
        "import signal, time\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "while True:\n"
        "    time.sleep(0.01)\n"
    )
    window = _window(tmp_path, code)
    questions: list[str] = []
    answers = iter([False, True])

    def confirm(title: str, text: str) -> bool:
        questions.append(text)
        return next(answers)

    window.confirm = confirm  # type: ignore[method-assign]

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: _status(window, 0) == "running")
        assert window.coordinator is not None
        pid = window.coordinator.kernel_pid
        window.commands.interrupt.trigger()
        await until(window, lambda: "has not stopped yet" in window.statusBar().currentMessage())
        assert questions == []  # the first interrupt never asks
        window.commands.interrupt.trigger()  # asks; the answer is "no"
        assert len(questions) == 1 and "Restart the kernel?" in questions[0]
        assert _status(window, 0) == "running"
        assert window.coordinator.kernel_pid == pid  # type: ignore[attr-defined]
        window.commands.interrupt.trigger()  # asks again; "yes" restarts
        await until(
            window,
            lambda: (
                window.coordinator is not None
                and window.coordinator.kernel_status == "idle"
                and window.coordinator.kernel_pid != pid
            ),  # type: ignore[attr-defined]
        )
        assert len(questions) == 2
        assert _status(window, 0) != "running"

    arun(body())
