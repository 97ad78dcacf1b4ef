"""The kernel's environment and database: which Python the kernel runs in and which database
SQL cells use (SEMANTICS.md §6). Mixed into :class:`app.coordinator.coordinator.Coordinator`,
whose members it names below; kept apart so each file holds one job.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from app.coordinator.database import Passwords, database_url, default_database_url, stored_password
from app.coordinator.events import CoordinatorEvent, DatabaseStatusChanged, TrustChanged
from app.coordinator.runner import Runner
from app.coordinator.trust import TrustGate
from app.core import fileformat
from app.core.document import AnalysedNotebook
from app.core.graph import Graph
from app.core.notebook import Notebook
from app.core.problems import Stale
from app.core.record import replace
from app.core.settings import get_setting, set_setting
from app.core.trust import TrustRequest


class EnvironmentIntents:
    """See the module docstring."""

    _document: AnalysedNotebook
    _runner: Runner
    _trust: TrustGate
    _passwords: Passwords

    if TYPE_CHECKING:  # provided by the coordinator

        @property
        def notebook(self) -> Notebook: ...

        @property
        def graph(self) -> Graph: ...

        @property
        def path(self) -> Path | None: ...

        @property
        def trusted(self) -> bool: ...

        @property
        def trust_requests(self) -> tuple[TrustRequest, ...]: ...

        @property
        def database_status(self) -> DatabaseStatusChanged | None: ...

        def _emit(self, event: CoordinatorEvent) -> None: ...

        def _save(self, *, overwrite: bool = False) -> None: ...

        async def restart_kernel(self) -> None: ...

    def kernel_interpreter(self) -> str | None:
        """The notebook's ``python`` setting as an absolute path (relative to the notebook's
        folder); None: Cascade's own (or bundled) Python — always for an untrusted notebook."""
        setting = get_setting(self.notebook, "python")
        if not setting or not self.trusted:
            return None
        path = Path(setting).expanduser()
        if not path.is_absolute() and self.path is not None:
            path = self.path.parent / path
        return str(path)

    async def set_kernel_interpreter(self, python: str | None) -> None:
        """Choose the kernel's Python (stored in the notebook, relative when beside it; the
        user chose it, so trust follows), then restart the kernel in it."""
        value = python
        if python and self.path is not None:
            candidate = Path(python).absolute()  # not resolve(): a venv's python is a symlink
            try:
                value = str(candidate.relative_to(self.path.parent))
            except ValueError:
                value = str(candidate)
        self._set_notebook(set_setting(self.notebook, "python", value or None))
        self._trust.trust(self.notebook, self.path)
        self._save()
        await self.restart_kernel()

    def database_url(self) -> str:
        return database_url(self.notebook, self.path, self.trusted)

    def password_for(self, url: str) -> str | None:
        return self._passwords.for_url(url, self.notebook, self.trusted)

    async def set_database(self, url: str, password: str | None = None) -> DatabaseStatusChanged:
        """Point SQL cells at ``url`` (empty: the SQLite file beside the notebook). The kernel
        checks it first; on failure nothing changes and the status says why. A password typed
        here (or in the URL) goes to the secret store, never to the file; the user typed the
        URL, so trust follows. On success SQL cells and their readers become stale."""
        stripped, in_url = fileformat.strip_password(url.strip()) if url.strip() else ("", None)
        password = password or in_url or stored_password(stripped)
        target = stripped or default_database_url(self.path)
        answer = await self._runner.check_database(target, password)
        if not answer.ok:
            self._runner.report_database(answer, "")
        else:
            if password and stripped:
                self._passwords.store(stripped, password)
            self._set_notebook(replace(self.notebook, database=stripped or None))
            self._trust.trust(self.notebook, self.path)
            self._save()
            self._emit(TrustChanged(True, self.trust_requests))
            self._runner.report_database(answer, target)
            self._stale_sql_cells()
        assert self.database_status is not None
        return self.database_status

    async def _apply_database(self) -> None:
        """Point the running kernel at the database now in force; SQL cells become stale."""
        async with self._runner.lock:
            answer = await self._runner.configure_database()
        if answer.ok:
            self._stale_sql_cells()

    def _stale_sql_cells(self) -> None:
        sql_cells = {c.id for c in self.notebook.cells if c.kind == "sql"}
        cells = self.graph.sort(sql_cells | self.graph.descendants(sql_cells))
        self._runner.forget_some(cells, Stale("database_changed"))

    def _set_notebook(self, notebook: Notebook) -> None:
        """A settings change (no cell changed): the snapshot keeps its analyses and graph."""
        self._document = replace(self._document, notebook=notebook)
