"""The initiative council's services: setting up (details, members and roles, criteria that
make 100), opening the session, judging (points in range, authors excluded, secret until the
close), and the chair's close that decides each initiative by the approval threshold."""

import threading

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.councils import queries, services
from app.councils.services import CriterionRow, criteria_errors, is_recognized
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.councils import (
    DEFAULT_CRITERIA,
    Council,
    CouncilCriterion,
    CouncilJudgement,
    CouncilMember,
    CouncilResult,
    CouncilStatus,
)
from app.models.directory import User
from app.models.initiatives import Initiative, InitiativeEvent, InitiativeStatus
from app.models.notifications import Notification
from app.notifications.services import text_of
from tests.council_helpers import (
    accepted_initiative,
    full_points,
    judge,
    make_council,
    make_officer,
    open_council,
    seat_people,
)
from tests.factories import make_campaign, make_user
from tests.initiative_helpers import make_submitted
from tests.review_helpers import seen


@pytest.fixture
def campaign(app):
    return make_campaign()


@pytest.fixture
def officer(app):
    return make_officer()


def _audits(action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def _status(initiative) -> str:
    db.session.expire_all()
    return db.session.get(Initiative, initiative.id).status


def _council(council) -> Council:
    """The council as stored now (without expiring the users the test holds)."""
    fresh = db.session.get(Council, council.id, populate_existing=True)
    db.session.refresh(fresh)
    for name in ("members", "criteria"):
        db.session.expire(fresh, [name])
    return queries.load(council.id)


# The rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("approvals", "eligible", "fraction", "expected"),
    [
        (2, 3, (2, 3), True),  # exactly two thirds
        (1, 2, (2, 3), False),
        (2, 2, (2, 3), True),
        (3, 5, (2, 3), False),  # 60% < 66.7%
        (4, 6, (2, 3), True),
        (7, 10, (2, 3), True),
        (6, 10, (2, 3), False),
        (0, 0, (2, 3), False),  # nobody may judge it: not recognized
        (1, 2, (1, 2), True),
        (2, 3, (3, 4), False),
        (3, 4, (3, 4), True),
        (4, 5, (1, 1), False),
        (5, 5, (1, 1), True),
    ],
)
def test_is_recognized_by_whole_number_arithmetic(approvals, eligible, fraction, expected):
    assert is_recognized(approvals, eligible, *fraction) is expected


# Setting up ----------------------------------------------------------------------------------


def test_create_council_is_for_the_officer_with_the_default_criteria(campaign, officer):
    council = make_council(campaign, officer)
    assert council.status == CouncilStatus.PREPARING
    assert [(c.name, c.weight) for c in council.criteria] == list(DEFAULT_CRITERIA)
    assert (council.approval_numerator, council.approval_denominator) == (2, 3)
    entry = _audits("council.created")[0]
    assert entry.target_label == council.name and entry.details["approval"] == "2/3"
    with pytest.raises(NotAllowed):
        services.create_council(seen(make_user()), campaign, {"name": "Hội đồng"})


def test_council_details_are_checked_field_by_field(campaign, officer):
    with pytest.raises(ValidationFailed) as caught:
        services.create_council(
            seen(officer),
            campaign,
            {"name": "  ", "meeting_place": "x" * 201, "approval": (3, 5)},
        )
    assert set(caught.value.errors) == {"name", "meeting_place", "approval"}
    assert db.session.scalar(select(func.count(Council.id))) == 0


def test_threshold_is_fixed_once_the_session_opens(campaign, officer):
    council = open_council(campaign, officer, seat_people(3))
    data = {"name": council.name, "approval": (1, 2)}
    with pytest.raises(ValidationFailed) as caught:
        services.update_council(seen(officer), council, data)
    assert "approval" in caught.value.errors
    services.update_council(seen(officer), council, {**data, "approval": (2, 3), "name": "Mới"})
    assert _council(council).name == "Mới"


def test_members_one_chair_at_most_one_secretary_no_one_twice(campaign, officer):
    chair, secretary, other = make_user(), make_user(), make_user()
    council = make_council(campaign, officer, [(chair, "chair"), (secretary, "secretary")])
    with pytest.raises(ValidationFailed) as caught:
        services.add_member(seen(officer), council, other.id, "chair")
    assert chair.full_name in caught.value.errors["role"][0]
    with pytest.raises(ValidationFailed) as caught:
        services.add_member(seen(officer), council, other.id, "secretary")
    assert secretary.full_name in caught.value.errors["role"][0]
    with pytest.raises(ValidationFailed) as caught:
        services.add_member(seen(officer), council, chair.id, "member")
    assert "user_id" in caught.value.errors
    inactive = make_user(is_active=False)
    with pytest.raises(ValidationFailed) as caught:
        services.add_member(seen(officer), council, inactive.id, "bogus")
    assert set(caught.value.errors) == {"user_id", "role"}
    with pytest.raises(NotAllowed):
        services.add_member(seen(chair), council, other.id, "member")
    services.add_member(seen(officer), council, other.id, "member")
    assert len(_council(council).members) == 3
    assert _audits("council.member_added")[-1].details == {
        "full_name": other.full_name,
        "role": "member",
    }


def test_the_database_refuses_a_second_chair(campaign, officer):
    chair = make_user()
    council = make_council(campaign, officer, [(chair, "chair")])
    db.session.add(CouncilMember(council_id=council.id, user_id=make_user().id, role="chair"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_change_role_and_remove_member(campaign, officer):
    chair, member = make_user(), make_user()
    council = make_council(campaign, officer, [(chair, "chair"), (member, "member")])
    seat = {m.user_id: m for m in council.members}
    with pytest.raises(ValidationFailed):
        services.change_role(seen(officer), council, seat[member.id].id, "chair")
    services.change_role(seen(officer), council, seat[chair.id].id, "member")
    services.change_role(seen(officer), council, seat[member.id].id, "chair")
    roles = {m.user_id: m.role for m in _council(council).members}
    assert roles == {chair.id: "member", member.id: "chair"}
    assert _audits("council.member_updated")[-1].details["role"] == {
        "before": "member",
        "after": "chair",
    }
    services.remove_member(seen(officer), council, seat[chair.id].id)
    assert [m.user_id for m in _council(council).members] == [member.id]
    with pytest.raises(ValidationFailed):
        services.remove_member(seen(officer), council, 99999)


@pytest.mark.parametrize(
    ("rows", "keys"),
    [
        ([CriterionRow(None, "Tính mới", 50), CriterionRow(None, "Hiệu quả", 40)], {"criteria"}),
        (
            [CriterionRow(None, "Tính mới", 0), CriterionRow(None, "Hiệu quả", 100)],
            {"row-0-weight"},
        ),
        ([CriterionRow(None, "Tính mới", 101)], {"row-0-weight"}),
        ([CriterionRow(None, "", 100)], {"row-0-name"}),
        ([CriterionRow(None, "A", 50), CriterionRow(None, "a", 50)], {"row-1-name"}),
        ([CriterionRow(1, "A", 100, remove=True)], {"criteria"}),
        ([CriterionRow(None, "A", None)], {"row-0-weight"}),
    ],
)
def test_criteria_errors(rows, keys):
    assert set(criteria_errors(rows)) == keys


def test_criteria_total_is_named_in_the_error():
    errors = criteria_errors([CriterionRow(None, "A", 60), CriterionRow(None, "B", 30)])
    assert "90" in errors["criteria"][0]
    assert criteria_errors([CriterionRow(None, "A", 60), CriterionRow(None, "B", 40)]) == {}


def test_update_criteria_replaces_them_in_order_while_preparing(campaign, officer):
    council = make_council(campaign, officer, seat_people(3))
    first, second, third = council.criteria
    rows = [
        CriterionRow(third.id, "Hiệu quả", 50),
        CriterionRow(first.id, "Tính mới", 40),
        CriterionRow(second.id, "", None, remove=True),
        CriterionRow(None, "Khả năng nhân rộng", 10),
    ]
    services.update_criteria(seen(officer), council, rows)
    saved = _council(council).criteria
    assert [(c.name, c.weight) for c in saved] == [
        ("Hiệu quả", 50),
        ("Tính mới", 40),
        ("Khả năng nhân rộng", 10),
    ]
    assert saved[0].id == third.id
    assert _audits("council.criteria_updated")[-1].details["criteria"][2] == (
        "Khả năng nhân rộng (10)"
    )
    with pytest.raises(ValidationFailed):
        services.update_criteria(seen(officer), council, [CriterionRow(12345, "X", 100)])
    services.open_session(seen(officer), _council(council))
    with pytest.raises(InvalidTransition):
        services.update_criteria(seen(officer), _council(council), [CriterionRow(None, "X", 100)])


# Opening -------------------------------------------------------------------------------------


def test_opening_needs_a_chair_three_members_and_100_points(campaign, officer):
    council = make_council(campaign, officer, [(make_user(), "member"), (make_user(), "member")])
    db.session.execute(
        update(CouncilCriterion)
        .where(CouncilCriterion.council_id == council.id, CouncilCriterion.position == 0)
        .values(weight=30)
    )
    db.session.commit()
    with pytest.raises(ValidationFailed) as caught:
        services.open_session(seen(officer), _council(council))
    problems = " ".join(caught.value.errors["open"])
    assert "Chủ tịch" in problems and "3" in problems and "90" in problems
    assert _council(council).status == CouncilStatus.PREPARING


def test_opening_assigns_the_accepted_initiatives_without_a_council(campaign, officer):
    author = make_user()
    waiting = accepted_initiative(campaign, author, title="Chờ hội đồng")
    submitted = accepted_initiative(campaign, author, title="Mới nộp", status="submitted")
    earlier = make_council(campaign, officer, name="Hội đồng đợt 1")
    judged = accepted_initiative(campaign, author, title="Đã có hội đồng", council_id=earlier.id)
    council = make_council(campaign, officer, seat_people(3))
    with pytest.raises(NotAllowed):
        services.open_session(seen(make_user()), council)
    assert services.open_session(seen(officer), council) == 1
    db.session.expire_all()
    assert db.session.get(Initiative, waiting.id).council_id == council.id
    assert db.session.get(Initiative, submitted.id).council_id is None
    assert db.session.get(Initiative, judged.id).council_id == earlier.id
    assert _council(council).status == CouncilStatus.IN_SESSION
    assert _audits("council.opened")[0].details == {"initiatives": 1}
    with pytest.raises(InvalidTransition):
        services.open_session(seen(officer), _council(council))


def test_an_initiative_accepted_while_the_council_opens_is_judged_by_it(
    app, campaign, officer, monkeypatch
):
    """The council opens (in another connection) just as the officer's acceptance has asked
    which council is in session: the initiative still goes to it, by either side."""
    from app.initiatives import services as initiatives

    council = make_council(campaign, officer, seat_people(3))
    initiative = make_submitted(make_user(), campaign)
    council_id, officer_id = council.id, officer.id
    problems: list[BaseException] = []

    def open_elsewhere():
        with app.app_context():
            try:
                opener = seen(db.session.get(User, officer_id))
                services.open_session(opener, queries.load(council_id))
            except BaseException as error:  # reported below
                problems.append(error)
            finally:
                db.session.remove()

    opening = threading.Thread(target=open_elsewhere, daemon=True)
    asked = initiatives.open_council_id

    def racing(campaign_id):
        found = asked(campaign_id)
        opening.start()
        opening.join(timeout=2)  # done unless held by the acceptance until it commits
        return found

    monkeypatch.setattr(initiatives, "open_council_id", racing)
    initiatives.accept(seen(officer), initiative)
    opening.join(timeout=30)
    assert not opening.is_alive() and not problems
    db.session.expire_all()
    assert _council(council).status == CouncilStatus.IN_SESSION
    assert db.session.get(Initiative, initiative.id).council_id == council_id


def test_only_one_council_of_a_campaign_in_session(campaign, officer):
    first = open_council(campaign, officer, seat_people(3), name="Hội đồng đợt 1")
    second = make_council(campaign, officer, seat_people(3), name="Hội đồng đợt 2")
    with pytest.raises(InvalidTransition) as caught:
        services.open_session(seen(officer), second)
    assert first.name in caught.value.message
    # The database holds the rule even if the check above is raced.
    with pytest.raises(IntegrityError):
        db.session.execute(
            update(Council).where(Council.id == second.id).values(status="in_session")
        )
    db.session.rollback()


def test_delete_only_a_council_being_prepared(campaign, officer):
    council = make_council(campaign, officer, seat_people(3))
    services.delete_council(seen(officer), council)
    assert db.session.scalar(select(func.count(Council.id))) == 0
    assert db.session.scalar(select(func.count(CouncilMember.id))) == 0
    opened = open_council(campaign, officer, seat_people(3))
    with pytest.raises(InvalidTransition):
        services.delete_council(seen(officer), opened)


# Judging -------------------------------------------------------------------------------------


@pytest.fixture
def session(campaign, officer):
    """An open council of a chair and three members; member 3 co-authored the first initiative."""
    seats = seat_people(4)
    chair, one, two, three = (user for user, _role in seats)
    mine = accepted_initiative(campaign, make_user(), co_authors=[three], title="Một cửa số")
    other = accepted_initiative(campaign, make_user(), title="Văn bản điện tử")
    council = open_council(campaign, officer, seats)
    return {
        "council": council,
        "chair": chair,
        "members": [one, two, three],
        "coauthored": mine,
        "other": other,
    }


def test_judge_checks_every_point_in_range_and_the_vote(session):
    council, (one, *_rest) = session["council"], session["members"]
    novelty, applicability, benefits = council.criteria
    points = {novelty.id: 41, applicability.id: -1, benefits.id: None}
    with pytest.raises(ValidationFailed) as caught:
        services.judge(seen(one), council, session["other"], points, None, "x" * 2001)
    errors = caught.value.errors
    assert set(errors) == {
        f"criterion_{novelty.id}",
        f"criterion_{applicability.id}",
        f"criterion_{benefits.id}",
        "approves",
        "comment",
    }
    assert "40" in errors[f"criterion_{novelty.id}"][0]
    assert db.session.scalar(select(func.count(CouncilJudgement.id))) == 0
    edges = {novelty.id: 40, applicability.id: 0, benefits.id: 30}
    judgement = services.judge(seen(one), council, session["other"], edges, False)
    assert judgement.total == 70 and judgement.approves is False


def test_judge_again_changes_the_same_judgement(session):
    council, (one, *_rest) = session["council"], session["members"]
    judge(council, one, session["other"], approves=False, share=0.5)
    judge(council, one, session["other"], approves=True, comment="Rất thiết thực")
    judgements = db.session.scalars(select(CouncilJudgement)).all()
    assert len(judgements) == 1
    assert judgements[0].approves is True and judgements[0].total == 100
    assert judgements[0].comment == "Rất thiết thực"


def test_judged_audit_names_the_initiative_never_the_points_or_vote(session):
    council, (one, *_rest) = session["council"], session["members"]
    judge(council, one, session["other"], approves=True, share=0.77)
    entry = _audits("council.judged")[0]
    assert entry.details == {"initiative": session["other"].title}
    assert entry.target_type == "council" and entry.target_id == council.id


def test_an_author_on_the_council_is_excluded_and_refused(session):
    council, three = session["council"], session["members"][2]
    with pytest.raises(NotAllowed) as caught:
        judge(council, three, session["coauthored"])
    assert "tác giả/đồng tác giả" in caught.value.message
    judge(council, three, session["other"])  # the other initiative is theirs to judge
    rows = {row.initiative.id: row for row in queries.session_rows(_council(council), None)}
    assert rows[session["coauthored"].id].eligible == 3
    assert [m.user_id for m in rows[session["coauthored"].id].excluded] == [three.id]
    assert rows[session["other"].id].eligible == 4


def test_only_members_of_this_council_judge_its_initiatives(session, campaign, officer):
    council = session["council"]
    with pytest.raises(NotAllowed):
        judge(council, officer, session["other"])
    other_campaign_council = make_council(campaign, officer, seat_people(3), name="Khác")
    outsider = other_campaign_council.members[1].user
    with pytest.raises(NotAllowed):
        judge(council, outsider, session["other"])
    # A member cannot reach an initiative of another council through their own council.
    stranger = accepted_initiative(campaign, make_user(), council_id=other_campaign_council.id)
    with pytest.raises(NotAllowed):
        judge(council, session["members"][0], stranger)


def test_before_the_close_a_member_sees_only_their_own_judgements(session, officer):
    council, (one, two, _three) = session["council"], session["members"]
    judge(council, one, session["other"], approves=True)
    judge(council, two, session["other"], approves=False, share=0.5)
    seat_one = services.membership(one, council)
    council = _council(council)
    rows = {row.initiative.id: row for row in queries.session_rows(council, seat_one)}
    assert rows[session["other"].id].judged == 2
    assert rows[session["other"].id].mine.member_id == seat_one.id
    assert rows[session["other"].id].mine.total == 100
    assert rows[session["coauthored"].id].mine is None
    assert all(row.mine is None for row in queries.session_rows(council, None))
    assert set(queries.own_judgements(seat_one)) == {session["other"].id}
    with pytest.raises(InvalidTransition):
        queries.results(council)


# Closing -------------------------------------------------------------------------------------


def test_only_the_chair_closes(session, officer):
    council = session["council"]
    for user in (officer, session["members"][0], make_user()):
        with pytest.raises(NotAllowed):
            services.close_session(seen(user), council)
    assert _council(council).status == CouncilStatus.IN_SESSION


def test_close_decides_by_two_thirds_of_those_who_judge(session):
    council, chair = session["council"], session["chair"]
    one, two, three = session["members"]
    coauthored, other = session["coauthored"], session["other"]
    # Co-authored: 3 judge (member three excluded); 2 of 3 approve -> recognized.
    judge(council, chair, coauthored, approves=True)
    judge(council, one, coauthored, approves=True, share=0.5)
    judge(council, two, coauthored, approves=False, share=0.2)
    # The other: 4 judge; 2 approve, 1 does not, 1 never judged -> 2 of 4 -> not recognized.
    judge(council, chair, other, approves=True)
    judge(council, three, other, approves=True)
    judge(council, one, other, approves=False)
    assert services.close_session(seen(chair), _council(council)) == (1, 1)
    closed = _council(council)
    assert closed.status == CouncilStatus.CLOSED and closed.closed_by_id == chair.id
    results = {r.initiative_id: r for r in db.session.scalars(select(CouncilResult))}
    assert (results[coauthored.id].approvals, results[coauthored.id].eligible) == (2, 3)
    assert results[coauthored.id].judged == 3 and results[coauthored.id].is_recognized
    assert results[coauthored.id].average_total == pytest.approx((100 + 50 + 20) / 3)
    assert (results[other.id].approvals, results[other.id].eligible) == (2, 4)
    assert results[other.id].judged == 3 and not results[other.id].is_recognized
    assert _status(coauthored) == InitiativeStatus.RECOGNIZED
    assert _status(other) == InitiativeStatus.NOT_RECOGNIZED
    assert db.session.get(Initiative, coauthored.id).decided_at is not None
    events = db.session.scalars(
        select(InitiativeEvent.action).where(InitiativeEvent.initiative_id == coauthored.id)
    ).all()
    assert events == ["recognized"]
    assert [e.target_id for e in _audits("initiative.recognized")] == [coauthored.id]
    assert [e.target_id for e in _audits("initiative.not_recognized")] == [other.id]
    assert _audits("council.closed")[0].details == {"recognized": 1, "not_recognized": 1}


def test_close_tells_every_author(session):
    council, chair, three = session["council"], session["chair"], session["members"][2]
    for member in (chair, *session["members"][:2]):
        judge(council, member, session["coauthored"], approves=True)
    services.close_session(seen(chair), council)
    notes = db.session.scalars(
        select(Notification).where(Notification.kind == "initiative.recognized")
    ).all()
    main_author = session["coauthored"].created_by_id
    assert {n.user_id for n in notes} == {main_author, three.id}
    assert "Một cửa số" in text_of(notes[0])
    assert (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.kind == "initiative.not_recognized"
            )
        )
        == 1
    )  # the other initiative's only author


def test_one_of_two_eligible_is_not_enough(campaign, officer):
    chair, member, author_member = make_user(), make_user(), make_user()
    initiative = accepted_initiative(campaign, author_member)
    seats = [(chair, "chair"), (member, "member"), (author_member, "member")]
    council = open_council(campaign, officer, seats)
    judge(council, chair, initiative, approves=True)
    judge(council, member, initiative, approves=False)
    services.close_session(seen(chair), council)
    result = db.session.scalar(select(CouncilResult))
    assert (result.approvals, result.eligible, result.is_recognized) == (1, 2, False)


def test_an_initiative_no_member_may_judge_is_not_recognized(campaign, officer):
    seats = seat_people(3)
    authors = [user for user, _role in seats]
    initiative = accepted_initiative(campaign, authors[0], co_authors=authors[1:])
    council = open_council(campaign, officer, seats)
    services.close_session(seen(authors[0]), council)
    result = db.session.scalar(select(CouncilResult))
    assert (result.eligible, result.judged, result.average_total) == (0, 0, None)
    assert not result.is_recognized
    assert _status(initiative) == InitiativeStatus.NOT_RECOGNIZED


def test_a_council_of_half_recognizes_one_of_two(campaign, officer):
    chair, member = make_user(), make_user()
    initiative = accepted_initiative(campaign, make_user())
    seats = [(chair, "chair"), (member, "member"), (make_user(), "secretary")]
    council = open_council(campaign, officer, seats, approval=(1, 2))
    judge(council, chair, initiative, approves=True)
    judge(council, member, initiative, approves=False)
    services.close_session(seen(chair), council)
    result = db.session.scalar(select(CouncilResult))
    assert (result.approvals, result.eligible, result.is_recognized) == (1, 3, False)


def test_close_happens_once_and_nothing_changes_after(session):
    council, chair, one = session["council"], session["chair"], session["members"][0]
    services.close_session(seen(chair), council)
    with pytest.raises(InvalidTransition):
        services.close_session(seen(chair), _council(council))
    assert db.session.scalar(select(func.count(CouncilResult.id))) == 2
    with pytest.raises(InvalidTransition):
        judge(council, one, session["other"])
    # A stale object that still reads "in session" is refused by the conditional update.
    stale = _council(council)
    stale.status = CouncilStatus.IN_SESSION
    with pytest.raises(InvalidTransition):
        services.judge(seen(one), stale, session["other"], full_points(council), True, "")
    assert db.session.scalar(select(func.count(CouncilJudgement.id))) == 0


def test_results_after_the_close_show_every_member(session):
    council, chair, three = session["council"], session["chair"], session["members"][2]
    judge(council, chair, session["coauthored"], approves=True, comment="Đề nghị nhân rộng")
    services.close_session(seen(chair), council)
    results = {r.initiative.id: r for r in queries.results(_council(council))}
    coauthored = results[session["coauthored"].id]
    assert coauthored.verdicts[0].member.user_id == chair.id  # the chair first
    excluded = [v for v in coauthored.verdicts if v.is_excluded]
    assert [v.member.user_id for v in excluded] == [three.id]
    chair_verdict = coauthored.verdicts[0]
    assert chair_verdict.judgement.comment == "Đề nghị nhân rộng"
    assert chair_verdict.points(council.criteria[0].id) == 40
    assert coauthored.result.is_recognized is False  # 1 of 3


def test_the_database_keeps_one_judgement_per_member_and_initiative(session):
    council, one = session["council"], session["members"][0]
    judge(council, one, session["other"])
    seat = services.membership(one, council)
    with pytest.raises(IntegrityError):
        db.session.execute(
            insert(CouncilJudgement).values(
                council_id=council.id,
                member_id=seat.id,
                initiative_id=session["other"].id,
                approves=True,
                total=10,
                comment="",
            )
        )
    db.session.rollback()


def test_audit_log_names_council_roles_and_details(app):
    from app.admin.labels import action_label, detail_items

    items = dict(
        detail_items(
            {"full_name": "Ngô Đình Thiện", "role": {"before": "member", "after": "chair"}},
            "council.member_updated",
        )
    )
    assert items["Vai trò"] == "Ủy viên → Chủ tịch Hội đồng"
    assert action_label("council.judged") == "Thành viên hội đồng lưu phiếu chấm"
    assert dict(detail_items({"approval": "2/3"}, "council.updated")) == {
        "Tỷ lệ đồng ý để công nhận": "2/3"
    }
