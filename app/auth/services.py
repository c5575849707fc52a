"""Authentication use cases: load, authenticate, set and change passwords."""

from dataclasses import dataclass
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app import audit
from app.errors import ValidationFailed
from app.extensions import db
from app.models.councils import CouncilMember
from app.models.directory import User
from app.models.notifications import Notification
from app.models.types import utcnow
from app.text import clean

MIN_PASSWORD_LENGTH = 8
# Checked against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


@cache
def _user_by_token():
    """Built once: every request runs it, and building and keying a statement costs more than
    running it. One statement: a person has a role or two; with them come the two facts every
    page's frame shows (the bell's unread count, whether the menu lists the councils), which
    were two statements more on every page."""
    unread = (
        select(func.count(Notification.id))
        .where(Notification.user_id == User.id, Notification.read_at.is_(None))
        .scalar_subquery()
    )
    return (
        select(User, unread, exists().where(CouncilMember.user_id == User.id))
        .where(User.session_token == bindparam("token"), User.is_active.is_(True))
        .options(joinedload(User.role_links), joinedload(User.unit))
    )


@dataclass(frozen=True)
class Visit:
    """The signed-in person as a request starts, with what the page's frame shows of them."""

    user: User
    unread: int
    sits_on_a_council: bool


def load_visit(token: str) -> Visit | None:
    """The active user whose session token this is, with roles, unit, unread notifications and
    council seat."""
    row = db.session.execute(_user_by_token(), {"token": token}).unique().one_or_none()
    return None if row is None else Visit(row[0], row[1], bool(row[2]))


def load_user(token: str) -> User | None:
    """The active user whose session token this is, with roles and unit."""
    visit = load_visit(token)
    return None if visit is None else visit.user


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def password_problems(password: str, username: str = "") -> list[str]:
    """Why a new password is not acceptable, as messages; empty when it is."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(_("The password must be at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))
    if username and password.strip().lower() == username.strip().lower():
        problems.append(_("The password must not be the same as the username."))
    return problems


def authenticate(username: str, password: str) -> User | None:
    """The user if the username and password match an active account; audited either way."""
    name = clean(username).lower()
    user = db.session.scalar(select(User).where(User.username == name))
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is not None and user.password_hash and valid and user.is_active:
        user.last_login_at = utcnow()
        audit.record(user, "auth.login", user, label=user.username)
        db.session.commit()
        return user
    reason = "inactive" if user is not None and valid else "bad_credentials"
    audit.record(user, "auth.login_failed", user, label=name, username=name, reason=reason)
    db.session.commit()
    return None


def sign_out(user: User) -> None:
    """End the person's sessions: the cookie just cleared, and any copy of it or of the
    remember cookie (a shared computer, a stolen cookie), on every app server. The sessions of
    the person's other devices end too: a signed cookie cannot be revoked alone."""
    user.new_session_token()
    audit.record(user, "auth.logout", user, label=user.username)
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    """Change one's own password; other sessions and remember cookies stop working."""
    errors: dict[str, list[str]] = {}
    if not check_password_hash(user.password_hash, current):
        errors["current_password"] = [_("The current password is incorrect.")]
    problems = password_problems(new, user.username)
    if not problems and current == new:
        problems.append(_("The new password must be different from the current one."))
    if problems:
        errors["new_password"] = problems
    if errors:
        raise ValidationFailed(errors)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.new_session_token()
    audit.record(user, "auth.password_changed", user, label=user.username)
    db.session.commit()
