"""A headless worker's process, started by :mod:`subprocess` before ``asyncio`` is even
imported.

``cascade run`` spends its first tenth of a second importing ``asyncio`` and the coordinator,
and a worker takes about as long to start. ``asyncio``'s own ``subprocess_exec`` can only start
a process from a running loop, after those imports; :func:`start_worker` imports nothing but
:mod:`subprocess`, so the command starts its worker first and both start at once
(:class:`~app.coordinator.popen_transport.PopenTransport` then gives the loop the process as
``subprocess_exec`` would have). Every headless worker is started here, early or not.
"""

from __future__ import annotations

import subprocess

from app.coordinator.launch import WorkerLaunch


class StartedWorker:
    """A worker process started for ``launch``; ``wanted``: the interpreter, folder and
    environment it was started for (the kernel adopts it only if it still wants those)."""

    __slots__ = ("launch", "popen", "wanted")

    def __init__(self, launch: WorkerLaunch, popen: subprocess.Popen[bytes], wanted: object):
        self.launch = launch
        self.popen = popen
        self.wanted = wanted


def start_worker(launch: WorkerLaunch) -> subprocess.Popen[bytes]:
    """Start the process of ``launch`` with its three pipes (``OSError`` if it cannot)."""
    return subprocess.Popen(
        [launch.program, *launch.args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=launch.env,
        cwd=launch.cwd,
        bufsize=0,
    )
