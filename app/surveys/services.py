"""Awareness surveys: the officer builds a survey (details, audience, sections, questions of ten
kinds with their options, knowledge questions and conditions), publishes, closes and duplicates
it for a follow-up.

Once a survey has a response its structure is locked: only wording (titles, texts, help, the
options' words) may change, so every stored answer keeps its meaning. Each use case takes the
acting user, checks permission and state, changes the data, audits and commits once.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, exists, func, inspect, select, update

from app import audit
from app.audiences import Audience, unit_errors
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.loading import fill, order_of
from app.models.campaigns import Campaign
from app.models.directory import Role, User
from app.models.surveys import (
    CHOICE_KINDS,
    INTRO_MAX,
    KNOWLEDGE_KINDS,
    OPTION_MAX,
    TEXT_MAX,
    TITLE_MAX,
    QuestionKind,
    Survey,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
    SurveySection,
    SurveyStatus,
    survey_units,
)
from app.surveys import structure
from app.text import clean, clean_paragraphs

K = QuestionKind
MAX_OPTIONS = 30
MAX_QUESTIONS = 200


def now_utc() -> datetime:
    return datetime.now(UTC)


# Who may do what -----------------------------------------------------------------------------


def is_manager(user: User) -> bool:
    """The Administration Office's emulation officer builds and runs surveys."""
    return user.has_role(Role.OFFICER)


def can_see_results(user: User) -> bool:
    """The officer and the leaders read results; nobody else sees anyone's answers."""
    return user.has_role(Role.OFFICER, Role.LEADER)


SURVEY_AUDIENCE = Audience(survey_units, "survey_id")


def unit_ids(survey: Survey) -> set[int]:
    return SURVEY_AUDIENCE.unit_ids(survey.id)


def in_audience(user: User, survey: Survey) -> bool:
    """An active person, of one of the survey's units unless it is for all staff."""
    return SURVEY_AUDIENCE.admits(user, survey)


def audience(survey: Survey):
    """The select() of the people the survey is for."""
    return SURVEY_AUDIENCE.people(survey)


def has_responses(survey: Survey) -> bool:
    return bool(db.session.scalar(select(exists().where(SurveyResponse.survey_id == survey.id))))


def is_locked(survey: Survey) -> bool:
    """The structure is fixed once a response exists, or the survey is closed."""
    return survey.status == SurveyStatus.CLOSED or has_responses(survey)


def _require_manager(actor: User) -> None:
    if not is_manager(actor):
        raise NotAllowed(_("Only the emulation officer builds surveys."))


def _require_unlocked(survey: Survey) -> None:
    if is_locked(survey):
        raise InvalidTransition(
            _("The survey already has responses: only its wording can still be corrected.")
        )


# The survey ----------------------------------------------------------------------------------


def _too_long(limit: int) -> list[str]:
    return [_("At most %(max)d characters.", max=limit)]


def _survey_values(data: dict) -> tuple[dict, list[int]]:
    errors: dict[str, list[str]] = {}
    title = clean(data.get("title"))
    introduction = clean_paragraphs(data.get("introduction"))
    opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
    if not title:
        errors["title"] = [_("Enter the title of the survey.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = _too_long(TITLE_MAX)
    if len(introduction) > INTRO_MAX:
        errors["introduction"] = _too_long(INTRO_MAX)
    if opens_at is None:
        errors["opens_at"] = [_("Enter when the survey opens.")]
    if closes_at is None:
        errors["closes_at"] = [_("Enter when the survey closes.")]
    elif opens_at is not None and closes_at <= opens_at:
        errors["closes_at"] = [_("The survey must close after it opens.")]
    open_to_all = bool(data.get("is_open_to_all", True))
    units = sorted(set(data.get("unit_ids") or ()))
    missing = _("Choose at least one unit whose staff answer.")
    if problems := unit_errors(open_to_all, units, missing, _("Choose units from the list.")):
        errors["unit_ids"] = problems
    if errors:
        raise ValidationFailed(errors)
    values = {
        "title": title,
        "introduction": introduction,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "is_anonymous": bool(data.get("is_anonymous", True)),
        "is_open_to_all": open_to_all,
    }
    return values, ([] if open_to_all else units)


def create_survey(actor: User, campaign: Campaign, data: dict) -> Survey:
    """A draft survey of the campaign with one empty section."""
    _require_manager(actor)
    values, units = _survey_values(data)
    survey = Survey(campaign_id=campaign.id, created_by_id=actor.id, **values)
    survey.sections = [SurveySection(position=1, title="")]
    db.session.add(survey)
    db.session.flush()
    SURVEY_AUDIENCE.set_units(survey.id, units)
    audit.record(actor, "survey.created", survey, label=survey.title)
    db.session.commit()
    return survey


def update_survey(actor: User, survey: Survey, data: dict) -> None:
    """Change the details; once locked, only the title, the introduction and the closing
    time (anonymity and audience stay as the respondents were told)."""
    _require_manager(actor)
    values, units = _survey_values(data)
    locked = is_locked(survey)
    if survey.status == SurveyStatus.CLOSED:
        raise InvalidTransition(_("A closed survey can no longer change."))
    if locked:
        changed = {
            key
            for key in ("is_anonymous", "is_open_to_all", "opens_at")
            if values[key] != getattr(survey, key)
        }
        if changed or (not survey.is_open_to_all and set(units) != unit_ids(survey)):
            raise InvalidTransition(
                _(
                    "The survey already has responses: its audience, anonymity and opening "
                    "can no longer change."
                )
            )
    for key, value in values.items():
        setattr(survey, key, value)
    if not locked:
        SURVEY_AUDIENCE.set_units(survey.id, units)
    audit.record(actor, "survey.updated", survey, label=survey.title)
    db.session.commit()


def delete_survey(actor: User, survey: Survey) -> None:
    """Delete a draft survey (published ones are closed instead)."""
    _require_manager(actor)
    if not survey.is_draft:
        raise InvalidTransition(_("Only a draft survey can be deleted; close this one instead."))
    audit.record(actor, "survey.deleted", survey, label=survey.title)
    # The database's cascades remove its sections, questions and options in one statement.
    db.session.execute(delete(Survey).where(Survey.id == survey.id))
    db.session.commit()


def publishing_problems(survey: Survey) -> list[str]:
    """What stops a draft from being published (questions loaded)."""
    problems = []
    if not survey.questions:
        problems.append(_("Add at least one question."))
    empty = [s for s in survey.sections if not any(q.section_id == s.id for q in survey.questions)]
    if survey.questions and empty:
        problems.append(_("Remove the empty sections or add questions to them."))
    if survey.closes_at <= now_utc():
        problems.append(_("The closing time has passed: set a later one."))
    return problems


def publish(actor: User, survey: Survey) -> None:
    """Open the survey to its audience at its opening time."""
    _require_manager(actor)
    if not survey.is_draft:
        raise InvalidTransition(_("The survey has already been published."))
    problems = publishing_problems(survey)
    if problems:
        raise InvalidTransition(" ".join(problems))
    changed = db.session.execute(
        update(Survey)
        .where(Survey.id == survey.id, Survey.status == SurveyStatus.DRAFT)
        .values(status=SurveyStatus.PUBLISHED, published_at=now_utc())
    ).rowcount
    if not changed:
        db.session.rollback()
        raise InvalidTransition(_("The survey has already been published."))
    audit.record(actor, "survey.published", survey, label=survey.title)
    db.session.commit()


def close(actor: User, survey: Survey) -> None:
    """Stop the answers now."""
    _require_manager(actor)
    moment = now_utc()
    changed = db.session.execute(
        update(Survey)
        .where(Survey.id == survey.id, Survey.status == SurveyStatus.PUBLISHED)
        .values(status=SurveyStatus.CLOSED, closed_at=moment)
    ).rowcount
    if not changed:
        db.session.rollback()
        raise InvalidTransition(_("Only a published survey can be closed."))
    audit.record(actor, "survey.closed", survey, label=survey.title)
    db.session.commit()


# Sections ------------------------------------------------------------------------------------


def _section_values(data: dict) -> dict:
    title = clean(data.get("title"))
    description = clean_paragraphs(data.get("description"))
    errors = {}
    if len(title) > TITLE_MAX:
        errors["title"] = _too_long(TITLE_MAX)
    if len(description) > INTRO_MAX:
        errors["description"] = _too_long(INTRO_MAX)
    if errors:
        raise ValidationFailed(errors)
    return {"title": title, "description": description}


def add_section(actor: User, survey: Survey, data: dict) -> SurveySection:
    _require_manager(actor)
    _require_unlocked(survey)
    values = _section_values(data)
    last = max((s.position for s in survey.sections), default=0)
    section = SurveySection(survey_id=survey.id, position=last + 1, **values)
    db.session.add(section)
    audit.record(actor, "survey.section_added", survey, label=survey.title)
    db.session.commit()
    return section


def update_section(actor: User, survey: Survey, section: SurveySection, data: dict) -> None:
    """A section's title and description: wording, allowed at any time before the close."""
    _require_manager(actor)
    if survey.status == SurveyStatus.CLOSED:
        raise InvalidTransition(_("A closed survey can no longer change."))
    for key, value in _section_values(data).items():
        setattr(section, key, value)
    audit.record(actor, "survey.section_updated", survey, label=survey.title)
    db.session.commit()


def delete_section(actor: User, survey: Survey, section: SurveySection) -> None:
    """Delete a section and its questions; the last section stays."""
    _require_manager(actor)
    _require_unlocked(survey)
    if len(survey.sections) <= 1:
        raise InvalidTransition(_("A survey keeps at least one section."))
    for question in [q for q in survey.questions if q.section_id == section.id]:
        survey.questions.remove(question)
    db.session.flush()
    _drop_broken_conditions(survey)
    survey.sections.remove(section)
    db.session.flush()
    _renumber(survey)
    audit.record(actor, "survey.section_deleted", survey, label=survey.title)
    db.session.commit()


# Questions -----------------------------------------------------------------------------------


@dataclass
class OptionRow:
    """An option as the builder's form gives it: its id when it exists already."""

    text: str
    is_correct: bool = False
    id: int | None = None


@dataclass
class QuestionData:
    kind: str
    text: str
    help_text: str = ""
    is_required: bool = False
    is_knowledge: bool = False
    options: list[OptionRow] = field(default_factory=list)
    min_choices: int | None = None
    max_choices: int | None = None
    scale_max: int | None = None
    number_min: float | None = None
    number_max: float | None = None
    condition_option_ids: list[int] = field(default_factory=list)


def ordered_questions(survey: Survey) -> list[SurveyQuestion]:
    """The questions in the order staff meet them: section by section."""
    order = {s.id: (s.position, s.id) for s in survey.sections}
    return sorted(
        survey.questions, key=lambda q: (order.get(q.section_id, (0, 0)), q.position, q.id)
    )


def _renumber(survey: Survey) -> None:
    for number, section in enumerate(sorted(survey.sections, key=lambda s: (s.position, s.id)), 1):
        section.position = number
    for number, question in enumerate(ordered_questions(survey), 1):
        question.position = number


def _condition(
    survey: Survey, question: SurveyQuestion | None, section_id: int, option_ids: list[int]
) -> tuple[int | None, list[int], list[str]]:
    """(question id, option ids, errors) of a condition on options of one earlier choice
    question of the survey."""
    if not option_ids:
        return None, [], []
    owners = {
        option.id: q
        for q in survey.questions
        if q.kind in CHOICE_KINDS and (question is None or q.id != question.id)
        for option in q.options
    }
    chosen = {owners.get(option_id) for option_id in option_ids}
    if None in chosen or len(chosen) != 1:
        return None, [], [_("Choose the options of one earlier question.")]
    (source,) = chosen
    order = [q.id for q in ordered_questions(survey)]
    section_order = {s.id: s.position for s in survey.sections}
    if question is not None and question.id in order:
        earlier = order.index(source.id) < order.index(question.id)
    else:  # a new question goes at the end of its section
        earlier = section_order.get(source.section_id, 0) <= section_order.get(section_id, 0)
    if not earlier:
        return None, [], [_("A question can only depend on an earlier question.")]
    return source.id, sorted(set(option_ids)), []


def question_errors(data: QuestionData) -> dict[str, list[str]]:
    """Every problem of a question's data, by field."""
    errors: dict[str, list[str]] = {}
    if data.kind not in tuple(K):
        errors["kind"] = [_("Choose the kind of question.")]
        return errors
    if not data.text:
        errors["text"] = [_("Enter the question.")]
    elif len(data.text) > TEXT_MAX:
        errors["text"] = _too_long(TEXT_MAX)
    if len(data.help_text) > TEXT_MAX:
        errors["help_text"] = _too_long(TEXT_MAX)
    options = [o for o in data.options if o.text]
    if data.kind in CHOICE_KINDS or data.kind == K.LIKERT:
        texts = [o.text.casefold() for o in options]
        needed = 1 if data.kind == K.LIKERT else 2
        if len(options) < needed:
            errors["options"] = [
                _("Enter at least one statement.")
                if data.kind == K.LIKERT
                else _("Enter at least two options.")
            ]
        elif len(options) > MAX_OPTIONS:
            errors["options"] = [_("At most %(max)d options.", max=MAX_OPTIONS)]
        elif any(len(o.text) > OPTION_MAX for o in options):
            errors["options"] = [_("An option has at most %(max)d characters.", max=OPTION_MAX)]
        elif len(set(texts)) != len(texts):
            errors["options"] = [_("Two options have the same words.")]
    if data.kind == K.MULTIPLE:
        low, high = data.min_choices, data.max_choices
        if (low is not None and low < 1) or (high is not None and high < 1):
            errors["min_choices"] = [_("Enter whole numbers of at least 1.")]
        elif low and high and low > high:
            errors["min_choices"] = [_("The minimum cannot be above the maximum.")]
        elif (high or low or 0) > len(options) and "options" not in errors:
            errors["max_choices"] = [_("There are fewer options than that.")]
    if data.kind == K.RATING and data.scale_max not in (5, 10):
        errors["scale_max"] = [_("Choose the scale.")]
    low, high = data.number_min, data.number_max
    if data.kind == K.NUMBER and low is not None and high is not None and low > high:
        errors["number_max"] = [_("The largest value cannot be below the smallest.")]
    if data.is_knowledge:
        correct = [o for o in options if o.is_correct]
        if data.kind not in KNOWLEDGE_KINDS:
            errors["is_knowledge"] = [_("Only a choice question can be a knowledge question.")]
        elif not correct:
            errors["is_knowledge"] = [_("Mark the correct option(s).")]
        elif data.kind != K.MULTIPLE and len(correct) > 1:
            errors["is_knowledge"] = [_("This kind of question has one correct option.")]
    return errors


def _kind_fields(data: QuestionData) -> dict:
    """The columns of the question, those of other kinds left empty."""
    return {
        "kind": data.kind,
        "text": data.text,
        "help_text": data.help_text,
        "is_required": data.is_required,
        "is_knowledge": data.is_knowledge and data.kind in KNOWLEDGE_KINDS,
        "min_choices": data.min_choices if data.kind == K.MULTIPLE else None,
        "max_choices": data.max_choices if data.kind == K.MULTIPLE else None,
        "scale_max": data.scale_max if data.kind == K.RATING else None,
        "number_min": data.number_min if data.kind == K.NUMBER else None,
        "number_max": data.number_max if data.kind == K.NUMBER else None,
    }


def _set_options(question: SurveyQuestion, data: QuestionData) -> None:
    keep = data.kind in CHOICE_KINDS or data.kind == K.LIKERT
    rows = [o for o in data.options if o.text] if keep else []
    existing = {o.id: o for o in question.options}
    kept = []
    for position, row in enumerate(rows, 1):
        option = existing.get(row.id) if row.id else None
        if option is None:
            option = SurveyOption(text=row.text)
        option.text = row.text
        option.position = position
        option.is_correct = bool(row.is_correct and data.is_knowledge)
        kept.append(option)
    question.options = kept


def add_question(actor: User, survey: Survey, section: SurveySection, data: QuestionData):
    """A new question at the end of the section."""
    _require_manager(actor)
    _require_unlocked(survey)
    if len(survey.questions) >= MAX_QUESTIONS:
        raise ValidationFailed({"text": [_("At most %(max)d questions.", max=MAX_QUESTIONS)]})
    errors = question_errors(data)
    cond_id, cond_options, cond_errors = _condition(
        survey, None, section.id, data.condition_option_ids
    )
    if cond_errors:
        errors["condition_option_ids"] = cond_errors
    if errors:
        raise ValidationFailed(errors)
    in_section = [q.position for q in survey.questions if q.section_id == section.id]
    question = SurveyQuestion(
        survey_id=survey.id,
        section_id=section.id,
        position=max(in_section, default=0),
        condition_question_id=cond_id,
        condition_option_ids=cond_options,
        **_kind_fields(data),
    )
    _set_options(question, data)
    survey.questions.append(question)
    db.session.flush()
    _renumber(survey)  # equal positions keep the order of ids: the new one comes last
    audit.record(actor, "survey.question_added", survey, label=survey.title)
    db.session.commit()
    return question


def update_question(actor: User, survey: Survey, question: SurveyQuestion, data: QuestionData):
    """Change a question; once locked only its words, its help and its options' words."""
    _require_manager(actor)
    if survey.status == SurveyStatus.CLOSED:
        raise InvalidTransition(_("A closed survey can no longer change."))
    if is_locked(survey):
        _reword(question, data)
    else:
        errors = question_errors(data)
        cond_id, cond_options, cond_errors = _condition(
            survey, question, question.section_id, data.condition_option_ids
        )
        if cond_errors:
            errors["condition_option_ids"] = cond_errors
        if errors:
            raise ValidationFailed(errors)
        for key, value in _kind_fields(data).items():
            setattr(question, key, value)
        question.condition_question_id = cond_id
        question.condition_option_ids = cond_options
        _set_options(question, data)
        _drop_broken_conditions(survey)
    audit.record(actor, "survey.question_updated", survey, label=survey.title)
    db.session.commit()


def _reword(question: SurveyQuestion, data: QuestionData) -> None:
    """Wording fixes of a locked question: the texts only, every option kept."""
    errors: dict[str, list[str]] = {}
    if not data.text:
        errors["text"] = [_("Enter the question.")]
    elif len(data.text) > TEXT_MAX:
        errors["text"] = _too_long(TEXT_MAX)
    words = {row.id: row.text for row in data.options if row.id}
    if question.options and (
        set(words) != {o.id for o in question.options} or not all(words.values())
    ):
        errors["options"] = [
            _("The survey already has responses: options can be reworded, not added or removed.")
        ]
    if any(len(text) > OPTION_MAX for text in words.values()):
        errors["options"] = [_("An option has at most %(max)d characters.", max=OPTION_MAX)]
    if errors:
        raise ValidationFailed(errors)
    question.text = data.text
    question.help_text = data.help_text[:TEXT_MAX]
    for option in question.options:
        option.text = words[option.id]


def _drop_broken_conditions(survey: Survey) -> None:
    """A condition whose options are gone, or whose question is no longer earlier, is removed."""
    order = [q.id for q in ordered_questions(survey)]
    by_id = {q.id: q for q in survey.questions}
    for question in survey.questions:
        source = by_id.get(question.condition_question_id)
        if question.condition_question_id is None:
            continue
        ids = {o.id for o in source.options} if source is not None else set()
        keep = [i for i in question.condition_option_ids if i in ids]
        if (
            source is None
            or source.kind not in CHOICE_KINDS
            or not keep
            or order.index(source.id) > order.index(question.id)
        ):
            question.condition_question_id = None
            question.condition_option_ids = []
        else:
            question.condition_option_ids = keep


def delete_question(actor: User, survey: Survey, question: SurveyQuestion) -> None:
    _require_manager(actor)
    _require_unlocked(survey)
    survey.questions.remove(question)
    db.session.flush()
    _drop_broken_conditions(survey)
    _renumber(survey)
    audit.record(actor, "survey.question_deleted", survey, label=survey.title)
    db.session.commit()


def duplicate_question(actor: User, survey: Survey, question: SurveyQuestion) -> SurveyQuestion:
    """A copy right after the question (its condition too)."""
    _require_manager(actor)
    _require_unlocked(survey)
    copy = SurveyQuestion(
        survey_id=survey.id,
        section_id=question.section_id,
        position=question.position,
        condition_question_id=question.condition_question_id,
        condition_option_ids=list(question.condition_option_ids or []),
        kind=question.kind,
        text=question.text,
        help_text=question.help_text,
        is_required=question.is_required,
        is_knowledge=question.is_knowledge,
        min_choices=question.min_choices,
        max_choices=question.max_choices,
        scale_max=question.scale_max,
        number_min=question.number_min,
        number_max=question.number_max,
    )
    copy.options = [
        SurveyOption(text=o.text, position=o.position, is_correct=o.is_correct)
        for o in question.options
    ]
    survey.questions.append(copy)
    db.session.flush()
    _renumber(survey)
    audit.record(actor, "survey.question_added", survey, label=survey.title)
    db.session.commit()
    return copy


def move_question(actor: User, survey: Survey, question: SurveyQuestion, direction: str) -> None:
    """One place up or down; past the first or last question of a section it moves into the
    neighbouring section."""
    _require_manager(actor)
    _require_unlocked(survey)
    questions = ordered_questions(survey)
    sections = sorted(survey.sections, key=lambda s: (s.position, s.id))
    step = -1 if direction == "up" else 1
    same = [q for q in questions if q.section_id == question.section_id]
    at = same.index(question)
    if 0 <= at + step < len(same):
        other = same[at + step]
        question.position, other.position = other.position, question.position
    else:
        section_index = [s.id for s in sections].index(question.section_id)
        if not 0 <= section_index + step < len(sections):
            return
        target = sections[section_index + step]
        question.section_id = target.id
        in_target = [q.position for q in questions if q.section_id == target.id]
        question.position = (
            (min(in_target, default=0) - 1) if step > 0 else (max(in_target, default=0) + 1)
        )
    db.session.flush()
    _drop_broken_conditions(survey)
    _renumber(survey)
    audit.record(actor, "survey.question_moved", survey, label=survey.title)
    db.session.commit()


# A follow-up -----------------------------------------------------------------------------------


def duplicate_survey(actor: User, survey: Survey, title: str | None = None) -> Survey:
    """A draft copy for a follow-up ("khảo sát lần 2"): same details, sections and questions,
    each question linked to the one it copies, so the two can be compared."""
    _require_manager(actor)
    copy = Survey(
        campaign_id=survey.campaign_id,
        title=(clean(title) or _("%(title)s (follow-up)", title=survey.title))[:TITLE_MAX],
        introduction=survey.introduction,
        opens_at=survey.opens_at,
        closes_at=survey.closes_at,
        is_anonymous=survey.is_anonymous,
        is_open_to_all=survey.is_open_to_all,
        follows_id=survey.id,
        created_by_id=actor.id,
    )
    sections = {}
    for section in survey.sections:
        sections[section.id] = SurveySection(
            position=section.position, title=section.title, description=section.description
        )
    copy.sections = list(sections.values())
    db.session.add(copy)
    db.session.flush()
    options_map: dict[int, SurveyOption] = {}
    questions_map: dict[int, SurveyQuestion] = {}
    for question in ordered_questions(survey):
        new = SurveyQuestion(
            survey_id=copy.id,
            section_id=sections[question.section_id].id,
            position=question.position,
            source_id=question.id,
            kind=question.kind,
            text=question.text,
            help_text=question.help_text,
            is_required=question.is_required,
            is_knowledge=question.is_knowledge,
            min_choices=question.min_choices,
            max_choices=question.max_choices,
            scale_max=question.scale_max,
            number_min=question.number_min,
            number_max=question.number_max,
        )
        new.options = []
        for option in question.options:
            twin = SurveyOption(
                text=option.text,
                position=option.position,
                is_correct=option.is_correct,
                source_id=option.id,
            )
            new.options.append(twin)
            options_map[option.id] = twin
        questions_map[question.id] = new
        db.session.add(new)
    db.session.flush()
    for old_id, new in questions_map.items():
        old = next(q for q in survey.questions if q.id == old_id)
        if old.condition_question_id in questions_map:
            new.condition_question_id = questions_map[old.condition_question_id].id
            new.condition_option_ids = [
                options_map[i].id for i in old.condition_option_ids if i in options_map
            ]
    if not survey.is_open_to_all:
        SURVEY_AUDIENCE.set_units(copy.id, sorted(unit_ids(survey)))
    audit.record(actor, "survey.duplicated", copy, label=copy.title, source=survey.title)
    db.session.commit()
    return copy


def count_questions(survey_id: int) -> int:
    return db.session.scalar(
        select(func.count(SurveyQuestion.id)).where(SurveyQuestion.survey_id == survey_id)
    )


@cache
def _load_queries():
    """Built once (every answering page starts with them): the survey with its campaign and
    units, its sections, its questions, their options."""
    from sqlalchemy.orm import joinedload

    survey_id = bindparam("survey_id")
    return (
        select(Survey)
        .where(Survey.id == survey_id)
        .options(joinedload(Survey.campaign), joinedload(Survey.units)),
        select(SurveySection)
        .where(SurveySection.survey_id == survey_id)
        .order_by(*order_of(Survey.sections)),
        select(SurveyQuestion)
        .where(SurveyQuestion.survey_id == survey_id)
        .order_by(*order_of(Survey.questions)),
        select(SurveyOption)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyOption.question_id)
        .where(SurveyQuestion.survey_id == survey_id)
        .order_by(SurveyOption.question_id, *order_of(SurveyQuestion.options)),
    )


def load(survey_id: int, *, kept_structure: bool = False) -> Survey | None:
    """A survey with its campaign, units, sections, questions and options (four statements).
    With `kept_structure` (the answering pages, which only read it), a published survey's
    structure comes from the process's copy while unchanged (one statement: structure.py)."""
    survey_query, sections, questions, options = _load_queries()
    values = {"survey_id": survey_id}
    survey = db.session.execute(survey_query, values).unique().scalar_one_or_none()
    if survey is None:
        return None
    cacheable = kept_structure and not survey.is_draft and not _structure_loaded(survey)
    key = structure.key_of(db.engine.url, survey) if cacheable else None
    found = structure.kept(key) if key else None
    if found is not None:
        fill(survey, "sections", list(found[0]))
        fill(survey, "questions", list(found[1]))
        return survey
    loaded_sections = db.session.scalars(sections, values).all()
    fill(survey, "sections", loaded_sections)
    loaded = db.session.scalars(questions, values).all()
    fill(survey, "questions", loaded)
    by_question: dict[int, list[SurveyOption]] = {question.id: [] for question in loaded}
    for option in db.session.scalars(options, values):
        by_question[option.question_id].append(option)
    for question in loaded:
        fill(question, "options", by_question[question.id])
    if key:
        structure.keep(key, db.session, list(loaded_sections), list(loaded))
    return survey


def _structure_loaded(survey: Survey) -> bool:
    """Whether the session holds the survey's structure already (read, or being changed, in
    this request): then it is not replaced by a kept copy."""
    unloaded = inspect(survey).unloaded
    return "sections" not in unloaded or "questions" not in unloaded
