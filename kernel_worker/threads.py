"""Which cell run a thread belongs to, so its prints land under that cell.

A cell may start a thread that keeps printing after the cell finished. Its Python-level output
(``print``, ``sys.stdout.write``) belongs to the run of the cell that started it, not to
whatever cell runs next: :meth:`threading.Thread.start` is wrapped to record the starting
run (a thread started by such a thread inherits it). The main thread's output always belongs
to the running step.

Limits (documented in docs/SECURITY-worker.md): a pool thread created by one cell and reused
by another is attributed to the first; writes to fds 1 and 2 (C code, child processes) cannot
be attributed to a thread and go to the running step.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

TYPE_CHECKING = False  # typing is for the type checker only (see kernel_worker.protocol)
if TYPE_CHECKING:
    from typing import Any

#: A cell run: (plan id, cell id).
Origin = tuple[int, str]

_ATTRIBUTE = "_cascade_origin"
_main_ident = threading.main_thread().ident
_original_start = threading.Thread.start


def install(current: Callable[[], Origin | None]) -> None:
    """Wrap ``Thread.start``; ``current`` gives the run of the step in progress."""

    def start(self: threading.Thread, *args: Any, **kwargs: Any) -> None:
        origin = origin_of_calling_thread()
        setattr(self, _ATTRIBUTE, origin if origin is not None else current())
        _original_start(self, *args, **kwargs)

    threading.Thread.start = start  # type: ignore[method-assign]


def origin_of_calling_thread() -> Origin | None:
    """The run the calling thread writes for; None for the main thread (the running step)."""
    if threading.get_ident() == _main_ident:
        return None
    return getattr(threading.current_thread(), _ATTRIBUTE, None)
