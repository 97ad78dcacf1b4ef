"""Terminal renderers of the output types (``cascade run``): plain text, pictures summarised.

Each takes its type, the data of that type and the whole bundle and returns text, or None to let the
next type of the bundle try (:mod:`app.outputs.registry`).
"""

from __future__ import annotations

import json as _json
from collections.abc import Mapping

Bundle = Mapping[str, str]


def plain(mime: str, data: str, bundle: Bundle) -> str:
    return data


def image(mime: str, data: str, bundle: Bundle) -> str:
    if mime == "image/svg+xml":
        return f"[{mime} image, {len(data.encode()):,} bytes]"
    return f"[{mime} image, {len(data) * 3 // 4:,} bytes]"


def json(mime: str, data: str, bundle: Bundle) -> str:
    try:
        return _json.dumps(_json.loads(data), indent=2, ensure_ascii=False)
    except ValueError:
        return data


def nothing(bundle: Bundle) -> str:
    kinds = ", ".join(sorted(bundle)) or "nothing"
    return f"[an output of type {kinds}]"
