"""`cascade run`: the headless command, as a user runs it (a real subprocess)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core import fileformat
from app.core.notebook import Cell, Notebook
from tests.integration.cli_helpers import cascade

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, *codes: str) -> Path:
    path = tmp_path / "nb.py"
    cells = tuple(Cell(f"c{i}", "python", code) for i, code in enumerate(codes))
    fileformat.save(Notebook(cells=cells, name="test"), path)
    return path


def test_demo_runs_clean_and_prints_json() -> None:
    demo = ROOT / "notebooks" / "demo.py"
    before = demo.read_bytes()
    result = cascade("run", demo, "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["notebook"] == "Cascade demo"
    cells = document["cells"]
    assert [c["status"] for c in cells] == ["success"] * len(cells)
    assert set(cells[0]) == {
        "id", "kind", "name", "status", "stdout", "stderr", "outputs", "error", "defs", "refs",
        "duration_ms",
    }  # fmt: skip
    printed = [c for c in cells if c["stdout"]]
    assert printed[0]["stdout"] == "sum of 12 squares: 506\n"
    by_id = {c["id"]: c for c in cells}
    assert by_id["c58e2a60"]["outputs"] == [{"mime": "text/plain", "data": "22.494443758403985"}]
    sql = by_id["e5f6a7b8"]
    assert sql["kind"] == "sql" and sql["name"] == "summary" and sql["refs"] == ["n", "total"]
    assert (
        sql["outputs"][0]["mime"] == "text/html"
        and "1 row × 3 columns" in sql["outputs"][0]["data"]
    )
    assert by_id["f9a0b1c2"]["stdout"] == "mean square: 42.17\n"
    assert demo.read_bytes() == before  # running never writes the file


def test_readable_output_and_exit_code_1_on_failure(tmp_path: Path) -> None:
    path = write(tmp_path, "x = 1", "print('hello')\nraise ValueError('bad')", "y = x")
    result = cascade("run", path)
    assert result.returncode == 1
    assert "hello" in result.stdout
    assert "ValueError: bad" in result.stdout
    assert "── cell 2 · python · error" in result.stdout


def test_blocked_cells_are_failures(tmp_path: Path) -> None:
    path = write(tmp_path, "x = y", "y = x")
    result = cascade("run", path, "--json")
    assert result.returncode == 1
    statuses = [c["status"] for c in json.loads(result.stdout)["cells"]]
    assert statuses == ["blocked", "blocked"]


def test_unparseable_file_exits_2_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.py"
    path.write_text("# /// script\n# [tool.cascade\n# ///\n")
    result = cascade("run", path)
    assert result.returncode == 2
    assert "line" in result.stderr
    assert result.stdout == ""


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = cascade("run", tmp_path / "nope.py")
    assert result.returncode == 2
    assert "nope.py" in result.stderr


def test_display_binary_outputs_are_base64_in_json(tmp_path: Path) -> None:
    code = "class P:\n    def _repr_png_(self):\n        return b'\\x89PNG'\nP()"
    result = cascade("run", write(tmp_path, code), "--json")
    outputs = json.loads(result.stdout)["cells"][0]["outputs"]
    assert outputs == [{"mime": "image/png", "data": "iVBORw=="}]
