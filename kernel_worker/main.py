"""Worker entry point: take over the fds, say Ready, then serve requests until told to stop.

Kept tiny and stdlib-only so it starts fast and runs inside any Python >= 3.11.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from kernel_worker import interrupts
from kernel_worker.protocol import (
    PROTOCOL_VERSION,
    ConfigureDatabase,
    DatabaseStatus,
    ExportTable,
    FetchRows,
    ProtocolError,
    Ready,
    RunPlan,
    Shutdown,
    TableExported,
    TableRows,
    WorkerLog,
)
from kernel_worker.transport import FrameReader, FrameWriter

if TYPE_CHECKING:
    from kernel_worker.executor import Executor


def _take_over_fds() -> tuple[int, int]:
    """Move the protocol to private fds; stdin becomes /dev/null so ``input()`` can't eat it."""
    sys.stdout.flush()
    proto_out = os.dup(1)
    proto_in = os.dup(0)
    os.set_inheritable(proto_out, False)
    os.set_inheritable(proto_in, False)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - lives as long as the process
    return proto_in, proto_out


#: Packages the worker uses when a cell needs them; none is needed to run Python cells.
OPTIONAL_PACKAGES = ("pandas", "sqlalchemy", "psycopg", "matplotlib")


def _missing() -> tuple[str, ...]:
    """Optional packages this interpreter lacks (found without importing them: start-up stays fast)."""
    import importlib.util

    return tuple(name for name in OPTIONAL_PACKAGES if importlib.util.find_spec(name) is None)


def _fetch(executor: Executor, request: FetchRows) -> TableRows:
    try:
        rows, total = executor.tables.fetch(
            request.table_id, request.start, request.count, request.sort_column, request.ascending
        )
    except KeyError as exc:
        return TableRows(
            request.request_id, request.table_id, request.start, error=str(exc.args[0])
        )
    except Exception as exc:  # a column that cannot be sorted, say
        return TableRows(request.request_id, request.table_id, request.start, error=repr(exc))
    return TableRows(request.request_id, request.table_id, request.start, tuple(rows), total)


def _export(executor: Executor, request: ExportTable) -> TableExported:
    try:
        message = executor.tables.export_csv(
            request.table_id, request.path, request.sort_column, request.ascending
        )
    except KeyError as exc:
        return TableExported(request.request_id, False, str(exc.args[0]))
    except OSError as exc:
        return TableExported(
            request.request_id, False, f"Cannot write {request.path}: {exc.strerror}"
        )
    return TableExported(request.request_id, True, message)


def main() -> int:
    proto_in, proto_out = _take_over_fds()
    writer = FrameWriter(proto_out)
    reader = FrameReader(proto_in)

    from kernel_worker.capture import FdCapture, OutputRouter, install_streams
    from kernel_worker.executor import Executor

    router = OutputRouter(writer)
    capture = FdCapture(router)
    streams = install_streams(router)
    sys.stdout, sys.stderr = streams
    # Code that "restores" the real streams stays captured.
    sys.__stdout__, sys.__stderr__ = streams  # type: ignore[misc,assignment]
    executor = Executor(writer, router, capture, streams)
    interrupts.install()
    writer.send(Ready(PROTOCOL_VERSION, os.getpid(), sys.version, sys.executable, _missing()))
    while True:
        try:
            request = reader.read()
        except ProtocolError as exc:
            writer.send(WorkerLog("error", f"malformed request ignored: {exc}"))
            continue
        except KeyboardInterrupt:
            continue  # an interrupt between plans has nothing to stop
        if request is None or isinstance(request, Shutdown):
            break
        if isinstance(request, RunPlan):
            executor.run_plan(request)
        elif isinstance(request, ConfigureDatabase):
            ok, message, server = executor.sql.configure(request.url, request.password)
            writer.send(DatabaseStatus(request.request_id, ok, message, server))
        elif isinstance(request, FetchRows):
            writer.send(_fetch(executor, request))
        elif isinstance(request, ExportTable):
            writer.send(_export(executor, request))
    router.close()
    return 0
