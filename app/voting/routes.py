"""The voting pages under /voting/: the rounds, preparing one (details, who votes,
candidates), publishing and ending it, the ballot with its receipt, the results with their
XLSX, and the list of who has not voted yet.

Every route checks who may see the round; the services check again. A vote's candidate is in
the request's body, never in its URL, so the access log does not record choices.
"""

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import audit
from app.campaigns.services import current_campaign
from app.documents import XLSX_MIMETYPE, content_disposition
from app.errors import DomainError, InvalidTransition, NotAllowed, ValidationFailed
from app.extensions import db
from app.loading import expired, kept_after_commit
from app.models.directory import Role
from app.models.voting import VotingRound
from app.voting import exports, queries, services
from app.voting.forms import (
    AUDIENCE_ALL,
    AUDIENCE_UNITS,
    ButtonForm,
    CandidatesForm,
    ReceiptForm,
    RoundForm,
    to_wall_clock,
)
from app.web.access import role_required
from app.web.forms import add_errors
from app.web.htmx import is_htmx, render
from app.web.labels import ROUND_PHASE_LABELS

bp = Blueprint("voting", __name__)

SHOW = "voting/show.html"
NOMINABLE_SHOWN = 50


@bp.app_template_filter("round_phase")
def round_phase(value: str) -> str:
    return str(ROUND_PHASE_LABELS.get(value, value))


# Lookups with their access checks ---------------------------------------------------------


def get_round(round_id: int, allowed=services.can_view) -> VotingRound:
    """The round with its candidates and units if `allowed(user, round)`; else 404 or 403."""
    round_ = queries.load(round_id)
    if round_ is None:
        abort(404)
    if not allowed(current_user, round_):
        abort(403)
    return round_


def managed(round_id: int) -> VotingRound:
    return get_round(round_id, lambda user, round_: services.is_manager(user))


def refused(round_: VotingRound, error: DomainError):
    """A change the round's state refuses: back to its page with the message."""
    flash(error.message, "warning")
    url = url_for("voting.show", round_id=round_.id)
    if is_htmx():
        return "", 204, {"HX-Redirect": url}
    return redirect(url, 303)


def _unit_choices(form: RoundForm) -> None:
    from app.directory import unit_tree

    form.unit_ids.choices = [
        SelectChoice(unit.id, "— " * depth + unit.name) for unit, depth in unit_tree()
    ]


# The list and the round's page ---------------------------------------------------------


@bp.get("/")
@login_required
def index():
    """The rounds the user sees, with their votes used in each."""
    rounds = queries.rounds_for(current_user)
    return render(
        "voting/index.html",
        rounds=rounds,
        used=queries.vote_counts_of(current_user, [r.id for r in rounds]),
        now=services.now_utc(),
        can_manage=services.is_manager(current_user) and current_campaign() is not None,
    )


def _show_context(round_: VotingRound, authored: set[int] | None = None, **extra) -> dict:
    """What the round's page shows the current user (a bounded number of queries); `authored`,
    the user's own candidates, when the request has them already."""
    now = services.now_utc()
    eligible = not round_.is_draft and services.is_eligible(current_user, round_)
    if authored is None and eligible:
        authored = services.authored_candidates(round_, current_user)
    context = {
        "round": round_,
        "now": now,
        "phase": round_.phase(now),
        "eligible": eligible,
        "ballot": services.ballot_of(round_, current_user) if eligible else None,
        "authored": authored if eligible else set(),
        "can_manage": services.is_manager(current_user),
        "can_oversee": services.is_overseer(current_user),
        "can_see_results": services.can_see_results(current_user, round_, now),
        "problems": services.publishing_problems(round_, now) if round_.is_draft else [],
        "message": None,
        "oob": False,
        "only": None,
    }
    if context["can_oversee"] and not round_.is_draft:
        context["turnout"], _units = queries.turnout(round_)
    context.update(extra)
    return context


@bp.get("/<int:round_id>")
@login_required
def show(round_id: int):
    """The round: its rules and candidates; for a voter the ballot with a vote button on each
    candidate; for the officer the preparation or the turnout."""
    round_ = get_round(round_id)
    return render(SHOW, **_show_context(round_))


@bp.post("/<int:round_id>/ballot")
@login_required
def vote(round_id: int):
    """Cast or withdraw a vote (the candidate and the action are in the form)."""
    round_ = get_round(round_id)
    # The CSRF token was checked before the view, as for every POST (CSRFProtect); a form
    # object would check it again and cost more than the rest of the request's parsing.
    candidate = request.form.get("candidate", type=int)
    if candidate is None:
        abort(400)
    # Asked once: the vote refuses the person's own candidates and the page marks them.
    authored = services.authored_candidates(round_, current_user)
    now = services.now_utc()
    message, status, changed = None, 200, False
    withdrawing = request.form.get("action") == "withdraw"
    try:
        # The page after the vote is drawn from the round, its candidates and the person as
        # read before it (a vote changes none of them): the commit leaves them loaded.
        with kept_after_commit():
            if withdrawing:
                changed = services.withdraw_vote(round_, current_user, candidate, now)
            else:
                changed = services.cast_vote(round_, current_user, candidate, now, authored)
    except NotAllowed:
        abort(403)
    except InvalidTransition as error:
        message, status = error.message, 422
    else:
        message = _("Your ballot has been recorded.") if changed else None
    if not is_htmx():
        if message:
            flash(message, "warning" if status == 422 else "success")
        return redirect(url_for("voting.show", round_id=round_.id, _anchor="vote-status"), 303)
    if expired(round_, "candidates"):  # a refusal, a retry or a vote already there
        round_ = queries.load(round_id)
    context = _show_context(round_, authored, message=message, is_error=status == 422, oob=True)
    if changed and _only_its_card_changed(context["ballot"], withdrawing):
        # The button targets its own card: the other cards are not drawn again.
        context["only"] = next(c for c in round_.candidates if c.id == candidate)
        return render(SHOW, ("candidates", "vote_status"), **context)
    body, status = render(SHOW, ("candidates", "vote_status"), status=status, **context)
    return body, status, {"HX-Retarget": "#candidates", "HX-Reswap": "outerHTML"}


def _only_its_card_changed(ballot: services.Ballot | None, withdrawn: bool) -> bool:
    """Whether the vote just cast or withdrawn changed no card but its candidate's: not when
    it filled the ballot or freed a full one (every other card's button turns off or on).
    (A vote refused or already there redraws every card: the page may be out of date.)"""
    if ballot is None:
        return False
    was_full = withdrawn and ballot.remaining == 1
    now_full = not withdrawn and ballot.remaining == 0
    return not (was_full or now_full)


@bp.route("/<int:round_id>/receipt", methods=["GET", "POST"])
@login_required
def receipt(round_id: int):
    """Check a receipt code against the ballot recorded now (while the round is open)."""
    round_ = get_round(round_id)
    if not services.is_eligible(current_user, round_):
        abort(403)
    form = ReceiptForm()
    verdict = None
    if form.validate_on_submit():
        verdict = services.verify_receipt(round_, current_user, form.code.data)
    ballot = services.ballot_of(round_, current_user)
    return render(
        "voting/receipt.html",
        block="receipt_check",
        round=round_,
        form=form,
        verdict=verdict,
        ballot=ballot,
        chosen=[c for c in round_.candidates if c.id in ballot.chosen],
        phase=round_.phase(services.now_utc()),
        status=422 if form.is_submitted() and verdict is None else 200,
    )


# Preparing a round (the officer) ---------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new():
    """A new round of the current campaign; candidates are chosen next."""
    campaign = current_campaign()
    if campaign is None:
        abort(404)
    form = RoundForm()
    _unit_choices(form)
    if form.validate_on_submit():
        try:
            round_ = services.create_round(current_user, campaign, form.service_data())
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_("The round has been created. Choose its candidates next."), "success")
            return redirect(url_for("voting.candidates", round_id=round_.id), 303)
    status = 422 if form.is_submitted() else 200
    return render("voting/edit.html", form=form, round=None, campaign=campaign, status=status)


@bp.route("/<int:round_id>/edit", methods=["GET", "POST"])
@login_required
def edit(round_id: int):
    """Change a draft's details and who votes."""
    round_ = managed(round_id)
    if not round_.is_draft:
        return refused(round_, InvalidTransition(_("A published round can no longer change.")))
    # Not obj=round_: WTForms would prefer the stored UTC times to the local ones given here.
    form = RoundForm(
        data={
            "title": round_.title,
            "description": round_.description,
            "opens_at": to_wall_clock(round_.opens_at),
            "closes_at": to_wall_clock(round_.closes_at),
            "max_votes": round_.max_votes,
            "min_votes": round_.min_votes,
            "results_mode": round_.results_mode,
            "audience": AUDIENCE_ALL if round_.is_open_to_all else AUDIENCE_UNITS,
            "unit_ids": [unit.id for unit in round_.units],
        }
    )
    _unit_choices(form)
    if form.validate_on_submit():
        try:
            services.update_round(current_user, round_, form.service_data())
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("voting.show", round_id=round_.id), 303)
    status = 422 if form.is_submitted() else 200
    return render(
        "voting/edit.html", form=form, round=round_, campaign=round_.campaign, status=status
    )


@bp.post("/<int:round_id>/delete")
@login_required
def delete(round_id: int):
    """Delete a draft round (the page asks first)."""
    round_ = managed(round_id)
    try:
        services.delete_round(current_user, round_)
    except InvalidTransition as error:
        return refused(round_, error)
    flash(_("The round has been deleted."), "success")
    return redirect(url_for("voting.index"), 303)


@bp.route("/<int:round_id>/candidates", methods=["GET", "POST"])
@login_required
def candidates(round_id: int):
    """The draft's candidates, and the campaign's accepted or recognized initiatives to add
    (searchable)."""
    round_ = managed(round_id)
    if not round_.is_draft:
        return refused(round_, InvalidTransition(_("A published round can no longer change.")))
    form = CandidatesForm()
    if form.validate_on_submit():
        try:
            added = services.add_candidates(current_user, round_, form.initiative_ids.data or [])
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            message = ngettext(
                "%(num)d initiative has been put forward.",
                "%(num)d initiatives have been put forward.",
                added,
            )
            flash(message, "success")
            return redirect(url_for("voting.candidates", round_id=round_.id), 303)
    q = request.args.get("q", "")
    return render(
        "voting/candidates.html",
        block="nominable",
        round=round_,
        form=form,
        q=q,
        nominable=queries.nominable(round_, q, NOMINABLE_SHOWN + 1),
        shown=NOMINABLE_SHOWN,
        button=ButtonForm(formdata=None),
        status=422 if form.is_submitted() else 200,
    )


@bp.post("/<int:round_id>/candidates/<int:candidate_id>/remove")
@login_required
def remove_candidate(round_id: int, candidate_id: int):
    """Take a candidate out of a draft round."""
    round_ = managed(round_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        services.remove_candidate(current_user, round_, candidate_id)
    except InvalidTransition as error:
        return refused(round_, error)
    flash(_("The candidate has been removed."), "success")
    return redirect(url_for("voting.candidates", round_id=round_.id), 303)


@bp.post("/<int:round_id>/publish")
@login_required
def publish(round_id: int):
    """Publish the round: candidates and texts are frozen; it opens at its opening time."""
    round_ = managed(round_id)
    try:
        services.publish_round(current_user, round_, services.now_utc())
    except InvalidTransition as error:
        return refused(round_, error)
    flash(_("The round has been published."), "success")
    return redirect(url_for("voting.show", round_id=round_.id), 303)


@bp.post("/<int:round_id>/close")
@login_required
def close(round_id: int):
    """End an open round now (the page asks first)."""
    round_ = managed(round_id)
    try:
        services.close_early(current_user, round_, services.now_utc())
    except InvalidTransition as error:
        return refused(round_, error)
    flash(_("Voting has ended."), "success")
    return redirect(url_for("voting.results", round_id=round_.id), 303)


# Results, turnout and the reminders' list --------------------------------------------------------


def _results_round(round_id: int) -> VotingRound:
    round_ = get_round(round_id)
    if not services.can_see_results(current_user, round_, services.now_utc()):
        abort(403)
    return round_


@bp.get("/<int:round_id>/results")
@login_required
def results(round_id: int):
    """The ranking with counts and bars (ties share a rank) and the turnout by unit."""
    round_ = _results_round(round_id)
    now = services.now_utc()
    standings, counted = queries.standings(round_)
    total, units = queries.turnout(round_)
    return render(
        "voting/results.html",
        round=round_,
        now=now,
        phase=round_.phase(now),
        standings=standings,
        counted=counted,
        top=max((s.votes for s in standings), default=0),
        total=total,
        units=units,
        can_manage=services.is_manager(current_user),
        button=ButtonForm(formdata=None),
    )


@bp.get("/<int:round_id>/results.xlsx")
@login_required
def export(round_id: int):
    """The totals and the turnout as a workbook."""
    round_ = _results_round(round_id)
    standings, counted = queries.standings(round_)
    total, units = queries.turnout(round_)
    data = exports.results_workbook(round_, standings, counted, total, units)
    audit.record(current_user, "voting.results_exported", round_, label=round_.title)
    db.session.commit()
    names = (f"Kết quả bình chọn {round_.id}.xlsx", f"ket-qua-binh-chon-{round_.id}.xlsx")
    return Response(
        data, mimetype=XLSX_MIMETYPE, headers={"Content-Disposition": content_disposition(*names)}
    )


@bp.post("/<int:round_id>/results/publish")
@login_required
def publish_results(round_id: int):
    """Publish the results to the voters (they are notified)."""
    round_ = managed(round_id)
    try:
        services.publish_results(current_user, round_, services.now_utc())
    except InvalidTransition as error:
        return refused(round_, error)
    flash(_("The results have been published to the voters."), "success")
    return redirect(url_for("voting.results", round_id=round_.id), 303)


@bp.get("/<int:round_id>/non-voters")
@login_required
def non_voters(round_id: int):
    """Who may vote and has not yet (names only), for reminders."""
    round_ = get_round(round_id, lambda user, r: services.is_overseer(user) and not r.is_draft)
    unit_id = request.args.get("unit", type=int)
    page = request.args.get("page", 1, type=int)
    people = db.paginate(
        queries.non_voters(round_, unit_id),
        page=page,
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    total, units = queries.turnout(round_)
    return render(
        "voting/non_voters.html",
        block="results",
        round=round_,
        people=people,
        unit_id=unit_id,
        units=units,
        total=total,
        phase=round_.phase(services.now_utc()),
    )
