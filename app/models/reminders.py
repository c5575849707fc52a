"""Reminders (đôn đốc): who was urged, about what (a campaign's commitment, a voting round, a
survey), by whom, when, with which words, and whether the e-mail went out."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.directory import User
from app.models.types import UTCDateTime, utcnow

TITLE_MAX = 200
BODY_MAX = 2000


class ReminderKind(StrEnum):
    COMMITMENT = "commitment"  # the subject is a campaign: sign the commitment
    VOTING = "voting"  # a voting round: vote
    SURVEY = "survey"  # a survey: answer it


class Reminder(db.Model):
    __tablename__ = "reminders"
    __table_args__ = (
        CheckConstraint("kind IN ('commitment', 'voting', 'survey')", name="kind_known"),
        Index("ix_reminders_kind_subject_user", "kind", "subject_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    is_emailed: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise_on_sql")
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id], lazy="raise_on_sql")
