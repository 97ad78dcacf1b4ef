"""SQL benchmark: a big ``SELECT *`` through Cascade's SQL cell vs ``pandas.read_sql``.

Run ``.venv/bin/python -m benchmarks.sql`` (``--quick`` for a 100k-row smoke run, ``--rows N``
for another table size, ``--reps N`` for another number of timed runs). Needs PostgreSQL
installed: a throwaway server (:class:`tests.sql.postgres.ThrowawayPostgres`) is started on a
free loopback port and removed at the end, even on errors.

The table ``big`` has ``--rows`` rows (1,000,000 by default) × 5 columns (``id bigint``,
``a double precision``, ``b integer``, ``c text`` of 8 characters, ``d timestamp``), filled by
one ``INSERT … SELECT … FROM generate_series`` and ANALYZEd.

Figures (median of the timed runs after one warm-up run; min shown too):

* ``cascade_ms``: a SQL cell ``SELECT * FROM big`` named ``df`` run through
  :class:`~app.coordinator.coordinator.Coordinator` with the real worker
  (:class:`~app.coordinator.qprocess_kernel.QProcessKernel`): from ``run_cell`` until the cell
  is ``success`` and its table (a ``text/html`` RichOutput) has reached the coordinator.
  Every run is on a fresh kernel (restarted, untimed) whose connection was warmed by a
  ``LIMIT 10`` query; ``worker_ms`` is the worker's own duration (``state.duration_ms``).
* ``read_sql_ms``: ``pandas.read_sql("SELECT * FROM big", engine)`` in a fresh plain script
  (``python -c``), engine created and connection warmed (same ``LIMIT 10`` query) beforehand.
  ``ratio = cascade / read_sql`` (target ≤ 1.3).
* ``plain_sqlengine_ms`` / ``plain_display_ms``: the worker's own code
  (``kernel_worker.sql.SqlEngine.run``, then ``kernel_worker.display.mime_bundle`` and
  ``kernel_worker.tables.TableStore.register``, as the worker's ``display``) in the same
  kind of plain script, to split Cascade's time into SQL→DataFrame, table preview and the rest
  (IPC, coordinator).
* Memory: the worker's ``VmRSS`` before the query, then its ``VmHWM`` (peak) after it (the
  peak is reset with ``/proc/<pid>/clear_refs`` just before the query when the kernel allows
  it; the kernel is fresh anyway). The query's peak is ``VmHWM - VmRSS before``, compared with
  the DataFrame's own size, ``int(df.memory_usage(deep=True).sum())`` computed in the worker
  (target ≤ 2.5×). ``worker_retained`` is ``VmRSS`` after the query minus before: what the
  worker keeps while ``df`` lives. The plain scripts report the same figures for ``read_sql``.

Output: a table, then one final line of JSON with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python benchmarks/sql.py`: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg

from app.coordinator.coordinator import Coordinator
from app.coordinator.events import CellStateChanged, CoordinatorEvent
from app.coordinator.qprocess_kernel import QProcessKernel
from app.core.state import RichOutput
from benchmarks._loops import run_with_qt
from benchmarks._report import fmt, machine, print_document, print_table
from kernel_worker.protocol import TABLE_MIME
from tests.sql.postgres import ThrowawayPostgres

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ROWS = 1_000_000
QUICK_ROWS = 100_000
QUERY = "SELECT * FROM big"
WARM_QUERY = "SELECT * FROM big LIMIT 10"
#: Cascade / pandas.read_sql, lower is better.
RATIO_TARGET = 1.3
#: The query's peak memory in the worker / the DataFrame's own size.
MEMORY_TARGET = 2.5
#: Runs of the worker's own code in a plain script (a diagnostic, not a target).
DIAGNOSTIC_REPS = 3
#: A plain-script run may not take longer than this (seconds).
SCRIPT_TIMEOUT_S = 600
MB = 1024 * 1024

CREATE_SQL = """
CREATE TABLE big (id bigint, a double precision, b integer, c text, d timestamp);
INSERT INTO big
SELECT g,
       random() * 1000,
       (random() * 1000000)::integer,
       substr(md5(g::text), 1, 8),
       timestamp '2024-01-01' + g * interval '1 second'
FROM generate_series(1, %(rows)s) AS g;
"""

#: The plain script: ``python -c SCRIPT MODE QUERY WARM_QUERY``; the URL (with its password)
#: comes in ``CASCADE_BENCH_URL``. MODE ``read_sql`` times ``pandas.read_sql``; ``sqlengine``
#: times the worker's ``SqlEngine.run``, then ``mime_bundle`` + ``TableStore.register`` (what
#: the worker's ``display`` does with a DataFrame: the preview and the kernel table's first rows).
PLAIN_SCRIPT = r"""
import gc, json, os, sys, time
import pandas as pd
import sqlalchemy as sa

def vm(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0

def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False

mode, query, warm = sys.argv[1:4]
url = os.environ["CASCADE_BENCH_URL"]
if mode == "read_sql":
    engine = sa.create_engine(url)
    def run(sql):
        return pd.read_sql(sql, engine)
else:
    from kernel_worker.display import mime_bundle
    from kernel_worker.sql import SqlEngine
    sql_engine = SqlEngine()
    ok, message, _ = sql_engine.configure(url, None)
    if not ok:
        raise SystemExit(message)
    def run(sql):
        return sql_engine.run(((1, (("text", sql),)),), {}).frame
run(warm)  # imports, connection pool, first-query costs
gc.collect()
rss_before = vm("VmRSS")
reset = reset_peak()
started = time.perf_counter()
df = run(query)
elapsed_ms = (time.perf_counter() - started) * 1000.0
peak = vm("VmHWM")
gc.collect()
rss_after = vm("VmRSS")
display_ms = None
if mode != "read_sql":
    started = time.perf_counter()
    bundle = mime_bundle(df)
    try:  # the worker also keeps the frame as a kernel table and sends its first rows
        from kernel_worker.tables import TableStore
    except ImportError:
        pass
    else:
        TableStore().register("cell", df)
    display_ms = (time.perf_counter() - started) * 1000.0
    assert "<table" in bundle["text/html"]
print(json.dumps({
    "ms": elapsed_ms,
    "display_ms": display_ms,
    "rss_before": rss_before,
    "peak": peak,
    "rss_after": rss_after,
    "peak_reset": reset,
    "df_bytes": int(df.memory_usage(deep=True).sum()),
    "rows": len(df),
    "dtypes": {str(k): str(v) for k, v in df.dtypes.items()},
}))
"""


@dataclass(frozen=True, slots=True)
class Config:
    rows: int
    reps: int  # timed runs, after one warm-up run


@dataclass(slots=True)
class Results:
    """Samples per figure key (ms or bytes) and facts about the run."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    def add(self, key: str, value: float) -> None:
        self.samples.setdefault(key, []).append(value)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the database -----------------------------------------------------------------------------
def create_table(server: ThrowawayPostgres, rows: int) -> float:
    """Create and ANALYZE ``big`` with ``rows`` rows; returns the seconds it took."""
    started = time.perf_counter()
    with psycopg.connect(autocommit=True, **server.connect_kwargs()) as conn:
        conn.execute("DROP TABLE IF EXISTS big")
        with conn.transaction():
            for statement in CREATE_SQL.split(";"):
                if statement.strip():
                    conn.execute(statement.replace("%(rows)s", str(int(rows))))
        conn.execute("ANALYZE big")
        count = conn.execute("SELECT count(*) FROM big").fetchone()
    if count is None or count[0] != rows:
        raise AssertionError(f"big has {count} rows, expected {rows}")
    return time.perf_counter() - started


# -- process memory -----------------------------------------------------------------------------
def proc_status(pid: int | str) -> dict[str, int]:
    """The ``Vm*`` lines of ``/proc/<pid>/status``, in bytes."""
    values: dict[str, int] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("Vm"):
                name, _, rest = line.partition(":")
                values[name] = int(rest.split()[0]) * 1024
    return values


def reset_peak(pid: int) -> bool:
    """Reset ``VmHWM`` of ``pid`` to its current RSS (Linux ≥ 4.0); False if not allowed."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


# -- Cascade through the coordinator and the real worker ----------------------------------------
def _rich(coordinator: Coordinator, cell_id: str) -> RichOutput:
    outputs = [o for o in coordinator.states[cell_id].outputs if isinstance(o, RichOutput)]
    if not outputs:
        raise AssertionError(f"{cell_id} shows no output: {coordinator.states[cell_id]}")
    return outputs[-1]


def _table_shown(event: CoordinatorEvent, cell_id: str) -> bool:
    """The cell succeeded and its table preview (text/html) is in the coordinator."""
    return (
        isinstance(event, CellStateChanged)
        and event.cell_id == cell_id
        and event.state.status == "success"
        and any(isinstance(o, RichOutput) and "text/html" in o.data for o in event.state.outputs)
    )


async def _timed_query(
    coordinator: Coordinator, kernel: QProcessKernel, cell_id: str, rows: int, results: Results
) -> None:
    """One run of the big cell: time to table shown, worker duration, worker memory."""
    pid = kernel.pid
    if pid is None:
        raise AssertionError("the kernel has no pid")
    rss_before = proc_status(pid)["VmRSS"]
    results.facts["worker_peak_reset"] = reset_peak(pid)
    shown: list[float] = []

    def observe(event: CoordinatorEvent) -> None:
        if not shown and _table_shown(event, cell_id):
            shown.append(time.perf_counter())

    unsubscribe = coordinator.subscribe(observe)
    try:
        started = time.perf_counter()
        await coordinator.run_cell(cell_id)
        returned = time.perf_counter()
    finally:
        unsubscribe()
    after = proc_status(pid)
    state = coordinator.states[cell_id]
    if state.status != "success" or not shown:
        raise AssertionError(f"the big query did not show a table: {state}")
    data = _rich(coordinator, cell_id).data
    html = data["text/html"]
    if TABLE_MIME in data:  # the interactive table's first rows came in the same message
        results.facts["kernel_table_first_rows"] = len(json.loads(data[TABLE_MIME])["first_rows"])
    if f"{rows:,} row" not in html:
        raise AssertionError(f"the table caption does not say {rows:,} rows: {html[:200]}")
    results.add("cascade_ms", (shown[0] - started) * 1000.0)
    results.add("cascade_run_cell_ms", (returned - started) * 1000.0)
    results.add("worker_ms", state.duration_ms or 0.0)
    results.add("worker_rss_before", float(rss_before))
    results.add("worker_peak", float(after["VmHWM"]))
    results.add("worker_peak_delta", float(after["VmHWM"] - rss_before))
    results.add("worker_retained", float(after["VmRSS"] - rss_before))


async def run_cascade(config: Config, url: str, password: str, folder: Path) -> Results:
    """Warm-up + ``config.reps`` timed runs of the big SQL cell, each on a fresh kernel."""
    results = Results()
    kernel = QProcessKernel(cwd=folder)
    coordinator = Coordinator(kernel, autosave=False)
    coordinator.new(name="sql benchmark")
    try:
        await coordinator.set_mode("lazy")  # run exactly the cell asked for, nothing else
        status = await coordinator.set_database(url, password)
        if not status.ok:
            raise AssertionError(f"the worker could not connect: {status.message}")
        big = await coordinator.add_cell("sql", code=QUERY)
        await coordinator.set_sql_name(big, "df")
        warm = await coordinator.add_cell("sql", code=WARM_QUERY)
        await coordinator.set_sql_name(warm, "warm")
        size = await coordinator.add_cell("python", code="int(df.memory_usage(deep=True).sum())")
        for rep in range(config.reps + 1):  # rep 0 is the warm-up
            if rep:
                await coordinator.restart_kernel()  # fresh namespace and VmHWM; not timed
            await coordinator.run_cell(warm)  # connection pool, pandas import
            if coordinator.states[warm].status != "success":
                raise AssertionError(f"warm-up query failed: {coordinator.states[warm]}")
            scratch = Results()
            await _timed_query(coordinator, kernel, big, config.rows, scratch)
            if rep:
                for key, values in scratch.samples.items():
                    results.samples.setdefault(key, []).extend(values)
                results.facts.update(scratch.facts)
            _log(
                f"cascade run {rep}{' (warm-up)' if not rep else ''}: "
                f"{scratch.samples['cascade_ms'][0]:,.0f} ms, "
                f"peak +{scratch.samples['worker_peak_delta'][0] / MB:,.0f} MB"
            )
        await coordinator.run_cell(size)
        if coordinator.states[size].status != "success":
            raise AssertionError(f"the size cell failed: {coordinator.states[size]}")
        results.facts["df_bytes"] = int(_rich(coordinator, size).data["text/plain"])
    finally:
        await coordinator.shutdown()
    return results


# -- the plain-script baseline --------------------------------------------------------------------
def run_plain(mode: str, url: str) -> dict[str, Any]:
    """One fresh ``python -c`` plain script (see :data:`PLAIN_SCRIPT`); its JSON answer."""
    env = dict(os.environ)
    env["CASCADE_BENCH_URL"] = url
    env["PYTHONPATH"] = os.pathsep.join(x for x in (str(REPO_ROOT), env.get("PYTHONPATH")) if x)
    done = subprocess.run(
        [sys.executable, "-c", PLAIN_SCRIPT, mode, QUERY, WARM_QUERY],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"plain script ({mode}) failed:\n{done.stdout}{done.stderr}")
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def run_baselines(config: Config, url: str, results: Results) -> None:
    """``pandas.read_sql`` and the worker's own code, each in fresh plain scripts.

    The worker's code in a plain script is a diagnostic: at most 3 runs, no warm-up run.
    """
    for mode, prefix in (("read_sql", "read_sql"), ("sqlengine", "plain_sqlengine")):
        first = 0 if mode == "read_sql" else 1  # run 0 is the warm-up, not counted
        last = config.reps if mode == "read_sql" else min(config.reps, DIAGNOSTIC_REPS)
        for rep in range(first, last + 1):
            answer = run_plain(mode, url)
            if answer["rows"] != config.rows:
                raise AssertionError(f"{mode}: {answer['rows']} rows, expected {config.rows}")
            _log(
                f"{mode} run {rep}{' (warm-up)' if not rep else ''}: {answer['ms']:,.0f} ms, "
                f"peak +{(answer['peak'] - answer['rss_before']) / MB:,.0f} MB"
            )
            if not rep:
                continue
            results.add(f"{prefix}_ms", answer["ms"])
            if answer["display_ms"] is not None:
                results.add("plain_display_ms", answer["display_ms"])
            results.add(f"{prefix}_rss_before", float(answer["rss_before"]))
            results.add(f"{prefix}_peak", float(answer["peak"]))
            results.add(f"{prefix}_peak_delta", float(answer["peak"] - answer["rss_before"]))
            results.add(f"{prefix}_retained", float(answer["rss_after"] - answer["rss_before"]))
            results.facts[f"{prefix}_df_bytes"] = answer["df_bytes"]
            results.facts[f"{prefix}_dtypes"] = answer["dtypes"]
            results.facts[f"{prefix}_peak_reset"] = answer["peak_reset"]


# -- report -------------------------------------------------------------------------------------
def _median(values: Sequence[float]) -> float:
    return statistics.median(values)


def _summary(samples: dict[str, list[float]]) -> dict[str, float]:
    """``<key>`` (median) and ``<key>_min`` for every figure; memory keys in MB."""
    out: dict[str, float] = {}
    for key, values in samples.items():
        if not values:
            continue
        scale = 1.0 if key.endswith("_ms") else 1.0 / MB
        name = key if key.endswith("_ms") else f"{key}_mb"
        out[name] = round(_median(values) * scale, 2)
        out[_min_key(name)] = round(min(values) * scale, 2)
    return out


def _min_key(name: str) -> str:
    """``cascade_ms`` -> ``cascade_min_ms``; ``worker_peak_mb`` -> ``worker_peak_min_mb``."""
    stem, unit = name.rsplit("_", 1)
    return f"{stem}_min_{unit}"


def _fmt(value: float | None, digits: int = 1) -> str:
    """SQL figures read with one decimal unless asked."""
    return fmt(value, digits)


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b <= 0:
        return None
    return round(a / b, 3)


def _check(value: float | None, target: float | None) -> str:
    if value is None or target is None:
        return ""
    return " ✓" if value <= target else " ✗"


def _with_min(summary: dict[str, float], key: str) -> str:
    value = summary.get(key)
    minimum = summary.get(_min_key(key))
    return _fmt(value) + (f" (min {_fmt(minimum)})" if minimum is not None else "")


def _rows(s: dict[str, float], df_mb: float | None, base_df_mb: float | None) -> list[list[str]]:
    """Table rows: figure, Cascade, baseline, ratio, target."""
    time_ratio = _ratio(s.get("cascade_ms"), s.get("read_sql_ms"))
    mem_factor = _ratio(s.get("worker_peak_delta_mb"), df_mb)
    base_factor = _ratio(s.get("read_sql_peak_delta_mb"), base_df_mb)
    raw_factor = _ratio(s.get("worker_peak_mb"), df_mb)
    base_raw_factor = _ratio(s.get("read_sql_peak_mb"), base_df_mb)
    sqlengine_factor = _ratio(s.get("plain_sqlengine_peak_delta_mb"), base_df_mb)

    def pair(label: str, key: str, base_key: str | None, target: str = "") -> list[str]:
        base = _with_min(s, base_key) if base_key else ""
        ratio = _ratio(s.get(key), s.get(base_key)) if base_key else None
        return [label, _with_min(s, key), base, _fmt(ratio, 2) if ratio else "", target]

    return [
        [
            "SELECT * → table shown (ms)",
            _with_min(s, "cascade_ms"),
            _with_min(s, "read_sql_ms"),
            _fmt(time_ratio, 2) + _check(time_ratio, RATIO_TARGET),
            f"ratio ≤ {RATIO_TARGET:g}",
        ],
        pair("  run_cell returned (ms)", "cascade_run_cell_ms", "read_sql_ms"),
        pair("  worker duration, state.duration_ms", "worker_ms", "read_sql_ms"),
        pair("  SqlEngine.run in a plain script (ms)", "plain_sqlengine_ms", "read_sql_ms"),
        pair("  display: preview + kernel table (ms)", "plain_display_ms", None),
        pair("RSS before the query (MB)", "worker_rss_before_mb", "read_sql_rss_before_mb"),
        pair("peak RSS, VmHWM (MB)", "worker_peak_mb", "read_sql_peak_mb"),
        pair(
            "query peak = VmHWM - RSS before (MB)", "worker_peak_delta_mb", "read_sql_peak_delta_mb"
        ),
        pair(
            "  SqlEngine.run in a plain script (MB)",
            "plain_sqlengine_peak_delta_mb",
            "read_sql_peak_delta_mb",
        ),
        pair("RSS retained after the query (MB)", "worker_retained_mb", "read_sql_retained_mb"),
        ["DataFrame memory_usage(deep=True) (MB)", _fmt(df_mb), _fmt(base_df_mb), "", ""],
        [
            "query peak / DataFrame size (×)",
            _fmt(mem_factor, 2) + _check(mem_factor, MEMORY_TARGET),
            _fmt(base_factor, 2),
            "",
            f"≤ {MEMORY_TARGET:g}×",
        ],
        ["  plain SqlEngine.run peak / DataFrame (×)", _fmt(sqlengine_factor, 2), "", "", ""],
        ["raw VmHWM / DataFrame size (×)", _fmt(raw_factor, 2), _fmt(base_raw_factor, 2), "", ""],
    ]


def report(config: Config, cascade: Results, baseline: Results, server: str) -> dict[str, Any]:
    """Print the table and return the JSON document."""
    summary = _summary({**cascade.samples, **baseline.samples})
    df_bytes = cascade.facts.get("df_bytes")
    base_df_bytes = baseline.facts.get("read_sql_df_bytes")
    df_mb = df_bytes / MB if df_bytes else None
    base_df_mb = base_df_bytes / MB if base_df_bytes else None
    time_ratio = _ratio(summary.get("cascade_ms"), summary.get("read_sql_ms"))
    mem_factor = _ratio(summary.get("worker_peak_delta_mb"), df_mb)

    print()
    print(
        f"Cascade SQL benchmark — {server}, {config.rows:,} rows × 5 columns, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs; "
        f"median (min) of {config.reps} runs after a warm-up"
    )
    print()
    header = ["figure", "Cascade", "pandas.read_sql (plain script)", "ratio", "target"]
    print_table(header, _rows(summary, df_mb, base_df_mb), right=range(1, len(header) - 1))
    print()
    print(
        "Cascade: SQL cell via Coordinator + real worker, fresh kernel per run (untimed restart),"
        " connection warmed by a LIMIT 10 query; timed from run_cell until success + table "
        "(text/html) received. Baseline: fresh `python -c` per run, engine + LIMIT 10 warm-up "
        "before the timed read_sql."
    )
    first_rows = cascade.facts.get("kernel_table_first_rows")
    if first_rows is not None:
        print(
            f"The table output carried the kernel table ({first_rows} first rows, "
            f"{TABLE_MIME}) in the same message as text/html."
        )
    print(f"dtypes: {baseline.facts.get('read_sql_dtypes')}")
    if not cascade.facts.get("worker_peak_reset", False):
        print("note: VmHWM of the worker could not be reset; its peak counts from kernel start")

    document: dict[str, Any] = dict(summary)
    document["ratio_cascade_vs_read_sql"] = time_ratio
    document["df_mb"] = round(df_mb, 2) if df_mb else None
    document["read_sql_df_mb"] = round(base_df_mb, 2) if base_df_mb else None
    document["memory_factor"] = mem_factor
    document["read_sql_memory_factor"] = _ratio(summary.get("read_sql_peak_delta_mb"), base_df_mb)
    document["targets"] = {
        "ratio_cascade_vs_read_sql": {
            "target": RATIO_TARGET,
            "value": time_ratio,
            "met": None if time_ratio is None else time_ratio <= RATIO_TARGET,
        },
        "memory_factor": {
            "target": MEMORY_TARGET,
            "value": mem_factor,
            "met": None if mem_factor is None else mem_factor <= MEMORY_TARGET,
        },
    }
    document["dtypes"] = baseline.facts.get("read_sql_dtypes")
    document["kernel_table_first_rows"] = cascade.facts.get("kernel_table_first_rows")
    document["config"] = {
        "rows": config.rows,
        "reps": config.reps,
        "server": server,
        **machine(),
    }
    return document


# -- entry point --------------------------------------------------------------------------------
def _config(argv: Sequence[str] | None) -> Config:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sql", description=__doc__)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROWS:,} rows, 3 runs")
    parser.add_argument("--rows", type=int, help=f"rows in the table (default {DEFAULT_ROWS:,})")
    parser.add_argument("--reps", type=int, help="timed runs after the warm-up (default 5)")
    args = parser.parse_args(argv)
    rows = args.rows or (QUICK_ROWS if args.quick else DEFAULT_ROWS)
    reps = args.reps or (3 if args.quick else 5)
    if rows < 1 or reps < 1:
        parser.error("--rows and --reps must be positive")
    return Config(rows=rows, reps=reps)


def _isolate_secrets(folder: Path) -> None:
    """The database password goes to a private file in ``folder``, not the user's keyring."""
    os.environ["XDG_CONFIG_HOME"] = str(folder / "config")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"


def main(argv: Sequence[str] | None = None) -> int:
    config = _config(argv)
    started = time.perf_counter()
    server = ThrowawayPostgres()
    with tempfile.TemporaryDirectory(prefix="cascade-sql-bench-") as tmp:
        folder = Path(tmp)
        _isolate_secrets(folder)
        try:
            _log("starting PostgreSQL …")
            server.start()
            with psycopg.connect(**server.connect_kwargs()) as conn:
                version = conn.execute("SHOW server_version").fetchone()
            server_name = f"PostgreSQL {str(version[0]).split()[0] if version else '?'}"
            seconds = create_table(server, config.rows)
            _log(f"{server_name}: table big, {config.rows:,} rows, created in {seconds:.1f} s")
            url_without_password = server.url(password=False)
            cascade: Results = run_with_qt(
                lambda: run_cascade(config, url_without_password, server.password, folder)
            )
            baseline = Results()
            run_baselines(config, server.url(), baseline)
        finally:
            server.stop()
        document = report(config, cascade, baseline, server_name)
    document["table_create_s"] = round(seconds, 1)
    print_document(document, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
