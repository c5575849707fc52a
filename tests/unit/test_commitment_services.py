"""The owner's commitment use cases: drafts, items, signing under a seal, amending."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from app.commitments import services
from app.commitments.seal import SealState
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.campaigns import AppliesTo, ContentArea, Criterion, EmulationTitle
from app.models.commitments import CommitmentItem, CommitmentStatus, CommitmentVersion
from app.web.filters import short_seal
from tests.factories import DEFAULT_PASSWORD, make_campaign, make_unit, make_user

TODAY = date(2026, 11, 25)


@pytest.fixture
def campaign(app):
    return make_campaign()


def _title(campaign, applies_to=AppliesTo.INDIVIDUAL):
    return db.session.scalar(
        select(EmulationTitle).where(
            EmulationTitle.campaign_id == campaign.id, EmulationTitle.applies_to == applies_to
        )
    )


def _draft(campaign, user):
    commitment = services.start_individual(user, campaign, TODAY)
    return services.latest_version(commitment)


def _ready(campaign, user, items=2):
    """A draft with items, a title and the criterion acknowledged."""
    version = _draft(campaign, user)
    areas = _area_ids(campaign)
    for i in range(items):
        services.add_item(user, version, areas[i % len(areas)], f"Cam kết số {i + 1}", "100%")
    services.update_details(user, version, _title(campaign).id, True)
    return services.load_version(version.id)


def _area_ids(campaign) -> list[int]:
    return db.session.scalars(
        select(ContentArea.id)
        .where(ContentArea.campaign_id == campaign.id)
        .order_by(ContentArea.position)
    ).all()


@pytest.fixture
def areas(campaign):
    return _area_ids(campaign)


def test_start_individual_creates_one_draft_and_reuses_it(campaign):
    user = make_user()
    first = services.start_individual(user, campaign, TODAY)
    again = services.start_individual(user, campaign, TODAY)
    assert first.id == again.id
    version = services.latest_version(first)
    assert (version.number, version.status) == (1, CommitmentStatus.DRAFT)


def test_start_after_deadline_needs_a_reopening(campaign):
    user = make_user()
    late = campaign.registration_deadline + timedelta(days=1)
    with pytest.raises(InvalidTransition, match="Đã hết hạn đăng ký"):
        services.start_individual(user, campaign, late)
    from app.models.commitments import RegistrationReopening

    db.session.add(RegistrationReopening(campaign_id=campaign.id, user_id=user.id, open_until=late))
    db.session.commit()
    assert services.start_individual(user, campaign, late).user_id == user.id


def test_items_delete_keeps_positions_contiguous(campaign, areas):
    user = make_user()
    version = _draft(campaign, user)
    items = [services.add_item(user, version, areas[0], f"Việc {i}") for i in range(3)]
    services.delete_item(user, items[0])
    rest = db.session.scalars(
        select(CommitmentItem).where(CommitmentItem.version_id == version.id)
    ).all()
    assert sorted(item.position for item in rest) == [1, 2]


def test_item_too_long_or_empty_is_refused_beside_the_field(campaign, areas):
    user = make_user()
    version = _draft(campaign, user)
    with pytest.raises(ValidationFailed) as error:
        services.add_item(user, version, areas[0], "x" * 2001)
    assert "text" in error.value.errors
    with pytest.raises(ValidationFailed) as error:
        services.add_item(user, version, None, "")
    assert {"text", "content_area_id"} <= set(error.value.errors)
    assert db.session.scalar(select(CommitmentItem.id)) is None


def test_someone_else_cannot_edit_the_draft(campaign, areas):
    owner, other = make_user(), make_user()
    version = _draft(campaign, owner)
    with pytest.raises(NotAllowed):
        services.add_item(other, version, areas[0], "Không phải của tôi")


def test_sign_wrong_password_signs_nothing(campaign, areas):
    user = make_user()
    version = _ready(campaign, user)
    with pytest.raises(ValidationFailed) as error:
        services.sign(user, version, "sai", True)
    assert "password" in error.value.errors
    db.session.expire_all()
    assert db.session.get(CommitmentVersion, version.id).status == CommitmentStatus.DRAFT


def test_sign_empty_commitment_is_refused(campaign):
    user = make_user()
    version = _draft(campaign, user)
    with pytest.raises(ValidationFailed) as error:
        services.sign(user, services.load_version(version.id), DEFAULT_PASSWORD, True)
    assert "commitment" in error.value.errors


def test_sign_seals_and_seal_is_valid(campaign, areas):
    user = make_user(full_name="Phạm Thị Mai Anh", position="Chuyên viên")
    version = _ready(campaign, user, items=3)
    signed = services.sign(user, version, DEFAULT_PASSWORD, True)
    signed = services.load_version(signed.id)
    assert signed.status == CommitmentStatus.SIGNED
    assert (signed.signer_name, signed.signer_position) == ("Phạm Thị Mai Anh", "Chuyên viên")
    assert len(signed.digest) == 64 and len(signed.seal) == 64
    assert signed.title_name == _title(campaign).name
    assert services.seal_state(signed.commitment, signed) == SealState.VALID
    assert len(short_seal(signed.seal).replace(" ", "")) == 16
    assert (
        db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "commitment.signed")
        ).details["version"]
        == 1
    )


def test_seal_detects_an_item_altered_in_the_database(campaign, areas):
    user = make_user()
    signed = services.sign(user, _ready(campaign, user), DEFAULT_PASSWORD, True)
    item_id = services.load_version(signed.id).items[0].id
    db.session.execute(
        update(CommitmentItem).where(CommitmentItem.id == item_id).values(text="Đã sửa lén")
    )
    db.session.commit()
    version = services.load_version(signed.id)
    assert services.seal_state(version.commitment, version) == SealState.ALTERED


def test_seal_detects_a_changed_signer_or_time(campaign, areas):
    user, other = make_user(), make_user()
    signed = services.sign(user, _ready(campaign, user), DEFAULT_PASSWORD, True)
    db.session.execute(
        update(CommitmentVersion)
        .where(CommitmentVersion.id == signed.id)
        .values(signer_id=other.id)
    )
    db.session.commit()
    version = services.load_version(signed.id)
    assert services.seal_state(version.commitment, version) == SealState.ALTERED


def test_seal_survives_later_edits_of_the_campaign_wording(campaign, areas):
    user = make_user()
    signed = services.sign(user, _ready(campaign, user), DEFAULT_PASSWORD, True)
    title = _title(campaign)
    title.name = "Tên danh hiệu đã đổi"
    db.session.commit()
    version = services.load_version(signed.id)
    assert services.seal_state(version.commitment, version) == SealState.VALID


def test_signed_version_cannot_be_edited(campaign, areas):
    user = make_user()
    signed = services.load_version(
        services.sign(user, _ready(campaign, user), DEFAULT_PASSWORD, True).id
    )
    with pytest.raises(InvalidTransition):
        services.add_item(user, signed, areas[0], "Thêm sau khi ký")


def test_second_signature_of_a_stale_draft_is_refused(app, campaign, areas):
    """Two tabs: the second finds the draft already signed; exactly one signature."""
    user = make_user()
    version = _ready(campaign, user)
    with Session(db.engine) as other_tab:
        stale = other_tab.scalar(
            select(CommitmentVersion)
            .where(CommitmentVersion.id == version.id)
            .options(
                joinedload(CommitmentVersion.commitment),
                joinedload(CommitmentVersion.title),
                selectinload(CommitmentVersion.items),
                selectinload(CommitmentVersion.answers),
            )
        )
        services.sign(user, version, DEFAULT_PASSWORD, True)
        with pytest.raises(InvalidTransition):
            services.sign(user, stale, DEFAULT_PASSWORD, True)
    signed = services.load_version(version.id)
    assert services.seal_state(signed.commitment, signed) == SealState.VALID
    assert (
        len(
            db.session.scalars(
                select(AuditEntry).where(AuditEntry.action == "commitment.signed")
            ).all()
        )
        == 1
    )


def test_amend_starts_a_new_draft_and_keeps_the_signed_version(campaign, areas):
    user = make_user()
    signed = services.sign(user, _ready(campaign, user, items=2), DEFAULT_PASSWORD, True)
    commitment = services.load_version(signed.id).commitment
    draft = services.amend(user, commitment, TODAY)
    draft = services.load_version(draft.id)
    assert (draft.number, draft.status, len(draft.items)) == (2, CommitmentStatus.DRAFT, 2)
    old = services.load_version(signed.id)
    assert old.status == CommitmentStatus.SIGNED
    assert services.seal_state(old.commitment, old) == SealState.VALID
    with pytest.raises(InvalidTransition):
        services.amend(user, commitment, TODAY)  # a draft already exists


def test_collective_commitment_only_by_the_unit_head(campaign):
    head, member = make_user(), make_user()
    unit = make_unit()
    unit.head_id = head.id
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.start_collective(member, campaign, unit, TODAY)
    commitment = services.start_collective(head, campaign, unit, TODAY)
    version = services.latest_version(commitment)
    criteria = db.session.scalars(
        select(Criterion).where(
            Criterion.campaign_id == campaign.id, Criterion.applies_to == AppliesTo.UNIT
        )
    ).all()
    services.add_item(head, version, _area_ids(campaign)[0], "Số hóa hồ sơ")
    title = _title(campaign, AppliesTo.UNIT)
    services.update_details(head, version, title.id, answers={criteria[0].id: "Đã hoàn thành"})
    problems = services.signing_problems(services.load_version(version.id))
    assert problems  # not every criterion answered yet
    services.update_details(
        head, version, title.id, answers={c.id: f"Trả lời {c.code}" for c in criteria}
    )
    signed = services.sign(head, services.load_version(version.id), DEFAULT_PASSWORD, True)
    assert services.load_version(signed.id).status == CommitmentStatus.SIGNED


def test_item_text_keeps_its_line_breaks(campaign, areas):
    user = make_user()
    version = _draft(campaign, user)
    item = services.add_item(user, version, areas[0], "Bước 1: khảo sát\r\nBước 2: triển khai")
    assert item.text == "Bước 1: khảo sát\nBước 2: triển khai"
