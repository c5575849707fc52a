"""The Alembic migrations build the models' schema exactly, on SQLite and on PostgreSQL."""

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app.extensions import db
from tests.conftest import make_app


def _drift():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


@pytest.fixture
def migrating_app(database, tmp_path):
    """An app on the empty database, its connections closed even when the test fails (an
    open one would be collected during a later test, failing it with a ResourceWarning)."""
    app = make_app(database, tmp_path)
    with app.app_context():
        try:
            yield app
        finally:
            db.engine.dispose()


def test_migrations_upgrade_empty_database_to_head_without_drift(migrating_app):
    assert inspect(db.engine).get_table_names() == []
    flask_migrate.upgrade()
    assert "users" in inspect(db.engine).get_table_names()
    assert _drift() == []


def test_migrations_downgrade_to_base_and_up_again(migrating_app):
    flask_migrate.upgrade()
    flask_migrate.downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    flask_migrate.upgrade()
    assert _drift() == []
