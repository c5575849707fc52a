"""The running tallies a submission adds equal the sums of the stored answers, for every kind
of question, in named and anonymous surveys; concurrent submissions of different people all
count; a tally is never written for a refused submission."""

import random
import threading

import pytest
from sqlalchemy import func, select

from app.auth.services import load_user
from app.errors import InvalidTransition
from app.extensions import db
from app.models.surveys import SurveyResponse, SurveyTally
from app.surveys import services, tallies
from tests.factories import make_campaign, make_unit, make_user
from tests.initiative_helpers import make_officer
from tests.survey_helpers import answer_all, make_survey, same_tallies

FIRST = "Kế hoạch thực hiện văn bản nào?"


def _answers(rng: random.Random) -> dict:
    """Random answers to EVERY_KIND's questions, some left out."""
    values = {
        FIRST: rng.choice(["Kế hoạch 146", "Chỉ thị 27"]),
        "Những nội dung nào thuộc Phong trào?": rng.sample(
            ["Hạ tầng số", "Chuyển đổi xanh", "Du lịch"], rng.randint(0, 3)
        ),
        "Anh/chị công tác ở khối nào?": rng.choice(["Phòng chuyên môn", "Trung tâm"]),
        "Mức độ đồng ý": {
            "Phong trào thiết thực": rng.randint(1, 5),
            "Khen thưởng kịp thời": rng.randint(1, 5),
        },
        "Đánh giá chung": str(rng.randint(1, 5)),
        "Đã được phổ biến Kế hoạch?": rng.choice(["yes", "no"]),
        "Lĩnh vực sáng kiến": "Số hóa hồ sơ",
        "Số lớp tập huấn đã dự": str(rng.randint(0, 100)),
        "Ngày đăng ký thi đua": "2026-12-01",
    }
    for text in rng.sample([t for t in values if t != FIRST], 3):  # FIRST is required
        del values[text]
    return {text: value for text, value in values.items() if value != []}


@pytest.mark.parametrize("anonymous", [True, False], ids=["anonymous", "named"])
def test_running_tallies_equal_the_sums_of_the_stored_answers(app, anonymous):
    survey = make_survey(make_campaign(), make_officer(), is_anonymous=anonymous)
    units = [make_unit(name="Phòng Tổng hợp"), make_unit(name="Phòng Kinh tế"), None]
    rng = random.Random(2026)
    for n in range(24):
        answer_all(survey, make_user(unit=units[n % 3]), _answers(rng))
    running = tallies.read(survey.id)
    assert running[(0, 0, "responses")].count == 24
    assert any(measure == "unit" for _q, _i, measure in running) is not anonymous
    tallies.rebuild([survey.id])
    db.session.commit()
    same_tallies(running, tallies.read(survey.id))


def test_a_refused_second_submission_adds_nothing(app):
    survey = make_survey(make_campaign(), make_officer())
    person = make_user()
    answer_all(survey, person, {FIRST: "Kế hoạch 146"})
    before = tallies.read(survey.id)
    with pytest.raises(InvalidTransition):
        answer_all(survey, person, {FIRST: "Chỉ thị 27"})
    db.session.rollback()
    assert tallies.read(survey.id) == before


def test_concurrent_submissions_of_many_people_all_count(app):
    """Eight people submit at once (each thread its own session): eight responses, and the
    tallies they share say eight, on SQLite and PostgreSQL."""
    survey = make_survey(make_campaign(), make_officer())
    # Plain values only: a thread that touched the test's own objects would use its session.
    survey_id = survey.id
    tokens = [make_user().session_token for _ in range(8)]
    barrier = threading.Barrier(len(tokens), timeout=30)
    failures: list[str] = []

    def submit(token: str) -> None:
        with app.app_context():
            try:
                person = load_user(token)
                barrier.wait()
                answer_all(services.load(survey_id), person, {FIRST: "Kế hoạch 146"})
            except BaseException as error:  # shown by the assertion: lost in a thread otherwise
                failures.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(t,), daemon=True) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    db.session.expire_all()
    responses = db.session.scalar(
        select(func.count())
        .select_from(SurveyResponse)
        .where(SurveyResponse.survey_id == survey_id)
    )
    stored = tallies.read(survey_id)
    assert responses == 8
    assert stored[(0, 0, "responses")].count == 8
    question = services.load(survey_id).questions[0]
    option = question.options[0]
    assert stored[(question.id, option.id, "option")].count == 8
    assert db.session.scalar(select(func.count()).select_from(SurveyTally)) == len(stored)
