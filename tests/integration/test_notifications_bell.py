"""The bell in the header shows the signed-in person's unread notifications, and the count goes
when they are read."""

from app.extensions import db
from app.notifications.services import notify
from tests.conftest import post
from tests.factories import make_campaign
from tests.initiative_helpers import make_council


def test_the_bell_counts_unread_notifications_then_clears(client, login):
    person = login("staff")
    page = client.get("/").get_data(as_text=True)
    assert 'id="unread-count"' not in page
    for _ in range(2):
        notify(person.id, "initiative.accepted", {"title": "Số hóa hồ sơ"})
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert 'id="unread-count">2<span class="visually-hidden"> chưa đọc</span>' in page
    other = client.get("/directory/").get_data(as_text=True)
    assert 'id="unread-count">2<' in other
    post(client, "/notifications/read-all")
    assert 'id="unread-count"' not in client.get("/").get_data(as_text=True)


def test_the_header_asks_nothing_of_its_own_on_a_page(client, login, count_queries):
    """The bell's count and whether the menu lists the councils come in the statement that
    loads the signed-in person: no page runs a statement of its own for them."""
    person = login("staff")
    make_council(make_campaign(), members=[person])
    notify(person.id, "initiative.accepted", {"title": "Số hóa hồ sơ"})
    db.session.commit()
    with count_queries() as statements:
        page = client.get("/directory/").get_data(as_text=True)
    assert 'id="unread-count">1<' in page
    assert 'href="/council/"' in page
    header = [s for s in statements if "notifications" in s or "council_members" in s]
    assert len(header) == 1
    assert "FROM users" in header[0]
