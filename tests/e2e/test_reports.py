"""In a real browser with the demo office: `thidua` writes an interim report from its drafted
sections (a mistake first, shown beside its field), reads it as it will print, downloads the
DOCX and the data workbook and reads them back; `lanhdao` reads it without the writing
buttons. axe and screenshots."""

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.extensions import db
from app.models.commitments import Commitment
from app.models.directory import User
from tests.e2e.conftest import assert_accessible, browser_sign_in, screenshot

pytestmark = pytest.mark.e2e
PASSWORD = "ThiDua@2026"


@pytest.fixture
def demo(app):
    from app.campaigns.services import seed_default_campaign
    from app.demo import seed_demo, seed_demo_initiatives
    from app.web.filters import local_today

    seed_default_campaign()
    seed_demo(staff=20, password=PASSWORD)
    seed_demo_initiatives(local_today())


def test_an_interim_report_written_read_and_downloaded(page, live_server, demo, tmp_path):
    browser_sign_in(page, live_server, "thidua", PASSWORD)
    page.get_by_role("button", name="Điều hành").click()
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    expect(page.get_by_role("heading", name="Báo cáo", exact=True)).to_be_visible()
    page.get_by_role("link", name="Lập báo cáo sơ kết").click()
    subject = page.get_by_label("Trích yếu nội dung").input_value()
    assert subject.startswith("Sơ kết Phong trào thi đua “Đổi mới sáng tạo")
    strengths = page.get_by_label("Ưu điểm", exact=True).input_value()
    assert "tỷ lệ công chức, viên chức, người lao động ký bản đăng ký thi đua đạt" in strengths

    # A mistake comes back beside its field, with what was typed kept.
    page.get_by_label("Trích yếu nội dung").fill("")
    page.get_by_label("Hạn chế, tồn tại và nguyên nhân").fill("Một số phòng ký chậm.")
    page.get_by_role("button", name="Lưu báo cáo").click()
    expect(page.locator("#subject-error")).to_have_text("Nhập trích yếu của báo cáo.")
    expect(page.get_by_label("Hạn chế, tồn tại và nguyên nhân")).to_have_value(
        "Một số phòng ký chậm."
    )
    assert_accessible(page, "report form with an error")
    screenshot(page, "report-new-error")

    page.get_by_label("Trích yếu nội dung").fill(
        "Sơ kết 6 tháng Phong trào thi đua đổi mới sáng tạo"
    )
    page.get_by_label("Số văn bản").fill("125/BC-VPUBND")
    page.get_by_label("Họ và tên người ký").fill("Ngô Đình Thiện")
    page.get_by_role("button", name="Lưu báo cáo").click()
    expect(page.get_by_text("Đã lưu báo cáo.")).to_be_visible()
    expect(page.get_by_role("heading", name="BÁO CÁO")).to_be_visible()
    expect(page.get_by_text("Số: 125/BC-VPUBND")).to_be_visible()
    expect(page.get_by_text("Một số phòng ký chậm.")).to_be_visible()
    assert_accessible(page, "report page")
    screenshot(page, "report-show")

    with page.expect_download() as info:
        page.get_by_role("link", name="Tải về DOCX").click()
    download = info.value
    assert download.suggested_filename.startswith("Báo cáo sơ kết")
    path = tmp_path / "report.docx"
    download.save_as(path)
    document = Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Sơ kết 6 tháng Phong trào thi đua đổi mới sáng tạo" in text
    staff = db.session.scalar(select(func.count(User.id)).where(User.is_active.is_(True)))
    signed = db.session.scalar(
        select(func.count(Commitment.id)).where(
            Commitment.kind == "individual", Commitment.status.in_(("signed", "confirmed"))
        )
    )
    assert f"{signed}/{staff} công chức, viên chức, người lao động đã ký" in text

    with page.expect_download() as info:
        page.get_by_role("link", name="Tải số liệu (XLSX)").click()
    workbook_path = tmp_path / "data.xlsx"
    info.value.save_as(workbook_path)
    book = load_workbook(workbook_path)
    assert book.sheetnames[:2] == ["Tổng hợp", "Theo đơn vị"]
    assert sum(name.startswith("Nội dung II.") for name in book.sheetnames) == 5

    page.get_by_role("navigation", name="Đường dẫn điều hướng").get_by_role(
        "link", name="Báo cáo"
    ).click()
    expect(
        page.get_by_role(
            "link", name="Sơ kết 6 tháng Phong trào thi đua đổi mới sáng tạo", exact=True
        )
    ).to_be_visible()
    assert_accessible(page, "reports list")
    screenshot(page, "reports-index")

    page.context.clear_cookies()
    browser_sign_in(page, live_server, "lanhdao", PASSWORD)
    page.goto(f"{live_server}/reports/")
    page.get_by_role(
        "link", name="Sơ kết 6 tháng Phong trào thi đua đổi mới sáng tạo", exact=True
    ).click()
    expect(page.get_by_role("heading", name="BÁO CÁO")).to_be_visible()
    expect(page.get_by_role("link", name="Chỉnh sửa")).to_have_count(0)
    expect(page.get_by_role("button", name="Xóa")).to_have_count(0)
