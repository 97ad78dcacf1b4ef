"""Whether a notebook's own settings are honoured, and the runs that wait for that decision
(docs/SECURITY.md, "The trust model")."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

from app.coordinator.trust_store import TrustStore
from app.core.notebook import Notebook
from app.core.trust import TrustRequest, settings_fingerprint, trust_requests


class TrustGate:
    """One notebook's trust state. ``assume_trusted``: the user vouched on the command line
    (``cascade run --trust``), which is not remembered."""

    def __init__(self, store: TrustStore, *, assume_trusted: bool = False) -> None:
        self.store = store
        self._assume_trusted = assume_trusted
        self.trusted = True
        self.requests: tuple[TrustRequest, ...] = ()
        self._fingerprint: str | None = None
        #: The user chose to run this untrusted notebook with the default Python and SQLite.
        self.untrusted_runs_allowed = False
        #: Runs asked for while the decision is open (cell ids, in order).
        self._held: dict[str, None] = {}

    def check(self, notebook: Notebook, path: Path | None, *, created: bool = False) -> None:
        """Decide for a notebook just opened (or created: always trusted)."""
        self.requests = trust_requests(notebook)
        fingerprint = settings_fingerprint(notebook)
        stored = path is not None and self.store.is_trusted(path, fingerprint)
        self.trusted = created or self._assume_trusted or not self.requests or stored
        self._fingerprint = fingerprint if stored else None
        self.untrusted_runs_allowed = False
        self._held.clear()

    def trust(self, notebook: Notebook, path: Path | None) -> None:
        """The user trusts the notebook (the dialog, a setting they chose, a Save As)."""
        self.trusted = True
        self.remember(notebook, path)

    def remember(self, notebook: Notebook, path: Path | None) -> None:
        """Keep a trusted notebook trusted across header edits made here (and new paths)."""
        self.requests = trust_requests(notebook)
        if not self.trusted or path is None or self._assume_trusted:
            return
        fingerprint = settings_fingerprint(notebook)
        if fingerprint != self._fingerprint:
            with contextlib.suppress(OSError):  # then the decision holds for this session
                self.store.trust(path, fingerprint)
                self._fingerprint = fingerprint

    def forget_path(self) -> None:
        """A new path (Save As): the next :meth:`remember` stores the decision there."""
        self._fingerprint = None

    def hold(self, roots: Iterable[str]) -> tuple[bool, bool]:
        """Keep ``roots`` waiting while the decision is open. ``(held, first)``: whether they
        wait, and whether they are the first to (the window asks once)."""
        roots = list(roots)
        if self.trusted or self.untrusted_runs_allowed or not roots:
            return False, False
        first = not self._held
        self._held.update(dict.fromkeys(roots))
        return True, first

    def release(self) -> list[str]:
        """The waiting runs (the decision was made); the list is emptied."""
        held, self._held = list(self._held), {}
        return held

    def discard(self) -> None:
        self._held.clear()
