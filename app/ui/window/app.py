"""Start the desktop app: QApplication, the qasync loop, the first window."""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback
from pathlib import Path

import qasync
from PySide6.QtCore import qVersion
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app.ui import tasks
from app.ui.outputs.web_output import prepare_web_engine
from app.ui.window.main_window import MainWindow
from app.ui.window.single_instance import start_single_instance

RESOURCES = Path(__file__).resolve().parents[3] / "resources"

log = logging.getLogger(__name__)


def _report(error: BaseException) -> None:
    """An intent failed: tell the user instead of losing it on a console nobody reads."""
    text = "".join(traceback.format_exception(error)).strip()
    log.error("an intent failed:\n%s", text)
    window = QApplication.activeWindow()
    box = QMessageBox(QMessageBox.Icon.Warning, "Cascade", str(error) or type(error).__name__)
    box.setDetailedText(text)
    if window is not None:
        box.setParent(window, box.windowFlags())
    box.open()


def run_gui(notebook: str | None, *, app_view: bool = False) -> int:
    """The window (``app_view``: ``cascade app NB.py``, the notebook as an app)."""
    prepare_web_engine()  # before the QApplication: QtWebEngine (the [web] extra) needs it
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Cascade")
    app.setOrganizationName("Cascade")
    app.setDesktopFileName("cascade")
    app.setWindowIcon(QIcon(str(RESOURCES / "cascade.svg")))
    wanted = str(Path(notebook).resolve()) if notebook is not None else None
    handed_over, server = start_single_instance(wanted, open_from_another_launch)
    if handed_over:
        log.info("handed %s over to the running Cascade", wanted)
        return 0  # the running Cascade opened (or focused) it
    log.info("window on %s (Qt %s)", app.platformName(), qVersion())
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    tasks.set_error_reporter(_report)
    window = MainWindow()
    window.show()
    window.toggle_app_view(app_view)
    if notebook is not None:
        window.open_path(notebook)
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    with loop:
        loop.run_until_complete(closed.wait())
    if server is not None:
        server.close()
    return 0


def open_from_another_launch(path: str) -> None:
    """A later ``cascade NOTEBOOK.py`` handed us its notebook: focus or open it (never in a
    window that was closed)."""
    if not path:
        for window in MainWindow.windows:
            if window.isVisible():
                window.raise_()
                window.activateWindow()
                return
    target = MainWindow()
    if (path and target.open_path(path) and target.coordinator is not None) or not path:
        target.show()
    else:
        target.close()
