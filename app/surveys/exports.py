"""The responses of a survey as a table to download: CSV (streamed) and XLSX (write-only).

One row per submitted response, one column per question (per option of a multiple choice, per
statement of a Likert matrix), in the survey's order. A named survey shows who answered; an
anonymous one has no column that could point to a person (no name, unit, user id or response
id), and its rows follow the response's date and random id, never the order of submissions.
Headers are Vietnamese whatever the interface language: they are the document's format.

Both formats read the responses in batches (keyset on date and id) and each batch's answers in
one query, so memory and the number of queries stay bounded however many people answered.
The CSV generator needs the app context while it runs (stream_with_context in a route).
"""

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import and_, or_, select

from app.documents import cell_text
from app.extensions import db
from app.models.directory import Unit, User
from app.models.surveys import QuestionKind, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from app.surveys.services import ordered_questions
from app.web.filters import format_date

K = QuestionKind
BATCH_SIZE = 500  # responses per query; keeps "IN (...)" under SQLite's variable limit
SHEET_TITLE = "Câu trả lời"
CHOSEN = "x"
YES_NO_TEXT = {"yes": "Có", "no": "Không"}
WIDTHS = {
    K.SINGLE: 30,
    K.DROPDOWN: 30,
    K.MULTIPLE: 16,
    K.LIKERT: 16,
    K.RATING: 12,
    K.YES_NO: 12,
    K.SHORT_TEXT: 30,
    K.LONG_TEXT: 50,
    K.NUMBER: 14,
    K.DATE: 14,
}

Value = str | int | float | None


@dataclass(frozen=True)
class Row:
    """One response as the columns read it; the answers by question id."""

    number: int
    submitted_on: date
    knowledge_correct: int | None
    knowledge_total: int | None
    full_name: str | None = None
    unit_name: str | None = None
    answers: dict[int, list] = field(default_factory=dict)


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Row], Value]
    width: int = 18


# The columns ---------------------------------------------------------------------------------


def _plain_number(value: float | None) -> int | float | None:
    """12.0 reads as 12, so neither format shows a needless ",0"."""
    if value is None:
        return None
    return int(value) if value.is_integer() else value


def _first(row: Row, question_id: int):
    answers = row.answers.get(question_id)
    return answers[0] if answers else None


def _of_option(row: Row, question_id: int, option_id: int):
    return next((a for a in row.answers.get(question_id, ()) if a.option_id == option_id), None)


def _question_columns(number: int, question: SurveyQuestion) -> list[Column]:
    header = f"Câu {number}. {question.text}"
    width = WIDTHS.get(question.kind, 30)
    qid = question.id
    kind = question.kind
    if kind == K.MULTIPLE:
        return [
            Column(
                f"{header} — {option.text}",
                lambda row, oid=option.id: CHOSEN if _of_option(row, qid, oid) else "",
                width,
            )
            for option in question.options
        ]
    if kind == K.LIKERT:
        return [
            Column(
                f"{header} — {statement.text}",
                lambda row, sid=statement.id: _plain_number(
                    getattr(_of_option(row, qid, sid), "number_value", None)
                ),
                width,
            )
            for statement in question.options
        ]
    if kind in (K.SINGLE, K.DROPDOWN):
        texts = {option.id: option.text for option in question.options}

        def read(row: Row) -> Value:
            answer = _first(row, qid)
            return texts.get(answer.option_id, "") if answer else ""

    elif kind in (K.RATING, K.NUMBER):

        def read(row: Row) -> Value:
            answer = _first(row, qid)
            return _plain_number(answer.number_value) if answer else None

    elif kind == K.YES_NO:

        def read(row: Row) -> Value:
            answer = _first(row, qid)
            return YES_NO_TEXT.get(answer.text_value, "") if answer else ""

    elif kind == K.DATE:

        def read(row: Row) -> Value:
            answer = _first(row, qid)
            return format_date(answer.date_value) if answer else ""

    else:

        def read(row: Row) -> Value:
            answer = _first(row, qid)
            return (answer.text_value or "") if answer else ""

    return [Column(header, read, width)]


def _score(row: Row) -> str:
    if row.knowledge_total is None:
        return ""
    return f"{row.knowledge_correct or 0}/{row.knowledge_total}"


def columns(survey: Survey) -> list[Column]:
    """The table's columns, in the survey's order. The survey comes from services.load (its
    sections, questions and options loaded)."""
    result = [
        Column("STT", lambda row: row.number, 6),
        Column("Ngày trả lời", lambda row: format_date(row.submitted_on), 14),
    ]
    if not survey.is_anonymous:
        result += [
            Column("Họ và tên", lambda row: row.full_name or "", 28),
            Column("Đơn vị", lambda row: row.unit_name or "", 30),
        ]
    questions = ordered_questions(survey)
    for number, question in enumerate(questions, start=1):
        result += _question_columns(number, question)
    if any(question.is_knowledge for question in questions):
        result.append(Column("Điểm kiến thức", _score, 14))
    return result


# Reading the responses -----------------------------------------------------------------------


def _batches(survey: Survey, batch_size: int) -> Iterator[list[Row]]:
    """The responses in batches, each with its answers: two queries a batch. Plain columns,
    not ORM objects, so nothing piles up in the session while a large export runs."""
    fields = [
        SurveyResponse.id,
        SurveyResponse.submitted_on,
        SurveyResponse.knowledge_correct,
        SurveyResponse.knowledge_total,
    ]
    # An anonymous survey never touches the people tables, not even through an empty join.
    if survey.is_anonymous:
        query = select(*fields)
    else:
        query = (
            select(*fields, User.full_name, Unit.name.label("unit_name"))
            .outerjoin(User, User.id == SurveyResponse.user_id)
            .outerjoin(Unit, Unit.id == User.unit_id)
        )
    # The id is random, so within a day this order says nothing about who answered first.
    query = (
        query.where(SurveyResponse.survey_id == survey.id)
        .order_by(SurveyResponse.submitted_on, SurveyResponse.id)
        .limit(batch_size)
    )
    answer_fields = select(
        SurveyAnswer.response_id,
        SurveyAnswer.question_id,
        SurveyAnswer.option_id,
        SurveyAnswer.number_value,
        SurveyAnswer.text_value,
        SurveyAnswer.date_value,
    )
    number, last = 0, None
    while True:
        page = query
        if last is not None:
            # Keyset rather than OFFSET: each batch costs the same however deep it is.
            day, response_id = last
            page = page.where(
                or_(
                    SurveyResponse.submitted_on > day,
                    and_(SurveyResponse.submitted_on == day, SurveyResponse.id > response_id),
                )
            )
        responses = db.session.execute(page).all()
        if not responses:
            return
        answers: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        ids = [response.id for response in responses]
        for answer in db.session.execute(answer_fields.where(SurveyAnswer.response_id.in_(ids))):
            answers[answer.response_id][answer.question_id].append(answer)
        rows = []
        for response in responses:
            number += 1
            rows.append(
                Row(
                    number=number,
                    submitted_on=response.submitted_on,
                    knowledge_correct=response.knowledge_correct,
                    knowledge_total=response.knowledge_total,
                    full_name=None if survey.is_anonymous else response.full_name,
                    unit_name=None if survey.is_anonymous else response.unit_name,
                    answers=answers.get(response.id, {}),
                )
            )
        yield rows
        if len(responses) < batch_size:
            return
        last = (responses[-1].submitted_on, responses[-1].id)


# CSV -----------------------------------------------------------------------------------------


def _csv_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return cell_text(value)
    # A number we formatted ourselves: "-3,5" is a negative number, not a formula, so it does
    # not go through cell_text. Decimal writes 1e-05 as 0.00001; the comma is how Vietnamese
    # spreadsheets read decimals.
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f").replace(".", ",")
    return str(value)


def _csv_chunk(rows: list[list[str]], prefix: str = "") -> str:
    buffer = io.StringIO()
    buffer.write(prefix)
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def iter_csv(survey: Survey, batch_size: int = BATCH_SIZE) -> Iterator[str]:
    """The table as CSV text, a chunk per batch of responses. The first chunk starts with a
    byte order mark, without which Excel reads the UTF-8 as a legacy code page."""
    table = columns(survey)
    yield _csv_chunk([[cell_text(column.header) for column in table]], prefix="\ufeff")
    for rows in _batches(survey, batch_size):
        yield _csv_chunk([[_csv_text(column.value(row)) for column in table] for row in rows])


# XLSX ----------------------------------------------------------------------------------------


def _xlsx_value(value: Value) -> Value:
    return cell_text(value) if isinstance(value, str) else value


def responses_xlsx(survey: Survey, batch_size: int = BATCH_SIZE) -> bytes:
    """The table as a workbook. Write-only mode streams rows to a temporary file instead of
    keeping every cell in memory; widths and panes must therefore be set before any row."""
    table = columns(survey)
    workbook = Workbook(write_only=True)
    workbook.properties.title = survey.title
    workbook.properties.language = "vi-VN"
    sheet = workbook.create_sheet(SHEET_TITLE)
    for index, column in enumerate(table, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    wrapped = Alignment(wrap_text=True, vertical="center", horizontal="center")
    header = []
    for column in table:
        cell = WriteOnlyCell(sheet, value=cell_text(column.header))
        cell.font = bold
        cell.alignment = wrapped
        header.append(cell)
    sheet.append(header)
    for rows in _batches(survey, batch_size):
        for row in rows:
            sheet.append([_xlsx_value(column.value(row)) for column in table])
    with io.BytesIO() as buffer:
        workbook.save(buffer)
        return buffer.getvalue()
