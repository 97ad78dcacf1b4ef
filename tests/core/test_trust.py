"""What a notebook's settings ask for (issue 9, part 1): found as data, described for the bar."""

from __future__ import annotations

import pytest

from app.core.notebook import Notebook
from app.core.record import replace
from app.core.settings import set_setting
from app.core.trust import (
    TrustRequest,
    describe_requests,
    settings_fingerprint,
    trust_requests,
)


def test_a_notebook_without_settings_asks_for_nothing() -> None:
    assert trust_requests(Notebook(name="plain")) == ()


@pytest.mark.parametrize(
    ("python", "database", "expected"),
    [
        ("./evil.sh", None, [("interpreter", "./evil.sh")]),
        (
            None,
            "postgresql://victim@host:5432/db",
            [("database", "postgresql://victim@host:5432/db")],
        ),
        (
            None,
            "postgresql://victim@host/${SOME_ENV}",
            [("database", "postgresql://victim@host/${SOME_ENV}"), ("environment", "SOME_ENV")],
        ),
        (None, "sqlite:////any/path.db", [("database", "sqlite:////any/path.db")]),
        (
            ".venv/bin/python",
            "postgresql://${USER}@${HOST}/${USER}",
            [
                ("interpreter", ".venv/bin/python"),
                ("database", "postgresql://${USER}@${HOST}/${USER}"),
                ("environment", "USER"),
                ("environment", "HOST"),
            ],
        ),
    ],
)
def test_requests_name_every_setting_cascade_would_act_on(
    python: str | None, database: str | None, expected: list[tuple[str, str]]
) -> None:
    notebook = replace(Notebook(), database=database)
    if python:
        notebook = set_setting(notebook, "python", python)
    assert [(r.kind, r.detail) for r in trust_requests(notebook)] == expected


def test_descriptions_read_as_a_sentence() -> None:
    requests = (
        TrustRequest("interpreter", "./evil.sh"),
        TrustRequest("database", "postgresql://victim@host"),
        TrustRequest("environment", "SOME_ENV"),
    )
    assert describe_requests(requests) == (
        "runs ./evil.sh as its Python, connects to postgresql://victim@host and reads the "
        "environment variable SOME_ENV"
    )
    assert describe_requests(requests[:1]) == "runs ./evil.sh as its Python"
    assert TrustRequest("database", "sqlite:///x.db").describe() == (
        "opens the SQLite database sqlite:///x.db"
    )


def test_the_fingerprint_covers_the_settings_and_nothing_else() -> None:
    base = set_setting(replace(Notebook(), database="postgresql://a@b/c"), "python", "py")
    same_cells_other_name = replace(base, name="another title")
    assert settings_fingerprint(base) == settings_fingerprint(same_cells_other_name)
    assert settings_fingerprint(base) != settings_fingerprint(set_setting(base, "python", "py2"))
    assert settings_fingerprint(base) != settings_fingerprint(replace(base, database="sqlite://"))
    assert settings_fingerprint(base) != settings_fingerprint(
        set_setting(base, "future_setting", "x")
    )
