"""What the voting pages read: a round with its candidates, the rounds a person sees, the open
rounds on "Việc của tôi", and, only as counts, the results and the turnout.

Nothing here joins a vote to a person: results are counts per candidate, turnout counts per
unit from the participation rows, and the list of who has not voted has names only.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.loading import fill, order_of
from app.models.directory import Unit, User
from app.models.initiatives import Initiative
from app.models.voting import (
    RoundStatus,
    Vote,
    VotingCandidate,
    VotingParticipant,
    VotingRound,
    voting_round_units,
)
from app.text import fold
from app.voting import services
from app.voting.services import eligible_users, is_manager, is_overseer


@cache
def _load_query():
    """Built once: every page and vote of a round starts with it (the units in the same
    statement: a round names a few)."""
    return (
        select(VotingRound)
        .where(VotingRound.id == bindparam("round_id"))
        .options(joinedload(VotingRound.campaign), joinedload(VotingRound.units))
    )


@cache
def _candidates_query():
    return (
        select(VotingCandidate)
        .where(VotingCandidate.round_id == bindparam("round_id"))
        .order_by(*order_of(VotingRound.candidates))
    )


def load(round_id: int) -> VotingRound | None:
    """A round with its campaign, candidates and units (two statements)."""
    values = {"round_id": round_id}
    round_ = db.session.execute(_load_query(), values).unique().scalar_one_or_none()
    if round_ is not None:
        fill(round_, "candidates", db.session.scalars(_candidates_query(), values).all())
    return round_


def _eligible_clause(unit_id):
    """SQL: the round admits a person (who is active) of this unit (a value or a parameter)."""
    in_units = select(voting_round_units.c.round_id).where(
        voting_round_units.c.round_id == VotingRound.id,
        voting_round_units.c.unit_id == unit_id,
    )
    return or_(VotingRound.is_open_to_all.is_(True), in_units.exists())


def rounds_for(user: User) -> list[VotingRound]:
    """The rounds the user sees, newest first: every round for the officer, published ones for
    the leaders, published ones they may vote in for everyone else."""
    stmt = select(VotingRound).options(joinedload(VotingRound.campaign))
    if not is_manager(user):
        stmt = stmt.where(VotingRound.status == RoundStatus.PUBLISHED)
        if not is_overseer(user):
            stmt = stmt.where(_eligible_clause(user.unit_id))
    return list(
        db.session.scalars(stmt.order_by(VotingRound.opens_at.desc(), VotingRound.id.desc()))
    )


def vote_counts_of(user: User, round_ids) -> dict[int, int]:
    """{round id: votes the user has in it} (only counts: participation, not choices)."""
    if not round_ids:
        return {}
    return dict(
        db.session.execute(
            select(VotingParticipant.round_id, VotingParticipant.vote_count).where(
                VotingParticipant.user_id == user.id, VotingParticipant.round_id.in_(round_ids)
            )
        ).all()
    )


@cache
def _open_rounds_query():
    """Built once: the home page asks it of everyone."""
    used = func.coalesce(VotingParticipant.vote_count, 0)
    now = bindparam("now")
    return (
        select(VotingRound, VotingRound.max_votes - used)
        .outerjoin(
            VotingParticipant,
            and_(
                VotingParticipant.round_id == VotingRound.id,
                VotingParticipant.user_id == bindparam("user_id"),
            ),
        )
        .where(
            VotingRound.status == RoundStatus.PUBLISHED,
            VotingRound.opens_at <= now,
            VotingRound.closes_at > now,
            _eligible_clause(bindparam("unit_id")),
        )
        .order_by(VotingRound.closes_at, VotingRound.id)
    )


def open_rounds_for(user: User, now: datetime) -> list[tuple[VotingRound, int]]:
    """The open rounds the user may vote in, with the votes they have left (one query)."""
    if not user.is_active:
        return []
    values = {"now": now, "user_id": user.id, "unit_id": user.unit_id}
    rows = db.session.execute(_open_rounds_query(), values).all()
    return [(round_, remaining) for round_, remaining in rows]


def nominable(round_: VotingRound, q: str, limit: int) -> list:
    """Up to `limit` initiatives that may still be put forward, matching the search."""
    stmt = services.nominable(round_).options(
        joinedload(Initiative.unit), joinedload(Initiative.content_area)
    )
    for word in fold(q).split():
        stmt = stmt.where(Initiative.search_text.contains(word, autoescape=True))
    return list(db.session.scalars(stmt.order_by(Initiative.title, Initiative.id).limit(limit)))


# Results and turnout: counts only ----------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    candidate: VotingCandidate
    votes: int
    rank: int
    is_tied: bool
    share: float  # of the ballots counted, 0..1


def _counted_ballots(round_: VotingRound):
    """The ballots that count: all, or those with at least the round's minimum of votes."""
    stmt = select(Vote.ballot).where(Vote.round_id == round_.id).group_by(Vote.ballot)
    if round_.min_votes:
        stmt = stmt.having(func.count() >= round_.min_votes)
    return stmt


def ballots_counted(round_: VotingRound) -> int:
    return db.session.scalar(select(func.count()).select_from(_counted_ballots(round_).subquery()))


def standings(round_: VotingRound) -> tuple[list[Standing], int]:
    """Candidates ranked by votes (equal votes share a rank: 1, 2, 2, 4), and the number of
    ballots counted. Two queries."""
    counted = ballots_counted(round_)
    join = and_(Vote.round_id == VotingCandidate.round_id, Vote.candidate_id == VotingCandidate.id)
    if round_.min_votes:
        join = and_(join, Vote.ballot.in_(_counted_ballots(round_)))
    votes = func.count(Vote.candidate_id)
    rows = db.session.execute(
        select(VotingCandidate, votes)
        .outerjoin(Vote, join)
        .where(VotingCandidate.round_id == round_.id)
        .group_by(VotingCandidate.id)
        .order_by(votes.desc(), VotingCandidate.position, VotingCandidate.id)
    ).all()
    tally = [count for _candidate, count in rows]
    result = []
    for candidate, count in rows:
        rank = tally.index(count) + 1
        result.append(
            Standing(
                candidate=candidate,
                votes=count,
                rank=rank,
                is_tied=tally.count(count) > 1,
                share=count / counted if counted else 0.0,
            )
        )
    return result, counted


@dataclass(frozen=True)
class UnitTurnout:
    unit_id: int | None
    name: str
    eligible: int
    voted: int

    @property
    def rate(self) -> float:
        return self.voted / self.eligible if self.eligible else 0.0


def turnout(round_: VotingRound) -> tuple[UnitTurnout, list[UnitTurnout]]:
    """(the whole round, each unit) of the people who may vote now: how many, how many have
    voted. One query."""
    people = eligible_users(round_).subquery()
    voted = func.count(VotingParticipant.user_id)
    rows = db.session.execute(
        select(people.c.unit_id, Unit.name, func.count(people.c.id), voted)
        .select_from(people)
        .outerjoin(Unit, Unit.id == people.c.unit_id)
        .outerjoin(
            VotingParticipant,
            and_(
                VotingParticipant.user_id == people.c.id,
                VotingParticipant.round_id == round_.id,
                VotingParticipant.vote_count > 0,
            ),
        )
        .group_by(people.c.unit_id, Unit.name)
    ).all()
    units = sorted(
        (
            UnitTurnout(unit_id, name or "", eligible, count)
            for unit_id, name, eligible, count in rows
        ),
        key=lambda row: (row.unit_id is None, row.name),
    )
    total = UnitTurnout(None, "", sum(r.eligible for r in units), sum(r.voted for r in units))
    return total, units


def non_voters(round_: VotingRound, unit_id: int | None = None):
    """The select() of the people who may vote and have no vote yet, by given name."""
    has_votes = select(VotingParticipant.user_id).where(
        VotingParticipant.round_id == round_.id, VotingParticipant.vote_count > 0
    )
    stmt = (
        eligible_users(round_)
        .where(User.id.not_in(has_votes))
        .options(joinedload(User.unit))
        .order_by(User.name_sort, User.id)
    )
    if unit_id:
        stmt = stmt.where(User.unit_id == unit_id)
    return stmt
