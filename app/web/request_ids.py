"""A request id for every request: the proxy's X-Request-Id when it looks like one, a new one
otherwise. It goes back in the response's X-Request-Id header, on every log line the app writes
during the request, and on the error pages, so a person can quote it to the administrator and
the administrator can find the request in the log."""

import logging
import re
import secrets

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler

HEADER = "X-Request-Id"
VALID = re.compile(r"[A-Za-z0-9._-]{8,64}")
LOG_FORMAT = "[%(asctime)s] %(levelname)s request %(request_id)s in %(module)s: %(message)s"


def current() -> str:
    """This request's id (made on first use: a failure in routing comes before any hook)."""
    if not has_request_context():
        return "-"
    if "request_id" not in g:
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if VALID.fullmatch(incoming) else secrets.token_hex(8)
    return g.request_id


class RequestIdFilter(logging.Filter):
    """Gives every record of the app's logger the request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current()
        return True


def register(app: Flask) -> None:
    @app.before_request
    def assign() -> None:
        current()

    @app.after_request
    def send_back(response):
        response.headers[HEADER] = current()
        return response

    # The logger is shared by every app of the process (it is named after the package).
    if not any(isinstance(f, RequestIdFilter) for f in app.logger.filters):
        app.logger.addFilter(RequestIdFilter())
    default_handler.setFormatter(logging.Formatter(LOG_FORMAT))
