"""Voting rounds (đợt bình chọn): the round, who may vote, its candidates, the secret ballots and
who has taken part.

The ballot is secret by construction. A vote row holds no user id and no time: it belongs to a
ballot key, an HMAC of the round and the voter under the app's secret, so the table alone does
not say whose it is, and nothing in it follows the order the votes came in. Who took part (for
turnout and reminders) is a separate row per voter with only a count of votes.

The limits are the database's: one vote per ballot and candidate, at most `max_votes` per
ballot (a free slot of 1..max_votes, unique per ballot) and the participant's count, raised only
by a conditional update below the maximum.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.campaigns import Campaign
from app.models.directory import Unit
from app.models.initiatives import Initiative
from app.models.types import UTCDateTime, utcnow

TITLE_MAX = 300
DESCRIPTION_MAX = 5000
# No round asks anyone to choose more than this many candidates.
MAX_VOTES_LIMIT = 50
BALLOT_KEY_LENGTH = 64


class RoundStatus(StrEnum):
    DRAFT = "draft"
    # Published: candidates and texts frozen; open between opens_at and closes_at.
    PUBLISHED = "published"


class ResultsMode(StrEnum):
    AFTER_CLOSE = "after_close"
    LIVE = "live"


voting_round_units = Table(
    "voting_round_units",
    db.metadata,
    Column("round_id", ForeignKey("voting_rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class VotingRound(db.Model):
    __tablename__ = "voting_rounds"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published')", name="status_known"),
        CheckConstraint("results_mode IN ('after_close', 'live')", name="results_mode_known"),
        CheckConstraint(f"max_votes BETWEEN 1 AND {MAX_VOTES_LIMIT}", name="max_votes_range"),
        CheckConstraint(
            "min_votes IS NULL OR (min_votes >= 1 AND min_votes <= max_votes)",
            name="min_votes_range",
        ),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    max_votes: Mapped[int] = mapped_column(default=3)
    min_votes: Mapped[int | None]
    results_mode: Mapped[str] = mapped_column(String(20), default=ResultsMode.AFTER_CLOSE)
    # All active staff, or only the members of the round's units.
    is_open_to_all: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(20), default=RoundStatus.DRAFT, index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the officer ends the round before its closing time (closes_at is then moved).
    closed_early_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    results_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship(lazy="raise_on_sql")
    units: Mapped[list[Unit]] = relationship(
        secondary=voting_round_units, order_by=Unit.name, lazy="raise_on_sql"
    )
    candidates: Mapped[list["VotingCandidate"]] = relationship(
        back_populates="round",
        cascade="all, delete-orphan",
        order_by="[VotingCandidate.position, VotingCandidate.id]",
        lazy="raise_on_sql",
    )

    @property
    def is_draft(self) -> bool:
        return self.status == RoundStatus.DRAFT

    def is_open(self, now: datetime) -> bool:
        return self.status == RoundStatus.PUBLISHED and self.opens_at <= now < self.closes_at

    def is_closed(self, now: datetime) -> bool:
        return self.status == RoundStatus.PUBLISHED and now >= self.closes_at

    def phase(self, now: datetime) -> str:
        """draft, scheduled, open, closed or results_published: what the pages show."""
        if self.is_draft:
            return "draft"
        if now < self.opens_at:
            return "scheduled"
        if now < self.closes_at:
            return "open"
        return "results_published" if self.results_published_at else "closed"


class VotingCandidate(db.Model):
    """A nominated initiative, with the texts voters read frozen when the round is published."""

    __tablename__ = "voting_candidates"
    __table_args__ = (
        UniqueConstraint("round_id", "initiative_id"),
        # The target of the votes' (round, candidate) key: a vote's candidate is of its round.
        UniqueConstraint("round_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("voting_rounds.id", ondelete="CASCADE"), index=True
    )
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    authors: Mapped[str] = mapped_column(String(1000), default="")
    unit_name: Mapped[str] = mapped_column(String(200), default="")
    area_title: Mapped[str] = mapped_column(String(500), default="")

    round: Mapped[VotingRound] = relationship(back_populates="candidates", lazy="raise_on_sql")
    initiative: Mapped[Initiative] = relationship(lazy="raise_on_sql")


class Vote(db.Model):
    """One vote of a secret ballot: no user id, no time, no surrogate id."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("round_id", "ballot", "candidate_id", name="uq_votes_one_per_candidate"),
        ForeignKeyConstraint(
            ["round_id", "candidate_id"],
            ["voting_candidates.round_id", "voting_candidates.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint(f"slot BETWEEN 1 AND {MAX_VOTES_LIMIT}", name="slot_range"),
        Index("ix_votes_round_id_candidate_id", "round_id", "candidate_id"),
    )

    round_id: Mapped[int] = mapped_column(
        ForeignKey("voting_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    ballot: Mapped[str] = mapped_column(String(BALLOT_KEY_LENGTH), primary_key=True)
    # 1..max_votes of the round; the primary key makes each slot of a ballot hold one vote.
    slot: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    candidate_id: Mapped[int]


class VotingParticipant(db.Model):
    """That a person has votes in a round, and how many; never which."""

    __tablename__ = "voting_participants"
    __table_args__ = (
        CheckConstraint(f"vote_count BETWEEN 0 AND {MAX_VOTES_LIMIT}", name="vote_count_range"),
    )

    round_id: Mapped[int] = mapped_column(
        ForeignKey("voting_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    vote_count: Mapped[int] = mapped_column(default=0)
