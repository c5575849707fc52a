"""What the council's pages read: a council with its members and criteria, the lists, the
session as each person may see it, and the results once the session is closed.

Before the close nothing here gives a member more than their own judgements, or anyone else
more than how many members have judged; results() refuses until the chair has closed.
"""

from dataclasses import dataclass, field
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.errors import InvalidTransition
from app.extensions import db
from app.models.councils import (
    Council,
    CouncilJudgement,
    CouncilMember,
    CouncilResult,
    CouncilStatus,
    MemberRole,
)
from app.models.directory import Role, User
from app.models.initiatives import Initiative, InitiativeAuthor, InitiativeStatus

S = CouncilStatus
ROLE_ORDER = {MemberRole.CHAIR: 0, MemberRole.SECRETARY: 1, MemberRole.MEMBER: 2}


def person(user_id: int | None) -> User | None:
    """An active person of the directory with their unit, as the picker shows them."""
    if not user_id:
        return None
    return db.session.scalar(
        select(User)
        .where(User.id == user_id, User.is_active.is_(True))
        .options(joinedload(User.unit))
    )


# A council and the lists ------------------------------------------------------------------


def load(council_id: int) -> Council | None:
    """A council with its campaign, its members (person and unit) and its criteria."""
    return db.session.scalar(
        select(Council)
        .where(Council.id == council_id)
        .options(
            joinedload(Council.campaign),
            selectinload(Council.members).joinedload(CouncilMember.user).joinedload(User.unit),
            selectinload(Council.criteria),
        )
    )


def ordered_members(council: Council) -> list[CouncilMember]:
    """Chair, secretary, then the members in the order they were added."""
    return sorted(council.members, key=lambda m: (ROLE_ORDER.get(m.role, 9), m.id))


def councils_for(user: User) -> list[Council]:
    """The councils the user may see, newest first: all for the officer and the leaders, those
    the user sits on for anyone else."""
    stmt = select(Council).options(joinedload(Council.campaign))
    if not user.has_role(Role.OFFICER, Role.LEADER):
        stmt = stmt.where(
            Council.id.in_(select(CouncilMember.council_id).where(CouncilMember.user_id == user.id))
        )
    return list(db.session.scalars(stmt.order_by(Council.created_at.desc(), Council.id.desc())))


def seats_of(user: User, council_ids: list[int]) -> dict[int, CouncilMember]:
    """council id -> the user's seat on it, for the councils listed."""
    return {
        seat.council_id: seat
        for seat in db.session.scalars(
            select(CouncilMember).where(
                CouncilMember.user_id == user.id, CouncilMember.council_id.in_(council_ids)
            )
        )
    }


def member_counts(council_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(CouncilMember.council_id, func.count(CouncilMember.id))
        .where(CouncilMember.council_id.in_(council_ids))
        .group_by(CouncilMember.council_id)
    )
    return dict(rows.all())


def initiative_counts(council_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Initiative.council_id, func.count(Initiative.id))
        .where(Initiative.council_id.in_(council_ids))
        .group_by(Initiative.council_id)
    )
    return dict(rows.all())


def waiting_initiatives(campaign_id: int) -> int:
    """Accepted initiatives of the campaign that no council judges yet (the next session's)."""
    return db.session.scalar(
        select(func.count(Initiative.id)).where(
            Initiative.campaign_id == campaign_id,
            Initiative.status == InitiativeStatus.ACCEPTED,
            Initiative.council_id.is_(None),
        )
    )


def in_session_elsewhere(council: Council) -> Council | None:
    """Another council of the same campaign now in session."""
    return db.session.scalar(
        select(Council).where(
            Council.campaign_id == council.campaign_id,
            Council.status == S.IN_SESSION,
            Council.id != council.id,
        )
    )


def session_initiatives(council: Council) -> list[Initiative]:
    """The initiatives the council judges (or judged), by title, with authors and unit."""
    return list(
        db.session.scalars(
            select(Initiative)
            .where(Initiative.council_id == council.id)
            .options(
                joinedload(Initiative.unit),
                joinedload(Initiative.content_area),
                selectinload(Initiative.authors).joinedload(InitiativeAuthor.user),
            )
            .order_by(Initiative.title, Initiative.id)
        )
    )


def session_initiative(council: Council, initiative_id: int) -> Initiative | None:
    """One initiative of this council's session, with what its scoring page shows."""
    return db.session.scalar(
        select(Initiative)
        .where(Initiative.id == initiative_id, Initiative.council_id == council.id)
        .options(
            joinedload(Initiative.unit),
            joinedload(Initiative.content_area),
            selectinload(Initiative.authors).joinedload(InitiativeAuthor.user),
        )
    )


def author_user_ids(initiative: Initiative) -> set[int]:
    """The authors and co-authors (and whoever made the application). Needs authors loaded."""
    ids = {author.user_id for author in initiative.authors}
    if initiative.created_by_id is not None:
        ids.add(initiative.created_by_id)
    return ids


def excluded_members(members: list[CouncilMember], initiative: Initiative) -> list[CouncilMember]:
    """The members who (co-)authored the initiative and so do not judge it."""
    authors = author_user_ids(initiative)
    return [member for member in members if member.user_id in authors]


# The session as each person sees it -----------------------------------------------------------


@dataclass
class SessionRow:
    """One initiative of the session: how many of those who judge it have; for a member,
    their own judgement or that they are excluded. Never anyone else's scores."""

    initiative: Initiative
    eligible: int
    judged: int
    excluded: list[CouncilMember] = field(default_factory=list)
    mine: CouncilJudgement | None = None
    viewer_excluded: bool = False

    @property
    def is_complete(self) -> bool:
        return self.judged >= self.eligible


def judged_counts(council: Council) -> dict[int, int]:
    """initiative id -> how many members have judged it (a count, never who or what)."""
    rows = db.session.execute(
        select(CouncilJudgement.initiative_id, func.count(CouncilJudgement.id))
        .where(CouncilJudgement.council_id == council.id)
        .group_by(CouncilJudgement.initiative_id)
    )
    return dict(rows.all())


def own_judgements(member: CouncilMember) -> dict[int, CouncilJudgement]:
    """initiative id -> the member's own judgement, with its scores."""
    return {
        judgement.initiative_id: judgement
        for judgement in db.session.scalars(
            select(CouncilJudgement)
            .where(CouncilJudgement.member_id == member.id)
            .options(selectinload(CouncilJudgement.scores))
        )
    }


def own_judgement(member: CouncilMember, initiative_id: int) -> CouncilJudgement | None:
    """The member's own judgement of one initiative, with its scores."""
    return db.session.scalar(
        select(CouncilJudgement)
        .where(
            CouncilJudgement.member_id == member.id,
            CouncilJudgement.initiative_id == initiative_id,
        )
        .options(selectinload(CouncilJudgement.scores))
    )


def session_rows(council: Council, viewer_member: CouncilMember | None) -> list[SessionRow]:
    """The session's initiatives with progress counts, and the viewer's own judgements when
    the viewer sits on the council. Needs the council loaded with load()."""
    initiatives = session_initiatives(council)
    counts = judged_counts(council)
    mine = own_judgements(viewer_member) if viewer_member is not None else {}
    rows = []
    for initiative in initiatives:
        excluded = excluded_members(council.members, initiative)
        rows.append(
            SessionRow(
                initiative=initiative,
                eligible=len(council.members) - len(excluded),
                judged=counts.get(initiative.id, 0),
                excluded=excluded,
                mine=mine.get(initiative.id),
                viewer_excluded=viewer_member is not None and viewer_member in excluded,
            )
        )
    return rows


def missing_judgements(rows: list[SessionRow]) -> int:
    return sum(max(row.eligible - row.judged, 0) for row in rows)


# After the close -----------------------------------------------------------------------------


@dataclass
class Verdict:
    """One member's judgement of one initiative, shown after the close."""

    member: CouncilMember
    is_excluded: bool
    judgement: CouncilJudgement | None

    def points(self, criterion_id: int) -> int | None:
        if self.judgement is None:
            return None
        for score in self.judgement.scores:
            if score.criterion_id == criterion_id:
                return score.points
        return None


@dataclass
class InitiativeResult:
    initiative: Initiative
    verdicts: list[Verdict]
    result: CouncilResult | None

    @property
    def excluded(self) -> list[CouncilMember]:
        return [verdict.member for verdict in self.verdicts if verdict.is_excluded]


def results(council: Council) -> list[InitiativeResult]:
    """Every initiative of a closed session with each member's judgement and the result.
    Refuses before the close: until then the scores are secret. Needs load()."""
    if council.status != S.CLOSED:
        raise InvalidTransition(_("The results are known once the chair closes the session."))
    initiatives = session_initiatives(council)
    judgements: dict[tuple[int, int], CouncilJudgement] = {
        (judgement.initiative_id, judgement.member_id): judgement
        for judgement in db.session.scalars(
            select(CouncilJudgement)
            .where(CouncilJudgement.council_id == council.id)
            .options(selectinload(CouncilJudgement.scores))
        )
    }
    stored = {
        result.initiative_id: result
        for result in db.session.scalars(
            select(CouncilResult).where(CouncilResult.council_id == council.id)
        )
    }
    members = ordered_members(council)
    out = []
    for initiative in initiatives:
        excluded = {member.id for member in excluded_members(members, initiative)}
        verdicts = [
            Verdict(
                member=member,
                is_excluded=member.id in excluded,
                judgement=None
                if member.id in excluded
                else judgements.get((initiative.id, member.id)),
            )
            for member in members
        ]
        out.append(InitiativeResult(initiative, verdicts, stored.get(initiative.id)))
    return out


def to_judge_count(user: User) -> int:
    """Initiatives of sessions now open that the user sits on, may judge (not an author) and
    has not judged yet: for Việc của tôi."""
    return db.session.scalar(_to_judge_query(), {"user_id": user.id})


@cache
def _to_judge_query():
    """Built once: the home page asks it of everyone."""
    user_id = bindparam("user_id")
    authored = (
        select(InitiativeAuthor.id)
        .where(InitiativeAuthor.initiative_id == Initiative.id, InitiativeAuthor.user_id == user_id)
        .exists()
    )
    judged = (
        select(CouncilJudgement.id)
        .where(
            CouncilJudgement.member_id == CouncilMember.id,
            CouncilJudgement.initiative_id == Initiative.id,
        )
        .exists()
    )
    return (
        select(func.count(Initiative.id))
        .join(CouncilMember, CouncilMember.council_id == Initiative.council_id)
        .join(Council, Council.id == Initiative.council_id)
        .where(
            CouncilMember.user_id == user_id,
            Council.status == CouncilStatus.IN_SESSION,
            Initiative.status == InitiativeStatus.ACCEPTED,
            ~authored,
            ~judged,
        )
    )
