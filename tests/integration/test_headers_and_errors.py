"""Issue 9, part 4 (and the read-only database of part 5): the security headers on every page
for every kind of visitor (the cookies' flags are in test_auth.py), error pages that show a
request id and never a trace or SQL, the id on the log line of the failure, and a clear page,
not a crash, when the database refuses writes."""

import logging
import re

import pytest
from sqlalchemy import event, text

from app.extensions import db
from tests.conftest import TEST_DATABASE_URL, make_app, sign_in
from tests.factories import make_user

REQUIRED = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Request-Id")


def _directives(csp: str) -> dict[str, list[str]]:
    parts = (part.split() for part in csp.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def _check_headers(response, where: str) -> None:
    headers = response.headers
    missing = [name for name in REQUIRED if name not in headers]
    assert not missing, f"{where}: no {missing}"
    csp = _directives(headers["Content-Security-Policy"])
    scripts = csp.get("script-src", csp.get("default-src", []))
    assert scripts and "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, where
    assert csp.get("frame-ancestors") == ["'none'"] or "sandbox" in csp, where
    assert headers["X-Content-Type-Options"] == "nosniff", where
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin"), where


def _plain_get_routes(app) -> list[str]:
    """Every GET route without a part in its path to fill (objects' pages are checked by the
    access matrix); the static files are served by nginx in production."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
    )


@pytest.mark.parametrize("role", [None, "staff", "officer", "admin"], ids=str)
def test_every_page_sends_the_security_headers(app, client, login, role):
    if role is not None:
        login(role)
    paths = _plain_get_routes(app)
    assert len(paths) > 30
    for path in paths:
        _check_headers(client.get(path), f"{role} GET {path}")
    # And the pages that are not there, and a refused form.
    _check_headers(client.get("/no-such-page"), "404")
    _check_headers(client.post("/login", data={}), "POST /login without a token")


@pytest.fixture
def failing_app(database, tmp_path):
    """An app with a route that fails with an exception whose text looks like SQL, and errors
    handled as in production (not raised into the test)."""
    app = make_app(database, tmp_path, PROPAGATE_EXCEPTIONS=False)

    def fail():
        raise RuntimeError("SELECT password_hash FROM users WHERE id = 1")

    def bad_sql():
        db.session.execute(text("SELECT nothing FROM users WHERE id = 1 AND '"))

    app.add_url_rule("/fail", "fail", fail)
    app.add_url_rule("/bad-sql", "bad_sql", bad_sql)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_a_server_error_shows_a_request_id_and_no_trace(failing_app, caplog):
    caplog.set_level(logging.ERROR, logger="app")
    response = failing_app.test_client().get("/fail")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    request_id = response.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{16}", request_id)
    assert f'<code id="request-id">{request_id}</code>' in page
    assert "Đã xảy ra lỗi hệ thống" in page
    for leak in ("Traceback", "SELECT", "password_hash", "RuntimeError", 'File "'):
        assert leak not in page
    failures = [r for r in caplog.records if r.exc_info]
    assert failures and failures[-1].request_id == request_id
    assert "SELECT password_hash" in caplog.text  # the trace is in the log, for the admin


def test_the_error_page_speaks_the_reader_s_language_and_knows_the_mount_point(failing_app):
    client = failing_app.test_client()
    with client.session_transaction() as session:
        session["lang"] = "en"
    english = client.get("/fail", base_url="http://localhost/thidua/")
    page = english.get_data(as_text=True)
    assert english.status_code == 500
    assert '<html lang="en">' in page and "A system error occurred" in page
    assert "Đã xảy ra lỗi hệ thống" not in page
    assert f'<code id="request-id">{english.headers["X-Request-Id"]}</code>' in page
    assert 'href="/thidua/"' in page and 'href="/thidua/static/vendor/bootstrap/' in page
    with client.session_transaction() as session:
        session["lang"] = "vi"
    page = client.get("/fail").get_data(as_text=True)
    assert '<html lang="vi">' in page and "Đã xảy ra lỗi hệ thống" in page
    assert "Về trang chủ" in page and "Mã tra cứu:" in page


def test_a_fault_in_the_app_s_sql_is_a_500_not_the_unavailable_page(failing_app):
    """SQLite reports a syntax error as an OperationalError, as it does a locked or full
    database: only the latter are the database's unavailability (503); a broken statement is
    the app's fault, and a probe of injected SQL must not read as the database going down."""
    response = failing_app.test_client().get("/bad-sql")
    page = response.get_data(as_text=True)
    assert response.status_code == 500, page[:200]
    assert "Đã xảy ra lỗi hệ thống" in page and "SELECT" not in page


def test_the_proxy_request_id_is_kept_and_a_strange_one_replaced(failing_app):
    client = failing_app.test_client()
    response = client.get("/fail", headers={"X-Request-Id": "nginx-7f3a9c21e4"})
    assert response.headers["X-Request-Id"] == "nginx-7f3a9c21e4"
    assert "nginx-7f3a9c21e4" in response.get_data(as_text=True)
    response = client.get("/fail", headers={"X-Request-Id": "<script>alert(1)</script>"})
    assert re.fullmatch(r"[0-9a-f]{16}", response.headers["X-Request-Id"])
    assert "<script>" not in response.get_data(as_text=True)


def _read_only(engine) -> None:
    """Every new connection of `engine` refuses writes, as a database mounted read-only or a
    PostgreSQL replica would."""

    @event.listens_for(engine, "connect")
    def refuse_writes(connection, _record):
        cursor = connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET default_transaction_read_only = on")
            connection.commit()
        cursor.close()

    engine.dispose()


def test_a_read_only_database_gives_a_clear_page_and_recovers(app, client, database, tmp_path):
    username = make_user().username  # read here: inside the other app it would use its session
    frozen = make_app(database, tmp_path, PROPAGATE_EXCEPTIONS=False)
    with frozen.app_context():
        _read_only(db.engine)
        visitor = frozen.test_client()
        for _attempt in range(2):  # the same clear page each time, not a crash loop
            response = sign_in(visitor, username)
            page = response.get_data(as_text=True)
            assert response.status_code == 503, page[:300]
            assert response.headers["Retry-After"] == "30"
            assert "Hệ thống tạm thời gián đoạn" in page and "chưa có dữ liệu nào được lưu" in page
            assert response.headers["X-Request-Id"] in page
            assert "Traceback" not in page and "INSERT" not in page
            assert visitor.get("/login").status_code == 200  # reading still works
        db.session.remove()
        db.engine.dispose()
    # Once the database takes writes again, the same sign-in goes through.
    assert sign_in(client, username).status_code == 303


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="PostgreSQL only: its disk_full error")
def test_a_full_database_gives_a_clear_page_and_recovers(app, client):
    """PostgreSQL out of disk space refuses the write with its disk_full error (SQLSTATE
    53100): raised here by a trigger on the audit log, which every sign-in writes."""
    username = make_user().username
    db.session.execute(
        text(
            "CREATE FUNCTION no_room() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'could not extend file: No space left on device' "
            "USING ERRCODE = 'disk_full'; END $$"
        )
    )
    db.session.execute(
        text(
            "CREATE TRIGGER disk_full BEFORE INSERT ON audit_entries "
            "FOR EACH ROW EXECUTE FUNCTION no_room()"
        )
    )
    db.session.commit()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    for _attempt in range(2):  # the same clear page each time
        response = sign_in(client, username)
        page = response.get_data(as_text=True)
        assert response.status_code == 503, page[:300]
        assert "Hệ thống tạm thời gián đoạn" in page and "No space" not in page
        assert client.get("/login").status_code == 200  # reading still works
    db.session.execute(text("DROP TRIGGER disk_full ON audit_entries"))
    db.session.commit()
    assert sign_in(client, username).status_code == 303
