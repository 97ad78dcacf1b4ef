"""How the coordinator talks to a kernel worker, independent of the process mechanism.

The real implementation is :class:`app.coordinator.qprocess_kernel.QProcessKernel`; tests use
a scripted fake with the same shape, so the coordinator's logic is tested without a process.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeAlias

from app.core.record import Record
from kernel_worker.protocol import Event, Ready, Request

#: What the user is told when the worker's frames stopped making sense (see the protocol).
CORRUPTED_MESSAGE = "the kernel's protocol stream was corrupted by the cell"


class KernelExited(Record):
    """The worker process ended. ``expected``: we asked it to (shutdown, restart).
    ``corrupted``: we stopped it because its protocol stream was corrupt (what was wrong)."""

    exit_code: int | None
    signal: int | None
    expected: bool
    detail: str = ""
    corrupted: str = ""

    def describe(self) -> str:
        if self.corrupted:
            return f"{CORRUPTED_MESSAGE} ({self.corrupted}); the kernel was stopped"
        if self.signal is not None:
            import signal as _signal

            try:
                name = _signal.Signals(self.signal).name
            except ValueError:
                name = f"signal {self.signal}"
            text = f"kernel died: killed by {name}"
        elif self.exit_code is not None:
            text = f"kernel died: exit code {self.exit_code}"
        else:
            text = "kernel died"
        return f"{text} ({self.detail})" if self.detail else text


KernelEvent: TypeAlias = Event | KernelExited
EventHandler: TypeAlias = Callable[[KernelEvent], None]


class KernelStartError(RuntimeError):
    """The worker could not be started or did not say Ready."""


class KernelConnection(Protocol):
    """One worker process at a time; events are delivered to ``handler`` on the event loop."""

    def set_handler(self, handler: EventHandler) -> None: ...

    def set_interpreter(self, python: str | None) -> None:
        """The Python the next worker starts in (None: the default for this installation)."""
        ...

    def set_cwd(self, cwd: str | Path) -> None:
        """The folder the next worker starts in (the notebook's; a new one's after Save As)."""
        ...

    async def start(self) -> Ready:
        """Start the worker and wait for its Ready frame (KernelStartError on failure)."""
        ...

    def send(self, request: Request) -> None: ...

    def interrupt(self) -> None:
        """Ask the running cell to stop (SIGINT to the worker)."""
        ...

    def kill(self) -> None:
        """End the worker and every process it started now; a KernelExited(expected=True)
        follows."""
        ...

    async def shutdown(self) -> None:
        """Stop the worker politely, then forcibly if it does not exit in time; processes it
        started end with it."""
        ...

    @property
    def is_running(self) -> bool: ...
