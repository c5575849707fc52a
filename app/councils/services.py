"""The initiative council (Hội đồng sáng kiến): the officer sets a session up (details, members
with their roles, weighted criteria) and opens it; each member scores and votes on each
initiative of the session; the chair closes it, which decides every initiative.

Each use case takes the acting user, checks permission and state, changes the data, audits and
commits once. What the pages read (and the secrecy of the scores before the close) is in
queries.py.

Changes to a council first touch its row with a conditional update (`_hold`): a judgement, an
edit and the close each take that row in turn, so a judgement cannot land after the close and
a session cannot be closed, or opened, twice.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app import audit
from app.councils.queries import (
    excluded_members,
    in_session_elsewhere,
    load,
    own_judgement,
    session_initiatives,
)
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.initiatives.services import hold_campaign, is_author, notify_authors, transition
from app.models.campaigns import Campaign
from app.models.councils import (
    CRITERION_MAX,
    DEFAULT_CRITERIA,
    NAME_MAX,
    Council,
    CouncilCriterion,
    CouncilJudgement,
    CouncilMember,
    CouncilResult,
    CouncilScore,
    CouncilStatus,
    MemberRole,
)
from app.models.directory import Role, User
from app.models.initiatives import Initiative, InitiativeStatus
from app.text import clean, clean_paragraphs

S = CouncilStatus
MIN_MEMBERS = 3
MAX_CRITERIA = 10
COMMENT_MAX = 2000
TEXT_MAX = 200
# The approval thresholds a council may choose: (numerator, denominator).
FRACTIONS = ((1, 2), (2, 3), (3, 4), (1, 1))


# Who may do what -----------------------------------------------------------------------------


def is_manager(user: User) -> bool:
    """The Administration Office's emulation officer sets councils up."""
    return user.has_role(Role.OFFICER)


def membership(user: User, council: Council) -> CouncilMember | None:
    """The user's seat on this council, if any."""
    return db.session.scalar(
        select(CouncilMember).where(
            CouncilMember.council_id == council.id, CouncilMember.user_id == user.id
        )
    )


def can_view(user: User, council: Council, member: CouncilMember | None = None) -> bool:
    """The officer, the leaders and the council's members."""
    return user.has_role(Role.OFFICER, Role.LEADER) or member is not None


@cache
def _membership():
    """Built once: the menu asks on every page."""
    return select(CouncilMember.id).where(CouncilMember.user_id == bindparam("user_id")).limit(1)


def sits_on_a_council(user: User) -> bool:
    """Whether the user is a member of any council (for the menu)."""
    return db.session.scalar(_membership(), {"user_id": user.id}) is not None


def _require_manager(actor: User) -> None:
    if not is_manager(actor):
        raise NotAllowed(_("Only the emulation officer sets up initiative councils."))


def _hold(council: Council, *statuses: str) -> None:
    """Take the council's row if it is still in one of `statuses`, else refuse: every change
    goes through here first, so it waits for, and then sees, a concurrent open or close."""
    held = db.session.execute(
        update(Council)
        .where(Council.id == council.id, Council.status.in_(statuses))
        .values(status=Council.status)
        .execution_options(synchronize_session=False)
    )
    if held.rowcount != 1:
        db.session.rollback()
        raise InvalidTransition(_state_message(statuses))


def require_preparing(council: Council) -> None:
    """Refuse a change of the set-up once the session has opened."""
    if council.status != S.PREPARING:
        raise InvalidTransition(_state_message((S.PREPARING,)))


def _state_message(statuses: tuple[str, ...]) -> str:
    if statuses == (S.PREPARING,):
        return _("The council's session has been opened; its set-up can no longer change.")
    if statuses == (S.IN_SESSION,):
        return _("The council is not in session.")
    return _("The council's session has been closed; nothing can change any more.")


# Setting a council up ------------------------------------------------------------------------


def default_name(campaign: Campaign) -> str:
    """The name the set-up form proposes, as the office's decisions word it."""
    return f"Hội đồng sáng kiến Văn phòng UBND tỉnh năm {campaign.starts_on.year}"


def fraction_text(numerator: int, denominator: int) -> str:
    return f"{numerator}/{denominator}"


def _details(data: dict, council: Council | None) -> dict:
    """Clean and check the council's details; ValidationFailed names each bad field."""
    errors: dict[str, list[str]] = {}
    values = {
        "name": clean(data.get("name")),
        "decision_reference": clean(data.get("decision_reference")),
        "meeting_place": clean(data.get("meeting_place")),
        "meeting_on": data.get("meeting_on"),
    }
    if not values["name"]:
        errors["name"] = [_("Enter the name of the council.")]
    elif len(values["name"]) > NAME_MAX:
        errors["name"] = [_("At most %(max)d characters.", max=NAME_MAX)]
    for name in ("decision_reference", "meeting_place"):
        if len(values[name]) > TEXT_MAX:
            errors[name] = [_("At most %(max)d characters.", max=TEXT_MAX)]
    if values["meeting_on"] is not None and not isinstance(values["meeting_on"], date):
        errors["meeting_on"] = [_("Enter a valid date (dd/mm/yyyy).")]
    fraction = data.get("approval", (2, 3))
    if fraction not in FRACTIONS:
        errors["approval"] = [_("Choose one of the thresholds offered.")]
    elif (
        council is not None
        and council.status != S.PREPARING
        and fraction != (council.approval_numerator, council.approval_denominator)
    ):
        errors["approval"] = [_("The threshold cannot change once the session has been opened.")]
    if errors:
        raise ValidationFailed(errors)
    values["approval_numerator"], values["approval_denominator"] = fraction
    return values


def _details_for_audit(council: Council) -> dict:
    return {
        "meeting_on": council.meeting_on.strftime("%d/%m/%Y") if council.meeting_on else "",
        "meeting_place": council.meeting_place,
        "decision": council.decision_reference,
        "approval": fraction_text(council.approval_numerator, council.approval_denominator),
    }


def create_council(actor: User, campaign: Campaign, data: dict) -> Council:
    """A council for the campaign, being prepared, with the default criteria."""
    _require_manager(actor)
    values = _details(data, None)
    council = Council(campaign_id=campaign.id, created_by_id=actor.id, **values)
    council.criteria = [
        CouncilCriterion(position=position, name=name, weight=weight)
        for position, (name, weight) in enumerate(DEFAULT_CRITERIA)
    ]
    council.members = []
    db.session.add(council)
    db.session.flush()
    audit.record(
        actor, "council.created", council, label=council.name, **_details_for_audit(council)
    )
    db.session.commit()
    return council


def update_council(actor: User, council: Council, data: dict) -> None:
    """Change the details (until the close; the threshold only while preparing)."""
    _require_manager(actor)
    values = _details(data, council)
    _hold(council, S.PREPARING, S.IN_SESSION)
    for name, value in values.items():
        setattr(council, name, value)
    audit.record(
        actor, "council.updated", council, label=council.name, **_details_for_audit(council)
    )
    db.session.commit()


def delete_council(actor: User, council: Council) -> None:
    """Delete a council that was never opened."""
    _require_manager(actor)
    _hold(council, S.PREPARING)
    audit.record(actor, "council.deleted", council, label=council.name)
    # The database deletes its members and criteria with it (ON DELETE CASCADE).
    db.session.execute(
        delete(Council).where(Council.id == council.id).execution_options(synchronize_session=False)
    )
    db.session.commit()


def _role(value: str | None) -> MemberRole:
    try:
        return MemberRole(value or "")
    except ValueError:
        raise ValidationFailed({"role": [_("Choose a role.")]}) from None


def _role_taken(council: Council, role: MemberRole, member_id: int | None = None) -> str | None:
    """The error when the council already has its one chair or secretary."""
    if role == MemberRole.MEMBER:
        return None
    holder = db.session.scalar(
        select(User.full_name)
        .join(CouncilMember, CouncilMember.user_id == User.id)
        .where(
            CouncilMember.council_id == council.id,
            CouncilMember.role == role,
            CouncilMember.id != (member_id or 0),
        )
    )
    if holder is None:
        return None
    if role == MemberRole.CHAIR:
        return _(
            "The council already has a chair (%(name)s); make them a member first.", name=holder
        )
    return _(
        "The council already has a secretary (%(name)s); make them a member first.", name=holder
    )


def add_member(actor: User, council: Council, user_id: int | None, role: str | None):
    """Seat a person from the directory on the council with a role (while preparing)."""
    _require_manager(actor)
    require_preparing(council)
    person = db.session.get(User, user_id) if user_id else None
    errors: dict[str, list[str]] = {}
    if person is None or not person.is_active:
        errors["user_id"] = [_("Choose a person from the directory.")]
    elif membership(person, council) is not None:
        errors["user_id"] = [_("%(name)s is already on the council.", name=person.full_name)]
    try:
        chosen = _role(role)
    except ValidationFailed as error:
        errors.update(error.errors)
    else:
        taken = _role_taken(council, chosen)
        if taken:
            errors["role"] = [taken]
    if errors:
        raise ValidationFailed(errors)
    _hold(council, S.PREPARING)
    member = CouncilMember(council_id=council.id, user_id=person.id, role=chosen)
    db.session.add(member)
    try:
        db.session.flush()
    except IntegrityError:  # someone seated them, or gave the role, a moment ago
        db.session.rollback()
        raise ValidationFailed(
            {"user_id": [_("The council has just changed; try again.")]}
        ) from None
    audit.record(
        actor,
        "council.member_added",
        council,
        label=council.name,
        full_name=person.full_name,
        role=chosen.value,
    )
    db.session.commit()
    return member


def _member(council: Council, member_id: int) -> CouncilMember:
    member = db.session.scalar(
        select(CouncilMember)
        .where(CouncilMember.id == member_id, CouncilMember.council_id == council.id)
        .options(joinedload(CouncilMember.user))
    )
    if member is None:
        raise ValidationFailed({"members": [_("This person is not on the council.")]})
    return member


def change_role(actor: User, council: Council, member_id: int, role: str | None) -> None:
    """Give a member another role (while preparing)."""
    _require_manager(actor)
    require_preparing(council)
    member = _member(council, member_id)
    chosen = _role(role)
    taken = _role_taken(council, chosen, member.id)
    if taken:
        raise ValidationFailed({"role": [taken]})
    if chosen == member.role:
        return
    _hold(council, S.PREPARING)
    before = member.role
    member.role = chosen
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ValidationFailed({"role": [_("The council has just changed; try again.")]}) from None
    audit.record(
        actor,
        "council.member_updated",
        council,
        label=council.name,
        full_name=member.user.full_name,
        role={"before": before, "after": chosen.value},
    )
    db.session.commit()


def remove_member(actor: User, council: Council, member_id: int) -> None:
    """Take a member off the council (while preparing)."""
    _require_manager(actor)
    require_preparing(council)
    member = _member(council, member_id)
    _hold(council, S.PREPARING)
    name = member.user.full_name
    db.session.delete(member)
    audit.record(actor, "council.member_removed", council, label=council.name, full_name=name)
    db.session.commit()


@dataclass(frozen=True)
class CriterionRow:
    """One row of the criteria form: an existing criterion (id) or a new one, or one to drop."""

    id: int | None
    name: str | None
    weight: int | None
    remove: bool = False


def criteria_errors(rows: list[CriterionRow]) -> dict[str, list[str]]:
    """Each kept row named, its weight a whole number from 1 to 100, names distinct, together
    exactly 100; keys "row-<i>-name", "row-<i>-weight" and "criteria"."""
    errors: dict[str, list[str]] = {}
    kept = [(i, row) for i, row in enumerate(rows) if not row.remove]
    names: set[str] = set()
    for i, row in kept:
        name = clean(row.name)
        if not name:
            errors[f"row-{i}-name"] = [_("Enter the name of the criterion.")]
        elif len(name) > CRITERION_MAX:
            errors[f"row-{i}-name"] = [_("At most %(max)d characters.", max=CRITERION_MAX)]
        elif name.casefold() in names:
            errors[f"row-{i}-name"] = [_("Another criterion has this name.")]
        names.add(name.casefold())
        if row.weight is None or not 1 <= row.weight <= 100:
            errors[f"row-{i}-weight"] = [_("Enter a whole number from 1 to 100.")]
    if not kept:
        errors["criteria"] = [_("The council needs at least one criterion.")]
    elif len(kept) > MAX_CRITERIA:
        errors["criteria"] = [_("At most %(max)d criteria.", max=MAX_CRITERIA)]
    elif not errors:
        total = sum(row.weight for _i, row in kept)
        if total != 100:
            errors["criteria"] = [
                _(
                    "The maximum points add up to %(total)d; together they must make 100.",
                    total=total,
                )
            ]
    return errors


def update_criteria(actor: User, council: Council, rows: list[CriterionRow]) -> None:
    """Replace the criteria with the rows, in their order (while preparing)."""
    _require_manager(actor)
    require_preparing(council)
    existing = {
        criterion.id: criterion
        for criterion in db.session.scalars(
            select(CouncilCriterion).where(CouncilCriterion.council_id == council.id)
        )
    }
    if any(row.id is not None and row.id not in existing for row in rows):
        raise ValidationFailed({"criteria": [_("The criteria have changed; reload the page.")]})
    errors = criteria_errors(rows)
    if errors:
        raise ValidationFailed(errors)
    _hold(council, S.PREPARING)
    kept_ids = {row.id for row in rows if row.id is not None and not row.remove}
    for criterion_id, criterion in existing.items():
        if criterion_id not in kept_ids:
            db.session.delete(criterion)
    position = 0
    for row in rows:
        if row.remove:
            continue
        criterion = existing.get(row.id) if row.id is not None else None
        if criterion is None:
            criterion = CouncilCriterion(council_id=council.id)
            db.session.add(criterion)
        criterion.name, criterion.weight, criterion.position = clean(row.name), row.weight, position
        position += 1
    audit.record(
        actor,
        "council.criteria_updated",
        council,
        label=council.name,
        criteria=[f"{clean(row.name)} ({row.weight})" for row in rows if not row.remove],
    )
    db.session.commit()


def opening_problems(council: Council) -> list[str]:
    """What must be put right before the session can open. Needs members and criteria loaded."""
    problems = []
    roles = Counter(member.role for member in council.members)
    if roles[MemberRole.CHAIR] != 1:
        problems.append(_("The council needs a chair."))
    if len(council.members) < MIN_MEMBERS:
        problems.append(_("The council needs at least %(min)d members in all.", min=MIN_MEMBERS))
    total = sum(criterion.weight for criterion in council.criteria)
    if not council.criteria or total != 100:
        problems.append(
            _("The maximum points of the criteria add up to %(total)d instead of 100.", total=total)
        )
    return problems


def open_session(actor: User, council: Council) -> int:
    """Open the session: it judges every accepted initiative of the campaign that no council
    has yet (and those accepted while it sits). Returns how many it took."""
    _require_manager(actor)
    council = load(council.id)
    if council.status != S.PREPARING:
        raise InvalidTransition(_("Only a council being prepared can open its session."))
    problems = opening_problems(council)
    if problems:
        raise ValidationFailed({"open": problems})
    other = in_session_elsewhere(council)
    if other is not None:
        raise InvalidTransition(
            _("%(name)s is in session for this campaign; it must close first.", name=other.name)
        )
    # An initiative accepted meanwhile is taken below or finds this council in session.
    hold_campaign(council.campaign_id)
    try:
        opened = db.session.execute(
            update(Council)
            .where(Council.id == council.id, Council.status == S.PREPARING)
            .values(status=S.IN_SESSION, opened_at=datetime.now(UTC))
            .execution_options(synchronize_session=False)
        )
    except IntegrityError:  # uq_councils_in_session: another one opened a moment ago
        db.session.rollback()
        raise InvalidTransition(
            _("Another council of this campaign has just opened its session.")
        ) from None
    if opened.rowcount != 1:
        db.session.rollback()
        raise InvalidTransition(_("Only a council being prepared can open its session."))
    assigned = db.session.execute(
        update(Initiative)
        .where(
            Initiative.campaign_id == council.campaign_id,
            Initiative.status == InitiativeStatus.ACCEPTED,
            Initiative.council_id.is_(None),
        )
        .values(council_id=council.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    audit.record(actor, "council.opened", council, label=council.name, initiatives=assigned)
    db.session.commit()
    return assigned


# Judging -------------------------------------------------------------------------------------


def score_errors(criteria: list[CouncilCriterion], points: dict[int, int | None]) -> dict:
    """Each criterion scored with whole points from 0 to its maximum; keys "criterion_<id>"."""
    errors: dict[str, list[str]] = {}
    for criterion in criteria:
        value = points.get(criterion.id)
        if value is None:
            errors[f"criterion_{criterion.id}"] = [_("Enter the points.")]
        elif not 0 <= value <= criterion.weight:
            errors[f"criterion_{criterion.id}"] = [
                _("Enter a whole number from 0 to %(max)d.", max=criterion.weight)
            ]
    return errors


def require_judge(actor: User, council: Council, initiative: Initiative) -> CouncilMember:
    """The actor's seat, if they may judge this initiative in this session; else refuse."""
    member = membership(actor, council)
    if member is None:
        raise NotAllowed(_("Only the members of this council score its initiatives."))
    if initiative.council_id != council.id:
        raise NotAllowed(_("This initiative is not in the council's session."))
    if is_author(actor, initiative):
        raise NotAllowed(
            _(
                "You are an author or co-author of this initiative, so you do not take part "
                "in scoring it."
            )
        )
    if council.status != S.IN_SESSION or initiative.status != InitiativeStatus.ACCEPTED:
        raise InvalidTransition(_("The council is not in session."))
    return member


def judge(
    actor: User,
    council: Council,
    initiative: Initiative,
    points: dict[int, int | None],
    approves: bool | None,
    comment: str | None = "",
) -> CouncilJudgement:
    """Save the member's scores and vote on one initiative; they may change it until the
    close. The audit entry names the initiative, never the points or the vote."""
    member = require_judge(actor, council, initiative)
    criteria = list(
        db.session.scalars(
            select(CouncilCriterion)
            .where(CouncilCriterion.council_id == council.id)
            .order_by(CouncilCriterion.position, CouncilCriterion.id)
        )
    )
    errors = score_errors(criteria, points)
    if approves is None:
        errors["approves"] = [_("Choose whether you approve recognizing it.")]
    comment = clean_paragraphs(comment)
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [_("At most %(max)d characters.", max=COMMENT_MAX)]
    if errors:
        raise ValidationFailed(errors)
    _hold(council, S.IN_SESSION)
    judgement = own_judgement(member, initiative.id)
    if judgement is None:
        judgement = CouncilJudgement(
            council_id=council.id, member_id=member.id, initiative_id=initiative.id
        )
        judgement.scores = []
        db.session.add(judgement)
    judgement.approves = bool(approves)
    judgement.comment = comment
    judgement.total = sum(points[criterion.id] for criterion in criteria)
    scores = {score.criterion_id: score for score in judgement.scores}
    for criterion in criteria:
        score = scores.get(criterion.id)
        if score is None:
            judgement.scores.append(
                CouncilScore(criterion_id=criterion.id, points=points[criterion.id])
            )
        else:
            score.points = points[criterion.id]
    try:
        db.session.flush()
    except IntegrityError:  # the same member's other tab saved first
        db.session.rollback()
        raise InvalidTransition(
            _("Your judgement was saved from another window a moment ago; check it and save again.")
        ) from None
    audit.record(actor, "council.judged", council, label=council.name, initiative=initiative.title)
    db.session.commit()
    return judgement


# Closing -------------------------------------------------------------------------------------


def is_recognized(approvals: int, eligible: int, numerator: int, denominator: int) -> bool:
    """Recognized when approvals / eligible >= numerator / denominator (and someone judges):
    whole-number arithmetic, so 2 of 3 meets two thirds exactly."""
    return eligible > 0 and approvals * denominator >= numerator * eligible


@dataclass(frozen=True)
class Tally:
    eligible: int
    judged: int
    approvals: int
    average_total: float | None
    is_recognized: bool


def tally(
    council: Council, initiative: Initiative, judgements: list[tuple[int, bool, int]]
) -> Tally:
    """Count one initiative: `judgements` are (member id, approves, total) of its judgements.
    Needs the council's members and the initiative's authors loaded."""
    excluded = {member.id for member in excluded_members(council.members, initiative)}
    eligible = len(council.members) - len(excluded)
    counted = [
        (approves, total) for member_id, approves, total in judgements if member_id not in excluded
    ]
    approvals = sum(1 for approves, _total in counted if approves)
    average = sum(total for _a, total in counted) / len(counted) if counted else None
    return Tally(
        eligible=eligible,
        judged=len(counted),
        approvals=approvals,
        average_total=average,
        is_recognized=is_recognized(
            approvals, eligible, council.approval_numerator, council.approval_denominator
        ),
    )


def close_session(actor: User, council: Council) -> tuple[int, int]:
    """The chair closes the session: each initiative is recognized or not by the council's
    threshold, its result kept, its authors told. Returns (recognized, not recognized)."""
    member = membership(actor, council)
    if member is None or member.role != MemberRole.CHAIR:
        raise NotAllowed(_("Only the chair of the council closes its session."))
    now = datetime.now(UTC)
    closed = db.session.execute(
        update(Council)
        .where(Council.id == council.id, Council.status == S.IN_SESSION)
        .values(status=S.CLOSED, closed_at=now, closed_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:
        db.session.rollback()
        raise InvalidTransition(_("The council is not in session; it may just have been closed."))
    council = load(council.id)
    initiatives = [i for i in session_initiatives(council) if i.status == InitiativeStatus.ACCEPTED]
    by_initiative: dict[int, list[tuple[int, bool, int]]] = {}
    for member_id, initiative_id, approves, total in db.session.execute(
        select(
            CouncilJudgement.member_id,
            CouncilJudgement.initiative_id,
            CouncilJudgement.approves,
            CouncilJudgement.total,
        ).where(CouncilJudgement.council_id == council.id)
    ):
        by_initiative.setdefault(initiative_id, []).append((member_id, approves, total))
    recognized = 0
    for initiative in initiatives:
        counted = tally(council, initiative, by_initiative.get(initiative.id, []))
        db.session.add(
            CouncilResult(
                council_id=council.id,
                initiative_id=initiative.id,
                eligible=counted.eligible,
                judged=counted.judged,
                approvals=counted.approvals,
                average_total=counted.average_total,
                is_recognized=counted.is_recognized,
            )
        )
        details = {"council": council.name, "approvals": f"{counted.approvals}/{counted.eligible}"}
        if counted.is_recognized:
            recognized += 1
            transition(
                actor,
                initiative,
                (InitiativeStatus.ACCEPTED,),
                InitiativeStatus.RECOGNIZED,
                "recognized",
                decided_at=now,
            )
            audit.record(
                actor, "initiative.recognized", initiative, label=initiative.title, **details
            )
            notify_authors(initiative, "initiative.recognized", {})
        else:
            transition(
                actor,
                initiative,
                (InitiativeStatus.ACCEPTED,),
                InitiativeStatus.NOT_RECOGNIZED,
                "not_recognized",
                decided_at=now,
            )
            audit.record(
                actor, "initiative.not_recognized", initiative, label=initiative.title, **details
            )
            notify_authors(initiative, "initiative.not_recognized", {})
    not_recognized = len(initiatives) - recognized
    audit.record(
        actor,
        "council.closed",
        council,
        label=council.name,
        recognized=recognized,
        not_recognized=not_recognized,
    )
    db.session.commit()
    return recognized, not_recognized
