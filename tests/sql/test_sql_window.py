"""SQL in the window: set the connection in the dialog, see "connected", run, see the table."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.ui.outputs.table_view import TableOutput
from app.ui.window.main_window import MainWindow
from tests.sql.conftest import Database
from tests.ui.conftest import until
from tests.ui.test_window import output_text

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for kind in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(kind, QSettings.Scope.UserScope, str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


def test_connect_in_the_dialog_then_run_a_sql_cell(
    arun: Callable[..., Any], tmp_path: Path, database: Database
) -> None:
    path = tmp_path / "report.py"
    cells = (
        Cell("q1", "sql", "SELECT id, name FROM users ORDER BY id", name="people"),
        Cell("p1", "python", "len(people)"),
    )
    fileformat.save(Notebook(cells=cells, name="Report"), path)
    window = MainWindow()
    window.show()
    assert window.open_path(str(path))

    async def body() -> None:
        window.commands.database.trigger()
        dialog = window.database_dialog
        assert dialog is not None and dialog.isVisible()
        dialog.url_edit.setText("")
        QTest.keyClicks(dialog.url_edit, database.url_without_password)
        if database.password:
            QTest.keyClicks(dialog.password_edit, database.password)
        QTest.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
        # (The default SQLite file's status may show first: it is not created, so it does not
        # say "Connected to".)
        await until(window, lambda: dialog.status.text().startswith("✓ Connected to"))
        assert window.database_label.text().startswith("DB: ")
        assert dialog.password_edit.text() == ""  # not kept on screen
        dialog.close()
        window.commands.run_all.trigger()
        query = window.view.cells["q1"]  # type: ignore[union-attr]
        await until(window, lambda: bool(query.outputs.findChildren(TableOutput)))
        table = query.outputs.findChildren(TableOutput)[0]
        assert "4 rows × 2 columns" in table.caption.text()
        model = table.model
        names = [model.data(model.index(row, 2)) for row in range(model.rowCount())]
        assert names == ["ada", "grace", "linus", "guido"]  # rows paged from the kernel
        await until(window, lambda: "4" in output_text(window.view.cells["p1"]))  # type: ignore[union-attr]
        assert query.name_edit.text() == "people"
        if database.password:
            assert database.password not in path.read_text()
            assert database.password not in window.windowTitle()
        window.close()

    arun(body())


def test_seed_notebook_password_is_used_once_trusted_and_never_stored(
    arun: Callable[..., Any], tmp_path: Path, postgres: Any
) -> None:
    """Opening a seed-format notebook whose `# DB:` line holds a password: nothing connects
    until the user trusts it; then the password works for the session, the first save writes
    our format without it, and the secret store is left alone (issue 9: stored passwords change
    only when the user types one in the Database dialog)."""
    from app.coordinator.secrets import load_database_password

    path = tmp_path / "seed.py"
    path.write_text(
        "# Notebook: Old report\n"
        f"# DB: {postgres.url(password=True, driver='postgresql')}\n"
        "# %% sql [c1]\n"
        "SELECT count(*) AS n FROM users\n"
        "# %% python [c2]\n"
        "int(df.n[0])\n"
    )
    window = MainWindow()
    window.show()
    assert window.open_path(str(path))
    coordinator = window.coordinator
    assert coordinator is not None
    assert not coordinator.trusted
    assert window.trust_bar.isVisible()
    assert "connects to postgresql://" in window.trust_bar.label.text()
    assert postgres.password not in window.trust_bar.label.text()

    async def body() -> None:
        await until(window, lambda: coordinator.database_status is not None)
        assert coordinator.database_status is not None
        assert coordinator.database_status.url.startswith("sqlite:")  # not the file's server
        QTest.mouseClick(window.trust_bar.trust_button, Qt.MouseButton.LeftButton)
        await until(
            window,
            lambda: (
                coordinator.database_status is not None
                and coordinator.database_status.server.startswith("PostgreSQL")
            ),
        )
        assert not window.trust_bar.isVisible()
        await coordinator.run_all()
        assert coordinator.states["c2"].status == "success"
        await coordinator.update_cell("c2", "int(df.n[0]) + 0")
        text = path.read_text()
        assert postgres.password not in text
        assert "[tool.cascade]" in text and "postgresql://" in text
        assert coordinator.notebook.database is not None
        assert load_database_password(coordinator.notebook.database) is None
        window.close()

    arun(body())
