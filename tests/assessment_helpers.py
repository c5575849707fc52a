"""Test data for the end-of-period assessment and for commendations: confirmed commitments, the
assessment period, self-assessments and assessments made through their own services,
recognized initiatives, and votes counted in a round whose results are published."""

from datetime import timedelta

from sqlalchemy import select

from app.commitments import assessment, review, services
from app.extensions import db
from app.models.commitments import Commitment
from app.models.initiatives import InitiativeStatus
from app.voting import services as voting
from app.web.filters import local_today
from tests.council_helpers import accepted_initiative
from tests.factories import make_user
from tests.review_helpers import seen, signed_commitment, signed_unit_commitment
from tests.voting_helpers import close, make_round
from tests.voting_helpers import reload as reload_round


def reload(commitment: Commitment) -> Commitment:
    db.session.expire_all()
    return db.session.get(Commitment, commitment.id)


def confirmed_commitment(campaign, member, head) -> Commitment:
    """The member's commitment, signed and confirmed by the head."""
    commitment = signed_commitment(campaign, member)
    review.confirm(seen(head), commitment)
    return reload(commitment)


def confirmed_unit_commitment(campaign, unit, head, officer) -> Commitment:
    commitment = signed_unit_commitment(campaign, unit, head)
    review.confirm(seen(officer), commitment)
    return reload(commitment)


def open_period(campaign, officer=None, days_before: int = 1, days_after: int = 10):
    """The assessment period around today."""
    officer = officer or make_user(roles=("officer",))
    today = local_today()
    return assessment.set_period(
        seen(officer),
        campaign,
        today - timedelta(days=days_before),
        today + timedelta(days=days_after),
    )


def items_of(commitment: Commitment) -> list:
    return services.latest_version(reload(commitment)).items


def answers(commitment: Commitment, rating: str = "done", note: str = "") -> dict:
    return {item.id: (rating, note) for item in items_of(commitment)}


def self_assessed(commitment: Commitment, owner, rating: str = "done", note: str = ""):
    given = answers(commitment, rating, note)
    commitment = reload(commitment)  # expires everything: load the actor after
    return assessment.self_assess(seen(owner), commitment, given, "", local_today())


def assessed(
    commitment: Commitment, reviewer, result: str = "fulfilled", rating: str = "done", comment=""
):
    given = answers(commitment, rating)
    commitment = reload(commitment)  # expires everything: load the actor after
    return assessment.assess(seen(reviewer), commitment, given, result, comment)


def fulfilled(campaign, member, head):
    """The member's commitment confirmed, self-assessed and assessed as fulfilled (the period
    opened if need be)."""
    if assessment.period_of(campaign) is None:
        open_period(campaign)
    commitment = confirmed_commitment(campaign, member, head)
    self_assessed(commitment, member)
    assessed(commitment, head)
    return reload(commitment)


def recognized_initiative(campaign, author, co_authors=(), title=None):
    return accepted_initiative(
        campaign, author, co_authors, title=title, status=InitiativeStatus.RECOGNIZED
    )


def votes_for(campaign, initiatives_votes, officer=None):
    """A round of the campaign with `initiatives_votes` [(initiative, n)]: n voters each vote
    for it; the round is closed and its results published. Returns the round."""
    officer = officer or make_user(roles=("officer",))
    candidates = [i for i, _n in initiatives_votes]
    if len(candidates) < 2:  # a round puts at least two forward
        candidates.append(accepted_initiative(campaign, make_user(), title="Sáng kiến khác"))
    round_ = make_round(campaign, candidates, officer=officer, max_votes=1)
    candidates = {c.initiative_id: c.id for c in round_.candidates}
    for initiative, count in initiatives_votes:
        for _ in range(count):
            voter = make_user()
            voting.cast_vote(
                reload_round(round_), seen(voter), candidates[initiative.id], voting.now_utc()
            )
    round_ = close(reload_round(round_))
    voting.publish_results(seen(officer), round_, voting.now_utc())
    return round_


def commitment_of(campaign, user) -> Commitment | None:
    return db.session.scalar(
        select(Commitment).where(
            Commitment.campaign_id == campaign.id, Commitment.user_id == user.id
        )
    )
