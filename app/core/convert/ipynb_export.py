"""A Cascade notebook and its last run as a Jupyter notebook (nbformat 4.5).

Input is plain values — the :class:`Notebook` and, per cell id, the :class:`CellRunState` the
session holds — so any caller (the CLI, the window's export menu) can use it. Outputs map to
Jupyter's: stream text to ``stream`` outputs, displayed values to ``display_data`` with their
MIME bundles (PNG stays base64; a table keeps its HTML and text/plain, built from Cascade's
table payload when the bundle has none; Cascade's own MIME types are left out; an image's
logical size becomes Jupyter's ``width``/``height`` metadata), errors to ``error`` outputs.

SQL cells become Python that runs in Jupyter with pandas and SQLAlchemy: a first code cell
creates the engine for the notebook's database URL and a ``cascade_sql`` helper; each SQL cell
calls it with its statements, ``{name}`` placeholders as bound parameters (``:name``; a list
value expands, as in Cascade), and binds the result to the cell's name. The URL never holds a
password (Cascade never stores one); ``${VAR}`` references are expanded from the environment.

Cells are written in display order when that order runs top to bottom (every cell below what
it reads); otherwise in Cascade's run order, with each markdown cell kept before the cell that
followed it, so "Run all" in Jupyter computes what Cascade computed.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.core.analysis import analyze_cells
from app.core.convert.ipynb import KERNEL_SETTING, RAW_CELL_META
from app.core.convert.pipeline import VALID_ID
from app.core.convert.pysource import string_literal
from app.core.graph import build_graph
from app.core.mime import CASCADE_MIME_PREFIX, IMAGE_SIZE_MIME, PLOTLY_HTML_MIME, TABLE_MIME
from app.core.notebook import Cell, Notebook
from app.core.settings import get_setting
from app.core.sql_template import Placeholder, parse_sql_statements
from app.core.state import CellRunState, RichOutput, StreamText

__all__ = ["IpynbExport", "export_ipynb"]

_IMAGE_MIMES = ("image/png", "image/jpeg", "image/gif")
_JSON_MIME = re.compile(r"application/(.+\+)?json")

SQL_HELPER = '''\
# Cascade's SQL cells run through this helper: pandas + SQLAlchemy, with every {name} in a
# query bound as a parameter (a list expands to an IN list), never pasted into the SQL.
import os
import re

import pandas as pd
import sqlalchemy

cascade_engine = sqlalchemy.create_engine(CASCADE_DATABASE)


def cascade_sql(statements, **params):
    """Run the statements in one transaction; the last one's rows as a DataFrame (or, for a
    statement without rows, how many rows it affected)."""
    result = None
    with cascade_engine.begin() as connection:
        for sql in statements:
            values, expanding = {}, []
            for name, value in params.items():
                if f":{name}" not in sql:
                    continue
                if isinstance(value, (list, tuple, set, frozenset)):
                    value = list(value)
                    expanding.append(name)
                    sql = re.sub(rf"\\(\\s*:{name}\\s*\\)", f":{name}", sql)
                values[name] = value
            statement = sqlalchemy.text(sql)
            if expanding:
                statement = statement.bindparams(
                    *(sqlalchemy.bindparam(name, expanding=True) for name in expanding)
                )
            cursor = connection.execute(statement, values)
            if cursor.returns_rows:
                result = pd.DataFrame(cursor.fetchall(), columns=list(cursor.keys()))
            else:
                result = cursor.rowcount
    return result
'''


@dataclass(frozen=True, slots=True)
class IpynbExport:
    """The notebook as nbformat 4.5 JSON data; ``reordered`` when cells were written in run
    order because the display order would not run top to bottom."""

    notebook: dict[str, Any]
    reordered: bool = False

    def text(self) -> str:
        """The ``.ipynb`` file's text, written by nbformat as Jupyter writes it."""
        import nbformat

        writes: Callable[..., str] = nbformat.writes
        from_dict: Callable[[Any], Any] = nbformat.from_dict
        return writes(from_dict(self.notebook)) + "\n"


def _order(notebook: Notebook) -> tuple[list[Cell], bool]:
    graph = build_graph(notebook, analyze_cells(notebook.cells))
    position = {cell.id: i for i, cell in enumerate(notebook.cells)}
    if all(
        position[parent] < position[cell.id]
        for cell in notebook.cells
        for parent in graph.parents[cell.id]
    ):
        return list(notebook.cells), False
    # Markdown goes with the code cell that follows it in display order.
    attached: dict[str, list[Cell]] = {}
    pending: list[Cell] = []
    for cell in notebook.cells:
        if cell.kind == "markdown":
            pending.append(cell)
        else:
            attached[cell.id] = pending
            pending = []
    ordered: list[Cell] = []
    for cell_id in graph.order:
        cell = notebook.cell(cell_id)
        if cell.kind != "markdown":
            ordered.extend(attached.get(cell_id, []))
            ordered.append(cell)
    return ordered + pending, True


def _mime_data(mime: str, data: str) -> Any:
    if _JSON_MIME.fullmatch(mime):
        try:
            return json.loads(data)
        except ValueError:
            return data
    return data


def _table_html(payload: Mapping[str, Any]) -> str:
    columns = [str(c.get("name", "")) for c in payload.get("columns", [])]
    rows = payload.get("first_rows", [])
    head = "".join(
        f"<th>{html.escape(c)}</th>" for c in [payload.get("index_name") or "", *columns]
    )
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    total = payload.get("rows", len(rows))
    return f"<p><b>{total} rows</b></p><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _table_text(payload: Mapping[str, Any]) -> str:
    columns = [str(c.get("name", "")) for c in payload.get("columns", [])]
    lines = ["\t".join(["", *columns])]
    lines.extend("\t".join(str(v) for v in row) for row in payload.get("first_rows", []))
    return "\n".join(lines)


def _display(output: RichOutput) -> dict[str, Any]:
    data: dict[str, Any] = {}
    metadata: dict[str, Any] = {}
    for mime, value in output.data.items():
        if mime.startswith(CASCADE_MIME_PREFIX) or mime == PLOTLY_HTML_MIME:
            continue
        data[mime] = _mime_data(mime, value)
    table = output.data.get(TABLE_MIME)
    if table is not None:
        try:
            payload = json.loads(table)
        except ValueError:
            payload = {}
        if isinstance(payload, dict):
            data.setdefault("text/html", _table_html(payload))
            data.setdefault("text/plain", _table_text(payload))
    size = output.data.get(IMAGE_SIZE_MIME)
    if size is not None:
        try:
            logical = json.loads(size)
        except ValueError:
            logical = None
        if isinstance(logical, dict):
            for mime in _IMAGE_MIMES:
                if mime in data:
                    metadata[mime] = {
                        "width": logical.get("width"),
                        "height": logical.get("height"),
                    }
    if not data:
        data["text/plain"] = ""
    return {"output_type": "display_data", "data": data, "metadata": metadata}


def _outputs(state: CellRunState | None) -> list[dict[str, Any]]:
    if state is None:
        return []
    outputs: list[dict[str, Any]] = []
    for output in state.outputs:
        if isinstance(output, StreamText):
            outputs.append({"output_type": "stream", "name": output.stream, "text": output.text})
        elif isinstance(output, RichOutput):
            outputs.append(_display(output))
    if state.error is not None:
        error = state.error
        outputs.append(
            {
                "output_type": "error",
                "ename": error.ename,
                "evalue": error.evalue,
                "traceback": (error.traceback or f"{error.ename}: {error.evalue}").split("\n"),
            }
        )
    return outputs


def _sql_code(cell: Cell) -> str:
    """A SQL cell as a call of ``cascade_sql`` with the same bound parameters."""
    statements = []
    names: dict[str, None] = {}
    for statement in parse_sql_statements(cell.code):
        pieces = []
        for part in statement.template.parts:
            if isinstance(part, Placeholder):
                names.setdefault(part.name)
                pieces.append(f":{part.name}")
            else:
                pieces.append(part.replace(":", "\\:"))
        statements.append("".join(pieces).strip())
    listed = ",\n".join(f"    {string_literal(text)}" for text in statements)
    arguments = "".join(f", {name}={name}" for name in names)
    target = cell.name or "result"
    return f"{target} = cascade_sql([\n{listed},\n]{arguments})\n{target}"


def _database_source(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):  # Cascade's driver for plain PostgreSQL URLs: psycopg 3
            url = "postgresql+psycopg://" + url[len(prefix) :]
    if "${" in url:
        return f"os.path.expandvars({url!r})"
    return repr(url)


def _cell_id(cell: Cell, taken: set[str], fresh: Callable[[], str]) -> str:
    cell_id = cell.id if VALID_ID.fullmatch(cell.id) and cell.id not in taken else fresh()
    taken.add(cell_id)
    return cell_id


def export_ipynb(
    notebook: Notebook,
    states: Mapping[str, CellRunState] | None = None,
    *,
    database_url: str | None = None,
) -> IpynbExport:
    """nbformat 4.5 data for ``notebook`` with the outputs of ``states`` (cell id -> state).

    ``database_url``: where SQL cells run (default: the notebook's ``database``, else
    ``sqlite:///notebook.sqlite``; callers pass the SQLite file Cascade uses beside the
    notebook).
    """
    states = states or {}
    cells, reordered = _order(notebook)
    counter = iter(range(1, 10**9))
    taken: set[str] = set()

    def fresh() -> str:
        while True:
            candidate = f"cell-{next(counter)}"
            if candidate not in taken:
                return candidate

    out: list[dict[str, Any]] = []
    if any(cell.kind == "sql" for cell in cells):
        url = database_url or notebook.database or "sqlite:///notebook.sqlite"
        setup = SQL_HELPER.replace("CASCADE_DATABASE", _database_source(url))
        out.append(_code_cell(_cell_id(Cell("sql-setup"), taken, fresh), setup.rstrip("\n"), []))
    for cell in cells:
        cell_id = _cell_id(cell, taken, fresh)
        if cell.kind == "markdown":
            kind = "raw" if RAW_CELL_META in cell.meta else "markdown"
            out.append({"cell_type": kind, "id": cell_id, "metadata": {}, "source": cell.code})
            continue
        code = _sql_code(cell) if cell.kind == "sql" else cell.code
        out.append(_code_cell(cell_id, code, _outputs(states.get(cell.id))))
    kernel = get_setting(notebook, KERNEL_SETTING) or "python3"
    metadata: dict[str, Any] = {
        "kernelspec": {"name": kernel, "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    if notebook.name:
        metadata["title"] = notebook.name
    data = {"cells": out, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    return IpynbExport(data, reordered)


def _code_cell(cell_id: str, source: str, outputs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": cell_id,
        "metadata": {},
        "outputs": outputs,
        "source": source,
    }
