"""Answering a survey: reading each question's answer from a page's form, checking it (required,
options that exist, picks, ranges, lengths), keeping the answers in progress as a draft, and the
one submission, which writes the response, its answers, its knowledge score and the
participation in one transaction.

Only the questions a person is shown count: one whose condition is not met is neither required
nor stored. An anonymous response is written without the user id, with the date only and a
random id; the participation row (the person, the date) is what makes it one per person.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.models.directory import User
from app.models.surveys import (
    LIKERT_POINTS,
    LONG_TEXT_MAX,
    SHORT_TEXT_MAX,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyDraft,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
    new_response_id,
)
from app.surveys import tallies
from app.surveys.services import in_audience, ordered_questions
from app.text import clean, clean_paragraphs

K = QuestionKind
_NUMBER = re.compile(r"^[+-]?\d{1,15}([.,]\d{1,6})?$")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def field_name(question: SurveyQuestion, statement_id: int | None = None) -> str:
    """The form field of a question (of one statement of a Likert matrix)."""
    return f"q{question.id}" if statement_id is None else f"q{question.id}-{statement_id}"


# Pages and conditions --------------------------------------------------------------------------


def pages(survey: Survey) -> list[tuple]:
    """[(section, its questions)] in order, without empty sections."""
    questions = ordered_questions(survey)
    result = []
    for section in sorted(survey.sections, key=lambda s: (s.position, s.id)):
        mine = [q for q in questions if q.section_id == section.id]
        if mine:
            result.append((section, mine))
    return result


def is_shown(question: SurveyQuestion, answers: dict) -> bool:
    """Whether the question is asked given the answers so far (its condition met)."""
    if question.condition_question_id is None:
        return True
    given = answers.get(str(question.condition_question_id))
    chosen = set(given) if isinstance(given, list) else ({given} if given is not None else set())
    return bool(chosen & set(question.condition_option_ids or []))


# Reading and checking one answer -------------------------------------------------------------


def _option_ids(question: SurveyQuestion) -> set[int]:
    return {option.id for option in question.options}


def _as_int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def read_answer(question: SurveyQuestion, form) -> tuple[object, str | None, object]:
    """(value to store or None when unanswered, error or None, what to show back) of a
    question from the form (a MultiDict)."""
    kind = question.kind
    if kind in (K.SINGLE, K.DROPDOWN):
        raw = (form.get(field_name(question)) or "").strip()
        if not raw:
            return None, None, ""
        value = _as_int(raw)
        if value not in _option_ids(question):
            return None, _("Choose one of the options given."), ""
        return value, None, value
    if kind == K.MULTIPLE:
        raws = [r for r in form.getlist(field_name(question)) if r.strip()]
        values = [_as_int(r) for r in raws]
        if any(v not in _option_ids(question) for v in values):
            return None, _("Choose among the options given."), []
        values = sorted(set(values))
        if not values:
            return None, None, []
        low, high = question.min_choices, question.max_choices
        if low and len(values) < low:
            return (
                None,
                ngettext(
                    "Choose at least %(num)d option.", "Choose at least %(num)d options.", low
                ),
                values,
            )
        if high and len(values) > high:
            return (
                None,
                ngettext("Choose at most %(num)d option.", "Choose at most %(num)d options.", high),
                values,
            )
        return values, None, values
    if kind == K.LIKERT:
        points, shown, error = {}, {}, None
        for statement in question.options:
            raw = (form.get(field_name(question, statement.id)) or "").strip()
            if not raw:
                continue
            point = _as_int(raw)
            if point is None or not 1 <= point <= LIKERT_POINTS:
                error = _("Choose a point of the scale for each statement.")
                continue
            points[str(statement.id)] = point
            shown[statement.id] = point
        if error:
            return None, error, shown
        if not points:
            return None, None, shown
        if question.is_required and len(points) < len(question.options):
            return None, _("Answer every statement."), shown
        return points, None, shown
    if kind == K.RATING:
        raw = (form.get(field_name(question)) or "").strip()
        if not raw:
            return None, None, ""
        low = 0 if question.scale_max == 10 else 1
        value = _as_int(raw)
        if value is None or not low <= value <= (question.scale_max or 5):
            return (
                None,
                _(
                    "Choose a point from %(low)d to %(high)d.",
                    low=low,
                    high=question.scale_max or 5,
                ),
                raw,
            )
        return value, None, value
    if kind == K.YES_NO:
        raw = (form.get(field_name(question)) or "").strip()
        if not raw:
            return None, None, ""
        if raw not in ("yes", "no"):
            return None, _("Answer yes or no."), ""
        return raw, None, raw
    if kind in (K.SHORT_TEXT, K.LONG_TEXT):
        limit = SHORT_TEXT_MAX if kind == K.SHORT_TEXT else LONG_TEXT_MAX
        raw = form.get(field_name(question)) or ""
        value = clean(raw) if kind == K.SHORT_TEXT else clean_paragraphs(raw)
        if len(value) > limit:
            return None, _("At most %(max)d characters.", max=limit), raw[: limit * 2]
        if not value:
            return None, None, ""
        return value, None, value
    if kind == K.NUMBER:
        raw = (form.get(field_name(question)) or "").strip()
        if not raw:
            return None, None, ""
        if not _NUMBER.match(raw):
            return None, _("Enter a number (e.g. 12 or 12,5)."), raw[:40]
        value = float(raw.replace(",", "."))
        low, high = question.number_min, question.number_max
        if (low is not None and value < low) or (high is not None and value > high):
            return None, _range_message(low, high), raw
        return value, None, raw
    if kind == K.DATE:
        raw = (form.get(field_name(question)) or "").strip()
        if not raw:
            return None, None, ""
        for pattern in DATE_FORMATS:
            try:
                day = datetime.strptime(raw, pattern).date()
            except ValueError:
                continue
            if 1900 <= day.year <= 2100:
                return day.isoformat(), None, day.isoformat()
        return None, _("Enter a valid date (dd/mm/yyyy)."), raw[:20]
    return None, _("This question cannot be answered."), ""


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _range_message(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return _("Enter a number from %(low)s to %(high)s.", low=_number(low), high=_number(high))
    if low is not None:
        return _("Enter a number of at least %(low)s.", low=_number(low))
    return _("Enter a number of at most %(high)s.", high=_number(high))


@dataclass
class PageResult:
    answers: dict  # {question id (str): value}, only the answered and shown questions
    errors: dict  # {question id (int): message}
    shown_back: dict  # {question id (int): what the form shows again}


def read_page(questions: list[SurveyQuestion], form, earlier: dict) -> PageResult:
    """Read the answers of one page; `earlier` answers decide the conditions on the page's
    first questions, the page's own answers the later ones."""
    answers, errors, shown_back = {}, {}, {}
    known = dict(earlier)
    for question in questions:
        key = str(question.id)
        known.pop(key, None)
        value, error, back = read_answer(question, form)
        shown_back[question.id] = back
        if not is_shown(question, known):
            continue  # not asked: neither required nor kept
        if error:
            errors[question.id] = error
        elif value is None and question.is_required:
            errors[question.id] = _("This question needs an answer.")
        elif value is not None:
            answers[key] = value
            known[key] = value
    return PageResult(answers, errors, shown_back)


def answers_back(questions: list[SurveyQuestion], answers: dict) -> dict:
    """What a page shows of stored answers, in read_answer's shape."""
    back = {}
    for question in questions:
        value = answers.get(str(question.id))
        if value is None:
            back[question.id] = (
                [] if question.kind == K.MULTIPLE else ({} if question.kind == K.LIKERT else "")
            )
        elif question.kind == K.LIKERT:
            back[question.id] = {int(k): v for k, v in value.items()}
        elif question.kind == K.NUMBER:
            back[question.id] = _number(value)
        else:
            back[question.id] = value
    return back


# Drafts ----------------------------------------------------------------------------------------


def _open_or_refuse(survey: Survey, user: User, now: datetime) -> None:
    if not in_audience(user, survey):
        raise NotAllowed(_("This survey is not addressed to you."))
    if not survey.is_open(now):
        raise InvalidTransition(_("The survey is not open for answers."))


# save_page's `draft` when the caller has not looked for it.
NOT_LOOKED_UP = object()


@cache
def _person_queries():
    """Built once (every answering page and every Next asks them): whether the person has
    answered, their draft in a named survey, the session's draft in an anonymous one."""
    survey_id = bindparam("survey_id")
    return (
        select(SurveyParticipation.user_id).where(
            SurveyParticipation.survey_id == survey_id,
            SurveyParticipation.user_id == bindparam("user_id"),
        ),
        select(SurveyDraft).where(
            SurveyDraft.survey_id == survey_id, SurveyDraft.user_id == bindparam("user_id")
        ),
        select(SurveyDraft).where(
            SurveyDraft.survey_id == survey_id, SurveyDraft.token == bindparam("token")
        ),
    )


def has_answered(survey: Survey, user: User) -> bool:
    answered = _person_queries()[0]
    values = {"survey_id": survey.id, "user_id": user.id}
    return db.session.scalar(answered, values) is not None


def find_draft(survey: Survey, user: User, token: str | None) -> SurveyDraft | None:
    """The person's answers in progress: by user in a named survey, by the session's token in
    an anonymous one."""
    _answered, by_user, by_token = _person_queries()
    if survey.is_anonymous:
        if not token:
            return None
        return db.session.scalar(by_token, {"survey_id": survey.id, "token": token})
    return db.session.scalar(by_user, {"survey_id": survey.id, "user_id": user.id})


def with_page(survey: Survey, draft: SurveyDraft | None, page: int, result: PageResult) -> dict:
    """The draft's answers with this page's in place of what the draft had for its questions."""
    page_ids = {str(q.id) for q in pages(survey)[page][1]}
    stored = (draft.answers if draft else None) or {}
    kept = {k: v for k, v in stored.items() if k not in page_ids}
    kept.update(result.answers)
    return kept


def save_page(
    survey: Survey,
    user: User,
    token: str | None,
    page: int,
    result: PageResult,
    now: datetime,
    draft: SurveyDraft | object | None = NOT_LOOKED_UP,
) -> tuple[SurveyDraft, str | None]:
    """Keep a page's answers in the draft (made if needed). Returns the draft and, for an
    anonymous survey, the token the session must keep. `draft`: the person's draft, or None,
    when the caller has found it in this transaction after checking that the person has not
    answered (the answer page does both before reading the page): not asked again."""
    _open_or_refuse(survey, user, now)
    if draft is NOT_LOOKED_UP:
        if has_answered(survey, user):
            raise InvalidTransition(_("You have already answered this survey."))
        draft = find_draft(survey, user, token)
    if draft is None:
        if survey.is_anonymous:
            token = secrets.token_urlsafe(32)
            draft = SurveyDraft(survey_id=survey.id, token=token, answers={})
        else:
            draft = SurveyDraft(survey_id=survey.id, user_id=user.id, answers={})
        db.session.add(draft)
    draft.answers = with_page(survey, draft, page, result)
    draft.page = max(draft.page or 0, page)
    draft.updated_on = now.date()
    try:
        db.session.commit()
    except IntegrityError:  # a second tab made the named draft at the same moment
        db.session.rollback()
        draft = find_draft(survey, user, token)
        draft.answers = {**(draft.answers or {}), **result.answers}
        db.session.commit()
    return draft, token


# The submission --------------------------------------------------------------------------------


_INSERT_ANSWER = insert(SurveyAnswer.__table__)


def _answer(question: SurveyQuestion, item: int = 0, **values) -> dict:
    """A row of `survey_answers` with every column given: a response's rows are written by one
    executemany (no ORM object, nothing for the flush to sort out)."""
    return {
        "question_id": question.id,
        "item": item,
        "option_id": None,
        "number_value": None,
        "text_value": None,
        "date_value": None,
        "is_correct": None,
        **values,
    }


def _answer_rows(question: SurveyQuestion, value) -> list[dict]:
    kind = question.kind
    if kind in (K.SINGLE, K.DROPDOWN):
        return [_answer(question, value, option_id=value)]
    if kind == K.MULTIPLE:
        return [_answer(question, v, option_id=v) for v in value]
    if kind == K.LIKERT:
        return [
            _answer(question, int(k), option_id=int(k), number_value=float(v))
            for k, v in value.items()
        ]
    if kind in (K.RATING, K.NUMBER):
        return [_answer(question, number_value=float(value))]
    if kind == K.YES_NO:
        return [_answer(question, text_value=value)]
    if kind == K.DATE:
        return [_answer(question, date_value=date.fromisoformat(value))]
    return [_answer(question, text_value=value)]


def is_correct(question: SurveyQuestion, value) -> bool:
    correct = {o.id for o in question.options if o.is_correct}
    chosen = set(value) if isinstance(value, list) else {value}
    return chosen == correct


def check_all(survey: Survey, answers: dict) -> tuple[dict, dict[int, str], int | None]:
    """The answers of the shown questions, the errors by question, and the first page with an
    error (None when every page is right)."""
    kept, errors, first = {}, {}, None
    for number, (_section, questions) in enumerate(pages(survey)):
        for question in questions:
            key = str(question.id)
            if not is_shown(question, kept):
                continue
            if key in answers and answers[key] is not None:
                kept[key] = answers[key]
            elif question.is_required:
                errors[question.id] = _("This question needs an answer.")
                first = number if first is None else first
    return kept, errors, first


def receipt_code(response_id: str) -> str:
    """A code the person keeps to show they answered: "KS-XXXX-XXXX"."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"survey-receipt:{response_id}".encode(), hashlib.sha256).hexdigest()
    return f"KS-{digest[:4].upper()}-{digest[4:8].upper()}"


def submit(
    survey: Survey,
    user: User,
    token: str | None,
    now: datetime,
    draft: SurveyDraft | object | None = NOT_LOOKED_UP,
    last_page: tuple[int, PageResult] | None = None,
) -> str:
    """Submit the draft as the person's one response. Returns the receipt code. ValidationFailed
    (with "page") when an answer is missing; InvalidTransition when already answered.
    `draft` as for save_page; `last_page`, (number, answers read), a page sent with the
    submission: its answers count in place of the draft's for its questions, without being
    saved in the draft first (the draft goes with the submission)."""
    _open_or_refuse(survey, user, now)
    if draft is NOT_LOOKED_UP:
        if has_answered(survey, user):
            raise InvalidTransition(_("You have already answered this survey."))
        draft = find_draft(survey, user, token)
    if last_page is not None:
        sent = with_page(survey, draft, *last_page)
    else:
        sent = (draft.answers if draft else None) or {}
    answers, errors, first = check_all(survey, sent)
    if errors:
        raise ValidationFailed({"page": [str(first)], **{str(k): [v] for k, v in errors.items()}})
    by_id = {str(q.id): q for q in survey.questions}
    knowledge = [q for q in ordered_questions(survey) if q.is_knowledge and is_shown(q, answers)]
    right = sum(1 for q in knowledge if str(q.id) in answers and is_correct(q, answers[str(q.id)]))
    response = SurveyResponse(
        id=new_response_id(),
        survey_id=survey.id,
        user_id=None if survey.is_anonymous else user.id,
        submitted_on=now.date(),
        knowledge_correct=right if knowledge else None,
        knowledge_total=len(knowledge) if knowledge else None,
    )
    db.session.add(
        SurveyParticipation(survey_id=survey.id, user_id=user.id, answered_on=now.date())
    )
    db.session.add(response)
    try:
        # The response before its answers (no relationship orders them); a second submission
        # of the same person stops here on the participation's key.
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise InvalidTransition(_("You have already answered this survey.")) from None
    written = []
    for key, value in answers.items():
        question = by_id.get(key)
        if question is None:
            continue
        rows = _answer_rows(question, value)
        if question.is_knowledge and rows:
            rows[0]["is_correct"] = is_correct(question, value)
        for row in rows:
            row["response_id"] = response.id
        written.append((question, rows))
    every_row = [row for _question, rows in written for row in rows]
    if every_row:
        db.session.execute(_INSERT_ANSWER, every_row)
    unit_id = None if survey.is_anonymous else (user.unit_id or 0)
    score = (right, len(knowledge)) if knowledge else None
    tallies.add_response(survey.id, tallies.of_response(written, score, unit_id))
    if draft is not None:
        # By its id: gone already (the person discarded it in another tab), nothing to delete.
        db.session.execute(delete(SurveyDraft).where(SurveyDraft.id == draft.id))
    audit.record(user, "survey.submitted", survey, label=survey.title)
    response_id = response.id
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise InvalidTransition(_("You have already answered this survey.")) from None
    return receipt_code(response_id)


def forget_draft(survey: Survey, user: User, token: str | None) -> None:
    draft = find_draft(survey, user, token)
    if draft is not None:
        db.session.execute(delete(SurveyDraft).where(SurveyDraft.id == draft.id))
        db.session.commit()
