"""Query budgets: every main page runs the same number of SQL statements when the office's data
grows tenfold (people, signed commitments, initiatives, votes, survey answers, notifications,
stories). A page that loads rows one by one fails here, not in production."""

import pytest

from app.extensions import db
from app.notifications.services import notify
from app.voting import services as voting
from tests.conftest import sign_in
from tests.factories import make_campaign, make_unit, make_user
from tests.initiative_helpers import make_leader, make_submitted
from tests.review_helpers import seen, signed_commitment
from tests.story_helpers import make_comms, make_story
from tests.survey_helpers import answer_all, make_survey
from tests.voting_helpers import candidates, make_round

QUESTION = "Kế hoạch thực hiện văn bản nào?"


@pytest.fixture
def office(app):
    campaign = make_campaign()
    officer = make_user(roles=("officer", "admin"))
    round_ = make_round(
        campaign, candidates(campaign, 3), officer, max_votes=1, results_mode="live"
    )
    survey = make_survey(campaign, officer)
    comms = make_comms()
    return {
        "campaign": campaign,
        "officer": officer,
        "leader": make_leader(),
        "comms": comms,
        "round_id": round_.id,
        "survey_id": survey.id,
        "units": [],
        "people": [],
        "reader": None,
    }


def _grow(office, count: int) -> None:
    """`count` more people in new units, each with a signed commitment, an initiative, a vote,
    an answer to the survey, a notification, and a story for every third."""
    from app.surveys import services as surveys
    from app.voting import queries as rounds

    campaign = office["campaign"]
    for n in range(count):
        if n % 3 == 0:
            office["units"].append(make_unit())
        person = make_user(unit=office["units"][-1])
        office["people"].append(person)
        signed_commitment(campaign, person)
        make_submitted(person, campaign, title=f"Sáng kiến số {len(office['people'])}")
        round_ = rounds.load(office["round_id"])
        voting.cast_vote(round_, seen(person), round_.candidates[n % 3].id, voting.now_utc())
        answer_all(surveys.load(office["survey_id"]), person, {QUESTION: "Kế hoạch 146"})
        notify(person.id, "reminder", {"title": "Nhắc", "body": "Ký bản đăng ký"})
        if n % 3 == 0:
            make_story(office["comms"], publish=True, title=f"Gương điển hình {n}")
    db.session.commit()
    if office["reader"] is None:
        office["reader"] = office["people"][0]


PAGES = {
    "staff": (
        "/",
        "/directory/?q=nguyen",
        "/notifications/",
        "/initiatives/",
        "/initiatives/mine",
        "/voting/",
        "/voting/{round_id}",
        "/surveys/",
        "/showcase/",
    ),
    "officer": (
        "/",
        "/initiatives/",
        "/initiatives/review",
        "/commitments/tracking",
        "/commitments/units",
        "/voting/{round_id}",
        "/voting/{round_id}/non-voters",
        "/surveys/{survey_id}/results",
        "/monitoring/",
        "/reminders/",
        "/commendations/",
        "/commendations/eligible",
        "/admin/users/",
    ),
    "leader": ("/", "/monitoring/", "/commendations/", "/voting/{round_id}/results"),
}


def _measure(app, office, who: str, count_queries) -> dict[str, int]:
    user = {"staff": office["reader"], "officer": office["officer"], "leader": office["leader"]}
    client = app.test_client()  # signed in afresh each time
    assert sign_in(client, user[who].username).status_code == 303
    counts = {}
    for pattern in PAGES[who]:
        url = pattern.format(round_id=office["round_id"], survey_id=office["survey_id"])
        client.get(url)  # as a worker that has served it: what it keeps is kept (structure.py)
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(statements)
    return counts


@pytest.mark.parametrize("who", sorted(PAGES))
def test_main_pages_run_the_same_queries_with_ten_times_the_data(app, office, who, count_queries):
    _grow(office, 3)
    few = _measure(app, office, who, count_queries)
    _grow(office, 27)
    many = _measure(app, office, who, count_queries)
    assert many == few


ONE_ANSWER = {QUESTION: "Kế hoạch 146"}
EVERY_ANSWER = {
    QUESTION: "Kế hoạch 146",
    "Những nội dung nào thuộc Phong trào?": ["Hạ tầng số", "Chuyển đổi xanh", "Du lịch"],
    "Anh/chị công tác ở khối nào?": "Trung tâm",
    "Mức độ đồng ý": {"Phong trào thiết thực": 4, "Khen thưởng kịp thời": 5},
    "Đánh giá chung": "4",
    "Đã được phổ biến Kế hoạch?": "yes",
    "Lĩnh vực sáng kiến": "Số hóa",
    "Đề xuất, kiến nghị": "Tập huấn thêm",
    "Số lớp tập huấn đã dự": "3",
    "Ngày đăng ký thi đua": "2026-12-01",
}


def test_a_submission_runs_the_same_statements_whatever_its_answers(app, count_queries):
    """One answer or ten questions' (thirteen rows of answers, more of tallies): the same
    statements (a response's rows and its tallies are each written by one executemany)."""
    from sqlalchemy import func, select

    from app.models.surveys import SurveyAnswer
    from app.surveys import services as surveys

    campaign = make_campaign()
    officer = make_user(roles=("officer",))
    survey = make_survey(campaign, officer)
    counts, rows = [], []
    for values in (ONE_ANSWER, EVERY_ANSWER):
        person = make_user()
        with count_queries() as statements:
            answer_all(surveys.load(survey.id), person, values)
        counts.append(len(statements))
        rows.append(db.session.scalar(select(func.count()).select_from(SurveyAnswer)))
    assert rows[1] - rows[0] == 13, rows
    assert counts[0] == counts[1], counts
