"""A second launch hands its notebook to the running Cascade (one window per notebook), through a
socket in a folder only the user can enter (issue 9 §1)."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.ui.window import single_instance
from app.ui.window.single_instance import (
    SOCKET_NAME,
    InstanceFolderError,
    InstanceServer,
    hand_over,
    server_name,
    start_single_instance,
)

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534


@pytest.fixture
def temp_root(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A short temporary folder standing in for /tmp (socket paths must stay short)."""
    with tempfile.TemporaryDirectory(dir="/tmp", prefix="si-") as folder:
        monkeypatch.setattr(tempfile, "tempdir", folder)
        monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
        yield Path(folder)


@pytest.fixture
def runtime_dir(temp_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A valid ``$XDG_RUNTIME_DIR``: the user's, mode 0700."""
    folder = temp_root / "run"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    return folder


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_the_socket_lives_in_the_users_runtime_folder(runtime_dir: Path) -> None:
    assert server_name() == str(runtime_dir / SOCKET_NAME)


@pytest.mark.parametrize("flaw", ["loose", "symlink", "relative", "missing"])
def test_an_unfit_runtime_folder_is_not_used(
    temp_root: Path, runtime_dir: Path, monkeypatch: pytest.MonkeyPatch, flaw: str
) -> None:
    if flaw == "loose":
        runtime_dir.chmod(0o755)
    elif flaw == "symlink":
        link = temp_root / "link"
        link.symlink_to(runtime_dir)
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(link))
    elif flaw == "relative":
        monkeypatch.setenv("XDG_RUNTIME_DIR", "run")
    else:
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(temp_root / "gone"))
    fallback = temp_root / f"cascade-{os.getuid()}"
    assert server_name() == str(fallback / SOCKET_NAME)
    assert _mode(fallback) == 0o700
    assert os.lstat(fallback).st_uid == os.getuid()
    assert _mode(runtime_dir) in (0o700, 0o755)  # never "repaired": it is not Cascade's


def test_the_runtime_folder_of_another_user_is_not_used(
    runtime_dir: Path, temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As after ``sudo -E``: $XDG_RUNTIME_DIR still names the other user's folder."""
    uid = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: uid + 1)
    (temp_root / f"cascade-{uid + 1}").mkdir(mode=0o700)
    # The test's own folders now belong to "another user": both are refused.
    with pytest.raises(InstanceFolderError, match="belongs to another user"):
        server_name()


def test_the_fallback_folder_is_created_private(temp_root: Path) -> None:
    old = os.umask(0)
    try:
        name = server_name()
    finally:
        os.umask(old)
    folder = temp_root / f"cascade-{os.getuid()}"
    assert name == str(folder / SOCKET_NAME)
    assert _mode(folder) == 0o700


def test_a_loose_fallback_folder_is_repaired_and_its_socket_distrusted(temp_root: Path) -> None:
    folder = temp_root / f"cascade-{os.getuid()}"
    folder.mkdir()
    folder.chmod(0o777)
    planted = folder / SOCKET_NAME
    with socket.socket(socket.AF_UNIX) as other:
        other.bind(str(planted))  # what anyone could have put there while it was open
        assert server_name() == str(planted)
    assert _mode(folder) == 0o700
    assert not planted.exists()


def test_a_symlink_in_place_of_the_fallback_folder_is_refused(temp_root: Path) -> None:
    mine = temp_root / "elsewhere"
    mine.mkdir(mode=0o700)
    (temp_root / f"cascade-{os.getuid()}").symlink_to(mine)
    with pytest.raises(InstanceFolderError, match="symbolic link"):
        server_name()


def test_a_fallback_folder_of_another_user_is_refused(
    temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uid = os.getuid()
    if os.geteuid() == 0:
        (temp_root / f"cascade-{uid}").mkdir(mode=0o700)
        os.chown(temp_root / f"cascade-{uid}", NOBODY, NOBODY)
    else:  # only root may give a folder away: be someone else whose name it has
        monkeypatch.setattr(os, "getuid", lambda: uid + 1)
        (temp_root / f"cascade-{uid + 1}").mkdir(mode=0o700)
    with pytest.raises(InstanceFolderError, match="belongs to another user"):
        server_name()


def test_without_a_private_folder_each_launch_runs_alone(
    temp_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (temp_root / f"cascade-{os.getuid()}").write_text("not a folder")
    assert start_single_instance("/tmp/nb.py", lambda _: None) == (False, None)
    assert capsys.readouterr().err.startswith("cascade: each launch opens its own windows: ")


def test_second_launch_hands_its_path_over(qtbot: QtBot, runtime_dir: Path) -> None:
    received: list[str] = []
    handed, server = start_single_instance(None, received.append)
    assert not handed and server is not None and server.listening
    assert server.name == str(runtime_dir / SOCKET_NAME)
    client = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from app.ui.window.single_instance import start_single_instance;"
            " sys.exit(0 if start_single_instance('/tmp/nb.py', print)[0] else 1)",
        ],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    qtbot.waitUntil(lambda: received == ["/tmp/nb.py"], timeout=10_000)
    qtbot.waitUntil(lambda: client.poll() is not None, timeout=10_000)
    assert client.returncode == 0  # it was told the path was taken
    server.close()


def test_a_stale_socket_is_replaced(qtbot: QtBot, runtime_dir: Path) -> None:
    stale = runtime_dir / SOCKET_NAME
    with socket.socket(socket.AF_UNIX) as crashed:
        crashed.bind(str(stale))  # closed without unlinking: what a crash leaves
    assert not hand_over("/tmp/nb.py")
    received: list[str] = []
    server = InstanceServer(received.append)
    assert server.listening
    assert stale.exists()
    server.close()


def test_nobody_listening_means_start_normally(runtime_dir: Path) -> None:
    assert hand_over("/tmp/nb.py") is False


def test_another_user_cannot_reach_the_socket(qtbot: QtBot, runtime_dir: Path) -> None:
    server = InstanceServer(lambda _: None)
    path = Path(server.name)
    assert _mode(runtime_dir) == 0o700 and stat.S_ISSOCK(os.lstat(path).st_mode)
    if os.geteuid() == 0:  # be another user for real
        probe = (
            "import os, socket, sys; os.setgid(65534); os.setuid(65534)\n"
            "s = socket.socket(socket.AF_UNIX)\n"
            "try:\n    s.connect(sys.argv[1])\nexcept PermissionError:\n    sys.exit(3)\n"
        )
        done = subprocess.run([sys.executable, "-c", probe, str(path)], timeout=30, check=False)
        assert done.returncode == 3
    else:  # the folder's mode is what stops them
        assert not _mode(runtime_dir) & 0o077
    server.close()


def test_windows_keeps_a_session_pipe_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "getuid")
    assert single_instance.server_name() == SOCKET_NAME
