"""The seed commands: the demo office with its fixed accounts, and seeding only when empty."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.campaigns import Campaign
from app.models.directory import Role, Unit, User
from app.models.initiatives import Initiative
from tests.conftest import sign_in

FIXED = {
    "admin": {Role.ADMIN},
    "thidua": {Role.OFFICER},
    "truongphong": {Role.UNIT_HEAD},
    "nhanvien": set(),
    "lanhdao": {Role.LEADER},
    "truyenthong": {Role.COMMS},
}


def _users() -> dict[str, User]:
    users = db.session.scalars(select(User).options(selectinload(User.role_links))).all()
    return {user.username: user for user in users}


def test_seed_demo_creates_office_with_fixed_accounts(app):
    result = app.test_cli_runner().invoke(
        args=["seed-demo", "--staff", "30", "--password", "Pw-2026!x"]
    )
    assert result.exit_code == 0, result.output
    users = _users()
    for username, roles in FIXED.items():
        assert users[username].roles == {r.value for r in roles}
        assert username in result.output
    assert "Pw-2026!x" in result.output
    assert 30 <= len(users) - len(FIXED) <= 45
    unit_names = set(db.session.scalars(select(Unit.name)))
    assert {
        "Phòng Hành chính - Quản trị",
        "Trung tâm Công nghệ và Cổng thông tin điện tử tỉnh",
    } <= unit_names
    # Every unit has a head, who holds the unit_head role; the fixed head heads Phòng Tổng hợp.
    units = db.session.scalars(select(Unit)).all()
    assert all(unit.head_id for unit in units)
    by_id = {user.id: user for user in users.values()}
    assert all(by_id[unit.head_id].has_role(Role.UNIT_HEAD) for unit in units)
    tong_hop = next(unit for unit in units if unit.name == "Phòng Tổng hợp")
    assert by_id[tong_hop.head_id].username == "truongphong"
    assert users["nhanvien"].unit_id == tong_hop.id


def test_seed_demo_accounts_sign_in_with_the_password(app, client):
    app.test_cli_runner().invoke(args=["seed-demo", "--staff", "10", "--password", "Pw-2026!x"])
    assert sign_in(client, "thidua", "Pw-2026!x").status_code == 303


def test_seed_demo_twice_changes_nothing(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo", "--staff", "10"])
    count = db.session.scalar(select(func.count(User.id)))
    result = runner.invoke(args=["seed-demo", "--staff", "10"])
    assert result.exit_code == 0
    assert db.session.scalar(select(func.count(User.id))) == count


def test_seed_if_empty_seeds_only_an_empty_database(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-if-empty", "--staff", "10"])
    assert first.exit_code == 0, first.output
    assert db.session.scalar(select(func.count(Campaign.id))) == 1
    statuses = sorted(db.session.scalars(select(Initiative.status)))
    assert statuses == [*["accepted"] * 5, "draft", "returned", "submitted", "submitted"]
    count = db.session.scalar(select(func.count(User.id)))
    second = runner.invoke(args=["seed-if-empty", "--staff", "10"])
    assert "not seeding" in second.output
    assert db.session.scalar(select(func.count(User.id))) == count
    assert db.session.scalar(select(func.count(Campaign.id))) == 1
    assert db.session.scalar(select(func.count(Initiative.id))) == 9
