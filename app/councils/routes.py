"""The initiative council's pages under /council/: the list, setting a council up (details,
members with the person picker, criteria), opening the session, each member's scoring page,
the chair's close, the results and the minutes (DOCX).

Who may do what is checked here on every route and again in the services: the officer manages,
the members score, the chair closes; the officer, the leaders and the members read; anyone else
gets 403, and an unknown council or an initiative not in its session 404.
"""

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.campaigns.services import current_campaign
from app.councils import minutes, queries, services
from app.councils.forms import (
    FRACTION_LABELS,
    ButtonForm,
    CouncilForm,
    MemberForm,
    RoleForm,
    criteria_form,
    fraction_value,
    judgement_form,
)
from app.documents import DOCX_MIMETYPE, content_disposition
from app.errors import DomainError, InvalidTransition, NotAllowed, ValidationFailed
from app.models.councils import Council, CouncilMember, CouncilStatus, MemberRole
from app.models.directory import Role
from app.notifications.services import link_to
from app.web.access import role_required
from app.web.forms import add_errors
from app.web.htmx import is_htmx, render
from app.web.labels import COUNCIL_ROLE_LABELS, COUNCIL_STATUS_LABELS
from app.web.picker import picker_query, search_people

bp = Blueprint("councils", __name__)

S = CouncilStatus
MEMBERS = "councils/members.html"


@bp.app_template_filter("council_status")
def council_status(value: str) -> str:
    return str(COUNCIL_STATUS_LABELS.get(value, value))


@bp.app_template_filter("council_role")
def council_role(value: str) -> str:
    return str(COUNCIL_ROLE_LABELS.get(value, value))


@bp.app_template_filter("approval_label")
def approval_label(council: Council) -> str:
    fraction = (council.approval_numerator, council.approval_denominator)
    return str(FRACTION_LABELS.get(fraction, fraction_value(*fraction)))


@bp.app_template_filter("points")
def points(value: float | None) -> str:
    """An average score in the locale's format, to one decimal ("82,5")."""
    return "—" if value is None else format_decimal(value, "#,##0.#")


# Lookups with their access checks --------------------------------------------------------


def get_council(council_id: int, allowed) -> tuple[Council, CouncilMember | None]:
    """The council (with members and criteria) and the current user's seat on it, if
    `allowed(user, council, seat)`; else 404 or 403."""
    council = queries.load(council_id)
    if council is None:
        abort(404)
    seat = next((m for m in council.members if m.user_id == current_user.id), None)
    if not allowed(current_user, council, seat):
        abort(403)
    return council, seat


def viewable(council_id: int):
    return get_council(council_id, services.can_view)


def managed(council_id: int) -> Council:
    council, _seat = get_council(council_id, lambda user, c, s: services.is_manager(user))
    return council


def seated(council_id: int) -> tuple[Council, CouncilMember]:
    return get_council(council_id, lambda user, c, seat: seat is not None)


def refused(council: Council, error: DomainError):
    """A change the council's state refuses: back to its page with the message; htmx loads
    that page instead of swapping a fragment."""
    flash(error.message, "warning")
    url = url_for("councils.show", council_id=council.id)
    if is_htmx():
        return "", 204, {"HX-Redirect": url}
    return redirect(url, 303)


# The list and the council's page ----------------------------------------------------------


@bp.get("/")
@login_required
def index():
    """The councils the user may see: all for the officer and leaders, their own for members."""
    councils = queries.councils_for(current_user)
    ids = [council.id for council in councils]
    return render(
        "councils/index.html",
        councils=councils,
        seats=queries.seats_of(current_user, ids),
        members=queries.member_counts(ids),
        initiatives=queries.initiative_counts(ids),
        campaign=current_campaign() if services.is_manager(current_user) else None,
        can_manage=services.is_manager(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new():
    """The officer sets up a council for the current campaign (default criteria included)."""
    campaign = current_campaign()
    if campaign is None:
        abort(404)
    form = CouncilForm(name=services.default_name(campaign))
    if form.validate_on_submit():
        try:
            council = services.create_council(current_user, campaign, form.service_data())
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_("The council has been set up. Add its members next."), "success")
            return redirect(url_for("councils.members", council_id=council.id), 303)
    status = 422 if form.is_submitted() else 200
    return render("councils/new.html", form=form, campaign=campaign, status=status)


@bp.get("/<int:council_id>")
@login_required
def show(council_id: int):
    """The council: details, members, criteria; in session the initiatives with how many have
    judged each, and for a member their own judgements."""
    council, seat = viewable(council_id)
    rows = queries.session_rows(council, seat) if council.status != S.PREPARING else []
    return render(
        "councils/show.html",
        council=council,
        seat=seat,
        members=queries.ordered_members(council),
        rows=rows,
        can_manage=services.is_manager(current_user),
        problems=services.opening_problems(council) if council.status == S.PREPARING else [],
        waiting=queries.waiting_initiatives(council.campaign_id),
        other=queries.in_session_elsewhere(council) if council.status == S.PREPARING else None,
        button=ButtonForm(formdata=None),
    )


@bp.route("/<int:council_id>/edit", methods=["GET", "POST"])
@login_required
def edit(council_id: int):
    """Change the council's details (the threshold only before the session opens)."""
    council = managed(council_id)
    if council.is_closed:
        return refused(council, InvalidTransition(_("A closed council cannot change.")))
    approval = fraction_value(council.approval_numerator, council.approval_denominator)
    form = CouncilForm(obj=council, approval=approval)
    if form.validate_on_submit():
        try:
            services.update_council(current_user, council, form.service_data())
        except ValidationFailed as error:
            add_errors(form, error)
        except InvalidTransition as error:
            return refused(council, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("councils.show", council_id=council.id), 303)
    status = 422 if form.is_submitted() else 200
    return render("councils/edit.html", form=form, council=council, status=status)


@bp.post("/<int:council_id>/delete")
@login_required
def delete(council_id: int):
    """Delete a council never opened (the page asks first)."""
    council = managed(council_id)
    try:
        services.delete_council(current_user, council)
    except InvalidTransition as error:
        return refused(council, error)
    flash(_("The council has been deleted."), "success")
    return redirect(url_for("councils.index"), 303)


# Members -----------------------------------------------------------------------------------


def _members_page(council: Council, status: int = 200, form=None, role_errors=None, **extra):
    """The composition page (for htmx its composition block), with the person picker."""
    council = queries.load(council.id)
    find = picker_query()
    chosen = {member.user_id for member in council.members}
    people = extra.pop("people", None)
    if people is None:
        people = search_people(find, chosen)
    return render(
        MEMBERS,
        block="composition",
        status=status,
        council=council,
        members=queries.ordered_members(council),
        form=form or MemberForm(formdata=None),
        role_forms={
            m.id: RoleForm(formdata=None, prefix=f"member-{m.id}", role=m.role)
            for m in council.members
        },
        role_errors=role_errors or {},
        find=find,
        people=people,
        exclude=",".join(str(i) for i in sorted(chosen)),
        problems=services.opening_problems(council),
        **extra,
    )


def _members_saved(council: Council, notice: str):
    if is_htmx():
        return _members_page(council, notice=notice)
    flash(notice, "success")
    return redirect(url_for("councils.members", council_id=council.id, _anchor="composition"), 303)


@bp.get("/<int:council_id>/members")
@login_required
def members(council_id: int):
    """The members with their roles; while preparing, change them and add people."""
    return _members_page(managed(council_id))


@bp.post("/<int:council_id>/members")
@login_required
def add_member(council_id: int):
    """Seat the person chosen in the picker with a role."""
    council = managed(council_id)
    try:
        services.require_preparing(council)
    except InvalidTransition as error:
        return refused(council, error)
    form = MemberForm()
    if form.validate():
        try:
            services.add_member(current_user, council, form.user_id.data, form.role.data)
        except ValidationFailed as error:
            add_errors(form, error)
        except InvalidTransition as error:
            return refused(council, error)
        else:
            return _members_saved(council, _("The member has been added."))
    person = queries.person(form.user_id.data)
    people = [person] if person is not None else None
    return _members_page(council, status=422, form=form, people=people)


def _seat(council: Council, member_id: int) -> CouncilMember:
    member = next((m for m in council.members if m.id == member_id), None)
    if member is None:
        abort(404)
    return member


@bp.post("/<int:council_id>/members/<int:member_id>/role")
@login_required
def member_role(council_id: int, member_id: int):
    """Give a member another role (one chair, at most one secretary)."""
    council = managed(council_id)
    member = _seat(council, member_id)
    form = RoleForm(prefix=f"member-{member.id}")
    try:
        services.change_role(current_user, council, member.id, form.role.data)
    except ValidationFailed as error:
        return _members_page(council, status=422, role_errors={member.id: error.errors})
    except InvalidTransition as error:
        return refused(council, error)
    return _members_saved(council, _("The role has been changed."))


@bp.post("/<int:council_id>/members/<int:member_id>/remove")
@login_required
def remove_member(council_id: int, member_id: int):
    """Take a member off the council (the page asks first)."""
    council = managed(council_id)
    member = _seat(council, member_id)
    try:
        services.remove_member(current_user, council, member.id)
    except InvalidTransition as error:
        return refused(council, error)
    return _members_saved(council, _("The member has been removed."))


# Criteria ----------------------------------------------------------------------------------


@bp.route("/<int:council_id>/criteria", methods=["GET", "POST"])
@login_required
def criteria(council_id: int):
    """The scoring criteria and their maximum points, edited together (they make 100)."""
    council = managed(council_id)
    if request.method == "GET":
        form = criteria_form(council.criteria)
        return render("councils/criteria.html", council=council, form=form)
    form = criteria_form(council.criteria, formdata=request.form)
    try:
        services.update_criteria(current_user, council, [row for _f, row in form.parsed()])
    except ValidationFailed as error:
        form.add_errors(error.errors)
        return render(
            "councils/criteria.html", block="criteria_form", status=422, council=council, form=form
        )
    except InvalidTransition as error:
        return refused(council, error)
    flash(_("The criteria have been saved."), "success")
    url = url_for("councils.show", council_id=council.id, _anchor="criteria")
    if is_htmx():
        return "", 204, {"HX-Location": url}
    return redirect(url, 303)


# Opening and closing -----------------------------------------------------------------------


@bp.post("/<int:council_id>/open")
@login_required
def open_session(council_id: int):
    """Open the session: the campaign's accepted initiatives come before the council."""
    council = managed(council_id)
    try:
        taken = services.open_session(current_user, council)
    except ValidationFailed as error:
        for message in error.errors.get("open", []):
            flash(message, "warning")
        return redirect(url_for("councils.show", council_id=council.id), 303)
    except InvalidTransition as error:
        return refused(council, error)
    flash(_("The session is open; %(n)d initiatives are before the council.", n=taken), "success")
    return redirect(url_for("councils.show", council_id=council.id), 303)


def _require_chair(seat: CouncilMember | None) -> None:
    if seat is None or seat.role != MemberRole.CHAIR:
        abort(403)


@bp.route("/<int:council_id>/close", methods=["GET", "POST"])
@login_required
def close(council_id: int):
    """The chair confirms, told of any judgement still missing, and closes the session."""
    council, seat = viewable(council_id)
    _require_chair(seat)
    if council.status != S.IN_SESSION:
        return refused(council, InvalidTransition(_("The council is not in session.")))
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            recognized, not_recognized = services.close_session(current_user, council)
        except (InvalidTransition, NotAllowed) as error:
            return refused(council, error)
        flash(
            _(
                "The session is closed: %(yes)d initiatives recognized, %(no)d not recognized.",
                yes=recognized,
                no=not_recognized,
            ),
            "success",
        )
        return redirect(url_for("councils.results", council_id=council.id), 303)
    rows = queries.session_rows(council, seat)
    return render(
        "councils/close.html",
        council=council,
        rows=rows,
        missing=queries.missing_judgements(rows),
        form=ButtonForm(formdata=None),
    )


# Judging -----------------------------------------------------------------------------------


def _judgement_saved(council: Council, initiative):
    flash(_("Your judgement of “%(title)s” has been saved.", title=initiative.title), "success")
    url = url_for("councils.show", council_id=council.id, _anchor=f"initiative-{initiative.id}")
    if is_htmx():
        return "", 204, {"HX-Location": url}
    return redirect(url, 303)


@bp.route("/<int:council_id>/initiatives/<int:initiative_id>/judgement", methods=["GET", "POST"])
@login_required
def judge(council_id: int, initiative_id: int):
    """A member's scores and vote on one initiative of the session (theirs alone)."""
    council, seat = seated(council_id)
    initiative = queries.session_initiative(council, initiative_id)
    if initiative is None:
        abort(404)
    if council.status != S.IN_SESSION:
        return refused(council, InvalidTransition(_("The council is not in session.")))
    excluded = seat in queries.excluded_members(council.members, initiative)
    if excluded and request.method == "POST":
        abort(403)
    judgement = queries.own_judgement(seat, initiative.id)
    form = judgement_form(council.criteria, judgement, submitted=request.method == "POST")
    if request.method == "POST" and form.validate():
        try:
            services.judge(current_user, council, initiative, *form.service_data())
        except ValidationFailed as error:
            add_errors(form, error)
        except (InvalidTransition, NotAllowed) as error:
            return refused(council, error)
        else:
            return _judgement_saved(council, initiative)
    return render(
        "councils/judge.html",
        block="judgement",
        status=422 if request.method == "POST" else 200,
        council=council,
        initiative=initiative,
        form=form,
        excluded=excluded,
        judgement=judgement,
        initiative_url=link_to("initiatives.show", initiative_id=initiative.id),
    )


# After the close ---------------------------------------------------------------------------


def _closed(council_id: int) -> Council:
    council, _seat = viewable(council_id)
    if not council.is_closed:
        flash(_("The results are known once the chair closes the session."), "info")
        abort(redirect(url_for("councils.show", council_id=council.id)))
    return council


@bp.get("/<int:council_id>/results")
@login_required
def results(council_id: int):
    """Each initiative with every member's total and vote, the average and the result."""
    council = _closed(council_id)
    return render(
        "councils/results.html",
        council=council,
        results=queries.results(council),
        initiative_link=lambda initiative_id: link_to(
            "initiatives.show", initiative_id=initiative_id
        ),
    )


@bp.get("/<int:council_id>/minutes.docx")
@login_required
def minutes_docx(council_id: int):
    """Biên bản họp Hội đồng sáng kiến, laid out per Nghị định 30/2020/NĐ-CP."""
    council = _closed(council_id)
    data = minutes.export_minutes(current_user, council, queries.results(council))
    name = minutes.file_name(council)
    response = Response(data, mimetype=DOCX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(name, minutes.ascii_name(council))
    response.headers["Cache-Control"] = "no-store"
    return response
