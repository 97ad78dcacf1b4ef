"""Value -> MIME bundle, following IPython's display protocol."""

from __future__ import annotations

import base64
from typing import Any

from kernel_worker.display import MAX_TEXT_CHARS, mime_bundle


class Html:
    def _repr_html_(self) -> str:
        return "<b>hi</b>"

    def __repr__(self) -> str:
        return "Html()"


class Bundle:
    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/markdown": "# hi", "image/png": b"\x89PNG"}


class BrokenRepr:
    def __repr__(self) -> str:
        raise RuntimeError("nope")


class FailingHtml:
    def _repr_html_(self) -> str:
        raise ValueError("broken formatter")


class Png:
    def _repr_png_(self) -> bytes:
        return b"\x89PNG\r\n"


def test_plain_values_use_repr() -> None:
    assert mime_bundle(42) == {"text/plain": "42"}
    assert mime_bundle("x") == {"text/plain": "'x'"}


def test_repr_html_and_plain_text() -> None:
    assert mime_bundle(Html()) == {"text/html": "<b>hi</b>", "text/plain": "Html()"}


def test_mimebundle_binary_is_base64() -> None:
    bundle = mime_bundle(Bundle())
    assert bundle["text/markdown"] == "# hi"
    assert base64.b64decode(bundle["image/png"]) == b"\x89PNG"
    assert "text/plain" in bundle


def test_repr_png_bytes() -> None:
    assert base64.b64decode(mime_bundle(Png())["image/png"]) == b"\x89PNG\r\n"


def test_broken_repr_does_not_raise() -> None:
    assert "repr() failed" in mime_bundle(BrokenRepr())["text/plain"]


def test_failing_formatter_falls_back() -> None:
    bundle = mime_bundle(FailingHtml())
    assert "text/html" not in bundle
    assert bundle["text/plain"].startswith("<")


def test_classes_are_not_asked_for_their_reprs() -> None:
    assert mime_bundle(Html) == {"text/plain": repr(Html)}


def test_huge_text_is_capped_with_a_note() -> None:
    text = mime_bundle("x" * (MAX_TEXT_CHARS + 10))["text/plain"]
    assert len(text) < MAX_TEXT_CHARS + 100
    assert "output truncated" in text
