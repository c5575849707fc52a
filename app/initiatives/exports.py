"""The initiatives workbook (XLSX): the filtered list with status, authors, unit, the unit's
endorsement and the council's result. Headers in Vietnamese whatever the interface language:
they are the document's format.
"""

import io
from datetime import UTC, datetime

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import select

from app import audit
from app.documents import XLSX_MIMETYPE, cell_text, content_disposition
from app.extensions import db
from app.initiatives import services
from app.models.councils import CouncilResult
from app.models.directory import User
from app.web.filters import format_date

HEADERS = (
    "STT",
    "Tên sáng kiến",
    "Tác giả (tỷ lệ đóng góp)",
    "Đơn vị",
    "Lĩnh vực áp dụng",
    "Trạng thái",
    "Ngày nộp",
    "Đơn vị đề xuất",
    "Điểm trung bình",
    "Phiếu tán thành / thành viên chấm",
    "Kết quả Hội đồng",
)
WIDTHS = (6, 50, 40, 34, 40, 20, 12, 14, 12, 16, 18)
STATUS_TEXT = {
    "draft": "Bản nháp",
    "submitted": "Đã nộp",
    "returned": "Trả lại để bổ sung",
    "rejected": "Không tiếp nhận",
    "accepted": "Đưa ra Hội đồng",
    "recognized": "Được công nhận",
    "not_recognized": "Không được công nhận",
}


def _authors(initiative) -> str:
    return "; ".join(
        f"{author.user.full_name} ({author.share}%)"
        + (" – tác giả chính" if author.is_main else "")
        for author in initiative.authors
    )


def initiatives_workbook(initiatives, results: dict[int, CouncilResult]) -> bytes:
    workbook = Workbook()
    workbook.properties.title = "Danh sách sáng kiến"
    workbook.properties.language = "vi-VN"
    sheet = workbook.active
    sheet.title = "Sáng kiến"
    sheet.append(list(HEADERS))
    for index, cell in enumerate(sheet[1]):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[cell.column_letter].width = WIDTHS[index]
    sheet.freeze_panes = "A2"
    for number, initiative in enumerate(initiatives, start=1):
        result = results.get(initiative.id)
        area = initiative.content_area
        sheet.append(
            [
                number,
                cell_text(initiative.title),
                cell_text(_authors(initiative)),
                cell_text(initiative.unit.name if initiative.unit else ""),
                cell_text(
                    f"{area.code}. {area.title}"
                    if area and area.code
                    else (area.title if area else "")
                ),
                STATUS_TEXT.get(initiative.status, initiative.status),
                format_date(initiative.submitted_at),
                "Có" if initiative.endorsed_at else "",
                round(result.average_total, 1)
                if result and result.average_total is not None
                else None,
                f"{result.approvals}/{result.eligible}" if result else "",
                ("Công nhận" if result.is_recognized else "Không công nhận") if result else "",
            ]
        )
        for column in (2, 3, 5):
            sheet.cell(sheet.max_row, column).alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_initiatives(actor: User, filters: dict) -> Response:
    """The list the actor sees with these filters, as a download, audited."""
    initiatives = db.session.scalars(services.list_query(actor, **filters)).unique().all()
    ids = [initiative.id for initiative in initiatives]
    results = {
        result.initiative_id: result
        for result in db.session.scalars(
            select(CouncilResult)
            .where(CouncilResult.initiative_id.in_(ids))
            .order_by(CouncilResult.id)
        )
    }
    data = initiatives_workbook(initiatives, results)
    audit.record(actor, "initiatives.exported", None, label="", format="xlsx", rows=len(ids))
    db.session.commit()
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return Response(
        data,
        mimetype=XLSX_MIMETYPE,
        headers={
            "Content-Disposition": content_disposition(
                f"Danh sách sáng kiến {stamp}.xlsx", f"sang-kien-{stamp}.xlsx"
            )
        },
    )
