"""Admin use cases on units and users; each checks, changes, audits and commits once.

Every function takes the acting user first and raises ValidationFailed with messages by field
name (the names of the admin forms' fields) when the input is refused.
"""

import re

from flask_babel import gettext as _
from sqlalchemy import func, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import audit
from app.auth.services import hash_password, password_problems
from app.errors import ValidationFailed
from app.extensions import db
from app.models.directory import GRANTABLE_ROLES, Role, Unit, User
from app.text import clean

USERNAME_PATTERN = r"^[a-z0-9._-]+$"
_USERNAME = re.compile(USERNAME_PATTERN)


def _is(column, value):
    return column.is_(None) if value is None else column == value


def _other(column, value):
    """Every row but the one being edited (all rows when creating)."""
    return true() if value is None else column != value


# Units


def _unit_errors(name: str, code: str | None, parent_id: int | None, unit: Unit | None) -> dict:
    errors: dict[str, list[str]] = {}
    exclude = unit.id if unit is not None else None
    if not name:
        errors["name"] = [_("Enter the unit's name.")]
    else:
        siblings = db.session.scalars(
            select(Unit.name).where(_is(Unit.parent_id, parent_id), _other(Unit.id, exclude))
        )
        if any(sibling.casefold() == name.casefold() for sibling in siblings):
            errors["name"] = [_("The parent unit already has a unit with this name.")]
    if code:
        taken = db.session.scalar(
            select(Unit.id).where(func.lower(Unit.code) == code.lower(), _other(Unit.id, exclude))
        )
        if taken is not None:
            errors["code"] = [_("Another unit already uses this code.")]
    return errors


def _existing_unit(unit_id: int | None, field: str) -> Unit | None:
    if unit_id is None:
        return None
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise ValidationFailed({field: [_("Choose a unit from the list.")]})
    return unit


def create_unit(actor: User, name: str, code: str | None = None, parent_id: int | None = None):
    """Add a unit under a parent (or at the top of the tree)."""
    name, code = clean(name), clean(code) or None
    parent = _existing_unit(parent_id, "parent_id")
    errors = _unit_errors(name, code, parent_id, None)
    if errors:
        raise ValidationFailed(errors)
    unit = Unit(name=name, code=code, parent_id=parent_id)
    db.session.add(unit)
    db.session.flush()
    audit.record(
        actor,
        "unit.created",
        unit,
        label=unit.name,
        code=code,
        parent=parent.name if parent else None,
    )
    db.session.commit()
    return unit


def update_unit(actor: User, unit: Unit, name: str, code: str | None = None) -> Unit:
    """Rename a unit or change its code."""
    name, code = clean(name), clean(code) or None
    errors = _unit_errors(name, code, unit.parent_id, unit)
    if errors:
        raise ValidationFailed(errors)
    changes = {
        field: {"before": getattr(unit, field), "after": value}
        for field, value in (("name", name), ("code", code))
        if getattr(unit, field) != value
    }
    if changes:
        unit.name, unit.code = name, code
        audit.record(actor, "unit.updated", unit, label=name, **changes)
        db.session.commit()
    return unit


def move_unit(actor: User, unit: Unit, parent_id: int | None) -> Unit:
    """Put a unit under another parent; never under itself or one of its own sub-units."""
    parent = _existing_unit(parent_id, "parent_id")
    if parent_id == unit.parent_id:
        return unit
    parents = dict(db.session.execute(select(Unit.id, Unit.parent_id)).all())
    ancestor = parent_id
    while ancestor is not None:
        if ancestor == unit.id:
            raise ValidationFailed(
                {"parent_id": [_("A unit cannot be moved under itself or one of its sub-units.")]}
            )
        ancestor = parents.get(ancestor)
    errors = _unit_errors(unit.name, None, parent_id, unit)
    if errors:
        raise ValidationFailed({"parent_id": errors["name"]})
    before = db.session.get(Unit, unit.parent_id) if unit.parent_id else None
    unit.parent_id = parent_id
    audit.record(
        actor,
        "unit.moved",
        unit,
        label=unit.name,
        parent={
            "before": before.name if before else None,
            "after": parent.name if parent else None,
        },
    )
    db.session.commit()
    return unit


def _user_with_roles(user_id: int) -> User | None:
    return db.session.scalar(
        select(User).where(User.id == user_id).options(selectinload(User.role_links))
    )


def set_unit_head(actor: User, unit: Unit, head_id: int | None) -> Unit:
    """Make a person the unit's head, granting the unit_head role.

    The previous head loses that role unless they still head another unit.
    """
    if head_id == unit.head_id:
        return unit
    head = _user_with_roles(head_id) if head_id is not None else None
    if head_id is not None and (head is None or not head.is_active):
        raise ValidationFailed({"head_id": [_("Choose an active person from the list.")]})
    details: dict = {}
    previous = _user_with_roles(unit.head_id) if unit.head_id else None
    if previous is not None:
        details["previous_head"] = previous.username
        heads_other = db.session.scalar(
            select(func.count(Unit.id)).where(Unit.head_id == previous.id, Unit.id != unit.id)
        )
        if not heads_other and Role.UNIT_HEAD in previous.roles:
            previous.set_roles(previous.roles - {Role.UNIT_HEAD})
            details["role_removed_from"] = previous.username
    if head is not None:
        details["head"] = head.username
        if Role.UNIT_HEAD not in head.roles:
            head.set_roles(head.roles | {Role.UNIT_HEAD})
            details["role_granted_to"] = head.username
    unit.head_id = head.id if head is not None else None
    audit.record(actor, "unit.head_set", unit, label=unit.name, **details)
    db.session.commit()
    return unit


def delete_unit(actor: User, unit: Unit) -> None:
    """Delete a unit that has neither members (active or not) nor sub-units."""
    children = db.session.scalar(select(func.count(Unit.id)).where(Unit.parent_id == unit.id))
    members = db.session.scalar(select(func.count(User.id)).where(User.unit_id == unit.id))
    errors = []
    if children:
        errors.append(_("It still has %(n)d sub-units; move or delete them first.", n=children))
    if members:
        errors.append(
            _(
                "It still has %(n)d member accounts (deactivated ones included); "
                "move them to another unit first.",
                n=members,
            )
        )
    if errors:
        raise ValidationFailed({"unit": [_("This unit cannot be deleted."), *errors]})
    audit.record(actor, "unit.deleted", unit, label=unit.name, code=unit.code)
    db.session.delete(unit)
    db.session.commit()


# Users


def _user_errors(fields: dict, user: User | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    exclude = user.id if user is not None else None
    username, email = fields["username"], fields["email"]
    if not username:
        errors["username"] = [_("Enter a username.")]
    elif not _USERNAME.match(username) or len(username) > 64:
        errors["username"] = [
            _(
                "Use only lowercase letters without diacritics, digits, dots, "
                "underscores and hyphens."
            )
        ]
    elif db.session.scalar(
        select(User.id).where(User.username == username, _other(User.id, exclude))
    ):
        errors["username"] = [_("This username is already taken.")]
    if not fields["full_name"]:
        errors["full_name"] = [_("Enter the full name.")]
    if email and db.session.scalar(
        select(User.id).where(User.email == email, _other(User.id, exclude))
    ):
        errors["email"] = [_("Another account already uses this e-mail address.")]
    if fields["unit_id"] is not None and db.session.get(Unit, fields["unit_id"]) is None:
        errors["unit_id"] = [_("Choose a unit from the list.")]
    if not set(fields["roles"]) <= {role.value for role in GRANTABLE_ROLES}:
        errors["roles"] = [_("Choose roles from the list.")]
    return errors


def _user_fields(username, full_name, position, unit_id, email, roles) -> dict:
    return {
        "username": clean(username).lower(),
        "full_name": clean(full_name),
        "position": clean(position),
        "unit_id": unit_id,
        "email": clean(email).lower() or None,
        "roles": sorted({str(role) for role in roles or ()} - {Role.STAFF.value}),
    }


def _unit_name(unit_id: int | None) -> str | None:
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    return unit.name if unit is not None else None


def create_user(
    actor: User,
    username: str,
    full_name: str,
    password: str,
    position: str = "",
    unit_id: int | None = None,
    email: str | None = None,
    roles=(),
) -> User:
    """Add an account; the person must change the initial password at the first sign-in."""
    fields = _user_fields(username, full_name, position, unit_id, email, roles)
    errors = _user_errors(fields, None)
    problems = password_problems(password or "", fields["username"])
    if problems:
        errors["password"] = problems
    if errors:
        raise ValidationFailed(errors)
    roles = fields.pop("roles")
    user = User(**fields, password_hash=hash_password(password), must_change_password=True)
    user.role_links = []
    user.set_roles(roles)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as error:  # another admin took the username a moment ago
        db.session.rollback()
        raise ValidationFailed({"username": [_("This username is already taken.")]}) from error
    audit.record(
        actor,
        "user.created",
        user,
        label=user.username,
        full_name=user.full_name,
        unit=_unit_name(user.unit_id),
        roles=roles,
    )
    db.session.commit()
    return user


def update_user(
    actor: User,
    user: User,
    username: str,
    full_name: str,
    position: str = "",
    unit_id: int | None = None,
    email: str | None = None,
    roles=(),
) -> User:
    """Change an account's details and roles; an admin keeps their own admin role."""
    fields = _user_fields(username, full_name, position, unit_id, email, roles)
    errors = _user_errors(fields, user)
    new_roles = fields.pop("roles")
    if user.id == actor.id and Role.ADMIN.value not in new_roles:
        errors.setdefault("roles", []).append(_("You cannot remove your own administrator role."))
    if errors:
        raise ValidationFailed(errors)
    old_roles = sorted(user.roles)
    changes = {
        name: {"before": getattr(user, name), "after": value}
        for name, value in fields.items()
        if getattr(user, name) != value
    }
    if "unit_id" in changes:
        changes["unit"] = {
            "before": _unit_name(user.unit_id),
            "after": _unit_name(fields["unit_id"]),
        }
        del changes["unit_id"]
    for name, value in fields.items():
        setattr(user, name, value)
    if changes:
        audit.record(actor, "user.updated", user, label=fields["username"], **changes)
    if new_roles != old_roles:
        user.set_roles(new_roles)
        audit.record(
            actor,
            "user.roles_changed",
            user,
            label=fields["username"],
            before=old_roles,
            after=new_roles,
        )
    db.session.commit()
    return user


def set_active(actor: User, user: User, active: bool) -> User:
    """Deactivate (ending every session) or reactivate an account; never one's own."""
    if user.is_active == active:
        return user
    if not active and user.id == actor.id:
        raise ValidationFailed({"is_active": [_("You cannot deactivate your own account.")]})
    user.is_active = active
    if not active:
        user.new_session_token()
    action = "user.reactivated" if active else "user.deactivated"
    audit.record(actor, action, user, label=user.username)
    db.session.commit()
    return user


def reset_password(actor: User, user: User, password: str) -> User:
    """Set a new password that the person must change at the next sign-in; sessions end."""
    if user.id == actor.id:
        raise ValidationFailed(
            {"password": [_("To change your own password, use “Change password”.")]}
        )
    problems = password_problems(password or "", user.username)
    if problems:
        raise ValidationFailed({"password": problems})
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.new_session_token()
    audit.record(actor, "user.password_reset", user, label=user.username)
    db.session.commit()
    return user
