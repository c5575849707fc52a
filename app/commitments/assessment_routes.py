"""End-of-period assessment on the commitments blueprint (see routes.py and assessment.py): the
officer's assessment period, the owner's self-assessment and the reviewer's assessment.

The owner's page is for services.is_owner, the reviewer's for services.can_review (a unit head
only for the people of their own units), the period for the officer; others get 403. Each form
is a plain POST; htmx swaps the form alone when it comes back with errors.
"""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.campaigns.services import current_campaign
from app.commitments import assessment, services
from app.commitments.review_forms import PeriodForm
from app.commitments.review_routes import get_reviewable
from app.commitments.routes import _campaign, bp, get_owned, page_url, refused
from app.errors import InvalidTransition, ValidationFailed
from app.models.commitments import Commitment, CommitmentKind
from app.models.directory import Role
from app.web.access import role_required
from app.web.filters import local_today
from app.web.forms import add_errors
from app.web.htmx import is_htmx, render


def _answers(version) -> dict[int, tuple[str | None, str | None]]:
    """Each item's (rating, note) as the form sent them."""
    return {
        item.id: (request.form.get(f"rating-{item.id}"), request.form.get(f"note-{item.id}"))
        for item in version.items
    }


def _done(commitment: Commitment, message: str, url: str):
    """After a saved form: the page it belongs to, with the message. htmx loads that page
    whole (the pages' own fragments would not fit where the form was)."""
    flash(message, "success")
    if is_htmx():
        return "", 204, {"HX-Redirect": url}
    return redirect(url, 303)


# The owner's self-assessment -------------------------------------------------------------


def _self_page(commitment: Commitment, values=None, errors=None, status: int = 200):
    found = assessment.load(commitment)
    campaign = _campaign(commitment)
    version = assessment.assessed_version(commitment, found)
    period = assessment.period_of(campaign)
    return render(
        "commitments/self_assessment.html",
        block="assessment_form",
        commitment=commitment,
        campaign=campaign,
        version=version,
        assessment=found,
        ratings=assessment.ratings_by_item(found),
        period=period,
        is_open=period is not None and period.is_open(local_today()),
        owner_label=_owner(commitment),
        back=page_url(commitment, anchor="assessment"),
        values=values,
        errors=errors or {},
        status=status,
    )


def _owner(commitment: Commitment) -> str:
    from app.commitments.review import owner_name

    return owner_name(commitment)


@bp.route("/<int:commitment_id>/self-assessment", methods=["GET", "POST"])
@login_required
def self_assessment(commitment_id: int):
    """The owner rates each item of the confirmed commitment, with a note."""
    commitment = get_owned(commitment_id)
    if request.method == "GET":
        return _self_page(commitment)
    version = assessment.assessed_version(commitment, assessment.load(commitment))
    answers = _answers(version)
    try:
        assessment.self_assess(
            current_user, commitment, answers, request.form.get("self_note"), local_today()
        )
    except ValidationFailed as error:
        values = {"answers": answers, "self_note": request.form.get("self_note", "")}
        return _self_page(commitment, values, error.errors, status=422)
    except InvalidTransition as error:
        return refused(commitment, error)
    return _done(
        commitment,
        _("Your self-assessment has been sent to the reviewer."),
        page_url(commitment, anchor="assessment"),
    )


# The reviewer's assessment ----------------------------------------------------------------


def _assess_page(commitment: Commitment, values=None, errors=None, status: int = 200):
    found = assessment.load(commitment)
    campaign = _campaign(commitment)
    return render(
        "commitments/assess.html",
        block="assessment_form",
        commitment=commitment,
        campaign=campaign,
        version=assessment.assessed_version(commitment, found),
        assessment=found,
        ratings=assessment.ratings_by_item(found),
        owner_label=_owner(commitment),
        values=values,
        errors=errors or {},
        status=status,
    )


@bp.route("/<int:commitment_id>/assessment", methods=["GET", "POST"])
@login_required
def assess(commitment_id: int):
    """The reviewer agrees with or changes each rating and gives the result and a comment."""
    commitment = get_reviewable(commitment_id)
    if request.method == "GET":
        return _assess_page(commitment)
    found = assessment.load(commitment)
    version = assessment.assessed_version(commitment, found)
    answers = _answers(version)
    result, comment = request.form.get("result"), request.form.get("comment")
    try:
        assessment.assess(current_user, commitment, answers, result, comment)
    except ValidationFailed as error:
        values = {"answers": answers, "result": result, "comment": comment or ""}
        return _assess_page(commitment, values, error.errors, status=422)
    except InvalidTransition as error:
        flash(error.message, "warning")
        url = url_for("commitments.assess", commitment_id=commitment.id)
        return ("", 204, {"HX-Redirect": url}) if is_htmx() else redirect(url, 303)
    back = (
        "commitments.units"
        if commitment.kind == CommitmentKind.UNIT or services.reviewer_head_id(commitment) is None
        else "commitments.members"
    )
    return _done(
        commitment,
        _("The commitment of %(name)s has been assessed.", name=_owner(commitment)),
        url_for(back),
    )


# The officer's assessment period ------------------------------------------------------------


@bp.route("/assessment-period", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def assessment_period():
    """Set the days within which owners assess their confirmed commitments."""
    campaign = current_campaign()
    period = assessment.period_of(campaign) if campaign else None
    form = PeriodForm(obj=period)
    if campaign is not None and form.validate_on_submit():
        try:
            assessment.set_period(current_user, campaign, form.opens_on.data, form.closes_on.data)
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(
                _(
                    "The assessment period is from %(start)s to %(end)s.",
                    start=form.opens_on.data.strftime("%d/%m/%Y"),
                    end=form.closes_on.data.strftime("%d/%m/%Y"),
                ),
                "success",
            )
            return redirect(url_for("commitments.assessment_period"), 303)
    figures = assessment.Figures()
    if campaign is not None:
        for unit_figures in assessment.figures_by_unit(campaign).values():
            figures.add(unit_figures)
    return render(
        "commitments/assessment_period.html",
        campaign=campaign,
        period=period,
        is_open=period is not None and period.is_open(local_today()),
        figures=figures,
        form=form,
        status=422 if form.is_submitted() else 200,
    )
