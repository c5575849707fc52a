"""A short-lived cache for figures grouped over every person of the office (the monitoring
dashboard's, a survey's response rates by unit), which at province scale cost more than the
rest of their page together.

A cached value is used while no audited change has been recorded since it was computed (the
latest id of the audit log's entries but signing in and out, one step of a partial index:
app/models/audit.py) and for FIGURES_CACHE_SECONDS at most, so a change that leaves no audit
entry shows within that time. Values are plain data, never ORM objects;
the cache lives in each worker process.
"""

import time
from collections.abc import Callable
from typing import TypeVar

from flask import current_app
from sqlalchemy import func, select, text

from app.extensions import db
from app.models.audit import CHANGES, AuditEntry

T = TypeVar("T")
MAX_ENTRIES = 512

_store: dict[tuple, tuple[float, object]] = {}
_LATEST_CHANGE = select(func.max(AuditEntry.id)).where(text(CHANGES))


def cached(name: str, key: tuple, compute: Callable[[], T]) -> T:
    """compute(), or what it returned when last called with this name and key, if that is
    recent enough and no audited change came since."""
    seconds = current_app.config["FIGURES_CACHE_SECONDS"]
    if not seconds:
        return compute()
    version = db.session.scalar(_LATEST_CHANGE)
    full_key = (db.engine.url.render_as_string(), name, key, version)
    now = time.monotonic()
    found = _store.get(full_key)
    if found is not None and now - found[0] < seconds:
        return found[1]  # type: ignore[return-value]
    value = compute()
    if len(_store) >= MAX_ENTRIES:
        _store.clear()
    _store[full_key] = (now, value)
    return value


def clear() -> None:
    _store.clear()
