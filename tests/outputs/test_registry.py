"""One output registry for every target (issue 14): the window, the HTML export, the terminal
and --json all choose by the same order, and a type is one entry plus its renderers."""

from __future__ import annotations

import base64

import pytest

from app.core.mime import TABLE_MIME
from app.outputs.registry import (
    OUTPUT_TYPES,
    candidates,
    portable_bundle,
    render_html,
    render_text,
    richest,
)

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\nnot really").decode()


def test_every_type_is_listed_once_and_every_window_renderer_exists() -> None:
    from app.ui.outputs.renderers import BUILDERS

    mimes = [kind.mime for kind in OUTPUT_TYPES]
    assert len(mimes) == len(set(mimes))
    assert OUTPUT_TYPES[-1].mime == "text/plain"  # the last resort is always there
    assert {kind.window for kind in OUTPUT_TYPES if kind.window} <= set(BUILDERS)


def test_candidates_follow_the_registry_order() -> None:
    bundle = {"text/plain": "p", "text/html": "<b>h</b>", "text/markdown": "*m*"}
    assert [kind.mime for kind, _ in candidates(bundle)] == [
        "text/markdown",
        "text/html",
        "text/plain",
    ]


@pytest.mark.parametrize(
    ("bundle", "html", "text", "data"),
    [
        (
            {"text/latex": "$$x^2$$", "text/plain": "<Latex>"},
            '<div class="out-latex"><math display="block">',
            "$$x^2$$",
            ("text/latex", "$$x^2$$"),
        ),
        (
            {"text/markdown": "**b**", "text/html": "<i>i</i>", "text/plain": "p"},
            '<div class="out-markdown"><p><strong>b</strong></p></div>',
            "**b**",
            ("text/markdown", "**b**"),
        ),
        (
            {"text/html": "<script>x()</script>", "text/plain": "fallback"},
            '<pre class="plain">fallback</pre>',  # nothing left after sanitising: next type
            "fallback",
            ("text/html", "<script>x()</script>"),
        ),
        (
            {"image/png": PNG, "text/plain": "<Figure>"},
            '<img alt="image/png output" src="data:image/png;base64,',
            f"[image/png image, {len(PNG) * 3 // 4:,} bytes]",
            ("image/png", PNG),
        ),
        (
            {"image/png": "not base64!", "text/plain": "fallback"},
            '<pre class="plain">fallback</pre>',
            "[image/png image, 8 bytes]",
            ("image/png", "not base64!"),
        ),
        (
            {TABLE_MIME: "{}", "text/html": "<table></table>", "text/plain": "df"},
            '<div class="out-html"><table></table></div>',
            "df",
            ("text/html", "<table></table>"),
        ),
        (
            {"application/x-unknown": "?"},
            "[an output of type application/x-unknown that the export cannot show]",
            "[an output of type application/x-unknown]",
            ("text/plain", ""),
        ),
    ],
    ids=["latex", "markdown-first", "empty-html", "png", "broken-png", "kernel-table", "unknown"],
)
def test_each_target_renders_the_same_choice(
    bundle: dict[str, str], html: str, text: str, data: tuple[str, str]
) -> None:
    assert html in render_html(bundle)
    assert render_text(bundle) == text
    assert richest(bundle) == data


def test_the_jupyter_export_keeps_only_what_others_can_read() -> None:
    bundle = {TABLE_MIME: "{}", "text/html": "<table/>", "text/plain": "df", "image/png": PNG}
    assert portable_bundle(bundle) == {
        "text/html": "<table/>",
        "text/plain": "df",
        "image/png": PNG,
    }
