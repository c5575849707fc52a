"""The deadline burst: everyone votes and answers in the last seconds before a round and a
survey close. N distinct people each cast one vote (htmx, as the page's button does) and
submit one survey response, all within a window of a few seconds, against a real gunicorn;
one person in ten double-clicks (a second vote for another candidate, and the same submission
again, at the same moment). With `signatures`, each person also signs the draft of their
emulation commitment in the same burst (the fault tests kill the server in the middle of it).

Afterwards the database must hold exactly one vote and one response per person: nothing lost,
nothing duplicated, the round's limit of one vote per ballot held, each voter's count equal to
their ballot's votes, one participation per respondent, and one audit entry per change; each
signed commitment's seal checks against what the database holds.
"""

import asyncio
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from sqlalchemy import func, select

from app.campaigns.services import seed_default_campaign
from app.commitments import seal
from app.commitments import services as commitments
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.campaigns import AppliesTo, Campaign, ContentArea, EmulationTitle
from app.models.commitments import Commitment, CommitmentStatus, CommitmentVersion
from app.models.directory import User
from app.models.initiatives import InitiativeAuthor
from app.models.surveys import SurveyParticipation, SurveyResponse
from app.models.voting import Vote, VotingParticipant
from app.surveys import answering, tallies
from app.surveys import services as surveys
from app.surveys.template import SECTIONS
from app.voting import queries as voting_queries
from app.voting import services as voting
from bench.client import Session
from bench.dataset import (
    PASSWORD,
    load_user,
    make_initiatives,
    make_people,
    make_units,
    now_utc,
    random_answers,
)
from bench.journeys import page_form
from bench.scale import Scale

VOTE_MARKER = 'id="vote-status" hx-swap-oob'


@dataclass
class BurstData:
    round_id: int
    survey_id: int
    candidate_ids: list[int]
    people: list[str]
    authored: dict[str, list[int]]
    officer: str
    drafts: dict[str, int] = field(default_factory=dict)  # username: commitment ready to sign


def build(people: int, units: int = 12, seed: int = 2027, signatures: bool = False) -> BurstData:
    """An office of `people` staff (plus heads, officers and leaders), a round closing in ten
    minutes with one vote each, and a named one-page survey (the plan's knowledge questions)
    closing at the same time; both through the officer's services. With `signatures`, each of
    the `people` has a draft commitment ready to sign, made through their own services."""
    rng = random.Random(seed)
    scale = Scale(
        "burst",
        # Heads, officers, leaders and an admin besides the `people` who vote and answer.
        staff=people + units + people // 250 + people // 1000 + 10,
        units=units,
        initiatives=max(20, people // 25),
        candidates=10,
        surveys=0,
        responses=0,
        export_responses=0,
        session_pool=0,
        signin_users=0,
    )
    campaign, _created = seed_default_campaign()
    campaign_id = campaign.id
    made = make_people(scale, make_units(scale, rng), rng, PASSWORD)
    db.session.commit()
    public = make_initiatives(scale, campaign_id, made, rng)
    db.session.commit()
    officer = made["officers"][0]
    now = now_utc()
    campaign = db.session.get(Campaign, campaign_id)
    round_ = voting.create_round(
        load_user(officer),
        campaign,
        {
            "title": "Bình chọn sáng kiến tiêu biểu: hạn chót",
            "description": "",
            "opens_at": now - timedelta(days=3),
            "closes_at": now + timedelta(minutes=10),
            "max_votes": 1,
            "min_votes": None,
            "results_mode": "after_close",
            "is_open_to_all": True,
            "unit_ids": [],
        },
    )
    round_id = round_.id
    chosen = rng.sample(public, min(scale.candidates, len(public)))
    voting.add_candidates(load_user(officer), voting_queries.load(round_id), chosen)
    voting.publish_round(load_user(officer), voting_queries.load(round_id), now)
    round_ = voting_queries.load(round_id)
    by_initiative = {c.initiative_id: c.id for c in round_.candidates}
    campaign = db.session.get(Campaign, campaign_id)
    survey = surveys.create_survey(
        load_user(officer),
        campaign,
        {
            "title": "Khảo sát nhanh trước hạn chót",
            "introduction": "",
            "opens_at": now - timedelta(days=1),
            "closes_at": now + timedelta(minutes=10),
            "is_anonymous": False,
            "is_open_to_all": True,
            "unit_ids": [],
        },
    )
    survey_id = survey.id
    _title, _description, items = SECTIONS[0]
    for item in items:
        loaded = surveys.load(survey_id)
        surveys.add_question(load_user(officer), loaded, loaded.sections[0], item.data)
    surveys.publish(load_user(officer), surveys.load(survey_id))
    ids = made["ids"]
    names = {user_id: name for name, user_id in ids.items()}
    authored: dict[str, list[int]] = {}
    for initiative_id, user_id in db.session.execute(
        select(InitiativeAuthor.initiative_id, InitiativeAuthor.user_id).where(
            InitiativeAuthor.initiative_id.in_(chosen)
        )
    ):
        authored.setdefault(names[user_id], []).append(by_initiative[initiative_id])
    return BurstData(
        round_id=round_id,
        survey_id=survey_id,
        candidate_ids=sorted(by_initiative.values()),
        people=made["staff"][:people],
        authored=authored,
        officer=officer,
        drafts=_drafts(campaign_id, made["staff"][:people]) if signatures else {},
    )


def _drafts(campaign_id: int, people: list[str]) -> dict[str, int]:
    """Each person's commitment with one item, the title and the criterion: ready to sign."""
    campaign = db.session.get(Campaign, campaign_id)
    area_id = db.session.scalar(
        select(ContentArea.id)
        .where(ContentArea.campaign_id == campaign_id)
        .order_by(ContentArea.position)
    )
    title_id = db.session.scalar(
        select(EmulationTitle.id).where(
            EmulationTitle.campaign_id == campaign_id,
            EmulationTitle.applies_to == AppliesTo.INDIVIDUAL,
        )
    )
    # A day of registration whatever the date the bench or the test runs on.
    registering = campaign.registration_deadline or campaign.starts_on
    drafts = {}
    for username in people:
        person = load_user(username)
        commitment = commitments.start_individual(person, campaign, registering)
        version = commitments.latest_version(commitment)
        commitments.add_item(person, version, area_id, "Số hóa toàn bộ hồ sơ công việc", "100%")
        commitments.update_details(person, version, title_id, True)
        drafts[username] = commitment.id
    return drafts


@dataclass
class Outcome:
    kind: str  # "vote", "survey" or "signature"
    username: str
    duplicate: bool
    status: int = 0
    good: bool = False
    latency_ms: float = 0.0
    error: str = ""


@dataclass
class BurstResult:
    people: int
    requests: int
    window_s: float
    sent_within_s: float
    elapsed_s: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    errors: int  # a first request answered otherwise than expected
    error_samples: list[str] = field(default_factory=list)
    checks: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems and self.errors == 0


def _requests(data: BurstData, sessions: dict[str, Session], rng: random.Random) -> list[dict]:
    survey = surveys.load(data.survey_id)
    questions = surveys.ordered_questions(survey)
    page = answering.pages(survey)[0][1]
    planned = []
    for n, username in enumerate(data.people):
        session = sessions[username]
        allowed = [c for c in data.candidate_ids if c not in data.authored.get(username, ())]
        first, second = rng.sample(allowed, 2)
        vote = {
            "kind": "vote",
            "path": f"/voting/{data.round_id}/ballot",
            "form": {"csrf_token": session.token, "candidate": first, "action": "cast"},
        }
        answers = page_form(page, random_answers(questions, rng))
        submit = {
            "kind": "survey",
            "path": f"/surveys/{data.survey_id}/answer",
            "form": [("csrf_token", session.token), ("page", "0"), ("action", "submit"), *answers],
        }
        requests = [vote, submit]
        if username in data.drafts:
            requests.append(
                {
                    "kind": "signature",
                    "path": f"/commitments/{data.drafts[username]}/sign",
                    "form": {"csrf_token": session.token, "password": PASSWORD, "statement": "y"},
                }
            )
        for request in requests:
            planned.append({**request, "session": session, "duplicate": False})
        if n % 10 == 9:  # a double click: another vote, the same submission (signature) again
            again = {**vote, "form": {**vote["form"], "candidate": second}}
            planned.append({**again, "session": session, "duplicate": True})
            for request in requests[1:]:
                planned.append({**request, "session": session, "duplicate": True})
    return planned


async def _send(host: str, port: int, planned: dict, at: float, sent: list) -> Outcome:
    """Send one request at its moment (`at`, on the loop's clock) on a connection of its own,
    and read the whole answer (gunicorn's sync workers close the connection after it)."""
    session = planned["session"]
    outcome = Outcome(planned["kind"], session.username, planned["duplicate"])
    loop = asyncio.get_running_loop()
    await asyncio.sleep(max(0.0, at - loop.time()))
    body = urlencode(planned["form"], doseq=True).encode()
    head = [
        f"POST {planned['path']} HTTP/1.1",
        f"Host: {host}:{port}",
        "Content-Type: application/x-www-form-urlencoded",
        f"Content-Length: {len(body)}",
        f"Cookie: {session.cookie}",
        "Connection: close",
    ]
    if planned["kind"] == "vote":
        head.append("HX-Request: true")
    started = loop.time()
    sent.append(started)
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout=300)
        writer.close()
        header, _, content = raw.partition(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        outcome.status = int(lines[0].split()[1])
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines[1:])
        }
        text = content.decode("utf-8", "replace")
        location = headers.get("location", "")
        if planned["kind"] == "vote":
            outcome.good = outcome.status == 200 and VOTE_MARKER in text
        elif planned["kind"] == "signature":
            outcome.good = outcome.status == 303 and location.endswith("#current-version")
        else:
            outcome.good = outcome.status == 303 and "/thanks" in location
        if not outcome.good:
            outcome.error = f"{planned['kind']} {outcome.status}: {text[:120]}"
    except (TimeoutError, OSError, IndexError, ValueError) as error:
        outcome.error = f"{planned['kind']}: {type(error).__name__} {error}"
    outcome.latency_ms = (loop.time() - started) * 1000
    return outcome


def fire(
    base_url: str,
    data: BurstData,
    sessions: dict[str, Session],
    window: float = 10.0,
    seed: int = 7,
) -> tuple[list[Outcome], float, float]:
    """Send every request at its moment, spread evenly over `window` seconds in a random order
    (a double click at the same moment as the first), whether or not the earlier ones have
    been answered: people do not wait for each other before the deadline. Returns the
    outcomes, when the last request was sent and when the last answer came (seconds)."""
    rng = random.Random(seed)
    planned = _requests(data, sessions, rng)
    firsts = [p for p in planned if not p["duplicate"]]
    rng.shuffle(firsts)
    step = window / max(len(firsts), 1)
    moments = {id(p): n * step for n, p in enumerate(firsts)}
    for p in planned:
        if p["duplicate"]:
            twin = next(
                f for f in firsts if f["session"] is p["session"] and f["kind"] == p["kind"]
            )
            moments[id(p)] = moments[id(twin)]
    parts = urlsplit(base_url)

    async def everything():
        loop = asyncio.get_running_loop()
        start = loop.time() + 0.2
        sent: list[float] = []
        outcomes = await asyncio.gather(
            *(_send(parts.hostname, parts.port, p, start + moments[id(p)], sent) for p in planned)
        )
        return list(outcomes), max(sent) - start, loop.time() - start

    # A thread of its own: the caller's thread may already run an event loop (Playwright's
    # synchronous API does, in the test session).
    found: list = []

    def loop() -> None:
        try:
            found.append(asyncio.run(everything()))
        except BaseException as error:  # raised again in the caller's thread
            found.append(error)

    thread = threading.Thread(target=loop)
    thread.start()
    thread.join()
    if isinstance(found[0], BaseException):
        raise found[0]
    return found[0]


def check(data: BurstData, people: int) -> tuple[dict, list[str]]:
    """Count in the database what the burst left; the problems found."""
    round_id, survey_id = data.round_id, data.survey_id
    votes = db.session.scalar(
        select(func.count()).select_from(Vote).where(Vote.round_id == round_id)
    )
    per_ballot = Counter(
        dict(
            db.session.execute(
                select(Vote.ballot, func.count())
                .where(Vote.round_id == round_id)
                .group_by(Vote.ballot)
            ).all()
        )
    )
    participants = db.session.execute(
        select(VotingParticipant.user_id, VotingParticipant.vote_count).where(
            VotingParticipant.round_id == round_id
        )
    ).all()
    ids = dict(
        db.session.execute(
            select(User.username, User.id).where(User.username.in_(data.people))
        ).all()
    )
    mismatched = sum(
        1
        for user_id, count in participants
        if per_ballot.get(voting.ballot_key(round_id, user_id), 0) != count
    )
    voters = {user_id for user_id, count in participants if count > 0}
    responses = db.session.scalar(
        select(func.count())
        .select_from(SurveyResponse)
        .where(SurveyResponse.survey_id == survey_id)
    )
    respondents = db.session.scalar(
        select(func.count(func.distinct(SurveyResponse.user_id))).where(
            SurveyResponse.survey_id == survey_id
        )
    )
    participations = db.session.scalar(
        select(func.count())
        .select_from(SurveyParticipation)
        .where(SurveyParticipation.survey_id == survey_id)
    )
    audited = dict(
        db.session.execute(
            select(AuditEntry.action, func.count())
            .where(AuditEntry.action.in_(("voting.vote_cast", "survey.submitted")))
            .group_by(AuditEntry.action)
        ).all()
    )
    checks = {
        "votes": votes,
        "ballots": len(per_ballot),
        "largest_ballot": max(per_ballot.values(), default=0),
        "voters_without_vote": sum(1 for name in data.people if ids[name] not in voters),
        "counts_not_matching_ballot": mismatched,
        "responses": responses,
        "respondents": respondents,
        "participations": participations,
        "tallied_responses": tallies.read(survey_id)
        .get((tallies.SURVEY, 0, "responses"), tallies.EMPTY)
        .count,
        "audit_votes": audited.get("voting.vote_cast", 0),
        "audit_submissions": audited.get("survey.submitted", 0),
        **check_signatures(data),
    }
    problems = []
    if votes != people:
        problems.append(f"{votes} votes for {people} voters")
    if checks["largest_ballot"] > 1:
        problems.append(f"a ballot holds {checks['largest_ballot']} votes (limit 1)")
    if checks["voters_without_vote"]:
        problems.append(f"{checks['voters_without_vote']} voters lost their vote")
    if mismatched:
        problems.append(f"{mismatched} voters' counts differ from their ballots")
    if responses != people or respondents != people:
        problems.append(f"{responses} responses from {respondents} people, {people} expected")
    if participations != people:
        problems.append(f"{participations} participations, {people} expected")
    if checks["tallied_responses"] != responses:
        problems.append(f"the survey's tallies count {checks['tallied_responses']} responses")
    if checks["audit_votes"] != votes or checks["audit_submissions"] != responses:
        problems.append("audit entries differ from the changes")
    if data.drafts:
        if checks["signed"] != len(data.drafts):
            problems.append(f"{checks['signed']} commitments signed of {len(data.drafts)}")
        if checks["seals_not_valid"] or checks["half_signed"]:
            problems.append(
                f"{checks['seals_not_valid']} seals do not check, "
                f"{checks['half_signed']} signatures half written"
            )
        if checks["audit_signatures"] != checks["signed"]:
            problems.append("audit entries differ from the signatures")
    return checks, problems


def check_signatures(data: BurstData) -> dict:
    """The burst's commitments as the database holds them: how many are signed, whether each
    signed version's seal checks against its content, and whether any signature is half
    written (a signed version without its seal, or a commitment whose status says otherwise)."""
    if not data.drafts:
        return {}
    commitment_ids = list(data.drafts.values())
    statuses = dict(
        db.session.execute(
            select(Commitment.id, Commitment.status).where(Commitment.id.in_(commitment_ids))
        ).all()
    )
    signed = half_signed = not_valid = 0
    version_ids = db.session.scalars(
        select(CommitmentVersion.id).where(CommitmentVersion.commitment_id.in_(commitment_ids))
    ).all()
    for version_id in version_ids:
        version = commitments.load_version(version_id)
        is_signed = version.status == CommitmentStatus.SIGNED
        if statuses[version.commitment_id] != version.status:
            half_signed += 1
        if not is_signed:
            if version.signed_at or version.digest or version.seal:
                half_signed += 1
            continue
        signed += 1
        if commitments.seal_state(version.commitment, version) != seal.SealState.VALID:
            not_valid += 1
    audited = db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "commitment.signed")
    )
    return {
        "signed": signed,
        "seals_not_valid": not_valid,
        "half_signed": half_signed,
        "audit_signatures": audited,
    }


def run(
    base_url: str,
    data: BurstData,
    sessions: dict[str, Session],
    window: float = 10.0,
) -> BurstResult:
    outcomes, sent_within, elapsed = fire(base_url, data, sessions, window)
    latencies = sorted(o.latency_ms for o in outcomes)
    # Each person's vote and submission must be recorded once: by the first request, or by
    # the double click's second when that one came first.
    answered: dict[tuple[str, str], list[Outcome]] = {}
    for outcome in outcomes:
        answered.setdefault((outcome.username, outcome.kind), []).append(outcome)
    failed = [tries[0] for tries in answered.values() if not any(o.good for o in tries)]
    db.session.expire_all()
    checks, problems = check(data, len(data.people))

    def percentile(p: float) -> float:
        if not latencies:
            return 0.0
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 1)

    return BurstResult(
        people=len(data.people),
        requests=len(outcomes),
        window_s=window,
        sent_within_s=round(sent_within, 2),
        elapsed_s=round(elapsed, 2),
        p50_ms=percentile(50),
        p95_ms=percentile(95),
        max_ms=round(latencies[-1], 1) if latencies else 0.0,
        errors=len(failed),
        error_samples=[o.error for o in failed[:3]],
        checks=checks,
        problems=problems,
    )
