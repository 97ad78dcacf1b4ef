"""One Cascade per user: a second launch hands its notebook to the running one and exits,
so a notebook already open in a window is focused, never opened twice."""

from __future__ import annotations

import getpass
import hashlib
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

#: How long a second launch waits for the running instance to answer (ms).
CONNECT_TIMEOUT_MS = 500


def server_name() -> str:
    """Per user, so two people on one machine each have their own Cascade."""
    return "cascade-" + hashlib.sha1(getpass.getuser().encode()).hexdigest()[:12]


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
            QLocalServer.removeServer(self.name)  # a stale socket left by a crash
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
