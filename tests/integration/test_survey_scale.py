"""The results page of a survey runs the same number of queries with 50 and with 5,000
responses: it reads the survey's tallies, the responses written here in bulk being tallied by
`tallies.rebuild` (the SQL sums the migration and the bench use)."""

import pytest

from app.extensions import db
from app.surveys import services, tallies
from tests.factories import make_campaign
from tests.initiative_helpers import make_officer
from tests.survey_helpers import add_bulk_responses, make_survey


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

    add_bulk_responses(survey, 50)
    tallies.rebuild([survey.id])
    db.session.commit()
    measure()  # the first reading keeps the survey's structure (app/surveys/structure.py)
    few, page = measure()
    assert 'id="responses">50<' in page
    add_bulk_responses(services.load(survey.id), 4950)
    tallies.rebuild([survey.id])
    db.session.commit()
    many, page = measure()
    assert 'id="responses">5000<' in page
    assert many == few
    # 2,500 of the 5,000 chose the first option of the first question: 50%.
    assert "2500" in page and "50%" in page
