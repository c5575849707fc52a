"""The figures of a report: a campaign's state on the day the report is made (per unit and per
content area, from the monitoring dashboard's queries) and what happened within its period
(signatures, initiatives submitted, voting rounds, surveys, reminders). Everything is grouped
in SQL; the number of queries grows with the rounds and surveys of the period, never with the
staff or the answers."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from app.commitments.tracking import SIGNED
from app.extensions import db
from app.models.assessments import AssessmentResult, CommitmentAssessment
from app.models.campaigns import Campaign, CommendationForm, ContentArea
from app.models.commendations import Commendation, CommendationStatus
from app.models.commitments import (
    Commitment,
    CommitmentItem,
    CommitmentKind,
    CommitmentVersion,
)
from app.models.directory import Unit
from app.models.initiatives import Initiative, InitiativeAuthor, InitiativeStatus
from app.models.reminders import Reminder
from app.models.surveys import Survey, SurveyParticipation, SurveyStatus
from app.models.voting import RoundStatus, VotingRound
from app.monitoring import queries as monitoring
from app.surveys.results import awareness_index
from app.surveys.services import audience
from app.voting import queries as voting
from app.web.filters import local_zone

# Initiatives that reached the office: every status but the author's draft.
SUBMITTED = tuple(status for status in InitiativeStatus if status != InitiativeStatus.DRAFT)
ACCEPTED = (InitiativeStatus.ACCEPTED, InitiativeStatus.RECOGNIZED, InitiativeStatus.NOT_RECOGNIZED)
TOP_CANDIDATES = 3


def percent(done: int, of: int) -> float | None:
    return round(100 * done / of, 1) if of else None


@dataclass
class AreaLine:
    """One content area (mục II): what was committed to and the initiatives filed under it."""

    area: ContentArea
    items: int = 0  # commitment items in signed commitments
    submitted: int = 0
    accepted: int = 0
    recognized: int = 0

    @property
    def name(self) -> str:
        """The area's code and title ("II.2. Thi đua phát triển hạ tầng số, ...")."""
        area = self.area
        return f"{area.code}. {area.title}" if area.code else area.title

    @property
    def short_name(self) -> str:
        """For a table's row: the title up to its first colon, where the plan's long titles
        begin their explanation."""
        return self.name.split(":", 1)[0]


@dataclass
class RoundLine:
    round: VotingRound
    eligible: int
    voted: int
    # The first candidates (title, votes), once the round is closed; the ballot stays secret.
    leaders: list[tuple[str, int]]

    @property
    def rate(self) -> float | None:
        return percent(self.voted, self.eligible)


@dataclass
class SurveyLine:
    survey: Survey
    addressed: int
    answered: int
    index: float | None  # awareness index in percent

    @property
    def rate(self) -> float | None:
        return percent(self.answered, self.addressed)


@dataclass
class Assessed:
    """The end-of-period assessment of one kind of commitment (individual or unit)."""

    self_assessed: int = 0  # self-assessed, assessed or not
    assessed: int = 0
    fulfilled: int = 0


@dataclass
class Figures:
    campaign: Campaign
    start: date
    end: date
    board: monitoring.Dashboard  # per unit and for the office, as of today
    units: int
    units_signed: int  # units whose collective commitment is signed or confirmed
    signed_in_period: int  # people whose commitment was signed within the period
    units_signed_in_period: int
    submitted_in_period: int
    areas: list[AreaLine]
    statuses: dict[str, int]  # initiatives of the campaign by status (drafts left out)
    recognized: list[Initiative]
    rounds: list[RoundLine]
    surveys: list[SurveyLine]
    reminders: int
    reminded_people: int
    assessed: dict[str, Assessed]  # by commitment kind
    commendations: dict[str, int]  # by status
    approved: list[Commendation]  # with their form, in the order of the forms

    @property
    def staff(self) -> int:
        return self.board.totals.staff

    @property
    def submitted(self) -> int:
        return sum(self.statuses.values())

    @property
    def accepted(self) -> int:
        return sum(self.statuses.get(status, 0) for status in ACCEPTED)


def utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's first and after-last instants in UTC, its days taken in the office's zone."""
    zone = local_zone()
    since = datetime.combine(start, time.min, tzinfo=zone).astimezone(UTC)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return since, until


def _signed_in_period(campaign: Campaign, since: datetime, until: datetime) -> dict[str, int]:
    """{kind: owners with a version signed within the period} (one query)."""
    rows = db.session.execute(
        select(Commitment.kind, func.count(func.distinct(Commitment.id)))
        .join(CommitmentVersion, CommitmentVersion.commitment_id == Commitment.id)
        .where(
            Commitment.campaign_id == campaign.id,
            CommitmentVersion.signed_at >= since,
            CommitmentVersion.signed_at < until,
        )
        .group_by(Commitment.kind)
    ).all()
    return dict(rows)


def _units(campaign: Campaign) -> tuple[int, int]:
    """(units, units whose collective commitment is signed or confirmed) (one query)."""
    signed = (
        select(func.count(Commitment.id))
        .where(
            Commitment.campaign_id == campaign.id,
            Commitment.kind == CommitmentKind.UNIT,
            Commitment.status.in_(SIGNED),
        )
        .scalar_subquery()
    )
    return db.session.execute(select(func.count(Unit.id), signed)).one()


def _areas(campaign: Campaign) -> list[AreaLine]:
    """Each content area with its committed items and initiatives (three queries)."""
    areas = db.session.scalars(
        select(ContentArea)
        .where(ContentArea.campaign_id == campaign.id)
        .order_by(ContentArea.position, ContentArea.id)
    ).all()
    lines = {area.id: AreaLine(area) for area in areas}
    items = db.session.execute(
        select(CommitmentItem.content_area_id, func.count(CommitmentItem.id))
        .join(CommitmentVersion, CommitmentVersion.id == CommitmentItem.version_id)
        .join(
            Commitment,
            and_(
                Commitment.id == CommitmentVersion.commitment_id,
                Commitment.current_number == CommitmentVersion.number,
            ),
        )
        .where(Commitment.campaign_id == campaign.id, Commitment.status.in_(SIGNED))
        .group_by(CommitmentItem.content_area_id)
    ).all()
    for area_id, count in items:
        if area_id in lines:
            lines[area_id].items = count
    counted = db.session.execute(
        select(Initiative.content_area_id, Initiative.status, func.count(Initiative.id))
        .where(Initiative.campaign_id == campaign.id, Initiative.status.in_(SUBMITTED))
        .group_by(Initiative.content_area_id, Initiative.status)
    ).all()
    for area_id, status, count in counted:
        line = lines.get(area_id)
        if line is None:
            continue
        line.submitted += count
        if status in ACCEPTED:
            line.accepted += count
        if status == InitiativeStatus.RECOGNIZED:
            line.recognized += count
    return list(lines.values())


def _statuses(campaign: Campaign) -> dict[str, int]:
    rows = db.session.execute(
        select(Initiative.status, func.count(Initiative.id))
        .where(Initiative.campaign_id == campaign.id, Initiative.status.in_(SUBMITTED))
        .group_by(Initiative.status)
    ).all()
    return dict(rows)


def _submitted_in_period(campaign: Campaign, since: datetime, until: datetime) -> int:
    return db.session.scalar(
        select(func.count(Initiative.id)).where(
            Initiative.campaign_id == campaign.id,
            Initiative.status.in_(SUBMITTED),
            Initiative.submitted_at >= since,
            Initiative.submitted_at < until,
        )
    )


def _initiatives(campaign: Campaign, statuses) -> list[Initiative]:
    """The campaign's initiatives in these statuses with their unit and authors (three
    queries)."""
    return list(
        db.session.scalars(
            select(Initiative)
            .where(Initiative.campaign_id == campaign.id, Initiative.status.in_(statuses))
            .options(
                selectinload(Initiative.unit),
                selectinload(Initiative.authors).selectinload(InitiativeAuthor.user),
            )
            .order_by(Initiative.title, Initiative.id)
        )
    )


def initiatives_by_area(campaign: Campaign) -> dict[int | None, list[Initiative]]:
    """{content area id: the initiatives submitted under it}, for the workbook."""
    grouped: dict[int | None, list[Initiative]] = {}
    for initiative in _initiatives(campaign, SUBMITTED):
        grouped.setdefault(initiative.content_area_id, []).append(initiative)
    return grouped


def _rounds(campaign: Campaign, since: datetime, until: datetime, now: datetime):
    """The published rounds open at some time within the period, with their turnout and, once
    closed, their first candidates (three queries each)."""
    rounds = db.session.scalars(
        select(VotingRound)
        .where(
            VotingRound.campaign_id == campaign.id,
            VotingRound.status == RoundStatus.PUBLISHED,
            VotingRound.opens_at < until,
            VotingRound.closes_at >= since,
        )
        .options(selectinload(VotingRound.units))
        .order_by(VotingRound.opens_at, VotingRound.id)
    ).all()
    lines = []
    for round_ in rounds:
        total, _units = voting.turnout(round_)
        leaders = []
        if round_.is_closed(now):
            standings, _counted = voting.standings(round_)
            leaders = [(s.candidate.title, s.votes) for s in standings[:TOP_CANDIDATES] if s.votes]
        lines.append(RoundLine(round_, total.eligible, total.voted, leaders))
    return lines


def _surveys(campaign: Campaign, since: datetime, until: datetime) -> list[SurveyLine]:
    """The published surveys open at some time within the period, with their response rate
    and awareness index (three queries each)."""
    surveys = db.session.scalars(
        select(Survey)
        .where(
            Survey.campaign_id == campaign.id,
            Survey.status.in_((SurveyStatus.PUBLISHED, SurveyStatus.CLOSED)),
            Survey.opens_at < until,
            Survey.closes_at >= since,
        )
        .options(selectinload(Survey.units))
        .order_by(Survey.opens_at, Survey.id)
    ).all()
    lines = []
    for survey in surveys:
        people = audience(survey).subquery()
        addressed, answered = db.session.execute(
            select(func.count(people.c.id), func.count(SurveyParticipation.user_id))
            .select_from(people)
            .outerjoin(
                SurveyParticipation,
                and_(
                    SurveyParticipation.user_id == people.c.id,
                    SurveyParticipation.survey_id == survey.id,
                ),
            )
        ).one()
        index = awareness_index(survey)
        lines.append(
            SurveyLine(survey, addressed, answered, round(100 * index, 1) if index else index)
        )
    return lines


def _assessed(campaign: Campaign) -> dict[str, Assessed]:
    """{kind: Assessed} of the campaign's commitments (one query)."""
    rows = db.session.execute(
        select(
            Commitment.kind,
            func.count(CommitmentAssessment.id),
            func.count(CommitmentAssessment.result),
            func.count(CommitmentAssessment.id).filter(
                CommitmentAssessment.result == AssessmentResult.FULFILLED
            ),
        )
        .join(Commitment, Commitment.id == CommitmentAssessment.commitment_id)
        .where(Commitment.campaign_id == campaign.id)
        .group_by(Commitment.kind)
    ).all()
    return {kind: Assessed(done, assessed, fulfilled) for kind, done, assessed, fulfilled in rows}


def _commendations(campaign: Campaign) -> tuple[dict[str, int], list[Commendation]]:
    """The campaign's proposals by status, and the approved ones with their form (two
    queries)."""
    counts = dict(
        db.session.execute(
            select(Commendation.status, func.count(Commendation.id))
            .where(Commendation.campaign_id == campaign.id)
            .group_by(Commendation.status)
        ).all()
    )
    approved = db.session.scalars(
        select(Commendation)
        .join(CommendationForm, CommendationForm.id == Commendation.form_id)
        .where(
            Commendation.campaign_id == campaign.id,
            Commendation.status == CommendationStatus.APPROVED,
        )
        .options(selectinload(Commendation.form))
        .order_by(CommendationForm.position, Commendation.unit_id.is_(None), Commendation.id)
    ).all()
    return counts, list(approved)


def _reminders(since: datetime, until: datetime) -> tuple[int, int]:
    return db.session.execute(
        select(func.count(Reminder.id), func.count(func.distinct(Reminder.user_id))).where(
            Reminder.sent_at >= since, Reminder.sent_at < until
        )
    ).one()


def gather(campaign: Campaign, start: date, end: date, now: datetime, today: date) -> Figures:
    """Every figure a report of `campaign` over [start, end] shows."""
    since, until = utc_bounds(start, end)
    units, units_signed = _units(campaign)
    signed = _signed_in_period(campaign, since, until)
    reminders, reminded = _reminders(since, until)
    commendations, approved = _commendations(campaign)
    return Figures(
        campaign=campaign,
        start=start,
        end=end,
        board=monitoring.dashboard(campaign, now, today),
        units=units,
        units_signed=units_signed,
        signed_in_period=signed.get(CommitmentKind.INDIVIDUAL, 0),
        units_signed_in_period=signed.get(CommitmentKind.UNIT, 0),
        submitted_in_period=_submitted_in_period(campaign, since, until),
        areas=_areas(campaign),
        statuses=_statuses(campaign),
        recognized=_initiatives(campaign, (InitiativeStatus.RECOGNIZED,)),
        rounds=_rounds(campaign, since, until, now),
        surveys=_surveys(campaign, since, until),
        reminders=reminders,
        reminded_people=reminded,
        assessed=_assessed(campaign),
        commendations=commendations,
        approved=approved,
    )
