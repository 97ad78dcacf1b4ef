"""Worker entry point: take over the fds, say Ready, then serve requests until told to stop.

Kept tiny and stdlib-only so it starts fast and runs inside any Python >= 3.11.

Start-up imports nothing from the notebook's folder: the launcher starts the interpreter in a
folder of ours with ``PYTHONSAFEPATH`` (so no folder is put in front of the standard library),
and the worker changes to the notebook's folder itself. Only once it is ready does it add that
folder to ``sys.path`` — after the standard library, so ``import helpers`` finds the user's
``helpers.py`` as ``python script.py`` would, while a ``json.py`` there never shadows the
standard library's and a ``kernel_worker/`` there never shadows the worker (already imported).
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys

from kernel_worker import forks, interrupts, session
from kernel_worker.protocol import (
    NONCE_ENV,
    NOTEBOOK_DIR_ENV,
    OPTIONAL_PACKAGES,
    PROTOCOL_VERSION,
    Complete,
    ConfigureDatabase,
    DatabaseStatus,
    DescribeNamespace,
    DescribeSchema,
    ExportTable,
    FetchRows,
    Inspect,
    Precompile,
    ProtocolError,
    Ready,
    ReleaseTables,
    RunPlan,
    Shutdown,
    TableExported,
    TableRows,
    ViewVariable,
    WorkerLog,
)
from kernel_worker.transport import (
    Channel,
    ChannelLost,
    FrameReader,
    FrameWriter,
    open_channel,
    readable,
)

TYPE_CHECKING = False  # typing is not imported at start (see kernel_worker.protocol)
if TYPE_CHECKING:
    from kernel_worker.executor import Executor
    from kernel_worker.protocol import Request
    from kernel_worker.router import OutputRouter
    from kernel_worker.variable_tables import VariableTables

#: Exit code of a worker whose request stream was corrupted (it cannot resynchronise).
EXIT_CORRUPT_REQUESTS = 70
#: Environment variables meant for the worker only; user code and its children never see them.
_LAUNCH_ONLY = (NONCE_ENV, NOTEBOOK_DIR_ENV, "PYTHONSAFEPATH")


def _take_launch_settings() -> tuple[bytes, str | None]:
    """(session nonce, notebook folder) from the environment, removed from it."""
    values = {name: os.environ.pop(name, None) for name in _LAUNCH_ONLY}
    try:
        nonce = bytes.fromhex(values[NONCE_ENV] or "")
    except ValueError:
        nonce = b""
    if len(nonce) != 8:
        sys.stderr.write(f"the kernel worker needs a session nonce in {NONCE_ENV}\n")
        raise SystemExit(2)
    return nonce, values[NOTEBOOK_DIR_ENV]


def after_stdlib(paths: list[str]) -> int:
    """The index in ``paths`` just after the standard library's entries."""
    stdlib = os.path.dirname(os.__file__)
    zipped = f"python{sys.version_info[0]}{sys.version_info[1]}.zip"
    index = 0
    for position, entry in enumerate(paths):
        if (
            entry == stdlib
            or entry.startswith(stdlib + os.sep)
            or os.path.basename(entry) == zipped
        ):
            index = position + 1
    return index


def _add_notebook_folder(folder: str) -> None:
    """Let cells import the user's own modules beside the notebook (after the stdlib)."""
    if folder not in sys.path:
        sys.path.insert(after_stdlib(sys.path), folder)


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


def _in_forked_child(channel: Channel) -> None:
    """A forked child drops the worker's channel and its signal wake-up pipe."""
    for fd in (channel.requests, channel.events, channel.diagnostics):
        with contextlib.suppress(OSError):
            os.close(fd)
    with contextlib.suppress(ValueError, OSError):
        signal.set_wakeup_fd(-1)


def _diagnose(channel: Channel, text: str) -> None:
    """A line for the launcher's stderr (shown when the worker ends unexpectedly)."""
    with contextlib.suppress(OSError):
        os.write(channel.diagnostics, (text + "\n").encode("utf-8", "replace"))


def main() -> int:
    session.become_group_leader()
    nonce, notebook_dir = _take_launch_settings()
    channel = open_channel()
    # An interrupt before the handler is in place has nothing to stop (as between plans).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    writer = FrameWriter(channel.events, nonce)
    # Ready first: it needs only the channel. The rest is set up while the coordinator reads
    # it (and parses the notebook); requests wait in the pipe until the worker reads them.
    writer.send(Ready(PROTOCOL_VERSION, os.getpid(), sys.version, sys.executable, _missing()))
    executor, router = _set_up(channel, writer)
    if not readable(channel.requests):
        _ready_for_the_database(executor)
    # What the worker is made of lives as long as it does: full collections (while cells run,
    # and the interpreter's at exit, which the app waits for) need not walk it. Only objects
    # made before any user code are frozen: the cells' objects are collected (and finalised)
    # as without it.
    gc.freeze()
    session.watch_parent(channel.requests)
    folder: str | None = None
    if notebook_dir:
        try:
            os.chdir(notebook_dir)
        except OSError as exc:
            problem = f"cannot work in the notebook's folder {notebook_dir}: {exc.strerror}"
            writer.send(WorkerLog("warning", problem))
        else:
            folder = os.getcwd()
            _add_notebook_folder(folder)
    reader = FrameReader(channel.requests, nonce)
    try:
        return _serve(reader, writer, executor, channel, folder)
    except ChannelLost:
        session.end_group(include_self=True)  # no one is listening any more
        return 1
    finally:
        with contextlib.suppress(OSError):
            router.close()


def _set_up(channel: Channel, writer: FrameWriter) -> tuple[Executor, OutputRouter]:
    """Output capture, thread and fork hooks, interrupts, and the executor with its
    namespace: everything user code needs, in place before the first request is read."""
    from kernel_worker import controls, threads
    from kernel_worker.capture import FdCapture, install_streams
    from kernel_worker.executor import Executor
    from kernel_worker.router import OutputRouter

    router = OutputRouter(writer)
    capture = FdCapture(router)
    streams = install_streams(router)
    sys.stdout, sys.stderr = streams
    # Code that "restores" the real streams stays captured.
    sys.__stdout__, sys.__stderr__ = streams  # type: ignore[misc,assignment]
    threads.install(lambda: router.current)
    forks.install(lambda: _in_forked_child(channel))
    executor = Executor(writer, router, capture, streams)
    controls.install_finder()  # `import cascade` in cells (docs/SEMANTICS.md §8)
    interrupts.start_watcher()
    return executor, router


def _ready_for_the_database(executor: Executor) -> None:
    """The app tells every worker it starts its database first (ConfigureDatabase; usually a
    notebook's SQLite file not made yet, answered with SQLite's version): what the answer needs
    is imported while no request waits (``cascade run`` is still reading the notebook), not
    while the app waits for the answer before it sends the first plan."""
    executor.sql.prepare_for_sqlite()


def _serve(
    reader: FrameReader,
    writer: FrameWriter,
    executor: Executor,
    channel: Channel,
    folder: str | None,
) -> int:
    """Handle requests until Shutdown (0) or the coordinator hangs up. ``folder``: the
    notebook's, from which completion never loads a compiled module."""
    views: VariableTables | None = None  # made when the table viewer first asks
    while True:
        if executor.cells.compiling_ahead:  # while no request waits (see Precompile)
            executor.cells.compile_ahead(lambda: readable(channel.requests))
        try:
            request = reader.read()
        except ProtocolError as exc:
            message = f"the kernel's request stream was corrupted: {exc}"
            _diagnose(channel, message)
            writer.send(WorkerLog("error", message))
            session.end_group(include_self=False)
            return EXIT_CORRUPT_REQUESTS
        except KeyboardInterrupt:
            continue  # an interrupt between plans has nothing to stop
        if isinstance(request, Shutdown):
            session.end_group(include_self=False)
            return 0
        session.state.busy = True
        if request is None or session.state.hung_up:
            # The app is gone (it sends Shutdown when it means to stop us): end everything.
            session.end_group(include_self=True)
            return 0
        if isinstance(request, RunPlan):
            _run_plan(executor, request, views)
        elif isinstance(request, Precompile):
            executor.cells.precompile(request)
        elif isinstance(request, ViewVariable | ReleaseTables):
            if views is None:
                views = _variable_tables(executor)
            if isinstance(request, ViewVariable):
                writer.send(views.view(executor.namespace, request))
            else:
                views.release(request)
        else:
            _answer(request, writer, executor, folder)
        session.state.busy = False


def _run_plan(executor: Executor, plan: RunPlan, views: VariableTables | None) -> None:
    """Run a plan; tables opened in the table viewer go as soon as their values do."""
    if views:
        views.before_plan(plan)
    executor.run_plan(plan)
    if views:
        views.after_plan(executor.namespace)


def _variable_tables(executor: Executor) -> VariableTables:
    from kernel_worker.variable_tables import VariableTables  # only once the viewer asks

    return VariableTables(executor.tables)


def _answer(request: Request, writer: FrameWriter, executor: Executor, folder: str | None) -> None:
    """Answer a request that runs no user code (tables, completion, schema, namespace)."""
    if isinstance(request, ConfigureDatabase):
        ok, message, server = executor.sql.configure(request.url, request.password)
        writer.send(DatabaseStatus(request.request_id, ok, message, server))
    elif isinstance(request, FetchRows):
        writer.send(_fetch(executor, request))
    elif isinstance(request, ExportTable):
        writer.send(_export(executor, request))
    elif isinstance(request, Complete):
        from kernel_worker.completion import complete

        writer.send(complete(executor.namespace, request, folder))
    elif isinstance(request, Inspect):
        from kernel_worker.completion import inspect_at

        writer.send(inspect_at(executor.namespace, request, folder))
    elif isinstance(request, DescribeSchema):
        writer.send(executor.sql.describe_schema(request))
    elif isinstance(request, DescribeNamespace):
        from kernel_worker.variables import describe_namespace  # only when the panel asks

        writer.send(describe_namespace(executor.namespace, request))
