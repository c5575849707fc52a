"""The survey results report (DOCX): an NĐ 30 document whose figures are the summary's, with
Vietnamese number formats, hidden small groups and nobody's name in an anonymous survey."""

import io
import zipfile
from datetime import date

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docx.table import Table

from app.documents import AGENCY, MOTTO, number_text, percent_text
from app.models.surveys import QuestionKind
from app.surveys import results, services
from app.surveys.summary_docx import summary_docx
from app.web.filters import format_date
from tests.factories import make_campaign, make_unit, make_user
from tests.initiative_helpers import make_officer
from tests.survey_helpers import answer_all, make_survey, question

K = QuestionKind
TODAY = date(2026, 3, 5)
NAMES = ("Trần Thị Hồng Nhung", "Lê Văn Đức", "Phạm Minh Anh")
SECRET_TEXT = "Ý kiến riêng của chị Nhung ở tầng 3"
SINGLE = "Kế hoạch thực hiện văn bản nào?"


def answers(single: str, rating: str, yes_no: str, **more) -> dict:
    values = {SINGLE: single, "Đánh giá chung": rating, "Đã được phổ biến Kế hoạch?": yes_no}
    values.update(more)
    return values


FIRST = answers(
    "Kế hoạch 146",
    "4",
    "yes",
    **{
        "Những nội dung nào thuộc Phong trào?": ["Hạ tầng số", "Chuyển đổi xanh"],
        "Anh/chị công tác ở khối nào?": "Trung tâm",
        "Mức độ đồng ý": {"Phong trào thiết thực": 4, "Khen thưởng kịp thời": 5},
        "Lĩnh vực sáng kiến": SECRET_TEXT,
        "Số lớp tập huấn đã dự": "12,5",
        "Ngày đăng ký thi đua": "15/03/2026",
    },
)
SECOND = answers("Chỉ thị 27", "5", "no", **{"Mức độ đồng ý": {"Phong trào thiết thực": 2}})
THIRD = answers("Kế hoạch 146", "5", "yes", **{"Số lớp tập huấn đã dự": "3"})


def answered_survey(is_anonymous: bool = True):
    """A survey of every kind answered by three people of one unit: (survey, summary, data)."""
    unit = make_unit("Phòng Tổng hợp")
    people = [make_user(full_name=name, unit=unit) for name in NAMES]
    survey = make_survey(make_campaign(), make_officer(), is_anonymous=is_anonymous)
    for person, values in zip(people, (FIRST, SECOND, THIRD), strict=True):
        answer_all(survey, person, values)
    survey = services.load(survey.id)
    summary = results.summary(survey)
    return survey, summary, summary_docx(survey, summary, TODAY)


def read(data: bytes):
    with io.BytesIO(data) as buffer:
        return docx.Document(buffer)


def cells(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += ["\n".join(row) for row in cells(table)]
    return "\n".join(parts)


def table_of(document, heading: str) -> list[list[str]]:
    """The cells of the first table after the paragraph that reads `heading`."""
    seen = False
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            if seen:
                return cells(block)
        elif block.text == heading:
            seen = True
    raise AssertionError(f"no table after {heading!r}")


@pytest.fixture
def anonymous(app):
    return answered_survey(is_anonymous=True)


def test_number_and_percent_texts_use_the_vietnamese_decimal_comma():
    assert [percent_text(s) for s in (1 / 3, 2 / 3, 0.5, 1, 0, None)] == [
        "33,3%",
        "66,7%",
        "50%",
        "100%",
        "0%",
        "—",
    ]
    assert [number_text(v) for v in (4.0, 14 / 3, 12.5, 1234.5, 2500, None)] == [
        "4",
        "4,67",
        "12,5",
        "1.234,5",
        "2.500",
        "—",
    ]


def test_summary_docx_is_an_nd30_document(anonymous):
    survey, _summary, data = anonymous

    document = read(data)

    section = document.sections[0]

    def close(a, b) -> bool:
        return abs(a - b) < Mm(0.5)

    assert close(section.page_width, Mm(210)) and close(section.page_height, Mm(297))
    assert Mm(20) - Mm(0.5) <= section.top_margin <= Mm(25) + Mm(0.5)
    assert Mm(20) - Mm(0.5) <= section.bottom_margin <= Mm(25) + Mm(0.5)
    assert Mm(30) - Mm(0.5) <= section.left_margin <= Mm(35) + Mm(0.5)
    assert Mm(15) - Mm(0.5) <= section.right_margin <= Mm(20) + Mm(0.5)
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert Pt(13) <= normal.font.size <= Pt(14)
    runs = [run for p in document.paragraphs for run in p.runs]
    runs += [
        run
        for table in document.tables
        for row in table.rows
        for cell in row.cells
        for p in cell.paragraphs
        for run in p.runs
    ]
    assert {run.font.name for run in runs} <= {None, "Times New Roman"}
    # 11 and 12 pt only in "Nơi nhận", as NĐ 30 sets it.
    assert all(Pt(11) <= run.font.size <= Pt(14) for run in runs if run.font.size)
    body = [run.font.size for p in document.paragraphs for run in p.runs if run.font.size]
    assert body and all(Pt(13) <= size <= Pt(14) for size in body)

    left, right = (cell.text for cell in document.tables[0].rows[0].cells)
    assert left.splitlines() == list(AGENCY)
    assert right.splitlines() == list(MOTTO)
    assert document.tables[1].rows[0].cells[1].text == "Đắk Lắk, ngày 05 tháng 3 năm 2026"
    texts = [p.text for p in document.paragraphs]
    title = texts.index("BÁO CÁO KẾT QUẢ KHẢO SÁT")
    assert texts[title + 1] == survey.title
    heading = document.paragraphs[title]
    assert heading.runs[0].bold and heading.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert document.core_properties.language == "vi-VN"


def test_summary_docx_reports_the_summarys_figures(anonymous):
    survey, summary, data = anonymous
    assert (summary.responses, summary.answered, summary.audience) == (3, 3, 4)
    assert summary.index == pytest.approx(0.5)

    document = read(data)

    text = all_text(document)
    period = f"từ ngày {format_date(survey.opens_at)} đến ngày {format_date(survey.closes_at)}"
    assert period in text
    assert "theo hình thức ẩn danh" in text
    assert "- Số phiếu trả lời: 3 phiếu." in text
    assert "- Tỷ lệ trả lời: 3/4 người được khảo sát đã trả lời, đạt 75%." in text
    assert "- Chỉ số nhận thức: 50%" in text

    single = summary.questions[0]
    assert [(o.text, o.count) for o in single.options] == [("Kế hoạch 146", 2), ("Chỉ thị 27", 1)]
    assert table_of(document, f"Câu 1. {SINGLE}") == [
        ["Phương án", "Số lượng", "Tỷ lệ"],
        ["Kế hoạch 146 (đáp án đúng)", "2", "66,7%"],
        ["Chỉ thị 27", "1", "33,3%"],
    ]
    assert "Tỷ lệ trả lời đúng: 66,7%." in text
    assert table_of(document, "Câu 2. Những nội dung nào thuộc Phong trào?")[1:] == [
        ["Hạ tầng số (đáp án đúng)", "1", "100%"],
        ["Chuyển đổi xanh (đáp án đúng)", "1", "100%"],
        ["Du lịch", "0", "0%"],
    ]
    assert table_of(document, "Câu 3. Anh/chị công tác ở khối nào?")[1:] == [
        ["Phòng chuyên môn", "0", "0%"],
        ["Trung tâm", "1", "100%"],
    ]
    assert table_of(document, "Câu 4. Mức độ đồng ý") == [
        ["Nội dung", "1", "2", "3", "4", "5", "Điểm TB"],
        ["Phong trào thiết thực", "0", "1", "0", "1", "0", "3"],
        ["Khen thưởng kịp thời", "0", "0", "0", "0", "1", "5"],
    ]
    assert table_of(document, "Câu 5. Đánh giá chung")[1:] == [
        ["1", "0", "0%"],
        ["2", "0", "0%"],
        ["3", "0", "0%"],
        ["4", "1", "33,3%"],
        ["5", "2", "66,7%"],
    ]
    assert summary.questions[4].mean == pytest.approx(14 / 3)
    assert "Điểm trung bình: 4,67 (thang 1–5)." in text
    assert table_of(document, "Câu 6. Đã được phổ biến Kế hoạch?") == [
        ["Trả lời", "Số lượng", "Tỷ lệ"],
        ["Có", "2", "66,7%"],
        ["Không", "1", "33,3%"],
    ]
    assert "Số câu trả lời: 1. Xem chi tiết trong tệp dữ liệu." in text
    assert table_of(document, "Câu 9. Số lớp tập huấn đã dự") == [
        ["Giá trị trung bình", "Giá trị nhỏ nhất", "Giá trị lớn nhất"],
        ["7,75", "3", "12,5"],
    ]
    assert "Số câu trả lời: 0." in text  # Câu 8, unanswered: nothing to look up
    texts = [p.text for p in document.paragraphs]
    date_question = texts.index("Câu 10. Ngày đăng ký thi đua")
    assert texts[date_question + 1] == "Số câu trả lời: 1. Xem chi tiết trong tệp dữ liệu."


def test_summary_docx_of_anonymous_survey_hides_small_units_and_names_nobody(anonymous):
    _survey, summary, data = anonymous
    assert ("Phòng Tổng hợp", 3, None, None) in summary.units

    document = read(data)

    table = table_of(document, "II. TỶ LỆ TRẢ LỜI THEO ĐƠN VỊ")
    assert table[0] == [
        "STT",
        "Đơn vị",
        "Số người được khảo sát",
        "Số người đã trả lời",
        "Tỷ lệ trả lời",
    ]
    assert ["1", "Phòng Tổng hợp", "3", "< 5", "—"] in table
    assert table[-1] == ["", "Tổng cộng", "4", "3", "75%"]
    with io.BytesIO(data) as buffer, zipfile.ZipFile(buffer) as archive:
        parts = [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    for secret in (*NAMES, SECRET_TEXT):
        assert not any(secret in part for part in parts), secret


def test_summary_docx_of_anonymous_survey_shows_a_unit_of_five(app):
    big, small = make_unit("Phòng Tổng hợp"), make_unit("Phòng Quản trị")
    people = [make_user(unit=big) for _n in range(5)] + [make_user(unit=small)]
    survey = make_survey(make_campaign(), make_officer())
    for person in people:
        answer_all(survey, person, {SINGLE: "Kế hoạch 146"})
    survey = services.load(survey.id)

    document = read(summary_docx(survey, results.summary(survey), TODAY))

    rows = [row for table in document.tables for row in cells(table)]
    assert ["2", "Phòng Tổng hợp", "5", "5", "100%"] in rows
    assert ["1", "Phòng Quản trị", "1", "< 5", "—"] in rows


def test_summary_docx_of_named_survey_shows_each_units_count(app):
    _survey, _summary, data = answered_survey(is_anonymous=False)

    document = read(data)

    text = all_text(document)
    assert "theo hình thức có ghi tên người trả lời" in text
    assert "< 5" not in text
    rows = [row for table in document.tables for row in cells(table)]
    assert ["1", "Phòng Tổng hợp", "3", "3", "100%", "—"] in rows
    assert not any(name in text for name in NAMES)


def test_summary_docx_without_knowledge_questions_has_no_awareness_index(app):
    likert = question(K.LIKERT, "Mức độ đồng ý", ("Phong trào thiết thực",))
    survey = make_survey(make_campaign(), make_officer(), questions=(likert,))
    answer_all(survey, make_user(), {"Mức độ đồng ý": {"Phong trào thiết thực": 4}})
    survey = services.load(survey.id)
    summary = results.summary(survey)
    assert summary.index is None

    text = all_text(read(summary_docx(survey, summary, TODAY)))

    assert "Chỉ số nhận thức" not in text
    assert "(đáp án đúng)" not in text
    assert "- Số phiếu trả lời: 1 phiếu." in text
