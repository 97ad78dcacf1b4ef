"""Trust in the window: the bar saying what an untrusted notebook asks for, the question
when a run waits, and trust asked before a setting changes (docs/SECURITY.md)."""

from __future__ import annotations

from typing import Literal

from PySide6.QtWidgets import QMessageBox

from app.core.trust import TrustRequest, describe_requests
from app.ui.tasks import spawn
from app.ui.window.window_parts import WindowParts

TrustAnswer = Literal["trust", "run", "cancel"]


class TrustPrompts(WindowParts):
    """Nothing a notebook file asks for happens before the user trusts it."""

    def _show_trust(self, trusted: bool, requests: tuple[TrustRequest, ...]) -> None:
        self.commands.trust.setEnabled(not trusted)
        if trusted or not requests:
            self.trust_bar.hide()
        else:
            self.trust_bar.show_requests(requests)

    def trust_notebook(self) -> None:
        if self.coordinator is not None:
            self.trust_bar.hide()
            spawn(self.coordinator.trust())

    def _decide_trust(self, requests: tuple[TrustRequest, ...]) -> None:
        """A run waits in an untrusted notebook: trust it, run without its settings, or not."""
        if self.coordinator is None or self._trust_question_open:
            return
        self._trust_question_open = True
        try:
            answer = self.ask_trust(requests)
        finally:
            self._trust_question_open = False
        if answer == "trust":
            self.trust_notebook()
        elif answer == "run":
            spawn(self.coordinator.run_untrusted())
        else:
            self.coordinator.discard_held_runs()

    def ask_trust(self, requests: tuple[TrustRequest, ...]) -> TrustAnswer:
        """Ask how to run an untrusted notebook (tests replace this to answer)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Run an untrusted notebook?", "", parent=self)
        box.setText(
            f"This notebook {describe_requests(requests)}. Trust it to allow that, or run it "
            "with the default Python and SQLite, ignoring those settings."
        )
        trust = box.addButton("Trust and run", QMessageBox.ButtonRole.AcceptRole)
        run = box.addButton("Run without its settings", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        return "trust" if clicked is trust else "run" if clicked is run else "cancel"

    def _trusted_or_asked(self, what: str) -> bool:
        """Changing a setting of an untrusted notebook first makes it trusted (asked)."""
        c = self.coordinator
        if c is None or c.trusted:
            return c is not None
        if not self.confirm(
            "Trust this notebook?",
            f"To change its {what}, trust this notebook: it {describe_requests(c.trust_requests)}.",
        ):
            return False
        self.trust_notebook()
        return True
