"""Báo cáo kết quả khảo sát: a survey's results as a DOCX laid out per Nghị định 30/2020/NĐ-CP
(app/documents.py): the period, anonymity, responses and response rate, the awareness index,
the response rate by unit, then each question's figures. It is built from results.summary()
alone, so it holds nothing the results page does not show: no respondent, no text answer, and
an anonymous survey's unit under MIN_GROUP respondents reads "< 5".

Its fixed texts are Vietnamese whatever the interface language: they are the document's format.
"""

from datetime import date

from docx.enum.text import WD_ALIGN_PARAGRAPH

from app.documents import (
    CENTER,
    agency_header,
    body,
    closing,
    data_table,
    heading,
    labelled,
    new_document,
    number_text,
    para,
    percent_text,
    place_date,
    to_bytes,
    two_columns,
)
from app.models.surveys import CHOICE_KINDS, QuestionKind, Survey
from app.surveys.results import MIN_GROUP, QuestionResult, Summary
from app.web.filters import format_date

K = QuestionKind
TITLE = "BÁO CÁO KẾT QUẢ KHẢO SÁT"
LIKERT_TEXT = (
    "Hoàn toàn không đồng ý",
    "Không đồng ý",
    "Phân vân",
    "Đồng ý",
    "Hoàn toàn đồng ý",
)
YES_NO_TEXT = {"yes": "Có", "no": "Không"}
CORRECT = "(đáp án đúng)"
HIDDEN = f"< {MIN_GROUP}"
NO_UNIT = "Không thuộc đơn vị nào"
SEE_DATA = "Xem chi tiết trong tệp dữ liệu."
TABLE_SIZE = 13
LEFT, RIGHT = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT


def _rate(done: int, size: int) -> str:
    return percent_text(done / size) if size else "—"


def _period(survey: Survey) -> str:
    return f"từ ngày {format_date(survey.opens_at)} đến ngày {format_date(survey.closes_at)}"


def _addressed_to(survey: Survey) -> str:
    if survey.is_open_to_all:
        return "toàn thể cán bộ, công chức, viên chức và người lao động"
    names = ", ".join(unit.name for unit in survey.units)
    return f"cán bộ, công chức, viên chức và người lao động của {names}"


def _general(document, survey: Survey, summary: Summary) -> None:
    heading(document, "I. THÔNG TIN CHUNG")
    form = (
        "ẩn danh (phiếu trả lời không ghi tên, đơn vị của người trả lời)"
        if survey.is_anonymous
        else "có ghi tên người trả lời"
    )
    body(
        document,
        f"Khảo sát được thực hiện trực tuyến {_period(survey)}, theo hình thức {form}; "
        f"đối tượng khảo sát: {_addressed_to(survey)}.",
    )
    labelled(document, "- Số phiếu trả lời", f"{number_text(summary.responses)} phiếu.")
    labelled(
        document,
        "- Tỷ lệ trả lời",
        f"{number_text(summary.answered)}/{number_text(summary.audience)} người được khảo sát "
        f"đã trả lời, đạt {_rate(summary.answered, summary.audience)}.",
    )
    if summary.index is not None:
        labelled(
            document,
            "- Chỉ số nhận thức",
            f"{percent_text(summary.index)} (tỷ lệ trung bình trả lời đúng các câu hỏi "
            "kiến thức trên mỗi phiếu).",
        )


def _units(document, survey: Survey, summary: Summary) -> None:
    heading(document, "II. TỶ LỆ TRẢ LỜI THEO ĐƠN VỊ")
    if survey.is_anonymous:
        body(
            document,
            f"Khảo sát ẩn danh: đơn vị có dưới {MIN_GROUP} người trả lời được ghi “{HIDDEN}” "
            "để không thể nhận biết người trả lời; câu trả lời không được tổng hợp theo "
            "đơn vị.",
            italic=True,
        )
    if not summary.units:
        body(document, "Khảo sát chưa có người được khảo sát.")
        return
    with_index = not survey.is_anonymous and summary.index is not None
    headers = ["STT", "Đơn vị", "Số người được khảo sát", "Số người đã trả lời", "Tỷ lệ trả lời"]
    widths = [12, 71, 28, 28, 26]
    if with_index:
        headers.append("Chỉ số nhận thức")
        widths = [12, 55, 25, 25, 22, 26]
    rows = []
    for number, (name, size, done, index) in enumerate(summary.units, start=1):
        row = [
            str(number),
            name or NO_UNIT,
            number_text(size),
            HIDDEN if done is None else number_text(done),
            "—" if done is None else _rate(done, size),
        ]
        if with_index:
            row.append(percent_text(index))
        rows.append(row)
    total = [
        "",
        "Tổng cộng",
        number_text(summary.audience),
        number_text(summary.answered),
        _rate(summary.answered, summary.audience),
    ]
    if with_index:
        total.append(percent_text(summary.index))
    data_table(
        document,
        headers,
        [*rows, total],
        widths,
        size=TABLE_SIZE,
        aligns=[CENTER, LEFT, *(RIGHT for _h in headers[2:])],
        bold_last_row=True,
    )
    para(document, space_after=0)


def _counts_table(document, label: str, rows: list[tuple[str, int]], answered: int) -> None:
    data_table(
        document,
        [label, "Số lượng", "Tỷ lệ"],
        [[text, number_text(count), _rate(count, answered)] for text, count in rows],
        [105, 30, 30],
        size=TABLE_SIZE,
        aligns=[LEFT, RIGHT, RIGHT],
    )


def _choice(document, result: QuestionResult) -> None:
    data_table(
        document,
        ["Phương án", "Số lượng", "Tỷ lệ"],
        [
            [
                f"{option.text} {CORRECT}" if option.is_correct else option.text,
                number_text(option.count),
                percent_text(option.share),
            ]
            for option in result.options
        ],
        [105, 30, 30],
        size=TABLE_SIZE,
        aligns=[LEFT, RIGHT, RIGHT],
    )
    if result.question.kind == K.MULTIPLE:
        body(
            document,
            "(Câu hỏi chọn nhiều phương án: tỷ lệ tính trên số người trả lời câu hỏi.)",
            italic=True,
            space_after=0,
        )
    if result.correct_share is not None:
        labelled(document, "Tỷ lệ trả lời đúng", f"{percent_text(result.correct_share)}.")


def _likert(document, result: QuestionResult) -> None:
    legend = "; ".join(f"{point} – {text}" for point, text in enumerate(LIKERT_TEXT, start=1))
    body(document, f"Mức độ: {legend}.", italic=True, space_after=3)
    data_table(
        document,
        ["Nội dung", *(str(point) for point in range(1, 6)), "Điểm TB"],
        [
            [statement.text, *(number_text(count) for count in per_point), number_text(mean)]
            for statement, per_point, _total, mean in result.statements
        ],
        [75, 14, 14, 14, 14, 14, 20],
        size=TABLE_SIZE,
        aligns=[LEFT, *(RIGHT for _p in range(6))],
    )


def _rating(document, result: QuestionResult) -> None:
    _counts_table(
        document,
        "Mức điểm",
        [(str(point), count) for point, count in result.points],
        result.answered,
    )
    low = result.points[0][0] if result.points else 1
    high = result.points[-1][0] if result.points else 5
    labelled(document, "Điểm trung bình", f"{number_text(result.mean)} (thang {low}–{high}).")


def _number(document, result: QuestionResult) -> None:
    data_table(
        document,
        ["Giá trị trung bình", "Giá trị nhỏ nhất", "Giá trị lớn nhất"],
        [[number_text(result.mean), number_text(result.minimum), number_text(result.maximum)]],
        [55, 55, 55],
        size=TABLE_SIZE,
        aligns=[RIGHT, RIGHT, RIGHT],
    )


def _question(document, result: QuestionResult) -> None:
    question = result.question
    para(
        document,
        f"Câu {result.number}. {question.text}",
        bold=True,
        keep_with_next=True,
        first_line_mm=10,
    )
    kind = question.kind
    if kind in (K.SHORT_TEXT, K.LONG_TEXT, K.DATE):
        # Texts and dates are read one by one, in the responses' file.
        count = result.texts if kind != K.DATE else result.answered
        body(document, f"Số câu trả lời: {number_text(count)}." + (f" {SEE_DATA}" if count else ""))
        return
    body(
        document,
        f"Số người trả lời câu hỏi: {number_text(result.answered)}.",
        keep_with_next=True,
    )
    if kind in CHOICE_KINDS:
        _choice(document, result)
    elif kind == K.LIKERT:
        _likert(document, result)
    elif kind == K.RATING:
        _rating(document, result)
    elif kind == K.YES_NO:
        rows = [(YES_NO_TEXT[point], count) for point, count in result.points]
        _counts_table(document, "Trả lời", rows, result.answered)
    elif kind == K.NUMBER:
        _number(document, result)
    para(document, space_after=0)


def summary_docx(survey: Survey, summary: Summary, today: date) -> bytes:
    """The report of a survey's results. Needs the survey from services.load() and its
    results.summary(); `today` is the report's date."""
    document = new_document(f"{TITLE} — {survey.title}")
    agency_header(document)
    _table, _left, right = two_columns(document, 62)
    para(right, place_date(today), italic=True, align=CENTER, space_after=0)

    para(document, space_after=6)
    para(document, TITLE, bold=True, align=CENTER, space_after=0)
    para(document, survey.title, bold=True, align=CENTER, space_after=0)
    para(document, space_after=0)

    _general(document, survey, summary)
    _units(document, survey, summary)
    heading(document, "III. KẾT QUẢ THEO TỪNG CÂU HỎI")
    if not summary.questions:
        body(document, "Khảo sát không có câu hỏi.")
    for result in summary.questions:
        _question(document, result)
    body(document, f"Trên đây là kết quả khảo sát “{survey.title}”./.")
    closing(document, ["- Lãnh đạo Văn phòng;", "- Lưu: VT."], ["NGƯỜI LẬP BÁO CÁO"])
    return to_bytes(document)
