"""The end-of-period assessment through the test client: the officer's period, the owner's
self-assessment, the head's assessment, who may open what, and where the result shows
(commitment pages, lists, tracking and its workbook, the printable form and its DOCX, home)."""

import io
import re
from datetime import timedelta

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from app.commitments import services
from app.commitments.seal import SealState
from app.extensions import db
from app.models.assessments import AssessmentPeriod, CommitmentAssessment
from app.models.notifications import Notification
from app.web.filters import local_today
from tests.assessment_helpers import (
    assessed,
    confirmed_commitment,
    items_of,
    open_period,
    reload,
    self_assessed,
)
from tests.conftest import post, sign_in
from tests.factories import make_campaign, make_user
from tests.review_helpers import unit_with_head

HTMX = {"HX-Request": "true"}


@pytest.fixture
def office(app):
    campaign = make_campaign()
    unit, head, (member,) = unit_with_head(1, name="Phòng Tổng hợp")
    officer = make_user(roles=("officer",))
    open_period(campaign, officer)
    commitment = confirmed_commitment(campaign, member, head)
    return {
        "campaign": campaign,
        "unit": unit,
        "head": head,
        "member": member,
        "officer": officer,
        "commitment": commitment,
        "item": items_of(commitment)[0],
    }


def _self_url(office) -> str:
    return f"/commitments/{office['commitment'].id}/self-assessment"


def _assess_url(office) -> str:
    return f"/commitments/{office['commitment'].id}/assessment"


# The period --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "unit_head", "leader"])
def test_period_page_is_the_officers_alone(client, login, app, role):
    make_campaign()
    login(role)
    assert client.get("/commitments/assessment-period").status_code == 403
    assert post(client, "/commitments/assessment-period", {}).status_code == 403


def test_period_set_by_the_officer_and_refused_with_its_errors(client, login, app):
    campaign = make_campaign()
    login("officer")
    page = client.get("/commitments/assessment-period").get_data(as_text=True)
    assert "Chưa mở" in page
    today = local_today()
    bad = post(
        client,
        "/commitments/assessment-period",
        {"opens_on": today.isoformat(), "closes_on": (today - timedelta(days=2)).isoformat()},
    )
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Ngày kết thúc phải từ ngày bắt đầu trở đi." in text
    assert f'value="{(today - timedelta(days=2)).isoformat()}"' in text
    assert (
        post(client, "/commitments/assessment-period", {"opens_on": "31/02/2026"}).status_code
        == 422
    )
    assert db.session.get(AssessmentPeriod, campaign.id) is None

    good = post(
        client,
        "/commitments/assessment-period",
        {
            "opens_on": today.isoformat(),
            "closes_on": (today + timedelta(days=7)).strftime("%d/%m/%Y"),
        },
    )
    assert good.status_code == 303
    page = client.get("/commitments/assessment-period").get_data(as_text=True)
    assert "Đang mở" in page or "Open" in page or "badge text-bg-success" in page
    assert db.session.get(AssessmentPeriod, campaign.id).closes_on == today + timedelta(days=7)


def test_token_less_post_is_refused(client, login, office):
    login(office["member"])
    response = client.post(_self_url(office), data={f"rating-{office['item'].id}": "done"})
    assert response.status_code == 400
    assert db.session.scalar(select(CommitmentAssessment.id)) is None


# Self-assessment ---------------------------------------------------------------------------


def test_self_assessment_page_for_the_owner_alone(app, office):
    for someone in (office["head"], make_user(), office["officer"]):
        client = app.test_client()
        sign_in(client, someone.username)
        assert client.get(_self_url(office)).status_code == 403
        assert post(client, _self_url(office), {"self_note": "x"}).status_code == 403


def test_self_assessment_with_a_missing_rating_comes_back_with_the_input_kept(
    client, login, office
):
    login(office["member"])
    item = office["item"]
    response = post(client, _self_url(office), {f"note-{item.id}": "Đã làm 80%", "self_note": "Ổn"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Chọn mức độ hoàn thành của nội dung này." in page
    assert "Đã làm 80%" in page and ">Ổn</textarea>" in page
    assert f'id="rating-{item.id}-error"' in page and 'aria-invalid="true"' in page
    fragment = post(client, _self_url(office), {"self_note": "Ổn"}, headers=HTMX)
    assert fragment.status_code == 422
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="assessment-form">')
    assert db.session.scalar(select(CommitmentAssessment.id)) is None


def test_self_assessment_sent_then_shown_on_my_commitment(client, login, office):
    login(office["member"])
    item = office["item"]
    response = post(
        client, _self_url(office), {f"rating-{item.id}": "partly", f"note-{item.id}": "Còn 20%"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/commitments/#assessment")
    page = client.get("/commitments/").get_data(as_text=True)
    assert "Hoàn thành một phần" in page and "Còn 20%" in page
    assert "Đã tự đánh giá" in page
    assert "Niêm phong hợp lệ" in page
    assert "Sửa đổi" not in page  # no amendment once being assessed

    again = post(client, _self_url(office), {f"rating-{item.id}": "done"}, headers=HTMX)
    assert again.status_code == 204
    assert again.headers["HX-Redirect"].endswith("/commitments/#assessment")
    assert db.session.scalar(select(CommitmentAssessment.self_note)) == ""


def test_self_assessment_outside_the_period_says_so(client, login, app):
    campaign = make_campaign()
    _unit, head, (member,) = unit_with_head(1)
    commitment = confirmed_commitment(campaign, member, head)
    login(member)
    page = client.get(f"/commitments/{commitment.id}/self-assessment").get_data(as_text=True)
    assert "Phòng Hành chính - Quản trị chưa mở đợt đánh giá." in page
    item = items_of(commitment)[0]
    response = post(
        client, f"/commitments/{commitment.id}/self-assessment", {f"rating-{item.id}": "done"}
    )
    assert response.status_code == 303
    assert "Không trong thời gian đánh giá." in client.get("/commitments/").get_data(as_text=True)


# The reviewer's assessment -----------------------------------------------------------------


def test_assessment_page_for_the_reviewer_alone(app, office):
    self_assessed(office["commitment"], office["member"])
    _unit, other_head, _ = unit_with_head(0)
    for someone in (office["member"], other_head, office["officer"], make_user(roles=("leader",))):
        client = app.test_client()
        sign_in(client, someone.username)
        assert client.get(_assess_url(office)).status_code == 403, someone
        assert post(client, _assess_url(office), {"result": "fulfilled"}).status_code == 403
    assert db.session.scalar(select(CommitmentAssessment.result)) is None


def test_head_assesses_from_the_members_list(client, login, office):
    self_assessed(office["commitment"], office["member"], "partly", "Còn thiếu")
    login(office["head"])
    home = client.get("/").get_data(as_text=True)
    assert "1 bản tự đánh giá của công chức đang chờ đồng chí đánh giá" in home
    members = client.get("/commitments/members").get_data(as_text=True)
    assert f'href="{_assess_url(office)}"' in members and "Đã tự đánh giá" in members

    page = client.get(_assess_url(office)).get_data(as_text=True)
    item = office["item"]
    # The owner's rating is chosen for the head, who agrees by keeping it.
    assert re.search(rf'id="rating-{item.id}-partly" value="partly" checked', page)
    assert "Còn thiếu" in page

    missing = post(
        client, _assess_url(office), {f"rating-{item.id}": "done", "result": "not_fulfilled"}
    )
    assert missing.status_code == 422
    assert "Ghi rõ vì sao bản đăng ký không hoàn thành." in missing.get_data(as_text=True)
    assert re.search(
        rf'id="rating-{item.id}-done" value="done" checked', missing.get_data(as_text=True)
    )

    done = post(
        client,
        _assess_url(office),
        {f"rating-{item.id}": "done", "result": "fulfilled", "comment": "Tốt"},
    )
    assert done.status_code == 303 and done.headers["Location"].endswith("/commitments/members")
    page = client.get(f"/commitments/{office['commitment'].id}/review").get_data(as_text=True)
    assert "Hoàn thành" in page and "đã thay đổi" in page
    assert client.get(_assess_url(office)).status_code == 200

    again = post(client, _assess_url(office), {f"rating-{item.id}": "done", "result": "fulfilled"})
    assert again.status_code == 303  # back to the page with the message
    notes = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == office["member"].id)
    ).all()
    assert "commitment.assessed_fulfilled" in notes


def test_assessment_by_htmx_answers_the_form_or_a_location(client, login, office):
    self_assessed(office["commitment"], office["member"])
    login(office["head"])
    bad = post(client, _assess_url(office), {"result": ""}, headers=HTMX)
    assert bad.status_code == 422
    assert bad.get_data(as_text=True).lstrip().startswith('<div id="assessment-form">')
    item = office["item"]
    good = post(
        client,
        _assess_url(office),
        {f"rating-{item.id}": "done", "result": "fulfilled"},
        headers=HTMX,
    )
    assert good.status_code == 204 and good.headers["HX-Redirect"].endswith("/commitments/members")


# Where the result shows --------------------------------------------------------------------


def _assessed(office, result="fulfilled", comment="Hoàn thành tốt nhiệm vụ"):
    self_assessed(office["commitment"], office["member"], "partly", "Đã số hóa 80%")
    assessed(office["commitment"], office["head"], result, rating="done", comment=comment)


def test_tracking_page_and_workbook_show_the_assessment(client, login, office):
    _assessed(office)
    login("officer")
    page = client.get("/commitments/tracking").get_data(as_text=True)
    assert "Đánh giá cuối kỳ bản đăng ký thi đua của cá nhân" in page
    assert re.search(r'id="assessed-fulfilled">1<', page)
    fragment = client.get("/commitments/tracking?unit=" + str(office["unit"].id), headers=HTMX)
    assert "assessment-tracking" in fragment.get_data(as_text=True)

    response = client.get("/commitments/tracking.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[-2:] == ["Đánh giá cuối kỳ", "Kết quả đánh giá"]
    by_unit = list(book["Đánh giá cuối kỳ"].values)
    assert by_unit[0][:6] == (
        "Đơn vị",
        "Đã xác nhận",
        "Chưa tự đánh giá",
        "Chờ đánh giá",
        "Hoàn thành",
        "Không hoàn thành",
    )
    row = next(r for r in by_unit if r[0] == "Phòng Tổng hợp")
    assert row[1:7] == (1, 0, 0, 1, 0, 100)
    people = list(book["Kết quả đánh giá"].values)
    assert people[1][0] == office["member"].full_name
    assert people[1][2] == "Phòng Tổng hợp"
    assert people[1][3:11] == (0, 1, 0, 1, 0, 0, "Hoàn thành", office["head"].full_name)
    assert people[1][11] == "Hoàn thành tốt nhiệm vụ"


def test_printable_form_and_docx_carry_the_assessment_after_the_seal(client, login, office):
    _assessed(office, "not_fulfilled", "Chưa đạt chỉ tiêu")
    login(office["head"])
    number = reload(office["commitment"]).current_number
    base = f"/commitments/{office['commitment'].id}/versions/{number}"
    page = client.get(base + "/print").get_data(as_text=True)
    assert "ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN" in page and "Không hoàn thành" in page
    assert "Niêm phong hợp lệ" in page
    document = Document(io.BytesIO(client.get(base + "/print.docx").data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN" in text
    assert "Kết quả đánh giá: Không hoàn thành" in text and "Nhận xét: Chưa đạt chỉ tiêu" in text
    table = document.tables[-1]
    assert [c.text for c in table.rows[0].cells] == [
        "STT",
        "Nội dung đăng ký",
        "Tự đánh giá",
        "Đánh giá của Thủ trưởng đơn vị",
    ]
    assert [c.text for c in table.rows[1].cells] == [
        "1.1",
        "Số hóa hồ sơ công việc",
        "Hoàn thành một phần\nĐã số hóa 80%",
        "Đã hoàn thành",
    ]
    commitment = reload(office["commitment"])
    version = services.latest_version(commitment)
    assert services.seal_state(commitment, version) == SealState.VALID


def test_home_tells_the_owner_to_self_assess_then_shows_the_result(client, login, office):
    login(office["member"])
    home = client.get("/").get_data(as_text=True)
    assert "Tự đánh giá kết quả thực hiện bản đăng ký thi đua (hạn đến" in home
    assert f'href="{_self_url(office)}"' in home
    _assessed(office)
    home = client.get("/").get_data(as_text=True)
    assert "Tự đánh giá kết quả thực hiện bản đăng ký" not in home
    assert 'assessment-badge">Hoàn thành<' in home


def test_officer_sees_units_waiting_for_assessment(client, login, office):
    from tests.assessment_helpers import confirmed_unit_commitment

    commitment = confirmed_unit_commitment(
        office["campaign"], office["unit"], office["head"], office["officer"]
    )
    self_assessed(commitment, office["head"])
    login(office["officer"])
    home = client.get("/").get_data(as_text=True)
    assert "1 bản tự đánh giá đang chờ đồng chí đánh giá" in home
    units = client.get("/commitments/units").get_data(as_text=True)
    assert f'href="/commitments/{commitment.id}/assessment"' in units


def test_head_downloads_the_members_with_their_assessment(app, client, login, office):
    _assessed(office)
    other = make_user(unit=office["unit"], full_name="Trần Văn Bình")
    login(office["head"])
    page = client.get("/commitments/members").get_data(as_text=True)
    assert 'href="/commitments/members.xlsx"' in page
    response = client.get("/commitments/members.xlsx")
    assert response.status_code == 200
    rows = {row[0]: row for row in load_workbook(io.BytesIO(response.data)).active.values}
    assert rows["Họ và tên"][3:6] == (
        "Bản đăng ký",
        "Đánh giá cuối kỳ",
        "Tự đánh giá: Đã hoàn thành",
    )
    member = rows[office["member"].full_name]
    assert member[1:5] == ("Chuyên viên", "Phòng Tổng hợp", "Đã xác nhận", "Đã đánh giá")
    assert member[5:12] == (0, 1, 0, 1, 0, 0, "Hoàn thành")
    assert rows[other.full_name][3:5] == ("Chưa lập", None)
    for someone in (office["member"], office["officer"]):
        outsider = app.test_client()
        sign_in(outsider, someone.username)
        assert outsider.get("/commitments/members.xlsx").status_code == 403
