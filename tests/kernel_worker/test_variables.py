"""Variables panel summaries: short, shaped, bounded (no repr of unknown objects), never raise."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kernel_worker import protocol as p
from kernel_worker.variables import describe, describe_namespace


class Explosive:
    """An object whose repr must never be called (it could be slow or huge)."""

    def __repr__(self) -> str:
        raise AssertionError("repr called")

    @property
    def shape(self) -> tuple[int, ...]:
        raise RuntimeError("broken property")


def test_scalars_strings_and_containers() -> None:
    assert describe("x", 42) == p.VariableInfo("x", "int", "42", describe("x", 42).size)
    assert describe("s", "abc").summary == "'abc'"
    long = describe("s", "y" * 1000)
    assert long.summary.endswith("… (len 1,000)") and len(long.summary) < 90
    assert describe("l", list(range(5000))).summary == "len 5,000"
    assert describe("d", {"a": 1}).type_name == "dict"


def test_tables_and_arrays_by_shape() -> None:
    frame = pd.DataFrame({"a": range(1000), "b": [0.5] * 1000})
    info = describe("df", frame)
    assert (info.type_name, info.summary) == ("DataFrame", "1,000 rows × 2 columns")
    assert info.size >= 16_000
    series = describe("s", frame["a"])
    assert series.summary == "1,000 rows, int64"
    array = describe("a", np.zeros((3, 4)))
    assert (array.summary, array.size) == ("(3, 4) float64", 96)


def test_unknown_objects_are_named_by_type_only_and_never_fail() -> None:
    info = describe("e", Explosive())
    assert info.type_name == "Explosive"
    assert info.summary == ""


def test_answer_lists_present_names_only() -> None:
    answer = describe_namespace({"x": 1, "y": "b"}, p.DescribeNamespace(3, ("x", "gone", "y")))
    assert answer.request_id == 3
    assert [v.name for v in answer.variables] == ["x", "y"]
    assert p.from_dict(p.to_dict(answer)) == answer


def test_a_real_worker_answers_with_its_namespace() -> None:
    from tests.kernel_worker.worker_client import WorkerClient

    worker = WorkerClient()
    try:
        worker.run("x = 41 + 1\nname = 'abc'")
        worker.send(p.DescribeNamespace(5, ("x", "name", "missing")))
        answer = worker.read_until(p.NamespaceSummary)[-1]
        assert isinstance(answer, p.NamespaceSummary) and answer.request_id == 5
        assert [(v.name, v.summary) for v in answer.variables] == [("x", "42"), ("name", "'abc'")]
        worker.run("y = x")  # still serving
    finally:
        worker.close()
