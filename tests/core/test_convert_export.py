"""A Cascade notebook and its last run as a valid nbformat 4.5 notebook; SQL cells as Python."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import nbformat
import pytest

from app.core.convert import export_ipynb, read_ipynb
from app.core.convert.ipynb import RAW_CELL_META
from app.core.convert.ipynb_export import IMAGE_SIZE_MIME, TABLE_MIME
from app.core.notebook import Cell, Notebook
from app.core.state import CellError, CellRunState, RichOutput, StreamText
from kernel_worker import protocol

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def _valid(data: dict[str, Any]) -> Any:
    notebook = nbformat.from_dict(data)
    nbformat.validate(notebook)
    assert (notebook.nbformat, notebook.nbformat_minor) == (4, 5)
    return notebook


def test_mime_constants_match_the_worker() -> None:
    assert TABLE_MIME == protocol.TABLE_MIME and IMAGE_SIZE_MIME == protocol.IMAGE_SIZE_MIME


def test_outputs_of_the_last_run() -> None:
    table = {
        "table_id": "t1",
        "rows": 2,
        "columns": [{"name": "a", "dtype": "int64"}],
        "index_name": None,
        "first_rows": [[0, "1"], [1, "2"]],
    }
    notebook = Notebook(
        (
            Cell("a", code="print('hi')\nfig"),
            Cell("m", kind="markdown", code="# Title"),
            Cell("r", kind="markdown", code="raw text", meta=(RAW_CELL_META,)),
            Cell("t", code="frame"),
            Cell("e", code="1 / 0"),
            Cell("n", code="never_run = 1"),
        ),
        name="Demo",
    )
    states = {
        "a": CellRunState(
            "success",
            (
                StreamText("stdout", "hi\n"),
                StreamText("stderr", "warn\n"),
                RichOutput(
                    {
                        "image/png": PNG,
                        "text/plain": "<Figure>",
                        IMAGE_SIZE_MIME: '{"width": 3, "height": 2}',
                    }
                ),
            ),
        ),
        "t": CellRunState(
            "success", (RichOutput({"text/plain": "frame", TABLE_MIME: json.dumps(table)}),)
        ),
        "e": CellRunState(
            "error",
            (),
            CellError(
                "ZeroDivisionError",
                "division by zero",
                "Traceback …\nZeroDivisionError: division by zero",
            ),
        ),
    }
    export = export_ipynb(notebook, states)
    notebook_node = _valid(export.notebook)
    assert not export.reordered
    cells = notebook_node.cells
    assert [c.cell_type for c in cells] == ["code", "markdown", "raw", "code", "code", "code"]
    assert [c.id for c in cells] == ["a", "m", "r", "t", "e", "n"]
    stream, errors, figure = cells[0].outputs
    assert (stream.name, stream.text, errors.name) == ("stdout", "hi\n", "stderr")
    assert figure.output_type == "display_data" and figure.data["image/png"] == PNG
    assert figure.metadata["image/png"] == {"width": 3, "height": 2}
    assert IMAGE_SIZE_MIME not in figure.data
    (frame,) = cells[3].outputs
    assert "<table>" in frame.data["text/html"] and TABLE_MIME not in frame.data
    assert frame.data["text/plain"] == "frame"
    (error,) = cells[4].outputs
    assert (error.ename, error.evalue) == ("ZeroDivisionError", "division by zero")
    assert error.traceback[-1] == "ZeroDivisionError: division by zero"
    assert cells[5].outputs == []
    assert notebook_node.metadata.title == "Demo"
    assert nbformat.reads(export.text(), as_version=4) == notebook_node


def test_sql_cells_run_in_plain_python(tmp_path: Path) -> None:
    database = tmp_path / "shop.db"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE items (id INTEGER, name TEXT, at TEXT)")
        connection.executemany(
            "INSERT INTO items VALUES (?, ?, ?)",
            [(1, "a", "12:30"), (2, "b", "13:00"), (3, "c", "12:30")],
        )
    notebook = Notebook(
        (
            Cell("p", code="wanted = [1, 3]\nname = 'c'"),
            Cell(
                "q",
                kind="sql",
                code="SELECT name FROM items\nWHERE id IN ({wanted}) AND at = '12:30'\nORDER BY id",
                name="rows",
            ),
            Cell("r", kind="sql", code="SELECT id FROM items WHERE name = '{name}'", name="one"),
        )
    )
    export = export_ipynb(notebook, database_url=f"sqlite:///{database}")
    cells = _valid(export.notebook).cells
    assert cells[0].id == "sql-setup" and "cascade_sql" in cells[0].source
    namespace: dict[str, Any] = {}
    for cell in cells:
        exec(compile(cell.source, "<cell>", "exec"), namespace)
    assert list(namespace["rows"]["name"]) == ["a", "c"]
    assert list(namespace["one"]["id"]) == [3]
    assert "{wanted}" not in cells[2].source and ":wanted" in cells[2].source  # bound, not pasted


def test_environment_references_in_the_url_expand() -> None:
    notebook = Notebook(
        (Cell("q", kind="sql", code="SELECT 1", name="df"),), database="postgresql://${USER}@db/x"
    )
    setup = export_ipynb(notebook).notebook["cells"][0]["source"]
    assert "os.path.expandvars('postgresql+psycopg://${USER}@db/x')" in setup


def test_cells_below_what_they_read_are_reordered() -> None:
    notebook = Notebook(
        (
            Cell("m1", kind="markdown", code="Uses y"),
            Cell("use", code="print(y)"),
            Cell("m2", kind="markdown", code="Defines y"),
            Cell("make", code="y = 1"),
        )
    )
    export = export_ipynb(notebook)
    assert export.reordered
    assert [c["id"] for c in _valid(export.notebook).cells] == ["m2", "make", "m1", "use"]


def test_ids_nbformat_refuses_are_replaced() -> None:
    notebook = Notebook((Cell("ok-id_1", code="a = 1"), Cell("bad id!", code="b = 2")))
    ids = [c.id for c in _valid(export_ipynb(notebook).notebook).cells]
    assert ids[0] == "ok-id_1" and ids[1] != "bad id!"


@pytest.mark.parametrize("kernel", ["python3", "my-env"])
def test_round_trip_through_import(kernel: str) -> None:
    """Exported, then imported again: the same cells (outputs are dropped on import)."""
    from app.core.settings import set_setting

    notebook = set_setting(
        Notebook((Cell("a1", code="x = 1"), Cell("b2", kind="markdown", code="text"))),
        "jupyter_kernel",
        kernel,
    )
    again = read_ipynb(export_ipynb(notebook).text()).notebook
    assert [(c.id, c.kind, c.code) for c in again.cells] == [
        (c.id, c.kind, c.code) for c in notebook.cells
    ]
    assert (
        again.extra_header == notebook.extra_header.replace("", "") or kernel in again.extra_header
    )
