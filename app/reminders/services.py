"""Reminders (đôn đốc): the officer picks people who have not yet done a thing (signed their
commitment, voted, answered a survey) and sends them a prepared Vietnamese text, edited if
needed. Each reminder is an in-app notification and, when SMTP is configured, an e-mail;
nobody is reminded twice about the same thing within REMINDER_INTERVAL_HOURS, nor more than
REMINDER_MAX times; every reminder is kept for the history.
"""

import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload

from app import audit
from app.errors import NotAllowed, ValidationFailed
from app.extensions import db
from app.models.campaigns import Campaign
from app.models.commitments import Commitment, CommitmentStatus
from app.models.directory import Role, User
from app.models.notifications import Notification
from app.models.reminders import BODY_MAX, TITLE_MAX, Reminder, ReminderKind
from app.models.surveys import Survey, SurveyParticipation
from app.models.voting import VotingRound
from app.notifications.services import link_to
from app.surveys.services import audience
from app.text import clean, clean_paragraphs
from app.voting.queries import non_voters
from app.web.filters import format_date, format_datetime

K = ReminderKind
SIGNED = (CommitmentStatus.SIGNED, CommitmentStatus.CONFIRMED)


@dataclass(frozen=True)
class Subject:
    """What people are reminded about: its kind, id, name and the page they should open."""

    kind: str
    id: int
    name: str
    link: str
    deadline: str


def subject(kind: str, subject_id: int) -> Subject | None:
    """The campaign, round or survey a reminder is about (None when unknown)."""
    if kind == K.COMMITMENT:
        campaign = db.session.get(Campaign, subject_id)
        if campaign is None:
            return None
        deadline = (
            format_date(campaign.registration_deadline) if campaign.registration_deadline else ""
        )
        return Subject(kind, campaign.id, campaign.name, link_to("commitments.mine"), deadline)
    if kind == K.VOTING:
        round_ = db.session.get(VotingRound, subject_id)
        if round_ is None or round_.is_draft:
            return None
        link = link_to("voting.show", round_id=round_.id)
        return Subject(kind, round_.id, round_.title, link, format_datetime(round_.closes_at))
    if kind == K.SURVEY:
        survey = db.session.get(Survey, subject_id)
        if survey is None or survey.is_draft:
            return None
        link = link_to("surveys.answer", survey_id=survey.id)
        return Subject(kind, survey.id, survey.title, link, format_datetime(survey.closes_at))
    return None


def pending(thing: Subject):
    """The select() of the active people who have not yet done the thing, by given name."""
    if thing.kind == K.COMMITMENT:
        signed = exists().where(
            Commitment.user_id == User.id,
            Commitment.campaign_id == thing.id,
            Commitment.status.in_(SIGNED),
        )
        stmt = select(User).where(User.is_active.is_(True), ~signed)
    elif thing.kind == K.VOTING:
        return non_voters(db.session.get(VotingRound, thing.id))
    else:
        answered = exists().where(
            SurveyParticipation.survey_id == thing.id, SurveyParticipation.user_id == User.id
        )
        stmt = audience(db.session.get(Survey, thing.id)).where(~answered)
    return stmt.options(joinedload(User.unit)).order_by(User.name_sort, User.id)


def default_text(thing: Subject) -> tuple[str, str]:
    """The prepared title and text of a reminder, in Vietnamese administrative style."""
    if thing.kind == K.COMMITMENT:
        return (
            _("Reminder: register for the emulation movement"),
            _(
                "Please complete and sign your emulation commitment for %(name)s%(deadline)s.",
                name=thing.name,
                deadline=_(" before %(date)s", date=thing.deadline) if thing.deadline else "",
            ),
        )
    if thing.kind == K.VOTING:
        return (
            _("Reminder: take part in the vote"),
            _(
                "Please take part in the vote “%(name)s” before %(time)s.",
                name=thing.name,
                time=thing.deadline,
            ),
        )
    return (
        _("Reminder: answer the survey"),
        _(
            "Please answer the survey “%(name)s” before %(time)s.",
            name=thing.name,
            time=thing.deadline,
        ),
    )


@dataclass
class Outcome:
    sent: list[User] = field(default_factory=list)
    too_soon: list[User] = field(default_factory=list)
    too_many: list[User] = field(default_factory=list)
    emailed: int = 0


def _history(thing: Subject, user_ids) -> dict[int, tuple[int, datetime]]:
    """{user id: (reminders so far, the last one's time)} about the thing (one query)."""
    rows = db.session.execute(
        select(Reminder.user_id, func.count(), func.max(Reminder.sent_at))
        .where(
            Reminder.kind == thing.kind,
            Reminder.subject_id == thing.id,
            Reminder.user_id.in_(user_ids),
        )
        .group_by(Reminder.user_id)
    ).all()
    return {user_id: (count, last) for user_id, count, last in rows}


def send(actor: User, thing: Subject, user_ids, title: str, body: str, now: datetime) -> Outcome:
    """Remind the chosen people who are still pending; refuse those reminded within the
    interval or too often. Notifications are written with the reminders in one commit; the
    e-mails go out after it."""
    if not actor.has_role(Role.OFFICER):
        raise NotAllowed(_("Only the emulation officer sends reminders."))
    title, body = clean(title), clean_paragraphs(body)
    errors = {}
    if not title:
        errors["title"] = [_("Enter the title of the reminder.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("At most %(max)d characters.", max=TITLE_MAX)]
    if not body:
        errors["body"] = [_("Enter the text of the reminder.")]
    elif len(body) > BODY_MAX:
        errors["body"] = [_("At most %(max)d characters.", max=BODY_MAX)]
    wanted = set(user_ids)
    if not wanted:
        errors["user_ids"] = [_("Choose at least one person.")]
    if errors:
        raise ValidationFailed(errors)
    people = db.session.scalars(pending(thing).where(User.id.in_(wanted))).unique().all()
    interval = timedelta(hours=current_app.config["REMINDER_INTERVAL_HOURS"])
    most = current_app.config["REMINDER_MAX"]
    history = _history(thing, [p.id for p in people])
    outcome = Outcome()
    for person in people:
        count, last = history.get(person.id, (0, None))
        if count >= most:
            outcome.too_many.append(person)
        elif last is not None and now - last < interval:
            outcome.too_soon.append(person)
        else:
            outcome.sent.append(person)
    reminders = []
    for person in outcome.sent:
        reminder = Reminder(
            kind=thing.kind,
            subject_id=thing.id,
            user_id=person.id,
            sent_by_id=actor.id,
            sent_at=now,
            title=title,
            body=body,
        )
        reminders.append(reminder)
        db.session.add(reminder)
        db.session.add(
            Notification(
                user_id=person.id,
                kind="reminder",
                params={"title": title, "body": body},
                link=thing.link[:300],
            )
        )
    if reminders:
        audit.record(
            actor, "reminder.sent", None, label=thing.name, kind=thing.kind, count=len(reminders)
        )
    db.session.commit()
    outcome.emailed = _email(reminders, [p for p in outcome.sent], title, body, thing)
    return outcome


def _email(reminders: list[Reminder], people: list[User], title: str, body: str, thing) -> int:
    """Send each person with an address the reminder by e-mail when SMTP is configured; mark
    those sent. Returns how many went out."""
    config = current_app.config
    if not config.get("SMTP_HOST") or not reminders:
        return 0
    sent = 0
    try:
        with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=10) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            for reminder, person in zip(reminders, people, strict=True):
                if not person.email:
                    continue
                message = EmailMessage()
                message["Subject"] = title
                message["From"] = config["SMTP_FROM"]
                message["To"] = person.email
                message.set_content(f"{body}\n\n{thing.name}\n")
                smtp.send_message(message)
                reminder.is_emailed = True
                sent += 1
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.warning("reminder e-mail failed: %s", type(error).__name__)
    db.session.commit()
    return sent


def history(page: int, per_page: int):
    """The reminders sent, newest first, paged."""
    stmt = (
        select(Reminder)
        .options(joinedload(Reminder.user).joinedload(User.unit), joinedload(Reminder.sent_by))
        .order_by(Reminder.sent_at.desc(), Reminder.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def counts(thing: Subject, user_ids) -> dict[int, int]:
    """{user id: reminders so far} about the thing."""
    return {user_id: count for user_id, (count, _last) in _history(thing, user_ids).items()}
