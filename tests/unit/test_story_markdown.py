"""A story's Markdown renders to safe HTML: whatever is typed, nothing in it can run a script or
load a document; the ordinary formatting survives."""

import pytest

from app.showcase.markdown import render_markdown, sanitize
from tests.story_helpers import HOSTILE, dangers


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('xss')</script>",
        '<img src="x" onerror="alert(1)">',
        '<p onmouseover="alert(1)">di chuột</p>',
        "[bấm](javascript:alert(1))",
        "[bấm](JaVaScRiPt:alert(1))",
        "[bấm]( javascript:alert(1))",
        "[bấm](jav&#x61;script:alert(1))",
        "[bấm](jav\tascript:alert(1))",
        "<javascript:alert(1)>",
        "[tệp](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![ảnh](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "[x](vbscript:msgbox(1))",
        '<iframe src="https://example.com"></iframe>',
        '<svg onload="alert(1)"></svg>',
        '[x][ref]\n\n[ref]: javascript:alert(1) "tiêu đề"',
        HOSTILE,
    ],
)
def test_render_markdown_hostile_input_renders_harmless(text):
    html = render_markdown(text)
    assert dangers(str(html)) == []
    for tag in ("<script", "<img", "<iframe", "<svg"):
        assert tag not in html


def test_render_markdown_raw_html_is_shown_as_text():
    html = render_markdown("<script>alert('xss')</script>")
    assert html == "<p>&lt;script&gt;alert('xss')&lt;/script&gt;</p>\n"


def test_render_markdown_javascript_link_is_not_a_link():
    html = render_markdown("[bấm vào đây](javascript:alert(1)) và [Cổng](https://daklak.gov.vn)")
    assert html.count("<a ") == 1
    assert 'href="https://daklak.gov.vn"' in html


def test_sanitize_alone_strips_what_a_renderer_might_let_through():
    """The second lock holds even for HTML no Markdown renderer should produce."""
    raw = (
        '<p onclick="x()">văn bản<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">j</a><a href="data:text/html,x">d</a>'
        '<a href="https://daklak.gov.vn" target="_blank" style="color:red">cổng</a>'
        '<img src="x" onerror="alert(1)"><iframe src="https://x"></iframe>'
        "<style>p { display: none }</style><!-- ghi chú --><form action=/x><input></form>"
    )
    html = sanitize(raw)
    assert dangers(html) == []
    assert "alert(1)" not in html and "display: none" not in html and "ghi chú" not in html
    assert "<form" not in html and "<input" not in html and "style=" not in html
    assert '<a href="https://daklak.gov.vn" rel="noopener noreferrer nofollow">cổng</a>' in html
    assert "<p>văn bản</p>" in html


def test_render_markdown_keeps_formatting_and_demotes_headings():
    html = render_markdown(
        "# Kết quả\n\n**đậm** *nghiêng* ~~bỏ~~\n\n- một\n- hai\n\n3. ba\n\n> trích\n\n"
        "| A | B |\n|---|---|\n| 1 | 2 |\n\n`mã`\n\n---\n\n[Văn phòng](/initiatives/3)"
    )
    for part in (
        "<h2>Kết quả</h2>",
        "<strong>đậm</strong>",
        "<em>nghiêng</em>",
        "<s>bỏ</s>",
        "<li>một</li>",
        '<ol start="3">',
        "<blockquote>",
        "<table>",
        "<td>2</td>",
        "<code>mã</code>",
        "<hr>",
        'href="/initiatives/3"',
    ):
        assert part in html, part
    assert "<h1" not in html


def test_render_markdown_highest_heading_becomes_h2_whatever_its_level():
    assert render_markdown("## Một\n\n### Hai") == "<h2>Một</h2>\n<h3>Hai</h3>\n"
    assert render_markdown("# Một\n\n## Hai") == "<h2>Một</h2>\n<h3>Hai</h3>\n"


def test_render_markdown_of_nothing_is_empty():
    assert render_markdown(None) == "" and render_markdown("") == ""
