"""The monitoring dashboard (/monitoring/) for the officer and the leaders: the current
campaign's figures per unit, sortable, each linking to the people who have not done that
thing yet, with signatures and survey answers per day."""

from flask import Blueprint, abort, request
from flask_login import current_user

from app.campaigns.services import current_campaign
from app.models.directory import Role
from app.monitoring import queries
from app.voting.services import now_utc
from app.web import fragments
from app.web.access import role_required
from app.web.filters import local_today
from app.web.htmx import is_htmx, render

bp = Blueprint("monitoring", __name__)


@bp.get("/")
@role_required(Role.OFFICER, Role.LEADER)
def dashboard():
    """Per unit: staff, signed and confirmed %, initiatives, turnout, response rate."""
    campaign = current_campaign()
    sort = request.args.get("sort")
    within = request.args.get("within", type=int)
    context = {
        "campaign": campaign,
        "sort": sort or "",
        "within": within,
        "is_officer": current_user.has_role(Role.OFFICER),
    }
    if not campaign:
        return render("monitoring/dashboard.html", board=None, **context)
    board = queries.dashboard(campaign, now_utc(), local_today(), sort, within)
    if within is not None and board.level is None:
        abort(404)
    # The board, most of the page, is drawn once for the same figures and the same view.
    drawn = fragments.block(
        "monitoring/dashboard.html",
        "board",
        (board.shown(), context["sort"], within, context["is_officer"]),
        board=board,
        **context,
    )
    if is_htmx():
        return drawn
    return render("monitoring/dashboard.html", board=board, drawn_board=drawn, **context)
