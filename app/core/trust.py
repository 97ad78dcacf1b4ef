"""What a notebook file asks Cascade to do on its behalf, before the user runs anything.

A notebook's settings header can name a program to run as its kernel (``python``), a
database to connect to (``database``, whose ``${ENV}`` references are expanded from the
user's environment). Acting on those when a file is merely opened would let a file someone
sent you run code or send your credentials to their host. So they are *requests*, shown to the
user, and honoured only once the user trusts the notebook (docs/SECURITY.md).

Pure functions over the notebook value; where trust decisions are stored is the coordinator's
business.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Literal

from app.core.notebook import Notebook
from app.core.record import Record
from app.core.settings import get_setting

RequestKind = Literal["interpreter", "database", "environment"]

_ENV_REFERENCE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)\}")


class TrustRequest(Record):
    """One thing the notebook wants that needs the user's consent."""

    kind: RequestKind
    #: What the header says, as written (an interpreter path, a password-free URL, a variable).
    detail: str

    def describe(self) -> str:
        """A short phrase for the trust bar: "runs ./evil.sh as its Python"."""
        if self.kind == "interpreter":
            return f"runs {self.detail} as its Python"
        if self.kind == "environment":
            return f"reads the environment variable {self.detail}"
        if self.detail.startswith("sqlite"):
            return f"opens the SQLite database {self.detail}"
        return f"connects to {self.detail}"


def trust_requests(notebook: Notebook) -> tuple[TrustRequest, ...]:
    """Everything in ``notebook``'s settings that Cascade acts on only for a trusted notebook."""
    requests: list[TrustRequest] = []
    python = get_setting(notebook, "python")
    if python:
        requests.append(TrustRequest("interpreter", python))
    if notebook.database:
        requests.append(TrustRequest("database", notebook.database))
        for name in dict.fromkeys(
            m.group("name") for m in _ENV_REFERENCE.finditer(notebook.database)
        ):
            requests.append(TrustRequest("environment", name))
    return tuple(requests)


def settings_fingerprint(notebook: Notebook) -> str:
    """A hash of the notebook's settings header: a trust decision holds for these settings
    only, so a header changed behind Cascade's back is asked about again."""
    payload = json.dumps([notebook.database, notebook.extra_header], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def describe_requests(requests: tuple[TrustRequest, ...]) -> str:
    """ "runs ./evil.sh as its Python and connects to postgresql://victim@host"."""
    phrases = [r.describe() for r in requests]
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]
