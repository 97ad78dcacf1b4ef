"""Running the ``cascade`` command as a user does: a real subprocess from the repo root."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def cascade(*args: str | Path, **options: Any) -> subprocess.CompletedProcess[str]:
    """``options`` go to :func:`subprocess.run` (``preexec_fn`` to set a limit, say)."""
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        **options,
    )
