"""Báo cáo sơ kết / tổng kết as a DOCX laid out per Nghị định 30/2020/NĐ-CP (app/documents.py):
the agency and the national motto, the number and the place-date line, "BÁO CÁO" and its
subject, then the body — the officer's words and the figures and tables read from the data —,
"Nơi nhận" and the signature block.

Its fixed texts are Vietnamese whatever the interface language: they are the document's format.
"""

from docx.enum.text import WD_ALIGN_PARAGRAPH

from app.documents import (
    CENTER,
    LEFT,
    agency_header,
    body,
    closing,
    data_table,
    heading,
    new_document,
    number_text,
    para,
    place_date,
    rule_below,
    to_bytes,
    two_columns,
)
from app.models.reports import Report
from app.reports import texts
from app.reports.figures import Figures
from app.web.filters import format_date

RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
TABLE_SIZE = 12
MISSING = "…"


def _share(value: float | None) -> str:
    return f"{number_text(value, 1)}%" if value is not None else "—"


def _paragraphs(document, text: str, fallback: str = MISSING) -> None:
    """The officer's words, a body paragraph per line."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for line in lines or [fallback]:
        body(document, line)


def _head(document, report: Report) -> None:
    agency_header(document)
    _table, left, right = two_columns(document, 62)
    para(left, f"Số: {report.number or texts.UNNUMBERED}", size=13, align=CENTER, space_after=0)
    para(right, place_date(report.issued_on), italic=True, align=CENTER, space_after=0)
    para(document, space_after=6)
    para(document, "BÁO CÁO", bold=True, align=CENTER, space_after=0)
    para(document, report.subject, bold=True, align=CENTER, space_after=0)
    rule_below(para(document, align=CENTER, space_after=0), 60)
    para(document, space_after=6)


def _commitments(document, figures: Figures) -> None:
    heading(document, "2. Kết quả đăng ký thi đua")
    for line in texts.commitment_lines(figures):
        body(document, line)
    rows = []
    for row in figures.board.rows:
        if not row.staff:
            continue
        rows.append(
            [
                ("   " * row.depth) + (row.name or texts.NO_UNIT),
                number_text(row.staff),
                number_text(row.signed),
                _share(row.signed_rate),
                number_text(row.confirmed),
            ]
        )
    total = figures.board.totals
    rows.append(
        [
            "Toàn cơ quan",
            number_text(total.staff),
            number_text(total.signed),
            _share(total.signed_rate),
            number_text(total.confirmed),
        ]
    )
    body(document, "Kết quả đăng ký theo từng phòng, đơn vị:", keep_with_next=True)
    data_table(
        document,
        ["Phòng, đơn vị", "Số người", "Đã ký", "Tỷ lệ", "Đã xác nhận"],
        rows,
        [71, 22, 22, 24, 26],
        size=TABLE_SIZE,
        aligns=[LEFT, RIGHT, RIGHT, RIGHT, RIGHT],
        bold_last_row=True,
    )
    para(document, space_after=0)


def _initiatives(document, figures: Figures) -> None:
    heading(document, "3. Kết quả phong trào sáng kiến")
    for line in texts.initiative_lines(figures):
        body(document, line)
    rows = [
        [
            area.short_name,
            number_text(area.items),
            number_text(area.submitted),
            number_text(area.accepted),
            number_text(area.recognized),
        ]
        for area in figures.areas
    ]
    if rows:
        body(document, "Theo từng nội dung thi đua:", keep_with_next=True)
        data_table(
            document,
            [
                "Nội dung thi đua",
                "Nội dung đã đăng ký",
                "Sáng kiến đã nộp",
                "Được thẩm định",
                "Được công nhận",
            ],
            rows,
            [73, 23, 23, 23, 23],
            size=TABLE_SIZE,
            aligns=[LEFT, RIGHT, RIGHT, RIGHT, RIGHT],
        )
        para(document, space_after=0)
    if figures.recognized:
        body(document, "Các sáng kiến được công nhận:", keep_with_next=True)
        data_table(
            document,
            ["STT", "Tên sáng kiến", "Tác giả", "Đơn vị"],
            [
                [str(n), item.title, texts.authors(item), item.unit.name if item.unit else ""]
                for n, item in enumerate(figures.recognized, start=1)
            ],
            [12, 70, 45, 38],
            size=TABLE_SIZE,
            aligns=[CENTER, LEFT, LEFT, LEFT],
        )
        para(document, space_after=0)


def _rounds(document, figures: Figures) -> None:
    heading(document, "4. Bình chọn sáng kiến tiêu biểu")
    if not figures.rounds:
        body(document, "Trong kỳ báo cáo không tổ chức đợt bình chọn nào.")
        return
    for line in texts.round_lines(figures):
        body(document, line)


def _surveys(document, figures: Figures) -> None:
    heading(document, "5. Khảo sát nhận thức")
    if not figures.surveys:
        body(document, "Trong kỳ báo cáo không tổ chức khảo sát nào.")
        return
    data_table(
        document,
        ["Khảo sát", "Thời gian", "Được khảo sát", "Đã trả lời", "Tỷ lệ", "Chỉ số nhận thức"],
        [
            [
                line.survey.title,
                f"{format_date(line.survey.opens_at)} – {format_date(line.survey.closes_at)}",
                number_text(line.addressed),
                number_text(line.answered),
                _share(line.rate),
                _share(line.index),
            ]
            for line in figures.surveys
        ],
        [50, 33, 21, 21, 18, 22],
        size=TABLE_SIZE,
        aligns=[LEFT, CENTER, RIGHT, RIGHT, RIGHT, RIGHT],
    )
    para(document, space_after=0)


def _commendations(document, figures: Figures) -> None:
    heading(document, "7. Công tác khen thưởng")
    body(document, texts.commendation_line(figures))
    if not figures.approved:
        return
    body(document, "Các trường hợp được duyệt khen thưởng:", keep_with_next=True)
    data_table(
        document,
        ["STT", "Cá nhân, tập thể", "Hình thức", "Quyết định"],
        [
            [str(n), texts.nominee(item), item.form.name, texts.decision(item)]
            for n, item in enumerate(figures.approved, start=1)
        ],
        [12, 60, 50, 43],
        size=TABLE_SIZE,
        aligns=[CENTER, LEFT, LEFT, LEFT],
    )
    para(document, space_after=0)


def report_docx(report: Report, figures: Figures) -> bytes:
    """The report as the office would file it; `figures` from figures.gather()."""
    document = new_document(report.subject)
    _head(document, report)
    _paragraphs(document, texts.opening(report), fallback="")

    heading(document, "I. KẾT QUẢ THỰC HIỆN")
    heading(document, "1. Công tác chỉ đạo, tổ chức triển khai")
    _paragraphs(document, report.organisation)
    _commitments(document, figures)
    _initiatives(document, figures)
    _rounds(document, figures)
    _surveys(document, figures)
    heading(document, "6. Công tác theo dõi, đôn đốc")
    body(document, texts.reminder_line(figures))
    _commendations(document, figures)

    heading(document, "II. ĐÁNH GIÁ CHUNG")
    heading(document, "1. Ưu điểm")
    _paragraphs(document, report.strengths)
    heading(document, "2. Hạn chế, tồn tại và nguyên nhân")
    _paragraphs(document, report.weaknesses)
    if report.is_final:
        heading(document, "3. Bài học kinh nghiệm")
        _paragraphs(document, report.lessons)
    heading(document, texts.next_heading(report))
    _paragraphs(document, report.next_steps)
    heading(document, "IV. ĐỀ XUẤT, KIẾN NGHỊ")
    _paragraphs(document, report.proposals)
    body(document, texts.ending(report))

    closing(
        document,
        [line.strip() for line in report.recipients.splitlines() if line.strip()],
        [line.strip().upper() for line in report.signer_title.splitlines() if line.strip()],
        report.signer_name,
    )
    return to_bytes(document)
