"""Code completion for the editor: from the live kernel when it can answer, else static.

The kernel answers with ``jedi.Interpreter`` over its real namespace (``kernel_worker.completion``)
while no plan runs. While a cell runs, or when the kernel's Python lacks ``jedi``, completion
is static: ``jedi.Script`` over the notebook's Python cells (every other cell first, then the
one being edited), in a worker thread of the app process so the window never waits on it.
The first time a kernel says it lacks ``jedi``, the user is told once how to get live
completion.

Static completion runs in this (the window's) process, so it must never run a module's
code: :func:`kernel_worker.import_guard.source_only` lets jedi load no compiled module but the
standard library's (a ``.pyc`` or ``.so`` beside the notebook, or a package's extension, is
read as if absent; Python source is parsed, never run).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from app.coordinator.events import CoordinatorEvent, DatabaseStatusChanged, Notice
from app.coordinator.kernel_client import (
    CompletionItem,
    KernelClient,
    KernelInspection,
    KernelUnavailable,
)
from app.coordinator.sql_completion import SqlCompleter
from app.core.notebook import Notebook
from kernel_worker.import_guard import source_only, standard_library

__all__ = [
    "Completer",
    "CompletionItem",
    "CompletionResult",
    "KernelInspection",
    "static_completions",
    "static_inspection",
]

log = logging.getLogger(__name__)

#: Completions returned at most (jedi can list thousands after ``np.``).
LIMIT = 200
#: Items that get a signature computed (the rest show their kind only).
DETAILED_ITEMS = 30

#: A name typed at the top level (not after a dot): ``tot`` in ``x = tot``.
_TOP_LEVEL_NAME = re.compile(r"(?<![\w.])([A-Za-z_]\w*)$")

NO_JEDI_IN_KERNEL = (
    "The kernel's Python ({python}) lacks jedi, so completion reads the notebook's code only. "
    "Install jedi in that Python (pip install jedi) to complete from the live objects."
)


@dataclass(frozen=True, slots=True)
class CompletionResult:
    """What to offer, and where it came from (``kernel``: the live namespace)."""

    items: tuple[CompletionItem, ...]
    source: Literal["kernel", "static"]


class KernelSide(Protocol):
    """What the completer reads from the runner."""

    @property
    def client(self) -> KernelClient: ...

    @property
    def idle(self) -> bool: ...

    @property
    def python(self) -> str: ...

    @property
    def database_status(self) -> DatabaseStatusChanged | None: ...


class Completer:
    """One notebook's completion; ``notebook`` and ``folder`` are read at each request."""

    def __init__(
        self,
        kernel: KernelSide,
        notebook: Callable[[], Notebook],
        folder: Callable[[], Path | None],
        emit: Callable[[CoordinatorEvent], None],
        definers: Callable[[], Mapping[str, Sequence[str]]] = dict,
        cell_name: Callable[[str], str] = str,
    ) -> None:
        self._cell_name = cell_name
        self._kernel = kernel
        self._notebook = notebook
        self._definers = definers
        self._folder = folder
        self._emit = emit
        #: The kernel process that said it lacks jedi (a new process is asked again).
        self._lacks_jedi = False
        self._no_jedi_pid: int | None = None
        self._told = False
        # One thread: jedi is not made for concurrent use, and requests are superseded anyway.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="completion")
        self.sql = SqlCompleter(
            lambda: kernel.client, lambda: kernel.idle, self._database_url, self._python_items
        )

    async def complete(self, cell_id: str, code: str, line: int, column: int) -> CompletionResult:
        """Completions at 1-based ``line``, 0-based ``column`` (code points) of ``code``,
        the text of cell ``cell_id`` as typed (it may differ from the notebook's copy); in a
        SQL cell, the database's names and SQL keywords (:mod:`app.coordinator.sql_completion`)."""
        notebook = self._notebook()
        if cell_id in notebook and notebook.cell(cell_id).kind == "sql":
            items, live = await self.sql.complete(cell_id, code, line, column)
            return CompletionResult(items, "kernel" if live else "static")
        return await self._complete_python(cell_id, code, line, column)

    async def _python_items(
        self, cell_id: str, code: str, line: int, column: int
    ) -> tuple[tuple[CompletionItem, ...], bool]:
        result = await self._complete_python(cell_id, code, line, column)
        return result.items, result.source == "kernel"

    def _database_url(self) -> str:
        status = self._kernel.database_status
        return status.url if status is not None else ""

    async def _complete_python(
        self, cell_id: str, code: str, line: int, column: int
    ) -> CompletionResult:
        if self._live_possible():
            try:
                answer = await self._kernel.client.complete(code, line, column)
            except KernelUnavailable:
                pass
            else:
                if not answer.unavailable and not answer.error:
                    unrun = self._not_run_yet(code, line, column, answer.items)
                    return CompletionResult(answer.items + unrun, "kernel")
                if answer.unavailable:
                    self._kernel_lacks_jedi()
                elif answer.error:
                    log.debug("kernel completion failed: %s", answer.error)
        others = self._other_cells(cell_id)
        folder = self._folder()
        items = await asyncio.get_running_loop().run_in_executor(
            self._thread, static_completions, others, code, line, column, folder
        )
        return CompletionResult(items, "static")

    async def inspect(
        self, cell_id: str, code: str, line: int, column: int, docs: bool
    ) -> KernelInspection:
        """Signature help (and with ``docs`` the docs of the name) at a position: the idle
        kernel's answer, else static over the notebook's code."""
        if self._live_possible():
            try:
                answer = await self._kernel.client.inspect(code, line, column, docs)
            except KernelUnavailable:
                pass
            else:
                if not answer.unavailable and not answer.error:
                    return answer
                if answer.unavailable:
                    self._kernel_lacks_jedi()
        others = self._other_cells(cell_id)
        return await asyncio.get_running_loop().run_in_executor(
            self._thread, static_inspection, others, code, line, column, docs, self._folder()
        )

    def _not_run_yet(
        self, code: str, line: int, column: int, live: tuple[CompletionItem, ...]
    ) -> tuple[CompletionItem, ...]:
        """Names the notebook's cells define that the kernel does not hold yet (cells not
        run), for a top-level name being typed: the live namespace cannot know them."""
        lines = code.split("\n")
        typed = _TOP_LEVEL_NAME.search(lines[line - 1][:column]) if line <= len(lines) else None
        if typed is None:
            return ()
        prefix, known = typed.group(1), {item.name for item in live}
        notebook = self._notebook()
        found = []
        for name, cells in sorted(self._definers().items()):
            fresh = name != prefix and name not in known
            if fresh and name.startswith(prefix) and cells and cells[0] in notebook:
                detail = f"{self._cell_name(cells[0])}, not run yet"
                found.append(CompletionItem(name, name[len(prefix) :], "statement", detail))
        return tuple(found[:LIMIT])

    def _other_cells(self, cell_id: str) -> list[str]:
        return [c.code for c in self._notebook().cells if c.kind == "python" and c.id != cell_id]

    def _live_possible(self) -> bool:
        kernel = self._kernel
        known_without = self._lacks_jedi and kernel.client.pid == self._no_jedi_pid
        return kernel.idle and not known_without

    def _kernel_lacks_jedi(self) -> None:
        self._lacks_jedi = True
        self._no_jedi_pid = self._kernel.client.pid
        if not self._told:
            self._told = True
            self._emit(Notice("info", NO_JEDI_IN_KERNEL.format(python=self._kernel.python)))

    def close(self) -> None:
        self._thread.shutdown(wait=False, cancel_futures=True)


def _script(other_cells: Sequence[str], code: str, folder: Path | None) -> tuple[Any, int]:
    """A jedi.Script over the other cells' code followed by ``code``, and the line offset."""
    import jedi

    prefix = "".join(text if text.endswith("\n") else text + "\n" for text in other_cells)
    project = jedi.Project(folder) if folder is not None else None
    # In this process, not jedi's default helper subprocess (and the reader thread it keeps):
    # the window's process must not gain child processes Qt does not know about.
    environment = jedi.InterpreterEnvironment()
    return jedi.Script(prefix + code, project=project, environment=environment), prefix.count("\n")


def static_inspection(
    other_cells: Sequence[str],
    code: str,
    line: int,
    column: int,
    docs: bool,
    folder: Path | None = None,
) -> KernelInspection:
    """Signature help and docs from ``jedi.Script`` (see :func:`static_completions`)."""
    try:
        with source_only(standard_library()):
            script, offset = _script(other_cells, code, folder)
            signatures = script.get_signatures(line + offset, column)
            names = script.help(line + offset, column) if docs else []
            name = signature = doc = module = path = ""
            params: tuple[str, ...] = ()
            where = 0
            parameter = -1
            if signatures:
                first = signatures[0]
                name, signature = str(first.name), str(first.to_string())
                params = tuple(str(param.name) for param in first.params)
                parameter = first.index if first.index is not None else -1
            if names:
                name, doc, module = (
                    str(names[0].name),
                    str(names[0].docstring()),
                    str(names[0].module_name or ""),
                )
                source = str(names[0].module_path or "")  # None: the notebook's own code
                if source.endswith((".py", ".pyi")):
                    path, where = source, int(names[0].line or 1)
    except Exception:  # jedi on code it cannot follow: nothing to show
        log.debug("static inspection failed", exc_info=True)
        return KernelInspection()
    return KernelInspection(name, signature, params, parameter, doc, module, path=path, line=where)


def static_completions(
    other_cells: Sequence[str], code: str, line: int, column: int, folder: Path | None = None
) -> tuple[CompletionItem, ...]:
    """``jedi.Script`` completions over the other cells' code followed by ``code``: names
    defined by cells that have not run complete too. Never raises (no completion instead)."""
    try:
        # jedi infers lazily: the items are described inside the guard too.
        with source_only(standard_library()):
            script, offset = _script(other_cells, code, folder)
            found = script.complete(line + offset, column)
            return tuple(
                _item(completion, detailed=index < DETAILED_ITEMS)
                for index, completion in enumerate(found[:LIMIT])
            )
    except Exception:  # jedi on code it cannot follow: nothing to offer
        log.debug("static completion failed", exc_info=True)
        return ()


def _item(completion: Any, *, detailed: bool) -> CompletionItem:
    detail = ""
    if detailed:
        try:
            if completion.type in ("function", "class"):
                signatures = completion.get_signatures()
                if signatures:
                    detail = str(signatures[0].to_string())
            else:
                detail = str(completion.description)
        except Exception:  # jedi could not infer it: the kind alone says enough
            detail = ""
    return CompletionItem(
        completion.name, completion.complete or "", str(completion.type), detail.replace("\n", " ")
    )
