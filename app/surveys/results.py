"""What the results page reads, from the survey's running tallies (app/surveys/tallies.py), so
the same few rows whatever the number of responses: counts per option and per Likert point,
means, the awareness index overall, per question and per unit; text answers with search; and
the response rate by unit, grouped in SQL from the participation rows.

An anonymous survey is never broken down into a group of fewer than MIN_GROUP respondents:
such a group is reported as "< 5" (None here), and its answers are not broken down by unit at
all (the response holds no unit).
"""

from dataclasses import astuple, dataclass, field

from sqlalchemy import and_, func, select

from app.extensions import db
from app.figures_cache import cached
from app.models.directory import Unit
from app.models.surveys import (
    CHOICE_KINDS,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyParticipation,
    SurveyQuestion,
)
from app.surveys import tallies
from app.surveys.services import audience, ordered_questions
from app.text import text_sort_key

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


# With more units than this (a province has hundreds), the results page shows the units whose
# rate is lowest and folds the whole table, which would stand before the answers otherwise.
UNITS_UNFOLDED = 12
LAGGING = 5


def lagging(units: list[tuple], limit: int = LAGGING) -> list[tuple]:
    """Of Summary.units, the `limit` whose response rate is lowest (lowest first; a unit whose
    count is hidden, or that nobody was asked in, is left out)."""
    rated = [unit for unit in units if unit[2] is not None and unit[1]]
    return sorted(rated, key=lambda unit: unit[2] / unit[1])[:limit]


def shown(results: list[QuestionResult]) -> tuple:
    """Everything the results page's cards by question show, as plain values: the key under
    which their drawing is kept (app/web/fragments.py). A value a card comes to show must be
    here too."""
    return tuple(
        (
            r.question.id,
            r.question.kind,
            r.question.text,
            r.number,
            r.answered,
            tuple(astuple(option) for option in r.options),
            tuple((s.id, s.text, tuple(n), total, mean) for s, n, total, mean in r.statements),
            r.mean,
            r.minimum,
            r.maximum,
            tuple(r.points),
            r.correct_share,
            r.texts,
        )
        for r in results
    )


def awareness_index(survey: Survey) -> float | None:
    """The mean share of knowledge answers right over the responses (one query)."""
    return tallies.read(survey.id).get((tallies.SURVEY, 0, "index"), tallies.EMPTY).mean


def response_rates(survey: Survey) -> list[tuple]:
    """[(unit id, unit name, audience, answered)] from the participation rows (one query,
    from the cache while no audited change has come: app/figures_cache.py)."""
    return cached("response_rates", (survey.id,), lambda: _response_rates(survey))


def _response_rates(survey: Survey) -> list[tuple]:
    """(unit id, name, addressed, answered) per unit: counted by unit id, then named (the
    units joined to a row per unit rather than to a row per person)."""
    people = audience(survey).subquery()
    counts = (
        select(
            people.c.unit_id,
            func.count(people.c.id).label("addressed"),
            func.count(SurveyParticipation.user_id).label("answered"),
        )
        .select_from(people)
        .outerjoin(
            SurveyParticipation,
            and_(
                SurveyParticipation.user_id == people.c.id,
                SurveyParticipation.survey_id == survey.id,
            ),
        )
        .group_by(people.c.unit_id)
        .subquery()
    )
    rows = db.session.execute(
        select(counts.c.unit_id, Unit.name, counts.c.addressed, counts.c.answered)
        .select_from(counts)
        .outerjoin(Unit, Unit.id == counts.c.unit_id)
    ).all()
    return sorted((tuple(row) for row in rows), key=lambda r: (r[0] is None, text_sort_key(r[1])))


def summary(survey: Survey) -> Summary:
    """Everything the results page shows, from the survey's tallies and the participation rows
    (two queries besides the questions, whatever the number of responses)."""
    stored = tallies.read(survey.id)

    def tally(question_id: int, item: int, measure: str) -> tallies.Tally:
        return stored.get((question_id, item, measure), tallies.EMPTY)

    results = []
    for number, question in enumerate(ordered_questions(survey), 1):
        q = question.id
        result = QuestionResult(question, number, answered=tally(q, 0, "answered").count)
        base = result.answered or 1
        if question.kind in CHOICE_KINDS:
            result.options = [
                OptionCount(
                    o.id,
                    o.text,
                    tally(q, o.id, "option").count,
                    tally(q, o.id, "option").count / base,
                    o.is_correct,
                )
                for o in question.options
            ]
            result.correct_share = tally(q, 0, "correct").mean
        elif question.kind == K.LIKERT:
            for statement in question.options:
                per_point = [
                    tally(q, statement.id, tallies.point_key(p)).count for p in range(1, 6)
                ]
                mean = tally(q, statement.id, "number").mean
                result.statements.append((statement, per_point, sum(per_point), mean))
        elif question.kind == K.RATING:
            low = 0 if question.scale_max == 10 else 1
            result.points = [
                (p, tally(q, 0, tallies.point_key(p)).count)
                for p in range(low, (question.scale_max or 5) + 1)
            ]
            result.mean = tally(q, 0, "number").mean
        elif question.kind == K.YES_NO:
            result.points = [(v, tally(q, 0, tallies.point_key(v)).count) for v in ("yes", "no")]
        elif question.kind == K.NUMBER:
            numbers = tally(q, 0, "number")
            result.mean, result.minimum, result.maximum = numbers.mean, numbers.low, numbers.high
        elif question.kind in (K.SHORT_TEXT, K.LONG_TEXT):
            result.texts = result.answered
        results.append(result)
    # A named survey's awareness index by unit, of units with MIN_GROUP scored responses.
    by_unit = {
        item or None: found.mean
        for (q, item, measure), found in stored.items()
        if q == tallies.SURVEY and measure == "unit" and found.count >= MIN_GROUP
    }
    rates = response_rates(survey)
    units = [
        (
            name,
            size,
            None if survey.is_anonymous and done < MIN_GROUP else done,
            None if survey.is_anonymous else by_unit.get(unit_id),
        )
        for unit_id, name, size, done in rates
    ]
    return Summary(
        responses=tally(tallies.SURVEY, 0, "responses").count,
        audience=sum(r[2] for r in rates),
        answered=sum(r[3] for r in rates),
        index=tally(tallies.SURVEY, 0, "index").mean,
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
