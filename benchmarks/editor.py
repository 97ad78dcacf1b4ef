"""Editor benchmark: completion latency against the live kernel, beside ipykernel, and find.

Run ``.venv/bin/python -m benchmarks.editor`` (``--requests N`` per query, default 50;
``--no-peers`` for Cascade alone). The same setup code runs in Cascade's worker (through the
coordinator and the headless asyncio connection) and in an ipykernel (through jupyter_client):
pandas and numpy imported, a DataFrame ``df`` and a notebook name ``revenue_total_q3``.

Figures:

* ``completion_*``: ``Coordinator.complete`` from the request until the items are in the app
  (the worker answers with ``jedi.Interpreter`` over the live namespace), for ``pd.``,
  ``df.``, ``np.linalg.`` and ``revenue_`` (a notebook name): p50 and p95 over every request
  after the first (the first pays for jedi's imports and is reported alone as
  ``completion_first_ms``). The popup's painting is not included.
* ``ipykernel_completion_*``: ``complete_request`` → ``complete_reply`` through
  jupyter_client for the same code on the same namespace (IPython completes with jedi too).
* ``sql_completion_*``: ``Coordinator.complete`` in a SQL cell of a notebook connected to a
  SQLite database of :data:`SQL_TABLES` tables (five columns each): a table name after
  ``FROM`` and a column after ``table.``, p50 and p95 after the first request (which reads
  the table list with SQLAlchemy's inspector and is reported alone as
  ``sql_completion_first_ms``).
* ``find_1000_cells_ms``: :func:`app.core.text_search.find_all` over a 1,000-cell notebook's
  text (median of 20), the search the find bar runs on each change.

Output: a table, then one final line of JSON with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app.coordinator.asyncio_kernel import AsyncioKernel
from app.coordinator.coordinator import Coordinator
from app.core.text_search import SearchOptions, find_all

SETUP = (
    "import numpy as np\n"
    "import pandas as pd\n"
    "df = pd.DataFrame({'revenue': range(10), 'region': list('abcdefghij')})\n"
    "revenue_total_q3 = 1\n"
)
#: (label, code typed in a cell) — completion at the end of the code.
QUERIES: tuple[tuple[str, str], ...] = (
    ("pd", "pd."),
    ("df", "df."),
    ("np_linalg", "np.linalg."),
    ("notebook_name", "revenue_"),
)
#: What each query's answer must hold (so a fast empty answer never counts as a result).
EXPECTED = {
    "pd": "DataFrame",
    "df": "revenue",
    "np_linalg": "norm",
    "notebook_name": "revenue_total_q3",
}


#: Tables of the SQL completion's database (a large schema, well under the listing's bound).
SQL_TABLES = 2000
#: (label, SQL typed, what the answer must hold).
SQL_QUERIES: tuple[tuple[str, str, str], ...] = (
    ("table", "SELECT * FROM customer_acc", "customer_accounts"),
    ("column", "SELECT customer_accounts.reg", "region"),
)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The ``fraction`` quantile (nearest rank) of ``samples``."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def _summary(prefix: str, samples: dict[str, list[float]]) -> dict[str, float]:
    every = [s for values in samples.values() for s in values]
    figures = {
        f"{prefix}_p50_ms": _ms(statistics.median(every)),
        f"{prefix}_p95_ms": _ms(percentile(every, 0.95)),
        f"{prefix}_requests": len(every),
    }
    for label, values in samples.items():
        figures[f"{prefix}_{label}_p50_ms"] = _ms(statistics.median(values))
        figures[f"{prefix}_{label}_p95_ms"] = _ms(percentile(values, 0.95))
    return figures


# -- Cascade -----------------------------------------------------------------------------------
async def cascade_completion(requests: int, folder: Path) -> dict[str, float]:
    coordinator = Coordinator(AsyncioKernel(cwd=folder), autosave=False, assume_trusted=True)
    coordinator.new()
    await coordinator.set_mode("lazy")
    setup = await coordinator.add_cell("python", code=SETUP)
    typing = await coordinator.add_cell("python", code="")
    await coordinator.run_cell(setup)
    if coordinator.states[setup].status != "success":
        raise RuntimeError(f"setup failed: {coordinator.states[setup].error}")
    start = time.perf_counter()
    first = await coordinator.complete(typing, "pd.", 1, 3)
    figures: dict[str, float] = {"completion_first_ms": _ms(time.perf_counter() - start)}
    if first.source != "kernel":
        raise RuntimeError("the kernel did not answer (is jedi installed in its Python?)")
    samples: dict[str, list[float]] = {label: [] for label, _ in QUERIES}
    for _ in range(requests):
        for label, code in QUERIES:
            start = time.perf_counter()
            result = await coordinator.complete(typing, code, 1, len(code))
            samples[label].append(time.perf_counter() - start)
            _check(label, [item.name for item in result.items], result.source)
    await coordinator.shutdown()
    figures.update(_summary("completion", samples))
    return figures


def _sql_database(folder: Path) -> str:
    path = folder / "big.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE customer_accounts (id INTEGER, region TEXT, name TEXT)")
        for index in range(SQL_TABLES - 1):
            db.execute(f"CREATE TABLE table_{index:04} (a INTEGER, b TEXT, c REAL, d, e)")
    return f"sqlite:///{path}"


async def sql_completion(requests: int, folder: Path) -> dict[str, float]:
    coordinator = Coordinator(AsyncioKernel(cwd=folder), autosave=False, assume_trusted=True)
    coordinator.new()
    await coordinator.set_mode("lazy")
    status = await coordinator.set_database(_sql_database(folder))
    if not status.ok:
        raise RuntimeError(f"cannot connect: {status.message}")
    query = await coordinator.add_cell("sql", code="SELECT 1")
    await coordinator.run_cell(query)
    _label, code, expected = SQL_QUERIES[0]
    start = time.perf_counter()
    first = await coordinator.complete(query, code, 1, len(code))
    figures: dict[str, float] = {"sql_completion_first_ms": _ms(time.perf_counter() - start)}
    if expected not in [item.name for item in first.items]:
        raise AssertionError(f"sql: {expected!r} not completed ({first.source})")
    samples: dict[str, list[float]] = {label: [] for label, _, _ in SQL_QUERIES}
    for _ in range(requests):
        for label, code, expected in SQL_QUERIES:
            # A different cursor position each time: the same request twice would refresh.
            for text in (code, code[:-1]):
                start = time.perf_counter()
                result = await coordinator.complete(query, text, 1, len(text))
                samples[label].append(time.perf_counter() - start)
                names = [item.name for item in result.items]
                if result.source != "kernel" or expected not in names:
                    raise AssertionError(f"sql {label}: {expected!r} not in {names[:8]}")
    await coordinator.shutdown()
    figures.update(_summary("sql_completion", samples))
    figures["sql_completion_tables"] = SQL_TABLES
    return figures


def _check(label: str, names: list[str], source: str = "kernel") -> None:
    if source != "kernel" or EXPECTED[label] not in names:
        raise AssertionError(f"{label}: {EXPECTED[label]!r} not completed ({source}: {names[:8]})")


# -- ipykernel ---------------------------------------------------------------------------------
def ipykernel_completion(requests: int) -> dict[str, float]:
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", startup_timeout=60)
    try:
        reply = client.execute_interactive(SETUP, timeout=120)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"ipykernel setup failed: {reply['content']}")
        ask = _jupyter_completer(client)
        start = time.perf_counter()
        ask("pd.")
        figures: dict[str, float] = {
            "ipykernel_completion_first_ms": _ms(time.perf_counter() - start)
        }
        samples: dict[str, list[float]] = {label: [] for label, _ in QUERIES}
        for _ in range(requests):
            for label, code in QUERIES:
                start = time.perf_counter()
                names = ask(code)
                samples[label].append(time.perf_counter() - start)
                _check(label, [name.rsplit(".", 1)[-1] for name in names])
        figures.update(_summary("ipykernel_completion", samples))
        return figures
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _jupyter_completer(client: Any) -> Callable[[str], list[str]]:
    def ask(code: str) -> list[str]:
        msg_id = client.complete(code, len(code))
        while True:
            reply = client.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                return list(reply["content"]["matches"])

    return ask


# -- find ----------------------------------------------------------------------------------------
def find_1000_cells() -> dict[str, float]:
    cells = [
        (
            f"c{i}",
            f"# step {i}\nvalue_{i} = value_{i - 1} + {i}\n"
            f"total_{i} = sum(range({i}))\nprint(f'total is {{total_{i}}}')\n",
        )
        for i in range(1000)
    ]
    timings = []
    count = 0
    for _ in range(20):
        start = time.perf_counter()
        count = len(find_all(cells, "total", SearchOptions()))
        timings.append(time.perf_counter() - start)
    regex = []
    for _ in range(20):
        start = time.perf_counter()
        find_all(cells, r"value_\d+ \+", SearchOptions(regex=True, whole_word=True))
        regex.append(time.perf_counter() - start)
    return {
        "find_1000_cells_ms": _ms(statistics.median(timings)),
        "find_1000_cells_regex_ms": _ms(statistics.median(regex)),
        "find_1000_cells_matches": count,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=50, help="requests per query")
    parser.add_argument("--no-peers", action="store_true", help="Cascade only")
    args = parser.parse_args(argv)
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="cascade-editor-bench-") as folder:
        figures.update(asyncio.run(cascade_completion(args.requests, Path(folder))))
        figures.update(asyncio.run(sql_completion(args.requests, Path(folder))))
    if not args.no_peers:
        try:
            figures.update(ipykernel_completion(args.requests))
        except Exception as exc:  # a missing or broken peer is reported, never raised
            figures["ipykernel_error"] = f"{type(exc).__name__}: {exc}"
    figures.update(find_1000_cells())
    peer = figures.get("ipykernel_completion_p95_ms")
    if isinstance(peer, float) and peer > 0:
        figures["completion_p95_vs_ipykernel"] = round(figures["completion_p95_ms"] / peer, 2)
    width = max(map(len, figures))
    for name, value in figures.items():
        print(f"{name:<{width}}  {value}", file=sys.stderr)
    print(
        "goal: completion p95 <= 50 ms and <= 0.5x ipykernel; find_1000_cells <= 50 ms",
        file=sys.stderr,
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
