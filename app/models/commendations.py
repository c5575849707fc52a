"""Commendations (khen thưởng): the officer's proposals for people and units of a campaign, the
leaders' approval, the decision's number and date, and the eligibility rules of each form.

A person or a unit is proposed at most once for a form in a campaign: the database holds it.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.campaigns import Campaign, CommendationForm
from app.models.directory import Unit, User
from app.models.initiatives import Initiative
from app.models.types import UTCDateTime, utcnow

ACHIEVEMENT_MAX = 4000
REASON_MAX = 1000
DECISION_NUMBER_MAX = 60
# No rule asks for more than this many initiatives or votes.
RULE_LIMIT = 10000


class CommendationStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    DECLINED = "declined"


_STATUSES = ", ".join(f"'{status.value}'" for status in CommendationStatus)

commendation_initiatives = Table(
    "commendation_initiatives",
    db.metadata,
    Column(
        "commendation_id",
        ForeignKey("commendations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "initiative_id",
        ForeignKey("initiatives.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Commendation(db.Model):
    """A proposal of a form of commendation for one person or one unit."""

    __tablename__ = "commendations"
    __table_args__ = (
        CheckConstraint(
            "(user_id IS NOT NULL AND unit_id IS NULL)"
            " OR (unit_id IS NOT NULL AND user_id IS NULL)",
            name="one_nominee",
        ),
        CheckConstraint(f"status IN ({_STATUSES})", name="status_known"),
        CheckConstraint(
            "decision_number IS NULL OR status = 'approved'", name="decision_when_approved"
        ),
        UniqueConstraint("campaign_id", "form_id", "user_id", name="uq_commendations_person_form"),
        UniqueConstraint("campaign_id", "form_id", "unit_id", name="uq_commendations_unit_form"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    form_id: Mapped[int] = mapped_column(
        ForeignKey("commendation_forms.id", ondelete="RESTRICT"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=CommendationStatus.PROPOSED, index=True)
    # The nominee as the list reads when proposed (kept when the directory changes later).
    nominee_name: Mapped[str] = mapped_column(String(200))
    nominee_position: Mapped[str] = mapped_column(String(120), default="")
    nominee_unit: Mapped[str] = mapped_column(String(200), default="")
    achievement: Mapped[str] = mapped_column(Text, default="")

    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    decided_by_name: Mapped[str] = mapped_column(String(120), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str] = mapped_column(Text, default="")

    decision_number: Mapped[str | None] = mapped_column(String(DECISION_NUMBER_MAX))
    decision_date: Mapped[date | None]
    decision_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship(lazy="raise_on_sql")
    form: Mapped[CommendationForm] = relationship(lazy="raise_on_sql")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="raise_on_sql")
    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id], lazy="raise_on_sql")
    proposed_by: Mapped[User | None] = relationship(
        foreign_keys=[proposed_by_id], lazy="raise_on_sql"
    )
    initiatives: Mapped[list[Initiative]] = relationship(
        secondary=commendation_initiatives, order_by=Initiative.title, lazy="raise_on_sql"
    )

    @property
    def is_unit(self) -> bool:
        return self.unit_id is not None


class CommendationRule(db.Model):
    """Who is eligible for a form: every condition must hold (0 or False leaves one out)."""

    __tablename__ = "commendation_rules"
    __table_args__ = (
        CheckConstraint(f"min_initiatives BETWEEN 0 AND {RULE_LIMIT}", name="initiatives_range"),
        CheckConstraint(f"min_votes BETWEEN 0 AND {RULE_LIMIT}", name="votes_range"),
    )

    form_id: Mapped[int] = mapped_column(
        ForeignKey("commendation_forms.id", ondelete="CASCADE"), primary_key=True
    )
    # Recognized initiatives (co-)authored, or of the unit for a unit.
    min_initiatives: Mapped[int] = mapped_column(default=1)
    # The commitment (the person's, or the unit's collective one) assessed as fulfilled.
    requires_fulfilled: Mapped[bool] = mapped_column(default=True)
    # Votes received by those initiatives in voting rounds whose results are published.
    min_votes: Mapped[int] = mapped_column(default=0)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
