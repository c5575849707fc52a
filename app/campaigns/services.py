"""Campaign use cases: the current campaign, the default one seeded from the plan."""

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import audit
from app.campaigns.plan import read_plan
from app.extensions import db
from app.models.campaigns import (
    AppliesTo,
    Campaign,
    CommendationForm,
    ContentArea,
    Criterion,
    EmulationTitle,
)

DEFAULT_CODE = "DMST-CDS-CDX-2026"
DEFAULT_TITLES = (
    (AppliesTo.INDIVIDUAL, "Lao động tiên tiến"),
    (AppliesTo.INDIVIDUAL, "Chiến sĩ thi đua cơ sở"),
    (AppliesTo.INDIVIDUAL, "Chiến sĩ thi đua cấp tỉnh"),
    (AppliesTo.UNIT, "Tập thể lao động tiên tiến"),
    (AppliesTo.UNIT, "Tập thể lao động xuất sắc"),
)
DEFAULT_COMMENDATION_FORMS = (
    (AppliesTo.INDIVIDUAL, "Giấy khen của Chánh Văn phòng UBND tỉnh"),
    (AppliesTo.INDIVIDUAL, "Bằng khen của Chủ tịch UBND tỉnh"),
    (AppliesTo.UNIT, "Giấy khen của Chánh Văn phòng UBND tỉnh"),
    (AppliesTo.UNIT, "Bằng khen của Chủ tịch UBND tỉnh"),
)


def campaign_query(with_areas: bool = False, with_everything: bool = False):
    stmt = select(Campaign)
    if with_areas or with_everything:
        stmt = stmt.options(selectinload(Campaign.content_areas))
    if with_everything:
        stmt = stmt.options(
            selectinload(Campaign.criteria),
            selectinload(Campaign.titles),
            selectinload(Campaign.commendation_forms),
        )
    return stmt


def current_campaign(with_areas: bool = False, with_everything: bool = False) -> Campaign | None:
    """The campaign under way: the one that started last."""
    stmt = campaign_query(with_areas, with_everything)
    return db.session.scalar(stmt.order_by(Campaign.starts_on.desc(), Campaign.id.desc()).limit(1))


def seed_default_campaign(
    plan_path: Path | None = None,
    starts_on: date = date(2026, 6, 1),
    ends_on: date = date(2030, 12, 31),
    registration_deadline: date | None = date(2026, 12, 31),
) -> tuple[Campaign, bool]:
    """Create the plan's campaign unless it exists; returns (campaign, created)."""
    existing = db.session.scalar(select(Campaign).where(Campaign.code == DEFAULT_CODE))
    if existing is not None:
        return existing, False
    plan = read_plan(plan_path)
    campaign = Campaign(
        code=DEFAULT_CODE,
        name=plan.name,
        plan_reference=plan.plan_reference,
        purpose=plan.purpose,
        starts_on=starts_on,
        ends_on=ends_on,
        registration_deadline=registration_deadline,
    )
    campaign.content_areas = [
        ContentArea(position=i, code=area.code, title=area.title)
        for i, area in enumerate(plan.areas, start=1)
    ]
    criteria = [
        Criterion(applies_to=AppliesTo.UNIT, position=i, code=f"III.1.a.{i}", text=text)
        for i, text in enumerate(plan.unit_criteria, start=1)
    ]
    criteria += [
        Criterion(applies_to=AppliesTo.INDIVIDUAL, position=i, code="III.1.b", text=text)
        for i, text in enumerate(plan.individual_criteria, start=1)
    ]
    campaign.criteria = criteria
    campaign.titles = [
        EmulationTitle(applies_to=kind, position=i, name=name)
        for i, (kind, name) in enumerate(DEFAULT_TITLES, start=1)
    ]
    campaign.commendation_forms = [
        CommendationForm(applies_to=kind, position=i, name=name)
        for i, (kind, name) in enumerate(DEFAULT_COMMENDATION_FORMS, start=1)
    ]
    db.session.add(campaign)
    db.session.flush()
    audit.record(None, "campaign.seeded", campaign, label=campaign.name)
    db.session.commit()
    return campaign, True
