"""Attachments of an application: the type read from the content, the limits, the stored file."""

import hashlib
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.initiatives import attachments, services
from app.models.audit import AuditEntry
from app.models.initiatives import InitiativeAttachment, InitiativeStatus
from tests.factories import make_campaign, make_user
from tests.initiative_helpers import (
    count,
    docx_bytes,
    exe_bytes,
    jpeg_bytes,
    make_initiative,
    make_officer,
    pdf_bytes,
    png_bytes,
    seen,
    set_status,
    upload,
    xlsx_bytes,
    zip_bytes,
)

HEX_NAME = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def campaign(app):
    return make_campaign()


@pytest.fixture
def author(app):
    return make_user()


@pytest.fixture
def initiative(campaign, author):
    return make_initiative(author, campaign)


@pytest.fixture
def folder(app) -> Path:
    """Where the attachments are stored: the test's instance/uploads/initiatives."""
    return Path(app.instance_path) / "uploads" / "initiatives"


def _stored_files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# Accepted types ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "filename", "kind"),
    [
        (pdf_bytes, "Báo cáo kết quả.pdf", "pdf"),
        (png_bytes, "so-do.png", "png"),
        (jpeg_bytes, "anh-chup.jpg", "jpeg"),
        (jpeg_bytes, "ANH CHUP.JPEG", "jpeg"),
        (docx_bytes, "thuyet-minh.docx", "docx"),
        (xlsx_bytes, "so-lieu.XLSX", "xlsx"),
    ],
)
def test_add_each_allowed_type_is_stored_by_a_random_name(
    app, author, initiative, folder, make, filename, kind
):
    data = make()
    attachment = attachments.add(author, initiative, upload(data, filename))
    stored = db.session.get(InitiativeAttachment, attachment.id)
    assert (stored.kind, stored.original_name, stored.size) == (kind, filename, len(data))
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.uploaded_by_id == author.id and stored.initiative_id == initiative.id
    assert HEX_NAME.fullmatch(stored.stored_name)
    assert _stored_files(folder) == [folder / stored.stored_name]
    assert attachments.file_path(stored) == folder / stored.stored_name
    assert (folder / stored.stored_name).read_bytes() == data
    assert attachments.MIMETYPES[kind]
    [entry] = _audit("initiative.file_added")
    assert (entry.target_id, entry.target_label, entry.details) == (
        initiative.id,
        filename,
        {"size": len(data)},
    )


def test_add_two_files_get_different_stored_names(author, initiative, folder):
    first = attachments.add(author, initiative, upload(pdf_bytes(), "a.pdf"))
    second = attachments.add(author, initiative, upload(pdf_bytes(), "a.pdf"))
    assert first.stored_name != second.stored_name
    assert len(_stored_files(folder)) == 2


def test_add_a_file_larger_than_one_chunk_is_copied_whole(author, initiative, folder):
    data = pdf_bytes(padding=3 * attachments.CHUNK + 17)
    attachment = attachments.add(author, initiative, upload(data, "dai.pdf"))
    assert attachment.size == len(data)
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert (folder / attachment.stored_name).read_bytes() == data


def test_add_with_upload_folder_configured_stores_there(app, author, initiative, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "elsewhere")
    attachment = attachments.add(author, initiative, upload(png_bytes(), "anh.png"))
    assert (tmp_path / "elsewhere" / "initiatives" / attachment.stored_name).is_file()


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("C:\\Users\\lan\\Desktop\\Báo cáo.pdf", "Báo cáo.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("  tên   có\tkhoảng trắng .pdf ", "tên có khoảng trắng .pdf"),
        ("bao\x00cao\x1b.pdf", "baocao.pdf"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_add_the_file_name_is_kept_without_folders_or_control_characters(
    author, initiative, given, shown
):
    attachment = attachments.add(author, initiative, upload(pdf_bytes(), given))
    assert attachment.original_name == shown


# Refused files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "filename"),
    [
        (exe_bytes, "bao-cao.pdf"),  # a program renamed
        (lambda: zip_bytes({"readme.txt": b"xin chao"}), "thuyet-minh.docx"),  # a plain ZIP
        (lambda: zip_bytes({"[Content_Types].xml": b"<Types/>"}), "so-lieu.xlsx"),  # no part
        (lambda: zip_bytes({"ppt/presentation.xml": b"<p/>"}), "trinh-chieu.docx"),
        (lambda: b"PK\x03\x04" + b"\x00" * 60, "hong.docx"),  # a ZIP header and nothing else
        (lambda: b"<html><script>alert(1)</script></html>", "trang.pdf"),
        (lambda: b"GIF89a\x01\x00\x01\x00", "anh.png"),
        (lambda: b"", "trong.pdf"),  # empty
        (pdf_bytes, "thuyet-minh.docx"),  # a PDF named as Word
        (pdf_bytes, "bao-cao"),  # no extension
        (png_bytes, "anh.jpg"),  # a PNG named as JPEG
        (docx_bytes, "thuyet-minh.xlsx"),
        (xlsx_bytes, "so-lieu.pdf"),
        (jpeg_bytes, "anh.pdf.exe"),
    ],
)
def test_add_a_file_not_allowed_by_its_content_or_name_leaves_nothing(
    author, initiative, folder, make, filename
):
    with pytest.raises(ValidationFailed) as error:
        attachments.add(author, initiative, upload(make(), filename))
    assert set(error.value.errors) == {"file"}
    assert _stored_files(folder) == []
    assert count(InitiativeAttachment) == 0
    assert _audit("initiative.file_added") == []


@pytest.mark.parametrize("given", [None, upload(b"", "")])
def test_add_without_a_file_is_refused(author, initiative, folder, given):
    with pytest.raises(ValidationFailed) as error:
        attachments.add(author, initiative, given)
    assert set(error.value.errors) == {"file"}
    assert _stored_files(folder) == []


def test_add_a_file_over_the_size_limit_is_refused_and_not_kept(app, author, initiative, folder):
    data = pdf_bytes()
    app.config["INITIATIVE_ATTACHMENT_MAX_BYTES"] = len(data) - 1
    with pytest.raises(ValidationFailed) as error:
        attachments.add(author, initiative, upload(data, "lon.pdf"))
    assert set(error.value.errors) == {"file"}
    assert _stored_files(folder) == []
    assert count(InitiativeAttachment) == 0
    app.config["INITIATIVE_ATTACHMENT_MAX_BYTES"] = len(data)
    attachment = attachments.add(author, initiative, upload(data, "vua.pdf"))
    assert attachment.size == len(data)


def test_add_a_large_file_stops_reading_past_the_limit(app, author, initiative, folder):
    app.config["INITIATIVE_ATTACHMENT_MAX_BYTES"] = 1000
    stream = upload(pdf_bytes(padding=5 * attachments.CHUNK), "rat-lon.pdf")
    with pytest.raises(ValidationFailed):
        attachments.add(author, initiative, stream)
    assert stream.stream.tell() <= attachments.CHUNK  # one chunk read, not the whole file
    assert _stored_files(folder) == []


def test_add_beyond_the_count_limit_is_refused(app, author, initiative, folder):
    app.config["INITIATIVE_ATTACHMENTS_MAX"] = 2
    for n in range(2):
        attachments.add(author, initiative, upload(png_bytes(), f"anh-{n}.png"))
    with pytest.raises(ValidationFailed) as error:
        attachments.add(author, initiative, upload(png_bytes(), "anh-3.png"))
    assert set(error.value.errors) == {"file"}
    assert count(InitiativeAttachment) == 2
    assert len(_stored_files(folder)) == 2


def test_add_the_count_limit_is_per_initiative(app, campaign, author, initiative):
    app.config["INITIATIVE_ATTACHMENTS_MAX"] = 1
    attachments.add(author, initiative, upload(png_bytes(), "anh.png"))
    other = make_initiative(author, campaign, title="Sáng kiến thứ hai")
    attachments.add(author, other, upload(png_bytes(), "anh.png"))
    assert count(InitiativeAttachment) == 2


# Who may attach ----------------------------------------------------------------------------


def test_add_by_a_co_author_is_allowed(author, initiative):
    co_author = make_user()
    services.add_author(author, initiative, co_author.id, 10)
    attachment = attachments.add(co_author, initiative, upload(pdf_bytes(), "a.pdf"))
    assert attachment.uploaded_by_id == co_author.id


def test_add_by_someone_not_an_author_is_not_allowed(author, initiative, folder):
    for outsider in (make_user(), make_officer()):
        with pytest.raises(NotAllowed):
            attachments.add(outsider, initiative, upload(pdf_bytes(), "a.pdf"))
    assert _stored_files(folder) == []
    assert count(InitiativeAttachment) == 0


@pytest.mark.parametrize(
    "status",
    [
        InitiativeStatus.SUBMITTED,
        InitiativeStatus.ACCEPTED,
        InitiativeStatus.REJECTED,
        InitiativeStatus.RECOGNIZED,
    ],
)
def test_add_or_remove_outside_an_editable_state_is_an_invalid_transition(
    author, initiative, folder, status
):
    kept = attachments.add(author, initiative, upload(pdf_bytes(), "a.pdf"))
    set_status(initiative, status)
    with pytest.raises(InvalidTransition):
        attachments.add(author, initiative, upload(pdf_bytes(), "b.pdf"))
    with pytest.raises(InvalidTransition):
        attachments.remove(author, initiative, kept)
    assert count(InitiativeAttachment) == 1
    assert _stored_files(folder) == [folder / kept.stored_name]


def test_add_to_a_returned_application_is_allowed(author, initiative):
    services.submit(author, initiative)
    services.return_for_changes(seen(make_officer()), initiative, "Thêm bảng số liệu.")
    attachment = attachments.add(author, initiative, upload(xlsx_bytes(), "so-lieu.xlsx"))
    assert attachment.kind == "xlsx"


# Removing ----------------------------------------------------------------------------------


def test_remove_deletes_the_row_and_the_stored_file(author, initiative, folder):
    kept = attachments.add(author, initiative, upload(png_bytes(), "giu-lai.png"))
    gone = attachments.add(author, initiative, upload(pdf_bytes(), "bo-di.pdf"))
    gone_path = folder / gone.stored_name
    attachments.remove(author, initiative, gone)
    assert not gone_path.exists()
    assert _stored_files(folder) == [folder / kept.stored_name]
    assert list(db.session.scalars(select(InitiativeAttachment.id))) == [kept.id]
    [entry] = _audit("initiative.file_removed")
    assert (entry.target_id, entry.target_label) == (initiative.id, "bo-di.pdf")


def test_remove_by_someone_not_an_author_is_not_allowed(author, initiative, folder):
    attachment = attachments.add(author, initiative, upload(pdf_bytes(), "a.pdf"))
    with pytest.raises(NotAllowed):
        attachments.remove(make_user(), initiative, attachment)
    assert count(InitiativeAttachment) == 1
    assert (folder / attachment.stored_name).is_file()


def test_remove_when_the_file_is_already_gone_still_removes_the_row(author, initiative, folder):
    attachment = attachments.add(author, initiative, upload(pdf_bytes(), "a.pdf"))
    (folder / attachment.stored_name).unlink()
    attachments.remove(author, initiative, attachment)
    assert count(InitiativeAttachment) == 0


def test_file_path_refuses_a_stored_name_that_is_not_ours(author, initiative):
    attachment = attachments.add(author, initiative, upload(pdf_bytes(), "a.pdf"))
    attachment.stored_name = "../../config.py"
    with pytest.raises(ValueError):
        attachments.file_path(attachment)
    db.session.rollback()


# Sniffing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (pdf_bytes, "pdf"),
        (png_bytes, "png"),
        (jpeg_bytes, "jpeg"),
        (docx_bytes, "docx"),
        (xlsx_bytes, "xlsx"),
        (exe_bytes, None),
        (lambda: zip_bytes({"word/document.xml": b"<w/>"}), None),  # no [Content_Types].xml
        (lambda: b"%PD", None),
    ],
)
def test_sniff_reads_the_type_from_the_content(tmp_path, make, kind):
    path = tmp_path / "upload.bin"
    path.write_bytes(make())
    assert attachments.sniff(path) == kind
