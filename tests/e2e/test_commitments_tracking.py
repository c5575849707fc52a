"""In a real browser with the demo office: `thidua` opens "Theo dõi đăng ký", sees Phòng Tổng
hợp's share signed rise once nhanvien's commitment is signed, sorts, filters, exports; the
printable commitment reads like the paper form and prints without the app's chrome; nhanvien's
home page shows the next step. axe on each page, screenshots at desktop and 375 px."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models.commitments import Commitment
from app.models.directory import Unit, User
from tests.e2e.conftest import DESKTOP, SCREENS, assert_accessible, browser_sign_in, screenshot
from tests.review_helpers import TODAY, draft_commitment, signed_commitment

pytestmark = pytest.mark.e2e
PASSWORD = "ThiDua@2026"


@pytest.fixture
def demo(app):
    from app.campaigns.services import seed_default_campaign
    from app.demo import seed_demo

    campaign, _created = seed_default_campaign()
    seed_demo(staff=20, password=PASSWORD)
    people = {
        user.username: user
        for user in db.session.scalars(select(User).where(User.unit_id.is_not(None)))
    }
    nhanvien, head = people["nhanvien"], people["truongphong"]
    colleagues = [
        user
        for user in people.values()
        if user.unit_id == nhanvien.unit_id and user.username not in ("nhanvien", "truongphong")
    ]
    draft_commitment(campaign, nhanvien)
    signed_commitment(campaign, colleagues[0], PASSWORD)
    _collective(campaign, db.session.get(Unit, nhanvien.unit_id), head)
    return {"campaign": campaign, "nhanvien": nhanvien, "head": head}


def _collective(campaign, unit, head) -> None:
    """The unit's collective commitment, signed by its head with the demo password."""
    from app.commitments import services
    from app.models.campaigns import AppliesTo, ContentArea, Criterion, EmulationTitle

    commitment = services.start_collective(head, campaign, unit, TODAY)
    version = services.latest_version(commitment)
    area = db.session.scalar(select(ContentArea.id).where(ContentArea.campaign_id == campaign.id))
    services.add_item(head, version, area, "Số hóa toàn bộ hồ sơ công việc của phòng", "100%")
    title = db.session.scalar(
        select(EmulationTitle.id).where(EmulationTitle.applies_to == AppliesTo.UNIT)
    )
    criteria = db.session.scalars(
        select(Criterion.id).where(Criterion.applies_to == AppliesTo.UNIT)
    ).all()
    services.update_details(head, version, title, answers=dict.fromkeys(criteria, "Cam kết"))
    services.sign(head, services.load_version(version.id), PASSWORD, True)


def _percent(page) -> float:
    row = page.locator(".tracking-table tbody tr").filter(
        has=page.get_by_role("rowheader", name="Phòng Tổng hợp")
    )
    text = row.locator("td").nth(6).locator(".fw-semibold").inner_text()
    return float(text.rstrip("%").replace(",", "."))


def test_officer_tracks_the_units_and_sees_the_share_rise(page, live_server, demo):
    browser_sign_in(page, live_server, "thidua", PASSWORD)
    page.get_by_role("button", name="Đăng ký thi đua").click()
    page.get_by_role("link", name="Theo dõi đăng ký").click()
    expect(page.get_by_role("heading", name="Theo dõi đăng ký thi đua")).to_be_visible()
    before = _percent(page)
    assert before > 0
    assert_accessible(page, "tracking")
    screenshot(page, "commitments-tracking")

    # nhanvien signs (through the services); the share rises on reload.
    from app.commitments import services

    commitment = db.session.scalar(
        select(Commitment).where(Commitment.user_id == demo["nhanvien"].id)
    )
    version = services.latest_version(commitment)
    services.sign(demo["nhanvien"], version, PASSWORD, True)
    page.reload()
    assert _percent(page) > before

    # Sort by the share signed, highest first: a second click on the header.
    header = page.get_by_role("columnheader", name="Tỷ lệ đã ký")
    header.get_by_role("link").click()
    expect(page.get_by_role("columnheader", name="Tỷ lệ đã ký")).to_have_attribute(
        "aria-sort", "ascending"
    )
    page.get_by_role("columnheader", name="Tỷ lệ đã ký").get_by_role("link").click()
    expect(page.get_by_role("columnheader", name="Tỷ lệ đã ký")).to_have_attribute(
        "aria-sort", "descending"
    )
    assert "sort=-percent" in page.url
    first = page.locator(".tracking-table tbody tr th").first.inner_text()
    assert first.strip() == "Phòng Tổng hợp"

    # Filter by status (htmx on change, the sort kept) and open a unit's names.
    page.get_by_label("Trạng thái", exact=True).select_option("draft")
    expect(page.get_by_role("heading", name="Những người ở trạng thái: Bản nháp")).to_be_visible()
    page.get_by_label("Trạng thái", exact=True).select_option("")
    expect(page.get_by_role("heading", name="Những người chưa ký")).to_be_visible()
    page.locator("details.names-group summary").first.click()
    assert_accessible(page, "tracking sorted, names open")
    screenshot(page, "commitments-tracking-names")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải về Excel (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("Theo dõi đăng ký thi đua")
    assert download.suggested_filename.endswith(".xlsx")


def test_printable_commitment_looks_like_the_paper_form(page, live_server, demo):
    from app.commitments import services

    commitment = db.session.scalar(
        select(Commitment).where(Commitment.user_id == demo["nhanvien"].id)
    )
    services.sign(demo["nhanvien"], services.latest_version(commitment), PASSWORD, True)
    browser_sign_in(page, live_server, "nhanvien", PASSWORD)
    expect(page.get_by_text("Chờ Thủ trưởng đơn vị xác nhận")).to_be_visible()
    assert_accessible(page, "home with the commitment")
    screenshot(page, "home-commitment")

    page.get_by_role("link", name="Bản in").first.click()
    expect(page.get_by_role("heading", name="BẢN ĐĂNG KÝ THI ĐUA")).to_be_visible()
    expect(page.get_by_text("Niêm phong hợp lệ")).to_be_visible()
    expect(page.get_by_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")).to_be_visible()
    assert_accessible(page, "print")
    screenshot(page, "commitments-print")

    # As printed: the navbar, the footer and the toolbar are gone; only the sheet remains.
    page.emulate_media(media="print")
    expect(page.locator("body > header")).to_be_hidden()
    expect(page.locator(".app-footer")).to_be_hidden()
    expect(page.get_by_role("button", name="In")).to_be_hidden()
    # The width of A4's text area (210 mm less 30 + 15 mm of margins) at 96 dpi.
    page.set_viewport_size({"width": 624, "height": 900})
    page.screenshot(path=str(SCREENS / "commitments-print-media-a4.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.emulate_media(media="screen")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải về DOCX").click()
    assert download_info.value.suggested_filename == "ban-dang-ky-thi-dua-nhanvien-v1.docx"
