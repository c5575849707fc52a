"""Awareness surveys (khảo sát nhận thức): the survey, its sections and questions with their
options, the answers in progress, the submitted responses and who has taken part.

A submitted response never changes. In an anonymous survey it holds no user id, only the date,
a random id (nothing that follows the order of submissions) and its answers; that the person has
answered is a separate participation row, so one response per person and reminders still work.
In-progress answers live in a draft: the person's own in a named survey (resumed anywhere), a
row keyed by a random token kept in the browser's session in an anonymous one.
"""

import secrets
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.campaigns import Campaign
from app.models.directory import Unit
from app.models.types import UTCDateTime, utcnow

TITLE_MAX = 300
TEXT_MAX = 2000
INTRO_MAX = 10000
SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 5000
OPTION_MAX = 500


class SurveyStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    DROPDOWN = "dropdown"
    LIKERT = "likert"
    RATING = "rating"
    YES_NO = "yes_no"
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    DATE = "date"


# Kinds answered by picking listed options (a Likert matrix lists statements instead).
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.DROPDOWN)
# Kinds that may be knowledge questions, or the condition of a later question.
KNOWLEDGE_KINDS = CHOICE_KINDS
LIKERT_POINTS = 5
_KINDS = ", ".join(f"'{kind.value}'" for kind in QuestionKind)


def new_structure_key() -> str:
    return secrets.token_hex(8)


def new_response_id() -> str:
    return secrets.token_hex(16)


survey_units = Table(
    "survey_units",
    db.metadata,
    Column("survey_id", ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Survey(db.Model):
    __tablename__ = "surveys"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'closed')", name="status_known"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    introduction: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    is_anonymous: Mapped[bool] = mapped_column(default=True)
    is_open_to_all: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(20), default=SurveyStatus.DRAFT, index=True)
    # The earlier survey this one repeats ("khảo sát lần 2"), for the comparison.
    follows_id: Mapped[int | None] = mapped_column(
        ForeignKey("surveys.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A new value whenever one of its sections, questions or options changes (a flush hook in
    # app/surveys/structure.py): the answering pages keep the structure per process under it.
    structure_key: Mapped[str] = mapped_column(
        String(16), default=new_structure_key, server_default="0"
    )

    campaign: Mapped[Campaign] = relationship(lazy="raise_on_sql")
    units: Mapped[list[Unit]] = relationship(
        secondary=survey_units, order_by=Unit.name, lazy="raise_on_sql"
    )
    sections: Mapped[list["SurveySection"]] = relationship(
        back_populates="survey",
        cascade="all, delete-orphan",
        order_by="[SurveySection.position, SurveySection.id]",
        lazy="raise_on_sql",
    )
    questions: Mapped[list["SurveyQuestion"]] = relationship(
        back_populates="survey",
        cascade="all, delete-orphan",
        order_by="[SurveyQuestion.position, SurveyQuestion.id]",
        lazy="raise_on_sql",
    )

    @property
    def is_draft(self) -> bool:
        return self.status == SurveyStatus.DRAFT

    def is_open(self, now: datetime) -> bool:
        return self.status == SurveyStatus.PUBLISHED and self.opens_at <= now < self.closes_at

    def phase(self, now: datetime) -> str:
        """draft, scheduled, open or closed: what the pages show."""
        if self.status == SurveyStatus.DRAFT:
            return "draft"
        if self.status == SurveyStatus.CLOSED or now >= self.closes_at:
            return "closed"
        return "scheduled" if now < self.opens_at else "open"


class SurveySection(db.Model):
    """A page of the survey."""

    __tablename__ = "survey_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    description: Mapped[str] = mapped_column(Text, default="")

    survey: Mapped[Survey] = relationship(back_populates="sections", lazy="raise_on_sql")
    # Read-only: the survey owns its questions (Survey.questions); a section only groups them.
    questions: Mapped[list["SurveyQuestion"]] = relationship(
        order_by="[SurveyQuestion.position, SurveyQuestion.id]", viewonly=True, lazy="raise_on_sql"
    )


class SurveyQuestion(db.Model):
    __tablename__ = "survey_questions"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_KINDS})", name="kind_known"),
        CheckConstraint("scale_max IS NULL OR scale_max IN (5, 10)", name="scale_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("survey_sections.id", ondelete="CASCADE"), index=True
    )
    # Order across the whole survey (sections in order, then questions in each).
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(TEXT_MAX))
    help_text: Mapped[str] = mapped_column(String(TEXT_MAX), default="")
    is_required: Mapped[bool] = mapped_column(default=False)
    is_knowledge: Mapped[bool] = mapped_column(default=False)
    min_choices: Mapped[int | None]
    max_choices: Mapped[int | None]
    # Rating: 1..5 or 0..10.
    scale_max: Mapped[int | None]
    number_min: Mapped[float | None] = mapped_column(Float)
    number_max: Mapped[float | None] = mapped_column(Float)
    # Shown only when the answer to this earlier choice question is one of these options.
    condition_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="SET NULL"), index=True
    )
    condition_option_ids: Mapped[list] = mapped_column(JSON, default=list)
    # The question of the earlier survey this one was copied from, for the comparison.
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="SET NULL"), index=True
    )

    survey: Mapped[Survey] = relationship(back_populates="questions", lazy="raise_on_sql")
    section: Mapped[SurveySection] = relationship(viewonly=True, lazy="raise_on_sql")
    options: Mapped[list["SurveyOption"]] = relationship(
        back_populates="question",
        cascade="all, delete-orphan",
        order_by="[SurveyOption.position, SurveyOption.id]",
        lazy="raise_on_sql",
    )

    @property
    def has_options(self) -> bool:
        return self.kind in CHOICE_KINDS or self.kind == QuestionKind.LIKERT


class SurveyOption(db.Model):
    """An option of a choice question, or a statement of a Likert matrix."""

    __tablename__ = "survey_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(OPTION_MAX))
    is_correct: Mapped[bool] = mapped_column(default=False)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_options.id", ondelete="SET NULL"), index=True
    )

    question: Mapped[SurveyQuestion] = relationship(back_populates="options", lazy="raise_on_sql")


class SurveyDraft(db.Model):
    """Answers in progress: {question id: value} and the page reached. The person's own in a
    named survey; keyed only by a random token in an anonymous one."""

    __tablename__ = "survey_drafts"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (token IS NULL)", name="owner_or_token"),
        UniqueConstraint("survey_id", "user_id"),
        UniqueConstraint("token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token: Mapped[str | None] = mapped_column(String(64))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    page: Mapped[int] = mapped_column(default=0)
    updated_on: Mapped[date] = mapped_column(default=date.today)


class SurveyResponse(db.Model):
    """A submitted response. Anonymous: no user id, no time, a random id."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        Index(
            "uq_survey_responses_named",
            "survey_id",
            "user_id",
            unique=True,
            sqlite_where=text("user_id IS NOT NULL"),
            postgresql_where=text("user_id IS NOT NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_response_id)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    submitted_on: Mapped[date]
    # Knowledge questions answered correctly, out of those asked (None: no knowledge question).
    knowledge_correct: Mapped[int | None]
    knowledge_total: Mapped[int | None]


class SurveyAnswer(db.Model):
    """One value of a response: the chosen option (a row per option of a multiple choice), a
    Likert statement with its point, a number, a text or a date. No surrogate id."""

    __tablename__ = "survey_answers"
    __table_args__ = (Index("ix_survey_answers_question_option", "question_id", "option_id"),)

    response_id: Mapped[str] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), primary_key=True
    )
    # The option chosen or the Likert statement; 0 for a number, a text or a date.
    item: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, default=0)
    option_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_options.id", ondelete="CASCADE"), index=True
    )
    number_value: Mapped[float | None] = mapped_column(Float)
    text_value: Mapped[str | None] = mapped_column(Text)
    date_value: Mapped[date | None]
    # On a knowledge question's first row: whether the whole answer was right.
    is_correct: Mapped[bool | None]


class SurveyParticipation(db.Model):
    """That a person has answered a survey (the date only): one response each, reminders."""

    __tablename__ = "survey_participations"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    answered_on: Mapped[date]


class SurveyTally(db.Model):
    """A running total of a survey's answers, added to in the submission's own transaction, so
    the results read a few rows per question whatever the number of responses (see
    app/surveys/tallies.py for the keys). `question_id` 0 holds the survey's own totals."""

    __tablename__ = "survey_tallies"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # The option, the Likert statement or the unit the row counts; 0 when none.
    item: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    measure: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    total: Mapped[float] = mapped_column(Float, default=0.0)
    low: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
