"""How a kernel worker process is started (program, arguments, environment, folder).

Qt-free so the real adapter (:mod:`app.coordinator.qprocess_kernel`) and tests that drive a
worker with :mod:`subprocess` start it the same way:

* the interpreter starts in a folder of ours, with ``PYTHONSAFEPATH``: nothing in the
  notebook's folder (a ``json.py``, a ``kernel_worker/``) can be imported while the worker
  starts, whatever the Python; the worker changes to the notebook's folder itself;
* a fresh session nonce for the protocol's frames (:data:`kernel_worker.protocol.NONCE_ENV`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Mapping
from pathlib import Path

from app.coordinator.kernel import EventHandler, KernelExited
from app.core.record import Record
from kernel_worker import protocol as p

#: What goes on another interpreter's PYTHONPATH so it can run ``-m kernel_worker``: the
#: source tree, or in the frozen bundle a folder holding only the worker's sources.
PACKAGE_ROOT = (
    str(Path(getattr(sys, "_MEIPASS", "")) / "worker")
    if getattr(sys, "frozen", False)
    else str(Path(__file__).resolve().parents[2])
)


class WorkerLaunch(Record):
    """Everything needed to start one worker; ``nonce`` frames its protocol session."""

    program: str
    args: tuple[str, ...]
    env: dict[str, str]
    cwd: str
    nonce: bytes


def worker_command(python: str | None = None) -> tuple[str, list[str]]:
    """Program and arguments that start a worker: the frozen app serves as its own worker."""
    if python is None and getattr(sys, "frozen", False):
        return sys.executable, ["--kernel-worker"]
    return python or sys.executable, ["-m", "kernel_worker"]


def worker_launch(
    python: str | None = None,
    notebook_dir: str | Path | None = None,
    extra_env: Mapping[str, str] | None = None,
    base_env: Mapping[str, str] | None = None,
) -> WorkerLaunch:
    """The launch of a worker for a notebook in ``notebook_dir`` (None: no folder of its own)."""
    env = dict(os.environ if base_env is None else base_env)
    # The worker package is provided to the interpreter without installing it there.
    existing = env.get("PYTHONPATH", "")
    env["PYTHONPATH"] = os.pathsep.join(x for x in (PACKAGE_ROOT, existing) if x)
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONSAFEPATH"] = "1"  # no script or current folder in front of the stdlib
    env.setdefault("MPLBACKEND", "Agg")
    env.update(extra_env or {})
    nonce = p.new_nonce()
    env[p.NONCE_ENV] = nonce.hex()
    env.pop(p.NOTEBOOK_DIR_ENV, None)
    if notebook_dir is not None:
        env[p.NOTEBOOK_DIR_ENV] = str(notebook_dir)
    program, args = worker_command(python)
    # The worker's own folder: the one place it may import from before it is ready.
    return WorkerLaunch(program, tuple(args), env, PACKAGE_ROOT, nonce)


class WorkerLauncher:
    """What both kernel connections (the window's QProcess one and the headless asyncio one)
    share: the settings the next worker starts with, the handler its events go to, and the
    interrupt; only the process mechanism is theirs."""

    def __init__(
        self,
        cwd: str | Path | None = None,
        python: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self._cwd = str(cwd) if cwd is not None else None
        self._python = python
        self._extra_env = extra_env or {}
        self._handler: EventHandler | None = None

    def set_handler(self, handler: EventHandler) -> None:
        self._handler = handler

    def set_interpreter(self, python: str | None) -> None:
        self._python = python

    def set_cwd(self, cwd: str | Path) -> None:
        """Working directory of the next worker started (the notebook's folder)."""
        self._cwd = str(cwd)

    @property
    def pid(self) -> int | None:
        """The running worker's process id (None: none is running)."""
        raise NotImplementedError

    def interrupt(self) -> None:
        pid = self.pid
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGINT)

    def next_launch(self) -> WorkerLaunch:
        """The launch of the next worker (a new session nonce each time)."""
        return worker_launch(self._python, self._cwd, self._extra_env)

    def wanted(self) -> object:
        """What the next worker is started for: interpreter, folder, extra environment (a
        worker started ahead for other values is not the one wanted)."""
        return (self._python, self._cwd, tuple(sorted(self._extra_env.items())))

    def _deliver(self, event: p.Event | KernelExited) -> None:
        if self._handler is not None:
            self._handler(event)
