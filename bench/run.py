"""One benchmark run: the baselines, then for each database a fresh dataset served by gunicorn
and driven journey by journey at each concurrency, the writes counted in the database after
each step, the export's memory read from /proc, and the deadline burst."""

import os
import secrets
import shutil
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager, suppress
from dataclasses import asdict
from pathlib import Path

from sqlalchemy import func, select, text

from app import create_app
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.surveys import SurveyParticipation, SurveyResponse
from app.models.voting import Vote, VotingParticipant
from app.voting import services as voting
from bench import baselines, burst, client, dataset, journeys, load
from bench.scale import Scale
from bench.server import ROOT, Server, memory_kb, wait_idle

MIGRATIONS = ROOT / "app" / "migrations"
JOURNEYS = (
    "sign-in",
    "signed-in floor",
    "home",
    "vote page",
    "vote toggle",
    "survey page",
    "survey submission",
    "results page",
    "dashboard",
    "CSV export",
)
# Audit actions that count each journey's writes in the database.
AUDITED = {
    "sign-in": ("auth.login",),
    "vote toggle": ("voting.vote_cast", "voting.vote_withdrawn"),
    "survey submission": ("survey.submitted",),
    "CSV export": ("survey.exported",),
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# Databases -------------------------------------------------------------------------------------


def postgres_reachable(admin_url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(admin_url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@contextmanager
def fresh_database(kind: str, workdir: Path, admin_url: str, label: str):
    """A URL of an empty database of its own: a SQLite file, or a PostgreSQL database created
    for the run and dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / f'{label}.sqlite3'}"
        return
    import psycopg

    name = f"thidua_bench_{os.getpid()}_{label}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def app_for(url: str, secret: str, instance: Path):
    return create_app(
        {
            "SECRET_KEY": secret,
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_PATH": str(instance),
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )


def server_env(url: str, secret: str, instance: Path) -> dict[str, str]:
    return {
        "SECRET_KEY": secret,
        "DATABASE_URL": url,
        "THIDUA_INSTANCE_PATH": str(instance),
        "RATELIMIT_STORAGE_URI": "memory://",
    }


def drain(server: Server) -> None:
    """Wait until the server has finished what the load left: one request per worker, sent
    together, queues behind whatever is in the listen queue; then the workers must have used
    no CPU for half a second (one worker may have taken both pings)."""

    def ping():
        with suppress(OSError):
            urllib.request.urlopen(server.url + "/healthz", timeout=300).read()

    threads = [threading.Thread(target=ping) for _ in range(server.workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wait_idle(server.worker_pids())


# Baselines ---------------------------------------------------------------------------------------


def run_baselines(wrk: str, workdir: Path, levels, seconds: float, logs: Path) -> dict:
    """{baseline: {concurrency: figures}} for the constant page and the read+insert."""
    path = workdir / "baseline.sqlite3"
    baselines.prepare(str(path))
    results: dict = {}
    env = {"BENCH_BASELINE_DB": str(path)}
    for name, target in (("constant", "constant"), ("read+insert", "read_insert")):
        journey = load.Journey(
            name,
            "baseline",
            [load.Step("GET", "/", 200, marker="baseline ok")],
            [{"label": name}],
        )
        with Server(f"bench.baselines:{target}", env, log=logs).start() as server:
            for level in levels:
                before = baselines.hits(str(path)) if target == "read_insert" else 0
                figures = load.run(wrk, server.url, journey, level, seconds, timeout=30)
                drain(server)
                if target == "read_insert":
                    figures["writes_in_db"] = baselines.hits(str(path)) - before
                results.setdefault(name, {})[level] = figures
                log(f"baseline {name:<11} c={level:<3} {summary(figures)}")
    return results


def summary(figures: dict) -> str:
    return (
        f"{figures['rps']:>8.1f} req/s  p50 {figures['p50_ms']:>7.1f}  "
        f"p95 {figures['p95_ms']:>7.1f}  p99 {figures['p99_ms']:>7.1f} ms  "
        f"errors {figures['errors']}"
    )


# The app ------------------------------------------------------------------------------------------


def _audit_mark() -> int:
    return db.session.scalar(select(func.max(AuditEntry.id))) or 0


def _audited(actions, after: int) -> dict[str, int]:
    db.session.expire_all()
    rows = db.session.execute(
        select(AuditEntry.action, func.count())
        .where(AuditEntry.id > after, AuditEntry.action.in_(actions))
        .group_by(AuditEntry.action)
    ).all()
    counts = dict(rows)
    return {action: counts.get(action, 0) for action in actions}


def ballot_problems(round_id: int, max_votes: int) -> list[str]:
    """Every voter's count equals their ballot's votes; no ballot above the limit."""
    per_ballot = dict(
        db.session.execute(
            select(Vote.ballot, func.count()).where(Vote.round_id == round_id).group_by(Vote.ballot)
        ).all()
    )
    problems = []
    keys = set()
    for user_id, count in db.session.execute(
        select(VotingParticipant.user_id, VotingParticipant.vote_count).where(
            VotingParticipant.round_id == round_id
        )
    ):
        key = voting.ballot_key(round_id, user_id)
        keys.add(key)
        if per_ballot.get(key, 0) != count:
            problems.append(f"voter {user_id}: count {count}, ballot {per_ballot.get(key, 0)}")
    if any(count > max_votes for count in per_ballot.values()):
        problems.append("a ballot above the round's limit")
    if set(per_ballot) - keys:
        problems.append("votes without a participant")
    return problems[:5]


def _write_check(name: str, figures: dict, level: int, before: int, data, step_surveys) -> dict:
    """The writes the journey made, counted in the database, against the responses the script
    checked: each checked write is there, and at most one more per connection (a request in
    flight when the step ended)."""
    check: dict = {}
    if name in AUDITED:
        counts = _audited(AUDITED[name], before)
        expected = {
            "sign-in": {"auth.login": figures["checked"]},
            "vote toggle": {
                "voting.vote_cast": (figures["step_ok"] or [0, 0])[0],
                "voting.vote_withdrawn": (figures["step_ok"] or [0, 0])[-1],
            },
            "survey submission": {"survey.submitted": figures["sequences"]},
            "CSV export": {"survey.exported": figures["checked"]},
        }[name]
        check["in_db"] = counts
        check["counted"] = expected
        check["ok"] = all(expected[a] <= counts[a] <= expected[a] + level for a in expected)
    if name == "vote toggle":
        problems = ballot_problems(data.round_id, 3)
        check["ballots_ok"] = not problems
        check["ok"] = check["ok"] and not problems
        if problems:
            check["problems"] = problems
    if name == "survey submission":
        responses = db.session.scalar(
            select(func.count())
            .select_from(SurveyResponse)
            .where(SurveyResponse.survey_id.in_(step_surveys))
        )
        participations = db.session.scalar(
            select(func.count())
            .select_from(SurveyParticipation)
            .where(SurveyParticipation.survey_id.in_(step_surveys))
        )
        check["responses"] = responses
        check["participations"] = participations
        check["ok"] = check["ok"] and responses == participations
    return check


class Sampler:
    """The workers' peak resident memory, sampled from /proc while a step runs."""

    def __init__(self, server: Server, every: float = 0.05):
        self.server, self.every = server, every
        self.peak_rss_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for pid in self.server.worker_pids():
                self.peak_rss_kb = max(self.peak_rss_kb, memory_kb(pid).get("VmRSS", 0))
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def run_database(
    kind: str,
    scale: Scale,
    wrk: str,
    workdir: Path,
    admin_url: str,
    levels,
    seconds: float,
    only: tuple[str, ...],
    logs: Path,
) -> dict:
    """Build the dataset in a fresh database of `kind`, serve it, run every journey."""
    secret = secrets.token_hex(32)
    instance = workdir / f"instance-{kind}"
    instance.mkdir(exist_ok=True)
    with fresh_database(kind, workdir, admin_url, f"{kind}_{scale.name}") as url:
        app = app_for(url, secret, instance)
        with app.app_context():
            from flask_migrate import upgrade

            started = time.monotonic()
            upgrade(directory=str(MIGRATIONS))
            data = dataset.build(scale)
            if db.engine.dialect.name == "postgresql":
                # What autovacuum does soon after a large import: the planner's statistics.
                with db.engine.connect() as connection:
                    connection.execute(text("ANALYZE"))
                    connection.commit()
            per_step = journeys.surveys_needed(seconds, len(data.pool))
            step_surveys = [
                dataset.submission_surveys(data.officer, data.campaign_id, per_step)
                for _level in levels
            ]
            built = round(time.monotonic() - started, 1)
            log(f"{kind}: dataset built in {built} s: {data.counts}")
            env = server_env(url, secret, instance)
            if scale.name == "province":
                # Near a deadline a province's staff vote and answer every second, each an
                # audited change that outdates the grouped figures' cache: measure them computed
                # afresh.
                env["FIGURES_CACHE_SECONDS"] = "0"
            results: dict = {"dataset": data.counts, "build_seconds": built, "journeys": {}}
            with Server("wsgi:app", env, log=logs).start() as server:
                started = time.monotonic()
                sessions = client.sign_in_all(server.url, data.pool + data.overseers, data.password)
                forms = [client.login_form(server.url, name) for name in data.signin]
                log(f"{kind}: {len(sessions)} sessions in {time.monotonic() - started:.1f} s")
                pool = [sessions[name] for name in data.pool]
                overseers = [sessions[name] for name in data.overseers]
                readers = pool[: max(levels)]
                made = {
                    "sign-in": lambda: journeys.sign_in(forms, data.password),
                    "signed-in floor": lambda: journeys.signed_in_floor(readers),
                    "home": lambda: journeys.home(readers),
                    "vote page": lambda: journeys.vote_page(readers, data.round_id),
                    "vote toggle": lambda: journeys.vote_toggle(readers, data),
                    "survey page": lambda: journeys.survey_page(readers, data.open_survey_id),
                    "results page": lambda: journeys.results_page(
                        overseers, data.results_survey_id
                    ),
                    "dashboard": lambda: journeys.dashboard(overseers),
                }
                for name in JOURNEYS:
                    if name not in only or name == "CSV export":
                        continue
                    for n, level in enumerate(levels):
                        if name == "survey submission":
                            for survey_id in step_surveys[n]:
                                dataset.publish_survey(data.officer, survey_id)
                            journey = journeys.survey_submission(pool, step_surveys[n])
                        else:
                            journey = made[name]()
                        mark = _audit_mark()
                        figures = load.run(wrk, server.url, journey, level, seconds, timeout=60)
                        drain(server)
                        figures["writes"] = _write_check(
                            name, figures, level, mark, data, step_surveys[n]
                        )
                        if name == "survey submission":
                            for survey_id in step_surveys[n]:
                                dataset.close_survey(data.officer, survey_id)
                        results["journeys"].setdefault(name, {})[level] = figures
                        log(f"{kind}: {name:<17} c={level:<3} {summary(figures)}")
            if "CSV export" in only and data.export_survey_id:
                # A fresh server, so that each worker's peak memory (VmHWM) is the export's.
                with Server("wsgi:app", env, log=logs).start() as server:
                    journey = journeys.csv_export(
                        overseers, data.export_survey_id, data.export_responses
                    )
                    peak_hwm = 0
                    for level in levels:
                        mark = _audit_mark()
                        with Sampler(server) as sampler:
                            figures = load.run(
                                wrk, server.url, journey, level, seconds, timeout=120
                            )
                            drain(server)
                        figures["writes"] = _write_check(
                            "CSV export", figures, level, mark, data, []
                        )
                        figures["peak_rss_mb"] = round(sampler.peak_rss_kb / 1024, 1)
                        results["journeys"].setdefault("CSV export", {})[level] = figures
                        log(
                            f"{kind}: {'CSV export':<17} c={level:<3} {summary(figures)}  "
                            f"peak RSS {figures['peak_rss_mb']} MB"
                        )
                    for pid in server.worker_pids():
                        peak_hwm = max(peak_hwm, memory_kb(pid).get("VmHWM", 0))
                    results["export_peak_hwm_mb"] = round(peak_hwm / 1024, 1)
                    results["export_responses"] = data.export_responses
            db.session.remove()
            db.engine.dispose()
    return results


# The burst ---------------------------------------------------------------------------------------


def run_burst(
    kind: str, people: int, window: float, workdir: Path, admin_url: str, logs: Path
) -> dict:
    secret = secrets.token_hex(32)
    instance = workdir / f"instance-burst-{kind}"
    instance.mkdir(exist_ok=True)
    with fresh_database(kind, workdir, admin_url, f"{kind}_burst") as url:
        app = app_for(url, secret, instance)
        with app.app_context():
            from flask_migrate import upgrade

            upgrade(directory=str(MIGRATIONS))
            data = burst.build(people)
            with Server("wsgi:app", server_env(url, secret, instance), log=logs).start() as server:
                started = time.monotonic()
                sessions = client.sign_in_all(server.url, data.people, "ThiDua@2026")
                log(
                    f"{kind}: burst: {len(sessions)} sessions in {time.monotonic() - started:.1f} s"
                )
                result = burst.run(server.url, data, sessions, window=window)
            db.session.remove()
            db.engine.dispose()
    log(
        f"{kind}: burst: {result.requests} requests sent within {result.sent_within_s} s, "
        f"done in {result.elapsed_s} s, p95 {result.p95_ms} ms, errors {result.errors}, "
        f"{'nothing lost or duplicated' if not result.problems else result.problems}"
    )
    return asdict(result)


@contextmanager
def workspace(keep: bool):
    path = Path(tempfile.mkdtemp(prefix="thidua-bench-"))
    try:
        yield path
    finally:
        if not keep:
            shutil.rmtree(path, ignore_errors=True)
