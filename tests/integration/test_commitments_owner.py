"""The owner's commitment pages through the test client: registering, editing the draft in
place (with and without htmx), signing under a seal, amending, the versions, the deadline, and
who may open what."""

import re
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from app.commitments import services
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.campaigns import AppliesTo, ContentArea, Criterion, EmulationTitle
from app.models.commitments import (
    Commitment,
    CommitmentItem,
    CommitmentStatus,
    CommitmentVersion,
    RegistrationReopening,
)
from app.web.filters import local_today
from tests.conftest import csrf_token, post, sign_in
from tests.factories import DEFAULT_PASSWORD, make_campaign, make_unit, make_user

HX = {"HX-Request": "true"}
TODAY = date(2026, 11, 25)
OWNER_ENDPOINTS = {
    "commitments.mine",
    "commitments.start",
    "commitments.unit",
    "commitments.start_unit",
    "commitments.show",
    "commitments.amend",
    "commitments.version",
    "commitments.sign",
    "commitments.area",
    "commitments.add_item",
    "commitments.edit_item",
    "commitments.delete_item",
    "commitments.details",
}


@pytest.fixture
def campaign(app):
    return make_campaign()


@pytest.fixture
def team(campaign):
    """Phòng Tổng hợp with its head and the owner, Phạm Thị Mai Anh."""
    unit = make_unit(name="Phòng Tổng hợp")
    head = make_user(roles=("unit_head",), unit=unit, position="Trưởng phòng")
    unit.head_id = head.id
    db.session.commit()
    owner = make_user(full_name="Phạm Thị Mai Anh", unit=unit)
    return {"unit": unit, "head": head, "owner": owner}


@pytest.fixture
def owner(client, team):
    """The owner, signed in on `client`."""
    assert sign_in(client, team["owner"].username).status_code == 303
    return team["owner"]


def _area_ids(campaign) -> list[int]:
    return list(
        db.session.scalars(
            select(ContentArea.id)
            .where(ContentArea.campaign_id == campaign.id)
            .order_by(ContentArea.position)
        )
    )


def _title_id(campaign, applies_to=AppliesTo.INDIVIDUAL) -> int:
    return db.session.scalar(
        select(EmulationTitle.id)
        .where(EmulationTitle.campaign_id == campaign.id, EmulationTitle.applies_to == applies_to)
        .order_by(EmulationTitle.position)
    )


def _commitment(user) -> Commitment | None:
    db.session.expire_all()
    return db.session.scalar(select(Commitment).where(Commitment.user_id == user.id))


def _items(commitment_id: int, number: int | None = None) -> list[CommitmentItem]:
    db.session.expire_all()
    stmt = (
        select(CommitmentItem)
        .join(CommitmentVersion)
        .where(CommitmentVersion.commitment_id == commitment_id)
        .order_by(CommitmentItem.content_area_id, CommitmentItem.position)
    )
    if number is not None:
        stmt = stmt.where(CommitmentVersion.number == number)
    return list(db.session.scalars(stmt))


def _versions(commitment_id: int) -> list[CommitmentVersion]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(CommitmentVersion)
            .where(CommitmentVersion.commitment_id == commitment_id)
            .order_by(CommitmentVersion.number)
        )
    )


def _item_data(area_id: int, text: str, target: str = "", due_on: str = "") -> dict:
    prefix = f"new-{area_id}"
    return {f"{prefix}-text": text, f"{prefix}-target": target, f"{prefix}-due_on": due_on}


def _add(client, commitment_id, area_id, text, headers=None, **fields):
    return post(
        client,
        f"/commitments/{commitment_id}/areas/{area_id}/items",
        _item_data(area_id, text, **fields),
        headers=headers,
    )


def _details(client, commitment_id, title_id, acknowledged=True, headers=None, **answers):
    data = {"title_id": title_id or ""}
    if acknowledged:
        data["is_criterion_acknowledged"] = "y"
    data.update(answers)
    return post(client, f"/commitments/{commitment_id}/details", data, headers=headers)


def _sign(client, commitment_id, password=DEFAULT_PASSWORD, statement=True):
    data = {"password": password}
    if statement:
        data["statement"] = "y"
    return post(client, f"/commitments/{commitment_id}/sign", data)


def _ready(campaign, user, items: int = 2) -> Commitment:
    """A draft ready to sign, made through the services."""
    commitment = services.start_individual(user, campaign, TODAY)
    version = services.latest_version(commitment)
    areas = _area_ids(campaign)
    for i in range(items):
        services.add_item(user, version, areas[i % 2], f"Cam kết số {i + 1}", "100%")
    services.update_details(user, version, _title_id(campaign), True)
    return db.session.get(Commitment, commitment.id)


def _signed(campaign, user, items: int = 2) -> Commitment:
    commitment = _ready(campaign, user, items)
    services.sign(user, services.latest_version(commitment), DEFAULT_PASSWORD, True)
    return db.session.get(Commitment, commitment.id)


def _text(response) -> str:
    return response.get_data(as_text=True)


# Registering -------------------------------------------------------------------------------


def test_mine_without_commitment_explains_and_offers_to_start(client, owner, campaign):
    body = _text(client.get("/commitments/"))
    assert "Bản đăng ký thi đua của tôi" in body
    assert "Hạn đăng ký: 31/12/2026" in body
    assert 'action="/commitments/start"' in body
    assert "Lập bản đăng ký" in body
    assert _commitment(owner) is None  # a GET creates nothing


def test_start_creates_one_draft_and_shows_the_editor(client, owner, campaign):
    response = post(client, "/commitments/start")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/commitments/")
    assert post(client, "/commitments/start").status_code == 303  # a second click is harmless
    commitment = _commitment(owner)
    assert [v.number for v in _versions(commitment.id)] == [1]
    body = _text(client.get("/commitments/"))
    assert "Nội dung đăng ký" in body
    for area_id in _area_ids(campaign):
        assert f'id="area-{area_id}"' in body
    assert 'id="details"' in body
    assert f'href="/commitments/{commitment.id}/sign"' in body


def test_full_flow_from_start_to_amend(client, owner, campaign):
    areas = _area_ids(campaign)
    post(client, "/commitments/start")
    commitment_id = _commitment(owner).id

    # Three items in two areas, one with htmx, two as plain forms; then one removed.
    first = _add(client, commitment_id, areas[0], "Số hóa 100% hồ sơ công việc", headers=HX)
    assert first.status_code == 200 and "<html" not in _text(first)
    second = _add(client, commitment_id, areas[0], "Đề xuất một sáng kiến", target="1 sáng kiến")
    assert second.status_code == 303
    third = _add(
        client, commitment_id, areas[1], "Dùng chữ ký số cho mọi văn bản", due_on="30/06/2027"
    )
    assert third.status_code == 303
    items = _items(commitment_id)
    assert [item.text for item in items] == [
        "Số hóa 100% hồ sơ công việc",
        "Đề xuất một sáng kiến",
        "Dùng chữ ký số cho mọi văn bản",
    ]
    assert items[2].due_on == date(2027, 6, 30)
    removed = post(client, f"/commitments/{commitment_id}/items/{items[0].id}/delete")
    assert removed.status_code == 303
    assert removed.headers["Location"].endswith(f"/commitments/#area-{areas[0]}")
    assert [item.text for item in _items(commitment_id)] == [
        "Đề xuất một sáng kiến",
        "Dùng chữ ký số cho mọi văn bản",
    ]

    assert _details(client, commitment_id, _title_id(campaign)).status_code == 303

    # A wrong password: 422 beside the field, the statement kept, nothing signed.
    wrong = _sign(client, commitment_id, password="sai-mat-khau")
    assert wrong.status_code == 422
    body = _text(wrong)
    assert "Mật khẩu không đúng." in body
    assert re.search(r'id="password-error"', body)
    assert re.search(r'<input[^>]*checked[^>]*name="statement"|name="statement"[^>]*checked', body)
    assert _versions(commitment_id)[0].status == CommitmentStatus.DRAFT

    signed = _sign(client, commitment_id)
    assert signed.status_code == 303
    page = client.get(signed.headers["Location"])
    body = _text(page)
    assert "Niêm phong hợp lệ" in body
    assert "Đã ký" in body
    assert "Đề xuất một sáng kiến" in body
    assert "Sửa đổi" in body
    assert _versions(commitment_id)[0].status == CommitmentStatus.SIGNED

    # "Sửa đổi": version 2, a draft with the same items; both versions listed with their seals.
    amended = post(client, f"/commitments/{commitment_id}/amend")
    assert amended.status_code == 303
    versions = _versions(commitment_id)
    assert [(v.number, v.status) for v in versions] == [(1, "signed"), (2, "draft")]
    assert len(_items(commitment_id, 2)) == 2
    body = _text(client.get("/commitments/"))
    assert 'id="details"' in body  # the editor again
    assert "Phiên bản 1" in body and "Phiên bản 2" in body
    assert f'href="/commitments/{commitment_id}/versions/1"' in body
    assert "Niêm phong hợp lệ" in body  # version 1's seal in the list

    one = _text(client.get(f"/commitments/{commitment_id}/versions/1"))
    assert "Niêm phong hợp lệ" in one and "Dùng chữ ký số cho mọi văn bản" in one
    two = client.get(f"/commitments/{commitment_id}/versions/2")
    assert two.status_code == 200 and "Bản nháp" in _text(two)
    assert client.get(f"/commitments/{commitment_id}/versions/3").status_code == 404


def test_amend_when_a_draft_exists_warns_and_changes_nothing(client, owner, campaign):
    commitment = _ready(campaign, owner)
    response = post(client, f"/commitments/{commitment.id}/amend")
    assert response.status_code == 303
    assert "Đã có bản nháp đang chỉnh sửa." in _text(client.get("/commitments/"))
    assert len(_versions(commitment.id)) == 1


def test_returned_version_shows_the_comment_and_can_be_amended(client, owner, campaign):
    commitment = _signed(campaign, owner)
    db.session.execute(
        update(CommitmentVersion)
        .where(CommitmentVersion.commitment_id == commitment.id)
        .values(status="returned", reviewer_name="Lê Văn Thành", review_comment="Cần cụ thể hơn")
    )
    db.session.execute(
        update(Commitment).where(Commitment.id == commitment.id).values(status="returned")
    )
    db.session.commit()
    body = _text(client.get("/commitments/"))
    assert "Cần cụ thể hơn" in body and "Trả lại" in body
    assert post(client, f"/commitments/{commitment.id}/amend").status_code == 303
    body = _text(client.get("/commitments/"))
    assert "Cần cụ thể hơn" in body  # the editor recalls why it came back
    assert "Phiên bản 2" in body


# Editing in place, with and without htmx ---------------------------------------------------


@pytest.fixture
def draft(owner, campaign):
    """The owner's draft with one item in the first area."""
    commitment = services.start_individual(owner, campaign, TODAY)
    version = services.latest_version(commitment)
    area_id = _area_ids(campaign)[0]
    item = services.add_item(owner, version, area_id, "Số hóa hồ sơ", "100%", date(2027, 3, 1))
    return {"id": commitment.id, "area": area_id, "item": item.id}


def _item_request(draft, index: int) -> tuple[str, str, dict, int, str]:
    """(method, url, data, status without htmx, what the htmx fragment holds) of one route."""
    c, a, i = draft["id"], draft["area"], draft["item"]
    edit = {f"item-{i}-text": "Số hóa toàn bộ hồ sơ", f"item-{i}-content_area_id": a}
    return [
        ("GET", f"/commitments/{c}/areas/{a}", {}, 302, f'id="area-{a}-heading"'),
        ("GET", f"/commitments/{c}/items/{i}/edit", {}, 200, f'id="item-{i}-text"'),
        ("POST", f"/commitments/{c}/items/{i}/edit", edit, 303, "Số hóa toàn bộ hồ sơ"),
        ("POST", f"/commitments/{c}/areas/{a}/items", _item_data(a, "Việc mới"), 303, "Việc mới"),
        ("POST", f"/commitments/{c}/items/{i}/delete", {}, 303, "Chưa có nội dung đăng ký nào."),
    ][index]


def _send(client, method, url, data, headers=None):
    if method == "GET":
        return client.get(url, headers=headers)
    return post(client, url, data, headers=headers)


@pytest.mark.parametrize("index", range(5))
def test_item_route_with_htmx_answers_the_area_section(client, draft, index):
    method, url, data, _plain, fragment_holds = _item_request(draft, index)
    response = _send(client, method, url, data, HX)
    body = _text(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith(f'<section id="area-{draft["area"]}"')
    assert fragment_holds in body
    assert "HX-Request" in response.headers.get("Vary", "")


@pytest.mark.parametrize("index", range(5))
def test_item_route_without_htmx_answers_the_page_or_a_redirect_back(client, draft, index):
    method, url, data, plain_status, _fragment = _item_request(draft, index)
    response = _send(client, method, url, data)
    assert response.status_code == plain_status
    if plain_status == 200:
        body = _text(response)
        assert "<html" in body and f'id="item-{draft["item"]}-text"' in body
        assert 'id="details"' in body
    else:
        assert re.search(r"/commitments/#(area|item)-\d+$", response.headers["Location"])


def test_plain_delete_then_item_is_gone_and_redirects_to_the_area(client, draft):
    response = post(client, f"/commitments/{draft['id']}/items/{draft['item']}/delete")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#area-{draft['area']}")
    assert _items(draft["id"]) == []


def test_edit_item_plain_post_saves_and_redirects_to_the_item(client, draft):
    i = draft["item"]
    data = {
        f"item-{i}-text": "Số hóa toàn bộ hồ sơ",
        f"item-{i}-target": "100% hồ sơ",
        f"item-{i}-due_on": "2027-06-30",
        f"item-{i}-content_area_id": draft["area"],
    }
    response = post(client, f"/commitments/{draft['id']}/items/{i}/edit", data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/commitments/#item-{i}")
    item = _items(draft["id"])[0]
    assert (item.text, item.target, item.due_on) == (
        "Số hóa toàn bộ hồ sơ",
        "100% hồ sơ",
        date(2027, 6, 30),
    )


def test_edit_item_moved_to_another_area_updates_both_areas_with_htmx(client, draft, campaign):
    other = _area_ids(campaign)[2]
    i = draft["item"]
    data = {f"item-{i}-text": "Số hóa hồ sơ", f"item-{i}-content_area_id": other}
    response = post(client, f"/commitments/{draft['id']}/items/{i}/edit", data, headers=HX)
    body = _text(response)
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<section id="area-{draft["area"]}"')
    assert re.search(rf'<section id="area-{other}"[^>]*hx-swap-oob="true"', body)
    assert _items(draft["id"])[0].content_area_id == other


@pytest.mark.parametrize("headers", [None, HX], ids=["plain", "htmx"])
def test_item_over_2000_characters_is_refused_beside_the_field(client, draft, headers):
    long_text = "Nội dung rất dài " * 130  # about 2,200 characters
    response = _add(client, draft["id"], draft["area"], long_text, headers=headers)
    assert response.status_code == 422
    body = _text(response)
    assert ("<html" in body) is (headers is None)
    prefix = f"new-{draft['area']}"
    assert f'id="{prefix}-text-error"' in body
    assert "Tối đa 2.000 ký tự." in body
    assert re.search(
        rf'<textarea[^>]*aria-invalid="true"[^>]*id="{prefix}-text"|'
        rf'<textarea[^>]*id="{prefix}-text"[^>]*aria-invalid="true"',
        body,
    )
    assert long_text.strip()[:200] in body  # the input is kept
    assert len(_items(draft["id"])) == 1  # nothing written


def test_item_edit_too_long_target_is_refused_and_item_unchanged(client, draft):
    i = draft["item"]
    data = {
        f"item-{i}-text": "Số hóa hồ sơ",
        f"item-{i}-target": "x" * 501,
        f"item-{i}-content_area_id": draft["area"],
    }
    response = post(client, f"/commitments/{draft['id']}/items/{i}/edit", data, headers=HX)
    assert response.status_code == 422
    assert f'id="item-{i}-target-error"' in _text(response)
    assert _items(draft["id"])[0].target == "100%"


def test_item_empty_text_or_bad_date_is_refused(client, draft):
    response = _add(client, draft["id"], draft["area"], "   ", due_on="31/02/2027")
    assert response.status_code == 422
    body = _text(response)
    assert "Vui lòng nhập nội dung đăng ký thực hiện." in body
    assert f'id="new-{draft["area"]}-due_on-error"' in body
    assert "Ngày không hợp lệ" in body
    assert len(_items(draft["id"])) == 1


def test_item_date_accepts_the_iso_and_the_vietnamese_forms(client, draft):
    _add(client, draft["id"], draft["area"], "Việc một", due_on="2027-01-15")
    _add(client, draft["id"], draft["area"], "Việc hai", due_on="15/01/2027")
    assert [item.due_on for item in _items(draft["id"])[1:]] == [date(2027, 1, 15)] * 2
    body = _text(client.get("/commitments/"))
    assert 'type="date"' in body


def test_item_of_another_commitment_is_not_found(client, draft, campaign):
    other = _ready(campaign, make_user(), items=1)
    other_item = _items(other.id)[0]
    for url in (
        f"/commitments/{draft['id']}/items/{other_item.id}/edit",
        f"/commitments/{draft['id']}/items/{other_item.id}/delete",
    ):
        assert post(client, url, {f"item-{other_item.id}-text": "Chiếm"}).status_code == 404
    assert client.get(f"/commitments/{draft['id']}/items/{other_item.id}/edit").status_code == 404
    assert _items(other.id)[0].text == other_item.text


def test_area_of_another_campaign_is_not_found(client, draft):
    assert _add(client, draft["id"], 999_999, "Việc").status_code == 404


def test_details_save_as_the_person_goes_with_htmx(client, draft, campaign):
    response = _details(client, draft["id"], _title_id(campaign), headers=HX)
    body = _text(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="details-status"' in body and 'hx-swap-oob="innerHTML"' in body
    assert "Đã lưu lúc" in body
    version = _versions(draft["id"])[0]
    assert version.title_id == _title_id(campaign)
    assert version.is_criterion_acknowledged is True
    # Unticking saves too.
    _details(client, draft["id"], _title_id(campaign), acknowledged=False, headers=HX)
    assert _versions(draft["id"])[0].is_criterion_acknowledged is False


def test_details_plain_post_redirects_to_the_details(client, draft, campaign):
    response = _details(client, draft["id"], _title_id(campaign))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/commitments/#details")
    body = _text(client.get("/commitments/"))
    assert re.search(
        rf'<option selected value="{_title_id(campaign)}"|'
        rf'<option value="{_title_id(campaign)}" selected',
        body,
    )


def test_details_with_a_unit_title_is_refused_beside_the_select(client, draft, campaign):
    unit_title = _title_id(campaign, AppliesTo.UNIT)
    response = _details(client, draft["id"], unit_title, headers=HX)
    assert response.status_code == 422
    assert response.headers["HX-Reswap"] == "outerHTML"
    body = _text(response)
    assert body.lstrip().startswith('<section id="details"')
    assert 'id="title_id-error"' in body
    assert 'name="had_errors"' in body
    assert _versions(draft["id"])[0].title_id is None
    # Fixed: the whole form again, without the error.
    fixed = _details(client, draft["id"], _title_id(campaign), headers={**HX}, had_errors="1")
    assert fixed.status_code == 200
    assert _text(fixed).lstrip().startswith('<section id="details"')
    assert "title_id-error" not in _text(fixed)


def test_signed_version_items_cannot_be_changed(client, owner, campaign):
    commitment = _signed(campaign, owner)
    item = _items(commitment.id)[0]
    url = f"/commitments/{commitment.id}/items/{item.id}/delete"
    response = post(client, url)
    assert response.status_code == 303
    assert len(_items(commitment.id)) == 2
    htmx = post(client, url, headers=HX)
    assert htmx.headers["HX-Redirect"] == "/commitments/"
    assert len(_items(commitment.id)) == 2
    add = _add(client, commitment.id, item.content_area_id, "Thêm lén")
    assert add.status_code == 303 and len(_items(commitment.id)) == 2


def test_post_without_csrf_token_is_refused(client, draft):
    response = client.post(f"/commitments/{draft['id']}/items/{draft['item']}/delete")
    assert response.status_code == 400
    assert len(_items(draft["id"])) == 1


# Signing -----------------------------------------------------------------------------------


def test_sign_page_previews_exactly_the_draft(client, owner, campaign):
    commitment = _ready(campaign, owner, items=2)
    body = _text(client.get(f"/commitments/{commitment.id}/sign"))
    assert "Cam kết số 1" in body and "Cam kết số 2" in body
    assert "Lao động tiên tiến" in body
    assert "Tôi cam kết thực hiện đầy đủ các nội dung đã đăng ký" in body
    assert 'autocomplete="current-password"' in body
    assert "Ký bản đăng ký" in body


def test_empty_commitment_cannot_be_signed(client, owner, campaign):
    services.start_individual(owner, campaign, TODAY)
    commitment = _commitment(owner)
    body = _text(client.get(f"/commitments/{commitment.id}/sign"))
    assert "Cần có ít nhất một nội dung đăng ký." in body
    assert 'name="password"' not in body
    assert "/commitments/#content-areas" in body and "/commitments/#details" in body
    response = _sign(client, commitment.id)
    assert response.status_code == 422
    assert "Cần có ít nhất một nội dung đăng ký." in _text(response)
    assert _versions(commitment.id)[0].status == CommitmentStatus.DRAFT


def test_sign_without_the_statement_is_refused_beside_it(client, owner, campaign):
    commitment = _ready(campaign, owner)
    response = _sign(client, commitment.id, statement=False)
    assert response.status_code == 422
    assert 'id="statement-error"' in _text(response)
    assert _versions(commitment.id)[0].status == CommitmentStatus.DRAFT


def test_sign_sixth_wrong_password_within_a_minute_gets_429(client, owner, campaign):
    commitment = _ready(campaign, owner)
    statuses = [_sign(client, commitment.id, password=f"sai-{i}").status_code for i in range(6)]
    assert statuses == [422] * 5 + [429]
    assert _versions(commitment.id)[0].status == CommitmentStatus.DRAFT


def test_sign_page_of_a_signed_version_goes_back_to_the_commitment(client, owner, campaign):
    commitment = _signed(campaign, owner)
    response = client.get(f"/commitments/{commitment.id}/sign")
    assert response.status_code == 303
    assert _sign(client, commitment.id).status_code == 303
    assert (
        db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "commitment.signed")
        )
        == 1
    )


def test_item_altered_in_the_database_shows_content_altered(client, owner, campaign):
    commitment = _signed(campaign, owner)
    item = _items(commitment.id)[0]
    db.session.execute(
        update(CommitmentItem).where(CommitmentItem.id == item.id).values(text="Đã sửa lén")
    )
    db.session.commit()
    for url in ("/commitments/", f"/commitments/{commitment.id}/versions/1"):
        body = _text(client.get(url))
        assert "Nội dung đã bị thay đổi sau khi ký" in body
        assert "Niêm phong hợp lệ" not in body


def test_two_concurrent_signatures_give_exactly_one(app, owner, campaign):
    commitment = _ready(campaign, owner)
    clients = [app.test_client() for _ in range(2)]
    tokens = []
    for each in clients:
        assert sign_in(each, owner.username).status_code == 303
        tokens.append(csrf_token(each, "/commitments/"))
    url = f"/commitments/{commitment.id}/sign"
    barrier = threading.Barrier(2, timeout=30)
    results: list[int] = []

    def sign(each, token):
        barrier.wait()  # both requests start together, like two tabs
        response = each.post(
            url,
            data={"password": DEFAULT_PASSWORD, "statement": "y", "csrf_token": token},
        )
        results.append(response.status_code)

    threads = [
        threading.Thread(target=sign, args=pair, daemon=True)
        for pair in zip(clients, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [303, 303]
    version = _versions(commitment.id)[0]
    assert version.status == CommitmentStatus.SIGNED
    assert (
        db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "commitment.signed")
        )
        == 1
    )
    loaded = services.load_version(version.id)
    assert services.seal_state(loaded.commitment, loaded) == "valid"


# The registration deadline -----------------------------------------------------------------


def _close_registration(campaign):
    campaign.registration_deadline = local_today() - timedelta(days=1)
    db.session.commit()


def test_after_the_deadline_start_is_refused_with_the_message(client, owner, campaign):
    _close_registration(campaign)
    body = _text(client.get("/commitments/"))
    assert "Đã hết hạn đăng ký thi đua" in body
    assert 'action="/commitments/start"' not in body
    response = post(client, "/commitments/start")
    assert response.status_code == 303
    assert "Đã hết hạn đăng ký thi đua" in _text(client.get("/commitments/"))
    assert _commitment(owner) is None


def test_after_the_deadline_a_reopening_lets_the_person_start(client, owner, campaign):
    _close_registration(campaign)
    db.session.add(
        RegistrationReopening(
            campaign_id=campaign.id, user_id=owner.id, open_until=local_today() + timedelta(days=3)
        )
    )
    db.session.commit()
    assert 'action="/commitments/start"' in _text(client.get("/commitments/"))
    assert post(client, "/commitments/start").status_code == 303
    assert _commitment(owner) is not None


def test_after_the_deadline_amend_is_refused_with_the_message(client, owner, campaign):
    commitment = _signed(campaign, owner)
    _close_registration(campaign)
    body = _text(client.get("/commitments/"))
    assert "Đã hết hạn đăng ký thi đua" in body
    assert f'action="/commitments/{commitment.id}/amend"' not in body
    assert post(client, f"/commitments/{commitment.id}/amend").status_code == 303
    assert len(_versions(commitment.id)) == 1


# The unit's collective commitment ----------------------------------------------------------


def test_unit_head_makes_and_signs_the_collective_commitment(client, team, campaign):
    sign_in(client, team["head"].username)
    body = _text(client.get("/commitments/unit"))
    assert "Bản đăng ký thi đua của tập thể Phòng Tổng hợp" in body
    assert post(client, "/commitments/unit/start").status_code == 303
    commitment = db.session.scalar(select(Commitment).where(Commitment.unit_id == team["unit"].id))
    area = _area_ids(campaign)[0]
    _add(client, commitment.id, area, "Chuyển đổi số toàn bộ hồ sơ của phòng")
    criteria = db.session.scalars(
        select(Criterion.id)
        .where(Criterion.campaign_id == campaign.id, Criterion.applies_to == AppliesTo.UNIT)
        .order_by(Criterion.position)
    ).all()
    body = _text(client.get("/commitments/unit"))
    for criterion_id in criteria:
        assert f'<textarea class="form-control" id="answer_{criterion_id}"' in body
    answers = {f"answer_{criterion_id}": "Phòng cam kết thực hiện" for criterion_id in criteria}
    saved = _details(
        client, commitment.id, _title_id(campaign, AppliesTo.UNIT), acknowledged=False, **answers
    )
    assert saved.status_code == 303 and saved.headers["Location"].endswith(
        "/commitments/unit#details"
    )
    assert _sign(client, commitment.id).status_code == 303
    body = _text(client.get("/commitments/unit"))
    assert "Niêm phong hợp lệ" in body and "Phòng cam kết thực hiện" in body


def test_unit_page_for_a_unit_head_heading_no_unit_explains_why(client, login, campaign):
    login("unit_head")
    response = client.get("/commitments/unit")
    assert response.status_code == 200
    assert "Bạn chưa được ghi nhận là Thủ trưởng của đơn vị nào" in _text(response)
    assert "/commitments/unit/start" not in _text(response)
    assert post(client, "/commitments/unit/start").status_code == 404


def test_unit_page_for_someone_heading_no_unit_is_forbidden(client, owner):
    assert client.get("/commitments/unit").status_code == 403
    assert post(client, "/commitments/unit/start").status_code == 403


# Who may open what -------------------------------------------------------------------------


def owner_requests(commitment_id: int, item_id: int, area_id: int) -> list[tuple[str, str]]:
    """Every route of the owner's pages that names a commitment."""
    c = commitment_id
    return [
        ("GET", f"/commitments/{c}"),
        ("POST", f"/commitments/{c}/amend"),
        ("GET", f"/commitments/{c}/versions/1"),
        ("GET", f"/commitments/{c}/sign"),
        ("POST", f"/commitments/{c}/sign"),
        ("GET", f"/commitments/{c}/areas/{area_id}"),
        ("POST", f"/commitments/{c}/areas/{area_id}/items"),
        ("GET", f"/commitments/{c}/items/{item_id}/edit"),
        ("POST", f"/commitments/{c}/items/{item_id}/edit"),
        ("POST", f"/commitments/{c}/items/{item_id}/delete"),
        ("POST", f"/commitments/{c}/details"),
    ]


def test_owner_requests_cover_every_owner_endpoint(app):
    """Every route of routes.py is in OWNER_ENDPOINTS, and every one naming a commitment is in
    owner_requests (the others are tested on their own above)."""
    mine = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if app.view_functions[rule.endpoint].__module__ == "app.commitments.routes"
    }
    assert mine == OWNER_ENDPOINTS
    adapter = app.url_map.bind("localhost")
    covered = {adapter.match(url, method=method)[0] for method, url in owner_requests(1, 1, 1)}
    assert covered == OWNER_ENDPOINTS - {
        "commitments.mine",
        "commitments.start",
        "commitments.unit",
        "commitments.start_unit",
    }


@pytest.fixture(params=["other_staff", "other_head", "admin"])
def intruder(request, campaign, team):
    """Someone who is not the owner: a colleague, the head of another unit, an administrator."""
    if request.param == "other_staff":
        return make_user(unit=team["unit"])
    if request.param == "other_head":
        other_unit = make_unit(name="Phòng Kinh tế")
        head = make_user(roles=("unit_head",), unit=other_unit, position="Trưởng phòng")
        other_unit.head_id = head.id
        db.session.commit()
        return head
    return make_user(roles=("admin",))


@pytest.mark.parametrize("index", range(11))
@pytest.mark.parametrize("state", ["draft", "signed"])
def test_owner_routes_refuse_anyone_else(client, campaign, team, intruder, index, state):
    owner = team["owner"]
    commitment = _ready(campaign, owner) if state == "draft" else _signed(campaign, owner)
    item = _items(commitment.id)[0]
    method, url = owner_requests(commitment.id, item.id, item.content_area_id)[index]
    sign_in(client, intruder.username)
    data = {
        "password": DEFAULT_PASSWORD,
        "statement": "y",
        "title_id": "",
        f"new-{item.content_area_id}-text": "Chen vào",
        f"item-{item.id}-text": "Chen vào",
        f"item-{item.id}-content_area_id": item.content_area_id,
    }
    for headers in (None, HX):
        response = (
            client.get(url, headers=headers)
            if method == "GET"
            else post(client, url, data, headers=headers)
        )
        assert response.status_code in (403, 404), (url, response.status_code)
        assert "Cam kết số 1" not in _text(response)
    versions = _versions(commitment.id)
    assert [(v.number, v.status) for v in versions] == [(1, state)]
    assert [i.text for i in _items(commitment.id)] == ["Cam kết số 1", "Cam kết số 2"]


def test_owner_routes_of_an_unknown_commitment_are_not_found(client, owner):
    for method, url in owner_requests(999_999, 1, 1):
        response = client.get(url) if method == "GET" else post(client, url, {})
        assert response.status_code == 404, url


def test_own_pages_show_only_ones_own_commitment(client, campaign, team, intruder):
    _signed(campaign, team["owner"])
    sign_in(client, intruder.username)
    body = _text(client.get("/commitments/"))
    assert "Cam kết số 1" not in body and "Lập bản đăng ký" in body
    unit_page = client.get("/commitments/unit")
    assert unit_page.status_code in (200, 403)
    assert "Cam kết số 1" not in _text(unit_page)


def test_reviewer_and_officer_may_read_a_version(app, campaign, team):
    commitment = _signed(campaign, team["owner"])
    officer = make_user(roles=("officer",))
    for reader in (team["head"], officer):
        reader_client = app.test_client()
        sign_in(reader_client, reader.username)
        response = reader_client.get(f"/commitments/{commitment.id}/versions/1")
        assert response.status_code == 200
        assert "Cam kết số 1" in _text(response) and "Niêm phong hợp lệ" in _text(response)
        # Reading is not editing.
        assert reader_client.get(f"/commitments/{commitment.id}/sign").status_code == 403


def test_owner_routes_anonymous_is_sent_to_login(client, campaign, team):
    commitment = _ready(campaign, team["owner"])
    for url in ("/commitments/", "/commitments/unit", f"/commitments/{commitment.id}/versions/1"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# Bounded queries ---------------------------------------------------------------------------


def test_editor_runs_the_same_queries_with_3_and_30_items(client, owner, campaign, count_queries):
    commitment = services.start_individual(owner, campaign, TODAY)
    version = services.latest_version(commitment)
    areas = _area_ids(campaign)

    def add(n):
        for i in range(n):
            services.add_item(owner, version, areas[i % len(areas)], f"Việc {i}")

    def queries() -> int:
        with count_queries() as statements:
            assert client.get("/commitments/").status_code == 200
        return len(statements)

    add(3)
    few = queries()
    add(27)
    assert queries() == few
