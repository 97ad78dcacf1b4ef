"""The worker's own file descriptors live high, out of the range user code touches.

User code that closes, writes to or hands to a child "every fd from 3 to 20" (or grabs the
lowest free number after closing fd 1) must never hit the protocol channel or the worker's
own pipes: they are moved to :data:`FD_FLOOR` or above and marked close-on-exec.
"""

from __future__ import annotations

import fcntl
import os

#: The worker's own fds are moved to this number or above (lower if the fd limit is lower).
FD_FLOOR = 1000


def fd_floor() -> int:
    """A high fd number still below the process's fd limit."""
    import resource

    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft > FD_FLOOR + 64:
        return FD_FLOOR
    return max(10, soft - 16)


def high_copy(fd: int) -> int:
    """A close-on-exec duplicate of ``fd`` numbered :func:`fd_floor` or above (``fd`` stays
    open)."""
    return fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, fd_floor())


def private_fd(fd: int) -> int:
    """Move one of the worker's own fds out of the low range: the high, close-on-exec
    duplicate replaces ``fd``, which is closed."""
    moved = high_copy(fd)
    os.close(fd)
    return moved


def private_pipe() -> tuple[int, int]:
    """A pipe (read end, write end) whose both ends live high."""
    read_end, write_end = os.pipe()
    return private_fd(read_end), private_fd(write_end)
