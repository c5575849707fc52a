"""The person picker: a search of the directory whose results are radio buttons inside the form
that uses them (co-authors, council members). Without JavaScript the search is a GET of the
page itself; with htmx the results come from main.people_choices as the person types."""

from flask import request

from app.directory import people_query
from app.extensions import db
from app.models.directory import User

LIMIT = 10


def search_people(q: str, exclude_ids=()) -> list:
    """At most LIMIT active people matching `q` (none for an empty search), without those
    already chosen."""
    if not q.strip():
        return []
    stmt = people_query(q)
    if exclude_ids:
        stmt = stmt.where(User.id.not_in(list(exclude_ids)))
    return list(db.session.scalars(stmt.limit(LIMIT)).unique())


def picker_query(param: str = "find") -> str:
    """What the person typed in the picker's search (the page's GET parameter)."""
    return request.args.get(param, "")
