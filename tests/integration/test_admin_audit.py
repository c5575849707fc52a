"""The audit log: newest first, Vietnamese action names, filters, local time, paging."""

import re
from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.models.audit import AuditEntry
from tests.factories import make_unit, make_user


@pytest.fixture
def admin(login):
    return login("admin", full_name="Trần Quốc Huy")


def add_entry(action="user.updated", actor=None, at=None, label="", **details) -> AuditEntry:
    entry = AuditEntry(
        action=action,
        actor_id=actor.id if actor else None,
        actor_name=actor.full_name if actor else "",
        target_label=label,
        details=details,
        ip_address="10.1.2.3",
        created_at=at or datetime.now(UTC),
    )
    db.session.add(entry)
    db.session.commit()
    return entry


def rows(response) -> list[str]:
    """The text of each row's action cell, top to bottom."""
    return re.findall(r'<td data-label="Thao tác">([^<]*)</td>', response.get_data(as_text=True))


def test_audit_lists_newest_first_with_vietnamese_labels(client, admin):
    add_entry("unit.created", at=datetime(2026, 1, 1, tzinfo=UTC))
    add_entry("user.deactivated", at=datetime(2026, 2, 1, tzinfo=UTC))
    listed = rows(client.get("/admin/audit/"))
    # The admin's own sign-in is the newest entry.
    assert listed == ["Đăng nhập", "Vô hiệu hóa tài khoản", "Thêm đơn vị"]


def test_audit_unknown_action_is_shown_by_its_code(client, admin):
    add_entry("reports.exported")
    assert "reports.exported" in rows(client.get("/admin/audit/"))


def test_audit_shows_local_time_details_and_ip(client, admin):
    add_entry(
        "user.roles_changed",
        actor=admin,
        at=datetime(2026, 1, 1, 17, 30, tzinfo=UTC),
        label="an.nv",
        before=["officer"],
        after=["comms", "leader"],
    )
    body = client.get("/admin/audit/").get_data(as_text=True)
    assert "02/01/2026 00:30" in body
    assert "Trước:</span> Cán bộ theo dõi thi đua (Phòng Hành chính - Quản trị)" in body
    assert "Sau:</span> Truyền thông (Trung tâm Công nghệ" in body
    assert "điện tử), Lãnh đạo Văn phòng" in body
    assert "10.1.2.3" in body
    assert "an.nv" in body


def test_audit_filter_by_action(client, admin):
    add_entry("unit.deleted")
    add_entry("user.created")
    assert rows(client.get("/admin/audit/?action=unit.deleted")) == ["Xóa đơn vị"]
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert '<option value="unit.deleted">Xóa đơn vị</option>' in page


def test_audit_filter_by_actor_ignores_diacritics(client, admin):
    thien = make_user(full_name="Ngô Đình Thiện")
    add_entry("unit.created", actor=thien)
    add_entry("unit.deleted", actor=make_user(full_name="Lê Văn Thành"))
    assert rows(client.get("/admin/audit/?actor=thien")) == ["Thêm đơn vị"]
    assert rows(client.get("/admin/audit/?actor=Đình Thiện")) == ["Thêm đơn vị"]


def test_audit_filter_by_target_matches_label_or_object_name(client, admin):
    unit = make_unit("Phòng Kinh tế")
    entry = add_entry("unit.updated", label="Phòng Kinh tế")
    entry.target_type, entry.target_id = "unit", unit.id
    add_entry("user.updated", label="nguoi.khac")
    db.session.commit()
    assert rows(client.get("/admin/audit/?target=kinh+te")) == ["Cập nhật đơn vị"]
    assert rows(client.get("/admin/audit/?target=Kinh tế")) == ["Cập nhật đơn vị"]


def test_audit_filter_by_local_date_range(client, admin):
    # 31/12/2025 23:30 in Hà Nội time is still 2025 there; 16:30 UTC on 31/12.
    add_entry("unit.created", at=datetime(2025, 12, 31, 16, 30, tzinfo=UTC))
    add_entry("unit.moved", at=datetime(2025, 12, 31, 17, 30, tzinfo=UTC))  # 01/01/2026 00:30
    add_entry("unit.deleted", at=datetime(2026, 1, 3, 12, 0, tzinfo=UTC))
    response = client.get("/admin/audit/?date_from=2026-01-01&date_to=2026-01-02")
    assert rows(response) == ["Chuyển đơn vị sang đơn vị cấp trên khác"]
    assert rows(client.get("/admin/audit/?date_to=31/12/2025")) == ["Thêm đơn vị"]


def test_audit_filter_with_bad_dates_says_why(client, admin):
    response = client.get("/admin/audit/?date_from=hom-qua")
    assert response.status_code == 422
    assert "Vui lòng nhập ngày theo dạng dd/mm/yyyy." in response.get_data(as_text=True)
    response = client.get("/admin/audit/?date_from=2026-02-01&date_to=2026-01-01")
    assert response.status_code == 422
    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.get_data(as_text=True)


def test_audit_filter_with_htmx_returns_only_the_results(client, admin):
    add_entry("unit.deleted")
    response = client.get("/admin/audit/?action=unit.deleted", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="results"')
    assert "Xóa đơn vị" in body


def test_audit_filter_without_htmx_returns_the_whole_page(client, admin):
    body = client.get("/admin/audit/?action=unit.deleted").get_data(as_text=True)
    assert "<html" in body
    assert 'type="date"' in body
    assert 'id="results"' in body


def test_audit_same_queries_with_few_and_many_entries(client, admin, count_queries):
    actor = make_user()
    for _ in range(3):
        add_entry("unit.updated", actor=actor, name={"before": "A", "after": "B"})
    client.get("/admin/audit/")
    with count_queries() as few:
        client.get("/admin/audit/")
    db.session.add_all(
        AuditEntry(action="user.updated", actor_id=actor.id, actor_name=actor.full_name)
        for _ in range(300)
    )
    db.session.commit()
    with count_queries() as many:
        response = client.get("/admin/audit/")
    assert "304 bản ghi" in response.get_data(as_text=True)
    assert len(many) == len(few)


def test_audit_records_admin_changes_and_they_can_be_filtered(client, admin):
    from tests.conftest import post

    post(client, "/admin/units/new", {"name": "Tổ công nghệ"})
    response = client.get("/admin/audit/?action=unit.created&actor=huy")
    body = response.get_data(as_text=True)
    assert rows(response) == ["Thêm đơn vị"]
    assert "Trần Quốc Huy" in body
    assert "Tổ công nghệ" in body
