"""Fixtures: an app on a fresh database per test, a signed-in client by role, a query counter.

SQLite files by default; PostgreSQL when TEST_DATABASE_URL is set (each test gets its own
schema in that database, dropped afterwards).
"""

import os
import re
import uuid
from contextlib import contextmanager

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text

from app import create_app
from app.config import database_url
from app.extensions import db, limiter
from app.web import fragments
from tests.factories import DEFAULT_PASSWORD, make_user

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + TEST_DATABASE_URL if TEST_DATABASE_URL else 'SQLite'}"


@pytest.fixture
def database(tmp_path):
    """(URI, engine options) of an empty database for one test."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}", {}
        return
    url = database_url(TEST_DATABASE_URL)
    schema = "test_" + uuid.uuid4().hex[:16]
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    # The test's connections carry the schema's name, so that a test which failed with a
    # transaction still open in some thread cannot block the drop (and with it the whole run).
    options = {"options": f"-csearch_path={schema}", "application_name": schema}
    try:
        yield url, {"connect_args": options}
    finally:
        with admin.begin() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :name AND pid <> pg_backend_pid()"
                ),
                {"name": schema},
            )
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, so its own database session, as in production;
    afterwards the test's session forgets what it had loaded, to see what the request wrote."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


def make_app(database, tmp_path, **overrides):
    uri, engine_options = database
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": uri,
        "SQLALCHEMY_ENGINE_OPTIONS": dict(engine_options),
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "RATELIMIT_STORAGE_URI": "memory://",
        # Tests change data through factories, which leave no audit entry: figures are read
        # fresh (tests/integration/test_figures_cache.py turns the cache on).
        "FIGURES_CACHE_SECONDS": 0,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def app(database, tmp_path):
    app = make_app(database, tmp_path)
    with app.app_context():
        db.create_all()
        limiter.reset()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token of the client's session, read from a page (every page carries it)."""
    response = client.get(path, follow_redirects=True)
    match = _TOKEN.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post(client, path: str, data: dict | None = None, token_from: str = "/", **kwargs):
    """POST with the session's CSRF token, as a browser's form would."""
    payload = dict(data or {})
    payload.setdefault("csrf_token", csrf_token(client, token_from))
    return client.post(path, data=payload, **kwargs)


def sign_in(client, username: str, password: str = DEFAULT_PASSWORD, **extra):
    data = {"username": username, "password": password, **extra}
    return post(client, "/login", data, token_from="/login")


@pytest.fixture
def login(client, app):
    """login(role="staff" | user) signs the client in and returns the user."""

    def _login(role_or_user="staff", **user_fields):
        user = role_or_user
        if isinstance(role_or_user, str):
            roles = () if role_or_user == "staff" else (role_or_user,)
            user = make_user(roles=roles, **user_fields)
        response = sign_in(client, user.username)
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return user

    return _login


@pytest.fixture
def drawings(monkeypatch):
    """The names of the kept parts of pages drawn during the test (app/web/fragments.py), which
    starts with none kept."""
    drawn = fragments.drawn
    names: list[str] = []

    def counted(name, inputs, draw):
        return drawn(name, inputs, lambda: (names.append(name), draw())[1])

    fragments.clear()
    monkeypatch.setattr(fragments, "drawn", counted)
    return names


@pytest.fixture
def count_queries(app):
    """with count_queries() as statements: ... collects the SQL run inside the block."""

    @contextmanager
    def counter():
        statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counter
