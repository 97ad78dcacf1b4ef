"""Recovery copies: the text of a notebook whose latest edit is not in its file.

A new notebook that was never saved, or one whose save failed (read-only file, disk full,
changed on disk), keeps its text here, in the user's data folder, until it is saved or the user
discards it. After a crash the next launch offers these copies back. One copy per open
notebook, keyed by a session id; written atomically, readable by the user only.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import time
from pathlib import Path

from app.coordinator.user_dirs import data_dir, ensure_private
from app.core.record import Record


class RecoveredNotebook(Record):
    """A copy left behind: ``origin`` is the notebook's file (None for a never-saved one)."""

    key: str
    origin: Path | None
    name: str
    saved_at: float
    text_path: Path

    def text(self) -> str:
        return self.text_path.read_text(encoding="utf-8")


class RecoveryStore:
    """The folder of recovery copies."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder

    @property
    def folder(self) -> Path:
        return self._folder or data_dir() / "recovery"

    @staticmethod
    def new_key() -> str:
        # 16 random hex digits (secrets: already loaded, where uuid would import platform).
        return secrets.token_hex(8)

    def _paths(self, key: str) -> tuple[Path, Path]:
        return self.folder / f"{key}.py", self.folder / f"{key}.json"

    def write(self, key: str, text: str, origin: Path | None, name: str = "") -> None:
        """Keep ``text`` for ``key`` (replacing the previous copy)."""
        folder = ensure_private(self.folder)
        text_path, meta_path = self._paths(key)
        meta = {"origin": str(origin) if origin else None, "name": name, "saved_at": time.time()}
        _write_private(folder, text_path, text)
        _write_private(folder, meta_path, json.dumps(meta))

    def discard(self, key: str) -> None:
        for path in self._paths(key):
            path.unlink(missing_ok=True)

    def list(self) -> list[RecoveredNotebook]:
        """Copies left in the folder, newest first (unreadable ones are skipped)."""
        found: list[RecoveredNotebook] = []
        try:
            metas = sorted(self.folder.glob("*.json"))
        except OSError:
            return []
        for meta_path in metas:
            text_path = meta_path.with_suffix(".py")
            try:
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
                if not text_path.is_file() or not isinstance(meta, dict):
                    continue
                origin = meta.get("origin")
                found.append(
                    RecoveredNotebook(
                        key=meta_path.stem,
                        origin=Path(origin) if isinstance(origin, str) else None,
                        name=str(meta.get("name") or ""),
                        saved_at=float(meta.get("saved_at") or 0.0),
                        text_path=text_path,
                    )
                )
            except (OSError, ValueError, TypeError):
                continue
        return sorted(found, key=lambda r: r.saved_at, reverse=True)


def _write_private(folder: Path, target: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".recovery-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
