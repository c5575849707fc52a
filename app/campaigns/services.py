"""Campaign use cases: the current campaign, the default one seeded from the plan, and the
officer's changes to a campaign and to its four ordered lists (content areas, criteria, emulation
titles, commendation forms)."""

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app import audit
from app.campaigns.plan import read_plan
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.models.campaigns import (
    AppliesTo,
    Campaign,
    CommendationForm,
    ContentArea,
    Criterion,
    EmulationTitle,
)
from app.models.directory import Role
from app.text import clean, clean_paragraphs

DEFAULT_CODE = "DMST-CDS-CDX-2026"
DEFAULT_TITLES = (
    (AppliesTo.INDIVIDUAL, "Lao động tiên tiến"),
    (AppliesTo.INDIVIDUAL, "Chiến sĩ thi đua cơ sở"),
    (AppliesTo.INDIVIDUAL, "Chiến sĩ thi đua cấp tỉnh"),
    (AppliesTo.UNIT, "Tập thể lao động tiên tiến"),
    (AppliesTo.UNIT, "Tập thể lao động xuất sắc"),
)
DEFAULT_COMMENDATION_FORMS = (
    (AppliesTo.INDIVIDUAL, "Giấy khen của Chánh Văn phòng UBND tỉnh"),
    (AppliesTo.INDIVIDUAL, "Bằng khen của Chủ tịch UBND tỉnh"),
    (AppliesTo.UNIT, "Giấy khen của Chánh Văn phòng UBND tỉnh"),
    (AppliesTo.UNIT, "Bằng khen của Chủ tịch UBND tỉnh"),
)

CODE_PATTERN = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")
DIRECTIONS = ("up", "down")


@dataclass(frozen=True)
class TextField:
    """One text field of a campaign or of an item: its limits and whether it keeps line breaks."""

    name: str
    max_length: int | None = None
    required: bool = False
    multiline: bool = False


@dataclass(frozen=True)
class ItemKind:
    """One of a campaign's ordered lists; `slug` names it in URLs, `collection` on Campaign."""

    slug: str
    model: type
    collection: str
    fields: tuple[TextField, ...]
    has_applies_to: bool = True

    @property
    def anchor(self) -> str:
        return self.collection.replace("_", "-")


ITEM_KINDS = {
    kind.slug: kind
    for kind in (
        ItemKind(
            "content-area",
            ContentArea,
            "content_areas",
            (
                TextField("code", 20),
                TextField("title", 500, required=True),
                TextField("description", multiline=True),
            ),
            has_applies_to=False,
        ),
        ItemKind(
            "criterion",
            Criterion,
            "criteria",
            (TextField("code", 20), TextField("text", required=True, multiline=True)),
        ),
        ItemKind("title", EmulationTitle, "titles", (TextField("name", 300, required=True),)),
        ItemKind(
            "commendation-form",
            CommendationForm,
            "commendation_forms",
            (TextField("name", 300, required=True),),
        ),
    )
}

CAMPAIGN_FIELDS = (
    TextField("code", 40, required=True),
    TextField("name", 300, required=True),
    TextField("plan_reference", 200),
    TextField("purpose", multiline=True),
)
_DATE_FIELDS = ("starts_on", "ends_on", "registration_deadline")


def campaign_query(with_areas: bool = False, with_everything: bool = False):
    stmt = select(Campaign)
    if with_areas or with_everything:
        stmt = stmt.options(selectinload(Campaign.content_areas))
    if with_everything:
        stmt = stmt.options(
            selectinload(Campaign.criteria),
            selectinload(Campaign.titles),
            selectinload(Campaign.commendation_forms),
        )
    return stmt


@cache
def _current_query(with_areas: bool, with_everything: bool):
    """Built once for each choice of what to load: most pages start with it. The content areas
    alone (the home page) come in the same statement (a handful of rows), and so does the
    campaign's assessment period (or its absence): the home page asks for it next."""
    if with_areas and not with_everything:
        stmt = select(Campaign).options(
            joinedload(Campaign.content_areas), joinedload(Campaign.assessment_period)
        )
    else:
        stmt = campaign_query(with_areas, with_everything)
    return stmt.order_by(Campaign.starts_on.desc(), Campaign.id.desc()).limit(1)


def current_campaign(with_areas: bool = False, with_everything: bool = False) -> Campaign | None:
    """The campaign under way: the one that started last."""
    query = _current_query(with_areas, with_everything)
    return db.session.execute(query).unique().scalar_one_or_none()


def seed_default_campaign(
    plan_path: Path | None = None,
    starts_on: date = date(2026, 6, 1),
    ends_on: date = date(2030, 12, 31),
    registration_deadline: date | None = date(2026, 12, 31),
) -> tuple[Campaign, bool]:
    """Create the plan's campaign unless it exists; returns (campaign, created)."""
    existing = db.session.scalar(select(Campaign).where(Campaign.code == DEFAULT_CODE))
    if existing is not None:
        return existing, False
    plan = read_plan(plan_path)
    campaign = Campaign(
        code=DEFAULT_CODE,
        name=plan.name,
        plan_reference=plan.plan_reference,
        purpose=plan.purpose,
        starts_on=starts_on,
        ends_on=ends_on,
        registration_deadline=registration_deadline,
    )
    campaign.content_areas = [
        ContentArea(position=i, code=area.code, title=area.title)
        for i, area in enumerate(plan.areas, start=1)
    ]
    # One ordered list of criteria: the units' (III.1.a) first, then the individuals' (III.1.b).
    criteria = [
        (AppliesTo.UNIT, f"III.1.a.{i}", text) for i, text in enumerate(plan.unit_criteria, start=1)
    ]
    criteria += [(AppliesTo.INDIVIDUAL, "III.1.b", text) for text in plan.individual_criteria]
    campaign.criteria = [
        Criterion(applies_to=kind, position=i, code=code, text=text)
        for i, (kind, code, text) in enumerate(criteria, start=1)
    ]
    campaign.titles = [
        EmulationTitle(applies_to=kind, position=i, name=name)
        for i, (kind, name) in enumerate(DEFAULT_TITLES, start=1)
    ]
    campaign.commendation_forms = [
        CommendationForm(applies_to=kind, position=i, name=name)
        for i, (kind, name) in enumerate(DEFAULT_COMMENDATION_FORMS, start=1)
    ]
    db.session.add(campaign)
    db.session.flush()
    audit.record(None, "campaign.seeded", campaign, label=campaign.name)
    db.session.commit()
    return campaign, True


# Checks shared by the services (and by the campaign form, for the period).


def period_errors(
    starts_on: date | None, ends_on: date | None, registration_deadline: date | None
) -> dict[str, list[str]]:
    """The period's rules: it ends on or after its start; the deadline falls within it."""
    if starts_on is None or ends_on is None:
        return {}
    if ends_on < starts_on:
        return {"ends_on": [_("The end date must be on or after the start date.")]}
    if registration_deadline is not None and not starts_on <= registration_deadline <= ends_on:
        return {
            "registration_deadline": [
                _("The registration deadline must fall within the campaign period.")
            ]
        }
    return {}


def _require_officer(actor) -> None:
    if actor is None or not actor.has_role(Role.OFFICER):
        raise NotAllowed(_("Only the emulation officer can change campaigns."))


def _normalise(value, multiline: bool) -> str:
    """NFC text; one line with single spaces, or paragraphs with their line breaks kept."""
    return clean_paragraphs(value) if multiline else clean(value)


def _clean_text(
    fields: tuple[TextField, ...], data: dict, errors: dict[str, list[str]]
) -> dict[str, str]:
    """The fields' values normalised; what breaks a limit goes into `errors`."""
    values = {}
    for spec in fields:
        value = _normalise(data.get(spec.name), spec.multiline)
        if spec.required and not value:
            errors.setdefault(spec.name, []).append(_("This field is required."))
        elif spec.max_length and len(value) > spec.max_length:
            errors.setdefault(spec.name, []).append(
                _("At most %(max)d characters.", max=spec.max_length)
            )
        values[spec.name] = value
    return values


def _campaign_values(data: dict, campaign: Campaign | None) -> dict:
    """The campaign's fields from `data`, checked; raises ValidationFailed."""
    errors: dict[str, list[str]] = {}
    values: dict = _clean_text(CAMPAIGN_FIELDS, data, errors)
    values["code"] = values["code"].upper()
    if values["code"] and not CODE_PATTERN.fullmatch(values["code"]):
        errors.setdefault("code", []).append(
            _("Use capital letters without accents, digits and hyphens, e.g. DMST-2026.")
        )
    for name in _DATE_FIELDS:
        value = data.get(name) or None
        if value is not None and not isinstance(value, date):
            errors.setdefault(name, []).append(_("Enter a valid date."))
            value = None
        elif value is None and name != "registration_deadline":
            errors.setdefault(name, []).append(_("Enter a date."))
        values[name] = value
    period = period_errors(values["starts_on"], values["ends_on"], values["registration_deadline"])
    for name, messages in period.items():
        errors.setdefault(name, []).extend(messages)
    if values["code"] and "code" not in errors and _code_taken(values["code"], campaign):
        errors["code"] = [_("This campaign code already exists.")]
    if errors:
        raise ValidationFailed(errors)
    return values


def _code_taken(code: str, campaign: Campaign | None) -> bool:
    stmt = select(Campaign.id).where(Campaign.code == code)
    if campaign is not None:
        stmt = stmt.where(Campaign.id != campaign.id)
    return db.session.scalar(stmt.limit(1)) is not None


def _flush_code_unique() -> None:
    """Flush; a code taken meanwhile by another request is the same error as one taken before."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ValidationFailed({"code": [_("This campaign code already exists.")]}) from None


def create_campaign(actor, data: dict) -> Campaign:
    """A new campaign, without lists yet: the officer adds them on the edit page."""
    _require_officer(actor)
    campaign = Campaign(**_campaign_values(data, None))
    db.session.add(campaign)
    _flush_code_unique()
    audit.record(actor, "campaign.created", campaign, label=campaign.name, code=campaign.code)
    db.session.commit()
    return campaign


def update_campaign(actor, campaign: Campaign, data: dict) -> Campaign:
    """Change a campaign's code, name, plan reference, purpose or dates."""
    _require_officer(actor)
    values = _campaign_values(data, campaign)
    changed = sorted(name for name, value in values.items() if getattr(campaign, name) != value)
    if not changed:
        return campaign
    for name in changed:
        setattr(campaign, name, values[name])
    _flush_code_unique()
    audit.record(actor, "campaign.updated", campaign, label=campaign.name, changed=changed)
    db.session.commit()
    return campaign


# The four ordered lists.


def kind_of(item) -> ItemKind:
    return next(kind for kind in ITEM_KINDS.values() if isinstance(item, kind.model))


def item_label(item) -> str:
    """How a person recognises an item: its code, then its title, text or name."""
    text = getattr(item, "title", None) or getattr(item, "text", None) or item.name
    code = getattr(item, "code", "")
    return f"{code} {text}".strip()


def _item_values(kind: ItemKind, data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    values: dict = _clean_text(kind.fields, data, errors)
    if kind.has_applies_to:
        values["applies_to"] = data.get("applies_to")
        if values["applies_to"] not in set(AppliesTo):
            errors["applies_to"] = [_("Choose units or individuals.")]
    if errors:
        raise ValidationFailed(errors)
    return values


def _siblings(kind: ItemKind, campaign_id: int) -> list:
    """The campaign's list of that kind, in order."""
    model = kind.model
    stmt = select(model).where(model.campaign_id == campaign_id).order_by(model.position, model.id)
    return list(db.session.scalars(stmt))


def _renumber(items: list) -> None:
    """Positions 1, 2, 3 ... in the list's order, so they stay contiguous."""
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position


def _record_item(actor, action: str, item, **details) -> None:
    kind = kind_of(item)
    audit.record(
        actor,
        action,
        item,
        label=item_label(item),
        campaign_id=item.campaign_id,
        kind=kind.slug,
        **details,
    )


def add_item(actor, campaign: Campaign, kind: str, data: dict):
    """Add an item at the end of one of the campaign's lists."""
    _require_officer(actor)
    spec = ITEM_KINDS[kind]
    values = _item_values(spec, data)
    count = len(_siblings(spec, campaign.id))
    item = spec.model(campaign_id=campaign.id, position=count + 1, **values)
    db.session.add(item)
    db.session.flush()
    _record_item(actor, "campaign.item_added", item)
    db.session.commit()
    return item


def update_item(actor, item, data: dict):
    """Change an item's text (and whom it applies to) in place."""
    _require_officer(actor)
    values = _item_values(kind_of(item), data)
    changed = sorted(name for name, value in values.items() if getattr(item, name) != value)
    if not changed:
        return item
    for name in changed:
        setattr(item, name, values[name])
    _record_item(actor, "campaign.item_updated", item, changed=changed)
    db.session.commit()
    return item


def delete_item(actor, item) -> None:
    """Remove an item; the items after it move up one place."""
    _require_officer(actor)
    kind = kind_of(item)
    if isinstance(item, CommendationForm) and _has_commendations(item):
        raise InvalidTransition(
            _("This form of commendation has proposals for it; it cannot be deleted.")
        )
    try:
        with db.session.begin_nested():
            db.session.delete(item)
            db.session.flush()
    except IntegrityError:
        # e.g. a content area that signed commitments have items in: those must not change
        raise InvalidTransition(_("This item is in use; it cannot be deleted.")) from None
    _record_item(actor, "campaign.item_deleted", item)
    _renumber([other for other in _siblings(kind, item.campaign_id) if other is not item])
    db.session.commit()


def _has_commendations(form: CommendationForm) -> bool:
    from app.models.commendations import Commendation

    return (
        db.session.scalar(select(Commendation.id).where(Commendation.form_id == form.id).limit(1))
        is not None
    )


def move_item(actor, item, direction: str):
    """Swap an item with the one above ("up") or below ("down"); at either end nothing moves."""
    _require_officer(actor)
    if direction not in DIRECTIONS:
        raise ValidationFailed({"direction": [_("Choose up or down.")]})
    items = _siblings(kind_of(item), item.campaign_id)
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return item
    items[index], items[other] = items[other], items[index]
    _renumber(items)
    _record_item(actor, "campaign.item_moved", item, direction=direction)
    db.session.commit()
    return item
