"""Emulation commitments (bản đăng ký thi đua): versions, items, criterion answers, reopenings."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.campaigns import Campaign, ContentArea, Criterion, EmulationTitle
from app.models.directory import Unit, User
from app.models.types import UTCDateTime, utcnow

ITEM_TEXT_MAX = 2000
ITEM_TARGET_MAX = 500
ANSWER_MAX = 4000
COMMENT_MAX = 2000


class CommitmentKind(StrEnum):
    INDIVIDUAL = "individual"
    UNIT = "unit"


class CommitmentStatus(StrEnum):
    """The state of a version; a commitment's status is its latest version's."""

    DRAFT = "draft"
    SIGNED = "signed"
    CONFIRMED = "confirmed"
    RETURNED = "returned"


_STATUSES = ", ".join(f"'{status.value}'" for status in CommitmentStatus)


class Commitment(db.Model):
    """One owner's registration for one campaign: a person's, or a unit's made by its head."""

    __tablename__ = "commitments"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'individual' AND user_id IS NOT NULL AND unit_id IS NULL)"
            " OR (kind = 'unit' AND unit_id IS NOT NULL AND user_id IS NULL)",
            name="one_owner",
        ),
        CheckConstraint(f"status IN ({_STATUSES})", name="status_known"),
        UniqueConstraint("campaign_id", "user_id"),
        UniqueConstraint("campaign_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Mirrors the latest version, so lists and tracking need no join to the versions.
    status: Mapped[str] = mapped_column(String(20), default=CommitmentStatus.DRAFT, index=True)
    current_number: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    campaign: Mapped[Campaign] = relationship(lazy="raise_on_sql")
    user: Mapped[User | None] = relationship(lazy="raise_on_sql")
    unit: Mapped[Unit | None] = relationship(lazy="raise_on_sql")
    versions: Mapped[list["CommitmentVersion"]] = relationship(
        back_populates="commitment",
        cascade="all, delete-orphan",
        order_by="CommitmentVersion.number",
        lazy="raise_on_sql",
    )


class CommitmentVersion(db.Model):
    """One version of a commitment. A signed version never changes; an amendment is a new one."""

    __tablename__ = "commitment_versions"
    __table_args__ = (
        UniqueConstraint("commitment_id", "number"),
        CheckConstraint(f"status IN ({_STATUSES})", name="status_known"),
        CheckConstraint(
            "status = 'draft'"
            " OR (signed_at IS NOT NULL AND digest IS NOT NULL AND seal IS NOT NULL)",
            name="signed_has_seal",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default=CommitmentStatus.DRAFT)
    title_id: Mapped[int | None] = mapped_column(
        ForeignKey("emulation_titles.id", ondelete="SET NULL"), index=True
    )
    # The registered title's name, as it read when signed.
    title_name: Mapped[str] = mapped_column(String(300), default="")
    is_criterion_acknowledged: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    signer_position: Mapped[str] = mapped_column(String(120), default="")
    digest: Mapped[str | None] = mapped_column(String(64))
    seal: Mapped[str | None] = mapped_column(String(64))

    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    reviewer_name: Mapped[str] = mapped_column(String(120), default="")
    review_comment: Mapped[str] = mapped_column(Text, default="")

    commitment: Mapped[Commitment] = relationship(back_populates="versions", lazy="raise_on_sql")
    title: Mapped[EmulationTitle | None] = relationship(lazy="raise_on_sql")
    items: Mapped[list["CommitmentItem"]] = relationship(
        back_populates="version",
        cascade="all, delete-orphan",
        order_by=lambda: [CommitmentItem.position, CommitmentItem.id],
        lazy="raise_on_sql",
    )
    answers: Mapped[list["CriterionAnswer"]] = relationship(
        back_populates="version",
        cascade="all, delete-orphan",
        order_by="CriterionAnswer.criterion_id",
        lazy="raise_on_sql",
    )

    @property
    def is_draft(self) -> bool:
        return self.status == CommitmentStatus.DRAFT


class CommitmentItem(db.Model):
    """One commitment under a content area: the words, an optional target and due date."""

    __tablename__ = "commitment_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("commitment_versions.id", ondelete="CASCADE"), index=True
    )
    content_area_id: Mapped[int] = mapped_column(ForeignKey("content_areas.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(ITEM_TEXT_MAX))
    target: Mapped[str] = mapped_column(String(ITEM_TARGET_MAX), default="")
    due_on: Mapped[date | None]

    version: Mapped[CommitmentVersion] = relationship(back_populates="items", lazy="raise_on_sql")
    content_area: Mapped[ContentArea] = relationship(lazy="raise_on_sql")


class CriterionAnswer(db.Model):
    """A unit's answer to one unit criterion (mục III.1.a) in its collective commitment."""

    __tablename__ = "criterion_answers"
    __table_args__ = (UniqueConstraint("version_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("commitment_versions.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id"), index=True)
    text: Mapped[str] = mapped_column(String(ANSWER_MAX), default="")

    version: Mapped[CommitmentVersion] = relationship(back_populates="answers", lazy="raise_on_sql")
    criterion: Mapped[Criterion] = relationship(lazy="raise_on_sql")


class RegistrationReopening(db.Model):
    """The officer lets one person or unit create or amend after the registration deadline."""

    __tablename__ = "registration_reopenings"
    __table_args__ = (
        CheckConstraint(
            "(user_id IS NOT NULL AND unit_id IS NULL)"
            " OR (unit_id IS NOT NULL AND user_id IS NULL)",
            name="one_owner",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    open_until: Mapped[date]
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
