"""Commendation use cases: the officer proposes (one nominee, or the eligible ones of a form in
one step), edits and withdraws a proposal, sets a form's eligibility rule and records the
decision; a leader approves or declines. The achievement text is drafted from the data.

Each use case takes the acting user, checks permission and state, changes the data, audits and
commits once. A person or unit is proposed at most once per form and campaign: the database's
unique constraints hold it, so two officers proposing at once get a clear error, not two rows.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app import audit
from app.commendations import queries
from app.commendations.queries import Record, Rule
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.models.assessments import AssessmentResult
from app.models.campaigns import AppliesTo, Campaign, CommendationForm
from app.models.commendations import (
    ACHIEVEMENT_MAX,
    DECISION_NUMBER_MAX,
    REASON_MAX,
    RULE_LIMIT,
    Commendation,
    CommendationRule,
    CommendationStatus,
)
from app.models.directory import Role, Unit, User
from app.models.initiatives import Initiative
from app.notifications.services import notify
from app.text import clean, clean_paragraphs


def _require_officer(actor: User) -> None:
    if not actor.has_role(Role.OFFICER):
        raise NotAllowed(_("Only the emulation officer can propose commendations."))


def _require_leader(actor: User) -> None:
    if not actor.has_role(Role.LEADER):
        raise NotAllowed(_("Only the Office's leaders approve commendations."))


# Drafting the achievement ------------------------------------------------------------------


def draft_achievement(record: Record | None, is_unit: bool) -> str:
    """The achievement as the data tells it, one line each, in the administrative Vietnamese
    of a commendation list (a document's text, whatever the interface language)."""
    record = record or Record()
    lines = []
    if record.result == AssessmentResult.FULFILLED:
        whose = "của tập thể " if is_unit else ""
        title = f" (đăng ký danh hiệu “{record.title_name}”)" if record.title_name else ""
        lines.append(
            f"- Hoàn thành các nội dung đã đăng ký thi đua; bản đăng ký thi đua {whose}"
            f"được đánh giá: Hoàn thành{title}."
        )
    if record.initiatives:
        titles = "; ".join(f"“{title}”" for _id, title, _votes in record.initiatives)
        count = len(record.initiatives)
        if is_unit:
            lines.append(f"- Có {count} sáng kiến được Hội đồng sáng kiến công nhận: {titles}.")
        else:
            lines.append(
                f"- Là tác giả, đồng tác giả của {count} sáng kiến được Hội đồng sáng kiến công "
                f"nhận: {titles}."
            )
    if record.votes:
        whose = "của đơn vị" if is_unit else "của đồng chí"
        lines.append(
            f"- Các sáng kiến {whose} nhận được {record.votes} phiếu bình chọn trong các đợt "
            "bình chọn đã công bố kết quả."
        )
    return "\n".join(lines)


def drafted(campaign: Campaign, *, user_id: int | None = None, unit_id: int | None = None):
    """(text, recognized initiative ids) drafted for one nominee (up to three queries)."""
    found = queries.records(campaign, [user_id] if user_id else (), [unit_id] if unit_id else ())
    key = (unit_id is not None, unit_id if unit_id is not None else user_id)
    record = found.get(key)
    ids = [initiative_id for initiative_id, _t, _v in record.initiatives] if record else []
    return draft_achievement(record, unit_id is not None), ids


# Proposing ----------------------------------------------------------------------------------


def _form(campaign: Campaign, form_id) -> CommendationForm:
    form = db.session.get(CommendationForm, form_id) if form_id else None
    if form is None or form.campaign_id != campaign.id:
        raise ValidationFailed({"form_id": [_("Choose a form of commendation of the campaign.")]})
    return form


def _achievement(value: str | None) -> str:
    text = clean_paragraphs(value)
    if not text:
        raise ValidationFailed({"achievement": [_("Write the achievement.")]})
    if len(text) > ACHIEVEMENT_MAX:
        raise ValidationFailed(
            {"achievement": [_("At most %(max)d characters.", max=ACHIEVEMENT_MAX)]}
        )
    return text


def _nominee(form: CommendationForm, user_id, unit_id) -> tuple[User | None, Unit | None]:
    """The person or the unit, as the form applies to."""
    if form.applies_to == AppliesTo.UNIT:
        unit = db.session.get(Unit, unit_id) if unit_id else None
        if unit is None:
            raise ValidationFailed({"unit_id": [_("Choose a unit.")]})
        return None, unit
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.is_active:
        raise ValidationFailed({"user_id": [_("Choose a person.")]})
    return user, None


def _snapshot(user: User | None, unit: Unit | None) -> dict:
    """How the list names the nominee: the person's name, position and unit, or the unit's
    name and the unit above it."""
    if user is not None:
        unit_name = (
            db.session.scalar(select(Unit.name).where(Unit.id == user.unit_id))
            if user.unit_id
            else ""
        )
        return {
            "nominee_name": user.full_name,
            "nominee_position": user.position,
            "nominee_unit": unit_name or "",
        }
    parent = (
        db.session.scalar(select(Unit.name).where(Unit.id == unit.parent_id))
        if unit.parent_id
        else ""
    )
    return {"nominee_name": unit.name, "nominee_position": "", "nominee_unit": parent or ""}


def _initiatives(ids) -> list[Initiative]:
    ids = list(ids)
    if not ids:
        return []
    return list(db.session.scalars(select(Initiative).where(Initiative.id.in_(ids))))


def _flush_once() -> None:
    """Flush; a nominee proposed for the form meanwhile is the same error as before."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise InvalidTransition(
            _("This nominee has already been proposed for this form of commendation.")
        ) from None


def _already(campaign: Campaign, form: CommendationForm, user, unit) -> bool:
    stmt = select(Commendation.id).where(
        Commendation.campaign_id == campaign.id, Commendation.form_id == form.id
    )
    if user is not None:
        stmt = stmt.where(Commendation.user_id == user.id)
    else:
        stmt = stmt.where(Commendation.unit_id == unit.id)
    return db.session.scalar(stmt.limit(1)) is not None


def propose(
    actor: User,
    campaign: Campaign,
    form_id,
    *,
    user_id=None,
    unit_id=None,
    achievement: str | None = None,
) -> Commendation:
    """Propose one person or unit for a form; without `achievement` the text is drafted."""
    _require_officer(actor)
    form = _form(campaign, form_id)
    user, unit = _nominee(form, user_id, unit_id)
    text, initiative_ids = drafted(
        campaign, user_id=user.id if user else None, unit_id=unit.id if unit else None
    )
    text = _achievement(text if achievement is None else achievement)
    if _already(campaign, form, user, unit):
        field = "unit_id" if unit is not None else "user_id"
        raise ValidationFailed(
            {field: [_("This nominee has already been proposed for this form of commendation.")]}
        )
    commendation = Commendation(
        campaign_id=campaign.id,
        form_id=form.id,
        user_id=user.id if user else None,
        unit_id=unit.id if unit else None,
        status=CommendationStatus.PROPOSED,
        achievement=text,
        proposed_by_id=actor.id,
        **_snapshot(user, unit),
    )
    commendation.initiatives = _initiatives(initiative_ids)
    db.session.add(commendation)
    _flush_once()
    _audit(actor, "commendation.proposed", commendation, form)
    db.session.commit()
    return commendation


def propose_many(
    actor: User, campaign: Campaign, form: CommendationForm, ids: Iterable[int]
) -> int:
    """Propose the chosen candidates of the form's eligibility list in one step, each with a
    drafted achievement; those no longer eligible or already proposed are left out. Returns
    how many were proposed (a bounded number of queries: the list, the records, the insert)."""
    _require_officer(actor)
    if form.campaign_id != campaign.id:
        raise NotAllowed()
    wanted = set(ids)
    chosen = [
        candidate
        for candidate in queries.candidates(campaign, form, queries.rule_of(form))
        if candidate.id in wanted and candidate.commendation_id is None
    ]
    if not chosen:
        raise ValidationFailed({"ids": [_("Tick at least one eligible candidate.")]})
    is_unit = form.applies_to == AppliesTo.UNIT
    found = queries.records(
        campaign,
        () if is_unit else [c.id for c in chosen],
        [c.id for c in chosen] if is_unit else (),
    )
    initiatives = {
        initiative.id: initiative
        for initiative in _initiatives(
            {i for record in found.values() for i, _t, _v in record.initiatives}
        )
    }
    made = []
    for candidate in chosen:
        record = found.get((is_unit, candidate.id))
        commendation = Commendation(
            campaign_id=campaign.id,
            form_id=form.id,
            user_id=None if is_unit else candidate.id,
            unit_id=candidate.id if is_unit else None,
            status=CommendationStatus.PROPOSED,
            achievement=draft_achievement(record, is_unit)[:ACHIEVEMENT_MAX],
            proposed_by_id=actor.id,
            nominee_name=candidate.name,
            nominee_position=candidate.position,
            nominee_unit=candidate.unit_name,
        )
        commendation.initiatives = [
            initiatives[i] for i, _t, _v in (record.initiatives if record else [])
        ]
        made.append(commendation)
    db.session.add_all(made)
    _flush_once()
    for commendation in made:
        _audit(actor, "commendation.proposed", commendation, form)
    db.session.commit()
    return len(made)


def _audit(actor: User, action: str, commendation: Commendation, form, **details) -> None:
    audit.record(
        actor,
        action,
        commendation,
        label=commendation.nominee_name,
        form=form.name if form is not None else None,
        **details,
    )


def _require_proposed(commendation: Commendation) -> None:
    if commendation.status != CommendationStatus.PROPOSED:
        raise InvalidTransition(
            _("This proposal has already been decided; it can no longer be changed.")
        )


def update_achievement(
    actor: User, commendation: Commendation, achievement: str | None, initiative_ids=None
) -> Commendation:
    """Change the achievement text (and the initiatives it rests on) of a proposal not yet
    decided."""
    _require_officer(actor)
    _require_proposed(commendation)
    text = _achievement(achievement)
    changed = text != commendation.achievement
    commendation.achievement = text
    if initiative_ids is not None:
        commendation.initiatives = _initiatives(initiative_ids)
    # Conditional: a leader may have decided since the page was read.
    still = db.session.execute(
        update(Commendation)
        .where(
            Commendation.id == commendation.id,
            Commendation.status == CommendationStatus.PROPOSED,
        )
        .values(updated_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    if still.rowcount != 1:
        db.session.rollback()
        raise InvalidTransition(
            _("This proposal has already been decided; it can no longer be changed.")
        )
    _audit(actor, "commendation.updated", commendation, commendation.form, changed=changed)
    db.session.commit()
    return commendation


def withdraw(actor: User, commendation: Commendation) -> None:
    """Take back a proposal not yet decided (it is deleted; the audit log keeps it)."""
    _require_officer(actor)
    _require_proposed(commendation)
    _audit(actor, "commendation.withdrawn", commendation, commendation.form)
    db.session.delete(commendation)
    db.session.commit()


# Deciding -----------------------------------------------------------------------------------


def _is_nominee(actor: User, commendation: Commendation) -> bool:
    if commendation.user_id is not None:
        return commendation.user_id == actor.id
    head_id = db.session.scalar(select(Unit.head_id).where(Unit.id == commendation.unit_id))
    return head_id == actor.id


def _decide(actor: User, commendation: Commendation, status: str, reason: str = "") -> None:
    _require_leader(actor)
    if _is_nominee(actor, commendation):
        raise NotAllowed(_("You cannot decide on a proposal for yourself or your own unit."))
    decided = db.session.execute(
        update(Commendation)
        .where(
            Commendation.id == commendation.id,
            Commendation.status == CommendationStatus.PROPOSED,
        )
        .values(
            status=status,
            decided_by_id=actor.id,
            decided_by_name=actor.full_name,
            decided_at=datetime.now(UTC).replace(microsecond=0),
            decline_reason=reason,
        )
        .execution_options(synchronize_session=False)
    )
    if decided.rowcount != 1:
        db.session.rollback()
        raise InvalidTransition(_("This proposal has already been decided."))


def _nominee_to_notify(
    commendation: Commendation, heads: dict[int, int | None] | None = None
) -> int | None:
    """The person proposed, or the head of the unit proposed (from `heads`, _unit_heads of
    several proposals, when the caller has read them)."""
    if commendation.user_id is not None:
        return commendation.user_id
    if heads is None:
        heads = _unit_heads([commendation])
    return heads.get(commendation.unit_id)


def _unit_heads(commendations: list[Commendation]) -> dict[int, int | None]:
    """{unit id: its head's id} for the units among the nominees (one statement)."""
    unit_ids = {c.unit_id for c in commendations if c.unit_id is not None}
    if not unit_ids:
        return {}
    rows = db.session.execute(select(Unit.id, Unit.head_id).where(Unit.id.in_(unit_ids)))
    return {unit_id: head_id for unit_id, head_id in rows}


def approve(actor: User, commendation: Commendation) -> None:
    """A leader approves the proposal; the person (or the unit's head) is notified."""
    _decide(actor, commendation, CommendationStatus.APPROVED)
    form = commendation.form
    recipient = _nominee_to_notify(commendation)
    if recipient is not None:
        if commendation.unit_id is None:
            notify(recipient, "commendation.approved", {"form": form.name})
        else:
            notify(
                recipient,
                "commendation.unit_approved",
                {"form": form.name, "unit": commendation.nominee_name},
            )
    _audit(actor, "commendation.approved", commendation, form)
    db.session.commit()


def decline(actor: User, commendation: Commendation, reason: str | None) -> None:
    """A leader declines the proposal with a reason (the officer reads it)."""
    reason = clean_paragraphs(reason)
    if not reason:
        raise ValidationFailed({"reason": [_("Write why the proposal is declined.")]})
    if len(reason) > REASON_MAX:
        raise ValidationFailed({"reason": [_("At most %(max)d characters.", max=REASON_MAX)]})
    _decide(actor, commendation, CommendationStatus.DECLINED, reason)
    _audit(actor, "commendation.declined", commendation, commendation.form, reason=reason)
    db.session.commit()


def record_decision(
    actor: User,
    commendations: list[Commendation],
    number: str | None,
    day: date | None,
) -> int:
    """The officer records the decision ("Quyết định số … ngày …") on approved proposals;
    their nominees are notified. Returns how many were recorded."""
    _require_officer(actor)
    number = clean(number)
    errors: dict[str, list[str]] = {}
    if not number:
        errors["number"] = [_("Enter the number of the decision.")]
    elif len(number) > DECISION_NUMBER_MAX:
        errors["number"] = [_("At most %(max)d characters.", max=DECISION_NUMBER_MAX)]
    if day is None:
        errors["day"] = [_("Enter the date of the decision.")]
    approved = [c for c in commendations if c.status == CommendationStatus.APPROVED]
    if not approved:
        errors["ids"] = [_("Tick at least one approved proposal.")]
    if errors:
        raise ValidationFailed(errors)
    now = datetime.now(UTC).replace(microsecond=0)
    text_day = day.strftime("%d/%m/%Y")
    heads = _unit_heads(approved)
    for commendation in approved:
        commendation.decision_number = number
        commendation.decision_date = day
        commendation.decision_recorded_at = now
        recipient = _nominee_to_notify(commendation, heads)
        params = {"form": commendation.form.name, "number": number, "date": text_day}
        if recipient is not None:
            if commendation.unit_id is None:
                notify(recipient, "commendation.decided", params)
            else:
                notify(
                    recipient,
                    "commendation.unit_decided",
                    {**params, "unit": commendation.nominee_name},
                )
        _audit(
            actor,
            "commendation.decision_recorded",
            commendation,
            commendation.form,
            number=number,
            date=day.isoformat(),
        )
    db.session.commit()
    return len(approved)


# The eligibility rules ---------------------------------------------------------------------


def update_rule(
    actor: User, form: CommendationForm, min_initiatives, requires_fulfilled, min_votes
) -> Rule:
    """Set who is eligible for a form; at least one condition."""
    _require_officer(actor)
    errors: dict[str, list[str]] = {}
    for name, value in (("min_initiatives", min_initiatives), ("min_votes", min_votes)):
        if value is None or not 0 <= value <= RULE_LIMIT:
            errors[name] = [_("Enter a whole number from 0 to %(max)d.", max=RULE_LIMIT)]
    if not errors and not (min_initiatives or requires_fulfilled or min_votes):
        errors["min_initiatives"] = [_("Set at least one condition.")]
    if errors:
        raise ValidationFailed(errors)
    row = db.session.get(CommendationRule, form.id)
    if row is None:
        row = CommendationRule(form_id=form.id)
        db.session.add(row)
    row.min_initiatives = min_initiatives
    row.requires_fulfilled = bool(requires_fulfilled)
    row.min_votes = min_votes
    row.updated_by_id = actor.id
    audit.record(
        actor,
        "commendation.rule_updated",
        form,
        label=form.name,
        min_initiatives=min_initiatives,
        requires_fulfilled=bool(requires_fulfilled),
        min_votes=min_votes,
    )
    db.session.commit()
    return Rule(min_initiatives, bool(requires_fulfilled), min_votes)
