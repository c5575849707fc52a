"""Stories (gương điển hình, tin bài): written by the Technology and Portal Centre (comms),
published on the showcase page and in the Atom feed the provincial portal pulls.

The body is Markdown, rendered and sanitised when it is read (app/showcase/markdown.py), so a
stricter sanitiser applies at once to every story already written. The photo is a PNG or JPEG
kept under instance/uploads/stories/ by a random name.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.directory import Unit, User
from app.models.initiatives import Initiative
from app.models.types import UTCDateTime, utcnow

TITLE_MAX = 200
SUMMARY_MAX = 600
BODY_MAX = 50_000
ALT_MAX = 300


class StoryStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    # Taken off the showcase and the feed after being published; can be published again.
    UNPUBLISHED = "unpublished"


_STATUSES = ", ".join(f"'{status.value}'" for status in StoryStatus)


class Story(db.Model):
    __tablename__ = "stories"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUSES})", name="status_known"),
        CheckConstraint("photo_kind IS NULL OR photo_kind IN ('png', 'jpeg')", name="photo_kind"),
        # The showcase and the feed: published stories, newest first.
        Index("ix_stories_status_published_at", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default=StoryStatus.DRAFT)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    # The sapo: one to three sentences under the title, and the feed's summary.
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")

    # What the story is about, each optional: an initiative (accepted or recognized), a person,
    # a unit.
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="SET NULL"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="SET NULL"), index=True
    )

    # The photo: a random stored name (hex), its type read from the content, its pixel size
    # (the page reserves the room before it loads) and the text read out instead of it.
    photo_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    photo_kind: Mapped[str | None] = mapped_column(String(10))
    photo_size: Mapped[int | None]
    photo_width: Mapped[int | None]
    photo_height: Mapped[int | None]
    photo_alt: Mapped[str] = mapped_column(String(ALT_MAX), default="")

    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The last change of what readers see (the feed's <updated>).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The first publication: the story's date, kept when it is taken down and put back.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    initiative: Mapped[Initiative | None] = relationship(lazy="raise_on_sql")
    person: Mapped[User | None] = relationship(foreign_keys=[person_id], lazy="raise_on_sql")
    unit: Mapped[Unit | None] = relationship(lazy="raise_on_sql")
    created_by: Mapped[User | None] = relationship(
        foreign_keys=[created_by_id], lazy="raise_on_sql"
    )

    @property
    def is_published(self) -> bool:
        return self.status == StoryStatus.PUBLISHED

    @property
    def has_photo(self) -> bool:
        return bool(self.photo_name)
