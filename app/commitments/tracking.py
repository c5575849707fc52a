"""Tracking the campaign's commitments (theo dõi, đôn đốc): per-unit figures, the people not yet
signed, and the few figures the home page shows.

Aggregates are computed in SQL (active users outer-joined to their commitment for the campaign,
grouped), so each function runs a fixed number of queries whatever the number of staff.
"""

from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import and_, bindparam, case, func, or_, select
from sqlalchemy.orm import aliased

from app.directory import unit_tree
from app.extensions import db
from app.models.assessments import CommitmentAssessment
from app.models.campaigns import Campaign
from app.models.commitments import Commitment, CommitmentKind, CommitmentStatus, CommitmentVersion
from app.models.directory import Unit, User
from app.text import text_sort_key

# A person's status in the order of the lifecycle; "none" is no commitment yet (chưa lập).
STATUSES = ("none", "draft", "signed", "confirmed", "returned")
# Not yet signed: what the names list shows unless a status is chosen.
UNSIGNED = ("none", "draft", "returned")
SIGNED = (CommitmentStatus.SIGNED, CommitmentStatus.CONFIRMED)
# The sortable columns; "-key" sorts descending; no key keeps the units' tree order.
SORT_KEYS = ("unit", "staff", *STATUSES, "percent")


@dataclass
class Figures:
    """How many active people, and how many of them in each status."""

    staff: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    @property
    def signed_total(self) -> int:
        return self.counts["signed"] + self.counts["confirmed"]

    @property
    def percent(self) -> float | None:
        """Signed or confirmed over staff, in percent with one decimal; None without staff."""
        if not self.staff:
            return None
        return round(100 * self.signed_total / self.staff, 1)

    def add(self, other: "Figures") -> None:
        self.staff += other.staff
        for status in STATUSES:
            self.counts[status] += other.counts[status]


@dataclass
class UnitRow:
    """One unit's figures; `unit_id` None is the row of people in no unit."""

    unit_id: int | None
    name: str
    depth: int
    figures: Figures
    # The unit's collective commitment: its id, latest version and status ("none": not started).
    collective_id: int | None = None
    collective_number: int | None = None
    collective_status: str | None = None
    # Its end-of-period assessment: "" none, else its status and result.
    collective_assessment: str = ""
    collective_result: str = ""


@dataclass(frozen=True)
class PersonRow:
    user_id: int
    full_name: str
    position: str
    unit_id: int | None
    unit_name: str
    status: str


@dataclass
class Report:
    units: list[tuple[Unit, int]]  # every unit in tree order, for the unit filter
    rows: list[UnitRow]
    totals: Figures
    # The people in the chosen status (by default not yet signed), grouped by unit in the
    # order of `rows`: [(row, [person])].
    people_by_unit: list[tuple[UnitRow, list[PersonRow]]]
    people_count: int


def parse_sort(value: str | None) -> tuple[str | None, bool]:
    """(column, descending) from the `sort` argument; (None, False) is the tree order."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value.lstrip("-")
    if key not in SORT_KEYS:
        return None, False
    return key, descending


def figures_statement(campaign: Campaign):
    """The grouped select() of the active people per unit and their commitments' statuses:
    rows of (unit id, staff, a count per STATUSES). A person has one commitment per campaign
    at most, so a caller may outer-join more of the person's one-row facts and count them
    after these columns (the monitoring dashboard does)."""
    columns = [func.count(User.id), func.count(case((Commitment.id.is_(None), 1)))]
    columns += [func.count(case((Commitment.status == status, 1))) for status in STATUSES[1:]]
    return (
        select(User.unit_id, *columns)
        .select_from(User)
        .outerjoin(
            Commitment,
            and_(Commitment.user_id == User.id, Commitment.campaign_id == campaign.id),
        )
        .where(User.is_active.is_(True))
        .group_by(User.unit_id)
    )


def read_figures(staff: int, counts) -> Figures:
    """The Figures of one row of figures_statement() (its columns after the unit id)."""
    return Figures(staff=staff, counts=dict(zip(STATUSES, counts, strict=True)))


def figures_by_unit(campaign: Campaign) -> dict[int | None, Figures]:
    """Active people per unit and their commitments' statuses, in one grouped query."""
    rows = db.session.execute(figures_statement(campaign))
    return {unit_id: read_figures(staff, counts) for unit_id, staff, *counts in rows}


def _collectives(campaign: Campaign) -> dict[int, tuple]:
    """{unit id: (commitment id, number, status, assessment status, result)}."""
    rows = db.session.execute(
        select(
            Commitment.unit_id,
            Commitment.id,
            Commitment.current_number,
            Commitment.status,
            CommitmentAssessment.status,
            CommitmentAssessment.result,
        )
        .outerjoin(CommitmentAssessment, CommitmentAssessment.commitment_id == Commitment.id)
        .where(Commitment.campaign_id == campaign.id, Commitment.kind == CommitmentKind.UNIT)
    )
    return {unit_id: tuple(rest) for unit_id, *rest in rows}


def subtree_ids(tree: list[tuple[Unit, int]], unit_id: int) -> set[int]:
    """The unit and every unit below it, from unit_tree()'s ordered list."""
    ids: set[int] = set()
    inside_depth = None
    for unit, depth in tree:
        if inside_depth is not None:
            if depth <= inside_depth:
                break
            ids.add(unit.id)
        elif unit.id == unit_id:
            inside_depth = depth
            ids.add(unit.id)
    return ids


def _sort_rows(rows: list[UnitRow], key: str | None, descending: bool) -> list[UnitRow]:
    if key is None:
        return rows
    if key == "unit":
        return sorted(rows, key=lambda row: text_sort_key(row.name), reverse=descending)

    def value(row: UnitRow):
        if key == "staff":
            return row.figures.staff
        if key == "percent":
            return row.figures.percent
        return row.figures.counts[key]

    known = [row for row in rows if value(row) is not None]
    unknown = [row for row in rows if value(row) is None]  # no staff: always last
    # Ties keep the tree order (sorted() is stable), so equal units read as in the directory.
    return sorted(known, key=value, reverse=descending) + unknown


def _people(campaign: Campaign, status: str | None, unit_ids: set[int] | None) -> list:
    stmt = (
        select(User.id, User.full_name, User.position, User.unit_id, Commitment.status)
        .select_from(User)
        .outerjoin(
            Commitment,
            and_(Commitment.user_id == User.id, Commitment.campaign_id == campaign.id),
        )
        .where(User.is_active.is_(True))
        .order_by(User.name_sort, User.id)
    )
    wanted = (status,) if status else UNSIGNED
    conditions = [Commitment.status.in_([s for s in wanted if s != "none"])]
    if "none" in wanted:
        conditions.append(Commitment.id.is_(None))
    stmt = stmt.where(or_(*conditions))
    if unit_ids is not None:
        stmt = stmt.where(User.unit_id.in_(unit_ids))
    return db.session.execute(stmt).all()


def report(
    campaign: Campaign,
    unit_id: int | None = None,
    status: str | None = None,
    sort: str | None = None,
    *,
    no_unit_label: str = "",
) -> Report:
    """The tracking table: a row per unit (tree order, or sorted), the totals of the rows shown,
    and the people in `status` (by default those not yet signed). `unit_id` keeps that unit and
    the units below it; `status` keeps the units with someone in it. Four queries."""
    tree = unit_tree()
    figures = figures_by_unit(campaign)
    collectives = _collectives(campaign)
    unit_ids = subtree_ids(tree, unit_id) if unit_id else None
    if not unit_ids:
        unit_ids = None  # no such unit: no filter

    rows = []
    for unit, depth in tree:
        if unit_ids is not None and unit.id not in unit_ids:
            continue
        collective_id, number, collective_status, assessed, result = collectives.get(
            unit.id, (None, None, "none", None, None)
        )
        rows.append(
            UnitRow(
                unit_id=unit.id,
                name=unit.name,
                depth=depth,
                figures=figures.get(unit.id, Figures()),
                collective_id=collective_id,
                collective_number=number,
                collective_status=collective_status,
                collective_assessment=assessed or "",
                collective_result=result or "",
            )
        )
    if unit_ids is None and None in figures:
        rows.append(UnitRow(unit_id=None, name=no_unit_label, depth=0, figures=figures[None]))
    if status:
        rows = [row for row in rows if row.figures.counts[status]]
    rows = _sort_rows(rows, *parse_sort(sort))

    totals = Figures()
    for row in rows:
        totals.add(row.figures)

    names = {row.unit_id: row.name for row in rows}
    grouped: dict[int | None, list[PersonRow]] = {row.unit_id: [] for row in rows}
    count = 0
    for user_id, full_name, position, person_unit, person_status in _people(
        campaign, status, unit_ids
    ):
        if person_unit not in grouped:
            continue
        grouped[person_unit].append(
            PersonRow(
                user_id,
                full_name,
                position,
                person_unit,
                names[person_unit],
                person_status or "none",
            )
        )
        count += 1
    people_by_unit = [(row, grouped[row.unit_id]) for row in rows if grouped[row.unit_id]]
    return Report(
        units=tree, rows=rows, totals=totals, people_by_unit=people_by_unit, people_count=count
    )


# The home page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MyCommitment:
    """A commitment's id, status and, when returned, the reviewer's comment."""

    commitment_id: int | None
    status: str
    comment: str = ""
    number: int | None = None
    # The end-of-period assessment: "" none yet, else its status and result.
    assessment: str = ""
    result: str = ""


def _latest_version_join():
    return and_(
        CommitmentVersion.commitment_id == Commitment.id,
        CommitmentVersion.number == Commitment.current_number,
    )


@cache
def _my_commitment_query():
    """Built once: the home page asks it of everyone."""
    return (
        select(
            Commitment.id,
            Commitment.status,
            CommitmentVersion.review_comment,
            Commitment.current_number,
            CommitmentAssessment.status,
            CommitmentAssessment.result,
        )
        .outerjoin(CommitmentVersion, _latest_version_join())
        .outerjoin(CommitmentAssessment, CommitmentAssessment.commitment_id == Commitment.id)
        .where(
            Commitment.campaign_id == bindparam("campaign_id"),
            Commitment.user_id == bindparam("user_id"),
        )
    )


def my_commitment(user: User, campaign: Campaign) -> MyCommitment:
    """The person's own commitment for the campaign (one query)."""
    row = db.session.execute(
        _my_commitment_query(), {"campaign_id": campaign.id, "user_id": user.id}
    ).one_or_none()
    if row is None:
        return MyCommitment(None, "none")
    commitment_id, status, comment, number, assessed, result = row
    return MyCommitment(commitment_id, status, comment or "", number, assessed or "", result or "")


def headed_unit_commitment(user: User, campaign: Campaign) -> tuple[str, MyCommitment] | None:
    """(unit name, its collective commitment) of the unit the person heads, or None (one query)."""
    row = db.session.execute(
        select(
            Unit.name,
            Commitment.id,
            Commitment.status,
            CommitmentVersion.review_comment,
            Commitment.current_number,
            CommitmentAssessment.status,
            CommitmentAssessment.result,
        )
        .select_from(Unit)
        .outerjoin(
            Commitment,
            and_(Commitment.unit_id == Unit.id, Commitment.campaign_id == campaign.id),
        )
        .outerjoin(CommitmentVersion, _latest_version_join())
        .outerjoin(CommitmentAssessment, CommitmentAssessment.commitment_id == Commitment.id)
        .where(Unit.head_id == user.id)
        .order_by(Unit.id)
        .limit(1)
    ).one_or_none()
    if row is None:
        return None
    name, commitment_id, status, comment, number, assessed, result = row
    if commitment_id is None:
        return name, MyCommitment(None, "none")
    return name, MyCommitment(
        commitment_id, status, comment or "", number, assessed or "", result or ""
    )


def waiting_for_head(user: User, campaign: Campaign) -> int:
    """How many signed commitments wait for this head's confirmation: those of the members of
    the units they head, and of the heads of those units' sub-units (as review.member_rows)."""
    parent = aliased(Unit)
    return db.session.scalar(
        select(func.count(Commitment.id))
        .select_from(User)
        .join(Unit, User.unit_id == Unit.id)
        .outerjoin(parent, Unit.parent_id == parent.id)
        .join(
            Commitment,
            and_(Commitment.user_id == User.id, Commitment.campaign_id == campaign.id),
        )
        .where(
            User.is_active.is_(True),
            User.id != user.id,
            Commitment.status == CommitmentStatus.SIGNED,
            or_(
                Unit.head_id == user.id,
                and_(Unit.head_id == User.id, parent.head_id == user.id),
            ),
        )
    )


def office_figures(campaign: Campaign) -> Figures:
    """The whole office: active people and how many have signed (one query)."""
    staff, signed, confirmed = db.session.execute(
        select(
            func.count(User.id),
            func.count(case((Commitment.status == CommitmentStatus.SIGNED, 1))),
            func.count(case((Commitment.status == CommitmentStatus.CONFIRMED, 1))),
        )
        .select_from(User)
        .outerjoin(
            Commitment,
            and_(Commitment.user_id == User.id, Commitment.campaign_id == campaign.id),
        )
        .where(User.is_active.is_(True))
    ).one()
    figures = Figures(staff=staff)
    figures.counts.update(signed=signed, confirmed=confirmed)
    return figures
