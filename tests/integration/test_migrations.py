"""The Alembic migrations build the models' schema exactly, on SQLite and on PostgreSQL."""

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app.extensions import db
from tests.conftest import make_app


def _drift():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_upgrade_empty_database_to_head_without_drift(database, tmp_path):
    app = make_app(database, tmp_path)
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
        flask_migrate.upgrade()
        assert "users" in inspect(db.engine).get_table_names()
        assert _drift() == []
        db.engine.dispose()


def test_migrations_downgrade_to_base_and_up_again(database, tmp_path):
    app = make_app(database, tmp_path)
    with app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()
        assert _drift() == []
        db.engine.dispose()
