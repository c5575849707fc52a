"""The Alembic migrations build the models' schema exactly, on SQLite and on PostgreSQL."""

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app.extensions import db
from app.surveys import tallies
from tests.conftest import make_app
from tests.factories import make_campaign, make_unit, make_user
from tests.initiative_helpers import make_officer
from tests.survey_helpers import add_bulk_responses, make_survey, same_tallies


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
            db.session.remove()
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


def test_the_tallies_migration_sums_the_answers_already_stored(migrating_app):
    """Revision 0012 gives the surveys answered before it their tallies: the same as the app's
    own rebuild from the answers. (The answers are written by today's models, then the schema
    is taken back to 0011, which drops the tallies and every later column, and up again.)"""
    flask_migrate.upgrade()
    unit = make_unit(name="Phòng Tổng hợp")
    people = [make_user(unit=unit).id for _ in range(6)]
    survey = make_survey(make_campaign(), make_officer(), is_anonymous=False)
    add_bulk_responses(survey, 40, people)
    survey_id, unit_id = survey.id, unit.id
    db.session.commit()
    db.session.remove()
    flask_migrate.downgrade(revision="0011")
    assert "survey_tallies" not in inspect(db.engine).get_table_names()
    flask_migrate.upgrade()
    backfilled = tallies.read(survey_id)
    assert backfilled[(0, 0, "responses")].count == 40
    assert backfilled[(0, unit_id, "unit")].count == 6
    tallies.rebuild([survey_id])
    db.session.commit()
    same_tallies(backfilled, tallies.read(survey_id))
