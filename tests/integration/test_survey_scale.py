"""The results page of a survey runs the same number of queries with 50 and with 5,000
responses: every figure is an aggregate computed in SQL."""

from datetime import date

import pytest
from sqlalchemy import insert

from app.extensions import db
from app.models.surveys import SurveyAnswer, SurveyResponse, new_response_id
from app.surveys import services
from tests.factories import make_campaign
from tests.initiative_helpers import make_officer
from tests.survey_helpers import by_text, make_survey


def _add_responses(survey, count: int) -> None:
    """`count` responses written in bulk, each answering the choice, Likert, rating, number and
    text questions (as a submission stores them)."""
    q = by_text(survey)
    single = q["Kế hoạch thực hiện văn bản nào?"]
    multiple = q["Những nội dung nào thuộc Phong trào?"]
    likert = q["Mức độ đồng ý"]
    responses, answers = [], []
    for n in range(count):
        rid = new_response_id()
        responses.append(
            {
                "id": rid,
                "survey_id": survey.id,
                "submitted_on": date(2026, 12, 1),
                "knowledge_correct": n % 3,
                "knowledge_total": 2,
            }
        )
        chosen = single.options[n % 2]
        answers += [
            {
                "response_id": rid,
                "question_id": single.id,
                "item": chosen.id,
                "option_id": chosen.id,
                "is_correct": n % 2 == 0,
            },
            {
                "response_id": rid,
                "question_id": multiple.id,
                "item": multiple.options[0].id,
                "option_id": multiple.options[0].id,
                "is_correct": False,
            },
            {
                "response_id": rid,
                "question_id": likert.id,
                "item": likert.options[0].id,
                "option_id": likert.options[0].id,
                "number_value": float(1 + n % 5),
            },
            {
                "response_id": rid,
                "question_id": q["Đánh giá chung"].id,
                "item": 0,
                "number_value": float(1 + n % 5),
            },
            {
                "response_id": rid,
                "question_id": q["Số lớp tập huấn đã dự"].id,
                "item": 0,
                "number_value": float(n % 20),
            },
            {
                "response_id": rid,
                "question_id": q["Lĩnh vực sáng kiến"].id,
                "item": 0,
                "text_value": f"Ý kiến số {n}",
            },
        ]
    db.session.execute(insert(SurveyResponse), responses)
    db.session.execute(insert(SurveyAnswer), answers)
    db.session.commit()


@pytest.fixture
def officer_client(client, login, app):
    officer = make_officer()
    survey = make_survey(make_campaign(), officer)
    login(officer)
    return client, survey


def test_results_page_runs_the_same_queries_with_50_and_5000_responses(
    officer_client, count_queries
):
    client, survey = officer_client
    url = f"/surveys/{survey.id}/results"

    def measure() -> tuple[int, str]:
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        return len(statements), response.get_data(as_text=True)

    _add_responses(survey, 50)
    few, page = measure()
    assert 'id="responses">50<' in page
    _add_responses(services.load(survey.id), 4950)
    many, page = measure()
    assert 'id="responses">5000<' in page
    assert many == few
    # 2,500 of the 5,000 chose the first option of the first question: 50%.
    assert "2500" in page and "50%" in page
