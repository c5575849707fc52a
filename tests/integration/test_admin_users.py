"""Users: the searchable list, create, edit, roles, deactivate, reactivate, reset password."""

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.directory import User, UserRole
from tests.conftest import post, sign_in
from tests.factories import DEFAULT_PASSWORD, make_unit, make_user, password_hash

NEW_PASSWORD = "Khởi-tạo-2026"


@pytest.fixture
def admin(login):
    return login("admin")


def entries(action: str) -> list[AuditEntry]:
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    ).all()


def load(username: str) -> User | None:
    return db.session.scalar(
        select(User).where(User.username == username).options(selectinload(User.role_links))
    )


def names_listed(response) -> list[str]:
    return re.findall(r'<a href="/admin/users/\d+/">([^<]+)</a>', response.get_data(as_text=True))


def user_data(**fields) -> dict:
    data = {
        "username": "hoa.nt",
        "full_name": "Nguyễn Thị Hoa",
        "position": "Chuyên viên",
        "unit_id": "",
        "email": "hoa.nt@daklak.gov.vn",
        "password": NEW_PASSWORD,
    }
    data.update(fields)
    return data


def add_people(count: int, units, start: int = 0) -> None:
    """Many users at once, each with a unit and some with roles, as a real office has."""
    people = []
    for n in range(start, start + count):
        user = User(
            username=f"nguoi{n}",
            full_name=f"Trần Văn Người {n}",
            position="Chuyên viên",
            unit_id=units[n % len(units)].id,
            email=f"nguoi{n}@daklak.gov.vn",
            password_hash=password_hash(DEFAULT_PASSWORD),
        )
        user.role_links = [UserRole(role="officer")] if n % 3 == 0 else []
        people.append(user)
    db.session.add_all(people)
    db.session.commit()


# The list


def test_users_list_same_queries_with_10_and_500_users(client, admin, count_queries):
    units = [make_unit() for _ in range(4)]
    add_people(10, units)
    client.get("/admin/users/")
    with count_queries() as with_10:
        response = client.get("/admin/users/")
    assert len(names_listed(response)) == 11
    add_people(490, units, start=10)
    with count_queries() as with_500:
        response = client.get("/admin/users/")
    assert len(names_listed(response)) == 25
    assert "501 tài khoản" in response.get_data(as_text=True)
    assert len(with_500) == len(with_10)


def test_users_search_without_diacritics_finds_vietnamese_names(client, admin):
    make_user(full_name="Ngô Đình Thiện")
    make_user(full_name="Hoàng Minh Đức")
    make_user(full_name="Phạm Thị Mai Anh")
    assert names_listed(client.get("/admin/users/?q=thien")) == ["Ngô Đình Thiện"]
    assert names_listed(client.get("/admin/users/?q=duc")) == ["Hoàng Minh Đức"]
    assert names_listed(client.get("/admin/users/?q=NGO+dinh")) == ["Ngô Đình Thiện"]


def test_users_list_is_sorted_by_given_name(client, admin):
    for name in ("Trần Văn Bình", "Lê Thị Yến", "Nguyễn Văn An", "Phạm Đức Đạt"):
        make_user(full_name=name)
    listed = [name for name in names_listed(client.get("/admin/users/")) if name != admin.full_name]
    assert listed == ["Nguyễn Văn An", "Trần Văn Bình", "Phạm Đức Đạt", "Lê Thị Yến"]


def test_users_search_with_htmx_returns_only_the_results(client, admin):
    make_user(full_name="Ngô Đình Thiện")
    response = client.get("/admin/users/?q=thien", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="results"')
    assert "Ngô Đình Thiện" in body
    assert "HX-Request" in response.headers["Vary"]


def test_users_search_without_htmx_returns_the_whole_page(client, admin):
    make_user(full_name="Ngô Đình Thiện")
    body = client.get("/admin/users/?q=thien").get_data(as_text=True)
    assert "<html" in body
    assert 'id="results"' in body
    assert 'hx-trigger="submit, keyup changed delay:300ms' in body
    assert 'value="thien"' in body


def test_users_filters_by_unit_role_and_status(client, admin):
    unit = make_unit("Phòng Kinh tế")
    make_user(full_name="Lê Văn Kinh", unit=unit, roles=("officer",))
    make_user(full_name="Võ Thị Nghỉ", unit=unit, is_active=False)
    make_user(full_name="Đặng Văn Khác")
    assert set(names_listed(client.get(f"/admin/users/?unit={unit.id}"))) == {
        "Lê Văn Kinh",
        "Võ Thị Nghỉ",
    }
    assert names_listed(client.get("/admin/users/?role=officer")) == ["Lê Văn Kinh"]
    assert names_listed(client.get("/admin/users/?status=inactive")) == ["Võ Thị Nghỉ"]
    active = names_listed(client.get("/admin/users/?status=active"))
    assert "Võ Thị Nghỉ" not in active
    assert "Đặng Văn Khác" in active


# Create


def test_user_create_with_valid_input_creates_account_to_change_password(client, admin):
    unit = make_unit()
    data = user_data(username="Hoa.NT", unit_id=unit.id, roles=["officer", "comms"])
    response = post(client, "/admin/users/new", data)
    assert response.status_code == 303
    user = load("hoa.nt")
    assert user.full_name == "Nguyễn Thị Hoa"
    assert user.unit_id == unit.id
    assert user.roles == {"officer", "comms"}
    assert user.must_change_password
    assert check_password_hash(user.password_hash, NEW_PASSWORD)
    [entry] = entries("user.created")
    assert entry.details["roles"] == ["comms", "officer"]
    assert NEW_PASSWORD not in str(entry.details)
    sign_in(client, "hoa.nt", NEW_PASSWORD)


def test_user_create_bad_input_keeps_input_and_shows_errors(client, admin):
    before = db.session.scalar(select(func.count(User.id)))
    data = user_data(username="Hoa Nguyễn", full_name="", email="hoa@", position="Kế toán")
    response = post(client, "/admin/users/new", data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Chỉ dùng chữ thường không dấu" in body
    assert "Vui lòng nhập họ và tên." in body
    assert "Địa chỉ thư điện tử không hợp lệ." in body
    assert 'value="Kế toán"' in body
    assert 'value="hoa@"' in body
    assert db.session.scalar(select(func.count(User.id))) == before
    assert entries("user.created") == []


def test_user_create_taken_username_is_refused(client, admin):
    make_user(username="hoa.nt")
    response = post(client, "/admin/users/new", user_data())
    assert response.status_code == 422
    assert "Tên đăng nhập đã tồn tại." in response.get_data(as_text=True)


def test_user_create_taken_email_is_refused(client, admin):
    make_user(email="hoa.nt@daklak.gov.vn")
    response = post(client, "/admin/users/new", user_data(email="HOA.NT@daklak.gov.vn"))
    assert response.status_code == 422
    assert "đã được tài khoản khác sử dụng" in response.get_data(as_text=True)


def test_user_create_short_password_is_refused(client, admin):
    response = post(client, "/admin/users/new", user_data(password="ngan"))
    assert response.status_code == 422
    assert "Mật khẩu phải có ít nhất 8 ký tự." in response.get_data(as_text=True)
    assert load("hoa.nt") is None


# Edit


def test_user_edit_page_shows_the_account(client, admin):
    user = make_user(full_name="Ngô Đình Thiện", roles=("leader",), email="thien@daklak.gov.vn")
    page = client.get(f"/admin/users/{user.id}/").get_data(as_text=True)
    assert 'value="Ngô Đình Thiện"' in page
    assert 'value="thien@daklak.gov.vn"' in page
    assert re.search(r'value="leader" checked', page)
    assert "Đặt lại mật khẩu" in page
    assert "Vô hiệu hóa tài khoản" in page


def test_user_edit_unknown_id_is_404(client, admin):
    assert client.get("/admin/users/999/").status_code == 404


def test_user_edit_saves_details_and_audits_role_change(client, admin):
    unit = make_unit("Phòng Tổng hợp")
    user = make_user(username="an", full_name="Nguyễn Văn An", roles=("officer",))
    data = user_data(
        username="an.nv", full_name="Nguyễn Văn An", unit_id=unit.id, roles=["leader", "comms"]
    )
    del data["password"]
    response = post(client, f"/admin/users/{user.id}/", data)
    assert response.status_code == 303
    user = load("an.nv")
    assert user.roles == {"leader", "comms"}
    [updated] = entries("user.updated")
    assert updated.details["username"] == {"before": "an", "after": "an.nv"}
    assert updated.details["unit"] == {"before": None, "after": "Phòng Tổng hợp"}
    [roles] = entries("user.roles_changed")
    assert roles.details == {"before": ["officer"], "after": ["comms", "leader"]}


def test_user_edit_without_changes_writes_no_audit(client, admin):
    user = make_user(username="an", full_name="Nguyễn Văn An", position="", email=None)
    data = {"username": "an", "full_name": "Nguyễn Văn An", "position": "", "unit_id": ""}
    assert post(client, f"/admin/users/{user.id}/", data).status_code == 303
    assert entries("user.updated") == entries("user.roles_changed") == []


def test_user_edit_admin_cannot_remove_own_admin_role(client, admin):
    data = {"username": admin.username, "full_name": admin.full_name, "roles": ["officer"]}
    response = post(client, f"/admin/users/{admin.id}/", data)
    assert response.status_code == 422
    assert "Bạn không thể tự gỡ vai trò quản trị hệ thống" in response.get_data(as_text=True)
    assert load(admin.username).roles == {"admin"}


# Activation and passwords


def test_user_deactivate_ends_their_session_and_blocks_sign_in(app, client, admin):
    user = make_user(username="nhanvien")
    their_client = app.test_client()
    assert sign_in(their_client, "nhanvien").status_code == 303
    assert their_client.get("/").status_code == 200
    response = post(client, f"/admin/users/{user.id}/deactivate")
    assert response.status_code == 303
    assert their_client.get("/").status_code == 302
    assert sign_in(their_client, "nhanvien").status_code == 422
    assert not load("nhanvien").is_active
    [entry] = entries("user.deactivated")
    assert entry.target_id == user.id


def test_user_deactivate_own_account_is_refused(client, admin):
    response = post(client, f"/admin/users/{admin.id}/deactivate")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Bạn không thể vô hiệu hóa tài khoản của chính mình." in body
    assert load(admin.username).is_active
    assert client.get("/admin/users/").status_code == 200


def test_user_reactivate_lets_them_sign_in_again(app, client, admin):
    user = make_user(username="quaylai", is_active=False)
    assert post(client, f"/admin/users/{user.id}/reactivate").status_code == 303
    assert load("quaylai").is_active
    assert len(entries("user.reactivated")) == 1
    assert sign_in(app.test_client(), "quaylai").status_code == 303


def test_user_reset_password_forces_change_and_ends_sessions(app, client, admin):
    user = make_user(username="quenmatkhau")
    their_client = app.test_client()
    sign_in(their_client, "quenmatkhau")
    response = post(client, f"/admin/users/{user.id}/password", {"password": NEW_PASSWORD})
    assert response.status_code == 303
    assert their_client.get("/").status_code == 302
    user = load("quenmatkhau")
    assert user.must_change_password
    assert sign_in(their_client, "quenmatkhau").status_code == 422
    response = sign_in(their_client, "quenmatkhau", NEW_PASSWORD)
    assert response.status_code == 303
    assert their_client.get("/").headers["Location"] == "/account/password"
    [entry] = entries("user.password_reset")
    assert NEW_PASSWORD not in str(entry.details)


def test_user_reset_password_too_short_is_refused(client, admin):
    user = make_user()
    response = post(client, f"/admin/users/{user.id}/password", {"password": "123"})
    assert response.status_code == 422
    assert "Mật khẩu phải có ít nhất 8 ký tự." in response.get_data(as_text=True)
    assert entries("user.password_reset") == []
