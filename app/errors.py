"""Domain errors raised by services, and the Vietnamese error pages."""

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError


class DomainError(Exception):
    """A use case refused; the message is for the person and already translated."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class NotAllowed(DomainError):
    """The acting user may not do this."""


class InvalidTransition(DomainError):
    """The object is not in a state that allows this."""


class ValidationFailed(DomainError):
    """Input rejected: errors by field name."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(message for msgs in errors.values() for message in msgs))
        self.errors = errors


def _page(status: int, title: str, message: str):
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(error):
        return _page(400, _("Invalid request"), _("The request could not be understood."))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _page(
            400,
            _("The form has expired"),
            _(
                "The security token of the form is missing or has expired. "
                "Reload the page and try again."
            ),
        )

    @app.errorhandler(403)
    @app.errorhandler(NotAllowed)
    def forbidden(error):
        return _page(
            403,
            _("Access denied"),
            _("You do not have permission to view this page or perform this action."),
        )

    @app.errorhandler(404)
    def not_found(error):
        return _page(
            404,
            _("Page not found"),
            _("The page you are looking for does not exist or has been moved."),
        )

    @app.errorhandler(405)
    def method_not_allowed(error):
        return _page(405, _("Method not allowed"), _("This address does not accept that request."))

    @app.errorhandler(413)
    def too_large(error):
        if request.endpoint == "initiatives.upload":
            from app.initiatives.routes import upload_too_large

            return upload_too_large()
        if request.endpoint == "showcase.photo":
            from app.showcase.routes import photo_too_large

            return photo_too_large()
        return _page(413, _("File too large"), _("The file you sent is larger than allowed."))

    @app.errorhandler(429)
    def too_many(error):
        if request.endpoint == "auth.login":
            from app.auth.routes import render_login_limited

            return render_login_limited()
        return _page(429, _("Too many requests"), _("Please wait a moment and try again."))

    @app.errorhandler(500)
    def server_error(error):
        from app.extensions import db

        db.session.rollback()
        return render_template("errors/500.html"), 500
