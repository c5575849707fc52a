"""In a real browser with the demo office: `thidua` sets up the initiative council (details,
members found with the person picker, criteria) and opens its session; the members score,
`nhanvien` is excluded from the initiative she co-authored; the chair `ndthien` closes the
session and the results show the initiatives recognized. axe on each page, screenshots at
desktop and 375 px."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models.councils import Council, CouncilStatus
from app.models.directory import User
from app.models.initiatives import Initiative, InitiativeStatus
from tests.council_helpers import accepted_initiative
from tests.e2e.conftest import DESKTOP, browser_sign_in
from tests.e2e.conftest import assert_accessible as check_accessible
from tests.e2e.conftest import screenshot as save_screenshot

pytestmark = pytest.mark.e2e
PASSWORD = "ThiDua@2026"
MEMBERS = (
    ("ngo dinh thien", "Ngô Đình Thiện", "Chủ tịch Hội đồng"),
    ("le van thanh", "Lê Văn Thành", "Thư ký Hội đồng"),
    ("hoang minh duc", "Hoàng Minh Đức", "Ủy viên"),
    ("pham thi mai anh", "Phạm Thị Mai Anh", "Ủy viên"),
)


@pytest.fixture
def demo(app):
    from app.campaigns.services import seed_default_campaign
    from app.demo import seed_demo

    campaign, _created = seed_default_campaign()
    seed_demo(staff=20, password=PASSWORD)
    people = {user.username: user for user in db.session.scalars(select(User))}
    colleague = next(
        user
        for user in people.values()
        if user.unit_id == people["nhanvien"].unit_id
        and user.username not in ("nhanvien", "truongphong")
    )
    shared = accepted_initiative(
        campaign,
        colleague,
        [people["nhanvien"]],
        title="Số hóa quy trình tiếp nhận và xử lý văn bản đến",
    )
    signing = accepted_initiative(
        campaign, people["truyenthong"], title="Ký số văn bản đi trên hệ thống quản lý văn bản"
    )
    return {"shared": shared, "signing": signing}


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def council_page(request, browser):
    context = browser.new_context(
        java_script_enabled=request.param, viewport=DESKTOP, locale="vi-VN"
    )
    yield context.new_page(), request.param
    context.close()


def _open_councils(page, live_server, js: bool) -> None:
    """Through the menu (its dropdowns need JavaScript), or by address without it."""
    if js:
        page.get_by_role("button", name="Sáng kiến").click()
        page.get_by_role("link", name="Hội đồng sáng kiến", exact=True).click()
    else:
        page.goto(f"{live_server}/council/")


def _sign_out_and_in(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    browser_sign_in(page, live_server, username, PASSWORD)


def _add_member(page, query: str, name: str, role: str) -> None:
    search = page.get_by_label("Tìm người trong danh bạ")
    search.fill(query)
    page.get_by_role("button", name="Tìm kiếm").click()
    person = page.locator("#member-choices").get_by_label(re.compile(f"^{name}"))
    expect(person).to_be_checked()
    page.locator("#add-member").get_by_label("Vai trò").select_option(label=role)
    page.get_by_role("button", name="Thêm vào hội đồng").click()
    expect(page.locator("#composition tbody tr", has_text=name)).to_be_visible()


def _score(page, title: str, points: tuple[int, int, int], approve: bool, js: bool) -> None:
    page.locator("tr", has_text=title).get_by_role("link", name=re.compile("^Chấm điểm")).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    page.wait_for_load_state()  # app.js (deferred) sums the points as they are typed
    for label, value in zip(
        ("Tính mới", "Khả năng áp dụng", "Hiệu quả, lợi ích"), points, strict=True
    ):
        page.get_by_label(label, exact=True).fill(str(value))
    if js:
        expect(page.locator("output[data-sum-total]")).to_have_text(str(sum(points)))
    opinion = "Đồng ý công nhận sáng kiến" if approve else "Không đồng ý công nhận"
    page.get_by_label(opinion).check()
    page.get_by_role("button", name="Lưu phiếu chấm").click()
    expect(page.get_by_text(f"Đã lưu phiếu chấm sáng kiến “{title}”.")).to_be_visible()


def test_council_set_up_scored_and_closed(council_page, live_server, demo):
    page, js = council_page
    shared, signing = demo["shared"].title, demo["signing"].title
    page.on("dialog", lambda dialog: dialog.accept())

    def screenshot(page, name: str) -> None:
        save_screenshot(page, name if js else f"{name}-nojs")

    def assert_accessible(page, name: str) -> None:
        if js:  # axe runs as a script in the page
            check_accessible(page, name)

    # The officer sets the council up.
    browser_sign_in(page, live_server, "thidua", PASSWORD)
    _open_councils(page, live_server, js)
    page.get_by_role("link", name="Lập hội đồng").click()
    expect(page.get_by_label("Tên hội đồng")).to_have_value(
        "Hội đồng sáng kiến Văn phòng UBND tỉnh năm 2026"
    )
    page.get_by_label("Tên hội đồng").fill("")
    page.get_by_role("button", name="Lập hội đồng").click()
    expect(page.get_by_label("Tên hội đồng")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Nhập tên hội đồng.")).to_be_visible()
    assert_accessible(page, "new council with an error")
    screenshot(page, "council-new-error")
    page.get_by_label("Tên hội đồng").fill("Hội đồng sáng kiến Văn phòng UBND tỉnh năm 2026")
    page.get_by_label("Quyết định thành lập").fill("Quyết định số 125/QĐ-VPUBND ngày 10/11/2026")
    page.get_by_label("Ngày họp").fill("2026-12-15")
    page.get_by_label("Địa điểm họp").fill("Phòng họp số 1, Văn phòng UBND tỉnh")
    page.get_by_role("button", name="Lập hội đồng").click()
    expect(page.get_by_text("Đã lập hội đồng. Tiếp theo, hãy thêm thành viên.")).to_be_visible()

    for query, name, role in MEMBERS:
        _add_member(page, query, name, role)
    # A second chair is refused beside the field.
    page.get_by_label("Tìm người trong danh bạ").fill("h'linh")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page.locator("#member-choices").get_by_label(re.compile("^H'Linh Niê"))).to_be_checked()
    page.locator("#add-member").get_by_label("Vai trò").select_option(label="Chủ tịch Hội đồng")
    page.get_by_role("button", name="Thêm vào hội đồng").click()
    expect(page.get_by_text("Hội đồng đã có Chủ tịch (Ngô Đình Thiện)")).to_be_visible()
    expect(page.locator("#composition tbody tr")).to_have_count(4)
    assert_accessible(page, "members with an error")
    screenshot(page, "council-members")

    page.get_by_role("link", name="Quay lại hội đồng").click()
    page.get_by_role("link", name="Tiêu chí chấm điểm").click()
    page.wait_for_load_state()  # app.js (deferred) sums the points as they are typed
    page.get_by_label("Điểm tối đa của tiêu chí 1").fill("30")
    if js:
        expect(page.locator("#weights-total")).to_have_text("90")
    page.get_by_role("button", name="Lưu tiêu chí").click()
    expect(page.get_by_text("Tổng điểm tối đa hiện là 90")).to_be_visible()
    assert_accessible(page, "criteria with an error")
    screenshot(page, "council-criteria-error")
    page.get_by_label("Điểm tối đa của tiêu chí 1").fill("40")
    page.get_by_role("button", name="Lưu tiêu chí").click()
    expect(page.get_by_text("Đã lưu tiêu chí chấm điểm.")).to_be_visible()

    expect(
        page.get_by_text("Có 2 sáng kiến đã được tiếp nhận đang chờ hội đồng xem xét.")
    ).to_be_visible()
    assert_accessible(page, "council being prepared")
    screenshot(page, "council-preparing")
    page.get_by_role("button", name="Mở phiên họp").click()
    expect(page.get_by_text("Đã mở phiên họp; 2 sáng kiến được đưa ra hội đồng.")).to_be_visible()
    expect(page.locator(".session-table tbody tr")).to_have_count(2)
    screenshot(page, "council-in-session-officer")

    # The members score; nhanvien co-authored the first initiative and is excluded from it.
    scores = {
        "ndthien": ((36, 27, 27), True, (30, 25, 20), True),
        "truongphong": ((35, 25, 25), True, (20, 15, 15), False),
        "lanhdao": ((30, 20, 20), False, (32, 25, 24), True),
        "nhanvien": (None, None, (25, 20, 20), False),
    }
    for username, (first, first_ok, second, second_ok) in scores.items():
        _sign_out_and_in(page, live_server, username)
        _open_councils(page, live_server, js)
        page.get_by_role("link", name="Hội đồng sáng kiến Văn phòng UBND tỉnh năm 2026").click()
        if first is None:
            row = page.locator("tr", has_text=shared)
            expect(row.get_by_text("Không tham gia (tác giả)")).to_be_visible()
            page.goto(page.url + f"/initiatives/{demo['shared'].id}/judgement")
            expect(
                page.get_by_text(
                    "Bạn là tác giả/đồng tác giả của sáng kiến này nên không tham gia chấm điểm"
                )
            ).to_be_visible()
            assert_accessible(page, "excluded co-author")
            screenshot(page, "council-judge-excluded")
            page.get_by_role("link", name=re.compile("Hội đồng sáng kiến Văn phòng")).click()
        else:
            _score(page, shared, first, first_ok, js)
        if username == "truongphong":
            page.locator("tr", has_text=signing).get_by_role(
                "link", name=re.compile("^Chấm điểm")
            ).click()
            page.get_by_role("button", name="Lưu phiếu chấm").click()
            expect(page.get_by_text("Nhập số điểm.").first).to_be_visible()
            assert_accessible(page, "scoring with errors")
            screenshot(page, "council-judge-error")
            page.get_by_role("link", name="Quay lại hội đồng").click()
        _score(page, signing, second, second_ok, js)
        if username == "ndthien":
            row = page.locator("tr", has_text=signing)
            expect(row.get_by_text("75 điểm · Đồng ý")).to_be_visible()
            assert_accessible(page, "session as the chair")
            screenshot(page, "council-in-session-member")

    # The chair closes the session.
    _sign_out_and_in(page, live_server, "ndthien")
    page.goto(f"{live_server}/council/")
    page.get_by_role("link", name="Hội đồng sáng kiến Văn phòng UBND tỉnh năm 2026").click()
    page.get_by_role("link", name="Kết thúc phiên họp").click()
    expect(page.get_by_text("Tất cả thành viên đã chấm đủ")).to_be_visible()
    assert_accessible(page, "close")
    screenshot(page, "council-close")
    page.get_by_role("button", name="Kết thúc phiên họp và kết luận").click()
    expect(
        page.get_by_text("Đã kết thúc phiên họp: 1 sáng kiến được công nhận, 1 sáng kiến")
    ).to_be_visible()
    summary = page.locator(".results-summary")
    expect(summary.locator("tr", has_text=shared).get_by_text("Công nhận")).to_be_visible()
    expect(summary.locator("tr", has_text=signing).get_by_text("Không công nhận")).to_be_visible()
    card = page.locator(f"#result-{demo['shared'].id}")
    expect(card.get_by_text("Không tham gia (tác giả)")).to_be_visible()
    expect(card.get_by_text("Phiếu đồng ý: 2/3")).to_be_visible()
    assert_accessible(page, "results")
    screenshot(page, "council-results")
    if js:
        with page.expect_download() as download:
            page.get_by_role("link", name="Biên bản họp (DOCX)").click()
        assert download.value.suggested_filename.startswith("Biên bản họp Hội đồng sáng kiến")

    db.session.expire_all()
    assert db.session.scalar(select(Council.status)) == CouncilStatus.CLOSED
    assert db.session.get(Initiative, demo["shared"].id).status == InitiativeStatus.RECOGNIZED
    assert db.session.get(Initiative, demo["signing"].id).status == (
        InitiativeStatus.NOT_RECOGNIZED
    )


def test_staff_not_on_a_council_see_no_entry(page, live_server, demo):
    from tests.e2e.conftest import screenshot

    browser_sign_in(page, live_server, "nhanvien", PASSWORD)
    expect(page.get_by_role("link", name="Hội đồng sáng kiến")).to_have_count(0)
    page.goto(f"{live_server}/council/")
    expect(page.get_by_text("Bạn không là thành viên hội đồng nào.")).to_be_visible()
    check_accessible(page, "no council")
    screenshot(page, "council-none")
