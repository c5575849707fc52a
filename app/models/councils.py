"""The initiative council (Hội đồng sáng kiến): one session of a campaign, its members, weighted
criteria, and each member's judgement of each initiative.

A council is prepared (members, criteria), opened (it then judges the campaign's accepted
initiatives), and closed by its chair, which decides them. Scores stay hidden from the other
members until the close.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.campaigns import Campaign
from app.models.directory import User
from app.models.types import UTCDateTime, utcnow

NAME_MAX = 300
CRITERION_MAX = 300


class CouncilStatus(StrEnum):
    PREPARING = "preparing"
    IN_SESSION = "in_session"
    CLOSED = "closed"


class MemberRole(StrEnum):
    CHAIR = "chair"
    SECRETARY = "secretary"
    MEMBER = "member"


DEFAULT_CRITERIA = (("Tính mới", 40), ("Khả năng áp dụng", 30), ("Hiệu quả, lợi ích", 30))


class Council(db.Model):
    __tablename__ = "councils"
    __table_args__ = (
        CheckConstraint("status IN ('preparing', 'in_session', 'closed')", name="status_known"),
        CheckConstraint(
            "approval_numerator > 0 AND approval_denominator >= approval_numerator",
            name="approval_fraction",
        ),
        # One council of a campaign in session at a time: accepted initiatives go to it.
        Index(
            "uq_councils_in_session",
            "campaign_id",
            unique=True,
            sqlite_where=text("status = 'in_session'"),
            postgresql_where=text("status = 'in_session'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    decision_reference: Mapped[str] = mapped_column(String(200), default="")
    meeting_on: Mapped[date | None]
    meeting_place: Mapped[str] = mapped_column(String(200), default="")
    # An initiative is recognized when approvals / members not excluded >= this fraction.
    approval_numerator: Mapped[int] = mapped_column(default=2)
    approval_denominator: Mapped[int] = mapped_column(default=3)
    status: Mapped[str] = mapped_column(String(20), default=CouncilStatus.PREPARING)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    campaign: Mapped[Campaign] = relationship(lazy="raise_on_sql")
    members: Mapped[list["CouncilMember"]] = relationship(
        back_populates="council",
        cascade="all, delete-orphan",
        order_by="CouncilMember.id",
        lazy="raise_on_sql",
    )
    criteria: Mapped[list["CouncilCriterion"]] = relationship(
        back_populates="council",
        cascade="all, delete-orphan",
        order_by="[CouncilCriterion.position, CouncilCriterion.id]",
        lazy="raise_on_sql",
    )

    @property
    def is_closed(self) -> bool:
        return self.status == CouncilStatus.CLOSED


class CouncilMember(db.Model):
    __tablename__ = "council_members"
    __table_args__ = (
        UniqueConstraint("council_id", "user_id"),
        CheckConstraint("role IN ('chair', 'secretary', 'member')", name="role_known"),
        # At most one chair and one secretary per council.
        Index(
            "uq_council_members_chair",
            "council_id",
            unique=True,
            sqlite_where=text("role = 'chair'"),
            postgresql_where=text("role = 'chair'"),
        ),
        Index(
            "uq_council_members_secretary",
            "council_id",
            unique=True,
            sqlite_where=text("role = 'secretary'"),
            postgresql_where=text("role = 'secretary'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(
        ForeignKey("councils.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=MemberRole.MEMBER)

    council: Mapped[Council] = relationship(back_populates="members", lazy="raise_on_sql")
    user: Mapped[User] = relationship(lazy="raise_on_sql")


class CouncilCriterion(db.Model):
    """A scoring criterion; `weight` is its maximum points (the weights add up to 100)."""

    __tablename__ = "council_criteria"
    __table_args__ = (CheckConstraint("weight > 0 AND weight <= 100", name="weight_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(
        ForeignKey("councils.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(CRITERION_MAX))
    weight: Mapped[int]

    council: Mapped[Council] = relationship(back_populates="criteria", lazy="raise_on_sql")


class CouncilJudgement(db.Model):
    """One member's judgement of one initiative: approve or not, a comment, the points."""

    __tablename__ = "council_judgements"
    __table_args__ = (
        UniqueConstraint("council_id", "member_id", "initiative_id"),
        CheckConstraint("total >= 0 AND total <= 100", name="total_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(
        ForeignKey("councils.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("council_members.id", ondelete="CASCADE"), index=True
    )
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    approves: Mapped[bool]
    total: Mapped[int] = mapped_column(default=0)
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    member: Mapped[CouncilMember] = relationship(lazy="raise_on_sql")
    scores: Mapped[list["CouncilScore"]] = relationship(
        back_populates="judgement", cascade="all, delete-orphan", lazy="raise_on_sql"
    )


class CouncilScore(db.Model):
    __tablename__ = "council_scores"
    __table_args__ = (
        UniqueConstraint("judgement_id", "criterion_id"),
        CheckConstraint("points >= 0", name="points_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    judgement_id: Mapped[int] = mapped_column(
        ForeignKey("council_judgements.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("council_criteria.id", ondelete="CASCADE"), index=True
    )
    points: Mapped[int]

    judgement: Mapped[CouncilJudgement] = relationship(back_populates="scores", lazy="raise_on_sql")


class CouncilResult(db.Model):
    """What the close decided for one initiative, kept as it was counted."""

    __tablename__ = "council_results"
    __table_args__ = (UniqueConstraint("council_id", "initiative_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(
        ForeignKey("councils.id", ondelete="CASCADE"), index=True
    )
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    eligible: Mapped[int]  # members not excluded
    judged: Mapped[int]
    approvals: Mapped[int]
    average_total: Mapped[float | None]
    is_recognized: Mapped[bool]
