"""The ready-made awareness survey: its shape, its knowledge questions' answers, its wording,
and that only the officer seeds it."""

import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.campaigns.plan import DEFAULT_PLAN
from app.errors import NotAllowed
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.surveys import QuestionKind as K
from app.models.surveys import Survey, SurveyStatus
from app.surveys import template
from app.surveys.services import (
    OptionRow,
    QuestionData,
    load,
    ordered_questions,
    publishing_problems,
)
from app.surveys.template import Item, seed_awareness_survey
from tests.factories import make_campaign, make_user
from tests.initiative_helpers import make_officer
from tests.review_helpers import seen

VIETNAMESE = set("ăâđêôơưàảãáạèẻẽéẹìỉĩíịòỏõóọùủũúụỳỷỹýỵ")


def seeded(days_open: int = 14) -> Survey:
    campaign, now = make_campaign(), datetime.now(UTC)
    officer = seen(make_officer())
    survey = seed_awareness_survey(officer, campaign, now, now + timedelta(days=days_open))
    db.session.expire_all()
    return load(survey.id)


def question_with(survey: Survey, words: str):
    return next(q for q in survey.questions if words in q.text)


def correct_texts(question) -> set[str]:
    return {o.text for o in question.options if o.is_correct}


def test_seed_by_officer_makes_anonymous_draft_of_three_sections(app):
    survey = seeded()
    assert survey.status == SurveyStatus.DRAFT
    assert survey.is_anonymous and survey.is_open_to_all
    assert len(survey.sections) == 3
    assert 12 <= len(survey.questions) <= 15
    assert all(any(q.section_id == s.id for q in survey.questions) for s in survey.sections)
    assert [q.position for q in ordered_questions(survey)] == list(
        range(1, len(survey.questions) + 1)
    )


def test_seed_kinds_cover_the_builder_s_main_kinds(app):
    kinds = {q.kind for q in seeded().questions}
    assert {K.SINGLE, K.MULTIPLE, K.LIKERT, K.RATING, K.YES_NO, K.LONG_TEXT, K.NUMBER} <= kinds


def test_seed_knowledge_questions_each_have_their_right_answers(app):
    knowledge = [q for q in seeded().questions if q.is_knowledge]
    assert len(knowledge) >= 4
    for question in knowledge:
        right = correct_texts(question)
        assert right
        if question.kind != K.MULTIPLE:
            assert len(right) == 1, question.text


def test_seed_knowledge_answers_match_the_plan(app):
    survey = seeded()
    assert correct_texts(question_with(survey, "“3 an” là gì")) == {"An ninh, an toàn và an dân"}
    assert correct_texts(question_with(survey, "văn bản nào của UBND tỉnh")) == {
        "Kế hoạch số 146/KH-UBND ngày 27/4/2026 của UBND tỉnh"
    }
    assert correct_texts(question_with(survey, "chủ trì theo dõi, đôn đốc")) == {
        "Phòng Hành chính - Quản trị"
    }
    contents = question_with(survey, "5 nội dung")
    assert contents.kind == K.MULTIPLE
    assert len(correct_texts(contents)) == 4 < len(contents.options)


def test_seed_every_right_answer_is_in_the_plan_s_words(app):
    plan = DEFAULT_PLAN.read_text(encoding="utf-8").casefold()
    for question in seeded().questions:
        for text in correct_texts(question):
            assert text.casefold() in plan, text


def test_seed_every_text_is_nfc_vietnamese(app):
    survey = seeded()
    texts = [survey.title, survey.introduction]
    texts += [text for s in survey.sections for text in (s.title, s.description)]
    texts += [text for q in survey.questions for text in (q.text, q.help_text) if text]
    texts += [o.text for q in survey.questions for o in q.options]
    for text in texts:
        assert unicodedata.is_normalized("NFC", text), text
        assert VIETNAMESE & set(text.lower()), text


def test_seed_condition_shows_short_text_after_an_initiative_answer(app):
    survey = seeded()
    field = next(q for q in survey.questions if q.kind == K.SHORT_TEXT)
    source = next(q for q in survey.questions if q.id == field.condition_question_id)
    assert source.kind == K.SINGLE and source.position < field.position
    assert field.condition_option_ids == [o.id for o in source.options[:2]]


def test_seed_with_future_closing_can_be_published(app):
    assert publishing_problems(seeded()) == []


def test_seed_writes_one_audit_entry(app):
    survey = seeded()
    entries = db.session.execute(
        select(AuditEntry.action, AuditEntry.target_id).where(AuditEntry.target_type == "survey")
    ).all()
    assert entries == [("survey.created", survey.id)]


def test_seed_by_staff_is_refused_and_writes_nothing(app):
    campaign = make_campaign()
    now = datetime.now(UTC)
    with pytest.raises(NotAllowed):
        seed_awareness_survey(seen(make_user()), campaign, now, now + timedelta(days=7))
    assert db.session.scalar(select(func.count(Survey.id))) == 0


def test_seed_of_a_broken_template_is_refused_and_writes_nothing(app, monkeypatch):
    unmarked = QuestionData(
        kind=K.SINGLE,
        text="“3 an” là gì?",
        is_knowledge=True,
        options=[OptionRow("An ninh, an toàn và an dân"), OptionRow("An ninh, an sinh và an cư")],
    )
    monkeypatch.setattr(template, "SECTIONS", (("Hiểu biết", "", (Item(unmarked),)),))
    campaign, now = make_campaign(), datetime.now(UTC)
    with pytest.raises(ValueError, match="is_knowledge"):
        seed_awareness_survey(seen(make_officer()), campaign, now, now + timedelta(days=7))
    assert db.session.scalar(select(func.count(Survey.id))) == 0
