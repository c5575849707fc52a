"""Admin screens under /admin/: units, users and the audit log; every route needs the admin role."""

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.admin import queries, services
from app.admin.forms import (
    AuditFilterForm,
    MoveUnitForm,
    NewUnitForm,
    NewUserForm,
    ResetPasswordForm,
    UnitForm,
    UnitHeadForm,
    UserForm,
)
from app.admin.labels import action_label, detail_items
from app.directory import people_query, unit_tree
from app.errors import ValidationFailed
from app.extensions import db
from app.models.directory import GRANTABLE_ROLES, Role, Unit, User
from app.web.access import require_role_for_blueprint
from app.web.forms import add_errors
from app.web.htmx import render

bp = Blueprint("admin", __name__)
require_role_for_blueprint(bp, Role.ADMIN)

USER_STATES = ("all", "active", "inactive")


@bp.context_processor
def admin_helpers() -> dict:
    return {"action_label": action_label, "detail_items": detail_items}


def get_unit(unit_id: int) -> Unit:
    """The unit with its head and parent, or 404."""
    unit = db.session.scalar(
        select(Unit)
        .where(Unit.id == unit_id)
        .options(joinedload(Unit.head), joinedload(Unit.parent))
    )
    if unit is None:
        abort(404)
    return unit


def get_user(user_id: int) -> User:
    """The user with their unit and roles, or 404."""
    user = db.session.scalar(
        select(User)
        .where(User.id == user_id)
        .options(joinedload(User.unit), selectinload(User.role_links))
    )
    if user is None:
        abort(404)
    return user


def _status(form) -> int:
    return 422 if form.is_submitted() else 200


@bp.get("/")
def index():
    """The admin area starts at the users."""
    return redirect(url_for("admin.users"))


# Units


@bp.get("/units/")
def units():
    """The unit tree with each unit's head and number of active members."""
    return render("admin/units.html", rows=queries.unit_rows())


@bp.route("/units/new", methods=["GET", "POST"])
def unit_new():
    """Add a unit."""
    form = NewUnitForm(parent_id=request.args.get("parent", type=int))
    form.parent_id.choices = queries.unit_choices(_("— None (top level) —"))
    if form.validate_on_submit():
        try:
            unit = services.create_unit(
                current_user, form.name.data, form.code.data, form.parent_id.data
            )
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_("The unit “%(name)s” has been added.", name=unit.name), "success")
            return redirect(url_for("admin.units"), code=303)
    return render("admin/unit_form.html", unit=None, form=form, status=_status(form))


def _unit_page(unit: Unit, status: int = 200, **forms):
    """The unit's page with its details, move, head and delete forms."""
    forms.setdefault("form", UnitForm(formdata=None, obj=unit))
    forms.setdefault("move_form", MoveUnitForm(formdata=None, parent_id=unit.parent_id))
    forms.setdefault("head_form", UnitHeadForm(formdata=None, head_id=unit.head_id))
    forms["move_form"].parent_id.choices = queries.unit_choices(_("— None (top level) —"))
    forms["head_form"].head_id.choices = queries.head_choices(unit)
    members = db.session.scalar(select(func.count(User.id)).where(User.unit_id == unit.id))
    children = db.session.scalar(select(func.count(Unit.id)).where(Unit.parent_id == unit.id))
    return render(
        "admin/unit_form.html",
        unit=unit,
        members=members,
        children=children,
        status=status,
        **forms,
    )


@bp.route("/units/<int:unit_id>/", methods=["GET", "POST"])
def unit_edit(unit_id: int):
    """A unit's page; POST renames it or changes its code."""
    unit = get_unit(unit_id)
    form = UnitForm(obj=unit)
    if form.validate_on_submit():
        try:
            services.update_unit(current_user, unit, form.name.data, form.code.data)
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_("The unit “%(name)s” has been saved.", name=unit.name), "success")
            return redirect(url_for("admin.unit_edit", unit_id=unit.id), code=303)
    return _unit_page(unit, form=form, status=_status(form))


@bp.post("/units/<int:unit_id>/move")
def unit_move(unit_id: int):
    """Put the unit under another parent unit."""
    unit = get_unit(unit_id)
    form = MoveUnitForm()
    if form.validate_on_submit():
        try:
            services.move_unit(current_user, unit, form.parent_id.data)
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_("The unit “%(name)s” has been moved.", name=unit.name), "success")
            return redirect(url_for("admin.unit_edit", unit_id=unit.id), code=303)
    return _unit_page(unit, move_form=form, status=422)


@bp.post("/units/<int:unit_id>/head")
def unit_head(unit_id: int):
    """Choose the unit's head."""
    unit = get_unit(unit_id)
    form = UnitHeadForm()
    if form.validate_on_submit():
        try:
            services.set_unit_head(current_user, unit, form.head_id.data)
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_("The head of “%(name)s” has been saved.", name=unit.name), "success")
            return redirect(url_for("admin.unit_edit", unit_id=unit.id), code=303)
    return _unit_page(unit, head_form=form, status=422)


@bp.post("/units/<int:unit_id>/delete")
def unit_delete(unit_id: int):
    """Delete a unit that has no members and no sub-units."""
    unit = get_unit(unit_id)
    try:
        services.delete_unit(current_user, unit)
    except ValidationFailed as error:
        return _unit_page(unit, delete_errors=error.errors["unit"], status=422)
    flash(_("The unit “%(name)s” has been deleted.", name=unit.name), "success")
    return redirect(url_for("admin.units"), code=303)


# Users


@bp.get("/users/")
def users():
    """Accounts: search without diacritics, filter by unit, role and status; paged."""
    q = request.args.get("q", "")
    unit_id = request.args.get("unit", type=int)
    role = request.args.get("role") if request.args.get("role") in GRANTABLE_ROLES else None
    state = request.args.get("status") if request.args.get("status") in USER_STATES else "all"
    active = {"active": True, "inactive": False}.get(state)
    people = db.paginate(
        people_query(q, unit_id, active, role),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    filters = {"q": q, "unit_id": unit_id, "role": role, "state": state}
    return render(
        "admin/users.html",
        block="results",
        people=people,
        units=unit_tree(),
        roles=GRANTABLE_ROLES,
        states=USER_STATES,
        **filters,
    )


def _user_choices(form) -> None:
    form.unit_id.choices = queries.unit_choices(_("— No unit —"))


def _user_data(form) -> dict:
    names = ("username", "full_name", "position", "unit_id", "email", "roles")
    return {name: getattr(form, name).data for name in names}


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    """Add an account with an initial password."""
    form = NewUserForm(unit_id=request.args.get("unit", type=int))
    _user_choices(form)
    if form.validate_on_submit():
        try:
            user = services.create_user(
                current_user, password=form.password.data, **_user_data(form)
            )
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_("The account “%(name)s” has been created.", name=user.username), "success")
            return redirect(url_for("admin.users"), code=303)
    return render("admin/user_form.html", user=None, form=form, status=_status(form))


def _user_page(user: User, status: int = 200, **forms):
    """The account's page with its details, password and activation forms."""
    if "form" not in forms:
        forms["form"] = UserForm(formdata=None, obj=user, roles=sorted(user.roles))
    forms.setdefault("password_form", ResetPasswordForm(formdata=None))
    _user_choices(forms["form"])
    return render("admin/user_form.html", user=user, status=status, **forms)


@bp.route("/users/<int:user_id>/", methods=["GET", "POST"])
def user_edit(user_id: int):
    """An account's page; POST saves its details and roles."""
    user = get_user(user_id)
    form = UserForm(obj=user, roles=sorted(user.roles))
    _user_choices(form)
    if form.validate_on_submit():
        try:
            services.update_user(current_user, user, **_user_data(form))
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_("The account “%(name)s” has been saved.", name=user.username), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id), code=303)
    return _user_page(user, form=form, status=_status(form))


def _set_active(user_id: int, active: bool):
    user = get_user(user_id)
    try:
        services.set_active(current_user, user, active)
    except ValidationFailed as error:
        return _user_page(user, active_errors=error.errors["is_active"], status=422)
    if active:
        flash(_("The account “%(name)s” has been reactivated.", name=user.username), "success")
    else:
        flash(_("The account “%(name)s” has been deactivated.", name=user.username), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id), code=303)


@bp.post("/users/<int:user_id>/deactivate")
def user_deactivate(user_id: int):
    """Deactivate the account and end its sessions."""
    return _set_active(user_id, False)


@bp.post("/users/<int:user_id>/reactivate")
def user_reactivate(user_id: int):
    """Let the account sign in again."""
    return _set_active(user_id, True)


@bp.post("/users/<int:user_id>/password")
def user_password(user_id: int):
    """Set a new password the person must change at the next sign-in."""
    user = get_user(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(current_user, user, form.password.data)
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            flash(_("A new password has been set for “%(name)s”.", name=user.username), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id), code=303)
    return _user_page(user, password_form=form, status=422)


# Audit log


@bp.get("/audit/")
def audit():
    """The audit log, newest first, with filters; paged."""
    form = AuditFilterForm(formdata=request.args)
    form.action.choices = queries.action_choices()
    valid = form.validate()
    entries = db.paginate(
        queries.audit_query(
            action=form.action.data or "",
            actor=form.actor.data or "",
            target=form.target.data or "",
            date_from=form.day("date_from"),
            date_to=form.day("date_to") if valid else None,
        ),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render(
        "admin/audit.html",
        block="results",
        form=form,
        entries=entries,
        status=200 if valid else 422,
    )
