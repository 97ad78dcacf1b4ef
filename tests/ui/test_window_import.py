"""Jupyter and marimo notebooks in the window (issue 10): File → Open / a dropped file imports
them (the report shown, a new notebook written beside, opened, trusted, runnable), File →
Export → Jupyter notebook writes the outputs on screen, and the multiple-definition quick fix
previews, applies and undoes as one edit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog

from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.ui.cells.notebook_view import NotebookView
from app.ui.dialogs.import_dialog import ImportDialog
from app.ui.dialogs.quick_fix_dialog import QuickFixDialog
from app.ui.window.main_window import MainWindow
from tests.integration.notebook_corpus import run_jupyter, saved_results
from tests.integration.notebook_files import jupyter
from tests.ui.conftest import idle, until

pytestmark = pytest.mark.slow
Run = Callable[[Awaitable[Any]], Any]


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What the modal dialogs answer (the dialogs are built and filled; only exec is bypassed)."""
    chosen: dict[str, Any] = {"import": True, "fix": True, "shown": []}

    def import_exec(dialog: ImportDialog) -> int:
        chosen["shown"].append(dialog)
        return int(ImportDialog.DialogCode.Accepted if chosen["import"] else 0)

    def fix_exec(dialog: QuickFixDialog) -> int:
        chosen["shown"].append(dialog)
        return int(QuickFixDialog.DialogCode.Accepted if chosen["fix"] else 0)

    monkeypatch.setattr(ImportDialog, "exec", import_exec)
    monkeypatch.setattr(QuickFixDialog, "exec", fix_exec)
    return chosen


def test_open_imports_a_jupyter_notebook_beside_it_and_runs(
    arun: Run, tmp_path: Path, answers: dict[str, Any]
) -> None:
    source = jupyter(
        tmp_path, "md:# Sales", "%sql sqlite:///sales.db", "df = [3, 1, 2]", "df = sorted(df)",
        "print(df)",
    )  # fmt: skip
    before = source.read_bytes()
    window = MainWindow()
    window.show()
    assert window.open_path(str(source))
    dialog = answers["shown"][0]
    assert dialog.windowTitle() == "Import NB.ipynb"
    report = dialog.report_view.toPlainText()
    assert "cell 3: df -> df_2 (defined again; first defined in cell 2); read by cell 4" in report
    assert "the notebook's database is set to it" in report
    target = tmp_path / "NB.py"
    assert "NB.py" in dialog.target_label.text()
    assert window.coordinator is not None and window.coordinator.path == target.resolve()
    assert source.read_bytes() == before  # never written to
    assert window.coordinator.trusted  # the user's own new file (its database too)
    assert [c.code for c in fileformat.load(target).notebook.cells][-1] == "print(df_2)"

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(
            window,
            lambda: (
                window.coordinator.states[  # type: ignore[union-attr]
                    window.coordinator.notebook.cell_ids[-1]  # type: ignore[union-attr]
                ].text("stdout")
                == "[1, 2, 3]\n"
            ),
        )
        await idle(window)

    arun(body())


def test_an_existing_target_asks_where_and_cancel_writes_nothing(
    arun: Run, tmp_path: Path, answers: dict[str, Any]
) -> None:
    source = jupyter(tmp_path, "x = 1")
    taken = tmp_path / "NB.py"
    taken.write_text("# mine\n")
    window = MainWindow()
    asked: list[str] = []
    window.ask_save_path = lambda start: asked.append(start) or ""  # type: ignore[method-assign]
    assert not window.open_path(str(source))
    assert asked == [str(taken)]
    assert taken.read_text() == "# mine\n"
    elsewhere = tmp_path / "other.py"
    window.ask_save_path = lambda start: str(elsewhere)  # type: ignore[method-assign]
    assert window.open_path(str(source))
    assert window.coordinator is not None and window.coordinator.path == elsewhere.resolve()
    assert taken.read_text() == "# mine\n"

    answers["import"] = False  # Cancel in the report: nothing is written
    second = MainWindow()
    marimo = tmp_path / "app.py"
    marimo.write_text(
        "import marimo\n\napp = marimo.App()\n\n\n@app.cell\ndef _():\n    y = 2\n    return (y,)\n"
    )
    assert not second.open_path(str(marimo))
    assert not (tmp_path / "app_cascade.py").exists()
    assert second.coordinator is None


def test_a_dropped_notebook_is_imported(arun: Run, tmp_path: Path, answers: dict[str, Any]) -> None:
    source = jupyter(tmp_path, "print('dropped')")
    window = MainWindow()
    window.show()
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(source))])
    args = (
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(QPoint(10, 10), *args)
    enter.ignore()
    window.dragEnterEvent(enter)  # Qt delivers drops only during a real drag: call the handlers
    assert enter.isAccepted()
    window.dropEvent(QDropEvent(QPointF(10, 10), *args))
    assert answers["shown"] and answers["shown"][0].windowTitle() == "Import NB.ipynb"
    assert window.coordinator is not None and window.coordinator.path == (tmp_path / "NB.py")


def test_file_import_and_the_start_screen_button_import(
    arun: Run, tmp_path: Path, answers: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = jupyter(tmp_path, "a = 1", name="first.ipynb")
    second = jupyter(tmp_path, "b = 2", name="second.ipynb")
    picks = iter([str(first), str(second)])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (next(picks), ""))
    window = MainWindow()
    window.start_screen.import_button.click()
    assert window.coordinator is not None and window.coordinator.path == tmp_path / "first.py"
    window.commands.import_.trigger()  # a notebook is open: the import opens a new window
    assert (tmp_path / "second.py").is_file()
    assert MainWindow.open_windows[(tmp_path / "second.py").resolve()] is not window


def test_export_ipynb_from_the_window_runs_the_same_in_jupyter(arun: Run, tmp_path: Path) -> None:
    path = tmp_path / "nb.py"
    cells = (
        Cell("m", "markdown", "# Squares"),
        Cell("a", "python", "values = [1, 2, 3]"),
        Cell("b", "python", "squares = [v * v for v in values]\nprint(squares)"),
        Cell("q", "sql", "SELECT {total} AS total", name="result"),
        Cell("c", "python", "total = sum(squares)\ntotal"),
        Cell("d", "python", "int(result['total'][0])"),
    )
    fileformat.save(Notebook(cells, name="Squares"), path)
    window = MainWindow()
    window.show()
    assert window.open_path(str(path))
    out = tmp_path / "out.ipynb"

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(
            window,
            lambda: window.coordinator.states["d"].status == "success",  # type: ignore[union-attr]
        )
        await idle(window)
        window.export_ipynb_to(str(out))

    arun(body())
    exported = nbformat.read(out, as_version=nbformat.NO_CONVERT)
    nbformat.validate(exported)
    assert (exported.nbformat, exported.nbformat_minor) == (4, 5)
    ours = saved_results(exported)
    assert [r.stdout for r in ours if r is not None and r.stdout] == ["[1, 4, 9]"]
    assert ours[-1] is not None and ours[-1].results == ("14",)
    assert run_jupyter(out, tmp_path) == ours  # Jupyter, running the export, agrees


def test_the_multiple_definition_quick_fix_previews_applies_and_undoes(
    arun: Run, tmp_path: Path, answers: dict[str, Any]
) -> None:
    path = tmp_path / "nb.py"
    cells = (
        Cell("a", "python", "df = [3, 1, 2]"),
        Cell("b", "python", "df = sorted(df)"),
        Cell("c", "python", "print(df)"),
    )
    fileformat.save(Notebook(cells, name="Fix"), path)
    window = MainWindow()
    window.show()
    assert window.open_path(str(path))
    view = window.view
    assert isinstance(view, NotebookView)
    view.finish_building()
    second = view.cells["b"]
    assert "<code>df</code> is defined by more than one cell" in second.problem_label.text()
    assert second.fix_label.isVisibleTo(window)
    assert "Rename to df_2 here and in the cells below that read it" in second.fix_label.text()

    async def body() -> None:
        second.fix_label.linkActivated.emit("df")
        preview = answers["shown"][-1]
        assert isinstance(preview, QuickFixDialog)
        assert "+df_2 = sorted(df)" in preview.diff_view.toPlainText()
        assert "+print(df_2)" in preview.diff_view.toPlainText()
        await until(window, lambda: "print(df_2)" in path.read_text())
        await until(
            window,
            lambda: window.coordinator.states["c"].text("stdout") == "[1, 2, 3]\n",  # type: ignore[union-attr]
        )
        assert not second.fix_label.isVisibleTo(window)
        saved = fileformat.load(path).notebook
        assert [c.code for c in saved.cells] == [
            "df = [3, 1, 2]",
            "df_2 = sorted(df)",
            "print(df_2)",
        ]
        window.commands.undo.trigger()  # one Edit → Undo takes the whole fix back
        await until(window, lambda: "print(df)\n" in path.read_text())
        assert [c.code for c in fileformat.load(path).notebook.cells] == [
            "df = [3, 1, 2]", "df = sorted(df)", "print(df)"
        ]  # fmt: skip
        await idle(window)

    arun(body())
