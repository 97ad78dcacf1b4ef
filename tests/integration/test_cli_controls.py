"""``cascade run NB.py --set name=value``: control values by variable name (SEMANTICS.md §8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core import fileformat
from app.core.notebook import Cell, Notebook
from tests.integration.cli_helpers import cascade

pytestmark = pytest.mark.slow

CONTROLS = (
    "import cascade as cs\n"
    "n = cs.slider(1, 100, value=5)\n"
    "city = cs.dropdown(['Oslo', 'Lima'])\n"
    "display(n, city)"
)


def write(tmp_path: Path) -> Path:
    path = tmp_path / "nb.py"
    cells = (
        Cell("c0", "python", CONTROLS),
        Cell("c1", "python", "print(n.value * 2, city.value)"),
        Cell("c2", "sql", "select {city} as picked", name="picked"),
    )
    fileformat.save(Notebook(cells=cells, name="controls"), path)
    return path


def test_defaults_without_set_and_values_with_it(tmp_path: Path) -> None:
    path = write(tmp_path)
    plain = cascade("run", path, "--json")
    assert plain.returncode == 0, plain.stderr
    assert json.loads(plain.stdout)["cells"][1]["stdout"] == "10 Oslo\n"
    result = cascade("run", path, "--json", "--set", "n=20", "--set", "city=Lima")
    assert result.returncode == 0, result.stderr
    cells = json.loads(result.stdout)["cells"]
    assert cells[1]["stdout"] == "40 Lima\n"
    assert "Lima" in cells[2]["outputs"][0]["data"]  # the SQL cell's {city} placeholder
    # The controls show the values they were set to.
    readable = cascade("run", path, "--set", "n=20")
    assert "[slider] n: 20 (1–100)" in readable.stdout
    assert path.read_text().count("value=5") == 1  # the file keeps the code's default


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("m=3", "--set m: no control is held by `m` (controls: city, n)"),
        ("n=500", "--set n=500: 500 is outside 1..100"),
        ("city=Rome", "--set city=Rome: 'Rome' is not one of Oslo, Lima"),
    ],
)
def test_an_unknown_name_or_invalid_value_exits_2(
    tmp_path: Path, setting: str, message: str
) -> None:
    result = cascade("run", write(tmp_path), "--set", setting)
    assert result.returncode == 2
    assert result.stderr.strip() == f"cascade: {message}"
    assert result.stdout == ""


def test_a_malformed_setting_exits_2(tmp_path: Path) -> None:
    result = cascade("run", write(tmp_path), "--set", "no-equals-sign")
    assert result.returncode == 2
    assert "is not NAME=VALUE" in result.stderr


def test_the_demo_notebook_takes_its_controls_from_the_command_line() -> None:
    demo = Path(__file__).resolve().parents[2] / "notebooks" / "demo.py"
    before = demo.read_bytes()
    result = cascade("run", demo, "--json", "--set", "freq=5", "--set", "shape=cosine")
    assert result.returncode == 0, result.stderr
    by_id = {c["id"]: c for c in json.loads(result.stdout)["cells"]}
    assert by_id["8c9d0e1f"]["outputs"][0]["mime"] == "image/png"  # the plot
    query = by_id["9d0e1f2a"]["outputs"][0]["data"]
    assert "cos" in query and "60" in query  # {shape}, and {n} * {freq} = 12 * 5
    assert demo.read_bytes() == before
