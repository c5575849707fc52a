"""What a photo carries besides its picture, removed before it is published: a phone's photo
holds the place it was taken (GPS), the time, the camera and its serial number, sometimes the
owner's name and a thumbnail of the uncropped picture. Only what draws the picture is kept:
for a JPEG its frame, tables, scans, colour profile (ICC) and Adobe colour transform; for a PNG
its image chunks and the ancillary chunks about colour and transparency. The one fact of the
metadata that changes how the picture looks, its orientation (a phone held upright), is kept in
a metadata block of its own that says nothing else.

The picture's data are copied byte for byte: nothing is decoded or encoded again.
"""

import os
import struct
import zlib
from pathlib import Path

ORIENTATION_TAG = 0x0112
# Orientations 5 to 8 turn the picture a quarter: its width on screen is its stored height.
QUARTER_TURNS = {5, 6, 7, 8}

# JPEG markers that are metadata: APP1 (Exif, XMP) and APP3 to APP15 (IPTC, makers' notes),
# COM (comments); APP2 stays only as an ICC profile, APP0 only as a JFIF header without its
# thumbnail, APP14 (Adobe) stays.
_JPEG_APP0, _JPEG_APP1, _JPEG_APP2, _JPEG_APP14 = 0xE0, 0xE1, 0xE2, 0xEE
_JPEG_COM, _JPEG_SOS, _JPEG_EOI = 0xFE, 0xDA, 0xD9
_EXIF = b"Exif\x00\x00"
# "JFIF\0", version, units, densities, then the thumbnail's width and height (14 bytes).
_JFIF, _JFIF_HEADER = b"JFIF\x00", 14
_ICC = b"ICC_PROFILE\x00"

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Chunks that draw the picture, its colours and transparency, or its animation (APNG).
_PNG_KEPT = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
    b"bKGD", b"pHYs", b"hIST", b"sPLT", b"cICP", b"mDCv", b"cLLi", b"acTL", b"fcTL", b"fdAT",
}  # fmt: skip


def orientation_of(tiff: bytes) -> int:
    """The Orientation (1 to 8) of an Exif block's first directory; 1 when absent or unreadable."""
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None or len(tiff) < 8:
        return 1
    magic, offset = struct.unpack(order + "HI", tiff[2:8])
    if magic != 42 or offset + 2 > len(tiff):
        return 1
    (count,) = struct.unpack(order + "H", tiff[offset : offset + 2])
    for number in range(count):
        at = offset + 2 + 12 * number
        if at + 12 > len(tiff):
            break
        tag, kind, values = struct.unpack(order + "HHI", tiff[at : at + 8])
        if tag == ORIENTATION_TAG and kind == 3 and values == 1:
            (value,) = struct.unpack(order + "H", tiff[at + 8 : at + 10])
            return value if 1 <= value <= 8 else 1
    return 1


def orientation_only(orientation: int) -> bytes:
    """An Exif block (TIFF, big-endian) that holds the orientation and nothing else."""
    entry = struct.pack(">HHIHH", ORIENTATION_TAG, 3, 1, orientation, 0)
    return b"MM\x00\x2a" + struct.pack(">IH", 8, 1) + entry + struct.pack(">I", 0)


def _scan_end(data: bytes, pos: int) -> int:
    """Where the entropy-coded data starting at `pos` end: the next marker that is not a
    stuffed byte (FF 00), a restart marker or a fill byte; the file's end if there is none."""
    while True:
        at = data.find(b"\xff", pos)
        if at < 0 or at + 1 >= len(data):
            return len(data)
        following = data[at + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            pos = at + 1
            continue
        return at


def _jfif_without_thumbnail(payload: bytes) -> bytes | None:
    """A JFIF header (APP0) with its thumbnail, a small copy of the picture as the camera took
    it, before any cropping, left out; None for any other APP0 (a JFXX thumbnail)."""
    if not payload.startswith(_JFIF) or len(payload) < _JFIF_HEADER:
        return None
    body = payload[: _JFIF_HEADER - 2] + b"\x00\x00"  # no thumbnail: 0 × 0 pixels
    return bytes((0xFF, _JPEG_APP0)) + struct.pack(">H", len(body) + 2) + body


def _kept(marker: int, payload: bytes) -> bool:
    """Whether a JPEG segment (not a scan, not APP0) draws the picture rather than describing
    it."""
    if marker == _JPEG_APP14:
        return True
    if marker == _JPEG_APP2:
        return payload.startswith(_ICC)
    return not (0xE0 <= marker <= 0xEF or marker == _JPEG_COM)


def strip_jpeg(data: bytes) -> tuple[bytes, int] | None:
    """(the JPEG without its metadata, its orientation); None when its segments cannot be
    walked. What follows the end of the image (a phone's second picture, a maker's trailer)
    goes as well."""
    if not data.startswith(b"\xff\xd8"):
        return None
    out, pos, orientation, exif_at = [b"\xff\xd8"], 2, 1, None
    while pos < len(data):
        if data[pos] != 0xFF:
            return None
        while pos < len(data) and data[pos] == 0xFF:
            pos += 1
        if pos >= len(data):
            return None
        marker = data[pos]
        pos += 1
        if marker == _JPEG_EOI:
            out.append(b"\xff\xd9")
            break
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            out.append(bytes((0xFF, marker)))
            continue
        if marker == 0xD8 or pos + 2 > len(data):
            return None
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > len(data):
            return None
        segment, payload = data[pos - 2 : pos + length], data[pos + 2 : pos + length]
        pos += length
        if marker == _JPEG_SOS:
            end = _scan_end(data, pos)
            out += [segment, data[pos:end]]
            pos = end
        elif marker == _JPEG_APP0:
            header = _jfif_without_thumbnail(payload)
            if header is not None:
                out.append(header)
        elif marker == _JPEG_APP1 and payload.startswith(_EXIF):
            if exif_at is None:
                orientation, exif_at = orientation_of(payload[len(_EXIF) :]), len(out)
        elif _kept(marker, payload):
            out.append(segment)
    if orientation != 1:
        block = _EXIF + orientation_only(orientation)
        out.insert(exif_at, b"\xff\xe1" + struct.pack(">H", len(block) + 2) + block)
    return b"".join(out), orientation


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def strip_png(data: bytes) -> tuple[bytes, int] | None:
    """(the PNG without its metadata chunks, its orientation); None when its chunks cannot be
    walked. What follows IEND goes as well."""
    if not data.startswith(_PNG_SIGNATURE):
        return None
    out, pos, orientation = [_PNG_SIGNATURE], len(_PNG_SIGNATURE), 1
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            return None
        if kind == b"eXIf" and orientation == 1:
            body = data[pos + 8 : pos + 8 + length]
            orientation = orientation_of(body.removeprefix(_EXIF))
            if orientation != 1:
                out.append(_png_chunk(b"eXIf", orientation_only(orientation)))
        elif kind in _PNG_KEPT:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            return b"".join(out), orientation
    return None


def strip(path: Path, kind: str) -> tuple[int, int] | None:
    """Rewrite the photo at `path` without its metadata; (its new size in bytes, its
    orientation), or None (the file untouched) when it cannot be walked."""
    data = path.read_bytes()
    stripped = strip_png(data) if kind == "png" else strip_jpeg(data)
    if stripped is None:
        return None
    cleaned, orientation = stripped
    if cleaned != data:
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(cleaned)
        os.replace(partial, path)
    return len(cleaned), orientation
