"""The voting pages through the test client: who may open what on every route, preparing a
round (local times, errors beside the fields, candidates with search), voting with and without
htmx (the counter swapped out of band, the limit, one's own initiative), the receipt check,
results with their workbook, the list of who has not voted, the secrecy of every page, export
and audit row, 20 concurrent votes of one person, and bounded queries."""

import io
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.voting import Vote, VotingCandidate, VotingParticipant, VotingRound
from app.voting import services
from tests.conftest import csrf_token, post, sign_in
from tests.factories import make_campaign, make_unit, make_user
from tests.initiative_helpers import make_accepted, make_officer
from tests.voting_helpers import candidates, close, make_round, reload

HX = {"HX-Request": "true"}


@pytest.fixture
def campaign(app):
    return make_campaign()


@pytest.fixture
def people(campaign):
    unit, other = make_unit(name="Phòng Tổng hợp"), make_unit(name="Phòng Kinh tế")
    return {
        "officer": make_officer(full_name="Nguyễn Thị Thu Hằng"),
        "leader": make_user(roles=("leader",), full_name="Hoàng Minh Đức"),
        "admin": make_user(roles=("admin",), full_name="Trần Quốc Huy"),
        "voter": make_user(unit=unit, full_name="Phạm Thị Mai Anh"),
        "outsider": make_user(unit=other, full_name="Lê Văn Tám"),
        "unit": unit,
    }


@pytest.fixture
def rounds(campaign, people):
    made = candidates(campaign, 4, officer=people["officer"])
    only_unit = {"is_open_to_all": False, "unit_ids": [people["unit"].id]}
    return {
        "draft": make_round(campaign, made, people["officer"], publish=False),
        "open": make_round(campaign, made, people["officer"], **only_unit),
        "closed": close(make_round(campaign, made, people["officer"], **only_unit)),
    }


def switch(client, user) -> None:
    """Sign out whoever is signed in, then sign `user` in."""
    post(client, "/logout")
    assert sign_in(client, user.username).status_code == 303


def _first_candidate(round_) -> int:
    return db.session.scalar(
        select(VotingCandidate.id)
        .where(VotingCandidate.round_id == round_.id)
        .order_by(VotingCandidate.position)
        .limit(1)
    )


# Who may open what ---------------------------------------------------------------------------

ROUTES = {
    "voting.index": ("GET", "/voting/", "open"),
    "voting.new": ("GET", "/voting/new", "open"),
    "voting.show": ("GET", "/voting/{r}", "open"),
    "voting.edit": ("GET", "/voting/{r}/edit", "draft"),
    "voting.delete": ("POST", "/voting/{r}/delete", "draft"),
    "voting.candidates": ("GET", "/voting/{r}/candidates", "draft"),
    "voting.remove_candidate": ("POST", "/voting/{r}/candidates/{c}/remove", "draft"),
    "voting.publish": ("POST", "/voting/{r}/publish", "draft"),
    "voting.close": ("POST", "/voting/{r}/close", "open"),
    "voting.vote": ("POST", "/voting/{r}/ballot", "open"),
    "voting.receipt": ("GET", "/voting/{r}/receipt", "open"),
    "voting.results": ("GET", "/voting/{r}/results", "closed"),
    "voting.export": ("GET", "/voting/{r}/results.xlsx", "closed"),
    "voting.publish_results": ("POST", "/voting/{r}/results/publish", "closed"),
    "voting.non_voters": ("GET", "/voting/{r}/non-voters", "open"),
}
EVERYONE = {"officer", "leader", "admin", "voter", "outsider"}
MATRIX = {
    "voting.index": EVERYONE,
    "voting.new": {"officer"},
    "voting.show": {"officer", "leader", "voter"},
    "voting.edit": {"officer"},
    "voting.delete": {"officer"},
    "voting.candidates": {"officer"},
    "voting.remove_candidate": {"officer"},
    "voting.publish": {"officer"},
    "voting.close": {"officer"},
    "voting.vote": {"voter"},
    "voting.receipt": {"voter"},
    "voting.results": {"officer", "leader"},
    "voting.export": {"officer", "leader"},
    "voting.publish_results": {"officer"},
    "voting.non_voters": {"officer", "leader"},
}


def test_the_matrix_covers_every_route(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {e for e in endpoints if e.startswith("voting.")} == set(ROUTES) == set(MATRIX)


@pytest.mark.parametrize("who", sorted(EVERYONE))
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_role_matrix(client, login, people, rounds, who, endpoint):
    method, pattern, which = ROUTES[endpoint]
    round_ = rounds[which]
    candidate = _first_candidate(round_)
    url = pattern.format(r=round_.id, c=candidate)
    login(people[who])
    if method == "GET":
        response = client.get(url)
    else:
        data = {"csrf_token": csrf_token(client, "/"), "candidate": candidate, "action": "cast"}
        response = client.post(url, data=data)
    if response.headers.get("Content-Type", "").startswith("application/vnd.openxml"):
        response.close()
    if who in MATRIX[endpoint]:
        assert response.status_code in (200, 303), (who, endpoint, response.status_code)
    else:
        assert response.status_code == 403, (who, endpoint, response.status_code)


def test_anonymous_is_sent_to_sign_in(client, rounds):
    response = client.get(f"/voting/{rounds['open'].id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "url", ["/voting/999", "/voting/999/results", "/voting/999/non-voters", "/voting/999/edit"]
)
def test_unknown_round_is_404(client, login, people, url):
    login(people["officer"])
    assert client.get(url).status_code == 404


def test_a_vote_without_the_csrf_token_is_refused(client, login, people, rounds):
    login(people["voter"])
    round_ = rounds["open"]
    response = client.post(
        f"/voting/{round_.id}/ballot", data={"candidate": _first_candidate(round_)}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 0


# Preparing a round ---------------------------------------------------------------------------


def test_officer_creates_a_round_in_local_time(client, login, people, campaign):
    login(people["officer"])
    assert "Tên đợt bình chọn" in client.get("/voting/new").get_data(as_text=True)
    response = post(
        client,
        "/voting/new",
        {
            "title": "Bình chọn sáng kiến tiêu biểu",
            "opens_at": "2027-01-05T08:00",
            "closes_at": "10/01/2027 17:30",
            "max_votes": "3",
            "min_votes": "",
            "results_mode": "live",
            "audience": "units",
            "unit_ids": [str(people["unit"].id)],
        },
    )
    assert response.status_code == 303
    round_ = db.session.scalar(select(VotingRound))
    assert response.headers["Location"].endswith(f"/voting/{round_.id}/candidates")
    assert round_.opens_at == datetime(2027, 1, 5, 1, 0, tzinfo=UTC)
    assert round_.closes_at == datetime(2027, 1, 10, 10, 30, tzinfo=UTC)
    assert round_.results_mode == "live" and not round_.is_open_to_all
    assert [u.id for u in reload(round_).units] == [people["unit"].id]
    page = client.get(f"/voting/{round_.id}/edit").get_data(as_text=True)
    assert (
        'value="2027-01-05T08:00"' in page
        and 'checked class="form-check-input" id="results_mode-1"' in page
    )
    changed = post(
        client,
        f"/voting/{round_.id}/edit",
        {
            "title": "Bình chọn sáng kiến tiêu biểu (đợt 2)",
            "opens_at": "2027-01-06T07:30",
            "closes_at": "2027-01-10T17:30",
            "max_votes": "2",
            "min_votes": "1",
            "results_mode": "after_close",
            "audience": "all",
        },
    )
    assert changed.status_code == 303
    round_ = reload(round_)
    assert round_.title.endswith("(đợt 2)") and round_.is_open_to_all and round_.units == []
    assert round_.opens_at == datetime(2027, 1, 6, 0, 30, tzinfo=UTC)
    assert (round_.max_votes, round_.min_votes) == (2, 1)


def test_bad_round_input_comes_back_with_errors_beside_the_fields(client, login, people, campaign):
    login(people["officer"])
    response = post(
        client,
        "/voting/new",
        {
            "title": "Đợt <b>thử</b>",
            "opens_at": "2027-01-05T08:00",
            "closes_at": "2027-01-04T08:00",
            "max_votes": "ba",
            "min_votes": "9",
            "results_mode": "after_close",
            "audience": "units",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="closes_at-error"' in page and "Thời điểm kết thúc phải sau" in page
    assert 'id="unit_ids-error"' in page and "Chọn ít nhất một đơn vị" in page
    assert 'id="max_votes-error"' in page
    assert 'value="Đợt &lt;b&gt;thử&lt;/b&gt;"' in page and 'value="ba"' in page
    assert db.session.scalar(select(func.count(VotingRound.id))) == 0


@pytest.mark.parametrize("htmx", [False, True])
def test_candidates_are_searched_added_and_removed(client, login, people, campaign, htmx):
    made = candidates(campaign, 2, officer=people["officer"])
    made.append(make_accepted(make_user(), campaign, title="Hộp thư góp ý điện tử"))
    round_ = make_round(campaign, [made[0]], people["officer"], publish=False)
    login(people["officer"])
    found = client.get(
        f"/voting/{round_.id}/candidates?q=gop Y", headers=HX if htmx else {}
    ).get_data(as_text=True)
    assert "Hộp thư góp ý điện tử" in found and "Sáng kiến ứng viên số 2" not in found
    assert found.lstrip().startswith('<div id="nominable">') == htmx
    response = post(
        client,
        f"/voting/{round_.id}/candidates",
        {"initiative_ids": [str(made[1].id), str(made[2].id)]},
    )
    assert response.status_code == 303
    assert len(reload(round_).candidates) == 3
    refused = post(client, f"/voting/{round_.id}/candidates", {"initiative_ids": ["999"]})
    assert refused.status_code == 422 and "Chọn sáng kiến đã tiếp nhận" in refused.get_data(
        as_text=True
    )
    removed = post(
        client, f"/voting/{round_.id}/candidates/{reload(round_).candidates[0].id}/remove"
    )
    assert removed.status_code == 303
    assert [c.initiative_id for c in reload(round_).candidates] == [made[1].id, made[2].id]


def test_the_officer_publishes_from_the_round_s_page(client, login, people, campaign):
    round_ = make_round(
        campaign,
        candidates(campaign, 3, officer=people["officer"]),
        people["officer"],
        publish=False,
    )
    login(people["officer"])
    page = client.get(f"/voting/{round_.id}").get_data(as_text=True)
    assert "Công bố đợt bình chọn" in page and "disabled" not in page.split("Công bố đợt")[0][-200:]
    response = post(client, f"/voting/{round_.id}/publish")
    assert response.status_code == 303
    assert reload(round_).status == "published"
    again = client.get(f"/voting/{round_.id}/edit")
    assert again.status_code == 303
    assert "không thể thay đổi" in client.get(f"/voting/{round_.id}").get_data(as_text=True)


# Voting --------------------------------------------------------------------------------------


@pytest.fixture
def ballot(campaign, people):
    """An open round of five candidates, three votes each; the voter wrote the first."""
    made = candidates(campaign, 5, author=people["voter"], officer=people["officer"])
    round_ = make_round(campaign, made, people["officer"])
    return round_, [c.id for c in round_.candidates]


def _vote(client, round_, candidate, action="cast", htmx=False):
    return post(
        client,
        f"/voting/{round_.id}/ballot",
        {"candidate": candidate, "action": action},
        headers=HX if htmx else {},
    )


def test_voting_without_javascript_redirects_back_with_the_ballot(client, login, people, ballot):
    round_, ids = ballot
    login(people["voter"])
    page = client.get(f"/voting/{round_.id}").get_data(as_text=True)
    assert "Bạn còn 3 phiếu" in page
    assert re.search(rf'id="vote-{ids[0]}" disabled', page)
    assert "tác giả hoặc đồng tác giả của sáng kiến này" in page
    response = _vote(client, round_, ids[1])
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/voting/{round_.id}#vote-status")
    page = client.get(f"/voting/{round_.id}").get_data(as_text=True)
    assert "Bạn còn 2 phiếu" in page and "Đã ghi nhận lá phiếu của bạn." in page
    assert "Rút phiếu" in page
    receipt = services.ballot_of(reload(round_), people["voter"]).receipt
    assert receipt in page


def _cards(body: str) -> list[str]:
    return re.findall(r'<div class="col-12 col-md-6" id="card-(\d+)">', body)


def test_voting_with_htmx_swaps_the_card_and_the_counter_out_of_band(client, login, people, ballot):
    round_, ids = ballot
    login(people["voter"])
    page = client.get(f"/voting/{round_.id}").get_data(as_text=True)
    assert f'hx-target="#card-{ids[1]}" hx-swap="outerHTML"' in page
    response = _vote(client, round_, ids[1], htmx=True)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    # Only the voted card is drawn again, in place of the old one (the button's target).
    assert body.lstrip().startswith(f'<div class="col-12 col-md-6" id="card-{ids[1]}">')
    assert _cards(body) == [str(ids[1])] and 'id="candidates"' not in body
    assert "HX-Retarget" not in response.headers
    assert f'id="vote-{ids[1]}">Rút phiếu' in body
    assert '<div id="vote-status" hx-swap-oob="innerHTML">' in body
    assert "Bạn còn 2 phiếu" in body and "<html" not in body
    assert response.headers["Vary"] == "HX-Request" or "HX-Request" in response.headers["Vary"]
    withdrawn = _vote(client, round_, ids[1], "withdraw", htmx=True).get_data(as_text=True)
    assert _cards(withdrawn) == [str(ids[1])] and "Bạn còn 3 phiếu" in withdrawn


def test_a_vote_that_fills_or_frees_the_ballot_or_is_refused_redraws_every_card(
    client, login, people, ballot
):
    """Filling the ballot turns every other button off, freeing it turns them on, and a refusal
    may answer a page out of date: the whole list, retargeted at its container."""
    round_, ids = ballot
    login(people["voter"])
    everything = [str(i) for i in ids]

    def whole(response, status=200) -> str:
        assert response.status_code == status
        assert response.headers["HX-Retarget"] == "#candidates"
        assert response.headers["HX-Reswap"] == "outerHTML"
        body = response.get_data(as_text=True)
        assert body.lstrip().startswith('<div id="candidates"') and _cards(body) == everything
        return body

    for candidate in ids[1:3]:
        assert _cards(_vote(client, round_, candidate, htmx=True).get_data(as_text=True)) == [
            str(candidate)
        ]
    full = whole(_vote(client, round_, ids[3], htmx=True))
    assert re.search(rf'id="vote-{ids[4]}" disabled', full)
    again = whole(_vote(client, round_, ids[3], htmx=True))  # already there: nothing changed
    assert "Đã ghi nhận" not in again
    whole(_vote(client, round_, ids[4], htmx=True), status=422)
    freed = whole(_vote(client, round_, ids[3], "withdraw", htmx=True))
    assert re.search(rf'id="vote-{ids[4]}">Bình chọn', freed)


def test_a_vote_s_page_is_drawn_without_reading_the_round_and_the_voter_again(
    client, login, people, ballot, count_queries
):
    """The round, its candidates, the voter and the voter's own candidates are read once per
    vote (before it); a vote already there rolls back, and its page reads the round again."""
    round_, ids = ballot
    login(people["voter"])
    url, token = f"/voting/{round_.id}/ballot", csrf_token(client, "/")

    def vote(action: str) -> tuple[str, dict[str, int]]:
        data = {"csrf_token": token, "candidate": ids[1], "action": action}
        with count_queries() as statements:
            response = client.post(url, data=data, headers=HX)
        assert response.status_code == 200
        selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        return response.get_data(as_text=True), {
            "round": sum("voting_rounds.max_votes" in s for s in selects),
            "candidates": sum("voting_candidates.summary" in s for s in selects),
            "voter": sum("users.password_hash" in s for s in selects),
            "authored": sum("JOIN initiative_authors" in s for s in selects),
        }

    once = {"round": 1, "candidates": 1, "voter": 1, "authored": 1}
    page, reads = vote("cast")
    assert "Bạn còn 2 phiếu" in page and reads == once
    page, reads = vote("cast")
    assert "Bạn còn 2 phiếu" in page and reads["round"] == 2
    page, reads = vote("withdraw")
    assert "Bạn còn 3 phiếu" in page and reads == once


def test_the_fourth_vote_is_disabled_then_refused_and_a_vote_can_be_moved(
    client, login, people, ballot
):
    round_, ids = ballot
    login(people["voter"])
    for candidate in ids[1:4]:
        assert _vote(client, round_, candidate, htmx=True).status_code == 200
    page = client.get(f"/voting/{round_.id}").get_data(as_text=True)
    assert "Bạn đã dùng hết 3 phiếu</p>" in page
    assert re.search(rf'id="vote-{ids[4]}" disabled', page)
    assert "Bạn đã dùng hết 3 phiếu: hãy rút một phiếu để chọn sáng kiến này." in page
    refused = _vote(client, round_, ids[4], htmx=True)
    assert refused.status_code == 422
    assert "Bạn đã dùng hết 3 phiếu. Hãy rút một phiếu" in refused.get_data(as_text=True)
    assert _vote(client, round_, ids[2], "withdraw", htmx=True).status_code == 200
    assert _vote(client, round_, ids[4]).status_code == 303
    assert services.ballot_of(reload(round_), people["voter"]).chosen == {ids[1], ids[3], ids[4]}


def test_one_s_own_initiative_is_refused_even_by_a_crafted_request(client, login, people, ballot):
    round_, ids = ballot
    login(people["voter"])
    response = _vote(client, round_, ids[0])
    assert response.status_code == 303
    page = client.get(f"/voting/{round_.id}").get_data(as_text=True)
    assert "Không bình chọn cho sáng kiến mà mình là tác giả" in page
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 0


def test_a_vote_for_something_not_a_candidate_is_a_bad_request(client, login, people, ballot):
    round_, _ids = ballot
    login(people["voter"])
    assert _vote(client, round_, "abc").status_code == 400
    assert _vote(client, round_, 99999).status_code == 303  # refused, with the message
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 0


def test_no_vote_url_names_a_candidate(client, login, people, ballot):
    round_, ids = ballot
    login(people["voter"])
    page = client.get(f"/voting/{round_.id}").get_data(as_text=True)
    actions = set(re.findall(r'(?:action|hx-post)="([^"]+)"', page))
    votes = {a for a in actions if "ballot" in a}
    assert votes == {f"/voting/{round_.id}/ballot"}
    assert not any("candidate" in a or "?" in a for a in actions)
    assert len(ids) == 5


def test_the_receipt_check_says_whether_the_code_matches(client, login, people, ballot):
    round_, ids = ballot
    login(people["voter"])
    _vote(client, round_, ids[1])
    code = services.ballot_of(reload(round_), people["voter"]).receipt
    page = client.get(f"/voting/{round_.id}/receipt").get_data(as_text=True)
    assert "Sáng kiến ứng viên số 2" in page and code in page
    good = post(client, f"/voting/{round_.id}/receipt", {"code": code.lower()}, headers=HX)
    assert good.status_code == 200 and "Mã khớp" in good.get_data(as_text=True)
    _vote(client, round_, ids[2])
    stale = post(client, f"/voting/{round_.id}/receipt", {"code": code})
    assert "Mã không khớp" in stale.get_data(as_text=True)
    empty = post(client, f"/voting/{round_.id}/receipt", {"code": ""})
    assert empty.status_code == 422 and "Nhập mã biên nhận." in empty.get_data(as_text=True)


def test_home_shows_the_open_round_with_the_votes_left(client, login, people, ballot):
    round_, ids = ballot
    login(people["voter"])
    _vote(client, round_, ids[1])
    home = client.get("/").get_data(as_text=True)
    assert "Bình chọn “Bình chọn sáng kiến tiêu biểu năm 2026”: bạn còn 2 phiếu" in home
    assert "còn 2 phiếu" in home and f"/voting/{round_.id}" in home


# Results and the reminders' list -----------------------------------------------------------


def _cast_for(round_, voter, *candidate_ids):
    for candidate in candidate_ids:
        services.cast_vote(reload(round_), _seen(voter), candidate, services.now_utc())


def _seen(user):
    from tests.review_helpers import seen

    return seen(user)


def test_results_rank_ties_and_the_workbook_has_the_totals(client, login, people, ballot):
    round_, ids = ballot
    voters = [make_user(unit=people["unit"]) for _ in range(3)]
    _cast_for(round_, voters[0], ids[1], ids[2])
    _cast_for(round_, voters[1], ids[1], ids[2])
    _cast_for(round_, voters[2], ids[3])
    login(people["officer"])
    assert client.get(f"/voting/{round_.id}/results").status_code == 403  # still open
    close(round_)
    page = client.get(f"/voting/{round_.id}/results").get_data(as_text=True)
    assert page.count("đồng hạng") == 4  # 2 + 2 + 0 + 0 tied twice
    assert 'id="ballots-counted">3<' in page
    assert "Chưa công bố" not in page and "Kết quả chưa được công bố" in page
    response = client.get(f"/voting/{round_.id}/results.xlsx")
    sheet = load_workbook(io.BytesIO(response.data))["Kết quả"]
    response.close()
    rows = [row for row in sheet.iter_rows(min_row=5, values_only=True) if row[1]]
    assert [(r[1], r[5]) for r in rows[:3]] == [
        ("Sáng kiến ứng viên số 2", 2),
        ("Sáng kiến ứng viên số 3", 2),
        ("Sáng kiến ứng viên số 4", 1),
    ]
    assert rows[0][0] == "1 (đồng hạng)" and rows[2][0] == 3
    assert (
        db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "voting.results_exported")
        )
        == 1
    )
    published = post(client, f"/voting/{round_.id}/results/publish")
    assert published.status_code == 303
    switch(client, voters[0])
    assert client.get(f"/voting/{round_.id}/results").status_code == 200


def test_non_voters_lists_names_only_and_filters_by_unit(client, login, people, ballot):
    round_, ids = ballot
    other = make_unit(name="Phòng Nội chính")
    late = make_user(unit=other, full_name="Đỗ Thị Hoa")
    _cast_for(round_, people["outsider"], ids[1])
    login(people["officer"])
    page = client.get(f"/voting/{round_.id}/non-voters").get_data(as_text=True)
    assert "Đỗ Thị Hoa" in page and "Lê Văn Tám" not in page
    filtered = client.get(
        f"/voting/{round_.id}/non-voters?unit={people['unit'].id}", headers=HX
    ).get_data(as_text=True)
    assert filtered.lstrip().startswith('<div id="results">')
    assert "Phạm Thị Mai Anh" in filtered and "Đỗ Thị Hoa" not in filtered
    assert late.id


# Secrecy ---------------------------------------------------------------------------------------


def test_no_page_export_or_audit_row_pairs_a_voter_with_a_candidate(client, login, people, ballot):
    round_, ids = ballot
    voters = {
        make_user(unit=people["unit"], full_name=name): choice
        for name, choice in (("Vũ Thị Bình Chọn", ids[1]), ("Đặng Văn Phiếu Kín", ids[2]))
    }
    for voter, choice in voters.items():
        _cast_for(round_, voter, choice)
    titles = [c.title for c in reload(round_).candidates]
    names = [voter.full_name for voter in voters]
    round_id = round_.id
    pages = []
    for who in ("officer", "leader", "admin"):
        switch(client, people[who])
        for url in (f"/voting/{round_id}", f"/voting/{round_id}/non-voters", "/voting/", "/"):
            pages.append(client.get(url).get_data(as_text=True))
    close(round_)
    for who in ("officer", "leader"):
        switch(client, people[who])
        pages.append(client.get(f"/voting/{round_id}/results").get_data(as_text=True))
        response = client.get(f"/voting/{round_id}/results.xlsx")
        book = load_workbook(io.BytesIO(response.data))
        response.close()
        pages.append(
            " ".join(str(v) for s in book for row in s.iter_rows(values_only=True) for v in row)
        )
    for page in pages:
        assert not any(name in page for name in names)
    # The audit log names the voters, never next to a candidate.
    switch(client, people["admin"])
    log = client.get("/admin/audit/?action=voting.vote_cast").get_data(as_text=True)
    log += client.get("/admin/audit/").get_data(as_text=True)
    rows = [row for row in log.split("<tr") if any(name in row for name in names)]
    assert rows and all(not any(title in row for title in titles) for row in rows)
    for entry in db.session.scalars(
        select(AuditEntry).where(AuditEntry.actor_id.in_([v.id for v in voters]))
    ):
        text = f"{entry.target_type} {entry.target_id} {entry.target_label} {entry.details}"
        assert not any(title in text for title in titles)
        assert entry.target_type in ("votinground", None)


# Concurrency -----------------------------------------------------------------------------------


def test_twenty_concurrent_votes_of_one_voter_keep_the_limit(app, client, people, ballot):
    round_, ids = ballot
    voter = make_user(unit=people["unit"])
    assert sign_in(client, voter.username).status_code == 303
    token = csrf_token(client, "/")  # before reading the cookie: the token lives in the session
    cookie = client.get_cookie("session").value
    start = threading.Barrier(20, timeout=30)
    url = f"/voting/{round_.id}/ballot"
    statuses: list[int] = []

    failures: list[BaseException] = []

    def send(candidate: int) -> None:
        try:
            own = app.test_client()
            own.set_cookie("session", cookie)
            start.wait()
            response = own.post(
                url,
                data={"csrf_token": token, "candidate": candidate, "action": "cast"},
            )
            statuses.append(response.status_code)
        except BaseException as error:  # reported below: a thread's exception is otherwise lost
            failures.append(error)

    threads = [
        threading.Thread(target=send, args=(ids[1 + n % 4],), daemon=True) for n in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert statuses == [303] * 20
    key = services.ballot_key(round_.id, voter.id)
    votes = db.session.execute(
        select(Vote.candidate_id, Vote.slot).where(Vote.round_id == round_.id, Vote.ballot == key)
    ).all()
    assert len(votes) == 3
    assert len({c for c, _s in votes}) == 3 and {s for _c, s in votes} == {1, 2, 3}
    count = db.session.scalar(
        select(VotingParticipant.vote_count).where(VotingParticipant.user_id == voter.id)
    )
    assert count == 3
    assert (
        db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "voting.vote_cast")
        )
        == 3
    )


# Bounded queries -------------------------------------------------------------------------------


def test_round_page_results_and_home_run_the_same_queries_with_3_and_30_candidates(
    client, login, people, campaign, count_queries
):
    officer = people["officer"]

    def setup(count):
        made = candidates(campaign, count, officer=officer)
        round_ = make_round(campaign, made, officer, max_votes=2, results_mode="live")
        ids = [c.id for c in round_.candidates]
        voters = [make_user(unit=people["unit"]) for _ in range(count)]
        for n, voter in enumerate(voters):
            _cast_for(round_, voter, ids[n % count])
        return round_

    def measure(round_) -> list[int]:
        switch(client, people["voter"])
        counts = []
        for url in (f"/voting/{round_.id}", f"/voting/{round_.id}/results", "/", "/voting/"):
            with count_queries() as statements:
                response = client.get(url)
            assert response.status_code == 200, url
            counts.append(len(statements))
        return counts

    def measure_officer(round_) -> list[int]:
        switch(client, officer)
        counts = []
        for url in (f"/voting/{round_.id}", f"/voting/{round_.id}/non-voters", "/voting/"):
            with count_queries() as statements:
                assert client.get(url).status_code == 200, url
            counts.append(len(statements))
        return counts

    few_round, many_round = setup(3), setup(30)
    assert measure(few_round) == measure(many_round)
    assert measure_officer(few_round) == measure_officer(many_round)


def test_an_old_closed_round_is_listed_with_its_phase(client, login, people, rounds):
    login(people["voter"])
    page = client.get("/voting/").get_data(as_text=True)
    assert "Đã kết thúc" in page and "Đang bình chọn" in page
    assert "Đang chuẩn bị" not in page  # drafts are the officer's
    assert datetime.now(UTC) - timedelta(days=1) < reload(rounds["open"]).closes_at


def test_a_candidate_the_council_did_not_recognize_stays_readable_by_the_voters(
    client, login, people, ballot
):
    from app.models.initiatives import Initiative, InitiativeStatus

    round_, ids = ballot
    initiative_id = db.session.scalar(
        select(VotingCandidate.initiative_id).where(VotingCandidate.id == ids[1])
    )
    initiative = db.session.get(Initiative, initiative_id)
    initiative.status = InitiativeStatus.NOT_RECOGNIZED
    db.session.commit()
    login(make_user())
    assert client.get(f"/initiatives/{initiative_id}").status_code == 200
    # Without a published round it is the council's members' again.
    db.session.delete(db.session.get(VotingRound, round_.id))
    db.session.commit()
    assert client.get(f"/initiatives/{initiative_id}").status_code == 403
