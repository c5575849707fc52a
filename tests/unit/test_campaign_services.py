"""Campaign services: who may change a campaign, its rules, and its ordered lists."""

import unicodedata
from datetime import date

import pytest
from sqlalchemy import func, select

from app.auth.services import load_user
from app.campaigns import services
from app.errors import NotAllowed, ValidationFailed
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.campaigns import Campaign, ContentArea, Criterion, EmulationTitle
from tests.factories import make_campaign, make_user

VALID = {
    "code": "CDS-2027",
    "name": "Phong trào thi đua “Chuyển đổi số” năm 2027",
    "plan_reference": "Kế hoạch số 12/KH-VPUBND",
    "purpose": "Mục đích thứ nhất.\r\nMục đích thứ hai.",
    "starts_on": date(2027, 1, 1),
    "ends_on": date(2027, 12, 31),
    "registration_deadline": date(2027, 3, 31),
}


def _user(*roles):
    """A user as a request sees it: with roles loaded."""
    return load_user(make_user(roles=roles).session_token)


@pytest.fixture
def officer(app):
    return _user("officer")


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _areas(campaign_id: int) -> list[ContentArea]:
    stmt = (
        select(ContentArea)
        .where(ContentArea.campaign_id == campaign_id)
        .order_by(ContentArea.position)
    )
    return list(db.session.scalars(stmt))


@pytest.mark.parametrize(
    ("start", "end", "deadline", "field"),
    [
        (date(2027, 1, 2), date(2027, 1, 1), None, "ends_on"),
        (date(2027, 1, 1), date(2027, 12, 31), date(2026, 12, 31), "registration_deadline"),
        (date(2027, 1, 1), date(2027, 12, 31), date(2028, 1, 1), "registration_deadline"),
    ],
)
def test_period_errors_out_of_order_names_the_field(app, start, end, deadline, field):
    assert list(services.period_errors(start, end, deadline)) == [field]


@pytest.mark.parametrize(
    ("start", "end", "deadline"),
    [
        (date(2027, 1, 1), date(2027, 1, 1), None),
        (date(2027, 1, 1), date(2027, 12, 31), date(2027, 1, 1)),
        (date(2027, 1, 1), date(2027, 12, 31), date(2027, 12, 31)),
    ],
)
def test_period_errors_boundaries_included_are_fine(app, start, end, deadline):
    assert services.period_errors(start, end, deadline) == {}


@pytest.mark.parametrize("role", ["staff", "unit_head", "leader", "comms", "admin"])
def test_campaign_services_by_non_officer_raise_not_allowed(app, role):
    campaign = make_campaign()
    area = _areas(campaign.id)[0]
    actor = _user(*(() if role == "staff" else (role,)))
    calls = [
        lambda: services.create_campaign(actor, VALID),
        lambda: services.update_campaign(actor, campaign, VALID),
        lambda: services.add_item(actor, campaign, "content-area", {"title": "Mới"}),
        lambda: services.update_item(actor, area, {"title": "Sửa"}),
        lambda: services.delete_item(actor, area),
        lambda: services.move_item(actor, area, "down"),
    ]
    for call in calls:
        with pytest.raises(NotAllowed):
            call()
    assert db.session.scalar(select(func.count(Campaign.id))) == 1
    assert _actions() == ["campaign.seeded"]


def test_create_campaign_valid_data_is_stored_normalised_and_audited(officer):
    data = dict(VALID, code=" cds-2027 ", name=unicodedata.normalize("NFD", VALID["name"]))
    campaign = services.create_campaign(officer, data)
    assert campaign.code == "CDS-2027"
    assert unicodedata.is_normalized("NFC", campaign.name)
    assert campaign.purpose == "Mục đích thứ nhất.\nMục đích thứ hai."
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.target_id, entry.actor_id) == (
        "campaign.created",
        campaign.id,
        officer.id,
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": date(2026, 12, 31)}, "ends_on"),
        ({"registration_deadline": date(2028, 1, 1)}, "registration_deadline"),
        ({"starts_on": None}, "starts_on"),
        ({"code": "MÃ SAI"}, "code"),
        ({"name": "  "}, "name"),
        ({"name": "x" * 301}, "name"),
    ],
)
def test_create_campaign_invalid_data_raises_and_writes_nothing(officer, changes, field):
    with pytest.raises(ValidationFailed) as raised:
        services.create_campaign(officer, dict(VALID, **changes))
    assert field in raised.value.errors
    db.session.rollback()
    assert db.session.scalar(select(func.count(Campaign.id))) == 0
    assert _actions() == []


def test_create_campaign_code_taken_raises_code_exists(officer):
    services.create_campaign(officer, VALID)
    with pytest.raises(ValidationFailed) as raised:
        services.create_campaign(officer, dict(VALID, code="cds-2027"))
    assert list(raised.value.errors) == ["code"]


def test_create_campaign_code_taken_meanwhile_raises_code_exists(officer, monkeypatch):
    services.create_campaign(officer, VALID)
    # Another request took the code between the check and the write: the constraint answers.
    monkeypatch.setattr(services, "_code_taken", lambda code, campaign: False)
    with pytest.raises(ValidationFailed) as raised:
        services.create_campaign(officer, dict(VALID, name="Trùng mã"))
    assert list(raised.value.errors) == ["code"]
    assert db.session.scalar(select(func.count(Campaign.id))) == 1
    assert officer.has_role("officer")


def test_update_campaign_changed_fields_are_audited(officer):
    campaign = make_campaign()
    data = {
        "code": campaign.code,
        "name": "Tên mới",
        "plan_reference": campaign.plan_reference,
        "purpose": campaign.purpose,
        "starts_on": campaign.starts_on,
        "ends_on": date(2031, 6, 30),
        "registration_deadline": campaign.registration_deadline,
    }
    services.update_campaign(officer, campaign, data)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.updated"))
    assert entry.details["changed"] == ["ends_on", "name"]
    assert db.session.get(Campaign, campaign.id).name == "Tên mới"


def test_update_campaign_code_of_another_campaign_raises(officer):
    seeded = make_campaign()
    other = services.create_campaign(officer, VALID)
    with pytest.raises(ValidationFailed) as raised:
        services.update_campaign(officer, other, dict(VALID, code=seeded.code))
    assert "code" in raised.value.errors


def test_update_campaign_nothing_changed_writes_no_audit(officer):
    campaign = services.create_campaign(officer, VALID)
    services.update_campaign(officer, campaign, VALID)
    assert _actions() == ["campaign.created"]


def test_add_item_appends_at_the_end_and_audits(officer):
    campaign = make_campaign()
    area = services.add_item(
        officer, campaign, "content-area", {"code": "II.6", "title": " Thi đua  mới "}
    )
    assert (area.position, area.title) == (6, "Thi đua mới")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.item_added"))
    assert entry.details == {"campaign_id": campaign.id, "kind": "content-area"}
    assert entry.target_label == "II.6 Thi đua mới"


@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        ("content-area", {"title": ""}, "title"),
        ("content-area", {"title": "x" * 501}, "title"),
        ("criterion", {"applies_to": "everyone", "text": "Tiêu chí"}, "applies_to"),
        ("criterion", {"applies_to": "unit", "text": " "}, "text"),
        ("title", {"applies_to": "unit", "name": ""}, "name"),
        ("commendation-form", {"name": "Bằng khen"}, "applies_to"),
    ],
)
def test_add_item_invalid_data_raises_and_writes_nothing(officer, kind, data, field):
    campaign = make_campaign()
    with pytest.raises(ValidationFailed) as raised:
        services.add_item(officer, campaign, kind, data)
    assert field in raised.value.errors
    assert _actions() == ["campaign.seeded"]


def test_update_item_changes_text_and_applies_to(officer):
    campaign = make_campaign()
    title = db.session.scalars(
        select(EmulationTitle).where(EmulationTitle.campaign_id == campaign.id)
    ).first()
    services.update_item(officer, title, {"applies_to": "unit", "name": "Tập thể tiêu biểu"})
    stored = db.session.get(EmulationTitle, title.id)
    assert (stored.applies_to, stored.name) == ("unit", "Tập thể tiêu biểu")
    assert "campaign.item_updated" in _actions()


def test_delete_item_keeps_positions_contiguous(officer):
    campaign = make_campaign()
    second = _areas(campaign.id)[1]
    services.delete_item(officer, second)
    areas = _areas(campaign.id)
    assert [a.position for a in areas] == [1, 2, 3, 4]
    assert [a.code for a in areas] == ["II.1", "II.3", "II.4", "II.5"]
    assert _actions()[-1] == "campaign.item_deleted"


def test_move_item_up_swaps_with_the_one_above(officer):
    campaign = make_campaign()
    third = _areas(campaign.id)[2]
    services.move_item(officer, third, "up")
    assert [a.code for a in _areas(campaign.id)] == ["II.1", "II.3", "II.2", "II.4", "II.5"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.item_moved"))
    assert entry.details["direction"] == "up"


def test_move_item_first_up_changes_nothing(officer):
    campaign = make_campaign()
    services.move_item(officer, _areas(campaign.id)[0], "up")
    assert [a.code for a in _areas(campaign.id)] == [f"II.{n}" for n in range(1, 6)]
    assert _actions() == ["campaign.seeded"]


def test_move_item_unknown_direction_raises(officer):
    campaign = make_campaign()
    with pytest.raises(ValidationFailed):
        services.move_item(officer, _areas(campaign.id)[0], "sideways")


def test_move_item_in_a_list_with_gaps_leaves_it_contiguous(officer):
    campaign = make_campaign()
    for area, position in zip(_areas(campaign.id), (2, 5, 9, 10, 20), strict=True):
        area.position = position
    db.session.commit()
    services.move_item(officer, _areas(campaign.id)[4], "up")
    areas = _areas(campaign.id)
    assert [a.position for a in areas] == [1, 2, 3, 4, 5]
    assert [a.code for a in areas] == ["II.1", "II.2", "II.3", "II.5", "II.4"]


def test_criteria_of_both_kinds_share_one_ordered_list(officer):
    campaign = make_campaign()
    individual = db.session.scalar(select(Criterion).where(Criterion.code == "III.1.b"))
    services.move_item(officer, individual, "up")
    stmt = select(Criterion.code).where(Criterion.campaign_id == campaign.id)
    codes = list(db.session.scalars(stmt.order_by(Criterion.position)))
    assert codes == ["III.1.a.1", "III.1.a.2", "III.1.b", "III.1.a.3"]
