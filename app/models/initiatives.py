"""Initiatives (sáng kiến, giải pháp): the application, its authors, attachments and history.

The fields follow the Vietnamese initiative application (Thông tư 18/2013/TT-BKHCN, Phụ lục I).
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.campaigns import Campaign, ContentArea
from app.models.directory import Unit, User
from app.models.types import UTCDateTime, utcnow

TITLE_MAX = 300
FIELD_MAX = 10000
COMMENT_MAX = 2000


class InitiativeStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    REJECTED = "rejected"
    ACCEPTED = "accepted"
    RECOGNIZED = "recognized"
    NOT_RECOGNIZED = "not_recognized"


# Where an author may still change the application.
EDITABLE_STATUSES = (InitiativeStatus.DRAFT, InitiativeStatus.RETURNED)
_STATUSES = ", ".join(f"'{status.value}'" for status in InitiativeStatus)


class Initiative(db.Model):
    __tablename__ = "initiatives"
    __table_args__ = (CheckConstraint(f"status IN ({_STATUSES})", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    # The main author's unit when the application was made.
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="SET NULL"), index=True
    )
    content_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("content_areas.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=InitiativeStatus.DRAFT, index=True)
    # The year it was made, for the list's filter.
    year: Mapped[int] = mapped_column(index=True)

    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    first_applied_on: Mapped[date | None]
    current_situation: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    steps: Mapped[str] = mapped_column(Text, default="")
    novelty: Mapped[str] = mapped_column(Text, default="")
    confidential_info: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    applicability: Mapped[str] = mapped_column(Text, default="")
    benefits_author: Mapped[str] = mapped_column(Text, default="")
    benefits_trial: Mapped[str] = mapped_column(Text, default="")
    trial_participants: Mapped[str] = mapped_column(Text, default="")

    # Folded title, authors and unit, for the diacritic-insensitive search.
    search_text: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The unit head puts the unit's initiative forward (đề xuất).
    endorsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    endorsed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    endorsement_note: Mapped[str] = mapped_column(Text, default="")

    # The council session that judges (or judged) it.
    council_id: Mapped[int | None] = mapped_column(
        ForeignKey("councils.id", ondelete="SET NULL"), index=True
    )

    campaign: Mapped[Campaign] = relationship(lazy="raise_on_sql")
    unit: Mapped[Unit | None] = relationship(lazy="raise_on_sql")
    content_area: Mapped[ContentArea | None] = relationship(lazy="raise_on_sql")
    endorsed_by: Mapped[User | None] = relationship(
        foreign_keys=[endorsed_by_id], lazy="raise_on_sql"
    )
    authors: Mapped[list["InitiativeAuthor"]] = relationship(
        back_populates="initiative",
        cascade="all, delete-orphan",
        order_by="[InitiativeAuthor.position, InitiativeAuthor.id]",
        lazy="raise_on_sql",
    )
    attachments: Mapped[list["InitiativeAttachment"]] = relationship(
        back_populates="initiative",
        cascade="all, delete-orphan",
        order_by="InitiativeAttachment.id",
        lazy="raise_on_sql",
    )
    events: Mapped[list["InitiativeEvent"]] = relationship(
        back_populates="initiative",
        cascade="all, delete-orphan",
        order_by="InitiativeEvent.id",
        lazy="raise_on_sql",
    )

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class InitiativeAuthor(db.Model):
    """An author and their contribution (%); position 0 is the main author."""

    __tablename__ = "initiative_authors"
    __table_args__ = (
        UniqueConstraint("initiative_id", "user_id"),
        CheckConstraint("share >= 0 AND share <= 100", name="share_range"),
        Index(
            "uq_initiative_authors_main",
            "initiative_id",
            unique=True,
            sqlite_where=text("is_main"),
            postgresql_where=text("is_main"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_main: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    share: Mapped[int] = mapped_column(default=0)

    initiative: Mapped[Initiative] = relationship(back_populates="authors", lazy="raise_on_sql")
    user: Mapped[User] = relationship(lazy="raise_on_sql")


class InitiativeAttachment(db.Model):
    """A file of the application, stored under instance/uploads/ by a random name."""

    __tablename__ = "initiative_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # pdf, docx, xlsx, png, jpeg: by content
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    initiative: Mapped[Initiative] = relationship(back_populates="attachments", lazy="raise_on_sql")


class InitiativeEvent(db.Model):
    """A step of the lifecycle, with the comment or reason the authors read."""

    __tablename__ = "initiative_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor_name: Mapped[str] = mapped_column(String(120), default="")
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    initiative: Mapped[Initiative] = relationship(back_populates="events", lazy="raise_on_sql")
