"""Story use cases for the Technology and Portal Centre (comms): write, link, add the photo,
publish, take down, delete. Only comms writes and sees drafts; everyone signed in reads what is
published, and the feed gives it to the provincial portal.

Each use case takes the acting user, checks the role and the story's state, changes the data,
audits and commits once. Publishing and taking down are audited; the first publication tells
the person the story is about.
"""

import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.initiatives.services import PUBLIC_STATUSES
from app.models.directory import Role, Unit, User
from app.models.initiatives import Initiative
from app.models.stories import ALT_MAX, BODY_MAX, SUMMARY_MAX, TITLE_MAX, Story, StoryStatus
from app.notifications.services import link_to, notify
from app.showcase import photos
from app.text import clean

S = StoryStatus


def now_utc() -> datetime:
    return datetime.now(UTC)


def can_manage(user) -> bool:
    """Comms writes, edits, publishes and reads drafts."""
    return user.has_role(Role.COMMS)


def can_read(user, story: Story) -> bool:
    return story.is_published or can_manage(user)


def _require_manager(actor) -> None:
    if not can_manage(actor):
        raise NotAllowed()


def clean_body(text: str | None) -> str:
    """The Markdown as typed, in NFC with plain line ends; inner spaces kept (two spaces at the
    end of a line are a line break in Markdown)."""
    text = unicodedata.normalize("NFC", text or "")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _check_text(data: dict) -> dict:
    """The cleaned texts, or ValidationFailed with every error by field."""
    values = {
        "title": clean(data.get("title")),
        "summary": clean(data.get("summary")),
        "body": clean_body(data.get("body")),
    }
    errors: dict[str, list[str]] = {}
    required = {
        "title": _("Enter the title of the story."),
        "summary": _("Enter the summary (sapo) of the story."),
        "body": _("Write the body of the story."),
    }
    limits = {"title": TITLE_MAX, "summary": SUMMARY_MAX, "body": BODY_MAX}
    for name, value in values.items():
        if not value:
            errors[name] = [required[name]]
        elif len(value) > limits[name]:
            errors[name] = [_("At most %(max)d characters.", max=limits[name])]
    if errors:
        raise ValidationFailed(errors)
    return values


def create(actor, data: dict) -> Story:
    """A new draft with its title, summary and body."""
    _require_manager(actor)
    story = Story(status=S.DRAFT, created_by_id=actor.id, **_check_text(data))
    db.session.add(story)
    db.session.flush()
    audit.record(actor, "story.created", story, label=story.title)
    db.session.commit()
    return story


def update(actor, story: Story, data: dict) -> Story:
    """Change the texts; a published story changes on the showcase and in the feed at once."""
    _require_manager(actor)
    values = _check_text(data)
    changed = [name for name, value in values.items() if getattr(story, name) != value]
    if changed:
        for name in changed:
            setattr(story, name, values[name])
        story.updated_at = now_utc()
        audit.record(actor, "story.updated", story, label=story.title, fields=changed)
    db.session.commit()
    return story


def linkable_initiatives():
    """The initiatives a story may be about: those accepted or recognized (everyone signed in
    may read them), newest first."""
    return db.session.execute(
        select(Initiative.id, Initiative.title)
        .where(Initiative.status.in_(PUBLIC_STATUSES))
        .order_by(Initiative.created_at.desc(), Initiative.id.desc())
    ).all()


def set_links(
    actor,
    story: Story,
    initiative_id: int | None,
    person_id: int | None,
    unit_id: int | None,
) -> Story:
    """What the story is about: an accepted or recognized initiative, an active person, a unit;
    each may be None."""
    _require_manager(actor)
    errors: dict[str, list[str]] = {}
    if initiative_id is not None:
        status = db.session.scalar(select(Initiative.status).where(Initiative.id == initiative_id))
        if status not in PUBLIC_STATUSES:
            errors["initiative_id"] = [_("Choose an accepted or recognized initiative.")]
    if person_id is not None and not db.session.scalar(
        select(User.id).where(User.id == person_id, User.is_active.is_(True))
    ):
        errors["user_id"] = [_("Choose a person from the directory.")]
    if unit_id is not None and db.session.get(Unit, unit_id) is None:
        errors["unit_id"] = [_("Choose a unit from the list.")]
    if errors:
        raise ValidationFailed(errors)
    before = (story.initiative_id, story.person_id, story.unit_id)
    if before != (initiative_id, person_id, unit_id):
        story.initiative_id, story.person_id, story.unit_id = initiative_id, person_id, unit_id
        story.updated_at = now_utc()
        audit.record(
            actor,
            "story.links_changed",
            story,
            label=story.title,
            initiative=initiative_id,
            person=person_id,
            unit=unit_id,
        )
    db.session.commit()
    return story


def set_photo(actor, story: Story, upload, alt: str | None) -> Story:
    """Put a new photo (PNG or JPEG) with its text alternative, or with no file change the text
    of the photo already there. The alternative text is required."""
    _require_manager(actor)
    alt = clean(alt)
    has_file = upload is not None and bool(upload.filename)
    errors: dict[str, list[str]] = {}
    if not alt:
        errors["alt"] = [_("Describe the photo for those who cannot see it.")]
    elif len(alt) > ALT_MAX:
        errors["alt"] = [_("At most %(max)d characters.", max=ALT_MAX)]
    if not has_file and not story.has_photo:
        errors["photo"] = [_("Choose a photo (PNG or JPEG).")]
    if errors:
        raise ValidationFailed(errors)
    old_name = None
    if has_file:
        stored = photos.store(upload)
        old_name = story.photo_name
        story.photo_name = stored.name
        story.photo_kind = stored.kind
        story.photo_size = stored.size
        story.photo_width, story.photo_height = stored.width, stored.height
    story.photo_alt = alt
    story.updated_at = now_utc()
    audit.record(
        actor,
        "story.photo_set" if has_file else "story.photo_described",
        story,
        label=story.title,
        **({"kind": story.photo_kind, "size": story.photo_size} if has_file else {}),
    )
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        if has_file:
            photos.discard(stored.name)
        raise
    photos.discard(old_name)
    return story


def remove_photo(actor, story: Story) -> Story:
    """Take the photo off the story and delete its file."""
    _require_manager(actor)
    name = story.photo_name
    if name is None:
        return story
    story.photo_name = story.photo_kind = None
    story.photo_size = story.photo_width = story.photo_height = None
    story.photo_alt = ""
    story.updated_at = now_utc()
    audit.record(actor, "story.photo_removed", story, label=story.title)
    db.session.commit()
    photos.discard(name)
    return story


def publish(actor, story: Story) -> Story:
    """Put the story on the showcase and in the feed; its date is its first publication."""
    _require_manager(actor)
    if story.is_published:
        raise InvalidTransition(_("The story is already published."))
    _check_text({"title": story.title, "summary": story.summary, "body": story.body})
    first_time = story.published_at is None
    now = now_utc()
    story.status = S.PUBLISHED
    story.updated_at = now
    if first_time:
        story.published_at = now
        if story.person_id is not None and story.person_id != actor.id:
            notify(
                story.person_id,
                "story.published",
                {"title": story.title},
                link_to("showcase.show", story_id=story.id),
            )
    audit.record(actor, "story.published", story, label=story.title)
    db.session.commit()
    return story


def unpublish(actor, story: Story) -> Story:
    """Take the story off the showcase and the feed (its photo is no longer public either)."""
    _require_manager(actor)
    if not story.is_published:
        raise InvalidTransition(_("The story is not published."))
    story.status = S.UNPUBLISHED
    # The feed's own date moves, so the portal sees that an entry has gone.
    story.updated_at = now_utc()
    audit.record(actor, "story.unpublished", story, label=story.title)
    db.session.commit()
    return story


def delete(actor, story: Story) -> None:
    """Delete a story that is not on the showcase, with its photo."""
    _require_manager(actor)
    if story.is_published:
        raise InvalidTransition(_("Take the story down before deleting it."))
    name = story.photo_name
    audit.record(actor, "story.deleted", story, label=story.title)
    db.session.delete(story)
    db.session.commit()
    photos.discard(name)


@dataclass
class PhotoCleanup:
    cleaned: int = 0  # files that lost metadata
    unchanged: int = 0  # already clean
    unreadable: list[str] = field(default_factory=list)  # left as they are: "story id: reason"


def strip_stored_photos() -> PhotoCleanup:
    """Remove the metadata of the photos kept before uploads were cleaned (`flask
    strip-photo-metadata`): each story's file is rewritten as an upload is now, its size and
    the shape it is shown in updated. Running it again changes nothing."""
    report = PhotoCleanup()
    for story in db.session.scalars(
        select(Story).where(Story.photo_name.is_not(None)).order_by(Story.id)
    ):
        path = photos.path_of(story.photo_name)
        if not path.is_file():
            report.unreadable.append(f"{story.id}: no file {path.name}")
            continue
        before = path.stat().st_size
        cleaned = photos.clean(path, story.photo_kind)
        if cleaned is None:
            report.unreadable.append(f"{story.id}: cannot be read")
            continue
        story.photo_size, story.photo_width, story.photo_height = cleaned
        db.session.commit()  # each file as it is rewritten: the row follows the file
        if cleaned[0] == before:
            report.unchanged += 1
        else:
            report.cleaned += 1
    return report
