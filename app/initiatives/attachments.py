"""Attachments of an application: PDF, DOCX, XLSX, PNG and JPEG, the type read from the content,
the size and count limited, stored under instance/uploads/initiatives/ by random names and
served only as downloads to those who may see the initiative.
"""

import hashlib
import secrets
import zipfile
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app import audit
from app.errors import NotAllowed, ValidationFailed
from app.extensions import db
from app.initiatives.services import require_editable
from app.models.initiatives import Initiative, InitiativeAttachment
from app.text import clean

CHUNK = 64 * 1024
MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
}
# The file name's endings each type may have.
EXTENSIONS = {
    "pdf": (".pdf",),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg"),
}
NAME_MAX = 200


def upload_folder(name: str) -> Path:
    """The folder of one kind of upload under UPLOAD_FOLDER (instance/uploads/ by default)."""
    folder = Path(
        current_app.config.get("UPLOAD_FOLDER") or Path(current_app.instance_path) / "uploads"
    )
    path = folder / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def storage_dir() -> Path:
    return upload_folder("initiatives")


def sniff(path: Path) -> str | None:
    """The type of the file by its content: one of MIMETYPES' keys, or None."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        # Only the central directory is read, never the members: a compressed bomb stays shut.
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    return None


def _safe_name(name: str | None) -> str:
    """The person's file name as shown and downloaded: no folders, no control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in clean(base) if ch.isprintable())
    if len(base) > NAME_MAX:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: NAME_MAX - len(ext) - 1] + dot + ext) if dot else base[:NAME_MAX]
    return base or "tep-dinh-kem"


def receive(stream, target: Path, limit: int) -> tuple[int, str]:
    """Copy the upload to `target` in chunks, stopping past `limit` bytes; (size, sha256)."""
    digest = hashlib.sha256()
    size = 0
    with target.open("wb") as out:
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                break
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def limits() -> tuple[int, int]:
    """(largest file in bytes, files per initiative), from the configuration."""
    config = current_app.config
    return config["INITIATIVE_ATTACHMENT_MAX_BYTES"], config["INITIATIVE_ATTACHMENTS_MAX"]


def too_large_message() -> str:
    max_bytes, _count = limits()
    return _("The file is larger than %(mb)d MB.", mb=max_bytes // (1024 * 1024))


def _check(path: Path, name: str, size: int, max_bytes: int) -> str:
    """The file's type, or ValidationFailed: too large, empty, not an allowed type by its
    content, or named as another type."""
    if size > max_bytes:
        raise ValidationFailed({"file": [too_large_message()]})
    if size == 0:
        raise ValidationFailed({"file": [_("The file is empty.")]})
    kind = sniff(path)
    if kind is None:
        raise ValidationFailed(
            {"file": [_("The content of the file is not PDF, DOCX, XLSX, PNG or JPEG.")]}
        )
    if not name.lower().endswith(EXTENSIONS[kind]):
        raise ValidationFailed(
            {
                "file": [
                    _("The file's name does not match its content (%(kind)s).", kind=kind.upper())
                ]
            }
        )
    return kind


def add(actor, initiative: Initiative, upload) -> InitiativeAttachment:
    """Store an uploaded file (a werkzeug FileStorage) as an attachment of the application."""
    require_editable(actor, initiative)
    max_bytes, max_count = limits()
    if upload is None or not upload.filename:
        raise ValidationFailed({"file": [_("Choose a file to attach.")]})
    count = db.session.scalar(
        select(func.count(InitiativeAttachment.id)).where(
            InitiativeAttachment.initiative_id == initiative.id
        )
    )
    if count >= max_count:
        raise ValidationFailed(
            {"file": [_("At most %(max)d files can be attached.", max=max_count)]}
        )
    name = _safe_name(upload.filename)
    stored = secrets.token_hex(16)
    path = storage_dir() / stored
    try:
        size, sha256 = receive(upload.stream, path, max_bytes)
        kind = _check(path, name, size, max_bytes)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    attachment = InitiativeAttachment(
        initiative_id=initiative.id,
        original_name=name,
        stored_name=stored,
        kind=kind,
        size=size,
        sha256=sha256,
        uploaded_by_id=actor.id,
    )
    db.session.add(attachment)
    audit.record(actor, "initiative.file_added", initiative, label=name, size=size)
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        path.unlink(missing_ok=True)
        raise
    return attachment


def remove(actor, initiative: Initiative, attachment: InitiativeAttachment) -> None:
    """Delete an attachment and its stored file."""
    require_editable(actor, initiative)
    if attachment.initiative_id != initiative.id:
        raise NotAllowed()
    path = file_path(attachment)
    audit.record(actor, "initiative.file_removed", initiative, label=attachment.original_name)
    db.session.delete(attachment)
    db.session.commit()
    path.unlink(missing_ok=True)


def remove_files(stored_names: list[str]) -> None:
    """After an initiative is deleted, the files it had."""
    for stored in stored_names:
        (storage_dir() / stored).unlink(missing_ok=True)


def file_path(attachment: InitiativeAttachment) -> Path:
    """Where the file lies; the stored name is ours (hex), never the person's."""
    if not attachment.stored_name.isalnum():
        raise ValueError("unexpected stored name")
    return storage_dir() / attachment.stored_name
