"""Reports (báo cáo sơ kết, tổng kết) of a campaign over a period: what the officer writes (the
number, the dates, the assessment, the next steps, the recipients, the signer). The figures are
not stored: they are read from the data each time the report is shown or downloaded."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.campaigns import Campaign
from app.models.types import UTCDateTime, utcnow

NUMBER_MAX = 60
SUBJECT_MAX = 400
SIGNER_MAX = 120
SECTION_MAX = 20000
RECIPIENTS_MAX = 2000


class ReportKind(StrEnum):
    INTERIM = "interim"  # báo cáo sơ kết
    FINAL = "final"  # báo cáo tổng kết


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint("kind IN ('interim', 'final')", name="kind_known"),
        CheckConstraint("period_end >= period_start", name="period_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    period_start: Mapped[date]
    period_end: Mapped[date]
    # "15/BC-VP"; empty until the document is numbered by the clerical office.
    number: Mapped[str] = mapped_column(String(NUMBER_MAX), default="")
    issued_on: Mapped[date | None]
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    # The officer's words, each a section of the document; figures come from the data.
    organisation: Mapped[str] = mapped_column(Text, default="")
    strengths: Mapped[str] = mapped_column(Text, default="")
    weaknesses: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[str] = mapped_column(Text, default="")
    signer_title: Mapped[str] = mapped_column(String(SIGNER_MAX), default="")
    signer_name: Mapped[str] = mapped_column(String(SIGNER_MAX), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    campaign: Mapped[Campaign] = relationship(lazy="raise_on_sql")

    @property
    def is_final(self) -> bool:
        return self.kind == ReportKind.FINAL
