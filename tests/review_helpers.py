"""Test data for the review of commitments: a unit with its head and members, signed
commitments made through the owner's own services."""

from datetime import date

from sqlalchemy import select

from app.commitments import services
from app.extensions import db
from app.models.campaigns import AppliesTo, ContentArea, Criterion, EmulationTitle
from app.models.commitments import Commitment
from tests.factories import DEFAULT_PASSWORD, make_unit, make_user

TODAY = date(2026, 11, 25)  # before the default campaign's registration deadline


def _title_id(campaign, applies_to) -> int:
    return db.session.scalar(
        select(EmulationTitle.id).where(
            EmulationTitle.campaign_id == campaign.id, EmulationTitle.applies_to == applies_to
        )
    )


def _area_id(campaign) -> int:
    return db.session.scalar(
        select(ContentArea.id)
        .where(ContentArea.campaign_id == campaign.id)
        .order_by(ContentArea.position)
    )


def draft_commitment(campaign, user, today: date = TODAY) -> Commitment:
    """The person's commitment with a draft ready to sign."""
    commitment = services.start_individual(user, campaign, today)
    version = services.latest_version(commitment)
    services.add_item(user, version, _area_id(campaign), "Số hóa hồ sơ công việc", "100%")
    services.update_details(user, version, _title_id(campaign, AppliesTo.INDIVIDUAL), True)
    return commitment


def signed_commitment(campaign, user, password: str = DEFAULT_PASSWORD) -> Commitment:
    """The person's commitment, signed (version 1)."""
    commitment = draft_commitment(campaign, user)
    version = services.latest_version(commitment)
    services.sign(user, version, password, True)
    return db.session.get(Commitment, commitment.id)


def signed_unit_commitment(campaign, unit, head) -> Commitment:
    """The unit's collective commitment made and signed by its head."""
    commitment = services.start_collective(head, campaign, unit, TODAY)
    version = services.latest_version(commitment)
    services.add_item(head, version, _area_id(campaign), "Chuyển đổi số toàn bộ hồ sơ")
    criteria = db.session.scalars(
        select(Criterion.id).where(
            Criterion.campaign_id == campaign.id, Criterion.applies_to == AppliesTo.UNIT
        )
    ).all()
    services.update_details(
        head,
        version,
        _title_id(campaign, AppliesTo.UNIT),
        answers={criterion_id: "Cam kết hoàn thành" for criterion_id in criteria},
    )
    services.sign(head, services.load_version(version.id), DEFAULT_PASSWORD, True)
    return db.session.get(Commitment, commitment.id)


def unit_with_head(members: int = 0, parent=None, name: str | None = None):
    """(unit, head, [members]): the head holds the unit_head role and belongs to the unit."""
    unit = make_unit(name=name, parent=parent)
    head = make_user(roles=("unit_head",), unit=unit, position="Trưởng phòng")
    unit.head_id = head.id
    db.session.commit()
    people = [make_user(unit=unit) for _ in range(members)]
    return unit, head, people


def seen(user):
    """The user as a request sees them (roles loaded), fresh after a service has committed."""
    from app.auth.services import load_user

    return load_user(user.session_token)
