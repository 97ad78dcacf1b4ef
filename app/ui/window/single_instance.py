"""One Cascade per user: a second launch hands its notebook to the running one and exits,
so a notebook already open in a window is focused, never opened twice.

The socket lives in a folder only the user can enter: ``$XDG_RUNTIME_DIR`` (when it is what
the XDG spec promises: a real folder of the user's with mode 0700), else ``cascade-UID`` in the
temporary folder, created 0700 and checked with ``lstat`` (a symlink or another user's folder
is refused, a folder of the user's with looser permissions is repaired). So another user can
neither listen in Cascade's place (learning the paths the user opens, or answering "ok" so
that a launch exits) nor connect to it. Qt's own ``QStandardPaths.RuntimeLocation`` is not
used: it follows symlinks when it checks the folder.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

#: How long a second launch waits for the running instance to answer (ms).
CONNECT_TIMEOUT_MS = 500
SOCKET_NAME = "cascade-instance"


class InstanceFolderError(RuntimeError):
    """No private folder for the socket; Cascade then runs without handing launches over."""


def server_name() -> str:
    """The socket's path, in the user's private runtime folder (:class:`InstanceFolderError`)."""
    if not hasattr(os, "getuid"):  # Windows: a named pipe in the user's session
        return SOCKET_NAME
    return str(runtime_folder() / SOCKET_NAME)


def runtime_folder() -> Path:
    """``$XDG_RUNTIME_DIR`` if it is private to the user, else Cascade's own private folder."""
    xdg = os.environ.get("XDG_RUNTIME_DIR", "")
    if xdg and os.path.isabs(xdg) and _problem(Path(xdg)) is None:
        return Path(xdg)
    return private_folder(Path(tempfile.gettempdir()) / f"cascade-{os.getuid()}")


def private_folder(folder: Path) -> Path:
    """``folder``, made if missing, checked to be the user's own and enterable by no one else."""
    with contextlib.suppress(FileExistsError):
        os.mkdir(folder, 0o700)
    problem = _problem(folder)
    if problem == "loose":
        os.chmod(folder, 0o700)  # ours, in a sticky folder: nobody else can swap it
        # While it was open anyone could have put a socket here: never trust one found now.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(folder / SOCKET_NAME)
        problem = _problem(folder)
    if problem is not None:
        raise InstanceFolderError(f"{folder} {problem}")
    return folder


def _problem(folder: Path) -> str | None:
    """What is wrong with ``folder`` as a private folder ("loose" if only its mode), or None."""
    try:
        info = os.lstat(folder)
    except OSError as err:
        return f"cannot be used ({err.strerror})"
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link, not a folder of yours"
    if not stat.S_ISDIR(info.st_mode):
        return "is not a folder"
    if info.st_uid != os.getuid():
        return "belongs to another user"
    if stat.S_IMODE(info.st_mode) & 0o077:
        return "loose"
    return None


def hand_over(path: str | None, name: str | None = None) -> bool:
    """Send ``path`` ("" to just show the app) to a running instance; True if one took it."""
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    socket.write(QByteArray((path or "").encode("utf-8") + b"\n"))
    socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
    socket.waitForReadyRead(CONNECT_TIMEOUT_MS)  # the answer "ok" means it was opened
    answered = bytes(socket.readAll().data()).strip() == b"ok"
    socket.disconnectFromServer()
    return answered


class InstanceServer(QObject):
    """Listens for later launches and calls ``open_path`` with what they hand over."""

    def __init__(self, open_path: Callable[[str], None], name: str | None = None) -> None:
        super().__init__()
        self._open_path = open_path
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.name = name or server_name()
        if not self._server.listen(self.name):
            # Nobody answered hand_over, so a socket file here is stale (left by a crash).
            QLocalServer.removeServer(self.name)
            self._server.listen(self.name)
        self._server.newConnection.connect(self._accept)

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        path = bytes(socket.readLine().data()).decode("utf-8", errors="replace").strip()
        self._open_path(path)
        socket.write(QByteArray(b"ok\n"))
        socket.flush()
        socket.disconnectFromServer()

    def close(self) -> None:
        self._server.close()


def start_single_instance(
    wanted: str | None, open_path: Callable[[str], None]
) -> tuple[bool, InstanceServer | None]:
    """``(handed over, server)``: hand ``wanted`` to a running Cascade, else listen for later
    launches. Without a private folder neither happens (one line on stderr says why)."""
    try:
        name = server_name()
    except InstanceFolderError as err:
        sys.stderr.write(f"cascade: each launch opens its own windows: {err}\n")
        return False, None
    if hand_over(wanted, name):
        return True, None
    return False, InstanceServer(open_path, name)
