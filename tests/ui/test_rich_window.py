"""Rich outputs in the real window against the real worker: tables that stay in the kernel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.ui.table_view import TableOutput
from tests.ui.conftest import until
from tests.ui.test_window import cell, make_file, open_window, status

pytestmark = pytest.mark.slow
Run = Callable[[Awaitable[Any]], Any]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_ten_million_row_table_pages_from_the_kernel(arun: Run, tmp_path: Path) -> None:
    code = (
        "import numpy as np, pandas as pd\n"
        "big = pd.DataFrame({'n': np.arange(10_000_000), 'half': np.arange(10_000_000) / 2})\n"
        "big"
    )
    window = open_window(make_file(tmp_path, code))

    async def body() -> None:
        before = rss_mb()
        window.run_all_action.trigger()
        widget = cell(window, 0)
        await until(window, lambda: status(window, 0) == "success", timeout=60)
        await until(window, lambda: bool(widget.outputs.findChildren(TableOutput)))
        table = widget.outputs.findChildren(TableOutput)[0]
        model = table.model
        assert model.rowCount() == 10_000_000
        assert "10,000,000 rows" in table.caption.text()
        assert model.data(model.index(0, 1)) == "0"
        table.view.scrollToBottom()
        last = model.index(9_999_999, 1)
        await until(window, lambda: model.data(last) == "9999999", timeout=30)
        model.sort(1, Qt.SortOrder.DescendingOrder)
        await until(window, lambda: model.data(model.index(0, 1)) == "9999999", timeout=60)
        assert rss_mb() - before < 50  # the frame stays in the kernel

    arun(body())
