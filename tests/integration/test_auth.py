"""Sign-in, sign-out, passwords, rate limiting, session cookies and CSRF."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.audit import AuditEntry
from tests.conftest import post, sign_in
from tests.factories import DEFAULT_PASSWORD, make_user


def test_login_with_right_password_redirects_home_and_audits(client):
    user = make_user(username="nhanvien")
    response = sign_in(client, "NhanVien ")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.login"))
    assert entry.actor_id == user.id


def test_login_wrong_password_keeps_username_and_says_so(client):
    make_user(username="nhanvien")
    response = sign_in(client, "nhanvien", "sai-mat-khau")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="nhanvien"' in body
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in body
    failed = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.login_failed"))
    assert failed.details["username"] == "nhanvien"


def test_login_inactive_user_is_refused(client):
    make_user(username="daxoa", is_active=False)
    assert sign_in(client, "daxoa").status_code == 422


def test_login_sixth_failure_within_a_minute_gets_429(client):
    make_user(username="nhanvien")
    statuses = [sign_in(client, "nhanvien", f"sai-{i}").status_code for i in range(6)]
    assert statuses == [422] * 5 + [429]
    response = sign_in(client, "nhanvien", "sai-6")
    assert "Bạn đã đăng nhập sai quá nhiều lần" in response.get_data(as_text=True)


def test_login_failures_counted_per_username_across_addresses(client):
    make_user(username="nhanvien")
    for i in range(5):
        env = {"REMOTE_ADDR": f"10.0.0.{i + 1}"}
        assert (
            post(
                client,
                "/login",
                {"username": "nhanvien", "password": "x"},
                token_from="/login",
                environ_base=env,
            ).status_code
            == 422
        )
    response = post(
        client,
        "/login",
        {"username": "nhanvien", "password": "x"},
        token_from="/login",
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert response.status_code == 429


def test_login_success_does_not_count_as_failure(client):
    make_user(username="nhanvien")
    for _ in range(6):
        assert sign_in(client, "nhanvien").status_code == 303
        post(client, "/logout")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/directory/?q=an", "/directory/?q=an"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_login_next_redirects_only_within_site(client, target, expected):
    make_user(username="nhanvien")
    token = client.get("/login").get_data(as_text=True)
    import re

    csrf = re.search(r'"X-CSRFToken": "([^"]+)"', token).group(1)
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": "nhanvien", "password": "Mật-khẩu-thử-1", "csrf_token": csrf},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == expected


def test_login_cookie_is_httponly_samesite_and_session_renewed(client):
    make_user(username="nhanvien")
    client.get("/login")
    before = client.get_cookie("session").value
    response = sign_in(client, "nhanvien", remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie
    assert any(c.startswith("remember_token=") and "HttpOnly" in c for c in cookies)
    assert client.get_cookie("session").value != before


def test_cookies_secure_when_configured(database, tmp_path):
    from tests.conftest import make_app

    app = make_app(database, tmp_path, SESSION_COOKIE_SECURE=True)
    with app.app_context():
        db.create_all()
        make_user(username="nhanvien")
        response = sign_in(app.test_client(), "nhanvien", remember="y")
        cookies = response.headers.getlist("Set-Cookie")
        db.session.remove()
        db.engine.dispose()
    assert any(c.startswith("session=") and "Secure" in c for c in cookies)
    assert any(c.startswith("remember_token=") and "Secure" in c for c in cookies)


def test_post_without_csrf_token_is_refused(client):
    make_user(username="nhanvien")
    response = client.post("/login", data={"username": "nhanvien", "password": "x"})
    assert response.status_code == 400
    assert "mã bảo mật" in response.get_data(as_text=True)


def test_logout_ends_the_session(client, login):
    login("staff")
    assert client.get("/").status_code == 200
    response = post(client, "/logout")
    assert response.status_code == 303
    assert client.get("/").status_code == 302


def test_a_copy_of_the_cookies_stops_working_at_sign_out(app, client):
    """Sign-out ends the session itself, not only the browser's cookie: a copy taken before
    (a shared computer, a stolen cookie) is refused after, the remember cookie too."""
    make_user(username="nhanvien")
    assert sign_in(client, "nhanvien", remember="y").status_code == 303
    copied = {name: client.get_cookie(name).value for name in ("session", "remember_token")}
    assert post(client, "/logout").status_code == 303
    for names in (("session",), ("remember_token",), ("session", "remember_token")):
        thief = app.test_client()
        for name in names:
            thief.set_cookie(name, copied[name])
        response = thief.get("/")
        assert response.status_code == 302, names
        assert response.headers["Location"].startswith("/login")
    logged = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.logout"))
    assert [entry.target_label for entry in logged] == ["nhanvien"]


def test_login_failures_counted_per_address_across_usernames(client):
    for n in range(6):
        make_user(username=f"canbo{n}")
    statuses = [sign_in(client, f"canbo{n}", "sai-mat-khau").status_code for n in range(6)]
    assert statuses == [422] * 5 + [429]
    # Another address is not held back by these failures.
    response = post(
        client,
        "/login",
        {"username": "canbo5", "password": "sai-mat-khau"},
        token_from="/login",
        environ_base={"REMOTE_ADDR": "10.0.0.77"},
    )
    assert response.status_code == 422


def test_pages_need_sign_in(client):
    response = client.get("/directory/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_change_password_checks_current_and_signs_out_other_sessions(app, client, login):
    user = login("staff")
    other = app.test_client()
    assert sign_in(other, user.username).status_code == 303

    bad = post(
        client,
        "/account/password",
        {
            "current_password": "sai",
            "new_password": "ngắn",
            "confirm_password": "ngắn",
        },
    )
    body = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Mật khẩu hiện tại không đúng" in body
    assert "ít nhất 8 ký tự" in body

    good = post(
        client,
        "/account/password",
        {
            "current_password": "Mật-khẩu-thử-1",
            "new_password": "Mật-khẩu-mới-2026",
            "confirm_password": "Mật-khẩu-mới-2026",
        },
    )
    assert good.status_code == 303
    assert client.get("/").status_code == 200  # this session goes on
    assert other.get("/").status_code == 302  # the other one is signed out
    assert sign_in(app.test_client(), user.username, "Mật-khẩu-mới-2026").status_code == 303


def test_must_change_password_redirects_until_changed(client, login):
    user = make_user(username="moi")
    user.must_change_password = True
    db.session.commit()
    login(user)
    response = client.get("/directory/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/password"


def test_login_limit_shared_through_redis_when_configured(database, tmp_path):
    """With RATELIMIT_STORAGE_URI on Redis, the limit holds across workers (here: two apps)."""
    import uuid

    from app.extensions import limiter
    from tests.conftest import make_app

    redis_uri = "redis://127.0.0.1:6379"
    try:
        import redis

        redis.Redis.from_url(redis_uri).ping()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    username = "u" + uuid.uuid4().hex[:12]
    first = make_app(database, tmp_path, RATELIMIT_STORAGE_URI=redis_uri)
    with first.app_context():
        db.create_all()
        make_user(username=username)
        client = first.test_client()
        statuses = [sign_in(client, username, "sai").status_code for _ in range(5)]
        db.session.remove()
    second = make_app(database, tmp_path, RATELIMIT_STORAGE_URI=redis_uri)
    with second.app_context():
        statuses.append(sign_in(second.test_client(), username, "sai").status_code)
        limiter.reset()
        db.session.remove()
        db.engine.dispose()
    with first.app_context():
        db.engine.dispose()
    assert statuses == [422] * 5 + [429]


def test_a_session_works_on_another_app_server_and_ends_there_too(database, tmp_path):
    """Two app servers sharing SECRET_KEY and the database: signed in on one, served by the
    other; a password change on one ends the other sessions on both."""
    from tests.conftest import make_app

    first = make_app(database, tmp_path / "one")
    second = make_app(database, tmp_path / "two")
    with first.app_context():
        db.create_all()
        user = make_user()
        username = user.username
        browser, other_tab = first.test_client(), first.test_client()
        assert sign_in(browser, username).status_code == 303
        assert sign_in(other_tab, username).status_code == 303
        cookie = other_tab.get_cookie("session").value
        db.session.remove()
    with second.app_context():
        on_second = second.test_client()
        on_second.set_cookie("session", cookie)
        assert on_second.get("/").status_code == 200  # the same session, another server
        db.session.remove()
    with first.app_context():
        changed = post(
            browser,
            "/account/password",
            {
                "current_password": DEFAULT_PASSWORD,
                "new_password": "Mật-khẩu-mới-2026",
                "confirm_password": "Mật-khẩu-mới-2026",
            },
        )
        assert changed.status_code == 303, changed.get_data(as_text=True)[:300]
        db.session.remove()
        db.engine.dispose()
    with second.app_context():
        response = on_second.get("/")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        db.session.remove()
        db.engine.dispose()
