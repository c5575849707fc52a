"""The cache of figures grouped over every person (app/figures_cache.py): the dashboard and a
survey's response rates come from it while no audited change has been recorded, for a minute
at most; an audited change (a signature, a survey answer) shows at once."""

import pytest

from app import figures_cache
from tests.conftest import post, sign_in
from tests.factories import make_campaign, make_unit, make_user
from tests.initiative_helpers import make_officer
from tests.review_helpers import signed_commitment
from tests.survey_helpers import answer_all, make_survey


@pytest.fixture
def cached(app, monkeypatch):
    app.config["FIGURES_CACHE_SECONDS"] = 60
    figures_cache.clear()
    clock = {"now": 1000.0}
    monkeypatch.setattr(figures_cache.time, "monotonic", lambda: clock["now"])
    yield clock
    figures_cache.clear()


def _staff_cell(page: str, unit_name: str) -> str:
    start = page.index(unit_name + "</td>")
    row = page[start : page.index("</tr>", start)]
    return row.split('class="text-sm-end">', 2)[1].split("<", 1)[0]


def test_the_dashboard_is_cached_until_an_audited_change_or_a_minute(
    client, login, cached, count_queries
):
    campaign = make_campaign()
    unit = make_unit(name="Phòng Hành chính")
    people = [make_user(unit=unit) for _ in range(3)]
    login(make_officer())

    def board() -> tuple[str, int]:
        with count_queries() as statements:
            page = client.get("/monitoring/").get_data(as_text=True)
        return page, len(statements)

    first, computed = board()
    assert _staff_cell(first, "Phòng Hành chính") == "3"
    make_user(unit=unit)  # a change without an audit entry: the cached figures are kept
    again, from_cache = board()
    assert _staff_cell(again, "Phòng Hành chính") == "3"
    assert from_cache < computed
    signed_commitment(campaign, people[0])  # audited: seen at once, with the fourth person
    page, _count = board()
    assert _staff_cell(page, "Phòng Hành chính") == "4" and "25%" in page
    make_user(unit=unit)
    assert _staff_cell(board()[0], "Phòng Hành chính") == "4"
    cached["now"] += 61  # a minute later, whatever happened
    assert _staff_cell(board()[0], "Phòng Hành chính") == "5"


def test_response_rates_follow_each_answer(client, login, cached):
    campaign = make_campaign()
    unit = make_unit(name="Phòng Tổng hợp")
    officer = make_officer()
    people = [make_user(unit=unit) for _ in range(4)]
    survey = make_survey(campaign, officer, is_anonymous=False)
    login(officer)
    url = f"/surveys/{survey.id}/results"
    assert 'id="responses">0<' in client.get(url).get_data(as_text=True)
    answer_all(survey, people[0], {"Kế hoạch thực hiện văn bản nào?": "Kế hoạch 146"})
    page = client.get(url).get_data(as_text=True)
    start = page.index("Phòng Tổng hợp</td>")
    assert "25%" in page[start : page.index("</tr>", start)]


def test_signing_in_and_out_keeps_the_cached_figures(app, client, login, cached):
    """At province scale someone signs in every second: that changes no figure, so the cache
    is kept through sign-ins, failed sign-ins and sign-outs, and still gives way to a
    signature."""
    campaign = make_campaign()
    unit = make_unit(name="Phòng Hành chính")
    people = [make_user(unit=unit) for _ in range(3)]
    login(make_officer())
    assert _staff_cell(client.get("/monitoring/").get_data(as_text=True), "Phòng Hành chính") == "3"
    make_user(unit=unit)  # no audit entry: not seen while the cache holds

    other = app.test_client()
    assert sign_in(other, people[1].username, "wrong password").status_code == 422
    assert sign_in(other, people[1].username).status_code == 303
    assert post(other, "/logout", {}, token_from="/").status_code in (302, 303)
    kept = client.get("/monitoring/").get_data(as_text=True)
    assert _staff_cell(kept, "Phòng Hành chính") == "3"

    signed_commitment(campaign, people[0])
    page = client.get("/monitoring/").get_data(as_text=True)
    assert _staff_cell(page, "Phòng Hành chính") == "4"
