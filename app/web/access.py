"""Access checks shared by the blueprints."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def role_required(*roles: str):
    """Signed in and holding one of the roles, or 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def require_role_for_blueprint(bp, *roles: str) -> None:
    """Guard every route of a blueprint: anonymous users sign in, others need a role."""
    from app.extensions import login_manager

    @bp.before_request
    def check_role():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.has_role(*roles):
            abort(403)
        return None
