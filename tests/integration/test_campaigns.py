"""The officer's campaign screens: create, edit, and the four lists edited in place."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.campaigns import Campaign, CommendationForm, ContentArea, Criterion
from tests.conftest import post
from tests.factories import make_campaign, make_user

HX = {"HX-Request": "true"}
NEW = {
    "code": "CDS-2027",
    "name": "Phong trào thi đua “Chuyển đổi số” năm 2027",
    "plan_reference": "Kế hoạch số 12/KH-VPUBND",
    "purpose": "Mục đích, yêu cầu.",
    "starts_on": "2027-01-01",
    "ends_on": "2027-12-31",
    "registration_deadline": "2027-03-31",
}
# The longest sentence of the plan's section II, as a content area's title.
LONG_AREA = (
    "Thi đua tạo đột phá trong tư duy, nhận thức và hành động: xác định khoa học, công nghệ, "
    "đổi mới sáng tạo, chuyển đổi “xanh - số” là động lực then chốt của tăng trưởng, là nền "
    "tảng nâng cao năng suất và năng lực cạnh tranh; là công cụ nâng cao hiệu quả quản trị, năng "
    "lực tự chủ quốc gia và bảo đảm quốc phòng, an ninh"
)


@pytest.fixture
def campaign(app):
    return make_campaign()


@pytest.fixture
def officer(login):
    return login("officer")


def _areas(campaign_id: int) -> list[ContentArea]:
    stmt = select(ContentArea).where(ContentArea.campaign_id == campaign_id)
    return list(db.session.scalars(stmt.order_by(ContentArea.position)))


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _actions() -> list[str]:
    """The campaign audit entries, oldest first (signing in is audited too)."""
    stmt = select(AuditEntry.action).where(AuditEntry.action.startswith("campaign."))
    return list(db.session.scalars(stmt.order_by(AuditEntry.id)))


def _edit_url(campaign_id: int) -> str:
    return f"/campaigns/{campaign_id}/edit"


def _item_url(campaign_id: int, kind: str, item_id: int, verb: str) -> str:
    return f"/campaigns/{campaign_id}/items/{kind}/{item_id}/{verb}"


# Who may do what.

OFFICER_ROUTES = [
    ("GET", "/campaigns/"),
    ("GET", "/campaigns/new"),
    ("POST", "/campaigns/new"),
    ("GET", "/campaigns/{c}/edit"),
    ("POST", "/campaigns/{c}/edit"),
    ("GET", "/campaigns/{c}/items/content-area"),
    ("POST", "/campaigns/{c}/items/content-area/add"),
    ("GET", "/campaigns/{c}/items/content-area/{i}/edit"),
    ("POST", "/campaigns/{c}/items/content-area/{i}/edit"),
    ("POST", "/campaigns/{c}/items/content-area/{i}/delete"),
    ("POST", "/campaigns/{c}/items/content-area/{i}/move"),
]


@pytest.mark.parametrize("role", ["staff", "leader", "admin"])
@pytest.mark.parametrize(("method", "path"), OFFICER_ROUTES, ids=lambda v: str(v))
def test_officer_route_as_other_role_is_forbidden(client, login, campaign, role, method, path):
    login(role)
    before = [(a.id, a.position, a.title) for a in _areas(campaign.id)]
    url = path.format(c=campaign.id, i=before[0][0])
    data = {**NEW, "direction": "down", "content-area-new-title": "Mới"}
    response = client.get(url) if method == "GET" else post(client, url, data)
    assert response.status_code == 403
    assert _count(Campaign) == 1
    assert [(a.id, a.position, a.title) for a in _areas(campaign.id)] == before
    assert _actions() == ["campaign.seeded"]


def test_officer_route_signed_out_redirects_to_login(client, campaign):
    response = client.get(_edit_url(campaign.id))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_item_post_without_csrf_token_is_refused(client, officer, campaign):
    area = _areas(campaign.id)[0]
    response = client.post(_item_url(campaign.id, "content-area", area.id, "delete"))
    assert response.status_code == 400
    assert len(_areas(campaign.id)) == 5


# Reading.


def test_index_as_officer_lists_campaigns_with_create_button(client, officer, campaign):
    body = client.get("/campaigns/").get_data(as_text=True)
    assert "Tạo phong trào" in body
    assert 'href="/campaigns/new"' in body
    assert campaign.code in body
    assert _edit_url(campaign.id) in body


def test_detail_as_officer_shows_edit_link(client, officer, campaign):
    body = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert f'href="{_edit_url(campaign.id)}"' in body
    assert "Chỉnh sửa" in body


@pytest.mark.parametrize("role", ["staff", "unit_head", "leader", "admin"])
def test_detail_as_other_role_has_no_edit_link(client, login, campaign, role):
    login(role)
    response = client.get(f"/campaigns/{campaign.id}")
    assert response.status_code == 200
    assert _edit_url(campaign.id) not in response.get_data(as_text=True)


def test_detail_without_content_area_says_it_is_being_set_up(client, officer):
    post(client, "/campaigns/new", NEW)
    created = db.session.scalar(select(Campaign))
    body = client.get(f"/campaigns/{created.id}").get_data(as_text=True)
    assert "chưa có nội dung thi đua nào" in body


def test_detail_shows_dates_as_dd_mm_yyyy(client, officer, campaign):
    body = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "01/06/2026" in body
    assert "31/12/2030" in body


# Creating and editing the campaign's own fields.


def test_create_campaign_valid_redirects_to_edit_and_audits(client, officer):
    response = post(client, "/campaigns/new", dict(NEW, code="cds-2027"))
    created = db.session.scalar(select(Campaign))
    assert response.status_code == 303
    assert response.headers["Location"] == _edit_url(created.id)
    assert created.code == "CDS-2027"
    assert created.registration_deadline.isoformat() == "2027-03-31"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.created"))
    assert (entry.action, entry.actor_id, entry.target_id) == (
        "campaign.created",
        officer.id,
        created.id,
    )


def test_create_campaign_date_typed_as_dd_mm_yyyy_is_accepted(client, officer):
    response = post(client, "/campaigns/new", dict(NEW, starts_on="15/01/2027"))
    assert response.status_code == 303
    assert db.session.scalar(select(Campaign.starts_on)).isoformat() == "2027-01-15"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"ends_on": "2026-12-31"},
            "ends_on",
            "Thời gian kết thúc không được trước thời gian bắt đầu.",
        ),
        (
            {"registration_deadline": "2028-01-15"},
            "registration_deadline",
            "Hạn đăng ký phải nằm trong thời gian thực hiện phong trào.",
        ),
        ({"starts_on": "31/31/2027"}, "starts_on", "Ngày không hợp lệ"),
        ({"ends_on": ""}, "ends_on", "Vui lòng nhập thời gian kết thúc."),
        ({"code": "MÃ SAI"}, "code", "chữ in hoa không dấu"),
        ({"name": ""}, "name", "Vui lòng nhập tên phong trào."),
    ],
)
def test_create_campaign_invalid_shows_error_beside_field_and_writes_nothing(
    client, officer, changes, field, message
):
    data = dict(NEW, **changes)
    response = post(client, "/campaigns/new", data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    error = body[body.index(f'id="{field}-error"') :]
    assert message in error[: error.index("</div>")]
    assert f'aria-describedby="{field}-hint {field}-error"' in body or (
        f'aria-describedby="{field}-error"' in body
    )
    for name in ("starts_on", "ends_on", "registration_deadline", "plan_reference"):
        if data[name]:
            assert f'value="{data[name]}"' in body
    assert _count(Campaign) == 0
    assert _actions() == []


def test_create_campaign_code_taken_says_it_exists(client, officer, campaign):
    response = post(client, "/campaigns/new", dict(NEW, code=campaign.code))
    assert response.status_code == 422
    assert "Mã phong trào đã tồn tại." in response.get_data(as_text=True)
    assert _count(Campaign) == 1


def test_edit_campaign_page_shows_fields_and_the_four_lists(client, officer, campaign):
    body = client.get(_edit_url(campaign.id)).get_data(as_text=True)
    assert 'type="date"' in body
    assert 'value="2026-06-01"' in body
    for block in ("content-areas", "criteria", "titles", "commendation-forms"):
        assert f'id="{block}"' in body
    assert LONG_AREA in body


def test_edit_campaign_valid_saves_and_audits(client, officer, campaign):
    data = dict(NEW, code=campaign.code, name="Tên phong trào mới")
    response = post(client, _edit_url(campaign.id), data)
    assert response.status_code == 303
    assert response.headers["Location"] == _edit_url(campaign.id)
    stored = db.session.get(Campaign, campaign.id)
    assert (stored.name, stored.ends_on.isoformat()) == ("Tên phong trào mới", "2027-12-31")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.updated"))
    assert entry.actor_id == officer.id
    assert "name" in entry.details["changed"]
    assert "Đã lưu" in client.get(_edit_url(campaign.id)).get_data(as_text=True)


def test_edit_campaign_end_before_start_keeps_input_and_writes_nothing(client, officer, campaign):
    data = dict(NEW, code=campaign.code, name="Tên không được lưu", ends_on="2026-06-30")
    response = post(client, _edit_url(campaign.id), data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Thời gian kết thúc không được trước thời gian bắt đầu." in body
    assert 'value="Tên không được lưu"' in body
    assert 'value="2026-06-30"' in body
    stored = db.session.get(Campaign, campaign.id)
    assert stored.name != "Tên không được lưu"
    assert stored.ends_on.isoformat() == "2030-12-31"
    assert _actions() == ["campaign.seeded"]


def test_edit_page_runs_the_same_queries_for_few_and_many_items(
    client, officer, campaign, count_queries
):
    small = Campaign(code="NHO", name="Nhỏ", starts_on=campaign.starts_on, ends_on=campaign.ends_on)
    small.content_areas = [ContentArea(position=1, title="Một")]
    small.criteria = [Criterion(applies_to="unit", position=1, text="Một")]
    small.commendation_forms = [CommendationForm(applies_to="unit", position=1, name="Một")]
    for n in range(6, 60):
        db.session.add(ContentArea(campaign_id=campaign.id, position=n, title=f"Nội dung {n}"))
    db.session.add(small)
    db.session.commit()
    counts = []
    for campaign_id in (small.id, campaign.id):
        with count_queries() as statements:
            assert client.get(_edit_url(campaign_id)).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


# The lists: add, edit, delete, move; with and without htmx.

ADD = {
    "content-area": {"code": "II.6", "title": LONG_AREA, "description": "Mô tả thêm."},
    "criterion": {"applies_to": "individual", "code": "III.1.c", "text": "Tiêu chí mới."},
    "title": {"applies_to": "unit", "name": "Tập thể tiêu biểu"},
    "commendation-form": {"applies_to": "individual", "name": "Kỷ niệm chương"},
}
BLOCKS = {
    "content-area": "content-areas",
    "criterion": "criteria",
    "title": "titles",
    "commendation-form": "commendation-forms",
}


def _prefixed(kind: str, purpose: str, data: dict) -> dict:
    return {f"{kind}-{purpose}-{name}": value for name, value in data.items()}


@pytest.mark.parametrize("kind", list(ADD))
def test_add_item_plain_post_redirects_to_the_new_item(client, officer, campaign, kind):
    url = f"/campaigns/{campaign.id}/items/{kind}/add"
    response = post(client, url, _prefixed(kind, "new", ADD[kind]))
    assert response.status_code == 303
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.item_added"))
    assert entry.details == {"campaign_id": campaign.id, "kind": kind}
    location = response.headers["Location"]
    assert location == f"{_edit_url(campaign.id)}#{kind}-{entry.target_id}"
    page = client.get(location).get_data(as_text=True)
    assert "Đã thêm." in page
    text = ADD[kind].get("title") or ADD[kind].get("text") or ADD[kind]["name"]
    assert text in page


@pytest.mark.parametrize("kind", list(ADD))
def test_add_item_htmx_returns_only_the_list(client, officer, campaign, kind):
    url = f"/campaigns/{campaign.id}/items/{kind}/add"
    response = post(client, url, _prefixed(kind, "new", ADD[kind]), headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith(f'<section id="{BLOCKS[kind]}"')
    text = ADD[kind].get("title") or ADD[kind].get("text") or ADD[kind]["name"]
    assert text in body
    assert "Đã thêm." in body


def test_add_content_area_appends_with_the_next_position(client, officer, campaign):
    post(
        client,
        f"/campaigns/{campaign.id}/items/content-area/add",
        _prefixed("content-area", "new", ADD["content-area"]),
    )
    areas = _areas(campaign.id)
    assert [a.position for a in areas] == [1, 2, 3, 4, 5, 6]
    assert (areas[-1].code, areas[-1].title) == ("II.6", LONG_AREA)


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_add_item_blank_returns_422_with_error_beside_field(client, officer, campaign, headers):
    url = f"/campaigns/{campaign.id}/items/content-area/add"
    data = _prefixed("content-area", "new", {"code": "II.9", "title": " "})
    response = post(client, url, data, headers=headers)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ("<html" in body) is not bool(headers)
    error = body[body.index('id="content-area-new-title-error"') :]
    assert "Vui lòng nhập nội dung thi đua." in error[: error.index("</div>")]
    assert 'value="II.9"' in body
    assert len(_areas(campaign.id)) == 5
    assert _actions() == ["campaign.seeded"]


def test_add_criterion_unknown_applies_to_is_rejected(client, officer, campaign):
    url = f"/campaigns/{campaign.id}/items/criterion/add"
    data = _prefixed("criterion", "new", {"applies_to": "all", "text": "Tiêu chí"})
    response = post(client, url, data, headers=HX)
    assert response.status_code == 422
    assert "Vui lòng chọn đơn vị hoặc cá nhân." in response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_edit_item_get_shows_the_form_in_place(client, officer, campaign, headers):
    area = _areas(campaign.id)[1]
    response = client.get(_item_url(campaign.id, "content-area", area.id, "edit"), headers=headers)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ("<html" in body) is not bool(headers)
    item = body[body.index(f'id="content-area-{area.id}"') :]
    item = item[: item.index("</li>")]
    assert 'name="content-area-edit-title"' in item
    assert area.title in item
    assert f'hx-get="/campaigns/{campaign.id}/items/content-area"' in item


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_edit_item_post_saves_and_audits(client, officer, campaign, headers):
    criterion = db.session.scalar(select(Criterion).where(Criterion.code == "III.1.b"))
    url = _item_url(campaign.id, "criterion", criterion.id, "edit")
    data = {"applies_to": "individual", "code": "III.1.b", "text": "Tiêu chí đã sửa."}
    response = post(client, url, _prefixed("criterion", "edit", data), headers=headers)
    if headers:
        assert response.status_code == 200
        assert "<html" not in response.get_data(as_text=True)
        assert "Tiêu chí đã sửa." in response.get_data(as_text=True)
    else:
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"#criterion-{criterion.id}")
    assert db.session.get(Criterion, criterion.id).text == "Tiêu chí đã sửa."
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "campaign.item_updated")
    )
    assert (entry.target_id, entry.details["changed"]) == (criterion.id, ["text"])


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_edit_item_blank_returns_422_keeps_input_and_writes_nothing(
    client, officer, campaign, headers
):
    area = _areas(campaign.id)[0]
    url = _item_url(campaign.id, "content-area", area.id, "edit")
    data = _prefixed("content-area", "edit", {"code": "II.1 mới", "title": ""})
    response = post(client, url, data, headers=headers)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="content-area-edit-title-error"' in body
    assert 'value="II.1 mới"' in body
    assert db.session.get(ContentArea, area.id).code == "II.1"


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_delete_item_keeps_positions_contiguous(client, officer, campaign, headers):
    area = _areas(campaign.id)[1]
    title = area.title
    url = _item_url(campaign.id, "content-area", area.id, "delete")
    response = post(client, url, headers=headers)
    if headers:
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "<html" not in body
        assert title not in body
    else:
        assert response.status_code == 303
        assert response.headers["Location"] == f"{_edit_url(campaign.id)}#content-areas"
    areas = _areas(campaign.id)
    assert [a.position for a in areas] == [1, 2, 3, 4]
    assert [a.code for a in areas] == ["II.1", "II.3", "II.4", "II.5"]
    assert _actions()[-1] == "campaign.item_deleted"


def test_delete_item_in_use_is_refused_and_changes_nothing(client, officer, campaign):
    """A content area that a signed commitment has items in stays (it was a 500)."""
    from tests.review_helpers import signed_commitment

    signed_commitment(campaign, make_user())
    area = _areas(campaign.id)[0]
    response = post(client, _item_url(campaign.id, "content-area", area.id, "delete"), headers=HX)
    assert response.status_code == 200
    assert "Mục này đang được sử dụng nên không thể xóa." in response.get_data(as_text=True)
    areas = _areas(campaign.id)
    assert areas[0].id == area.id
    assert [a.position for a in areas] == [1, 2, 3, 4, 5]
    assert "campaign.item_deleted" not in _actions()


def test_delete_button_asks_for_confirmation(client, officer, campaign):
    area = _areas(campaign.id)[0]
    body = client.get(_edit_url(campaign.id)).get_data(as_text=True)
    delete_url = _item_url(campaign.id, "content-area", area.id, "delete")
    form = body[body.index(f'action="{delete_url}"') :]
    assert 'data-confirm="Xóa' in form[: form.index(">")]
    assert "<script>" not in body and "hx-on" not in body and "style=" not in body


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_move_item_down_swaps_it_with_the_next(client, officer, campaign, headers):
    area = _areas(campaign.id)[0]
    url = _item_url(campaign.id, "content-area", area.id, "move")
    response = post(client, url, {"direction": "down"}, headers=headers)
    if headers:
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "<html" not in body
        assert body.index(f'id="content-area-{area.id}"') > body.index("II.2")
    else:
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"#content-area-{area.id}")
    areas = _areas(campaign.id)
    assert [a.code for a in areas] == ["II.2", "II.1", "II.3", "II.4", "II.5"]
    assert [a.position for a in areas] == [1, 2, 3, 4, 5]
    assert _actions()[-1] == "campaign.item_moved"


def test_move_item_unknown_direction_is_a_bad_request(client, officer, campaign):
    area = _areas(campaign.id)[0]
    url = _item_url(campaign.id, "content-area", area.id, "move")
    assert post(client, url, {"direction": "sideways"}).status_code == 400


def test_move_buttons_not_offered_past_the_ends(client, officer, campaign):
    areas = _areas(campaign.id)
    body = client.get(_edit_url(campaign.id)).get_data(as_text=True)
    first = body[body.index(f'id="content-area-{areas[0].id}"') :]
    first = first[: first.index("</li>")]
    last = body[body.index(f'id="content-area-{areas[-1].id}"') :]
    last = last[: last.index("</li>")]
    assert 'value="up"' not in first and 'value="down"' in first
    assert 'value="down"' not in last and 'value="up"' in last


@pytest.mark.parametrize("verb", ["edit", "delete", "move"])
def test_item_of_another_campaign_gives_404(client, officer, campaign, verb):
    other = Campaign(
        code="KHAC", name="Khác", starts_on=campaign.starts_on, ends_on=campaign.ends_on
    )
    db.session.add(other)
    db.session.commit()
    area = _areas(campaign.id)[0]
    url = _item_url(other.id, "content-area", area.id, verb)
    response = post(client, url, {"direction": "down"}) if verb != "edit" else client.get(url)
    assert response.status_code == 404
    assert len(_areas(campaign.id)) == 5


def test_item_of_unknown_kind_gives_404(client, officer, campaign):
    area = _areas(campaign.id)[0]
    assert client.get(_item_url(campaign.id, "content-areas", area.id, "edit")).status_code == 404
    assert post(client, f"/campaigns/{campaign.id}/items/widget/add").status_code == 404


def test_item_list_htmx_returns_the_block_and_plain_redirects(client, officer, campaign):
    url = f"/campaigns/{campaign.id}/items/title"
    body = client.get(url, headers=HX).get_data(as_text=True)
    assert body.lstrip().startswith('<section id="titles"')
    assert "<html" not in body
    response = client.get(url)
    assert response.status_code in (302, 303)
    assert response.headers["Location"] == f"{_edit_url(campaign.id)}#titles"
