"""Security headers on every response and the htmx Vary header."""

from flask import Flask, g, request
from flask_login import AnonymousUserMixin

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    )
)


def register(app: Flask) -> None:
    @app.after_request
    def set_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.add("Vary", "HX-Request")
        # The person as loaded for this request, without touching the database (their
        # attributes may be expired by the rollback of a failed request): when the database is
        # down, this hook must not fail the error page. Not loaded: kept out of caches too.
        user = g.get("_login_user")
        if (
            response.mimetype == "text/html"
            and request.endpoint != "static"
            and not isinstance(user, AnonymousUserMixin)
        ):
            headers.setdefault("Cache-Control", "no-store")
        return response
