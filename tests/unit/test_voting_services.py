"""The voting services: preparing and publishing a round (candidates frozen), the ballot's rules
(the maximum, one vote per candidate, no vote for one's own initiative, the window, who may
vote), the database's own constraints, the secret ballot and its receipt, the results with
ties and the minimum, turnout, and the officer's close and publication."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError

from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.initiatives import services as initiatives
from app.models.audit import AuditEntry
from app.models.initiatives import Initiative
from app.models.notifications import Notification
from app.models.voting import Vote, VotingCandidate, VotingParticipant, VotingRound
from app.notifications.services import text_of
from app.voting import queries, services
from app.voting.services import VoteRefused
from tests.factories import make_campaign, make_unit, make_user
from tests.initiative_helpers import make_officer
from tests.review_helpers import seen
from tests.voting_helpers import candidates, close, make_round, reload, round_data


@pytest.fixture
def campaign(app):
    return make_campaign()


@pytest.fixture
def officer(app):
    return make_officer()


def now():
    return services.now_utc()


def ids(round_) -> list[int]:
    return [candidate.id for candidate in reload(round_).candidates]


def person(user):
    """The user as a request sees them; a deactivated one as stored (no request loads them)."""
    return seen(user) or user


def cast(round_, voter, candidate_id):
    round_ = reload(round_)
    return services.cast_vote(round_, person(voter), candidate_id, now())


def withdraw(round_, voter, candidate_id):
    round_ = reload(round_)
    return services.withdraw_vote(round_, person(voter), candidate_id, now())


def stored_votes(round_) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Vote).where(Vote.round_id == round_.id)
    )


def participant_count(round_, user) -> int | None:
    return db.session.scalar(
        select(VotingParticipant.vote_count).where(
            VotingParticipant.round_id == round_.id, VotingParticipant.user_id == user.id
        )
    )


# Preparing and publishing --------------------------------------------------------------------


def test_create_round_refuses_bad_input_with_every_error(campaign, officer):
    data = round_data(title=" ", closes_at=round_data()["opens_at"], max_votes=0, min_votes=0)
    data.update(is_open_to_all=False, unit_ids=[])
    with pytest.raises(ValidationFailed) as caught:
        services.create_round(seen(officer), campaign, data)
    assert set(caught.value.errors) == {"title", "closes_at", "max_votes", "min_votes", "unit_ids"}
    assert db.session.scalar(select(func.count(VotingRound.id))) == 0


def test_only_the_officer_creates_a_round(campaign):
    with pytest.raises(NotAllowed):
        services.create_round(seen(make_user()), campaign, round_data())


def test_a_minimum_above_the_maximum_is_refused(campaign, officer):
    with pytest.raises(ValidationFailed) as caught:
        services.create_round(seen(officer), campaign, round_data(max_votes=2, min_votes=3))
    assert list(caught.value.errors) == ["min_votes"]


def test_only_accepted_or_recognized_initiatives_of_the_campaign_become_candidates(
    campaign, officer
):
    accepted = candidates(campaign, 2, officer=officer)
    draft = initiatives.create(make_user(), campaign, {"title": "Bản nháp"}, now().date())
    round_ = services.create_round(seen(officer), campaign, round_data())
    with pytest.raises(ValidationFailed):
        services.add_candidates(seen(officer), queries.load(round_.id), [draft.id])
    assert (
        services.add_candidates(seen(officer), queries.load(round_.id), [i.id for i in accepted])
        == 2
    )
    # Each initiative once.
    with pytest.raises(ValidationFailed):
        services.add_candidates(seen(officer), queries.load(round_.id), [accepted[0].id])
    assert len(queries.load(round_.id).candidates) == 2


def test_publishing_needs_two_candidates_and_no_more_votes_than_candidates(campaign, officer):
    round_ = make_round(campaign, candidates(campaign, 2, officer=officer), publish=False)
    assert services.publishing_problems(round_, now()) != []  # 3 votes, 2 candidates
    with pytest.raises(InvalidTransition):
        services.publish_round(seen(officer), round_, now())
    services.update_round(seen(officer), reload(round_), round_data(max_votes=2))
    services.publish_round(seen(officer), reload(round_), now())
    assert reload(round_).phase(now()) == "open"


def test_publishing_freezes_the_candidates_and_their_texts(campaign, officer):
    made = candidates(campaign, 3, officer=officer)
    round_ = make_round(campaign, made, officer=officer)
    db.session.execute(update(Initiative).where(Initiative.id == made[0].id).values(title="Đổi"))
    db.session.commit()
    assert reload(round_).candidates[0].title == "Sáng kiến ứng viên số 1"
    for change in (
        lambda r: services.add_candidates(seen(officer), r, [made[0].id]),
        lambda r: services.remove_candidate(seen(officer), r, r.candidates[0].id),
        lambda r: services.update_round(seen(officer), r, round_data(max_votes=1)),
        lambda r: services.delete_round(seen(officer), r),
    ):
        with pytest.raises(InvalidTransition):
            change(reload(round_))
    assert len(reload(round_).candidates) == 3 and reload(round_).max_votes == 3


def test_the_card_shows_the_area_heading_and_a_summary(campaign, officer):
    long_solution = "Giải pháp " + "rất dài " * 200
    made = candidates(campaign, 2, officer=officer)
    db.session.execute(
        update(Initiative).where(Initiative.id == made[0].id).values(solution=long_solution)
    )
    db.session.commit()
    round_ = make_round(campaign, made, officer=officer, max_votes=1)
    card = round_.candidates[0]
    assert len(card.summary) <= services.SUMMARY_MAX + 1 and card.summary.endswith("…")
    assert card.area_title.startswith("II.1. ") and ":" not in card.area_title
    assert card.authors


# The ballot's rules -------------------------------------------------------------------------


@pytest.fixture
def open_round(campaign, officer):
    return make_round(campaign, candidates(campaign, 5, officer=officer), officer=officer)


def test_a_voter_casts_up_to_the_maximum_then_must_withdraw_to_move(open_round):
    voter = make_user()
    first, second, third, fourth, _fifth = ids(open_round)
    assert all(cast(open_round, voter, c) for c in (first, second, third))
    with pytest.raises(VoteRefused) as caught:
        cast(open_round, voter, fourth)
    assert "3" in caught.value.message
    assert withdraw(open_round, voter, second) is True
    assert cast(open_round, voter, fourth) is True
    ballot = services.ballot_of(reload(open_round), voter)
    assert ballot.chosen == {first, third, fourth} and ballot.remaining == 0
    assert participant_count(open_round, voter) == 3 and stored_votes(open_round) == 3


def test_voting_twice_for_the_same_candidate_changes_nothing(open_round):
    voter = make_user()
    candidate = ids(open_round)[0]
    assert cast(open_round, voter, candidate) is True
    assert cast(open_round, voter, candidate) is False
    assert withdraw(open_round, voter, ids(open_round)[1]) is False
    assert stored_votes(open_round) == 1 and participant_count(open_round, voter) == 1


def test_no_vote_for_an_initiative_one_wrote_or_co_wrote(campaign, officer):
    author, co_author = make_user(), make_user()
    made = candidates(campaign, 3, author=author, officer=officer)
    initiative = made[0]
    db.session.commit()
    # The co-author is added before the round freezes, as on an accepted application.
    from app.models.initiatives import InitiativeAuthor

    db.session.add(InitiativeAuthor(initiative_id=initiative.id, user_id=co_author.id, share=10))
    db.session.commit()
    round_ = make_round(campaign, made, officer=officer, max_votes=2)
    own = round_.candidates[0].id
    for person in (author, co_author):
        with pytest.raises(VoteRefused) as caught:
            cast(round_, person, own)
        assert "tác giả" in caught.value.message
    assert stored_votes(round_) == 0
    assert cast(round_, author, round_.candidates[1].id) is True


def test_no_vote_outside_the_window_or_in_a_draft(campaign, officer):
    made = candidates(campaign, 3, officer=officer)
    voter = make_user()
    later = make_round(
        campaign,
        made,
        officer=officer,
        opens_at=now() + timedelta(hours=2),
        closes_at=now() + timedelta(days=1),
    )
    with pytest.raises(VoteRefused):
        cast(later, voter, ids(later)[0])
    draft = make_round(campaign, made, officer=officer, publish=False)
    with pytest.raises(VoteRefused):
        cast(draft, voter, ids(draft)[0])
    ended = make_round(campaign, made, officer=officer)
    cast(ended, voter, ids(ended)[0])
    ended = close(ended)
    with pytest.raises(VoteRefused):
        cast(ended, voter, ids(ended)[1])
    with pytest.raises(VoteRefused):
        withdraw(ended, voter, ids(ended)[0])
    assert services.ballot_of(reload(ended), voter).chosen == {ids(ended)[0]}


def test_only_the_round_s_units_and_active_people_vote(campaign, officer):
    inside, outside = make_unit(), make_unit()
    member, stranger = make_user(unit=inside), make_user(unit=outside)
    gone = make_user(unit=inside, is_active=False)
    round_ = make_round(
        campaign,
        candidates(campaign, 3, officer=officer),
        officer=officer,
        is_open_to_all=False,
        unit_ids=[inside.id],
    )
    assert cast(round_, member, ids(round_)[0]) is True
    for person in (stranger, gone):
        with pytest.raises(NotAllowed):
            cast(round_, person, ids(round_)[0])
    assert not services.can_view(seen(stranger), reload(round_))
    assert services.can_view(seen(member), reload(round_))


def test_a_candidate_of_another_round_is_refused(campaign, officer):
    made = candidates(campaign, 3, officer=officer)
    one, other = make_round(campaign, made, officer=officer), make_round(campaign, made)
    with pytest.raises(VoteRefused):
        cast(one, make_user(), ids(other)[0])


# The database's own constraints ---------------------------------------------------------------


def test_the_database_refuses_a_second_vote_for_a_candidate_or_a_slot(open_round):
    key = services.ballot_key(open_round.id, 99)
    first, second = ids(open_round)[:2]
    db.session.execute(
        insert(Vote).values(round_id=open_round.id, ballot=key, slot=1, candidate_id=first)
    )
    db.session.commit()
    for slot, candidate in ((2, first), (1, second), (0, second), (51, second)):
        with pytest.raises(IntegrityError):
            db.session.execute(
                insert(Vote).values(
                    round_id=open_round.id, ballot=key, slot=slot, candidate_id=candidate
                )
            )
            db.session.flush()
        db.session.rollback()
    assert stored_votes(open_round) == 1


def test_the_database_refuses_a_vote_for_a_candidate_of_another_round(campaign, officer):
    made = candidates(campaign, 3, officer=officer)
    one, other = make_round(campaign, made, officer=officer), make_round(campaign, made)
    with pytest.raises(IntegrityError):
        db.session.execute(
            insert(Vote).values(
                round_id=one.id, ballot="x" * 64, slot=1, candidate_id=ids(other)[0]
            )
        )
        db.session.flush()
    db.session.rollback()


def test_the_participant_count_cannot_pass_the_maximum(open_round):
    voter = make_user()
    for candidate in ids(open_round)[:3]:
        cast(open_round, voter, candidate)
    # The conditional update refuses even if the ballot's slots were free (say, a lost key).
    db.session.execute(Vote.__table__.delete().where(Vote.round_id == open_round.id))
    db.session.commit()
    with pytest.raises(VoteRefused):
        cast(open_round, voter, ids(open_round)[4])
    assert stored_votes(open_round) == 0 and participant_count(open_round, voter) == 3


# The secret ballot ----------------------------------------------------------------------------


def test_a_vote_row_names_no_one_and_keeps_no_time(open_round):
    voter = make_user()
    cast(open_round, voter, ids(open_round)[0])
    columns = {column["name"] for column in inspect(db.engine).get_columns("votes")}
    assert columns == {"round_id", "ballot", "slot", "candidate_id"}
    other = make_user()
    cast(open_round, other, ids(open_round)[0])
    ballots = set(db.session.scalars(select(Vote.ballot)))
    assert len(ballots) == 2 and all(re.fullmatch("[0-9a-f]{64}", b) for b in ballots)
    ballot = services.ballot_key(open_round.id, voter.id)
    assert ballot in ballots and voter.username not in ballot
    assert ballot != services.ballot_key(open_round.id + 1, voter.id)


def test_the_audit_says_vote_cast_and_withdrawn_without_the_candidate(open_round):
    voter = make_user()
    chosen = ids(open_round)[2]
    cast(open_round, voter, chosen)
    withdraw(open_round, voter, chosen)
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action.like("voting.vote_%")).order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == ["voting.vote_cast", "voting.vote_withdrawn"]
    titles = {c.title for c in reload(open_round).candidates}
    for entry in entries:
        assert entry.target_type == "votinground" and entry.target_id == open_round.id
        assert entry.details == {}
        assert entry.target_label not in titles
        assert str(chosen) not in repr(entry.details)


def test_the_receipt_follows_the_ballot(open_round):
    voter = make_user()
    empty = services.ballot_of(reload(open_round), voter).receipt
    cast(open_round, voter, ids(open_round)[0])
    one = services.ballot_of(reload(open_round), voter).receipt
    assert one != empty and len(one) == 14 and one.count("-") == 2
    assert services.verify_receipt(reload(open_round), voter, one.lower().replace("-", " "))
    cast(open_round, voter, ids(open_round)[1])
    assert not services.verify_receipt(reload(open_round), voter, one)
    withdraw(open_round, voter, ids(open_round)[1])
    assert services.verify_receipt(reload(open_round), voter, one)
    # Another voter with the same choice has another code.
    other = make_user()
    cast(open_round, other, ids(open_round)[0])
    assert services.ballot_of(reload(open_round), other).receipt != one


# Results and turnout -------------------------------------------------------------------------


def test_standings_rank_ties_together(open_round):
    a, b, c, d, e = ids(open_round)
    for choice in ((a, b), (a, b), (c,), (a,)):
        voter = make_user()
        for candidate in choice:
            cast(open_round, voter, candidate)
    standings, counted = queries.standings(reload(open_round))
    assert counted == 4
    table = [(s.candidate.id, s.votes, s.rank, s.is_tied) for s in standings]
    assert table == [
        (a, 3, 1, False),
        (b, 2, 2, False),
        (c, 1, 3, False),
        (d, 0, 4, True),
        (e, 0, 4, True),
    ]
    assert standings[0].share == pytest.approx(0.75)


def test_a_ballot_below_the_minimum_is_not_counted(campaign, officer):
    round_ = make_round(
        campaign, candidates(campaign, 4, officer=officer), officer=officer, min_votes=2
    )
    a, b, c, _d = ids(round_)
    full, short = make_user(), make_user()
    cast(round_, full, a)
    cast(round_, full, b)
    cast(round_, short, c)
    standings, counted = queries.standings(reload(round_))
    assert counted == 1
    assert {s.candidate.id: s.votes for s in standings} == {a: 1, b: 1, c: 0, _d: 0}


def test_turnout_counts_people_per_unit(campaign, officer):
    first, second = make_unit(name="Phòng A"), make_unit(name="Phòng B")
    people = [make_user(unit=first) for _ in range(3)] + [make_user(unit=second)]
    round_ = make_round(campaign, candidates(campaign, 3, officer=officer), officer=officer)
    cast(round_, people[0], ids(round_)[0])
    cast(round_, people[3], ids(round_)[1])
    withdraw(round_, people[3], ids(round_)[1])
    total, units = queries.turnout(reload(round_))
    by_name = {row.name: (row.eligible, row.voted) for row in units}
    assert by_name["Phòng A"] == (3, 1) and by_name["Phòng B"] == (1, 0)
    assert total.voted == 1
    assert total.eligible == db.session.scalar(
        select(func.count()).select_from(services.eligible_users(round_).subquery())
    )
    non_voters = db.session.scalars(queries.non_voters(reload(round_), first.id)).unique().all()
    assert {p.id for p in non_voters} == {people[1].id, people[2].id}


def test_results_are_seen_after_the_close_or_live(campaign, officer):
    made = candidates(campaign, 3, officer=officer)
    staff, leader = make_user(), make_user(roles=("leader",))
    hidden = make_round(campaign, made, officer=officer)
    live = make_round(campaign, made, officer=officer, results_mode="live")
    assert not services.can_see_results(seen(officer), reload(hidden), now())
    assert services.can_see_results(seen(staff), reload(live), now())
    hidden = close(hidden)
    assert services.can_see_results(seen(leader), hidden, now())
    assert not services.can_see_results(seen(staff), hidden, now())
    services.publish_results(seen(officer), reload(hidden), now())
    assert services.can_see_results(seen(staff), reload(hidden), now())


def test_close_early_then_publish_the_results_once_with_notifications(open_round, officer):
    voters = [make_user() for _ in range(2)]
    with pytest.raises(InvalidTransition):
        services.publish_results(seen(officer), reload(open_round), now())
    services.close_early(seen(officer), reload(open_round), now())
    assert reload(open_round).phase(now()) == "closed"
    with pytest.raises(InvalidTransition):
        services.close_early(seen(officer), reload(open_round), now())
    notified = services.publish_results(seen(officer), reload(open_round), now())
    assert notified == db.session.scalar(
        select(func.count()).select_from(services.eligible_users(open_round).subquery())
    )
    note = db.session.scalar(select(Notification).where(Notification.user_id == voters[0].id))
    assert "Bình chọn sáng kiến tiêu biểu năm 2026" in text_of(note)
    assert note.link == f"/voting/{open_round.id}/results"
    with pytest.raises(InvalidTransition):
        services.publish_results(seen(officer), reload(open_round), now())
    assert reload(open_round).phase(now()) == "results_published"


def test_home_lists_open_rounds_with_the_votes_left(campaign, officer):
    voter = make_user()
    round_ = make_round(campaign, candidates(campaign, 4, officer=officer), officer=officer)
    make_round(campaign, candidates(campaign, 2, officer=officer), publish=False, max_votes=1)
    cast(round_, voter, ids(round_)[0])
    rows = queries.open_rounds_for(seen(voter), now())
    assert [(r.id, left) for r, left in rows] == [(round_.id, 2)]
    assert queries.open_rounds_for(make_user(is_active=False), now()) == []


def test_candidates_cannot_be_removed_from_another_round(campaign, officer):
    made = candidates(campaign, 3, officer=officer)
    one = make_round(campaign, made, officer=officer, publish=False)
    other = make_round(campaign, made, officer=officer, publish=False)
    with pytest.raises(InvalidTransition):
        services.remove_candidate(seen(officer), reload(one), ids(other)[0])
    services.remove_candidate(seen(officer), reload(one), ids(one)[0])
    assert (
        db.session.scalar(
            select(func.count(VotingCandidate.id)).where(VotingCandidate.round_id == one.id)
        )
        == 2
    )


def test_an_initiative_no_longer_accepted_stops_the_publication(campaign, officer):
    made = candidates(campaign, 3, officer=officer)
    round_ = make_round(campaign, made, officer=officer, publish=False)
    db.session.execute(
        update(Initiative).where(Initiative.id == made[1].id).values(status="not_recognized")
    )
    db.session.commit()
    with pytest.raises(InvalidTransition) as caught:
        services.publish_round(seen(officer), reload(round_), now())
    assert "Sáng kiến ứng viên số 2" in caught.value.message
    assert reload(round_).status == "draft"
