"""Sign-in at /login, sign-out, change password."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import services
from app.auth.forms import ChangePasswordForm, LoginForm
from app.errors import ValidationFailed
from app.extensions import limiter
from app.text import clean
from app.web.forms import add_errors
from app.web.htmx import render

bp = Blueprint("auth", __name__)

# Endpoints a user who must change their password may still reach.
_OPEN_WHILE_CHANGING = {"auth.change_password", "auth.logout", "static", "main.healthz"}


def _login_limit() -> str:
    return current_app.config["LOGIN_FAILURE_LIMIT"]


def _username_key() -> str:
    return "login-user:" + clean(request.form.get("username", "")).lower()


def _failed(response) -> bool:
    return response.status_code == 422


def safe_next(target: str | None) -> str | None:
    """The `next` target if it stays on this site (a path), else None."""
    if not target or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.before_app_request
def require_password_change():
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in _OPEN_WHILE_CHANGING
    ):
        flash(_("Please set a new password before you continue."), "warning")
        return redirect(url_for("auth.change_password"))
    return None


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, key_func=_username_key, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, key_func=get_remote_address, methods=["POST"], deduct_when=_failed)
def login():
    """Sign in with username and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render("auth/login.html", form=form, status=422 if form.is_submitted() else 200)
    user = services.authenticate(form.username.data, form.password.data)
    if user is None:
        form.password.errors = [_("The username or password is incorrect.")]
        return render("auth/login.html", form=form, status=422)
    next_url = safe_next(request.args.get("next"))
    session.clear()  # a new session at sign-in
    login_user(user, remember=form.remember.data)
    return redirect(next_url or url_for("main.home"), code=303)


def render_login_limited():
    form = LoginForm()
    form.password.errors = [
        _("Too many failed sign-in attempts. Please wait one minute and try again.")
    ]
    return render("auth/login.html", form=form, status=429)


@bp.post("/logout")
def logout():
    """Sign out: the person's session token changes, so no copy of the cookie works again."""
    if current_user.is_authenticated:
        services.sign_out(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except ValidationFailed as error:
            add_errors(form, error)
        else:
            login_user(current_user._get_current_object(), remember=False)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.home"), code=303)
    status = 422 if form.is_submitted() else 200
    return render("auth/change_password.html", form=form, status=status)
