"""Every foreign key, and every column the pages filter or sort on, has an index: a delete of a
person or a page's WHERE must not scan a table that grows with the province."""

from sqlalchemy import PrimaryKeyConstraint, UniqueConstraint

from app.extensions import db

# Columns the lists, dashboards and exports filter or order by (beyond foreign keys).
FILTERED = {
    "users": ["name_sort"],
    "units": ["name_folded"],
    "commitments": ["status"],
    "initiatives": ["status", "year", "created_at"],
    "voting_rounds": ["status", "closes_at"],
    "surveys": ["status", "closes_at"],
    "notifications": ["created_at"],
    "reminders": ["sent_at"],
    "audit_entries": ["created_at", "action"],
    "reports": ["created_at"],
    "commendations": ["status"],
    "stories": ["status"],
}


def _leading_columns(table) -> list[tuple[str, ...]]:
    """The column lists an index can serve from their start: indexes, primary and unique keys."""
    keys = [tuple(c.name for c in index.columns) for index in table.indexes]
    keys += [
        tuple(c.name for c in constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, PrimaryKeyConstraint | UniqueConstraint)
    ]
    return keys


def _covered(table, columns: tuple[str, ...]) -> bool:
    return any(key[: len(columns)] == columns for key in _leading_columns(table))


def test_every_foreign_key_has_an_index(app):
    missing = [
        f"{table.name}.{','.join(c.name for c in fk.columns)}"
        for table in db.metadata.sorted_tables
        for fk in table.foreign_key_constraints
        if not _covered(table, tuple(c.name for c in fk.columns))
    ]
    assert missing == []


def test_every_filtered_column_has_an_index(app):
    tables = db.metadata.tables
    missing = [
        f"{name}.{column}"
        for name, columns in FILTERED.items()
        for column in columns
        if not _covered(tables[name], (column,))
    ]
    assert missing == []
