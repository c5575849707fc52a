"""The notifications page: one's own notifications, newest first, marked read one by one or all."""

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models.directory import Role
from app.notifications import services
from app.web.access import require_role_for_blueprint
from app.web.htmx import render

bp = Blueprint("notifications", __name__)
require_role_for_blueprint(bp, Role.STAFF)


def _back():
    page = request.form.get("page", type=int)
    return redirect(url_for("notifications.index", page=page if page and page > 1 else None), 303)


@bp.get("/")
def index():
    """The signed-in person's notifications, paged."""
    notifications = db.paginate(
        services.for_user(current_user.id),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render(
        "notifications/index.html",
        notifications=notifications,
        unread=services.unread_count(current_user.id),
        text_of=services.text_of,
    )


@bp.post("/<int:notification_id>/read")
def mark_read(notification_id: int):
    """Mark one of one's notifications as read; another person's is not found."""
    if services.get_own(current_user.id, notification_id) is None:
        abort(404)
    services.mark_read(current_user.id, notification_id)
    return _back()


@bp.post("/read-all")
def mark_all_read():
    """Mark all of one's notifications as read."""
    if services.mark_read(current_user.id):
        flash(_("All notifications are marked as read."), "success")
    return _back()
