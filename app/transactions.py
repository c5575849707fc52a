"""Connections and transactions on PostgreSQL: a request's transaction that only read ends with
COMMIT; a connection left idle is checked before use.

psycopg forgets its prepared statements on every ROLLBACK (a rolled-back transaction may have
changed what they refer to), and the session rolls back whatever is left open when the request
ends: a page that only read ended with a ROLLBACK, so no statement was ever run often enough on
one connection to be prepared, and PostgreSQL planned every statement of every page again (0.2
to 1 ms each, more than running it). For a transaction that wrote nothing, COMMIT and ROLLBACK
leave the database the same; ending it with COMMIT keeps the connection's prepared statements,
and the statements every page runs are planned once per connection.

A transaction counts as having written when any statement sent in it was not a SELECT (an
INSERT, UPDATE or DELETE, a savepoint, anything else), or when the session holds changes not
yet sent: those are still rolled back, as before. SQLite is left alone (nothing to keep).

A connection that has sat unused in the pool for a while is checked before a request uses it
(one round trip): a database restart or a network cut meanwhile is found there and the
connection replaced, so the request does not fail. A connection in steady use is not checked
each time (that was a round trip on every request): if the database goes away under load, the
requests then running get the 503 page, the pool is renewed, and the next ones go through.
"""

from functools import partial
from time import monotonic

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session

WROTE = "thidua.wrote"
RETURNED_AT = "thidua.returned_at"
# Seconds unused in the pool after which a connection is checked before use.
PING_AFTER_IDLE_SECONDS = 10.0


def watch(engine: Engine) -> None:
    """Note, per connection, whether its current transaction has sent anything but a SELECT,
    and check a connection that has been idle before it is used (PostgreSQL only)."""
    if engine.dialect.name != "postgresql":
        return
    event.listen(engine, "begin", _began)
    event.listen(engine, "before_cursor_execute", _sent)
    # Pool events given to the engine: they follow it to a new pool (Engine.dispose).
    event.listen(engine, "checkin", _returned)
    event.listen(engine, "checkout", partial(_ping_if_idle, engine))


def _returned(dbapi_connection, record) -> None:
    if record is not None:
        record.info[RETURNED_AT] = monotonic()


def _ping_if_idle(engine: Engine, dbapi_connection, record, proxy) -> None:
    returned = record.info.get(RETURNED_AT)
    if returned is None or monotonic() - returned < PING_AFTER_IDLE_SECONDS:
        return  # new, or used a moment ago
    try:
        engine.dialect.do_ping(dbapi_connection)
    except Exception as error:  # the pool replaces the connection and tries again
        raise DisconnectionError(str(error)) from error


def _began(connection) -> None:
    connection.info[WROTE] = False


def _sent(connection, cursor, statement: str, parameters, context, executemany) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        connection.info[WROTE] = True


def commit_if_read_only(session: Session) -> bool:
    """Commit the session's transaction when it has written nothing (PostgreSQL only); True if
    it did. Anything written, sent or not, is left for the rollback that ends the request.
    For the end of a request (app/errors.py), just before the session is closed."""
    if not session.in_transaction():
        return False
    if not session.get_transaction().is_active:  # a failed flush waits for its rollback
        return False
    # Only connections `watch` follows (PostgreSQL's) carry the mark; any other counts as written.
    if session.connection().info.get(WROTE, True):
        return False
    if session.new or session.dirty or session.deleted:
        return False
    before, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()  # the request is over: nothing loaded needs expiring
    finally:
        session.expire_on_commit = before
    return True
