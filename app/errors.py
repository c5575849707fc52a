"""Domain errors raised by services, and the Vietnamese error pages."""

from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError

from app import transactions
from app.web import request_ids


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
        return _page(
            413,
            _("Too much data"),
            _("What you sent is larger than allowed; nothing has been saved."),
        )

    @app.errorhandler(429)
    def too_many(error):
        if request.endpoint == "auth.login":
            from app.auth.routes import render_login_limited

            return render_login_limited()
        return _page(429, _("Too many requests"), _("Please wait a moment and try again."))

    @app.errorhandler(500)
    def server_error(error):
        # Flask has logged the exception with its traceback and the request id; the page
        # shows the id only, never the exception, and needs no database.
        _end_session()
        return _without_database("errors/500.html"), 500

    @app.errorhandler(DBAPIError)
    def database_error(error):
        """The database refused or could not be reached (stopped, restarting, read-only,
        full, locked too long): a page saying so, not a crash; the next request tries again.
        Any other database error is a fault of the app: a 500."""
        current_app.logger.error("Database error: %s", error.orig, exc_info=error)
        _end_session()
        if not _unavailable(error):
            return _without_database("errors/500.html"), 500
        return _without_database("errors/503.html"), 503, {"Retry-After": "30"}

    @app.teardown_appcontext
    def end_session(error) -> None:
        # Before Flask-SQLAlchemy's own teardown (teardowns run last registered first): a
        # connection cut after the answer was made must not turn it into an error.
        _end_session(keep_prepared=error is None)


# PostgreSQL's codes for a database that cannot take the request now (besides the connection
# and resource failures the driver raises as OperationalError): a read-only transaction.
UNAVAILABLE_CODES = {"25006"}
# SQLite's result codes for the same (busy or locked too long, read-only, full, cannot be
# opened or read). SQLite raises its syntax errors as OperationalError too: those, like any
# other error of a statement, are faults of the app.
SQLITE_UNAVAILABLE = (
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_READONLY",
    "SQLITE_FULL",
    "SQLITE_CANTOPEN",
    "SQLITE_IOERR",
    "SQLITE_NOMEM",
    "SQLITE_PROTOCOL",
)


def _unavailable(error: DBAPIError) -> bool:
    sqlite_name = getattr(error.orig, "sqlite_errorname", None)
    if sqlite_name is not None:
        return sqlite_name.startswith(SQLITE_UNAVAILABLE)
    code = getattr(error.orig, "sqlstate", None)
    return isinstance(error, OperationalError) or code in UNAVAILABLE_CODES


def _without_database(template: str) -> str:
    """An error page rendered without touching the database. Flask-Login's template context
    loads the signed-in person when the request has not yet: when that load is what failed
    (the database stopped before the request's first query), it would fail again inside the
    handler and turn the 503 into a 500. The page then treats the visitor as anonymous."""
    if "_login_user" not in g:
        from app.extensions import login_manager

        g._login_user = login_manager.anonymous_user()
    return render_template(template, request_id=request_ids.current())


def _end_session(keep_prepared: bool = False) -> None:
    """Roll the request's session back and forget it; after a request that ended well, a
    transaction that only read is committed instead (app/transactions.py: on PostgreSQL, so
    that the connection keeps its prepared statements). When the connection is already gone (a
    database restart), ending fails: the session is dropped all the same, and the pool replaces
    the connection for the next request (the failure renewed the pool)."""
    from app.extensions import db

    try:
        if keep_prepared and db.session.registry.has():
            transactions.commit_if_read_only(db.session())
        db.session.remove()
    except DBAPIError as failure:
        current_app.logger.warning("Database connection lost: %s", failure.orig)
        db.session.registry.clear()
