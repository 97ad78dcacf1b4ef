"""Kernel tables of polars values: paging, sorting, export, formatting, no pandas copy."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from kernel_worker import protocol as p
from kernel_worker.display import mime_bundle
from kernel_worker.tables import FIRST_ROWS, TableStore, is_table
from tests.kernel_worker.worker_client import WorkerClient


def frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "n": [3, 1, None, 2],
            "x": [0.5, float("nan"), 2.5, None],
            "name": ["c", "a", None, "d"],
            "when": [datetime(2024, 1, 3), None, datetime(2024, 1, 2), datetime(2024, 1, 1)],
        }
    )


def test_is_table_for_polars_and_pandas_types() -> None:
    assert is_table(pl.DataFrame({"a": [1]}))
    assert is_table(pl.Series("a", [1]))
    assert is_table(pd.DataFrame({"a": [1]}))
    assert is_table(pd.Series([1]))
    assert not is_table(pl.DataFrame({"a": [1]}).lazy())
    assert not is_table(pl.col("a"))
    assert not is_table([1, 2])


def test_register_describes_polars_dtypes_and_first_rows() -> None:
    store = TableStore()
    described = store.register("cell1", frame())
    assert described["rows"] == 4
    assert described["index_name"] is None
    assert described["columns"] == [
        {"name": "n", "dtype": "Int64"},
        {"name": "x", "dtype": "Float64"},
        {"name": "name", "dtype": "String"},
        {"name": "when", "dtype": "Datetime(time_unit='us', time_zone=None)"},
    ]
    assert described["first_rows"] == [
        ["0", "3", "0.5", "c", "2024-01-03 00:00:00"],
        ["1", "1", "NaN", "a", "None"],
        ["2", "None", "2.5", "None", "2024-01-02 00:00:00"],
        ["3", "2", "None", "d", "2024-01-01 00:00:00"],
    ]
    assert described["table_id"] in store
    assert json.loads(json.dumps(described)) == described


def test_fetch_pages_in_the_middle() -> None:
    store = TableStore()
    big = pl.DataFrame({"k": range(1000), "sq": [i * i for i in range(1000)]})
    described = store.register("c", big)
    assert len(described["first_rows"]) == FIRST_ROWS
    rows, total = store.fetch(described["table_id"], 500, 3, None, True)
    assert total == 1000
    assert rows == [("500", "500", "250000"), ("501", "501", "251001"), ("502", "502", "252004")]
    rows, _ = store.fetch(described["table_id"], 990, 50, None, True)
    assert [r[0] for r in rows] == [str(i) for i in range(990, 1000)]
    assert store.fetch(described["table_id"], 1000, 5, None, True) == ([], 1000)


def test_sorting_keeps_row_numbers_and_puts_missing_values_last() -> None:
    store = TableStore()
    table_id = store.register("c", frame())["table_id"]
    rows, _ = store.fetch(table_id, 0, 10, 0, True)
    assert [(r[0], r[1]) for r in rows] == [("1", "1"), ("3", "2"), ("0", "3"), ("2", "None")]
    rows, _ = store.fetch(table_id, 0, 10, 0, False)
    assert [(r[0], r[1]) for r in rows] == [("0", "3"), ("3", "2"), ("1", "1"), ("2", "None")]
    # Floats: NaN and null both go last, either way, in their original order.
    rows, _ = store.fetch(table_id, 0, 10, 1, True)
    assert [r[2] for r in rows] == ["0.5", "2.5", "NaN", "None"]
    rows, _ = store.fetch(table_id, 0, 10, 1, False)
    assert [r[2] for r in rows] == ["2.5", "0.5", "NaN", "None"]
    rows, _ = store.fetch(table_id, 0, 10, 3, True)
    assert [r[0] for r in rows] == ["3", "2", "0", "1"]
    rows, _ = store.fetch(table_id, 1, 2, 2, False)  # a page of a sorted view
    assert [r[3] for r in rows] == ["c", "a"]


def test_sort_is_stable_for_ties() -> None:
    store = TableStore()
    table_id = store.register("c", pl.DataFrame({"g": [1, 0, 1, 0, 1]}))["table_id"]
    rows, _ = store.fetch(table_id, 0, 10, 0, False)
    assert [r[0] for r in rows] == ["0", "2", "4", "1", "3"]


def test_export_csv_in_view_order(tmp_path: Path) -> None:
    store = TableStore()
    table_id = store.register("c", frame())["table_id"]
    out = tmp_path / "out.csv"
    assert "Wrote 4 rows" in store.export_csv(table_id, str(out), 0, False)
    lines = out.read_text().splitlines()
    assert lines[0] == "n,x,name,when"
    assert [line.split(",")[0] for line in lines[1:]] == ["3", "2", "1", ""]
    assert lines[1].startswith("3,0.5,c,2024-01-03")
    unsorted = tmp_path / "plain.csv"
    store.export_csv(table_id, str(unsorted), None, True)
    assert [line.split(",")[0] for line in unsorted.read_text().splitlines()[1:]] == [
        "3",
        "1",
        "",
        "2",
    ]
    assert not list(tmp_path.glob(".*.partial"))


def test_series_is_a_one_column_table() -> None:
    store = TableStore()
    series = pl.Series("k", [10, None, 30])
    described = store.register("c", series)
    assert described["columns"] == [{"name": "k", "dtype": "Int64"}]
    assert described["first_rows"] == [["0", "10"], ["1", "None"], ["2", "30"]]
    rows, _ = store.fetch(described["table_id"], 0, 10, 0, False)
    assert rows == [("2", "30"), ("0", "10"), ("1", "None")]


def test_large_frame_stays_polars_and_pages_from_the_end() -> None:
    size = 5_000_000
    big = pl.DataFrame(
        {"i": pl.int_range(0, size, eager=True), "f": pl.repeat(0.5, size, eager=True)}
    )
    store = TableStore()
    described = store.register("c", big)
    table_id = described["table_id"]
    assert described["rows"] == size and len(described["first_rows"]) == FIRST_ROWS
    assert isinstance(store._tables[table_id].frame, pl.DataFrame)
    assert store._tables[table_id].frame is big  # kept as is: no copy, no pandas
    rows, total = store.fetch(table_id, size - 20, 50, None, True)
    assert total == size and len(rows) == 20
    assert rows[-1] == (str(size - 1), str(size - 1), "0.5")
    rows, _ = store.fetch(table_id, size - 2, 5, 0, False)  # the end of a sorted view
    assert rows == [("1", "1", "0.5"), ("0", "0", "0.5")]
    assert isinstance(store._tables[table_id].frame, pl.DataFrame)


def test_dropping_a_cell_makes_its_polars_tables_stale() -> None:
    store = TableStore()
    table_id = store.register("cell1", frame())["table_id"]
    store.drop_cells({"cell1"})
    assert table_id not in store


def test_preview_bundle_has_a_caption() -> None:
    bundle = mime_bundle(frame())
    assert bundle["text/plain"].startswith("4 rows × 4 columns\n")
    assert "shape: (4, 4)" in bundle["text/plain"]
    assert bundle["text/html"].startswith("<p><b>4 rows × 4 columns</b></p>")
    assert "<table" in bundle["text/html"]
    series_bundle = mime_bundle(pl.Series("k", [1]))
    assert series_bundle["text/plain"].startswith("1 row × 1 column\n")


def test_the_worker_does_not_import_polars_until_a_polars_value_is_shown() -> None:
    code = (
        "import sys\n"
        "from kernel_worker import executor, tables\n"
        "from kernel_worker.display import mime_bundle\n"
        "for value in (1, 'x', [1], None):\n"
        "    tables.is_table(value)\n"
        "    mime_bundle(value)\n"
        "print('polars' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


@pytest.mark.slow
def test_worker_shows_a_polars_frame_as_a_kernel_table() -> None:
    client = WorkerClient()
    try:
        messages = client.run(
            "import polars as pl\ndf = pl.DataFrame({'x': range(100_000), 'y': [None, 1.5] * 50_000})\ndf"
        )
        bundle = next(m.data for m in messages if isinstance(m, p.DisplayData))
        described = json.loads(bundle[p.TABLE_MIME])
        assert described["rows"] == 100_000 and described["index_name"] is None
        assert described["columns"] == [
            {"name": "x", "dtype": "Int64"},
            {"name": "y", "dtype": "Float64"},
        ]
        assert bundle["text/plain"].startswith("100,000 rows × 2 columns")
        assert "text/html" in bundle
        client.send(p.FetchRows(1, described["table_id"], 99_990, 20, 0, False))
        answer = client.read_until(p.TableRows)[-1]
        assert isinstance(answer, p.TableRows)
        assert answer.total == 100_000 and answer.error is None
        assert [r[0] for r in answer.rows] == [str(i) for i in range(9, -1, -1)]
        client.send(p.FetchRows(2, described["table_id"], 0, 2, 1, True))
        nulls_last = client.read_until(p.TableRows)[-1]
        assert isinstance(nulls_last, p.TableRows)
        assert [r[2] for r in nulls_last.rows] == ["1.5", "1.5"]
    finally:
        client.close()
