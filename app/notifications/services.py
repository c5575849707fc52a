"""Writing, reading and marking notifications. A notification is a kind, its params and a link;
its sentence is chosen and translated when it is read (messages.py)."""

from collections import defaultdict
from datetime import UTC, datetime
from functools import cache

from flask import current_app, has_request_context, url_for
from sqlalchemy import bindparam, func, select, update
from werkzeug.routing import BuildError

from app.extensions import db
from app.models.notifications import Notification
from app.notifications.messages import MESSAGES


def notify(user_id: int, kind: str, params: dict | None = None, link: str = "") -> Notification:
    """Add a notification to the session; the caller's service commits it with its change."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    notification = Notification(user_id=user_id, kind=kind, params=params or {}, link=link[:300])
    db.session.add(notification)
    return notification


def link_to(endpoint: str, **values) -> str:
    """A path inside the app for a notification's link, with or without a request; '' when the
    page does not exist (yet)."""
    try:
        if has_request_context():
            return url_for(endpoint, **values)
        return current_app.url_map.bind("localhost").build(endpoint, values)
    except BuildError:
        return ""


def text_of(notification: Notification) -> str:
    """The notification's sentence in the reader's language; a missing param reads as empty."""
    message = MESSAGES.get(notification.kind)
    if message is None:
        return notification.kind
    params = defaultdict(str, {key: str(value) for key, value in notification.params.items()})
    return str(message) % params


@cache
def _unread():
    """Built once: the bell asks on every page."""
    return select(func.count(Notification.id)).where(
        Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None)
    )


def unread_count(user_id: int) -> int:
    return db.session.scalar(_unread(), {"user_id": user_id})


def get_own(user_id: int, notification_id: int) -> Notification | None:
    """The user's notification with this id; None for someone else's."""
    return db.session.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.user_id == user_id
        )
    )


def for_user(user_id: int):
    """The user's notifications, newest first (a statement to paginate)."""
    return (
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def mark_read(user_id: int, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications, or all of them, as read; returns how many changed.
    Another person's notification id changes nothing."""
    stmt = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    result = db.session.execute(
        stmt.values(read_at=datetime.now(UTC)).execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount
