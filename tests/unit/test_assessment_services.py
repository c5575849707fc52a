"""The end-of-period assessment: the officer's period, the owner's self-assessment, the
reviewer's assessment, the seal left valid, and the figures of tracking and the home page."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.commitments import assessment, services
from app.commitments.seal import SealState
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.models.assessments import CommitmentAssessment, ItemAssessment
from app.models.audit import AuditEntry
from app.models.notifications import Notification
from app.web.filters import local_today
from tests.assessment_helpers import (
    answers,
    assessed,
    confirmed_commitment,
    confirmed_unit_commitment,
    items_of,
    open_period,
    reload,
    self_assessed,
)
from tests.factories import make_campaign, make_user
from tests.review_helpers import TODAY, seen, signed_commitment, unit_with_head


@pytest.fixture
def office(app):
    """(campaign, unit, head, member, officer) with the assessment period open."""
    campaign = make_campaign()
    unit, head, (member,) = unit_with_head(1)
    officer = make_user(roles=("officer",))
    open_period(campaign, officer)
    return campaign, unit, head, member, officer


def test_set_period_by_someone_not_officer_is_refused(app):
    campaign = make_campaign()
    with pytest.raises(NotAllowed):
        assessment.set_period(seen(make_user()), campaign, TODAY, TODAY)


def test_set_period_ending_before_it_starts_names_the_last_day(app):
    campaign = make_campaign()
    officer = make_user(roles=("officer",))
    with pytest.raises(ValidationFailed) as raised:
        assessment.set_period(seen(officer), campaign, TODAY, TODAY - timedelta(days=1))
    assert set(raised.value.errors) == {"closes_on"}
    assert assessment.period_of(campaign) is None


def test_set_period_moves_the_window_and_audits_both(app):
    campaign = make_campaign()
    officer = make_user(roles=("officer",))
    assessment.set_period(seen(officer), campaign, TODAY, TODAY + timedelta(days=3))
    assessment.set_period(seen(officer), campaign, TODAY, TODAY + timedelta(days=9))
    period = assessment.period_of(campaign)
    assert period.closes_on == TODAY + timedelta(days=9)
    assert period.is_open(TODAY + timedelta(days=9)) and not period.is_open(
        TODAY + timedelta(days=10)
    )
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "assessment.period_set")
    ).all()
    assert len(entries) == 2
    assert entries[1].details["before"] == [TODAY.isoformat(), (TODAY + timedelta(3)).isoformat()]


def test_self_assessment_keeps_the_signed_version_and_its_seal_valid(office):
    campaign, _unit, head, member, _officer = office
    commitment = confirmed_commitment(campaign, member, head)
    version = services.latest_version(commitment)
    digest, seal = version.digest, version.seal

    self_assessed(commitment, member, "partly", "Đã số hóa 80% hồ sơ")

    commitment = reload(commitment)
    version = services.latest_version(commitment)
    assert (version.digest, version.seal) == (digest, seal)
    assert services.seal_state(commitment, version) == SealState.VALID
    found = assessment.load(commitment)
    assert found.status == "self_assessed" and found.version_id == version.id
    (row,) = found.items
    assert (row.self_rating, row.self_note, row.rating) == ("partly", "Đã số hóa 80% hồ sơ", None)
    assert commitment.status == "confirmed"


def test_self_assessment_outside_the_period_is_refused(app):
    campaign = make_campaign()
    _unit, head, (member,) = unit_with_head(1)
    commitment = confirmed_commitment(campaign, member, head)
    with pytest.raises(InvalidTransition):
        self_assessed(commitment, member)
    open_period(campaign, days_before=5, days_after=-1)  # ended yesterday
    with pytest.raises(InvalidTransition):
        self_assessed(commitment, member)
    assert db.session.scalar(select(CommitmentAssessment.id)) is None


def test_self_assessment_of_a_commitment_not_confirmed_is_refused(office):
    campaign, _unit, _head, member, _officer = office
    commitment = signed_commitment(campaign, member)
    with pytest.raises(InvalidTransition):
        self_assessed(commitment, member)


def test_self_assessment_by_someone_else_is_refused(office):
    campaign, _unit, head, member, _officer = office
    commitment = confirmed_commitment(campaign, member, head)
    with pytest.raises(NotAllowed):
        self_assessed(commitment, head)


def test_self_assessment_without_a_rating_names_the_item_and_writes_nothing(office):
    campaign, _unit, head, member, _officer = office
    commitment = confirmed_commitment(campaign, member, head)
    (item,) = items_of(commitment)
    with pytest.raises(ValidationFailed) as raised:
        assessment.self_assess(
            seen(member), commitment, {item.id: ("maybe", "x" * 1001)}, "", local_today()
        )
    assert set(raised.value.errors) == {f"rating-{item.id}", f"note-{item.id}"}
    assert db.session.scalar(select(CommitmentAssessment.id)) is None


def test_self_assessment_can_be_corrected_until_assessed(office):
    campaign, _unit, head, member, _officer = office
    commitment = confirmed_commitment(campaign, member, head)
    self_assessed(commitment, member, "not_done")
    self_assessed(commitment, member, "done", "Xong")
    (row,) = db.session.scalars(select(ItemAssessment)).all()
    assert (row.self_rating, row.self_note) == ("done", "Xong")
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("commitment.self%"))
    ).all()
    assert actions == ["commitment.self_assessed", "commitment.self_assessment_changed"]

    assessed(commitment, head)
    with pytest.raises(InvalidTransition):
        self_assessed(commitment, member, "partly")


def test_assessment_by_the_head_records_the_result_and_tells_the_owner(office):
    campaign, _unit, head, member, _officer = office
    commitment = confirmed_commitment(campaign, member, head)
    self_assessed(commitment, member, "partly")

    assessed(commitment, head, "fulfilled", rating="done", comment="Hoàn thành tốt")

    found = assessment.load(reload(commitment))
    assert (found.status, found.result, found.comment) == (
        "assessed",
        "fulfilled",
        "Hoàn thành tốt",
    )
    assert found.assessor_name == head.full_name
    (row,) = found.items
    assert (row.self_rating, row.rating) == ("partly", "done")
    note = db.session.scalar(
        select(Notification).where(
            Notification.user_id == member.id, Notification.kind.like("%assessed%")
        )
    )
    assert note.kind == "commitment.assessed_fulfilled"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "commitment.assessed"))
    assert entry.details["result"] == "fulfilled" and entry.details["changed"] == 1
    version = services.latest_version(reload(commitment))
    assert services.seal_state(reload(commitment), version) == SealState.VALID


def test_not_fulfilled_needs_a_comment_and_a_known_result(office):
    campaign, _unit, head, member, _officer = office
    commitment = confirmed_commitment(campaign, member, head)
    self_assessed(commitment, member)
    with pytest.raises(ValidationFailed) as raised:
        assessed(commitment, head, "not_fulfilled", comment="")
    assert set(raised.value.errors) == {"comment"}
    with pytest.raises(ValidationFailed) as raised:
        assessed(commitment, head, "excellent")
    assert set(raised.value.errors) == {"result"}
    assert assessment.load(reload(commitment)).status == "self_assessed"


def test_only_the_reviewer_assesses(office):
    campaign, _unit, head, member, officer = office
    _other_unit, other_head, _ = unit_with_head(0)
    commitment = confirmed_commitment(campaign, member, head)
    self_assessed(commitment, member)
    for someone in (other_head, officer, member, make_user(roles=("leader",))):
        with pytest.raises(NotAllowed):
            assessed(commitment, someone)


def test_assessing_twice_or_before_the_self_assessment_is_refused(office):
    campaign, _unit, head, member, _officer = office
    commitment = confirmed_commitment(campaign, member, head)
    with pytest.raises(InvalidTransition):
        assessed(commitment, head)
    self_assessed(commitment, member)
    assessed(commitment, head)
    with pytest.raises(InvalidTransition):
        assessed(commitment, head, "not_fulfilled", comment="Đổi ý")
    assert assessment.load(reload(commitment)).result == "fulfilled"


def test_unit_commitment_is_self_assessed_by_its_head_and_assessed_by_the_officer(office):
    campaign, unit, head, _member, officer = office
    commitment = confirmed_unit_commitment(campaign, unit, head, officer)
    self_assessed(commitment, head)
    with pytest.raises(NotAllowed):
        assessed(commitment, head)
    assessed(commitment, officer, "not_fulfilled", comment="Chưa hoàn thành số hóa")
    note = db.session.scalar(
        select(Notification).where(
            Notification.user_id == head.id, Notification.kind.like("%assessed%")
        )
    )
    assert note.kind == "commitment.unit_assessed_not_fulfilled"
    assert note.params == {"unit": unit.name}


def test_a_commitment_being_assessed_can_no_longer_be_amended(office):
    campaign, _unit, head, member, _officer = office
    campaign.registration_deadline = None
    db.session.commit()
    commitment = confirmed_commitment(campaign, member, head)
    self_assessed(commitment, member)
    with pytest.raises(InvalidTransition):
        commitment = reload(commitment)
        services.amend(seen(member), commitment, TODAY)


def test_figures_and_waiting_counts_follow_each_step(office):
    campaign, unit, head, member, officer = office
    second = make_user(unit=unit)
    third = make_user(unit=unit)
    first_commitment = confirmed_commitment(campaign, member, head)
    second_commitment = confirmed_commitment(campaign, second, head)
    confirmed_commitment(campaign, third, head)
    self_assessed(first_commitment, member)
    self_assessed(second_commitment, second)
    assert assessment.waiting_for_head(seen(head), campaign) == 2
    assessed(second_commitment, head, "not_fulfilled", comment="Chưa đạt")

    figures = assessment.figures_by_unit(campaign)[unit.id]
    assert (figures.confirmed, figures.self_assessed, figures.fulfilled) == (3, 1, 0)
    assert (figures.not_fulfilled, figures.not_started, figures.percent) == (1, 1, 33.3)
    assert assessment.waiting_for_head(seen(head), campaign) == 1
    assert assessment.waiting_for_officer(seen(officer), campaign) == 0

    unit_commitment = confirmed_unit_commitment(campaign, unit, head, officer)
    self_assessed(unit_commitment, head)
    assert assessment.waiting_for_officer(seen(officer), campaign) == 1
    rows = {row.full_name: row for row in assessment.assessed_people(campaign)}
    assert rows[second.full_name].result == "not_fulfilled"
    assert rows[second.full_name].counts == {"done": 1, "partly": 0, "not_done": 0}
    assert rows[member.full_name].result == "" and member.full_name in rows
    assert third.full_name not in rows


def test_answers_for_items_of_another_commitment_are_ignored(office):
    campaign, unit, head, member, _officer = office
    other = make_user(unit=unit)
    mine = confirmed_commitment(campaign, member, head)
    theirs = confirmed_commitment(campaign, other, head)
    given = {**answers(mine, "done"), **answers(theirs, "not_done")}
    mine = reload(mine)
    assessment.self_assess(seen(member), mine, given, "", local_today())
    rows = db.session.scalars(select(ItemAssessment)).all()
    assert [row.item_id for row in rows] == [item.id for item in items_of(mine)]
