"""Reminders under /reminders/: the officer's form (the people still pending about a
campaign's commitment, a voting round or a survey, all ticked; the prepared text, editable)
and the history of what was sent. Only the officer."""

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.errors import ValidationFailed
from app.extensions import db
from app.models.directory import Role, User
from app.models.reminders import ReminderKind
from app.reminders import services
from app.voting.services import now_utc
from app.web.access import role_required
from app.web.htmx import render

bp = Blueprint("reminders", __name__)
SHOWN = 500


def _thing() -> services.Subject:
    kind, subject_id = request.values.get("kind", ""), request.values.get("subject", type=int)
    if kind not in tuple(ReminderKind) or subject_id is None:
        abort(404)
    thing = services.subject(kind, subject_id)
    if thing is None:
        abort(404)
    return thing


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new():
    """Choose the people (all pending ones ticked) and the words, then send."""
    thing = _thing()
    unit_id = request.values.get("unit", type=int)
    query = services.pending(thing)
    if unit_id:
        query = query.where(User.unit_id == unit_id)
    people = db.session.scalars(query.limit(SHOWN + 1)).unique().all()
    title, body = services.default_text(thing)
    errors = {}
    if request.method == "POST":
        title, body = request.form.get("title", ""), request.form.get("body", "")
        chosen = [int(v) for v in request.form.getlist("user_ids") if v.isdigit()]
        try:
            outcome = services.send(current_user, thing, chosen, title, body, now_utc())
        except ValidationFailed as error:
            errors = error.errors
        else:
            _report(outcome)
            return redirect(url_for("reminders.index"), 303)
    return render(
        "reminders/new.html",
        thing=thing,
        people=people[:SHOWN],
        more=len(people) > SHOWN,
        counts=services.counts(thing, [p.id for p in people[:SHOWN]]),
        unit_id=unit_id,
        title=title,
        body=body,
        errors=errors,
        chosen=set(request.form.getlist("user_ids")) if request.method == "POST" else None,
        status=422 if errors else 200,
    )


def _report(outcome: services.Outcome) -> None:
    if outcome.sent:
        flash(
            ngettext(
                "A reminder has been sent to %(num)d person.",
                "Reminders have been sent to %(num)d people.",
                len(outcome.sent),
            )
            + (" " + _("%(num)d by e-mail.", num=outcome.emailed) if outcome.emailed else ""),
            "success",
        )
    hours = current_app.config["REMINDER_INTERVAL_HOURS"]
    if outcome.too_soon:
        names = ", ".join(p.full_name for p in outcome.too_soon)
        flash(
            _(
                "Not sent to %(names)s: already reminded within the last %(hours)d hours.",
                names=names,
                hours=hours,
            ),
            "warning",
        )
    if outcome.too_many:
        names = ", ".join(p.full_name for p in outcome.too_many)
        flash(
            _(
                "Not sent to %(names)s: already reminded %(most)d times about this.",
                names=names,
                most=current_app.config["REMINDER_MAX"],
            ),
            "warning",
        )
    if not (outcome.sent or outcome.too_soon or outcome.too_many):
        flash(_("Nobody chosen is still waiting to do this."), "warning")


@bp.get("/")
@role_required(Role.OFFICER)
def index():
    """The reminders sent, newest first."""
    page = request.args.get("page", 1, type=int)
    return render(
        "reminders/index.html",
        block="results",
        reminders=services.history(page, current_app.config["PAGE_SIZE"]),
    )
