"""The report's data workbook (XLSX): the key figures, the units, a sheet per content area with
its initiatives, the voting rounds and the surveys of the period, the approved commendations.
Headers in Vietnamese whatever the interface language: they are the document's format."""

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from app.documents import cell_text, header_row
from app.initiatives.exports import STATUS_TEXT
from app.models.reports import Report
from app.reports import texts
from app.reports.figures import Figures
from app.web.filters import format_date

UNIT_HEADERS = (
    "Phòng, đơn vị",
    "Số người",
    "Đã ký đăng ký thi đua",
    "Tỷ lệ đã ký (%)",
    "Đã xác nhận",
    "Sáng kiến đã nộp",
    "Sáng kiến được công nhận",
)
UNIT_WIDTHS = (44, 10, 14, 12, 12, 12, 14)
AREA_HEADERS = ("STT", "Tên sáng kiến", "Tác giả", "Đơn vị", "Trạng thái", "Ngày nộp")
AREA_WIDTHS = (6, 54, 36, 32, 20, 12)
ROUND_HEADERS = ("Đợt bình chọn", "Mở", "Đóng", "Được bình chọn", "Đã bình chọn", "Tỷ lệ (%)")
ROUND_WIDTHS = (50, 12, 12, 14, 14, 10)
SURVEY_HEADERS = (
    "Khảo sát",
    "Mở",
    "Đóng",
    "Được khảo sát",
    "Đã trả lời",
    "Tỷ lệ (%)",
    "Chỉ số nhận thức (%)",
)
SURVEY_WIDTHS = (50, 12, 12, 14, 12, 10, 14)
COMMENDATION_HEADERS = (
    "STT",
    "Cá nhân, tập thể",
    "Chức vụ",
    "Đơn vị",
    "Hình thức",
    "Số quyết định",
    "Ngày quyết định",
)
COMMENDATION_WIDTHS = (6, 32, 24, 32, 36, 16, 14)
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def _title(sheet, text: str) -> None:
    sheet.append([cell_text(text)])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=13)


def _summary(workbook: Workbook, report: Report, figures: Figures) -> None:
    sheet = workbook.active
    sheet.title = "Tổng hợp"
    _title(sheet, report.subject)
    sheet.append([f"Kỳ báo cáo: {texts.period(figures.start, figures.end)}"])
    sheet.append([])
    header_row(sheet, ("Chỉ tiêu", "Số liệu"), (70, 14))
    total = figures.board.totals
    for label, value in (
        ("Số công chức, viên chức, người lao động", total.staff),
        ("Đã ký bản đăng ký thi đua", total.signed),
        ("Bản đăng ký đã được xác nhận", total.confirmed),
        ("Số phòng, đơn vị", figures.units),
        ("Phòng, đơn vị đã ký bản đăng ký tập thể", figures.units_signed),
        ("Cá nhân ký bản đăng ký trong kỳ", figures.signed_in_period),
        ("Tập thể ký bản đăng ký trong kỳ", figures.units_signed_in_period),
        ("Sáng kiến đã nộp", figures.submitted),
        ("Sáng kiến nộp trong kỳ", figures.submitted_in_period),
        ("Sáng kiến được đưa ra Hội đồng", figures.accepted),
        ("Sáng kiến được công nhận", len(figures.recognized)),
        ("Đợt bình chọn trong kỳ", len(figures.rounds)),
        ("Khảo sát trong kỳ", len(figures.surveys)),
        ("Lượt nhắc nhở, đôn đốc trong kỳ", figures.reminders),
        ("Số người được nhắc nhở trong kỳ", figures.reminded_people),
        *_assessment_rows(figures),
        ("Đề nghị khen thưởng", sum(figures.commendations.values())),
        ("Được duyệt khen thưởng", figures.commendations.get("approved", 0)),
    ):
        sheet.append([label, value])


def _assessment_rows(figures: Figures) -> list[tuple[str, int]]:
    rows = []
    for kind, what in (("individual", "cá nhân"), ("unit", "tập thể")):
        counted = figures.assessed.get(kind)
        if counted is not None:
            rows += [
                (f"Bản đăng ký của {what} đã tự đánh giá", counted.self_assessed),
                (f"Bản đăng ký của {what} đã được đánh giá", counted.assessed),
                (f"Bản đăng ký của {what} hoàn thành", counted.fulfilled),
            ]
    return rows


def _commendations(workbook: Workbook, figures: Figures) -> None:
    sheet = workbook.create_sheet("Khen thưởng")
    header_row(sheet, COMMENDATION_HEADERS, COMMENDATION_WIDTHS)
    for number, item in enumerate(figures.approved, start=1):
        sheet.append(
            [
                number,
                cell_text(item.nominee_name),
                cell_text(item.nominee_position),
                cell_text(item.nominee_unit),
                cell_text(item.form.name),
                cell_text(item.decision_number or ""),
                format_date(item.decision_date),
            ]
        )


def _units(workbook: Workbook, figures: Figures) -> None:
    sheet = workbook.create_sheet("Theo đơn vị")
    header_row(sheet, UNIT_HEADERS, UNIT_WIDTHS)
    sheet.freeze_panes = "A2"
    total = figures.board.totals
    for row in [*figures.board.rows, total]:
        name = "Toàn cơ quan" if row is total else (row.name or texts.NO_UNIT)
        sheet.append(
            [
                cell_text(("  " * row.depth) + name),
                row.staff,
                row.signed,
                row.signed_rate,
                row.confirmed,
                row.submitted,
                row.recognized,
            ]
        )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def sheet_name(area_name: str, taken: set[str]) -> str:
    """An Excel sheet name (at most 31 characters, none of []:*?/\\), unique in the book."""
    base = _SHEET_NAME_BAD.sub(" ", area_name).strip()[:31] or "Nội dung"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _areas(workbook: Workbook, figures: Figures, by_area: dict) -> None:
    taken = {name.lower() for name in workbook.sheetnames}
    for line in figures.areas:
        area = line.area
        sheet = workbook.create_sheet(sheet_name(f"Nội dung {area.code or area.position}", taken))
        _title(sheet, line.name)
        sheet.append(
            [
                f"Nội dung đã đăng ký: {line.items}; sáng kiến đã nộp: {line.submitted}; "
                f"được đưa ra Hội đồng: {line.accepted}; được công nhận: {line.recognized}."
            ]
        )
        sheet.append([])
        header_row(sheet, AREA_HEADERS, AREA_WIDTHS)
        for number, initiative in enumerate(by_area.get(area.id, []), start=1):
            sheet.append(
                [
                    number,
                    cell_text(initiative.title),
                    cell_text(texts.authors(initiative)),
                    cell_text(initiative.unit.name if initiative.unit else ""),
                    STATUS_TEXT.get(initiative.status, initiative.status),
                    format_date(initiative.submitted_at),
                ]
            )
            for column in (2, 3, 4):
                sheet.cell(sheet.max_row, column).alignment = Alignment(
                    wrap_text=True, vertical="top"
                )


def _rounds(workbook: Workbook, figures: Figures) -> None:
    sheet = workbook.create_sheet("Bình chọn")
    header_row(sheet, ROUND_HEADERS, ROUND_WIDTHS)
    for line in figures.rounds:
        sheet.append(
            [
                cell_text(line.round.title),
                format_date(line.round.opens_at),
                format_date(line.round.closes_at),
                line.eligible,
                line.voted,
                line.rate,
            ]
        )


def _surveys(workbook: Workbook, figures: Figures) -> None:
    sheet = workbook.create_sheet("Khảo sát")
    header_row(sheet, SURVEY_HEADERS, SURVEY_WIDTHS)
    for line in figures.surveys:
        sheet.append(
            [
                cell_text(line.survey.title),
                format_date(line.survey.opens_at),
                format_date(line.survey.closes_at),
                line.addressed,
                line.answered,
                line.rate,
                line.index,
            ]
        )


def report_workbook(report: Report, figures: Figures, by_area: dict) -> bytes:
    """`by_area`: {content area id: [initiative]} from figures.initiatives_by_area()."""
    workbook = Workbook()
    workbook.properties.title = report.subject
    workbook.properties.language = "vi-VN"
    _summary(workbook, report, figures)
    _units(workbook, figures)
    _areas(workbook, figures, by_area)
    _rounds(workbook, figures)
    _surveys(workbook, figures)
    _commendations(workbook, figures)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
