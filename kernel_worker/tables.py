"""Tables that stay in the kernel: the window asks for the rows in view, page by page.

A displayed DataFrame (or Series) is registered under an id tied to the cell that showed it;
when that cell runs again (or is blocked) its tables are dropped, so a view can never show
rows of a value that no longer exists — it is told its table is stale instead. Sorting keeps a
permutation, never a sorted copy of the frame.

pandas and polars values are both tables. polars is imported only when a polars value is shown
(the worker is stdlib-only at import) and is never converted wholesale: a page is sliced (or
gathered through the sort permutation) first, and only those rows become Python values. A polars
frame has no index, so the index column shows the row number in the frame.
"""

from __future__ import annotations

import math
import os

TYPE_CHECKING = False  # typing is for the type checker only (see kernel_worker.protocol)
if TYPE_CHECKING:
    from typing import Any

#: Rows sent with the display message itself, so the first screen paints without a round trip.
FIRST_ROWS = 50
#: Longest text of one value sent to the view (the full value stays in the kernel).
MAX_CELL_CHARS = 500
#: Most rows one FetchRows may ask for.
MAX_FETCH = 5000


def _is_polars(value: Any) -> bool:
    module = type(value).__module__
    return module == "polars" or module.startswith("polars.")


def is_table(value: Any) -> bool:
    cls = type(value)
    if cls.__name__ not in ("DataFrame", "Series"):
        return False
    return cls.__module__.startswith("pandas") or _is_polars(value)


def format_value(value: Any) -> str:
    """Display text that keeps NaN, None and NaT distinct."""
    if value is None:
        return "None"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return format(value, ".10g")
    type_name = type(value).__name__
    if type_name == "NaTType":
        return "NaT"
    if type_name in ("float64", "float32", "float16"):
        return "NaN" if math.isnan(float(value)) else format(float(value), ".10g")
    if type_name == "Timestamp":
        return str(value.isoformat(sep=" "))
    text = str(value)
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


class _Table:
    """A frame the kernel keeps for a table view, with the row orders computed so far."""

    __slots__ = ("cell_id", "frame", "orders", "polars")

    def __init__(self, frame: Any, cell_id: str, polars: bool = False) -> None:
        self.frame = frame
        self.cell_id = cell_id
        self.polars = polars
        self.orders: dict[tuple[int, bool], Any] = {}

    def positions(self, sort_column: int | None, ascending: bool) -> Any:
        """Row positions in display order (None: the frame's own order)."""
        if sort_column is None:
            return None
        key = (sort_column, ascending)
        if key not in self.orders and self.polars:
            self.orders[key] = _polars_order(self.frame, sort_column, ascending)
        elif key not in self.orders:
            column = self.frame.iloc[:, sort_column].reset_index(drop=True)
            ordered = column.sort_values(ascending=ascending, kind="stable", na_position="last")
            self.orders[key] = ordered.index.to_numpy()
        return self.orders[key]


def _polars_order(frame: Any, sort_column: int, ascending: bool) -> Any:
    """A stable permutation (a polars Series) with nulls and NaN last, as pandas sorts."""
    import polars as pl

    column = pl.col(frame.columns[sort_column])
    missing = column.is_null()
    if frame.schema.dtypes()[sort_column].is_float():
        missing = missing | column.is_nan()
    order = pl.arg_sort_by(
        [missing, column],
        descending=[False, not ascending],
        nulls_last=True,
        maintain_order=True,
    )
    return frame.select(order.alias("position")).to_series()


def _polars_rows(frame: Any, start: int, stop: int, positions: Any) -> list[tuple[str, ...]]:
    """Rows ``start:stop`` in view order; only those rows are turned into Python values."""
    import polars as pl

    if positions is None:
        page = frame.slice(start, stop - start)
        numbers: Any = range(start, stop)
    else:
        taken = positions.slice(start, stop - start)
        page = frame.select(pl.all().gather(taken))
        numbers = taken.to_list()
    return [
        (str(number), *(format_value(v) for v in values))
        for number, values in zip(numbers, page.iter_rows(), strict=True)
    ]


class TableStore:
    """Kernel tables by id; ids look like ``<cell id>:<session>-<n>``."""

    def __init__(self) -> None:
        self._tables: dict[str, _Table] = {}
        self._counter = 0
        # A new kernel process must never hand out an id an old view still holds.
        self._session = os.urandom(3).hex()  # (not `secrets`: 4 ms of worker start-up)

    def register(self, cell_id: str, value: Any) -> dict[str, Any]:
        """Keep ``value`` (a DataFrame or Series) and describe it for the display message."""
        polars = _is_polars(value)
        frame = value.to_frame() if type(value).__name__ == "Series" else value  # no copy
        self._counter += 1
        table_id = f"{cell_id}:{self._session}-{self._counter}"
        self._tables[table_id] = _Table(frame, cell_id, polars)
        dtypes = frame.schema.items() if polars else frame.dtypes.items()
        index_name = None if polars else frame.index.name
        return {
            "table_id": table_id,
            "rows": len(frame),
            "columns": [{"name": str(name), "dtype": str(dtype)} for name, dtype in dtypes],
            "index_name": None if index_name is None else str(index_name),
            "first_rows": [list(row) for row in self._rows(frame, 0, FIRST_ROWS, None)],
        }

    def drop_cells(self, cell_ids: set[str]) -> None:
        for table_id in [t for t, table in self._tables.items() if table.cell_id in cell_ids]:
            del self._tables[table_id]

    def release(self, table_id: str) -> None:
        """Forget one table (a viewer of it closed); an unknown id is ignored."""
        self._tables.pop(table_id, None)

    def __contains__(self, table_id: object) -> bool:
        return table_id in self._tables

    def _table(self, table_id: str) -> _Table:
        table = self._tables.get(table_id)
        if table is None:
            raise KeyError("this table is out of date: its cell ran again or was cleared")
        return table

    @staticmethod
    def _rows(frame: Any, start: int, count: int, positions: Any) -> list[tuple[str, ...]]:
        start = max(0, start)
        stop = min(len(frame), start + max(0, min(count, MAX_FETCH)))
        if stop <= start:
            return []
        if _is_polars(frame):
            return _polars_rows(frame, start, stop, positions)
        page = frame.iloc[start:stop] if positions is None else frame.iloc[positions[start:stop]]
        rows = []
        for index, *values in page.itertuples(index=True, name=None):
            rows.append((format_value(index), *(format_value(v) for v in values)))
        return rows

    def fetch(
        self, table_id: str, start: int, count: int, sort_column: int | None, ascending: bool
    ) -> tuple[list[tuple[str, ...]], int]:
        """(formatted rows, total rows); ``KeyError`` when the table is gone."""
        table = self._table(table_id)
        if sort_column is not None and not 0 <= sort_column < table.frame.shape[1]:
            raise KeyError(f"no column {sort_column}")
        positions = table.positions(sort_column, ascending)
        return self._rows(table.frame, start, count, positions), len(table.frame)

    def export_csv(self, table_id: str, path: str, sort_column: int | None, ascending: bool) -> str:
        """Write the whole table (in view order) as CSV; returns a sentence saying so."""
        table = self._table(table_id)
        positions = table.positions(sort_column, ascending)
        folder = os.path.dirname(os.path.abspath(path))
        temp = os.path.join(folder, f".{os.path.basename(path)}.partial")
        if table.polars:  # no index to write: the columns only, as polars itself writes them
            import polars as pl

            frame = table.frame
            if positions is not None:
                frame = frame.select(pl.all().gather(positions))
            frame.write_csv(temp)
        else:
            frame = table.frame if positions is None else table.frame.iloc[positions]
            import csv

            frame.to_csv(temp, quoting=csv.QUOTE_MINIMAL)
        os.replace(temp, path)
        return f"Wrote {len(frame):,} rows to {path}"
