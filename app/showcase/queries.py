"""Reading stories: the showcase's page of published stories, comms' list, one story with what
it links to, the newest for the home page and the feed's entries. Each is one statement with
its links loaded alongside, whatever the number of stories."""

from functools import cache

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, load_only

from app.extensions import db
from app.models.directory import User
from app.models.initiatives import Initiative
from app.models.stories import Story, StoryStatus


def _with_links(stmt: Select) -> Select:
    return stmt.options(
        joinedload(Story.initiative).load_only(Initiative.id, Initiative.title, Initiative.status),
        joinedload(Story.person).joinedload(User.unit),
        joinedload(Story.unit),
    )


def _newest_first(stmt: Select) -> Select:
    return stmt.order_by(Story.published_at.desc(), Story.id.desc())


def published(
    initiative_id: int | None = None, person_id: int | None = None, unit_id: int | None = None
) -> Select:
    """Published stories, newest first, about the initiative, person or unit when given."""
    stmt = select(Story).where(Story.status == StoryStatus.PUBLISHED)
    if initiative_id:
        stmt = stmt.where(Story.initiative_id == initiative_id)
    if person_id:
        stmt = stmt.where(Story.person_id == person_id)
    if unit_id:
        stmt = stmt.where(Story.unit_id == unit_id)
    return _newest_first(_with_links(stmt))


def for_management(status: str | None = None) -> Select:
    """Every story for comms, the latest changed first; only those of `status` when given."""
    stmt = select(Story).options(joinedload(Story.created_by))
    if status in tuple(StoryStatus):
        stmt = stmt.where(Story.status == status)
    return stmt.order_by(Story.updated_at.desc(), Story.id.desc())


def status_counts() -> dict[str, int]:
    """How many stories are in each status (for comms' filter)."""
    rows = db.session.execute(select(Story.status, func.count(Story.id)).group_by(Story.status))
    return {status: count for status, count in rows}


def load(story_id: int) -> Story | None:
    """One story with its initiative, person (and their unit), unit and writer."""
    return db.session.scalar(
        _with_links(select(Story).where(Story.id == story_id)).options(joinedload(Story.created_by))
    )


@cache
def _latest_query():
    """Built once: the home page asks it of everyone, and shows the title and summary (the
    body, often pages long, is not read)."""
    shown = load_only(Story.id, Story.title, Story.summary, Story.published_at, raiseload=True)
    stmt = select(Story).where(Story.status == StoryStatus.PUBLISHED).options(shown)
    return _newest_first(stmt).limit(1)


def latest_published() -> Story | None:
    """The newest published story, for "Việc của tôi"."""
    return db.session.scalar(_latest_query())


def feed_entries(limit: int) -> list[Story]:
    """The newest published stories for the Atom feed."""
    return list(db.session.scalars(published().limit(limit)).unique())


def about_initiative(initiative_id: int) -> list[tuple[int, str]]:
    """(id, title) of the published stories about an initiative, newest first."""
    return db.session.execute(
        _newest_first(
            select(Story.id, Story.title).where(
                Story.status == StoryStatus.PUBLISHED, Story.initiative_id == initiative_id
            )
        )
    ).all()
