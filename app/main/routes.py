"""Việc của tôi (home), the directory, the language switch and /healthz."""

import re

from flask import Blueprint, abort, current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select, text

from app.auth.routes import safe_next
from app.campaigns.services import current_campaign
from app.commendations import queries as commendations
from app.commitments import assessment, tracking
from app.councils import queries as council_queries
from app.directory import people_query, unit_tree
from app.extensions import db, limiter
from app.initiatives import services as initiatives
from app.models.directory import Role, Unit, User
from app.monitoring import queries as monitoring
from app.showcase import queries as showcase_queries
from app.surveys import queries as survey_queries
from app.voting import queries as voting_queries
from app.voting import services as voting
from app.web.filters import local_today
from app.web.htmx import render
from app.web.menu import sits_on_a_council
from app.web.picker import search_people

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def home():
    """Việc của tôi: what I still have to do, and the campaign at a glance."""
    campaign = current_campaign(with_areas=True)
    stats = None
    if current_user.has_role(Role.ADMIN, Role.OFFICER, Role.LEADER):
        stats = {
            "users": db.session.scalar(select(func.count(User.id)).where(User.is_active.is_(True))),
            "units": db.session.scalar(select(func.count(Unit.id))),
        }
    days_to_deadline = None
    if campaign is not None and campaign.registration_deadline is not None:
        days_to_deadline = (campaign.registration_deadline - local_today()).days
    return render(
        "main/home.html",
        campaign=campaign,
        stats=stats,
        days_to_deadline=days_to_deadline,
        links=_links(
            "commitments.mine",
            "commitments.unit",
            "commitments.members",
            "initiatives.mine",
            "initiatives.new",
            "initiatives.review",
            "initiatives.index",
            "councils.index",
            "voting.index",
            "commitments.units",
            "commendations.index",
        ),
        **(_commitment_tasks(campaign) if campaign is not None else {}),
        **(_assessment_tasks(campaign) if campaign is not None else {}),
        **(_leader_tasks(campaign) if campaign is not None else {}),
        **_initiative_tasks(),
        open_rounds=voting_queries.open_rounds_for(current_user, voting.now_utc()),
        open_surveys=survey_queries.open_for(current_user, voting.now_utc()),
        latest_story=showcase_queries.latest_published(),
    )


def _links(*endpoints: str) -> dict[str, str]:
    """URLs of the endpoints that exist (each feature adds its own as it lands), built once
    per app and prefix: the home page is the most seen."""
    key = (endpoints, request.script_root)
    known = current_app.extensions.setdefault("thidua.home_links", {})
    if key not in known:
        known[key] = {e: url_for(e) for e in endpoints if e in current_app.view_functions}
    return known[key]


def _commitment_tasks(campaign) -> dict:
    """My commitment; for a unit head the unit's and how many wait for confirmation; for the
    officer and leaders the office's figures. At most four queries."""
    tasks = {"mine": tracking.my_commitment(current_user, campaign)}
    if current_user.has_role(Role.UNIT_HEAD):
        tasks["unit_commitment"] = tracking.headed_unit_commitment(current_user, campaign)
        tasks["waiting"] = tracking.waiting_for_head(current_user, campaign)
    if current_user.has_role(Role.OFFICER, Role.LEADER):
        tasks["office"] = tracking.office_figures(campaign)
    return tasks


def _assessment_tasks(campaign) -> dict:
    """The end-of-period assessment: its period and, once it is set, the self-assessments
    waiting for this unit head or officer (at most three queries)."""
    period = assessment.period_of(campaign)
    tasks = {
        "assessment_period": period,
        "assessment_open": period is not None and period.is_open(local_today()),
    }
    if period is not None and current_user.has_role(Role.UNIT_HEAD):
        tasks["to_assess"] = assessment.waiting_for_head(current_user, campaign)
    if period is not None and current_user.has_role(Role.OFFICER):
        tasks["to_assess_units"] = assessment.waiting_for_officer(current_user, campaign)
    return tasks


def _leader_tasks(campaign) -> dict:
    """For a leader: the office's key figures (the monitoring dashboard's queries) and the
    proposals for commendation waiting for approval."""
    if not current_user.has_role(Role.LEADER):
        return {}
    waiting, total = commendations.waiting_for_leaders(campaign)
    return {
        "leader_board": monitoring.office_summary(campaign, voting.now_utc()),
        "to_approve": waiting,
        "to_approve_total": total,
    }


def _initiative_tasks() -> dict:
    """My latest initiatives; for the officer the applications to review; for a unit head the
    unit's that can be put forward; for a council member what is left to judge. At most five
    queries."""
    tasks = {
        "my_initiatives": initiatives.my_recent(current_user),
        "to_judge": (
            council_queries.to_judge_count(current_user) if sits_on_a_council(current_user) else 0
        ),
    }
    if current_user.has_role(Role.OFFICER):
        tasks["to_review"] = initiatives.waiting_for_review()
    if current_user.has_role(Role.UNIT_HEAD):
        tasks["to_endorse"] = initiatives.endorsable_count(current_user)
    return tasks


@bp.get("/directory/")
@login_required
def directory():
    """The staff directory: search by name without diacritics, filter by unit."""
    q = request.args.get("q", "")
    unit_id = request.args.get("unit", type=int)
    page = request.args.get("page", 1, type=int)
    people = db.paginate(
        people_query(q, unit_id),
        page=page,
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render(
        "main/directory.html",
        block="results",
        people=people,
        q=q,
        unit_id=unit_id,
        units=unit_tree(),
    )


@bp.get("/directory/choices")
@login_required
def people_choices():
    """The person picker's results as radio buttons (htmx, as the person types)."""
    picker_id = request.args.get("picker", "")
    if not re.fullmatch(r"[a-z][a-z0-9-]{0,40}", picker_id):
        abort(400)
    q = request.args.get("find", "")
    exclude = {int(v) for v in request.args.get("exclude", "").split(",") if v.isdigit()}
    return render(
        "main/_people_choices.html",
        picker_id=picker_id,
        people=search_people(q, exclude),
        q=q,
    )


@bp.get("/directory/my-unit")
@login_required
def my_unit():
    """The unit head's own unit in the directory."""
    if not current_user.has_role(Role.UNIT_HEAD) or current_user.unit_id is None:
        abort(403)
    return redirect(url_for("main.directory", unit=current_user.unit_id))


@bp.post("/language")
def set_language():
    """Switch the interface language for this session."""
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"), code=303)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """Liveness with a database round trip; 503 when the database does not answer."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any database failure means unhealthy
        db.session.rollback()
        return jsonify(status="error", database="unavailable", detail=type(error).__name__), 503
    return jsonify(status="ok", database="ok")
