"""In a real browser with the demo office: `nhanvien` registers an initiative, adds a co-author
found without diacritics and a PDF, submits it; `thidua` returns it with a comment; `nhanvien`
amends and submits again; `thidua` accepts it. With and without JavaScript; axe on each page,
screenshots at desktop and 375 px."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models.initiatives import Initiative, InitiativeAuthor
from tests.e2e.conftest import DESKTOP, assert_accessible, browser_sign_in, screenshot
from tests.e2e.test_commitments_owner import PASSWORD, demo  # noqa: F401

pytestmark = pytest.mark.e2e
TITLE = "Số hóa sổ theo dõi văn bản đến của Phòng Tổng hợp"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def journey_page(request, browser):
    context = browser.new_context(
        java_script_enabled=request.param, viewport=DESKTOP, locale="vi-VN"
    )
    yield context.new_page(), request.param
    context.close()


def _initiative() -> Initiative | None:
    db.session.expire_all()
    return db.session.scalar(select(Initiative).where(Initiative.title == TITLE))


def fill_application(page) -> None:
    page.get_by_label("Tên sáng kiến").fill(TITLE)
    page.get_by_label("Lĩnh vực áp dụng").select_option(index=1)
    page.get_by_label("Ngày áp dụng lần đầu hoặc áp dụng thử").fill("2026-10-15")
    page.get_by_label("Hiện trạng").fill(
        "Văn bản đến được vào sổ giấy, tra cứu mất nhiều thời gian."
    )
    page.get_by_label("Nội dung của giải pháp").fill(
        "Vào sổ văn bản đến trên phần mềm, quét kèm bản điện tử."
    )
    page.get_by_label("Những điểm khác biệt, tính mới so với giải pháp đã có").fill(
        "Lần đầu áp dụng tại Văn phòng."
    )
    page.get_by_label("Khả năng áp dụng").fill("Áp dụng được cho tất cả các phòng.")
    page.get_by_label("Hiệu quả, lợi ích thu được theo đánh giá của tác giả").fill(
        "Giảm 70% thời gian tra cứu."
    )


def add_coauthor(page, js: bool, search: str, name: str, share: str) -> None:
    authors = page.locator("#authors")
    authors.get_by_label("Tìm người trong danh bạ").fill(search)
    if not js:
        authors.get_by_role("button", name="Tìm kiếm").click()
    choice = page.locator("#authors").get_by_label(name, exact=False)
    expect(choice.first).to_be_visible()
    choice.first.check()
    page.locator("#authors").get_by_label("Tỷ lệ đóng góp (%)").fill(share)
    page.locator("#authors").get_by_role("button", name="Thêm", exact=True).click()
    expect(page.get_by_text("Đã thêm đồng tác giả.")).to_be_visible()


def test_submit_return_resubmit_and_accept(journey_page, live_server, demo, tmp_path):  # noqa: F811
    page, js = journey_page
    submit_return_resubmit_accept(page, js, live_server, tmp_path)


def submit_return_resubmit_accept(page, js: bool, live_server: str, tmp_path) -> Initiative:
    """The application's part of the acceptance journey; returns the accepted initiative."""
    suffix = "" if js else "-nojs"
    # axe runs as a script in the page: only with JavaScript on.
    browser_sign_in(page, live_server, "nhanvien", PASSWORD)
    page.goto(f"{live_server}/initiatives/new")
    if js:
        assert_accessible(page, "new initiative")
    # An empty title is refused beside the field, the rest kept.
    fill_application(page)
    page.get_by_label("Tên sáng kiến").fill("")
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.get_by_text("Nhập tên sáng kiến.")).to_be_visible()
    expect(page.get_by_label("Hiện trạng")).to_have_value(
        "Văn bản đến được vào sổ giấy, tra cứu mất nhiều thời gian."
    )
    if js:
        screenshot(page, "initiative-new-error")
    page.get_by_label("Tên sáng kiến").fill(TITLE)
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.get_by_text("Đã lưu bản nháp.")).to_be_visible()

    add_coauthor(page, js, "ngo dinh thien", "Ngô Đình Thiện", "30")
    expect(page.locator("#shares-total")).to_have_text("100%")
    pdf = tmp_path / "Báo cáo kết quả áp dụng.pdf"
    pdf.write_bytes(PDF)
    attachments = page.locator("#attachments")
    attachments.get_by_label("Tệp").set_input_files(str(pdf))
    attachments.get_by_role("button", name="Đính kèm").click()
    expect(page.locator("#attachments").get_by_role("link", name=pdf.name)).to_be_visible()
    if js:
        assert_accessible(page, "initiative editor")
    if js:
        screenshot(page, "initiative-edit")
    page.get_by_role("button", name="Lưu và nộp").click()
    expect(page.get_by_text("Đã nộp sáng kiến đến Phòng Hành chính - Quản trị.")).to_be_visible()
    initiative = _initiative()
    assert initiative.status == "submitted"
    shares = dict(
        db.session.execute(
            select(InitiativeAuthor.is_main, InitiativeAuthor.share).where(
                InitiativeAuthor.initiative_id == initiative.id
            )
        ).all()
    )
    assert shares == {True: 70, False: 30}
    page.context.clear_cookies()

    browser_sign_in(page, live_server, "thidua", PASSWORD)
    page.goto(f"{live_server}/initiatives/review")
    if js:
        assert_accessible(page, "review queue")
    if js:
        screenshot(page, "initiative-review-queue")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text(pdf.name)).to_be_visible()
    if js:
        assert_accessible(page, "initiative for review")
    if js:
        screenshot(page, "initiative-show-officer")
    page.get_by_role("button", name="Trả lại", exact=True).click()
    expect(page.get_by_text("Ghi rõ nội dung tác giả cần bổ sung, chỉnh sửa.")).to_be_visible()
    page.locator("#return-comment").fill("Đề nghị bổ sung số liệu thời gian tra cứu trước và sau.")
    page.get_by_role("button", name="Trả lại", exact=True).click()
    expect(page.get_by_text("Đã trả lại hồ sơ cho tác giả.")).to_be_visible()
    assert _initiative().status == "returned"
    page.context.clear_cookies()

    browser_sign_in(page, live_server, "nhanvien", PASSWORD)
    page.get_by_role("link", name=f"Hồ sơ sáng kiến “{TITLE}” bị trả lại").click()
    expect(page.get_by_text("Đề nghị bổ sung số liệu thời gian tra cứu")).to_be_visible()
    page.get_by_label("Hiệu quả, lợi ích thu được theo đánh giá của tác giả").fill(
        "Thời gian tra cứu một văn bản giảm từ 10 phút xuống 3 phút."
    )
    page.get_by_role("button", name="Lưu và nộp").click()
    expect(page.get_by_text("Đã nộp sáng kiến đến Phòng Hành chính - Quản trị.")).to_be_visible()
    assert _initiative().status == "submitted"
    page.context.clear_cookies()

    browser_sign_in(page, live_server, "thidua", PASSWORD)
    page.goto(f"{live_server}/initiatives/{initiative.id}")
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.get_by_text("Đã tiếp nhận sáng kiến, đưa ra Hội đồng đánh giá.")).to_be_visible()
    assert _initiative().status == "accepted"
    page.goto(f"{live_server}/initiatives/?q=so+hoa+so")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    if js:
        assert_accessible(page, "initiatives list")
    screenshot(page, f"initiatives-list{suffix}")
    return _initiative()


def test_acceptance_from_the_application_to_the_councils_minutes(
    page,
    live_server,
    demo,  # noqa: F811
    tmp_path,
):
    """Issue 4's acceptance in one run: the application as above, then a council of four
    where the co-author Ngô Đình Thiện is excluded; three members score, two approve: 2 of 3
    is two thirds, so it reads recognized, and the minutes DOCX lists the scores."""
    from docx import Document

    from app.councils import services as councils
    from app.models.directory import User
    from tests.council_helpers import make_council
    from tests.e2e.test_councils import _score, _sign_out_and_in
    from tests.review_helpers import seen

    initiative = submit_return_resubmit_accept(page, True, live_server, tmp_path)
    people = {u.username: u for u in db.session.scalars(select(User))}
    seats = [
        (people["lanhdao"], "chair"),
        (people["truongphong"], "secretary"),
        (people["ndthien"], "member"),
        (people["truyenthong"], "member"),
    ]
    council = make_council(demo["campaign"], people["thidua"], seats)
    councils.open_session(seen(people["thidua"]), council)
    council_name = council.name
    page.on("dialog", lambda dialog: dialog.accept())

    for username, points, approves in (
        ("lanhdao", (35, 25, 25), True),
        ("truongphong", (30, 25, 20), True),
        ("truyenthong", (20, 15, 10), False),
    ):
        _sign_out_and_in(page, live_server, username)
        page.goto(f"{live_server}/council/")
        page.get_by_role("link", name=council_name).click()
        _score(page, TITLE, points, approves, True)
    _sign_out_and_in(page, live_server, "ndthien")
    page.goto(f"{live_server}/council/")
    page.get_by_role("link", name=council_name).click()
    expect(
        page.locator("tr", has_text=TITLE).get_by_text("Không tham gia (tác giả)")
    ).to_be_visible()

    _sign_out_and_in(page, live_server, "lanhdao")
    page.goto(f"{live_server}/council/")
    page.get_by_role("link", name=council_name).click()
    page.get_by_role("link", name="Kết thúc phiên họp").click()
    page.get_by_role("button", name="Kết thúc phiên họp và kết luận").click()
    card = page.locator(f"#result-{initiative.id}")
    expect(card.get_by_text("Phiếu đồng ý: 2/3")).to_be_visible()
    expect(
        page.locator(".results-summary")
        .locator("tr", has_text=TITLE)
        .get_by_text("Công nhận", exact=True)
    ).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Biên bản họp (DOCX)").click()
    minutes = Document(download.value.path())
    text = "\n".join(p.text for p in minutes.paragraphs)
    cells = " | ".join(
        cell.text for table in minutes.tables for row in table.rows for cell in row.cells
    )
    assert "BIÊN BẢN HỌP HỘI ĐỒNG SÁNG KIẾN" in text
    assert TITLE in cells or TITLE in text
    for total in ("85", "75", "45"):
        assert total in cells, total
    assert "Ngô Đình Thiện" in cells or "Ngô Đình Thiện" in text
    assert _initiative().status == "recognized"
