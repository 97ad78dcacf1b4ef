"""Database passwords never stay in a notebook file: find one in a URL and take it out.

Wherever a database URL comes from (seed ``# DB:``, or a hand-edited header), a password in it,
or in a libpq ``password=`` query parameter, is moved to ``secrets["database_password"]``
(percent-decoded) with a notice. ``${VAR}`` references stay, since they hold no secret.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_ENV_REFERENCE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}")
_USERINFO_START = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^:/@]*:")
_HOST_END = re.compile(r"[@/?]")


def strip_password(url: str) -> tuple[str, str | None]:
    """``(url without its password, the password or None)``; the rest of the URL keeps its bytes.

    Follows SQLAlchemy's reading (``scheme://user:password@host…``, where the password may hold
    ``/``) rather than ``urllib.parse.urlsplit`` (which ends the host at the first ``/`` and would
    leave such a password in the file); a raw ``@`` in the password is removed with it. A libpq
    ``password=`` query parameter is removed too. Passwords come back percent-decoded, as the
    driver gets them; ``${VAR}`` references and empty passwords are not secrets and stay.
    """
    url, password = _strip_userinfo_password(url)
    url, query_password = _strip_query_password(url)
    return url, password if password is not None else query_password


def _strip_userinfo_password(url: str) -> tuple[str, str | None]:
    scheme = _USERINFO_START.match(url)
    if scheme is None:
        return url, None
    start = scheme.end()
    at = url.find("@", start)
    if at < 0:
        return url, None  # "host:port", no userinfo
    while (host_end := _host_end(url, at + 1)) < len(url) and url[host_end] == "@":
        at = host_end  # the password held a raw "@"
    password = url[start:at]
    if not _is_secret(password):
        return url, None
    return url[: start - 1] + url[at:], unquote(password)


def _host_end(url: str, pos: int) -> int:
    found = _HOST_END.search(url, pos)
    return found.start() if found else len(url)


def _strip_query_password(url: str) -> tuple[str, str | None]:
    question = url.find("?")
    if question < 0:
        return url, None
    kept: list[str] = []
    password: str | None = None
    for part in url[question + 1 :].split("&"):
        key, _, value = part.partition("=")
        if key == "password" and _is_secret(value):
            password = password if password is not None else unquote(value.replace("+", " "))
        else:
            kept.append(part)
    if password is None:
        return url, None
    return url[:question] + ("?" + "&".join(kept) if kept else ""), password


def _is_secret(password: str) -> bool:
    return bool(password) and _ENV_REFERENCE.fullmatch(password) is None
