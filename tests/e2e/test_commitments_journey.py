"""The acceptance journey of issue 3 in one browser run, with and without JavaScript:
`nhanvien` adds three items in two areas, removes one, signs with the password and sees the seal
valid; `truongphong` confirms it; `thidua` sees Phòng Tổng hợp's share rise."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, browser_sign_in
from tests.e2e.test_commitments_owner import PASSWORD, _add, _commitment, demo  # noqa: F401
from tests.e2e.test_commitments_tracking import _percent

pytestmark = pytest.mark.e2e


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def journey_page(request, browser):
    context = browser.new_context(
        java_script_enabled=request.param, viewport=DESKTOP, locale="vi-VN"
    )
    yield context.new_page(), request.param
    context.close()


def test_register_sign_confirm_and_track(journey_page, live_server, demo):  # noqa: F811
    page, js = journey_page
    first, second = demo["areas"][0], demo["areas"][1]

    browser_sign_in(page, live_server, "thidua", PASSWORD)
    page.goto(f"{live_server}/commitments/tracking")
    before = _percent(page)
    page.context.clear_cookies()

    browser_sign_in(page, live_server, "nhanvien", PASSWORD)
    page.goto(f"{live_server}/commitments/")
    page.get_by_role("button", name="Lập bản đăng ký").click()
    _add(page, first, "Số hóa toàn bộ hồ sơ công việc của cá nhân", "100% hồ sơ")
    _add(page, first, "Đề xuất một sáng kiến cải tiến quy trình", "1 sáng kiến")
    _add(page, second, "Sử dụng chữ ký số cho mọi văn bản đi", "100% văn bản")
    item = page.locator(f"#area-{first} .list-group-item", has_text="Đề xuất một sáng kiến")
    if js:
        page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name=re.compile("^Xóa")).click()
    expect(page.locator(f"#area-{first} .list-group-item")).to_have_count(1)
    details = page.locator("#details")
    details.get_by_label("Danh hiệu thi đua đăng ký").select_option(label="Lao động tiên tiến")
    details.get_by_label("Tôi đã đọc và cam kết phấn đấu").check()
    if js:
        expect(page.locator("#details-status")).to_contain_text("Đã lưu lúc")
    else:
        details.get_by_role("button", name="Lưu").click()
    page.get_by_role("link", name="Xem trước và ký").click()
    page.get_by_label("Mật khẩu của bạn").fill(PASSWORD)
    page.get_by_label("Tôi cam kết thực hiện đầy đủ các nội dung đã đăng ký").check()
    page.get_by_role("button", name="Ký bản đăng ký").click()
    expect(page.locator("#current-version").get_by_text("Niêm phong hợp lệ")).to_be_visible()
    page.context.clear_cookies()

    browser_sign_in(page, live_server, "truongphong", PASSWORD)
    page.goto(f"{live_server}/commitments/members")
    page.locator("tr", has_text="Phạm Thị Mai Anh").get_by_role(
        "link", name="Xem và xác nhận"
    ).click()
    expect(page.get_by_text("Niêm phong hợp lệ")).to_be_visible()
    page.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(
        page.locator("tr", has_text="Phạm Thị Mai Anh").get_by_text("Đã xác nhận")
    ).to_be_visible()
    assert _commitment("nhanvien").status == "confirmed"
    page.context.clear_cookies()

    browser_sign_in(page, live_server, "thidua", PASSWORD)
    page.goto(f"{live_server}/commitments/tracking")
    assert _percent(page) > before
