"""How a request's transaction ends on PostgreSQL: a transaction that only read is committed.

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
"""

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

WROTE = "thidua.wrote"


def watch(engine: Engine) -> None:
    """Note, per connection, whether its current transaction has sent anything but a SELECT."""
    if engine.dialect.name != "postgresql":
        return
    event.listen(engine, "begin", _began)
    event.listen(engine, "before_cursor_execute", _sent)


def _began(connection) -> None:
    connection.info[WROTE] = False


def _sent(connection, cursor, statement: str, parameters, context, executemany) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        connection.info[WROTE] = True


def commit_if_read_only(session: Session) -> bool:
    """Commit the session's transaction when it has written nothing (PostgreSQL only); True if
    it did. Anything written, sent or not, is left for the rollback that ends the request.
    For the end of a request (app/errors.py), just before the session is closed."""
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return False
    connection = session.connection()
    if connection.dialect.name != "postgresql" or connection.info.get(WROTE, True):
        return False
    before, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()  # the request is over: nothing loaded needs expiring
    finally:
        session.expire_on_commit = before
    return True
