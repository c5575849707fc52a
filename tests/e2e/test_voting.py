"""In a real browser with the demo office, with and without JavaScript: `thidua` opens a round
with the five accepted initiatives and three votes each; `nhanvien` cannot vote for her own,
votes three times, finds the fourth button disabled with its message, withdraws one and votes
for another, checks her receipt; `thidua` ends the round, the results show the right totals and
are published. axe on each page, screenshots at desktop and 375 px."""

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models.initiatives import Initiative, InitiativeStatus
from app.models.voting import VotingRound
from app.web.filters import local_today, local_zone
from tests.e2e.conftest import DESKTOP, browser_sign_in
from tests.e2e.conftest import assert_accessible as check_accessible
from tests.e2e.conftest import screenshot as save_screenshot

pytestmark = pytest.mark.e2e
PASSWORD = "ThiDua@2026"
TITLE = "Bình chọn sáng kiến tiêu biểu năm 2026"
OWN = "Ứng dụng chữ ký số trong phát hành văn bản đi của Văn phòng"


@pytest.fixture
def demo(app):
    from app.campaigns.services import seed_default_campaign
    from app.demo import seed_demo, seed_demo_initiatives

    seed_default_campaign()
    seed_demo(staff=20, password=PASSWORD)
    seed_demo_initiatives(local_today())
    accepted = db.session.scalars(
        select(Initiative.title)
        .where(Initiative.status == InitiativeStatus.ACCEPTED)
        .order_by(Initiative.id)
    ).all()
    assert len(accepted) == 5 and OWN in accepted
    return [title for title in accepted if title != OWN]


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def voting_page(request, browser):
    context = browser.new_context(
        java_script_enabled=request.param, viewport=DESKTOP, locale="vi-VN"
    )
    yield context.new_page(), request.param
    context.close()


def _local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def _vote_button(page, title: str):
    return page.locator("article", has_text=title).get_by_role("button")


def test_a_round_opened_voted_in_closed_and_published(voting_page, live_server, demo):
    page, js = voting_page
    others = demo
    page.on("dialog", lambda dialog: dialog.accept())

    def screenshot(name: str) -> None:
        save_screenshot(page, name if js else f"{name}-nojs")

    def assert_accessible(name: str) -> None:
        if js:  # axe runs as a script in the page
            check_accessible(page, name)

    # The officer prepares the round and publishes it.
    browser_sign_in(page, live_server, "thidua", PASSWORD)
    page.get_by_role("link", name="Bình chọn", exact=True).click()
    expect(page.get_by_text("Hiện chưa có đợt bình chọn nào dành cho bạn.")).to_be_visible()
    page.get_by_role("link", name="Tạo đợt bình chọn").click()
    here = datetime.now(local_zone())  # the form takes the office's local time
    page.get_by_label("Tên đợt bình chọn").fill(TITLE)
    page.get_by_label("Bắt đầu bình chọn", exact=True).fill(_local(here - timedelta(hours=1)))
    page.get_by_label("Kết thúc bình chọn", exact=True).fill(_local(here - timedelta(hours=2)))
    page.get_by_role("button", name="Tạo đợt bình chọn").click()
    expect(page.get_by_text("Thời điểm kết thúc phải sau thời điểm bắt đầu.")).to_be_visible()
    expect(page.get_by_label("Tên đợt bình chọn")).to_have_value(TITLE)
    expect(page.get_by_label("Kết thúc bình chọn", exact=True)).to_have_attribute(
        "aria-invalid", "true"
    )
    assert_accessible("new round with an error")
    screenshot("voting-new-error")
    page.get_by_label("Kết thúc bình chọn", exact=True).fill(_local(here + timedelta(days=2)))
    page.get_by_role("button", name="Tạo đợt bình chọn").click()
    expect(page.get_by_text("Đã tạo đợt bình chọn.")).to_be_visible()

    for title in [OWN, *others]:
        page.get_by_label(title).check()
    page.get_by_role("button", name="Thêm các sáng kiến đã chọn").click()
    expect(page.get_by_text("Đã đưa 5 sáng kiến vào danh sách bình chọn.")).to_be_visible()
    expect(page.locator(".candidate-list li")).to_have_count(5)
    assert_accessible("candidates")
    screenshot("voting-candidates")
    page.get_by_role("link", name="Quay lại đợt bình chọn").click()
    assert_accessible("draft round")
    screenshot("voting-draft")
    page.get_by_role("button", name="Công bố đợt bình chọn").click()
    expect(page.get_by_text("Đã công bố đợt bình chọn.")).to_be_visible()
    expect(page.locator(".round-phase")).to_have_text("Đang bình chọn")
    round_id = db.session.scalar(select(VotingRound.id).where(VotingRound.title == TITLE))

    # nhanvien votes from her home page.
    page.context.clear_cookies()
    browser_sign_in(page, live_server, "nhanvien", PASSWORD)
    expect(page.locator(".open-round")).to_contain_text("còn 3 phiếu")
    page.get_by_role("link", name="Bình chọn", exact=True).click()
    expect(page.locator(".rounds-table")).to_contain_text("Đang bình chọn")
    assert_accessible("rounds")
    screenshot("voting-index")
    page.get_by_role("link", name="Việc của tôi").click()
    page.get_by_role("link", name=re.compile("bạn còn 3 phiếu")).click()
    counter = page.locator("#remaining-votes")
    expect(counter).to_contain_text("Bạn còn 3 phiếu")
    expect(_vote_button(page, OWN)).to_be_disabled()
    expect(page.locator("article", has_text=OWN)).to_contain_text(
        "Bạn là tác giả hoặc đồng tác giả của sáng kiến này"
    )
    assert_accessible("ballot")
    screenshot("voting-ballot")
    for left, title in zip((2, 1), others[:2], strict=True):
        _vote_button(page, title).click()
        expect(counter).to_contain_text(f"Bạn còn {left} phiếu")
        # Only that card was drawn again: it now offers the withdrawal, still focused.
        voted = page.locator("article", has_text=title).get_by_role("button")
        expect(voted).to_have_text(re.compile("^Rút phiếu"))
        if js:
            expect(voted).to_be_focused()
    expect(page.locator("article.candidate-card")).to_have_count(len(others) + 1)
    _vote_button(page, others[2]).click()
    expect(counter).to_contain_text("Bạn đã dùng hết 3 phiếu")
    fourth = page.locator("article", has_text=others[3])
    expect(fourth.get_by_role("button")).to_be_disabled()
    expect(fourth).to_contain_text("Bạn đã dùng hết 3 phiếu: hãy rút một phiếu")
    expect(page.locator("article", has_text=others[1])).to_contain_text("Bạn đã chọn")
    assert_accessible("ballot with every vote used")
    screenshot("voting-ballot-full")
    withdraw = page.locator("article", has_text=others[1]).get_by_role("button")
    expect(withdraw).to_have_text(re.compile("^Rút phiếu"))
    withdraw.click()
    expect(counter).to_contain_text("Bạn còn 1 phiếu")
    _vote_button(page, others[3]).click()
    expect(counter).to_contain_text("Bạn đã dùng hết 3 phiếu")
    if js:  # the button stays focused across the swap
        expect(page.locator("article", has_text=others[3]).get_by_role("button")).to_be_focused()
    code = page.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}", code)

    page.get_by_role("link", name="Kiểm tra lá phiếu của tôi").click()
    page.get_by_label("Mã biên nhận").fill(code.lower())
    page.get_by_role("button", name="Kiểm tra").click()
    expect(page.get_by_text("Mã khớp: lá phiếu được ghi nhận đúng")).to_be_visible()
    expect(page.locator("#ballot-heading + ol li")).to_have_count(3)
    assert_accessible("receipt check")
    screenshot("voting-receipt")

    # The officer follows the turnout, ends the round and publishes the results.
    page.context.clear_cookies()
    browser_sign_in(page, live_server, "thidua", PASSWORD)
    page.goto(f"{live_server}/voting/{round_id}")
    expect(page.locator("#turnout")).to_contain_text("Đã có 1/")
    page.get_by_role("link", name="Người chưa bình chọn").click()
    expect(page.locator(".non-voters-table")).not_to_contain_text("Phạm Thị Mai Anh")
    assert_accessible("non-voters")
    screenshot("voting-non-voters")
    page.go_back()
    page.get_by_role("button", name="Kết thúc bình chọn ngay").click()
    expect(page.get_by_text("Đã kết thúc bình chọn.")).to_be_visible()
    rows = page.locator(".results-table tbody tr")
    expect(rows).to_have_count(5)
    for title in (others[0], others[2], others[3]):
        expect(page.locator("tr", has_text=title).locator(".vote-count")).to_have_text("1 phiếu")
    for title in (OWN, others[1]):
        expect(page.locator("tr", has_text=title).locator(".vote-count")).to_have_text("0 phiếu")
    expect(rows.first.locator(".rank-cell")).to_contain_text("1")
    expect(rows.first.locator(".tie-badge")).to_have_text("đồng hạng")
    expect(page.locator("#ballots-counted")).to_have_text("1")
    assert_accessible("results")
    screenshot("voting-results")
    page.get_by_role("button", name="Công bố kết quả").click()
    expect(page.get_by_text("Đã công bố kết quả cho người bình chọn.")).to_be_visible()

    # nhanvien reads them.
    page.context.clear_cookies()
    browser_sign_in(page, live_server, "nhanvien", PASSWORD)
    page.goto(f"{live_server}/voting/{round_id}")
    expect(page.locator(".round-phase")).to_have_text("Đã công bố kết quả")
    page.get_by_role("link", name="Kết quả", exact=True).click()
    expect(page.locator(".results-table tbody tr")).to_have_count(5)
