"""The notebook document: cells and settings, nothing about running them.

Run state (status, outputs) lives in :mod:`app.core.state`; keeping the two apart means a
document can be compared, saved and diffed without caring what the kernel did.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable, Iterator
from typing import Literal

from app.core.record import Record, derived, replace

CellKind = Literal["python", "sql", "markdown"]
CELL_KINDS: tuple[CellKind, ...] = ("python", "sql", "markdown")


def new_cell_id(taken: Iterable[str] = ()) -> str:
    """A short random id (8 hex digits) not in ``taken``; stable once written to a file."""
    used = set(taken)
    while True:
        cell_id = secrets.token_hex(4)
        if cell_id not in used:
            return cell_id


#: The cell metadata key (``# %% autorun=false``) that keeps a cell from running by itself.
AUTORUN_KEY = "autorun"
#: The cell metadata key (``# %% hide_in_app=true``) that keeps a cell out of the app view.
HIDE_IN_APP_KEY = "hide_in_app"


class Cell(Record):
    """One cell of the document.

    ``name`` is the variable a SQL cell's result is bound to (``None`` for other kinds).
    ``meta`` keeps marker metadata Cascade does not interpret (``key="value"`` pairs written by
    other tools), so a save does not drop it.
    """

    id: str
    kind: CellKind = "python"
    code: str = ""
    name: str | None = None
    meta: tuple[tuple[str, str], ...] = ()

    def with_code(self, code: str) -> Cell:
        return replace(self, code=code)

    @property
    def auto_runs(self) -> bool:
        """False when its metadata says ``autorun=false``: the cell runs only when asked
        (an edit upstream leaves it stale; SEMANTICS.md §3)."""
        return not any(k == AUTORUN_KEY and v.lower() == "false" for k, v in self.meta)

    @property
    def hidden_in_app(self) -> bool:
        """True when its metadata says ``hide_in_app=true``: the app view leaves it out."""
        return any(k == HIDE_IN_APP_KEY and v.lower() == "true" for k, v in self.meta)

    def with_meta(self, key: str, value: str | None) -> Cell:
        """This cell with metadata ``key`` set to ``value`` (removed when None)."""
        kept = tuple((k, v) for k, v in self.meta if k != key)
        return replace(self, meta=kept if value is None else (*kept, (key, value)))


def sql_result_names(used: Collection[str | None]) -> Iterator[str]:
    """``df``, ``df_2``, ``df_3``, … — the SQL result names not in ``used``, in order."""
    if "df" not in used:
        yield "df"
    number = 2
    while True:
        if f"df_{number}" not in used:
            yield f"df_{number}"
        number += 1


class Notebook(Record):
    """An ordered tuple of cells (display order) plus notebook settings.

    ``name`` and ``database`` are the ``[tool.cascade]`` settings Cascade manages;
    ``extra_header`` is the rest of the PEP 723 header's TOML text (``requires-python``,
    ``dependencies``, unknown ``[tool.cascade]`` keys …), kept verbatim so saving never drops
    what another tool wrote. ``database`` never contains a password. ``preamble`` is text
    that belongs to the file and not to a cell, kept verbatim: a Jupytext YAML header (``# ---``
    … ``# ---``) with the shebang and encoding lines before it (docs/FILEFORMAT.md).
    """

    cells: tuple[Cell, ...] = ()
    name: str = ""
    database: str | None = None
    extra_header: str = ""
    preamble: str = ""
    _index: dict[str, int] = derived()  # cell id -> position, from ``cells``
    _ids: tuple[str, ...] = derived()  # the ids in display order, from ``cells``

    def __post_init__(self) -> None:
        index = {cell.id: i for i, cell in enumerate(self.cells)}
        if len(index) != len(self.cells):
            raise ValueError("cell ids must be unique in a notebook")
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_ids", tuple(index))

    # -- queries -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.cells)

    def __contains__(self, cell_id: object) -> bool:
        return cell_id in self._index

    def cell(self, cell_id: str) -> Cell:
        """The cell with this id; ``KeyError`` if there is none."""
        return self.cells[self._index[cell_id]]

    def position(self, cell_id: str) -> int:
        """0-based display position of the cell."""
        return self._index[cell_id]

    @property
    def cell_ids(self) -> tuple[str, ...]:
        return self._ids

    def label(self, cell_id: str) -> str:
        """How messages name a cell: by its 1-based display position."""
        return f"cell {self._index[cell_id] + 1}"

    # -- edits (each returns a new Notebook) ---------------------------------------------------
    def with_cells(self, cells: Iterable[Cell]) -> Notebook:
        return replace(self, cells=tuple(cells))

    def replace_cell(self, cell: Cell) -> Notebook:
        cells = list(self.cells)
        cells[self._index[cell.id]] = cell
        return self.with_cells(cells)

    def update_code(self, cell_id: str, code: str) -> Notebook:
        return self.replace_cell(self.cell(cell_id).with_code(code))

    def insert_cell(self, index: int, cell: Cell) -> Notebook:
        cells = list(self.cells)
        cells.insert(max(0, min(index, len(cells))), cell)
        return self.with_cells(cells)

    def delete_cell(self, cell_id: str) -> Notebook:
        return self.with_cells(c for c in self.cells if c.id != cell_id)

    def move_cell(self, cell_id: str, index: int) -> Notebook:
        cell = self.cell(cell_id)
        rest = [c for c in self.cells if c.id != cell_id]
        rest.insert(max(0, min(index, len(rest))), cell)
        return self.with_cells(rest)

    def new_cell(self, kind: CellKind = "python", code: str = "") -> Cell:
        """A fresh cell with an id unique in this notebook (and a result name for SQL)."""
        name = self.next_sql_name() if kind == "sql" else None
        return Cell(id=new_cell_id(self._index), kind=kind, code=code, name=name)

    def next_sql_name(self) -> str:
        """``df``, ``df_2``, … — the first result name no SQL cell of this notebook uses."""
        return next(sql_result_names({c.name for c in self.cells if c.kind == "sql"}))
