"""The audit service: one call records who did what to which object."""

from flask import has_request_context, request

from app.extensions import db
from app.models.audit import AuditEntry


def record(actor, action: str, target=None, label: str = "", **details) -> AuditEntry:
    """Add an audit entry to the session; the caller's service commits it with its change."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "full_name", "") or "",
        action=action,
        target_type=type(target).__name__.lower() if target is not None else None,
        target_id=getattr(target, "id", None),
        target_label=(label or "")[:300],
        details=details,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
