"""Campaigns (phong trào thi đua): content areas, criteria, titles and commendation forms."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class AppliesTo(StrEnum):
    UNIT = "unit"
    INDIVIDUAL = "individual"


_APPLIES = "applies_to IN ('unit', 'individual')"


class Campaign(db.Model):
    __tablename__ = "campaigns"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="period_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    plan_reference: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    registration_deadline: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    content_areas: Mapped[list["ContentArea"]] = relationship(
        back_populates="campaign",
        cascade="all, delete-orphan",
        order_by="ContentArea.position",
        lazy="raise_on_sql",
    )
    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="campaign",
        cascade="all, delete-orphan",
        order_by="Criterion.position",
        lazy="raise_on_sql",
    )
    titles: Mapped[list["EmulationTitle"]] = relationship(
        back_populates="campaign",
        cascade="all, delete-orphan",
        order_by="EmulationTitle.position",
        lazy="raise_on_sql",
    )
    commendation_forms: Mapped[list["CommendationForm"]] = relationship(
        back_populates="campaign",
        cascade="all, delete-orphan",
        order_by="CommendationForm.position",
        lazy="raise_on_sql",
    )
    # Read only, for the home page's one statement (`assessment.period_of` reads it when
    # loaded); the period is set through `assessment.set_period`.
    assessment_period: Mapped["AssessmentPeriod | None"] = relationship(  # noqa: F821
        viewonly=True, lazy="raise_on_sql"
    )

    def is_registration_open(self, today: date) -> bool:
        return self.registration_deadline is None or today <= self.registration_deadline


class ContentArea(db.Model):
    """A content area of the movement (mục II of the plan)."""

    __tablename__ = "content_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")

    campaign: Mapped[Campaign] = relationship(back_populates="content_areas", lazy="raise_on_sql")


class Criterion(db.Model):
    """An emulation criterion for units or for individuals (mục III.1 of the plan)."""

    __tablename__ = "criteria"
    __table_args__ = (CheckConstraint(_APPLIES, name="applies_to_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    applies_to: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(20), default="")
    text: Mapped[str] = mapped_column(Text)

    campaign: Mapped[Campaign] = relationship(back_populates="criteria", lazy="raise_on_sql")


class EmulationTitle(db.Model):
    """An emulation title that can be registered (danh hiệu thi đua)."""

    __tablename__ = "emulation_titles"
    __table_args__ = (CheckConstraint(_APPLIES, name="applies_to_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    applies_to: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(300))

    campaign: Mapped[Campaign] = relationship(back_populates="titles", lazy="raise_on_sql")


class CommendationForm(db.Model):
    """A form of commendation that can be proposed (hình thức khen thưởng)."""

    __tablename__ = "commendation_forms"
    __table_args__ = (CheckConstraint(_APPLIES, name="applies_to_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    applies_to: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(300))

    campaign: Mapped[Campaign] = relationship(
        back_populates="commendation_forms", lazy="raise_on_sql"
    )
