"""Who a voting round or a survey is for: all active staff, or the active staff of chosen units
kept in a link table of (owner id, unit id)."""

from dataclasses import dataclass

from sqlalchemy import Select, Table, delete, insert, select

from app.extensions import db
from app.models.directory import Unit, User


@dataclass(frozen=True)
class Audience:
    table: Table
    owner_column: str  # the link table's column holding the round's or survey's id

    @property
    def _owner(self):
        return self.table.c[self.owner_column]

    def unit_ids(self, owner_id: int) -> set[int]:
        return set(db.session.scalars(select(self.table.c.unit_id).where(self._owner == owner_id)))

    def admits(self, user: User, owner) -> bool:
        """An active person, of one of the owner's units unless it is for all staff."""
        if not user.is_active:
            return False
        if owner.is_open_to_all:
            return True
        return user.unit_id is not None and user.unit_id in self.unit_ids(owner.id)

    def people(self, owner) -> Select:
        """The select() of the people the owner is for."""
        stmt = select(User).where(User.is_active.is_(True))
        if not owner.is_open_to_all:
            chosen = select(self.table.c.unit_id).where(self._owner == owner.id)
            stmt = stmt.where(User.unit_id.in_(chosen))
        return stmt

    def set_units(self, owner_id: int, units: list[int]) -> None:
        db.session.execute(delete(self.table).where(self._owner == owner_id))
        if units:
            rows = [{self.owner_column: owner_id, "unit_id": unit} for unit in units]
            db.session.execute(insert(self.table), rows)


def unit_errors(open_to_all: bool, units: list[int], missing: str, unknown: str) -> list[str]:
    """The problems of a choice of units: none chosen (`missing`), or some not in the directory
    (`unknown`); nothing when the audience is all staff."""
    if open_to_all:
        return []
    if not units:
        return [missing]
    known = set(db.session.scalars(select(Unit.id).where(Unit.id.in_(units))))
    return [] if known == set(units) else [unknown]
