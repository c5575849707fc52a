"""End-of-period assessment of commitments (đánh giá kết quả thực hiện): the campaign's
assessment window, each commitment's assessment and its items' ratings.

An assessment lives in its own rows beside the sealed version it assesses: nothing here is part
of the signed content, so the seal of the version stays valid. The owner rates each item
(self-assessment), then the reviewer of the commitment (services.can_review) agrees or changes
each rating and gives the overall result with a comment.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.commitments import Commitment, CommitmentItem, CommitmentVersion
from app.models.types import UTCDateTime, utcnow

NOTE_MAX = 1000
COMMENT_MAX = 2000


class Rating(StrEnum):
    """How far one item was carried out."""

    DONE = "done"
    PARTLY = "partly"
    NOT_DONE = "not_done"


class AssessmentResult(StrEnum):
    """The reviewer's overall result of a commitment."""

    FULFILLED = "fulfilled"
    NOT_FULFILLED = "not_fulfilled"


class AssessmentStatus(StrEnum):
    SELF_ASSESSED = "self_assessed"
    ASSESSED = "assessed"


_RATINGS = ", ".join(f"'{rating.value}'" for rating in Rating)


class AssessmentPeriod(db.Model):
    """When the owners of a campaign's commitments assess them, set by the officer: both days
    included, in the office's local dates."""

    __tablename__ = "assessment_periods"
    __table_args__ = (CheckConstraint("closes_on >= opens_on", name="period_ordered"),)

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def is_open(self, today: date) -> bool:
        return self.opens_on <= today <= self.closes_on


class CommitmentAssessment(db.Model):
    """The assessment of one commitment, of the confirmed version it was made on."""

    __tablename__ = "commitment_assessments"
    __table_args__ = (
        CheckConstraint(
            "status IN ('self_assessed', 'assessed')",
            name="status_known",
        ),
        CheckConstraint(
            "result IS NULL OR result IN ('fulfilled', 'not_fulfilled')", name="result_known"
        ),
        CheckConstraint(
            "(status = 'assessed' AND result IS NOT NULL AND assessed_at IS NOT NULL)"
            " OR (status = 'self_assessed' AND result IS NULL)",
            name="assessed_has_result",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), unique=True
    )
    version_id: Mapped[int] = mapped_column(
        ForeignKey("commitment_versions.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), index=True)
    self_note: Mapped[str] = mapped_column(Text, default="")
    self_assessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    self_assessed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    self_assessed_by_name: Mapped[str] = mapped_column(String(120), default="")

    result: Mapped[str | None] = mapped_column(String(20), index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assessor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    assessor_name: Mapped[str] = mapped_column(String(120), default="")

    commitment: Mapped[Commitment] = relationship(lazy="raise_on_sql")
    version: Mapped[CommitmentVersion] = relationship(lazy="raise_on_sql")
    items: Mapped[list["ItemAssessment"]] = relationship(
        back_populates="assessment",
        cascade="all, delete-orphan",
        order_by="ItemAssessment.item_id",
        lazy="raise_on_sql",
    )

    @property
    def is_assessed(self) -> bool:
        return self.status == AssessmentStatus.ASSESSED


class ItemAssessment(db.Model):
    """One item's rating by its owner and, once assessed, by the reviewer."""

    __tablename__ = "commitment_item_assessments"
    __table_args__ = (
        UniqueConstraint("assessment_id", "item_id"),
        CheckConstraint(f"self_rating IN ({_RATINGS})", name="self_rating_known"),
        CheckConstraint(f"rating IS NULL OR rating IN ({_RATINGS})", name="rating_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("commitment_assessments.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("commitment_items.id", ondelete="CASCADE"), index=True
    )
    self_rating: Mapped[str] = mapped_column(String(20))
    self_note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    # The reviewer's rating: the owner's when they agree, or their own.
    rating: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")

    assessment: Mapped[CommitmentAssessment] = relationship(
        back_populates="items", lazy="raise_on_sql"
    )
    item: Mapped[CommitmentItem] = relationship(lazy="raise_on_sql")
