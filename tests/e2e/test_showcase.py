"""In a real browser with the demo office: `truyenthong` (comms) writes a story with Markdown
that tries to run a script, adds a photo and links it to an accepted initiative, a person and
a unit, previews and publishes it; `nhanvien` reads it on the showcase; the portal reads it in
the feed without signing in; `truyenthong` takes it down and it leaves the showcase and the
feed. With and without JavaScript; axe on each page, screenshots at desktop and 375 px."""

import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models.stories import Story
from tests.e2e.conftest import DESKTOP, assert_accessible, browser_sign_in, screenshot
from tests.e2e.test_commitments_owner import PASSWORD, demo  # noqa: F401
from tests.story_helpers import png_bytes

pytestmark = pytest.mark.e2e
TITLE = "Tổ số hóa Phòng Tổng hợp: mỗi hồ sơ đi nhanh hơn một ngày"
INITIATIVE = "Ứng dụng chữ ký số trong phát hành văn bản đi của Văn phòng"
ATOM = "{http://www.w3.org/2005/Atom}"
BODY = (
    "Từ đầu năm, Phòng Tổng hợp **số hóa toàn bộ** hồ sơ trình ký.\n\n"
    "## Kết quả sau sáu tháng\n\n"
    "- Thời gian trình ký giảm còn một nửa;\n"
    "- Không còn thất lạc hồ sơ giấy.\n\n"
    "<script>alert('xss')</script>\n\n"
    "[Xem thêm](javascript:alert(1)) · [Cổng thông tin tỉnh](https://daklak.gov.vn)"
)


@pytest.fixture
def stories_demo(demo):  # noqa: F811
    from app.demo import seed_demo_initiatives, seed_demo_stories
    from app.web.filters import local_today

    seed_demo_initiatives(local_today())
    seed_demo_stories()
    return demo


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def journey_page(request, browser):
    context = browser.new_context(
        java_script_enabled=request.param, viewport=DESKTOP, locale="vi-VN"
    )
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.accept()

    page.on("dialog", on_dialog)
    yield page, request.param, dialogs
    context.close()


def _story() -> Story | None:
    db.session.expire_all()
    return db.session.scalar(select(Story).where(Story.title == TITLE))


@pytest.fixture
def portal(playwright):
    """The provincial portal: an HTTP client that never signed in."""
    context = playwright.request.new_context()
    yield context
    context.dispose()


def _feed_titles(portal, live_server) -> list[str]:
    response = portal.get(f"{live_server}/showcase/feed.atom")
    assert response.status == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.body())
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


def test_write_publish_read_and_take_down_a_story(
    journey_page, live_server, stories_demo, portal, tmp_path
):
    page, js, dialogs = journey_page
    suffix = "" if js else "-nojs"

    def check(page, name: str) -> None:
        """axe (a script in the page: only with JavaScript on), with the mouse away from the
        button last clicked, whose hover colours are still fading."""
        if js:
            page.mouse.move(0, 0)
            page.wait_for_timeout(300)
            assert_accessible(page, name)

    # comms writes the draft.
    browser_sign_in(page, live_server, "truyenthong", PASSWORD)
    page.goto(f"{live_server}/showcase/manage")
    check(page, "manage stories")
    page.get_by_role("link", name="Viết tin bài").first.click()
    check(page, "new story")
    page.get_by_label("Tiêu đề").fill(TITLE)
    page.get_by_label("Nội dung").fill(BODY)
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Nhập sapo (phần tóm tắt) của tin bài.")).to_be_visible()
    expect(page.get_by_label("Nội dung")).to_have_value(BODY)
    page.get_by_label("Sapo (tóm tắt)").fill(
        "Sáu tháng số hóa hồ sơ trình ký, Phòng Tổng hợp rút ngắn một nửa thời gian xử lý."
    )
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu bản nháp.")).to_be_visible()

    # The photo, with its description.
    photo = tmp_path / "to-so-hoa.png"
    photo.write_bytes(png_bytes(960, 540))
    section = page.locator("#photo-section")
    section.get_by_label("Ảnh", exact=True).set_input_files(str(photo))
    section.get_by_label("Mô tả ảnh").fill("Tổ số hóa của Phòng Tổng hợp bên máy quét hồ sơ")
    section.get_by_role("button", name="Lưu ảnh").click()
    # htmx shows the notice in the section, a plain form above the page.
    expect(page.get_by_text("Đã lưu ảnh.")).to_be_visible()
    expect(page.locator("#photo-section img")).to_have_attribute(
        "alt", "Tổ số hóa của Phòng Tổng hợp bên máy quét hồ sơ"
    )

    # What it is about: the initiative, the person found without diacritics, the unit.
    links = page.locator("#links")
    links.get_by_label("Tìm người trong danh bạ").fill("pham thi mai anh")
    if not js:
        links.get_by_role("button", name="Tìm kiếm").click()
    choice = page.locator("#links").get_by_label("Phạm Thị Mai Anh", exact=False)
    expect(choice.first).to_be_visible()
    choice.first.check()
    page.locator("#links").get_by_label("Sáng kiến").select_option(label=INITIATIVE)
    page.locator("#links").get_by_label("Đơn vị").select_option(label="— Phòng Tổng hợp")
    page.locator("#links").get_by_role("button", name="Lưu liên kết").click()
    expect(page.get_by_text("Đã lưu liên kết.")).to_be_visible()
    expect(page.locator("#links").get_by_text("Đang gắn với: Phạm Thị Mai Anh")).to_be_visible()
    check(page, "story editor")
    if js:
        screenshot(page, "showcase-editor")

    # Preview, then publish.
    page.get_by_role("button", name="Lưu và xem trước").click()
    expect(page.get_by_text("Bản xem trước")).to_be_visible()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    check(page, "story preview")
    if js:
        screenshot(page, "showcase-preview")
    page.get_by_role("button", name="Đăng tin").click()
    expect(page.get_by_text("Đã đăng tin bài trên trang Gương điển hình")).to_be_visible()
    story = _story()
    assert story.status == "published" and story.person_id and story.initiative_id
    assert TITLE in _feed_titles(portal, live_server)
    photo_url = f"{live_server}/showcase/{story.id}/photo/{story.photo_name}"
    assert portal.get(photo_url).body() == photo.read_bytes()
    page.context.clear_cookies()

    # Staff read it.
    browser_sign_in(page, live_server, "nhanvien", PASSWORD)
    page.get_by_role("link", name="Gương điển hình", exact=True).first.click()
    card = page.locator(".story-card", has_text=TITLE)
    expect(card).to_be_visible()
    expect(page.locator(".story-card").first).to_contain_text(TITLE)  # the newest first
    if js:
        width = card.locator("img").evaluate("img => img.complete && img.naturalWidth")
        assert width == 960
    check(page, "showcase")
    screenshot(page, f"showcase-list{suffix}")
    card.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name="Kết quả sau sáu tháng")).to_be_visible()
    expect(page.get_by_text("<script>alert('xss')</script>")).to_be_visible()
    expect(page.get_by_role("link", name="Xem thêm")).to_have_count(0)
    subjects = page.locator(".story-subjects")
    expect(subjects.get_by_role("link", name=INITIATIVE)).to_have_attribute(
        "href", f"/initiatives/{story.initiative_id}"
    )
    expect(page.get_by_role("button", name="Gỡ tin")).to_have_count(0)
    check(page, "story page")
    screenshot(page, f"showcase-story{suffix}")
    page.context.clear_cookies()

    # comms takes it down: it leaves the showcase and the feed.
    browser_sign_in(page, live_server, "truyenthong", PASSWORD)
    page.goto(f"{live_server}/showcase/{story.id}")
    page.get_by_role("button", name="Gỡ tin").click()
    expect(page.get_by_text("Đã gỡ tin bài khỏi trang Gương điển hình")).to_be_visible()
    assert _story().status == "unpublished"
    assert TITLE not in _feed_titles(portal, live_server)
    assert portal.get(photo_url).status == 404  # no longer public
    page.context.clear_cookies()
    browser_sign_in(page, live_server, "nhanvien", PASSWORD)
    page.goto(f"{live_server}/showcase/")
    expect(page.locator(".story-card").first).to_be_visible()
    expect(page.locator(".story-card", has_text=TITLE)).to_have_count(0)
    # No script ran on any page: the only dialog was the confirmation of taking it down.
    assert all(message.startswith("confirm") for message in dialogs), dialogs
