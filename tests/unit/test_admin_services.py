"""Admin services called directly (as the CLI and the import do) and the audit log's labels."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.admin import services
from app.admin.labels import action_label, detail_items
from app.errors import ValidationFailed
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.directory import User
from tests.factories import make_unit, make_user


@pytest.fixture
def admin(app):
    return make_user(roles=("admin",))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def with_roles(user_id: int) -> User:
    return db.session.scalar(
        select(User).where(User.id == user_id).options(selectinload(User.role_links))
    )


def test_create_user_cleans_input_and_ignores_the_staff_role(admin):
    user = services.create_user(
        admin,
        username="  An.NV ",
        full_name="Nguyễn  Văn An",
        password="Mật-khẩu-mới-1",
        email=" An@DakLak.gov.vn ",
        roles=["staff", "leader"],
    )
    user = with_roles(user.id)
    assert (user.username, user.full_name, user.email) == (
        "an.nv",
        "Nguyễn Văn An",
        "an@daklak.gov.vn",
    )
    assert user.roles == {"leader"}
    assert user.must_change_password
    assert audit_actions() == ["user.created"]


def test_create_user_unknown_unit_and_role_are_refused(admin):
    with pytest.raises(ValidationFailed) as refused:
        services.create_user(
            admin, "an", "Nguyễn Văn An", "Mật-khẩu-mới-1", unit_id=999, roles=["king"]
        )
    assert set(refused.value.errors) == {"unit_id", "roles"}
    assert audit_actions() == []


def test_create_user_password_equal_to_username_is_refused(admin):
    with pytest.raises(ValidationFailed) as refused:
        services.create_user(admin, "nguyenvanan", "Nguyễn Văn An", "NguyenVanAn")
    assert "password" in refused.value.errors


def test_update_user_records_roles_before_and_after(admin):
    user = make_user(roles=("officer",))
    services.update_user(
        admin,
        with_roles(user.id),
        username=user.username,
        full_name=user.full_name,
        position=user.position,
        roles=["officer", "comms"],
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.roles_changed"))
    assert entry.details == {"before": ["officer"], "after": ["comms", "officer"]}
    assert audit_actions() == ["user.roles_changed"]


def test_set_active_same_state_changes_nothing(admin):
    user = make_user()
    services.set_active(admin, user, True)
    assert audit_actions() == []


def test_set_active_deactivation_changes_the_session_token(admin):
    user = make_user()
    token = user.session_token
    services.set_active(admin, user, False)
    assert user.session_token != token
    assert audit_actions() == ["user.deactivated"]


def test_reset_password_of_own_account_is_refused(admin):
    with pytest.raises(ValidationFailed):
        services.reset_password(admin, admin, "Mật-khẩu-mới-1")


def test_move_unit_under_grandchild_is_refused(admin):
    top = make_unit()
    grandchild = make_unit(parent=make_unit(parent=top))
    with pytest.raises(ValidationFailed) as refused:
        services.move_unit(admin, top, grandchild.id)
    assert list(refused.value.errors) == ["parent_id"]
    assert top.parent_id is None


def test_move_unit_to_missing_parent_is_refused(admin):
    with pytest.raises(ValidationFailed):
        services.move_unit(admin, make_unit(), 999)


def test_set_unit_head_to_the_same_person_writes_nothing(admin):
    unit = make_unit()
    head = make_user(unit=unit)
    services.set_unit_head(admin, unit, head.id)
    services.set_unit_head(admin, unit, head.id)
    assert audit_actions() == ["unit.head_set"]
    assert "unit_head" in with_roles(head.id).roles


def test_action_label_known_is_vietnamese_unknown_is_the_code(app):
    with app.test_request_context():
        assert action_label("user.deactivated") == "Vô hiệu hóa tài khoản"
        assert action_label("votes.counted") == "votes.counted"


def test_detail_items_render_changes_lists_and_flags(app):
    with app.test_request_context():
        items = detail_items(
            {
                "name": {"before": "Cũ", "after": "Mới"},
                "roles": ["comms", "leader"],
                "unit": None,
                "granted": True,
            }
        )
    assert items == [
        ("Tên", "Cũ → Mới"),
        ("Vai trò", "comms, leader"),
        ("Đơn vị", "—"),
        ("granted", "có"),
    ]
