"""The Atom feed (RFC 4287) of published stories, which the provincial portal pulls.

Built with ElementTree, so every text is escaped and the document is well-formed whatever a
story holds. Ids are tag: URIs (RFC 4151) that never change for a story; links are absolute;
the content is the story's sanitised HTML with its photo.
"""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import func, select

from app.extensions import db
from app.models.stories import Story
from app.showcase.markdown import render_markdown

ATOM = "http://www.w3.org/2005/Atom"
XML = "http://www.w3.org/XML/1998/namespace"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
# Before any story was published the feed still needs a date of its own.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
# Characters XML 1.0 does not allow (control characters a paste may carry).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

ET.register_namespace("", ATOM)


def _text(value: str | None) -> str:
    return _NOT_XML.sub("", value or "")


def _time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def tag_uri(path: str) -> str:
    """tag:<authority>,<date>:thi-dua/<path>: the same for as long as the setting is kept."""
    return f"tag:{current_app.config['SHOWCASE_TAG_AUTHORITY']}:thi-dua/{path}"


def story_id(story: Story) -> str:
    return tag_uri(f"story/{story.id}")


def photo_url(story: Story, external: bool = False) -> str:
    return url_for(
        "showcase.photo_file", story_id=story.id, name=story.photo_name, _external=external
    )


def content_html(story: Story) -> str:
    """The entry's content: the photo (absolute address, its description) and the body."""
    parts = []
    if story.has_photo:
        parts.append(
            f'<figure><img src="{escape(photo_url(story, external=True))}" '
            f'alt="{escape(story.photo_alt)}" width="{story.photo_width}" '
            f'height="{story.photo_height}"></figure>'
        )
    parts.append(str(render_markdown(story.body)))
    return "\n".join(parts)


def last_change() -> datetime:
    """The feed's <updated>: the latest change of any story that has been published (taking
    one down changes the feed too)."""
    latest = db.session.scalar(
        select(func.max(Story.updated_at)).where(Story.published_at.is_not(None))
    )
    return EPOCH if latest is None else latest


def _sub(parent: ET.Element, name: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    if text is not None:
        element.text = _text(text)
    return element


def build(stories: list[Story], updated: datetime) -> bytes:
    """The feed document, UTF-8 encoded."""
    root = ET.Element(
        f"{{{ATOM}}}feed",
        {
            f"{{{XML}}}lang": str(get_locale() or "vi"),
            f"{{{XML}}}base": url_for("main.home", _external=True),
        },
    )
    _sub(root, "id", tag_uri("showcase"))
    _sub(root, "title", _("Exemplary models – Office of the Đắk Lắk Provincial People's Committee"))
    _sub(
        root,
        "subtitle",
        _(
            "Exemplary people, units and initiatives of the emulation movement for innovation, "
            "science, technology, digital and green transformation."
        ),
    )
    _sub(root, "updated", _time(updated))
    _sub(
        root,
        "link",
        rel="self",
        type="application/atom+xml",
        href=url_for("showcase.feed", _external=True),
    )
    _sub(
        root,
        "link",
        rel="alternate",
        type="text/html",
        href=url_for("showcase.index", _external=True),
    )
    author = _sub(root, "author")
    _sub(author, "name", _("Office of the People's Committee of Đắk Lắk Province"))
    _sub(root, "generator", "Thi đua")
    for story in stories:
        entry = _sub(root, "entry")
        _sub(entry, "id", story_id(story))
        _sub(entry, "title", story.title)
        _sub(
            entry,
            "link",
            rel="alternate",
            type="text/html",
            href=url_for("showcase.show", story_id=story.id, _external=True),
        )
        if story.has_photo:
            _sub(
                entry,
                "link",
                rel="enclosure",
                type=f"image/{story.photo_kind}",
                length=str(story.photo_size),
                href=photo_url(story, external=True),
            )
        _sub(entry, "published", _time(story.published_at))
        _sub(entry, "updated", _time(story.updated_at))
        _sub(entry, "summary", story.summary)
        _sub(entry, "content", content_html(story), type="html")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
