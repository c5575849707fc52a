"""How a request's transaction ends (app/transactions.py): on PostgreSQL a transaction that only
read is committed, so that psycopg keeps its prepared statements (it forgets them on every
ROLLBACK) and the server plans a page's statements once per connection; anything written and
not committed, sent or not, is still rolled back, on both databases. A connection idle in the
pool is checked before use; one in steady use is not."""

import time

import pytest
from sqlalchemy import create_engine, event, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool

from app import transactions
from app.extensions import db
from app.models.directory import Unit, User
from app.transactions import commit_if_read_only
from tests.conftest import TEST_DATABASE_URL, make_app, sign_in
from tests.factories import make_unit, make_user

POSTGRESQL_ONLY = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="PostgreSQL only: psycopg's prepared statements"
)


def _ends(engine) -> list[str]:
    """The names of the transaction ends on `engine` from now on ("commit", "rollback")."""
    ends: list[str] = []
    for name in ("commit", "rollback"):
        event.listen(engine, name, lambda _connection, name=name: ends.append(name))
    return ends


@POSTGRESQL_ONLY
def test_pages_that_only_read_keep_the_connection_s_prepared_statements(database, tmp_path):
    # One connection for the test and its requests, so that what the requests left on it can
    # be read afterwards.
    options = {**database[1], "poolclass": StaticPool}
    app = make_app(database, tmp_path, SQLALCHEMY_ENGINE_OPTIONS=options)
    with app.app_context():
        db.create_all()
        person = make_user()
        client = app.test_client()
        assert sign_in(client, person.username).status_code == 303
        ends = _ends(db.engine)
        for _ in range(8):
            assert client.get("/").status_code == 200
        # Each request ended its read-only transaction with a COMMIT, none with a ROLLBACK ...
        assert ends.count("commit") >= 8 and "rollback" not in ends
        # ... so the statements run on every request were prepared (psycopg prepares a
        # statement run five times on a connection; a ROLLBACK makes it forget them all).
        prepared = db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
        assert prepared >= 5
        db.session.remove()
        db.engine.dispose()


def test_a_transaction_that_only_read_is_committed_on_postgresql_only(app):
    make_user()
    ends = _ends(db.engine)
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    committed = commit_if_read_only(db.session())
    assert committed == bool(TEST_DATABASE_URL)
    assert ends == (["commit"] if TEST_DATABASE_URL else [])


def test_what_was_written_and_not_committed_is_still_rolled_back(app):
    unit = make_unit("Phòng Tổng hợp", code="TH")
    ends = _ends(db.engine)
    # Sent to the database, not committed.
    db.session.execute(update(Unit).where(Unit.id == unit.id).values(name="Đã đổi"))
    assert commit_if_read_only(db.session()) is False
    db.session.rollback()
    # Not sent yet (the session holds it).
    db.session.add(Unit(name="Phòng mới", code="PM"))
    assert commit_if_read_only(db.session()) is False
    db.session.rollback()
    # A savepoint counts as a write too.
    with db.session.begin_nested():
        db.session.execute(select(Unit.id))
    assert commit_if_read_only(db.session()) is False
    db.session.rollback()
    # A flush that failed waits for its rollback: no commit, and no error either.
    db.session.add(Unit(name="Trùng mã", code="TH"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    assert commit_if_read_only(db.session()) is False
    db.session.rollback()
    assert "commit" not in ends
    assert db.session.scalars(select(Unit.name)).all() == ["Phòng Tổng hợp"]


def test_a_request_that_wrote_without_committing_is_rolled_back(app, client, login):
    """A request's view that wrote and did not commit: nothing of it stays."""

    @app.get("/_test/write-without-commit")
    def write_without_commit():
        db.session.execute(update(User).where(User.id == person.id).values(full_name="Đã đổi"))
        return "written"

    person = login()
    full_name = person.full_name
    assert client.get("/_test/write-without-commit").get_data(as_text=True) == "written"
    db.session.expire_all()
    assert db.session.get(User, person.id).full_name == full_name


def _cut(database) -> None:
    """End every connection of the test's app on the server, as a database restart does, and
    wait until they are gone."""
    url, options = database
    name = options["connect_args"]["application_name"]
    admin = create_engine(url)
    mine = "WHERE application_name = :name AND pid <> pg_backend_pid()"
    try:
        with admin.begin() as connection:
            ended = connection.execute(
                text(f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity {mine}"),
                {"name": name},
            ).scalar()
        assert ended >= 1
        for _ in range(100):
            with admin.connect() as connection:
                left = connection.execute(
                    text(f"SELECT count(*) FROM pg_stat_activity {mine}"), {"name": name}
                ).scalar()
            if not left:
                return
            time.sleep(0.05)
        raise AssertionError("the connections did not end")
    finally:
        admin.dispose()


@POSTGRESQL_ONLY
@pytest.mark.parametrize(("idle_limit", "status"), [(0.0, 200), (3600.0, 503)])
def test_a_connection_idle_in_the_pool_is_checked_before_use(
    app, client, login, database, monkeypatch, idle_limit, status
):
    login()
    assert client.get("/").status_code == 200
    db.session.remove()  # the test's own session gives its connection back too
    # Idle longer than the limit (0 s): checked, found cut, replaced, and the request goes
    # through. Used a moment ago (limit 1 h): not checked, and the request meets the cut.
    monkeypatch.setattr(transactions, "PING_AFTER_IDLE_SECONDS", idle_limit)
    _cut(database)
    assert client.get("/").status_code == status
    # Either way the pool is renewed: the next request goes through.
    assert client.get("/").status_code == 200
