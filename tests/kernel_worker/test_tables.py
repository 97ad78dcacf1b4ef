"""Kernel tables: formatting, paging, sorting, staleness and CSV export (no process)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from kernel_worker import protocol as p
from kernel_worker.tables import FIRST_ROWS, TableStore, format_value, is_table
from tests.kernel_worker.worker_client import WorkerClient


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "None"),
        (float("nan"), "NaN"),
        (pd.NaT, "NaT"),
        (1.5, "1.5"),
        (1 / 3, "0.3333333333"),
        (10_000_000.0, "10000000"),
        (pd.Timestamp("2024-02-29 13:45"), "2024-02-29 13:45:00"),
        ("x" * 600, "x" * 499 + "…"),
        (True, "True"),
        (42, "42"),
    ],
    ids=[
        "none",
        "nan",
        "nat",
        "float",
        "third",
        "big-float",
        "timestamp",
        "long-text",
        "bool",
        "int",
    ],
)
def test_values_are_formatted_distinctly(value: object, text: str) -> None:
    assert format_value(value) == text


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "n": [3, 1, 2, None],
            "name": pd.Series(["c", "a", None, "d"], dtype=object),  # None stays None
            "when": pd.to_datetime(["2024-01-03", None, "2024-01-02", "2024-01-01"]),
        }
    )


def test_register_describes_columns_and_first_rows() -> None:
    store = TableStore()
    described = store.register("cell1", frame())
    assert described["rows"] == 4
    dtypes = frame().dtypes  # pandas 2 and 3 name string/datetime dtypes differently
    assert described["columns"] == [
        {"name": "n", "dtype": "float64"},
        {"name": "name", "dtype": str(dtypes["name"])},
        {"name": "when", "dtype": str(dtypes["when"])},
    ]
    assert described["first_rows"][0] == ["0", "3", "c", "2024-01-03 00:00:00"]
    assert described["first_rows"][3] == ["3", "NaN", "d", "2024-01-01 00:00:00"]
    assert described["first_rows"][1][3] == "NaT"
    assert described["first_rows"][2][2] == "None"
    assert described["table_id"] in store
    assert json.loads(json.dumps(described)) == described


def test_fetch_pages_and_sorts_with_missing_values_last() -> None:
    store = TableStore()
    table_id = store.register("cell1", frame())["table_id"]
    rows, total = store.fetch(table_id, 1, 2, None, True)
    assert total == 4 and [r[0] for r in rows] == ["1", "2"]
    rows, _ = store.fetch(table_id, 0, 10, 0, True)
    assert [r[1] for r in rows] == ["1", "2", "3", "NaN"]
    rows, _ = store.fetch(table_id, 0, 10, 0, False)
    assert [r[1] for r in rows] == ["3", "2", "1", "NaN"]
    assert store.fetch(table_id, 10, 5, None, True) == ([], 4)


def test_dropping_a_cell_makes_its_tables_stale() -> None:
    store = TableStore()
    table_id = store.register("cell1", frame())["table_id"]
    other = store.register("cell2", frame())["table_id"]
    store.drop_cells({"cell1"})
    with pytest.raises(KeyError, match="out of date"):
        store.fetch(table_id, 0, 1, None, True)
    assert store.fetch(other, 0, 1, None, True)[1] == 4


def test_series_and_large_frames() -> None:
    store = TableStore()
    series = pd.Series(range(1000), name="k")
    assert is_table(series) and not is_table([1, 2])
    described = store.register("c", series)
    assert described["rows"] == 1000 and len(described["first_rows"]) == FIRST_ROWS
    rows, _ = store.fetch(described["table_id"], 990, 50, None, True)
    assert [r[1] for r in rows] == [str(i) for i in range(990, 1000)]


def test_export_csv_in_view_order(tmp_path: Path) -> None:
    store = TableStore()
    table_id = store.register("c", frame())["table_id"]
    out = tmp_path / "out.csv"
    assert "Wrote 4 rows" in store.export_csv(table_id, str(out), 0, False)
    lines = out.read_text().splitlines()
    assert lines[0] == ",n,name,when"
    assert lines[1].startswith("0,3.0,c")
    assert not math.isnan(len(lines)) and len(lines) == 5


@pytest.mark.slow
def test_worker_serves_pages_and_reports_stale_tables() -> None:
    client = WorkerClient()
    try:
        messages = client.run("import pandas as pd\ndf = pd.DataFrame({'x': range(100_000)})\ndf")
        bundle = next(m.data for m in messages if isinstance(m, p.DisplayData))
        described = json.loads(bundle[p.TABLE_MIME])
        assert described["rows"] == 100_000
        assert "text/html" in bundle  # a static preview for exports and the terminal
        client.send(p.FetchRows(1, described["table_id"], 99_990, 20, 0, False))
        answer = client.read_until(p.TableRows)[-1]
        assert isinstance(answer, p.TableRows)
        assert answer.total == 100_000 and answer.error is None
        assert [r[1] for r in answer.rows] == [str(i) for i in range(9, -1, -1)]
        client.run("df = 1")  # cell c1 runs again: its old table is gone
        client.send(p.FetchRows(2, described["table_id"], 0, 10))
        stale = client.read_until(p.TableRows)[-1]
        assert isinstance(stale, p.TableRows) and stale.error is not None
    finally:
        client.close()
