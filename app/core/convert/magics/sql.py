"""``%sql URL`` lines and ``%%sql`` cells: the notebook's database and Cascade SQL cells."""

from __future__ import annotations

import re

from app.core.convert.magics.syntax import MagicLine
from app.core.convert.magics.translation import CellTranslation, MagicNote, MagicResult

_SQL_URL = re.compile(r"\s*(?P<url>[a-z][a-z0-9+]*://\S*)\s*$")


def sql_url(args: str) -> str | None:
    """The database URL a ``%sql`` line or ``%%sql`` cell names, if it names one."""
    match = _SQL_URL.match(args)
    return match.group("url") if match else None


def magic_sql(
    line: MagicLine, out: CellTranslation, known: frozenset[str] | None
) -> list[str] | None:
    """``%sql URL`` sets the notebook's database; any other ``%sql`` is not converted."""
    url = sql_url(line.args)
    if url is not None and line.target is None:
        out.database = out.database or url
        out.note(f"`%sql {url}` connects: the notebook's database is set to it")
        return []
    return None


def sql_cell(
    args: str, body: str, out: CellTranslation, known: frozenset[str] | None
) -> MagicResult:
    """``%%sql [url] [name <<]``: a SQL cell; ``{{name}}`` and ``:name`` become ``{name}``."""
    name: str | None = None
    match = re.search(r"(?P<name>[A-Za-z_]\w*)\s*<<\s*$", args)
    if match:
        name = match.group("name")
        args = args[: match.start()]
    url = sql_url(args)
    if url is not None:
        out.note(f"`%%sql {url}`: the notebook's database is set to it")
    template = re.sub(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}", r"{\1}", body)
    if known is not None:
        template = re.sub(
            r"(?<![:\w]):([A-Za-z_]\w*)",
            lambda m: "{" + m.group(1) + "}" if m.group(1) in known else m.group(0),
            template,
        )
    notes = (*out.notes, MagicNote("`%%sql` cell: now a Cascade SQL cell"))
    return MagicResult("sql", template.strip("\n"), notes, name, url)
