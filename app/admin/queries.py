"""Queries behind the admin screens: units with member counts, select choices, the audit log."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from app.admin.labels import ACTION_LABELS, action_label
from app.directory import unit_tree
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.directory import Unit, User
from app.text import clean, fold


def member_counts(active_only: bool = True) -> dict[int, int]:
    """Members per unit id, counted in one aggregate query."""
    stmt = select(User.unit_id, func.count(User.id)).where(User.unit_id.is_not(None))
    if active_only:
        stmt = stmt.where(User.is_active.is_(True))
    return dict(db.session.execute(stmt.group_by(User.unit_id)).all())


def unit_rows() -> list[tuple[Unit, int, int]]:
    """The unit tree as (unit, depth, active members), heads loaded: two queries in all."""
    counts = member_counts()
    return [(unit, depth, counts.get(unit.id, 0)) for unit, depth in unit_tree(heads=True)]


def unit_choices(blank: str) -> list[SelectChoice]:
    """Choices for a unit select: a blank first, then the tree, indented by depth."""
    return [SelectChoice("", blank)] + [
        SelectChoice(unit.id, "— " * depth + unit.name) for unit, depth in unit_tree()
    ]


def head_choices(unit: Unit) -> list[SelectChoice]:
    """Choices for a unit's head: the unit's own active members first, then everyone else."""
    people = db.session.scalars(
        select(User)
        .where(or_(User.is_active.is_(True), User.id == unit.head_id))
        .options(joinedload(User.unit))
        .order_by(User.name_sort, User.id)
    ).all()
    members, others = _("Members of this unit"), _("Other people")
    return [
        SelectChoice("", _("— No head —")),
        *(
            SelectChoice(p.id, f"{p.full_name} · {p.position}", optgroup=members)
            for p in people
            if p.unit_id == unit.id
        ),
        *(
            SelectChoice(p.id, f"{p.full_name} · {p.unit.name if p.unit else ''}", optgroup=others)
            for p in people
            if p.unit_id != unit.id
        ),
    ]


def action_choices() -> list[SelectChoice]:
    """Every known action and every action already logged, by their Vietnamese names."""
    logged = set(db.session.scalars(select(AuditEntry.action).distinct()))
    actions = sorted(set(ACTION_LABELS) | logged, key=lambda code: action_label(code).casefold())
    return [SelectChoice("", _("All actions"))] + [
        SelectChoice(code, action_label(code)) for code in actions
    ]


def _local_midnight_utc(day: date) -> datetime:
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _words_in(column, text: str) -> list:
    return [column.contains(word, autoescape=True) for word in fold(text).split()]


def audit_query(
    action: str = "",
    actor: str = "",
    target: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> Select:
    """Audit entries, newest first, filtered; names match without diacritics ("thien")."""
    stmt = select(AuditEntry)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if clean(actor):
        people = select(User.id).where(*_words_in(User.search_text, actor))
        stmt = stmt.where(
            or_(
                AuditEntry.actor_id.in_(people),
                AuditEntry.actor_name.icontains(clean(actor), autoescape=True),
            )
        )
    if clean(target):
        people = select(User.id).where(*_words_in(User.search_text, target))
        units = select(Unit.id).where(*_words_in(Unit.name_folded, target))
        stmt = stmt.where(
            or_(
                AuditEntry.target_label.icontains(clean(target), autoescape=True),
                and_(AuditEntry.target_type == "user", AuditEntry.target_id.in_(people)),
                and_(AuditEntry.target_type == "unit", AuditEntry.target_id.in_(units)),
            )
        )
    if date_from:
        stmt = stmt.where(AuditEntry.created_at >= _local_midnight_utc(date_from))
    if date_to:
        stmt = stmt.where(AuditEntry.created_at < _local_midnight_utc(date_to + timedelta(days=1)))
    return stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
