"""Collections loaded by statements built once.

A `selectinload` builds, keys and compiles its own statement on each load, which for the
objects every request reads (a voting round's candidates, a survey's sections, questions and
options) costs more than running it. Their loaders run statements built once instead and set
the collections with `fill`. Like every relationship here (`raise_on_sql`), such a collection
is not read again by itself once a commit has expired it: load the owner again."""

from sqlalchemy import inspect
from sqlalchemy.orm.attributes import set_committed_value


def order_of(collection) -> tuple:
    """The relationship's own ORDER BY (`Owner.collection`), for the statement that fills it:
    the collection comes in the order it would have been loaded in."""
    return tuple(collection.property.order_by or ())


def fill(instance, key: str, values: list) -> None:
    """Set a collection as loaded from the database, unless the session already holds it (a
    collection changed and not yet committed is kept)."""
    if key in inspect(instance).unloaded:
        set_committed_value(instance, key, values)
