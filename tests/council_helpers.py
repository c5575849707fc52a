"""Test data for the initiative council: accepted initiatives with their authors, and councils
set up, opened and judged through the council's own services."""

from datetime import date

from app.councils import queries, services
from app.extensions import db
from app.models.councils import Council, CouncilCriterion
from app.models.initiatives import Initiative, InitiativeAuthor, InitiativeStatus
from tests.factories import make_user
from tests.review_helpers import seen


def accepted_initiative(campaign, author, co_authors=(), title: str | None = None, **fields):
    """An initiative accepted for the council's evaluation (made directly: its application is
    not what these tests are about), `author` main with the rest of the shares."""
    initiative = Initiative(
        campaign_id=campaign.id,
        unit_id=author.unit_id,
        created_by_id=author.id,
        status=fields.pop("status", InitiativeStatus.ACCEPTED),
        year=2026,
        title=title or f"Sáng kiến của {author.full_name}",
        solution="Số hóa quy trình tiếp nhận văn bản đến.",
        novelty="Lần đầu áp dụng tại Văn phòng.",
        applicability="Áp dụng được cho mọi phòng.",
        benefits_author="Giảm một nửa thời gian xử lý.",
        first_applied_on=date(2026, 9, 1),
        **fields,
    )
    share = 100 - 10 * len(co_authors)
    initiative.authors = [
        InitiativeAuthor(user_id=author.id, is_main=True, position=0, share=share)
    ]
    initiative.authors += [
        InitiativeAuthor(user_id=user.id, is_main=False, position=i + 1, share=10)
        for i, user in enumerate(co_authors)
    ]
    initiative.attachments = []
    initiative.events = []
    db.session.add(initiative)
    db.session.commit()
    return initiative


def make_officer(**fields):
    return make_user(roles=("officer",), position="Chuyên viên Phòng HCQT", **fields)


def make_council(campaign, officer, seats=(), name: str = "Hội đồng sáng kiến năm 2026", **data):
    """A council being prepared with the default criteria and `seats` [(user, role)]."""
    values = {
        "name": name,
        "decision_reference": "Quyết định số 125/QĐ-VPUBND ngày 10/11/2026",
        "meeting_on": date(2026, 12, 15),
        "meeting_place": "Phòng họp số 1, Văn phòng UBND tỉnh",
        "approval": (2, 3),
        **data,
    }
    council = services.create_council(seen(officer), campaign, values)
    for user, role in seats:
        services.add_member(seen(officer), council, user.id, role)
    return queries.load(council.id)


def seat_people(count: int, chair=None, secretary=None):
    """[(user, role)]: a chair, optionally a secretary, then members, `count` in all."""
    people = []
    chair = chair or make_user(full_name="Ngô Đình Thiện", position="Chánh Văn phòng")
    people.append((chair, "chair"))
    if secretary is not None:
        people.append((secretary, "secretary"))
    while len(people) < count:
        people.append((make_user(), "member"))
    return people


def open_council(campaign, officer, seats, **data) -> Council:
    council = make_council(campaign, officer, seats, **data)
    services.open_session(seen(officer), council)
    return queries.load(council.id)


def criteria_of(council) -> list[CouncilCriterion]:
    return list(queries.load(council.id).criteria)


def full_points(council, share: float = 1.0) -> dict[int, int]:
    """Points on every criterion: its maximum times `share`, rounded down."""
    return {c.id: int(c.weight * share) for c in criteria_of(council)}


def judge(council, user, initiative, approves: bool = True, share: float = 1.0, comment=""):
    fresh = queries.load(council.id)
    target = db.session.get(Initiative, initiative.id)
    return services.judge(seen(user), fresh, target, full_points(council, share), approves, comment)
