"""Test data for stories: a comms writer, stories made through the services, pictures to upload,
and the Markdown that must render harmless."""

import re
import struct
import zlib
from html.parser import HTMLParser

from app.models.directory import User
from app.showcase import services
from tests.factories import make_user
from tests.initiative_helpers import _png_chunk, jpeg_bytes, pdf_bytes, upload  # noqa: F401
from tests.review_helpers import seen

# Each line tries another way to run a script or load something from outside.
HOSTILE = (
    "Mở đầu an toàn.\n\n"
    "<script>alert('xss')</script>\n\n"
    '<img src="x" onerror="alert(1)">\n\n'
    "[bấm vào đây](javascript:alert(document.cookie))\n\n"
    "[tải tệp](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)\n\n"
    "![ảnh](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)\n\n"
    '<a href="javascript:alert(2)" onclick="alert(3)">liên kết HTML</a>\n\n'
    "<javascript:alert(4)>\n\n"
    "[mã hóa](jav&#x61;script:alert(5))\n\n"
    "[Cổng thông tin](https://daklak.gov.vn)"
)


def make_comms(**fields) -> User:
    return make_user(roles=("comms",), **fields)


def story_data(**fields) -> dict:
    data = {
        "title": "Chị Mai Anh và sáng kiến ký số văn bản đi",
        "summary": "Văn bản đi được ký số và phát hành trong hai giờ thay vì hai ngày.",
        "body": "Từ tháng 3/2026, **toàn bộ** văn bản đi được ký số.\n\n## Kết quả\n\n- Nhanh hơn",
    }
    data.update(fields)
    return data


def make_story(comms: User, publish: bool = False, **fields):
    story = services.create(seen(comms), story_data(**fields))
    if publish:
        services.publish(seen(comms), story)
    return story


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    """A PNG of the given size: a sky over green fields (so a screenshot shows a picture)."""
    rows = []
    horizon = height * 2 // 3
    for y in range(height):
        if y < horizon:
            shade = 255 - y * 90 // max(horizon, 1)
            pixel = bytes((shade // 2, shade * 3 // 4, 255))
        else:
            pixel = bytes((46, 125 + (y - horizon) * 60 // max(height - horizon, 1), 50))
        rows.append(b"\x00" + pixel * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + _png_chunk(b"IEND", b"")
    )


_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster"}
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.I)
# An inline <svg> (the menu's bell) is only harmful with on* attributes or a script inside.
_EMBEDS = {"iframe", "object", "embed", "frame", "base", "meta"}


class _Scan(HTMLParser):
    def __init__(self, script_prefix: str | None):
        super().__init__(convert_charrefs=True)
        self.script_prefix = script_prefix
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and not (
            self.script_prefix and (values.get("src") or "").startswith(self.script_prefix)
        ):
            self.found.append(f"<script {values}>")
        if tag in _EMBEDS and not (tag == "meta" and "http-equiv" not in values):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}={value!r}")
            squeezed = re.sub(r"[\x00-\x20]", "", value or "")
            if name in _URL_ATTRIBUTES and _BAD_SCHEME.match(squeezed):
                self.found.append(f"{tag} {name}={value!r}")


def dangers(html: str, script_prefix: str | None = None) -> list[str]:
    """What in the HTML could run a script or load a document: script elements (except ours
    from `script_prefix`), embeds, on* attributes, javascript:/vbscript:/data: addresses."""
    scan = _Scan(script_prefix)
    scan.feed(html)
    scan.close()
    return scan.found
