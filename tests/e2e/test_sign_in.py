"""In a real browser: sign in, a wrong password, sign out, the 404 page, each role's menu."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, browser_sign_in, screenshot
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.e2e


def test_sign_in_wrong_password_keeps_username_then_signs_in_and_out(page, live_server):
    make_user(username="nhanvien", full_name="Phạm Thị Mai Anh")
    browser_sign_in(page, live_server, "nhanvien", "sai-mat-khau")
    expect(page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.")).to_be_visible()
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("nhanvien")
    assert_accessible(page, "sign-in with error")
    screenshot(page, "login-error")

    page.get_by_label("Mật khẩu", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Việc của tôi")).to_be_visible()
    assert_accessible(page, "home")
    screenshot(page, "home-staff")

    page.get_by_role("button", name="Phạm Thị Mai Anh").click()
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_text("Bạn đã đăng xuất.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto(f"{live_server}/")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_sign_in_page_is_accessible(page, live_server):
    page.goto(f"{live_server}/login")
    assert_accessible(page, "sign-in")
    screenshot(page, "login")


def test_unknown_url_shows_vietnamese_404(page, live_server):
    response = page.goto(f"{live_server}/khong-co-trang-nay")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Không tìm thấy trang")).to_be_visible()
    assert_accessible(page, "404")
    screenshot(page, "404")


DEMO_MENUS = {
    "admin": ["Việc của tôi", "Quản trị"],
    "thidua": ["Việc của tôi", "Điều hành"],
    "truongphong": ["Việc của tôi", "Đơn vị của tôi"],
    "nhanvien": ["Việc của tôi", "Danh bạ"],
    "lanhdao": ["Việc của tôi", "Phong trào"],
    "truyenthong": ["Việc của tôi", "Phong trào"],
}


def test_each_demo_account_sees_its_roles_menu(app, page, live_server):
    from app.campaigns.services import seed_default_campaign
    from app.demo import seed_demo

    seed_default_campaign()
    seed_demo(staff=20, password="ThiDua@2026")
    for username, items in DEMO_MENUS.items():
        browser_sign_in(page, live_server, username, "ThiDua@2026")
        nav = page.get_by_role("navigation", name="Menu chính")
        for item in items:
            expect(nav.get_by_text(item, exact=True).first).to_be_visible()
        if username != "admin":
            expect(nav.get_by_text("Quản trị", exact=True)).to_have_count(0)
        if username != "thidua":
            expect(nav.get_by_text("Quản lý phong trào", exact=True)).to_have_count(0)
        # From 1200 px the whole menu stands on one line, nothing pushed off the page.
        page.set_viewport_size({"width": 1200, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= 1200, username
        assert page.locator("nav.app-navbar").bounding_box()["height"] < 70, username
        screenshot(page, f"home-{username}")
        page.context.clear_cookies()
