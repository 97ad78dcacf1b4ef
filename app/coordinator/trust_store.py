"""Where the user's trust decisions live: a user-only JSON file in the config folder.

A decision is keyed by the notebook's resolved path and holds the fingerprint of the settings
header it was made for (:func:`app.core.trust.settings_fingerprint`), so it covers exactly the
settings the user saw. A damaged file trusts nothing (and is rewritten on the next decision).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from app.coordinator.user_dirs import config_dir, ensure_private

FILE_VERSION = 1


class TrustStore:
    """Trust decisions per notebook. Reads the file on every question, so two windows (or a
    window and ``cascade run``) never disagree."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path

    @property
    def path(self) -> Path:
        return self._path or config_dir() / "trusted-notebooks.json"

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        notebooks = data.get("notebooks") if isinstance(data, dict) else None
        if not isinstance(notebooks, dict):
            return {}
        return {str(k): str(v) for k, v in notebooks.items() if isinstance(v, str)}

    def _write(self, notebooks: dict[str, str]) -> None:
        folder = ensure_private(self.path.parent)
        fd, tmp = tempfile.mkstemp(prefix=".trust-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"version": FILE_VERSION, "notebooks": notebooks}, handle, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @staticmethod
    def _key(notebook: Path) -> str:
        return str(notebook.resolve())

    def is_trusted(self, notebook: Path, fingerprint: str) -> bool:
        return self._read().get(self._key(notebook)) == fingerprint

    def trust(self, notebook: Path, fingerprint: str) -> None:
        notebooks = self._read()
        notebooks[self._key(notebook)] = fingerprint
        self._write(notebooks)

    def forget(self, notebook: Path) -> None:
        notebooks = self._read()
        if notebooks.pop(self._key(notebook), None) is not None:
            self._write(notebooks)
