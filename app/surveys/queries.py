"""What the survey list reads: the open surveys addressed to a person with whether they have
answered or have a draft, every survey for the officer and the leaders, response counts."""

from datetime import datetime
from functools import cache

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.directory import User
from app.models.surveys import (
    Survey,
    SurveyDraft,
    SurveyParticipation,
    SurveyResponse,
    SurveyStatus,
    survey_units,
)


def _addressed_to(unit_id):
    """SQL: the survey is addressed to a person of this unit (a value or a parameter)."""
    in_units = select(survey_units.c.survey_id).where(
        survey_units.c.survey_id == Survey.id, survey_units.c.unit_id == unit_id
    )
    return or_(Survey.is_open_to_all.is_(True), in_units.exists())


@cache
def _open_for_query():
    """Built once: the home page asks it of everyone."""
    user_id, now = bindparam("user_id"), bindparam("now")
    return (
        select(
            Survey,
            SurveyParticipation.user_id.is_not(None),
            SurveyDraft.id.is_not(None),
        )
        .outerjoin(
            SurveyParticipation,
            and_(
                SurveyParticipation.survey_id == Survey.id,
                SurveyParticipation.user_id == user_id,
            ),
        )
        .outerjoin(
            SurveyDraft, and_(SurveyDraft.survey_id == Survey.id, SurveyDraft.user_id == user_id)
        )
        .where(
            Survey.status == SurveyStatus.PUBLISHED,
            Survey.opens_at <= now,
            Survey.closes_at > now,
            _addressed_to(bindparam("unit_id")),
        )
        .order_by(Survey.closes_at, Survey.id)
    )


def open_for(user: User, now: datetime) -> list[tuple[Survey, bool, bool]]:
    """[(survey, answered, has a named draft)] of the open surveys addressed to the user (one
    query)."""
    if not user.is_active:
        return []
    values = {"now": now, "user_id": user.id, "unit_id": user.unit_id}
    rows = db.session.execute(_open_for_query(), values).all()
    return [(survey, bool(answered), bool(draft)) for survey, answered, draft in rows]


def all_surveys() -> list[Survey]:
    return list(
        db.session.scalars(
            select(Survey)
            .options(joinedload(Survey.campaign))
            .order_by(Survey.opens_at.desc(), Survey.id.desc())
        )
    )


def response_counts() -> dict[int, int]:
    return dict(
        db.session.execute(
            select(SurveyResponse.survey_id, func.count()).group_by(SurveyResponse.survey_id)
        ).all()
    )
