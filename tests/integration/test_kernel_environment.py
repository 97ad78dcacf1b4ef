"""The kernel in another Python environment: the worker package is provided, nothing is
installed there, and what is missing is said plainly."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.coordinator.coordinator import Coordinator
from app.coordinator.events import CoordinatorEvent, Notice
from app.coordinator.kernel import KernelConnection

pytestmark = pytest.mark.slow
#: Every test runs with the window's connection and with the headless one (conftest.py).
BOTH_CONNECTIONS = True


@pytest.fixture(scope="module")
def bare_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with none of Cascade's dependencies (not even pip)."""
    folder = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    return folder / "bin" / "python"


def test_plain_cells_work_and_sql_says_what_is_missing(
    arun: Callable[..., Any],
    tmp_path: Path,
    bare_venv: Path,
    make_kernel: Callable[..., KernelConnection],
) -> None:
    async def body() -> None:
        c = Coordinator(make_kernel(cwd=tmp_path))
        c.new(tmp_path / "nb.py")
        notices: list[str] = []

        def collect(event: CoordinatorEvent) -> None:
            if isinstance(event, Notice):
                notices.append(event.message)

        c.subscribe(collect)
        await c.set_kernel_interpreter(str(bare_venv))
        assert "python" in (tmp_path / "nb.py").read_text()  # stored in the notebook
        py = await c.add_cell("python", code="import sys\nprint(sys.prefix)\n6 * 7")
        assert c.states[py].status == "success"
        assert c.states[py].text("stdout").strip() == str(bare_venv.parent.parent)
        assert any("lacks" in n and "sqlalchemy (SQL cells)" in n for n in notices)
        sql = await c.add_cell("sql", code="SELECT 1 AS one")
        state = c.states[sql]
        assert state.status == "error" and state.error is not None
        assert "SQL cells need SQLAlchemy" in state.error.evalue
        missing = await c.add_cell("python", code="import pandas")
        error = c.states[missing].error
        assert error is not None and error.ename == "ModuleNotFoundError"
        assert f"{bare_venv} -m pip install pandas" in error.evalue
        await c.shutdown()

    arun(body())


def test_relative_interpreter_path_is_resolved_beside_the_notebook(tmp_path: Path) -> None:
    from app.core import fileformat
    from app.core.notebook import Notebook
    from app.core.settings import set_setting

    fileformat.save(set_setting(Notebook(), "python", ".venv/bin/python"), tmp_path / "nb.py")
    from app.coordinator.asyncio_kernel import AsyncioKernel

    c = Coordinator(AsyncioKernel(), assume_trusted=True)
    c.open_now(tmp_path / "nb.py")
    assert c.kernel_interpreter() == str(tmp_path / ".venv" / "bin" / "python")
