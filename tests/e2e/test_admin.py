"""In a real browser, as the admin: import 200 users with 3 bad rows, search users without
diacritics, the user form, units and the audit log; axe on each page, screenshots."""

import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.extensions import db
from app.models.directory import Unit, User
from tests.e2e.conftest import assert_accessible, browser_sign_in, screenshot

pytestmark = pytest.mark.e2e
PASSWORD = "ThiDua@2026"


@pytest.fixture
def demo(app):
    from app.campaigns.services import seed_default_campaign
    from app.demo import seed_demo

    seed_default_campaign()
    seed_demo(staff=40, password=PASSWORD)


def _staff_file(path, rows: int = 200) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Tên đăng nhập", "Họ và tên", "Chức vụ", "Đơn vị", "Thư điện tử", "Vai trò"])
    for i in range(1, rows + 1):
        sheet.append(
            [f"canbo{i:03d}", f"Nguyễn Thị Cán Bộ {i}", "Chuyên viên", "Phòng Kinh tế",
             f"canbo{i:03d}@daklak.gov.vn", ""]
        )  # fmt: skip
    # Three bad rows: rows 11, 51 and 151 of the sheet (the header is row 1).
    sheet.cell(row=11, column=1, value="canbo001")  # duplicate username of row 2
    sheet.cell(row=51, column=4, value="Phòng Không Tồn Tại")  # unknown unit
    sheet.cell(row=151, column=5, value="khong-phai-email")  # bad e-mail
    book.save(path)


def test_admin_imports_200_rows_with_3_bad_ones(page, live_server, demo, tmp_path):
    path = tmp_path / "danh-sach-can-bo.xlsx"
    _staff_file(path)
    before = db.session.scalar(select(func.count(User.id)))

    browser_sign_in(page, live_server, "admin", PASSWORD)
    page.goto(f"{live_server}/admin/import/")
    assert_accessible(page, "import upload")
    screenshot(page, "admin-import-upload")
    page.get_by_label("Tệp bảng tính (XLSX hoặc CSV)").set_input_files(str(path))
    page.get_by_label("Mật khẩu ban đầu").fill("BatDau@2026")
    page.get_by_role("button", name="Xem trước").click()

    expect(page.get_by_text("200 dòng: 197 dòng hợp lệ, 3 dòng có lỗi.")).to_be_visible()
    bad = page.locator("tr.error-row")
    expect(bad).to_have_count(3)
    expect(bad.nth(0)).to_contain_text("11")
    expect(bad.nth(0)).to_contain_text("trùng")
    expect(bad.nth(1)).to_contain_text("Phòng Không Tồn Tại")
    expect(bad.nth(2)).to_contain_text("khong-phai-email")
    assert db.session.scalar(select(func.count(User.id))) == before  # nothing written yet
    assert_accessible(page, "import preview")
    screenshot(page, "admin-import-preview")

    page.get_by_role("button", name=re.compile("Xác nhận nhập")).click()
    expect(page.get_by_text("Đã nhập 197 người dùng; bỏ qua 3 dòng có lỗi.")).to_be_visible()
    assert db.session.scalar(select(func.count(User.id))) == before + 197
    imported = db.session.scalar(select(User).where(User.username == "canbo002"))
    assert imported.must_change_password
    assert imported.unit_id == db.session.scalar(
        select(Unit.id).where(Unit.name == "Phòng Kinh tế")
    )
    assert db.session.scalar(select(User).where(User.username == "canbo050")) is None


def test_admin_finds_user_typed_without_diacritics(page, live_server, demo):
    browser_sign_in(page, live_server, "admin", PASSWORD)
    page.get_by_role("button", name="Quản trị").click()
    page.get_by_role("link", name="Người dùng", exact=True).click()
    assert_accessible(page, "users list")
    screenshot(page, "admin-users")
    page.get_by_label("Tìm theo họ tên, tên đăng nhập hoặc thư điện tử").press_sequentially(
        "hoang minh duc"
    )
    results = page.locator("#results tbody tr")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Hoàng Minh Đức")

    results.first.get_by_role("link", name="Hoàng Minh Đức").click()
    expect(page.get_by_label("Họ và tên")).to_have_value("Hoàng Minh Đức")
    assert_accessible(page, "user form")
    screenshot(page, "admin-user-form")


def test_admin_creates_user_with_an_error_then_fixes_it(page, live_server, demo):
    browser_sign_in(page, live_server, "admin", PASSWORD)
    page.goto(f"{live_server}/admin/users/new")
    page.get_by_label("Tên đăng nhập").fill("nhanvien")  # taken
    page.get_by_label("Họ và tên").fill("Y Bhim Mlô")
    page.get_by_label("Mật khẩu ban đầu").fill("BatDau@2026")
    page.get_by_role("button", name="Lưu").click()
    username = page.get_by_label("Tên đăng nhập")
    expect(username).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Họ và tên")).to_have_value("Y Bhim Mlô")
    assert_accessible(page, "user form with error")
    screenshot(page, "admin-user-new-error")
    username.fill("ybhim")
    page.get_by_label("Mật khẩu ban đầu").fill("BatDau@2026")  # a password is never sent back
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert db.session.scalar(select(User).where(User.username == "ybhim")).full_name == "Y Bhim Mlô"


def test_admin_units_and_audit_log_pages(page, live_server, demo):
    browser_sign_in(page, live_server, "admin", PASSWORD)
    page.goto(f"{live_server}/admin/units/")
    expect(page.get_by_text("Phòng Hành chính - Quản trị").first).to_be_visible()
    assert_accessible(page, "units")
    screenshot(page, "admin-units")
    page.goto(f"{live_server}/admin/audit/")
    expect(page.locator("tbody tr").first).to_be_visible()
    assert_accessible(page, "audit log")
    screenshot(page, "admin-audit")
