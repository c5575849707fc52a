"""A story's photo on disk: received in chunks up to the limit, a PNG or JPEG by its content
(never its name), its pixel size read from the file's header, its metadata (the place it was
taken, the camera, the time: see metadata.py) removed, kept under instance/uploads/stories/ by a
random name. The database row is the services' business.
"""

import secrets
import struct
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from app.errors import ValidationFailed
from app.initiatives.attachments import receive, sniff, upload_folder
from app.showcase import metadata

MIMETYPES = {"png": "image/png", "jpeg": "image/jpeg"}
# No camera makes a side longer than this; a larger header is a trick, not a photo.
MAX_SIDE = 12_000
# JPEG start-of-frame markers, which carry the size (not DHT C4, JPG C8, DAC CC).
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


@dataclass(frozen=True)
class StoredPhoto:
    name: str
    kind: str
    size: int
    width: int
    height: int


def storage_dir() -> Path:
    return upload_folder("stories")


def max_bytes() -> int:
    return current_app.config["STORY_PHOTO_MAX_BYTES"]


def too_large_message() -> str:
    return _("The photo is larger than %(mb)d MB.", mb=max_bytes() // (1024 * 1024))


def _png_size(handle) -> tuple[int, int] | None:
    handle.seek(8)
    chunk = handle.read(16)
    if len(chunk) < 16 or chunk[4:8] != b"IHDR":
        return None
    return struct.unpack(">II", chunk[8:16])


def _jpeg_size(handle) -> tuple[int, int] | None:
    """Walk the JPEG's segments to its start of frame: (width, height), or None."""
    handle.seek(2)
    while True:
        if handle.read(1) != b"\xff":
            return None  # not at a marker: the file is damaged
        byte = handle.read(1)
        while byte == b"\xff":  # fill bytes before the marker
            byte = handle.read(1)
        if not byte:
            return None
        marker = byte[0]
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:
            continue  # markers without a length
        if marker in (0xD9, 0xDA):
            return None  # end of image, or the scan began with no frame header before it
        length_bytes = handle.read(2)
        if len(length_bytes) < 2:
            return None
        (length,) = struct.unpack(">H", length_bytes)
        if length < 2:
            return None
        if marker in _SOF:
            frame = handle.read(5)
            if len(frame) < 5:
                return None
            height, width = struct.unpack(">HH", frame[1:5])
            return width, height
        handle.seek(length - 2, 1)


def image_size(path: Path, kind: str) -> tuple[int, int] | None:
    """The picture's (width, height) from its header, or None when it cannot be read."""
    with path.open("rb") as handle:
        size = _png_size(handle) if kind == "png" else _jpeg_size(handle)
    if size is None or not all(0 < side <= MAX_SIDE for side in size):
        return None
    return size


def store(upload) -> StoredPhoto:
    """Keep an uploaded photo (a werkzeug FileStorage); ValidationFailed on the "photo" field
    when it is missing, empty, too large, or not a readable PNG or JPEG."""
    if upload is None or not upload.filename:
        raise ValidationFailed({"photo": [_("Choose a photo (PNG or JPEG).")]})
    limit = max_bytes()
    name = secrets.token_hex(16)
    path = storage_dir() / name
    try:
        size, _sha256 = receive(upload.stream, path, limit)
        if size > limit:
            raise ValidationFailed({"photo": [too_large_message()]})
        if size == 0:
            raise ValidationFailed({"photo": [_("The file is empty.")]})
        kind = sniff(path)
        if kind not in MIMETYPES:
            raise ValidationFailed({"photo": [_("The file is not a PNG or JPEG picture.")]})
        cleaned = clean(path, kind)
        if cleaned is None:
            raise ValidationFailed(
                {"photo": [_("The picture cannot be read; save it again as PNG or JPEG.")]}
            )
    except BaseException:
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".part").unlink(missing_ok=True)
        raise
    return StoredPhoto(name, kind, *cleaned)


def clean(path: Path, kind: str) -> tuple[int, int, int] | None:
    """Rewrite a kept photo without its metadata: (its size in bytes, its width and height as
    shown), or None (the file untouched) when it cannot be read."""
    dimensions = image_size(path, kind)
    stripped = None if dimensions is None else metadata.strip(path, kind)
    if stripped is None:
        return None
    size, orientation = stripped
    width, height = dimensions
    if orientation in metadata.QUARTER_TURNS:  # shown turned: the page reserves its real shape
        width, height = height, width
    return size, width, height


def path_of(name: str) -> Path:
    """Where a stored photo lies; the name is ours (hex), never the person's."""
    if not name.isalnum():
        raise ValueError("unexpected stored name")
    return storage_dir() / name


def discard(name: str | None) -> None:
    """Delete a stored photo's file (after the row no longer points to it)."""
    if name:
        path_of(name).unlink(missing_ok=True)
