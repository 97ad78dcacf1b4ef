"""`cascade run`: the headless command, as a user runs it (a real subprocess)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.cli_run import kernel_start_hint
from app.core import fileformat
from app.core.notebook import Cell, Notebook
from app.core.settings import set_setting
from tests.integration.cli_helpers import cascade
from tests.not_notebooks import NOT_NOTEBOOKS, fifo, short_folder

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
        "id", "kind", "name", "label", "status", "stdout", "stderr", "outputs", "error", "defs", "refs",
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
    # Each cell is headed by its name (what it defines, or its first line), not a number.
    assert "── print('hello') · python · error" in result.stdout


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


# -- anything that is not a readable notebook file: exit 2, one line, nothing else ---------------


def _limit_address_space() -> None:
    """What the issue's repro ran under: reading /dev/zero then fails with MemoryError."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


@pytest.fixture
def short_dir() -> Iterator[Path]:
    with short_folder() as folder:
        yield folder


@pytest.mark.parametrize("kind", NOT_NOTEBOOKS)
def test_anything_but_a_notebook_exits_2_with_one_line(short_dir: Path, kind: str) -> None:
    make, reason = NOT_NOTEBOOKS[kind]
    path = make(short_dir)
    result = cascade("run", path, preexec_fn=_limit_address_space)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"cascade: cannot open {path}: {reason}")
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n")


def test_export_refuses_the_same_way(tmp_path: Path) -> None:
    path = fifo(tmp_path)
    result = cascade("export", path, "--html", tmp_path / "out.html")
    assert (result.returncode, result.stdout) == (2, "")
    assert (
        result.stderr
        == f"cascade: cannot open {path}: it is a named pipe (FIFO), not a notebook file\n"
    )
    assert not (tmp_path / "out.html").exists()


def test_a_kernel_python_that_cannot_start_names_the_setting(tmp_path: Path) -> None:
    path = tmp_path / "nb.py"
    notebook = set_setting(
        Notebook((Cell("a", "python", "x = 1"),)), "python", "/nonexistent/python3"
    )
    fileformat.save(notebook, path)
    result = cascade("run", "--trust", path)
    assert result.returncode == 2
    assert result.stdout == ""
    line = result.stderr
    assert line.count("\n") == 1
    assert line.startswith(
        "cascade: the kernel could not start (could not start /nonexistent/python3"
    )
    assert 'python = "/nonexistent/python3" under [tool.cascade]' in line
    assert "Run → Kernel Python…" in line


def test_the_hint_without_a_setting_says_how_to_choose_one() -> None:
    hint = kernel_start_hint(Notebook())
    assert 'python = "/path/to/python3" under [tool.cascade]' in hint
    assert "Run → Kernel Python…" in hint


def hostile_notebook(tmp_path: Path) -> tuple[Path, Path]:
    """A notebook whose header names an executable beside it as its Python (it leaves a
    marker when run) and a database URL that reads an environment variable."""
    marker = tmp_path / "ran"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\nexit 3\n")
    script.chmod(0o755)
    notebook = set_setting(Notebook((Cell("a", "python", "x = 1"),)), "python", "./evil.sh")
    path = tmp_path / "evil.py"
    fileformat.save(notebook, path)
    return path, marker


def test_run_refuses_an_untrusted_interpreter_and_says_how_to_trust(tmp_path: Path) -> None:
    path, marker = hostile_notebook(tmp_path)
    for command in (
        ("run", path),
        ("run", "--json", path),
        ("export", path, "--html", tmp_path / "o.html"),
    ):
        result = cascade(*command)
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr == (
            f"cascade: {path} is not trusted: it runs ./evil.sh as its Python. If you trust "
            "it, run it again with --trust (or open it in Cascade and choose Trust)\n"
        )
    assert not marker.exists()
    assert not (tmp_path / "o.html").exists()
    result = cascade("run", "--trust", path)  # the user vouches: it runs (and fails to start)
    assert result.returncode == 2
    assert marker.exists()


def test_a_notebook_trusted_in_the_window_runs_headless(tmp_path: Path) -> None:
    from app.coordinator.trust_store import TrustStore
    from app.core.trust import settings_fingerprint

    path, marker = hostile_notebook(tmp_path)
    TrustStore().trust(path, settings_fingerprint(fileformat.load(path).notebook))
    result = cascade("run", path)
    assert result.returncode == 2 and "could not start" in result.stderr
    assert marker.exists()


def test_run_never_stores_a_password_from_the_file(tmp_path: Path, monkeypatch: Any) -> None:
    """Issue 9: `cascade run` of a notebook whose URL carries a password replaced the password
    the user stored for that URL."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    from app.coordinator.secrets import load_database_password, store_database_password

    store_database_password("sqlite:///users-own.db", "kept")
    path = tmp_path / "seed.py"
    path.write_text("# DB: sqlite:///users-own.db?password=planted\n# %% python [a]\nx = 1\n")
    result = cascade("run", "--trust", path)
    assert result.returncode == 0, result.stderr
    assert load_database_password("sqlite:///users-own.db") == "kept"
