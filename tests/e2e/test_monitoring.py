"""In a real browser with the demo office: `thidua` opens the monitoring dashboard, follows a
unit to the people who have not signed and sends them a reminder; `nhanvien` sees it under the
bell; a local SMTP server receives the e-mail with its Vietnamese subject intact; a second
reminder within the interval is refused with a message. axe and screenshots."""

import email
import email.policy
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models.directory import User
from tests.e2e.conftest import assert_accessible, browser_sign_in, screenshot

pytestmark = pytest.mark.e2e
PASSWORD = "ThiDua@2026"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


@pytest.fixture
def demo(app):
    from app.campaigns.services import seed_default_campaign
    from app.demo import seed_demo

    seed_default_campaign()
    seed_demo(staff=20, password=PASSWORD)
    nhanvien = db.session.scalar(select(User).where(User.username == "nhanvien"))
    nhanvien.email = "maianh@vpubnd.daklak.gov.vn"
    db.session.commit()
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    try:
        yield inbox
    finally:
        controller.stop()


def test_dashboard_to_a_reminder_under_the_bell_and_in_the_mailbox(page, live_server, demo):
    inbox = demo
    browser_sign_in(page, live_server, "thidua", PASSWORD)
    page.get_by_role("button", name="Điều hành").click()
    page.get_by_role("link", name="Theo dõi", exact=True).click()
    expect(page.get_by_role("heading", name="Theo dõi phong trào thi đua")).to_be_visible()
    assert_accessible(page, "dashboard")
    screenshot(page, "monitoring-dashboard")
    page.get_by_role("link", name=re.compile("người chưa ký ở Phòng Tổng hợp")).click()
    expect(page.get_by_text("Phạm Thị Mai Anh").first).to_be_visible()
    page.get_by_role("link", name="Gửi nhắc nhở tới những người này").click()
    expect(page.get_by_label("Tiêu đề")).to_have_value("Nhắc nhở đăng ký thi đua")
    assert_accessible(page, "reminder form")
    screenshot(page, "reminder-new")
    page.get_by_role("button", name="Gửi nhắc nhở").click()
    expect(page.get_by_text(re.compile(r"Đã gửi nhắc nhở tới \d+ người"))).to_be_visible()
    expect(page.locator(".reminders-table")).to_contain_text("Phạm Thị Mai Anh")
    screenshot(page, "reminders")
    (message,) = [m for m in inbox.messages if m["To"] == "maianh@vpubnd.daklak.gov.vn"]
    assert message["Subject"] == "Nhắc nhở đăng ký thi đua"
    assert "bản đăng ký thi đua" in message.get_content()

    page.go_back()
    page.go_back()
    page.get_by_role("link", name="Gửi nhắc nhở tới những người này").click()
    page.get_by_role("button", name="Gửi nhắc nhở").click()
    expect(page.get_by_text(re.compile("đã được nhắc trong 24 giờ qua"))).to_be_visible()

    page.context.clear_cookies()
    browser_sign_in(page, live_server, "nhanvien", PASSWORD)
    bell = page.get_by_role("link", name=re.compile("^Thông báo"))
    expect(bell).to_contain_text("1")
    bell.click()
    expect(
        page.get_by_text("Nhắc nhở đăng ký thi đua: Đề nghị đồng chí hoàn thành")
    ).to_be_visible()
    assert_accessible(page, "notifications")
