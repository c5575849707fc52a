"""Comparing two surveys, typically a follow-up ("khảo sát lần 2") with the survey it repeats:
which questions correspond, the figures of each pair side by side with their change, the
awareness index before and after, and the surveys a survey can be compared with.

Questions correspond by the link a follow-up copy keeps (`source_id`), else by their words;
options and Likert statements likewise. Every figure comes from `results.summary()` of each
survey, so the answers are aggregated in SQL and never loaded. Shares are in per cent (0–100,
as the `percent` filter takes them) and their change in percentage points; means are on the
question's own scale.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from app.extensions import db
from app.models.surveys import (
    CHOICE_KINDS,
    LIKERT_POINTS,
    QuestionKind,
    Survey,
    SurveyOption,
    SurveyQuestion,
    SurveyStatus,
)
from app.surveys import results
from app.surveys.results import QuestionResult, Summary
from app.surveys.services import ordered_questions

K = QuestionKind
SHARE = "share"
MEAN = "mean"


def normalized(text: str | None) -> str:
    """The words as compared: NFC, case folded, whitespace collapsed."""
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text or "").casefold())
    return " ".join(folded.split())


def _linked(earlier, later) -> bool:
    """Whether one was copied from the other (a question or an option), either way round."""
    return later.source_id == earlier.id or earlier.source_id == later.id


def _pair_up(before: Sequence, after: Sequence, same=lambda b, a: True) -> list[tuple]:
    """[(before item, after item)] in the order of `after`: by link first, then by words;
    each item at most once, only items for which `same(b, a)` holds."""
    pairs: dict[int, object] = {}  # index in after -> before item
    used: set[int] = set()
    for passes in (_linked, lambda b, a: normalized(b.text) == normalized(a.text)):
        for at, later in enumerate(after):
            if at in pairs:
                continue
            for index, earlier in enumerate(before):
                if index not in used and same(earlier, later) and passes(earlier, later):
                    pairs[at] = earlier
                    used.add(index)
                    break
    return [(pairs[at], later) for at, later in enumerate(after) if at in pairs]


def match_questions(before: Survey, after: Survey) -> list[tuple[SurveyQuestion, SurveyQuestion]]:
    """[(question of `before`, question of `after`)] of the same kind that correspond: by the
    follow-up's link, then by the same words; in the order of the after survey (both loaded
    with their questions)."""
    return _pair_up(
        ordered_questions(before), ordered_questions(after), lambda b, a: b.kind == a.kind
    )


@dataclass
class Line:
    """One figure of both surveys: a share in per cent or a mean."""

    label: str = ""
    before: float | None = None
    after: float | None = None
    is_correct: bool = False
    # False when the two figures are not on the same scale (a rating of 1–5 against 0–10).
    is_comparable: bool = True

    @property
    def change(self) -> float | None:
        """Percentage points for a share, points of the scale for a mean."""
        if self.before is None or self.after is None or not self.is_comparable:
            return None
        return self.after - self.before


@dataclass
class Row:
    """A pair of corresponding questions and their figures."""

    before: QuestionResult
    after: QuestionResult
    measure: str = ""  # SHARE, MEAN, or "" for texts and dates (only the answer counts)
    lines: list[Line] = field(default_factory=list)
    top: float | None = None  # where the bars of the lines end
    correct: Line | None = None  # knowledge question: share answered right

    @property
    def question(self) -> SurveyQuestion:
        return self.after.question

    @property
    def is_reworded(self) -> bool:
        return normalized(self.before.question.text) != normalized(self.after.question.text)


@dataclass
class Comparison:
    before: Summary
    after: Summary
    rows: list[Row]
    only_before: list[SurveyQuestion]  # questions of the earlier survey left unmatched
    only_after: list[SurveyQuestion]
    index: Line  # awareness index, per cent
    rate: Line  # response rate, per cent

    @property
    def responses(self) -> tuple[int, int]:
        return self.before.responses, self.after.responses


def _percent(value: float | None) -> float | None:
    return None if value is None else 100 * value


def _share(count: int, result: QuestionResult) -> float | None:
    return 100 * count / result.answered if result.answered else None


def _option_lines(
    before: Sequence[SurveyOption], after: Sequence[SurveyOption], value_of
) -> list[Line]:
    """A line per option (or Likert statement) of the after question with its twin's figure;
    then the earlier question's options that have no twin."""
    pairs = _pair_up(before, after)
    twin = {id(a): b for b, a in pairs}
    lines = [
        Line(
            option.text,
            value_of(twin[id(option)], "before") if id(option) in twin else None,
            value_of(option, "after"),
            option.is_correct,
        )
        for option in after
    ]
    kept = {id(b) for b, _a in pairs}
    lines += [
        Line(option.text, value_of(option, "before"), None, option.is_correct)
        for option in before
        if id(option) not in kept
    ]
    return lines


def _choice_row(row: Row) -> None:
    results_of = {"before": row.before, "after": row.after}
    shares = {
        side: {o.id: _share(o.count, result) for o in result.options}
        for side, result in results_of.items()
    }
    row.measure, row.top = SHARE, 100
    row.lines = _option_lines(
        row.before.question.options,
        row.after.question.options,
        lambda option, side: shares[side].get(option.id),
    )
    if row.before.question.is_knowledge or row.after.question.is_knowledge:
        row.correct = Line(
            before=_percent(row.before.correct_share), after=_percent(row.after.correct_share)
        )


def _likert_row(row: Row) -> None:
    means = {
        side: {statement.id: mean for statement, _points, _total, mean in result.statements}
        for side, result in (("before", row.before), ("after", row.after))
    }
    row.measure, row.top = MEAN, LIKERT_POINTS
    row.lines = _option_lines(
        row.before.question.options,
        row.after.question.options,
        lambda statement, side: means[side].get(statement.id),
    )


def _yes_share(result: QuestionResult) -> float | None:
    return _share(dict(result.points).get("yes", 0), result)


def _row(before: QuestionResult, after: QuestionResult) -> Row:
    row = Row(before, after)
    kind = after.question.kind
    if kind in CHOICE_KINDS:
        _choice_row(row)
    elif kind == K.LIKERT:
        _likert_row(row)
    elif kind == K.RATING:
        scales = {before.question.scale_max or 5, after.question.scale_max or 5}
        row.measure, row.top = MEAN, max(scales)
        row.lines = [Line("", before.mean, after.mean, is_comparable=len(scales) == 1)]
    elif kind == K.NUMBER:
        known = [m for m in (before.mean, after.mean) if m is not None]
        # Bars only for figures from zero up (a number question may allow negatives).
        row.measure, row.top = MEAN, max(known, default=0) if min(known, default=0) >= 0 else None
        row.lines = [Line("", before.mean, after.mean)]
    elif kind == K.YES_NO:
        row.measure, row.top = SHARE, 100
        row.lines = [Line("yes", _yes_share(before), _yes_share(after))]
    return row


def _rate(summary: Summary) -> float | None:
    return 100 * summary.answered / summary.audience if summary.audience else None


def compare(before: Survey, after: Survey) -> Comparison:
    """The figures of `after` against those of `before` (both loaded as services.load gives
    them), question by corresponding question."""
    first, second = results.summary(before), results.summary(after)
    by_question = {r.question.id: r for summary in (first, second) for r in summary.questions}
    pairs = match_questions(before, after)
    matched = {q.id for pair in pairs for q in pair}
    return Comparison(
        before=first,
        after=second,
        rows=[_row(by_question[b.id], by_question[a.id]) for b, a in pairs],
        only_before=[q for q in ordered_questions(before) if q.id not in matched],
        only_after=[q for q in ordered_questions(after) if q.id not in matched],
        index=Line(before=_percent(first.index), after=_percent(second.index)),
        rate=Line(before=_rate(first), after=_rate(second)),
    )


def candidates(survey: Survey) -> list[Survey]:
    """The surveys `survey` can be compared with: the one it follows, then those that follow
    it, then the campaign's other published or closed surveys, newest first (one query)."""
    conditions = [Survey.follows_id == survey.id, Survey.campaign_id == survey.campaign_id]
    if survey.follows_id is not None:
        conditions.append(Survey.id == survey.follows_id)
    found = db.session.scalars(
        select(Survey).where(
            Survey.id != survey.id,
            Survey.status.in_((SurveyStatus.PUBLISHED, SurveyStatus.CLOSED)),
            or_(*conditions),
        )
    ).all()
    newest_first = sorted(found, key=lambda s: (s.opens_at, s.id), reverse=True)

    def group(other: Survey) -> int:
        if other.id == survey.follows_id:
            return 0
        return 1 if other.follows_id == survey.id else 2

    followers = sorted((s for s in newest_first if group(s) == 1), key=lambda s: (s.opens_at, s.id))
    return (
        [s for s in newest_first if group(s) == 0]
        + followers
        + [s for s in newest_first if group(s) == 2]
    )


def chronological(one: Survey, other: Survey) -> tuple[Survey, Survey]:
    """(earlier, later) of two surveys: the one followed comes first, else the one opening
    first, so a comparison reads "before → after" whichever page it starts from."""
    if one.follows_id == other.id:
        return other, one
    if other.follows_id == one.id:
        return one, other
    return (one, other) if (one.opens_at, one.id) <= (other.opens_at, other.id) else (other, one)
