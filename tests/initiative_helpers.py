"""Test data for initiatives: applications made through the authors' own services, reviewers, a
council row, and small real files (PDF, PNG, JPEG, DOCX, XLSX) to upload."""

import base64
import io
import struct
import zipfile
import zlib
from datetime import date

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.initiatives import services
from app.models.campaigns import Campaign, ContentArea
from app.models.councils import Council, CouncilMember, CouncilStatus, MemberRole
from app.models.initiatives import Initiative, InitiativeAuthor
from tests.factories import make_user
from tests.review_helpers import seen

TODAY = date(2026, 11, 25)
FIRST_APPLIED = date(2026, 3, 2)


def area_ids(campaign) -> list[int]:
    """The campaign's content areas, in the plan's order."""
    return list(
        db.session.scalars(
            select(ContentArea.id)
            .where(ContentArea.campaign_id == campaign.id)
            .order_by(ContentArea.position)
        )
    )


def application(campaign, **fields) -> dict:
    """The form's data of a complete application (everything submit needs), with `fields`
    replacing any of it."""
    data = {
        "title": "Số hóa hồ sơ trình ký tại Văn phòng",
        "content_area_id": area_ids(campaign)[0],
        "first_applied_on": FIRST_APPLIED,
        "current_situation": "Hồ sơ trình ký đi bằng giấy, mất 3 ngày.",
        "solution": "Trình ký trên phần mềm, ký số.",
        "steps": "Bước 1: khảo sát.\nBước 2: triển khai.",
        "novelty": "Lần đầu áp dụng tại Văn phòng.",
        "confidential_info": "Cấu hình máy chủ ký số.",
        "conditions": "Có chữ ký số.",
        "applicability": "Mọi phòng của Văn phòng.",
        "benefits_author": "Rút ngắn còn nửa ngày.",
        "benefits_trial": "Phòng Tổng hợp đã dùng thử.",
        "trial_participants": "Phòng Tổng hợp",
    }
    data.update(fields)
    return data


def make_initiative(author, campaign, today: date = TODAY, **fields) -> Initiative:
    """A draft made by `author` (its main author), complete unless `fields` blank something."""
    return services.create(author, campaign, application(campaign, **fields), today)


def make_officer(**fields):
    return make_user(roles=("officer",), **fields)


def make_leader(**fields):
    return make_user(roles=("leader",), **fields)


def make_head_of(unit, **fields):
    """A user made head of `unit`."""
    head = make_user(roles=("unit_head",), unit=unit, **fields)
    unit.head_id = head.id
    db.session.commit()
    return head


def author_of(initiative, user) -> InitiativeAuthor:
    return db.session.scalar(
        select(InitiativeAuthor).where(
            InitiativeAuthor.initiative_id == initiative.id, InitiativeAuthor.user_id == user.id
        )
    )


def shares(initiative) -> dict[int, int]:
    """{user id: share} of the initiative's authors, as stored."""
    db.session.expire_all()
    return dict(
        db.session.execute(
            select(InitiativeAuthor.user_id, InitiativeAuthor.share).where(
                InitiativeAuthor.initiative_id == initiative.id
            )
        ).all()
    )


def make_submitted(author, campaign, co_authors=(), **fields) -> Initiative:
    """A complete application with `co_authors` (10% each), submitted by its main author."""
    initiative = make_initiative(author, campaign, **fields)
    for co_author in co_authors:
        services.add_author(author, initiative, co_author.id, 10)
    services.submit(author, initiative)
    return initiative


def make_accepted(author, campaign, officer=None, **fields) -> Initiative:
    initiative = make_submitted(author, campaign, **fields)
    services.accept(seen(officer or make_officer()), initiative)
    return initiative


def set_status(initiative, status) -> Initiative:
    """Put an initiative straight into a status the council's services would give it."""
    initiative.status = status
    db.session.commit()
    return initiative


def make_council(campaign, status=CouncilStatus.IN_SESSION, members=(), name=None) -> Council:
    """A council row of the campaign, with `members` (users) as ordinary members."""
    council = Council(campaign_id=campaign.id, name=name or "Hội đồng sáng kiến", status=status)
    db.session.add(council)
    db.session.flush()
    for user in members:
        db.session.add(
            CouncilMember(council_id=council.id, user_id=user.id, role=MemberRole.MEMBER)
        )
    db.session.commit()
    return council


def make_other_campaign(code: str = "KHAC-2027") -> Campaign:
    """A second campaign with one content area of its own."""
    campaign = Campaign(
        code=code,
        name="Phong trào khác",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31),
    )
    campaign.content_areas = [ContentArea(position=1, code="1", title="Nội dung khác")]
    db.session.add(campaign)
    db.session.commit()
    return campaign


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# Files ---------------------------------------------------------------------------------------


def pdf_bytes(padding: int = 0) -> bytes:
    """A one-page PDF with a correct cross-reference table; `padding` bytes of comment make it
    larger without changing what it shows."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    if padding:
        out += b"%" + b"x" * padding + b"\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes() -> bytes:
    """A 1×1 white PNG."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\xff\xff")  # filter byte, one pixel
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


# A 16×16 baseline JFIF image (CPython's Lib/test/imghdrdata/python.jpg).
_JPEG = (
    "/9j/4AAQSkZJRgABAQEAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDREN"
    "Dg8QEBEQCgwSExIQEw8QEBD/2wBDAQMDAwQDBAgEBAgQCwkLEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ"
    "EBAQEBAQEBAQEBAQEBD/wAARCAAQABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAABwQF/8QAJBAAAQQBBAICAwAA"
    "AAAAAAAAAQIDBAYFBwgSExEiABQJMTL/xAAVAQEBAAAAAAAAAAAAAAAAAAAABv/EACMRAAECBQMFAAAAAAAAAAAAAAECEQME"
    "BQYhABIxFRZhgeH/2gAMAwEAAhEDEQA/ABSm0mobc8HmExLUlRzzEWPkJWW+ulrsaUVAseUgslSlH9LKuPryIKuWPZdskzXm"
    "m3fX5m2nF4GlVxx/HOpx4ks51+MiU/Iaad7UcUo4tILoS4kqcWkezS0hO/HvuRp0rO6hWnWO1UisZVuFi4GFeyEpmGepa5S5"
    "SWVPuciFKRFLgSrwetnyPIB+Vb4N9mKhQMzo5po9XLdDs9d6ZVix2VEhiL9kuNPxw2gEKcDQ/rs8AuA8VAe0vdl7VOYn+27f"
    "lGAUgmITjbhSmCg3BYlyeWDkMolvw4KOp1KM6iCNvngZHwetf//Z"
)


def jpeg_bytes() -> bytes:
    return base64.b64decode(_JPEG)


def docx_bytes() -> bytes:
    """A Word document made by python-docx."""
    import docx

    document = docx.Document()
    document.add_paragraph("Thuyết minh sáng kiến")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    """An Excel workbook made by openpyxl."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Số liệu"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def exe_bytes() -> bytes:
    """The start of a Windows executable."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def upload(data: bytes, filename: str) -> FileStorage:
    """What a browser's file field gives the form."""
    return FileStorage(stream=io.BytesIO(data), filename=filename)
