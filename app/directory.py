"""Queries over the staff directory shared by the pages that list people and units."""

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models.directory import Unit, User, UserRole
from app.text import fold, text_sort_key


def people_query(
    q: str = "", unit_id: int | None = None, active: bool | None = True, role: str | None = None
) -> Select:
    """Users matching a diacritic-insensitive search, sorted the Vietnamese way (by given name)."""
    stmt = select(User).options(joinedload(User.unit), selectinload(User.role_links))
    for word in fold(q).split():
        stmt = stmt.where(User.search_text.contains(word, autoescape=True))
    if unit_id:
        stmt = stmt.where(User.unit_id == unit_id)
    if active is not None:
        stmt = stmt.where(User.is_active.is_(active))
    if role:
        stmt = stmt.where(User.role_links.any(UserRole.role == role))
    return stmt.order_by(User.name_sort, User.id)


def unit_tree() -> list[tuple[Unit, int]]:
    """All units as (unit, depth), each parent followed by its children, siblings by name."""
    units = db.session.scalars(select(Unit).options(joinedload(Unit.head))).all()
    by_parent: dict[int | None, list[Unit]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent_id, []).append(unit)
    ordered: list[tuple[Unit, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        children = sorted(by_parent.get(parent_id, []), key=lambda u: text_sort_key(u.name))
        for unit in children:
            ordered.append((unit, depth))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return ordered
