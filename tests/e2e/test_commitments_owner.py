"""In a real browser with the demo office: `nhanvien` registers, adds three items in two content
areas, removes one, chooses a title, signs with the password and sees the seal valid, then
amends; the same journey with JavaScript disabled; `truongphong` opens the unit's commitment.
axe on each page, screenshots at desktop and 375 px."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models.campaigns import ContentArea
from app.models.commitments import Commitment, CommitmentItem, CommitmentStatus, CommitmentVersion
from app.models.directory import User
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    SCREENS,
    assert_accessible,
    browser_sign_in,
    screenshot,
)

pytestmark = pytest.mark.e2e
PASSWORD = "ThiDua@2026"


@pytest.fixture
def demo(app):
    from app.campaigns.services import seed_default_campaign
    from app.demo import seed_demo

    campaign, _created = seed_default_campaign()
    seed_demo(staff=20, password=PASSWORD)
    areas = db.session.scalars(
        select(ContentArea.id)
        .where(ContentArea.campaign_id == campaign.id)
        .order_by(ContentArea.position)
    ).all()
    return {"campaign": campaign, "areas": areas}


def _commitment(username: str) -> Commitment | None:
    db.session.expire_all()
    return db.session.scalar(
        select(Commitment)
        .join(User, Commitment.user_id == User.id)
        .where(User.username == username)
    )


def _add(page, area_id: int, text: str, target: str = "", due_on: str = "") -> None:
    area = page.locator(f"#area-{area_id}")
    add = area.locator("details.add-item")
    if add.get_attribute("open") is None:
        area.get_by_text("Thêm nội dung").click()
    area.get_by_label("Nội dung đăng ký", exact=True).fill(text)
    if target:
        area.get_by_label("Chỉ tiêu", exact=True).fill(target)
    if due_on:
        area.get_by_label("Thời hạn hoàn thành").fill(due_on)
    area.get_by_role("button", name="Thêm", exact=True).click()
    expect(page.locator(f"#area-{area_id} .list-group-item", has_text=text)).to_be_visible()


def _phone_shot(page, selector: str, name: str) -> None:
    """One region of the page at 375 px, wherever it sits on the page."""
    page.set_viewport_size(PHONE)
    page.locator(selector).screenshot(path=str(SCREENS / f"{name}-375.png"))
    page.set_viewport_size(DESKTOP)


def _journey(page, live_server, demo, js: bool) -> None:
    """Register, add three items in two areas, remove one, sign, see the seal, amend."""
    suffix = "" if js else "-nojs"
    # axe runs as a script in the page: without JavaScript it cannot; the pages are the same.
    check = assert_accessible if js else (lambda page, name: None)
    first, second = demo["areas"][0], demo["areas"][1]
    browser_sign_in(page, live_server, "nhanvien", PASSWORD)
    if js:
        page.get_by_role("button", name="Đăng ký thi đua").click()
        page.get_by_role("link", name="Bản đăng ký của tôi").click()
    else:
        page.goto(f"{live_server}/commitments/")
    expect(page.get_by_role("heading", name="Bản đăng ký thi đua của tôi")).to_be_visible()
    expect(page.get_by_text("Hạn đăng ký: 31/12/2026")).to_be_visible()
    check(page, "commitment start")
    screenshot(page, f"commitment-start{suffix}")

    page.get_by_role("button", name="Lập bản đăng ký").click()
    expect(page.get_by_text("Đã lập bản đăng ký.")).to_be_visible()
    check(page, "commitment editor, empty")
    screenshot(page, f"commitment-editor-empty{suffix}")
    editor_url = page.url

    _add(page, first, "Số hóa toàn bộ hồ sơ công việc của cá nhân", "100% hồ sơ", "2027-06-30")
    _add(page, first, "Đề xuất ít nhất một sáng kiến cải tiến quy trình", "1 sáng kiến")
    _add(page, second, "Sử dụng chữ ký số cho mọi văn bản đi", "100% văn bản")
    if js:
        assert page.url.split("#")[0] == editor_url.split("#")[0]  # in place, no navigation

    # Too long: refused beside the field, the text kept.
    area = page.locator(f"#area-{second}")
    if area.locator("details.add-item").get_attribute("open") is None:
        area.get_by_text("Thêm nội dung").click()
    area.get_by_label("Nội dung đăng ký", exact=True).fill("Quá dài. " * 250)
    area.get_by_role("button", name="Thêm", exact=True).click()
    field = page.locator(f"#area-{second}").get_by_label("Nội dung đăng ký", exact=True)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(
        page.locator(f"#area-{second}").get_by_text("Tối đa 2.000 ký tự.", exact=True)
    ).to_be_visible()
    check(page, "commitment editor, item refused")
    screenshot(page, f"commitment-editor-error{suffix}")
    _phone_shot(page, f"#area-{second}", f"commitment-area-error{suffix}")
    field.fill("")

    # Remove one item (with JavaScript the page asks first).
    item = page.locator(f"#area-{first} .list-group-item", has_text="Đề xuất ít nhất một sáng kiến")
    if js:
        page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name=re.compile("^Xóa")).click()
    expect(page.locator(f"#area-{first} .list-group-item")).to_have_count(1)
    expect(page.locator(f"#area-{second} .list-group-item")).to_have_count(1)

    # Edit one in place.
    item = page.locator(f"#area-{second} .list-group-item")
    item.get_by_role("link", name=re.compile("^Chỉnh sửa")).click()
    editing = page.locator(f"#area-{second} .item-editing")
    editing.get_by_label("Nội dung đăng ký", exact=True).fill(
        "Sử dụng chữ ký số cho mọi văn bản đi và đến"
    )
    check(page, "commitment editor, editing an item")
    editing.get_by_role("button", name="Lưu").click()
    expect(page.locator(f"#area-{second} .item-editing")).to_have_count(0)
    expect(
        page.get_by_text("Sử dụng chữ ký số cho mọi văn bản đi và đến", exact=True)
    ).to_be_visible()

    # The title and the criterion: saved on change with JavaScript, with "Lưu" without.
    details = page.locator("#details")
    details.get_by_label("Danh hiệu thi đua đăng ký").select_option(label="Lao động tiên tiến")
    details.get_by_label("Tôi đã đọc và cam kết phấn đấu").check()
    if js:
        expect(page.locator("#details-status")).to_contain_text("Đã lưu lúc")
    else:
        details.get_by_role("button", name="Lưu").click()
        expect(page.get_by_text("Đã lưu.")).to_be_visible()
    screenshot(page, f"commitment-editor{suffix}")

    page.get_by_role("link", name="Xem trước và ký").click()
    expect(page.get_by_role("heading", name="Xem trước và ký", exact=True)).to_be_visible()
    expect(page.get_by_text("Số hóa toàn bộ hồ sơ công việc của cá nhân")).to_be_visible()
    check(page, "sign")
    screenshot(page, f"commitment-sign{suffix}")

    page.get_by_label("Mật khẩu của bạn").fill("sai-mat-khau")
    page.get_by_label("Tôi cam kết thực hiện đầy đủ các nội dung đã đăng ký").check()
    page.get_by_role("button", name="Ký bản đăng ký").click()
    expect(page.get_by_text("Mật khẩu không đúng.")).to_be_visible()
    expect(page.get_by_label("Mật khẩu của bạn")).to_have_attribute("aria-invalid", "true")
    expect(
        page.get_by_label("Tôi cam kết thực hiện đầy đủ các nội dung đã đăng ký")
    ).to_be_checked()
    assert _commitment("nhanvien").status == CommitmentStatus.DRAFT
    check(page, "sign, wrong password")
    screenshot(page, f"commitment-sign-error{suffix}")

    page.get_by_label("Mật khẩu của bạn").fill(PASSWORD)
    page.get_by_role("button", name="Ký bản đăng ký").click()
    expect(page.get_by_text("Đã ký và niêm phong bản đăng ký.")).to_be_visible()
    expect(page.locator("#current-version").get_by_text("Niêm phong hợp lệ")).to_be_visible()
    check(page, "signed")
    screenshot(page, f"commitment-signed{suffix}")
    commitment = _commitment("nhanvien")
    assert commitment.status == CommitmentStatus.SIGNED
    texts = db.session.scalars(
        select(CommitmentItem.text)
        .join(CommitmentVersion)
        .where(CommitmentVersion.commitment_id == commitment.id)
    ).all()
    assert set(texts) == {
        "Sử dụng chữ ký số cho mọi văn bản đi và đến",
        "Số hóa toàn bộ hồ sơ công việc của cá nhân",
    }

    page.get_by_role("button", name="Sửa đổi").click()
    expect(page.get_by_text("Đã lập phiên bản 2")).to_be_visible()
    versions = page.locator("#versions")
    expect(versions.get_by_text("Niêm phong hợp lệ")).to_be_visible()
    check(page, "amending")
    screenshot(page, f"commitment-amend{suffix}")
    _phone_shot(page, "#versions", f"commitment-versions{suffix}")
    _phone_shot(page, "#details", f"commitment-details{suffix}")
    versions.get_by_role("link", name="Phiên bản 1").click()
    expect(page.get_by_role("heading", name=re.compile("^Phiên bản 1"))).to_be_visible()
    expect(page.locator(".signature-block").get_by_text("Niêm phong hợp lệ")).to_be_visible()
    check(page, "version 1")
    screenshot(page, f"commitment-version{suffix}")


def test_staff_registers_signs_and_sees_the_seal_valid(page, live_server, demo):
    _journey(page, live_server, demo, js=True)


def test_staff_journey_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP, locale="vi-VN")
    try:
        _journey(context.new_page(), live_server, demo, js=False)
    finally:
        context.close()


def test_unit_head_opens_the_units_collective_commitment(page, live_server, demo):
    browser_sign_in(page, live_server, "truongphong", PASSWORD)
    page.get_by_role("button", name="Đăng ký thi đua").click()
    page.get_by_role("link", name="Bản đăng ký của đơn vị").click()
    expect(
        page.get_by_role("heading", name="Bản đăng ký thi đua của tập thể Phòng Tổng hợp")
    ).to_be_visible()
    assert_accessible(page, "unit start")
    page.get_by_role("button", name="Lập bản đăng ký").click()
    details = page.locator("#details")
    expect(details.get_by_role("group")).to_be_visible()
    answer = details.locator("textarea").first
    answer.fill("Phòng bảo đảm 100% hồ sơ được xử lý trên môi trường mạng.")
    answer.blur()
    expect(page.locator("#details-status")).to_contain_text("Đã lưu lúc")
    assert_accessible(page, "unit editor")
    screenshot(page, "commitment-unit-editor")
