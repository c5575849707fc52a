"""Every /admin/ route, read from the URL map so later routes are covered too: admins only."""

import pytest
from flask import url_for
from werkzeug.routing import IntegerConverter

from tests.conftest import post
from tests.factories import make_unit, make_user


def admin_requests(app, unit_id: int, user_id: int) -> list[tuple[str, str]]:
    """(method, path) of every admin route, its ids replaced by those of real objects."""
    ids = {"unit_id": unit_id, "user_id": user_id}
    requests = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("admin."):
                continue
            values = {}
            for name in rule.arguments:
                converter = rule._converters[name]
                values[name] = ids.get(name, 1 if isinstance(converter, IntegerConverter) else "x")
            path = url_for(rule.endpoint, **values)
            requests += [(method, path) for method in sorted(rule.methods & {"GET", "POST"})]
    return requests


@pytest.fixture
def targets(app):
    unit = make_unit()
    user = make_user(unit=unit)
    return admin_requests(app, unit.id, user.id)


def test_admin_requests_cover_the_admin_screens(targets):
    paths = {path for _method, path in targets}
    assert {"/admin/", "/admin/units/", "/admin/users/", "/admin/audit/"} <= paths
    assert any(method == "POST" for method, _path in targets)


@pytest.mark.parametrize("role", ["staff", "officer", "unit_head", "leader", "comms"])
def test_admin_routes_non_admin_gets_403_everywhere(client, login, targets, role):
    login(role)
    statuses = {}
    for method, path in targets:
        response = client.get(path) if method == "GET" else post(client, path, {})
        statuses[(method, path)] = response.status_code
    assert {key for key, status in statuses.items() if status != 403} == set()


def test_admin_routes_anonymous_is_sent_to_login(client, targets):
    for method, path in targets:
        if method == "GET":
            response = client.get(path)
        else:
            response = post(client, path, {}, token_from="/login")
        assert response.status_code == 302, (method, path)
        assert response.headers["Location"].startswith("/login"), (method, path)


def test_admin_post_without_csrf_token_is_refused(client, login):
    login("admin")
    unit = make_unit()
    response = client.post(f"/admin/units/{unit.id}/", data={"name": "Không có mã bảo mật"})
    assert response.status_code == 400
    assert "mã bảo mật" in response.get_data(as_text=True)


def test_admin_index_redirects_to_users(client, login):
    login("admin")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users/"


def test_admin_menu_shows_the_admin_screens(client, login):
    login("admin")
    page = client.get("/").get_data(as_text=True)
    for path in ("/admin/units/", "/admin/users/", "/admin/audit/"):
        assert f'href="{path}"' in page
