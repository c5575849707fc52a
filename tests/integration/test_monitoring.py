"""The monitoring dashboard: the officer's and leaders' figures per unit (signed and confirmed,
initiatives, the latest round's turnout, the open surveys' answers), sortable, linking to who has
not done each thing, and the same number of queries with 10 and with 2,000 staff."""

import pytest
from sqlalchemy import insert

from app import directory
from app.extensions import db
from app.models.directory import User
from tests.conftest import sign_in
from tests.factories import make_campaign, make_unit, make_user, password_hash
from tests.initiative_helpers import make_leader, make_officer
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
    assert ">1.004</td>" in page[start : page.index("</tr>", start)]  # 4 + 1,000 added


@pytest.fixture
def province(app, monkeypatch):
    """A tree too large to list whole (the limit lowered to 2 units): an office with two
    departments, one of them with a section of its own, and people at every level."""
    monkeypatch.setattr(directory, "WHOLE_TREE_MAX", 2)
    campaign = make_campaign()
    office = make_unit(name="Văn phòng UBND tỉnh")
    health = make_unit(name="Sở Y tế", parent=office)
    section = make_unit(name="Phòng Nghiệp vụ Y", parent=health)
    justice = make_unit(name="Sở Tư pháp", parent=office)
    people = {
        office: [make_user(unit=office)],
        health: [make_user(unit=health) for _ in range(2)],
        section: [make_user(unit=section) for _ in range(3)],
        justice: [make_user(unit=justice) for _ in range(4)],
    }
    signed_commitment(campaign, people[section][0])
    signed_commitment(campaign, people[health][0])
    return {"units": (office, health, section, justice), "people": people}


def _row(page: str, label: str) -> str:
    start = page.index(label)
    return page[start : page.index("</tr>", start)]


def test_a_large_tree_is_shown_one_level_at_a_time(client, login, province):
    _office, health, section, _justice = province["units"]
    login("officer")
    page = client.get("/monitoring/").get_data(as_text=True)
    # The single top unit is opened: its departments, each with the units below it.
    assert f'href="/monitoring/?within={health.id}"' in page
    health_row = _row(page, ">Sở Y tế</a>")
    assert "(1 đơn vị trực thuộc)" in health_row
    assert ">5</td>" in health_row and "40%" in health_row  # 2 + 3 people, 2 signed
    assert "/commitments/tracking?unit=" not in health_row  # a roll-up: open it instead
    assert ">4</td>" in _row(page, "Sở Tư pháp")
    assert ">1</td>" in _row(page, "Trực tiếp tại Văn phòng UBND tỉnh")
    assert "Phòng Nghiệp vụ Y" not in page
    # The first level's total is the whole office, the officer (in no unit) included, as the
    # figures above the table.
    assert ">1</td>" in _row(page, "Chưa thuộc đơn vị nào")
    assert ">11</td>" in _row(page, "Toàn cơ quan")
    assert "(2/11)" in page and "Toàn Văn phòng UBND tỉnh" not in page
    # Opened: its section and its own people, the path back, its total.
    opened = client.get(f"/monitoring/?within={health.id}").get_data(as_text=True)
    assert 'aria-current="page">Sở Y tế</li>' in opened
    crumbs = opened[opened.index('<ol class="breadcrumb') : opened.index("</ol>")]
    assert '<a href="/monitoring/"' in crumbs and ">Văn phòng UBND tỉnh</a>" in crumbs
    section_row = _row(opened, "Phòng Nghiệp vụ Y")
    assert ">3</td>" in section_row and "33,3%" in section_row
    assert f"/commitments/tracking?unit={section.id}" in section_row
    assert ">2</td>" in _row(opened, "Trực tiếp tại Sở Y tế")
    assert ">5</td>" in _row(opened, "Toàn Sở Y tế")
    assert "Sở Tư pháp" not in opened
    # Sorting stays within the opened unit; a unit that does not exist is not found.
    sorted_ = client.get(f"/monitoring/?within={health.id}&sort=-staff", headers=HX)
    text = sorted_.get_data(as_text=True)
    assert text.index("Phòng Nghiệp vụ Y") < text.index("Trực tiếp tại Sở Y tế")
    assert f"within={health.id}" in text and "sort=staff" in text
    assert client.get("/monitoring/?within=999999").status_code == 404


def test_a_small_tree_is_listed_whole(client, login, office):
    login(office["officer"])
    page = client.get("/monitoring/").get_data(as_text=True)
    assert "Phòng Tổng hợp" in page and "Phòng Kinh tế" in page
    assert "?within=" not in page and "đơn vị trực thuộc)" not in page
    assert "Toàn cơ quan" in page


BOARD = "monitoring/dashboard.html#board"  # the kept part's name (fragments.block)


def board(page: str) -> str:
    return page[page.index('<div id="board">') : page.index("</main>")]


def test_the_board_is_drawn_again_only_when_what_it_shows_changes(
    app, client, login, office, drawings
):
    make_survey(office["campaign"], office["officer"])
    leader = make_leader()
    login(office["officer"])
    first = client.get("/monitoring/").get_data(as_text=True)
    assert drawings.count(BOARD) == 1
    assert board(client.get("/monitoring/").get_data(as_text=True)) == board(first)
    assert drawings.count(BOARD) == 1  # kept

    # A third person of the first unit signs: 3 of 4.
    signed_commitment(office["campaign"], office["people"][2])
    signed = client.get("/monitoring/").get_data(as_text=True)
    assert drawings.count(BOARD) == 2
    start = signed.index("Phòng Tổng hợp</td>")
    assert "75%" in signed[start : signed.index("</tr>", start)]

    # Another order is another board; the same order asked by htmx is the one kept.
    page = client.get("/monitoring/?sort=-signed").get_data(as_text=True)
    assert drawings.count(BOARD) == 3
    partial = client.get("/monitoring/?sort=-signed", headers=HX).get_data(as_text=True)
    assert drawings.count(BOARD) == 3 and partial.strip() == board(page).strip()

    # A leader sees the same figures without the officer's reminder links.
    assert "/reminders/new" in board(signed)
    other = app.test_client()
    assert sign_in(other, leader.username).status_code == 303
    led = other.get("/monitoring/").get_data(as_text=True)
    assert drawings.count(BOARD) == 4 and "/reminders/new" not in led


def test_a_round_and_a_survey_for_chosen_units_count_only_those_units(office):
    """The round is for the second unit, one survey for the first, another for everyone:
    each unit's eligible and addressed people are its staff where it is chosen, none
    elsewhere, and only the votes and answers of the chosen count."""
    from app.monitoring import queries as monitoring
    from app.voting import services as voting
    from tests.review_helpers import seen

    campaign, first, second = office["campaign"], office["first"], office["second"]
    people = office["people"]  # four in the first unit, two in the second
    round_ = make_round(
        campaign,
        candidates(campaign, 2),
        office["officer"],
        max_votes=1,
        is_open_to_all=False,
        unit_ids=[second.id],
    )
    voting.cast_vote(round_, seen(people[4]), round_.candidates[0].id, voting.now_utc())
    question = {"Kế hoạch thực hiện văn bản nào?": "Kế hoạch 146"}
    for_first = make_survey(campaign, office["officer"], is_open_to_all=False, unit_ids=[first.id])
    for_all = make_survey(campaign, office["officer"])
    answer_all(for_first, people[0], question)
    answer_all(for_all, people[1], question)
    answer_all(for_all, people[5], question)
    staff = db.session.query(User).filter(User.is_active.is_(True)).count()

    now = voting.now_utc()
    board = monitoring.dashboard(campaign, now, now.date())

    rows = {row.unit_id: row for row in board.rows}
    assert (rows[first.id].voters, rows[first.id].voted) == (0, 0)
    assert (rows[second.id].voters, rows[second.id].voted) == (2, 1)
    assert (rows[first.id].addressed, rows[first.id].answered) == (4 + 4, 1 + 1)
    assert (rows[second.id].addressed, rows[second.id].answered) == (2, 1)
    assert (board.totals.voters, board.totals.voted) == (2, 1)
    assert (board.totals.addressed, board.totals.answered) == (4 + staff, 3)
    assert (rows[first.id].staff, rows[first.id].signed) == (4, 2)
