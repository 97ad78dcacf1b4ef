"""What the window knows of a table that stays in the kernel: its description in the display
bundle (``TABLE_MIME``), and where its pages are read and exported (:class:`TableSource`)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from app.coordinator.kernel_client import PageRequest, TableExport, TablePage

_NUMERIC_DTYPES = ("int", "uint", "float", "complex")

Row = tuple[str, ...]
#: ``fetch(request)``: one page from the kernel.
FetchFn = Callable[[PageRequest], Awaitable[TablePage]]


class TableSource(Protocol):
    """Where kernel tables are read and exported (the coordinator, or a fake in tests)."""

    async def fetch_rows(self, request: PageRequest) -> TablePage: ...

    async def export_table(
        self, table_id: str, path: str, sort_column: int | None = None, ascending: bool = True
    ) -> TableExport: ...


@dataclass(frozen=True, slots=True)
class ColumnInfo:
    name: str
    dtype: str

    @property
    def numeric(self) -> bool:
        """Numbers read best right-aligned (``int64``, ``Float64``, ``uint8``…)."""
        return self.dtype.lower().startswith(_NUMERIC_DTYPES)


@dataclass(frozen=True, slots=True)
class TableInfo:
    """The ``TABLE_MIME`` JSON of a display bundle (see ``kernel_worker.protocol``)."""

    table_id: str
    rows: int
    columns: tuple[ColumnInfo, ...]
    index_name: str | None
    first_rows: tuple[Row, ...]

    @classmethod
    def from_json(cls, text: str) -> TableInfo:
        """Parse the bundle's JSON; ``ValueError`` if it is not a table description."""
        try:
            raw = json.loads(text)
            columns = tuple(ColumnInfo(str(c["name"]), str(c["dtype"])) for c in raw["columns"])
            first_rows = tuple(tuple(str(v) for v in row) for row in raw["first_rows"])
            index_name = raw.get("index_name")
            info = cls(
                table_id=str(raw["table_id"]),
                rows=int(raw["rows"]),
                columns=columns,
                index_name=None if index_name is None else str(index_name),
                first_rows=first_rows,
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a table description: {exc}") from exc
        if info.rows < 0:
            raise ValueError("not a table description: negative row count")
        return info


def looks_numeric(values: Sequence[str]) -> bool:
    """Whether index values (whose dtype the bundle does not name) are all numbers."""
    if not values:
        return False
    try:
        for value in values:
            float(value)
    except ValueError:
        return False
    return True
