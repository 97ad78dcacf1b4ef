"""Rich outputs in the real window against the real worker: tables that stay in the kernel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.ui.outputs.pictures import ImageOutput
from app.ui.outputs.table_view import TableOutput
from app.ui.outputs.web_output import WebChartOutput
from tests.ui.conftest import until
from tests.ui.test_window import cell, make_file, open_window, output_text, status

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
        window.commands.run_all.trigger()
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


def test_matplotlib_cell_shows_exactly_one_sharp_image(arun: Run, tmp_path: Path) -> None:
    code = "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(4, 3))\nax.plot([1, 3, 2])"
    window = open_window(make_file(tmp_path, code, "x = 1"))

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(
            window, lambda: status(window, 0) == "success" and status(window, 1) == "success"
        )
        widget = cell(window, 0)
        await until(window, lambda: bool(widget.outputs.findChildren(ImageOutput)))
        images = widget.outputs.findChildren(ImageOutput)
        assert len(images) == 1
        image = images[0]
        assert image.pixmap.width() > image.sizeHint().width()  # drawn at 2×, shown at 1×
        assert not cell(window, 1).outputs.findChildren(ImageOutput)  # no leak into the next cell

    arun(body())


def test_tqdm_loop_leaves_one_progress_line(arun: Run, tmp_path: Path) -> None:
    code = "from tqdm import tqdm\nfor _ in tqdm(range(1000), mininterval=0):\n    pass"
    window = open_window(make_file(tmp_path, code))

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(window, lambda: status(window, 0) == "success")
        assert window.coordinator is not None
        state = window.coordinator.states[window.coordinator.notebook.cell_ids[0]]
        text = state.text("stderr")
        assert text.count("\n") <= 1 and "1000/1000" in text
        # The stream view paints in blocks on its own timer: wait for it, then look.
        await until(window, lambda: "1000/1000" in output_text(cell(window, 0)))
        assert output_text(cell(window, 0)).count("it/s") <= 1

    arun(body())


def test_plotly_and_altair_charts_render_offline(arun: Run, tmp_path: Path) -> None:
    """Either a static image (kaleido / vl-convert) or the one-line note on how to get one."""
    plotly = "import plotly.graph_objects as go\ngo.Figure(go.Bar(x=['a', 'b'], y=[1, 2]))"
    altair = (
        "import altair as alt, pandas as pd\n"
        "alt.Chart(pd.DataFrame({'x': [1, 2], 'y': [3, 4]})).mark_bar().encode(x='x', y='y')"
    )
    window = open_window(make_file(tmp_path, plotly, altair))

    async def body() -> None:
        window.commands.run_all.trigger()
        await until(
            window,
            lambda: status(window, 0) == "success" and status(window, 1) == "success",
            timeout=60,
        )
        for index, library in ((0, "plotly"), (1, "altair")):
            widget = cell(window, index)
            await until(window, lambda w=widget: not w.outputs.is_empty())
            images = widget.outputs.findChildren(ImageOutput)
            interactive = widget.outputs.findChildren(WebChartOutput)  # with the [web] extra
            text = output_text(widget)
            assert images or interactive or ("install" in text and library in text.lower()), text

    arun(body())
