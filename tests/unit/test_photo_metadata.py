"""A story's photo loses what it says besides its picture (place, camera, time, comments,
trailers) before it is kept; its orientation stays, and its shape on the page follows it."""

import struct
import zlib

import pytest

from app.errors import ValidationFailed
from app.extensions import db
from app.models.stories import Story
from app.showcase import metadata, photos, services
from tests.story_helpers import jpeg_bytes, make_comms, make_story, png_bytes, seen, upload

SECRETS = (b"SECRETCAM", b"SN-0042", b"Nguyen Van A", b"xmpmeta", b"Photoshop", b"trailer")


@pytest.fixture
def comms(app):
    return make_comms()


def exif_tiff(orientation: int) -> bytes:
    """A little-endian Exif block as a phone writes it: make, orientation, serial number and a
    pointer to a GPS directory with a latitude."""
    make, serial = b"SECRETCAM\x00", b"SN-0042\x00"
    entries = 4
    ifd0 = 8
    data_at = ifd0 + 2 + 12 * entries + 4
    gps_at = data_at + len(make) + len(serial)
    out = b"II*\x00" + struct.pack("<I", ifd0) + struct.pack("<H", entries)
    out += struct.pack("<HHII", 0x010F, 2, len(make), data_at)  # Make
    out += struct.pack("<HHIHH", 0x0112, 3, 1, orientation, 0)  # Orientation
    out += struct.pack("<HHII", 0xA431, 2, len(serial), data_at + len(make))  # BodySerialNumber
    out += struct.pack("<HHII", 0x8825, 4, 1, gps_at)  # GPS directory
    out += struct.pack("<I", 0) + make + serial
    out += struct.pack("<H", 1) + struct.pack("<HHII", 0x0001, 2, 2, ord("N")) + b"\x00" * 4
    return out


def segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def phone_jpeg(orientation: int = 6) -> tuple[bytes, bytes]:
    """(the JPEG with a phone's metadata, the same JPEG without it): Exif, XMP, IPTC, a
    comment and an MPF block after the JFIF header, a second picture after its end."""
    clean = jpeg_bytes()
    assert clean[2:4] == b"\xff\xe0"
    app0_end = 4 + int.from_bytes(clean[4:6], "big")
    noise = (
        segment(0xE1, b"Exif\x00\x00" + exif_tiff(orientation))
        + segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>Nguyen Van A</x:xmpmeta>")
        + segment(0xED, b"Photoshop 3.0\x00" + b"8BIM" + b"\x00" * 8)
        + segment(0xFE, b"Nguyen Van A took this")
        + segment(0xE2, b"MPF\x00" + b"\x00" * 8)
    )
    return clean[:app0_end] + noise + clean[app0_end:] + b"trailer of a second picture", clean


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    pos, found = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        found.append((kind, body))
        pos += 12 + length
    return found


def phone_png(orientation: int = 8) -> bytes:
    """A 4×3 PNG with text, a modification time and Exif before its pixels, junk after IEND."""
    clean = png_bytes(4, 3)
    ihdr_end = 8 + 12 + 13
    noise = (
        png_chunk(b"tEXt", b"Author\x00Nguyen Van A")
        + png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta/>")
        + png_chunk(b"tIME", b"\x07\xea\x0c\x06\x0c\x00\x00")
        + png_chunk(b"eXIf", exif_tiff(orientation))
    )
    return clean[:ihdr_end] + noise + clean[ihdr_end:] + b"trailer"


def test_a_jpeg_keeps_its_picture_and_orientation_and_nothing_else():
    dirty, clean = phone_jpeg(orientation=6)
    stripped, orientation = metadata.strip_jpeg(dirty)
    assert orientation == 6
    assert not [secret for secret in SECRETS if secret in stripped]
    # What is left is the original picture byte for byte, with one Exif block of one entry.
    app0_end = 4 + int.from_bytes(clean[4:6], "big")
    kept = stripped[app0_end:]
    assert kept[:2] == b"\xff\xe1"
    block_end = 2 + int.from_bytes(kept[2:4], "big")
    assert metadata.orientation_of(kept[4 + 6 : block_end]) == 6
    assert stripped[:app0_end] + kept[block_end:] == clean


def test_an_upright_jpeg_loses_its_exif_block_entirely():
    dirty, clean = phone_jpeg(orientation=1)
    assert metadata.strip_jpeg(dirty) == (clean, 1)


def test_a_jpeg_loses_the_thumbnails_of_its_jfif_header():
    """A JFIF header may carry a thumbnail of the picture as taken (before any cropping), and
    a JFXX block another: the header stays without it, the block goes."""
    clean = jpeg_bytes()
    app0_end = 4 + int.from_bytes(clean[4:6], "big")
    header = clean[4 + 2 : app0_end]
    assert header.startswith(b"JFIF\x00") and header[12:14] == b"\x00\x00"
    with_thumbnail = header[:12] + b"\x02\x01" + b"THUMBS"  # 2 × 1 pixels, RGB
    dirty = (
        clean[:2]
        + segment(0xE0, with_thumbnail)
        + segment(0xE0, b"JFXX\x00\x13" + b"THUMBS")
        + clean[app0_end:]
    )
    assert metadata.strip_jpeg(dirty) == (clean, 1)


def test_a_jpeg_without_metadata_is_left_as_it_is():
    assert metadata.strip_jpeg(jpeg_bytes()) == (jpeg_bytes(), 1)


def test_a_png_keeps_its_chunks_that_draw_and_a_bare_orientation():
    stripped, orientation = metadata.strip_png(phone_png(orientation=8))
    assert orientation == 8
    assert not [secret for secret in SECRETS if secret in stripped]
    chunks = png_chunks(stripped)
    assert [kind for kind, _body in chunks] == [b"IHDR", b"eXIf", b"IDAT", b"IEND"]
    assert chunks[1][1] == metadata.orientation_only(8)
    assert [c for c in chunks if c[0] != b"eXIf"] == png_chunks(png_bytes(4, 3))


@pytest.mark.parametrize(
    ("broken", "kind"),
    [
        (jpeg_bytes()[:4] + b"\x00\x01" + jpeg_bytes()[6:], "jpeg"),  # a length below 2
        (jpeg_bytes()[:30], "jpeg"),  # cut inside its tables
        (png_bytes(4, 3)[:40], "png"),  # cut inside a chunk
    ],
)
def test_a_file_whose_structure_cannot_be_walked_is_refused(broken, kind):
    strip = metadata.strip_png if kind == "png" else metadata.strip_jpeg
    assert strip(broken) is None


def test_a_stored_photo_has_no_metadata_and_the_shape_it_is_shown_in(comms):
    story = make_story(comms)
    dirty = phone_png(orientation=8)
    services.set_photo(seen(comms), story, upload(dirty, "dien-thoai.png"), "Ảnh chụp")
    stored = photos.path_of(story.photo_name).read_bytes()
    assert not [secret for secret in SECRETS if secret in stored]
    assert story.photo_size == len(stored) < len(dirty)
    # Turned a quarter (orientation 8): the 4×3 picture is shown 3 wide and 4 high.
    assert (story.photo_width, story.photo_height) == (3, 4)

    dirty_jpeg, _clean = phone_jpeg(orientation=3)  # upside down: the same shape
    services.set_photo(seen(comms), story, upload(dirty_jpeg, "anh.jpg"), "Ảnh chụp")
    stored = photos.path_of(story.photo_name).read_bytes()
    assert not [secret for secret in SECRETS if secret in stored]
    assert (story.photo_kind, story.photo_width, story.photo_height) == ("jpeg", 16, 16)


def test_a_photo_that_cannot_be_cleaned_is_refused_and_nothing_is_left(comms):
    story = make_story(comms)
    dirty, _clean = phone_jpeg()
    # The frame header is readable, but a segment after it claims more bytes than the file has.
    sos = dirty.index(b"\xff\xda")
    broken = dirty[:sos] + b"\xff\xdb\xff\xff" + b"\x00" * 10
    before = set(photos.storage_dir().iterdir())
    with pytest.raises(ValidationFailed) as refused:
        services.set_photo(seen(comms), story, upload(broken, "hong.jpg"), "Ảnh hỏng")
    assert list(refused.value.errors) == ["photo"]
    assert set(photos.storage_dir().iterdir()) == before
    assert story.photo_name is None


def test_photos_kept_before_cleaning_lose_their_metadata_by_command(app, comms):
    """`flask strip-photo-metadata`: a photo kept as uploaded (before uploads were cleaned) is
    rewritten as an upload is now, its row following it; a missing file is reported; running
    it again changes nothing."""
    old, turned, lost = make_story(comms), make_story(comms), make_story(comms)
    dirty_jpeg, clean_jpeg = phone_jpeg(orientation=1)
    dirty_png = phone_png(orientation=6)
    for story, data, name in (
        (old, dirty_jpeg, "a.jpg"),
        (turned, dirty_png, "b.png"),
        (lost, png_bytes(), "c.png"),
    ):
        services.set_photo(seen(comms), story, upload(data, name), "Ảnh")
    # As the rows and files were before: the file as sent, its header's size and shape.
    photos.path_of(old.photo_name).write_bytes(dirty_jpeg)
    photos.path_of(turned.photo_name).write_bytes(dirty_png)
    old.photo_size, turned.photo_size = len(dirty_jpeg), len(dirty_png)
    turned.photo_width, turned.photo_height = 4, 3
    photos.path_of(lost.photo_name).unlink()
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["strip-photo-metadata"])
    assert result.exit_code == 0, result.output
    assert "2 cleaned, 0 already clean, 1 left as they are" in result.output
    assert f"story {lost.id}: no file" in result.output
    assert photos.path_of(old.photo_name).read_bytes() == clean_jpeg  # upright: no Exif at all
    kept = photos.path_of(turned.photo_name).read_bytes()
    assert not [secret for secret in SECRETS if secret in kept]
    db.session.expire_all()
    assert db.session.get(Story, old.id).photo_size == len(clean_jpeg)
    again = db.session.get(Story, turned.id)
    assert (again.photo_size, again.photo_width, again.photo_height) == (len(kept), 3, 4)

    result = app.test_cli_runner().invoke(args=["strip-photo-metadata"])
    assert "0 cleaned, 2 already clean, 1 left as they are" in result.output
    assert photos.path_of(turned.photo_name).read_bytes() == kept
