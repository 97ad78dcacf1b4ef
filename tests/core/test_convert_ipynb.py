"""Reading ``.ipynb`` files: nbformat validation, cell kinds and ids, header notes, the report."""

from __future__ import annotations

import json
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

from app.core import fileformat
from app.core.convert import ConversionError, is_ipynb_text, read_ipynb
from app.core.convert.ipynb import KERNEL_SETTING, LANGUAGE_SETTING, RAW_CELL_META
from app.core.settings import get_setting


def _text(*cells: Any, **metadata: Any) -> str:
    notebook = new_notebook(cells=list(cells))
    notebook.metadata.update(metadata)
    return nbformat.writes(notebook)


def test_cells_kinds_ids_and_header() -> None:
    text = _text(
        new_markdown_cell("# Title", id="intro"),
        new_code_cell("%matplotlib inline\nimport math", id="setup-1"),
        new_code_cell("x = math.pi\nx", id="calc"),
        new_raw_cell(".. raw:: html", id="raw"),
        kernelspec={"name": "python3", "language": "python", "display_name": "Python 3"},
        language_info={"name": "python", "version": "3.11.4"},
    )
    conversion = read_ipynb(text, name="demo")
    notebook = conversion.notebook
    assert [(c.id, c.kind, c.code) for c in notebook.cells] == [
        ("intro", "markdown", "# Title"),
        ("setup-1", "python", "import math"),
        ("calc", "python", "x = math.pi\nx"),
        ("raw", "markdown", ".. raw:: html"),
    ]
    assert RAW_CELL_META in notebook.cells[3].meta
    assert notebook.name == "demo"
    assert get_setting(notebook, KERNEL_SETTING) == "python3"
    assert get_setting(notebook, LANGUAGE_SETTING) == "python 3.11.4"
    assert conversion.origin == (0, 1, 2, 3)
    # The result is a notebook Cascade can save and read back unchanged.
    assert fileformat.loads(fileformat.dumps(notebook)) == notebook


def test_title_metadata_names_the_notebook() -> None:
    assert (
        read_ipynb(_text(new_code_cell("1"), title="Sales"), name="file").notebook.name == "Sales"
    )


def test_invalid_and_duplicate_ids_are_replaced() -> None:
    data = json.loads(_text(new_code_cell("a = 1", id="same"), new_code_cell("b = 2", id="x")))
    data["cells"][1]["id"] = "same"
    data["cells"].append({**data["cells"][0], "id": "has space", "source": "c = 3"})
    ids = [cell.id for cell in read_ipynb(json.dumps(data)).notebook.cells]
    assert ids[0] == "same" and ids[1] != "same" and ids[2] != "has space" and len(set(ids)) == 3


def test_empty_and_magic_only_cells_are_dropped() -> None:
    conversion = read_ipynb(
        _text(new_code_cell("%matplotlib inline"), new_code_cell("  \n"), new_code_cell("y = 1"))
    )
    assert [c.code for c in conversion.notebook.cells] == ["y = 1"]
    assert conversion.origin == (2,)


def test_outputs_are_dropped_and_said() -> None:
    cell = new_code_cell("print(1)", outputs=[nbformat.v4.new_output("stream", text="1\n")])
    conversion = read_ipynb(_text(cell))
    assert any("1 saved outputs dropped" in note.message for note in conversion.report.notes)


def test_out_of_order_execution_is_noted() -> None:
    first = new_code_cell("a = 1", execution_count=5)
    second = new_code_cell("b = 2", execution_count=2)
    notes = read_ipynb(_text(first, second)).report.notes
    assert any("out of order" in note.message for note in notes)


def test_renaming_and_report() -> None:
    text = _text(
        new_code_cell("import numpy as np\ndf = [1, 2]"),
        new_code_cell("df = df + [3]\nprint(df)"),
        new_code_cell("import numpy as np\nlen(df)"),
    )
    conversion = read_ipynb(text)
    assert [c.code for c in conversion.notebook.cells] == [
        "import numpy as np\ndf = [1, 2]",
        "df_2 = df + [3]\nprint(df_2)",
        "len(df_2)",
    ]
    report = conversion.report
    formatted = report.format("demo.ipynb")
    assert "cell 2: df -> df_2" in formatted and "read by cell 3" in formatted
    assert "cell 3: np (imported in cell 1)" in formatted
    data = report.as_dict()
    assert data["renames"][0]["new"] == "df_2" and data["merged_imports"][0]["name"] == "np"
    json.dumps(data)  # JSON-ready for a dialog


def test_shell_command_expands_names_the_notebook_defines() -> None:
    text = _text(new_code_cell("folder = 'data'"), new_code_cell("!ls {folder} $HOME"))
    code = read_ipynb(text).notebook.cells[1].code
    assert "'ls {folder} $HOME'" in code  # $HOME is no Python name: nothing expands (IPython)
    code = (
        read_ipynb(_text(new_code_cell("folder = 'd'"), new_code_cell("!ls {folder}")))
        .notebook.cells[1]
        .code
    )
    assert 'f"ls {folder}"' in code


def test_pip_install_is_a_visible_note() -> None:
    conversion = read_ipynb(_text(new_code_cell("!pip install pandas"), new_code_cell("x = 1")))
    assert conversion.notebook.cells[0].code.startswith("# !pip install pandas")
    (note,) = [n for n in conversion.report.notes if n.kind == "install"]
    assert note.cell == 0 and note.severity == "warning"
    assert "Check:" in conversion.report.format()


def test_mutation_in_another_cell_is_reported() -> None:
    conversion = read_ipynb(_text(new_code_cell("items = []"), new_code_cell("items.append(1)")))
    (note,) = [n for n in conversion.report.notes if n.kind == "mutation"]
    assert note.cell == 1 and "items" in note.message and "cell 1" in note.message


def test_sql_magic_cells_and_connection() -> None:
    text = _text(
        new_code_cell("%sql sqlite:///shop.db"),
        new_code_cell("limit = 3"),
        new_code_cell("%%sql\nSELECT * FROM items LIMIT :limit"),
        new_code_cell("%%sql top <<\nSELECT 1"),
    )
    notebook = read_ipynb(text).notebook
    assert notebook.database == "sqlite:///shop.db"
    sql = [(c.kind, c.name, c.code) for c in notebook.cells if c.kind == "sql"]
    assert sql == [("sql", "df", "SELECT * FROM items LIMIT {limit}"), ("sql", "top", "SELECT 1")]


def test_database_password_is_never_kept() -> None:
    conversion = read_ipynb(_text(new_code_cell("%sql postgresql://me:secret@db/x")))
    assert conversion.notebook.database == "postgresql://me@db/x"
    assert any("password" in note.message for note in conversion.report.notes)


def test_attachments_are_noted() -> None:
    cell = new_markdown_cell("![a](attachment:a.png)")
    cell["attachments"] = {"a.png": {"image/png": "iVBORw0KGgo="}}
    notes = read_ipynb(_text(cell)).report.notes
    assert any(note.kind == "format" and "attach" in note.message for note in notes)


def test_nbformat_3_is_upgraded() -> None:
    v3 = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"name": "old"},
        "worksheets": [
            {
                "cells": [
                    {"cell_type": "code", "input": "a = 1", "language": "python", "outputs": []},
                    {"cell_type": "markdown", "source": "text"},
                ]
            }
        ],
    }
    text = json.dumps(v3)
    assert is_ipynb_text(text)
    assert [c.code for c in read_ipynb(text).notebook.cells] == ["a = 1", "text"]


def test_schema_problem_is_a_warning_not_a_failure() -> None:
    data = json.loads(_text(new_code_cell("a = 1")))
    data["cells"][0]["unexpected"] = True
    conversion = read_ipynb(json.dumps(data))
    assert [c.code for c in conversion.notebook.cells] == ["a = 1"]
    assert any(n.kind == "format" and n.severity == "warning" for n in conversion.report.notes)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json at all", "not JSON"),
        ('{"cells": []}', "not a Jupyter notebook"),
        (
            _text(new_code_cell("x <- 1"), kernelspec={"name": "ir", "language": "R"}),
            "written in R",
        ),
    ],
    ids=["not_json", "no_nbformat", "other_language"],
)
def test_what_cannot_be_converted_says_why(text: str, message: str) -> None:
    with pytest.raises(ConversionError, match=message):
        read_ipynb(text)


def test_is_ipynb_text() -> None:
    assert is_ipynb_text(_text(new_code_cell("1")))
    assert not is_ipynb_text("# %%\nx = 1\n")
    assert not is_ipynb_text('{"a": 1}')
