"""In a real browser with the demo office: `truongphong` opens "Xác nhận đăng ký", confirms
nhanvien's signed commitment, returns another with a comment; `nhanvien` reads the notification;
`thidua` reopens registration. axe on each page, screenshots at desktop and 375 px."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.commitments import services
from app.extensions import db
from app.models.commitments import Commitment, CommitmentStatus, RegistrationReopening
from app.models.directory import User
from tests.e2e.conftest import assert_accessible, browser_sign_in, screenshot
from tests.review_helpers import signed_commitment

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
    nhanvien = people["nhanvien"]
    colleague = next(
        user
        for user in people.values()
        if user.unit_id == nhanvien.unit_id and user.username not in ("nhanvien", "truongphong")
    )
    return {
        "campaign": campaign,
        "signed": signed_commitment(campaign, nhanvien, PASSWORD),
        "other": signed_commitment(campaign, colleague, PASSWORD),
        "colleague": colleague.full_name,
    }


def _status(commitment_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Commitment, commitment_id).status


def test_unit_head_confirms_and_returns_members_commitments(page, live_server, demo):
    browser_sign_in(page, live_server, "truongphong", PASSWORD)
    page.get_by_role("button", name="Đăng ký thi đua").click()
    page.get_by_role("link", name="Xác nhận đăng ký của công chức").click()
    expect(page.get_by_role("heading", name="Xác nhận đăng ký của công chức")).to_be_visible()
    row = page.locator("tr", has_text="Phạm Thị Mai Anh")
    expect(row.get_by_text("Đã ký")).to_be_visible()
    assert_accessible(page, "members")
    screenshot(page, "commitments-members")

    row.get_by_role("link", name="Xem và xác nhận").click()
    expect(
        page.get_by_role("heading", name="Bản đăng ký thi đua của Phạm Thị Mai Anh")
    ).to_be_visible()
    expect(page.get_by_text("Niêm phong hợp lệ")).to_be_visible()
    assert_accessible(page, "review")
    screenshot(page, "commitments-review")

    page.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(page.get_by_text("Đã xác nhận bản đăng ký của Phạm Thị Mai Anh.")).to_be_visible()
    expect(
        page.locator("tr", has_text="Phạm Thị Mai Anh").get_by_text("Đã xác nhận")
    ).to_be_visible()
    assert _status(demo["signed"].id) == CommitmentStatus.CONFIRMED

    # Returning without a comment keeps the head on the page with the error beside the field.
    page.locator("tr", has_text=demo["colleague"]).get_by_role(
        "link", name="Xem và xác nhận"
    ).click()
    page.get_by_role("button", name="Trả lại", exact=True).click()
    comment = page.get_by_label("Ý kiến khi trả lại")
    expect(comment).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Nêu lý do trả lại bản đăng ký.")).to_be_visible()
    assert_accessible(page, "review with an error")
    screenshot(page, "commitments-review-error")
    comment.fill("Đề nghị bổ sung chỉ tiêu cụ thể và thời hạn hoàn thành.")
    page.get_by_role("button", name="Trả lại", exact=True).click()
    expect(page.get_by_text(f"Đã trả lại bản đăng ký của {demo['colleague']}.")).to_be_visible()
    assert _status(demo["other"].id) == CommitmentStatus.RETURNED

    page.locator(".status-filter").get_by_role("link", name="Trả lại").click()
    expect(page.locator("#member-list tbody tr")).to_have_count(1)
    screenshot(page, "commitments-members-returned")


def test_owner_reads_the_notification_and_marks_it_read(page, live_server, demo):
    from app.commitments import review
    from tests.review_helpers import seen

    head = db.session.scalar(select(User).where(User.username == "truongphong"))
    review.confirm(seen(head), db.session.get(Commitment, demo["signed"].id))
    browser_sign_in(page, live_server, "nhanvien", PASSWORD)
    page.get_by_role("link", name="Thông báo").click()
    expect(page.get_by_text("Bản đăng ký thi đua của bạn đã được xác nhận.")).to_be_visible()
    expect(page.get_by_text("1 thông báo chưa đọc")).to_be_visible()
    assert_accessible(page, "notifications")
    screenshot(page, "notifications")
    page.get_by_role("button", name="Đánh dấu đã đọc").click()
    expect(page.get_by_text("0 thông báo chưa đọc")).to_be_visible()


def test_officer_sees_units_and_reopens_registration(page, live_server, demo):
    browser_sign_in(page, live_server, "thidua", PASSWORD)
    page.goto(f"{live_server}/commitments/units")
    expect(page.get_by_role("heading", name="Xác nhận đăng ký của tập thể")).to_be_visible()
    expect(page.get_by_text("Phòng Tổng hợp")).to_be_visible()
    assert_accessible(page, "units")
    screenshot(page, "commitments-units")

    page.get_by_role("link", name="Mở lại đăng ký").click()
    page.get_by_label("Tìm người theo họ tên").press_sequentially("pham thi mai anh")
    person = page.get_by_label("Cá nhân", exact=True)
    expect(person.locator("option")).to_have_count(2)
    expect(person).to_have_value(str(demo["signed"].user_id))
    page.get_by_label("Lý do").fill("Bổ sung nội dung sau khi được giao nhiệm vụ mới")
    page.get_by_role("button", name="Mở lại đăng ký").click()
    expect(page.get_by_text("Đã mở lại đăng ký cho Phạm Thị Mai Anh")).to_be_visible()
    expect(page.locator("table").get_by_text("Phạm Thị Mai Anh")).to_be_visible()
    assert_accessible(page, "reopen")
    screenshot(page, "commitments-reopen")
    reopening = db.session.scalar(select(RegistrationReopening))
    assert reopening.user_id == demo["signed"].user_id
    assert services.registration_open(
        demo["campaign"],
        demo["campaign"].registration_deadline + timedelta(days=1),
        user_id=reopening.user_id,
    ) == (reopening.open_until > demo["campaign"].registration_deadline)
