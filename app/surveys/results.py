"""What the results page reads, aggregated in SQL whatever the number of responses: counts per
option and per Likert point, means, the awareness index overall, per question and per unit,
text answers with search, and the response rate by unit from the participation rows.

An anonymous survey is never broken down into a group of fewer than MIN_GROUP respondents:
such a group is reported as "< 5" (None here), and its answers are not broken down by unit at
all (the response holds no unit).
"""

from dataclasses import dataclass, field

from sqlalchemy import Float, Integer, String, and_, case, cast, func, select

from app.extensions import db
from app.models.directory import Unit, User
from app.models.surveys import (
    CHOICE_KINDS,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
)
from app.surveys.services import audience, ordered_questions

K = QuestionKind
MIN_GROUP = 5
TEXT_PAGE = 50


@dataclass
class OptionCount:
    id: int
    text: str
    count: int
    share: float  # of those who answered the question, 0..1
    is_correct: bool = False


@dataclass
class QuestionResult:
    question: SurveyQuestion
    number: int
    answered: int = 0
    options: list[OptionCount] = field(default_factory=list)
    # Likert: per statement, the counts of points 1..5 and the mean.
    statements: list[tuple] = field(default_factory=list)
    mean: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    # Rating: counts per point; yes/no: counts of yes and no.
    points: list[tuple[int, int]] = field(default_factory=list)
    correct_share: float | None = None
    # Texts: how many answers (listed on their own page, with search).
    texts: int = 0


@dataclass
class Summary:
    responses: int
    audience: int
    answered: int  # from participation (anonymous surveys too)
    index: float | None  # mean share of knowledge answers right, 0..1
    questions: list[QuestionResult]
    units: list[tuple]  # (unit name, audience, answered or None when under MIN_GROUP, index)


def _of_survey(survey: Survey):
    """SQL: the answer is to one of the survey's (loaded) questions, so of one of its
    responses. The ids are given as values, so that the database reads them through the
    answers' (question, option) index: joining the responses, or a subquery of the questions,
    made PostgreSQL scan every survey's answers."""
    return SurveyAnswer.question_id.in_([question.id for question in survey.questions])


def _of_kinds(survey: Survey, kinds):
    """SQL: the answer is to one of the survey's questions of these kinds."""
    ids = [question.id for question in survey.questions if question.kind in kinds]
    return SurveyAnswer.question_id.in_(ids)


def _counts(survey: Survey) -> dict[tuple[int, int | None], int]:
    """{(question id, option id): answers} of every choice and Likert question (one query)."""
    rows = db.session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.option_id, func.count())
        .where(_of_survey(survey), SurveyAnswer.option_id.is_not(None))
        .group_by(SurveyAnswer.question_id, SurveyAnswer.option_id)
    ).all()
    return {(q, o): n for q, o, n in rows}


# Kinds stored as several rows of a response (a row per option chosen, per statement).
MULTI_ROW_KINDS = (K.MULTIPLE, K.LIKERT)


def _answered(survey: Survey) -> dict[int, int]:
    """{question id: responses that answered it} (two queries): the rows of the questions
    answered in one row, the distinct responses of the others. Counting distinct responses of
    every question sorted all the answers (1.5 s for 50,000 responses on PostgreSQL)."""
    single = [q.id for q in survey.questions if q.kind not in MULTI_ROW_KINDS]
    rows = db.session.execute(
        select(SurveyAnswer.question_id, func.count())
        .where(SurveyAnswer.question_id.in_(single))
        .group_by(SurveyAnswer.question_id)
    ).all()
    pairs = (
        select(SurveyAnswer.question_id, SurveyAnswer.response_id)
        .where(_of_kinds(survey, MULTI_ROW_KINDS))
        .distinct()
        .subquery()
    )
    rows += db.session.execute(
        select(pairs.c.question_id, func.count()).group_by(pairs.c.question_id)
    ).all()
    return dict(rows)


def _numbers(survey: Survey) -> dict[tuple[int, int], tuple]:
    """{(question id, item): (count, mean, min, max)} of the numeric answers (one query)."""
    rows = db.session.execute(
        select(
            SurveyAnswer.question_id,
            SurveyAnswer.item,
            func.count(),
            func.avg(SurveyAnswer.number_value),
            func.min(SurveyAnswer.number_value),
            func.max(SurveyAnswer.number_value),
        )
        .where(_of_survey(survey), SurveyAnswer.number_value.is_not(None))
        .group_by(SurveyAnswer.question_id, SurveyAnswer.item)
    ).all()
    return {(q, i): (n, mean, low, high) for q, i, n, mean, low, high in rows}


def _points(survey: Survey) -> dict[tuple[int, int, str], int]:
    """{(question id, item, value): count} of Likert and rating points and yes/no (one query)."""
    value = case(
        (SurveyAnswer.text_value.is_not(None), SurveyAnswer.text_value),
        else_=cast(cast(SurveyAnswer.number_value, Integer), String),
    )
    kinds = (K.LIKERT, K.RATING, K.YES_NO)
    rows = db.session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.item, value, func.count())
        .where(_of_kinds(survey, kinds))
        .group_by(SurveyAnswer.question_id, SurveyAnswer.item, value)
    ).all()
    return {(q, i, str(v)): n for q, i, v, n in rows}


def _texts(survey: Survey) -> dict[int, int]:
    kinds = (K.SHORT_TEXT, K.LONG_TEXT)
    rows = db.session.execute(
        select(SurveyAnswer.question_id, func.count())
        .where(_of_kinds(survey, kinds))
        .group_by(SurveyAnswer.question_id)
    ).all()
    return dict(rows)


def _correct(survey: Survey) -> dict[int, float]:
    """{knowledge question id: share answered right} (one query)."""
    rows = db.session.execute(
        select(
            SurveyAnswer.question_id,
            func.avg(case((SurveyAnswer.is_correct.is_(True), 1.0), else_=0.0)),
        )
        .where(_of_survey(survey), SurveyAnswer.is_correct.is_not(None))
        .group_by(SurveyAnswer.question_id)
    ).all()
    return {q: float(share) for q, share in rows}


def awareness_index(survey: Survey) -> float | None:
    """The mean share of knowledge answers right over the responses (one query)."""
    value = db.session.scalar(
        select(
            func.avg(cast(SurveyResponse.knowledge_correct, Float) / SurveyResponse.knowledge_total)
        ).where(SurveyResponse.survey_id == survey.id, SurveyResponse.knowledge_total > 0)
    )
    return float(value) if value is not None else None


def response_rates(survey: Survey) -> list[tuple]:
    """[(unit id, unit name, audience, answered)] from the participation rows (one query)."""
    people = audience(survey).subquery()
    rows = db.session.execute(
        select(
            people.c.unit_id,
            Unit.name,
            func.count(people.c.id),
            func.count(SurveyParticipation.user_id),
        )
        .select_from(people)
        .outerjoin(Unit, Unit.id == people.c.unit_id)
        .outerjoin(
            SurveyParticipation,
            and_(
                SurveyParticipation.user_id == people.c.id,
                SurveyParticipation.survey_id == survey.id,
            ),
        )
        .group_by(people.c.unit_id, Unit.name)
    ).all()
    return sorted(rows, key=lambda r: (r[0] is None, r[1] or ""))


def unit_index(survey: Survey) -> dict[int | None, float]:
    """{unit id: awareness index} of a named survey's responses (one query); {} when anonymous."""
    if survey.is_anonymous:
        return {}
    rows = db.session.execute(
        select(
            User.unit_id,
            func.count(),
            func.avg(
                cast(SurveyResponse.knowledge_correct, Float) / SurveyResponse.knowledge_total
            ),
        )
        .join(User, User.id == SurveyResponse.user_id)
        .where(SurveyResponse.survey_id == survey.id, SurveyResponse.knowledge_total > 0)
        .group_by(User.unit_id)
    ).all()
    return {unit: float(mean) for unit, n, mean in rows if n >= MIN_GROUP}


def summary(survey: Survey) -> Summary:
    """Everything the results page shows (a fixed number of queries)."""
    counts, answered, numbers = _counts(survey), _answered(survey), _numbers(survey)
    points, texts, correct = _points(survey), _texts(survey), _correct(survey)
    responses = db.session.scalar(
        select(func.count())
        .select_from(SurveyResponse)
        .where(SurveyResponse.survey_id == survey.id)
    )
    results = []
    for number, question in enumerate(ordered_questions(survey), 1):
        result = QuestionResult(question, number, answered=answered.get(question.id, 0))
        base = result.answered or 1
        if question.kind in CHOICE_KINDS:
            result.options = [
                OptionCount(
                    o.id,
                    o.text,
                    counts.get((question.id, o.id), 0),
                    counts.get((question.id, o.id), 0) / base,
                    o.is_correct,
                )
                for o in question.options
            ]
            result.correct_share = correct.get(question.id)
        elif question.kind == K.LIKERT:
            for statement in question.options:
                per_point = [
                    points.get((question.id, statement.id, str(p)), 0) for p in range(1, 6)
                ]
                stats = numbers.get((question.id, statement.id))
                result.statements.append(
                    (statement, per_point, sum(per_point), stats[1] if stats else None)
                )
        elif question.kind == K.RATING:
            low = 0 if question.scale_max == 10 else 1
            result.points = [
                (p, points.get((question.id, 0, str(p)), 0))
                for p in range(low, (question.scale_max or 5) + 1)
            ]
            stats = numbers.get((question.id, 0))
            result.mean = stats[1] if stats else None
        elif question.kind == K.YES_NO:
            result.points = [
                ("yes", points.get((question.id, 0, "yes"), 0)),
                ("no", points.get((question.id, 0, "no"), 0)),
            ]
        elif question.kind == K.NUMBER:
            stats = numbers.get((question.id, 0))
            if stats:
                result.mean, result.minimum, result.maximum = stats[1], stats[2], stats[3]
        elif question.kind in (K.SHORT_TEXT, K.LONG_TEXT):
            result.texts = texts.get(question.id, 0)
        results.append(result)
    rates = response_rates(survey)
    by_unit = unit_index(survey)
    units = [
        (
            name,
            size,
            None if survey.is_anonymous and done < MIN_GROUP else done,
            by_unit.get(unit_id),
        )
        for unit_id, name, size, done in rates
    ]
    return Summary(
        responses=responses,
        audience=sum(r[2] for r in rates),
        answered=sum(r[3] for r in rates),
        index=awareness_index(survey),
        questions=results,
        units=units,
    )


def text_answers(question: SurveyQuestion, q: str = "", page: int = 1):
    """A page of a text question's answers containing every word of the search."""
    stmt = (
        select(SurveyAnswer.text_value)
        .where(SurveyAnswer.question_id == question.id, SurveyAnswer.text_value.is_not(None))
        .order_by(SurveyAnswer.response_id)
    )
    for word in q.split():
        stmt = stmt.where(SurveyAnswer.text_value.ilike(f"%{word}%"))
    return db.paginate(stmt, page=page, per_page=TEXT_PAGE, error_out=False)
