"""The owner's commitment pages: my commitment, my unit's, editing the draft, signing, versions.

The blueprint is shared with review_routes.py (unit heads and the officer) and
tracking_routes.py (tracking, printing and exports).

A commitment's page shows its draft as the editor (items added, edited and removed in place per
content area, the details saved as the person goes) or its latest signed version with its seal.
Every action is a plain form first; htmx swaps one content area's section instead of the page.
"""

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_block
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.campaigns.services import campaign_query, current_campaign
from app.commitments import services
from app.commitments.forms import SignForm, answers_of, details_form, item_form
from app.errors import DomainError, InvalidTransition, ValidationFailed
from app.extensions import db, limiter
from app.models.campaigns import AppliesTo, Campaign, ContentArea
from app.models.commitments import (
    Commitment,
    CommitmentItem,
    CommitmentKind,
    CommitmentVersion,
)
from app.models.directory import Role, Unit, User
from app.web.filters import local_today, to_local
from app.web.forms import add_errors
from app.web.htmx import is_htmx, render

bp = Blueprint("commitments", __name__)

EDITOR = "commitments/edit.html"


# Lookups with their access checks --------------------------------------------------------


def get_commitment(commitment_id: int, allowed, with_owner: bool = False) -> Commitment:
    """The commitment if `allowed(current_user, commitment)`; else 404 or 403. `with_owner`
    loads the person with their unit and the unit with its head, for pages that name them."""
    stmt = select(Commitment).where(Commitment.id == commitment_id)
    if with_owner:
        stmt = stmt.options(
            joinedload(Commitment.user).joinedload(User.unit),
            joinedload(Commitment.unit).joinedload(Unit.head),
        )
    commitment = db.session.scalar(stmt)
    if commitment is None:
        abort(404)
    if not allowed(current_user, commitment):
        abort(403)
    return commitment


def get_owned(commitment_id: int) -> Commitment:
    """The commitment, if the current user owns it (the person, or the unit's head now)."""
    return get_commitment(commitment_id, services.is_owner)


def get_viewable(commitment_id: int, with_owner: bool = False) -> Commitment:
    """The commitment, if the current user may read it (services.can_view)."""
    return get_commitment(commitment_id, services.can_view, with_owner)


def get_item(commitment: Commitment, item_id: int) -> CommitmentItem:
    """An item of one of the commitment's versions, with its version; else 404."""
    item = db.session.scalar(
        select(CommitmentItem)
        .join(CommitmentVersion, CommitmentItem.version_id == CommitmentVersion.id)
        .where(CommitmentItem.id == item_id, CommitmentVersion.commitment_id == commitment.id)
        .options(joinedload(CommitmentItem.version).joinedload(CommitmentVersion.commitment))
    )
    if item is None:
        abort(404)
    return item


def get_area(commitment: Commitment, area_id: int) -> ContentArea:
    """A content area of the commitment's campaign; else 404."""
    area = db.session.get(ContentArea, area_id)
    if area is None or area.campaign_id != commitment.campaign_id:
        abort(404)
    return area


# Rendering ---------------------------------------------------------------------------------


def page_url(commitment: Commitment, anchor: str | None = None) -> str:
    """Where the owner finds the commitment: "my commitment", "my unit's", or its own page."""
    if commitment.kind == CommitmentKind.INDIVIDUAL:
        return url_for("commitments.mine", _anchor=anchor)
    unit = services.headed_unit(current_user)
    if unit is not None and unit.id == commitment.unit_id:
        return url_for("commitments.unit", _anchor=anchor)
    return url_for("commitments.show", commitment_id=commitment.id, _anchor=anchor)


def _campaign(commitment: Commitment) -> Campaign:
    return db.session.scalar(
        campaign_query(with_everything=True).where(Campaign.id == commitment.campaign_id)
    )


def _versions(commitment: Commitment) -> list[CommitmentVersion]:
    """Every version, oldest first, loaded to show and to check its seal."""
    return list(
        db.session.scalars(
            select(CommitmentVersion)
            .where(CommitmentVersion.commitment_id == commitment.id)
            .options(
                selectinload(CommitmentVersion.items),
                selectinload(CommitmentVersion.answers),
                joinedload(CommitmentVersion.title),
                joinedload(CommitmentVersion.commitment),
            )
            .order_by(CommitmentVersion.number)
        )
    )


def _applies_to(commitment: Commitment) -> str:
    if commitment.kind == CommitmentKind.INDIVIDUAL:
        return AppliesTo.INDIVIDUAL
    return AppliesTo.UNIT


def _owner_label(commitment: Commitment) -> str:
    """The person's full name, or the unit's name."""
    if commitment.kind == CommitmentKind.INDIVIDUAL:
        return db.session.scalar(select(User.full_name).where(User.id == commitment.user_id))
    return db.session.scalar(select(Unit.name).where(Unit.id == commitment.unit_id))


def _context(commitment: Commitment, campaign: Campaign | None = None) -> dict:
    """What every page of one commitment shows: campaign, versions with their seals, owner,
    and whether registration is open for the owner today."""
    campaign = campaign if campaign is not None else _campaign(commitment)
    versions = _versions(commitment)
    kind = _applies_to(commitment)
    return {
        "commitment": commitment,
        "campaign": campaign,
        "version": versions[-1],
        "history": [(version, services.seal_state(commitment, version)) for version in versions],
        "owner_label": _owner_label(commitment),
        "page_url": page_url(commitment),
        "titles": [title for title in campaign.titles if title.applies_to == kind],
        "criteria": [criterion for criterion in campaign.criteria if criterion.applies_to == kind],
        "is_open": services.registration_open(
            campaign, local_today(), user_id=commitment.user_id, unit_id=commitment.unit_id
        ),
    }


def _editor_context(
    commitment: Commitment,
    new_forms: dict | None = None,
    editing: dict | None = None,
    details=None,
    focus: str | None = None,
    notice: str | None = None,
    context: dict | None = None,
) -> dict:
    """The editor's context: empty "add" forms where none is given, the details form."""
    context = context if context is not None else _context(commitment)
    version = context["version"]
    forms = {
        area.id: item_form(f"new-{area.id}", formdata=None)
        for area in context["campaign"].content_areas
    }
    forms.update(new_forms or {})
    if details is None:
        unit_criteria = context["criteria"] if commitment.kind == CommitmentKind.UNIT else ()
        details = details_form(version, context["titles"], unit_criteria)
    if editing is not None:
        editing["form"].content_area_id.choices = _area_choices(context["campaign"])
    return {
        **context,
        "new_forms": forms,
        "editing": editing,
        "details": details,
        "focus": focus,
        "notice": notice,
        "previous": context["history"][-2][0] if len(context["history"]) > 1 else None,
    }


def _area_choices(campaign: Campaign) -> list[tuple[int, str]]:
    return [
        (area.id, f"{area.code}. {area.title}" if area.code else area.title)
        for area in campaign.content_areas
    ]


def commitment_page(commitment: Commitment, campaign: Campaign | None = None):
    """The owner's page: the editor while the latest version is a draft, else that version
    with its seal, the "Sửa đổi" button and every version."""
    context = _context(commitment, campaign)
    if context["version"].is_draft:
        return render(EDITOR, **_editor_context(commitment, context=context))
    from app.commitments.assessment import page_context

    return render(
        "commitments/show.html",
        **context,
        **page_context(commitment, context["campaign"], local_today()),
    )


def render_area(commitment: Commitment, area: ContentArea, status: int = 200, **editor):
    """For htmx one content area's section of the editor, else the whole editor."""
    return render(
        EDITOR, block="area", status=status, area=area, **_editor_context(commitment, **editor)
    )


def refused(commitment: Commitment, error: DomainError):
    """A change refused by the commitment's state (signed in another tab, deadline passed):
    back to its page with the message; htmx loads that page instead of swapping a fragment."""
    flash(error.message, "warning")
    url = page_url(commitment)
    if is_htmx():
        return "", 204, {"HX-Redirect": url}
    return redirect(url, 303)


def _first_error_id(*forms) -> str | None:
    for form in forms:
        for field in form:
            if field.errors:
                return field.id
    return None


# The owner's pages -------------------------------------------------------------------------


def _start_page(campaign: Campaign | None, kind: str, unit=None):
    today = local_today()
    is_open = campaign is not None and services.registration_open(
        campaign,
        today,
        user_id=current_user.id if kind == CommitmentKind.INDIVIDUAL else None,
        unit_id=unit.id if unit is not None else None,
    )
    return render(
        "commitments/start.html", campaign=campaign, kind=kind, unit=unit, is_open=is_open
    )


@bp.get("/")
@login_required
def mine():
    """My commitment for the current campaign: how to register, the draft, or the signed one."""
    campaign = current_campaign(with_everything=True)
    commitment = services.find_commitment(campaign, user=current_user) if campaign else None
    if commitment is None:
        return _start_page(campaign, CommitmentKind.INDIVIDUAL)
    return commitment_page(commitment, campaign)


@bp.post("/start")
@login_required
def start():
    """Create my commitment with an empty draft (before the deadline, or when reopened)."""
    campaign = current_campaign()
    if campaign is None:
        abort(404)
    if services.find_commitment(campaign, user=current_user) is None:
        try:
            services.start_individual(current_user, campaign, local_today())
        except InvalidTransition as error:
            flash(error.message, "warning")
        else:
            flash(_("Your commitment has been created. Add what you commit to."), "success")
    return redirect(url_for("commitments.mine"), 303)


def _my_unit():
    """The unit the current user heads; a person who heads none may not be here."""
    unit = services.headed_unit(current_user)
    if unit is None and not current_user.has_role(Role.UNIT_HEAD):
        abort(403)
    return unit


@bp.get("/unit")
@login_required
def unit():
    """The collective commitment of the unit I head."""
    headed = _my_unit()
    campaign = current_campaign(with_everything=True)
    commitment = services.find_commitment(campaign, unit=headed) if campaign and headed else None
    if commitment is None:
        return _start_page(campaign, CommitmentKind.UNIT, headed)
    return commitment_page(commitment, campaign)


@bp.post("/unit/start")
@login_required
def start_unit():
    """Create the collective commitment of the unit I head."""
    headed = _my_unit()
    campaign = current_campaign()
    if campaign is None or headed is None:
        abort(404)
    if services.find_commitment(campaign, unit=headed) is None:
        try:
            services.start_collective(current_user, campaign, headed, local_today())
        except InvalidTransition as error:
            flash(error.message, "warning")
        else:
            flash(_("The unit's commitment has been created. Add what it commits to."), "success")
    return redirect(url_for("commitments.unit"), 303)


@bp.get("/<int:commitment_id>")
@login_required
def show(commitment_id: int):
    """One of my commitments (e.g. of a second unit I head): the editor or the signed version."""
    return commitment_page(get_owned(commitment_id))


@bp.post("/<int:commitment_id>/amend")
@login_required
def amend(commitment_id: int):
    """Start a new draft from the signed version ("Sửa đổi")."""
    commitment = get_owned(commitment_id)
    try:
        draft = services.amend(current_user, commitment, local_today())
    except InvalidTransition as error:
        return refused(commitment, error)
    flash(
        _("Version %(n)d has been started: change what you need, then sign it.", n=draft.number),
        "success",
    )
    return redirect(page_url(commitment), 303)


@bp.get("/<int:commitment_id>/versions/<int:number>")
@login_required
def version(commitment_id: int, number: int):
    """One version as it reads, with its seal checked again now."""
    commitment = get_viewable(commitment_id)
    context = _context(commitment)
    versions = {version.number: (version, state) for version, state in context["history"]}
    if number not in versions:
        abort(404)
    shown, seal_state = versions[number]
    return render(
        "commitments/version.html",
        **context,
        shown=shown,
        seal_state=seal_state,
        is_owner=services.is_owner(current_user, commitment),
        can_review=services.can_review(current_user, commitment),
    )


# Signing -----------------------------------------------------------------------------------


def _signer_key() -> str:
    return f"sign-user:{getattr(current_user, 'id', None)}"


@bp.route("/<int:commitment_id>/sign", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURE_LIMIT"],
    key_func=_signer_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 422,
)
@login_required
def sign(commitment_id: int):
    """Preview exactly what is signed, then sign with the password and the statement."""
    commitment = get_owned(commitment_id)
    version = services.latest_version(commitment)
    if not version.is_draft:
        flash(_("This version has already been signed."), "info")
        return redirect(page_url(commitment), 303)
    form = SignForm()
    if form.validate_on_submit():
        try:
            services.sign(current_user, version, form.password.data, form.statement.data)
        except ValidationFailed as error:
            add_errors(form, error)
        except InvalidTransition as error:
            return refused(commitment, error)
        else:
            flash(_("The commitment has been signed and sealed."), "success")
            return redirect(page_url(commitment, anchor="current-version"), 303)
    context = _context(commitment)
    return render(
        "commitments/sign.html",
        **context,
        form=form,
        problems=services.signing_problems(version),
        status=422 if form.is_submitted() else 200,
    )


# Editing the draft in place ----------------------------------------------------------------


@bp.get("/<int:commitment_id>/areas/<int:area_id>")
@login_required
def area(commitment_id: int, area_id: int):
    """One content area of the editor (htmx, e.g. to cancel an edit), else the page there."""
    commitment = get_owned(commitment_id)
    area = get_area(commitment, area_id)
    if not is_htmx():
        return redirect(page_url(commitment, anchor=f"area-{area.id}"))
    return render_area(commitment, area, focus=f"area-{area.id}-heading")


@bp.post("/<int:commitment_id>/areas/<int:area_id>/items")
@login_required
def add_item(commitment_id: int, area_id: int):
    """Add an item at the end of a content area."""
    commitment = get_owned(commitment_id)
    area = get_area(commitment, area_id)
    form = item_form(f"new-{area.id}")
    if form.validate():
        version = services.latest_version(commitment)
        try:
            item = services.add_item(
                current_user, version, area.id, form.text.data, form.target.data, form.due_on.data
            )
        except ValidationFailed as error:
            add_errors(form, error)
        except InvalidTransition as error:
            return refused(commitment, error)
        else:
            if is_htmx():
                return render_area(
                    commitment, area, focus=f"new-{area.id}-text", notice=_("Added.")
                )
            flash(_("Added."), "success")
            return redirect(page_url(commitment, anchor=f"item-{item.id}"), 303)
    return render_area(
        commitment, area, status=422, new_forms={area.id: form}, focus=_first_error_id(form)
    )


@bp.route("/<int:commitment_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_item(commitment_id: int, item_id: int):
    """Edit an item in place: its form shows where the item was in its area."""
    commitment = get_owned(commitment_id)
    item = get_item(commitment, item_id)
    if not item.version.is_draft:
        return refused(
            commitment,
            InvalidTransition(_("A signed version cannot be changed; amend it instead.")),
        )
    area = get_area(commitment, item.content_area_id)
    purpose = f"item-{item.id}"
    form = (
        item_form(purpose)
        if request.method == "POST"
        else item_form(purpose, obj=item, formdata=None)
    )
    if request.method == "POST" and form.validate():
        try:
            services.update_item(
                current_user,
                item,
                form.content_area_id.data,
                form.text.data,
                form.target.data,
                form.due_on.data,
            )
        except ValidationFailed as error:
            add_errors(form, error)
        except InvalidTransition as error:
            return refused(commitment, error)
        else:
            return _item_saved(commitment, area, item_id)
    status = 422 if request.method == "POST" else 200
    focus = _first_error_id(form) or f"{purpose}-text"
    return render_area(
        commitment, area, status=status, editing={"id": item_id, "form": form}, focus=focus
    )


def _item_saved(commitment: Commitment, area: ContentArea, item_id: int):
    """After an edit: the area again for htmx (and the area it moved to, out of band)."""
    if not is_htmx():
        flash(_("Saved."), "success")
        return redirect(page_url(commitment, anchor=f"item-{item_id}"), 303)
    moved_to = db.session.scalar(
        select(CommitmentItem.content_area_id).where(CommitmentItem.id == item_id)
    )
    context = _editor_context(commitment, focus=f"area-{area.id}-heading", notice=_("Saved."))
    html = render_block(EDITOR, "area", area=area, **context)
    if moved_to != area.id:
        html += render_block(
            EDITOR, "area", area=get_area(commitment, moved_to), oob=True, **context
        )
    return html


@bp.post("/<int:commitment_id>/items/<int:item_id>/delete")
@login_required
def delete_item(commitment_id: int, item_id: int):
    """Remove an item (the page asks for confirmation first)."""
    commitment = get_owned(commitment_id)
    item = get_item(commitment, item_id)
    area = get_area(commitment, item.content_area_id)
    try:
        services.delete_item(current_user, item)
    except InvalidTransition as error:
        return refused(commitment, error)
    if is_htmx():
        return render_area(commitment, area, focus=f"area-{area.id}-heading", notice=_("Removed."))
    flash(_("Removed."), "success")
    return redirect(page_url(commitment, anchor=f"area-{area.id}"), 303)


@bp.post("/<int:commitment_id>/details")
@login_required
def details(commitment_id: int):
    """Save the registered title, the criterion acknowledged or the unit's answers; htmx sends
    this form on each change and only the "saved" status changes, so typing is never lost."""
    commitment = get_owned(commitment_id)
    version = services.latest_version(commitment)
    campaign = _campaign(commitment)
    kind = _applies_to(commitment)
    titles = [title for title in campaign.titles if title.applies_to == kind]
    unit_criteria = (
        [criterion for criterion in campaign.criteria if criterion.applies_to == AppliesTo.UNIT]
        if commitment.kind == CommitmentKind.UNIT
        else ()
    )
    form = details_form(version, titles, unit_criteria, submitted=True)
    if form.validate():
        try:
            services.update_details(
                current_user,
                version,
                form.title_id.data,
                form.is_criterion_acknowledged.data,
                answers_of(form),
            )
        except ValidationFailed as error:
            add_errors(form, error)
        except InvalidTransition as error:
            return refused(commitment, error)
        else:
            saved_at = to_local(datetime.now(UTC)).strftime("%H:%M")
            if not is_htmx():
                flash(_("Saved."), "success")
                return redirect(page_url(commitment, anchor="details"), 303)
            if not request.form.get("had_errors"):
                return render(EDITOR, block="details_status", saved_at=saved_at, oob=True)
            # The errors shown before are gone: the whole form again.
            return render(EDITOR, block="details", saved_at=saved_at, **_editor_context(commitment))
    body, status = render(
        EDITOR,
        block="details",
        status=422,
        **_editor_context(commitment, details=form, focus=_first_error_id(form)),
    )
    return body, status, {"HX-Reswap": "outerHTML"}
