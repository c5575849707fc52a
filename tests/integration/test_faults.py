"""Issue 9, parts 5 and 6: faults, against a real gunicorn on the test's database.

- The server (master and workers) killed with SIGKILL in the middle of a burst of votes,
  survey submissions and commitment signatures, then started again: the database opens (and
  on SQLite passes its integrity check), every write that was acknowledged is there, none is
  half written, every seal checks against its commitment, the ballot stays secret and
  consistent, and the restarted server takes the next votes.
- On PostgreSQL, the app's connections cut under load, as a database restart cuts them: the
  requests caught in it get the 503 page, never a 500, and the app recovers by itself.
- A PostgreSQL server of the test's own (initdb in a temporary folder, a free port) stopped
  and started again under load, the database down a second each time: the same.
"""

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy import create_engine, func, inspect, select, text

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.commitments import Commitment, CommitmentStatus
from app.models.directory import User
from app.models.surveys import SurveyAnswer, SurveyParticipation, SurveyResponse
from app.models.voting import Vote, VotingParticipant
from bench import burst, client
from bench.server import Server, free_port
from tests.conftest import TEST_DATABASE_URL, make_app
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.integration.test_deadline_burst import _server_database_url

PEOPLE = 120
PASSWORD = burst.PASSWORD


def _server(app, database, tmp_path) -> Server:
    env = {
        "SECRET_KEY": app.config["SECRET_KEY"],
        "DATABASE_URL": _server_database_url(database),
        "THIDUA_INSTANCE_PATH": str(tmp_path / "server-instance"),
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    return Server("wsgi:app", env, log=tmp_path / "gunicorn.log")


def _kill_when(database, server: Server, enough: int, timeout: float = 60) -> threading.Thread:
    """A thread that sends SIGKILL to the server's whole process group once `enough` votes
    are in the database (read on a connection of its own)."""
    uri, options = database
    engine = create_engine(uri, **options)

    def watch() -> None:
        deadline = time.monotonic() + timeout
        try:
            with engine.connect() as connection:
                while time.monotonic() < deadline:
                    votes = connection.execute(text("SELECT count(*) FROM votes")).scalar()
                    connection.rollback()
                    if votes >= enough:
                        break
                    time.sleep(0.02)
        finally:
            engine.dispose()
            os.killpg(server.process.pid, signal.SIGKILL)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


class HomeReaders:
    """`with HomeReaders(url, cookie) as readers:` four threads read the home page (which reads
    the database) as the signed-in person until the block ends; `readers.statuses` holds
    every answer's status."""

    def __init__(self, url: str, cookie: str, threads: int = 4):
        self.url, self.cookie = url, cookie
        self.statuses: list[int] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._load, daemon=True) for _ in range(threads)]

    def home(self) -> int:
        request = urllib.request.Request(self.url + "/", headers={"Cookie": self.cookie})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def _load(self) -> None:
        while not self._stop.is_set():
            self.statuses.append(self.home())

    def __enter__(self) -> "HomeReaders":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)


def test_a_server_killed_mid_burst_keeps_every_acknowledged_write(app, database, tmp_path):
    data = burst.build(PEOPLE, units=4, signatures=True)
    server = _server(app, database, tmp_path).start()
    try:
        sessions = client.sign_in_all(server.url, data.people, PASSWORD)
        killer = _kill_when(database, server, enough=PEOPLE // 3)
        outcomes, _sent, _elapsed = burst.fire(server.url, data, sessions, window=4.0)
        killer.join(timeout=90)
        assert server.process.wait(timeout=30) == -signal.SIGKILL
    finally:
        server.stop()

    voted = {o.username for o in outcomes if o.kind == "vote" and o.good}
    answered = {o.username for o in outcomes if o.kind == "survey" and o.good}
    signed = {o.username for o in outcomes if o.kind == "signature" and o.good}
    refused = [o for o in outcomes if not o.good and not o.duplicate]
    # The kill came in the middle: some writes of each kind acknowledged, some requests cut.
    assert len(voted) >= PEOPLE // 4 and refused, (len(voted), len(refused))
    assert answered and signed, (len(answered), len(signed))

    restarted = _server(app, database, tmp_path).start()
    try:
        db.session.remove()
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        ids = dict(db.session.execute(select(User.username, User.id)).all())
        # Every acknowledged vote and response is there.
        recorded_voters = set(
            db.session.scalars(
                select(VotingParticipant.user_id).where(
                    VotingParticipant.round_id == data.round_id, VotingParticipant.vote_count > 0
                )
            )
        )
        assert {ids[name] for name in voted} <= recorded_voters
        respondents = set(
            db.session.scalars(
                select(SurveyResponse.user_id).where(SurveyResponse.survey_id == data.survey_id)
            )
        )
        assert {ids[name] for name in answered} <= respondents
        signed_ids = {
            data.drafts[name]
            for name in data.drafts
            if db.session.scalar(
                select(Commitment.status).where(Commitment.id == data.drafts[name])
            )
            == CommitmentStatus.SIGNED
        }
        assert {data.drafts[name] for name in signed} <= signed_ids
        # Nothing half written: ballots match their counts, each participation has its
        # response with answers, the tallies and the audit count the same.
        checks, _problems = burst.check(data, PEOPLE)
        assert checks["largest_ballot"] <= 1
        assert checks["counts_not_matching_ballot"] == 0
        assert checks["responses"] == checks["respondents"] == checks["participations"]
        assert checks["tallied_responses"] == checks["responses"]
        assert checks["audit_votes"] == checks["votes"]
        assert checks["audit_submissions"] == checks["responses"]
        # Part 6: every signed version's seal checks against what the database holds; no
        # signature half written; one audit entry each.
        assert checks["signed"] == len(signed_ids) >= len(signed)
        assert checks["seals_not_valid"] == 0 and checks["half_signed"] == 0
        assert checks["audit_signatures"] == checks["signed"]
        of_survey = SurveyResponse.survey_id == data.survey_id
        without_answers = _count(
            select(SurveyResponse.id)
            .outerjoin(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
            .where(of_survey, SurveyAnswer.response_id.is_(None))
        )
        assert without_answers == 0
        orphans = _count(
            select(SurveyParticipation.user_id)
            .outerjoin(
                SurveyResponse,
                (SurveyResponse.user_id == SurveyParticipation.user_id) & of_survey,
            )
            .where(SurveyParticipation.survey_id == data.survey_id, SurveyResponse.id.is_(None))
        )
        assert orphans == 0
        # Part 6, the ballot stays secret after the fault: a vote row holds the round, an
        # opaque ballot, a slot and the candidate, nothing else; no ballot is a person's id
        # or name; the audit and the server's log never name a candidate.
        assert {c["name"] for c in inspect(db.engine).get_columns("votes")} == {
            "round_id",
            "ballot",
            "slot",
            "candidate_id",
        }
        ballots = set(db.session.scalars(select(Vote.ballot)))
        people_keys = {str(i) for i in ids.values()} | set(ids)
        assert ballots and not ballots & people_keys
        assert all(len(b) == 64 and int(b, 16) >= 0 for b in ballots)
        entries = db.session.execute(
            select(AuditEntry.target_type, AuditEntry.details).where(
                AuditEntry.action == "voting.vote_cast"
            )
        ).all()
        assert entries and {target for target, _ in entries} == {"votinground"}
        assert not any("candidate" in str(details) for _, details in entries)
        assert "candidate" not in (tmp_path / "gunicorn.log").read_text(errors="replace")

        # The restarted server takes the votes of people whose vote the kill cut off.
        late = [name for name in data.people if ids[name] not in recorded_voters][:5]
        sessions = client.sign_in_all(restarted.url, late, PASSWORD)
        again, _sent, _elapsed = burst.fire(
            restarted.url,
            burst.BurstData(**{**data.__dict__, "people": late}),
            sessions,
            window=0.5,
        )
        assert all(o.good for o in again if o.kind == "vote" and not o.duplicate)
    finally:
        restarted.stop()


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="PostgreSQL only: SQLite has no connection")
def test_connections_cut_under_load_fail_cleanly_and_the_app_recovers(app, database, tmp_path):
    _uri, options = database
    schema = options["connect_args"]["application_name"]
    person = make_user()
    server = _server(app, database, tmp_path).start()
    cookie = client.sign_in(server.url, person.username, DEFAULT_PASSWORD).cookie
    try:
        with HomeReaders(server.url, cookie) as readers:
            time.sleep(1.0)
            cut = 0
            for _ in range(3):  # as a restart does: every connection of the app's, at once
                cut += db.session.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE application_name = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": schema},
                ).scalar()
                db.session.commit()
                time.sleep(0.5)
        statuses = readers.statuses
        assert cut > 0
        assert statuses and set(statuses) <= {200, 503}, sorted(set(statuses))
        assert 503 in statuses or cut >= 1  # the cut caught requests, or came between them
        assert [readers.home() for _ in range(20)] == [200] * 20
    finally:
        server.stop()


class PrivatePostgreSQL:
    """A PostgreSQL server of the test's own, so that restarting it disturbs nothing else
    (the suite's shared server keeps running). As root, its commands run as `postgres`."""

    def __init__(self, bindir: str):
        self.bindir = bindir
        self.root = tempfile.mkdtemp(prefix="thidua-pg-")
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.root, "postgres")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True, timeout=60)

    def pg_ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        data = os.path.join(self.root, "data")
        log = os.path.join(self.root, "log")
        self._run(f"{self.bindir}/pg_ctl", "-D", data, "-m", "fast", "-w", "-o", options,
                  "-l", log, action)  # fmt: skip

    def start(self) -> "PrivatePostgreSQL":
        initdb = f"{self.bindir}/initdb"
        data = os.path.join(self.root, "data")
        self._run(initdb, "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        self.pg_ctl("start")
        return self

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.pg_ctl("stop")
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def private_postgresql():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's server programs (pg_ctl, initdb) are missing under CI")
        pytest.skip("PostgreSQL's server programs (pg_ctl, initdb) are not installed")
    server = PrivatePostgreSQL(os.path.dirname(found[-1])).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="PostgreSQL only, run with the PostgreSQL suite")
def test_postgresql_restarted_under_load_fails_cleanly_and_the_app_recovers(
    private_postgresql, tmp_path
):
    database = (private_postgresql.url, {})
    own = make_app(database, tmp_path)
    with own.app_context():
        db.create_all()
        username = make_user().username
        db.session.remove()
        db.engine.dispose()
    env = {
        "SECRET_KEY": own.config["SECRET_KEY"],
        "DATABASE_URL": private_postgresql.url,
        "THIDUA_INSTANCE_PATH": str(tmp_path / "server-instance"),
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    server = Server("wsgi:app", env, log=tmp_path / "gunicorn.log").start()
    cookie = client.sign_in(server.url, username, DEFAULT_PASSWORD).cookie
    try:
        with HomeReaders(server.url, cookie) as readers:
            for _ in range(2):
                time.sleep(1.0)
                private_postgresql.pg_ctl("stop")  # fast shutdown: sessions ended, server gone
                time.sleep(1.0)
                private_postgresql.pg_ctl("start")
            time.sleep(1.0)
        statuses = readers.statuses
        # While the database was down, requests got the 503 page; never a 500 (one came when
        # the person's loading was the request's first query: fixed in app.errors).
        assert 503 in statuses and set(statuses) <= {200, 503}, sorted(set(statuses))
        # Back up, the app serves again by itself: no restart of the app, no error.
        assert [readers.home() for _ in range(20)] == [200] * 20
        log = (tmp_path / "gunicorn.log").read_text(errors="replace")
        assert "Worker failed to boot" not in log
    finally:
        server.stop()
