"""Each page in a real browser with the demo office: no axe violation, screenshots at two widths."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, browser_sign_in, screenshot

pytestmark = pytest.mark.e2e
PASSWORD = "ThiDua@2026"


@pytest.fixture
def demo(app):
    from app.campaigns.services import seed_default_campaign
    from app.demo import seed_demo

    seed_default_campaign()
    seed_demo(staff=40, password=PASSWORD)


def test_directory_search_without_diacritics_finds_the_person(page, live_server, demo):
    browser_sign_in(page, live_server, "nhanvien", PASSWORD)
    page.goto(f"{live_server}/directory/")
    assert_accessible(page, "directory")
    page.get_by_label("Tìm theo họ tên, tên đăng nhập hoặc thư điện tử").press_sequentially(
        "ngo dinh thien"
    )
    results = page.locator("#results")
    expect(results.get_by_text("Ngô Đình Thiện")).to_be_visible()
    expect(results.locator("tbody tr")).to_have_count(1)
    assert parse_qs(urlsplit(page.url).query)["q"] == ["ngo dinh thien"]
    screenshot(page, "directory-search")


def test_campaign_page_shows_the_plans_content_areas(page, live_server, demo):
    browser_sign_in(page, live_server, "lanhdao", PASSWORD)
    page.get_by_role("link", name="Phong trào", exact=True).click()
    expect(page.get_by_role("heading", name="Nội dung thi đua")).to_be_visible()
    expect(page.get_by_text("Thi đua chuyển đổi xanh, chống biến đổi khí hậu")).to_be_visible()
    assert_accessible(page, "campaign")
    screenshot(page, "campaign")


def test_change_password_page_shows_errors_beside_fields(page, live_server, demo):
    browser_sign_in(page, live_server, "nhanvien", PASSWORD)
    page.goto(f"{live_server}/account/password")
    page.get_by_label("Mật khẩu hiện tại").fill("sai")
    page.get_by_label("Mật khẩu mới", exact=True).fill("ngan")
    page.get_by_label("Nhập lại mật khẩu mới").fill("ngan")
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    expect(page.get_by_text("Mật khẩu hiện tại không đúng.")).to_be_visible()
    assert_accessible(page, "change password")
    screenshot(page, "change-password")


def test_officer_edits_a_content_area_in_place(page, live_server, demo):
    from app.campaigns.services import current_campaign

    campaign = current_campaign()
    browser_sign_in(page, live_server, "thidua", PASSWORD)
    page.get_by_role("button", name="Điều hành").click()
    page.get_by_role("link", name="Quản lý phong trào").click()
    assert_accessible(page, "campaign list")
    page.goto(f"{live_server}/campaigns/{campaign.id}/edit")
    assert_accessible(page, "campaign edit")
    screenshot(page, "campaign-edit")

    areas = page.locator("#content-areas")
    areas.get_by_role("link", name="Sửa").first.click()
    editing = areas.locator("li.item-editing")
    editing.get_by_label("Nội dung thi đua").fill("")
    editing.get_by_role("button", name="Lưu").click()
    expect(areas.locator(".invalid-feedback").first).to_be_visible()  # 422, swapped in place
    screenshot(page, "campaign-edit-item-error")
    editing.get_by_label("Nội dung thi đua").fill("Thi đua tạo đột phá trong tư duy")
    editing.get_by_role("button", name="Lưu").click()
    expect(areas.locator("li.item-editing")).to_have_count(0)
    expect(areas.locator("li").first).to_contain_text("II.1 Thi đua tạo đột phá trong tư duy")
    assert page.url.endswith(f"/campaigns/{campaign.id}/edit")  # no full navigation


def test_menu_opens_without_javascript(browser, live_server, demo):
    """Bootstrap's dropdowns need a script: without one the menu shows its entries opened."""
    from tests.e2e.conftest import DESKTOP

    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP, locale="vi-VN")
    page = context.new_page()
    try:
        browser_sign_in(page, live_server, "thidua", PASSWORD)
        entry = page.get_by_role("link", name="Chờ xem xét", exact=True)
        expect(entry).to_be_visible()
        entry.click()
        expect(page.get_by_role("heading", name="Sáng kiến chờ xem xét")).to_be_visible()
        screenshot(page, "menu-nojs")
    finally:
        context.close()
