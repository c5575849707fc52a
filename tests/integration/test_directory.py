"""The staff directory: diacritic-insensitive search, Vietnamese order, htmx fragment, paging."""

from app.extensions import db
from tests.factories import make_unit, make_user, password_hash


def _names(body: str, names: list[str]) -> list[str]:
    return sorted((n for n in names if n in body), key=body.index)


def test_directory_search_without_diacritics_finds_name(client, login):
    login("staff")
    make_user(full_name="Ngô Đình Thiện")
    make_user(full_name="Hoàng Minh Đức")
    make_user(full_name="Trần Văn Bình")
    body = client.get("/directory/?q=thien").get_data(as_text=True)
    assert "Ngô Đình Thiện" in body and "Trần Văn Bình" not in body
    body = client.get("/directory/?q=DUC").get_data(as_text=True)
    assert "Hoàng Minh Đức" in body and "Ngô Đình Thiện" not in body


def test_directory_sorts_by_given_name(client, login):
    login("staff", full_name="Zô Văn Zũng")
    names = ["Ngô Đình Thiện", "Trần Thị Ánh", "Nguyễn Văn An", "Lê Văn Bình"]
    for name in names:
        make_user(full_name=name)
    body = client.get("/directory/").get_data(as_text=True)
    assert _names(body, names) == ["Nguyễn Văn An", "Trần Thị Ánh", "Lê Văn Bình", "Ngô Đình Thiện"]


def test_directory_htmx_request_returns_only_results(client, login):
    login("staff")
    full = client.get("/directory/?q=x")
    fragment = client.get("/directory/?q=x", headers={"HX-Request": "true"})
    assert "<html" in full.get_data(as_text=True)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and 'id="results"' in body
    assert "HX-Request" in fragment.headers["Vary"]


def test_directory_filters_by_unit_and_hides_inactive(client, login):
    login("staff")
    unit = make_unit("Phòng Kinh tế")
    make_user(full_name="Người Trong Đơn Vị", unit=unit)
    make_user(full_name="Người Ngoài Đơn Vị")
    make_user(full_name="Người Đã Nghỉ", unit=unit, is_active=False)
    body = client.get(f"/directory/?unit={unit.id}").get_data(as_text=True)
    assert "Người Trong Đơn Vị" in body
    assert "Người Ngoài Đơn Vị" not in body and "Người Đã Nghỉ" not in body


def _bulk_users(n: int, start: int = 0) -> None:
    from app.models.directory import User

    hashed = password_hash("Mật-khẩu-thử-1")
    db.session.add_all(
        User(username=f"bulk{i}", full_name=f"Nguyễn Văn Số {i}", password_hash=hashed)
        for i in range(start, start + n)
    )
    db.session.commit()


def test_directory_runs_same_queries_for_10_and_300_people(client, login, count_queries):
    login("staff")
    _bulk_users(10)
    with count_queries() as few:
        client.get("/directory/")
    _bulk_users(290, start=10)
    with count_queries() as many:
        client.get("/directory/")
    assert len(few) == len(many)
