"""Units: the tree with heads and member counts, create, edit, move, set head, delete."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.directory import Unit, User
from tests.conftest import post
from tests.factories import make_unit, make_user


@pytest.fixture
def admin(login):
    return login("admin")


def entries(action: str) -> list[AuditEntry]:
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    ).all()


def roles_of(user_id: int) -> set[str]:
    user = db.session.scalar(
        select(User).where(User.id == user_id).options(selectinload(User.role_links))
    )
    return user.roles


def test_units_page_shows_tree_heads_and_member_counts(client, admin):
    office = make_unit("Văn phòng UBND tỉnh")
    general = make_unit("Phòng Tổng hợp", parent=office)
    head = make_user(full_name="Lê Văn Thành", unit=general)
    make_user(unit=general)
    make_user(unit=general, is_active=False)
    general.head_id = head.id
    db.session.commit()
    page = client.get("/admin/units/").get_data(as_text=True)
    assert page.index("Văn phòng UBND tỉnh") < page.index("Phòng Tổng hợp")
    assert "tree-level-1" in page
    assert "Lê Văn Thành" in page
    row = page[page.index("Phòng Tổng hợp") :]
    assert f'href="/admin/users/?unit={general.id}">2</a>' in row


def test_units_page_same_queries_with_few_and_many_units(client, admin, count_queries):
    root = make_unit("Gốc")
    for _ in range(2):
        unit = make_unit(parent=root)
        make_user(unit=unit)
    client.get("/admin/units/")
    with count_queries() as few:
        client.get("/admin/units/")
    for n in range(30):
        unit = Unit(name=f"Phòng số {n}", parent_id=root.id)
        db.session.add(unit)
        db.session.flush()
        db.session.add(User(username=f"tv{n}", full_name=f"Thành viên {n}", unit_id=unit.id))
        db.session.flush()
        unit.head_id = db.session.scalar(select(User.id).where(User.username == f"tv{n}"))
    db.session.commit()
    with count_queries() as many:
        response = client.get("/admin/units/")
    assert "Phòng số 29" in response.get_data(as_text=True)
    assert len(many) == len(few)


def test_unit_create_with_valid_input_adds_it_and_audits(client, admin):
    parent = make_unit("Văn phòng")
    response = post(
        client,
        "/admin/units/new",
        {"name": "  Phòng  Kinh tế ", "code": "KT", "parent_id": parent.id},
    )
    assert response.status_code == 303
    unit = db.session.scalar(select(Unit).where(Unit.code == "KT"))
    assert unit.name == "Phòng Kinh tế"
    assert unit.parent_id == parent.id
    [entry] = entries("unit.created")
    assert entry.actor_id == admin.id
    assert entry.target_id == unit.id
    assert entry.details["parent"] == "Văn phòng"
    assert "Đã thêm đơn vị" in client.get("/admin/units/").get_data(as_text=True)


def test_unit_create_without_name_keeps_input_and_says_why(client, admin):
    response = post(client, "/admin/units/new", {"name": "", "code": "XYZ", "parent_id": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vui lòng nhập tên đơn vị." in body
    assert 'value="XYZ"' in body
    assert 'aria-invalid="true"' in body
    assert db.session.scalar(select(func.count(Unit.id))) == 0
    assert entries("unit.created") == []


def test_unit_create_with_taken_code_is_refused(client, admin):
    make_unit("Phòng Tổng hợp", code="TH")
    response = post(client, "/admin/units/new", {"name": "Phòng khác", "code": "th"})
    assert response.status_code == 422
    assert "Mã này đã được đơn vị khác sử dụng." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Unit.id))) == 1


def test_unit_create_with_sibling_name_is_refused(client, admin):
    parent = make_unit("Văn phòng")
    make_unit("Phòng Tổng hợp", parent=parent)
    response = post(client, "/admin/units/new", {"name": "phòng tổng hợp", "parent_id": parent.id})
    assert response.status_code == 422
    assert "Đơn vị cấp trên đã có một đơn vị trực thuộc cùng tên." in response.get_data(
        as_text=True
    )


def test_unit_edit_page_shows_the_forms(client, admin):
    unit = make_unit("Phòng Nội chính", code="NC")
    make_user(full_name="Võ Thị Hạnh", unit=unit)
    page = client.get(f"/admin/units/{unit.id}/").get_data(as_text=True)
    assert 'value="Phòng Nội chính"' in page
    assert "Võ Thị Hạnh" in page
    assert "Đơn vị cấp trên" in page
    assert "Trưởng phòng, Thủ trưởng đơn vị" in page


def test_unit_rename_saves_and_audits_changes(client, admin):
    unit = make_unit("Phòng Tổng hop", code="TH")
    response = post(client, f"/admin/units/{unit.id}/", {"name": "Phòng Tổng hợp", "code": "TH"})
    assert response.status_code == 303
    db.session.refresh(unit)
    assert unit.name == "Phòng Tổng hợp"
    [entry] = entries("unit.updated")
    assert entry.details == {"name": {"before": "Phòng Tổng hop", "after": "Phòng Tổng hợp"}}


def test_unit_edit_unknown_id_is_404(client, admin):
    assert client.get("/admin/units/999/").status_code == 404
    assert post(client, "/admin/units/999/delete").status_code == 404


def test_unit_move_under_its_descendant_is_refused(client, admin):
    top = make_unit("Văn phòng")
    child = make_unit("Trung tâm", parent=top)
    grandchild = make_unit("Tổ kỹ thuật", parent=child)
    response = post(client, f"/admin/units/{top.id}/move", {"parent_id": grandchild.id})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Không thể chuyển đơn vị vào chính nó hoặc vào một đơn vị trực thuộc của nó." in body
    assert 'id="parent_id-error"' in body
    assert f'<option selected value="{grandchild.id}">' in body
    db.session.refresh(top)
    assert top.parent_id is None
    assert entries("unit.moved") == []


def test_unit_move_under_itself_is_refused(client, admin):
    unit = make_unit()
    response = post(client, f"/admin/units/{unit.id}/move", {"parent_id": unit.id})
    assert response.status_code == 422
    db.session.refresh(unit)
    assert unit.parent_id is None


def test_unit_move_to_another_parent_moves_and_audits(client, admin):
    old, new = make_unit("Cũ"), make_unit("Mới")
    unit = make_unit("Phòng", parent=old)
    response = post(client, f"/admin/units/{unit.id}/move", {"parent_id": new.id})
    assert response.status_code == 303
    db.session.refresh(unit)
    assert unit.parent_id == new.id
    [entry] = entries("unit.moved")
    assert entry.details == {"parent": {"before": "Cũ", "after": "Mới"}}


def test_unit_move_to_top_level_clears_parent(client, admin):
    unit = make_unit(parent=make_unit())
    assert post(client, f"/admin/units/{unit.id}/move", {"parent_id": ""}).status_code == 303
    db.session.refresh(unit)
    assert unit.parent_id is None


def test_unit_set_head_grants_role_and_takes_it_from_the_previous_head(client, admin):
    unit = make_unit()
    first = make_user(unit=unit, roles=("unit_head",))
    second = make_user(unit=unit)
    unit.head_id = first.id
    db.session.commit()
    response = post(client, f"/admin/units/{unit.id}/head", {"head_id": second.id})
    assert response.status_code == 303
    db.session.refresh(unit)
    assert unit.head_id == second.id
    assert "unit_head" in roles_of(second.id)
    assert "unit_head" not in roles_of(first.id)
    [entry] = entries("unit.head_set")
    assert entry.details["head"] == second.username
    assert entry.details["role_granted_to"] == second.username
    assert entry.details["role_removed_from"] == first.username


def test_unit_set_head_keeps_role_of_who_heads_another_unit(client, admin):
    one, two = make_unit(), make_unit()
    head = make_user(unit=one, roles=("unit_head",))
    one.head_id = two.head_id = head.id
    db.session.commit()
    assert post(client, f"/admin/units/{one.id}/head", {"head_id": ""}).status_code == 303
    db.session.refresh(one)
    assert one.head_id is None
    assert "unit_head" in roles_of(head.id)


def test_unit_set_head_inactive_person_is_refused(client, admin):
    unit = make_unit()
    gone = make_user(unit=unit, is_active=False)
    response = post(client, f"/admin/units/{unit.id}/head", {"head_id": gone.id})
    assert response.status_code == 422
    assert "Vui lòng chọn một người đang hoạt động" in response.get_data(as_text=True)
    db.session.refresh(unit)
    assert unit.head_id is None


def test_unit_delete_with_members_is_refused_with_message(client, admin):
    unit = make_unit()
    make_user(unit=unit, is_active=False)
    response = post(client, f"/admin/units/{unit.id}/delete")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Không thể xóa đơn vị này." in body
    assert "còn 1 tài khoản thành viên" in body
    assert db.session.get(Unit, unit.id) is not None


def test_unit_delete_with_sub_units_is_refused(client, admin):
    unit = make_unit()
    make_unit(parent=unit)
    response = post(client, f"/admin/units/{unit.id}/delete")
    assert response.status_code == 422
    assert "còn 1 đơn vị trực thuộc" in response.get_data(as_text=True)


def test_unit_delete_empty_unit_deletes_and_audits(client, admin):
    unit = make_unit("Tổ tạm thời", code="TAM")
    unit_id = unit.id
    response = post(client, f"/admin/units/{unit_id}/delete")
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/units/"
    db.session.expunge_all()
    assert db.session.get(Unit, unit_id) is None
    [entry] = entries("unit.deleted")
    assert entry.target_label == "Tổ tạm thời"
    assert entry.target_id == unit_id
