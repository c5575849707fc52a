"""Documents of the commendations: the list as a workbook (XLSX) and the draft list that goes
with the decision (DOCX, "Danh sách đề nghị khen thưởng"), laid out like a Vietnamese
administrative annex (Nghị định 30/2020/NĐ-CP: Times New Roman, A4 turned sideways for the
wide table, the agency and motto at the top).

Their fixed texts are Vietnamese whatever the interface language: they are the document's
format, not the interface. Each download is audited.
"""

import io

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from app import audit
from app.documents import (
    CENTER,
    DOCX_MIMETYPE,  # noqa: F401  (the routes take it from here)
    XLSX_MIMETYPE,  # noqa: F401
    agency_header,
    content_disposition,  # noqa: F401
    data_table,
    new_document,
    para,
    safe_row,
)
from app.extensions import db
from app.models.campaigns import Campaign
from app.models.commendations import Commendation
from app.models.directory import User

TITLE = "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"
STATUS_TEXT = {"proposed": "Đề nghị", "approved": "Đã phê duyệt", "declined": "Không phê duyệt"}
HEADERS = (
    "STT",
    "Họ và tên / Tập thể",
    "Chức vụ",
    "Đơn vị",
    "Hình thức khen thưởng",
    "Thành tích",
    "Trạng thái",
    "Số quyết định",
    "Ngày quyết định",
    "Lý do không phê duyệt",
)
_WIDTHS = (6, 30, 28, 36, 34, 70, 16, 18, 14, 36)
# The annex's table on A4 turned sideways: 297 mm less the margins (30 + 15) is 252 mm.
DOCX_HEADERS = [
    "STT",
    "Họ và tên / Tập thể",
    "Chức vụ",
    "Đơn vị",
    "Hình thức khen thưởng",
    "Thành tích",
]
DOCX_WIDTHS = [12, 42, 32, 44, 44, 78]


def _name(row: Commendation) -> str:
    return f"Tập thể {row.nominee_name}" if row.is_unit else row.nominee_name


def workbook(campaign: Campaign, rows: list[Commendation]) -> bytes:
    """One sheet: a row per proposal in the list's order, numbered."""
    book = Workbook()
    book.properties.title = f"{TITLE.capitalize()} — {campaign.name}"
    book.properties.language = "vi-VN"
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(list(HEADERS))
    for index, cell in enumerate(sheet[1]):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[cell.column_letter].width = _WIDTHS[index]
    sheet.freeze_panes = "A2"
    for number, row in enumerate(rows, start=1):
        sheet.append(
            safe_row(
                [
                    number,
                    _name(row),
                    row.nominee_position,
                    row.nominee_unit,
                    row.form.name,
                    row.achievement,
                    STATUS_TEXT.get(row.status, row.status),
                    row.decision_number or "",
                    row.decision_date,
                    row.decline_reason,
                ]
            )
        )
        sheet.cell(sheet.max_row, 6).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(sheet.max_row, 9).number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _annex_line(rows: list[Commendation]) -> str:
    """What the list goes with: the decision when every row has the same one, else the
    submission still to be numbered."""
    decisions = {(row.decision_number, row.decision_date) for row in rows}
    if len(decisions) == 1:
        number, day = decisions.pop()
        if number and day:
            month = f"{day.month:02d}" if day.month < 3 else str(day.month)
            return (
                f"(Kèm theo Quyết định số {number} ngày {day.day:02d} tháng {month} "
                f"năm {day.year} của Chánh Văn phòng UBND tỉnh)"
            )
    return "(Kèm theo Tờ trình số ……/TTr-VP ngày …… tháng …… năm …… của Văn phòng UBND tỉnh)"


def document(campaign: Campaign, rows: list[Commendation]) -> bytes:
    """The draft list for the decision: A4 sideways, the agency and motto, the title, the
    table (STT, họ và tên / tập thể, chức vụ, đơn vị, hình thức, thành tích), the totals."""
    doc = new_document(f"{TITLE} — {campaign.name}")
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    agency_header(doc)
    para(doc, space_after=6)
    para(doc, TITLE, size=14, bold=True, align=CENTER, space_after=0)
    para(
        doc,
        f"Phong trào thi đua “{campaign.name}”",
        size=14,
        bold=True,
        align=CENTER,
        space_after=0,
    )
    para(doc, _annex_line(rows), italic=True, align=CENTER, space_after=12)
    table_rows = [
        [
            str(number),
            _name(row),
            row.nominee_position,
            row.nominee_unit,
            row.form.name,
            row.achievement,
        ]
        for number, row in enumerate(rows, start=1)
    ]
    left = WD_ALIGN_PARAGRAPH.LEFT
    data_table(
        doc,
        DOCX_HEADERS,
        table_rows,
        DOCX_WIDTHS,
        aligns=[CENTER, left, left, left, left, WD_ALIGN_PARAGRAPH.JUSTIFY],
    )
    units = sum(1 for row in rows if row.is_unit)
    para(doc, space_after=0)
    para(
        doc,
        f"Tổng cộng: {len(rows)} (tập thể: {units}; cá nhân: {len(rows) - units}).",
        bold=True,
        space_after=0,
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def export(
    actor: User, campaign: Campaign, rows: list[Commendation], kind: str, filters: dict
) -> bytes:
    """The workbook or the document, audited as "commendations.exported"."""
    data = workbook(campaign, rows) if kind == "xlsx" else document(campaign, rows)
    audit.record(
        actor,
        "commendations.exported",
        campaign,
        label=campaign.name,
        format=kind,
        rows=len(rows),
        status=filters.get("status"),
    )
    db.session.commit()
    return data
