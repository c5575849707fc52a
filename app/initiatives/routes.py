"""Initiative pages: the list with search and filters, my initiatives, the officer's queue, the
application (new, edit, authors, attachments, submit), the detail page and the review actions.

Every action is a plain form first; htmx swaps the authors' or the attachments' section.
"""

from flask import Blueprint, abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from app.campaigns.services import current_campaign
from app.councils import services as councils
from app.directory import unit_tree
from app.errors import DomainError, InvalidTransition, ValidationFailed
from app.extensions import db
from app.initiatives import attachments, services
from app.initiatives.forms import (
    ApplicationForm,
    AttachmentForm,
    AuthorForm,
    CommentForm,
    EndorseForm,
)
from app.models.campaigns import Campaign, ContentArea
from app.models.councils import Council
from app.models.directory import Role
from app.models.initiatives import Initiative, InitiativeAttachment, InitiativeAuthor
from app.showcase import queries as showcase_queries
from app.web.access import role_required
from app.web.filters import local_today
from app.web.forms import add_errors
from app.web.htmx import is_htmx, render
from app.web.picker import picker_query, search_people

bp = Blueprint("initiatives", __name__)

LIST = "initiatives/index.html"
EDITOR = "initiatives/edit.html"


# Lookups with their access checks --------------------------------------------------------


def get_initiative(initiative_id: int, allowed=services.can_view) -> Initiative:
    """The initiative with what its pages show, if `allowed(current_user, it)`; else 404 or
    403."""
    initiative = services.load(initiative_id)
    if initiative is None:
        abort(404)
    if not allowed(current_user, initiative):
        abort(403)
    return initiative


def get_authored(initiative_id: int) -> Initiative:
    return get_initiative(initiative_id, services.is_author)


def get_attachment(initiative: Initiative, attachment_id: int) -> InitiativeAttachment:
    attachment = db.session.get(InitiativeAttachment, attachment_id)
    if attachment is None or attachment.initiative_id != initiative.id:
        abort(404)
    return attachment


# The lists ---------------------------------------------------------------------------------


def _filters() -> dict:
    return {
        "q": request.args.get("q", ""),
        "status": request.args.get("status") or None,
        "area_id": request.args.get("area", type=int),
        "unit_id": request.args.get("unit", type=int),
        "year": request.args.get("year", type=int),
    }


def _areas() -> list[ContentArea]:
    return list(
        db.session.scalars(
            select(ContentArea)
            .join(Campaign, Campaign.id == ContentArea.campaign_id)
            .order_by(Campaign.starts_on.desc(), ContentArea.position)
        )
    )


def _list_page(endpoint: str, heading: str, mine: bool = False):
    filters = _filters()
    page = db.paginate(
        services.list_query(current_user, mine=mine, **filters),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render(
        LIST,
        block="results",
        initiatives=page,
        filters=filters,
        endpoint=endpoint,
        heading=heading,
        mine=mine,
        statuses=services.STATUSES,
        areas=_areas(),
        units=unit_tree(),
        years=services.years(),
        can_export=current_user.has_role(Role.OFFICER, Role.LEADER),
    )


@bp.get("/")
@login_required
def index():
    """The initiatives I may see: search without diacritics, filters, paging."""
    return _list_page("initiatives.index", _("Initiatives"))


@bp.get("/mine")
@login_required
def mine():
    """The initiatives I wrote or co-authored, whatever their status."""
    return _list_page("initiatives.mine", _("My initiatives"), mine=True)


@bp.get("/review")
@role_required(Role.OFFICER)
def review():
    """The officer's queue: submitted applications, oldest first, the units' put forward first."""
    queue = db.session.scalars(
        services.list_query(current_user, status="submitted")
        .order_by(None)
        .order_by(Initiative.endorsed_at.is_(None), Initiative.submitted_at, Initiative.id)
    ).all()
    return render("initiatives/review.html", queue=queue)


@bp.get("/export.xlsx")
@role_required(Role.OFFICER, Role.LEADER)
def export():
    """The filtered list as a workbook: status, authors, unit and the council's scores."""
    from app.initiatives.exports import export_initiatives

    return export_initiatives(current_user, _filters())


# The application ---------------------------------------------------------------------------


def _application_form(campaign_id: int, **kwargs) -> ApplicationForm:
    form = ApplicationForm(**kwargs)
    areas = db.session.scalars(
        select(ContentArea)
        .where(ContentArea.campaign_id == campaign_id)
        .order_by(ContentArea.position)
    ).all()
    form.content_area_id.choices = [("", _("— Choose a field —"))] + [
        (area.id, f"{area.code}. {area.title}" if area.code else area.title) for area in areas
    ]
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """A new application; saved as a draft, then co-authors and files are added."""
    campaign = current_campaign()
    if campaign is None:
        flash(_("No emulation campaign has been set up yet."), "warning")
        return redirect(url_for("initiatives.index"))
    form = _application_form(campaign.id)
    if form.validate_on_submit():
        try:
            initiative = services.create(current_user, campaign, form.service_data(), local_today())
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            if request.form.get("action") == "submit":
                return _submit(initiative)
            flash(
                _("The draft has been saved. Add co-authors and files, then submit it."), "success"
            )
            return redirect(url_for("initiatives.edit", initiative_id=initiative.id), 303)
    return render(
        "initiatives/new.html",
        form=form,
        campaign=campaign,
        status=422 if form.is_submitted() else 200,
    )


def _editor(initiative: Initiative, status: int = 200, block: str | None = None, **forms):
    """The editor: the application, the authors with the person picker, the attachments."""
    form = forms.pop("form", None) or _application_form(
        initiative.campaign_id, obj=initiative, formdata=None
    )
    q = picker_query()
    chosen = {author.user_id for author in initiative.authors}
    max_bytes, max_count = attachments.limits()
    return render(
        EDITOR,
        block=block,
        status=status,
        initiative=initiative,
        is_main=services.is_main_author(current_user, initiative),
        form=form,
        author_form=forms.pop("author_form", None) or AuthorForm(formdata=None),
        file_form=forms.pop("file_form", None) or AttachmentForm(formdata=None),
        share_errors=forms.pop("share_errors", {}),
        shares=forms.pop("shares", None),
        find=q,
        people=search_people(q, chosen),
        exclude=",".join(str(i) for i in sorted(chosen)),
        max_mb=max_bytes // (1024 * 1024),
        max_count=max_count,
        **forms,
    )


def _refused(initiative: Initiative, error: DomainError):
    """A change refused by the initiative's state: back to its page with the message."""
    flash(error.message, "warning")
    url = url_for("initiatives.show", initiative_id=initiative.id)
    if is_htmx():
        return "", 204, {"HX-Redirect": url}
    return redirect(url, 303)


@bp.route("/<int:initiative_id>/edit", methods=["GET", "POST"])
@login_required
def edit(initiative_id: int):
    """Change the application (a draft or one returned); "save and submit" sends it."""
    initiative = get_authored(initiative_id)
    if not initiative.is_editable:
        return _refused(
            initiative, InvalidTransition(_("The application can no longer be changed."))
        )
    if request.method == "GET":
        return _editor(initiative)
    form = _application_form(initiative.campaign_id)
    if form.validate():
        try:
            services.update_application(
                current_user, initiative, form.service_data(), local_today()
            )
        except ValidationFailed as error:
            add_errors(form, error)
        except InvalidTransition as error:
            return _refused(initiative, error)
        else:
            if request.form.get("action") == "submit":
                return _submit(initiative)
            flash(_("The draft has been saved."), "success")
            return redirect(url_for("initiatives.edit", initiative_id=initiative.id), 303)
    return _editor(initiative, status=422, form=form)


def _submit(initiative: Initiative):
    """Submit after saving; what is missing shows beside its field in the editor."""
    try:
        services.submit(current_user, initiative)
    except ValidationFailed as error:
        initiative = services.load(initiative.id)
        form = _application_form(initiative.campaign_id, obj=initiative, formdata=None)
        add_errors(form, error)
        form.form_errors.append(_("The application is not complete yet; see the fields marked."))
        shares = {k: v for k, v in error.errors.items() if k.startswith("share")}
        return _editor(initiative, status=422, form=form, share_errors=shares)
    except InvalidTransition as error:
        return _refused(initiative, error)
    flash(_("The initiative has been submitted to the Administration Office."), "success")
    return redirect(url_for("initiatives.show", initiative_id=initiative.id), 303)


@bp.post("/<int:initiative_id>/delete")
@login_required
def delete(initiative_id: int):
    """Delete a draft never submitted (the page asks first)."""
    initiative = get_authored(initiative_id)
    try:
        services.delete_draft(current_user, initiative)
    except InvalidTransition as error:
        return _refused(initiative, error)
    flash(_("The draft has been deleted."), "success")
    return redirect(url_for("initiatives.mine"), 303)


# Authors -----------------------------------------------------------------------------------


def _authors_saved(initiative_id: int, notice: str):
    initiative = services.load(initiative_id)
    if is_htmx():
        return _editor(initiative, block="authors", notice=notice)
    flash(notice, "success")
    return redirect(
        url_for("initiatives.edit", initiative_id=initiative_id, _anchor="authors"), 303
    )


@bp.post("/<int:initiative_id>/authors")
@login_required
def add_author(initiative_id: int):
    """Add a co-author chosen with the picker."""
    initiative = get_authored(initiative_id)
    form = AuthorForm()
    if form.validate():
        try:
            services.add_author(current_user, initiative, form.user_id.data, form.share.data)
        except ValidationFailed as error:
            add_errors(form, error)
        except InvalidTransition as error:
            return _refused(initiative, error)
        else:
            return _authors_saved(initiative.id, _("The co-author has been added."))
    return _editor(initiative, status=422, block="authors", author_form=form)


@bp.post("/<int:initiative_id>/authors/<int:author_id>/delete")
@login_required
def remove_author(initiative_id: int, author_id: int):
    """Remove a co-author; their share returns to the main author."""
    initiative = get_authored(initiative_id)
    if db.session.get(InitiativeAuthor, author_id) is None:
        abort(404)
    try:
        services.remove_author(current_user, initiative, author_id)
    except ValidationFailed as error:
        return _editor(initiative, status=422, block="authors", share_errors=error.errors)
    except InvalidTransition as error:
        return _refused(initiative, error)
    return _authors_saved(initiative.id, _("The co-author has been removed."))


def _int_or_none(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


@bp.post("/<int:initiative_id>/shares")
@login_required
def shares(initiative_id: int):
    """Set every author's contribution at once; they must add up to 100%."""
    initiative = get_authored(initiative_id)
    typed = {a.id: request.form.get(f"share_{a.id}", "") for a in initiative.authors}
    values = {author_id: _int_or_none(text) for author_id, text in typed.items()}
    try:
        services.update_shares(current_user, initiative, values)
    except ValidationFailed as error:
        return _editor(
            initiative, status=422, block="authors", share_errors=error.errors, shares=typed
        )
    except InvalidTransition as error:
        return _refused(initiative, error)
    return _authors_saved(initiative.id, _("The contributions have been saved."))


# Attachments -------------------------------------------------------------------------------


@bp.post("/<int:initiative_id>/attachments")
@login_required
def upload(initiative_id: int):
    """Attach a file; its type is read from its content."""
    # The request may be larger than the file limit (app/web/request.py), so that a file too
    # large is refused beside the field.
    initiative = get_authored(initiative_id)
    form = AttachmentForm()
    if form.validate():
        try:
            attachment = attachments.add(current_user, initiative, form.file.data)
        except ValidationFailed as error:
            add_errors(form, error)
        except InvalidTransition as error:
            return _refused(initiative, error)
        else:
            notice = _("“%(name)s” has been attached.", name=attachment.original_name)
            initiative = services.load(initiative.id)
            if is_htmx():
                return _editor(initiative, block="attachments", notice=notice)
            flash(notice, "success")
            return redirect(
                url_for("initiatives.edit", initiative_id=initiative.id, _anchor="attachments"),
                303,
            )
    return _editor(initiative, status=422, block="attachments", file_form=form)


def upload_too_large():
    """The 413 of the upload route: the editor with the error beside the file field."""
    if not current_user.is_authenticated:
        abort(403)
    initiative = get_authored(request.view_args["initiative_id"])
    form = AttachmentForm(formdata=None)
    form.file.errors = [attachments.too_large_message()]
    # htmx swaps a rejected form only on 422 (base.html's responseHandling).
    status = 422 if is_htmx() else 413
    return _editor(initiative, status=status, block="attachments", file_form=form)


@bp.post("/<int:initiative_id>/attachments/<int:attachment_id>/delete")
@login_required
def remove_attachment(initiative_id: int, attachment_id: int):
    """Remove an attached file."""
    initiative = get_authored(initiative_id)
    attachment = get_attachment(initiative, attachment_id)
    try:
        attachments.remove(current_user, initiative, attachment)
    except InvalidTransition as error:
        return _refused(initiative, error)
    notice = _("The file has been removed.")
    if is_htmx():
        return _editor(services.load(initiative.id), block="attachments", notice=notice)
    flash(notice, "success")
    return redirect(
        url_for("initiatives.edit", initiative_id=initiative.id, _anchor="attachments"), 303
    )


@bp.get("/<int:initiative_id>/attachments/<int:attachment_id>")
@login_required
def download(initiative_id: int, attachment_id: int):
    """The file, as a download, to those who may see the initiative."""
    initiative = get_initiative(initiative_id)
    attachment = get_attachment(initiative, attachment_id)
    path = attachments.file_path(attachment)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=attachments.MIMETYPES[attachment.kind],
        as_attachment=True,
        download_name=attachment.original_name,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# The detail page and the review ------------------------------------------------------------


def _show(initiative: Initiative, status: int = 200, **forms):
    return render(
        "initiatives/show.html",
        status=status,
        initiative=initiative,
        is_author=services.is_author(current_user, initiative),
        show_confidential=services.can_see_confidential(current_user, initiative),
        can_review=services.can_review(current_user, initiative),
        can_endorse=services.can_endorse(current_user, initiative),
        return_form=forms.get("return_form") or CommentForm(prefix="return", formdata=None),
        reject_form=forms.get("reject_form") or CommentForm(prefix="reject", formdata=None),
        accept_form=forms.get("accept_form") or CommentForm(prefix="accept", formdata=None),
        endorse_form=forms.get("endorse_form") or EndorseForm(formdata=None),
        council_url=_council_url(initiative),
        stories=showcase_queries.about_initiative(initiative.id),
    )


def _council_url(initiative: Initiative) -> str:
    """The page of the council judging the initiative, for those who may open it."""
    if initiative.council_id is None:
        return ""
    council = db.session.get(Council, initiative.council_id)
    if not councils.can_view(current_user, council, councils.membership(current_user, council)):
        return ""
    return url_for("councils.show", council_id=council.id)


@bp.get("/<int:initiative_id>")
@login_required
def show(initiative_id: int):
    """The application as submitted, its files, its history and what I may do with it."""
    return _show(get_initiative(initiative_id))


_REVIEW = {
    "return": (services.return_for_changes, _l("The initiative has been returned to its authors.")),
    "reject": (services.reject, _l("The initiative has been rejected.")),
    "accept": (services.accept, _l("The initiative has been accepted for evaluation.")),
}


@bp.post("/<int:initiative_id>/<any(return, reject, accept):decision>")
@role_required(Role.OFFICER)
def decide(initiative_id: int, decision: str):
    """The officer returns, rejects or accepts a submitted application."""
    initiative = get_initiative(initiative_id)
    form = CommentForm(prefix=decision)
    use_case, message = _REVIEW[decision]
    if form.validate():
        try:
            use_case(current_user, initiative, form.comment.data)
        except ValidationFailed as error:
            add_errors(form, error)
        except InvalidTransition as error:
            return _refused(initiative, error)
        else:
            flash(str(message), "success")
            return redirect(url_for("initiatives.show", initiative_id=initiative.id), 303)
    return _show(initiative, status=422, **{f"{decision}_form": form})


@bp.post("/<int:initiative_id>/endorse")
@login_required
def endorse(initiative_id: int):
    """The unit's head puts the initiative forward (đề xuất)."""
    initiative = get_initiative(initiative_id)
    if not services.heads_unit_of(current_user, initiative):
        abort(403)
    form = EndorseForm()
    if form.validate():
        try:
            services.endorse(current_user, initiative, form.note.data)
        except ValidationFailed as error:
            add_errors(form, error)
        except InvalidTransition as error:
            return _refused(initiative, error)
        else:
            flash(_("The unit has put the initiative forward."), "success")
            return redirect(url_for("initiatives.show", initiative_id=initiative.id), 303)
    return _show(initiative, status=422, endorse_form=form)
