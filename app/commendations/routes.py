"""Commendations under /commendations/ (khen thưởng): the list with its XLSX and the draft DOCX
for the decision, the eligibility list of a form with its rule, proposing, editing and
withdrawing (the officer), approving and declining (the leaders), recording the decision (the
officer).

Only the officer and the leaders reach these pages (others get 403); the leaders read and
decide, never propose; the officer proposes, never decides.
"""

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.auth.routes import safe_next
from app.campaigns.services import current_campaign
from app.commendations import exports, queries, services
from app.commendations.forms import (
    AchievementForm,
    ButtonForm,
    DecisionForm,
    DeclineForm,
    ProposalForm,
    RuleForm,
)
from app.directory import unit_tree
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.models.campaigns import AppliesTo, Campaign, CommendationForm
from app.models.commendations import Commendation, CommendationStatus
from app.models.directory import Role, User
from app.web.access import require_role_for_blueprint, role_required
from app.web.filters import applies_label, local_today
from app.web.forms import add_errors
from app.web.htmx import is_htmx, render
from app.web.picker import search_people

bp = Blueprint("commendations", __name__)
require_role_for_blueprint(bp, Role.OFFICER, Role.LEADER)


# Lookups -----------------------------------------------------------------------------------


def _campaign() -> Campaign:
    campaign = current_campaign()
    if campaign is None:
        abort(404)
    return campaign


def get_commendation(commendation_id: int) -> Commendation:
    """A proposal of the current campaign, with what its page shows; else 404."""
    commendation = queries.load(commendation_id)
    if commendation is None:
        abort(404)
    return commendation


def get_form(campaign: Campaign, form_id) -> CommendationForm:
    form = db.session.get(CommendationForm, form_id) if form_id else None
    if form is None or form.campaign_id != campaign.id:
        abort(404)
    return form


def _filters() -> dict:
    """The list's status, form and kind from the query string, unknown values dropped."""
    status = request.args.get("status")
    kind = request.args.get("kind")
    return {
        "status": status if status in queries.STATUSES else None,
        "form_id": request.args.get("form", type=int) or None,
        "kind": kind if kind in queries.KINDS else None,
    }


def _back(default: str) -> str:
    return safe_next(request.form.get("next")) or default


# The list and its documents ---------------------------------------------------------------


@bp.get("/")
def index():
    """The campaign's proposals by form, filtered by status, form and kind."""
    campaign = current_campaign()
    filters = _filters()
    return render(
        "commendations/index.html",
        block="results",
        campaign=campaign,
        forms=queries.forms_of(campaign) if campaign else [],
        rows=queries.listing(campaign, **filters) if campaign else [],
        counts=queries.status_counts(campaign) if campaign else {},
        filters=filters,
        is_officer=current_user.has_role(Role.OFFICER),
        is_leader=current_user.has_role(Role.LEADER),
    )


def _download(data: bytes, mimetype: str, vietnamese: str, ascii_name: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = exports.content_disposition(vietnamese, ascii_name)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/list.xlsx")
def list_xlsx():
    """The list as filtered, as a workbook."""
    campaign = _campaign()
    filters = _filters()
    rows = queries.listing(campaign, **filters)
    data = exports.export(current_user, campaign, rows, "xlsx", filters)
    day = local_today()
    return _download(
        data,
        exports.XLSX_MIMETYPE,
        f"Danh sách đề nghị khen thưởng {day:%d-%m-%Y}.xlsx",
        f"danh-sach-de-nghi-khen-thuong-{day:%Y-%m-%d}.xlsx",
    )


@bp.get("/list.docx")
def list_docx():
    """The draft list for the decision (proposed and approved, unless a status is chosen)."""
    campaign = _campaign()
    filters = _filters()
    rows = queries.listing(campaign, **filters)
    if filters["status"] is None:
        rows = [row for row in rows if row.status != CommendationStatus.DECLINED]
    data = exports.export(current_user, campaign, rows, "docx", filters)
    day = local_today()
    return _download(
        data,
        exports.DOCX_MIMETYPE,
        f"Danh sách đề nghị khen thưởng {day:%d-%m-%Y}.docx",
        f"danh-sach-de-nghi-khen-thuong-{day:%Y-%m-%d}.docx",
    )


# Eligibility and its rule -----------------------------------------------------------------


def _eligible_page(campaign, form, rule_form=None, errors=None, status: int = 200):
    rule = queries.rule_of(form) if form else None
    if rule_form is None and form is not None:
        rule_form = RuleForm(formdata=None, obj=rule)
    return render(
        "commendations/eligible.html",
        campaign=campaign,
        forms=queries.forms_of(campaign),
        form=form,
        rule=rule,
        rule_form=rule_form,
        candidates=queries.candidates(campaign, form, rule) if form else [],
        errors=errors or {},
        status=status,
    )


@bp.get("/eligible")
@role_required(Role.OFFICER)
def eligible():
    """Choose a form: who meets its rule, with their figures, to propose in one step."""
    campaign = _campaign()
    form_id = request.args.get("form", type=int)
    form = get_form(campaign, form_id) if form_id else None
    return _eligible_page(campaign, form)


@bp.post("/eligible")
@role_required(Role.OFFICER)
def propose_eligible():
    """Propose the ticked candidates of a form, each with a drafted achievement."""
    campaign = _campaign()
    form = get_form(campaign, request.form.get("form_id", type=int))
    ids = [int(value) for value in request.form.getlist("ids") if value.isdigit()]
    try:
        made = services.propose_many(current_user, campaign, form, ids)
    except ValidationFailed as error:
        return _eligible_page(campaign, form, errors=error.errors, status=422)
    except InvalidTransition as error:
        flash(error.message, "warning")
        return redirect(url_for("commendations.eligible", form=form.id), 303)
    flash(
        ngettext(
            "%(num)d proposal has been made, with its achievement drafted from the data.",
            "%(num)d proposals have been made, each with its achievement drafted from the data.",
            made,
        ),
        "success",
    )
    return redirect(url_for("commendations.index", form=form.id, status="proposed"), 303)


@bp.post("/forms/<int:form_id>/rule")
@role_required(Role.OFFICER)
def rule(form_id: int):
    """Save who is eligible for a form; the eligibility list follows."""
    campaign = _campaign()
    form = get_form(campaign, form_id)
    rule_form = RuleForm()
    if rule_form.validate_on_submit():
        try:
            services.update_rule(
                current_user,
                form,
                rule_form.min_initiatives.data,
                rule_form.requires_fulfilled.data,
                rule_form.min_votes.data,
            )
        except ValidationFailed as error:
            add_errors(rule_form, error)
        else:
            flash(
                _("The eligibility rule of “%(form)s” has been saved.", form=form.name), "success"
            )
            return redirect(url_for("commendations.eligible", form=form.id), 303)
    return _eligible_page(campaign, form, rule_form=rule_form, status=422)


# Proposing one ----------------------------------------------------------------------------


def _form_choices(proposal: ProposalForm, forms) -> None:
    proposal.form_id.choices = [("", _("— Choose a form —"))] + [
        (form.id, f"{form.name} ({applies_label(form.applies_to)})") for form in forms
    ]
    proposal.unit_id.choices = [("", _("— Choose a unit —"))] + [
        (unit.id, "— " * depth + unit.name) for unit, depth in unit_tree()
    ]


def _person(user_id: int | None) -> User | None:
    """The person chosen, with their unit for the picker's label."""
    if not user_id:
        return None
    return db.session.scalar(select(User).where(User.id == user_id).options(joinedload(User.unit)))


def _new_page(campaign, proposal, chosen, user_id, user_error=None, status: int = 200):
    q = request.args.get("find", "")
    person = _person(user_id)
    return render(
        "commendations/new.html",
        campaign=campaign,
        proposal=proposal,
        chosen_form=chosen,
        q=q,
        people=search_people(q) if q else ([person] if person else []),
        user_id=user_id,
        user_error=user_error,
        status=status,
    )


def _propose(campaign, proposal: ProposalForm, chosen, user_id):
    """Propose as the form says: to the new proposal's page, else the form with its errors."""
    user_error = None
    if proposal.validate_on_submit():
        try:
            commendation = services.propose(
                current_user,
                campaign,
                proposal.form_id.data,
                user_id=user_id,
                unit_id=proposal.unit_id.data,
                achievement=proposal.achievement.data,
            )
        except ValidationFailed as error:
            user_error = error.errors.pop("user_id", None)
            add_errors(proposal, error)
        except InvalidTransition as error:
            proposal.form_errors.append(error.message)
        else:
            flash(_("%(name)s has been proposed.", name=commendation.nominee_name), "success")
            return redirect(url_for("commendations.show", commendation_id=commendation.id), 303)
    return _new_page(campaign, proposal, chosen, user_id, user_error, status=422)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new():
    """Propose one person or unit: choose the form and the nominee, draft the achievement from
    the data ("action=draft", or at once when the nominee is given), edit it, propose."""
    campaign = _campaign()
    forms = queries.forms_of(campaign)
    proposal = ProposalForm(
        form_id=request.args.get("form", type=int), unit_id=request.args.get("unit", type=int)
    )
    _form_choices(proposal, forms)
    chosen = next((f for f in forms if f.id == proposal.form_id.data), None)
    user_id = request.values.get("user_id", type=int) or request.args.get("user", type=int)
    if request.method == "POST" and request.form.get("action") != "draft":
        return _propose(campaign, proposal, chosen, user_id)
    is_unit = chosen is not None and chosen.applies_to == AppliesTo.UNIT
    nominee = {"unit_id": proposal.unit_id.data} if is_unit else {"user_id": user_id}
    if chosen is not None and any(nominee.values()):
        proposal.achievement.data, _ids = services.drafted(campaign, **nominee)
    elif request.method == "POST":  # a draft asked for before choosing whom
        if is_unit:
            proposal.unit_id.errors = [_("Choose a unit.")]
        user_error = None if is_unit else [_("Choose the nominee first.")]
        return _new_page(campaign, proposal, chosen, user_id, user_error, status=422)
    return _new_page(campaign, proposal, chosen, user_id)


# One proposal ------------------------------------------------------------------------------


def _show_page(commendation: Commendation, decline_form=None, status: int = 200):
    return render(
        "commendations/show.html",
        commendation=commendation,
        decline_form=decline_form or DeclineForm(formdata=None),
        button=ButtonForm(formdata=None),
        is_officer=current_user.has_role(Role.OFFICER),
        is_leader=current_user.has_role(Role.LEADER),
        status=status,
    )


@bp.get("/<int:commendation_id>")
def show(commendation_id: int):
    """One proposal: the nominee, the form, the achievement, its initiatives and its steps."""
    return _show_page(get_commendation(commendation_id))


@bp.route("/<int:commendation_id>/edit", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit(commendation_id: int):
    """Edit the achievement of a proposal not yet decided, or draft it again from the data."""
    commendation = get_commendation(commendation_id)
    if commendation.status != CommendationStatus.PROPOSED:
        flash(_("This proposal has already been decided; it can no longer be changed."), "warning")
        return redirect(url_for("commendations.show", commendation_id=commendation.id), 303)
    form = AchievementForm(obj=commendation)
    status = 200
    if request.method == "POST" and request.form.get("action") == "draft":
        form.achievement.data, _ids = services.drafted(
            commendation.campaign, user_id=commendation.user_id, unit_id=commendation.unit_id
        )
    elif form.validate_on_submit():
        try:
            services.update_achievement(current_user, commendation, form.achievement.data)
        except ValidationFailed as error:
            add_errors(form, error)
            status = 422
        except InvalidTransition as error:
            flash(error.message, "warning")
            return redirect(url_for("commendations.show", commendation_id=commendation.id), 303)
        else:
            flash(_("The achievement has been saved."), "success")
            url = url_for("commendations.show", commendation_id=commendation.id)
            if is_htmx():
                return "", 204, {"HX-Redirect": url}
            return redirect(url, 303)
    elif request.method == "POST":
        status = 422
    return render(
        "commendations/edit.html",
        block="achievement_form",
        commendation=commendation,
        form=form,
        status=status,
    )


@bp.post("/<int:commendation_id>/withdraw")
@role_required(Role.OFFICER)
def withdraw(commendation_id: int):
    """Take back a proposal not yet decided."""
    commendation = get_commendation(commendation_id)
    name = commendation.nominee_name
    if ButtonForm().validate_on_submit():
        try:
            services.withdraw(current_user, commendation)
        except InvalidTransition as error:
            flash(error.message, "warning")
            return redirect(url_for("commendations.show", commendation_id=commendation.id), 303)
        flash(_("The proposal for %(name)s has been withdrawn.", name=name), "success")
    return redirect(url_for("commendations.index"), 303)


@bp.post("/<int:commendation_id>/approve")
@role_required(Role.LEADER)
def approve(commendation_id: int):
    """Approve a proposal (from its page or from the leader's home)."""
    commendation = get_commendation(commendation_id)
    form = ButtonForm()
    back = _back(url_for("commendations.show", commendation_id=commendation.id))
    if form.validate_on_submit():
        try:
            services.approve(current_user, commendation)
        except (InvalidTransition, NotAllowed) as error:
            flash(error.message, "warning")
        else:
            flash(
                _(
                    "The proposal of “%(form)s” for %(name)s has been approved.",
                    form=commendation.form.name,
                    name=commendation.nominee_name,
                ),
                "success",
            )
    return redirect(back, 303)


@bp.post("/<int:commendation_id>/decline")
@role_required(Role.LEADER)
def decline(commendation_id: int):
    """Decline a proposal with a reason; a missing reason answers 422 beside it."""
    commendation = get_commendation(commendation_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            services.decline(current_user, commendation, form.reason.data)
        except ValidationFailed as error:
            add_errors(form, error)
        except (InvalidTransition, NotAllowed) as error:
            flash(error.message, "warning")
            return redirect(url_for("commendations.show", commendation_id=commendation.id), 303)
        else:
            flash(
                _("The proposal for %(name)s has been declined.", name=commendation.nominee_name),
                "success",
            )
            return redirect(_back(url_for("commendations.index")), 303)
    return _show_page(commendation, decline_form=form, status=422)


# The decision -------------------------------------------------------------------------------


@bp.route("/decision", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def decision():
    """Record the decision's number and date on the approved proposals ticked."""
    campaign = _campaign()
    form_id = request.args.get("form", type=int) or None
    waiting = [
        row
        for row in queries.listing(campaign, status=CommendationStatus.APPROVED, form_id=form_id)
        if row.decision_number is None
    ]
    form = DecisionForm()
    if request.method == "POST":
        chosen = {int(v) for v in request.form.getlist("ids") if v.isdigit()}
    else:
        given = {int(v) for v in request.args.getlist("ids") if v.isdigit()}
        chosen = given or {row.id for row in waiting}
    if form.validate_on_submit():
        try:
            made = services.record_decision(
                current_user,
                [row for row in waiting if row.id in chosen],
                form.number.data,
                form.day.data,
            )
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(
                ngettext(
                    "Decision No. %(number)s has been recorded for %(num)d commendation.",
                    "Decision No. %(number)s has been recorded for %(num)d commendations.",
                    made,
                    number=form.number.data,
                ),
                "success",
            )
            return redirect(url_for("commendations.index", status="approved"), 303)
    return render(
        "commendations/decision.html",
        campaign=campaign,
        form=form,
        waiting=waiting,
        chosen=chosen,
        form_id=form_id,
        ids_error=form.form_errors,
        status=422 if form.is_submitted() else 200,
    )
