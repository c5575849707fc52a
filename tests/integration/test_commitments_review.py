"""The review pages through the test client: the unit head's members and the officer's units,
confirm and return, reopening registration, notifications; who may open what."""

import re
from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.commitments import (
    Commitment,
    CommitmentStatus,
    CommitmentVersion,
    RegistrationReopening,
)
from app.models.notifications import Notification
from app.web.filters import local_today
from tests.conftest import post
from tests.factories import make_campaign, make_unit, make_user
from tests.review_helpers import (
    draft_commitment,
    signed_commitment,
    signed_unit_commitment,
    unit_with_head,
)

REVIEW_ENDPOINTS = {
    "commitments.members",
    "commitments.units",
    "commitments.review",
    "commitments.confirm",
    "commitments.return",
    "commitments.reopen",
}


@pytest.fixture
def campaign(app):
    return make_campaign()


@pytest.fixture
def team(campaign):
    """Phòng Tổng hợp: its head and four members with every status."""
    unit, head, _ = unit_with_head(name="Phòng Tổng hợp")
    names = ("Phạm Thị Mai Anh", "Trần Văn Bình", "Lê Thị Cúc", "Ngô Đình Thiện")
    anh, binh, cuc, thien = (make_user(full_name=name, unit=unit) for name in names)
    signed = signed_commitment(campaign, anh)
    draft_commitment(campaign, binh)
    return {"unit": unit, "head": head, "signed": signed, "anh": anh, "thien": thien, "cuc": cuc}


def _status(commitment_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Commitment, commitment_id).status


def _rows(page: str) -> list[str]:
    return re.findall(r'<td data-label="Họ và tên"[^>]*>([^<]+)</td>', page)


# The unit head's members -------------------------------------------------------------------


def test_members_lists_the_unit_by_given_name_with_statuses_and_counts(client, login, team):
    login(team["head"])
    response = client.get("/commitments/members")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    # Sorted by given name: Anh, Bình, Cúc, Thiện; the head is not among the members.
    assert _rows(page) == ["Phạm Thị Mai Anh", "Trần Văn Bình", "Lê Thị Cúc", "Ngô Đình Thiện"]
    assert re.search(r"Tất cả <span[^>]*>4</span>", page)
    assert re.search(r"Chưa lập <span[^>]*>2</span>", page)
    assert re.search(r"Bản nháp <span[^>]*>1</span>", page)
    assert re.search(r"Đã ký <span[^>]*>1</span>", page)
    review_url = f"/commitments/{team['signed'].id}/review"
    assert f'href="{review_url}"' in page and "Xem và xác nhận" in page


def test_members_filter_by_status_with_and_without_htmx(client, login, team):
    login(team["head"])
    page = client.get("/commitments/members?status=none").get_data(as_text=True)
    assert _rows(page) == ["Lê Thị Cúc", "Ngô Đình Thiện"]
    assert "<html" in page
    fragment = client.get("/commitments/members?status=signed", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in text
    assert text.lstrip().startswith('<div id="member-list"')
    assert _rows(text) == ["Phạm Thị Mai Anh"]
    assert "HX-Request" in fragment.headers.get("Vary", "")
    unknown = client.get("/commitments/members?status=bogus").get_data(as_text=True)
    assert len(_rows(unknown)) == 4


def test_members_of_a_parent_head_include_the_sub_unit_heads(client, login, campaign):
    top, director, (deputy,) = unit_with_head(members=1)
    _unit, head, (member,) = unit_with_head(members=1, parent=top)
    login(director)
    names = _rows(client.get("/commitments/members").get_data(as_text=True))
    assert sorted(names) == sorted([deputy.full_name, head.full_name])
    assert member.full_name not in names


def test_members_runs_the_same_queries_with_5_and_100_members(
    client, login, campaign, count_queries
):
    unit, head, people = unit_with_head(members=5)
    login(head)

    def add_commitments(users):
        statuses = list(CommitmentStatus)
        for i, user in enumerate(users):
            db.session.add(
                Commitment(
                    campaign_id=campaign.id,
                    kind="individual",
                    user_id=user.id,
                    status=statuses[i % len(statuses)],
                )
            )
        db.session.commit()

    add_commitments(people[:4])

    def queries() -> int:
        with count_queries() as statements:
            response = client.get("/commitments/members")
        assert response.status_code == 200
        return len(statements)

    few = queries()
    more = [make_user(unit=unit, commit=False) for _ in range(95)]
    db.session.commit()
    add_commitments(more[:60])
    many = queries()
    assert len(_rows(client.get("/commitments/members").get_data(as_text=True))) == 100
    assert few == many, (few, many)


# Confirming and returning ----------------------------------------------------------------


def test_confirm_flow_flash_and_notification(client, login, team):
    head, anh, signed = team["head"], team["anh"], team["signed"]
    login(head)
    review = client.get(f"/commitments/{signed.id}/review").get_data(as_text=True)
    assert "Phạm Thị Mai Anh" in review and "Số hóa hồ sơ công việc" in review
    assert "Niêm phong hợp lệ" in review
    response = post(client, f"/commitments/{signed.id}/confirm", {"version": "1"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/commitments/members"
    page = client.get("/commitments/members").get_data(as_text=True)
    assert "Đã xác nhận bản đăng ký của Phạm Thị Mai Anh." in page
    assert _status(signed.id) == CommitmentStatus.CONFIRMED
    # The confirmed one shows without forms.
    after = client.get(f"/commitments/{signed.id}/review").get_data(as_text=True)
    assert f"/commitments/{signed.id}/confirm" not in after
    assert f"/commitments/{signed.id}/return" not in after
    assert head.full_name in after  # the reviewer's name under the signature

    post(client, "/logout")
    login(anh)
    notes = client.get("/notifications/").get_data(as_text=True)
    assert "Bản đăng ký thi đua của bạn đã được xác nhận." in notes
    assert "1 thông báo chưa đọc" in notes


def test_return_without_comment_answers_422_with_the_error_beside_it(client, login, team):
    login(team["head"])
    signed = team["signed"]
    response = post(client, f"/commitments/{signed.id}/return", {"version": "1", "comment": "  "})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="comment-error"' in page and 'aria-invalid="true"' in page
    assert "Nêu lý do trả lại bản đăng ký." in page
    too_long = "Quá dài. " + "x" * 2000
    response = post(client, f"/commitments/{signed.id}/return", {"comment": too_long})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert too_long in page  # what the head typed is kept
    assert "Tối đa 2.000 ký tự." in page
    assert _status(signed.id) == CommitmentStatus.SIGNED


def test_return_flow_notifies_the_comment(client, login, team):
    head, anh, signed = team["head"], team["anh"], team["signed"]
    login(head)
    response = post(
        client, f"/commitments/{signed.id}/return", {"version": "1", "comment": "Thêm chỉ tiêu."}
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã trả lại bản đăng ký của Phạm Thị Mai Anh." in page
    assert _status(signed.id) == CommitmentStatus.RETURNED
    version = db.session.scalar(
        select(CommitmentVersion).where(CommitmentVersion.commitment_id == signed.id)
    )
    assert (version.review_comment, version.reviewer_id) == ("Thêm chỉ tiêu.", head.id)

    post(client, "/logout")
    login(anh)
    notes = client.get("/notifications/").get_data(as_text=True)
    assert "Bản đăng ký thi đua của bạn bị trả lại: Thêm chỉ tiêu." in notes


def test_confirm_twice_second_gets_a_warning_and_changes_nothing(client, login, team):
    login(team["head"])
    signed = team["signed"]
    post(client, f"/commitments/{signed.id}/confirm", {"version": "1"})
    again = post(client, f"/commitments/{signed.id}/return", {"version": "1", "comment": "Muộn."})
    assert again.status_code == 303
    assert again.headers["Location"] == f"/commitments/{signed.id}/review"
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Chỉ bản đăng ký đã ký mới được xác nhận hoặc trả lại" in page
    assert _status(signed.id) == CommitmentStatus.CONFIRMED
    assert db.session.scalar(select(func.count(Notification.id))) == 1


def test_post_without_csrf_token_is_refused(client, login, team):
    login(team["head"])
    signed = team["signed"]
    response = client.post(f"/commitments/{signed.id}/confirm", data={"version": "1"})
    assert response.status_code == 400
    assert _status(signed.id) == CommitmentStatus.SIGNED


# The officer's units -----------------------------------------------------------------------


def test_officer_confirms_a_unit_commitment_and_its_head_is_notified(client, login, campaign):
    unit, head, _ = unit_with_head(name="Phòng Kinh tế")
    make_unit(name="Phòng Nội chính")
    commitment = signed_unit_commitment(campaign, unit, head)
    login("officer")
    page = client.get("/commitments/units").get_data(as_text=True)
    assert "Phòng Kinh tế" in page and "Phòng Nội chính" in page
    assert f'href="/commitments/{commitment.id}/review"' in page
    assert re.search(r"Đã ký <span[^>]*>1</span>", page)
    assert re.search(r"Chưa lập <span[^>]*>1</span>", page)
    review = client.get(f"/commitments/{commitment.id}/review").get_data(as_text=True)
    assert "Chuyển đổi số toàn bộ hồ sơ" in review
    response = post(client, f"/commitments/{commitment.id}/confirm", {"version": "1"})
    assert response.headers["Location"] == "/commitments/units"
    assert _status(commitment.id) == CommitmentStatus.CONFIRMED
    [notification] = db.session.scalars(select(Notification)).all()
    assert (notification.user_id, notification.kind) == (head.id, "commitment.unit_confirmed")


def test_units_lists_heads_the_officer_confirms(client, login, campaign):
    _top, director, _ = unit_with_head(name="Văn phòng")
    login("officer")
    page = client.get("/commitments/units").get_data(as_text=True)
    assert director.full_name in page


def test_units_runs_the_same_queries_with_few_and_many_units(
    client, login, campaign, count_queries
):
    login("officer")
    for _ in range(3):
        unit, head, _ = unit_with_head()

    def queries() -> int:
        with count_queries() as statements:
            assert client.get("/commitments/units").status_code == 200
        return len(statements)

    few = queries()
    for _ in range(20):
        unit, head, _ = unit_with_head(members=1)
    signed_unit_commitment(campaign, unit, head)
    assert few == queries()


# Reopening registration --------------------------------------------------------------------


def test_reopen_form_defaults_to_a_week_and_reopens_for_a_person(client, login, campaign):
    person = make_user(full_name="Nguyễn Thị Hằng")
    login("officer")
    page = client.get("/commitments/reopen").get_data(as_text=True)
    week = local_today() + timedelta(days=7)
    assert f'value="{week.isoformat()}"' in page
    response = post(
        client,
        "/commitments/reopen",
        {"user_id": str(person.id), "unit_id": "", "open_until": week.isoformat(), "reason": "Ốm"},
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Đã mở lại đăng ký cho Nguyễn Thị Hằng đến hết ngày {week:%d/%m/%Y}." in page
    assert "Nguyễn Thị Hằng</td>" in page  # in the reopenings in force
    reopening = db.session.scalar(select(RegistrationReopening))
    assert (reopening.user_id, reopening.open_until, reopening.reason) == (person.id, week, "Ốm")
    assert db.session.scalar(
        select(AuditEntry.id).where(AuditEntry.action == "commitment.reopened")
    )
    assert db.session.scalar(select(Notification.user_id)) == person.id


def test_reopen_rejected_keeps_input_and_shows_errors_beside_fields(client, login, campaign):
    person = make_user()
    unit = make_unit()
    login("officer")
    past = (local_today() - timedelta(days=1)).isoformat()
    response = post(
        client,
        "/commitments/reopen",
        {"user_id": str(person.id), "unit_id": str(unit.id), "open_until": past, "reason": "Lý do"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="user_id-error"' in page and "Chọn một người hoặc một đơn vị." in page
    assert 'id="open_until-error"' in page
    assert "Lý do</textarea>" in page
    response = post(client, "/commitments/reopen", {"user_id": str(person.id), "open_until": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="reason-error"' in page
    assert db.session.scalar(select(RegistrationReopening.id)) is None


def test_reopen_person_search_ignores_diacritics_with_and_without_htmx(client, login, campaign):
    make_user(full_name="Ngô Đình Thiện")
    make_user(full_name="Trần Thị Lan")
    login("officer")
    page = client.get("/commitments/reopen?q=ngo+dinh").get_data(as_text=True)
    assert "Ngô Đình Thiện" in page and "Trần Thị Lan" not in page
    fragment = client.get("/commitments/reopen?q=lan", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="person-select"') and "<html" not in text
    assert "Trần Thị Lan" in text and "Ngô Đình Thiện" not in text


# Notifications ------------------------------------------------------------------------------


def _notify(user, n: int = 1):
    for i in range(n):
        db.session.add(
            Notification(user_id=user.id, kind="commitment.returned", params={"comment": f"#{i}"})
        )
    db.session.commit()


def test_notifications_newest_first_paged_and_marked_read(client, login, app):
    user, other = make_user(), make_user()
    _notify(user, 30)
    _notify(other)
    login(user)
    page = client.get("/notifications/").get_data(as_text=True)
    comments = re.findall(r"bị trả lại: #(\d+)", page)
    assert len(comments) == 25 and comments[0] == "29"
    assert "30 thông báo chưa đọc" in page
    assert "#0" in client.get("/notifications/?page=2").get_data(as_text=True)

    newest = db.session.scalar(
        select(func.max(Notification.id)).where(Notification.user_id == user.id)
    )
    response = post(client, f"/notifications/{newest}/read", {"page": "2"})
    assert response.status_code == 303 and response.headers["Location"].endswith("?page=2")
    assert db.session.get(Notification, newest).read_at is not None
    other_id = db.session.scalar(select(Notification.id).where(Notification.user_id == other.id))
    assert post(client, f"/notifications/{other_id}/read").status_code == 404
    assert post(client, "/notifications/read-all").status_code == 303
    unread = select(func.count(Notification.id)).where(Notification.read_at.is_(None))
    assert db.session.scalar(unread) == 1  # only the other person's
    assert "0 thông báo chưa đọc" in client.get("/notifications/").get_data(as_text=True)


def test_notifications_menu_entry_and_login_required(client, login):
    assert client.get("/notifications/").status_code == 302
    login("staff")
    assert 'href="/notifications/"' in client.get("/").get_data(as_text=True)


# Who may open what ---------------------------------------------------------------------------


def review_requests(app, commitment_id: int) -> list[tuple[str, str]]:
    """(method, path) of every review route, read from the URL map, ids of a real commitment."""
    requests = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint not in REVIEW_ENDPOINTS:
                continue
            values = {}
            for name in rule.arguments:
                converter = rule._converters[name]
                assert isinstance(converter, IntegerConverter), rule
                values[name] = commitment_id
            path = url_for(rule.endpoint, **values)
            requests += [(method, path) for method in sorted(rule.methods & {"GET", "POST"})]
    return requests


def test_review_requests_cover_every_review_endpoint(app, team):
    requests = review_requests(app, team["signed"].id)
    with app.test_request_context():
        endpoints = {
            app.url_map.bind("").match(path, method=method)[0] for method, path in requests
        }
    assert endpoints == REVIEW_ENDPOINTS


@pytest.mark.parametrize("who", ["member", "owner", "other_head", "leader", "admin", "comms"])
def test_review_routes_refuse_everyone_but_the_reviewer(client, login, app, team, who):
    signed = team["signed"]
    if who == "member":
        user = team["cuc"]
    elif who == "owner":
        user = team["anh"]
    elif who == "other_head":
        _unit, user, _ = unit_with_head(members=1)
    else:
        user = make_user(roles=(who,))
    login(user)
    statuses = {}
    for method, path in review_requests(app, signed.id):
        data = {"version": "1", "comment": "Trả lại", "reason": "x", "user_id": str(user.id)}
        response = client.get(path) if method == "GET" else post(client, path, data)
        body = response.get_data(as_text=True)
        statuses[(method, path)] = response.status_code
        assert "Số hóa hồ sơ công việc" not in body, (method, path)
        if who != "owner" and not (who == "other_head" and path == "/commitments/members"):
            assert "Phạm Thị Mai Anh" not in body, (method, path)
    allowed = {("GET", "/commitments/members")} if who == "other_head" else set()
    assert {key for key, status in statuses.items() if status not in (403, 404)} == allowed
    if who == "other_head":  # their own list, without the other unit's people
        page = client.get("/commitments/members").get_data(as_text=True)
        assert "Phạm Thị Mai Anh" not in page and "Lê Thị Cúc" not in page
    assert _status(signed.id) == CommitmentStatus.SIGNED
    assert db.session.scalar(select(func.count(RegistrationReopening.id))) == 0


def test_review_of_an_unknown_commitment_is_not_found(client, login, team):
    login(team["head"])
    assert client.get("/commitments/999999/review").status_code == 404
    assert post(client, "/commitments/999999/confirm", {}).status_code == 404


def test_review_routes_anonymous_is_sent_to_login(client, app, team):
    for method, path in review_requests(app, team["signed"].id):
        if method == "GET":
            response = client.get(path)
        else:
            response = post(client, path, {}, token_from="/login")
        assert response.status_code == 302, (method, path)
        assert response.headers["Location"].startswith("/login"), (method, path)
