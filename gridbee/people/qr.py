"""QR codes as inline SVG (no image files, no outside service): the certificate card's link to
its public verification page, and a station's link to the application form."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, *, title: str = "", scale: int = 4) -> SafeString:
    """A regular QR code (never Micro QR, which phone scanners such as WeChat's do not read),
    error correction M, with its quiet zone. It has a viewBox and no fixed size: CSS sizes it."""
    code = segno.make(data, error="m", micro=False, boost_error=False)
    svg = code.svg_inline(
        scale=scale,
        omitsize=True,
        svgclass="qr",
        lineclass="qr-dark",
        title=title or None,
        dark="#000",
        light="#fff",
    )
    # segno escapes the title; the rest is its own markup.
    return mark_safe(svg)
