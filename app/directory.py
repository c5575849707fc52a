"""Queries over the staff directory shared by the pages that list people and units."""

from dataclasses import dataclass
from functools import cache

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


@cache
def _units_query(heads: bool):
    """Built once: the filters and overviews of many pages start with it."""
    stmt = select(Unit)
    return stmt.options(joinedload(Unit.head)) if heads else stmt


def unit_tree(heads: bool = False) -> list[tuple[Unit, int]]:
    """All units as (unit, depth), each parent followed by its children, siblings by name;
    with `heads`, each unit's head loaded too (a province's 300 heads cost more than the
    units: the filters, the dashboard and the tracking table do not show them)."""
    units = db.session.scalars(_units_query(heads)).all()
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


# A province's tree has hundreds of units: above this many, overviews list one level at a time.
WHOLE_TREE_MAX = 40


@dataclass
class UnitLevel:
    """One level of the unit tree for an overview: the units under `within` (the top when
    None), each standing for itself and every unit below it."""

    within: Unit | None
    path: list[Unit]  # from the top down to `within`, for the breadcrumb
    shown: list[Unit]
    below: dict[int, int]  # shown unit id: how many units lie below it
    group_of: dict[int, int]  # unit id: the shown unit it counts towards (or `within` itself)
    is_top: bool  # the first level (nothing asked for): the whole office, people in no unit too

    def group(self, unit_id: int | None) -> int | bool | None:
        """The shown unit (or `within`'s own id) that a unit's figures count towards; None
        for people in no unit (shown at the top level only); False when outside `within`."""
        if unit_id is None:
            return None if self.is_top else False
        return self.group_of.get(unit_id, False)


def unit_level(within_id: int | None = None, tree=None) -> UnitLevel | None:
    """The level of the tree to show under `within_id`; None when the tree is small enough to
    show whole, or when `within_id` names no unit. Without `within_id`, a single top unit
    (the office itself) is opened."""
    tree = unit_tree() if tree is None else tree
    if len(tree) <= WHOLE_TREE_MAX and within_id is None:
        return None
    by_id = {unit.id: unit for unit, _depth in tree}
    if within_id is not None and within_id not in by_id:
        return None
    children: dict[int | None, list[Unit]] = {}
    for unit, _depth in tree:  # tree order: each list sorted the Vietnamese way
        children.setdefault(unit.parent_id, []).append(unit)
    within = by_id.get(within_id) if within_id is not None else None
    if within is None:
        tops = children.get(None, [])
        if len(tops) == 1 and children.get(tops[0].id):
            within = tops[0]
    path = []
    step = within
    while step is not None:
        path.insert(0, step)
        step = by_id.get(step.parent_id)
    shown = children.get(within.id if within else None, [])
    group_of: dict[int, int] = {}
    below: dict[int, int] = {}
    for top in shown:
        stack, count = [top], -1
        while stack:
            unit = stack.pop()
            group_of[unit.id] = top.id
            count += 1
            stack.extend(children.get(unit.id, []))
        below[top.id] = count
    if within is not None:
        group_of[within.id] = within.id
    return UnitLevel(within, path, shown, below, group_of, is_top=within_id is None)
