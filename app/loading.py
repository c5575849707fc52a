"""Collections loaded by statements built once.

A `selectinload` builds, keys and compiles its own statement on each load, which for the
objects every request reads (a voting round's candidates, a survey's sections, questions and
options) costs more than running it. Their loaders run statements built once instead and set
the collections with `fill`. Like every relationship here (`raise_on_sql`), such a collection
is not read again by itself once a commit has expired it: load the owner again."""

from contextlib import contextmanager

from sqlalchemy import inspect
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db


def order_of(collection) -> tuple:
    """The relationship's own ORDER BY (`Owner.collection`), for the statement that fills it:
    the collection comes in the order it would have been loaded in."""
    return tuple(collection.property.order_by or ())


def fill(instance, key: str, values: list) -> None:
    """Set a collection as loaded from the database, unless the session already holds it (a
    collection changed and not yet committed is kept)."""
    if key in inspect(instance).unloaded:
        set_committed_value(instance, key, values)


@contextmanager
def kept_after_commit():
    """Within the block, a commit leaves what the session holds loaded (a rollback still
    expires everything). For a write whose page is drawn from objects read before it and that
    it does not change (a vote's round, its candidates, the signed-in person): the page does
    not read them all again. After the block, `expired(obj, collections...)` says whether a
    rollback emptied them."""
    session = db.session()
    before = session.expire_on_commit
    session.expire_on_commit = False
    try:
        yield
    finally:
        session.expire_on_commit = before


def expired(instance, *collections: str) -> bool:
    """Whether a rollback (or an expire) has emptied the object, or one of its `collections`,
    since it was loaded (a retry after a rollback reads the columns again, not the
    collections): load it again."""
    state = inspect(instance)
    return state.expired or any(key in state.unloaded for key in collections)
