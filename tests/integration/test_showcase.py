"""The showcase through the test client: who may open and do what, the editor's forms with bad
input kept beside its field (with and without htmx), the photo's limits, the Atom feed and the
published photos without signing in, hostile Markdown harmless on the page and in the feed, the
same number of queries for 3 stories as for 60."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.notifications import Notification
from app.models.stories import Story, StoryStatus
from app.showcase import services
from tests.conftest import post, sign_in
from tests.factories import make_campaign, make_unit, make_user
from tests.initiative_helpers import make_accepted
from tests.story_helpers import (
    HOSTILE,
    dangers,
    jpeg_bytes,
    make_comms,
    make_story,
    pdf_bytes,
    png_bytes,
    seen,
    upload,
)

HX = {"HX-Request": "true"}
ATOM = "{http://www.w3.org/2005/Atom}"
NOT_COMMS = ["staff", "unit_head", "officer", "leader", "admin"]


def _text(response) -> str:
    return response.get_data(as_text=True)


def _login(app, user):
    client = app.test_client()
    assert sign_in(client, user.username).status_code == 303
    return client


@pytest.fixture
def comms(app):
    return make_comms(full_name="H'Linh Niê")


@pytest.fixture
def writer(app, comms):
    return _login(app, comms)


def _photo(client, story, data=None, name="anh.png", alt="Tập thể Phòng Tổng hợp", **kwargs):
    payload = {"alt": alt}
    if data is not None:
        payload["photo"] = upload(data, name)
    return post(
        client,
        f"/showcase/{story.id}/photo",
        payload,
        content_type="multipart/form-data",
        **kwargs,
    )


def _fetch(client, path: str, **kwargs):
    """GET a file (a streamed response), read it and close it."""
    response = client.get(path, **kwargs)
    response.get_data()
    response.close()
    return response


def _feed(client) -> ET.Element:
    response = client.get("/showcase/feed.atom")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.data)


def _entry_titles(feed: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


# Who may open and do what ----------------------------------------------------------------------


@pytest.mark.parametrize("role", NOT_COMMS)
def test_role_matrix_only_comms_writes(app, comms, role):
    story = make_story(comms)
    client = _login(app, make_user(roles=() if role == "staff" else (role,)))
    for path in ("/showcase/new", "/showcase/manage", f"/showcase/{story.id}/edit"):
        assert client.get(path).status_code == 403, path
    for path in (
        "/showcase/new",
        f"/showcase/{story.id}/edit",
        f"/showcase/{story.id}/links",
        f"/showcase/{story.id}/photo",
        f"/showcase/{story.id}/photo/delete",
        f"/showcase/{story.id}/publish",
        f"/showcase/{story.id}/unpublish",
        f"/showcase/{story.id}/delete",
    ):
        assert post(client, path, {"title": "x"}).status_code == 403, path
    db.session.expire_all()
    assert db.session.get(Story, story.id).status == StoryStatus.DRAFT
    # A draft does not exist for them; the showcase itself is open to all.
    assert client.get(f"/showcase/{story.id}").status_code == 404
    assert client.get("/showcase/").status_code == 200


def test_role_matrix_comms_opens_every_page(app, comms, writer):
    story = make_story(comms)
    for path in (
        "/showcase/",
        "/showcase/new",
        "/showcase/manage",
        f"/showcase/{story.id}",
        f"/showcase/{story.id}/edit",
    ):
        assert writer.get(path).status_code == 200, path


def test_signed_out_reaches_only_the_feed_and_published_photos(app, client, comms):
    published = make_story(comms, publish=True)
    draft = make_story(comms, title="Bản nháp")
    for story in (published, draft):
        services.set_photo(seen(comms), story, upload(png_bytes(), "a.png"), "Ảnh")
    for path in ("/showcase/", f"/showcase/{published.id}", "/showcase/manage"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    assert client.get("/showcase/feed.atom").status_code == 200
    response = _fetch(client, f"/showcase/{published.id}/photo/{published.photo_name}")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data == png_bytes()
    assert response.headers["Cache-Control"].startswith("public")
    assert client.get(f"/showcase/{draft.id}/photo/{draft.photo_name}").status_code == 404
    # Nor under another story's id, nor by a made-up name.
    assert client.get(f"/showcase/{draft.id}/photo/{published.photo_name}").status_code == 404
    assert client.get(f"/showcase/{published.id}/photo/{'0' * 32}").status_code == 404


def test_draft_photo_is_comms_only_and_never_cached(app, comms, writer):
    story = make_story(comms)
    services.set_photo(seen(comms), story, upload(jpeg_bytes(), "a.jpg"), "Ảnh")
    staff = _login(app, make_user())
    assert staff.get(f"/showcase/{story.id}/photo/{story.photo_name}").status_code == 404
    response = _fetch(writer, f"/showcase/{story.id}/photo/{story.photo_name}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_a_post_without_the_csrf_token_is_refused(app, comms, writer):
    story = make_story(comms)
    assert writer.post(f"/showcase/{story.id}/publish").status_code == 400
    db.session.expire_all()
    assert db.session.get(Story, story.id).status == StoryStatus.DRAFT


# Writing ----------------------------------------------------------------------------------------


def test_new_story_bad_input_is_kept_beside_its_fields(app, writer):
    response = post(
        writer, "/showcase/new", {"title": "", "summary": "Sapo đã gõ", "body": "Nội dung đã gõ"}
    )
    assert response.status_code == 422
    page = _text(response)
    assert "Nhập tiêu đề tin bài." in page and 'aria-invalid="true"' in page
    assert "Sapo đã gõ" in page and "Nội dung đã gõ" in page
    assert db.session.scalar(select(func.count(Story.id))) == 0


def test_new_story_saves_a_draft_and_opens_the_editor_or_the_preview(app, writer):
    data = {"title": "Gương sáng", "summary": "Sapo", "body": "**Nội dung**"}
    response = post(writer, "/showcase/new", {**data, "action": "save"})
    story = db.session.scalar(select(Story))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/showcase/{story.id}/edit"
    response = post(writer, "/showcase/new", {**data, "action": "preview"})
    second = db.session.scalar(select(Story).order_by(Story.id.desc()))
    assert response.headers["Location"] == f"/showcase/{second.id}"
    page = _text(writer.get(f"/showcase/{second.id}"))
    assert "Bản xem trước" in page and "<strong>Nội dung</strong>" in page


def test_edit_keeps_bad_input_and_saves_good_input(app, comms, writer):
    story = make_story(comms)
    response = post(
        writer, f"/showcase/{story.id}/edit", {"title": "Mới", "summary": "", "body": "B"}
    )
    assert response.status_code == 422 and "Nhập sapo (phần tóm tắt) của tin bài." in _text(
        response
    )
    assert 'value="Mới"' in _text(response)
    response = post(
        writer,
        f"/showcase/{story.id}/edit",
        {"title": "Mới", "summary": "Sapo mới", "body": "B", "action": "preview"},
    )
    assert response.status_code == 303 and response.headers["Location"] == f"/showcase/{story.id}"
    db.session.expire_all()
    assert db.session.get(Story, story.id).summary == "Sapo mới"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_photo_upload_with_and_without_htmx(app, comms, writer, htmx):
    story = make_story(comms)
    headers = HX if htmx else {}
    response = _photo(writer, story, png_bytes(40, 30), headers=headers)
    db.session.expire_all()
    story = db.session.get(Story, story.id)
    assert story.photo_width == 40 and story.photo_alt == "Tập thể Phòng Tổng hợp"
    if htmx:
        assert response.status_code == 200
        page = _text(response)
        assert page.lstrip().startswith('<section class="card mb-4" id="photo-section"')
        assert "Đã lưu ảnh." in page and story.photo_name in page and "<html" not in page
    else:
        assert response.status_code == 303
        assert response.headers["Location"] == f"/showcase/{story.id}/edit#photo-section"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_photo_refused_beside_the_field_with_the_description_kept(app, comms, writer, htmx):
    story = make_story(comms)
    response = _photo(
        writer, story, pdf_bytes(), name="anh.png", alt="Mô tả đã gõ", headers=HX if htmx else {}
    )
    assert response.status_code == 422
    page = _text(response)
    assert "Tệp không phải là ảnh PNG hoặc JPEG." in page and 'value="Mô tả đã gõ"' in page
    assert ("<html" in page) is not htmx
    response = _photo(writer, story, png_bytes(), alt="")
    assert "Nhập mô tả ảnh cho người không xem được ảnh." in _text(response)
    db.session.expire_all()
    assert db.session.get(Story, story.id).photo_name is None


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_photo_over_the_request_limit_is_refused_beside_the_field(app, comms, writer, htmx):
    app.config["STORY_UPLOAD_MAX"] = 64 * 1024
    app.config["STORY_PHOTO_MAX_BYTES"] = 1024 * 1024
    story = make_story(comms)
    response = _photo(
        writer, story, png_bytes() + b"\x00" * (128 * 1024), headers=HX if htmx else {}
    )
    assert response.status_code == (422 if htmx else 413)
    assert "Ảnh lớn hơn 1 MB." in _text(response)


def test_remove_photo_with_htmx_returns_the_section(app, comms, writer):
    story = make_story(comms)
    services.set_photo(seen(comms), story, upload(png_bytes(), "a.png"), "Ảnh")
    response = post(writer, f"/showcase/{story.id}/photo/delete", headers=HX)
    assert response.status_code == 200 and "Đã xóa ảnh." in _text(response)
    db.session.expire_all()
    assert db.session.get(Story, story.id).photo_name is None


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_links_chosen_with_the_picker_and_checked(app, comms, writer, htmx):
    campaign = make_campaign()
    unit = make_unit(name="Phòng Tổng hợp")
    person = make_user(full_name="Phạm Thị Mai Anh", unit=unit)
    accepted = make_accepted(make_user(), campaign, title="Ký số văn bản đi")
    story = make_story(comms)
    editor = _text(writer.get(f"/showcase/{story.id}/edit?find=mai+anh"))
    assert "Phạm Thị Mai Anh" in editor and "Ký số văn bản đi" in editor
    headers = HX if htmx else {}
    data = {"initiative_id": accepted.id, "user_id": person.id, "unit_id": unit.id}
    response = post(writer, f"/showcase/{story.id}/links", data, headers=headers)
    assert response.status_code == (200 if htmx else 303)
    db.session.expire_all()
    saved = db.session.get(Story, story.id)
    assert (saved.initiative_id, saved.person_id, saved.unit_id) == (
        accepted.id,
        person.id,
        unit.id,
    )
    # No person chosen keeps the one linked; "remove" takes it off.
    post(writer, f"/showcase/{story.id}/links", {"unit_id": unit.id}, headers=headers)
    db.session.expire_all()
    assert db.session.get(Story, story.id).person_id == person.id
    post(writer, f"/showcase/{story.id}/links", {"remove_person": "y"}, headers=headers)
    db.session.expire_all()
    assert db.session.get(Story, story.id).person_id is None
    response = post(
        writer, f"/showcase/{story.id}/links", {"initiative_id": 999_999}, headers=headers
    )
    assert response.status_code == 422
    assert "Chọn một sáng kiến đã được chấp nhận hoặc đã được công nhận." in _text(response)


# Publishing -------------------------------------------------------------------------------------


def test_publish_and_take_down_through_the_pages(app, comms, writer):
    person = make_user()
    story = make_story(comms)
    services.set_links(seen(comms), story, None, person.id, None)
    staff = _login(app, make_user())
    response = post(writer, f"/showcase/{story.id}/publish")
    assert response.status_code == 303 and response.headers["Location"] == f"/showcase/{story.id}"
    assert story.title in _text(staff.get("/showcase/"))
    assert staff.get(f"/showcase/{story.id}").status_code == 200
    assert db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == person.id)
    )
    # Publishing twice says so instead of failing.
    response = post(writer, f"/showcase/{story.id}/publish", follow_redirects=True)
    assert "Tin bài đã được đăng." in _text(response)
    response = post(writer, f"/showcase/{story.id}/delete", follow_redirects=True)
    assert "Gỡ tin bài trước khi xóa." in _text(response)
    post(writer, f"/showcase/{story.id}/unpublish")
    assert story.title not in _text(staff.get("/showcase/"))
    assert staff.get(f"/showcase/{story.id}").status_code == 404
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("story.%publish%"))
    ).all()
    assert actions == ["story.published", "story.unpublished"]
    response = post(writer, f"/showcase/{story.id}/delete")
    assert response.status_code == 303 and response.headers["Location"] == "/showcase/manage"
    assert db.session.scalar(select(func.count(Story.id))) == 0


def test_manage_lists_by_status_with_counts(app, comms, writer):
    make_story(comms, title="Nháp một")
    make_story(comms, title="Đã đăng một", publish=True)
    page = _text(writer.get("/showcase/manage"))
    assert "Nháp một" in page and "Đã đăng một" in page
    page = _text(writer.get("/showcase/manage?status=draft"))
    assert "Nháp một" in page and "Đã đăng một" not in page
    fragment = _text(writer.get("/showcase/manage?status=published", headers=HX))
    assert fragment.lstrip().startswith('<div id="results">') and "Nháp một" not in fragment
    assert "/showcase/feed.atom" in page


# Reading ----------------------------------------------------------------------------------------


def test_showcase_lists_published_stories_newest_first_with_paging(app, comms):
    app.config["SHOWCASE_PAGE_SIZE"] = 2
    for n in range(3):
        story = make_story(comms, title=f"Tin số {n}", publish=True)
        story.published_at = story.published_at + timedelta(hours=n)
    make_story(comms, title="Bản nháp ẩn")
    db.session.commit()
    staff = _login(app, make_user())
    page = _text(staff.get("/showcase/"))
    assert page.index("Tin số 2") < page.index("Tin số 1") and "Tin số 0" not in page
    assert "Bản nháp ẩn" not in page and 'href="/showcase/?page=2"' in page
    fragment = _text(staff.get("/showcase/?page=2", headers=HX))
    assert "Tin số 0" in fragment and "<html" not in fragment


def test_showcase_filters_by_person_unit_and_initiative(app, comms):
    unit = make_unit(name="Phòng Kinh tế")
    person = make_user(full_name="Trần Văn Bình")
    about = make_story(comms, title="Về anh Bình", publish=True)
    services.set_links(seen(comms), about, None, person.id, unit.id)
    make_story(comms, title="Tin khác", publish=True)
    staff = _login(app, make_user())
    for query in (f"person={person.id}", f"unit={unit.id}"):
        page = _text(staff.get(f"/showcase/?{query}"))
        assert "Về anh Bình" in page and "Tin khác" not in page
    assert "Tin bài về Trần Văn Bình" in _text(staff.get(f"/showcase/?person={person.id}"))
    story_page = _text(staff.get(f"/showcase/{about.id}"))
    assert f'href="/showcase/?person={person.id}"' in story_page
    assert f'href="/showcase/?unit={unit.id}"' in story_page


def test_home_and_initiative_page_link_to_published_stories(app, comms):
    campaign = make_campaign()
    author = make_user()
    initiative = make_accepted(author, campaign, title="Ký số văn bản đi")
    story = make_story(comms, title="Ký số: nhanh hơn", publish=True)
    services.set_links(seen(comms), story, initiative.id, None, None)
    make_story(comms, title="Nháp về ký số")
    staff = _login(app, author)
    home = _text(staff.get("/"))
    assert "Gương điển hình mới nhất" in home and "Ký số: nhanh hơn" in home
    page = _text(staff.get(f"/initiatives/{initiative.id}"))
    assert f'href="/showcase/{story.id}"' in page and "Nháp về ký số" not in page


def test_hostile_markdown_is_harmless_on_the_page(app, comms, writer):
    story = make_story(comms, body=HOSTILE, publish=True)
    for client in (writer, _login(app, make_user())):
        page = _text(client.get(f"/showcase/{story.id}"))
        assert "Mở đầu an toàn." in page
        assert dangers(page, script_prefix="/static/") == []
        assert "&lt;script&gt;alert('xss')&lt;/script&gt;" in page
        assert 'href="https://daklak.gov.vn"' in page


def test_showcase_runs_the_same_queries_for_3_and_60_stories(app, comms, count_queries):
    campaign = make_campaign()
    initiative = make_accepted(make_user(), campaign)
    unit = make_unit()
    person = make_user(unit=unit)
    staff = _login(app, make_user())

    def add(n: int) -> None:
        db.session.execute(
            insert(Story),
            [
                {
                    "title": f"Tin {i}",
                    "summary": "Sapo",
                    "body": "Nội dung",
                    "status": "published",
                    "published_at": services.now_utc() - timedelta(minutes=i),
                    "initiative_id": initiative.id,
                    "person_id": person.id,
                    "unit_id": unit.id,
                    "photo_name": f"{i:032x}",
                    "photo_kind": "png",
                    "photo_size": 100,
                    "photo_width": 16,
                    "photo_height": 9,
                    "photo_alt": "Ảnh",
                }
                for i in range(n)
            ],
        )
        db.session.commit()

    def queries(path: str) -> int:
        with count_queries() as statements:
            assert staff.get(path).status_code == 200
        return len(statements)

    add(3)
    few = queries("/showcase/"), queries("/")
    db.session.execute(Story.__table__.delete())
    add(60)
    assert queries("/showcase/") == few[0] and queries("/") == few[1]


# The Atom feed ---------------------------------------------------------------------------------


def test_feed_holds_only_published_stories_as_valid_atom(app, client, comms):
    published = make_story(comms, title="Đã đăng", summary="Sapo đã đăng", publish=True)
    services.set_photo(seen(comms), published, upload(png_bytes(8, 6), "a.png"), "Ảnh & mô tả")
    make_story(comms, title="Bản nháp")
    taken_down = make_story(comms, title="Đã gỡ", publish=True)
    services.unpublish(seen(comms), taken_down)
    feed = _feed(client)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == "tag:vpubnd.daklak.gov.vn,2026:thi-dua/showcase"
    assert feed.findtext(f"{ATOM}title") and feed.find(f"{ATOM}author/{ATOM}name") is not None
    assert feed.findtext(f"{ATOM}updated").endswith("Z")
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "http://localhost/showcase/feed.atom"
    assert _entry_titles(feed) == ["Đã đăng"]
    entry = feed.find(f"{ATOM}entry")
    assert (
        entry.findtext(f"{ATOM}id") == f"tag:vpubnd.daklak.gov.vn,2026:thi-dua/story/{published.id}"
    )
    assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == (
        f"http://localhost/showcase/{published.id}"
    )
    assert entry.findtext(f"{ATOM}summary") == "Sapo đã đăng"
    for name in ("published", "updated"):
        assert entry.findtext(f"{ATOM}{name}").endswith("Z")
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    photo_url = f"http://localhost/showcase/{published.id}/photo/{published.photo_name}"
    assert f'<img src="{photo_url}" alt="Ảnh &amp; mô tả"' in content.text
    assert "<strong>toàn bộ</strong>" in content.text
    enclosure = entry.find(f"{ATOM}link[@rel='enclosure']")
    assert enclosure.get("href") == photo_url and enclosure.get("type") == "image/png"
    # The photo the feed points to opens without signing in.
    assert _fetch(client, photo_url.removeprefix("http://localhost")).status_code == 200


def test_feed_entry_leaves_when_taken_down_and_the_feed_date_moves(app, client, comms):
    story = make_story(comms, title="Sẽ bị gỡ", publish=True)
    before = _feed(client).findtext(f"{ATOM}updated")
    story.updated_at = story.updated_at - timedelta(hours=1)
    db.session.commit()
    services.unpublish(seen(comms), story)
    after = _feed(client)
    assert _entry_titles(after) == []
    assert after.findtext(f"{ATOM}updated") >= before


def test_feed_hostile_markdown_and_control_characters_stay_harmless_and_well_formed(
    app, client, comms
):
    make_story(
        comms, title="Tiêu đề \x0b có ký tự lạ", body=HOSTILE + "\n\n\x0cTrang mới", publish=True
    )
    feed = _feed(client)  # parses: no character XML forbids
    content = feed.find(f"{ATOM}entry/{ATOM}content").text
    assert dangers(content) == []
    assert "Mở đầu an toàn." in content and "Trang mới" in content


def test_feed_answers_not_modified_to_a_reader_that_has_it(app, client, comms):
    make_story(comms, publish=True)
    first = client.get("/showcase/feed.atom")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get("/showcase/feed.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_feed_is_rate_limited_per_address(app, client):
    for _n in range(60):
        assert client.get("/showcase/feed.atom").status_code == 200
    assert client.get("/showcase/feed.atom").status_code == 429


def test_feed_of_an_empty_showcase_is_valid(app, client):
    feed = _feed(client)
    assert _entry_titles(feed) == [] and feed.findtext(f"{ATOM}updated") == "2026-01-01T00:00:00Z"


def test_demo_stories_are_published_on_the_showcase(app):
    from app.campaigns.services import seed_default_campaign
    from app.demo import seed_demo, seed_demo_initiatives, seed_demo_stories
    from app.web.filters import local_today

    seed_default_campaign()
    seed_demo(staff=20, password="ThiDua@2026")
    seed_demo_initiatives(local_today())
    assert seed_demo_stories() == 3
    assert seed_demo_stories() == 0  # once
    stories = db.session.scalars(select(Story).order_by(Story.published_at.desc())).all()
    assert all(story.status == StoryStatus.PUBLISHED for story in stories)
    assert stories[-1].initiative_id is not None and stories[-1].person_id is not None
    client = app.test_client()
    assert len(_entry_titles(_feed(client))) == 3
