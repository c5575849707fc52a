"""Commitment use cases for the owner: start, edit the draft, sign under a seal, amend.

Each takes the acting user, checks permission and state, changes the data, audits, commits once.
The unit head's and the officer's use cases (confirm, return, reopen) are in review.py.
"""

from datetime import UTC, date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import aliased, joinedload, selectinload
from werkzeug.security import check_password_hash

from app import audit
from app.commitments import seal
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.models.campaigns import AppliesTo, Campaign, ContentArea, Criterion, EmulationTitle
from app.models.commitments import (
    ANSWER_MAX,
    ITEM_TARGET_MAX,
    ITEM_TEXT_MAX,
    Commitment,
    CommitmentItem,
    CommitmentKind,
    CommitmentStatus,
    CommitmentVersion,
    CriterionAnswer,
    RegistrationReopening,
)
from app.models.directory import Unit, User
from app.text import clean, clean_paragraphs

# Owners ------------------------------------------------------------------------------------


def is_owner(actor: User, commitment: Commitment) -> bool:
    """The person for an individual commitment; the unit's head for a collective one."""
    if commitment.kind == CommitmentKind.INDIVIDUAL:
        return commitment.user_id == actor.id
    head_id = db.session.scalar(select(Unit.head_id).where(Unit.id == commitment.unit_id))
    return head_id is not None and head_id == actor.id


def headed_unit(actor: User) -> Unit | None:
    """The unit the actor heads, if any (the first by id when several)."""
    return db.session.scalar(select(Unit).where(Unit.head_id == actor.id).order_by(Unit.id))


def find_commitment(campaign: Campaign, *, user: User | None = None, unit: Unit | None = None):
    """The commitment of a person or a unit for the campaign, or None."""
    stmt = select(Commitment).where(Commitment.campaign_id == campaign.id)
    if user is not None:
        stmt = stmt.where(Commitment.user_id == user.id)
    else:
        stmt = stmt.where(Commitment.unit_id == unit.id)
    return db.session.scalar(stmt)


def load_version(version_id: int) -> CommitmentVersion | None:
    """A version with its items, answers, title and commitment, ready to show or seal."""
    return db.session.scalar(
        select(CommitmentVersion)
        .where(CommitmentVersion.id == version_id)
        .options(
            selectinload(CommitmentVersion.items).joinedload(CommitmentItem.content_area),
            selectinload(CommitmentVersion.answers).joinedload(CriterionAnswer.criterion),
            joinedload(CommitmentVersion.title),
            joinedload(CommitmentVersion.commitment),
        )
    )


def latest_version(commitment: Commitment) -> CommitmentVersion:
    version_id = db.session.scalar(
        select(CommitmentVersion.id).where(
            CommitmentVersion.commitment_id == commitment.id,
            CommitmentVersion.number == commitment.current_number,
        )
    )
    return load_version(version_id)


# The registration deadline -----------------------------------------------------------------


def registration_open(
    campaign: Campaign, today: date, *, user_id: int | None = None, unit_id: int | None = None
) -> bool:
    """Before the deadline anyone may register or amend; after it, only those reopened for."""
    if campaign.is_registration_open(today):
        return True
    owner = (
        RegistrationReopening.user_id == user_id
        if user_id is not None
        else RegistrationReopening.unit_id == unit_id
    )
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    RegistrationReopening.campaign_id == campaign.id,
                    owner,
                    RegistrationReopening.open_until >= today,
                )
            )
        )
    )


def _require_open(campaign: Campaign, today: date, commitment_or_owner) -> None:
    user_id = getattr(commitment_or_owner, "user_id", None)
    unit_id = getattr(commitment_or_owner, "unit_id", None)
    if not registration_open(campaign, today, user_id=user_id, unit_id=unit_id):
        raise InvalidTransition(
            _(
                "The registration deadline (%(date)s) has passed. Ask the Administration "
                "Office to reopen registration for you.",
                date=campaign.registration_deadline.strftime("%d/%m/%Y"),
            )
        )


# Starting and editing a draft --------------------------------------------------------------


def start_individual(actor: User, campaign: Campaign, today: date) -> Commitment:
    """The actor's own commitment for the campaign, created with an empty draft if need be."""
    existing = find_commitment(campaign, user=actor)
    if existing is not None:
        return existing
    owner = Commitment(campaign_id=campaign.id, kind=CommitmentKind.INDIVIDUAL, user_id=actor.id)
    _require_open(campaign, today, owner)
    return _create(actor, owner)


def start_collective(actor: User, campaign: Campaign, unit: Unit, today: date) -> Commitment:
    """The unit's collective commitment, made by its head."""
    if unit.head_id != actor.id:
        raise NotAllowed(_("Only the head of the unit makes its collective commitment."))
    existing = find_commitment(campaign, unit=unit)
    if existing is not None:
        return existing
    owner = Commitment(campaign_id=campaign.id, kind=CommitmentKind.UNIT, unit_id=unit.id)
    _require_open(campaign, today, owner)
    return _create(actor, owner)


def _create(actor: User, commitment: Commitment) -> Commitment:
    commitment.status = CommitmentStatus.DRAFT
    commitment.current_number = 1
    commitment.versions = [CommitmentVersion(number=1, status=CommitmentStatus.DRAFT)]
    db.session.add(commitment)
    db.session.flush()
    audit.record(actor, "commitment.created", commitment, kind=commitment.kind)
    db.session.commit()
    return commitment


def _editable(actor: User, version: CommitmentVersion) -> Commitment:
    commitment = version.commitment
    if not is_owner(actor, commitment):
        raise NotAllowed()
    if version.status != CommitmentStatus.DRAFT:
        raise InvalidTransition(_("A signed version cannot be changed; amend it instead."))
    return commitment


def _item_fields(campaign_id: int, content_area_id, text, target, due_on) -> dict:
    errors: dict[str, list[str]] = {}
    text, target = clean_paragraphs(text), clean(target)
    area = db.session.get(ContentArea, content_area_id) if content_area_id else None
    if area is None or area.campaign_id != campaign_id:
        errors["content_area_id"] = [_("Choose a content area of the campaign.")]
    if not text:
        errors["text"] = [_("Write what you commit to.")]
    elif len(text) > ITEM_TEXT_MAX:
        errors["text"] = [_("At most %(max)d characters.", max=ITEM_TEXT_MAX)]
    if len(target) > ITEM_TARGET_MAX:
        errors["target"] = [_("At most %(max)d characters.", max=ITEM_TARGET_MAX)]
    if errors:
        raise ValidationFailed(errors)
    return {"content_area_id": area.id, "text": text, "target": target, "due_on": due_on}


def add_item(
    actor: User, version: CommitmentVersion, content_area_id, text, target="", due_on=None
):
    """Add an item at the end of its content area."""
    commitment = _editable(actor, version)
    fields = _item_fields(commitment.campaign_id, content_area_id, text, target, due_on)
    last = db.session.scalar(
        select(func.max(CommitmentItem.position)).where(
            CommitmentItem.version_id == version.id,
            CommitmentItem.content_area_id == fields["content_area_id"],
        )
    )
    item = CommitmentItem(version_id=version.id, position=(last or 0) + 1, **fields)
    db.session.add(item)
    db.session.commit()
    return item


def update_item(actor: User, item: CommitmentItem, content_area_id, text, target="", due_on=None):
    """Change an item; moving it to another area puts it at the end there."""
    version = item.version
    commitment = _editable(actor, version)
    fields = _item_fields(commitment.campaign_id, content_area_id, text, target, due_on)
    if fields["content_area_id"] != item.content_area_id:
        last = db.session.scalar(
            select(func.max(CommitmentItem.position)).where(
                CommitmentItem.version_id == version.id,
                CommitmentItem.content_area_id == fields["content_area_id"],
            )
        )
        fields["position"] = (last or 0) + 1
    for name, value in fields.items():
        setattr(item, name, value)
    db.session.commit()
    return item


def delete_item(actor: User, item: CommitmentItem) -> None:
    """Remove an item; the others of its area keep contiguous positions."""
    _editable(actor, item.version)
    version_id, area_id = item.version_id, item.content_area_id
    db.session.delete(item)
    db.session.flush()
    rest = db.session.scalars(
        select(CommitmentItem)
        .where(CommitmentItem.version_id == version_id, CommitmentItem.content_area_id == area_id)
        .order_by(CommitmentItem.position, CommitmentItem.id)
    ).all()
    for position, other in enumerate(rest, start=1):
        other.position = position
    db.session.commit()


def update_details(
    actor: User,
    version: CommitmentVersion,
    title_id: int | None,
    is_criterion_acknowledged: bool = False,
    answers: dict[int, str] | None = None,
) -> CommitmentVersion:
    """The registered title, the individual criterion acknowledged, the unit criteria answers."""
    commitment = _editable(actor, version)
    errors: dict[str, list[str]] = {}
    applies_to = (
        AppliesTo.INDIVIDUAL if commitment.kind == CommitmentKind.INDIVIDUAL else AppliesTo.UNIT
    )
    if title_id:
        title = db.session.get(EmulationTitle, title_id)
        if (
            title is None
            or title.campaign_id != commitment.campaign_id
            or title.applies_to != applies_to
        ):
            errors["title_id"] = [_("Choose a title from the campaign's list.")]
    if commitment.kind == CommitmentKind.UNIT:
        criteria = {
            criterion.id: criterion
            for criterion in db.session.scalars(
                select(Criterion).where(
                    Criterion.campaign_id == commitment.campaign_id,
                    Criterion.applies_to == AppliesTo.UNIT,
                )
            )
        }
        cleaned = {
            int(k): clean_paragraphs(v) for k, v in (answers or {}).items() if int(k) in criteria
        }
        for criterion_id, text in cleaned.items():
            if len(text) > ANSWER_MAX:
                errors[f"answer_{criterion_id}"] = [
                    _("At most %(max)d characters.", max=ANSWER_MAX)
                ]
    if errors:
        raise ValidationFailed(errors)
    version.title_id = title_id or None
    if commitment.kind == CommitmentKind.INDIVIDUAL:
        version.is_criterion_acknowledged = bool(is_criterion_acknowledged)
    else:
        existing = {answer.criterion_id: answer for answer in version.answers}
        for criterion_id, text in cleaned.items():
            if criterion_id in existing:
                existing[criterion_id].text = text
            else:
                version.answers.append(CriterionAnswer(criterion_id=criterion_id, text=text))
    db.session.commit()
    return version


# Signing -----------------------------------------------------------------------------------


def signing_problems(version: CommitmentVersion) -> list[str]:
    """What stops the draft from being signed, as messages; empty when it can be."""
    commitment = version.commitment
    problems = []
    if not version.items:
        problems.append(_("Add at least one commitment item."))
    if version.title_id is None:
        problems.append(_("Choose the emulation title you register for."))
    if commitment.kind == CommitmentKind.INDIVIDUAL and not version.is_criterion_acknowledged:
        problems.append(_("Acknowledge the individual criterion."))
    if commitment.kind == CommitmentKind.UNIT:
        answered = {answer.criterion_id for answer in version.answers if answer.text}
        unit_criteria = db.session.scalars(
            select(Criterion.id).where(
                Criterion.campaign_id == commitment.campaign_id,
                Criterion.applies_to == AppliesTo.UNIT,
            )
        ).all()
        if set(unit_criteria) - answered:
            problems.append(_("Answer every unit criterion."))
    return problems


def sign(
    actor: User, version: CommitmentVersion, password: str, is_statement_ticked: bool
) -> CommitmentVersion:
    """Sign the draft with the password again and the statement ticked; exactly once."""
    commitment = _editable(actor, version)
    errors: dict[str, list[str]] = {}
    if not check_password_hash(actor.password_hash, password or ""):
        errors["password"] = [_("The password is incorrect.")]
    if not is_statement_ticked:
        errors["statement"] = [_("Tick the statement to sign.")]
    problems = signing_problems(version)
    if problems:
        errors["commitment"] = problems
    if errors:
        raise ValidationFailed(errors)

    signed_at = datetime.now(UTC).replace(microsecond=0)
    title_name = version.title.name if version.title else ""
    digest = seal.digest_of(commitment, version, title_name)
    sealed = seal.seal_of(current_app.config["SECRET_KEY"], version.id, digest, actor.id, signed_at)
    # A conditional update: of two requests signing the same draft, only one finds it a draft.
    result = db.session.execute(
        update(CommitmentVersion)
        .where(
            CommitmentVersion.id == version.id, CommitmentVersion.status == CommitmentStatus.DRAFT
        )
        .values(
            status=CommitmentStatus.SIGNED,
            title_name=title_name,
            signer_id=actor.id,
            signer_name=actor.full_name,
            signer_position=actor.position,
            signed_at=signed_at,
            digest=digest,
            seal=sealed,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise InvalidTransition(_("This version has already been signed."))
    commitment.status = CommitmentStatus.SIGNED
    audit.record(actor, "commitment.signed", commitment, version=version.number, digest=digest)
    db.session.commit()
    db.session.refresh(version)
    return version


def amend(actor: User, commitment: Commitment, today: date) -> CommitmentVersion:
    """Start a new draft from the latest signed version ("Sửa đổi"); it must be signed again."""
    if not is_owner(actor, commitment):
        raise NotAllowed()
    if commitment.status == CommitmentStatus.DRAFT:
        raise InvalidTransition(_("There is already a draft to edit."))
    if _is_being_assessed(commitment):
        raise InvalidTransition(
            _("The results of this commitment are being assessed; it can no longer be amended.")
        )
    campaign = db.session.get(Campaign, commitment.campaign_id)
    _require_open(campaign, today, commitment)
    previous = latest_version(commitment)
    draft = CommitmentVersion(
        commitment_id=commitment.id,
        number=previous.number + 1,
        status=CommitmentStatus.DRAFT,
        title_id=previous.title_id,
        is_criterion_acknowledged=previous.is_criterion_acknowledged,
    )
    draft.items = [
        CommitmentItem(
            content_area_id=item.content_area_id,
            position=item.position,
            text=item.text,
            target=item.target,
            due_on=item.due_on,
        )
        for item in previous.items
    ]
    draft.answers = [
        CriterionAnswer(criterion_id=answer.criterion_id, text=answer.text)
        for answer in previous.answers
    ]
    db.session.add(draft)
    commitment.current_number = draft.number
    commitment.status = CommitmentStatus.DRAFT
    audit.record(actor, "commitment.amended", commitment, version=draft.number)
    db.session.commit()
    return draft


def _is_being_assessed(commitment: Commitment) -> bool:
    """Its owner has assessed it at the end of the period (assessment.py): the version
    assessed stays the commitment's last."""
    from app.models.assessments import CommitmentAssessment

    return bool(
        db.session.scalar(
            select(exists().where(CommitmentAssessment.commitment_id == commitment.id))
        )
    )


def seal_state(commitment: Commitment, version: CommitmentVersion) -> seal.SealState:
    return seal.seal_state(current_app.config["SECRET_KEY"], commitment, version)


# Who may see and who may review -------------------------------------------------------------


def reviewer_head_id(commitment: Commitment) -> int | None:
    """Who confirms a person's commitment: the head of their unit; for a head, the head of the
    parent unit. None when there is no such head: then the officer confirms it."""
    parent = aliased(Unit)
    row = db.session.execute(
        select(Unit.head_id, parent.head_id)
        .select_from(User)
        .join(Unit, User.unit_id == Unit.id)
        .outerjoin(parent, Unit.parent_id == parent.id)
        .where(User.id == commitment.user_id)
    ).one_or_none()
    if row is None:
        return None
    head_id, parent_head_id = row
    if head_id is not None and head_id != commitment.user_id:
        return head_id
    if head_id is not None and parent_head_id != commitment.user_id:
        return parent_head_id
    return None


def can_review(actor: User, commitment: Commitment) -> bool:
    """A person's: reviewer_head_id's head, else the officer; a unit's: the officer. Never
    one's own."""
    from app.models.directory import Role

    if commitment.kind == CommitmentKind.UNIT:
        return actor.has_role(Role.OFFICER) and not is_owner(actor, commitment)
    if commitment.user_id == actor.id:
        return False
    head_id = reviewer_head_id(commitment)
    if head_id is None:
        return actor.has_role(Role.OFFICER)
    return head_id == actor.id


def can_view(actor: User, commitment: Commitment) -> bool:
    """The owner, the reviewer, the officer and the leaders; nobody else."""
    from app.models.directory import Role

    if actor.has_role(Role.OFFICER, Role.LEADER):
        return True
    return is_owner(actor, commitment) or can_review(actor, commitment)
