"""What the monitoring dashboard reads for the current campaign, per unit and for the office:
staff, commitments signed and confirmed, initiatives submitted and recognized, the latest
voting round's turnout, the open surveys' response rate, and signatures and responses per day.
Every figure is grouped in SQL, so the page runs the same queries whatever the number of staff.
"""

from dataclasses import astuple, dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from app.audiences import Audience
from app.commitments.tracking import STATUSES, Figures, figures_statement, read_figures
from app.directory import UnitLevel, unit_level, unit_tree
from app.extensions import db
from app.figures_cache import cached
from app.models.campaigns import Campaign
from app.models.commitments import Commitment, CommitmentVersion
from app.models.directory import User
from app.models.initiatives import Initiative, InitiativeStatus
from app.models.surveys import Survey, SurveyParticipation, SurveyStatus
from app.models.voting import RoundStatus, VotingParticipant, VotingRound
from app.surveys.services import SURVEY_AUDIENCE
from app.voting.services import ROUND_AUDIENCE
from app.web.filters import local_zone

DAYS = 30
SORT_KEYS = ("unit", "staff", "signed", "confirmed", "submitted", "recognized", "voted", "answered")


def _rate(done: int, of: int) -> float | None:
    return round(100 * done / of, 1) if of else None


@dataclass
class Row:
    unit_id: int | None
    name: str
    depth: int
    staff: int = 0
    signed: int = 0
    confirmed: int = 0
    submitted: int = 0
    recognized: int = 0
    voters: int = 0  # eligible in the latest round
    voted: int = 0
    addressed: int = 0  # people the open surveys are for (summed over surveys)
    answered: int = 0
    below: int = 0  # units whose figures this row includes besides its own (one level shown)
    is_own: bool = False  # the people of the opened unit itself, not of a unit below it

    @property
    def signed_rate(self):
        return _rate(self.signed, self.staff)

    @property
    def confirmed_rate(self):
        return _rate(self.confirmed, self.staff)

    @property
    def voted_rate(self):
        return _rate(self.voted, self.voters)

    @property
    def answered_rate(self):
        return _rate(self.answered, self.addressed)

    def add(self, other: "Row") -> None:
        for name in (
            "staff",
            "signed",
            "confirmed",
            "submitted",
            "recognized",
            "voters",
            "voted",
            "addressed",
            "answered",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Dashboard:
    rows: list[Row]
    totals: Row
    latest_round: VotingRound | None
    open_surveys: list[Survey]
    days: list[tuple[date, int, int]] = field(default_factory=list)  # (day, signatures, answers)
    level: UnitLevel | None = None  # one level of a large tree, else the whole tree in rows
    level_total: Row | None = None  # the figures of the opened unit and all below it

    @property
    def top_day(self) -> int:
        return max((max(s, a) for _d, s, a in self.days), default=0)

    def shown(self) -> tuple:
        """Everything the board shows, as plain values: the key under which its drawing is
        kept (app/web/fragments.py). A value the board comes to show must be here too."""
        round_ = self.latest_round
        return (
            tuple(astuple(row) for row in self.rows),
            astuple(self.totals),
            (round_.id, round_.title) if round_ else None,
            tuple(survey.id for survey in self.open_surveys),
            tuple(self.days),
            None if self.level is None else tuple((u.id, u.name) for u in self.level.path),
            None if self.level_total is None else astuple(self.level_total),
        )


def _initiatives(campaign: Campaign) -> dict[int | None, tuple[int, int]]:
    submitted = func.count(Initiative.id)
    recognized = func.count(Initiative.id).filter(Initiative.status == InitiativeStatus.RECOGNIZED)
    rows = db.session.execute(
        select(Initiative.unit_id, submitted, recognized)
        .where(Initiative.campaign_id == campaign.id, Initiative.status != InitiativeStatus.DRAFT)
        .group_by(Initiative.unit_id)
    ).all()
    return {unit_id: (s, r) for unit_id, s, r in rows}


def latest_round(campaign: Campaign, now: datetime) -> VotingRound | None:
    return db.session.scalar(
        select(VotingRound)
        .where(
            VotingRound.campaign_id == campaign.id,
            VotingRound.status == RoundStatus.PUBLISHED,
            VotingRound.opens_at <= now,
        )
        .order_by(VotingRound.opens_at.desc(), VotingRound.id.desc())
        .limit(1)
    )


def open_surveys(campaign: Campaign, now: datetime) -> list[Survey]:
    return list(
        db.session.scalars(
            select(Survey)
            .where(
                Survey.campaign_id == campaign.id,
                Survey.status == SurveyStatus.PUBLISHED,
                Survey.opens_at <= now,
                Survey.closes_at > now,
            )
            .order_by(Survey.closes_at, Survey.id)
        )
    )


@dataclass
class _People:
    """The figures grouped over every active person, by unit."""

    commitments: dict[int | None, Figures]
    turnout: dict[int | None, tuple[int, int]]  # (eligible, voted) in the latest round
    answers: dict[int | None, tuple[int, int]]  # (addressed, answered) summed over open surveys


def _people(campaign: Campaign, round_: VotingRound | None, surveys: list[Survey]) -> _People:
    """One grouped query over the active people: their commitments' statuses (the tracking
    table's statement), whether they voted in the latest round and whether they answered each
    open survey, each a row per person at most. Audiences are whole units, so a unit's
    eligible voters and addressed people are its staff when the round or survey is for it (one
    query for its units when it is not for all staff)."""
    stmt = figures_statement(campaign)
    if round_ is not None:
        stmt = stmt.outerjoin(
            VotingParticipant,
            and_(
                VotingParticipant.user_id == User.id,
                VotingParticipant.round_id == round_.id,
                VotingParticipant.vote_count > 0,
            ),
        ).add_columns(func.count(VotingParticipant.user_id))
    for survey in surveys:
        answered = aliased(SurveyParticipation)
        stmt = stmt.outerjoin(
            answered, and_(answered.user_id == User.id, answered.survey_id == survey.id)
        ).add_columns(func.count(answered.user_id))
    round_units = _units_of(ROUND_AUDIENCE, round_) if round_ is not None else None
    survey_units = [_units_of(SURVEY_AUDIENCE, survey) for survey in surveys]
    found = _People({}, {}, {})
    statuses = len(STATUSES)
    for unit_id, staff, *counts in db.session.execute(stmt):
        found.commitments[unit_id] = read_figures(staff, counts[:statuses])
        answers = counts[statuses:]
        if round_ is not None:
            voted = answers.pop(0)
            if _is_for(round_units, unit_id):
                found.turnout[unit_id] = (staff, voted)
        for answered, units in zip(answers, survey_units, strict=True):
            if _is_for(units, unit_id):
                before = found.answers.get(unit_id, (0, 0))
                found.answers[unit_id] = (before[0] + staff, before[1] + answered)
    return found


def _units_of(audience: Audience, owner) -> set[int] | None:
    """The units a round or survey is for; None when it is for all staff."""
    return None if owner.is_open_to_all else audience.unit_ids(owner.id)


def _is_for(units: set[int] | None, unit_id: int | None) -> bool:
    """Whether a unit's people are in an audience of these units (people in no unit are only
    in an audience of all staff)."""
    return units is None or unit_id in units


def _local_day(column, start: date):
    """SQL: the number of the local day (0 for `start`, DAYS - 1 for today) of a UTC
    timestamp, from the days' bounds in UTC (any time zone, any database); None after today."""
    zone = local_zone()
    ends = [
        datetime.combine(start + timedelta(days=n), time.min, tzinfo=zone).astimezone(UTC)
        for n in range(1, DAYS + 1)
    ]
    return case(*[(column < end, n) for n, end in enumerate(ends)], else_=None)


def _per_day(campaign: Campaign, surveys_of_campaign, today: date) -> list[tuple[date, int, int]]:
    """Signatures and survey answers per local day over the last DAYS days (two queries, each
    returning a row per day whatever the number of staff)."""
    start = today - timedelta(days=DAYS - 1)
    since = datetime.combine(start, time.min, tzinfo=local_zone()).astimezone(UTC)
    signed = (
        select(_local_day(CommitmentVersion.signed_at, start).label("day"))
        .join(Commitment, Commitment.id == CommitmentVersion.commitment_id)
        .where(Commitment.campaign_id == campaign.id, CommitmentVersion.signed_at >= since)
        .subquery()
    )
    signatures = {
        start + timedelta(days=n): count
        for n, count in db.session.execute(
            select(signed.c.day, func.count()).group_by(signed.c.day)
        ).all()
        if n is not None
    }
    answers = dict(
        db.session.execute(
            select(SurveyParticipation.answered_on, func.count())
            .where(
                SurveyParticipation.survey_id.in_(surveys_of_campaign),
                SurveyParticipation.answered_on >= start,
            )
            .group_by(SurveyParticipation.answered_on)
        ).all()
    )
    return [
        (
            start + timedelta(days=n),
            signatures.get(start + timedelta(days=n), 0),
            answers.get(start + timedelta(days=n), 0),
        )
        for n in range(DAYS)
    ]


def dashboard(
    campaign: Campaign,
    now: datetime,
    today: date,
    sort: str | None = None,
    within: int | None = None,
) -> Dashboard:
    """The figures of every unit (tree order, or sorted) and of the office. A large tree
    (or any, opened at a unit: `within`) shows one level, each unit with every unit below it;
    the board's level is None when `within` names no unit."""
    round_ = latest_round(campaign, now)
    surveys = open_surveys(campaign, now)
    commitments, initiatives, turnout, answers, days = _grouped(campaign, round_, surveys, today)
    rows = []
    tree = unit_tree()
    level = unit_level(within, tree)
    for unit, depth in [*tree, (None, 0)]:
        unit_id = unit.id if unit is not None else None
        figures = commitments.get(unit_id)
        row = Row(unit_id, unit.name if unit is not None else "", depth)
        if figures is not None:
            row.staff = figures.staff
            row.signed = figures.signed_total
            row.confirmed = figures.counts["confirmed"]
        row.submitted, row.recognized = initiatives.get(unit_id, (0, 0))
        row.voters, row.voted = turnout.get(unit_id, (0, 0))
        row.addressed, row.answered = answers.get(unit_id, (0, 0))
        if unit is not None or row.staff:
            rows.append(row)
    totals = Row(None, "", 0)
    for row in rows:
        totals.add(row)
    level_total = None
    if level is not None:
        rows, level_total = _one_level(rows, level)
    key = (sort or "").lstrip("-")
    if key in SORT_KEYS and key != "unit":
        value = {
            "staff": lambda r: r.staff,
            "signed": lambda r: r.signed_rate or -1,
            "confirmed": lambda r: r.confirmed_rate or -1,
            "submitted": lambda r: r.submitted,
            "recognized": lambda r: r.recognized,
            "voted": lambda r: r.voted_rate or -1,
            "answered": lambda r: r.answered_rate or -1,
        }[key]
        rows.sort(key=value, reverse=(sort or "").startswith("-"))
    elif key == "unit":
        rows.sort(key=lambda r: r.name, reverse=(sort or "").startswith("-"))
    return Dashboard(rows, totals, round_, surveys, days, level, level_total)


def _grouped(campaign: Campaign, round_: VotingRound | None, surveys: list[Survey], today: date):
    """The figures grouped over every person (by unit and by day), from the cache while no
    audited change has come (app/figures_cache.py): at province scale they are most of the
    dashboard's cost. Shared by the dashboard and the leader's summary."""

    def compute():
        campaign_surveys = select(Survey.id).where(Survey.campaign_id == campaign.id)
        people = _people(campaign, round_, surveys)
        return (
            people.commitments,
            _initiatives(campaign),
            people.turnout,
            people.answers,
            _per_day(campaign, campaign_surveys, today),
        )

    key = (campaign.id, round_.id if round_ else None, tuple(s.id for s in surveys), today)
    return cached("monitoring", key, compute)


def _one_level(rows: list[Row], level: UnitLevel) -> tuple[list[Row], Row]:
    """The rows of one level: each shown unit with the units below it, the opened unit's own
    people, the people in no unit at the first level; and their total."""
    within = level.within
    groups = {u.id: Row(u.id, u.name, 0, below=level.below[u.id]) for u in level.shown}
    if within is not None:
        groups[within.id] = Row(within.id, within.name, 0, is_own=True)
    groups[None] = Row(None, "", 0)
    for row in rows:
        group = level.group(row.unit_id)
        if group is not False:
            groups[group].add(row)
    # The first level's total is the whole office's; an opened unit's is that unit's.
    opened = within if within is not None and not level.is_top else None
    total = Row(opened.id if opened else None, opened.name if opened else "", 0)
    for row in groups.values():
        total.add(row)
    shown = [groups[unit.id] for unit in level.shown]
    shown += [row for key, row in groups.items() if key not in level.below and row.staff]
    return shown, total


def office_summary(campaign: Campaign, now: datetime) -> Dashboard:
    """The office's totals alone, for a leader's "Việc của tôi": the dashboard's figures
    summed over the units, without the rows' order nor the days (six queries, plus one for the
    units of a round or open survey that is not for all staff)."""
    round_ = latest_round(campaign, now)
    surveys = open_surveys(campaign, now)
    commitments, initiatives, turnout, answers, _days = _grouped(
        campaign, round_, surveys, now.astimezone(local_zone()).date()
    )
    totals = Row(None, "", 0)
    for figures in commitments.values():
        totals.staff += figures.staff
        totals.signed += figures.signed_total
        totals.confirmed += figures.counts["confirmed"]
    for submitted, recognized in initiatives.values():
        totals.submitted += submitted
        totals.recognized += recognized
    for voters, voted in turnout.values():
        totals.voters += voters
        totals.voted += voted
    for addressed, answered in answers.values():
        totals.addressed += addressed
        totals.answered += answered
    return Dashboard([], totals, round_, surveys)
