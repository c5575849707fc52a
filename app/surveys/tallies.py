"""Running tallies of a survey's answers: the submission adds its response to them in its own
transaction, so the results page reads a few rows per question, not every answer (50,000
responses are a million answers at province scale).

A tally is a count, with a total, a lowest and a highest value where the measure has values.
Its key is (question id, item, measure):

- (0, 0, "responses"): responses submitted;
- (0, 0, "index"): responses with knowledge questions, the total of their shares right;
- (0, unit id, "unit"): the same for a named survey's respondents of a unit (0: no unit), by
  the unit they were in when they answered; an anonymous survey has none;
- (q, 0, "answered"): responses that answered question q;
- (q, option id, "option"): choices of an option (single, multiple, dropdown);
- (q, item, "point:<v>"): Likert points per statement, rating points, "point:yes"/"point:no";
- (q, item, "number"): numeric answers (Likert per statement, rating, number), with values;
- (q, 0, "correct"): a knowledge question's answers, the total of those right.

`rebuild()` recomputes the tallies from the stored answers in SQL (for data loaded in bulk,
and as the check that the running tallies are right: a test compares the two).
"""

from dataclasses import dataclass
from functools import cache

from sqlalchemy import (
    Float,
    Integer,
    String,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models.directory import User
from app.models.surveys import (
    CHOICE_KINDS,
    QuestionKind,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyTally,
)

K = QuestionKind
Key = tuple[int, int, str]
SURVEY = 0  # the question id of the survey's own tallies
POINT_KINDS = (K.LIKERT, K.RATING, K.YES_NO)
NUMBER_KINDS = (K.LIKERT, K.RATING, K.NUMBER)


@dataclass
class Tally:
    count: int = 0
    total: float = 0.0
    low: float | None = None
    high: float | None = None

    def add(self, value: float | None = None) -> None:
        self.count += 1
        if value is not None:
            self.total += value
            self.low = value if self.low is None else min(self.low, value)
            self.high = value if self.high is None else max(self.high, value)

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None


EMPTY = Tally()


def point_key(value) -> str:
    """The measure of a point: "point:3" for a Likert or rating point, "point:yes"."""
    return f"point:{value if isinstance(value, str) else int(value)}"


def of_response(
    answers: list[tuple[SurveyQuestion, list[dict]]],
    knowledge: tuple[int, int] | None,
    unit_id: int | None,
) -> dict[Key, Tally]:
    """The tallies one response adds: its answer rows (`survey_answers` values) by question,
    its knowledge score (right, asked) or None, and the respondent's unit in a named survey
    (0: no unit; None when the survey is anonymous)."""
    tallies: dict[Key, Tally] = {}

    def add(key: Key, value: float | None = None) -> None:
        tallies.setdefault(key, Tally()).add(value)

    add((SURVEY, 0, "responses"))
    if knowledge is not None:
        share = knowledge[0] / knowledge[1]
        add((SURVEY, 0, "index"), share)
        if unit_id is not None:
            add((SURVEY, unit_id, "unit"), share)
    for question, rows in answers:
        if not rows:
            continue
        q = question.id
        add((q, 0, "answered"))
        for row in rows:
            item = row["item"]
            if question.kind in CHOICE_KINDS:
                add((q, row["option_id"], "option"))
            if question.kind in POINT_KINDS:
                add((q, item, point_key(row["text_value"] or row["number_value"])))
            if question.kind in NUMBER_KINDS:
                add((q, item, "number"), row["number_value"])
        if rows[0]["is_correct"] is not None:
            add((q, 0, "correct"), 1.0 if rows[0]["is_correct"] else 0.0)
    return tallies


def add_response(survey_id: int, tallies: dict[Key, Tally]) -> None:
    """Add one response's tallies (of_response) to the survey's: one executemany, in the
    caller's transaction. The rows go in key order, so two submissions lock the rows they share
    in the same order (no deadlock on PostgreSQL)."""
    rows = [
        {
            "survey_id": survey_id,
            "question_id": q,
            "item": item,
            "measure": measure,
            "count": tally.count,
            "total": tally.total,
            "low": tally.low,
            "high": tally.high,
        }
        for (q, item, measure), tally in sorted(tallies.items())
    ]
    if rows:
        db.session.execute(_upsert(db.session.get_bind().dialect.name), rows)


@cache
def _upsert(dialect: str):
    """The upsert of one tally row, built once per dialect (a statement carrying a response's
    rows as values would be built, keyed and compiled again for each response)."""
    table = SurveyTally.__table__
    stmt = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    new, old = stmt.excluded, table.c
    lower = or_(old["low"].is_(None), new["low"] < old["low"])
    higher = or_(old["high"].is_(None), new["high"] > old["high"])
    return stmt.on_conflict_do_update(
        index_elements=[old.survey_id, old.question_id, old.item, old.measure],
        set_={
            "count": old["count"] + new["count"],
            "total": old["total"] + new["total"],
            "low": case((lower, new["low"]), else_=old["low"]),
            "high": case((higher, new["high"]), else_=old["high"]),
        },
    )


def read(survey_id: int) -> dict[Key, Tally]:
    """Every tally of a survey (one query)."""
    rows = db.session.execute(
        select(
            SurveyTally.question_id,
            SurveyTally.item,
            SurveyTally.measure,
            SurveyTally.count,
            SurveyTally.total,
            SurveyTally.low,
            SurveyTally.high,
        ).where(SurveyTally.survey_id == survey_id)
    ).all()
    return {
        (q, item, m): Tally(n, total or 0.0, low, high) for q, item, m, n, total, low, high in rows
    }


# Recomputing from the answers ------------------------------------------------------------------


def _from_answers(survey_ids: list[int]) -> list:
    """SELECTs giving every tally row of these surveys from the stored answers."""
    a, q, r = SurveyAnswer, SurveyQuestion, SurveyResponse
    zero, none = literal(0), cast(null(), Float)
    share = cast(r.knowledge_correct, Float) / r.knowledge_total

    def of_responses(*columns):
        return select(*columns).where(r.survey_id.in_(survey_ids), r.knowledge_total > 0)

    def of_answers(*columns):
        return (
            select(*columns)
            .select_from(a)
            .join(q, q.id == a.question_id)
            .where(q.survey_id.in_(survey_ids))
        )

    shares = (func.count(), func.sum(share), func.min(share), func.max(share))
    unit = func.coalesce(User.unit_id, 0)
    value = case(
        (a.text_value.is_not(None), a.text_value),
        else_=cast(cast(a.number_value, Integer), String),
    )
    right = case((a.is_correct.is_(True), 1.0), else_=0.0)
    nothing = (literal(0.0), none, none)
    return [
        select(r.survey_id, zero, zero, literal("responses"), func.count(), *nothing)
        .where(r.survey_id.in_(survey_ids))
        .group_by(r.survey_id),
        of_responses(r.survey_id, zero, zero, literal("index"), *shares).group_by(r.survey_id),
        of_responses(r.survey_id, zero, unit, literal("unit"), *shares)
        .join(User, User.id == r.user_id)
        .group_by(r.survey_id, unit),
        of_answers(
            q.survey_id,
            a.question_id,
            zero,
            literal("answered"),
            func.count(a.response_id.distinct()),
            *nothing,
        ).group_by(q.survey_id, a.question_id),
        of_answers(
            q.survey_id, a.question_id, a.option_id, literal("option"), func.count(), *nothing
        )
        .where(q.kind.in_(CHOICE_KINDS), a.option_id.is_not(None))
        .group_by(q.survey_id, a.question_id, a.option_id),
        of_answers(
            q.survey_id, a.question_id, a.item, literal("point:") + value, func.count(), *nothing
        )
        .where(q.kind.in_(POINT_KINDS))
        .group_by(q.survey_id, a.question_id, a.item, value),
        of_answers(
            q.survey_id,
            a.question_id,
            a.item,
            literal("number"),
            func.count(),
            func.sum(a.number_value),
            func.min(a.number_value),
            func.max(a.number_value),
        )
        .where(q.kind.in_(NUMBER_KINDS), a.number_value.is_not(None))
        .group_by(q.survey_id, a.question_id, a.item),
        of_answers(
            q.survey_id,
            a.question_id,
            zero,
            literal("correct"),
            func.count(),
            func.sum(right),
            func.min(right),
            func.max(right),
        )
        .where(a.is_correct.is_not(None))
        .group_by(q.survey_id, a.question_id),
    ]


def rebuild(survey_ids: list[int]) -> None:
    """Recompute these surveys' tallies from their stored answers (a statement per measure;
    the caller commits)."""
    table = SurveyTally.__table__
    columns = ["survey_id", "question_id", "item", "measure", "count", "total", "low", "high"]
    db.session.execute(delete(table).where(table.c.survey_id.in_(survey_ids)))
    for query in _from_answers(survey_ids):
        db.session.execute(insert(table).from_select(columns, query))
