"""Configuration: defaults here, then instance/config.py, then the environment."""

import os
from datetime import timedelta

# Variables read from the environment as they are (strings), then converted where needed.
ENV_STRINGS = (
    "SECRET_KEY",
    "SMTP_HOST",
    "SMTP_USER",
    "SMTP_PASSWORD",
    "SMTP_FROM",
    "RATELIMIT_STORAGE_URI",
    "BABEL_DEFAULT_LOCALE",
    "UPLOAD_FOLDER",
    "BACKUP_FOLDER",
    "SHOWCASE_TAG_AUTHORITY",
)
ENV_INTS = (
    "SMTP_PORT",
    "IMPORT_MAX_BYTES",
    "INITIATIVE_ATTACHMENT_MAX_BYTES",
    "INITIATIVE_ATTACHMENTS_MAX",
    "REMINDER_INTERVAL_HOURS",
    "REMINDER_MAX",
    "BACKUP_KEEP",
    "PROXY_COUNT",
    "STORY_PHOTO_MAX_BYTES",
    "FIGURES_CACHE_SECONDS",
)
ENV_BOOLS = ("SESSION_COOKIE_SECURE", "SMTP_STARTTLS", "RATELIMIT_ENABLED")


class Defaults:
    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = None  # set by create_app to the SQLite file in instance/
    # No pre-ping on every checkout: on PostgreSQL app/transactions.py checks a connection
    # only after it has been idle (a round trip per request saved); SQLite needs none.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLITE_BUSY_TIMEOUT_MS = 5000

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_FAILURE_LIMIT = "5 per minute"

    IMPORT_MAX_BYTES = 5 * 1024 * 1024
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    PAGE_SIZE = 25
    # Figures grouped over every person (dashboard, response rates by unit) are kept this
    # long at most, and only while no audited change has been recorded (app/figures_cache.py).
    FIGURES_CACHE_SECONDS = 60
    # Nobody is reminded about the same thing again within this many hours, nor more often.
    REMINDER_INTERVAL_HOURS = 24
    REMINDER_MAX = 3

    # Attachments of initiatives; the upload route takes requests up to INITIATIVE_UPLOAD_MAX
    # so that a file too large is refused beside the field rather than by a bare 413.
    UPLOAD_FOLDER = None  # default instance/uploads
    INITIATIVE_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    INITIATIVE_ATTACHMENTS_MAX = 5
    INITIATIVE_UPLOAD_MAX = 64 * 1024 * 1024

    # How many reverse proxies (nginx) stand in front of the app: their X-Forwarded-For and
    # -Proto are then believed, so rate limits and the audit log see the person's address.
    PROXY_COUNT = 0

    # `flask backup`: archives in instance/backups/ by default, the newest BACKUP_KEEP kept.
    BACKUP_FOLDER = None
    BACKUP_KEEP = 14
    # Stories: the photo's limit (the route takes requests up to STORY_UPLOAD_MAX, so a photo
    # too large is refused beside the field), stories per showcase page and in the feed, and
    # the authority of the feed's tag: URIs (RFC 4151), which must never change once the
    # portal reads the feed.
    STORY_PHOTO_MAX_BYTES = 5 * 1024 * 1024
    STORY_UPLOAD_MAX = 32 * 1024 * 1024
    SHOWCASE_PAGE_SIZE = 12
    SHOWCASE_FEED_SIZE = 20
    SHOWCASE_TAG_AUTHORITY = "vpubnd.daklak.gov.vn,2026"

    SMTP_HOST = None
    SMTP_PORT = 25
    SMTP_USER = None
    SMTP_PASSWORD = None
    SMTP_FROM = "thidua@vpubnd.daklak.gov.vn"
    SMTP_STARTTLS = False


def database_url(url: str) -> str:
    """Point a plain postgres URL at psycopg 3, the driver this app installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def from_environment(config: dict) -> None:
    """Copy the known variables from the environment into the config, converted."""
    env = os.environ
    for name in ENV_STRINGS:
        if env.get(name):
            config[name] = env[name]
    for name in ENV_INTS:
        if env.get(name):
            config[name] = int(env[name])
    for name in ENV_BOOLS:
        if env.get(name):
            config[name] = env[name].strip().lower() in ("1", "true", "yes", "on")
    if env.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = env["DATABASE_URL"]
