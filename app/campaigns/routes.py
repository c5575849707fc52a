"""The campaign as staff read it, and the officer's screens to create and edit campaigns."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.campaigns import services
from app.campaigns.forms import CampaignForm, item_form
from app.campaigns.services import ITEM_KINDS, ItemKind, campaign_query, current_campaign
from app.errors import InvalidTransition, ValidationFailed
from app.extensions import db
from app.models.campaigns import Campaign
from app.models.directory import Role
from app.web.access import role_required
from app.web.forms import add_errors
from app.web.htmx import is_htmx, render

bp = Blueprint("campaigns", __name__)


def get_campaign(campaign_id: int, with_everything: bool = True) -> Campaign:
    """The campaign with its four lists, or 404."""
    campaign = db.session.scalar(
        campaign_query(with_everything=with_everything).where(Campaign.id == campaign_id)
    )
    if campaign is None:
        abort(404)
    return campaign


def get_kind(kind: str) -> ItemKind:
    """The list named in the URL, or 404."""
    if kind not in ITEM_KINDS:
        abort(404)
    return ITEM_KINDS[kind]


def get_item(campaign_id: int, kind: str, item_id: int):
    """The item of that list, if it belongs to the campaign in the URL; else 404."""
    model = get_kind(kind).model
    item = db.session.scalar(
        select(model).where(model.id == item_id, model.campaign_id == campaign_id)
    )
    if item is None:
        abort(404)
    return item


def render_edit(
    campaign: Campaign,
    block: str | None = None,
    status: int = 200,
    form: CampaignForm | None = None,
    new_forms: dict | None = None,
    editing: dict | None = None,
    notice: str | None = None,
):
    """The edit page, or for htmx one list of it; empty "add" forms where none is given."""
    forms = {slug: item_form(slug, "new", formdata=None) for slug in ITEM_KINDS}
    forms.update(new_forms or {})
    return render(
        "campaigns/edit.html",
        block=block,
        status=status,
        campaign=campaign,
        form=form or CampaignForm(obj=campaign, formdata=None),
        new_forms=forms,
        editing=editing,
        notice=notice,
        kinds=ITEM_KINDS,
        item_label=services.item_label,
    )


def item_done(
    campaign_id: int,
    kind: ItemKind,
    notice: str,
    anchor: str | None = None,
    category: str = "success",
):
    """After a change to a list: the list again for htmx, else back to the edit page there."""
    if is_htmx():
        return render_edit(get_campaign(campaign_id), block=kind.collection, notice=notice)
    flash(notice, category)
    target = url_for("campaigns.edit", campaign_id=campaign_id, _anchor=anchor or kind.anchor)
    return redirect(target, code=303)


@bp.get("/current")
@login_required
def current():
    """The campaign under way, with its content areas and criteria."""
    return render("campaigns/detail.html", campaign=current_campaign(with_everything=True))


@bp.get("/<int:campaign_id>")
@login_required
def detail(campaign_id: int):
    """One campaign."""
    return render("campaigns/detail.html", campaign=get_campaign(campaign_id))


@bp.get("/")
@role_required(Role.OFFICER)
def index():
    """The officer's list of campaigns."""
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.starts_on.desc())).all()
    return render("campaigns/index.html", campaigns=campaigns)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def create():
    """Create a campaign; its lists are added on the edit page that follows."""
    form = CampaignForm()
    if form.validate_on_submit():
        try:
            campaign = services.create_campaign(current_user, form.data)
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_("The campaign has been created. Now add its content areas and criteria."))
            return redirect(url_for("campaigns.edit", campaign_id=campaign.id), code=303)
    return render("campaigns/new.html", form=form, status=422 if form.is_submitted() else 200)


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit(campaign_id: int):
    """Edit a campaign's fields; its four lists are edited in place on the same page."""
    campaign = get_campaign(campaign_id)
    form = CampaignForm(obj=campaign)
    if form.validate_on_submit():
        try:
            services.update_campaign(current_user, campaign, form.data)
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_("The campaign has been saved."), "success")
            return redirect(url_for("campaigns.edit", campaign_id=campaign_id), code=303)
    return render_edit(campaign, form=form, status=422 if form.is_submitted() else 200)


@bp.get("/<int:campaign_id>/items/<kind>")
@role_required(Role.OFFICER)
def items(campaign_id: int, kind: str):
    """One list of the campaign (htmx, e.g. to cancel an edit), else the edit page there."""
    spec = get_kind(kind)
    if not is_htmx():
        return redirect(url_for("campaigns.edit", campaign_id=campaign_id, _anchor=spec.anchor))
    return render_edit(get_campaign(campaign_id), block=spec.collection)


@bp.post("/<int:campaign_id>/items/<kind>/add")
@role_required(Role.OFFICER)
def add_item(campaign_id: int, kind: str):
    """Add an item at the end of one of the campaign's lists."""
    spec = get_kind(kind)
    campaign = get_campaign(campaign_id)
    form = item_form(kind, "new")
    if form.validate():
        try:
            item = services.add_item(current_user, campaign, kind, form.data)
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            return item_done(campaign_id, spec, _("Added."), f"{kind}-{item.id}")
    return render_edit(campaign, block=spec.collection, status=422, new_forms={kind: form})


@bp.route("/<int:campaign_id>/items/<kind>/<int:item_id>/edit", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit_item(campaign_id: int, kind: str, item_id: int):
    """Edit an item in place: its form shows where the item was in the list."""
    item = get_item(campaign_id, kind, item_id)
    form = item_form(kind, "edit", obj=item)
    if form.validate_on_submit():
        try:
            services.update_item(current_user, item, form.data)
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            return item_done(campaign_id, ITEM_KINDS[kind], _("Saved."), f"{kind}-{item_id}")
    editing = {"kind": kind, "id": item_id, "form": form}
    status = 422 if form.is_submitted() else 200
    block = ITEM_KINDS[kind].collection
    return render_edit(get_campaign(campaign_id), block=block, status=status, editing=editing)


@bp.post("/<int:campaign_id>/items/<kind>/<int:item_id>/delete")
@role_required(Role.OFFICER)
def delete_item(campaign_id: int, kind: str, item_id: int):
    """Delete an item (the page asks for confirmation first)."""
    try:
        services.delete_item(current_user, get_item(campaign_id, kind, item_id))
    except InvalidTransition as error:
        return item_done(campaign_id, ITEM_KINDS[kind], error.message, category="warning")
    return item_done(campaign_id, ITEM_KINDS[kind], _("Deleted."))


@bp.post("/<int:campaign_id>/items/<kind>/<int:item_id>/move")
@role_required(Role.OFFICER)
def move_item(campaign_id: int, kind: str, item_id: int):
    """Move an item one place up or down its list."""
    item = get_item(campaign_id, kind, item_id)
    direction = request.form.get("direction", "")
    if direction not in services.DIRECTIONS:
        abort(400)
    services.move_item(current_user, item, direction)
    return item_done(campaign_id, ITEM_KINDS[kind], _("Moved."), f"{kind}-{item_id}")
