"""What the commendation pages read: the list of proposals, one proposal, those waiting for the
leaders, each form's eligibility rule, the candidates who meet it, and what the data says of a
nominee (recognized initiatives, the commitment's assessment, votes received) to draft the
achievement text.

Every list is one query whatever the number of people: the figures are grouped in subqueries
and joined. Votes count only in voting rounds whose results are published, and only the
ballots those results count (a round's minimum of votes per ballot), as the results page does.
"""

from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from app.extensions import db
from app.models.assessments import AssessmentResult, CommitmentAssessment
from app.models.campaigns import AppliesTo, Campaign, CommendationForm
from app.models.commendations import Commendation, CommendationRule, CommendationStatus
from app.models.commitments import Commitment, CommitmentKind, CommitmentVersion
from app.models.directory import Unit, User
from app.models.initiatives import Initiative, InitiativeAuthor, InitiativeStatus
from app.models.voting import Vote, VotingCandidate, VotingRound

# The list's filters.
STATUSES = tuple(status.value for status in CommendationStatus)
KINDS = (AppliesTo.INDIVIDUAL.value, AppliesTo.UNIT.value)


# The rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A form's eligibility rule; every condition must hold (0 or False leaves one out)."""

    min_initiatives: int = 1
    requires_fulfilled: bool = True
    min_votes: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.min_initiatives or self.requires_fulfilled or self.min_votes)


def rule_of(form: CommendationForm) -> Rule:
    """The form's rule as the officer set it, else the default (one recognized initiative and
    a commitment assessed as fulfilled)."""
    row = db.session.get(CommendationRule, form.id)
    if row is None:
        return Rule()
    return Rule(row.min_initiatives, row.requires_fulfilled, row.min_votes)


def forms_of(campaign: Campaign) -> list[CommendationForm]:
    return list(
        db.session.scalars(
            select(CommendationForm)
            .where(CommendationForm.campaign_id == campaign.id)
            .order_by(CommendationForm.position, CommendationForm.id)
        )
    )


# The figures of the data -------------------------------------------------------------------


def votes_by_initiative(campaign: Campaign):
    """Subquery (initiative_id, votes): votes counted in the campaign's rounds whose results
    are published."""
    ballots = (
        select(Vote.round_id, Vote.ballot)
        .join(VotingRound, VotingRound.id == Vote.round_id)
        .where(
            VotingRound.campaign_id == campaign.id,
            VotingRound.results_published_at.is_not(None),
        )
        .group_by(Vote.round_id, Vote.ballot, VotingRound.min_votes)
        .having(func.count() >= func.coalesce(VotingRound.min_votes, 1))
        .subquery()
    )
    return (
        select(VotingCandidate.initiative_id, func.count().label("votes"))
        .select_from(Vote)
        .join(ballots, and_(ballots.c.round_id == Vote.round_id, ballots.c.ballot == Vote.ballot))
        .join(
            VotingCandidate,
            and_(
                VotingCandidate.round_id == Vote.round_id, VotingCandidate.id == Vote.candidate_id
            ),
        )
        .group_by(VotingCandidate.initiative_id)
        .subquery()
    )


def _recognized(campaign: Campaign):
    return and_(
        Initiative.campaign_id == campaign.id, Initiative.status == InitiativeStatus.RECOGNIZED
    )


def _person_figures(campaign: Campaign):
    """Subqueries per person: recognized initiatives (co-)authored, votes their initiatives
    received."""
    recognized = (
        select(InitiativeAuthor.user_id, func.count(Initiative.id).label("count"))
        .join(Initiative, Initiative.id == InitiativeAuthor.initiative_id)
        .where(_recognized(campaign))
        .group_by(InitiativeAuthor.user_id)
        .subquery()
    )
    per_initiative = votes_by_initiative(campaign)
    votes = (
        select(InitiativeAuthor.user_id, func.sum(per_initiative.c.votes).label("votes"))
        .join(per_initiative, per_initiative.c.initiative_id == InitiativeAuthor.initiative_id)
        .group_by(InitiativeAuthor.user_id)
        .subquery()
    )
    return recognized, votes


def _unit_figures(campaign: Campaign):
    """Subqueries per unit: its recognized initiatives, votes its initiatives received."""
    recognized = (
        select(Initiative.unit_id, func.count(Initiative.id).label("count"))
        .where(_recognized(campaign))
        .group_by(Initiative.unit_id)
        .subquery()
    )
    per_initiative = votes_by_initiative(campaign)
    votes = (
        select(Initiative.unit_id, func.sum(per_initiative.c.votes).label("votes"))
        .join(per_initiative, per_initiative.c.initiative_id == Initiative.id)
        .group_by(Initiative.unit_id)
        .subquery()
    )
    return recognized, votes


# Candidates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A person or a unit meeting a form's rule, with the figures that make them eligible."""

    id: int
    is_unit: bool
    name: str
    position: str
    unit_name: str
    initiatives: int
    result: str
    votes: int
    commendation_id: int | None
    commendation_status: str


def _conditions(rule: Rule, initiatives, result, votes) -> list:
    conditions = []
    if rule.min_initiatives:
        conditions.append(initiatives >= rule.min_initiatives)
    if rule.requires_fulfilled:
        conditions.append(result == AssessmentResult.FULFILLED)
    if rule.min_votes:
        conditions.append(votes >= rule.min_votes)
    return conditions


def candidates(campaign: Campaign, form: CommendationForm, rule: Rule) -> list[Candidate]:
    """Everyone meeting the rule for the form (people or units, as the form applies to), in
    name order, with any proposal already made for this form (one query)."""
    if rule.is_empty:
        return []
    if form.applies_to == AppliesTo.UNIT:
        return _unit_candidates(campaign, form, rule)
    recognized, votes = _person_figures(campaign)
    initiatives = func.coalesce(recognized.c.count, 0)
    vote_count = func.coalesce(votes.c.votes, 0)
    stmt = (
        select(
            User.id,
            User.full_name,
            User.position,
            Unit.name,
            initiatives,
            CommitmentAssessment.result,
            vote_count,
            Commendation.id,
            Commendation.status,
        )
        .select_from(User)
        .outerjoin(Unit, User.unit_id == Unit.id)
        .outerjoin(recognized, recognized.c.user_id == User.id)
        .outerjoin(votes, votes.c.user_id == User.id)
        .outerjoin(
            Commitment,
            and_(Commitment.user_id == User.id, Commitment.campaign_id == campaign.id),
        )
        .outerjoin(CommitmentAssessment, CommitmentAssessment.commitment_id == Commitment.id)
        .outerjoin(
            Commendation,
            and_(
                Commendation.user_id == User.id,
                Commendation.form_id == form.id,
                Commendation.campaign_id == campaign.id,
            ),
        )
        .where(
            User.is_active.is_(True),
            *_conditions(rule, initiatives, CommitmentAssessment.result, vote_count),
        )
        .order_by(User.name_sort, User.id)
    )
    return [
        Candidate(
            id=user_id,
            is_unit=False,
            name=name,
            position=position,
            unit_name=unit_name or "",
            initiatives=count,
            result=result or "",
            votes=int(received),
            commendation_id=commendation_id,
            commendation_status=status or "",
        )
        for (
            user_id,
            name,
            position,
            unit_name,
            count,
            result,
            received,
            commendation_id,
            status,
        ) in db.session.execute(stmt)
    ]


def _unit_candidates(campaign: Campaign, form: CommendationForm, rule: Rule) -> list[Candidate]:
    recognized, votes = _unit_figures(campaign)
    parent = aliased(Unit)
    initiatives = func.coalesce(recognized.c.count, 0)
    vote_count = func.coalesce(votes.c.votes, 0)
    stmt = (
        select(
            Unit.id,
            Unit.name,
            parent.name,
            initiatives,
            CommitmentAssessment.result,
            vote_count,
            Commendation.id,
            Commendation.status,
        )
        .select_from(Unit)
        .outerjoin(parent, Unit.parent_id == parent.id)
        .outerjoin(recognized, recognized.c.unit_id == Unit.id)
        .outerjoin(votes, votes.c.unit_id == Unit.id)
        .outerjoin(
            Commitment,
            and_(Commitment.unit_id == Unit.id, Commitment.campaign_id == campaign.id),
        )
        .outerjoin(CommitmentAssessment, CommitmentAssessment.commitment_id == Commitment.id)
        .outerjoin(
            Commendation,
            and_(
                Commendation.unit_id == Unit.id,
                Commendation.form_id == form.id,
                Commendation.campaign_id == campaign.id,
            ),
        )
        .where(*_conditions(rule, initiatives, CommitmentAssessment.result, vote_count))
        .order_by(Unit.name, Unit.id)
    )
    return [
        Candidate(
            id=unit_id,
            is_unit=True,
            name=name,
            position="",
            unit_name=parent_name or "",
            initiatives=count,
            result=result or "",
            votes=int(received),
            commendation_id=commendation_id,
            commendation_status=status or "",
        )
        for (
            unit_id,
            name,
            parent_name,
            count,
            result,
            received,
            commendation_id,
            status,
        ) in db.session.execute(stmt)
    ]


# What the data says of nominees, to draft their achievements ------------------------------


@dataclass
class Record:
    """A nominee's record in the campaign: recognized initiatives [(id, title, votes)], the
    registered title and the assessment of their commitment, votes of all their initiatives."""

    initiatives: list[tuple[int, str, int]] = field(default_factory=list)
    title_name: str = ""
    result: str = ""
    votes: int = 0


def records(campaign: Campaign, user_ids=(), unit_ids=()) -> dict[tuple[bool, int], Record]:
    """{(is_unit, id): Record} of the people and units given (three queries for each kind)."""
    found: dict[tuple[bool, int], Record] = {}
    per_initiative = votes_by_initiative(campaign)
    user_ids, unit_ids = list(user_ids), list(unit_ids)
    if user_ids:
        owner, is_unit = InitiativeAuthor.user_id, False
        rows = db.session.execute(
            select(owner, Initiative.id, Initiative.title, func.coalesce(per_initiative.c.votes, 0))
            .join(Initiative, Initiative.id == InitiativeAuthor.initiative_id)
            .outerjoin(per_initiative, per_initiative.c.initiative_id == Initiative.id)
            .where(_recognized(campaign), owner.in_(user_ids))
            .order_by(Initiative.title, Initiative.id)
        )
        _add_initiatives(found, is_unit, rows)
        _add_votes(
            found,
            is_unit,
            db.session.execute(
                select(owner, func.sum(per_initiative.c.votes))
                .join(
                    per_initiative,
                    per_initiative.c.initiative_id == InitiativeAuthor.initiative_id,
                )
                .where(owner.in_(user_ids))
                .group_by(owner)
            ),
        )
        _add_assessments(found, is_unit, campaign, Commitment.user_id, user_ids)
    if unit_ids:
        owner, is_unit = Initiative.unit_id, True
        rows = db.session.execute(
            select(owner, Initiative.id, Initiative.title, func.coalesce(per_initiative.c.votes, 0))
            .outerjoin(per_initiative, per_initiative.c.initiative_id == Initiative.id)
            .where(_recognized(campaign), owner.in_(unit_ids))
            .order_by(Initiative.title, Initiative.id)
        )
        _add_initiatives(found, is_unit, rows)
        _add_votes(
            found,
            is_unit,
            db.session.execute(
                select(owner, func.sum(per_initiative.c.votes))
                .join(per_initiative, per_initiative.c.initiative_id == Initiative.id)
                .where(owner.in_(unit_ids))
                .group_by(owner)
            ),
        )
        _add_assessments(found, is_unit, campaign, Commitment.unit_id, unit_ids)
    return found


def _add_initiatives(found, is_unit: bool, rows) -> None:
    for owner_id, initiative_id, title, votes in rows:
        found.setdefault((is_unit, owner_id), Record()).initiatives.append(
            (initiative_id, title, int(votes))
        )


def _add_votes(found, is_unit: bool, rows) -> None:
    for owner_id, votes in rows:
        found.setdefault((is_unit, owner_id), Record()).votes = int(votes or 0)


def _add_assessments(found, is_unit: bool, campaign: Campaign, owner, ids) -> None:
    rows = db.session.execute(
        select(owner, CommitmentVersion.title_name, CommitmentAssessment.result)
        .select_from(Commitment)
        .join(
            CommitmentVersion,
            and_(
                CommitmentVersion.commitment_id == Commitment.id,
                CommitmentVersion.number == Commitment.current_number,
            ),
        )
        .outerjoin(CommitmentAssessment, CommitmentAssessment.commitment_id == Commitment.id)
        .where(
            Commitment.campaign_id == campaign.id,
            Commitment.kind == (CommitmentKind.UNIT if is_unit else CommitmentKind.INDIVIDUAL),
            owner.in_(ids),
        )
    )
    for owner_id, title_name, result in rows:
        record = found.setdefault((is_unit, owner_id), Record())
        record.title_name, record.result = title_name or "", result or ""


# The list and one proposal -----------------------------------------------------------------


def listing(
    campaign: Campaign,
    status: str | None = None,
    form_id: int | None = None,
    kind: str | None = None,
    ids=None,
    limit: int | None = None,
):
    """The campaign's proposals with their form: by the form's order, units before people (as
    a decision lists "tập thể" first), then by name (one query)."""
    stmt = (
        select(Commendation)
        .join(CommendationForm, CommendationForm.id == Commendation.form_id)
        .outerjoin(User, User.id == Commendation.user_id)
        .where(Commendation.campaign_id == campaign.id)
        .options(joinedload(Commendation.form))
        .order_by(
            CommendationForm.position,
            CommendationForm.id,
            case((Commendation.unit_id.is_not(None), 0), else_=1),
            func.coalesce(User.name_sort, Commendation.nominee_name),
            Commendation.id,
        )
    )
    if status:
        stmt = stmt.where(Commendation.status == status)
    if form_id:
        stmt = stmt.where(Commendation.form_id == form_id)
    if kind == AppliesTo.UNIT:
        stmt = stmt.where(Commendation.unit_id.is_not(None))
    elif kind == AppliesTo.INDIVIDUAL:
        stmt = stmt.where(Commendation.user_id.is_not(None))
    if ids is not None:
        stmt = stmt.where(Commendation.id.in_(list(ids)))
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def status_counts(campaign: Campaign) -> dict[str, int]:
    """How many proposals in each status (one query)."""
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(
        db.session.execute(
            select(Commendation.status, func.count())
            .where(Commendation.campaign_id == campaign.id)
            .group_by(Commendation.status)
        ).all()
    )
    return counts


def load(commendation_id: int) -> Commendation | None:
    """One proposal with its form, campaign, nominee and linked initiatives."""
    return db.session.scalar(
        select(Commendation)
        .where(Commendation.id == commendation_id)
        .options(
            joinedload(Commendation.form),
            joinedload(Commendation.campaign),
            joinedload(Commendation.user),
            joinedload(Commendation.unit),
            joinedload(Commendation.proposed_by),
            selectinload(Commendation.initiatives),
        )
    )


def waiting_for_leaders(campaign: Campaign, limit: int = 10) -> tuple[list[Commendation], int]:
    """The proposals waiting for approval (the first `limit`) and how many in all (two
    queries)."""
    waiting = listing(campaign, status=CommendationStatus.PROPOSED, limit=limit)
    total = db.session.scalar(
        select(func.count(Commendation.id)).where(
            Commendation.campaign_id == campaign.id,
            Commendation.status == CommendationStatus.PROPOSED,
        )
    )
    return waiting, total
