"""The worker's own session and process group: what user code starts ends with the worker.

The worker makes itself a session (and process group) leader at start, so every process a
cell starts (``subprocess.Popen(["sleep", "300"])``, a server, a pool) is in the worker's
group unless it leaves on purpose. Then:

* the coordinator ends the whole group on Restart, kill and quit (``os.killpg``);
* a clean ``Shutdown`` sends SIGTERM to the rest of the group before the worker exits (the
  coordinator follows up with SIGKILL for whatever ignored it);
* if the app dies, the worker notices its request channel hang up — even while a cell is
  running — and kills the whole group, itself included (where the app sent a last request,
  Shutdown, before it closed the channel, the request at hand gets
  :data:`LAST_REQUEST_GRACE_S` to end first: the app's shutdown right after a plan's last
  frame once found the worker still finishing that plan and had it kill itself).

A session rather than just a group: a background group of the user's terminal would be
stopped by SIGTTIN as soon as a child opened /dev/tty, and Ctrl+C in the terminal that runs
``cascade run`` is the CLI's to handle, not the kernel's.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import threading
import time

from kernel_worker.transport import holds_data


class _State:
    owns_group = False
    #: True while the main thread handles a request: it cannot notice a hang-up itself then.
    busy = False
    #: The coordinator hung up while the worker was idle: run nothing more.
    hung_up = False


state = _State()


def become_group_leader() -> None:
    """Start a new session; remember whether the group is ours to end."""
    with contextlib.suppress(OSError):  # already a group leader (started so on purpose)
        os.setsid()
    state.owns_group = os.getpgrp() == os.getpid()


def end_group(*, include_self: bool) -> None:
    """Kill every process of the worker's group (SIGKILL), or politely ask the others to stop
    (SIGTERM, which the worker itself ignores) when ``include_self`` is False."""
    if not state.owns_group:
        return  # the group is not ours (a launcher's): never signal it
    try:
        if include_self:
            os.killpg(os.getpgrp(), signal.SIGKILL)
        else:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            os.killpg(os.getpgrp(), signal.SIGTERM)
    except OSError:
        pass


#: How long a request still being handled may take to end once the app closed the channel
#: after a last request (its own shutdown waits 2 s before it kills the worker).
LAST_REQUEST_GRACE_S = 1.5


def _wait_while_busy(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while state.busy and time.monotonic() < deadline:
        time.sleep(0.005)


def watch_parent(request_fd: int) -> None:
    """End the group, the worker included, when the coordinator's end of the request channel
    closes while the main thread is busy (between requests, the main loop reads the EOF)."""

    def watch() -> None:
        poller = select.poll()
        poller.register(request_fd, 0)  # only hang-up and errors are reported
        while True:
            try:
                events = poller.poll()
            except InterruptedError:
                continue
            for _fd, flags in events:
                if flags & select.POLLNVAL:
                    return  # the fd was closed under us: the writer will notice
                if flags & (select.POLLHUP | select.POLLERR):
                    state.hung_up = True
                    if state.busy and holds_data(request_fd):
                        # The app asked something (Shutdown) before it closed the channel:
                        # the request at hand may end within moments (the app sends
                        # Shutdown as soon as a plan's last frame is in).
                        _wait_while_busy(LAST_REQUEST_GRACE_S)
                    if state.busy:
                        end_group(include_self=True)
                    return

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
