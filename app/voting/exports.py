"""The results workbook (XLSX): the ranking with its counts, and the turnout by unit. Totals
only: a ballot's choices never leave the database. Headers in Vietnamese whatever the interface
language: they are the document's format.
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from app.documents import cell_text, header_row
from app.models.voting import VotingRound
from app.voting.queries import Standing, UnitTurnout
from app.web.filters import format_datetime

RANKING_HEADERS = ("Hạng", "Tên sáng kiến", "Tác giả", "Đơn vị", "Lĩnh vực", "Số phiếu", "Tỷ lệ")
RANKING_WIDTHS = (8, 50, 36, 34, 36, 10, 10)
TURNOUT_HEADERS = ("Đơn vị", "Số người được bình chọn", "Số người đã bình chọn", "Tỷ lệ")
TURNOUT_WIDTHS = (44, 18, 18, 10)


def results_workbook(
    round_: VotingRound,
    standings: list[Standing],
    counted: int,
    total: UnitTurnout,
    units: list[UnitTurnout],
) -> bytes:
    workbook = Workbook()
    workbook.properties.title = f"Kết quả bình chọn: {round_.title}"
    workbook.properties.language = "vi-VN"
    sheet = workbook.active
    sheet.title = "Kết quả"
    sheet.append([cell_text(round_.title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(
        [
            f"Thời gian bình chọn: từ {format_datetime(round_.opens_at)} "
            f"đến {format_datetime(round_.closes_at)}; số phiếu hợp lệ: {counted}; "
            f"số người đã bình chọn: {total.voted}/{total.eligible}."
        ]
    )
    sheet.append([])
    header_row(sheet, RANKING_HEADERS, RANKING_WIDTHS)
    first = sheet.max_row + 1
    for standing in standings:
        candidate = standing.candidate
        sheet.append(
            [
                f"{standing.rank} (đồng hạng)" if standing.is_tied else standing.rank,
                cell_text(candidate.title),
                cell_text(candidate.authors),
                cell_text(candidate.unit_name),
                cell_text(candidate.area_title),
                standing.votes,
                round(standing.share, 4),
            ]
        )
        sheet.cell(sheet.max_row, 7).number_format = "0.0%"
        for column in (2, 3, 4, 5):
            sheet.cell(sheet.max_row, column).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = f"A{first}"

    turnout = workbook.create_sheet("Tỷ lệ tham gia")
    header_row(turnout, TURNOUT_HEADERS, TURNOUT_WIDTHS)
    for row in [*units, UnitTurnout(None, "Toàn cơ quan", total.eligible, total.voted)]:
        turnout.append(
            [
                cell_text(row.name) or "Chưa thuộc đơn vị nào",
                row.eligible,
                row.voted,
                round(row.rate, 4),
            ]
        )
        turnout.cell(turnout.max_row, 4).number_format = "0.0%"
    turnout.cell(turnout.max_row, 1).font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
