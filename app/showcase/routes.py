"""The showcase (gương điển hình): published stories for everyone signed in, the Atom feed and
published photos for the provincial portal without signing in, and comms' pages to write,
link, illustrate, preview, publish, take down and delete stories.

Every action is a plain form first; htmx swaps the photo's or the links' section.
"""

from flask import Blueprint, abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.directory import unit_tree
from app.errors import InvalidTransition, ValidationFailed
from app.extensions import db, limiter
from app.models.directory import Role
from app.models.stories import Story, StoryStatus
from app.showcase import feed as atom
from app.showcase import photos, queries, services
from app.showcase.forms import LinksForm, PhotoForm, StoryForm
from app.showcase.markdown import render_markdown
from app.web.access import role_required
from app.web.forms import add_errors
from app.web.htmx import is_htmx, render
from app.web.picker import picker_query, search_people

bp = Blueprint("showcase", __name__)

EDITOR = "showcase/edit.html"


def get_story(story_id: int) -> Story:
    """The story with its links, if the current user may read it: a story not published is
    comms' only, and to anyone else it does not exist."""
    story = queries.load(story_id)
    if story is None or not services.can_read(current_user, story):
        abort(404)
    return story


# Reading -----------------------------------------------------------------------------------


def _filters() -> dict:
    return {
        "initiative_id": request.args.get("initiative", type=int),
        "person_id": request.args.get("person", type=int),
        "unit_id": request.args.get("unit", type=int),
    }


@bp.get("/")
@login_required
def index():
    """Published stories, newest first, with their photo and summary; paged."""
    filters = _filters()
    page = db.paginate(
        queries.published(**filters),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["SHOWCASE_PAGE_SIZE"],
        error_out=False,
    )
    # The filter's subject is named from the first story (a filter matching none shows none).
    subject = page.items[0] if page.items and any(filters.values()) else None
    return render(
        "showcase/index.html",
        block="stories",
        stories=page,
        filters=filters,
        subject=subject,
        can_manage=services.can_manage(current_user),
    )


@bp.get("/<int:story_id>")
@login_required
def show(story_id: int):
    """A story; for comms also a draft or a story taken down, as a preview."""
    story = get_story(story_id)
    return render(
        "showcase/show.html",
        story=story,
        body=render_markdown(story.body),
        can_manage=services.can_manage(current_user),
    )


@bp.get("/feed.atom")
@limiter.limit("60 per minute")
def feed():
    """The Atom feed of published stories, open to the portal without signing in."""
    stories = queries.feed_entries(current_app.config["SHOWCASE_FEED_SIZE"])
    updated = atom.last_change()
    response = current_app.response_class(
        atom.build(stories, updated), content_type=atom.CONTENT_TYPE
    )
    response.headers["Cache-Control"] = "public, max-age=300"
    response.last_modified = updated
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/<int:story_id>/photo/<name>")
def photo_file(story_id: int, name: str):
    """A story's photo: public once the story is published, comms' only before."""
    story = db.session.get(Story, story_id)
    if story is None or not story.photo_name or story.photo_name != name:
        abort(404)
    public = story.is_published
    if not public and not (current_user.is_authenticated and services.can_manage(current_user)):
        abort(404)
    path = photos.path_of(name)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=photos.MIMETYPES[story.photo_kind], max_age=0)
    response.headers["Cache-Control"] = "public, max-age=600" if public else "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# Comms: the list and the editor ------------------------------------------------------------


@bp.get("/manage")
@role_required(Role.COMMS)
def manage():
    """Every story with its status, the latest changed first; filtered by status."""
    status = request.args.get("status") or None
    page = db.paginate(
        queries.for_management(status),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render(
        "showcase/manage.html",
        block="results",
        stories=page,
        status=status,
        counts=queries.status_counts(),
        statuses=tuple(StoryStatus),
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.COMMS)
def new():
    """A new story, saved as a draft; the photo and the links are added next."""
    form = StoryForm()
    if form.validate_on_submit():
        try:
            story = services.create(current_user, form.service_data())
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_("The draft has been saved. Add a photo and what it is about."), "success")
            return _after_save(story)
    return render("showcase/new.html", form=form, status=422 if form.is_submitted() else 200)


def _after_save(story: Story):
    """ "Save and preview" opens the story as readers will see it; "save" stays in the editor."""
    if request.form.get("action") == "preview":
        return redirect(url_for("showcase.show", story_id=story.id), 303)
    return redirect(url_for("showcase.edit", story_id=story.id), 303)


def _editor(story: Story, status: int = 200, block: str | None = None, **forms):
    """The editor: the texts, the photo with its description, the links with the picker."""
    q = picker_query()
    links_form = forms.pop("links_form", None) or LinksForm(formdata=None, obj=story)
    links_form.initiative_id.choices = [("", _("— None —"))] + [
        (row.id, row.title) for row in services.linkable_initiatives()
    ]
    links_form.unit_id.choices = [("", _("— None —"))] + [
        (unit.id, "— " * depth + unit.name) for unit, depth in unit_tree()
    ]
    return render(
        EDITOR,
        block=block,
        status=status,
        story=story,
        form=forms.pop("form", None) or StoryForm(formdata=None, obj=story),
        photo_form=forms.pop("photo_form", None) or PhotoForm(formdata=None, alt=story.photo_alt),
        links_form=links_form,
        find=q,
        people=search_people(q, {story.person_id} if story.person_id else ()),
        max_mb=photos.max_bytes() // (1024 * 1024),
        **forms,
    )


@bp.route("/<int:story_id>/edit", methods=["GET", "POST"])
@role_required(Role.COMMS)
def edit(story_id: int):
    """Change the texts (a published story changes at once on the showcase and the feed)."""
    story = get_story(story_id)
    if request.method == "GET":
        return _editor(story)
    form = StoryForm()
    if form.validate():
        try:
            services.update(current_user, story, form.service_data())
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_("The story has been saved."), "success")
            return _after_save(story)
    return _editor(story, status=422, form=form)


def _section_saved(story_id: int, block: str, notice: str):
    story = queries.load(story_id)
    if is_htmx():
        return _editor(story, block=block, notice=notice)
    flash(notice, "success")
    anchor = block.replace("_", "-")
    return redirect(url_for("showcase.edit", story_id=story_id, _anchor=anchor), 303)


@bp.post("/<int:story_id>/photo")
@role_required(Role.COMMS)
def photo(story_id: int):
    """Upload the photo with its description, or change only the description."""
    story = get_story(story_id)
    form = PhotoForm()
    if form.validate():
        try:
            services.set_photo(current_user, story, form.photo.data, form.alt.data)
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            return _section_saved(story.id, "photo_section", _("The photo has been saved."))
    return _editor(story, status=422, block="photo_section", photo_form=form)


def photo_too_large():
    """The 413 of the photo route: the editor with the error beside the photo field."""
    if not (current_user.is_authenticated and services.can_manage(current_user)):
        abort(403)
    story = get_story(request.view_args["story_id"])
    form = PhotoForm(formdata=None, alt=story.photo_alt)
    form.photo.errors = [photos.too_large_message()]
    # htmx swaps a rejected form only on 422 (base.html's responseHandling).
    return _editor(story, status=422 if is_htmx() else 413, block="photo_section", photo_form=form)


@bp.post("/<int:story_id>/photo/delete")
@role_required(Role.COMMS)
def remove_photo(story_id: int):
    """Take the photo off the story."""
    story = get_story(story_id)
    services.remove_photo(current_user, story)
    return _section_saved(story.id, "photo_section", _("The photo has been removed."))


@bp.post("/<int:story_id>/links")
@role_required(Role.COMMS)
def links(story_id: int):
    """What the story is about: an initiative, a person, a unit."""
    story = get_story(story_id)
    form = LinksForm()
    if form.validate():
        person_id = None if form.remove_person.data else (form.user_id.data or story.person_id)
        try:
            services.set_links(
                current_user, story, form.initiative_id.data, person_id, form.unit_id.data
            )
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            return _section_saved(story.id, "links", _("The links have been saved."))
    return _editor(story, status=422, block="links", links_form=form)


# Comms: publishing -------------------------------------------------------------------------


def _refused(story: Story, error: InvalidTransition):
    flash(error.message, "warning")
    return redirect(url_for("showcase.show", story_id=story.id), 303)


@bp.post("/<int:story_id>/publish")
@role_required(Role.COMMS)
def publish(story_id: int):
    """Put the story on the showcase and in the portal's feed."""
    story = get_story(story_id)
    try:
        services.publish(current_user, story)
    except InvalidTransition as error:
        return _refused(story, error)
    except ValidationFailed:
        flash(_("Complete the title, summary and body before publishing."), "warning")
        return redirect(url_for("showcase.edit", story_id=story.id), 303)
    flash(_("The story has been published on the showcase and in the portal's feed."), "success")
    return redirect(url_for("showcase.show", story_id=story.id), 303)


@bp.post("/<int:story_id>/unpublish")
@role_required(Role.COMMS)
def unpublish(story_id: int):
    """Take the story off the showcase and the feed."""
    story = get_story(story_id)
    try:
        services.unpublish(current_user, story)
    except InvalidTransition as error:
        return _refused(story, error)
    flash(_("The story has been taken down from the showcase and the portal's feed."), "success")
    return redirect(url_for("showcase.show", story_id=story.id), 303)


@bp.post("/<int:story_id>/delete")
@role_required(Role.COMMS)
def delete(story_id: int):
    """Delete a story that is not published (the page asks first)."""
    story = get_story(story_id)
    try:
        services.delete(current_user, story)
    except InvalidTransition as error:
        return _refused(story, error)
    flash(_("The story has been deleted."), "success")
    return redirect(url_for("showcase.manage"), 303)
