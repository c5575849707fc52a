"""In a real browser with the demo office, the end of the period: `thidua` opens the assessment
period; `nhanvien` self-assesses her confirmed commitment; `truongphong` assesses it from his
members' list; `thidua` sees it in tracking, opens the eligibility list of "Giấy khen của Chánh
Văn phòng UBND tỉnh", proposes her with the drafted achievement and edits it; `lanhdao`
approves from his home; `thidua` records the decision and downloads the XLSX list and the DOCX
draft for the decision, read back with openpyxl and python-docx. axe on each new page,
screenshots at desktop and 375 px."""

import io
import re
from datetime import timedelta

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select, update

from app.commitments import review
from app.extensions import db
from app.models.directory import User
from app.models.initiatives import Initiative, InitiativeStatus
from app.web.filters import local_today
from tests.e2e.conftest import assert_accessible, browser_sign_in, screenshot
from tests.review_helpers import seen, signed_commitment

pytestmark = pytest.mark.e2e
PASSWORD = "ThiDua@2026"
FORM = "Giấy khen của Chánh Văn phòng UBND tỉnh"


@pytest.fixture
def demo(app):
    """The demo office; nhanvien's commitment signed and confirmed by truongphong; her
    initiative on the digital signature recognized by the council."""
    from app.campaigns.services import seed_default_campaign
    from app.demo import seed_demo, seed_demo_initiatives

    campaign, _created = seed_default_campaign()
    seed_demo(staff=20, password=PASSWORD)
    seed_demo_initiatives(local_today())
    people = {u.username: u for u in db.session.scalars(select(User))}
    commitment = signed_commitment(campaign, people["nhanvien"], PASSWORD)
    review.confirm(seen(people["truongphong"]), commitment)
    db.session.execute(
        update(Initiative)
        .where(Initiative.title.like("Ứng dụng chữ ký số%"))
        .values(status=InitiativeStatus.RECOGNIZED)
    )
    db.session.commit()
    return {"campaign": campaign}


def _sign_out_and_in(page, live_server, username):
    page.context.clear_cookies()
    browser_sign_in(page, live_server, username, PASSWORD)


def _download(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    with open(info.value.path(), "rb") as handle:
        return handle.read()


def test_assessment_then_commendation_from_proposal_to_decision(page, live_server, demo):
    today = local_today()
    # The officer opens the assessment period.
    browser_sign_in(page, live_server, "thidua", PASSWORD)
    page.get_by_role("button", name="Đăng ký thi đua").click()
    page.get_by_role("link", name="Thời gian đánh giá").click()
    expect(page.get_by_role("heading", name="Thời gian đánh giá", exact=True)).to_be_visible()
    page.get_by_label("Ngày bắt đầu đánh giá").fill(today.isoformat())
    page.get_by_label("Ngày kết thúc đánh giá (tính cả ngày này)").fill(
        (today + timedelta(days=14)).isoformat()
    )
    page.get_by_role("button", name="Lưu thời gian đánh giá").click()
    expect(page.locator("#period-state")).to_contain_text("Đang mở")
    assert_accessible(page, "assessment period")
    screenshot(page, "assessment-period")

    # nhanvien self-assesses from her home.
    _sign_out_and_in(page, live_server, "nhanvien")
    page.get_by_role("link", name=re.compile("Tự đánh giá kết quả thực hiện bản đăng ký")).click()
    expect(page.get_by_role("heading", name="Tự đánh giá kết quả thực hiện")).to_be_visible()
    page.get_by_role("button", name="Gửi bản tự đánh giá").click()
    expect(page.get_by_text("Chọn mức độ hoàn thành của nội dung này.")).to_be_visible()
    assert_accessible(page, "self-assessment with an error")
    page.get_by_role("group", name="Kết quả thực hiện nội dung 1.1").get_by_label(
        "Hoàn thành một phần"
    ).check()
    page.get_by_label("Ghi chú nội dung 1.1").fill("Đã số hóa 85% hồ sơ công việc.")
    screenshot(page, "self-assessment")
    page.get_by_role("button", name="Gửi bản tự đánh giá").click()
    expect(page.get_by_text("Đã gửi bản tự đánh giá tới người xác nhận.")).to_be_visible()
    expect(page.locator("#assessment")).to_contain_text("Đã tự đánh giá")
    expect(page.get_by_text("Niêm phong hợp lệ").first).to_be_visible()
    assert_accessible(page, "my commitment self-assessed")
    screenshot(page, "commitment-self-assessed")

    # truongphong assesses it from his members' list.
    _sign_out_and_in(page, live_server, "truongphong")
    page.get_by_role("link", name=re.compile("bản tự đánh giá của công chức đang chờ")).click()
    page.get_by_role("link", name=re.compile(r"^Đánh giá\s*: Phạm Thị Mai Anh")).click()
    expect(page.get_by_role("heading", name="Đánh giá kết quả thực hiện")).to_be_visible()
    group = page.get_by_role("group", name="Đánh giá nội dung 1.1")
    expect(group.get_by_label("Hoàn thành một phần")).to_be_checked()
    group.get_by_label("Đã hoàn thành", exact=True).check()
    page.get_by_label("Hoàn thành", exact=True).check()
    page.get_by_label("Ý kiến").fill("Hoàn thành tốt các nội dung đăng ký.")
    assert_accessible(page, "assessment")
    screenshot(page, "assessment")
    page.get_by_role("button", name="Lưu kết quả đánh giá").click()
    expect(page.get_by_text("Đã đánh giá bản đăng ký của Phạm Thị Mai Anh.")).to_be_visible()
    assert_accessible(page, "members with assessment")
    screenshot(page, "members-assessed")

    # The officer sees it in tracking and proposes her for a commendation.
    _sign_out_and_in(page, live_server, "thidua")
    page.goto(f"{live_server}/commitments/tracking")
    section = page.locator(".assessment-tracking")
    row = section.locator("tbody tr").filter(
        has=page.get_by_role("rowheader", name="Phòng Tổng hợp")
    )
    expect(row.locator("td").nth(3)).to_have_text("1")
    assert_accessible(page, "tracking with assessment")
    screenshot(page, "tracking-assessment")

    page.get_by_role("button", name="Điều hành").click()
    page.get_by_role("link", name="Khen thưởng").click()
    expect(page.get_by_role("heading", name="Khen thưởng")).to_be_visible()
    assert_accessible(page, "commendations, empty")
    page.get_by_role("link", name="Danh sách đủ điều kiện").click()
    page.get_by_label("Hình thức khen thưởng").select_option(label=f"{FORM} (Cá nhân)")
    expect(page.get_by_role("checkbox", name="Đề nghị Phạm Thị Mai Anh")).to_be_checked()
    assert_accessible(page, "eligible")
    screenshot(page, "commendations-eligible")
    page.get_by_role("button", name=re.compile("Đề nghị .* cho những người")).click()
    expect(page.get_by_text(re.compile("Đã lập 1 đề nghị khen thưởng"))).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Xem\s*: Phạm Thị Mai Anh")).click()
    expect(page.locator(".achievement")).to_contain_text("“Ứng dụng chữ ký số")
    expect(page.locator(".achievement")).to_contain_text("được đánh giá: Hoàn thành")
    assert_accessible(page, "commendation")
    page.get_by_role("link", name="Sửa thành tích").click()
    achievement = page.get_by_label("Thành tích")
    achievement.fill(
        achievement.input_value() + "\n- Tích cực tham gia chuyển đổi số tại Phòng Tổng hợp."
    )
    assert_accessible(page, "edit achievement")
    screenshot(page, "commendation-edit")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu thành tích.")).to_be_visible()
    expect(page.locator(".achievement")).to_contain_text("Tích cực tham gia chuyển đổi số")
    screenshot(page, "commendation-proposed")

    # Proposing a unit by hand: its achievement drafted from the data (not sent here).
    page.get_by_role("link", name="Quay lại danh sách").click()
    page.get_by_role("link", name="Đề nghị một trường hợp").click()
    page.get_by_label("Hình thức khen thưởng").select_option(label=f"{FORM} (Đơn vị)")
    page.get_by_label("Đơn vị", exact=True).select_option(label="— Phòng Tổng hợp")
    page.get_by_role("button", name="Soạn thành tích từ dữ liệu").click()
    expect(page.get_by_label("Thành tích")).to_contain_text("Có 1 sáng kiến được Hội đồng")
    assert_accessible(page, "propose one")
    screenshot(page, "commendation-new")

    # lanhdao approves from his home.
    _sign_out_and_in(page, live_server, "lanhdao")
    expect(page.get_by_role("heading", name="Số liệu chính của Văn phòng")).to_be_visible()
    expect(page.locator("#key-signed")).not_to_have_text("—")
    waiting = page.locator(".to-approve")
    expect(waiting).to_contain_text("Phạm Thị Mai Anh")
    assert_accessible(page, "leader home")
    screenshot(page, "leader-home")
    waiting.get_by_role("button", name=re.compile(r"^Phê duyệt\s*: Phạm Thị Mai Anh")).click()
    expect(page.get_by_text(re.compile("Đã phê duyệt đề nghị tặng"))).to_be_visible()
    expect(
        page.get_by_text("Không có đề nghị khen thưởng nào đang chờ đồng chí phê duyệt.")
    ).to_be_visible()

    # The officer records the decision and downloads the lists.
    _sign_out_and_in(page, live_server, "thidua")
    page.goto(f"{live_server}/commendations/")
    page.get_by_role("link", name="Ghi số quyết định").click()
    page.get_by_label("Số quyết định").fill("125/QĐ-VPUBND")
    page.get_by_label("Ngày ký quyết định").fill(today.isoformat())
    expect(page.get_by_role("checkbox", name=re.compile("Phạm Thị Mai Anh"))).to_be_checked()
    assert_accessible(page, "decision")
    screenshot(page, "commendation-decision")
    page.get_by_role("button", name="Ghi số quyết định").click()
    expect(
        page.get_by_text("Đã ghi Quyết định số 125/QĐ-VPUBND cho 1 trường hợp khen thưởng.")
    ).to_be_visible()
    expect(page.locator(".commendation-table")).to_contain_text("Số 125/QĐ-VPUBND")
    assert_accessible(page, "commendations")
    screenshot(page, "commendations")

    rows = list(
        load_workbook(
            io.BytesIO(_download(page, page.get_by_role("link", name="Tải về Excel (XLSX)")))
        ).active.values
    )
    assert rows[1][1:5] == ("Phạm Thị Mai Anh", "Chuyên viên", "Phòng Tổng hợp", FORM)
    assert "Tích cực tham gia chuyển đổi số" in rows[1][5]
    assert rows[1][6:8] == ("Đã phê duyệt", "125/QĐ-VPUBND")
    document = Document(
        io.BytesIO(
            _download(
                page, page.get_by_role("link", name="Dự thảo danh sách kèm quyết định (DOCX)")
            )
        )
    )
    text = "\n".join(p.text for p in document.paragraphs)
    assert "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" in text and "Quyết định số 125/QĐ-VPUBND" in text
    cells = [c.text for c in document.tables[-1].rows[1].cells]
    assert cells[:5] == ["1", "Phạm Thị Mai Anh", "Chuyên viên", "Phòng Tổng hợp", FORM]

    # nhanvien is told.
    _sign_out_and_in(page, live_server, "nhanvien")
    page.get_by_role("link", name=re.compile("^Thông báo")).click()
    expect(
        page.get_by_text(
            re.compile(
                "Kết quả thực hiện bản đăng ký thi đua của đồng chí đã được đánh giá: Hoàn thành"
            )
        )
    ).to_be_visible()
    expect(
        page.get_by_text(
            re.compile(f"Đồng chí được tặng “{FORM}” theo Quyết định số 125/QĐ-VPUBND")
        )
    ).to_be_visible()

    # Her printable form carries the assessment after the signed part.
    page.goto(f"{live_server}/commitments/")
    page.get_by_role("link", name="Bản in").first.click()
    expect(page.get_by_role("heading", name="ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN")).to_be_visible()
    expect(page.locator(".paper-assessment")).to_contain_text("Kết quả đánh giá: Hoàn thành")
    assert_accessible(page, "printable form with its assessment")
    screenshot(page, "commitment-print-assessed")
