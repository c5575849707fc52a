"""Behind nginx (PROXY_COUNT = 1) the app sees the person's address from X-Forwarded-For, so
the sign-in limit per address and the audit log are per person, not per proxy; without a
proxy configured the header is not believed."""

import pytest
from sqlalchemy import select

from app.extensions import db, limiter
from app.models.audit import AuditEntry
from tests.conftest import make_app, sign_in
from tests.factories import make_user


@pytest.mark.parametrize(("proxies", "seen"), [(0, "127.0.0.1"), (1, "10.20.30.40")])
def test_the_address_comes_from_the_proxy_only_when_configured(database, tmp_path, proxies, seen):
    app = make_app(database, tmp_path, PROXY_COUNT=proxies)
    with app.app_context():
        db.create_all()
        limiter.reset()
        try:
            user = make_user()
            client = app.test_client()
            client.environ_base["HTTP_X_FORWARDED_FOR"] = "10.20.30.40"
            assert sign_in(client, user.username).status_code == 303
            entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.login"))
            assert entry.ip_address == seen
        finally:
            db.session.remove()
            db.engine.dispose()
