"""Commendations: the achievement drafted from the data, who is eligible under a form's rule,
proposing (one, or many in one step) at most once per form, the leaders' decision, the
decision's number, and the rules themselves."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.commendations import queries, services
from app.commendations.queries import Record, Rule
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.campaigns import AppliesTo, CommendationForm
from app.models.commendations import Commendation, CommendationRule
from app.models.notifications import Notification
from app.voting import services as voting
from tests.assessment_helpers import fulfilled, recognized_initiative, votes_for
from tests.factories import make_campaign, make_user
from tests.review_helpers import TODAY, seen, unit_with_head
from tests.voting_helpers import make_round
from tests.voting_helpers import reload as reload_round


def _form(campaign, applies_to=AppliesTo.INDIVIDUAL) -> CommendationForm:
    return db.session.scalar(
        select(CommendationForm)
        .where(
            CommendationForm.campaign_id == campaign.id, CommendationForm.applies_to == applies_to
        )
        .order_by(CommendationForm.position)
    )


@pytest.fixture
def office(app):
    """A unit whose head has assessed two members: Anh (fulfilled, one recognized initiative
    with 3 votes) and Bình (fulfilled, nothing else); Cúc has a recognized initiative but no
    assessment."""
    campaign = make_campaign()
    unit, head, _ = unit_with_head(name="Phòng Tổng hợp")
    anh = make_user(full_name="Phạm Thị Mai Anh", unit=unit)
    binh = make_user(full_name="Trần Văn Bình", unit=unit)
    cuc = make_user(full_name="Lê Thị Cúc", unit=unit)
    officer = make_user(roles=("officer",), full_name="Nguyễn Thị Thu Hằng")
    leader = make_user(roles=("leader",), full_name="Hoàng Minh Đức")
    fulfilled(campaign, anh, head)
    fulfilled(campaign, binh, head)
    initiative = recognized_initiative(campaign, anh, title="Ứng dụng chữ ký số")
    recognized_initiative(campaign, cuc, title="Sổ tay phần mềm")
    votes_for(campaign, [(initiative, 3)], officer=officer)
    return {
        "campaign": campaign,
        "unit": unit,
        "head": head,
        "anh": anh,
        "binh": binh,
        "cuc": cuc,
        "officer": officer,
        "leader": leader,
        "initiative": initiative,
        "form": _form(campaign),
    }


# Drafting ----------------------------------------------------------------------------------


def test_draft_tells_the_assessment_initiatives_and_votes():
    record = Record(
        initiatives=[(1, "Ứng dụng chữ ký số", 3), (2, "Lịch họp điện tử", 0)],
        title_name="Lao động tiên tiến",
        result="fulfilled",
        votes=3,
    )
    text = services.draft_achievement(record, is_unit=False)
    assert text.splitlines() == [
        "- Hoàn thành các nội dung đã đăng ký thi đua; bản đăng ký thi đua được đánh giá: "
        "Hoàn thành (đăng ký danh hiệu “Lao động tiên tiến”).",
        "- Là tác giả, đồng tác giả của 2 sáng kiến được Hội đồng sáng kiến công nhận: "
        "“Ứng dụng chữ ký số”; “Lịch họp điện tử”.",
        "- Các sáng kiến của đồng chí nhận được 3 phiếu bình chọn trong các đợt bình chọn đã "
        "công bố kết quả.",
    ]
    unit_text = services.draft_achievement(record, is_unit=True)
    assert "bản đăng ký thi đua của tập thể" in unit_text and "Có 2 sáng kiến" in unit_text


def test_draft_of_nothing_is_empty():
    assert services.draft_achievement(Record(result="not_fulfilled"), is_unit=False) == ""
    assert services.draft_achievement(None, is_unit=True) == ""


# Eligibility -------------------------------------------------------------------------------


def test_default_rule_needs_a_recognized_initiative_and_a_fulfilled_commitment(office):
    candidates = queries.candidates(
        office["campaign"], office["form"], queries.rule_of(office["form"])
    )
    assert [(c.name, c.initiatives, c.result, c.votes) for c in candidates] == [
        ("Phạm Thị Mai Anh", 1, "fulfilled", 3)
    ]


def test_rules_combine_their_conditions(office):
    campaign, form = office["campaign"], office["form"]

    def names(rule):
        return [c.name for c in queries.candidates(campaign, form, rule)]

    assert names(Rule(0, True, 0)) == ["Phạm Thị Mai Anh", "Trần Văn Bình"]
    assert names(Rule(1, False, 0)) == ["Phạm Thị Mai Anh", "Lê Thị Cúc"]
    assert names(Rule(0, False, 3)) == ["Phạm Thị Mai Anh"]
    assert names(Rule(0, False, 4)) == []
    assert names(Rule(0, False, 0)) == []  # no condition: nobody, rather than everyone


def test_votes_count_only_rounds_whose_results_are_published(office):
    campaign = office["campaign"]
    second = recognized_initiative(campaign, office["binh"], title="Bảng theo dõi trực tuyến")
    filler = recognized_initiative(campaign, make_user(), title="Sáng kiến khác nữa")
    open_round = make_round(campaign, [second, filler], officer=office["officer"], max_votes=1)
    candidate_id = open_round.candidates[0].id
    voter = make_user()
    voting.cast_vote(reload_round(open_round), seen(voter), candidate_id, voting.now_utc())
    candidates = {
        c.name: c.votes for c in queries.candidates(campaign, office["form"], Rule(1, False, 0))
    }
    assert candidates["Trần Văn Bình"] == 0 and candidates["Phạm Thị Mai Anh"] == 3


def test_unit_candidates_follow_their_initiatives_and_collective_commitment(office):
    campaign = office["campaign"]
    form = _form(campaign, AppliesTo.UNIT)
    found = queries.candidates(campaign, form, Rule(1, False, 2))
    assert [(c.name, c.is_unit, c.initiatives, c.votes) for c in found] == [
        ("Phòng Tổng hợp", True, 2, 3)
    ]
    assert queries.candidates(campaign, form, Rule(1, True, 0)) == []


# Proposing -------------------------------------------------------------------------------


def test_propose_snapshots_the_nominee_and_links_the_initiatives(office):
    commendation = services.propose(
        seen(office["officer"]), office["campaign"], office["form"].id, user_id=office["anh"].id
    )
    commendation = queries.load(commendation.id)
    assert commendation.status == "proposed"
    assert (
        commendation.nominee_name,
        commendation.nominee_position,
        commendation.nominee_unit,
    ) == (
        "Phạm Thị Mai Anh",
        "Chuyên viên",
        "Phòng Tổng hợp",
    )
    assert "“Ứng dụng chữ ký số”" in commendation.achievement
    assert [i.title for i in commendation.initiatives] == ["Ứng dụng chữ ký số"]
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "commendation.proposed")
    )
    assert entry.target_label == "Phạm Thị Mai Anh"


def test_propose_twice_for_the_same_form_is_refused(office):
    officer = office["officer"]
    services.propose(seen(officer), office["campaign"], office["form"].id, user_id=office["anh"].id)
    with pytest.raises(ValidationFailed) as raised:
        services.propose(
            seen(officer),
            office["campaign"],
            office["form"].id,
            user_id=office["anh"].id,
            achievement="Lần hai",
        )
    assert set(raised.value.errors) == {"user_id"}
    other_form = db.session.scalars(
        select(CommendationForm).where(CommendationForm.applies_to == AppliesTo.INDIVIDUAL)
    ).all()[1]
    services.propose(seen(officer), office["campaign"], other_form.id, user_id=office["anh"].id)
    assert db.session.query(Commendation).count() == 2


def test_the_database_holds_one_proposal_per_form_and_nominee(office):
    row = {
        "campaign_id": office["campaign"].id,
        "form_id": office["form"].id,
        "user_id": office["anh"].id,
        "nominee_name": "Phạm Thị Mai Anh",
    }
    db.session.add(Commendation(**row))
    db.session.commit()
    db.session.add(Commendation(**row))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_propose_checks_the_form_the_nominee_and_the_text(office):
    officer, campaign = office["officer"], office["campaign"]
    with pytest.raises(ValidationFailed) as raised:
        services.propose(seen(officer), campaign, 99999, user_id=office["anh"].id)
    assert set(raised.value.errors) == {"form_id"}
    with pytest.raises(ValidationFailed) as raised:
        services.propose(seen(officer), campaign, office["form"].id, unit_id=office["unit"].id)
    assert set(raised.value.errors) == {"user_id"}
    with pytest.raises(ValidationFailed) as raised:
        services.propose(
            seen(officer), campaign, office["form"].id, user_id=office["anh"].id, achievement="  "
        )
    assert set(raised.value.errors) == {"achievement"}
    assert db.session.scalar(select(Commendation.id)) is None


@pytest.mark.parametrize("role", ["leader", "unit_head", "staff"])
def test_only_the_officer_proposes(office, role):
    someone = make_user(roles=() if role == "staff" else (role,))
    with pytest.raises(NotAllowed):
        services.propose(
            seen(someone), office["campaign"], office["form"].id, user_id=office["anh"].id
        )
    with pytest.raises(NotAllowed):
        services.propose_many(seen(someone), office["campaign"], office["form"], [office["anh"].id])


def test_propose_many_takes_the_eligible_not_yet_proposed(office):
    campaign, form, officer = office["campaign"], office["form"], office["officer"]
    services.update_rule(seen(officer), form, 0, True, 0)  # Anh and Bình
    services.propose(seen(officer), campaign, form.id, user_id=office["binh"].id, achievement="x")
    made = services.propose_many(
        seen(officer), campaign, form, [office["anh"].id, office["binh"].id, office["cuc"].id]
    )
    assert made == 1
    anh = db.session.scalar(select(Commendation).where(Commendation.user_id == office["anh"].id))
    assert "được đánh giá: Hoàn thành" in anh.achievement
    with pytest.raises(ValidationFailed):
        services.propose_many(seen(officer), campaign, form, [office["cuc"].id])


# Deciding ----------------------------------------------------------------------------------


def _proposed(office, user_key="anh"):
    return services.propose(
        seen(office["officer"]), office["campaign"], office["form"].id, user_id=office[user_key].id
    )


def test_leader_approves_and_the_person_is_told(office):
    commendation = _proposed(office)
    services.approve(seen(office["leader"]), queries.load(commendation.id))
    commendation = queries.load(commendation.id)
    assert (commendation.status, commendation.decided_by_name) == ("approved", "Hoàng Minh Đức")
    note = db.session.scalar(
        select(Notification).where(
            Notification.user_id == office["anh"].id, Notification.kind == "commendation.approved"
        )
    )
    assert note.params == {"form": office["form"].name}
    with pytest.raises(InvalidTransition):
        services.approve(seen(office["leader"]), queries.load(commendation.id))


def test_only_a_leader_decides_and_never_on_their_own(office):
    commendation = _proposed(office)
    with pytest.raises(NotAllowed):
        services.approve(seen(office["officer"]), queries.load(commendation.id))
    leader_nominee = make_user(roles=("leader",), unit=office["unit"])
    own = services.propose(
        seen(office["officer"]),
        office["campaign"],
        office["form"].id,
        user_id=leader_nominee.id,
        achievement="Lãnh đạo",
    )
    with pytest.raises(NotAllowed):
        services.approve(seen(leader_nominee), queries.load(own.id))


def test_decline_needs_a_reason(office):
    commendation = _proposed(office)
    with pytest.raises(ValidationFailed):
        services.decline(seen(office["leader"]), queries.load(commendation.id), " ")
    services.decline(seen(office["leader"]), queries.load(commendation.id), "Chưa đủ thời gian")
    commendation = queries.load(commendation.id)
    assert (commendation.status, commendation.decline_reason) == ("declined", "Chưa đủ thời gian")
    with pytest.raises(InvalidTransition):
        services.update_achievement(seen(office["officer"]), commendation, "Sửa")
    with pytest.raises(InvalidTransition):
        services.withdraw(seen(office["officer"]), commendation)


def test_decision_is_recorded_on_approved_proposals_and_told(office):
    first, second = _proposed(office), _proposed(office, "binh")
    services.approve(seen(office["leader"]), queries.load(first.id))
    rows = queries.listing(office["campaign"])
    with pytest.raises(ValidationFailed) as raised:
        services.record_decision(seen(office["officer"]), rows, "", None)
    assert set(raised.value.errors) == {"number", "day"}
    made = services.record_decision(seen(office["officer"]), rows, "125/QĐ-VPUBND", TODAY)
    assert made == 1
    first, second = queries.load(first.id), queries.load(second.id)
    assert (first.decision_number, first.decision_date) == ("125/QĐ-VPUBND", TODAY)
    assert second.decision_number is None
    note = db.session.scalar(
        select(Notification).where(Notification.kind == "commendation.decided")
    )
    assert note.user_id == office["anh"].id and note.params["number"] == "125/QĐ-VPUBND"


def test_decision_on_units_tells_each_head_and_reads_the_heads_once(office, count_queries):
    form = _form(office["campaign"], AppliesTo.UNIT)
    units = [unit_with_head(name=f"Phòng số {n}") for n in range(1, 4)]
    for unit, _head, _people in units:
        made = services.propose(
            seen(office["officer"]), office["campaign"], form.id, unit_id=unit.id, achievement="Tốt"
        )
        services.approve(seen(office["leader"]), queries.load(made.id))
    rows = queries.listing(office["campaign"])
    with count_queries() as statements:
        made = services.record_decision(seen(office["officer"]), rows, "7/QĐ-VPUBND", TODAY)
    assert made == 3
    told = db.session.execute(
        select(Notification.user_id, Notification.params).where(
            Notification.kind == "commendation.unit_decided"
        )
    ).all()
    assert {user_id: params["unit"] for user_id, params in told} == {
        head.id: unit.name for unit, head, _people in units
    }
    from_units = [s for s in statements if "FROM units" in s]
    assert len(from_units) == 1, from_units


def test_withdraw_deletes_the_proposal_and_audits_it(office):
    commendation = _proposed(office)
    services.withdraw(seen(office["officer"]), queries.load(commendation.id))
    assert db.session.scalar(select(Commendation.id)) is None
    assert (
        db.session.scalar(
            select(AuditEntry.target_label).where(AuditEntry.action == "commendation.withdrawn")
        )
        == "Phạm Thị Mai Anh"
    )


def test_update_achievement_keeps_line_breaks(office):
    commendation = _proposed(office)
    services.update_achievement(
        seen(office["officer"]), queries.load(commendation.id), "Dòng một\r\n\r\nDòng hai  "
    )
    assert queries.load(commendation.id).achievement == "Dòng một\n\nDòng hai"


# Rules --------------------------------------------------------------------------------------


def test_rule_needs_a_condition_and_whole_numbers(office):
    officer, form = office["officer"], office["form"]
    with pytest.raises(ValidationFailed) as raised:
        services.update_rule(seen(officer), form, 0, False, 0)
    assert set(raised.value.errors) == {"min_initiatives"}
    with pytest.raises(ValidationFailed) as raised:
        services.update_rule(seen(officer), form, -1, True, None)
    assert set(raised.value.errors) == {"min_initiatives", "min_votes"}
    assert db.session.get(CommendationRule, form.id) is None
    rule = services.update_rule(seen(officer), form, 2, False, 10)
    assert queries.rule_of(form) == rule == Rule(2, False, 10)
    with pytest.raises(NotAllowed):
        services.update_rule(seen(office["leader"]), form, 1, True, 0)
