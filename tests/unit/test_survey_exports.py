"""The survey responses table: columns by kind, CSV and XLSX, anonymity, bounded queries."""

import csv
import io
import unicodedata
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models.surveys import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
    SurveySection,
    SurveyStatus,
    new_response_id,
)
from app.surveys import answering, services
from app.surveys.exports import columns, iter_csv, responses_xlsx
from tests.factories import make_campaign, make_unit, make_user
from tests.initiative_helpers import make_officer

K = QuestionKind
FORMULA = '=HYPERLINK("http://example.com","Bấm vào đây")'
OPENS = datetime(2026, 3, 1, tzinfo=UTC)
CLOSES = datetime(2026, 4, 1, tzinfo=UTC)
PERSON_HEADERS = {"Họ và tên", "Đơn vị"}

# (kind, text, options, knowledge: index of the correct option)
QUESTIONS = (
    (K.SINGLE, "Đồng chí biết Luật qua kênh nào?", ("Báo chí", "Hội nghị"), None),
    (K.MULTIPLE, "Hình thức khen thưởng đã nhận", ("Giấy khen", "Bằng khen", "Chiến sĩ"), None),
    (K.LIKERT, "Mức độ đồng ý", ("Phong trào thiết thực", "Khen thưởng kịp thời"), None),
    (K.RATING, "Đánh giá chung", (), None),
    (K.YES_NO, "Đã đăng ký thi đua?", (), None),
    (K.SHORT_TEXT, "Góp ý", (), None),
    (K.NUMBER, "Số giờ học tập", (), None),
    (K.DATE, "Ngày đăng ký", (), None),
    (K.DROPDOWN, "Luật Thi đua, khen thưởng hiện hành ban hành năm nào?", ("2003", "2022"), 1),
)


def make_survey(is_anonymous: bool = True) -> Survey:
    """A published survey with one question of each kind above, loaded as the exports get it."""
    officer = make_officer()
    survey = Survey(
        campaign_id=make_campaign().id,
        title="Khảo sát nhận thức về thi đua",
        opens_at=OPENS,
        closes_at=CLOSES,
        is_anonymous=is_anonymous,
        status=SurveyStatus.PUBLISHED,
        created_by_id=officer.id,
    )
    section = SurveySection(survey=survey, position=1, title="Phần 1")
    db.session.add_all([survey, section])
    db.session.flush()  # the section's id: a question keeps it (its relationship only reads)
    for position, (kind, text, options, correct) in enumerate(QUESTIONS, start=1):
        question = SurveyQuestion(
            survey=survey,
            section_id=section.id,
            position=position,
            kind=kind,
            text=text,
            is_knowledge=correct is not None,
            scale_max=5 if kind == K.RATING else None,
        )
        question.options = [
            SurveyOption(text=option, position=index, is_correct=index == correct)
            for index, option in enumerate(options)
        ]
        db.session.add(question)
    db.session.commit()
    return services.load(survey.id)


def by_kind(survey: Survey) -> dict[str, SurveyQuestion]:
    return {question.kind: question for question in survey.questions}


def add_response(survey, user=None, day=date(2026, 3, 10), full=True) -> str:
    """A response written as submit writes it; `full` answers everything (the knowledge question
    right), otherwise a few questions differently (the knowledge question wrong)."""
    survey = services.load(survey.id)  # an earlier commit expired its questions
    q = by_kind(survey)
    response_id = new_response_id()
    db.session.add(
        SurveyResponse(
            id=response_id,
            survey_id=survey.id,
            user_id=None if survey.is_anonymous or user is None else user.id,
            submitted_on=day,
            knowledge_correct=1 if full else 0,
            knowledge_total=1,
        )
    )
    # SurveyAnswer has no relationship to SurveyResponse, so only a flush orders the inserts.
    db.session.flush()
    single, multiple, likert = q[K.SINGLE].options, q[K.MULTIPLE].options, q[K.LIKERT].options
    dropdown = q[K.DROPDOWN].options
    if full:
        rows = [
            (q[K.SINGLE], {"item": single[0].id, "option_id": single[0].id}),
            (q[K.MULTIPLE], {"item": multiple[0].id, "option_id": multiple[0].id}),
            (q[K.MULTIPLE], {"item": multiple[2].id, "option_id": multiple[2].id}),
            (q[K.LIKERT], {"item": likert[0].id, "option_id": likert[0].id, "number_value": 4}),
            (q[K.LIKERT], {"item": likert[1].id, "option_id": likert[1].id, "number_value": 2}),
            (q[K.RATING], {"number_value": 5.0}),
            (q[K.YES_NO], {"text_value": "yes"}),
            (q[K.SHORT_TEXT], {"text_value": FORMULA}),
            (q[K.NUMBER], {"number_value": 12.5}),
            (q[K.DATE], {"date_value": date(2026, 3, 2)}),
            (q[K.DROPDOWN], {"item": dropdown[1].id, "option_id": dropdown[1].id}),
        ]
    else:
        rows = [
            (q[K.SINGLE], {"item": single[1].id, "option_id": single[1].id}),
            (q[K.MULTIPLE], {"item": multiple[1].id, "option_id": multiple[1].id}),
            (q[K.RATING], {"number_value": 3.0}),
            (q[K.YES_NO], {"text_value": "no"}),
            (q[K.NUMBER], {"number_value": 7.0}),
            (q[K.DROPDOWN], {"item": dropdown[0].id, "option_id": dropdown[0].id}),
        ]
    for question, values in rows:
        db.session.add(SurveyAnswer(response_id=response_id, question_id=question.id, **values))
    db.session.commit()
    return response_id


def read_csv(survey, **kwargs) -> tuple[list[str], list[dict[str, str]]]:
    text = "".join(iter_csv(survey, **kwargs))
    assert text.startswith("\ufeff")
    body = text.encode("utf-8").decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(body, newline="")))
    headers, rows = table[0], table[1:]
    assert all(len(row) == len(headers) for row in rows)
    return headers, [dict(zip(headers, row, strict=True)) for row in rows]


def read_xlsx(data: bytes):
    with io.BytesIO(data) as buffer:
        workbook = load_workbook(buffer)
    return workbook


def as_csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(value).replace(".", ",")
    return str(value)


@pytest.fixture
def named(app):
    unit = make_unit("Phòng Tổng hợp")
    person = make_user(full_name="Trần Thị Hồng Nhung", unit=unit)
    survey = make_survey(is_anonymous=False)
    add_response(survey, person, day=date(2026, 3, 10))
    add_response(survey, make_user(full_name="Lê Văn Đức"), day=date(2026, 3, 11), full=False)
    return services.load(survey.id)


@pytest.fixture
def anonymous(app):
    survey = make_survey(is_anonymous=True)
    ids = [
        add_response(survey, day=date(2026, 3, 10)),
        add_response(survey, day=date(2026, 3, 11), full=False),
    ]
    return services.load(survey.id), ids


def test_csv_of_responses_has_a_column_per_kind_read_as_a_person_reads_it(anonymous):
    survey, _ids = anonymous
    headers, rows = read_csv(survey)

    assert headers[:2] == ["STT", "Ngày trả lời"]
    assert headers[-1] == "Điểm kiến thức"
    assert all(unicodedata.is_normalized("NFC", header) for header in headers)
    assert "Câu 1. Đồng chí biết Luật qua kênh nào?" in headers
    first, second = rows
    assert [first["STT"], second["STT"]] == ["1", "2"]
    assert first["Ngày trả lời"] == "10/03/2026"
    assert first["Câu 1. Đồng chí biết Luật qua kênh nào?"] == "Báo chí"
    assert second["Câu 1. Đồng chí biết Luật qua kênh nào?"] == "Hội nghị"
    multiple = "Câu 2. Hình thức khen thưởng đã nhận — "
    assert [first[multiple + o] for o in ("Giấy khen", "Bằng khen", "Chiến sĩ")] == ["x", "", "x"]
    assert [second[multiple + o] for o in ("Giấy khen", "Bằng khen", "Chiến sĩ")] == ["", "x", ""]
    assert first["Câu 3. Mức độ đồng ý — Phong trào thiết thực"] == "4"
    assert first["Câu 3. Mức độ đồng ý — Khen thưởng kịp thời"] == "2"
    assert second["Câu 3. Mức độ đồng ý — Khen thưởng kịp thời"] == ""
    assert [first["Câu 4. Đánh giá chung"], second["Câu 4. Đánh giá chung"]] == ["5", "3"]
    assert [first["Câu 5. Đã đăng ký thi đua?"], second["Câu 5. Đã đăng ký thi đua?"]] == [
        "Có",
        "Không",
    ]
    assert first["Câu 6. Góp ý"] == "'" + FORMULA
    assert [first["Câu 7. Số giờ học tập"], second["Câu 7. Số giờ học tập"]] == ["12,5", "7"]
    assert [first["Câu 8. Ngày đăng ký"], second["Câu 8. Ngày đăng ký"]] == ["02/03/2026", ""]
    knowledge = "Câu 9. Luật Thi đua, khen thưởng hiện hành ban hành năm nào?"
    assert [first[knowledge], second[knowledge]] == ["2022", "2003"]
    assert [first["Điểm kiến thức"], second["Điểm kiến thức"]] == ["1/1", "0/1"]


def test_csv_of_anonymous_survey_identifies_nobody(anonymous):
    survey, response_ids = anonymous
    headers, rows = read_csv(survey)

    assert not PERSON_HEADERS & set(headers)
    assert len(headers) == len(columns(survey))
    cells = {cell for row in rows for cell in row.values()}
    assert not cells & set(response_ids)
    assert not any(response_id in cell for cell in cells for response_id in response_ids)


def test_csv_of_named_survey_shows_each_person_and_unit(named):
    headers, rows = read_csv(named)

    assert headers[:4] == ["STT", "Ngày trả lời", "Họ và tên", "Đơn vị"]
    assert [(row["Họ và tên"], row["Đơn vị"]) for row in rows] == [
        ("Trần Thị Hồng Nhung", "Phòng Tổng hợp"),
        ("Lê Văn Đức", ""),
    ]


def test_survey_without_knowledge_question_has_no_score_column(app):
    survey = make_survey()
    question = by_kind(survey)[K.DROPDOWN]
    question.is_knowledge = False
    db.session.commit()

    headers = [column.header for column in columns(services.load(survey.id))]

    assert "Điểm kiến thức" not in headers


def test_xlsx_of_responses_holds_the_csv_table_with_numbers_as_numbers(named):
    headers, rows = read_csv(named)

    workbook = read_xlsx(responses_xlsx(named))

    assert workbook.sheetnames == ["Câu trả lời"]
    assert workbook.properties.language == "vi-VN"
    sheet = workbook["Câu trả lời"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b and cell.alignment.wrap_text for cell in sheet[1])
    assert sheet.column_dimensions["C"].width == 28
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == headers
    table = [dict(zip(headers, row, strict=True)) for row in values[1:]]
    assert [{k: as_csv_text(v) for k, v in row.items()} for row in table] == rows
    first = table[0]
    assert first["Câu 7. Số giờ học tập"] == 12.5
    assert first["Câu 3. Mức độ đồng ý — Phong trào thiết thực"] == 4
    assert first["Câu 6. Góp ý"] == "'" + FORMULA
    assert sheet.cell(2, headers.index("Câu 6. Góp ý") + 1).data_type == "s"
    assert first["Họ và tên"] == "Trần Thị Hồng Nhung"


def test_xlsx_of_anonymous_survey_identifies_nobody(anonymous):
    survey, response_ids = anonymous

    workbook = read_xlsx(responses_xlsx(survey))

    values = list(workbook["Câu trả lời"].iter_rows(values_only=True))
    assert not PERSON_HEADERS & set(values[0])
    assert not {cell for row in values for cell in row} & set(response_ids)


def test_export_reads_what_submission_stores(app):
    person = make_user(full_name="Phạm Minh Anh", unit=make_unit("Phòng Quản trị"))
    survey = make_survey(is_anonymous=False)
    q = by_kind(survey)
    form = MultiDict(
        [
            (answering.field_name(q[K.SINGLE]), str(q[K.SINGLE].options[1].id)),
            (answering.field_name(q[K.MULTIPLE]), str(q[K.MULTIPLE].options[0].id)),
            (answering.field_name(q[K.MULTIPLE]), str(q[K.MULTIPLE].options[1].id)),
            (answering.field_name(q[K.LIKERT], q[K.LIKERT].options[1].id), "5"),
            (answering.field_name(q[K.RATING]), "4"),
            (answering.field_name(q[K.YES_NO]), "no"),
            (answering.field_name(q[K.SHORT_TEXT]), "-1 ý kiến"),
            (answering.field_name(q[K.NUMBER]), "3,25"),
            (answering.field_name(q[K.DATE]), "15/03/2026"),
            (answering.field_name(q[K.DROPDOWN]), str(q[K.DROPDOWN].options[1].id)),
        ]
    )
    now = datetime(2026, 3, 20, 9, 30, tzinfo=UTC)
    page = answering.read_page(answering.pages(survey)[0][1], form, {})
    assert not page.errors
    answering.save_page(survey, person, None, 0, page, now)
    answering.submit(services.load(survey.id), person, None, now)

    _headers, rows = read_csv(services.load(survey.id))

    (row,) = rows
    multiple = "Câu 2. Hình thức khen thưởng đã nhận — "
    assert row["Ngày trả lời"] == "20/03/2026"
    assert (row["Họ và tên"], row["Đơn vị"]) == ("Phạm Minh Anh", "Phòng Quản trị")
    assert row["Câu 1. Đồng chí biết Luật qua kênh nào?"] == "Hội nghị"
    assert [row[multiple + o] for o in ("Giấy khen", "Bằng khen", "Chiến sĩ")] == ["x", "x", ""]
    assert row["Câu 3. Mức độ đồng ý — Phong trào thiết thực"] == ""
    assert row["Câu 3. Mức độ đồng ý — Khen thưởng kịp thời"] == "5"
    assert row["Câu 4. Đánh giá chung"] == "4"
    assert row["Câu 5. Đã đăng ký thi đua?"] == "Không"
    assert row["Câu 6. Góp ý"] == "'-1 ý kiến"
    assert row["Câu 7. Số giờ học tập"] == "3,25"
    assert row["Câu 8. Ngày đăng ký"] == "15/03/2026"
    assert row["Điểm kiến thức"] == "1/1"


def add_many(survey, count: int) -> None:
    """`count` responses with a few answers each, inserted in bulk."""
    q = by_kind(services.load(survey.id))
    option = q[K.MULTIPLE].options[1].id
    responses, answers = [], []
    for n in range(count):
        response_id = new_response_id()
        responses.append(
            {
                "id": response_id,
                "survey_id": survey.id,
                "submitted_on": date(2026, 3, 2 + n % 20),
                "knowledge_correct": n % 2,
                "knowledge_total": 1,
            }
        )
        answers += [
            {
                "response_id": response_id,
                "question_id": q[K.MULTIPLE].id,
                "item": option,
                "option_id": option,
            },
            {"response_id": response_id, "question_id": q[K.NUMBER].id, "number_value": n / 2},
        ]
    db.session.execute(insert(SurveyResponse), responses)
    db.session.execute(insert(SurveyAnswer), answers)
    db.session.commit()


def test_csv_of_many_responses_runs_the_same_queries_per_batch(app, count_queries):
    survey = make_survey(is_anonymous=False)
    add_many(survey, 30)
    survey = services.load(survey.id)
    with count_queries() as few:
        _headers, few_rows = read_csv(survey, batch_size=10)
    add_many(survey, 270)
    survey = services.load(survey.id)

    with count_queries() as many:
        _headers, many_rows = read_csv(survey, batch_size=100)

    assert (len(few_rows), len(many_rows)) == (30, 300)
    assert len(many) == len(few) <= 2 * 3 + 1
    # The batches neither skip nor repeat a response.
    numbers = sorted(float(row["Câu 7. Số giờ học tập"].replace(",", ".")) for row in many_rows)
    assert numbers == sorted([n / 2 for n in range(30)] + [n / 2 for n in range(270)])
    assert [row["STT"] for row in many_rows] == [str(n) for n in range(1, 301)]


def test_xlsx_of_many_responses_runs_the_same_queries_per_batch(app, count_queries):
    survey = make_survey()
    add_many(survey, 30)
    survey = services.load(survey.id)
    with count_queries() as few:
        responses_xlsx(survey, batch_size=10)
    add_many(survey, 270)
    survey = services.load(survey.id)

    with count_queries() as many:
        data = responses_xlsx(survey, batch_size=100)

    assert len(many) == len(few) <= 2 * 3 + 1
    assert read_xlsx(data)["Câu trả lời"].max_row == 301
