"""The shell: security headers, error pages, language switch, health check, menus."""

import pytest

from tests.conftest import post, sign_in
from tests.factories import make_user


def test_every_response_has_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "HX-Request" in response.headers["Vary"]


def test_unknown_url_gives_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_503_when_database_is_unreachable(tmp_path):
    from tests.conftest import make_app

    app = make_app((f"sqlite:///{tmp_path}/missing-dir/x.sqlite3", {}), tmp_path)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"


def test_language_switch_to_english_and_back(client, login):
    """The menu's labels (translated in Python) and the templates' strings (translated with the
    catalogue the render found) both follow the switch."""
    login("staff")
    page = client.get("/").get_data(as_text=True)
    assert "Việc của tôi" in page and "Bỏ qua, đến nội dung chính" in page
    post(client, "/language", {"lang": "en", "next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert "My tasks" in page and "Skip to main content" in page
    assert "Bỏ qua, đến nội dung chính" not in page
    post(client, "/language", {"lang": "vi", "next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert "Việc của tôi" in page and "Bỏ qua, đến nội dung chính" in page


def test_language_switch_ignores_offsite_next(client):
    response = post(
        client, "/language", {"lang": "en", "next": "https://evil.example/"}, token_from="/login"
    )
    assert response.headers["Location"] == "/"


MENUS = {
    "staff": {"Việc của tôi", "Danh bạ"},
    "unit_head": {"Đơn vị của tôi"},
    "officer": {"Quản lý phong trào"},
    "admin": {"Quản trị"},
}


@pytest.mark.parametrize("role", ["staff", "unit_head", "officer", "leader", "comms", "admin"])
def test_home_shows_the_roles_menu(client, login, role):
    from tests.factories import make_unit

    unit = make_unit()
    login(role, unit=unit)
    page = client.get("/").get_data(as_text=True)
    body = page[page.index("<nav") : page.index("</nav>")]
    for label in MENUS["staff"] | MENUS.get(role, set()):
        assert label in body
    for other, labels in MENUS.items():
        if other not in ("staff", role):
            for label in labels:
                assert label not in body


def test_the_kept_menu_marks_the_page_shown_and_follows_the_roles(client, login, drawings):
    """The menu's list is drawn once per set of items, page and unread count (fragments.py)."""

    def current(path: str) -> list[str]:
        page = client.get(path).get_data(as_text=True)
        menu = page[page.index('class="navbar-nav me-auto"') : page.index('id="account-menu"')]
        return [link.split('"')[0] for link in menu.split('href="')[1:] if "aria-current" in link]

    login("staff")
    assert current("/") == ["/"]
    assert current("/directory/") == ["/directory/"]
    assert current("/") == ["/"]
    assert drawings.count("menu") == 2
    # An officer's menu is another list, drawn for them.
    other = client.application.test_client()
    assert sign_in(other, make_user(roles=("officer",)).username).status_code == 303
    page = other.get("/").get_data(as_text=True)
    assert "Quản lý phong trào" in page and drawings.count("menu") == 3


def test_decomposed_form_input_arrives_nfc(app, client):
    import unicodedata

    from tests.factories import make_user

    make_user(username="nhanvien")
    decomposed = unicodedata.normalize("NFD", "Tiếng Việt")
    assert decomposed != "Tiếng Việt"
    with app.test_request_context("/?q=" + decomposed, method="POST", data={"x": decomposed}):
        from flask import request

        assert request.form["x"] == "Tiếng Việt"
        assert request.args["q"] == "Tiếng Việt"


def test_server_error_gives_vietnamese_500_page(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/test-boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/test-boom")
    assert response.status_code == 500
    assert "Đã xảy ra lỗi hệ thống" in response.get_data(as_text=True)


def test_home_shows_days_left_to_the_registration_deadline(client, login):
    from datetime import timedelta

    from app.extensions import db
    from app.web.filters import local_today
    from tests.factories import make_campaign

    campaign = make_campaign()
    campaign.registration_deadline = local_today() + timedelta(days=12)
    db.session.commit()
    login("staff")
    body = client.get("/").get_data(as_text=True)
    assert "còn 12 ngày" in body
    campaign.registration_deadline = local_today() - timedelta(days=1)
    db.session.commit()
    assert "đã hết hạn" in client.get("/").get_data(as_text=True)
