"""The table viewer's request (protocol v9): a namespace value opened as a kernel table, and
dropped as soon as it can no longer show its name's value (no big frame kept alive)."""

from __future__ import annotations

import gc
import json
import weakref
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from kernel_worker import protocol as p
from kernel_worker.tables import TableStore
from kernel_worker.variable_tables import VariableTables
from tests.kernel_worker.worker_client import WorkerClient, stream_text


def _view(views: VariableTables, namespace: dict[str, Any], name: str, owner: str = "c1") -> Any:
    answer = views.view(namespace, p.ViewVariable(1, name, owner))
    return json.loads(answer.table) if answer.table else answer


def _plan(*cell_ids: str, delete: tuple[str, ...] = ()) -> p.RunPlan:
    return p.RunPlan(1, tuple(p.Step(c, "python", "") for c in cell_ids), delete)


def test_a_dataframe_opens_as_a_paged_table() -> None:
    store = TableStore()
    views = VariableTables(store)
    frame = pd.DataFrame({"a": range(1000), "b": ["x"] * 1000})
    described = _view(views, {"df": frame}, "df")
    assert described["rows"] == 1000
    assert [c["name"] for c in described["columns"]] == ["a", "b"]
    assert described["first_rows"][0] == ["0", "0", "x"]
    rows, total = store.fetch(described["table_id"], 500, 2, None, True)
    assert (rows, total) == ([("500", "500", "x"), ("501", "501", "x")], 1000)


def test_a_series_a_polars_frame_and_arrays_are_tables_too() -> None:
    views = VariableTables(TableStore())
    namespace = {
        "s": pd.Series([1.5, None], name="v"),
        "pf": pl.DataFrame({"k": [1, 2, 3]}),
        "grid": np.arange(6).reshape(2, 3),
        "line": np.arange(4),
    }
    assert [c["name"] for c in _view(views, namespace, "s")["columns"]] == ["v"]
    assert _view(views, namespace, "pf")["rows"] == 3
    grid = _view(views, namespace, "grid")
    assert (grid["rows"], len(grid["columns"]), grid["first_rows"][1]) == (
        2,
        3,
        ["1", "3", "4", "5"],
    )
    assert _view(views, namespace, "line")["rows"] == 4


def test_what_is_not_a_table_or_not_defined_says_so() -> None:
    views = VariableTables(TableStore())
    namespace = {"d": {"a": 1}, "cube": np.zeros((2, 2, 2))}
    answer = _view(views, namespace, "d")
    assert (answer.table, answer.defined) == ("", True)
    assert answer.problem == "d is a dict, not a table (a DataFrame, a Series or an array)"
    assert "3-dimensional" in _view(views, namespace, "cube").problem
    gone = _view(views, namespace, "nothing")
    assert (gone.defined, gone.problem) == (False, "nothing is not defined")


def test_viewing_the_same_value_again_reuses_its_table() -> None:
    store = TableStore()
    views = VariableTables(store)
    namespace: dict[str, Any] = {"df": pd.DataFrame({"a": [1, 2]})}
    first = _view(views, namespace, "df")
    assert _view(views, namespace, "df") == first
    namespace["df"] = pd.DataFrame({"a": [3]})
    second = _view(views, namespace, "df")
    assert second["table_id"] != first["table_id"]
    assert first["table_id"] not in store and len(views) == 1


def _opened_frame(store: TableStore, views: VariableTables) -> tuple[dict[str, Any], Any, str]:
    namespace: dict[str, Any] = {"df": pd.DataFrame({"a": np.arange(1_000_000)})}
    table_id = _view(views, namespace, "df")["table_id"]
    return namespace, weakref.ref(namespace["df"]), table_id


def test_a_plan_that_runs_the_owner_again_frees_the_frame_before_it_runs() -> None:
    store = TableStore()
    views = VariableTables(store)
    namespace, frame, table_id = _opened_frame(store, views)
    views.before_plan(_plan("c1"))
    store.drop_cells({"c1"})  # what the executor does as the plan starts
    del namespace["df"]  # the cell's new value replaces it
    gc.collect()
    assert frame() is None and table_id not in store and len(views) == 0


def test_a_name_deleted_or_rebound_by_another_cell_is_released() -> None:
    for rebind in (True, False):
        store = TableStore()
        views = VariableTables(store)
        namespace, frame, table_id = _opened_frame(store, views)
        if rebind:
            views.before_plan(_plan("c2"))  # another cell now defines df
            namespace["df"] = pd.DataFrame({"b": [1]})
        else:
            views.before_plan(_plan(delete=("df",)))
            del namespace["df"]
        views.after_plan(namespace)
        gc.collect()
        assert frame() is None and table_id not in store and len(views) == 0


def test_release_forgets_only_the_viewers_tables() -> None:
    store = TableStore()
    views = VariableTables(store)
    frame = pd.DataFrame({"a": [1]})
    shown = store.register("c1", frame)["table_id"]  # a cell's displayed table
    viewed = _view(views, {"df": frame}, "df")["table_id"]
    views.release(p.ReleaseTables((viewed, shown, "unknown")))
    assert viewed not in store and shown in store and len(views) == 0


def test_a_real_worker_opens_pages_and_releases_a_frame() -> None:
    worker = WorkerClient()
    try:
        worker.run(
            "import weakref, pandas as pd\n"
            "df = pd.DataFrame({'a': range(100_000)})\n"
            "ref = weakref.ref(df)\n"
            "s = df['a'] * 2\n"
            "n = 3"
        )
        worker.send(p.ViewVariable(7, "df", "c1"))
        answer = worker.read_until(p.VariableTable)[-1]
        assert isinstance(answer, p.VariableTable) and answer.request_id == 7
        table_id = json.loads(answer.table)["table_id"]
        worker.send(p.FetchRows(8, table_id, 99_998, 5))
        rows = worker.read_until(p.TableRows)[-1]
        assert isinstance(rows, p.TableRows) and rows.rows == (
            ("99998", "99998"),
            ("99999", "99999"),
        )
        worker.send(p.ViewVariable(9, "s", "c1"))
        series = worker.read_until(p.VariableTable)[-1]
        assert isinstance(series, p.VariableTable) and json.loads(series.table)["rows"] == 100_000
        worker.send(p.ViewVariable(10, "n", "c1"))
        number = worker.read_until(p.VariableTable)[-1]
        assert isinstance(number, p.VariableTable) and number.problem.startswith(
            "n is an int, not a table"
        )
        # The defining cell runs again with another frame: the viewed one is freed.
        worker.run("df = pd.DataFrame({'b': [1, 2]})")
        worker.send(p.FetchRows(11, table_id, 0, 5))
        stale = worker.read_until(p.TableRows)[-1]
        assert isinstance(stale, p.TableRows) and stale.error is not None
        printed = worker.run("import gc\ngc.collect()\nprint(ref() is None)")
        assert stream_text(printed, "c1").strip() == "True"
        worker.send(p.ViewVariable(12, "gone", "c1"))
        gone = worker.read_until(p.VariableTable)[-1]
        assert isinstance(gone, p.VariableTable) and not gone.defined
    finally:
        worker.close()


def test_a_real_worker_forgets_a_released_table() -> None:
    worker = WorkerClient()
    try:
        worker.run("import pandas as pd\ndf = pd.DataFrame({'a': [1, 2, 3]})")
        worker.send(p.ViewVariable(1, "df", "c1"))
        answer = worker.read_until(p.VariableTable)[-1]
        assert isinstance(answer, p.VariableTable)
        table_id = json.loads(answer.table)["table_id"]
        worker.send(p.ReleaseTables((table_id,)))
        worker.send(p.FetchRows(2, table_id, 0, 5))
        rows = worker.read_until(p.TableRows)[-1]
        assert isinstance(rows, p.TableRows) and rows.error is not None
    finally:
        worker.close()
