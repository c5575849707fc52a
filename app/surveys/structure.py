"""A published survey's structure (its sections, questions and options) kept per process for the
answering pages, which otherwise read it — three statements and a hundred-odd objects — on every
page and every Next.

The survey's row is still read on every request (its status, dates and audience are always
current); its `structure_key` names the structure. A flush hook gives the survey a new key
whenever one of its sections, questions or options is added, changed or deleted through the
ORM, in the same transaction, so every process sees the change on its next request. (A Core
statement writing those tables would have to change the key itself: none does.)

Kept objects are detached from any session and only read: the answering code reads their
columns and their options, never a relationship that would load.
"""

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.models.surveys import (
    Survey,
    SurveyOption,
    SurveyQuestion,
    SurveySection,
    new_structure_key,
)

MAX_SURVEYS = 64

# {(database url, survey id, structure key): (sections, questions)}
_kept: dict[tuple, tuple[list[SurveySection], list[SurveyQuestion]]] = {}


def key_of(url, survey: Survey) -> tuple:
    return (url, survey.id, survey.structure_key)


def kept(key: tuple) -> tuple[list[SurveySection], list[SurveyQuestion]] | None:
    return _kept.get(key)


def keep(key: tuple, session, sections: list, questions: list) -> None:
    """Keep a structure just read (its objects leave the session: a commit will not expire
    them)."""
    for question in questions:
        for option in question.options:
            session.expunge(option)
        session.expunge(question)
    for section in sections:
        session.expunge(section)
    if len(_kept) >= MAX_SURVEYS:
        _kept.clear()
    _kept[key] = (sections, questions)


def _survey_of(session: Session, item) -> Survey | int | None:
    """The survey (or its id) a section, question or option belongs to, from what the object
    holds, else from the session."""
    if isinstance(item, SurveyOption):
        question = item.__dict__.get("question")
        if question is None and item.question_id is not None:
            question = session.get(SurveyQuestion, item.question_id)
        return None if question is None else _survey_of(session, question)
    return item.__dict__.get("survey") or item.survey_id


@event.listens_for(Session, "before_flush")
def _new_key_on_change(session: Session, _context, _instances) -> None:
    changed = [
        item
        for item in (*session.new, *session.dirty, *session.deleted)
        if isinstance(item, (SurveySection, SurveyQuestion, SurveyOption))
    ]
    if not changed:
        return
    with session.no_autoflush:
        surveys = {_survey_of(session, item) for item in changed} - {None}
        for survey in surveys:
            if not isinstance(survey, Survey):
                survey = session.get(Survey, survey)
            if survey is not None and survey not in session.deleted:
                survey.structure_key = new_structure_key()
