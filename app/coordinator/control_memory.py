"""Remembered control values (View → Remember control values): per notebook, in the user's
data folder — never in the notebook file, whose code defaults stay its truth (SEMANTICS.md §8).

A notebook remembers its controls while its memory file exists; turning the option off deletes
the file. Values are in wire form (JSON) by control id (``cell:index``); the worker gives a
remembered value to its control when the control is created, if the value suits it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.coordinator.user_dirs import data_dir, ensure_private
from app.core.fileformat import save_text

log = logging.getLogger(__name__)


class ControlMemory:
    """Reads and writes one small JSON file per notebook (by a hash of its path)."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder
        self._cache: tuple[Path, dict[str, Any]] | None = None

    @property
    def folder(self) -> Path:
        return self._folder or data_dir() / "controls"

    def _file(self, notebook: Path) -> Path:
        key = hashlib.sha256(str(notebook.resolve()).encode()).hexdigest()[:32]
        return self.folder / f"{key}.json"

    def enabled(self, notebook: Path | None) -> bool:
        return notebook is not None and self._file(notebook).exists()

    def values(self, notebook: Path | None) -> dict[str, Any]:
        """The remembered values (empty when the notebook does not remember them)."""
        if notebook is None:
            return {}
        if self._cache is not None and self._cache[0] == notebook:
            return self._cache[1]
        values: dict[str, Any] = {}
        try:
            raw = json.loads(self._file(notebook).read_text(encoding="utf-8"))
            if isinstance(raw, dict) and isinstance(raw.get("values"), dict):
                values = raw["values"]
        except FileNotFoundError:
            pass  # the notebook does not remember its controls
        except (OSError, ValueError) as exc:
            log.warning("remembered control values of %s unreadable: %s", notebook, exc)
        self._cache = (notebook, values)
        return values

    def enable(self, notebook: Path, on: bool) -> None:
        """Start remembering (an empty memory file) or forget everything (the file goes)."""
        self._cache = None
        if on:
            if not self.enabled(notebook):
                self._write(notebook, {})
        else:
            with contextlib.suppress(FileNotFoundError):
                self._file(notebook).unlink()

    def remember(self, notebook: Path | None, values: Mapping[str, Any]) -> None:
        """Add ``values`` to the notebook's memory, if it remembers its controls."""
        if notebook is None or not values or not self.enabled(notebook):
            return
        merged = {**self.values(notebook), **values}
        try:
            self._write(notebook, merged)
        except OSError as exc:  # a full disk must not stop the control from working
            log.warning("cannot remember control values of %s: %s", notebook, exc)
            return
        self._cache = (notebook, merged)

    def _write(self, notebook: Path, values: Mapping[str, Any]) -> None:
        ensure_private(self.folder)
        document = {"notebook": str(notebook.resolve()), "values": dict(values)}
        save_text(json.dumps(document, ensure_ascii=False, indent=1), self._file(notebook))
