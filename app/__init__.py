"""The application factory."""

import os
import sqlite3
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app import config as app_config
from app import transactions
from app.extensions import babel, csrf, db, limiter, login_manager, migrate
from app.web.request import NFCRequest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(__file__).resolve().parent


def create_app(overrides: dict | None = None) -> Flask:
    instance_path = (overrides or {}).get("INSTANCE_PATH") or os.environ.get(
        "THIDUA_INSTANCE_PATH", str(ROOT / "instance")
    )
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.request_class = NFCRequest
    app.config.from_object(app_config.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app_config.from_environment(app.config)
    app.config.update(overrides or {})
    _finish_config(app)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    register_extensions(app)
    register_web(app)
    register_blueprints(app)
    register_cli(app)
    return app


def _finish_config(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set: run 'make run' once (it writes instance/config.py) "
            "or set the SECRET_KEY environment variable."
        )
    # One switch for both cookies: behind HTTPS the remember cookie is Secure too.
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        uri = "sqlite:///" + str(Path(app.instance_path) / "thidua.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = app_config.database_url(uri)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL, a busy timeout and foreign keys on every SQLite connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def register_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (registers the models with the metadata)
    from app.models.types import render_item
    from app.web.i18n import select_locale, select_timezone

    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            transactions.watch(engine)
    migrate.init_app(
        app,
        db,
        directory=str(PACKAGE / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
    )
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(PACKAGE / "translations"),
    )
    app.config["RATELIMIT_ENABLED"] = app.config.get("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(_load_signed_in)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"


def _load_signed_in(token: str):
    """Flask-Login's loader: the person of this session token, with what every page's menu and
    bell show of them kept for the request."""
    from app.auth.services import load_visit
    from app.web.menu import remember_visit

    visit = load_visit(token)
    if visit is None:
        return None
    remember_visit(visit)
    return visit.user


def register_web(app: Flask) -> None:
    from app.errors import register_error_handlers
    from app.web import assets, filters, i18n, request_ids, security

    i18n.register(app)
    request_ids.register(app)
    register_error_handlers(app)
    filters.register(app)
    security.register(app)
    assets.register(app)


def register_blueprints(app: Flask) -> None:
    from app.admin import imports  # noqa: F401  (adds the import routes to the admin blueprint)
    from app.admin.routes import bp as admin_bp
    from app.auth.routes import bp as auth_bp
    from app.campaigns.routes import bp as campaigns_bp
    from app.commendations.routes import bp as commendations_bp
    from app.commitments import (  # noqa: F401  (same blueprint)
        assessment_routes,
        review_routes,
        tracking_routes,
    )
    from app.commitments.routes import bp as commitments_bp
    from app.councils.routes import bp as councils_bp
    from app.initiatives.routes import bp as initiatives_bp
    from app.main.routes import bp as main_bp
    from app.monitoring.routes import bp as monitoring_bp
    from app.notifications.routes import bp as notifications_bp
    from app.reminders.routes import bp as reminders_bp
    from app.reports.routes import bp as reports_bp
    from app.showcase.routes import bp as showcase_bp
    from app.surveys.routes import bp as surveys_bp
    from app.voting.routes import bp as voting_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(campaigns_bp, url_prefix="/campaigns")
    app.register_blueprint(commitments_bp, url_prefix="/commitments")
    app.register_blueprint(councils_bp, url_prefix="/council")
    app.register_blueprint(initiatives_bp, url_prefix="/initiatives")
    app.register_blueprint(notifications_bp, url_prefix="/notifications")
    app.register_blueprint(voting_bp, url_prefix="/voting")
    app.register_blueprint(surveys_bp, url_prefix="/surveys")
    app.register_blueprint(reminders_bp, url_prefix="/reminders")
    app.register_blueprint(monitoring_bp, url_prefix="/monitoring")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(showcase_bp, url_prefix="/showcase")
    app.register_blueprint(commendations_bp, url_prefix="/commendations")


def register_cli(app: Flask) -> None:
    from app.cli import register

    register(app)
