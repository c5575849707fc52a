"""A story's Markdown as safe HTML: CommonMark (with tables and strike-through) by markdown-it-py,
raw HTML in the text shown as text, then an allow-list sanitiser (nh3, the Rust ammonia
library) as a second lock: only the tags below, links to http, https and mailto addresses or to
paths of this site, no attribute that runs anything, no image (a story has its one photo).
"""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TAGS = {
    "p", "br", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "a", "ul", "ol", "li",
    "blockquote", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def _parser() -> MarkdownIt:
    # html=False: a <script> or an <img onerror=...> typed in the text stays visible text.
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable("image")
    md.core.ruler.push("demote_headings", _demote_headings)
    return md


def _demote_headings(state) -> None:
    """The story's title is the page's h1: the text's highest headings become h2, the others
    follow in step, so the page's outline has no gap whether the writer began with # or ##."""
    headings = [t for t in state.tokens if t.type in ("heading_open", "heading_close")]
    if not headings:
        return
    shift = 2 - min(int(token.tag[1]) for token in headings)
    for token in headings:
        token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"


_MARKDOWN = _parser()


def sanitize(html: str) -> str:
    """Keep only the allowed tags and attributes; drop script and style with their content."""
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags={"script", "style"},
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(text: str | None) -> Markup:
    """The text as sanitised HTML, safe to put in a page or in the feed."""
    return Markup(sanitize(_MARKDOWN.render(text or "")))
