"""Reviewing commitments: the unit head confirms or returns members' signed commitments, the
officer the units' collective ones (and heads' own, when no head is above them); the officer
reopens registration after the deadline. Plus the lists those pages show.

Each use case takes the acting user, checks permission and state, changes the data, audits,
notifies the owner and commits once.
"""

import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import aliased

from app import audit
from app.commitments import services
from app.commitments.seal import SealState
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.models.assessments import CommitmentAssessment
from app.models.campaigns import Campaign
from app.models.commitments import (
    COMMENT_MAX,
    Commitment,
    CommitmentKind,
    CommitmentStatus,
    CommitmentVersion,
    RegistrationReopening,
)
from app.models.directory import Role, Unit, User
from app.notifications.services import link_to, notify
from app.text import clean

REASON_MAX = 500
# The statuses a list shows, in the order of the lifecycle; "none" is no commitment yet.
STATUSES = ("none", "draft", "signed", "confirmed", "returned")


# Confirming and returning -----------------------------------------------------------------


def _multiline(value: str | None) -> str:
    """NFC text with its line breaks kept, each line's trailing spaces and the ends trimmed."""
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def owner_name(commitment: Commitment) -> str:
    """The person's full name, or the unit's name."""
    if commitment.kind == CommitmentKind.INDIVIDUAL:
        return db.session.scalar(select(User.full_name).where(User.id == commitment.user_id))
    return db.session.scalar(select(Unit.name).where(Unit.id == commitment.unit_id))


def _owner_to_notify(commitment: Commitment) -> int | None:
    """The person; for a unit's commitment, its head (None when it has none)."""
    if commitment.kind == CommitmentKind.INDIVIDUAL:
        return commitment.user_id
    return db.session.scalar(select(Unit.head_id).where(Unit.id == commitment.unit_id))


def _owner_link(commitment: Commitment) -> str:
    if commitment.kind == CommitmentKind.INDIVIDUAL:
        return link_to("commitments.mine")
    return link_to("commitments.unit")


def _is_altered(commitment: Commitment, number: int) -> bool:
    version_id = db.session.scalar(
        select(CommitmentVersion.id).where(
            CommitmentVersion.commitment_id == commitment.id, CommitmentVersion.number == number
        )
    )
    version = services.load_version(version_id) if version_id else None
    if version is None or version.is_draft:
        return False  # nothing signed to check; the conditional update refuses it
    return services.seal_state(version.commitment, version) == SealState.ALTERED


def _review(
    actor: User,
    commitment: Commitment,
    status: CommitmentStatus,
    comment: str,
    version_number: int | None,
) -> int:
    if not services.can_review(actor, commitment):
        raise NotAllowed(_("Only the reviewer of this commitment can confirm or return it."))
    # The version the reviewer read; by default the latest one the caller's object knows.
    number = version_number or commitment.current_number
    if status == CommitmentStatus.CONFIRMED and _is_altered(commitment, number):
        raise InvalidTransition(
            _("The content was altered after signing, so it cannot be confirmed; return it.")
        )
    # Conditional updates: of two reviewers acting at once only one finds the version signed,
    # and a version the owner has just amended away from is no longer the commitment's latest.
    reviewed = db.session.execute(
        update(CommitmentVersion)
        .where(
            CommitmentVersion.commitment_id == commitment.id,
            CommitmentVersion.number == number,
            CommitmentVersion.status == CommitmentStatus.SIGNED,
        )
        .values(
            status=status,
            reviewed_at=datetime.now(UTC).replace(microsecond=0),
            reviewer_id=actor.id,
            reviewer_name=actor.full_name,
            review_comment=comment,
        )
        .execution_options(synchronize_session=False)
    )
    if reviewed.rowcount == 1:
        mirrored = db.session.execute(
            update(Commitment)
            .where(Commitment.id == commitment.id, Commitment.current_number == number)
            .values(status=status)
            .execution_options(synchronize_session=False)
        )
        if mirrored.rowcount == 1:
            return number
    db.session.rollback()
    raise InvalidTransition(
        _("Only a signed commitment can be confirmed or returned; it may just have changed.")
    )


def confirm(actor: User, commitment: Commitment, *, version_number: int | None = None) -> None:
    """Confirm the signed latest version (the one numbered `version_number` when given, so what
    the reviewer read is what gets confirmed); the owner is notified."""
    number = _review(actor, commitment, CommitmentStatus.CONFIRMED, "", version_number)
    name = owner_name(commitment)
    recipient = _owner_to_notify(commitment)
    if recipient is not None:
        if commitment.kind == CommitmentKind.INDIVIDUAL:
            notify(recipient, "commitment.confirmed", {}, _owner_link(commitment))
        else:
            notify(recipient, "commitment.unit_confirmed", {"unit": name}, _owner_link(commitment))
    audit.record(actor, "commitment.confirmed", commitment, label=name, version=number)
    db.session.commit()


def return_commitment(
    actor: User, commitment: Commitment, comment: str | None, *, version_number: int | None = None
) -> None:
    """Return the signed latest version with a comment; the owner amends it ("Sửa đổi")."""
    comment = _multiline(comment)
    if not comment:
        raise ValidationFailed({"comment": [_("Write why the commitment is returned.")]})
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed({"comment": [_("At most %(max)d characters.", max=COMMENT_MAX)]})
    number = _review(actor, commitment, CommitmentStatus.RETURNED, comment, version_number)
    name = owner_name(commitment)
    recipient = _owner_to_notify(commitment)
    if recipient is not None:
        if commitment.kind == CommitmentKind.INDIVIDUAL:
            kind, params = "commitment.returned", {"comment": comment}
        else:
            kind, params = "commitment.unit_returned", {"unit": name, "comment": comment}
        notify(recipient, kind, params, _owner_link(commitment))
    audit.record(actor, "commitment.returned", commitment, label=name, version=number)
    db.session.commit()


# Reopening registration -------------------------------------------------------------------


def reopen_registration(
    actor: User,
    campaign: Campaign,
    *,
    user: User | None = None,
    unit: Unit | None = None,
    open_until: date | None,
    reason: str | None,
    today: date,
) -> RegistrationReopening:
    """Let one person or one unit create or amend until `open_until` (the officer only)."""
    if not actor.has_role(Role.OFFICER):
        raise NotAllowed(_("Only the emulation officer can reopen registration."))
    errors: dict[str, list[str]] = {}
    if (user is None) == (unit is None):
        errors["target"] = [_("Choose one person or one unit.")]
    if open_until is None:
        errors["open_until"] = [_("Enter the date until which registration stays open.")]
    elif open_until < today:
        errors["open_until"] = [_("The date cannot be in the past.")]
    reason = clean(reason)
    if not reason:
        errors["reason"] = [_("Write the reason for reopening.")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [_("At most %(max)d characters.", max=REASON_MAX)]
    if errors:
        raise ValidationFailed(errors)
    reopening = RegistrationReopening(
        campaign_id=campaign.id,
        user_id=user.id if user else None,
        unit_id=unit.id if unit else None,
        open_until=open_until,
        reason=reason,
        created_by_id=actor.id,
    )
    db.session.add(reopening)
    db.session.flush()
    day = open_until.strftime("%d/%m/%Y")
    if user is not None:
        notify(user.id, "commitment.reopened", {"date": day}, link_to("commitments.mine"))
    elif unit.head_id is not None:
        notify(
            unit.head_id,
            "commitment.unit_reopened",
            {"unit": unit.name, "date": day},
            link_to("commitments.unit"),
        )
    audit.record(
        actor,
        "commitment.reopened",
        reopening,
        label=user.full_name if user else unit.name,
        campaign=campaign.code,
        open_until=open_until.isoformat(),
        reason=reason,
    )
    db.session.commit()
    return reopening


@dataclass(frozen=True)
class ReopeningRow:
    id: int
    name: str
    is_unit: bool
    open_until: date
    reason: str
    created_by: str
    created_at: datetime


def current_reopenings(campaign: Campaign, today: date) -> list[ReopeningRow]:
    """The campaign's reopenings still in force, the latest ending first (one query)."""
    person, creator = aliased(User), aliased(User)
    rows = db.session.execute(
        select(RegistrationReopening, person.full_name, Unit.name, creator.full_name)
        .outerjoin(person, RegistrationReopening.user_id == person.id)
        .outerjoin(Unit, RegistrationReopening.unit_id == Unit.id)
        .outerjoin(creator, RegistrationReopening.created_by_id == creator.id)
        .where(
            RegistrationReopening.campaign_id == campaign.id,
            RegistrationReopening.open_until >= today,
        )
        .order_by(RegistrationReopening.open_until.desc(), RegistrationReopening.id.desc())
    ).all()
    return [
        ReopeningRow(
            id=reopening.id,
            name=person_name or unit_name or "",
            is_unit=reopening.unit_id is not None,
            open_until=reopening.open_until,
            reason=reopening.reason,
            created_by=creator_name or "",
            created_at=reopening.created_at,
        )
        for reopening, person_name, unit_name, creator_name in rows
    ]


# The lists of the review pages --------------------------------------------------------------


@dataclass(frozen=True)
class PersonRow:
    """A person whose commitment the actor reviews, with its status ("none": not started)."""

    user_id: int
    full_name: str
    position: str
    unit_name: str
    commitment_id: int | None
    status: str
    # The end-of-period assessment: "" none yet, else its status and result.
    assessment: str = ""
    result: str = ""


def _people_rows(campaign: Campaign, who) -> list[PersonRow]:
    """Active people matching `who(unit, parent)`, with their commitment and its assessment,
    in one query."""
    parent = aliased(Unit)
    stmt = (
        select(
            User.id,
            User.full_name,
            User.position,
            Unit.name,
            Commitment.id,
            Commitment.status,
            CommitmentAssessment.status,
            CommitmentAssessment.result,
        )
        .select_from(User)
        .outerjoin(Unit, User.unit_id == Unit.id)
        .outerjoin(parent, Unit.parent_id == parent.id)
        .outerjoin(
            Commitment,
            and_(Commitment.user_id == User.id, Commitment.campaign_id == campaign.id),
        )
        .outerjoin(CommitmentAssessment, CommitmentAssessment.commitment_id == Commitment.id)
        .where(User.is_active.is_(True), who(Unit, parent))
        .order_by(User.name_sort, User.id)
    )
    return [
        PersonRow(
            user_id,
            full_name,
            position,
            unit_name or "",
            commitment_id,
            status or "none",
            assessment or "",
            result or "",
        )
        for (
            user_id,
            full_name,
            position,
            unit_name,
            commitment_id,
            status,
            assessment,
            result,
        ) in db.session.execute(stmt)
    ]


def members_of(actor: User):
    """SQL for `who(unit, parent)`: the people whose commitment the actor confirms as a head
    (services.reviewer_head_id): the members of the units they head, and the heads of those
    units' sub-units."""
    return lambda unit, parent: and_(
        User.id != actor.id,
        or_(
            unit.head_id == actor.id,
            and_(unit.head_id == User.id, parent.head_id == actor.id),
        ),
    )


def officers_people(actor: User):
    """SQL for `who(unit, parent)`: the people whose commitment falls to the officer: heads with
    no head above them, and anyone whose unit has no head or who has no unit."""
    return lambda unit, parent: and_(
        User.id != actor.id,
        or_(
            User.unit_id.is_(None),
            unit.head_id.is_(None),
            and_(
                unit.head_id == User.id,
                or_(parent.head_id.is_(None), parent.head_id == User.id),
            ),
        ),
    )


def member_rows(actor: User, campaign: Campaign) -> list[PersonRow]:
    """The people whose commitment the actor confirms as a head (members_of)."""
    return _people_rows(campaign, members_of(actor))


def officer_people_rows(actor: User, campaign: Campaign) -> list[PersonRow]:
    """The people whose commitment falls to the officer (officers_people)."""
    return _people_rows(campaign, officers_people(actor))


@dataclass(frozen=True)
class UnitRow:
    unit_id: int
    name: str
    depth: int
    head_name: str
    commitment_id: int | None
    status: str
    assessment: str = ""
    result: str = ""


def unit_rows(campaign: Campaign) -> list[UnitRow]:
    """Every unit as a tree, with its head and its collective commitment and that commitment's
    assessment (two queries)."""
    from app.directory import unit_tree

    commitments = {
        unit_id: (commitment, assessment, result)
        for unit_id, commitment, assessment, result in db.session.execute(
            select(
                Commitment.unit_id,
                Commitment,
                CommitmentAssessment.status,
                CommitmentAssessment.result,
            )
            .outerjoin(CommitmentAssessment, CommitmentAssessment.commitment_id == Commitment.id)
            .where(Commitment.campaign_id == campaign.id, Commitment.kind == CommitmentKind.UNIT)
        )
    }
    rows = []
    for unit, depth in unit_tree(heads=True):
        commitment, assessment, result = commitments.get(unit.id, (None, None, None))
        rows.append(
            UnitRow(
                unit_id=unit.id,
                name=unit.name,
                depth=depth,
                head_name=unit.head.full_name if unit.head else "",
                commitment_id=commitment.id if commitment else None,
                status=commitment.status if commitment else "none",
                assessment=assessment or "",
                result=result or "",
            )
        )
    return rows


def status_counts(rows) -> dict[str, int]:
    """How many rows are in each status, every status present."""
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return counts
