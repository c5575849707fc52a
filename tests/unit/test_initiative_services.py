"""The initiative use cases: who sees what, the application and its authors, the lifecycle."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.initiatives import attachments, services
from app.models.audit import AuditEntry
from app.models.councils import CouncilStatus
from app.models.initiatives import (
    COMMENT_MAX,
    FIELD_MAX,
    TITLE_MAX,
    Initiative,
    InitiativeAttachment,
    InitiativeAuthor,
    InitiativeEvent,
    InitiativeStatus,
)
from app.models.notifications import Notification
from tests.factories import make_campaign, make_unit, make_user
from tests.initiative_helpers import (
    TODAY,
    area_ids,
    author_of,
    count,
    make_accepted,
    make_council,
    make_head_of,
    make_initiative,
    make_leader,
    make_officer,
    make_other_campaign,
    make_submitted,
    pdf_bytes,
    seen,
    set_status,
    shares,
    upload,
)

S = InitiativeStatus


@pytest.fixture
def campaign(app):
    return make_campaign()


@pytest.fixture
def officer(app):
    return make_officer(full_name="Hoàng Thị Cán Bộ")


def _ids(stmt) -> list[int]:
    return [initiative.id for initiative in db.session.scalars(stmt).all()]


def _visible_ids(viewer, **filters) -> list[int]:
    return _ids(services.list_query(seen(viewer), **filters))


def _stored(initiative) -> Initiative:
    """The initiative as the database has it now."""
    db.session.expire_all()
    return db.session.get(Initiative, initiative.id)


def _events(initiative) -> list[tuple[str, str, str, str]]:
    return [
        (event.action, event.from_status, event.to_status, event.comment)
        for event in db.session.scalars(
            select(InitiativeEvent)
            .where(InitiativeEvent.initiative_id == initiative.id)
            .order_by(InitiativeEvent.id)
        )
    ]


def _audit_actions(initiative) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.target_type == "initiative", AuditEntry.target_id == initiative.id)
            .order_by(AuditEntry.id)
        )
    )


def _notified(kind: str) -> list[int]:
    return sorted(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


# Who sees what ------------------------------------------------------------------------------

VIEWERS = (
    "author",
    "co_author",
    "officer",
    "leader",
    "unit_head",
    "other_head",
    "council_member",
    "other_council_member",
    "staff",
)
EVERY = set(S)
SUBMITTED_ON = EVERY - {S.DRAFT}
PUBLIC = {S.ACCEPTED, S.RECOGNIZED}
BEFORE_COUNCIL = {S.ACCEPTED, S.RECOGNIZED, S.NOT_RECOGNIZED}
# Which statuses each viewer may open, and in which they may read the confidential part.
MAY_VIEW = {
    "author": EVERY,
    "co_author": EVERY,
    "officer": SUBMITTED_ON,
    "leader": SUBMITTED_ON,
    "unit_head": SUBMITTED_ON,
    "other_head": PUBLIC,
    "council_member": BEFORE_COUNCIL,
    "other_council_member": PUBLIC,
    "staff": PUBLIC,
}
MAY_SEE_CONFIDENTIAL = {
    "author": EVERY,
    "co_author": EVERY,
    "officer": SUBMITTED_ON,
    "leader": SUBMITTED_ON,
    "unit_head": set(),
    "other_head": set(),
    "council_member": BEFORE_COUNCIL,
    "other_council_member": set(),
    "staff": set(),
}


@pytest.fixture
def world(campaign):
    """One initiative in each status, by an author of a unit with a head and a co-author;
    the people of VIEWERS."""
    unit = make_unit("Phòng Tổng hợp")
    people = {
        "author": make_user(unit=unit),
        "co_author": make_user(),
        "officer": make_officer(),
        "leader": make_leader(),
        "unit_head": make_head_of(unit),
        "other_head": make_head_of(make_unit("Phòng Kiểm soát")),
        "council_member": make_user(),
        "other_council_member": make_user(),
        "staff": make_user(),
    }
    make_council(campaign, CouncilStatus.PREPARING, members=[people["council_member"]])
    make_council(make_other_campaign(), members=[people["other_council_member"]])
    initiatives = {}
    for status in S:
        initiative = make_initiative(people["author"], campaign, title=f"Sáng kiến {status}")
        services.add_author(people["author"], initiative, people["co_author"].id, 20)
        initiatives[status] = set_status(initiative, status)
    return people, initiatives


@pytest.mark.parametrize("viewer", VIEWERS)
def test_can_view_each_status_follows_the_rules_for_the_viewer(world, viewer):
    people, initiatives = world
    user = seen(people[viewer])
    opened = {status for status, it in initiatives.items() if services.can_view(user, it)}
    assert opened == MAY_VIEW[viewer]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_can_see_confidential_each_status_follows_the_rules_for_the_viewer(world, viewer):
    people, initiatives = world
    user = seen(people[viewer])
    readable = {
        status for status, it in initiatives.items() if services.can_see_confidential(user, it)
    }
    assert readable == MAY_SEE_CONFIDENTIAL[viewer]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_list_query_any_viewer_lists_exactly_what_they_may_view(world, viewer):
    people, initiatives = world
    expected = {initiatives[status].id for status in MAY_VIEW[viewer]}
    listed = _visible_ids(people[viewer])
    assert sorted(listed) == sorted(expected)  # sorted lists: a duplicate row would show


def test_can_view_draft_of_a_creator_no_longer_author_still_visible_to_them(campaign):
    """The person who made the application keeps seeing it (created_by), in lists too."""
    creator = make_user()
    initiative = make_initiative(creator, campaign)
    db.session.delete(author_of(initiative, creator))
    db.session.commit()
    assert services.can_view(seen(creator), initiative)
    assert _visible_ids(creator) == [initiative.id]
    assert _visible_ids(creator, mine=True) == [initiative.id]


# The list: search and filters ---------------------------------------------------------------


def test_list_query_search_without_diacritics_finds_the_title(campaign):
    author = make_user()
    digital = make_initiative(author, campaign, title="Số hóa hồ sơ trình ký")
    make_initiative(author, campaign, title="Cải cách thủ tục một cửa")
    for q in ("so hoa", "SỐ HÓA", "hoa   so", "Số hóa"):
        assert _visible_ids(author, q=q) == [digital.id], q
    assert _visible_ids(author, q="so hoa mot cua") == []


def test_list_query_search_finds_the_authors_names_and_the_unit(campaign):
    author = make_user(full_name="Đặng Văn Đức", unit=make_unit("Phòng Hành chính – Tổ chức"))
    co_author = make_user(full_name="Trần Thị Bích Ngọc")
    initiative = make_initiative(author, campaign, title="Tiết kiệm giấy in")
    make_initiative(make_user(), campaign, title="Tiết kiệm điện")
    services.add_author(author, initiative, co_author.id, 30)
    for q in ("bich ngoc", "dang van duc", "Đức", "hanh chinh"):
        assert _visible_ids(author, q=q) == [initiative.id], q


def test_list_query_search_after_removing_a_co_author_no_longer_finds_them(campaign):
    author = make_user()
    co_author = make_user(full_name="Phan Thị Khánh Linh")
    initiative = make_initiative(author, campaign)
    added = services.add_author(author, initiative, co_author.id, 30)
    assert _visible_ids(author, q="khanh linh") == [initiative.id]
    services.remove_author(author, initiative, added.id)
    assert _visible_ids(author, q="khanh linh") == []


def test_list_query_search_with_wildcards_matches_them_literally(campaign):
    author = make_user()
    percent = make_initiative(author, campaign, title="Giảm 100% giấy tờ")
    make_initiative(author, campaign, title="Hội_nghị không giấy")
    make_initiative(author, campaign, title="Họp trực tuyến")
    assert _visible_ids(author, q="%") == [percent.id]
    assert len(_visible_ids(author, q="_")) == 1


def test_list_query_search_only_within_what_the_viewer_may_see(campaign):
    author, other = make_user(), make_user()
    make_initiative(author, campaign, title="Số hóa lưu trữ")
    assert _visible_ids(other, q="so hoa") == []


def test_list_query_filters_status_area_unit_and_year(campaign):
    areas = area_ids(campaign)
    unit_a, unit_b = make_unit("Phòng A"), make_unit("Phòng B")
    author_a, author_b = make_user(unit=unit_a), make_user(unit=unit_b)
    officer = make_officer()
    first = make_submitted(author_a, campaign, content_area_id=areas[0])
    second = make_submitted(author_b, campaign, content_area_id=areas[1])
    old = make_initiative(
        author_a,
        campaign,
        today=date(2025, 6, 1),
        first_applied_on=date(2025, 1, 2),
        content_area_id=areas[1],
    )
    services.submit(author_a, old)
    services.accept(seen(officer), second)

    assert sorted(_visible_ids(officer)) == sorted([first.id, second.id, old.id])
    assert _visible_ids(officer, status="accepted") == [second.id]
    assert sorted(_visible_ids(officer, status="submitted")) == sorted([first.id, old.id])
    assert sorted(_visible_ids(officer, area_id=areas[1])) == sorted([second.id, old.id])
    assert _visible_ids(officer, unit_id=unit_b.id) == [second.id]
    assert _visible_ids(officer, year=2025) == [old.id]
    assert _visible_ids(officer, year=2026, unit_id=unit_a.id) == [first.id]
    assert _visible_ids(officer, status="submitted", area_id=areas[1]) == [old.id]
    assert services.years() == [2026, 2025]


def test_list_query_unknown_status_is_ignored(campaign):
    author = make_user()
    initiative = make_initiative(author, campaign)
    assert _visible_ids(author, status="bogus") == [initiative.id]


def test_list_query_mine_lists_own_drafts_but_not_others_public_ones(campaign):
    me, other = make_user(), make_user()
    co_author_of = make_initiative(other, campaign, title="Của người khác, tôi đồng tác giả")
    services.add_author(other, co_author_of, me.id, 10)
    own = make_initiative(me, campaign, title="Bản nháp của tôi")
    make_accepted(other, campaign, title="Đã tiếp nhận, không phải của tôi")
    assert sorted(_visible_ids(me, mine=True)) == sorted([own.id, co_author_of.id])
    assert len(_visible_ids(me)) == 3  # the public one too
    assert [it.id for it in services.my_recent(me, limit=1)] == [own.id]


def test_list_query_newest_first(campaign):
    author = make_user()
    made = [make_initiative(author, campaign, title=f"Sáng kiến {i}") for i in range(3)]
    assert _visible_ids(author) == [it.id for it in reversed(made)]


# The application --------------------------------------------------------------------------


def test_create_makes_a_draft_with_the_actor_as_main_author_at_100(campaign):
    unit = make_unit()
    author = make_user(unit=unit)
    initiative = make_initiative(author, campaign, today=TODAY)
    stored = services.load(_stored(initiative).id)
    assert (stored.status, stored.unit_id, stored.created_by_id, stored.year) == (
        S.DRAFT,
        unit.id,
        author.id,
        TODAY.year,
    )
    assert [(a.user_id, a.is_main, a.share, a.position) for a in stored.authors] == [
        (author.id, True, 100, 0)
    ]
    assert stored.submitted_at is None and stored.council_id is None
    assert _audit_actions(initiative) == ["initiative.created"]


def test_create_cleans_the_title_and_keeps_paragraphs(campaign):
    author = make_user()
    decomposed = "So\u0302\u0301   ho\u0301a  "  # "Số hóa" typed with combining marks
    initiative = make_initiative(
        author, campaign, title=decomposed, solution="Dòng 1\r\nDòng 2   \r\n\r\n"
    )
    stored = _stored(initiative)
    assert stored.title == "Số hóa"
    assert stored.solution == "Dòng 1\nDòng 2"
    assert _visible_ids(author, q="so hoa") == [initiative.id]


@pytest.mark.parametrize("title", ["", "   ", None])
def test_create_empty_title_is_refused_and_stores_nothing(campaign, title):
    with pytest.raises(ValidationFailed) as error:
        make_initiative(make_user(), campaign, title=title)
    assert set(error.value.errors) == {"title"}
    assert count(Initiative) == 0 and count(InitiativeAuthor) == 0


def test_create_too_long_fields_are_refused_beside_each_field(campaign):
    with pytest.raises(ValidationFailed) as error:
        make_initiative(
            make_user(),
            campaign,
            title="T" * (TITLE_MAX + 1),
            solution="s" * (FIELD_MAX + 1),
            trial_participants="p" * (FIELD_MAX + 1),
        )
    assert set(error.value.errors) == {"title", "solution", "trial_participants"}
    assert count(Initiative) == 0


def test_create_fields_at_their_limits_are_accepted(campaign):
    initiative = make_initiative(
        make_user(), campaign, title="T" * TITLE_MAX, novelty="n" * FIELD_MAX
    )
    stored = _stored(initiative)
    assert (len(stored.title), len(stored.novelty)) == (TITLE_MAX, FIELD_MAX)


def test_create_first_applied_in_the_future_is_refused(campaign):
    with pytest.raises(ValidationFailed) as error:
        make_initiative(
            make_user(), campaign, today=TODAY, first_applied_on=TODAY + timedelta(days=1)
        )
    assert set(error.value.errors) == {"first_applied_on"}
    assert count(Initiative) == 0
    same_day = make_initiative(make_user(), campaign, today=TODAY, first_applied_on=TODAY)
    assert _stored(same_day).first_applied_on == TODAY


def test_create_content_area_of_another_campaign_is_refused(campaign):
    foreign_area = area_ids(make_other_campaign())[0]
    for area_id in (foreign_area, 999_999):
        with pytest.raises(ValidationFailed) as error:
            make_initiative(make_user(), campaign, content_area_id=area_id)
        assert set(error.value.errors) == {"content_area_id"}
    assert count(Initiative) == 0


def test_create_without_optional_fields_saves_a_bare_draft(campaign):
    initiative = services.create(make_user(), campaign, {"title": "Chỉ có tên"}, TODAY)
    stored = _stored(initiative)
    assert (stored.content_area_id, stored.first_applied_on, stored.solution) == (None, None, "")


def test_update_application_by_a_co_author_saves_and_refreshes_the_search(campaign):
    author, co_author = make_user(), make_user()
    initiative = make_initiative(author, campaign, title="Tên cũ")
    services.add_author(author, initiative, co_author.id, 10)
    services.update_application(
        co_author, initiative, {"title": "Đổi mới quy trình", "solution": "Mới"}, TODAY
    )
    stored = _stored(initiative)
    assert (stored.title, stored.solution) == ("Đổi mới quy trình", "Mới")
    assert _visible_ids(author, q="doi moi") == [initiative.id]
    assert _visible_ids(author, q="ten cu") == []


def test_update_application_invalid_data_changes_nothing(campaign):
    author = make_user()
    initiative = make_initiative(author, campaign, title="Tên đúng")
    with pytest.raises(ValidationFailed) as error:
        services.update_application(author, initiative, {"title": ""}, TODAY)
    assert set(error.value.errors) == {"title"}
    assert _stored(initiative).title == "Tên đúng"


def test_update_application_by_others_or_after_submission_is_refused(campaign, officer):
    author = make_user()
    initiative = make_initiative(author, campaign, title="Tên đúng")
    with pytest.raises(NotAllowed):
        services.update_application(officer, initiative, {"title": "Sửa hộ"}, TODAY)
    services.submit(author, initiative)
    with pytest.raises(InvalidTransition):
        services.update_application(author, initiative, {"title": "Sửa sau khi nộp"}, TODAY)
    assert _stored(initiative).title == "Tên đúng"


# Authors -----------------------------------------------------------------------------------


def test_add_author_takes_the_share_from_the_main_author(campaign):
    author, first, second = make_user(), make_user(), make_user()
    initiative = make_initiative(author, campaign)
    added = services.add_author(author, initiative, first.id, 30)
    services.add_author(author, initiative, second.id, 25)
    assert shares(initiative) == {author.id: 45, first.id: 30, second.id: 25}
    assert (added.is_main, added.position) == (False, 1)
    assert author_of(initiative, second).position == 2
    assert _audit_actions(initiative).count("initiative.author_added") == 2


def test_add_author_the_same_co_author_twice_is_refused(campaign):
    author, co_author = make_user(), make_user()
    initiative = make_initiative(author, campaign)
    services.add_author(author, initiative, co_author.id, 30)
    with pytest.raises(ValidationFailed) as error:
        services.add_author(author, initiative, co_author.id, 10)
    assert set(error.value.errors) == {"user_id"}
    with pytest.raises(ValidationFailed) as error:
        services.add_author(author, initiative, author.id, 10)  # the main author
    assert set(error.value.errors) == {"user_id"}
    assert shares(initiative) == {author.id: 70, co_author.id: 30}


def test_add_author_share_not_below_the_main_authors_share_is_refused(campaign):
    author, first, second = make_user(), make_user(), make_user()
    initiative = make_initiative(author, campaign)
    with pytest.raises(ValidationFailed) as error:
        services.add_author(author, initiative, first.id, 100)
    assert set(error.value.errors) == {"share"}
    services.add_author(author, initiative, first.id, 60)  # the main author keeps 40
    for share in (40, 41):
        with pytest.raises(ValidationFailed) as error:
            services.add_author(author, initiative, second.id, share)
        assert set(error.value.errors) == {"share"}
    services.add_author(author, initiative, second.id, 39)
    assert shares(initiative) == {author.id: 1, first.id: 60, second.id: 39}


@pytest.mark.parametrize("share", [None, 0, -5])
def test_add_author_missing_or_non_positive_share_is_refused(campaign, share):
    author, co_author = make_user(), make_user()
    initiative = make_initiative(author, campaign)
    with pytest.raises(ValidationFailed) as error:
        services.add_author(author, initiative, co_author.id, share)
    assert set(error.value.errors) == {"share"}
    assert shares(initiative) == {author.id: 100}


def test_add_author_inactive_or_unknown_person_is_refused(campaign):
    author = make_user()
    gone = make_user(is_active=False)
    initiative = make_initiative(author, campaign)
    for user_id in (gone.id, 999_999, None):
        with pytest.raises(ValidationFailed) as error:
            services.add_author(author, initiative, user_id, 10)
        assert set(error.value.errors) == {"user_id"}
    with pytest.raises(ValidationFailed) as error:
        services.add_author(author, initiative, None, None)
    assert set(error.value.errors) == {"user_id", "share"}
    assert shares(initiative) == {author.id: 100}


def test_add_author_by_a_non_author_or_after_submission_is_refused(campaign, officer):
    author, co_author = make_user(), make_user()
    initiative = make_initiative(author, campaign)
    with pytest.raises(NotAllowed):
        services.add_author(officer, initiative, co_author.id, 10)
    services.submit(author, initiative)
    with pytest.raises(InvalidTransition):
        services.add_author(author, initiative, co_author.id, 10)
    assert shares(initiative) == {author.id: 100}


def test_remove_author_gives_the_share_back_to_the_main_author(campaign):
    author, first, second = make_user(), make_user(), make_user()
    initiative = make_initiative(author, campaign)
    added = services.add_author(author, initiative, first.id, 30)
    services.add_author(author, initiative, second.id, 20)
    services.remove_author(author, initiative, added.id)
    assert shares(initiative) == {author.id: 80, second.id: 20}
    assert "initiative.author_removed" in _audit_actions(initiative)


def test_remove_author_the_main_author_is_refused(campaign):
    author = make_user()
    initiative = make_initiative(author, campaign)
    with pytest.raises(ValidationFailed) as error:
        services.remove_author(author, initiative, author_of(initiative, author).id)
    assert set(error.value.errors) == {"authors"}
    assert shares(initiative) == {author.id: 100}


def test_remove_author_of_another_initiative_is_refused_and_leaves_it(campaign):
    author, other, co_author = make_user(), make_user(), make_user()
    mine = make_initiative(author, campaign)
    theirs = make_initiative(other, campaign)
    foreign = services.add_author(other, theirs, co_author.id, 30)
    with pytest.raises(ValidationFailed) as error:
        services.remove_author(author, mine, foreign.id)
    assert set(error.value.errors) == {"authors"}
    assert shares(theirs) == {other.id: 70, co_author.id: 30}
    assert shares(mine) == {author.id: 100}


def test_remove_author_by_a_non_author_is_not_allowed(campaign):
    author, co_author = make_user(), make_user()
    initiative = make_initiative(author, campaign)
    added = services.add_author(author, initiative, co_author.id, 30)
    with pytest.raises(NotAllowed):
        services.remove_author(make_user(), initiative, added.id)
    assert shares(initiative) == {author.id: 70, co_author.id: 30}


def test_update_shares_adding_up_to_100_are_saved(campaign):
    author, co_author = make_user(), make_user()
    initiative = make_initiative(author, campaign)
    added = services.add_author(author, initiative, co_author.id, 10)
    main_id = author_of(initiative, author).id
    with pytest.raises(NotAllowed):
        services.update_shares(co_author, initiative, {main_id: 35, added.id: 65})
    services.update_shares(author, initiative, {main_id: 35, added.id: 65})
    assert shares(initiative) == {author.id: 35, co_author.id: 65}


@pytest.mark.parametrize("pair", [(50, 40), (60, 50), (1, 1)])
def test_update_shares_not_adding_up_to_100_are_refused(campaign, pair):
    author, co_author = make_user(), make_user()
    initiative = make_initiative(author, campaign)
    added = services.add_author(author, initiative, co_author.id, 10)
    main_id = author_of(initiative, author).id
    with pytest.raises(ValidationFailed) as error:
        services.update_shares(author, initiative, {main_id: pair[0], added.id: pair[1]})
    assert set(error.value.errors) == {"shares"}
    assert shares(initiative) == {author.id: 90, co_author.id: 10}


@pytest.mark.parametrize("bad", [0, None, 101, -1])
def test_update_shares_a_share_out_of_range_is_refused_beside_it(campaign, bad):
    author, co_author = make_user(), make_user()
    initiative = make_initiative(author, campaign)
    added = services.add_author(author, initiative, co_author.id, 10)
    main_id = author_of(initiative, author).id
    with pytest.raises(ValidationFailed) as error:
        services.update_shares(author, initiative, {main_id: 100, added.id: bad})
    assert set(error.value.errors) == {f"share_{added.id}"}
    assert shares(initiative) == {author.id: 90, co_author.id: 10}


def test_update_shares_for_a_changed_list_of_authors_is_refused(campaign):
    author, co_author = make_user(), make_user()
    initiative = make_initiative(author, campaign)
    services.add_author(author, initiative, co_author.id, 10)
    main_id = author_of(initiative, author).id
    with pytest.raises(ValidationFailed) as error:
        services.update_shares(author, initiative, {main_id: 100})
    assert set(error.value.errors) == {"shares"}
    assert shares(initiative) == {author.id: 90, co_author.id: 10}


def test_update_shares_by_a_non_author_or_after_submission_is_refused(campaign, officer):
    author = make_user()
    initiative = make_initiative(author, campaign)
    main_id = author_of(initiative, author).id
    with pytest.raises(NotAllowed):
        services.update_shares(officer, initiative, {main_id: 100})
    services.submit(author, initiative)
    with pytest.raises(InvalidTransition):
        services.update_shares(author, initiative, {main_id: 100})


# Submitting --------------------------------------------------------------------------------


def test_submission_errors_names_each_missing_field(campaign):
    initiative = make_initiative(
        make_user(),
        campaign,
        content_area_id=None,
        first_applied_on=None,
        current_situation="",
        solution="  ",
        novelty="",
        applicability="",
        benefits_author="",
        steps="",
        conditions="",
    )
    assert set(services.submission_errors(initiative)) == {
        "content_area_id",
        "first_applied_on",
        "current_situation",
        "solution",
        "novelty",
        "applicability",
        "benefits_author",
    }


def test_submission_errors_complete_application_has_none(campaign):
    author = make_user()
    initiative = make_initiative(author, campaign)
    services.add_author(author, initiative, make_user().id, 40)
    assert services.submission_errors(initiative) == {}


def test_submission_errors_shares_not_adding_up_are_named(campaign):
    author = make_user()
    initiative = make_initiative(author, campaign)
    author_of(initiative, author).share = 90  # as an old import could have left it
    db.session.commit()
    assert set(services.submission_errors(initiative)) == {"shares"}


def test_submit_incomplete_application_is_refused_and_stays_a_draft(campaign):
    author = make_user()
    initiative = make_initiative(author, campaign, novelty="", first_applied_on=None)
    with pytest.raises(ValidationFailed) as error:
        services.submit(author, initiative)
    assert set(error.value.errors) == {"novelty", "first_applied_on"}
    stored = _stored(initiative)
    assert (stored.status, stored.submitted_at) == (S.DRAFT, None)
    assert _events(initiative) == []


def test_submit_sends_it_with_event_audit_and_notifies_the_other_authors(campaign):
    author = make_user(full_name="Nguyễn Thị Nộp")
    first, second = make_user(), make_user()
    initiative = make_initiative(author, campaign)
    services.add_author(author, initiative, first.id, 20)
    services.add_author(author, initiative, second.id, 20)
    services.submit(author, initiative)
    stored = _stored(initiative)
    assert stored.status == S.SUBMITTED and stored.submitted_at is not None
    assert _events(initiative) == [("submitted", "draft", "submitted", "")]
    event = db.session.scalar(select(InitiativeEvent))
    assert (event.actor_id, event.actor_name) == (author.id, "Nguyễn Thị Nộp")
    assert _audit_actions(initiative)[-1] == "initiative.submitted"
    assert _notified("initiative.submitted") == sorted([first.id, second.id])
    notification = db.session.scalar(select(Notification))
    assert notification.params == {"title": stored.title, "name": "Nguyễn Thị Nộp"}
    assert notification.link.endswith(f"/initiatives/{initiative.id}")


def test_submit_by_a_co_author_notifies_the_main_author_not_the_submitter(campaign):
    author, co_author = make_user(), make_user()
    initiative = make_initiative(author, campaign)
    services.add_author(author, initiative, co_author.id, 20)
    services.submit(co_author, initiative)
    assert _stored(initiative).status == S.SUBMITTED
    assert _notified("initiative.submitted") == [author.id]


@pytest.mark.parametrize("role", ["officer", "leader", "unit_head", "staff"])
def test_submit_by_a_non_author_is_not_allowed(campaign, role):
    author = make_user()
    initiative = make_initiative(author, campaign)
    with pytest.raises(NotAllowed):
        services.submit(make_user(roles=() if role == "staff" else (role,)), initiative)
    assert _stored(initiative).status == S.DRAFT


@pytest.mark.parametrize("status", [S.SUBMITTED, S.ACCEPTED, S.REJECTED, S.RECOGNIZED])
def test_submit_outside_draft_or_returned_is_an_invalid_transition(campaign, status):
    author = make_user()
    initiative = set_status(make_initiative(author, campaign), status)
    with pytest.raises(InvalidTransition):
        services.submit(author, initiative)
    assert _stored(initiative).status == status
    assert _events(initiative) == []


def test_submit_a_returned_application_sends_it_again(campaign, officer):
    author = make_user()
    initiative = make_submitted(author, campaign)
    services.return_for_changes(seen(officer), initiative, "Bổ sung số liệu.")
    services.update_application(
        author, initiative, {**_application_of(initiative), "benefits_trial": "Có số liệu"}, TODAY
    )
    services.submit(author, initiative)
    assert _stored(initiative).status == S.SUBMITTED
    assert [event[:3] for event in _events(initiative)] == [
        ("submitted", "draft", "submitted"),
        ("returned", "submitted", "returned"),
        ("submitted", "returned", "submitted"),
    ]
    assert services.waiting_for_review(campaign.id) == 1


def _application_of(initiative) -> dict:
    fields = ("title", "content_area_id", "first_applied_on", *services.TEXT_FIELDS)
    return {name: getattr(initiative, name) for name in fields}


def test_submit_a_stale_copy_of_a_submitted_draft_is_an_invalid_transition(app, campaign):
    """Two tabs: the second finds the draft already submitted; one submission in all."""
    author = make_user()
    initiative = make_initiative(author, campaign)
    with Session(db.engine) as other_tab:
        stale = other_tab.get(Initiative, initiative.id)
        services.submit(author, initiative)
        with pytest.raises(InvalidTransition):
            services.submit(author, stale)
    assert len(_events(initiative)) == 1
    assert _audit_actions(initiative).count("initiative.submitted") == 1


# Reviewing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("comment", [None, "", "  \n\t "])
@pytest.mark.parametrize("review", ["return_for_changes", "reject"])
def test_review_return_or_reject_without_a_comment_is_refused(campaign, officer, review, comment):
    initiative = make_submitted(make_user(), campaign)
    with pytest.raises(ValidationFailed) as error:
        getattr(services, review)(seen(officer), initiative, comment)
    assert set(error.value.errors) == {"comment"}
    assert _stored(initiative).status == S.SUBMITTED
    assert len(_events(initiative)) == 1


@pytest.mark.parametrize("review", ["return_for_changes", "reject", "accept"])
def test_review_comment_too_long_is_refused(campaign, officer, review):
    initiative = make_submitted(make_user(), campaign)
    with pytest.raises(ValidationFailed) as error:
        getattr(services, review)(seen(officer), initiative, "x" * (COMMENT_MAX + 1))
    assert set(error.value.errors) == {"comment"}
    assert _stored(initiative).status == S.SUBMITTED


def test_return_for_changes_gives_it_back_to_the_authors_to_edit(campaign, officer):
    author, co_author = make_user(), make_user()
    initiative = make_submitted(author, campaign, co_authors=[co_author])
    services.return_for_changes(seen(officer), initiative, "  Bổ sung số liệu.\r\nGhi rõ nguồn.  ")
    stored = _stored(initiative)
    assert stored.status == S.RETURNED and stored.decided_at is None
    assert _events(initiative)[-1] == (
        "returned",
        "submitted",
        "returned",
        "Bổ sung số liệu.\nGhi rõ nguồn.",
    )
    assert _audit_actions(initiative)[-1] == "initiative.returned"
    assert _notified("initiative.returned") == sorted([author.id, co_author.id])
    notification = db.session.scalar(
        select(Notification).where(Notification.kind == "initiative.returned")
    )
    assert notification.params["comment"] == "Bổ sung số liệu.\nGhi rõ nguồn."
    services.update_application(author, initiative, {"title": "Đã bổ sung"}, TODAY)
    assert _stored(initiative).title == "Đã bổ sung"


def test_reject_records_the_reason_and_the_decision(campaign, officer):
    author, co_author = make_user(), make_user()
    initiative = make_submitted(author, campaign, co_authors=[co_author])
    services.reject(seen(officer), initiative, "Không có tính mới.")
    stored = _stored(initiative)
    assert stored.status == S.REJECTED and stored.decided_at is not None
    assert _events(initiative)[-1] == ("rejected", "submitted", "rejected", "Không có tính mới.")
    assert _audit_actions(initiative)[-1] == "initiative.rejected"
    assert _notified("initiative.rejected") == sorted([author.id, co_author.id])
    with pytest.raises(InvalidTransition):
        services.update_application(author, initiative, {"title": "Sửa tiếp"}, TODAY)


def test_accept_assigns_the_campaigns_council_in_session(campaign, officer):
    make_council(campaign, CouncilStatus.CLOSED, name="Hội đồng năm trước")
    make_council(campaign, CouncilStatus.PREPARING, name="Hội đồng đang chuẩn bị")
    make_council(make_other_campaign(), CouncilStatus.IN_SESSION, name="Hội đồng khác")
    open_council = make_council(campaign, CouncilStatus.IN_SESSION, name="Hội đồng đang họp")
    author, co_author = make_user(), make_user()
    initiative = make_submitted(author, campaign, co_authors=[co_author])
    services.accept(seen(officer), initiative, "Hồ sơ đầy đủ.")
    stored = _stored(initiative)
    assert (stored.status, stored.council_id) == (S.ACCEPTED, open_council.id)
    assert _events(initiative)[-1] == ("accepted", "submitted", "accepted", "Hồ sơ đầy đủ.")
    assert _audit_actions(initiative)[-1] == "initiative.accepted"
    assert _notified("initiative.accepted") == sorted([author.id, co_author.id])


def test_accept_without_a_council_in_session_leaves_it_unassigned(campaign, officer):
    make_council(campaign, CouncilStatus.PREPARING)
    initiative = make_submitted(make_user(), campaign)
    services.accept(seen(officer), initiative)
    stored = _stored(initiative)
    assert (stored.status, stored.council_id) == (S.ACCEPTED, None)
    assert _events(initiative)[-1] == ("accepted", "submitted", "accepted", "")


@pytest.mark.parametrize("role", ["leader", "unit_head", "admin", "comms", "staff", "author"])
@pytest.mark.parametrize("review", ["return_for_changes", "reject", "accept"])
def test_review_by_anyone_but_the_officer_is_not_allowed(campaign, review, role):
    unit = make_unit()
    author = make_user(unit=unit)
    initiative = make_submitted(author, campaign)
    if role == "author":
        actor = author
    elif role == "unit_head":
        actor = make_head_of(unit)
    else:
        actor = make_user(roles=() if role == "staff" else (role,))
    with pytest.raises(NotAllowed):
        getattr(services, review)(seen(actor), initiative, "Ý kiến")
    assert _stored(initiative).status == S.SUBMITTED
    assert len(_events(initiative)) == 1


@pytest.mark.parametrize("review", ["return_for_changes", "reject", "accept"])
def test_review_of_a_draft_is_an_invalid_transition(campaign, officer, review):
    initiative = make_initiative(make_user(), campaign)
    with pytest.raises(InvalidTransition):
        getattr(services, review)(seen(officer), initiative, "Ý kiến")
    assert _stored(initiative).status == S.DRAFT
    assert _events(initiative) == []


def test_accept_twice_the_second_is_an_invalid_transition(campaign, officer):
    author, co_author = make_user(), make_user()
    initiative = make_submitted(author, campaign, co_authors=[co_author])
    services.accept(seen(officer), initiative)
    with pytest.raises(InvalidTransition):
        services.accept(seen(officer), initiative)
    assert _stored(initiative).status == S.ACCEPTED
    assert [event[0] for event in _events(initiative)] == ["submitted", "accepted"]
    assert _audit_actions(initiative).count("initiative.accepted") == 1
    assert _notified("initiative.accepted") == sorted([author.id, co_author.id])


def test_reject_a_stale_copy_after_another_officer_accepted_is_refused(app, campaign, officer):
    """Two officers at once: the second finds the application already accepted."""
    initiative = make_submitted(make_user(), campaign)
    with Session(db.engine) as other_tab:
        stale = other_tab.get(Initiative, initiative.id)
        services.accept(seen(officer), initiative)
        with pytest.raises(InvalidTransition):
            services.reject(seen(make_officer()), stale, "Trùng với sáng kiến khác.")
    assert _stored(initiative).status == S.ACCEPTED
    assert [event[0] for event in _events(initiative)] == ["submitted", "accepted"]
    assert _notified("initiative.rejected") == []


def test_review_by_an_officer_who_co_authored_is_refused(campaign, officer):
    author = make_user()
    initiative = make_submitted(author, campaign, co_authors=[officer])
    assert not services.can_review(seen(officer), initiative)
    for use_case in (services.accept, services.reject, services.return_for_changes):
        with pytest.raises(NotAllowed):
            use_case(seen(officer), initiative, "Ý kiến")
    assert _stored(initiative).status == S.SUBMITTED
    assert _notified("initiative.accepted") == []


# Putting forward (đề xuất) -----------------------------------------------------------------


@pytest.fixture
def unit_and_head(app):
    unit = make_unit("Phòng Hành chính")
    return unit, make_head_of(unit, full_name="Võ Văn Trưởng")


def test_endorse_by_the_unit_head_records_it_and_notifies_the_authors(campaign, unit_and_head):
    unit, head = unit_and_head
    author, co_author = make_user(unit=unit), make_user()
    initiative = make_submitted(author, campaign, co_authors=[co_author])
    assert services.can_endorse(head, initiative)
    assert services.endorsable_count(head) == 1
    services.endorse(head, initiative, "  Đề nghị ưu tiên.  ")
    stored = _stored(initiative)
    assert stored.endorsed_at is not None
    assert (stored.endorsed_by_id, stored.endorsement_note) == (head.id, "Đề nghị ưu tiên.")
    assert stored.status == S.SUBMITTED
    assert _events(initiative)[-1] == ("endorsed", "submitted", "submitted", "Đề nghị ưu tiên.")
    assert _audit_actions(initiative)[-1] == "initiative.endorsed"
    assert _notified("initiative.endorsed") == sorted([author.id, co_author.id])
    assert services.endorsable_count(head) == 0
    assert not services.can_endorse(head, stored)


def test_endorse_an_accepted_initiative_is_allowed(campaign, unit_and_head):
    unit, head = unit_and_head
    initiative = make_accepted(make_user(unit=unit), campaign)
    services.endorse(head, initiative, None)
    stored = _stored(initiative)
    assert (stored.endorsed_by_id, stored.endorsement_note) == (head.id, "")


@pytest.mark.parametrize("who", ["officer", "leader", "author", "other_head", "former_head"])
def test_endorse_by_anyone_but_the_units_head_is_not_allowed(campaign, unit_and_head, who):
    unit, head = unit_and_head
    author = make_user(unit=unit)
    initiative = make_submitted(author, campaign)
    actor = {
        "officer": make_officer,
        "leader": make_leader,
        "author": lambda: author,
        "other_head": lambda: make_head_of(make_unit()),
        "former_head": lambda: head,
    }[who]()
    if who == "former_head":
        unit.head_id = make_user().id
        db.session.commit()
    with pytest.raises(NotAllowed):
        services.endorse(actor, initiative, "Đề xuất")
    assert _stored(initiative).endorsed_at is None
    assert [event[0] for event in _events(initiative)] == ["submitted"]


def test_endorse_an_initiative_without_a_unit_is_not_allowed(campaign, unit_and_head):
    _unit, head = unit_and_head
    initiative = make_submitted(make_user(), campaign)  # the author has no unit
    assert _stored(initiative).unit_id is None
    with pytest.raises(NotAllowed):
        services.endorse(head, initiative, "")


def test_endorse_twice_the_second_is_refused(campaign, unit_and_head):
    unit, head = unit_and_head
    initiative = make_submitted(make_user(unit=unit), campaign)
    services.endorse(head, initiative, "Lần một")
    with pytest.raises(InvalidTransition):
        services.endorse(head, initiative, "Lần hai")
    assert _stored(initiative).endorsement_note == "Lần một"
    assert [event[0] for event in _events(initiative)] == ["submitted", "endorsed"]
    assert _audit_actions(initiative).count("initiative.endorsed") == 1


def test_endorse_a_stale_copy_already_put_forward_is_refused(app, campaign, unit_and_head):
    """Two tabs of the head: the second finds the initiative already put forward."""
    unit, head = unit_and_head
    author = make_user(unit=unit)
    initiative = make_submitted(author, campaign)
    with Session(db.engine) as other_tab:
        stale = other_tab.get(Initiative, initiative.id)
        services.endorse(head, initiative, "Lần một")
        with pytest.raises(InvalidTransition):
            services.endorse(head, stale, "Lần hai")
    assert _stored(initiative).endorsement_note == "Lần một"
    assert [event[0] for event in _events(initiative)] == ["submitted", "endorsed"]
    assert _notified("initiative.endorsed") == [author.id]


@pytest.mark.parametrize("status", [S.DRAFT, S.RETURNED, S.REJECTED, S.RECOGNIZED])
def test_endorse_outside_submitted_or_accepted_is_an_invalid_transition(
    campaign, unit_and_head, status
):
    unit, head = unit_and_head
    initiative = set_status(make_initiative(make_user(unit=unit), campaign), status)
    with pytest.raises(InvalidTransition):
        services.endorse(head, initiative, "")
    assert _stored(initiative).endorsed_at is None


def test_endorse_by_a_head_who_co_authored_is_refused(campaign, unit_and_head):
    unit, head = unit_and_head
    author = make_user(unit=unit)
    initiative = make_submitted(author, campaign, co_authors=[head])
    assert not services.can_endorse(head, initiative)
    with pytest.raises(NotAllowed):
        services.endorse(head, initiative, "")
    assert _notified("initiative.endorsed") == []


# Deleting a draft --------------------------------------------------------------------------


def test_delete_draft_removes_it_its_rows_and_its_files(app, campaign):
    author, co_author = make_user(), make_user()
    initiative = make_initiative(author, campaign, title="Bản nháp bỏ đi")
    services.add_author(author, initiative, co_author.id, 10)
    attachment = attachments.add(author, initiative, upload(pdf_bytes(), "thuyet-minh.pdf"))
    path = attachments.file_path(attachment)
    assert path.is_file()
    initiative_id = initiative.id
    with pytest.raises(NotAllowed):
        services.delete_draft(co_author, initiative)
    services.delete_draft(author, initiative)
    db.session.expire_all()
    assert db.session.get(Initiative, initiative_id) is None
    assert count(InitiativeAuthor) == 0 and count(InitiativeAttachment) == 0
    assert not path.exists()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "initiative.deleted"))
    assert (entry.target_id, entry.target_label, entry.actor_id) == (
        initiative_id,
        "Bản nháp bỏ đi",
        author.id,
    )


def test_delete_draft_of_a_submitted_or_returned_application_is_refused(campaign, officer):
    author = make_user()
    initiative = make_submitted(author, campaign)
    with pytest.raises(InvalidTransition):
        services.delete_draft(author, initiative)
    services.return_for_changes(seen(officer), initiative, "Bổ sung.")
    with pytest.raises(InvalidTransition):
        services.delete_draft(author, initiative)
    assert _stored(initiative).status == S.RETURNED


def test_delete_draft_by_a_non_author_is_not_allowed(campaign, officer):
    initiative = make_initiative(make_user(), campaign)
    with pytest.raises(NotAllowed):
        services.delete_draft(officer, initiative)
    assert _stored(initiative) is not None


def test_waiting_for_review_counts_submitted_per_campaign(campaign, officer):
    author = make_user()
    make_initiative(author, campaign)
    make_submitted(author, campaign)
    accepted = make_submitted(author, campaign)
    services.accept(seen(officer), accepted)
    assert services.waiting_for_review() == 1
    assert services.waiting_for_review(campaign.id) == 1
    assert services.waiting_for_review(make_other_campaign().id) == 0
