"""The monitoring dashboard: the officer's and leaders' figures per unit (signed and confirmed,
initiatives, the latest round's turnout, the open surveys' answers), sortable, linking to who has
not done each thing, and the same number of queries with 10 and with 2,000 staff."""

import pytest
from sqlalchemy import insert

from app.extensions import db
from app.models.directory import User
from tests.factories import make_campaign, make_unit, make_user, password_hash
from tests.initiative_helpers import make_officer
from tests.review_helpers import signed_commitment
from tests.survey_helpers import answer_all, make_survey
from tests.voting_helpers import candidates, make_round

HX = {"HX-Request": "true"}


@pytest.fixture
def office(app):
    campaign = make_campaign()
    first, second = make_unit(name="Phòng Tổng hợp"), make_unit(name="Phòng Kinh tế")
    officer = make_officer()
    people = [make_user(unit=first) for _ in range(4)] + [make_user(unit=second) for _ in range(2)]
    signed_commitment(campaign, people[0])
    signed_commitment(campaign, people[1])
    return {
        "campaign": campaign,
        "first": first,
        "second": second,
        "officer": officer,
        "people": people,
    }


def test_the_dashboard_shows_each_unit_s_figures_and_links(client, login, office):
    round_ = make_round(office["campaign"], candidates(office["campaign"], 3), office["officer"])
    from app.voting import services as voting
    from tests.review_helpers import seen

    voting.cast_vote(round_, seen(office["people"][2]), round_.candidates[0].id, voting.now_utc())
    survey = make_survey(office["campaign"], office["officer"])
    answer_all(survey, office["people"][3], {"Kế hoạch thực hiện văn bản nào?": "Kế hoạch 146"})
    login(office["officer"])
    page = client.get("/monitoring/").get_data(as_text=True)
    start = page.index("Phòng Tổng hợp</td>")
    row = page[start : page.index("</tr>", start)]
    assert "50%" in row  # 2 of 4 signed
    assert f"/commitments/tracking?unit={office['first'].id}" in row
    assert f"/voting/{round_.id}/non-voters?unit={office['first'].id}" in row
    assert "25%" in row  # 1 of 4 voted, 1 of 4 answered
    assert (
        f"/reminders/new?kind=survey&amp;subject={survey.id}&amp;unit={office['first'].id}" in row
    )
    sorted_ = client.get("/monitoring/?sort=-signed", headers=HX).get_data(as_text=True)
    assert sorted_.lstrip().startswith('<div id="board">')
    assert sorted_.index("Phòng Tổng hợp") < sorted_.index("Phòng Kinh tế")
    ascending = client.get("/monitoring/?sort=signed").get_data(as_text=True)
    assert ascending.index("Phòng Kinh tế") < ascending.index("Phòng Tổng hợp")


@pytest.mark.parametrize("role", ["staff", "unit_head", "comms", "admin"])
def test_only_the_officer_and_leaders_see_the_dashboard(client, login, office, role):
    login(role)
    assert client.get("/monitoring/").status_code == 403


def test_a_leader_sees_it_without_the_reminder_links(client, login, office):
    make_survey(office["campaign"], office["officer"])
    login("leader")
    page = client.get("/monitoring/")
    assert page.status_code == 200 and "/reminders/new" not in page.get_data(as_text=True)


def test_the_dashboard_runs_the_same_queries_with_10_and_2000_staff(
    client, login, office, count_queries
):
    make_round(
        office["campaign"], candidates(office["campaign"], 2), office["officer"], max_votes=1
    )
    make_survey(office["campaign"], office["officer"])
    login(office["officer"])

    def measure() -> int:
        with count_queries() as statements:
            assert client.get("/monitoring/").status_code == 200
        return len(statements)

    few = measure()
    hashed = password_hash("x")
    rows = [
        {
            "username": f"bulk{n}",
            "full_name": f"Người thứ {n}",
            "password_hash": hashed,
            "unit_id": (office["first"].id if n % 2 else office["second"].id),
            "session_token": f"token-{n}",
            "name_sort": f"{n}",
            "search_text": f"nguoi {n}",
            "position": "Chuyên viên",
            "is_active": True,
            "must_change_password": False,
        }
        for n in range(2000)
    ]
    db.session.execute(insert(User), rows)
    db.session.commit()
    assert measure() == few
    page = client.get("/monitoring/").get_data(as_text=True)
    start = page.index("Phòng Tổng hợp</td>")
    assert ">1004</td>" in page[start : page.index("</tr>", start)]  # 4 + 1,000 added
