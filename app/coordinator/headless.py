"""Running a notebook without a window: plain asyncio, and the worker started first.

``cascade run`` and ``cascade export`` spend most of their time starting up, so a
:class:`HeadlessRun` starts the kernel worker (Cascade's own Python, in the notebook's folder)
before anything else is imported or read: the worker starts while the command parses and
analyses the notebook. If the notebook turns out to choose another interpreter (and is
trusted to), the coordinator's start replaces that worker (see
:meth:`~app.coordinator.asyncio_kernel.AsyncioKernel.launch`). Nothing here imports Qt,
qasync or pandas.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from app.coordinator.asyncio_kernel import AsyncioKernel

if TYPE_CHECKING:
    from app.coordinator.coordinator import Coordinator
    from app.coordinator.worker_process import StartedWorker

T = TypeVar("T")


class HeadlessRun:
    """An event loop and a kernel for one notebook, its worker starting from ``__enter__``."""

    def __init__(
        self,
        notebook_path: Path,
        *,
        cwd: Path | None = None,
        started: StartedWorker | None = None,
    ) -> None:
        """``started``: the worker the command started before it imported this module
        (adopted if it is the one wanted, see :meth:`AsyncioKernel.adopt_started`)."""
        self.path = notebook_path
        self.kernel = AsyncioKernel(cwd=cwd or notebook_path.resolve().parent)
        if started is not None:
            self.kernel.adopt_started(started)
        self._runner = asyncio.Runner()

    def __enter__(self) -> HeadlessRun:
        self._runner.__enter__()
        self.run(self.kernel.launch())
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self.run(self.kernel.shutdown())  # a worker never used ends here too
        finally:
            self._runner.__exit__(kind, error, traceback)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on this run's loop (the worker keeps starting in between)."""
        return self._runner.run(coroutine)

    def run_all(
        self,
        *,
        trust: bool = False,
        path: Path | None = None,
        settings: Mapping[str, str] | None = None,
    ) -> Coordinator:
        """Open the notebook without ever writing to it and run every cell; the coordinator
        holds the results. ``trust``: the user vouched for the notebook's settings. ``path``:
        the file to open when it is not the one the run was made for (a Jupyter notebook
        converted into a temporary file; the kernel still runs in the original's folder).
        ``settings``: control values by variable name (``--set n=20``), set after the run
        with the defaults — the controls' cells and their readers then run again
        (ControlValueError for an unknown name or an invalid value)."""
        return self.run(self._run_all(trust, path or self.path, settings or {}))

    async def _run_all(self, trust: bool, path: Path, settings: Mapping[str, str]) -> Coordinator:
        from app.coordinator.coordinator import Coordinator
        from app.core.controls import resolve_settings

        coordinator = Coordinator(self.kernel, autosave=False, assume_trusted=trust)
        await coordinator.open(path)
        try:
            await coordinator.run_all()
            if settings:
                values = resolve_settings(coordinator.states, settings)
                await coordinator.set_control_values(values, with_definers=True)
        finally:
            await coordinator.shutdown()
        return coordinator
