"""Reviewing commitments: confirm and return by the reviewer only, once, with a notification to
the owner and an audit entry; who reviews whom; reopening registration after the deadline."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.commitments import review, services
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.commitments import (
    Commitment,
    CommitmentItem,
    CommitmentStatus,
    CommitmentVersion,
    RegistrationReopening,
)
from app.models.notifications import Notification
from app.notifications.services import text_of
from tests.factories import DEFAULT_PASSWORD, make_campaign, make_unit, make_user
from tests.review_helpers import (
    TODAY,
    draft_commitment,
    seen,
    signed_commitment,
    signed_unit_commitment,
    unit_with_head,
)


@pytest.fixture
def campaign(app):
    return make_campaign()


@pytest.fixture
def team(campaign):
    """A unit with its head and two members."""
    unit, head, members = unit_with_head(members=2)
    return unit, head, members


def _version(commitment) -> CommitmentVersion:
    db.session.expire_all()
    return services.latest_version(db.session.get(Commitment, commitment.id))


def _audits(action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def _notifications(user) -> list[Notification]:
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()


def test_confirm_signed_by_the_unit_head_records_the_review(campaign, team):
    _unit, head, (member, _other) = team
    commitment = signed_commitment(campaign, member)
    review.confirm(seen(head), commitment)
    version = _version(commitment)
    assert version.status == CommitmentStatus.CONFIRMED
    assert version.commitment.status == CommitmentStatus.CONFIRMED
    assert (version.reviewer_id, version.reviewer_name) == (head.id, head.full_name)
    assert version.reviewed_at is not None and version.review_comment == ""
    [entry] = _audits("commitment.confirmed")
    assert (entry.actor_id, entry.target_id, entry.details) == (
        head.id,
        commitment.id,
        {"version": 1},
    )
    assert entry.target_label == member.full_name


def test_confirm_notifies_the_owner_in_their_language(app, campaign, team):
    _unit, head, (member, _other) = team
    commitment = signed_commitment(campaign, member)
    review.confirm(seen(head), commitment)
    [notification] = _notifications(member)
    assert notification.kind == "commitment.confirmed" and notification.read_at is None
    with app.test_request_context():
        assert text_of(notification) == "Bản đăng ký thi đua của bạn đã được xác nhận."
    assert _notifications(head) == []


def test_return_needs_a_comment_beside_the_field(campaign, team):
    _unit, head, (member, _other) = team
    commitment = signed_commitment(campaign, member)
    for comment in ("", "  \n ", None):
        with pytest.raises(ValidationFailed) as error:
            review.return_commitment(seen(head), commitment, comment)
        assert list(error.value.errors) == ["comment"]
    with pytest.raises(ValidationFailed) as error:
        review.return_commitment(seen(head), commitment, "x" * 2001)
    assert "2.000" in error.value.errors["comment"][0]  # grouped as Vietnamese writes it
    assert _version(commitment).status == CommitmentStatus.SIGNED
    assert _notifications(member) == []


def test_return_keeps_the_comment_and_notifies_it(app, campaign, team):
    _unit, head, (member, _other) = team
    commitment = signed_commitment(campaign, member)
    review.return_commitment(
        seen(head), commitment, "  Bổ sung chỉ tiêu đo được.\r\nGhi rõ thời hạn. "
    )
    version = _version(commitment)
    assert version.status == version.commitment.status == CommitmentStatus.RETURNED
    assert version.review_comment == "Bổ sung chỉ tiêu đo được.\nGhi rõ thời hạn."
    [notification] = _notifications(member)
    with app.test_request_context():
        assert text_of(notification) == (
            "Bản đăng ký thi đua của bạn bị trả lại: Bổ sung chỉ tiêu đo được.\nGhi rõ thời hạn."
        )
    assert len(_audits("commitment.returned")) == 1


def test_returned_commitment_is_amended_then_signed_and_reviewed_again(campaign, team):
    _unit, head, (member, _other) = team
    commitment = signed_commitment(campaign, member)
    review.return_commitment(seen(head), commitment, "Thiếu chỉ tiêu.")
    draft = services.amend(member, db.session.get(Commitment, commitment.id), TODAY)
    services.sign(member, services.load_version(draft.id), DEFAULT_PASSWORD, True)
    review.confirm(seen(head), db.session.get(Commitment, commitment.id))
    version = _version(commitment)
    assert (version.number, version.status) == (2, CommitmentStatus.CONFIRMED)
    first = db.session.scalar(
        select(CommitmentVersion).where(
            CommitmentVersion.commitment_id == commitment.id, CommitmentVersion.number == 1
        )
    )
    assert first.status == CommitmentStatus.RETURNED and first.review_comment == "Thiếu chỉ tiêu."


@pytest.mark.parametrize("status", ["draft", "confirmed", "returned"])
def test_review_only_when_the_latest_version_is_signed(campaign, team, status):
    _unit, head, (member, _other) = team
    if status == "draft":
        commitment = draft_commitment(campaign, member)
    else:
        commitment = signed_commitment(campaign, member)
        if status == "confirmed":
            review.confirm(seen(head), commitment)
        else:
            review.return_commitment(seen(head), commitment, "Chưa đạt.")
    commitment = db.session.get(Commitment, commitment.id)
    with pytest.raises(InvalidTransition):
        review.confirm(seen(head), commitment)
    with pytest.raises(InvalidTransition):
        review.return_commitment(seen(head), commitment, "Lần nữa.")
    assert _version(commitment).status == status


def test_version_read_by_the_reviewer_is_the_one_reviewed(campaign, team):
    _unit, head, (member, _other) = team
    commitment = signed_commitment(campaign, member)
    with Session(db.engine) as review_tab:
        stale = review_tab.get(Commitment, commitment.id)  # the reviewer opened version 1
        services.amend(member, commitment, TODAY)  # version 2 is a draft; version 1 stays signed
        with pytest.raises(InvalidTransition):
            review.confirm(seen(head), stale)
    with pytest.raises(InvalidTransition):
        review.confirm(seen(head), db.session.get(Commitment, commitment.id), version_number=1)
    assert _version(commitment).commitment.status == CommitmentStatus.DRAFT
    assert _audits("commitment.confirmed") == []


def test_only_the_reviewer_may_confirm_or_return(campaign, team):
    _unit, head, (member, other) = team
    _other_unit, other_head, _people = unit_with_head(members=1)
    officer, leader, admin = (make_user(roles=(role,)) for role in ("officer", "leader", "admin"))
    commitment = signed_commitment(campaign, member)
    for actor in (member, other, other_head, officer, leader, admin):
        assert not services.can_review(seen(actor), commitment)
        with pytest.raises(NotAllowed):
            review.confirm(seen(actor), commitment)
        with pytest.raises(NotAllowed):
            review.return_commitment(seen(actor), commitment, "Không phải việc của tôi.")
    assert services.can_review(seen(head), commitment)
    assert _version(commitment).status == CommitmentStatus.SIGNED


def test_head_is_reviewed_by_the_parent_head_else_by_the_officer(campaign):
    top, director, _ = unit_with_head()
    _unit, head, _ = unit_with_head(parent=top)
    officer = make_user(roles=("officer",))
    heads_commitment = signed_commitment(campaign, head)
    assert services.reviewer_head_id(heads_commitment) == director.id
    assert services.can_review(seen(director), heads_commitment)
    assert not services.can_review(seen(head), heads_commitment)
    assert not services.can_review(seen(officer), heads_commitment)

    directors_commitment = signed_commitment(campaign, director)  # nobody above the director
    assert services.reviewer_head_id(directors_commitment) is None
    assert services.can_review(seen(officer), directors_commitment)
    assert not services.can_review(seen(director), directors_commitment)
    review.confirm(seen(officer), directors_commitment)
    assert _version(directors_commitment).reviewer_id == officer.id


def test_member_of_a_unit_without_head_is_reviewed_by_the_officer(campaign):
    unit = make_unit()
    member, officer = make_user(unit=unit), make_user(roles=("officer",))
    commitment = signed_commitment(campaign, member)
    assert services.can_review(seen(officer), commitment)
    assert not services.can_review(seen(member), commitment)


def test_unit_commitment_is_reviewed_by_the_officer_and_its_head_notified(app, campaign, team):
    unit, head, _members = team
    officer = make_user(roles=("officer",))
    commitment = signed_unit_commitment(campaign, unit, head)
    assert not services.can_review(seen(head), commitment)
    with pytest.raises(NotAllowed):
        review.confirm(seen(head), commitment)
    review.return_commitment(seen(officer), commitment, "Bổ sung tiêu chí 2.")
    [notification] = _notifications(head)
    assert notification.kind == "commitment.unit_returned"
    with app.test_request_context():
        assert unit.name in text_of(notification)
        assert "Bổ sung tiêu chí 2." in text_of(notification)


def test_officer_heading_a_unit_cannot_confirm_its_own_collective_commitment(campaign):
    unit, head, _ = unit_with_head()
    seen(head).set_roles(["unit_head", "officer"])
    db.session.commit()
    commitment = signed_unit_commitment(campaign, unit, head)
    assert not services.can_review(seen(head), commitment)


def test_confirm_refuses_a_version_altered_after_signing(campaign, team):
    _unit, head, (member, _other) = team
    commitment = signed_commitment(campaign, member)
    db.session.execute(update(CommitmentItem).values(text="Sửa lén sau khi ký"))
    db.session.commit()
    with pytest.raises(InvalidTransition, match="thay đổi"):
        review.confirm(seen(head), db.session.get(Commitment, commitment.id))
    review.return_commitment(
        seen(head), db.session.get(Commitment, commitment.id), "Nội dung bị sửa."
    )
    assert _version(commitment).status == CommitmentStatus.RETURNED


def test_concurrent_confirm_and_return_give_one_outcome(app, campaign, team):
    """Two reviewers (or two tabs) on the same signed version: the second one, holding what it
    loaded before the first acted, is refused and changes nothing."""
    _unit, head, (member, _other) = team
    commitment = signed_commitment(campaign, member)
    with Session(db.engine) as other_tab:
        stale = other_tab.get(Commitment, commitment.id)
        review.confirm(seen(head), db.session.get(Commitment, commitment.id))
        assert stale.status == CommitmentStatus.SIGNED  # what the second tab still sees
        with pytest.raises(InvalidTransition):
            review.return_commitment(seen(head), stale, "Trả lại cùng lúc.")
        with pytest.raises(InvalidTransition):
            review.confirm(seen(head), stale)
    version = _version(commitment)
    assert version.status == version.commitment.status == CommitmentStatus.CONFIRMED
    assert version.review_comment == ""
    assert len(_audits("commitment.confirmed")) == 1 and _audits("commitment.returned") == []
    assert [n.kind for n in _notifications(member)] == ["commitment.confirmed"]


def test_reopen_lets_a_person_start_after_the_deadline(app, campaign):
    person, officer = make_user(), make_user(roles=("officer",))
    late = campaign.registration_deadline + timedelta(days=3)
    with pytest.raises(InvalidTransition):
        services.start_individual(person, campaign, late)
    reopening = review.reopen_registration(
        seen(officer),
        campaign,
        user=person,
        open_until=late + timedelta(days=7),
        reason="Đi công tác dài ngày",
        today=late,
    )
    assert services.start_individual(person, campaign, late).user_id == person.id
    assert not services.registration_open(campaign, late + timedelta(days=8), user_id=person.id)
    [entry] = _audits("commitment.reopened")
    assert (entry.actor_id, entry.target_id) == (officer.id, reopening.id)
    assert entry.details["open_until"] == (late + timedelta(days=7)).isoformat()
    [notification] = _notifications(person)
    with app.test_request_context():
        assert (late + timedelta(days=7)).strftime("%d/%m/%Y") in text_of(notification)


def test_reopen_for_a_unit_notifies_its_head_and_lets_it_amend(campaign, team):
    unit, head, _members = team
    officer = make_user(roles=("officer",))
    late = campaign.registration_deadline + timedelta(days=1)
    review.reopen_registration(
        seen(officer),
        campaign,
        unit=unit,
        open_until=late,
        reason="Đơn vị mới thành lập",
        today=late,
    )
    assert services.registration_open(campaign, late, unit_id=unit.id)
    assert [n.kind for n in _notifications(head)] == ["commitment.unit_reopened"]


def test_reopen_is_for_the_officer_with_a_target_a_date_and_a_reason(campaign, team):
    unit, head, (member, _other) = team
    officer = make_user(roles=("officer",))
    with pytest.raises(NotAllowed):
        review.reopen_registration(
            seen(head), campaign, user=member, open_until=TODAY, reason="Lý do", today=TODAY
        )
    with pytest.raises(ValidationFailed) as error:
        review.reopen_registration(
            seen(officer),
            campaign,
            open_until=TODAY - timedelta(days=1),
            reason="   ",
            today=TODAY,
        )
    assert set(error.value.errors) == {"target", "open_until", "reason"}
    with pytest.raises(ValidationFailed) as error:
        review.reopen_registration(
            seen(officer),
            campaign,
            user=member,
            unit=unit,
            open_until=TODAY,
            reason="x",
            today=TODAY,
        )
    assert set(error.value.errors) == {"target"}
    assert db.session.scalar(select(RegistrationReopening.id)) is None
    assert _audits("commitment.reopened") == []


def test_member_rows_are_the_people_the_head_reviews_in_one_query(campaign, team, count_queries):
    unit, head, (member, other) = team
    _sub_unit, sub_head, (sub_member,) = unit_with_head(members=1, parent=unit)
    make_user(unit=unit, is_active=False)
    signed_commitment(campaign, member)
    head, campaign_id = seen(head), campaign.id  # loaded before counting
    assert campaign_id
    with count_queries() as statements:
        rows = review.member_rows(head, campaign)
    assert len(statements) == 1
    assert {row.user_id: row.status for row in rows} == {
        member.id: "signed",
        other.id: "none",
        sub_head.id: "none",
    }
    assert sub_member.id not in {row.user_id for row in review.member_rows(head, campaign)}
    assert [row.user_id for row in review.member_rows(sub_head, campaign)] == [sub_member.id]
    counts = review.status_counts(rows)
    assert counts == {"none": 2, "draft": 0, "signed": 1, "confirmed": 0, "returned": 0}


def test_officer_people_rows_are_those_nobody_else_reviews(campaign, team):
    unit, head, members = team
    headless = make_unit()
    loner = make_user(unit=headless)
    officer = make_user(roles=("officer",), unit=unit)
    ids = {row.user_id for row in review.officer_people_rows(seen(officer), campaign)}
    assert head.id in ids and loner.id in ids
    assert officer.id not in ids and not ids & {member.id for member in members}


def test_notification_links_are_paths_with_or_without_a_request(app):
    from app.notifications.services import link_to, notify

    assert link_to("notifications.index") == "/notifications/"
    with app.test_request_context():
        assert link_to("notifications.index", page=2) == "/notifications/?page=2"
    assert link_to("no.such_page") == ""
    with pytest.raises(ValueError):
        notify(1, "no.such_kind")
