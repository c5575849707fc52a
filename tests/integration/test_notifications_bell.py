"""The bell in the header shows the signed-in person's unread notifications, and the count goes
when they are read."""

from app.extensions import db
from app.notifications.services import notify
from tests.conftest import post


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
