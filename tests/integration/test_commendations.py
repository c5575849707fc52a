"""Commendations through the test client: who reaches what, the list and its filters (with and
without htmx), proposing one and many, editing, withdrawing, approving from the leader's home,
declining, the decision, the XLSX and DOCX read back, and the number of queries."""

import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from app.commendations import queries, services
from app.extensions import db
from app.models.campaigns import AppliesTo, CommendationForm
from app.models.commendations import Commendation
from tests.assessment_helpers import fulfilled, open_period, recognized_initiative, votes_for
from tests.conftest import post, sign_in
from tests.factories import make_campaign, make_user
from tests.review_helpers import TODAY, seen, unit_with_head

HTMX = {"HX-Request": "true"}


def _form(campaign, applies_to=AppliesTo.INDIVIDUAL) -> CommendationForm:
    return db.session.scalar(
        select(CommendationForm)
        .where(
            CommendationForm.campaign_id == campaign.id,
            CommendationForm.applies_to == applies_to,
        )
        .order_by(CommendationForm.position)
    )


@pytest.fixture
def office(app):
    campaign = make_campaign()
    unit, head, _ = unit_with_head(name="Phòng Tổng hợp")
    anh = make_user(full_name="Phạm Thị Mai Anh", unit=unit, position="Chuyên viên")
    officer = make_user(roles=("officer",), username="thidua")
    leader = make_user(roles=("leader",), username="lanhdao", full_name="Hoàng Minh Đức")
    open_period(campaign, officer)
    fulfilled(campaign, anh, head)
    initiative = recognized_initiative(campaign, anh, title="Ứng dụng chữ ký số")
    votes_for(campaign, [(initiative, 2)], officer=officer)
    return {
        "campaign": campaign,
        "unit": unit,
        "head": head,
        "anh": anh,
        "officer": officer,
        "leader": leader,
        "form": _form(campaign),
    }


def _proposal(office) -> Commendation:
    return services.propose(
        seen(office["officer"]), office["campaign"], office["form"].id, user_id=office["anh"].id
    )


def _client(app, user):
    client = app.test_client()
    sign_in(client, user.username)
    return client


# Who reaches what --------------------------------------------------------------------------


def _paths(office, commendation) -> dict[str, list[str]]:
    cid, fid = commendation.id, office["form"].id
    return {
        "read": ["/commendations/", f"/commendations/{cid}", "/commendations/list.xlsx"],
        "propose": [
            "/commendations/new",
            "/commendations/eligible",
            f"/commendations/eligible?form={fid}",
            f"/commendations/{cid}/edit",
            "/commendations/decision",
        ],
        "propose_post": [
            "/commendations/new",
            "/commendations/eligible",
            f"/commendations/forms/{fid}/rule",
            f"/commendations/{cid}/edit",
            f"/commendations/{cid}/withdraw",
            "/commendations/decision",
        ],
        "decide_post": [f"/commendations/{cid}/approve", f"/commendations/{cid}/decline"],
    }


@pytest.mark.parametrize("role", ["staff", "unit_head", "comms", "admin"])
def test_only_the_officer_and_leaders_reach_commendations(app, office, role):
    paths = _paths(office, _proposal(office))
    client = _client(app, make_user(roles=() if role == "staff" else (role,)))
    for path in paths["read"] + paths["propose"]:
        assert client.get(path).status_code == 403, path
    for path in paths["propose_post"] + paths["decide_post"]:
        assert post(client, path, {}).status_code == 403, path
    assert "/commendations/" not in client.get("/").get_data(as_text=True)


def test_anonymous_is_sent_to_sign_in(client, office):
    response = client.get("/commendations/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_leaders_read_and_decide_but_do_not_propose(app, office):
    commendation = _proposal(office)
    paths = _paths(office, commendation)
    client = _client(app, office["leader"])
    for path in paths["read"]:
        assert client.get(path).status_code == 200, path
    for path in paths["propose"]:
        assert client.get(path).status_code == 403, path
    for path in paths["propose_post"]:
        assert post(client, path, {}).status_code == 403, path
    assert db.session.get(Commendation, commendation.id).status == "proposed"


def test_the_officer_does_not_decide(app, office):
    commendation = _proposal(office)
    client = _client(app, office["officer"])
    for path in _paths(office, commendation)["decide_post"]:
        assert post(client, path, {"reason": "x"}).status_code == 403, path
    assert db.session.get(Commendation, commendation.id).status == "proposed"


def test_token_less_post_is_refused(app, office):
    commendation = _proposal(office)
    client = _client(app, office["leader"])
    assert client.post(f"/commendations/{commendation.id}/approve").status_code == 400
    assert db.session.get(Commendation, commendation.id).status == "proposed"


# The list ------------------------------------------------------------------------------------


def test_list_filters_with_and_without_htmx(app, office):
    _proposal(office)
    client = _client(app, office["officer"])
    page = client.get("/commendations/").get_data(as_text=True)
    assert "Phạm Thị Mai Anh" in page and '<option value="proposed"' in page
    fragment = client.get("/commendations/?status=approved", headers=HTMX)
    text = fragment.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="results">')
    assert "Phạm Thị Mai Anh" not in text and "Không có đề nghị nào phù hợp" in text
    assert "HX-Request" in fragment.headers.get("Vary", "")
    units = client.get("/commendations/?kind=unit&status=nonsense").get_data(as_text=True)
    assert "Phạm Thị Mai Anh" not in units


# Eligibility and proposing -----------------------------------------------------------------


def test_eligible_list_proposes_in_one_step(app, office):
    client = _client(app, office["officer"])
    form = office["form"]
    page = client.get(f"/commendations/eligible?form={form.id}").get_data(as_text=True)
    assert "Phạm Thị Mai Anh" in page and 'name="ids"' in page
    assert re.search(r'data-label="Số phiếu" class="text-sm-end">2<', page)
    assert re.search(r'data-label="Đánh giá cuối kỳ">\s*<span[^>]*>Hoàn thành<', page)

    none = post(client, "/commendations/eligible", {"form_id": form.id})
    assert none.status_code == 422
    assert "Đánh dấu ít nhất một người (tập thể) đủ điều kiện." in none.get_data(as_text=True)

    done = post(client, "/commendations/eligible", {"form_id": form.id, "ids": office["anh"].id})
    assert done.status_code == 303
    commendation = db.session.scalar(select(Commendation))
    assert "“Ứng dụng chữ ký số”" in commendation.achievement
    page = client.get(f"/commendations/eligible?form={form.id}").get_data(as_text=True)
    assert f'href="/commendations/{commendation.id}"' in page
    assert "Tất cả những người (tập thể) đủ điều kiện đã được đề nghị hình thức này." in page


def test_rule_form_saves_or_comes_back_with_its_errors(app, office):
    client = _client(app, office["officer"])
    url = f"/commendations/forms/{office['form'].id}/rule"
    bad = post(client, url, {"min_initiatives": "abc", "min_votes": "2"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Nhập số nguyên từ 0 đến 10000." in text and 'value="abc"' in text
    empty = post(client, url, {"min_initiatives": "0", "min_votes": "0"})
    assert empty.status_code == 422
    assert "Đặt ít nhất một điều kiện." in empty.get_data(as_text=True)
    good = post(client, url, {"min_initiatives": "0", "requires_fulfilled": "y", "min_votes": "3"})
    assert good.status_code == 303
    assert queries.rule_of(office["form"]) == queries.Rule(0, True, 3)
    page = client.get(good.headers["Location"]).get_data(as_text=True)
    assert "Chưa có ai đạt điều kiện này." in page  # Anh has 2 votes


def test_propose_one_with_a_drafted_then_edited_text(app, office):
    client = _client(app, office["officer"])
    form, anh = office["form"], office["anh"]
    page = client.get(f"/commendations/new?form={form.id}&user={anh.id}").get_data(as_text=True)
    assert "“Ứng dụng chữ ký số”" in page  # drafted at once
    found = client.get(f"/commendations/new?form={form.id}&find=mai anh")
    assert f'value="{anh.id}"' in found.get_data(as_text=True)
    drafted = post(
        client,
        f"/commendations/new?form={form.id}",
        {
            "form_id": form.id,
            "user_id": anh.id,
            "achievement": "",
            "action": "draft",
        },
    )
    assert drafted.status_code == 200 and "2 phiếu bình chọn" in drafted.get_data(as_text=True)
    nobody = post(
        client,
        f"/commendations/new?form={form.id}",
        {"form_id": form.id, "achievement": "", "action": "draft"},
    )
    assert nobody.status_code == 422
    assert "Chọn người được đề nghị trước." in nobody.get_data(as_text=True)
    missing = post(
        client,
        f"/commendations/new?form={form.id}",
        {
            "form_id": form.id,
            "user_id": anh.id,
            "achievement": " ",
            "action": "propose",
        },
    )
    assert missing.status_code == 422 and "Nhập thành tích." in missing.get_data(as_text=True)
    done = post(
        client,
        f"/commendations/new?form={form.id}",
        {
            "form_id": form.id,
            "user_id": anh.id,
            "achievement": "Hoàn thành xuất sắc nhiệm vụ.",
            "action": "propose",
        },
    )
    assert done.status_code == 303
    again = post(
        client,
        f"/commendations/new?form={form.id}",
        {
            "form_id": form.id,
            "user_id": anh.id,
            "achievement": "Lần hai",
            "action": "propose",
        },
    )
    assert again.status_code == 422
    assert "Cá nhân (tập thể) này đã được đề nghị hình thức khen thưởng này." in again.get_data(
        as_text=True
    )
    assert db.session.query(Commendation).count() == 1


def test_propose_a_unit(app, office):
    client = _client(app, office["officer"])
    form = _form(office["campaign"], AppliesTo.UNIT)
    done = post(
        client,
        f"/commendations/new?form={form.id}",
        {
            "form_id": form.id,
            "unit_id": office["unit"].id,
            "achievement": "Tập thể hoàn thành xuất sắc.",
            "action": "propose",
        },
    )
    assert done.status_code == 303
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Tập thể Phòng Tổng hợp" in page


def test_edit_with_htmx_and_draft_again(app, office):
    commendation = _proposal(office)
    client = _client(app, office["officer"])
    url = f"/commendations/{commendation.id}/edit"
    bad = post(client, url, {"achievement": ""}, headers=HTMX)
    assert bad.status_code == 422
    assert bad.get_data(as_text=True).lstrip().startswith('<div id="achievement-form"')
    again = post(client, url, {"achievement": "x", "action": "draft"}, headers=HTMX)
    assert again.status_code == 200 and "Ứng dụng chữ ký số" in again.get_data(as_text=True)
    saved = post(client, url, {"achievement": "Thành tích đã sửa"}, headers=HTMX)
    assert saved.status_code == 204
    assert saved.headers["HX-Redirect"] == f"/commendations/{commendation.id}"
    assert db.session.get(Commendation, commendation.id).achievement == "Thành tích đã sửa"


def test_withdraw(app, office):
    commendation_id = _proposal(office).id
    client = _client(app, office["officer"])
    assert post(client, f"/commendations/{commendation_id}/withdraw").status_code == 303
    assert db.session.get(Commendation, commendation_id) is None


# Deciding ----------------------------------------------------------------------------------


def test_leader_approves_from_home_and_comes_back_home(app, office):
    commendation = _proposal(office)
    client = _client(app, office["leader"])
    home = client.get("/").get_data(as_text=True)
    assert "1 đề nghị khen thưởng đang chờ đồng chí phê duyệt" in home
    assert f'action="/commendations/{commendation.id}/approve"' in home
    response = post(client, f"/commendations/{commendation.id}/approve", {"next": "/"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert db.session.get(Commendation, commendation.id).status == "approved"
    assert "Không có đề nghị khen thưởng nào đang chờ" in client.get("/").get_data(as_text=True)


def test_approve_ignores_a_next_outside_the_site(app, office):
    commendation = _proposal(office)
    client = _client(app, office["leader"])
    response = post(
        client, f"/commendations/{commendation.id}/approve", {"next": "https://example.com/"}
    )
    assert response.headers["Location"] == f"/commendations/{commendation.id}"


def test_decline_needs_a_reason_beside_its_field(app, office):
    commendation = _proposal(office)
    client = _client(app, office["leader"])
    url = f"/commendations/{commendation.id}/decline"
    missing = post(client, url, {"reason": ""})
    assert missing.status_code == 422
    assert 'id="reason-error"' in missing.get_data(as_text=True)
    assert post(client, url, {"reason": "Chưa đủ điều kiện"}).status_code == 303
    assert db.session.get(Commendation, commendation.id).status == "declined"


def test_decision_recorded_for_the_ticked_approved_proposals(app, office):
    commendation = _proposal(office)
    services.approve(seen(office["leader"]), queries.load(commendation.id))
    client = _client(app, office["officer"])
    page = client.get(f"/commendations/decision?ids={commendation.id}").get_data(as_text=True)
    assert re.search(rf'value="{commendation.id}" id="decide-{commendation.id}" checked', page)
    missing = post(client, "/commendations/decision", {"number": "", "ids": commendation.id})
    assert missing.status_code == 422
    text = missing.get_data(as_text=True)
    assert "Nhập số quyết định." in text and "Nhập ngày ký quyết định." in text
    none = post(client, "/commendations/decision", {"number": "12/QĐ-VP", "day": "2026-12-20"})
    assert none.status_code == 422
    assert "Đánh dấu ít nhất một đề nghị đã phê duyệt." in none.get_data(as_text=True)
    done = post(
        client,
        "/commendations/decision",
        {"number": "12/QĐ-VP", "day": "20/12/2026", "ids": commendation.id},
    )
    assert done.status_code == 303
    page = client.get(f"/commendations/{commendation.id}").get_data(as_text=True)
    assert "Số 12/QĐ-VP ngày 20/12/2026" in page


# Documents -----------------------------------------------------------------------------------


def test_xlsx_and_docx_read_back_with_names_and_figures(app, office):
    commendation = _proposal(office)
    services.approve(seen(office["leader"]), queries.load(commendation.id))
    services.record_decision(
        seen(office["officer"]), [queries.load(commendation.id)], "125/QĐ-VPUBND", TODAY
    )
    client = _client(app, office["officer"])
    xlsx = client.get("/commendations/list.xlsx")
    assert (
        "Danh%20s%C3%A1ch%20%C4%91%E1%BB%81%20ngh%E1%BB%8B" in xlsx.headers["Content-Disposition"]
    )
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.values)
    assert rows[0][:6] == (
        "STT",
        "Họ và tên / Tập thể",
        "Chức vụ",
        "Đơn vị",
        "Hình thức khen thưởng",
        "Thành tích",
    )
    assert rows[1][:5] == (
        1,
        "Phạm Thị Mai Anh",
        "Chuyên viên",
        "Phòng Tổng hợp",
        office["form"].name,
    )
    assert rows[1][6:8] == ("Đã phê duyệt", "125/QĐ-VPUBND")

    document = Document(io.BytesIO(client.get("/commendations/list.docx").data))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    assert document.styles["Normal"].font.name == "Times New Roman"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" in text
    assert "Kèm theo Quyết định số 125/QĐ-VPUBND ngày 25 tháng 11 năm 2026" in text
    assert "Tổng cộng: 1 (tập thể: 0; cá nhân: 1)." in text
    table = document.tables[-1]
    assert [c.text for c in table.rows[0].cells] == [
        "STT",
        "Họ và tên / Tập thể",
        "Chức vụ",
        "Đơn vị",
        "Hình thức khen thưởng",
        "Thành tích",
    ]
    cells = [c.text for c in table.rows[1].cells]
    assert cells[:5] == [
        "1",
        "Phạm Thị Mai Anh",
        "Chuyên viên",
        "Phòng Tổng hợp",
        office["form"].name,
    ]
    assert "Ứng dụng chữ ký số" in cells[5]


# Query counts ----------------------------------------------------------------------------------


def _bulk_people(campaign, unit, start: int, count: int) -> list[int]:
    """`count` people of the unit, each with a confirmed commitment assessed as fulfilled and a
    recognized initiative, inserted in bulk (the services would take minutes for 200)."""
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from app.models.assessments import CommitmentAssessment
    from app.models.commitments import Commitment, CommitmentVersion
    from app.models.directory import User
    from app.models.initiatives import Initiative, InitiativeAuthor

    now = datetime.now(UTC)
    ids = []
    for n in range(start, start + count):
        user = User(
            username=f"nguoi{n}",
            full_name=f"Nguyễn Văn Thử {n}",
            position="Chuyên viên",
            unit_id=unit.id,
        )
        db.session.add(user)
        ids.append(user)
    db.session.flush()
    ids = [user.id for user in ids]
    commitments = db.session.scalars(
        insert(Commitment).returning(Commitment.id),
        [
            {"campaign_id": campaign.id, "kind": "individual", "user_id": i, "status": "confirmed"}
            for i in ids
        ],
    ).all()
    versions = db.session.scalars(
        insert(CommitmentVersion).returning(CommitmentVersion.id),
        [
            {
                "commitment_id": c,
                "number": 1,
                "status": "confirmed",
                "signed_at": now,
                "digest": "0" * 64,
                "seal": "0" * 64,
            }
            for c in commitments
        ],
    ).all()
    db.session.execute(
        insert(CommitmentAssessment),
        [
            {
                "commitment_id": c,
                "version_id": v,
                "status": "assessed",
                "result": "fulfilled",
                "assessed_at": now,
            }
            for c, v in zip(commitments, versions, strict=True)
        ],
    )
    initiatives = db.session.scalars(
        insert(Initiative).returning(Initiative.id),
        [
            {
                "campaign_id": campaign.id,
                "unit_id": unit.id,
                "status": "recognized",
                "year": 2026,
                "title": f"Sáng kiến {i}",
            }
            for i in ids
        ],
    ).all()
    db.session.execute(
        insert(InitiativeAuthor),
        [
            {"initiative_id": initiative, "user_id": i, "is_main": True, "share": 100}
            for initiative, i in zip(initiatives, ids, strict=True)
        ],
    )
    db.session.commit()
    return ids


@pytest.mark.parametrize(
    "path", ["/commendations/?status=proposed", "/commendations/eligible?form={form}"]
)
def test_list_and_eligibility_run_the_same_queries_for_10_and_200_people(app, count_queries, path):
    campaign = make_campaign()
    unit, _head, _ = unit_with_head()
    officer = make_user(roles=("officer",))
    form = _form(campaign)
    client = _client(app, officer)
    url = path.format(form=form.id)
    counts = []
    for start, count in ((0, 10), (10, 190)):
        ids = _bulk_people(campaign, unit, start, count)
        services.propose_many(seen(officer), campaign, form, ids)
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(statements))
    page = response.get_data(as_text=True)
    assert page.count("Nguyễn Văn Thử") >= 200
    assert counts[0] == counts[1]


def test_a_form_with_proposals_cannot_be_deleted_from_the_campaign(app, office):
    _proposal(office)
    client = _client(app, office["officer"])
    form = office["form"]
    url = f"/campaigns/{office['campaign'].id}/items/commendation-form/{form.id}/delete"
    response = post(client, url, follow_redirects=True)
    assert "Hình thức khen thưởng này đã có đề nghị nên không thể xóa." in response.get_data(
        as_text=True
    )
    assert db.session.get(CommendationForm, form.id) is not None
