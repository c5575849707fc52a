"""End-of-period assessment of commitments (đánh giá kết quả thực hiện cuối kỳ).

The officer sets the campaign's assessment window. Within it the owner of a confirmed
commitment (the person, or the unit's head for the collective one) rates each item of the
confirmed version as done, partly done or not done, with a note, and may correct that until the
reviewer acts. The reviewer, the same person who confirms the commitment (services.can_review:
the head of the unit, or the officer for units and for heads with no head above them), then
agrees with each rating or changes it and gives the overall result and a comment; the owner is
notified. The reviewer may finish after the window closes.

Assessments are rows of their own (app/models/assessments.py): the signed version and its seal
never change. Each use case takes the acting user, checks permission and state, changes the
data, audits and commits once. The figures for tracking and the home page are grouped in SQL.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from sqlalchemy import and_, func, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from app import audit
from app.commitments import review, services
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.models.assessments import (
    COMMENT_MAX,
    NOTE_MAX,
    AssessmentPeriod,
    AssessmentResult,
    AssessmentStatus,
    CommitmentAssessment,
    ItemAssessment,
    Rating,
)
from app.models.campaigns import Campaign
from app.models.commitments import Commitment, CommitmentKind, CommitmentStatus, CommitmentVersion
from app.models.directory import Role, Unit, User
from app.notifications.services import link_to, notify
from app.text import clean_paragraphs

RATINGS = tuple(rating.value for rating in Rating)
RESULTS = tuple(result.value for result in AssessmentResult)


# The assessment window -------------------------------------------------------------------


def period_of(campaign: Campaign) -> AssessmentPeriod | None:
    """The campaign's assessment period: as loaded with the campaign (the home page's
    statement), else read."""
    if "assessment_period" not in inspect(campaign).unloaded:
        return campaign.assessment_period
    return db.session.get(AssessmentPeriod, campaign.id)


def set_period(
    actor: User, campaign: Campaign, opens_on: date | None, closes_on: date | None
) -> AssessmentPeriod:
    """Open (or move, or close by an end in the past) the campaign's assessment window."""
    if not actor.has_role(Role.OFFICER):
        raise NotAllowed(_("Only the emulation officer can set the assessment period."))
    errors: dict[str, list[str]] = {}
    if opens_on is None:
        errors["opens_on"] = [_("Enter the first day of the assessment.")]
    if closes_on is None:
        errors["closes_on"] = [_("Enter the last day of the assessment.")]
    elif opens_on is not None and closes_on < opens_on:
        errors["closes_on"] = [_("The last day must be on or after the first day.")]
    if errors:
        raise ValidationFailed(errors)
    period = period_of(campaign)
    before = (period.opens_on.isoformat(), period.closes_on.isoformat()) if period else None
    if period is None:
        period = AssessmentPeriod(campaign_id=campaign.id)
        db.session.add(period)
    period.opens_on, period.closes_on = opens_on, closes_on
    period.updated_by_id = actor.id
    audit.record(
        actor,
        "assessment.period_set",
        campaign,
        label=campaign.name,
        opens_on=opens_on.isoformat(),
        closes_on=closes_on.isoformat(),
        before=list(before) if before else None,
    )
    db.session.commit()
    return period


def is_open(campaign: Campaign, today: date) -> bool:
    period = period_of(campaign)
    return period is not None and period.is_open(today)


# Reading ---------------------------------------------------------------------------------


def load(commitment: Commitment) -> CommitmentAssessment | None:
    """The commitment's assessment with its items' ratings, or None."""
    return db.session.scalar(
        select(CommitmentAssessment)
        .where(CommitmentAssessment.commitment_id == commitment.id)
        .options(selectinload(CommitmentAssessment.items))
    )


def ratings_by_item(assessment: CommitmentAssessment | None) -> dict[int, ItemAssessment]:
    return {row.item_id: row for row in assessment.items} if assessment else {}


def assessed_version(commitment: Commitment, assessment: CommitmentAssessment | None):
    """The version to assess or assessed: the assessment's, else the latest one."""
    if assessment is not None:
        return services.load_version(assessment.version_id)
    return services.latest_version(commitment)


# Checks shared by both steps -------------------------------------------------------------


def _note(value: str | None) -> str:
    return clean_paragraphs(value)


def _answers(
    version: CommitmentVersion, answers: dict[int, tuple[str | None, str | None]], prefix: str
) -> tuple[dict[int, tuple[str, str]], dict[str, list[str]]]:
    """Each item's (rating, note) checked: a known rating for every item, notes in length."""
    cleaned, errors = {}, {}
    for item in version.items:
        rating, note = answers.get(item.id, (None, None))
        note = _note(note)
        if rating not in RATINGS:
            errors[f"{prefix}rating-{item.id}"] = [_("Choose how far this item was carried out.")]
        if len(note) > NOTE_MAX:
            errors[f"{prefix}note-{item.id}"] = [_("At most %(max)d characters.", max=NOTE_MAX)]
        cleaned[item.id] = (rating, note)
    return cleaned, errors


# Self-assessment -------------------------------------------------------------------------


def can_self_assess(actor: User, commitment: Commitment) -> bool:
    return services.is_owner(actor, commitment)


def self_assess(
    actor: User,
    commitment: Commitment,
    answers: dict[int, tuple[str | None, str | None]],
    note: str | None,
    today: date,
) -> CommitmentAssessment:
    """The owner rates each item of the confirmed version (again, until it is assessed)."""
    if not can_self_assess(actor, commitment):
        raise NotAllowed(_("Only the owner of the commitment can assess it themselves."))
    if commitment.status != CommitmentStatus.CONFIRMED:
        raise InvalidTransition(_("Only a confirmed commitment can be assessed."))
    campaign = db.session.get(Campaign, commitment.campaign_id)
    if not is_open(campaign, today):
        raise InvalidTransition(_("The assessment period is not open."))
    assessment = load(commitment)
    if assessment is not None and assessment.is_assessed:
        raise InvalidTransition(_("The commitment has already been assessed."))
    version = assessed_version(commitment, assessment)
    cleaned, errors = _answers(version, answers, "")
    note = _note(note)
    if len(note) > COMMENT_MAX:
        errors["self_note"] = [_("At most %(max)d characters.", max=COMMENT_MAX)]
    if errors:
        raise ValidationFailed(errors)

    now = datetime.now(UTC).replace(microsecond=0)
    fields = {
        "self_note": note,
        "self_assessed_at": now,
        "self_assessed_by_id": actor.id,
        "self_assessed_by_name": actor.full_name,
    }
    if assessment is None:
        assessment = CommitmentAssessment(
            commitment_id=commitment.id,
            version_id=version.id,
            status=AssessmentStatus.SELF_ASSESSED,
            **fields,
        )
        assessment.items = [
            ItemAssessment(item_id=item_id, self_rating=rating, self_note=item_note)
            for item_id, (rating, item_note) in cleaned.items()
        ]
        db.session.add(assessment)
        try:
            db.session.flush()
        except IntegrityError:
            # Sent twice at once: the other request's self-assessment stands.
            db.session.rollback()
            raise InvalidTransition(
                _("The self-assessment has just been saved elsewhere; check it and save again.")
            ) from None
        action = "commitment.self_assessed"
    else:
        # Conditional: the reviewer may have assessed it since the page was read.
        changed = db.session.execute(
            update(CommitmentAssessment)
            .where(
                CommitmentAssessment.id == assessment.id,
                CommitmentAssessment.status == AssessmentStatus.SELF_ASSESSED,
            )
            .values(**fields)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:
            db.session.rollback()
            raise InvalidTransition(_("The commitment has already been assessed."))
        for row in assessment.items:
            row.self_rating, row.self_note = cleaned[row.item_id]
        action = "commitment.self_assessment_changed"
    audit.record(
        actor,
        action,
        commitment,
        label=review.owner_name(commitment),
        version=version.number,
        **_tally(rating for rating, _note_ in cleaned.values()),
    )
    db.session.commit()
    return assessment


def _tally(ratings) -> dict[str, int]:
    counts = dict.fromkeys(RATINGS, 0)
    for rating in ratings:
        counts[rating] += 1
    return counts


# The reviewer's assessment ---------------------------------------------------------------


def can_assess(actor: User, commitment: Commitment) -> bool:
    return services.can_review(actor, commitment)


def assess(
    actor: User,
    commitment: Commitment,
    answers: dict[int, tuple[str | None, str | None]],
    result: str | None,
    comment: str | None,
) -> CommitmentAssessment:
    """The reviewer agrees with or changes each item's rating and gives the overall result;
    a commitment not fulfilled needs a comment. The owner is notified."""
    if not can_assess(actor, commitment):
        raise NotAllowed(_("Only the reviewer of this commitment can assess it."))
    assessment = load(commitment)
    if assessment is None or assessment.status != AssessmentStatus.SELF_ASSESSED:
        raise InvalidTransition(
            _("Only a commitment its owner has assessed can be assessed; it may just have changed.")
        )
    version = assessed_version(commitment, assessment)
    cleaned, errors = _answers(version, answers, "")
    comment = _note(comment)
    if result not in RESULTS:
        errors["result"] = [_("Choose the overall result.")]
    elif result == AssessmentResult.NOT_FULFILLED and not comment:
        errors["comment"] = [_("Write why the commitment is not fulfilled.")]
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [_("At most %(max)d characters.", max=COMMENT_MAX)]
    if errors:
        raise ValidationFailed(errors)

    assessed = db.session.execute(
        update(CommitmentAssessment)
        .where(
            CommitmentAssessment.id == assessment.id,
            CommitmentAssessment.status == AssessmentStatus.SELF_ASSESSED,
        )
        .values(
            status=AssessmentStatus.ASSESSED,
            result=result,
            comment=comment,
            assessed_at=datetime.now(UTC).replace(microsecond=0),
            assessor_id=actor.id,
            assessor_name=actor.full_name,
        )
        .execution_options(synchronize_session=False)
    )
    if assessed.rowcount != 1:
        db.session.rollback()
        raise InvalidTransition(_("The commitment has already been assessed."))
    changed = 0
    for row in assessment.items:
        row.rating, row.note = cleaned[row.item_id]
        changed += row.rating != row.self_rating
    name = review.owner_name(commitment)
    _notify_owner(commitment, name, result)
    audit.record(
        actor,
        "commitment.assessed",
        commitment,
        label=name,
        version=version.number,
        result=result,
        changed=changed,
    )
    db.session.commit()
    return assessment


def _notify_owner(commitment: Commitment, name: str, result: str) -> None:
    fulfilled = result == AssessmentResult.FULFILLED
    if commitment.kind == CommitmentKind.INDIVIDUAL:
        kind = "commitment.assessed_fulfilled" if fulfilled else "commitment.assessed_not_fulfilled"
        notify(commitment.user_id, kind, {}, link_to("commitments.mine"))
        return
    head_id = db.session.scalar(select(Unit.head_id).where(Unit.id == commitment.unit_id))
    if head_id is not None:
        kind = (
            "commitment.unit_assessed_fulfilled"
            if fulfilled
            else "commitment.unit_assessed_not_fulfilled"
        )
        notify(head_id, kind, {"unit": name}, link_to("commitments.unit"))


# Figures -----------------------------------------------------------------------------------


@dataclass
class Figures:
    """Individual commitments confirmed, and how far their assessment has gone."""

    confirmed: int = 0
    self_assessed: int = 0  # waiting for the reviewer
    fulfilled: int = 0
    not_fulfilled: int = 0

    @property
    def assessed(self) -> int:
        return self.fulfilled + self.not_fulfilled

    @property
    def not_started(self) -> int:
        return self.confirmed - self.self_assessed - self.assessed

    @property
    def percent(self) -> float | None:
        """Assessed over confirmed, in percent; None when nothing is confirmed."""
        if not self.confirmed:
            return None
        return round(100 * self.assessed / self.confirmed, 1)

    def add(self, other: "Figures") -> None:
        for name in ("confirmed", "self_assessed", "fulfilled", "not_fulfilled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def figures_by_unit(campaign: Campaign) -> dict[int | None, Figures]:
    """Per unit of the person: confirmed commitments of active people and their assessments
    (one grouped query)."""
    stmt = (
        select(
            User.unit_id,
            func.count(Commitment.id),
            func.count(CommitmentAssessment.id).filter(
                CommitmentAssessment.status == AssessmentStatus.SELF_ASSESSED
            ),
            func.count(CommitmentAssessment.id).filter(
                CommitmentAssessment.result == AssessmentResult.FULFILLED
            ),
            func.count(CommitmentAssessment.id).filter(
                CommitmentAssessment.result == AssessmentResult.NOT_FULFILLED
            ),
        )
        .select_from(User)
        .join(
            Commitment,
            and_(Commitment.user_id == User.id, Commitment.campaign_id == campaign.id),
        )
        .outerjoin(CommitmentAssessment, CommitmentAssessment.commitment_id == Commitment.id)
        .where(User.is_active.is_(True), Commitment.status == CommitmentStatus.CONFIRMED)
        .group_by(User.unit_id)
    )
    return {unit_id: Figures(*counts) for unit_id, *counts in db.session.execute(stmt)}


@dataclass(frozen=True)
class AssessedRow:
    """One person's assessed or self-assessed commitment, for the tracking workbook."""

    full_name: str
    position: str
    unit_id: int | None
    status: str
    result: str
    self_counts: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    assessor_name: str = ""
    comment: str = ""


def assessed_people(campaign: Campaign, unit_ids: set[int] | None = None) -> list[AssessedRow]:
    """Active people whose commitment has an assessment, with their items' ratings counted by
    the owner and by the reviewer (one query)."""
    columns = [
        func.count(ItemAssessment.id).filter(ItemAssessment.self_rating == rating)
        for rating in RATINGS
    ]
    columns += [
        func.count(ItemAssessment.id).filter(ItemAssessment.rating == rating) for rating in RATINGS
    ]
    stmt = (
        select(
            User.full_name,
            User.position,
            User.unit_id,
            CommitmentAssessment.status,
            CommitmentAssessment.result,
            CommitmentAssessment.assessor_name,
            CommitmentAssessment.comment,
            *columns,
        )
        .select_from(User)
        .join(
            Commitment,
            and_(Commitment.user_id == User.id, Commitment.campaign_id == campaign.id),
        )
        .join(CommitmentAssessment, CommitmentAssessment.commitment_id == Commitment.id)
        .outerjoin(ItemAssessment, ItemAssessment.assessment_id == CommitmentAssessment.id)
        .where(User.is_active.is_(True))
        .group_by(
            User.id,
            User.full_name,
            User.position,
            User.unit_id,
            User.name_sort,
            CommitmentAssessment.id,
            CommitmentAssessment.status,
            CommitmentAssessment.result,
            CommitmentAssessment.assessor_name,
            CommitmentAssessment.comment,
        )
        .order_by(User.name_sort, User.id)
    )
    if unit_ids is not None:
        stmt = stmt.where(User.unit_id.in_(unit_ids))
    rows = []
    for name, position, unit_id, status, result, assessor, comment, *counts in db.session.execute(
        stmt
    ):
        rows.append(
            AssessedRow(
                full_name=name,
                position=position,
                unit_id=unit_id,
                status=status,
                result=result or "",
                self_counts=dict(zip(RATINGS, counts[:3], strict=True)),
                counts=dict(zip(RATINGS, counts[3:], strict=True)),
                assessor_name=assessor,
                comment=comment,
            )
        )
    return rows


def _waiting(campaign: Campaign, who) -> int:
    """How many self-assessed individual commitments of the people `who(unit, parent)`."""
    parent = aliased(Unit)
    return db.session.scalar(
        select(func.count(CommitmentAssessment.id))
        .select_from(User)
        .outerjoin(Unit, User.unit_id == Unit.id)
        .outerjoin(parent, Unit.parent_id == parent.id)
        .join(
            Commitment,
            and_(Commitment.user_id == User.id, Commitment.campaign_id == campaign.id),
        )
        .join(CommitmentAssessment, CommitmentAssessment.commitment_id == Commitment.id)
        .where(
            User.is_active.is_(True),
            CommitmentAssessment.status == AssessmentStatus.SELF_ASSESSED,
            who(Unit, parent),
        )
    )


def waiting_for_head(actor: User, campaign: Campaign) -> int:
    """Members' self-assessments waiting for this head's assessment (one query)."""
    return _waiting(campaign, review.members_of(actor))


def waiting_for_officer(actor: User, campaign: Campaign) -> int:
    """Self-assessments waiting for the officer: the units' collective commitments and the
    people review.officers_people gives them (two queries)."""
    units = db.session.scalar(
        select(func.count(CommitmentAssessment.id))
        .join(Commitment, CommitmentAssessment.commitment_id == Commitment.id)
        .outerjoin(Unit, Commitment.unit_id == Unit.id)
        .where(
            Commitment.campaign_id == campaign.id,
            Commitment.kind == CommitmentKind.UNIT,
            CommitmentAssessment.status == AssessmentStatus.SELF_ASSESSED,
            # Never the collective commitment of a unit the officer heads.
            (Unit.head_id.is_(None)) | (Unit.head_id != actor.id),
        )
    )
    return units + _waiting(campaign, review.officers_people(actor))


def page_context(commitment: Commitment, campaign: Campaign, today: date) -> dict:
    """What a commitment's pages show of its assessment (two queries)."""
    found = load(commitment)
    period = period_of(campaign)
    return {
        "assessment": found,
        "ratings": ratings_by_item(found),
        "period": period,
        "assessment_open": period is not None and period.is_open(today),
    }


def tracking_rows(rows, figures: dict[int | None, Figures]) -> tuple[list, Figures]:
    """The tracking table's unit rows (tracking.UnitRow) paired with their assessment figures,
    and the totals of those rows."""
    paired = [(row, figures.get(row.unit_id, Figures())) for row in rows]
    totals = Figures()
    for _row, unit_figures in paired:
        totals.add(unit_figures)
    return paired, totals


def rating_counts(commitment_ids) -> dict[int, tuple[dict[str, int], dict[str, int]]]:
    """{commitment id: (the owner's ratings counted, the reviewer's)} of those assessed (one
    query)."""
    ids = [i for i in commitment_ids if i is not None]
    if not ids:
        return {}
    columns = [
        func.count(ItemAssessment.id).filter(ItemAssessment.self_rating == rating)
        for rating in RATINGS
    ]
    columns += [
        func.count(ItemAssessment.id).filter(ItemAssessment.rating == rating) for rating in RATINGS
    ]
    rows = db.session.execute(
        select(CommitmentAssessment.commitment_id, *columns)
        .join(ItemAssessment, ItemAssessment.assessment_id == CommitmentAssessment.id)
        .where(CommitmentAssessment.commitment_id.in_(ids))
        .group_by(CommitmentAssessment.commitment_id)
    )
    return {
        commitment_id: (
            dict(zip(RATINGS, counts[:3], strict=True)),
            dict(zip(RATINGS, counts[3:], strict=True)),
        )
        for commitment_id, *counts in rows
    }
