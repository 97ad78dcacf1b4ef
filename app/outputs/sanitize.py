"""An allow-list HTML sanitiser for anything a notebook produced (``_repr_html_``, SVG,
markdown, math): no scripts, no event handlers, nothing that loads from off the page.

Built on the standard library's ``html.parser``; used by the HTML export and every HTML the
window shows from an output.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_HTML_TAGS = _words(
    "a abbr b blockquote br caption code col colgroup dd del details div dl dt em figcaption "
    "figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong "
    "sub summary sup table tbody td tfoot th thead tr tt u ul var"
)
_SVG_TAGS = _words(
    "svg g path rect circle ellipse line polyline polygon text tspan defs clippath "
    "lineargradient radialgradient stop use symbol title desc marker pattern mask"
)
_HTML_ATTRS = _words(
    "align alt border cellpadding cellspacing class colspan dir height href id lang open "
    "rowspan scope span src start style title valign width"
)
_SVG_ATTRS = _words(
    "alignment-baseline class clip-path clip-rule clippathunits color cx cy d display "
    "dominant-baseline dx dy fill fill-opacity fill-rule font-family font-size font-style "
    "font-weight fx fy gradienttransform gradientunits height href id lengthadjust "
    "letter-spacing marker-end marker-mid marker-start markerheight markerunits markerwidth "
    "mask offset opacity orient patterntransform patternunits points preserveaspectratio r "
    "refx refy rotate rx ry shape-rendering stop-color stop-opacity stroke stroke-dasharray "
    "stroke-dashoffset stroke-linecap stroke-linejoin stroke-miterlimit stroke-opacity "
    "stroke-width style text-anchor text-rendering textlength transform vector-effect "
    "version viewbox visibility width x x1 x2 xlink:href y y1 y2"
)
#: Dropped together with everything inside them.
_DROP_WITH_CONTENT = _words(
    "script style iframe object noscript template textarea select frameset frame applet "
    "foreignobject"
)
_VOID = _words("area base br col embed hr img input link meta param source track wbr")
_URL_ATTRS = frozenset({"href", "src", "xlink:href"})
_SAFE_IMAGE_URL = re.compile(
    r"data:image/(?:png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]*", re.IGNORECASE
)
#: In any other attribute: script URLs, CSS that loads or computes, anything with a scheme.
_UNSAFE_VALUE = re.compile(
    r"javascript:|vbscript:|expression\s*\(|@import|url\s*\(\s*['\"]?\s*(?!#)|://|^\s*//|\\",
    re.IGNORECASE,
)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


#: Presentation MathML (what latex2mathml writes), allowed inside ``<math>`` only.
_MATH_TAGS = _words(
    "math mrow mi mn mo ms mtext mspace msup msub msubsup mfrac msqrt mroot mover munder "
    "munderover mtable mtr mtd mstyle mpadded mphantom menclose merror semantics annotation"
)
_MATH_ATTRS = _words(
    "xmlns display mathvariant stretchy fence separator lspace rspace accent accentunder "
    "columnalign columnlines columnspacing rowalign rowlines rowspacing linethickness width "
    "height depth minsize maxsize movablelimits displaystyle scriptlevel notation encoding "
    "form largeop symmetric class"
)


def _safe_url(name: str, tag: str, value: str) -> bool:
    url = _INVISIBLE.sub("", value)
    if url.startswith("#"):
        return True
    if name == "href":
        return tag == "a" and url.lower().startswith("mailto:")
    return name == "src" and tag == "img" and _SAFE_IMAGE_URL.fullmatch(url) is not None


class _Sanitizer(HTMLParser):
    """Re-emits only allowed tags and attributes, escaping all text; closes what it opened."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[str] = []
        self.skip: str | None = None
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # ``<x/>`` arrives here too, then at handle_endtag (HTMLParser's default).
        if self.skip is not None:
            if tag == self.skip:
                self.skip_depth += 1
            return
        in_svg = "svg" in self.open or tag == "svg"
        in_math = not in_svg and ("math" in self.open or tag == "math")
        if tag in _DROP_WITH_CONTENT or (tag == "title" and not in_svg):
            if tag not in _VOID:
                self.skip, self.skip_depth = tag, 1
            return
        tags, allowed = _HTML_TAGS, _HTML_ATTRS
        if in_svg:
            tags, allowed = _SVG_TAGS, _SVG_ATTRS
        elif in_math:
            tags, allowed = _MATH_TAGS, _MATH_ATTRS
        if tag not in tags:
            return
        out = [f"<{tag}"]
        for name, value in attrs:
            if name not in allowed:
                continue
            if value is None:
                out.append(f" {name}")
                continue
            if name in _URL_ATTRS:
                if not _safe_url(name, tag, value):
                    continue
                value = _INVISIBLE.sub("", value)
            elif _UNSAFE_VALUE.search(value):
                continue
            out.append(f' {name}="{html.escape(value, quote=True)}"')
        self.parts.append("".join(out) + ">")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skip is not None:
            if tag == self.skip:
                self.skip_depth -= 1
                if self.skip_depth == 0:
                    self.skip = None
            return
        while tag in self.open:
            top = self.open.pop()
            self.parts.append(f"</{top}>")
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skip is None:
            self.parts.append(html.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.parts) + "".join(f"</{tag}>" for tag in reversed(self.open))


def sanitize_html(fragment: str) -> str:
    """``fragment`` with only allow-listed tags and attributes: no scripts, event handlers,
    frames, styles sheets or links to anything off the page (images only as ``data:`` URLs)."""
    sanitizer = _Sanitizer()
    sanitizer.feed(fragment)
    return sanitizer.result()
