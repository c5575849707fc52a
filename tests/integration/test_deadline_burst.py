"""The deadline burst at a small size: 100 distinct people vote and answer a survey within two
seconds against a real gunicorn (2 sync workers) on the test's database, one in ten
double-clicking; the database must hold exactly one vote and one response each.

`make bench` runs the same burst with 1,000 people in 10 seconds (bench/burst.py).
"""

from urllib.parse import quote

from sqlalchemy import select

from app.extensions import db
from app.models.directory import User
from app.models.voting import Vote, VotingParticipant
from app.voting import services as voting
from bench import burst, client
from bench.server import Server
from tests.conftest import TEST_DATABASE_URL

PEOPLE = 100


def _server_database_url(database) -> str:
    """The test's database as the server's DATABASE_URL (its own schema on PostgreSQL)."""
    uri, engine_options = database
    if not TEST_DATABASE_URL:
        return uri
    args = engine_options["connect_args"]
    return f"{uri}?options={quote(args['options'])}&application_name={args['application_name']}"


def test_deadline_burst_records_each_vote_and_response_once(app, database, tmp_path):
    data = burst.build(PEOPLE, units=4)
    env = {
        "SECRET_KEY": app.config["SECRET_KEY"],
        "DATABASE_URL": _server_database_url(database),
        "THIDUA_INSTANCE_PATH": str(tmp_path / "server-instance"),
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    with Server("wsgi:app", env, log=tmp_path / "gunicorn.log").start() as server:
        sessions = client.sign_in_all(server.url, data.people, "ThiDua@2026")
        result = burst.run(server.url, data, sessions, window=2.0)

    assert result.errors == 0, result.error_samples
    assert result.problems == []
    assert result.requests == 2 * PEOPLE + 2 * (PEOPLE // 10)
    assert result.checks["votes"] == PEOPLE
    assert result.checks["largest_ballot"] == 1
    assert result.checks["responses"] == result.checks["respondents"] == PEOPLE
    assert result.checks["participations"] == PEOPLE
    assert result.checks["tallied_responses"] == PEOPLE


def test_burst_check_reports_lost_and_duplicated_votes(app):
    """The check can fail: two votes slipped into one ballot behind the app's back (its
    count says one), and nobody else voted."""
    data = burst.build(20, units=2)
    voter_id = db.session.scalar(select(User.id).where(User.username == data.people[0]))
    key = voting.ballot_key(data.round_id, voter_id)
    first, second = data.candidate_ids[:2]
    db.session.add_all(
        [
            Vote(round_id=data.round_id, ballot=key, slot=1, candidate_id=first),
            Vote(round_id=data.round_id, ballot=key, slot=2, candidate_id=second),
            VotingParticipant(round_id=data.round_id, user_id=voter_id, vote_count=1),
        ]
    )
    db.session.commit()

    checks, problems = burst.check(data, len(data.people))

    assert checks["largest_ballot"] == 2
    assert checks["voters_without_vote"] == 19
    assert checks["counts_not_matching_ballot"] == 1
    assert checks["tallied_responses"] == 0
    assert "a ballot holds 2 votes (limit 1)" in problems
    assert "0 responses from 0 people, 20 expected" in problems
