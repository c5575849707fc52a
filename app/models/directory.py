"""The staff directory: units (a tree with a head), users and their roles."""

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow
from app.text import clean, fold, name_sort_key


class Role(StrEnum):
    STAFF = "staff"
    UNIT_HEAD = "unit_head"
    OFFICER = "officer"
    COMMS = "comms"
    LEADER = "leader"
    ADMIN = "admin"


# Roles an admin grants; everyone is staff without it being stored.
GRANTABLE_ROLES = (Role.UNIT_HEAD, Role.OFFICER, Role.COMMS, Role.LEADER, Role.ADMIN)
_ROLE_VALUES = ", ".join(f"'{role.value}'" for role in Role)


class Unit(db.Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(30), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    head_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", use_alter=True, ondelete="SET NULL"), index=True
    )
    name_folded: Mapped[str] = mapped_column(String(200), index=True, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped["Unit | None"] = relationship(
        remote_side=[id], back_populates="children", lazy="raise_on_sql"
    )
    children: Mapped[list["Unit"]] = relationship(back_populates="parent", lazy="raise_on_sql")
    head: Mapped["User | None"] = relationship(
        foreign_keys=[head_id], post_update=True, lazy="raise_on_sql"
    )

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.name!r}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    position: Mapped[str] = mapped_column(String(120), default="")
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="SET NULL"), index=True
    )
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Flask-Login's id for the session and the remember cookie; a new one signs out everywhere.
    session_token: Mapped[str] = mapped_column(
        String(64), unique=True, default=lambda: secrets.token_urlsafe(32)
    )
    name_sort: Mapped[str] = mapped_column(String(255), index=True, default="")
    search_text: Mapped[str] = mapped_column(String(600), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id], lazy="raise_on_sql")
    role_links: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="raise_on_sql"
    )

    def get_id(self) -> str:
        return self.session_token

    @property
    def roles(self) -> set[str]:
        return {link.role for link in self.role_links}

    def has_role(self, *roles: str) -> bool:
        """True when the user holds any of the roles; every user is staff."""
        if Role.STAFF in roles:
            return True
        return bool(self.roles.intersection(roles))

    def new_session_token(self) -> None:
        """Invalidate every session and remember cookie of this user."""
        self.session_token = secrets.token_urlsafe(32)

    def set_roles(self, roles) -> None:
        wanted = {Role(role) for role in roles} - {Role.STAFF}
        self.role_links = [link for link in self.role_links if link.role in wanted]
        have = {link.role for link in self.role_links}
        for role in sorted(wanted - have):
            self.role_links.append(UserRole(role=role.value))

    @property
    def given_name(self) -> str:
        words = self.full_name.split()
        return words[-1] if words else ""

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint(f"role IN ({_ROLE_VALUES})", name="role_known"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)

    user: Mapped[User] = relationship(back_populates="role_links", lazy="raise_on_sql")


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _user_derived_columns(mapper, connection, user: User) -> None:
    user.full_name = clean(user.full_name)
    user.position = clean(user.position)
    user.username = clean(user.username).lower()
    user.email = clean(user.email).lower() or None
    user.name_sort = name_sort_key(user.full_name)
    user.search_text = fold(f"{user.full_name} {user.username} {user.email or ''}")[:600]


@event.listens_for(Unit, "before_insert")
@event.listens_for(Unit, "before_update")
def _unit_derived_columns(mapper, connection, unit: Unit) -> None:
    unit.name = clean(unit.name)
    unit.code = clean(unit.code) or None
    unit.name_folded = fold(unit.name)
