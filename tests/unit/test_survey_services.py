"""The survey services: building (details, every kind of question with its checks, knowledge
questions, conditions, reorder, duplicate, delete), the structure locked once answered, the
follow-up copy; answering (every check on the server, conditions, drafts, one submission even
under concurrent requests); anonymity of what is stored; results aggregated with groups under
five hidden."""

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, inspect, select
from werkzeug.datastructures import MultiDict

from app.auth.services import load_user
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.models.surveys import (
    QuestionKind,
    SurveyAnswer,
    SurveyDraft,
    SurveyParticipation,
    SurveyResponse,
)
from app.surveys import answering, results, services
from app.surveys.services import OptionRow, QuestionData
from tests.factories import make_campaign, make_unit, make_user
from tests.initiative_helpers import make_officer
from tests.review_helpers import seen
from tests.survey_helpers import EVERY_KIND, answer_all, by_text, make_survey, question, survey_data

K = QuestionKind


@pytest.fixture
def campaign(app):
    return make_campaign()


@pytest.fixture
def officer(app):
    return make_officer()


def reload(survey):
    return services.load(survey.id)


# Building ---------------------------------------------------------------------------------------


def test_create_survey_refuses_bad_details_with_every_error(campaign, officer):
    data = survey_data(title="", closes_at=survey_data()["opens_at"], is_open_to_all=False)
    with pytest.raises(ValidationFailed) as caught:
        services.create_survey(seen(officer), campaign, data)
    assert set(caught.value.errors) == {"title", "closes_at", "unit_ids"}
    with pytest.raises(NotAllowed):
        services.create_survey(seen(make_user()), campaign, survey_data())


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (question(K.SINGLE, "Một lựa chọn", ("Chỉ một",)), "options"),
        (question(K.SINGLE, "", ("A", "B")), "text"),
        (question(K.MULTIPLE, "Trùng", ("A", "a")), "options"),
        (question(K.MULTIPLE, "Chọn", ("A", "B"), min_choices=3), "max_choices"),
        (
            question(K.MULTIPLE, "Chọn", ("A", "B", "C"), min_choices=3, max_choices=2),
            "min_choices",
        ),
        (question(K.LIKERT, "Không có nhận định"), "options"),
        (question(K.RATING, "Thang lạ", scale_max=7), "scale_max"),
        (question(K.NUMBER, "Số", number_min=10, number_max=1), "number_max"),
        (question(K.SINGLE, "Hai đáp án", ("A", "B"), ("A", "B")), "is_knowledge"),
        (QuestionData(K.SHORT_TEXT, "Kiến thức?", is_knowledge=True), "is_knowledge"),
        (QuestionData("essay", "Loại lạ"), "kind"),
    ],
)
def test_a_bad_question_is_refused_beside_its_field(campaign, officer, data, field):
    survey = make_survey(campaign, officer, questions=(), publish=False)
    with pytest.raises(ValidationFailed) as caught:
        services.add_question(seen(officer), survey, survey.sections[0], data)
    assert field in caught.value.errors
    assert services.count_questions(survey.id) == 0


def test_every_kind_is_built_numbered_and_publishable(campaign, officer):
    survey = make_survey(campaign, officer, publish=False)
    assert [q.kind for q in services.ordered_questions(survey)] == [d.kind for d in EVERY_KIND]
    assert [q.position for q in services.ordered_questions(survey)] == list(range(1, 11))
    knowledge = by_text(survey)["Những nội dung nào thuộc Phong trào?"]
    assert knowledge.is_knowledge and [o.is_correct for o in knowledge.options] == [
        True,
        True,
        False,
    ]
    assert services.publishing_problems(survey) == []
    services.publish(seen(officer), survey)
    assert reload(survey).phase(services.now_utc()) == "open"


def test_a_condition_must_point_to_options_of_one_earlier_choice_question(campaign, officer):
    survey = make_survey(campaign, officer, publish=False)
    first = by_text(survey)["Kế hoạch thực hiện văn bản nào?"]
    dropdown = by_text(survey)["Anh/chị công tác ở khối nào?"]
    mixed = [first.options[0].id, dropdown.options[0].id]
    chosen = first.options[1].id  # read now: a commit below expires `first`
    for options in (mixed, [999]):
        data = question(K.SHORT_TEXT, "Vì sao?", condition_option_ids=options)
        with pytest.raises(ValidationFailed) as caught:
            services.add_question(seen(officer), reload(survey), reload(survey).sections[0], data)
        assert "condition_option_ids" in caught.value.errors
    data = question(K.SHORT_TEXT, "Vì sao?", condition_option_ids=[chosen])
    added = services.add_question(seen(officer), reload(survey), reload(survey).sections[0], data)
    assert (added.condition_question_id, added.condition_option_ids) == (first.id, [chosen])
    # Moving the condition's question below it drops the condition.
    for _step in range(10):
        services.move_question(
            seen(officer), reload(survey), by_text(reload(survey))[first.text], "down"
        )
    moved = by_text(reload(survey))["Vì sao?"]
    assert moved.condition_question_id is None and moved.condition_option_ids == []


def test_reorder_duplicate_delete_and_sections(campaign, officer):
    survey = make_survey(campaign, officer, publish=False)
    second = services.ordered_questions(survey)[1]
    services.move_question(seen(officer), survey, second, "up")
    assert services.ordered_questions(reload(survey))[0].id == second.id
    copy = services.duplicate_question(
        seen(officer), reload(survey), by_text(reload(survey))[second.text]
    )
    ordered = services.ordered_questions(reload(survey))
    assert ordered[1].id == copy.id and [o.text for o in copy.options] == [
        o.text for o in second.options
    ]
    section = services.add_section(seen(officer), reload(survey), {"title": "Phần hai"})
    last = services.ordered_questions(reload(survey))[-1]
    services.move_question(seen(officer), reload(survey), last, "down")
    moved = next(q for q in reload(survey).questions if q.id == last.id)
    assert moved.section_id == section.id
    services.delete_question(seen(officer), reload(survey), copy)
    assert services.count_questions(survey.id) == 10
    services.delete_section(
        seen(officer),
        reload(survey),
        next(s for s in reload(survey).sections if s.id == section.id),
    )
    assert services.count_questions(survey.id) == 9
    with pytest.raises(InvalidTransition):
        services.delete_section(seen(officer), reload(survey), reload(survey).sections[0])


def test_once_answered_only_the_wording_changes(campaign, officer):
    survey = make_survey(campaign, officer)
    answer_all(survey, make_user(), {"Kế hoạch thực hiện văn bản nào?": "Kế hoạch 146"})
    survey = reload(survey)
    target = by_text(survey)["Kế hoạch thực hiện văn bản nào?"]
    with pytest.raises(InvalidTransition):
        services.add_question(seen(officer), survey, survey.sections[0], question(K.YES_NO, "Mới?"))
    with pytest.raises(InvalidTransition):
        services.delete_question(seen(officer), reload(survey), target)
    reworded = QuestionData(
        K.SINGLE,
        "Kế hoạch của Văn phòng thực hiện văn bản nào?",
        options=[OptionRow(o.text + " của UBND tỉnh", o.is_correct, o.id) for o in target.options],
    )
    services.update_question(
        seen(officer), reload(survey), by_text(reload(survey))[target.text], reworded
    )
    changed = next(q for q in reload(survey).questions if q.id == target.id)
    assert changed.text.startswith("Kế hoạch của Văn phòng") and changed.is_knowledge
    assert changed.options[0].text == "Kế hoạch 146 của UBND tỉnh" and changed.options[0].is_correct
    fewer = QuestionData(K.SINGLE, "Bớt", options=[OptionRow("A", id=target.options[0].id)])
    with pytest.raises(ValidationFailed):
        services.update_question(seen(officer), reload(survey), changed, fewer)
    with pytest.raises(InvalidTransition):
        services.update_survey(seen(officer), reload(survey), survey_data(is_anonymous=False))


def test_a_follow_up_copies_everything_linked(campaign, officer):
    survey = make_survey(campaign, officer, publish=False)
    first = by_text(survey)["Kế hoạch thực hiện văn bản nào?"]
    data = question(K.LONG_TEXT, "Vì sao?", condition_option_ids=[first.options[1].id])
    services.add_question(seen(officer), survey, survey.sections[0], data)
    copy = services.duplicate_survey(seen(officer), reload(survey))
    copy = services.load(copy.id)
    assert copy.follows_id == survey.id and copy.is_draft
    pairs = {q.source_id: q for q in copy.questions}
    originals = reload(survey).questions
    assert set(pairs) == {q.id for q in originals}
    twin = pairs[first.id]
    assert [o.source_id for o in twin.options] == [o.id for o in first.options]
    why = by_text(copy)["Vì sao?"]
    assert why.condition_question_id == twin.id
    assert why.condition_option_ids == [twin.options[1].id]


# Answering ---------------------------------------------------------------------------------------


def _page(survey, form: dict) -> answering.PageResult:
    survey = reload(survey)
    data = MultiDict()
    for name, value in form.items():
        for item in value if isinstance(value, list) else [value]:
            data.add(name, item)
    return answering.read_page(answering.pages(survey)[0][1], data, {})


def test_bad_answers_are_refused_with_a_message_each(campaign, officer):
    survey = make_survey(campaign, officer)
    q = by_text(survey)
    name = {text: answering.field_name(question) for text, question in q.items()}
    likert = q["Mức độ đồng ý"]
    result = _page(
        survey,
        {
            name["Những nội dung nào thuộc Phong trào?"]: ["999"],
            name["Anh/chị công tác ở khối nào?"]: "abc",
            answering.field_name(likert, likert.options[0].id): "9",
            name["Đánh giá chung"]: "6",
            name["Đã được phổ biến Kế hoạch?"]: "maybe",
            name["Lĩnh vực sáng kiến"]: "x" * 100_000,
            name["Số lớp tập huấn đã dự"]: "1000",
            name["Ngày đăng ký thi đua"]: "31/02/2026",
        },
    )
    assert len(result.errors) == 9  # the eight above and the required first question
    assert result.errors[q["Kế hoạch thực hiện văn bản nào?"].id] == "Câu hỏi này cần được trả lời."
    assert result.answers == {}
    assert len(result.shown_back[q["Lĩnh vực sáng kiến"].id]) <= 1000


def test_good_answers_are_read_in_their_stored_shape(campaign, officer):
    survey = make_survey(campaign, officer)
    q = by_text(survey)
    likert = q["Mức độ đồng ý"]
    choice = q["Những nội dung nào thuộc Phong trào?"]
    result = _page(
        survey,
        {
            answering.field_name(q["Kế hoạch thực hiện văn bản nào?"]): str(
                q["Kế hoạch thực hiện văn bản nào?"].options[0].id
            ),
            answering.field_name(choice): [str(choice.options[1].id), str(choice.options[0].id)],
            answering.field_name(likert, likert.options[1].id): "4",
            answering.field_name(q["Số lớp tập huấn đã dự"]): "12,5",
            answering.field_name(q["Ngày đăng ký thi đua"]): "15/03/2026",
            answering.field_name(q["Lĩnh vực sáng kiến"]): "  Sô\u0301   hóa  ",
        },
    )
    assert result.errors == {}
    answers = result.answers
    assert answers[str(choice.id)] == sorted([choice.options[0].id, choice.options[1].id])
    assert answers[str(likert.id)] == {str(likert.options[1].id): 4}
    assert answers[str(q["Số lớp tập huấn đã dự"].id)] == 12.5
    assert answers[str(q["Ngày đăng ký thi đua"].id)] == "2026-03-15"
    assert answers[str(q["Lĩnh vực sáng kiến"].id)] == "Số hóa"


def test_a_question_whose_condition_is_not_met_is_neither_required_nor_kept(campaign, officer):
    survey = make_survey(campaign, officer)
    first = by_text(survey)["Kế hoạch thực hiện văn bản nào?"]
    data = question(
        K.SHORT_TEXT, "Vì sao?", condition_option_ids=[first.options[1].id], is_required=True
    )
    services.add_question(seen(officer), reload(survey), reload(survey).sections[0], data)
    why = by_text(reload(survey))["Vì sao?"]
    chose_first = {
        answering.field_name(first): str(first.options[0].id),
        answering.field_name(why): "Bỏ qua",
    }
    result = _page(survey, chose_first)
    assert result.errors == {} and str(why.id) not in result.answers
    chose_second = {answering.field_name(first): str(first.options[1].id)}
    assert why.id in _page(survey, chose_second).errors


def test_a_named_draft_is_resumed_then_submitted_once(campaign, officer):
    survey = make_survey(campaign, officer, is_anonymous=False)
    person = make_user()
    first = by_text(survey)["Kế hoạch thực hiện văn bản nào?"]
    now = services.now_utc()
    page = _page(survey, {answering.field_name(first): str(first.options[0].id)})
    answering.save_page(reload(survey), person, None, 0, page, now)
    draft = answering.find_draft(reload(survey), person, None)
    assert draft.user_id == person.id and draft.answers == {str(first.id): first.options[0].id}
    code = answering.submit(reload(survey), person, None, now)
    assert code.startswith("KS-") and len(code) == 12
    response = db.session.scalar(select(SurveyResponse))
    assert response.user_id == person.id and response.knowledge_correct == 1
    assert response.knowledge_total == 2  # the multiple-choice knowledge question is unanswered
    assert answering.find_draft(reload(survey), person, None) is None
    with pytest.raises(InvalidTransition):
        answering.submit(reload(survey), person, None, now)
    with pytest.raises(InvalidTransition):
        answering.save_page(reload(survey), person, None, 0, page, now)


def test_submission_needs_every_required_answer_and_an_open_survey(campaign, officer):
    survey = make_survey(campaign, officer)
    person, stranger = make_user(), make_user(unit=make_unit())
    with pytest.raises(ValidationFailed) as caught:
        answering.submit(reload(survey), person, None, services.now_utc())
    assert caught.value.errors["page"] == ["0"]
    later = services.now_utc() + timedelta(days=30)
    with pytest.raises(InvalidTransition):
        answering.submit(reload(survey), person, None, later)
    units_only = make_survey(campaign, officer, is_open_to_all=False, unit_ids=[make_unit().id])
    with pytest.raises(NotAllowed):
        answering.submit(reload(units_only), stranger, None, services.now_utc())
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0


def test_concurrent_submissions_of_one_person_give_one_response(app, campaign, officer):
    survey = make_survey(campaign, officer, questions=(question(K.YES_NO, "Đồng ý?"),))
    person = make_user()
    q = reload(survey).questions[0]
    now = services.now_utc()
    page = _page(survey, {answering.field_name(q): "yes"})
    _draft, token = answering.save_page(reload(survey), person, None, 0, page, now)
    # Plain values only: a thread that touched the test's own objects would use its session.
    survey_id, session_token = survey.id, person.session_token
    start = threading.Barrier(8, timeout=30)
    outcomes: list[str] = []

    def send() -> None:
        with app.app_context():
            try:
                loaded = services.load(survey_id)
                voter = load_user(session_token)
                start.wait()
                answering.submit(loaded, voter, token, now)
                outcomes.append("ok")
            except InvalidTransition:
                outcomes.append("refused")
            except ValidationFailed:  # the draft was already consumed by another
                outcomes.append("refused")
            except BaseException as error:  # shown by the assertion: lost in a thread otherwise
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send, daemon=True) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["ok"] + ["refused"] * 7
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1
    assert db.session.scalar(select(func.count()).select_from(SurveyParticipation)) == 1


# Anonymity ---------------------------------------------------------------------------------------


def test_no_stored_column_of_an_anonymous_response_identifies_its_author(campaign, officer):
    survey = make_survey(campaign, officer)
    people = [make_user(unit=make_unit()) for _ in range(3)]
    for person in people:
        answer_all(
            survey,
            person,
            {"Kế hoạch thực hiện văn bản nào?": "Kế hoạch 146", "Lĩnh vực sáng kiến": "Số hóa"},
        )
    columns = {c["name"] for c in inspect(db.engine).get_columns("survey_responses")}
    assert columns == {
        "id",
        "survey_id",
        "user_id",
        "submitted_on",
        "knowledge_correct",
        "knowledge_total",
    }
    rows = db.session.execute(select(SurveyResponse.__table__)).mappings().all()
    ids = {p.id for p in people} | {p.unit_id for p in people}
    for row in rows:
        assert row["user_id"] is None
        assert isinstance(row["submitted_on"], date)
        assert len(row["id"]) == 32 and not row["id"].isdigit()
    answer_columns = {c["name"] for c in inspect(db.engine).get_columns("survey_answers")}
    assert not answer_columns & {"id", "user_id", "created_at", "submitted_at", "unit_id"}
    taking_part = {c["name"] for c in inspect(db.engine).get_columns("survey_participations")}
    assert taking_part == {"survey_id", "user_id", "answered_on"}
    for value in ids:
        assert all(value not in (row["user_id"], row["id"]) for row in rows)
    assert db.session.scalar(select(func.count()).select_from(SurveyDraft)) == 0


def test_an_anonymous_draft_is_keyed_by_a_token_only(campaign, officer):
    survey = make_survey(campaign, officer)
    person = make_user()
    first = by_text(survey)["Kế hoạch thực hiện văn bản nào?"]
    page = _page(survey, {answering.field_name(first): str(first.options[0].id)})
    draft, token = answering.save_page(reload(survey), person, None, 0, page, services.now_utc())
    assert draft.user_id is None and token and len(token) >= 40
    assert answering.find_draft(reload(survey), person, None) is None
    assert answering.find_draft(reload(survey), make_user(), token).id == draft.id


# Results -----------------------------------------------------------------------------------------


def test_results_count_share_mean_and_index(campaign, officer):
    survey = make_survey(campaign, officer)
    unit = make_unit(name="Phòng Tổng hợp")
    people = [make_user(unit=unit) for _ in range(4)]
    answers = [
        {
            "Kế hoạch thực hiện văn bản nào?": "Kế hoạch 146",
            "Đánh giá chung": "5",
            "Những nội dung nào thuộc Phong trào?": ["Hạ tầng số", "Chuyển đổi xanh"],
            "Mức độ đồng ý": {"Phong trào thiết thực": 4},
        },
        {
            "Kế hoạch thực hiện văn bản nào?": "Kế hoạch 146",
            "Đánh giá chung": "3",
            "Những nội dung nào thuộc Phong trào?": ["Hạ tầng số"],
            "Mức độ đồng ý": {"Phong trào thiết thực": 2},
        },
        {"Kế hoạch thực hiện văn bản nào?": "Chỉ thị 27", "Đã được phổ biến Kế hoạch?": "yes"},
    ]
    for person, values in zip(people, answers, strict=False):
        answer_all(survey, person, values)
    summary = results.summary(reload(survey))
    assert summary.responses == 3 and summary.answered == 3
    first = summary.questions[0]
    assert [(o.text, o.count) for o in first.options] == [("Kế hoạch 146", 2), ("Chỉ thị 27", 1)]
    assert first.options[0].share == pytest.approx(2 / 3)
    assert first.correct_share == pytest.approx(2 / 3)
    assert first.answered == 3
    multiple = summary.questions[1]
    assert multiple.correct_share == pytest.approx(0.5)
    # Two people ticked three options between them: shares are of the people who answered.
    assert multiple.answered == 2
    assert [(o.text, o.share) for o in multiple.options][:2] == [
        ("Hạ tầng số", 1.0),
        ("Chuyển đổi xanh", 0.5),
    ]
    assert summary.questions[3].answered == 2
    rating = summary.questions[4]
    assert rating.mean == pytest.approx(4.0) and dict(rating.points)[5] == 1
    likert = summary.questions[3]
    _statement, per_point, _total, mean = likert.statements[0]
    assert per_point == [0, 1, 0, 1, 0] and mean == pytest.approx(3.0)
    # Index: (2/2 + 1/2 + 0/1) / 3 responses.
    assert summary.index == pytest.approx((1 + 0.5 + 0) / 3)
    rows = {name: (size, done) for name, size, done, _index in summary.units}
    assert rows["Phòng Tổng hợp"] == (4, None)  # anonymous and under five: hidden


def test_a_named_survey_shows_small_groups_and_a_unit_index(campaign, officer):
    survey = make_survey(campaign, officer, is_anonymous=False)
    unit = make_unit(name="Phòng Kinh tế")
    people = [make_user(unit=unit) for _ in range(5)]
    for person in people:
        answer_all(survey, person, {"Kế hoạch thực hiện văn bản nào?": "Kế hoạch 146"})
    summary = results.summary(reload(survey))
    row = next(r for r in summary.units if r[0] == "Phòng Kinh tế")
    assert row[1:3] == (5, 5) and row[3] == pytest.approx(0.5)


def test_results_run_the_same_queries_with_5_and_50_responses(campaign, officer, count_queries):
    survey = make_survey(campaign, officer)

    def add(count):
        for _ in range(count):
            answer_all(
                survey,
                make_user(),
                {
                    "Kế hoạch thực hiện văn bản nào?": "Kế hoạch 146",
                    "Lĩnh vực sáng kiến": "Số hóa",
                    "Mức độ đồng ý": {"Phong trào thiết thực": 5},
                    "Đánh giá chung": "4",
                },
            )

    def measure() -> int:
        loaded = reload(survey)
        with count_queries() as statements:
            results.summary(loaded)
        return len(statements)

    add(5)
    few = measure()
    add(45)
    assert measure() == few
    assert db.session.scalar(select(func.count()).select_from(SurveyAnswer)) > 50
