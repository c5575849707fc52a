"""The initiative council's pages through the test client: who may open what on every route,
setting a council up (details, members with the picker, criteria) with and without htmx,
scoring with the author excluded and the scores kept secret, the chair's close, the results,
the minutes as DOCX, and a bounded number of queries on the session page."""

import io
import re

import pytest
from docx import Document
from sqlalchemy import func, select

from app.councils import queries, services
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.councils import (
    Council,
    CouncilCriterion,
    CouncilJudgement,
    CouncilMember,
    CouncilStatus,
)
from app.models.initiatives import Initiative, InitiativeStatus
from tests.conftest import csrf_token, post
from tests.council_helpers import (
    accepted_initiative,
    judge,
    make_council,
    make_officer,
    open_council,
)
from tests.factories import make_campaign, make_unit, make_user
from tests.review_helpers import seen

HX = {"HX-Request": "true"}


@pytest.fixture
def campaign(app):
    return make_campaign()


@pytest.fixture
def people(campaign):
    unit = make_unit(name="Phòng Tổng hợp")
    names = {
        "chair": "Ngô Đình Thiện",
        "secretary": "Lê Thị Cúc",
        "one": "Trần Văn Bình",
        "two": "Phạm Thị Mai Anh",
        "outsider": "Hoàng Văn Em",
    }
    found = {key: make_user(full_name=name, unit=unit) for key, name in names.items()}
    found["officer"] = make_officer(full_name="Nguyễn Thị Thu Hằng")
    found["leader"] = make_user(roles=("leader",), full_name="Hoàng Minh Đức")
    return found


def _seats(people):
    return [
        (people["chair"], "chair"),
        (people["secretary"], "secretary"),
        (people["one"], "member"),
        (people["two"], "member"),
    ]


@pytest.fixture
def session(campaign, people):
    """An open council: member "two" co-authored the first initiative."""
    coauthored = accepted_initiative(
        campaign, make_user(full_name="Đặng Văn Giang"), [people["two"]], title="Một cửa điện tử"
    )
    other = accepted_initiative(campaign, make_user(full_name="Vũ Thị Hoa"), title="Ký số văn bản")
    council = open_council(campaign, people["officer"], _seats(people))
    return {"council": council, "coauthored": coauthored, "other": other}


@pytest.fixture
def closed(session, people):
    """The same council after the close: both initiatives recognized except as counted."""
    council = session["council"]
    for key in ("chair", "secretary", "one"):
        judge(council, people[key], session["coauthored"], approves=key != "one", share=0.9)
    for key in ("chair", "secretary", "one", "two"):
        judge(council, people[key], session["other"], approves=key == "chair", share=0.5)
    services.close_session(seen(people["chair"]), queries.load(council.id))
    return session


def _council(council_id: int) -> Council:
    db.session.expire_all()
    return queries.load(council_id)


# Who may open what --------------------------------------------------------------------------

# Every route of the blueprint with the method the matrix uses.
ROUTES = {
    "councils.index": ("GET", "/council/"),
    "councils.new": ("GET", "/council/new"),
    "councils.show": ("GET", "/council/{c}"),
    "councils.edit": ("GET", "/council/{c}/edit"),
    "councils.delete": ("POST", "/council/{c}/delete"),
    "councils.members": ("GET", "/council/{c}/members"),
    "councils.add_member": ("POST", "/council/{c}/members"),
    "councils.member_role": ("POST", "/council/{c}/members/{m}/role"),
    "councils.remove_member": ("POST", "/council/{c}/members/{m}/remove"),
    "councils.criteria": ("GET", "/council/{c}/criteria"),
    "councils.open_session": ("POST", "/council/{c}/open"),
    "councils.judge": ("GET", "/council/{c}/initiatives/{i}/judgement"),
    "councils.close": ("GET", "/council/{c}/close"),
    "councils.results": ("GET", "/council/{c}/results"),
    "councils.minutes_docx": ("GET", "/council/{c}/minutes.docx"),
}
MANAGE = {"officer"}
VIEW = {"officer", "leader", "chair", "secretary", "one"}
MATRIX = {
    "councils.index": set(
        WHO_ALL := ("officer", "leader", "chair", "secretary", "one", "outsider")
    ),
    "councils.new": MANAGE,
    "councils.show": VIEW,
    "councils.edit": MANAGE,
    "councils.delete": MANAGE,
    "councils.members": MANAGE,
    "councils.add_member": MANAGE,
    "councils.member_role": MANAGE,
    "councils.remove_member": MANAGE,
    "councils.criteria": MANAGE,
    "councils.open_session": MANAGE,
    "councils.judge": {"chair", "secretary", "one"},
    "councils.close": {"chair"},
    "councils.results": VIEW,
    "councils.minutes_docx": VIEW,
}
WHO = WHO_ALL


def test_the_matrix_covers_every_route(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {e for e in endpoints if e.startswith("councils.")} == set(ROUTES) == set(MATRIX)


def _url(endpoint: str, council, initiative_id: int) -> tuple[str, str]:
    method, pattern = ROUTES[endpoint]
    seat = db.session.scalar(
        select(CouncilMember.id).where(CouncilMember.council_id == council.id).limit(1)
    )
    return method, pattern.format(c=council.id, m=seat, i=initiative_id)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_role_matrix(client, login, campaign, people, closed, who, endpoint):
    council = closed["council"]
    initiative_id = closed["other"].id
    # Results and minutes need a closed council; the rest is checked on one in session.
    if endpoint not in ("councils.results", "councils.minutes_docx"):
        initiative_id = accepted_initiative(campaign, make_user(), title="Sáng kiến mới").id
        council = open_council(campaign, people["officer"], _seats(people), name="Đợt 2")
    method, url = _url(endpoint, council, initiative_id)
    login(people[who])
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": csrf_token(client, "/")})
    if who in MATRIX[endpoint]:
        assert response.status_code in (200, 303), (who, endpoint, response.status_code)
    else:
        assert response.status_code == 403, (who, endpoint, response.status_code)


def test_anonymous_is_sent_to_sign_in(client, session):
    response = client.get(f"/council/{session['council'].id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "url",
    [
        "/council/999",
        "/council/999/edit",
        "/council/999/members",
        "/council/999/criteria",
        "/council/999/close",
        "/council/999/results",
        "/council/999/minutes.docx",
        "/council/999/initiatives/1/judgement",
    ],
)
def test_unknown_council_is_404(client, login, people, url):
    login(people["officer"])
    assert client.get(url).status_code == 404


def test_unknown_member_is_404(client, login, people, campaign):
    council = make_council(campaign, people["officer"], _seats(people))
    login(people["officer"])
    assert post(client, f"/council/{council.id}/members/999/role").status_code == 404
    assert post(client, f"/council/{council.id}/members/999/remove").status_code == 404


def test_a_member_cannot_score_through_another_council_nor_outside_the_session(
    client, login, people, session, campaign
):
    council = session["council"]
    login(people["one"])
    # An initiative of the campaign that is not in this session.
    outside = accepted_initiative(campaign, make_user(), status="submitted")
    assert client.get(f"/council/{council.id}/initiatives/{outside.id}/judgement").status_code == (
        404
    )
    # Council B (the member does not sit on it) cannot be used to score A's initiative.
    other = make_council(campaign, people["officer"], [(people["chair"], "chair")], name="B")
    url = f"/council/{other.id}/initiatives/{session['other'].id}/judgement"
    assert client.get(url).status_code == 403
    assert post(client, url, {"approves": "yes"}).status_code == 403


def test_a_post_without_the_csrf_token_is_refused(client, login, people, session):
    login(people["officer"])
    response = client.post(f"/council/{session['council'].id}/delete")
    assert response.status_code == 400
    assert _council(session["council"].id) is not None


# Setting a council up -----------------------------------------------------------------------


def test_officer_sets_up_a_council_and_errors_stay_beside_the_fields(
    client, login, people, campaign
):
    login(people["officer"])
    page = client.get("/council/new").get_data(as_text=True)
    assert "Hội đồng sáng kiến Văn phòng UBND tỉnh năm 2026" in page  # the name proposed
    data = {"name": "", "meeting_place": "Phòng họp số 1", "meeting_on": "31/02/2026"}
    response = post(client, "/council/new", {**data, "approval": "2/3"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="name-error"' in page and "Nhập tên hội đồng." in page
    assert "Phòng họp số 1" in page  # what was typed is kept
    assert 'id="meeting_on-error"' in page
    assert db.session.scalar(select(func.count(Council.id))) == 0
    data = {
        "name": "Hội đồng sáng kiến năm 2026",
        "meeting_on": "2026-12-15",
        "meeting_place": "Phòng họp số 1",
        "decision_reference": "Quyết định số 125/QĐ-VPUBND",
        "approval": "3/4",
    }
    response = post(client, "/council/new", data)
    council = db.session.scalar(select(Council))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/council/{council.id}/members"
    assert (council.approval_numerator, council.approval_denominator) == (3, 4)
    assert db.session.scalar(select(func.count(CouncilCriterion.id))) == 3


def test_members_page_picker_without_and_with_htmx(client, login, people, campaign):
    council = make_council(campaign, people["officer"], [(people["chair"], "chair")])
    login(people["officer"])
    page = client.get(f"/council/{council.id}/members?find=tran van binh").get_data(as_text=True)
    assert f'value="{people["one"].id}"' in page and "Trần Văn Bình" in page
    # The person already on the council is not offered again.
    again = client.get(f"/council/{council.id}/members?find=thien").get_data(as_text=True)
    assert f'id="member-person-{people["chair"].id}"' not in again
    choices = client.get(
        f"/directory/choices?picker=member&find=binh&exclude={people['chair'].id}", headers=HX
    )
    assert f'value="{people["one"].id}"' in choices.get_data(as_text=True)


def test_add_member_plain_and_htmx(client, login, people, campaign):
    council = make_council(campaign, people["officer"])
    login(people["officer"])
    url = f"/council/{council.id}/members"
    response = post(client, url, {"user_id": people["chair"].id, "role": "chair"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"{url}#composition"
    assert "Đã thêm thành viên." in client.get(url).get_data(as_text=True)
    response = post(client, url, {"user_id": people["one"].id, "role": "member"}, headers=HX)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment
    assert fragment.lstrip().startswith('<div id="composition"')
    assert "Trần Văn Bình" in fragment and "Đã thêm thành viên." in fragment
    assert "HX-Request" in response.headers["Vary"]
    roles = {m.user_id: m.role for m in _council(council.id).members}
    assert roles == {people["chair"].id: "chair", people["one"].id: "member"}


@pytest.mark.parametrize("htmx", [False, True])
def test_add_a_second_chair_answers_422_with_the_person_kept(client, login, people, campaign, htmx):
    council = make_council(campaign, people["officer"], [(people["chair"], "chair")])
    login(people["officer"])
    response = post(
        client,
        f"/council/{council.id}/members",
        {"user_id": people["one"].id, "role": "chair"},
        headers=HX if htmx else {},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ("<html" in page) is not htmx
    assert "Hội đồng đã có Chủ tịch (Ngô Đình Thiện)" in page
    assert 'id="role-error"' in page and 'aria-invalid="true"' in page
    assert re.search(rf'value="{people["one"].id}"\s+checked', page)  # the choice is kept
    assert len(_council(council.id).members) == 1
    response = post(client, f"/council/{council.id}/members", {"role": "member"})
    assert response.status_code == 422
    assert "Chọn một người trong danh bạ." in response.get_data(as_text=True)


@pytest.mark.parametrize("htmx", [False, True])
def test_change_role_and_remove_member(client, login, people, campaign, htmx):
    council = make_council(campaign, people["officer"], _seats(people))
    seats = {m.user_id: m.id for m in council.members}
    login(people["officer"])
    headers = HX if htmx else {}
    one = seats[people["one"].id]
    url = f"/council/{council.id}/members/{one}/role"
    refused = post(client, url, {f"member-{one}-role": "secretary"}, headers=headers)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Hội đồng đã có Thư ký (Lê Thị Cúc)" in page
    assert f'id="member-{one}-role-error"' in page
    secretary = seats[people["secretary"].id]
    post(
        client,
        f"/council/{council.id}/members/{secretary}/role",
        {f"member-{secretary}-role": "member"},
    )
    changed = post(client, url, {f"member-{one}-role": "secretary"}, headers=headers)
    assert changed.status_code == (200 if htmx else 303)
    removed = post(client, f"/council/{council.id}/members/{secretary}/remove", headers=headers)
    assert removed.status_code == (200 if htmx else 303)
    if htmx:
        assert removed.get_data(as_text=True).lstrip().startswith('<div id="composition"')
    roles = {m.user_id: m.role for m in _council(council.id).members}
    assert people["secretary"].id not in roles
    assert roles[people["one"].id] == "secretary"


def _criteria_data(council, rows):
    data = {}
    for i, (criterion_id, name, weight, remove) in enumerate(rows):
        data[f"rows-{i}-id"] = criterion_id or ""
        data[f"rows-{i}-name"] = name
        data[f"rows-{i}-weight"] = weight
        if remove:
            data[f"rows-{i}-remove"] = "y"
    return data


@pytest.mark.parametrize("htmx", [False, True])
def test_criteria_must_make_100_and_keep_the_input(client, login, people, campaign, htmx):
    council = make_council(campaign, people["officer"], _seats(people))
    novelty, applicability, benefits = council.criteria
    login(people["officer"])
    page = client.get(f"/council/{council.id}/criteria").get_data(as_text=True)
    assert page.count('name="rows-') == 4 * 4 - 1  # three criteria and the empty row
    rows = [
        (novelty.id, "Tính mới", "45", False),
        (applicability.id, "Khả năng áp dụng", "abc", False),
        (benefits.id, "Hiệu quả, lợi ích", "30", True),
        (None, "Khả năng nhân rộng", "20", False),
    ]
    url = f"/council/{council.id}/criteria"
    response = post(client, url, _criteria_data(council, rows), headers=HX if htmx else {})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ("<html" in page) is not htmx
    assert 'id="rows-1-weight-error"' in page and "Nhập số nguyên từ 1 đến 100." in page
    assert 'value="abc"' in page and "Khả năng nhân rộng" in page
    rows[1] = (applicability.id, "Khả năng áp dụng", "30", False)
    response = post(client, url, _criteria_data(council, rows), headers=HX if htmx else {})
    assert response.status_code == 422
    assert "Tổng điểm tối đa hiện là 95" in response.get_data(as_text=True)
    rows[0] = (novelty.id, "Tính mới", "50", False)
    response = post(client, url, _criteria_data(council, rows), headers=HX if htmx else {})
    if htmx:
        assert response.status_code == 204
        assert response.headers["HX-Location"] == f"/council/{council.id}#criteria"
    else:
        assert response.status_code == 303
    saved = [(c.name, c.weight) for c in _council(council.id).criteria]
    assert saved == [("Tính mới", 50), ("Khả năng áp dụng", 30), ("Khả năng nhân rộng", 20)]


def test_open_the_session_from_the_council_page(client, login, people, campaign):
    initiative = accepted_initiative(campaign, make_user())
    council = make_council(campaign, people["officer"], [(people["chair"], "chair")])
    login(people["officer"])
    page = client.get(f"/council/{council.id}").get_data(as_text=True)
    assert "Hội đồng cần có ít nhất 3 thành viên." in page
    assert "Có 1 sáng kiến đã được tiếp nhận đang chờ hội đồng xem xét." in page
    response = post(client, f"/council/{council.id}/open")
    assert response.status_code == 303
    assert "Hội đồng cần có ít nhất 3 thành viên." in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    for key in ("one", "two"):
        fresh = _council(council.id)
        services.add_member(seen(people["officer"]), fresh, people[key].id, "member")
    response = post(client, f"/council/{council.id}/open")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã mở phiên họp; 1 sáng kiến được đưa ra hội đồng." in page
    assert db.session.get(Initiative, initiative.id).council_id == council.id
    assert _council(council.id).status == CouncilStatus.IN_SESSION
    # The set-up is locked now.
    response = post(client, f"/council/{council.id}/members", {"user_id": people["secretary"].id})
    assert response.status_code == 303
    assert len(_council(council.id).members) == 3


def test_edit_details_and_delete(client, login, people, campaign):
    council = make_council(campaign, people["officer"], _seats(people))
    login(people["officer"])
    page = client.get(f"/council/{council.id}/edit").get_data(as_text=True)
    assert 'value="Phòng họp số 1, Văn phòng UBND tỉnh"' in page
    data = {"name": "Hội đồng đợt 2", "approval": "1/2", "meeting_on": "16/12/2026"}
    assert post(client, f"/council/{council.id}/edit", data).status_code == 303
    saved = _council(council.id)
    assert saved.name == "Hội đồng đợt 2" and saved.approval_numerator == 1
    response = post(client, f"/council/{council.id}/delete")
    assert response.status_code == 303 and response.headers["Location"] == "/council/"
    assert db.session.scalar(select(func.count(Council.id))) == 0


# Scoring --------------------------------------------------------------------------------------


def _judgement_data(council, points, approves="yes", comment=""):
    criteria = _council(council.id).criteria
    data = {f"criterion_{c.id}": p for c, p in zip(criteria, points, strict=True)}
    return {**data, "approves": approves, "comment": comment}


@pytest.mark.parametrize("htmx", [False, True])
def test_scoring_errors_beside_the_fields_then_saved(client, login, people, session, htmx):
    council, other = session["council"], session["other"]
    login(people["one"])
    url = f"/council/{council.id}/initiatives/{other.id}/judgement"
    page = client.get(url).get_data(as_text=True)
    assert "Ký số văn bản" in page and "Tính mới" in page and "Từ 0 đến 40 điểm." in page
    headers = HX if htmx else {}
    data = _judgement_data(council, ["41", "", "x"], approves="", comment="Cần bổ sung số liệu")
    response = post(client, url, data, headers=headers)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ("<html" in page) is not htmx
    novelty, applicability, benefits = _council(council.id).criteria
    assert f'id="criterion_{novelty.id}-error"' in page and "Nhập số nguyên từ 0 đến 40." in page
    assert f'id="criterion_{applicability.id}-error"' in page and "Nhập số điểm." in page
    assert f'id="criterion_{benefits.id}-error"' in page and 'value="x"' in page
    assert "Chọn đồng ý hoặc không đồng ý công nhận sáng kiến." in page
    assert "Cần bổ sung số liệu" in page and 'value="41"' in page
    assert db.session.scalar(select(func.count(CouncilJudgement.id))) == 0
    response = post(client, url, _judgement_data(council, ["35", "25", "20"]), headers=headers)
    if htmx:
        assert response.status_code == 204
        assert response.headers["HX-Location"] == f"/council/{council.id}#initiative-{other.id}"
    else:
        assert response.status_code == 303
    judgement = db.session.scalar(select(CouncilJudgement))
    assert (judgement.total, judgement.approves) == (80, True)
    page = client.get(f"/council/{council.id}").get_data(as_text=True)
    assert "Đã lưu phiếu chấm sáng kiến “Ký số văn bản”." in page
    assert "80 điểm · Đồng ý" in page
    # The form comes back filled in to change it.
    again = client.get(url).get_data(as_text=True)
    assert f'name="criterion_{novelty.id}"' in again and 'value="35"' in again


def test_the_co_author_is_excluded_with_a_clear_message(client, login, people, session):
    council, coauthored = session["council"], session["coauthored"]
    login(people["two"])
    url = f"/council/{council.id}/initiatives/{coauthored.id}/judgement"
    page = client.get(url).get_data(as_text=True)
    assert "Bạn là tác giả/đồng tác giả của sáng kiến này nên không tham gia chấm điểm" in page
    assert "Lưu phiếu chấm" not in page
    response = post(client, url, _judgement_data(council, ["40", "30", "30"]))
    assert response.status_code == 403
    show = client.get(f"/council/{council.id}").get_data(as_text=True)
    assert "Không tham gia (tác giả)" in show
    assert "Không chấm (tác giả): Phạm Thị Mai Anh" in show
    assert db.session.scalar(select(func.count(CouncilJudgement.id))) == 0


def test_scores_stay_secret_until_the_close(client, login, people, session):
    council, other = session["council"], session["other"]
    judge(council, people["one"], other, approves=True, share=0.73)  # 29 + 21 + 21 = 71
    judge(council, people["secretary"], other, approves=False, share=0.41)  # 16 + 12 + 12 = 40
    login(people["one"])
    page = client.get(f"/council/{council.id}").get_data(as_text=True)
    assert "71 điểm · Đồng ý" in page
    assert "40 điểm" not in page and "Không đồng ý" not in page
    assert "2/4" in page  # how many have judged
    secretary_url = f"/council/{council.id}/initiatives/{other.id}/judgement"
    assert 'value="16"' not in client.get(secretary_url).get_data(as_text=True)
    assert client.get(f"/council/{council.id}/results").status_code == 302
    for who in ("officer", "leader"):
        client.post("/logout", data={"csrf_token": csrf_token(client)})
        login(people[who])
        page = client.get(f"/council/{council.id}").get_data(as_text=True)
        assert "2/4" in page
        assert "71" not in page and "điểm · Đồng ý" not in page
        assert "Phiếu chấm của bạn" not in page
        response = client.get(f"/council/{council.id}/minutes.docx")
        assert response.status_code == 302


# Closing and after --------------------------------------------------------------------------


def test_the_chair_is_warned_of_missing_judgements_then_closes(client, login, people, session):
    council = session["council"]
    judge(council, people["chair"], session["other"], approves=True)
    login(people["chair"])
    show = client.get(f"/council/{council.id}").get_data(as_text=True)
    assert f'href="/council/{council.id}/close"' in show
    page = client.get(f"/council/{council.id}/close").get_data(as_text=True)
    assert "Còn thiếu 6 phiếu chấm." in page  # 3 + 4 eligible, 1 judged
    assert "từ hai phần ba (2/3) số thành viên tham gia chấm trở lên" in page
    response = post(client, f"/council/{council.id}/close")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/council/{council.id}/results"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã kết thúc phiên họp: 0 sáng kiến được công nhận, 2 sáng kiến" in page
    again = post(client, f"/council/{council.id}/close")
    assert again.status_code == 303 and again.headers["Location"] == f"/council/{council.id}"
    assert _council(council.id).status == CouncilStatus.CLOSED


def test_results_page_shows_each_member_the_average_and_the_result(client, login, people, closed):
    council = closed["council"]
    login(people["leader"])
    page = client.get(f"/council/{council.id}/results").get_data(as_text=True)
    coauthored = page[page.index('id="result-' + str(closed["coauthored"].id)) :]
    coauthored = coauthored[: coauthored.index("</section>")]
    # 36 + 27 + 27 = 90 from each of the three who judge; "two" co-authored it.
    assert coauthored.count(">90<") == 3
    assert "Không tham gia (tác giả)" in coauthored
    assert "Phiếu đồng ý: 2/3 thành viên tham gia chấm" in coauthored
    assert ">Công nhận<" in coauthored and "Không công nhận" not in coauthored
    other = page[page.index('id="result-' + str(closed["other"].id)) :]
    assert "Phiếu đồng ý: 1/4" in other and "Không công nhận" in other
    assert "Điểm trung bình: 50" in other
    assert db.session.get(Initiative, closed["coauthored"].id).status == (
        InitiativeStatus.RECOGNIZED
    )


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def test_minutes_docx_is_an_nd30_document_with_the_scores(client, login, people, closed):
    council = closed["council"]
    login(people["secretary"])
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client)})
    response = client.get(f"/council/{council.id}/minutes.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    disposition = response.headers["Content-Disposition"]
    assert f'filename="bien-ban-hop-hoi-dong-sang-kien-{council.id}-2026-12-15.docx"' in (
        disposition
    )
    assert "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n" in disposition
    document = Document(io.BytesIO(response.data))
    text = _docx_text(document)
    # Vietnamese fixed texts even though the interface is in English.
    for expected in (
        "UBND TỈNH ĐẮK LẮK",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BIÊN BẢN HỌP HỘI ĐỒNG SÁNG KIẾN",
        "Đắk Lắk, ngày 15 tháng 12 năm 2026",
        "Phòng họp số 1, Văn phòng UBND tỉnh",
        "Ngô Đình Thiện",
        "Chủ tịch Hội đồng",
        "Thư ký Hội đồng",
        "Phạm Thị Mai Anh: sáng kiến “Một cửa điện tử”",
        "hai phần ba (2/3)",
        "THƯ KÝ HỘI ĐỒNG",
        "CHỦ TỊCH HỘI ĐỒNG",
        "Hội đồng thống nhất công nhận 1 sáng kiến, không công nhận 1 sáng kiến",
    ):
        assert expected in text, expected
    assert document.styles["Normal"].font.name == "Times New Roman"
    scores = [
        t for t in document.tables if t.rows[0].cells[0].text == "STT" and len(t.columns) == 7
    ]
    assert len(scores) == 2
    # One table per initiative, by title: "Ký số văn bản", then "Một cửa điện tử".
    first = [[cell.text for cell in row.cells] for row in scores[1].rows]
    assert first[0] == [
        "STT",
        "Thành viên",
        "Tính mới (40)",
        "Khả năng áp dụng (30)",
        "Hiệu quả, lợi ích (30)",
        "Tổng điểm",
        "Ý kiến",
    ]
    assert first[1] == ["1", "Ngô Đình Thiện – Chủ tịch Hội đồng", "36", "27", "27", "90", "Đồng ý"]
    assert first[4][1:] == [
        "Phạm Thị Mai Anh – Ủy viên",
        "—",
        "—",
        "—",
        "—",
        "Không tham gia (tác giả)",
    ]
    assert first[-1][1] == "Điểm trung bình" and first[-1][5] == "90"
    summary = next(t for t in document.tables if t.rows[0].cells[1].text == "Tên sáng kiến")
    assert [cell.text for cell in summary.rows[1].cells][-2:] == ["1/4", "Không công nhận"]
    assert [cell.text for cell in summary.rows[2].cells][-2:] == ["2/3", "Công nhận"]
    assert (
        db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "council.minutes_exported")
        )
        == 1
    )


# Menu and lists ----------------------------------------------------------------------------


def test_menu_entry_for_members_officer_and_leaders_only(client, login, people, session):
    login(people["one"])
    page = client.get("/").get_data(as_text=True)
    assert 'href="/council/"' in page
    listing = client.get("/council/").get_data(as_text=True)
    assert session["council"].name in listing and "Ủy viên" in listing
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(people["outsider"])
    assert 'href="/council/"' not in client.get("/").get_data(as_text=True)
    assert "Bạn không là thành viên hội đồng nào." in client.get("/council/").get_data(as_text=True)


def test_index_lists_every_council_for_the_officer(client, login, people, session, campaign):
    make_council(campaign, people["officer"], name="Hội đồng đợt 2")
    login(people["officer"])
    page = client.get("/council/").get_data(as_text=True)
    assert "Hội đồng đợt 2" in page and session["council"].name in page
    assert 'href="/council/new"' in page


# Queries -------------------------------------------------------------------------------------


def test_session_page_runs_the_same_queries_with_3_and_30_initiatives(
    client, login, people, campaign, count_queries
):
    council = open_council(campaign, people["officer"], _seats(people))

    def add(count: int):
        for _ in range(count):
            author = make_user(commit=False)
            db.session.flush()
            initiative = accepted_initiative(
                campaign, author, [people["two"]], council_id=council.id
            )
            judge(council, people["one"], initiative, approves=True)

    def queries(who) -> int:
        with count_queries() as statements:
            response = client.get(f"/council/{council.id}")
        assert response.status_code == 200
        return len(statements)

    add(3)
    login(people["one"])
    few = queries("one")
    add(27)
    many = queries("one")
    page = client.get(f"/council/{council.id}").get_data(as_text=True)
    assert page.count("100 điểm · Đồng ý") == 30
    assert few == many, (few, many)
    assert db.session.scalar(select(func.count(CouncilMember.id))) == 4
