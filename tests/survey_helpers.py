"""Test data for surveys: a survey built through the officer's services with one question of
each kind, published and open now, and answers given through the answering pages' functions."""

from datetime import date, timedelta

import pytest
from sqlalchemy import insert
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models.surveys import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyResponse,
    SurveyStatus,
    new_response_id,
)
from app.surveys import answering, services
from app.surveys.services import OptionRow, QuestionData
from tests.initiative_helpers import make_officer
from tests.review_helpers import seen

K = QuestionKind


def survey_data(**fields) -> dict:
    now = services.now_utc()
    data = {
        "title": "Khảo sát nhận thức về Phong trào thi đua",
        "introduction": "Khảo sát ẩn danh, khoảng 5 phút.",
        "opens_at": now - timedelta(hours=1),
        "closes_at": now + timedelta(days=7),
        "is_anonymous": True,
        "is_open_to_all": True,
        "unit_ids": [],
    }
    data.update(fields)
    return data


def question(kind, text, options=(), correct=(), **fields) -> QuestionData:
    return QuestionData(
        kind=kind,
        text=text,
        options=[OptionRow(o, o in correct) for o in options],
        is_knowledge=bool(correct),
        **fields,
    )


EVERY_KIND = (
    question(
        K.SINGLE,
        "Kế hoạch thực hiện văn bản nào?",
        ("Kế hoạch 146", "Chỉ thị 27"),
        ("Kế hoạch 146",),
        is_required=True,
    ),
    question(
        K.MULTIPLE,
        "Những nội dung nào thuộc Phong trào?",
        ("Hạ tầng số", "Chuyển đổi xanh", "Du lịch"),
        ("Hạ tầng số", "Chuyển đổi xanh"),
        max_choices=3,
    ),
    question(K.DROPDOWN, "Anh/chị công tác ở khối nào?", ("Phòng chuyên môn", "Trung tâm")),
    question(K.LIKERT, "Mức độ đồng ý", ("Phong trào thiết thực", "Khen thưởng kịp thời")),
    question(K.RATING, "Đánh giá chung", scale_max=5),
    question(K.YES_NO, "Đã được phổ biến Kế hoạch?"),
    question(K.SHORT_TEXT, "Lĩnh vực sáng kiến"),
    question(K.LONG_TEXT, "Đề xuất, kiến nghị"),
    question(K.NUMBER, "Số lớp tập huấn đã dự", number_min=0, number_max=100),
    question(K.DATE, "Ngày đăng ký thi đua"),
)


def make_survey(campaign, officer=None, questions=EVERY_KIND, publish=True, **fields) -> Survey:
    """A survey with `questions` in its first section, published unless `publish` is False."""
    officer = officer or make_officer()
    survey = services.create_survey(seen(officer), campaign, survey_data(**fields))
    survey_id = survey.id
    for data in questions:
        loaded = services.load(survey_id)
        services.add_question(seen(officer), loaded, loaded.sections[0], data)
    if publish:
        services.publish(seen(officer), services.load(survey_id))
    return services.load(survey_id)


def by_text(survey) -> dict:
    """{text: question} of the survey as stored now."""
    return {q.text: q for q in services.load(survey.id).questions}


def answer_all(survey, user, values: dict, now=None):
    """Answer the survey's first page with {question text: form value(s)} and submit."""
    now = now or services.now_utc()
    survey = services.load(survey.id)
    form = MultiDict()
    questions = by_text(survey)
    for text, value in values.items():
        q = questions[text]
        if isinstance(value, dict):  # Likert: {statement text: point}
            for statement in q.options:
                if statement.text in value:
                    form.add(answering.field_name(q, statement.id), str(value[statement.text]))
        elif isinstance(value, list):
            for item in value:
                form.add(answering.field_name(q), _option(q, item))
        else:
            form.add(answering.field_name(q), _option(q, value))
    page = answering.read_page(answering.pages(survey)[0][1], form, {})
    assert not page.errors, page.errors
    _draft, token = answering.save_page(survey, user, None, 0, page, now)
    return answering.submit(services.load(survey.id), user, token, now)


def add_bulk_responses(survey, count: int, user_ids=()) -> None:
    """`count` responses written in bulk, each answering the choice, Likert, rating, number and
    text questions (as a submission stores them, but without its tallies); the first ones are
    these people's."""
    q = by_text(survey)
    single = q["Kế hoạch thực hiện văn bản nào?"]
    multiple = q["Những nội dung nào thuộc Phong trào?"]
    likert = q["Mức độ đồng ý"]
    responses, answers = [], []
    for n in range(count):
        rid = new_response_id()
        responses.append(
            {
                "id": rid,
                "survey_id": survey.id,
                "user_id": user_ids[n] if n < len(user_ids) else None,
                "submitted_on": date(2026, 12, 1),
                "knowledge_correct": n % 3,
                "knowledge_total": 2,
            }
        )
        chosen = single.options[n % 2]
        answers += [
            {
                "response_id": rid,
                "question_id": single.id,
                "item": chosen.id,
                "option_id": chosen.id,
                "is_correct": n % 2 == 0,
            },
            {
                "response_id": rid,
                "question_id": multiple.id,
                "item": multiple.options[0].id,
                "option_id": multiple.options[0].id,
                "is_correct": False,
            },
            {
                "response_id": rid,
                "question_id": likert.id,
                "item": likert.options[0].id,
                "option_id": likert.options[0].id,
                "number_value": float(1 + n % 5),
            },
            {
                "response_id": rid,
                "question_id": q["Đánh giá chung"].id,
                "item": 0,
                "number_value": float(1 + n % 5),
            },
            {
                "response_id": rid,
                "question_id": q["Số lớp tập huấn đã dự"].id,
                "item": 0,
                "number_value": float(n % 20),
            },
            {
                "response_id": rid,
                "question_id": q["Lĩnh vực sáng kiến"].id,
                "item": 0,
                "text_value": f"Ý kiến số {n}",
            },
        ]
    db.session.execute(insert(SurveyResponse), responses)
    db.session.execute(insert(SurveyAnswer), answers)
    db.session.commit()


def same_tallies(running: dict, rebuilt: dict) -> None:
    """Two surveys' tallies ({key: Tally}) are the same, totals to rounding."""
    assert running.keys() == rebuilt.keys()
    for key, tally in running.items():
        other = rebuilt[key]
        assert (tally.count, tally.low, tally.high) == pytest.approx(
            (other.count, other.low, other.high)
        ), key
        assert tally.total == pytest.approx(other.total), key


def _option(q, value) -> str:
    for option in q.options:
        if option.text == value:
            return str(option.id)
    return str(value)


def close(survey) -> Survey:
    survey.status = SurveyStatus.CLOSED
    db.session.commit()
    return services.load(survey.id)
