"""Where database passwords go instead of the notebook file.

The OS keyring when the ``keyring`` package and a backend are available; otherwise a JSON
file readable only by the user (0600) in the user's config folder. Keyed by the password-free
database URL, so the notebook file alone never reveals the secret.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from app.coordinator.user_dirs import config_dir

SERVICE = "cascade-notebook"


def _secrets_file() -> Path:
    return config_dir() / "secrets.json"


def _keyring_set(key: str, password: str) -> bool:
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return False
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    try:
        keyring.set_password(SERVICE, key, password)
    except Exception:  # a locked or broken keyring: fall back to the private file
        return False
    return True


def store_database_password(url: str, password: str) -> str:
    """Store ``password`` for ``url`` (password-free); returns where, in words."""
    key = f"database:{url}"
    if _keyring_set(key, password):
        return "the system keyring"
    path = _secrets_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data: dict[str, str] = {}
    if path.exists():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                data = {str(k): str(v) for k, v in loaded.items()}
        except (OSError, ValueError):
            data = {}
    data[key] = password
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.replace(tmp, path)
    return str(path)


def _keyring_get(key: str) -> str | None:
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    if isinstance(keyring.get_keyring(), fail.Keyring):
        return None
    try:
        value = keyring.get_password(SERVICE, key)
    except Exception:  # a locked or broken keyring: try the private file
        return None
    return str(value) if value is not None else None


def load_database_password(url: str) -> str | None:
    """The password stored for ``url`` (password-free), or None (libpq then falls back to
    PGPASSWORD and ~/.pgpass by itself)."""
    key = f"database:{url}"
    found = _keyring_get(key)
    if found is not None:
        return found
    path = _secrets_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get(key) if isinstance(data, dict) else None
    return str(value) if value is not None else None
