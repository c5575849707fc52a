"""Reports (báo cáo sơ kết, tổng kết): who may write and read them, the form with its errors,
the DOCX laid out per Nghị định 30/2020/NĐ-CP with figures equal to the database's, the data
workbook with a sheet per content area, and the same number of queries whatever the staff."""

import io
import os
import re
import shutil
import subprocess
from datetime import date, timedelta

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, insert, select

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.campaigns import ContentArea
from app.models.commitments import Commitment
from app.models.directory import User
from app.models.initiatives import Initiative, InitiativeStatus
from app.models.reports import Report
from app.reminders import services as reminders
from app.voting import services as voting
from app.web.filters import local_today
from tests.conftest import post
from tests.factories import make_campaign, make_unit, make_user, password_hash
from tests.initiative_helpers import make_leader, make_officer, make_submitted, set_status
from tests.review_helpers import seen, signed_commitment, unit_with_head
from tests.survey_helpers import answer_all, make_survey
from tests.voting_helpers import candidates, close, make_round

RECOGNIZED_TITLE = "Số hóa quy trình tiếp nhận văn bản đến"


@pytest.fixture
def office(app):
    campaign = make_campaign()
    first, second = make_unit(name="Phòng Tổng hợp"), make_unit(name="Phòng Kinh tế")
    officer = make_officer()
    people = [make_user(unit=first) for _ in range(4)] + [make_user(unit=second) for _ in range(2)]
    for person in people[:3]:
        signed_commitment(campaign, person)
    recognized = make_submitted(people[0], campaign, title=RECOGNIZED_TITLE)
    set_status(recognized, InitiativeStatus.RECOGNIZED)
    make_submitted(people[4], campaign, title='=HYPERLINK("http://x")')
    return {
        "campaign": campaign,
        "first": first,
        "second": second,
        "officer": officer,
        "people": people,
        "recognized": recognized,
    }


def _report(office, **fields) -> Report:
    today = local_today()
    report = Report(
        campaign_id=office["campaign"].id,
        kind=fields.pop("kind", "interim"),
        period_start=today - timedelta(days=30),
        period_end=today,
        subject="Sơ kết Phong trào thi đua năm 2026",
        organisation="Đã quán triệt kế hoạch đến toàn thể công chức.",
        recipients="- UBND tỉnh (để báo cáo);\n- Lưu: VT, HCQT.",
        signer_title="KT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG",
        signer_name="Hoàng Minh Đức",
        **fields,
    )
    db.session.add(report)
    db.session.commit()
    return report


def _form(**fields) -> dict:
    today = local_today()
    data = {
        "kind": "interim",
        "period_start": (today - timedelta(days=30)).isoformat(),
        "period_end": today.isoformat(),
        "number": "",
        "issued_on": "",
        "subject": "Sơ kết Phong trào thi đua 6 tháng",
        "organisation": "Dòng một\nDòng hai",
        "strengths": "Ưu điểm",
        "weaknesses": "",
        "lessons": "",
        "next_steps": "Tiếp tục đôn đốc",
        "proposals": "",
        "recipients": "- Lưu: VT.",
        "signer_title": "CHÁNH VĂN PHÒNG",
        "signer_name": "Ngô Đình Thiện",
    }
    data.update(fields)
    return data


# Who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "unit_head", "comms", "admin"])
def test_only_the_officer_and_leaders_reach_reports(client, login, office, role):
    report = _report(office)
    login(role)
    for url in (
        "/reports/",
        "/reports/new",
        f"/reports/{report.id}",
        f"/reports/{report.id}/edit",
        f"/reports/{report.id}/report.docx",
        f"/reports/{report.id}/data.xlsx",
    ):
        assert client.get(url).status_code == 403, url
    assert post(client, f"/reports/{report.id}/delete").status_code == 403


def test_a_leader_reads_and_downloads_but_does_not_write(client, login, office):
    report = _report(office)
    login(make_leader())
    index = client.get("/reports/").get_data(as_text=True)
    assert report.subject in index and "/reports/new" not in index
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert f"/reports/{report.id}/edit" not in page
    assert client.get(f"/reports/{report.id}/report.docx").status_code == 200
    assert client.get(f"/reports/{report.id}/data.xlsx").status_code == 200
    assert client.get("/reports/new").status_code == 403
    assert client.get(f"/reports/{report.id}/edit").status_code == 403
    assert post(client, f"/reports/{report.id}/delete").status_code == 403
    assert db.session.get(Report, report.id) is not None


def test_anonymous_is_sent_to_sign_in(client, office):
    response = client.get("/reports/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_unknown_report_is_404(client, login, office):
    login(office["officer"])
    assert client.get("/reports/999").status_code == 404
    assert client.get("/reports/999/report.docx").status_code == 404


# Writing ------------------------------------------------------------------------------------


def test_a_new_report_starts_drafted_from_the_plan_and_the_data(client, login, office):
    login(office["officer"])
    page = client.get("/reports/new?kind=final").get_data(as_text=True)
    campaign = office["campaign"]
    assert f"Tổng kết {campaign.name} (từ ngày" in page
    assert "thi đua “Phong trào" not in page  # the seeded name says "Phong trào" already
    assert f'value="{campaign.starts_on.isoformat()}"' in page
    assert f'value="{campaign.ends_on.isoformat()}"' in page
    staff = db.session.scalar(select(func.count(User.id)).where(User.is_active.is_(True)))
    share = f"{100 * 3 / staff:.1f}".replace(".", ",").replace(",0", "")
    assert f"đạt {share}%" in page  # 3 signed, in the drafted strengths
    assert "Ban Thi đua - Khen thưởng" in page


def test_the_officer_writes_a_report_then_edits_and_deletes_it(client, login, office):
    login(office["officer"])
    response = post(client, "/reports/new", _form())
    assert response.status_code == 303
    report = db.session.scalar(select(Report))
    assert response.headers["Location"].endswith(f"/reports/{report.id}")
    assert report.organisation == "Dòng một\nDòng hai" and report.issued_on is None
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Sơ kết Phong trào thi đua 6 tháng" in page and "Dòng hai" in page
    assert RECOGNIZED_TITLE in page

    edited = post(client, f"/reports/{report.id}/edit", _form(number="15/BC-VPUBND"))
    assert edited.status_code == 303
    db.session.refresh(report)
    assert report.number == "15/BC-VPUBND"
    assert post(client, f"/reports/{report.id}/delete").status_code == 303
    assert db.session.scalar(select(func.count(Report.id))) == 0
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert [a for a in actions if a.startswith("report.")] == [
        "report.created",
        "report.updated",
        "report.deleted",
    ]


def test_bad_input_comes_back_beside_the_fields_and_nothing_is_saved(client, login, office):
    login(office["officer"])
    today = local_today()
    response = post(
        client,
        "/reports/new",
        _form(
            subject="",
            period_start=today.isoformat(),
            period_end=(today - timedelta(days=1)).isoformat(),
            issued_on="31/02/2026",
            number="x" * 61,
            strengths="Giữ nguyên đoạn này",
        ),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="subject-error"' in page and "Nhập trích yếu của báo cáo." in page
    assert 'id="period_end-error"' in page
    assert 'id="issued_on-error"' in page
    assert 'id="number-error"' in page
    assert "Giữ nguyên đoạn này" in page
    assert db.session.scalar(select(func.count(Report.id))) == 0


def test_a_report_without_the_csrf_token_is_refused(client, login, office):
    login(office["officer"])
    response = client.post("/reports/new", data=_form())
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Report.id))) == 0


# The documents ------------------------------------------------------------------------------


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _row(document, first_cell: str) -> list[str]:
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text for cell in row.cells]
            if cells[0].strip() == first_cell:
                return cells
    raise AssertionError(f"no row {first_cell!r}")


def test_the_docx_is_laid_out_as_an_administrative_document(client, login, office):
    report = _report(office, number="15/BC-VPUBND", issued_on=date(2026, 12, 4))
    login(office["officer"])
    response = client.get(f"/reports/{report.id}/report.docx")
    assert response.status_code == 200
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o" in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.data))
    section = document.sections[0]
    mm = {
        name: round(getattr(section, name).mm, 1)
        for name in (
            "page_width",
            "page_height",
            "top_margin",
            "bottom_margin",
            "left_margin",
            "right_margin",
        )
    }
    assert (mm["page_width"], mm["page_height"]) == (210, 297)
    assert 20 <= mm["top_margin"] <= 25 and 20 <= mm["bottom_margin"] <= 25
    assert 30 <= mm["left_margin"] <= 35 and 15 <= mm["right_margin"] <= 20
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert 13 <= document.styles["Normal"].font.size.pt <= 14
    header = [cell.text for cell in document.tables[0].rows[0].cells]
    assert "UBND TỈNH ĐẮK LẮK\nVĂN PHÒNG" in header[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc" in header[1]
    number_line = [cell.text for cell in document.tables[1].rows[0].cells]
    assert number_line == ["Số: 15/BC-VPUBND", "Đắk Lắk, ngày 04 tháng 12 năm 2026"]
    text = _all_text(document)
    for expected in (
        "BÁO CÁO",
        report.subject,
        "I. KẾT QUẢ THỰC HIỆN",
        "Đã quán triệt kế hoạch đến toàn thể công chức.",
        "II. ĐÁNH GIÁ CHUNG",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
        "Nơi nhận:",
        "- UBND tỉnh (để báo cáo);",
        "KT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG",
        "Hoàng Minh Đức",
        RECOGNIZED_TITLE,
    ):
        assert expected in text, expected
    assert "3. Bài học kinh nghiệm" not in text  # a final report's only
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            assert run.font.name in (None, "Times New Roman")


def test_the_docx_figures_equal_the_database(client, login, office):
    round_ = make_round(
        office["campaign"], candidates(office["campaign"], 2), office["officer"], max_votes=1
    )
    round_title, voted_title = round_.title, round_.candidates[1].title
    voting.cast_vote(round_, seen(office["people"][5]), round_.candidates[1].id, voting.now_utc())
    close(round_)
    survey = make_survey(office["campaign"], office["officer"])
    answer_all(survey, office["people"][3], {"Kế hoạch thực hiện văn bản nào?": "Kế hoạch 146"})
    survey_title = survey.title
    report = _report(office)
    login(office["officer"])
    document = Document(io.BytesIO(client.get(f"/reports/{report.id}/report.docx").data))
    staff = db.session.scalar(select(func.count(User.id)).where(User.is_active.is_(True)))
    signed = db.session.scalar(
        select(func.count(Commitment.id)).where(Commitment.status == "signed")
    )
    total = _row(document, "Toàn cơ quan")
    assert total[1:3] == [str(staff), str(signed)]
    assert _row(document, "Phòng Tổng hợp")[1:4] == ["4", "3", "75%"]
    assert _row(document, "Phòng Kinh tế")[1:4] == ["2", "0", "0%"]
    text = _all_text(document)
    assert f"{signed}/{staff} công chức, viên chức, người lao động đã ký" in text
    submitted = db.session.scalar(
        select(func.count(Initiative.id)).where(Initiative.status != InitiativeStatus.DRAFT)
    )
    assert submitted == 4  # two of the office, two candidates of the round
    assert f"Toàn cơ quan có {submitted} sáng kiến, giải pháp đã nộp" in text
    assert "1 sáng kiến được công nhận" in text
    assert f"Đợt bình chọn “{round_title}”" in text
    assert re.search(r"1/\d+ người tham gia bình chọn", text)
    assert f"“{voted_title}” (1 phiếu)" in text
    survey_row = _row(document, survey_title)
    assert survey_row[3] == "1"


def test_the_final_report_has_its_lessons_section(client, login, office):
    report = _report(office, kind="final", lessons="Phát huy vai trò người đứng đầu.")
    login(office["officer"])
    text = _all_text(Document(io.BytesIO(client.get(f"/reports/{report.id}/report.docx").data)))
    assert "3. Bài học kinh nghiệm" in text and "Phát huy vai trò người đứng đầu." in text
    assert "báo cáo tổng kết" in text


def test_the_workbook_has_a_sheet_per_content_area_and_the_figures(client, login, office):
    report = _report(office)
    login(office["officer"])
    response = client.get(f"/reports/{report.id}/data.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    areas = db.session.scalars(
        select(ContentArea)
        .where(ContentArea.campaign_id == office["campaign"].id)
        .order_by(ContentArea.position)
    ).all()
    assert book.sheetnames == [
        "Tổng hợp",
        "Theo đơn vị",
        *(f"Nội dung {area.code}" for area in areas),
        "Bình chọn",
        "Khảo sát",
        "Khen thưởng",
    ]
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(values_only=True) if row}
    assert summary["Đã ký bản đăng ký thi đua"] == 3
    assert summary["Sáng kiến đã nộp"] == 2
    assert summary["Sáng kiến được công nhận"] == 1
    units = {row[0]: row for row in book["Theo đơn vị"].iter_rows(min_row=2, values_only=True)}
    assert units["Phòng Tổng hợp"][1:4] == (4, 3, 75.0)
    first_area = book[f"Nội dung {areas[0].code}"]
    titles = [row[1] for row in first_area.iter_rows(min_row=5, values_only=True)]
    assert RECOGNIZED_TITLE in titles
    # A title that would start a formula stays text.
    assert '\'=HYPERLINK("http://x")' in titles
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "report.exported" in actions


def test_the_report_page_runs_the_same_queries_with_10_and_500_staff(
    client, login, office, count_queries
):
    make_round(
        office["campaign"], candidates(office["campaign"], 2), office["officer"], max_votes=1
    )
    make_survey(office["campaign"], office["officer"])
    reminders.send(
        seen(office["officer"]),
        reminders.subject("commitment", office["campaign"].id),
        [office["people"][4].id],
        "Nhắc ký bản đăng ký",
        "Đề nghị đồng chí ký bản đăng ký thi đua.",
        voting.now_utc(),
    )
    report = _report(office)
    login(office["officer"])

    def measure(url: str) -> int:
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    urls = (f"/reports/{report.id}", f"/reports/{report.id}/report.docx")
    few = [measure(url) for url in urls]
    hashed = password_hash("x")
    db.session.execute(
        insert(User),
        [
            {
                "username": f"bulk{n}",
                "full_name": f"Người thứ {n}",
                "password_hash": hashed,
                "unit_id": office["first"].id if n % 2 else office["second"].id,
                "session_token": f"token-{n}",
                "name_sort": f"{n}",
                "search_text": f"nguoi {n}",
                "position": "Chuyên viên",
                "is_active": True,
                "must_change_password": False,
            }
            for n in range(500)
        ],
    )
    db.session.commit()
    for person in db.session.scalars(select(User).where(User.username.like("bulk1_"))):
        make_submitted(person, office["campaign"])
    assert [measure(url) for url in urls] == few
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "1 lượt nhắc nhở, đôn đốc đến 1 người" in page


def test_signatures_outside_the_period_are_not_counted_in_it(client, login, office):
    before = local_today() - timedelta(days=60)
    report = _report(office)
    report.period_start, report.period_end = before - timedelta(days=10), before
    db.session.commit()
    login(office["officer"])
    text = _all_text(Document(io.BytesIO(client.get(f"/reports/{report.id}/report.docx").data)))
    assert "có 0 cá nhân và 0 tập thể ký bản đăng ký thi đua" in text
    staff = db.session.scalar(select(func.count(User.id)).where(User.is_active.is_(True)))
    assert f"3/{staff} công chức" in text  # the state of today stays whole


def test_the_docx_lays_out_on_a4_pages_in_libreoffice(client, login, office, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        message = "LibreOffice not found (apt-get install -y libreoffice-writer-nogui)."
        if os.environ.get("CI"):
            pytest.fail(message + " Under CI a missing LibreOffice is a failure.")
        pytest.skip(message)
    report = _report(office, number="15/BC-VPUBND")
    login(office["officer"])
    (tmp_path / "report.docx").write_bytes(client.get(f"/reports/{report.id}/report.docx").data)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "report.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = (tmp_path / "report.pdf").read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert boxes, "no page in the PDF"
    for width, height in boxes:  # A4 in points: 595.3 × 841.9
        assert abs(float(width) - 595.3) < 1 and abs(float(height) - 841.9) < 1


def test_the_report_tells_the_assessment_and_the_commendations(client, login, app):
    from app.commendations import queries as commendation_queries
    from app.commendations import services as commendations
    from app.models.campaigns import CommendationForm
    from tests.assessment_helpers import fulfilled

    campaign = make_campaign()
    unit, head, _ = unit_with_head(name="Phòng Tổng hợp")
    anh = make_user(full_name="Phạm Thị Mai Anh", unit=unit, position="Chuyên viên")
    binh = make_user(full_name="Trần Văn Bình", unit=unit)
    officer, leader = make_officer(), make_leader()
    fulfilled(campaign, anh, head)
    fulfilled(campaign, binh, head)
    form = db.session.scalar(
        select(CommendationForm)
        .where(CommendationForm.campaign_id == campaign.id)
        .order_by(CommendationForm.position)
    )
    form_name = form.name
    first = commendations.propose(
        seen(officer), campaign, form.id, user_id=anh.id, achievement="Hoàn thành xuất sắc"
    )
    second = commendations.propose(
        seen(officer), campaign, form.id, user_id=binh.id, achievement="Hoàn thành tốt"
    )
    commendations.approve(seen(leader), commendation_queries.load(first.id))
    commendations.record_decision(
        seen(officer),
        commendation_queries.listing(campaign),
        "125/QĐ-VPUBND",
        date(2026, 12, 1),
    )
    second_id = second.id
    commendations.decline(seen(leader), commendation_queries.load(second_id), "Chưa đủ tiêu chuẩn")
    report = _report({"campaign": campaign})
    login(officer)
    text = _all_text(Document(io.BytesIO(client.get(f"/reports/{report.id}/report.docx").data)))
    assert (
        "Đánh giá kết quả thực hiện cuối kỳ: 2 bản đăng ký của cá nhân đã tự đánh giá, 2 bản đã "
        "được đánh giá, trong đó 2 bản hoàn thành." in text
    )
    assert "đã đề nghị khen thưởng 2 trường hợp" in text
    assert "đã duyệt 1, không duyệt 1, 0 trường hợp đang chờ duyệt" in text
    row = _row(Document(io.BytesIO(client.get(f"/reports/{report.id}/report.docx").data)), "1")
    assert row[1:] == [
        "Phạm Thị Mai Anh, Chuyên viên, Phòng Tổng hợp",
        form_name,
        "Quyết định số 125/QĐ-VPUBND ngày 01/12/2026",
    ]
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Quyết định số 125/QĐ-VPUBND ngày 01/12/2026" in page
    book = load_workbook(io.BytesIO(client.get(f"/reports/{report.id}/data.xlsx").data))
    rows = list(book["Khen thưởng"].iter_rows(min_row=2, values_only=True))
    assert rows == [
        (
            1,
            "Phạm Thị Mai Anh",
            "Chuyên viên",
            "Phòng Tổng hợp",
            form_name,
            "125/QĐ-VPUBND",
            "01/12/2026",
        )
    ]
