"""Review pages on the commitments blueprint (see routes.py): the unit head's members, the
officer's units, the review page with its confirm and return forms, and reopening registration.

Every view checks role and ownership on the server: a head sees and reviews only the people
services.can_review gives them; the officer pages need the officer role.
"""

from datetime import timedelta

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.campaigns.services import campaign_query, current_campaign
from app.commitments import assessment, exports, review, services
from app.commitments.review_forms import ConfirmForm, ReopenForm, ReturnForm
from app.commitments.routes import bp, get_commitment
from app.directory import people_query, unit_tree
from app.errors import InvalidTransition, ValidationFailed
from app.extensions import db
from app.models.campaigns import Campaign
from app.models.commitments import Commitment, CommitmentKind
from app.models.directory import Role, Unit, User
from app.web.access import role_required
from app.web.filters import local_today
from app.web.forms import add_errors
from app.web.htmx import render


def get_reviewable(commitment_id: int) -> Commitment:
    """The commitment with its owner, if the current user reviews it; else 404 or 403."""
    return get_commitment(commitment_id, services.can_review, with_owner=True)


def _status_filter() -> str | None:
    status = request.args.get("status")
    return status if status in review.STATUSES else None


def _show_assessment(campaign, rows) -> bool:
    """The lists show the assessment once its period is set or someone has assessed."""
    if campaign is None:
        return False
    return any(row.assessment for row in rows) or assessment.period_of(campaign) is not None


def _list_of(commitment: Commitment) -> str:
    """The list a reviewer comes back to: the officer's for units and for heads at the top."""
    if commitment.kind == CommitmentKind.UNIT or services.reviewer_head_id(commitment) is None:
        return "commitments.units"
    return "commitments.members"


@bp.get("/members")
@role_required(Role.UNIT_HEAD)
def members():
    """The unit head's members with their commitment's status, counts and a status filter."""
    campaign = current_campaign()
    rows = review.member_rows(current_user, campaign) if campaign else []
    status = _status_filter()
    return render(
        "commitments/members.html",
        block="member_list",
        campaign=campaign,
        counts=review.status_counts(rows),
        rows=[row for row in rows if status is None or row.status == status],
        selected=status,
        show_unit=len({row.unit_name for row in rows}) > 1,
        show_assessment=_show_assessment(campaign, rows),
    )


@bp.get("/members.xlsx")
@role_required(Role.UNIT_HEAD)
def members_xlsx():
    """The head's members with their commitment and its end-of-period assessment, as a
    workbook."""
    campaign = current_campaign()
    if campaign is None:
        abort(404)
    rows = review.member_rows(current_user, campaign)
    counts = assessment.rating_counts(row.commitment_id for row in rows)
    data = exports.export_members(current_user, campaign, rows, counts)
    name = f"bản đăng ký thi đua của công chức {local_today():%d-%m-%Y}.xlsx"
    response = Response(data, mimetype=exports.XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = exports.content_disposition(
        name.capitalize(), f"ban-dang-ky-cong-chuc-{local_today():%Y-%m-%d}.xlsx"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/units")
@role_required(Role.OFFICER)
def units():
    """Every unit's collective commitment, and the people whose commitment the officer confirms."""
    campaign = current_campaign()
    rows = review.unit_rows(campaign) if campaign else []
    people = review.officer_people_rows(current_user, campaign) if campaign else []
    status = _status_filter()
    return render(
        "commitments/units.html",
        block="unit_list",
        campaign=campaign,
        counts=review.status_counts(rows),
        rows=[row for row in rows if status is None or row.status == status],
        people=[row for row in people if status is None or row.status == status],
        selected=status,
        show_assessment=_show_assessment(campaign, [*rows, *people]),
    )


def _review_page(commitment: Commitment, status: int = 200, return_form=None):
    version = services.latest_version(commitment)
    back = _list_of(commitment)
    campaign = db.session.scalar(
        campaign_query(with_everything=True).where(Campaign.id == commitment.campaign_id)
    )
    return render(
        "commitments/review_commitment.html",
        commitment=commitment,
        version=version,
        campaign=campaign,
        owner_name=commitment.user.full_name if commitment.user else commitment.unit.name,
        seal_state=services.seal_state(commitment, version),
        confirm_form=ConfirmForm(formdata=None, version=version.number),
        return_form=return_form or ReturnForm(formdata=None, version=version.number),
        back=back,
        back_label=_("Confirm units") if back == "commitments.units" else _("Confirm members"),
        status=status,
        **assessment.page_context(commitment, campaign, local_today()),
    )


@bp.get("/<int:commitment_id>/review", endpoint="review")
@login_required
def review_commitment(commitment_id: int):
    """The latest version as signed, with its seal, and the confirm and return forms."""
    return _review_page(get_reviewable(commitment_id))


@bp.post("/<int:commitment_id>/confirm", endpoint="confirm")
@login_required
def confirm_commitment(commitment_id: int):
    """Confirm the signed version the reviewer read."""
    commitment = get_reviewable(commitment_id)
    form = ConfirmForm()
    try:
        review.confirm(current_user, commitment, version_number=form.version.data)
    except InvalidTransition as error:
        flash(error.message, "warning")
        return redirect(url_for("commitments.review", commitment_id=commitment_id), 303)
    flash(
        _("The commitment of %(name)s has been confirmed.", name=review.owner_name(commitment)),
        "success",
    )
    return redirect(url_for(_list_of(commitment)), 303)


@bp.post("/<int:commitment_id>/return", endpoint="return")
@login_required
def return_commitment(commitment_id: int):
    """Return the signed version with a comment; a missing comment answers 422 beside it."""
    commitment = get_reviewable(commitment_id)
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            review.return_commitment(
                current_user, commitment, form.comment.data, version_number=form.version.data
            )
        except ValidationFailed as error:
            add_errors(form, error)
        except InvalidTransition as error:
            flash(error.message, "warning")
            return redirect(url_for("commitments.review", commitment_id=commitment_id), 303)
        else:
            flash(
                _(
                    "The commitment of %(name)s has been returned.",
                    name=review.owner_name(commitment),
                ),
                "success",
            )
            return redirect(url_for(_list_of(commitment)), 303)
    return _review_page(commitment, status=422, return_form=form)


def _reopen_choices(form: ReopenForm, q: str) -> None:
    people = db.session.scalars(people_query(q)).all()
    form.user_id.choices = [("", _("— Choose a person —"))] + [
        (person.id, f"{person.full_name} — {person.unit.name}" if person.unit else person.full_name)
        for person in people
    ]
    form.unit_id.choices = [("", _("— Choose a unit —"))] + [
        (unit.id, "— " * depth + unit.name) for unit, depth in unit_tree()
    ]
    if q and len(people) == 1 and form.user_id.data is None:
        form.user_id.data = people[0].id


def _reopen_target(form: ReopenForm) -> tuple[User | None, Unit | None]:
    """The person and the unit chosen; an inactive person counts as none (none is offered)."""
    user = db.session.get(User, form.user_id.data) if form.user_id.data else None
    unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
    return (user if user is not None and user.is_active else None), unit


@bp.route("/reopen", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def reopen():
    """Reopen registration for a person or a unit after the deadline; the reopenings in force."""
    campaign = current_campaign()
    today = local_today()
    q = request.values.get("q", "").strip()
    form = ReopenForm(q=q, open_until=today + timedelta(days=7))
    _reopen_choices(form, q)
    if campaign is not None and form.validate_on_submit():
        user, unit = _reopen_target(form)
        try:
            review.reopen_registration(
                current_user,
                campaign,
                user=user,
                unit=unit,
                open_until=form.open_until.data,
                reason=form.reason.data,
                today=today,
            )
        except ValidationFailed as error:
            errors = {("user_id" if k == "target" else k): v for k, v in error.errors.items()}
            add_errors(form, ValidationFailed(errors))
        else:
            flash(
                _(
                    "Registration has been reopened for %(name)s until %(date)s.",
                    name=user.full_name if user else unit.name,
                    date=form.open_until.data.strftime("%d/%m/%Y"),
                ),
                "success",
            )
            return redirect(url_for("commitments.reopen"), 303)
    return render(
        "commitments/reopen.html",
        block="person_select",
        form=form,
        q=q,
        campaign=campaign,
        reopenings=review.current_reopenings(campaign, today) if campaign else [],
        status=422 if form.is_submitted() else 200,
    )
