"""Story use cases: only comms writes; texts checked all at once; links only to what staff may
read; the photo checked by its content and kept by a random name; publish, take down and delete
with their audit entries and the notification of the person the story is about."""

import unicodedata
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.notifications import Notification
from app.models.stories import Story, StoryStatus
from app.showcase import photos, services
from tests.factories import make_campaign, make_unit, make_user
from tests.initiative_helpers import make_accepted, make_submitted, set_status
from tests.story_helpers import (
    jpeg_bytes,
    make_comms,
    make_story,
    pdf_bytes,
    png_bytes,
    seen,
    story_data,
    upload,
)


def _actions(story) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.target_type == "story", AuditEntry.target_id == story.id)
            .order_by(AuditEntry.id)
        )
    )


def _files() -> list[str]:
    return sorted(path.name for path in photos.storage_dir().iterdir())


@pytest.fixture
def comms(app):
    return make_comms(full_name="H'Linh Niê")


# Writing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("roles", [(), ("officer",), ("leader",), ("unit_head",), ("admin",)])
def test_create_by_someone_not_comms_is_not_allowed(app, roles):
    with pytest.raises(NotAllowed):
        services.create(seen(make_user(roles=roles)), story_data())
    assert db.session.scalar(select(func.count(Story.id))) == 0


def test_create_saves_a_draft_in_nfc_with_its_audit_entry(comms):
    decomposed = unicodedata.normalize("NFD", "  Gương  sáng ")
    story = make_story(comms, title=decomposed, body="Dòng một  \r\nDòng hai\r\n")
    assert story.status == StoryStatus.DRAFT and story.published_at is None
    assert story.created_by_id == comms.id
    assert story.title == unicodedata.normalize("NFC", "Gương sáng")
    assert story.body == "Dòng một  \nDòng hai"  # two spaces: a Markdown line break, kept
    assert _actions(story) == ["story.created"]


def test_create_reports_every_missing_or_too_long_text_at_once(comms):
    with pytest.raises(ValidationFailed) as error:
        services.create(seen(comms), {"title": " ", "summary": "x" * 601, "body": ""})
    assert set(error.value.errors) == {"title", "summary", "body"}
    assert error.value.errors["summary"] == ["Tối đa 600 ký tự."]
    assert db.session.scalar(select(func.count(Story.id))) == 0


def test_update_changes_the_texts_and_records_which(comms):
    story = make_story(comms)
    before = story.updated_at
    services.update(seen(comms), story, story_data(title="Tiêu đề mới"))
    assert story.title == "Tiêu đề mới" and story.updated_at > before
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "story.updated"))
    assert entry.details == {"fields": ["title"]}
    services.update(seen(comms), story, story_data(title="Tiêu đề mới"))
    assert _actions(story).count("story.updated") == 1  # nothing changed, nothing recorded


# Links -------------------------------------------------------------------------------------------


def test_set_links_accepts_only_initiatives_everyone_may_read(comms):
    campaign = make_campaign()
    author = make_user()
    submitted = make_submitted(author, campaign, title="Đang chờ xét")
    accepted = make_accepted(author, campaign, title="Đã chấp nhận")
    recognized = set_status(make_accepted(author, campaign, title="Đã công nhận"), "recognized")
    story = make_story(comms)
    with pytest.raises(ValidationFailed) as error:
        services.set_links(seen(comms), story, submitted.id, None, None)
    assert set(error.value.errors) == {"initiative_id"}
    for initiative in (accepted, recognized):
        services.set_links(seen(comms), story, initiative.id, None, None)
        assert story.initiative_id == initiative.id
    titles = [row.title for row in services.linkable_initiatives()]
    assert sorted(titles) == ["Đã chấp nhận", "Đã công nhận"]


def test_set_links_refuses_an_inactive_person_or_an_unknown_unit(comms):
    story = make_story(comms)
    gone = make_user(is_active=False)
    with pytest.raises(ValidationFailed) as error:
        services.set_links(seen(comms), story, None, gone.id, 999_999)
    assert set(error.value.errors) == {"user_id", "unit_id"}
    unit = make_unit(name="Phòng Tổng hợp")
    person = make_user(unit=unit)
    services.set_links(seen(comms), story, None, person.id, unit.id)
    assert (story.person_id, story.unit_id) == (person.id, unit.id)
    assert _actions(story)[-1] == "story.links_changed"
    services.set_links(seen(comms), story, None, None, None)
    assert (story.person_id, story.unit_id) == (None, None)


# The photo -------------------------------------------------------------------------------------


def test_set_photo_keeps_a_png_by_a_random_name_with_its_size(comms):
    story = make_story(comms)
    services.set_photo(seen(comms), story, upload(png_bytes(64, 36), "ảnh.png"), "Hội nghị")
    assert (story.photo_kind, story.photo_width, story.photo_height) == ("png", 64, 36)
    assert story.photo_alt == "Hội nghị" and story.photo_size == len(png_bytes(64, 36))
    assert len(story.photo_name) == 32 and _files() == [story.photo_name]
    assert _actions(story)[-1] == "story.photo_set"


def test_set_photo_reads_a_jpeg_size_from_its_frame_header(comms):
    story = make_story(comms)
    services.set_photo(seen(comms), story, upload(jpeg_bytes(), "anh.JPG"), "Biểu trưng")
    assert (story.photo_kind, story.photo_width, story.photo_height) == ("jpeg", 16, 16)


def test_set_photo_replacing_deletes_the_old_file_and_alt_alone_keeps_it(comms):
    story = make_story(comms)
    services.set_photo(seen(comms), story, upload(png_bytes(), "a.png"), "Ảnh cũ")
    old = story.photo_name
    services.set_photo(seen(comms), story, upload(jpeg_bytes(), "b.jpg"), "Ảnh mới")
    assert story.photo_name != old and _files() == [story.photo_name]
    services.set_photo(seen(comms), story, None, "Mô tả rõ hơn")
    assert story.photo_alt == "Mô tả rõ hơn" and _files() == [story.photo_name]
    assert _actions(story)[-1] == "story.photo_described"


@pytest.mark.parametrize(
    ("data", "name", "alt", "field"),
    [
        (png_bytes(), "a.png", "  ", "alt"),
        (pdf_bytes(), "a.png", "Ảnh", "photo"),  # a PDF named as a picture
        (b"GIF89a" + b"\x00" * 20, "a.gif", "Ảnh", "photo"),
        (b"", "a.png", "Ảnh", "photo"),
        (png_bytes()[:20], "a.png", "Ảnh", "photo"),  # cut before its size
        (b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 20, "a.jpg", "Ảnh", "photo"),  # no frame
        (None, "", "Ảnh", "photo"),  # no file and none yet
    ],
)
def test_set_photo_refuses_and_leaves_no_file(comms, data, name, alt, field):
    story = make_story(comms)
    with pytest.raises(ValidationFailed) as error:
        services.set_photo(
            seen(comms), story, upload(data, name) if data is not None else None, alt
        )
    assert field in error.value.errors
    assert story.photo_name is None and _files() == []


def test_set_photo_larger_than_the_limit_is_refused(app, comms):
    app.config["STORY_PHOTO_MAX_BYTES"] = 1024 * 1024
    story = make_story(comms)
    big = png_bytes() + b"\x00" * (1024 * 1024)
    with pytest.raises(ValidationFailed) as error:
        services.set_photo(seen(comms), story, upload(big, "to.png"), "Ảnh lớn")
    assert error.value.errors == {"photo": ["Ảnh lớn hơn 1 MB."]}
    assert _files() == []


def test_remove_photo_deletes_the_file(comms):
    story = make_story(comms)
    services.set_photo(seen(comms), story, upload(png_bytes(), "a.png"), "Ảnh")
    services.remove_photo(seen(comms), story)
    assert story.photo_name is None and story.photo_alt == "" and _files() == []
    assert _actions(story)[-1] == "story.photo_removed"


# Publishing ----------------------------------------------------------------------------------


def test_publish_sets_the_date_once_and_tells_the_person(comms):
    person = make_user()
    story = make_story(comms)
    services.set_links(seen(comms), story, None, person.id, None)
    services.publish(seen(comms), story)
    first = story.published_at
    assert story.status == StoryStatus.PUBLISHED and first is not None
    with pytest.raises(InvalidTransition):
        services.publish(seen(comms), story)
    services.unpublish(seen(comms), story)
    assert story.status == StoryStatus.UNPUBLISHED
    with pytest.raises(InvalidTransition):
        services.unpublish(seen(comms), story)
    story.published_at = first - timedelta(days=3)
    db.session.commit()
    services.publish(seen(comms), story)
    assert story.published_at == first - timedelta(days=3)  # its date is the first one
    notes = db.session.scalars(select(Notification).where(Notification.user_id == person.id))
    assert [(n.kind, n.link) for n in notes] == [("story.published", f"/showcase/{story.id}")]
    assert _actions(story) == [
        "story.created",
        "story.links_changed",
        "story.published",
        "story.unpublished",
        "story.published",
    ]


def test_publish_and_unpublish_by_someone_not_comms_are_not_allowed(comms):
    story = make_story(comms)
    officer = make_user(roles=("officer",))
    with pytest.raises(NotAllowed):
        services.publish(seen(officer), story)
    services.publish(seen(comms), story)
    with pytest.raises(NotAllowed):
        services.unpublish(seen(officer), story)
    assert story.status == StoryStatus.PUBLISHED


def test_delete_refuses_a_published_story_and_removes_a_draft_with_its_photo(comms):
    story = make_story(comms, publish=True)
    with pytest.raises(InvalidTransition):
        services.delete(seen(comms), story)
    services.unpublish(seen(comms), story)
    services.set_photo(seen(comms), story, upload(png_bytes(), "a.png"), "Ảnh")
    story_id = story.id
    services.delete(seen(comms), story)
    assert db.session.get(Story, story_id) is None and _files() == []
    assert db.session.scalar(
        select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "story.deleted", AuditEntry.target_id == story_id
        )
    )


def test_image_size_rejects_absurd_dimensions(app, tmp_path):
    path = tmp_path / "huge.png"
    # A header claiming 65,536 × 65,536 pixels.
    path.write_bytes(png_bytes(1, 1).replace(b"\x00\x00\x00\x01" * 2, b"\x00\x01\x00\x00" * 2, 1))
    assert photos.image_size(path, "png") is None
    path.write_bytes(png_bytes(30, 20))
    assert photos.image_size(path, "png") == (30, 20)
