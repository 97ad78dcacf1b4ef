"""A second launch hands its notebook to the running Cascade (one window per notebook)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

from app.ui.single_instance import InstanceServer

ROOT = Path(__file__).resolve().parents[2]


def test_second_launch_hands_its_path_over(qtbot) -> None:  # type: ignore[no-untyped-def]
    received: list[str] = []
    name = f"cascade-test-{uuid.uuid4().hex[:8]}"
    server = InstanceServer(received.append, name=name)
    assert server.listening
    client = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from app.ui.single_instance import hand_over; import sys; sys.exit(0 if hand_over('/tmp/nb.py', {name!r}) else 1)",
        ],
        cwd=ROOT,
    )
    qtbot.waitUntil(lambda: received == ["/tmp/nb.py"], timeout=10_000)
    qtbot.waitUntil(lambda: client.poll() is not None, timeout=10_000)
    assert client.returncode == 0  # it was told the path was taken
    server.close()


def test_nobody_listening_means_start_normally() -> None:
    from app.ui.single_instance import hand_over

    assert hand_over("/tmp/nb.py", f"cascade-absent-{uuid.uuid4().hex[:8]}") is False
