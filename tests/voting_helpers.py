"""Test data for voting: accepted initiatives as candidates, a round made and published through
the officer's services, and moving a round's window into the past."""

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models.voting import VotingRound
from app.voting import queries, services
from tests.factories import make_user
from tests.initiative_helpers import make_accepted, make_officer
from tests.review_helpers import seen


def candidates(campaign, count: int, author=None, officer=None) -> list:
    """`count` accepted initiatives of the campaign; `author` writes the first one."""
    officer = officer or make_officer()
    made = []
    for n in range(count):
        writer = author if (author is not None and n == 0) else make_user()
        made.append(
            make_accepted(writer, campaign, officer=officer, title=f"Sáng kiến ứng viên số {n + 1}")
        )
    return made


def round_data(**fields) -> dict:
    now = services.now_utc()
    data = {
        "title": "Bình chọn sáng kiến tiêu biểu năm 2026",
        "description": "Mỗi người chọn những sáng kiến hữu ích nhất.",
        "opens_at": now - timedelta(hours=1),
        "closes_at": now + timedelta(days=2),
        "max_votes": 3,
        "min_votes": None,
        "results_mode": "after_close",
        "is_open_to_all": True,
        "unit_ids": [],
    }
    data.update(fields)
    return data


def make_round(campaign, initiatives, officer=None, publish: bool = True, **fields) -> VotingRound:
    """A round of the campaign with the initiatives as candidates, published (open now) unless
    `publish` is False."""
    officer = seen(officer or make_officer())
    round_ = services.create_round(officer, campaign, round_data(**fields))
    round_id = round_.id
    services.add_candidates(seen(officer), queries.load(round_id), [i.id for i in initiatives])
    if publish:
        services.publish_round(seen(officer), queries.load(round_id), services.now_utc())
    return queries.load(round_id)


def close(round_: VotingRound) -> VotingRound:
    """End the round a minute ago, as if its closing time had passed."""
    ended = services.now_utc() - timedelta(minutes=1)
    db.session.execute(
        update(VotingRound).where(VotingRound.id == round_.id).values(closes_at=ended)
    )
    db.session.commit()
    return queries.load(round_.id)


def reload(round_: VotingRound) -> VotingRound:
    """The round as stored now, with its candidates and units (other objects left alone)."""
    return db.session.scalar(
        select(VotingRound)
        .where(VotingRound.id == round_.id)
        .options(
            joinedload(VotingRound.campaign),
            selectinload(VotingRound.candidates),
            selectinload(VotingRound.units),
        )
        .execution_options(populate_existing=True)
    )
