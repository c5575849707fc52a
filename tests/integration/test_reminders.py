"""Reminders: the officer reminds the people who have not signed, voted or answered; each gets a
notification under the bell and, with SMTP configured, an e-mail that a real SMTP server on
127.0.0.1 receives with its Vietnamese subject intact; a second reminder within the interval,
or beyond the maximum, is refused with a message; only the officer sends, and the history is
kept."""

import email
import email.policy
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from app.extensions import db
from app.models.notifications import Notification
from app.models.reminders import Reminder
from app.reminders import services
from app.voting.services import now_utc
from tests.conftest import post
from tests.factories import make_campaign, make_unit, make_user
from tests.initiative_helpers import make_officer
from tests.review_helpers import seen, signed_commitment


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


@pytest.fixture
def smtp(app):
    """A real SMTP server on a free port of 127.0.0.1, the app pointed at it."""
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def office(app):
    campaign = make_campaign()
    unit = make_unit(name="Phòng Tổng hợp")
    officer = make_officer()
    late = make_user(unit=unit, full_name="Phạm Thị Mai Anh", email="maianh@example.vn")
    done = make_user(unit=unit, full_name="Lê Văn Tám")
    signed_commitment(campaign, done)
    return {"campaign": campaign, "officer": officer, "late": late, "done": done, "unit": unit}


def test_a_reminder_reaches_the_bell_and_the_mailbox_once_within_the_interval(office, smtp):
    thing = services.subject("commitment", office["campaign"].id)
    pending = {u.id for u in db.session.scalars(services.pending(thing)).unique()}
    assert office["late"].id in pending and office["done"].id not in pending
    title, body = services.default_text(thing)
    assert title.startswith("Nhắc nhở") and "bản đăng ký thi đua" in body
    now = now_utc()
    ids = [office["late"].id, office["done"].id]
    outcome = services.send(seen(office["officer"]), thing, ids, title, body, now)
    assert [p.id for p in outcome.sent] == [office["late"].id] and outcome.emailed == 1
    (message,) = smtp.messages
    assert message["Subject"] == title and message["To"] == "maianh@example.vn"
    assert body in message.get_content()
    note = db.session.scalar(select(Notification).where(Notification.user_id == office["late"].id))
    assert note.kind == "reminder" and note.link == "/commitments/"
    again = services.send(
        seen(office["officer"]), thing, ids, title, body, now + timedelta(hours=2)
    )
    assert again.sent == [] and [p.id for p in again.too_soon] == [office["late"].id]
    assert len(smtp.messages) == 1
    assert db.session.scalar(select(func.count(Reminder.id))) == 1


def test_no_more_than_the_maximum_even_after_the_interval(app, office):
    thing = services.subject("commitment", office["campaign"].id)
    now = now_utc()
    for day in range(app.config["REMINDER_MAX"]):
        sent = services.send(
            seen(office["officer"]),
            thing,
            [office["late"].id],
            "Nhắc",
            "Đề nghị ký.",
            now + timedelta(days=day),
        )
        assert len(sent.sent) == 1
    last = services.send(
        seen(office["officer"]),
        thing,
        [office["late"].id],
        "Nhắc",
        "Đề nghị ký.",
        now + timedelta(days=10),
    )
    assert last.sent == [] and len(last.too_many) == 1


def test_only_the_officer_sends_and_empty_texts_are_refused(office):
    from app.errors import NotAllowed, ValidationFailed

    thing = services.subject("commitment", office["campaign"].id)
    with pytest.raises(NotAllowed):
        services.send(seen(office["late"]), thing, [office["late"].id], "a", "b", now_utc())
    with pytest.raises(ValidationFailed) as caught:
        services.send(seen(office["officer"]), thing, [], " ", "", now_utc())
    assert set(caught.value.errors) == {"title", "body", "user_ids"}
    assert db.session.scalar(select(func.count(Reminder.id))) == 0


def test_the_officer_sends_from_the_form_and_a_second_time_is_refused(client, login, office):
    login(office["officer"])
    url = f"/reminders/new?kind=commitment&subject={office['campaign'].id}"
    page = client.get(url).get_data(as_text=True)
    assert "Phạm Thị Mai Anh" in page and "Lê Văn Tám" not in page
    assert "Nhắc nhở đăng ký thi đua" in page
    data = {
        "title": "Nhắc nhở đăng ký thi đua",
        "body": "Đề nghị đồng chí ký bản đăng ký.",
        "user_ids": [str(office["late"].id)],
    }
    sent = post(client, url, data)
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/reminders/")
    history = client.get("/reminders/").get_data(as_text=True)
    assert "Đã gửi nhắc nhở tới 1 người." in history and "Phạm Thị Mai Anh" in history
    again = post(client, url, data)
    assert "Chưa gửi tới Phạm Thị Mai Anh: đã được nhắc trong 24 giờ qua." in client.get(
        again.headers["Location"]
    ).get_data(as_text=True)
    bad = post(client, url, {"title": "", "body": "", "user_ids": []})
    assert bad.status_code == 422 and 'id="reminder-title-error"' in bad.get_data(as_text=True)
    # The person sees it under the bell.
    post(client, "/logout")
    login(office["late"])
    assert 'id="unread-count">1<' in client.get("/").get_data(as_text=True)
    assert "Đề nghị đồng chí ký bản đăng ký." in client.get("/notifications/").get_data(
        as_text=True
    )


@pytest.mark.parametrize("url", ["/reminders/", "/reminders/new?kind=commitment&subject=1"])
def test_staff_cannot_open_the_reminders(client, login, office, url):
    login(office["late"])
    assert client.get(url).status_code == 403


def test_an_unknown_subject_is_404(client, login, office):
    login(office["officer"])
    assert client.get("/reminders/new?kind=voting&subject=999").status_code == 404
    assert client.get("/reminders/new?kind=lunch&subject=1").status_code == 404
