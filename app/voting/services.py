"""Voting rounds (bình chọn): the officer prepares a round (details, who votes, candidates),
publishes it, which freezes the candidates and their texts, may end it early and publishes the
results; each eligible person casts and withdraws votes while it is open.

A vote names no one. The voter's ballot is a key derived from the round and the person under
the app's secret (`ballot_key`); only the person's request computes it. The audit log says
"vote cast" or "vote withdrawn" of the round, never of a candidate, and no URL carries the
candidate (the access log would otherwise tell who chose what).

Casting or withdrawing first takes the voter's participation row (an insert that does nothing
when it exists, then a row lock; on SQLite the insert takes the write lock), so one voter's
concurrent requests run one after another; the database refuses anything that would still slip
through (a second vote for a candidate, a slot beyond the maximum, a count over the maximum).
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import bindparam, delete, exists, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app import audit
from app.audiences import Audience, unit_errors
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.initiatives.services import PUBLIC_STATUSES
from app.models.campaigns import Campaign
from app.models.directory import Role, User
from app.models.initiatives import Initiative, InitiativeAuthor
from app.models.notifications import Notification
from app.models.voting import (
    DESCRIPTION_MAX,
    MAX_VOTES_LIMIT,
    TITLE_MAX,
    ResultsMode,
    RoundStatus,
    Vote,
    VotingCandidate,
    VotingParticipant,
    VotingRound,
    voting_round_units,
)
from app.notifications.services import link_to
from app.text import clean, clean_paragraphs

SUMMARY_MAX = 600
AREA_MAX = 110
# A vote that meets a concurrent change of the same ballot is tried again this many times.
ATTEMPTS = 3


def now_utc() -> datetime:
    return datetime.now(UTC)


# Who may do what -----------------------------------------------------------------------------


def is_manager(user: User) -> bool:
    """The Administration Office's emulation officer runs the rounds."""
    return user.has_role(Role.OFFICER)


def is_overseer(user: User) -> bool:
    """The officer and the leaders follow every round (turnout, results after the close)."""
    return user.has_role(Role.OFFICER, Role.LEADER)


ROUND_AUDIENCE = Audience(voting_round_units, "round_id")


def unit_ids(round_: VotingRound) -> set[int]:
    return ROUND_AUDIENCE.unit_ids(round_.id)


def is_eligible(user: User, round_: VotingRound) -> bool:
    """An active person, of one of the round's units unless it is open to all staff."""
    return ROUND_AUDIENCE.admits(user, round_)


def can_view(user: User, round_: VotingRound) -> bool:
    """A draft: the officer. Published: the officer, the leaders and those who may vote."""
    if round_.is_draft:
        return is_manager(user)
    return is_overseer(user) or is_eligible(user, round_)


def can_see_results(user: User, round_: VotingRound, now: datetime) -> bool:
    """Live rounds: everyone who sees the round, from the opening. Otherwise the officer and
    the leaders after the close, everyone else once the officer has published the results."""
    if round_.is_draft or now < round_.opens_at:
        return False
    if round_.results_mode == ResultsMode.LIVE:
        return can_view(user, round_)
    if round_.is_closed(now) and is_overseer(user):
        return True
    return round_.results_published_at is not None and can_view(user, round_)


def authored_candidates(round_: VotingRound, user: User) -> set[int]:
    """The candidates of the round whose initiative the user wrote or co-wrote."""
    values = {"round_id": round_.id, "user_id": user.id}
    return set(db.session.scalars(_authored_query(), values))


# Built once, the statements of a vote (building and keying a statement costs more than
# running it).


@cache
def _authored_query():
    return (
        select(VotingCandidate.id)
        .join(InitiativeAuthor, InitiativeAuthor.initiative_id == VotingCandidate.initiative_id)
        .where(
            VotingCandidate.round_id == bindparam("round_id"),
            InitiativeAuthor.user_id == bindparam("user_id"),
        )
    )


@cache
def _ballot_query():
    return select(Vote.candidate_id).where(
        Vote.round_id == bindparam("round_id"), Vote.ballot == bindparam("ballot")
    )


@cache
def _lock_queries(dialect: str):
    """The participation row made if missing, then read for update; the round's close read
    under a shared lock."""
    upsert = (pg_insert if dialect == "postgresql" else sqlite_insert)(VotingParticipant)
    round_id, user_id = bindparam("round_id"), bindparam("user_id")
    return (
        upsert.values(round_id=round_id, user_id=user_id, vote_count=0).on_conflict_do_nothing(),
        select(VotingParticipant.vote_count)
        .where(VotingParticipant.round_id == round_id, VotingParticipant.user_id == user_id)
        .with_for_update(),
        select(VotingRound.closes_at).where(VotingRound.id == round_id).with_for_update(read=True),
    )


def _require_manager(actor: User) -> None:
    if not is_manager(actor):
        raise NotAllowed(_("Only the emulation officer runs voting rounds."))


def _require_draft(round_: VotingRound) -> None:
    if not round_.is_draft:
        raise InvalidTransition(
            _("The round has been published: its candidates and rules can no longer change.")
        )


# The round -----------------------------------------------------------------------------------


def _round_values(data: dict) -> tuple[dict, list[int]]:
    """Checked, normalised fields of a round and its units; ValidationFailed with every error."""
    errors: dict[str, list[str]] = {}
    title = clean(data.get("title"))
    description = clean_paragraphs(data.get("description"))
    opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
    max_votes, min_votes = data.get("max_votes"), data.get("min_votes")
    if not title:
        errors["title"] = [_("Enter the title of the round.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("At most %(max)d characters.", max=TITLE_MAX)]
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [_("At most %(max)d characters.", max=DESCRIPTION_MAX)]
    if opens_at is None:
        errors["opens_at"] = [_("Enter when voting opens.")]
    if closes_at is None:
        errors["closes_at"] = [_("Enter when voting closes.")]
    elif opens_at is not None and closes_at <= opens_at:
        errors["closes_at"] = [_("Voting must close after it opens.")]
    if max_votes is None or not 1 <= max_votes <= MAX_VOTES_LIMIT:
        errors["max_votes"] = [_("Enter a whole number from 1 to %(max)d.", max=MAX_VOTES_LIMIT)]
    if min_votes is not None and (min_votes < 1 or (max_votes and min_votes > max_votes)):
        errors["min_votes"] = [_("The minimum must be from 1 to the number of votes allowed.")]
    mode = data.get("results_mode") or ResultsMode.AFTER_CLOSE
    if mode not in tuple(ResultsMode):
        errors["results_mode"] = [_("Choose when the results are shown.")]
    open_to_all = bool(data.get("is_open_to_all", True))
    units = sorted(set(data.get("unit_ids") or ()))
    missing = _("Choose at least one unit whose staff vote.")
    if problems := unit_errors(open_to_all, units, missing, _("Choose units from the list.")):
        errors["unit_ids"] = problems
    if errors:
        raise ValidationFailed(errors)
    values = {
        "title": title,
        "description": description,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "max_votes": max_votes,
        "min_votes": min_votes,
        "results_mode": mode,
        "is_open_to_all": open_to_all,
    }
    return values, ([] if open_to_all else units)


def create_round(actor: User, campaign: Campaign, data: dict) -> VotingRound:
    """A draft round of the campaign; candidates are added next."""
    _require_manager(actor)
    values, units = _round_values(data)
    round_ = VotingRound(campaign_id=campaign.id, created_by_id=actor.id, **values)
    db.session.add(round_)
    db.session.flush()
    ROUND_AUDIENCE.set_units(round_.id, units)
    audit.record(actor, "voting.round_created", round_, label=round_.title)
    db.session.commit()
    return round_


def update_round(actor: User, round_: VotingRound, data: dict) -> None:
    """Change a draft's details and who votes."""
    _require_manager(actor)
    _require_draft(round_)
    values, units = _round_values(data)
    for key, value in values.items():
        setattr(round_, key, value)
    ROUND_AUDIENCE.set_units(round_.id, units)
    audit.record(actor, "voting.round_updated", round_, label=round_.title)
    db.session.commit()


def delete_round(actor: User, round_: VotingRound) -> None:
    """Delete a draft (a published round stays, with its ballots)."""
    _require_manager(actor)
    _require_draft(round_)
    audit.record(actor, "voting.round_deleted", round_, label=round_.title)
    db.session.delete(round_)
    db.session.commit()


# Candidates ----------------------------------------------------------------------------------


def nominable(round_: VotingRound):
    """The select() of the campaign's initiatives that may be candidates and are not yet."""
    taken = select(VotingCandidate.initiative_id).where(VotingCandidate.round_id == round_.id)
    return select(Initiative).where(
        Initiative.campaign_id == round_.campaign_id,
        Initiative.status.in_(PUBLIC_STATUSES),
        Initiative.id.not_in(taken),
    )


def _cut(text: str, limit: int) -> str:
    """`text` on one line, cut at a word before `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def _summary(initiative: Initiative) -> str:
    """The solution's opening as the card's summary."""
    return _cut(initiative.solution or initiative.current_situation or "", SUMMARY_MAX)


def _freeze(candidate: VotingCandidate, initiative: Initiative) -> None:
    """Copy what voters read from the initiative into the candidate."""
    authors = sorted(initiative.authors, key=lambda a: (not a.is_main, a.position, a.id))
    candidate.title = initiative.title
    candidate.summary = _summary(initiative)
    candidate.authors = ", ".join(author.user.full_name for author in authors)[:1000]
    candidate.unit_name = initiative.unit.name if initiative.unit else ""
    area = initiative.content_area
    candidate.area_title = ""
    if area is not None:
        # The plan's areas are "heading: explanation"; the card shows the heading.
        heading = _cut(area.title.split(":", 1)[0].strip(), AREA_MAX)
        candidate.area_title = f"{area.code}. {heading}" if area.code else heading


def _initiatives(ids) -> list[Initiative]:
    return list(
        db.session.scalars(
            select(Initiative)
            .where(Initiative.id.in_(ids))
            .options(
                joinedload(Initiative.unit),
                joinedload(Initiative.content_area),
                selectinload(Initiative.authors).joinedload(InitiativeAuthor.user),
            )
        )
    )


def add_candidates(actor: User, round_: VotingRound, initiative_ids: list[int]) -> int:
    """Put initiatives forward in a draft round; only accepted or recognized initiatives of its
    campaign, each once. Returns how many were added."""
    _require_manager(actor)
    _require_draft(round_)
    wanted = set(initiative_ids)
    allowed = set(db.session.scalars(nominable(round_).with_only_columns(Initiative.id)))
    if not wanted or not wanted <= allowed:
        raise ValidationFailed(
            {"initiative_ids": [_("Choose accepted or recognized initiatives from the list.")]}
        )
    last = max((c.position for c in round_.candidates), default=0)
    for offset, initiative in enumerate(sorted(_initiatives(wanted), key=lambda i: i.id), start=1):
        candidate = VotingCandidate(round_id=round_.id, initiative_id=initiative.id)
        candidate.position = last + offset
        _freeze(candidate, initiative)
        db.session.add(candidate)
    audit.record(actor, "voting.candidates_added", round_, label=round_.title, count=len(wanted))
    db.session.commit()
    return len(wanted)


def remove_candidate(actor: User, round_: VotingRound, candidate_id: int) -> None:
    _require_manager(actor)
    _require_draft(round_)
    candidate = next((c for c in round_.candidates if c.id == candidate_id), None)
    if candidate is None:
        raise InvalidTransition(_("This initiative is not a candidate of the round."))
    round_.candidates.remove(candidate)
    audit.record(
        actor, "voting.candidate_removed", round_, label=round_.title, initiative=candidate.title
    )
    db.session.commit()


def publishing_problems(round_: VotingRound, now: datetime) -> list[str]:
    """What stops a draft from being published, in the officer's words."""
    problems = []
    count = len(round_.candidates)
    if count < 2:
        problems.append(_("Put at least two initiatives forward as candidates."))
    elif round_.max_votes > count:
        problems.append(
            ngettext(
                "Each person may choose %(num)d initiatives, more than the %(count)d candidates.",
                "Each person may choose %(num)d initiatives, more than the %(count)d candidates.",
                round_.max_votes,
                count=count,
            )
        )
    if round_.closes_at <= now:
        problems.append(_("The closing time has passed: set a later one."))
    return problems


def publish_round(actor: User, round_: VotingRound, now: datetime) -> None:
    """Freeze the candidates and their texts (read again from the initiatives) and publish the
    round: it opens at its opening time."""
    _require_manager(actor)
    _require_draft(round_)
    problems = publishing_problems(round_, now)
    if problems:
        raise InvalidTransition(" ".join(problems))
    by_id = {i.id: i for i in _initiatives([c.initiative_id for c in round_.candidates])}
    for candidate in round_.candidates:
        initiative = by_id[candidate.initiative_id]
        if initiative.status not in PUBLIC_STATUSES:
            raise InvalidTransition(
                _("“%(title)s” is no longer accepted: remove it first.", title=initiative.title)
            )
        _freeze(candidate, initiative)
    changed = db.session.execute(
        update(VotingRound)
        .where(VotingRound.id == round_.id, VotingRound.status == RoundStatus.DRAFT)
        .values(status=RoundStatus.PUBLISHED, published_at=now)
    ).rowcount
    if not changed:
        db.session.rollback()
        raise InvalidTransition(_("The round has already been published."))
    audit.record(actor, "voting.round_published", round_, label=round_.title)
    db.session.commit()


def close_early(actor: User, round_: VotingRound, now: datetime) -> None:
    """End an open round now (the closing time becomes now)."""
    _require_manager(actor)
    changed = db.session.execute(
        update(VotingRound)
        .where(
            VotingRound.id == round_.id,
            VotingRound.status == RoundStatus.PUBLISHED,
            VotingRound.opens_at <= now,
            VotingRound.closes_at > now,
        )
        .values(closes_at=now, closed_early_at=now)
    ).rowcount
    if not changed:
        db.session.rollback()
        raise InvalidTransition(_("Only an open round can be ended."))
    audit.record(actor, "voting.round_closed", round_, label=round_.title)
    db.session.commit()


def publish_results(actor: User, round_: VotingRound, now: datetime) -> int:
    """Publish the results of a closed round to those who could vote, who are notified.
    Returns how many were notified."""
    _require_manager(actor)
    changed = db.session.execute(
        update(VotingRound)
        .where(
            VotingRound.id == round_.id,
            VotingRound.status == RoundStatus.PUBLISHED,
            VotingRound.closes_at <= now,
            VotingRound.results_published_at.is_(None),
        )
        .values(results_published_at=now)
    ).rowcount
    if not changed:
        db.session.rollback()
        raise InvalidTransition(_("The results can be published once, after the round closes."))
    link = link_to("voting.results", round_id=round_.id)
    voters = db.session.scalars(eligible_users(round_).with_only_columns(User.id)).all()
    if voters:
        db.session.execute(
            insert(Notification),
            [
                {
                    "user_id": user_id,
                    "kind": "voting.results",
                    "params": {"title": round_.title},
                    "link": link,
                }
                for user_id in voters
            ],
        )
    audit.record(actor, "voting.results_published", round_, label=round_.title)
    db.session.commit()
    return len(voters)


def eligible_users(round_: VotingRound):
    """The select() of the people who may vote in the round."""
    return ROUND_AUDIENCE.people(round_)


# The ballot ----------------------------------------------------------------------------------


def _key(purpose: str) -> bytes:
    return hmac.new(current_app.config["SECRET_KEY"].encode(), purpose.encode(), "sha256").digest()


def ballot_key(round_id: int, user_id: int) -> str:
    """The voter's ballot in the round: the same for the same person, unguessable without the
    app's secret, so a vote row does not say whose it is."""
    message = f"{round_id}:{user_id}".encode()
    return hmac.new(_key("thidua-ballot"), message, hashlib.sha256).hexdigest()


def receipt_code(round_id: int, ballot: str, candidate_ids) -> str:
    """A short code of exactly this ballot (which candidates), e.g. "K7QM-2XDA-9RTF"."""
    chosen = ",".join(str(i) for i in sorted(candidate_ids))
    digest = hmac.new(
        _key("thidua-receipt"), f"{round_id}:{ballot}:{chosen}".encode(), hashlib.sha256
    ).digest()
    code = base64.b32encode(digest).decode()[:12]
    return "-".join(code[i : i + 4] for i in range(0, 12, 4))


def normalise_code(value: str | None) -> str:
    letters = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


@dataclass(frozen=True)
class Ballot:
    """What a voter sees of their own ballot: the candidates chosen and its receipt."""

    round_id: int
    chosen: frozenset[int]
    max_votes: int
    receipt: str

    @property
    def remaining(self) -> int:
        return max(self.max_votes - len(self.chosen), 0)


def ballot_of(round_: VotingRound, user: User) -> Ballot:
    """The user's current ballot in the round (one query)."""
    key = ballot_key(round_.id, user.id)
    values = {"round_id": round_.id, "ballot": key}
    chosen = frozenset(db.session.scalars(_ballot_query(), values))
    return Ballot(round_.id, chosen, round_.max_votes, receipt_code(round_.id, key, chosen))


def verify_receipt(round_: VotingRound, user: User, code: str | None) -> bool:
    """Whether `code` is the receipt of the ballot recorded now."""
    current = ballot_of(round_, user).receipt
    return hmac.compare_digest(normalise_code(code), current)


class VoteRefused(InvalidTransition):
    """A vote the rules do not allow; the message says why."""


def _check_can_vote(
    round_: VotingRound, voter: User, candidate_id: int, now: datetime, authored: set[int] | None
) -> None:
    if round_.is_draft or now < round_.opens_at:
        raise VoteRefused(_("Voting has not opened yet."))
    if now >= round_.closes_at:
        raise VoteRefused(_("Voting has closed: votes can no longer change."))
    if not is_eligible(voter, round_):
        raise NotAllowed(_("You are not among the voters of this round."))
    if not any(c.id == candidate_id for c in round_.candidates):
        raise VoteRefused(_("This initiative is not a candidate of the round."))
    if authored is None:
        authored = authored_candidates(round_, voter)
    if candidate_id in authored:
        raise VoteRefused(_("You cannot vote for an initiative you wrote or co-wrote."))


def _lock_ballot(round_: VotingRound, voter: User, now: datetime) -> None:
    """Take the voter's participation row for this transaction, then read the round's window
    again under that lock (an early close waits for, or is seen by, the vote)."""
    values = {"round_id": round_.id, "user_id": voter.id}
    make, take, close = _lock_queries(db.session.get_bind().dialect.name)
    db.session.execute(make, values)
    db.session.execute(take, values)
    closes_at = db.session.scalar(close, values)
    if closes_at is None or now >= closes_at:
        raise VoteRefused(_("Voting has closed: votes can no longer change."))


def _retrying(change):
    """Run `change` (which commits) again when a concurrent change of the same ballot made the
    database refuse it; a refusal by the rules is rolled back and raised."""
    for _attempt in range(ATTEMPTS):
        try:
            return change()
        except IntegrityError:
            db.session.rollback()
        except Exception:
            db.session.rollback()
            raise
    raise VoteRefused(
        _("Your vote could not be recorded because of many requests at once; try again.")
    )


def cast_vote(
    round_: VotingRound,
    voter: User,
    candidate_id: int,
    now: datetime,
    authored: set[int] | None = None,
) -> bool:
    """Vote for a candidate. True when a vote was added, False when it was already there;
    VoteRefused (or NotAllowed) with the reason otherwise. `authored`: the voter's own
    candidates in the round (`authored_candidates`), when the caller has them already."""
    _check_can_vote(round_, voter, candidate_id, now, authored)
    round_id, max_votes, title = round_.id, round_.max_votes, round_.title

    def change() -> bool:
        _lock_ballot(round_, voter, now)
        key = ballot_key(round_id, voter.id)
        slots = dict(
            db.session.execute(
                select(Vote.candidate_id, Vote.slot).where(
                    Vote.round_id == round_id, Vote.ballot == key
                )
            ).all()
        )
        if candidate_id in slots:
            db.session.rollback()
            return False
        free = sorted(set(range(1, max_votes + 1)) - set(slots.values()))
        counted = db.session.execute(
            update(VotingParticipant)
            .where(
                VotingParticipant.round_id == round_id,
                VotingParticipant.user_id == voter.id,
                VotingParticipant.vote_count < max_votes,
            )
            .values(vote_count=VotingParticipant.vote_count + 1)
        ).rowcount
        if not free or not counted:
            raise VoteRefused(limit_message(max_votes))
        db.session.add(Vote(round_id=round_id, ballot=key, slot=free[0], candidate_id=candidate_id))
        audit.record(voter, "voting.vote_cast", round_, label=title)
        db.session.commit()
        return True

    return _retrying(change)


def withdraw_vote(round_: VotingRound, voter: User, candidate_id: int, now: datetime) -> bool:
    """Take a vote back. True when one was withdrawn, False when there was none."""
    if round_.is_draft or now < round_.opens_at or now >= round_.closes_at:
        raise VoteRefused(_("Voting has closed: votes can no longer change."))
    if not is_eligible(voter, round_):
        raise NotAllowed(_("You are not among the voters of this round."))
    round_id, title = round_.id, round_.title

    def change() -> bool:
        _lock_ballot(round_, voter, now)
        removed = db.session.execute(
            delete(Vote).where(
                Vote.round_id == round_id,
                Vote.ballot == ballot_key(round_id, voter.id),
                Vote.candidate_id == candidate_id,
            )
        ).rowcount
        if not removed:
            db.session.rollback()
            return False
        db.session.execute(
            update(VotingParticipant)
            .where(
                VotingParticipant.round_id == round_id,
                VotingParticipant.user_id == voter.id,
                VotingParticipant.vote_count > 0,
            )
            .values(vote_count=VotingParticipant.vote_count - 1)
        )
        audit.record(voter, "voting.vote_withdrawn", round_, label=title)
        db.session.commit()
        return True

    return _retrying(change)


def limit_message(max_votes: int) -> str:
    return ngettext(
        "You have used your %(num)d vote. Withdraw it to choose another initiative.",
        "You have used all %(num)d votes. Withdraw one to choose another initiative.",
        max_votes,
    )


def has_voted(round_: VotingRound, user: User) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    VotingParticipant.round_id == round_.id,
                    VotingParticipant.user_id == user.id,
                    VotingParticipant.vote_count > 0,
                )
            )
        )
    )
