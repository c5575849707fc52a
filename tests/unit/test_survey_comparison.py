"""Comparing a follow-up survey with the one it repeats: matched questions and options, shares,
means, the awareness index, the surveys offered for comparison, the page."""

import unicodedata
from datetime import timedelta

import pytest
from flask import render_template
from flask_login import login_user

from app.extensions import db
from app.models.surveys import QuestionKind, SurveyStatus
from app.surveys import services
from app.surveys.comparison import (
    MEAN,
    SHARE,
    candidates,
    chronological,
    compare,
    match_questions,
    normalized,
)
from tests.factories import make_campaign, make_user
from tests.initiative_helpers import make_officer
from tests.review_helpers import seen
from tests.survey_helpers import EVERY_KIND, answer_all, close, make_survey, question

K = QuestionKind
SINGLE = "Kế hoạch thực hiện văn bản nào?"
MULTIPLE = "Những nội dung nào thuộc Phong trào?"
DROPDOWN = "Anh/chị công tác ở khối nào?"
LIKERT = "Mức độ đồng ý"
RATING = "Đánh giá chung"
YES_NO = "Đã được phổ biến Kế hoạch?"
NUMBER = "Số lớp tập huấn đã dự"
USEFUL, TIMELY = "Phong trào thiết thực", "Khen thưởng kịp thời"
PLAN, DIRECTIVE = "Kế hoạch 146", "Chỉ thị 27"
DIGITAL, GREEN, TOURISM = "Hạ tầng số", "Chuyển đổi xanh", "Du lịch"

# Knowledge: SINGLE (right: PLAN) and MULTIPLE (right: DIGITAL + GREEN).
FIRST_ANSWERS = [  # index 0/2, 1/2, 1/2, 0/2 -> 25 %
    {SINGLE: DIRECTIVE, MULTIPLE: [DIGITAL], DROPDOWN: "Trung tâm",
     LIKERT: {USEFUL: 2, TIMELY: 3}, RATING: 2, YES_NO: "no", NUMBER: "1"},
    {SINGLE: PLAN, MULTIPLE: [DIGITAL, TOURISM], DROPDOWN: "Phòng chuyên môn",
     LIKERT: {USEFUL: 3, TIMELY: 2}, RATING: 3, YES_NO: "yes", NUMBER: "2"},
    {SINGLE: DIRECTIVE, MULTIPLE: [DIGITAL, GREEN], DROPDOWN: "Phòng chuyên môn",
     LIKERT: {USEFUL: 4}, RATING: 3, YES_NO: "no"},
    {SINGLE: DIRECTIVE, MULTIPLE: [TOURISM], YES_NO: "no"},
]  # fmt: skip
SECOND_ANSWERS = [  # index 2/2, 2/2, 1/2, 1/2, 1/2 -> 70 %
    {SINGLE: PLAN, MULTIPLE: [DIGITAL, GREEN], DROPDOWN: "Trung tâm",
     LIKERT: {USEFUL: 5, TIMELY: 4}, RATING: 4, YES_NO: "yes", NUMBER: "4"},
    {SINGLE: PLAN, MULTIPLE: [DIGITAL, GREEN], DROPDOWN: "Trung tâm",
     LIKERT: {USEFUL: 4, TIMELY: 4}, RATING: 5, YES_NO: "yes", NUMBER: "6"},
    {SINGLE: PLAN, MULTIPLE: [DIGITAL], DROPDOWN: "Trung tâm", LIKERT: {USEFUL: 4},
     RATING: 4, YES_NO: "yes"},
    {SINGLE: DIRECTIVE, MULTIPLE: [DIGITAL, GREEN], DROPDOWN: "Trung tâm", LIKERT: {USEFUL: 3},
     RATING: 4, YES_NO: "no"},
    {SINGLE: PLAN, MULTIPLE: [TOURISM], DROPDOWN: "Phòng chuyên môn", LIKERT: {USEFUL: 4},
     RATING: 3},
]  # fmt: skip


def follow_up(officer, survey, publish=True):
    """The linked copy of `survey`, open from an hour ago for a week, published."""
    copy = services.duplicate_survey(seen(officer), services.load(survey.id))
    now = services.now_utc()
    copy.opens_at, copy.closes_at = now - timedelta(hours=1), now + timedelta(days=7)
    db.session.commit()
    if publish:
        services.publish(seen(officer), services.load(copy.id))
    return services.load(copy.id)


@pytest.fixture
def surveys(app):
    """(officer, first survey answered 4 times, its follow-up answered 5 times)."""
    officer = make_officer()
    first = make_survey(make_campaign(), officer)
    second = follow_up(officer, first)
    people = [make_user() for _ in range(5)]
    for person, values in zip(people, FIRST_ANSWERS, strict=False):
        answer_all(first, person, values)
    for person, values in zip(people, SECOND_ANSWERS, strict=True):
        answer_all(second, person, values)
    return officer, services.load(first.id), services.load(second.id)


def rows_by_text(comparison):
    return {row.question.text: row for row in comparison.rows}


def figures(row):
    """{label: (before, after, change)} rounded to 2 decimals."""

    def r(value):
        return None if value is None else round(value, 2)

    return {line.label: (r(line.before), r(line.after), r(line.change)) for line in row.lines}


def test_match_questions_follow_up_pairs_every_question_by_its_link(surveys):
    _officer, first, second = surveys
    pairs = match_questions(first, second)
    assert len(pairs) == len(EVERY_KIND) == 10
    assert [a.id for _b, a in pairs] == [q.id for q in services.ordered_questions(second)]
    assert all(a.source_id == b.id and a.kind == b.kind for b, a in pairs)


def test_compare_choice_question_gives_shares_and_their_change(surveys):
    _officer, first, second = surveys
    rows = rows_by_text(compare(first, second))
    single = rows[SINGLE]
    assert single.measure == SHARE
    assert figures(single) == {PLAN: (25.0, 80.0, 55.0), DIRECTIVE: (75.0, 20.0, -55.0)}
    assert [line.is_correct for line in single.lines] == [True, False]
    assert (single.correct.before, single.correct.after) == (25.0, 80.0)
    multiple = rows[MULTIPLE]
    assert figures(multiple) == {
        DIGITAL: (75.0, 80.0, 5.0),
        GREEN: (25.0, 60.0, 35.0),
        TOURISM: (50.0, 20.0, -30.0),
    }
    assert round(multiple.correct.change, 2) == 35.0  # 1 of 4 right, then 3 of 5
    dropdown = figures(rows[DROPDOWN])  # 3 answers before (2 + 1), 5 after (1 + 4)
    assert dropdown == {
        "Phòng chuyên môn": (66.67, 20.0, -46.67),
        "Trung tâm": (33.33, 80.0, 46.67),
    }
    assert rows[DROPDOWN].correct is None


def test_compare_likert_rating_and_number_give_means(surveys):
    _officer, first, second = surveys
    rows = rows_by_text(compare(first, second))
    assert rows[LIKERT].measure == MEAN
    assert figures(rows[LIKERT]) == {USEFUL: (3.0, 4.0, 1.0), TIMELY: (2.5, 4.0, 1.5)}
    assert figures(rows[RATING]) == {"": (2.67, 4.0, 1.33)}
    assert figures(rows[NUMBER]) == {"": (1.5, 5.0, 3.5)}
    assert figures(rows[YES_NO]) == {"yes": (25.0, 75.0, 50.0)}  # 1 of 4, then 3 of 4
    assert rows["Lĩnh vực sáng kiến"].lines == []


def test_compare_gives_index_responses_and_nothing_unmatched(surveys):
    _officer, first, second = surveys
    comparison = compare(first, second)
    index = comparison.index
    assert (round(index.before, 2), round(index.after, 2), round(index.change, 2)) == (
        25.0,
        70.0,
        45.0,
    )
    assert comparison.responses == (4, 5)
    assert comparison.only_before == comparison.only_after == []


def test_compare_reads_the_tallies_not_the_answers(surveys, count_queries):
    _officer, first, second = surveys
    with count_queries() as statements:
        compare(first, second)
    assert [s for s in statements if "survey_tallies" in s]
    assert not [s for s in statements if "survey_answers" in s]


def test_match_questions_without_link_pairs_same_words_of_same_kind(app):
    officer = make_officer()
    campaign = make_campaign()
    first = make_survey(campaign, officer)
    spaced = unicodedata.normalize("NFD", "  ĐÃ ĐƯỢC   phổ biến kế HOẠCH? ")
    other = make_survey(
        campaign,
        officer,
        questions=(
            question(K.YES_NO, spaced),
            question(K.NUMBER, RATING),  # same words, another kind
            question(K.SHORT_TEXT, "Câu hỏi mới"),
        ),
    )
    first = services.load(first.id)  # loaded again after the commits
    [(before, after)] = match_questions(first, other)
    assert (before.text, after.text) == (YES_NO, spaced)
    assert normalized(spaced) == normalized(YES_NO)
    comparison = compare(first, other)
    assert [q.text for q in comparison.only_after] == [RATING, "Câu hỏi mới"]
    assert len(comparison.only_before) == 9 and YES_NO not in {
        q.text for q in comparison.only_before
    }
    assert comparison.rows[0].is_reworded is False
    assert figures(comparison.rows[0]) == {"yes": (None, None, None)}  # no answer, no share
    assert comparison.index.after is None and comparison.index.change is None


def test_match_questions_link_wins_over_words_and_kind_must_match(app):
    officer = make_officer()
    first = make_survey(make_campaign(), officer)
    second = follow_up(officer, first, publish=False)
    by_text = {q.text: q for q in second.questions}
    rating = by_text[RATING]
    services.update_question(
        seen(officer),
        second,
        rating,
        question(K.RATING, "Đánh giá chung về Phong trào", scale_max=5),
    )
    second = services.load(second.id)
    dropdown = next(q for q in second.questions if q.text == DROPDOWN)
    services.update_question(
        seen(officer),
        second,
        dropdown,
        question(K.SINGLE, DROPDOWN, ("Phòng chuyên môn", "Trung tâm")),
    )
    second = services.load(second.id)
    services.add_question(
        seen(officer), second, second.sections[0], question(K.RATING, RATING, scale_max=5)
    )
    first, second = services.load(first.id), services.load(second.id)
    pairs = {a.text: b.text for b, a in match_questions(first, second)}
    assert pairs["Đánh giá chung về Phong trào"] == RATING  # by the link, though reworded
    assert RATING not in pairs  # the old words are taken: the new question stays unmatched
    assert DROPDOWN not in pairs  # now a single choice
    assert len(pairs) == 9
    rows = rows_by_text(compare(first, second))
    assert rows["Đánh giá chung về Phong trào"].is_reworded


def test_compare_reversed_still_follows_the_links(surveys):
    _officer, first, second = surveys
    assert chronological(first, second) == (first, second)
    assert chronological(second, first) == (first, second)
    rows = rows_by_text(compare(second, first))
    assert len(rows) == 10
    assert figures(rows[SINGLE])[PLAN] == (80.0, 25.0, -55.0)


def test_candidates_lists_followed_survey_first_and_no_drafts(app):
    officer = make_officer()
    campaign = make_campaign()
    first = make_survey(campaign, officer, title="Lần 1")
    other = make_survey(campaign, officer, title="Khảo sát khác")
    ended = close(make_survey(campaign, officer, title="Đã đóng"))
    draft = make_survey(campaign, officer, publish=False, title="Bản nháp")
    second = follow_up(officer, first)
    unpublished_copy = follow_up(officer, first, publish=False)
    third = follow_up(officer, second)
    found = candidates(services.load(second.id))
    assert [s.id for s in found[:2]] == [first.id, third.id]  # followed, then following
    assert {s.id for s in found} == {first.id, third.id, other.id, ended.id}
    assert ended.status == SurveyStatus.CLOSED
    from_first = candidates(first)
    assert from_first[0].id == second.id  # the follow-up comes before the others
    assert {s.id for s in from_first} == {second.id, third.id, other.id, ended.id}
    assert not {draft.id, unpublished_copy.id} & {s.id for s in found + from_first}


def test_compare_page_shows_both_surveys_and_the_change(app, surveys):
    officer, first, second = surveys
    if "surveys.compare" not in app.view_functions:  # the route is added with the page
        app.add_url_rule(
            "/surveys/<int:survey_id>/compare", "surveys.compare", lambda survey_id: ""
        )
    with app.test_request_context():
        login_user(seen(officer))
        html = render_template(
            "surveys/compare.html",
            before=first,
            after=second,
            comparison=compare(first, second),
            choices=candidates(second),
        )
    assert first.title in html and second.title in html
    assert 'name="with"' in html and f'<option value="{first.id}" selected>' in html
    assert "+45" in html and "+55" in html and "−55" in html  # index, then the single choice
    assert "+1,5" in html  # a Likert mean, in the Vietnamese format
    assert html.count('class="result-pair"') == 2 + 3 + 2 + 2 + 1 + 1 + 1
    assert "<caption" in html and 'scope="col"' in html
