"""The printable commitment: the page laid out like the paper "Bản đăng ký thi đua" with the seal
and its state, the same form as DOCX (read back with python-docx), and who may open them."""

import io
import re

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import html
from sqlalchemy import select, update

from app.commitments import review
from app.documents import MOTTO, place_date
from app.extensions import db
from app.models.commitments import CommitmentItem, CommitmentVersion
from app.web.filters import short_seal, to_local
from tests.factories import make_campaign, make_user
from tests.review_helpers import (
    draft_commitment,
    seen,
    signed_commitment,
    signed_unit_commitment,
    unit_with_head,
)


@pytest.fixture
def campaign(app):
    return make_campaign()


@pytest.fixture
def team(campaign):
    unit, head, _ = unit_with_head(name="Phòng Tổng hợp")
    owner = make_user(
        username="nhanvien", full_name="Phạm Thị Mai Anh", unit=unit, position="Chuyên viên"
    )
    colleague = make_user(full_name="Trần Văn Bình", unit=unit)
    _other_unit, other_head, _ = unit_with_head(name="Phòng Kinh tế")
    commitment = signed_commitment(campaign, owner)
    version = db.session.scalar(
        select(CommitmentVersion).where(CommitmentVersion.commitment_id == commitment.id)
    )
    return {
        "unit": unit,
        "head": head,
        "owner": owner,
        "colleague": colleague,
        "other_head": other_head,
        "commitment": commitment,
        "version": version,
    }


def _url(commitment, number: int = 1, docx: bool = False) -> str:
    return f"/commitments/{commitment.id}/versions/{number}/print" + (".docx" if docx else "")


def _text(page: str) -> str:
    (paper,) = html.fromstring(page).xpath("//article[contains(@class, 'paper')]")
    return " ".join(paper.text_content().split())


def _e_signature(version) -> str:
    signed = to_local(version.signed_at)
    return f"Đã ký điện tử lúc {signed:%H:%M %d/%m/%Y} · Niêm phong: {short_seal(version.seal)}"


# The page ----------------------------------------------------------------------------------


def test_print_page_reads_like_the_paper_form(client, login, campaign, team):
    login(team["owner"])
    response = client.get(_url(team["commitment"]))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = _text(page)
    version = team["version"]
    for expected in (
        "UBND TỈNH ĐẮK LẮK",
        "VĂN PHÒNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BẢN ĐĂNG KÝ THI ĐUA",
        campaign.name,
        "Họ và tên: Phạm Thị Mai Anh",
        "Chức vụ: Chuyên viên",
        "Đơn vị: Phòng Tổng hợp",
        "I. DANH HIỆU THI ĐUA ĐĂNG KÝ",
        "Lao động tiên tiến",
        "III. NỘI DUNG ĐĂNG KÝ THI ĐUA",
        "1. Thi đua tạo đột phá",
        "1.1. Số hóa hồ sơ công việc",
        "Chỉ tiêu: 100%",
        "Tôi cam kết thực hiện đầy đủ các nội dung đã đăng ký.",
        place_date(to_local(version.signed_at).date()),
        "NGƯỜI ĐĂNG KÝ",
        _e_signature(version),
        "Niêm phong hợp lệ",
    ):
        assert expected in text, expected
    assert re.search(r"Đắk Lắk, ngày \d{2} tháng \d{1,2} năm \d{4}", text)
    tree = html.fromstring(page)
    assert tree.xpath("//h1/text()") == ["BẢN ĐĂNG KÝ THI ĐUA"]
    # Its own print stylesheet, and the "In" button wired by app.js, no inline script.
    assert 'href="/static/css/print.css?v=' in page
    (button,) = tree.xpath("//button[@data-print]")
    assert button.text_content().strip() == "In"
    assert all(script.get("src") for script in tree.xpath("//script"))
    assert f'href="{_url(team["commitment"], docx=True)}"' in page


def test_print_page_shows_an_altered_seal(client, login, campaign, team):
    db.session.execute(
        update(CommitmentItem)
        .where(CommitmentItem.version_id == team["version"].id)
        .values(text="Đã bị sửa sau khi ký")
    )
    db.session.commit()
    login(team["owner"])
    text = _text(client.get(_url(team["commitment"])).get_data(as_text=True))
    assert "Nội dung đã bị thay đổi sau khi ký" in text
    assert "Niêm phong hợp lệ" not in text


def test_print_page_of_a_confirmed_version_shows_the_reviewer(client, login, campaign, team):
    review.confirm(seen(team["head"]), team["commitment"])
    login(team["owner"])
    text = _text(client.get(_url(team["commitment"])).get_data(as_text=True))
    assert "NGƯỜI XÁC NHẬN" in text and team["head"].full_name in text
    assert "Đã xác nhận lúc" in text


def test_print_page_of_a_draft_says_it_is_not_signed(client, login, campaign):
    owner = make_user(full_name="Lê Thị Cúc")
    commitment = draft_commitment(campaign, owner)
    login(owner)
    text = _text(client.get(_url(commitment)).get_data(as_text=True))
    assert "BẢN NHÁP" in text
    assert "Đắk Lắk, ngày … tháng … năm …" in text
    assert "Đã ký điện tử" not in text


def test_print_page_of_a_unit_commitment(client, login, campaign, team):
    collective = signed_unit_commitment(campaign, team["unit"], seen(team["head"]))
    login(team["head"])
    text = _text(client.get(_url(collective)).get_data(as_text=True))
    assert "Tên đơn vị: Phòng Tổng hợp" in text
    assert f"Thủ trưởng đơn vị: {team['head'].full_name}" in text
    assert "II. CAM KẾT THỰC HIỆN TIÊU CHÍ THI ĐUA" in text
    assert "Cam kết hoàn thành" in text
    assert "THỦ TRƯỞNG ĐƠN VỊ" in text
    assert "Tập thể lao động tiên tiến" in text


# DOCX --------------------------------------------------------------------------------------


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts += [p.text for p in cell.paragraphs]
    return "\n".join(parts)


def test_print_docx_is_an_nd30_document(client, login, campaign, team):
    login(team["owner"])
    response = client.get(_url(team["commitment"], docx=True))
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    disposition = response.headers["Content-Disposition"]
    assert 'filename="ban-dang-ky-thi-dua-nhanvien-v1.docx"' in disposition
    assert response.headers["Cache-Control"] == "no-store"

    document = Document(io.BytesIO(response.data))
    section = document.sections[0]

    def close(a, b) -> bool:
        return abs(a - b) < Mm(0.5)

    assert close(section.page_width, Mm(210)) and close(section.page_height, Mm(297))
    assert close(section.top_margin, Mm(20)) and close(section.bottom_margin, Mm(20))
    assert close(section.left_margin, Mm(30)) and close(section.right_margin, Mm(15))
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert Pt(13) <= normal.font.size <= Pt(14)
    sizes = {run.font.size for p in document.paragraphs for run in p.runs if run.font.size}
    assert sizes and all(Pt(12) <= size <= Pt(14) for size in sizes)

    # The header: a borderless two-column table, agency left, national motto right.
    header = document.tables[0]
    left, right = (cell.text for cell in header.rows[0].cells)
    assert left.splitlines() == ["UBND TỈNH ĐẮK LẮK", "VĂN PHÒNG"]
    # The short line under the agency's name: an empty paragraph's bottom border.
    rule = header.rows[0].cells[0].paragraphs[-1]
    assert rule.text == "" and rule._p.pPr.find(qn("w:pBdr")) is not None
    assert right.splitlines() == list(MOTTO)
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}

    text = _all_text(document)
    version = team["version"]
    for expected in (
        "BẢN ĐĂNG KÝ THI ĐUA",
        campaign.name,
        "Họ và tên: Phạm Thị Mai Anh",
        "Đơn vị: Phòng Tổng hợp",
        "Lao động tiên tiến",
        "1.1. Số hóa hồ sơ công việc",
        "NGƯỜI ĐĂNG KÝ",
        place_date(to_local(version.signed_at).date()),
        _e_signature(version),
        "Niêm phong hợp lệ",
    ):
        assert expected in text, expected
    (title,) = [p for p in document.paragraphs if p.text == "BẢN ĐĂNG KÝ THI ĐUA"]
    assert title.runs[0].bold and title.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_print_docx_of_a_unit_commitment_is_named_after_the_unit(client, login, campaign, team):
    collective = signed_unit_commitment(campaign, team["unit"], seen(team["head"]))
    login("officer")
    response = client.get(_url(collective, docx=True))
    assert response.status_code == 200
    assert re.search(
        r'filename="ban-dang-ky-thi-dua-don-vi-[a-z0-9-]+-v1\.docx"',
        response.headers["Content-Disposition"],
    )
    text = _all_text(Document(io.BytesIO(response.data)))
    assert "THỦ TRƯỞNG ĐƠN VỊ" in text and "Cam kết hoàn thành" in text


# Who may open them -------------------------------------------------------------------------


@pytest.mark.parametrize("docx", [False, True])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("head", 200),
        ("officer", 200),
        ("leader", 200),
        ("colleague", 403),
        ("other_head", 403),
        ("comms", 403),
        ("admin", 403),
    ],
)
def test_print_access(client, login, campaign, team, who, status, docx):
    user = team.get(who)
    login(user if user is not None else who)
    response = client.get(_url(team["commitment"], docx=docx))
    assert response.status_code == status
    if status == 403:
        assert "Phạm Thị Mai Anh".encode() not in response.data
        assert "Số hóa hồ sơ".encode() not in response.data


def test_print_unknown_ids_are_404(client, login, campaign, team):
    login(team["owner"])
    assert client.get("/commitments/99999/versions/1/print").status_code == 404
    assert client.get(_url(team["commitment"], number=7)).status_code == 404
    assert client.get(_url(team["commitment"], number=7, docx=True)).status_code == 404


def test_print_of_someone_else_with_an_unknown_version_is_403(client, login, campaign, team):
    login(team["colleague"])
    assert client.get(_url(team["commitment"], number=7)).status_code == 403


def test_print_anonymous_is_sent_to_sign_in(client, campaign, team):
    response = client.get(_url(team["commitment"]))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
