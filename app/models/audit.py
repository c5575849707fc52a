"""The audit log: who did what, when, from where."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.directory import User
from app.models.types import UTCDateTime, utcnow

# Entries that may change what the office's figures count: all but signing in and out, which
# with a province's staff come every second. The grouped figures' cache (app/figures_cache.py)
# is kept until the latest of these; the index answers that in one step. The same literal SQL
# in the index and the query, so that both databases match the query to the partial index.
CHANGES = "action NOT IN ('auth.login', 'auth.login_failed', 'auth.logout')"


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index(
            "ix_audit_entries_changes",
            "id",
            postgresql_where=text(CHANGES),
            sqlite_where=text(CHANGES),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The actor's name when it happened, kept if the account is later renamed or removed.
    actor_name: Mapped[str] = mapped_column(String(120), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None]
    target_label: Mapped[str] = mapped_column(String(300), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(45))

    actor: Mapped[User | None] = relationship(lazy="raise_on_sql")
