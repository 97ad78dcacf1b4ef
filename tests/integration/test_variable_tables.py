"""The table viewer's request through the coordinator and a real worker: a name opens as a
paged table, follows its redefinition, and says when it is gone or not a table."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from app.coordinator.coordinator import Coordinator
from app.coordinator.kernel_client import PageRequest
from tests.integration.coordinator_helpers import cells

pytestmark = pytest.mark.slow
BOTH_CONNECTIONS = True
Run = Callable[..., Any]


def test_a_variable_opens_pages_follows_edits_and_goes(coordinator: Coordinator, arun: Run) -> None:
    async def body() -> None:
        a, b = await cells(
            coordinator,
            "import pandas as pd\ndf = pd.DataFrame({'v': range(1000)})",
            "total = int(df.iloc[:, 0].sum())",
        )
        await coordinator.run_all()
        answer = await coordinator.view_variable("df")
        described = json.loads(answer.table)
        assert described["rows"] == 1000 and described["table_id"].startswith(f"{a}:")
        page = await coordinator.fetch_rows(PageRequest(described["table_id"], 998, 10))
        assert (page.rows, page.total, page.error) == ((("998", "998"), ("999", "999")), 1000, None)
        assert await coordinator.view_variable("df") == answer  # the same value, the same table
        # The defining cell is edited to another frame: the old table is gone, a new one opens.
        await coordinator.update_cell(a, "import pandas as pd\ndf = pd.DataFrame({'w': [7, 8]})")
        old = await coordinator.fetch_rows(PageRequest(described["table_id"], 0, 10))
        assert old.error is not None
        again = json.loads((await coordinator.view_variable("df")).table)
        assert (again["rows"], again["first_rows"][0]) == (2, ["0", "7"])
        not_table = await coordinator.view_variable("total")
        assert not_table.table == "" and not_table.defined
        assert not_table.problem.startswith("total is an int, not a table")
        await coordinator.delete_cell(a)
        gone = await coordinator.view_variable("df")
        assert (gone.table, gone.defined) == ("", False)
        assert b in coordinator.notebook

    arun(body())


def test_a_released_table_is_forgotten_and_a_dead_kernel_has_no_names(
    coordinator: Coordinator, arun: Run
) -> None:
    async def body() -> None:
        await cells(coordinator, "import pandas as pd\ns = pd.Series([1.5, 2.5], name='x')")
        await coordinator.run_all()
        table_id = json.loads((await coordinator.view_variable("s")).table)["table_id"]
        coordinator.release_tables((table_id,))
        page = await coordinator.fetch_rows(PageRequest(table_id, 0, 10))
        assert page.error is not None
        await coordinator.shutdown()
        stopped = await coordinator.view_variable("s")
        assert (stopped.defined, stopped.problem) == (False, "the kernel is not running")

    arun(body())
