"""The dashboard's signatures per local day (the office's time zone, UTC+7), counted in SQL."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from app.extensions import db
from app.models.commitments import Commitment, CommitmentVersion
from app.models.surveys import Survey
from app.monitoring import queries
from tests.factories import make_campaign, make_user

TODAY = date(2026, 12, 10)


def _signed(campaign, moment: datetime) -> None:
    user = make_user()
    commitment = Commitment(
        campaign_id=campaign.id, kind="individual", user_id=user.id, status="signed"
    )
    commitment.versions = [
        CommitmentVersion(
            number=1,
            status="signed",
            signed_at=moment,
            signer_id=user.id,
            digest="0" * 64,
            seal="0" * 64,
        )
    ]
    db.session.add(commitment)
    db.session.commit()


def test_per_day_counts_each_signature_on_its_local_day(app):
    campaign = make_campaign()
    for moment in (
        datetime(2026, 11, 10, 16, 59, tzinfo=UTC),  # 23:59 on 10/11 in Hà Nội: too early
        datetime(2026, 11, 10, 17, 0, tzinfo=UTC),  # 00:00 on 11/11, the first day shown
        datetime(2026, 12, 9, 16, 59, tzinfo=UTC),  # 23:59 on 9/12
        datetime(2026, 12, 9, 17, 0, tzinfo=UTC),  # 00:00 on 10/12, today
        datetime(2026, 12, 10, 3, 0, tzinfo=UTC),  # 10:00 today
        datetime(2026, 12, 10, 17, 0, tzinfo=UTC),  # 00:00 tomorrow: not shown
    ):
        _signed(campaign, moment)
    surveys = select(Survey.id).where(Survey.campaign_id == campaign.id)

    days = queries._per_day(campaign, surveys, TODAY)

    assert [day for day, _s, _a in days][::29] == [date(2026, 11, 11), TODAY]
    signed = {day: count for day, count, _answers in days}
    assert signed[date(2026, 11, 11)] == 1
    assert signed[date(2026, 12, 9)] == 1
    assert signed[TODAY] == 2
    assert sum(signed.values()) == 4
