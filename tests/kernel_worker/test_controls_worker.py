"""Reactive controls in the real worker process: ``import cascade``, the control MIME, values
set by a plan before its steps, and values kept when the defining cell runs again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kernel_worker import protocol as p
from tests.kernel_worker.worker_client import WorkerClient, displays, finished, stream_text

pytestmark = pytest.mark.slow

DEFINE = "import cascade as cs\nn = cs.slider(0, 10, value=3, label='n')\nn"
READ = "print(n.value * 2)"


@pytest.fixture
def worker() -> Iterator[WorkerClient]:
    client = WorkerClient()
    yield client
    client.close()


_plans = iter(range(1000, 100_000))


def run(
    worker: WorkerClient,
    *cells: tuple[str, str],
    values: tuple[tuple[str, object], ...] = (),
) -> list[p.Message]:
    steps = tuple(p.Step(cell_id, "python", code, cell_id) for cell_id, code in cells)
    updates = tuple(p.ControlValue(cid, value) for cid, value in values)
    worker.send(p.RunPlan(next(_plans), steps, (), updates))
    return worker.read_until(p.PlanFinished)


def control(messages: list[p.Message], cell_id: str) -> dict[str, object]:
    shown = [d for d in displays(messages, cell_id) if p.CONTROL_MIME in d]
    assert len(shown) == 1, displays(messages, cell_id)
    spec: dict[str, object] = json.loads(shown[0][p.CONTROL_MIME])
    assert shown[0]["text/plain"]  # a text fallback for every other target
    return spec


def test_a_displayed_control_carries_its_id_kind_options_value_and_variable(
    worker: WorkerClient,
) -> None:
    spec = control(run(worker, ("a", DEFINE)), "a")
    assert spec["id"] == "a:0"
    assert spec["kind"] == "slider"
    assert spec["value"] == 3
    assert spec["names"] == ["n"]
    assert spec["options"] == {"start": 0, "stop": 10, "step": 1, "integer": True}


def test_a_plan_sets_the_value_before_its_steps_and_a_rerun_with_same_args_keeps_it(
    worker: WorkerClient,
) -> None:
    run(worker, ("a", DEFINE))
    messages = run(worker, ("b", READ), values=(("a:0", 7),))
    assert stream_text(messages, "b") == "14\n"
    # The defining cell runs again with unchanged arguments: the user's value stays.
    assert control(run(worker, ("a", DEFINE)), "a")["value"] == 7
    assert stream_text(run(worker, ("b", READ)), "b") == "14\n"
    # Changed arguments: the new default.
    changed = DEFINE.replace("value=3", "value=4")
    assert control(run(worker, ("a", changed)), "a")["value"] == 4


def test_a_value_out_of_range_is_refused_and_reported(worker: WorkerClient) -> None:
    run(worker, ("a", DEFINE))
    messages = run(worker, ("b", READ), values=(("a:0", 99),))
    logs = [m for m in messages if isinstance(m, p.WorkerLog)]
    assert logs and "99 is outside 0..10" in logs[0].message
    assert stream_text(messages, "b") == "6\n"  # unchanged


def test_a_value_for_a_control_not_created_yet_applies_when_it_is(worker: WorkerClient) -> None:
    run(worker, ("b", "x = 0"), values=(("a:0", 8),))  # a remembered value, say
    assert control(run(worker, ("a", DEFINE)), "a")["value"] == 8
    # One that does not suit the control is dropped: the default rules.
    run(worker, ("b", "x = 0"), values=(("c:0", 99),))
    assert control(run(worker, ("c", DEFINE)), "c")["value"] == 3


def test_every_kind_round_trips_through_a_plan(worker: WorkerClient) -> None:
    code = (
        "import cascade as cs\n"
        "d = cs.dropdown({'metres': 1.0, 'feet': 0.3048}, label='unit')\n"
        "m = cs.multiselect(['a', 'b', 'c'], value=['a'])\n"
        "t = cs.text('Oslo')\n"
        "c = cs.checkbox()\n"
        "day = cs.date('2024-03-01')\n"
        "r = cs.date_range(('2024-01-01', '2024-01-31'))\n"
        "b = cs.button('Go')\n"
        "display(d, m, t, c, day, r, b)\n"
    )
    shown = [json.loads(d[p.CONTROL_MIME]) for d in displays(run(worker, ("a", code)), "a")]
    assert [s["kind"] for s in shown] == [
        "dropdown", "multiselect", "text", "checkbox", "date", "date_range", "button",
    ]  # fmt: skip
    values = (
        ("a:0", "feet"),
        ("a:1", ["c", "b"]),
        ("a:2", "Lima"),
        ("a:3", True),
        ("a:4", "2024-05-06"),
        ("a:5", ["2024-02-01", "2024-02-03"]),
        ("a:6", 2),
    )
    read = "print(d.value, m.value, t.value, c.value, day.value, r.value[1], b.value)"
    messages = run(worker, ("z", read), values=values)
    assert stream_text(messages, "z") == "0.3048 ['b', 'c'] Lima True 2024-05-06 2024-02-03 2\n"


def test_a_users_own_cascade_module_is_never_shadowed(tmp_path: Path) -> None:
    (tmp_path / "cascade.py").write_text("MINE = 'the user module'\n")
    client = WorkerClient(notebook_dir=tmp_path)
    try:
        messages = run(client, ("a", "import cascade\nprint(cascade.MINE)"))
        assert finished(messages)["a"].status == "success"
        assert stream_text(messages, "a") == "the user module\n"
    finally:
        client.close()


def test_stacks_and_forms_carry_their_controls_which_the_groups_variables_read(
    worker: WorkerClient,
) -> None:
    code = (
        "import cascade as cs\n"
        "x = cs.slider(0, 5)\n"
        "row = cs.hstack([x, cs.checkbox()])\n"
        "q = cs.form({'city': cs.text('Oslo'), 'path': cs.file(filter='*.csv')}, submit='Go')\n"
        "display(row, q)"
    )
    row, form = (json.loads(d[p.CONTROL_MIME]) for d in displays(run(worker, ("a", code)), "a"))
    assert row["kind"] == "stack" and row["options"] == {"direction": "row"}
    assert [c["names"] for c in row["children"]] == [["row", "x"], ["row"]]
    assert form["options"]["submit"] == "Go"
    assert [c["kind"] for c in form["children"]] == ["text", "file"]
    read = "print(row.value, q.value)"
    messages = run(worker, ("z", read), values=(("a:1", True), ("a:3", "Lima"), ("a:4", "/d.csv")))
    assert stream_text(messages, "z") == "[0, True] {'city': 'Lima', 'path': '/d.csv'}\n"
    refused = run(worker, ("z", read), values=(("a:2", [1]),))
    assert any(isinstance(m, p.WorkerLog) and "not the group" in m.message for m in refused)


def test_invalid_arguments_fail_in_the_cell_with_a_clear_message(worker: WorkerClient) -> None:
    cases = {
        "cs.slider(5, 1)": "a slider needs start < stop and step > 0",
        "cs.slider(0, 10, value=11)": "11 is outside 0..10",
        "cs.dropdown(['a'], value='b')": "'b' is not one of the options",
        "cs.date('someday')": "is not a date (YYYY-MM-DD)",
        "cs.hstack([1])": "only controls can be stacked",
    }
    for expression, message in cases.items():
        messages = run(worker, ("a", f"import cascade as cs\n{expression}"))
        error = finished(messages)["a"].error
        assert error is not None and message in error.evalue, (expression, error)


def test_a_table_control_keeps_its_frame_in_the_kernel_and_selects_rows(
    worker: WorkerClient,
) -> None:
    code = (
        "import cascade as cs, pandas as pd\n"
        "df = pd.DataFrame({'a': [10, 20, 30]})\n"
        "t = cs.table(df, selection='single')\n"
        "t"
    )
    spec = control(run(worker, ("a", code)), "a")
    described = spec["options"]["table"]  # type: ignore[index]
    assert described["rows"] == 3 and described["columns"][0]["name"] == "a"
    page = p.FetchRows(7, described["table_id"], 0, 3)
    worker.send(page)
    rows = worker.read_until(p.TableRows)[-1]
    assert isinstance(rows, p.TableRows) and rows.total == 3
    messages = run(worker, ("z", "print(t.value['a'].tolist())"), values=(("a:0", [2]),))
    assert stream_text(messages, "z") == "[30]\n"
    refused = run(worker, ("z", "print(len(t.value))"), values=(("a:0", [0, 1]),))
    assert any(isinstance(m, p.WorkerLog) and "single row" in m.message for m in refused)
